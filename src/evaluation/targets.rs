//! `survey-definitions/targets.toml`: the evaluation's indicators, baselines, targets and
//! grading rules (the file's header documents the format). Parsed once and checked against
//! the visions and waves; every problem is reported with the file and line it sits on, all
//! at once, as `citizen-survey check` does for the other definition files.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::Datelike;
use serde::Deserialize;
use toml::Spanned;

use crate::definitions::{
    DefinitionError, DefinitionErrors, Definitions, QuestionKind, Text, Wave,
};
use crate::i18n::Lang;

/// The targets file, directly in the definitions directory.
pub const TARGETS_FILE: &str = "targets.toml";

/// What an indicator measures, always on the product's 0–100 scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    /// The vision's score: mean of respondents' vision scores.
    VisionScore,
    /// The vision's top-2-box share in percent: mean of respondents' shares of answers 4–5.
    VisionTop2,
    /// One scored item's mean (answers 1–5 as 0, 25, …, 100).
    ItemScore(String),
    /// One scored item's share of answers 4 or 5 among its answers 1–5, in percent.
    ItemTop2(String),
}

impl Measure {
    /// The name used in the file and the CSV's `measure` column.
    pub fn name(&self) -> &'static str {
        match self {
            Measure::VisionScore => "vision_score",
            Measure::VisionTop2 => "vision_top2",
            Measure::ItemScore(_) => "item_score",
            Measure::ItemTop2(_) => "item_top2",
        }
    }

    pub fn item(&self) -> Option<&str> {
        match self {
            Measure::ItemScore(i) | Measure::ItemTop2(i) => Some(i),
            _ => None,
        }
    }

    /// Whether the figure is a share (shown with `%`).
    pub fn is_share(&self) -> bool {
        matches!(self, Measure::VisionTop2 | Measure::ItemTop2(_))
    }
}

/// Where the baseline (基準値) comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Baseline {
    /// The same figure in an earlier wave of this product.
    Wave(String),
    /// A figure of another survey, with its source and, when the source gives one, its
    /// standard error.
    External {
        value: f64,
        se: Option<f64>,
        source: Text,
    },
}

/// When the target is to be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetWhen {
    Wave(String),
    /// A fiscal year (April to March).
    Year(i32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub value: f64,
    pub when: TargetWhen,
}

/// The grading rule and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// 長与町: S ≥ target, A above the band, B within ±`band_pct` % of the baseline, C below.
    Nagayo { band_pct: f64 },
    /// 多摩市: achievement against the share of the gap expected by the wave (percent per
    /// wave; the target wave expects 100).
    Progress { expected_pct: BTreeMap<String, f64> },
    /// Changed only when the 95% interval of the change excludes zero.
    Interval,
}

impl Rule {
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Nagayo { .. } => "nagayo",
            Rule::Progress { .. } => "progress",
            Rule::Interval => "interval",
        }
    }
}

/// One row of the evaluation table.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub vision: String,
    pub measure: Measure,
    pub weighted: bool,
    /// The name written in the file; `None`: made from the measure when shown.
    pub name: Option<Text>,
    pub baseline: Baseline,
    pub target: Target,
    pub rule: Rule,
}

impl Indicator {
    /// Whether `wave` is the one the target is set for (its wave, or a wave of its year).
    pub fn is_target_wave(&self, wave: &Wave) -> bool {
        match &self.target.when {
            TargetWhen::Wave(id) => *id == wave.id,
            TargetWhen::Year(y) => fiscal_year(wave.opens) == *y,
        }
    }

    /// The share of the baseline-to-target gap expected to be closed by `wave`, in percent:
    /// the rule's figure for it, 100 at the target wave, else unknown.
    pub fn expected_pct(&self, wave: &Wave) -> Option<f64> {
        if let Rule::Progress { expected_pct } = &self.rule
            && let Some(p) = expected_pct.get(&wave.id)
        {
            return Some(*p);
        }
        self.is_target_wave(wave).then_some(100.0)
    }
}

/// Every indicator of the targets file, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    pub indicators: Vec<Indicator>,
    /// The CS portfolio's overall-satisfaction item (`[portfolio] overall`): a scale question
    /// whose correlation with each scored item is that item's importance.
    pub overall: Option<String>,
}

