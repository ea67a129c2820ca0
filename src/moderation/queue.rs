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
}

impl QueueItem {
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
    let mut query = posts::table
        .inner_join(topics::table.inner_join(groups::table))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::status.eq("pending"))
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

/// A row of the moderation log.
#[derive(Debug, Clone, Queryable)]
pub struct LogRow {
    pub created_at: NaiveDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub detail: String,
}

/// The most recent staff actions, newest first (optionally one action kind only). Group
/// moderators (`scope` = their groups) see actions on posts and topics of those groups only;
/// admins (`None`) see everything, including actions on members and the site.
pub fn log(conn: &mut AnyConnection, action: Option<&str>, scope: Option<&[i64]>) -> QueryResult<Vec<LogRow>> {
    let mut query = audit_log::table
        .left_join(users::table.on(audit_log::actor_id.eq(users::id.nullable())))
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .select((
            audit_log::created_at,
            users::display_name.nullable(),
            audit_log::action,
            audit_log::target_type,
            audit_log::target_id,
            audit_log::detail,
        ))
        .limit(200)
        .into_boxed();
    if let Some(action) = action {
        query = query.filter(audit_log::action.eq(action.to_owned()));
    }
    if let Some(groups) = scope {
        let posts_in_scope =
            posts::table.inner_join(topics::table).filter(topics::group_id.eq_any(groups.to_vec())).select(posts::id);
        let topics_in_scope = topics::table.filter(topics::group_id.eq_any(groups.to_vec())).select(topics::id);
        query = query.filter(
            audit_log::target_type
                .eq("post")
                .and(audit_log::target_id.eq_any(posts_in_scope))
                .or(audit_log::target_type.eq("topic").and(audit_log::target_id.eq_any(topics_in_scope))),
        );
    }
    query.load(conn)
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
