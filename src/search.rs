//! Full-text search over live posts and topic titles. The one module with backend-specific SQL:
//! SQLite matches in FTS5 tables kept in step by triggers, PostgreSQL in the `tsvector`s of the
//! narrow `post_search` table with a GIN index, kept by triggers too (migrations
//! `…_search_table` and `…_search_windows`). Both index live text only, changed in the same
//! transaction as the post or topic, so removed or deleted text is unsearchable at once.
//!
//! What a viewer may see is decided here too: only live posts in live topics of the groups the
//! caller passes (those the viewer can read), decided while the index is read, so the count
//! is of those results alone and says nothing about what is hidden, and matches elsewhere never
//! crowd out the viewer's own.
//!
//! Cost is bounded by design: each search finds the newest matches first and ranks at most
//! [`CANDIDATES`] posts (and, on SQLite, as many titles), however common the words. SQLite
//! walks its FTS5 index newest first and stops. PostgreSQL reads windows of post ids newest
//! first through the GIN index, as many as the matches' density calls for ([`Read`]). Ranking
//! and paging are then the same for both (BENCHMARKS.md has the figures at a million posts).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

use crate::db::AnyConnection;

pub const PER_PAGE: i64 = 20;
/// Results are counted up to this many ("more than 1 000"), so a common word stays cheap.
pub const COUNT_CAP: i64 = 1000;
/// At most this many words and phrases are used from one query.
const MAX_TERMS: usize = 12;

/// A word, or a "quoted phrase" of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Word(String),
    Phrase(Vec<String>),
}

