//! Topics and replies: posting, quoting, editing with history, deleting, paging, and limits.

use crate::helpers::{between, spawn_app};

#[test]
fn a_reply_quotes_another_post_and_the_topic_rises_to_the_top() {
    let app = spawn_app();
    let (ann, _) = app.member("Ann Quoter");
    let older = ann.start_topic("hub", "Older topic", "I was first.");
    let newer = ann.start_topic("hub", "Newer topic", "I came second.");
    let group = app.client().get("/g/hub");
    assert!(group.body.find("Newer topic").unwrap() < group.body.find("Older topic").unwrap());

    let (bob, _) = app.member("Bob Replier");
    let first_post = between(&bob.get(&format!("/t/{older}")).body, "id=\"p", "\"").unwrap();
    let quoting = bob.get(&format!("/t/{older}?quote={first_post}"));
    quoting.assert_contains("&#62; **Ann Quoter** wrote:");
    quoting.assert_contains("&#62; I was first.");
    bob.reply(older, "> **Ann Quoter** wrote:\n>\n> I was first.\n\nAnd I replied.");
    let topic = app.client().get(&format!("/t/{older}"));
    topic.assert_contains("<blockquote>");
    topic.assert_contains("And I replied.");
    // Activity order: the replied-to topic is now first, with its reply counted.
    let group = app.client().get("/g/hub");
    assert!(group.body.find("Older topic").unwrap() < group.body.find("Newer topic").unwrap());
    group.assert_contains("1 reply");
    let _ = newer;
}

#[test]
fn an_author_edits_their_post_and_moderators_can_read_the_earlier_version() {
    let app = spawn_app();
    let (author, _) = app.member("Editing Edie");
    let topic = author.start_topic("hub", "My first title", "My first words.");
    let post_id = between(&author.get(&format!("/t/{topic}")).body, "id=\"p", "\"").unwrap();

    let (stranger, _) = app.member("Not The Author");
    assert_eq!(stranger.get(&format!("/p/{post_id}/edit")).status, 403);
    assert_eq!(stranger.post(&format!("/p/{post_id}/edit"), &[("title", "x"), ("body", "hijacked")]).status, 403);

    let form = author.get(&format!("/p/{post_id}/edit"));
    form.assert_contains("My first words.");
    let saved = author.post(&format!("/p/{post_id}/edit"), &[("title", "A better title"), ("body", "Better words.")]);
    assert_eq!(saved.status, 303);
    let page = app.client().get(&format!("/t/{topic}"));
    page.assert_contains("A better title");
    page.assert_contains("Better words.");
    page.assert_contains("edited");
    page.assert_lacks("My first words.");

    // Only the group's moderators see history.
    assert_eq!(stranger.get(&format!("/p/{post_id}/history")).status, 404);
    let (admin, _) = app.admin("History Admin");
    let (hub_moderator, _) = app.member("Hub Volunteer");
    let (other_moderator, _) = app.member("Other Volunteer");
    let groups = admin.get("/admin/groups").body;
    let members = admin.get("/admin/members").body;
    for (name, group) in [("Hub Volunteer", "Hub"), ("Other Volunteer", "Fertility")] {
        let member_id = crate::helpers::id_in_link_before(&members, "/admin/members/", name);
        let marker = format!("<span class=\"visually-hidden\"> {group}<");
        let group_id = crate::helpers::id_in_link_before(&groups, "/admin/groups/", &marker);
        admin.post(&format!("/admin/members/{member_id}"), &[("moderates", &group_id)]);
    }
    hub_moderator.enable_two_factor("hub.volunteer@example.org");
    other_moderator.enable_two_factor("other.volunteer@example.org");
    hub_moderator.get(&format!("/p/{post_id}/history")).assert_contains("My first words.");
    assert_eq!(other_moderator.get(&format!("/p/{post_id}/history")).status, 404, "a moderator of another group");
    let history = admin.get(&format!("/p/{post_id}/history"));
    assert_eq!(history.status, 200);
    history.assert_contains("My first words.");
    history.assert_contains("My first title");
    history.assert_contains("Better words.");
}

