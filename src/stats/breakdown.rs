//! Per-group figures (by age band, area, gender, channel…) with small-cell suppression, so
//! that no published figure rests on fewer than the minimum number of respondents, and no
//! blanked cell can be worked out from the published ones.
//!
//! The groups of one breakdown must partition the respondents behind the breakdown's total
//! (list "no answer" as a group of its own), since the rule protects against recovering a
//! group from the total and the other groups. One **grouping** (e.g. age band) may be shown
//! in several tables at once — the question's answer counts, and each vision's
//! respondents by group — and an attacker holds all of them; so the blanked groups are
//! decided **once** for all the tables of a grouping ([`suppress_linked`]) and every table
//! blanks the same groups:
//!
//! 1. **Empty groups are published** as 0: a blank that the codebook proves empty protects
//!    nobody, so it never counts as a blanked group.
//! 2. **Primary suppression.** A group with at least one and fewer than the minimum
//!    (`SURVEY_MIN_GROUP_SIZE`, default 10) respondents in any table whose total is
//!    published is blanked (count and figures) in every table.
//! 3. **Complementary suppression.** Whatever is blanked in a table can be recovered as a
//!    whole: total minus the published groups. So in every table the blanked groups
//!    together must hold 0 or at least the minimum respondents. While a table's blanked
//!    groups hold 1 to minimum − 1, its smallest non-empty group not yet blanked is blanked
//!    too (the first listed on a tie), in every table. A single small group therefore always
//!    takes another with it, and two small groups whose union is below the minimum take a
//!    third. Once the union reaches the minimum only the union can be recovered, never how
//!    it splits between its groups.
//! 4. The breakdown's total is blanked when it is below the minimum
//!    ([`Breakdown::total_must_be_suppressed`], the same rule as for a vision's figures).
//!    Such a table publishes nothing and constrains nothing.
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
    let counts: Vec<u64> = groups.iter().map(|g| g.n).collect();
    let reasons = suppress_linked(std::slice::from_ref(&counts), min_group_size);
    apply(groups, &reasons, min_group_size)
}

/// Blanks the groups of one breakdown as [`suppress_linked`] decided (`reasons[g]` for
/// group g), so that every table of a grouping blanks the same groups.
///
/// # Panics
///
/// When `reasons` does not have one entry per group.
pub fn apply<T>(
    groups: Vec<GroupFigures<T>>,
    reasons: &[Option<SuppressionReason>],
    min_group_size: u64,
) -> Breakdown<T> {
    assert_eq!(groups.len(), reasons.len(), "one reason per group");
    let total: u64 = groups.iter().map(|g| g.n).sum();
    let total_must_be_suppressed = total < min_group_size;
    let rows = groups
        .into_iter()
        .zip(reasons)
        .map(|(g, reason)| {
            // Rule 4: a table below the minimum shows no group at all.
            let reason = match reason {
                None if total_must_be_suppressed && g.n > 0 => &Some(SuppressionReason::Primary),
                r => r,
            };
            (g, reason)
        })
        .map(|(g, reason)| BreakdownRow {
            group: g.group,
            n: reason.is_none().then_some(g.n),
            figures: if reason.is_none() {
                Some(g.figures)
            } else {
                None
            },
            suppressed: *reason,
        })
        .collect();
    Breakdown {
        rows,
        total_must_be_suppressed,
    }
}

/// The groups to blank in every table of one grouping (module docs, rules 1–3):
/// `tables[t][g]` is group g's respondents in table t (0 where the table has no such
/// group). A table whose total is below the minimum is blanked as a whole and ignored.
/// `min_group_size` 0 suppresses nothing.
///
/// # Panics
///
/// When the tables do not all have the same number of groups.
pub fn suppress_linked(tables: &[Vec<u64>], min_group_size: u64) -> Vec<Option<SuppressionReason>> {
    let groups = tables.first().map_or(0, Vec::len);
    assert!(
        tables.iter().all(|t| t.len() == groups),
        "same groups in every table"
    );
    let published: Vec<&Vec<u64>> = tables
        .iter()
        .filter(|t| t.iter().sum::<u64>() >= min_group_size.max(1))
        .collect();
    let mut reasons: Vec<Option<SuppressionReason>> = (0..groups)
        .map(|g| {
            published
                .iter()
                .any(|t| t[g] > 0 && t[g] < min_group_size)
                .then_some(SuppressionReason::Primary)
        })
        .collect();
    // Each step blanks one more non-empty group of a table, so this ends.
    while let Some(table) = published.iter().find(|t| {
        let blanked: u64 = (0..groups)
            .filter(|&g| reasons[g].is_some())
            .map(|g| t[g])
            .sum();
        blanked > 0 && blanked < min_group_size
    }) {
        let next = (0..groups)
            .filter(|&g| reasons[g].is_none() && table[g] > 0)
            .min_by_key(|&g| (table[g], g))
            .expect("the table's total reaches the minimum, so a non-empty group is left");
        reasons[next] = Some(SuppressionReason::Complementary);
    }
    reasons
}

