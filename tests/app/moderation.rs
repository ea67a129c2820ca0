//! Moderation before content goes live: held posts, the queue, decisions, and what authors see.

use diesel::prelude::*;
use forum::db::schema::{audit_log, groups};

use crate::helpers::{between, spawn_app};

/// Sends a decision from the item page's form, as a moderator's browser would (with the
/// fingerprint of the text shown).
fn decide(moderator: &crate::helpers::Client, item: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    let page = moderator.get(&format!("/mod/queue/{item}"));
    let seen = between(&page.body, "name=\"seen\" value=\"", "\"").unwrap_or_default();
    let mut all = vec![("seen", seen.as_str())];
    all.extend_from_slice(fields);
    moderator.post(&format!("/mod/queue/{item}"), &all)
}

fn queue_item_id(page: &str) -> String {
    between(page, "href=\"/mod/queue/", "\"").expect("an item in the queue")
}

#[test]
fn an_nhs_number_is_held_then_redacted_and_approved_in_one_action() {
    let app = spawn_app();
    let (member, _) = app.member("Worried Wendy");
    let topic = member.start_topic("hub", "Recall letter", "I got a recall letter today.");
    let held = member.post(
        &format!("/t/{topic}/reply"),
        &[("body", "My NHS number is 943 476 5919, is that the one on the letter?")],
    );
    assert_eq!(held.status, 202);
    held.assert_contains("Your post is waiting for a moderator");
    held.assert_contains("This looks like an NHS number");

    // Others cannot see it; its author sees it in place, and on their posts page.
    app.client().get(&format!("/t/{topic}")).assert_lacks("943 476 5919");
    let own = member.get(&format!("/t/{topic}"));
    own.assert_contains("943 476 5919");
    own.assert_contains("Waiting for a moderator");
    member.get("/me/posts").assert_contains("Waiting for a moderator");

    let (admin, _) = app.admin("Queue Admin");
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Recall letter");
    queue.assert_contains("Held for: nhs number");
    let item = admin.get(&format!("/mod/queue/{}", queue_item_id(&queue.body)));
    item.assert_contains("<mark title=\"NHS_NUMBER\">943 476 5919");
    let done = decide(&admin, &queue_item_id(&queue.body), &[("action", "redact")]);
    assert_eq!(done.status, 303);
    assert!(done.location().starts_with("/mod/queue?done=redact&post="), "{}", done.location());

    let public = app.client().get(&format!("/t/{topic}"));
    public.assert_contains("My NHS number is [NHS number removed by a moderator], is that the one on the letter?");
    public.assert_lacks("943 476 5919");
    let mine = member.get("/me/posts");
    mine.assert_contains("removed personal information");
    mine.assert_contains("NHS number removed by a moderator");
    admin.get("/mod/log?action=redact").assert_contains("<td>redact</td>");
    admin.get("/mod/queue").assert_contains("No held posts are waiting");
}

