//! Security properties a browser can observe: CSRF, cookies, headers, hashing at rest.

use crate::helpers::{PASSWORD, between, spawn_app, spawn_app_with};

#[test]
fn a_post_without_the_right_csrf_token_is_refused() {
    let app = spawn_app();
    let (member, _) = app.member("Careful Carol");
    let topic = member.start_topic("hub", "CSRF target", "Original.");
    let missing = member.post_raw(&format!("/t/{topic}/reply"), &[("body", "forged")]);
    assert_eq!(missing.status, 403);
    missing.assert_contains("Your form has expired");
    let wrong = member.post_raw(&format!("/t/{topic}/reply"), &[("csrf", "00ff"), ("body", "forged")]);
    assert_eq!(wrong.status, 403);
    // A token from another browser does not fit this browser's cookie.
    let other_token = app.client().csrf_token();
    let stolen = member.post_raw(&format!("/t/{topic}/reply"), &[("csrf", &other_token), ("body", "forged")]);
    assert_eq!(stolen.status, 403);
    app.client().get(&format!("/t/{topic}")).assert_lacks("forged");
    // Sign-out is a POST too, and protected.
    assert_eq!(member.post_raw("/logout", &[]).status, 403);
    member.get("/").assert_contains("Signed in as");
}

#[test]
fn session_cookies_are_http_only_same_site_and_renewed_at_sign_in() {
    let app = spawn_app();
    let (client, email) = app.member("Cookie Monster");
    let login = client.login(&email, PASSWORD).unwrap();
    let cookie = login.headers_named("set-cookie").into_iter().find(|c| c.starts_with("session=")).unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in development: {cookie}");
    let again = client.login(&email, PASSWORD).unwrap();
    let renewed = again.headers_named("set-cookie").into_iter().find(|c| c.starts_with("session=")).unwrap().to_owned();
    assert_ne!(
        between(&cookie, "session=", ";"),
        between(&renewed, "session=", ";"),
        "a new session id at every sign-in"
    );
    // Signing in again from this browser ended the session it had.
    let old = cookie.split(';').next().unwrap();
    crate::helpers::get_with_cookie(&app, "/", old).assert_lacks("Signed in as");
    crate::helpers::get_with_cookie(&app, "/", renewed.split(';').next().unwrap()).assert_contains("Signed in as");
}

#[test]
fn over_https_cookies_are_secure_with_the_host_prefix() {
    let app = spawn_app_with(|v| v.base_url = Some("https://forum.example".into()));
    let pool = crate::helpers::pool(&app);
    {
        let mut conn = pool.get().unwrap();
        let hash = forum::accounts::password::hash(PASSWORD, 19 * 1024).unwrap();
        forum::accounts::create(
            &mut conn,
            forum::accounts::NewAccount {
                email: "secure@example.org",
                display_name: "Secure Sam",
                display_name_key: "secure sam",
                password_hash: Some(&hash),
                is_admin: false,
                email_verified: true,
                rules_version: Some(1),
            },
        )
        .unwrap();
    }
    // A browser would only send these cookies over https; send them by hand over the test's http.
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let mut form = agent.get(format!("{}/login", app.base)).call().unwrap();
    let csrf_cookie =
        form.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).next().unwrap();
    assert!(csrf_cookie.starts_with("__Host-csrf="), "{csrf_cookie}");
    assert!(csrf_cookie.contains("Secure"), "{csrf_cookie}");
    let body = form.body_mut().read_to_string().unwrap();
    let token = between(&body, "name=\"csrf\" value=\"", "\"").unwrap();
    let cookie_pair = csrf_cookie.split(';').next().unwrap().to_owned();
    let login = agent
        .post(format!("{}/login", app.base))
        .header("Cookie", &cookie_pair)
        .send_form([("csrf", token.as_str()), ("email", "secure@example.org"), ("password", PASSWORD)])
        .unwrap();
    assert_eq!(login.status().as_u16(), 303);
    let session = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-session="))
        .unwrap();
    for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(part), "{part} missing from {session}");
    }
    assert!(!session.contains("Domain="), "__Host- cookies carry no domain: {session}");
    assert!(login.headers().get("strict-transport-security").is_some());
}

