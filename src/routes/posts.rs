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
use crate::routes::groups::{ComposePage, refuse_posting, refuse_reading};
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, html, render, see_other};

/// A post on the topic page, with what this viewer may do to it.
pub struct PostItem {
    pub post: PostView,
    pub can_edit: bool,
    pub show_history: bool,
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
    signed_in: bool,
    errors: FormErrors,
    draft: String,
}

#[derive(Deserialize)]
pub struct TopicQuery {
    page: Option<i64>,
    quote: Option<i64>,
}

/// Loads a live topic and its group, if this viewer may read them.
async fn readable_topic(ctx: &Ctx, state: &AppState, topic_id: i64) -> Result<(Topic, Group), AppError> {
    let (topic, group) = db::run(&state.pool, move |conn| {
        let topic = posting::topic(conn, topic_id)?.ok_or(AppError::NotFound)?;
        let group = crate::groups::by_id(conn, topic.group_id)?;
        Ok((topic, group))
    })
    .await?;
    if !ctx.viewer.can_read(&group) {
        return Err(refuse_reading(ctx, &group, &format!("/t/{topic_id}")));
    }
    if topic.status != "live" {
        return Err(AppError::NotFound);
    }
    Ok((topic, group))
}

/// The reply box under a topic: empty, pre-filled with a quote, or sent back with problems.
struct ReplyBox {
    status: StatusCode,
    errors: FormErrors,
    draft: String,
}

async fn topic_response(
    ctx: &Ctx,
    state: &AppState,
    topic: Topic,
    group: Group,
    page: i64,
    reply: ReplyBox,
) -> Result<HttpResponse, AppError> {
    let pages = topic.page_count().max(1);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let topic_id = topic.id;
    let posts = db::run(&state.pool, move |conn| Ok(posting::topic_posts(conn, topic_id, page)?)).await?;
    let can_moderate = ctx.viewer.can_moderate(group.id);
    let posts = posts
        .into_iter()
        .map(|post| PostItem {
            can_edit: ctx.viewer.can_edit_post(post.author_id),
            show_history: can_moderate && post.edited_at.is_some(),
            post,
        })
        .collect();
    render(
        reply.status,
        &TopicPage {
            chrome: ctx.chrome(),
            can_post: ctx.viewer.can_post(&group),
            signed_in: ctx.viewer.signed_in.is_some(),
            topic,
            group,
            posts,
            page,
            pages,
            errors: reply.errors,
            draft: reply.draft,
        },
    )
}

pub async fn topic_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<TopicQuery>,
) -> Result<HttpResponse, AppError> {
    let topic_id = id(&path)?;
    let (topic, group) = readable_topic(&ctx, &state, topic_id).await?;
    let draft = match query.quote {
        Some(post_id) if ctx.viewer.can_post(&group) => {
            db::run(&state.pool, move |conn| Ok(posting::quotable(conn, topic_id, post_id)?))
                .await?
                .map(|(author, body)| crate::markdown::quote(&author, &body))
                .unwrap_or_default()
        }
        _ => String::new(),
    };
    let page = query.page.unwrap_or(1).clamp(1, crate::web::MAX_PAGE);
    let reply = ReplyBox { status: StatusCode::OK, errors: FormErrors::default(), draft };
    topic_response(&ctx, &state, topic, group, page, reply).await
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
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
    let body = form.into_inner().body;
    let mut errors = FormErrors(posting::check_lengths(None, &body));
    let decision = moderation::screen(Draft { title: None, body: &body }, &account, &group);
    if decision.outcome == Outcome::Blocked {
        for f in &decision.findings {
            errors.add("body", f.message_for_author.clone());
        }
    }
    if !errors.is_empty() {
        let last = topic.page_count().max(1);
        let reply = ReplyBox { status: StatusCode::UNPROCESSABLE_ENTITY, errors, draft: body };
        return topic_response(&ctx, &state, topic, group, last, reply).await;
    }
    let live = decision.outcome == Outcome::Live;
    let post_id =
        db::write(&state.pool, move |conn| Ok(posting::reply(conn, account.id, topic_id, &body, &decision)?)).await?;
    let last_page = if live {
        (topic.reply_count + 2 + posting::POSTS_PER_PAGE - 1) / posting::POSTS_PER_PAGE
    } else {
        topic.page_count()
    };
    Ok(see_other(&format!("/t/{topic_id}?page={last_page}#p{post_id}")))
}

/// A post with its topic and group, for its author's edit and delete pages.
async fn own_post(ctx: &Ctx, state: &AppState, post_id: i64) -> Result<(Post, Topic, Group), AppError> {
    let (post, topic, group) = db::run(&state.pool, move |conn| {
        let post = posting::post(conn, post_id)?.ok_or(AppError::NotFound)?;
        let topic = posting::topic(conn, post.topic_id)?.ok_or(AppError::NotFound)?;
        let group = crate::groups::by_id(conn, topic.group_id)?;
        Ok((post, topic, group))
    })
    .await?;
    let is_author = ctx.viewer.can_edit_post(post.author_id);
    // Others may not know a post exists unless it is live.
    if !ctx.viewer.can_read(&group) || !post.editable_by_author() || (!is_author && post.status != "live") {
        return Err(AppError::NotFound);
    }
    if !is_author {
        return Err(match ctx.viewer.signed_in {
            None => AppError::SignInRequired { next: format!("/p/{post_id}/edit") },
            Some(_) => AppError::Forbidden("Only the person who wrote a post can change or delete it."),
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
    let EditForm { title, body } = form.into_inner();
    let title = if post.is_opening { Some(title.unwrap_or_default()) } else { None };
    let mut errors = FormErrors(posting::check_lengths(title.as_deref(), &body));
    let decision = moderation::screen(Draft { title: title.as_deref(), body: &body }, &account, &group);
    if decision.outcome == Outcome::Blocked {
        for f in &decision.findings {
            errors.add("body", f.message_for_author.clone());
        }
    }
    if !errors.is_empty() {
        let page = edit_page(&ctx, &post, &topic, &group, errors, title.unwrap_or_default(), body);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (post_id, topic_id) = (post.id, topic.id);
    let saved = db::write(&state.pool, move |conn| {
        let title = title.as_deref().map(str::trim);
        Ok(posting::edit(conn, account.id, post_id, title, &body, &decision)?)
    })
    .await?;
    if !saved {
        // Deleted or removed while the form was open.
        return Err(AppError::NotFound);
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
    html(&HistoryPage { chrome: ctx.chrome(), topic, current: post.body_md, revisions })
}
