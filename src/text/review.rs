//! The coding and review workflow of a comment (docs/free-text.md), as pure rules:
//! `pending` → coded (codes, 要旨, a proposal: publish verbatim | with more 伏字 | the 要旨
//! only, or withhold with a reason) → `approved` by a second analyst, or `withheld`.
//! Withholding needs nobody's approval; publishing always needs a reviewer who is not the
//! coder. Criticism of the city is no reason to withhold.

/// A comment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Coded,
    Approved,
    Withheld,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Coded,
        Status::Approved,
        Status::Withheld,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Coded => "coded",
            Status::Approved => "approved",
            Status::Withheld => "withheld",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// How an approved comment is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishAs {
    /// The masked text as it is.
    Verbatim,
    /// The masked text with further characters replaced by ○ (伏字).
    Fuseji,
    /// Only the analyst's 要旨, shown as a summary by the city.
    Summary,
}

impl PublishAs {
    pub const ALL: [PublishAs; 3] = [PublishAs::Verbatim, PublishAs::Fuseji, PublishAs::Summary];

    pub fn code(self) -> &'static str {
        match self {
            PublishAs::Verbatim => "verbatim",
            PublishAs::Fuseji => "fuseji",
            PublishAs::Summary => "summary",
        }
    }

    pub fn parse(s: &str) -> Option<PublishAs> {
        PublishAs::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// Why a comment is withheld, as published practice of public comments gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Identifies a person even after masking.
    Identifying,
    /// Defamatory or discriminatory.
    Defamatory,
    /// 要配慮個人情報 (illness, disability, criminal record …) of someone.
    Sensitive,
    /// Has nothing to do with the survey.
    OffTopic,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::Identifying,
        Reason::Defamatory,
        Reason::Sensitive,
        Reason::OffTopic,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Identifying => "identifying",
            Reason::Defamatory => "defamatory",
            Reason::Sensitive => "sensitive",
            Reason::OffTopic => "off_topic",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The `ws_` message key of its label.
    pub fn message(self) -> String {
        format!("ws_comment_reason_{}", self.code())
    }
}

/// What the first coder proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    Publish(PublishAs),
    Withhold(Reason),
}

/// A valid first coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// Known code ids, sorted, without repeats.
    pub codes: Vec<String>,
    pub summary: String,
    pub proposal: Proposal,
    /// The 伏字 text when the proposal is [`PublishAs::Fuseji`].
    pub fuseji: Option<String>,
}

impl Coding {
    /// The stored status after this coding: withholding takes effect at once.
    pub fn status(&self) -> Status {
        match self.proposal {
            Proposal::Publish(_) => Status::Coded,
            Proposal::Withhold(_) => Status::Withheld,
        }
    }
}

/// The longest 要旨, in characters.
pub const MAX_SUMMARY: usize = 200;

/// The 伏字 mark.
pub const FUSEJI: char = '○';

/// What was typed on the coding form.
#[derive(Debug, Clone, Default)]
pub struct CodingForm<'a> {
    pub codes: Vec<&'a str>,
    pub summary: &'a str,
    pub decision: &'a str,
    pub reason: &'a str,
    pub fuseji: &'a str,
}

fn problem(key: &str) -> String {
    crate::i18n::both(key)
}

/// Checks codes against the codebook; sorted, without repeats.
pub fn parse_codes(known: &[&str], typed: &[&str]) -> Result<Vec<String>, Vec<String>> {
    let mut problems = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    for c in typed {
        if known.contains(c) {
            codes.push(c.to_string());
        } else {
            problems.push(crate::i18n::both_args(
                "ws_comment_unknown_code",
                &[("item", c.to_string().into())],
            ));
        }
    }
    codes.sort();
    codes.dedup();
    if problems.is_empty() {
        Ok(codes)
    } else {
        Err(problems)
    }
}

/// Whether `fuseji` is `masked` with some characters (at least one) replaced by ○.
pub fn is_fuseji_of(masked: &str, fuseji: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (masked.chars().collect(), fuseji.chars().collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| x == y || *y == FUSEJI)
        && a.iter().zip(&b).any(|(x, y)| x != y)
}

