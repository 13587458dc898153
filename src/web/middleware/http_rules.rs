//! HTTP's own rules, the same on every route: HEAD wherever GET works, 405 with `Allow` for
//! another method (OPTIONS answers 204 with `Allow`), 415 for a form post that is not a
//! form, 408 for a body that takes too long to arrive, and actix's extractor errors (a bad
//! query string, a path, a form) shown as the same error pages as everything else.

use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{
    HttpMessage, HttpRequest, HttpResponse, Resource, ResponseError, Route, guard, web,
};
use futures_util::Stream;

use crate::domain::Lang;
use crate::web::AppState;
use crate::web::error::{AppError, Audience, ErrorKind};

/// Who reads an error on this path: analysts' routes answer JSON (scripts and the
/// workspace's own pages handle their errors), every other page is a resident's, in their
/// language (the first valid `lang` of the query, else `Accept-Language`).
pub fn audience(req: &HttpRequest) -> Audience {
    if req.path().starts_with("/analyst") {
        return Audience::Client;
    }
    let query_lang = url_lang(req.query_string());
    Audience::Resident(crate::web::negotiate_lang(req, query_lang.as_deref()))
}

fn url_lang(query: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, v)| k == "lang" && Lang::parse(v).is_some())
        .map(|(_, v)| v)
}

pub fn error_for(req: &HttpRequest, kind: ErrorKind) -> AppError {
    let mut e = AppError::new(kind);
    e.audience = audience(req);
    e
}

/// The extractor settings of the app: their errors become our error pages.
pub fn extractor_errors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, req| {
        error_for(
            req,
            ErrorKind::BadRequest(format!("the query string is not valid: {err}")),
        )
        .into()
    }))
    .app_data(web::PathConfig::default().error_handler(|err, req| {
        error_for(
            req,
            ErrorKind::BadRequest(format!("the path is not valid: {err}")),
        )
        .into()
    }))
    .app_data(web::FormConfig::default().error_handler(|err, req| {
        let kind = match err {
            actix_web::error::UrlencodedError::ContentType => ErrorKind::UnsupportedMediaType,
            actix_web::error::UrlencodedError::Overflow { .. } => ErrorKind::PayloadTooLarge,
            other => ErrorKind::BadRequest(format!("the form could not be read: {other}")),
        };
        error_for(req, kind).into()
    }));
}

/// A route for GET and HEAD (actix sends HEAD's headers without the body).
pub fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A route for a POST of an HTML form (`application/x-www-form-urlencoded`); another
/// Content-Type falls through to the resource's answer, 415.
pub fn post_form() -> Route {
    web::post().guard(guard::fn_guard(|ctx| is_form(ctx.head().headers())))
}

fn is_form(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// A path that answers the methods in `allow` (e.g. `"GET, HEAD, POST"`); the routes are
/// added to it. Whatever no route takes gets [`refused`].
pub fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| refused(req, allow)))
}

/// OPTIONS: 204 with `Allow`. A POST the path accepts but not with this Content-Type: 415.
/// Any other method: 405 with `Allow`.
async fn refused(req: HttpRequest, allow: &'static str) -> HttpResponse {
    let method = req.method();
    if method == Method::OPTIONS {
        return HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish();
    }
    let posts = allow.split(", ").any(|m| m == "POST");
    let kind = if method == Method::POST && posts {
        ErrorKind::UnsupportedMediaType
    } else {
        ErrorKind::MethodNotAllowed(allow)
    };
    error_for(&req, kind).error_response()
}

/// Gives every request body `state.body_timeout` to arrive in full, from the moment its
/// headers were read; a handler still reading then gets an error, and the client a 408
/// page (the connection is closed, since the body was not read to its end).
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let timeout = req
        .app_data::<web::Data<AppState>>()
        .map_or(Duration::from_secs(30), |s| s.body_timeout);
    let timed_out = Rc::new(Cell::new(false));
    match req.take_payload() {
        Payload::None => {}
        payload => req.set_payload(Payload::Stream {
            payload: Box::pin(DeadlinePayload {
                inner: payload,
                sleep: Box::pin(actix_web::rt::time::sleep(timeout)),
                timed_out: timed_out.clone(),
            }),
        }),
    }
    let res = next.call(req).await?;
    if !timed_out.get() {
        return Ok(res.map_into_left_body());
    }
    let response = error_for(res.request(), ErrorKind::RequestTimeout).error_response();
    let mut res = res.into_response(response).map_into_right_body();
    res.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    Ok(res)
}

struct DeadlinePayload {
    inner: Payload,
    sleep: Pin<Box<actix_web::rt::time::Sleep>>,
    timed_out: Rc<Cell<bool>>,
}

impl Stream for DeadlinePayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.timed_out.get() {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.timed_out.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Poll::Pending
    }
}
