//! A topic's page, replying, and an author's edits and deletions; moderators' view of history.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::groups::Group;
use crate::moderation::{self, Draft, Outcome};
use crate::posting::{self, Post, PostView, Revision, Topic};
use crate::professionals::Badge;
use crate::routes::groups::{ComposePage, refuse_posting, refuse_reading};
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::pages::MessagePage;
use crate::web::{AppState, Ctx, FormErrors, html, render, see_other};

/// A post on the topic page, with its author's badge and what this viewer may do to it.
pub struct PostItem {
    pub post: PostView,
    pub badge: Option<Badge>,
    pub can_edit: bool,
    pub show_history: bool,
    /// The asker found this reply the most helpful.
    pub helpful: bool,
    /// The viewer asked the question and may mark this reply as the most helpful.
    pub can_mark_helpful: bool,
}

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    chrome: Chrome,
    topic: Topic,
    group: Group,
    posts: Vec<PostItem>,
    page: i64,
    pages: i64,
    can_post: bool,
    can_moderate: bool,
    signed_in: bool,
    /// Moderators of a group that takes questions may mark or unmark the topic as one.
    professions: Vec<crate::professionals::Profession>,
    errors: FormErrors,
    draft: String,
    preview: Option<moderation::Preview>,
}

#[derive(Deserialize)]
pub struct TopicQuery {
    page: Option<i64>,
    quote: Option<i64>,
}

/// A topic and its group as stored, whoever asks.
fn load_topic(conn: &mut db::AnyConnection, topic_id: i64) -> Result<(Topic, Group), AppError> {
    let topic = posting::topic(conn, topic_id)?.ok_or(AppError::NotFound)?;
    let group = crate::groups::by_id(conn, topic.group_id)?;
    Ok((topic, group))
}

