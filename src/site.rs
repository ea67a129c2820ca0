//! Site-wide records: the ground rules (versioned, so members re-accept changes), settings such
//! as the generated signing key, and the audit log of staff actions.

use diesel::prelude::*;

use crate::db::schema::{audit_log, notifications, settings, site_rules};
use crate::db::{self, AnyConnection};

#[derive(Debug, Clone, Queryable)]
pub struct SiteRules {
    pub version: i32,
    pub body_md: String,
    pub body_html: String,
    pub created_at: chrono::NaiveDateTime,
}

pub fn current_rules(conn: &mut AnyConnection) -> QueryResult<Option<SiteRules>> {
    site_rules::table
        .order(site_rules::version.desc())
        .select((site_rules::version, site_rules::body_md, site_rules::body_html, site_rules::created_at))
        .first(conn)
        .optional()
}

pub fn current_rules_version(conn: &mut AnyConnection) -> QueryResult<i32> {
    site_rules::table.select(diesel::dsl::max(site_rules::version)).first::<Option<i32>>(conn).map(|v| v.unwrap_or(0))
}

/// Publishes a new version of the ground rules; members accept it on their next visit.
pub fn publish_rules(conn: &mut AnyConnection, body_md: &str, by: Option<i64>) -> QueryResult<i32> {
    let version = current_rules_version(conn)? + 1;
    diesel::insert_into(site_rules::table)
        .values((
            site_rules::version.eq(version),
            site_rules::body_md.eq(body_md),
            site_rules::body_html.eq(crate::markdown::render(body_md)),
            site_rules::created_at.eq(db::now()),
            site_rules::created_by.eq(by),
        ))
        .execute(conn)?;
    Ok(version)
}

pub fn setting(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<String>> {
    settings::table.find(key).select(settings::value).first(conn).optional()
}

pub fn insert_setting(conn: &mut AnyConnection, key: &str, value: &str) -> QueryResult<()> {
    diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(value)))
        .execute(conn)
        .map(drop)
}

/// Sets a setting, replacing any earlier value.
pub fn put_setting(conn: &mut AnyConnection, key: &str, value: &str) -> QueryResult<()> {
    let changed = diesel::update(settings::table.find(key)).set(settings::value.eq(value)).execute(conn)?;
    if changed == 0 {
        insert_setting(conn, key, value)?;
    }
    Ok(())
}

/// Numbers staff can tune at `/admin/settings`: (key, what it means, default, lowest, highest).
pub const TUNABLES: [(&str, &str, i64, i64, i64); 7] = [
    ("flags_to_hide", "Reports from different members that hide a live post until a moderator looks", 3, 1, 20),
    ("queue_alert_minutes", "Minutes a held post may wait before its moderators are emailed", 30, 5, 1440),
    (
        "badge_months",
        "Months a professional badge lasts before the clinician's registration is checked again",
        12,
        1,
        36,
    ),
    ("search_per_minute", "Searches one member or address may make in a minute", 30, 5, 100_000),
    (
        "retention_redacted_days",
        "Days a post's original text is kept after a moderator redacted or edited it",
        30,
        1,
        3650,
    ),
    ("retention_reports_days", "Days a closed report is kept", 365, 7, 3650),
    ("retention_mail_days", "Days the text of a sent email is kept", 30, 1, 3650),
];

