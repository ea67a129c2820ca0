//! Every page type, signed out and as each role: axe-core finds no WCAG 2.0/2.1/2.2 A or AA
//! violation, each page has a title, a skip link, one main landmark and a heading, and the main
//! pages hold their layout at 320 px wide with the largest text size (what 400 % zoom of a
//! 1280 px window gives).

use crate::helpers::{PASSWORD, TestApp, between, id_in_link_before, spawn_app};
use crate::journey::clinician;
use crate::webdriver::Browser;
use crate::{browser, inspect, sign_in};

/// Opens `path`, checks the page's structure and accessibility, and photographs it.
fn check(browser: &mut Browser, app: &TestApp, label: &str, path: &str, findings: &mut Vec<String>) {
    browser.goto(&format!("{}{path}", app.base));
    let title = browser.title();
    if !title.ends_with("– Kinship") || title.len() <= "– Kinship".len() + 1 {
        findings.push(format!("{label} ({path}): unclear title {title:?}"));
    }
    let structure = browser.execute(
        "return [document.querySelectorAll('main').length,
                 document.querySelectorAll('h1').length,
                 document.querySelector('a.nhsuk-skip-link[href=\"#main\"]') !== null];",
    );
    if structure != serde_json::json!([1, 1, true]) {
        findings.push(format!("{label} ({path}): [main landmarks, h1s, skip link] = {structure}"));
    }
    findings.extend(inspect(browser, label));
}

