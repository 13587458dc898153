//! From what the product computes (gathered in `gather`) to the report's data
//! ([`super::model`]): pure, so every chapter is unit-tested on hand-made inputs.
//!
//! The figures are the exports': answer counts from the kept counts (`question-distribution`),
//! vision scores and weighted figures from the running totals (`vision-scores`), by group
//! from the groupings (`vision-scores-by-group`), items from their counts (`item-scores`),
//! comparisons by Welch's test (`wave-comparison`). What the report adds — the 無回答 cells
//! and the cross tables — comes from one tabulation pass ([`super::tabulate`]). The internal
//! edition shows every count; the public one blanks exactly as the exports do and extends
//! the same rule to what it adds ([`super::disclosure`]).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::chisq::chisq_test;
use super::definition::{LangText, ReportMeta};
use super::disclosure::{Grid, Protected, protect};
use super::model::*;
use super::model::{self, EvaluationTable, FreeTextChapter};
use super::strings::Strings;
use super::tabulate::{GroupCode, Tabulation, Tally};
use crate::definitions::{Definitions, Question, QuestionKind, Wave};
use crate::domain::Lang;
use crate::export::vision_scores::Weighted;
use crate::stats::{
    GroupFigures, ItemCounts, Population, SampleMoments, Summary, SuppressionReason, apply,
    item_figures, weighted_difference, welch,
};

/// The breakdowns of the cross tables, in the report's order, with the question each reads
/// (`channel`: the response's channel).
pub const DIMENSIONS: [&str; 4] = ["gender", "age_band", "area", "channel"];

/// One grouping as the exports decide it (`src/export/disclosure.rs`).
#[derive(Debug, Clone, Default)]
pub struct GroupingData {
    /// `(code, label ja, label en)`; code `None` = 無回答.
    pub groups: Vec<(GroupCode, String, String)>,
    /// Per group: blanked in every table of the grouping (public edition).
    pub reasons: Vec<Option<SuppressionReason>>,
    /// Per vision id: each group's summary (`None`: nobody with a score).
    pub visions: Vec<(String, Vec<Option<Summary>>)>,
}

/// What the report reads of one wave (plain data; see `gather`).
#[derive(Debug, Clone)]
pub struct WaveData {
    pub wave: Wave,
    /// Responses of the sample.
    pub responses: u64,
    pub tabulation: Tabulation,
    /// `(question, value)` → answers (the kept counts, as `question-distribution`).
    pub value_counts: HashMap<(String, String), u64>,
    /// Respondents who answered each question (kept counts).
    pub answered: HashMap<String, u64>,
    /// Per question: the export's blanked answer cells, then the 無回答 cell's seed.
    pub simple_seeds: HashMap<String, Vec<bool>>,
    /// `(channel, in sample, responses)`.
    pub channels: Vec<(String, bool, u64)>,
    /// Per vision (definition order): summary and weighted figures.
    pub visions: Vec<(String, Option<Summary>, Option<Weighted>)>,
    /// Per [`DIMENSIONS`] entry; `None` when the wave does not ask its question.
    pub groupings: Vec<Option<GroupingData>>,
    pub item_counts: HashMap<String, ItemCounts>,
    /// `(question id, masked comment)`.
    pub comments: Vec<(String, String)>,
    /// On a code wave: 配布数 − 宛先不明 from the codes (db::counts::WaveCounts::delivered).
    pub issued_codes: Option<u64>,
    pub pending_paper: u64,
}

/// Everything [`build`] needs.
pub struct BuildInput<'a> {
    pub defs: &'a Definitions,
    pub lang: Lang,
    pub edition: Edition,
    pub min_group_size: u64,
    pub made_on: NaiveDate,
    pub meta: &'a ReportMeta,
    pub data: &'a WaveData,
    /// The wave compared with (`--compare`), either earlier or later.
    pub other: Option<&'a WaveData>,
    pub population: Option<&'a Population>,
    pub questionnaire: Questionnaire,
    /// The evaluation table (`None`: from the vision scores, see `model::evaluation_from_scores`).
    pub evaluation: Option<EvaluationTable>,
    /// The CS portfolio (`None`: no item could be placed).
    pub portfolio: Option<model::PortfolioSection>,
    /// SEAM(free-text): the free-text chapter, when the free-text analysis provides one.
    pub free_text: Option<FreeTextChapter>,
}

