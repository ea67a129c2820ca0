//! The `forum` command line (see DESIGN.md): `serve` (the default), `migrate`, `admin create`.

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

/// `forum admin create`: prints the set-password link (there are no default accounts).
pub fn create_admin(config: &Config, email: &str, name: &str) -> anyhow::Result<String> {
    let Some(email) = accounts::parse_email(email) else {
        bail!("`{email}` is not an email address");
    };
    let (display_name, key) = accounts::parse_display_name(name).map_err(|why| anyhow::anyhow!(why))?;
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
