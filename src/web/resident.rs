//! Resident pages: the list of waves, the form, submitting it, the thank-you page.
//! Nothing here logs a request: a log line's time beside a submission would date it.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{AppState, negotiate_lang, no_store, views};
use crate::db::invitations;
use crate::db::responses::{self, Channel, Stored};
use crate::definitions::{Access, Wave, WaveStatus};
use crate::domain::{Lang, SubmissionKey, parse_submission};
use crate::error::{AppError, ErrorKind};

#[derive(Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

pub(super) fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(no_store())
        .body(body)
}

/// A page with a title and one paragraph from the resident texts, e.g.
/// `notice(lang, StatusCode::CONFLICT, |s| (s.already_answered_title, s.already_answered_body))`.
pub(super) fn notice(
    lang: Lang,
    status: StatusCode,
    texts: impl FnOnce(&'static super::i18n::Strings) -> (&'static str, &'static str),
) -> HttpResponse {
    let (title, body) = texts(super::i18n::strings(lang));
    html(status, views::notice(lang, title, body))
}

pub(super) fn find_wave<'a>(
    state: &'a AppState,
    id: &str,
    lang: Lang,
) -> Result<&'a Wave, AppError> {
    state
        .definitions
        .wave(id)
        .ok_or_else(|| AppError::not_found().for_resident(lang))
}

pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LangQuery>,
) -> HttpResponse {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    html(
        StatusCode::OK,
        views::index(&state.definitions, lang, (state.clock)()),
    )
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    let wave = find_wave(&state, &path, lang)?;
    Ok(form_page(&state, wave, lang, None))
}

/// The empty form of a wave, or the page saying why it cannot be answered today.
pub(super) fn form_page(
    state: &AppState,
    wave: &Wave,
    lang: Lang,
    token: Option<String>,
) -> HttpResponse {
    if wave.access == Access::Invitation && token.is_none() {
        return notice(lang, StatusCode::FORBIDDEN, |s| {
            (s.invitation_only_title, s.invitation_only_body)
        });
    }
    match wave.status((state.clock)()) {
        WaveStatus::Open => html(
            StatusCode::OK,
            views::survey(
                wave,
                lang,
                views::FormState {
                    raw: None,
                    errors: &[],
                    notice: None,
                    key: SubmissionKey::generate().as_string(),
                    token,
                },
            ),
        ),
        status => html(StatusCode::OK, views::not_open(wave, lang, status, false)),
    }
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let fallback = negotiate_lang(&req, None);
    let wave = find_wave(&state, &path, fallback)?;
    let body = read_body(payload, state.max_body_bytes)
        .await
        .map_err(|e| e.for_resident(fallback))?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| {
        AppError::new(ErrorKind::BadRequest("the form could not be read".into()))
            .for_resident(fallback)
    })?;
    let (raw, parsed) = parse_submission(wave, fallback, fields);
    let lang = raw.lang;

    let today = (state.clock)();
    let status = wave.status(today);
    if status != WaveStatus::Open {
        return Ok(html(
            StatusCode::FORBIDDEN,
            views::not_open(wave, lang, status, true),
        ));
    }

    // A form shown again keeps its key, so a later retry of it still counts once.
    let key = raw
        .key
        .as_deref()
        .and_then(SubmissionKey::parse)
        .unwrap_or_else(SubmissionKey::generate)
        .as_string();
    // On an invitation-only wave the invitee's token comes in the body; without a known
    // one nothing is checked or stored.
    let token = match wave.access {
        Access::Open => None,
        Access::Invitation => {
            let Some(token) = raw.token.clone().filter(|t| !t.is_empty()) else {
                return Ok(notice(lang, StatusCode::FORBIDDEN, |s| {
                    (s.invitation_only_title, s.invitation_only_body)
                }));
            };
            let pool = state.pool.clone();
            let lookup = token.clone();
            let holder = web::block(move || -> Result<_, AppError> {
                Ok(invitations::find_by_token(&mut *pool.get()?, &lookup)?)
            })
            .await?
            .map_err(|e| e.for_resident(lang))?;
            if holder.is_none_or(|h| h.wave_id != wave.id) {
                return Ok(notice(lang, StatusCode::FORBIDDEN, |s| {
                    (s.invalid_link_title, s.invalid_link_body)
                }));
            }
            Some(token)
        }
    };
    let answers = match parsed {
        Ok(answers) => answers,
        Err(errors) => {
            let page = views::survey(
                wave,
                lang,
                views::FormState {
                    raw: Some(&raw),
                    errors: &errors,
                    notice: None,
                    key,
                    token,
                },
            );
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };

    let pool = state.pool.clone();
    let plan = crate::db::scores::ScorePlan::new(wave, &state.definitions.visions);
    let store_token = token.clone();
    let stored = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(responses::store(
            &mut conn,
            &plan,
            Channel::Web,
            today,
            &answers,
            store_token.as_deref(),
        )?)
    })
    .await
    .map_err(AppError::from)
    .and_then(|r| r);

    match stored {
        Ok(Stored::TokenRefused) => Ok(notice(lang, StatusCode::CONFLICT, |s| {
            (s.already_answered_title, s.already_answered_body)
        })),
        // New or a replay: the resident sees the same thank-you page either way.
        Ok(Stored::New | Stored::Replay) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/surveys/{}/thanks?lang={lang}", wave.id),
            ))
            .insert_header(no_store())
            .finish()),
        Err(AppError {
            kind: ErrorKind::Unavailable(cause),
            ..
        }) => {
            state
                .storage
                .failed(&format!("submission not stored: {cause:#}"));
            let page = views::survey(
                wave,
                lang,
                views::FormState {
                    raw: Some(&raw),
                    errors: &[],
                    notice: Some(super::i18n::strings(lang).unavailable_body.to_string()),
                    key,
                    token,
                },
            );
            Ok(HttpResponse::ServiceUnavailable()
                .content_type("text/html; charset=utf-8")
                .insert_header(no_store())
                .insert_header((header::RETRY_AFTER, "5"))
                .body(page))
        }
        Err(e) => Err(e.for_resident(lang)),
    }
}

pub async fn thanks(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    let wave = find_wave(&state, &path, lang)?;
    Ok(html(StatusCode::OK, views::thanks(wave, lang)))
}

/// Reads the body up to `limit` bytes. A larger body is drained (up to a hard cap) before
/// answering 413, so the browser receives the page instead of a reset connection.
async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, AppError> {
    const DRAIN_CAP: usize = 16 * 1024 * 1024;
    let mut body = web::BytesMut::new();
    let mut seen = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            AppError::new(ErrorKind::BadRequest(format!(
                "the request body could not be read: {e}"
            )))
        })?;
        seen += chunk.len();
        if seen > DRAIN_CAP {
            break;
        }
        if seen <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        return Err(AppError::new(ErrorKind::PayloadTooLarge));
    }
    Ok(body)
}
