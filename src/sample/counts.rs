//! Count files: resident counts by one or more category columns, as the register office
//! gives them (`area,population`, `age_band,gender,population`, the joint
//! `age_band,area,population` of `population.csv`), with the declaration of where the
//! figures come from.
//!
//! ```text
//! # source: 住民基本台帳（吹田市 市民課）18歳以上
//! # reference_date: 2026-10-01
//! area,population
//! jr_south,41230
//! …
//! ```
//!
//! UTF-8 (a byte-order mark is accepted), LF or CRLF. Lines starting with `#` are comments,
//! except `# source: TEXT` and `# reference_date: YYYY-MM-DD`, which declare the figures'
//! origin. A file that does not declare both is an **example**: weighted figures computed
//! from it are left blank unless the weighting file allows examples (docs/sampling.md).
//! The header names the category columns and ends with `population`; each data line gives
//! one combination of categories once, with a whole number ≥ 1 written without separators.

use std::collections::HashMap;

use chrono::NaiveDate;

/// The column holding the counts.
pub const POPULATION_COLUMN: &str = "population";

/// Where a count file's figures come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Declaration {
    /// `# source: …`: who produced the figures, from what.
    pub source: Option<String>,
    /// `# reference_date: …`: the date the figures describe.
    pub reference_date: Option<NaiveDate>,
}

impl Declaration {
    /// Whether the file fails to say where its figures come from (either line missing).
    pub fn is_example(&self) -> bool {
        self.source.is_none() || self.reference_date.is_none()
    }

    /// `source (reference date)` or `example (no source / reference_date)`.
    pub fn describe(&self) -> String {
        match (&self.source, self.reference_date) {
            (Some(s), Some(d)) => format!("{s} ({d})"),
            (None, None) => {
                "an example: it declares no `# source:` and no `# reference_date:`".to_string()
            }
            (None, Some(_)) => "an example: it declares no `# source:`".to_string(),
            (Some(_), None) => "an example: it declares no `# reference_date:`".to_string(),
        }
    }
}

/// One data line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    /// 1-based line in the file.
    pub line: usize,
    /// One value per category column.
    pub key: Vec<String>,
    pub count: u64,
}

/// A parsed count file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    pub declaration: Declaration,
    /// The category columns (the header without `population`).
    pub columns: Vec<String>,
    /// The header's line.
    pub header_line: usize,
    pub rows: Vec<CountRow>,
}

impl CountTable {
    /// N: all counts added up.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|r| r.count).sum()
    }

    /// The counts added up over the columns not in `by` (which must all be columns of the
    /// table), in order of first appearance: e.g. areas from an age band × area table.
    pub fn aggregate(&self, by: &[String]) -> Result<Vec<(Vec<String>, u64)>, CountError> {
        let mut index = Vec::new();
        for column in by {
            match self.columns.iter().position(|c| c == column) {
                Some(i) => index.push(i),
                None => {
                    return Err(CountError::MissingColumn {
                        column: column.clone(),
                        columns: self.columns.join(","),
                    });
                }
            }
        }
        let mut out: Vec<(Vec<String>, u64)> = Vec::new();
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        for row in &self.rows {
            let key: Vec<String> = index.iter().map(|&i| row.key[i].clone()).collect();
            match seen.get(&key) {
                Some(&i) => out[i].1 += row.count,
                None => {
                    seen.insert(key.clone(), out.len());
                    out.push((key, row.count));
                }
            }
        }
        Ok(out)
    }
}

