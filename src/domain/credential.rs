//! The one-time credential a response is given through, parsed once at the edge and used
//! up in the transaction that stores the response ([`crate::db::submit`]).

use super::{AccessCode, Channel};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An e-mail invitation's token (invitation-only waves), as the link carried it.
    Invitation(String),
    /// An access code from a letter (code waves, web or paper).
    Code(AccessCode),
}

impl Credential {
    /// The hidden form field that carries it between the form and its submission.
    pub fn form_field(&self) -> (&'static str, String) {
        match self {
            Credential::Invitation(token) => (super::TOKEN_FIELD, token.clone()),
            Credential::Code(code) => (super::CODE_FIELD, code.as_str().to_string()),
        }
    }

    /// The channel of a web form answered with it: e-mail for an invitation's link, web
    /// for a letter's code.
    pub fn web_channel(&self) -> Channel {
        match self {
            Credential::Invitation(_) => Channel::Email,
            Credential::Code(_) => Channel::Web,
        }
    }
}
