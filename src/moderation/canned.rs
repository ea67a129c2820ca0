//! Canned notes: ready-made explanations a moderator can send with a rejection, so volunteers
//! don't write the same kind words fifty times a week. Admins edit them at `/admin/canned-notes`.

use diesel::prelude::*;

use crate::db::schema::canned_notes;
use crate::db::{self, AnyConnection};

pub const TITLE_MAX: usize = 60;
pub const BODY_MAX: usize = 1000;

#[derive(Debug, Clone, Queryable)]
pub struct CannedNote {
    pub id: i64,
    pub title: String,
    pub body: String,
}

/// Every canned note, oldest first (the primary key serves the order).
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<CannedNote>> {
    canned_notes::table
        .order(canned_notes::id.asc())
        .select((canned_notes::id, canned_notes::title, canned_notes::body))
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<CannedNote>> {
    canned_notes::table
        .find(id)
        .select((canned_notes::id, canned_notes::title, canned_notes::body))
        .first(conn)
        .optional()
}

/// Problems with a note as typed, by field.
pub fn problems(title: &str, body: &str) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let title_len = title.trim().chars().count();
    if title_len == 0 || title_len > TITLE_MAX {
        out.push(("title", "Give the note a short name (up to 60 characters): moderators pick it by name."));
    }
    let body_len = body.trim().chars().count();
    if body_len == 0 || body_len > BODY_MAX {
        out.push(("body", "Write what the author will read, up to 1000 characters."));
    }
    out
}

pub fn create(conn: &mut AnyConnection, title: &str, body: &str) -> QueryResult<i64> {
    diesel::insert_into(canned_notes::table)
        .values((
            canned_notes::title.eq(title.trim()),
            canned_notes::body.eq(body.trim()),
            canned_notes::created_at.eq(db::now()),
        ))
        .returning(canned_notes::id)
        .get_result(conn)
}

/// Returns whether the note existed.
pub fn update(conn: &mut AnyConnection, id: i64, title: &str, body: &str) -> QueryResult<bool> {
    diesel::update(canned_notes::table.find(id))
        .set((canned_notes::title.eq(title.trim()), canned_notes::body.eq(body.trim())))
        .execute(conn)
        .map(|n| n == 1)
}

/// Returns whether the note existed.
pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(canned_notes::table.find(id)).execute(conn).map(|n| n == 1)
}

/// The note an author reads: the chosen canned text, then anything the moderator added.
pub fn compose(canned: Option<&CannedNote>, own: &str) -> Option<String> {
    let parts: Vec<&str> =
        canned.map(|c| c.body.trim()).into_iter().chain([own.trim()]).filter(|p| !p.is_empty()).collect();
    Some(parts.join("\n\n")).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canned_note_comes_first_and_the_moderators_words_follow() {
        let canned = CannedNote { id: 1, title: "Tone".into(), body: "Please say it more gently.".into() };
        assert_eq!(compose(Some(&canned), " Thanks! "), Some("Please say it more gently.\n\nThanks!".into()));
        assert_eq!(compose(Some(&canned), ""), Some("Please say it more gently.".into()));
        assert_eq!(compose(None, "  "), None);
    }

    #[test]
    fn names_and_texts_must_fit() {
        assert!(problems("Tone", "Be kind").is_empty());
        assert_eq!(problems(" ", "x").len(), 1);
        assert_eq!(
            problems("t", &"x".repeat(1001)),
            vec![("body", "Write what the author will read, up to 1000 characters.")]
        );
    }
}
