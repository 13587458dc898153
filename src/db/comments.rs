//! The coding and review of free-text comments (docs/free-text.md): comment rows taken out of
//! their responses, masked, with their codes, 要旨 and review state, and the approved ones
//! as published. Analysts only.
//!
//! Anonymity (PRODUCT.md): a comment row holds its wave, question, a digest of its text
//! and the masked text, nothing of its response (no id, channel, language, date or other
//! answer). New rows get random ids and are inserted in a random order, so that neither
//! ids nor page order follow the responses' order.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use super::schema::{comment_codes, comments, published_comments};

/// A new comment to store (the caller masked it).
#[derive(Debug, Clone)]
pub struct NewComment {
    pub digest: String,
    pub masked: String,
    pub flags: String,
}

/// A stored comment as the workspace shows it; `codes` are coder 1's, `second_codes`
/// coder 2's (both in code id order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub id: String,
    pub question_id: String,
    pub digest: String,
    pub masked: String,
    pub flags: String,
    pub status: String,
    pub summary: String,
    pub publish_as: Option<String>,
    pub fuseji: Option<String>,
    pub withheld_reason: Option<String>,
    pub cluster_label: Option<String>,
    pub coded_by: Option<String>,
    pub second_coded_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub codes: Vec<String>,
    pub second_codes: Vec<String>,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The selected columns, in [`Row`]'s order.
type Columns = (
    comments::id,
    comments::question_id,
    comments::digest,
    comments::masked,
    comments::flags,
    comments::status,
    comments::summary,
    comments::publish_as,
    comments::fuseji,
    comments::withheld_reason,
    comments::cluster_label,
    comments::coded_by,
    comments::second_coded_by,
    comments::reviewed_by,
);

fn columns() -> Columns {
    (
        comments::id,
        comments::question_id,
        comments::digest,
        comments::masked,
        comments::flags,
        comments::status,
        comments::summary,
        comments::publish_as,
        comments::fuseji,
        comments::withheld_reason,
        comments::cluster_label,
        comments::coded_by,
        comments::second_coded_by,
        comments::reviewed_by,
    )
}

fn with_codes(conn: &mut Conn, rows: Vec<Row>) -> QueryResult<Vec<StoredComment>> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let mut codes: Vec<(String, i32, String)> = Vec::new();
    // Bounded IN lists (SQLite's limit on bound values).
    for chunk in ids.chunks(500) {
        codes.extend(
            comment_codes::table
                .filter(comment_codes::comment_id.eq_any(chunk))
                .order((comment_codes::comment_id, comment_codes::code_id))
                .select((
                    comment_codes::comment_id,
                    comment_codes::coder,
                    comment_codes::code_id,
                ))
                .load::<(String, i32, String)>(conn)?,
        );
    }
    let mut by_comment: std::collections::HashMap<&str, (Vec<String>, Vec<String>)> =
        std::collections::HashMap::new();
    for (id, coder, code) in &codes {
        let entry = by_comment.entry(id.as_str()).or_default();
        if *coder == 1 {
            entry.0.push(code.clone());
        } else {
            entry.1.push(code.clone());
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let (codes, second_codes) = by_comment.remove(r.0.as_str()).unwrap_or_default();
            StoredComment {
                id: r.0,
                question_id: r.1,
                digest: r.2,
                masked: r.3,
                flags: r.4,
                status: r.5,
                summary: r.6,
                publish_as: r.7,
                fuseji: r.8,
                withheld_reason: r.9,
                cluster_label: r.10,
                coded_by: r.11,
                second_coded_by: r.12,
                reviewed_by: r.13,
                codes,
                second_codes,
            }
        })
        .collect())
}

/// The digests of a wave's stored comments of one question (one per comment, repeats
/// included).
pub fn digests(conn: &mut Conn, wave_id: &str, question_id: &str) -> QueryResult<Vec<String>> {
    comments::table
        .filter(comments::wave_id.eq(wave_id))
        .filter(comments::question_id.eq(question_id))
        .select(comments::digest)
        .load(conn)
}