#[test]
fn deleting_a_post_hides_it_from_everyone_and_keeps_the_row() {
    let app = spawn_app();
    let (author, _) = app.member("Deleting Dot");
    let topic = author.start_topic("hub", "Keep this topic", "The opening post.");
    let reply = author.reply(topic, "A reply I regret.");
    assert_eq!(author.get(&format!("/p/{reply}/delete")).status, 200);
    let done = author.post(&format!("/p/{reply}/delete"), &[]);
    assert_eq!(done.status, 303);
    let page = app.client().get(&format!("/t/{topic}"));
    page.assert_contains("The opening post.");
    page.assert_lacks("A reply I regret.");
    // A second click changes nothing, and the counts stay true.
    assert_eq!(author.post(&format!("/p/{reply}/delete"), &[]).status, 404);
    let group = app.client().get("/g/hub");
    group.assert_contains("0 replies");
    group.assert_lacks("-1 replies");

    use diesel::prelude::*;
    use forum::db::schema::posts;
    let pool = crate::helpers::pool(&app);
    let status: String = posts::table.find(reply).select(posts::status).first(&mut pool.get().unwrap()).unwrap();
    assert_eq!(status, "deleted", "a soft delete: moderators and the audit still have it");

    // Deleting the opening post takes the topic off the group page.
    let opening = between(&author.get(&format!("/t/{topic}")).body, "id=\"p", "\"").unwrap();
    author.post(&format!("/p/{opening}/delete"), &[]);
    app.client().get("/g/hub").assert_lacks("Keep this topic");
    assert_eq!(app.client().get(&format!("/t/{topic}")).status, 404);
}

#[test]
fn topics_show_25_posts_a_page_and_groups_30_topics_a_page() {
    let app = spawn_app();
    // Flood control never slows moderators; an admin may post this much this fast.
    let (member, _) = app.admin("Prolific Poster");
    let topic = member.start_topic("hub", "A long conversation", "Post number 0");
    for n in 1..=24 {
        member.reply(topic, &format!("Post number {n}"));
    }
    // The 26th post opens page 2, and the author is taken there.
    let last = member.post(&format!("/t/{topic}/reply"), &[("body", "Post number 25")]);
    assert!(last.location().starts_with(&format!("/t/{topic}?page=2#p")), "{}", last.location());
    let first = app.client().get(&format!("/t/{topic}"));
    first.assert_contains("Post number 24<");
    first.assert_lacks("Post number 25<");
    first.assert_contains("Page 1 of 2");
    let second = app.client().get(&format!("/t/{topic}?page=2"));
    second.assert_contains("Post number 25<");
    second.assert_lacks("Post number 24<");
    assert_eq!(app.client().get(&format!("/t/{topic}?page=3")).status, 404);

    for n in 1..=31 {
        member.start_topic("moving-on", &format!("Topic {n:02}"), "Short.");
    }
    let group = app.client().get("/g/moving-on");
    group.assert_contains("Topic 31");
    group.assert_contains("Topic 02");
    group.assert_lacks("Topic 01");
    app.client().get("/g/moving-on?page=2").assert_contains("Topic 01");
}

