//! Reading a sampling frame (the register extract) as a stream: one record at a time, only
//! the id and the stratifying columns decoded, nothing kept but what the caller keeps.
//!
//! The frame is a CSV file with a header line, in UTF-8 (with or without BOM) or Shift_JIS
//! (Windows-31J), declared or detected: with [`FrameEncoding::Auto`] the first record that
//! is not plain ASCII decides (valid UTF-8 → UTF-8, else valid Shift_JIS → Shift_JIS), and
//! every later record must be valid in that encoding. Every field of every record is
//! checked, so a damaged or mixed file is refused with the line it goes wrong on.
//!
//! Error messages name lines and column names, never a value of the frame except a
//! stratum code (which must be one of the plan's codes): frames hold names and addresses.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use sha2::{Digest, Sha256};

/// The text encoding of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FrameEncoding {
    /// Decided by the first record that is not plain ASCII (module docs).
    #[default]
    Auto,
    Utf8,
    /// Windows-31J, as Japanese Excel and register systems write it.
    ShiftJis,
}

impl std::str::FromStr for FrameEncoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(FrameEncoding::Auto),
            "utf-8" | "utf8" | "utf-8-bom" => Ok(FrameEncoding::Utf8),
            "shift-jis" | "sjis" | "windows-31j" | "cp932" => Ok(FrameEncoding::ShiftJis),
            _ => Err(format!(
                "unknown frame encoding `{s}`: use auto, utf-8 or shift_jis"
            )),
        }
    }
}

impl fmt::Display for FrameEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FrameEncoding::Auto => "auto (plain ASCII so far)",
            FrameEncoding::Utf8 => "UTF-8",
            FrameEncoding::ShiftJis => "Shift_JIS",
        })
    }
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("reading the frame failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the frame is empty: a header line is expected")]
    Empty,
    #[error("line 1: the frame has no column `{column}` (its columns: {columns})")]
    MissingColumn { column: String, columns: String },
    #[error("line 1: column `{column}` appears twice in the header")]
    DuplicateColumn { column: String },
    #[error("line {line}: expected {expected} fields as in the header, found {found}")]
    FieldCount {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("line {line}: not valid CSV ({message})")]
    Csv { line: u64, message: String },
    #[error(
        "line {line}: the text is not valid {encoding}{since}; save the frame as UTF-8 or Shift_JIS (and say which with --encoding)"
    )]
    Encoding {
        line: u64,
        encoding: FrameEncoding,
        since: String,
    },
    #[error("line {line}: the text is neither UTF-8 nor Shift_JIS; save the frame as one of them")]
    UnknownEncoding { line: u64 },
    #[error("line {line}: column `{column}` is empty")]
    EmptyField { line: u64, column: String },
}

/// One record of the frame as the caller sees it.
#[derive(Debug)]
pub struct FrameRecord<'a> {
    /// The line the record starts on (1-based; the header is line 1).
    pub line: u64,
    pub id: &'a str,
    /// The stratifying columns' values joined by [`KEY_SEPARATOR`].
    pub stratum: &'a str,
}

/// Joins the values of several stratifying columns into one lookup key.
pub const KEY_SEPARATOR: char = '\u{1f}';

/// What was read, besides the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameSummary {
    /// Data records (without the header).
    pub records: u64,
    /// The encoding used: declared, or detected ([`FrameEncoding::Auto`] when the file
    /// is plain ASCII).
    pub encoding: FrameEncoding,
    /// SHA-256 of the file's bytes, hex: identifies the frame in the sampling record
    /// without keeping anything of it.
    pub sha256: String,
}

