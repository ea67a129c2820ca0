//! The HTTP layer's shared parts: application state, the per-request context handlers receive,
//! response helpers, and the security middleware.

pub mod assets;
pub mod context;
pub mod page_cache;
pub mod pages;
pub mod security;
pub mod text_size;

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::header;
use askama::Template;
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::Pool;
use crate::error::AppError;

pub use context::Ctx;

/// The forum's name, shown in the header and in titles.
pub const SITE_NAME: &str = "Kinship";

/// What every handler can reach through `web::Data<AppState>`.
pub struct AppState {
    pub pool: Pool,
    pub config: Config,
    /// Signs CSRF tokens (and, later, unsubscribe links).
    pub signing_key: Vec<u8>,
    /// Wakes the outbox worker after a transaction that queued email commits.
    pub mail_wake: Arc<Notify>,
    /// Rendered pages for visitors without a session.
    pub pages: page_cache::PageCache,
}

impl AppState {
    pub fn session_cookie(&self) -> &'static str {
        if self.config.https() { "__Host-session" } else { "session" }
    }

    pub fn csrf_cookie(&self) -> &'static str {
        if self.config.https() { "__Host-csrf" } else { "csrf" }
    }

    /// An absolute link for emails.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, path)
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render(status: actix_web::http::StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.render()?))
}

/// Renders a template with 200 OK.
pub fn html(page: &impl Template) -> Result<HttpResponse, AppError> {
    render(actix_web::http::StatusCode::OK, page)
}

/// Redirect after a POST (or to send the reader elsewhere).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

/// Percent-encodes a query-string value.
pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Only local paths are followed after sign-in, so a link cannot bounce people to another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // Printable ASCII only: browsers drop tabs and newlines, so "/\t/evil.example" would
        // become "//evil.example", another site.
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && n.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Problems with a submitted form, by field name, for the error summary and inline messages.
#[derive(Debug, Default, Clone)]
pub struct FormErrors(pub Vec<(&'static str, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Page numbers beyond this are not served (and cannot overflow an OFFSET).
pub const MAX_PAGE: i64 = 1_000_000;

/// `?page=N`, clamped to 1..=MAX_PAGE.
#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
}

impl PageQuery {
    pub fn number(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }
}

/// An instant however a template holds it (templates pass values behind one or more `&`).
pub trait Instant {
    fn instant(&self) -> chrono::NaiveDateTime;
}

impl Instant for chrono::NaiveDateTime {
    fn instant(&self) -> chrono::NaiveDateTime {
        *self
    }
}

impl<T: Instant + ?Sized> Instant for &T {
    fn instant(&self) -> chrono::NaiveDateTime {
        (**self).instant()
    }
}

/// A date and time as pages show it (UTC).
pub fn when(at: impl Instant) -> String {
    at.instant().format("%-d %b %Y, %H:%M").to_string()
}

/// The same instant for `<time datetime=…>`.
pub fn machine_time(at: impl Instant) -> String {
    at.instant().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/t/4")), "/t/4");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
