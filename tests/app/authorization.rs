//! The authorisation matrix: every route, as every kind of person, with the status each should
//! get, and no private words in any response of someone who may not read them.
//!
//! The private content lives in the private group Secondaries: a topic, a held reply, a report
//! and a staff note, each carrying the word ZEBRA. The roles are a signed-out visitor, a member
//! of Secondaries (who reads its topics but not what only staff see), a member who is not in
//! Secondaries (their request to join waits), a suspended member, a verified clinician not
//! approved for Secondaries, a moderator of another group (Hub), and an admin.
//! Pages are fetched by every role. Forms are sent by every role that must be refused, and the
//! private content is checked untouched afterwards; the roles that may send a form are not
//! sent it here (it would change what the other rows look at): the feature tests do that.

use crate::helpers::{Client, Page, between, id_in_link_before, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Got {
    /// 200
    Ok,
    /// 303 to the sign-in page.
    SignIn,
    /// 303 anywhere else.
    Redirect,
    Forbidden,
    NotFound,
    BadRequest,
    /// A form refused for its content (422): only for people allowed to send it.
    Invalid,
    Other(u16),
}

impl Got {
    fn of(page: &Page) -> Got {
        match page.status {
            200 => Got::Ok,
            303 if page.location().starts_with("/login") => Got::SignIn,
            303 => Got::Redirect,
            403 => Got::Forbidden,
            404 => Got::NotFound,
            400 => Got::BadRequest,
            422 => Got::Invalid,
            other => Got::Other(other),
        }
    }
}

use Got::*;

const ROLES: [&str; 7] =
    ["signed out", "group member", "non-member", "suspended", "clinician", "other moderator", "admin"];
const GROUP_MEMBER: usize = 1;
const ADMIN: usize = 6;

/// Pages anyone may see, and pages for anyone signed in.
const ANYONE: [Got; 7] = [Ok; 7];
const SIGNED_IN: [Got; 7] = [SignIn, Ok, Ok, Ok, Ok, Ok, Ok];
/// Secondaries' content: its members and admins read it; the others, signed in or not, do not
/// learn it exists.
const PRIVATE: [Got; 7] = [NotFound, Ok, NotFound, NotFound, NotFound, NotFound, Ok];
/// The insider's own post: only its author edits or deletes it; those who may read it are told
/// no rather than "not found".
const AUTHOR_ONLY: [Got; 7] = [NotFound, Forbidden, NotFound, NotFound, NotFound, NotFound, Forbidden];
/// Pages for anyone who moderates some group.
const STAFF: [Got; 7] = [SignIn, NotFound, NotFound, NotFound, NotFound, Ok, Ok];
/// Secondaries' moderation, and administration: the Hub moderator is refused too.
const SECONDARIES_STAFF: [Got; 7] = [SignIn, NotFound, NotFound, NotFound, NotFound, NotFound, Ok];
const ADMINS: [Got; 7] = SECONDARIES_STAFF;

/// Words that only staff of Secondaries may see; a member of the group reads its topic's words.
const STAFF_WORDS: [&str; 3] = ["ZEBRA-HELD", "ZEBRA-REPORT", "ZEBRA-NOTE"];

/// Private words in `body` that `role` may not see.
fn leaked(role: usize, body: &str) -> bool {
    match role {
        ADMIN => false,
        GROUP_MEMBER => STAFF_WORDS.iter().any(|w| body.contains(w)),
        _ => body.contains("ZEBRA"),
    }
}

/// A form: where it goes, its fields, and what each role gets (`None`: allowed, not sent).
type Form<'a> = (String, Vec<(&'a str, &'a str)>, [Option<Got>; 7]);

/// Everyone in the test, and the ids the routes need.
struct World {
    clients: Vec<Client>,
    topic: String,
    post: String,
    held: String,
    insider: String,
    report: String,
    request: String,
    verification: String,
    group: String,
}

fn world() -> (crate::helpers::TestApp, World) {
    let app = spawn_app();
    let (admin, _) = app.admin("Ada Admin");
    let (insider_client, _) = app.member("Inner Iris");
    let insider = id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", ">Inner Iris</a>");
    insider_client.post("/g/secondaries/join", &[]);
    let request = between(&admin.get("/mod/requests").body, "action=\"/mod/requests/", "\"").expect("a join request");
    assert_eq!(admin.post(&format!("/mod/requests/{request}"), &[("decision", "approve")]).status, 303);

    // The private words: a topic, a held reply, a report and a staff note.
    let topic = insider_client.start_topic("secondaries", "Quokka ZEBRA-TOPIC", "My ZEBRA-BODY words.");
    let topic_page = admin.get(&format!("/t/{topic}"));
    let post = between(&topic_page.body, "id=\"p", "\"").expect("the first post's anchor");
    app.hold_everything("secondaries");
    let held_reply = insider_client.post(&format!("/t/{topic}/reply"), &[("body", "A ZEBRA-HELD reply.")]);
    assert_eq!(held_reply.status, 202, "{}", held_reply.body);
    let held = id_in_link_before(&admin.get("/mod/queue").body, "/mod/queue/", "ZEBRA-HELD");
    let flagged = admin.post(&format!("/p/{post}/flag"), &[("reason", "rule"), ("note", "A ZEBRA-REPORT note.")]);
    assert_eq!(flagged.status, 200, "{}", flagged.body);
    let noted = admin.post(&format!("/mod/members/{insider}"), &[("action", "note"), ("reason", "A ZEBRA-NOTE.")]);
    assert_eq!(noted.status, 303, "{}", noted.body);

    // A fellow member of Secondaries, admitted before Olive asks.
    let (fellow, _) = app.member("Fellow Fern");
    fellow.post("/g/secondaries/join", &[]);
    let fern = between(&admin.get("/mod/requests").body, "action=\"/mod/requests/", "\"").expect("Fern's request");
    assert_eq!(admin.post(&format!("/mod/requests/{fern}"), &[("decision", "approve")]).status, 303);

    let (member, _) = app.member("Outside Olive");
    member.post("/g/secondaries/join", &[]);
    let request_page = admin.get("/mod/requests");
    let report_page = admin.get("/mod/queue?view=reports");
    let report = between(&report_page.body, "/mod/reports/", "\"")
        .or_else(|| between(&admin.get(&format!("/mod/queue/{post}")).body, "/mod/reports/", "\""))
        .expect("the report's page");
    let request = between(&request_page.body, "action=\"/mod/requests/", "\"").expect("Olive's request");

    let (suspended, _) = app.member("Paused Paul");
    let paul = id_in_link_before(&admin.get("/admin/members").body, "/admin/members/", ">Paused Paul</a>");
    let done =
        admin.post(&format!("/mod/members/{paul}"), &[("action", "suspend"), ("days", "7"), ("reason", "Cool off")]);
    assert_eq!(done.status, 303, "{}", done.body);
    let (clinician, _, verification) = crate::professionals::mammographer(&app, &admin, "Sam Okafor", &["Hub"]);
    let (other_moderator, _, _) = app.moderator(&admin, "Hub Keeper", "Hub");
    let group = id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Secondaries<",
    );
    let world = World {
        clients: vec![app.client(), fellow, member, suspended, clinician, other_moderator, admin],
        topic: topic.to_string(),
        post,
        held,
        insider,
        report,
        request,
        verification,
        group,
    };
    (app, world)
}

