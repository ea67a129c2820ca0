//! `forum backup` and `forum restore` (SQLite's online backup API), run as the real command
//! while the server keeps accepting posts.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::prelude::*;
use forum::db::Backend;
use forum::db::schema::posts;

use crate::helpers::spawn_app;

/// The `forum` binary with its database set to `database_url`.
fn forum(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_forum"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("FORUM_ENV")
        .output()
        .expect("the forum binary runs")
}

#[test]
fn a_backup_taken_while_members_post_restores_every_post_acknowledged_before_it_began() {
    let app = spawn_app();
    let Backend::Sqlite(live) = app.config.database.clone() else {
        // PostgreSQL is backed up with pg_dump; the command says so rather than half-working.
        let out = forum(&std::env::var("TEST_DATABASE_URL").unwrap(), &["backup", "--to", "/tmp/never.db"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    };
    // Some history, so the copy takes more than one step.
    let mut conn = crate::helpers::pool(&app).get().unwrap();
    forum::synthetic::seed(&mut conn, 3000, |_, _| {}).unwrap();
    let (admin, _) = app.admin("Ada Admin");
    let topic = admin.start_topic("hub", "Backups", "Writing while the backup runs.");

    // A moderator of the group (never slowed by flood control) posts as fast as the server takes it.
    let writing = Arc::new(AtomicBool::new(true));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let writer = {
        let (writing, acknowledged) = (writing.clone(), acknowledged.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while writing.load(Ordering::Relaxed) {
                n += 1;
                let body = format!("Reply number {n} while backing up.");
                if admin.post(&format!("/t/{topic}/reply"), &[("body", &body)]).status == 303 {
                    acknowledged.lock().unwrap().push(body);
                }
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("forum-backup.db");
    let url = format!("sqlite://{}", live.display());
    let out = forum(&url, &["backup", "--to", file.to_str().unwrap()]);
    assert!(out.status.success(), "backup failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("100 %"), "a progress bar");
    std::thread::sleep(std::time::Duration::from_millis(200));
    writing.store(false, Ordering::Relaxed);
    writer.join().unwrap();
    let after = acknowledged.lock().unwrap().len();
    assert!(after > before.len(), "posts kept being accepted during the backup");

    // A second backup to the same name is refused: nothing is overwritten.
    let again = forum(&url, &["backup", "--to", file.to_str().unwrap()]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // Restore into an empty data directory, then check what it holds.
    let restored = dir.path().join("data").join("forum.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let out = forum(&restored_url, &["restore", "--from", file.to_str().unwrap()]);
    assert!(out.status.success(), "restore failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(forum::backup::integrity(&restored).unwrap(), "ok");
    let mut db = diesel::sqlite::SqliteConnection::establish(restored.to_str().unwrap()).unwrap();
    let bodies: Vec<String> =
        posts::table.filter(posts::topic_id.eq(topic)).select(posts::body_md).load(&mut db).unwrap();
    for body in &before {
        assert!(bodies.contains(body), "{body:?} was acknowledged before the backup began but is missing");
    }
    // A restore never overwrites a database.
    let out = forum(&restored_url, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn a_damaged_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.db");
    std::fs::write(&file, b"SQLite format 3\0 but then nothing sensible at all, just words").unwrap();
    let target = dir.path().join("data").join("forum.db");
    let out = forum(&format!("sqlite://{}", target.display()), &["restore", "--from", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!target.exists(), "nothing is left behind");
}
