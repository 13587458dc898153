//! Code × group tables of the analysts' coding (KH Coder's コーディング結果のクロス集計):
//! per group (age band, area, gender … or channel), the coded comments and how many carry
//! each code, with the same suppression as every other breakdown (groups below the minimum
//! blanked, with a complementary one where the total would give them away), and per code
//! Pearson's χ² of code × group over the groups shown (KH Coder's クロス集計 test). Only
//! counts: never a comment next to a group.

use super::compare::{ChiSquare, chi_square};
use crate::stats::{GroupFigures, suppress};

/// One cell of the table: `None` figures where the group is suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub group: String,
    pub group_comments: Option<u64>,
    pub code: String,
    pub comments: Option<u64>,
    pub share_pct: Option<f64>,
    /// `primary`, `complementary`, `total`, or empty.
    pub suppressed: &'static str,
}

/// The table of `coded` (each coded comment's group and codes) for `codes` (the codebook's
/// order), groups in code order.
pub fn code_by_group(
    coded: &[(String, Vec<String>)],
    codes: &[&str],
    min_group_size: u64,
) -> Vec<Cell> {
    let mut groups: Vec<&str> = coded.iter().map(|(g, _)| g.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let figures = groups
        .iter()
        .map(|g| GroupFigures {
            group: g.to_string(),
            n: coded.iter().filter(|(x, _)| x == g).count() as u64,
            figures: (),
        })
        .collect();
    let breakdown = suppress(figures, min_group_size.max(1));
    let mut out = Vec::new();
    for row in &breakdown.rows {
        let reason = if breakdown.total_must_be_suppressed {
            "total"
        } else {
            row.suppressed.map_or("", |r| r.code())
        };
        for code in codes {
            let shown = reason.is_empty();
            let n = coded
                .iter()
                .filter(|(g, c)| *g == row.group && c.iter().any(|x| x == code))
                .count() as u64;
            out.push(Cell {
                group: row.group.clone(),
                group_comments: if shown { row.n } else { None },
                code: code.to_string(),
                comments: shown.then_some(n),
                share_pct: match (shown, row.n) {
                    (true, Some(total)) if total > 0 => Some(n as f64 / total as f64 * 100.0),
                    _ => None,
                },
                suppressed: reason,
            });
        }
    }
    out
}

/// Per code of `codes`, Pearson's χ² (R's `chisq.test(m, correct = FALSE)`) of the table
/// groups × (with the code, without it) over the groups `table` shows; `None` with fewer
/// than two groups shown or when the code is in all or none of their comments.
pub fn code_tests(table: &[Cell], codes: &[&str]) -> Vec<Option<ChiSquare>> {
    codes
        .iter()
        .map(|code| {
            let rows: Vec<Vec<u64>> = table
                .iter()
                .filter(|c| c.code == *code)
                .filter_map(|c| Some(vec![c.comments?, c.group_comments? - c.comments?]))
                .collect();
            chi_square(&rows)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R: `chisq.test(matrix(c(3, 9, 10, 0), 2, byrow = TRUE), correct = FALSE)` gives
    /// X-squared = 12.69230769, df = 1, p-value = 0.0003671628635 (group c, blanked, left out); y is
    /// in every comment of a and none of b: `chisq.test(matrix(c(12, 0, 0, 10), 2,
    /// byrow = TRUE), correct = FALSE)` X-squared = 22, p-value = 2.726504656e-06.
    #[test]
    fn each_code_is_tested_over_the_groups_shown() {
        let v = |g: &str, c: &[&str]| (g.to_string(), c.iter().map(|x| x.to_string()).collect());
        let mut coded = Vec::new();
        for i in 0..12 {
            coded.push(v("a", if i < 3 { &["x", "y"] } else { &["y"] }));
        }
        for _ in 0..10 {
            coded.push(v("b", &["x"]));
        }
        let t = code_by_group(&coded, &["x", "y", "z"], 10);
        let tests = code_tests(&t, &["x", "y", "z"]);
        let x = tests[0].as_ref().expect("x is tested");
        assert!((x.statistic - 12.69230769).abs() < 1e-8, "{x:?}");
        assert_eq!(x.df, 1);
        assert!((x.p_value - 0.0003671628635).abs() < 1e-12, "{x:?}");
        let y = tests[1].as_ref().expect("y is tested");
        assert!((y.statistic - 22.0).abs() < 1e-9 && (y.p_value - 2.726504656e-06).abs() < 1e-14);
        assert_eq!(tests[2], None, "z is in no comment");
        // With one group left no test is made.
        let one = code_by_group(&coded[..12], &["x"], 10);
        assert_eq!(code_tests(&one, &["x"]), [None]);
    }

    #[test]
    fn counts_per_group_with_small_groups_blanked() {
        let v = |g: &str, c: &[&str]| (g.to_string(), c.iter().map(|x| x.to_string()).collect());
        let mut coded = Vec::new();
        for i in 0..12 {
            coded.push(v("a", if i < 3 { &["x", "y"] } else { &["y"] }));
        }
        for _ in 0..10 {
            coded.push(v("b", &["x"]));
        }
        coded.push(v("c", &["x"]));
        let t = code_by_group(&coded, &["x", "y"], 10);
        assert_eq!(t.len(), 6);
        // a: 12 comments, x in 3 (25%), y in 12 (100%).
        assert_eq!(
            (t[0].group.as_str(), t[0].comments, t[0].share_pct),
            ("a", Some(3), Some(25.0))
        );
        assert_eq!(t[1].comments, Some(12));
        // c (1 comment) is blanked, and b with it so that c cannot be had from the total.
        assert_eq!(
            (t[4].group.as_str(), t[4].comments, t[4].suppressed),
            ("c", None, "primary")
        );
        assert_eq!(
            (t[2].group.as_str(), t[2].comments, t[2].suppressed),
            ("b", None, "complementary")
        );
    }
}
