//! Professionals: applying for a badge, what a badge means, members' profiles, questions for a
//! professional (the clinicians' list, marking a question, the asker's most helpful answer),
//! and the staff's figures on how long questions wait.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::professionals::questions::{self, GroupFigures, OpenQuestion};
use crate::professionals::{self, Application, Badge, Profession, Verification};
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, html, render, see_other};

// ---- applying --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pro/apply.html")]
struct ApplyPage {
    chrome: Chrome,
    errors: FormErrors,
    professions: Vec<Profession>,
    regulators: &'static [(&'static str, &'static str)],
    form: ApplyForm,
    badge: Option<Badge>,
    /// The member's latest application, if any.
    latest: Option<Verification>,
    sent: bool,
}

impl ApplyPage {
    fn chosen_profession(&self, id: &i64) -> bool {
        self.form.profession.parse::<i64>().ok() == Some(*id)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct ApplyForm {
    #[serde(default)]
    profession: String,
    #[serde(default)]
    regulator: String,
    #[serde(default)]
    registration: String,
    #[serde(default)]
    workplace: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
pub struct SentQuery {
    sent: Option<String>,
}

async fn apply_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    form: Option<ApplyForm>,
    sent: bool,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/pro/apply")?.account.id;
    let (professions, history) = db::run(&state.pool, move |conn| {
        Ok((professionals::professions(conn)?, professionals::history(conn, user_id)?))
    })
    .await?;
    let latest = history.into_iter().next();
    // The form starts from what the member sent last (an answer to a question, or a renewal).
    let form = form.unwrap_or_else(|| match &latest {
        Some(v) if v.status != professionals::REJECTED => ApplyForm {
            profession: v.profession_id.to_string(),
            regulator: v.regulator.clone(),
            registration: v.registration.clone(),
            workplace: v.workplace.clone(),
            note: v.note.clone(),
        },
        _ => ApplyForm::default(),
    });
    render(
        status,
        &ApplyPage {
            chrome: ctx.chrome(),
            errors,
            professions: professions.into_iter().filter(|p| p.enabled).collect(),
            regulators: &professionals::REGULATORS,
            form,
            badge: ctx.viewer.badge().cloned(),
            latest,
            sent,
        },
    )
}

pub async fn apply_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<SentQuery>,
) -> Result<HttpResponse, AppError> {
    apply_page(&ctx, &state, StatusCode::OK, FormErrors::default(), None, query.sent.is_some()).await
}

pub async fn apply(ctx: Ctx, state: web::Data<AppState>, form: web::Form<ApplyForm>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/pro/apply")?.account.id;
    let form = form.into_inner();
    let mut application = Application {
        profession_id: form.profession.parse().unwrap_or(0),
        regulator: form.regulator.clone(),
        registration: form.registration.clone(),
        workplace: form.workplace.clone(),
        note: form.note.clone(),
    };
    let professions = db::run(&state.pool, |conn| Ok(professionals::professions(conn)?)).await?;
    let errors = FormErrors(application.check(&professions));
    if !errors.is_empty() {
        return apply_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, errors, Some(form), false).await;
    }
    db::write(&state.pool, move |conn| Ok(professionals::apply(conn, user_id, &application)?)).await?;
    Ok(see_other("/pro/apply?sent=1"))
}

// ---- what a badge means ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pro/verified.html")]
struct VerifiedPage {
    chrome: Chrome,
    /// A particular badge, when the page was reached from one.
    badge: Option<BadgeRecord>,
}

/// A badge's record as its page shows it: whose, what, when checked, and whether it holds now.
struct BadgeRecord {
    display_name: String,
    user_id: i64,
    badge: String,
    regulator: String,
    checked: Option<chrono::NaiveDateTime>,
    expires: Option<chrono::NaiveDateTime>,
    /// "valid", "expired", "revoked", or "replaced" (by a later check).
    state: &'static str,
    /// The holder's badge now, when this record was replaced by it.
    current: Option<i64>,
}

pub async fn verified(ctx: Ctx) -> Result<HttpResponse, AppError> {
    html(&VerifiedPage { chrome: ctx.chrome(), badge: None })
}

