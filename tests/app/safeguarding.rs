//! The urgent lane for live posts: an urgent post without plan details stays live and leads
//! the moderators' lane; plan details or a group's setting keep it off the page; moderators
//! reach out, mark it handled with a note, or escalate; and the time to their first action is
//! shown in the queue and on the staff dashboard.

use diesel::prelude::*;
use forum::db::schema::posts;

use crate::helpers::{between, id_in_link_before, spawn_app};

#[test]
fn an_urgent_post_without_a_plan_stays_live_and_moderators_look_after_its_author() {
    let app = spawn_app();
    let (admin, _) = app.admin("Lane Admin");
    let (moderator, moderator_email, _) = app.moderator(&admin, "Hub Carer", "Hub");
    let (author, author_email) = app.member("Low Lou");
    let (peer, _) = app.member("Peer Pat");

    let words = "Everyone would be better off without me. I can't see the point any more.";
    let posted = author.post("/g/hub/new", &[("title", "Tired of it all"), ("body", words)]);
    assert_eq!(posted.status, 200, "{}", posted.body);
    posted.assert_contains("Your post is live, and help is here now");
    posted.assert_contains("Samaritans: 116 123");
    let topic: String = between(&posted.body, "href=\"/t/", "\"").unwrap();
    // Live: anyone can read it, and peers can answer.
    app.client().get(&format!("/t/{topic}")).assert_contains("better off without me");
    peer.reply(topic.parse().unwrap(), "Lou, I'm so glad you wrote. Please ring the Samaritans tonight.");

    // It leads the lane, says why, and the moderators were alerted with a link to it.
    let queue = moderator.get("/mod/queue");
    queue.assert_contains("(1 waiting, 1 urgent)");
    queue.assert_contains("Urgent: the safeguarding check (the post is live)");
    queue.assert_contains("no moderator action yet");
    let mail = app.wait_for_email_containing(&moderator_email, "urgent lane");
    let post = id_in_link_before(&queue.body, "/mod/reports/", "Tired of it all");
    assert!(mail.contains(&format!("/mod/reports/{post}")), "{mail}");
    let report = moderator.get(&format!("/mod/reports/{post}"));
    report.assert_contains("suicidal thoughts or intent");
    report.assert_contains("Reach out to the author");

    // Reaching out: a private message in the app with the matching help — never by email.
    let reached = moderator
        .post(&format!("/mod/reports/{post}"), &[("decision", "reach_out"), ("message", "We are here for you, Lou.")]);
    assert_eq!(reached.location(), format!("/mod/reports/{post}?done=reach_out"));
    let mine = author.get("/me/posts");
    mine.assert_contains("A message from the moderation team");
    mine.assert_contains("We are here for you, Lou.");
    mine.assert_contains("Samaritans");
    assert!(app.emails_to(&author_email).iter().all(|(_, t)| !t.contains("moderation team")));
    moderator.get("/mod/queue").assert_contains("first moderator action after");

    // Escalating tells the admins.
    let escalated =
        moderator.post(&format!("/mod/reports/{post}"), &[("decision", "escalate"), ("message", "Please look too.")]);
    assert_eq!(escalated.status, 303);
    admin.get("/me/posts").assert_contains("Escalated to the admins: a post in Hub needs you.");

    // Handled needs a note for the log, and keeps nothing back on the form.
    let bare = moderator.post(&format!("/mod/reports/{post}"), &[("decision", "handled"), ("message", " ")]);
    assert_eq!(bare.status, 422);
    bare.assert_contains("Say what you did or why all is well");
    let handled = moderator.post(
        &format!("/mod/reports/{post}"),
        &[("decision", "handled"), ("message", "Lou replied: safe tonight, seeing GP tomorrow.")],
    );
    assert_eq!(handled.location(), "/mod/queue?done=handled");
    let queue = moderator.get("/mod/queue");
    queue.assert_lacks("Tired of it all");
    queue.assert_lacks("urgent)");
    app.client().get(&format!("/t/{topic}")).assert_contains("better off without me");
    admin.get("/mod/log?action=handled").assert_contains("safe tonight, seeing GP tomorrow");
    admin.get("/mod/log?action=reach_out").assert_contains("We are here for you, Lou.");

    // The dashboard counts it: one urgent post in Hub, acted on.
    let dashboard = moderator.get("/mod/dashboard");
    let hub = between(&dashboard.body, "<th scope=\"row\">Hub</th>", "</tr>").unwrap();
    assert!(hub.starts_with("<td>1</td><td>0</td>"), "{hub}");
}

