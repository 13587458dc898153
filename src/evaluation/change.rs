//! An indicator's figure in a wave with its 95% interval, and its change from the baseline
//! with the interval and p-value of the change. Pure; every figure on the 0–100 scale
//! (shares in percent).
//!
//! The figure ([`Estimate`]):
//! - a mean of respondents' values (vision score, a vision's top-2 share as the mean of
//!   respondents' shares, an item's mean): x̄ ± t_{0.975, n−1} s/√n, as the published scores;
//! - a post-stratified (weighted) mean: ȳ ± z_{0.975} SE with the linearisation SE;
//! - an item's top-2 share x/n: the Wilson interval (R: `prop.test(x, n, correct = FALSE)`).
//!
//! The change from a baseline that is **a wave of this product** (independent samples:
//! different respondents, nobody can be paired): Welch's test for means
//! ([`crate::stats::welch`]), the normal test of two weighted means
//! ([`crate::stats::weighted_difference`]), and for two shares the unpooled Wald interval
//! (p̂₂ − p̂₁) ± z √(p̂₁q̂₁/n₁ + p̂₂q̂₂/n₂) with its z-test, so that "p < 0.05" and "the
//! interval excludes 0" always agree.
//!
//! The change from an **external value without a variance** (another survey's published
//! figure b, taken as exact): a one-sample interval — the figure's own interval shifted by
//! b. Means: t = (x̄ − b) / (s/√n) with n − 1 degrees of freedom (R: `t.test(x, mu = b)`);
//! weighted means: z = (ȳ − b) / SE; shares: the score test z = (p̂ − b) / √(b(1−b)/n),
//! whose inversion is the Wilson interval (R: `prop.test(x, n, p = b, correct = FALSE)`).
//! This ignores the baseline's own sampling error, so it is narrower than the truth when the
//! baseline came from a sample too: give `baseline.se` when the source allows, and the
//! change is then normal with SE = √(SE_figure² + se_baseline²).

use serde::{Deserialize, Serialize};

use crate::stats::{
    SampleMoments, WeightedEstimate, p_two_sided_normal, p_two_sided_t, t975, weighted_difference,
    welch, wilson_interval, z975,
};

/// A figure of one wave, with what its interval needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Estimate {
    /// The mean of `n` respondents' values with their sample standard deviation (`None`
    /// below two respondents).
    Mean { n: u64, mean: f64, sd: Option<f64> },
    /// A post-stratified mean over `n` respondents with its linearisation SE.
    Weighted { n: u64, mean: f64, se: Option<f64> },
    /// `x` of `n` answers; the value is the share in percent.
    Share { x: u64, n: u64 },
}

impl Estimate {
    /// Respondents the figure rests on.
    pub fn n(&self) -> u64 {
        match *self {
            Estimate::Mean { n, .. } | Estimate::Weighted { n, .. } | Estimate::Share { n, .. } => {
                n
            }
        }
    }

    /// The figure, 0–100.
    pub fn value(&self) -> f64 {
        match *self {
            Estimate::Mean { mean, .. } | Estimate::Weighted { mean, .. } => mean,
            Estimate::Share { x, n } => x as f64 / n.max(1) as f64 * 100.0,
        }
    }

    /// The standard error of the figure: s/√n, the linearisation SE, or √(p̂(1−p̂)/n)·100.
    pub fn se(&self) -> Option<f64> {
        match *self {
            Estimate::Mean { n, sd, .. } => sd.filter(|_| n >= 2).map(|sd| sd / (n as f64).sqrt()),
            Estimate::Weighted { se, .. } => se,
            Estimate::Share { x, n } => (n > 0).then(|| {
                let p = x as f64 / n as f64;
                (p * (1.0 - p) / n as f64).sqrt() * 100.0
            }),
        }
    }

