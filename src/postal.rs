//! Postal random-sample waves (`access = "code"`): making access codes, the printer's CSV
//! with QR codes, the print-ready letters and the thanks-and-reminder postcard. Shared by
//! the CLI (`citizen-survey codes …`).
//!
//! The codes exist in clear only in what this module writes for the printer; the database
//! keeps their hashes (see [`crate::db::access_codes`]). Nothing here knows an address.

use std::io::Write;
use std::path::{Path, PathBuf};

use askama::Template;
use diesel::Connection;
use qrcode::QrCode;
use qrcode::render::svg;

use crate::db::{self, Conn};
use crate::definitions::{Access, Text, Wave};
use crate::domain::{AccessCode, Lang};
use crate::export::{CsvWriter, Encoding, ExportError, Unencodable};
use crate::i18n;

/// Most codes made by one command (a sample is 2,000–5,000 letters).
pub const MAX_COUNT: usize = 100_000;

/// The header of the printer's CSV.
pub const CSV_HEADER: [&str; 4] = ["code", "url", "qr_svg_file", "wave_id"];

/// Refuses waves that do not take codes, with what to change.
pub fn require_code_wave(wave: &Wave) -> anyhow::Result<()> {
    anyhow::ensure!(
        wave.access == Access::Code,
        "wave `{}` is `access = \"{}\"`: set `access = \"code\"` (and a `contact` line) in its definition to mail access codes",
        wave.id,
        wave.access.name()
    );
    Ok(())
}

/// The link a QR code holds: `PUBLIC_BASE_URL/c/{code}`.
pub fn code_url(base_url: &str, code: &AccessCode) -> String {
    format!("{}/c/{}", base_url.trim_end_matches('/'), code.as_str())
}

/// The page where a resident types the code: `PUBLIC_BASE_URL/c`.
pub fn entry_url(base_url: &str) -> String {
    format!("{}/c", base_url.trim_end_matches('/'))
}

/// The QR code of a link as an SVG document (black on white, quiet zone included).
pub fn qr_svg(url: &str) -> anyhow::Result<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("cannot make a QR code of {url}: {e}"))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The same SVG without its XML prolog, to place inside an HTML page.
fn inline_svg(url: &str) -> anyhow::Result<String> {
    let svg = qr_svg(url)?;
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

/// What `--rehearsal` prints on every page and puts in the printer's CSV.
pub const SAMPLE_MARK: &str = "見本 SAMPLE";

/// Refuses a base URL residents cannot reach (unset, loopback, or not `https://`) unless
/// this is a rehearsal: a wrong mailing means reprinting and re-mailing every letter.
/// `default` says that the value is the setting's default (it was not set).
pub fn check_base_url(url: &str, default: bool, rehearsal: bool) -> anyhow::Result<()> {
    if rehearsal {
        return Ok(());
    }
    let trimmed = url.trim();
    let problem = if trimmed.is_empty() {
        Some("is not set".to_string())
    } else if is_loopback(trimmed) {
        Some(format!(
            "is `{trimmed}`{}, an address of this computer that residents cannot reach",
            if default {
                " (the default, as it is not set)"
            } else {
                ""
            }
        ))
    } else if !trimmed.starts_with("https://") {
        Some(format!(
            "is `{trimmed}`, not an https:// address (residents' answers must travel encrypted)"
        ))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => anyhow::bail!(
            "PUBLIC_BASE_URL {problem}: every letter and QR code would carry it, and a wrong mailing means reprinting and re-mailing every letter. Set PUBLIC_BASE_URL (or --public-base-url) to the https:// address residents reach, e.g. PUBLIC_BASE_URL=https://survey.city.example, or add --rehearsal for a trial run (every page is then printed {SAMPLE_MARK}). Nothing was written."
        ),
    }
}

/// Whether the URL's host is this computer (localhost, 127.0.0.0/8, ::1, 0.0.0.0).
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty() || host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => false,
    }
}