#[test]
fn rejected_then_edited_resubmitted_and_approved() {
    let app = spawn_app();
    app.hold_everything("moving-on");
    let (author, _) = app.member("Persistent Pat");
    let held = author.post("/g/moving-on/new", &[("title", "Back at work"), ("body", "Buy my miracle tea!")]);
    assert_eq!(held.status, 202);
    held.assert_contains("read by a moderator before they appear");
    let (admin, _) = app.admin("Fair Moderator");
    let queue = admin.get("/mod/queue");
    let item = queue_item_id(&queue.body);

    // A rejection must cite a ground rule; the form keeps the note.
    let missing = decide(&admin, &item, &[("action", "reject"), ("note", "Please leave out the advert.")]);
    assert_eq!(missing.status, 422);
    missing.assert_contains("Choose the ground rule");
    missing.assert_contains("Please leave out the advert.");
    let rejected =
        decide(&admin, &item, &[("action", "reject"), ("rule", "no-spam"), ("note", "Please leave out the advert.")]);
    assert!(rejected.location().starts_with("/mod/queue?done=reject&post="), "{}", rejected.location());

    let mine = author.get("/me/posts");
    mine.assert_contains("was not approved. Ground rule: No spam.");
    mine.assert_contains("Please leave out the advert.");
    let topic_id = between(&mine.body, "href=\"/t/", "#").unwrap();
    let own = author.get(&format!("/t/{topic_id}"));
    own.assert_contains("Not approved by a moderator (No spam)");
    assert_eq!(app.client().get(&format!("/t/{topic_id}")).status, 404);

    // The author changes it and sends it again: it waits again, with the old text kept.
    let post_id = between(&own.body, "id=\"p", "\"").unwrap();
    let resubmitted = author
        .post(&format!("/p/{post_id}/edit"), &[("title", "Back at work"), ("body", "Back at work after six months.")]);
    assert_eq!(resubmitted.status, 202);
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Back at work after six months.");
    admin.get(&format!("/p/{post_id}/history")).assert_contains("Buy my miracle tea!");
    let approved = decide(&admin, &queue_item_id(&queue.body), &[("action", "approve")]);
    assert!(approved.location().starts_with("/mod/queue?done=approve&post="), "{}", approved.location());
    app.client().get(&format!("/t/{topic_id}")).assert_contains("Back at work after six months.");
    app.client().get("/g/moving-on").assert_contains("Back at work");
    author.get("/me/posts").assert_contains("was approved and is now live");

    let pool = crate::helpers::pool(&app);
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::target_type.eq("post"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(actions, ["reject", "approve"]);
}

#[test]
fn urgent_posts_lead_the_queue_and_their_authors_see_help_at_once() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (member, _) = app.member("Quiet Quinn");
    let topic_held =
        member.post("/g/hub/new", &[("title", "An ordinary question"), ("body", "How long does radiotherapy take?")]);
    assert_eq!(topic_held.status, 202);
    let urgent = member.post(
        "/g/hub/new",
        &[("title", "Tonight"), ("body", "I have saved up my tablets. Everyone would be better off without me.")],
    );
    assert_eq!(urgent.status, 202);
    urgent.assert_contains("A moderator will read your post very soon");
    urgent.assert_contains("Samaritans: 116 123 (free, any time, day or night)");
    urgent.assert_lacks("Domestic Abuse");
    let (admin, _) = app.admin("Night Admin");
    let queue = admin.get("/mod/queue");
    let urgent_at = queue.body.find("Tonight").unwrap();
    let ordinary_at = queue.body.find("An ordinary question").unwrap();
    assert!(urgent_at < ordinary_at, "the urgent post comes first although it is newer");
    queue.assert_contains("Urgent: plan or means");
}

#[test]
fn the_queue_is_only_for_moderators_of_the_post_group() {
    let app = spawn_app();
    app.hold_everything("hub");
    app.hold_everything("moving-on");
    let (member, _) = app.member("Plain Poster");
    member.post("/g/hub/new", &[("title", "Hub question"), ("body", "Hello hub")]);
    member.post("/g/moving-on/new", &[("title", "Moving on question"), ("body", "Hello moving on")]);
    let (admin, _) = app.admin("Chief");
    let all = admin.get("/mod/queue");
    let moving_on_item = crate::helpers::id_in_link_before(&all.body, "/mod/queue/", "Moving on question");

    let (moderator, moderator_email) = app.member("Hub Helper");
    let members = admin.get("/admin/members").body;
    let helper_id = crate::helpers::id_in_link_before(&members, "/admin/members/", "Hub Helper");
    let hub_id = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    admin.post(&format!("/admin/members/{helper_id}"), &[("moderates", &hub_id)]);
    moderator.enable_two_factor(&moderator_email);

    let scoped = moderator.get("/mod/queue");
    scoped.assert_contains("Hub question");
    scoped.assert_lacks("Moving on question");
    assert_eq!(moderator.get(&format!("/mod/queue/{moving_on_item}")).status, 404);
    assert_eq!(decide(&moderator, &moving_on_item, &[("action", "approve")]).status, 404);
    assert_eq!(member.get("/mod/queue").status, 404, "members cannot reach the queue");
    assert_eq!(decide(&member, &moving_on_item, &[("action", "approve")]).status, 404);
    assert_eq!(app.client().get("/mod/queue").status, 303);
    app.client().get("/g/moving-on").assert_lacks("Moving on question");
}

#[test]
fn members_display_names_are_not_personal_information() {
    let app = spawn_app();
    app.member("Sarah Jones");
    let (other, _) = app.member("Grateful Gina");
    let topic = other.start_topic("hub", "Thank you", "Thank you Sarah Jones for your kind words yesterday.");
    app.client().get(&format!("/t/{topic}")).assert_contains("Thank you Sarah Jones");
    // A real full name that is nobody's pseudonym is held.
    let held = other.post(&format!("/t/{topic}/reply"), &[("body", "My neighbour Brenda Sowerby had the same.")]);
    assert_eq!(held.status, 202);
    held.assert_contains("full name. Everyone in the group can read your post");
}

