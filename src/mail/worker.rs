//! Delivers queued email. Rows are claimed with a lease (`claimed_until`) by a conditional
//! update, so several workers never send the same row, and a worker that dies mid-send leaves a
//! lease that expires and lets the row be sent again.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use diesel::prelude::*;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{FileTransport, Message, SmtpTransport, Transport as _};
use tokio::sync::Notify;

use crate::db::schema::outbox;
use crate::db::{self, Pool};

/// After this many failed attempts an email is marked failed (and shown to admins).
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed row is reserved for the worker that claimed it.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
const BATCH: i64 = 20;

/// Where email goes: a real SMTP server, or `.eml` files for development.
#[derive(Clone)]
pub enum Transport {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

impl Transport {
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => Ok(Transport::Smtp(Box::new(
                SmtpTransport::from_url(url)
                    .context("FORUM_SMTP_URL is not understood")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ))),
            None => {
                let dir = &config.mail_dir;
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create the mail folder {} (set FORUM_MAIL_DIR)", dir.display()))?;
                // Find out now, not at the first email, if the folder is read-only.
                let probe = dir.join(".write-test");
                std::fs::write(&probe, b"").and_then(|()| std::fs::remove_file(&probe)).with_context(|| {
                    format!("cannot write to the mail folder {} (set FORUM_MAIL_DIR)", dir.display())
                })?;
                Ok(Transport::Files(dir.clone()))
            }
        }
    }

    /// Sends one message; returns where it went, for the log.
    fn send(&self, message: &Message) -> anyhow::Result<String> {
        match self {
            Transport::Smtp(smtp) => {
                smtp.send(message).context("the SMTP server refused the message")?;
                Ok("SMTP".to_owned())
            }
            Transport::Files(dir) => {
                let id = FileTransport::new(dir)
                    .send(message)
                    .with_context(|| format!("cannot write mail to {}", dir.display()))?;
                Ok(dir.join(format!("{id}.eml")).display().to_string())
            }
        }
    }
}

/// Unsent, not failed for good, due, and not leased to a worker.
#[allow(clippy::type_complexity)]
fn due_now(
    now: chrono::NaiveDateTime,
) -> diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::And<diesel::dsl::IsNull<outbox::sent_at>, diesel::dsl::IsNull<outbox::failed_at>>,
        diesel::dsl::LtEq<outbox::next_attempt_at, chrono::NaiveDateTime>,
    >,
    diesel::dsl::Or<
        diesel::dsl::IsNull<outbox::claimed_until>,
        diesel::dsl::Lt<outbox::claimed_until, chrono::NaiveDateTime>,
    >,
> {
    outbox::sent_at
        .is_null()
        .and(outbox::failed_at.is_null())
        .and(outbox::next_attempt_at.le(now))
        .and(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(now)))
}

#[derive(Queryable)]
struct Queued {
    id: i64,
    to_addr: String,
    subject: String,
    body_text: String,
    body_html: Option<String>,
    list_unsubscribe: Option<String>,
    attempts: i32,
}

/// The background sender. `wake` makes it look at the outbox at once (after a commit that
/// queued mail); otherwise it looks every `poll` interval.
pub struct OutboxWorker {
    pub pool: Pool,
    pub transport: Transport,
    pub from: Mailbox,
    pub wake: Arc<Notify>,
    pub poll: Duration,
    /// When the time-driven jobs last ran.
    pub last_scheduled: std::sync::Mutex<Option<std::time::Instant>>,
}

