//! `citizen-survey report --wave W [--compare W2] [--lang ja|en] --output DIR [--pdf]
//! [--public]`: writes report.html, report.xlsx and the 概要版 (summary.html, summary-ja-easy.html)
//! (and their PDFs) into DIR.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::{Edition, ReportOptions};
use crate::export::ExportContext;

#[derive(Debug, Args)]
pub struct ReportCommand {
    #[arg(long)]
    pub wave: String,
    /// Another wave to compare with (2026 ↔ 2028).
    #[arg(long)]
    pub compare: Option<String>,
    /// ja (default) or en.
    #[arg(long, default_value = "ja")]
    pub lang: String,
    /// Folder to write report.html, report.xlsx, summary*.html (and their PDFs) into; created if missing.
    #[arg(long)]
    pub output: PathBuf,
    /// Also print report.pdf and the summaries as PDF with headless Chromium.
    #[arg(long)]
    pub pdf: bool,
    /// The public edition: exactly the published suppression (the wave must be published).
    #[arg(long)]
    pub public: bool,
    /// Headless Chromium for --pdf.
    #[arg(long, env = "SURVEY_CHROMIUM", default_value = super::pdf::DEFAULT_CHROMIUM)]
    pub chromium: PathBuf,
}

/// What was written, with the sizes.
/// Where the report reads from: the definitions folder, the database, the minimum group.
pub struct Sources<'a> {
    pub definitions: &'a std::path::Path,
    pub database_url: &'a str,
    pub min_group_size: u64,
}

pub fn run(
    settings: &Sources<'_>,
    command: &ReportCommand,
    today: chrono::NaiveDate,
) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    let lang = crate::domain::Lang::parse(&command.lang)
        .filter(|l| l.code() == "ja" || l.code() == "en")
        .with_context(|| format!("unknown report language `{}`: use ja or en", command.lang))?;
    let defs = crate::definitions::load_dir(settings.definitions).map_err(|e| {
        anyhow::anyhow!(
            "the survey definitions in {} are invalid:\n{e}",
            settings.definitions.display()
        )
    })?;
    let find = |id: &str| {
        defs.wave(id).cloned().with_context(|| {
            let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
            format!("unknown wave `{id}`: use one of {}", known.join(", "))
        })
    };
    let wave = find(&command.wave)?;
    let compare = command.compare.as_deref().map(find).transpose()?;
    let meta = super::load_meta(settings.definitions, &defs).map_err(anyhow::Error::msg)?;
    let text = std::sync::Arc::new(
        crate::text::codebook::load_checked(settings.definitions, &defs)
            .map_err(anyhow::Error::msg)?,
    );
    if command.pdf && !command.chromium.is_file() {
        anyhow::bail!(
            "--pdf needs headless Chromium, which is not at {}: install it (Debian: apt-get install chromium) or name it with SURVEY_CHROMIUM=/path/to/chromium (or --chromium); nothing was written",
            command.chromium.display()
        );
    }
    let ctx = ExportContext::load(
        std::sync::Arc::new(defs),
        settings.definitions,
        settings.min_group_size,
    )
    .with_mask_rules(text.mask_rules.clone());
    let pool = crate::db::connect(settings.database_url)?;
    let options = ReportOptions {
        wave,
        compare,
        lang,
        edition: if command.public {
            Edition::Public
        } else {
            Edition::Internal
        },
        made_on: today,
        text,
    };
    let report = {
        let mut conn = pool.get()?;
        let edition = if command.public { "public" } else { "internal" };
        if let Err(e) = crate::db::audit::record(
            &mut conn,
            "command line",
            "report",
            Some(&options.wave.id),
            &format!("{edition} edition ({})", lang.code()),
        ) {
            tracing::warn!(error = %e, "the report could not be recorded in the audit log");
        }
        super::make(&mut conn, &ctx, &meta, &options)?
    };
    write_files(
        &report,
        &command.output,
        command.pdf.then_some(command.chromium.as_path()),
    )
}

/// Writes the files of `report` into `dir` (each beside its name first, then renamed, so a
/// failure leaves no half file).
pub fn write_files(
    report: &super::Report,
    dir: &Path,
    chromium: Option<&Path>,
) -> anyhow::Result<Vec<(PathBuf, u64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let put = |name: &str, bytes: &[u8]| -> anyhow::Result<PathBuf> {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    };
    let html = put("report.html", super::html::render(report).as_bytes())?;
    let xlsx = put("report.xlsx", &super::xlsx::write(report)?)?;
    let mut written = vec![html.clone(), xlsx];
    let mut summaries = Vec::new();
    for summary in &report.summaries {
        let path = put(&summary.file, super::summary::render(summary).as_bytes())?;
        summaries.push(path.clone());
        written.push(path);
    }
    if let Some(chromium) = chromium {
        for html in std::iter::once(&html).chain(&summaries) {
            let pdf = html.with_extension("pdf");
            super::pdf::print(chromium, html, &pdf)?;
            written.push(pdf);
        }
    }
    Ok(written
        .into_iter()
        .map(|p| {
            let size = std::fs::metadata(&p).map_or(0, |m| m.len());
            (p, size)
        })
        .collect())
}