#[test]
fn plan_details_or_the_group_setting_keep_an_urgent_post_off_the_page() {
    let app = spawn_app();
    let (admin, _) = app.admin("Holding Admin");
    let (author, _) = app.member("Planning Pia");
    let plan = author
        .post("/g/hub/new", &[("title", "Decided"), ("body", "I have saved up my tablets and tonight is the night.")]);
    assert_eq!(plan.status, 202, "{}", plan.body);
    plan.assert_contains("Your post is waiting for a moderator");
    plan.assert_contains("Samaritans");
    let topic = between(&plan.body, "href=\"/t/", "\"").unwrap();
    assert_eq!(app.client().get(&format!("/t/{topic}")).status, 404, "plan details are not shown to readers");
    // Deciding it is the first moderator action, and the dashboard times it.
    let queue = admin.get("/mod/queue").body;
    let item = id_in_link_before(&queue, "/mod/queue/", "<strong>Decided</strong>");
    let page = admin.get(&format!("/mod/queue/{item}"));
    let seen = between(&page.body, "name=\"seen\" value=\"", "\"").unwrap();
    let decided = admin.post(
        &format!("/mod/queue/{item}"),
        &[("seen", &seen), ("action", "reject"), ("rule", "protect-personal-health-information")],
    );
    assert_eq!(decided.status, 303, "{}", decided.body);
    let dashboard = admin.get("/mod/dashboard");
    let hub = between(&dashboard.body, "<th scope=\"row\">Hub</th>", "</tr>").unwrap();
    assert!(hub.starts_with("<td>1</td><td>0</td>"), "the decision counts as the first action: {hub}");

    // A group can hold every urgent post until a moderator has seen it.
    let groups = admin.get("/admin/groups").body;
    let group = id_in_link_before(&groups, "/admin/groups/", "<span class=\"visually-hidden\"> Moving on<");
    let form = admin.get(&format!("/admin/groups/{group}")).body;
    let field = |name: &str| between(&form, &format!("name=\"{name}\" value=\""), "\"").unwrap();
    let description = between(&form, "name=\"description\" rows=\"3\">", "</textarea>").unwrap();
    let saved = admin.post(
        &format!("/admin/groups/{group}"),
        &[
            ("slug", &field("slug")),
            ("name", &field("name")),
            ("description", &description),
            ("rules_md", ""),
            ("visibility", "open"),
            ("moderation_policy", "post_moderate"),
            ("newcomer_posts", "3"),
            ("hold_urgent", "yes"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let held =
        author.post("/g/moving-on/new", &[("title", "No point"), ("body", "Everyone would be better off without me.")]);
    assert_eq!(held.status, 202, "{}", held.body);
    admin.get("/mod/queue").assert_contains("Urgent: suicide");
}

#[test]
fn the_dashboard_times_the_first_moderator_action_on_known_data() {
    let app = spawn_app();
    let (admin, _) = app.admin("Timing Admin");
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let now = forum::db::now();
    // Four urgent posts in Hub: acted on after 5, 15 and 60 minutes, and one not yet; and one
    // from 40 days ago, outside the window.
    for (i, action) in [Some(5), Some(15), Some(60), None, Some(1)].into_iter().enumerate() {
        let topic = admin.start_topic("hub", &format!("Timed {i}"), &format!("An ordinary post number {i}."));
        let post: i64 = posts::table.filter(posts::topic_id.eq(topic)).select(posts::id).first(&mut conn).unwrap();
        let since = if i == 4 { now - chrono::Duration::days(40) } else { now - chrono::Duration::hours(3) };
        diesel::update(posts::table.find(post))
            .set((
                posts::urgent.eq(true),
                posts::urgent_at.eq(since),
                posts::first_action_at.eq(action.map(|m| since + chrono::Duration::minutes(m))),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let page = admin.get("/mod/dashboard");
    let hub = between(&page.body, "<th scope=\"row\">Hub</th>", "</tr>").unwrap();
    // Median of 5, 15, 60 is 15; the 90th percentile lies 80 % of the way from 15 to 60.
    assert_eq!(hub, "<td>4</td><td>1</td><td>15 min</td><td>51 min</td>");
}
