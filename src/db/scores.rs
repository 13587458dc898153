//! Per-vision scores derived from the answers: [`ScorePlan`] turns one response's stored
//! answers into its vision scores and top-2 shares (pure), and `vision_score_sums` keeps
//! running totals per wave, vision, age band, area, gender, channel and sample flag, so
//! that per-vision exports read a few thousand rows whatever the number of responses.
//! The writer adds each batch's rows to the totals in the transaction that stores it
//! ([`add_batch_to_sums`]); responses stored by another path (the benchmark loader, an
//! older version) are noticed by [`ensure_current`], which rebuilds the wave's totals from
//! the answers. The rows are a function of the answers and the wave's definition, which
//! does not change once the wave has opened.

use std::collections::HashMap;

use diesel::prelude::*;

use super::schema::vision_score_sums;
use super::{Conn, DbConnection};
use crate::domain::Scope;
use crate::stats::{GroupKey, GroupSums, SCORE_SHIFT, ScorePlan, ScoreRow, TOP2_SHIFT};

/// What a response's derived rows carry besides its answers: the channel and the sample
/// flag, which exports break down and filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tags<'a> {
    pub channel: &'a str,
    pub in_sample: bool,
}

/// One row of `vision_score_sums`: raw (unshifted) sums.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Totals {
    pub vision_id: String,
    pub age_band: String,
    pub area: String,
    pub gender: String,
    pub channel: String,
    pub in_sample: bool,
    pub respondents: i64,
    pub n: i64,
    pub score_sum: f64,
    pub score_sum_sq: f64,
    pub top2_sum: f64,
    pub top2_sum_sq: f64,
}

/// The wave's running totals within `scope`, a few thousand rows at most.
pub fn totals(conn: &mut Conn, wave_id: &str, scope: Scope) -> QueryResult<Vec<Totals>> {
    use vision_score_sums::dsl as t;
    t::vision_score_sums
        .filter(t::wave_id.eq(wave_id))
        .filter(t::in_sample.eq_any(scope.sample_flags()))
        .order((
            t::vision_id,
            t::age_band,
            t::area,
            t::gender,
            t::channel,
            t::in_sample,
        ))
        .select((
            t::vision_id,
            t::age_band,
            t::area,
            t::gender,
            t::channel,
            t::in_sample,
            t::respondents,
            t::n,
            t::score_sum,
            t::score_sum_sq,
            t::top2_sum,
            t::top2_sum_sq,
        ))
        .load(conn)
}

/// Adds up totals by vision and `key`, in first-seen order, shifting the sums.
fn group(rows: Vec<Totals>, key: impl Fn(&Totals) -> GroupKey) -> Vec<GroupSums> {
    let mut out: Vec<GroupSums> = Vec::new();
    let mut index: HashMap<(String, GroupKey), usize> = HashMap::new();
    // Raw sums first, shifted at the end.
    let mut raw: Vec<(f64, f64, f64, f64)> = Vec::new();
    for r in rows {
        let k = key(&r);
        let i = *index
            .entry((r.vision_id.clone(), k.clone()))
            .or_insert_with(|| {
                out.push(GroupSums {
                    vision_id: r.vision_id.clone(),
                    key: k,
                    ..GroupSums::default()
                });
                raw.push((0.0, 0.0, 0.0, 0.0));
                out.len() - 1
            });
        out[i].respondents += r.respondents as u64;
        out[i].n += r.n as u64;
        let sums = &mut raw[i];
        sums.0 += r.score_sum;
        sums.1 += r.score_sum_sq;
        sums.2 += r.top2_sum;
        sums.3 += r.top2_sum_sq;
    }
    for (g, (s, ss, t, ts)) in out.iter_mut().zip(raw) {
        let n = g.n as f64;
        // Σ (x − c) = Σ x − n c; Σ (x − c)² = Σ x² − 2 c Σ x + n c².
        g.score_sum = s - n * SCORE_SHIFT;
        g.score_sum_sq = ss - 2.0 * SCORE_SHIFT * s + n * SCORE_SHIFT * SCORE_SHIFT;
        g.top2_sum = t;
        g.top2_shifted_sum = t - n * TOP2_SHIFT;
        g.top2_sum_sq = ts - 2.0 * TOP2_SHIFT * t + n * TOP2_SHIFT * TOP2_SHIFT;
    }
    out
}

fn code(c: &str) -> Option<String> {
    (!c.is_empty()).then(|| c.to_string())
}

