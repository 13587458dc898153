//! `vision-scores`: one row per vision with its score and spread.

use std::io::Write;

use super::{CsvWriter, Encoding, ExportError};
use crate::db;
use crate::definitions::{Definitions, Wave};
use crate::stats::{Summary, VisionScoring};

pub const VISION_SCORES_HEADER: [&str; 11] = [
    "wave_id",
    "vision_id",
    "vision_name_ja",
    "vision_name_en",
    "respondents",
    "mean_score",
    "sd",
    "ci95_lower",
    "ci95_upper",
    "top2_box_pct",
    "suppressed",
];

/// Writes the wave's per-vision scores. Visions with fewer than `min_group_size`
/// respondents are blanked (figures and count) and flagged `suppressed = true`.
pub fn vision_scores<W: Write>(
    conn: &mut db::Conn,
    defs: &Definitions,
    wave: &Wave,
    min_group_size: u64,
    encoding: Encoding,
    out: W,
) -> Result<W, ExportError> {
    let mut scoring = VisionScoring::new(wave, &defs.visions);
    let items: Vec<String> = scoring.item_ids().into_iter().map(String::from).collect();
    let items: Vec<&str> = items.iter().map(String::as_str).collect();
    db::responses::for_each_answer(conn, &wave.id, &items, |response, question, value| {
        scoring.add(response, question, value)
    })?;
    let mut csv = CsvWriter::new(out, encoding, &VISION_SCORES_HEADER)?;
    for (vision_id, summary) in scoring.finish() {
        let vision = defs
            .vision(&vision_id)
            .expect("scoring only knows defined visions");
        let mut row = vec![
            wave.id.clone(),
            vision.id.clone(),
            vision.name.ja.clone(),
            vision.name.en.clone(),
        ];
        row.extend(figures(summary, min_group_size));
        csv.write(&row)?;
    }
    csv.finish()
}

/// The seven figure columns of a row.
fn figures(summary: Option<Summary>, min_group_size: u64) -> Vec<String> {
    let n = summary.map_or(0, |s| s.n);
    match summary {
        Some(s) if n >= min_group_size.max(1) => vec![
            s.n.to_string(),
            fixed(s.mean),
            s.sd.map_or(String::new(), fixed),
            s.ci95.map_or(String::new(), |c| fixed(c.0)),
            s.ci95.map_or(String::new(), |c| fixed(c.1)),
            fixed(s.top2_pct),
            "false".into(),
        ],
        _ => {
            let mut blank = vec![String::new(); 6];
            blank.push("true".into());
            blank
        }
    }
}

/// Four decimals: enough to reproduce a figure to six significant digits on a 0–100 scale.
fn fixed(x: f64) -> String {
    format!("{x:.4}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_are_blanked_and_flagged() {
        let s = Summary {
            n: 9,
            mean: 50.0,
            sd: Some(10.0),
            ci95: Some((40.0, 60.0)),
            top2_pct: 30.0,
        };
        assert_eq!(figures(Some(s), 10), vec!["", "", "", "", "", "", "true"]);
        assert_eq!(
            figures(Some(s), 9),
            vec![
                "9", "50.0000", "10.0000", "40.0000", "60.0000", "30.0000", "false"
            ]
        );
        assert_eq!(figures(None, 0), vec!["", "", "", "", "", "", "true"]);
    }
}
