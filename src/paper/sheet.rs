//! A paper sheet as an operator keys it: one operator code per question, printed beside
//! each box of the questionnaire (1–5 on a scale, 9 for わからない, an option's position for
//! a choice, the number or text as written, `-` for a question left blank). The codes are
//! turned into the web form's values and checked by the web form's parser
//! ([`crate::domain::parse_submission_as`] in [`Mode::Paper`]), so paper validation is the
//! web form's, except that a required question left blank is recorded as unanswered.

use std::collections::BTreeMap;

use crate::definitions::{Question, QuestionKind, Wave};
use crate::domain::{
    AnswerValue, Answers, DONT_KNOW, FieldProblem, KEY_FIELD, LANG_FIELD, Lang, Mode,
    SubmissionKey, parse_submission_as,
};

/// What an operator keys for a question the resident left blank.
pub const NO_ANSWER: &str = "-";
/// The operator code of 「わからない」 on a scale.
pub const DONT_KNOW_CODE: &str = "9";
/// The operator code (and the vendor's, in either mode) of an invalid answer to a
/// single-choice or scale question: two boxes marked, or a mark that cannot be read.
pub const INVALID_CODE: &str = "*";
/// The key of the sheet's language in a [`Sheet`] (the questionnaire's language).
pub const LANG_KEY: &str = "_lang";
/// The key of the day the sheet was received (its batch's day on the entry page) in a
/// [`Sheet`]: the first entry's day is the response's day.
pub const RECEIVED_KEY: &str = "_received";

/// A keyed sheet, normalised: question id → operator code (`-` when left blank), for every
/// question the sheet asks given its answers (questions it told the resident to skip are
/// absent), and [`LANG_KEY`] → the language. Two entries agree when they are equal.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sheet(pub BTreeMap<String, String>);

impl Sheet {
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Sheet> {
        serde_json::from_str(s).ok().map(Sheet)
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    /// The day the sheet was received, as keyed with it.
    pub fn received(&self) -> Option<chrono::NaiveDate> {
        self.0
            .get(RECEIVED_KEY)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    /// The sheet with the day it was received.
    pub fn with_received(mut self, day: chrono::NaiveDate) -> Sheet {
        self.0.insert(RECEIVED_KEY.to_string(), day.to_string());
        self
    }
}

/// Why a keyed field is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetProblem {
    /// Nothing keyed for a question the sheet asks: key the answer, or `-` if blank.
    NotKeyed,
    /// The web form's own check failed (an unknown code, out of range, too long, …).
    Field(FieldProblem),
    /// The language is not one of the questionnaire's.
    Language,
}

/// A problem at one question (or, `None`, with the sheet as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub question_id: Option<String>,
    pub problem: SheetProblem,
}

/// Full-width ASCII (digits, letters, signs from a Japanese IME) and the ideographic
/// space as their half-width forms; the rest unchanged. For codes and numbers only: free
/// text keeps what the resident wrote.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// The web form's values for an operator code (an unknown code passes through unchanged,
/// so that the parser names the problem at its question).
pub fn form_values(q: &Question, typed: &str) -> Vec<String> {
    let code = half_width(typed.trim());
    let position = |options: &[crate::definitions::Choice], token: &str| {
        token
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| options.get(i))
            .map_or(token.to_string(), |o| o.code.clone())
    };
    if code == INVALID_CODE
        && matches!(
            q.kind,
            QuestionKind::Scale { .. } | QuestionKind::Single { .. }
        )
    {
        return vec![crate::domain::INVALID.to_string()];
    }
    match &q.kind {
        QuestionKind::Scale { dont_know, .. } => {
            if *dont_know && code == DONT_KNOW_CODE {
                vec![DONT_KNOW.to_string()]
            } else {
                vec![code]
            }
        }
        QuestionKind::Single { options } => vec![position(options, &code)],
        QuestionKind::Multiple { options, .. } => {
            let tokens: Vec<&str> = code
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|t| !t.is_empty())
                .collect();
            // "135" is 1, 3 and 5 when no option has a two-digit position.
            let split: Vec<String> = match tokens[..] {
                [one]
                    if options.len() <= 9
                        && one.len() > 1
                        && one.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    one.chars().map(String::from).collect()
                }
                _ => tokens.iter().map(|t| t.to_string()).collect(),
            };
            split.iter().map(|t| position(options, t)).collect()
        }
        QuestionKind::Number { .. } => vec![code],
        // Free text as written (only the no-answer check trims it).
        QuestionKind::Text { .. } => vec![typed.to_string()],
    }
}

