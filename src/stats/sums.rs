//! Running sums of vision scores per group of respondents, as the database keeps them
//! (shifted for numerical conditioning), and the unweighted summary they give.

use super::{Accumulator, Summary};

/// Shift of the score sums: Σ (score − 50) keeps sums of squares well conditioned.
pub const SCORE_SHIFT: f64 = 50.0;
/// Shift of the top-2 share sums (shares are 0–1).
pub const TOP2_SHIFT: f64 = 0.5;

/// A group's key: one or two codes, `None` for "not answered".
pub type GroupKey = (Option<String>, Option<String>);

/// Sums of one vision's scores over one group of respondents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupSums {
    pub vision_id: String,
    /// The group's key (age band and area by stratum; one code by group).
    pub key: GroupKey,
    /// All respondents of the group, with or without a score.
    pub respondents: u64,
    /// Respondents with a score.
    pub n: u64,
    /// Σ (score − [`SCORE_SHIFT`]), Σ (score − [`SCORE_SHIFT`])².
    pub score_sum: f64,
    pub score_sum_sq: f64,
    /// Σ top2, Σ (top2 − [`TOP2_SHIFT`]), Σ (top2 − [`TOP2_SHIFT`])².
    pub top2_sum: f64,
    pub top2_shifted_sum: f64,
    pub top2_sum_sq: f64,
}

/// The unweighted summary of groups' sums.
pub fn summary_of(groups: &[&GroupSums]) -> Option<Summary> {
    let (mut n, mut s, mut ss, mut t) = (0, 0.0, 0.0, 0.0);
    for g in groups {
        n += g.n;
        s += g.score_sum;
        ss += g.score_sum_sq;
        t += g.top2_sum;
    }
    Accumulator::from_sums(n, SCORE_SHIFT, s, ss, t).summary()
}
