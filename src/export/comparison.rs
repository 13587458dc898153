//! `wave-comparison`: the mid-term (2026) and final (2028) waves side by side, per vision
//! and per core item (a scored item with the same id in both waves): both means, the
//! difference later − earlier with its 95% CI, Welch's p-value and whether p < 0.05
//! ([`crate::stats::welch`]; the waves are independent samples). A row whose figures rest
//! on fewer respondents than the minimum in either wave is blanked and flagged.
//!
//! The route's wave is one of the pair; the other is the wave before it (or, for the first
//! wave, the one after it) by opening date.

use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, fixed, opt};
use crate::db;
use crate::db::scores::{GroupSums, ScorePlan};
use crate::definitions::{Definitions, Wave};
use crate::domain::Scope;
use crate::stats::{Comparison, SampleMoments, item_figures, welch};

pub const HEADER: [&str; 18] = [
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
];

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
    for wave in [earlier, later] {
        db::scores::ensure_current(conn, &ScorePlan::new(wave, &ctx.definitions.visions))?;
        sums.push(db::scores::by_stratum(conn, &wave.id, scope)?);
    }
    let min = ctx.min_group_size.max(1);
    for vision in &ctx.definitions.visions {
        let side = |sums: &[GroupSums]| -> Side {
            let mine: Vec<&GroupSums> = sums.iter().filter(|s| s.vision_id == vision.id).collect();
            super::vision_scores::summary_of(&mine)
                .map(|s| (s.n, s.mean, SampleMoments::from_summary(&s)))
        };
        let row = [
            "vision".to_string(),
            vision.id.clone(),
            vision.id.clone(),
            vision.name.ja.clone(),
            vision.name.en.clone(),
        ];
        write_row(
            csv,
            &row,
            earlier,
            later,
            side(&sums[0]),
            side(&sums[1]),
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
            let f = item_figures(&counts.get(&q.id).copied().unwrap_or_default());
            f.mean.map(|m| (f.n, m, SampleMoments::from_item(&f)))
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
            side(&e_counts),
            side(&l_counts),
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
    e: Side,
    l: Side,
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
                c.and_then(|c| c.p_value)
                    .map_or(String::new(), |p| format!("{p:.6}")),
                c.and_then(|c| c.significant)
                    .map_or(String::new(), |s| s.to_string()),
                if c.is_some() { "welch" } else { "" }.to_string(),
                "false".into(),
            ]);
        }
        _ => {
            row.extend(std::iter::repeat_n(String::new(), 10));
            row.push("true".into());
        }
    }
    csv.write(&row)
}
