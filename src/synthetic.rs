//! `forum seed --posts N`: a realistic synthetic forum for benchmarks and demonstrations —
//! members and verified clinicians, groups of every visibility, topics whose reply counts have
//! a long tail, posts of realistic length and vocabulary, edits, held and removed posts — with
//! every counter consistent, as the app itself would have left it. Deterministic for a given
//! size, and written in large batches (explicit ids, one transaction per batch).

use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::schema::{group_members, groups, post_revisions, posts, topics, users, verifications};
use crate::db::{self, AnyConnection};

/// Multi-row INSERT: diesel batches rows per backend, not through the multi-backend
/// connection, so each arm gets the concrete connection.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            AnyConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            AnyConnection::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

/// Posts written per transaction.
const BATCH: usize = 20_000;
/// Rows per INSERT statement (well under either backend's limit on bound values).
const ROWS_PER_INSERT: usize = 400;

const TREATMENTS: &[&str] = &[
    "mammogram",
    "biopsy",
    "ultrasound",
    "lumpectomy",
    "mastectomy",
    "reconstruction",
    "chemo",
    "radiotherapy",
    "tamoxifen",
    "letrozole",
    "anastrozole",
    "herceptin",
    "capecitabine",
    "zoladex",
    "surgery",
    "MRI scan",
    "bone scan",
    "CT scan",
    "port",
    "PICC line",
    "cold cap",
    "recall appointment",
    "screening",
    "hormone therapy",
];
const FEELINGS: &[&str] = &[
    "anxious",
    "tired",
    "hopeful",
    "scared",
    "relieved",
    "exhausted",
    "calmer",
    "overwhelmed",
    "grateful",
    "frustrated",
    "numb",
    "positive",
    "wobbly",
    "emotional",
    "stronger",
];
const PEOPLE: &[&str] =
    &["my partner", "my sister", "my mum", "my best friend", "the nurse", "my team", "my GP", "the radiographer"];
const TIMES: &[&str] = &[
    "last week",
    "this morning",
    "a few months ago",
    "after the second cycle",
    "since the operation",
    "before Christmas",
    "at the start",
    "every evening",
    "for a while now",
];
const OPENERS: &[&str] = &[
    "Hi everyone,",
    "Hello all.",
    "Thank you for the replies so far.",
    "Just a quick one.",
    "Long time reader here.",
    "Sorry if this has been asked before.",
    "Hugs to you all.",
    "",
];
const SENTENCES: &[&str] = &[
    "I had my {t} {w} and I am feeling {f}.",
    "Has anyone else found the {t} made them {f}?",
    "{P} came with me to the {t}, which helped a lot.",
    "The side effects of {t} have been hard {w}.",
    "My advice would be to write your questions down before the {t}.",
    "I was so {f} about the {t} but it was quicker than I expected.",
    "Does anyone have tips for sleeping after {t}?",
    "I keep thinking about the results and feel {f}.",
    "The waiting is the worst part, I think.",
    "Drink plenty of water and rest when you can.",
    "{P} has been amazing through all of this.",
    "I am halfway through {t} now and feeling {f}.",
    "Ask your team about the {t}; they were very kind to me.",
    "It is normal to feel {f}, please be gentle with yourself.",
    "I found walking every day helped with the fatigue.",
    "My hair started to come back {w}.",
    "Sending you lots of strength for the {t}.",
    "I went back to work part time {w} and it felt good.",
    "The scar is healing well and the {t} is done.",
    "I wish someone had told me how {f} I would feel after the {t}.",
];
const TITLES: &[&str] = &[
    "Question about {t}",
    "Feeling {f} after {t}",
    "{t} next week",
    "Anyone else on {t}?",
    "Tips for {t}",
    "Just had my {t}",
    "Results day",
    "Good news to share",
    "Struggling a bit",
    "Coping with {t}",
];
const ADJECTIVES: &[&str] =
    &["Pink", "Brave", "Quiet", "Sunny", "Gentle", "Hopeful", "Bright", "Calm", "Kind", "Wild", "Silver", "Blue"];
