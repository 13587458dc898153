//! Item-level figures for one scored item (a 5-point scale with an optional 「わからない」):
//! counts, mean on the 0–100 scale, spread, intervals, top-2-box share and the share of
//! 「わからない」, unweighted ([`item_figures`]) and weighted ([`weighted_item_figures`]).
//!
//! An answer v ∈ {1…5} maps to (v − 1) / 4 × 100 = 0, 25, 50, 75, 100, the same mapping as a
//! respondent's vision score. 「わからない」 is counted but never scored.

use super::dist::{t975, z975};
use super::weighting::{PostStratification, WeightedEstimate};
use crate::domain::DONT_KNOW;

/// An item's answers: how many respondents chose 1…5 (`answers[v − 1]`) and 「わからない」.
/// Unanswered is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemCounts {
    pub answers: [u64; 5],
    pub dont_know: u64,
}

impl ItemCounts {
    /// Counts one stored answer: "1"…"5" or [`DONT_KNOW`]; anything else is ignored.
    pub fn add(&mut self, stored: &str) {
        if stored == DONT_KNOW {
            self.dont_know += 1;
        } else if let Some(v) = scale_value(stored) {
            self.answers[usize::from(v - 1)] += 1;
        }
    }

    /// Respondents who answered 1–5.
    pub fn answered(&self) -> u64 {
        self.answers.iter().sum()
    }
}

fn scale_value(stored: &str) -> Option<u8> {
    match stored.parse::<u8>() {
        Ok(v @ 1..=5) => Some(v),
        _ => None,
    }
}

/// The 0–100 value of a stored answer, (v − 1) × 25; `None` for 「わからない」 and anything
/// but "1"…"5".
pub fn item_value(stored: &str) -> Option<f64> {
    scale_value(stored).map(|v| f64::from(v - 1) * 25.0)
}

/// A share with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    /// x: respondents with the property.
    pub count: u64,
    /// n: respondents asked about it (the denominator).
    pub n: u64,
    /// x / n, 0–1.
    pub share: f64,
    /// Wilson score interval, 0–1.
    pub ci95: (f64, f64),
}

impl Proportion {
    /// x / n with its Wilson interval; `None` when n = 0.
    ///
    /// # Panics
    ///
    /// When x > n.
    pub fn new(count: u64, n: u64) -> Option<Proportion> {
        assert!(count <= n, "a share's count cannot exceed its denominator");
        Some(Proportion {
            count,
            n,
            share: count as f64 / n.max(1) as f64,
            ci95: wilson_interval(count, n)?,
        })
    }
}

/// The Wilson score interval for x successes out of n at 95%, without continuity
/// correction — R's `prop.test(x, n, correct = FALSE)$conf.int`:
///
/// (p̂ + z²/(2n) ± z √(p̂(1−p̂)/n + z²/(4n²))) / (1 + z²/n), p̂ = x/n, z = z_{0.975},
///
/// with the lower bound exactly 0 when x = 0 and the upper bound exactly 1 when x = n (as
/// R). Unlike p̂ ± z √(p̂(1−p̂)/n) it stays within 0–1 and does not collapse to a point at 0%
/// or 100%. `None` when n = 0.
pub fn wilson_interval(successes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (x, n_f) = (successes as f64, n as f64);
    let p = x / n_f;
    let z = z975();
    let z2n = z * z / (2.0 * n_f);
    let half = z * (p * (1.0 - p) / n_f + z2n / (2.0 * n_f)).sqrt();
    let denominator = 1.0 + 2.0 * z2n;
    let lower = if successes == 0 {
        0.0
    } else {
        (p + z2n - half) / denominator
    };
    let upper = if successes == n {
        1.0
    } else {
        (p + z2n + half) / denominator
    };
    Some((lower, upper))
}

/// One item's unweighted figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemFigures {
    /// n: respondents who answered 1–5.
    pub n: u64,
    /// Respondents who answered 「わからない」.
    pub dont_know: u64,
    /// 「わからない」 / (n + 「わからない」), 0–1, with its Wilson interval; `None` when
    /// nobody answered the item at all.
    pub dont_know_share: Option<Proportion>,
    /// Mean of the 0–100 values; `None` when n = 0.
    pub mean: Option<f64>,
    /// Sample standard deviation (divisor n − 1); `None` below two answers.
    pub sd: Option<f64>,
    /// Standard error of the mean, sd / √n.
    pub se: Option<f64>,
    /// mean ± t_{0.975, n−1} × se, as the vision scores (R: `t.test(x)$conf.int`).
    pub ci95: Option<(f64, f64)>,
    /// Share of answers 4 or 5 among the n, with its Wilson interval; `None` when n = 0.
    pub top2: Option<Proportion>,
}

