//! The page cache for visitors without a session: what they read is served again until
//! anything changes, and every change shows at once.

use crate::helpers::{id_in_link_before, spawn_app};

#[test]
fn signed_out_readers_see_every_change_at_once() {
    let app = spawn_app();
    let (admin, _) = app.admin("Cache Admin");
    let (member, _) = app.member("Caching Cath");
    let topic = member.start_topic("hub", "Radiotherapy tiredness", "How long did the tiredness last?");
    let reader = app.client();
    let path = format!("/t/{topic}");
    reader.get(&path).assert_lacks("About six weeks");
    app.client().get("/g/hub").assert_contains("Radiotherapy tiredness");

    // A reply, an edit and a removal each show on the next anonymous view of every page.
    let reply = member.reply(topic, "About six weeks for me, with a nap most afternoons.");
    reader.get(&path).assert_contains("About six weeks");
    let edited =
        member.post(&format!("/p/{reply}/edit"), &[("body", "About two months for me, with a nap most afternoons.")]);
    assert_eq!(edited.status, 303, "{}", edited.body);
    let page = reader.get(&path);
    page.assert_contains("About two months");
    page.assert_lacks("About six weeks");
    assert_eq!(admin.post(&format!("/p/{reply}/remove"), &[("rule", "be-helpful")]).status, 303);
    reader.get(&path).assert_lacks("About two months");
    let opening = id_in_link_before(&reader.get(&path).body, "id=\"p", "How long did");
    assert_eq!(admin.post(&format!("/p/{opening}/remove"), &[("rule", "be-helpful")]).status, 303);
    assert_eq!(reader.get(&path).status, 404, "a removed topic is gone for anonymous readers too");
    app.client().get("/g/hub").assert_lacks("Radiotherapy tiredness");
}

#[test]
fn kept_pages_carry_no_form_token_and_are_never_shown_to_members() {
    let app = spawn_app();
    let (member, _) = app.member("Signed In Sian");
    let topic = member.start_topic("hub", "Scarves", "Where do you buy soft scarves?");
    for path in ["/".to_owned(), "/g/hub".to_owned(), format!("/t/{topic}")] {
        // Twice: rendered, then served from the cache.
        for _ in 0..2 {
            let page = app.client().get(&path);
            assert_eq!(page.status, 200, "{path}");
            page.assert_lacks("name=\"csrf\"");
            page.assert_contains("Sign in");
        }
        let own = member.get(&path);
        own.assert_contains("Signed in as");
        own.assert_lacks(">Sign in<");
    }
    // Members see their own reply box on the topic, never an anonymous copy of the page.
    member.get(&format!("/t/{topic}")).assert_contains("name=\"csrf\"");
}
