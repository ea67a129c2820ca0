//! Static files compiled into the binary, served under content-hashed names so browsers may
//! cache them for a year and still see every change.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 2] = [
    Asset {
        stem: "forum",
        extension: "css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/forum.css"),
    },
    // Progressive enhancement only: every page works without it.
    Asset {
        stem: "forum",
        extension: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/forum.js"),
    },
];

static PATHS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let digest = hex::encode(Sha256::digest(a.body.as_bytes()));
            format!("/static/{}.{}.{}", a.stem, &digest[..12], a.extension)
        })
        .collect()
});

pub fn stylesheet_path() -> &'static str {
    PATHS[0].as_str()
}

pub fn script_path() -> &'static str {
    PATHS[1].as_str()
}

/// `GET /static/{name}`.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    let path = format!("/static/{}", name.as_str());
    match PATHS.iter().position(|p| *p == path) {
        Some(i) => HttpResponse::Ok()
            .content_type(ASSETS[i].content_type)
            .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
            .body(ASSETS[i].body),
        None => HttpResponse::NotFound().content_type("text/plain").body("not found"),
    }
}
