//! Comparisons of coded comments: a code's share in 2026 against 2028 (two-proportion z
//! test, pooled, two-sided; the same as R's `prop.test(x, n, correct = FALSE)`), and a code
//! × group table by Pearson's χ² (R's `chisq.test(m, correct = FALSE)`).

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// A code's share in two waves.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoProportions {
    pub earlier: f64,
    pub later: f64,
    pub difference: f64,
    pub z: f64,
    pub p_value: f64,
}

/// `x1` of `n1` comments against `x2` of `n2`; `None` when a wave has no comments or the
/// pooled share is 0 or 1 (no test possible).
pub fn two_proportions(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TwoProportions> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let pooled = (x1 + x2) as f64 / (n1 + n2) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return None;
    }
    let z = (p2 - p1) / se;
    let normal = Normal::new(0.0, 1.0).expect("standard normal");
    Some(TwoProportions {
        earlier: p1,
        later: p2,
        difference: p2 - p1,
        z,
        p_value: 2.0 * normal.cdf(-z.abs()),
    })
}

/// Pearson's χ² of a contingency table (rows × columns of counts).
#[derive(Debug, Clone, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
}

/// `None` when a row or column sums to 0 or the table is smaller than 2 × 2.
pub fn chi_square(table: &[Vec<u64>]) -> Option<ChiSquare> {
    let rows = table.len();
    let cols = table.first().map_or(0, Vec::len);
    if rows < 2 || cols < 2 || table.iter().any(|r| r.len() != cols) {
        return None;
    }
    let row_sums: Vec<f64> = table.iter().map(|r| r.iter().sum::<u64>() as f64).collect();
    let col_sums: Vec<f64> = (0..cols)
        .map(|c| table.iter().map(|r| r[c]).sum::<u64>() as f64)
        .collect();
    let total: f64 = row_sums.iter().sum();
    if row_sums.contains(&0.0) || col_sums.contains(&0.0) {
        return None;
    }
    let mut statistic = 0.0;
    for (r, row) in table.iter().enumerate() {
        for (c, &x) in row.iter().enumerate() {
            let expected = row_sums[r] * col_sums[c] / total;
            statistic += (x as f64 - expected).powi(2) / expected;
        }
    }
    let df = (rows - 1) * (cols - 1);
    let dist = ChiSquared::new(df as f64).expect("positive degrees of freedom");
    Some(ChiSquare {
        statistic,
        df,
        p_value: 1.0 - dist.cdf(statistic),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_proportions_by_hand() {
        // 30 of 100 against 45 of 100: pooled 0.375, se = sqrt(0.375·0.625·0.02).
        let t = two_proportions(30, 100, 45, 100).unwrap();
        let se = (0.375f64 * 0.625 * 0.02).sqrt();
        assert!((t.z - 0.15 / se).abs() < 1e-12);
        assert!((t.difference - 0.15).abs() < 1e-12);
        // z = 2.1909: two-sided p = 0.028459 (R: prop.test(c(30,45), c(100,100), correct = FALSE)).
        assert!((t.p_value - 0.028459).abs() < 1e-5, "{}", t.p_value);
        assert!(two_proportions(0, 10, 0, 10).is_none());
        assert!(two_proportions(1, 0, 0, 10).is_none());
    }

    #[test]
    fn chi_square_by_hand() {
        // [[10, 20], [30, 40]]: expected [[12, 18], [28, 42]]; χ² = 4/12 + 4/18 + 4/28 + 4/42.
        let c = chi_square(&[vec![10, 20], vec![30, 40]]).unwrap();
        let expected = 4.0 / 12.0 + 4.0 / 18.0 + 4.0 / 28.0 + 4.0 / 42.0;
        assert!((c.statistic - expected).abs() < 1e-12);
        assert_eq!(c.df, 1);
        assert!(chi_square(&[vec![0, 0], vec![1, 2]]).is_none());
    }
}
