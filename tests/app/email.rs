//! Email that is never lost, over a real SMTP conversation: what each notice says and where it
//! links, members' control (settings and one-click unsubscribe), outages, two workers on one
//! database, and a worker that dies between claiming and sending.

use std::time::Duration;

use diesel::prelude::*;
use forum::db::schema::{outbox, users};

use crate::helpers::{TestApp, between, spawn_app, spawn_app_with_smtp};
use crate::smtp::SmtpServer;

/// Decides the held post titled `title` from its queue page, as a moderator's browser would.
fn decide(moderator: &crate::helpers::Client, title: &str, fields: &[(&str, &str)]) -> String {
    let queue = moderator.get("/mod/queue").body;
    let item = crate::helpers::id_in_link_before(&queue, "/mod/queue/", &format!("<strong>{title}</strong>"));
    let page = moderator.get(&format!("/mod/queue/{item}"));
    let seen = between(&page.body, "name=\"seen\" value=\"", "\"").unwrap();
    let mut all = vec![("seen", seen.as_str())];
    all.extend_from_slice(fields);
    let done = moderator.post(&format!("/mod/queue/{item}"), &all);
    assert_eq!(done.status, 303, "{}", done.body);
    item
}

/// Lets the undo window pass for every decision email waiting on it (the clock moves, not the test).
fn past_the_undo_window(app: &TestApp) {
    diesel::update(outbox::table.filter(outbox::sent_at.is_null()))
        .set(outbox::next_attempt_at.eq(forum::db::now()))
        .execute(&mut crate::helpers::pool(app).get().unwrap())
        .unwrap();
}

/// The forum path of the first link in `text` that starts with `base` + `prefix`.
fn link_path(app: &TestApp, text: &str, prefix: &str) -> String {
    let start = text.find(&format!("{}{prefix}", app.base)).unwrap_or_else(|| panic!("no link to {prefix} in {text}"));
    let rest = &text[start + app.base.len()..];
    rest[..rest.find(|c: char| c.is_whitespace() || c == '"' || c == '>').unwrap_or(rest.len())].to_owned()
}