/// One grouping decided for both scopes of the exports — the sample, and the sample with
/// the open answers beside it (`include_open`) — since an analyst can download both and
/// subtract: the difference of two published figures is the open respondents' figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedDisclosure {
    /// Per group: why it is blanked, in both scopes' tables alike.
    pub reasons: Vec<Option<SuppressionReason>>,
    /// Per table: the with-open-answers table is blanked as a whole, because its open
    /// respondents number 1 to minimum − 1 (its total minus the sample's total would be
    /// their figure).
    pub with_open_blanked: Vec<bool>,
}

/// [`suppress_linked`] over both scopes at once. `sample[t][g]` and `with_open[t][g]` are
/// group g's respondents in table t of each scope (the second includes the first); their
/// difference is the open respondents'. The linked tables are the sample's, the
/// with-open ones not blanked as a whole, and the open respondents' own (what the two
/// exports give away by subtraction): so a group published in both scopes has 0 or at
/// least the minimum open respondents, and the blanked groups of every one of these
/// tables hold 0 or at least the minimum together. A with-open table whose open
/// respondents number 1 to minimum − 1 is blanked as a whole (its total alone would give
/// them away).
///
/// # Panics
///
/// When the tables do not have the same shape, or a with-open count is below its sample
/// count.
pub fn suppress_scopes(
    sample: &[Vec<u64>],
    with_open: &[Vec<u64>],
    min_group_size: u64,
) -> ScopedDisclosure {
    assert_eq!(
        sample.len(),
        with_open.len(),
        "one with-open table per sample table"
    );
    let open: Vec<Vec<u64>> = sample
        .iter()
        .zip(with_open)
        .map(|(s, w)| {
            assert_eq!(s.len(), w.len(), "same groups in both scopes");
            s.iter()
                .zip(w)
                .map(|(s, w)| {
                    w.checked_sub(*s)
                        .expect("with-open counts include the sample")
                })
                .collect()
        })
        .collect();
    let with_open_blanked: Vec<bool> = open
        .iter()
        .map(|t| {
            let n: u64 = t.iter().sum();
            n > 0 && n < min_group_size
        })
        .collect();
    let mut linked: Vec<Vec<u64>> = sample.to_vec();
    for (t, table) in with_open.iter().enumerate() {
        if !with_open_blanked[t] {
            linked.push(table.clone());
            linked.push(open[t].clone());
        }
    }
    ScopedDisclosure {
        reasons: suppress_linked(&linked, min_group_size),
        with_open_blanked,
    }
}

/// The one decision for a scale question, shared by `question-distribution` (its answer
/// counts), `item-scores` and the item rows of `wave-comparison`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleDisclosure {
    /// Whether the item's figures (n, mean, sd, top-2 share, 「わからない」) may be shown.
    pub item_published: bool,
    /// Per answer count, as given: why it is blanked, if it is.
    pub cells: Vec<Option<SuppressionReason>>,
}

/// Decides what of a scale question is shown; `counts` are the respondents per answer, 1–5
/// then 「わからない」 when offered.
///
/// An item's n, mean, sd and top-2 share pin down its five counts (up to multiples of
/// (3, −8, 5, 2, −2), so one published count fixes them all), and n with the question's
/// respondents gives 「わからない」. So no count can be blanked while the item's figures are
/// shown: the item is shown only when it has at least the minimum answers 1–5 and every
/// count is 0 or at least the minimum; otherwise its figures are blanked everywhere and the
/// counts follow the breakdown rule ([`suppress_linked`]).
pub fn scale_disclosure(counts: &[u64], min_group_size: u64) -> ScaleDisclosure {
    let answered: u64 = counts.iter().take(5).sum();
    let item_published =
        answered >= min_group_size.max(1) && counts.iter().all(|&c| c == 0 || c >= min_group_size);
    ScaleDisclosure {
        item_published,
        cells: if item_published {
            vec![None; counts.len()]
        } else {
            suppress_linked(&[counts.to_vec()], min_group_size)
        },
    }
}

