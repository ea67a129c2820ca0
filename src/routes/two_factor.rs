//! Two-step sign-in: the second step after a password (`/login/two-factor`), and setting it up,
//! making new recovery codes or turning it off (`/me/two-factor`). Moderators and admins must
//! have it: until their session passes it, `Ctx` treats them as ordinary members and staff pages
//! send them here.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::accounts::{Limits, is_current_password, limit, session_cookie};
use crate::accounts::{self, totp};
use crate::db;
use crate::error::AppError;
use crate::secrets;
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, FormErrors, html, render, safe_next, see_other};

/// How long someone who gave the right password has to type their code.
const PENDING_MINUTES: i64 = 10;

/// Codes tried per account, a minute, an hour and a day. Three codes in a million are right at
/// any moment, so 30 a day give someone who already has the password about one chance in thirty
/// a year; the member meanwhile needs only one try.
const CODE_LIMITS: &Limits = &[
    ("two-factor-account-minute", true, 5, 1),
    ("two-factor-account-hour", true, 10, 60),
    ("two-factor-account-day", true, 30, 24 * 60),
];

fn pending_cookie_name(state: &AppState) -> String {
    format!("{}_2fa", state.session_cookie())
}

/// After the right password, a signed note of whose second step is due (and until when): no
/// session exists until the code is given.
pub fn pending_cookie(state: &AppState, user_id: i64) -> Cookie<'static> {
    let until = chrono::Utc::now().timestamp() + PENDING_MINUTES * 60;
    let signature = secrets::sign(&state.signing_key, &format!("two-factor:{user_id}:{until}"));
    Cookie::build(pending_cookie_name(state), format!("{user_id}.{until}.{signature}"))
        .path("/")
        .http_only(true)
        .secure(state.config.https())
        .same_site(SameSite::Strict)
        .max_age(time::Duration::minutes(PENDING_MINUTES))
        .finish()
}

