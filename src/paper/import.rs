//! A tabulation vendor's CSV of paper sheets: one row per sheet, `code` then the columns of
//! the `responses` export (one per question id; a multiple-choice question as one 0/1
//! column per option, `{question}__{option}`; answer codes as in the codebook: 1–5 or `dk`
//! on a scale, option codes, whole numbers), blank for a question left blank. Free-text
//! questions may have a column of their own (their id); `language` (ja, en) is optional.
//!
//! Every row is checked with the web form's parser in paper mode; an error names the line,
//! the column and what is allowed. Nothing is stored while any row is rejected, unless the
//! valid rows are accepted explicitly. Codes already used (answered on the web, or imported
//! before) are reported and skipped, so importing the same file twice stores nothing new.
//! UTF-8 (with or without BOM) and Shift_JIS (Windows-31J, what Excel writes) are read:
//! valid UTF-8 is UTF-8, anything else is read as Shift_JIS.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use diesel::Connection;
use serde::Serialize;

use crate::db::submit::{Stored, Submission};
use crate::db::{self, Conn};
use crate::definitions::{Question, QuestionKind, Wave};
use crate::domain::{
    AccessCode, Answers, CodeProblem, DONT_KNOW, FieldProblem, KEY_FIELD, LANG_FIELD, Lang, Mode,
    SubmissionKey, parse_submission_as,
};
use crate::stats::ScorePlan;

/// The file's encoding, as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detected {
    Utf8,
    Utf8Bom,
    ShiftJis,
}

/// Decodes a vendor's file: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else
/// Shift_JIS (Windows-31J); an error when they are neither.
pub fn decode(bytes: &[u8]) -> Result<(String, Detected), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Detected::Utf8Bom))
            .map_err(|e| format!("the file starts with a UTF-8 BOM but is not UTF-8: {e}"));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), Detected::Utf8));
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| (s.into_owned(), Detected::ShiftJis))
        .ok_or_else(|| {
            "the file is neither UTF-8 nor Shift_JIS: save it from Excel as \"CSV UTF-8\" or \"CSV (Shift_JIS)\"".to_string()
        })
}

/// One problem: the file's line (1 = the header), the column's name and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub encoding: Detected,
    /// Sheets in the file (rows after the header).
    pub rows: usize,
    /// Rows that passed every check (including those whose code was already used).
    pub valid_rows: usize,
    pub rejected: Vec<CellError>,
    /// Lines whose code was already used (answered on the web or imported before):
    /// skipped, first answer wins.
    pub already_used: Vec<u64>,
    /// Whether anything was written (false while a row is rejected, unless accepted).
    pub imported: bool,
    /// Responses stored by this import.
    pub stored: usize,
}

/// Where a column's value goes.
enum Column {
    Code,
    Language,
    Question(usize),
    Option(usize, String),
}