pub async fn badge(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let verification_id = id(&path)?;
    let found = db::run(&state.pool, move |conn| {
        let Some(v) = professionals::verification(conn, verification_id)? else { return Ok(None) };
        let holder = crate::accounts::find(conn, v.user_id)?;
        let current = professionals::badge_of(conn, v.user_id)?.map(|b| b.verification_id);
        Ok(Some((v, holder.banned, current)))
    })
    .await?;
    // Only records that were once a badge have a public page; applications stay private, and
    // so does everything about a banned member.
    let (v, banned, current) = found.ok_or(AppError::NotFound)?;
    let once_a_badge = matches!(v.status.as_str(), "approved" | "revoked" | "superseded") && v.decided_at.is_some();
    if !once_a_badge || banned {
        return Err(AppError::NotFound);
    }
    let state = match v.status.as_str() {
        _ if v.valid() => "valid",
        "approved" => "expired",
        "revoked" => "revoked",
        _ => "replaced",
    };
    let record = BadgeRecord {
        state,
        current: current.filter(|c| *c != v.id),
        display_name: v.display_name,
        user_id: v.user_id,
        badge: v.badge,
        regulator: v.regulator,
        checked: v.decided_at,
        expires: v.expires_at,
    };
    html(&VerifiedPage { chrome: ctx.chrome(), badge: Some(record) })
}

// ---- profiles ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    chrome: Chrome,
    display_name: String,
    joined: chrono::NaiveDateTime,
    badge: Option<Badge>,
}

pub async fn profile(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let user_id = id(&path)?;
    let (account, badge) = db::run(&state.pool, move |conn| {
        let account = crate::accounts::find(conn, user_id).optional()?.ok_or(AppError::NotFound)?;
        Ok((account, professionals::badge_of(conn, user_id)?))
    })
    .await?;
    if account.banned {
        return Err(AppError::NotFound);
    }
    html(&ProfilePage { chrome: ctx.chrome(), display_name: account.display_name, joined: account.created_at, badge })
}

// ---- questions for a professional -------------------------------------------------------------

#[derive(Template)]
#[template(path = "pro/questions.html")]
struct QuestionsPage {
    chrome: Chrome,
    questions: Vec<OpenQuestion>,
    groups: Vec<(i64, String)>,
    professions: Vec<Profession>,
    group: Option<i64>,
    profession: Option<i64>,
    badge: Badge,
}

impl QuestionsPage {
    fn group_chosen(&self, id: &i64) -> bool {
        self.group == Some(*id)
    }
    fn profession_chosen(&self, id: &i64) -> bool {
        self.profession == Some(*id)
    }
}

#[derive(Deserialize)]
pub struct QuestionsQuery {
    group: Option<String>,
    profession: Option<String>,
}

pub async fn questions_list(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<QuestionsQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_signed_in("/pro/questions")?;
    let Some(badge) = ctx.viewer.badge().cloned() else {
        return Err(AppError::Forbidden(
            "The open questions are listed for verified professionals. If you are a registered health professional, you can apply for a badge on the \"Apply for a professional badge\" page (/pro/apply)."
                .into(),
        ));
    };
    let group = query.group.as_deref().and_then(|g| g.parse().ok());
    let profession = query.profession.as_deref().and_then(|p| p.parse().ok());
    let viewer = ctx.viewer.clone();
    let (questions, groups, professions) = db::run(&state.pool, move |conn| {
        let groups: Vec<(i64, String)> = crate::groups::all(conn)?
            .into_iter()
            .filter(|g| g.pro_questions && viewer.can_read(g))
            .map(|g| (g.id, g.name))
            .collect();
        let ids: Vec<i64> = groups.iter().map(|g| g.0).collect();
        let questions = questions::open_questions(conn, &ids, group, profession)?;
        Ok((questions, groups, professionals::professions(conn)?))
    })
    .await?;
    html(&QuestionsPage { chrome: ctx.chrome(), questions, groups, professions, group, profession, badge })
}

#[derive(Deserialize)]
pub struct QuestionForm {
    /// "yes" to mark, anything else to unmark.
    #[serde(default)]
    question: String,
    #[serde(default)]
    profession: String,
}

