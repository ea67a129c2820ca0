//! Topics and posts: the read models for group and topic pages, and writing new topics,
//! replies, edits and deletions. Every write goes through `moderation::screen` first (in the
//! handler) and runs inside the caller's transaction, counters included.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{groups, post_revisions, posts, topics, users};
use crate::db::{self, AnyConnection};
use crate::moderation::Decision;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const POSTS_PER_PAGE: i64 = 25;
pub const TOPICS_PER_PAGE: i64 = 30;

/// Where a post is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostStatus {
    /// Waiting for a moderator.
    Pending,
    Live,
    Rejected,
    /// Hidden by members' flags until a moderator reviews it.
    Hidden,
    /// Taken down by a moderator.
    Removed,
    /// Deleted by its author.
    Deleted,
}

impl PostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Pending => "pending",
            PostStatus::Live => "live",
            PostStatus::Rejected => "rejected",
            PostStatus::Hidden => "hidden",
            PostStatus::Removed => "removed",
            PostStatus::Deleted => "deleted",
        }
    }
}

const LIVE: &str = "live";

/// `posts.status = 'pending'`, written out rather than bound: the `posts_waiting` partial
/// index has exactly this condition, and SQLite (built for stable plans, `.cargo/config.toml`)
/// only uses a partial index whose condition the SQL itself states.
pub fn held() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql("posts.status = 'pending'")
}

/// A post's status in words for people.
pub fn status_words(status: &str) -> &'static str {
    match status {
        "pending" => "waiting for a moderator",
        "live" => "live",
        "rejected" => "not approved",
        "hidden" => "hidden by members' reports until a moderator looks",
        "removed" => "removed by a moderator",
        "deleted" => "deleted by its author",
        _ => "unknown",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = topics)]
pub struct Topic {
    pub id: i64,
    pub group_id: i64,
    pub author_id: i64,
    pub title: String,
    pub status: String,
    pub reply_count: i64,
    pub created_at: NaiveDateTime,
    pub last_post_at: NaiveDateTime,
    /// A moderator closed it to replies.
    pub locked: bool,
    /// A question for a professional.
    pub pro_question: bool,
    /// The badge's profession of the first verified clinician who answered it.
    pub answered_profession: Option<String>,
    /// The reply the asker found most helpful.
    pub helpful_post_id: Option<i64>,
}

impl Topic {
    /// Live posts in the topic (the opening post and its live replies).
    pub fn page_count(&self) -> i64 {
        ((self.reply_count + 1) + POSTS_PER_PAGE - 1) / POSTS_PER_PAGE
    }
}

/// A line in a group's topic list.
#[derive(Debug, Clone, Queryable)]
pub struct TopicListItem {
    pub id: i64,
    pub title: String,
    pub reply_count: i64,
    pub last_post_at: NaiveDateTime,
    pub author_id: i64,
    pub author_name: String,
    pub pro_question: bool,
    pub answered_profession: Option<String>,
}

/// A post as the topic page shows it.
#[derive(Debug, Clone, Queryable)]
pub struct PostView {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub is_opening: bool,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub status: String,
    pub decision_rule: Option<String>,
    pub decision_note: Option<String>,
    pub appealed: bool,
}

impl PostView {
    /// Why it is not live, for its author: the ground rule and the moderator's note.
    pub fn rejection(&self) -> Option<String> {
        if self.status != "rejected" {
            return None;
        }
        let rule =
            self.decision_rule.as_deref().and_then(crate::moderation::ground_rule_title).unwrap_or("a ground rule");
        let mut text = format!("Not approved by a moderator ({rule}).");
        if let Some(note) = self.decision_note.as_deref().filter(|n| !n.is_empty()) {
            text.push_str(&format!(" They said: {note}"));
        }
        Some(text)
    }
}