impl OutboxWorker {
    /// Runs until the process ends.
    pub async fn run(self) {
        let this = Arc::new(self);
        loop {
            let worker = Arc::clone(&this);
            match actix_web::web::block(move || worker.deliver_due()).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::debug!(count = n, "outbox batch handled"),
                Ok(Err(e)) => tracing::warn!(error = %e, "outbox pass failed; will retry"),
                Err(e) => tracing::warn!(error = %e, "outbox pass did not run"),
            }
            let _ = tokio::time::timeout(this.poll, this.wake.notified()).await;
        }
    }

    /// Queues the emails that time makes due, then claims and sends every due email; returns
    /// how many were attempted.
    pub fn deliver_due(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get().context("no database connection")?;
        // Time-driven email is looked at every dozen passes (a minute in production); a failure
        // there is logged and never stops delivery of what is already queued.
        let due = {
            let mut last = self.last_scheduled.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|at| at.elapsed() >= self.poll * 12);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        if due && let Err(error) = db::transaction(&mut conn, super::scheduled::run) {
            tracing::warn!(error = %error, "scheduled emails not queued this time");
        }
        // Retention runs on the same clock (it claims at most one pass an hour itself).
        if due && let Err(error) = db::transaction(&mut conn, crate::retention::purge) {
            tracing::warn!(error = %error, "retention purge did not run this time");
        }
        let due: Vec<i64> = outbox::table
            .filter(due_now(db::now()))
            .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
            .select(outbox::id)
            .limit(BATCH)
            .load(&mut conn)?;
        let mut attempted = 0;
        for id in due {
            // The claim: only one worker's update matches while the row is due and unleased.
            // The time is taken afresh for each row, so a slow batch never hands out a lease
            // that has already run out.
            let now = db::now();
            let claimed = diesel::update(outbox::table.find(id).filter(due_now(now)))
                .set(outbox::claimed_until.eq(now + LEASE))
                .execute(&mut conn)?;
            if claimed != 1 {
                continue;
            }
            attempted += 1;
            let mail: Queued = outbox::table
                .find(id)
                .select((
                    outbox::id,
                    outbox::to_addr,
                    outbox::subject,
                    outbox::body_text,
                    outbox::body_html,
                    outbox::list_unsubscribe,
                    outbox::attempts,
                ))
                .first(&mut conn)?;
            match self.build(&mail).and_then(|m| self.transport.send(&m)) {
                Ok(destination) => {
                    // The body may hold a single-use link: it is not kept once delivered.
                    diesel::update(outbox::table.find(mail.id))
                        .set((
                            outbox::sent_at.eq(db::now()),
                            outbox::body_text.eq(""),
                            outbox::body_html.eq(None::<String>),
                            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
                        ))
                        .execute(&mut conn)?;
                    tracing::info!(mail_id = mail.id, to = %destination, "email sent");
                }
                Err(error) => {
                    // We hold the lease, so nobody else has changed `attempts` since we read it.
                    let attempts = mail.attempts + 1;
                    let (next, failed) = if attempts >= MAX_ATTEMPTS {
                        (db::now(), Some(db::now()))
                    } else {
                        (db::now() + backoff(attempts), None)
                    };
                    diesel::update(outbox::table.find(mail.id))
                        .set((
                            outbox::attempts.eq(attempts),
                            outbox::next_attempt_at.eq(next),
                            outbox::failed_at.eq(failed),
                            outbox::last_error.eq(format!("{error:#}")),
                            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
                        ))
                        .execute(&mut conn)?;
                    // The server's reply can quote the recipient: it stays in the table, not the log.
                    tracing::warn!(mail_id = mail.id, attempts, "email not sent; will retry");
                }
            }
        }
        Ok(attempted)
    }

    /// The message as sent: plain text, with an HTML alternative when there is one, and the
    /// RFC 8058 one-click unsubscribe headers on notification emails. Header values are
    /// encoded by lettre, so nothing a member typed can start a header of its own.
    fn build(&self, mail: &Queued) -> anyhow::Result<Message> {
        let to: Mailbox = mail.to_addr.parse().context("bad recipient address")?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(&mail.subject);
        if let Some(url) = &mail.list_unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = match &mail.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.body_text.clone(), html.clone())),
            None => builder.header(ContentType::TEXT_PLAIN).body(mail.body_text.clone()),
        };
        message.context("cannot build the email")
    }
}

/// Exponential backoff: 30 s, 1 min, 2 min, … capped at 2 hours.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let seconds = 30i64.saturating_mul(1i64 << attempts.clamp(1, 12).saturating_sub(1));
    chrono::Duration::seconds(seconds.min(2 * 60 * 60))
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 120);
        assert_eq!(backoff(12).num_seconds(), 7200);
    }
}
