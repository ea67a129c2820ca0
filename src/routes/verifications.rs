//! Administration of professional badges: applications and their decisions, badges held now
//! (with revocation and approved groups), and the list of professions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::groups::Group;
use crate::professionals::{self, Decision, Profession, ProfessionFields, Verification};
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, html, render, see_other};

#[derive(Template)]
#[template(path = "admin/verifications.html")]
struct ListPage {
    chrome: Chrome,
    open: Vec<Verification>,
    badges: Vec<Verification>,
}

pub async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let (open, badges) = db::run(&state.pool, |conn| {
        Ok((professionals::open_applications(conn)?, professionals::current_badges(conn)?))
    })
    .await?;
    html(&ListPage { chrome: ctx.chrome(), open, badges })
}

#[derive(Template)]
#[template(path = "admin/verification.html")]
struct DetailPage {
    chrome: Chrome,
    v: Verification,
    email: String,
    history: Vec<Verification>,
    groups: Vec<(Group, bool)>,
    errors: FormErrors,
    /// What the admin typed, kept when the form is sent back.
    text: String,
    done: bool,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn detail_page(
    ctx: &Ctx,
    state: &AppState,
    verification_id: i64,
    status: StatusCode,
    errors: FormErrors,
    text: String,
    done: bool,
) -> Result<HttpResponse, AppError> {
    let (v, email, history, groups) = db::run(&state.pool, move |conn| {
        let v = professionals::verification(conn, verification_id)?.ok_or(AppError::NotFound)?;
        let email = crate::accounts::find(conn, v.user_id)?.email;
        let history = professionals::history(conn, v.user_id)?;
        let approved = professionals::approved_groups(conn, v.user_id)?;
        let groups = crate::groups::all(conn)?
            .into_iter()
            .map(|g| {
                let on = approved.contains(&g.id);
                (g, on)
            })
            .collect::<Vec<_>>();
        Ok((v, email, history, groups))
    })
    .await?;
    let history = history.into_iter().filter(|h| h.id != v.id).collect();
    render(status, &DetailPage { chrome: ctx.chrome(), v, email, history, groups, errors, text, done })
}

pub async fn detail(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    detail_page(&ctx, &state, id(&path)?, StatusCode::OK, FormErrors::default(), String::new(), query.done.is_some())
        .await
}

/// One form for every decision: `action` is approve, reject, ask, revoke or groups; `text` is
/// how it was checked, the reason, or the question; `groups` (repeated) the approved groups.
pub async fn decide(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let verification_id = id(&path)?;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let (action, text) = (field("action"), field("text"));
    let groups: Vec<i64> = form.iter().filter(|(k, _)| k == "groups").filter_map(|(_, v)| v.parse().ok()).collect();
    let needs_text = match action.as_str() {
        "approve" => Some("Say how you checked, such as \"found on the HCPC register, RA123456\"."),
        "reject" | "revoke" => Some("Give the reason: the clinician reads it."),
        "ask" => Some("Write the question for the applicant."),
        "groups" => None,
        _ => return Err(AppError::BadRequest("Choose what to do.".into())),
    };
    if let Some(why) = needs_text.filter(|_| text.is_empty() || text.chars().count() > 1000) {
        let mut errors = FormErrors::default();
        errors.add("text", why);
        return detail_page(&ctx, &state, verification_id, StatusCode::UNPROCESSABLE_ENTITY, errors, text, false).await;
    }
    let decision = match action.as_str() {
        "approve" => Some(Decision::Approve { method: text, groups: groups.clone() }),
        "reject" => Some(Decision::Reject { reason: text }),
        "ask" => Some(Decision::AskForInformation { question: text }),
        "revoke" => Some(Decision::Revoke { reason: text }),
        _ => None,
    };
    let changed = db::write(&state.pool, move |conn| {
        Ok(match decision {
            Some(decision) => professionals::decide(conn, admin_id, verification_id, &decision)?,
            None => {
                let v = professionals::verification(conn, verification_id)?.ok_or(AppError::NotFound)?;
                professionals::set_groups(conn, admin_id, v.user_id, &groups)?;
                true
            }
        })
    })
    .await?;
    if !changed {
        return Err(AppError::BadRequest(
            "This application changed meanwhile (perhaps another admin decided it): please look at it again.".into(),
        ));
    }
    Ok(see_other(&format!("/admin/verifications/{verification_id}?done=1")))
}

// ---- professions -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/professions.html")]
struct ProfessionsPage {
    chrome: Chrome,
    professions: Vec<Profession>,
    regulators: &'static [(&'static str, &'static str)],
    errors: FormErrors,
    /// The row whose form is sent back (`None`: the new one), with what was typed.
    editing: Option<i64>,
    fields: ProfessionFields,
}

impl ProfessionsPage {
    fn sent_back(&self, row: Option<i64>) -> bool {
        !self.errors.is_empty() && self.editing == row
    }
    fn same(&self, a: impl AsRef<str>, b: impl AsRef<str>) -> bool {
        a.as_ref() == b.as_ref()
    }
}

#[derive(Deserialize)]
pub struct ProfessionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    badge: String,
    #[serde(default)]
    regulator: String,
    #[serde(default)]
    hcpc_prefix: String,
    enabled: Option<String>,
}

impl From<ProfessionForm> for ProfessionFields {
    fn from(f: ProfessionForm) -> Self {
        ProfessionFields {
            name: f.name,
            badge: f.badge,
            regulator: f.regulator,
            hcpc_prefix: f.hcpc_prefix.trim().to_uppercase(),
            enabled: f.enabled.is_some(),
        }
    }
}

async fn professions_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    editing: Option<i64>,
    fields: ProfessionFields,
) -> Result<HttpResponse, AppError> {
    let professions = db::run(&state.pool, |conn| Ok(professionals::professions(conn)?)).await?;
    render(
        status,
        &ProfessionsPage {
            chrome: ctx.chrome(),
            professions,
            regulators: &professionals::REGULATORS,
            errors,
            editing,
            fields,
        },
    )
}

pub async fn professions(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let fields = ProfessionFields { enabled: true, ..ProfessionFields::default() };
    professions_page(&ctx, &state, StatusCode::OK, FormErrors::default(), None, fields).await
}

async fn save_profession(
    ctx: Ctx,
    state: web::Data<AppState>,
    row: Option<i64>,
    form: ProfessionForm,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let fields = ProfessionFields::from(form);
    let errors = FormErrors(fields.problems());
    if !errors.is_empty() {
        return professions_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, errors, row, fields).await;
    }
    db::write(&state.pool, move |conn| {
        let id = professionals::save_profession(conn, row, &fields)?;
        let detail = format!("{} ({})", fields.name.trim(), fields.badge.trim());
        crate::site::audit(conn, Some(admin_id), "save_profession", "profession", id, &detail)?;
        Ok(())
    })
    .await?;
    Ok(see_other("/admin/professions"))
}

pub async fn create_profession(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ProfessionForm>,
) -> Result<HttpResponse, AppError> {
    save_profession(ctx, state, None, form.into_inner()).await
}

pub async fn update_profession(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ProfessionForm>,
) -> Result<HttpResponse, AppError> {
    let row = id(&path)?;
    save_profession(ctx, state, Some(row), form.into_inner()).await
}
