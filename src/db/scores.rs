//! `response_scores`: each response's vision scores, derived from its answers and kept
//! beside them so that per-vision exports read a few sums instead of every answer.
//!
//! One row per response and vision of its wave: the respondent's vision score and top-2
//! share (NULL when they answered none of the vision's scored items) and their age band,
//! area and gender answers (the strata exports group by). Rows are written in the
//! transaction that stores the response ([`super::responses::store`]); responses
//! stored without them (before the table existed, or by another path) get them from
//! [`catch_up`] before an export reads the table. The rows are a function of the answers
//! and the wave's definition, which does not change once the wave has opened.

use std::collections::HashMap;

use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;

use super::schema::{answers, response_scores, responses, vision_score_sums};
use super::{Conn, DbConnection};
use crate::definitions::{Vision, Wave};
use crate::domain::Scope;
use crate::stats::{AGE_BAND_QUESTION, AREA_QUESTION, respondent_score};

/// The demographic question exports also break scores down by.
pub const GENDER_QUESTION: &str = "gender";

/// Shift of the score sums: Σ (score − 50) keeps sums of squares well conditioned.
pub const SCORE_SHIFT: f64 = 50.0;
/// Shift of the top-2 share sums (shares are 0–1).
pub const TOP2_SHIFT: f64 = 0.5;

/// Which question feeds which vision, for one wave.
#[derive(Debug, Clone)]
pub struct ScorePlan {
    pub wave_id: String,
    pub vision_ids: Vec<String>,
    item_vision: HashMap<String, usize>,
}

/// One derived row, before it gets its response id.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub vision_id: String,
    pub age_band: Option<String>,
    pub area: Option<String>,
    pub gender: Option<String>,
    pub score: Option<f64>,
    pub top2: Option<f64>,
}

impl ScorePlan {
    pub fn new(wave: &Wave, visions: &[Vision]) -> ScorePlan {
        let vision_ids: Vec<String> = visions
            .iter()
            .filter(|v| wave.scored_items().any(|(vision, _)| vision == v.id))
            .map(|v| v.id.clone())
            .collect();
        let item_vision = wave
            .scored_items()
            .filter_map(|(vision, q)| {
                Some((q.id.clone(), vision_ids.iter().position(|v| v == vision)?))
            })
            .collect();
        ScorePlan {
            wave_id: wave.id.clone(),
            vision_ids,
            item_vision,
        }
    }

    /// The questions [`rows`](Self::rows) reads.
    pub fn question_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.item_vision.keys().map(String::as_str).collect();
        ids.extend([AGE_BAND_QUESTION, AREA_QUESTION, GENDER_QUESTION]);
        ids.sort_unstable();
        ids
    }

    /// One response's rows from its stored answers `(question id, value)`; one row per
    /// vision, in vision order. Pure.
    pub fn rows<'a>(&self, answers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<ScoreRow> {
        let mut per_vision: Vec<Vec<u8>> = vec![Vec::new(); self.vision_ids.len()];
        let (mut age_band, mut area, mut gender) = (None, None, None);
        for (question, value) in answers {
            match question {
                AGE_BAND_QUESTION => age_band = Some(value.to_string()),
                AREA_QUESTION => area = Some(value.to_string()),
                GENDER_QUESTION => gender = Some(value.to_string()),
                _ => {
                    if let (Some(&v), Ok(a @ 1..=5)) =
                        (self.item_vision.get(question), value.parse::<u8>())
                    {
                        per_vision[v].push(a);
                    }
                }
            }
        }
        self.vision_ids
            .iter()
            .zip(per_vision)
            .map(|(vision_id, answers)| {
                let r = respondent_score(&answers);
                ScoreRow {
                    vision_id: vision_id.clone(),
                    age_band: age_band.clone(),
                    area: area.clone(),
                    gender: gender.clone(),
                    score: r.map(|r| r.score),
                    top2: r.map(|r| r.top2),
                }
            })
            .collect()
    }
}

/// What a response's derived rows carry besides its answers: the channel and the sample
/// flag, which exports break down and filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tags<'a> {
    pub channel: &'a str,
    pub in_sample: bool,
}