#[test]
fn oversized_titles_and_posts_come_back_with_what_was_typed() {
    let app = spawn_app();
    let (member, _) = app.member("Wordy Wendy");
    let title = "t".repeat(201);
    let page = member.post("/g/hub/new", &[("title", &title), ("body", "My careful words")]);
    assert_eq!(page.status, 422);
    page.assert_contains("Keep the title to 200 characters or fewer");
    page.assert_contains(&title);
    page.assert_contains("My careful words");

    let body = "b".repeat(20_001);
    let page = member.post("/g/hub/new", &[("title", "Fine title"), ("body", &body)]);
    assert_eq!(page.status, 422);
    page.assert_contains("Keep a post to 20000 characters or fewer");
    page.assert_contains("value=\"Fine title\"");
    page.assert_contains(&body);

    let topic = member.start_topic("hub", "Fine title", "Fine body");
    let reply = member.post(&format!("/t/{topic}/reply"), &[("body", &body)]);
    assert_eq!(reply.status, 422);
    reply.assert_contains(&body);

    let huge = "h".repeat(300 * 1024);
    let page = member.post(&format!("/t/{topic}/reply"), &[("body", &huge)]);
    assert_eq!(page.status, 413);
    page.assert_contains("That is too long to send");
}

#[test]
fn unknown_pages_get_a_friendly_404() {
    let app = spawn_app();
    for path in ["/t/999999", "/t/not-a-number", "/g/no-such-group", "/p/123456/edit", "/nowhere"] {
        let page = app.client().get(path);
        assert_eq!(page.status, 404, "{path}");
        page.assert_contains("Page not found");
    }
}

#[test]
fn markdown_is_rendered_once_and_scripts_never_reach_the_page() {
    let app = spawn_app();
    let (member, _) = app.member("Script Kiddie");
    let topic = member.start_topic(
        "hub",
        "<script>alert('title')</script>",
        "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n<img src=x onerror=alert(3)>",
    );
    let page = app.client().get(&format!("/t/{topic}"));
    page.assert_lacks("<script>alert");
    page.assert_lacks("javascript:");
    page.assert_lacks("onerror");
    page.assert_contains("<h1>&#60;script&#62;alert(&#39;title&#39;)&#60;/script&#62;</h1>");

    use diesel::prelude::*;
    use forum::db::schema::posts;
    let pool = crate::helpers::pool(&app);
    let stored: String = posts::table
        .filter(posts::topic_id.eq(topic))
        .select(posts::body_html)
        .first(&mut pool.get().unwrap())
        .unwrap();
    assert!(stored.contains("<a rel=\"nofollow ugc noopener noreferrer\">click</a>"), "{stored}");
}

#[test]
fn every_post_passes_through_screen_and_carries_its_status() {
    use diesel::prelude::*;
    use forum::db::schema::{posts, topics};
    let app = spawn_app();
    let (member, _) = app.member("Status Sue");
    let topic = member.start_topic("hub", "Status", "Opening");
    member.reply(topic, "Reply");
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let statuses: Vec<(String, String)> = posts::table
        .filter(posts::topic_id.eq(topic))
        .select((posts::status, posts::findings))
        .load(&mut conn)
        .unwrap();
    assert_eq!(statuses, vec![("live".to_owned(), "[]".to_owned()), ("live".to_owned(), "[]".to_owned())]);
    let topic_status: String = topics::table.find(topic).select(topics::status).first(&mut conn).unwrap();
    assert_eq!(topic_status, "live");

    // A held post (as moderation will produce) is not shown to others, nor counted.
    let reply_id: i64 = posts::table
        .filter(posts::topic_id.eq(topic))
        .filter(posts::is_opening.eq(false))
        .select(posts::id)
        .first(&mut conn)
        .unwrap();
    assert!(forum::posting::set_status(&mut conn, reply_id, "live", forum::posting::PostStatus::Pending).unwrap());
    app.client().get("/g/hub").assert_contains("0 replies");
    let page = app.client().get(&format!("/t/{topic}"));
    assert_eq!(page.status, 200);
    page.assert_contains("Opening");
    page.assert_lacks("Reply<");

    // Its author edits it; screening passes it, so it goes live and is counted again.
    let edited = member.post(&format!("/p/{reply_id}/edit"), &[("body", "Reply, resubmitted")]);
    assert_eq!(edited.status, 303, "{}", edited.body);
    app.client().get(&format!("/t/{topic}")).assert_contains("Reply, resubmitted");
    app.client().get("/g/hub").assert_contains("1 reply");
}
