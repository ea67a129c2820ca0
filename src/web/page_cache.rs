//! The page cache for visitors without a session: most readers of a support forum never sign
//! in, and the group and topic pages they read are the same for all of them. A rendered page is
//! kept and served again until anything changes.
//!
//! "Anything changes" is one counter, [`crate::db::changes`]: every committed write transaction
//! moves it on (bookkeeping no page shows, like rate-limit counters, excepted), and so does
//! every POST this server answers (a write made outside a transaction
//! still comes from a form). An entry remembers the count it was rendered under, taken *before*
//! the handler read the database, so a page rendered from data older than a commit is never
//! served after it. Other server instances on the same PostgreSQL cannot move this process's
//! counter: there an entry lives at most [`MAX_AGE`], the bound on how stale a page can be.
//!
//! Only `GET` pages of the home page, groups and topics are kept, only for requests without a
//! session cookie, only `200 OK`, and never one carrying a form token (a signed-out page has no
//! form to post; a test keeps it so). The key is the path and query alone: anything else a
//! signed-out page comes to depend on (a cookie for text size, say) must join the key.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use crate::web::AppState;

/// How long another instance's writes can go unseen here.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// The most page bytes kept; past it the cache starts again empty (a flood of distinct URLs
/// costs the hit rate, never memory).
const MAX_BYTES: usize = 8 * 1024 * 1024;

#[derive(Default)]
pub struct PageCache {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    pages: HashMap<String, Entry>,
    bytes: usize,
}

struct Entry {
    changes: u64,
    stored: Instant,
    body: Bytes,
}

impl PageCache {
    /// The page kept for `key`, if nothing has changed since it was rendered.
    pub fn get(&self, key: &str, changes: u64) -> Option<Bytes> {
        let entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        entries.pages.get(key).filter(|e| e.changes == changes && e.stored.elapsed() < MAX_AGE).map(|e| e.body.clone())
    }

    /// Keeps a page rendered when the change count was `changes`.
    pub fn put(&self, key: String, changes: u64, body: Bytes) {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if entries.bytes + body.len() > MAX_BYTES {
            entries.pages.clear();
            entries.bytes = 0;
        }
        entries.bytes += body.len();
        if let Some(old) = entries.pages.insert(key, Entry { changes, stored: Instant::now(), body }) {
            entries.bytes -= old.body.len();
        }
    }
}

/// Pages that are the same for every visitor without a session.
fn cacheable(path: &str) -> bool {
    let single = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    path == "/" || single("/g/") || single("/t/")
}

/// The middleware, installed inside the security guard (which still adds its headers and the
/// CSRF cookie to every answer, cached or not).
pub async fn layer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let res = next.call(req).await?;
        crate::db::changed();
        return Ok(res.map_into_boxed_body());
    }
    if method != Method::GET || req.cookie(state.session_cookie()).is_some() || !cacheable(req.path()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // The text size changes the page's <html> class, so each size is kept apart.
    let key = format!(
        "{}{}",
        crate::web::text_size::TextSize::of(req.cookie(crate::web::text_size::COOKIE)).key(),
        req.uri()
    );
    let changes = crate::db::changes();
    if let Some(body) = state.pages.get(&key, changes) {
        let page = HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body);
        return Ok(req.into_response(page));
    }
    let res = next.call(req).await?;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK || !html {
        return Ok(res.map_into_boxed_body());
    }
    let (req, response) = res.into_parts();
    let (response, page) = response.into_parts();
    let page = body::to_bytes(page).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    state.pages.put(key, changes, page.clone());
    Ok(ServiceResponse::new(req, response.set_body(BoxBody::new(page))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_that_are_the_same_for_every_visitor_are_kept() {
        for path in ["/", "/g/secondaries", "/t/12"] {
            assert!(cacheable(path), "{path}");
        }
        for path in ["/g/secondaries/new", "/t/12/reply", "/search", "/login", "/me/posts", "/static/x.css"] {
            assert!(!cacheable(path), "{path}");
        }
    }

    #[test]
    fn a_page_is_served_again_until_something_changes() {
        let cache = PageCache::default();
        cache.put("/t/1".into(), 7, Bytes::from_static(b"page"));
        assert_eq!(cache.get("/t/1", 7).as_deref(), Some(&b"page"[..]));
        assert_eq!(cache.get("/t/1", 8), None, "rendered before a change");
        assert_eq!(cache.get("/t/2", 7), None);
    }

    #[test]
    fn too_many_pages_start_the_cache_again_instead_of_growing() {
        let cache = PageCache::default();
        let page = Bytes::from(vec![b'x'; MAX_BYTES / 2 + 1]);
        cache.put("/t/1".into(), 1, page.clone());
        cache.put("/t/2".into(), 1, page);
        assert_eq!(cache.get("/t/1", 1), None);
        assert!(cache.get("/t/2", 1).is_some());
        assert!(cache.inner.lock().unwrap().bytes <= MAX_BYTES);
    }
}
