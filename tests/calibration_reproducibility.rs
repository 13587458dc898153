//! Raking and calibration against R's `survey` package: the figures in
//! tests/fixtures/calibration/expected*.csv were computed by
//! tests/fixtures/calibration/expected.R (R 4.2.2, survey 4.1.1) from the synthetic
//! respondents, margins and plan beside it. This test needs no R. It recomputes every case
//! in Rust and requires: every respondent's weight to 1e-9 relative, the weighted mean to
//! 1e-10, its standard error and design effect to 1e-8; and margins that cannot be fitted
//! to fail with the margin named. Regenerate (Debian: `apt-get install r-base-core
//! r-cran-survey`) with `Rscript tests/fixtures/calibration/expected.R` and commit the
//! script and every file it wrote.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use citizen_survey::sample::{CountTable, parse_counts, parse_plan};
use citizen_survey::stats::{
    Bounds, Calibration, CalibrationError, CalibrationGroup, CalibrationOptions, Margin, Method,
    ValueSums, Variance, calibrate,
};

const MAX_ITER: usize = 100;
const TOLERANCE: f64 = 1e-10;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calibration")
}

fn read_csv(name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(fixtures().join(name)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn counts(name: &str) -> CountTable {
    let t = parse_counts(&std::fs::read(fixtures().join(name)).unwrap()).unwrap();
    assert!(!t.declaration.is_example(), "{name} declares its source");
    t
}

/// A margin from a count file: categories are the key columns joined by `:`.
fn margin(name: &str, file: &str) -> Margin {
    let t = counts(file);
    Margin {
        name: name.to_string(),
        categories: t.rows.iter().map(|r| r.key.join(":")).collect(),
        totals: t.rows.iter().map(|r| r.count as f64).collect(),
    }
}

struct Fixture {
    rows: Vec<HashMap<String, String>>,
    expected: HashMap<(String, String), String>,
    weights: HashMap<(String, String), f64>,
    /// N_h / n_h per area of the plan, and N / n for a respondent without an area.
    design: HashMap<String, f64>,
    fallback_design: f64,
    population: f64,
}

fn fixture() -> Fixture {
    let expected = read_csv("expected.csv")
        .into_iter()
        .map(|r| ((r["case"].clone(), r["key"].clone()), r["value"].clone()))
        .collect();
    let weights = read_csv("expected_weights.csv")
        .into_iter()
        .map(|r| {
            (
                (r["case"].clone(), r["id"].clone()),
                r["weight"].parse().unwrap(),
            )
        })
        .collect();
    let plan = parse_plan(&std::fs::read(fixtures().join("plan.csv")).unwrap()).unwrap();
    let design = plan
        .strata
        .iter()
        .map(|s| (s.key[0].clone(), s.design_weight()))
        .collect();
    Fixture {
        rows: read_csv("respondents.csv"),
        expected,
        weights,
        design,
        fallback_design: plan.population() as f64 / plan.sample_size() as f64,
        population: plan.population() as f64,
    }
}

impl Fixture {
    fn value(&self, case: &str, key: &str) -> f64 {
        self.expected[&(case.to_string(), key.to_string())]
            .parse()
            .unwrap()
    }

    fn text(&self, case: &str, key: &str) -> &str {
        &self.expected[&(case.to_string(), key.to_string())]
    }

    /// One group per respondent; `columns` name each margin's respondent columns, the
    /// category being their values joined by `:` (unknown when not a category).
    fn groups(
        &self,
        margins: &[Margin],
        columns: &[&[&str]],
        design: Design,
    ) -> Vec<CalibrationGroup> {
        let n = self.rows.len() as f64;
        self.rows
            .iter()
            .map(|r| CalibrationGroup {
                categories: margins
                    .iter()
                    .zip(columns)
                    .map(|(m, cols)| {
                        let key: Vec<&str> = cols.iter().map(|c| r[*c].as_str()).collect();
                        m.categories.iter().position(|c| *c == key.join(":"))
                    })
                    .collect(),
                count: 1,
                design_weight: match design {
                    Design::Equal => self.population / n,
                    Design::Plan(column) => self
                        .design
                        .get(&r[column])
                        .copied()
                        .unwrap_or(self.fallback_design),
                },
            })
            .collect()
    }

    fn y(&self) -> Vec<ValueSums> {
        self.rows
            .iter()
            .map(|r| match r["y"].as_str() {
                "" => ValueSums::default(),
                v => {
                    let y: f64 = v.parse().unwrap();
                    ValueSums {
                        n: 1,
                        sum: y - 50.0,
                        sum_sq: (y - 50.0).powi(2),
                    }
                }
            })
            .collect()
    }

    /// Weights, mean, SE, design effect and weight summary against R's for `case`.
    fn compare(&self, case: &str, fitted: &Fitted, variance: Variance) {
        let c = &fitted.each;
        let mut worst = 0.0f64;
        for (i, r) in self.rows.iter().enumerate() {
            let expected = self.weights[&(case.to_string(), r["id"].clone())];
            let rel = (c.weight(i) - expected).abs() / expected;
            worst = worst.max(rel);
            assert!(
                rel < 1e-9,
                "{case}: weight of {} {} != R {expected}",
                r["id"],
                c.weight(i)
            );
        }
        let e = c.weighted_mean(&self.y(), 50.0, variance).unwrap();
        let check = |what: &str, got: f64, tolerance: f64| {
            let want = self.value(case, what);
            let rel = (got - want).abs() / want.abs();
            assert!(
                rel < tolerance,
                "{case} {what}: {got} != R {want} ({rel:e})"
            );
            println!("{case:<12} {what:<12} {got:<22} relative difference {rel:.1e}");
        };
        println!("{case:<12} weights      largest relative difference {worst:.1e}");
        check("mean", e.mean, 1e-10);
        check("se", e.se.unwrap(), 1e-8);
        check("deff", e.deff.unwrap(), 1e-8);
        let d = c.diagnostics();
        check("weight_min", d.min_weight, 1e-9);
        check("weight_max", d.max_weight, 1e-9);
        check("kish_deff", d.kish_deff, 1e-9);
        // Grouped: respondents with the same categories and design weight summed give the
        // same estimate (the exports work on such groups).
        let g = fitted
            .grouped
            .weighted_mean(&fitted.grouped_sums, 50.0, variance)
            .unwrap();
        assert!(
            (g.mean - e.mean).abs() < 1e-10 * e.mean.abs(),
            "{case} grouped mean"
        );
        assert!(
            (g.se.unwrap() - e.se.unwrap()).abs() < 1e-8 * e.se.unwrap(),
            "{case} grouped se {} {}",
            g.se.unwrap(),
            e.se.unwrap()
        );
    }
}

#[derive(Clone, Copy)]
enum Design {
    /// N / n for everyone.
    Equal,
    /// N_h / n_h of the plan, by the area in this column.
    Plan(&'static str),
}

/// A calibration of the respondents one by one, and the same of them grouped.
#[derive(Debug)]
struct Fitted {
    each: Calibration,
    grouped: Calibration,
    grouped_sums: Vec<ValueSums>,
}

/// Fits `margins` to the respondents one by one, and to them grouped by categories and
/// design weight (as the exports do).
fn fit(
    f: &Fixture,
    margins: &[Margin],
    columns: &[&[&str]],
    design: Design,
    options: CalibrationOptions,
) -> Result<Fitted, CalibrationError> {
    let groups = f.groups(margins, columns, design);
    let sums = f.y();
    // Groups of identical categories and design weight.
    let mut keys: Vec<(Vec<Option<usize>>, u64)> = Vec::new();
    let mut grouped: Vec<CalibrationGroup> = Vec::new();
    let mut grouped_sums: Vec<ValueSums> = Vec::new();
    for (g, s) in groups.iter().zip(&sums) {
        let key = (g.categories.clone(), g.design_weight.to_bits());
        let i = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                grouped.push(CalibrationGroup {
                    count: 0,
                    ..g.clone()
                });
                grouped_sums.push(ValueSums::default());
                keys.len() - 1
            }
        };
        grouped[i].count += 1;
        grouped_sums[i].n += s.n;
        grouped_sums[i].sum += s.sum;
        grouped_sums[i].sum_sq += s.sum_sq;
    }
    assert!(
        grouped.len() < groups.len(),
        "some respondents share a group"
    );
    let each = calibrate(margins, &groups, options)?;
    let grouped = calibrate(margins, &grouped, options).expect("fits as the respondents do");
    Ok(Fitted {
        each,
        grouped,
        grouped_sums,
    })
}

fn rake() -> CalibrationOptions {
    CalibrationOptions {
        method: Method::Rake,
        max_iter: MAX_ITER,
        tolerance: TOLERANCE,
        bounds: Bounds::default(),
    }
}

fn newton() -> CalibrationOptions {
    CalibrationOptions {
        method: Method::Calibrate,
        ..rake()
    }
}

const TRUE_AGE_GENDER: &[&str] = &["true_age_band", "true_gender"];
const TRUE_AREA: &[&str] = &["true_area"];

fn two_margins() -> Vec<Margin> {
    vec![
        margin("age_band×gender", "margin_age_gender.csv"),
        margin("area", "margin_area.csv"),
    ]
}

#[test]
fn rake_to_two_margins_equals_r() {
    let f = fixture();
    let c = fit(
        &f,
        &two_margins(),
        &[TRUE_AGE_GENDER, TRUE_AREA],
        Design::Equal,
        rake(),
    )
    .unwrap();
    f.compare("rake2", &c, Variance::IteratedMargins);
}

#[test]
fn calibrate_raking_to_two_margins_equals_r() {
    let f = fixture();
    let c = fit(
        &f,
        &two_margins(),
        &[TRUE_AGE_GENDER, TRUE_AREA],
        Design::Equal,
        newton(),
    )
    .unwrap();
    f.compare("calibrate2", &c, Variance::Regression);
}

#[test]
fn rake_to_three_margins_equals_r() {
    let f = fixture();
    let margins = vec![
        margin("age_band", "margin_age.csv"),
        margin("gender", "margin_gender.csv"),
        margin("area", "margin_area.csv"),
    ];
    let c = fit(
        &f,
        &margins,
        &[&["true_age_band"], &["true_gender"], TRUE_AREA],
        Design::Equal,
        rake(),
    )
    .unwrap();
    f.compare("rake3", &c, Variance::IteratedMargins);
}

#[test]
fn design_weights_times_raking_equal_r() {
    let f = fixture();
    let columns = [TRUE_AGE_GENDER, TRUE_AREA];
    let design = Design::Plan("true_area");
    let c = fit(&f, &two_margins(), &columns, design, rake()).unwrap();
    f.compare("design_rake", &c, Variance::IteratedMargins);
    let c = fit(&f, &two_margins(), &columns, design, newton()).unwrap();
    f.compare("design_cal", &c, Variance::Regression);
}

#[test]
fn bounded_calibration_equals_r() {
    let f = fixture();
    let bounds = Bounds {
        lower: f.value("bounded", "lower"),
        upper: f.value("bounded", "upper"),
    };
    let options = CalibrationOptions { bounds, ..newton() };
    let c = fit(
        &f,
        &two_margins(),
        &[TRUE_AGE_GENDER, TRUE_AREA],
        Design::Plan("true_area"),
        options,
    )
    .unwrap();
    f.compare("bounded", &c, Variance::Regression);
    // The bound holds and binds.
    let largest = (0..f.rows.len())
        .map(|i| c.each.weight(i) / f.design[&f.rows[i]["true_area"]])
        .fold(0.0, f64::max);
    assert!((largest - bounds.upper).abs() < 1e-9, "{largest}");
}

#[test]
fn a_bound_that_cannot_be_met_is_an_error() {
    let f = fixture();
    // R: "Failed to converge" (recorded in expected.csv).
    assert!(
        f.text("bounded_too_tight", "r_calibrate")
            .starts_with("Failed to converge")
    );
    let bounds = Bounds {
        lower: f.value("bounded", "lower"),
        upper: f.value("bounded_too_tight", "upper"),
    };
    let err = fit(
        &f,
        &two_margins(),
        &[TRUE_AGE_GENDER, TRUE_AREA],
        Design::Plan("true_area"),
        CalibrationOptions { bounds, ..newton() },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CalibrationError::NotConverged {
                iterations: MAX_ITER,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn unknown_categories_split_the_population_as_r() {
    let f = fixture();
    let c = fit(
        &f,
        &two_margins(),
        &[&["age_band", "gender"], &["area"]],
        Design::Plan("area"),
        newton(),
    )
    .unwrap();
    f.compare("unknown", &c, Variance::Regression);
    let margins = c.each.margins();
    let n = f.population;
    for (m, key) in [(0, "share_unknown_age_gender"), (1, "share_unknown_area")] {
        let unknown = *margins[m].totals.last().unwrap();
        let want = f.value("unknown", key) * n;
        assert!(
            (unknown - want).abs() < 1e-9 * want,
            "{key}: {unknown} {want}"
        );
    }
}

#[test]
fn contradicting_margins_fail_with_the_margin_named() {
    let f = fixture();
    assert_eq!(
        f.text("nonconvergent", "r_rake_warning"),
        "none",
        "R says nothing"
    );
    let margins = vec![
        margin("age_band×gender", "margin_age_gender.csv"),
        margin("area", "margin_area_inconsistent.csv"),
    ];
    let columns = [TRUE_AGE_GENDER, TRUE_AREA];
    let options = CalibrationOptions {
        max_iter: 30,
        ..rake()
    };
    let err = fit(&f, &margins, &columns, Design::Equal, options).unwrap_err();
    let CalibrationError::NotConverged {
        margin,
        category,
        residual,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    // The residual R's rake() leaves, here an error.
    assert_eq!(margin, "age_band×gender");
    assert_eq!(category, f.text("nonconvergent", "rake_worst_age_gender"));
    let want = f.value("nonconvergent", "rake_max_residual_age_gender");
    assert!(
        (residual.abs() - want).abs() < 1e-8 * want,
        "{residual} vs R {want}"
    );
    println!("rake: {err}");

    let options = CalibrationOptions {
        max_iter: 30,
        ..newton()
    };
    let err = fit(&f, &margins, &columns, Design::Equal, options).unwrap_err();
    let CalibrationError::NotConverged {
        margin,
        category,
        residual,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(margin, "area");
    assert_eq!(category, f.text("nonconvergent", "calibrate_worst_area"));
    let want = f.value("nonconvergent", "calibrate_max_residual_area");
    assert!(
        (residual.abs() - want).abs() < 1e-8 * want,
        "{residual} vs R {want}"
    );
    println!("calibrate: {err}");
}
