//! `wave-comparison`: the mid-term (2026) and final (2028) waves side by side, per vision
//! and per core item (a scored item with the same id in both waves): both means, the
//! difference later − earlier with its 95% CI, Welch's p-value and whether p < 0.05
//! ([`crate::stats::welch`]; the waves are independent samples). A row whose figures rest
//! on fewer respondents than the minimum in either wave is blanked and flagged.
//!
//! The route's wave is one of the pair; the other is the wave before it (or, for the first
//! wave, the one after it) by opening date.
//!
//! The `weighted_*` columns compare the post-stratified means of `vision-scores` (vision
//! rows only; blank for items and when a wave cannot be weighted): SE = √(SE₁² + SE₂²), a
//! normal test ([`crate::stats::weighted_difference`]). They can differ in sign from the
//! unweighted difference, which is why both are shown. Each side's weighting diagnostics
//! follow, as in `vision-scores`: Kish's design effect due to unequal weights,
//! n Σw² / (Σw)² over the respondents with a score, and the effective sample size n / deff
//! (blank where the weighted figures are), then each wave's smallest and largest weight
//! and their ratio (over all its respondents).

use std::io::Write;

use super::vision_scores::{Weighted, weight};
use super::{CsvWriter, ExportContext, ExportError, fixed, opt, p_value};
use crate::db;
use crate::definitions::{Definitions, Wave};
use crate::domain::Scope;
use crate::stats::GroupSums;
use crate::stats::{
    Comparison, SampleMoments, WeightedEstimate, item_figures, weighted_difference, welch,
};

pub const HEADER: [&str; 36] = [
    "level",
    "id",
    "vision_id",
    "name_ja",
    "name_en",
    "earlier_wave",
    "later_wave",
    "earlier_n",
    "earlier_mean",
    "later_n",
    "later_mean",
    "difference",
    "ci95_lower",
    "ci95_upper",
    "p_value",
    "significant",
    "test",
    "suppressed",
    "weighted_earlier_mean",
    "weighted_later_mean",
    "weighted_difference",
    "weighted_difference_se",
    "weighted_difference_ci95_lower",
    "weighted_difference_ci95_upper",
    "weighted_p_value",
    "weighted_significant",
    "weighted_earlier_kish_deff",
    "weighted_earlier_effective_n",
    "weighted_later_kish_deff",
    "weighted_later_effective_n",
    "weighted_earlier_weight_min",
    "weighted_earlier_weight_max",
    "weighted_earlier_weight_ratio",
    "weighted_later_weight_min",
    "weighted_later_weight_max",
    "weighted_later_weight_ratio",
];

/// The `weighted_*` columns at the end of [`HEADER`].
const WEIGHTED_COLUMNS: usize = 18;

/// The (earlier, later) pair the wave belongs to.
pub(super) fn pair<'a>(
    defs: &'a Definitions,
    wave: &'a Wave,
) -> Result<(&'a Wave, &'a Wave), ExportError> {
    let mut waves: Vec<&Wave> = defs.waves.iter().collect();
    waves.sort_by_key(|w| w.opens);
    let i = waves
        .iter()
        .position(|w| w.id == wave.id)
        .expect("the wave is defined");
    match (i.checked_sub(1).map(|j| waves[j]), waves.get(i + 1)) {
        (Some(earlier), _) => Ok((earlier, wave)),
        (None, Some(later)) => Ok((wave, later)),
        (None, None) => Err(ExportError::Unavailable(format!(
            "wave `{}` has no other wave to be compared with",
            wave.id
        ))),
    }
}

/// One side's weighted estimate and its wave's (smallest, largest) weight.
type WeightedSide = (WeightedEstimate, (f64, f64));

