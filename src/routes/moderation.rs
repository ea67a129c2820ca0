//! Moderators' pages that exist so far: requests to join private groups.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::groups::JoinRequest;
use crate::routes::id;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, html, see_other};

#[derive(Template)]
#[template(path = "mod/requests.html")]
struct RequestsPage {
    chrome: Chrome,
    requests: Vec<JoinRequest>,
}

pub async fn requests(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.require_moderator()?;
    let scope = ctx.viewer.moderated_groups();
    let requests =
        db::run(&state.pool, move |conn| Ok(crate::groups::pending_requests(conn, scope.as_deref())?)).await?;
    html(&RequestsPage { chrome: ctx.chrome(), requests })
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
}

pub async fn decide_request(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let moderator_id = ctx.require_moderator()?.account.id;
    let request_id = id(&path)?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::NotFound),
    };
    let viewer = ctx.viewer.clone();
    db::write(&state.pool, move |conn| {
        let (group_id, user_id) = crate::groups::pending_request_group(conn, request_id)?.ok_or(AppError::NotFound)?;
        // Checked on the server for this object: a moderator of another group gets a 404.
        if !viewer.can_moderate(group_id) {
            return Err(AppError::NotFound);
        }
        crate::groups::decide_request(conn, request_id, approve, moderator_id)?;
        let action = if approve { "approve_join" } else { "decline_join" };
        crate::site::audit(conn, Some(moderator_id), action, "user", user_id, &format!("group {group_id}"))?;
        Ok(())
    })
    .await?;
    Ok(see_other("/mod/requests"))
}
