//! Registration, email confirmation, sign-in, sign-out and password reset, as a member sees them.

use crate::helpers::{PASSWORD, spawn_app};

#[test]
fn a_new_member_registers_confirms_by_email_signs_in_posts_and_another_member_reads_it() {
    let app = spawn_app();
    let ann = app.client();
    let page = ann.register("ann@example.org", "Pink Tulip", PASSWORD);
    assert_eq!(page.status, 200);
    page.assert_contains("Check your email");

    // Signed in but unconfirmed: reading works, posting does not yet.
    ann.login("ann@example.org", PASSWORD).expect("can sign in before confirming");
    let home = ann.get("/");
    home.assert_contains("Please confirm your email address");
    assert_eq!(ann.get("/g/hub/new").status, 403);

    let link = app.wait_for_link("ann@example.org", "/verify-email/");
    let confirmed = ann.get(&link);
    assert_eq!(confirmed.status, 200);
    confirmed.assert_contains("Email address confirmed");
    ann.get("/").assert_lacks("Please confirm your email address");

    let topic = ann.start_topic("hub", "Hello from a new member", "First time posting. **Nervous!**");
    let (bob, _) = app.member("Bob Builder");
    let seen = bob.get(&format!("/t/{topic}"));
    assert_eq!(seen.status, 200);
    seen.assert_contains("Hello from a new member");
    seen.assert_contains("<strong>Nervous!</strong>");
    seen.assert_contains("Pink Tulip");
    // And anyone may read an open group without signing in.
    app.client().get(&format!("/t/{topic}")).assert_contains("First time posting.");
    app.client().get("/g/hub").assert_contains("Hello from a new member");
}

#[test]
fn a_confirmation_link_works_once() {
    let app = spawn_app();
    let client = app.client();
    client.register("once@example.org", "Once Only", PASSWORD);
    let link = app.wait_for_link("once@example.org", "/verify-email/");
    assert_eq!(client.get(&link).status, 303, "first use confirms and sends to sign-in");
    let again = client.get(&link);
    again.assert_contains("That link has expired");
}

#[test]
fn registration_keeps_what_was_typed_and_explains_each_problem() {
    let app = spawn_app();
    let client = app.client();
    let page = client
        .post("/register", &[("email", "not-an-email"), ("display_name", "Sunny Days"), ("password", "password123")]);
    assert_eq!(page.status, 422);
    page.assert_contains("Enter an email address like name@example.com.");
    page.assert_contains("one of the most common");
    page.assert_contains("tick the box to accept them");
    page.assert_contains("value=\"not-an-email\"");
    page.assert_contains("value=\"Sunny Days\"");

    let short = client.register("sunny@example.org", "Sunny Days", "short");
    assert_eq!(short.status, 422);
    short.assert_contains("at least 8 characters");
    let long = "a".repeat(64) + " long enough";
    assert_eq!(client.register("sunny@example.org", "Sunny Days", &long).status, 200, "64+ characters are allowed");
}

#[test]
fn signing_up_again_with_a_known_address_reveals_nothing_and_tells_the_owner() {
    let app = spawn_app();
    let (_, email) = app.member("First Owner");
    let stranger = app.client();
    let page = stranger.register(&email, "Someone Else", PASSWORD);
    assert_eq!(page.status, 200);
    page.assert_contains("Check your email");
    app.wait_for_email_containing(&email, "you already have one");
    // The display name was not taken by the attempt.
    let (_, _) = app.member("Someone Else");
    // A taken display name gets the same answer whether or not the address has an account.
    let known = stranger.register(&email, "Someone Else", PASSWORD);
    let unknown = stranger.register("unknown@example.org", "Someone Else", PASSWORD);
    assert_eq!((known.status, unknown.status), (422, 422));
    known.assert_contains("That display name is taken");
    unknown.assert_contains("That display name is taken");
}