/// Makes `count` fresh codes for the wave as its next mailing and stores their hashes
/// (in one transaction); returns the mailing and the codes.
pub fn generate(
    conn: &mut Conn,
    wave: &Wave,
    count: usize,
    label: Option<&str>,
    today: chrono::NaiveDate,
    rehearsal: bool,
) -> anyhow::Result<(db::access_codes::Mailing, Vec<AccessCode>)> {
    require_code_wave(wave)?;
    anyhow::ensure!(
        (1..=MAX_COUNT).contains(&count),
        "--count must be between 1 and {MAX_COUNT}"
    );
    let codes: Vec<AccessCode> = (0..count).map(|_| AccessCode::generate()).collect();
    let mailing = conn.transaction(|conn| {
        let mailing = db::access_codes::new_mailing(conn, &wave.id, label, today, rehearsal)?;
        db::access_codes::insert(conn, &wave.id, mailing.number, &codes)?;
        diesel::QueryResult::Ok(mailing)
    })?;
    Ok((mailing, codes))
}

/// Writes the printer's CSV (UTF-8 with BOM, CRLF): one row per code with its link and,
/// when `qr_dir` is given, the SVG file of its QR code written there. A rehearsal's CSV
/// has a fifth column, `rehearsal`, saying [`SAMPLE_MARK`] on every row.
pub fn write_csv<W: Write>(
    out: W,
    wave: &Wave,
    codes: &[AccessCode],
    base_url: &str,
    qr_dir: Option<(&Path, &str)>,
    rehearsal: bool,
) -> anyhow::Result<W> {
    let mut header: Vec<&str> = CSV_HEADER.to_vec();
    if rehearsal {
        header.push("rehearsal");
    }
    let mut csv = CsvWriter::with_policy(out, Encoding::Utf8Bom, Unencodable::Fail, &header)
        .map_err(export_error)?;
    if let Some((dir, _)) = qr_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    for code in codes {
        let url = code_url(base_url, code);
        let file = match qr_dir {
            Some((dir, relative)) => {
                let name = format!("{}.svg", code.grouped());
                let path: PathBuf = dir.join(&name);
                std::fs::write(&path, qr_svg(&url)?)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                format!("{relative}/{name}")
            }
            None => String::new(),
        };
        let mut row = vec![code.grouped(), url, file, wave.id.clone()];
        if rehearsal {
            row.push(SAMPLE_MARK.to_string());
        }
        csv.write(&row).map_err(export_error)?;
    }
    csv.finish().map_err(export_error)
}

fn export_error(e: ExportError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Reads the `code` column of a printer's CSV (as written by [`write_csv`], or any CSV
/// with such a column, UTF-8 with or without BOM). Every code is checked.
pub fn read_codes_csv(text: &str) -> anyhow::Result<Vec<AccessCode>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let column = reader
        .headers()?
        .iter()
        .position(|h| h.trim() == "code")
        .ok_or_else(|| anyhow::anyhow!("the CSV has no `code` column"))?;
    let mut codes = Vec::new();
    for record in reader.records() {
        let record = record?;
        let line = record_line(text, &record);
        let typed = record.get(column).unwrap_or_default();
        let code = AccessCode::parse(typed)
            .map_err(|p| anyhow::anyhow!("line {line}: `{typed}` is not an access code ({p:?})"))?;
        codes.push(code);
    }
    Ok(codes)
}

/// The (physical, 1-based) line a record starts on, the header being line 1: from its
/// byte offset, past a line break the reader had not consumed yet (CRLF).
fn record_line(text: &str, record: &csv::StringRecord) -> u64 {
    let mut start = record
        .position()
        .map_or(0, |p| p.byte() as usize)
        .min(text.len());
    while text[start..].starts_with(['\r', '\n']) {
        start += 1;
    }
    text[..start].matches('\n').count() as u64 + 1
}

/// One row of the printer's CSV: its line, the code and the link its QR code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterRow {
    pub line: u64,
    pub code: AccessCode,
    pub url: String,
}

/// The printer's CSV as `codes sheet` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterCsv {
    pub rows: Vec<PrinterRow>,
    /// The address every link starts with (`…/c/{code}` without `/{code}` and `/c`).
    pub base_url: String,
    /// Written by `codes generate --rehearsal`.
    pub rehearsal: bool,
}

