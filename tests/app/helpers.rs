//! Starts the real application on a random port against a fresh database, and drives it over
//! HTTP like a browser would (cookies kept, forms posted with their CSRF token).
//!
//! Each test gets its own SQLite file, or — with `TEST_DATABASE_URL=postgres://…` — its own
//! freshly created PostgreSQL database, dropped again at the end.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use forum::config::{Config, Values};

/// A running forum for one test.
pub struct TestApp {
    pub base: String,
    pub config: Config,
    pub mail_dir: PathBuf,
    /// The SMTP server the app sends to, when the test started one (else `.eml` files).
    pub smtp: Option<crate::smtp::SmtpServer>,
    servers: Vec<Running>,
    _db: TestDb,
    _dir: tempfile::TempDir,
}

/// One server process's worth of app (a test may run two on one database).
struct Running {
    handle: actix_web::dev::ServerHandle,
    thread: std::thread::JoinHandle<()>,
}

/// The database behind one test; dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub enum TestDb {
    Sqlite,
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    fn create(dir: &Path) -> (Self, String) {
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            None => (TestDb::Sqlite, format!("sqlite://{}", dir.join("forum.db").display())),
            Some(admin_url) => {
                let name = format!("forum_test_{}", forum::secrets::random_token(6));
                let mut conn = diesel::pg::PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
                conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                (TestDb::Postgres { admin_url, name }, url.to_string())
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok(mut conn) = diesel::pg::PgConnection::establish(admin_url)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Configuration for a test server; `adjust` may change any value before it is checked.
pub fn spawn_app_with(adjust: impl FnOnce(&mut Values)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, database_url) = TestDb::create(dir.path());
    let mail_dir = dir.path().join("mail");
    let mut values = Values {
        database_url: Some(database_url),
        bind: Some("127.0.0.1:0".into()),
        mail_dir: Some(mail_dir.display().to_string()),
        ..Values::default()
    };
    adjust(&mut values);
    let mut config = Config::from_values(values).expect("test configuration is valid");
    // The outbox worker looks often, so tests about email wait milliseconds, not seconds.
    config.mail_poll = Duration::from_millis(200);
    let (running, port, base_url) = start_server(config.clone());
    let base = format!("http://127.0.0.1:{port}");
    config.base_url = base_url;
    TestApp { base, config, mail_dir, smtp: None, servers: vec![running], _db: db, _dir: dir }
}

/// Starts the application on its own thread and runtime; returns it, its port and base URL.
fn start_server(server_config: Config) -> (Running, u16, String) {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        let result = actix_web::rt::System::new().block_on(async move {
            let app = match forum::startup::Application::build(server_config) {
                Ok(app) => app,
                Err(e) => {
                    let _ = tx.send(Err(format!("{e:#}")));
                    return Ok(());
                }
            };
            let _ = tx.send(Ok((app.port(), app.handle(), app.state.config.base_url.clone())));
            app.run_until_stopped().await
        });
        if let Err(e) = result {
            eprintln!("test server stopped with an error: {e}");
        }
    });
    let (port, handle, base_url) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("server started in time")
        .unwrap_or_else(|e| panic!("server failed to start: {e}"));
    (Running { handle, thread }, port, base_url)
}

/// A forum that sends its email to a real SMTP server on 127.0.0.1 (started by the caller, or
/// not yet: then the first emails meet a closed port, as in an outage).
pub fn spawn_app_with_smtp(smtp: crate::smtp::SmtpServer) -> TestApp {
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let mut app = spawn_app_with(|v| v.smtp_url = Some(url));
    app.smtp = Some(smtp);
    app
}

impl TestApp {
    /// Makes every post in the group `slug` wait for a moderator.
    pub fn hold_everything(&self, slug: &str) {
        use diesel::prelude::*;
        use forum::db::schema::groups;
        diesel::update(groups::table.filter(groups::slug.eq(slug)))
            .set(groups::moderation_policy.eq("all"))
            .execute(&mut pool(self).get().unwrap())
            .unwrap();
    }

    /// Starts a second server on the same database and configuration, as a second instance
    /// behind a load balancer would be; it stops with the test. Returns its address.
    pub fn second_instance(&mut self) -> String {
        let mut config = self.config.clone();
        config.bind = "127.0.0.1:0".into();
        let (running, port, _) = start_server(config);
        self.servers.push(running);
        format!("http://127.0.0.1:{port}")
    }
}

pub fn spawn_app() -> TestApp {
    spawn_app_with(|_| {})
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for running in self.servers.drain(..) {
            actix_web::rt::System::new().block_on(running.handle.stop(false));
            let _ = running.thread.join();
        }
    }
}

