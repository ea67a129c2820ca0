//! An XSS payload corpus (markdown and HTML tricks, `javascript:` links, event handlers, SVG,
//! broken tags) posted as topic titles, post bodies, display names and the ground rules, then
//! every page that shows them opened in Chromium: no payload runs, and the page's DOM holds no
//! script, event handler, `javascript:` URL or embedded frame that the forum did not put there.
//! The check reads the DOM rather than trusting the Content-Security-Policy alone, so it would
//! also catch markup that only the CSP stops.

use crate::helpers::{PASSWORD, between, spawn_app};
use crate::webdriver::Browser;
use crate::{browser, sign_in};

/// Each sets `window.__xss` if it ever runs.
const PAYLOADS: &[&str] = &[
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1\">",
    "<img src=x onerror=window.__xss=1//",
    "<svg onload=\"window.__xss=1\"><circle r=1></svg>",
    "<svg><script>window.__xss=1</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "\"><script>window.__xss=1</script>",
    "'><img src=x onerror=window.__xss=1>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<a href=\"javascript:window.__xss=1\">click me</a>",
    "<a href=\"  JaVaScRiPt:window.__xss=1\">spaced</a>",
    "<a href=\"&#106;avascript:window.__xss=1\">entity</a>",
    "[markdown link](javascript:window.__xss=1)",
    "[mixed case](JaVaScRiPt:window.__xss=1)",
    "[encoded](java&#x09;script:window.__xss=1)",
    "<javascript:window.__xss=1>",
    "![image](x\" onerror=\"window.__xss=1)",
    "![image](javascript:window.__xss=1)",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    "<object data=\"javascript:window.__xss=1\"></object>",
    "<embed src=\"javascript:window.__xss=1\">",
    "<details open ontoggle=\"window.__xss=1\">x</details>",
    "<input autofocus onfocus=\"window.__xss=1\">",
    "<body onload=\"window.__xss=1\">",
    "<div style=\"background:url(javascript:window.__xss=1)\">styled</div>",
    "<a href=\"data:text/html,<script>window.__xss=1</script>\">data link</a>",
    "<base href=\"javascript:window.__xss=1//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
    "<form action=\"javascript:window.__xss=1\"><button>go</button></form>",
    "`<script>window.__xss=1</script>` in code, and ```<img src=x onerror=window.__xss=1>```",
    "<!--<img src=\"--><img src=x onerror=window.__xss=1//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=1>\">",
];