#[test]
fn each_notice_reaches_a_real_smtp_server_with_its_headers_and_working_links() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(smtp.clone());
    app.hold_everything("hub");
    let (member, member_email) = app.member("Mail Maisie");
    let (admin, _) = app.admin("Mail Admin");
    // An established member, so flood control leaves her four posts alone.
    diesel::update(users::table.filter(users::email.eq(&member_email)))
        .set(users::approved_posts.eq(10))
        .execute(&mut crate::helpers::pool(&app).get().unwrap())
        .unwrap();

    // Approved: a link to the post, and nothing of its words.
    member.post("/g/hub/new", &[("title", "Wig advice"), ("body", "Where did you get your wig fitted?")]);
    let post = decide(&admin, "Wig advice", &[("action", "approve")]);
    // Decisions are emailed once they can no longer be undone.
    std::thread::sleep(Duration::from_millis(500));
    assert!(smtp.messages().iter().all(|m| !m.text().contains("approved your post")), "not during the undo window");
    past_the_undo_window(&app);
    let approved = smtp.wait_for(&member_email, "approved your post");
    assert_eq!(approved.header("Subject").as_deref(), Some("Your post is live"));
    assert_eq!(approved.from, "no-reply@localhost", "the envelope sender is FORUM_MAIL_FROM");
    assert!(approved.header("Content-Type").unwrap().starts_with("multipart/alternative"), "text and HTML");
    let unsubscribe = approved.header("List-Unsubscribe").unwrap();
    assert!(unsubscribe.starts_with(&format!("<{}/unsubscribe/", app.base)), "{unsubscribe}");
    assert_eq!(approved.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert!(!approved.text().contains("wig fitted"), "the post's words stay on the forum");
    let go = member.get(&link_path(&app, &approved.text(), "/p/"));
    assert_eq!(go.location(), format!("/t/{post}?page=1#p{post}"));

    // Rejected: the ground rule, the note, and a link to change it.
    member.post("/g/hub/new", &[("title", "Buy my tea"), ("body", "Miracle tea, cures everything, DM me.")]);
    decide(&admin, "Buy my tea", &[("action", "reject"), ("rule", "no-spam"), ("note", "No selling here, sorry.")]);
    past_the_undo_window(&app);
    let rejected = smtp.wait_for(&member_email, "did not approve");
    let text = rejected.text();
    assert!(text.contains("No spam") && text.contains("No selling here, sorry."), "{text}");
    let edit = member.get(&link_path(&app, &text, "/p/"));
    assert_eq!(edit.status, 200);
    edit.assert_contains("Miracle tea");

    // Redacted: what was removed, never the number itself.
    member.post("/g/hub/new", &[("title", "My letter"), ("body", "My NHS number is 943 476 5919, is that right?")]);
    decide(&admin, "My letter", &[("action", "redact")]);
    past_the_undo_window(&app);
    let redacted = smtp.wait_for(&member_email, "removed personal information");
    // (The whole number: three digits alone can turn up in a signed link's hex.)
    let text = redacted.text();
    assert!(text.contains("NHS number removed") && !text.contains("943 476") && !text.contains("9434765919"), "{text}");

    // A reply in a topic the member started: no words by default, the first lines by choice.
    let (friend, _) = app.member("Mail Friend");
    let topic = member.start_topic("moving-on", "Hair regrowth", "When did yours grow back?");
    friend.reply(topic, "Mine came back curly after four months.");
    let reply = smtp.wait_for(&member_email, "new reply");
    assert!(!reply.text().contains("curly"), "{}", reply.text());
    member.post("/me/notifications", &[("excerpts", "yes"), ("digest", "none")]);
    // (Until she has looked, further replies there are gathered into the first notice.)
    member.get(&format!("/t/{topic}"));
    friend.reply(topic, "And thicker than before.");
    smtp.wait_for(&member_email, "thicker than before");

    // One click from the mail client, without cookies, stops notification email...
    let url = unsubscribe.trim_matches(|c| c == '<' || c == '>').replacen(&app.base, "", 1);
    let done = app.client().post_raw(&url, &[("List-Unsubscribe", "One-Click")]);
    assert_eq!(done.status, 200, "{}", done.body);
    done.assert_contains("no more email");
    let before = smtp.messages().len();
    friend.reply(topic, "Third reply, nobody emailed.");
    member.get("/me/posts").assert_contains("New replies in “Hair regrowth”");
    // ...but what the member asks for themselves still comes.
    app.client().post("/password-reset", &[("email", &member_email)]);
    smtp.wait_for(&member_email, "/password-reset/");
    assert_eq!(smtp.messages().len(), before + 1, "only the password reset was sent");
    assert_eq!(app.client().post_raw("/unsubscribe/1.forged", &[]).status, 404);
}

#[test]
fn an_undone_decision_is_never_emailed() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(smtp.clone());
    app.hold_everything("hub");
    let (member, member_email) = app.member("Undone Una");
    let (admin, _) = app.admin("Undo Mailer");
    member.post("/g/hub/new", &[("title", "Changed my mind"), ("body", "A perfectly fine question.")]);
    let post = decide(&admin, "Changed my mind", &[("action", "reject"), ("rule", "no-spam")]);
    assert_eq!(admin.post(&format!("/mod/queue/{post}/undo"), &[]).location(), "/mod/queue?done=undo");
    decide(&admin, "Changed my mind", &[("action", "approve")]);
    past_the_undo_window(&app);
    smtp.wait_for(&member_email, "approved your post");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        smtp.messages().iter().all(|m| !m.text().contains("did not approve")),
        "the rejection that was undone never reached the author"
    );
}