/// What someone searched for, reduced to words (letters and digits) and phrases, so nothing they
/// type can be read as query syntax by either backend.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        // PostgreSQL's web search syntax reads a bare "or" as an operator; it is a stop word anyway.
        .filter(|w| !w.eq_ignore_ascii_case("or"))
        .map(str::to_lowercase)
        .collect()
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        let mut terms = Vec::new();
        for (i, part) in raw.split('"').enumerate() {
            // Odd parts were inside quotes (an unclosed quote runs to the end).
            if i % 2 == 1 {
                match words(part).as_slice() {
                    [] => {}
                    [one] => terms.push(Term::Word(one.clone())),
                    many => terms.push(Term::Phrase(many.to_vec())),
                }
            } else {
                terms.extend(words(part).into_iter().map(Term::Word));
            }
        }
        terms.dedup();
        terms.truncate(MAX_TERMS);
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// FTS5 syntax: every term quoted (a phrase's words in one pair of quotes), all required.
    /// Lone stop words ("after", "my") are left out when other words remain, as PostgreSQL's
    /// English configuration leaves them out: nearly every post has them, so they narrow
    /// nothing, and merging their long lists doubled the time of "tired after chemo".
    fn fts5(&self) -> String {
        let telling = |t: &&Term| !matches!(t, Term::Word(w) if is_stop_word(w));
        let all_stop_words = !self.terms.iter().any(|t| telling(&t));
        self.terms
            .iter()
            .filter(|t| all_stop_words || telling(t))
            .map(|t| match t {
                Term::Word(w) => format!("\"{w}\""),
                Term::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// PostgreSQL `websearch_to_tsquery` syntax: words, and phrases in quotes, all required.
    fn websearch(&self) -> String {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Word(w) => w.clone(),
                Term::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The stems of every word searched for, for highlighting.
    fn stems(&self) -> Vec<String> {
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        self.terms
            .iter()
            .flat_map(|t| match t {
                Term::Word(w) => vec![w.clone()],
                Term::Phrase(ws) => ws.clone(),
            })
            .map(|w| stemmer.stem(&w).into_owned())
            .collect()
    }
}

/// English words too common to narrow a search: pronouns, articles, auxiliaries,
/// prepositions and conjunctions (about the set PostgreSQL's `english` configuration ignores).
fn is_stop_word(word: &str) -> bool {
    const STOP_WORDS: &[&str] = &[
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ];
    STOP_WORDS.binary_search(&word).is_ok()
}

/// One result, with a snippet of its text around the first word that matched.
#[derive(Debug, Clone)]
pub struct Hit {
    pub post_id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub group_name: String,
    pub author_name: String,
    pub created_at: NaiveDateTime,
    pub is_opening: bool,
    /// Plain text in pieces: (text, whether it matched).
    pub snippet: Vec<(String, bool)>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    post_id: i64,
    #[diesel(sql_type = BigInt)]
    topic_id: i64,
    #[diesel(sql_type = Text)]
    topic_title: String,
    #[diesel(sql_type = Text)]
    group_name: String,
    #[diesel(sql_type = Text)]
    author_name: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_opening: bool,
    #[diesel(sql_type = Text)]
    body_md: String,
}

/// A result before ranking: the post (for a title match, the topic's opening post) and how well
/// it matched (higher is better).
#[derive(QueryableByName, Debug, Clone, Copy, PartialEq)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    post_id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// How many of the newest matching posts (and, on SQLite, separately topic titles) are ranked.
/// Finding them reads the newest first and stops, so a word in half the forum costs no more
/// than a rare one; beyond this many results the page says "more than [`COUNT_CAP`]".
const CANDIDATES: i64 = COUNT_CAP + 1;

/// SQLite: the newest visible matches, each scored by `relevance` (`src/db/relevance.rs`, lower
/// is better, so negated here; titles weigh double). A title match is its opening post's, so
/// it and a match in that post's text are one result, with the better score. The FTS table
/// drives each join (CROSS JOIN keeps that order), so the walk is in the index's own rowid
/// order and stops.
fn sqlite_candidates(topic_visible: &str) -> String {
    format!(
        "SELECT post_id, MAX(score) AS score FROM (
            SELECT * FROM (
                SELECT p.id AS post_id, -relevance(post_search) AS score
                  FROM post_search CROSS JOIN posts p ON p.id = post_search.rowid CROSS JOIN topics t ON t.id = p.topic_id
                 WHERE post_search MATCH ?1 AND p.status = 'live' AND {topic_visible}
                 ORDER BY post_search.rowid DESC LIMIT {CANDIDATES})
            UNION ALL
            SELECT * FROM (
                SELECT (SELECT o.id FROM posts o WHERE o.topic_id = t.id AND o.is_opening) AS post_id,
                       -2 * relevance(topic_search) AS score
                  FROM topic_search CROSS JOIN topics t ON t.id = topic_search.rowid
                 WHERE topic_search MATCH ?1 AND {topic_visible}
                 ORDER BY topic_search.rowid DESC LIMIT {CANDIDATES}))
         GROUP BY post_id"
    )
}

/// PostgreSQL groups post ids in windows of 2^`WINDOW_BITS`, and each post's words carry a mark
/// naming its window (`'#61'` for ids 999 424 to 1 015 807; migration `…_search_windows`, which
/// must agree). "The words and this window's mark" lets the GIN index skip every other window,
/// so a search reads the windows it needs, newest first, and no more.
const WINDOW_BITS: u32 = 14;
/// Searches whose matches are sparser than `CANDIDATES` in this many windows read the older
/// posts in one query instead, where the planner can use the GIN index whole.
const MAX_WINDOWS: i64 = 16;

/// What a PostgreSQL search reads next.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    /// These windows, newest first.
    Windows(std::ops::RangeInclusive<i64>),
    /// Every post older than this id.
    Older(i64),
    Done,
}

impl Read {
    /// The newest two windows: the newest one alone may have only just begun.
    fn first(newest_id: i64) -> Read {
        let top = newest_id >> WINDOW_BITS;
        Read::Windows((top - 1).max(0)..=top)
    }

    /// After reading every window from `oldest` to the newest and finding `found` visible
    /// matches: enough windows more for the rest at the density seen so far, and one spare.
    fn after(newest_id: i64, oldest: i64, found: i64) -> Read {
        if found >= CANDIDATES || oldest == 0 {
            return Read::Done;
        }
        let below = oldest << WINDOW_BITS;
        let top = newest_id >> WINDOW_BITS;
        let read_ids = newest_id - below + 1;
        let wanted = (CANDIDATES - found).saturating_mul(read_ids) / found.max(1);
        let more = wanted / (1 << WINDOW_BITS) + 2;
        if found == 0 || top - oldest + 1 + more > MAX_WINDOWS {
            Read::Older(below)
        } else {
            Read::Windows((oldest - more).max(0)..=oldest - 1)
        }
    }
}

/// PostgreSQL: the newest visible matches with their `ts_rank` (an opening post's words include
/// its topic's title, weighted A, which counts double here), read a few windows at a time.
/// `post_search` holds only posts of live topics, with their group, so nothing is joined; the
/// score is computed only for the rows kept.
fn postgres_candidates(conn: &mut AnyConnection, text: &str, group_ids: &str) -> QueryResult<Vec<Candidate>> {
    #[derive(QueryableByName)]
    struct Newest {
        #[diesel(sql_type = Nullable<BigInt>)]
        id: Option<i64>,
    }
    const QUERY: &str = "websearch_to_tsquery('english', $1)";
    // Stop words alone make an empty query, which ANDed with a window's mark would match all of it.
    let newest = diesel::sql_query(format!(
        "SELECT CASE WHEN numnode({QUERY}) > 0 THEN (SELECT MAX(post_id) FROM post_search) END AS id"
    ))
    .bind::<Text, _>(text)
    .get_result::<Newest>(conn)?
    .id;
    let Some(newest) = newest else { return Ok(Vec::new()) };
    let mut found: Vec<Candidate> = Vec::new();
    let mut read = Read::first(newest);
    loop {
        let (matches, oldest) = match &read {
            Read::Windows(windows) => {
                let marks = windows.clone().rev().map(|w| format!("search @@ ({QUERY} && '#{w}'::tsquery)"));
                (format!("({})", marks.collect::<Vec<_>>().join(" OR ")), *windows.start())
            }
            Read::Older(below) => (format!("search @@ {QUERY} AND post_id < {below}"), 0),
            Read::Done => return Ok(found),
        };
        let sql = format!(
            "SELECT post_id, ts_rank('{{0.1, 0.2, 0.4, 0.2}}', search, {QUERY})::float8 AS score
               FROM (SELECT post_id, search FROM post_search
                      WHERE {matches} AND group_id IN ({group_ids})
                      ORDER BY post_id DESC LIMIT {}) newest",
            CANDIDATES - found.len() as i64
        );
        found.extend(diesel::sql_query(sql).bind::<Text, _>(text).load::<Candidate>(conn)?);
        read = match read {
            Read::Windows(_) => Read::after(newest, oldest, found.len() as i64),
            _ => Read::Done,
        };
    }
}

/// The page's rows, in `page`'s order: each post, with its topic, group and author. What may be
/// seen was decided while finding the candidates; a post or topic that stopped being live since
/// then is left out.
fn page_rows(page: &[Candidate]) -> String {
    let posts = page.iter().enumerate().map(|(i, c)| format!("({}, {i})", c.post_id)).collect::<Vec<_>>();
    format!(
        "WITH r(post_id, ord) AS (VALUES {})
         SELECT p.id AS post_id, t.id AS topic_id, t.title AS topic_title, g.name AS group_name,
                u.display_name AS author_name, p.created_at AS created_at, p.is_opening AS is_opening, p.body_md AS body_md
           FROM r JOIN posts p ON p.id = r.post_id JOIN topics t ON t.id = p.topic_id
           JOIN groups g ON g.id = t.group_id JOIN users u ON u.id = p.author_id
          WHERE p.status = 'live' AND t.status = 'live'
          ORDER BY r.ord",
        posts.join(", ")
    )
}

/// One page of results for `query` within `group_ids` (groups the viewer may read), ranked by
/// relevance with the newer post first on a tie, and how many results there are (up to
/// [`CANDIDATES`] of posts, on SQLite plus as many of titles: more than [`COUNT_CAP`] means
/// "many").
/// Ranking is among the newest [`CANDIDATES`] matches, which is every match for all but the
/// commonest words.
pub fn search(conn: &mut AnyConnection, query: &Query, group_ids: &[i64], page: i64) -> QueryResult<(i64, Vec<Hit>)> {
    if query.is_empty() || group_ids.is_empty() {
        return Ok((0, Vec::new()));
    }
    let ids = group_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut candidates = match conn {
        AnyConnection::Sqlite(_) => {
            let topic_visible = format!("t.status = 'live' AND t.group_id IN ({ids})");
            diesel::sql_query(sqlite_candidates(&topic_visible)).bind::<Text, _>(query.fts5()).load(conn)?
        }
        AnyConnection::Postgres(_) => postgres_candidates(conn, &query.websearch(), &ids)?,
    };
    candidates.sort_by(|a: &Candidate, b| b.score.total_cmp(&a.score).then(b.post_id.cmp(&a.post_id)));
    let total = candidates.len() as i64;
    let offset = ((page.max(1) - 1) * PER_PAGE) as usize;
    let shown = candidates.get(offset..).unwrap_or_default();
    let shown = &shown[..shown.len().min(PER_PAGE as usize)];
    if shown.is_empty() {
        return Ok((total, Vec::new()));
    }
    let rows: Vec<Row> = diesel::sql_query(page_rows(shown)).load(conn)?;
    let stems = query.stems();
    let hits = rows
        .into_iter()
        .map(|r| Hit {
            snippet: snippet(&r.body_md, &stems),
            post_id: r.post_id,
            topic_id: r.topic_id,
            topic_title: r.topic_title,
            group_name: r.group_name,
            author_name: r.author_name,
            created_at: r.created_at,
            is_opening: r.is_opening,
        })
        .collect();
    Ok((total, hits))
}

/// About this many characters of text either side of the first match.
const SNIPPET_CONTEXT: usize = 90;

/// A short plain-text extract of `markdown` around the first word whose stem was searched for,
/// in pieces marked matched or not (the template escapes them and marks the matches).
pub fn snippet(markdown: &str, stems: &[String]) -> Vec<(String, bool)> {
    let text: String = markdown
        .chars()
        .map(|c| if matches!(c, '*' | '_' | '#' | '>' | '`' | '[' | ']' | '|') || c.is_whitespace() { ' ' } else { c })
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    // Word boundaries (byte offsets) and whether each word matched.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = text[s..i].to_lowercase();
                if stems.iter().any(|stem| *stem == stemmer.stem(&word)) {
                    marks.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    let first = marks.first().map_or(0, |m| m.0);
    let from = floor_boundary(&text, first.saturating_sub(SNIPPET_CONTEXT));
    let to = floor_boundary(&text, (first + SNIPPET_CONTEXT * 2).min(text.len()));
    let mut out: Vec<(String, bool)> = Vec::new();
    if from > 0 {
        out.push(("…".to_owned(), false));
    }
    let mut at = from;
    for &(s, e) in marks.iter().filter(|(s, e)| *s >= from && *e <= to) {
        if s > at {
            out.push((text[at..s].to_owned(), false));
        }
        out.push((text[s..e].to_owned(), true));
        at = e;
    }
    if to > at {
        out.push((text[at..to].to_owned(), false));
    }
    if to < text.len() {
        out.push(("…".to_owned(), false));
    }
    out
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_reads_as_many_windows_as_the_density_so_far_needs() {
        // A million posts: windows 61 (just begun) and 60 first.
        assert_eq!(Read::first(999_999), Read::Windows(60..=61));
        // 183 visible matches in those 16 960 ids: the other 818 need about 76 000 more ids,
        // four windows and a part, so five and one spare.
        assert_eq!(Read::after(999_999, 60, 183), Read::Windows(54..=59));
        assert_eq!(Read::after(999_999, 54, 1_001), Read::Done);
        // Too sparse for windows, or nothing yet: the planner reads everything older at once.
        assert_eq!(Read::after(999_999, 60, 5), Read::Older(983_040));
        assert_eq!(Read::after(999_999, 60, 0), Read::Older(983_040));
        // A small forum is one window, read at once.
        assert_eq!(Read::first(9_000), Read::Windows(0..=0));
        assert_eq!(Read::after(9_000, 0, 3), Read::Done);
        // Never below the first window.
        assert_eq!(Read::after(40_000, 1, 900), Read::Windows(0..=0));
    }

    #[test]
    fn queries_become_words_and_phrases_and_nothing_else() {
        let q = Query::parse(r#"Scans "recall appointment" NEAR(x) -drop "" or *"#);
        assert_eq!(
            q.terms,
            vec![
                Term::Word("scans".into()),
                Term::Phrase(vec!["recall".into(), "appointment".into()]),
                Term::Word("near".into()),
                Term::Word("x".into()),
                Term::Word("drop".into()),
            ]
        );
        assert_eq!(q.fts5(), r#""scans" AND "recall appointment" AND "near" AND "x" AND "drop""#);
        assert_eq!(q.websearch(), r#"scans "recall appointment" near x drop"#);
        assert!(Query::parse("  \"\" !!! ").is_empty());
        // Stop words narrow nothing, unless they are all there is or part of a phrase.
        assert!(["a", "after", "my", "yourselves"].iter().all(|w| is_stop_word(w)) && !is_stop_word("chemo"));
        assert_eq!(Query::parse("tired after chemo").fts5(), r#""tired" AND "chemo""#);
        assert_eq!(Query::parse("after the").fts5(), r#""after" AND "the""#);
        assert_eq!(Query::parse(r#""tired after" chemo"#).fts5(), r#""tired after" AND "chemo""#);
        assert_eq!(Query::parse("\"unclosed phrase here").terms.len(), 1);
    }

    #[test]
    fn snippets_mark_stemmed_matches_around_the_first_one() {
        let stems = Query::parse("scan").stems();
        let pieces = snippet("My **scans** were fine; the scanning took ages.", &stems);
        let marked: Vec<&str> = pieces.iter().filter(|p| p.1).map(|p| p.0.as_str()).collect();
        assert_eq!(marked, vec!["scans", "scanning"]);
        let long = format!("{} biopsy {}", "word ".repeat(100), "word ".repeat(100));
        let pieces = snippet(&long, &Query::parse("biopsies").stems());
        assert_eq!(pieces.first().unwrap().0, "…");
        assert!(pieces.iter().any(|p| p.1 && p.0 == "biopsy"));
        assert!(pieces.iter().map(|p| p.0.len()).sum::<usize>() < 300);
    }
}
