//! `report.html`: the model rendered as one self-contained document (inline CSS, inline
//! SVG, no script, nothing fetched) with A4 print CSS — the page size, a running title and
//! page numbers in the page margins, a chapter per page break. Every figure of a table
//! carries `data-*` attributes naming what it is, so that tests read the tables back.

use askama::Template;

use super::charts::{self, IntervalRow, PairRow, StackedRow};
use super::model::*;
use super::strings::Strings;
use crate::domain::Lang;

/// 1,234 (thousands separated) or the blank mark.
pub fn count(n: Option<u64>) -> String {
    match n {
        None => "x".into(),
        Some(n) => {
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
    }
}

/// A figure with one decimal, or the blank mark.
pub fn one(x: Option<f64>) -> String {
    x.map_or("x".into(), |x| format!("{x:.1}"))
}

fn ci(c: Option<(f64, f64)>) -> String {
    c.map_or("—".into(), |(a, b)| format!("{a:.1}–{b:.1}"))
}

/// A p-value as printed: three decimals, `< 0.001` below.
pub fn p(p: Option<f64>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p < 0.001 => "< 0.001".into(),
        Some(p) => format!("{p:.3}"),
    }
}

/// One cell of a rendered table.
pub struct CellView {
    pub text: String,
    /// What the cell is, for `data-cell` (e.g. `pct:yes`, `count:no_answer`, `n`).
    pub key: String,
    /// The figure as a number (`data-v`), empty when blanked.
    pub value: String,
}

pub struct RowView {
    pub label: String,
    pub code: String,
    pub cells: Vec<CellView>,
    pub reference: bool,
    pub total: bool,
}

pub struct TableView {
    /// `simple:QUESTION`, `cross:QUESTION:DIMENSION`, …: what the table holds.
    pub id: String,
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<RowView>,
    pub notes: Vec<String>,
}

/// The code of the 無回答 row or column in `data-*` attributes and the workbook: `-`, as
/// operators key a blank, and never an option code (those are snake_case).
pub const NO_ANSWER_CODE: &str = "-";

fn code_of(c: &Option<String>) -> String {
    c.clone().unwrap_or_else(|| NO_ANSWER_CODE.into())
}

fn value(x: Option<f64>) -> String {
    x.map_or(String::new(), |x| format!("{x}"))
}

/// A simple table: one row per answer (and 無回答) with count and %.
fn simple_view(q: &QuestionSection, s: &Strings) -> TableView {
    let t = &q.simple;
    let mut rows: Vec<RowView> = t
        .columns
        .iter()
        .zip(&t.total.cells)
        .map(|(c, cell)| RowView {
            label: c.label.clone(),
            code: code_of(&c.code),
            cells: vec![
                CellView {
                    text: count(cell.count),
                    key: format!("count:{}", code_of(&c.code)),
                    value: cell.count.map_or(String::new(), |n| n.to_string()),
                },
                CellView {
                    text: one(cell.pct),
                    key: format!("pct:{}", code_of(&c.code)),
                    value: value(cell.pct),
                },
            ],
            reference: false,
            total: false,
        })
        .collect();
    rows.insert(
        0,
        RowView {
            label: format!("{}（{}）", s.total, s.n),
            code: "total".into(),
            cells: vec![
                CellView {
                    text: count(t.total.n),
                    key: "n".into(),
                    value: t.total.n.map_or(String::new(), |n| n.to_string()),
                },
                CellView {
                    text: if t.total.n.is_some() {
                        "100.0".into()
                    } else {
                        "x".into()
                    },
                    key: "pct:total".into(),
                    value: String::new(),
                },
            ],
            reference: false,
            total: true,
        },
    );
    let mut notes = Vec::new();
    if q.multiple {
        notes.push(s.multiple_note.to_string());
    }
    TableView {
        id: format!("simple:{}", q.id),
        caption: format!("{} {}（{}）", q.number, s.simple_table, q.id),
        headers: vec![String::new(), s.count.into(), s.percent.into()],
        rows,
        notes,
    }
}

