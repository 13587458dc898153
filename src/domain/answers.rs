//! A submitted form, checked against its wave's definition once, at the edge.
//!
//! Field names are question ids (`[a-z][a-z0-9_]*`); the form's own fields start with `_`
//! so they can never collide with a question.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;
use validator::{ValidateLength, ValidateRange};

use super::Lang;
use crate::definitions::{QuestionKind, Wave};

/// Hidden field carrying the one-time submission key.
pub const KEY_FIELD: &str = "_key";
/// Hidden field carrying the language the form was shown in.
pub const LANG_FIELD: &str = "_lang";
/// Hidden field carrying an invitee's token on invitation-only waves (never in a URL
/// after the first page).
pub const TOKEN_FIELD: &str = "_token";
/// Hidden field carrying a postal access code on code waves (in the body only, like a
/// token, once the first page has been shown).
pub const CODE_FIELD: &str = "_code";
/// Stored value of 「わからない」 on a scale.
pub const DONT_KNOW: &str = "dk";
/// Stored value of an invalid answer on paper (two boxes marked on a single-choice or scale
/// question, or a mark that cannot be read): kept and counted as its own row, never
/// scored, not an answer to the question (a paper sheet only; the web form refuses it).
pub const INVALID: &str = "invalid";

/// A one-time key carried by each rendered form: storing it with the response in one
/// transaction makes a replayed form store nothing. Random, so it says nothing about when
/// the form was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionKey(Uuid);

impl SubmissionKey {
    pub fn generate() -> Self {
        SubmissionKey(Uuid::new_v4())
    }

    pub fn parse(s: &str) -> Option<Self> {
        Uuid::parse_str(s.trim()).ok().map(SubmissionKey)
    }

    pub fn as_string(&self) -> String {
        self.0.hyphenated().to_string()
    }
}

/// One answer, typed by its question's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    Scale(u8),
    DontKnow,
    Choice(String),
    Choices(Vec<String>),
    Text(String),
    Number(i64),
    /// Two marks or an illegible mark on a paper sheet ([`INVALID`]).
    Invalid,
}

impl AnswerValue {
    /// The values stored for this answer, one row each (several only for multiple choice).
    pub fn stored_values(&self) -> Vec<String> {
        match self {
            AnswerValue::Scale(n) => vec![n.to_string()],
            AnswerValue::DontKnow => vec![DONT_KNOW.to_string()],
            AnswerValue::Choice(c) | AnswerValue::Text(c) => vec![c.clone()],
            AnswerValue::Choices(cs) => cs.clone(),
            AnswerValue::Number(n) => vec![n.to_string()],
            AnswerValue::Invalid => vec![INVALID.to_string()],
        }
    }
}

/// Whether a response's stored values make a valid response (有効回答): at least one
/// answer that is not [`INVALID`]. A returned sheet left blank, or with only invalid marks,
/// is a returned sheet but not a valid response. The one rule, for every count.
pub fn is_valid_response<'a>(stored_values: impl IntoIterator<Item = &'a str>) -> bool {
    stored_values.into_iter().any(|v| v != INVALID)
}

impl Answers {
    /// [`is_valid_response`] of these answers.
    pub fn is_valid_response(&self) -> bool {
        self.values
            .iter()
            .any(|(_, v)| !matches!(v, AnswerValue::Invalid))
    }
}

/// A valid submission: everything the storage layer needs, nothing it must re-check.
#[derive(Debug, Clone)]
pub struct Answers {
    pub key: SubmissionKey,
    pub lang: Lang,
    /// In form order; unanswered and hidden questions are absent.
    pub values: Vec<(String, AnswerValue)>,
}

/// The form as the resident sent it, to show it again with every answer kept.
#[derive(Debug, Clone, Default)]
pub struct RawForm {
    pub lang: Lang,
    pub key: Option<String>,
    pub token: Option<String>,
    pub code: Option<String>,
    pub values: HashMap<String, Vec<String>>,
}

