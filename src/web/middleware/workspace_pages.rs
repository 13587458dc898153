//! A browser on the workspace (`/analyst…`, no bearer token, asking for HTML) gets every
//! error as the workspace's message page — the database down included — rather than the
//! JSON that scripts get. One road: handlers return [`AppError`]; this decides how it is
//! shown.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;

use crate::web::error::{AppError, Audience};

/// Whether the request is a person's browser on a workspace page.
fn is_workspace_browser(req: &ServiceRequest) -> bool {
    let accepts_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    req.path().starts_with("/analyst")
        && !req.headers().contains_key(header::AUTHORIZATION)
        && accepts_html
}

pub async fn render_for_browsers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let browser = is_workspace_browser(&req);
    let res = next.call(req).await?;
    if !browser {
        return Ok(res.map_into_left_body());
    }
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .filter(|e| e.audience == Audience::Client)
        .map(|e| e.render(Audience::Workspace));
    Ok(match page {
        Some(page) => res.into_response(page).map_into_right_body(),
        None => res.map_into_left_body(),
    })
}