#[test]
fn email_waits_out_an_smtp_outage_and_each_is_delivered_once() {
    let smtp = SmtpServer::not_started();
    let app = spawn_app_with_smtp(smtp.clone());
    let pool = crate::helpers::pool(&app);
    for name in ["Outage One", "Outage Two", "Outage Three"] {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        assert_eq!(app.client().register(&email, name, crate::helpers::PASSWORD).status, 200);
    }
    // Every attempt so far met a closed port: the emails wait, with the error kept.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let tried: i64 =
            outbox::table.filter(outbox::attempts.ge(1)).count().get_result(&mut pool.get().unwrap()).unwrap();
        if tried == 3 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the worker tried to send");
        std::thread::sleep(Duration::from_millis(50));
    }
    let unsent: i64 =
        outbox::table.filter(outbox::sent_at.is_null()).count().get_result(&mut pool.get().unwrap()).unwrap();
    assert_eq!(unsent, 3);

    // The server comes back; the backoff runs out (we move the clock, not the test).
    smtp.listen();
    diesel::update(outbox::table)
        .set(outbox::next_attempt_at.eq(forum::db::now()))
        .execute(&mut pool.get().unwrap())
        .unwrap();
    let received = smtp.wait_for_count(3);
    assert_eq!(received.len(), 3, "each email exactly once");
    for name in ["outage.one", "outage.two", "outage.three"] {
        let to = format!("{name}@example.org");
        assert_eq!(received.iter().filter(|m| m.to.contains(&to)).count(), 1, "{to}");
    }
}

#[test]
fn two_workers_on_one_database_send_each_email_once() {
    let smtp = SmtpServer::start();
    let mut app = spawn_app_with_smtp(smtp.clone());
    app.second_instance();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    for i in 0..40 {
        forum::mail::enqueue(&mut conn, &format!("reader{i}@example.org"), "Hello", &format!("Message {i}")).unwrap();
    }
    let received = smtp.wait_for_count(40);
    assert_eq!(received.len(), 40, "no email twice");
    let mut recipients: Vec<&String> = received.iter().flat_map(|m| &m.to).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 40, "every email once");
}

#[test]
fn a_worker_that_dies_after_claiming_an_email_does_not_lose_it() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(smtp.clone());
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    // As a crashed worker leaves it: claimed, unsent, its lease running out in a second. One
    // transaction, so the live worker never sees it unclaimed.
    conn.transaction(|conn| {
        forum::mail::enqueue(conn, "claimed@example.org", "Still coming", "Sent after the lease ran out.")?;
        diesel::update(outbox::table)
            .set(outbox::claimed_until.eq(forum::db::now() + chrono::Duration::seconds(1)))
            .execute(conn)
            .map(drop)
    })
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(smtp.messages().is_empty(), "nobody sends while the lease holds");
    let received = smtp.wait_for_count(1);
    assert_eq!(received.len(), 1);
    assert!(received[0].text().contains("Sent after the lease ran out."));
}

#[test]
fn email_that_keeps_failing_is_shown_to_admins_who_can_send_it_again() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with_smtp(smtp.clone());
    let (admin, _) = app.admin("Postmaster");
    smtp.refuse(true);
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    // Queued on its last attempt: one more refusal and it has failed for good. One transaction,
    // so the worker cannot try it first and put its next attempt 30 s away.
    conn.transaction(|conn| {
        forum::mail::enqueue(conn, "unlucky@example.org", "Your reset link", "Hello")?;
        diesel::update(outbox::table.filter(outbox::to_addr.eq("unlucky@example.org")))
            .set(outbox::attempts.eq(forum::mail::MAX_ATTEMPTS - 1))
            .execute(conn)
    })
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let page = loop {
        let page = admin.get("/admin/mail");
        if page.body.contains("unlucky@example.org") {
            break page;
        }
        assert!(std::time::Instant::now() < deadline, "the failure reached /admin/mail");
        std::thread::sleep(Duration::from_millis(100));
    };
    page.assert_contains("451");
    let id = crate::helpers::id_in_link_before(&page.body, "/admin/mail/", "to unlucky@example.org</span>");
    smtp.refuse(false);
    assert_eq!(admin.post(&format!("/admin/mail/{id}"), &[]).location(), "/admin/mail");
    smtp.wait_for("unlucky@example.org", "Hello");
    admin.get("/admin/mail").assert_contains("No email has failed");
    assert_eq!(app.client().get("/admin/mail").status, 303, "admins only");
}

