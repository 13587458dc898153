//! The report in the workspace: `GET /analyst/waves/{wave}/report` (the HTML, to preview
//! or print from the browser) and `GET /analyst/waves/{wave}/report.xlsx`, for a signed-in
//! analyst or a bearer token, like the other analyst downloads. `?lang=en`,
//! `?compare=WAVE` and `?public=true` as the CLI's flags.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::report::{Edition, ReportError, ReportOptions};
use crate::web::AppState;
use crate::web::error::{AppError, ErrorKind};

#[derive(Deserialize)]
pub struct ReportQuery {
    lang: Option<String>,
    compare: Option<String>,
    public: Option<String>,
}

/// The report page is one self-contained document: its own inline stylesheet (and no
/// script, no fetch), so it gets a policy of its own instead of the service's.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

fn wave(state: &AppState, id: &str) -> Result<crate::definitions::Wave, AppError> {
    state.definitions.wave(id).cloned().ok_or_else(|| {
        let known: Vec<&str> = state
            .definitions
            .waves
            .iter()
            .map(|w| w.id.as_str())
            .collect();
        AppError::new(ErrorKind::NotFoundWith(format!(
            "unknown wave `{id}`: use one of {}",
            known.join(", ")
        )))
    })
}

async fn make(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    wave_id: &str,
    query: &ReportQuery,
) -> Result<crate::report::Report, AppError> {
    let analyst = super::api::authorise(state, req).await?;
    let bad = |m: String| AppError::new(ErrorKind::BadRequest(m));
    let lang = match query.lang.as_deref() {
        None => crate::domain::Lang::Ja,
        Some(l) => crate::domain::Lang::parse(l)
            .filter(|l| l.code() == "ja" || l.code() == "en")
            .ok_or_else(|| bad(format!("lang `{l}`: the report is made in ja or en")))?,
    };
    let edition = match query.public.as_deref() {
        None | Some("false") => Edition::Internal,
        Some("true") => Edition::Public,
        Some(o) => {
            return Err(bad(format!(
                "public `{o}` is not allowed: use true or false"
            )));
        }
    };
    let options = ReportOptions {
        wave: wave(state, wave_id)?,
        compare: query
            .compare
            .as_deref()
            .map(|c| wave(state, c))
            .transpose()?,
        lang,
        edition,
        made_on: (state.clock)(),
        text: state.text.clone(),
    };
    let st = state.clone();
    state
        .db(move |conn| -> Result<crate::report::Report, AppError> {
            if let Err(e) = crate::db::audit::record(
                conn,
                &analyst,
                "report",
                Some(&options.wave.id),
                &format!(
                    "{} edition ({})",
                    if edition == Edition::Public {
                        "public"
                    } else {
                        "internal"
                    },
                    lang.code()
                ),
            ) {
                tracing::warn!(error = %e, "the report could not be recorded in the audit log");
            }
            crate::report::make(conn, &st.exports, &st.report_meta, &options).map_err(|e| match e {
                ReportError::Refused(m) => AppError::new(ErrorKind::Conflict(m)),
                ReportError::Database(e) => AppError::from(e),
                other => AppError::internal(other),
            })
        })
        .await
}

/// `GET /analyst/waves/{wave}/report`.
pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let report = make(&state, &req, &path, &query).await?;
    let html = web::block(move || crate::report::html::render(&report)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, REPORT_CSP))
        .insert_header(crate::web::no_store())
        .body(html))
}

/// `GET /analyst/waves/{wave}/report.xlsx`.
pub async fn workbook(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let report = make(&state, &req, &path, &query).await?;
    let wave_id = report.wave.id.clone();
    let bytes = web::block(move || crate::report::xlsx::write(&report))
        .await?
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{wave_id}-report.xlsx\""),
        ))
        .insert_header(crate::web::no_store())
        .body(bytes))
}
