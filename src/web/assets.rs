//! Static files compiled into the binary, served under content-hashed names so browsers may
//! cache them for a year and still see every change.
//!
//! The NHS.UK frontend under `assets/vendor/nhsuk-frontend/` is vendored (MIT licence; rebuilt
//! from the npm package by its `refresh.sh`). `forum.js` is an ES module that imports it: the
//! import names the placeholder `__NHSUK_FRONTEND_JS__`, replaced here by the hashed path, so a
//! new NHS.UK frontend also gives `forum.js` a new name.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

const NHSUK_CSS: &str = include_str!("../../assets/vendor/nhsuk-frontend/nhsuk-frontend.min.css");
const NHSUK_JS: &str = include_str!("../../assets/vendor/nhsuk-frontend/nhsuk-frontend.min.js");
const FORUM_CSS: &str = include_str!("../../assets/forum.css");
const FORUM_JS: &str = include_str!("../../assets/forum.js");
const NHSUK_JS_PLACEHOLDER: &str = "__NHSUK_FRONTEND_JS__";

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

struct Asset {
    path: String,
    content_type: &'static str,
    body: String,
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, body: String) -> Asset {
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        Asset { path: format!("/static/{stem}.{}.{extension}", &digest[..12]), content_type, body }
    }
}

/// In the order of the accessors below.
static ASSETS: LazyLock<[Asset; 4]> = LazyLock::new(|| {
    let nhsuk_js = Asset::new("nhsuk-frontend", "js", JS, NHSUK_JS.to_owned());
    let forum_js = FORUM_JS.replace(NHSUK_JS_PLACEHOLDER, &nhsuk_js.path);
    [
        Asset::new("nhsuk-frontend", "css", CSS, NHSUK_CSS.to_owned()),
        Asset::new("forum", "css", CSS, FORUM_CSS.to_owned()),
        Asset::new("forum", "js", JS, forum_js),
        nhsuk_js,
    ]
});

/// The NHS.UK frontend's styles, linked before the forum's own.
pub fn vendor_stylesheet_path() -> &'static str {
    &ASSETS[0].path
}

pub fn stylesheet_path() -> &'static str {
    &ASSETS[1].path
}

/// Progressive enhancement only: every page works without it.
pub fn script_path() -> &'static str {
    &ASSETS[2].path
}

/// `GET /static/{name}`.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    let path = format!("/static/{}", name.as_str());
    match ASSETS.iter().find(|a| a.path == path) {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
            .body(asset.body.as_str()),
        None => HttpResponse::NotFound().content_type("text/plain").body("not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forum_script_imports_the_nhs_frontend_by_its_hashed_name() {
        let forum_js = &ASSETS[2].body;
        assert!(!forum_js.contains(NHSUK_JS_PLACEHOLDER));
        assert!(forum_js.contains(&format!("from \"{}\"", ASSETS[3].path)), "{forum_js}");
    }

    #[test]
    fn no_stylesheet_or_script_refers_to_another_site() {
        for asset in ASSETS.iter() {
            for scheme in ["http://", "https://", "//fonts", "@import"] {
                assert!(!asset.body.contains(scheme), "{} mentions {scheme}", asset.path);
            }
        }
    }
}