/// Inserts the derived rows of responses, `(response id, tags, rows)`, in a few
/// statements (a row already there is left as it is).
pub fn insert(
    conn: &mut Conn,
    wave_id: &str,
    rows: &[(&str, Tags<'_>, &[ScoreRow])],
) -> QueryResult<()> {
    let values: Vec<_> = rows
        .iter()
        .flat_map(|(response_id, tags, rows)| {
            rows.iter().map(move |r| {
                (
                    response_scores::response_id.eq(*response_id),
                    response_scores::vision_id.eq(r.vision_id.as_str()),
                    response_scores::wave_id.eq(wave_id),
                    response_scores::channel.eq(tags.channel),
                    response_scores::in_sample.eq(tags.in_sample),
                    response_scores::age_band.eq(r.age_band.as_deref()),
                    response_scores::area.eq(r.area.as_deref()),
                    response_scores::gender.eq(r.gender.as_deref()),
                    response_scores::score.eq(r.score),
                    response_scores::top2.eq(r.top2),
                )
            })
        })
        .collect();
    if values.is_empty() {
        return Ok(());
    }
    // Batch inserts are built on the concrete connection (see responses::store).
    // 10 columns a row: 3,000 rows stay under SQLite's 32,766 bound variables.
    for chunk in values.chunks(2_900) {
        let insert = diesel::insert_into(response_scores::table)
            .values(chunk)
            .on_conflict_do_nothing();
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Postgresql(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Fills in the rows of the wave's responses that have none; returns how many responses
/// were filled in.
pub fn catch_up(conn: &mut Conn, plan: &ScorePlan) -> QueryResult<u64> {
    let questions = plan.question_ids();
    let mut filled = 0u64;
    let mut after = String::new();
    loop {
        // Responses without rows, a page at a time in id order (keyset: each page starts
        // after the last), so memory stays bounded whatever the wave's size.
        let page: Vec<(String, String, bool)> = responses::table
            .filter(responses::wave_id.eq(&plan.wave_id))
            .filter(responses::id.gt(&after))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                response_scores::table.filter(response_scores::response_id.eq(responses::id)),
            )))
            .order(responses::id)
            .select((responses::id, responses::channel, responses::in_sample))
            .limit(1_000)
            .load(conn)?;
        let Some((last, _, _)) = page.last() else {
            break;
        };
        after = last.clone();
        let ids: Vec<&str> = page.iter().map(|(id, _, _)| id.as_str()).collect();
        let found: Vec<(String, String, String)> = answers::table
            .filter(answers::response_id.eq_any(&ids))
            .filter(answers::question_id.eq_any(&questions))
            .select((answers::response_id, answers::question_id, answers::value))
            .load(conn)?;
        let mut by_response: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
        for (r, q, v) in &found {
            by_response.entry(r.as_str()).or_default().push((q, v));
        }
        let derived: Vec<(&str, Tags<'_>, Vec<ScoreRow>)> = page
            .iter()
            .map(|(id, channel, in_sample)| {
                let answers = by_response.get(id.as_str()).cloned().unwrap_or_default();
                let tags = Tags {
                    channel: channel.as_str(),
                    in_sample: *in_sample,
                };
                (id.as_str(), tags, plan.rows(answers))
            })
            .collect();
        let refs: Vec<(&str, Tags<'_>, &[ScoreRow])> = derived
            .iter()
            .map(|(id, tags, rows)| (*id, *tags, rows.as_slice()))
            .collect();
        conn.transaction(|conn| insert(conn, &plan.wave_id, &refs))?;
        filled += page.len() as u64;
    }
    if filled > 0 {
        tracing::info!(wave = %plan.wave_id, responses = filled, "vision scores derived for responses that lacked them");
    }
    Ok(filled)
}

/// Sums of one vision's scores over one group of respondents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupSums {
    pub vision_id: String,
    /// The group's key (age band and area for [`by_stratum`]; one code for [`by_group`]).
    pub key: GroupKey,
    /// All respondents of the group, with or without a score.
    pub respondents: u64,
    /// Respondents with a score.
    pub n: u64,
    /// Σ (score − [`SCORE_SHIFT`]), Σ (score − [`SCORE_SHIFT`])².
    pub score_sum: f64,
    pub score_sum_sq: f64,
    /// Σ top2, Σ (top2 − [`TOP2_SHIFT`]), Σ (top2 − [`TOP2_SHIFT`])².
    pub top2_sum: f64,
    pub top2_shifted_sum: f64,
    pub top2_sum_sq: f64,
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

/// A group's key: one or two codes, `None` for "not answered".
type GroupKey = (Option<String>, Option<String>);

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
            GroupBy::Channel => &r.channel,
        };
        (code(c), None)
    }))
}