/// A response, read in full.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_else(|| panic!("expected a redirect, got {}: {}", self.status, self.body))
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        between(&self.body, "name=\"csrf\" value=\"", "\"").unwrap_or_else(|| panic!("no form on page: {}", self.body))
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        assert!(self.body.contains(text), "expected {text:?} in page ({}):\n{}", self.status, self.body);
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) {
        assert!(!self.body.contains(text), "did not expect {text:?} in page ({}):\n{}", self.status, self.body);
    }
}

/// The text between `start` and the next `end`.
pub fn between(haystack: &str, start: &str, end: &str) -> Option<String> {
    let from = haystack.find(start)? + start.len();
    let to = haystack[from..].find(end)? + from;
    Some(haystack[from..to].to_owned())
}

/// A browser: its own cookie jar, redirects not followed (tests look at them).
pub struct Client {
    pub base: String,
    /// The forum this person's authenticator app is set up for (`base` of the test's app;
    /// another instance on the same database accepts the same codes).
    app_base: String,
    agent: ureq::Agent,
}

impl TestApp {
    pub fn client(&self) -> Client {
        self.client_at(&self.base)
    }

    /// A browser on another server of this test's database (a second instance, a restarted
    /// process), at `base`.
    pub fn client_at(&self, base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Client { base: base.to_owned(), app_base: self.base.clone(), agent }
    }

    /// Waits for an email to `to` with a link whose path starts with `path_prefix`, and returns
    /// the newest such link. Reads the `.eml` files the file transport writes.
    pub fn wait_for_link(&self, to: &str, path_prefix: &str) -> String {
        let needle = format!("{}{}", self.config.base_url, path_prefix);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let mut found: Vec<(std::time::SystemTime, String)> = Vec::new();
            for mail in self.emails_to(to) {
                if let Some(link) = find_link(&mail.1, &needle) {
                    found.push((mail.0, link));
                }
            }
            found.sort();
            if let Some((_, link)) = found.pop() {
                return link.replacen(&self.config.base_url, &self.base, 1);
            }
            assert!(Instant::now() < deadline, "no email to {to} with a link to {path_prefix}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every email written so far to `to`: (time written, decoded text).
    pub fn emails_to(&self, to: &str) -> Vec<(std::time::SystemTime, String)> {
        if let Some(smtp) = &self.smtp {
            return smtp
                .messages()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t == to))
                .map(|m| (m.at, m.text()))
                .collect();
        }
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .filter_map(|e| {
                let text = decode_quoted_printable(&std::fs::read_to_string(e.path()).ok()?);
                let written = e.metadata().ok()?.modified().ok()?;
                text.lines().any(|l| l.starts_with("To:") && l.contains(to)).then_some((written, text))
            })
            .collect()
    }

