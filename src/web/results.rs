//! The public results of published waves: `GET /results/{wave}` (ja/en, an SVG chart, the
//! same figures in a table, the method in plain words) and the open data
//! `GET /results/{wave}.csv`. Only published snapshots are read; anything else is a 404.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::charts::{self, BarChart, Group};
use super::views::Page;
use super::{AppState, negotiate_lang};
use crate::db;
use crate::db::publications::Publication;
use crate::definitions::{Definitions, Vision};
use crate::domain::Lang;
use crate::error::AppError;
use crate::export::{CsvWriter, Encoding};
use crate::stats::{SampleMoments, welch};

/// The open data's columns: the first columns of the analysts' `vision-scores.csv`, with the
/// figures as published (unweighted, suppressed).
pub const OPEN_DATA_HEADER: [&str; 11] = crate::export::VISION_SCORES_HEADER;

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// Words of the results page, in both languages.
pub struct Texts {
    pub title_suffix: &'static str,
    pub lead: &'static str,
    pub chart_title: &'static str,
    pub table_caption: &'static str,
    pub vision: &'static str,
    pub respondents: &'static str,
    pub score: &'static str,
    pub ci: &'static str,
    pub top2: &'static str,
    pub suppressed: &'static str,
    pub responses: &'static str,
    /// `{paper}` and `{online}` are replaced by the counts.
    pub by_channel: &'static str,
    pub published_on: &'static str,
    pub method_title: &'static str,
    pub method: [&'static str; 5],
    pub download_title: &'static str,
    pub download: &'static str,
    pub change: &'static str,
    pub change_note: &'static str,
    pub not_significant: &'static str,
}

static JA: Texts = Texts {
    title_suffix: "の結果",
    lead: "吹田市デジタル政策の5つのビジョンについて、市民アンケートの結果を0〜100点で示します。点数が高いほど、そのビジョンが実現していると感じている方が多いことを表します。",
    chart_title: "ビジョン別の点数（0〜100）",
    table_caption: "ビジョン別の点数と回答者数",
    vision: "ビジョン",
    respondents: "回答者数",
    score: "点数",
    ci: "95%信頼区間",
    top2: "肯定的な回答の割合",
    suppressed: "非公表",
    responses: "回答数",
    by_channel: "（うち郵送 {paper}、インターネット {online}）",
    published_on: "公表日",
    method_title: "集計の方法",
    method: [
        "各設問には「1 全くそう思わない」から「5 とてもそう思う」までの5段階で答えていただきました。「わからない」と無回答は計算に含めません。",
        "回答者ごとに、そのビジョンの設問への回答の平均を0〜100点に換算します（（平均 − 1）÷ 4 × 100）。ビジョンの点数は、その回答者の点数の平均です。ビジョンの設問に1問も答えていない方は、そのビジョンの回答者数に含めません。",
        "95%信頼区間は、調査の誤差を考えたときに本当の点数がおよそ入る範囲です。肯定的な回答の割合は、「ややそう思う」「とてもそう思う」と答えた割合（回答者ごとの割合の平均）です。",
        "回答者が少ないと個人の回答が推測されるおそれがあるため、回答者が {min} 人未満のビジョンは数値を公表せず「非公表」としています。",
        "数値は公表時点の回答を重み付けせずに集計したものです。公表後に届いた回答は含みません。",
    ],
    download_title: "オープンデータ",
    download: "ビジョン別の点数（CSV、UTF-8）",
    change: "変化（後 − 前）と95%信頼区間",
    change_note: "変化は後の調査の点数から前の調査の点数を引いたものです。↑（上昇）・↓（低下）は、Welchのt検定で5%水準で統計的に有意な変化（95%信頼区間が0を含まない）にだけ付けています。それ以外の差は、調査の誤差の範囲内です。",
    not_significant: "有意差なし",
};

static EN: Texts = Texts {
    title_suffix: ": results",
    lead: "The results of the citizen survey for the five visions of Suita City's Digital Policy, as scores from 0 to 100. A higher score means more residents feel the vision has been realised.",
    chart_title: "Scores per vision (0–100)",
    table_caption: "Scores and respondents per vision",
    vision: "Vision",
    respondents: "Respondents",
    score: "Score",
    ci: "95% confidence interval",
    top2: "Share agreeing",
    suppressed: "Not published",
    responses: "Responses",
    by_channel: " (by post {paper}, online {online})",
    published_on: "Published on",
    method_title: "How the figures are computed",
    method: [
        "Each statement was answered on a five-point scale from \"1 Strongly disagree\" to \"5 Strongly agree\". \"Don't know\" and unanswered statements are left out.",
        "For each respondent, the mean of their answers to a vision's statements is turned into a score from 0 to 100: (mean − 1) ÷ 4 × 100. A vision's score is the mean of its respondents' scores. Residents who answered none of a vision's statements are not counted for it.",
        "The 95% confidence interval is the range the true score most likely lies in, given the survey's uncertainty. The share agreeing is the share of answers 4 or 5 (\"Agree\" or \"Strongly agree\"), averaged over respondents.",
        "So that no one's answers can be guessed from a small group, figures for a vision with fewer than {min} respondents are not published.",
        "Figures are unweighted and count the responses received when the results were published; responses that arrived later are not included.",
    ],
    download_title: "Open data",
    download: "Scores per vision (CSV, UTF-8)",
    change: "Change (later − earlier) and 95% CI",
    change_note: "The change is the later survey's score minus the earlier one's. ↑ (up) and ↓ (down) mark only changes that are statistically significant at the 5% level by Welch's t-test (the 95% confidence interval does not include 0); other differences are within the survey's margin of error.",
    not_significant: "not significant",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

pub struct WaveColumn {
    pub id: String,
    pub title: String,
    pub responses: String,
    pub published_on: String,
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
    pub cells: Vec<Cell>,
    /// The change between the first two published waves, when both figures are published.
    pub change: Option<String>,
}

#[derive(Template)]
#[template(path = "results.html")]
pub struct ResultsPage {
    pub page: Page,
    pub t: &'static Texts,
    pub title: String,
    pub waves: Vec<WaveColumn>,
    pub rows: Vec<Row>,
    pub chart: String,
    pub method: Vec<String>,
    /// Whether the table has a change column (two waves published).
    pub compared: bool,
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
        format!(" {}", t.not_significant)
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
    let year = if opens.month() < 4 {
        opens.year() - 1
    } else {
        opens.year()
    };
    match lang {
        Lang::Ja => format!("{year}年度調査"),
        Lang::En => format!("FY{year} survey"),
    }
}

/// The chart label of a vision: its id and the short name before the dash or colon.
pub fn short_name(vision: &Vision, lang: Lang) -> String {
    let name = vision.name.get(lang);
    let short = name.split([':', '—']).next().map(str::trim).unwrap_or(name);
    format!("{} {short}", vision.id)
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
            desc.push(format!("{}: {}", v.name.get(lang), figures.join(", ")));
            Group {
                label: short_name(v, lang),
                values,
            }
        })
        .collect();
    charts::render(&BarChart {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.join(match lang {
            Lang::Ja => "。",
            Lang::En => ". ",
        }),
        series,
        groups,
        suppressed_label: suppressed.to_string(),
    })
}

