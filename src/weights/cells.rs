//! Raking a wave's respondents, counted by their age band, area and gender answers (the
//! cells of the running totals), to the margins of a [`RakeSpec`]. Pure.
//!
//! A respondent's category in a margin is the combination of their answers to its columns;
//! it is unknown (src/stats/calibration.rs, "the pattern split") when an answer is missing,
//! is the "no answer" option, or is not a category of the margin file — e.g. a gender
//! other than the register's female and male. Their design weight is N_h / n_h of their
//! sample stratum (from their answers to the plan's columns), or N / n of the whole plan
//! when the stratum is not known; N / n of the margins' population without a plan.

use super::{Dimension, RakeSpec};
use crate::stats::{Calibration, CalibrationError, CalibrationGroup, Margin, calibrate};

/// Respondents with the same answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    pub age_band: Option<&'a str>,
    pub area: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub respondents: u64,
}

impl Cell<'_> {
    /// The answer to a dimension's question, `None` when missing or "no answer".
    pub fn answer(&self, d: Dimension) -> Option<&str> {
        let a = match d {
            Dimension::AgeBand => self.age_band,
            Dimension::Area => self.area,
            Dimension::Gender => self.gender,
        };
        a.filter(|a| !a.is_empty() && *a != d.no_answer())
    }
}

/// The margins as the calibration core takes them.
pub fn margins(spec: &RakeSpec) -> Vec<Margin> {
    spec.margins
        .iter()
        .map(|m| Margin {
            name: m.name(),
            categories: m.categories.iter().map(|c| c.join(":")).collect(),
            totals: m.totals.clone(),
        })
        .collect()
}

/// One calibration group per cell, in the cells' order.
pub fn groups(spec: &RakeSpec, cells: &[Cell<'_>]) -> Vec<CalibrationGroup> {
    let population: f64 = spec.margins[0].totals.iter().sum();
    let respondents: u64 = cells.iter().map(|c| c.respondents).sum();
    cells
        .iter()
        .map(|cell| {
            let categories = spec
                .margins
                .iter()
                .map(|m| {
                    let key: Option<Vec<&str>> =
                        m.columns.iter().map(|d| cell.answer(*d)).collect();
                    let key = key?;
                    m.categories
                        .iter()
                        .position(|c| c.iter().map(String::as_str).eq(key.iter().copied()))
                })
                .collect();
            let design_weight = match &spec.design {
                Some(design) => {
                    let key: Option<Vec<&str>> =
                        design.columns.iter().map(|d| cell.answer(*d)).collect();
                    key.and_then(|key| {
                        design
                            .strata
                            .iter()
                            .find(|s| s.0.iter().map(String::as_str).eq(key.iter().copied()))
                    })
                    .map_or(design.overall_weight(), |s| s.1 as f64 / s.2 as f64)
                }
                None => population / respondents.max(1) as f64,
            };
            CalibrationGroup {
                categories,
                count: cell.respondents,
                design_weight,
            }
        })
        .collect()
}

/// Rakes the cells: group g of the result is cell g.
pub fn rake(spec: &RakeSpec, cells: &[Cell<'_>]) -> Result<Calibration, CalibrationError> {
    calibrate(&margins(spec), &groups(spec, cells), spec.options)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::sample::Declaration;
    use crate::stats::{CalibrationOptions, UNKNOWN_CATEGORY};
    use crate::weights::{DesignSpec, MarginSpec};

    fn spec(design: bool) -> RakeSpec {
        RakeSpec {
            margins: vec![
                MarginSpec {
                    file: PathBuf::from("ag.csv"),
                    columns: vec![Dimension::AgeBand, Dimension::Gender],
                    categories: vec![
                        vec!["young".into(), "female".into()],
                        vec!["young".into(), "male".into()],
                        vec!["old".into(), "female".into()],
                        vec!["old".into(), "male".into()],
                    ],
                    totals: vec![200.0, 200.0, 350.0, 250.0],
                    declaration: Declaration::default(),
                },
                MarginSpec {
                    file: PathBuf::from("area.csv"),
                    columns: vec![Dimension::Area],
                    categories: vec![vec!["north".into()], vec!["south".into()]],
                    totals: vec![400.0, 600.0],
                    declaration: Declaration::default(),
                },
            ],
            design: design.then(|| DesignSpec {
                file: PathBuf::from("plan.csv"),
                columns: vec![Dimension::Area],
                strata: vec![
                    (vec!["north".into()], 400, 40),
                    (vec!["south".into()], 600, 20),
                ],
            }),
            options: CalibrationOptions::default(),
        }
    }

    fn cell<'a>(a: &'a str, k: &'a str, g: &'a str, n: u64) -> Cell<'a> {
        let some = |s: &'a str| (!s.is_empty()).then_some(s);
        Cell {
            age_band: some(a),
            area: some(k),
            gender: some(g),
            respondents: n,
        }
    }

    #[test]
    fn categories_and_design_weights_follow_the_answers() {
        let cells = [
            cell("young", "north", "female", 3),
            cell("old", "south", "male", 2),
            cell("old", "south", "other", 1),
            cell("old", "", "no_answer", 1),
            cell("no_answer", "outside_or_no_answer", "female", 1),
        ];
        let g = groups(&spec(true), &cells);
        assert_eq!(g[0].categories, [Some(0), Some(0)]);
        assert_eq!(g[1].categories, [Some(3), Some(1)]);
        // A gender the register lacks, or none: unknown in age_band×gender only.
        assert_eq!(g[2].categories, [None, Some(1)]);
        assert_eq!(g[3].categories, [None, None]);
        assert_eq!(g[4].categories, [None, None]);
        // Design weights: north 400/40, south 600/20, unknown area 1000/60.
        assert_eq!(g[0].design_weight, 10.0);
        assert_eq!(g[1].design_weight, 30.0);
        assert_eq!(g[3].design_weight, 1000.0 / 60.0);
        // Without a plan: N / n = 1000 / 8.
        assert_eq!(groups(&spec(false), &cells)[0].design_weight, 125.0);
    }

    #[test]
    fn raking_cells_fits_the_margins_with_unknowns_split() {
        let cells = [
            cell("young", "north", "female", 3),
            cell("young", "south", "male", 4),
            cell("old", "north", "male", 2),
            cell("old", "south", "female", 5),
            cell("old", "north", "female", 2),
            cell("young", "south", "female", 1),
            cell("old", "south", "other", 1),
        ];
        let c = rake(&spec(true), &cells).unwrap();
        let fit = c.diagnostics().fit;
        // The respondent with another gender is 1 of 18 by count; by design weight
        // 30 / (3·10 + 4·30 + 2·10 + 5·30 + 2·10 + 30 + 30) = 30 / 400.
        let unknown = fit.iter().find(|f| f.category == UNKNOWN_CATEGORY).unwrap();
        assert!((unknown.target - 1000.0 * 30.0 / 400.0).abs() < 1e-9);
        for f in &fit {
            assert!((f.weighted - f.target).abs() < 1e-6, "{f:?}");
        }
    }
}
