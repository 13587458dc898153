//! Analyst downloads, authorised by a bearer token from `citizen-survey analyst create`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use crate::db;
use crate::domain::hash_token;
use crate::error::{AppError, ErrorKind};
use crate::export::{self, Encoding};

#[derive(Deserialize)]
pub struct ExportQuery {
    encoding: Option<String>,
}

/// The analyst's name, or 401 when the bearer token is missing or unknown.
async fn authorise(state: &AppState, req: &HttpRequest) -> Result<String, AppError> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized))?;
    let hash = hash_token(token);
    let pool = state.pool.clone();
    web::block(move || -> Result<_, AppError> {
        Ok(db::analysts::find_by_token_hash(&mut *pool.get()?, &hash)?)
    })
    .await??
    .ok_or_else(|| AppError::new(ErrorKind::Unauthorized))
}

/// The wave an analyst route names, or 404 listing the waves that exist.
fn analyst_wave(state: &AppState, id: &str) -> Result<crate::definitions::Wave, AppError> {
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

fn invite_error(e: crate::invite::InviteError) -> AppError {
    match e {
        crate::invite::InviteError::Refused(m) => AppError::new(ErrorKind::Conflict(m)),
        crate::invite::InviteError::Database(e) => AppError::from(e),
    }
}

#[derive(Deserialize)]
pub struct ImportQuery {
    /// `valid`: import the valid rows even if some were rejected.
    accept: Option<String>,
}

/// `POST /analyst/waves/{wave}/invitations` with a CSV body (`email[,language]`): the
/// report of every row, and the invitations queued — none if a row was rejected, unless
/// `?accept=valid`.
pub async fn import_invitations(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let csv = String::from_utf8(body.to_vec())
        .map_err(|_| AppError::new(ErrorKind::BadRequest("the CSV must be UTF-8".into())))?;
    let accept = query.accept.as_deref() == Some("valid");
    let st = state.clone();
    let outcome = web::block(move || -> Result<_, AppError> {
        let mut conn = st.pool.get()?;
        crate::invite::import(&mut conn, &wave, &csv, accept, (st.clock)()).map_err(invite_error)
    })
    .await??;
    tracing::info!(%analyst, wave = %path.as_str(), queued = outcome.queued, rejected = outcome.report.rejected.len(), "invitations imported");
    let status = if outcome.imported {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(HttpResponse::build(status).json(outcome))
}

#[derive(Deserialize)]
pub struct StatusQuery {
    addresses: Option<bool>,
}

/// `GET /analyst/waves/{wave}/invitations`: counts per state; `?addresses=true` adds each
/// address with its state (until the purge).
pub async fn invitation_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<StatusQuery>,
) -> Result<HttpResponse, AppError> {
    authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let with_addresses = query.addresses.unwrap_or(false);
    let st = state.clone();
    let body = web::block(move || -> Result<_, AppError> {
        let mut conn = st.pool.get()?;
        let counts = db::invitations::counts(&mut conn, &wave.id)?;
        let addresses = if with_addresses {
            Some(db::invitations::addresses(&mut conn, &wave.id)?)
        } else {
            None
        };
        Ok(serde_json::json!({ "wave_id": wave.id, "counts": counts, "addresses": addresses }))
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header(super::no_store())
        .json(body))
}

/// `POST /analyst/waves/{wave}/reminders`: queues one reminder per eligible invitee.
pub async fn send_reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let st = state.clone();
    let queued = web::block(move || -> Result<_, AppError> {
        let mut conn = st.pool.get()?;
        crate::invite::remind(&mut conn, &wave, (st.clock)(), st.reminder_days)
            .map_err(invite_error)
    })
    .await??;
    tracing::info!(%analyst, wave = %path.as_str(), queued, "reminders queued");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "queued": queued })))
}

pub async fn vision_scores(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let encoding: Encoding = match query.encoding.as_deref() {
        None => Encoding::default(),
        Some(e) => e
            .parse()
            .map_err(|msg: String| AppError::new(ErrorKind::BadRequest(msg)))?,
    };
    tracing::info!(%analyst, wave = %wave.id, %encoding, "vision-scores export");
    let st = state.clone();
    let wave_id = wave.id.clone();
    let bytes = web::block(move || -> Result<Vec<u8>, AppError> {
        let mut conn = st.pool.get()?;
        export::vision_scores(
            &mut conn,
            &st.definitions,
            &wave,
            st.min_group_size,
            encoding,
            Vec::new(),
        )
        .map_err(|e| match e {
            export::ExportError::Encoding(e) => AppError::new(ErrorKind::BadRequest(e.to_string())),
            export::ExportError::Database(e) => AppError::from(e),
            other => AppError::internal(other),
        })
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type(format!("text/csv; charset={}", encoding.charset()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{wave_id}-vision-scores.csv\""),
        ))
        .insert_header(super::no_store())
        .body(bytes))
}
