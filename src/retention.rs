//! Retention: personal data kept only as long as it is needed, then purged by a scheduled job.
//!
//! | what | kept for | setting (`/admin/settings`) |
//! |---|---|---|
//! | a post's original text after a moderator redacted or edited it (for undo and appeals) | 30 days | `retention_redacted_days` |
//! | closed reports | 365 days | `retention_reports_days` |
//! | the text of sent (or finally failed) emails | 30 days | `retention_mail_days` |
//! | sessions | until they expire | (the session lifetimes) |
//! | rate-limit counters (hashed addresses, client addresses) | a day after their window | |
//!
//! Sign-in events themselves go only to the process log (structured `tracing` events, without
//! passwords, tokens or addresses); the operator's log rotation keeps them as long as it is set
//! to. The outbox worker calls [`purge`] on its scheduled pass; a shared claim lets one instance
//! in an hour do the work, however many are running.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::{flags, outbox, post_revisions, posts, rate_limits, sessions};
use crate::db::{self, AnyConnection};

/// How many rows each purge touched, for the log and for tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub original_texts: usize,
    pub reports: usize,
    pub mail_bodies: usize,
    pub sessions: usize,
    pub rate_limits: usize,
}

/// Purges what has been kept long enough, at most once an hour across every instance (it
/// returns all zeros when another pass already ran this hour). Call inside a transaction.
pub fn purge(conn: &mut AnyConnection) -> QueryResult<Purged> {
    if crate::site::rate_limit(conn, "retention", "purge", 1, Duration::hours(1))?.is_some() {
        return Ok(Purged::default());
    }
    let now = db::now();
    let redacted = now - Duration::days(crate::site::tunable(conn, "retention_redacted_days")?);
    let reports = now - Duration::days(crate::site::tunable(conn, "retention_reports_days")?);
    let mail = now - Duration::days(crate::site::tunable(conn, "retention_mail_days")?);

    // Versions written by someone other than the author are the text a moderator changed.
    let moderator_versions: Vec<i64> = post_revisions::table
        .inner_join(posts::table)
        .filter(post_revisions::editor_id.ne(posts::author_id))
        .filter(post_revisions::created_at.lt(redacted))
        .select(post_revisions::id)
        .load(conn)?;
    let mut original_texts =
        diesel::delete(post_revisions::table.filter(post_revisions::id.eq_any(&moderator_versions))).execute(conn)?;
    original_texts += diesel::update(
        posts::table.filter(posts::before_decision.is_not_null()).filter(posts::decided_at.lt(redacted)),
    )
    .set(posts::before_decision.eq(None::<String>))
    .execute(conn)?;
    let reports =
        diesel::delete(flags::table.filter(flags::resolved_at.is_not_null()).filter(flags::resolved_at.lt(reports)))
            .execute(conn)?;
    let finished = outbox::sent_at.lt(mail).or(outbox::failed_at.lt(mail));
    let mail_bodies = diesel::delete(outbox::table.filter(finished)).execute(conn)?;
    let sessions = diesel::delete(
        sessions::table
            .filter(sessions::expires_at.lt(now).or(sessions::last_seen_at.lt(now - crate::accounts::SESSION_IDLE))),
    )
    .execute(conn)?;
    let rate_limits = diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(now - Duration::days(1))))
        .execute(conn)?;
    let purged = Purged { original_texts, reports, mail_bodies, sessions, rate_limits };
    tracing::info!(event = "retention_purge", ?purged, "purged data past its retention period");
    Ok(purged)
}
