//! The report's χ² test against R: tests/fixtures/report/chisq.csv was written by
//! tests/fixtures/report/chisq.R (R 4.2, `chisq.test` with its defaults: Yates' correction on
//! 2 × 2 tables), from random tables with empty lines and small expected counts. This test
//! needs no R; it requires agreement to 1e-9 relative (statistic and p-value) and the same
//! degrees of freedom.

use citizen_survey::report::chisq::chisq_test;

#[test]
fn chisq_matches_r_chisq_test() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/chisq.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut checked = 0;
    let mut yates = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let (rows, cols): (usize, usize) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        let cells: Vec<u64> = r[3].split(' ').map(|c| c.parse().unwrap()).collect();
        assert_eq!(cells.len(), rows * cols);
        let table: Vec<Vec<u64>> = cells.chunks(cols).map(<[u64]>::to_vec).collect();
        let (statistic, df, p): (f64, u64, f64) = (
            r[4].parse().unwrap(),
            r[5].parse().unwrap(),
            r[6].parse().unwrap(),
        );
        let t = chisq_test(&table).unwrap_or_else(|| panic!("table {} is testable", &r[0]));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1e-300);
        assert!(
            close(t.statistic, statistic),
            "table {}: X² {} vs R {statistic}",
            &r[0],
            t.statistic
        );
        assert_eq!(t.df, df, "table {}", &r[0]);
        assert!(
            close(t.p_value, p),
            "table {}: p {} vs R {p}",
            &r[0],
            t.p_value
        );
        checked += 1;
        yates += usize::from(rows == 2 && cols == 2);
    }
    assert!(
        checked >= 50 && yates >= 10,
        "{checked} tables, {yates} of them 2 × 2"
    );
}