/// One page of a group's live topics, newest activity first. Served by `topics_group_activity`.
pub fn group_topics(conn: &mut AnyConnection, group_id: i64, page: i64) -> QueryResult<Vec<TopicListItem>> {
    topics::table
        .inner_join(users::table)
        .filter(topics::group_id.eq(group_id))
        .filter(topics::status.eq(LIVE))
        .order((topics::last_post_at.desc(), topics::id.desc()))
        .select((
            topics::id,
            topics::title,
            topics::reply_count,
            topics::last_post_at,
            topics::author_id,
            users::display_name,
            topics::pro_question,
            topics::answered_profession,
        ))
        .limit(TOPICS_PER_PAGE)
        .offset((page - 1) * TOPICS_PER_PAGE)
        .load(conn)
}

pub fn topic(conn: &mut AnyConnection, topic_id: i64) -> QueryResult<Option<Topic>> {
    topics::table.find(topic_id).select(Topic::as_select()).first(conn).optional()
}

/// One page of a topic's live posts, oldest first. Served by `posts_topic_order`. A signed-in
/// viewer also sees their own posts that wait for a moderator or were sent back, in place.
pub fn topic_posts(
    conn: &mut AnyConnection,
    topic_id: i64,
    page: i64,
    viewer: Option<i64>,
) -> QueryResult<Vec<PostView>> {
    let mut query = posts::table
        .inner_join(users::table)
        .filter(posts::topic_id.eq(topic_id))
        .order((posts::created_at.asc(), posts::id.asc()))
        .select((
            posts::id,
            posts::author_id,
            users::display_name,
            posts::is_opening,
            posts::body_html,
            posts::created_at,
            posts::edited_at,
            posts::status,
            posts::decision_rule,
            posts::decision_note,
            posts::appealed,
        ))
        .limit(POSTS_PER_PAGE)
        .offset((page - 1) * POSTS_PER_PAGE)
        .into_boxed();
    query = match viewer {
        None => query.filter(posts::status.eq(LIVE)),
        Some(user_id) => query.filter(
            posts::status.eq(LIVE).or(posts::author_id.eq(user_id).and(posts::status.eq_any(["pending", "rejected"]))),
        ),
    };
    query.load(conn)
}

/// A member's own posts, newest first, with their status (served by `posts_author`).
#[derive(Debug, Clone, Queryable)]
pub struct OwnPost {
    pub id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub status: String,
    pub created_at: NaiveDateTime,
}

pub fn own_posts(conn: &mut AnyConnection, author_id: i64) -> QueryResult<Vec<OwnPost>> {
    posts::table
        .inner_join(topics::table)
        .filter(posts::author_id.eq(author_id))
        .filter(posts::status.ne(PostStatus::Deleted.as_str()))
        .order((posts::created_at.desc(), posts::id.desc()))
        .select((posts::id, posts::topic_id, topics::title, posts::status, posts::created_at))
        .limit(100)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub topic_id: i64,
    pub author_id: i64,
    pub is_opening: bool,
    pub body_md: String,
    pub status: String,
}

impl Post {
    /// Authors may change or delete what is live, waiting, or sent back to them.
    pub fn editable_by_author(&self) -> bool {
        matches!(self.status.as_str(), "live" | "pending" | "rejected")
    }
}

pub fn post(conn: &mut AnyConnection, post_id: i64) -> QueryResult<Option<Post>> {
    posts::table.find(post_id).select(Post::as_select()).first(conn).optional()
}

/// The page of its topic a post is on (counting the live posts before it; served by the
/// `posts_topic_order` index).
pub fn page_of(conn: &mut AnyConnection, post_id: i64) -> QueryResult<Option<(i64, i64)>> {
    let Some((topic_id, created_at)): Option<(i64, NaiveDateTime)> =
        posts::table.find(post_id).select((posts::topic_id, posts::created_at)).first(conn).optional()?
    else {
        return Ok(None);
    };
    let before: i64 = posts::table
        .filter(posts::topic_id.eq(topic_id))
        .filter(posts::status.eq(LIVE))
        .filter(posts::created_at.lt(created_at).or(posts::created_at.eq(created_at).and(posts::id.lt(post_id))))
        .count()
        .get_result(conn)?;
    Ok(Some((topic_id, before / POSTS_PER_PAGE + 1)))
}

