//! Browser tests: Debian's Chromium, driven through chromedriver, against the real app on a
//! random port (SQLite, or PostgreSQL with TEST_DATABASE_URL, as in the `app` tests).
//!
//! - `journey`: a member's whole path from registering to reading a verified clinician's answer,
//!   once with JavaScript on and once with it off.
//! - `pages`: every page type, signed out and as each role, checked by axe-core (WCAG 2.0, 2.1
//!   and 2.2, A and AA: no violations allowed), at 320 px wide with the largest text size, and
//!   photographed.
//!
//! Screenshots go to `target/browser-screenshots/<test>/`; each test prints its folder.
//! Without Chromium these tests say they were skipped and how to run them, and pass; with
//! `BROWSER_TESTS=required` (as `.ci/run` sets) a missing Chromium fails them instead.

#![allow(dead_code)]

#[path = "../app/helpers.rs"]
mod helpers;
#[path = "../app/smtp.rs"]
mod smtp;

mod journey;
mod pages;
mod webdriver;
mod xss;

use std::path::PathBuf;

use helpers::TestApp;
use webdriver::Browser;

/// Where a test's screenshots go (emptied first), printed so CI can keep them as artifacts.
fn screenshot_dir(test: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-screenshots").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("screenshots of {test}: {}", dir.display());
    dir
}

/// A browser on the app, or `None` on a machine without Chromium (after the skip notice).
fn browser(test: &str, javascript: bool) -> Option<Browser> {
    Browser::start(javascript, &screenshot_dir(test))
}

/// Signs in through the form, as a person would.
fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.delete_cookies();
    browser.goto(&format!("{}/login", app.base));
    browser.fill("#email", email);
    browser.fill("#password", password);
    browser.click_to_load("main button[type=submit]");
    if browser.url().contains("/login/two-factor") {
        browser.fill("#code", &helpers::authenticator_code(&app.base, email));
        browser.click_to_load("main button[type=submit]");
    }
    assert!(!browser.url().contains("/login"), "sign-in as {email} failed:\n{}", browser.page_text());
}

/// Checks the page with axe-core and photographs it; returns the violations found, each
/// prefixed with the page. axe needs the page's JavaScript (its checks are asynchronous), so
/// with JavaScript off the page is only photographed: its markup is the same, and the
/// `pages` test checks every page type with axe.
fn inspect(browser: &mut Browser, label: &str) -> Vec<String> {
    browser.screenshot(label);
    if !browser.javascript {
        return Vec::new();
    }
    let url = browser.url();
    browser.axe_violations().into_iter().map(|v| format!("{label} ({url}): {v}")).collect()
}