impl RawForm {
    pub fn values(&self, question_id: &str) -> &[String] {
        self.values.get(question_id).map_or(&[], |v| v.as_slice())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    NotAnOption,
    TooManyChoices {
        max: usize,
    },
    TooLong {
        max: usize,
        length: usize,
    },
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// A field that is not a question of this wave (a stale or tampered form).
    UnknownField(String),
    /// The one-time key is missing or malformed (a stale or tampered form).
    MissingKey,
    /// Free text holding a character that cannot be stored: a control character other
    /// than tab and line breaks (NUL among them), or bytes that were not UTF-8.
    ForbiddenCharacter {
        /// True when the bytes were not UTF-8 (decoded as U+FFFD).
        not_utf8: bool,
    },
}

/// A problem with one question (`question_id`), or with the form as a whole (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question_id: Option<String>,
    pub problem: FieldProblem,
}

impl FieldError {
    fn question(id: &str, problem: FieldProblem) -> Self {
        FieldError {
            question_id: Some(id.to_string()),
            problem,
        }
    }
}

/// Where a submission comes from, for the one rule that differs between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The web form: a required question left blank is an error to fix.
    #[default]
    Web,
    /// A paper questionnaire keyed in or imported: a paper form cannot refuse to be
    /// returned, so a required question left blank is recorded as unanswered. Every other
    /// check is the web form's.
    Paper,
}

/// Turns the decoded `application/x-www-form-urlencoded` pairs into typed answers, or every
/// problem found. The raw form comes back either way so the page can be shown again.
pub fn parse_submission(
    wave: &Wave,
    fallback_lang: Lang,
    fields: Vec<(String, String)>,
) -> (RawForm, Result<Answers, Vec<FieldError>>) {
    parse_submission_as(wave, fallback_lang, fields, Mode::Web)
}

/// [`parse_submission`] for a given [`Mode`].
pub fn parse_submission_as(
    wave: &Wave,
    fallback_lang: Lang,
    fields: Vec<(String, String)>,
    mode: Mode,
) -> (RawForm, Result<Answers, Vec<FieldError>>) {
    let mut raw = RawForm {
        lang: fallback_lang,
        ..RawForm::default()
    };
    let mut errors = Vec::new();
    let mut unknown = HashSet::new();
    for (name, value) in fields {
        match name.as_str() {
            KEY_FIELD => raw.key = Some(value),
            TOKEN_FIELD => raw.token = Some(value),
            CODE_FIELD => raw.code = Some(value),
            LANG_FIELD => raw.lang = Lang::parse(&value).unwrap_or(fallback_lang),
            _ if wave.question(&name).is_some() => {
                raw.values.entry(name).or_default().push(value);
            }
            _ => {
                if unknown.insert(name.clone()) {
                    errors.push(FieldError {
                        question_id: None,
                        problem: FieldProblem::UnknownField(name),
                    });
                }
            }
        }
    }
    let key = raw.key.as_deref().and_then(SubmissionKey::parse);
    if key.is_none() {
        errors.push(FieldError {
            question_id: None,
            problem: FieldProblem::MissingKey,
        });
    }

    let mut values: Vec<(String, AnswerValue)> = Vec::new();
    for q in wave.questions() {
        if let Some(cond) = &q.show_if {
            let shown = values.iter().any(|(id, v)| {
                id == &cond.question && matches!(v, AnswerValue::Choice(c) if c == &cond.equals)
            });
            if !shown {
                continue;
            }
        }
        let given: Vec<&str> = raw
            .values(&q.id)
            .iter()
            .map(|v| v.as_str())
            .filter(|v| !v.trim().is_empty())
            .collect();
        if given.is_empty() {
            if q.required && mode == Mode::Web {
                errors.push(FieldError::question(&q.id, FieldProblem::Required));
            }
            continue;
        }
        // Two marks or an illegible mark: paper only, on a question with one answer.
        if mode == Mode::Paper
            && given == [INVALID]
            && matches!(
                q.kind,
                QuestionKind::Single { .. } | QuestionKind::Scale { .. }
            )
        {
            values.push((q.id.clone(), AnswerValue::Invalid));
            continue;
        }
        match parse_answer(&q.kind, &given) {
            Ok(value) => values.push((q.id.clone(), value)),
            Err(problem) => errors.push(FieldError::question(&q.id, problem)),
        }
    }

    let result = match key {
        Some(key) if errors.is_empty() => Ok(Answers {
            key,
            lang: raw.lang,
            values,
        }),
        _ => Err(errors),
    };
    (raw, result)
}

