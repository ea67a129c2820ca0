//! The tools that let volunteers clear the queue fast: bulk decisions, canned notes, the
//! filtered log, removing and restoring live posts, urgent alerts, keyboard shortcuts.

use crate::helpers::{between, spawn_app};

/// The values of the queue's tick boxes ("{post id}.{fingerprint}"), in queue order.
fn ticks(queue: &str) -> Vec<String> {
    queue
        .match_indices("name=\"pick\" value=\"")
        .map(|(at, m)| queue[at + m.len()..].split('"').next().unwrap().to_owned())
        .collect()
}

/// The id of the held post whose tick box comes just before `title` in the queue.
fn tick_for(queue: &str, title: &str) -> String {
    let before = &queue[..queue.find(title).unwrap_or_else(|| panic!("{title} not in the queue"))];
    let at = before.rfind("name=\"pick\" value=\"").expect("a tick box before the title");
    before[at..].split('"').nth(3).unwrap().to_owned()
}

#[test]
fn bulk_decisions_apply_only_to_ticked_posts_as_they_were_seen() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (member, _) = app.member("Busy Bella");
    let (other, _) = app.member("Other Olga");
    for (author, title) in [(&member, "First of many"), (&other, "Second of many"), (&member, "Third of many")] {
        let held = author.post("/g/hub/new", &[("title", title), ("body", &format!("{title}: about parking."))]);
        assert_eq!(held.status, 202, "{}", held.body);
    }
    other.post(
        "/g/hub/new",
        &[("title", "Tonight"), ("body", "I have saved up my tablets. Everyone would be better off without me.")],
    );
    let (admin, _) = app.admin("Quick Admin");
    let queue = admin.get("/mod/queue").body;
    assert_eq!(ticks(&queue).len(), 3, "urgent posts have no tick box: they are decided one by one");
    let (first, second, third) =
        (tick_for(&queue, "First of many"), tick_for(&queue, "Second of many"), tick_for(&queue, "Third of many"));

    // The author changes the second post after the moderator loaded the queue.
    let second_id = second.split('.').next().unwrap().to_owned();
    let edited =
        other.post(&format!("/p/{second_id}/edit"), &[("title", "Second of many"), ("body", "Changed my mind.")]);
    assert_eq!(edited.status, 202, "{}", edited.body);

    let done = admin.post("/mod/queue", &[("pick", &first), ("pick", &second), ("action", "approve")]);
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/mod/queue?done=bulk-approve&n=1&skipped=1");
    let page = admin.follow(&done);
    page.assert_contains("Approved: 1 post; their authors have been told. 1 post was left waiting");
    app.client().get("/g/hub").assert_contains("First of many");
    app.client().get("/g/hub").assert_lacks("Second of many");

    // Rejecting needs a ground rule; the ticks and the note survive the mistake.
    let missing = admin.post("/mod/queue", &[("pick", &third), ("action", "reject"), ("note", "Please add detail")]);
    assert_eq!(missing.status, 422);
    missing.assert_contains("Choose the ground rule the posts break");
    missing.assert_contains(&format!("value=\"{third}\" id=\"pick-"));
    assert!(missing.body.contains(" checked>"), "the tick is kept");
    missing.assert_contains(">Please add detail</textarea>");

    let canned = between(&admin.get("/mod/queue").body, "<option value=\"", "\">Tone</option>")
        .map(|s| s.rsplit('"').next().unwrap().to_owned())
        .expect("the Tone canned note is offered");
    let rejected = admin.post(
        "/mod/queue",
        &[("pick", &third), ("action", "reject"), ("rule", "be-helpful"), ("canned", &canned), ("note", "Thanks!")],
    );
    assert_eq!(rejected.location(), "/mod/queue?done=bulk-reject&n=1&skipped=0");
    let mine = member.get("/me/posts");
    mine.assert_contains("Ground rule: Be helpful");
    mine.assert_contains("Please say it again more gently");
    mine.assert_contains("Thanks!");

    // A member cannot use the bulk form, and a stale or foreign tick decides nothing.
    assert_eq!(member.post("/mod/queue", &[("pick", &first), ("action", "approve")]).status, 404);
    let again = admin.post("/mod/queue", &[("pick", &third), ("action", "approve")]);
    assert_eq!(again.location(), "/mod/queue?done=bulk-approve&n=0&skipped=1");
    admin.get("/mod/queue").assert_contains("Tonight");
}