/// A tunable number: its stored value, or its default.
pub fn tunable(conn: &mut AnyConnection, key: &str) -> QueryResult<i64> {
    let default = TUNABLES.iter().find(|t| t.0 == key).map_or(0, |t| t.2);
    Ok(setting(conn, key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// Counts one request against a limit every server instance shares: at most `limit` in each
/// `window` for (`bucket`, `key`). Returns how long to wait when the limit is reached. Call
/// inside a write transaction (the row update serialises concurrent requests).
pub fn rate_limit(
    conn: &mut AnyConnection,
    bucket: &str,
    key: &str,
    limit: i32,
    window: chrono::Duration,
) -> QueryResult<Option<chrono::Duration>> {
    use crate::db::schema::rate_limits as rl;
    let now = db::now();
    let row = rl::table.filter(rl::bucket.eq(bucket)).filter(rl::key.eq(key));
    let counted =
        diesel::update(row.filter(rl::window_start.gt(now - window))).set(rl::count.eq(rl::count + 1)).execute(conn)?;
    if counted == 0 {
        // No window open: start one (over an expired row, or a new one).
        let restarted = diesel::update(row).set((rl::window_start.eq(now), rl::count.eq(1))).execute(conn)?;
        if restarted == 0 {
            // In a savepoint: when another request inserted the row first, this one counts on it.
            let inserted = conn.transaction(|c| {
                diesel::insert_into(rl::table)
                    .values((rl::bucket.eq(bucket), rl::key.eq(key), rl::window_start.eq(now), rl::count.eq(1)))
                    .execute(c)
            });
            match inserted {
                Ok(_) => {}
                Err(e) if db::is_unique_violation(&e) => {
                    diesel::update(row).set(rl::count.eq(rl::count + 1)).execute(conn)?;
                }
                Err(e) => return Err(e),
            }
        }
        return Ok(None);
    }
    let (start, count): (chrono::NaiveDateTime, i32) = row.select((rl::window_start, rl::count)).first(conn)?;
    Ok((count > limit).then(|| (start + window - now).max(chrono::Duration::seconds(1))))
}

/// The site's public address (`FORUM_BASE_URL`), recorded at start-up so that emails written
/// deep inside a transaction can link back to the forum.
pub fn base_url(conn: &mut AnyConnection) -> QueryResult<String> {
    Ok(setting(conn, "base_url")?.unwrap_or_else(|| format!("http://{}", crate::config::DEFAULT_BIND)))
}

/// A setting that holds a random secret, generated the first time it is asked for.
pub fn secret(conn: &mut AnyConnection, key: &str) -> QueryResult<String> {
    if let Some(existing) = setting(conn, key)? {
        return Ok(existing);
    }
    let fresh = crate::secrets::random_token(32);
    insert_setting(conn, key, &fresh)?;
    Ok(fresh)
}

/// The key that signs CSRF tokens: `FORUM_SESSION_KEY`, or in development one generated on
/// first start and kept in the database, so every instance and every restart agrees on it.
pub fn signing_key(conn: &mut AnyConnection, configured: Option<&str>) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = configured {
        return Ok(key.as_bytes().to_vec());
    }
    let key = db::transaction(conn, |conn| secret(conn, "signing_key"))?;
    Ok(key.into_bytes())
}

/// Records a staff action. Call inside the transaction that makes the change. The first
/// action someone other than its author takes on an urgent post is timed here, whatever the
/// action, so the figure cannot miss a path.
pub fn audit(
    conn: &mut AnyConnection,
    actor_id: Option<i64>,
    action: &str,
    target_type: &str,
    target_id: i64,
    detail: &str,
) -> QueryResult<()> {
    let (member_id, group_id) = concerns(conn, target_type, target_id)?;
    if target_type == "post" && actor_id.is_some() && actor_id != member_id {
        use crate::db::schema::posts;
        // Decisions clear `urgent` before they are audited, so the mark is "became urgent".
        diesel::update(
            posts::table
                .find(target_id)
                .filter(posts::urgent_at.is_not_null())
                .filter(posts::first_action_at.is_null()),
        )
        .set(posts::first_action_at.eq(db::now()))
        .execute(conn)?;
    }
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor_id),
            audit_log::action.eq(action),
            audit_log::target_type.eq(target_type),
            audit_log::target_id.eq(target_id),
            audit_log::detail.eq(detail),
            audit_log::created_at.eq(db::now()),
            audit_log::member_id.eq(member_id),
            audit_log::group_id.eq(group_id),
        ))
        .execute(conn)
        .map(drop)
}

/// The member and the group an audited action concerns (a post's or topic's author and group,
/// a sanctioned member, an edited group), so the log can be filtered by either.
fn concerns(conn: &mut AnyConnection, target_type: &str, target_id: i64) -> QueryResult<(Option<i64>, Option<i64>)> {
    use crate::db::schema::{posts, topics};
    Ok(match target_type {
        "post" => posts::table
            .inner_join(topics::table)
            .filter(posts::id.eq(target_id))
            .select((posts::author_id, topics::group_id))
            .first::<(i64, i64)>(conn)
            .optional()?
            .map_or((None, None), |(member, group)| (Some(member), Some(group))),
        "topic" => topics::table
            .find(target_id)
            .select((topics::author_id, topics::group_id))
            .first::<(i64, i64)>(conn)
            .optional()?
            .map_or((None, None), |(member, group)| (Some(member), Some(group))),
        "user" => (Some(target_id), None),
        "verification" => (
            crate::db::schema::verifications::table
                .find(target_id)
                .select(crate::db::schema::verifications::user_id)
                .first(conn)
                .optional()?,
            None,
        ),
        "group" => (None, Some(target_id)),
        _ => (None, None),
    })
}

/// A message for a member about their posts.
#[derive(Debug, Clone, Queryable)]
pub struct Notification {
    pub message: String,
    pub post_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub read_at: Option<chrono::NaiveDateTime>,
}

/// The member opened a topic: an unread notice of replies there is read, so the next reply
/// is news again (and emailed again; see `mail::notices::post_went_live`).
pub fn topic_seen(conn: &mut AnyConnection, user_id: i64, topic_id: i64) -> QueryResult<()> {
    let unread: Option<i64> = notifications::table
        .filter(notifications::topic_id.eq(topic_id))
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .select(notifications::id)
        .first(conn)
        .optional()?;
    if let Some(id) = unread {
        // Bookkeeping: no page anyone else sees changes.
        db::bookkeeping(conn, |conn| {
            diesel::update(notifications::table.find(id)).set(notifications::read_at.eq(db::now())).execute(conn)
        })?;
    }
    Ok(())
}

/// The member's latest notifications (newest first); marks them read.
pub fn notifications_seen(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<Notification>> {
    let list = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .select((notifications::message, notifications::post_id, notifications::created_at, notifications::read_at))
        .limit(50)
        .load(conn)?;
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(db::now()))
    .execute(conn)?;
    Ok(list)
}
