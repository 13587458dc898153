//! HTTP: routes, handlers and pages.

mod analyst;
mod assets;
pub mod charts;
mod code;
mod dashboard;
mod health;
pub mod i18n;
mod invitation;
mod publish;
mod resident;
mod results;
pub mod session;
pub mod throttle;
pub mod views;

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, web};

use crate::clock::Clock;
use crate::db::Pool;
use crate::definitions::Definitions;
use crate::domain::Lang;

/// What every handler may read; cheap to clone, no global state.
#[derive(Clone)]
pub struct AppState {
    pub definitions: Arc<Definitions>,
    pub pool: Pool,
    pub clock: Clock,
    pub min_group_size: u64,
    pub max_body_bytes: usize,
    pub reminder_days: u32,
    /// Population and suppression settings of the CSV exports.
    pub exports: Arc<crate::export::ExportContext>,
    /// Analyst sessions and sign-in lockout.
    pub workspace: session::Workspace,
    /// Failed access-code lookups, in memory only.
    pub code_guesses: Arc<throttle::Throttle>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(resident::index))
        .route("/healthz", web::get().to(health::healthz))
        .route("/static/style.css", web::get().to(assets::stylesheet))
        .route("/surveys/{wave}", web::get().to(resident::form))
        .route("/surveys/{wave}", web::post().to(resident::submit))
        .route("/surveys/{wave}/thanks", web::get().to(resident::thanks))
        .route("/s/{token}", web::get().to(invitation::personal_link))
        .route("/c", web::get().to(code::entry))
        .route("/c", web::post().to(code::enter))
        .route("/c/{code}", web::get().to(code::link))
        .route(
            "/s/{token}/opt-out",
            web::get().to(invitation::opt_out_page),
        )
        .route("/opt-out", web::post().to(invitation::opt_out))
        .route(
            "/analyst/waves/{wave}/{kind}.csv",
            web::get().to(analyst::export_csv),
        )
        .service(
            web::resource("/analyst/waves/{wave}/invitations")
                .app_data(web::PayloadConfig::new(8 * 1024 * 1024))
                .route(web::get().to(analyst::invitation_status))
                .route(web::post().to(analyst::import_invitations)),
        )
        .route(
            "/analyst/waves/{wave}/reminders",
            web::post().to(analyst::send_reminders),
        )
        // The analyst workspace (sign-in, dashboard, publication) and the public results.
        .route("/analyst", web::get().to(dashboard::dashboard))
        .route("/analyst/sign-in", web::get().to(session::sign_in_form))
        .route("/analyst/sign-in", web::post().to(session::sign_in))
        .route("/analyst/sign-out", web::post().to(session::sign_out))
        .route(
            "/analyst/waves/{wave}/remind",
            web::post().to(publish::remind),
        )
        .route(
            "/analyst/waves/{wave}/publish",
            web::post().to(publish::publish),
        )
        .route("/results/{wave}", web::get().to(results::results));
}

/// The Content-Security-Policy of every page: our own stylesheet, no script at all.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

/// The resident's language from `?lang=` (if given) and `Accept-Language`.
pub fn negotiate_lang(req: &HttpRequest, query: Option<&str>) -> Lang {
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(query, accept)
}

/// Pages that carry a one-time key or a resident's answers are never cached.
pub fn no_store() -> (header::HeaderName, HeaderValue) {
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

/// Unknown paths: a 404 page in the resident's language.
pub async fn not_found(
    req: HttpRequest,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Err(crate::error::AppError::not_found().for_resident(negotiate_lang(&req, None)))
}
