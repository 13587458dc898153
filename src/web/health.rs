use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use super::AppState;
use crate::web::error::AppError;

/// 200 when the database answers and can store; 503 when it does not answer, or answers
/// but cannot store (its disk is full or failing: `"writable": false`). The reason is in
/// the log, not here: this page is public.
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let backend = state
        .db(move |conn| -> Result<&'static str, AppError> {
            conn.batch_execute("SELECT 1")?;
            Ok(crate::db::backend_name(conn))
        })
        .await?;
    let storage = state.storage.clone();
    let not_writable = web::block(move || storage.not_writable()).await?;
    let body = |status: &'static str, writable: bool| serde_json::json!({ "status": status, "database": backend, "writable": writable });
    Ok(match not_writable {
        None => HttpResponse::Ok().json(body("ok", true)),
        Some(_) => HttpResponse::ServiceUnavailable()
            .insert_header((actix_web::http::header::RETRY_AFTER, "5"))
            .json(body("not writable", false)),
    })
}
