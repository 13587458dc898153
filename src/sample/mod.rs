//! From the resident register to a sample, without the register ever coming in: `sample
//! plan` allocates letters to strata from counts, `sample draw` selects residents from a
//! frame file by stratified systematic sampling and writes only the selected ids and the
//! sampling record (抽出記録). Nothing here opens the database or logs a value of the
//! frame. Method, file formats and commands: docs/sampling.md.

pub mod cli;
pub mod counts;
pub mod draw;
pub mod frame;
pub mod plan;

pub use counts::{CountError, CountRow, CountTable, Declaration, POPULATION_COLUMN, parse_counts};
pub use draw::{Draw, DrawError, Selected, StratumDraw, draw};
pub use frame::{FrameEncoding, FrameError, FrameSummary, count_strata, read_frame};
pub use plan::{Allocation, Plan, PlanError, PlanFileError, StratumPlan, allocate, parse_plan};
