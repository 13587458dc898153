//! CSV exports for analysts: the same bytes from the CLI and from the analyst route.

mod csv_out;
mod vision_scores;

pub use csv_out::{CsvWriter, Encoding, EncodingError, neutralise};
pub use vision_scores::{VISION_SCORES_HEADER, vision_scores};

/// Why an export could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Encoding(#[from] EncodingError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("writing the CSV failed: {0}")]
    Io(#[from] std::io::Error),
}
