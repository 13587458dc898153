//! Agreement between two coders of the same comments: Cohen's κ (Cohen 1960),
//! κ = (pₒ − pₑ) / (1 − pₑ), with pₒ the observed share of agreement and pₑ the share
//! expected from each coder's own marginals.
//!
//! A comment may carry several codes, so each code is a yes/no decision per comment: κ is
//! given per code (its 2×2 table) and pooled over every (comment, code) decision, as
//! multi-label coding studies report it.

use std::collections::BTreeSet;

/// Cohen's κ of a square agreement table (`table[i][j]`: items coder 1 put in category i
/// and coder 2 in j). `None` when there are no items, or when chance agreement is already
/// complete (both coders used one and the same category for everything), where κ is
/// undefined.
pub fn cohen_kappa<const K: usize>(table: &[[u64; K]; K]) -> Option<f64> {
    let n: u64 = table.iter().flatten().sum();
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let observed: f64 = (0..K).map(|i| table[i][i] as f64).sum::<f64>() / n;
    let expected: f64 = (0..K)
        .map(|i| {
            let row: u64 = table[i].iter().sum();
            let col: u64 = table.iter().map(|r| r[i]).sum();
            (row as f64 / n) * (col as f64 / n)
        })
        .sum();
    if (1.0 - expected).abs() < 1e-12 {
        return None;
    }
    Some((observed - expected) / (1.0 - expected))
}

/// The 2×2 table of one code over double-coded comments: `[[both, only 1], [only 2,
/// neither]]`.
pub fn code_table(code: &str, pairs: &[(Vec<String>, Vec<String>)]) -> [[u64; 2]; 2] {
    let mut t = [[0u64; 2]; 2];
    for (first, second) in pairs {
        let a = usize::from(!first.iter().any(|c| c == code));
        let b = usize::from(!second.iter().any(|c| c == code));
        t[a][b] += 1;
    }
    t
}

/// κ of one code, and how many double-coded comments it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeKappa {
    pub code: String,
    pub table: [[u64; 2]; 2],
    pub kappa: Option<f64>,
}

/// The agreement of a set of double-coded comments.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Comments coded by both coders.
    pub comments: usize,
    /// Per code of `codes` (the codebook's order).
    pub per_code: Vec<CodeKappa>,
    /// Over every (comment, code) decision.
    pub pooled: Option<f64>,
    /// Share of comments given exactly the same set of codes.
    pub identical: Option<f64>,
}

/// The agreement of `pairs` (coder 1's codes, coder 2's codes per comment) on `codes`;
/// codes outside `codes` (no longer in the codebook) count too, after them.
pub fn agreement(codes: &[&str], pairs: &[(Vec<String>, Vec<String>)]) -> Agreement {
    let mut all: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    let extra: BTreeSet<&String> = pairs
        .iter()
        .flat_map(|(a, b)| a.iter().chain(b))
        .filter(|c| !codes.contains(&c.as_str()))
        .collect();
    all.extend(extra.into_iter().cloned());
    let per_code: Vec<CodeKappa> = all
        .iter()
        .map(|code| {
            let table = code_table(code, pairs);
            CodeKappa {
                code: code.clone(),
                table,
                kappa: cohen_kappa(&table),
            }
        })
        .collect();
    let mut pooled = [[0u64; 2]; 2];
    for c in &per_code {
        for (row, add) in pooled.iter_mut().zip(&c.table) {
            for (cell, n) in row.iter_mut().zip(add) {
                *cell += n;
            }
        }
    }
    let identical = (!pairs.is_empty()).then(|| {
        let same = pairs
            .iter()
            .filter(|(a, b)| a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>())
            .count();
        same as f64 / pairs.len() as f64
    });
    Agreement {
        comments: pairs.len(),
        per_code,
        pooled: cohen_kappa(&pooled),
        identical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn kappa_of_hand_computed_tables() {
        // 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15. pₒ = 35/50 = 0.7;
        // pₑ = 25/50·30/50 + 25/50·20/50 = 0.3 + 0.2 = 0.5; κ = 0.2/0.5 = 0.4.
        assert!(close(cohen_kappa(&[[20, 5], [10, 15]]), 0.4));
        // 100 items: 45/15/25/15. pₒ = 0.60; pₑ = 0.6·0.7 + 0.4·0.3 = 0.54;
        // κ = 0.06/0.46 = 0.130434…
        assert!(close(cohen_kappa(&[[45, 15], [25, 15]]), 0.06 / 0.46));
        // Perfect agreement, and agreement exactly at chance level.
        assert!(close(cohen_kappa(&[[3, 0], [0, 7]]), 1.0));
        assert!(close(cohen_kappa(&[[1, 1], [1, 1]]), 0.0));
        // Worse than chance: pₒ = 0, pₑ = 0.5, κ = −1.
        assert!(close(cohen_kappa(&[[0, 5], [5, 0]]), -1.0));
        // Three categories: diagonal 10, 12, 9 of 40 items; row sums 14, 14, 12 and column
        // sums 13, 15, 12: pₒ = 31/40 = 0.775; pₑ = (14·13 + 14·15 + 12·12)/1600 =
        // 536/1600 = 0.335; κ = 0.44/0.665.
        let t = [[10, 2, 2], [1, 12, 1], [2, 1, 9]];
        assert!(close(cohen_kappa(&t), 0.44 / 0.665));
        // Undefined: no items, or both coders always chose the same single category.
        assert_eq!(cohen_kappa(&[[0, 0], [0, 0]]), None);
        assert_eq!(cohen_kappa(&[[0, 0], [0, 9]]), None);
    }

    #[test]
    fn per_code_and_pooled_agreement_of_multi_label_coding() {
        let v = |s: &[&str]| s.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let pairs = vec![
            (v(&["a"]), v(&["a"])),
            (v(&["a", "b"]), v(&["a"])),
            (v(&["b"]), v(&["b"])),
            (v(&[]), v(&["b"])),
        ];
        let a = agreement(&["a", "b"], &pairs);
        assert_eq!(a.comments, 4);
        // Code a: both 2, only first 0, only second 0, neither 2 → κ = 1.
        assert_eq!(a.per_code[0].table, [[2, 0], [0, 2]]);
        assert!(close(a.per_code[0].kappa, 1.0));
        // Code b: both 1, only first 1, only second 1, neither 1 → pₒ = 0.5 = pₑ, κ = 0.
        assert_eq!(a.per_code[1].table, [[1, 1], [1, 1]]);
        assert!(close(a.per_code[1].kappa, 0.0));
        // Pooled [[3, 1], [1, 3]]: pₒ = 0.75, pₑ = 0.5, κ = 0.5.
        assert!(close(a.pooled, 0.5));
        assert!(close(a.identical, 0.5));
        // A code outside the codebook still counts.
        let a = agreement(&["a"], &pairs);
        assert_eq!(a.per_code.len(), 2);
        assert_eq!(a.per_code[1].code, "b");
        // No double coding: nothing to report.
        let a = agreement(&["a"], &[]);
        assert_eq!((a.pooled, a.identical), (None, None));
    }
}
