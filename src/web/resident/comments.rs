//! The residents' comments as published: `GET /results/{wave}/comments` (all six
//! languages). Read only from the publication's snapshot ([`crate::text::publication`]):
//! approved comments, masked, grouped by vision and code with the number of coded comments
//! per code (below the minimum group size, not shown). Never any attribute of whoever
//! wrote a comment, nor a date, nor an order but the text's own; a comment withheld after
//! publication is dropped at once.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db;
use crate::domain::Lang;
use crate::text::publication::{Snapshot, groups, published_now};
use crate::web::error::AppError;
use crate::web::resident::results::LangQuery;
use crate::web::resident::views::Page;
use crate::web::{AppState, negotiate_lang};

crate::i18n::messages! {
    /// Words of the comments page (`comments_*` in `locales/*.ftl`).
    pub struct Texts {
        comments_lead, comments_anonymity, comments_other, comments_summary_mark,
        comments_none, comments_back, comments_code_count_hidden,
    }
}

/// A code's comments as the page shows them.
pub struct CodeView {
    pub code: String,
    pub label: String,
    pub count: String,
    pub comments: Vec<(String, bool)>,
}

pub struct VisionView {
    pub id: String,
    pub name: String,
    pub codes: Vec<CodeView>,
}

#[derive(Template)]
#[template(path = "resident/comments.html")]
pub struct CommentsPage {
    pub page: Page,
    pub t: &'static Texts,
    pub title: String,
    pub wave_id: String,
    pub visions: Vec<VisionView>,
}

/// The page in `lang` from a published snapshot.
pub fn render(state: &AppState, wave_id: &str, snapshot: &Snapshot, lang: Lang) -> String {
    let defs = &state.definitions;
    let t = Texts::get(lang);
    let visions: Vec<String> = defs.visions.iter().map(|v| v.id.clone()).collect();
    let min = state.min_group_size;
    let grouped = groups(snapshot, &state.text.codes, &visions, min);
    let japanese = matches!(lang.code(), "ja" | "ja-easy");
    let views = grouped
        .into_iter()
        .map(|g| VisionView {
            id: g.vision.clone().unwrap_or_else(|| "other".into()),
            name: g
                .vision
                .as_deref()
                .and_then(|v| defs.visions.iter().find(|x| x.id == v))
                .map_or(t.comments_other.to_string(), |v| v.short_name(lang)),
            codes: g
                .codes
                .into_iter()
                .map(|c| CodeView {
                    label: if japanese { c.label_ja } else { c.label_en },
                    count: match c.count {
                        Some(n) => {
                            crate::i18n::t_args(lang, "comments_code_count", &[("n", n.into())])
                        }
                        None => crate::i18n::t_args(
                            lang,
                            "comments_code_count_hidden",
                            &[("min", min.into())],
                        ),
                    },
                    code: c.code,
                    comments: c.comments,
                })
                .collect(),
        })
        .collect();
    let title = defs
        .wave(wave_id)
        .map_or(wave_id.to_string(), |w| w.title.get(lang).to_string());
    CommentsPage {
        page: Page::new(lang, Some(&format!("/results/{wave_id}/comments"))),
        t,
        title: crate::i18n::t_args(lang, "comments_title", &[("title", title.into())]),
        wave_id: wave_id.to_string(),
        visions: views,
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        String::new()
    })
}

/// `GET /results/{wave}/comments`: a 404 until the wave is published.
pub async fn comments(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    let wave_id = path.into_inner();
    if state.definitions.wave(&wave_id).is_none() {
        return Err(AppError::not_found().for_resident(lang));
    }
    let id = wave_id.clone();
    let found = state
        .db(move |conn| -> Result<_, AppError> {
            if db::publications::find(conn, &id)?.is_none() {
                return Ok(None);
            }
            Ok(Some(published_now(conn, &id)?.unwrap_or_default()))
        })
        .await
        .map_err(|e| e.for_resident(lang))?;
    let Some(snapshot) = found else {
        return Err(AppError::not_found().for_resident(lang));
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::VARY, "Accept-Language"))
        .body(render(&state, &wave_id, &snapshot, lang)))
}
