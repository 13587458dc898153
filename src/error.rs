//! The one error type of the web layer. Resident pages get an error page in their language;
//! everything else gets a short JSON body. A 500's cause is logged once and never shown.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::domain::Lang;
use crate::web::views;

#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    #[error("not found")]
    NotFound,
    /// A 404 that says what exists instead, for scripts.
    #[error("{0}")]
    NotFoundWith(String),
    #[error("a valid bearer token is required")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    /// Understood and authenticated, but refused (e.g. a missing CSRF token).
    #[error("{0}")]
    Forbidden(String),
    /// The request is understood but not possible in the current state.
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// How the error is shown: a resident's HTML page in their language, or JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Resident(Lang),
    Client,
}

#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub audience: Audience,
}

impl AppError {
    pub fn new(kind: ErrorKind) -> Self {
        AppError {
            kind,
            audience: Audience::Client,
        }
    }

    /// Show this error as a page to a resident reading in `lang`.
    pub fn for_resident(mut self, lang: Lang) -> Self {
        self.audience = Audience::Resident(lang);
        self
    }

    pub fn not_found() -> Self {
        Self::new(ErrorKind::NotFound)
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Self::new(ErrorKind::Internal(e.into()))
    }
}

impl From<ErrorKind> for AppError {
    fn from(kind: ErrorKind) -> Self {
        AppError::new(kind)
    }
}

/// A database that is busy, locked or out of reach is a 503 ("try again"), not a 500.
impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        let transient = match &e {
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
            Error::DatabaseError(_, info) => {
                let m = info.message();
                m.contains("locked") || m.contains("busy")
            }
            _ => false,
        };
        if transient {
            AppError::new(ErrorKind::Unavailable(e.into()))
        } else {
            AppError::internal(e)
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::new(ErrorKind::Unavailable(e.into()))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self.kind {
            ErrorKind::NotFound | ErrorKind::NotFoundWith(_) => StatusCode::NOT_FOUND,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::BadRequest(_) => StatusCode::BAD_REQUEST,
            ErrorKind::Forbidden(_) => StatusCode::FORBIDDEN,
            ErrorKind::Conflict(_) => StatusCode::CONFLICT,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match &self.kind {
            ErrorKind::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            ErrorKind::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(status);
        if matches!(self.kind, ErrorKind::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if matches!(self.kind, ErrorKind::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        match self.audience {
            Audience::Resident(lang) => response
                .content_type("text/html; charset=utf-8")
                .body(views::error_page(lang, &self.kind)),
            Audience::Client => {
                let message = match &self.kind {
                    ErrorKind::Internal(_) => "internal error".to_string(),
                    other => other.to_string(),
                };
                response.json(serde_json_message(&message))
            }
        }
    }
}

fn serde_json_message(message: &str) -> std::collections::BTreeMap<&'static str, String> {
    std::collections::BTreeMap::from([("error", message.to_string())])
}
