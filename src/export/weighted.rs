//! Raked weighted figures for the exports (`method = "rake"` in weighting.toml): the
//! running totals added up per age band × area × gender cell, raked to the register
//! margins ([`crate::weights::cells`]), and each vision's weighted mean with its
//! linearisation standard error (regression residuals, src/stats/calibration.rs).

use std::collections::HashMap;

use crate::db;
use crate::domain::Scope;
use crate::stats::{Calibration, CalibrationError, Diagnostics, Method, ValueSums, Variance};
use crate::stats::{SCORE_SHIFT, ScorePlan, TOP2_SHIFT};
/// A vision's weighted score and top-2 share.
pub(crate) type Weighted = (
    crate::stats::WeightedEstimate,
    crate::stats::WeightedEstimate,
);

use crate::weights::RakeSpec;
use crate::weights::cells::{Cell, rake};

/// A cell's answers: age band, area, gender (`None`: not answered).
pub(super) type CellKey<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// A cell's answers, owned, and its respondents.
pub(super) type RakedCell = (Option<String>, Option<String>, Option<String>, u64);

/// One vision's sums over one cell of respondents.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct CellSums {
    pub vision_id: String,
    pub age_band: Option<String>,
    pub area: Option<String>,
    pub gender: Option<String>,
    /// All respondents of the cell, with or without a score.
    pub respondents: u64,
    /// Score sums about [`SCORE_SHIFT`], top-2 sums about [`TOP2_SHIFT`].
    pub score: ValueSums,
    pub top2: ValueSums,
}

impl CellSums {
    pub fn key(&self) -> CellKey<'_> {
        (
            self.age_band.as_deref(),
            self.area.as_deref(),
            self.gender.as_deref(),
        )
    }
}

fn code(c: &str) -> Option<String> {
    (!c.is_empty()).then(|| c.to_string())
}

/// The wave's running totals per vision and cell (channels added up), in a stable order.
pub(super) fn cell_sums(
    conn: &mut db::Conn,
    wave_id: &str,
    scope: Scope,
) -> diesel::QueryResult<Vec<CellSums>> {
    let mut out: Vec<CellSums> = Vec::new();
    let mut index: HashMap<(String, String, String, String), usize> = HashMap::new();
    // Raw sums first: Σ score, Σ score², Σ top2, Σ top2².
    let mut raw: Vec<[f64; 4]> = Vec::new();
    for t in db::scores::totals(conn, wave_id, scope)? {
        let key = (
            t.vision_id.clone(),
            t.age_band.clone(),
            t.area.clone(),
            t.gender.clone(),
        );
        let i = *index.entry(key).or_insert_with(|| {
            out.push(CellSums {
                vision_id: t.vision_id.clone(),
                age_band: code(&t.age_band),
                area: code(&t.area),
                gender: code(&t.gender),
                ..CellSums::default()
            });
            raw.push([0.0; 4]);
            out.len() - 1
        });
        out[i].respondents += t.respondents as u64;
        out[i].score.n += t.n as u64;
        out[i].top2.n += t.n as u64;
        let r = &mut raw[i];
        r[0] += t.score_sum;
        r[1] += t.score_sum_sq;
        r[2] += t.top2_sum;
        r[3] += t.top2_sum_sq;
    }
    for (c, r) in out.iter_mut().zip(raw) {
        let n = c.score.n as f64;
        // Σ (x − s) = Σ x − n s; Σ (x − s)² = Σ x² − 2 s Σ x + n s².
        c.score.sum = r[0] - n * SCORE_SHIFT;
        c.score.sum_sq = r[1] - 2.0 * SCORE_SHIFT * r[0] + n * SCORE_SHIFT * SCORE_SHIFT;
        c.top2.sum = r[2] - n * TOP2_SHIFT;
        c.top2.sum_sq = r[3] - 2.0 * TOP2_SHIFT * r[2] + n * TOP2_SHIFT * TOP2_SHIFT;
    }
    Ok(out)
}

/// A raked wave: its calibration, whose group g is cell g of `cells`.
#[derive(Debug, Clone)]
pub(super) struct Raked {
    pub calibration: Calibration,
    /// (age band, area, gender) per group, and its respondents.
    pub cells: Vec<RakedCell>,
}

impl Raked {
    pub fn diagnostics(&self) -> Diagnostics {
        self.calibration.diagnostics()
    }
}

/// Rakes the respondents of the first vision's cells (every response has a row per
/// vision, so they are everyone).
pub(super) fn rake_wave(
    spec: &RakeSpec,
    plan: &ScorePlan,
    sums: &[CellSums],
) -> Result<Raked, CalibrationError> {
    let first = plan.vision_ids.first().map(String::as_str).unwrap_or("");
    let cells: Vec<RakedCell> = sums
        .iter()
        .filter(|s| s.vision_id == first && s.respondents > 0)
        .map(|s| {
            (
                s.age_band.clone(),
                s.area.clone(),
                s.gender.clone(),
                s.respondents,
            )
        })
        .collect();
    let views: Vec<Cell<'_>> = cells
        .iter()
        .map(|(a, k, g, n)| Cell {
            age_band: a.as_deref(),
            area: k.as_deref(),
            gender: g.as_deref(),
            respondents: *n,
        })
        .collect();
    let calibration = rake(spec, &views)?;
    Ok(Raked { calibration, cells })
}

/// Each vision's weighted score and top-2 share.
pub(super) fn raked_visions<'a>(
    raked: &Raked,
    plan: &'a ScorePlan,
    sums: &[CellSums],
) -> Vec<(&'a str, Option<Weighted>)> {
    plan.vision_ids
        .iter()
        .map(|vision| {
            let mine: HashMap<CellKey<'_>, &CellSums> = sums
                .iter()
                .filter(|s| &s.vision_id == vision)
                .map(|s| (s.key(), s))
                .collect();
            let of = |pick: fn(&CellSums) -> ValueSums| -> Vec<ValueSums> {
                raked
                    .cells
                    .iter()
                    .map(|(a, k, g, _)| {
                        mine.get(&(a.as_deref(), k.as_deref(), g.as_deref()))
                            .map_or(ValueSums::default(), |s| pick(s))
                    })
                    .collect()
            };
            let c = &raked.calibration;
            let score = c.weighted_mean(&of(|s| s.score), SCORE_SHIFT, Variance::Regression);
            let top2 = c.weighted_mean(&of(|s| s.top2), TOP2_SHIFT, Variance::Regression);
            (vision.as_str(), score.zip(top2))
        })
        .collect()
}

/// The diagnostic columns the vision-scores export adds for a raked wave.
pub const RAKE_HEADER: [&str; 6] = [
    "weighting_method",
    "weight_min",
    "weight_max",
    "weight_ratio",
    "weighting_iterations",
    "weighting_status",
];

/// The cells of [`RAKE_HEADER`]: the method and weight summary, or the reason there are
/// no weights.
pub(super) fn rake_columns(
    spec: &RakeSpec,
    result: &Result<Raked, CalibrationError>,
) -> Vec<String> {
    let method = match spec.options.method {
        Method::Rake => "rake",
        Method::Calibrate => "rake_bounded",
    };
    match result {
        Ok(raked) => {
            let d = raked.diagnostics();
            vec![
                method.to_string(),
                super::fixed(d.min_weight),
                super::fixed(d.max_weight),
                super::fixed(d.weight_ratio()),
                d.iterations.to_string(),
                "ok".to_string(),
            ]
        }
        Err(e) => vec![
            method.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            e.to_string(),
        ],
    }
}
