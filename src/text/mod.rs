//! Free-text answers (市民意見の反映): Japanese tokenisation, masking of personal data,
//! and the analyses of KH Coder's kind (frequencies, KWIC, co-occurrence, clustering) as
//! pure functions over plain data. Nothing here writes text of its own: every quote shown
//! is a resident's own (masked) words. See docs/free-text.md.

pub mod agreement;
pub mod cluster;
pub mod codebook;
pub mod codetable;
pub mod coding;
pub mod command;
pub mod compare;
pub mod frequency;
pub mod kouchou;
pub mod load;
pub mod mask;
pub mod network;
pub mod opinions;
pub mod publication;
pub mod review;
pub mod terms;
pub mod tokenise;

pub use mask::{Flag, FlagKind, MaskKind, MaskRules, Masked, MaskedSpan, mask, mask_text};
pub use terms::TermRules;
pub use tokenise::{Token, Tokeniser};
