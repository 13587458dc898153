//! A wave's figures as the evaluation reads them, from plain totals (the same running sums
//! and answer counts the `vision-scores` and `item-scores` exports read), with the same
//! suppression as those exports and the published results. Pure.

use std::collections::HashMap;

use super::change::Estimate;
use super::grade::Figure;
use super::targets::{Indicator, Measure};
use crate::stats::{ItemCounts, item_figures, scale_disclosure};

/// One vision's unweighted totals over its respondents with a score: n, and the sums of
/// their scores and top-2 shares about a shift (Σ (x − c), Σ (x − c)²), as
/// `db::scores::GroupSums` hold them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VisionTotals {
    pub n: u64,
    pub score_shift: f64,
    pub score_sum: f64,
    pub score_sum_sq: f64,
    pub top2_shift: f64,
    pub top2_sum: f64,
    pub top2_sum_sq: f64,
}

/// Mean and sample sd from sums about a shift; sd `None` below two values.
fn moments(n: u64, shift: f64, sum: f64, sum_sq: f64) -> (f64, Option<f64>) {
    let nf = n as f64;
    let mean = shift + sum / nf;
    let sd = (n >= 2).then(|| ((sum_sq - sum * sum / nf).max(0.0) / (nf - 1.0)).sqrt());
    (mean, sd)
}

impl VisionTotals {
    /// The vision score as a mean of respondents' scores.
    pub fn score(&self) -> Option<Estimate> {
        (self.n > 0).then(|| {
            let (mean, sd) = moments(self.n, self.score_shift, self.score_sum, self.score_sum_sq);
            Estimate::Mean {
                n: self.n,
                mean,
                sd,
            }
        })
    }

    /// The top-2 share as the mean of respondents' shares, in percent.
    pub fn top2(&self) -> Option<Estimate> {
        (self.n > 0).then(|| {
            let (mean, sd) = moments(self.n, self.top2_shift, self.top2_sum, self.top2_sum_sq);
            Estimate::Mean {
                n: self.n,
                mean: mean * 100.0,
                sd: sd.map(|s| s * 100.0),
            }
        })
    }
}

/// What the evaluation needs of one wave.
#[derive(Debug, Clone, Default)]
pub struct WaveData {
    /// Per vision id.
    pub visions: HashMap<String, VisionTotals>,
    /// Per vision id: the weighted score and top-2 share (percent), when the wave can be
    /// weighted; a vision missing here cannot.
    pub weighted: HashMap<String, (Estimate, Estimate)>,
    /// Per scored item id.
    pub items: HashMap<String, ItemCounts>,
}

