//! Pages for residents: the survey form, access codes, personal invitation links, the
//! public results, and the page views they share.

pub mod code;
pub mod comments;
pub mod evaluation;
pub mod form;
pub mod invitation;
pub mod pages;
pub mod results;
pub mod views;
