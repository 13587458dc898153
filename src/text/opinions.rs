//! 「主な市民意見」 from the coding (docs/evaluation.md, docs/free-text.md): per vision, the
//! codes the analysts gave the wave's comments, with their stance and number of coded
//! comments, and a few approved comments each in their publishable form; and the draft
//! the workspace's evaluation page offers in an empty 主な市民意見 field, made from the
//! codes only (label, stance, count). Nothing here writes words of its own: quotes are
//! residents' masked words or an analyst's 要旨, marked as such.

use std::collections::BTreeMap;

use super::codebook::{Code, Stance};
use super::publication::Snapshot;
use crate::domain::Lang;

/// The approved comments shown per code on the workspace's evaluation page.
pub const QUOTES_PER_CODE: usize = 3;

/// One code of a vision, as the evaluation page shows it to analysts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedOpinion {
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
    pub stance: Stance,
    /// Coded comments carrying the code (coded, approved or withheld), exact: the
    /// workspace is not public.
    pub count: u64,
    /// Up to [`QUOTES_PER_CODE`] approved comments, `(publishable text, is the 要旨)`.
    pub quotes: Vec<(String, bool)>,
}

/// The codes of `vision` that coded comments carry, most frequent first (then in the
/// codebook's order), each with up to `max_quotes` of its approved comments in their
/// publishable form: the texts most often written first (then in text order), each text
/// once. `snapshot` is [`super::publication::snapshot`] of the wave's comments now, so the
/// counts are those the public page will show.
pub fn for_vision(
    snapshot: &Snapshot,
    codebook: &[Code],
    vision: &str,
    max_quotes: usize,
) -> Vec<CodedOpinion> {
    let mut out: Vec<CodedOpinion> = codebook
        .iter()
        .filter(|c| c.vision.as_deref() == Some(vision))
        .filter_map(|c| {
            let count = snapshot
                .counts
                .iter()
                .find(|(code, _)| *code == c.id)
                .map_or(0, |(_, n)| *n);
            (count > 0).then(|| CodedOpinion {
                code: c.id.clone(),
                label_ja: c.label_ja.clone(),
                label_en: c.label_en.clone(),
                stance: c.stance,
                count,
                quotes: quotes(snapshot, &c.id, max_quotes),
            })
        })
        .collect();
    // A stable sort keeps the codebook's order among equal counts.
    out.sort_by_key(|o| std::cmp::Reverse(o.count));
    out
}

fn quotes(snapshot: &Snapshot, code: &str, max: usize) -> Vec<(String, bool)> {
    let mut copies: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for c in snapshot
        .comments
        .iter()
        .filter(|c| c.codes.iter().any(|x| x == code))
    {
        *copies.entry((c.text.as_str(), c.summary)).or_default() += 1;
    }
    let mut texts: Vec<((&str, bool), usize)> = copies.into_iter().collect();
    texts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    texts
        .into_iter()
        .take(max)
        .map(|((text, summary), _)| (text.to_string(), summary))
        .collect()
}

/// The draft of 「主な市民意見」 (in Japanese, as the field is written): one line per code,
/// `・{label}（{stance}、{n}件）`, a count below `min_group_size` written as the public
/// comments page writes it (not shown). Empty when no code of the vision was given.
pub fn draft(opinions: &[CodedOpinion], min_group_size: u64) -> String {
    opinions
        .iter()
        .map(|o| {
            let count = if o.count >= min_group_size.max(1) {
                crate::i18n::t_args(Lang::Ja, "ws_eval_draft_count", &[("n", o.count.into())])
            } else {
                crate::i18n::t_args(
                    Lang::Ja,
                    "ws_eval_draft_count_hidden",
                    &[("min", min_group_size.into())],
                )
            };
            crate::i18n::t_args(
                Lang::Ja,
                "ws_eval_draft_line",
                &[
                    ("label", o.label_ja.clone().into()),
                    ("stance", o.stance.label().into()),
                    ("count", count.into()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::publication::PublishedComment;

    fn code(id: &str, vision: &str, stance: Stance) -> Code {
        Code {
            id: id.into(),
            label_ja: format!("{id}の件"),
            label_en: id.into(),
            vision: Some(vision.into()),
            stance,
            rule: None,
        }
    }

    fn comment(id: &str, codes: &[&str], text: &str, summary: bool) -> PublishedComment {
        PublishedComment {
            id: id.into(),
            codes: codes.iter().map(|c| c.to_string()).collect(),
            text: text.into(),
            summary,
        }
    }

    #[test]
    fn codes_of_the_vision_most_frequent_first_with_a_few_approved_texts() {
        let codebook = [
            code("a", "v1", Stance::Request),
            code("b", "v1", Stance::Complaint),
            code("c", "v1", Stance::Appreciation),
            code("d", "v2", Stance::Request),
            code("e", "v1", Stance::Other),
        ];
        let snapshot = Snapshot {
            comments: vec![
                comment("1", &["a"], "う", false),
                comment("2", &["a"], "い", false),
                comment("3", &["a", "b"], "い", false),
                comment("4", &["a"], "要旨です", true),
                comment("5", &["a"], "あ", false),
                comment("6", &["d"], "別のビジョン", false),
            ],
            counts: vec![
                ("a".into(), 4),
                ("b".into(), 12),
                ("c".into(), 4),
                ("d".into(), 1),
            ],
        };
        let v1 = for_vision(&snapshot, &codebook, "v1", 3);
        let ids: Vec<&str> = v1.iter().map(|o| o.code.as_str()).collect();
        // e has no coded comment; a and c tie and keep the codebook's order.
        assert_eq!(ids, ["b", "a", "c"]);
        assert_eq!(v1[0].quotes, [("い".to_string(), false)]);
        // い twice first, then あ, う by text; 要旨です left out (3 at most).
        assert_eq!(
            v1[1].quotes,
            [
                ("い".to_string(), false),
                ("あ".to_string(), false),
                ("う".to_string(), false)
            ]
        );
        assert!(v1[2].quotes.is_empty());
        assert_eq!(for_vision(&snapshot, &codebook, "v1", 5)[1].quotes.len(), 4);
        assert_eq!(
            draft(&v1, 10),
            "・bの件（不満、12件）\n・aの件（要望、10件未満）\n・cの件（評価、10件未満）"
        );
        assert_eq!(draft(&v1, 4).lines().nth(1), Some("・aの件（要望、4件）"));
        assert_eq!(draft(&for_vision(&snapshot, &codebook, "v3", 3), 10), "");
    }
}
