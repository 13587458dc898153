//! The evaluation of the visions (評価結果の公表): each vision judged against indicators with
//! a baseline, a target and a grading rule (`survey-definitions/targets.toml`).
//!
//! - [`targets`] reads and checks the targets file (file:line errors, as `check` prints).

pub mod targets;

pub use targets::{
    Baseline, Indicator, Measure, Rule, TARGETS_FILE, Target, TargetWhen, Targets, fiscal_year,
};
