//! Static files compiled into the binary, served under content-hashed names so browsers may
//! cache them for a year and still see every change.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

const STYLESHEET: &str = include_str!("../../assets/forum.css");

static STYLESHEET_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = hex::encode(Sha256::digest(STYLESHEET.as_bytes()));
    format!("/static/forum.{}.css", &digest[..12])
});

pub fn stylesheet_path() -> &'static str {
    STYLESHEET_PATH.as_str()
}

/// `GET /static/{name}`.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    if format!("/static/{}", name.as_str()) == stylesheet_path() {
        HttpResponse::Ok()
            .content_type("text/css; charset=utf-8")
            .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
            .body(STYLESHEET)
    } else {
        HttpResponse::NotFound().content_type("text/plain").body("not found")
    }
}