    /// The 95% confidence interval of the figure (module docs).
    pub fn ci95(&self) -> Option<(f64, f64)> {
        match *self {
            Estimate::Mean { n, mean, .. } => {
                let se = self.se()?;
                let half = t975((n as f64) - 1.0) * se;
                Some((mean - half, mean + half))
            }
            Estimate::Weighted { mean, .. } => {
                let half = z975() * self.se()?;
                Some((mean - half, mean + half))
            }
            Estimate::Share { x, n } => {
                wilson_interval(x, n).map(|(lo, hi)| (lo * 100.0, hi * 100.0))
            }
        }
    }

    fn moments(&self) -> Option<SampleMoments> {
        match *self {
            Estimate::Mean { n, mean, sd } => Some(SampleMoments { n, mean, sd: sd? }),
            _ => None,
        }
    }

    fn weighted(&self) -> Option<WeightedEstimate> {
        match *self {
            Estimate::Weighted { n, mean, se } => Some(WeightedEstimate {
                n: usize::try_from(n).ok()?,
                population: 0.0,
                mean,
                se,
                ci95: None,
                deff: None,
                kish_deff: 1.0,
            }),
            _ => None,
        }
    }
}

/// How the interval and p-value of a change were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeTest {
    /// Two waves' means: Welch's two-sample t-test.
    Welch,
    /// Two waves' weighted means: normal test, SE = √(SE₁² + SE₂²).
    WeightedNormal,
    /// Two waves' shares: unpooled Wald interval and z-test.
    TwoProportions,
    /// A mean against an exact external value: one-sample t-test.
    OneSampleT,
    /// A weighted mean against an exact external value: one-sample z-test.
    OneSampleNormal,
    /// A share against an exact external value: score test and Wilson interval.
    OneSampleScore,
    /// Against an external value with a standard error: normal, SE = √(SE² + se_b²).
    KnownSe,
}

impl ChangeTest {
    /// The name in the CSV's `change_test` column.
    pub fn name(self) -> &'static str {
        match self {
            ChangeTest::Welch => "welch",
            ChangeTest::WeightedNormal => "weighted_normal",
            ChangeTest::TwoProportions => "two_proportions_wald",
            ChangeTest::OneSampleT => "one_sample_t",
            ChangeTest::OneSampleNormal => "one_sample_normal",
            ChangeTest::OneSampleScore => "one_sample_score",
            ChangeTest::KnownSe => "normal_known_se",
        }
    }
}

/// The change of a figure from its baseline: figure − baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub difference: f64,
    pub test: ChangeTest,
    /// 95% interval of the change; `None` when it cannot be computed (fewer than two
    /// respondents, no spread at all, a baseline of exactly 0 or 100% in the score test).
    pub ci95: Option<(f64, f64)>,
    /// Two-sided p-value of "no change".
    pub p_value: Option<f64>,
}

impl Change {
    /// +1 when the interval lies above zero, −1 below, 0 when it contains zero; `None`
    /// without an interval. An interval touching zero contains it.
    pub fn direction(&self) -> Option<i8> {
        let (lo, hi) = self.ci95?;
        Some(if lo > 0.0 {
            1
        } else if hi < 0.0 {
            -1
        } else {
            0
        })
    }
}

/// The baseline a change is measured from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    /// The same figure in an earlier wave.
    Wave(Estimate),
    /// Another survey's figure, with its standard error if known.
    External { value: f64, se: Option<f64> },
}

impl Reference {
    pub fn value(&self) -> f64 {
        match self {
            Reference::Wave(e) => e.value(),
            Reference::External { value, .. } => *value,
        }
    }
}

fn normal(difference: f64, se: Option<f64>, test: ChangeTest) -> Change {
    let se = se.filter(|s| *s > 0.0);
    Change {
        difference,
        test,
        ci95: se.map(|se| (difference - z975() * se, difference + z975() * se)),
        p_value: se.map(|se| p_two_sided_normal(difference / se)),
    }
}

