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

use super::sheet::INVALID_CODE;
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

/// One problem: the record's row as a spreadsheet shows it (1 = the header), its physical
/// line in the file (further down than the row after a cell with a line break), the
/// column's name and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    pub row: u64,
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl CellError {
    /// `row R` or, when the physical line differs, `row R (line L)`.
    pub fn place(&self) -> String {
        if self.row == self.line {
            format!("row {}", self.row)
        } else {
            format!("row {} (line {})", self.row, self.line)
        }
    }
}

/// How the answers of single-choice and scale questions are written in a file: the box
/// numbers printed on the questionnaire (1–N, 9 = わからない) or the codebook's option codes
/// (`age_18_29`, `dk`). One mode per file: declared, or detected from the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Values {
    /// The numbers printed beside the boxes (the `box` column of the codebook export).
    Boxes,
    /// The option codes of the codebook export (`option_code`).
    Codes,
}

impl Values {
    pub fn parse(s: &str) -> Option<Values> {
        match s {
            "boxes" => Some(Values::Boxes),
            "codes" => Some(Values::Codes),
            _ => None,
        }
    }
}

/// What an import is told besides the file.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Store the valid rows even if some rows were rejected.
    pub accept_valid: bool,
    /// The file's answer mode; `None`: detected.
    pub values: Option<Values>,
    /// The day every sheet of a file without a `received_on` column was received.
    pub received_on: Option<NaiveDate>,
    /// Today (no sheet can be received later).
    pub today: NaiveDate,
    /// Rows without a code (`NOCODE-n`) are stored out of the estimates
    /// (`SURVEY_EXCLUDE_NO_CODE_SHEETS`).
    pub exclude_no_code: bool,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub encoding: Detected,
    /// The answer mode of the file (declared or detected).
    pub values: Values,
    /// Sheets in the file (rows after the header).
    pub rows: usize,
    /// Rows that passed every check (including those whose code was already used).
    pub valid_rows: usize,
    pub rejected: Vec<CellError>,
    /// The spreadsheet rows (1 = header) with a problem, each once, in order.
    pub rejected_rows: Vec<u64>,
    /// Rows whose code was already used (answered on the web or imported before):
    /// skipped, first answer wins.
    pub already_used: Vec<u64>,
    /// Whether anything was written (false while a row is rejected, unless accepted).
    pub imported: bool,
    /// Responses stored by this import.
    pub stored: usize,
    /// Rows stored (or to be stored) without a valid answer (blank, or invalid marks only:
    /// [`crate::domain::is_valid_response`]): returned sheets, not valid responses.
    pub not_valid: Vec<u64>,
    /// The header and exactly the rejected rows, as read, in the file's encoding: the
    /// file to send back to the vendor (`None` when no row was rejected).
    #[serde(skip)]
    pub rejected_file: Option<Vec<u8>>,
}

