//! One error type for request handling, and how each kind reaches the person: a friendly page
//! with the right status. Causes of server errors are logged, never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown object, or one the viewer may not know exists (never 403 for those).
    #[error("not found")]
    NotFound,
    /// The viewer knows the object exists but may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Signing in would allow it: send the person to the sign-in page.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A form or query that cannot be read at all (not a validation problem, which re-shows
    /// the form with messages).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The form's CSRF token was missing or wrong.
    #[error("CSRF check failed")]
    Csrf,
    /// The request body is larger than we accept.
    #[error("request too large")]
    TooLarge,
    /// Send the person elsewhere (e.g. to accept new ground rules first).
    #[error("redirect to {0}")]
    Redirect(String),
    /// Too many requests of this kind from this client: try again after this many seconds.
    #[error("rate limited")]
    RateLimited { retry_after: i64, what: &'static str },
    /// The database could not be reached.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn unavailable(e: impl std::fmt::Display) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // The database server went away mid-request (a restart): say so, and the next
            // request gets a fresh connection from the pool.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection
                | diesel::result::DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => AppError::Unavailable(info.message().to_owned()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. } | AppError::Redirect(_) => StatusCode::SEE_OTHER,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::SignInRequired { next } => {
                let location = format!("/login?next={}", crate::web::urlencode(next));
                return crate::web::see_other(&location);
            }
            AppError::Redirect(location) => return crate::web::see_other(location),
            AppError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            AppError::Unavailable(cause) => tracing::error!(error = %cause, "database unavailable"),
            AppError::RateLimited { retry_after, what } => {
                tracing::info!(what, retry_after, "rate limited");
                let mut response = crate::web::pages::error_page(self.status_code(), self);
                if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&retry_after.to_string()) {
                    response.headers_mut().insert(actix_web::http::header::RETRY_AFTER, value);
                }
                return response;
            }
            _ => {}
        }
        crate::web::pages::error_page(self.status_code(), self)
    }
}
