//! `report.pdf`: `report.html` printed by headless Chromium, which honours the report's
//! `@page` rules (A4, running title and page numbers in the margins) and writes a tagged
//! PDF with an outline of the headings. Chromium is found at `SURVEY_CHROMIUM`
//! (default `/usr/bin/chromium`); a missing one is a clear error naming the setting.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ReportError;

/// Where Chromium is looked for when `SURVEY_CHROMIUM` is not set.
pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// The command line that prints `html` to `pdf` (without the program).
pub fn arguments(html: &Path, pdf: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--no-pdf-header-footer".into(),
        "--generate-pdf-document-outline".into(),
        // No network: the report is self-contained, and nothing may leave the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND".into(),
        format!("--print-to-pdf={}", pdf.display()),
        format!("file://{}", html.display()),
    ]
}

/// Prints `html` (a file) to `pdf` with the Chromium at `chromium`.
pub fn print(chromium: &Path, html: &Path, pdf: &Path) -> Result<(), ReportError> {
    if !chromium.is_file() {
        return Err(ReportError::Refused(format!(
            "--pdf needs headless Chromium, which is not at {} : install it (Debian: apt-get install chromium) or name it with SURVEY_CHROMIUM=/path/to/chromium (or --chromium)",
            chromium.display()
        )));
    }
    let html: PathBuf = std::path::absolute(html)?;
    let pdf_abs: PathBuf = std::path::absolute(pdf)?;
    let profile = tempfile_dir()?;
    let output = Command::new(chromium)
        .args(arguments(&html, &pdf_abs))
        .arg(format!("--user-data-dir={}", profile.display()))
        .output()
        .map_err(|e| ReportError::Refused(format!("cannot run {}: {e}", chromium.display())));
    let _ = std::fs::remove_dir_all(&profile);
    let output = output?;
    let made = std::fs::metadata(&pdf_abs)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if !output.status.success() || !made {
        return Err(ReportError::Refused(format!(
            "{} did not print the PDF ({}): {}",
            chromium.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .join(" | ")
        )));
    }
    Ok(())
}

/// A fresh profile folder, so that a Chromium already running for the user is not reused.
fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("citizen-survey-chromium-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_chromium_is_a_clear_error_naming_the_setting() {
        let e = print(
            Path::new("/nonexistent/chromium"),
            Path::new("a.html"),
            Path::new("a.pdf"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("/nonexistent/chromium") && e.contains("SURVEY_CHROMIUM"),
            "{e}"
        );
        let args = arguments(Path::new("/r/report.html"), Path::new("/r/report.pdf"));
        assert!(args.contains(&"--no-pdf-header-footer".to_string()));
        assert!(args.contains(&"--print-to-pdf=/r/report.pdf".to_string()));
        assert_eq!(args.last().unwrap(), "file:///r/report.html");
    }
}