/// Differencing between publications: a figure published with `now` respondents, after
/// earlier publications of the same figure with `earlier` respondents, lets anyone compute
/// the figure of the |now − earlier| respondents in between (55·46.25 − 54·45.2546 is the
/// late respondent's score). Returns how many more respondents the figure needs before it
/// may be published again (`None` when every difference is 0 or at least the minimum).
pub fn differencing_shortfall(earlier: &[u64], now: u64, min_group_size: u64) -> Option<u64> {
    earlier
        .iter()
        .map(|&e| now.abs_diff(e))
        .filter(|&d| d > 0 && d < min_group_size)
        .map(|d| min_group_size - d)
        .max()
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
    fn empty_groups_are_published_and_never_count_as_blanked() {
        let b = suppress(groups(&[0, 30, 12]), 10);
        assert_eq!(reasons(&b), [None, None, None]);
        assert_eq!(b.rows[0].n, Some(0));
        // One small group and an empty one: the empty one does not protect it.
        let b = suppress(groups(&[5, 0, 30, 12]), 10);
        assert_eq!(
            reasons(&b),
            [Some(Primary), None, None, Some(Complementary)]
        );
        let b = suppress(groups(&[30, 5, 12]), 10);
        assert_eq!(reasons(&b), [None, Some(Primary), Some(Complementary)]);
    }

    #[test]
    fn the_union_of_blanked_groups_reaches_the_minimum() {
        // 4 + 4 = 8 < 10 could be recovered from the total: a third group goes too.
        let b = suppress(groups(&[100, 4, 4, 30, 20]), 10);
        assert_eq!(
            reasons(&b),
            [
                None,
                Some(Primary),
                Some(Primary),
                None,
                Some(Complementary)
            ]
        );
        // 2 + 9 = 11: enough.
        let b = suppress(groups(&[2, 30, 9, 12]), 10);
        assert_eq!(reasons(&b), [Some(Primary), None, Some(Primary), None]);
        // 1 + 1 + 1 = 3, then + 12 = 15.
        let b = suppress(groups(&[1, 1, 1, 12, 40]), 10);
        assert_eq!(
            reasons(&b),
            [
                Some(Primary),
                Some(Primary),
                Some(Primary),
                Some(Complementary),
                None
            ]
        );
    }

    #[test]
    fn linked_tables_blank_the_same_groups() {
        // Small in the second table only: blanked in both, and both unions reach 10.
        let r = suppress_linked(&[vec![40, 12, 11, 30], vec![38, 9, 11, 29]], 10);
        assert_eq!(r, [None, Some(Primary), Some(Complementary), None]);
        // A table below the minimum constrains nothing (it is blanked as a whole).
        let r = suppress_linked(&[vec![40, 12, 11], vec![3, 2, 1]], 10);
        assert_eq!(r, [None, None, None]);
    }

    #[test]
    fn a_lone_group_cannot_be_protected() {
        let b = suppress(groups(&[4]), 10);
        assert_eq!(reasons(&b), [Some(Primary)]);
        assert!(b.total_must_be_suppressed);
        let b = suppress(groups(&[4, 0]), 10);
        assert!(b.total_must_be_suppressed);
        assert_eq!(reasons(&b), [Some(Primary), None]);
        let b = suppress(groups(&[4, 6]), 10);
        assert_eq!(reasons(&b), [Some(Primary), Some(Primary)]);
        assert!(!b.total_must_be_suppressed, "total 10 is published");
        let b = suppress(Vec::<GroupFigures<f64>>::new(), 10);
        assert!(b.rows.is_empty() && b.total_must_be_suppressed);
    }

    #[test]
    fn a_scale_item_with_a_small_count_is_not_shown() {
        // The case: option 1 answered by 9, 「わからない」 by 26.
        let d = scale_disclosure(&[9, 40, 80, 100, 67, 26], 10);
        assert!(!d.item_published);
        assert_eq!(
            d.cells,
            [Some(Primary), None, None, None, None, Some(Complementary)]
        );
        let d = scale_disclosure(&[0, 40, 80, 100, 67, 26], 10);
        assert!(d.item_published);
        assert!(d.cells.iter().all(Option::is_none));
        assert!(!scale_disclosure(&[0, 0, 0, 9, 0], 10).item_published);
    }

    #[test]
    fn publications_cannot_be_differenced() {
        assert_eq!(differencing_shortfall(&[54], 55, 10), Some(9));
        assert_eq!(differencing_shortfall(&[54], 54, 10), None);
        assert_eq!(differencing_shortfall(&[54], 64, 10), None);
        assert_eq!(differencing_shortfall(&[40, 54], 60, 10), Some(4));
        assert_eq!(differencing_shortfall(&[], 60, 10), None);
    }

    /// Property: for random linked tables (a question's answer counts, then each vision's
    /// respondents as subsets, with empty and small groups), the attacker who subtracts the
    /// published cells from each table's total never gets a single cell or a union below
    /// the minimum, and no group under the minimum is shown in any table.
    #[test]
    fn random_linked_tables_never_give_away_a_small_group() {
        let mut seed: u64 = 13;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..5000 {
            let min = 1 + next(12);
            let groups = 1 + next(8) as usize;
            // Mostly small groups, some empty (e.g. "not answered" of a required question).
            let base: Vec<u64> = (0..groups)
                .map(|_| match next(4) {
                    0 => 0,
                    1 => next(min + 1),
                    _ => next(4 * min),
                })
                .collect();
            let mut tables = vec![base.clone()];
            for _ in 0..next(4) {
                tables.push(base.iter().map(|&n| n - next(n / 3 + 1)).collect());
            }
            let reasons = suppress_linked(&tables, min);
            for t in &tables {
                if t.iter().sum::<u64>() < min {
                    continue;
                }
                let blanked: u64 = (0..groups)
                    .filter(|&g| reasons[g].is_some())
                    .map(|g| t[g])
                    .sum();
                assert!(
                    blanked == 0 || blanked >= min,
                    "{tables:?} min {min}: {reasons:?}"
                );
                for g in 0..groups {
                    if t[g] > 0 && t[g] < min {
                        assert!(reasons[g].is_some(), "{tables:?} min {min}: {reasons:?}");
                    }
                    if t[g] == 0 && tables.iter().all(|t| t[g] == 0) {
                        assert!(reasons[g].is_none(), "empty groups are shown");
                    }
                }
            }
            // A scale question: shown item figures mean no blanked count.
            let d = scale_disclosure(&base, min);
            if d.item_published {
                assert!(d.cells.iter().all(Option::is_none));
                assert!(base.iter().all(|&c| c == 0 || c >= min));
            }
        }
    }

    #[test]
    fn minimum_zero_disables_and_codes_read_well() {
        let b = suppress(groups(&[0, 1]), 0);
        assert_eq!(reasons(&b), [None, None]);
        assert_eq!(Primary.code(), "primary");
        assert_eq!(Complementary.code(), "complementary");
        assert_eq!(DEFAULT_MIN_GROUP_SIZE, 10);
    }

    #[test]
    fn few_open_respondents_blank_the_with_open_table_as_a_whole() {
        let d = suppress_scopes(&[vec![12, 20, 30]], &[vec![12, 22, 31]], 10);
        assert_eq!(d.with_open_blanked, [true]);
        assert_eq!(
            d.reasons,
            [None, None, None],
            "the sample's own table is fine"
        );
    }

    #[test]
    fn many_open_respondents_in_few_groups_blank_those_groups_in_both_scopes() {
        // Open respondents 0, 3, 12 (15 in all): the second group's 3 would be the
        // difference, so it is blanked in both scopes, and with it the smallest other
        // non-empty open group (12), so that the open union blanked is 15 ≥ 10.
        let d = suppress_scopes(&[vec![12, 20, 30]], &[vec![12, 23, 42]], 10);
        assert_eq!(d.with_open_blanked, [false]);
        assert_eq!(d.reasons, [None, Some(Primary), Some(Complementary)]);
        // Every table's blanked groups: sample 50, with-open 65, open 15: all ≥ 10.
    }

    #[test]
    fn without_open_answers_both_scopes_are_the_sample_decision() {
        let sample = vec![vec![40, 3, 12, 25]];
        let d = suppress_scopes(&sample, &sample, 10);
        assert_eq!(d.reasons, suppress_linked(&sample, 10));
        assert_eq!(d.with_open_blanked, [false]);
    }
}
