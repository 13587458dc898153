//! Pure statistics over plain numbers: no database, no HTTP. See docs/methods.md, "How
//! scores are computed", for the same rules in words.

mod breakdown;
mod calibration;
mod comparison;
mod dist;
mod items;
mod plan;
mod population;
mod scores;
mod sums;
mod weighting;

pub use breakdown::{
    Breakdown, BreakdownRow, DEFAULT_MIN_GROUP_SIZE, GroupFigures, ScaleDisclosure,
    ScopedDisclosure, SuppressionReason, apply, differencing_shortfall, scale_disclosure, suppress,
    suppress_linked, suppress_scopes,
};
pub use calibration::{
    Bounds, Calibration, CalibrationError, CalibrationGroup, CalibrationOptions, Diagnostics,
    Margin, MarginFit, Method, UNKNOWN_CATEGORY, Variance, calibrate,
};
pub use comparison::{
    Comparison, ComparisonRow, SIGNIFICANCE_LEVEL, SampleMoments, Test, compare_summaries,
    weighted_difference, welch,
};
pub use dist::{p_two_sided_normal, p_two_sided_t, t975, z975};
pub use items::{
    ItemCounts, ItemFigures, Proportion, WeightedItemFigures, item_figures, item_value,
    weighted_item_figures, wilson_interval,
};
pub use plan::{GENDER_QUESTION, ScorePlan, ScorePlans, ScoreRow};
pub use population::{
    AGE_BAND_NO_ANSWER, AGE_BAND_QUESTION, AREA_NO_ANSWER, AREA_QUESTION, POPULATION_HEADER,
    Population, PopulationError, StratumCodes, parse_population,
};
pub use scores::{Accumulator, RespondentScore, Summary, respondent_score};
pub use sums::{GroupKey, GroupSums, SCORE_SHIFT, TOP2_SHIFT, summary_of};
pub use weighting::{
    DEFAULT_MIN_RESPONDENTS, GroupedPostStratification, Pattern, PostStratification, PostStratum,
    StratumAnswers, ValueSums, WeightedEstimate, WeightedVision, WeightingError, WeightingOptions,
    post_stratify, post_stratify_groups,
};
