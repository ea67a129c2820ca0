//! Verified professional badges and questions for a professional: applying, admins' decisions,
//! the badge on every page and nowhere else, expiry, reminders, re-verification, revocation,
//! private groups opened to approved clinicians, the open-questions list, the answered marker,
//! the asker's most helpful answer, and the staff's time-to-answer figures.

use std::time::Duration;

use diesel::prelude::*;
use forum::db::schema::{groups, topics, users, verifications};

use crate::helpers::{Client, TestApp, between, id_in_link_before, spawn_app};

/// The value of the `<option>` whose text starts with `label`.
fn option_value(html: &str, label: &str) -> String {
    let end = html.find(&format!(">{label}")).unwrap_or_else(|| panic!("no option {label}"));
    let start = html[..end].rfind("value=\"").expect("an option value") + "value=\"".len();
    html[start..end].split('"').next().unwrap().to_owned()
}

/// A group's id, from the admins' list of groups.
fn group_id(admin: &Client, name: &str) -> String {
    id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        &format!("<span class=\"visually-hidden\"> {name}<"),
    )
}

/// A member applies as a mammographer (HCPC) with `number`.
fn apply_as_mammographer(clinician: &Client, number: &str) {
    let form = clinician.get("/pro/apply");
    assert_eq!(form.status, 200, "{}", form.body);
    let profession = option_value(&form.body, "Diagnostic radiographer / mammographer");
    let sent = clinician.post(
        "/pro/apply",
        &[
            ("profession", &profession),
            ("regulator", "HCPC"),
            ("registration", number),
            ("workplace", "Northtown Breast Screening Unit"),
            ("note", "Please check me."),
        ],
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    clinician.get("/pro/apply").assert_contains("waiting for an admin");
}

/// The newest open application's id, from the admins' list (found by the applicant's name).
fn open_application(admin: &Client, name: &str) -> String {
    id_in_link_before(&admin.get("/admin/verifications").body, "/admin/verifications/", &format!(">{name}</a>"))
}

/// An admin approves `name`'s open application for the named groups.
fn approve(admin: &Client, name: &str, groups: &[&str]) -> String {
    let id = open_application(admin, name);
    let ids: Vec<String> = groups.iter().map(|g| group_id(admin, g)).collect();
    let mut fields = vec![("action", "approve"), ("text", "Found on the HCPC register")];
    fields.extend(ids.iter().map(|g| ("groups", g.as_str())));
    let done = admin.post(&format!("/admin/verifications/{id}"), &fields);
    assert_eq!(done.status, 303, "{}", done.body);
    id
}

/// A verified mammographer approved for `groups`: (client, email, verification id).
pub(crate) fn mammographer(app: &TestApp, admin: &Client, name: &str, groups: &[&str]) -> (Client, String, String) {
    let (clinician, email) = app.member(name);
    apply_as_mammographer(&clinician, "RA123456");
    let id = approve(admin, name, groups);
    (clinician, email, id)
}

/// How many badges a page shows (posts cannot carry the class, so this counts real ones).
fn badges_on(html: &str) -> usize {
    html.matches("class=\"badge\"").count()
}

#[test]
fn a_clinician_applies_is_checked_and_wears_the_badge_on_posts_and_profile() {
    let app = spawn_app();
    let (admin, _) = app.admin("Badge Admin");
    let (clinician, clinician_email) = app.member("Kind Kate");

    // Typos are caught before an admin has to look, and what was typed stays.
    let form = clinician.get("/pro/apply");
    let profession = option_value(&form.body, "Diagnostic radiographer / mammographer");
    let typo = clinician.post(
        "/pro/apply",
        &[
            ("profession", &profession),
            ("regulator", "HCPC"),
            ("registration", "PA12345"),
            ("workplace", "Northtown Breast Screening Unit"),
        ],
    );
    assert_eq!(typo.status, 422);
    typo.assert_contains("begin with RA");
    typo.assert_contains("value=\"Northtown Breast Screening Unit\"");
    let wrong_register = clinician.post(
        "/pro/apply",
        &[("profession", &profession), ("regulator", "GMC"), ("registration", "1234567"), ("workplace", "X")],
    );
    assert_eq!(wrong_register.status, 422);
    wrong_register.assert_contains("choose that register");

    apply_as_mammographer(&clinician, "ra 123456");
    // Until an admin decides, nothing shows.
    let topic = clinician.start_topic("hub", "Hello from screening", "I work in breast screening.");
    assert_eq!(badges_on(&clinician.get(&format!("/t/{topic}")).body), 0);

    // The admins' list and the application, workplace included; nobody else sees it.
    let id = open_application(&admin, "Kind Kate");
    let detail = admin.get(&format!("/admin/verifications/{id}"));
    detail.assert_contains("Northtown Breast Screening Unit");
    detail.assert_contains("RA123456");
    assert_eq!(clinician.get(&format!("/admin/verifications/{id}")).status, 404);
    // Approving needs a record of how it was checked.
    let bare = admin.post(&format!("/admin/verifications/{id}"), &[("action", "approve"), ("text", "")]);
    assert_eq!(bare.status, 422);
    bare.assert_contains("Say how you checked");
    approve(&admin, "Kind Kate", &["Breast screening"]);
    let told = app.wait_for_email_containing(&clinician_email, "You are verified as a mammographer");
    assert!(told.contains("/pro/apply"), "{told}");

    // The badge: on the post, the group's list, the profile, and a page that says what it means.
    let page = app.client().get(&format!("/t/{topic}"));
    assert_eq!(badges_on(&page.body), 1, "{}", page.body);
    page.assert_contains("Verified mammographer (HCPC)");
    page.assert_lacks("Northtown");
    let profile_path = format!("/u/{}", between(&page.body, "href=\"/u/", "\"").unwrap());
    let profile = app.client().get(&profile_path);
    profile.assert_contains("Kind Kate");
    profile.assert_contains("Verified mammographer (HCPC)");
    profile.assert_lacks("Northtown");
    let badge_path = format!("/pro/badge/{}", between(&page.body, "href=\"/pro/badge/", "\"").unwrap());
    let badge = app.client().get(&badge_path);
    badge.assert_contains("is a <strong>verified mammographer</strong>, registered with the HCPC");
    badge.assert_contains("Checked</dt>");
    badge.assert_contains("What verified means");
    assert!(badges_on(&app.client().get("/g/hub").body) >= 1);

    // Everything is in the log.
    let log = admin.get("/mod/log?action=verification_approve");
    log.assert_contains("verification approve");
    log.assert_contains("Found on the HCPC register");
    admin.get("/mod/log?action=verification_apply").assert_contains("verification apply");
}

#[test]
fn admins_refuse_or_ask_for_more_and_the_applicant_answers() {
    let app = spawn_app();
    let (admin, _) = app.admin("Careful Admin");
    let (applicant, email) = app.member("Hopeful Hana");
    apply_as_mammographer(&applicant, "RA654321");
    let id = open_application(&admin, "Hopeful Hana");
    let asked = admin.post(
        &format!("/admin/verifications/{id}"),
        &[("action", "ask"), ("text", "Which unit do you work in on Mondays?")],
    );
    assert_eq!(asked.status, 303, "{}", asked.body);
    app.wait_for_email_containing(&email, "Which unit do you work in on Mondays?");
    let page = applicant.get("/pro/apply");
    page.assert_contains("an admin asked for more information");
    page.assert_contains("Which unit do you work in on Mondays?");
    // The answer goes back to the admins as the same application.
    let profession = option_value(&page.body, "Diagnostic radiographer / mammographer");
    applicant.post(
        "/pro/apply",
        &[
            ("profession", &profession),
            ("regulator", "HCPC"),
            ("registration", "RA654321"),
            ("workplace", "Northtown"),
            ("note", "Mondays at Southside."),
        ],
    );
    let answered = open_application(&admin, "Hopeful Hana");
    assert_ne!(answered, id, "the answer is a new record: an admin decides what they read");
    let stale = admin.post(&format!("/admin/verifications/{id}"), &[("action", "approve"), ("text", "ok")]);
    assert_eq!(stale.status, 400, "a decision on the replaced record is refused");
    let id = answered;
    admin.get(&format!("/admin/verifications/{id}")).assert_contains("Mondays at Southside.");
    let refused = admin.post(
        &format!("/admin/verifications/{id}"),
        &[("action", "reject"), ("text", "This number belongs to someone else.")],
    );
    assert_eq!(refused.status, 303);
    app.wait_for_email_containing(&email, "This number belongs to someone else.");
    applicant.get("/pro/apply").assert_contains("not verified");
    // A second click on an old form changes nothing.
    let again = admin.post(&format!("/admin/verifications/{id}"), &[("action", "approve"), ("text", "ok")]);
    assert_eq!(again.status, 400);
    assert!(
        forum::professionals::badge_of(&mut crate::helpers::pool(&app).get().unwrap(), user_id(&app, &email))
            .unwrap()
            .is_none()
    );
}

fn user_id(app: &TestApp, email: &str) -> i64 {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut crate::helpers::pool(app).get().unwrap())
        .unwrap()
}