/// Whether this viewer may read a loaded topic: they can read its group, and it is live (a
/// held or returned topic is shown to its author only).
fn check_readable(ctx: &Ctx, topic: &Topic, group: &Group) -> Result<(), AppError> {
    if !ctx.viewer.can_read(group) {
        return Err(refuse_reading(ctx, group, &format!("/t/{}", topic.id)));
    }
    let own = ctx.viewer.user_id() == Some(topic.author_id) && matches!(topic.status.as_str(), "pending" | "rejected");
    if topic.status != "live" && !own {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Loads a live topic and its group, if this viewer may read them.
async fn readable_topic(ctx: &Ctx, state: &AppState, topic_id: i64) -> Result<(Topic, Group), AppError> {
    let (topic, group) = db::run(&state.pool, move |conn| load_topic(conn, topic_id)).await?;
    check_readable(ctx, &topic, &group)?;
    Ok((topic, group))
}

/// The reply box under a topic: empty, pre-filled with a quote, or sent back with problems.
struct ReplyBox {
    status: StatusCode,
    errors: FormErrors,
    draft: String,
    preview: Option<moderation::Preview>,
}

/// One page of a topic's posts with what the page shows beside them.
struct TopicContent {
    posts: Vec<PostView>,
    badges: std::collections::HashMap<i64, Badge>,
    professions: Vec<crate::professionals::Profession>,
}

/// Loads page `page` of a readable topic (a 404 past its last page).
fn load_content(
    conn: &mut db::AnyConnection,
    ctx: &Ctx,
    topic: &Topic,
    group: &Group,
    page: i64,
) -> Result<TopicContent, AppError> {
    if page > topic.page_count().max(1) {
        return Err(AppError::NotFound);
    }
    let posts = posting::topic_posts(conn, topic.id, page, ctx.viewer.user_id())?;
    let authors: Vec<i64> = posts.iter().map(|p| p.author_id).collect();
    let badges = crate::professionals::badges_for(conn, &authors)?;
    let marks_questions = ctx.viewer.can_moderate(group.id) && group.pro_questions;
    let professions = if marks_questions { crate::professionals::professions(conn)? } else { Vec::new() };
    Ok(TopicContent { posts, badges, professions })
}

/// Loads and renders a topic page with this reply box (after a reply was sent back).
async fn topic_response(
    ctx: &Ctx,
    state: &AppState,
    topic: Topic,
    group: Group,
    page: i64,
    reply: ReplyBox,
) -> Result<HttpResponse, AppError> {
    let (c, t, g) = (ctx.clone(), topic.clone(), group.clone());
    let content = db::run(&state.pool, move |conn| load_content(conn, &c, &t, &g, page)).await?;
    render_topic(ctx, topic, group, page, content, reply)
}

fn render_topic(
    ctx: &Ctx,
    topic: Topic,
    group: Group,
    page: i64,
    content: TopicContent,
    reply: ReplyBox,
) -> Result<HttpResponse, AppError> {
    let TopicContent { posts, badges, professions } = content;
    let can_moderate = ctx.viewer.can_moderate(group.id);
    let asker = ctx.viewer.user_id() == Some(topic.author_id);
    let posts = posts
        .into_iter()
        .map(|post| PostItem {
            badge: badges.get(&post.author_id).cloned(),
            can_edit: ctx.viewer.can_edit_post(post.author_id),
            show_history: can_moderate && post.edited_at.is_some(),
            helpful: topic.helpful_post_id == Some(post.id),
            can_mark_helpful: asker
                && topic.pro_question
                && !post.is_opening
                && post.status == "live"
                && post.author_id != topic.author_id,
            post,
        })
        .collect();
    render(
        reply.status,
        &TopicPage {
            chrome: ctx.chrome(),
            can_post: ctx.viewer.can_post(&group) && (!topic.locked || can_moderate),
            can_moderate,
            signed_in: ctx.viewer.signed_in.is_some(),
            pages: topic.page_count().max(1),
            professions,
            topic,
            group,
            posts,
            page,
            errors: reply.errors,
            draft: reply.draft,
            preview: reply.preview,
        },
    )
}

/// `/t/{id}`: everything the page shows is loaded on one pooled connection, in one trip.
pub async fn topic_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<TopicQuery>,
) -> Result<HttpResponse, AppError> {
    let topic_id = id(&path)?;
    let page = query.page.unwrap_or(1).clamp(1, crate::web::MAX_PAGE);
    let quote = query.quote;
    let c = ctx.clone();
    let (topic, group, content, draft) = db::run(&state.pool, move |conn| {
        let (topic, group) = load_topic(conn, topic_id)?;
        check_readable(&c, &topic, &group)?;
        let draft = match quote {
            Some(post_id) if c.viewer.can_post(&group) => posting::quotable(conn, topic_id, post_id)?
                .map(|(author, body)| crate::markdown::quote(&author, &body))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let content = load_content(conn, &c, &topic, &group, page)?;
        if let Some(user_id) = c.viewer.user_id() {
            crate::site::topic_seen(conn, user_id, topic_id)?;
        }
        Ok((topic, group, content, draft))
    })
    .await?;
    let reply = ReplyBox { status: StatusCode::OK, errors: FormErrors::default(), draft, preview: None };
    render_topic(&ctx, topic, group, page, content, reply)
}

/// `/p/{id}/go`: where a post is, for links in emails (its topic, at the right page).
pub async fn go(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let post_id = id(&path)?;
    let found = db::run(&state.pool, move |conn| Ok(posting::page_of(conn, post_id)?)).await?;
    let (topic_id, page) = found.ok_or(AppError::NotFound)?;
    // The topic page decides who may read it; this only says where to look.
    readable_topic(&ctx, &state, topic_id).await?;
    Ok(see_other(&format!("/t/{topic_id}?page={page}#p{post_id}")))
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    preview: Option<String>,
}

pub async fn reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let topic_id = id(&path)?;
    let here = format!("/t/{topic_id}");
    let account = ctx.require_signed_in(&here)?.account.clone();
    let (topic, group) = readable_topic(&ctx, &state, topic_id).await?;
    if !ctx.viewer.can_post(&group) {
        return Err(refuse_posting(&ctx, &group, &here));
    }
    if topic.locked && !ctx.viewer.can_moderate(group.id) {
        return Err(AppError::Forbidden("This topic has been closed to new replies by a moderator.".into()));
    }
    let ReplyForm { body, preview } = form.into_inner();
    let mut errors = FormErrors(posting::check_lengths(None, &body));
    let decision = screen_draft(&ctx, &state, &group, None, &body, None).await?;
    blocked_reasons(&decision, &mut errors);
    if !errors.is_empty() || preview.is_some() {
        let last = topic.page_count().max(1);
        let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let preview = errors.is_empty().then(|| moderation::Preview::new(&body, &decision));
        let reply = ReplyBox { status, errors, draft: body, preview };
        return topic_response(&ctx, &state, topic, group, last, reply).await;
    }
    let held = decision.outcome != Outcome::Live;
    let told = (held || decision.urgency.is_some()).then(|| decision.clone());
    let post_id = db::write(&state.pool, move |conn| {
        let post_id = posting::reply(conn, account.id, topic_id, &body, &decision)?;
        if decision.urgency.is_some() {
            moderation::actions::alert_urgent(conn, post_id)?;
        }
        Ok(post_id)
    })
    .await?;
    if let Some(decision) = told {
        return posted_page(&ctx, &decision, topic_id, held);
    }
    let last_page = (topic.reply_count + 2 + posting::POSTS_PER_PAGE - 1) / posting::POSTS_PER_PAGE;
    Ok(see_other(&format!("/t/{topic_id}?page={last_page}#p{post_id}")))
}

/// Screens a draft for `group`: finds which names it mentions are members' pseudonyms, then
/// asks `moderation::screen` with the author's standing.
pub(crate) async fn screen_draft(
    ctx: &Ctx,
    state: &AppState,
    group: &Group,
    title: Option<&str>,
    body: &str,
    editing: Option<i64>,
) -> Result<moderation::Decision, AppError> {
    let account = ctx.require_signed_in("/")?.account.clone();
    let text = match title {
        Some(t) => format!("{t}\n{body}"),
        None => body.to_owned(),
    };
    let (author_id, raw) = (account.id, body.to_owned());
    let context =
        db::run(&state.pool, move |conn| Ok(moderation::context_for(conn, author_id, editing, &raw, &text)?)).await?;
    // Verified clinicians' posts meet the stricter case-discussion rule.
    let author = moderation::Author {
        account: &account,
        moderates_group: ctx.viewer.can_moderate(group.id),
        clinician: ctx.viewer.badge().is_some(),
    };
    Ok(moderation::screen(Draft { title, body }, author, group, &context))
}

/// A blocked draft's reasons, shown on the form with the text kept.
pub(crate) fn blocked_reasons(decision: &moderation::Decision, errors: &mut FormErrors) {
    if decision.outcome == Outcome::Blocked {
        for message in decision.messages_for_author() {
            errors.add("body", message);
        }
    }
}

/// What the author is told at once when a post is not simply live: that it waits for a
/// moderator and why (`held`), or — for an urgent post that stays live — where to get help now
/// and that moderators know. Urgent posts lead with the help either way.
pub(crate) fn posted_page(
    ctx: &Ctx,
    decision: &moderation::Decision,
    topic_id: i64,
    held: bool,
) -> Result<HttpResponse, AppError> {
    let help = decision.urgent_help().map(str::to_owned);
    let mut paragraphs = decision.messages_for_author();
    paragraphs.retain(|p| Some(p) != help.as_ref());
    if paragraphs.is_empty() && help.is_none() {
        paragraphs.push("A moderator will look at your changes.".to_owned());
    }
    let (status, heading) = if held {
        paragraphs.push(
            "You can see it, marked \"waiting for a moderator\", in the topic and on your posts page. \
             You can still change it until a moderator has looked at it."
                .to_owned(),
        );
        (StatusCode::ACCEPTED, "Your post is waiting for a moderator")
    } else {
        paragraphs.push(
            "Your post is live, so other members can reply. The moderation team has been told too, and may \
             send you a private message here."
                .to_owned(),
        );
        (StatusCode::OK, "Your post is live, and help is here now")
    };
    render(
        status,
        &MessagePage {
            help,
            chrome: ctx.chrome(),
            heading: heading.to_owned(),
            paragraphs,
            link: Some((format!("/t/{topic_id}"), "Go to the topic".to_owned())),
        },
    )
}

/// A post with its topic and group (unchecked: callers decide who may see it).
pub(crate) async fn post_in_context(state: &AppState, post_id: i64) -> Result<(Post, Topic, Group), AppError> {
    db::run(&state.pool, move |conn| {
        let post = posting::post(conn, post_id)?.ok_or(AppError::NotFound)?;
        let topic = posting::topic(conn, post.topic_id)?.ok_or(AppError::NotFound)?;
        let group = crate::groups::by_id(conn, topic.group_id)?;
        Ok((post, topic, group))
    })
    .await
}

/// A post with its topic and group, for its author's edit and delete pages.
async fn own_post(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<(Post, Topic, Group), AppError> {
    let (post, topic, group) = post_in_context(state, post_id).await?;
    let is_author = ctx.viewer.can_edit_post(post.author_id);
    // Others may not know a post exists unless it is live.
    if !ctx.viewer.can_read(&group) || !post.editable_by_author() || (!is_author && post.status != "live") {
        return Err(AppError::NotFound);
    }
    if !is_author {
        return Err(match ctx.viewer.signed_in {
            None => AppError::SignInRequired { next: format!("/p/{post_id}/edit") },
            Some(_) => AppError::Forbidden("Only the person who wrote a post can change or delete it.".into()),
        });
    }
    Ok((post, topic, group))
}

fn edit_page(
    ctx: &Ctx,
    post: &Post,
    topic: &Topic,
    group: &Group,
    errors: FormErrors,
    title: String,
    body: String,
) -> ComposePage {
    ComposePage {
        chrome: ctx.chrome(),
        heading: "Change your post".to_owned(),
        action: format!("/p/{}/edit", post.id),
        cancel: format!("/t/{}", topic.id),
        errors,
        show_title: post.is_opening,
        title,
        body,
        group_name: group.name.clone(),
        group_rules_html: group.rules_html.clone(),
        preview: None,
        question: None,
    }
}

pub async fn edit_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (post, topic, group) = own_post(&ctx, &state, id(&path)?).await?;
    let (title, body) = (topic.title.clone(), post.body_md.clone());
    html(&edit_page(&ctx, &post, &topic, &group, FormErrors::default(), title, body))
}

#[derive(Deserialize)]
pub struct EditForm {
    title: Option<String>,
    #[serde(default)]
    body: String,
    preview: Option<String>,
}

pub async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse, AppError> {
    let (post, topic, group) = own_post(&ctx, &state, id(&path)?).await?;
    if !ctx.viewer.can_post(&group) {
        return Err(refuse_posting(&ctx, &group, &format!("/p/{}/edit", post.id)));
    }
    let account = ctx.require_signed_in("/")?.account.clone();
    let EditForm { title, body, preview } = form.into_inner();
    let title = if post.is_opening { Some(title.unwrap_or_default()) } else { None };
    let mut errors = FormErrors(posting::check_lengths(title.as_deref(), &body));
    let decision = screen_draft(&ctx, &state, &group, title.as_deref(), &body, Some(post.id)).await?;
    blocked_reasons(&decision, &mut errors);
    if !errors.is_empty() || preview.is_some() {
        let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let show = errors.is_empty().then(|| moderation::Preview::new(&body, &decision));
        let page = ComposePage {
            preview: show,
            ..edit_page(&ctx, &post, &topic, &group, errors, title.unwrap_or_default(), body)
        };
        return render(status, &page);
    }
    let (post_id, topic_id) = (post.id, topic.id);
    let shown = decision.clone();
    let saved = db::write(&state.pool, move |conn| {
        let title = title.as_deref().map(str::trim);
        let was_urgent = moderation::flags::is_urgent(conn, post_id)?;
        let saved = posting::edit(conn, account.id, post_id, title, &body, &decision)?;
        if saved.is_some() && decision.urgency.is_some() && !was_urgent {
            moderation::actions::alert_urgent(conn, post_id)?;
        }
        Ok(saved)
    })
    .await?;
    // `None`: deleted or removed while the form was open.
    let status = saved.ok_or(AppError::NotFound)?;
    let held = status == posting::PostStatus::Pending;
    if held || shown.urgency.is_some() {
        return posted_page(&ctx, &shown, topic_id, held);
    }
    Ok(see_other(&format!("/t/{topic_id}#p{post_id}")))
}

#[derive(Template)]
#[template(path = "post_delete.html")]
struct DeletePage {
    chrome: Chrome,
    post_id: i64,
    topic_id: i64,
    is_opening: bool,
}

pub async fn delete_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (post, topic, _) = own_post(&ctx, &state, id(&path)?).await?;
    html(&DeletePage { chrome: ctx.chrome(), post_id: post.id, topic_id: topic.id, is_opening: post.is_opening })
}