/// The first coding of a comment whose masked text is `masked`, or every problem (each in
/// Japanese and English).
pub fn parse_coding(
    known: &[&str],
    masked: &str,
    form: &CodingForm<'_>,
) -> Result<Coding, Vec<String>> {
    let mut problems = Vec::new();
    let codes = parse_codes(known, &form.codes).unwrap_or_else(|p| {
        problems.extend(p);
        Vec::new()
    });
    let summary = form.summary.trim().to_string();
    if summary.chars().count() > MAX_SUMMARY {
        problems.push(crate::i18n::both_args(
            "ws_comment_summary_too_long",
            &[("max", MAX_SUMMARY.into())],
        ));
    }
    if summary
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        problems.push(problem("ws_comment_summary_control"));
    }
    let proposal = match form.decision {
        "withhold" => match Reason::parse(form.reason) {
            Some(r) => Some(Proposal::Withhold(r)),
            None => {
                problems.push(problem("ws_comment_reason_missing"));
                None
            }
        },
        d => match PublishAs::parse(d) {
            Some(p) => Some(Proposal::Publish(p)),
            None => {
                problems.push(problem("ws_comment_decision_missing"));
                None
            }
        },
    };
    let mut fuseji = None;
    if let Some(Proposal::Publish(p)) = &proposal {
        if codes.is_empty() {
            problems.push(problem("ws_comment_codes_missing"));
        }
        match p {
            PublishAs::Summary if summary.is_empty() => {
                problems.push(problem("ws_comment_summary_missing"))
            }
            PublishAs::Fuseji => {
                let typed = form.fuseji.trim();
                if is_fuseji_of(masked, typed) {
                    fuseji = Some(typed.to_string());
                } else {
                    problems.push(problem("ws_comment_fuseji_invalid"));
                }
            }
            _ => {}
        }
    }
    match proposal {
        Some(proposal) if problems.is_empty() => Ok(Coding {
            codes,
            summary,
            proposal,
            fuseji,
        }),
        _ => Err(problems),
    }
}

/// Why a reviewer may not approve a comment, if they may not: only a coded comment, and
/// never by its own coder.
pub fn approval_refusal(status: Status, coded_by: Option<&str>, reviewer: &str) -> Option<String> {
    if status != Status::Coded {
        return Some(problem("ws_comment_not_coded"));
    }
    if coded_by == Some(reviewer) {
        return Some(problem("ws_comment_own_coding"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(codes: Vec<&'a str>, decision: &'a str) -> CodingForm<'a> {
        CodingForm {
            codes,
            decision,
            ..CodingForm::default()
        }
    }

    #[test]
    fn a_coding_is_parsed_or_every_problem_named() {
        let known = ["a", "b"];
        let c = parse_coding(&known, "窓口が遅い", &form(vec!["b", "a", "b"], "verbatim")).unwrap();
        assert_eq!(c.codes, ["a", "b"]);
        assert_eq!(c.status(), Status::Coded);
        // Unknown code, no decision.
        let p = parse_coding(&known, "x", &form(vec!["zz"], "")).unwrap_err();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("zz"));
        // Publishing needs a code; a summary needs its 要旨.
        assert_eq!(
            parse_coding(&known, "x", &form(vec![], "verbatim"))
                .unwrap_err()
                .len(),
            1
        );
        assert!(parse_coding(&known, "x", &form(vec!["a"], "summary")).is_err());
        // Withholding needs a reason, not a code, and takes effect at once.
        assert!(parse_coding(&known, "x", &form(vec![], "withhold")).is_err());
        let mut f = form(vec![], "withhold");
        f.reason = "defamatory";
        let c = parse_coding(&known, "x", &f).unwrap();
        assert_eq!(c.proposal, Proposal::Withhold(Reason::Defamatory));
        assert_eq!(c.status(), Status::Withheld);
    }

    #[test]
    fn fuseji_only_replaces_characters_with_the_mark() {
        assert!(is_fuseji_of("山田さんの対応が悪い", "○○さんの対応が悪い"));
        assert!(!is_fuseji_of(
            "山田さんの対応が悪い",
            "山田さんの対応が悪い"
        ));
        assert!(!is_fuseji_of("山田さんの対応が悪い", "○○さんの対応が良い"));
        assert!(!is_fuseji_of("山田さん", "○○さん。"));
        let mut f = form(vec!["a"], "fuseji");
        f.fuseji = "○○さんの対応が良い";
        assert!(parse_coding(&["a"], "山田さんの対応が悪い", &f).is_err());
        f.fuseji = "○○さんの対応が悪い";
        let c = parse_coding(&["a"], "山田さんの対応が悪い", &f).unwrap();
        assert_eq!(c.fuseji.as_deref(), Some("○○さんの対応が悪い"));
    }

    #[test]
    fn approval_needs_a_coded_comment_and_another_analyst() {
        assert!(approval_refusal(Status::Coded, Some("ann"), "bob").is_none());
        assert!(approval_refusal(Status::Coded, Some("ann"), "ann").is_some());
        assert!(approval_refusal(Status::Pending, None, "bob").is_some());
        assert!(approval_refusal(Status::Withheld, Some("ann"), "bob").is_some());
    }
}
