//! A small W3C WebDriver client for Debian's Chromium through `chromedriver`: enough to fill in
//! forms, click, read the page, run axe-core and take screenshots.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How to run the browser tests, from the environment: `BROWSER_TESTS=required` (set by `.ci/run`)
/// makes a missing Chromium a failure instead of a skip.
fn required() -> bool {
    std::env::var("BROWSER_TESTS").is_ok_and(|v| v == "required")
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.iter().map(move |n| dir.join(n))).find(|p| p.is_file())
}

/// Chromium and chromedriver, if this machine has them; otherwise says clearly that the browser
/// tests are skipped and how to run them.
pub fn chromium() -> Option<(PathBuf, PathBuf)> {
    let driver = std::env::var_os("CHROMEDRIVER").map(PathBuf::from).or_else(|| find_program(&["chromedriver"]));
    let browser = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| find_program(&["chromium", "chromium-browser", "google-chrome"]));
    match (browser, driver) {
        (Some(b), Some(d)) => Some((b, d)),
        _ => {
            let message = "SKIPPED: the browser tests need Chromium and chromedriver, which this machine lacks.\n\
                 Install them (Debian: apt-get install chromium chromium-driver) and run: cargo test --test browser\n\
                 (.ci/run installs them and always runs these tests.)";
            assert!(!required(), "BROWSER_TESTS=required but Chromium is missing.\n{message}");
            eprintln!("\n{message}\n");
            None
        }
    }
}

/// One browser window, signed in as nobody until a test signs in.
pub struct Browser {
    driver: Child,
    endpoint: String,
    agent: ureq::Agent,
    pub javascript: bool,
    shots: PathBuf,
    shot_count: usize,
}

#[derive(Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a headless Chromium with JavaScript on or off; `None` (after the
    /// skip notice) when this machine has no Chromium.
    pub fn start(javascript: bool, shots: &Path) -> Option<Browser> {
        let (browser, driver) = chromium()?;
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut prefs = json!({});
        if !javascript {
            prefs = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser.display().to_string(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", "--lang=en-GB", "--no-first-run"],
                "prefs": prefs,
            }
        }}});
        let body =
            read_json(send_json(&agent, &format!("{base}/session"), &capabilities).expect("chromedriver answers"));
        let session =
            body["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("Chromium did not start: {body}")).to_owned();
        std::fs::create_dir_all(shots).expect("screenshot folder");
        Some(Browser {
            driver: child,
            endpoint: format!("{base}/session/{session}"),
            agent,
            javascript,
            shots: shots.to_owned(),
            shot_count: 0,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.endpoint);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => send_json(&self.agent, &url, &body.unwrap_or_else(|| json!({}))),
        }
        .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let status = response.status();
        let value = read_json(response);
        assert!(status.is_success(), "WebDriver {method} {path} failed ({status}): {value}");
        value["value"].clone()
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or_default().to_owned()
    }

    pub fn title(&self) -> String {
        self.call("GET", "/title", None).as_str().unwrap_or_default().to_owned()
    }

    /// The page as the browser has it now (after any script ran).
    pub fn source(&self) -> String {
        self.call("GET", "/source", None).as_str().unwrap_or_default().to_owned()
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.call("POST", "/elements", Some(json!({ "using": "css selector", "value": css })));
        found
            .as_array()
            .map(|list| list.iter().filter_map(|e| e[ELEMENT].as_str().map(|id| Element(id.to_owned()))).collect())
            .unwrap_or_default()
    }

    /// The first element matching `css`; the test fails, with the page's address, if none does.
    pub fn find(&self, css: &str) -> Element {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {css} on {}:\n{}", self.url(), self.source()))
    }

    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{}/click", element.0), None);
    }

    /// Clicks something that loads a new page (a link, a form's button) and waits for that page.
    pub fn click_to_load(&self, css: &str) {
        let element = self.find(css);
        self.execute("window.__before_click = true;");
        self.call("POST", &format!("/element/{}/click", element.0), None);
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.execute("return window.__before_click === undefined && document.readyState === 'complete';")
            != Value::Bool(true)
        {
            assert!(Instant::now() < deadline, "clicking {css} on {} loaded no new page", self.url());
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Clears a field and types `text` into it, as a person would.
    pub fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{}/clear", element.0), None);
        self.call("POST", &format!("/element/{}/value", element.0), Some(json!({ "text": text })));
    }

    pub fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.call("GET", &format!("/element/{}/text", element.0), None).as_str().unwrap_or_default().to_owned()
    }

    /// The visible text of the whole page.
    pub fn page_text(&self) -> String {
        self.text("body")
    }

    /// Runs a script in the page (WebDriver runs it even when the page's own JavaScript is off).
    pub fn execute(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    fn execute_async(&self, script: &str) -> Value {
        self.call("POST", "/execute/async", Some(json!({ "script": script, "args": [] })))
    }

    pub fn delete_cookies(&self) {
        self.call("DELETE", "/cookie", None);
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.call("POST", "/window/rect", Some(json!({ "width": width, "height": height })));
    }

    /// Saves a PNG of the viewport as `NN-label.png` in this run's screenshot folder.
    pub fn screenshot(&mut self, label: &str) {
        let encoded = self.call("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().expect("base64 screenshot"));
        self.shot_count += 1;
        let path = self.shots.join(format!("{:02}-{label}.png", self.shot_count));
        std::fs::write(&path, png).expect("screenshot written");
    }

    /// Runs axe-core on the page with the WCAG 2.0, 2.1 and 2.2 A and AA rules; returns one line
    /// per violation (empty when there are none).
    pub fn axe_violations(&self) -> Vec<String> {
        self.execute(AXE_SOURCE);
        let result = self.execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {
               runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
               resultTypes: ['violations'],
             }).then(
               (r) => done(r.violations.flatMap((v) => v.nodes.map((n) =>
                 `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`))),
               (e) => done([`axe failed: ${e}`]));",
        );
        result.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.endpoint).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn send_json(agent: &ureq::Agent, url: &str, body: &Value) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    agent.post(url).header("Content-Type", "application/json").send(body.to_string())
}

fn read_json(mut response: ureq::http::Response<ureq::Body>) -> Value {
    let text = response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// axe-core, vendored with its licence (tests/browser/vendor/axe-core; `refresh.sh` updates it).
const AXE_SOURCE: &str = include_str!("vendor/axe-core/axe.min.js");

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, d)| acc | (u32::from(*d) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_with_and_without_padding() {
    assert_eq!(decode_base64("aGVsbG8="), b"hello");
    assert_eq!(decode_base64("aGk="), b"hi");
    assert_eq!(decode_base64("YWJj"), b"abc");
}
