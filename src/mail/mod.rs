//! Email. Every message is first a row in the `outbox` table, written in the same transaction as
//! the event that causes it; the [`OutboxWorker`] delivers it afterwards, with retries. A crash or
//! a mail-server outage therefore delays an email but never loses it.

pub mod notices;
pub mod scheduled;
mod worker;

use anyhow::{Context, bail};
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::{self, AnyConnection};

pub use worker::{MAX_ATTEMPTS, OutboxWorker, Transport};

/// Queues an email. Call inside the transaction that makes the email true.
pub fn enqueue(conn: &mut AnyConnection, to: &str, subject: &str, body_text: &str) -> QueryResult<()> {
    enqueue_with(conn, to, subject, body_text, None, None, None)
}

/// A moderator's decision on a post, emailed once its undo window has passed (and withdrawn
/// by an undo before then).
#[derive(Debug, Clone, Copy)]
pub struct Decided {
    pub post_id: i64,
    pub send_after: chrono::Duration,
}

/// Withdraws the unsent emails about a decision on `post_id` (it was undone).
pub fn withdraw_decision(conn: &mut AnyConnection, post_id: i64) -> QueryResult<usize> {
    diesel::delete(outbox::table.filter(outbox::decision_post_id.eq(post_id)).filter(outbox::sent_at.is_null()))
        .execute(conn)
}

/// Queues an email with an HTML alternative and a one-click unsubscribe address.
pub fn enqueue_with(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    body_text: &str,
    body_html: Option<&str>,
    list_unsubscribe: Option<&str>,
    decided: Option<Decided>,
) -> QueryResult<()> {
    let now = db::now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::to_addr.eq(to),
            outbox::subject.eq(subject),
            outbox::body_text.eq(body_text),
            outbox::body_html.eq(body_html),
            outbox::list_unsubscribe.eq(list_unsubscribe),
            outbox::created_at.eq(now),
            outbox::next_attempt_at.eq(now + decided.map_or(chrono::Duration::zero(), |d| d.send_after)),
            outbox::decision_post_id.eq(decided.map(|d| d.post_id)),
        ))
        .execute(conn)
        .map(drop)
}

/// An email the worker gave up on.
#[derive(Debug, Clone, Queryable)]
pub struct FailedMail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub attempts: i32,
    pub failed_at: Option<chrono::NaiveDateTime>,
    pub last_error: Option<String>,
}

/// Failed emails, newest first (served by `outbox_failed`).
pub fn failed(conn: &mut AnyConnection) -> QueryResult<Vec<FailedMail>> {
    outbox::table
        .filter(outbox::failed_at.is_not_null())
        .order((outbox::failed_at.desc(), outbox::id.desc()))
        .select((outbox::id, outbox::to_addr, outbox::subject, outbox::attempts, outbox::failed_at, outbox::last_error))
        .limit(200)
        .load(conn)
}

/// How many emails are queued and not yet sent (including those waiting to be retried).
pub fn waiting(conn: &mut AnyConnection) -> QueryResult<i64> {
    outbox::table.filter(outbox::sent_at.is_null()).filter(outbox::failed_at.is_null()).count().get_result(conn)
}

/// Gives a failed email a fresh set of attempts, due now. False if it had not failed.
pub fn retry(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    diesel::update(outbox::table.find(id).filter(outbox::failed_at.is_not_null()))
        .set((
            outbox::failed_at.eq(None::<chrono::NaiveDateTime>),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(db::now()),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Checks `FORUM_SMTP_URL` at start-up, so a typo is reported before the first email fails.
pub fn check_smtp_url(url: &str) -> anyhow::Result<()> {
    let parsed = url::Url::parse(url).with_context(|| format!("FORUM_SMTP_URL `{url}` is not a URL"))?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") {
        bail!("FORUM_SMTP_URL must start with smtp:// or smtps:// (e.g. smtp://user:pass@host:587?tls=required)");
    }
    lettre::SmtpTransport::from_url(url)
        .with_context(|| format!("FORUM_SMTP_URL `{}` is not understood", db::redact_password(url)))?;
    Ok(())
}

/// The emails the forum sends. Bodies say *that* something happened and carry a link;
/// they never carry health content.
pub mod messages {
    use askama::Template;

    #[derive(Template)]
    #[template(path = "email/verify_email.txt")]
    pub struct VerifyEmail<'a> {
        pub display_name: &'a str,
        pub link: &'a str,
    }

    #[derive(Template)]
    #[template(path = "email/password_reset.txt")]
    pub struct PasswordReset<'a> {
        pub display_name: &'a str,
        pub link: &'a str,
    }

    #[derive(Template)]
    #[template(path = "email/already_registered.txt")]
    pub struct AlreadyRegistered<'a> {
        pub display_name: &'a str,
        pub login_link: &'a str,
        pub reset_link: &'a str,
    }
}
