//! The 見直し decision: per wave and vision, the direction analysts decided (継続・改善・
//! 見直し), their reason and 「主な市民意見」. Human, not computed: the grades inform it.
//! Parsed here once from the workspace form; stored by `db::evaluations`, kept in the
//! publication snapshot.

use serde::{Deserialize, Serialize};

/// The longest reason, in characters.
pub const MAX_REASON: usize = 2000;
/// The longest 「主な市民意見」, in characters.
pub const MAX_OPINIONS: usize = 4000;

/// The direction decided for a vision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 継続: keep the measures as they are.
    Continue,
    /// 改善: improve the measures.
    Improve,
    /// 見直し: revise the measures or the vision.
    Review,
}

impl Direction {
    pub const ALL: [Direction; 3] = [Direction::Continue, Direction::Improve, Direction::Review];

    /// The code in forms and the CSV's `direction` column.
    pub fn code(self) -> &'static str {
        match self {
            Direction::Continue => "continue",
            Direction::Improve => "improve",
            Direction::Review => "review",
        }
    }

    pub fn parse(code: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The Fluent id of its label.
    pub fn message(self) -> &'static str {
        match self {
            Direction::Continue => "eval_direction_continue",
            Direction::Improve => "eval_direction_improve",
            Direction::Review => "eval_direction_review",
        }
    }
}

/// One vision's decision in one wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub vision_id: String,
    /// `None`: not decided yet.
    pub direction: Option<Direction>,
    pub reason: String,
    /// 「主な市民意見」, free text (line breaks kept).
    pub opinions: String,
}

/// What is wrong with a submitted decision, by field (`direction`, `reason`, `opinions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// A text field as it is stored: line breaks as LF, trimmed.
pub fn normalise(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

/// [`normalise`]s, and checks the length and the characters of a text field.
fn text(field: &'static str, raw: &str, max: usize) -> Result<String, Problem> {
    let s = normalise(raw);
    if let Some(c) = crate::domain::text::forbidden_char(&s) {
        return Err(Problem {
            field,
            message: crate::domain::text::forbidden_message(c),
        });
    }
    let n = s.chars().count();
    if n > max {
        return Err(Problem {
            field,
            message: format!("is {n} characters long; at most {max} are kept"),
        });
    }
    Ok(s)
}

impl Decision {
    /// A decision from the form's fields: `direction` is a code or empty (undecided).
    pub fn parse(
        vision_id: &str,
        direction: &str,
        reason: &str,
        opinions: &str,
    ) -> Result<Decision, Vec<Problem>> {
        let mut problems = Vec::new();
        let direction = match direction.trim() {
            "" => None,
            code => match Direction::parse(code) {
                Some(d) => Some(d),
                None => {
                    problems.push(Problem {
                        field: "direction",
                        message: format!(
                            "`{code}` is not a direction: use continue, improve or review"
                        ),
                    });
                    None
                }
            },
        };
        let reason = text("reason", reason, MAX_REASON).map_err(|p| problems.push(p));
        let opinions = text("opinions", opinions, MAX_OPINIONS).map_err(|p| problems.push(p));
        match (reason, opinions) {
            (Ok(reason), Ok(opinions)) if problems.is_empty() => Ok(Decision {
                vision_id: vision_id.to_string(),
                direction,
                reason,
                opinions,
            }),
            _ => Err(problems),
        }
    }

    /// Whether anything has been written.
    pub fn is_empty(&self) -> bool {
        self.direction.is_none() && self.reason.is_empty() && self.opinions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_is_parsed_once() {
        let d = Decision::parse(
            "v1",
            "improve",
            "  窓口の待ち時間\r\n",
            "・オンライン申請を増やしてほしい\r\n・紙も残して",
        )
        .unwrap();
        assert_eq!(d.direction, Some(Direction::Improve));
        assert_eq!(d.reason, "窓口の待ち時間");
        assert_eq!(d.opinions, "・オンライン申請を増やしてほしい\n・紙も残して");
        let undecided = Decision::parse("v1", "", "", "").unwrap();
        assert!(undecided.is_empty());
        for code in ["continue", "improve", "review"] {
            assert_eq!(Direction::parse(code).unwrap().code(), code);
        }
    }

    #[test]
    fn bad_fields_are_named() {
        let e =
            Decision::parse("v1", "abolish", "a\0b", &"意".repeat(MAX_OPINIONS + 1)).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["direction", "reason", "opinions"]);
        assert!(e[2].message.contains("4001"));
        assert!(Decision::parse("v1", "", "", &"意".repeat(MAX_OPINIONS)).is_ok());
    }
}
