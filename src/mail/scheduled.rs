//! Emails that come from the passing of time, not from a request: moderators hear when the
//! queue's oldest post has waited too long (at most once an hour each) and get a daily summary;
//! members get the digest they chose; clinicians are reminded before their badge expires. The outbox worker runs [`run`] on every pass.
//!
//! Several server instances may run it at once: each email is claimed by a conditional update
//! of the member's "last sent" time, so only one instance's update matches.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::notices::{self, Notice};
use crate::db::schema::{group_members, group_watches, groups, posts, topics, users};
use crate::db::{self, AnyConnection};

/// Runs every due job; returns how many emails were queued.
pub fn run(conn: &mut AnyConnection) -> QueryResult<usize> {
    let now = db::now();
    let mut queued = queue_alerts(conn, now)?;
    queued += digests(conn, now)?;
    queued += crate::professionals::remind_expiring(conn, now)?;
    Ok(queued)
}

/// Staff who moderate something: (id, is_admin, the groups they moderate).
fn moderators(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, bool, Vec<i64>)>> {
    let admins: Vec<i64> =
        users::table.filter(users::is_admin.eq(true)).filter(users::banned.eq(false)).select(users::id).load(conn)?;
    let roles: Vec<(i64, i64)> = group_members::table
        .filter(group_members::role.eq("moderator"))
        .select((group_members::user_id, group_members::group_id))
        .load(conn)?;
    let mut out: Vec<(i64, bool, Vec<i64>)> = admins.into_iter().map(|id| (id, true, Vec::new())).collect();
    for (user, group) in roles {
        match out.iter_mut().find(|(id, _, _)| *id == user) {
            Some((_, _, groups)) => groups.push(group),
            None => out.push((user, false, vec![group])),
        }
    }
    Ok(out)
}

/// Held posts waiting in `scope` (`None`: every group, for admins) — all and urgent, as the
/// moderators' navigation counts them — and how many arrived before `before`. Escalated posts
/// are the admins' alone.
fn waiting(conn: &mut AnyConnection, scope: Option<&[i64]>, before: NaiveDateTime) -> QueryResult<(i64, i64, i64)> {
    let (all, urgent) = crate::moderation::queue::waiting(conn, scope, scope.is_none(), i64::MAX)?;
    let mut old = posts::table
        .inner_join(topics::table)
        .filter(crate::posting::held())
        .filter(posts::created_at.lt(before))
        .count()
        .into_boxed();
    if let Some(ids) = scope {
        old = old.filter(topics::group_id.eq_any(ids.to_vec())).filter(posts::escalated.eq(false));
    }
    Ok((all, urgent, old.get_result(conn)?))
}

/// Claims the right to send a member a periodic email: sets `column` to `now` if it was last
/// set before `since` (or never). True for exactly one caller.
macro_rules! claim {
    ($conn:expr, $user:expr, $column:expr, $now:expr, $since:expr) => {
        diesel::update(users::table.find($user).filter($column.is_null().or($column.lt($since))))
            .set($column.eq($now))
            .execute($conn)
            .map(|n| n == 1)
    };
}

fn queue_alerts(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let minutes = crate::site::tunable(conn, "queue_alert_minutes")?;
    let before = now - Duration::minutes(minutes);
    // Cheap when nothing waits too long, which is the usual case.
    let oldest: Option<NaiveDateTime> =
        posts::table.filter(crate::posting::held()).select(diesel::dsl::min(posts::created_at)).first(conn)?;
    let any_waiting = oldest.is_some();
    let any_old = oldest.is_some_and(|at| at < before);
    if !any_waiting {
        return Ok(0);
    }
    let mut queued = 0;
    for (user, is_admin, groups) in moderators(conn)? {
        let scope = (!is_admin).then_some(groups.as_slice());
        let (all, urgent, old) = waiting(conn, scope, before)?;
        if any_old && old > 0 && claim!(conn, user, users::queue_alert_at, now, now - Duration::hours(1))? {
            queued += usize::from(notices::email(conn, user, &Notice::QueueWaiting { waiting: old, minutes })?);
        }
        if all > 0 && claim!(conn, user, users::queue_summary_at, now, now - Duration::days(1))? {
            queued += usize::from(notices::email(conn, user, &Notice::QueueSummary { waiting: all, urgent })?);
        }
    }
    Ok(queued)
}

fn digests(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let mut queued = 0;
    for (period, every) in [("daily", Duration::days(1)), ("weekly", Duration::days(7))] {
        let due: Vec<(i64, Option<NaiveDateTime>)> = users::table
            .filter(users::digest.eq(period))
            .filter(users::digest_sent_at.is_null().or(users::digest_sent_at.lt(now - every)))
            .select((users::id, users::digest_sent_at))
            .load(conn)?;
        for (user, last) in due {
            if !claim!(conn, user, users::digest_sent_at, now, now - every)? {
                continue;
            }
            let since = last.unwrap_or(now - every);
            let watched: Vec<i64> = group_watches::table
                .filter(group_watches::user_id.eq(user))
                .filter(group_watches::level.eq("all"))
                .select(group_watches::group_id)
                .load(conn)?;
            let readable = readable_groups(conn, user, &watched)?;
            let topics: Vec<(i64, String, String)> = topics::table
                .inner_join(groups::table)
                .filter(topics::group_id.eq_any(readable))
                .filter(topics::status.eq("live"))
                .filter(topics::created_at.ge(since))
                .order((topics::created_at.asc(), topics::id.asc()))
                .select((topics::id, groups::name, topics::title))
                .limit(50)
                .load(conn)?;
            if !topics.is_empty() {
                queued += usize::from(notices::email(conn, user, &Notice::Digest { period, topics })?);
            }
        }
    }
    Ok(queued)
}

/// Of `groups`, those `user` may read: open and members-only groups, private groups they
/// belong to, and as a verified clinician those they are approved for (a watch outlives a
/// membership or a badge; the digest must not).
pub fn readable_groups(conn: &mut AnyConnection, user: i64, groups_wanted: &[i64]) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, String)> = groups::table
        .filter(groups::id.eq_any(groups_wanted.to_vec()))
        .select((groups::id, groups::visibility))
        .load(conn)?;
    // Only a private group asks who the member is (one query, not three, for everything else).
    if rows.iter().all(|(_, v)| v != "private") {
        return Ok(rows.into_iter().map(|(id, _)| id).collect());
    }
    let mut private_members: Vec<i64> = group_members::table
        .filter(group_members::user_id.eq(user))
        .filter(group_members::status.eq("approved"))
        .select(group_members::group_id)
        .load(conn)?;
    if crate::professionals::badge_of(conn, user)?.is_some() {
        private_members.extend(crate::professionals::approved_groups(conn, user)?);
    }
    Ok(rows.into_iter().filter(|(id, v)| v != "private" || private_members.contains(id)).map(|(id, _)| id).collect())
}
