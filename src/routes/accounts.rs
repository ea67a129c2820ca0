//! Registration, sign-in and sign-out, email confirmation and password reset.
//! Messages never reveal whether an email address has an account.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::{self, NewAccount, TokenPurpose, password};
use crate::db;
use crate::error::AppError;
use crate::mail::{self, messages};
use crate::web::context::Chrome;
use crate::web::pages::MessagePage;
use crate::web::{AppState, Ctx, FormErrors, html, render, safe_next, see_other};
use actix_web::http::StatusCode;

fn message(
    ctx: &Ctx,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    html(&MessagePage {
        help: None,
        chrome: ctx.chrome(),
        heading: heading.to_owned(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
        link: link.map(|(h, l)| (h.to_owned(), l.to_owned())),
    })
}

/// Hashes a password on the blocking pool: argon2id must never run on an async worker.
async fn hash_password(state: &AppState, plain: String) -> Result<String, AppError> {
    let memory = state.config.argon2_memory_kib;
    web::block(move || password::hash(&plain, memory))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(AppError::Internal)
}

// ---- registration ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    errors: FormErrors,
    email: String,
    display_name: String,
    rules_html: String,
    rules_version: i32,
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    accept_rules: Option<String>,
    rules_version: Option<i32>,
}

async fn register_page(
    ctx: &Ctx,
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    email: String,
    display_name: String,
) -> Result<HttpResponse, AppError> {
    let rules = db::run(&state.pool, |conn| Ok(crate::site::current_rules(conn)?)).await?;
    let (rules_html, rules_version) = rules.map(|r| (r.body_html, r.version)).unwrap_or_default();
    render(status, &RegisterPage { chrome: ctx.chrome(), errors, email, display_name, rules_html, rules_version })
}

pub async fn register_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if ctx.viewer.signed_in.is_some() {
        return Ok(see_other("/"));
    }
    register_page(&ctx, &state, StatusCode::OK, FormErrors::default(), String::new(), String::new()).await
}

enum Registered {
    Created,
    NameTaken,
}

pub async fn register(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let email = accounts::parse_email(&form.email);
    if email.is_none() {
        errors.add("email", "Enter an email address like name@example.com.");
    }
    // A new member holds no badge and no staff role, so no name may claim either.
    let name = match accounts::parse_display_name(&form.display_name).and_then(|(name, key)| {
        match crate::professionals::names::refusal(&name, false, false) {
            Some(why) => Err(why),
            None => Ok((name, key)),
        }
    }) {
        Ok(n) => Some(n),
        Err(why) => {
            errors.add("display_name", why);
            None
        }
    };
    if let Some(why) = password::weakness(&form.password, &form.email, &form.display_name) {
        errors.add("password", why);
    }
    if form.accept_rules.is_none() {
        errors.add("accept_rules", "Please read the ground rules and tick the box to accept them.");
    }
    let (Some(email), Some((display_name, name_key)), true) = (email, name, errors.is_empty()) else {
        return register_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, errors, form.email, form.display_name)
            .await;
    };
    // Counted once the form is complete (it may send an email), before any work is done.
    limit(&req, &state, REGISTER_LIMITS, &email, "tried to join").await?;

    // Hash before looking anything up, so an existing address takes just as long.
    let hash = hash_password(&state, form.password).await?;
    // The version the form showed; if the rules changed meanwhile, the member is asked to
    // accept the new ones on their next visit.
    let shown_version = form.rules_version.unwrap_or(0);
    let st = state.clone();
    let (em, dn) = (email.clone(), display_name.clone());
    let outcome = db::write(&state.pool, move |conn| {
        let rules_version = shown_version.min(crate::site::current_rules_version(conn)?);
        // The display name is checked first, so the answer never depends on whether the
        // email address has an account.
        if accounts::display_name_taken(conn, &name_key)? {
            return Ok(Registered::NameTaken);
        }
        if let Some((existing, _)) = accounts::find_by_email(conn, &em)? {
            let body = messages::AlreadyRegistered {
                display_name: &existing.display_name,
                login_link: &st.link("/login"),
                reset_link: &st.link("/password-reset"),
            }
            .render()?;
            mail::enqueue(conn, &em, "You already have an account", &body)?;
            return Ok(Registered::Created);
        }
        let created = accounts::create(
            conn,
            NewAccount {
                email: &em,
                display_name: &dn,
                display_name_key: &name_key,
                password_hash: Some(&hash),
                is_admin: false,
                email_verified: false,
                rules_version: (rules_version > 0).then_some(rules_version),
            },
        );
        let user_id = match created {
            Ok(id) => id,
            // Someone took the name (or the address) a moment ago.
            Err(e) if db::is_unique_violation(&e) => return Ok(Registered::NameTaken),
            Err(e) => return Err(e.into()),
        };
        let token = accounts::issue_token(conn, user_id, TokenPurpose::VerifyEmail, accounts::VERIFY_EMAIL_TTL)?;
        let body =
            messages::VerifyEmail { display_name: &dn, link: &st.link(&format!("/verify-email/{token}")) }.render()?;
        mail::enqueue(conn, &em, "Confirm your email address", &body)?;
        Ok(Registered::Created)
    })
    .await?;
    match outcome {
        Registered::NameTaken => {
            let mut errors = FormErrors::default();
            errors.add("display_name", "That display name is taken. Please choose another.");
            register_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, errors, email, display_name).await
        }
        Registered::Created => {
            state.mail_wake.notify_one();
            message(
                &ctx,
                "Check your email",
                &[
                    &format!("We have sent a link to {email}. Open it to confirm your address, then sign in."),
                    "If nothing arrives in a few minutes, check your spam folder.",
                ],
                Some(("/login", "Go to sign in")),
            )
        }
    }
}

