//! Read models for moderators: the queue, one held post, the moderation log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Finding;
use crate::db::AnyConnection;
use crate::db::schema::{audit_log, groups, posts, topics, users};

/// A line in the queue.
#[derive(Debug, Clone, Queryable)]
pub struct QueueItem {
    pub id: i64,
    pub author_id: i64,
    pub appealed: bool,
    pub topic_title: String,
    pub group_name: String,
    pub author_name: String,
    pub author_approved: i32,
    pub author_rejected: i32,
    pub created_at: NaiveDateTime,
    pub urgent: bool,
    pub urgent_kind: Option<String>,
    pub body_md: String,
    pub findings: String,
    pub escalated: bool,
    pub claimed_until: Option<NaiveDateTime>,
    pub urgent_at: Option<NaiveDateTime>,
    pub first_action_at: Option<NaiveDateTime>,
    /// The author's badge profession, if a verified clinician wrote it (their posts meet the
    /// stricter case-discussion rule, and moderators see that it is a clinician's post).
    pub clinician: Option<String>,
}

impl QueueItem {
    /// Short enough to show whole in the list.
    pub fn is_short(&self) -> bool {
        self.body_md.chars().nth(180).is_none()
    }

    pub fn excerpt(&self) -> String {
        let mut text: String = self.body_md.chars().take(180).collect();
        if self.body_md.chars().count() > 180 {
            text.push('…');
        }
        text
    }

    /// The reasons it is held, in a few words for the list.
    pub fn reasons(&self) -> String {
        let findings: Vec<Finding> = serde_json::from_str(&self.findings).unwrap_or_default();
        let mut reasons: Vec<String> = Vec::new();
        for f in findings {
            let r = match f.rule.as_str() {
                "protect-personal-health-information" => f.message_for_moderator.replace('_', " ").to_lowercase(),
                "group-policy" => "group policy".to_owned(),
                other => other.replace('-', " "),
            };
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
        reasons.join(", ")
    }

    /// How long it has waited, in words.
    pub fn waited(&self) -> String {
        waited(self.created_at)
    }

    /// For urgent posts: time to the first moderator action (see [`response`]).
    pub fn response(&self) -> Option<String> {
        response(self.urgent, self.urgent_at, self.first_action_at)
    }
}

/// An urgent item's time to a first moderator action, in words: still waiting, or how soon.
pub fn response(
    urgent: bool,
    urgent_at: Option<NaiveDateTime>,
    first_action_at: Option<NaiveDateTime>,
) -> Option<String> {
    let since = urgent_at.filter(|_| urgent)?;
    Some(match first_action_at {
        None => format!("no moderator action yet ({} since it became urgent)", waited(since)),
        Some(at) => {
            let minutes = (at - since).num_minutes().max(0);
            format!("first moderator action after {}", crate::stats::duration_words(minutes as f64))
        }
    })
}

pub fn waited(since: NaiveDateTime) -> String {
    let minutes = (crate::db::now() - since).num_minutes().max(0);
    match minutes {
        0 => "less than a minute".to_owned(),
        1 => "1 minute".to_owned(),
        m if m < 120 => format!("{m} minutes"),
        m if m < 48 * 60 => format!("{} hours", m / 60),
        m => format!("{} days", m / (24 * 60)),
    }
}

/// Held posts in the given groups (`None`: all groups, for admins): urgent first, then oldest.
/// Served by the `posts_queue` index. `only` narrows it to one post. Escalated posts are for
/// admins only.
pub fn queue(
    conn: &mut AnyConnection,
    scope: Option<&[i64]>,
    only: Option<i64>,
    viewer: i64,
    is_admin: bool,
) -> QueryResult<Vec<QueueItem>> {
    use crate::db::schema::{professions, verifications};
    // At most one approved verification per member (an approval supersedes the one before).
    let badge = verifications::user_id
        .eq(posts::author_id)
        .and(verifications::status.eq(crate::professionals::APPROVED))
        .and(verifications::expires_at.gt(crate::db::now()));
    let mut query = posts::table
        .inner_join(topics::table.inner_join(groups::table))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .left_join(verifications::table.on(badge))
        .left_join(professions::table.on(professions::id.eq(verifications::profession_id)))
        .filter(crate::posting::held())
        .order((posts::urgent.desc(), posts::created_at.asc(), posts::id.asc()))
        .select((
            posts::id,
            posts::author_id,
            posts::appealed,
            topics::title,
            groups::name,
            users::display_name,
            users::approved_posts,
            users::rejected_posts,
            posts::created_at,
            posts::urgent,
            posts::urgent_kind,
            posts::body_md,
            posts::findings,
            posts::escalated,
            posts::claimed_until,
            posts::urgent_at,
            posts::first_action_at,
            professions::badge.nullable(),
        ))
        .limit(200)
        .into_boxed();
    if let Some(ids) = scope {
        query = query.filter(topics::group_id.eq_any(ids.to_vec()));
    }
    if let Some(id) = only {
        query = query.filter(posts::id.eq(id));
    }
    // An appeal is never shown to the moderator (or admin) whose decision it is against.
    query = query.filter(posts::appealed.eq(false).or(posts::decided_by.is_null()).or(posts::decided_by.ne(viewer)));
    if !is_admin {
        query = query.filter(posts::escalated.eq(false));
    }
    query.load(conn)
}

/// The navigation counts held posts up to this many ("100+ waiting"): its cost stays the same
/// however long the queue grows (a million-post forum's seed holds ten thousand).
pub const NAV_COUNT_CAP: i64 = 100;

/// How many held posts wait in the given groups (`None`: all), and how many of them are
/// urgent, counted up to `cap` (urgent ones first) — live urgent posts in the reports lane
/// included, as both. Read from the `posts_waiting` or `posts_queue` index, plus one count on
/// the open flags.
pub fn waiting(conn: &mut AnyConnection, scope: Option<&[i64]>, is_admin: bool, cap: i64) -> QueryResult<(i64, i64)> {
    // The topics are joined only to scope a group moderator's count (an admin's is every
    // group's); urgent posts first, so a capped count still has all of them it can hold.
    let not_escalated = posts::escalated.eq(false).or(is_admin.into_sql::<diesel::sql_types::Bool>());
    let held: Vec<bool> = match scope {
        None => posts::table
            .filter(crate::posting::held())
            .filter(not_escalated)
            .order(posts::urgent.desc())
            .select(posts::urgent)
            .limit(cap)
            .load(conn)?,
        Some(ids) => posts::table
            .inner_join(topics::table)
            .filter(crate::posting::held())
            .filter(not_escalated)
            .filter(topics::group_id.eq_any(ids))
            .order(posts::urgent.desc())
            .select(posts::urgent)
            .limit(cap)
            .load(conn)?,
    };
    let urgent_held = held.iter().filter(|urgent| **urgent).count() as i64;
    // Live urgent posts wait too, in the reports lane (served by `flags_open`).
    let mut live = crate::db::schema::flags::table
        .inner_join(posts::table.inner_join(topics::table))
        .filter(crate::db::schema::flags::resolved_at.is_null())
        .filter(posts::urgent.eq(true))
        .filter(posts::status.ne("pending"))
        .select(diesel::dsl::count(posts::id).aggregate_distinct())
        .into_boxed();
    if let Some(ids) = scope {
        live = live.filter(topics::group_id.eq_any(ids.to_vec()));
    }
    let live: i64 = live.first(conn)?;
    Ok((held.len() as i64 + live, urgent_held + live))
}

impl QueueItem {
    /// "Being looked at until 14:05" while someone's claim lasts.
    pub fn claim_note(&self) -> Option<String> {
        self.claimed_until
            .filter(|until| *until > crate::db::now())
            .map(|until| format!("Being looked at by a moderator until {}", until.format("%H:%M")))
    }
}

/// A line of a diff: '+' added, '-' removed, ' ' unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: char,
    pub text: String,
}

