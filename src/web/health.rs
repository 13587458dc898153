use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use super::AppState;
use crate::error::AppError;

/// 200 when the database answers, 503 when it does not.
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let backend = web::block(move || -> Result<&'static str, AppError> {
        let mut conn = pool.get()?;
        conn.batch_execute("SELECT 1")?;
        Ok(crate::db::backend_name(&conn))
    })
    .await??;
    Ok(HttpResponse::Ok().json(std::collections::BTreeMap::from([
        ("status", "ok"),
        ("database", backend),
    ])))
}
