//! Invitees' pages: the personal link `/s/{token}` and stopping reminders. The token is in
//! the URL only on the link from the e-mail; from there on it travels in form bodies.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::invitations::{self, TokenHolder};
use crate::domain::{Lang, TOKEN_FIELD};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::resident::pages::{LangQuery, find_wave, form_page, html, notice};
use crate::web::resident::views;

async fn holder(
    state: &AppState,
    token: String,
    lang: Lang,
) -> Result<Option<TokenHolder>, AppError> {
    state
        .query_for_resident(lang, move |conn| invitations::find_by_token(conn, &token))
        .await
}

fn invalid_link(lang: Lang) -> HttpResponse {
    notice(lang, StatusCode::NOT_FOUND, |s| {
        (s.invalid_link_title, s.invalid_link_body)
    })
}

/// `GET /s/{token}`: the form for the invitee, in their language unless `?lang=` says
/// otherwise.
pub async fn personal_link(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let query_lang = query.lang.as_deref().and_then(Lang::parse);
    let Some(holder) = holder(&state, token.clone(), query_lang.unwrap_or_default()).await? else {
        return Ok(invalid_link(query_lang.unwrap_or_default()));
    };
    let lang = query_lang.unwrap_or(holder.lang);
    let wave = find_wave(&state, &holder.wave_id, lang)?;
    if holder.answered {
        return Ok(notice(lang, StatusCode::CONFLICT, |s| {
            (s.already_answered_title, s.already_answered_body)
        }));
    }
    Ok(form_page(
        &state,
        wave,
        lang,
        Some(crate::web::resident::views::FormCredential {
            credential: crate::domain::Credential::Invitation(token),
            linked: true,
        }),
    ))
}

/// `GET /s/{token}/opt-out`: asks to confirm; changes nothing.
pub async fn opt_out_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let query_lang = query.lang.as_deref().and_then(Lang::parse);
    match holder(&state, token.clone(), query_lang.unwrap_or_default()).await? {
        None => Ok(invalid_link(query_lang.unwrap_or_default())),
        Some(h) => Ok(html(
            StatusCode::OK,
            views::opt_out(query_lang.unwrap_or(h.lang), &token),
        )),
    }
}

/// `POST /opt-out` with the token in the body: no more reminders for this invitee.
pub async fn opt_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let lang = field("_lang")
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_else(|| crate::web::negotiate_lang(&req, None));
    let token = field(TOKEN_FIELD).unwrap_or_default();
    let done = state
        .db(move |conn| -> Result<_, AppError> { Ok(invitations::opt_out(conn, &token)?) })
        .await
        .map_err(|e| e.for_resident(lang))?;
    if !done {
        return Ok(invalid_link(lang));
    }
    Ok(notice(lang, StatusCode::OK, |s| {
        (s.opted_out_title, s.opted_out_body)
    }))
}
