//! CSV exports for analysts: the same bytes from the CLI and from the analyst route, each
//! written row by row to any `Write` so that large exports stream in constant memory.
//!
//! The kinds ([`ExportKind`]) and their columns are listed in docs/methods.md ("Exports").

mod by_group;
mod codebook;
mod comments;
mod comparison;
mod csv_out;
pub(crate) mod disclosure;
pub(crate) mod distribution;
pub mod evaluation;
pub(crate) mod items;
pub mod portfolio;
mod representativeness;
mod responses;
pub(crate) mod vision_scores;
mod weighted;

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

pub use csv_out::{CsvWriter, Encoding, EncodingError, REPLACEMENT, Unencodable, neutralise};
pub use vision_scores::VISION_SCORES_HEADER;

use crate::db;
use crate::definitions::{Definitions, Question, QuestionKind, Wave};
use crate::domain::{DONT_KNOW, Lang, Scope};
use crate::stats::Population;
use crate::weights::WaveWeighting;

/// Why an export could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Encoding(#[from] EncodingError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("writing the CSV failed: {0}")]
    Io(#[from] std::io::Error),
    /// The export cannot be made for this wave (e.g. a comparison with no other wave).
    #[error("{0}")]
    Unavailable(String),
}

/// What can be exported; the name is the CLI argument and the file name of the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    VisionScores,
    VisionScoresByGroup,
    ItemScores,
    QuestionDistribution,
    WaveComparison,
    Responses,
    Codebook,
    Comments,
    Evaluation,
    CsPortfolio,
    Representativeness,
}

impl ExportKind {
    pub const ALL: [ExportKind; 11] = [
        ExportKind::VisionScores,
        ExportKind::VisionScoresByGroup,
        ExportKind::ItemScores,
        ExportKind::QuestionDistribution,
        ExportKind::WaveComparison,
        ExportKind::Responses,
        ExportKind::Codebook,
        ExportKind::Comments,
        ExportKind::Evaluation,
        ExportKind::CsPortfolio,
        ExportKind::Representativeness,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ExportKind::VisionScores => "vision-scores",
            ExportKind::VisionScoresByGroup => "vision-scores-by-group",
            ExportKind::ItemScores => "item-scores",
            ExportKind::QuestionDistribution => "question-distribution",
            ExportKind::WaveComparison => "wave-comparison",
            ExportKind::Responses => "responses",
            ExportKind::Codebook => "codebook",
            ExportKind::Comments => "comments",
            ExportKind::Evaluation => "evaluation",
            ExportKind::CsPortfolio => "cs-portfolio",
            ExportKind::Representativeness => "representativeness",
        }
    }

    /// The allowed names, comma-separated, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

impl FromStr for ExportKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown export `{s}`: use one of {}", Self::names()))
    }
}

impl fmt::Display for ExportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportOptions {
    pub encoding: Encoding,
    pub unencodable: Unencodable,
    /// Which responses the aggregates describe: the sample (default) or, on request,
    /// the sample with the open answers beside it.
    pub scope: Scope,
}

/// What an export needs besides the database, shared by the CLI and the server.
#[derive(Debug)]
pub struct ExportContext {
    pub definitions: Arc<Definitions>,
    /// Each wave's score plan, made once.
    pub plans: crate::stats::ScorePlans,
    pub min_group_size: u64,
    /// Per wave: how weighted figures are made (weighting.toml), or why there are none.
    weighting: HashMap<String, Result<WaveWeighting, String>>,
    /// The evaluation targets (`targets.toml`; `None` without the file), or why they are
    /// unusable.
    pub targets: Result<Option<Arc<crate::evaluation::Targets>>, String>,
    /// How the `comments` export masks (masking v2): the built-in word lists until the
    /// definitions' are given ([`ExportContext::with_mask_rules`]).
    pub mask_rules: Arc<crate::language::MaskRules>,
}

/// The population file beside the definitions (post-stratification's default).
pub const POPULATION_FILE: &str = crate::weights::DEFAULT_POPULATION_FILE;

