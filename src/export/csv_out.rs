//! CSV as Japanese analysts open it in Excel: UTF-8 with BOM and CRLF by default, every
//! cell neutralised against formula injection, Shift_JIS on request without silent loss.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;
use std::str::FromStr;

/// The encodings an export can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8Bom,
    Utf8,
    /// Windows-31J, as Excel on Japanese Windows reads it.
    ShiftJis,
}

impl Encoding {
    pub const NAMES: [&'static str; 3] = ["utf-8-bom", "utf-8", "shift_jis"];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf8 => "utf-8",
            Encoding::ShiftJis => "shift_jis",
        }
    }

    /// The `charset` for a `Content-Type` header.
    pub fn charset(self) -> &'static str {
        match self {
            Encoding::Utf8Bom | Encoding::Utf8 => "utf-8",
            Encoding::ShiftJis => "shift_jis",
        }
    }
}

impl FromStr for Encoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8-bom" | "utf8-bom" => Ok(Encoding::Utf8Bom),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "shift-jis" | "sjis" | "windows-31j" | "cp932" => Ok(Encoding::ShiftJis),
            _ => Err(format!(
                "unknown encoding `{s}`: use one of {}",
                Encoding::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to do with a character Shift_JIS cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unencodable {
    /// Stop with an error naming the row and column (the default: never a silent loss).
    #[default]
    Fail,
    /// Write [`REPLACEMENT`] instead, count the replacements and say so.
    Replace,
}

/// 〓 (GETA MARK), the character Japanese typesetting uses for "a character that cannot be
/// shown"; unlike `?` it cannot be mistaken for text the resident wrote.
pub const REPLACEMENT: char = '\u{3013}';

impl Unencodable {
    pub const NAMES: [&'static str; 2] = ["fail", "replace"];

    pub fn name(self) -> &'static str {
        match self {
            Unencodable::Fail => "fail",
            Unencodable::Replace => "replace",
        }
    }
}

impl FromStr for Unencodable {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fail" => Ok(Unencodable::Fail),
            "replace" => Ok(Unencodable::Replace),
            _ => Err(format!(
                "unknown unencodable policy `{s}`: use one of {}",
                Unencodable::NAMES.join(", ")
            )),
        }
    }
}

/// A character the chosen encoding cannot hold, with where it is (1-based, header = row 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "row {row}, column `{column}`: the character `{character}` cannot be written in {encoding}; export as utf-8-bom instead"
)]
pub struct EncodingError {
    pub row: usize,
    pub column: String,
    pub character: char,
    pub encoding: Encoding,
}

/// A text cell that a spreadsheet would read as a formula gets a leading apostrophe: one
/// that starts with `=`, `+`, `-`, `@`, a tab, CR or LF, or with `=`, `+`, `-`, `@` after
/// leading spaces, line breaks or ideographic spaces (U+3000), in ASCII or full-width
/// (＝＋－＠, which Japanese Excel turns into their ASCII forms as it reads a cell).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    const FORMULA: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];
    // Most cells (codes, numbers, ids) start with a letter or digit: nothing to look at.
    if cell
        .as_bytes()
        .first()
        .is_none_or(u8::is_ascii_alphanumeric)
    {
        return Cow::Borrowed(cell);
    }
    let starts_badly = match cell.chars().next() {
        Some('\t' | '\r' | '\n') => true,
        _ => cell
            .trim_start_matches([' ', '\u{3000}', '\n', '\r', '\t'])
            .starts_with(FORMULA),
    };
    if starts_badly {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Whether a cell of a numeric column is a plain number (or blank) that can be written as
/// it is: digits with an optional leading `-`, a decimal point and an exponent, as the
/// exporters format them and as Excel and R read them as numbers.
fn plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    cell.is_empty()
        || (digits.starts_with(|c: char| c.is_ascii_digit())
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-'))
            && cell.parse::<f64>().is_ok_and(f64::is_finite))
}

