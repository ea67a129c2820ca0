//! Storage: one connection type for both backends, our own pool manager, embedded migrations,
//! and the two ways handlers reach the database (`run` for reads, `write` for transactions).

pub mod relevance;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgres(diesel::pg::PgConnection),
    Sqlite(diesel::sqlite::SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// Which backend a URL names. Parsed once, at start-up, so a typo fails before anything listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Postgres(String),
    Sqlite(PathBuf),
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                bail!("DATABASE_URL `{url}` names no file: use e.g. sqlite://data/forum.db");
            }
            Ok(Backend::Sqlite(PathBuf::from(path)))
        } else {
            bail!(
                "DATABASE_URL `{url}` is not understood: use sqlite://path/to/forum.db or postgres://user@host/dbname"
            )
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Backend::Sqlite(_))
    }
}

/// Opens the right connection type explicitly (the derived `establish` tries each backend in turn
/// and would hide PostgreSQL's real error behind SQLite's).
pub struct ConnectionManager {
    backend: Backend,
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.backend {
            Backend::Postgres(url) => Ok(AnyConnection::Postgres(
                diesel::pg::PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?,
            )),
            Backend::Sqlite(path) => Ok(AnyConnection::Sqlite({
                relevance::install();
                diesel::sqlite::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?
            })),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// Applies each backend's settings to every new pooled connection.
#[derive(Debug)]
struct ConnectionSettings;

/// Per-connection SQLite settings: WAL so readers never wait for the writer, foreign keys
/// enforced, a busy timeout so concurrent writers queue instead of failing, and a page cache of
/// 500 KiB rather than 2 MB. The operating system caches the file anyway; at a million posts
/// the smaller cache held peak memory 9 MB lower and searched a little faster (BENCHMARKS.md).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -500;";

/// Per-connection PostgreSQL settings: no parallel workers. A request's queries are short, and
/// on a small server the cores are already busy with other requests: at a million posts,
/// searching without parallel workers served 110 rather than 75 a second (BENCHMARKS.md).
const POSTGRES_SETTINGS: &str = "SET max_parallel_workers_per_gather = 0";

impl CustomizeConnection<AnyConnection, r2d2::Error> for ConnectionSettings {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        match conn {
            AnyConnection::Sqlite(c) => c.batch_execute(SQLITE_PRAGMAS),
            AnyConnection::Postgres(c) => c.batch_execute(POSTGRES_SETTINGS),
        }
        .map_err(r2d2::Error::QueryError)
    }
}

/// Runs pending migrations, then opens the pool. Every failure is one readable line.
pub fn connect(backend: &Backend, pool_size: u32) -> anyhow::Result<Pool> {
    migrate(backend)?;
    let pool = r2d2::Pool::builder()
        .max_size(pool_size)
        // While the database is unreachable, a request waits this long for it, then gets the
        // 503 page; under load, longer waits would only pile requests up.
        .connection_timeout(Duration::from_secs(5))
        // A server's connection can drop (a restart): test each before use. A SQLite file's
        // cannot, and the test would be one more statement on every request.
        .test_on_check_out(matches!(backend, Backend::Postgres(_)))
        .connection_customizer(Box::new(ConnectionSettings))
        .build(ConnectionManager { backend: backend.clone() })
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot open the database {}", describe(backend)))?;
    Ok(pool)
}

/// Applies every embedded migration that has not run yet.
/// Creates the SQLite file (and its folder) first, so a permissions problem is named plainly.
pub fn migrate(backend: &Backend) -> anyhow::Result<()> {
    if let Backend::Sqlite(path) = backend {
        prepare_sqlite_file(path)?;
    }
    let mut conn = ConnectionManager { backend: backend.clone() }
        .connect()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot connect to {}", describe(backend)))?;
    let result = match &mut conn {
        AnyConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        AnyConnection::Sqlite(c) => {
            c.batch_execute(SQLITE_PRAGMAS).context("cannot configure the SQLite file")?;
            c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ())
        }
    };
    result.map_err(|e| anyhow::anyhow!("migrating {} failed: {e}", describe(backend)))
}

fn describe(backend: &Backend) -> String {
    match backend {
        Backend::Postgres(url) => format!("PostgreSQL at {}", redact_password(url)),
        Backend::Sqlite(path) => format!("SQLite file {}", path.display()),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages and logs.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

fn prepare_sqlite_file(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create the folder {} for the SQLite database (check its permissions or set DATABASE_URL)",
                dir.display()
            )
        })?;
    }
    // An existing file is left to SQLite. Opening and closing it here would be harmless in a
    // new process, but in one that already has connections to it (a test, a command run inside
    // the server) closing any descriptor of the file drops every POSIX lock the process holds
    // on it: another process could then checkpoint and remove the WAL under those connections.
    if path.exists() {
        return Ok(());
    }
    std::fs::OpenOptions::new().create(true).append(true).open(path).with_context(|| {
        format!("cannot write the SQLite database {} (check its permissions or set DATABASE_URL)", path.display())
    })?;
    Ok(())
}

/// Runs blocking database work on the blocking thread pool, so request threads never wait on I/O.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(AppError::unavailable)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Like [`run`], inside one write transaction: all of `f` is committed or none of it.
pub async fn write<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| transaction(conn, f)).await
}

/// A write transaction. On SQLite it begins `IMMEDIATE`, taking the write lock up front: a
/// deferred transaction that reads first and writes later can fail with SQLITE_BUSY at once,
/// where an immediate one waits its turn under the busy timeout.
pub fn transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let value = bookkeeping(conn, f)?;
    changed();
    Ok(value)
}

/// A write transaction for bookkeeping that no page shows (rate-limit counters): like
/// [`transaction`], but the page cache is not told that anything changed, so a search does not
/// throw away every kept page.
pub fn bookkeeping<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <AnyConnection as Connection>::TransactionManager;
    // SQLite has one writer at a time. Writers of this process queue here, each woken the
    // moment the one before commits; left to SQLite's busy handler they would sleep in steps of
    // 1 to 100 ms with the lock free meanwhile (half the reply rate, BENCHMARKS.md). Another
    // process (the CLI, a second server) still waits under the busy timeout.
    let _writer = match conn {
        AnyConnection::Sqlite(c) => {
            let turn = SQLITE_WRITER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            Some(turn)
        }
        AnyConnection::Postgres(_) => {
            Manager::begin_transaction(conn)?;
            None
        }
    };
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // The original error is the one worth reporting; a failed rollback marks the
            // connection broken and the pool discards it.
            let _ = Manager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// The turn to write to SQLite, in this process (see [`bookkeeping`]).
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How many times this process has seen the data change (see `web::page_cache`).
static CHANGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The change count now: anything read after this call is at least this new.
pub fn changes() -> u64 {
    CHANGES.load(std::sync::atomic::Ordering::Acquire)
}

/// Something was written: pages rendered before now are out of date.
pub fn changed() {
    CHANGES.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

/// A unique constraint refused the write (e.g. a name taken a moment ago by someone else).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// The current time as stored in the database: UTC, to the microsecond (both backends keep that).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond((now.nanosecond() / 1000) * 1000).unwrap_or(now)
}

use chrono::Timelike;