/// What changed between two versions, line by line (longest common subsequence).
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(DiffLine { change: ' ', text: a[i].to_owned() });
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push(DiffLine { change: '+', text: b[j].to_owned() });
            j += 1;
        } else {
            out.push(DiffLine { change: '-', text: a[i].to_owned() });
            i += 1;
        }
    }
    out
}

/// One stretch of a post's text, flagged or not, for highlighting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// What the flagged stretch looks like (e.g. "NHS_NUMBER"), if flagged.
    pub flag: Option<String>,
}

/// Splits `body` at the findings' character spans.
pub fn segments(body: &str, findings: &[Finding]) -> Vec<Segment> {
    let chars: Vec<char> = body.chars().collect();
    let mut spans: Vec<&Finding> = findings.iter().filter(|f| f.end > f.start && f.end <= chars.len()).collect();
    spans.sort_by_key(|f| f.start);
    let mut out = Vec::new();
    let mut at = 0;
    for f in spans {
        if f.start < at {
            continue;
        }
        if f.start > at {
            out.push(Segment { text: chars[at..f.start].iter().collect(), flag: None });
        }
        out.push(Segment { text: chars[f.start..f.end].iter().collect(), flag: Some(f.message_for_moderator.clone()) });
        at = f.end;
    }
    if at < chars.len() {
        out.push(Segment { text: chars[at..].iter().collect(), flag: None });
    }
    out
}

diesel::alias!(users as members: MembersAlias);

/// A row of the moderation log.
#[derive(Debug, Clone, Queryable)]
pub struct LogRow {
    pub created_at: NaiveDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub detail: String,
    pub member_id: Option<i64>,
    pub member: Option<String>,
}