/// A live post's author name and markdown, for quoting it in a reply.
pub fn quotable(conn: &mut AnyConnection, topic_id: i64, post_id: i64) -> QueryResult<Option<(String, String)>> {
    posts::table
        .inner_join(users::table)
        .filter(posts::id.eq(post_id))
        .filter(posts::topic_id.eq(topic_id))
        .filter(posts::status.eq(LIVE))
        .select((users::display_name, posts::body_md))
        .first(conn)
        .optional()
}

fn insert_post(
    conn: &mut AnyConnection,
    topic_id: i64,
    author_id: i64,
    is_opening: bool,
    body: &str,
    decision: &Decision,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let body = decision.censored_body.as_deref().unwrap_or(body);
    let post_id = diesel::insert_into(posts::table)
        .values((
            posts::topic_id.eq(topic_id),
            posts::author_id.eq(author_id),
            posts::is_opening.eq(is_opening),
            posts::body_md.eq(body),
            posts::body_html.eq(crate::markdown::render(body)),
            posts::status.eq(decision.post_status().as_str()),
            posts::findings.eq(decision.findings_json()),
            posts::created_at.eq(now),
            posts::urgent.eq(decision.urgency.is_some()),
            posts::urgent_kind.eq(decision.urgency.as_ref().map(|u| u.kind.as_str())),
            posts::urgent_at.eq(decision.urgency.as_ref().map(|_| now)),
        ))
        .returning(posts::id)
        .get_result(conn)?;
    if decision.flag_for_review {
        crate::moderation::flags::raise(conn, post_id, None, "check", "")?;
    }
    if let (Some(urgency), PostStatus::Live) = (&decision.urgency, decision.post_status()) {
        crate::moderation::flags::raise_urgent(conn, post_id, urgency)?;
    }
    Ok(post_id)
}