/// A cross table: a row per group with n and the row percentages.
fn cross_view(q: &QuestionSection, t: &FrequencyTable, s: &Strings) -> TableView {
    let mut headers = vec![String::new(), s.n.to_string()];
    headers.extend(t.columns.iter().map(|c| c.label.clone()));
    let row = |l: &Line, total: bool| RowView {
        label: format!("{}{}", l.label, if l.reference { " ※" } else { "" }),
        code: if total {
            "total".into()
        } else {
            code_of(&l.code)
        },
        cells: std::iter::once(CellView {
            text: count(l.n),
            key: "n".into(),
            value: l.n.map_or(String::new(), |n| n.to_string()),
        })
        .chain(l.cells.iter().zip(&t.columns).map(|(c, col)| CellView {
            text: one(c.pct),
            key: format!("pct:{}", code_of(&col.code)),
            value: value(c.pct),
        }))
        .collect(),
        reference: l.reference,
        total,
    };
    let mut rows = vec![row(&t.total, true)];
    rows.extend(t.rows.iter().map(|l| row(l, false)));
    let mut notes = Vec::new();
    match (&t.chisq, &t.chisq_note) {
        (Some(c), _) => notes.push(format!(
            "{}：χ² = {:.2}, df = {}, p = {}{}",
            s.chisq,
            c.statistic,
            c.df,
            p(Some(c.p_value)),
            if c.small_expected { " †" } else { "" }
        )),
        (None, Some(n)) => notes.push(format!("{}：{n}", s.chisq)),
        _ => {}
    }
    if t.rows.iter().any(|r| r.reference) {
        notes.push(s.reference_note.to_string());
    }
    TableView {
        id: format!("cross:{}:{}", q.id, t.dimension),
        caption: format!("{} {}", q.number, t.title),
        headers,
        rows,
        notes,
    }
}

fn stacked_rows(t: &FrequencyTable) -> Vec<StackedRow> {
    std::iter::once(&t.total)
        .chain(&t.rows)
        .map(|l| StackedRow {
            label: format!("{}{}", l.label, if l.reference { " ※" } else { "" }),
            shares: l
                .cells
                .iter()
                .map(|c| c.pct)
                .collect::<Option<Vec<f64>>>()
                .filter(|_| l.n.is_some_and(|n| n > 0)),
        })
        .collect()
}

/// The chart of a question's table: 100% stacked bars, or bars of the shares of
/// respondents for multiple answers.
fn chart(id: &str, title: &str, q: &QuestionSection, t: &FrequencyTable, s: &Strings) -> String {
    let categories: Vec<String> = t.columns.iter().map(|c| c.label.clone()).collect();
    if q.multiple {
        let rows: Vec<StackedRow> = t
            .columns
            .iter()
            .zip(&t.total.cells)
            .map(|(c, cell)| StackedRow {
                label: c.label.clone(),
                shares: cell.pct.map(|p| vec![p, (100.0 - p).max(0.0)]),
            })
            .collect();
        return charts::stacked(
            id,
            title,
            &[s.percent.to_string(), String::new()],
            &rows,
            "x",
        )
        .svg();
    }
    charts::stacked(id, title, &categories, &stacked_rows(t), "x").svg()
}

pub struct QuestionView {
    pub id: String,
    pub number: String,
    pub text: String,
    pub base: Option<String>,
    pub simple: TableView,
    pub simple_chart: String,
    pub item: Option<String>,
    pub crosses: Vec<(TableView, String)>,
    pub comparison: Option<(TableView, String)>,
    pub findings: Option<String>,
}

pub struct VisionView {
    pub id: String,
    pub name: String,
    pub summary: TableView,
    pub groups: Vec<TableView>,
    pub items: TableView,
    pub items_chart: String,
    pub findings: Option<String>,
}

#[derive(Template)]
#[template(path = "report/report.html")]
pub struct Page<'a> {
    pub r: &'a Report,
    pub s: &'static Strings,
    pub lang: &'static str,
    pub css: String,
    pub edition_label: &'static str,
    pub edition_note: &'static str,
    pub collection: TableView,
    pub sampling_error: TableView,
    pub evaluation_headers: Vec<String>,
    pub scores: TableView,
    pub scores_chart: String,
    pub profile: Vec<(TableView, String)>,
    pub questions: Vec<QuestionView>,
    pub visions: Vec<VisionView>,
    pub comparison: Option<(TableView, String)>,
    pub portfolio: Option<TableView>,
    pub public: bool,
}