/// The change of `now` from `baseline` (module docs for each case).
pub fn change(now: &Estimate, baseline: &Reference) -> Change {
    let difference = now.value() - baseline.value();
    match (now, baseline) {
        (Estimate::Mean { .. }, Reference::Wave(b @ Estimate::Mean { .. })) => {
            let c = b
                .moments()
                .zip(now.moments())
                .and_then(|(b, n)| welch(&b, &n));
            Change {
                difference,
                test: ChangeTest::Welch,
                ci95: c.and_then(|c| c.ci95),
                p_value: c.and_then(|c| c.p_value),
            }
        }
        (Estimate::Weighted { .. }, Reference::Wave(b @ Estimate::Weighted { .. })) => {
            let c = b
                .weighted()
                .zip(now.weighted())
                .and_then(|(b, n)| weighted_difference(&b, &n));
            Change {
                difference,
                test: ChangeTest::WeightedNormal,
                ci95: c.and_then(|c| c.ci95),
                p_value: c.and_then(|c| c.p_value),
            }
        }
        (_, Reference::Wave(b)) => {
            let se = now.se().zip(b.se()).map(|(a, b)| (a * a + b * b).sqrt());
            let test = if matches!(now, Estimate::Share { .. }) {
                ChangeTest::TwoProportions
            } else {
                ChangeTest::KnownSe
            };
            normal(difference, se, test)
        }
        (_, Reference::External { se: Some(se_b), .. }) => normal(
            difference,
            now.se().map(|s| (s * s + se_b * se_b).sqrt()),
            ChangeTest::KnownSe,
        ),
        (Estimate::Mean { n, .. }, Reference::External { se: None, .. }) => {
            let se = now.se().filter(|s| *s > 0.0);
            let df = (*n as f64) - 1.0;
            Change {
                difference,
                test: ChangeTest::OneSampleT,
                ci95: se.map(|se| (difference - t975(df) * se, difference + t975(df) * se)),
                p_value: se.map(|se| p_two_sided_t(difference / se, df)),
            }
        }
        (Estimate::Weighted { .. }, Reference::External { se: None, .. }) => {
            normal(difference, now.se(), ChangeTest::OneSampleNormal)
        }
        (Estimate::Share { n, .. }, Reference::External { value, se: None }) => {
            let p0 = value / 100.0;
            let null_se = (*n > 0 && p0 > 0.0 && p0 < 1.0)
                .then(|| (p0 * (1.0 - p0) / *n as f64).sqrt() * 100.0);
            Change {
                difference,
                test: ChangeTest::OneSampleScore,
                ci95: now.ci95().map(|(lo, hi)| (lo - value, hi - value)),
                p_value: null_se.map(|se| p_two_sided_normal(difference / se)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} != {b}");
    }

    #[test]
    fn figures_and_their_intervals() {
        // n = 10, mean 50, sd 20: se = 20/√10 = 6.324555; t(0.975, 9) = 2.262157.
        let m = Estimate::Mean {
            n: 10,
            mean: 50.0,
            sd: Some(20.0),
        };
        close(m.se().unwrap(), 6.324_555_320_336_759, 1e-12);
        let (lo, hi) = m.ci95().unwrap();
        close(
            hi - 50.0,
            2.262_157_162_740_992 * 6.324_555_320_336_759,
            1e-8,
        );
        close(50.0 - lo, hi - 50.0, 1e-12);
        // One respondent: a figure without an interval.
        let one = Estimate::Mean {
            n: 1,
            mean: 75.0,
            sd: None,
        };
        assert_eq!((one.se(), one.ci95()), (None, None));
        // 3 of 5: 60%, Wilson (R: prop.test(3, 5, correct = FALSE)) 23.07243–88.23792%.
        let s = Estimate::Share { x: 3, n: 5 };
        close(s.value(), 60.0, 1e-12);
        let (lo, hi) = s.ci95().unwrap();
        close(lo, 23.072_428_13, 1e-6);
        close(hi, 88.237_922_58, 1e-6);
        close(s.se().unwrap(), (0.24f64 / 5.0).sqrt() * 100.0, 1e-12);
        let w = Estimate::Weighted {
            n: 100,
            mean: 40.0,
            se: Some(2.0),
        };
        let (lo, hi) = w.ci95().unwrap();
        close(lo, 40.0 - 1.959_963_984_540_054 * 2.0, 1e-12);
        close(hi, 40.0 + 1.959_963_984_540_054 * 2.0, 1e-12);
    }

    #[test]
    fn two_waves_of_means_use_welch() {
        // The hand-computed case of stats::comparison: p = 0.1633975, df = 11.306939.
        let b = Estimate::Mean {
            n: 10,
            mean: 50.0,
            sd: Some(20.0),
        };
        let now = Estimate::Mean {
            n: 20,
            mean: 60.0,
            sd: Some(10.0),
        };
        let c = change(&now, &Reference::Wave(b));
        assert_eq!(c.test, ChangeTest::Welch);
        close(c.difference, 10.0, 1e-12);
        close(c.p_value.unwrap(), 0.163_397_492_159_759_7, 1e-9);
        let (lo, hi) = c.ci95.unwrap();
        close((hi - lo) / 2.0, 2.193_717_431_558_412 * 45f64.sqrt(), 1e-7);
        assert_eq!(c.direction(), Some(0));
    }

    #[test]
    fn two_waves_of_weighted_means_use_the_normal_test() {
        // SE = √(3² + 4²) = 5; z = 1.6; p = 0.1095986 (R: 2 * pnorm(-1.6)).
        let b = Estimate::Weighted {
            n: 100,
            mean: 50.0,
            se: Some(3.0),
        };
        let now = Estimate::Weighted {
            n: 100,
            mean: 58.0,
            se: Some(4.0),
        };
        let c = change(&now, &Reference::Wave(b));
        assert_eq!(c.test, ChangeTest::WeightedNormal);
        close(c.p_value.unwrap(), 0.109_598_583_399_115_95, 1e-9);
        close(c.ci95.unwrap().0, 8.0 - 1.959_963_984_540_054 * 5.0, 1e-12);
    }

    #[test]
    fn two_waves_of_shares_use_the_unpooled_wald_interval() {
        // 30/100 → 45/100: SE = √(0.3·0.7/100 + 0.45·0.55/100) = √0.004575 = 0.0676387;
        // z = 0.15 / 0.0676387 = 2.217671; R: 2 * pnorm(-2.217671) = 0.0265777633650162.
        let c = change(
            &Estimate::Share { x: 45, n: 100 },
            &Reference::Wave(Estimate::Share { x: 30, n: 100 }),
        );
        assert_eq!(c.test, ChangeTest::TwoProportions);
        close(c.difference, 15.0, 1e-9);
        let se = 0.004_575f64.sqrt() * 100.0;
        let (lo, hi) = c.ci95.unwrap();
        close(lo, 15.0 - 1.959_963_984_540_054 * se, 1e-9);
        close(hi, 15.0 + 1.959_963_984_540_054 * se, 1e-9);
        close(c.p_value.unwrap(), 0.026_577_763_365_016_2, 1e-9);
        assert_eq!(c.direction(), Some(1));
    }

    #[test]
    fn an_exact_external_baseline_gives_a_one_sample_interval() {
        // Mean 50 of n = 10, sd 20, against b = 40: t = 10 / 6.324555 = 1.581139, df = 9;
        // R: t.test(mu = 40) p = 2 * pt(-1.581139, 9) = 0.1483047; the interval is the
        // mean's own interval shifted by 40.
        let now = Estimate::Mean {
            n: 10,
            mean: 50.0,
            sd: Some(20.0),
        };
        let c = change(
            &now,
            &Reference::External {
                value: 40.0,
                se: None,
            },
        );
        assert_eq!(c.test, ChangeTest::OneSampleT);
        close(c.p_value.unwrap(), 0.148_304_7, 1e-6);
        let (lo, hi) = c.ci95.unwrap();
        let (mlo, mhi) = now.ci95().unwrap();
        close(lo, mlo - 40.0, 1e-12);
        close(hi, mhi - 40.0, 1e-12);
        // A share: 60 of 100 against 50%: score z = 0.1 / √(0.25/100) = 2, p = 0.0455003;
        // the interval is Wilson's, shifted: R prop.test(60, 100, p = 0.5, correct = FALSE).
        let s = Estimate::Share { x: 60, n: 100 };
        let c = change(
            &s,
            &Reference::External {
                value: 50.0,
                se: None,
            },
        );
        assert_eq!(c.test, ChangeTest::OneSampleScore);
        close(c.p_value.unwrap(), 0.045_500_263_896_358_42, 1e-9);
        let (lo, hi) = c.ci95.unwrap();
        close(lo + 50.0, s.ci95().unwrap().0, 1e-12);
        close(hi + 50.0, s.ci95().unwrap().1, 1e-12);
        // The score test and the Wilson interval agree: p < 0.05 and the interval excludes 0.
        assert_eq!(c.direction(), Some(1));
        // A baseline of exactly 0% has no null variance: the interval, but no p-value.
        let c = change(
            &s,
            &Reference::External {
                value: 0.0,
                se: None,
            },
        );
        assert_eq!(c.p_value, None);
        assert!(c.ci95.is_some());
        // A weighted mean: z = (58 − 50) / 4 = 2, p = 0.0455003.
        let c = change(
            &Estimate::Weighted {
                n: 80,
                mean: 58.0,
                se: Some(4.0),
            },
            &Reference::External {
                value: 50.0,
                se: None,
            },
        );
        assert_eq!(c.test, ChangeTest::OneSampleNormal);
        close(c.p_value.unwrap(), 0.045_500_263_896_358_42, 1e-9);
    }

    #[test]
    fn an_external_baseline_with_its_se_widens_the_interval() {
        // Mean 50 ± se 6.324555 against 40 ± 3: SE = √(40 + 9) = 7; z = 10/7 = 1.428571;
        // R: 2 * pnorm(-10/7) = 0.153127451019669.
        let c = change(
            &Estimate::Mean {
                n: 10,
                mean: 50.0,
                sd: Some(20.0),
            },
            &Reference::External {
                value: 40.0,
                se: Some(3.0),
            },
        );
        assert_eq!(c.test, ChangeTest::KnownSe);
        close(c.p_value.unwrap(), 0.153_127_451_019_669, 1e-9);
        let (lo, hi) = c.ci95.unwrap();
        close(hi - lo, 2.0 * 1.959_963_984_540_054 * 7.0, 1e-9);
    }

    #[test]
    fn without_spread_or_respondents_there_is_no_interval() {
        let one = Estimate::Mean {
            n: 1,
            mean: 50.0,
            sd: None,
        };
        let c = change(
            &one,
            &Reference::External {
                value: 40.0,
                se: None,
            },
        );
        assert_eq!((c.difference, c.ci95, c.p_value), (10.0, None, None));
        assert_eq!(c.direction(), None);
        let flat = Estimate::Mean {
            n: 5,
            mean: 50.0,
            sd: Some(0.0),
        };
        let c = change(&flat, &Reference::Wave(flat));
        assert_eq!((c.ci95, c.p_value), (None, None));
        // An interval touching zero contains it.
        let touching = Change {
            difference: 2.0,
            test: ChangeTest::Welch,
            ci95: Some((0.0, 4.0)),
            p_value: Some(0.05),
        };
        assert_eq!(touching.direction(), Some(0));
    }
}
