//! Proof under faults: a server killed with SIGKILL while accepting posts, PostgreSQL stopped and
//! started again under load, and two instances on one database.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use forum::db::schema::posts;

use crate::helpers::{ADMIN_PASSWORD, Client, PASSWORD, TestApp, spawn_app, spawn_app_with};

/// A `forum serve` process of its own on the test's database, at a free port.
struct ServerProcess {
    child: Child,
    base: String,
}

impl ServerProcess {
    fn start(app: &TestApp, database_url: &str) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_forum"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("FORUM_BIND", format!("127.0.0.1:{port}"))
            .env("FORUM_MAIL_DIR", &app.mail_dir)
            .env("RUST_LOG", "warn")
            .env_remove("FORUM_ENV")
            .env_remove("FORUM_BASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the forum binary starts");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(format!("{base}/healthz")).call().is_err() {
            assert!(Instant::now() < deadline, "forum serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        ServerProcess { child, base }
    }

    /// SIGKILL: no shutdown code runs, as when the machine loses power or the OOM killer strikes.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL sent");
        self.child.wait().expect("reaped");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Replies at a steady rate (one each `every`) until `running` is cleared; each body that got
/// its success response is pushed to `acknowledged`.
fn steady_replies(
    client: Client,
    topic: i64,
    every: Duration,
    running: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<String>>>,
) -> std::thread::JoinHandle<u32> {
    // The form token stays valid for the session: fetched once, while the server is up.
    let token = client.csrf_token();
    std::thread::spawn(move || {
        let (mut n, mut failed) = (0, 0);
        while running.load(Ordering::Relaxed) {
            n += 1;
            let body = format!("Steady reply number {n}.");
            let sent = client.try_post(&format!("/t/{topic}/reply"), &[("csrf", &token), ("body", &body)]);
            match sent {
                Some(page) if page.status == 303 => acknowledged.lock().unwrap().push(body),
                _ => failed += 1,
            }
            std::thread::sleep(every);
        }
        failed
    })
}

fn bodies_in(app: &TestApp, topic: i64) -> Vec<String> {
    let mut conn = crate::helpers::pool(app).get().unwrap();
    posts::table.filter(posts::topic_id.eq(topic)).select(posts::body_md).load(&mut conn).unwrap()
}

#[test]
fn a_server_killed_while_accepting_posts_keeps_every_acknowledged_post() {
    let app = spawn_app();
    let database_url = match &app.config.database {
        forum::db::Backend::Postgres(url) => url.clone(),
        forum::db::Backend::Sqlite(path) => format!("sqlite://{}", path.display()),
    };
    let (admin, email) = app.admin("Steady Admin");
    let topic = admin.start_topic("hub", "Power cut", "Replies keep coming.");

    let server = ServerProcess::start(&app, &database_url);
    let writer = app.client_at(&server.base);
    writer.login(&email, ADMIN_PASSWORD).expect("signed in on the server process");
    let running = Arc::new(AtomicBool::new(true));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let thread = steady_replies(writer, topic, Duration::from_millis(10), running.clone(), acknowledged.clone());
    while acknowledged.lock().unwrap().len() < 40 {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    std::thread::sleep(Duration::from_millis(200));
    running.store(false, Ordering::Relaxed);
    let failed = thread.join().unwrap();
    assert!(failed > 0, "some replies met the dead server");

    // Restarted on the same database: every reply that was acknowledged is there.
    let restarted = ServerProcess::start(&app, &database_url);
    let stored = bodies_in(&app, topic);
    let acknowledged = acknowledged.lock().unwrap();
    for body in acknowledged.iter() {
        assert!(stored.contains(body), "{body:?} was acknowledged but is lost");
    }
    let page = app.client_at(&restarted.base).get(&format!("/t/{topic}?page=1"));
    assert_eq!(page.status, 200);
    if let forum::db::Backend::Sqlite(path) = &app.config.database {
        assert_eq!(forum::backup::integrity(path).unwrap(), "ok");
    }
    eprintln!("{} replies acknowledged before the kill, all kept", acknowledged.len());
}

#[test]
fn two_instances_share_sessions_limits_and_claims_and_alert_once() {
    let mut app = spawn_app();
    let b = app.second_instance();
    app.hold_everything("hub");
    let (admin, admin_email) = app.admin("Twin Admin");

    // A session begun on one instance works on the other, and ends on both.
    assert_eq!(admin.on(&b).get("/admin").status, 200);
    let (member, email) = app.member("Twin Member");
    assert!(member.on(&b).get("/").body.contains("Signed in as"));
    member.on(&b).post("/logout", &[]);
    assert!(!member.get("/").body.contains("Signed in as"), "signed out on the first instance too");

    // Sign-in limits count across instances: 6 a minute per account. The member signed in once;
    // five wrong passwords, on alternate instances, and the next attempt is refused.
    let guesser = app.client();
    for i in 0..5 {
        let at = if i % 2 == 0 { guesser.on(&app.base) } else { guesser.on(&b) };
        assert_eq!(at.login(&email, "wrong guess again").unwrap_err().status, 422);
    }
    assert_eq!(guesser.on(&b).login(&email, PASSWORD).unwrap_err().status, 429);

    // A claim made on one instance holds on the other.
    let (first, _, _) = app.moderator(&admin, "Claimer One", "Hub");
    let (second, _, _) = app.moderator(&admin, "Claimer Two", "Hub");
    let (author, _) = app.member("Held Author");
    author.post("/g/hub/new", &[("title", "Held across instances"), ("body", "Waiting.")]);
    let queue = first.get("/mod/queue").body;
    let item = crate::helpers::between(&queue, "href=\"/mod/queue/", "\"").expect("a held post");
    let page = first.get(&format!("/mod/queue/{item}"));
    let seen = crate::helpers::between(&page.body, "name=\"seen\" value=\"", "\"").unwrap_or_default();
    assert_eq!(first.post(&format!("/mod/queue/{item}"), &[("seen", &seen), ("action", "claim")]).status, 303);
    let other = second.on(&b);
    let seen = crate::helpers::between(&other.get(&format!("/mod/queue/{item}")).body, "name=\"seen\" value=\"", "\"")
        .unwrap_or_default();
    let blocked = other.post(&format!("/mod/queue/{item}"), &[("seen", &seen), ("action", "approve")]);
    assert_eq!(blocked.status, 422);
    blocked.assert_contains("Another moderator is looking at this post");

    // The scheduled queue alert: both instances' workers look, one email is sent.
    let mut conn = crate::helpers::pool(&app).get().unwrap();
    diesel::update(posts::table)
        .set(posts::created_at.eq(forum::db::now() - chrono::Duration::minutes(45)))
        .execute(&mut conn)
        .unwrap();
    app.wait_for_email_containing(&admin_email, "waited more than 30 minutes");
    std::thread::sleep(Duration::from_millis(1500));
    let alerts = app.emails_to(&admin_email).iter().filter(|(_, t)| t.contains("waited more than")).count();
    assert_eq!(alerts, 1, "one alert, not one per instance");
}

/// A PostgreSQL server of the test's own (initdb'd in a temporary folder, on its own port), so
/// stopping it disturbs nothing else. `None` where PostgreSQL's programs are not installed.
struct PrivatePostgres {
    bin: std::path::PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePostgres {
    fn start() -> Option<PrivatePostgres> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists())?;
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pg = PrivatePostgres { bin, dir, port };
        // PostgreSQL refuses to run as root: as root, run it as the postgres user.
        let as_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
        if as_root {
            Command::new("chown").args(["-R", "postgres:postgres"]).arg(pg.dir.path()).status().unwrap();
        }
        let data = pg.dir.path().join("data");
        assert!(pg.run(&["initdb", "-D", data.to_str().unwrap(), "-A", "trust", "-U", "postgres"]), "initdb");
        assert!(pg.ctl("start"), "the private PostgreSQL starts");
        Some(pg)
    }

    fn run(&self, args: &[&str]) -> bool {
        let program = self.bin.join(args[0]);
        let as_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
        let mut command = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command
            .args(&args[1..])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    fn ctl(&self, action: &str) -> bool {
        let data = self.dir.path().join("data");
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let log = self.dir.path().join("log");
        self.run(&[
            "pg_ctl",
            action,
            "-w",
            "-m",
            "fast",
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-o",
            &options,
        ])
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.ctl("stop");
    }
}

#[test]
fn postgres_stopped_under_load_gives_503_pages_and_the_server_recovers_by_itself() {
    // Part of the PostgreSQL run (TEST_DATABASE_URL set), which is where PostgreSQL is installed.
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("SKIPPED: runs with TEST_DATABASE_URL (the PostgreSQL pass of .ci/run)");
        return;
    }
    let Some(pg) = PrivatePostgres::start() else {
        panic!("TEST_DATABASE_URL is set but PostgreSQL's programs (initdb, pg_ctl) are not under /usr/lib/postgresql");
    };
    let url = pg.url();
    let app = spawn_app_with(|v| v.database_url = Some(url));
    let (member, _) = app.member("Patient Pat");
    let topic = member.start_topic("hub", "Outage", "Before the outage.");
    let reader = app.client();

    // Load: signed-in reads and replies from four threads throughout.
    let running = Arc::new(AtomicBool::new(true));
    let statuses = Arc::new(Mutex::new(Vec::<(Instant, u16)>::new()));
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (running, statuses, client) = (running.clone(), statuses.clone(), member.on(&app.base));
            std::thread::spawn(move || {
                while running.load(Ordering::Relaxed) {
                    let status = client.try_get(&format!("/t/{topic}")).map_or(0, |p| p.status);
                    statuses.lock().unwrap().push((Instant::now(), status));
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    let token = member.csrf_token();
    assert!(pg.ctl("stop"), "PostgreSQL stops");
    let stopped = Instant::now();
    let down = reader.get(&format!("/t/{topic}"));
    assert_eq!(down.status, 503, "{}", down.body);
    down.assert_contains("cannot reach our database");
    let reply =
        member.post_raw(&format!("/t/{topic}/reply"), &[("csrf", &token), ("body", "Written during the outage.")]);
    assert_eq!(reply.status, 503);
    reply.assert_contains("it has not been saved yet");

    assert!(pg.ctl("start"), "PostgreSQL starts again");
    let restarted = Instant::now();
    let deadline = restarted + Duration::from_secs(30);
    loop {
        if member.get(&format!("/t/{topic}")).status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not recover within 30 s of PostgreSQL's return");
        std::thread::sleep(Duration::from_millis(100));
    }
    let recovered_after = restarted.elapsed();
    member.reply(topic, "Written after the outage.");
    std::thread::sleep(Duration::from_millis(300));
    running.store(false, Ordering::Relaxed);
    for thread in load {
        thread.join().unwrap();
    }
    let statuses = statuses.lock().unwrap();
    let unexpected: Vec<u16> = statuses.iter().map(|(_, s)| *s).filter(|s| ![200, 503].contains(s)).collect();
    assert!(unexpected.is_empty(), "only 200 and 503 under load, got {unexpected:?}");
    assert!(statuses.iter().any(|(at, s)| *s == 503 && *at > stopped), "the load saw the outage");
    assert!(statuses.iter().any(|(at, s)| *s == 200 && *at > restarted), "and the recovery");
    eprintln!("recovered {recovered_after:?} after PostgreSQL came back; {} requests under load", statuses.len());
}