// ---- sign in and out -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    errors: FormErrors,
    email: String,
    next: String,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "password-set" => Some("Your new password is set. Sign in with it now."),
        "verified" => Some("Thank you: your email address is confirmed."),
        "signed-out" => Some("You have signed out."),
        _ => None,
    }
}

pub async fn login_form(ctx: Ctx, query: web::Query<LoginQuery>) -> Result<HttpResponse, AppError> {
    html(&LoginPage {
        chrome: ctx.chrome(),
        errors: FormErrors::default(),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        notice: notice_text(query.notice.as_deref()),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(state.session_cookie(), value)
        .path("/")
        .http_only(true)
        .secure(state.config.https())
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(accounts::SESSION_ABSOLUTE.num_days()))
        .finish()
}

/// Sign-in attempts allowed per account and per client address, a minute and an hour
/// (bucket, per email address? (else per client address), attempts, minutes). A client
/// address may be a whole ward behind one router, so it is allowed more.
pub(crate) type Limits = [(&'static str, bool, i32, i64)];

const SIGN_IN_LIMITS: &Limits = &[
    ("sign-in-account-minute", true, 6, 1),
    ("sign-in-account-hour", true, 30, 60),
    ("sign-in-client-minute", false, 30, 1),
    ("sign-in-client-hour", false, 200, 60),
];

/// Each sends an email, so each is limited per address (one inbox is not flooded) and per client.
const REGISTER_LIMITS: &Limits = &[("register-address-hour", true, 3, 60), ("register-client-hour", false, 40, 60)];
const RESET_LIMITS: &Limits = &[("reset-address-hour", true, 3, 60), ("reset-client-hour", false, 40, 60)];
const VERIFY_LIMITS: &Limits = &[("verify-address-hour", true, 3, 60), ("verify-client-hour", false, 40, 60)];

/// Counts a request against `limits` before any work (a password hashed, an email queued), for
/// known and unknown addresses alike, so a limit reveals nothing about which accounts exist.
/// The email address is kept only as a hash. A hit is logged as a structured event.
pub(crate) async fn limit(
    req: &HttpRequest,
    state: &AppState,
    limits: &'static Limits,
    email: &str,
    what: &'static str,
) -> Result<(), AppError> {
    let account_key = crate::secrets::hash_token(&email.trim().to_lowercase());
    let client_key = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let wait = db::run(&state.pool, move |conn| {
        db::bookkeeping(conn, |conn| {
            let mut wait = None;
            for (bucket, per_account, limit, minutes) in limits {
                let key = if *per_account { &account_key } else { &client_key };
                let window = chrono::Duration::minutes(*minutes);
                wait = wait.max(crate::site::rate_limit(conn, bucket, key, *limit, window)?);
            }
            Ok(wait)
        })
    })
    .await?;
    match wait {
        Some(wait) => {
            tracing::warn!(
                event = "rate_limited",
                limit = limits[0].0,
                retry_after = wait.num_seconds(),
                "request limited"
            );
            Err(AppError::RateLimited { retry_after: wait.num_seconds(), what })
        }
        None => Ok(()),
    }
}

pub async fn login(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    limit(&req, &state, SIGN_IN_LIMITS, &form.email, "tried to sign in").await?;
    let next = safe_next(form.next.as_deref());
    let email = accounts::parse_email(&form.email).unwrap_or_default();
    let found = db::run(&state.pool, move |conn| Ok(accounts::find_by_email(conn, &email)?)).await?;
    let password = form.password;
    let account = web::block(move || match found {
        Some((account, Some(hash))) => password::verify(&password, &hash).then_some(account),
        // Unknown address (or no password set yet): spend the same time, then fail.
        _ => {
            password::verify_dummy(&password);
            None
        }
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;

    // Only someone who knows the password learns that the account is closed.
    let refusal = match &account {
        None => Some("That email address and password do not match an account. Check them, or reset your password."),
        Some(a) if a.banned => Some("This account has been closed by the moderators."),
        Some(_) => None,
    };
    let (Some(account), None) = (account, refusal) else {
        tracing::info!(event = "sign_in_failed", "sign-in refused");
        let mut errors = FormErrors::default();
        errors.add("email", refusal.unwrap_or_default());
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &LoginPage { chrome: ctx.chrome(), errors, email: form.email, next, notice: None },
        );
    };
    // A new session id at every sign-in; any session this browser had is ended.
    let old = req.cookie(state.session_cookie()).map(|c| c.value().to_owned());
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let user_id = account.id;
    let token = db::write(&state.pool, move |conn| {
        // With two-step sign-in on, no session starts until the code is given.
        if accounts::totp::settings(conn, account.id)?.enabled() {
            return Ok(None);
        }
        if let Some(old) = old {
            accounts::end_session(conn, &old)?;
        }
        Ok(Some(accounts::start_session(conn, &account, &user_agent, false)?))
    })
    .await?;
    let Some(token) = token else {
        let mut response = see_other(&format!("/login/two-factor?next={}", crate::web::urlencode(&next)));
        let pending = super::two_factor::pending_cookie(&state, user_id);
        response.add_cookie(&pending).map_err(|e| AppError::Internal(e.into()))?;
        return Ok(response);
    };
    tracing::info!(user_id, "signed in");
    let mut response = see_other(&next);
    response.add_cookie(&session_cookie(&state, token)).map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}

pub async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if let Some(token) = req.cookie(state.session_cookie()).map(|c| c.value().to_owned()) {
        db::write(&state.pool, move |conn| Ok(accounts::end_session(conn, &token)?)).await?;
    }
    let mut response = see_other("/login?notice=signed-out");
    let mut gone = session_cookie(&state, String::new());
    gone.make_removal();
    response.add_cookie(&gone).map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}

// ---- email confirmation --------------------------------------------------------------------

pub async fn verify_email(
    ctx: Ctx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let confirmed = db::write(&state.pool, move |conn| {
        let user = accounts::consume_token(conn, &token, TokenPurpose::VerifyEmail)?;
        if let Some(user_id) = user {
            accounts::mark_email_verified(conn, user_id)?;
        }
        Ok(user.is_some())
    })
    .await?;
    if !confirmed {
        return message(
            &ctx,
            "That link has expired",
            &[
                "Confirmation links work once and for two days. Sign in and ask for a new one from the banner at the top of the page.",
            ],
            Some(("/login", "Go to sign in")),
        );
    }
    if ctx.viewer.signed_in.is_some() {
        message(
            &ctx,
            "Email address confirmed",
            &["Thank you. You can now start topics and reply."],
            Some(("/", "Go to the groups")),
        )
    } else {
        Ok(see_other("/login?notice=verified"))
    }
}

pub async fn resend_verification(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let account = ctx.require_signed_in("/")?.account.clone();
    if account.email_verified_at.is_some() {
        return Ok(see_other("/"));
    }
    limit(&req, &state, VERIFY_LIMITS, &account.email, "asked for confirmation emails").await?;
    let st = state.clone();
    db::write(&state.pool, move |conn| {
        let token = accounts::issue_token(conn, account.id, TokenPurpose::VerifyEmail, accounts::VERIFY_EMAIL_TTL)?;
        let body = messages::VerifyEmail {
            display_name: &account.display_name,
            link: &st.link(&format!("/verify-email/{token}")),
        }
        .render()?;
        Ok(mail::enqueue(conn, &account.email, "Confirm your email address", &body)?)
    })
    .await?;
    state.mail_wake.notify_one();
    message(&ctx, "Check your email", &["We have sent you a new confirmation link."], Some(("/", "Go to the groups")))
}

// ---- password reset ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "password_reset_request.html")]
struct ResetRequestPage {
    chrome: Chrome,
    errors: FormErrors,
    email: String,
}

pub async fn reset_request_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    html(&ResetRequestPage { chrome: ctx.chrome(), errors: FormErrors::default(), email: String::new() })
}

#[derive(Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

pub async fn reset_request(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ResetRequestForm>,
) -> Result<HttpResponse, AppError> {
    let Some(email) = accounts::parse_email(&form.email) else {
        let mut errors = FormErrors::default();
        errors.add("email", "Enter an email address like name@example.com.");
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetRequestPage { chrome: ctx.chrome(), errors, email: form.into_inner().email },
        );
    };
    // Counted once the address is one (a typo does not use up the allowance), before any email.
    limit(&req, &state, RESET_LIMITS, &email, "asked for password resets").await?;
    let st = state.clone();
    let em = email.clone();
    db::write(&state.pool, move |conn| {
        if let Some((account, _)) = accounts::find_by_email(conn, &em)? {
            let token =
                accounts::issue_token(conn, account.id, TokenPurpose::SetPassword, accounts::PASSWORD_RESET_TTL)?;
            let body = messages::PasswordReset {
                display_name: &account.display_name,
                link: &st.link(&format!("/password-reset/{token}")),
            }
            .render()?;
            mail::enqueue(conn, &em, "Set a new password", &body)?;
        }
        Ok(())
    })
    .await?;
    state.mail_wake.notify_one();
    message(
        &ctx,
        "Check your email",
        &[&format!(
            "If {email} has an account here, we have sent it a link to set a new password. The link works once, within an hour."
        )],
        Some(("/login", "Go to sign in")),
    )
}

#[derive(Template)]
#[template(path = "password_reset_form.html")]
struct ResetPage {
    chrome: Chrome,
    errors: FormErrors,
    token: String,
}

fn expired_link(ctx: &Ctx) -> Result<HttpResponse, AppError> {
    message(
        ctx,
        "That link has expired",
        &["Password links work once, and only for a short time. You can ask for a new one."],
        Some(("/password-reset", "Ask for a new link")),
    )
}

pub async fn reset_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let valid =
        db::run(&state.pool, move |conn| Ok(accounts::peek_token(conn, &t, TokenPurpose::SetPassword)?)).await?;
    if valid.is_none() {
        return expired_link(&ctx);
    }
    html(&ResetPage { chrome: ctx.chrome(), errors: FormErrors::default(), token })
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset(
    ctx: Ctx,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let owner = db::run(&state.pool, move |conn| {
        Ok(match accounts::peek_token(conn, &t, TokenPurpose::SetPassword)? {
            Some(user_id) => Some(accounts::find(conn, user_id)?),
            None => None,
        })
    })
    .await?;
    let Some(owner) = owner else {
        return expired_link(&ctx);
    };
    let mut errors = FormErrors::default();
    if let Some(why) = password::weakness(&form.password, &owner.email, &owner.display_name) {
        errors.add("password", why);
    } else if form.password != form.confirm {
        errors.add("confirm", "The two passwords are different. Type the same password twice.");
    }
    if !errors.is_empty() {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &ResetPage { chrome: ctx.chrome(), errors, token });
    }
    let hash = hash_password(&state, form.into_inner().password).await?;
    let done = db::write(&state.pool, move |conn| {
        let Some(user_id) = accounts::consume_token(conn, &token, TokenPurpose::SetPassword)? else {
            return Ok(false);
        };
        accounts::set_password_hash(conn, user_id, &hash)?;
        // The link reached this inbox, which proves the address.
        accounts::mark_email_verified(conn, user_id)?;
        accounts::end_all_sessions(conn, user_id)?;
        Ok(true)
    })
    .await?;
    if !done {
        return expired_link(&ctx);
    }
    tracing::info!(user_id = owner.id, "password set; all sessions ended");
    Ok(see_other("/login?notice=password-set"))
}

