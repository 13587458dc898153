//! Pure statistics over plain numbers: no database, no HTTP. See the README's "How scores
//! are computed" for the same rules in words.

mod scores;
mod vision;

pub use scores::{Accumulator, RespondentScore, Summary, respondent_score};
pub use vision::VisionScoring;
