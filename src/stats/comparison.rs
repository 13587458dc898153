//! Comparing a figure between two waves (2026 → 2028), per vision and per item.
//!
//! The two waves are **independent samples** (different respondents; responses are
//! anonymous, so nobody can be paired across waves). The difference is always
//! later − earlier (2028 − 2026), and it is significant at 5% when p < 0.05.
//!
//! - Unweighted means: **Welch's two-sample t-test** (unequal variances), as R's
//!   `t.test(later, earlier, var.equal = FALSE)`:
//!   SE = √(s₁²/n₁ + s₂²/n₂), t = (x̄₂ − x̄₁) / SE,
//!   df = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)) (Welch–Satterthwaite),
//!   p = 2 F_df(−|t|), 95% CI = (x̄₂ − x̄₁) ± t_{0.975, df} SE.
//! - Weighted means: the difference of two independent weighted means,
//!   SE = √(SE₁² + SE₂²), z = (ȳ₂ − ȳ₁) / SE, p = 2 Φ(−|z|),
//!   95% CI = (ȳ₂ − ȳ₁) ± z_{0.975} SE (R: `svycontrast` is not needed for independent
//!   designs; this is `(m2 - m1) / sqrt(SE(m1)^2 + SE(m2)^2)` with `pnorm`).

use super::dist::{p_two_sided_normal, p_two_sided_t, t975, z975};
use super::items::ItemFigures;
use super::scores::Summary;
use super::weighting::WeightedEstimate;

/// Significance level of the flag.
pub const SIGNIFICANCE_LEVEL: f64 = 0.05;

/// What a group's unweighted figures need for Welch's test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleMoments {
    pub n: u64,
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1).
    pub sd: f64,
}

impl SampleMoments {
    /// From a vision's summary; `None` below two respondents (no sd).
    pub fn from_summary(s: &Summary) -> Option<SampleMoments> {
        Some(SampleMoments {
            n: s.n,
            mean: s.mean,
            sd: s.sd?,
        })
    }

    /// From an item's figures; `None` below two answers.
    pub fn from_item(f: &ItemFigures) -> Option<SampleMoments> {
        Some(SampleMoments {
            n: f.n,
            mean: f.mean?,
            sd: f.sd?,
        })
    }
}

/// Which test produced a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// Welch's two-sample t-test.
    Welch,
    /// Normal (z) test of the difference of two independent weighted means.
    WeightedNormal,
}

/// One figure compared between two waves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub test: Test,
    /// The earlier wave's mean (2026).
    pub earlier: f64,
    /// The later wave's mean (2028).
    pub later: f64,
    /// later − earlier.
    pub difference: f64,
    /// Standard error of the difference.
    pub se: f64,
    /// Welch–Satterthwaite degrees of freedom; `None` for the normal test.
    pub df: Option<f64>,
    /// 95% CI of the difference. This and the following are `None` when SE = 0 (both
    /// waves without any spread), where no test is possible.
    pub ci95: Option<(f64, f64)>,
    /// t or z.
    pub statistic: Option<f64>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// p < 0.05.
    pub significant: Option<bool>,
}

fn finish(
    test: Test,
    earlier: f64,
    later: f64,
    se: f64,
    df: Option<f64>,
    quantile: f64,
    p: impl Fn(f64) -> f64,
) -> Comparison {
    let difference = later - earlier;
    let testable = se > 0.0;
    let statistic = testable.then(|| difference / se);
    let p_value = statistic.map(p);
    Comparison {
        test,
        earlier,
        later,
        difference,
        se,
        df,
        ci95: testable.then_some((difference - quantile * se, difference + quantile * se)),
        statistic,
        p_value,
        significant: p_value.map(|p| p < SIGNIFICANCE_LEVEL),
    }
}

/// Welch's two-sample t-test of later − earlier (formulas in the module docs). `None` when
/// either wave has fewer than two respondents.
pub fn welch(earlier: &SampleMoments, later: &SampleMoments) -> Option<Comparison> {
    if earlier.n < 2 || later.n < 2 {
        return None;
    }
    let v1 = earlier.sd.powi(2) / earlier.n as f64;
    let v2 = later.sd.powi(2) / later.n as f64;
    let se = (v1 + v2).sqrt();
    let df = (v1 + v2).powi(2)
        / (v1.powi(2) / (earlier.n - 1) as f64 + v2.powi(2) / (later.n - 1) as f64);
    let testable = se > 0.0;
    Some(finish(
        Test::Welch,
        earlier.mean,
        later.mean,
        se,
        testable.then_some(df),
        if testable { t975(df) } else { f64::NAN },
        |t| p_two_sided_t(t, df),
    ))
}

/// The difference of two independent weighted means with a normal test (formulas in the
/// module docs). `None` when either has no standard error.
pub fn weighted_difference(
    earlier: &WeightedEstimate,
    later: &WeightedEstimate,
) -> Option<Comparison> {
    let se = (earlier.se?.powi(2) + later.se?.powi(2)).sqrt();
    Some(finish(
        Test::WeightedNormal,
        earlier.mean,
        later.mean,
        se,
        None,
        z975(),
        p_two_sided_normal,
    ))
}

