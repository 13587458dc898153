//! The one error type of the web layer. Resident pages get an error page in their
//! language, workspace pages the workspace's message page (Japanese and English), scripts
//! a short JSON body. A 500's cause is logged once and never shown. A workspace refusal
//! (nothing changed: a missing CSRF token, a role not allowed, a wave not in a state for
//! the action) is an error like any other ([`ErrorKind::Refused`]).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::domain::Lang;
use crate::web::resident::views;

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
    /// A method the path does not answer; carries the `Allow` header's value.
    #[error("this method is not allowed here: use {0}")]
    MethodNotAllowed(&'static str),
    #[error("send the form as application/x-www-form-urlencoded")]
    UnsupportedMediaType,
    /// The request body did not arrive within `SURVEY_BODY_TIMEOUT_SECONDS`.
    #[error("the request body did not arrive in time")]
    RequestTimeout,
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A workspace action refused, nothing changed: its status, title and explanation.
    #[error("{}: {}", .0.title, .0.paragraphs.join(" "))]
    Refused(Box<Refusal>),
    /// A workspace page for someone not signed in: 303 to the sign-in page.
    #[error("sign in first: /analyst/sign-in")]
    SignInRequired,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// A refused workspace action, as the message page shows it (texts in Japanese and
/// English, from `locales/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub title: String,
    pub paragraphs: Vec<String>,
    /// `(href, label)` of the way back.
    pub link: Option<(String, String)>,
}

/// How the error is shown: a resident's HTML page in their language, the workspace's
/// message page (a browser on `/analyst`, see `web::middleware::workspace_pages`),
/// or JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Resident(Lang),
    Workspace,
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

    /// Show this error as the workspace's message page.
    pub fn for_workspace(mut self) -> Self {
        self.audience = Audience::Workspace;
        self
    }

    /// A refused workspace action (nothing changed), with a link back to the workspace.
    pub fn refused(status: StatusCode, title: String, paragraphs: Vec<String>) -> Self {
        Self::refused_with_link(status, title, paragraphs, ("/analyst", "ws_back"))
    }

    /// [`AppError::refused`] with another way back: `(href, locale key of its label)`.
    pub fn refused_with_link(
        status: StatusCode,
        title: String,
        paragraphs: Vec<String>,
        (href, label): (&str, &str),
    ) -> Self {
        Self::new(ErrorKind::Refused(Box::new(Refusal {
            status,
            title,
            paragraphs,
            link: Some((href.to_string(), crate::i18n::both(label))),
        })))
        .for_workspace()
    }

    pub fn sign_in_required() -> Self {
        Self::new(ErrorKind::SignInRequired).for_workspace()
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

/// What SQLite and PostgreSQL say when they cannot store for lack of room or a failing or
/// read-only disk (SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY; SQLSTATE
/// 53100 disk_full, 53200 out_of_memory, 53300 too_many_connections, 58030 io_error, 25006
/// read_only_sql_transaction, 57P01 admin_shutdown). diesel gives the message, not the code.
const STORAGE_MESSAGES: [&str; 13] = [
    "database or disk is full",
    "disk I/O error",
    "unable to open database file",
    "attempt to write a readonly database",
    "No space left on device",
    "could not extend file",
    "could not write",
    "out of memory",
    "too many clients",
    "read-only transaction",
    "terminating connection",
    "the database system is",
    "Disk quota exceeded",
];

/// Whether a database's message says it could not store for a reason that may pass.
pub fn is_storage_failure(message: &str) -> bool {
    STORAGE_MESSAGES.iter().any(|m| message.contains(m))
}

/// A database that is busy, locked, out of reach or out of room is a 503 ("try again"),
/// not a 500.
/// Whether a database error may pass (busy, locked, a lost connection, a full or failing
/// disk): the resident gets "try again" (503) with their answers kept.
fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("locked") || m.contains("busy") || is_storage_failure(m)
        }
        _ => false,
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        if is_transient(&e) {
            AppError::new(ErrorKind::Unavailable(e.into()))
        } else {
            AppError::internal(e)
        }
    }
}