/// The operator code of a stored answer (the inverse of [`form_values`]).
pub fn operator_code(q: &Question, value: &AnswerValue) -> String {
    let position = |code: &str| {
        q.kind
            .options()
            .iter()
            .position(|o| o.code == code)
            .map_or(code.to_string(), |i| (i + 1).to_string())
    };
    match value {
        AnswerValue::Scale(n) => n.to_string(),
        AnswerValue::DontKnow => DONT_KNOW_CODE.to_string(),
        AnswerValue::Choice(c) => position(c),
        AnswerValue::Choices(cs) => cs.iter().map(|c| position(c)).collect::<Vec<_>>().join(" "),
        AnswerValue::Number(n) => n.to_string(),
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Invalid => INVALID_CODE.to_string(),
    }
}

fn is_blank(typed: Option<&String>) -> bool {
    typed.is_none_or(|t| t.trim().is_empty())
}

fn is_no_answer(typed: Option<&String>) -> bool {
    typed.is_some_and(|t| t.trim() == NO_ANSWER)
}

/// Reads a keyed sheet (question id → operator code as typed, and [`LANG_KEY`]): the
/// normalised sheet and the typed answers, or every problem found. Every question the
/// sheet asks must be keyed (an answer, or `-`), so that an early Enter cannot store half
/// a sheet; a question the sheet told the resident to skip may stay empty (what is keyed
/// there is dropped, as the web form drops answers to hidden questions).
pub fn read_sheet(
    wave: &Wave,
    typed: &BTreeMap<String, String>,
) -> Result<(Sheet, Answers), Vec<SheetError>> {
    let mut errors = Vec::new();
    let lang = match typed.get(LANG_KEY).map(|l| l.trim()) {
        None | Some("") => Lang::Ja,
        Some(l) => Lang::parse(l).unwrap_or_else(|| {
            errors.push(SheetError {
                question_id: None,
                problem: SheetProblem::Language,
            });
            Lang::Ja
        }),
    };
    let mut fields = vec![
        (KEY_FIELD.to_string(), SubmissionKey::generate().as_string()),
        (LANG_FIELD.to_string(), lang.code().to_string()),
    ];
    for q in wave.questions() {
        let t = typed.get(&q.id);
        if is_blank(t) || is_no_answer(t) {
            continue;
        }
        let t = t.map_or("", String::as_str);
        fields.extend(form_values(q, t).into_iter().map(|v| (q.id.clone(), v)));
    }
    // Which questions the sheet asks, from what was keyed (the same rule as the parser's).
    let shown = |q: &Question| match &q.show_if {
        None => true,
        Some(cond) => wave.question(&cond.question).is_some_and(|c| {
            typed
                .get(&c.id)
                .is_some_and(|t| form_values(c, t) == [cond.equals.clone()])
        }),
    };
    for q in wave.questions() {
        if shown(q) && is_blank(typed.get(&q.id)) {
            errors.push(SheetError {
                question_id: Some(q.id.clone()),
                problem: SheetProblem::NotKeyed,
            });
        }
    }
    let (_, parsed) = parse_submission_as(wave, lang, fields, Mode::Paper);
    let answers = match parsed {
        Ok(a) => a,
        Err(field_errors) => {
            for e in field_errors {
                if errors
                    .iter()
                    .all(|x| x.question_id.is_none() || x.question_id != e.question_id)
                {
                    errors.push(SheetError {
                        question_id: e.question_id,
                        problem: SheetProblem::Field(e.problem),
                    });
                }
            }
            return Err(order(wave, errors));
        }
    };
    if !errors.is_empty() {
        return Err(order(wave, errors));
    }
    let mut sheet = BTreeMap::new();
    sheet.insert(LANG_KEY.to_string(), lang.code().to_string());
    for q in wave.questions().filter(|q| shown(q)) {
        let code = answers
            .values
            .iter()
            .find(|(id, _)| *id == q.id)
            .map_or(NO_ANSWER.to_string(), |(_, v)| operator_code(q, v));
        sheet.insert(q.id.clone(), code);
    }
    Ok((Sheet(sheet), answers))
}

