//! `relevance(table)`: the FTS5 ranking function SQLite search sorts by (`src/search.rs`),
//! registered on every SQLite connection the process opens.
//!
//! It is BM25 (k1 = 1.2, b = 0.75, as FTS5's own `bm25`) with every phrase weighing the same.
//! `bm25` weighs each phrase by how rare it is, and to learn that it walks the phrase's whole
//! list of posts at every query: at a million posts that was two thirds of a search's time
//! (BENCHMARKS.md), and it grows with the forum. Search requires every phrase, so every result
//! holds all of them and rarity would only tilt which phrase's repetitions count for more.
//! Without it, a row's score needs only its own phrase counts, its length and the table's mean
//! length (kept by FTS5 as one record), so it costs the same at any size. PostgreSQL's
//! `ts_rank` does not weigh by rarity either, so both backends now rank alike. Like `bm25`,
//! lower is better: the score is negated.

use std::ffi::{c_char, c_int, c_void};
use std::sync::Once;

use libsqlite3_sys as ffi;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers [`relevance`] on every SQLite connection opened from now on. Idempotent.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // SAFETY: `register` has the signature SQLite calls an automatic extension with.
        unsafe { ffi::sqlite3_auto_extension(Some(register)) };
    });
}

/// Called by SQLite as each connection opens: finds the connection's FTS5 API (FTS5 hands it
/// out through a pointer bound to `SELECT fts5(?1)`) and adds the function to it.
unsafe extern "C" fn register(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    let mut fts5: *mut ffi::fts5_api = std::ptr::null_mut();
    let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
    // SAFETY: `db` is an open connection SQLite passed in; the statement is finalised before
    // returning, and the bound pointer outlives the step that writes through it.
    unsafe {
        let rc = ffi::sqlite3_prepare_v2(db, c"SELECT fts5(?1)".as_ptr(), -1, &mut stmt, std::ptr::null_mut());
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut fts5 as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        let rc = ffi::sqlite3_finalize(stmt);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let Some(create) = fts5.as_ref().and_then(|api| api.xCreateFunction) else {
            return ffi::SQLITE_ERROR;
        };
        create(fts5, c"relevance".as_ptr(), std::ptr::null_mut(), Some(relevance), None)
    }
}

/// The FTS5 auxiliary function: the current row's negated score (see the module's comment).
unsafe extern "C" fn relevance(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    _argc: c_int,
    _argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes its own API table and the context of the row being ranked.
    let score = unsafe { api.as_ref().and_then(|api| row_score(api, fts)) };
    // SAFETY: `ctx` is the function call's result context.
    unsafe {
        match score {
            Some(score) => ffi::sqlite3_result_double(ctx, -score),
            None => ffi::sqlite3_result_error(ctx, c"relevance: FTS5 could not describe the row".as_ptr(), -1),
        }
    }
}

/// The row's phrase counts, its length and the mean length, from FTS5; `None` if FTS5 fails.
///
/// # Safety
/// `api` and `fts` must be what FTS5 passed to an auxiliary function, during that call.
unsafe fn row_score(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context) -> Option<f64> {
    let ok = |rc: c_int| (rc == ffi::SQLITE_OK).then_some(());
    let (mut rows, mut tokens, mut length, mut instances) = (0i64, 0i64, 0 as c_int, 0 as c_int);
    // SAFETY: the caller's contract; every out-pointer is a live local.
    unsafe {
        ok(api.xRowCount?(fts, &mut rows))?;
        ok(api.xColumnTotalSize?(fts, -1, &mut tokens))?;
        ok(api.xColumnSize?(fts, -1, &mut length))?;
        ok(api.xInstCount?(fts, &mut instances))?;
        let phrases = usize::try_from(api.xPhraseCount?(fts)).ok()?;
        let mut counts = vec![0u32; phrases];
        for i in 0..instances {
            let (mut phrase, mut column, mut offset) = (0 as c_int, 0 as c_int, 0 as c_int);
            ok(api.xInst?(fts, i, &mut phrase, &mut column, &mut offset))?;
            *counts.get_mut(usize::try_from(phrase).ok()?)? += 1;
        }
        Some(score(&counts, f64::from(length), tokens as f64 / rows.max(1) as f64))
    }
}

/// BM25's sum over phrases with equal weights: `counts` of each phrase in a row `length`
/// tokens long, where rows are `mean_length` long on average. Higher is better.
fn score(counts: &[u32], length: f64, mean_length: f64) -> f64 {
    let norm = K1 * (1.0 - B + B * length / mean_length.max(1.0));
    counts.iter().map(|&n| f64::from(n)).map(|n| n * (K1 + 1.0) / (n + norm)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_mentions_and_shorter_posts_rank_higher_with_diminishing_returns() {
        let once = score(&[1], 50.0, 50.0);
        let twice = score(&[2], 50.0, 50.0);
        let ten_times = score(&[10], 50.0, 50.0);
        assert!(twice > once && ten_times > twice);
        assert!(ten_times < K1 + 1.0, "repetition saturates: {ten_times}");
        assert!(score(&[1], 10.0, 50.0) > score(&[1], 500.0, 50.0), "the short post says it more plainly");
        assert_eq!(score(&[1, 1], 50.0, 50.0), 2.0 * once, "phrases weigh the same");
        assert_eq!(score(&[0], 50.0, 50.0), 0.0);
    }

    #[test]
    fn sqlite_connections_rank_matches_with_it() {
        use diesel::prelude::*;
        use diesel::sql_types::BigInt;

        #[derive(QueryableByName)]
        struct Ranked {
            #[diesel(sql_type = BigInt)]
            rowid: i64,
        }
        install();
        let mut conn = diesel::sqlite::SqliteConnection::establish(":memory:").unwrap();
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'porter unicode61');
             INSERT INTO docs (rowid, body) VALUES
               (1, 'My scan was fine and the nurse was kind, but the waiting room was cold and the wait long'),
               (2, 'Scans, scans and more scans this week'),
               (3, 'Nothing about that here'),
               (4, 'One scan');",
        )
        .unwrap();
        let order: Vec<i64> =
            diesel::sql_query("SELECT rowid FROM docs WHERE docs MATCH 'scan' ORDER BY relevance(docs), rowid")
                .load::<Ranked>(&mut conn)
                .unwrap()
                .into_iter()
                .map(|r| r.rowid)
                .collect();
        assert_eq!(order, [2, 4, 1], "repeated first, then the short post before the long one");
    }
}