/// Writes records one at a time to `out`, so large exports stream.
pub struct CsvWriter<W: Write> {
    out: W,
    encoding: Encoding,
    header: Vec<String>,
    row: usize,
    /// One record at a time, kept from row to row (a `csv` writer per row cost an 8 KB
    /// buffer each).
    line: Vec<u8>,
    unencodable: Unencodable,
    replaced: u64,
    /// Per column: whether it holds numbers the exporter computed (written as numbers).
    numeric: Vec<bool>,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the BOM (for `utf-8-bom`) and the header row.
    pub fn new(out: W, encoding: Encoding, header: &[&str]) -> Result<Self, super::ExportError> {
        Self::with_policy(out, encoding, Unencodable::Fail, header)
    }

    /// [`new`](Self::new) with a policy for characters Shift_JIS cannot hold.
    pub fn with_policy(
        mut out: W,
        encoding: Encoding,
        unencodable: Unencodable,
        header: &[&str],
    ) -> Result<Self, super::ExportError> {
        if encoding == Encoding::Utf8Bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut w = CsvWriter {
            out,
            encoding,
            header: header.iter().map(|h| h.to_string()).collect(),
            row: 0,
            line: Vec::new(),
            unencodable,
            replaced: 0,
            numeric: Vec::new(),
        };
        w.write(header)?;
        Ok(w)
    }

    /// Marks the columns that hold numbers the exporter computed: their cells are written
    /// as numbers (a negative one too), not guarded like text. A cell there that is not a
    /// plain number is still guarded.
    pub fn numeric_columns(mut self, names: &[&str]) -> Self {
        self.numeric = self
            .header
            .iter()
            .map(|h| names.contains(&h.as_str()))
            .collect();
        self
    }

    pub fn write<S: AsRef<str>>(&mut self, record: &[S]) -> Result<(), super::ExportError> {
        self.row += 1;
        let numeric = &self.numeric;
        let cells = record.iter().enumerate().map(|(i, c)| {
            let c = c.as_ref();
            if numeric.get(i).copied().unwrap_or(false) && plain_number(c) {
                Cow::Borrowed(c)
            } else {
                neutralise(c)
            }
        });
        if self.encoding != Encoding::ShiftJis {
            // UTF-8 needs no look at the whole row first: the cells go straight into the
            // line (the responses export writes millions of rows).
            format_record(cells, &mut self.line);
            self.out.write_all(&self.line)?;
            return Ok(());
        }
        let cells: Vec<Cow<'_, str>> = cells.map(to_windows_31j_forms).collect();
        self.write_shift_jis(cells)
    }

    /// A Shift_JIS row: characters it cannot hold replaced (or the row refused, with where
    /// the first one is), then the line encoded.
    fn write_shift_jis(&mut self, mut cells: Vec<Cow<'_, str>>) -> Result<(), super::ExportError> {
        if self.unencodable == Unencodable::Replace {
            for cell in cells.iter_mut() {
                if unencodable_in_shift_jis(cell).is_some() {
                    let mut replaced = 0;
                    let text: String = cell
                        .chars()
                        .map(|c| {
                            let mut buf = [0u8; 4];
                            if encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2 {
                                replaced += 1;
                                REPLACEMENT
                            } else {
                                c
                            }
                        })
                        .collect();
                    self.replaced += replaced;
                    *cell = Cow::Owned(text);
                }
            }
        }
        for (i, cell) in cells.iter().enumerate() {
            if let Some(character) = unencodable_in_shift_jis(cell) {
                return Err(EncodingError {
                    row: self.row,
                    column: self.header.get(i).cloned().unwrap_or_default(),
                    character,
                    encoding: self.encoding,
                }
                .into());
            }
        }
        format_record(cells, &mut self.line);
        let text = std::str::from_utf8(&self.line).expect("csv writes what it was given");
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        self.out.write_all(&bytes)?;
        Ok(())
    }

    /// How many characters were replaced by [`REPLACEMENT`] so far.
    pub fn replaced(&self) -> u64 {
        self.replaced
    }