/// Why a count file was refused; every variant with a `line` names the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    #[error("line {line}: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel)")]
    NotUtf8 { line: usize },
    #[error("no header line (category columns, then `population`)")]
    Empty,
    #[error(
        "line {line}: the header must be the category columns followed by `population` (e.g. `area,population`), found `{found}`"
    )]
    BadHeader { line: usize, found: String },
    #[error(
        "line {line}: expected {expected} comma-separated fields, found {found} (write numbers without thousands separators)"
    )]
    FieldCount {
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("line {line}: column `{column}` is empty")]
    EmptyValue { line: usize, column: String },
    #[error("line {line}: population `{value}` is not a whole number")]
    NotAnInteger { line: usize, value: String },
    #[error("line {line}: population must be at least 1, found {value}")]
    NotPositive { line: usize, value: String },
    #[error("line {line}: {key} is already given on line {first_line}")]
    Duplicate {
        line: usize,
        key: String,
        first_line: usize,
    },
    #[error("line {line}: `# reference_date:` must be a date YYYY-MM-DD, found `{value}`")]
    BadDate { line: usize, value: String },
    #[error("line {line}: `# {key}:` is declared twice (first on line {first_line})")]
    DeclaredTwice {
        line: usize,
        key: String,
        first_line: usize,
    },
    #[error("line {line}: `# source:` is empty")]
    EmptySource { line: usize },
    #[error("the file has no column `{column}` (its columns: {columns})")]
    MissingColumn { column: String, columns: String },
}

/// Parses a count file (format in the module docs) from its bytes.
pub fn parse_counts(bytes: &[u8]) -> Result<CountTable, CountError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(CountError::NotUtf8 { line });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut declaration = Declaration::default();
    let mut declared_at: HashMap<&str, usize> = HashMap::new();
    let mut columns: Option<Vec<String>> = None;
    let mut header_line = 0;
    let mut rows: Vec<CountRow> = Vec::new();
    let mut first_line: HashMap<Vec<String>, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim();
        if let Some(comment) = content.strip_prefix('#') {
            let Some((key, value)) = comment.split_once(':') else {
                continue;
            };
            let key = key.trim();
            if key != "source" && key != "reference_date" {
                continue;
            }
            let value = value.trim();
            if let Some(&first) = declared_at.get(key) {
                return Err(CountError::DeclaredTwice {
                    line,
                    key: key.to_string(),
                    first_line: first,
                });
            }
            declared_at.insert(
                if key == "source" {
                    "source"
                } else {
                    "reference_date"
                },
                line,
            );
            if key == "source" {
                if value.is_empty() {
                    return Err(CountError::EmptySource { line });
                }
                declaration.source = Some(value.to_string());
            } else {
                declaration.reference_date =
                    Some(NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                        CountError::BadDate {
                            line,
                            value: value.to_string(),
                        }
                    })?);
            }
            continue;
        }
        if content.is_empty() {
            continue;
        }
        let fields: Vec<&str> = content.split(',').map(str::trim).collect();
        let Some(columns) = &columns else {
            let ok = fields.len() >= 2
                && fields.last() == Some(&POPULATION_COLUMN)
                && fields[..fields.len() - 1]
                    .iter()
                    .all(|f| !f.is_empty() && *f != POPULATION_COLUMN);
            if !ok {
                return Err(CountError::BadHeader {
                    line,
                    found: content.to_string(),
                });
            }
            header_line = line;
            columns = Some(
                fields[..fields.len() - 1]
                    .iter()
                    .map(|f| f.to_string())
                    .collect(),
            );
            continue;
        };
        if fields.len() != columns.len() + 1 {
            return Err(CountError::FieldCount {
                line,
                expected: columns.len() + 1,
                found: fields.len(),
            });
        }
        for (c, v) in columns.iter().zip(&fields) {
            if v.is_empty() {
                return Err(CountError::EmptyValue {
                    line,
                    column: c.clone(),
                });
            }
        }
        let value = fields[columns.len()];
        let count = parse_count(value).ok_or_else(|| CountError::NotAnInteger {
            line,
            value: value.to_string(),
        })?;
        if count <= 0 {
            return Err(CountError::NotPositive {
                line,
                value: value.to_string(),
            });
        }
        let key: Vec<String> = fields[..columns.len()]
            .iter()
            .map(|f| f.to_string())
            .collect();
        if let Some(&first) = first_line.get(&key) {
            return Err(CountError::Duplicate {
                line,
                key: describe_key(columns, &key),
                first_line: first,
            });
        }
        first_line.insert(key.clone(), line);
        rows.push(CountRow {
            line,
            key,
            count: count.unsigned_abs(),
        });
    }
    let columns = columns.ok_or(CountError::Empty)?;
    Ok(CountTable {
        declaration,
        columns,
        header_line,
        rows,
    })
}

