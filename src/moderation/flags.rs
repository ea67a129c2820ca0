//! Flags on live posts: members report a post (or a check asks for a look); enough distinct
//! members hide it until a moderator reviews it; a worry about someone's safety goes straight
//! to the urgent lane. Moderators keep or remove the post, and reporters hear the outcome.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{flags, groups, posts, topics, users};
use crate::db::{self, AnyConnection};
use crate::posting::PostStatus;

/// Why a member reports a post (value, words).
pub const REASONS: [(&str, &str); 4] = [
    ("rule", "It breaks a ground rule"),
    ("personal_information", "It shares personal information"),
    ("spam", "It is spam or advertising"),
    ("safety", "I am worried about someone's safety"),
];

/// The reason of the flag the safeguarding check raises on an urgent post that stays live.
pub const URGENT: &str = "urgent";

pub fn reason_words(reason: &str) -> &str {
    if reason == URGENT {
        return "The safeguarding check found signs of present risk (the post stays live)";
    }
    REASONS.iter().find(|(r, _)| *r == reason).map(|(_, w)| *w).unwrap_or("Raised by an automatic check")
}

/// Puts a live urgent post in the moderators' lane (once while it is open), noting the kind
/// and the signals that fired so a moderator can see why.
pub fn raise_urgent(conn: &mut AnyConnection, post_id: i64, urgency: &super::safeguarding::Urgency) -> QueryResult<()> {
    let open: i64 = flags::table
        .filter(flags::post_id.eq(post_id))
        .filter(flags::reason.eq(URGENT))
        .filter(flags::resolved_at.is_null())
        .count()
        .get_result(conn)?;
    if open == 0 {
        let note = format!("{}: {}", urgency.kind.describe(), urgency.signals.join(", "));
        raise(conn, post_id, None, URGENT, &note)?;
    }
    Ok(())
}

/// Records a flag. A member's second report of the same post is ignored. Returns whether the
/// post was hidden by this flag.
pub fn raise(
    conn: &mut AnyConnection,
    post_id: i64,
    reporter: Option<i64>,
    reason: &str,
    note: &str,
) -> QueryResult<bool> {
    if let Some(reporter) = reporter {
        let already: i64 = flags::table
            .filter(flags::post_id.eq(post_id))
            .filter(flags::reporter_id.eq(reporter))
            .filter(flags::resolved_at.is_null())
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Ok(false);
        }
    }
    diesel::insert_into(flags::table)
        .values((
            flags::post_id.eq(post_id),
            flags::reporter_id.eq(reporter),
            flags::reason.eq(reason),
            flags::note.eq(note),
            flags::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    if reason == "safety" {
        mark_urgent(conn, post_id, "someone_else")?;
    }
    let members: Vec<Option<i64>> = flags::table
        .filter(flags::post_id.eq(post_id))
        .filter(flags::resolved_at.is_null())
        .filter(flags::reporter_id.is_not_null())
        .select(flags::reporter_id)
        .distinct()
        .load(conn)?;
    if members.len() as i64 >= crate::site::tunable(conn, "flags_to_hide")? {
        return crate::posting::set_status(conn, post_id, PostStatus::Live.as_str(), PostStatus::Hidden);
    }
    Ok(false)
}

/// Puts a post in the urgent lane as `kind`; the moment it first became urgent is kept, for
/// timing the moderators' first action.
pub fn mark_urgent(conn: &mut AnyConnection, post_id: i64, kind: &str) -> QueryResult<()> {
    // Not urgent until now (or handled since): a new episode, timed from now.
    diesel::update(posts::table.find(post_id).filter(posts::urgent.eq(false)))
        .set((posts::urgent_at.eq(db::now()), posts::first_action_at.eq(None::<NaiveDateTime>)))
        .execute(conn)?;
    diesel::update(posts::table.find(post_id))
        .set((posts::urgent.eq(true), posts::urgent_kind.eq(kind)))
        .execute(conn)
        .map(drop)
}

/// Whether a post is in the urgent lane now.
pub fn is_urgent(conn: &mut AnyConnection, post_id: i64) -> QueryResult<bool> {
    posts::table.find(post_id).select(posts::urgent).first(conn)
}

/// A reported post as moderators see it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub post_id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub group_id: i64,
    pub group_name: String,
    pub author_name: String,
    pub status: String,
    pub urgent: bool,
    /// When it became urgent, and when a moderator first acted on it.
    pub urgent_at: Option<NaiveDateTime>,
    pub first_action_at: Option<NaiveDateTime>,
    pub escalated: bool,
    pub body_md: String,
    pub reports: Vec<(String, String, NaiveDateTime)>,
}

