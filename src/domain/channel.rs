//! How a response reached the survey, and whether it belongs to the wave's sample.

/// The channel a response came through (PRODUCT.md: `web`, `paper`, `email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The web form: through an access code from a letter, or an open link.
    Web,
    /// A paper questionnaire keyed in or imported.
    Paper,
    /// A returned paper questionnaire without its access code (torn off, not copied):
    /// keyed or imported with the explicit "no code" marker. A sheet of the sample like
    /// `Paper` everywhere (see [`Channel::is_paper`]), counted on its own line; nothing
    /// links it to a person or a code.
    PaperNoCode,
    /// The personal link of an e-mail invitation.
    Email,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Web,
        Channel::Paper,
        Channel::PaperNoCode,
        Channel::Email,
    ];

    /// The stored code (also the exports' `channel` column).
    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Paper => "paper",
            Channel::PaperNoCode => "paper_no_code",
            Channel::Email => "email",
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// A paper sheet, with or without its code: wherever paper and online are told
    /// apart, both are paper.
    pub fn is_paper(self) -> bool {
        matches!(self, Channel::Paper | Channel::PaperNoCode)
    }

    /// Whether a stored channel code is a paper one ([`Channel::is_paper`]).
    pub fn is_paper_code(code: &str) -> bool {
        Channel::parse(code).is_some_and(Channel::is_paper)
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Which responses an aggregate describes. A postal wave's estimates describe its random
/// sample; answers given through the open link beside it (`open_answers = true`) are not
/// part of it and come in only when an analyst asks for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Responses of the sample only (`in_sample = true`): the default everywhere.
    #[default]
    Sample,
    /// The sample and the open answers together (`--include-open`, `?include_open=true`).
    WithOpenAnswers,
}

impl Scope {
    pub fn from_include_open(include_open: bool) -> Scope {
        if include_open {
            Scope::WithOpenAnswers
        } else {
            Scope::Sample
        }
    }

    /// The values of the `in_sample` flag counted, for a query's `eq_any`.
    pub fn sample_flags(self) -> &'static [bool] {
        match self {
            Scope::Sample => &[true],
            Scope::WithOpenAnswers => &[true, false],
        }
    }
}
