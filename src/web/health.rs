use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use super::AppState;
use crate::error::AppError;

/// 200 when the database answers, 503 when it does not.
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    web::block(move || -> Result<(), AppError> {
        pool.get()?.batch_execute("SELECT 1")?;
        Ok(())
    })
    .await??;
    Ok(HttpResponse::Ok().json(serde_json_ok()))
}

fn serde_json_ok() -> std::collections::BTreeMap<&'static str, &'static str> {
    std::collections::BTreeMap::from([("status", "ok"), ("database", "sqlite")])
}
