//! Two-step sign-in (TOTP with recovery codes): required of moderators and admins before any
//! staff page or power, open to every member; and the research-use consent record.

use crate::helpers::{
    ADMIN_PASSWORD, PASSWORD, authenticator_code, between, get_with_cookie, id_in_link_before, spawn_app,
};

#[test]
fn an_admin_sees_no_staff_page_or_tool_until_two_step_sign_in_is_set_up() {
    let app = spawn_app();
    let (admin, email) = app.admin_with_password_only("Fresh Admin");
    for page in ["/admin", "/admin/members", "/mod/queue"] {
        let sent = admin.get(page);
        assert_eq!(sent.status, 303, "{page} shown without a second step");
        assert_eq!(sent.location(), format!("/me/two-factor?next={}", page.replace('/', "%2F")));
    }
    let home = admin.get("/");
    home.assert_contains("Your moderation tools are waiting");
    home.assert_lacks("href=\"/admin\"");
    // A staff action by form is refused the same way.
    assert_eq!(admin.post("/admin/groups/new", &[("name", "Sneaky"), ("slug", "sneaky")]).status, 303);
    assert!(!app.client().get("/").body.contains("Sneaky"));

    let setup = admin.get("/me/two-factor");
    setup.assert_contains("Needed before you moderate");
    setup.assert_contains("otpauth://totp/");
    let codes = admin.enable_two_factor(&email);
    assert_eq!(codes.len(), 10, "ten recovery codes are shown once");
    assert_eq!(admin.get("/admin").status, 200);
    admin.get("/").assert_lacks("Your moderation tools are waiting");
    let managed = admin.get("/me/two-factor");
    managed.assert_contains("10 unused recovery");
    managed.assert_contains("you keep two-step sign-in on");
    assert_eq!(admin.post("/me/two-factor", &[("action", "disable"), ("password", ADMIN_PASSWORD)]).status, 403);
}

#[test]
fn signing_in_needs_a_fresh_code_after_the_password() {
    let app = spawn_app();
    let (_, email) = app.admin("Code Admin");
    let phone = app.client();
    let step_one = phone.post("/login", &[("email", &email), ("password", ADMIN_PASSWORD)]);
    assert_eq!(step_one.status, 303);
    assert!(step_one.location().starts_with("/login/two-factor"), "{}", step_one.location());
    assert!(
        !step_one.headers_named("set-cookie").iter().any(|c| c.starts_with("session=") && !c.starts_with("session=;")),
        "no session before the code"
    );
    assert_eq!(phone.get("/admin").status, 303, "the password alone opens nothing");

    let wrong = phone.post("/login/two-factor", &[("code", "000000"), ("next", "/admin")]);
    assert_eq!(wrong.status, 422);
    wrong.assert_contains("That code does not match");
    let code = authenticator_code(&app.base, &email);
    let right = phone.post("/login/two-factor", &[("code", &code), ("next", "/admin")]);
    assert_eq!(right.status, 303, "{}", right.body);
    assert_eq!(right.location(), "/admin");
    assert_eq!(phone.get("/admin").status, 200);

    // The same code, seen over a shoulder, does not work twice.
    let thief = app.client();
    thief.post("/login", &[("email", &email), ("password", ADMIN_PASSWORD)]);
    let replayed = thief.post("/login/two-factor", &[("code", &code), ("next", "/admin")]);
    assert_eq!(replayed.status, 422);

    // A forged note of a passed password step is worthless.
    let forged = get_with_cookie(&app, "/login/two-factor", "session_2fa=1.99999999999.00ff");
    assert_eq!(forged.status, 303);
    assert!(forged.location().starts_with("/login"));
}