#[test]
fn abuse_is_blocked_with_the_text_kept_and_strong_language_censored() {
    let app = spawn_app();
    let (member, _) = app.member("Cross Carol");
    let topic = member.start_topic("hub", "Waiting times", "Anyone else waiting weeks?");
    let blocked = member.post(&format!("/t/{topic}/reply"), &[("body", "Nobody asked you, you stupid cow.")]);
    assert_eq!(blocked.status, 422);
    blocked.assert_contains("disagree with ideas, never attack people");
    blocked.assert_contains("Nobody asked you, you stupid cow.");
    app.client().get(&format!("/t/{topic}")).assert_lacks("stupid cow");

    member.reply(topic, "What a cunt of a day at the clinic.");
    app.client().get(&format!("/t/{topic}")).assert_contains("What a [removed] of a day at the clinic.");
}

#[test]
fn links_from_newcomers_wait_but_trusted_sites_do_not() {
    let app = spawn_app();
    let (member, _) = app.member("New Nell");
    let topic = member.start_topic("hub", "Useful sites", "Sharing what helped me.");
    member.reply(topic, "The NHS page helped: https://www.nhs.uk/conditions/breast-cancer/");
    let held = member.post(&format!("/t/{topic}/reply"), &[("body", "Try https://miracle-tea.example/shop")]);
    assert_eq!(held.status, 202);
    held.assert_contains("Links from new members are checked");
}

#[test]
fn a_group_for_newcomers_holds_their_first_posts_only() {
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    diesel::update(groups::table.filter(groups::slug.eq("hub")))
        .set((groups::moderation_policy.eq("newcomers"), groups::newcomer_posts.eq(1)))
        .execute(&mut pool.get().unwrap())
        .unwrap();
    let (member, _) = app.member("Brand New");
    let first = member.post("/g/hub/new", &[("title", "Hello all"), ("body", "First post here.")]);
    assert_eq!(first.status, 202);
    first.assert_contains("first post is read by a moderator");
    let (admin, _) = app.admin("Welcomer");
    let queue = admin.get("/mod/queue");
    decide(&admin, &queue_item_id(&queue.body), &[("action", "approve")]);
    // One approved post later, the member is trusted here.
    member.start_topic("hub", "Second post", "Now I am trusted.");
    app.client().get("/g/hub").assert_contains("Second post");
}

#[test]
fn three_reports_hide_a_post_until_a_moderator_keeps_it() {
    let app = spawn_app();
    let (author, _) = app.member("Blunt Bea");
    let topic = author.start_topic("hub", "Strong opinions", "I think waiting lists are a scandal.");
    let post = between(&author.get(&format!("/t/{topic}")).body, "id=\"p", "\"").unwrap();
    assert_eq!(author.get(&format!("/p/{post}/flag")).status, 404, "authors do not report their own posts");
    let mut reporters = Vec::new();
    for name in ["Reporter One", "Reporter Two", "Reporter Three"] {
        let (r, _) = app.member(name);
        let page = r.post(&format!("/p/{post}/flag"), &[("reason", "rule"), ("note", "Feels harsh")]);
        assert_eq!(page.status, 200);
        page.assert_contains("Thank you for your report");
        // A second report from the same member does not count twice.
        r.post(&format!("/p/{post}/flag"), &[("reason", "rule")]);
        reporters.push(r);
        if reporters.len() < 3 {
            app.client().get(&format!("/t/{topic}")).assert_contains("waiting lists are a scandal");
        }
    }
    assert_eq!(app.client().get(&format!("/t/{topic}")).status, 404, "hidden after three members");

    let (admin, _) = app.admin("Fair Judge");
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Live posts: urgent and reported");
    queue.assert_contains("3 reports");
    queue.assert_contains("hidden until you decide");
    let report = admin.get(&format!("/mod/reports/{post}"));
    report.assert_contains("Feels harsh");
    let kept = admin.post(&format!("/mod/reports/{post}"), &[("decision", "keep")]);
    assert_eq!(kept.location(), "/mod/queue?done=keep");
    app.client().get(&format!("/t/{topic}")).assert_contains("waiting lists are a scandal");
    reporters[0].get("/me/posts").assert_contains("decided it can stay");
}