fn parse_answer(kind: &QuestionKind, given: &[&str]) -> Result<AnswerValue, FieldProblem> {
    let single = || match given {
        [one] => Ok(*one),
        _ => Err(FieldProblem::NotAnOption),
    };
    match kind {
        QuestionKind::Scale { dont_know, .. } => match single()? {
            DONT_KNOW if *dont_know => Ok(AnswerValue::DontKnow),
            v => match v.parse::<u8>() {
                Ok(n @ 1..=5) => Ok(AnswerValue::Scale(n)),
                _ => Err(FieldProblem::NotAnOption),
            },
        },
        QuestionKind::Single { options } => {
            let v = single()?;
            if options.iter().any(|o| o.code == v) {
                Ok(AnswerValue::Choice(v.to_string()))
            } else {
                Err(FieldProblem::NotAnOption)
            }
        }
        QuestionKind::Multiple {
            options,
            max_choices,
        } => {
            // Keep the definition's order and drop repeats, so storage is canonical.
            if given.iter().any(|v| !options.iter().any(|o| o.code == *v)) {
                return Err(FieldProblem::NotAnOption);
            }
            let chosen: Vec<String> = options
                .iter()
                .filter(|o| given.contains(&o.code.as_str()))
                .map(|o| o.code.clone())
                .collect();
            match max_choices {
                Some(max) if chosen.len() > *max => Err(FieldProblem::TooManyChoices { max: *max }),
                _ => Ok(AnswerValue::Choices(chosen)),
            }
        }
        QuestionKind::Text { max_length } => {
            let text = single()?.replace("\r\n", "\n").replace('\r', "\n");
            if let Some(c) = super::text::forbidden_char(&text) {
                return Err(FieldProblem::ForbiddenCharacter {
                    not_utf8: c == '\u{fffd}',
                });
            }
            if text.validate_length(None, Some(*max_length as u64), None) {
                Ok(AnswerValue::Text(text))
            } else {
                Err(FieldProblem::TooLong {
                    max: *max_length,
                    length: text.chars().count(),
                })
            }
        }
        QuestionKind::Number { min, max, .. } => {
            let n = parse_integer(single()?).ok_or(FieldProblem::NotANumber)?;
            if n.validate_range(Some(*min), Some(*max), None, None) {
                Ok(AnswerValue::Number(n))
            } else {
                Err(FieldProblem::OutOfRange {
                    min: *min,
                    max: *max,
                })
            }
        }
    }
}

/// Whole numbers as residents type them, including full-width digits from a Japanese IME.
fn parse_integer(s: &str) -> Option<i64> {
    let ascii: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' | 'ー' | '−' => '-',
            c => c,
        })
        .collect();
    ascii.parse().ok()
}

impl FieldProblem {
    /// What is wrong with an answer and how to fix it, in the resident's language.
    pub fn message(&self, lang: Lang) -> String {
        use crate::i18n::{t, t_args};
        match self {
            FieldProblem::Required => t(lang, "problem_required"),
            FieldProblem::NotAnOption => t(lang, "problem_not_an_option"),
            FieldProblem::TooManyChoices { max } => {
                t_args(lang, "problem_too_many_choices", &[("max", (*max).into())])
            }
            FieldProblem::TooLong { max, length } => t_args(
                lang,
                "problem_too_long",
                &[("max", (*max).into()), ("length", (*length).into())],
            ),
            FieldProblem::NotANumber => t(lang, "problem_not_a_number"),
            FieldProblem::OutOfRange { min, max } => t_args(
                lang,
                "problem_out_of_range",
                &[("min", (*min).into()), ("max", (*max).into())],
            ),
            FieldProblem::UnknownField(_) => t(lang, "problem_unknown_field"),
            FieldProblem::MissingKey => t(lang, "problem_missing_key"),
            FieldProblem::ForbiddenCharacter { not_utf8: false } => {
                t(lang, "problem_control_character")
            }
            FieldProblem::ForbiddenCharacter { not_utf8: true } => t(lang, "problem_not_utf8"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::{Choice, Question, Section, ShowIf, Text};
    use chrono::NaiveDate;

    fn text(s: &str) -> Text {
        Text::new(s, s)
    }

    fn q(id: &str, kind: QuestionKind, required: bool) -> Question {
        Question {
            id: id.into(),
            kind,
            text: text(id),
            help: None,
            required,
            show_if: None,
        }
    }

    fn choices(codes: &[&str]) -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice {
                code: c.to_string(),
                label: text(c),
            })
            .collect()
    }

    fn wave() -> Wave {
        let mut follow = q(
            "count",
            QuestionKind::Number {
                min: 0,
                max: 99,
                unit: None,
            },
            true,
        );
        follow.show_if = Some(ShowIf {
            question: "used".into(),
            equals: "yes".into(),
        });
        Wave {
            id: "w".into(),
            title: text("w"),
            intro: None,
            opens: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            closes: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            access: crate::definitions::Access::Open,
            open_answers: false,
            sample: None,
            contact: None,
            reviewed: Default::default(),
            sections: vec![Section {
                id: "s".into(),
                vision: Some("v1".into()),
                title: text("s"),
                intro: None,
                questions: vec![
                    q(
                        "s1",
                        QuestionKind::Scale {
                            vision: "v1".into(),
                            dont_know: true,
                            measure: crate::definitions::ScaleMeasure::Agreement,
                        },
                        true,
                    ),
                    q(
                        "used",
                        QuestionKind::Single {
                            options: choices(&["yes", "no"]),
                        },
                        false,
                    ),
                    follow,
                    q(
                        "devices",
                        QuestionKind::Multiple {
                            options: choices(&["phone", "pc", "tablet"]),
                            max_choices: Some(2),
                        },
                        false,
                    ),
                    q("note", QuestionKind::Text { max_length: 5 }, false),
                ],
            }],
        }
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let key = SubmissionKey::generate().as_string();
        let mut v = vec![("_key".to_string(), key)];
        v.extend(pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        v
    }

    fn problems(pairs: &[(&str, &str)]) -> Vec<(Option<String>, FieldProblem)> {
        let (_, result) = parse_submission(&wave(), Lang::Ja, form(pairs));
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.question_id, e.problem))
            .collect()
    }

