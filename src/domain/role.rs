//! What an analyst account may do.

/// An account's role (`analysts.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Everything in the workspace: exports, publication, invitations, paper entry.
    #[default]
    Analyst,
    /// Paper data entry (and the printable questionnaire) only: no export, no publication,
    /// no invitations. For the staff or temporary workers who key the returned sheets.
    Operator,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Analyst, Role::Operator];

    /// The stored name, also the `--role` value of `analyst create`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Operator => "operator",
        }
    }

    /// A stored or typed name; an unknown stored value counts as the least privileged.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }

    /// Whether the role may read the answers in aggregate or in bulk (exports, the
    /// dashboard's figures), publish, or manage invitations.
    pub fn may_export(self) -> bool {
        self == Role::Analyst
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s).ok_or_else(|| format!("unknown role `{s}`: use analyst or operator"))
    }
}
