//! `/me/data`: everything the forum holds about a member, as one JSON document (UK GDPR right
//! of access and data portability). One query per kind of record, never one per post.
//!
//! Left out on purpose: password and token hashes (secrets, not information about the
//! member) and other people's personal details (who decided a post is kept as a role, not a
//! name).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::AnyConnection;
use crate::db::schema::{
    flags, group_members, group_watches, groups, notifications, post_revisions, posts, topics, users,
};

/// The export, ready to serialise.
pub fn export(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Value> {
    let account = super::find(conn, user_id)?;
    type Choices = (Option<NaiveDateTime>, bool, bool, String, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let (rules_accepted_at, email_off, email_excerpts, digest, research_consent_at, two_factor_since): Choices =
        users::table
            .find(user_id)
            .select((
                users::rules_accepted_at,
                users::email_off,
                users::email_excerpts,
                users::digest,
                users::research_consent_at,
                users::totp_enabled_at,
            ))
            .first(conn)?;

    type PostRow = (
        i64,
        i64,
        String,
        String,
        bool,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<String>,
        Option<String>,
    );
    let post_rows: Vec<PostRow> = posts::table
        .inner_join(topics::table.inner_join(groups::table))
        .filter(posts::author_id.eq(user_id))
        .order((posts::created_at.asc(), posts::id.asc()))
        .select((
            posts::id,
            posts::topic_id,
            topics::title,
            groups::name,
            posts::is_opening,
            posts::status,
            posts::body_md,
            posts::created_at,
            posts::edited_at,
            posts::decision_rule,
            posts::decision_note,
        ))
        .load(conn)?;
    let revisions: Vec<(i64, Option<String>, String, NaiveDateTime)> = post_revisions::table
        .inner_join(posts::table)
        .filter(posts::author_id.eq(user_id))
        .order((post_revisions::post_id.asc(), post_revisions::created_at.asc(), post_revisions::id.asc()))
        .select((post_revisions::post_id, post_revisions::title, post_revisions::body_md, post_revisions::created_at))
        .load(conn)?;
    let posts_json: Vec<Value> = post_rows
        .into_iter()
        .map(|(id, topic_id, title, group, opening, status, body, created, edited, rule, note)| {
            let history: Vec<Value> = revisions
                .iter()
                .filter(|r| r.0 == id)
                .map(|(_, title, body, at)| json!({ "title": title, "text": body, "written_at": at }))
                .collect();
            json!({
                "id": id,
                "topic_id": topic_id,
                "topic_title": title,
                "group": group,
                "starts_topic": opening,
                "status": status,
                "text": body,
                "created_at": created,
                "edited_at": edited,
                "moderation": { "rule": rule, "note_to_you": note },
                "earlier_versions": history,
            })
        })
        .collect();

    let flags_made: Vec<(i64, String, String, NaiveDateTime, Option<String>)> = flags::table
        .filter(flags::reporter_id.eq(user_id))
        .order(flags::created_at.asc())
        .select((flags::post_id, flags::reason, flags::note, flags::created_at, flags::outcome))
        .load(conn)?;
    let notices: Vec<(String, Option<i64>, NaiveDateTime, Option<NaiveDateTime>)> = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order(notifications::created_at.asc())
        .select((notifications::message, notifications::post_id, notifications::created_at, notifications::read_at))
        .load(conn)?;
    let memberships: Vec<(String, String, String, NaiveDateTime)> = group_members::table
        .inner_join(groups::table)
        .filter(group_members::user_id.eq(user_id))
        .select((groups::name, group_members::role, group_members::status, group_members::created_at))
        .load(conn)?;
    let watches: Vec<(String, String)> = group_watches::table
        .inner_join(groups::table.on(groups::id.eq(group_watches::group_id)))
        .filter(group_watches::user_id.eq(user_id))
        .select((groups::name, group_watches::level))
        .load(conn)?;
    let sessions = super::active_sessions(conn, user_id)?;

    Ok(json!({
        "about": "Everything this forum holds about you, as of the time of download.",
        "profile": {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "joined_at": account.created_at,
            "email_confirmed_at": account.email_verified_at,
            "admin": account.is_admin,
            "suspended_until": account.suspended_until,
            "sanction_reason": account.sanction_reason,
            "two_step_sign_in_since": two_factor_since,
        },
        "consents": {
            "ground_rules_version_accepted": account.rules_version,
            "ground_rules_accepted_at": rules_accepted_at,
            "email": {
                "no_email_at_all": email_off,
                "post_excerpts_in_email": email_excerpts,
                "digest": digest,
                "groups_watched": watches.iter().map(|(g, level)| json!({ "group": g, "level": level })).collect::<Vec<_>>(),
            },
            "research_use_of_posts": {
                "consented": research_consent_at.is_some(),
                "consented_at": research_consent_at,
            },
        },
        "group_memberships": memberships
            .iter()
            .map(|(g, role, status, at)| json!({ "group": g, "role": role, "status": status, "since": at }))
            .collect::<Vec<_>>(),
        "posts": posts_json,
        "reports_you_made": flags_made
            .iter()
            .map(|(post, reason, note, at, outcome)| json!({ "post_id": post, "reason": reason, "note": note, "made_at": at, "outcome": outcome }))
            .collect::<Vec<_>>(),
        "notifications": notices
            .iter()
            .map(|(message, post, at, read)| json!({ "message": message, "post_id": post, "created_at": at, "read_at": read }))
            .collect::<Vec<_>>(),
        "sessions": sessions
            .iter()
            .map(|s| json!({ "browser": s.user_agent, "signed_in_at": s.created_at, "last_used_at": s.last_seen_at }))
            .collect::<Vec<_>>(),
    }))
}