const NOUNS: &[&str] =
    &["Tulip", "Robin", "Willow", "Heron", "Poppy", "Fern", "Otter", "Daisy", "Wren", "Maple", "Iris", "Hazel"];

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn fill(rng: &mut StdRng, template: &str) -> String {
    let mut out = template.to_owned();
    while let Some(i) = out.find('{') {
        let value = match &out[i + 1..i + 2] {
            "t" => pick(rng, TREATMENTS).to_owned(),
            "f" => pick(rng, FEELINGS).to_owned(),
            "w" => pick(rng, TIMES).to_owned(),
            _ => {
                let p = pick(rng, PEOPLE);
                let mut c = p.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            }
        };
        out.replace_range(i..i + 3, &value);
    }
    out
}

/// A post of realistic length: mostly a few sentences, now and then several paragraphs.
fn body(rng: &mut StdRng) -> String {
    let sentences = if rng.random_bool(0.1) { rng.random_range(8..24) } else { rng.random_range(1..6) };
    let mut text = pick(rng, OPENERS).to_owned();
    for i in 0..sentences {
        if i > 0 && i % 4 == 0 {
            text.push_str("\n\n");
        } else if !text.is_empty() {
            text.push(' ');
        }
        let template = pick(rng, SENTENCES);
        text.push_str(&fill(rng, template));
    }
    text
}

/// Replies in a topic: a long tail (Pareto, α = 1.3): most topics get a handful, a few hundreds.
fn reply_count(rng: &mut StdRng) -> usize {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    ((2.0 * (u.powf(-1.0 / 1.3) - 1.0)) as usize).min(1500)
}

/// What was written.
#[derive(Debug, Default)]
pub struct Summary {
    pub members: usize,
    pub clinicians: usize,
    pub topics: usize,
    pub posts: usize,
    pub seconds: f64,
}

struct NewPost {
    id: i64,
    topic_id: i64,
    author_id: i64,
    is_opening: bool,
    body_md: String,
    body_html: String,
    status: &'static str,
    created_at: NaiveDateTime,
    edited_at: Option<NaiveDateTime>,
}