// ---- changing a known password -----------------------------------------------------------

#[derive(Template)]
#[template(path = "change_password.html")]
struct ChangePasswordPage {
    chrome: Chrome,
    errors: FormErrors,
    done: bool,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn change_password_form(ctx: Ctx, query: web::Query<DoneQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_signed_in("/me/password")?;
    html(&ChangePasswordPage { chrome: ctx.chrome(), errors: FormErrors::default(), done: query.done.is_some() })
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Needs the current password; ends the member's other sessions (this one stays signed in).
/// Whether `typed` is the account's password (argon2 off the async threads).
pub(crate) async fn is_current_password(state: &AppState, email: &str, typed: &str) -> Result<bool, AppError> {
    let email = email.to_owned();
    let stored = db::run(&state.pool, move |conn| Ok(accounts::find_by_email(conn, &email)?)).await?;
    let typed = typed.to_owned();
    web::block(move || match stored {
        Some((_, Some(hash))) => password::verify(&typed, &hash),
        _ => false,
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

pub async fn change_password(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<ChangePasswordForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = ctx.require_signed_in("/me/password")?.clone();
    let form = form.into_inner();
    let current_ok = is_current_password(&state, &signed_in.account.email, &form.current).await?;
    let mut errors = FormErrors::default();
    if !current_ok {
        errors.add("current", "That is not your current password.");
    } else if let Some(why) =
        password::weakness(&form.password, &signed_in.account.email, &signed_in.account.display_name)
    {
        errors.add("password", why);
    } else if form.password != form.confirm {
        errors.add("confirm", "The two new passwords are different. Type the same password twice.");
    }
    if !errors.is_empty() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ChangePasswordPage { chrome: ctx.chrome(), errors, done: false },
        );
    }
    let hash = hash_password(&state, form.password).await?;
    let (user_id, session_id) = (signed_in.account.id, signed_in.session_id);
    db::write(&state.pool, move |conn| {
        accounts::set_password_hash(conn, user_id, &hash)?;
        accounts::end_other_sessions(conn, user_id, session_id)?;
        Ok(())
    })
    .await?;
    tracing::info!(user_id, "password changed; other sessions ended");
    Ok(see_other("/me/password?done=1"))
}

// ---- sessions: /me/security ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "me/security.html")]
struct SecurityPage {
    chrome: Chrome,
    sessions: Vec<accounts::SessionInfo>,
    current: i64,
    ended: Option<String>,
}

#[derive(Deserialize)]
pub struct EndedQuery {
    ended: Option<String>,
}

/// `GET /me/security`: the member's signed-in browsers, and a way to end any or all of them.
pub async fn security(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<EndedQuery>,
) -> Result<HttpResponse, AppError> {
    let signed_in = ctx.require_signed_in("/me/security")?;
    let (user_id, current) = (signed_in.account.id, signed_in.session_id);
    let sessions = db::run(&state.pool, move |conn| Ok(accounts::active_sessions(conn, user_id)?)).await?;
    let ended = match query.ended.as_deref() {
        Some("one") => Some("That browser has been signed out.".to_owned()),
        Some("others") => Some("Every other browser has been signed out.".to_owned()),
        _ => None,
    };
    html(&SecurityPage { chrome: ctx.chrome(), sessions, current, ended })
}

#[derive(Deserialize)]
pub struct EndSessionForm {
    /// A session id, or "others" for every session but this one.
    end: String,
}

/// `POST /me/security`: ends one of the member's own sessions, or all the others.
pub async fn end_sessions(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<EndSessionForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = ctx.require_signed_in("/me/security")?;
    let (user_id, current) = (signed_in.account.id, signed_in.session_id);
    if form.end == "others" {
        db::write(&state.pool, move |conn| Ok(accounts::end_other_sessions(conn, user_id, current)?)).await?;
        tracing::info!(event = "sessions_ended", user_id, "member ended their other sessions");
        return Ok(see_other("/me/security?ended=others"));
    }
    let session: i64 = form.end.parse().map_err(|_| AppError::BadRequest("session".into()))?;
    if session == current {
        // Ending the session in use is signing out: the header's button does that.
        return Ok(see_other("/me/security"));
    }
    // Only the member's own sessions match: another member's id simply ends nothing.
    db::write(&state.pool, move |conn| Ok(accounts::end_session_by_id(conn, user_id, session)?)).await?;
    tracing::info!(event = "session_ended", user_id, "member ended a session");
    Ok(see_other("/me/security?ended=one"))
}

/// `GET /me/data`: everything the forum holds about the member, as a JSON file to keep.
pub async fn download_data(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.require_signed_in("/me/data")?.account.id;
    let data = db::run(&state.pool, move |conn| Ok(accounts::export::export(conn, user_id)?)).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.into()))?;
    let filename = format!("forum-data-{}.json", crate::db::now().format("%Y-%m-%d"));
    tracing::info!(event = "data_exported", user_id, "member downloaded their data");
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        .body(body))
}