impl Reported {
    pub fn waited(&self) -> String {
        self.reports.iter().map(|r| r.2).min().map(super::queue::waited).unwrap_or_default()
    }

    /// What put it in the urgent lane, in a few words.
    pub fn urgent_words(&self) -> &'static str {
        if self.reports.iter().any(|r| r.0 == URGENT) {
            "Urgent: the safeguarding check (the post is live)"
        } else {
            "Urgent: worried about someone's safety"
        }
    }

    /// For the urgent lane: how long it has waited for a first moderator action, or how soon
    /// one came.
    pub fn response(&self) -> Option<String> {
        super::queue::response(self.urgent, self.urgent_at, self.first_action_at)
    }
}

/// One open report with its post, as loaded.
#[derive(Queryable)]
struct ReportRow {
    post_id: i64,
    topic_id: i64,
    topic_title: String,
    group_id: i64,
    group_name: String,
    author_name: String,
    status: String,
    urgent: bool,
    urgent_at: Option<NaiveDateTime>,
    first_action_at: Option<NaiveDateTime>,
    escalated: bool,
    body_md: String,
    reason: String,
    note: String,
    at: NaiveDateTime,
}

/// Posts with open reports in the given groups (`None`: all), urgent first, then oldest report.
pub fn open_reports(conn: &mut AnyConnection, scope: Option<&[i64]>, only: Option<i64>) -> QueryResult<Vec<Reported>> {
    let mut query = flags::table
        .inner_join(posts::table.inner_join(topics::table.inner_join(groups::table)))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(flags::resolved_at.is_null())
        .order((flags::created_at.asc(), flags::id.asc()))
        .select((
            posts::id,
            topics::id,
            topics::title,
            groups::id,
            groups::name,
            users::display_name,
            posts::status,
            posts::urgent,
            posts::urgent_at,
            posts::first_action_at,
            posts::escalated,
            posts::body_md,
            flags::reason,
            flags::note,
            flags::created_at,
        ))
        .limit(500)
        .into_boxed();
    if let Some(ids) = scope {
        query = query.filter(topics::group_id.eq_any(ids.to_vec()));
    }
    if let Some(id) = only {
        query = query.filter(posts::id.eq(id));
    }
    let rows: Vec<ReportRow> = query.load(conn)?;
    let mut out: Vec<Reported> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|o| o.post_id == r.post_id) {
            Some(o) => o.reports.push((r.reason, r.note, r.at)),
            None => out.push(Reported {
                post_id: r.post_id,
                topic_id: r.topic_id,
                topic_title: r.topic_title,
                group_id: r.group_id,
                group_name: r.group_name,
                author_name: r.author_name,
                status: r.status,
                urgent: r.urgent,
                urgent_at: r.urgent_at,
                first_action_at: r.first_action_at,
                escalated: r.escalated,
                body_md: r.body_md,
                reports: vec![(r.reason, r.note, r.at)],
            }),
        }
    }
    out.sort_by_key(|r| !r.urgent);
    Ok(out)
}

