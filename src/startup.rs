//! Builds the application: database, signing key, mail worker, HTTP server. Used by
//! `forum serve` and by the integration tests (which bind port 0).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tokio::sync::Notify;

use crate::config::Config;
use crate::error::AppError;
use crate::mail::{OutboxWorker, Transport};
use crate::web::AppState;
use crate::web::security::BODY_LIMIT;

pub struct Application {
    server: Server,
    port: u16,
    pub state: web::Data<AppState>,
}

impl Application {
    /// Migrates, seeds an empty database, binds the listener and starts the outbox worker.
    /// Must be called inside an actix runtime.
    pub fn build(mut config: Config) -> anyhow::Result<Self> {
        let pool = crate::db::connect(&config.database, config.pool_size)?;
        let mut conn = pool.get().context("cannot get a database connection")?;
        if crate::seed::seed_if_empty(&mut conn)? {
            tracing::info!("seeded the ground rules and default groups into an empty database");
        }
        let signing_key = crate::site::signing_key(&mut conn, config.session_key.as_deref())?;
        drop(conn);

        crate::accounts::password::warm_up();
        let listener = TcpListener::bind(&config.bind).with_context(|| {
            format!("cannot listen on {} (is another program using it? set FORUM_BIND)", config.bind)
        })?;
        let address = listener.local_addr()?;
        let port = address.port();
        // Port 0 asks for any free port; links in emails must name the one we got.
        if config.base_url == format!("http://{}", config.bind) && config.bind.ends_with(":0") {
            config.base_url = format!("http://{address}");
        }

        let mut conn = pool.get().context("cannot get a database connection")?;
        crate::site::put_setting(&mut conn, "base_url", &config.base_url)?;
        // Unsubscribe links are signed with a key of their own, kept with the data they act on.
        crate::db::transaction(&mut conn, |conn| crate::site::secret(conn, "unsubscribe_key").map(drop))?;
        drop(conn);

        let transport = Transport::from_config(&config)?;
        if let Transport::Files(dir) = &transport {
            tracing::info!(folder = %dir.display(), "no FORUM_SMTP_URL: emails are written there as .eml files");
        }
        let mail_wake = Arc::new(Notify::new());
        let worker = OutboxWorker {
            pool: pool.clone(),
            transport,
            from: config.mail_from.parse().context("FORUM_MAIL_FROM is not an address")?,
            wake: mail_wake.clone(),
            poll: config.mail_poll,
            last_scheduled: std::sync::Mutex::default(),
        };
        actix_web::rt::spawn(worker.run());

        // Database work (and password hashing) runs on each worker's blocking threads; more
        // threads than pooled connections would only queue for one, each thread growing its
        // own allocator arena meanwhile (peak memory, BENCHMARKS.md).
        let workers = std::thread::available_parallelism().map_or(1, usize::from);
        let blocking_threads = (config.pool_size as usize / workers).max(1);
        let state = web::Data::new(AppState { pool, config, signing_key, mail_wake, pages: Default::default() });
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(
                    web::FormConfig::default()
                        .limit(BODY_LIMIT)
                        .error_handler(|e, _| AppError::BadRequest(e.to_string()).into()),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| AppError::BadRequest(e.to_string()).into()))
                .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
                .wrap(from_fn(crate::web::page_cache::layer))
                .wrap(from_fn(crate::web::security::guard))
                .wrap(Compress::default())
                .configure(crate::routes::configure)
                .default_service(web::to(|| async { Err::<actix_web::HttpResponse, _>(AppError::NotFound) }))
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
        .listen(listener)?
        .run();
        Ok(Application { server, port, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server (used by tests).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
