//! Quantiles and tail probabilities used by the interval and test functions (statrs).

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

fn standard_normal() -> Normal {
    Normal::standard()
}

/// z_{0.975} = 1.959963984540054…, R's `qnorm(0.975)`.
pub fn z975() -> f64 {
    standard_normal().inverse_cdf(0.975)
}

/// t_{0.975, df}, R's `qt(0.975, df)`; df > 0 (not necessarily whole, for Welch).
pub fn t975(df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .expect("degrees of freedom are positive")
        .inverse_cdf(0.975)
}

/// Two-sided p-value of a standard normal statistic, 2 Φ(−|z|) (R: `2 * pnorm(-abs(z))`).
/// The lower tail is computed directly, so small p-values keep their precision.
pub fn p_two_sided_normal(z: f64) -> f64 {
    (2.0 * standard_normal().cdf(-z.abs())).min(1.0)
}

/// Two-sided p-value of a Student's t statistic, 2 F_df(−|t|) (R: `2 * pt(-abs(t), df)`).
pub fn p_two_sided_t(t: f64, df: f64) -> f64 {
    let dist = StudentsT::new(0.0, 1.0, df).expect("degrees of freedom are positive");
    (2.0 * dist.cdf(-t.abs())).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_r_reference_values() {
        // Values from R 4.2: qnorm(0.975), qt(0.975, 10), qt(0.975, 7.5), 2*pnorm(-2.5),
        // 2*pt(-2.5, 10).
        assert!((z975() - 1.959_963_984_540_054).abs() < 1e-14);
        assert!((t975(10.0) - 2.228_138_851_986_274).abs() < 1e-9);
        assert!((t975(7.5) - 2.333_039_626_864_974).abs() < 1e-8);
        // statrs' normal tail is accurate to about 1e-10 relative: ample for 6 digits.
        assert!((p_two_sided_normal(2.5) - 0.012_419_330_651_552_27).abs() < 1e-12);
        assert_eq!(p_two_sided_normal(-2.5), p_two_sided_normal(2.5));
        assert!((p_two_sided_t(2.5, 10.0) - 0.031_446_844_236_608_776).abs() < 1e-12);
        assert_eq!(p_two_sided_normal(0.0), 1.0);
        assert_eq!(p_two_sided_t(0.0, 3.0), 1.0);
    }
}