/// The indicator's figure in a wave, suppressed as published: a vision figure with fewer
/// respondents than `min_group_size`, an item whose counts would give a small group away
/// ([`scale_disclosure`], as `item-scores`).
pub fn figure(indicator: &Indicator, data: &WaveData, min_group_size: u64) -> Figure {
    let min = min_group_size.max(1);
    match &indicator.measure {
        Measure::VisionScore | Measure::VisionTop2 => {
            let totals = data
                .visions
                .get(&indicator.vision)
                .copied()
                .unwrap_or_default();
            if totals.n == 0 {
                return Figure::Missing;
            }
            if totals.n < min {
                return Figure::Suppressed;
            }
            let top2 = indicator.measure == Measure::VisionTop2;
            if indicator.weighted {
                return match data.weighted.get(&indicator.vision) {
                    Some((score, share)) => Figure::Shown(if top2 { *share } else { *score }),
                    None => Figure::Unweighted,
                };
            }
            let estimate = if top2 { totals.top2() } else { totals.score() };
            estimate.map_or(Figure::Missing, Figure::Shown)
        }
        Measure::ItemScore(item) | Measure::ItemTop2(item) => {
            let counts = data.items.get(item).copied().unwrap_or_default();
            if counts.answered() == 0 {
                return Figure::Missing;
            }
            let mut cells = counts.answers.to_vec();
            cells.push(counts.dont_know);
            if !scale_disclosure(&cells, min).item_published {
                return Figure::Suppressed;
            }
            let f = item_figures(&counts);
            match &indicator.measure {
                Measure::ItemTop2(_) => Figure::Shown(Estimate::Share {
                    x: counts.answers[3] + counts.answers[4],
                    n: f.n,
                }),
                _ => f.mean.map_or(Figure::Missing, |mean| {
                    Figure::Shown(Estimate::Mean {
                        n: f.n,
                        mean,
                        sd: f.sd,
                    })
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::targets::{Baseline, Rule, Target, TargetWhen};

    fn indicator(measure: Measure, weighted: bool) -> Indicator {
        Indicator {
            id: "i".into(),
            vision: "v1".into(),
            measure,
            weighted,
            name: None,
            baseline: Baseline::Wave("w".into()),
            target: Target {
                value: 60.0,
                when: TargetWhen::Year(2028),
            },
            rule: Rule::Interval,
        }
    }

    fn totals(scores: &[f64], top2: &[f64]) -> VisionTotals {
        VisionTotals {
            n: scores.len() as u64,
            score_shift: 50.0,
            score_sum: scores.iter().map(|s| s - 50.0).sum(),
            score_sum_sq: scores.iter().map(|s| (s - 50.0).powi(2)).sum(),
            top2_shift: 0.5,
            top2_sum: top2.iter().map(|t| t - 0.5).sum(),
            top2_sum_sq: top2.iter().map(|t| (t - 0.5).powi(2)).sum(),
        }
    }

    #[test]
    fn vision_figures_from_sums_and_their_suppression() {
        // Scores 0, 50, 100: mean 50, sd 50. Top-2 shares 0, 0.5, 1: mean 50%, sd 50%.
        let mut data = WaveData::default();
        data.visions
            .insert("v1".into(), totals(&[0.0, 50.0, 100.0], &[0.0, 0.5, 1.0]));
        let f = figure(&indicator(Measure::VisionScore, false), &data, 3);
        let Figure::Shown(Estimate::Mean { n, mean, sd }) = f else {
            panic!("{f:?}")
        };
        assert_eq!(n, 3);
        assert!((mean - 50.0).abs() < 1e-12 && (sd.unwrap() - 50.0).abs() < 1e-12);
        let Figure::Shown(e) = figure(&indicator(Measure::VisionTop2, false), &data, 3) else {
            panic!()
        };
        assert!((e.value() - 50.0).abs() < 1e-12);
        assert_eq!(
            figure(&indicator(Measure::VisionScore, false), &data, 4),
            Figure::Suppressed
        );
        // Weighted without weights for the wave: said so, not blank.
        assert_eq!(
            figure(&indicator(Measure::VisionScore, true), &data, 3),
            Figure::Unweighted
        );
        let w = Estimate::Weighted {
            n: 3,
            mean: 44.0,
            se: Some(3.0),
        };
        let s = Estimate::Weighted {
            n: 3,
            mean: 40.0,
            se: Some(9.0),
        };
        data.weighted.insert("v1".into(), (w, s));
        assert_eq!(
            figure(&indicator(Measure::VisionTop2, true), &data, 3),
            Figure::Shown(s)
        );
        // A vision nobody scored.
        data.visions.clear();
        assert_eq!(
            figure(&indicator(Measure::VisionScore, false), &data, 3),
            Figure::Missing
        );
    }

    #[test]
    fn item_figures_and_their_suppression() {
        let mut data = WaveData::default();
        let counts = ItemCounts {
            answers: [2, 2, 2, 2, 2],
            dont_know: 0,
        };
        data.items.insert("q".into(), counts);
        let f = figure(&indicator(Measure::ItemTop2("q".into()), false), &data, 2);
        assert_eq!(f, Figure::Shown(Estimate::Share { x: 4, n: 10 }));
        let Figure::Shown(Estimate::Mean { n, mean, .. }) =
            figure(&indicator(Measure::ItemScore("q".into()), false), &data, 2)
        else {
            panic!()
        };
        assert_eq!((n, mean), (10, 50.0));
        // One answer of 1 would be given away with a minimum of 3.
        assert_eq!(
            figure(&indicator(Measure::ItemScore("q".into()), false), &data, 3),
            Figure::Suppressed
        );
        assert_eq!(
            figure(
                &indicator(Measure::ItemScore("other".into()), false),
                &data,
                3
            ),
            Figure::Missing
        );
    }
}