pub async fn delete(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (post, topic, group) = own_post(&ctx, &state, id(&path)?).await?;
    let destination = if post.is_opening { format!("/g/{}", group.slug) } else { format!("/t/{}", topic.id) };
    let post_id = post.id;
    db::write(&state.pool, move |conn| Ok(posting::delete(conn, post_id)?)).await?;
    Ok(see_other(&destination))
}

#[derive(Template)]
#[template(path = "post_history.html")]
struct HistoryPage {
    chrome: Chrome,
    topic: Topic,
    post_id: i64,
    status: String,
    current: String,
    revisions: Vec<Revision>,
}

/// Earlier versions of a post: for the group's moderators only (others: 404).
pub async fn history(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let post_id = id(&path)?;
    let (post, topic, revisions) = db::run(&state.pool, move |conn| {
        let post = posting::post(conn, post_id)?.ok_or(AppError::NotFound)?;
        let topic = posting::topic(conn, post.topic_id)?.ok_or(AppError::NotFound)?;
        let revisions = posting::revisions(conn, post_id)?;
        Ok((post, topic, revisions))
    })
    .await?;
    if !ctx.viewer.can_moderate(topic.group_id) {
        return Err(AppError::NotFound);
    }
    let page = HistoryPage {
        chrome: ctx.chrome(),
        topic,
        post_id: post.id,
        status: post.status,
        current: post.body_md,
        revisions,
    };
    html(&page)
}

