//! `representativeness` (回答者構成と住基構成): per age band, gender and area, the
//! respondents' composition against the register's, before and after weighting, and —
//! when weighting.toml names the sample plan — the response rate per sample stratum.
//!
//! Rows, by `dimension`:
//! - `age_band`, `gender`, `area`: one per option of the question and one for "not
//!   answered" (code empty). `register_population` and `register_share_pct` come from the
//!   register file that has the column (a raking margin, or population.csv's age bands and
//!   areas when post-stratifying), blank when the register has no such category (e.g.
//!   gender `other`). `respondent_share_pct` is over all respondents;
//!   `respondent_register_share_pct` over the respondents in the register's categories,
//!   so that it compares with `register_share_pct` (`difference_pct_points` = the one
//!   minus the other). `weighted_share_pct` is the same share with the weights: for a
//!   weighting variable it is the margin fit (equal to the register share when the
//!   weights converged).
//! - `sample_stratum`: per stratum of the plan (codes joined by `:`), N_h
//!   (`register_population`), the letters n_h (`sample_size`), the design weight, the
//!   respondents whose answers place them in the stratum and `response_rate_pct` =
//!   respondents / n_h; a row `(unknown)` for respondents who did not give their stratum,
//!   and `(total)`.
//!
//! Small groups are blanked as in `vision-scores-by-group` and `question-distribution`
//! (the same decisions, [`super::disclosure`]); sample strata with the same rule over
//! their own counts.

use std::collections::HashMap;
use std::io::Write;

use super::disclosure;
use super::weighted::{CellSums, cell_sums, rake_wave};
use super::{CsvWriter, ExportContext, ExportError, fixed};
use crate::db;
use crate::db::scores::GroupBy;
use crate::definitions::Wave;
use crate::domain::Scope;
use crate::stats::ScorePlan;
use crate::stats::{
    StratumAnswers, SuppressionReason, WeightingOptions, post_stratify_groups, suppress_linked,
};
use crate::weights::{DesignSpec, Dimension, WaveWeighting};

pub const HEADER: [&str; 16] = [
    "wave_id",
    "dimension",
    "category",
    "label_ja",
    "label_en",
    "register_population",
    "register_share_pct",
    "respondents",
    "respondent_share_pct",
    "respondent_register_share_pct",
    "difference_pct_points",
    "weighted_share_pct",
    "sample_size",
    "response_rate_pct",
    "design_weight",
    "suppressed",
];

/// One cell of respondents with its weight (`None` without weights).
struct Cell {
    age_band: Option<String>,
    area: Option<String>,
    gender: Option<String>,
    respondents: u64,
    weight: Option<f64>,
}