impl ExportContext {
    /// Reads weighting.toml (or, without it, `population.csv`) and the files it names from
    /// the definitions folder for every wave; when they are missing, examples not allowed,
    /// or do not fit a wave, weighted columns stay blank and the reason is logged here,
    /// once, as is every warning `check` would print.
    pub fn load(definitions: Arc<Definitions>, dir: &Path, min_group_size: u64) -> Self {
        let loaded = crate::weights::load(dir, &definitions);
        for finding in &loaded.findings {
            tracing::warn!(%finding, "weighting");
        }
        for wave in &definitions.waves {
            if let Some(Err(reason)) = loaded.waves.get(&wave.id) {
                tracing::warn!(wave = %wave.id, %reason, "weighted columns of exports will be blank");
            }
        }
        let targets = crate::evaluation::targets::load(dir, &definitions)
            .map(|t| t.map(Arc::new))
            .map_err(|e| {
                format!("the evaluation targets are invalid (run `citizen-survey check`):\n{e}")
            });
        if let Err(reason) = &targets {
            tracing::warn!(%reason, "no evaluation export");
        }
        ExportContext {
            targets,
            plans: crate::stats::ScorePlans::new(&definitions),
            definitions,
            min_group_size,
            weighting: loaded.waves,
            mask_rules: Arc::new(crate::language::MaskRules::default()),
        }
    }

    /// The context masking comments with the definitions' word lists and dictionary
    /// (`survey-definitions/text/words.toml`, read by `crate::text::codebook`).
    pub fn with_mask_rules(mut self, rules: crate::language::MaskRules) -> Self {
        self.mask_rules = Arc::new(rules);
        self
    }

    /// How the wave is weighted; `None` when it is not (weighted columns blank).
    pub fn weighting(&self, wave_id: &str) -> Option<&WaveWeighting> {
        self.weighting.get(wave_id).and_then(|w| w.as_ref().ok())
    }

    /// The population a post-stratified wave is weighted to.
    pub fn population(&self, wave_id: &str) -> Option<&Population> {
        match self.weighting(wave_id)? {
            WaveWeighting::PostStratify { population, .. } => Some(population),
            WaveWeighting::Rake(_) => None,
        }
    }
}

/// What a finished export reports besides its bytes.
#[derive(Debug)]
pub struct Exported<W> {
    pub out: W,
    /// Characters replaced by [`REPLACEMENT`] (only with [`Unencodable::Replace`]).
    pub replaced: u64,
}

/// Writes one export of `wave` to `out`.
pub fn export<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    kind: ExportKind,
    wave: &Wave,
    options: ExportOptions,
    out: W,
) -> Result<Exported<W>, ExportError> {
    let header: Vec<String> = match kind {
        ExportKind::VisionScores => {
            let raked = matches!(ctx.weighting(&wave.id), Some(WaveWeighting::Rake(_)));
            VISION_SCORES_HEADER
                .iter()
                .chain(&vision_scores::WEIGHTED_HEADER)
                .chain(if raked {
                    &weighted::RAKE_HEADER[..]
                } else {
                    &[]
                })
                .map(|h| h.to_string())
                .collect()
        }
        ExportKind::VisionScoresByGroup => by_group::HEADER.map(String::from).to_vec(),
        ExportKind::ItemScores => items::HEADER.map(String::from).to_vec(),
        ExportKind::QuestionDistribution => distribution::HEADER.map(String::from).to_vec(),
        ExportKind::WaveComparison => comparison::HEADER.map(String::from).to_vec(),
        ExportKind::Responses => responses::header(wave),
        ExportKind::Codebook => codebook::HEADER.map(String::from).to_vec(),
        ExportKind::Comments => comments::HEADER.map(String::from).to_vec(),
        ExportKind::Evaluation => evaluation::HEADER.map(String::from).to_vec(),
        ExportKind::CsPortfolio => portfolio::HEADER.map(String::from).to_vec(),
        ExportKind::Representativeness => representativeness::HEADER.map(String::from).to_vec(),
    };
    // Errors that concern the request (no other wave to compare with) come before any byte.
    let other_wave = match kind {
        ExportKind::WaveComparison => Some(comparison::pair(&ctx.definitions, wave)?),
        ExportKind::Evaluation => {
            evaluation::targets(ctx)?;
            None
        }
        _ => None,
    };
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut csv = CsvWriter::with_policy(out, options.encoding, options.unencodable, &header)?
        .numeric_columns(&NUMERIC_COLUMNS);
    let scope = options.scope;
    match kind {
        ExportKind::VisionScores => vision_scores::write(conn, ctx, wave, scope, &mut csv)?,
        ExportKind::VisionScoresByGroup => by_group::write(conn, ctx, wave, scope, &mut csv)?,
        ExportKind::ItemScores => items::write(conn, ctx, wave, scope, &mut csv)?,
        ExportKind::QuestionDistribution => distribution::write(conn, ctx, wave, scope, &mut csv)?,
        ExportKind::WaveComparison => {
            let (earlier, later) = other_wave.expect("paired above");
            comparison::write(conn, ctx, earlier, later, scope, &mut csv)?
        }
        ExportKind::Responses => responses::write(conn, wave, &mut csv)?,
        ExportKind::Codebook => codebook::write(wave, &mut csv)?,
        ExportKind::Comments => comments::write(conn, wave, &ctx.mask_rules, &mut csv)?,
        ExportKind::Evaluation => evaluation::write(conn, ctx, wave, scope, &mut csv)?,
        ExportKind::CsPortfolio => portfolio::write(conn, ctx, wave, scope, &mut csv)?,
        ExportKind::Representativeness => {
            representativeness::write(conn, ctx, wave, scope, &mut csv)?
        }
    }
    let replaced = csv.replaced();
    Ok(Exported {
        out: csv.finish()?,
        replaced,
    })
}

