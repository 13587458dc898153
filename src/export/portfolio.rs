//! `cs-portfolio`: satisfaction × importance (CSポートフォリオ) of the wave's scored items
//! ([`crate::evaluation::portfolio`] states every formula): per item its satisfaction (the
//! item's mean, 0–100, with its 95% CI), its derived importance (correlation with the
//! overall-satisfaction item of `targets.toml`'s `[portfolio]`, else the corrected
//! item–total correlation, with Fisher's CI), both 偏差値, the quadrant, the 改善度指数 and
//! whether a CI crosses a mean line. An item suppressed as in `item-scores`, or whose
//! correlation rests on fewer respondents than the minimum, is blanked, flagged and left out
//! of the means.
//!
//! The correlations need each respondent's answers: one streaming pass over the wave's
//! responses (one response held at a time).

use std::collections::HashMap;
use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, fixed, opt};
use crate::db;
use crate::definitions::Wave;
use crate::domain::Scope;
use crate::evaluation::change::Estimate;
use crate::evaluation::portfolio::{Importance, ItemInput, PairSums, Portfolio, analyse};
use crate::stats::{item_figures, scale_disclosure};

pub const HEADER: [&str; 26] = [
    "wave_id",
    "vision_id",
    "item_id",
    "item_ja",
    "item_en",
    "respondents",
    "satisfaction",
    "satisfaction_ci95_lower",
    "satisfaction_ci95_upper",
    "importance_method",
    "importance_n",
    "importance",
    "importance_ci95_lower",
    "importance_ci95_upper",
    "satisfaction_mean",
    "importance_mean",
    "satisfaction_t",
    "importance_t",
    "quadrant",
    "quadrant_ja",
    "quadrant_en",
    "distance",
    "angle_deg",
    "improvement_index",
    "crosses_mean_line",
    "suppressed",
];

/// The columns of [`HEADER`] that hold computed numbers (added to the exports' list).
pub const NUMERIC: [&str; 14] = [
    "satisfaction",
    "satisfaction_ci95_lower",
    "satisfaction_ci95_upper",
    "importance_n",
    "importance",
    "importance_ci95_lower",
    "importance_ci95_upper",
    "satisfaction_mean",
    "importance_mean",
    "satisfaction_t",
    "importance_t",
    "distance",
    "angle_deg",
    "improvement_index",
];

/// How importance was found: `asked` (importance questions, a point per vision),
/// `overall:QUESTION` or `item_rest` (derived, a point per item).
pub fn method(overall: Option<&str>) -> String {
    overall.map_or("item_rest".to_string(), |q| format!("overall:{q}"))
}

/// The wave's analysis: the items placed (publishable ones only), every scored item's id
/// and vision in form order, and the importance method.
pub struct Analysis {
    pub portfolio: Option<Portfolio>,
    pub items: Vec<(String, String)>,
    pub method: String,
}

/// The overall item of the targets, when the wave asks it as a scale question.
fn overall_of<'a>(ctx: &'a ExportContext, wave: &Wave) -> Option<&'a str> {
    let t = ctx.targets.as_ref().ok()?.as_ref()?;
    let q = t.overall.as_deref()?;
    wave.question(q)
        .is_some_and(|q| q.kind.name() == "scale")
        .then_some(q)
}

