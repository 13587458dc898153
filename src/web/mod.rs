//! HTTP: routes, handlers and pages.

mod assets;
pub mod charts;
pub mod error;
mod health;
pub mod middleware;
pub mod resident;
pub mod workspace;

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
    /// Paper sheets without their code are stored out of the estimates
    /// (`SURVEY_EXCLUDE_NO_CODE_SHEETS`).
    pub exclude_no_code: bool,
    pub max_body_bytes: usize,
    /// How long a request body may take to arrive (`SURVEY_BODY_TIMEOUT_SECONDS`).
    pub body_timeout: std::time::Duration,
    pub reminder_days: u32,
    /// Population and suppression settings of the CSV exports.
    pub exports: Arc<crate::export::ExportContext>,
    /// Analyst sessions and sign-in lockout.
    pub workspace: workspace::session::Workspace,
    /// Whether the database can store: for `/healthz` and the once-per-interval log line.
    pub storage: middleware::storage::StorageHealth,
    /// Failed access-code lookups, in memory only.
    pub code_guesses: Arc<middleware::limiter::Limiter>,
    /// The group-commit writer every submission goes through.
    pub writer: crate::db::writer::Writer,
    /// The report's metadata (`report.toml`), read once at start.
    pub report_meta: Arc<crate::report::definition::ReportMeta>,
    /// The codebook and word lists of the free-text comments (`survey-definitions/text/`).
    pub text: Arc<crate::text::codebook::TextDefinitions>,
}

impl AppState {
    /// Runs `f` on a pooled connection off the async executor: the one way `web` reaches
    /// the database (never diesel on the executor). A transaction goes inside `f`.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::db::Conn) -> Result<T, crate::web::error::AppError> + Send + 'static,
    ) -> Result<T, crate::web::error::AppError> {
        let state = self.clone();
        web::block(move || f(&mut *state.blocking_conn()?)).await?
    }

    /// A pooled connection, for work already off the executor (the export producer
    /// streaming a wave); everything else goes through [`AppState::db`].
    pub fn blocking_conn(&self) -> Result<crate::db::PooledConn, crate::web::error::AppError> {
        Ok(self.pool.get()?)
    }

    /// [`AppState::db`] for a query whose error becomes the resident's error page in
    /// `lang`.
    pub async fn query_for_resident<T: Send + 'static>(
        &self,
        lang: Lang,
        f: impl FnOnce(&mut crate::db::Conn) -> diesel::QueryResult<T> + Send + 'static,
    ) -> Result<T, crate::web::error::AppError> {
        self.db(move |conn| Ok(f(conn)?))
            .await
            .map_err(|e| e.for_resident(lang))
    }

    /// The score plan of a wave of the definitions (made once, at start).
    pub fn score_plan(&self, wave: &crate::definitions::Wave) -> Arc<crate::stats::ScorePlan> {
        self.exports.plans.of(wave)
    }
}

