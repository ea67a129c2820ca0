//! `forum backup --to FILE` and `forum restore --from FILE` for SQLite, through SQLite's online
//! backup API.
//!
//! The backup reads one snapshot: it holds a read transaction on its own connection for the
//! whole copy, so the server keeps writing (WAL readers never block writers) and the file holds
//! exactly what was committed when the backup began, however long the copy takes. Pages are
//! copied in steps so a progress bar can follow.
//!
//! A restore goes only into a database that does not exist yet (an empty data directory), and
//! only from a file that passes `PRAGMA integrity_check`. PostgreSQL has its own tools:
//! `pg_dump` and `pg_restore` (README).

use std::ffi::{CStr, CString, c_int};
use std::path::Path;
use std::ptr;

use anyhow::{Context, bail};
use libsqlite3_sys as ffi;

use crate::db::Backend;

/// Pages copied per step (4 KiB each): small enough for a smooth progress bar.
const PAGES_PER_STEP: c_int = 1024;

/// An open SQLite handle, closed on drop.
struct Handle(*mut ffi::sqlite3);

impl Handle {
    fn open(path: &Path, flags: c_int) -> anyhow::Result<Handle> {
        let name = CString::new(path.to_string_lossy().as_bytes()).context("a path without NUL bytes")?;
        let mut db = ptr::null_mut();
        let rc = unsafe { ffi::sqlite3_open_v2(name.as_ptr(), &mut db, flags, ptr::null()) };
        let handle = Handle(db);
        if rc != ffi::SQLITE_OK {
            bail!("cannot open {}: {}", path.display(), handle.message());
        }
        unsafe { ffi::sqlite3_busy_timeout(db, 10_000) };
        Ok(handle)
    }

    fn message(&self) -> String {
        if self.0.is_null() {
            return "out of memory".into();
        }
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) }.to_string_lossy().into_owned()
    }

    fn execute(&self, sql: &str) -> anyhow::Result<()> {
        let sql = CString::new(sql)?;
        let rc = unsafe { ffi::sqlite3_exec(self.0, sql.as_ptr(), None, ptr::null_mut(), ptr::null_mut()) };
        if rc != ffi::SQLITE_OK {
            bail!("{}", self.message());
        }
        Ok(())
    }

    /// The first column of the first row of `sql`, as text.
    fn text(&self, sql: &str) -> anyhow::Result<String> {
        let sql = CString::new(sql)?;
        let mut stmt = ptr::null_mut();
        let rc = unsafe { ffi::sqlite3_prepare_v2(self.0, sql.as_ptr(), -1, &mut stmt, ptr::null_mut()) };
        if rc != ffi::SQLITE_OK {
            bail!("{}", self.message());
        }
        let result = match unsafe { ffi::sqlite3_step(stmt) } {
            ffi::SQLITE_ROW => {
                let text = unsafe { ffi::sqlite3_column_text(stmt, 0) };
                Ok(if text.is_null() {
                    String::new()
                } else {
                    unsafe { CStr::from_ptr(text.cast()) }.to_string_lossy().into_owned()
                })
            }
            _ => Err(anyhow::anyhow!("{}", self.message())),
        };
        unsafe { ffi::sqlite3_finalize(stmt) };
        result
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        unsafe { ffi::sqlite3_close(self.0) };
    }
}

/// Copies every page of `source` into `destination` in steps, reporting (pages done, total).
fn copy(source: &Handle, destination: &Handle, progress: &mut dyn FnMut(usize, usize)) -> anyhow::Result<()> {
    let main = c"main";
    let backup = unsafe { ffi::sqlite3_backup_init(destination.0, main.as_ptr(), source.0, main.as_ptr()) };
    if backup.is_null() {
        bail!("cannot start the backup: {}", destination.message());
    }
    let outcome = loop {
        let rc = unsafe { ffi::sqlite3_backup_step(backup, PAGES_PER_STEP) };
        let total = unsafe { ffi::sqlite3_backup_pagecount(backup) }.max(0) as usize;
        let left = unsafe { ffi::sqlite3_backup_remaining(backup) }.max(0) as usize;
        progress(total - left.min(total), total);
        match rc {
            ffi::SQLITE_OK => continue,
            ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED => std::thread::sleep(std::time::Duration::from_millis(20)),
            ffi::SQLITE_DONE => break Ok(()),
            _ => break Err(anyhow::anyhow!("the backup failed: {}", destination.message())),
        }
    };
    let rc = unsafe { ffi::sqlite3_backup_finish(backup) };
    outcome?;
    if rc != ffi::SQLITE_OK {
        bail!("the backup failed: {}", destination.message());
    }
    Ok(())
}

fn sqlite_path(backend: &Backend, what: &str) -> anyhow::Result<std::path::PathBuf> {
    match backend {
        Backend::Sqlite(path) => Ok(path.clone()),
        Backend::Postgres(_) => bail!(
            "`forum {what}` is for SQLite. For PostgreSQL use pg_dump and pg_restore (see the README's Backups section)."
        ),
    }
}

/// `forum backup --to FILE`: a consistent copy of the live database. Refuses to overwrite.
pub fn backup(backend: &Backend, to: &Path, progress: &mut dyn FnMut(usize, usize)) -> anyhow::Result<()> {
    let from = sqlite_path(backend, "backup")?;
    if !from.exists() {
        bail!("there is no database at {} to back up", from.display());
    }
    if to.exists() {
        bail!("{} already exists; choose a new file name so no backup is overwritten", to.display());
    }
    let source = Handle::open(&from, ffi::SQLITE_OPEN_READONLY)?;
    // One read transaction for the whole copy: a single snapshot, whatever is written meanwhile.
    source.execute("BEGIN")?;
    source.text("SELECT count(*) FROM sqlite_schema")?;
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let destination = Handle::open(&partial, ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE)?;
        copy(&source, &destination, progress)?;
        // A self-contained file: no WAL beside it.
        destination.execute("PRAGMA journal_mode = DELETE")?;
        Ok::<_, anyhow::Error>(())
    })();
    let _ = source.execute("COMMIT");
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    // Only a complete backup gets the name asked for.
    std::fs::rename(&partial, to).with_context(|| format!("cannot name the backup {}", to.display()))?;
    Ok(())
}

/// `forum restore --from FILE`: into a data directory that has no database yet.
pub fn restore(backend: &Backend, from: &Path, progress: &mut dyn FnMut(usize, usize)) -> anyhow::Result<()> {
    let to = sqlite_path(backend, "restore")?;
    if to.exists() {
        bail!(
            "{} already exists. Restore into an empty data directory (move the old database away first), \
             so nothing is overwritten by mistake.",
            to.display()
        );
    }
    let source = Handle::open(from, ffi::SQLITE_OPEN_READONLY)?;
    let check = source.text("PRAGMA integrity_check")?;
    if check != "ok" {
        bail!("{} is damaged and was not restored: {check}", from.display());
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = to.with_extension("restoring");
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let destination = Handle::open(&partial, ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE)?;
        copy(&source, &destination, progress)?;
        let check = destination.text("PRAGMA integrity_check")?;
        if check != "ok" {
            bail!("the restored copy failed its integrity check: {check}");
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &to).with_context(|| format!("cannot name the database {}", to.display()))?;
    Ok(())
}

/// `PRAGMA integrity_check` of a database file: "ok" when it is sound.
pub fn integrity(path: &Path) -> anyhow::Result<String> {
    Handle::open(path, ffi::SQLITE_OPEN_READONLY)?.text("PRAGMA integrity_check")
}
