//! Japanese text, offline and pure: the tokeniser (IPADIC compiled into the binary) and
//! the masking of personal data in a resident's free-text answer. Below the database and
//! the exports, so that every place that shows a comment — the `comments` export, the
//! free-text analyses, the report — masks it the same way.

pub mod mask;
pub mod patterns;
pub mod tokenise;

pub use mask::{Flag, FlagKind, MaskKind, MaskRules, Masked, MaskedSpan, mask, mask_text};
pub use patterns::{mask_personal_data, personal_data_spans};
pub use tokenise::{Token, Tokeniser, UserDictionary, UserWordKind};