/// Adds a batch of responses' rows, `(response id, tags, rows)`, to the running totals
/// (in the transaction that stores them): summed in memory first, so each touched totals
/// row is written once per batch, in key order (concurrent writers on PostgreSQL then
/// take the row locks in the same order and cannot deadlock).
pub fn add_batch_to_sums(
    conn: &mut Conn,
    wave_id: &str,
    rows: &[(&str, Tags<'_>, &[ScoreRow])],
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    use vision_score_sums::dsl as t;
    type Key<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, bool);
    let mut sums: std::collections::BTreeMap<Key<'_>, [f64; 6]> = Default::default();
    for (_, tags, rows) in rows {
        for r in rows.iter() {
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
    for ((vision_id, age_band, area, gender, channel, in_sample), e) in sums {
        let insert = diesel::insert_into(t::vision_score_sums)
            .values((
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
            ))
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

type RebuildRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    bool,
    i64,
    i64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// Recomputes the wave's running totals from `response_scores`, in one transaction.
pub fn rebuild_sums(conn: &mut Conn, wave_id: &str) -> QueryResult<()> {
    use response_scores::dsl as r;
    use vision_score_sums::dsl as t;
    conn.transaction(|conn| {
        let groups: Vec<RebuildRow> = r::response_scores
            .filter(r::wave_id.eq(wave_id))
            .group_by((
                r::vision_id,
                r::age_band,
                r::area,
                r::gender,
                r::channel,
                r::in_sample,
            ))
            .select((
                r::vision_id,
                r::age_band,
                r::area,
                r::gender,
                r::channel,
                r::in_sample,
                count_star(),
                count(r::score),
                sum(r::score),
                sum(r::score * r::score),
                sum(r::top2),
                sum(r::top2 * r::top2),
            ))
            .load(conn)?;
        diesel::delete(t::vision_score_sums.filter(t::wave_id.eq(wave_id))).execute(conn)?;
        for (vision_id, a, b, g, channel, in_sample, respondents, n, s, ss, tt, ts) in groups {
            diesel::insert_into(t::vision_score_sums)
                .values((
                    t::wave_id.eq(wave_id),
                    t::vision_id.eq(vision_id),
                    t::age_band.eq(a.unwrap_or_default()),
                    t::area.eq(b.unwrap_or_default()),
                    t::gender.eq(g.unwrap_or_default()),
                    t::channel.eq(channel),
                    t::in_sample.eq(in_sample),
                    t::respondents.eq(respondents),
                    t::n.eq(n),
                    t::score_sum.eq(s.unwrap_or(0.0)),
                    t::score_sum_sq.eq(ss.unwrap_or(0.0)),
                    t::top2_sum.eq(tt.unwrap_or(0.0)),
                    t::top2_sum_sq.eq(ts.unwrap_or(0.0)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Makes the derived tables agree with the stored responses before an export reads them:
/// three counts when they do; otherwise fills in missing `response_scores` rows
/// ([`catch_up`]) and rebuilds the running totals ([`rebuild_sums`]).
pub fn ensure_current(conn: &mut Conn, plan: &ScorePlan) -> QueryResult<()> {
    let Some(first_vision) = plan.vision_ids.first() else {
        return Ok(());
    };
    let stored: i64 = responses::table
        .filter(responses::wave_id.eq(&plan.wave_id))
        .count()
        .get_result(conn)?;
    let derived: i64 = response_scores::table
        .filter(response_scores::wave_id.eq(&plan.wave_id))
        .filter(response_scores::vision_id.eq(first_vision))
        .count()
        .get_result(conn)?;
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
    let filled = if derived != stored {
        catch_up(conn, plan)?
    } else {
        0
    };
    if filled > 0 || totalled != stored {
        rebuild_sums(conn, &plan.wave_id)?;
        tracing::info!(wave = %plan.wave_id, "vision score totals rebuilt");
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
