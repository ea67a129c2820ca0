//! A member's whole journey, in the browser: register → read the verification email from the mail
//! directory → verify → join a group → write a post with an NHS number → see the privacy
//! warning → submit → the post is held → a moderator redacts and approves it → a verified
//! clinician answers → the member sees the answer with the badge. Once with JavaScript on, once
//! with it off: both must pass.

use crate::helpers::{Client, PASSWORD, TestApp, between, id_in_link_before, spawn_app};
use crate::webdriver::Browser;
use crate::{browser, inspect, sign_in};

#[test]
fn the_whole_journey_works_with_javascript() {
    journey("journey-with-javascript", true);
}

#[test]
fn the_whole_journey_works_without_javascript() {
    journey("journey-without-javascript", false);
}

/// A verified mammographer, approved by `admin` (set up over HTTP: it is not what is tested here).
pub(crate) fn clinician(app: &TestApp, admin: &Client, name: &str) -> String {
    let (client, email) = app.member(name);
    let form = client.get("/pro/apply");
    let end = form.body.find(">Diagnostic radiographer / mammographer").expect("the profession is offered");
    let start = form.body[..end].rfind("value=\"").expect("option value") + "value=\"".len();
    let profession = form.body[start..end].split('"').next().unwrap().to_owned();
    let sent = client.post(
        "/pro/apply",
        &[
            ("profession", &profession),
            ("regulator", "HCPC"),
            ("registration", "RA123456"),
            ("workplace", "Northtown Breast Screening Unit"),
            ("note", ""),
        ],
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    let id =
        id_in_link_before(&admin.get("/admin/verifications").body, "/admin/verifications/", &format!(">{name}</a>"));
    let done = admin.post(&format!("/admin/verifications/{id}"), &[("action", "approve"), ("text", "On the register")]);
    assert_eq!(done.status, 303, "{}", done.body);
    email
}

/// The moderator opens the newest held post from the queue and takes the named action button.
fn moderate(browser: &mut Browser, app: &TestApp, action: &str, findings: &mut Vec<String>) {
    browser.goto(&format!("{}/mod/queue", app.base));
    findings.extend(inspect(browser, "moderation-queue"));
    let item = between(&browser.source(), "href=\"/mod/queue/", "\"").expect("a held post in the queue");
    browser.goto(&format!("{}/mod/queue/{item}", app.base));
    findings.extend(inspect(browser, "queue-item"));
    browser.click_to_load(&format!("button[name=action][value={action}]"));
}

fn journey(test: &str, javascript: bool) {
    let Some(mut browser) = browser(test, javascript) else { return };
    let app = spawn_app();
    let (admin, _) = app.admin("Ada Admin");
    let (_, moderator_email, _) = app.moderator(&admin, "Morgan Lee", "Hub");
    let clinician_email = clinician(&app, &admin, "Sam Okafor");
    let mut findings = Vec::new();

    // The page's own script runs only when JavaScript is on (it marks <html class="js">).
    browser.goto(&format!("{}/", app.base));
    let marked = browser.execute("return document.documentElement.classList.contains('js');");
    assert_eq!(marked.as_bool(), Some(javascript), "JavaScript should be {}", if javascript { "on" } else { "off" });
    findings.extend(inspect(&mut browser, "home"));

    // Register.
    browser.click_to_load("a[href='/register']");
    browser.fill("#email", "robin@example.org");
    browser.fill("#display_name", "Robin");
    browser.fill("#password", PASSWORD);
    browser.click("#accept_rules");
    browser.click_to_load("main button[type=submit]");
    assert!(browser.page_text().contains("email"), "after registering:\n{}", browser.page_text());
    findings.extend(inspect(&mut browser, "registered"));

    // Verify from the email the forum wrote to its mail directory.
    let link = app.wait_for_link("robin@example.org", "/verify-email/");
    browser.goto(&link);
    findings.extend(inspect(&mut browser, "verified"));
    sign_in(&browser, &app, "robin@example.org", PASSWORD);

    // Join the Hub.
    browser.goto(&format!("{}/g/hub", app.base));
    browser.click_to_load("form[action='/g/hub/join'] button");
    assert!(browser.page_text().contains("You are a member"), "after joining:\n{}", browser.page_text());
    findings.extend(inspect(&mut browser, "group-joined"));

    // Write a post with an NHS number and preview it: the privacy warning names it.
    browser.click_to_load("a[href='/g/hub/new']");
    findings.extend(inspect(&mut browser, "compose"));
    browser.fill("#title", "Is this the number on my recall letter?");
    browser
        .fill("#body", "My NHS number is 943 476 5919, is that the one on the letter? I am nervous about the recall.");
    browser.click_to_load("button[name=preview]");
    let preview = browser.page_text();
    assert!(preview.contains("This looks like an NHS number"), "no privacy warning in the preview:\n{preview}");
    findings.extend(inspect(&mut browser, "preview-with-privacy-warning"));

    // Post it anyway: it waits for a moderator, and only its author can see it.
    browser.click_to_load("main form button[type=submit]:not([name=preview])");
    let held = browser.page_text();
    assert!(held.contains("waiting for a moderator"), "no word that the post is held:\n{held}");
    findings.extend(inspect(&mut browser, "post-held"));
    browser.click_to_load("main a[href^='/t/']");
    let topic_url = browser.url();
    assert!(topic_url.contains("/t/"), "not on the topic after posting: {topic_url}\n{}", browser.page_text());
    assert!(browser.page_text().contains("Waiting for a moderator"), "{}", browser.page_text());
    findings.extend(inspect(&mut browser, "topic-held-post"));
    let public = app.client().get(topic_url.strip_prefix(&app.base).unwrap());
    assert!(!public.body.contains("943 476 5919"), "a held post is public");

    // A moderator removes the NHS number and approves it in one action.
    sign_in(&browser, &app, &moderator_email, PASSWORD);
    moderate(&mut browser, &app, "redact", &mut findings);
    browser.goto(&topic_url);
    let redacted = browser.page_text();
    assert!(redacted.contains("[NHS number removed by a moderator]") && !redacted.contains("943 476"), "{redacted}");

    // The verified clinician answers; their first post, like anyone's, is read by a moderator.
    sign_in(&browser, &app, &clinician_email, PASSWORD);
    browser.goto(&topic_url);
    browser.fill("#body", "Yes: the recall letter quotes the NHS number the screening service holds for you.");
    browser.click_to_load("#reply button[type=submit]:not([name=preview])");
    findings.extend(inspect(&mut browser, "clinician-answered"));
    if browser.page_text().contains("Waiting for a moderator") {
        sign_in(&browser, &app, &moderator_email, PASSWORD);
        moderate(&mut browser, &app, "approve", &mut findings);
    }

    // The member sees the answer under the clinician's badge.
    sign_in(&browser, &app, "robin@example.org", PASSWORD);
    browser.goto(&topic_url);
    let badge = browser.text("article .badge");
    assert!(badge.contains("Verified") && badge.contains("mammographer"), "badge: {badge:?}");
    assert!(browser.page_text().contains("the recall letter quotes the NHS number"), "{}", browser.page_text());
    findings.extend(inspect(&mut browser, "member-sees-the-answer"));

    assert!(findings.is_empty(), "axe-core found WCAG violations:\n{}", findings.join("\n"));
}
