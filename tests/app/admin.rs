//! The first admin, created from the command line, and what admins can change.

use crate::helpers::spawn_app;

#[test]
fn the_first_admin_sets_a_password_from_the_printed_link_and_manages_groups() {
    let app = spawn_app();
    let (admin, _) = app.admin("Founding Admin");
    let index = admin.get("/admin");
    assert_eq!(index.status, 200);
    index.assert_contains("Administration");

    let created = admin.post(
        "/admin/groups/new",
        &[
            ("name", "Lymphoedema"),
            ("slug", "lymphoedema"),
            ("description", "Living with lymphoedema after surgery."),
            ("rules_md", "Share what helps."),
            ("visibility", "open"),
            ("moderation_policy", "post_moderate"),
        ],
    );
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location(), "/g/lymphoedema");
    let home = app.client().get("/");
    home.assert_contains("Lymphoedema");
    home.assert_contains("Living with lymphoedema after surgery.");

    // A clash keeps what was typed and says why.
    let clash = admin.post(
        "/admin/groups/new",
        &[
            ("name", "Another"),
            ("slug", "lymphoedema"),
            ("description", "x"),
            ("visibility", "open"),
            ("moderation_policy", "post_moderate"),
        ],
    );
    assert_eq!(clash.status, 422);
    clash.assert_contains("Another group already uses that address.");
    clash.assert_contains("value=\"Another\"");

    // Change a group's visibility: it becomes private and its topics vanish for outsiders.
    let id = crate::helpers::id_in_link_before(
        &admin.get("/admin/groups").body,
        "/admin/groups/",
        "<span class=\"visually-hidden\"> Lymphoedema<",
    );
    let topic = admin.start_topic("lymphoedema", "Compression sleeves", "Which ones are comfortable?");
    let changed = admin.post(
        &format!("/admin/groups/{id}"),
        &[
            ("name", "Lymphoedema"),
            ("slug", "lymphoedema"),
            ("description", "Living with lymphoedema after surgery."),
            ("rules_md", ""),
            ("visibility", "private"),
            ("moderation_policy", "post_moderate"),
        ],
    );
    assert_eq!(changed.status, 303);
    assert_eq!(app.client().get(&format!("/t/{topic}")).status, 404);
}

#[test]
fn admin_pages_do_not_exist_for_members_and_ask_strangers_to_sign_in() {
    let app = spawn_app();
    let (member, _) = app.member("Plain Member");
    for path in ["/admin", "/admin/groups", "/admin/members", "/admin/ground-rules", "/admin/groups/1"] {
        assert_eq!(member.get(path).status, 404, "{path}");
        assert_eq!(app.client().get(path).status, 303, "{path}");
    }
    let forged = member
        .post("/admin/groups/new", &[("name", "Mine"), ("slug", "mine"), ("description", "x"), ("visibility", "open")]);
    assert_eq!(forged.status, 404);
    assert_eq!(app.client().get("/g/mine").status, 404);
}

#[test]
fn forum_admin_create_refuses_a_duplicate_and_leaves_no_default_accounts() {
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    use diesel::prelude::*;
    let users: i64 = forum::db::schema::users::table.count().get_result(&mut pool.get().unwrap()).unwrap();
    assert_eq!(users, 0, "no default accounts exist");
    forum::cli::create_admin(&app.config, "boss@example.org", "The Boss").unwrap();
    let again = forum::cli::create_admin(&app.config, "boss@example.org", "Another Boss").unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
}