#[test]
fn badges_expire_after_a_reminder_and_can_be_checked_again() {
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let (admin, _) = app.admin("Renewal Admin");
    let (clinician, email, first) = mammographer(&app, &admin, "Renewing Rita", &["Breast screening"]);
    let topic = clinician.start_topic("breast-screening", "What to wear", "A top and trousers is easiest.");
    let first: i64 = first.parse().unwrap();

    // A year passes (the clock moves): 10 days before expiry, one reminder by email and in the app.
    diesel::update(verifications::table.find(first))
        .set(verifications::expires_at.eq(forum::db::now() + chrono::Duration::days(10)))
        .execute(&mut conn)
        .unwrap();
    let reminder = app.wait_for_email_containing(&email, "expires on");
    assert!(reminder.contains("/pro/apply"), "{reminder}");
    std::thread::sleep(Duration::from_millis(3000));
    let reminders = app.emails_to(&email).iter().filter(|(_, t)| t.contains("expires on")).count();
    assert_eq!(reminders, 1, "one reminder per badge");

    // She asks to be checked again; the badge holds meanwhile, and the new check replaces it.
    apply_as_mammographer(&clinician, "RA123456");
    assert_eq!(badges_on(&app.client().get(&format!("/t/{topic}")).body), 1);
    let second: i64 = approve(&admin, "Renewing Rita", &["Breast screening"]).parse().unwrap();
    assert_ne!(first, second);
    let statuses: Vec<(i64, String, Option<chrono::NaiveDateTime>)> = verifications::table
        .order(verifications::id.asc())
        .select((verifications::id, verifications::status, verifications::expires_at))
        .load(&mut conn)
        .unwrap();
    assert_eq!(statuses[0].1, "superseded");
    let renewed_until = statuses[1].2.unwrap();
    assert!(renewed_until > forum::db::now() + chrono::Duration::days(360), "{renewed_until}");
    let page = app.client().get(&format!("/t/{topic}"));
    assert!(page.body.contains(&format!("/pro/badge/{second}")), "the badge links to the new check");

    // Not renewed: at expiry the badge disappears from every page, and the questions list closes.
    diesel::update(verifications::table.find(second))
        .set(verifications::expires_at.eq(forum::db::now() - chrono::Duration::minutes(1)))
        .execute(&mut conn)
        .unwrap();
    // The clock passing a badge's expiry is no write the page cache hears of: an anonymous copy
    // of a page lasts up to `page_cache::MAX_AGE` longer. Members' pages are never kept.
    std::thread::sleep(forum::web::page_cache::MAX_AGE);
    assert_eq!(badges_on(&app.client().get(&format!("/t/{topic}")).body), 0);
    assert_eq!(clinician.get("/pro/questions").status, 403);
    app.client().get(&format!("/pro/badge/{second}")).assert_contains("no longer valid");
}

