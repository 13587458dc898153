//! E-mail addresses of invitees, and the CSV an analyst uploads to invite them.

use std::collections::HashMap;
use std::fmt;

use validator::ValidateEmail;

use super::Lang;

/// A syntactically valid e-mail address, trimmed, with its domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Option<Email> {
        let s = s.trim();
        if s.len() > 254 || !s.validate_email() {
            return None;
        }
        let (local, domain) = s.rsplit_once('@')?;
        Some(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for duplicate detection: the whole address in lower case.
    fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// For logs: `t***@example.com`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks the local part of an address string, for logs.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One valid row of an invitation CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub line: u64,
    pub email: Email,
    pub lang: Lang,
}

/// What an uploaded CSV holds: valid rows, rejected rows with reasons, merged duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InviteeReport {
    #[serde(skip)]
    pub valid: Vec<Invitee>,
    pub valid_rows: usize,
    pub rejected: Vec<RejectedRow>,
    pub duplicates: Vec<DuplicateRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RejectedRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateRow {
    pub line: u64,
    pub same_as_line: u64,
}

/// Reads `email[,language]` rows (header required; `language` is `ja` or `en`, default
/// `ja`). Every row is checked; duplicates (case-insensitive) are merged into the first.
pub fn parse_invitee_csv(text: &str) -> Result<InviteeReport, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The csv reader's line numbers are only right with LF line ends (Excel writes CRLF).
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: cannot read the header: {e}"))?
        .clone();
    let column = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.to_ascii_lowercase().as_str()))
    };
    let email_col = column(&["email", "e-mail", "mail"]).ok_or_else(|| {
        "line 1: the header needs an `email` column (and optionally `language`)".to_string()
    })?;
    let lang_col = column(&["language", "lang"]);

    let mut report = InviteeReport::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(&text, p.byte()));
                report.rejected.push(RejectedRow {
                    line,
                    reason: format!("cannot read the row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(&text, p.byte()));
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        // A NUL would fail on PostgreSQL and not on SQLite; other controls and garbled
        // bytes are never part of an address or a language code.
        if let Some(c) = record.iter().find_map(super::text::forbidden_char) {
            report.rejected.push(RejectedRow {
                line,
                reason: format!("the row {}", super::text::forbidden_message(c)),
            });
            continue;
        }
        let raw_email = record.get(email_col).unwrap_or("");
        let Some(email) = Email::parse(raw_email) else {
            let reason = if raw_email.is_empty() {
                "no e-mail address".to_string()
            } else {
                format!("`{raw_email}` is not a valid e-mail address")
            };
            report.rejected.push(RejectedRow { line, reason });
            continue;
        };
        let lang = match lang_col.and_then(|c| record.get(c)).unwrap_or("") {
            "" => Lang::Ja,
            code => match Lang::parse(code) {
                Some(lang) => lang,
                None => {
                    report.rejected.push(RejectedRow {
                        line,
                        reason: format!(
                            "unknown language `{code}` (use one of {})",
                            Lang::all().map(Lang::code).collect::<Vec<_>>().join(", ")
                        ),
                    });
                    continue;
                }
            },
        };
        if let Some(&first) = seen.get(&email.key()) {
            report.duplicates.push(DuplicateRow {
                line,
                same_as_line: first,
            });
            continue;
        }
        seen.insert(email.key(), line);
        report.valid.push(Invitee { line, email, lang });
    }
    report.valid_rows = report.valid.len();
    Ok(report)
}

/// 1-based line of the record starting at `byte`, skipping blank lines the reader passed.
fn line_at(text: &str, byte: u64) -> u64 {
    let byte = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    let before = text.as_bytes()[..byte]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    let blank = text.as_bytes()[byte..]
        .iter()
        .take_while(|&&b| b == b'\n')
        .count();
    (before + blank + 1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_normalised_and_masked() {
        assert_eq!(
            Email::parse(" Taro@Example.JP ").unwrap().as_str(),
            "Taro@example.jp"
        );
        assert!(Email::parse("not an address").is_none());
        assert!(Email::parse("a@").is_none());
        assert_eq!(
            Email::parse("taro@example.jp").unwrap().masked(),
            "t***@example.jp"
        );
    }

    #[test]
    fn every_row_is_reported_with_its_line() {
        let csv = "\u{feff}email,language\r\n\
                   hanako@example.jp,ja\r\n\
                   bad-address,en\r\n\
                   john@example.com,en\r\n\
                   HANAKO@example.jp,en\r\n\
                   \r\n\
                   ken@example.jp,fr\r\n\
                   ,ja\r\n\
                   yui@example.jp\r\n";
        let report = parse_invitee_csv(csv).unwrap();
        let valid: Vec<(u64, &str, Lang)> = report
            .valid
            .iter()
            .map(|i| (i.line, i.email.as_str(), i.lang))
            .collect();
        assert_eq!(
            valid,
            vec![
                (2, "hanako@example.jp", Lang::Ja),
                (4, "john@example.com", Lang::En),
                (9, "yui@example.jp", Lang::Ja),
            ]
        );
        assert_eq!(
            report.rejected,
            vec![
                RejectedRow {
                    line: 3,
                    reason: "`bad-address` is not a valid e-mail address".into()
                },
                RejectedRow {
                    line: 7,
                    reason: "unknown language `fr` (use one of ja, en, zh, ko, vi, ja-easy)".into()
                },
                RejectedRow {
                    line: 8,
                    reason: "no e-mail address".into()
                },
            ]
        );
        assert_eq!(
            report.duplicates,
            vec![DuplicateRow {
                line: 5,
                same_as_line: 2
            }]
        );
    }

    #[test]
    fn a_row_with_a_control_character_or_garbled_bytes_is_rejected_with_its_line() {
        let report =
            parse_invitee_csv("email\na\0b@example.com\nok@example.com\nx\u{fffd}@example.com\n")
                .unwrap();
        assert_eq!(report.valid_rows, 1);
        assert_eq!(
            report.rejected,
            vec![
                RejectedRow {
                    line: 2,
                    reason: "the row contains the control character U+0000 (only tab and line breaks are allowed)".into()
                },
                RejectedRow {
                    line: 4,
                    reason: "the row contains bytes that are not valid UTF-8 (save the file as UTF-8)".into()
                },
            ]
        );
    }

    #[test]
    fn a_file_without_an_email_column_is_refused() {
        assert!(
            parse_invitee_csv("name\nTaro\n")
                .unwrap_err()
                .contains("`email` column")
        );
    }
}