    /// Waits until an email to `to` whose text contains `needle` has been written.
    pub fn wait_for_email_containing(&self, to: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some((_, text)) = self.emails_to(to).into_iter().find(|(_, t)| t.contains(needle)) {
                return text;
            }
            assert!(Instant::now() < deadline, "no email to {to} containing {needle:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Creates an admin as `forum admin create` does, signs them in with a password and has
    /// them turn on two-step sign-in (as the forum requires before any admin page).
    pub fn admin(&self, name: &str) -> (Client, String) {
        let (client, email) = self.admin_with_password_only(name);
        client.enable_two_factor(&email);
        (client, email)
    }

    /// An admin just created and signed in, who has not set up two-step sign-in yet.
    pub fn admin_with_password_only(&self, name: &str) -> (Client, String) {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let link = forum::cli::create_admin(&self.config, &email, name).expect("admin created");
        let path = link.strip_prefix(&self.config.base_url).expect("link points at this forum").to_owned();
        let client = self.client();
        let form = client.get(&path);
        assert_eq!(form.status, 200, "{}", form.body);
        let password = ADMIN_PASSWORD;
        let done = client.post(&path, &[("password", password), ("confirm", password)]);
        assert_eq!(done.status, 303, "{}", done.body);
        client.login(&email, password).expect("admin can sign in");
        // Admins accept the ground rules like everyone else.
        client.accept_rules();
        (client, email)
    }

    /// Registers a member and has `admin` appoint them moderator of the group named `group`
    /// (its display name, e.g. "Hub"). Returns the client, email and account id.
    pub fn moderator(&self, admin: &Client, name: &str, group: &str) -> (Client, String, String) {
        let (client, email) = self.member(name);
        let id = id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", name);
        let group_id = id_in_link_before(
            &admin.get("/admin/groups").body,
            "/admin/groups/",
            &format!("<span class=\"visually-hidden\"> {group}<"),
        );
        let done = admin.post(&format!("/admin/members/{id}"), &[("moderates", &group_id)]);
        assert_eq!(done.status, 303, "{}", done.body);
        // Moderators' tools appear once they use two-step sign-in.
        client.enable_two_factor(&email);
        (client, email, id)
    }

    /// Registers a member, confirms their email from the sent mail, and signs them in.
    pub fn member(&self, name: &str) -> (Client, String) {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let client = self.client();
        let page = client.register(&email, name, PASSWORD);
        assert_eq!(page.status, 200, "{}", page.body);
        let link = self.wait_for_link(&email, "/verify-email/");
        client.get(&link.replacen(&self.base, "", 1));
        client.login(&email, PASSWORD).expect("new member can sign in");
        (client, email)
    }
}

/// A test person's authenticator app, and the recovery codes they kept.
struct Authenticator {
    secret: String,
    last_step: i64,
    recovery_codes: Vec<String>,
}

/// The test people's authenticator apps, by (forum address, email).
static AUTHENTICATORS: std::sync::Mutex<std::collections::BTreeMap<(String, String), Authenticator>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// What `email` types at the second step of signing in to the forum at `base`: their app's
/// code now. Each code works once, so a second sign-in within 30 seconds takes the next step's
/// code (still accepted); a third in the same half-minute uses a recovery code, as a person
/// who cannot wait would.
pub fn authenticator_code(base: &str, email: &str) -> String {
    use forum::accounts::totp;
    let mut apps = AUTHENTICATORS.lock().unwrap();
    let app = apps.get_mut(&(base.to_owned(), email.to_owned())).expect("two-step sign-in set up in this test");
    let now = totp::current_step();
    let step = now.max(app.last_step + 1);
    if step > now + 1 {
        return app.recovery_codes.pop().expect("a recovery code left");
    }
    app.last_step = step;
    format!("{:06}", totp::code_at(&totp::base32_decode(&app.secret).expect("base32 key"), step))
}

/// The password test admins set.
pub const ADMIN_PASSWORD: &str = "lavender fields in june";

/// The password test members use.
pub const PASSWORD: &str = "blue skies over the pier";

impl Client {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{}", self.base, path) }
    }

    fn read(mut response: ureq::http::Response<ureq::Body>) -> Page {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = response.body_mut().with_config().limit(50 * 1024 * 1024).read_to_string().unwrap_or_default();
        Page { status, body, headers }
    }

    pub fn get(&self, path: &str) -> Page {
        Self::read(self.agent.get(self.url(path)).call().expect("GET sent"))
    }

    /// Like `get`, but `None` when the server cannot be reached (it was killed).
    pub fn try_get(&self, path: &str) -> Option<Page> {
        self.agent.get(self.url(path)).call().ok().map(Self::read)
    }

    /// Like `post_raw`, but `None` when the server cannot be reached.
    pub fn try_post(&self, path: &str, fields: &[(&str, &str)]) -> Option<Page> {
        self.agent.post(self.url(path)).send_form(fields.iter().copied()).ok().map(Self::read)
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Self::read(self.agent.post(self.url(path)).send_form(fields.iter().copied()).expect("POST sent"))
    }

    /// Posts a form with a valid CSRF token, as the page's own form would.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all)
    }

    /// This browser's CSRF token, from a form on a page: the header's sign-out form on the
    /// ground rules page (reachable even before accepting changed rules), else the sign-in form.
    pub fn csrf_token(&self) -> String {
        let rules = self.get("/rules");
        if rules.body.contains("name=\"csrf\"") { rules.csrf() } else { self.get("/login").csrf() }
    }

    /// The same browser (same cookies) talking to another server of the forum at `base`.
    pub fn on(&self, base: &str) -> Client {
        Client { base: base.to_owned(), app_base: self.app_base.clone(), agent: self.agent.clone() }
    }

    /// Follows a redirect response with a GET.
    pub fn follow(&self, page: &Page) -> Page {
        self.get(page.location())
    }

    /// Fills in and sends the registration form, as shown (with the rules version it showed).
    pub fn register(&self, email: &str, name: &str, password: &str) -> Page {
        let form = self.get("/register");
        let version = between(&form.body, "name=\"rules_version\" value=\"", "\"").expect("rules version on the form");
        self.post(
            "/register",
            &[
                ("email", email),
                ("display_name", name),
                ("password", password),
                ("accept_rules", "yes"),
                ("rules_version", &version),
            ],
        )
    }