#[test]
fn a_revoked_badge_disappears_from_every_page_at_once() {
    let app = spawn_app();
    let (admin, _) = app.admin("Revoking Admin");
    let (asker, _) = app.member("Asking Alice");
    let (clinician, email, id) = mammographer(&app, &admin, "Revoked Ruth", &["Breast screening", "Secondaries"]);
    let form = asker.get("/g/breast-screening/new");
    let mammo = option_value(&form.body, "Diagnostic radiographer / mammographer");
    let question = asker.post(
        "/g/breast-screening/new",
        &[
            ("title", "Does it hurt?"),
            ("body", "Is the mammogram painful?"),
            ("question", "yes"),
            ("profession", &mammo),
        ],
    );
    assert_eq!(question.status, 303, "{}", question.body);
    let topic: i64 = question.location().trim_start_matches("/t/").parse().unwrap();
    clinician.reply(topic, "It is uncomfortable for a few seconds for most people.");
    let page = app.client().get(&format!("/t/{topic}"));
    page.assert_contains("Answered by a verified mammographer");
    assert_eq!(badges_on(&page.body), 1);

    let revoked =
        admin.post(&format!("/admin/verifications/{id}"), &[("action", "revoke"), ("text", "Registration lapsed.")]);
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    app.wait_for_email_containing(&email, "Registration lapsed.");
    let page = app.client().get(&format!("/t/{topic}"));
    assert_eq!(badges_on(&page.body), 0, "{}", page.body);
    page.assert_lacks("Answered by a verified mammographer");
    page.assert_contains("waiting for an answer");
    let group = app.client().get("/g/breast-screening");
    assert_eq!(badges_on(&group.body), 0);
    group.assert_lacks("Answered by");
    assert_eq!(badges_on(&app.client().get(&format!("/u/{}", user_id(&app, &email))).body), 0);
    app.client().get(&format!("/pro/badge/{id}")).assert_contains("no longer valid");
    assert_eq!(clinician.get("/pro/questions").status, 403);
    // The private group she was approved for is closed to her again.
    assert_eq!(badges_on(&admin.get("/g/secondaries").body), 0);
    clinician.get("/g/secondaries").assert_contains("This is a private group");
    admin.get("/mod/log?action=verification_revoke").assert_contains("Registration lapsed.");
}

