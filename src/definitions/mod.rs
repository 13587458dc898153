//! Survey definitions: the visions and the waves, read from `survey-definitions/`.
//!
//! The files are TOML an analyst can edit (see the header of each bundled file). They are
//! parsed once at start ([`load_dir`]) into the validated model below; code past this module
//! never sees a raw definition.

mod load;
mod model;
mod raw;

pub use load::{
    DefinitionError, DefinitionErrors, FileCoverage, MissingText, load_dir, load_dir_with_coverage,
};
pub use model::*;
