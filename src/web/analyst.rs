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

pub async fn vision_scores(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let wave = state
        .definitions
        .wave(&path)
        .ok_or_else(|| {
            let known: Vec<&str> = state
                .definitions
                .waves
                .iter()
                .map(|w| w.id.as_str())
                .collect();
            AppError::new(ErrorKind::NotFoundWith(format!(
                "unknown wave `{}`: use one of {}",
                path.as_str(),
                known.join(", ")
            )))
        })?
        .clone();
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
