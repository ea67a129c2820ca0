//! The text-size control in the header: normal, large or larger, remembered in a cookie.
//!
//! It is a plain GET form, so it works without JavaScript; the choice only changes how pages
//! look, so it needs no CSRF token. The root font size scales and everything on the page is
//! sized in `rem`, so layout follows. Pages kept in the page cache are kept per text size.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

pub const COOKIE: &str = "text_size";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Normal, TextSize::Large, TextSize::Larger];

    pub fn parse(value: &str) -> Option<TextSize> {
        TextSize::ALL.into_iter().find(|s| s.key() == value)
    }

    /// The viewer's choice, from the request's cookie (`req.cookie(text_size::COOKIE)`).
    pub fn of(cookie: Option<Cookie<'_>>) -> TextSize {
        cookie.and_then(|c| TextSize::parse(c.value())).unwrap_or_default()
    }

    /// The cookie and form value.
    pub fn key(self) -> &'static str {
        match self {
            TextSize::Normal => "normal",
            TextSize::Large => "large",
            TextSize::Larger => "larger",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TextSize::Normal => "Normal",
            TextSize::Large => "Large",
            TextSize::Larger => "Larger",
        }
    }

    /// The class on `<html>` (`assets/forum.css` sizes the root font by it).
    pub fn class(self) -> &'static str {
        match self {
            TextSize::Normal => "",
            TextSize::Large => "text-large",
            TextSize::Larger => "text-larger",
        }
    }
}

#[derive(Deserialize)]
pub struct Choice {
    size: String,
    #[serde(default)]
    back: String,
}

/// `GET /text-size?size=large&back=/t/12`: remembers the choice and goes back to the page.
pub async fn choose(
    choice: web::Query<Choice>,
    state: web::Data<crate::web::AppState>,
) -> Result<HttpResponse, crate::error::AppError> {
    let size = TextSize::parse(&choice.size).ok_or_else(|| crate::error::AppError::BadRequest("text size".into()))?;
    let mut cookie = Cookie::build(COOKIE, size.key())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.https())
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    if size == TextSize::Normal {
        cookie.make_removal();
    }
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", crate::web::safe_next(Some(&choice.back))))
        .cookie(cookie)
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_round_trips_through_its_key_and_nothing_else_parses() {
        for size in TextSize::ALL {
            assert_eq!(TextSize::parse(size.key()), Some(size));
        }
        assert_eq!(TextSize::parse("huge"), None);
        assert_eq!(TextSize::parse(""), None);
    }
}