/// One vision (or item) in a wave-to-wave table.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub id: String,
    pub earlier: Option<Summary>,
    pub later: Option<Summary>,
    /// Welch's test; `None` unless both waves have at least two respondents.
    pub comparison: Option<Comparison>,
}

/// Pairs two waves' per-vision summaries (vision id and summary, as the exports compute them)
/// by id: the earlier wave's order, then ids only the later wave has.
pub fn compare_summaries(
    earlier: &[(String, Option<Summary>)],
    later: &[(String, Option<Summary>)],
) -> Vec<ComparisonRow> {
    let find = |list: &[(String, Option<Summary>)], id: &str| {
        list.iter().find(|(i, _)| i == id).and_then(|(_, s)| *s)
    };
    let ids = earlier.iter().map(|(id, _)| id).chain(
        later
            .iter()
            .map(|(id, _)| id)
            .filter(|id| !earlier.iter().any(|(e, _)| e == *id)),
    );
    ids.map(|id| {
        let (e, l) = (find(earlier, id), find(later, id));
        let comparison = e
            .as_ref()
            .and_then(SampleMoments::from_summary)
            .zip(l.as_ref().and_then(SampleMoments::from_summary))
            .and_then(|(e, l)| welch(&e, &l));
        ComparisonRow {
            id: id.clone(),
            earlier: e,
            later: l,
            comparison,
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} != {b}");
    }

    #[test]
    fn welch_by_hand() {
        // 2026: n = 10, mean 50, sd 20 → s²/n = 40. 2028: n = 20, mean 60, sd 10 → 5.
        // SE = √45 = 6.708204; t = 10 / 6.708204 = 1.490712.
        // df = 45² / (40²/9 + 5²/19) = 2025 / (177.777… + 1.315789…) = 11.306939.
        // R: 2 * pt(-1.490712, 11.306939) = 0.1633975; qt(0.975, 11.306939) = 2.193717.
        let c = welch(
            &SampleMoments {
                n: 10,
                mean: 50.0,
                sd: 20.0,
            },
            &SampleMoments {
                n: 20,
                mean: 60.0,
                sd: 10.0,
            },
        )
        .unwrap();
        assert_eq!(c.test, Test::Welch);
        assert_eq!((c.earlier, c.later, c.difference), (50.0, 60.0, 10.0));
        close(c.se, 45f64.sqrt(), 1e-12);
        close(c.statistic.unwrap(), 10.0 / 45f64.sqrt(), 1e-12);
        let df = 2025.0 / (1600.0 / 9.0 + 25.0 / 19.0);
        close(c.df.unwrap(), df, 1e-12);
        close(df, 11.306_939, 1e-6);
        close(c.p_value.unwrap(), 0.163_397_492_159_759_7, 1e-9);
        assert_eq!(c.significant, Some(false));
        let (lo, hi) = c.ci95.unwrap();
        close(hi - 10.0, 10.0 - lo, 1e-12);
        close((hi - 10.0) / 45f64.sqrt(), 2.193_717_431_558_412, 1e-8);
    }

    #[test]
    fn welch_textbook_raw_data() {
        // Raw data (R: t.test(c(30, 32, 35, 38, 40), c(20, 22, 25, 28))):
        // later: mean 35, Σ(x − x̄)² = 25 + 9 + 0 + 9 + 25 = 68, s² = 17, s²/n = 3.4;
        // earlier: mean 23.75, Σ(x − x̄)² = 14.0625 + 3.0625 + 1.5625 + 18.0625 = 36.75,
        // s² = 12.25, s²/n = 3.0625. SE = √6.4625 = 2.542145; t = 11.25 / SE = 4.425397;
        // df = 6.4625² / (3.4²/4 + 3.0625²/3) = 41.76391 / (2.89 + 3.126302) = 6.941790.
        // R: t = 4.425397074273711, df = 6.941790101547014, p = 0.003124032523226254,
        // 95% CI 5.228549396860686 – 17.27145060313931.
        let c = welch(
            &SampleMoments {
                n: 4,
                mean: 23.75,
                sd: 12.25f64.sqrt(),
            },
            &SampleMoments {
                n: 5,
                mean: 35.0,
                sd: 17f64.sqrt(),
            },
        )
        .unwrap();
        close(c.difference, 11.25, 1e-12);
        close(c.se, 6.4625f64.sqrt(), 1e-12);
        close(c.statistic.unwrap(), 4.425_397_074_273_711, 1e-12);
        close(c.df.unwrap(), 6.941_790_101_547_014, 1e-12);
        close(c.p_value.unwrap(), 0.003_124_032_523_226_254, 1e-12);
        let (lo, hi) = c.ci95.unwrap();
        close(lo, 5.228_549_396_860_686, 1e-8);
        close(hi, 17.271_450_603_139_31, 1e-8);
        assert_eq!(c.significant, Some(true));
    }

    #[test]
    fn weighted_difference_by_hand() {
        let e = |mean, se| WeightedEstimate {
            n: 100,
            population: 1000.0,
            mean,
            se: Some(se),
            ci95: None,
            deff: None,
            kish_deff: 1.0,
        };
        // SE = √(3² + 4²) = 5; z = (58 − 50) / 5 = 1.6; p = 2 Φ(−1.6) = 0.1095986.
        let c = weighted_difference(&e(50.0, 3.0), &e(58.0, 4.0)).unwrap();
        assert_eq!(c.test, Test::WeightedNormal);
        close(c.difference, 8.0, 1e-12);
        close(c.se, 5.0, 1e-12);
        close(c.statistic.unwrap(), 1.6, 1e-12);
        // R: 2 * pnorm(-1.6) = 0.10959858339911595 (statrs' normal tail agrees to ~1e-10).
        close(c.p_value.unwrap(), 0.109_598_583_399_115_95, 1e-9);
        assert_eq!(c.df, None);
        let (lo, hi) = c.ci95.unwrap();
        close(lo, 8.0 - 1.959_963_984_540_054 * 5.0, 1e-12);
        close(hi, 8.0 + 1.959_963_984_540_054 * 5.0, 1e-12);
        assert_eq!(c.significant, Some(false));
        // z = −12 / 5 = −2.4: p = 0.01639507, significant.
        let c = weighted_difference(&e(50.0, 3.0), &e(38.0, 4.0)).unwrap();
        close(c.p_value.unwrap(), 0.016_395_071_849_192_27, 1e-9);
        assert_eq!(c.significant, Some(true));
        let mut no_se = e(1.0, 1.0);
        no_se.se = None;
        assert_eq!(weighted_difference(&no_se, &e(1.0, 1.0)), None);
    }

    #[test]
    fn degenerate_cases() {
        let m = |n, mean, sd| SampleMoments { n, mean, sd };
        assert_eq!(welch(&m(1, 50.0, 0.0), &m(10, 50.0, 5.0)), None);
        // No spread anywhere: the difference is reported, no test.
        let c = welch(&m(5, 50.0, 0.0), &m(5, 75.0, 0.0)).unwrap();
        assert_eq!(c.difference, 25.0);
        assert_eq!(
            (c.se, c.df, c.ci95, c.p_value, c.significant),
            (0.0, None, None, None, None)
        );
        // One wave without spread: df = n − 1 of the other.
        let c = welch(&m(5, 50.0, 0.0), &m(8, 60.0, 4.0)).unwrap();
        close(c.df.unwrap(), 7.0, 1e-12);
        // Equal means: t = 0, p = 1.
        let c = welch(&m(5, 50.0, 3.0), &m(8, 50.0, 4.0)).unwrap();
        assert_eq!((c.statistic, c.p_value), (Some(0.0), Some(1.0)));
    }

    #[test]
    fn moments_from_summaries_and_items() {
        let s = Summary {
            n: 3,
            mean: 40.0,
            sd: Some(5.0),
            ci95: None,
            top2_pct: 0.0,
        };
        assert_eq!(
            SampleMoments::from_summary(&s),
            Some(SampleMoments {
                n: 3,
                mean: 40.0,
                sd: 5.0
            })
        );
        let one = Summary {
            n: 1,
            sd: None,
            ..s
        };
        assert_eq!(SampleMoments::from_summary(&one), None);
        let mut counts = crate::stats::ItemCounts::default();
        for a in ["1", "5"] {
            counts.add(a);
        }
        let m = SampleMoments::from_item(&crate::stats::item_figures(&counts)).unwrap();
        assert_eq!((m.n, m.mean), (2, 50.0));
        close(m.sd, 5000f64.sqrt(), 1e-12);
    }

    #[test]
    fn pairs_visions_by_id() {
        let s = |n, mean, sd| {
            Some(Summary {
                n,
                mean,
                sd: Some(sd),
                ci95: None,
                top2_pct: 0.0,
            })
        };
        let earlier = vec![
            ("v1".to_string(), s(10, 50.0, 20.0)),
            ("v2".to_string(), None),
            ("v3".to_string(), s(30, 40.0, 10.0)),
        ];
        let later = vec![
            ("v3".to_string(), s(30, 45.0, 10.0)),
            ("v1".to_string(), s(20, 60.0, 10.0)),
            ("v9".to_string(), s(5, 1.0, 1.0)),
        ];
        let rows = compare_summaries(&earlier, &later);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["v1", "v2", "v3", "v9"]);
        // v1 is the hand-computed Welch case above.
        close(
            rows[0].comparison.unwrap().p_value.unwrap(),
            0.163_397_492_2,
            1e-9,
        );
        assert_eq!(
            (rows[1].earlier, rows[1].later, rows[1].comparison),
            (None, None, None)
        );
        // v3: SE = √(100/30 + 100/30) = 2.581989; t = 1.936492; df = 58.
        let c = rows[2].comparison.unwrap();
        close(c.df.unwrap(), 58.0, 1e-9);
        close(c.statistic.unwrap(), 5.0 / (200.0f64 / 30.0).sqrt(), 1e-12);
        assert!(rows[3].earlier.is_none() && rows[3].comparison.is_none());
    }
}