/// What must never be in a page's DOM; returns one line per problem found.
fn unsafe_markup(browser: &Browser) -> Vec<String> {
    let found = browser.execute(
        "const bad = [];
         if (window.__xss) bad.push('a payload ran');
         const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'];
         for (const e of document.querySelectorAll('*')) {
           for (const a of e.attributes) {
             if (a.name.startsWith('on')) bad.push(`<${e.localName}> has ${a.name}`);
             const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
             if (urlAttributes.includes(a.name) && /^(javascript|vbscript|data):/.test(v))
               bad.push(`<${e.localName}> ${a.name}=${a.value}`);
             if (a.name === 'style' && /url\\(|expression/i.test(a.value)) bad.push(`<${e.localName}> style=${a.value}`);
           }
           if (['iframe', 'object', 'embed', 'base', 'frame'].includes(e.localName)) bad.push(`<${e.localName}>`);
           if (e.localName === 'meta' && !e.closest('head')) bad.push('<meta> in the body');
           if (e.localName === 'style' && e.closest('body')) bad.push('<style> in the body');
         }
         for (const s of document.querySelectorAll('script')) {
           const ours = s.type === 'module' && s.src && new URL(s.src).pathname.startsWith('/static/forum.');
           if (!ours) bad.push(`a <script> the forum did not write: ${s.outerHTML.slice(0, 80)}`);
         }
         return bad;",
    );
    found.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The ground rules changed (they hold the corpus too): accept them, as a member would.
fn accept_rules(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/rules"));
    if !browser.find_all("form[action='/rules'] button").is_empty() {
        browser.click_to_load("form[action='/rules'] button");
    }
}

#[test]
fn no_payload_runs_or_survives_as_markup_on_any_page_that_shows_it() {
    let Some(mut browser) = browser("xss", true) else { return };
    let app = spawn_app();
    let (admin, _) = app.admin("Ada Admin");
    let (member, member_email) = app.member("Robin");
    member.post("/g/hub/join", &[]);

    // Titles and bodies: one topic per payload (the admin moderates every group, so nothing
    // waits and flood control does not apply), its body the whole corpus.
    let corpus = PAYLOADS.join("\n\n");
    let mut topics = Vec::new();
    for payload in PAYLOADS {
        let title: String = format!("Payload {payload}").chars().take(120).collect();
        let page = admin.post("/g/hub/new", &[("title", &title), ("body", &format!("{corpus}\n\nwindow search word"))]);
        assert_eq!(page.status, 303, "{}", page.body);
        topics.push(page.location().to_owned());
    }
    // A held post (the NHS number holds it) shows its raw text, highlighted, to moderators.
    let held = member.post(
        "/g/hub/new",
        &[
            ("title", "Held <img src=x onerror=window.__xss=1>"),
            ("body", &format!("My NHS number is 943 476 5919.\n\n{corpus}")),
        ],
    );
    assert_eq!(held.status, 202, "{}", held.body);
    // An edited post has a history of versions, shown as a diff.
    let first = topics[0].clone();
    let post = between(&admin.get(&first).body, "href=\"/p/", "/edit\"").expect("the admin's own post");
    let edit = admin.post(&format!("/p/{post}/edit"), &[("title", "Edited"), ("body", &format!("{corpus}\n\nedited"))]);
    assert_eq!(edit.status, 303, "{}", edit.body);
    // Ground rules are markdown too.
    let rules = admin.post("/admin/ground-rules", &[("body", &format!("Be kind.\n\n{corpus}"))]);
    assert_eq!(rules.status, 303, "{}", rules.body);

    let mut problems = Vec::new();
    let mut visit = |browser: &mut Browser, label: &str, path: &str| {
        browser.goto(&format!("{}{path}", app.base));
        browser.screenshot(label);
        problems.extend(unsafe_markup(browser).into_iter().map(|p| format!("{label} ({path}): {p}")));
    };
    visit(&mut browser, "group", "/g/hub");
    visit(&mut browser, "home", "/");
    visit(&mut browser, "ground-rules", "/rules");
    visit(&mut browser, "search", "/search?q=window+search+word");
    visit(&mut browser, "search-payload", "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E");
    for (i, topic) in topics.iter().enumerate().take(PAYLOADS.len()) {
        visit(&mut browser, &format!("topic-{i}"), topic);
    }
    visit(&mut browser, "history", &format!("/p/{post}/history"));

    sign_in(&browser, &app, &member_email, PASSWORD);
    accept_rules(&browser, &app.base);
    visit(&mut browser, "my-posts", "/me/posts");
    visit(&mut browser, "register-rules", "/register");
    sign_in(&browser, &app, "ada.admin@example.org", crate::helpers::ADMIN_PASSWORD);
    accept_rules(&browser, &app.base);
    visit(&mut browser, "queue", "/mod/queue");
    let item = between(&browser.source(), "href=\"/mod/queue/", "\"").expect("the held post");
    visit(&mut browser, "queue-item", &format!("/mod/queue/{item}"));
    visit(&mut browser, "log", "/mod/log");

    // Display names: refused, and the form that says so shows what was typed, inert.
    browser.delete_cookies();
    for (i, payload) in PAYLOADS.iter().enumerate().take(8) {
        browser.goto(&format!("{}/register", app.base));
        browser.fill("#display_name", payload);
        browser.fill("#email", &format!("x{i}@example.org"));
        browser.click_to_load("main button[type=submit]");
        let label = format!("display-name-{i}");
        browser.screenshot(&label);
        problems.extend(unsafe_markup(&browser).into_iter().map(|p| format!("{label}: {p}")));
        let kept = browser.execute("return document.getElementById('display_name').value;");
        assert_eq!(kept.as_str(), Some(*payload), "the form keeps exactly what was typed");
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