/// Errors in form order (sheet-wide first).
fn order(wave: &Wave, mut errors: Vec<SheetError>) -> Vec<SheetError> {
    let rank = |e: &SheetError| match &e.question_id {
        None => 0,
        Some(id) => wave
            .questions()
            .position(|q| q.id == *id)
            .map_or(0, |i| i + 1),
    };
    errors.sort_by_key(rank);
    errors
}

/// The keys on which two entries differ, in form order ([`LANG_KEY`] first), after
/// [`comparable`]: what an operator cannot see (a trailing space, two spaces for one, a
/// full-width digit) is no disagreement. A question one entry asks and the other skips
/// differs too.
pub fn differences(wave: &Wave, a: &Sheet, b: &Sheet) -> Vec<String> {
    std::iter::once(LANG_KEY)
        .chain(wave.questions().map(|q| q.id.as_str()))
        .filter(|k| a.0.get(*k).map(|v| comparable(v)) != b.0.get(*k).map(|v| comparable(v)))
        .map(String::from)
        .collect()
}

/// A keyed value as two entries are compared: every run of white space (spaces, tabs,
/// line breaks, the ideographic space) as one space, none at either end, and full-width
/// ASCII as half-width (codes and numbers; in free text an operator cannot tell them
/// apart on the sheet either).
pub fn comparable(value: &str) -> String {
    half_width(value)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a resolver types to take the first entry's value (the left one on the page).
pub const TAKE_FIRST: &str = "<";
/// What a resolver types to take the second entry's value (the right one).
pub const TAKE_SECOND: &str = ">";

/// Of the questions the first entry answered (not `-`), how many the second leaves blank:
/// `(blank, answered)`.
pub fn left_blank(first: &Sheet, second: &Sheet) -> (usize, usize) {
    let answered: Vec<&String> = first
        .0
        .iter()
        .filter(|(k, v)| !k.starts_with('_') && v.as_str() != NO_ANSWER)
        .map(|(k, _)| k)
        .collect();
    let blank = answered
        .iter()
        .filter(|k| second.0.get(k.as_str()).is_none_or(|v| v == NO_ANSWER))
        .count();
    (blank, answered.len())
}

/// A second entry is refused as incomplete when it leaves blank more than half of the
/// (at least two) questions the first entry answered: a sheet keyed blank would otherwise
/// disagree everywhere and put the first entry's every value before the resolver.
pub fn incomplete(blank: usize, answered: usize) -> bool {
    answered >= 2 && blank * 2 > answered
}

/// The sheet as typed fields again (to read a resolved sheet with [`read_sheet`]).
pub fn typed_fields(sheet: &Sheet) -> BTreeMap<String, String> {
    sheet.0.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave() -> Wave {
        let defs =
            crate::definitions::load_dir(std::path::Path::new("survey-definitions")).unwrap();
        defs.wave("2026-midterm").unwrap().clone()
    }

    /// Every question of the bundled wave keyed `-`, then the given codes.
    fn keyed(codes: &[(&str, &str)]) -> BTreeMap<String, String> {
        let w = wave();
        let mut m: BTreeMap<String, String> = w
            .questions()
            .filter(|q| q.show_if.is_none())
            .map(|q| (q.id.clone(), NO_ANSWER.to_string()))
            .collect();
        for (k, v) in codes {
            m.insert(k.to_string(), v.to_string());
        }
        m
    }

    #[test]
    fn operator_codes_become_the_web_forms_values() {
        let w = wave();
        let (sheet, answers) = read_sheet(
            &w,
            &keyed(&[
                ("v1_online_procedures", "４"),
                ("v1_fewer_visits", "9"),
                ("used_online_services", "1"),
                ("online_procedures_count", "12"),
                ("info_channels", "1 10"),
                ("devices_used", "13"),
                ("opinion_general", "窓口が親切\nでした"),
            ]),
        )
        .unwrap();
        let value = |id: &str| {
            answers
                .values
                .iter()
                .find(|(q, _)| q == id)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(value("v1_online_procedures"), Some(AnswerValue::Scale(4)));
        assert_eq!(value("v1_fewer_visits"), Some(AnswerValue::DontKnow));
        assert_eq!(
            value("used_online_services"),
            Some(AnswerValue::Choice("yes".into()))
        );
        assert_eq!(
            value("online_procedures_count"),
            Some(AnswerValue::Number(12))
        );
        assert_eq!(
            value("info_channels"),
            Some(AnswerValue::Choices(vec![
                "shiho_suita".into(),
                "none".into()
            ]))
        );
        assert_eq!(
            value("devices_used"),
            Some(AnswerValue::Choices(vec!["smartphone".into(), "pc".into()]))
        );
        // Required demographics left blank: unanswered, not an error.
        assert_eq!(value("age_band"), None);
        assert_eq!(sheet.get("v1_fewer_visits"), "9");
        assert_eq!(sheet.get("age_band"), "-");
        assert_eq!(sheet.get("devices_used"), "1 3");
        assert_eq!(sheet.get(LANG_KEY), "ja");
        // The follow-up of a "no" is not asked, so it is not in the sheet.
        assert!(!sheet.0.contains_key("online_nonuse_reasons"));
    }

    #[test]
    fn unknown_codes_and_unkeyed_questions_are_named_at_their_question() {
        let w = wave();
        let mut typed = keyed(&[("v1_online_procedures", "6"), ("used_online_services", "1")]);
        typed.remove("v1_fewer_visits");
        let errors = read_sheet(&w, &typed).unwrap_err();
        let got: Vec<(Option<&str>, &SheetProblem)> = errors
            .iter()
            .map(|e| (e.question_id.as_deref(), &e.problem))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Some("v1_online_procedures"),
                    &SheetProblem::Field(FieldProblem::NotAnOption)
                ),
                (Some("v1_fewer_visits"), &SheetProblem::NotKeyed),
                // Asked because question "used" was answered 1 (yes), and not keyed.
                (Some("online_procedures_count"), &SheetProblem::NotKeyed),
            ]
        );
    }

    #[test]
    fn two_entries_differ_field_by_field() {
        let w = wave();
        let (a, _) = read_sheet(&w, &keyed(&[("v2_any_age", "3")])).unwrap();
        let (b, _) = read_sheet(&w, &keyed(&[("v2_any_age", "4")])).unwrap();
        let (c, _) = read_sheet(&w, &keyed(&[("v2_any_age", "３")])).unwrap();
        assert_eq!(differences(&w, &a, &b), ["v2_any_age"]);
        assert!(differences(&w, &a, &c).is_empty());
        assert_eq!(Sheet::from_json(&a.to_json()).unwrap(), a);
    }

    #[test]
    fn a_second_entry_that_blanks_most_answers_is_incomplete() {
        let sheet = |pairs: &[(&str, &str)]| {
            Sheet(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let first = sheet(&[
            (LANG_KEY, "ja"),
            ("a", "4"),
            ("b", "2"),
            ("c", "-"),
            ("d", "1"),
        ]);
        // Three answered; all three blank (one absent): incomplete.
        let blank = sheet(&[(LANG_KEY, "ja"), ("a", "-"), ("b", "-"), ("c", "-")]);
        assert_eq!(left_blank(&first, &blank), (3, 3));
        assert!(incomplete(3, 3));
        // One of three blank (a real disagreement): not incomplete.
        let one = sheet(&[
            (LANG_KEY, "ja"),
            ("a", "4"),
            ("b", "-"),
            ("c", "-"),
            ("d", "2"),
        ]);
        assert_eq!(left_blank(&first, &one), (1, 3));
        assert!(!incomplete(1, 3));
        // Two of three: more than half.
        assert!(incomplete(2, 3));
        // A first entry with a single answer cannot make a second one incomplete.
        assert!(!incomplete(1, 1));
        assert!(!incomplete(0, 0));
    }
}
