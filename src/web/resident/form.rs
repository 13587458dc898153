//! Resident pages: the list of waves, the form, submitting it, the thank-you page.
//! Nothing here logs a request: a log line's time beside a submission would date it.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::db::invitations;
use crate::db::submit::{Stored, Submission};
use crate::definitions::{Access, WaveStatus};
use crate::domain::{AccessCode, SubmissionKey, parse_submission};
use crate::domain::{Channel, Credential};
use crate::web::error::{AppError, ErrorKind};
use crate::web::resident::pages::{
    FormOptions, LangQuery, find_wave, form_page_with, html, needs_credential, notice,
    published_waves,
};
use crate::web::resident::views;
use crate::web::resident::views::FormCredential;
use crate::web::{AppState, negotiate_lang, no_store};

pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LangQuery>,
) -> HttpResponse {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    let published = published_waves(&state).await;
    html(
        StatusCode::OK,
        views::index(&state.definitions, lang, (state.clock)(), &published),
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
    let published = wave.status((state.clock)()) == WaveStatus::Closed
        && published_waves(&state).await.contains(&wave.id);
    Ok(form_page_with(
        &state,
        wave,
        lang,
        None,
        FormOptions {
            furigana: query.furigana(),
            published,
        },
    ))
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
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
            views::not_open(wave, lang, status, true, false),
        ));
    }

    // A form shown again keeps its key, so a later retry of it still counts once.
    let key = raw
        .key
        .as_deref()
        .and_then(SubmissionKey::parse)
        .unwrap_or_else(SubmissionKey::generate)
        .as_string();
    // On an invitation-only wave the invitee's token comes in the body, on a code wave the
    // access code; without a known one nothing is checked or stored.
    let credential = match wave.access {
        Access::Open => None,
        Access::Code => match raw.code.as_deref().filter(|c| !c.trim().is_empty()) {
            None => match needs_credential(wave, lang) {
                Some(refused) => return Ok(refused),
                None => None,
            },
            Some(typed) => {
                let Ok(code) = AccessCode::parse(typed) else {
                    return Ok(crate::web::resident::code::Refusal::Unknown.page(lang));
                };
                let client = crate::web::resident::code::client(&state, &req);
                if let Err(refusal) =
                    crate::web::resident::code::wave_of(&state, &code, Some(&wave.id), client, lang)
                        .await?
                {
                    return Ok(refusal.page(lang));
                }
                Some(FormCredential {
                    credential: Credential::Code(code),
                    linked: false,
                })
            }
        },
        Access::Invitation => {
            let Some(token) = raw.token.clone().filter(|t| !t.is_empty()) else {
                return Ok(notice(lang, StatusCode::FORBIDDEN, |s| {
                    (s.invitation_only_title, s.invitation_only_body)
                }));
            };
            let lookup = token.clone();
            let holder = state
                .query_for_resident(lang, move |conn| invitations::find_by_token(conn, &lookup))
                .await?;
            if holder.is_none_or(|h| h.wave_id != wave.id) {
                return Ok(notice(lang, StatusCode::FORBIDDEN, |s| {
                    (s.invalid_link_title, s.invalid_link_body)
                }));
            }
            Some(FormCredential {
                credential: Credential::Invitation(token),
                linked: true,
            })
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
                    furigana: query.furigana(),
                    errors: &errors,
                    notice: None,
                    key,
                    credential,
                },
            );
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };

    // The group-commit writer stores it with whatever else is waiting, in one commit.
    let submission = Submission {
        plan: state.score_plan(wave),
        channel: credential
            .as_ref()
            .map_or(Channel::Web, |c| c.credential.web_channel()),
        in_sample: credential.is_some() || wave.open_answer_in_sample(),
        credential: credential.as_ref().map(|c| c.credential.clone()),
        submitted_on: today,
        answers,
    };
    let stored = state.writer.store(submission).await.map_err(AppError::from);

    match stored {
        Ok(Stored::CredentialRefused) => Ok(match credential {
            Some(FormCredential {
                credential: Credential::Code(_),
                ..
            }) => crate::web::resident::code::Refusal::Used.page(lang),
            _ => notice(lang, StatusCode::CONFLICT, |s| {
                (s.already_answered_title, s.already_answered_body)
            }),
        }),
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
                    furigana: query.furigana(),
                    errors: &[],
                    notice: Some(crate::i18n::strings(lang).unavailable_body.to_string()),
                    key,
                    credential,
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