#[test]
fn a_worry_about_safety_is_urgent_and_a_removed_post_is_gone() {
    let app = spawn_app();
    let (author, _) = app.member("Low Lou");
    let topic = author.start_topic("hub", "Rough week", "Just a rough week.");
    let post = between(&author.get(&format!("/t/{topic}")).body, "id=\"p", "\"").unwrap();
    let (friend, _) = app.member("Worried Friend");
    let page = friend.post(&format!("/p/{post}/flag"), &[("reason", "safety"), ("note", "She messaged me goodbye")]);
    page.assert_contains("goes to the top of the moderators");
    let (admin, _) = app.admin("On Call");
    admin.get("/mod/queue").assert_contains("Urgent: worried about someone");
    let removed = admin.post(&format!("/mod/reports/{post}"), &[("decision", "remove"), ("rule", "be-respectful")]);
    assert_eq!(removed.location(), "/mod/queue?done=remove");
    assert_eq!(app.client().get(&format!("/t/{topic}")).status, 404);
    admin.get("/mod/log?action=remove").assert_contains("<td>remove</td>");
}

#[test]
fn admins_add_checks_and_bad_patterns_are_explained() {
    let app = spawn_app();
    let (admin, _) = app.admin("Rule Maker");
    admin.get("/admin/rules").assert_contains("Ground-rule checks");
    let bad = admin.post(
        "/admin/rules",
        &[
            ("kind", "regex"),
            ("pattern", "(unclosed"),
            ("action", "block"),
            ("ground_rule", "no-spam"),
            ("message", "No."),
        ],
    );
    assert_eq!(bad.status, 422);
    bad.assert_contains("not a valid regular expression");
    bad.assert_contains("(unclosed");
    let added = admin.post(
        "/admin/rules",
        &[
            ("kind", "phrase"),
            ("pattern", "miracle tea"),
            ("action", "block"),
            ("ground_rule", "be-helpful"),
            ("message", "Please do not promote miracle tea here."),
        ],
    );
    assert_eq!(added.status, 303);
    let (member, _) = app.member("Tea Lover");
    let page = member.post("/g/hub/new", &[("title", "Tea"), ("body", "Has anyone tried Miracle Tea?")]);
    assert_eq!(page.status, 422);
    page.assert_contains("Please do not promote miracle tea here.");
    let (member_b, _) = app.member("Other Member");
    assert_eq!(member_b.get("/admin/rules").status, 404);
}

#[test]
fn a_preview_explains_and_highlights_personal_information_before_posting() {
    let app = spawn_app();
    let (member, _) = app.member("Careful Cath");
    let topic = member.start_topic("hub", "Letters", "My letter came today.");
    let preview = member.post(
        &format!("/t/{topic}/reply"),
        &[("body", "Mine says **NHS** 943 476 5919, ring me on 07700 900123"), ("preview", "yes")],
    );
    assert_eq!(preview.status, 200);
    preview.assert_contains("Before you post");
    preview.assert_contains("This looks like an NHS number. Everyone in the group can read your post");
    preview.assert_contains("<mark>943 476 5919");
    preview.assert_contains("<mark>07700 900123");
    preview.assert_contains("<strong>NHS</strong>");
    // Nothing was posted, and the text is still in the form.
    preview.assert_contains(">Mine says **NHS** 943 476 5919, ring me on 07700 900123</textarea>");
    member.get("/me/posts").assert_lacks("Waiting for a moderator");
    // A clean preview has no warning.
    let clean =
        member.post("/g/hub/new", &[("title", "Hello"), ("body", "3 cycles of FEC-T done!"), ("preview", "yes")]);
    assert_eq!(clean.status, 200);
    clean.assert_lacks("Before you post");
    clean.assert_contains("3 cycles of FEC-T done!");
}

#[test]
fn flood_control_slows_newcomers_and_catches_duplicates_but_keeps_their_text() {
    let app = spawn_app();
    let (member, _) = app.member("Speedy Sue");
    let topic = member.start_topic("hub", "Quick fire", "One.");
    member.reply(topic, "Two.");
    let duplicate = member.post(&format!("/t/{topic}/reply"), &[("body", "Two.")]);
    assert_eq!(duplicate.status, 422);
    duplicate.assert_contains("already posted exactly this");
    member.reply(topic, "Three.");
    let flood = member.post(&format!("/t/{topic}/reply"), &[("body", "Four, too soon.")]);
    assert_eq!(flood.status, 422);
    flood.assert_contains("You are posting very quickly");
    flood.assert_contains("Four, too soon.");
    // Changing a post is not posting again: personal details can always be taken out.
    let page = member.get(&format!("/t/{topic}"));
    let three = crate::helpers::id_in_link_before(&page.body, "id=\"p", "Three.");
    let edited = member.post(&format!("/p/{three}/edit"), &[("body", "Three, edited.")]);
    assert_eq!(edited.status, 303, "{}", edited.body);
}

