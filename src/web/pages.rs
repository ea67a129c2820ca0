//! Pages that are not tied to one area: errors and simple messages.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::AppError;
use crate::web::context::Chrome;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
}

/// A friendly page for an error. It never shows internal details.
pub fn error_page(status: StatusCode, error: &AppError) -> HttpResponse {
    let waited;
    let (heading, message) = match error {
        AppError::RateLimited { retry_after, what } => {
            let wait = match *retry_after {
                s if s < 90 => format!("{s} seconds"),
                s => format!("{} minutes", (s + 59) / 60),
            };
            waited = format!("You have {what} a lot in a short time. Please wait {wait} and try again.");
            ("Please slow down a little", waited.as_str())
        }
        AppError::NotFound => (
            "Page not found",
            "We could not find that page. It may have been moved or deleted, or the address may be mistyped.",
        ),
        AppError::Forbidden(why) => ("You cannot do that", why.as_str()),
        AppError::BadRequest(_) => (
            "We could not read that",
            "Part of what your browser sent was not in the form we expected. Go back and try again.",
        ),
        AppError::Csrf => (
            "Your form has expired",
            "For your security we could not accept that form. Go back, reload the page and send it again: what you typed should still be there.",
        ),
        AppError::TooLarge => (
            "That is too long to send",
            "What you sent is larger than we accept (256 KB). Go back, shorten it and send it again.",
        ),
        AppError::Unavailable(_) => (
            "The forum is having a rest",
            "We cannot reach our database just now. If you were sending something, it has not been saved yet: go back (what you typed is still there) and send it again in a minute.",
        ),
        _ => (
            "Sorry, something went wrong",
            "Something went wrong on our side. It has been logged and we will look into it. Please try again.",
        ),
    };
    let page = ErrorPage { chrome: Chrome::anonymous(), heading, message: message.to_owned() };
    let body = page.render().unwrap_or_else(|_| format!("{heading}. {message}"));
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body)
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
    /// Safeguarding signposting, shown first in a warning callout.
    pub help: Option<String>,
}
