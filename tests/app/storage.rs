//! Storage: both backends' migrations agree, list queries are served by their indexes, seeding
//! happens once, concurrent writers queue safely, and start-up failures are one readable line.

use std::collections::BTreeSet;
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use forum::db::{AnyConnection, Backend};

use crate::helpers::spawn_app;

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

/// Search is the one place the backends differ by design (`src/search.rs`): SQLite's FTS5
/// tables and their shadow tables, PostgreSQL's `post_search` table.
fn backend_specific(table: &str) -> bool {
    table.starts_with("post_search") || table.starts_with("topic_search")
}

/// (table, column, nullable) for every table the migrations create.
fn columns(conn: &mut AnyConnection) -> BTreeSet<(String, String, bool)> {
    let all: BTreeSet<(String, String, bool)> = match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name, p.\"notnull\" AS not_null, p.pk FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations'",
        )
        .load::<SqliteColumn>(c)
        .unwrap()
        .into_iter()
        .map(|r| (r.table_name, r.name, r.not_null == 0 && r.pk == 0))
        .collect(),
        AnyConnection::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations'",
        )
        .load::<PgColumn>(c)
        .unwrap()
        .into_iter()
        .map(|r| (r.table_name, r.column_name, r.is_nullable == "YES"))
        .collect(),
    };
    all.into_iter().filter(|(table, _, _)| !backend_specific(table)).collect()
}

fn migrated(url: &str) -> AnyConnection {
    let backend = Backend::from_url(url).unwrap();
    forum::db::migrate(&backend).unwrap();
    match backend {
        Backend::Sqlite(path) => AnyConnection::Sqlite(SqliteConnection::establish(&path.to_string_lossy()).unwrap()),
        Backend::Postgres(url) => AnyConnection::Postgres(PgConnection::establish(&url).unwrap()),
    }
}

#[test]
fn both_backends_migrate_to_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = migrated(&format!("sqlite://{}", dir.path().join("parity.db").display()));
    let sqlite_columns = columns(&mut sqlite);
    assert!(sqlite_columns.contains(&("posts".into(), "body_html".into(), false)));
    assert!(sqlite_columns.contains(&("posts".into(), "edited_at".into(), true)));
    // The PostgreSQL side needs a server: the suite's PostgreSQL run (TEST_DATABASE_URL) has one.
    let app = spawn_app();
    if let Backend::Postgres(url) = &app.config.database {
        let mut pg = migrated(url);
        let pg_columns = columns(&mut pg);
        let only_sqlite: Vec<_> = sqlite_columns.difference(&pg_columns).collect();
        let only_pg: Vec<_> = pg_columns.difference(&sqlite_columns).collect();
        assert!(
            only_sqlite.is_empty() && only_pg.is_empty(),
            "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_pg:?}"
        );
    } else {
        eprintln!("PostgreSQL side of the parity check runs when TEST_DATABASE_URL is set (as .ci/run does)");
    }
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgPlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

/// The query plan of `sql`, one string; PostgreSQL is told to avoid sequential scans, as it
/// would with a realistically large table rather than a test's handful of rows.
fn plan(conn: &mut AnyConnection, sql: &str) -> String {
    match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<PlanLine>(c)
            .unwrap()
            .into_iter()
            .map(|l| l.detail)
            .collect::<Vec<_>>()
            .join("\n"),
        AnyConnection::Postgres(c) => {
            diesel::sql_query("SET enable_seqscan = off").execute(c).unwrap();
            diesel::sql_query(format!("EXPLAIN {sql}"))
                .load::<PgPlanLine>(c)
                .unwrap()
                .into_iter()
                .map(|l| l.plan)
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

#[test]
fn group_and_topic_pages_are_served_by_indexes_in_their_own_order() {
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let group_page = plan(
        &mut conn,
        "SELECT t.id, t.title FROM topics t JOIN users u ON u.id = t.author_id \
         WHERE t.group_id = 1 AND t.status = 'live' ORDER BY t.last_post_at DESC, t.id DESC LIMIT 30 OFFSET 0",
    );
    assert!(group_page.contains("topics_group_activity"), "{group_page}");
    assert!(
        !group_page.contains("TEMP B-TREE") && !group_page.contains("Sort"),
        "sorted without the index: {group_page}"
    );
    let topic_page = plan(
        &mut conn,
        "SELECT p.id, p.body_html FROM posts p JOIN users u ON u.id = p.author_id \
         WHERE p.topic_id = 1 AND p.status = 'live' ORDER BY p.created_at ASC, p.id ASC LIMIT 25 OFFSET 0",
    );
    assert!(topic_page.contains("posts_topic_order"), "{topic_page}");
    assert!(
        !topic_page.contains("TEMP B-TREE") && !topic_page.contains("Sort"),
        "sorted without the index: {topic_page}"
    );
}

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = Text)]
    compile_options: String,
}

