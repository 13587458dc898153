//! Pearson's χ² test of independence on a contingency table, exactly as R's default
//! `chisq.test(x)`: expected counts E = row total × column total / N,
//! X² = Σ (|O − E| − Y)² / E with Yates' continuity correction Y = min(0.5, min |O − E|)
//! for a 2 × 2 table only (Y = 0 otherwise), df = (r − 1)(c − 1),
//! p = P(χ²_df ≥ X²) (`pchisq(X2, df, lower.tail = FALSE)`).
//!
//! Rows and columns whose total is 0 are dropped first (R would return NaN on them); the
//! report tests the table of valid answers, without the 無回答 row and column. Checked
//! against R by `tests/report_chisq.rs` (fixtures in tests/fixtures/report/).

use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The test's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: u64,
    pub p_value: f64,
    /// Whether some expected count is below 5 (R warns "Chi-squared approximation may be
    /// incorrect"): the report marks such a p-value.
    pub small_expected: bool,
}

/// The test of `table[row][column]`; `None` when fewer than two non-empty rows or columns
/// are left (no test is possible).
pub fn chisq_test(table: &[Vec<u64>]) -> Option<ChiSquare> {
    let cols = table.first().map_or(0, Vec::len);
    let rows: Vec<&Vec<u64>> = table
        .iter()
        .filter(|r| r.len() == cols && r.iter().sum::<u64>() > 0)
        .collect();
    let keep: Vec<usize> = (0..cols)
        .filter(|&j| rows.iter().map(|r| r[j]).sum::<u64>() > 0)
        .collect();
    if rows.len() < 2 || keep.len() < 2 {
        return None;
    }
    let o: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| keep.iter().map(|&j| r[j] as f64).collect())
        .collect();
    let row_totals: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let col_totals: Vec<f64> = (0..keep.len())
        .map(|j| o.iter().map(|r| r[j]).sum())
        .collect();
    let n: f64 = row_totals.iter().sum();
    let e: Vec<Vec<f64>> = row_totals
        .iter()
        .map(|rt| col_totals.iter().map(|ct| rt * ct / n).collect())
        .collect();
    let yates = if o.len() == 2 && keep.len() == 2 {
        o.iter()
            .zip(&e)
            .flat_map(|(or, er)| or.iter().zip(er).map(|(a, b)| (a - b).abs()))
            .fold(0.5_f64, f64::min)
    } else {
        0.0
    };
    let statistic: f64 = o
        .iter()
        .zip(&e)
        .flat_map(|(or, er)| {
            or.iter()
                .zip(er)
                .map(move |(a, b)| ((a - b).abs() - yates).powi(2) / b)
        })
        .sum();
    let df = ((o.len() - 1) * (keep.len() - 1)) as u64;
    let dist = ChiSquared::new(df as f64).ok()?;
    Some(ChiSquare {
        statistic,
        df,
        p_value: dist.sf(statistic),
        small_expected: e.iter().flatten().any(|&x| x < 5.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hand_computed_figures() {
        // 2 × 3 by hand: rows (10, 20, 30), (20, 20, 20); N = 120; E row 1 = (15, 20, 25).
        // X² = 25/15 + 0 + 25/25 + 25/15 + 0 + 25/25 = 5.3333…, df 2, p = e^(−X²/2).
        let t = chisq_test(&[vec![10, 20, 30], vec![20, 20, 20]]).unwrap();
        assert!((t.statistic - 16.0 / 3.0).abs() < 1e-12);
        assert_eq!(t.df, 2);
        assert!((t.p_value - (-8.0_f64 / 3.0).exp()).abs() < 1e-12);
        assert!(!t.small_expected);
    }

    #[test]
    fn a_two_by_two_table_gets_yates_correction_and_empty_lines_are_dropped() {
        // R: chisq.test(matrix(c(12, 5, 7, 9), 2))$statistic = 1.10606 (Yates).
        // By hand: E = (9.788, 7.212; 9.212, 6.788), |O − E| = 2.2121 each, Y = 0.5.
        let t = chisq_test(&[vec![12, 7, 0], vec![5, 9, 0], vec![0, 0, 0]]).unwrap();
        let e11 = 19.0 * 17.0 / 33.0;
        let d: f64 = 12.0 - e11;
        let x2: f64 = [
            e11,
            19.0 * 16.0 / 33.0,
            14.0 * 17.0 / 33.0,
            14.0 * 16.0 / 33.0,
        ]
        .iter()
        .map(|e| (d.abs() - 0.5).powi(2) / e)
        .sum();
        assert!((t.statistic - x2).abs() < 1e-12);
        assert_eq!(t.df, 1);
        assert!(!t.small_expected, "every E is above 6.7");
        assert_eq!(chisq_test(&[vec![3, 4]]), None);
        assert_eq!(chisq_test(&[vec![3, 0], vec![4, 0]]), None);
    }
}