/// The report's minimum: the public edition's group size, 0 (nothing blanked) internally.
fn minimum(edition: Edition, min_group_size: u64) -> u64 {
    match edition {
        Edition::Internal => 0,
        Edition::Public => min_group_size.max(1),
    }
}

fn pct(count: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| count as f64 / n as f64 * 100.0)
}

/// Markdown of a 所見 to HTML; raw HTML in it is shown as text.
pub fn markdown(text: &LangText, lang: Lang) -> String {
    use pulldown_cmark::{Event, Parser, html};
    let parser = Parser::new(text.get(lang)).map(|e| match e {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn label(lang: Lang, ja: &str, en: &str) -> String {
    if lang == Lang::En { en } else { ja }.to_string()
}

/// The answer columns of a question (answers, then 無回答).
fn columns(q: &Question, lang: Lang, s: &Strings) -> Vec<Column> {
    let mut cols: Vec<Column> = crate::export::answer_codes(q)
        .into_iter()
        .map(|(code, ja, en)| Column {
            code: Some(code),
            label: label(lang, &ja, &en),
        })
        .collect();
    cols.push(Column {
        code: None,
        label: s.no_answer.to_string(),
    });
    cols
}

/// A tally's counts in the order of `cols` (the 無回答 column last).
fn tally_cells(t: &Tally, cols: &[Column]) -> Vec<u64> {
    cols.iter()
        .map(|c| match &c.code {
            Some(code) => t.value(code),
            None => t.no_answer(),
        })
        .collect()
}

fn line(
    code: GroupCode,
    label: String,
    n: u64,
    counts: &[u64],
    blanked: Option<(&[bool], bool)>,
) -> Line {
    let row_blanked = blanked.is_some_and(|(_, r)| r);
    Line {
        code,
        label,
        n: (!row_blanked).then_some(n),
        cells: counts
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let hidden = blanked.is_some_and(|(b, _)| b[i]);
                Cell {
                    count: (!hidden).then_some(c),
                    pct: if hidden { None } else { pct(c, n) },
                }
            })
            .collect(),
        reference: !row_blanked && n < REFERENCE_BELOW,
    }
}

/// What the public edition decided for a question's tables, for the questions that are
/// asked only after it (`show_if`).
#[derive(Default)]
struct Decided {
    /// Per question: its columns' codes and the simple table's decision.
    simple: HashMap<String, (Vec<Column>, Protected)>,
    /// Per question and dimension: group codes and the cross table's decision.
    cross: HashMap<(String, usize), (Vec<GroupCode>, Protected)>,
}

impl Decided {
    /// Whether the cell (row `g`, column `code`) of `question`'s table is blanked.
    fn blanked(&self, question: &str, d: Option<usize>, g: &GroupCode, code: &str) -> bool {
        let col = |cols: &[Column]| cols.iter().position(|c| c.code.as_deref() == Some(code));
        match d {
            None => self.simple.get(question).is_none_or(|(cols, p)| {
                col(cols).is_none_or(|c| p.blanked[0][c] || p.row_blanked[0])
            }),
            Some(d) => {
                let Some((cols, _)) = self.simple.get(question) else {
                    return true;
                };
                self.cross
                    .get(&(question.to_string(), d))
                    .is_none_or(|(groups, p)| {
                        match (groups.iter().position(|x| x == g), col(cols)) {
                            (Some(r), Some(c)) => p.blanked[r][c],
                            _ => true,
                        }
                    })
            }
        }
    }
}

/// The question's tables: simple and per dimension (chapter Ⅳ).
#[allow(clippy::too_many_arguments)]
fn frequency_tables(
    q: &Question,
    data: &WaveData,
    lang: Lang,
    s: &Strings,
    min: u64,
    edition: Edition,
    decided: &mut Decided,
    with_crosses: bool,
) -> (FrequencyTable, Vec<FrequencyTable>) {
    let cols = columns(q, lang, s);
    let multiple = matches!(q.kind, QuestionKind::Multiple { .. });
    let empty = Default::default();
    let tally = data.tabulation.questions.get(&q.id).unwrap_or(&empty);
    // The answer cells from the kept counts (as question-distribution), 無回答 from the pass.
    let mut counts: Vec<u64> = cols
        .iter()
        .map(|c| match &c.code {
            Some(code) => data
                .value_counts
                .get(&(q.id.clone(), code.clone()))
                .copied()
                .unwrap_or(0),
            None => tally.total.no_answer(),
        })
        .collect();
    let n = tally.total.eligible;
    if let Some(last) = counts.last_mut() {
        let answered = data.answered.get(&q.id).copied().unwrap_or(0);
        *last = n.saturating_sub(answered);
    }
    let condition = q
        .show_if
        .as_ref()
        .map(|c| (c.question.clone(), c.equals.clone()));
    let simple_decision = (edition == Edition::Public).then(|| {
        let mut grid = Grid::new(vec![counts.clone()], !multiple, vec![false; cols.len()]);
        if let Some(seed) = data.simple_seeds.get(&q.id) {
            grid.seed = vec![seed.clone()];
        }
        let base_hidden = condition
            .as_ref()
            .is_some_and(|(cq, eq)| decided.blanked(cq, None, &None, eq));
        grid.row_blanked = vec![base_hidden || (n > 0 && n < min)];
        let p = protect(&grid, min);
        decided
            .simple
            .insert(q.id.clone(), (cols.clone(), p.clone()));
        p
    });
    let total = line(
        None,
        s.total.to_string(),
        n,
        &counts,
        simple_decision
            .as_ref()
            .map(|p| (p.blanked[0].as_slice(), p.row_blanked[0])),
    );
    let simple = FrequencyTable {
        dimension: "total".into(),
        title: s.simple_table.to_string(),
        columns: cols.clone(),
        total: total.clone(),
        rows: Vec::new(),
        chisq: None,
        chisq_note: None,
    };
    if !with_crosses {
        return (simple, Vec::new());
    }
    let mut crosses = Vec::new();
    for (d, dim) in DIMENSIONS.iter().enumerate() {
        if *dim == q.id {
            continue;
        }
        let Some(Some(grouping)) = data.groupings.get(d) else {
            continue;
        };
        let groups: Vec<GroupCode> = grouping.groups.iter().map(|g| g.0.clone()).collect();
        let by = tally.by.get(d);
        let rows_counts: Vec<(u64, Vec<u64>)> = groups
            .iter()
            .map(|g| match by.and_then(|b| b.get(g)) {
                Some(t) => (t.eligible, tally_cells(t, &cols)),
                None => (0, vec![0; cols.len()]),
            })
            .collect();
        let decision = simple_decision.as_ref().map(|sp| {
            let mut grid = Grid::new(
                rows_counts.iter().map(|(_, c)| c.clone()).collect(),
                !multiple,
                (0..cols.len())
                    .map(|c| !sp.blanked[0][c] && !sp.row_blanked[0])
                    .collect(),
            );
            grid.row_blanked = groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let (n_g, _) = rows_counts[i];
                    let base_hidden = match &condition {
                        None => grouping.reasons[i].is_some(),
                        Some((cq, eq)) => decided.blanked(cq, Some(d), g, eq),
                    };
                    base_hidden || (n_g > 0 && n_g < min) || sp.row_blanked[0]
                })
                .collect();
            let p = protect(&grid, min);
            decided
                .cross
                .insert((q.id.clone(), d), (groups.clone(), p.clone()));
            p
        });
        let rows: Vec<Line> = grouping
            .groups
            .iter()
            .enumerate()
            .map(|(i, (code, ja, en))| {
                let (n_g, c) = &rows_counts[i];
                line(
                    code.clone(),
                    label(lang, ja, en),
                    *n_g,
                    c,
                    decision
                        .as_ref()
                        .map(|p| (p.blanked[i].as_slice(), p.row_blanked[i])),
                )
            })
            .collect();
        // χ² over the stated groups' valid answers (no 無回答 row or column).
        let (chisq, chisq_note) = if multiple {
            (None, Some(s.chisq_multiple.to_string()))
        } else if decision.as_ref().is_some_and(Protected::any) {
            (None, Some(s.chisq_suppressed.to_string()))
        } else {
            let table: Vec<Vec<u64>> = groups
                .iter()
                .zip(&rows_counts)
                .filter(|(g, _)| g.is_some())
                .map(|(_, (_, c))| c[..c.len() - 1].to_vec())
                .collect();
            match chisq_test(&table) {
                Some(t) => (Some(t), None),
                None => (None, Some(s.chisq_not_possible.to_string())),
            }
        };
        crosses.push(FrequencyTable {
            dimension: dim.to_string(),
            title: dimension_title(dim, s),
            columns: cols.clone(),
            total: total.clone(),
            rows,
            chisq,
            chisq_note,
        });
    }
    (simple, crosses)
}