#[test]
fn moderators_hear_when_the_queue_waits_and_members_get_their_digest() {
    let app = spawn_app();
    app.hold_everything("hub");
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let (_, admin_email) = app.admin("Queue Watcher");
    let (member, member_email) = app.member("Digest Dora");
    let settings = member.get("/me/notifications").body;
    let label = &settings[..settings.find("\">Moving on</label>").unwrap()];
    let watch = label[label.rfind("watch-").unwrap()..].to_owned();
    member.post("/me/notifications", &[("digest", "daily"), (&watch, "all")]);
    member.get("/me/notifications").assert_contains("selected>Every new topic");
    let (author, _) = app.member("Author Anne");
    author.post("/g/hub/new", &[("title", "Held for a while"), ("body", "Waiting patiently.")]);

    // The post has waited past the limit (we move its clock): one alert, however often the worker looks.
    diesel::update(forum::db::schema::posts::table)
        .set(forum::db::schema::posts::created_at.eq(forum::db::now() - chrono::Duration::minutes(45)))
        .execute(&mut conn)
        .unwrap();
    let alert = app.wait_for_email_containing(&admin_email, "waited more than 30 minutes");
    assert!(alert.contains("/mod/queue"), "{alert}");
    app.wait_for_email_containing(&admin_email, "held posts are waiting in your groups");
    std::thread::sleep(Duration::from_millis(800));
    let alerts = app.emails_to(&admin_email).iter().filter(|(_, t)| t.contains("waited more than")).count();
    assert_eq!(alerts, 1, "at most one alert an hour");

    // A new topic in a watched group: a digest after a day (the clock moves back a day).
    author.start_topic("moving-on", "Walking group", "Anyone for a walk on Sunday?");
    diesel::update(users::table.filter(users::email.eq(&member_email)))
        .set(users::digest_sent_at.eq(forum::db::now() - chrono::Duration::days(2)))
        .execute(&mut conn)
        .unwrap();
    let digest = app.wait_for_email_containing(&member_email, "daily digest");
    assert!(digest.contains(&format!("A new topic: {}/t/", app.base)), "{digest}");
    assert!(!digest.contains("Moving on"), "a group's name can be a diagnosis: not without excerpts: {digest}");
    assert!(!digest.contains("walk on Sunday"), "no words without excerpts: {digest}");
}

#[test]
fn a_busy_topic_emails_each_participant_once_until_they_look() {
    let app = spawn_app();
    let (member, member_email) = app.member("Quiet Quinn");
    let (friend, _) = app.member("Chatty Cath");
    let (other, _) = app.member("Chatty Chris");
    let topic = member.start_topic("moving-on", "Cold caps", "Did anyone try one?");
    let reply_emails = || -> i64 {
        outbox::table
            .filter(outbox::to_addr.eq(&member_email))
            .filter(outbox::subject.like("%reply%"))
            .count()
            .get_result(&mut crate::helpers::pool(&app).get().unwrap())
            .unwrap()
    };
    friend.reply(topic, "Yes, it kept about half of my hair.");
    assert_eq!(reply_emails(), 1);
    other.reply(topic, "It was cold but worth it.");
    friend.reply(topic, "Take painkillers first.");
    assert_eq!(reply_emails(), 1, "one email while the first notice is unread");
    let posts = member.get("/me/posts");
    posts.assert_contains("New replies in “Cold caps”");
    assert!(!posts.body.contains("A new reply in “Cold caps”"), "one notice, updated, not three");
    // Having looked, the next reply is news again; opening the topic counts as looking.
    member.get(&format!("/t/{topic}"));
    other.reply(topic, "Good luck!");
    assert_eq!(reply_emails(), 2);
    member.get(&format!("/t/{topic}"));
    friend.reply(topic, "Let us know how it goes.");
    assert_eq!(reply_emails(), 3);
}