/// `/t/{id}/question`: a moderator marks a topic as a question for a professional, or unmarks it.
pub async fn mark_question(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<QuestionForm>,
) -> Result<HttpResponse, AppError> {
    let topic_id = id(&path)?;
    let moderator = ctx.require_signed_in(&format!("/t/{topic_id}"))?.account.id;
    let (topic, group) = db::run(&state.pool, move |conn| {
        let topic = crate::posting::topic(conn, topic_id)?.ok_or(AppError::NotFound)?;
        Ok((topic.clone(), crate::groups::by_id(conn, topic.group_id)?))
    })
    .await?;
    if !ctx.viewer.can_moderate(group.id) {
        return Err(AppError::NotFound);
    }
    if !group.pro_questions {
        return Err(AppError::BadRequest(format!("{} does not take questions for professionals.", group.name)));
    }
    let on = form.question == "yes";
    let profession: Option<i64> = form.profession.parse().ok();
    if let Some(chosen) = profession
        && !db::run(&state.pool, move |conn| Ok(professionals::offered(conn, chosen)?)).await?
    {
        return Err(AppError::BadRequest("Choose a profession from the list.".into()));
    }
    db::write(&state.pool, move |conn| {
        if on {
            questions::ask(conn, topic.id, profession)?;
        } else {
            questions::unask(conn, topic.id)?;
        }
        let action = if on { "mark_question" } else { "unmark_question" };
        crate::site::audit(conn, Some(moderator), action, "topic", topic.id, "")?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/t/{topic_id}")))
}

/// `/p/{id}/helpful`: the asker marks the reply that helped most (again: takes it back).
pub async fn mark_helpful(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let post_id = id(&path)?;
    let (post, topic, group) = crate::routes::posts::post_in_context(&state, post_id).await?;
    if !ctx.viewer.can_read(&group) || post.status != "live" {
        return Err(AppError::NotFound);
    }
    ctx.require_signed_in(&format!("/t/{}", topic.id))?;
    if ctx.viewer.user_id() != Some(topic.author_id) {
        return Err(AppError::Forbidden("Only the person who asked can mark the most helpful answer.".into()));
    }
    let topic_id = topic.id;
    let marked = db::write(&state.pool, move |conn| Ok(questions::mark_helpful(conn, topic_id, post_id)?)).await?;
    if !marked {
        return Err(AppError::BadRequest(
            "Only someone else's reply in your topic can be marked as most helpful.".into(),
        ));
    }
    let page = db::run(&state.pool, move |conn| Ok(crate::posting::page_of(conn, post_id)?)).await?;
    let page = page.map_or(1, |(_, p)| p);
    Ok(see_other(&format!("/t/{topic_id}?page={page}#p{post_id}")))
}

// ---- staff figures -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "mod/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    /// Every group the viewer moderates, with how fast urgent posts got a moderator.
    urgent: Vec<(String, crate::moderation::queue::UrgentFigures)>,
    figures: Vec<GroupFigures>,
    chart_height: i64,
    bar_width: i64,
}

impl DashboardPage {
    fn minutes(&self, m: &Option<f64>) -> String {
        m.map_or_else(|| "–".to_owned(), crate::stats::duration_words)
    }
}

/// `/mod/dashboard`: per group, how soon urgent posts got a first moderator action, and the
/// questions for professionals: how many are open and how long they wait for an answer.
pub async fn dashboard(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let scope = ctx.viewer.moderated_groups();
    let (urgent, figures) = db::run(&state.pool, move |conn| {
        let groups: Vec<crate::groups::Group> = crate::groups::all(conn)?
            .into_iter()
            .filter(|g| scope.as_ref().is_none_or(|ids| ids.contains(&g.id)))
            .collect();
        let now = crate::db::now();
        let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
        let urgent = crate::moderation::queue::urgent_figures(conn, &ids, now)?
            .into_iter()
            .zip(groups.iter().map(|g| g.name.clone()))
            .map(|(f, name)| (name, f))
            .collect();
        let asking: Vec<(i64, String)> =
            groups.into_iter().filter(|g| g.pro_questions).map(|g| (g.id, g.name)).collect();
        Ok((urgent, questions::figures(conn, &asking, now)?))
    })
    .await?;
    html(&DashboardPage {
        chrome: ctx.chrome(),
        urgent,
        figures,
        chart_height: questions::CHART_HEIGHT,
        bar_width: questions::BAR_WIDTH,
    })
}
