//! `vision-scores-by-group`: each vision's unweighted figures by age band, area, gender and
//! channel, with small-cell suppression decided once per grouping for every vision and for
//! the question's answer counts in `question-distribution` ([`super::disclosure`]): a group
//! below the minimum is blanked (`primary`), and while the blanked groups of a table hold
//! fewer than the minimum together, the next smallest too (`complementary`), so that
//! nothing below the minimum can be recovered from the vision's total. An empty group is
//! shown as 0. Respondents who did not answer the question form their own group (code
//! empty).

use std::io::Write;

use super::disclosure::{self, DIMENSIONS};
use super::{CsvWriter, ExportContext, ExportError, fixed, opt};
use crate::db;
use crate::definitions::Wave;
use crate::domain::Scope;
use crate::stats::{GroupFigures, Summary, apply};

pub const HEADER: [&str; 16] = [
    "wave_id",
    "vision_id",
    "vision_name_ja",
    "vision_name_en",
    "group_by",
    "group_code",
    "group_label_ja",
    "group_label_en",
    "respondents",
    "mean_score",
    "sd",
    "ci95_lower",
    "ci95_upper",
    "top2_box_pct",
    "suppressed",
    "suppression",
];

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    for (by, name) in DIMENSIONS {
        // The wave does not ask it: no breakdown.
        let Some(grouping) = disclosure::grouping(conn, ctx, wave, by, name, scope)? else {
            continue;
        };
        for (v, vision) in ctx.definitions.visions.iter().enumerate() {
            let figures: Vec<GroupFigures<Option<Summary>>> = grouping
                .groups
                .iter()
                .map(|(code, _, _)| {
                    let summary = crate::stats::summary_of(&grouping.of(&vision.id, code));
                    GroupFigures {
                        group: code.clone().unwrap_or_default(),
                        n: summary.map_or(0, |s| s.n),
                        figures: summary,
                    }
                })
                .collect();
            let reasons = grouping.vision_reasons(v);
            let breakdown = apply(figures, &reasons, ctx.min_group_size.max(1));
            let groups = &grouping.groups;
            for (row, (_, ja, en)) in breakdown.rows.into_iter().zip(groups) {
                let mut cells = vec![
                    wave.id.clone(),
                    vision.id.clone(),
                    vision.name.ja.clone(),
                    vision.name.en.clone(),
                    name.to_string(),
                    row.group,
                    ja.clone(),
                    en.clone(),
                ];
                match (row.n, row.figures.flatten()) {
                    (Some(n), Some(s)) => cells.extend([
                        n.to_string(),
                        fixed(s.mean),
                        opt(s.sd),
                        opt(s.ci95.map(|c| c.0)),
                        opt(s.ci95.map(|c| c.1)),
                        fixed(s.top2_pct),
                    ]),
                    // An empty group (0) or a blanked one.
                    (n, _) => {
                        cells.push(n.map(|n| n.to_string()).unwrap_or_default());
                        cells.extend(std::iter::repeat_n(String::new(), 5));
                    }
                }
                cells.push(row.suppressed.is_some().to_string());
                cells.push(
                    row.suppressed
                        .map(|r| r.code())
                        .unwrap_or_default()
                        .to_string(),
                );
                csv.write(&cells)?;
            }
        }
    }
    Ok(())
}