fn allowed(q: &Question) -> String {
    match &q.kind {
        QuestionKind::Scale {
            dont_know: true, ..
        } => {
            format!("allowed: 1, 2, 3, 4, 5, {DONT_KNOW} (わからない) or blank")
        }
        QuestionKind::Scale { .. } => "allowed: 1, 2, 3, 4, 5 or blank".into(),
        QuestionKind::Single { options } => format!(
            "allowed: {} or blank",
            options
                .iter()
                .map(|o| o.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        QuestionKind::Multiple { max_choices, .. } => match max_choices {
            Some(max) => format!("allowed: 1 (chosen), 0 or blank; at most {max} chosen"),
            None => "allowed: 1 (chosen), 0 or blank".into(),
        },
        QuestionKind::Number { min, max, .. } => {
            format!("allowed: a whole number from {min} to {max}, or blank")
        }
        QuestionKind::Text { max_length } => {
            format!("allowed: text of at most {max_length} characters")
        }
    }
}

fn problem_text(q: &Question, value: &str, p: &FieldProblem) -> String {
    let shown = if value.chars().count() > 40 {
        format!("{}…", value.chars().take(40).collect::<String>())
    } else {
        value.to_string()
    };
    match p {
        FieldProblem::TooLong { length, .. } => {
            format!("{length} characters; {}", allowed(q))
        }
        FieldProblem::TooManyChoices { max } => {
            format!("more than {max} options chosen; {}", allowed(q))
        }
        FieldProblem::ForbiddenCharacter { .. } => {
            let c = crate::domain::text::forbidden_char(value).unwrap_or('\u{fffd}');
            crate::domain::text::forbidden_message(c)
        }
        _ => format!("`{shown}` is not allowed; {}", allowed(q)),
    }
}

/// A valid row: its line, its code and its answers.
struct Row {
    line: u64,
    code: AccessCode,
    answers: Answers,
}

/// Reads and checks every row of a vendor's CSV, then (unless a row is rejected and
/// `accept_valid` is false) stores the valid rows whose codes are unused, in one
/// transaction, each as a paper response dated `today`.
pub fn import(
    conn: &mut Conn,
    plan: &Arc<ScorePlan>,
    wave: &Wave,
    bytes: &[u8],
    accept_valid: bool,
    today: NaiveDate,
) -> Result<ImportReport, ImportError> {
    super::require_code_wave(wave).map_err(ImportError::File)?;
    let (text, encoding) = decode(bytes).map_err(ImportError::File)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::File(format!("line 1: the header cannot be read: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let questions: Vec<&Question> = wave.questions().collect();
    let mut columns = Vec::with_capacity(header.len());
    let mut header_errors = Vec::new();
    for name in &header {
        let column = if name == "code" {
            Some(Column::Code)
        } else if name == "language" {
            Some(Column::Language)
        } else if let Some(i) = questions
            .iter()
            .position(|q| q.id == *name && !matches!(q.kind, QuestionKind::Multiple { .. }))
        {
            Some(Column::Question(i))
        } else {
            name.split_once("__").and_then(|(qid, option)| {
                let i = questions.iter().position(|q| q.id == qid)?;
                match &questions[i].kind {
                    QuestionKind::Multiple { options, .. }
                        if options.iter().any(|o| o.code == option) =>
                    {
                        Some(Column::Option(i, option.to_string()))
                    }
                    _ => None,
                }
            })
        };
        match column {
            Some(c) => columns.push(c),
            None => header_errors.push(CellError {
                line: 1,
                column: name.clone(),
                message: "not a column of this wave: use `code`, `language` and the columns of the responses export (see the codebook)".into(),
            }),
        }
    }
    // Every column the responses export has must be there (free text may be left out).
    let mut expected: Vec<String> = vec!["code".into()];
    for q in &questions {
        match &q.kind {
            QuestionKind::Multiple { options, .. } => {
                expected.extend(options.iter().map(|o| format!("{}__{}", q.id, o.code)))
            }
            QuestionKind::Text { .. } => {}
            _ => expected.push(q.id.clone()),
        }
    }
    let missing: Vec<&String> = expected.iter().filter(|c| !header.contains(c)).collect();
    if !missing.is_empty() {
        header_errors.push(CellError {
            line: 1,
            column: missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            message: "missing: the file needs `code` and every column of the responses export"
                .into(),
        });
    }
    let mut seen_header = std::collections::HashSet::new();
    for name in &header {
        if !seen_header.insert(name) {
            header_errors.push(CellError {
                line: 1,
                column: name.clone(),
                message: "appears twice".into(),
            });
        }
    }
    if !header_errors.is_empty() {
        return Err(ImportError::Header(header_errors));
    }

    let mut rejected = Vec::new();
    let mut rows = Vec::new();
    let mut total = 0;
    let mut codes_seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        total += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                // The csv crate counts lines from 0 past the header here: +1 for the file's.
                let line = e.position().map_or(0, |p| p.line() + 1);
                rejected.push(CellError {
                    line,
                    column: String::new(),
                    message: format!("the row cannot be read: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() + 1);
        let mut errors = Vec::new();
        if record.len() != header.len() {
            errors.push(CellError {
                line,
                column: String::new(),
                message: format!("{} cells, the header has {}", record.len(), header.len()),
            });
        }
        let mut code = None;
        let mut lang = Lang::Ja;
        let mut fields = vec![(KEY_FIELD.to_string(), SubmissionKey::generate().as_string())];
        for (column, as_written) in columns.iter().zip(record.iter()) {
            let value = as_written.trim();
            match column {
                Column::Code => match AccessCode::parse(value) {
                    Ok(c) => code = Some(c),
                    Err(p) => errors.push(CellError {
                        line,
                        column: "code".into(),
                        message: match p {
                            CodeProblem::Empty => "empty: every sheet needs its access code".into(),
                            _ => format!(
                                "`{value}` is not an access code (16 characters as printed, e.g. ABCD-EFGH-JKMN-PQRS; a character is wrong or missing)"
                            ),
                        },
                    }),
                },
                Column::Language => match value {
                    "" => {}
                    v => match Lang::parse(v) {
                        Some(l) => lang = l,
                        None => errors.push(CellError {
                            line,
                            column: "language".into(),
                            message: format!("`{v}` is not allowed; allowed: ja, en or blank"),
                        }),
                    },
                },
                Column::Question(i) => {
                    if !value.is_empty() {
                        let q = questions[*i];
                        // Free text as written; the other cells trimmed.
                        let raw = match q.kind {
                            QuestionKind::Text { .. } => as_written,
                            _ => value,
                        };
                        fields.push((q.id.clone(), raw.to_string()));
                    }
                }
                Column::Option(i, option) => match value {
                    "" | "0" => {}
                    "1" => fields.push((questions[*i].id.clone(), option.clone())),
                    v => errors.push(CellError {
                        line,
                        column: format!("{}__{option}", questions[*i].id),
                        message: format!("`{v}` is not allowed; allowed: 1 (chosen), 0 or blank"),
                    }),
                },
            }
        }
        fields.push((LANG_FIELD.to_string(), lang.code().to_string()));
        let (raw, parsed) = parse_submission_as(wave, lang, fields, Mode::Paper);
        match parsed {
            Err(field_errors) => {
                for e in field_errors {
                    let Some(q) = e.question_id.as_deref().and_then(|id| wave.question(id)) else {
                        continue;
                    };
                    let column = match &q.kind {
                        QuestionKind::Multiple { .. } => format!("{}__*", q.id),
                        _ => q.id.clone(),
                    };
                    let value = raw.values(&q.id).join(" ");
                    errors.push(CellError {
                        line,
                        column,
                        message: problem_text(q, &value, &e.problem),
                    });
                }
            }
            Ok(answers) => {
                if let Some(code) = code.take()
                    && errors.is_empty()
                {
                    match codes_seen.get(&code.hash()) {
                        Some(first) => errors.push(CellError {
                            line,
                            column: "code".into(),
                            message: format!("the same code as line {first}: one row per sheet"),
                        }),
                        None => {
                            codes_seen.insert(code.hash(), line);
                            rows.push(Row {
                                line,
                                code,
                                answers,
                            });
                        }
                    }
                }
            }
        }
        rejected.extend(errors);
    }

    // Codes: issued for this wave, and not used yet (a used one is reported, not rejected).
    let mut already_used = Vec::new();
    let mut fresh = Vec::new();
    for row in rows {
        match db::access_codes::find(conn, &row.code).map_err(ImportError::Database)? {
            Some(h) if h.wave_id == wave.id && h.used => already_used.push(row.line),
            Some(h) if h.wave_id == wave.id => fresh.push(row),
            _ => rejected.push(CellError {
                line: row.line,
                column: "code".into(),
                message: format!("not a code issued for wave {}", wave.id),
            }),
        }
    }
    rejected.sort_by_key(|e| e.line);
    let valid_rows = fresh.len() + already_used.len();
    let mut report = ImportReport {
        encoding,
        rows: total,
        valid_rows,
        rejected,
        already_used,
        imported: false,
        stored: 0,
    };
    if !report.rejected.is_empty() && !accept_valid {
        return Ok(report);
    }
    // Every fresh row in ONE batch: one transaction, the codes claimed and the responses
    // written in two independent random orders (and, on PostgreSQL, mixed), never one
    // sheet's response beside only its own code.
    let mut stored = 0;
    let mut used_meanwhile = Vec::new();
    let batch: Vec<Submission> = fresh
        .iter()
        .map(|row| super::sheet_submission(plan, &row.code, today, &row.answers))
        .collect();
    conn.transaction(|conn| -> diesel::QueryResult<()> {
        // A sheet also waiting in double entry is answered now: drop its entries.
        let hashes: Vec<String> = fresh.iter().map(|row| row.code.hash()).collect();
        db::paper::delete_all(conn, &hashes)?;
        let outcomes = db::submit::store_batch(conn, &batch)?;
        for (row, outcome) in fresh.iter().zip(outcomes) {
            match outcome {
                Stored::New => stored += 1,
                Stored::Replay | Stored::CredentialRefused => used_meanwhile.push(row.line),
            }
        }
        Ok(())
    })
    .map_err(ImportError::Database)?;
    db::wal::empty_within(conn, super::LOG_PATIENCE);
    report.already_used.extend(used_meanwhile);
    report.already_used.sort_unstable();
    report.imported = true;
    report.stored = stored;
    Ok(report)
}

/// Why nothing could be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file itself: its encoding, or a wave that takes no paper.
    #[error("{0}")]
    File(String),
    /// The header: unknown, missing or repeated columns (nothing is read further).
    #[error("{}", .0.iter().map(|e| format!("line {}, column {}: {}", e.line, e.column, e.message)).collect::<Vec<_>>().join("\n"))]
    Header(Vec<CellError>),
    #[error(transparent)]
    Database(diesel::result::Error),
}

/// The audit line of a vendor import: counts only.
pub fn record_paper_import(
    conn: &mut crate::db::Conn,
    analyst: &str,
    wave_id: &str,
    report: &ImportReport,
) {
    let detail = format!(
        "{} sheets stored, {} already used, {} problems, {} rows{}",
        report.stored,
        report.already_used.len(),
        report.rejected.len(),
        report.rows,
        if report.imported {
            ""
        } else {
            " (nothing imported)"
        }
    );
    if let Err(e) = crate::db::audit::record(conn, analyst, "paper_import", Some(wave_id), &detail)
    {
        tracing::warn!(error = %e, "the paper import could not be recorded in the audit log");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom_and_shift_jis_are_read() {
        let text = "code,opinion\r\nA,吹田市①です\r\n";
        assert_eq!(
            decode(text.as_bytes()).unwrap(),
            (text.into(), Detected::Utf8)
        );
        let bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap(), (text.into(), Detected::Utf8Bom));
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&sjis).is_err());
        assert_eq!(decode(&sjis).unwrap(), (text.into(), Detected::ShiftJis));
        assert!(decode(b"\xff\xff\xff").is_err());
    }
}