/// `area=jr_south` or `age_band=age_18_29, gender=female`.
pub fn describe_key(columns: &[String], key: &[String]) -> String {
    columns
        .iter()
        .zip(key)
        .map(|(c, v)| format!("{c}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A whole number, signed so that "-5" is reported as non-positive rather than as not a
/// number. "12.0", "1e3", "12,345" and "" are not whole numbers.
fn parse_count(value: &str) -> Option<i64> {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_declaration_header_and_rows() {
        let t = parse_counts(
            "\u{feff}# source: 住民基本台帳 18歳以上\r\n# reference_date: 2026-10-01\r\n# a comment: with a colon\r\n\
             age_band,gender,population\r\nyoung,female,10\r\n\r\nyoung,male, 12 \r\nold,female,30\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            t.declaration.source.as_deref(),
            Some("住民基本台帳 18歳以上")
        );
        assert_eq!(
            t.declaration.reference_date,
            NaiveDate::from_ymd_opt(2026, 10, 1)
        );
        assert!(!t.declaration.is_example());
        assert_eq!(t.columns, ["age_band", "gender"]);
        assert_eq!(t.header_line, 4);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1].line, 7);
        assert_eq!(t.rows[1].count, 12);
        assert_eq!(t.total(), 52);
        assert_eq!(
            t.aggregate(&["age_band".to_string()]).unwrap(),
            vec![
                (vec!["young".to_string()], 22),
                (vec!["old".to_string()], 30)
            ]
        );
        assert!(matches!(
            t.aggregate(&["area".to_string()]),
            Err(CountError::MissingColumn { .. })
        ));
    }

    #[test]
    fn a_file_without_both_declarations_is_an_example() {
        let t = parse_counts(b"# source: x\narea,population\nnorth,5\n").unwrap();
        assert!(t.declaration.is_example());
        assert!(t.declaration.describe().contains("reference_date"));
        let t = parse_counts(b"area,population\nnorth,5\n").unwrap();
        assert!(t.declaration.is_example());
    }

    #[test]
    fn errors_name_their_line() {
        let err = |s: &str| parse_counts(s.as_bytes()).unwrap_err();
        assert_eq!(err("# only\n"), CountError::Empty);
        assert!(matches!(
            err("area,count\n"),
            CountError::BadHeader { line: 1, .. }
        ));
        assert!(matches!(
            err("population\n"),
            CountError::BadHeader { line: 1, .. }
        ));
        assert_eq!(
            err("area,population\nnorth,12,345\n"),
            CountError::FieldCount {
                line: 2,
                expected: 2,
                found: 3
            }
        );
        assert_eq!(
            err("area,population\n,5\n"),
            CountError::EmptyValue {
                line: 2,
                column: "area".into()
            }
        );
        assert_eq!(
            err("area,population\nnorth,1.5\n"),
            CountError::NotAnInteger {
                line: 2,
                value: "1.5".into()
            }
        );
        assert_eq!(
            err("area,population\nnorth,0\n"),
            CountError::NotPositive {
                line: 2,
                value: "0".into()
            }
        );
        assert_eq!(
            err("area,population\nnorth,1\n#\nnorth,2\n"),
            CountError::Duplicate {
                line: 4,
                key: "area=north".into(),
                first_line: 2
            }
        );
        assert_eq!(
            err("# reference_date: 1 Oct 2026\n"),
            CountError::BadDate {
                line: 1,
                value: "1 Oct 2026".into()
            }
        );
        assert_eq!(
            err("# source: a\n# source: b\n"),
            CountError::DeclaredTwice {
                line: 2,
                key: "source".into(),
                first_line: 1
            }
        );
        assert_eq!(
            parse_counts(b"area,population\nn\xffrth,5\n").unwrap_err(),
            CountError::NotUtf8 { line: 2 }
        );
        assert_eq!(
            err("area,population\nnorth,0\n").to_string(),
            "line 2: population must be at least 1, found 0"
        );
    }
}