impl Targets {
    pub fn of_vision<'a>(&'a self, vision: &'a str) -> impl Iterator<Item = &'a Indicator> {
        self.indicators.iter().filter(move |i| i.vision == vision)
    }
}

/// The fiscal year (April to March) a date falls in: 2027-01-31 is in FY2026.
pub fn fiscal_year(date: chrono::NaiveDate) -> i32 {
    if date.month() < 4 {
        date.year() - 1
    } else {
        date.year()
    }
}

// ---------------------------------------------------------------------------------------
// The file as written.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    indicators: Vec<Spanned<RawIndicator>>,
    portfolio: Option<RawPortfolio>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPortfolio {
    overall: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    vision: Spanned<String>,
    measure: Spanned<String>,
    item: Option<Spanned<String>>,
    weighted: Option<Spanned<bool>>,
    name: Option<Spanned<BTreeMap<String, String>>>,
    baseline: Option<Spanned<RawBaseline>>,
    target: Option<Spanned<RawTarget>>,
    rule: Option<Spanned<RawRule>>,
}

/// An integer or a float: `60` and `60.0` both mean sixty.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
enum Number {
    Integer(i64),
    Float(f64),
}

impl Number {
    fn value(self) -> f64 {
        match self {
            Number::Integer(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseline {
    wave: Option<Spanned<String>>,
    value: Option<Spanned<Number>>,
    se: Option<Spanned<Number>>,
    source: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    value: Option<Spanned<Number>>,
    wave: Option<Spanned<String>>,
    year: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: Spanned<String>,
    band_pct: Option<Spanned<Number>>,
    expected_pct: Option<Spanned<BTreeMap<String, Spanned<Number>>>>,
}

// ---------------------------------------------------------------------------------------
// Loading and checking.

/// Reads `targets.toml` below `dir` and checks it against the definitions. `Ok(None)` when
/// the file does not exist (no evaluation is configured).
pub fn load(dir: &Path, defs: &Definitions) -> Result<Option<Targets>, DefinitionErrors> {
    let path = dir.join(TARGETS_FILE);
    let src = match std::fs::read_to_string(&path) {
        Ok(src) => src,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(DefinitionErrors(vec![DefinitionError {
                file: path,
                line: 0,
                message: format!("cannot read the file: {e}"),
            }]));
        }
    };
    parse(&path, &src, defs).map(Some)
}

/// Parses and checks the text of a targets file (`path` names it in errors).
pub fn parse(path: &Path, src: &str, defs: &Definitions) -> Result<Targets, DefinitionErrors> {
    let mut ctx = Ctx {
        file: path.to_path_buf(),
        src,
        errors: Vec::new(),
    };
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map_or(0, |s| line_of(src, s.start));
            return Err(DefinitionErrors(vec![DefinitionError {
                file: path.to_path_buf(),
                line,
                message: e.message().trim().to_string(),
            }]));
        }
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut indicators = Vec::new();
    for raw in raw.indicators {
        let span = raw.span();
        let raw = raw.into_inner();
        let id = raw.id.get_ref().clone();
        if let Some(first) = seen.get(&id) {
            ctx.error(
                raw.id.span(),
                format!("duplicate indicator id `{id}` (first defined on line {first})"),
            );
        } else {
            seen.insert(id.clone(), ctx.line(raw.id.span()));
        }
        if let Some(indicator) = ctx.indicator(raw, span, defs) {
            indicators.push(indicator);
        }
    }
    let overall = raw.portfolio.and_then(|p| p.overall).map(|o| {
        let is_scale = defs.waves.iter().any(|w| {
            w.question(o.get_ref())
                .is_some_and(|q| q.kind.name() == "scale")
        });
        if !is_scale {
            ctx.error(
                o.span(),
                format!(
                    "[portfolio] overall: unknown item `{}`: no wave has a scale question with that id (the overall-satisfaction question must be a scale question)",
                    o.get_ref()
                ),
            );
        }
        o.into_inner()
    });
    if ctx.errors.is_empty() {
        Ok(Targets {
            indicators,
            overall,
        })
    } else {
        ctx.errors.sort_by_key(|e| e.line);
        Err(DefinitionErrors(ctx.errors))
    }
}

/// 1-based line of a byte offset.
fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

struct Ctx<'a> {
    file: PathBuf,
    src: &'a str,
    errors: Vec<DefinitionError>,
}

impl Ctx<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_of(self.src, span.start)
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.errors.push(DefinitionError {
            file: self.file.clone(),
            line,
            message: message.into(),
        });
    }

    /// A text per language (`name.ja = "…"`): known languages only, Japanese required.
    fn text(
        &mut self,
        raw: Spanned<BTreeMap<String, String>>,
        key: &str,
        what: &str,
    ) -> Option<Text> {
        let span = raw.span();
        let mut written = BTreeMap::new();
        let mut ok = true;
        for (code, value) in raw.into_inner() {
            match Lang::parse(&code) {
                Some(lang) if !value.trim().is_empty() => {
                    written.insert(lang, value);
                }
                Some(_) => {}
                None => {
                    ok = false;
                    let known: Vec<&str> = Lang::all().map(Lang::code).collect();
                    self.error(
                        span.clone(),
                        format!(
                            "{what}: unknown key `{key}.{code}` (languages: {})",
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        if !written.contains_key(&Lang::Ja) {
            ok = false;
            self.error(
                span,
                format!("{what}: missing Japanese text: add `{key}.ja = \"…\"`"),
            );
        }
        ok.then(|| Text::from_written(written))
    }

    fn wave<'d>(
        &mut self,
        defs: &'d Definitions,
        id: &Spanned<String>,
        what: &str,
    ) -> Option<&'d Wave> {
        let found = defs.wave(id.get_ref());
        if found.is_none() {
            let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
            self.error(
                id.span(),
                format!(
                    "{what}: wave `{}` does not exist (waves: {})",
                    id.get_ref(),
                    known.join(", ")
                ),
            );
        }
        found
    }

    fn indicator(
        &mut self,
        raw: RawIndicator,
        span: Range<usize>,
        defs: &Definitions,
    ) -> Option<Indicator> {
        let errors_before = self.errors.len();
        let id = raw.id.get_ref().clone();
        let what = format!("indicator `{id}`");
        let snake = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake {
            self.error(
                raw.id.span(),
                format!("{what}: the id must be snake_case: a lowercase letter, then lowercase letters, digits or `_`"),
            );
        }

        let vision = raw.vision.get_ref().clone();
        let vision_known = defs.vision(&vision).is_some();
        if !vision_known {
            let known: Vec<&str> = defs.visions.iter().map(|v| v.id.as_str()).collect();
            self.error(
                raw.vision.span(),
                format!(
                    "{what}: unknown vision `{vision}` (visions: {})",
                    known.join(", ")
                ),
            );
        }

        let measure = self.measure(&raw, &what, &vision, vision_known, defs);
        let weighted = raw.weighted.as_ref().is_some_and(|w| *w.get_ref());
        if let (Some(w), Some(m)) = (&raw.weighted, &measure)
            && *w.get_ref()
            && m.item().is_some()
        {
            self.error(
                w.span(),
                format!("{what}: `weighted = true` is for vision_score and vision_top2 only: item figures are published unweighted; remove it"),
            );
        }
        let name = raw.name.and_then(|n| self.text(n, "name", &what));

        let baseline = match raw.baseline {
            Some(b) => self.baseline(b, &what, measure.as_ref(), defs),
            None => {
                self.error(
                    span.clone(),
                    format!("{what} has no baseline: add `baseline.wave = \"…\"` or `baseline.value = …` with `baseline.source.ja = \"…\"`"),
                );
                None
            }
        };
        let target = match raw.target {
            Some(t) => self.target(t, &what, defs),
            None => {
                self.error(
                    span.clone(),
                    format!("{what} has no target: add `target.value = …` and `target.wave = \"…\"` or `target.year = …`"),
                );
                None
            }
        };
        if let (Some(Baseline::External { value: b, .. }), Some((t, t_line))) = (&baseline, &target)
            && t.value < *b
        {
            self.errors.push(DefinitionError {
                file: self.file.clone(),
                line: *t_line,
                message: format!(
                    "{what}: the target {} is below the baseline {b}: every measure is better when higher; set a target at or above the baseline",
                    t.value
                ),
            });
        }
        if let (Some(Baseline::Wave(b)), Some((t, t_line))) = (&baseline, &target)
            && let (Some(bw), TargetWhen::Wave(tw)) = (defs.wave(b), &t.when)
            && let Some(tw) = defs.wave(tw)
            && tw.opens <= bw.opens
        {
            self.errors.push(DefinitionError {
                file: self.file.clone(),
                line: *t_line,
                message: format!(
                    "{what}: the target wave `{}` does not come after the baseline wave `{b}`",
                    tw.id
                ),
            });
        }
        let rule = match raw.rule {
            Some(r) => self.rule(r, &what, target.as_ref().map(|t| &t.0), defs),
            None => {
                self.error(
                    span,
                    format!("{what} has no grading rule: add `rule.kind = \"nagayo\"` (with `rule.band_pct`), \"progress\" (with `rule.expected_pct`) or \"interval\""),
                );
                None
            }
        };
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Indicator {
            id,
            vision,
            measure: measure?,
            weighted,
            name,
            baseline: baseline?,
            target: target?.0,
            rule: rule?,
        })
    }

    fn measure(
        &mut self,
        raw: &RawIndicator,
        what: &str,
        vision: &str,
        vision_known: bool,
        defs: &Definitions,
    ) -> Option<Measure> {
        let name = raw.measure.get_ref().as_str();
        let needs_item = matches!(name, "item_score" | "item_top2");
        match (&raw.item, needs_item) {
            (Some(item), false) if matches!(name, "vision_score" | "vision_top2") => {
                self.error(
                    item.span(),
                    format!("{what}: `item` does not apply to measure `{name}`; use item_score or item_top2 for one item"),
                );
                return None;
            }
            (None, true) => {
                self.error(
                    raw.measure.span(),
                    format!("{what}: measure `{name}` needs `item = \"…\"`: the id of a scale question of vision `{vision}`"),
                );
                return None;
            }
            _ => {}
        }
        let measure = match name {
            "vision_score" => Measure::VisionScore,
            "vision_top2" => Measure::VisionTop2,
            "item_score" | "item_top2" => {
                let item = raw.item.as_ref().expect("checked above");
                let id = item.get_ref().clone();
                // Where the id is a scale item, and of which vision.
                let uses: Vec<(&str, &str)> = defs
                    .waves
                    .iter()
                    .filter_map(|w| match &w.question(&id)?.kind {
                        QuestionKind::Scale {
                            vision,
                            measure: crate::definitions::ScaleMeasure::Agreement,
                            ..
                        } => Some((w.id.as_str(), vision.as_str())),
                        _ => None,
                    })
                    .collect();
                if uses.is_empty() {
                    self.error(
                        item.span(),
                        format!(
                            "{what}: unknown item `{id}`: no wave has a scale question with that id"
                        ),
                    );
                    return None;
                }
                if vision_known && let Some((w, v)) = uses.iter().find(|(_, v)| *v != vision) {
                    self.error(
                        item.span(),
                        format!("{what}: item `{id}` is scored for vision `{v}` in wave `{w}`, not for `{vision}`"),
                    );
                    return None;
                }
                if name == "item_score" {
                    Measure::ItemScore(id)
                } else {
                    Measure::ItemTop2(id)
                }
            }
            other => {
                self.error(
                    raw.measure.span(),
                    format!("{what}: unknown measure `{other}` (expected vision_score, vision_top2, item_score or item_top2)"),
                );
                return None;
            }
        };
        Some(measure)
    }

    fn baseline(
        &mut self,
        raw: Spanned<RawBaseline>,
        what: &str,
        measure: Option<&Measure>,
        defs: &Definitions,
    ) -> Option<Baseline> {
        let span = raw.span();
        let raw = raw.into_inner();
        match (&raw.wave, &raw.value) {
            (Some(wave), None) => {
                for (key, s) in [
                    ("se", raw.se.as_ref().map(Spanned::span)),
                    ("source", raw.source.as_ref().map(Spanned::span)),
                ] {
                    if let Some(s) = s {
                        self.error(
                            s,
                            format!("{what}: `baseline.{key}` is for an external value (`baseline.value`); a wave of this product has its own figures and source"),
                        );
                    }
                }
                let found = self.wave(defs, wave, &format!("{what}: baseline"))?;
                if let Some(item) = measure.and_then(Measure::item)
                    && found.question(item).is_none()
                {
                    self.error(
                        wave.span(),
                        format!(
                            "{what}: the baseline wave `{}` has no item `{item}`",
                            found.id
                        ),
                    );
                    return None;
                }
                Some(Baseline::Wave(wave.get_ref().clone()))
            }
            (None, Some(value)) => {
                let v = value.get_ref().value();
                let mut ok = true;
                if !(0.0..=100.0).contains(&v) {
                    ok = false;
                    self.error(
                        value.span(),
                        format!("{what}: `baseline.value` {v} is outside 0–100: give the figure on the product's 0–100 scale (a share in percent)"),
                    );
                }
                let se = match &raw.se {
                    Some(se) if !(se.get_ref().value() > 0.0 && se.get_ref().value() < 100.0) => {
                        ok = false;
                        self.error(
                            se.span(),
                            format!("{what}: `baseline.se` must be a positive standard error on the same 0–100 scale"),
                        );
                        None
                    }
                    Some(se) => Some(se.get_ref().value()),
                    None => None,
                };
                let source = match raw.source {
                    Some(s) => self.text(s, "baseline.source", what),
                    None => {
                        self.error(
                            value.span(),
                            format!("{what}: an external baseline needs its source: add `baseline.source.ja = \"…\"` (survey, year, question)"),
                        );
                        None
                    }
                };
                (ok).then_some(())?;
                Some(Baseline::External {
                    value: v,
                    se,
                    source: source?,
                })
            }
            (Some(_), Some(value)) => {
                self.error(
                    value.span(),
                    format!("{what}: give the baseline either as `baseline.wave` or as `baseline.value`, not both"),
                );
                None
            }
            (None, None) => {
                self.error(
                    span,
                    format!(
                        "{what}: the baseline needs `baseline.wave = \"…\"` or `baseline.value = …`"
                    ),
                );
                None
            }
        }
    }

    /// The target and the line it is written on.
    fn target(
        &mut self,
        raw: Spanned<RawTarget>,
        what: &str,
        defs: &Definitions,
    ) -> Option<(Target, usize)> {
        let span = raw.span();
        let line = self.line(span.clone());
        let raw = raw.into_inner();
        let value = match &raw.value {
            Some(v) if (0.0..=100.0).contains(&v.get_ref().value()) => Some(v.get_ref().value()),
            Some(v) => {
                self.error(
                    v.span(),
                    format!(
                        "{what}: `target.value` {} is outside 0–100",
                        v.get_ref().value()
                    ),
                );
                None
            }
            None => {
                self.error(
                    span.clone(),
                    format!("{what}: the target needs `target.value = …` (0–100)"),
                );
                None
            }
        };
        let when = match (&raw.wave, &raw.year) {
            (Some(w), None) => self
                .wave(defs, w, &format!("{what}: target"))
                .map(|w| TargetWhen::Wave(w.id.clone())),
            (None, Some(y)) => {
                let year = *y.get_ref();
                let years: Vec<i32> = defs.waves.iter().map(|w| fiscal_year(w.opens)).collect();
                match i32::try_from(year) {
                    Ok(year) if years.contains(&year) => Some(TargetWhen::Year(year)),
                    _ => {
                        let listed: Vec<String> = defs
                            .waves
                            .iter()
                            .map(|w| format!("{} ({})", fiscal_year(w.opens), w.id))
                            .collect();
                        self.error(
                            y.span(),
                            format!(
                                "{what}: no wave opens in fiscal year {year}: the target year must be one surveyed (fiscal years: {})",
                                listed.join(", ")
                            ),
                        );
                        None
                    }
                }
            }
            (Some(_), Some(y)) => {
                self.error(
                    y.span(),
                    format!("{what}: give `target.wave` or `target.year`, not both"),
                );
                None
            }
            (None, None) => {
                self.error(
                    span,
                    format!("{what}: the target needs `target.wave = \"…\"` or `target.year = …`"),
                );
                None
            }
        };
        Some((
            Target {
                value: value?,
                when: when?,
            },
            line,
        ))
    }

    fn rule(
        &mut self,
        raw: Spanned<RawRule>,
        what: &str,
        target: Option<&Target>,
        defs: &Definitions,
    ) -> Option<Rule> {
        let raw = raw.into_inner();
        let kind = raw.kind.get_ref().as_str();
        let misplaced = |key: &str, allowed: &str| {
            format!(
                "{what}: `rule.{key}` does not apply to rule `{kind}` (it is a parameter of `{allowed}`)"
            )
        };
        match kind {
            "nagayo" => {
                if let Some(e) = &raw.expected_pct {
                    self.error(e.span(), misplaced("expected_pct", "progress"));
                }
                let Some(band) = &raw.band_pct else {
                    self.error(
                        raw.kind.span(),
                        format!("{what}: rule `nagayo` needs its parameter `rule.band_pct` (B when within ±band_pct % of the baseline, e.g. `rule.band_pct = 10`)"),
                    );
                    return None;
                };
                let b = band.get_ref().value();
                if !(b > 0.0 && b < 100.0) {
                    self.error(
                        band.span(),
                        format!("{what}: `rule.band_pct` must be above 0 and below 100 (percent of the baseline)"),
                    );
                    return None;
                }
                Some(Rule::Nagayo { band_pct: b })
            }
            "progress" => {
                if let Some(b) = &raw.band_pct {
                    self.error(b.span(), misplaced("band_pct", "nagayo"));
                }
                let Some(expected) = raw.expected_pct else {
                    self.error(
                        raw.kind.span(),
                        format!("{what}: rule `progress` needs its parameter `rule.expected_pct`: the share of the gap (%) expected by each wave before the target, e.g. `rule.expected_pct = {{ \"2026-midterm\" = 60 }}`"),
                    );
                    return None;
                };
                let span = expected.span();
                let expected = expected.into_inner();
                if expected.is_empty() {
                    self.error(
                        span,
                        format!("{what}: `rule.expected_pct` is empty: give the expected share (%) of at least one wave before the target"),
                    );
                    return None;
                }
                let mut out = BTreeMap::new();
                for (wave, pct) in expected {
                    let Some(w) = defs.wave(&wave) else {
                        let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
                        self.error(
                            pct.span(),
                            format!(
                                "{what}: `rule.expected_pct` names wave `{wave}`, which does not exist (waves: {})",
                                known.join(", ")
                            ),
                        );
                        continue;
                    };
                    let p = pct.get_ref().value();
                    if !(p > 0.0 && p <= 100.0) {
                        self.error(
                            pct.span(),
                            format!("{what}: the expected share of `{wave}` must be above 0 and at most 100 (%)"),
                        );
                        continue;
                    }
                    let at_target = target.is_some_and(|t| match &t.when {
                        TargetWhen::Wave(id) => *id == w.id,
                        TargetWhen::Year(y) => fiscal_year(w.opens) == *y,
                    });
                    if at_target {
                        self.error(
                            pct.span(),
                            format!("{what}: `{wave}` is the target wave, where 100% of the gap is expected by definition; remove it from `rule.expected_pct`"),
                        );
                        continue;
                    }
                    out.insert(wave, p);
                }
                Some(Rule::Progress { expected_pct: out })
            }
            "interval" => {
                let mut ok = true;
                if let Some(b) = &raw.band_pct {
                    ok = false;
                    self.error(b.span(), misplaced("band_pct", "nagayo"));
                }
                if let Some(e) = &raw.expected_pct {
                    ok = false;
                    self.error(e.span(), misplaced("expected_pct", "progress"));
                }
                ok.then_some(Rule::Interval)
            }
            other => {
                self.error(
                    raw.kind.span(),
                    format!(
                        "{what}: unknown rule `{other}` (expected nagayo, progress or interval)"
                    ),
                );
                None
            }
        }
    }
}

/// Visions without any indicator (a note for `check`, not an error).
pub fn visions_without_indicators<'a>(targets: &Targets, defs: &'a Definitions) -> Vec<&'a str> {
    defs.visions
        .iter()
        .filter(|v| targets.of_vision(&v.id).next().is_none())
        .map(|v| v.id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> Definitions {
        crate::definitions::load_dir(Path::new("survey-definitions")).unwrap()
    }

    const GOOD: &str = r#"
[[indicators]]
id = "v1_score"
vision = "v1"
measure = "vision_score"
baseline.value = 45
baseline.source.ja = "令和5年度調査"
target.value = 60.0
target.wave = "2028-final"
rule.kind = "progress"
rule.expected_pct = { "2026-midterm" = 60 }

[[indicators]]
id = "v3_item"
vision = "v3"
measure = "item_top2"
item = "v3_staff_skills"
name.ja = "職員のスキル"
baseline.wave = "2026-midterm"
target.value = 50
target.year = 2028
rule.kind = "interval"
"#;

    fn errors(src: &str) -> Vec<(usize, String)> {
        parse(Path::new("targets.toml"), src, &defs())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.line, e.message))
            .collect()
    }

    /// One error, on `line`, whose message contains `needle`.
    fn one_error(src: &str, line: usize, needle: &str) {
        let e = errors(src);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, line, "{e:?}");
        assert!(e[0].1.contains(needle), "{e:?}");
    }

    #[test]
    fn the_bundled_file_and_a_good_one_parse() {
        let defs = defs();
        let bundled = load(Path::new("survey-definitions"), &defs)
            .unwrap()
            .unwrap();
        assert!(bundled.indicators.len() >= 5);
        assert!(visions_without_indicators(&bundled, &defs).is_empty());
        let t = parse(Path::new("t.toml"), GOOD, &defs).unwrap();
        assert_eq!(t.indicators.len(), 2);
        let a = &t.indicators[0];
        assert_eq!(a.measure, Measure::VisionScore);
        assert!(!a.weighted);
        assert!(
            matches!(&a.baseline, Baseline::External { value, se: None, .. } if *value == 45.0)
        );
        assert_eq!(a.target.when, TargetWhen::Wave("2028-final".into()));
        let midterm = defs.wave("2026-midterm").unwrap();
        let last = defs.wave("2028-final").unwrap();
        assert_eq!(a.expected_pct(midterm), Some(60.0));
        assert_eq!(a.expected_pct(last), Some(100.0));
        let b = &t.indicators[1];
        assert_eq!(b.measure, Measure::ItemTop2("v3_staff_skills".into()));
        assert_eq!(b.name.as_ref().unwrap().ja, "職員のスキル");
        assert_eq!(b.target.when, TargetWhen::Year(2028));
        assert!(b.is_target_wave(last) && !b.is_target_wave(midterm));
        assert_eq!(b.expected_pct(midterm), None);
        assert!(load(Path::new("no-such-dir"), &defs).unwrap().is_none());
    }

    #[test]
    fn unknown_vision_and_item() {
        one_error(
            &GOOD.replacen("vision = \"v1\"", "vision = \"v9\"", 1),
            4,
            "unknown vision `v9`",
        );
        one_error(
            &GOOD.replace("v3_staff_skills", "v3_no_such_item"),
            17,
            "unknown item `v3_no_such_item`",
        );
        one_error(
            &GOOD.replace("v3_staff_skills", "v1_fewer_visits"),
            17,
            "scored for vision `v1`",
        );
        // A question that exists but is not scored.
        one_error(
            &GOOD.replace("v3_staff_skills", "age_band"),
            17,
            "unknown item `age_band`",
        );
    }

    #[test]
    fn rules_without_their_parameters() {
        one_error(
            &GOOD.replacen("rule.expected_pct = { \"2026-midterm\" = 60 }\n", "", 1),
            10,
            "rule `progress` needs its parameter `rule.expected_pct`",
        );
        one_error(
            &GOOD.replacen("rule.kind = \"interval\"", "rule.kind = \"nagayo\"", 1),
            22,
            "rule `nagayo` needs its parameter `rule.band_pct`",
        );
        one_error(
            &GOOD.replacen(
                "rule.kind = \"interval\"",
                "rule.kind = \"interval\"\nrule.band_pct = 10",
                1,
            ),
            23,
            "does not apply to rule `interval`",
        );
        one_error(
            &GOOD.replacen("rule.kind = \"interval\"", "rule.kind = \"median\"", 1),
            22,
            "unknown rule `median`",
        );
        let no_rule = GOOD.replacen("rule.kind = \"interval\"\n", "", 1);
        one_error(&no_rule, 13, "has no grading rule");
    }

    #[test]
    fn waves_that_do_not_exist() {
        one_error(
            &GOOD.replacen(
                "target.wave = \"2028-final\"",
                "target.wave = \"2030-final\"",
                1,
            ),
            9,
            "wave `2030-final` does not exist",
        );
        one_error(
            &GOOD.replacen("target.year = 2028", "target.year = 2030", 1),
            21,
            "no wave opens in fiscal year 2030",
        );
        one_error(
            &GOOD.replacen("\"2026-midterm\" = 60", "\"2027-midterm\" = 60", 1),
            11,
            "names wave `2027-midterm`, which does not exist",
        );
        one_error(
            &GOOD.replacen(
                "baseline.wave = \"2026-midterm\"",
                "baseline.wave = \"2025\"",
                1,
            ),
            19,
            "baseline: wave `2025` does not exist",
        );
        one_error(
            &GOOD.replacen("\"2026-midterm\" = 60", "\"2028-final\" = 60", 1),
            11,
            "is the target wave",
        );
    }

    #[test]
    fn values_sources_and_keys() {
        one_error(
            &GOOD.replacen("baseline.source.ja = \"令和5年度調査\"\n", "", 1),
            6,
            "needs its source",
        );
        one_error(
            &GOOD.replacen("target.value = 60.0", "target.value = 160.0", 1),
            8,
            "outside 0–100",
        );
        one_error(
            &GOOD.replacen("target.value = 60.0", "target.value = 40.0", 1),
            8,
            "below the baseline",
        );
        one_error(
            &GOOD.replacen(
                "measure = \"vision_score\"",
                "measure = \"vision_score\"\nweighted = \"yes\"",
                1,
            ),
            6,
            "invalid type",
        );
        one_error(
            &GOOD.replacen(
                "item = \"v3_staff_skills\"",
                "item = \"v3_staff_skills\"\nweighted = true",
                1,
            ),
            18,
            "vision_score and vision_top2 only",
        );
        one_error(
            &GOOD.replacen(
                "measure = \"item_top2\"\nitem = \"v3_staff_skills\"\n",
                "measure = \"item_top2\"\n",
                1,
            ),
            16,
            "needs `item",
        );
        one_error(
            &GOOD.replacen("name.ja = ", "name.fr = \"x\"\nname.ja = ", 1),
            18,
            "unknown key `name.fr`",
        );
        one_error(
            &GOOD.replacen("id = \"v3_item\"", "id = \"v1_score\"", 1),
            14,
            "duplicate indicator id `v1_score` (first defined on line 3)",
        );
        one_error(
            &GOOD.replacen("rule.kind", "rule.knd", 1),
            10,
            "unknown field",
        );
        // Several problems are all reported, in line order.
        let both = GOOD
            .replacen("vision = \"v1\"", "vision = \"v9\"", 1)
            .replacen("target.year = 2028", "target.year = 2030", 1);
        let e = errors(&both);
        assert_eq!(e.iter().map(|e| e.0).collect::<Vec<_>>(), [4, 21]);
    }

    #[test]
    fn the_portfolio_s_overall_item_must_be_a_scale_question() {
        let t = parse(
            Path::new("t.toml"),
            &format!("{GOOD}\n[portfolio]\noverall = \"v1_fewer_visits\"\n"),
            &defs(),
        )
        .unwrap();
        assert_eq!(t.overall.as_deref(), Some("v1_fewer_visits"));
        one_error(
            &format!("{GOOD}\n[portfolio]\noverall = \"age_band\"\n"),
            25,
            "[portfolio] overall: unknown item `age_band`",
        );
    }

    #[test]
    fn fiscal_years_run_from_april() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(fiscal_year(d(2027, 1, 31)), 2026);
        assert_eq!(fiscal_year(d(2027, 3, 31)), 2026);
        assert_eq!(fiscal_year(d(2027, 4, 1)), 2027);
    }
}
