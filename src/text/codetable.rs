//! Code × group tables of the analysts' coding (KH Coder's コーディング結果のクロス集計):
//! per group (age band, area, gender … or channel), the coded comments and how many carry
//! each code, with the same suppression as every other breakdown (groups below the minimum
//! blanked, with a complementary one where the total would give them away). Only counts:
//! never a comment next to a group.

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

#[cfg(test)]
mod tests {
    use super::*;

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