#[test]
fn nobody_forges_a_badge() {
    let app = spawn_app();
    // Names that would pass for a professional or for staff are refused, and the form keeps
    // what was typed.
    for name in ["Dr Jones", "Nurse Kate", "Verified Mammographer", "Moderator Mo", "DrJones", "Dг Jones"] {
        let page = app.client().register("forger@example.org", name, "a long and unusual passphrase");
        assert_eq!(page.status, 422, "{name} was accepted");
        page.assert_contains("forger@example.org");
        assert!(
            page.body.contains("professional title") || page.body.contains("sound like the forum"),
            "{name}: {}",
            page.body
        );
    }
    // A post can say anything, but cannot make a badge.
    let (forger, _) = app.member("Sly Sal");
    let topic = forger.start_topic(
        "hub",
        "Ask me",
        "<span class=\"badge\">Verified mammographer (HCPC)</span> <strong class=\"badge\">✓ Verified nurse</strong>\n\n✓ Verified mammographer (HCPC)",
    );
    let page = app.client().get(&format!("/t/{topic}"));
    assert_eq!(badges_on(&page.body), 0, "{}", page.body);
    // An application alone is not a badge either.
    apply_as_mammographer(&forger, "RA111111");
    assert_eq!(badges_on(&app.client().get(&format!("/t/{topic}")).body), 0);
    assert_eq!(forger.get("/pro/questions").status, 403);
}

