//! The public results of published waves: `GET /results/{wave}` (ja/en, an SVG chart, the
//! same figures in a table, the method in plain words) and the open data
//! `GET /results/{wave}.csv`. Only published snapshots are read; anything else is a 404.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::db::publications::Publication;
use crate::definitions::{Definitions, Vision};
use crate::domain::Lang;
use crate::export::{CsvWriter, Encoding};
use crate::stats::{SampleMoments, welch};
use crate::web::charts::{self, BarChart, Group};
use crate::web::error::AppError;
use crate::web::resident::views::Page;
use crate::web::{AppState, negotiate_lang};

/// The open data's columns: the first columns of the analysts' `vision-scores.csv`, with the
/// figures as published (unweighted, suppressed).
pub const OPEN_DATA_HEADER: [&str; 11] = crate::export::VISION_SCORES_HEADER;

#[derive(Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

crate::i18n::messages! {
    /// Words of the results page (`results_*` in `locales/*.ftl`).
    pub struct Texts {
        results_lead, results_chart_title, results_change_caption, results_vision,
        results_respondents, results_score, results_ci, results_top2, results_suppressed,
        results_method_title, results_download_title, results_change,
        results_change_note, results_not_significant, results_outline_title,
        results_outline_population, results_outline_method, results_outline_mailed,
        results_outline_valid, results_outline_returned, results_outline_rate, results_outline_period, comments_link,
    }
}

pub fn texts(lang: Lang) -> &'static Texts {
    Texts::get(lang)
}

/// One published wave: its figures per vision in a table of its own (five columns read
/// on a phone; a wide table of every wave side by side did not).
pub struct WaveTable {
    pub id: String,
    pub title: String,
    /// `回答数：123／公表日：…`.
    pub meta: String,
    /// 調査の概要: (label, value) of 対象, 抽出方法, 配布数, 有効回収数, 回収率, 調査期間
    /// (those known: 対象 and 抽出方法 from the wave's `[sample]`).
    pub outline: Vec<(String, String)>,
    pub caption: String,
    pub download: String,
    pub rows: Vec<Row>,
}

pub struct Cell {
    pub suppressed: bool,
    pub respondents: String,
    pub score: String,
    pub ci: String,
    pub top2: String,
}

pub struct Row {
    pub vision_id: String,
    pub name: String,
    pub cell: Cell,
}

/// The change of one vision between the first two published waves.
pub struct ChangeRow {
    pub vision_id: String,
    pub name: String,
    /// `None` when either figure is not published.
    pub change: Option<String>,
}

#[derive(Template)]
#[template(path = "resident/results.html")]
pub struct ResultsPage {
    pub page: Page,
    pub t: &'static Texts,
    pub title: String,
    pub waves: Vec<WaveTable>,
    pub changes: Vec<ChangeRow>,
    pub chart: String,
    pub method: Vec<String>,
    /// The published evaluation's section (HTML), or empty.
    pub evaluation: String,
}

/// A published vision's n, mean and sd, as the test needs them.
fn moments(p: &Publication, vision_id: &str) -> Option<SampleMoments> {
    let pv = p
        .visions
        .iter()
        .find(|pv| pv.vision_id == vision_id && !pv.suppressed)?;
    Some(SampleMoments {
        n: u64::try_from(pv.respondents?).ok()?,
        mean: one_decimal(pv.mean_score.as_deref())?,
        sd: one_decimal(pv.sd.as_deref())?,
    })
}

/// The change of a vision between two publications with its 95% CI (Welch), marked ↑/↓
/// only when significant at 5%.
pub fn change(
    earlier: &Publication,
    later: &Publication,
    vision_id: &str,
    t: &Texts,
) -> Option<String> {
    let c = welch(&moments(earlier, vision_id)?, &moments(later, vision_id)?)?;
    let (lo, hi) = c.ci95?;
    let mark = match c.significant {
        Some(true) if c.difference > 0.0 => "↑ ",
        Some(true) => "↓ ",
        _ => "",
    };
    let verdict = if c.significant == Some(true) {
        String::new()
    } else {
        format!(" {}", t.results_not_significant)
    };
    Some(format!(
        "{mark}{:+.1} ({lo:.1}–{hi:.1}){verdict}",
        c.difference
    ))
}