#[test]
fn admins_keep_the_canned_notes_and_moderators_send_them() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (admin, _) = app.admin("Note Keeper");
    let (moderator, _, _) = app.moderator(&admin, "Hub Volunteer", "Hub");
    assert_eq!(moderator.get("/admin/canned-notes").status, 404, "notes are edited by admins");

    let page = admin.get("/admin/canned-notes");
    page.assert_contains("Personal details");
    let bad = admin.post("/admin/canned-notes", &[("title", ""), ("body", "Please use the right group.")]);
    assert_eq!(bad.status, 422);
    bad.assert_contains("Give the note a short name");
    bad.assert_contains(">Please use the right group.</textarea>");
    let added = admin.post("/admin/canned-notes", &[("title", "Wrong group"), ("body", "Please use the right group.")]);
    assert_eq!(added.location(), "/admin/canned-notes");
    let id = crate::helpers::id_in_link_before(
        &admin.get("/admin/canned-notes").body,
        "/admin/canned-notes/",
        "Wrong group",
    );
    admin.post(
        &format!("/admin/canned-notes/{id}"),
        &[("action", "save"), ("title", "Wrong group"), ("body", "This belongs in Moving on: please post it there.")],
    );
    let tone = crate::helpers::id_in_link_before(
        &admin.get("/admin/canned-notes").body,
        "/admin/canned-notes/",
        "value=\"Tone\"",
    );
    admin.post(&format!("/admin/canned-notes/{tone}"), &[("action", "delete")]);
    let list = admin.get("/admin/canned-notes");
    list.assert_contains("This belongs in Moving on");
    list.assert_lacks("value=\"Tone\"");
    admin.get("/mod/log?action=canned_note").assert_contains("<td>canned note</td>");

    let (member, _) = app.member("Lost Lily");
    member.post("/g/hub/new", &[("title", "IVF costs"), ("body", "How much does a cycle cost?")]);
    let queue = moderator.get("/mod/queue");
    let item = between(&queue.body, "href=\"/mod/queue/", "\"").unwrap();
    let form = moderator.get(&format!("/mod/queue/{item}"));
    form.assert_contains(">Wrong group</option>");
    let seen = between(&form.body, "name=\"seen\" value=\"", "\"").unwrap();
    moderator.post(
        &format!("/mod/queue/{item}"),
        &[("seen", &seen), ("action", "reject"), ("rule", "be-helpful"), ("canned", &id), ("note", "Good luck!")],
    );
    let mine = member.get("/me/posts");
    mine.assert_contains("This belongs in Moving on: please post it there.");
    mine.assert_contains("Good luck!");
}

#[test]
fn the_log_filters_by_moderator_member_group_action_and_date() {
    let app = spawn_app();
    app.hold_everything("hub");
    app.hold_everything("fertility");
    let (admin, _) = app.admin("Log Admin");
    let (hub_mod, _, hub_mod_id) = app.moderator(&admin, "Hub Helper", "Hub");
    let (alice, _) = app.member("Alice Asks");
    let (bob, _) = app.member("Bob Asks");
    alice.post("/g/hub/new", &[("title", "Alice in hub"), ("body", "A question.")]);
    bob.post("/g/hub/new", &[("title", "Bob in hub"), ("body", "A question.")]);
    bob.post("/g/fertility/new", &[("title", "Bob in fertility"), ("body", "Another question.")]);

    let queue = admin.get("/mod/queue").body;
    let alice_tick = tick_for(&queue, "Alice in hub");
    let bob_tick = tick_for(&queue, "Bob in hub");
    let fertility_tick = tick_for(&queue, "Bob in fertility");
    hub_mod.post("/mod/queue", &[("pick", &alice_tick), ("pick", &bob_tick), ("action", "approve")]);
    admin.post("/mod/queue", &[("pick", &fertility_tick), ("action", "reject"), ("rule", "no-spam")]);

    let by_helper = admin.get(&format!("/mod/log?moderator={hub_mod_id}"));
    assert_eq!(by_helper.body.matches("<td>approve</td>").count(), 2);
    by_helper.assert_lacks("<td>reject</td>");

    let about_bob = admin.get("/mod/log?member=bob+asks");
    assert_eq!(about_bob.body.matches(">Bob Asks</a></td>").count(), 2, "{}", about_bob.body);
    about_bob.assert_lacks(">Alice Asks</a>");

    let hub = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    let in_hub = admin.get(&format!("/mod/log?group={hub}&action=approve"));
    assert_eq!(in_hub.body.matches("<td>approve</td>").count(), 2);
    admin.get(&format!("/mod/log?group={hub}&action=reject")).assert_contains("No actions match");

    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    admin.get(&format!("/mod/log?from={today}&to={today}&action=reject")).assert_contains("<td>reject</td>");
    admin.get(&format!("/mod/log?to={yesterday}&action=reject")).assert_contains("No actions match");

    // Mistakes are explained and the filter keeps what was typed.
    let unknown = admin.get("/mod/log?member=Nobody+Here&from=31/12/2026");
    assert_eq!(unknown.status, 422);
    unknown.assert_contains("No member has that display name");
    unknown.assert_contains("Write the date as year-month-day");
    unknown.assert_contains("value=\"Nobody Here\"");

    // A group moderator sees only their groups, whatever the filter asks for.
    let fertility = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Fertility<",
    );
    hub_mod.get(&format!("/mod/log?group={fertility}")).assert_contains("No actions match");
    hub_mod.get("/mod/log?member=bob+asks").assert_lacks("<td>reject</td>");
}

