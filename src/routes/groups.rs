//! A group's page, joining it, and starting a topic in it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::groups::{Group, Visibility};
use crate::moderation::{self, Outcome};
use crate::posting::{self, TopicListItem};
use crate::professionals::Badge;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, PageQuery, html, render, see_other};
use std::collections::HashMap;

async fn load_group(state: &AppState, slug: String) -> Result<Group, AppError> {
    db::run(&state.pool, move |conn| crate::groups::by_slug(conn, &slug)?.ok_or(AppError::NotFound)).await
}

/// Refuses reading in a way that reveals nothing: members-only groups ask anonymous readers to
/// sign in (the group is listed publicly), everything else the viewer may not see is a 404.
pub fn refuse_reading(ctx: &Ctx, group: &Group, here: &str) -> AppError {
    if group.visibility() == Visibility::Members && ctx.viewer.signed_in.is_none() {
        AppError::SignInRequired { next: here.to_owned() }
    } else {
        AppError::NotFound
    }
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    chrome: Chrome,
    group: Group,
    readable: bool,
    can_post: bool,
    signed_in: bool,
    membership: Option<&'static str>,
    topics: Vec<TopicListItem>,
    /// Badges of the topics' authors.
    badges: HashMap<i64, Badge>,
    /// A few verified clinicians approved to read and answer here, with their badges, by name,
    /// and whether there are more.
    clinicians: Vec<(String, Badge)>,
    more_clinicians: bool,
    page: i64,
    pages: i64,
}

impl GroupPage {
    fn badge(&self, user_id: &i64) -> Option<&Badge> {
        self.badges.get(user_id)
    }
}

/// `/g/{slug}`: the group and its page of topics, loaded in one trip to the database.
pub async fn group_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let wanted = query.number();
    let c = ctx.clone();
    let (group, readable, page, pages, (topics, badges, mut clinicians)) = db::run(&state.pool, move |conn| {
        let group = crate::groups::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let readable = c.viewer.can_read(&group);
        if !readable && group.visibility() != Visibility::Private {
            return Err(refuse_reading(&c, &group, &format!("/g/{}", group.slug)));
        }
        // Counts of a group the viewer cannot read never shape the answer (not even a 404 for
        // a page number), so outsiders always get the same first page. A private group's page
        // shows what it is for and how to join, never its topics.
        if !readable {
            return Ok((group, false, 1, 1, Default::default()));
        }
        let pages = ((group.topic_count + posting::TOPICS_PER_PAGE - 1) / posting::TOPICS_PER_PAGE).max(1);
        if wanted > pages {
            return Err(AppError::NotFound);
        }
        let topics = posting::group_topics(conn, group.id, wanted)?;
        let authors: Vec<i64> = topics.iter().map(|t| t.author_id).collect();
        let badges = crate::professionals::badges_for(conn, &authors)?;
        let clinicians = crate::professionals::some_clinicians_in(conn, group.id, CLINICIANS_NAMED + 1)?;
        Ok((group, true, wanted, pages, (topics, badges, clinicians)))
    })
    .await?;
    let more_clinicians = clinicians.len() as i64 > CLINICIANS_NAMED;
    clinicians.truncate(CLINICIANS_NAMED as usize);
    clinicians.sort_by_cached_key(|(name, _)| name.to_lowercase());
    let membership = ctx.viewer.membership(group.id).map(|m| {
        if m.approved() {
            "You are a member of this group."
        } else {
            "Your request to join is waiting for a moderator."
        }
    });
    html(&GroupPage {
        chrome: ctx.chrome(),
        readable,
        can_post: ctx.viewer.can_post(&group),
        signed_in: ctx.viewer.signed_in.is_some(),
        membership,
        topics,
        badges,
        clinicians,
        more_clinicians,
        page,
        pages,
        group,
    })
}

