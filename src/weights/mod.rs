//! Weights as data: `weighting.toml` beside the definitions says how weighted figures are
//! made, from which register files, dated and sourced. Read once ([`load`]) into a
//! [`WaveWeighting`] per wave (or the reason weighted columns stay blank) and the
//! [`Finding`]s that `citizen-survey check` prints as `FILE:LINE: …`.
//!
//! ```toml
//! method = "rake"                       # "poststratify" (default) or "rake"
//! population = "population.csv"         # poststratify: age_band,area,population
//! margins = ["margins/age_gender.csv", "margins/area.csv"]   # rake: 1 to 3 count files
//! design = "plan.csv"                   # optional: the sample plan (design weights N_h/n_h)
//! max_iter = 100                        # rake: cycles / Newton steps at most
//! tolerance = 1e-10                     # rake: convergence (src/stats/calibration.rs)
//! bounds = [0.5, 3.0]                   # rake, optional: g = w/d within [L, U] (R's
//!                                       #   calibrate(calfun = "raking", bounds = ))
//! allow_example = false                 # true: weight with example files (a rehearsal)
//!
//! [waves.2028-final]                    # optional: any key above, for one wave
//! margins = ["margins/2028/age_gender.csv", "margins/2028/area.csv"]
//! ```
//!
//! Without the file: `method = "poststratify"`, `population = "population.csv"`. Count
//! files (src/sample/counts.rs) declare `# source:` and `# reference_date:`; one that does
//! not is an example, and weighted columns stay blank unless `allow_example = true`.
//! Margin columns are the questions the running totals keep: `age_band`, `area`, `gender`.

pub mod cells;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::definitions::{Definitions, Wave};
use crate::sample::{CountTable, Declaration, Plan, parse_counts, parse_plan};
use crate::stats::{
    AGE_BAND_NO_ANSWER, AREA_NO_ANSWER, Bounds, CalibrationOptions, Method, Population,
    StratumCodes, parse_population,
};

/// The weighting file in the definitions folder.
pub const WEIGHTING_FILE: &str = "weighting.toml";
/// The population file post-stratification uses when the weighting file names none.
pub const DEFAULT_POPULATION_FILE: &str = "population.csv";
/// The gender option meaning "prefer not to say".
pub const GENDER_NO_ANSWER: &str = "no_answer";
pub const DEFAULT_MAX_ITER: usize = 100;
pub const DEFAULT_TOLERANCE: f64 = 1e-10;

/// A question the running totals keep per response, so that it can be a margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    AgeBand,
    Area,
    Gender,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::AgeBand, Dimension::Area, Dimension::Gender];

    /// The question id (and column name in the files).
    pub fn id(self) -> &'static str {
        match self {
            Dimension::AgeBand => "age_band",
            Dimension::Area => "area",
            Dimension::Gender => "gender",
        }
    }

    /// The option meaning "did not say".
    pub fn no_answer(self) -> &'static str {
        match self {
            Dimension::AgeBand => AGE_BAND_NO_ANSWER,
            Dimension::Area => AREA_NO_ANSWER,
            Dimension::Gender => GENDER_NO_ANSWER,
        }
    }

    fn parse(column: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.id() == column)
    }

    /// The wave's option codes for the question, without the "no answer" one.
    pub fn codes(self, wave: &Wave) -> Option<Vec<String>> {
        let codes: Vec<String> = wave
            .question(self.id())?
            .kind
            .options()
            .iter()
            .map(|c| c.code.clone())
            .filter(|c| c != self.no_answer())
            .collect();
        (!codes.is_empty()).then_some(codes)
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One register margin.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginSpec {
    pub file: PathBuf,
    pub columns: Vec<Dimension>,
    /// Per category: one code per column.
    pub categories: Vec<Vec<String>>,
    pub totals: Vec<f64>,
    pub declaration: Declaration,
}

impl MarginSpec {
    /// `age_band×gender`.
    pub fn name(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>()
            .join("×")
    }
}

/// Design weights from a sample plan.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignSpec {
    pub file: PathBuf,
    pub columns: Vec<Dimension>,
    /// Per stratum: codes, N_h, n_h.
    pub strata: Vec<(Vec<String>, u64, u64)>,
}