    #[test]
    fn valid_form_becomes_typed_answers_in_form_order() {
        let (_, result) = parse_submission(
            &wave(),
            Lang::Ja,
            form(&[
                ("_lang", "en"),
                ("note", "a\r\nb"),
                ("devices", "pc"),
                ("devices", "phone"),
                ("devices", "pc"),
                ("s1", "4"),
                ("used", "yes"),
                ("count", "１２"),
            ]),
        );
        let answers = result.unwrap();
        assert_eq!(answers.lang, Lang::En);
        assert_eq!(
            answers.values,
            vec![
                ("s1".into(), AnswerValue::Scale(4)),
                ("used".into(), AnswerValue::Choice("yes".into())),
                ("count".into(), AnswerValue::Number(12)),
                (
                    "devices".into(),
                    AnswerValue::Choices(vec!["phone".into(), "pc".into()])
                ),
                ("note".into(), AnswerValue::Text("a\nb".into())),
            ]
        );
    }

    #[test]
    fn on_paper_a_required_question_left_blank_is_unanswered_and_the_rest_is_checked() {
        let (_, result) = parse_submission_as(&wave(), Lang::Ja, form(&[]), Mode::Paper);
        assert!(result.unwrap().values.is_empty());
        let (_, result) = parse_submission_as(
            &wave(),
            Lang::Ja,
            form(&[("used", "yes"), ("s1", "6")]),
            Mode::Paper,
        );
        assert_eq!(
            result
                .unwrap_err()
                .into_iter()
                .map(|e| (e.question_id, e.problem))
                .collect::<Vec<_>>(),
            vec![(Some("s1".into()), FieldProblem::NotAnOption)]
        );
    }

    #[test]
    fn dont_know_is_kept_apart_from_the_scale() {
        let (_, result) = parse_submission(&wave(), Lang::Ja, form(&[("s1", "dk")]));
        assert_eq!(result.unwrap().values[0].1, AnswerValue::DontKnow);
        assert_eq!(AnswerValue::DontKnow.stored_values(), vec!["dk"]);
    }