#[test]
fn suspended_members_read_but_do_not_post_and_banned_ones_cannot_sign_in() {
    let app = spawn_app();
    let (member, email) = app.member("Rowdy Rita");
    let topic = member.start_topic("hub", "Opinions", "I have many.");
    let (admin, _) = app.admin("Sheriff");
    let members = admin.get("/admin/members").body;
    let rita = crate::helpers::id_in_link_before(&members, "/admin/members/", "Rowdy Rita");
    let missing = admin.post(&format!("/mod/members/{rita}"), &[("action", "suspend"), ("days", "7")]);
    assert_eq!(missing.status, 422);
    missing.assert_contains("Write the reason");
    admin.post(&format!("/mod/members/{rita}"), &[("action", "note"), ("reason", "Third heated thread this week")]);
    let done = admin
        .post(&format!("/mod/members/{rita}"), &[("action", "suspend"), ("days", "7"), ("reason", "Personal attacks")]);
    assert_eq!(done.status, 303);
    let file = admin.get(&format!("/mod/members/{rita}"));
    file.assert_contains("Third heated thread this week");
    file.assert_contains("Suspended until");

    app.client().get(&format!("/t/{topic}")).assert_contains("I have many.");
    let refused = member.post(&format!("/t/{topic}/reply"), &[("body", "Let me post!")]);
    assert_eq!(refused.status, 403);
    refused.assert_contains("You can read the forum but not post until");
    refused.assert_contains("Personal attacks");
    member.get("/me/posts").assert_contains("not post until");

    admin.post(&format!("/mod/members/{rita}"), &[("action", "lift")]);
    member.reply(topic, "Thank you, I will be kinder.");

    admin.post(&format!("/mod/members/{rita}"), &[("action", "ban"), ("reason", "Repeated abuse")]);
    member.get("/").assert_lacks("Signed in as");
    let login = app.client().login(&email, crate::helpers::PASSWORD).unwrap_err();
    login.assert_contains("This account has been closed by the moderators.");
    // Moderators who are not admins cannot ban.
    let (helper, _) = app.member("Helper Hal");
    let hal = crate::helpers::id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", "Helper Hal");
    let hub = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    admin.post(&format!("/admin/members/{hal}"), &[("moderates", &hub)]);
    helper.enable_two_factor("helper.hal@example.org");
    assert_eq!(helper.post(&format!("/mod/members/{rita}"), &[("action", "ban"), ("reason", "x")]).status, 404);
}

#[test]
fn a_locked_topic_takes_no_replies_except_from_moderators() {
    let app = spawn_app();
    let (member, _) = app.member("Chatty Cathy");
    let topic = member.start_topic("hub", "Old thread", "Started long ago.");
    let (admin, _) = app.admin("Locksmith");
    assert_eq!(member.post(&format!("/t/{topic}/lock"), &[("locked", "yes")]).status, 404);
    assert_eq!(admin.post(&format!("/t/{topic}/lock"), &[("locked", "yes")]).status, 303);
    let page = member.get(&format!("/t/{topic}"));
    page.assert_contains("Closed to new replies");
    page.assert_lacks("Post reply");
    assert_eq!(member.post(&format!("/t/{topic}/reply"), &[("body", "Still here")]).status, 403);
    admin.reply(topic, "Closing this one; please start a new topic.");
}