impl DesignSpec {
    /// N / n: the design weight of a respondent whose stratum is not known.
    pub fn overall_weight(&self) -> f64 {
        let n: u64 = self.strata.iter().map(|s| s.1).sum();
        let m: u64 = self.strata.iter().map(|s| s.2).sum();
        n as f64 / m as f64
    }
}

/// Raking to register margins.
#[derive(Debug, Clone, PartialEq)]
pub struct RakeSpec {
    pub margins: Vec<MarginSpec>,
    pub design: Option<DesignSpec>,
    pub options: CalibrationOptions,
}

/// How one wave's weighted figures are made.
#[derive(Debug, Clone, PartialEq)]
pub enum WaveWeighting {
    /// Post-stratification to age band × area (src/stats/weighting.rs).
    PostStratify {
        population: Population,
        declaration: Declaration,
        /// The sample plan, for the response rates of the representativeness export. The
        /// post-strata (age band × area cells) already absorb design weights that vary by
        /// area or age band only, so post-stratification does not use them.
        design: Option<DesignSpec>,
    },
    Rake(RakeSpec),
}

/// How serious a finding is: an error makes `check` fail; a warning is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// Something `check` reports about the weighting files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub file: PathBuf,
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning: ",
            Severity::Error => "",
        };
        if self.line == 0 {
            write!(f, "{}: {level}{}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}: {level}{}",
                self.file.display(),
                self.line,
                self.message
            )
        }
    }
}

/// The weighting of every wave, and what `check` says about it.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Per wave id: the weighting, or why weighted columns stay blank.
    pub waves: HashMap<String, Result<WaveWeighting, String>>,
    pub findings: Vec<Finding>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    method: Option<Spanned<String>>,
    population: Option<Spanned<String>>,
    margins: Option<Spanned<Vec<Spanned<String>>>>,
    design: Option<Spanned<String>>,
    max_iter: Option<Spanned<i64>>,
    tolerance: Option<Spanned<f64>>,
    bounds: Option<Spanned<Vec<f64>>>,
    allow_example: Option<Spanned<bool>>,
}

/// The file: the settings of [`RawSettings`] at the top (spelt out again: toml's spans do
/// not survive `#[serde(flatten)]`), and per-wave sections.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    method: Option<Spanned<String>>,
    population: Option<Spanned<String>>,
    margins: Option<Spanned<Vec<Spanned<String>>>>,
    design: Option<Spanned<String>>,
    max_iter: Option<Spanned<i64>>,
    tolerance: Option<Spanned<f64>>,
    bounds: Option<Spanned<Vec<f64>>>,
    allow_example: Option<Spanned<bool>>,
    #[serde(default)]
    waves: BTreeMap<String, Spanned<RawSettings>>,
}

impl RawFile {
    fn split(self) -> (RawSettings, BTreeMap<String, Spanned<RawSettings>>) {
        let base = RawSettings {
            method: self.method,
            population: self.population,
            margins: self.margins,
            design: self.design,
            max_iter: self.max_iter,
            tolerance: self.tolerance,
            bounds: self.bounds,
            allow_example: self.allow_example,
        };
        (base, self.waves)
    }
}

