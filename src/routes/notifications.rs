//! What members hear from us: `/me/notifications` (watch levels per group, digest, excerpts,
//! one "no email" switch) and `/unsubscribe/{token}`, which works without signing in — one
//! click from an email, or a POST from the mail client (RFC 8058).

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

use crate::db;
use crate::db::schema::{group_watches, users};
use crate::error::AppError;
use crate::web::context::Chrome;
use crate::web::pages::MessagePage;
use crate::web::{AppState, Ctx, html, see_other};

pub const WATCH_LEVELS: [(&str, &str); 3] = [
    ("all", "Every new topic and every reply"),
    ("mine", "Only replies to my topics and topics I joined"),
    ("none", "Nothing from this group"),
];

pub const DIGESTS: [(&str, &str); 3] =
    [("none", "No digest"), ("daily", "A daily digest of new topics"), ("weekly", "A weekly digest of new topics")];

#[derive(Template)]
#[template(path = "me/notifications.html")]
struct SettingsPage {
    chrome: Chrome,
    /// (group id, group name, watch level)
    groups: Vec<(i64, String, String)>,
    email_off: bool,
    excerpts: bool,
    digest: String,
    saved: bool,
}

impl SettingsPage {
    fn levels(&self) -> &'static [(&'static str, &'static str)] {
        &WATCH_LEVELS
    }

    fn digests(&self) -> &'static [(&'static str, &'static str)] {
        &DIGESTS
    }
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/me/notifications")?.account.id;
    let viewer = ctx.viewer.clone();
    let (groups, (email_off, excerpts, digest)) = db::run(&state.pool, move |conn| {
        let watches: Vec<(i64, String)> = group_watches::table
            .filter(group_watches::user_id.eq(user_id))
            .select((group_watches::group_id, group_watches::level))
            .load(conn)?;
        let groups = crate::groups::all(conn)?
            .into_iter()
            .filter(|g| viewer.can_read(g))
            .map(|g| {
                let level = watches.iter().find(|(id, _)| *id == g.id).map_or("mine", |(_, l)| l.as_str());
                (g.id, g.name, level.to_owned())
            })
            .collect();
        let prefs = users::table
            .find(user_id)
            .select((users::email_off, users::email_excerpts, users::digest))
            .first::<(bool, bool, String)>(conn)?;
        Ok((groups, prefs))
    })
    .await?;
    html(&SettingsPage { chrome: ctx.chrome(), groups, email_off, excerpts, digest, saved: query.saved.is_some() })
}

/// Saves the whole form. Unknown values fall back to the quiet choice.
pub async fn save(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/me/notifications")?.account.id;
    let form = form.into_inner();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let email_off = field("email_off").is_some();
    let excerpts = field("excerpts").is_some();
    let digest = field("digest").filter(|d| DIGESTS.iter().any(|(v, _)| v == d)).unwrap_or("none").to_owned();
    let readable: Vec<i64> = {
        let viewer = ctx.viewer.clone();
        db::run(&state.pool, move |conn| {
            Ok(crate::groups::all(conn)?.into_iter().filter(|g| viewer.can_read(g)).map(|g| g.id).collect())
        })
        .await?
    };
    let watches: Vec<(i64, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            let group: i64 = k.strip_prefix("watch-")?.parse().ok()?;
            let level = WATCH_LEVELS.iter().find(|(l, _)| l == v)?.0;
            readable.contains(&group).then(|| (group, level.to_owned()))
        })
        .collect();
    db::write(&state.pool, move |conn| {
        diesel::update(users::table.find(user_id))
            .set((users::email_off.eq(email_off), users::email_excerpts.eq(excerpts), users::digest.eq(&digest)))
            .execute(conn)?;
        for (group, level) in &watches {
            diesel::delete(
                group_watches::table
                    .filter(group_watches::user_id.eq(user_id))
                    .filter(group_watches::group_id.eq(group)),
            )
            .execute(conn)?;
            if level != "mine" {
                diesel::insert_into(group_watches::table)
                    .values((
                        group_watches::user_id.eq(user_id),
                        group_watches::group_id.eq(group),
                        group_watches::level.eq(level),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(see_other("/me/notifications?saved=1"))
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    token: String,
}

/// The page an unsubscribe link opens: one button, no sign-in.
pub async fn unsubscribe_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let check = token.clone();
    db::run(&state.pool, move |conn| Ok(crate::mail::notices::unsubscribe_user(conn, &check)?))
        .await?
        .ok_or(AppError::NotFound)?;
    html(&UnsubscribePage { chrome: ctx.chrome(), token })
}

/// Switches all notification email off for the member the token names. Exempt from the CSRF
/// check: the token itself proves the request comes from the member's inbox (RFC 8058).
pub async fn unsubscribe(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    db::write(&state.pool, move |conn| {
        let user_id = crate::mail::notices::unsubscribe_user(conn, &token)?.ok_or(AppError::NotFound)?;
        diesel::update(users::table.find(user_id)).set(users::email_off.eq(true)).execute(conn)?;
        Ok(())
    })
    .await?;
    html(&MessagePage {
        help: None,
        chrome: ctx.chrome(),
        heading: "You will get no more email from us".to_owned(),
        paragraphs: vec![
            "We will still send what you ask for yourself, such as a password reset link.".to_owned(),
            "You can choose which emails you get at any time in your notification settings.".to_owned(),
        ],
        link: Some(("/me/notifications".to_owned(), "Notification settings".to_owned())),
    })
}