/// Adds (or with negative numbers removes) live topics and posts to a group's counters.
fn count_in_group(
    conn: &mut AnyConnection,
    group_id: i64,
    topics_delta: i64,
    posts_delta: i64,
    activity: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let target = groups::table.find(group_id);
    match activity {
        Some(at) => diesel::update(target)
            .set((
                groups::topic_count.eq(groups::topic_count + topics_delta),
                groups::post_count.eq(groups::post_count + posts_delta),
                groups::last_activity_at.eq(at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                groups::topic_count.eq(groups::topic_count + topics_delta),
                groups::post_count.eq(groups::post_count + posts_delta),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// Stores a new topic and its opening post. Returns (topic id, post id).
pub fn create_topic(
    conn: &mut AnyConnection,
    author_id: i64,
    group_id: i64,
    title: &str,
    body: &str,
    decision: &Decision,
) -> QueryResult<(i64, i64)> {
    let now = db::now();
    let status = decision.post_status();
    let topic_id: i64 = diesel::insert_into(topics::table)
        .values((
            topics::group_id.eq(group_id),
            topics::author_id.eq(author_id),
            topics::title.eq(decision.censored_title.as_deref().unwrap_or(title)),
            topics::status.eq(status.as_str()),
            topics::created_at.eq(now),
            topics::last_post_at.eq(now),
        ))
        .returning(topics::id)
        .get_result(conn)?;
    let post_id = insert_post(conn, topic_id, author_id, true, body, decision, now)?;
    if status == PostStatus::Live {
        count_in_group(conn, group_id, 1, 1, Some(now))?;
        crate::mail::notices::post_went_live(conn, post_id)?;
    }
    Ok((topic_id, post_id))
}

/// Stores a reply. A live reply bumps the topic to the top of its group. The topic is re-read
/// here, inside the transaction, so counters follow its current status.
pub fn reply(
    conn: &mut AnyConnection,
    author_id: i64,
    topic_id: i64,
    body: &str,
    decision: &Decision,
) -> QueryResult<i64> {
    let now = db::now();
    let topic = topics::table.find(topic_id).select(Topic::as_select()).first(conn)?;
    let post_id = insert_post(conn, topic.id, author_id, false, body, decision, now)?;
    if decision.post_status() == PostStatus::Live {
        diesel::update(topics::table.find(topic.id))
            .set((topics::reply_count.eq(topics::reply_count + 1), topics::last_post_at.eq(now)))
            .execute(conn)?;
        if topic.status == LIVE {
            count_in_group(conn, topic.group_id, 0, 1, Some(now))?;
        }
        crate::mail::notices::post_went_live(conn, post_id)?;
    }
    Ok(post_id)
}

/// Moves a post to `new_status` if it is still in `expected` (so a double click or a race
/// changes nothing twice), keeping the topic's status and every counter true:
/// `topics.reply_count` counts live replies; a group counts its live topics and their live posts.
/// Returns whether the post changed. Moderation actions use the same door.
pub fn set_status(conn: &mut AnyConnection, post_id: i64, expected: &str, new_status: PostStatus) -> QueryResult<bool> {
    let changed = diesel::update(posts::table.find(post_id).filter(posts::status.eq(expected)))
        .set(posts::status.eq(new_status.as_str()))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    let was_live = expected == LIVE;
    let is_live = new_status == PostStatus::Live;
    let (is_opening, topic_id): (bool, i64) =
        posts::table.find(post_id).select((posts::is_opening, posts::topic_id)).first(conn)?;
    let topic = topics::table.find(topic_id).select(Topic::as_select()).first(conn)?;
    if is_opening {
        // A topic is shown exactly when its opening post is.
        diesel::update(topics::table.find(topic.id)).set(topics::status.eq(new_status.as_str())).execute(conn)?;
        let topic_posts = 1 + topic.reply_count;
        match (topic.status == LIVE, is_live) {
            (true, false) => count_in_group(conn, topic.group_id, -1, -topic_posts, None)?,
            (false, true) => count_in_group(conn, topic.group_id, 1, topic_posts, Some(topic.last_post_at))?,
            _ => {}
        }
    } else if was_live != is_live {
        let delta = if is_live { 1 } else { -1 };
        diesel::update(topics::table.find(topic.id))
            .set(topics::reply_count.eq(topics::reply_count + delta))
            .execute(conn)?;
        if topic.status == LIVE {
            count_in_group(conn, topic.group_id, 0, delta, None)?;
        }
        if topic.pro_question {
            if was_live {
                crate::professionals::questions::reply_withdrawn(conn, topic.id, post_id)?;
            } else if is_live {
                // Restored, kept after reports, or approved again after an edit (a first
                // appearance is announced, and marked, by `post_went_live`).
                let announced: Option<NaiveDateTime> =
                    posts::table.find(post_id).select(posts::announced_at).first(conn)?;
                if announced.is_some() {
                    crate::professionals::questions::derive_answer(conn, topic.id)?;
                }
            }
        }
    }
    Ok(true)
}

/// Replaces a post's text (and the topic's title, for an opening post), keeping the previous
/// version for moderators. Reads the post inside the transaction; returns its status now, or
/// `None` (changing nothing) if it was deleted or removed meanwhile. The screening decision may take a live
/// post back to the queue, or a held one live.
pub fn edit(
    conn: &mut AnyConnection,
    editor_id: i64,
    post_id: i64,
    title: Option<&str>,
    body: &str,
    decision: &Decision,
) -> QueryResult<Option<PostStatus>> {
    let now = db::now();
    let post = posts::table.find(post_id).select(Post::as_select()).first(conn)?;
    if !post.editable_by_author() {
        return Ok(None);
    }
    let topic = topics::table.find(post.topic_id).select(Topic::as_select()).first(conn)?;
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post.id),
            post_revisions::editor_id.eq(editor_id),
            post_revisions::title.eq(post.is_opening.then_some(topic.title.as_str())),
            post_revisions::body_md.eq(&post.body_md),
            post_revisions::created_at.eq(now),
        ))
        .execute(conn)?;
    let body = decision.censored_body.as_deref().unwrap_or(body);
    let title = decision.censored_title.as_deref().or(title);
    diesel::update(posts::table.find(post.id))
        .set((
            posts::body_md.eq(body),
            posts::body_html.eq(crate::markdown::render(body)),
            posts::findings.eq(decision.findings_json()),
            posts::edited_at.eq(now),
        ))
        .execute(conn)?;
    // An edit can make a post urgent, never less urgent (a member's safety report stands).
    if let Some(u) = &decision.urgency {
        crate::moderation::flags::mark_urgent(conn, post.id, u.kind.as_str())?;
    }
    if let (true, Some(title)) = (post.is_opening, title) {
        diesel::update(topics::table.find(topic.id)).set(topics::title.eq(title)).execute(conn)?;
    }
    // A post a moderator sent back, or one waiting on its appeal, goes back to a moderator,
    // whatever the checks say now.
    let appealed: bool = posts::table.find(post.id).select(posts::appealed).first(conn)?;
    let for_a_moderator = post.status == PostStatus::Rejected.as_str() || appealed;
    let new_status = if for_a_moderator { PostStatus::Pending } else { decision.post_status() };
    if post.status != new_status.as_str() {
        set_status(conn, post.id, &post.status, new_status)?;
    }
    if decision.flag_for_review {
        crate::moderation::flags::raise(conn, post.id, None, "check", "")?;
    }
    if let (Some(urgency), PostStatus::Live) = (&decision.urgency, new_status) {
        crate::moderation::flags::raise_urgent(conn, post.id, urgency)?;
    }
    Ok(Some(new_status))
}

/// The author deletes their post (soft delete: the row stays for moderators and the audit).
/// Deleting the opening post takes the whole topic off the pages. Returns false if the post
/// was already gone (a second click).
pub fn delete(conn: &mut AnyConnection, post_id: i64) -> QueryResult<bool> {
    let post = posts::table.find(post_id).select(Post::as_select()).first(conn)?;
    if !post.editable_by_author() {
        return Ok(false);
    }
    set_status(conn, post.id, &post.status, PostStatus::Deleted)
}

/// An earlier version of a post, for moderators.
#[derive(Debug, Clone, Queryable)]
pub struct Revision {
    pub title: Option<String>,
    pub body_md: String,
    pub created_at: NaiveDateTime,
    pub editor_name: String,
}

pub fn revisions(conn: &mut AnyConnection, post_id: i64) -> QueryResult<Vec<Revision>> {
    post_revisions::table
        .inner_join(users::table.on(users::id.eq(post_revisions::editor_id)))
        .filter(post_revisions::post_id.eq(post_id))
        .order((post_revisions::created_at.desc(), post_revisions::id.desc()))
        .select((post_revisions::title, post_revisions::body_md, post_revisions::created_at, users::display_name))
        .load(conn)
}

/// Checks a title and body against the size limits; messages are for the author.
pub fn check_lengths(title: Option<&str>, body: &str) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if let Some(title) = title {
        let n = title.trim().chars().count();
        if n == 0 {
            problems.push(("title", "Give your topic a title.".to_owned()));
        } else if n > TITLE_MAX {
            problems.push(("title", format!("Keep the title to {TITLE_MAX} characters or fewer (it has {n}).")));
        }
    }
    let n = body.trim().chars().count();
    if n == 0 {
        problems.push(("body", "Write something before posting.".to_owned()));
    } else if n > BODY_MAX {
        problems.push((
            "body",
            format!("Keep a post to {BODY_MAX} characters or fewer (it has {n}). You could split it into two posts."),
        ));
    }
    problems
}