/// A figure string as published (four decimals) shown with one.
fn one_decimal(s: Option<&str>) -> Option<f64> {
    s.and_then(|s| s.parse::<f64>().ok())
}

/// A wave's short name in charts: the city's fiscal year (April to March) it opened in.
pub fn series_label(opens: chrono::NaiveDate, lang: Lang) -> String {
    crate::definitions::series_label(opens, lang)
}

/// The chart label of a vision.
pub fn short_name(vision: &Vision, lang: Lang) -> String {
    vision.short_name(lang)
}

/// The chart of per-vision scores, one bar per publication (wave).
pub fn chart(
    id: &str,
    defs: &Definitions,
    pubs: &[&Publication],
    series: Vec<String>,
    lang: Lang,
    title: &str,
    suppressed: &str,
) -> String {
    let mut desc = Vec::new();
    let groups = defs
        .visions
        .iter()
        .map(|v| {
            let values: Vec<Option<f64>> = pubs
                .iter()
                .map(|p| {
                    p.visions
                        .iter()
                        .find(|pv| pv.vision_id == v.id && !pv.suppressed)
                        .and_then(|pv| one_decimal(pv.mean_score.as_deref()))
                })
                .collect();
            let figures: Vec<String> = values
                .iter()
                .zip(&series)
                .map(|(value, s)| match value {
                    Some(x) => format!("{s} {x:.1}"),
                    None => format!("{s} {suppressed}"),
                })
                .collect();
            desc.push(crate::i18n::t_args(
                lang,
                "results_chart_item",
                &[
                    ("name", v.name.get(lang).to_string().into()),
                    ("figures", figures.join(", ").into()),
                ],
            ));
            Group {
                label: short_name(v, lang),
                values,
            }
        })
        .collect();
    charts::render(&BarChart {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.join(" "),
        series,
        groups,
        suppressed_label: suppressed.to_string(),
    })
}

