//! `vision-scores-by-group`: each vision's unweighted figures by age band, area, gender and
//! channel, with small-cell suppression ([`crate::stats::suppress`]): a group below the
//! minimum is blanked (`primary`), and when it is the only one blanked, the next smallest
//! group too (`complementary`), so it cannot be recovered from the vision's total.
//! Respondents who did not answer the question form their own group (code empty).

use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, NOT_ANSWERED, answer_codes, fixed, opt};
use crate::db;
use crate::db::scores::{GENDER_QUESTION, GroupBy, GroupSums, ScorePlan};
use crate::definitions::Wave;
use crate::domain::Scope;
use crate::stats::{AGE_BAND_QUESTION, AREA_QUESTION, GroupFigures, Summary, suppress};

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

const CHANNELS: [(&str, &str, &str); 2] = [("web", "ウェブ", "web"), ("paper", "紙", "paper")];

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let plan = ScorePlan::new(wave, &ctx.definitions.visions);
    db::scores::ensure_current(conn, &plan)?;
    let dimensions = [
        (GroupBy::AgeBand, AGE_BAND_QUESTION),
        (GroupBy::Area, AREA_QUESTION),
        (GroupBy::Gender, GENDER_QUESTION),
        (GroupBy::Channel, "channel"),
    ];
    for (by, name) in dimensions {
        let mut groups: Vec<(Option<String>, String, String)> = match by {
            GroupBy::Channel => CHANNELS
                .iter()
                .map(|(c, ja, en)| (Some(c.to_string()), ja.to_string(), en.to_string()))
                .collect(),
            _ => match wave.question(name) {
                Some(q) => answer_codes(q)
                    .into_iter()
                    .map(|(c, ja, en)| (Some(c), ja, en))
                    .collect(),
                // The wave does not ask it: no breakdown.
                None => continue,
            },
        };
        if by != GroupBy::Channel {
            groups.push((None, NOT_ANSWERED.0.into(), NOT_ANSWERED.1.into()));
        }
        let sums = db::scores::by_group(conn, &wave.id, by, scope)?;
        // A code stored but no longer defined still counts: it gets its own group.
        for s in &sums {
            if !groups.iter().any(|g| g.0 == s.key.0) {
                let code = s.key.0.clone().unwrap_or_default();
                groups.push((s.key.0.clone(), code.clone(), code));
            }
        }
        for vision in &ctx.definitions.visions {
            let mine: Vec<&GroupSums> = sums.iter().filter(|s| s.vision_id == vision.id).collect();
            let figures: Vec<GroupFigures<Option<Summary>>> = groups
                .iter()
                .map(|(code, _, _)| {
                    let group: Vec<&GroupSums> =
                        mine.iter().copied().filter(|s| &s.key.0 == code).collect();
                    let summary = super::vision_scores::summary_of(&group);
                    GroupFigures {
                        group: code.clone().unwrap_or_default(),
                        n: summary.map_or(0, |s| s.n),
                        figures: summary,
                    }
                })
                .collect();
            let breakdown = suppress(figures, ctx.min_group_size.max(1));
            for (row, (_, ja, en)) in breakdown.rows.into_iter().zip(&groups) {
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
                    // Not suppressed but empty cannot happen (0 < minimum ≥ 1).
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