/// Reads a printer's CSV written by [`write_csv`]: every row's code, its `url` (which must
/// be the code's link, all on one address) and its `wave_id` (which must be `wave_id`).
/// Every problem is reported with its line; nothing is returned while there is one.
pub fn read_printer_csv(text: &str, wave_id: &str) -> anyhow::Result<PrinterCsv> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(code_col), Some(url_col)) = (column("code"), column("url")) else {
        anyhow::bail!(
            "the CSV needs the `code` and `url` columns of the file `codes generate` wrote (header: {})",
            CSV_HEADER.join(",")
        );
    };
    let wave_col = column("wave_id");
    let rehearsal = column("rehearsal").is_some();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut base_url: Option<(String, u64)> = None;
    for record in reader.records() {
        let record = record?;
        let line = record_line(text, &record);
        let typed = record.get(code_col).unwrap_or_default();
        let code = match AccessCode::parse(typed) {
            Ok(code) => code,
            Err(p) => {
                problems.push(format!(
                    "line {line}: `{typed}` is not an access code ({p:?})"
                ));
                continue;
            }
        };
        if let Some(w) = wave_col.and_then(|c| record.get(c))
            && w.trim() != wave_id
        {
            problems.push(format!(
                "line {line}: code {} is of wave `{}`, not `{wave_id}`",
                code.grouped(),
                w.trim()
            ));
        }
        let url = record.get(url_col).unwrap_or_default().trim().to_string();
        let suffix = format!("/c/{}", code.as_str());
        match url.strip_suffix(&suffix) {
            Some(base) if !base.is_empty() => match &base_url {
                None => base_url = Some((base.to_string(), line)),
                Some((first, first_line)) if first != base => problems.push(format!(
                    "line {line}: the link `{url}` is on `{base}`, line {first_line}'s on `{first}`: one mailing, one address"
                )),
                Some(_) => {}
            },
            _ => problems.push(format!(
                "line {line}: the url `{url}` is not the link of code {} (it ends in {suffix})",
                code.grouped()
            )),
        }
        rows.push(PrinterRow { line, code, url });
    }
    if !problems.is_empty() {
        anyhow::bail!("{}", problem_list(&problems));
    }
    let Some((base_url, _)) = base_url else {
        anyhow::bail!("the CSV has no codes");
    };
    Ok(PrinterCsv {
        rows,
        base_url,
        rehearsal,
    })
}

/// Problems one per line, the first 50 of them and how many more.
pub fn problem_list(problems: &[String]) -> String {
    let mut text = problems
        .iter()
        .take(50)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    if problems.len() > 50 {
        text.push_str(&format!("\n… and {} more", problems.len() - 50));
    }
    format!("{} problem(s):\n{text}", problems.len())
}

/// One letter: everything the resident reads besides the wave's own texts.
pub struct LetterView {
    pub code: String,
    pub url: String,
    pub qr: String,
}

/// A one-line note, in a language the form offers besides Japanese and English, that the
/// survey can be answered in it (from `letter_other_language` in the language's locale).
pub struct LanguageNote {
    pub tag: &'static str,
    pub html: String,
}

/// The notes of every resident language but Japanese and English, in the order of
/// `locales/languages.toml`.
pub fn language_notes() -> Vec<LanguageNote> {
    Lang::all()
        .filter(|l| !matches!(l.code(), "ja" | "en"))
        .map(|l| LanguageNote {
            tag: l.tag(),
            html: crate::i18n::furigana::html(
                &i18n::t(l, "letter_other_language"),
                l.furigana() == crate::i18n::Furigana::Always,
            ),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "print/letters.html")]
pub struct LettersPage<'a> {
    pub wave_id: &'a str,
    pub title: &'a Text,
    pub intro: Option<&'a Text>,
    pub contact: Option<&'a Text>,
    pub period_ja: String,
    pub period_en: String,
    pub closes_ja: String,
    pub closes_en: String,
    pub entry_url: String,
    pub letters: Vec<LetterView>,
    pub languages: Vec<LanguageNote>,
    pub rehearsal: bool,
    pub sample_mark: &'static str,
}