#[derive(Template)]
#[template(path = "me/posts.html")]
struct MyPostsPage {
    chrome: Chrome,
    posts: Vec<posting::OwnPost>,
    notifications: Vec<crate::site::Notification>,
}

/// `/me/posts`: the member's posts with their status, and what moderators decided.
pub async fn my_posts(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/me/posts")?.account.id;
    let (posts, notifications) = db::write(&state.pool, move |conn| {
        let posts = posting::own_posts(conn, user_id)?;
        let notifications = crate::site::notifications_seen(conn, user_id)?;
        Ok((posts, notifications))
    })
    .await?;
    html(&MyPostsPage { chrome: ctx.chrome(), posts, notifications })
}

#[derive(Template)]
#[template(path = "post_flag.html")]
struct FlagPage {
    chrome: Chrome,
    post_id: i64,
    topic_id: i64,
    errors: FormErrors,
    reason: String,
    note: String,
}

impl FlagPage {
    fn reasons(&self) -> &'static [(&'static str, &'static str)] {
        &moderation::flags::REASONS
    }
}

/// A live post the viewer can read (to report it).
async fn readable_live_post(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<Post, AppError> {
    let (post, topic, group) = post_in_context(state, post_id).await?;
    // Only what the viewer can see on a page can be reported, and not by its own author.
    let visible = post.status == "live" && topic.status == "live";
    if !ctx.viewer.can_read(&group) || !visible || ctx.viewer.user_id() == Some(post.author_id) {
        return Err(AppError::NotFound);
    }
    Ok(post)
}

pub async fn flag_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let post_id = id(&path)?;
    ctx.require_signed_in(&format!("/p/{post_id}/flag"))?;
    let post = readable_live_post(&ctx, &state, post_id).await?;
    html(&FlagPage {
        chrome: ctx.chrome(),
        post_id,
        topic_id: post.topic_id,
        errors: FormErrors::default(),
        reason: String::new(),
        note: String::new(),
    })
}

