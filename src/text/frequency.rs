//! Term frequency counted in comments (document frequency, as KH Coder's 文書数), KWIC
//! (keyword in context) over masked comments, and distinctive terms per group (特徴語).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::terms::{TermRules, is_content, term_of};
use super::tokenise::Token;

/// A term with the number of comments that hold it and its occurrences in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermCount {
    pub term: String,
    pub comments: usize,
    pub occurrences: usize,
}

/// Terms by the number of comments holding them (then occurrences, then the term, so the
/// order is fixed), from each comment's terms in order.
pub fn term_frequencies(documents: &[Vec<String>]) -> Vec<TermCount> {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for terms in documents {
        let mut seen = HashSet::new();
        for t in terms {
            let c = counts.entry(t).or_default();
            c.1 += 1;
            if seen.insert(t) {
                c.0 += 1;
            }
        }
    }
    let mut out: Vec<TermCount> = counts
        .into_iter()
        .map(|(term, (comments, occurrences))| TermCount {
            term: term.to_string(),
            comments,
            occurrences,
        })
        .collect();
    out.sort_by(|a, b| {
        b.comments
            .cmp(&a.comments)
            .then(b.occurrences.cmp(&a.occurrences))
            .then_with(|| a.term.cmp(&b.term))
    });
    out
}

/// One line of a KWIC concordance: the comment's index and the masked text around the
/// keyword as the resident wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwicLine {
    pub comment: usize,
    pub left: String,
    pub keyword: String,
    pub right: String,
}

/// Every occurrence of `term` in the (masked) comments, with up to `width` characters of
/// context on each side; `tokens[i]` are the tokens of `comments[i]`.
pub fn kwic(
    comments: &[&str],
    tokens: &[Vec<Token>],
    term: &str,
    width: usize,
    rules: &TermRules,
) -> Vec<KwicLine> {
    let mut out = Vec::new();
    for (i, (text, tokens)) in comments.iter().zip(tokens).enumerate() {
        for t in tokens.iter().filter(|t| is_content(t)) {
            if term_of(t.lemma(text), rules).as_deref() != Some(term) {
                continue;
            }
            let left: Vec<char> = text[..t.start].chars().collect();
            let left: String = left[left.len().saturating_sub(width)..].iter().collect();
            let right: String = text[t.end..].chars().take(width).collect();
            out.push(KwicLine {
                comment: i,
                left: left.replace(['\n', '\r'], " "),
                keyword: t.surface(text).to_string(),
                right: right.replace(['\n', '\r'], " "),
            });
        }
    }
    out
}

/// A term that marks a group: how many of the group's comments hold it, how many of all,
/// and the Jaccard coefficient between the comments holding the term and the group's
/// comments (KH Coder's 特徴語 measure): |T ∩ G| / |T ∪ G|.
#[derive(Debug, Clone, PartialEq)]
pub struct Distinctive {
    pub group: String,
    pub term: String,
    pub in_group: usize,
    pub in_all: usize,
    pub jaccard: f64,
}

/// The `top` distinctive terms of each group in `shown` (groups already cleared for
/// publication by suppression), from each comment's terms and group. Terms held by
/// fewer than `min_comments` comments in all are left out.
pub fn distinctive_terms(
    documents: &[Vec<String>],
    groups: &[Option<String>],
    shown: &[String],
    min_comments: usize,
    top: usize,
) -> Vec<Distinctive> {
    let mut term_docs: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, terms) in documents.iter().enumerate() {
        let unique: HashSet<&String> = terms.iter().collect();
        for t in unique {
            term_docs.entry(t).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for group in shown {
        let size = groups
            .iter()
            .filter(|g| g.as_deref() == Some(group.as_str()))
            .count();
        let mut rows: Vec<Distinctive> = term_docs
            .iter()
            .filter(|(_, docs)| docs.len() >= min_comments)
            .filter_map(|(term, docs)| {
                let in_group = docs
                    .iter()
                    .filter(|&&d| groups[d].as_deref() == Some(group.as_str()))
                    .count();
                (in_group > 0).then(|| Distinctive {
                    group: group.clone(),
                    term: term.to_string(),
                    in_group,
                    in_all: docs.len(),
                    jaccard: in_group as f64 / (docs.len() + size - in_group) as f64,
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            b.jaccard
                .total_cmp(&a.jaccard)
                .then(b.in_group.cmp(&a.in_group))
                .then_with(|| a.term.cmp(&b.term))
        });
        rows.truncate(top);
        out.extend(rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Tokeniser;

    fn docs(d: &[&[&str]]) -> Vec<Vec<String>> {
        d.iter()
            .map(|t| t.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn counts_comments_not_words() {
        let d = docs(&[&["窓口", "窓口", "待つ"], &["窓口"], &["申請"]]);
        let f = term_frequencies(&d);
        assert_eq!(
            f[0],
            TermCount {
                term: "窓口".into(),
                comments: 2,
                occurrences: 3
            }
        );
        // Ties by comments and occurrences go by the term.
        assert_eq!(f[1].term, "待つ");
        assert_eq!(f[2].term, "申請");
    }

    #[test]
    fn distinctive_terms_by_jaccard() {
        // Group a: comments 0, 1; group b: 2, 3.
        let d = docs(&[
            &["窓口", "待つ"],
            &["窓口"],
            &["アプリ"],
            &["アプリ", "窓口"],
        ]);
        let g: Vec<Option<String>> = ["a", "a", "b", "b"]
            .iter()
            .map(|s| Some(s.to_string()))
            .collect();
        let rows = distinctive_terms(&d, &g, &["a".into()], 1, 10);
        // 窓口: T = {0,1,3}, G = {0,1}: 2 / 3. 待つ: T = {0}: 1 / 2.
        assert_eq!(rows[0].term, "窓口");
        assert!((rows[0].jaccard - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(rows[1].term, "待つ");
        assert!((rows[1].jaccard - 0.5).abs() < 1e-12);
        assert_eq!(rows.len(), 2, "アプリ is not in group a");
    }

    #[test]
    fn kwic_shows_the_words_around_each_occurrence() {
        let comments = ["市役所の窓口で待った。窓口は混んでいた", "申請した"];
        let tokens: Vec<Vec<Token>> = comments
            .iter()
            .map(|c| Tokeniser::shared().tokenise(c))
            .collect();
        let lines = kwic(&comments, &tokens, "窓口", 4, &TermRules::default());
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (
                lines[0].left.as_str(),
                lines[0].keyword.as_str(),
                lines[0].right.as_str()
            ),
            ("市役所の", "窓口", "で待った")
        );
        assert_eq!(lines[1].left, "待った。");
        assert_eq!(lines[1].right, "は混んで");
    }
}
