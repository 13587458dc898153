//! Values parsed once at the edge: languages, answers, submission keys, tokens.

mod access_code;
mod answers;
mod channel;
mod credential;
mod invitees;
pub mod password;
mod role;
pub mod stored;
pub mod text;
mod token;

/// Languages are the i18n layer's; re-exported because answers and pages speak of them.
pub use crate::i18n::{Furigana, Lang};
pub use access_code::{AccessCode, CodeProblem};
pub use answers::{
    AnswerValue, Answers, CODE_FIELD, DONT_KNOW, FieldError, FieldProblem, INVALID, KEY_FIELD,
    LANG_FIELD, Mode, RawForm, SubmissionKey, TOKEN_FIELD, is_valid_response, parse_submission,
    parse_submission_as,
};
pub use channel::{Channel, Scope};
pub use credential::Credential;
pub use invitees::{Email, Invitee, InviteeReport, mask, parse_invitee_csv};
pub use role::Role;
pub use token::{AnalystToken, InvitationToken, hash_token};