fn plain(id: &str, caption: String, headers: Vec<String>, rows: Vec<RowView>) -> TableView {
    TableView {
        id: id.to_string(),
        caption,
        headers,
        rows,
        notes: Vec::new(),
    }
}

fn cell(text: String, key: &str, value: String) -> CellView {
    CellView {
        text,
        key: key.to_string(),
        value,
    }
}

fn vision_row(v: &VisionFigures) -> RowView {
    let w = v.weighted;
    RowView {
        label: v.name.clone(),
        code: v.id.clone(),
        cells: vec![
            cell(
                count(v.n),
                "respondents",
                v.n.map_or(String::new(), |n| n.to_string()),
            ),
            cell(one(v.mean), "mean_score", value(v.mean)),
            cell(
                ci(v.ci95),
                "ci95",
                v.ci95.map_or(String::new(), |c| format!("{} {}", c.0, c.1)),
            ),
            cell(one(v.top2_pct), "top2_box_pct", value(v.top2_pct)),
            cell(
                w.map_or("—".into(), |w| format!("{:.1}", w.mean)),
                "weighted_mean",
                value(w.map(|w| w.mean)),
            ),
            cell(
                w.map_or("—".into(), |w| ci(w.ci95)),
                "weighted_ci95",
                w.and_then(|w| w.ci95)
                    .map_or(String::new(), |c| format!("{} {}", c.0, c.1)),
            ),
        ],
        reference: v.n.is_some_and(|n| n < REFERENCE_BELOW),
        total: false,
    }
}

fn vision_headers(s: &Strings) -> Vec<String> {
    vec![
        String::new(),
        s.n.into(),
        s.score.into(),
        s.ci95.into(),
        format!("{}（%）", s.top2),
        format!("{} {}", s.weighted, s.score),
        format!("{} {}", s.weighted, s.ci95),
    ]
}