/// Per vision, age band and area: the sums the vision-scores export needs (unweighted
/// figures add the groups up; weighted ones post-stratify them), from the running totals.
/// Call [`ensure_current`] first.
pub fn by_stratum(conn: &mut Conn, wave_id: &str, scope: Scope) -> QueryResult<Vec<GroupSums>> {
    Ok(group(totals(conn, wave_id, scope)?, |r| {
        (code(&r.age_band), code(&r.area))
    }))
}

/// The grouping a by-group export asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    AgeBand,
    Area,
    Gender,
    Channel,
}

/// Per vision and group (`key.0` = the group's code, `None` when not answered), from the
/// running totals. Call [`ensure_current`] first.
pub fn by_group(
    conn: &mut Conn,
    wave_id: &str,
    by: GroupBy,
    scope: Scope,
) -> QueryResult<Vec<GroupSums>> {
    Ok(group(totals(conn, wave_id, scope)?, |r| {
        let c = match by {
            GroupBy::AgeBand => &r.age_band,
            GroupBy::Area => &r.area,
            GroupBy::Gender => &r.gender,
            // A sheet without its code is a paper sheet among the channels.
            GroupBy::Channel if crate::domain::Channel::is_paper_code(&r.channel) => "paper",
            GroupBy::Channel => r.channel.as_str(),
        };
        (code(c), None)
    }))
}

/// The key of a running-totals row within a wave: vision, age band, area, gender (`""`
/// when not answered), channel and sample flag.
pub type SumKey<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, bool);

/// What one running-totals row gains: respondents, respondents with a score, the sums of
/// the score and its square, the sums of the top-two share and its square.
pub type SumGain = [f64; 6];

/// A batch of responses' rows, `(response id, tags, rows)`, summed per running-totals
/// row, in key order.
pub fn sum_batch<'a>(
    rows: &[(&str, Tags<'a>, &'a [ScoreRow])],
) -> std::collections::BTreeMap<SumKey<'a>, SumGain> {
    let mut sums: std::collections::BTreeMap<SumKey<'a>, SumGain> = Default::default();
    for &(_, tags, rows) in rows {
        for r in rows {
            let key = (
                r.vision_id.as_str(),
                r.age_band.as_deref().unwrap_or(""),
                r.area.as_deref().unwrap_or(""),
                r.gender.as_deref().unwrap_or(""),
                tags.channel,
                tags.in_sample,
            );
            let (score, top2) = (r.score.unwrap_or(0.0), r.top2.unwrap_or(0.0));
            let e = sums.entry(key).or_default();
            e[0] += 1.0;
            e[1] += f64::from(u8::from(r.score.is_some()));
            e[2] += score;
            e[3] += score * score;
            e[4] += top2;
            e[5] += top2 * top2;
        }
    }
    sums
}