/// What `/mod/log` is narrowed to; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub action: Option<String>,
    /// The staff member who acted.
    pub moderator: Option<i64>,
    /// The member the action concerns (a post's author, a sanctioned member).
    pub member: Option<i64>,
    pub group: Option<i64>,
    /// From the start of this day…
    pub from: Option<NaiveDateTime>,
    /// …to before this instant (the day after the last day asked for).
    pub until: Option<NaiveDateTime>,
}

pub const LOG_PAGE: i64 = 100;

/// A page of staff actions, newest first, narrowed by `filter`. Group moderators (`scope` =
/// their groups) see actions in those groups only; admins (`None`) see everything, including
/// actions on members and the site. Each filter has an index that matches the ORDER BY.
/// Returns one row more than a page when there is a next page.
pub fn log(conn: &mut AnyConnection, filter: &LogFilter, scope: Option<&[i64]>, page: i64) -> QueryResult<Vec<LogRow>> {
    let mut query = audit_log::table
        .left_join(users::table.on(audit_log::actor_id.eq(users::id.nullable())))
        .left_join(members.on(audit_log::member_id.eq(members.field(users::id).nullable())))
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .select((
            audit_log::created_at,
            users::display_name.nullable(),
            audit_log::action,
            audit_log::target_type,
            audit_log::target_id,
            audit_log::detail,
            audit_log::member_id,
            members.field(users::display_name).nullable(),
        ))
        .limit(LOG_PAGE + 1)
        .offset((page.max(1) - 1) * LOG_PAGE)
        .into_boxed();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(moderator) = filter.moderator {
        query = query.filter(audit_log::actor_id.eq(moderator));
    }
    if let Some(member) = filter.member {
        query = query.filter(audit_log::member_id.eq(member));
    }
    if let Some(group) = filter.group {
        query = query.filter(audit_log::group_id.eq(group));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::created_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::created_at.lt(until));
    }
    if let Some(groups) = scope {
        query = query.filter(audit_log::group_id.eq_any(groups.to_vec()));
    }
    query.load(conn)
}

/// The staff who appear in the log's moderator filter: admins and group moderators.
pub fn staff(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
    use crate::db::schema::group_members;
    let moderators = group_members::table.filter(group_members::role.eq("moderator")).select(group_members::user_id);
    users::table
        .filter(users::is_admin.eq(true).or(users::id.eq_any(moderators)))
        .order((users::display_name_key.asc(), users::id.asc()))
        .select((users::id, users::display_name))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_show_removed_and_added_lines() {
        let d = diff_lines("a\nb\nc", "a\nB\nc\nd");
        let shown: Vec<String> = d.iter().map(|l| format!("{}{}", l.change, l.text)).collect();
        assert_eq!(shown, [" a", "-b", "+B", " c", "+d"]);
    }

    #[test]
    fn segments_split_at_character_offsets() {
        let f = Finding {
            rule: "protect-personal-health-information".into(),
            start: 2,
            end: 4,
            in_title: false,
            severity: "hold".into(),
            message_for_author: String::new(),
            message_for_moderator: "PHONE".into(),
        };
        let s = segments("é☕12x", &[f]);
        assert_eq!(s.len(), 3);
        assert_eq!(s[1], Segment { text: "12".into(), flag: Some("PHONE".into()) });
        assert_eq!(s[2].text, "x");
    }
}

/// How quickly moderators acted on a group's urgent posts (those that became urgent in the
/// last 30 days), for the staff dashboard.
#[derive(Debug, Clone)]
pub struct UrgentFigures {
    pub group_id: i64,
    pub urgent: usize,
    /// Still without any moderator action.
    pub waiting: usize,
    /// Minutes from becoming urgent to the first moderator action.
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

/// Urgent-post figures for each of `group_ids`, as of `now`; one query (served by the partial
/// index `posts_urgent_since`).
pub fn urgent_figures(
    conn: &mut AnyConnection,
    group_ids: &[i64],
    now: NaiveDateTime,
) -> QueryResult<Vec<UrgentFigures>> {
    let rows: Vec<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> = posts::table
        .inner_join(topics::table)
        .filter(posts::urgent_at.ge(now - chrono::Duration::days(30)))
        .filter(topics::group_id.eq_any(group_ids.to_vec()))
        .select((topics::group_id, posts::urgent_at, posts::first_action_at))
        .load(conn)?;
    Ok(group_ids
        .iter()
        .map(|&group_id| {
            let mine: Vec<_> = rows.iter().filter(|r| r.0 == group_id).collect();
            let mut minutes: Vec<f64> =
                mine.iter().filter_map(|r| Some(((r.2? - r.1?).num_seconds().max(0) as f64) / 60.0)).collect();
            minutes.sort_by(f64::total_cmp);
            UrgentFigures {
                group_id,
                urgent: mine.len(),
                waiting: mine.iter().filter(|r| r.2.is_none()).count(),
                median_minutes: crate::stats::percentile(&minutes, 50.0),
                p90_minutes: crate::stats::percentile(&minutes, 90.0),
            }
        })
        .collect())
}
