//! Postal random-sample waves (`access = "code"`): making access codes, the printer's CSV
//! with QR codes, the print-ready letters and the thanks-and-reminder postcard. Shared by
//! the CLI (`citizen-survey codes …`).
//!
//! The codes exist in clear only in what this module writes for the printer; the database
//! keeps their hashes (see [`crate::db::access_codes`]). Nothing here knows an address.

use std::io::Write;
use std::path::{Path, PathBuf};

use askama::Template;
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

/// Makes `count` fresh codes for the wave and stores their hashes (in one transaction).
pub fn generate(conn: &mut Conn, wave: &Wave, count: usize) -> anyhow::Result<Vec<AccessCode>> {
    require_code_wave(wave)?;
    anyhow::ensure!(
        (1..=MAX_COUNT).contains(&count),
        "--count must be between 1 and {MAX_COUNT}"
    );
    let codes: Vec<AccessCode> = (0..count).map(|_| AccessCode::generate()).collect();
    db::access_codes::insert(conn, &wave.id, &codes)?;
    Ok(codes)
}

/// Writes the printer's CSV (UTF-8 with BOM, CRLF): one row per code with its link and,
/// when `qr_dir` is given, the SVG file of its QR code written there.
pub fn write_csv<W: Write>(
    out: W,
    wave: &Wave,
    codes: &[AccessCode],
    base_url: &str,
    qr_dir: Option<(&Path, &str)>,
) -> anyhow::Result<W> {
    let mut csv = CsvWriter::with_policy(out, Encoding::Utf8Bom, Unencodable::Fail, &CSV_HEADER)
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
        csv.write(&[code.grouped(), url, file, wave.id.clone()])
            .map_err(export_error)?;
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
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let typed = record.get(column).unwrap_or_default();
        let code = AccessCode::parse(typed).map_err(|p| {
            anyhow::anyhow!("line {}: `{typed}` is not an access code ({p:?})", i + 2)
        })?;
        codes.push(code);
    }
    Ok(codes)
}

/// One letter: everything the resident reads besides the wave's own texts.
pub struct LetterView {
    pub code: String,
    pub url: String,
    pub qr: String,
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
}

/// Print-ready letters, one A4 page per code (HTML with `@page` CSS; print from a browser
/// or headless Chromium).
pub fn letters(wave: &Wave, codes: &[AccessCode], base_url: &str) -> anyhow::Result<String> {
    require_code_wave(wave)?;
    let letters = codes
        .iter()
        .map(|code| {
            let url = code_url(base_url, code);
            Ok(LetterView {
                code: code.grouped(),
                qr: inline_svg(&url)?,
                url,
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
        entry_url: entry_url(base_url),
        letters,
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
}

/// The thanks-and-reminder postcard sent to everyone sampled a week after the letter (the
/// city cannot know who answered): the same card for all, with no code on it.
pub fn postcard(wave: &Wave, base_url: &str) -> anyhow::Result<String> {
    require_code_wave(wave)?;
    let page = PostcardPage {
        title: &wave.title,
        contact: wave.contact.as_ref(),
        closes_ja: i18n::date(Lang::Ja, wave.closes),
        closes_en: i18n::date(Lang::En, wave.closes),
        entry_url: entry_url(base_url),
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
        let bytes = write_csv(Vec::new(), &wave, &codes, "https://survey.example/", None).unwrap();
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
