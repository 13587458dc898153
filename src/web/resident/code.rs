//! Residents of a postal sample: `/c` to type the access code printed on the letter, and
//! `/c/{code}` (the QR code's link) to open the form directly. From there the code
//! travels only in the form's body, like an invitation token.
//!
//! A code that is not well-formed (wrong length, a character not in the alphabet, a bad
//! check character) is refused before any lookup. Lookups of well-formed codes that are
//! not issued are counted by an in-memory throttle ([`crate::web::middleware::limiter`]).

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::access_codes;
use crate::definitions::{Access, Wave};
use crate::domain::{AccessCode, Credential, LANG_FIELD, Lang};
use crate::web::error::AppError;
use crate::web::resident::pages::{LangQuery, form_page, html};
use crate::web::resident::views::{self, FormCredential};
use crate::web::{AppState, negotiate_lang};

/// The client as the limiter knows it (its address, never stored or logged): behind a
/// trusted proxy the forwarded one, an IPv6 address by its /64.
pub(super) fn client(state: &AppState, req: &HttpRequest) -> Option<IpAddr> {
    crate::web::middleware::limiter::client_address(req, state.workspace.trust_proxy)
}

/// Why a code cannot open a form, as the page a resident sees.
pub(super) enum Refusal {
    Throttled,
    Unknown,
    Used,
}

impl Refusal {
    pub(super) fn page(self, lang: Lang) -> HttpResponse {
        let s = crate::i18n::strings(lang);
        let (status, title, body) = match self {
            Refusal::Throttled => (
                StatusCode::TOO_MANY_REQUESTS,
                s.too_many_attempts_title,
                s.too_many_attempts_body,
            ),
            Refusal::Unknown => (
                StatusCode::NOT_FOUND,
                s.code_unknown_title,
                s.code_unknown_body,
            ),
            Refusal::Used => (
                StatusCode::CONFLICT,
                s.already_answered_title,
                s.code_used_body,
            ),
        };
        let mut page = html(status, views::code_notice(lang, title, body));
        if matches!(self, Refusal::Throttled) {
            page.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("60"),
            );
        }
        page
    }
}

/// The wave a well-formed code opens: issued for a code wave of the definitions, unused.
/// `expected` limits it to one wave (a form posted to that wave). Counts a failure
/// against the client when the code is not issued. Only the client's own failures refuse
/// it unlooked-up (there is no overall bucket): nobody else's guessing slows a resident.
pub(super) async fn wave_of<'a>(
    state: &'a AppState,
    code: &AccessCode,
    expected: Option<&str>,
    client: Option<IpAddr>,
    lang: Lang,
) -> Result<Result<&'a Wave, Refusal>, AppError> {
    if !state.code_guesses.allows(client) {
        return Ok(Err(Refusal::Throttled));
    }
    let lookup = code.clone();
    let holder = state
        .query_for_resident(lang, move |conn| access_codes::find(conn, &lookup))
        .await?;
    let wave = holder.as_ref().and_then(|h| {
        state
            .definitions
            .wave(&h.wave_id)
            .filter(|w| w.access == Access::Code && expected.is_none_or(|e| e == w.id))
    });
    match (holder, wave) {
        (Some(h), Some(_)) if h.used => Ok(Err(Refusal::Used)),
        (Some(_), Some(wave)) => Ok(Ok(wave)),
        _ => {
            state.code_guesses.spend(client);
            Ok(Err(Refusal::Unknown))
        }
    }
}

/// Opens the wave's form for a code, or the page saying why not.
async fn open(
    state: &AppState,
    req: &HttpRequest,
    typed: &str,
    lang: Lang,
    linked: bool,
) -> Result<HttpResponse, AppError> {
    let code = match AccessCode::parse(typed) {
        Ok(code) => code,
        Err(problem) => {
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::code_entry(lang, typed, Some(problem)),
            ));
        }
    };
    match wave_of(state, &code, None, client(state, req), lang).await? {
        Err(refusal) => Ok(refusal.page(lang)),
        Ok(wave) => Ok(form_page(
            state,
            wave,
            lang,
            Some(FormCredential {
                credential: Credential::Code(code),
                linked,
            }),
        )),
    }
}

/// `GET /c`: the page with one box for the code.
pub async fn entry(req: HttpRequest, query: web::Query<LangQuery>) -> HttpResponse {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    html(StatusCode::OK, views::code_entry(lang, "", None))
}

/// `POST /c` with `code` (and `_lang`) in the body: the form, or the entry page again
/// with the problem.
pub async fn enter(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let lang = field(LANG_FIELD)
        .and_then(Lang::parse)
        .unwrap_or_else(|| negotiate_lang(&req, None));
    open(&state, &req, field("code").unwrap_or_default(), lang, false).await
}

/// `GET /c/{code}`: the QR code's link opens the form directly.
pub async fn link(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    open(&state, &req, &path, lang, true).await
}