/// How many verified clinicians a group's page names; the rest are a link away, so the page
/// stays the same size however many a group has.
const CLINICIANS_NAMED: i64 = 6;
/// Clinicians per page of `/g/{slug}/professionals`.
const CLINICIANS_PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "group_professionals.html")]
struct ProfessionalsPage {
    chrome: Chrome,
    group: Group,
    clinicians: Vec<(String, Badge)>,
    total: i64,
    page: i64,
    pages: i64,
}

/// `/g/{slug}/professionals`: every verified clinician approved for a group, a page at a time.
/// Shown to those who may read the group's topics.
pub async fn professionals(
    ctx: Ctx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let wanted = query.number();
    let c = ctx.clone();
    let (group, clinicians, total) = db::run(&state.pool, move |conn| {
        let group = crate::groups::by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        if !c.viewer.can_read(&group) {
            return Err(refuse_reading(&c, &group, &format!("/g/{}/professionals", group.slug)));
        }
        let offset = (wanted - 1) * CLINICIANS_PER_PAGE;
        let (clinicians, total) = crate::professionals::clinicians_in(conn, group.id, offset, CLINICIANS_PER_PAGE)?;
        Ok((group, clinicians, total))
    })
    .await?;
    let pages = ((total + CLINICIANS_PER_PAGE - 1) / CLINICIANS_PER_PAGE).max(1);
    if wanted > pages {
        return Err(AppError::NotFound);
    }
    html(&ProfessionalsPage { chrome: ctx.chrome(), group, clinicians, total, page: wanted, pages })
}

pub async fn join(ctx: Ctx, state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let group = load_group(&state, slug.into_inner()).await?;
    let here = format!("/g/{}", group.slug);
    let user_id = ctx.require_signed_in(&here)?.account.id;
    let status = db::write(&state.pool, move |conn| Ok(crate::groups::join(conn, &group, user_id)?)).await?;
    tracing::info!(user_id, status, "group join");
    Ok(see_other(&here))
}

#[derive(Template)]
#[template(path = "compose.html")]
pub struct ComposePage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub errors: FormErrors,
    pub show_title: bool,
    pub title: String,
    pub body: String,
    pub group_name: String,
    pub group_rules_html: String,
    pub preview: Option<moderation::Preview>,
    /// For a new topic in a group that takes questions for a professional.
    pub question: Option<QuestionChoice>,
}

/// The "question for a professional" part of the new-topic form, with what was chosen.
pub struct QuestionChoice {
    pub professions: Vec<crate::professionals::Profession>,
    pub asked: bool,
    pub profession: Option<i64>,
}

impl QuestionChoice {
    pub fn chosen(&self, id: &i64) -> bool {
        self.profession == Some(*id)
    }
}

impl ComposePage {
    pub fn title_max(&self) -> usize {
        posting::TITLE_MAX
    }
    pub fn body_max(&self) -> usize {
        posting::BODY_MAX
    }
}

fn new_topic_page(
    ctx: &Ctx,
    group: &Group,
    errors: FormErrors,
    title: String,
    body: String,
    question: Option<QuestionChoice>,
) -> ComposePage {
    ComposePage {
        question,
        chrome: ctx.chrome(),
        heading: format!("Start a topic in {}", group.name),
        action: format!("/g/{}/new", group.slug),
        cancel: format!("/g/{}", group.slug),
        errors,
        show_title: true,
        title,
        body,
        group_name: group.name.clone(),
        group_rules_html: group.rules_html.clone(),
        preview: None,
    }
}

/// Why a reader of the group still may not post, as a 403 with the reason.
pub fn refuse_posting(ctx: &Ctx, group: &Group, here: &str) -> AppError {
    if !ctx.viewer.can_read(group) {
        return refuse_reading(ctx, group, here);
    }
    match ctx.viewer.account() {
        None => AppError::SignInRequired { next: here.to_owned() },
        Some(account) => match account.suspension() {
            Some((until, reason)) => {
                let when = match until {
                    Some(until) => format!("until {}", crate::web::when(until)),
                    None => "any more: this account is closed".to_owned(),
                };
                let why = if reason.is_empty() { String::new() } else { format!(" The moderators said: {reason}") };
                AppError::Forbidden(format!("You can read the forum but not post {when}.{why}"))
            }
            None => AppError::Forbidden(
                "Please confirm your email address before posting: use the link we emailed you, or ask for a new one from the banner at the top of the page."
                    .into(),
            ),
        },
    }
}