// ---- deleting an account: /me/delete -----------------------------------------------------------

#[derive(Template)]
#[template(path = "me/delete.html")]
struct DeleteAccountPage {
    chrome: Chrome,
    errors: FormErrors,
    keep_posts: bool,
}

pub async fn delete_account_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require_signed_in("/me/delete")?;
    html(&DeleteAccountPage { chrome: ctx.chrome(), errors: FormErrors::default(), keep_posts: false })
}

#[derive(Deserialize)]
pub struct DeleteAccountForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    posts: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /me/delete`: needs the current password and a ticked box; then everything goes in one
/// transaction and the browser is signed out.
pub async fn delete_account(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: web::Form<DeleteAccountForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = ctx.require_signed_in("/me/delete")?.clone();
    let form = form.into_inner();
    let keep_posts = form.posts == "keep";
    let password_ok = is_current_password(&state, &signed_in.account.email, &form.password).await?;
    let mut errors = FormErrors::default();
    if !matches!(form.posts.as_str(), "remove" | "keep") {
        errors.add("posts-remove", "Choose what happens to your posts.");
    }
    if !password_ok {
        errors.add("password", "That is not your current password.");
    }
    if form.confirm.as_deref() != Some("yes") {
        errors.add("confirm", "Tick the box to confirm that you want to delete your account.");
    }
    if !errors.is_empty() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &DeleteAccountPage { chrome: ctx.chrome(), errors, keep_posts },
        );
    }
    let user_id = signed_in.account.id;
    let choice = if keep_posts { accounts::erasure::Posts::Keep } else { accounts::erasure::Posts::Remove };
    db::write(&state.pool, move |conn| Ok(accounts::erasure::erase(conn, user_id, choice)?)).await?;
    tracing::info!(event = "account_erased", user_id, keep_posts, "member deleted their account");
    let mut response = render(
        StatusCode::OK,
        &MessagePage {
            help: None,
            chrome: Chrome { user: None, ..ctx.chrome() },
            heading: "Your account has been deleted".to_owned(),
            paragraphs: vec![
                if keep_posts {
                    "Your posts stay, shown as written by a former member. Your email address, name, password and everything else about you are gone."
                } else {
                    "Your posts have been removed, and your email address, name, password and everything else about you are gone."
                }
                .to_owned(),
                "Thank you for being part of the community. Take care of yourself.".to_owned(),
            ],
            link: Some(("/".to_owned(), "Go to the list of groups".to_owned())),
        },
    )?;
    let mut gone = session_cookie(&state, String::new());
    gone.make_removal();
    response.add_cookie(&gone).map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}
