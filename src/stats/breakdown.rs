//! Per-group figures (by age band, area, gender, channel…) with small-cell suppression, so
//! that no published figure rests on fewer than the minimum number of respondents.
//!
//! The groups of one breakdown must partition the respondents behind the breakdown's total
//! (list "no answer" as a group of its own), since the rule protects against recovering a
//! group from the total and the other groups:
//!
//! 1. **Primary suppression.** Every group with fewer respondents than the minimum
//!    (`SURVEY_MIN_GROUP_SIZE`, default 10) has its count and all its figures blanked —
//!    an empty group included.
//! 2. **Complementary suppression.** When exactly one group is blanked by (1) and it has at
//!    least one respondent, its count would be the total minus the other groups; so the
//!    not-yet-blanked group with the fewest respondents is blanked as well (the first listed
//!    on a tie). Two or more blanked groups need no complement: only their sum can be
//!    recovered, not how it splits between them. A lone blanked group with zero
//!    respondents needs none either: recovering "0" discloses nobody.
//! 3. The breakdown's total is blanked when it is below the minimum
//!    ([`Breakdown::total_must_be_suppressed`], the same rule as for a vision's figures).
//!    That is the only case where a lone blanked group has no group left to complement it.
//!
//! Counts are respondents (unweighted), also for weighted figures.

/// Minimum respondents per published group when nothing else is said.
pub const DEFAULT_MIN_GROUP_SIZE: u64 = 10;

/// One group's figures before suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures<T> {
    /// The group's code, e.g. `age_30_39`.
    pub group: String,
    /// Respondents in the group.
    pub n: u64,
    pub figures: T,
}

/// Why a group is blanked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    /// Fewer respondents than the minimum.
    Primary,
    /// Blanked so that a primary-suppressed group cannot be recovered from the total.
    Complementary,
}

impl SuppressionReason {
    /// `primary` / `complementary`, for CSV columns.
    pub fn code(self) -> &'static str {
        match self {
            SuppressionReason::Primary => "primary",
            SuppressionReason::Complementary => "complementary",
        }
    }
}

/// One group's row as published: `n` and `figures` are `None` when suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownRow<T> {
    pub group: String,
    pub n: Option<u64>,
    pub figures: Option<T>,
    pub suppressed: Option<SuppressionReason>,
}

/// A breakdown after suppression, rows in the input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown<T> {
    pub rows: Vec<BreakdownRow<T>>,
    /// Rule 3 of the module docs: the total (Σ n) is below the minimum and must be blanked.
    pub total_must_be_suppressed: bool,
}

/// Applies primary and complementary suppression (rules in the module docs) to one
/// breakdown. `min_group_size` 0 suppresses nothing.
pub fn suppress<T>(groups: Vec<GroupFigures<T>>, min_group_size: u64) -> Breakdown<T> {
    let mut reasons: Vec<Option<SuppressionReason>> = groups
        .iter()
        .map(|g| (g.n < min_group_size).then_some(SuppressionReason::Primary))
        .collect();
    let primary: Vec<usize> = (0..groups.len())
        .filter(|&i| reasons[i].is_some())
        .collect();
    if let [only] = primary[..]
        && groups[only].n > 0
        && let Some(i) = (0..groups.len())
            .filter(|&i| reasons[i].is_none())
            .min_by_key(|&i| (groups[i].n, i))
    {
        reasons[i] = Some(SuppressionReason::Complementary);
    }
    let total: u64 = groups.iter().map(|g| g.n).sum();
    let total_must_be_suppressed = total < min_group_size;
    let rows = groups
        .into_iter()
        .zip(reasons)
        .map(|(g, reason)| BreakdownRow {
            group: g.group,
            n: reason.is_none().then_some(g.n),
            figures: if reason.is_none() {
                Some(g.figures)
            } else {
                None
            },
            suppressed: reason,
        })
        .collect();
    Breakdown {
        rows,
        total_must_be_suppressed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SuppressionReason::{Complementary, Primary};

    fn groups(ns: &[u64]) -> Vec<GroupFigures<f64>> {
        ns.iter()
            .enumerate()
            .map(|(i, &n)| GroupFigures {
                group: format!("g{i}"),
                n,
                figures: 10.0 * i as f64,
            })
            .collect()
    }

    fn reasons(b: &Breakdown<f64>) -> Vec<Option<SuppressionReason>> {
        b.rows.iter().map(|r| r.suppressed).collect()
    }

    #[test]
    fn nothing_small_nothing_blanked() {
        let b = suppress(groups(&[10, 25, 40]), 10);
        assert_eq!(reasons(&b), [None, None, None]);
        assert_eq!(b.rows[1].n, Some(25));
        assert_eq!(b.rows[1].figures, Some(10.0));
        assert_eq!(b.rows[2].group, "g2");
        assert!(!b.total_must_be_suppressed);
    }

    #[test]
    fn a_lone_small_group_takes_the_next_smallest_with_it() {
        // Total 3 + 40 + 12 + 25 = 80: showing 40, 12, 25 would give away the 3.
        let b = suppress(groups(&[40, 3, 12, 25]), 10);
        assert_eq!(
            reasons(&b),
            [None, Some(Primary), Some(Complementary), None]
        );
        assert_eq!((b.rows[1].n, b.rows[1].figures), (None, None));
        assert_eq!((b.rows[2].n, b.rows[2].figures), (None, None));
        assert_eq!(b.rows[3].n, Some(25));
    }

    #[test]
    fn ties_take_the_first_listed() {
        let b = suppress(groups(&[20, 15, 9, 15]), 10);
        assert_eq!(
            reasons(&b),
            [None, Some(Complementary), Some(Primary), None]
        );
    }

    #[test]
    fn two_small_groups_protect_each_other() {
        let b = suppress(groups(&[2, 30, 9, 12]), 10);
        assert_eq!(reasons(&b), [Some(Primary), None, Some(Primary), None]);
    }

    #[test]
    fn empty_groups() {
        // An empty group is blanked but alone needs no complement.
        let b = suppress(groups(&[0, 30, 12]), 10);
        assert_eq!(reasons(&b), [Some(Primary), None, None]);
        let b = suppress(groups(&[5, 0, 30, 12]), 10);
        assert_eq!(
            reasons(&b),
            [Some(Primary), Some(Primary), None, None],
            "two blanked groups: no complement needed"
        );
        let b = suppress(groups(&[30, 5, 12]), 10);
        assert_eq!(reasons(&b), [None, Some(Primary), Some(Complementary)]);
    }

    #[test]
    fn a_lone_group_cannot_be_protected() {
        let b = suppress(groups(&[4]), 10);
        assert_eq!(reasons(&b), [Some(Primary)]);
        assert!(b.total_must_be_suppressed);
        let b = suppress(groups(&[4, 0]), 10);
        assert!(b.total_must_be_suppressed);
        let b = suppress(groups(&[4, 6]), 10);
        assert_eq!(reasons(&b), [Some(Primary), Some(Primary)]);
        assert!(!b.total_must_be_suppressed, "total 10 is published");
        let b = suppress(Vec::<GroupFigures<f64>>::new(), 10);
        assert!(b.rows.is_empty() && b.total_must_be_suppressed);
    }

    #[test]
    fn minimum_zero_disables_and_codes_read_well() {
        let b = suppress(groups(&[0, 1]), 0);
        assert_eq!(reasons(&b), [None, None]);
        assert_eq!(Primary.code(), "primary");
        assert_eq!(Complementary.code(), "complementary");
        assert_eq!(DEFAULT_MIN_GROUP_SIZE, 10);
    }
}
