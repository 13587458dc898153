//! The published evaluation: the table on `/results/{wave}` (ビジョン | 指標 | 基準値（出典）
//! | 目標値 | 今回値（95%CI） | 達成率 | 判定 | 方向性 | 主な市民意見, with the grades
//! explained) and the open data `GET /results/{wave}/evaluation.csv`, both read only from
//! the publication snapshot (`db::evaluations`), never from the responses or the targets
//! file, so they do not change until the wave is published again.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db;
use crate::definitions::Definitions;
use crate::domain::Lang;
use crate::evaluation::row::Snapshot;
use crate::evaluation::table::{VisionGroup, groups, mark, rules_used};
use crate::evaluation::words;
use crate::export::{CsvWriter, Encoding};
use crate::web::error::AppError;
use crate::web::{AppState, negotiate_lang};

crate::i18n::messages! {
    /// Words of the evaluation table (`eval_*` in `locales/*.ftl`).
    pub struct Texts {
        eval_title, eval_lead, eval_col_vision, eval_col_indicator, eval_col_baseline,
        eval_col_target, eval_col_value, eval_col_achievement, eval_col_grade,
        eval_col_direction, eval_col_opinions, eval_legend_title, results_suppressed,
    }
}

#[derive(Template)]
#[template(path = "resident/evaluation.html")]
pub struct Section {
    pub t: &'static Texts,
    pub wave_id: String,
    pub caption: String,
    pub download: String,
    pub groups: Vec<VisionGroup>,
    pub legend: Vec<String>,
    /// The language's code, for the links to the comments page.
    pub lang: &'static str,
    /// `(vision, link text)` of each vision with published comments.
    pub comments: Vec<(String, String)>,
}

impl Section {
    /// The class of a grade's mark (a shape as well as a colour).
    pub fn mark(&self, code: &str) -> &'static str {
        crate::evaluation::Grade::parse(code).map_or("none", mark)
    }

    /// The link text to a vision's published comments, if it has any.
    pub fn comments_link(&self, vision: &str) -> Option<&str> {
        self.comments
            .iter()
            .find(|(v, _)| v == vision)
            .map(|(_, text)| text.as_str())
    }
}

/// The evaluation section of the results page in `lang`; empty when the wave was
/// published without one. `comments` is the number of published comments per vision
/// (`text::publication::per_vision`): the 主な市民意見 cell of such a vision links to its
/// section of `/results/{wave}/comments`.
pub fn section(
    defs: &Definitions,
    wave_id: &str,
    snapshot: Option<&Snapshot>,
    comments: &BTreeMap<String, usize>,
    lang: Lang,
) -> String {
    let Some(s) = snapshot.filter(|s| !s.rows.is_empty()) else {
        return String::new();
    };
    let title = defs
        .wave(wave_id)
        .map_or(wave_id.to_string(), |w| w.title.get(lang).to_string());
    let arg = [("title", title.into())];
    Section {
        t: Texts::get(lang),
        wave_id: wave_id.to_string(),
        caption: crate::i18n::t_args(lang, "eval_caption", &arg),
        download: crate::i18n::t_args(lang, "eval_download", &arg),
        groups: groups(&s.rows, &s.decisions, defs, lang),
        legend: words::legend(&rules_used(&s.rows), lang),
        lang: lang.code(),
        comments: comments
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(v, n)| {
                let text = crate::i18n::t_args(lang, "eval_opinions_link", &[("n", (*n).into())]);
                (v.clone(), text)
            })
            .collect(),
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        String::new()
    })
}

/// The published evaluation as open data: the columns of the analysts' `evaluation`
/// export, UTF-8 with BOM, CRLF.
pub fn csv(defs: &Definitions, snapshot: &Snapshot) -> Result<Vec<u8>, AppError> {
    let mut csv = CsvWriter::new(
        Vec::new(),
        Encoding::Utf8Bom,
        &crate::export::evaluation::HEADER,
    )
    .map_err(AppError::internal)?
    .numeric_columns(&crate::export::NUMERIC_COLUMNS);
    crate::export::evaluation::write_rows(&mut csv, defs, &snapshot.rows, &snapshot.decisions)
        .map_err(AppError::internal)?;
    csv.finish().map_err(AppError::internal)
}

#[derive(serde::Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// `GET /results/{wave}/evaluation.csv`: 404 unless the wave was published with an
/// evaluation.
pub async fn evaluation_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    let wave_id = path.into_inner();
    let not_found = || AppError::not_found().for_resident(lang);
    if state.definitions.wave(&wave_id).is_none() {
        return Err(not_found());
    }
    let id = wave_id.clone();
    let snapshot = state
        .db(move |conn| Ok(db::evaluations::published(conn, &id)?))
        .await
        .map_err(|e| e.for_resident(lang))?;
    let Some((_, snapshot)) = snapshot.filter(|(_, s)| !s.rows.is_empty()) else {
        return Err(not_found());
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{wave_id}-evaluation.csv\""),
        ))
        .body(csv(&state.definitions, &snapshot)?))
}