/// Reads `weighting.toml` (when there is one) and the files it names, for every wave of
/// `defs`.
pub fn load(dir: &Path, defs: &Definitions) -> Loaded {
    let path = dir.join(WEIGHTING_FILE);
    let mut loaded = Loaded::default();
    let (raw, src) = match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (RawFile::default(), String::new()),
        Err(e) => {
            let reason = format!("cannot read {}: {e}", path.display());
            loaded.findings.push(Finding {
                file: path.clone(),
                line: 0,
                severity: Severity::Error,
                message: format!("cannot read the file: {e}"),
            });
            for wave in &defs.waves {
                loaded.waves.insert(wave.id.clone(), Err(reason.clone()));
            }
            return loaded;
        }
        Ok(src) => match toml::from_str::<RawFile>(&src) {
            Ok(raw) => (raw, src),
            Err(e) => {
                let line = e.span().map_or(0, |s| line_of(&src, s.start));
                let message = e.message().trim().to_string();
                loaded.findings.push(Finding {
                    file: path.clone(),
                    line,
                    severity: Severity::Error,
                    message: message.clone(),
                });
                for wave in &defs.waves {
                    loaded.waves.insert(
                        wave.id.clone(),
                        Err(format!("{}:{line}: {message}", path.display())),
                    );
                }
                return loaded;
            }
        },
    };
    let (base, waves) = raw.split();
    let mut ctx = Ctx {
        dir,
        path: &path,
        src: &src,
        findings: Vec::new(),
    };
    for (id, section) in &waves {
        if defs.wave(id).is_none() {
            ctx.error(
                section.span(),
                format!(
                    "[waves.{id}]: no wave `{id}` in the definitions (waves: {})",
                    defs.waves
                        .iter()
                        .map(|w| w.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    // Files are read once even when several waves name them.
    let mut cache: HashMap<PathBuf, Result<CountTable, String>> = HashMap::new();
    for wave in &defs.waves {
        let section = waves.get(&wave.id).map(Spanned::get_ref);
        let result = ctx.wave(wave, &base, section, &mut cache);
        loaded.waves.insert(wave.id.clone(), result);
    }
    loaded.findings = ctx.findings;
    loaded.findings.sort();
    loaded.findings.dedup();
    loaded
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

struct Ctx<'a> {
    dir: &'a Path,
    path: &'a Path,
    src: &'a str,
    findings: Vec<Finding>,
}

/// A setting from the wave's section, else the file's top level.
fn pick<'r, T>(
    section: Option<&'r RawSettings>,
    base: &'r RawSettings,
    get: impl Fn(&'r RawSettings) -> Option<&'r Spanned<T>>,
) -> Option<&'r Spanned<T>> {
    section.and_then(&get).or_else(|| get(base))
}

impl Ctx<'_> {
    fn push(&mut self, file: &Path, line: usize, severity: Severity, message: impl Into<String>) {
        self.findings.push(Finding {
            file: file.to_path_buf(),
            line,
            severity,
            message: message.into(),
        });
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = line_of(self.src, span.start);
        let path = self.path.to_path_buf();
        self.push(&path, line, Severity::Error, message);
    }

    fn warning(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = line_of(self.src, span.start);
        let path = self.path.to_path_buf();
        self.push(&path, line, Severity::Warning, message);
    }

    /// The weighting of one wave; errors are also findings.
    fn wave(
        &mut self,
        wave: &Wave,
        base: &RawSettings,
        section: Option<&RawSettings>,
        cache: &mut HashMap<PathBuf, Result<CountTable, String>>,
    ) -> Result<WaveWeighting, String> {
        let before = self.findings.len();
        let method = pick(section, base, |s| s.method.as_ref());
        let allow_example =
            pick(section, base, |s| s.allow_example.as_ref()).is_some_and(|a| *a.get_ref());
        let rake = match method.map(|m| m.get_ref().as_str()) {
            None | Some("poststratify") => false,
            Some("rake") => true,
            Some(other) => {
                self.error(
                    method.expect("given").span(),
                    format!("method `{other}`: use \"poststratify\" or \"rake\""),
                );
                return Err(self.reason(before));
            }
        };
        let result = if rake {
            self.rake(wave, base, section, allow_example, cache)
        } else {
            for (name, given) in [
                (
                    "margins",
                    pick(section, base, |s| s.margins.as_ref()).map(|m| m.span()),
                ),
                (
                    "design",
                    pick(section, base, |s| s.design.as_ref()).map(|m| m.span()),
                ),
                (
                    "bounds",
                    pick(section, base, |s| s.bounds.as_ref()).map(|m| m.span()),
                ),
            ] {
                if let Some(span) = given {
                    self.error(
                        span,
                        format!("`{name}` belongs to method = \"rake\"; post-stratification uses `population`"),
                    );
                }
            }
            self.poststratify(wave, base, section, allow_example)
        };
        match result {
            Some(w) if !self.errors_since(before) => Ok(w),
            _ => Err(self.reason(before)),
        }
    }

    fn errors_since(&self, before: usize) -> bool {
        self.findings[before..]
            .iter()
            .any(|f| f.severity == Severity::Error)
    }

    /// Why a wave gets no weighted figures: its first error (or the example warning).
    fn reason(&self, before: usize) -> String {
        self.findings[before..]
            .iter()
            .max_by_key(|f| f.severity)
            .map_or("the weighting could not be set up".into(), |f| {
                f.to_string()
            })
    }

    fn resolve(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn poststratify(
        &mut self,
        wave: &Wave,
        base: &RawSettings,
        section: Option<&RawSettings>,
        allow_example: bool,
    ) -> Option<WaveWeighting> {
        let given = pick(section, base, |s| s.population.as_ref());
        let name = given.map_or(DEFAULT_POPULATION_FILE, |p| p.get_ref().as_str());
        let file = self.resolve(name);
        let Some(codes) = StratumCodes::from_wave(wave) else {
            self.push(
                &file,
                0,
                Severity::Warning,
                format!(
                    "wave {} has no age_band and area questions to weight by: its weighted columns stay blank",
                    wave.id
                ),
            );
            return None;
        };
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                let severity = if given.is_some() {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                self.push(
                    &file,
                    0,
                    severity,
                    format!("cannot read the population file ({e}): weighted columns stay blank"),
                );
                return None;
            }
        };
        let declaration = match parse_counts(&bytes) {
            Ok(t) => t.declaration,
            Err(e) => {
                self.push(
                    &file,
                    error_line(&e.to_string()),
                    Severity::Error,
                    strip_line(&e.to_string()),
                );
                return None;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let population = match parse_population(&text, &codes) {
            Ok(p) => p,
            Err(e) => {
                let message = e.to_string();
                self.push(
                    &file,
                    error_line(&message),
                    Severity::Error,
                    format!("wave {}: {}", wave.id, strip_line(&message)),
                );
                return None;
            }
        };
        let design = match pick(section, base, |s| s.design.as_ref()) {
            None => None,
            Some(name) => {
                let plan_file = self.resolve(name.get_ref());
                let total = population.total() as f64;
                Some(self.design(wave, &plan_file, total)?)
            }
        };
        if let Some(d) = &design
            && d.columns.contains(&Dimension::Gender)
        {
            self.push(
                &d.file,
                0,
                Severity::Warning,
                "post-stratification by age band × area does not use design weights by gender: use method = \"rake\" with a gender margin",
            );
        }
        if !self.example_allowed(&file, &declaration, allow_example) {
            return None;
        }
        Some(WaveWeighting::PostStratify {
            population,
            declaration,
            design,
        })
    }

    /// Reports an example file; whether weighted figures may be computed from it.
    fn example_allowed(&mut self, file: &Path, declaration: &Declaration, allow: bool) -> bool {
        if !declaration.is_example() {
            return true;
        }
        if allow {
            self.push(
                file,
                0,
                Severity::Warning,
                format!(
                    "{}; weighted figures are computed from it because weighting.toml says allow_example = true: never publish them",
                    declaration.describe()
                ),
            );
            true
        } else {
            self.push(
                file,
                0,
                Severity::Warning,
                format!(
                    "{}; weighted columns stay blank until the file states `# source:` and `# reference_date:` (or, for a rehearsal, weighting.toml says allow_example = true)",
                    declaration.describe()
                ),
            );
            false
        }
    }

    fn count_file(
        &mut self,
        file: &Path,
        cache: &mut HashMap<PathBuf, Result<CountTable, String>>,
    ) -> Option<CountTable> {
        let result = cache
            .entry(file.to_path_buf())
            .or_insert_with(|| match std::fs::read(file) {
                Err(e) => Err(format!("0\u{1f}cannot read the file: {e}")),
                Ok(bytes) => parse_counts(&bytes).map_err(|e| {
                    let m = e.to_string();
                    format!("{}\u{1f}{}", error_line(&m), strip_line(&m))
                }),
            })
            .clone();
        match result {
            Ok(t) => Some(t),
            Err(e) => {
                let (line, message) = e.split_once('\u{1f}').unwrap_or(("0", &e));
                self.push(file, line.parse().unwrap_or(0), Severity::Error, message);
                None
            }
        }
    }

    fn rake(
        &mut self,
        wave: &Wave,
        base: &RawSettings,
        section: Option<&RawSettings>,
        allow_example: bool,
        cache: &mut HashMap<PathBuf, Result<CountTable, String>>,
    ) -> Option<WaveWeighting> {
        if let Some(p) = pick(section, base, |s| s.population.as_ref()) {
            self.error(
                p.span(),
                "`population` belongs to method = \"poststratify\"; raking uses `margins`",
            );
        }
        let Some(margins_given) = pick(section, base, |s| s.margins.as_ref()) else {
            self.push(
                self.path.to_path_buf().as_path(),
                0,
                Severity::Error,
                format!(
                    "wave {}: method = \"rake\" needs `margins = [\"….csv\", …]`",
                    wave.id
                ),
            );
            return None;
        };
        if margins_given.get_ref().is_empty() || margins_given.get_ref().len() > 3 {
            self.error(
                margins_given.span(),
                "`margins` lists one to three count files (e.g. age_band×gender and area)",
            );
            return None;
        }
        let mut margins = Vec::new();
        let mut all_examples_ok = true;
        for name in margins_given.get_ref() {
            let file = self.resolve(name.get_ref());
            let Some(table) = self.count_file(&file, cache) else {
                continue;
            };
            if let Some(m) = self.margin(wave, &file, table) {
                all_examples_ok &= self.example_allowed(&file, &m.declaration, allow_example);
                margins.push(m);
            }
        }
        if margins.len() != margins_given.get_ref().len() {
            return None;
        }
        // All margins must describe the same population.
        let totals: Vec<(String, f64)> = margins
            .iter()
            .map(|m| (m.file.display().to_string(), m.totals.iter().sum()))
            .collect();
        if totals.iter().any(|(_, t)| *t != totals[0].1) {
            self.error(
                margins_given.span(),
                format!(
                    "the margins add up to different populations ({}): no weights can fit them all; use figures of one register extract and date",
                    totals
                        .iter()
                        .map(|(f, t)| format!("{f}: {t}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let dates: Vec<_> = margins
            .iter()
            .filter_map(|m| m.declaration.reference_date)
            .collect();
        if dates.windows(2).any(|w| w[0] != w[1]) {
            self.warning(
                margins_given.span(),
                "the margins have different reference dates: use figures of one date",
            );
        }
        let design = match pick(section, base, |s| s.design.as_ref()) {
            None => None,
            Some(name) => {
                let file = self.resolve(name.get_ref());
                let total = margins.first().map_or(0.0, |m| m.totals.iter().sum());
                Some(self.design(wave, &file, total)?)
            }
        };
        let mut options = CalibrationOptions {
            method: Method::Rake,
            max_iter: DEFAULT_MAX_ITER,
            tolerance: DEFAULT_TOLERANCE,
            bounds: Bounds::default(),
        };
        if let Some(m) = pick(section, base, |s| s.max_iter.as_ref()) {
            match usize::try_from(*m.get_ref()) {
                Ok(v) if (1..=10_000).contains(&v) => options.max_iter = v,
                _ => self.error(
                    m.span(),
                    "`max_iter` must be a whole number from 1 to 10000",
                ),
            }
        }
        if let Some(t) = pick(section, base, |s| s.tolerance.as_ref()) {
            let v = *t.get_ref();
            if v > 0.0 && v < 1e-2 {
                options.tolerance = v;
            } else {
                self.error(
                    t.span(),
                    "`tolerance` must be above 0 and below 0.01 (e.g. 1e-10)",
                );
            }
        }
        if let Some(b) = pick(section, base, |s| s.bounds.as_ref()) {
            match b.get_ref()[..] {
                [lower, upper] if lower > 0.0 && lower < 1.0 && upper > 1.0 => {
                    options.bounds = Bounds { lower, upper };
                    options.method = Method::Calibrate;
                }
                _ => self.error(
                    b.span(),
                    "`bounds = [L, U]` with 0 < L < 1 < U: the weight may shrink to L and grow to U times the design weight (R's calibrate(bounds =) cannot start from L ≥ 1)",
                ),
            }
        }
        if !all_examples_ok {
            return None;
        }
        Some(WaveWeighting::Rake(RakeSpec {
            margins,
            design,
            options,
        }))
    }

    /// A margin file checked against the wave's questions.
    fn margin(&mut self, wave: &Wave, file: &Path, table: CountTable) -> Option<MarginSpec> {
        let mut columns = Vec::new();
        for c in &table.columns {
            match Dimension::parse(c) {
                Some(d) if !columns.contains(&d) => columns.push(d),
                Some(_) => {
                    self.push(
                        file,
                        table.header_line,
                        Severity::Error,
                        format!("column `{c}` appears twice"),
                    );
                    return None;
                }
                None => {
                    self.push(
                        file,
                        table.header_line,
                        Severity::Error,
                        format!("column `{c}`: margins can be by age_band, area and gender (the answers the totals keep)"),
                    );
                    return None;
                }
            }
        }
        let codes: Vec<Vec<String>> = match columns
            .iter()
            .map(|d| d.codes(wave))
            .collect::<Option<Vec<_>>>()
        {
            Some(c) => c,
            None => {
                self.push(
                    file,
                    table.header_line,
                    Severity::Error,
                    format!(
                        "wave {} lacks one of the questions {}",
                        wave.id,
                        table.columns.join(", ")
                    ),
                );
                return None;
            }
        };
        let mut ok = true;
        for row in &table.rows {
            for ((value, d), known) in row.key.iter().zip(&columns).zip(&codes) {
                if !known.contains(value) {
                    self.push(
                        file,
                        row.line,
                        Severity::Error,
                        format!(
                            "{d} `{value}` is not an option of wave {} (options: {})",
                            wave.id,
                            known.join(", ")
                        ),
                    );
                    ok = false;
                }
            }
        }
        // Age bands and areas are complete in a register; gender has female and male
        // only (the others are weighted as unknown, see docs/sampling.md).
        for (d, known) in columns.iter().zip(&codes) {
            if *d == Dimension::Gender {
                continue;
            }
            let i = columns.iter().position(|c| c == d).expect("listed");
            let missing: Vec<&String> = known
                .iter()
                .filter(|code| !table.rows.iter().any(|r| &r.key[i] == *code))
                .collect();
            if !missing.is_empty() {
                self.push(
                    file,
                    0,
                    Severity::Error,
                    format!(
                        "no line for {d} {}: a register margin covers every {d}",
                        missing
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                ok = false;
            }
        }
        ok.then(|| MarginSpec {
            file: file.to_path_buf(),
            columns,
            categories: table.rows.iter().map(|r| r.key.clone()).collect(),
            totals: table.rows.iter().map(|r| r.count as f64).collect(),
            declaration: table.declaration.clone(),
        })
    }

    /// The sample plan checked against the wave; `register` is the register's population,
    /// which the plan's frame should match.
    fn design(&mut self, wave: &Wave, file: &Path, register: f64) -> Option<DesignSpec> {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                self.push(
                    file,
                    0,
                    Severity::Error,
                    format!("cannot read the sample plan: {e}"),
                );
                return None;
            }
        };
        let plan: Plan = match parse_plan(&bytes) {
            Ok(p) => p,
            Err(e) => {
                let m = e.to_string();
                self.push(file, error_line(&m), Severity::Error, strip_line(&m));
                return None;
            }
        };
        let mut columns = Vec::new();
        for c in &plan.by {
            match Dimension::parse(c) {
                Some(d) => columns.push(d),
                None => {
                    self.push(
                        file,
                        1,
                        Severity::Error,
                        format!("the plan is stratified by `{c}`: design weights can follow age_band, area and gender strata only (a respondent's stratum is known from the answers)"),
                    );
                    return None;
                }
            }
        }
        let mut ok = true;
        for s in &plan.strata {
            for (value, d) in s.key.iter().zip(&columns) {
                if !d.codes(wave).unwrap_or_default().contains(value) {
                    self.push(
                        file,
                        s.line,
                        Severity::Error,
                        format!("{d} `{value}` is not an option of wave {}", wave.id),
                    );
                    ok = false;
                }
            }
        }
        let total = plan.population() as f64;
        if (total - register).abs() > 0.01 * register {
            self.push(
                file,
                0,
                Severity::Warning,
                format!(
                    "the plan's frame has {total} residents, the register file {register}: are they of the same register and date?"
                ),
            );
        }
        ok.then(|| DesignSpec {
            file: file.to_path_buf(),
            columns,
            strata: plan
                .strata
                .iter()
                .map(|s| (s.key.clone(), s.population, s.sample_size))
                .collect(),
        })
    }
}

/// `line N: …` → N (0 when the message names no line).
fn error_line(message: &str) -> usize {
    message
        .strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `line N: message` → `message`.
fn strip_line(message: &str) -> String {
    match error_line(message) {
        0 => message.to_string(),
        _ => message
            .split_once(": ")
            .map_or(message, |(_, rest)| rest)
            .to_string(),
    }
}

#[cfg(test)]
mod tests;
