//! The `forum` command line (see DESIGN.md): `serve` (the default), `migrate`, `check`, `seed`,
//! `backup`, `restore`, `admin create`.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::accounts::{self, NewAccount, TokenPurpose};
use crate::config::Config;

#[derive(Parser)]
#[command(name = "forum", version, about = "A moderated peer-support forum")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Migrate if needed, seed default groups on an empty database, and listen (the default).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Screen JSON lines from stdin ({"id": …, "text": "…"}) and print one result line each:
    /// spans (character offsets), decision, urgency and the rules engaged.
    Check,
    /// Fill the database with a realistic synthetic forum of about N posts (for benchmarks).
    Seed {
        #[arg(long)]
        posts: usize,
    },
    /// Take a consistent online backup of the SQLite database into a new file.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into an empty data directory (where the database does not exist yet).
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an admin and print a one-time link to set their password.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

/// `forum migrate`.
pub fn migrate(config: &Config) -> anyhow::Result<()> {
    crate::db::migrate(&config.database)?;
    println!("Database is up to date.");
    Ok(())
}

/// `forum seed --posts N`, with a progress bar on standard error.
pub fn seed(config: &Config, posts: usize) -> anyhow::Result<()> {
    crate::db::migrate(&config.database)?;
    let pool = crate::db::connect(&config.database, 1)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let summary = crate::synthetic::seed(&mut conn, posts, |done, total| progress_bar(done, total, "posts"))?;
    println!(
        "Seeded {} posts in {} topics by {} members ({} verified clinicians) in {:.1} s.",
        summary.posts, summary.topics, summary.members, summary.clinicians, summary.seconds
    );
    Ok(())
}

/// `forum backup --to FILE`, with a progress bar on standard error.
pub fn backup(config: &Config, to: &std::path::Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    crate::backup::backup(&config.database, to, &mut |done, total| progress_bar(done, total, "pages"))?;
    println!("Backed up to {} in {:.1} s.", to.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// `forum restore --from FILE`, with a progress bar on standard error.
pub fn restore(config: &Config, from: &std::path::Path) -> anyhow::Result<()> {
    crate::backup::restore(&config.database, from, &mut |done, total| progress_bar(done, total, "pages"))?;
    println!("Restored {} and checked its integrity. Start the forum with `forum serve`.", from.display());
    Ok(())
}

/// A progress bar on standard error: `[#####-----]  50 %  500 / 1000 posts`.
pub fn progress_bar(done: usize, total: usize, unit: &str) {
    use std::io::Write;
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width).min(width);
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r[{}{}] {:>3} %  {done} / {total} {unit}",
        "#".repeat(filled),
        "-".repeat(width - filled),
        (done * 100).checked_div(total).unwrap_or(100)
    );
    if done >= total {
        let _ = writeln!(err);
    }
    let _ = err.flush();
}

/// `forum admin create`: prints the set-password link (there are no default accounts).
pub fn create_admin(config: &Config, email: &str, name: &str) -> anyhow::Result<String> {
    let Some(email) = accounts::parse_email(email) else {
        bail!("`{email}` is not an email address");
    };
    let (display_name, key) = accounts::parse_display_name(name).map_err(|why| anyhow::anyhow!(why))?;
    // An admin is staff but holds no professional badge.
    if let Some(why) = crate::professionals::names::refusal(&display_name, false, true) {
        bail!("{why}");
    }
    let pool = crate::db::connect(&config.database, 1)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    crate::seed::seed_if_empty(&mut conn)?;
    let token = crate::db::transaction(&mut conn, |conn| -> anyhow::Result<String> {
        if accounts::find_by_email(conn, &email)?.is_some() {
            bail!("an account with the email {email} already exists");
        }
        if accounts::display_name_taken(conn, &key)? {
            bail!("the display name `{display_name}` is taken");
        }
        let user_id = accounts::create(
            conn,
            NewAccount {
                email: &email,
                display_name: &display_name,
                display_name_key: &key,
                password_hash: None,
                is_admin: true,
                // The operator vouches for the address; the set-password link goes to them.
                email_verified: true,
                rules_version: None,
            },
        )?;
        crate::site::audit(conn, None, "create_admin", "user", user_id, "forum admin create")?;
        Ok(accounts::issue_token(conn, user_id, TokenPurpose::SetPassword, accounts::PASSWORD_SET_TTL)?)
    })?;
    Ok(format!("{}/password-reset/{token}", config.base_url))
}

/// One line of `forum check` input.
#[derive(serde::Deserialize)]
struct CheckInput {
    id: serde_json::Value,
    text: String,
    /// Written by a verified clinician: case discussion is checked too.
    #[serde(default)]
    clinician: bool,
}

/// `forum check`: reads JSON lines, writes JSON lines (contract in DESIGN.md). A line that is
/// not valid input gets an `error` line with its number, and the rest are still checked.
pub fn check(input: impl std::io::BufRead, mut output: impl std::io::Write) -> anyhow::Result<()> {
    use crate::moderation::{assess, detect::Allow};
    let allow = Allow::with_default_helplines();
    for (number, line) in input.lines().enumerate() {
        let line = line.context("cannot read standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<CheckInput>(&line) {
            Ok(item) => {
                let mut a = assess(&item.text, &allow);
                if item.clinician && crate::moderation::case_discussion::find(&item.text).is_some() {
                    a.rules.push("clinician-case-discussion");
                    a.decision = crate::moderation::Outcome::Held;
                }
                serde_json::json!({
                    "id": item.id,
                    "spans": a.spans.iter().map(|s| serde_json::json!({
                        "start": s.start, "end": s.end, "type": s.kind.as_str(),
                    })).collect::<Vec<_>>(),
                    "decision": a.decision,
                    "urgent": a.urgency.is_some(),
                    "urgent_kind": a.urgency.as_ref().map(|u| u.kind.as_str()),
                    "signals": a.urgency.as_ref().map(|u| u.signals.clone()).unwrap_or_default(),
                    "rules": a.rules,
                })
            }
            Err(e) => {
                serde_json::json!({ "line": number + 1, "error": format!("not an object with id and text: {e}") })
            }
        };
        writeln!(output, "{result}").context("cannot write standard output")?;
    }
    Ok(())
}