/// Print-ready letters, one A4 page per row of the printer's CSV, each with the link and
/// QR code of its row (HTML with `@page` CSS; print from a browser or headless Chromium).
/// A rehearsal prints [`SAMPLE_MARK`] on every page.
pub fn letters(wave: &Wave, csv: &PrinterCsv, rehearsal: bool) -> anyhow::Result<String> {
    require_code_wave(wave)?;
    let letters = csv
        .rows
        .iter()
        .map(|row| {
            Ok(LetterView {
                code: row.code.grouped(),
                qr: inline_svg(&row.url)?,
                url: row.url.clone(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let page = LettersPage {
        wave_id: &wave.id,
        title: &wave.title,
        intro: wave.intro.as_ref(),
        contact: wave.contact.as_ref(),
        period_ja: i18n::period(Lang::Ja, wave.opens, wave.closes),
        period_en: i18n::period(Lang::En, wave.opens, wave.closes),
        closes_ja: i18n::date(Lang::Ja, wave.closes),
        closes_en: i18n::date(Lang::En, wave.closes),
        entry_url: entry_url(&csv.base_url),
        letters,
        languages: language_notes(),
        rehearsal: rehearsal || csv.rehearsal,
        sample_mark: SAMPLE_MARK,
    };
    Ok(page.render()?)
}

#[derive(Template)]
#[template(path = "print/postcard.html")]
pub struct PostcardPage<'a> {
    pub title: &'a Text,
    pub contact: Option<&'a Text>,
    pub closes_ja: String,
    pub closes_en: String,
    pub entry_url: String,
    pub rehearsal: bool,
    pub sample_mark: &'static str,
}

/// The thanks-and-reminder postcard sent to everyone sampled a week after the letter (the
/// city cannot know who answered): the same card for all, with no code on it.
pub fn postcard(wave: &Wave, base_url: &str, rehearsal: bool) -> anyhow::Result<String> {
    require_code_wave(wave)?;
    let page = PostcardPage {
        title: &wave.title,
        contact: wave.contact.as_ref(),
        closes_ja: i18n::date(Lang::Ja, wave.closes),
        closes_en: i18n::date(Lang::En, wave.closes),
        entry_url: entry_url(base_url),
        rehearsal,
        sample_mark: SAMPLE_MARK,
    };
    Ok(page.render()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printers_csv_round_trips_its_codes() {
        let defs = crate::definitions::load_dir(Path::new("survey-definitions")).unwrap();
        let mut wave = defs.wave("2026-midterm").unwrap().clone();
        wave.access = Access::Code;
        let codes: Vec<AccessCode> = (0..3).map(|_| AccessCode::generate()).collect();
        let bytes = write_csv(
            Vec::new(),
            &wave,
            &codes,
            "https://survey.example/",
            None,
            false,
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("\u{feff}code,url,qr_svg_file,wave_id\r\n"),
            "{text}"
        );
        assert!(text.contains(&format!(
            "{},https://survey.example/c/{},,2026-midterm\r\n",
            codes[0].grouped(),
            codes[0].as_str()
        )));
        assert_eq!(read_codes_csv(&text).unwrap(), codes);
        let csv = read_printer_csv(&text, "2026-midterm").unwrap();
        assert_eq!(csv.base_url, "https://survey.example");
        assert!(!csv.rehearsal);
        assert_eq!(csv.rows[2].line, 4);
        assert_eq!(
            csv.rows[0].url,
            code_url("https://survey.example", &codes[0])
        );
        assert!(read_printer_csv(&text, "2028-final").is_err());
    }

    #[test]
    fn only_an_https_address_residents_reach_is_accepted_for_letters() {
        for bad in [
            "",
            "http://127.0.0.1:8080",
            "https://127.0.0.1",
            "https://localhost:8443/",
            "https://[::1]:8080",
            "https://0.0.0.0",
            "http://survey.city.example",
        ] {
            let e = check_base_url(bad, false, false).unwrap_err().to_string();
            assert!(
                e.contains("PUBLIC_BASE_URL") && e.contains("--rehearsal"),
                "{bad}: {e}"
            );
            check_base_url(bad, false, true).unwrap();
        }
        assert!(
            check_base_url("http://127.0.0.1:8080", true, false)
                .unwrap_err()
                .to_string()
                .contains("the default, as it is not set")
        );
        check_base_url("https://survey.city.example", false, false).unwrap();
        check_base_url("https://city.example/survey/", false, false).unwrap();
    }

    #[test]
    fn qr_codes_are_svg() {
        let svg = qr_svg("https://survey.example/c/ABCDEFGHJKMNPQRS").unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        assert!(
            inline_svg("https://x.example/c/A")
                .unwrap()
                .starts_with("<svg")
        );
    }
}
