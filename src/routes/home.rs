//! The home page, the health check and the ground rules.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::groups::Group;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, html, safe_next, see_other};

/// A group card: what it is for, who can read it, and counts only for those who may read it.
pub struct GroupCard {
    pub group: Group,
    pub readable: bool,
    pub membership: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    cards: Vec<GroupCard>,
}

pub async fn home(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let groups = db::run(&state.pool, |conn| Ok(crate::groups::all(conn)?)).await?;
    let cards = groups
        .into_iter()
        .map(|group| GroupCard {
            readable: ctx.viewer.can_read(&group),
            membership: ctx
                .viewer
                .membership(group.id)
                .map(|m| if m.approved() { "You are a member" } else { "Your request to join is waiting" }),
            group,
        })
        .collect();
    html(&HomePage { chrome: ctx.chrome(), cards })
}

/// `200 ok` without touching the database: the load-test baseline and a liveness probe.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    chrome: Chrome,
    rules_html: String,
    version: i32,
    must_accept: bool,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn rules(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let current = db::run(&state.pool, |conn| Ok(crate::site::current_rules(conn)?)).await?;
    let (rules_html, version) = current.map(|r| (r.body_html, r.version)).unwrap_or_default();
    let must_accept = ctx.viewer.account().is_some_and(|a| a.rules_version.unwrap_or(0) < version);
    html(&RulesPage { chrome: ctx.chrome(), rules_html, version, must_accept, next: safe_next(query.next.as_deref()) })
}

#[derive(Deserialize)]
pub struct AcceptForm {
    version: i32,
    next: Option<String>,
}

/// Records that the member accepted this version of the ground rules.
pub async fn accept_rules(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/rules")?.account.id;
    let version = form.version;
    if version != ctx.rules_version {
        // The rules changed while the page was open: show the new ones.
        return Ok(see_other("/rules"));
    }
    db::write(&state.pool, move |conn| Ok(crate::accounts::accept_rules(conn, user_id, version)?)).await?;
    Ok(see_other(&safe_next(form.next.as_deref())))
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    chrome: Chrome,
    helplines: Vec<crate::moderation::helplines::Helpline>,
}

/// `GET /help`: where to get urgent help, then how the forum works.
pub async fn help(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let helplines = db::run(&state.pool, |conn| Ok(crate::moderation::helplines::all(conn)?)).await?;
    html(&HelpPage { chrome: ctx.chrome(), helplines })
}