#[derive(Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// A member reports a live post; three distinct members hide it; a safety worry is urgent.
pub async fn flag(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<FlagForm>,
) -> Result<HttpResponse, AppError> {
    let post_id = id(&path)?;
    let reporter = ctx.require_signed_in(&format!("/p/{post_id}/flag"))?.account.id;
    let post = readable_live_post(&ctx, &state, post_id).await?;
    let FlagForm { reason, note } = form.into_inner();
    if !moderation::flags::REASONS.iter().any(|(r, _)| *r == reason) || note.chars().count() > 1000 {
        let mut errors = FormErrors::default();
        errors.add("reason", "Choose what is wrong with the post (and keep the note under 1000 characters).");
        let page = FlagPage { chrome: ctx.chrome(), post_id, topic_id: post.topic_id, errors, reason, note };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let safety = reason == "safety";
    db::write(&state.pool, move |conn| {
        let was_urgent = moderation::flags::is_urgent(conn, post_id)?;
        moderation::flags::raise(conn, post_id, Some(reporter), &reason, note.trim())?;
        // Once per post: a repeated report (ignored by `raise`) alerts nobody again.
        if safety && !was_urgent && moderation::flags::is_urgent(conn, post_id)? {
            moderation::actions::alert_urgent(conn, post_id)?;
        }
        Ok(())
    })
    .await?;
    let mut paragraphs = vec![
        "Thank you. A moderator will look at the post, and we will tell you what they decided on your posts page."
            .to_owned(),
    ];
    if safety {
        paragraphs.insert(
            0,
            "Your report goes to the top of the moderators' queue. If someone is in danger right now, call 999."
                .to_owned(),
        );
    }
    html(&MessagePage {
        help: None,
        chrome: ctx.chrome(),
        heading: "Thank you for your report".to_owned(),
        paragraphs,
        link: Some((format!("/t/{}#p{post_id}", post.topic_id), "Back to the topic".to_owned())),
    })
}

/// The author appeals a rejection, once; a different moderator (or an admin) decides.
pub async fn appeal(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let post_id = id(&path)?;
    let author_id = ctx.require_signed_in("/me/posts")?.account.id;
    let appealed =
        db::write(&state.pool, move |conn| Ok(moderation::actions::appeal(conn, author_id, post_id)?)).await?;
    if !appealed {
        return Err(AppError::NotFound);
    }
    html(&MessagePage {
        help: None,
        chrome: ctx.chrome(),
        heading: "Your appeal is with the moderators".to_owned(),
        paragraphs: vec![
            "A different moderator will look at your post again. We will tell you what they decide on your posts page."
                .to_owned(),
        ],
        link: Some(("/me/posts".to_owned(), "Back to my posts".to_owned())),
    })
}