/// Where a column's value goes.
enum Column {
    Code,
    Language,
    ReceivedOn,
    /// A column of the responses export that is not an answer (`wave_id`, `channel`,
    /// `in_sample`): accepted when it says what an imported sheet is.
    Fixed(&'static str, &'static [&'static str]),
    Question(usize),
    Option(usize, String),
}

/// The responses export's own columns, and the values an imported sheet may have there
/// (blank always allowed); `wave_id` is checked against the wave.
const EXPORT_COLUMNS: [(&str, &[&str]); 3] = [
    ("wave_id", &[]),
    ("channel", &["paper", "paper_no_code"]),
    ("in_sample", &["true"]),
];

fn allowed(q: &Question, values: Values) -> String {
    match (&q.kind, values) {
        (
            QuestionKind::Scale {
                dont_know: true, ..
            },
            Values::Codes,
        ) => {
            format!(
                "allowed: 1, 2, 3, 4, 5, {DONT_KNOW} (わからない), {INVALID_CODE} (two marks, illegible) or blank"
            )
        }
        (
            QuestionKind::Scale {
                dont_know: true, ..
            },
            Values::Boxes,
        ) => {
            format!(
                "allowed: 1, 2, 3, 4, 5, {} (わからない), {INVALID_CODE} (two marks, illegible) or blank",
                super::sheet::DONT_KNOW_CODE
            )
        }
        (QuestionKind::Scale { .. }, _) => {
            format!("allowed: 1, 2, 3, 4, 5, {INVALID_CODE} (two marks, illegible) or blank")
        }
        (QuestionKind::Single { options }, Values::Codes) => format!(
            "allowed: {}, {INVALID_CODE} (two marks, illegible) or blank",
            options
                .iter()
                .map(|o| o.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (QuestionKind::Single { options }, Values::Boxes) => {
            format!(
                "allowed: a box number from 1 to {}, {INVALID_CODE} (two marks, illegible) or blank",
                options.len()
            )
        }
        (QuestionKind::Multiple { max_choices, .. }, _) => match max_choices {
            Some(max) => format!("allowed: 1 (chosen), 0 or blank; at most {max} chosen"),
            None => "allowed: 1 (chosen), 0 or blank".into(),
        },
        (QuestionKind::Number { min, max, .. }, _) => {
            format!("allowed: a whole number from {min} to {max}, or blank")
        }
        (QuestionKind::Text { max_length }, _) => {
            format!("allowed: text of at most {max_length} characters")
        }
    }
}

fn problem_text(q: &Question, value: &str, p: &FieldProblem, values: Values) -> String {
    let shown = if value.chars().count() > 40 {
        format!("{}…", value.chars().take(40).collect::<String>())
    } else {
        value.to_string()
    };
    match p {
        FieldProblem::TooLong { length, .. } => {
            format!("{length} characters; {}", allowed(q, values))
        }
        FieldProblem::TooManyChoices { max } => {
            format!("more than {max} options chosen; {}", allowed(q, values))
        }
        FieldProblem::ForbiddenCharacter { .. } => {
            let c = crate::domain::text::forbidden_char(value).unwrap_or('\u{fffd}');
            crate::domain::text::forbidden_message(c)
        }
        _ => format!("`{shown}` is not allowed; {}", allowed(q, values)),
    }
}

/// A valid row: its spreadsheet row, its code, its day and its answers.
struct Row {
    row: u64,
    code: super::SheetKey,
    received_on: NaiveDate,
    answers: Answers,
}

/// One record as read: its spreadsheet row, its physical line and its cells.
struct Record {
    row: u64,
    line: u64,
    cells: csv::StringRecord,
}

/// Whether a cell of a single-choice or scale question can only be a box number
/// (`Some(Boxes)`), only an option code (`Some(Codes)`), or either (`None`).
fn cell_mode(q: &Question, value: &str) -> Option<Values> {
    let value = super::sheet::half_width(value.trim());
    if value.is_empty() || value == super::sheet::INVALID_CODE {
        return None;
    }
    let (is_box, is_code) = match &q.kind {
        QuestionKind::Single { options } => (
            value
                .parse::<usize>()
                .is_ok_and(|n| (1..=options.len()).contains(&n)),
            options.iter().any(|o| o.code == value),
        ),
        QuestionKind::Scale {
            dont_know: true, ..
        } => (value == super::sheet::DONT_KNOW_CODE, value == DONT_KNOW),
        _ => (false, false),
    };
    match (is_box, is_code) {
        (true, false) => Some(Values::Boxes),
        (false, true) => Some(Values::Codes),
        _ => None,
    }
}

/// A day as a vendor writes it: `2026-10-15`, `2026/10/15` or `2026/1/5`.
pub fn parse_day(value: &str) -> Option<NaiveDate> {
    let v = super::sheet::half_width(value.trim());
    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&v, "%Y/%m/%d"))
        .ok()
}

/// Reads and checks every row of a vendor's CSV, then (unless a row is rejected and
/// `accept_valid` is false) stores the valid rows whose codes are unused, in one
/// transaction, each as a paper response dated the day its sheet was received.
pub fn import(
    conn: &mut Conn,
    plan: &Arc<ScorePlan>,
    wave: &Wave,
    bytes: &[u8],
    options: ImportOptions,
) -> Result<ImportReport, ImportError> {
    super::require_code_wave(wave).map_err(ImportError::File)?;
    let (text, encoding) = decode(bytes).map_err(ImportError::File)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_record = reader
        .headers()
        .map_err(|e| ImportError::File(format!("row 1: the header cannot be read: {e}")))?
        .clone();
    let header: Vec<String> = header_record.iter().map(|h| h.trim().to_string()).collect();
    let questions: Vec<&Question> = wave.questions().collect();
    let mut columns = Vec::with_capacity(header.len());
    let mut header_errors = Vec::new();
    let header_error = |column: &str, message: &str| CellError {
        row: 1,
        line: 1,
        column: column.to_string(),
        message: message.to_string(),
    };
    for name in &header {
        let column = if name == "code" {
            Some(Column::Code)
        } else if name == "language" {
            Some(Column::Language)
        } else if name == RECEIVED_ON {
            Some(Column::ReceivedOn)
        } else if let Some((fixed, allowed)) = EXPORT_COLUMNS.iter().find(|(c, _)| c == name) {
            Some(Column::Fixed(fixed, allowed))
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
            None => header_errors.push(header_error(
                name,
                "not a column of this wave: use `code`, `received_on`, `language` and the columns of the responses export (see the codebook)",
            )),
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
        header_errors.push(header_error(
            &missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            "missing: the file needs `code` and every column of the responses export",
        ));
    }
    if !header.iter().any(|h| h == RECEIVED_ON) && options.received_on.is_none() {
        header_errors.push(header_error(
            RECEIVED_ON,
            "missing: the day each sheet was received (YYYY-MM-DD) is its response's day; add the column, or give the day of the whole file (--received-on)",
        ));
    }
    let mut seen_header = std::collections::HashSet::new();
    for name in &header {
        if !seen_header.insert(name) {
            header_errors.push(header_error(name, "appears twice"));
        }
    }
    if !header_errors.is_empty() {
        return Err(ImportError::Header(header_errors));
    }

    let mut rejected = Vec::new();
    let mut records = Vec::new();
    for record in reader.records() {
        match record {
            Ok(cells) => {
                let p = cells.position().cloned().unwrap_or_else(csv::Position::new);
                records.push(Record {
                    // The header is record 0 and row 1.
                    row: p.record() + 1,
                    // The csv crate counts lines from 0 here: +1 for the file's.
                    line: p.line() + 1,
                    cells,
                });
            }
            Err(e) => {
                let (row, line) = e
                    .position()
                    .map_or((0, 0), |p| (p.record() + 1, p.line() + 1));
                rejected.push(CellError {
                    row,
                    line,
                    column: String::new(),
                    message: format!("the row cannot be read: {e}"),
                });
            }
        }
    }
    let total = records.len() + rejected.len();

    // The file's mode: declared, or the one its cells show; a file showing both is refused.
    let values = match options.values {
        Some(v) => v,
        None => {
            let mut boxes = Vec::new();
            let mut codes = Vec::new();
            for r in &records {
                let modes: Vec<Values> = columns
                    .iter()
                    .zip(r.cells.iter())
                    .filter_map(|(c, v)| match c {
                        Column::Question(i) => cell_mode(questions[*i], v),
                        _ => None,
                    })
                    .collect();
                if modes.contains(&Values::Boxes) {
                    boxes.push(r.row);
                }
                if modes.contains(&Values::Codes) {
                    codes.push(r.row);
                }
            }
            match (boxes.is_empty(), codes.is_empty()) {
                (false, false) => {
                    return Err(ImportError::File(format!(
                        "the file mixes box numbers as printed ({}) and option codes ({}): key every row one way, or declare the mode (--values boxes|codes) to have the other rows named",
                        rows_named(&boxes),
                        rows_named(&codes)
                    )));
                }
                (false, true) => Values::Boxes,
                _ => Values::Codes,
            }
        }
    };

    let mut rows = Vec::new();
    let mut codes_seen: HashMap<String, u64> = HashMap::new();
    for record in &records {
        let (row, line) = (record.row, record.line);
        let at = |column: &str, message: String| CellError {
            row,
            line,
            column: column.to_string(),
            message,
        };
        let mut errors = Vec::new();
        if record.cells.len() != header.len() {
            errors.push(at(
                "",
                format!(
                    "{} cells, the header has {}",
                    record.cells.len(),
                    header.len()
                ),
            ));
        }
        let mut code = None;
        let mut lang = Lang::Ja;
        let mut received_on = options.received_on;
        let mut fields = vec![(KEY_FIELD.to_string(), SubmissionKey::generate().as_string())];
        for (column, as_written) in columns.iter().zip(record.cells.iter()) {
            let value = as_written.trim();
            match column {
                Column::Code => match super::SheetKey::parse_no_code(value) {
                    // A sheet returned without its code: `NOCODE-` and its sheet number.
                    Some(Ok(sheet)) => {
                        code = Some(super::SheetKey::NoCode {
                            sheet,
                            in_estimates: !options.exclude_no_code,
                        })
                    }
                    Some(Err(why)) => errors.push(at("code", why)),
                    None => match AccessCode::parse(value) {
                    Ok(c) => code = Some(super::SheetKey::Code(c)),
                    Err(p) => errors.push(at(
                        "code",
                        match p {
                            CodeProblem::Empty => "empty: every sheet needs its access code (or NOCODE- and the sheet number when it came back without one)".into(),
                            _ => format!(
                                "`{value}` is not an access code (16 characters as printed, e.g. ABCD-EFGH-JKMN-PQRS; a character is wrong or missing)"
                            ),
                        },
                    )),
                    },
                },
                Column::Language => match value {
                    "" => {}
                    v => match Lang::parse(v) {
                        Some(l) => lang = l,
                        None => errors.push(at(
                            "language",
                            format!("`{v}` is not allowed; allowed: ja, en or blank"),
                        )),
                    },
                },
                Column::ReceivedOn => match parse_day(value) {
                    Some(day) if day <= options.today => received_on = Some(day),
                    Some(_) => errors.push(at(
                        RECEIVED_ON,
                        format!("`{value}` is after today ({}): the day the sheet was received", options.today),
                    )),
                    None => errors.push(at(
                        RECEIVED_ON,
                        format!("`{value}` is not a day; allowed: the day the sheet was received, as 2026-10-15 or 2026/10/15"),
                    )),
                },
                Column::Fixed(name, allowed) => {
                    let ok = value.is_empty()
                        || if *name == "wave_id" {
                            value == wave.id
                        } else {
                            allowed.contains(&value)
                        };
                    if !ok {
                        let expected = if *name == "wave_id" {
                            wave.id.clone()
                        } else {
                            allowed.join(", ")
                        };
                        errors.push(at(
                            name,
                            format!("`{value}` does not describe an imported sheet of this wave; allowed: {expected} or blank"),
                        ));
                    }
                }
                Column::Question(i) => {
                    if !value.is_empty() {
                        let q = questions[*i];
                        match (&q.kind, values) {
                            // Free text as written; the other cells trimmed.
                            (QuestionKind::Text { .. }, _) => {
                                fields.push((q.id.clone(), as_written.to_string()))
                            }
                            (QuestionKind::Single { .. } | QuestionKind::Scale { .. }, Values::Boxes)
                                if cell_mode(q, value) == Some(Values::Codes) =>
                            {
                                errors.push(at(
                                    &q.id,
                                    format!(
                                        "`{value}` is an option code in a file of box numbers; {}",
                                        allowed(q, values)
                                    ),
                                ))
                            }
                            (QuestionKind::Single { .. } | QuestionKind::Scale { .. }, Values::Boxes) => {
                                fields.extend(
                                    super::sheet::form_values(q, value)
                                        .into_iter()
                                        .map(|v| (q.id.clone(), v)),
                                )
                            }
                            (QuestionKind::Single { .. } | QuestionKind::Scale { .. }, _)
                                if super::sheet::half_width(value) == super::sheet::INVALID_CODE =>
                            {
                                fields.push((q.id.clone(), crate::domain::INVALID.to_string()))
                            }
                            _ => fields.push((q.id.clone(), super::sheet::half_width(value))),
                        }
                    }
                }
                Column::Option(i, option) => match value {
                    "" | "0" => {}
                    "1" => fields.push((questions[*i].id.clone(), option.clone())),
                    v => errors.push(at(
                        &format!("{}__{option}", questions[*i].id),
                        format!("`{v}` is not allowed; allowed: 1 (chosen), 0 or blank"),
                    )),
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
                    // The cell as written (a box number is shown as the vendor keyed it).
                    let written = columns
                        .iter()
                        .zip(record.cells.iter())
                        .find_map(|(c, v)| match c {
                            Column::Question(i) if questions[*i].id == q.id => {
                                Some(v.trim().to_string())
                            }
                            _ => None,
                        })
                        .unwrap_or_else(|| raw.values(&q.id).join(" "));
                    errors.push(at(&column, problem_text(q, &written, &e.problem, values)));
                }
            }
            Ok(answers) => {
                if let (Some(code), Some(received_on)) = (code.take(), received_on)
                    && errors.is_empty()
                {
                    let seen_key = code.pending_key(&wave.id);
                    match codes_seen.get(&seen_key) {
                        Some(first) => errors.push(at(
                            "code",
                            format!("the same code as row {first}: one row per sheet"),
                        )),
                        None => {
                            codes_seen.insert(seen_key, row);
                            rows.push(Row {
                                row,
                                code,
                                received_on,
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
    // One query for the whole file (one round trip per sheet made PostgreSQL slow).
    let hashes: Vec<String> = rows
        .iter()
        .filter_map(|r| match &r.code {
            super::SheetKey::Code(c) => Some(c.hash()),
            super::SheetKey::NoCode { .. } => None,
        })
        .collect();
    let holders = db::paper::code_holders(conn, &hashes).map_err(ImportError::Database)?;
    let mut already_used = Vec::new();
    let mut fresh = Vec::new();
    for row in rows {
        let super::SheetKey::Code(code) = &row.code else {
            // Without a code: nothing to look up, a returned sheet of the sample.
            fresh.push(row);
            continue;
        };
        match holders.get(&code.hash()) {
            Some((w, true)) if *w == wave.id => already_used.push(row.row),
            Some((w, false)) if *w == wave.id => fresh.push(row),
            _ => rejected.push(CellError {
                row: row.row,
                line: records
                    .iter()
                    .find(|r| r.row == row.row)
                    .map_or(row.row, |r| r.line),
                column: "code".into(),
                message: format!("not a code issued for wave {}", wave.id),
            }),
        }
    }
    rejected.sort_by_key(|e| e.row);
    let mut rejected_rows: Vec<u64> = rejected.iter().map(|e| e.row).collect();
    rejected_rows.dedup();
    let rejected_file = (!rejected_rows.is_empty())
        .then(|| rejected_csv(&header_record, &records, &rejected_rows, encoding));
    let valid_rows = fresh.len() + already_used.len();
    let not_valid: Vec<u64> = fresh
        .iter()
        .filter(|r| !r.answers.is_valid_response())
        .map(|r| r.row)
        .collect();
    let mut report = ImportReport {
        encoding,
        values,
        rows: total,
        valid_rows,
        rejected,
        rejected_rows,
        already_used,
        imported: false,
        stored: 0,
        not_valid,
        rejected_file,
    };
    if !report.rejected.is_empty() && !options.accept_valid {
        return Ok(report);
    }
    // Every fresh row in ONE batch: one transaction, the codes claimed and the responses
    // written in two independent random orders (and, on PostgreSQL, mixed), never one
    // sheet's response beside only its own code.
    let mut stored = 0;
    let mut used_meanwhile = Vec::new();
    let batch: Vec<Submission> = fresh
        .iter()
        .map(|row| super::sheet_submission(plan, &row.code, row.received_on, &row.answers))
        .collect();
    conn.transaction(|conn| -> diesel::QueryResult<()> {
        // A sheet also waiting in double entry is answered now: drop its entries.
        let hashes: Vec<String> = fresh
            .iter()
            .map(|row| row.code.pending_key(&wave.id))
            .collect();
        db::paper::delete_all(conn, &hashes)?;
        let outcomes = db::submit::store_batch(conn, &batch)?;
        for (row, outcome) in fresh.iter().zip(outcomes) {
            match outcome {
                Stored::New => stored += 1,
                Stored::Replay | Stored::CredentialRefused => used_meanwhile.push(row.row),
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

/// The column of the day a sheet was received.
pub const RECEIVED_ON: &str = "received_on";

/// `rows 2, 5, 7` (at most 20 named, then how many more).
fn rows_named(rows: &[u64]) -> String {
    let named: Vec<String> = rows.iter().take(20).map(u64::to_string).collect();
    let more = rows.len().saturating_sub(20);
    let s = if rows.len() == 1 { "row" } else { "rows" };
    if more > 0 {
        format!("{s} {} and {more} more", named.join(", "))
    } else {
        format!("{s} {}", named.join(", "))
    }
}

/// The header and the records of `rows`, as read, in `encoding` (UTF-8 with a BOM when the
/// file had one; Shift_JIS when it was Shift_JIS).
fn rejected_csv(
    header: &csv::StringRecord,
    records: &[Record],
    rows: &[u64],
    encoding: Detected,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in records
        .iter()
        .filter(|r| rows.binary_search(&r.row).is_ok())
    {
        let _ = w.write_record(&r.cells);
    }
    let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    match encoding {
        Detected::Utf8 => text.into_bytes(),
        Detected::Utf8Bom => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
        Detected::ShiftJis => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
    }
}

/// The rejected-rows file beside `input`: `NAME.rejected.csv`.
pub fn rejected_path(input: &std::path::Path) -> std::path::PathBuf {
    let stem = input
        .file_stem()
        .map_or("vendor".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}.rejected.csv"))
}

/// Why nothing could be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file itself: its encoding, or a wave that takes no paper.
    #[error("{0}")]
    File(String),
    /// The header: unknown, missing or repeated columns (nothing is read further).
    #[error("{}", .0.iter().map(|e| format!("{}, column {}: {}", e.place(), e.column, e.message)).collect::<Vec<_>>().join("\n"))]
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

    #[test]
    fn csv_positions_are_rows_and_lines() {
        let text = "code,a\r\nX,\"1\r\n2\"\r\nY,3\r\n";
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        r.headers().unwrap();
        let got: Vec<(u64, u64)> = r
            .records()
            .map(|rec| {
                let rec = rec.unwrap();
                let p = rec.position().unwrap();
                (p.record(), p.line())
            })
            .collect();
        // Records 1 and 2 (rows 2 and 3), on the file's lines 2 and 4 (the crate counts
        // lines from 0; the import adds 1).
        assert_eq!(got, vec![(1, 1), (2, 3)]);
    }
}
