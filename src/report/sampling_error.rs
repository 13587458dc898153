//! 標本誤差早見表: the margin of error of a share p estimated from n respondents, as the
//! Cabinet Office (内閣府「世論調査」) and cities (e.g. 伊勢原市) print it in their reports:
//!
//! b = ±1.96 × √(p (1 − p) / n), in percentage points,
//!
//! for simple random sampling from a large population (no finite population correction:
//! with Suita's 300,000 adults and n ≤ 5,000 it changes b by less than 1%). 1.96 is the
//! rounded z₀.₉₇₅ those tables use. Reproduces n = 1,000, p = 50% → ±3.1 and n = 100,
//! p = 10% → ±5.9 (内閣府) and n = 1,430, p = 50% → ±2.59 (伊勢原市).

/// The z of the published tables.
pub const Z: f64 = 1.96;

/// The shares of the table's columns, in percent: 10% (or 90%) … 50%.
pub const SHARES: [u32; 5] = [10, 20, 30, 40, 50];

/// The respondent counts listed besides the wave's own, as the Cabinet Office's table.
pub const STANDARD_NS: [u64; 9] = [2_000, 1_500, 1_000, 800, 500, 300, 200, 100, 50];

/// The margin of error in percentage points for a share `p_pct` (0–100) among `n`.
pub fn margin(n: u64, p_pct: f64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    // The smaller of p and 1 − p, so that 10% and 90% give the same bits.
    let p = p_pct.min(100.0 - p_pct) / 100.0;
    Some(Z * (p * (1.0 - p) / n as f64).sqrt() * 100.0)
}

/// One row of the table: n and the margin for each of [`SHARES`].
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub n: u64,
    /// This wave's own respondents (the row printed in bold).
    pub this_wave: bool,
    pub margins: Vec<f64>,
}

/// The table: the wave's respondents `n` (and each base in `bases`) among the standard
/// counts, largest first.
pub fn table(bases: &[u64]) -> Vec<Row> {
    let mut ns: Vec<(u64, bool)> = STANDARD_NS.iter().map(|&n| (n, false)).collect();
    for &b in bases.iter().filter(|&&b| b > 0) {
        match ns.iter_mut().find(|(n, _)| *n == b) {
            Some(found) => found.1 = true,
            None => ns.push((b, true)),
        }
    }
    ns.sort_by_key(|x| std::cmp::Reverse(x.0));
    ns.into_iter()
        .map(|(n, this_wave)| Row {
            n,
            this_wave,
            margins: SHARES
                .iter()
                .map(|&p| margin(n, f64::from(p)).unwrap_or(f64::NAN))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(x: f64, decimals: i32) -> f64 {
        let f = 10f64.powi(decimals);
        (x * f).round() / f
    }

    #[test]
    fn reproduces_the_cabinet_office_and_isehara_figures() {
        // 内閣府: n = 1,000, p = 50% → ±3.1; n = 100, p = 10% → ±5.9.
        assert_eq!(round(margin(1_000, 50.0).unwrap(), 1), 3.1);
        assert_eq!(round(margin(100, 10.0).unwrap(), 1), 5.9);
        // 伊勢原市: n = 1,430 at 50% → ±2.59.
        assert_eq!(round(margin(1_430, 50.0).unwrap(), 2), 2.59);
        // By hand: 1.96 × √(0.25 / 1000) × 100 = 3.0990…; p and 1 − p give the same.
        assert!((margin(1_000, 50.0).unwrap() - 3.099_032).abs() < 1e-6);
        assert_eq!(margin(500, 10.0), margin(500, 90.0));
        assert_eq!(margin(0, 50.0), None);
    }

    #[test]
    fn the_table_puts_the_wave_among_the_standard_rows() {
        let t = table(&[1_430]);
        assert_eq!(t.len(), STANDARD_NS.len() + 1);
        assert_eq!((t[2].n, t[2].this_wave), (1_430, true));
        assert_eq!((t[0].n, t[1].n), (2_000, 1_500));
        assert!(t.windows(2).all(|w| w[0].n > w[1].n));
        assert_eq!(t.iter().filter(|r| r.this_wave).count(), 1);
        assert_eq!(round(t[2].margins[4], 2), 2.59);
        // A wave of exactly 1,000 marks the standard row instead of adding one.
        let t = table(&[1_000]);
        assert_eq!(t.len(), STANDARD_NS.len());
        assert!(t.iter().any(|r| r.n == 1_000 && r.this_wave));
    }
}
