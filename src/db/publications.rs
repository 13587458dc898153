//! Published results: a snapshot of a wave's per-vision figures taken when an analyst
//! publishes it. The public pages read only these rows, never the responses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use super::schema::{publication_history, publications, published_vision_scores};

/// One vision's figures as published: four-decimal strings, all `None` when suppressed.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = published_vision_scores)]
pub struct PublishedVision {
    pub wave_id: String,
    pub vision_id: String,
    pub respondents: Option<i32>,
    pub mean_score: Option<String>,
    pub sd: Option<String>,
    pub ci95_lower: Option<String>,
    pub ci95_upper: Option<String>,
    pub top2_box_pct: Option<String>,
    pub suppressed: bool,
}

/// A wave's publication: when, by whom, how many responses, and the visions' figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub wave_id: String,
    pub published_at: NaiveDateTime,
    pub published_by: String,
    pub responses: i32,
    pub min_group_size: i32,
    /// Of the responses: how many came by post (paper) and online (web and e-mail links);
    /// None for snapshots taken before these were counted.
    pub by_channel: Option<(i32, i32)>,
    /// On a postal wave: (配布数, 宛先不明) from its codes when it was published (the
    /// response rate's denominator is their difference); None otherwise.
    pub mailing: Option<(i32, i32)>,
    /// 回収数: the sample's returned responses (`responses` is 有効回収数, those with a
    /// valid answer); None for snapshots taken before it was kept.
    pub returned: Option<i32>,
    pub visions: Vec<PublishedVision>,
}

/// Stores the publication, replacing an earlier one of the same wave, in one transaction.
pub fn replace(conn: &mut Conn, p: &Publication) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(
            published_vision_scores::table.filter(published_vision_scores::wave_id.eq(&p.wave_id)),
        )
        .execute(conn)?;
        diesel::delete(publications::table.filter(publications::wave_id.eq(&p.wave_id)))
            .execute(conn)?;
        diesel::insert_into(publications::table)
            .values((
                publications::wave_id.eq(&p.wave_id),
                publications::published_at.eq(p.published_at),
                publications::published_by.eq(&p.published_by),
                publications::responses.eq(p.responses),
                publications::min_group_size.eq(p.min_group_size),
                publications::responses_paper.eq(p.by_channel.map(|c| c.0)),
                publications::responses_online.eq(p.by_channel.map(|c| c.1)),
                publications::mailed.eq(p.mailing.map(|m| m.0)),
                publications::undeliverable.eq(p.mailing.map(|m| m.1)),
                publications::returned.eq(p.returned),
            ))
            .execute(conn)?;
        for v in &p.visions {
            diesel::insert_into(published_vision_scores::table)
                .values(v)
                .execute(conn)?;
            if let (false, Some(n)) = (v.suppressed, v.respondents) {
                diesel::insert_into(publication_history::table)
                    .values((
                        publication_history::id.eq(uuid::Uuid::new_v4().to_string()),
                        publication_history::wave_id.eq(&p.wave_id),
                        publication_history::vision_id.eq(&v.vision_id),
                        publication_history::published_at.eq(p.published_at),
                        publication_history::respondents.eq(n),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// The publication of a wave, if it has been published.
pub fn find(conn: &mut Conn, wave_id: &str) -> QueryResult<Option<Publication>> {
    type Row = (
        String,
        NaiveDateTime,
        String,
        i32,
        i32,
        Option<i32>,
        Option<i32>,
        Option<i32>,
        Option<i32>,
        Option<i32>,
    );
    let Some((
        wave_id,
        published_at,
        published_by,
        responses,
        min_group_size,
        paper,
        online,
        mailed,
        undeliverable,
        returned,
    )) = publications::table
        .filter(publications::wave_id.eq(wave_id))
        .select((
            publications::wave_id,
            publications::published_at,
            publications::published_by,
            publications::responses,
            publications::min_group_size,
            publications::responses_paper,
            publications::responses_online,
            publications::mailed,
            publications::undeliverable,
            publications::returned,
        ))
        .first::<Row>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let visions = published_vision_scores::table
        .filter(published_vision_scores::wave_id.eq(&wave_id))
        .order(published_vision_scores::vision_id)
        .select((
            published_vision_scores::wave_id,
            published_vision_scores::vision_id,
            published_vision_scores::respondents,
            published_vision_scores::mean_score,
            published_vision_scores::sd,
            published_vision_scores::ci95_lower,
            published_vision_scores::ci95_upper,
            published_vision_scores::top2_box_pct,
            published_vision_scores::suppressed,
        ))
        .load(conn)?;
    Ok(Some(Publication {
        wave_id,
        published_at,
        published_by,
        responses,
        min_group_size,
        by_channel: paper.zip(online),
        mailing: mailed.zip(undeliverable),
        returned,
        visions,
    }))
}

/// The ids of the published waves.
pub fn published_waves(conn: &mut Conn) -> QueryResult<Vec<String>> {
    publications::table
        .select(publications::wave_id)
        .order(publications::wave_id)
        .load(conn)
}

/// `(vision id, respondents)` of every figure published so far for the wave: the current
/// snapshot and every earlier one (suppressed figures published no count).
pub fn published_counts(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<(String, i32)>> {
    let mut counts: Vec<(String, i32)> = publication_history::table
        .filter(publication_history::wave_id.eq(wave_id))
        .select((
            publication_history::vision_id,
            publication_history::respondents,
        ))
        .load(conn)?;
    // Snapshots taken before the history existed.
    let current: Vec<(String, Option<i32>)> = published_vision_scores::table
        .filter(published_vision_scores::wave_id.eq(wave_id))
        .filter(published_vision_scores::suppressed.eq(false))
        .select((
            published_vision_scores::vision_id,
            published_vision_scores::respondents,
        ))
        .load(conn)?;
    counts.extend(current.into_iter().filter_map(|(v, n)| Some((v, n?))));
    Ok(counts)
}
