//! `item-scores`: one row per scored item (5-point scale) with its unweighted figures
//! ([`crate::stats::item_figures`]); an item answered 1–5 by fewer respondents than the
//! minimum group size is blanked and flagged.

use std::collections::HashMap;
use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, fixed, opt};
use crate::db;
use crate::definitions::Wave;
use crate::domain::{DONT_KNOW, Scope};
use crate::stats::{ItemCounts, ItemFigures, item_figures};

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

/// Each scored item's counts in one aggregate query.
pub(super) fn counts(
    conn: &mut db::Conn,
    wave: &Wave,
    scope: Scope,
) -> Result<HashMap<String, ItemCounts>, ExportError> {
    let items: Vec<&str> = wave.scored_items().map(|(_, q)| q.id.as_str()).collect();
    let mut counts: HashMap<String, ItemCounts> = HashMap::new();
    for (question, value, n) in db::responses::value_counts(conn, &wave.id, &items, scope)? {
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
        let f = item_figures(&counts.get(&q.id).copied().unwrap_or_default());
        let mut row = vec![
            wave.id.clone(),
            vision.to_string(),
            q.id.clone(),
            q.text.ja.clone(),
            q.text.en.clone(),
        ];
        row.extend(figures(&f, ctx.min_group_size));
        csv.write(&row)?;
    }
    Ok(())
}

fn figures(f: &ItemFigures, min_group_size: u64) -> Vec<String> {
    if f.n < min_group_size.max(1) {
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
        assert_eq!(figures(&f, 4).last().unwrap(), "true");
        assert!(figures(&f, 4)[..11].iter().all(String::is_empty));
        let shown = figures(&f, 3);
        assert_eq!(shown[0], "3");
        assert_eq!(shown[1], "75.0000");
        assert_eq!(shown[6], "66.6667");
        assert_eq!(shown[9], "1");
        assert_eq!(shown[10], "25.0000");
    }
}