/// Every path with the methods it answers: GET routes answer HEAD too, a form POST wants
/// a form (else 415), any other method gets 405 with `Allow` (see `http_rules`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use middleware::http_rules::{get, post_form, resource};
    const GET: &str = "GET, HEAD";
    const GET_POST: &str = "GET, HEAD, POST";
    const POST: &str = "POST";
    middleware::http_rules::extractor_errors(cfg);
    cfg.service(resource("/", GET).route(get().to(resident::form::index)))
        .service(resource("/healthz", GET).route(get().to(health::healthz)))
        .service(resource("/static/style.css", GET).route(get().to(assets::stylesheet)))
        .service(resource("/static/favicon.svg", GET).route(get().to(assets::favicon)))
        .service(resource("/favicon.ico", GET).route(get().to(assets::favicon)))
        .service(
            resource("/surveys/{wave}", GET_POST)
                .route(get().to(resident::form::form))
                .route(post_form().to(resident::form::submit)),
        )
        .service(resource("/surveys/{wave}/thanks", GET).route(get().to(resident::form::thanks)))
        .service(resource("/s/{token}", GET).route(get().to(resident::invitation::personal_link)))
        .service(
            resource("/c", GET_POST)
                .route(get().to(resident::code::entry))
                .route(post_form().to(resident::code::enter)),
        )
        .service(resource("/c/{code}", GET).route(get().to(resident::code::link)))
        .service(
            resource("/s/{token}/opt-out", GET).route(get().to(resident::invitation::opt_out_page)),
        )
        .service(resource("/opt-out", POST).route(post_form().to(resident::invitation::opt_out)))
        .service(
            resource("/analyst/waves/{wave}/{kind}.csv", GET)
                .route(get().to(workspace::api::export_csv)),
        )
        // The CSV upload is not a form: any Content-Type (scripts send text/csv or none).
        .service(
            resource("/analyst/waves/{wave}/invitations", GET_POST)
                .app_data(web::PayloadConfig::new(8 * 1024 * 1024))
                .route(get().to(workspace::api::invitation_status))
                .route(web::post().to(workspace::api::import_invitations)),
        )
        .service(
            resource("/analyst/waves/{wave}/reminders", POST)
                .route(web::post().to(workspace::api::send_reminders)),
        )
        // The analyst workspace (sign-in, dashboard, publication) and the public results.
        .service(resource("/analyst", GET).route(get().to(workspace::dashboard::dashboard)))
        .service(
            resource("/analyst/sign-in", GET_POST)
                .route(get().to(workspace::session::sign_in_form))
                .route(post_form().to(workspace::session::sign_in)),
        )
        .service(
            resource("/analyst/sign-out", POST).route(post_form().to(workspace::session::sign_out)),
        )
        .service(
            resource("/analyst/waves/{wave}/remind", POST)
                .route(post_form().to(workspace::publish::remind)),
        )
        .service(
            resource("/analyst/waves/{wave}/publish", POST)
                .route(post_form().to(workspace::publish::publish)),
        )
        .service(
            resource("/analyst/waves/{wave}/report", GET)
                .route(get().to(workspace::report::preview)),
        )
        .service(
            resource("/analyst/waves/{wave}/report.xlsx", GET)
                .route(get().to(workspace::report::workbook)),
        )
        // The evaluation: the 見直し decisions in the workspace, the published table's CSV.
        .service(
            resource("/analyst/waves/{wave}/evaluation", GET_POST)
                .route(get().to(workspace::evaluation::page))
                .route(post_form().to(workspace::evaluation::save)),
        )
        .service(
            resource("/analyst/waves/{wave}/evaluation/revise", POST)
                .route(post_form().to(workspace::evaluation::revise)),
        )
        // The comments: coding and review in the workspace, the approved ones in public.
        .service(
            resource("/analyst/waves/{wave}/comments", GET)
                .route(get().to(workspace::comments::page)),
        )
        .service(
            resource("/analyst/waves/{wave}/comments/load", POST)
                .route(post_form().to(workspace::comments::load)),
        )
        .service(
            resource("/analyst/waves/{wave}/comments/{id}", POST)
                .route(post_form().to(workspace::comments::save)),
        )
        .service(
            resource("/analyst/waves/{wave}/comments/{id}/unmask", POST)
                .route(post_form().to(workspace::comments::unmask)),
        )
        .service(
            resource("/results/{wave}/comments", GET).route(get().to(resident::comments::comments)),
        )
        .service(resource("/results/{wave}", GET).route(get().to(resident::results::results)))
        .service(
            resource("/results/{wave}/evaluation.csv", GET)
                .route(get().to(resident::evaluation::evaluation_csv)),
        )
        // Paper questionnaires: the booklet, double entry, the vendor's CSV.
        .service(resource("/static/paper-entry.js", GET).route(get().to(workspace::paper::script)))
        .service(
            resource("/analyst/waves/{wave}/questionnaire", GET)
                .route(get().to(workspace::paper::questionnaire)),
        )
        .service(
            resource("/analyst/waves/{wave}/paper", GET_POST)
                .route(get().to(workspace::paper::entry))
                .route(post_form().to(workspace::paper::open_sheet)),
        )
        .service(
            resource("/analyst/waves/{wave}/paper/sheet", POST)
                .route(post_form().to(workspace::paper::enter_sheet)),
        )
        .service(
            resource("/analyst/waves/{wave}/paper/resolve", POST)
                .route(post_form().to(workspace::paper::resolve_sheet)),
        )
        // The vendor's file from the browser: a multipart form (a file is no urlencoded form).
        .service(
            resource("/analyst/waves/{wave}/paper/upload", GET_POST)
                .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
                .route(get().to(workspace::paper::upload_form))
                .route(web::post().to(workspace::paper::upload)),
        )
        .service(
            resource("/analyst/waves/{wave}/paper-import", POST)
                .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
                .route(web::post().to(workspace::paper::import)),
        );
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
) -> Result<actix_web::HttpResponse, crate::web::error::AppError> {
    Err(crate::web::error::AppError::not_found().for_resident(negotiate_lang(&req, None)))
}
