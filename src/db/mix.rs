//! Mixing on PostgreSQL: no row header pairs a credential with its response or orders
//! responses by arrival.
//!
//! Every row version on PostgreSQL carries the id of the transaction that wrote it
//! (`xmin`), the number of the command within it (`cmin`) and its place in the heap
//! (`ctid`); a plain `SELECT xmin, ctid, …` (or a copy of the files) shows them. A code's
//! "used" row and its response were written by one transaction, so `xmin` paired them,
//! and ordering responses by `xmin` or `ctid` gave their order of arrival.
//!
//! So that this says nothing, every writing transaction of `submit` writes each
//! new row together with [`MIX`] − 1 rows of the same kind, chosen so that the new row is
//! at a uniformly random place among them, and all of them in ONE command in one random
//! order:
//! - a **response** with the responses around it in id order (ids are random) among the
//!   responses of its wave, day and sample flag, `b` below and `MIX − 1 − b` above with
//!   `b` uniform in `0..MIX`, taken cyclically: they are deleted and inserted again,
//!   unchanged, in the command that inserts the new ones, in a random order (see
//!   `batch_pg`); every row of the wave's running totals, question and day
//!   counts (bounded by the definitions) and the answer counts of every response of the
//!   group (free texts make those grow with the responses) are rewritten in the same
//!   statement (zero gains where nothing is added), so no count says which response of
//!   the group came last;
//! - a **claimed access code** with the used codes around it in hash order among the used
//!   codes of its wave, the same way: the claim deletes the unused row, and one command
//!   deletes the neighbours and inserts all of them back used, in a random order;
//! - an **answered invitation** with the answered invitations around it in id order: one
//!   `UPDATE` sets the flag on the new ones and rewrites the neighbours.
//!
//! Every statement locks the rows it rewrites in key order first, so that two instances
//! whose windows overlap wait for each other rather than deadlock.
//!
//! What a dump then shows: every `xmin` of a used code is shared by at least [`MIX`] used
//! codes of its wave (or all of them, while fewer are used), likewise answered
//! invitations, and every new response by [`MIX`] responses of its wave, day and sample
//! flag (or all of the day's); within such a group the rows have one `cmin`, lie side by
//! side in the heap in a random order, and the new one sits anywhere in the window with
//! the same probability, so pairing a code with a response is right with probability
//! 1/[`MIX`] at best. Rows rewritten over and over lose the order they came in: what
//! `xmin` and `ctid` order is when a row was last rewritten, which for all but the last
//! few windows of a day is unrelated to its arrival (see `docs/anonymity.md` for what the
//! tests measured and what remains). SQLite has no row headers: see `writer`
//! for its log.

use std::collections::HashMap;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Array, Integer, Text};

use crate::domain::hash_token;

/// How many rows of a kind every write shares its transaction with (k of the anonymity
/// rules).
pub const MIX: usize = 20;

/// `(below, above)`: how many neighbours on each side are rewritten with a new row; below
/// is uniform in `0..MIX` (from the operating system's random source), the two add up to
/// `MIX − 1`.
pub fn window() -> (i32, i32) {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    window_from(u64::from_le_bytes(bytes))
}

/// [`window`] for a given 64-bit draw.
pub fn window_from(draw: u64) -> (i32, i32) {
    let below = (draw % MIX as u64) as i32;
    (below, MIX as i32 - 1 - below)
}

/// The SQL of a cyclic window around `{center}` among the rows `{rows}` (a `FROM … WHERE`
/// naming the candidates as `x`), ordered by `x.{key}`: `{below}` rows below and
/// `{above}` above, wrapping around at either end. Gives one column, `{key}`.
pub fn window_sql(rows: &str, key: &str, center: &str, below: &str, above: &str) -> String {
    format!(
        "(SELECT {key} FROM ((SELECT x.{key}, 0 AS p {rows} AND x.{key} < {center} \
         ORDER BY x.{key} DESC LIMIT {below}) UNION ALL (SELECT x.{key}, 1 {rows} \
         AND x.{key} > {center} ORDER BY x.{key} DESC LIMIT {below})) t \
         ORDER BY p, {key} DESC LIMIT {below}) \
         UNION ALL \
         (SELECT {key} FROM ((SELECT x.{key}, 0 AS p {rows} AND x.{key} > {center} \
         ORDER BY x.{key} LIMIT {above}) UNION ALL (SELECT x.{key}, 1 {rows} \
         AND x.{key} < {center} ORDER BY x.{key} LIMIT {above})) t \
         ORDER BY p, {key} LIMIT {above})"
    )
}

