//! A member deletes their account (UK GDPR right to erasure). They choose what happens to their
//! posts: removed (their text is blanked, so neither pages nor search can show it), or kept
//! under "Former member N". Either way their email address, name, password, sessions, tokens,
//! notifications, memberships, badge applications and the staff's notes about them are gone;
//! reports they made lose their name; audit rows keep the decision but not its personal detail.
//! All in the caller's transaction: an erasure happens entirely or not at all.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{
    account_tokens, audit_log, clinician_groups, flags, group_members, group_watches, member_notes, notifications,
    outbox, post_revisions, posts, sessions, topic_participants, topics, users, verifications,
};
use crate::posting::{self, PostStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posts {
    Remove,
    /// Kept, credited to "Former member N".
    Keep,
}

/// The name shown on a kept post once its author has gone.
pub fn former_name(user_id: i64) -> String {
    format!("Former member {user_id}")
}

pub fn erase(conn: &mut AnyConnection, user_id: i64, choice: Posts) -> QueryResult<()> {
    let email: String = users::table.find(user_id).select(users::email).first(conn)?;
    if choice == Posts::Remove {
        let own: Vec<(i64, String)> =
            posts::table.filter(posts::author_id.eq(user_id)).select((posts::id, posts::status)).load(conn)?;
        for (id, status) in own {
            if status != PostStatus::Deleted.as_str() {
                // The same door as any deletion: counters, topics and answered markers stay true.
                posting::set_status(conn, id, &status, PostStatus::Deleted)?;
            }
        }
        // The words themselves go, with every earlier version (search follows the text).
        diesel::delete(post_revisions::table.filter(
            post_revisions::post_id.eq_any(posts::table.filter(posts::author_id.eq(user_id)).select(posts::id)),
        ))
        .execute(conn)?;
        diesel::update(posts::table.filter(posts::author_id.eq(user_id)))
            .set((
                posts::body_md.eq(""),
                posts::body_html.eq(""),
                posts::findings.eq("[]"),
                posts::before_decision.eq(None::<String>),
            ))
            .execute(conn)?;
        diesel::update(topics::table.filter(topics::author_id.eq(user_id)))
            .set(topics::title.eq("Deleted topic"))
            .execute(conn)?;
    }
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(format!("erased-{user_id}@erased.invalid")),
            users::display_name.eq(former_name(user_id)),
            users::display_name_key.eq(format!("former member {user_id}")),
            users::password_hash.eq(None::<String>),
            users::email_verified_at.eq(None::<chrono::NaiveDateTime>),
            users::banned.eq(true),
            users::is_admin.eq(false),
            users::email_off.eq(true),
            users::sanction_reason.eq(None::<String>),
            users::suspended_until.eq(None::<chrono::NaiveDateTime>),
            // Consent to research use ends with the account, whatever happens to the posts.
            users::research_consent_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
    super::totp::disable(conn, user_id)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(account_tokens::table.filter(account_tokens::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(group_watches::table.filter(group_watches::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(group_members::table.filter(group_members::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(topic_participants::table.filter(topic_participants::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(clinician_groups::table.filter(clinician_groups::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(verifications::table.filter(verifications::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(member_notes::table.filter(member_notes::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(outbox::table.filter(outbox::to_addr.eq(&email))).execute(conn)?;
    diesel::update(flags::table.filter(flags::reporter_id.eq(user_id)))
        .set((flags::reporter_id.eq(None::<i64>), flags::note.eq("")))
        .execute(conn)?;
    diesel::update(audit_log::table.filter(
        audit_log::member_id.eq(user_id).or(audit_log::target_type.eq("user").and(audit_log::target_id.eq(user_id))),
    ))
    .set(audit_log::detail.eq(""))
    .execute(conn)?;
    crate::site::audit(
        conn,
        None,
        "erase_account",
        "user",
        user_id,
        if choice == Posts::Remove { "posts removed" } else { "posts kept" },
    )?;
    Ok(())
}
