//! Search: stemmed words and quoted phrases, ranked, with highlighted snippets; only what the
//! viewer may read, with removed, edited and deleted text gone at once; rate-limited.

use crate::helpers::{TestApp, id_in_link_before, spawn_app};

/// Stores live replies straight into `topic`, by its author, past the web and `screen`: each is
/// an explicit id (or the next one) and its text.
fn store_live_replies(app: &TestApp, topic: i64, replies: impl IntoIterator<Item = (Option<i64>, String)>) {
    use diesel::prelude::*;
    use forum::db::schema::{posts, topics};

    let pool = crate::helpers::pool(app);
    let mut conn = pool.get().unwrap();
    let author: i64 = topics::table.find(topic).select(topics::author_id).first(&mut conn).unwrap();
    forum::db::transaction(&mut conn, |conn| {
        for (id, body) in replies {
            let reply = (
                posts::topic_id.eq(topic),
                posts::author_id.eq(author),
                posts::is_opening.eq(false),
                posts::body_html.eq(format!("<p>{body}</p>")),
                posts::body_md.eq(body),
                posts::status.eq("live"),
                posts::findings.eq("[]"),
                posts::created_at.eq(forum::db::now()),
            );
            match id {
                Some(id) => diesel::insert_into(posts::table).values((posts::id.eq(id), reply)).execute(conn)?,
                None => diesel::insert_into(posts::table).values(reply).execute(conn)?,
            };
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
}

#[test]
fn search_finds_stemmed_words_and_phrases_with_highlighted_snippets() {
    let app = spawn_app();
    let (member, _) = app.member("Searching Sue");
    let (other, _) = app.member("Answering Ann");
    member.start_topic("hub", "Waiting for results", "My scans were on Monday and I am still waiting.");
    let phrase = other.start_topic("moving-on", "Recall letter", "I have a recall appointment next week.");
    other.start_topic("moving-on", "Appointments", "My appointment is booked; the recall is for my sister.");

    let found = app.client().get("/search?q=scan");
    assert_eq!(found.status, 200);
    found.assert_contains("1 result");
    found.assert_contains("<mark>scans</mark>");
    assert!(found.body.contains("/go\"><strong>Waiting for results</strong>"), "results link to the post");
    assert!(!found.body.contains(&format!("/t/{phrase}")));

    // A quoted phrase finds the words together, not apart; unquoted, both.
    let together = app.client().get("/search?q=%22recall+appointment%22");
    together.assert_contains("Recall letter");
    together.assert_lacks(">Appointments<");
    let both = app.client().get("/search?q=recall+appointment");
    both.assert_contains("2 results");
    // A title match ranks ahead of a word deep in a body.
    let ranked = app.client().get("/search?q=appointments");
    let first = ranked.body.find("<strong>Appointments</strong>").unwrap();
    let second = ranked.body.find("<strong>Recall letter</strong>").unwrap();
    assert!(first < second, "the title match comes first");

    // The group filter, and words that are query syntax elsewhere, are just words here.
    app.client().get("/search?q=scan&group=moving-on").assert_contains("No results");
    assert_eq!(app.client().get("/search?q=NEAR(scan+OR+*)+%22").status, 200);
    app.client().get("/search").assert_lacks("results");
}

#[test]
fn search_shows_only_what_the_viewer_may_read_and_forgets_removed_text_at_once() {
    let app = spawn_app();
    let (admin, _) = app.admin("Search Admin");
    let (member, _) = app.member("Private Pam");
    member.post("/g/secondaries/join", &[]);
    let request = id_in_link_before(&admin.get("/mod/requests").body, "/mod/requests/", "Let Private Pam in");
    admin.post(&format!("/mod/requests/{request}"), &[("decision", "approve")]);
    member.start_topic("secondaries", "Capecitabine hands", "Capecitabine made my hands sore.");
    // Outsiders find nothing, and the count says nothing either.
    let outside = app.client().get("/search?q=capecitabine");
    outside.assert_contains("No results");
    outside.assert_lacks("Capecitabine hands");
    let (stranger, _) = app.member("Stranger Sam");
    stranger.get("/search?q=capecitabine").assert_contains("No results");
    member.get("/search?q=capecitabine").assert_contains("1 result");

    // Held posts are not searchable.
    app.hold_everything("hub");
    let held = member.post("/g/hub/new", &[("title", "Held back"), ("body", "Zoladex injections question.")]);
    assert_eq!(held.status, 202);
    member.get("/search?q=zoladex").assert_contains("No results");

    // Edited: the old words go, the new words come. Removed and deleted: gone at once.
    let topic = admin.start_topic("moving-on", "Hair loss", "Cold capping kept most of my hair.");
    let post = id_in_link_before(&admin.get(&format!("/t/{topic}")).body, "id=\"p", "Cold capping");
    app.client().get("/search?q=capping").assert_contains("1 result");
    app.client().get("/search?q=loss").assert_contains("1 result");
    let edited =
        admin.post(&format!("/p/{post}/edit"), &[("title", "Scalp cooling"), ("body", "Scalp cooling kept my hair.")]);
    assert_eq!(edited.status, 303, "{}", edited.body);
    app.client().get("/search?q=capping").assert_contains("No results");
    app.client().get("/search?q=loss").assert_contains("No results");
    app.client().get("/search?q=cooling").assert_contains("1 result");
    let (reader, _) = app.member("Reader Rae");
    let reply = reader.reply(topic, "Wigs from the hospital were lovely too.");
    app.client().get("/search?q=wigs").assert_contains("1 result");
    assert_eq!(admin.post(&format!("/p/{reply}/remove"), &[("rule", "be-helpful")]).status, 303);
    app.client().get("/search?q=wigs").assert_contains("No results");
    assert_eq!(admin.post(&format!("/p/{reply}/restore"), &[]).status, 303);
    app.client().get("/search?q=wigs").assert_contains("1 result");
    assert_eq!(reader.post(&format!("/p/{reply}/delete"), &[]).status, 303);
    app.client().get("/search?q=wigs").assert_contains("No results");
    // Removing the opening post takes the whole topic out of search, replies too, and back.
    reader.reply(topic, "Headscarves were easier than wigs.");
    app.client().get("/search?q=headscarves").assert_contains("1 result");
    assert_eq!(admin.post(&format!("/p/{post}/remove"), &[("rule", "be-helpful")]).status, 303);
    app.client().get("/search?q=headscarves").assert_contains("No results");
    app.client().get("/search?q=cooling").assert_contains("No results");
    assert_eq!(admin.post(&format!("/p/{post}/restore"), &[]).status, 303);
    app.client().get("/search?q=headscarves").assert_contains("1 result");
    app.client().get("/search?q=cooling").assert_contains("1 result");
    // Text that looks like markup is shown as text.
    admin.start_topic("moving-on", "Odd", "Scripted <script>alert(1)</script> words here.");
    let page = app.client().get("/search?q=scripted");
    page.assert_contains("&#60;<mark>script</mark>");
    page.assert_lacks("<script>alert(1)");
}

#[test]
fn searching_too_often_gets_a_friendly_429() {
    let app = spawn_app();
    let client = app.client();
    for i in 0..30 {
        assert_eq!(client.get(&format!("/search?q=word{i}")).status, 200);
    }
    let limited = client.get("/search?q=again");
    assert_eq!(limited.status, 429);
    limited.assert_contains("Please slow down a little");
    let wait: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // An empty search page is not a search.
    assert_eq!(client.get("/search").status, 200);
}

#[test]
fn a_burst_of_first_searches_is_counted_without_errors() {
    // Every request races to create the client's counter: none may fail for it.
    let app = &spawn_app();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..8).map(|i| s.spawn(move || app.client().get(&format!("/search?q=burst{i}")).status)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}

#[test]
fn matches_in_groups_a_reader_cannot_see_never_crowd_out_or_count_for_theirs() {
    let app = spawn_app();
    let (admin, _) = app.admin("Crowding Admin");
    let (member, _) = app.member("Open Olive");
    member.start_topic("hub", "Letrozole joints", "Letrozole made my joints ache in the mornings.");
    let private = admin.start_topic("secondaries", "Private letrozole", "Letrozole again.");
    // Far more newer matches in a private group than one search ranks.
    store_live_replies(&app, private, (0..1_100).map(|i| (None, format!("Letrozole note {i}."))));

    let outside = app.client().get("/search?q=letrozole");
    outside.assert_contains("1 result");
    outside.assert_contains("<strong>Letrozole joints</strong>");
    outside.assert_lacks("</mark> note ");
    let inside = admin.get("/search?q=letrozole");
    inside.assert_contains("More than 1000 results");
    inside.assert_contains("</mark> note 1099.");
}

#[test]
fn matches_spread_over_a_large_forum_are_all_found_newest_first() {
    let app = spawn_app();
    let (member, _) = app.member("Spread Sally");
    let topic = member.start_topic("hub", "Anastrozole and sleep", "Anastrozole keeps me awake. Exemestane too.");
    // Post ids far apart, as in a forum of 200 000 posts: PostgreSQL reads them a window of
    // 16 384 ids at a time (src/search.rs), more windows at once where matches are sparse,
    // and everything older at once where they are rarer still. 999 replies and the opening
    // post: every one counts, none twice.
    let ids = (0..300).map(|i| 200_000 - i).chain((0..300).map(|i| 170_000 - i)).chain((0..399).map(|i| 140_000 - i));
    let common = ids.map(|id| (Some(id), format!("Reply {id} about anastrozole.")));
    let rare = [120_000, 30_000].map(|id| (Some(id), format!("Reply {id} about exemestane.")));
    store_live_replies(&app, topic, common.chain(rare));

    let all = app.client().get("/search?q=anastrozole");
    all.assert_contains("1000 results");
    all.assert_lacks("More than");
    let rare = app.client().get("/search?q=exemestane");
    rare.assert_contains("3 results");
    // Equal scores: the newer reply first.
    let newer = rare.body.find("Reply 120000 about").expect("the newer rare reply");
    let older = rare.body.find("Reply 30000 about").expect("the older rare reply");
    assert!(newer < older, "newest first on a tie");
}
