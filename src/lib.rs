//! A moderated peer-support forum: one crate, one binary, SQLite or PostgreSQL.
//!
//! Request path: `web::security` (headers, CSRF) → `web::Ctx` (who is asking) → `routes` (thin
//! handlers) → services (`accounts`, `groups`, `posting`, `moderation`, `mail`) → `db`.
//! Permission questions are answered in `policy`.

pub mod accounts;
pub mod backup;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod groups;
pub mod mail;
pub mod markdown;
pub mod moderation;
pub mod policy;
pub mod posting;
pub mod professionals;
pub mod retention;
pub mod routes;
pub mod search;
pub mod secrets;
pub mod seed;
pub mod site;
pub mod startup;
pub mod stats;
pub mod synthetic;
pub mod web;

/// Logs to stderr; `RUST_LOG` picks the level (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
