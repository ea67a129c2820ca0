//! Configuration: defaults, then an optional `forum.toml`, then environment variables (the
//! names in DESIGN.md). Everything is checked here, so a bad value stops start-up with one line.

use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::db::Backend;

#[derive(Debug, Clone)]
pub struct Config {
    pub database: Backend,
    pub bind: String,
    /// Where links in emails point, without a trailing slash.
    pub base_url: String,
    /// Secret for signing tokens; `None` in development means "keep one in the database".
    pub session_key: Option<String>,
    pub production: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Where the file transport writes `.eml` files when no SMTP server is configured.
    pub mail_dir: PathBuf,
    /// How often the outbox worker looks for due mail when nobody wakes it.
    pub mail_poll: std::time::Duration,
    /// Pooled database connections. SQLite's work happens in this process, on the blocking
    /// threads: four (two per core) searched faster and held less memory than eight. A server's
    /// work happens in its own processes, which eight keep busy (BENCHMARKS.md).
    pub pool_size: u32,
    /// Argon2id memory cost in KiB (OWASP: 19 MiB with 2 passes and 1 lane).
    pub argon2_memory_kib: u32,
}

/// The keys `forum.toml` may hold; the same names as the environment variables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(rename = "DATABASE_URL")]
    database_url: Option<String>,
    #[serde(rename = "FORUM_BIND")]
    bind: Option<String>,
    #[serde(rename = "FORUM_BASE_URL")]
    base_url: Option<String>,
    #[serde(rename = "FORUM_SESSION_KEY")]
    session_key: Option<String>,
    #[serde(rename = "FORUM_ENV")]
    env: Option<String>,
    #[serde(rename = "FORUM_SMTP_URL")]
    smtp_url: Option<String>,
    #[serde(rename = "FORUM_MAIL_FROM")]
    mail_from: Option<String>,
    #[serde(rename = "FORUM_MAIL_DIR")]
    mail_dir: Option<String>,
    #[serde(rename = "RUST_LOG")]
    rust_log: Option<String>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/forum.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Config {
    /// Reads `forum.toml` (if present) and the environment.
    pub fn load() -> anyhow::Result<Self> {
        let file = match std::fs::read_to_string("forum.toml") {
            Ok(text) => toml::from_str::<FileConfig>(&text).context("forum.toml is not valid")?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileConfig::default(),
            Err(e) => return Err(e).context("cannot read forum.toml"),
        };
        if let (Some(level), Err(_)) = (&file.rust_log, std::env::var("RUST_LOG")) {
            // Read by the tracing set-up, which runs after this.
            // SAFETY: called once at start-up, before any other thread exists.
            unsafe { std::env::set_var("RUST_LOG", level) };
        }
        let pick = |env: &str, from_file: Option<String>| std::env::var(env).ok().or(from_file);
        Self::from_values(Values {
            database_url: pick("DATABASE_URL", file.database_url),
            bind: pick("FORUM_BIND", file.bind),
            base_url: pick("FORUM_BASE_URL", file.base_url),
            session_key: pick("FORUM_SESSION_KEY", file.session_key),
            env: pick("FORUM_ENV", file.env),
            smtp_url: pick("FORUM_SMTP_URL", file.smtp_url),
            mail_from: pick("FORUM_MAIL_FROM", file.mail_from),
            mail_dir: pick("FORUM_MAIL_DIR", file.mail_dir),
        })
    }

    /// Builds and checks a configuration from raw values (unset = `None`).
    pub fn from_values(v: Values) -> anyhow::Result<Self> {
        let database = Backend::from_url(v.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL))?;
        let bind = v.bind.unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let production = match v.env.as_deref() {
            None | Some("development") => false,
            Some("production") => true,
            Some(other) => bail!("FORUM_ENV `{other}` is not understood: use development or production"),
        };
        let base_url = v.base_url.unwrap_or_else(|| format!("http://{bind}")).trim_end_matches('/').to_owned();
        url::Url::parse(&base_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .with_context(|| format!("FORUM_BASE_URL `{base_url}` must be an http:// or https:// address"))?;
        let session_key = v.session_key.filter(|k| !k.is_empty());
        if let Some(key) = &session_key {
            if key.len() < 32 {
                bail!("FORUM_SESSION_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)");
            }
        } else if production {
            bail!("FORUM_SESSION_KEY is required when FORUM_ENV=production (e.g. `openssl rand -hex 32`)");
        }
        if production && v.smtp_url.is_none() {
            bail!("FORUM_SMTP_URL is required when FORUM_ENV=production: emails must really be sent");
        }
        if let Some(smtp) = &v.smtp_url {
            crate::mail::check_smtp_url(smtp)?;
        }
        let mail_from = v.mail_from.unwrap_or_else(|| "Forum <no-reply@localhost>".to_owned());
        mail_from
            .parse::<lettre::message::Mailbox>()
            .with_context(|| format!("FORUM_MAIL_FROM `{mail_from}` is not an email address"))?;
        Ok(Config {
            bind,
            base_url,
            session_key,
            production,
            smtp_url: v.smtp_url,
            mail_from,
            mail_dir: PathBuf::from(v.mail_dir.unwrap_or_else(|| "data/mail".to_owned())),
            mail_poll: std::time::Duration::from_secs(5),
            pool_size: match &database {
                Backend::Sqlite(_) => 4,
                Backend::Postgres(_) => 8,
            },
            argon2_memory_kib: 19 * 1024,
            database,
        })
    }

    /// Cookies get `Secure` and the `__Host-` prefix when the site is served over https.
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Raw configuration values, before checking.
#[derive(Debug, Default, Clone)]
pub struct Values {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub base_url: Option<String>,
    pub session_key: Option<String>,
    pub env: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub mail_dir: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_database_scheme_is_refused_with_a_hint() {
        let err =
            Config::from_values(Values { database_url: Some("mysql://x".into()), ..Values::default() }).unwrap_err();
        assert!(err.to_string().contains("sqlite://"), "{err}");
    }

    #[test]
    fn production_needs_a_session_key_and_smtp() {
        let err = Config::from_values(Values { env: Some("production".into()), ..Values::default() }).unwrap_err();
        assert!(err.to_string().contains("FORUM_SESSION_KEY"), "{err}");
        let err = Config::from_values(Values {
            env: Some("production".into()),
            session_key: Some("k".repeat(40)),
            ..Values::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("FORUM_SMTP_URL"), "{err}");
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost() {
        let c = Config::from_values(Values::default()).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.database, Backend::Sqlite("data/forum.db".into()));
        assert!(!c.https());
    }
}