#[test]
fn every_response_carries_the_security_headers() {
    let app = spawn_app();
    let anonymous = app.client();
    for path in ["/", "/rules", "/login", "/g/hub", "/nowhere", "/healthz"] {
        let page = anonymous.get(path);
        let csp = page.header("content-security-policy").unwrap_or_else(|| panic!("no CSP on {path}"));
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(page.header("referrer-policy"), Some("same-origin"), "{path}");
    }
    let (member, _) = app.member("Private Pat");
    for path in ["/", "/g/hub", "/rules"] {
        assert_eq!(member.get(path).header("cache-control"), Some("no-store"), "{path} for a signed-in member");
    }
    let css_path = between(&anonymous.get("/").body, "rel=\"stylesheet\" href=\"", "\"").unwrap();
    let css = anonymous.get(&css_path);
    assert_eq!(css.status, 200);
    assert!(css.header("cache-control").unwrap().contains("immutable"));
}

#[test]
fn healthz_answers_ok_in_plain_text() {
    let app = spawn_app();
    let page = app.client().get("/healthz");
    assert_eq!(page.status, 200);
    assert_eq!(page.body, "ok");
    assert!(page.header("content-type").unwrap().starts_with("text/plain"));
}

#[test]
fn responses_are_compressed_for_browsers_that_ask() {
    let app = spawn_app();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let response = agent.get(format!("{}/", app.base)).header("Accept-Encoding", "gzip").call().unwrap();
    assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
}

#[test]
fn passwords_and_session_tokens_are_stored_only_as_hashes() {
    use diesel::prelude::*;
    use forum::db::schema::{sessions, users};
    let app = spawn_app();
    let (client, email) = app.member("Hashed Harry");
    let login = client.login(&email, PASSWORD).unwrap();
    let cookie = login.headers_named("set-cookie").into_iter().find(|c| c.starts_with("session=")).unwrap().to_owned();
    let token = between(&cookie, "session=", ";").unwrap();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let hash: Option<String> =
        users::table.filter(users::email.eq(&email)).select(users::password_hash).first(&mut conn).unwrap();
    let hash = hash.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "OWASP argon2id parameters: {hash}");
    assert!(!hash.contains(PASSWORD));
    let stored: Vec<String> = sessions::table.select(sessions::token_hash).load(&mut conn).unwrap();
    assert!(!stored.contains(&token), "the cookie value itself is never stored");
    assert!(stored.contains(&forum::secrets::hash_token(&token)));
}

#[test]
fn a_chosen_session_id_is_never_adopted() {
    let app = spawn_app();
    let (_, email) = app.member("Fixed Fiona");
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    // The victim's browser carries a session cookie the attacker planted, on every request.
    let mut form =
        agent.get(format!("{}/login", app.base)).header("Cookie", "session=attacker-chosen-value").call().unwrap();
    let body = form.body_mut().read_to_string().unwrap();
    let token = between(&body, "name=\"csrf\" value=\"", "\"").unwrap();
    let csrf_cookie = form.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let login = agent
        .post(format!("{}/login", app.base))
        .header("Cookie", format!("{csrf_cookie}; session=attacker-chosen-value"))
        .send_form([("csrf", token.as_str()), ("email", email.as_str()), ("password", PASSWORD)])
        .unwrap();
    let session = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("session="))
        .unwrap();
    assert!(!session.contains("attacker-chosen-value"));
    // The planted value opens nothing; the one the server chose does.
    crate::helpers::get_with_cookie(&app, "/", "session=attacker-chosen-value").assert_lacks("Signed in as");
    crate::helpers::get_with_cookie(&app, "/", session.split(';').next().unwrap()).assert_contains("Signed in as");
}
