//! The request guard every request passes: request logging, the CSRF check on every POST, the
//! body-size limit, and the security headers on every response.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};

use crate::error::AppError;
use crate::secrets;
use crate::web::AppState;
use crate::web::context::CsrfToken;

/// The largest request body accepted (a 20 000-character post fits many times over).
pub const BODY_LIMIT: usize = 256 * 1024;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The middleware function, installed with `actix_web::middleware::from_fn`.
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(AppError::Internal(anyhow::anyhow!("application state missing")).into());
    };

    // Double-submit CSRF: a random cookie, and forms carry its signature. A page from another
    // site can neither read the cookie nor forge the signature.
    let existing = req
        .cookie(state.csrf_cookie())
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let fresh_cookie = existing.is_none();
    let cookie_value = existing.unwrap_or_else(|| secrets::random_token(32));
    // The token also covers the session cookie, so a token obtained in another session (or
    // a planted cookie) is worthless once the member signs in.
    let session = req.cookie(state.session_cookie()).map(|c| c.value().to_owned());
    let signed_in = session.is_some();
    let bound = format!("{cookie_value}.{}", session.unwrap_or_default());
    req.extensions_mut().insert(CsrfToken(secrets::sign(&state.signing_key, &bound)));

    // Unsubscribe links carry their own signed token and must work with one click from a mail
    // client that has no cookie at all (RFC 8058); the token is the proof, not a form token.
    let token_authenticated = req.path().starts_with("/unsubscribe/");
    let early = if req.method() == Method::POST && !token_authenticated {
        check_post(&mut req, &state, &bound, fresh_cookie).await.err()
    } else {
        None
    };
    let mut res = match early {
        Some(error) => {
            let response = error.error_response();
            req.into_response(response)
        }
        None => next.call(req).await?.map_into_boxed_body(),
    };

    if fresh_cookie {
        let cookie = Cookie::build(state.csrf_cookie(), cookie_value)
            .path("/")
            .http_only(true)
            .secure(state.config.https())
            .same_site(SameSite::Lax)
            .finish();
        let _ = res.response_mut().add_cookie(&cookie);
    }
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    if state.config.https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // Pages for signed-in members must never be kept by a shared or back-button cache;
    // anonymous pages carry a per-visitor cookie, so they are private too. Content-hashed
    // static files are the same for everyone and keep their year-long caching.
    if !res.request().path().starts_with("/static/") {
        let value = if signed_in { "no-store" } else { "private, no-cache" };
        if signed_in || !res.headers().contains_key(header::CACHE_CONTROL) {
            res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(value));
        }
    }

    // Log the route pattern, not the path: paths can hold single-use tokens.
    let route = res.request().match_pattern().unwrap_or_else(|| "(unmatched)".to_owned());
    tracing::info!(
        method = %res.request().method(),
        route = %route,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}

/// Reads the whole body (up to the limit), checks the form's CSRF token, and puts the body back
/// for the handler's form extractor.
async fn check_post(
    req: &mut ServiceRequest,
    state: &AppState,
    bound: &str,
    fresh_cookie: bool,
) -> Result<(), AppError> {
    if let Some(length) =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
        && length > BODY_LIMIT
    {
        return Err(AppError::TooLarge);
    }
    let body = req.extract::<web::Bytes>().await.map_err(|e| {
        if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::Csrf
        }
    })?;
    let submitted = url::form_urlencoded::parse(&body).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    let valid = !fresh_cookie && submitted.is_some_and(|token| secrets::verify(&state.signing_key, bound, &token));
    if !valid {
        tracing::warn!(route = %req.match_pattern().unwrap_or_default(), "POST refused: missing or wrong CSRF token");
        return Err(AppError::Csrf);
    }
    req.set_payload(actix_web::dev::Payload::from(body));
    Ok(())
}