fn dimension_title(dim: &str, s: &Strings) -> String {
    match dim {
        "gender" => s.by_gender,
        "age_band" => s.by_age,
        "area" => s.by_area,
        _ => s.by_channel,
    }
    .to_string()
}

/// The 0–100 figures of a scale item, or `None` when the public edition blanks them.
fn item(counts: &ItemCounts, min: u64, edition: Edition) -> Option<ItemFigures> {
    if edition == Edition::Public && !crate::export::items::publishable(counts, min) {
        return None;
    }
    let f = item_figures(counts);
    Some(ItemFigures {
        n: f.n,
        mean: f.mean,
        sd: f.sd,
        ci95: f.ci95,
        top2_pct: f.top2.map(|p| p.share * 100.0),
        dont_know: f.dont_know,
        dont_know_pct: f.dont_know_share.map(|p| p.share * 100.0),
    })
}

fn vision_figures(defs: &Definitions, data: &WaveData, lang: Lang, min: u64) -> Vec<VisionFigures> {
    defs.visions
        .iter()
        .map(|v| {
            let (summary, weighted) = data
                .visions
                .iter()
                .find(|(id, _, _)| *id == v.id)
                .map_or((None, None), |(_, s, w)| (*s, *w));
            let shown = summary.filter(|s| s.n >= min.max(1));
            VisionFigures {
                id: v.id.clone(),
                name: v.name.get(lang).to_string(),
                short: v.short_name(lang),
                n: shown.map(|s| s.n),
                mean: shown.map(|s| s.mean),
                sd: shown.and_then(|s| s.sd),
                ci95: shown.and_then(|s| s.ci95),
                top2_pct: shown.map(|s| s.top2_pct),
                weighted: shown.and(weighted).map(|(score, top2)| WeightedFigures {
                    mean: score.mean,
                    se: score.se,
                    ci95: score.ci95,
                    top2_pct: top2.mean * 100.0,
                    kish_deff: score.kish_deff,
                    effective_n: score.effective_n(),
                }),
                suppressed: shown.is_none(),
            }
        })
        .collect()
}

