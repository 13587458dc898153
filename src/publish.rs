//! Publication of a wave's results: a snapshot of the suppressed per-vision figures, taken
//! once the wave has closed. The public pages read only the snapshot, so they do not change
//! when paper responses arrive later; publishing again replaces it (and is logged), unless a
//! figure could then be differenced against an earlier publication down to fewer than the
//! minimum group size ([`crate::stats::differencing_shortfall`]): that is refused, saying
//! how many more respondents are needed.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::Connection;

use crate::db;
use crate::db::publications::{Publication, PublishedVision};
use crate::definitions::{Definitions, Wave};
use crate::export::fixed;
use crate::stats::{ScorePlan, Summary, differencing_shortfall};

/// When a publication happens: today by the service's calendar (the injected clock,
/// `SURVEY_TODAY` in rehearsals) at the current time of day in Japan, stored in UTC.
pub fn published_at(today: NaiveDate) -> NaiveDateTime {
    let jst = TimeDelta::hours(9);
    let time_of_day = (Utc::now().naive_utc() + jst).time();
    today.and_time(time_of_day) - jst
}

/// A vision that could be differenced against an earlier publication: the respondents it
/// has now and how many more it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub vision_id: String,
    pub respondents: u64,
    pub more: u64,
}

/// Why a publication would let a figure be differenced, per vision. Empty when it may be
/// published.
pub fn differencing_refusals(
    earlier: &[(String, i32)],
    visions: &[PublishedVision],
    min_group_size: u64,
) -> Vec<Shortfall> {
    visions
        .iter()
        .filter(|v| !v.suppressed)
        .filter_map(|v| {
            let now = u64::try_from(v.respondents?).ok()?;
            let before: Vec<u64> = earlier
                .iter()
                .filter(|(id, _)| *id == v.vision_id)
                .filter_map(|(_, n)| u64::try_from(*n).ok())
                .collect();
            let more = differencing_shortfall(&before, now, min_group_size)?;
            Some(Shortfall {
                vision_id: v.vision_id.clone(),
                respondents: now,
                more,
            })
        })
        .collect()
}

/// One vision's published row: figures when at least `min_group_size` respondents have a
/// score, else every figure (the count too) left out and `suppressed`.
pub fn published_vision(
    wave_id: &str,
    vision_id: &str,
    summary: Option<Summary>,
    min_group_size: u64,
) -> PublishedVision {
    match summary {
        Some(s) if s.n >= min_group_size.max(1) => PublishedVision {
            wave_id: wave_id.to_string(),
            vision_id: vision_id.to_string(),
            respondents: Some(i32::try_from(s.n).unwrap_or(i32::MAX)),
            mean_score: Some(fixed(s.mean)),
            sd: s.sd.map(fixed),
            ci95_lower: s.ci95.map(|c| fixed(c.0)),
            ci95_upper: s.ci95.map(|c| fixed(c.1)),
            top2_box_pct: Some(fixed(s.top2_pct)),
            suppressed: false,
        },
        _ => PublishedVision {
            wave_id: wave_id.to_string(),
            vision_id: vision_id.to_string(),
            respondents: None,
            mean_score: None,
            sd: None,
            ci95_lower: None,
            ci95_upper: None,
            top2_box_pct: None,
            suppressed: true,
        },
    }
}

/// The wave's current per-vision figures, suppressed, as they would be published.
pub fn current_figures(
    conn: &mut db::Conn,
    defs: &Definitions,
    plan: &ScorePlan,
    wave: &Wave,
    min_group_size: u64,
) -> diesel::QueryResult<Vec<PublishedVision>> {
    // The derived per-stratum sums the vision-scores export reads: a few rows per vision,
    // whatever the number of responses.
    db::scores::ensure_current(conn, plan)?;
    let sums = db::scores::by_stratum(conn, &wave.id, crate::domain::Scope::Sample)?;
    Ok(defs
        .visions
        .iter()
        .map(|vision| {
            let mine: Vec<_> = sums.iter().filter(|g| g.vision_id == vision.id).collect();
            let summary = crate::stats::summary_of(&mine);
            published_vision(&wave.id, &vision.id, summary, min_group_size)
        })
        .collect())
}

/// Who publishes what, and when.
pub struct Request<'a> {
    pub definitions: &'a Definitions,
    /// Populations and evaluation targets (the evaluation is published with the figures).
    pub exports: &'a crate::export::ExportContext,
    pub plan: &'a ScorePlan,
    pub wave: &'a Wave,
    pub analyst: &'a str,
    pub today: NaiveDate,
    pub min_group_size: u64,
}