/// Each item's correlation sums, from one pass over the responses: with the overall
/// item's answer, or with the mean of the respondent's other scored answers.
fn pair_sums(
    conn: &mut db::Conn,
    wave: &Wave,
    items: &[(String, String)],
    overall: Option<&str>,
    scope: Scope,
) -> Result<HashMap<String, PairSums>, ExportError> {
    let index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let mut sums = vec![PairSums::default(); items.len()];
    let flags = scope.sample_flags();
    let mut values: Vec<Option<f64>> = vec![None; items.len()];
    db::responses::for_each_response(conn, &wave.id, |r| -> Result<(), ExportError> {
        if !flags.contains(&r.in_sample) {
            return Ok(());
        }
        values.iter_mut().for_each(|v| *v = None);
        let mut overall_value = None;
        for (q, v) in db::responses::decode(r.answers)? {
            let Ok(x @ 1..=5) = v.parse::<u8>() else {
                continue;
            };
            if Some(q.as_ref()) == overall {
                overall_value = Some(f64::from(x));
            } else if let Some(&i) = index.get(q.as_ref()) {
                values[i] = Some(f64::from(x));
            }
        }
        match overall {
            Some(_) => {
                if let Some(y) = overall_value {
                    for (i, x) in values.iter().enumerate() {
                        if let Some(x) = x {
                            sums[i].add(*x, y);
                        }
                    }
                }
            }
            None => {
                let (total, count) = values
                    .iter()
                    .flatten()
                    .fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
                if count >= 2 {
                    for (i, x) in values.iter().enumerate() {
                        if let Some(x) = x {
                            sums[i].add(*x, (total - x) / (count - 1) as f64);
                        }
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(items.iter().map(|(id, _)| id.clone()).zip(sums).collect())
}

/// The wave's portfolio (module docs).
pub fn analysis(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
) -> Result<Analysis, ExportError> {
    if wave.importance_items().next().is_some() {
        return asked(conn, ctx, wave, scope);
    }
    let overall = overall_of(ctx, wave);
    let items: Vec<(String, String)> = wave
        .scored_items()
        .filter(|(_, q)| Some(q.id.as_str()) != overall)
        .map(|(v, q)| (q.id.clone(), v.to_string()))
        .collect();
    let counts = super::items::counts(conn, wave, scope)?;
    let sums = pair_sums(conn, wave, &items, overall, scope)?;
    let min = ctx.min_group_size.max(1);
    let inputs = items
        .iter()
        .filter_map(|(id, vision)| {
            let c = counts.get(id).copied().unwrap_or_default();
            let mut cells = c.answers.to_vec();
            cells.push(c.dont_know);
            if c.answered() == 0 || !scale_disclosure(&cells, min).item_published {
                return None;
            }
            let f = item_figures(&c);
            let importance = sums.get(id)?.correlation().filter(|r| r.n >= min)?;
            Some(ItemInput {
                id: id.clone(),
                vision: vision.clone(),
                satisfaction: Estimate::Mean {
                    n: f.n,
                    mean: f.mean?,
                    sd: f.sd,
                },
                importance: Importance::Derived(importance),
            })
        })
        .collect();
    Ok(Analysis {
        portfolio: analyse(inputs),
        items,
        method: method(overall),
    })
}

/// The portfolio where the wave asks importance: a point per vision with an importance
/// question — its score (as `vision-scores`) against the question's mean on 0–100. A point
/// whose score or importance is not publishable is left out.
fn asked(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
) -> Result<Analysis, ExportError> {
    let items: Vec<(String, String)> = wave
        .importance_items()
        .map(|(v, q)| (q.id.clone(), v.to_string()))
        .collect();
    let counts = super::items::counts(conn, wave, scope)?;
    let data = super::evaluation::wave_data(conn, ctx, wave, scope)?;
    let min = ctx.min_group_size.max(1);
    let inputs = items
        .iter()
        .filter_map(|(id, vision)| {
            let c = counts.get(id).copied().unwrap_or_default();
            let mut cells = c.answers.to_vec();
            cells.push(c.dont_know);
            if c.answered() == 0 || !scale_disclosure(&cells, min).item_published {
                return None;
            }
            let f = item_figures(&c);
            let score = data.visions.get(vision)?.score().filter(|s| s.n() >= min)?;
            Some(ItemInput {
                id: id.clone(),
                vision: vision.clone(),
                satisfaction: score,
                importance: Importance::Asked(Estimate::Mean {
                    n: f.n,
                    mean: f.mean?,
                    sd: f.sd,
                }),
            })
        })
        .collect();
    Ok(Analysis {
        portfolio: analyse(inputs),
        items,
        method: "asked".into(),
    })
}

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let a = analysis(conn, ctx, wave, scope)?;
    for (id, vision) in &a.items {
        let q = wave.question(id).expect("a scored item of the wave");
        let mut row = vec![
            wave.id.clone(),
            vision.clone(),
            id.clone(),
            q.text.ja.clone(),
            q.text.en.clone(),
        ];
        let placed = a
            .portfolio
            .as_ref()
            .and_then(|p| Some((p, p.items.iter().find(|i| i.input.id == *id)?)));
        match placed {
            Some((p, i)) => {
                let s = i.input.satisfaction;
                let s_ci = s.ci95();
                let r = i.input.importance;
                let r_ci = r.ci95();
                row.extend([
                    s.n().to_string(),
                    fixed(s.value()),
                    opt(s_ci.map(|c| c.0)),
                    opt(s_ci.map(|c| c.1)),
                    a.method.clone(),
                    r.n().to_string(),
                    fixed(r.value()),
                    opt(r_ci.map(|c| c.0)),
                    opt(r_ci.map(|c| c.1)),
                    fixed(p.satisfaction_mean),
                    fixed(p.importance_mean),
                    fixed(i.satisfaction_t),
                    fixed(i.importance_t),
                    i.quadrant.code().to_string(),
                    i.quadrant.ja().to_string(),
                    i.quadrant.en().to_string(),
                    fixed(i.distance),
                    fixed(i.angle),
                    fixed(i.improvement_index),
                    i.crosses_mean_line.to_string(),
                    "false".into(),
                ]);
            }
            None => {
                row.extend(std::iter::repeat_n(String::new(), 4));
                row.push(a.method.clone());
                row.extend(std::iter::repeat_n(String::new(), 15));
                row.push("true".into());
            }
        }
        csv.write(&row)?;
    }
    Ok(())
}