#[test]
fn every_page_type_passes_axe_for_every_role() {
    let Some(mut browser) = browser("pages", true) else { return };
    let app = spawn_app();
    let (admin, _) = app.admin("Ada Admin");
    let (_, moderator_email, moderator_id) = app.moderator(&admin, "Morgan Lee", "Hub");
    let clinician_email = clinician(&app, &admin, "Sam Okafor");
    let (member, member_email) = app.member("Robin");
    member.post("/g/hub/join", &[]);
    let topic =
        member.start_topic("hub", "Recall after my first mammogram", "I have been recalled. What happens next?");
    let held = member.post(
        &format!("/t/{topic}/reply"),
        &[("body", "My NHS number is 943 476 5919, is that the one on the letter?")],
    );
    assert_eq!(held.status, 202, "the reply is held: {}", held.body);
    let own_post = between(&member.get(&format!("/t/{topic}")).body, "href=\"/p/", "/edit\"").expect("an own post");
    let verification =
        id_in_link_before(&admin.get("/admin/verifications").body, "/admin/verifications/", ">Sam Okafor</a>");
    let hub =
        id_in_link_before(&admin.get("/admin/groups").body, "/admin/groups/", "<span class=\"visually-hidden\"> Hub<");
    let mut findings = Vec::new();

    for (label, path) in [
        ("home", "/".to_owned()),
        ("group", "/g/hub".to_owned()),
        ("private-group", "/g/secondaries".to_owned()),
        ("topic", format!("/t/{topic}")),
        ("ground-rules", "/rules".to_owned()),
        ("help", "/help".to_owned()),
        ("what-verified-means", "/pro/verified".to_owned()),
        ("badge", format!("/pro/badge/{verification}")),
        ("register", "/register".to_owned()),
        ("login", "/login".to_owned()),
        ("password-reset", "/password-reset".to_owned()),
        ("search", "/search?q=recall".to_owned()),
        ("not-found", "/no-such-page".to_owned()),
    ] {
        check(&mut browser, &app, &format!("signed-out-{label}"), &path, &mut findings);
    }

    // A form sent back with mistakes: the error summary and the messages tied to their fields.
    browser.goto(&format!("{}/register", app.base));
    browser.click_to_load("main button[type=submit]");
    findings.extend(inspect(&mut browser, "signed-out-register-errors"));

    sign_in(&browser, &app, &member_email, PASSWORD);
    for (label, path) in [
        ("topic", format!("/t/{topic}")),
        ("compose", "/g/hub/new".to_owned()),
        ("edit", format!("/p/{own_post}/edit")),
        ("my-posts", "/me/posts".to_owned()),
        ("notifications", "/me/notifications".to_owned()),
        ("password", "/me/password".to_owned()),
        ("security", "/me/security".to_owned()),
        ("two-step-sign-in-setup", "/me/two-factor".to_owned()),
        ("research-consent", "/me/research".to_owned()),
        ("apply-for-badge", "/pro/apply".to_owned()),
        ("forbidden", "/mod/queue".to_owned()),
    ] {
        check(&mut browser, &app, &format!("member-{label}"), &path, &mut findings);
    }
    // Compose with a preview and privacy findings.
    browser.goto(&format!("{}/g/hub/new", app.base));
    browser.fill("#title", "Ringing the unit");
    browser.fill("#body", "You can ring me on 07700 900123 if that helps.");
    browser.click_to_load("button[name=preview]");
    findings.extend(inspect(&mut browser, "member-preview-with-privacy-findings"));
    // An urgent post: the author is shown where to get help now, in a warning callout.
    browser.goto(&format!("{}/g/hub/new", app.base));
    browser.fill("#title", "Tonight");
    browser.fill("#body", "I can't go on any more. I have written letters to my family.");
    browser.click_to_load("main form button[type=submit]:not([name=preview])");
    assert!(browser.text(".nhsuk-warning-callout").contains("If you need help now"), "{}", browser.page_text());
    findings.extend(inspect(&mut browser, "member-urgent-post-help"));

    sign_in(&browser, &app, &clinician_email, PASSWORD);
    check(&mut browser, &app, "clinician-questions", "/pro/questions", &mut findings);

    // The moderator's second step of signing in, with a wrong code first.
    browser.delete_cookies();
    browser.goto(&format!("{}/login", app.base));
    browser.fill("#email", &moderator_email);
    browser.fill("#password", PASSWORD);
    browser.click_to_load("main button[type=submit]");
    findings.extend(inspect(&mut browser, "moderator-sign-in-code"));
    browser.fill("#code", "000000");
    browser.click_to_load("main button[type=submit]");
    findings.extend(inspect(&mut browser, "moderator-sign-in-code-error"));
    browser.fill("#code", &crate::helpers::authenticator_code(&app.base, &moderator_email));
    browser.click_to_load("main button[type=submit]");
    check(&mut browser, &app, "moderator-two-step-sign-in", "/me/two-factor", &mut findings);
    check(&mut browser, &app, "moderator-queue", "/mod/queue", &mut findings);
    let item = between(&browser.source(), "href=\"/mod/queue/", "\"").expect("a held post in the queue");
    for (label, path) in [
        ("queue-item", format!("/mod/queue/{item}")),
        ("log", "/mod/log".to_owned()),
        ("member", format!("/mod/members/{moderator_id}")),
        ("dashboard", "/mod/dashboard".to_owned()),
        ("requests", "/mod/requests".to_owned()),
    ] {
        check(&mut browser, &app, &format!("moderator-{label}"), &path, &mut findings);
    }

    sign_in(&browser, &app, "ada.admin@example.org", crate::helpers::ADMIN_PASSWORD);
    for (label, path) in [
        ("index", "/admin".to_owned()),
        ("groups", "/admin/groups".to_owned()),
        ("new-group", "/admin/groups/new".to_owned()),
        ("group", format!("/admin/groups/{hub}")),
        ("rule-checks", "/admin/rules".to_owned()),
        ("ground-rules", "/admin/ground-rules".to_owned()),
        ("settings", "/admin/settings".to_owned()),
        ("helplines", "/admin/helplines".to_owned()),
        ("canned-notes", "/admin/canned-notes".to_owned()),
        ("verifications", "/admin/verifications".to_owned()),
        ("verification", format!("/admin/verifications/{verification}")),
        ("professions", "/admin/professions".to_owned()),
        ("mail", "/admin/mail".to_owned()),
        ("members", "/admin/members".to_owned()),
        ("member", format!("/admin/members/{moderator_id}")),
    ] {
        check(&mut browser, &app, &format!("admin-{label}"), &path, &mut findings);
    }

    // Too many sign-in attempts: the friendly 429 page.
    browser.delete_cookies();
    for _ in 0..8 {
        browser.goto(&format!("{}/login", app.base));
        browser.fill("#email", &member_email);
        browser.fill("#password", "not the password");
        browser.click_to_load("main button[type=submit]");
    }
    assert!(browser.page_text().contains("Please slow down"), "no 429 page:\n{}", browser.page_text());
    findings.extend(inspect(&mut browser, "too-many-requests"));

    assert!(findings.is_empty(), "{} problems:\n{}", findings.len(), findings.join("\n"));
}