#[test]
fn moderators_remove_a_live_post_under_a_ground_rule_and_can_restore_it() {
    let app = spawn_app();
    let (admin, _) = app.admin("Remover Admin");
    let (moderator, _, _) = app.moderator(&admin, "Hub Tidy", "Hub");
    let (author, _) = app.member("Hasty Hal");
    let topic = author.start_topic("hub", "Hot take", "Everyone should try my miracle juice.");
    author.post(&format!("/t/{topic}/reply"), &[("body", "And tell your friends.")]);
    let page = moderator.get(&format!("/t/{topic}"));
    let reply = crate::helpers::id_in_link_before(&page.body, "id=\"p", "And tell your friends");
    let remove_link = format!("/p/{reply}/remove");
    page.assert_contains(&format!("href=\"{remove_link}\""));
    app.client().get(&format!("/t/{topic}")).assert_lacks("/remove\"");

    let (reader, _) = app.member("Nosy Nell");
    assert_eq!(reader.get(&remove_link).status, 404);
    assert_eq!(reader.post(&remove_link, &[("rule", "no-spam")]).status, 404);

    let missing = moderator.post(&remove_link, &[("note", "Advertising")]);
    assert_eq!(missing.status, 422);
    missing.assert_contains("Choose the ground rule the post breaks");
    missing.assert_contains(">Advertising</textarea>");
    let removed = moderator.post(&remove_link, &[("rule", "no-spam"), ("note", "Advertising")]);
    assert_eq!(removed.location(), format!("/t/{topic}"));
    app.client().get(&format!("/t/{topic}")).assert_lacks("tell your friends");
    let mine = author.get("/me/posts");
    mine.assert_contains(
        "A moderator removed your post in “Hot take”. Ground rule: No spam. The moderator says: Advertising",
    );
    mine.assert_contains("removed by a moderator");

    let history = moderator.get(&format!("/p/{reply}/history"));
    history.assert_contains("removed by a moderator");
    let restored = moderator.post(&format!("/p/{reply}/restore"), &[]);
    assert_eq!(restored.location(), format!("/p/{reply}/history"));
    app.client().get(&format!("/t/{topic}")).assert_contains("tell your friends");
    author.get("/me/posts").assert_contains("restored your post");
    let log = admin.get("/mod/log?member=hasty+hal");
    log.assert_contains("<td>remove</td>");
    log.assert_contains("<td>restore</td>");
}