fn results_page(defs: &Definitions, wave_id: &str, pubs: &[Publication], lang: Lang) -> String {
    let t = texts(lang);
    let title = defs
        .wave(wave_id)
        .map(|w| format!("{}{}", w.title.get(lang), t.title_suffix))
        .unwrap_or_default();
    // Every published wave, in definition order: 2026 and 2028 side by side once both are.
    let shown: Vec<&Publication> = defs
        .waves
        .iter()
        .filter_map(|w| pubs.iter().find(|p| p.wave_id == w.id))
        .collect();
    let waves: Vec<WaveColumn> = shown
        .iter()
        .map(|p| WaveColumn {
            id: p.wave_id.clone(),
            title: defs
                .wave(&p.wave_id)
                .map_or(p.wave_id.clone(), |w| w.title.get(lang).to_string()),
            responses: if i64::from(p.responses) < i64::from(p.min_group_size) {
                match lang {
                    Lang::Ja => format!("{} 件未満", p.min_group_size),
                    Lang::En => format!("fewer than {}", p.min_group_size),
                }
            } else {
                // How many answered by post and online: counts of responses, which say
                // nothing about anyone's answers (shown only beside a published total).
                let channels = p.by_channel.map_or(String::new(), |(paper, online)| {
                    t.by_channel
                        .replace("{paper}", &paper.to_string())
                        .replace("{online}", &online.to_string())
                });
                format!("{}{channels}", p.responses)
            },
            // Stored in UTC; shown as Suita's calendar day (Japan time, UTC+9).
            published_on: super::i18n::date(
                lang,
                (p.published_at + chrono::TimeDelta::hours(9)).date(),
            ),
        })
        .collect();
    let rows = defs
        .visions
        .iter()
        .map(|v| Row {
            vision_id: v.id.clone(),
            name: v.name.get(lang).to_string(),
            cells: shown
                .iter()
                .map(|p| match p.visions.iter().find(|pv| pv.vision_id == v.id) {
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
                })
                .collect(),
            change: match shown[..] {
                [a, b, ..] => change(a, b, &v.id, t),
                _ => None,
            },
        })
        .collect();
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
        t.chart_title,
        t.suppressed,
    );
    let page = ResultsPage {
        page: Page::new(lang, Some(&format!("/results/{wave_id}"))),
        t,
        title,
        waves,
        rows,
        chart,
        method: t
            .method
            .iter()
            .map(|m| m.replace("{min}", &min.to_string()))
            .collect(),
        compared: shown.len() >= 2,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        String::new()
    })
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
    let st = state.clone();
    let pubs = web::block(move || -> Result<Vec<Publication>, AppError> {
        let mut conn = st.pool.get()?;
        let mut pubs = Vec::new();
        for id in db::publications::published_waves(&mut conn)? {
            pubs.extend(db::publications::find(&mut conn, &id)?);
        }
        Ok(pubs)
    })
    .await?
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
        .body(results_page(&state.definitions, &wave_id, &pubs, lang)))
}