#[test]
fn an_appeal_goes_to_a_different_moderator_once() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (author, _) = app.member("Appealing Ada");
    author.post("/g/hub/new", &[("title", "My story"), ("body", "It was a hard year.")]);
    let (admin, _) = app.admin("Head Moderator");
    let (first, _) = app.member("First Volunteer");
    let first_id =
        crate::helpers::id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", "First Volunteer");
    let hub = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    admin.post(&format!("/admin/members/{first_id}"), &[("moderates", &hub)]);
    first.enable_two_factor("first.volunteer@example.org");

    let item = queue_item_id(&first.get("/mod/queue").body);
    decide(&first, &item, &[("action", "reject"), ("rule", "be-helpful")]);
    let own = author.get("/me/posts");
    let topic = between(&own.body, "href=\"/t/", "#").unwrap();
    author.get(&format!("/t/{topic}")).assert_contains("ask another moderator to look again");
    let appealed = author.post(&format!("/p/{item}/appeal"), &[]);
    assert_eq!(appealed.status, 200);
    appealed.assert_contains("A different moderator will look");
    assert_eq!(author.post(&format!("/p/{item}/appeal"), &[]).status, 404, "once only");

    first.get("/mod/queue").assert_lacks("My story");
    assert_eq!(first.get(&format!("/mod/queue/{item}")).status, 404);
    let queue = admin.get("/mod/queue");
    queue.assert_contains("Appeal");
    decide(&admin, &item, &[("action", "approve")]);
    app.client().get(&format!("/t/{topic}")).assert_contains("It was a hard year.");
    admin.get("/mod/log?action=appeal").assert_contains("<td>appeal</td>");
}

#[test]
fn claims_keep_volunteers_apart_escalation_reaches_admins_and_decisions_can_be_undone() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (author, _) = app.member("Patient Pam");
    author.post("/g/hub/new", &[("title", "Claimable"), ("body", "First version.")]);
    let (admin, _) = app.admin("Boss");
    let hub = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    let mut mods = Vec::new();
    for name in ["Volunteer One", "Volunteer Two"] {
        let (m, _) = app.member(name);
        let id = crate::helpers::id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", name);
        admin.post(&format!("/admin/members/{id}"), &[("moderates", &hub)]);
        m.enable_two_factor(&format!("{}@example.org", name.to_lowercase().replace(' ', ".")));
        mods.push(m);
    }
    let item = queue_item_id(&mods[0].get("/mod/queue").body);
    assert_eq!(decide(&mods[0], &item, &[("action", "claim")]).status, 303);
    mods[0].get(&format!("/mod/queue/{item}")).assert_contains("Being looked at by a moderator until");
    mods[1].get("/mod/queue").assert_contains("Being looked at by a moderator until");
    let blocked = decide(&mods[1], &item, &[("action", "approve")]);
    assert_eq!(blocked.status, 422);
    blocked.assert_contains("Another moderator is looking at this post");

    // The claimer approves, then undoes it: the post waits again and is not public.
    let approved = decide(&mods[0], &item, &[("action", "approve")]);
    let queue = mods[0].follow(&approved);
    queue.assert_contains("Undo");
    assert_eq!(mods[1].post(&format!("/mod/queue/{item}/undo"), &[]).location(), "/mod/queue?done=too-late");
    assert_eq!(mods[0].post(&format!("/mod/queue/{item}/undo"), &[]).location(), "/mod/queue?done=undo");
    app.client().get("/g/hub").assert_lacks("Claimable");
    author.get("/me/posts").assert_contains("taking another look");

    // The author changes it; the moderator sees what changed, and passes it to the admins.
    author.post(&format!("/p/{item}/edit"), &[("title", "Claimable"), ("body", "Second version.")]);
    let page = mods[1].get(&format!("/mod/queue/{item}"));
    page.assert_contains("What changed since a moderator last saw it");
    page.assert_contains("<del><span class=\"visually-hidden\">Removed: </span>First version.</del>");
    page.assert_contains("<ins><span class=\"visually-hidden\">Added: </span>Second version.</ins>");
    assert_eq!(
        decide(&mods[1], &item, &[("action", "escalate"), ("note", "Unsure")]).location(),
        "/mod/queue?done=escalate"
    );
    mods[1].get("/mod/queue").assert_lacks("Claimable");
    admin.get("/mod/queue").assert_contains("Escalated to admins");
}

#[test]
fn redaction_covers_the_title_and_survives_censoring() {
    let app = spawn_app();
    let (member, _) = app.member("Open Olive");
    let held = member.post(
        "/g/hub/new",
        &[
            ("title", "Call me on 07700 900123"),
            ("body", "What a cunt of a day. My NHS number is 943 476 5919, sorry."),
        ],
    );
    assert_eq!(held.status, 202);
    let (admin, _) = app.admin("Tidy Admin");
    let queue = admin.get("/mod/queue");
    let item = queue_item_id(&queue.body);
    admin.get(&format!("/mod/queue/{item}")).assert_contains("<mark title=\"PHONE\">07700 900123");
    decide(&admin, &item, &[("action", "redact")]);
    let group = app.client().get("/g/hub");
    group.assert_contains("Call me on [phone number removed by a moderator]");
    group.assert_lacks("07700");
    let topic = between(&group.body, "<a href=\"/t/", "\"").unwrap();
    let page = app.client().get(&format!("/t/{topic}"));
    page.assert_contains("What a [removed] of a day. My NHS number is [NHS number removed by a moderator], sorry.");
    page.assert_lacks("5919");
}

