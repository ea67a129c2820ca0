//! Page weight: a topic page of 25 posts stays small, responses are compressed, and the
//! stylesheets and scripts together stay within budget once compressed.

use crate::helpers::{between, spawn_app};

/// GET with `Accept-Encoding: gzip`; returns (status, Content-Encoding, bytes on the wire).
fn fetch_gzip(base: &str, path: &str) -> (u16, Option<String>, usize) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response = agent.get(format!("{base}{path}")).header("Accept-Encoding", "gzip").call().expect("GET sent");
    let encoding = response.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = response.body_mut().read_to_vec().expect("body read");
    (response.status().as_u16(), encoding, bytes.len())
}

#[test]
fn a_topic_page_of_25_posts_is_at_most_60_kb_and_is_sent_compressed() {
    use diesel::prelude::*;
    use forum::db::schema::topics;
    let app = spawn_app();
    // A synthetic forum: realistic post lengths and vocabulary, and some long topics.
    let mut conn = crate::helpers::pool(&app).get().unwrap();
    forum::synthetic::seed(&mut conn, 2000, |_, _| {}).unwrap();
    let topic: i64 = topics::table
        .filter(topics::status.eq("live"))
        .filter(topics::reply_count.ge(30))
        .select(topics::id)
        .first(&mut conn)
        .expect("a topic longer than a page");
    let page = app.client().get(&format!("/t/{topic}"));
    assert_eq!(page.body.matches("<article class=\"post").count(), 25, "one full page of posts");
    assert!(page.body.len() <= 60 * 1024, "the topic page is {} bytes", page.body.len());

    let (status, encoding, wire) = fetch_gzip(&app.base, &format!("/t/{topic}"));
    assert_eq!((status, encoding.as_deref()), (200, Some("gzip")));
    assert!(wire * 3 < page.body.len(), "compressed {wire} of {} bytes", page.body.len());
    eprintln!("topic page of 25 posts: {} bytes, {wire} bytes gzip", page.body.len());
}

#[test]
fn stylesheets_and_scripts_are_at_most_100_kb_compressed_and_cached_for_a_year() {
    let app = spawn_app();
    let home = app.client().get("/");
    let forum_js = between(&home.body, "<script type=\"module\" src=\"", "\"").expect("the script");
    let script = app.client().get(&forum_js);
    let vendor_js = between(&script.body, "from \"", "\"").expect("the NHS.UK frontend module");
    let mut assets: Vec<String> = home
        .body
        .split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    assert_eq!(assets.len(), 2, "the NHS.UK frontend's stylesheet and the forum's");
    assets.extend([forum_js, vendor_js]);
    let mut total = 0;
    for path in &assets {
        let (status, encoding, wire) = fetch_gzip(&app.base, path);
        assert_eq!((status, encoding.as_deref()), (200, Some("gzip")), "{path}");
        assert!(app.client().get(path).header("cache-control").unwrap().contains("max-age=31536000"), "{path}");
        total += wire;
    }
    assert!(total <= 100 * 1024, "CSS and JS are {total} bytes compressed");
    eprintln!("CSS and JS: {total} bytes gzip");
}