/// A batch of the group-commit writer failed (shared by every submission in it).
impl From<std::sync::Arc<crate::db::writer::WriteError>> for AppError {
    fn from(e: std::sync::Arc<crate::db::writer::WriteError>) -> Self {
        use crate::db::writer::WriteError;
        let transient = match &*e {
            WriteError::Pool(_) | WriteError::Busy => true,
            WriteError::Database(d) => is_transient(d),
            WriteError::Stopped => false,
        };
        let cause = anyhow::anyhow!("{e}");
        if transient {
            AppError::new(ErrorKind::Unavailable(cause))
        } else {
            AppError::internal(cause)
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
        match &self.kind {
            ErrorKind::NotFound | ErrorKind::NotFoundWith(_) => StatusCode::NOT_FOUND,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::BadRequest(_) => StatusCode::BAD_REQUEST,
            ErrorKind::Forbidden(_) => StatusCode::FORBIDDEN,
            ErrorKind::Conflict(_) => StatusCode::CONFLICT,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorKind::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Refused(r) => r.status,
            ErrorKind::SignInRequired => StatusCode::SEE_OTHER,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // One line, never a backtrace; a 503's cause is logged once per interval by
        // `web::storage::record_unavailable`, which finds it in the response's extensions.
        if let ErrorKind::Internal(cause) = &self.kind {
            let cause = format!("{cause:#}")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            tracing::error!(%cause, "request failed");
        }
        self.render(self.audience)
    }
}

impl AppError {
    /// The response for `audience` (logs nothing).
    pub fn render(&self, audience: Audience) -> HttpResponse {
        let status = self.status_code();
        if matches!(self.kind, ErrorKind::SignInRequired) {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/analyst/sign-in"))
                .insert_header(crate::web::no_store())
                .finish();
        }
        let mut response = HttpResponse::build(status);
        if matches!(self.kind, ErrorKind::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let ErrorKind::MethodNotAllowed(allow) = self.kind {
            response.insert_header((header::ALLOW, HeaderValue::from_static(allow)));
        }
        if matches!(self.kind, ErrorKind::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        let mut response = match audience {
            Audience::Resident(lang) => response
                .content_type("text/html; charset=utf-8")
                .body(resident_page(lang, &self.kind)),
            Audience::Workspace => {
                let (title, paragraphs, link) = workspace_page(&self.kind);
                response
                    .content_type("text/html; charset=utf-8")
                    .insert_header(crate::web::no_store())
                    .body(crate::web::workspace::pages::message_body(
                        &title,
                        paragraphs,
                        link.as_ref().map(|(h, l)| (h.as_str(), l.as_str())),
                    ))
            }
            Audience::Client => {
                let message = match &self.kind {
                    ErrorKind::Internal(_) => "internal error".to_string(),
                    other => other.to_string(),
                };
                response.json(serde_json_message(&message))
            }
        };
        if let ErrorKind::Unavailable(cause) = &self.kind {
            response
                .extensions_mut()
                .insert(crate::web::middleware::storage::UnavailableCause(format!(
                    "{cause:#}"
                )));
        }
        response
    }
}

/// The resident's error page for `kind`, in their language.
fn resident_page(lang: Lang, kind: &ErrorKind) -> String {
    let s = crate::i18n::strings(lang);
    let (title, body) = match kind {
        ErrorKind::NotFound | ErrorKind::NotFoundWith(_) => (s.not_found_title, s.not_found_body),
        ErrorKind::PayloadTooLarge => (s.too_large_title, s.too_large_body),
        ErrorKind::Unavailable(_) => (s.unavailable_title, s.unavailable_body),
        ErrorKind::RequestTimeout => (s.timeout_title, s.timeout_body),
        ErrorKind::BadRequest(_)
        | ErrorKind::MethodNotAllowed(_)
        | ErrorKind::UnsupportedMediaType => (s.bad_request_title, s.bad_request_body),
        ErrorKind::Forbidden(_)
        | ErrorKind::Conflict(_)
        | ErrorKind::Unauthorized
        | ErrorKind::Refused(_)
        | ErrorKind::SignInRequired
        | ErrorKind::Internal(_) => (s.internal_title, s.internal_body),
    };
    views::notice(lang, title, body)
}

/// The workspace's message page for `kind`: a refusal's own texts, else a title and a
/// paragraph per kind from `locales/` (Japanese / English).
fn workspace_page(kind: &ErrorKind) -> (String, Vec<String>, Option<(String, String)>) {
    use crate::i18n::{Lang, t};
    if let ErrorKind::Refused(r) = kind {
        return (r.title.clone(), r.paragraphs.clone(), r.link.clone());
    }
    let key = match kind {
        ErrorKind::NotFound | ErrorKind::NotFoundWith(_) => "ws_error_not_found",
        ErrorKind::Unauthorized | ErrorKind::Forbidden(_) => "ws_error_forbidden",
        ErrorKind::Conflict(_) => "ws_error_conflict",
        ErrorKind::PayloadTooLarge => "ws_error_too_large",
        ErrorKind::Unavailable(_) => "ws_error_unavailable",
        ErrorKind::RequestTimeout => "ws_error_timeout",
        ErrorKind::BadRequest(_)
        | ErrorKind::MethodNotAllowed(_)
        | ErrorKind::UnsupportedMediaType => "ws_error_bad_request",
        ErrorKind::Internal(_) | ErrorKind::Refused(_) | ErrorKind::SignInRequired => {
            "ws_error_internal"
        }
    };
    let mut paragraphs = vec![
        t(Lang::Ja, &format!("{key}_body")),
        t(Lang::En, &format!("{key}_body")),
    ];
    // What the message says to scripts says it to people too (never a 500's cause).
    match kind {
        ErrorKind::NotFoundWith(m)
        | ErrorKind::Forbidden(m)
        | ErrorKind::Conflict(m)
        | ErrorKind::BadRequest(m) => paragraphs.push(m.clone()),
        _ => {}
    }
    (
        crate::i18n::both(key),
        paragraphs,
        Some(("/analyst".to_string(), crate::i18n::both("ws_back"))),
    )
}

fn serde_json_message(message: &str) -> std::collections::BTreeMap<&'static str, String> {
    std::collections::BTreeMap::from([("error", message.to_string())])
}
