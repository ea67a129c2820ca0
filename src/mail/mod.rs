//! Email. Every message is first a row in the `outbox` table, written in the same transaction as
//! the event that causes it; the [`OutboxWorker`] delivers it afterwards, with retries. A crash or
//! a mail-server outage therefore delays an email but never loses it.

mod worker;

use anyhow::{Context, bail};
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::{self, AnyConnection};

pub use worker::{OutboxWorker, Transport};

/// Queues an email. Call inside the transaction that makes the email true.
pub fn enqueue(conn: &mut AnyConnection, to: &str, subject: &str, body_text: &str) -> QueryResult<()> {
    let now = db::now();
    diesel::insert_into(outbox::table)
        .values((
            outbox::to_addr.eq(to),
            outbox::subject.eq(subject),
            outbox::body_text.eq(body_text),
            outbox::created_at.eq(now),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
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