#[test]
fn a_decision_never_applies_to_text_the_moderator_did_not_see() {
    let app = spawn_app();
    app.hold_everything("hub");
    let (author, _) = app.member("Changing Chloe");
    author.post("/g/hub/new", &[("title", "Draft"), ("body", "Version one.")]);
    let (admin, _) = app.admin("Reader");
    let item = queue_item_id(&admin.get("/mod/queue").body);
    let page = admin.get(&format!("/mod/queue/{item}"));
    let seen = between(&page.body, "name=\"seen\" value=\"", "\"").unwrap();
    author.post(&format!("/p/{item}/edit"), &[("title", "Draft"), ("body", "Version two, with something new.")]);
    let stale = admin.post(&format!("/mod/queue/{item}"), &[("seen", &seen), ("action", "approve")]);
    assert_eq!(stale.status, 422);
    stale.assert_contains("The author changed this post while you were reading it");
    stale.assert_contains("Version two, with something new.");
    app.client().get("/g/hub").assert_lacks("Draft");
}

#[test]
fn an_urgent_post_is_never_dropped_by_flood_control() {
    let app = spawn_app();
    let (member, _) = app.member("Hurried Hal");
    let topic = member.start_topic("hub", "Busy", "One.");
    member.reply(topic, "Two.");
    member.reply(topic, "Three.");
    let urgent =
        member.post(&format!("/t/{topic}/reply"), &[("body", "I have saved up my tablets and tonight's the night.")]);
    assert_eq!(urgent.status, 202, "held in the urgent lane, not blocked");
    urgent.assert_contains("A moderator will read your post very soon");
    let (admin, _) = app.admin("Watcher");
    admin.get("/mod/queue").assert_contains("Urgent: plan or means");
}

#[test]
fn group_moderators_see_only_their_own_members_files_and_log() {
    let app = spawn_app();
    app.hold_everything("fertility");
    let (admin, _) = app.admin("Top Admin");
    let (hub_mod, _) = app.member("Hub Keeper");
    let (other, _) = app.member("Fertility Fran");
    other.post("/g/fertility/new", &[("title", "Private worry"), ("body", "Something personal.")]);
    let members = admin.get("/admin/members").body;
    let keeper = crate::helpers::id_in_link_before(&members, "/admin/members/", "Hub Keeper");
    let fran = crate::helpers::id_in_link_before(&members, "/admin/members/", "Fertility Fran");
    let hub = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    admin.post(&format!("/admin/members/{keeper}"), &[("moderates", &hub)]);
    hub_mod.enable_two_factor("hub.keeper@example.org");
    let item = queue_item_id(&admin.get("/mod/queue").body);
    decide(&admin, &item, &[("action", "reject"), ("rule", "be-helpful"), ("note", "Fertility note")]);

    // Fran never posted in Hub: her file and sanctions are not the Hub moderator's business.
    assert_eq!(hub_mod.get(&format!("/mod/members/{fran}")).status, 404);
    assert_eq!(
        hub_mod.post(&format!("/mod/members/{fran}"), &[("action", "suspend"), ("days", "3"), ("reason", "x")]).status,
        404
    );
    assert_eq!(hub_mod.get(&format!("/mod/members/{keeper}")).status, 404, "moderators' files are for admins");
    // The log shows a group moderator only their groups' actions.
    let log = hub_mod.get("/mod/log");
    log.assert_lacks("<td>reject</td>");
    log.assert_lacks("<td>set moderator groups</td>");
    let full = admin.get("/mod/log");
    full.assert_contains("<td>reject</td>");
    full.assert_contains("<td>set moderator groups</td>");
    admin.get(&format!("/mod/members/{fran}")).assert_contains("Fertility Fran");
}