    #[test]
    fn each_problem_is_named_on_its_question() {
        assert_eq!(
            problems(&[]),
            vec![(Some("s1".into()), FieldProblem::Required)]
        );
        assert_eq!(
            problems(&[("s1", "6")]),
            vec![(Some("s1".into()), FieldProblem::NotAnOption)]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("s1", "2")]),
            vec![(Some("s1".into()), FieldProblem::NotAnOption)]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("used", "maybe")]),
            vec![(Some("used".into()), FieldProblem::NotAnOption)]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("used", "yes"), ("count", "100")]),
            vec![(
                Some("count".into()),
                FieldProblem::OutOfRange { min: 0, max: 99 }
            )]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("used", "yes"), ("count", "many")]),
            vec![(Some("count".into()), FieldProblem::NotANumber)]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("used", "yes")]),
            vec![(Some("count".into()), FieldProblem::Required)]
        );
        assert_eq!(
            problems(&[
                ("s1", "1"),
                ("devices", "pc"),
                ("devices", "phone"),
                ("devices", "tablet")
            ]),
            vec![(
                Some("devices".into()),
                FieldProblem::TooManyChoices { max: 2 }
            )]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("note", "あいうえおか")]),
            vec![(
                Some("note".into()),
                FieldProblem::TooLong { max: 5, length: 6 }
            )]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("hack", "x")]),
            vec![(None, FieldProblem::UnknownField("hack".into()))]
        );
    }

    #[test]
    fn control_characters_and_garbled_bytes_in_free_text_are_named() {
        assert_eq!(
            problems(&[("s1", "1"), ("note", "a\0b")]),
            vec![(
                Some("note".into()),
                FieldProblem::ForbiddenCharacter { not_utf8: false }
            )]
        );
        assert_eq!(
            problems(&[("s1", "1"), ("note", "caf\u{fffd}")]),
            vec![(
                Some("note".into()),
                FieldProblem::ForbiddenCharacter { not_utf8: true }
            )]
        );
        // A NUL in a choice is simply not one of the options.
        assert_eq!(
            problems(&[("s1", "1\0")]),
            vec![(Some("s1".into()), FieldProblem::NotAnOption)]
        );
    }

    #[test]
    fn five_characters_of_japanese_fit_a_limit_of_five() {
        let (_, result) = parse_submission(
            &wave(),
            Lang::Ja,
            form(&[("s1", "1"), ("note", "あいうえお")]),
        );
        assert!(result.is_ok());
    }

    #[test]
    fn hidden_question_answers_are_ignored() {
        let (_, result) = parse_submission(
            &wave(),
            Lang::Ja,
            form(&[("s1", "2"), ("used", "no"), ("count", "not even a number")]),
        );
        let answers = result.unwrap();
        assert!(answers.values.iter().all(|(id, _)| id != "count"));
    }

    #[test]
    fn missing_or_forged_key_is_an_error_and_answers_are_kept() {
        let fields = vec![
            ("s1".to_string(), "3".to_string()),
            ("_key".to_string(), "not-a-uuid".to_string()),
        ];
        let (raw, result) = parse_submission(&wave(), Lang::En, fields);
        assert_eq!(
            result.unwrap_err(),
            vec![FieldError {
                question_id: None,
                problem: FieldProblem::MissingKey
            }]
        );
        assert_eq!(raw.values("s1"), ["3".to_string()]);
        assert_eq!(raw.lang, Lang::En);
    }

    #[test]
    fn an_invalid_mark_is_paper_only_and_a_sheet_of_them_is_no_valid_response() {
        let w = wave();
        let fields = |v: &str| {
            vec![
                (KEY_FIELD.to_string(), SubmissionKey::generate().as_string()),
                ("s1".to_string(), "3".to_string()),
                ("used".to_string(), v.to_string()),
            ]
        };
        let (_, web) = parse_submission(&w, Lang::Ja, fields(INVALID));
        assert_eq!(
            web.unwrap_err(),
            vec![FieldError::question("used", FieldProblem::NotAnOption)]
        );
        let (_, paper) = parse_submission_as(&w, Lang::Ja, fields(INVALID), Mode::Paper);
        let paper = paper.unwrap();
        assert!(
            paper
                .values
                .contains(&("used".into(), AnswerValue::Invalid))
        );
        assert_eq!(AnswerValue::Invalid.stored_values(), [INVALID]);
        assert!(paper.is_valid_response());
        // Only invalid marks, or nothing at all: returned, but not a valid response.
        let only_marks = vec![
            (KEY_FIELD.to_string(), SubmissionKey::generate().as_string()),
            ("s1".to_string(), INVALID.to_string()),
            ("used".to_string(), INVALID.to_string()),
        ];
        let (_, marks) = parse_submission_as(&w, Lang::Ja, only_marks, Mode::Paper);
        assert!(!marks.unwrap().is_valid_response());
        assert!(!is_valid_response([INVALID, INVALID]));
        assert!(!is_valid_response([]));
        assert!(is_valid_response([INVALID, "3"]));
    }
}