fn wave_ref(w: &Wave, lang: Lang) -> WaveRef {
    WaveRef {
        id: w.id.clone(),
        title: w.title.get(lang).to_string(),
        series: crate::definitions::series_label(w.opens, lang),
        period: crate::i18n::period(lang, w.opens, w.closes),
    }
}

/// Builds the whole report (module docs).
pub fn build(input: BuildInput<'_>) -> Report {
    let BuildInput {
        defs,
        lang,
        edition,
        min_group_size,
        made_on,
        meta,
        data,
        other,
        population,
        questionnaire,
        evaluation,
        portfolio,
        free_text,
    } = input;
    let s = Strings::get(lang);
    let min = minimum(edition, min_group_size);
    let wave = &data.wave;
    let wmeta = meta.wave(&wave.id);
    let all_questions: Vec<&Question> = wave.questions().collect();
    let number = |id: &str| {
        all_questions
            .iter()
            .position(|q| q.id == id)
            .map_or(String::new(), |i| crate::i18n::question_number(lang, i + 1))
    };
    let md = |t: &Option<LangText>| t.as_ref().map(|t| markdown(t, lang));

    // Ⅰ: collection by channel.
    let sample = |channel: &str| -> u64 {
        data.channels
            .iter()
            .filter(|(c, in_sample, _)| c == channel && *in_sample)
            .map(|(_, _, n)| n)
            .sum()
    };
    let distributed = wmeta.distributed().or(data.issued_codes);
    let rate = |n: u64| {
        distributed
            .filter(|&d| d > 0)
            .map(|d| n as f64 / d as f64 * 100.0)
    };
    let row = |code: &str, label: &str, valid: u64| CollectionRow {
        code: code.to_string(),
        label: label.to_string(),
        valid,
        rate: rate(valid),
    };
    let rows = match edition {
        // As /results: by post and online (web and e-mail links together).
        Edition::Public => vec![
            row("paper", s.channel_paper, sample("paper")),
            row("online", s.channel_online, sample("web") + sample("email")),
        ],
        Edition::Internal => {
            let mut rows = vec![
                row("paper", s.channel_paper, sample("paper")),
                row("web", s.channel_web, sample("web")),
            ];
            if sample("email") > 0 {
                rows.push(row("email", s.channel_email, sample("email")));
            }
            rows
        }
    };
    let collection = Collection {
        mailed: wmeta.mailed,
        undeliverable: wmeta.undeliverable,
        distributed,
        total: row("total", s.total, data.responses),
        rows,
        open_answers: (edition == Edition::Internal).then(|| {
            data.channels
                .iter()
                .filter(|(_, in_sample, _)| !in_sample)
                .map(|(_, _, n)| n)
                .sum()
        }),
        pending_paper: (edition == Edition::Internal).then_some(data.pending_paper),
    };
    let missing = || s.not_given.to_string();
    let text = |t: &Option<LangText>| t.as_ref().map_or_else(missing, |t| t.get(lang).to_string());
    let design = vec![
        (s.region.to_string(), text(&wmeta.region)),
        (s.target.to_string(), text(&wmeta.target)),
        (s.sampling.to_string(), text(&wmeta.sampling)),
        (
            s.reference_date.to_string(),
            wmeta
                .reference_date
                .map_or_else(missing, |d| crate::i18n::date(lang, d)),
        ),
        (s.method.to_string(), text(&wmeta.method)),
        (
            s.period.to_string(),
            crate::i18n::period(lang, wave.opens, wave.closes),
        ),
    ];
    let purpose = match (&wmeta.purpose, &wave.intro) {
        (Some(p), _) => p.get(lang).to_string(),
        (None, Some(i)) => i.get(lang).to_string(),
        (None, None) => missing(),
    };
    let outline = Outline {
        purpose,
        design,
        collection,
        sampling_error: super::sampling_error::table(&[data.responses]),
        sampling_error_n: data.responses,
    };

    // Ⅱ and Ⅴ: the visions.
    let visions = vision_figures(defs, data, lang, min);

    // Ⅳ: every choice and scale question, in form order.
    let mut decided = Decided::default();
    let mut other_decided = Decided::default();
    let mut questions = Vec::new();
    for q in &all_questions {
        let (kind, vision_id) = match &q.kind {
            QuestionKind::Scale { vision, .. } => ("scale", Some(vision.clone())),
            QuestionKind::Single { .. } => ("single", None),
            QuestionKind::Multiple { .. } => ("multiple", None),
            _ => continue,
        };
        let (simple, crosses) =
            frequency_tables(q, data, lang, s, min, edition, &mut decided, true);
        let comparison = other.and_then(|o| {
            let oq = o
                .wave
                .question(&q.id)
                .filter(|oq| oq.kind.name() == q.kind.name())?;
            let (theirs, _) =
                frequency_tables(oq, o, lang, s, min, edition, &mut other_decided, false);
            Some(if o.wave.opens < wave.opens {
                QuestionComparison {
                    earlier: theirs,
                    later: simple.clone(),
                }
            } else {
                QuestionComparison {
                    earlier: simple.clone(),
                    later: theirs,
                }
            })
        });
        let base = q.show_if.as_ref().map(|c| {
            let answer = wave
                .question(&c.question)
                .and_then(|cq| cq.kind.options().iter().find(|o| o.code == c.equals))
                .map_or(c.equals.clone(), |o| o.label.get(lang).to_string());
            crate::i18n::only_if(
                lang,
                all_questions
                    .iter()
                    .position(|x| x.id == c.question)
                    .map_or(0, |i| i + 1),
                &answer,
            )
        });
        questions.push(QuestionSection {
            id: q.id.clone(),
            vision_id,
            number: number(&q.id),
            text: q.text.get(lang).to_string(),
            kind,
            multiple: kind == "multiple",
            base,
            answered: simple
                .total
                .n
                .map(|_| data.answered.get(&q.id).copied().unwrap_or(0)),
            simple,
            crosses,
            item: (kind == "scale")
                .then(|| {
                    let c = data.item_counts.get(&q.id).copied().unwrap_or_default();
                    item(&c, min, edition)
                })
                .flatten(),
            comparison,
            findings: wmeta
                .findings
                .questions
                .get(&q.id)
                .map(|t| markdown(t, lang)),
        });
    }

    // Ⅲ: respondents' attributes, with the register's shares beside age band and area.
    let mut profile = Vec::new();
    for dim in ["age_band", "area", "gender"] {
        let Some(sec) = questions.iter().find(|q| q.id == dim) else {
            continue;
        };
        let t = &sec.simple;
        let pop_share = |code: &str| -> Option<f64> {
            let p = population?;
            let codes = p.codes();
            let total = p.total() as f64;
            match dim {
                "age_band" => codes
                    .age_bands
                    .iter()
                    .position(|c| c == code)
                    .map(|i| p.age_band_total(i) as f64 / total * 100.0),
                "area" => codes
                    .areas
                    .iter()
                    .position(|c| c == code)
                    .map(|i| p.area_total(i) as f64 / total * 100.0),
                _ => None,
            }
        };
        let stated: Option<u64> = t
            .columns
            .iter()
            .zip(&t.total.cells)
            .filter(|(c, _)| c.code.as_deref().is_some_and(|c| pop_share(c).is_some()))
            .map(|(_, cell)| cell.count)
            .sum();
        profile.push(ProfileTable {
            dimension: dim.to_string(),
            title: dimension_title(dim, s).replace(s.by_suffix, ""),
            n: t.total.n,
            rows: t
                .columns
                .iter()
                .zip(&t.total.cells)
                .map(|(c, cell)| {
                    let population_pct = c.code.as_deref().and_then(pop_share);
                    ProfileRow {
                        code: c.code.clone(),
                        label: c.label.clone(),
                        count: cell.count,
                        pct: cell.pct,
                        pct_of_stated: population_pct
                            .and(stated)
                            .zip(cell.count)
                            .and_then(|(st, n)| pct(n, st)),
                        population_pct,
                    }
                })
                .collect(),
        });
    }
    // The channel, as the grouping decides (public) or in full.
    if let Some(Some(g)) = data.groupings.get(3) {
        let n = data.responses;
        profile.push(ProfileTable {
            dimension: "channel".into(),
            title: s.channel.to_string(),
            n: Some(n),
            rows: g
                .groups
                .iter()
                .zip(&g.reasons)
                .map(|((code, ja, en), reason)| {
                    let count = data.tabulation.groups[3].get(code).copied().unwrap_or(0);
                    let hidden = min > 0 && reason.is_some();
                    ProfileRow {
                        code: code.clone(),
                        label: label(lang, ja, en),
                        count: (!hidden).then_some(count),
                        pct: if hidden { None } else { pct(count, n) },
                        pct_of_stated: None,
                        population_pct: None,
                    }
                })
                .collect(),
        });
    }

    // Ⅴ: per vision, by group and its items.
    let vision_sections: Vec<VisionSection> = visions
        .iter()
        .map(|v| {
            let by_group = DIMENSIONS
                .iter()
                .enumerate()
                .filter_map(|(d, dim)| {
                    let g = data.groupings.get(d)?.as_ref()?;
                    let summaries = &g.visions.iter().find(|(id, _)| *id == v.id)?.1;
                    let figures: Vec<GroupFigures<Option<Summary>>> = g
                        .groups
                        .iter()
                        .zip(summaries)
                        .map(|((code, _, _), sm)| GroupFigures {
                            group: code.clone().unwrap_or_default(),
                            n: sm.map_or(0, |s| s.n),
                            figures: *sm,
                        })
                        .collect();
                    let reasons: Vec<Option<SuppressionReason>> = match edition {
                        Edition::Public => g.reasons.clone(),
                        Edition::Internal => vec![None; g.groups.len()],
                    };
                    let b = apply(figures, &reasons, min);
                    Some(GroupTable {
                        dimension: dim.to_string(),
                        title: dimension_title(dim, s),
                        rows: b
                            .rows
                            .into_iter()
                            .zip(&g.groups)
                            .map(|(r, (code, ja, en))| {
                                let f = r.figures.flatten();
                                GroupRow {
                                    code: code.clone(),
                                    label: label(lang, ja, en),
                                    n: r.n,
                                    mean: f.map(|f| f.mean),
                                    ci95: f.and_then(|f| f.ci95),
                                    top2_pct: f.map(|f| f.top2_pct),
                                    reference: r.n.is_some_and(|n| n < REFERENCE_BELOW),
                                }
                            })
                            .collect(),
                    })
                })
                .collect();
            let items = wave
                .scored_items()
                .filter(|(vision, _)| *vision == v.id)
                .map(|(_, q)| ItemRow {
                    id: q.id.clone(),
                    number: number(&q.id),
                    text: q.text.get(lang).to_string(),
                    figures: item(
                        &data.item_counts.get(&q.id).copied().unwrap_or_default(),
                        min,
                        edition,
                    ),
                })
                .collect();
            VisionSection {
                figures: v.clone(),
                by_group,
                items,
                findings: wmeta.findings.visions.get(&v.id).map(|t| markdown(t, lang)),
            }
        })
        .collect();

    // 経年比較.
    let comparison = other.map(|o| comparison(defs, data, o, lang, min));

    // Ⅱ: key findings from the shown figures.
    let mut key_findings = Vec::new();
    let shown: Vec<&VisionFigures> = visions.iter().filter(|v| v.mean.is_some()).collect();
    if let (Some(hi), Some(lo)) = (
        shown
            .iter()
            .max_by(|a, b| a.mean.partial_cmp(&b.mean).unwrap()),
        shown
            .iter()
            .min_by(|a, b| a.mean.partial_cmp(&b.mean).unwrap()),
    ) && shown.len() > 1
    {
        key_findings.push(
            s.finding_high_low
                .replace("{high}", &hi.name)
                .replace("{high_score}", &format!("{:.1}", hi.mean.unwrap_or(0.0)))
                .replace("{low}", &lo.name)
                .replace("{low_score}", &format!("{:.1}", lo.mean.unwrap_or(0.0))),
        );
    }
    if let Some(c) = &comparison {
        for r in c.rows.iter().filter(|r| r.level == "vision") {
            if let (Some(true), Some(d)) = (r.significant, r.difference) {
                key_findings.push(
                    s.finding_change
                        .replace("{name}", &r.name)
                        .replace("{diff}", &format!("{d:+.1}")),
                );
            }
        }
        if !c
            .rows
            .iter()
            .any(|r| r.level == "vision" && r.significant == Some(true))
        {
            key_findings.push(s.finding_no_change.to_string());
        }
    }

    let free_questions: Vec<(String, String, String)> = all_questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| (q.id.clone(), number(&q.id), q.text.get(lang).to_string()))
        .collect();
    let free_text = free_text.unwrap_or_else(|| {
        model::free_text_from_comments(&free_questions, &data.comments, edition, min_group_size, s)
    });
    let evaluation = evaluation.unwrap_or_else(|| model::evaluation_from_scores(&visions, s));

    let title = s.report_title.replace("{title}", wave.title.get(lang));
    Report {
        lang,
        edition,
        min_group_size,
        title,
        publisher: meta
            .publisher
            .as_ref()
            .map_or(String::new(), |p| p.get(lang).to_string()),
        wave: wave_ref(wave, lang),
        compare: other.map(|o| wave_ref(&o.wave, lang)),
        made_on: crate::i18n::date(lang, made_on),
        made_on_date: made_on,
        outline,
        evaluation,
        portfolio,
        key_findings,
        visions,
        profile,
        questions,
        vision_sections,
        comparison,
        free_text,
        findings: Findings {
            outline: md(&wmeta.findings.outline),
            summary: md(&wmeta.findings.summary),
            profile: md(&wmeta.findings.profile),
            free_text: md(&wmeta.findings.free_text),
        },
        questionnaire,
        summaries: Vec::new(),
    }
}