impl Cell {
    fn answer(&self, d: Dimension) -> Option<&str> {
        match d {
            Dimension::AgeBand => self.age_band.as_deref(),
            Dimension::Area => self.area.as_deref(),
            Dimension::Gender => self.gender.as_deref(),
        }
    }
}

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let plan = ScorePlan::new(wave, &ctx.definitions.visions);
    db::scores::ensure_current(conn, &plan)?;
    let sums = cell_sums(conn, &wave.id, scope)?;
    let weighting = ctx.weighting(&wave.id);
    let cells = weighted_cells(weighting, &plan, &sums);
    let total: u64 = cells.iter().map(|c| c.respondents).sum();
    let min = ctx.min_group_size.max(1);

    for (by, d) in [
        (GroupBy::AgeBand, Dimension::AgeBand),
        (GroupBy::Gender, Dimension::Gender),
        (GroupBy::Area, Dimension::Area),
    ] {
        let Some(grouping) = disclosure::grouping(conn, ctx, wave, by, d.id(), scope)? else {
            continue;
        };
        let register = register_of(weighting, d);
        let register_total: f64 = register.values().sum();
        let count = |code: Option<&str>| -> u64 {
            cells
                .iter()
                .filter(|c| c.answer(d) == code)
                .map(|c| c.respondents)
                .sum()
        };
        let in_register = |code: Option<&str>| code.is_some_and(|c| register.contains_key(c));
        let known: u64 = grouping
            .groups
            .iter()
            .filter(|g| in_register(g.0.as_deref()))
            .map(|g| count(g.0.as_deref()))
            .sum();
        let weighted_of = |code: Option<&str>| -> Option<f64> {
            cells
                .iter()
                .filter(|c| c.answer(d) == code)
                .map(|c| c.weight.map(|w| w * c.respondents as f64))
                .sum()
        };
        let weighted_known: Option<f64> = grouping
            .groups
            .iter()
            .filter(|g| in_register(g.0.as_deref()))
            .map(|g| weighted_of(g.0.as_deref()))
            .sum();
        for (code, ja, en) in &grouping.groups {
            let code = code.as_deref();
            let reg = code.and_then(|c| register.get(c)).copied();
            let n = count(code);
            let suppressed = grouping.reason(code).is_some();
            let pct = |a: f64, b: f64| (b > 0.0).then(|| fixed(100.0 * a / b));
            let register_share = reg.and_then(|r| pct(r, register_total));
            let respondent_register_share = reg.and_then(|_| pct(n as f64, known as f64));
            let difference = reg.and_then(|r| {
                (known > 0 && register_total > 0.0)
                    .then(|| fixed(100.0 * (n as f64 / known as f64 - r / register_total)))
            });
            let weighted_share = reg.and_then(|_| {
                let w = weighted_of(code)?;
                pct(w, weighted_known?)
            });
            let shown = |v: Option<String>| {
                if suppressed {
                    String::new()
                } else {
                    v.unwrap_or_default()
                }
            };
            csv.write(&[
                wave.id.clone(),
                d.id().to_string(),
                code.unwrap_or("").to_string(),
                ja.clone(),
                en.clone(),
                reg.map_or(String::new(), |r| format!("{r}")),
                register_share.unwrap_or_default(),
                shown(Some(n.to_string())),
                shown(pct(n as f64, total as f64)),
                shown(respondent_register_share),
                shown(difference),
                shown(weighted_share),
                String::new(),
                String::new(),
                String::new(),
                suppressed.to_string(),
            ])?;
        }
    }
    let design = match weighting {
        Some(WaveWeighting::Rake(spec)) => spec.design.as_ref(),
        Some(WaveWeighting::PostStratify { design, .. }) => design.as_ref(),
        None => None,
    };
    if let Some(design) = design {
        write_strata(wave, design, &cells, total, min, csv)?;
    }
    Ok(())
}

/// The register's count per code of a dimension: from the first raking margin with that
/// column (single-column margins first), or population.csv's marginal totals.
fn register_of(weighting: Option<&WaveWeighting>, d: Dimension) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    match weighting {
        Some(WaveWeighting::Rake(spec)) => {
            let mut margins: Vec<_> = spec
                .margins
                .iter()
                .filter(|m| m.columns.contains(&d))
                .collect();
            margins.sort_by_key(|m| m.columns.len());
            if let Some(m) = margins.first() {
                let i = m.columns.iter().position(|c| *c == d).expect("has it");
                for (key, total) in m.categories.iter().zip(&m.totals) {
                    *out.entry(key[i].clone()).or_insert(0.0) += total;
                }
            }
        }
        Some(WaveWeighting::PostStratify { population, .. }) => {
            let codes = population.codes();
            match d {
                Dimension::AgeBand => {
                    for (a, code) in codes.age_bands.iter().enumerate() {
                        out.insert(code.clone(), population.age_band_total(a) as f64);
                    }
                }
                Dimension::Area => {
                    for (k, code) in codes.areas.iter().enumerate() {
                        out.insert(code.clone(), population.area_total(k) as f64);
                    }
                }
                Dimension::Gender => {}
            }
        }
        None => {}
    }
    out
}

