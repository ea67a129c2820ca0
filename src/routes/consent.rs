//! `/me/research`: the member's consent to their posts being used, anonymised, for approved
//! research. Off unless they say yes here; they can withdraw at any time. The date of the
//! choice is the consent record (`/me/data` includes it).

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::{self, schema::users};
use crate::error::AppError;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, html, see_other};

#[derive(Template)]
#[template(path = "me/research.html")]
struct ResearchPage {
    chrome: Chrome,
    consented_at: Option<NaiveDateTime>,
    saved: bool,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn research(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/me/research")?.account.id;
    let consented_at = db::run(&state.pool, move |conn| {
        Ok(users::table.find(user_id).select(users::research_consent_at).first(conn)?)
    })
    .await?;
    html(&ResearchPage { chrome: ctx.chrome(), consented_at, saved: query.saved.is_some() })
}

#[derive(Deserialize)]
pub struct ResearchForm {
    /// "yes" to consent, anything else withdraws.
    consent: String,
}

pub async fn save_research(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ResearchForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/me/research")?.account.id;
    let consent = form.consent == "yes";
    db::write(&state.pool, move |conn| {
        // Saying yes again keeps the original date: the record shows when consent was given.
        let target = users::table.find(user_id);
        if consent {
            diesel::update(target.filter(users::research_consent_at.is_null()))
                .set(users::research_consent_at.eq(db::now()))
                .execute(conn)?;
        } else {
            diesel::update(target).set(users::research_consent_at.eq(None::<NaiveDateTime>)).execute(conn)?;
        }
        Ok(())
    })
    .await?;
    tracing::info!(event = "research_consent", user_id, consent, "research consent changed");
    Ok(see_other("/me/research?saved=1"))
}