/// n and mean of one side, and its moments for the test.
type Side = Option<(u64, f64, Option<SampleMoments>)>;

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    earlier: &Wave,
    later: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let mut sums = Vec::new();
    let mut weighted: Vec<Vec<(String, Option<Weighted>)>> = Vec::new();
    let mut ranges = Vec::new();
    for wave in [earlier, later] {
        let plan = ctx.plans.of(wave);
        db::scores::ensure_current(conn, &plan)?;
        let s = db::scores::by_stratum(conn, &wave.id, scope)?;
        let w = weight(conn, ctx, wave, &plan, scope, &s)?;
        ranges.push(w.weight_range);
        weighted.push(
            w.visions
                .into_iter()
                .map(|(id, w)| (id.to_string(), w))
                .collect(),
        );
        sums.push(s);
    }
    let min = ctx.min_group_size.max(1);
    for vision in &ctx.definitions.visions {
        let side = |sums: &[GroupSums]| -> Side {
            let mine: Vec<&GroupSums> = sums.iter().filter(|s| s.vision_id == vision.id).collect();
            crate::stats::summary_of(&mine).map(|s| (s.n, s.mean, SampleMoments::from_summary(&s)))
        };
        let row = [
            "vision".to_string(),
            vision.id.clone(),
            vision.id.clone(),
            vision.name.ja.clone(),
            vision.name.en.clone(),
        ];
        let w = |i: usize| {
            weighted[i]
                .iter()
                .find(|(id, _)| *id == vision.id)
                .and_then(|(_, w)| w.map(|w| w.0))
                .zip(ranges[i])
        };
        let weighted = w(0).zip(w(1));
        write_row(
            csv,
            &row,
            earlier,
            later,
            (side(&sums[0]), side(&sums[1])),
            weighted,
            min,
        )?;
    }
    let (e_counts, l_counts) = (
        super::items::counts(conn, earlier, scope)?,
        super::items::counts(conn, later, scope)?,
    );
    for (vision, q) in earlier.scored_items() {
        if !later.scored_items().any(|(_, l)| l.id == q.id) {
            continue;
        }
        let side = |counts: &std::collections::HashMap<String, crate::stats::ItemCounts>| -> Side {
            let c = counts.get(&q.id).copied().unwrap_or_default();
            let f = item_figures(&c);
            // Blanked as in item-scores, whose figures these are.
            f.mean
                .filter(|_| super::items::publishable(&c, min))
                .map(|m| (f.n, m, SampleMoments::from_item(&f)))
        };
        let row = [
            "item".to_string(),
            q.id.clone(),
            vision.to_string(),
            q.text.ja.clone(),
            q.text.en.clone(),
        ];
        write_row(
            csv,
            &row,
            earlier,
            later,
            (side(&e_counts), side(&l_counts)),
            None,
            min,
        )?;
    }
    Ok(())
}

fn write_row<W: Write>(
    csv: &mut CsvWriter<W>,
    first: &[String; 5],
    earlier: &Wave,
    later: &Wave,
    (e, l): (Side, Side),
    weighted: Option<(WeightedSide, WeightedSide)>,
    min: u64,
) -> Result<(), ExportError> {
    let mut row = first.to_vec();
    row.extend([earlier.id.clone(), later.id.clone()]);
    let shown = |s: Side| s.filter(|(n, _, _)| *n >= min);
    match (shown(e), shown(l)) {
        (Some((en, em, emo)), Some((ln, lm, lmo))) => {
            let c: Option<Comparison> = emo.zip(lmo).and_then(|(a, b)| welch(&a, &b));
            row.extend([
                en.to_string(),
                fixed(em),
                ln.to_string(),
                fixed(lm),
                fixed(lm - em),
                opt(c.and_then(|c| c.ci95).map(|c| c.0)),
                opt(c.and_then(|c| c.ci95).map(|c| c.1)),
                c.and_then(|c| c.p_value).map_or(String::new(), p_value),
                c.and_then(|c| c.significant)
                    .map_or(String::new(), |s| s.to_string()),
                if c.is_some() { "welch" } else { "" }.to_string(),
                "false".into(),
            ]);
            match weighted {
                Some(((a, a_range), (b, b_range))) => {
                    let d = weighted_difference(&a, &b);
                    row.extend([
                        fixed(a.mean),
                        fixed(b.mean),
                        fixed(b.mean - a.mean),
                        opt(d.map(|d| d.se)),
                        opt(d.and_then(|d| d.ci95).map(|c| c.0)),
                        opt(d.and_then(|d| d.ci95).map(|c| c.1)),
                        d.and_then(|d| d.p_value).map_or(String::new(), p_value),
                        d.and_then(|d| d.significant)
                            .map_or(String::new(), |s| s.to_string()),
                        fixed(a.kish_deff),
                        fixed(a.effective_n()),
                        fixed(b.kish_deff),
                        fixed(b.effective_n()),
                    ]);
                    for (lo, hi) in [a_range, b_range] {
                        row.extend([fixed(lo), fixed(hi), fixed(hi / lo)]);
                    }
                }
                None => row.extend(std::iter::repeat_n(String::new(), WEIGHTED_COLUMNS)),
            }
        }
        _ => {
            row.extend(std::iter::repeat_n(String::new(), 10));
            row.push("true".into());
            row.extend(std::iter::repeat_n(String::new(), WEIGHTED_COLUMNS));
        }
    }
    csv.write(&row)
}