/// A claimed code and its mailing (written back with it).
#[derive(diesel::QueryableByName)]
struct ClaimedCode {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Integer)]
    mailing: i32,
}

/// One column of text, as `sql_query` loads it.
#[derive(diesel::QueryableByName)]
struct Key {
    #[diesel(sql_type = Text)]
    key: String,
}

/// Claims the unused access codes `hashes` (in key order) of the wave and returns those
/// it claimed; each is written back used together with its window of used codes, all in
/// one command in a random order (see the module). Inside the transaction that stores
/// the responses.
pub fn claim_codes(
    conn: &mut PgConnection,
    wave_id: &str,
    hashes: &[&str],
) -> QueryResult<Vec<String>> {
    let claimed: Vec<ClaimedCode> = sql_query(
        "WITH lk AS (SELECT code_hash FROM access_codes WHERE wave_id = $1 \
         AND code_hash = ANY($2) AND NOT used AND void_reason IS NULL \
         ORDER BY code_hash FOR UPDATE) \
         DELETE FROM access_codes WHERE code_hash IN (SELECT code_hash FROM lk) \
         RETURNING code_hash AS key, mailing",
    )
    .bind::<Text, _>(wave_id)
    .bind::<Array<Text>, _>(hashes)
    .load::<ClaimedCode>(conn)?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let mailings: Vec<i32> = claimed.iter().map(|c| c.mailing).collect();
    let claimed: Vec<String> = claimed.into_iter().map(|c| c.key).collect();
    let (below, above): (Vec<i32>, Vec<i32>) = claimed.iter().map(|_| window()).unzip();
    let neighbours = window_sql(
        "FROM access_codes x WHERE x.wave_id = $1 AND x.used",
        "code_hash",
        "c.h",
        "c.b",
        "c.a",
    );
    sql_query(format!(
        "WITH c AS (SELECT * FROM unnest($2::text[], $3::int4[], $4::int4[], $5::int4[]) \
         AS c(h, b, a, m)), \
         mx AS (SELECT DISTINCT w.code_hash FROM c CROSS JOIN LATERAL ({neighbours}) w), \
         lk AS (SELECT code_hash FROM access_codes WHERE wave_id = $1 AND used \
         AND code_hash IN (SELECT code_hash FROM mx) ORDER BY code_hash FOR UPDATE), \
         dl AS (DELETE FROM access_codes WHERE code_hash IN (SELECT code_hash FROM lk) \
         RETURNING code_hash, mailing) \
         INSERT INTO access_codes (code_hash, wave_id, used, mailing) \
         SELECT h, $1, true, m FROM (SELECT h, m FROM c \
         UNION ALL SELECT code_hash, mailing FROM dl) z \
         ORDER BY random()"
    ))
    .bind::<Text, _>(wave_id)
    .bind::<Array<Text>, _>(&claimed)
    .bind::<Array<Integer>, _>(&below)
    .bind::<Array<Integer>, _>(&above)
    .bind::<Array<Integer>, _>(&mailings)
    .execute(conn)?;
    Ok(claimed)
}