/// The comparison of the two waves as `wave-comparison` computes it: visions (Welch and the
/// weighted normal test) and core scale items (Welch), shown when both sides reach `min`.
fn comparison(
    defs: &Definitions,
    a: &WaveData,
    b: &WaveData,
    lang: Lang,
    min: u64,
) -> ComparisonSection {
    let (earlier, later) = if b.wave.opens < a.wave.opens {
        (b, a)
    } else {
        (a, b)
    };
    let shown = min.max(1);
    let mut rows = Vec::new();
    type Side = Option<(u64, f64, Option<SampleMoments>)>;
    let mut push = |level: &'static str,
                    id: String,
                    vision_id: String,
                    name: String,
                    e: Side,
                    l: Side,
                    w: Option<(
        crate::stats::WeightedEstimate,
        crate::stats::WeightedEstimate,
    )>| {
        let ok = |s: Side| s.filter(|(n, _, _)| *n >= shown);
        let row = match (ok(e), ok(l)) {
            (Some((en, em, emo)), Some((ln, lm, lmo))) => {
                let c = emo.zip(lmo).and_then(|(x, y)| welch(&x, &y));
                ComparisonRow {
                    level,
                    id,
                    vision_id,
                    name,
                    earlier_n: Some(en),
                    earlier_mean: Some(em),
                    later_n: Some(ln),
                    later_mean: Some(lm),
                    difference: Some(lm - em),
                    ci95: c.and_then(|c| c.ci95),
                    p_value: c.and_then(|c| c.p_value),
                    significant: c.and_then(|c| c.significant),
                    weighted: w.map(|(x, y)| {
                        let d = weighted_difference(&x, &y);
                        WeightedComparison {
                            earlier: x.mean,
                            later: y.mean,
                            difference: y.mean - x.mean,
                            ci95: d.and_then(|d| d.ci95),
                            p_value: d.and_then(|d| d.p_value),
                            significant: d.and_then(|d| d.significant),
                            earlier_kish_deff: x.kish_deff,
                            earlier_effective_n: x.effective_n(),
                            later_kish_deff: y.kish_deff,
                            later_effective_n: y.effective_n(),
                        }
                    }),
                    suppressed: false,
                }
            }
            _ => ComparisonRow {
                level,
                id,
                vision_id,
                name,
                earlier_n: None,
                earlier_mean: None,
                later_n: None,
                later_mean: None,
                difference: None,
                ci95: None,
                p_value: None,
                significant: None,
                weighted: None,
                suppressed: true,
            },
        };
        rows.push(row);
    };
    for v in &defs.visions {
        let side = |d: &WaveData| -> (Side, Option<crate::stats::WeightedEstimate>) {
            d.visions
                .iter()
                .find(|(id, _, _)| *id == v.id)
                .map_or((None, None), |(_, s, w)| {
                    (
                        s.map(|s| (s.n, s.mean, SampleMoments::from_summary(&s))),
                        w.map(|w| w.0),
                    )
                })
        };
        let (e, ew) = side(earlier);
        let (l, lw) = side(later);
        push(
            "vision",
            v.id.clone(),
            v.id.clone(),
            v.name.get(lang).to_string(),
            e,
            l,
            ew.zip(lw),
        );
    }
    for (vision, q) in earlier.wave.scored_items() {
        if !later.wave.scored_items().any(|(_, l)| l.id == q.id) {
            continue;
        }
        let side = |d: &WaveData| -> Side {
            let c = d.item_counts.get(&q.id).copied().unwrap_or_default();
            let f = item_figures(&c);
            f.mean
                .filter(|_| min == 0 || crate::export::items::publishable(&c, min))
                .map(|m| (f.n, m, SampleMoments::from_item(&f)))
        };
        push(
            "item",
            q.id.clone(),
            vision.to_string(),
            q.text.get(lang).to_string(),
            side(earlier),
            side(later),
            None,
        );
    }
    ComparisonSection {
        earlier: wave_ref(&earlier.wave, lang),
        later: wave_ref(&later.wave, lang),
        rows,
    }
}
