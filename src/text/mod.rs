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
pub mod khcoder;
pub mod kouchou;
pub mod load;
pub mod network;
pub mod opinions;
pub mod publication;
pub mod review;
pub mod terms;

// The tokeniser and the masking live below the exports (`crate::language`), which mask
// the `comments` export the same way; kept reachable here as `text::mask`, `text::tokenise`.
pub use crate::language::{
    Flag, FlagKind, MaskKind, MaskRules, Masked, MaskedSpan, Token, Tokeniser, mask, mask_text,
    tokenise,
};
pub use terms::TermRules;