/// How much of a spooled export stays in memory before the rest goes to an unlinked
/// temporary file (in `TMPDIR`).
pub const SPOOL_MEMORY: usize = 8 << 20;

/// [`export`] into a spool — memory up to [`SPOOL_MEMORY`], then an unlinked temporary
/// file — rewound for reading. The database is read as fast as it produces the rows and
/// its read snapshot ends when this returns, however slowly the caller then hands the
/// bytes on (a slow client, a slow pipe): a snapshot kept open lets SQLite's log grow with
/// every commit meanwhile, in commit order ([`crate::db::wal`]). The caller holds the
/// spool, not a connection, while it sends it.
pub fn spooled(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    kind: ExportKind,
    wave: &Wave,
    options: ExportOptions,
) -> Result<Exported<tempfile::SpooledTempFile>, ExportError> {
    use std::io::{Seek, SeekFrom};
    let mut done = export(
        conn,
        ctx,
        kind,
        wave,
        options,
        tempfile::SpooledTempFile::new(SPOOL_MEMORY),
    )?;
    done.out.seek(SeekFrom::Start(0))?;
    Ok(done)
}

/// The columns of the aggregate exports that hold computed numbers: written as numbers
/// (negative ones too), never guarded like text.
pub const NUMERIC_COLUMNS: [&str; 83] = [
    "respondents",
    "mean_score",
    "sd",
    "se",
    "ci95_lower",
    "ci95_upper",
    "top2_box_pct",
    "top2_ci95_lower",
    "top2_ci95_upper",
    "dont_know",
    "dont_know_pct",
    "count",
    "share_pct",
    "earlier_n",
    "earlier_mean",
    "later_n",
    "later_mean",
    "difference",
    "p_value",
    "weighted_mean",
    "weighted_se",
    "weighted_ci95_lower",
    "weighted_ci95_upper",
    "weighted_top2_box_pct",
    "weighted_kish_deff",
    "weighted_effective_n",
    "weighted_earlier_mean",
    "weighted_later_mean",
    "weighted_difference",
    "weighted_difference_se",
    "weighted_difference_ci95_lower",
    "weighted_difference_ci95_upper",
    "weighted_p_value",
    "weighted_earlier_kish_deff",
    "weighted_earlier_effective_n",
    "weighted_later_kish_deff",
    "weighted_later_effective_n",
    "weighted_earlier_weight_min",
    "weighted_earlier_weight_max",
    "weighted_earlier_weight_ratio",
    "weighted_later_weight_min",
    "weighted_later_weight_max",
    "weighted_later_weight_ratio",
    "value",
    "baseline_value",
    "baseline_se",
    "target_value",
    "target_year",
    "change",
    "change_ci95_lower",
    "change_ci95_upper",
    "change_p_value",
    "achievement_pct",
    "expected_pct",
    "progress_pct",
    "band_pct",
    "satisfaction",
    "satisfaction_ci95_lower",
    "satisfaction_ci95_upper",
    "importance_n",
    "importance",
    "importance_ci95_lower",
    "importance_ci95_upper",
    "satisfaction_mean",
    "importance_mean",
    "satisfaction_t",
    "importance_t",
    "distance",
    "angle_deg",
    "improvement_index",
    "weight_min",
    "weight_max",
    "weight_ratio",
    "weighting_iterations",
    "register_population",
    "register_share_pct",
    "respondent_share_pct",
    "respondent_register_share_pct",
    "difference_pct_points",
    "weighted_share_pct",
    "sample_size",
    "response_rate_pct",
    "design_weight",
];