fn results_page(
    defs: &Definitions,
    wave_id: &str,
    pubs: &[Publication],
    evaluation: Option<&crate::evaluation::row::Snapshot>,
    comments: &std::collections::BTreeMap<String, usize>,
    lang: Lang,
) -> String {
    let t = texts(lang);
    let title = defs
        .wave(wave_id)
        .map(|w| {
            crate::i18n::t_args(
                lang,
                "results_title",
                &[("title", w.title.get(lang).to_string().into())],
            )
        })
        .unwrap_or_default();
    // Every published wave, in definition order: 2026 and 2028 one after the other.
    let shown: Vec<&Publication> = defs
        .waves
        .iter()
        .filter_map(|w| pubs.iter().find(|p| p.wave_id == w.id))
        .collect();
    let cell = |p: &Publication, vision_id: &str| match p
        .visions
        .iter()
        .find(|pv| pv.vision_id == vision_id)
    {
        Some(pv) if !pv.suppressed => Cell {
            suppressed: false,
            respondents: pv.respondents.map(|n| n.to_string()).unwrap_or_default(),
            score: one_decimal(pv.mean_score.as_deref())
                .map(|x| format!("{x:.1}"))
                .unwrap_or_default(),
            ci: match (
                one_decimal(pv.ci95_lower.as_deref()),
                one_decimal(pv.ci95_upper.as_deref()),
            ) {
                (Some(a), Some(b)) => format!("{a:.1}–{b:.1}"),
                _ => "—".into(),
            },
            top2: one_decimal(pv.top2_box_pct.as_deref())
                .map(|x| format!("{x:.1}%"))
                .unwrap_or_default(),
        },
        _ => Cell {
            suppressed: true,
            respondents: String::new(),
            score: String::new(),
            ci: String::new(),
            top2: String::new(),
        },
    };
    let waves: Vec<WaveTable> = shown
        .iter()
        .map(|p| {
            let wave_title = defs
                .wave(&p.wave_id)
                .map_or(p.wave_id.clone(), |w| w.title.get(lang).to_string());
            let responses = if i64::from(p.responses) < i64::from(p.min_group_size) {
                crate::i18n::t_args(
                    lang,
                    "results_fewer_than",
                    &[("min", p.min_group_size.into())],
                )
            } else {
                // How many answered by post and online: counts of responses, which say
                // nothing about anyone's answers (shown only beside a published total).
                let channels = p.by_channel.map_or(String::new(), |(paper, online)| {
                    crate::i18n::t_args(
                        lang,
                        "results_by_channel",
                        &[("paper", paper.into()), ("online", online.into())],
                    )
                });
                format!("{}{channels}", p.responses)
            };
            // Stored in UTC; shown as Suita's calendar day (Japan time, UTC+9).
            let published_on =
                crate::i18n::date(lang, (p.published_at + chrono::TimeDelta::hours(9)).date());
            let title_arg = || [("title", wave_title.clone().into())];
            WaveTable {
                outline: defs
                    .wave(&p.wave_id)
                    .map_or_else(Vec::new, |w| outline(w, p, &responses, lang)),
                id: p.wave_id.clone(),
                meta: crate::i18n::t_args(
                    lang,
                    "results_meta",
                    &[
                        ("responses", responses.into()),
                        ("date", published_on.into()),
                    ],
                ),
                caption: crate::i18n::t_args(lang, "results_table_caption", &title_arg()),
                download: crate::i18n::t_args(lang, "results_download", &title_arg()),
                rows: defs
                    .visions
                    .iter()
                    .map(|v| Row {
                        vision_id: v.id.clone(),
                        name: v.name.get(lang).to_string(),
                        cell: cell(p, &v.id),
                    })
                    .collect(),
                title: wave_title,
            }
        })
        .collect();
    let changes = match shown[..] {
        [a, b, ..] => defs
            .visions
            .iter()
            .map(|v| ChangeRow {
                vision_id: v.id.clone(),
                name: v.name.get(lang).to_string(),
                change: change(a, b, &v.id, t),
            })
            .collect(),
        _ => Vec::new(),
    };
    let min = shown.first().map_or(10, |p| p.min_group_size);
    let series = shown
        .iter()
        .map(|p| {
            defs.wave(&p.wave_id)
                .map_or(p.wave_id.clone(), |w| series_label(w.opens, lang))
        })
        .collect();
    let chart = chart(
        "scores",
        defs,
        &shown,
        series,
        lang,
        t.results_chart_title,
        t.results_suppressed,
    );
    let page = ResultsPage {
        page: Page::new(lang, Some(&format!("/results/{wave_id}"))),
        t,
        title,
        waves,
        changes,
        chart,
        method: (1..=5)
            .map(|i| {
                crate::i18n::t_args(lang, &format!("results_method_{i}"), &[("min", min.into())])
            })
            .collect(),
        evaluation: crate::web::resident::evaluation::section(
            defs, wave_id, evaluation, comments, lang,
        ),
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        String::new()
    })
}

/// 調査の概要 of a published wave, as a 市民意識調査 states it: 対象 and 抽出方法 (the
/// wave's `[sample]`), 配布数 (the codes mailed when published, else `[sample]`'s
/// `mailed`), 回収数 (returned, when the publication kept it), 有効回収数 (the published count, the same as 回収状況's), 回収率 (有効回収数
/// ÷ (配布数 − 宛先不明)) and 調査期間. Small counts stay hidden, and so does their rate.
pub fn outline(
    wave: &crate::definitions::Wave,
    p: &Publication,
    responses: &str,
    lang: Lang,
) -> Vec<(String, String)> {
    let t = texts(lang);
    let mut rows = Vec::new();
    if let Some(s) = &wave.sample {
        rows.push((
            t.results_outline_population.to_string(),
            s.population.get(lang).to_string(),
        ));
        rows.push((
            t.results_outline_method.to_string(),
            s.method.get(lang).to_string(),
        ));
    }
    let mailing = p.mailing.or_else(|| {
        wave.sample
            .as_ref()
            .map(|s| (i32::try_from(s.mailed).unwrap_or(i32::MAX), 0))
    });
    if let Some((mailed, _)) = mailing {
        rows.push((t.results_outline_mailed.to_string(), mailed.to_string()));
    }
    // 回収数 beside 有効回収数 (sheets returned without a valid answer are in the first
    // only), hidden like the count when small.
    if let Some(returned) = p.returned
        && p.responses >= p.min_group_size
    {
        rows.push((t.results_outline_returned.to_string(), returned.to_string()));
    }
    rows.push((t.results_outline_valid.to_string(), responses.to_string()));
    if let Some((mailed, undeliverable)) = mailing
        && mailed - undeliverable > 0
        && p.responses >= p.min_group_size
    {
        let rate = f64::from(p.responses) * 100.0 / f64::from(mailed - undeliverable);
        let key = if undeliverable > 0 {
            "results_outline_rate_undeliverable"
        } else {
            "results_outline_rate_value"
        };
        rows.push((
            t.results_outline_rate.to_string(),
            crate::i18n::t_args(
                lang,
                key,
                &[
                    ("rate", format!("{rate:.1}").into()),
                    ("undeliverable", undeliverable.into()),
                ],
            ),
        ));
    }
    rows.push((
        t.results_outline_period.to_string(),
        format!(
            "{} – {}",
            crate::i18n::date(lang, wave.opens),
            crate::i18n::date(lang, wave.closes)
        ),
    ));
    rows
}