#[test]
fn the_held_posts_count_reads_only_held_rows_with_stable_plans() {
    use forum::db::schema::posts;
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    // The moderators' navigation count, as `moderation::queue::waiting` asks it.
    let count = posts::table
        .filter(forum::posting::held())
        .group_by(posts::urgent)
        .select((posts::urgent, diesel::dsl::count_star()));
    let sql = match &mut *conn {
        AnyConnection::Sqlite(c) => {
            // Without the planner's stability guarantee SQLite compiles a statement with a bound
            // LIMIT again on every execution (`.cargo/config.toml`).
            let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
                .load::<CompileOption>(c)
                .unwrap()
                .into_iter()
                .map(|o| o.compile_options)
                .collect();
            assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "SQLite built without ENABLE_QPSG: {options:?}");
            diesel::debug_query::<diesel::sqlite::Sqlite, _>(&count).to_string()
        }
        AnyConnection::Postgres(_) => diesel::debug_query::<diesel::pg::Pg, _>(&count).to_string(),
    };
    let sql = sql.split(" -- binds").next().unwrap();
    let held = plan(&mut conn, sql);
    // Either index on the status reads only the held rows; a scan would read every post.
    assert!(held.contains("posts_waiting") || held.contains("posts_queue"), "{held}");
    assert!(!held.contains("SCAN posts") && !held.contains("Seq Scan"), "{held}");
}

#[test]
fn seeding_happens_only_on_an_empty_database() {
    use forum::db::schema::groups;
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    diesel::update(groups::table.filter(groups::slug.eq("hub")))
        .set(groups::name.eq("Welcome"))
        .execute(&mut conn)
        .unwrap();
    assert!(!forum::seed::seed_if_empty(&mut conn).unwrap());
    let names: Vec<String> = groups::table.order(groups::position).select(groups::name).load(&mut conn).unwrap();
    assert_eq!(names, ["Breast screening", "Secondaries", "Fertility", "Welcome", "Moving on"]);
}

#[test]
fn concurrent_replies_all_land() {
    let app = spawn_app();
    let (member, _) = app.member("Busy Bee");
    let topic = member.start_topic("hub", "Busy topic", "Start.");
    let clients: Vec<_> = (0..4).map(|_| app.client()).collect();
    // Flood control never slows moderators: an admin may post 40 replies in a few seconds.
    let (_, email) = app.admin("Second Bee");
    for c in &clients {
        c.login(&email, crate::helpers::ADMIN_PASSWORD).unwrap();
    }
    std::thread::scope(|s| {
        for (n, c) in clients.iter().enumerate() {
            s.spawn(move || {
                for i in 0..10 {
                    c.reply(topic, &format!("reply {n}-{i}"));
                }
            });
        }
    });
    let page = app.client().get(&format!("/t/{topic}?page=2"));
    page.assert_contains("Page 2 of 2");
    app.client().get("/g/hub").assert_contains("40 replies");
}

fn forum_command(database_url: &str, args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_forum"))
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn start_up_failures_say_what_to_fix_in_one_line() {
    for (url, expected) in [
        ("mysql://localhost/forum", "is not understood"),
        ("sqlite:///proc/forum/forum.db", "cannot create the folder"),
        ("postgres://nobody@127.0.0.1:1/forum", "cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:1/forum"),
    ] {
        let (ok, stderr) = forum_command(url, &["migrate"]);
        assert!(!ok, "{url} should fail");
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{url}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line for {url}: {stderr}");
    }
}

#[test]
fn forum_migrate_creates_the_sqlite_file_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nested/folder/forum.db").display());
    assert!(forum_command(&url, &["migrate"]).0);
    assert!(dir.path().join("nested/folder/forum.db").exists());
    assert!(forum_command(&url, &["migrate"]).0, "a second run has nothing to do and succeeds");
}

#[test]
fn a_synthetic_forum_keeps_every_counter_true_and_is_searchable() {
    use forum::db::schema::{groups, posts, topics};
    let app = spawn_app();
    let pool = crate::helpers::pool(&app);
    let mut conn = pool.get().unwrap();
    let mut reported = Vec::new();
    let summary = forum::synthetic::seed(&mut conn, 3000, |done, total| reported.push((done, total))).unwrap();
    assert_eq!(summary.posts, 3000);
    assert_eq!(reported.last(), Some(&(3000, 3000)), "progress reaches the end");
    // Every counter is what the app would have kept.
    let live_topics: i64 = topics::table.filter(topics::status.eq("live")).count().get_result(&mut conn).unwrap();
    let group_counts: Vec<(i64, i64)> =
        groups::table.select((groups::topic_count, groups::post_count)).load(&mut conn).unwrap();
    assert_eq!(group_counts.iter().map(|g| g.0).sum::<i64>(), live_topics);
    let live_posts: i64 = posts::table
        .inner_join(topics::table)
        .filter(posts::status.eq("live"))
        .filter(topics::status.eq("live"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(group_counts.iter().map(|g| g.1).sum::<i64>(), live_posts);
    let topic_rows: Vec<(i64, i64)> = topics::table.select((topics::id, topics::reply_count)).load(&mut conn).unwrap();
    let replies: Vec<(i64, bool)> = posts::table
        .filter(posts::status.eq("live"))
        .select((posts::topic_id, posts::is_opening))
        .load(&mut conn)
        .unwrap();
    for (topic, count) in &topic_rows {
        let live = replies.iter().filter(|(t, opening)| t == topic && !opening).count() as i64;
        assert_eq!(*count, live, "topic {topic}");
    }
    // A long tail: most topics are short, a few are long.
    let mut counts: Vec<i64> = topic_rows.iter().map(|t| t.1).collect();
    counts.sort_unstable();
    assert!(counts[counts.len() / 2] <= 5 && *counts.last().unwrap() >= 25, "{counts:?}");
    // The pages and search work on it.
    let busiest = topic_rows.iter().max_by_key(|t| t.1).unwrap().0;
    app.client().get(&format!("/t/{busiest}")).assert_contains("class=\"post");
    let found = app.client().get("/search?q=mammogram");
    assert_eq!(found.status, 200);
    assert!(!found.body.contains("No results"), "{}", found.body);
}