#[test]
fn urgent_posts_alert_their_moderators_at_once_without_quoting_them() {
    let app = spawn_app();
    let (admin, admin_email) = app.admin("Alert Admin");
    let (moderator, moderator_email, _) = app.moderator(&admin, "Hub Watch", "Hub");
    let (other, other_email, _) = app.moderator(&admin, "Fertility Watch", "Fertility");
    let (member, _) = app.member("Dark Night");
    let words = "I have saved up my tablets. Everyone would be better off without me.";
    assert_eq!(member.post("/g/hub/new", &[("title", "Tonight"), ("body", words)]).status, 202);

    moderator.get("/").assert_contains("(1 waiting, 1 urgent)");
    moderator.get("/me/posts").assert_contains("Urgent: a post in Hub needs a moderator now.");
    let mail = app.wait_for_email_containing(&moderator_email, "urgent lane");
    assert!(mail.contains("/mod/queue/"), "{mail}");
    assert!(!mail.contains("tablets") && !mail.contains("Tonight"), "the email never carries the post: {mail}");
    app.wait_for_email_containing(&admin_email, "urgent lane");
    other.get("/").assert_lacks("urgent)");

    // A live post reported for safety alerts once, however many times it is reported.
    let topic = member.start_topic("moving-on", "Quiet week", "Nothing much to say.");
    let post = crate::helpers::id_in_link_before(&member.get(&format!("/t/{topic}")).body, "id=\"p", "Nothing much");
    let (worried, _) = app.member("Worried Walt");
    for _ in 0..3 {
        worried.post(&format!("/p/{post}/flag"), &[("reason", "safety")]);
    }
    let link = format!("/mod/reports/{post}");
    let alert = app.wait_for_email_containing(&admin_email, &link);
    assert!(alert.contains("one of your groups is in the urgent lane"), "{alert}");
    assert!(!alert.contains("Moving on"), "a group's name can be a diagnosis: not without excerpts");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let alerts = app.emails_to(&admin_email).iter().filter(|(_, t)| t.contains(&link)).count();
    assert_eq!(alerts, 1, "one alert per post");
    assert!(app.emails_to(&other_email).iter().all(|(_, text)| !text.contains("urgent lane")));
}

#[test]
fn keyboard_shortcuts_come_from_a_cached_script_the_policy_allows() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (member, _) = app.member("Keen Kim");
    member.post("/g/hub/new", &[("title", "Waiting"), ("body", "A held post.")]);
    let (admin, _) = app.admin("Keys Admin");
    let queue = admin.get("/mod/queue");
    let src = between(&queue.body, "<script type=\"module\" src=\"", "\"").expect("the page loads the script");
    assert!(src.starts_with("/static/forum.") && src.ends_with(".js"), "{src}");
    let script = admin.get(&src);
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").unwrap().starts_with("text/javascript"));
    assert!(script.header("cache-control").unwrap().contains("immutable"));
    for key in ["case \"j\"", "case \"k\"", "case \"a\"", "case \"r\"", "case \"e\"", "case \"x\""] {
        assert!(script.body.contains(key), "{key} is handled");
    }
    assert!(queue.header("content-security-policy").unwrap().contains("script-src 'self'"));
    // It starts the NHS.UK frontend's components from their own hashed, cached module.
    let vendor = between(&script.body, "import { initAll } from \"", "\"").expect("the NHS.UK frontend is imported");
    let vendor = admin.get(&vendor);
    assert_eq!(vendor.status, 200);
    assert!(vendor.body.contains("initAll") && vendor.header("cache-control").unwrap().contains("immutable"));
    // Shortcuts can be turned off (WCAG 2.1.4), and the list says which keys do what.
    queue.assert_contains("data-shortcuts-toggle");
}

#[test]
fn undoing_a_redaction_puts_back_the_text_its_highlights_and_its_urgency() {
    let app = spawn_app();
    let (member, _) = app.member("Frank Fay");
    let words = "I can't go on. My NHS number is 943 476 5919, please tell my family.";
    assert_eq!(member.post("/g/hub/new", &[("title", "Goodbye"), ("body", words)]).status, 202);
    let (admin, _) = app.admin("Undo Admin");
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Urgent");
    let item = between(&queue.body, "href=\"/mod/queue/", "\"").unwrap();
    let page = admin.get(&format!("/mod/queue/{item}"));
    let seen = between(&page.body, "name=\"seen\" value=\"", "\"").unwrap();
    let done = admin.post(&format!("/mod/queue/{item}"), &[("seen", &seen), ("action", "redact")]);
    assert_eq!(done.status, 303, "{}", done.body);
    app.client().get("/g/hub").assert_contains("Goodbye");

    assert_eq!(admin.post(&format!("/mod/queue/{item}/undo"), &[]).location(), "/mod/queue?done=undo");
    app.client().get("/g/hub").assert_lacks("Goodbye");
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Urgent");
    let again = admin.get(&format!("/mod/queue/{item}"));
    again.assert_contains("<mark title=\"NHS_NUMBER\">943 476 5919");
    // Undone once; a second undo has nothing to take back.
    assert_eq!(admin.post(&format!("/mod/queue/{item}/undo"), &[]).location(), "/mod/queue?done=too-late");
}
