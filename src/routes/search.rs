//! `/search`: full-text search over what the viewer may read, rate-limited per client (the
//! `search_per_minute` setting, 30 by default).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::error::AppError;
use crate::search::{self, Hit, Query};
use crate::web::context::Chrome;
use crate::web::{AppState, Ctx, html};

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    /// The group filter (its slug), if any.
    group: String,
    groups: Vec<(String, String)>,
    searched: bool,
    total: i64,
    hits: Vec<Hit>,
    page: i64,
    pages: i64,
}

impl SearchPage {
    fn link(&self, page: i64) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        pairs.append_pair("q", &self.q);
        if !self.group.is_empty() {
            pairs.append_pair("group", &self.group);
        }
        pairs.append_pair("page", &page.to_string());
        format!("/search?{}", pairs.finish())
    }

    fn count_words(&self) -> String {
        match self.total {
            0 => "No results".to_owned(),
            1 => "1 result".to_owned(),
            n if n > search::COUNT_CAP => format!("More than {} results", search::COUNT_CAP),
            n => format!("{n} results"),
        }
    }

    fn chosen(&self, slug: &str) -> bool {
        self.group == slug
    }
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    group: String,
    page: Option<i64>,
}

pub async fn search_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let SearchQuery { q, group, page } = query.into_inner();
    let page = page.unwrap_or(1).clamp(1, crate::web::MAX_PAGE);
    let parsed = Query::parse(&q);
    let viewer = ctx.viewer.clone();
    let readable: Vec<crate::groups::Group> = db::run(&state.pool, move |conn| {
        Ok(crate::groups::all(conn)?.into_iter().filter(|g| viewer.can_read(g)).collect())
    })
    .await?;
    let groups: Vec<(String, String)> = readable.iter().map(|g| (g.slug.clone(), g.name.clone())).collect();
    // An unknown or unreadable group filter finds nothing rather than saying which exist.
    let scope: Vec<i64> = readable.iter().filter(|g| group.is_empty() || g.slug == group).map(|g| g.id).collect();
    let (total, hits) = if parsed.is_empty() {
        (0, Vec::new())
    } else {
        let client = match ctx.viewer.user_id() {
            Some(id) => format!("member:{id}"),
            None => format!("address:{}", req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()),
        };
        let wait = db::run(&state.pool, move |conn| {
            db::bookkeeping(conn, |conn| {
                let per_minute = crate::site::tunable(conn, "search_per_minute")? as i32;
                Ok(crate::site::rate_limit(conn, "search", &client, per_minute, chrono::Duration::minutes(1))?)
            })
        })
        .await?;
        if let Some(wait) = wait {
            return Err(AppError::RateLimited { retry_after: wait.num_seconds(), what: "searched" });
        }
        db::run(&state.pool, move |conn| Ok(search::search(conn, &parsed, &scope, page)?)).await?
    };
    let pages = ((total.min(search::COUNT_CAP) + search::PER_PAGE - 1) / search::PER_PAGE).max(1);
    html(&SearchPage {
        chrome: ctx.chrome(),
        searched: !q.trim().is_empty(),
        q,
        group,
        groups,
        total,
        hits,
        page,
        pages,
    })
}
