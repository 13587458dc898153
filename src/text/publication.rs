//! The residents' comments as published with a wave (`GET /results/{wave}/comments`): the
//! approved comments, masked (or with more 伏字, or the analyst's 要旨 marked as such),
//! grouped by vision and code, with the number of coded comments per code — counts below
//! the minimum group size are not shown. Nothing next to a comment says anything about
//! who wrote it: no attribute, no date, no order but the text's own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codebook::Code;
use super::review::{PublishAs, Status};
use crate::db::comments::StoredComment;

/// One published comment. `id` is kept only to drop a comment withheld after
/// publication; it is never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedComment {
    pub id: String,
    pub codes: Vec<String>,
    pub text: String,
    /// `text` is the analyst's 要旨, not the resident's words.
    pub summary: bool,
}

/// What is published: the comments, and the number of coded comments per code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Snapshot {
    pub comments: Vec<PublishedComment>,
    /// `(code, coded comments)`: every comment a first coder gave the code, published or
    /// not, withheld ones included.
    pub counts: Vec<(String, u64)>,
}

impl Snapshot {
    /// The snapshot without the comments withheld since it was taken (`approved`: the ids
    /// still approved). Counts stay as published.
    pub fn still_approved(mut self, approved: &std::collections::HashSet<String>) -> Snapshot {
        self.comments.retain(|c| approved.contains(&c.id));
        self
    }
}

/// The comments published with `wave_id` as every public view shows them: the
/// publication's snapshot, less the comments withheld since; `None` before the comments
/// were published. The one read of the published comments (the public page, the results
/// page's links, the report).
pub fn published_now(
    conn: &mut crate::db::Conn,
    wave_id: &str,
) -> diesel::QueryResult<Option<Snapshot>> {
    let Some((_, json)) = crate::db::comments::published(conn, wave_id)? else {
        return Ok(None);
    };
    let snapshot: Snapshot = serde_json::from_str(&json)
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
    let approved = crate::db::comments::approved_ids(conn, wave_id)?
        .into_iter()
        .collect();
    Ok(Some(snapshot.still_approved(&approved)))
}

/// The snapshot of a wave's stored comments: the approved ones as they are to be shown,
/// sorted by their text.
pub fn snapshot(stored: &[StoredComment]) -> Snapshot {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut comments = Vec::new();
    for c in stored {
        let status = Status::parse(&c.status);
        if matches!(
            status,
            Some(Status::Coded | Status::Approved | Status::Withheld)
        ) {
            for code in &c.codes {
                *counts.entry(code.clone()).or_default() += 1;
            }
        }
        if status != Some(Status::Approved) {
            continue;
        }
        let (text, summary) = match c.publish_as.as_deref().and_then(PublishAs::parse) {
            Some(PublishAs::Verbatim) => (c.masked.clone(), false),
            Some(PublishAs::Fuseji) => match &c.fuseji {
                Some(f) => (f.clone(), false),
                None => continue,
            },
            Some(PublishAs::Summary) if !c.summary.is_empty() => (c.summary.clone(), true),
            _ => continue,
        };
        comments.push(PublishedComment {
            id: c.id.clone(),
            codes: c.codes.clone(),
            text,
            summary,
        });
    }
    comments.sort_by(|a, b| a.text.cmp(&b.text).then(a.id.cmp(&b.id)));
    Snapshot {
        comments,
        counts: counts.into_iter().collect(),
    }
}

/// A code's group on the public page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeGroup {
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
    /// `None` when fewer than the minimum group size (not shown).
    pub count: Option<u64>,
    /// `(text, is a summary)`.
    pub comments: Vec<(String, bool)>,
}

/// The codes of one vision (`None`: codes of no vision, and codes no longer in the
/// codebook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisionGroup {
    pub vision: Option<String>,
    pub codes: Vec<CodeGroup>,
}

/// The public page's groups, in the order of `visions` then the codebook; codes without
/// any published comment and a count below the minimum are left out entirely.
pub fn groups(
    snapshot: &Snapshot,
    codebook: &[Code],
    visions: &[String],
    min_group_size: u64,
) -> Vec<VisionGroup> {
    let count = |code: &str| {
        snapshot
            .counts
            .iter()
            .find(|(c, _)| c == code)
            .map_or(0, |(_, n)| *n)
    };
    let group = |code: &str, ja: &str, en: &str| {
        let n = count(code);
        let comments: Vec<(String, bool)> = snapshot
            .comments
            .iter()
            .filter(|c| c.codes.iter().any(|x| x == code))
            .map(|c| (c.text.clone(), c.summary))
            .collect();
        let shown = (n >= min_group_size.max(1)).then_some(n);
        (shown.is_some() || !comments.is_empty()).then(|| CodeGroup {
            code: code.to_string(),
            label_ja: ja.to_string(),
            label_en: en.to_string(),
            count: shown,
            comments,
        })
    };
    let mut out: Vec<VisionGroup> = visions
        .iter()
        .map(|v| VisionGroup {
            vision: Some(v.clone()),
            codes: codebook
                .iter()
                .filter(|c| c.vision.as_deref() == Some(v.as_str()))
                .filter_map(|c| group(&c.id, &c.label_ja, &c.label_en))
                .collect(),
        })
        .collect();
    let mut other: Vec<CodeGroup> = codebook
        .iter()
        .filter(|c| c.vision.as_ref().is_none_or(|v| !visions.contains(v)))
        .filter_map(|c| group(&c.id, &c.label_ja, &c.label_en))
        .collect();
    let mut unknown: Vec<&String> = snapshot
        .counts
        .iter()
        .map(|(c, _)| c)
        .chain(snapshot.comments.iter().flat_map(|c| &c.codes))
        .filter(|c| !codebook.iter().any(|k| &k.id == *c))
        .collect();
    unknown.sort();
    unknown.dedup();
    other.extend(unknown.into_iter().filter_map(|c| group(c, c, c)));
    out.push(VisionGroup {
        vision: None,
        codes: other,
    });
    out.retain(|g| !g.codes.is_empty());
    out
}