/// An item's unweighted figures from its counts (formulas on [`ItemFigures`]'s fields).
pub fn item_figures(counts: &ItemCounts) -> ItemFigures {
    let n = counts.answered();
    let values = [0.0, 25.0, 50.0, 75.0, 100.0];
    let n_f = n as f64;
    let mean = (n > 0).then(|| {
        counts
            .answers
            .iter()
            .zip(values)
            .map(|(&c, x)| c as f64 * x)
            .sum::<f64>()
            / n_f
    });
    let sd = mean.filter(|_| n >= 2).map(|m| {
        let ss: f64 = counts
            .answers
            .iter()
            .zip(values)
            .map(|(&c, x)| c as f64 * (x - m).powi(2))
            .sum();
        (ss / (n_f - 1.0)).sqrt()
    });
    let se = sd.map(|sd| sd / n_f.sqrt());
    let ci95 = mean.zip(se).map(|(m, se)| {
        let half = t975(n_f - 1.0) * se;
        (m - half, m + half)
    });
    ItemFigures {
        n,
        dont_know: counts.dont_know,
        dont_know_share: Proportion::new(counts.dont_know, n + counts.dont_know),
        mean,
        sd,
        se,
        ci95,
        top2: Proportion::new(counts.answers[3] + counts.answers[4], n),
    }
}

/// One item's weighted figures, each a domain estimate over the wave's post-stratification
/// ([`PostStratification::weighted_mean`]; intervals are normal, as R's `confint(svymean)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedItemFigures {
    /// Weighted mean of the 0–100 values over those who answered 1–5.
    pub mean: WeightedEstimate,
    /// Weighted share (0–1) of 4 or 5 over those who answered 1–5: the weighted mean of
    /// the indicator.
    pub top2: WeightedEstimate,
    /// Weighted share (0–1) of 「わからない」 over those who answered 1–5 or 「わからない」.
    pub dont_know: WeightedEstimate,
}