/// Feeds every byte read through SHA-256.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Streams the frame: checks the header has `id_column` and every column of `by`, then
/// calls `visit` once per data record, in file order. Stops at the first problem (of the
/// file or returned by `visit`).
pub fn read_frame<R: Read, E: From<FrameError>>(
    reader: R,
    encoding: FrameEncoding,
    id_column: &str,
    by: &[String],
    mut visit: impl FnMut(FrameRecord<'_>) -> Result<(), E>,
) -> Result<FrameSummary, E> {
    let mut input = BufReader::with_capacity(
        256 * 1024,
        Hashing {
            inner: reader,
            hash: Sha256::new(),
        },
    );
    let mut encoding = encoding;
    let mut decided_at: Option<u64> = None;
    // A UTF-8 byte-order mark decides the encoding.
    let bom = input
        .fill_buf()
        .map_err(FrameError::from)?
        .starts_with(b"\xef\xbb\xbf");
    if bom {
        input.consume(3);
        if encoding == FrameEncoding::Auto {
            encoding = FrameEncoding::Utf8;
            decided_at = Some(1);
        }
    }
    let mut csv = Records::new(input);
    let Some(_) = csv.read()? else {
        return Err(FrameError::Empty.into());
    };
    check_encoding(csv.record(), 1, &mut encoding, &mut decided_at)?;
    let header: Vec<String> = (0..csv.len())
        .map(|i| decode(csv.field(i), encoding).trim().to_string())
        .collect();
    let find = |column: &str| -> Result<usize, FrameError> {
        let mut at = header.iter().enumerate().filter(|(_, h)| *h == column);
        match (at.next(), at.next()) {
            (Some((i, _)), None) => Ok(i),
            (Some(_), Some(_)) => Err(FrameError::DuplicateColumn {
                column: column.to_string(),
            }),
            (None, _) => Err(FrameError::MissingColumn {
                column: column.to_string(),
                columns: header.join(","),
            }),
        }
    };
    let id_at = find(id_column)?;
    let by_at: Vec<usize> = by.iter().map(|c| find(c)).collect::<Result<_, _>>()?;
    let width = header.len();

    let mut records = 0u64;
    let mut id = String::new();
    let mut stratum = String::new();
    while let Some(line) = csv.read()? {
        if csv.len() != width {
            return Err(FrameError::FieldCount {
                line,
                expected: width,
                found: csv.len(),
            }
            .into());
        }
        check_encoding(csv.record(), line, &mut encoding, &mut decided_at)?;
        id.clear();
        id.push_str(decode(csv.field(id_at), encoding).trim());
        if id.is_empty() {
            return Err(FrameError::EmptyField {
                line,
                column: id_column.to_string(),
            }
            .into());
        }
        stratum.clear();
        for (k, &at) in by_at.iter().enumerate() {
            let value = decode(csv.field(at), encoding);
            let value = value.trim();
            if value.is_empty() {
                return Err(FrameError::EmptyField {
                    line,
                    column: by[k].clone(),
                }
                .into());
            }
            if k > 0 {
                stratum.push(KEY_SEPARATOR);
            }
            stratum.push_str(value);
        }
        records += 1;
        visit(FrameRecord {
            line,
            id: &id,
            stratum: &stratum,
        })?;
    }
    // Drain whatever the CSV reader did not need, so the digest covers the whole file.
    let mut input = csv.input;
    std::io::copy(&mut input, &mut std::io::sink()).map_err(FrameError::from)?;
    let digest = input.into_inner().hash.finalize();
    Ok(FrameSummary {
        records,
        encoding,
        sha256: hex::encode(digest),
    })
}

/// CSV records with the line each starts on, counted here: the `csv` crate's positions
/// lag behind after CRLF line ends and skipped blank lines, and operators must be told
/// the line their editor shows. Quoted fields may span lines; blank lines are skipped.
struct Records<R: BufRead> {
    input: R,
    core: csv_core::Reader,
    /// The line of the next byte to be read (1-based).
    line: u64,
    /// The current record's fields back to back, and where each ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
}

impl<R: BufRead> Records<R> {
    fn new(input: R) -> Self {
        Records {
            input,
            core: csv_core::Reader::new(),
            line: 1,
            fields: vec![0; 4096],
            ends: vec![0; 64],
            len: 0,
        }
    }

    /// Reads the next record; its first line, or `None` at the end.
    fn read(&mut self) -> Result<Option<u64>, FrameError> {
        use csv_core::ReadRecordResult::*;
        let (mut out, mut ends) = (0, 0);
        let mut start: Option<u64> = None;
        loop {
            let input = self.input.fill_buf()?;
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.fields[out..], &mut self.ends[ends..]);
            let consumed = &input[..nin];
            let mut rest = consumed;
            if start.is_none() {
                // Line ends before the record's first byte belong to earlier lines.
                let skip = consumed
                    .iter()
                    .position(|&b| b != b'\n' && b != b'\r')
                    .unwrap_or(consumed.len());
                self.line += consumed[..skip].iter().filter(|&&b| b == b'\n').count() as u64;
                if skip < consumed.len() {
                    start = Some(self.line);
                }
                rest = &consumed[skip..];
            }
            self.line += rest.iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.consume(nin);
            out += nout;
            ends += nend;
            match result {
                InputEmpty => continue,
                OutputFull => {
                    let grown = self.fields.len() * 2;
                    self.fields.resize(grown, 0);
                }
                OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                Record => {
                    self.len = ends;
                    return Ok(Some(start.unwrap_or(self.line)));
                }
                End => return Ok(None),
            }
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn field(&self, i: usize) -> &[u8] {
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.fields[from..self.ends[i]]
    }

    /// The whole record's bytes (fields without separators or quotes).
    fn record(&self) -> &[u8] {
        &self.fields[..if self.len == 0 {
            0
        } else {
            self.ends[self.len - 1]
        }]
    }
}

/// Checks every byte of the record against the encoding, deciding it on the first record
/// that is not ASCII when it is [`FrameEncoding::Auto`].
fn check_encoding(
    bytes: &[u8],
    line: u64,
    encoding: &mut FrameEncoding,
    decided_at: &mut Option<u64>,
) -> Result<(), FrameError> {
    if bytes.is_ascii() {
        return Ok(());
    }
    let utf8 = || std::str::from_utf8(bytes).is_ok();
    let sjis = || valid_shift_jis(bytes);
    let since = |decided_at: &Option<u64>| match decided_at {
        Some(l) => format!(" (the file was read as {} from line {l})", *encoding),
        None => String::new(),
    };
    match *encoding {
        FrameEncoding::Auto => {
            if utf8() {
                *encoding = FrameEncoding::Utf8;
            } else if sjis() {
                *encoding = FrameEncoding::ShiftJis;
            } else {
                return Err(FrameError::UnknownEncoding { line });
            }
            *decided_at = Some(line);
            Ok(())
        }
        FrameEncoding::Utf8 if !utf8() => Err(FrameError::Encoding {
            line,
            encoding: *encoding,
            since: since(decided_at),
        }),
        FrameEncoding::ShiftJis if !sjis() => Err(FrameError::Encoding {
            line,
            encoding: *encoding,
            since: since(decided_at),
        }),
        _ => Ok(()),
    }
}

/// Whether the bytes are valid Shift_JIS (Windows-31J as the WHATWG decoder reads it),
/// decoded in pieces into a small buffer so that a record costs no allocation.
fn valid_shift_jis(bytes: &[u8]) -> bool {
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut buf = [0u8; 1024];
    let mut rest = bytes;
    loop {
        let (result, read, _) = decoder.decode_to_utf8_without_replacement(rest, &mut buf, true);
        match result {
            encoding_rs::DecoderResult::InputEmpty => return true,
            encoding_rs::DecoderResult::Malformed(_, _) => return false,
            encoding_rs::DecoderResult::OutputFull => rest = &rest[read..],
        }
    }
}

/// A field as text in an encoding it was checked against.
fn decode(bytes: &[u8], encoding: FrameEncoding) -> Cow<'_, str> {
    match encoding {
        FrameEncoding::ShiftJis => encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0,
        _ => String::from_utf8_lossy(bytes),
    }
}

/// Strata (their values, one per stratifying column) and their record counts.
pub type StratumCounts = Vec<(Vec<String>, u64)>;

/// The records per stratum of a frame, in order of first appearance: to make a plan from
/// the frame itself (`sample plan --frame`).
pub fn count_strata<R: Read>(
    reader: R,
    encoding: FrameEncoding,
    id_column: &str,
    by: &[String],
) -> Result<(StratumCounts, FrameSummary), FrameError> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(Vec<String>, u64)> = Vec::new();
    let summary = read_frame::<_, FrameError>(reader, encoding, id_column, by, |r| {
        match index.get(r.stratum) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(r.stratum.to_string(), out.len());
                out.push((
                    r.stratum.split(KEY_SEPARATOR).map(String::from).collect(),
                    1,
                ));
            }
        }
        Ok(())
    })?;
    Ok((out, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, id, stratum values joined by `/`) per record.
    type Rows = Vec<(u64, String, String)>;

    fn read(bytes: &[u8], encoding: FrameEncoding) -> Result<(Rows, FrameSummary), FrameError> {
        let mut rows = Vec::new();
        let by = vec!["area".to_string(), "sex".to_string()];
        let s = read_frame::<_, FrameError>(bytes, encoding, "id", &by, |r| {
            rows.push((
                r.line,
                r.id.to_string(),
                r.stratum.replace(KEY_SEPARATOR, "/"),
            ));
            Ok(())
        })?;
        Ok((rows, s))
    }

    #[test]
    fn reads_utf8_with_bom_quotes_and_blank_lines() {
        let text = "\u{feff}name,id,area,sex\r\n\"山田, 花子\",001,north,f\r\n\r\n\"a\nb\",002,south,m\r\n";
        let (rows, s) = read(text.as_bytes(), FrameEncoding::Auto).unwrap();
        assert_eq!(
            rows,
            [
                (2, "001".to_string(), "north/f".to_string()),
                (4, "002".to_string(), "south/m".to_string())
            ]
        );
        assert_eq!(s.records, 2);
        assert_eq!(s.encoding, FrameEncoding::Utf8);
        assert_eq!(s.sha256, hex::encode(Sha256::digest(text.as_bytes())));
    }

    #[test]
    fn detects_shift_jis() {
        let text = "id,area,sex,name\n1,north,f,abc\n2,北,m,山田\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let (rows, s) = read(&sjis, FrameEncoding::Auto).unwrap();
        assert_eq!(s.encoding, FrameEncoding::ShiftJis);
        assert_eq!(rows[1].2, "北/m");
        let (rows, _) = read(&sjis, FrameEncoding::ShiftJis).unwrap();
        assert_eq!(rows[1].2, "北/m");
        // Declared UTF-8: refused at line 3.
        let err = read(&sjis, FrameEncoding::Utf8).unwrap_err();
        assert!(matches!(err, FrameError::Encoding { line: 3, .. }), "{err}");
    }

    #[test]
    fn a_mixed_file_is_refused_where_it_changes() {
        let mut bytes = "id,area,sex\n1,北,f\n2,south,m\n".as_bytes().to_vec();
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("3,南,f\n");
        bytes.extend_from_slice(&sjis);
        let err = read(&bytes, FrameEncoding::Auto).unwrap_err();
        assert!(matches!(err, FrameError::Encoding { line: 4, .. }), "{err}");
        assert!(err.to_string().contains("from line 2"), "{err}");
        let err = read(b"id,area,sex\n1,\xff\xff,f\n", FrameEncoding::Auto).unwrap_err();
        assert!(
            matches!(err, FrameError::UnknownEncoding { line: 2 }),
            "{err}"
        );
    }

    #[test]
    fn bad_records_name_their_line_and_not_their_content() {
        let err = |t: &str| {
            read(t.as_bytes(), FrameEncoding::Auto)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("id,area\n"),
            "line 1: the frame has no column `sex` (its columns: id,area)"
        );
        assert_eq!(err(""), "the frame is empty: a header line is expected");
        assert_eq!(
            err("id,area,sex,id\n"),
            "line 1: column `id` appears twice in the header"
        );
        assert_eq!(
            err("id,area,sex\n1,north,f\n2,north\n"),
            "line 3: expected 3 fields as in the header, found 2"
        );
        assert_eq!(
            err("id,area,sex\n ,north,f\n"),
            "line 2: column `id` is empty"
        );
        assert_eq!(
            err("id,area,sex\nSecret Name,,f\n"),
            "line 2: column `area` is empty"
        );
    }

    #[test]
    fn counts_strata_in_order_of_appearance() {
        let (counts, s) = count_strata(
            "id,area\n1,b\n2,a\n3,b\n".as_bytes(),
            FrameEncoding::Auto,
            "id",
            &["area".to_string()],
        )
        .unwrap();
        assert_eq!(
            counts,
            vec![(vec!["b".to_string()], 2), (vec!["a".to_string()], 1)]
        );
        assert_eq!(s.records, 3);
        assert_eq!(s.encoding, FrameEncoding::Auto);
    }
}
