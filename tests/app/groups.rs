//! Groups: the seeded defaults, who may read what, and joining a private group.

use crate::helpers::spawn_app;

#[test]
fn the_home_page_lists_the_five_seeded_groups_with_what_they_are_for() {
    let app = spawn_app();
    let home = app.client().get("/");
    assert_eq!(home.status, 200);
    for (name, purpose) in [
        ("Breast screening", "Going for a mammogram"),
        ("Secondaries", "Living with secondary"),
        ("Fertility", "Fertility and pregnancy"),
        ("Hub", "Introductions and general support"),
        ("Moving on", "Life after treatment"),
    ] {
        home.assert_contains(name);
        home.assert_contains(purpose);
    }
    home.assert_contains("Private: members ask to join");
    // Each group has its own rules on top of the site's.
    let group = app.client().get("/g/breast-screening");
    group.assert_contains("This group's ground rules");
    group.assert_contains("Mammographers and radiographers answer here");
    app.client().get("/rules").assert_contains("Protect personal health information");
}

#[test]
fn private_content_is_invisible_to_everyone_but_approved_members() {
    let app = spawn_app();
    let (admin, _) = app.admin("Forum Admin");
    let topic = admin.start_topic("secondaries", "Scan results tomorrow", "A private worry about my liver scan.");

    let (outsider, _) = app.member("Curious Cat");
    let anonymous = app.client();
    for viewer in [&outsider, &anonymous] {
        let home = viewer.get("/");
        home.assert_lacks("Scan results tomorrow");
        // No counts for a group the viewer cannot read (the others show theirs).
        let card = home.body.split("/g/secondaries").nth(1).unwrap().split("</li>").next().unwrap().to_owned();
        assert!(!card.contains("topics ·"), "counts leaked: {card}");
        let group = viewer.get("/g/secondaries");
        assert_eq!(group.status, 200, "the group's purpose is public so people can ask to join");
        group.assert_lacks("Scan results tomorrow");
        // Even a page number beyond the group's topics says nothing about how many there are.
        assert_eq!(viewer.get("/g/secondaries?page=5").status, 200);
        let page = viewer.get(&format!("/t/{topic}"));
        assert_eq!(page.status, 404, "not 403: the viewer may not know it exists");
        page.assert_lacks("Scan results tomorrow");
        page.assert_contains("Page not found");
    }
    // A request to join is not membership.
    let asked = outsider.post("/g/secondaries/join", &[]);
    assert_eq!(asked.status, 303);
    outsider.get("/g/secondaries").assert_contains("Your request to join is waiting");
    assert_eq!(outsider.get(&format!("/t/{topic}")).status, 404);
    assert_eq!(outsider.post(&format!("/t/{topic}/reply"), &[("body", "hello")]).status, 404);

    // A moderator approves; now the member reads and replies.
    let queue = admin.get("/mod/requests");
    queue.assert_contains("Curious Cat");
    let request_id = crate::helpers::between(&queue.body, "action=\"/mod/requests/", "\"").unwrap();
    let approved = admin.post(&format!("/mod/requests/{request_id}"), &[("decision", "approve")]);
    assert_eq!(approved.status, 303);
    outsider.get(&format!("/t/{topic}")).assert_contains("A private worry about my liver scan.");
    outsider.reply(topic, "Thinking of you.");
    outsider.get("/").assert_contains("You are a member");
    // Still invisible to the anonymous visitor.
    assert_eq!(anonymous.get(&format!("/t/{topic}")).status, 404);
}

#[test]
fn members_only_groups_ask_anonymous_readers_to_sign_in() {
    let app = spawn_app();
    let (member, _) = app.member("Fertile Ground");
    let topic = member.start_topic("fertility", "Egg freezing before chemo", "Did anyone freeze eggs first?");
    let anonymous = app.client();
    let group = anonymous.get("/g/fertility");
    assert_eq!(group.status, 303);
    assert_eq!(group.location(), "/login?next=%2Fg%2Ffertility");
    let page = anonymous.get(&format!("/t/{topic}"));
    assert_eq!(page.status, 303);
    page.assert_lacks("Egg freezing");
    let (other, _) = app.member("Other Member");
    other.get(&format!("/t/{topic}")).assert_contains("Did anyone freeze eggs first?");
}

#[test]
fn a_group_moderator_decides_requests_only_for_their_own_groups() {
    let app = spawn_app();
    let (admin, _) = app.admin("Chief Admin");
    let (moderator, _) = app.member("Helpful Helen");
    let (asker, _) = app.member("New Nina");
    asker.post("/g/secondaries/join", &[]);

    // Not yet a moderator: the page does not exist for her.
    assert_eq!(moderator.get("/mod/requests").status, 404);

    // Make Helen moderator of Hub only: she still cannot see or decide the Secondaries request.
    let members = admin.get("/admin/members");
    let helen_id = crate::helpers::id_in_link_before(&members.body, "/admin/members/", "Helpful Helen");
    let hub_id = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Hub<",
    );
    admin.post(&format!("/admin/members/{helen_id}"), &[("moderates", &hub_id)]);
    moderator.enable_two_factor("helpful.helen@example.org");
    let queue = moderator.get("/mod/requests");
    assert_eq!(queue.status, 200);
    queue.assert_lacks("New Nina");
    let all = admin.get("/mod/requests");
    let request_id = crate::helpers::between(&all.body, "action=\"/mod/requests/", "\"").unwrap();
    let refused = moderator.post(&format!("/mod/requests/{request_id}"), &[("decision", "approve")]);
    assert_eq!(refused.status, 404, "authorisation is checked for the object, not just the page");
    assert_eq!(asker.get("/g/secondaries").status, 200);
    asker.get("/g/secondaries").assert_contains("waiting for a moderator");
}