#[test]
fn display_names_are_unique_regardless_of_case() {
    let app = spawn_app();
    app.member("Daisy Chain");
    let page = app.client().register("other@example.org", "daisy   CHAIN", PASSWORD);
    assert_eq!(page.status, 422);
    page.assert_contains("That display name is taken");
    page.assert_contains("value=\"other@example.org\"");
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app();
    let (_, email) = app.member("Known Member");
    let client = app.client();
    let wrong = client.login(&email, "not my password at all").unwrap_err();
    let unknown = client.login("nobody@example.org", "not my password at all").unwrap_err();
    assert_eq!(wrong.status, 422);
    assert_eq!(unknown.status, 422);
    let message = "do not match an account";
    wrong.assert_contains(message);
    unknown.assert_contains(message);
    wrong.assert_contains(&format!("value=\"{email}\""));
}

#[test]
fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app();
    let (client, email) = app.member("Leaving Soon");
    let session = crate::helpers::session_pair(&client.login(&email, PASSWORD).unwrap());
    crate::helpers::get_with_cookie(&app, "/", &session).assert_contains("Signed in as");
    let out = client.post("/logout", &[]);
    assert_eq!(out.status, 303);
    client.get("/").assert_contains("Sign in");
    assert_eq!(client.get("/g/hub/new").status, 303, "signed-out visitors are sent to sign in");
    // A copy of the old cookie no longer opens the session.
    crate::helpers::get_with_cookie(&app, "/", &session).assert_lacks("Signed in as");
}

#[test]
fn changing_a_password_needs_the_current_one_and_signs_out_other_devices() {
    let app = spawn_app();
    let (laptop, email) = app.member("Careful Changer");
    let phone = app.client();
    phone.login(&email, PASSWORD).unwrap();
    let wrong = laptop.post(
        "/me/password",
        &[("current", "not it at all"), ("password", "a new long phrase"), ("confirm", "a new long phrase")],
    );
    assert_eq!(wrong.status, 422);
    wrong.assert_contains("That is not your current password.");
    let done = laptop.post(
        "/me/password",
        &[("current", PASSWORD), ("password", "a new long phrase"), ("confirm", "a new long phrase")],
    );
    assert_eq!(done.status, 303);
    laptop.follow(&done).assert_contains("Your password is changed");
    phone.get("/").assert_contains("Sign in");
    assert!(app.client().login(&email, PASSWORD).is_err());
    assert!(app.client().login(&email, "a new long phrase").is_ok());
}

#[test]
fn a_forgotten_password_is_reset_by_email_once_and_other_sessions_end() {
    let app = spawn_app();
    let (laptop, email) = app.member("Forgetful Fern");
    let phone = app.client();
    let page = phone.post("/password-reset", &[("email", &email)]);
    page.assert_contains("If ");
    // The same answer for an address with no account.
    phone
        .post("/password-reset", &[("email", "ghost@example.org")])
        .assert_contains("If ghost@example.org has an account");

    let link = app.wait_for_link(&email, "/password-reset/");
    let path = link.replacen(&app.base, "", 1);
    assert_eq!(phone.get(&path).status, 200);
    let mismatch = phone.post(&path, &[("password", "new garden gate"), ("confirm", "new garden gat")]);
    assert_eq!(mismatch.status, 422);
    mismatch.assert_contains("The two passwords are different");
    let done = phone.post(&path, &[("password", "new garden gate"), ("confirm", "new garden gate")]);
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), "/login?notice=password-set");

    // Single use.
    phone.get(&path).assert_contains("That link has expired");
    // The old password no longer works; the new one does; the laptop was signed out.
    assert!(phone.login(&email, PASSWORD).is_err());
    assert!(phone.login(&email, "new garden gate").is_ok());
    laptop.get("/").assert_contains("Sign in");
}

#[test]
fn reset_tokens_are_stored_hashed_and_expire_within_an_hour() {
    use diesel::prelude::*;
    use forum::db::schema::account_tokens;
    let app = spawn_app();
    let (client, email) = app.member("Hashed Hazel");
    client.post("/password-reset", &[("email", &email)]);
    let link = app.wait_for_link(&email, "/password-reset/");
    let token = link.rsplit('/').next().unwrap().to_owned();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let rows: Vec<(String, chrono::NaiveDateTime, chrono::NaiveDateTime)> = account_tokens::table
        .filter(account_tokens::purpose.eq("set_password"))
        .select((account_tokens::token_hash, account_tokens::created_at, account_tokens::expires_at))
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].0, token, "the token itself is never stored");
    assert_eq!(rows[0].0, forum::secrets::hash_token(&token));
    assert!(rows[0].2 - rows[0].1 <= chrono::Duration::hours(1));
    // Nor is it kept in the outbox once the email has gone.
    use forum::db::schema::outbox;
    let bodies: Vec<String> =
        outbox::table.filter(outbox::sent_at.is_not_null()).select(outbox::body_text).load(&mut conn).unwrap();
    assert!(!bodies.is_empty());
    assert!(bodies.iter().all(|b| !b.contains(&token)), "a sent email's link stays in the database");
}