/// Inserts new pending comments with random ids, in a random order (call inside a
/// transaction).
pub fn insert(
    conn: &mut Conn,
    wave_id: &str,
    question_id: &str,
    new: &[NewComment],
) -> QueryResult<()> {
    // One statement per row (a multi-row insert is not portable over the connection
    // enum); all in the caller's transaction.
    for i in super::shuffle::shuffled(new.len()) {
        diesel::insert_into(comments::table)
            .values((
                comments::id.eq(uuid::Uuid::new_v4().hyphenated().to_string()),
                comments::wave_id.eq(wave_id),
                comments::question_id.eq(question_id),
                comments::digest.eq(&new[i].digest),
                comments::masked.eq(&new[i].masked),
                comments::flags.eq(&new[i].flags),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every comment of a wave (all questions when `question_id` is `None`), in id order
/// (random), with their codes.
pub fn all(
    conn: &mut Conn,
    wave_id: &str,
    question_id: Option<&str>,
) -> QueryResult<Vec<StoredComment>> {
    let mut q = comments::table
        .filter(comments::wave_id.eq(wave_id))
        .order(comments::id)
        .select(columns())
        .into_boxed();
    if let Some(question) = question_id {
        q = q.filter(comments::question_id.eq(question));
    }
    let rows: Vec<Row> = q.load(conn)?;
    with_codes(conn, rows)
}

/// One comment of a wave, with its codes.
pub fn find(conn: &mut Conn, wave_id: &str, id: &str) -> QueryResult<Option<StoredComment>> {
    let rows: Vec<Row> = comments::table
        .filter(comments::wave_id.eq(wave_id))
        .filter(comments::id.eq(id))
        .select(columns())
        .load(conn)?;
    Ok(with_codes(conn, rows)?.into_iter().next())
}

/// The first coding of a comment: its codes, 要旨 and proposed publication (or
/// withholding), replacing earlier ones (call inside a transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding<'a> {
    pub codes: &'a [String],
    pub summary: &'a str,
    pub status: &'a str,
    pub publish_as: Option<&'a str>,
    pub fuseji: Option<&'a str>,
    pub withheld_reason: Option<&'a str>,
}

fn replace_codes(conn: &mut Conn, id: &str, coder: i32, codes: &[String]) -> QueryResult<()> {
    diesel::delete(
        comment_codes::table
            .filter(comment_codes::comment_id.eq(id))
            .filter(comment_codes::coder.eq(coder)),
    )
    .execute(conn)?;
    for c in codes {
        diesel::insert_into(comment_codes::table)
            .values((
                comment_codes::comment_id.eq(id),
                comment_codes::coder.eq(coder),
                comment_codes::code_id.eq(c),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Stores the first coding of a comment by `analyst`; a reviewer's approval is cleared.
pub fn save_coding(conn: &mut Conn, id: &str, analyst: &str, c: &Coding<'_>) -> QueryResult<()> {
    replace_codes(conn, id, 1, c.codes)?;
    diesel::update(comments::table.filter(comments::id.eq(id)))
        .set((
            comments::summary.eq(c.summary),
            comments::status.eq(c.status),
            comments::publish_as.eq(c.publish_as),
            comments::fuseji.eq(c.fuseji),
            comments::withheld_reason.eq(c.withheld_reason),
            comments::coded_by.eq(analyst),
            comments::reviewed_by.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// Stores the blind second coding of a comment by `analyst`.
pub fn save_second_coding(
    conn: &mut Conn,
    id: &str,
    analyst: &str,
    codes: &[String],
) -> QueryResult<()> {
    replace_codes(conn, id, 2, codes)?;
    diesel::update(comments::table.filter(comments::id.eq(id)))
        .set(comments::second_coded_by.eq(analyst))
        .execute(conn)
        .map(drop)
}

/// A reviewer's decision: `approved` (as coded) or `withheld` with a reason.
pub fn review(
    conn: &mut Conn,
    id: &str,
    analyst: &str,
    status: &str,
    withheld_reason: Option<&str>,
) -> QueryResult<()> {
    diesel::update(comments::table.filter(comments::id.eq(id)))
        .set((
            comments::status.eq(status),
            comments::withheld_reason.eq(withheld_reason),
            comments::reviewed_by.eq(analyst),
        ))
        .execute(conn)
        .map(drop)
}

/// The approved comments as published with the wave (JSON), if any were.
pub fn published(conn: &mut Conn, wave_id: &str) -> QueryResult<Option<(NaiveDateTime, String)>> {
    published_comments::table
        .filter(published_comments::wave_id.eq(wave_id))
        .select((
            published_comments::published_at,
            published_comments::snapshot,
        ))
        .first(conn)
        .optional()
}

/// Replaces the published comments of a wave (inside the publication's transaction).
pub fn replace_published(
    conn: &mut Conn,
    wave_id: &str,
    at: NaiveDateTime,
    snapshot: &str,
) -> QueryResult<()> {
    diesel::delete(published_comments::table.filter(published_comments::wave_id.eq(wave_id)))
        .execute(conn)?;
    diesel::insert_into(published_comments::table)
        .values((
            published_comments::wave_id.eq(wave_id),
            published_comments::published_at.eq(at),
            published_comments::snapshot.eq(snapshot),
        ))
        .execute(conn)
        .map(drop)
}

/// The ids of a wave's comments approved now (a comment withheld after publication is
/// dropped from the public page at once).
pub fn approved_ids(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<String>> {
    comments::table
        .filter(comments::wave_id.eq(wave_id))
        .filter(comments::status.eq("approved"))
        .select(comments::id)
        .load(conn)
}

/// Sets the imported cluster label of comments of a wave (by id); returns how many rows
/// changed (ids of another wave or unknown change nothing).
pub fn set_cluster_labels(
    conn: &mut Conn,
    wave_id: &str,
    labels: &[(String, String)],
) -> QueryResult<usize> {
    let mut changed = 0;
    for (id, label) in labels {
        changed += diesel::update(
            comments::table
                .filter(comments::wave_id.eq(wave_id))
                .filter(comments::id.eq(id)),
        )
        .set(comments::cluster_label.eq(label))
        .execute(conn)?;
    }
    Ok(changed)
}

/// Replaces a digest of a wave's question's comments by another (the text they were taken
/// from was rewritten); returns how many rows changed.
pub fn replace_digest(
    conn: &mut Conn,
    wave_id: &str,
    question_id: &str,
    old: &str,
    new: &str,
) -> QueryResult<usize> {
    diesel::update(
        comments::table
            .filter(comments::wave_id.eq(wave_id))
            .filter(comments::question_id.eq(question_id))
            .filter(comments::digest.eq(old)),
    )
    .set(comments::digest.eq(new))
    .execute(conn)
}
