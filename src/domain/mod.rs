//! Values parsed once at the edge: languages, answers, submission keys, tokens.

mod answers;
mod lang;
mod token;

pub use answers::{
    AnswerValue, Answers, DONT_KNOW, FieldError, FieldProblem, KEY_FIELD, LANG_FIELD, RawForm,
    SubmissionKey, parse_submission,
};
pub use lang::Lang;
pub use token::{AnalystToken, hash_token};