/// The report as one HTML document.
pub fn render(r: &Report) -> String {
    let s = Strings::get(r.lang);
    let public = r.edition == Edition::Public;
    // Ⅰ: collection.
    let c = &r.outline.collection;
    let coll_row = |row: &CollectionRow, total: bool| RowView {
        label: row.label.clone(),
        code: row.code.clone(),
        cells: vec![
            cell(count(Some(row.valid)), "valid", row.valid.to_string()),
            cell(
                row.rate.map_or("—".into(), |x| format!("{x:.1}%")),
                "rate",
                value(row.rate),
            ),
        ],
        reference: false,
        total,
    };
    let mut coll_rows: Vec<RowView> = c.rows.iter().map(|x| coll_row(x, false)).collect();
    coll_rows.push(coll_row(&c.total, true));
    let mut collection = plain(
        "collection",
        s.collection_title.to_string(),
        vec![s.channel.into(), s.valid.into(), s.rate.into()],
        coll_rows,
    );
    collection.notes.push(format!(
        "{}：{}　{}：{}　{}：{}",
        s.mailed,
        c.mailed.map_or("—".into(), |n| count(Some(n))),
        s.undeliverable,
        count(Some(c.undeliverable)),
        s.distributed,
        c.distributed.map_or("—".into(), |n| count(Some(n)))
    ));
    if let Some(n) = c.open_answers.filter(|&n| n > 0) {
        collection
            .notes
            .push(s.open_answers_note.replace("{n}", &count(Some(n))));
    }
    if let Some(n) = c.pending_paper.filter(|&n| n > 0) {
        collection
            .notes
            .push(s.pending_paper_note.replace("{n}", &count(Some(n))));
    }
    // Ⅰ: sampling error.
    let mut headers = vec![s.sampling_error_n.to_string()];
    headers.extend(super::sampling_error::SHARES.iter().map(|&p| {
        if p == 50 {
            "50%".to_string()
        } else {
            s.sampling_error_share
                .replace("{p}", &p.to_string())
                .replace("{q}", &(100 - p).to_string())
        }
    }));
    let sampling_error = plain(
        "sampling-error",
        s.sampling_error_title.to_string(),
        headers,
        r.outline
            .sampling_error
            .iter()
            .map(|row| RowView {
                label: format!(
                    "{}{}",
                    count(Some(row.n)),
                    if row.this_wave { s.this_wave } else { "" }
                ),
                code: row.n.to_string(),
                cells: row
                    .margins
                    .iter()
                    .zip(super::sampling_error::SHARES)
                    .map(|(m, p)| cell(format!("±{m:.1}"), &format!("p{p}"), format!("{m}")))
                    .collect(),
                reference: false,
                total: row.this_wave,
            })
            .collect(),
    );
    // Ⅱ/Ⅴ: the visions.
    let scores = plain(
        "visions",
        s.scores_title.to_string(),
        vision_headers(s),
        r.visions.iter().map(vision_row).collect(),
    );
    let scores_chart = charts::intervals(
        "scores",
        s.scores_chart,
        &r.visions
            .iter()
            .map(|v| IntervalRow {
                label: v.short.clone(),
                value: v.mean.map(|m| (m, v.ci95)),
                second: v.weighted.map(|w| (w.mean, w.ci95)),
            })
            .collect::<Vec<_>>(),
        &[s.score.to_string(), format!("{} {}", s.weighted, s.score)],
        "x",
    )
    .svg();
    // Ⅲ: the profile.
    let profile = r
        .profile
        .iter()
        .map(|t| {
            let mut headers = vec![String::new(), s.count.to_string(), s.percent.to_string()];
            let with_pop = t.rows.iter().any(|x| x.population_pct.is_some());
            if with_pop {
                headers.extend([
                    s.pct_of_stated.to_string(),
                    s.population_pct.to_string(),
                    s.difference_points.to_string(),
                ]);
            }
            let rows = std::iter::once(RowView {
                label: format!("{}（{}）", s.total, s.n),
                code: "total".into(),
                cells: vec![cell(
                    count(t.n),
                    "n",
                    t.n.map_or(String::new(), |n| n.to_string()),
                )],
                reference: false,
                total: true,
            })
            .chain(t.rows.iter().map(|x| {
                let mut cells = vec![
                    cell(
                        count(x.count),
                        &format!("count:{}", code_of(&x.code)),
                        x.count.map_or(String::new(), |n| n.to_string()),
                    ),
                    cell(
                        one(x.pct),
                        &format!("pct:{}", code_of(&x.code)),
                        value(x.pct),
                    ),
                ];
                if with_pop {
                    cells.push(cell(
                        x.pct_of_stated.map_or("—".into(), |v| format!("{v:.1}")),
                        "stated",
                        value(x.pct_of_stated),
                    ));
                    cells.push(cell(
                        x.population_pct.map_or("—".into(), |v| format!("{v:.1}")),
                        "population",
                        value(x.population_pct),
                    ));
                    cells.push(cell(
                        x.pct_of_stated
                            .zip(x.population_pct)
                            .map_or("—".into(), |(a, b)| format!("{:+.1}", a - b)),
                        "difference",
                        String::new(),
                    ));
                }
                RowView {
                    label: x.label.clone(),
                    code: code_of(&x.code),
                    cells,
                    reference: false,
                    total: false,
                }
            }))
            .collect();
            let chart_rows: Vec<StackedRow> = vec![StackedRow {
                label: s.total.to_string(),
                shares: t.rows.iter().map(|x| x.pct).collect::<Option<Vec<f64>>>(),
            }];
            let categories: Vec<String> = t.rows.iter().map(|x| x.label.clone()).collect();
            let chart = charts::stacked(
                &format!("profile-{}", t.dimension),
                &t.title,
                &categories,
                &chart_rows,
                "x",
            )
            .svg();
            (
                plain(
                    &format!("profile:{}", t.dimension),
                    t.title.clone(),
                    headers,
                    rows,
                ),
                chart,
            )
        })
        .collect();
    // Ⅳ: the questions.
    let questions = r
        .questions
        .iter()
        .map(|q| {
            let simple = simple_view(q, s);
            let simple_chart = chart(
                &format!("c-{}", q.id),
                &format!("{} {}", q.number, s.chart_stacked),
                q,
                &q.simple,
                s,
            );
            let crosses = q
                .crosses
                .iter()
                .map(|t| {
                    let view = cross_view(q, t, s);
                    let svg = if q.multiple {
                        String::new()
                    } else {
                        charts::stacked(
                            &format!("c-{}-{}", q.id, t.dimension),
                            &format!("{} {}", q.number, t.title),
                            &t.columns
                                .iter()
                                .map(|c| c.label.clone())
                                .collect::<Vec<_>>(),
                            &stacked_rows(t),
                            "x",
                        )
                        .svg()
                    };
                    (view, svg)
                })
                .collect();
            let item = q.item.as_ref().map(|f| {
                format!(
                    "{}：{}（{} {}）　{}：{}%　{}：{}　n = {}",
                    s.item_figures,
                    one(f.mean),
                    s.ci95,
                    ci(f.ci95),
                    s.top2,
                    one(f.top2_pct),
                    s.dont_know,
                    count(Some(f.dont_know)),
                    count(Some(f.n))
                )
            });
            let comparison = q.comparison.as_ref().map(|c| {
                let e = r
                    .comparison
                    .as_ref()
                    .map_or(s.earlier.to_string(), |x| x.earlier.series.clone());
                let l = r
                    .comparison
                    .as_ref()
                    .map_or(s.later.to_string(), |x| x.later.series.clone());
                let mut headers = vec![String::new(), s.n.to_string()];
                headers.extend(c.later.columns.iter().map(|x| x.label.clone()));
                let line = |label: &str, t: &FrequencyTable, key: &str| RowView {
                    label: label.to_string(),
                    code: key.to_string(),
                    cells: std::iter::once(cell(
                        count(t.total.n),
                        "n",
                        t.total.n.map_or(String::new(), |n| n.to_string()),
                    ))
                    .chain(c.later.columns.iter().map(|col| {
                        let pct = t
                            .columns
                            .iter()
                            .position(|x| x.code == col.code)
                            .and_then(|i| t.total.cells[i].pct);
                        cell(one(pct), &format!("pct:{}", code_of(&col.code)), value(pct))
                    }))
                    .collect(),
                    reference: false,
                    total: false,
                };
                let view = plain(
                    &format!("compare:{}", q.id),
                    format!("{} {}", q.number, s.comparison_title),
                    headers,
                    vec![line(&e, &c.earlier, "earlier"), line(&l, &c.later, "later")],
                );
                let svg = if q.multiple {
                    String::new()
                } else {
                    let rows = vec![
                        StackedRow {
                            label: e.clone(),
                            shares: c.earlier.total.cells.iter().map(|x| x.pct).collect(),
                        },
                        StackedRow {
                            label: l.clone(),
                            shares: c.later.total.cells.iter().map(|x| x.pct).collect(),
                        },
                    ];
                    charts::stacked(
                        &format!("k-{}", q.id),
                        &format!("{} {}", q.number, s.comparison_title),
                        &c.later
                            .columns
                            .iter()
                            .map(|x| x.label.clone())
                            .collect::<Vec<_>>(),
                        &rows,
                        "x",
                    )
                    .svg()
                };
                (view, svg)
            });
            QuestionView {
                id: q.id.clone(),
                number: q.number.clone(),
                text: q.text.clone(),
                base: q.base.clone(),
                simple,
                simple_chart,
                item,
                crosses,
                comparison,
                findings: q.findings.clone(),
            }
        })
        .collect();
    // Ⅴ: per vision.
    let visions = r
        .vision_sections
        .iter()
        .map(|v| {
            let summary = plain(
                &format!("vision:{}", v.figures.id),
                v.figures.name.clone(),
                vision_headers(s),
                vec![vision_row(&v.figures)],
            );
            let groups = v
                .by_group
                .iter()
                .map(|g| {
                    plain(
                        &format!("vision-group:{}:{}", v.figures.id, g.dimension),
                        format!("{}（{}）", s.vision_by_group, g.title),
                        vec![
                            String::new(),
                            s.n.into(),
                            s.score.into(),
                            s.ci95.into(),
                            format!("{}（%）", s.top2),
                        ],
                        g.rows
                            .iter()
                            .map(|x| RowView {
                                label: format!(
                                    "{}{}",
                                    x.label,
                                    if x.reference { " ※" } else { "" }
                                ),
                                code: code_of(&x.code),
                                cells: vec![
                                    cell(
                                        count(x.n),
                                        "respondents",
                                        x.n.map_or(String::new(), |n| n.to_string()),
                                    ),
                                    cell(
                                        if x.n.is_some() && x.mean.is_none() {
                                            "—".into()
                                        } else {
                                            one(x.mean)
                                        },
                                        "mean_score",
                                        value(x.mean),
                                    ),
                                    cell(ci(x.ci95), "ci95", String::new()),
                                    cell(
                                        if x.n.is_some() && x.top2_pct.is_none() {
                                            "—".into()
                                        } else {
                                            one(x.top2_pct)
                                        },
                                        "top2_box_pct",
                                        value(x.top2_pct),
                                    ),
                                ],
                                reference: x.reference,
                                total: false,
                            })
                            .collect(),
                    )
                })
                .collect();
            let items = plain(
                &format!("items:{}", v.figures.id),
                s.vision_items.to_string(),
                vec![
                    String::new(),
                    s.n.into(),
                    s.score.into(),
                    s.ci95.into(),
                    format!("{}（%）", s.top2),
                    format!("{}（%）", s.dont_know),
                ],
                v.items
                    .iter()
                    .map(|i| {
                        let f = i.figures.as_ref();
                        RowView {
                            label: format!("{} {}", i.number, i.text),
                            code: i.id.clone(),
                            cells: vec![
                                cell(
                                    count(f.map(|f| f.n)),
                                    "respondents",
                                    f.map_or(String::new(), |f| f.n.to_string()),
                                ),
                                cell(
                                    one(f.and_then(|f| f.mean)),
                                    "mean_score",
                                    value(f.and_then(|f| f.mean)),
                                ),
                                cell(ci(f.and_then(|f| f.ci95)), "ci95", String::new()),
                                cell(
                                    one(f.and_then(|f| f.top2_pct)),
                                    "top2_box_pct",
                                    value(f.and_then(|f| f.top2_pct)),
                                ),
                                cell(
                                    one(f.and_then(|f| f.dont_know_pct)),
                                    "dont_know_pct",
                                    value(f.and_then(|f| f.dont_know_pct)),
                                ),
                            ],
                            reference: false,
                            total: false,
                        }
                    })
                    .collect(),
            );
            let items_chart = charts::intervals(
                &format!("items-{}", v.figures.id),
                &format!("{} {}", v.figures.short, s.vision_items),
                &v.items
                    .iter()
                    .map(|i| IntervalRow {
                        label: format!("{} {}", i.number, i.text),
                        value: i.figures.as_ref().and_then(|f| f.mean.map(|m| (m, f.ci95))),
                        second: None,
                    })
                    .collect::<Vec<_>>(),
                &[s.score.to_string()],
                "x",
            )
            .svg();
            VisionView {
                id: v.figures.id.clone(),
                name: v.figures.name.clone(),
                summary,
                groups,
                items,
                items_chart,
                findings: v.findings.clone(),
            }
        })
        .collect();
    // 経年比較.
    let comparison = r.comparison.as_ref().map(|c| {
        let rows = c
            .rows
            .iter()
            .map(|x| {
                let mark = match (x.significant, x.difference) {
                    (Some(true), Some(d)) if d > 0.0 => "↑ ",
                    (Some(true), Some(_)) => "↓ ",
                    _ => "",
                };
                RowView {
                    label: format!(
                        "{} {}",
                        if x.level == "vision" {
                            s.level_vision
                        } else {
                            s.level_item
                        },
                        x.name
                    ),
                    code: format!("{}:{}", x.level, x.id),
                    cells: vec![
                        cell(
                            count(x.earlier_n),
                            "earlier_n",
                            x.earlier_n.map_or(String::new(), |n| n.to_string()),
                        ),
                        cell(one(x.earlier_mean), "earlier_mean", value(x.earlier_mean)),
                        cell(
                            count(x.later_n),
                            "later_n",
                            x.later_n.map_or(String::new(), |n| n.to_string()),
                        ),
                        cell(one(x.later_mean), "later_mean", value(x.later_mean)),
                        cell(
                            x.difference
                                .map_or("x".into(), |d| format!("{mark}{d:+.1}")),
                            "difference",
                            value(x.difference),
                        ),
                        cell(ci(x.ci95), "ci95", String::new()),
                        cell(p(x.p_value), "p_value", value(x.p_value)),
                        cell(
                            x.weighted
                                .map_or("—".into(), |w| format!("{:+.1}", w.difference)),
                            "weighted_difference",
                            value(x.weighted.map(|w| w.difference)),
                        ),
                        cell(
                            x.weighted
                                .map_or("—".into(), |w| format!("{:.0}", w.earlier_effective_n)),
                            "weighted_earlier_effective_n",
                            value(x.weighted.map(|w| w.earlier_effective_n)),
                        ),
                        cell(
                            x.weighted
                                .map_or("—".into(), |w| format!("{:.0}", w.later_effective_n)),
                            "weighted_later_effective_n",
                            value(x.weighted.map(|w| w.later_effective_n)),
                        ),
                    ],
                    reference: false,
                    total: x.level == "vision",
                }
            })
            .collect();
        let view = plain(
            "comparison",
            format!(
                "{}（{} → {}）",
                s.comparison_title, c.earlier.series, c.later.series
            ),
            vec![
                String::new(),
                format!("{} n", c.earlier.series),
                format!("{} {}", c.earlier.series, s.score),
                format!("{} n", c.later.series),
                format!("{} {}", c.later.series, s.score),
                s.difference.into(),
                s.ci95.into(),
                s.p_value.into(),
                format!("{} {}", s.weighted, s.difference),
                format!("{} {}", c.earlier.series, s.effective_n),
                format!("{} {}", c.later.series, s.effective_n),
            ],
            rows,
        );
        let chart = charts::dumbbell(
            "dumbbell",
            s.comparison_chart,
            &c.rows
                .iter()
                .map(|x| PairRow {
                    label: if x.level == "vision" {
                        r.visions
                            .iter()
                            .find(|v| v.id == x.id)
                            .map_or(x.name.clone(), |v| v.short.clone())
                    } else {
                        x.name.clone()
                    },
                    earlier: x.earlier_mean,
                    later: x.later_mean,
                })
                .collect::<Vec<_>>(),
            [&c.earlier.series, &c.later.series],
            "x",
        )
        .svg();
        (view, chart)
    });
    let portfolio = r.portfolio.as_ref().map(|p| {
        plain(
            "portfolio",
            s.portfolio_title.to_string(),
            s.portfolio_headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    if i == 2 && p.asked {
                        s.portfolio_importance_asked.to_string()
                    } else {
                        h.to_string()
                    }
                })
                .collect(),
            p.rows
                .iter()
                .map(|row| RowView {
                    label: format!("{}. {}", row.number, row.text),
                    code: row.item_id.clone(),
                    cells: vec![
                        cell(
                            row.satisfaction.clone(),
                            "satisfaction",
                            row.satisfaction.clone(),
                        ),
                        cell(row.importance.clone(), "importance", row.importance.clone()),
                        cell(row.t_scores.clone(), "t_scores", row.t_scores.clone()),
                        cell(
                            format!("{}{}", row.quadrant, if row.uncertain { " ※" } else { "" }),
                            "quadrant",
                            row.quadrant.to_string(),
                        ),
                        cell(row.index.clone(), "improvement_index", row.index.clone()),
                    ],
                    reference: false,
                    total: false,
                })
                .collect(),
        )
    });
    let page = Page {
        r,
        s,
        lang: if r.lang == Lang::En { "en" } else { "ja" },
        css: stylesheet(r),
        edition_label: if public {
            s.edition_public
        } else {
            s.edition_internal
        },
        edition_note: if public {
            s.edition_public_note
        } else {
            s.edition_internal_note
        },
        collection,
        sampling_error,
        evaluation_headers: s.evaluation_headers.iter().map(|h| h.to_string()).collect(),
        scores,
        scores_chart,
        profile,
        questions,
        visions,
        comparison,
        portfolio,
        public,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "report rendering failed");
        String::new()
    })
}

