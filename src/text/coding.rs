//! Takes a wave's free-text answers into coding (docs/free-text.md): each new answer
//! becomes a comment row, masked at once, with its reviewer flags and nothing of its
//! response ([`crate::db::comments`] keeps the anonymity rules). Loading again adds only the
//! answers not taken yet (late paper sheets), matched by a digest of the text, repeats
//! counted. Thin: the masking and the rules are the pure functions beside it.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::codebook::{TextDefinitions, suggest};
use super::mask::{FlagKind, mask};
use super::terms::terms;
use crate::db;
use crate::db::comments::NewComment;

/// SHA-256 of a text, hex.
pub fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A mask's reviewer flags as stored: `organisation`, `要配慮:category`.
pub fn flags_text(flags: &[super::mask::Flag]) -> String {
    let mut out: Vec<String> = flags
        .iter()
        .map(|f| match &f.kind {
            FlagKind::Organisation => "organisation".to_string(),
            FlagKind::Sensitive(category) => format!("要配慮:{category}"),
        })
        .collect();
    out.sort();
    out.dedup();
    out.join(";")
}

/// Of `texts` (every non-blank answer), those not yet among `stored` digests, counting
/// repeats: two residents who both wrote 「特になし」 are two comments.
pub fn not_taken<'a>(texts: &'a [String], stored: &[String]) -> Vec<&'a String> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for d in stored {
        *left.entry(d.as_str()).or_default() += 1;
    }
    texts
        .iter()
        .filter(|t| {
            let d = digest(t);
            match left.get_mut(d.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        })
        .collect()
}

/// Takes the answers of `question_id` in `wave_id` not taken yet into coding, masked;
/// returns how many were added. One transaction.
pub fn take_new(
    conn: &mut db::Conn,
    wave_id: &str,
    question_id: &str,
    text: &TextDefinitions,
) -> diesel::QueryResult<usize> {
    use diesel::Connection;
    conn.transaction(|conn| {
        let mut texts = Vec::new();
        db::responses::for_each_text(
            conn,
            wave_id,
            &[question_id],
            |_, v| -> diesel::QueryResult<()> {
                if !v.trim().is_empty() {
                    texts.push(v.to_string());
                }
                Ok(())
            },
        )?;
        let stored = db::comments::digests(conn, wave_id, question_id)?;
        let new: Vec<NewComment> = not_taken(&texts, &stored)
            .into_iter()
            .map(|t| {
                let masked = mask(t, &text.mask_rules.tokenise(t), &text.mask_rules);
                NewComment {
                    digest: digest(t),
                    flags: flags_text(&masked.flags),
                    masked: masked.text,
                }
            })
            .collect();
        db::comments::insert(conn, wave_id, question_id, &new)?;
        Ok(new.len())
    })
}

/// What the retention rule did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// Responses whose answer was replaced by its masked text.
    pub responses: usize,
    /// Comment rows whose digest now follows the masked text.
    pub comments: usize,
}

/// The retention rule (docs/free-text.md): after the wave's publication, every original
/// answer to `question_id` is replaced by its masked text in the responses themselves, and
/// the comments taken into coding follow (their digest is of the masked text now, so that
/// loading again adds nothing). One transaction; refused before the wave is published.
/// Masking a masked text again changes nothing, so running it twice is harmless.
pub fn purge_originals(
    conn: &mut db::Conn,
    wave_id: &str,
    question_id: &str,
    text: &TextDefinitions,
) -> anyhow::Result<Purged> {
    use diesel::Connection;
    if db::publications::find(conn, wave_id)?.is_none() {
        anyhow::bail!(
            "wave {wave_id} is not published yet: the original texts are kept until its results (and comments) are published"
        );
    }
    let purged = conn.transaction(|conn| -> diesel::QueryResult<Purged> {
        let mut renamed: HashMap<String, String> = HashMap::new();
        let responses = db::responses::rewrite_answers(conn, wave_id, question_id, |original| {
            let masked = mask(
                original,
                &text.mask_rules.tokenise(original),
                &text.mask_rules,
            )
            .text;
            if masked != original {
                renamed.insert(digest(original), digest(&masked));
            }
            masked
        })?;
        let mut comments = 0;
        for (old, new) in &renamed {
            comments += db::comments::replace_digest(conn, wave_id, question_id, old, new)?;
        }
        Ok(Purged {
            responses,
            comments,
        })
    })?;
    // SQLite: the old texts leave the write-ahead log too (secure_delete zeroes the pages).
    db::wal::empty(conn);
    Ok(purged)
}

