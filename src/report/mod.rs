//! The 報告書: the document a city publishes after a 市民意識調査, generated from what the
//! product already computes — `report.html` (one self-contained A4 print document),
//! `report.xlsx` (one sheet per table family, native charts) and, on request, `report.pdf`
//! (headless Chromium). See docs/report.md.
//!
//! The path of a report: [`gather`] reads each wave from the database through the exports'
//! own functions; [`build`] turns that plain data into the [`model`] (pure, unit-tested);
//! [`html`] and [`xlsx`] render the model; [`pdf`] prints the HTML. Two editions:
//! [`Edition::Internal`] (full counts, for the office) and [`Edition::Public`] (the
//! published suppression, [`disclosure`]).

pub mod build;
pub mod charts;
pub mod chisq;
pub mod cli;
pub mod definition;
pub mod disclosure;
pub mod gather;
pub mod html;
pub mod model;
pub mod pdf;
pub mod sampling_error;
pub mod scatter;
pub mod strings;
pub mod summary;
pub mod tabulate;
pub mod xlsx;

use chrono::NaiveDate;

pub use model::{Edition, Report};

use crate::db;
use crate::definitions::Wave;
use crate::domain::Lang;
use crate::export::ExportContext;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// The request cannot be served as asked (unpublished wave for the public edition…).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("writing report.xlsx failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// What to make.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub wave: Wave,
    pub compare: Option<Wave>,
    pub lang: Lang,
    pub edition: Edition,
    pub made_on: NaiveDate,
    /// The comments' codebook and masking word lists (`survey-definitions/text/`): chapter
    /// Ⅵ's coded opinions, and the masking of the comments it lists.
    pub text: std::sync::Arc<crate::text::codebook::TextDefinitions>,
}