/// An estimate with at least four decimals and at least six significant digits (5.12340,
/// 51.0417, 0.0123457), so that every figure reproduces to six significant digits.
pub(crate) fn fixed(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x:.4}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(4, 17) as usize;
    format!("{x:.decimals$}")
}

/// A p-value with six significant digits that keeps its magnitude: `0.0123457` down to
/// 0.0001, below that `4.30000e-11` (read as a number by Excel and R).
pub(crate) fn p_value(p: f64) -> String {
    if p == 0.0 || p >= 1e-4 {
        fixed(p)
    } else {
        format!("{p:.5e}")
    }
}

pub(crate) fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), fixed)
}

/// A question's answer codes with their Japanese and English labels: its options, or for
/// a scale 1–5 (and 「わからない」 when offered).
/// The invalid-mark row of a question on a postal wave's paper sheets (two boxes marked,
/// or a mark that cannot be read): `(code, label ja, label en)`, for single-choice and
/// scale questions of postal waves; never scored, not among the question's respondents.
pub(crate) fn invalid_code(wave: &Wave, question: &Question) -> Option<(String, String, String)> {
    (wave.access == crate::definitions::Access::Code
        && matches!(
            question.kind,
            QuestionKind::Single { .. } | QuestionKind::Scale { .. }
        ))
    .then(|| {
        (
            crate::domain::INVALID.to_string(),
            crate::i18n::t(Lang::Ja, "ws_invalid_mark"),
            crate::i18n::t(Lang::En, "ws_invalid_mark"),
        )
    })
}

pub(crate) fn answer_codes(question: &Question) -> Vec<(String, String, String)> {
    match &question.kind {
        QuestionKind::Scale {
            dont_know, measure, ..
        } => {
            let (ja, en) = (
                measure.labels(crate::i18n::strings(Lang::Ja)),
                measure.labels(crate::i18n::strings(Lang::En)),
            );
            let mut codes: Vec<(String, String, String)> = (0..5)
                .map(|i| ((i + 1).to_string(), ja[i].to_string(), en[i].to_string()))
                .collect();
            if *dont_know {
                codes.push((
                    DONT_KNOW.to_string(),
                    crate::i18n::strings(Lang::Ja).dont_know.to_string(),
                    crate::i18n::strings(Lang::En).dont_know.to_string(),
                ));
            }
            codes
        }
        kind => kind
            .options()
            .iter()
            .map(|c| (c.code.clone(), c.label.ja.clone(), c.label.en.clone()))
            .collect(),
    }
}

/// Labels of the "not answered" group in breakdowns.
pub(crate) const NOT_ANSWERED: (&str, &str) = ("無回答", "not answered");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_six_significant_digits() {
        assert_eq!(fixed(51.041666), "51.0417");
        assert_eq!(fixed(100.0), "100.0000");
        assert_eq!(fixed(1.0124226), "1.01242");
        assert_eq!(fixed(-0.51234567), "-0.512346");
        assert_eq!(fixed(0.012345678), "0.0123457");
        assert_eq!(fixed(0.0), "0.0000");
        assert_eq!(p_value(4.3e-11), "4.30000e-11");
        assert_eq!(p_value(0.0123456789), "0.0123457");
        assert_eq!(p_value(0.5), "0.500000");
        assert_eq!("4.30000e-11".parse::<f64>(), Ok(4.3e-11));
    }

    #[test]
    fn kinds_parse_and_list_the_allowed_names() {
        for kind in ExportKind::ALL {
            assert_eq!(kind.name().parse(), Ok(kind));
        }
        let err = "votes".parse::<ExportKind>().unwrap_err();
        assert!(
            err.contains("vision-scores, vision-scores-by-group, item-scores, question-distribution, wave-comparison, responses, codebook, comments"),
            "{err}"
        );
    }
}