/// Keeps a reported post (showing it again if reports hid it); closes its reports and tells
/// the members who reported it. Removal is `actions::remove`, which closes them too.
pub fn keep(conn: &mut AnyConnection, moderator_id: i64, post_id: i64) -> QueryResult<()> {
    let status: String = posts::table.find(post_id).select(posts::status).first(conn)?;
    if status == "hidden" {
        crate::posting::set_status(conn, post_id, "hidden", PostStatus::Live)?;
    }
    close_reports(conn, moderator_id, post_id, Outcome::Kept)?;
    crate::site::audit(conn, Some(moderator_id), "keep", "post", post_id, "reports")
}

/// How a moderator closed a post's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Removed,
    /// An urgent post looked after (the note is in the log).
    Handled,
}

/// A moderator has looked after an urgent post (reached out, or seen that all is well): its
/// reports close, the lane empties, and the note goes in the log. The post stays (shown again
/// if reports had hidden it; to take it down, a moderator removes it instead).
pub fn handled(conn: &mut AnyConnection, moderator_id: i64, post_id: i64, note: &str) -> QueryResult<()> {
    // Closing its reports must not leave a post hidden with nobody left to look at it.
    let status: String = posts::table.find(post_id).select(posts::status).first(conn)?;
    if status == "hidden" {
        crate::posting::set_status(conn, post_id, "hidden", PostStatus::Live)?;
    }
    close_reports(conn, moderator_id, post_id, Outcome::Handled)?;
    crate::site::audit(conn, Some(moderator_id), "handled", "post", post_id, note)
}

/// A private message from the moderation team to the author of an urgent post: the help that
/// matches what they wrote, and the moderator's own words. In the app only — an email about
/// it could be read by the very person someone is afraid of.
pub fn reach_out(conn: &mut AnyConnection, moderator_id: i64, post_id: i64, note: &str) -> QueryResult<()> {
    let (author, kind): (i64, Option<String>) =
        posts::table.find(post_id).select((posts::author_id, posts::urgent_kind)).first(conn)?;
    let kind = kind.as_deref().and_then(super::safeguarding::UrgentKind::parse);
    let lines = super::helplines::all(conn)?;
    let help = match kind {
        Some(kind) => super::helplines::help_for(&lines, kind),
        None => super::HELP_NOW.to_owned(),
    };
    let mut message = "A message from the moderation team: we read your post and we are thinking of you.".to_owned();
    if !note.trim().is_empty() {
        message.push(' ');
        message.push_str(note.trim());
    }
    message.push(' ');
    message.push_str(&help);
    super::actions::notify(conn, author, post_id, &message)?;
    crate::site::audit(conn, Some(moderator_id), "reach_out", "post", post_id, note.trim())
}

/// Closes the open reports on a post with the outcome, and tells each reporter.
pub(crate) fn close_reports(
    conn: &mut AnyConnection,
    moderator_id: i64,
    post_id: i64,
    outcome: Outcome,
) -> QueryResult<()> {
    let reporters: Vec<Option<i64>> = flags::table
        .filter(flags::post_id.eq(post_id))
        .filter(flags::resolved_at.is_null())
        .select(flags::reporter_id)
        .load(conn)?;
    let words = match outcome {
        Outcome::Kept => "kept",
        Outcome::Removed => "removed",
        Outcome::Handled => "handled",
    };
    diesel::update(flags::table.filter(flags::post_id.eq(post_id)).filter(flags::resolved_at.is_null()))
        .set((flags::resolved_at.eq(db::now()), flags::resolved_by.eq(moderator_id), flags::outcome.eq(words)))
        .execute(conn)?;
    // The report's urgency is settled; a held post keeps its own safeguarding urgency.
    diesel::update(posts::table.find(post_id).filter(posts::status.ne(PostStatus::Pending.as_str())))
        .set(posts::urgent.eq(false))
        .execute(conn)?;
    let message = match outcome {
        Outcome::Removed => "Thank you for your report: a moderator removed the post.",
        Outcome::Kept => "Thank you for your report: a moderator looked at the post and decided it can stay.",
        Outcome::Handled => "Thank you for telling us: a moderator has looked after it.",
    };
    for reporter in reporters.into_iter().flatten() {
        super::actions::notify(conn, reporter, post_id, message)?;
    }
    Ok(())
}
