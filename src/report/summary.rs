//! The 概要版: the short summary cities publish beside the full report — four A4 pages
//! (調査の概要 and 回収結果; the vision scores and the main results; the evaluation with the
//! city's direction per vision; satisfaction × importance and the free-text counts) in the
//! report's language, and always also in やさしい日本語 (with readings) for residents.
//!
//! Built from the finished [`Report`] (the same figures, the same edition's suppression)
//! and the evaluation's snapshot put in words in the summary's own language; every text
//! comes from `locales/` (`summary_…`, `results_…`, `eval_…` keys), so a summary can be
//! made in any resident language.

use askama::Template;

use super::charts::{self, IntervalRow};
use super::model::{Edition, Report, ScoreLine, Summary};
use crate::definitions::{Definitions, Wave};
use crate::evaluation::row::Snapshot;
use crate::i18n::{Furigana, Lang, furigana, t, t_args};

/// The languages a report's summaries are made in: the report's, and every language shown
/// with readings always (やさしい日本語, `furigana = "always"` in locales/languages.toml).
pub fn languages(report_lang: Lang) -> Vec<Lang> {
    let mut langs = vec![report_lang];
    langs.extend(Lang::all().filter(|l| *l != report_lang && l.furigana() == Furigana::Always));
    langs
}

/// The file name of the summary in `lang`.
pub fn file_name(lang: Lang, report_lang: Lang) -> String {
    if lang == report_lang {
        "summary.html".into()
    } else {
        format!("summary-{}.html", lang.code())
    }
}

/// Builds the summary of `report` in `lang` (pure).
pub fn build(
    report: &Report,
    defs: &Definitions,
    wave: &Wave,
    evaluation: Option<&Snapshot>,
    lang: Lang,
) -> Summary {
    let ruby = lang.furigana() == Furigana::Always;
    let one = |x: f64| format!("{x:.1}");
    let c = &report.outline.collection;
    let mut facts = vec![(
        t(lang, "summary_period"),
        format!(
            "{}〜{}",
            crate::i18n::date(lang, wave.opens),
            crate::i18n::date(lang, wave.closes)
        ),
    )];
    if let Some(d) = c.distributed {
        facts.push((t(lang, "summary_distributed"), d.to_string()));
    }
    facts.push((t(lang, "summary_valid"), c.total.valid.to_string()));
    if let Some(rate) = c.total.rate {
        facts.push((t(lang, "summary_rate"), format!("{rate:.1}%")));
    }
    let channels: Vec<String> = c
        .rows
        .iter()
        .filter(|r| r.valid > 0)
        .map(|r| {
            t_args(
                lang,
                "summary_channel",
                &[
                    (
                        "channel",
                        t(lang, &format!("summary_channel_{}", r.code)).into(),
                    ),
                    ("n", r.valid.into()),
                ],
            )
        })
        .collect();
    if !channels.is_empty() {
        facts.push((
            t(lang, "summary_channels"),
            channels.join(t(lang, "summary_list_separator").as_str()),
        ));
    }

    let name_of = |id: &str| {
        defs.vision(id)
            .map_or(id.to_string(), |v| v.name.get(lang).to_string())
    };
    let scores: Vec<ScoreLine> = report
        .visions
        .iter()
        .map(|v| ScoreLine {
            name_html: defs
                .vision(&v.id)
                .map_or_else(|| furigana::escape(&v.id), |d| d.name.html(lang, ruby)),
            score: v.mean.map_or_else(|| t(lang, "results_suppressed"), one),
            ci: v.ci95.map_or(String::new(), |(lo, hi)| {
                format!("{}〜{}", one(lo), one(hi))
            }),
            respondents: v.n.map_or(String::new(), |n| n.to_string()),
        })
        .collect();
    let scores_chart = charts::intervals(
        &format!("summary-scores-{}", lang.code()),
        &furigana::plain(&t(lang, "results_chart_title")),
        &report
            .visions
            .iter()
            .map(|v| IntervalRow {
                label: defs.vision(&v.id).map_or(v.id.clone(), |d| {
                    furigana::plain(&d.short_name(lang)).into_owned()
                }),
                value: v.mean.map(|m| (m, v.ci95)),
                second: None,
            })
            .collect::<Vec<_>>(),
        &[furigana::plain(&t(lang, "results_score")).into_owned()],
        "x",
    )
    .svg();

    // The main results: the report's own sentences in its language, else the highest and
    // the lowest vision.
    let findings = if lang == report.lang && !report.key_findings.is_empty() {
        report.key_findings.clone()
    } else {
        let shown: Vec<_> = report
            .visions
            .iter()
            .filter_map(|v| v.mean.map(|m| (m, &v.id)))
            .collect();
        let high = shown.iter().max_by(|a, b| a.0.total_cmp(&b.0));
        let low = shown.iter().min_by(|a, b| a.0.total_cmp(&b.0));
        let mut lines = Vec::new();
        if let (Some(h), Some(l)) = (high, low)
            && h.1 != l.1
        {
            for (key, (score, id)) in [("summary_highest", h), ("summary_lowest", l)] {
                lines.push(t_args(
                    lang,
                    key,
                    &[
                        ("vision", furigana::plain(&name_of(id)).into_owned().into()),
                        ("score", one(*score).into()),
                    ],
                ));
            }
        }
        lines
    };

    let (evaluation, legend) = match evaluation {
        Some(s) => {
            let groups = crate::evaluation::table::groups(&s.rows, &s.decisions, defs, lang);
            let legend = crate::evaluation::table::rules_used(&s.rows)
                .into_iter()
                .map(|rule| {
                    (
                        t(lang, &format!("eval_rule_{rule}")),
                        legend_keys(rule)
                            .iter()
                            .map(|k| t(lang, k))
                            .chain([t(lang, "eval_legend_none")])
                            .collect(),
                    )
                })
                .collect();
            (groups, legend)
        }
        None => (Vec::new(), Vec::new()),
    };

    let free_text = report
        .free_text
        .questions
        .iter()
        .filter_map(|q| {
            let count = q.count?;
            let question = wave
                .question(&q.id)
                .map_or_else(|| furigana::escape(&q.text), |d| d.text.html(lang, ruby));
            Some((
                question,
                t_args(lang, "summary_free_text_count", &[("n", count.into())]),
            ))
        })
        .collect();

    Summary {
        lang,
        file: file_name(lang, report.lang),
        title: t_args(
            lang,
            "summary_title",
            &[("title", wave.title.get(lang).into())],
        ),
        title_html: t_args(
            lang,
            "summary_title",
            &[("title", wave.title.html(lang, ruby).into())],
        ),
        publisher: report.publisher.clone(),
        made_on: t_args(
            lang,
            "summary_made_on",
            &[("date", crate::i18n::date(lang, report.made_on_date).into())],
        ),
        internal: (report.edition == Edition::Internal).then(|| t(lang, "summary_internal")),
        lead: t(lang, "results_lead"),
        facts,
        scores,
        scores_chart,
        findings,
        evaluation,
        legend,
        // The scatter's words are Japanese or English only.
        portfolio_svg: report
            .portfolio
            .as_ref()
            .filter(|_| lang == report.lang)
            .map(|p| p.svg.clone()),
        free_text,
        more: t(lang, "summary_more"),
    }
}