#[test]
fn a_recovery_code_signs_in_once_and_says_how_many_are_left() {
    let app = spawn_app();
    let (member, email) = app.member("Careful Kim");
    let codes = member.enable_two_factor(&email);
    let laptop = app.client();
    laptop.post("/login", &[("email", &email), ("password", PASSWORD)]);
    let typed = codes[3].to_uppercase().replace('-', " ");
    let used = laptop.post("/login/two-factor", &[("code", &typed), ("next", "/")]);
    assert_eq!(used.status, 303, "{}", used.body);
    assert_eq!(used.location(), "/me/two-factor?recovery_left=9");
    laptop.follow(&used).assert_contains("You have 9 left");

    let again = app.client();
    again.post("/login", &[("email", &email), ("password", PASSWORD)]);
    assert_eq!(again.post("/login/two-factor", &[("code", &codes[3]), ("next", "/")]).status, 422);

    // New codes replace the old ones.
    let code = authenticator_code(&app.base, &email);
    let fresh = laptop.post("/me/two-factor", &[("action", "new-codes"), ("code", &code), ("next", "/")]);
    assert_eq!(fresh.status, 200);
    let new_first = between(&fresh.body, "<li><code>", "<").unwrap();
    assert!(!codes.contains(&new_first));
    let old = app.client();
    old.post("/login", &[("email", &email), ("password", PASSWORD)]);
    assert_eq!(old.post("/login/two-factor", &[("code", &codes[5]), ("next", "/")]).status, 422);
}

#[test]
fn a_member_may_turn_two_step_sign_in_off_with_their_password() {
    let app = spawn_app();
    let (member, email) = app.member("Switch Off");
    member.enable_two_factor(&email);
    let refused = member.post("/me/two-factor", &[("action", "disable"), ("password", "not my password")]);
    assert_eq!(refused.status, 422);
    refused.assert_contains("That is not your current password");
    let off = member.post("/me/two-factor", &[("action", "disable"), ("password", PASSWORD)]);
    assert_eq!(off.status, 303);
    let plain = app.client().post("/login", &[("email", &email), ("password", PASSWORD)]);
    assert_eq!(plain.location(), "/", "a password alone signs in again");
}

#[test]
fn an_admin_resets_a_moderators_lost_phone_and_the_moderator_sets_it_up_again() {
    let app = spawn_app();
    let (admin, _) = app.admin("Reset Admin");
    let (moderator, moderator_email, id) = app.moderator(&admin, "Lost Phone", "Hub");
    assert_eq!(moderator.get("/mod/queue").status, 200);
    let reset = admin.post(&format!("/admin/members/{id}/two-factor"), &[]);
    assert_eq!(reset.status, 303);
    admin.follow(&reset).assert_contains("Two-step sign-in is reset");
    assert_eq!(moderator.get("/mod/queue").status, 303, "signed out everywhere");
    let again = app.client();
    assert_eq!(again.post("/login", &[("email", &moderator_email), ("password", PASSWORD)]).location(), "/");
    assert!(again.get("/mod/queue").location().starts_with("/me/two-factor"));
    again.enable_two_factor(&moderator_email);
    assert_eq!(again.get("/mod/queue").status, 200);
    {
        use diesel::prelude::*;
        use forum::db::schema::audit_log;
        let mut conn = crate::helpers::pool(&app).get().unwrap();
        let audited: i64 = audit_log::table
            .filter(audit_log::action.eq("reset_two_factor"))
            .filter(audit_log::target_id.eq(id.parse::<i64>().unwrap()))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(audited, 1, "the reset is in the audit log");
    }
    // Only admins may reset anyone.
    let (member, _) = app.member("Plain Pat");
    let admin_id = id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", ">Reset Admin</a>");
    assert_eq!(member.post(&format!("/admin/members/{admin_id}/two-factor"), &[]).status, 404);
}

#[test]
fn research_use_is_off_until_the_member_says_yes_and_the_record_shows_when() {
    let app = spawn_app();
    let (member, _) = app.member("Study Helper");
    let data = |client: &crate::helpers::Client| -> serde_json::Value {
        serde_json::from_str(&client.get("/me/data").body).expect("JSON")
    };
    assert_eq!(data(&member)["consents"]["research_use_of_posts"]["consented"], false);
    member.get("/me/research").assert_contains("id=\"consent-no\" name=\"consent\" value=\"no\" checked");
    assert_eq!(member.post("/me/research", &[("consent", "yes")]).status, 303);
    let given = data(&member);
    assert_eq!(given["consents"]["research_use_of_posts"]["consented"], true);
    assert!(given["consents"]["research_use_of_posts"]["consented_at"].is_string());
    member.get("/me/research").assert_contains("You said yes on");
    member.post("/me/research", &[("consent", "no")]);
    assert_eq!(data(&member)["consents"]["research_use_of_posts"]["consented"], false);
}