/// Whose second step this browser is on, if its note is genuine and fresh.
fn pending_user(req: &HttpRequest, state: &AppState) -> Option<i64> {
    let cookie = req.cookie(&pending_cookie_name(state))?;
    let mut parts = cookie.value().splitn(3, '.');
    let (user_id, until, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let (user_id, until): (i64, i64) = (user_id.parse().ok()?, until.parse().ok()?);
    let genuine = secrets::verify(&state.signing_key, &format!("two-factor:{user_id}:{until}"), signature);
    (genuine && until > chrono::Utc::now().timestamp()).then_some(user_id)
}

// ---- the second step of signing in ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "login_two_factor.html")]
struct SecondStepPage {
    chrome: Chrome,
    errors: FormErrors,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login/two-factor`: asks for the code from the authenticator app.
pub async fn second_step_form(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if pending_user(&req, &state).is_none() {
        return Ok(see_other(&format!("/login?next={}", crate::web::urlencode(&next))));
    }
    html(&SecondStepPage { chrome: ctx.chrome(), errors: FormErrors::default(), next })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// `POST /login/two-factor`: a right code (or unused recovery code) starts the session.
pub async fn second_step(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let Some(user_id) = pending_user(&req, &state) else {
        // The ten minutes ran out: start again from the password.
        return Ok(see_other(&format!("/login?next={}", crate::web::urlencode(&next))));
    };
    limit(&req, &state, CODE_LIMITS, &format!("user:{user_id}"), "tried sign-in codes").await?;
    let old = req.cookie(state.session_cookie()).map(|c| c.value().to_owned());
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let code = form.code.clone();
    let outcome = db::write(&state.pool, move |conn| {
        let account = accounts::find(conn, user_id)?;
        if account.banned {
            return Ok(None);
        }
        let Some(passed) = totp::check(conn, user_id, &code)? else {
            return Ok(None);
        };
        if let Some(old) = old {
            accounts::end_session(conn, &old)?;
        }
        Ok(Some((passed, accounts::start_session(conn, &account, &user_agent, true)?)))
    })
    .await?;
    let Some((passed, token)) = outcome else {
        tracing::info!(event = "sign_in_failed", user_id, step = "second", "sign-in code refused");
        let mut errors = FormErrors::default();
        errors.add(
            "code",
            "That code does not match. Type the 6 digits your app shows now (they change every 30 seconds), or one of your recovery codes.",
        );
        return render(StatusCode::UNPROCESSABLE_ENTITY, &SecondStepPage { chrome: ctx.chrome(), errors, next });
    };
    tracing::info!(user_id, second_factor = ?passed, "signed in");
    // A recovery code spent: show how many are left, and offer new ones.
    let to = match passed {
        totp::Passed::Code => next,
        totp::Passed::RecoveryCode { left } => format!("/me/two-factor?recovery_left={left}"),
    };
    let mut response = see_other(&to);
    response.add_cookie(&session_cookie(&state, token)).map_err(|e| AppError::Internal(e.into()))?;
    let mut done = pending_cookie(&state, user_id);
    done.make_removal();
    response.add_cookie(&done).map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}

// ---- /me/two-factor ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "me/two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    errors: FormErrors,
    next: String,
    /// Moderators and admins cannot turn it off.
    staff: bool,
    /// This browser gave a code (two-step sign-in being on: `setup` is `None`).
    session_passed: bool,
    recovery_left: i64,
    /// Setting up: the new secret, its signature for the form, and the app's link.
    setup: Option<Setup>,
    notice: Option<String>,
}

struct Setup {
    secret: String,
    signature: String,
    uri: String,
}

impl TwoFactorPage {
    fn grouped_secret(&self) -> String {
        self.setup.as_ref().map(|s| totp::grouped(&s.secret)).unwrap_or_default()
    }
}

/// Recovery codes, shown once, right after they are made.
#[derive(Template)]
#[template(path = "me/recovery_codes.html")]
struct RecoveryCodesPage {
    chrome: Chrome,
    codes: Vec<String>,
    next: String,
}

fn setup_signature(state: &AppState, user_id: i64, secret: &str) -> String {
    secrets::sign(&state.signing_key, &format!("totp-setup:{user_id}:{secret}"))
}

fn is_staff(ctx: &Ctx) -> bool {
    ctx.second_factor_needed || ctx.viewer.is_admin() || ctx.viewer.is_moderator()
}

#[derive(Deserialize)]
pub struct TwoFactorQuery {
    next: Option<String>,
    recovery_left: Option<i64>,
    off: Option<String>,
}

/// The page in its current state; a fresh secret is drawn when setting up.
async fn page(
    ctx: &Ctx,
    state: &AppState,
    next: String,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<TwoFactorPage, AppError> {
    let signed_in = ctx.require_signed_in("/me/two-factor")?;
    let (user_id, email) = (signed_in.account.id, signed_in.account.email.clone());
    let (settings, recovery_left, session_passed) = {
        let session_id = signed_in.session_id;
        db::run(&state.pool, move |conn| {
            use crate::db::schema::sessions;
            use diesel::prelude::*;
            let passed: bool = sessions::table.find(session_id).select(sessions::second_factor).first(conn)?;
            Ok((totp::settings(conn, user_id)?, totp::recovery_codes_left(conn, user_id)?, passed))
        })
        .await?
    };
    let setup = (!settings.enabled()).then(|| {
        let secret = totp::new_secret();
        Setup {
            signature: setup_signature(state, user_id, &secret),
            uri: totp::provisioning_uri(crate::web::SITE_NAME, &email, &secret),
            secret,
        }
    });
    Ok(TwoFactorPage {
        chrome: ctx.chrome(),
        errors,
        next,
        staff: is_staff(ctx),
        session_passed,
        recovery_left,
        setup,
        notice,
    })
}

/// `GET /me/two-factor`: set it up, confirm it for this browser, or manage it.
pub async fn settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<TwoFactorQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    let notice = match (query.recovery_left, query.off.is_some()) {
        (Some(left), _) => Some(format!(
            "You signed in with a recovery code; it cannot be used again. You have {left} left: make new ones below if you are running out."
        )),
        (None, true) => Some("Two-step sign-in is off.".to_owned()),
        _ => None,
    };
    html(&page(&ctx, &state, next, FormErrors::default(), notice).await?)
}

#[derive(Deserialize)]
pub struct TwoFactorForm {
    action: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /me/two-factor`: `enable` (with the code for the new secret), `verify` (this browser),
/// `new-codes`, or `disable` (members only, with their password).
pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<TwoFactorForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = ctx.require_signed_in("/me/two-factor")?.clone();
    let (user_id, session_id) = (signed_in.account.id, signed_in.session_id);
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let refuse = |field: &'static str, message: &str| {
        let mut errors = FormErrors::default();
        errors.add(field, message);
        errors
    };
    match form.action.as_str() {
        "enable" => {
            let secret = form.secret.clone();
            if !secrets::verify(&state.signing_key, &format!("totp-setup:{user_id}:{secret}"), &form.signature) {
                return Err(AppError::BadRequest("setup key".into()));
            }
            let Some(step) = totp::matching_step(&secret, &form.code, totp::current_step(), None) else {
                // A new secret is drawn; the app must be set up again from it.
                let errors = refuse(
                    "code",
                    "That code does not match. Add the new key below to your app (the old one will not work), then type the 6 digits it shows.",
                );
                let page = page(&ctx, &state, next, errors, None).await?;
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            };
            let codes = db::write(&state.pool, move |conn| {
                let codes = totp::enable(conn, user_id, &secret, step)?;
                totp::mark_session(conn, session_id)?;
                Ok(codes)
            })
            .await?;
            tracing::info!(event = "two_factor_enabled", user_id, "two-step sign-in turned on");
            html(&RecoveryCodesPage { chrome: ctx.chrome(), codes, next })
        }
        "verify" | "new-codes" => {
            let code = form.code.clone();
            let fresh = form.action == "new-codes";
            let outcome = db::write(&state.pool, move |conn| {
                if totp::check(conn, user_id, &code)?.is_none() {
                    return Ok(None);
                }
                totp::mark_session(conn, session_id)?;
                Ok(Some(if fresh { totp::new_recovery_codes(conn, user_id)? } else { Vec::new() }))
            })
            .await?;
            match outcome {
                None => {
                    let errors = refuse("code", "That code does not match. Type the 6 digits your app shows now.");
                    let page = page(&ctx, &state, next, errors, None).await?;
                    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
                }
                Some(codes) if fresh => html(&RecoveryCodesPage { chrome: ctx.chrome(), codes, next }),
                Some(_) => Ok(see_other(&next)),
            }
        }
        "disable" => {
            if is_staff(&ctx) {
                return Err(AppError::Forbidden(
                    "Moderators and admins keep two-step sign-in on: it protects members' health information.".into(),
                ));
            }
            if !is_current_password(&state, &signed_in.account.email, &form.password).await? {
                let errors = refuse("password", "That is not your current password.");
                let page = page(&ctx, &state, next, errors, None).await?;
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            db::write(&state.pool, move |conn| Ok(totp::disable(conn, user_id)?)).await?;
            tracing::info!(event = "two_factor_disabled", user_id, "two-step sign-in turned off");
            Ok(see_other("/me/two-factor?off=1"))
        }
        _ => Err(AppError::BadRequest("action".into())),
    }
}

/// `POST /admin/members/{id}/two-factor`: for staff who lost their phone and their recovery
/// codes. Turns it off and signs them out everywhere; they set it up again at next sign-in.
pub async fn admin_reset(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let admin_id = ctx.require_admin()?.account.id;
    let member_id: i64 = path.parse().map_err(|_| AppError::NotFound)?;
    db::write(&state.pool, move |conn| {
        accounts::find(conn, member_id)?;
        totp::disable(conn, member_id)?;
        accounts::end_all_sessions(conn, member_id)?;
        crate::site::audit(conn, Some(admin_id), "reset_two_factor", "user", member_id, "two-step sign-in reset")?;
        Ok(())
    })
    .await?;
    tracing::info!(event = "two_factor_reset_by_admin", admin_id, member_id, "admin reset a member's two-step sign-in");
    Ok(see_other(&format!("/admin/members/{member_id}?two_factor_reset=1")))
}
