//! The evaluation of the visions (評価結果の公表): each vision judged against indicators with
//! a baseline, a target and a grading rule (`survey-definitions/targets.toml`), for each
//! wave. A pure core — plain figures in, rows out — under the export and the publication:
//!
//! - [`targets`] reads and checks the targets file (file:line errors, as `check` prints);
//! - [`figures`] turns a wave's totals into each indicator's figure, suppressed as published;
//! - [`change`] gives a figure's 95% interval and its change from the baseline (interval,
//!   p-value), reusing the comparison code of [`crate::stats`];
//! - [`grade`] computes 達成率, the expected share and the grade by rule, with the reason;
//! - [`row`] assembles one self-contained row per indicator (what the `evaluation` export
//!   writes and a publication keeps); [`words`] puts rows in words in every language.
//!
//! docs/evaluation.md explains the rules and the statistics for analysts.

pub mod change;
pub mod decision;
pub mod figures;
pub mod grade;
pub mod portfolio;
pub mod row;
pub mod table;
pub mod targets;
pub mod words;

pub use grade::{Grade, Reason};
pub use row::{EvaluationRow, evaluate_wave, published_baseline};
pub use targets::{
    Baseline, Indicator, Measure, Rule, TARGETS_FILE, Target, TargetWhen, Targets, fiscal_year,
};