/// The report's metadata file (`report.toml`) of a definitions folder, checked; the errors
/// as `check` prints them.
pub fn load_meta(
    dir: &std::path::Path,
    defs: &crate::definitions::Definitions,
) -> Result<definition::ReportMeta, String> {
    let waves: Vec<&Wave> = defs.waves.iter().collect();
    match definition::load(dir, &defs.visions, &waves) {
        Ok(meta) => Ok(meta.unwrap_or_default()),
        Err(errors) => Err(errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// Reads the waves and builds the report (the connection is used only while reading).
pub fn make(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    meta: &definition::ReportMeta,
    options: &ReportOptions,
) -> Result<Report, ReportError> {
    if options.lang != Lang::Ja && options.lang != Lang::En {
        return Err(ReportError::Refused(format!(
            "the report is made in ja or en, not `{}`",
            options.lang.code()
        )));
    }
    if let Some(other) = &options.compare
        && other.id == options.wave.id
    {
        return Err(ReportError::Refused(format!(
            "--compare names the report's own wave `{}`: name the other wave",
            other.id
        )));
    }
    let mask = &options.text.mask_rules;
    let data = gather::gather(conn, ctx, &options.wave, options.edition, mask)?;
    let other = options
        .compare
        .as_ref()
        .map(|w| gather::gather(conn, ctx, w, options.edition, mask))
        .transpose()?;
    let snapshot = evaluation(conn, ctx, options)?;
    let evaluation = snapshot.as_ref().map(|(snapshot, note)| {
        model::evaluation_from_groups(
            &crate::evaluation::table::groups(
                &snapshot.rows,
                &snapshot.decisions,
                &ctx.definitions,
                options.lang,
            ),
            note.clone(),
        )
    });
    let portfolio = portfolio(conn, ctx, options)?;
    let questionnaire = html::scoped_booklet(&crate::paper::questionnaire::booklet(
        &options.wave,
        options.lang,
        None,
    ));
    let mut report = build::build(build::BuildInput {
        defs: &ctx.definitions,
        lang: options.lang,
        edition: options.edition,
        min_group_size: ctx.min_group_size,
        made_on: options.made_on,
        meta,
        data: &data,
        other: other.as_ref(),
        population: ctx.population(&options.wave.id),
        questionnaire,
        evaluation,
        portfolio,
        free_text: None,
    });
    report.free_text.coded = coded_comments(conn, ctx, options)?;
    let published = published_per_vision(conn, options)?;
    let s = strings::Strings::get(options.lang);
    for row in &mut report.evaluation.rows {
        row.comments = published
            .get(&row.vision_id)
            .map(|n| s.evaluation_comments.replace("{n}", &n.to_string()));
    }
    report.summaries = summary::languages(options.lang)
        .into_iter()
        .map(|lang| {
            summary::build(
                &report,
                &ctx.definitions,
                &options.wave,
                snapshot.as_ref().map(|(s, _)| s),
                lang,
            )
        })
        .collect();
    Ok(report)
}

/// Chapter Ⅵ's coded opinions, grouped by vision and code: the public edition prints the
/// published comments (still approved) and the counts published with them; the internal
/// edition the comments approved now with the current counts. Counts under the minimum
/// group size are not shown (as on `/results/{wave}/comments`).
fn coded_comments(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    options: &ReportOptions,
) -> Result<Vec<model::CodedVision>, ReportError> {
    use crate::text::publication::{groups, published_now, snapshot};
    let wave_id = &options.wave.id;
    let snap = match options.edition {
        Edition::Public => match published_now(conn, wave_id)? {
            Some(published) => published,
            None => return Ok(Vec::new()),
        },
        Edition::Internal => snapshot(&db::comments::all(conn, wave_id, None)?),
    };
    let defs = &ctx.definitions;
    let visions: Vec<String> = defs.visions.iter().map(|v| v.id.clone()).collect();
    let lang = options.lang;
    let s = strings::Strings::get(lang);
    Ok(
        groups(&snap, &options.text.codes, &visions, ctx.min_group_size)
            .into_iter()
            .filter(|g| !g.codes.is_empty())
            .map(|g| model::CodedVision {
                vision: g
                    .vision
                    .as_deref()
                    .and_then(|v| defs.vision(v))
                    .map_or(s.coded_other.to_string(), |v| v.short_name(lang)),
                codes: g
                    .codes
                    .into_iter()
                    .map(|c| model::CodedGroup {
                        label: if lang == Lang::Ja {
                            c.label_ja
                        } else {
                            c.label_en
                        },
                        count: c.count,
                        comments: c
                            .comments
                            .into_iter()
                            .map(|(text, summary)| {
                                if summary {
                                    format!("{text}{}", s.coded_summary)
                                } else {
                                    text
                                }
                            })
                            .collect(),
                        code: c.code,
                    })
                    .collect(),
            })
            .collect(),
    )
}

/// The number of published comments per vision (`text::publication::per_vision`), for
/// the evaluation table's reference to chapter Ⅵ: from the publication's snapshot only,
/// in both editions, without the comments withheld since.
fn published_per_vision(
    conn: &mut db::Conn,
    options: &ReportOptions,
) -> Result<std::collections::BTreeMap<String, usize>, ReportError> {
    Ok(
        crate::text::publication::published_now(conn, &options.wave.id)?
            .map(|s| crate::text::publication::per_vision(&s, &options.text.codes))
            .unwrap_or_default(),
    )
}

/// Chapter Ⅴ's CS portfolio, from the sample as the `cs-portfolio` export computes it (it
/// places only items whose figures are publishable). The public edition is made only while
/// the responses equal the publication's, so this is what was published.
fn portfolio(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    options: &ReportOptions,
) -> Result<Option<model::PortfolioSection>, ReportError> {
    let analysis =
        crate::export::portfolio::analysis(conn, ctx, &options.wave, crate::domain::Scope::Sample)?;
    let Some(p) = &analysis.portfolio else {
        return Ok(None);
    };
    let s = strings::Strings::get(options.lang);
    let (rows, svg) = scatter::portfolio(&options.wave, p, options.lang);
    let method = match analysis.method.strip_prefix("overall:") {
        None if analysis.method == "asked" => s.portfolio_asked.to_string(),
        Some(q) => s.portfolio_overall.replace("{question}", q),
        None => s.portfolio_item_rest.to_string(),
    };
    Ok(Some(model::PortfolioSection {
        svg,
        rows,
        method,
        asked: analysis.method == "asked",
    }))
}

/// The evaluation of chapter Ⅱ and of the summaries, with the table's note: the internal
/// edition evaluates the wave as it would be published now (sample scope, the decisions as
/// recorded); the public edition prints the published snapshot, never a recomputation.
/// `None` (the table then shows the vision scores only) when there is no targets file, or
/// nothing is published.
fn evaluation(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    options: &ReportOptions,
) -> Result<Option<(crate::evaluation::row::Snapshot, String)>, ReportError> {
    let s = strings::Strings::get(options.lang);
    let (snapshot, note) = match options.edition {
        Edition::Internal => {
            match crate::export::evaluation::to_publish(conn, ctx, &options.wave) {
                Ok(Some(snapshot)) => (snapshot, s.evaluation_live.to_string()),
                Ok(None) => return Ok(None),
                // A targets file that does not load leaves the scores-only table; `check`
                // names the problem.
                Err(crate::export::ExportError::Unavailable(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
        Edition::Public => match db::evaluations::published(conn, &options.wave.id)? {
            Some((at, snapshot)) => (
                snapshot,
                s.evaluation_published
                    .replace("{date}", &crate::i18n::date(options.lang, at.date())),
            ),
            None => return Ok(None),
        },
    };
    Ok(Some((snapshot, note)))
}