#[test]
fn pages_hold_their_layout_at_320_pixels_with_the_largest_text() {
    let Some(mut browser) = browser("narrow-large-text", false) else { return };
    let app = spawn_app();
    let (member, member_email) = app.member("Robin");
    member.post("/g/hub/join", &[]);
    let topic =
        member.start_topic("hub", "Recall after my first mammogram", "I have been recalled. What happens next?");

    // The text-size control works without JavaScript and is remembered.
    browser.goto(&format!("{}/g/hub", app.base));
    browser.click_to_load("form.text-size button[value=larger]");
    assert!(browser.url().ends_with("/g/hub"), "the control went back to {}", browser.url());
    let root = browser.execute("return getComputedStyle(document.documentElement).fontSize;");
    assert_eq!(root.as_str(), Some("24px"), "larger text is 150 % of 16 px");
    assert_eq!(browser.text("form.text-size button[aria-pressed=true]"), "Larger");

    browser.resize(320, 900);
    let width = browser.execute("return window.innerWidth;").as_u64().unwrap_or(0);
    assert!(width <= 340, "the window did not narrow: {width} px");
    let mut findings = Vec::new();
    let mut narrow = |browser: &mut Browser, label: &str, path: &str| {
        browser.goto(&format!("{}{path}", app.base));
        let fits =
            browser.execute("return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1;");
        if fits != serde_json::Value::Bool(true) {
            let wide = browser.execute(
                "const w = document.documentElement.clientWidth;
                 return [...document.querySelectorAll('body *')]
                   .filter((e) => e.getBoundingClientRect().right > w + 1)
                   .slice(0, 5).map((e) => e.outerHTML.slice(0, 120));",
            );
            findings.push(format!("{label} ({path}) scrolls sideways at 320 px: {wide}"));
        }
        browser.screenshot(label);
    };
    for (label, path) in [("home", "/".to_owned()), ("group", "/g/hub".to_owned()), ("topic", format!("/t/{topic}"))] {
        narrow(&mut browser, label, &path);
    }
    sign_in(&browser, &app, &member_email, PASSWORD);
    // Signing in started a fresh browser (no cookies): choose the size again.
    browser.click_to_load("form.text-size button[value=larger]");
    for (label, path) in [
        ("signed-in-topic", format!("/t/{topic}")),
        ("compose", "/g/hub/new".to_owned()),
        ("my-posts", "/me/posts".to_owned()),
    ] {
        narrow(&mut browser, label, &path);
    }
    // Moderators work through the queue on a phone.
    let held = member.post(&format!("/t/{topic}/reply"), &[("body", "Ring me on 07700 900123 if you like.")]);
    assert_eq!(held.status, 202, "the reply is held: {}", held.body);
    app.admin("Ada Admin");
    sign_in(&browser, &app, "ada.admin@example.org", crate::helpers::ADMIN_PASSWORD);
    browser.click_to_load("form.text-size button[value=larger]");
    narrow(&mut browser, "moderation-queue", "/mod/queue");
    let item = between(&browser.source(), "href=\"/mod/queue/", "\"").expect("a held post in the queue");
    narrow(&mut browser, "queue-item", &format!("/mod/queue/{item}"));
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn axe_reports_a_page_that_breaks_the_rules() {
    // The accessibility checks above are only worth something if axe really runs and fails.
    let Some(browser) = browser("axe-self-check", true) else { return };
    let app = spawn_app();
    browser.goto(&format!("{}/", app.base));
    browser.execute(
        "const i = document.createElement('img'); i.src = '/nowhere.png'; document.querySelector('main').append(i);",
    );
    let violations = browser.axe_violations();
    assert!(violations.iter().any(|v| v.starts_with("image-alt")), "{violations:?}");
}