pub async fn new_topic_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let group = load_group(&state, slug.into_inner()).await?;
    let here = format!("/g/{}/new", group.slug);
    ctx.require_signed_in(&here)?;
    if !ctx.viewer.can_post(&group) {
        return Err(refuse_posting(&ctx, &group, &here));
    }
    let question = question_choice(&state, &group, false, None).await?;
    html(&new_topic_page(&ctx, &group, FormErrors::default(), String::new(), String::new(), question))
}

#[derive(Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// Present when the "Preview" button was pressed.
    preview: Option<String>,
    /// "yes": a question for a professional (in groups that take them).
    question: Option<String>,
    /// The profession asked, if one.
    profession: Option<String>,
}

/// The question part of the form, for groups that take questions for a professional.
async fn question_choice(
    state: &AppState,
    group: &Group,
    asked: bool,
    profession: Option<i64>,
) -> Result<Option<QuestionChoice>, AppError> {
    if !group.pro_questions {
        return Ok(None);
    }
    let professions = db::run(&state.pool, |conn| Ok(crate::professionals::professions(conn)?)).await?;
    Ok(Some(QuestionChoice { professions, asked, profession }))
}

pub async fn new_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<TopicForm>,
) -> Result<HttpResponse, AppError> {
    let group = load_group(&state, slug.into_inner()).await?;
    let here = format!("/g/{}/new", group.slug);
    let account = ctx.require_signed_in(&here)?.account.clone();
    if !ctx.viewer.can_post(&group) {
        return Err(refuse_posting(&ctx, &group, &here));
    }
    let TopicForm { title, body, preview, question, profession } = form.into_inner();
    let asked = question.as_deref() == Some("yes") && group.pro_questions;
    let profession: Option<i64> = profession.and_then(|p| p.parse().ok());
    let mut errors = FormErrors(posting::check_lengths(Some(&title), &body));
    if asked
        && let Some(chosen) = profession
        && !db::run(&state.pool, move |conn| Ok(crate::professionals::offered(conn, chosen)?)).await?
    {
        errors.add("profession", "Choose who you would most like to answer from the list.");
    }
    let decision = crate::routes::posts::screen_draft(&ctx, &state, &group, Some(&title), &body, None).await?;
    crate::routes::posts::blocked_reasons(&decision, &mut errors);
    if !errors.is_empty() || preview.is_some() {
        let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        let show = errors.is_empty().then(|| moderation::Preview::new(&body, &decision));
        let question = question_choice(&state, &group, asked, profession).await?;
        let page = ComposePage { preview: show, ..new_topic_page(&ctx, &group, errors, title, body, question) };
        return render(status, &page);
    }
    let group_id = group.id;
    let held = decision.outcome != Outcome::Live;
    let told = (held || decision.urgency.is_some()).then(|| decision.clone());
    let (topic_id, _) = db::write(&state.pool, move |conn| {
        let (topic_id, post_id) = posting::create_topic(conn, account.id, group_id, title.trim(), &body, &decision)?;
        if asked {
            crate::professionals::questions::ask(conn, topic_id, profession)?;
        }
        if decision.urgency.is_some() {
            moderation::actions::alert_urgent(conn, post_id)?;
        }
        Ok((topic_id, post_id))
    })
    .await?;
    if let Some(decision) = told {
        return crate::routes::posts::posted_page(&ctx, &decision, topic_id, held);
    }
    Ok(see_other(&format!("/t/{topic_id}")))
}