/// An item's weighted figures from each respondent's stored answer (`None`: unanswered),
/// in the order of the post-stratification. `None` when nobody answered 1–5.
///
/// # Panics
///
/// When `answers` does not have one entry per post-stratified respondent.
pub fn weighted_item_figures(
    weights: &PostStratification,
    answers: &[Option<&str>],
) -> Option<WeightedItemFigures> {
    let values: Vec<Option<f64>> = answers.iter().map(|a| a.and_then(item_value)).collect();
    let top2: Vec<Option<f64>> = values
        .iter()
        .map(|v| v.map(|v| if v >= 75.0 { 1.0 } else { 0.0 }))
        .collect();
    let dont_know: Vec<Option<f64>> = answers
        .iter()
        .zip(&values)
        .map(|(a, v)| match (a, v) {
            (_, Some(_)) => Some(0.0),
            (Some(a), None) if *a == DONT_KNOW => Some(1.0),
            _ => None,
        })
        .collect();
    Some(WeightedItemFigures {
        mean: weights.weighted_mean(&values)?,
        top2: weights.weighted_mean(&top2)?,
        dont_know: weights.weighted_mean(&dont_know)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::population::{Population, StratumCodes};
    use crate::stats::weighting::{StratumAnswers, WeightingOptions, post_stratify};

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    fn counts(stored: &[&str]) -> ItemCounts {
        let mut c = ItemCounts::default();
        for s in stored {
            c.add(s);
        }
        c
    }

    #[test]
    fn counts_and_values() {
        let c = counts(&["1", "5", "5", "dk", "", "6", "0", "x", "3"]);
        assert_eq!(c.answers, [1, 0, 1, 0, 2]);
        assert_eq!(c.dont_know, 1);
        assert_eq!(c.answered(), 4);
        assert_eq!(item_value("1"), Some(0.0));
        assert_eq!(item_value("4"), Some(75.0));
        assert_eq!(item_value("5"), Some(100.0));
        assert_eq!(item_value(DONT_KNOW), None);
        assert_eq!(item_value("6"), None);
    }

    #[test]
    fn figures_by_hand() {
        // Answers 5, 4, 4, 2, 1 and two 「わからない」: values 100, 75, 75, 25, 0.
        let f = item_figures(&counts(&["5", "4", "4", "2", "1", "dk", "dk"]));
        assert_eq!((f.n, f.dont_know), (5, 2));
        close(f.mean.unwrap(), 55.0);
        // Deviations 45, 20, 20, −30, −55: Σ² = 2025 + 400 + 400 + 900 + 3025 = 6750;
        // sd = √(6750 / 4) = √1687.5 = 41.0791…; se = sd / √5 = √337.5 = 18.3711…
        close(f.sd.unwrap(), 1687.5f64.sqrt());
        close(f.se.unwrap(), 337.5f64.sqrt());
        // t(0.975, 4) = 2.776445105197793 (R: qt(0.975, 4)).
        let (lo, hi) = f.ci95.unwrap();
        close(lo, 55.0 - 2.776_445_105_197_793 * 337.5f64.sqrt());
        close(hi, 55.0 + 2.776_445_105_197_793 * 337.5f64.sqrt());
        let top2 = f.top2.unwrap();
        assert_eq!((top2.count, top2.n), (3, 5));
        close(top2.share, 0.6);
        // R: prop.test(3, 5, correct = FALSE)$conf.int = 0.2307242813, 0.8823792258.
        assert!((top2.ci95.0 - 0.230_724_281_3).abs() < 1e-9);
        assert!((top2.ci95.1 - 0.882_379_225_8).abs() < 1e-9);
        let dk = f.dont_know_share.unwrap();
        assert_eq!((dk.count, dk.n), (2, 7));
        close(dk.share, 2.0 / 7.0);
    }

    #[test]
    fn wilson_by_hand_and_at_the_edges() {
        // x = 5, n = 10, z² = 3.841459: centre (0.5 + 0.192073) / 1.384146 = 0.5;
        // half = 1.959964 × √(0.025 + 0.009604) / 1.384146 = 0.263407…
        // R: prop.test(5, 10, correct = FALSE)$conf.int = 0.2365930905, 0.7634069095.
        let (lo, hi) = wilson_interval(5, 10).unwrap();
        assert!((lo - 0.236_593_090_5).abs() < 1e-9);
        assert!((hi - 0.763_406_909_5).abs() < 1e-9);
        // 0 of 10: [0, z²/(n + z²)] = [0, 3.841459 / 13.841459] = [0, 0.2775327999].
        let (lo, hi) = wilson_interval(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.277_532_799_9).abs() < 1e-9);
        let (lo, hi) = wilson_interval(10, 10).unwrap();
        assert!((lo - 0.722_467_200_1).abs() < 1e-9);
        assert_eq!(hi, 1.0);
        // One answer, 1 of 1: [1/(1 + z²), 1] = [0.2065493144, 1] (R: prop.test(1, 1, …)).
        let (lo, hi) = wilson_interval(1, 1).unwrap();
        assert!((lo - 0.206_549_314_4).abs() < 1e-9);
        assert_eq!(hi, 1.0);
        assert_eq!(wilson_interval(0, 0), None);
        assert_eq!(Proportion::new(0, 0), None);
    }

    #[test]
    fn an_empty_item_has_no_figures() {
        let f = item_figures(&ItemCounts::default());
        assert_eq!(f.n, 0);
        assert_eq!(
            (f.mean, f.sd, f.se, f.ci95, f.top2, f.dont_know_share),
            (None, None, None, None, None, None)
        );
    }

    #[test]
    fn a_single_answer_has_a_mean_but_no_spread() {
        let f = item_figures(&counts(&["4"]));
        assert_eq!(f.n, 1);
        assert_eq!(f.mean, Some(75.0));
        assert_eq!((f.sd, f.se, f.ci95), (None, None, None));
        let top2 = f.top2.unwrap();
        assert_eq!(top2.share, 1.0);
        assert_eq!(f.dont_know_share.unwrap().share, 0.0);
    }

    #[test]
    fn all_dont_know_has_only_the_dont_know_share() {
        let f = item_figures(&counts(&["dk", "dk", "dk"]));
        assert_eq!((f.n, f.dont_know), (0, 3));
        assert_eq!((f.mean, f.sd, f.top2), (None, None, None));
        let dk = f.dont_know_share.unwrap();
        assert_eq!(dk.share, 1.0);
        // R: prop.test(3, 3, correct = FALSE)$conf.int = 0.4385029682, 1.
        assert!((dk.ci95.0 - 0.438_502_968_2).abs() < 1e-9);
        assert_eq!(dk.ci95.1, 1.0);
    }

    #[test]
    fn constant_answers_have_zero_spread() {
        let f = item_figures(&counts(&["3", "3", "3"]));
        assert_eq!((f.mean, f.sd, f.se), (Some(50.0), Some(0.0), Some(0.0)));
        assert_eq!(f.ci95, Some((50.0, 50.0)));
        assert_eq!(f.top2.unwrap().share, 0.0);
    }

    #[test]
    fn weighted_item_figures_by_hand() {
        // Two cells of one age band: north N = 300 with two respondents (w = 150), south
        // N = 100 with two (w = 50).
        let pop = Population::new(
            StratumCodes {
                age_bands: vec!["all".into()],
                areas: vec!["north".into(), "south".into()],
            },
            vec![300, 100],
        )
        .unwrap();
        let r = [
            ("all", "north"),
            ("all", "north"),
            ("all", "south"),
            ("all", "south"),
        ]
        .map(|(a, k)| StratumAnswers {
            age_band: Some(a),
            area: Some(k),
        });
        let ps = post_stratify(&pop, &r, WeightingOptions { min_respondents: 1 }).unwrap();
        let answers = [Some("5"), Some("dk"), Some("2"), None];
        let f = weighted_item_figures(&ps, &answers).unwrap();
        // Mean over the answered: (150·100 + 50·25) / 200 = 81.25.
        close(f.mean.mean, 81.25);
        assert_eq!(f.mean.n, 2);
        // Top-2: (150·1 + 50·0) / 200 = 0.75.
        close(f.top2.mean, 0.75);
        // 「わからない」 over answered + dk: 150 / (150 + 150 + 50) = 3/7.
        close(f.dont_know.mean, 3.0 / 7.0);
        assert_eq!(f.dont_know.n, 3);
        assert_eq!(
            weighted_item_figures(&ps, &[None, Some("dk"), None, None]),
            None
        );
    }
}