/// Takes the wave's publication snapshot: its current suppressed figures and counts
/// replace the earlier snapshot, with the audit line, in one transaction; refused (nothing
/// changed) when a figure could be differenced against an earlier publication.
pub fn publish(
    conn: &mut db::Conn,
    r: &Request<'_>,
) -> diesel::QueryResult<Result<Publication, Vec<Shortfall>>> {
    let wave = r.wave;
    let visions = current_figures(conn, r.definitions, r.plan, wave, r.min_group_size)?;
    let earlier = db::publications::published_counts(conn, &wave.id)?;
    let refusals = differencing_refusals(&earlier, &visions, r.min_group_size);
    if !refusals.is_empty() {
        return Ok(Err(refusals));
    }
    // The evaluation (docs/evaluation.md) and the decisions are part of the snapshot; its
    // figures pass the same differencing guard.
    let evaluation = crate::export::evaluation::to_publish(conn, r.exports, wave)
        .map_err(export_to_query_error)?;
    if let Some(e) = &evaluation {
        let earlier = db::evaluations::published_counts(conn, &wave.id)?;
        let refusals = evaluation_refusals(&earlier, e, r.min_group_size);
        if !refusals.is_empty() {
            return Ok(Err(refusals));
        }
    }
    // The sample's responses, as 回収状況 and `codes status` count them (one definition:
    // db::counts::WaveCounts); open answers beside a postal sample are not in the
    // published figures, so not in the published count either.
    let counts = db::counts::wave_counts(conn, &wave.id)?;
    let as_i32 = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    let publication = Publication {
        by_channel: Some((as_i32(counts.valid_paper()), as_i32(counts.valid_online()))),
        mailing: (wave.access == crate::definitions::Access::Code && counts.issued > 0)
            .then(|| (as_i32(counts.mailed()), as_i32(counts.undeliverable))),
        wave_id: wave.id.clone(),
        published_at: published_at(r.today),
        published_by: r.analyst.to_string(),
        responses: as_i32(counts.valid()),
        returned: Some(as_i32(counts.returned())),
        min_group_size: i32::try_from(r.min_group_size).unwrap_or(i32::MAX),
        visions,
    };
    let suppressed = publication.visions.iter().filter(|v| v.suppressed).count();
    conn.transaction(|conn| -> diesel::QueryResult<()> {
        db::publications::replace(conn, &publication)?;
        // The approved comments are part of the snapshot (docs/free-text.md).
        let comments = crate::text::publication::snapshot(&db::comments::all(conn, &wave.id, None)?);
        let json = serde_json::to_string(&comments)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        db::comments::replace_published(conn, &wave.id, publication.published_at, &json)?;
        match &evaluation {
            Some(e) => {
                db::evaluations::replace_published(conn, &wave.id, publication.published_at, e)?
            }
            None => db::evaluations::remove_published(conn, &wave.id)?,
        }
        db::audit::record(
            conn,
            r.analyst,
            "publish",
            Some(&wave.id),
            &format!(
                "{} responses; {suppressed} of {} visions suppressed (minimum group {}); {} comments{}",
                publication.responses,
                publication.visions.len(),
                publication.min_group_size,
                comments.comments.len(),
                evaluation.as_ref().map_or(String::new(), |e| format!(
                    "; evaluation: {} indicators, decisions for {} visions",
                    e.rows.len(),
                    e.decisions.iter().filter(|d| !d.is_empty()).count()
                ))
            ),
        )
    })?;
    Ok(Ok(publication))
}

/// Indicators whose published respondents could be differenced against an earlier
/// publication of the wave (reported by indicator id, as visions are by vision id).
pub fn evaluation_refusals(
    earlier: &[(String, i32)],
    evaluation: &crate::evaluation::row::Snapshot,
    min_group_size: u64,
) -> Vec<Shortfall> {
    evaluation
        .rows
        .iter()
        .filter_map(|row| {
            let now = row.estimate?.n();
            let before: Vec<u64> = earlier
                .iter()
                .filter(|(id, _)| *id == row.indicator_id)
                .filter_map(|(_, n)| u64::try_from(*n).ok())
                .collect();
            let more = differencing_shortfall(&before, now, min_group_size)?;
            Some(Shortfall {
                vision_id: row.indicator_id.clone(),
                respondents: now,
                more,
            })
        })
        .collect()
}

/// The evaluation's figures are read with the database's errors; anything else (targets
/// made unusable while running) is reported as one.
fn export_to_query_error(e: crate::export::ExportError) -> diesel::result::Error {
    match e {
        crate::export::ExportError::Database(e) => e,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_are_published_as_suppressed_only() {
        let s = Summary {
            n: 9,
            mean: 50.0,
            sd: Some(10.0),
            ci95: Some((40.0, 60.0)),
            top2_pct: 30.0,
        };
        let p = published_vision("w", "v1", Some(s), 10);
        assert!(p.suppressed);
        assert_eq!((p.respondents, p.mean_score), (None, None));
        let p = published_vision("w", "v1", Some(s), 9);
        assert!(!p.suppressed);
        assert_eq!(p.respondents, Some(9));
        assert_eq!(p.mean_score.as_deref(), Some("50.0000"));
        assert_eq!(p.ci95_upper.as_deref(), Some("60.0000"));
        assert!(published_vision("w", "v1", None, 0).suppressed);
    }

    #[test]
    fn a_publication_one_respondent_later_is_refused() {
        let s = |n| Summary {
            n,
            mean: 50.0,
            sd: Some(10.0),
            ci95: Some((40.0, 60.0)),
            top2_pct: 30.0,
        };
        let now = [published_vision("w", "v1", Some(s(55)), 10)];
        assert_eq!(
            differencing_refusals(&[("v1".into(), 54)], &now, 10),
            [Shortfall {
                vision_id: "v1".to_string(),
                respondents: 55,
                more: 9
            }]
        );
        assert!(differencing_refusals(&[("v2".into(), 54)], &now, 10).is_empty());
        assert!(differencing_refusals(&[("v1".into(), 45)], &now, 10).is_empty());
    }

    #[test]
    fn the_publication_date_is_the_clock_s() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 3).unwrap();
        // Stored in UTC; Japan's calendar day is the clock's.
        assert_eq!((published_at(day) + TimeDelta::hours(9)).date(), day);
    }
}