/// How many published comments each vision's section of the public page holds: per
/// vision of the codebook, the comments that carry at least one of its codes, each
/// comment once. Visions without any are left out.
pub fn per_vision(snapshot: &Snapshot, codebook: &[Code]) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    for c in &snapshot.comments {
        let mut visions: Vec<&str> = c
            .codes
            .iter()
            .filter_map(|code| codebook.iter().find(|k| &k.id == code))
            .filter_map(|k| k.vision.as_deref())
            .collect();
        visions.sort_unstable();
        visions.dedup();
        for v in visions {
            *out.entry(v.to_string()).or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::codebook::Stance;

    fn stored(
        id: &str,
        status: &str,
        codes: &[&str],
        text: &str,
        as_: Option<&str>,
    ) -> StoredComment {
        StoredComment {
            id: id.into(),
            question_id: "q".into(),
            digest: String::new(),
            masked: text.into(),
            flags: String::new(),
            status: status.into(),
            summary: "要旨".into(),
            publish_as: as_.map(String::from),
            fuseji: None,
            withheld_reason: None,
            cluster_label: None,
            coded_by: Some("ann".into()),
            second_coded_by: None,
            reviewed_by: None,
            codes: codes.iter().map(|c| c.to_string()).collect(),
            second_codes: vec![],
        }
    }

    fn code(id: &str, vision: Option<&str>) -> Code {
        Code {
            id: id.into(),
            label_ja: format!("{id}ja"),
            label_en: format!("{id}en"),
            vision: vision.map(String::from),
            stance: Stance::Other,
            rule: None,
        }
    }

    #[test]
    fn only_approved_comments_are_published_and_small_counts_hidden() {
        let mut list = vec![
            stored("1", "approved", &["a"], "ろ", Some("verbatim")),
            stored("2", "approved", &["a", "b"], "い", Some("summary")),
            stored("3", "withheld", &["a"], "withheld text", None),
            stored("4", "coded", &["b"], "coded text", Some("verbatim")),
            stored("5", "pending", &[], "pending text", None),
        ];
        for i in 0..8 {
            list.push(stored(
                &format!("x{i}"),
                "coded",
                &["a"],
                "c",
                Some("verbatim"),
            ));
        }
        let s = snapshot(&list);
        let texts: Vec<&str> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["ろ", "要旨"]);
        assert!(s.comments[1].summary);
        assert_eq!(s.counts, [("a".to_string(), 11), ("b".to_string(), 2)]);
        let codebook = [code("a", Some("v1")), code("b", None)];
        let g = groups(&s, &codebook, &["v1".into()], 10);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].codes[0].count, Some(11));
        assert_eq!(g[0].codes[0].comments.len(), 2);
        assert_eq!(g[1].vision, None);
        assert_eq!(g[1].codes[0].count, None, "2 < 10: not shown");
        // A comment withheld after publication is dropped.
        let approved: std::collections::HashSet<String> = s
            .comments
            .iter()
            .map(|c| c.id.clone())
            .filter(|id| id != "2")
            .collect();
        let g = groups(
            &s.clone().still_approved(&approved),
            &codebook,
            &["v1".into()],
            10,
        );
        assert_eq!(g[0].codes[0].comments.len(), 1);
        assert!(g.iter().all(|v| v.codes.iter().all(|c| c.code != "b")));
    }

    #[test]
    fn published_comments_are_counted_once_per_vision() {
        let list = vec![
            stored("1", "approved", &["a", "c"], "い", Some("verbatim")),
            stored("2", "approved", &["a", "d"], "ろ", Some("verbatim")),
            stored("3", "approved", &["b"], "は", Some("verbatim")),
            stored("4", "coded", &["a"], "に", Some("verbatim")),
            stored("5", "withheld", &["d"], "ほ", None),
        ];
        let codebook = [
            code("a", Some("v1")),
            code("c", Some("v1")),
            code("d", Some("v2")),
            code("b", None),
        ];
        let s = snapshot(&list);
        let n = per_vision(&s, &codebook);
        assert_eq!(
            n.into_iter().collect::<Vec<_>>(),
            [("v1".to_string(), 2), ("v2".to_string(), 1)]
        );
        let approved: std::collections::HashSet<String> = s
            .comments
            .iter()
            .map(|c| c.id.clone())
            .filter(|id| id != "2")
            .collect();
        let n = per_vision(&s.clone().still_approved(&approved), &codebook);
        assert_eq!(n.get("v1"), Some(&1));
        assert_eq!(n.get("v2"), None);
    }
}
