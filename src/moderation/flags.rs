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

pub fn reason_words(reason: &str) -> &str {
    REASONS.iter().find(|(r, _)| *r == reason).map(|(_, w)| *w).unwrap_or("Raised by an automatic check")
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
        diesel::update(posts::table.find(post_id))
            .set((posts::urgent.eq(true), posts::urgent_kind.eq("someone_else")))
            .execute(conn)?;
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
    pub body_md: String,
    pub reports: Vec<(String, String, NaiveDateTime)>,
}

impl Reported {
    pub fn waited(&self) -> String {
        self.reports.iter().map(|r| r.2).min().map(super::queue::waited).unwrap_or_default()
    }
}

type Row = (i64, i64, String, i64, String, String, String, bool, String, String, String, NaiveDateTime);

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
    let rows: Vec<Row> = query.load(conn)?;
    let mut out: Vec<Reported> = Vec::new();
    for (
        post_id,
        topic_id,
        topic_title,
        group_id,
        group_name,
        author_name,
        status,
        urgent,
        body_md,
        reason,
        note,
        at,
    ) in rows
    {
        match out.iter_mut().find(|r| r.post_id == post_id) {
            Some(r) => r.reports.push((reason, note, at)),
            None => out.push(Reported {
                post_id,
                topic_id,
                topic_title,
                group_id,
                group_name,
                author_name,
                status,
                urgent,
                body_md,
                reports: vec![(reason, note, at)],
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
    close_reports(conn, moderator_id, post_id, false)?;
    crate::site::audit(conn, Some(moderator_id), "keep", "post", post_id, "reports")
}

/// Closes the open reports on a post with the outcome, and tells each reporter.
pub(crate) fn close_reports(
    conn: &mut AnyConnection,
    moderator_id: i64,
    post_id: i64,
    removed: bool,
) -> QueryResult<()> {
    let reporters: Vec<Option<i64>> = flags::table
        .filter(flags::post_id.eq(post_id))
        .filter(flags::resolved_at.is_null())
        .select(flags::reporter_id)
        .load(conn)?;
    let outcome = if removed { "removed" } else { "kept" };
    diesel::update(flags::table.filter(flags::post_id.eq(post_id)).filter(flags::resolved_at.is_null()))
        .set((flags::resolved_at.eq(db::now()), flags::resolved_by.eq(moderator_id), flags::outcome.eq(outcome)))
        .execute(conn)?;
    // The report's urgency is settled; a held post keeps its own safeguarding urgency.
    diesel::update(posts::table.find(post_id).filter(posts::status.ne(PostStatus::Pending.as_str())))
        .set(posts::urgent.eq(false))
        .execute(conn)?;
    let message = if removed {
        "Thank you for your report: a moderator removed the post."
    } else {
        "Thank you for your report: a moderator looked at the post and decided it can stay."
    };
    for reporter in reporters.into_iter().flatten() {
        super::actions::notify(conn, reporter, post_id, message)?;
    }
    Ok(())
}