/// The legend lines of a grading rule (`eval_legend_…` keys).
fn legend_keys(rule: &str) -> &'static [&'static str] {
    match rule {
        "nagayo" => &[
            "eval_legend_nagayo_s",
            "eval_legend_nagayo_a",
            "eval_legend_nagayo_b",
            "eval_legend_nagayo_c",
        ],
        "progress" => &[
            "eval_legend_progress_steady",
            "eval_legend_progress_fair",
            "eval_legend_progress_needs_improvement",
        ],
        "interval" => &[
            "eval_legend_interval_s",
            "eval_legend_interval_a",
            "eval_legend_interval_b",
            "eval_legend_interval_c",
        ],
        _ => &[],
    }
}

#[derive(Template)]
#[template(path = "report/summary.html")]
struct Page<'a> {
    s: &'a Summary,
    lang: &'static str,
    t: Labels,
}

/// The fixed headings, in the summary's language.
struct Labels {
    outline: String,
    scores: String,
    findings: String,
    vision: String,
    score: String,
    ci: String,
    respondents: String,
    evaluation: String,
    evaluation_headers: [String; 5],
    evaluation_none: String,
    legend: String,
    portfolio: String,
    free_text: String,
    free_text_none: String,
}

impl Labels {
    fn of(lang: Lang) -> Labels {
        let k = |key: &str| t(lang, key);
        Labels {
            outline: k("summary_outline"),
            scores: k("results_chart_title"),
            findings: k("summary_findings"),
            vision: k("results_vision"),
            score: k("results_score"),
            ci: k("results_ci"),
            respondents: k("results_respondents"),
            evaluation: k("summary_evaluation"),
            evaluation_headers: [
                k("eval_col_vision"),
                k("eval_col_indicator"),
                k("eval_col_value"),
                k("eval_col_grade"),
                k("eval_col_direction"),
            ],
            evaluation_none: k("summary_evaluation_none"),
            legend: k("eval_legend_title"),
            portfolio: k("summary_portfolio"),
            free_text: k("summary_free_text"),
            free_text_none: k("summary_free_text_none"),
        }
    }
}

/// The summary as one self-contained HTML file (A4 print CSS).
pub fn render(s: &Summary) -> String {
    Page {
        s,
        lang: s.lang.tag(),
        t: Labels::of(s.lang),
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "summary rendering failed");
        String::new()
    })
}