/// Each coded comment's group (the answer to `group_by` of the response holding the same
/// text, `channel`, or `all` without a grouping) and first codes: the input of
/// [`super::codetable::code_by_group`]. Pending comments are left out. Comments are found
/// by the digest of their text, never by a key; nothing of this leaves but counts.
pub fn coded_by_group(
    conn: &mut db::Conn,
    wave_id: &str,
    question_id: &str,
    group_by: Option<&str>,
) -> diesel::QueryResult<Vec<(String, Vec<String>)>> {
    let mut by_digest: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for c in db::comments::all(conn, wave_id, Some(question_id))? {
        if c.status != "pending" {
            by_digest.entry(c.digest.clone()).or_default().push(c.codes);
        }
    }
    let mut out = Vec::new();
    db::responses::for_each_response(conn, wave_id, |r| -> diesel::QueryResult<()> {
        let pairs = db::responses::decode(r.answers)?;
        let Some((_, text)) = pairs.iter().find(|(q, _)| q == question_id) else {
            return Ok(());
        };
        let Some(codes) = by_digest.get_mut(&digest(text)).and_then(Vec::pop) else {
            return Ok(());
        };
        let group = match group_by {
            None => "all".to_string(),
            Some("channel") => r.channel.to_string(),
            Some(by) => pairs
                .iter()
                .find(|(q, _)| q == by)
                .map_or(super::load::NO_ANSWER.to_string(), |(_, v)| v.to_string()),
        };
        out.push((group, codes));
        Ok(())
    })?;
    Ok(out)
}

/// The codes of each comment of `question_id` taken into coding in `wave_id` whose first
/// coding is done (coded, approved or withheld; pending ones left out): the input of
/// `compare-codes --by coding`. Only codes leave, in the comments' (random) order.
pub fn first_codes(
    conn: &mut db::Conn,
    wave_id: &str,
    question_id: &str,
) -> diesel::QueryResult<Vec<Vec<String>>> {
    use super::review::Status;
    Ok(db::comments::all(conn, wave_id, Some(question_id))?
        .into_iter()
        .filter(|c| {
            matches!(
                Status::parse(&c.status),
                Some(Status::Coded | Status::Approved | Status::Withheld)
            )
        })
        .map(|c| c.codes)
        .collect())
}

/// The original text of a comment: the answer to `question_id` in `wave_id` whose digest
/// is `wanted` (after the retention rule, that is the masked text itself).
pub fn original_of(
    conn: &mut db::Conn,
    wave_id: &str,
    question_id: &str,
    wanted: &str,
) -> diesel::QueryResult<Option<String>> {
    let mut found = None;
    db::responses::for_each_text(
        conn,
        wave_id,
        &[question_id],
        |_, v| -> diesel::QueryResult<()> {
            if found.is_none() && digest(v) == wanted {
                found = Some(v.to_string());
            }
            Ok(())
        },
    )?;
    Ok(found)
}

/// The codes the codebook's rules suggest for a masked comment (terms of the masked text).
pub fn suggested(text: &TextDefinitions, masked: &str) -> Vec<String> {
    let t = terms(masked, &text.mask_rules.tokenise(masked), &text.term_rules);
    suggest(&text.codes, &t)
        .into_iter()
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_answers_not_taken_yet_are_added_repeats_counted() {
        let texts: Vec<String> = ["特になし", "特になし", "窓口が遅い", "特になし"]
            .map(String::from)
            .to_vec();
        let stored = vec![digest("特になし"), digest("窓口が遅い")];
        let new = not_taken(&texts, &stored);
        assert_eq!(new, ["特になし", "特になし"]);
        assert!(
            not_taken(
                &texts[..3],
                &[digest("特になし"), digest("特になし"), digest("窓口が遅い")]
            )
            .is_empty()
        );
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