#[test]
fn admins_keep_the_helplines_that_are_allowed_and_offered_by_kind() {
    let app = spawn_app();
    let (admin, _) = app.admin("Helpline Admin");
    let (member, _) = app.member("Local Lou");
    // A local number is personal until admins list it.
    let text = "The Maggie's centre drop-in line is 0161 496 0123, they were lovely.";
    let held = member.post("/g/hub/new", &[("title", "Drop-in"), ("body", text)]);
    assert_eq!(held.status, 202, "{}", held.body);

    assert_eq!(member.get("/admin/helplines").status, 404);
    let bad = admin.post("/admin/helplines", &[("name", "Maggie's Manchester"), ("number", "call us")]);
    assert_eq!(bad.status, 422);
    bad.assert_contains("Write the number with digits and spaces only");
    bad.assert_contains("value=\"Maggie&#39;s Manchester\"");
    let added = admin
        .post("/admin/helplines", &[("name", "Maggie's Manchester"), ("number", "0161 496 0123"), ("position", "20")]);
    assert_eq!(added.location(), "/admin/helplines");
    let again = format!("{text} Ring them!");
    let live = member.post("/g/hub/new", &[("title", "Drop-in again"), ("body", &again)]);
    assert_eq!(live.status, 303, "a listed helpline is not personal information: {}", live.body);

    // The help an author sees matches the crisis, from the same list.
    let abuse = member.post(
        "/g/hub/new",
        &[("title", "Scared"), ("body", "He hit me again tonight and says he will kill me if I tell anyone.")],
    );
    assert_eq!(abuse.status, 200, "urgent but without plan details: live, with help at once");
    abuse.assert_contains("Your post is live, and help is here now");
    abuse.assert_contains("National Domestic Abuse Helpline: 0808 2000 247");
    abuse.assert_lacks("Shout");
    admin.get("/mod/log?action=helpline").assert_contains("added: Maggie");
}

#[test]
fn admins_tune_how_many_reports_hide_a_post() {
    let app = spawn_app();
    let (admin, _) = app.admin("Tuning Admin");
    let bad = admin
        .post("/admin/settings", &[("flags_to_hide", "zero"), ("queue_alert_minutes", "30"), ("badge_months", "12")]);
    assert_eq!(bad.status, 422);
    bad.assert_contains("Write a whole number from 1 to 20.");
    bad.assert_contains("value=\"zero\"");
    let saved =
        admin.post("/admin/settings", &[("flags_to_hide", "2"), ("queue_alert_minutes", "30"), ("badge_months", "12")]);
    assert_eq!(saved.location(), "/admin/settings?saved=1");
    admin.get("/mod/log?action=setting").assert_contains("flags_to_hide");

    let (author, _) = app.member("Tuned Tom");
    let topic = author.start_topic("hub", "Two reports", "An opinion some may dislike.");
    let post = between(&author.get(&format!("/t/{topic}")).body, "id=\"p", "\"").unwrap();
    for name in ["First Flagger", "Second Flagger"] {
        let (r, _) = app.member(name);
        r.post(&format!("/p/{post}/flag"), &[("reason", "rule")]);
    }
    assert_eq!(app.client().get(&format!("/t/{topic}")).status, 404, "hidden after two reports");
    let (member, _) = app.member("Plain Paula");
    assert_eq!(member.get("/admin/settings").status, 404);
}

#[test]
fn the_navigation_counts_a_long_queue_up_to_a_hundred_with_every_urgent_post() {
    use forum::db::schema::posts;
    let app = spawn_app();
    let (admin, _) = app.admin("Nav Admin");
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    forum::synthetic::seed(&mut conn, 1500, |_, _| {}).unwrap();
    diesel::update(posts::table).set((posts::status.eq("live"), posts::urgent.eq(false))).execute(&mut conn).unwrap();
    let replies: Vec<i64> = posts::table
        .filter(posts::is_opening.eq(false))
        .order(posts::id.asc())
        .select(posts::id)
        .limit(150)
        .load(&mut conn)
        .unwrap();
    assert_eq!(replies.len(), 150);
    diesel::update(posts::table.filter(posts::id.eq_any(&replies)))
        .set(posts::status.eq("pending"))
        .execute(&mut conn)
        .unwrap();
    // The two newest held posts are urgent: a capped count still holds both.
    diesel::update(posts::table.filter(posts::id.eq_any(&replies[148..])))
        .set(posts::urgent.eq(true))
        .execute(&mut conn)
        .unwrap();
    admin.get("/").assert_contains("(100+ waiting, 2 urgent)");
    // A short queue is counted exactly.
    diesel::update(posts::table.filter(posts::id.eq_any(&replies[..100])))
        .set(posts::status.eq("live"))
        .execute(&mut conn)
        .unwrap();
    admin.get("/").assert_contains("(50 waiting, 2 urgent)");
}