#[test]
fn questions_are_listed_for_clinicians_until_a_verified_one_answers() {
    let app = spawn_app();
    let (admin, _) = app.admin("Questions Admin");
    let (asker, asker_email) = app.member("Nervous Nell");
    let (helper, _) = app.member("Helpful Hannah");
    let (clinician, _, _) = mammographer(&app, &admin, "Answering Amy", &["Breast screening"]);

    let form = asker.get("/g/breast-screening/new");
    form.assert_contains("A question for a professional?");
    let mammo = option_value(&form.body, "Diagnostic radiographer / mammographer");
    let nurse = option_value(&form.body, "Breast care nurse");
    let made = asker.post(
        "/g/breast-screening/new",
        &[
            ("title", "Recalled after screening"),
            ("body", "What happens at a recall appointment?"),
            ("question", "yes"),
            ("profession", &mammo),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let topic: i64 = made.location().trim_start_matches("/t/").parse().unwrap();
    asker.get(&format!("/t/{topic}")).assert_contains("Question for a professional: waiting for an answer");
    // Groups that do not take questions do not offer it.
    asker.get("/g/hub/new").assert_lacks("A question for a professional?");

    // Only verified clinicians see the list.
    assert_eq!(asker.get("/pro/questions").status, 403);
    assert_eq!(app.client().get("/pro/questions").status, 303);
    let list = clinician.get("/pro/questions");
    assert_eq!(list.status, 200, "{}", list.body);
    list.assert_contains("Recalled after screening");
    list.assert_contains("asked of a mammographer");
    clinician.get(&format!("/pro/questions?profession={mammo}")).assert_contains("Recalled after screening");
    clinician.get(&format!("/pro/questions?profession={nurse}")).assert_lacks("Recalled after screening");
    let fertility = group_id(&admin, "Fertility");
    clinician.get(&format!("/pro/questions?group={fertility}")).assert_lacks("Recalled after screening");

    // A kind member's reply is welcome but is not a professional answer.
    helper.reply(topic, "I was recalled last year; they were lovely.");
    asker.get(&format!("/t/{topic}")).assert_lacks("Answered by");
    clinician.get("/pro/questions").assert_contains("Recalled after screening");

    // A verified mammographer answers: marked in the topic and the list, and the asker hears.
    let answer = clinician.reply(topic, "You will have more images and perhaps an ultrasound.");
    let page = asker.get(&format!("/t/{topic}"));
    page.assert_contains("Answered by a verified mammographer");
    app.client().get("/g/breast-screening").assert_contains("Answered by a verified mammographer");
    clinician.get("/pro/questions").assert_lacks("Recalled after screening");
    let email = app.wait_for_email_containing(&asker_email, "A verified mammographer answered your question");
    assert!(email.contains(&format!("/p/{answer}/go")), "{email}");
    assert!(!email.contains("ultrasound"), "no health content without excerpts: {email}");

    // The asker marks the most helpful answer; nobody else can.
    assert_eq!(helper.post(&format!("/p/{answer}/helpful"), &[]).status, 403);
    let marked = asker.post(&format!("/p/{answer}/helpful"), &[]);
    assert_eq!(marked.status, 303, "{}", marked.body);
    let page = app.client().get(&format!("/t/{topic}"));
    page.assert_contains("Most helpful answer, chosen by the asker");
    let tagged = &page.body
        [page.body.find("Most helpful answer").unwrap() - 600..page.body.find("Most helpful answer").unwrap()];
    assert!(tagged.contains(&format!("id=\"p{answer}\"")), "the mark is on the chosen reply");

    // The answer taken down: the question is open again; put back: answered again.
    assert_eq!(admin.post(&format!("/p/{answer}/remove"), &[("rule", "be-helpful")]).status, 303);
    asker.get(&format!("/t/{topic}")).assert_contains("waiting for an answer");
    clinician.get("/pro/questions").assert_contains("Recalled after screening");
    assert_eq!(admin.post(&format!("/p/{answer}/restore"), &[]).status, 303);
    asker.get(&format!("/t/{topic}")).assert_contains("Answered by a verified mammographer");

    // A moderator can turn an existing topic into a question.
    let plain = asker.start_topic("breast-screening", "Parking at the unit", "Is there parking?");
    assert_eq!(admin.post(&format!("/t/{plain}/question"), &[("question", "yes"), ("profession", "999")]).status, 400);
    let marked = admin.post(&format!("/t/{plain}/question"), &[("question", "yes"), ("profession", "")]);
    assert_eq!(marked.status, 303, "{}", marked.body);
    clinician.get("/pro/questions").assert_contains("Parking at the unit");
    assert_eq!(helper.post(&format!("/t/{plain}/question"), &[("question", "no")]).status, 404);
}

#[test]
fn clinicians_read_and_answer_in_the_private_groups_they_are_approved_for() {
    let app = spawn_app();
    let (admin, _) = app.admin("Private Admin");
    let (member, _) = app.member("Secondary Sam");
    let join = member.post("/g/secondaries/join", &[]);
    assert_eq!(join.status, 303);
    let request = id_in_link_before(&admin.get("/mod/requests").body, "/mod/requests/", "Let Secondary Sam in");
    assert_eq!(admin.post(&format!("/mod/requests/{request}"), &[("decision", "approve")]).status, 303);
    let topic = member.start_topic("secondaries", "Side effects of capecitabine", "Sore hands and feet: any tips?");

    let (nurse, _, _) = mammographer(&app, &admin, "Approved Abby", &["Secondaries"]);
    let (outsider, _, _) = mammographer(&app, &admin, "Outside Olive", &["Breast screening"]);
    let page = nurse.get(&format!("/t/{topic}"));
    assert_eq!(page.status, 200, "{}", page.body);
    nurse.reply(topic, "Ask your team about urea cream early on.");
    // Members see who, besides them, reads the group.
    let group = member.get("/g/secondaries");
    group.assert_contains("Verified professionals who read and answer in this group");
    group.assert_contains("Approved Abby");
    group.assert_lacks("Outside Olive");
    // A badge alone does not open a private group.
    assert_eq!(outsider.get(&format!("/t/{topic}")).status, 404);
    outsider.get("/g/secondaries").assert_lacks("capecitabine");
}

#[test]
fn a_group_page_names_a_few_professionals_and_links_to_all_of_them() {
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let group: i64 =
        groups::table.filter(groups::slug.eq("breast-screening")).select(groups::id).first(&mut conn).unwrap();
    let now = forum::db::now();
    // Eight verified clinicians approved for the group, and one whose badge has lapsed.
    for (i, name) in ["Ada", "Bea", "Cat", "Dot", "Eve", "Fay", "Gil", "Hal", "Lapsed Lou"].iter().enumerate() {
        let user: i64 = diesel::insert_into(users::table)
            .values((
                users::email.eq(format!("clinician{i}@example.invalid")),
                users::display_name.eq(*name),
                users::display_name_key.eq(name.to_lowercase()),
                users::email_verified_at.eq(Some(now)),
                users::created_at.eq(now),
            ))
            .returning(users::id)
            .get_result(&mut conn)
            .unwrap();
        let lapsed = name.starts_with("Lapsed");
        diesel::insert_into(verifications::table)
            .values((
                verifications::user_id.eq(user),
                verifications::profession_id.eq(1),
                verifications::regulator.eq("HCPC"),
                verifications::registration.eq(format!("RA10000{i}")),
                verifications::workplace.eq("Northtown Breast Screening Unit"),
                verifications::note.eq(""),
                verifications::status.eq("approved"),
                verifications::created_at.eq(now),
                verifications::decided_at.eq(Some(now)),
                verifications::expires_at.eq(Some(now + chrono::Duration::days(if lapsed { -1 } else { 300 }))),
            ))
            .execute(&mut conn)
            .unwrap();
        forum::professionals::set_groups(&mut conn, user, user, &[group]).unwrap();
    }

    // The group's page names six, and links to all of them however many there are.
    let page = app.client().get("/g/breast-screening");
    for name in ["Ada", "Bea", "Cat", "Dot", "Eve", "Fay"] {
        page.assert_contains(&format!("{name} <a class=\"badge\""));
    }
    page.assert_lacks("Gil");
    page.assert_lacks("Lapsed Lou");
    page.assert_contains(
        "and more: <a href=\"/g/breast-screening/professionals\">all verified professionals in this group</a>",
    );

    // The full list names all eight (never the lapsed badge), each linked to their profile.
    let all = app.client().get("/g/breast-screening/professionals");
    assert_eq!(all.status, 200, "{}", all.body);
    all.assert_contains("8 verified professionals read and answer in this group");
    for name in ["Ada", "Bea", "Cat", "Dot", "Eve", "Fay", "Gil", "Hal"] {
        all.assert_contains(&format!(">{name}</a>"));
    }
    all.assert_lacks("Lapsed Lou");
    assert_eq!(badges_on(&all.body), 8);
    assert_eq!(app.client().get("/g/breast-screening/professionals?page=2").status, 404);
    assert_eq!(app.client().get("/g/no-such-group/professionals").status, 404);
}

#[test]
fn held_clinician_posts_meet_the_case_rule_and_are_labelled_in_the_queue() {
    let app = spawn_app();
    let (admin, _) = app.admin("Case Admin");
    let (clinician, _, _) = mammographer(&app, &admin, "Careful Cara", &["Breast screening"]);
    let text = "A lady I scanned this morning, 52, from Northtown, had exactly this worry.";
    let held = clinician.post("/g/breast-screening/new", &[("title", "A common worry"), ("body", text)]);
    assert_eq!(held.status, 202, "a clinician's case description waits for a moderator: {}", held.body);
    held.assert_contains("recognise who you are describing");
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Held clinician post: verified mammographer");
    // The same words from a member are their own story, not a case: not held by this rule.
    let (member, _) = app.member("Member Mia");
    let own = member.post("/g/hub/new", &[("title", "My scan"), ("body", "I had my scan this morning, I am 52.")]);
    assert_eq!(own.status, 303, "{}", own.body);
}

#[test]
fn staff_see_how_long_questions_wait_for_a_professional() {
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let (admin, admin_email) = app.admin("Figures Admin");
    let author = user_id(&app, &admin_email);
    let group: i64 = group_id(&admin, "Breast screening").parse().unwrap();
    let now = forum::db::now();
    let minutes = chrono::Duration::minutes;
    // Known data: five questions answered in the last 30 days after 10, 20, 30, 40 and 600
    // minutes; one answered 40 days ago (outside the window); two still open.
    let mut add = |title: &str, asked: chrono::NaiveDateTime, answered: Option<chrono::NaiveDateTime>| {
        diesel::insert_into(topics::table)
            .values((
                topics::group_id.eq(group),
                topics::author_id.eq(author),
                topics::title.eq(title),
                topics::status.eq("live"),
                topics::created_at.eq(asked),
                topics::last_post_at.eq(asked),
                topics::pro_question.eq(true),
                topics::asked_at.eq(asked),
                topics::answered_at.eq(answered),
                topics::answered_profession.eq(answered.map(|_| "mammographer")),
            ))
            .execute(&mut conn)
            .unwrap();
    };
    for (i, wait) in [10, 20, 30, 40, 600].into_iter().enumerate() {
        let asked = now - chrono::Duration::days(2 + i as i64);
        add(&format!("Answered {i}"), asked, Some(asked + minutes(wait)));
    }
    add("Long ago", now - chrono::Duration::days(41), Some(now - chrono::Duration::days(40)));
    add("Oldest waiting question", now - chrono::Duration::days(3), None);
    add("Newer waiting question", now - chrono::Duration::days(1), None);

    let (member, _) = app.member("Curious Cath");
    assert_eq!(member.get("/mod/dashboard").status, 404, "staff only");
    let page = admin.get("/mod/dashboard");
    assert_eq!(page.status, 200, "{}", page.body);
    let section = between(&page.body, "Breast screening</h3>", "</section>").unwrap();
    assert!(section.contains("<dt>Open questions</dt><dd>2</dd>"), "{section}");
    assert!(section.contains("Oldest waiting question"), "{section}");
    assert!(section.contains("<dt>Answered in the last 30 days</dt><dd>5</dd>"), "{section}");
    // Median of 10, 20, 30, 40, 600 is 30; the 90th percentile lies 60 % of the way from 40 to 600.
    assert!(section.contains("<dt>Median time to first professional answer</dt><dd>30 min</dd>"), "{section}");
    assert!(section.contains("<dt>90th percentile</dt><dd>6 h 16 min</dd>"), "{section}");
    assert!(section.contains("<svg class=\"chart\"") && section.contains("<rect"), "{section}");
    assert!(!section.contains("<script"), "the chart needs no script");
}

#[test]
fn professional_emails_reach_a_real_smtp_server_with_working_links() {
    let smtp = crate::smtp::SmtpServer::start();
    let app = crate::helpers::spawn_app_with_smtp(smtp.clone());
    let (admin, _) = app.admin("Smtp Badge Admin");
    let (asker, asker_email) = app.member("Smtp Asker");
    let (clinician, clinician_email, id) = mammographer(&app, &admin, "Smtp Sonia", &["Breast screening"]);

    // The outcome of the check: to the clinician, with one-click unsubscribe and a working link.
    let outcome = smtp.wait_for(&clinician_email, "You are verified as a mammographer");
    assert_eq!(outcome.header("Subject").as_deref(), Some("About your professional badge"));
    assert!(outcome.header("List-Unsubscribe").unwrap().starts_with(&format!("<{}/unsubscribe/", app.base)));
    assert_eq!(outcome.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert!(outcome.text().contains(&format!("{}/pro/apply", app.base)), "{}", outcome.text());
    clinician.get("/pro/apply").assert_contains("You are a <a href=\"/pro/badge/");

    // A professional answered: to the asker only, naming the profession and not the words.
    let made = asker.post(
        "/g/breast-screening/new",
        &[("title", "Compression question"), ("body", "How long is the compression?"), ("question", "yes")],
    );
    let topic: i64 = made.location().trim_start_matches("/t/").parse().unwrap();
    let answer = clinician.reply(topic, "Usually under ten seconds per image.");
    let told = smtp.wait_for(&asker_email, "answered your question");
    assert_eq!(told.header("Subject").as_deref(), Some("A verified mammographer answered your question"));
    assert!(!told.text().contains("ten seconds"), "{}", told.text());
    let start = told.text().find(&format!("{}/p/", app.base)).unwrap() + app.base.len();
    let path: String = told.text()[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    assert_eq!(asker.get(&path).location(), format!("/t/{topic}?page=1#p{answer}"));

    // The expiry reminder (the clock moves to 20 days before expiry).
    diesel::update(verifications::table.find(id.parse::<i64>().unwrap()))
        .set(verifications::expires_at.eq(forum::db::now() + chrono::Duration::days(20)))
        .execute(&mut crate::helpers::pool(&app).get().unwrap())
        .unwrap();
    let reminder = smtp.wait_for(&clinician_email, "expires on");
    assert_eq!(reminder.header("Subject").as_deref(), Some("Your professional badge expires soon"));
    assert!(reminder.text().contains(&format!("{}/pro/apply", app.base)));
}

#[test]
fn admins_edit_the_list_of_professions() {
    let app = spawn_app();
    let (admin, _) = app.admin("Professions Admin");
    let (member, _) = app.member("Applying Ada");
    assert_eq!(member.get("/admin/professions").status, 404);
    let bad = admin.post("/admin/professions", &[("name", "Radiologist"), ("badge", ""), ("regulator", "GMC")]);
    assert_eq!(bad.status, 422);
    bad.assert_contains("value=\"Radiologist\"");
    let added = admin.post(
        "/admin/professions",
        &[("name", "Radiologist"), ("badge", "radiologist"), ("regulator", "GMC"), ("enabled", "yes")],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let form = member.get("/pro/apply");
    form.assert_contains("Radiologist (GMC)");
    // Taken off the list: no longer offered, and not accepted.
    let radiologist = option_value(&form.body, "Radiologist");
    admin.post(
        &format!("/admin/professions/{radiologist}"),
        &[("name", "Radiologist"), ("badge", "radiologist"), ("regulator", "GMC")],
    );
    member.get("/pro/apply").assert_lacks("Radiologist (GMC)");
    let refused = member.post(
        "/pro/apply",
        &[("profession", &radiologist), ("regulator", "GMC"), ("registration", "1234567"), ("workplace", "X")],
    );
    assert_eq!(refused.status, 422);
    refused.assert_contains("Choose your profession");
}
