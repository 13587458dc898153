//! `item-scores`: one row per scored item (5-point scale) with its unweighted figures
//! ([`crate::stats::item_figures`]); an item answered 1–5 by fewer respondents than the
//! minimum group size, or with an answer count (「わからない」 included) between 1 and the
//! minimum, is blanked and flagged: its figures would give that count away
//! ([`crate::stats::scale_disclosure`], shared with `question-distribution`).

use std::collections::HashMap;
use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, fixed, opt};
use crate::db;
use crate::definitions::Wave;
use crate::domain::{DONT_KNOW, Scope};
use crate::stats::{ItemCounts, ItemFigures, item_figures, scale_disclosure};

pub const HEADER: [&str; 17] = [
    "wave_id",
    "vision_id",
    "question_id",
    "question_ja",
    "question_en",
    "respondents",
    "mean_score",
    "sd",
    "se",
    "ci95_lower",
    "ci95_upper",
    "top2_box_pct",
    "top2_ci95_lower",
    "top2_ci95_upper",
    "dont_know",
    "dont_know_pct",
    "suppressed",
];

/// Each 5-point item's counts (scored items and importance questions) in one aggregate
/// query.
pub(crate) fn counts(
    conn: &mut db::Conn,
    wave: &Wave,
    scope: Scope,
) -> Result<HashMap<String, ItemCounts>, ExportError> {
    let items: Vec<&str> = wave
        .scored_items()
        .chain(wave.importance_items())
        .map(|(_, q)| q.id.as_str())
        .collect();
    let mut counts: HashMap<String, ItemCounts> = HashMap::new();
    for (question, value, n) in db::counts::value_counts(conn, &wave.id, &items, scope)? {
        let c = counts.entry(question).or_default();
        let n = n as u64;
        if value == DONT_KNOW {
            c.dont_know += n;
        } else if let Ok(v @ 1..=5) = value.parse::<usize>() {
            c.answers[v - 1] += n;
        }
    }
    Ok(counts)
}

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let counts = counts(conn, wave, scope)?;
    for (vision, q) in wave.scored_items() {
        let c = counts.get(&q.id).copied().unwrap_or_default();
        let f = item_figures(&c);
        let mut row = vec![
            wave.id.clone(),
            vision.to_string(),
            q.id.clone(),
            q.text.ja.clone(),
            q.text.en.clone(),
        ];
        row.extend(figures(&f, publishable(&c, ctx.min_group_size)));
        csv.write(&row)?;
    }
    Ok(())
}

/// Whether an item's figures may be shown, by the rule shared with `question-distribution`.
pub(crate) fn publishable(c: &ItemCounts, min_group_size: u64) -> bool {
    let mut cells = c.answers.to_vec();
    cells.push(c.dont_know);
    scale_disclosure(&cells, min_group_size).item_published
}

fn figures(f: &ItemFigures, publishable: bool) -> Vec<String> {
    if !publishable {
        let mut blank = vec![String::new(); 11];
        blank.push("true".into());
        return blank;
    }
    let pct = |x: f64| fixed(x * 100.0);
    vec![
        f.n.to_string(),
        opt(f.mean),
        opt(f.sd),
        opt(f.se),
        opt(f.ci95.map(|c| c.0)),
        opt(f.ci95.map(|c| c.1)),
        f.top2.map_or(String::new(), |p| pct(p.share)),
        f.top2.map_or(String::new(), |p| pct(p.ci95.0)),
        f.top2.map_or(String::new(), |p| pct(p.ci95.1)),
        f.dont_know.to_string(),
        f.dont_know_share.map_or(String::new(), |p| pct(p.share)),
        "false".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_below_the_minimum_are_blanked() {
        let mut c = ItemCounts::default();
        for v in ["5", "4", "3", "dk"] {
            c.add(v);
        }
        let f = item_figures(&c);
        assert!(!publishable(&c, 4));
        assert!(!publishable(&c, 2), "one answer of 5 would be given away");
        assert!(publishable(&c, 1));
        assert_eq!(figures(&f, false).last().unwrap(), "true");
        assert!(figures(&f, false)[..11].iter().all(String::is_empty));
        let shown = figures(&f, true);
        assert_eq!(shown[0], "3");
        assert_eq!(shown[1], "75.0000");
        assert_eq!(shown[6], "66.6667");
        assert_eq!(shown[9], "1");
        assert_eq!(shown[10], "25.0000");
    }
}
