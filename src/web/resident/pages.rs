//! What the resident pages share: the language query, the HTML response, notices, the
//! wave lookup, and the form page of a wave (opened by the form, a code or an invitation).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Deserialize;

use crate::definitions::{Access, Wave, WaveStatus};
use crate::domain::{Lang, SubmissionKey};
use crate::web::error::AppError;
use crate::web::resident::views;
use crate::web::resident::views::FormCredential;
use crate::web::{AppState, no_store};

#[derive(Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
    /// `on`: show the readings of Japanese texts as ふりがな.
    pub furigana: Option<String>,
}

impl LangQuery {
    pub fn furigana(&self) -> bool {
        self.furigana.as_deref() == Some("on")
    }
}

/// The ids of waves whose results are published; none when the database cannot say (the
/// links to results are then left out rather than failing the page).
pub async fn published_waves(state: &AppState) -> Vec<String> {
    let found = state
        .db(move |conn| -> Result<Vec<String>, AppError> {
            Ok(crate::db::publications::published_waves(conn)?)
        })
        .await;
    match found {
        Ok(ids) => ids,
        _ => {
            tracing::warn!("published waves could not be read; results links left out");
            Vec::new()
        }
    }
}

pub fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(no_store())
        .body(body)
}

/// A page with a title and one paragraph from the resident texts, e.g.
/// `notice(lang, StatusCode::CONFLICT, |s| (s.already_answered_title, s.already_answered_body))`.
pub fn notice(
    lang: Lang,
    status: StatusCode,
    texts: impl FnOnce(&'static crate::i18n::Strings) -> (&'static str, &'static str),
) -> HttpResponse {
    let (title, body) = texts(crate::i18n::strings(lang));
    html(status, views::notice(lang, title, body))
}

pub fn find_wave<'a>(state: &'a AppState, id: &str, lang: Lang) -> Result<&'a Wave, AppError> {
    state
        .definitions
        .wave(id)
        .ok_or_else(|| AppError::not_found().for_resident(lang))
}

/// How a form page is shown beyond its language.
#[derive(Debug, Clone, Copy, Default)]
pub struct FormOptions {
    /// The resident asked for ふりがな.
    pub furigana: bool,
    /// The wave's results are published (linked from a closed wave's page).
    pub published: bool,
}

/// The empty form of a wave, or the page saying why it cannot be answered today.
pub fn form_page(
    state: &AppState,
    wave: &Wave,
    lang: Lang,
    credential: Option<FormCredential>,
) -> HttpResponse {
    form_page_with(state, wave, lang, credential, FormOptions::default())
}

pub fn form_page_with(
    state: &AppState,
    wave: &Wave,
    lang: Lang,
    credential: Option<FormCredential>,
    options: FormOptions,
) -> HttpResponse {
    if credential.is_none()
        && let Some(refused) = needs_credential(wave, lang)
    {
        return refused;
    }
    match wave.status((state.clock)()) {
        WaveStatus::Open => html(
            StatusCode::OK,
            views::survey(
                wave,
                lang,
                views::FormState {
                    raw: None,
                    furigana: options.furigana,
                    errors: &[],
                    notice: None,
                    key: SubmissionKey::generate().as_string(),
                    credential,
                },
            ),
        ),
        status => html(
            StatusCode::OK,
            views::not_open(wave, lang, status, false, options.published),
        ),
    }
}

/// The page for a wave that cannot be answered without a credential (an invitation-only
/// wave, or a code wave without open answers); `None` when it can.
pub fn needs_credential(wave: &Wave, lang: Lang) -> Option<HttpResponse> {
    match wave.access {
        _ if wave.takes_open_answers() => None,
        Access::Code => {
            let s = crate::i18n::strings(lang);
            Some(html(
                StatusCode::FORBIDDEN,
                views::code_notice(lang, s.code_required_title, s.code_required_body),
            ))
        }
        _ => Some(notice(lang, StatusCode::FORBIDDEN, |s| {
            (s.invitation_only_title, s.invitation_only_body)
        })),
    }
}