/// Marks answered the unanswered invitations of the wave whose links carried `tokens`,
/// each with its window of answered invitations in one `UPDATE` (see the module; an
/// invitation cannot be deleted and inserted again, its tokens and messages refer to
/// it). Returns token → the invitation it claimed; a token absent was refused. Two
/// tokens of one invitation (an invitation and its reminder) both map to it: the caller
/// keeps one. Inside the transaction that stores the responses.
pub fn claim_invitations(
    conn: &mut PgConnection,
    wave_id: &str,
    tokens: &[&str],
) -> QueryResult<HashMap<String, String>> {
    #[derive(diesel::QueryableByName)]
    struct Holder {
        #[diesel(sql_type = Text)]
        token_hash: String,
        #[diesel(sql_type = Text)]
        id: String,
    }
    let hashes: Vec<String> = tokens.iter().map(|t| hash_token(t)).collect();
    let holders: Vec<Holder> = sql_query(
        "SELECT t.token_hash, i.id FROM invitation_tokens t \
         JOIN invitations i ON i.id = t.invitation_id \
         WHERE t.token_hash = ANY($1) AND i.wave_id = $2 AND NOT i.answered",
    )
    .bind::<Array<Text>, _>(&hashes)
    .bind::<Text, _>(wave_id)
    .load(conn)?;
    if holders.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids: Vec<&str> = holders.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let (below, above): (Vec<i32>, Vec<i32>) = ids.iter().map(|_| window()).unzip();
    let neighbours = window_sql(
        "FROM invitations x WHERE x.wave_id = $1 AND x.answered",
        "id",
        "c.id",
        "c.b",
        "c.a",
    );
    let answered: std::collections::HashSet<String> = sql_query(format!(
        "WITH c AS (SELECT * FROM unnest($2::text[], $3::int4[], $4::int4[]) AS c(id, b, a)), \
         mx AS (SELECT DISTINCT w.id FROM c CROSS JOIN LATERAL ({neighbours}) w), \
         lk AS (SELECT id FROM invitations WHERE wave_id = $1 \
         AND ((id IN (SELECT id FROM c) AND NOT answered) \
         OR (id IN (SELECT id FROM mx) AND answered)) ORDER BY id FOR UPDATE) \
         UPDATE invitations SET answered = true WHERE id IN (SELECT id FROM lk) \
         RETURNING id AS key"
    ))
    .bind::<Text, _>(wave_id)
    .bind::<Array<Text>, _>(&ids)
    .bind::<Array<Integer>, _>(&below)
    .bind::<Array<Integer>, _>(&above)
    .load::<Key>(conn)?
    .into_iter()
    .map(|k| k.key)
    .collect();
    let by_hash: HashMap<&str, &str> = holders
        .iter()
        .filter(|h| answered.contains(&h.id))
        .map(|h| (h.token_hash.as_str(), h.id.as_str()))
        .collect();
    Ok(tokens
        .iter()
        .zip(&hashes)
        .filter_map(|(t, h)| {
            by_hash
                .get(h.as_str())
                .map(|id| (t.to_string(), id.to_string()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_always_holds_mix_minus_one_neighbours_and_every_place_is_as_likely() {
        let mut seen = [0usize; MIX];
        for draw in 0..(MIX as u64 * 50) {
            let (below, above) = window_from(draw);
            assert_eq!(below + above, MIX as i32 - 1);
            assert!((0..MIX as i32).contains(&below));
            seen[below as usize] += 1;
        }
        assert!(seen.iter().all(|n| *n == 50), "{seen:?}");
        let (below, above) = window_from(u64::MAX);
        assert_eq!((below, above), (15, 4)); // 2⁶⁴ − 1 = 15 (mod 20)
    }

    #[test]
    fn the_window_sql_names_both_sides_and_wraps() {
        let sql = window_sql("FROM t x WHERE x.k = 1", "id", "c.id", "c.b", "c.a");
        assert_eq!(sql.matches("LIMIT c.b").count(), 3);
        assert_eq!(sql.matches("LIMIT c.a").count(), 3);
        assert!(sql.contains("x.id < c.id ORDER BY x.id DESC"));
        assert!(sql.contains("x.id > c.id ORDER BY x.id DESC"));
        assert!(sql.contains("x.id > c.id ORDER BY x.id LIMIT"));
        assert!(sql.contains("x.id < c.id ORDER BY x.id LIMIT"));
    }
}