/// The first vision's cells (everyone) with each respondent's weight as the wave is
/// weighted (none when it is not, or the weights could not be made).
fn weighted_cells(
    weighting: Option<&WaveWeighting>,
    plan: &ScorePlan,
    sums: &[CellSums],
) -> Vec<Cell> {
    let first = plan.vision_ids.first().map(String::as_str).unwrap_or("");
    let mut cells: Vec<Cell> = sums
        .iter()
        .filter(|s| s.vision_id == first && s.respondents > 0)
        .map(|s| Cell {
            age_band: s.age_band.clone(),
            area: s.area.clone(),
            gender: s.gender.clone(),
            respondents: s.respondents,
            weight: None,
        })
        .collect();
    match weighting {
        Some(WaveWeighting::Rake(spec)) => {
            if let Ok(raked) = rake_wave(spec, plan, sums) {
                for (cell, (g, _)) in cells.iter_mut().zip(raked.cells.iter().enumerate()) {
                    cell.weight = Some(raked.calibration.weight(g));
                }
            }
        }
        Some(WaveWeighting::PostStratify { population, .. }) => {
            // Groups by (age band, area), as the vision-scores export weights them.
            let mut keys: Vec<(Option<&str>, Option<&str>)> = Vec::new();
            let mut counts: Vec<u64> = Vec::new();
            let mut of_cell = Vec::with_capacity(cells.len());
            for c in &cells {
                let key = (c.age_band.as_deref(), c.area.as_deref());
                let i = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                    keys.push(key);
                    counts.push(0);
                    keys.len() - 1
                });
                counts[i] += c.respondents;
                of_cell.push(i);
            }
            let groups: Vec<(StratumAnswers<'_>, u64)> = keys
                .iter()
                .zip(&counts)
                .map(|(&(age_band, area), &n)| (StratumAnswers { age_band, area }, n))
                .collect();
            if let Ok(ps) = post_stratify_groups(population, &groups, WeightingOptions::default()) {
                let weights: Vec<f64> = (0..groups.len())
                    .map(|g| ps.strata()[ps.stratum_of_group(g)].weight)
                    .collect();
                for (cell, g) in cells.iter_mut().zip(of_cell) {
                    cell.weight = Some(weights[g]);
                }
            }
        }
        None => {}
    }
    cells
}

/// The sample strata of the plan: letters, respondents and response rate.
fn write_strata<W: Write>(
    wave: &Wave,
    design: &DesignSpec,
    cells: &[Cell],
    total: u64,
    min: u64,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let stratum_of = |c: &Cell| -> Option<usize> {
        let key: Option<Vec<&str>> = design
            .columns
            .iter()
            .map(|d| c.answer(*d).filter(|a| *a != d.no_answer()))
            .collect();
        let key = key?;
        design
            .strata
            .iter()
            .position(|s| s.0.iter().map(String::as_str).eq(key.iter().copied()))
    };
    let mut counts = vec![0u64; design.strata.len() + 1];
    for c in cells {
        counts[stratum_of(c).unwrap_or(design.strata.len())] += c.respondents;
    }
    let reasons: Vec<Option<SuppressionReason>> =
        suppress_linked(std::slice::from_ref(&counts), min);
    let dimension = design
        .columns
        .iter()
        .map(|d| d.id())
        .collect::<Vec<_>>()
        .join("×");
    let rate = |n: u64, letters: u64| fixed(100.0 * n as f64 / letters as f64);
    for (h, (key, population, letters)) in design.strata.iter().enumerate() {
        let suppressed = reasons[h].is_some();
        let shown = |v: String| if suppressed { String::new() } else { v };
        csv.write(&[
            wave.id.clone(),
            "sample_stratum".to_string(),
            key.join(":"),
            dimension.clone(),
            dimension.clone(),
            population.to_string(),
            String::new(),
            shown(counts[h].to_string()),
            shown(fixed(100.0 * counts[h] as f64 / total.max(1) as f64)),
            String::new(),
            String::new(),
            String::new(),
            letters.to_string(),
            shown(rate(counts[h], *letters)),
            fixed(*population as f64 / *letters as f64),
            suppressed.to_string(),
        ])?;
    }
    let unknown = design.strata.len();
    let suppressed = reasons[unknown].is_some();
    csv.write(&[
        wave.id.clone(),
        "sample_stratum".to_string(),
        crate::stats::UNKNOWN_CATEGORY.to_string(),
        "層不明（無回答）".to_string(),
        "stratum not given".to_string(),
        String::new(),
        String::new(),
        if suppressed {
            String::new()
        } else {
            counts[unknown].to_string()
        },
        if suppressed {
            String::new()
        } else {
            fixed(100.0 * counts[unknown] as f64 / total.max(1) as f64)
        },
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        fixed(design.overall_weight()),
        suppressed.to_string(),
    ])?;
    let letters: u64 = design.strata.iter().map(|s| s.2).sum();
    let population: u64 = design.strata.iter().map(|s| s.1).sum();
    let suppressed = total < min;
    csv.write(&[
        wave.id.clone(),
        "sample_stratum".to_string(),
        "(total)".to_string(),
        "計".to_string(),
        "total".to_string(),
        population.to_string(),
        String::new(),
        if suppressed {
            String::new()
        } else {
            total.to_string()
        },
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        letters.to_string(),
        if suppressed {
            String::new()
        } else {
            rate(total, letters)
        },
        fixed(population as f64 / letters as f64),
        suppressed.to_string(),
    ])?;
    Ok(())
}