/// Adds a batch of responses' rows, `(response id, tags, rows)`, to the running totals
/// (in the transaction that stores them): summed in memory first, then one multi-row
/// upsert, so each touched totals row is written once per batch, in key order
/// (concurrent writers on PostgreSQL then take the row locks in the same order and cannot
/// deadlock).
pub fn add_batch_to_sums(
    conn: &mut Conn,
    wave_id: &str,
    rows: &[(&str, Tags<'_>, &[ScoreRow])],
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    use vision_score_sums::dsl as t;
    let sums = sum_batch(rows);
    let values: Vec<_> = sums
        .into_iter()
        .map(
            |((vision_id, age_band, area, gender, channel, in_sample), e)| {
                (
                    t::wave_id.eq(wave_id),
                    t::vision_id.eq(vision_id),
                    t::age_band.eq(age_band),
                    t::area.eq(area),
                    t::gender.eq(gender),
                    t::channel.eq(channel),
                    t::in_sample.eq(in_sample),
                    t::respondents.eq(e[0] as i64),
                    t::n.eq(e[1] as i64),
                    t::score_sum.eq(e[2]),
                    t::score_sum_sq.eq(e[3]),
                    t::top2_sum.eq(e[4]),
                    t::top2_sum_sq.eq(e[5]),
                )
            },
        )
        .collect();
    // One multi-row upsert (13 columns a row: 2,000 rows stay under SQLite's bound).
    for chunk in values.chunks(2_000) {
        let insert = diesel::insert_into(t::vision_score_sums)
            .values(chunk)
            .on_conflict((
                t::wave_id,
                t::vision_id,
                t::age_band,
                t::area,
                t::gender,
                t::channel,
                t::in_sample,
            ))
            .do_update()
            .set((
                t::respondents.eq(t::respondents + excluded(t::respondents)),
                t::n.eq(t::n + excluded(t::n)),
                t::score_sum.eq(t::score_sum + excluded(t::score_sum)),
                t::score_sum_sq.eq(t::score_sum_sq + excluded(t::score_sum_sq)),
                t::top2_sum.eq(t::top2_sum + excluded(t::top2_sum)),
                t::top2_sum_sq.eq(t::top2_sum_sq + excluded(t::top2_sum_sq)),
            ));
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Postgresql(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Recomputes the wave's running totals from its stored answers, in one transaction:
/// responses a page at a time in id order (so memory stays bounded), their scored answers
/// through [`ScorePlan::rows`], the sums kept in memory by group (a few thousand at most).
pub fn rebuild_sums(conn: &mut Conn, plan: &ScorePlan) -> QueryResult<()> {
    use vision_score_sums::dsl as t;
    conn.transaction(|conn| {
        diesel::delete(t::vision_score_sums.filter(t::wave_id.eq(&plan.wave_id))).execute(conn)?;
        let mut after = String::new();
        loop {
            let page = super::responses::stored_page(conn, &plan.wave_id, &after, 2_000)?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id.clone();
            let mut derived: Vec<Vec<ScoreRow>> = Vec::with_capacity(page.len());
            for r in &page {
                let answers = r.answers()?;
                derived.push(plan.rows(answers.iter().map(|(q, v)| (q.as_ref(), v.as_ref()))));
            }
            let rows: Vec<(&str, Tags<'_>, &[ScoreRow])> = page
                .iter()
                .zip(&derived)
                .map(|(r, rows)| {
                    let tags = Tags {
                        channel: r.channel.as_str(),
                        in_sample: r.in_sample,
                    };
                    (r.id.as_str(), tags, rows.as_slice())
                })
                .collect();
            add_batch_to_sums(conn, &plan.wave_id, &rows)?;
        }
        Ok(())
    })
}

/// Makes the running totals agree with the stored responses before an export reads
/// them: one comparison (responses against the first vision's respondents) when they do;
/// a rebuild from the answers ([`rebuild_sums`]) when they do not.
pub fn ensure_current(conn: &mut Conn, plan: &ScorePlan) -> QueryResult<()> {
    let Some(first_vision) = plan.vision_ids.first() else {
        return Ok(());
    };
    let stored = super::counts::stored_responses(conn, &plan.wave_id)?;
    let totalled: i64 = {
        use vision_score_sums::dsl as t;
        t::vision_score_sums
            .filter(t::wave_id.eq(&plan.wave_id))
            .filter(t::vision_id.eq(first_vision))
            .select(t::respondents)
            .load::<i64>(conn)?
            .into_iter()
            .sum()
    };
    if totalled != stored {
        rebuild_sums(conn, plan)?;
        tracing::info!(wave = %plan.wave_id, "vision score totals rebuilt from the answers");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_score_each_vision_and_carry_the_strata() {
        let defs = crate::definitions::load_dir(std::path::Path::new("survey-definitions"))
            .expect("the bundled definitions are valid");
        let wave = defs.wave("2026-midterm").unwrap();
        let plan = ScorePlan::new(wave, &defs.visions);
        assert_eq!(plan.vision_ids, ["v1", "v2", "v3", "v4", "v5"]);
        let rows = plan.rows([
            ("v1_online_procedures", "5"),
            ("v1_fewer_visits", "4"),
            ("v1_cashless_payment", "dk"),
            ("v2_any_age", "1"),
            ("age_band", "age_30_39"),
            ("area", "jr_south"),
            ("used_online_services", "yes"),
        ]);
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].score, Some(87.5));
        assert_eq!(rows[0].top2, Some(1.0));
        assert_eq!(rows[1].score, Some(0.0));
        assert_eq!(rows[1].top2, Some(0.0));
        assert!(
            rows[2..]
                .iter()
                .all(|r| r.score.is_none() && r.top2.is_none())
        );
        assert!(
            rows.iter()
                .all(|r| r.age_band.as_deref() == Some("age_30_39")
                    && r.area.as_deref() == Some("jr_south")
                    && r.gender.is_none())
        );
    }
}