    /// Signs in; returns the session cookie header on success, the page on failure. Accounts
    /// with two-step sign-in give the code from their (test) authenticator app.
    pub fn login(&self, email: &str, password: &str) -> Result<Page, Page> {
        let page = self.post("/login", &[("email", email), ("password", password)]);
        if page.status == 303 && page.location().starts_with("/login/two-factor") {
            let form = self.follow(&page);
            let next = between(&form.body, "name=\"next\" value=\"", "\"").unwrap_or_else(|| "/".into());
            let code = authenticator_code(&self.app_base, email);
            let done = self.post("/login/two-factor", &[("code", &code), ("next", &next)]);
            return if done.status == 303 { Ok(done) } else { Err(done) };
        }
        if page.status == 303 { Ok(page) } else { Err(page) }
    }

    /// Turns on two-step sign-in as a person would: adds the key shown on the page to their
    /// (test) authenticator app and types its code. Returns the recovery codes shown.
    pub fn enable_two_factor(&self, email: &str) -> Vec<String> {
        let setup = self.get("/me/two-factor");
        assert_eq!(setup.status, 200, "{}", setup.body);
        let secret = between(&setup.body, "name=\"secret\" value=\"", "\"").expect("a key to add to the app");
        let signature = between(&setup.body, "name=\"signature\" value=\"", "\"").expect("the key's signature");
        let key = (self.app_base.clone(), email.to_owned());
        let app = Authenticator { secret: secret.clone(), last_step: 0, recovery_codes: Vec::new() };
        AUTHENTICATORS.lock().unwrap().insert(key.clone(), app);
        let code = authenticator_code(&self.app_base, email);
        let done = self.post(
            "/me/two-factor",
            &[("action", "enable"), ("secret", &secret), ("signature", &signature), ("code", &code), ("next", "/")],
        );
        assert_eq!(done.status, 200, "{}", done.body);
        let codes: Vec<String> =
            done.body.split("<li><code>").skip(1).filter_map(|c| c.split('<').next()).map(str::to_owned).collect();
        AUTHENTICATORS.lock().unwrap().get_mut(&key).expect("just added").recovery_codes = codes.clone();
        codes
    }

    /// Accepts the current ground rules if asked to.
    pub fn accept_rules(&self) {
        let rules = self.get("/rules");
        if let Some(version) = between(&rules.body, "name=\"version\" value=\"", "\"") {
            let done = self.post("/rules", &[("version", &version), ("next", "/")]);
            assert_eq!(done.status, 303, "{}", done.body);
        }
    }

    /// Starts a topic; returns its id.
    pub fn start_topic(&self, group: &str, title: &str, body: &str) -> i64 {
        let page = self.post(&format!("/g/{group}/new"), &[("title", title), ("body", body)]);
        assert_eq!(page.status, 303, "starting a topic failed: {}", page.body);
        page.location().trim_start_matches("/t/").parse().expect("redirect to the new topic")
    }

    /// Replies; returns the new post's id.
    pub fn reply(&self, topic: i64, body: &str) -> i64 {
        let page = self.post(&format!("/t/{topic}/reply"), &[("body", body)]);
        assert_eq!(page.status, 303, "reply failed: {}", page.body);
        page.location().rsplit("#p").next().and_then(|id| id.parse().ok()).expect("redirect to the reply")
    }
}

/// A request from a fresh browser that sends exactly `cookie` (e.g. a replayed session).
pub fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> Page {
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    Client::read(agent.get(format!("{}{}", app.base, path)).header("Cookie", cookie).call().expect("GET sent"))
}

/// The `session=…` pair a sign-in response set.
pub fn session_pair(signed_in: &Page) -> String {
    let cookie =
        signed_in.headers_named("set-cookie").into_iter().find(|c| c.starts_with("session=")).expect("session cookie");
    cookie.split(';').next().unwrap_or_default().to_owned()
}

/// The number at the end of the last link to `prefix…` that comes before `marker` in `html`,
/// e.g. a member's id from the admin list, found by their display name.
pub fn id_in_link_before(html: &str, prefix: &str, marker: &str) -> String {
    let before = &html[..html.find(marker).unwrap_or_else(|| panic!("{marker} not on page"))];
    let start = before.rfind(prefix).expect("a link before the marker") + prefix.len();
    before[start..].chars().take_while(char::is_ascii_digit).collect()
}

/// The first URL in `text` that starts with `prefix`.
fn find_link(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// Undoes quoted-printable soft line breaks and `=XX` escapes, enough to read links.
pub fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut out = String::with_capacity(joined.len());
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            let hex: String = chars.clone().take(2).collect();
            if hex.len() == 2
                && let Ok(byte) = u8::from_str_radix(&hex, 16)
            {
                out.push(byte as char);
                chars.next();
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A pool on the test's database, for assertions about what was stored.
pub fn pool(app: &TestApp) -> forum::db::Pool {
    forum::db::connect(&app.config.database, 2).expect("test database reachable")
}