/// A string as a CSS string literal's content.
fn css_string(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '"' | '\\' | '<' | '>' => format!("\\{:x} ", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// The stylesheet, with the running title of this report in the page margins.
fn stylesheet(r: &Report) -> String {
    let s = Strings::get(r.lang);
    let edition = if r.edition == Edition::Public {
        s.edition_public
    } else {
        s.edition_internal
    };
    include_str!("../../templates/report/report.css")
        .replace(
            "RUNNING_TITLE",
            &css_string(&format!("{}　{}", r.title, edition)),
        )
        .replace("PAGE_LABEL", &css_string(s.page))
}

/// The paper booklet's body with its stylesheet scoped to `.booklet`, so that it prints as
/// the appendix without restyling the report (and the report's styles stay out of it).
pub fn scoped_booklet(html: &str) -> Questionnaire {
    let between = |open: &str, close: &str| -> String {
        html.find(open)
            .and_then(|start| {
                let from = start + html[start..].find('>')? + 1;
                let end = from + html[from..].find(close)?;
                Some(html[from..end].to_string())
            })
            .unwrap_or_default()
    };
    Questionnaire {
        style: scope_css(&between("<style", "</style>"), ".booklet"),
        body: between("<body", "</body>"),
    }
}

/// Prefixes every selector of `css` with `scope` (`html`, `body` and `*` become the scope
/// itself and its descendants); `@page` rules are dropped (the report owns the pages) and
/// `@media` blocks are scoped inside.
pub fn scope_css(css: &str, scope: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let selector = rest[..open].trim();
        // The block, nested braces included.
        let mut depth = 0;
        let mut end = open;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &rest[open + 1..end];
        if selector.starts_with("@page") {
        } else if selector.starts_with("@media") {
            out.push_str(&format!("{selector} {{ {} }}\n", scope_css(body, scope)));
        } else {
            let scoped: Vec<String> = selector
                .split(',')
                .map(|sel| {
                    let sel = sel.trim();
                    match sel {
                        "html" | "body" => scope.to_string(),
                        "*" => format!("{scope}, {scope} *"),
                        _ => format!("{scope} {sel}"),
                    }
                })
                .collect();
            out.push_str(&format!("{} {{{body}}}\n", scoped.join(", ")));
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_printed_as_japanese_reports_print_them() {
        assert_eq!(count(Some(1234567)), "1,234,567");
        assert_eq!(count(Some(12)), "12");
        assert_eq!(count(None), "x");
        assert_eq!(one(Some(45.25)), "45.2");
        assert_eq!(one(Some(45.35)), "45.4");
        assert_eq!(p(Some(0.0004)), "< 0.001");
        assert_eq!(p(Some(0.0123)), "0.012");
    }

    #[test]
    fn the_booklet_css_is_scoped_and_loses_its_page_rule() {
        let css = "@page { size: A4; @bottom-center { content: counter(page); } }\n* { box-sizing: border-box; }\nh1, .cover h2 { font-size: 18pt; }\n@media screen { body { margin: 0; } }";
        let scoped = scope_css(css, ".booklet");
        assert!(
            !scoped.contains("@page") && !scoped.contains("counter(page)"),
            "{scoped}"
        );
        assert!(
            scoped.contains(".booklet, .booklet * { box-sizing: border-box; }"),
            "{scoped}"
        );
        assert!(
            scoped.contains(".booklet h1, .booklet .cover h2 { font-size: 18pt; }"),
            "{scoped}"
        );
        assert!(
            scoped.contains("@media screen { .booklet { margin: 0; }"),
            "{scoped}"
        );
        let b = scoped_booklet(
            "<html><head><style>h2 { color: red; }</style></head><body class=\"x\"><h2>問1</h2></body></html>",
        );
        assert_eq!(b.body, "<h2>問1</h2>");
        assert_eq!(b.style.trim(), ".booklet h2 { color: red; }");
    }

    #[test]
    fn the_running_title_cannot_end_the_css_string() {
        assert_eq!(css_string("a\"b</style>"), "a\\22 b\\3c /style\\3e ");
    }
}