#[test]
fn every_route_answers_every_role_as_it_should_and_leaks_nothing_private() {
    let (_app, w) = world();
    let (t, p, held, insider, report, request, verification, group) =
        (&w.topic, &w.post, &w.held, &w.insider, &w.report, &w.request, &w.verification, &w.group);
    let pages: Vec<(String, [Got; 7])> = vec![
        ("/".into(), ANYONE),
        ("/healthz".into(), ANYONE),
        ("/rules".into(), ANYONE),
        ("/help".into(), ANYONE),
        ("/text-size?size=large&back=%2F".into(), [Redirect; 7]),
        // Signed in already: sent home.
        ("/register".into(), [Ok, Redirect, Redirect, Redirect, Redirect, Redirect, Redirect]),
        ("/login".into(), ANYONE),
        ("/login/two-factor".into(), [SignIn; 7]),
        ("/password-reset".into(), ANYONE),
        ("/password-reset/not-a-token".into(), ANYONE),
        ("/verify-email/not-a-token".into(), ANYONE),
        ("/unsubscribe/not-a-token".into(), [NotFound; 7]),
        ("/search?q=quokka".into(), ANYONE),
        ("/search?q=quokka&group=secondaries".into(), ANYONE),
        ("/pro/verified".into(), ANYONE),
        (format!("/pro/badge/{verification}"), ANYONE),
        (format!("/u/{insider}"), ANYONE),
        ("/g/secondaries".into(), ANYONE),
        ("/g/secondaries/professionals".into(), PRIVATE),
        ("/me/two-factor".into(), SIGNED_IN),
        ("/me/password".into(), SIGNED_IN),
        ("/me/security".into(), SIGNED_IN),
        ("/me/data".into(), SIGNED_IN),
        ("/me/research".into(), SIGNED_IN),
        ("/me/delete".into(), SIGNED_IN),
        ("/me/posts".into(), SIGNED_IN),
        ("/me/notifications".into(), SIGNED_IN),
        ("/pro/apply".into(), SIGNED_IN),
        // Questions waiting for a professional: verified clinicians only (admins are not).
        ("/pro/questions".into(), [SignIn, Forbidden, Forbidden, Forbidden, Ok, Forbidden, Forbidden]),
        ("/g/secondaries/new".into(), [SignIn, Ok, NotFound, NotFound, NotFound, NotFound, Ok]),
        (format!("/t/{t}"), PRIVATE),
        (format!("/p/{p}/go"), [NotFound, Redirect, NotFound, NotFound, NotFound, NotFound, Redirect]),
        // Reporting needs an account first, whether or not the post exists (compare the next).
        (format!("/p/{p}/flag"), [SignIn, Ok, NotFound, NotFound, NotFound, NotFound, Ok]),
        ("/p/999999/flag".into(), [SignIn, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound]),
        ("/t/999999".into(), [NotFound; 7]),
        // Edit history (it may hold words a moderator redacted) is for the group's staff.
        (format!("/p/{p}/history"), [NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, Ok]),
        (format!("/p/{p}/edit"), AUTHOR_ONLY),
        (format!("/p/{p}/delete"), AUTHOR_ONLY),
        (format!("/p/{p}/remove"), SECONDARIES_STAFF),
        ("/mod/queue".into(), STAFF),
        ("/mod/log".into(), STAFF),
        ("/mod/requests".into(), STAFF),
        ("/mod/dashboard".into(), STAFF),
        (format!("/mod/queue/{held}"), SECONDARIES_STAFF),
        (format!("/mod/members/{insider}"), SECONDARIES_STAFF),
        (format!("/mod/reports/{report}"), SECONDARIES_STAFF),
        ("/admin".into(), ADMINS),
        ("/admin/groups".into(), ADMINS),
        ("/admin/groups/new".into(), ADMINS),
        (format!("/admin/groups/{group}"), ADMINS),
        ("/admin/members".into(), ADMINS),
        (format!("/admin/members/{insider}"), ADMINS),
        ("/admin/ground-rules".into(), ADMINS),
        ("/admin/rules".into(), ADMINS),
        ("/admin/settings".into(), ADMINS),
        ("/admin/helplines".into(), ADMINS),
        ("/admin/canned-notes".into(), ADMINS),
        ("/admin/mail".into(), ADMINS),
        ("/admin/verifications".into(), ADMINS),
        (format!("/admin/verifications/{verification}"), ADMINS),
        ("/admin/professions".into(), ADMINS),
        ("/static/no-such-file.css".into(), [NotFound; 7]),
    ];

    let mut wrong = Vec::new();
    for (path, expected) in &pages {
        for (role, client) in w.clients.iter().enumerate() {
            let page = client.get(path);
            let got = Got::of(&page);
            if got != expected[role] {
                wrong.push(format!("GET {path} as {}: {got:?}, expected {:?}", ROLES[role], expected[role]));
            }
            if leaked(role, &page.body) {
                wrong.push(format!("GET {path} as {} shows private words", ROLES[role]));
            }
        }
    }

    // The words are there for the admin: the check above could fail.
    let admin = &w.clients[ADMIN];
    for (path, words) in [
        (format!("/t/{t}"), "ZEBRA-BODY"),
        (format!("/mod/queue/{held}"), "ZEBRA-HELD"),
        (format!("/mod/reports/{report}"), "ZEBRA-REPORT"),
        (format!("/mod/members/{insider}"), "ZEBRA-NOTE"),
        ("/search?q=quokka".into(), "ZEBRA-TOPIC"),
    ] {
        admin.get(&path).assert_contains(words);
    }
    // And the topic's words are there for its group's member, without what only staff see.
    let fellows_view = w.clients[GROUP_MEMBER].get(&format!("/t/{t}"));
    fellows_view.assert_contains("ZEBRA-BODY");
    fellows_view.assert_lacks("ZEBRA-HELD");

    // Forms, sent by everyone who must be refused (`None`: allowed, not sent here).
    const O: Option<Got> = None;
    const NO: Option<Got> = Some(NotFound);
    let refused_unless_admin = [Some(SignIn), NO, NO, NO, NO, NO, O];
    let signed_out_only = [Some(SignIn), O, O, O, O, O, O];
    let private_form = [Some(SignIn), O, NO, NO, NO, NO, O];
    let authors_form = [NO, Some(Forbidden), NO, NO, NO, NO, O];
    let pick = format!("{held}.0");
    let forms: Vec<Form> = vec![
        // Forms for anyone, sent with bad input: nobody gets further than a clear refusal.
        // An outdated version of the rules: shown the current ones again.
        (
            "/rules".into(),
            vec![("version", "0"), ("next", "/")],
            [
                Some(SignIn),
                Some(Redirect),
                Some(Redirect),
                Some(Redirect),
                Some(Redirect),
                Some(Redirect),
                Some(Redirect),
            ],
        ),
        ("/register".into(), vec![("email", "not-an-email")], [Some(Invalid); 7]),
        // Sent by six roles: a seventh wrong password from one address within a minute meets the
        // sign-in limit (tests/app/accounts.rs).
        (
            "/login".into(),
            vec![("email", "nobody@example.org"), ("password", "wrong")],
            [Some(Invalid), Some(Invalid), Some(Invalid), Some(Invalid), Some(Invalid), Some(Invalid), O],
        ),
        // No password given first: back to the sign-in page.
        ("/login/two-factor".into(), vec![("code", "123456")], [Some(SignIn); 7]),
        ("/password-reset".into(), vec![("email", "not-an-email")], [Some(Invalid); 7]),
        // An unknown link: the page saying it has expired.
        ("/password-reset/not-a-token".into(), vec![("password", "x"), ("confirm", "x")], [Some(Ok); 7]),
        ("/unsubscribe/not-a-token".into(), vec![], [Some(NotFound); 7]),
        // Signing out is every signed-in person's right (tests/app/accounts.rs).
        ("/logout".into(), vec![], [O; 7]),
        ("/me/two-factor".into(), vec![("action", "disable"), ("password", "x")], signed_out_only),
        ("/me/password".into(), vec![("current", "x"), ("password", "y"), ("confirm", "y")], signed_out_only),
        ("/me/security".into(), vec![("end", "others")], signed_out_only),
        ("/me/research".into(), vec![("consent", "yes")], signed_out_only),
        ("/me/delete".into(), vec![("posts", "remove"), ("password", "x"), ("confirm", "yes")], signed_out_only),
        ("/me/notifications".into(), vec![("digest", "none")], signed_out_only),
        ("/verify-email/resend".into(), vec![], signed_out_only),
        ("/pro/apply".into(), vec![("profession", "1")], signed_out_only),
        ("/g/secondaries/join".into(), vec![], signed_out_only),
        (
            "/g/secondaries/new".into(),
            vec![("title", "Sneaking in"), ("body", "Words from outside.")],
            [Some(SignIn), O, NO, NO, NO, NO, O],
        ),
        (format!("/t/{t}/reply"), vec![("body", "Words from outside.")], private_form),
        (format!("/p/{p}/flag"), vec![("reason", "spam"), ("note", "")], private_form),
        (format!("/p/{p}/edit"), vec![("body", "Rewritten by someone else.")], authors_form),
        (format!("/p/{p}/delete"), vec![], authors_form),
        (format!("/p/{p}/appeal"), vec![("note", "Please")], refused_unless_admin),
        (format!("/p/{p}/helpful"), vec![], [NO, Some(Forbidden), NO, NO, NO, NO, O]),
        // Marking a topic as a question for a professional, after it was posted, is for moderators.
        (format!("/t/{t}/question"), vec![("question", "yes")], refused_unless_admin),
        (format!("/t/{t}/lock"), vec![("locked", "yes")], refused_unless_admin),
        (format!("/p/{p}/remove"), vec![("decision", "remove"), ("rule", "be-helpful")], refused_unless_admin),
        (format!("/p/{p}/restore"), vec![], refused_unless_admin),
        // Bulk decisions skip posts outside the moderator's groups (and say so).
        (
            "/mod/queue".into(),
            vec![("action", "approve"), ("pick", pick.as_str())],
            [Some(SignIn), NO, NO, NO, NO, Some(Redirect), O],
        ),
        (format!("/mod/queue/{held}"), vec![("action", "approve")], refused_unless_admin),
        (format!("/mod/queue/{held}/undo"), vec![], refused_unless_admin),
        (
            format!("/mod/members/{insider}"),
            vec![("action", "suspend"), ("days", "3"), ("reason", "x")],
            refused_unless_admin,
        ),
        (format!("/mod/reports/{report}"), vec![("decision", "keep")], refused_unless_admin),
        (format!("/mod/requests/{request}"), vec![("decision", "approve")], refused_unless_admin),
        (format!("/admin/members/{insider}"), vec![("moderates", group.as_str())], refused_unless_admin),
        (format!("/admin/members/{insider}/sessions"), vec![], refused_unless_admin),
        (format!("/admin/members/{insider}/two-factor"), vec![], refused_unless_admin),
        ("/admin/groups/new".into(), vec![("name", "Sneaky"), ("slug", "sneaky")], refused_unless_admin),
        (format!("/admin/groups/{group}"), vec![("name", "Renamed"), ("visibility", "open")], refused_unless_admin),
        ("/admin/ground-rules".into(), vec![("rules", "No rules")], refused_unless_admin),
        ("/admin/rules".into(), vec![("name", "x"), ("pattern", "x")], refused_unless_admin),
        ("/admin/rules/1".into(), vec![("enabled", "no")], refused_unless_admin),
        ("/admin/settings".into(), vec![("flag_threshold", "1")], refused_unless_admin),
        ("/admin/helplines".into(), vec![("name", "x"), ("phone", "1")], refused_unless_admin),
        ("/admin/helplines/1".into(), vec![("name", "x")], refused_unless_admin),
        ("/admin/canned-notes".into(), vec![("title", "x"), ("text", "x")], refused_unless_admin),
        ("/admin/canned-notes/1".into(), vec![("title", "x")], refused_unless_admin),
        ("/admin/mail/1".into(), vec![], refused_unless_admin),
        (
            format!("/admin/verifications/{verification}"),
            vec![("action", "revoke"), ("text", "x")],
            refused_unless_admin,
        ),
        ("/admin/professions".into(), vec![("name", "x")], refused_unless_admin),
        ("/admin/professions/1".into(), vec![("name", "x")], refused_unless_admin),
    ];
    for (path, fields, expected) in &forms {
        for (role, client) in w.clients.iter().enumerate() {
            let Some(expected) = expected[role] else { continue };
            let page = client.post(path, fields);
            let got = Got::of(&page);
            if got != expected {
                wrong.push(format!("POST {path} as {}: {got:?}, expected {expected:?}", ROLES[role]));
            }
            if leaked(role, &page.body) {
                wrong.push(format!("POST {path} as {} shows private words", ROLES[role]));
            }
        }
    }
    // Every route in the URL map is in one of the tables above: a new route needs its row.
    let tested: Vec<(&str, &str)> = pages
        .iter()
        .map(|(path, _)| ("get", path.as_str()))
        .chain(forms.iter().map(|(path, _, _)| ("post", path.as_str())))
        .collect();
    let url_map = include_str!("../../src/routes/mod.rs");
    for route in url_map.split(".route(\"").skip(1) {
        let (pattern, rest) = route.split_once('"').expect("a route's path");
        let method = if rest.contains("web::post()") { "post" } else { "get" };
        let covered = tested.iter().any(|(m, path)| *m == method && matches_pattern(pattern, path));
        if !covered {
            wrong.push(format!("{} {pattern} is not in the matrix", method.to_uppercase()));
        }
    }
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));

    // Nothing the refused forms asked for happened.
    let topic = admin.get(&format!("/t/{t}"));
    topic.assert_contains("My ZEBRA-BODY words.");
    topic.assert_lacks("Words from outside");
    topic.assert_lacks("Rewritten by someone else");
    admin.get(&format!("/mod/queue/{held}")).assert_contains("ZEBRA-HELD");
    admin.get("/admin/groups").assert_lacks("Sneaky");
    admin.get(&format!("/mod/members/{insider}")).assert_lacks("Suspended until");
}

/// Whether a concrete path (query ignored) fits a route pattern such as `/p/{id}/edit`.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (pattern, path): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(want, have)| want == have || (want.starts_with('{') && !have.is_empty()))
}