/// Adds about `posts` posts to the database behind `conn` (after the default groups, which
/// are seeded first if missing). `progress` is told (done, total) after every batch.
pub fn seed(
    conn: &mut AnyConnection,
    posts_wanted: usize,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    crate::seed::seed_if_empty(conn)?;
    if let AnyConnection::Sqlite(c) = conn {
        // A seeding run is repeatable: durability per batch is not needed while it runs.
        diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA synchronous = OFF")?;
    }
    let mut rng = StdRng::seed_from_u64(posts_wanted as u64);
    let group_list = crate::groups::all(conn)?;
    let next_id = |conn: &mut AnyConnection, table: &str| -> anyhow::Result<i64> {
        #[derive(QueryableByName)]
        struct Max {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            id: Option<i64>,
        }
        let max: Max = diesel::sql_query(format!("SELECT MAX(id) AS id FROM {table}")).get_result(conn)?;
        Ok(max.id.unwrap_or(0) + 1)
    };
    let now = db::now();
    let rules_version = crate::site::current_rules_version(conn)?;

    // Members (one per 25 posts), a few of them verified clinicians.
    let member_count = (posts_wanted / 25).max(50);
    let first_user = next_id(conn, "users")?;
    let joined = now - Duration::days(3 * 365);
    db::transaction(conn, |conn| -> anyhow::Result<()> {
        for chunk in (0..member_count).collect::<Vec<_>>().chunks(ROWS_PER_INSERT) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|&i| {
                    let id = first_user + i as i64;
                    let name = format!("{} {} {id}", ADJECTIVES[i % ADJECTIVES.len()], NOUNS[(i / 12) % NOUNS.len()]);
                    (
                        users::id.eq(id),
                        users::email.eq(format!("member{id}@example.invalid")),
                        users::display_name_key.eq(name.to_lowercase()),
                        users::display_name.eq(name),
                        users::email_verified_at.eq(Some(joined)),
                        users::is_admin.eq(false),
                        users::rules_version.eq(Some(rules_version)),
                        users::created_at.eq(joined),
                        users::approved_posts.eq((i % 40) as i32),
                    )
                })
                .collect();
            insert_rows!(conn, users::table, rows)?;
        }
        Ok(())
    })?;
    let clinicians: Vec<i64> = (0..(member_count / 200).max(3)).map(|i| first_user + i as i64 * 7).collect();
    db::transaction(conn, |conn| -> anyhow::Result<()> {
        for (i, &user) in clinicians.iter().enumerate() {
            diesel::insert_into(verifications::table)
                .values((
                    verifications::user_id.eq(user),
                    verifications::profession_id.eq((i % 6) as i64 + 1),
                    verifications::regulator.eq(["HCPC", "HCPC", "NMC", "GMC", "GMC", "GMC"][i % 6]),
                    verifications::registration.eq(format!("synthetic-{user}")),
                    verifications::workplace.eq("Synthetic Hospital"),
                    verifications::note.eq(""),
                    verifications::status.eq(crate::professionals::APPROVED),
                    verifications::created_at.eq(joined),
                    verifications::decided_at.eq(Some(now - Duration::days(30))),
                    verifications::method.eq(Some("synthetic data")),
                    verifications::expires_at.eq(Some(now + Duration::days(300))),
                ))
                .execute(conn)?;
        }
        // Members of the private groups, and the clinicians approved for every group.
        for g in group_list.iter().filter(|g| g.visibility() == crate::groups::Visibility::Private) {
            for chunk in (0..member_count).step_by(3).collect::<Vec<_>>().chunks(ROWS_PER_INSERT) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|&i| {
                        (
                            group_members::group_id.eq(g.id),
                            group_members::user_id.eq(first_user + i as i64),
                            group_members::role.eq(crate::groups::ROLE_MEMBER),
                            group_members::status.eq(crate::groups::STATUS_APPROVED),
                            group_members::created_at.eq(joined),
                        )
                    })
                    .collect();
                insert_rows!(conn, group_members::table, rows)?;
            }
        }
        for &user in &clinicians {
            let ids: Vec<i64> = group_list.iter().map(|g| g.id).collect();
            crate::professionals::set_groups(conn, user, user, &ids)?;
        }
        Ok(())
    })?;

    // Topics and posts, oldest first, spread over three years up to now.
    let first_topic = next_id(conn, "topics")?;
    let mut post_id = next_id(conn, "posts")?;
    let span = (now - joined).num_seconds();
    let mut topic_id = first_topic;
    let mut written = 0usize;
    let mut topics_written = 0usize;
    // Per group: live topics, live posts, last activity.
    let mut counts: Vec<(i64, i64, i64, Option<NaiveDateTime>)> =
        group_list.iter().map(|g| (g.id, 0, 0, None)).collect();
    while written < posts_wanted {
        let mut batch_topics = Vec::new();
        let mut batch_posts: Vec<NewPost> = Vec::new();
        while batch_posts.len() < BATCH && written + batch_posts.len() < posts_wanted {
            let at = joined + Duration::seconds(span * (written + batch_posts.len()) as i64 / posts_wanted as i64);
            let g = rng.random_range(0..group_list.len());
            let replies = reply_count(&mut rng).min(posts_wanted - written - batch_posts.len() - 1);
            let held = rng.random_bool(0.01);
            let status = if held { "pending" } else { "live" };
            let author = first_user + rng.random_range(0..member_count) as i64;
            let template = pick(&mut rng, TITLES);
            let title = fill(&mut rng, template);
            let mut last = at;
            let mut live_replies = 0i64;
            let opening = NewPost {
                id: post_id,
                topic_id,
                author_id: author,
                is_opening: true,
                body_html: String::new(),
                body_md: body(&mut rng),
                status,
                created_at: at,
                edited_at: None,
            };
            batch_posts.push(opening);
            post_id += 1;
            for r in 0..replies {
                let when = at + Duration::minutes(7 * (r as i64 + 1) + rng.random_range(0..60));
                let roll: f64 = rng.random();
                let reply_status = match roll {
                    x if x < 0.01 => "removed",
                    x if x < 0.02 => "pending",
                    x if x < 0.025 => "deleted",
                    _ => "live",
                };
                if reply_status == "live" {
                    live_replies += 1;
                    last = when;
                }
                let writer = if rng.random_bool(0.03) {
                    clinicians[rng.random_range(0..clinicians.len())]
                } else {
                    first_user + rng.random_range(0..member_count) as i64
                };
                batch_posts.push(NewPost {
                    id: post_id,
                    topic_id,
                    author_id: writer,
                    is_opening: false,
                    body_html: String::new(),
                    body_md: body(&mut rng),
                    status: reply_status,
                    created_at: when,
                    edited_at: rng.random_bool(0.05).then(|| when + Duration::minutes(20)),
                });
                post_id += 1;
            }
            if !held {
                let c = &mut counts[g];
                c.1 += 1;
                c.2 += 1 + live_replies;
                c.3 = Some(c.3.map_or(last, |l: NaiveDateTime| l.max(last)));
            }
            batch_topics.push((
                topics::id.eq(topic_id),
                topics::group_id.eq(group_list[g].id),
                topics::author_id.eq(author),
                topics::title.eq(title),
                topics::status.eq(status),
                topics::reply_count.eq(live_replies),
                topics::created_at.eq(at),
                topics::last_post_at.eq(last),
            ));
            topic_id += 1;
        }
        for p in &mut batch_posts {
            p.body_html = crate::markdown::render(&p.body_md);
        }
        let n = batch_posts.len();
        db::transaction(conn, |conn| -> anyhow::Result<()> {
            for chunk in batch_topics.chunks(ROWS_PER_INSERT) {
                insert_rows!(conn, topics::table, chunk.to_vec())?;
            }
            for chunk in batch_posts.chunks(ROWS_PER_INSERT) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|p| {
                        (
                            posts::id.eq(p.id),
                            posts::topic_id.eq(p.topic_id),
                            posts::author_id.eq(p.author_id),
                            posts::is_opening.eq(p.is_opening),
                            posts::body_md.eq(&p.body_md),
                            posts::body_html.eq(&p.body_html),
                            posts::status.eq(p.status),
                            posts::findings.eq("[]"),
                            posts::created_at.eq(p.created_at),
                            posts::edited_at.eq(p.edited_at),
                            posts::announced_at.eq(Some(p.created_at)),
                        )
                    })
                    .collect();
                insert_rows!(conn, posts::table, rows)?;
                let revisions: Vec<_> = chunk
                    .iter()
                    .filter(|p| p.edited_at.is_some())
                    .map(|p| {
                        (
                            post_revisions::post_id.eq(p.id),
                            post_revisions::editor_id.eq(p.author_id),
                            post_revisions::body_md.eq(format!("{} (first version)", p.body_md)),
                            post_revisions::created_at.eq(p.created_at),
                        )
                    })
                    .collect();
                if !revisions.is_empty() {
                    insert_rows!(conn, post_revisions::table, revisions)?;
                }
            }
            Ok(())
        })?;
        written += n;
        topics_written += batch_topics.len();
        progress(written, posts_wanted);
    }
    db::transaction(conn, |conn| -> anyhow::Result<()> {
        for (group, topics_live, posts_live, last) in &counts {
            diesel::update(groups::table.find(group))
                .set((
                    groups::topic_count.eq(groups::topic_count + topics_live),
                    groups::post_count.eq(groups::post_count + posts_live),
                    groups::last_activity_at.eq(*last),
                ))
                .execute(conn)?;
        }
        // Who took part in each topic, as announcing each post would have recorded it.
        diesel::sql_query(
            "INSERT INTO topic_participants (topic_id, user_id) \
             SELECT DISTINCT topic_id, author_id FROM posts WHERE status = 'live' ON CONFLICT DO NOTHING",
        )
        .execute(conn)?;
        if let AnyConnection::Postgres(c) = conn {
            // Explicit ids were written: the sequences continue after them.
            for table in ["users", "topics", "posts"] {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .execute(c)?;
            }
        }
        Ok(())
    })?;
    if let AnyConnection::Sqlite(c) = conn {
        diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA synchronous = NORMAL; ANALYZE;")?;
    } else if let AnyConnection::Postgres(c) = conn {
        // What an operator does after a bulk load: VACUUM marks the new pages all-visible (index
        // scans then skip the per-row visibility look-ups), so autovacuum does not do it later in
        // the middle of whatever runs next. At a million posts it takes about 2 s; search there
        // went from 172–208 to 209–232 req/s (BENCHMARKS.md).
        diesel::connection::SimpleConnection::batch_execute(c, "VACUUM ANALYZE")?;
    }
    Ok(Summary {
        members: member_count,
        clinicians: clinicians.len(),
        topics: topics_written,
        posts: written,
        seconds: started.elapsed().as_secs_f64(),
    })
}