    pub fn finish(mut self) -> Result<W, super::ExportError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// One record, CRLF-terminated, into `line` (cleared first), as the `csv` crate writes it
/// (RFC 4180): a field holding a comma, a quote, CR or LF is quoted with its quotes
/// doubled; a lone empty field is `""`, so that the line is not blank.
fn format_record<'c>(cells: impl IntoIterator<Item = Cow<'c, str>>, line: &mut Vec<u8>) {
    line.clear();
    let mut fields = 0;
    for (i, cell) in cells.into_iter().enumerate() {
        fields += 1;
        if i > 0 {
            line.push(b',');
        }
        let bytes = cell.as_bytes();
        if bytes
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        {
            line.push(b'"');
            for part in bytes.split_inclusive(|&b| b == b'"') {
                line.extend_from_slice(part);
                if part.ends_with(b"\"") {
                    line.push(b'"');
                }
            }
            line.push(b'"');
        } else {
            line.extend_from_slice(bytes);
        }
    }
    if fields == 1 && line.is_empty() {
        line.extend_from_slice(b"\"\"");
    }
    line.extend_from_slice(b"\r\n");
}

/// Characters that look the same but that Windows-31J holds at another code point (the
/// well-known JIS X 0208 / CP932 mapping differences), so that e.g. an em dash in a vision
/// name does not make a Shift_JIS export fail.
fn to_windows_31j_forms(cell: Cow<'_, str>) -> Cow<'_, str> {
    const MAP: [(char, char); 7] = [
        ('\u{2014}', '\u{2015}'), // EM DASH → HORIZONTAL BAR
        ('\u{301C}', '\u{FF5E}'), // WAVE DASH → FULLWIDTH TILDE
        ('\u{2016}', '\u{2225}'), // DOUBLE VERTICAL LINE → PARALLEL TO
        ('\u{2212}', '\u{FF0D}'), // MINUS SIGN → FULLWIDTH HYPHEN-MINUS
        ('\u{00A2}', '\u{FFE0}'), // CENT SIGN
        ('\u{00A3}', '\u{FFE1}'), // POUND SIGN
        ('\u{00AC}', '\u{FFE2}'), // NOT SIGN
    ];
    if !cell.chars().any(|c| MAP.iter().any(|(from, _)| *from == c)) {
        return cell;
    }
    Cow::Owned(
        cell.chars()
            .map(|c| {
                MAP.iter()
                    .find(|(from, _)| *from == c)
                    .map_or(c, |(_, to)| *to)
            })
            .collect(),
    )
}

fn unencodable_in_shift_jis(cell: &str) -> Option<char> {
    let (_, _, had_errors) = encoding_rs::SHIFT_JIS.encode(cell);
    if !had_errors {
        return None;
    }
    cell.chars().find(|c| {
        let mut buf = [0u8; 4];
        encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_formatted_as_the_csv_crate_formats_them() {
        let long = "x\"y,".repeat(700);
        let records: &[&[&str]] = &[
            &["a", "b"],
            &[""],
            &["", ""],
            &[
                "say \"hi\"",
                "a,b",
                "line\nbreak",
                "cr\rhere",
                " lead",
                "trail ",
            ],
            &["", "only last"],
            &["\"", "\"\"", "#hash", "tab\there", "end\"", "\u{3000}全角,"],
            &[long.as_str(), "回答", ""],
        ];
        let mut line = Vec::new();
        for record in records {
            let mut expected = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new());
            expected.write_record(*record).unwrap();
            let expected = expected.into_inner().unwrap();
            let cells: Vec<Cow<'_, str>> = record.iter().map(|c| Cow::Borrowed(*c)).collect();
            format_record(cells.iter().map(|c| Cow::Borrowed(c.as_ref())), &mut line);
            assert_eq!(
                String::from_utf8_lossy(&line),
                String::from_utf8_lossy(&expected),
                "{record:?}"
            );
        }
    }

    fn write(encoding: Encoding, rows: &[&[&str]]) -> Result<Vec<u8>, crate::export::ExportError> {
        let mut w = CsvWriter::new(Vec::new(), encoding, &["id", "label"])?;
        for r in rows {
            w.write(r)?;
        }
        w.finish()
    }

    #[test]
    fn default_is_utf8_with_bom_and_crlf() {
        let bytes = write(Encoding::Utf8Bom, &[&["v1", "利便性向上, \"便利\""]]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}id,label\r\nv1,\"利便性向上, \"\"便利\"\"\"\r\n"
        );
        let bytes = write(Encoding::Utf8, &[&["v1", "x"]]).unwrap();
        assert_eq!(bytes, b"id,label\r\nv1,x\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        for bad in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\nx",
            " =1+1",
            "\n=1+1",
            "\u{3000}=1+1",
            " \u{3000} @x",
            "＝HYPERLINK(\"x\")",
            "＋1",
            "－1",
            "＠SUM(A1)",
            "\u{3000}＝1",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
        }
        assert_eq!(neutralise("1-1"), "1-1");
        assert_eq!(neutralise(" 1"), " 1");
        assert_eq!(neutralise("吹田＝すいた"), "吹田＝すいた");
        assert_eq!(neutralise(""), "");
        let bytes = write(Encoding::Utf8, &[&["=HYPERLINK(\"x\")", "ok"]]).unwrap();
        assert_eq!(bytes, b"id,label\r\n\"'=HYPERLINK(\"\"x\"\")\",ok\r\n");
    }

    #[test]
    fn computed_numbers_stay_numbers_and_text_in_their_columns_is_still_guarded() {
        let mut w = CsvWriter::new(Vec::new(), Encoding::Utf8, &["label", "difference"])
            .unwrap()
            .numeric_columns(&["difference"]);
        w.write(&["-1", "-1.25000"]).unwrap();
        w.write(&["x", "4.30000e-11"]).unwrap();
        w.write(&["x", "-2.1e-5"]).unwrap();
        w.write(&["x", ""]).unwrap();
        w.write(&["x", "-1+A1"]).unwrap();
        w.write(&["x", "=1"]).unwrap();
        assert_eq!(
            String::from_utf8(w.finish().unwrap()).unwrap(),
            "label,difference\r\n'-1,-1.25000\r\nx,4.30000e-11\r\nx,-2.1e-5\r\nx,\r\nx,'-1+A1\r\nx,'=1\r\n"
        );
    }

    #[test]
    fn shift_jis_round_trips_japanese_and_names_what_it_cannot_hold() {
        let bytes = write(Encoding::ShiftJis, &[&["v1", "安心・安全 — ①\u{301C}"]]).unwrap();
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors);
        // The em dash comes back as Windows-31J's horizontal bar, which looks the same.
        assert_eq!(text, "id,label\r\nv1,安心・安全 \u{2015} ①\u{FF5E}\r\n");
        let err = write(Encoding::ShiftJis, &[&["v1", "ok"], &["v2", "🙂 emoji"]]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 3, column `label`: the character `🙂` cannot be written in shift_jis; export as utf-8-bom instead"
        );
    }

    #[test]
    fn replacement_is_explicit_and_counted() {
        let mut w = CsvWriter::with_policy(
            Vec::new(),
            Encoding::ShiftJis,
            Unencodable::Replace,
            &["id", "label"],
        )
        .unwrap();
        w.write(&["v1", "🙂 ok 🙂"]).unwrap();
        assert_eq!(w.replaced(), 2);
        let bytes = w.finish().unwrap();
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors);
        assert_eq!(text, "id,label\r\nv1,〓 ok 〓\r\n");
        assert_eq!("replace".parse(), Ok(Unencodable::Replace));
        assert!(
            "x".parse::<Unencodable>()
                .unwrap_err()
                .contains("fail, replace")
        );
    }

    #[test]
    fn encodings_parse_with_the_allowed_values_listed() {
        assert_eq!("utf-8-bom".parse(), Ok(Encoding::Utf8Bom));
        assert_eq!("shift_jis".parse(), Ok(Encoding::ShiftJis));
        let err = "latin1".parse::<Encoding>().unwrap_err();
        assert!(err.contains("utf-8-bom, utf-8, shift_jis"), "{err}");
    }
}