#[test]
fn changed_ground_rules_are_accepted_again_on_the_next_visit() {
    let app = spawn_app();
    let (member, _) = app.member("Rule Reader");
    let (admin, _) = app.admin("Site Admin");
    let form = admin.get("/admin/ground-rules");
    form.assert_contains("This is version 1.");
    let published = admin.post("/admin/ground-rules", &[("body", "1. Be kind.\n2. **New:** no selling.")]);
    assert_eq!(published.status, 303);

    let next = member.get("/g/hub");
    assert_eq!(next.status, 303);
    assert!(next.location().starts_with("/rules?next="), "{}", next.location());
    let rules = member.follow(&next);
    rules.assert_contains("Our ground rules have changed");
    rules.assert_contains("<strong>New:</strong> no selling.");
    // Nothing is posted under rules not yet accepted.
    let refused = member.post("/g/hub/new", &[("title", "Sneaky"), ("body", "Posted without accepting")]);
    assert_eq!(refused.status, 303);
    assert!(refused.location().starts_with("/rules"), "{}", refused.location());
    member.accept_rules();
    assert_eq!(member.get("/g/hub").status, 200);
    app.client().get("/g/hub").assert_lacks("Sneaky");

    use diesel::prelude::*;
    use forum::db::schema::users;
    let pool = crate::helpers::pool(&app);
    let accepted: Option<i32> = users::table
        .filter(users::display_name.eq("Rule Reader"))
        .select(users::rules_version)
        .first(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(accepted, Some(2));
}

#[test]
fn sign_in_attempts_are_limited_before_any_password_is_checked_and_reveal_nothing() {
    let app = spawn_app();
    let (_, email) = app.member("Guessed Gail");
    let guesser = app.client();
    // Her own sign-in counted once; five wrong guesses more are answered as usual.
    for _ in 0..5 {
        assert_eq!(guesser.login(&email, "not her password at all").unwrap_err().status, 422);
    }
    // Then even the right password waits, with a friendly page saying how long.
    let limited = guesser.login(&email, PASSWORD).unwrap_err();
    assert_eq!(limited.status, 429);
    limited.assert_contains("tried to sign in a lot");
    let wait: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // An address with no account is limited after the same number of attempts: the limit
    // says nothing about which accounts exist.
    let statuses: Vec<u16> =
        (0..7).map(|_| guesser.login("nobody@example.com", "any password at all").unwrap_err().status).collect();
    assert_eq!(statuses, [422, 422, 422, 422, 422, 422, 429]);
    // Other members are not held up: one address is allowed more attempts than one account.
    app.member("Unaffected Una");
}

#[test]
fn emails_to_one_address_are_limited_the_same_whether_or_not_it_has_an_account() {
    let app = spawn_app();
    let (_, email) = app.member("Reset Rita");
    let asker = app.client();
    let reset = |address: &str| asker.post("/password-reset", &[("email", address)]);
    // Three resets an hour to one address, known or not: the answers match step for step.
    let known: Vec<u16> = (0..4).map(|_| reset(&email).status).collect();
    let unknown: Vec<u16> = (0..4).map(|_| reset("nobody@example.com").status).collect();
    assert_eq!(known, unknown);
    assert_eq!(known[3], 429, "{known:?}");
    let limited = reset(&email);
    limited.assert_contains("asked for password resets a lot");
    assert!(limited.header("retry-after").unwrap().parse::<i64>().unwrap() > 60, "it says when to try again");
    // Only three emails went out; another address is not held up.
    let resets = || app.emails_to(&email).iter().filter(|(_, t)| t.contains("/password-reset/")).count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while resets() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(resets(), 3);
    assert_ne!(reset("someone.else@example.org").status, 429);

    // Registration is limited per address too, before anything is sent.
    let joiner = app.client();
    let statuses: Vec<u16> =
        (0..4).map(|_| joiner.register("same@example.org", "Same Person", PASSWORD).status).collect();
    assert_eq!(statuses[3], 429, "{statuses:?}");
}

/// The session ids `/me/security` offers to end (not "others").
fn session_buttons(page: &str) -> Vec<String> {
    page.split("name=\"end\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .filter(|v| v != "others")
        .collect()
}

#[test]
fn members_see_where_they_are_signed_in_and_can_end_any_or_all_of_it() {
    let app = spawn_app();
    let (laptop, email) = app.member("Many Devices");
    let (phone, tablet) = (app.client(), app.client());
    phone.login(&email, PASSWORD).unwrap();
    tablet.login(&email, PASSWORD).unwrap();
    let page = laptop.get("/me/security");
    assert_eq!(page.status, 200);
    page.assert_contains("This browser");
    let others = session_buttons(&page.body);
    assert_eq!(others.len(), 2, "the phone and the tablet, each with a button; this browser has none");
    let signed_in = |c: &crate::helpers::Client| c.get("/").body.contains("Signed in as");

    // Another member cannot end them, whatever id they send.
    let (stranger, _) = app.member("Someone Else");
    assert_eq!(stranger.post("/me/security", &[("end", &others[0])]).status, 303);
    assert!(signed_in(&phone) && signed_in(&tablet));

    // The member ends one, then all the others.
    let done = laptop.post("/me/security", &[("end", &others[0])]);
    assert_eq!(done.status, 303);
    laptop.follow(&done).assert_contains("That browser has been signed out.");
    assert_eq!([signed_in(&phone), signed_in(&tablet)].iter().filter(|s| **s).count(), 1);
    laptop.post("/me/security", &[("end", "others")]);
    assert!(!signed_in(&phone) && !signed_in(&tablet) && signed_in(&laptop));
    assert!(session_buttons(&laptop.get("/me/security").body).is_empty());
}

#[test]
fn an_admin_can_sign_a_member_out_everywhere_and_staff_sessions_are_shorter() {
    use diesel::prelude::*;
    use forum::db::schema::sessions;
    let app = spawn_app();
    let (member, _) = app.member("Lost Phone");
    let (admin, _) = app.admin("Ada Admin");
    let id = crate::helpers::id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", "Lost Phone");
    admin.get(&format!("/admin/members/{id}")).assert_contains("signed in on 1 browser");
    let done = admin.post(&format!("/admin/members/{id}/sessions"), &[]);
    assert_eq!(done.status, 303);
    admin.follow(&done).assert_contains("has been signed out everywhere");
    assert!(!member.get("/").body.contains("Signed in as"));
    // Members cannot do it to each other.
    let (other, _) = app.member("Nosy Neighbour");
    assert_eq!(
        other.post(&format!("/admin/members/{id}/sessions"), &[]).status,
        404,
        "admin pages do not exist for members"
    );

    // An admin's session ends within a working day; a member's lasts a month.
    let mut conn = crate::helpers::pool(&app).get().unwrap();
    let lifetimes: Vec<(bool, chrono::NaiveDateTime, chrono::NaiveDateTime)> =
        sessions::table.select((sessions::staff, sessions::created_at, sessions::expires_at)).load(&mut conn).unwrap();
    for (staff, created, expires) in lifetimes {
        let hours = (expires - created).num_hours();
        assert_eq!(hours, if staff { 12 } else { 30 * 24 }, "staff: {staff}");
    }
}

#[test]
fn members_download_everything_held_about_them_and_nothing_about_others() {
    let app = spawn_app();
    let (member, email) = app.member("Data Subject");
    let (other, _) = app.member("Other Person");
    let topic = member.start_topic("hub", "My first question", "What should I bring to the appointment?");
    let post: String =
        crate::helpers::between(&member.get(&format!("/t/{topic}")).body, "href=\"/p/", "/edit\"").unwrap();
    let edited = member.post(
        &format!("/p/{post}/edit"),
        &[("title", "My first question"), ("body", "What should I bring to my appointment, please?")],
    );
    assert_eq!(edited.status, 303, "{}", edited.body);
    let theirs = other.reply(topic, "A list of your questions, and a friend if you can.");
    member.post(&format!("/p/{theirs}/flag"), &[("reason", "rule"), ("note", "Checking how reports work")]);

    let download = member.get("/me/data");
    assert_eq!(download.status, 200);
    assert!(download.header("content-type").unwrap().starts_with("application/json"));
    assert!(download.header("content-disposition").unwrap().starts_with("attachment"));
    let data: serde_json::Value = serde_json::from_str(&download.body).expect("JSON");
    assert_eq!(data["profile"]["email"], email.as_str());
    assert_eq!(data["posts"][0]["text"], "What should I bring to my appointment, please?");
    assert_eq!(data["posts"][0]["earlier_versions"][0]["text"], "What should I bring to the appointment?");
    assert_eq!(data["reports_you_made"][0]["note"], "Checking how reports work");
    assert!(data["consents"]["ground_rules_version_accepted"].as_i64().unwrap() >= 1);
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    // Nobody else's words or details, and no secrets.
    for absent in ["A list of your questions", "password_hash", "token_hash"] {
        assert!(!download.body.contains(absent), "{absent} is in the export");
    }
    assert_eq!(app.client().get("/me/data").status, 303, "signed-out visitors are sent to sign in");
}

#[test]
fn a_member_deletes_their_account_and_chooses_whether_their_posts_stay() {
    use diesel::prelude::*;
    use forum::db::schema::{posts, users};
    let app = spawn_app();
    let (keeper, keeper_email) = app.member("Kept Words");
    let (leaver, leaver_email) = app.member("Gone Words");
    let kept_topic = keeper.start_topic("hub", "Scanxiety tips", "Breathing exercises helped me before each scan.");
    let gone_topic = leaver.start_topic("hub", "A zebra question", "My zebra words should vanish entirely.");
    leaver.reply(kept_topic, "Counting ceiling tiles helps me.");

    // A mistake keeps the choice and says what is wrong; nothing is deleted.
    let refused = leaver.post("/me/delete", &[("posts", "keep"), ("password", "not my password")]);
    assert_eq!(refused.status, 422);
    refused.assert_contains("That is not your current password.");
    refused.assert_contains("Tick the box");
    refused.assert_contains("value=\"keep\" checked");

    let done = leaver.post("/me/delete", &[("posts", "remove"), ("password", PASSWORD), ("confirm", "yes")]);
    assert_eq!(done.status, 200, "{}", done.body);
    done.assert_contains("Your account has been deleted");
    assert!(!leaver.get("/").body.contains("Signed in as"), "signed out");
    assert!(app.client().login(&leaver_email, PASSWORD).is_err(), "and cannot sign in again");
    let public = app.client();
    public.get(&format!("/t/{gone_topic}")).assert_lacks("zebra words");
    let kept_page = public.get(&format!("/t/{kept_topic}"));
    kept_page.assert_lacks("Counting ceiling tiles");
    kept_page.assert_lacks("Gone Words");
    public.get("/search?q=zebra").assert_lacks("zebra words");
    public.get("/search?q=ceiling+tiles").assert_lacks("Counting ceiling tiles");

    // The other choice: posts stay, under "Former member".
    let done = keeper.post("/me/delete", &[("posts", "keep"), ("password", PASSWORD), ("confirm", "yes")]);
    assert_eq!(done.status, 200, "{}", done.body);
    let page = public.get(&format!("/t/{kept_topic}"));
    page.assert_contains("Breathing exercises helped me");
    page.assert_contains("Former member");
    page.assert_lacks("Kept Words");

    // Nothing identifying is left in the database.
    let mut conn = crate::helpers::pool(&app).get().unwrap();
    let people: Vec<(String, String)> =
        users::table.select((users::email, users::display_name)).load(&mut conn).unwrap();
    for (email, name) in &people {
        assert!(email != &keeper_email && email != &leaver_email, "{email}");
        assert!(name != "Kept Words" && name != "Gone Words", "{name}");
    }
    let texts: Vec<String> = posts::table.select(posts::body_md).load(&mut conn).unwrap();
    assert!(texts.iter().all(|t| !t.contains("zebra") && !t.contains("ceiling tiles")), "{texts:?}");
}