/// The published figures as open data: the `vision-scores` columns, UTF-8 with BOM, CRLF.
pub fn open_data_csv(defs: &Definitions, p: &Publication) -> Result<Vec<u8>, AppError> {
    let mut csv = CsvWriter::new(Vec::new(), Encoding::Utf8Bom, &OPEN_DATA_HEADER)
        .map_err(AppError::internal)?
        .numeric_columns(&crate::export::NUMERIC_COLUMNS);
    for v in &defs.visions {
        let Some(pv) = p.visions.iter().find(|pv| pv.vision_id == v.id) else {
            continue;
        };
        let s = |x: &Option<String>| x.clone().unwrap_or_default();
        csv.write(&[
            p.wave_id.clone(),
            v.id.clone(),
            v.name.ja.clone(),
            v.name.en.clone(),
            pv.respondents.map(|n| n.to_string()).unwrap_or_default(),
            s(&pv.mean_score),
            s(&pv.sd),
            s(&pv.ci95_lower),
            s(&pv.ci95_upper),
            s(&pv.top2_box_pct),
            pv.suppressed.to_string(),
        ])
        .map_err(AppError::internal)?;
    }
    csv.finish().map_err(AppError::internal)
}

/// `GET /results/{wave}` and `GET /results/{wave}.csv`.
pub async fn results(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = negotiate_lang(&req, query.lang.as_deref());
    let (wave_id, csv) = match path.strip_suffix(".csv") {
        Some(id) => (id.to_string(), true),
        None => (path.into_inner(), false),
    };
    let not_found = || AppError::not_found().for_resident(lang);
    if state.definitions.wave(&wave_id).is_none() {
        return Err(not_found());
    }
    let id = wave_id.clone();
    let codes = state.text.clone();
    let (pubs, evaluation, comments) = state
        .db(move |conn| -> Result<_, AppError> {
            let mut pubs = Vec::new();
            for id in db::publications::published_waves(conn)? {
                pubs.extend(db::publications::find(conn, &id)?);
            }
            let evaluation = db::evaluations::published(conn, &id)?.map(|(_, s)| s);
            Ok((pubs, evaluation, published_comments(conn, &id, &codes)?))
        })
        .await
        .map_err(|e| e.for_resident(lang))?;
    let Some(publication) = pubs.iter().find(|p| p.wave_id == wave_id) else {
        return Err(not_found());
    };
    if csv {
        let bytes = open_data_csv(&state.definitions, publication)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{wave_id}-vision-scores.csv\""),
            ))
            .body(bytes));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::VARY, "Accept-Language"))
        .body(results_page(
            &state.definitions,
            &wave_id,
            &pubs,
            evaluation.as_ref(),
            &comments,
            lang,
        )))
}

/// The number of published comments per vision: from the publication's snapshot only,
/// without the comments withheld since (as `/results/{wave}/comments` shows them).
fn published_comments(
    conn: &mut db::Conn,
    wave_id: &str,
    text: &crate::text::codebook::TextDefinitions,
) -> Result<std::collections::BTreeMap<String, usize>, AppError> {
    use crate::text::publication::{per_vision, published_now};
    Ok(published_now(conn, wave_id)?
        .map(|s| per_vision(&s, &text.codes))
        .unwrap_or_default())
}
