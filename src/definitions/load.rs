//! Reading and checking a definitions directory: every problem is reported with the file
//! and line it sits on, all at once, so an operator fixes a directory in one pass.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::model::{
    Access, Choice, Definitions, Question, QuestionKind, Sample, ScaleMeasure, Section, ShowIf,
    Text, Vision, Wave,
};
use super::raw;
use crate::i18n::{Lang, furigana};

/// A text that a language lacks: pages show it in the language's fallback instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingText {
    pub file: PathBuf,
    pub line: usize,
    pub lang: Lang,
    pub what: String,
}

/// How complete one definition file is per language.
#[derive(Debug, Clone)]
pub struct FileCoverage {
    pub file: PathBuf,
    /// Texts in the file (each in several languages).
    pub texts: usize,
    pub missing: Vec<MissingText>,
    /// `reviewed.{lang}` as written; a language not listed is not reviewed.
    pub reviewed: BTreeMap<Lang, bool>,
}

fn known_langs() -> String {
    Lang::all().map(Lang::code).collect::<Vec<_>>().join(", ")
}

/// The file holding the visions, directly in the definitions directory.
pub const VISIONS_FILE: &str = "visions.toml";
/// The folder holding one file per wave, named `{wave id}.toml`.
pub const WAVES_DIR: &str = "waves";

/// One problem in a definition file. `line` is 1-based; 0 when the problem is the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        }
    }
}

/// Every problem found in a definitions directory, in file and line order.
#[derive(Debug, Clone)]
pub struct DefinitionErrors(pub Vec<DefinitionError>);

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DefinitionErrors {}

/// Reads `visions.toml` and `waves/*.toml` below `dir` and checks them together.
pub fn load_dir(dir: &Path) -> Result<Definitions, DefinitionErrors> {
    load_dir_with_coverage(dir).map(|(defs, _)| defs)
}

/// [`load_dir`], with what each file's texts lack per language (for `check`).
pub fn load_dir_with_coverage(
    dir: &Path,
) -> Result<(Definitions, Vec<FileCoverage>), DefinitionErrors> {
    let mut errors = Vec::new();
    let mut coverage = Vec::new();

    let visions_path = dir.join(VISIONS_FILE);
    // Ids declared in visions.toml, valid or not; `None` when the file could not be read, so
    // that a broken visions file does not also make every section's vision "unknown".
    let mut declared: Option<HashSet<String>> = None;
    let visions = match read_file::<raw::VisionsFile>(&visions_path, &mut errors) {
        Some((mut file, src)) => {
            declared = Some(
                file.visions
                    .iter()
                    .map(|v| v.get_ref().id.get_ref().clone())
                    .collect(),
            );
            let mut ctx = Ctx::new(&visions_path, &src, &mut errors);
            let reviewed = ctx.reviewed(file.reviewed.take());
            let visions = convert_visions(&mut ctx, file);
            coverage.push(ctx.coverage(reviewed));
            visions
        }
        None => Vec::new(),
    };

    let mut waves = Vec::new();
    for path in wave_files(dir, &mut errors) {
        if let Some((file, src)) = read_file::<raw::Wave>(&path, &mut errors) {
            let mut ctx = Ctx::new(&path, &src, &mut errors);
            if let Some(wave) = convert_wave(&mut ctx, file, &visions, declared.as_ref()) {
                coverage.push(ctx.coverage(wave.wave.reviewed.clone()));
                waves.push(wave);
            }
        }
    }
    check_across_waves(&mut waves, &mut errors);
    if errors.is_empty() {
        Ok((
            Definitions {
                visions,
                waves: waves.into_iter().map(|w| w.wave).collect(),
            },
            coverage,
        ))
    } else {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors.dedup();
        Err(DefinitionErrors(errors))
    }
}

fn wave_files(dir: &Path, errors: &mut Vec<DefinitionError>) -> Vec<PathBuf> {
    let waves_dir = dir.join(WAVES_DIR);
    let entries = match std::fs::read_dir(&waves_dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(DefinitionError {
                file: waves_dir,
                line: 0,
                message: format!("cannot read the waves folder: {e}"),
            });
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        errors.push(DefinitionError {
            file: waves_dir,
            line: 0,
            message: "no wave definitions (*.toml) found".into(),
        });
    }
    files
}

fn read_file<T: DeserializeOwned>(
    path: &Path,
    errors: &mut Vec<DefinitionError>,
) -> Option<(T, String)> {
    let src = match std::fs::read_to_string(path) {
        Ok(src) => src,
        Err(e) => {
            errors.push(DefinitionError {
                file: path.to_path_buf(),
                line: 0,
                message: format!("cannot read the file: {e}"),
            });
            return None;
        }
    };
    match toml::from_str::<T>(&src) {
        Ok(file) => Some((file, src)),
        Err(e) => {
            let line = e.span().map_or(0, |s| line_of(&src, s.start));
            errors.push(DefinitionError {
                file: path.to_path_buf(),
                line,
                message: e.message().trim().to_string(),
            });
            None
        }
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

/// Where errors of one file go, and what its texts lack per language.
struct Ctx<'a> {
    file: &'a Path,
    src: &'a str,
    errors: &'a mut Vec<DefinitionError>,
    texts: usize,
    missing: Vec<MissingText>,
}

impl<'a> Ctx<'a> {
    fn new(file: &'a Path, src: &'a str, errors: &'a mut Vec<DefinitionError>) -> Self {
        Ctx {
            file,
            src,
            errors,
            texts: 0,
            missing: Vec::new(),
        }
    }

    /// What this file's texts lack, with its `reviewed` flags.
    fn coverage(&mut self, reviewed: BTreeMap<Lang, bool>) -> FileCoverage {
        FileCoverage {
            file: self.file.to_path_buf(),
            texts: self.texts,
            missing: std::mem::take(&mut self.missing),
            reviewed,
        }
    }

    /// `reviewed.zh = true` flags: known languages other than Japanese only.
    fn reviewed(
        &mut self,
        raw: Option<Spanned<BTreeMap<String, Spanned<bool>>>>,
    ) -> BTreeMap<Lang, bool> {
        let mut out = BTreeMap::new();
        for (code, flag) in raw.map(Spanned::into_inner).unwrap_or_default() {
            match Lang::parse(&code) {
                Some(Lang::Ja) => self.error(
                    flag.span(),
                    "`reviewed.ja`: Japanese is the source language; remove it",
                ),
                Some(lang) => {
                    out.insert(lang, *flag.get_ref());
                }
                None => self.error(
                    flag.span(),
                    format!(
                        "`reviewed.{code}`: unknown language `{code}` (known: {})",
                        known_langs()
                    ),
                ),
            }
        }
        out
    }

    fn line(&self, span: Range<usize>) -> usize {
        line_of(self.src, span.start)
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.errors.push(DefinitionError {
            file: self.file.to_path_buf(),
            line,
            message: message.into(),
        });
    }

    /// A text per language. `what` names the key, e.g. `question q1 text`. Japanese is
    /// required; a missing language is recorded (it falls back), an unknown one is an error.
    fn text(
        &mut self,
        raw: Option<Spanned<raw::Text>>,
        key: &str,
        what: &str,
        required_at: Option<Range<usize>>,
    ) -> Option<Text> {
        let Some(raw) = raw else {
            if let Some(span) = required_at {
                self.error(
                    span,
                    format!("{what} has no `{key}`: add `{key}.ja` (and `{key}.en`, …)"),
                );
            }
            return None;
        };
        let span = raw.span();
        let entries = raw.into_inner().0.into_iter().map(|(k, v)| (k, Some(v)));
        self.translations(entries, span, what, &|code| format!("{key}.{code}"))
    }

    /// The texts of one item from `(language code, text)` pairs (`None`: not a string).
    fn translations(
        &mut self,
        entries: impl Iterator<Item = (String, Option<String>)>,
        span: Range<usize>,
        what: &str,
        key_of: &dyn Fn(&str) -> String,
    ) -> Option<Text> {
        self.texts += 1;
        let errors_before = self.errors.len();
        let mut written = BTreeMap::new();
        for (code, value) in entries {
            let Some(lang) = Lang::parse(&code) else {
                self.error(
                    span.clone(),
                    format!(
                        "{what}: unknown key `{}` (languages: {})",
                        key_of(&code),
                        known_langs()
                    ),
                );
                continue;
            };
            let Some(value) = value else {
                self.error(
                    span.clone(),
                    format!("{what}: `{}` must be a quoted string", key_of(&code)),
                );
                continue;
            };
            if value.trim().is_empty() {
                continue;
            }
            if let Some(furigana::MarkProblem::Malformed(m)) = furigana::check(&value) {
                self.error(span.clone(), format!("{what}: `{}`: {m}", key_of(&code)));
            }
            written.insert(lang, value);
        }
        if !written.contains_key(&Lang::Ja) {
            self.error(
                span.clone(),
                format!(
                    "{what}: missing Japanese translation: add `{}`",
                    key_of("ja")
                ),
            );
        }
        if self.errors.len() > errors_before {
            return None;
        }
        let line = self.line(span);
        for lang in Lang::all().filter(|l| !written.contains_key(l)) {
            self.missing.push(MissingText {
                file: self.file.to_path_buf(),
                line,
                lang,
                what: format!("{what} `{}`", key_of(lang.code())),
            });
        }
        Some(Text::from_written(written))
    }

    fn snake_id(&mut self, id: &Spanned<String>, what: &str) {
        let ok = id.get_ref().starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.error(
                id.span(),
                format!(
                    "{what} id `{}` must be snake_case: a lowercase letter, then lowercase letters, digits or `_`",
                    id.get_ref()
                ),
            );
        }
    }
}

fn convert_visions(ctx: &mut Ctx<'_>, file: raw::VisionsFile) -> Vec<Vision> {
    if file.visions.is_empty() {
        ctx.error(0..0, "no visions defined: add `[[visions]]` tables");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut visions = Vec::new();
    for raw in file.visions {
        let span = raw.span();
        let raw = raw.into_inner();
        let id = raw.id.get_ref().clone();
        if let Some(first) = seen.get(&id) {
            ctx.error(
                raw.id.span(),
                format!("duplicate vision id `{id}` (first defined on line {first})"),
            );
            continue;
        }
        seen.insert(id.clone(), ctx.line(raw.id.span()));
        let what = format!("vision `{id}`");
        if let Some(name) = ctx.text(raw.name, "name", &what, Some(span)) {
            visions.push(Vision { id, name });
        }
    }
    visions
}

/// A wave as parsed, with the lines later checks across waves point at.
struct LoadedWave {
    wave: Wave,
    file: PathBuf,
    id_line: usize,
    dates_line: usize,
    question_lines: HashMap<String, usize>,
}

fn to_date(
    ctx: &mut Ctx<'_>,
    raw: &Spanned<toml::value::Datetime>,
    key: &str,
) -> Option<NaiveDate> {
    let dt = raw.get_ref();
    let date = match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    };
    if date.is_none() {
        ctx.error(
            raw.span(),
            format!("`{key}` must be a plain date such as 2026-11-01 (no time of day)"),
        );
    }
    date
}

/// `[sample]`: every key required (the results page prints them all), `mailed` a
/// positive whole number, `drawn` a plain date no later than the wave opens.
fn convert_sample(
    ctx: &mut Ctx<'_>,
    id: &str,
    raw: Spanned<raw::Sample>,
    opens: Option<NaiveDate>,
) -> Option<Sample> {
    let span = raw.span();
    let raw = raw.into_inner();
    let what = format!("wave `{id}` [sample]");
    let population = ctx.text(raw.population, "population", &what, Some(span.clone()));
    let method = ctx.text(raw.method, "method", &what, Some(span.clone()));
    let mailed = match raw.mailed {
        None => {
            ctx.error(
                span.clone(),
                format!("{what} has no `mailed`: add the number of letters mailed (配布数), e.g. `mailed = 3000`"),
            );
            None
        }
        Some(m) if *m.get_ref() < 1 || *m.get_ref() > 10_000_000 => {
            ctx.error(
                m.span(),
                format!(
                    "{what}: `mailed = {}` must be a whole number of letters from 1 to 10000000",
                    m.get_ref()
                ),
            );
            None
        }
        Some(m) => u64::try_from(*m.get_ref()).ok(),
    };
    let drawn = match &raw.drawn {
        None => {
            ctx.error(
                span.clone(),
                format!("{what} has no `drawn`: add the day the sample was drawn, e.g. `drawn = 2026-10-01`"),
            );
            None
        }
        Some(d) => {
            let day = to_date(ctx, d, "drawn");
            if let (Some(day), Some(opens)) = (day, opens)
                && day > opens
            {
                ctx.error(
                    d.span(),
                    format!("{what}: the sample is drawn ({day}) after the wave opens ({opens}): correct `drawn`"),
                );
            }
            day
        }
    };
    Some(Sample {
        population: population?,
        method: method?,
        mailed: mailed?,
        drawn: drawn?,
    })
}

fn convert_wave(
    ctx: &mut Ctx<'_>,
    raw: raw::Wave,
    visions: &[Vision],
    declared_visions: Option<&HashSet<String>>,
) -> Option<LoadedWave> {
    let errors_before = ctx.errors.len();
    let id = raw.id.get_ref().clone();
    let stem = ctx
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(id.as_str()) {
        ctx.error(
            raw.id.span(),
            format!(
                "wave id `{id}` must match the file name (`{}.toml`)",
                stem.unwrap_or_default()
            ),
        );
    }
    let title = ctx.text(
        raw.title,
        "title",
        &format!("wave `{id}`"),
        Some(raw.id.span()),
    );
    let intro = ctx.text(raw.intro, "intro", &format!("wave `{id}`"), None);
    let opens = to_date(ctx, &raw.opens, "opens");
    let closes = to_date(ctx, &raw.closes, "closes");
    if let (Some(o), Some(c)) = (opens, closes)
        && o > c
    {
        ctx.error(
            raw.closes.span(),
            format!("wave `{id}` closes ({c}) before it opens ({o}): swap or correct the dates"),
        );
    }
    let access = match raw.access.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("open") => Access::Open,
        Some("invitation") => Access::Invitation,
        Some("code") => Access::Code,
        Some(other) => {
            ctx.error(
                raw.access.as_ref().map_or(0..0, |a| a.span()),
                format!(
                    "wave `{id}`: unknown access `{other}` (expected open, invitation or code)"
                ),
            );
            Access::Open
        }
    };
    let open_answers = match &raw.open_answers {
        Some(flag) if access != Access::Code => {
            ctx.error(
                flag.span(),
                format!(
                    "wave `{id}`: `open_answers` applies only to `access = \"code\"` (this wave is {}): remove it",
                    access.name()
                ),
            );
            false
        }
        Some(flag) => *flag.get_ref(),
        None => false,
    };
    let reviewed = ctx.reviewed(raw.reviewed);
    let contact_span = raw.contact.as_ref().map(|c| c.span());
    let contact = ctx.text(raw.contact, "contact", &format!("wave `{id}`"), None);
    // The letters print the contact line in Japanese and in English.
    if access == Access::Code
        && let (Some(span), Some(c)) = (&contact_span, &contact)
        && !c.has(Lang::En)
    {
        ctx.error(
            span.clone(),
            format!(
                "wave `{id}`: the letters of a code wave print the contact line in Japanese and English: add `contact.en`"
            ),
        );
    }
    if access == Access::Code && contact_span.is_none() {
        ctx.error(
            raw.access.as_ref().map_or(raw.id.span(), |a| a.span()),
            format!(
                "wave `{id}`: a code wave needs `contact.ja` (and `contact.en`, …), the city's contact line printed on every letter"
            ),
        );
    }
    let sample = raw.sample.and_then(|s| convert_sample(ctx, &id, s, opens));
    if raw.sections.is_empty() {
        ctx.error(raw.id.span(), format!("wave `{id}` has no `[[sections]]`"));
    }

    let mut section_ids: HashMap<String, usize> = HashMap::new();
    // Questions defined so far: show_if may only point backwards.
    let mut earlier: HashMap<String, (usize, QuestionKind)> = HashMap::new();
    let all_questions: HashMap<String, usize> = raw
        .sections
        .iter()
        .flat_map(|s| s.get_ref().questions.iter())
        .map(|q| {
            (
                q.get_ref().id.get_ref().clone(),
                ctx.line(q.get_ref().id.span()),
            )
        })
        .collect();
    let mut sections = Vec::new();
    for raw_section in raw.sections {
        let span = raw_section.span();
        let s = raw_section.into_inner();
        let sid = s.id.get_ref().clone();
        ctx.snake_id(&s.id, "section");
        if let Some(first) = section_ids.get(&sid) {
            ctx.error(
                s.id.span(),
                format!("duplicate section id `{sid}` (first defined on line {first})"),
            );
        }
        section_ids.insert(sid.clone(), ctx.line(s.id.span()));
        let what = format!("section `{sid}`");
        let vision = match &s.vision {
            Some(v) => match visions.iter().find(|x| &x.id == v.get_ref()) {
                Some(found) => Some(found),
                // Declared but itself invalid, or visions.toml unreadable: reported there.
                None if declared_visions.is_none_or(|d| d.contains(v.get_ref())) => {
                    ctx.errors.push(DefinitionError {
                        file: ctx.file.to_path_buf(),
                        line: ctx.line(v.span()),
                        message: format!(
                            "{what}: vision `{}` is not usable until visions.toml is fixed",
                            v.get_ref()
                        ),
                    });
                    None
                }
                None => {
                    let known: Vec<&str> = visions.iter().map(|x| x.id.as_str()).collect();
                    ctx.error(
                        v.span(),
                        format!(
                            "{what} points at unknown vision `{}` (known: {})",
                            v.get_ref(),
                            known.join(", ")
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let title = match (s.title, vision) {
            (None, Some(v)) => Some(v.name.clone()),
            (title, _) => ctx.text(title, "title", &what, (s.vision.is_none()).then_some(span)),
        };
        let intro = ctx.text(s.intro, "intro", &what, None);
        let mut questions = Vec::new();
        for raw_q in s.questions {
            let vision_id = s.vision.as_ref().map(|v| v.get_ref().as_str());
            if let Some(q) =
                convert_question(ctx, raw_q, vision_id, visions, &mut earlier, &all_questions)
            {
                questions.push(q);
            }
        }
        if let Some(title) = title {
            sections.push(Section {
                id: sid,
                vision: s.vision.map(|v| v.into_inner()),
                title,
                intro,
                questions,
            });
        }
    }

    // One importance question per vision: the CS portfolio takes the vision's importance
    // from it.
    let mut importance: HashMap<&str, &str> = HashMap::new();
    for q in sections.iter().flat_map(|s| &s.questions) {
        if let QuestionKind::Scale {
            vision,
            measure: ScaleMeasure::Importance,
            ..
        } = &q.kind
            && let Some(first) = importance.insert(vision, &q.id)
        {
            let line = earlier.get(&q.id).map_or(0, |(l, _)| *l);
            ctx.errors.push(DefinitionError {
                file: ctx.file.to_path_buf(),
                line,
                message: format!(
                    "question `{}`: vision `{vision}` already has an importance question (`{first}`): ask each vision's importance once",
                    q.id
                ),
            });
        }
    }

    if ctx.errors.len() > errors_before {
        return None;
    }
    let question_lines = earlier
        .into_iter()
        .map(|(id, (line, _))| (id, line))
        .collect();
    Some(LoadedWave {
        wave: Wave {
            id,
            title: title?,
            intro,
            opens: opens?,
            closes: closes?,
            access,
            open_answers,
            contact,
            sample,
            reviewed,
            sections,
        },
        file: ctx.file.to_path_buf(),
        id_line: ctx.line(raw.id.span()),
        dates_line: ctx.line(raw.opens.span()),
        question_lines,
    })
}

/// Keys that only make sense for some kinds; anything else is a mistake worth naming.
fn misplaced_keys(q: &raw::Question, kind: &str) -> Vec<(&'static str, Range<usize>)> {
    let mut found = Vec::new();
    let mut check = |key: &'static str, span: Option<Range<usize>>, allowed: &[&str]| {
        if let Some(span) = span
            && !allowed.contains(&kind)
        {
            found.push((key, span));
        }
    };
    check(
        "dont_know",
        q.dont_know.as_ref().map(|v| v.span()),
        &["scale", "importance"],
    );
    check(
        "vision",
        q.vision.as_ref().map(|v| v.span()),
        &["importance"],
    );
    check(
        "options",
        q.options.as_ref().map(|v| v.span()),
        &["single", "multiple"],
    );
    check(
        "max_choices",
        q.max_choices.as_ref().map(|v| v.span()),
        &["multiple"],
    );
    check(
        "max_length",
        q.max_length.as_ref().map(|v| v.span()),
        &["text"],
    );
    check("min", q.min.as_ref().map(|v| v.span()), &["number"]);
    check("max", q.max.as_ref().map(|v| v.span()), &["number"]);
    check("unit", q.unit.as_ref().map(|v| v.span()), &["number"]);
    found
}

fn convert_question(
    ctx: &mut Ctx<'_>,
    raw_q: Spanned<raw::Question>,
    section_vision: Option<&str>,
    visions: &[Vision],
    earlier: &mut HashMap<String, (usize, QuestionKind)>,
    all_questions: &HashMap<String, usize>,
) -> Option<Question> {
    let span = raw_q.span();
    let q = raw_q.into_inner();
    let errors_before = ctx.errors.len();
    let id = q.id.get_ref().clone();
    let what = format!("question `{id}`");
    ctx.snake_id(&q.id, "question");
    if let Some((first, _)) = earlier.get(&id) {
        ctx.error(
            q.id.span(),
            format!("duplicate question id `{id}` (first defined on line {first})"),
        );
    }

    let kind_name = q.kind.get_ref().as_str();
    for (key, key_span) in misplaced_keys(&q, kind_name) {
        ctx.error(
            key_span,
            format!("{what}: `{key}` does not apply to kind `{kind_name}`"),
        );
    }
    let options = |ctx: &mut Ctx<'_>| -> Option<Vec<Choice>> {
        let Some(raw_options) = &q.options else {
            ctx.error(
                q.kind.span(),
                format!("{what}: kind `{kind_name}` needs `options = [ {{ code = \"…\", ja = \"…\", en = \"…\" }}, … ]`"),
            );
            return None;
        };
        if raw_options.get_ref().is_empty() {
            ctx.error(
                raw_options.span(),
                format!("{what}: the option list is empty: add at least one option"),
            );
            return None;
        }
        let mut codes = HashSet::new();
        let mut out = Vec::new();
        for o in raw_options.get_ref() {
            let o_span = o.span();
            let o = o.get_ref();
            ctx.snake_id(&Spanned::new(o_span.clone(), o.code.clone()), "option");
            let code = o.code.clone();
            if !codes.insert(code.clone()) {
                ctx.error(
                    o_span.clone(),
                    format!("{what}: duplicate option code `{code}`"),
                );
            }
            let entries = o
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)));
            let what = format!("{what}: option `{code}`");
            if let Some(label) = ctx.translations(entries, o_span, &what, &|c| c.to_string()) {
                out.push(Choice { code, label });
            }
        }
        Some(out)
    };
    let positive = |ctx: &mut Ctx<'_>, v: &Option<Spanned<i64>>, key: &str| -> Option<usize> {
        let v = v.as_ref()?;
        match usize::try_from(*v.get_ref()) {
            Ok(n) if n > 0 => Some(n),
            _ => {
                ctx.error(
                    v.span(),
                    format!("{what}: `{key}` must be a positive whole number"),
                );
                None
            }
        }
    };

    let kind = match kind_name {
        "scale" => match section_vision {
            Some(vision) => Some(QuestionKind::Scale {
                vision: vision.to_string(),
                dont_know: q.dont_know.as_ref().is_some_and(|d| *d.get_ref()),
                measure: ScaleMeasure::Agreement,
            }),
            None => {
                ctx.error(
                    q.kind.span(),
                    format!("{what}: a scale question must sit in a section with a `vision` (it is scored for that vision)"),
                );
                None
            }
        },
        "importance" => match &q.vision {
            Some(v) if visions.iter().any(|x| &x.id == v.get_ref()) => Some(QuestionKind::Scale {
                vision: v.get_ref().clone(),
                dont_know: q.dont_know.as_ref().is_some_and(|d| *d.get_ref()),
                measure: ScaleMeasure::Importance,
            }),
            Some(v) => {
                let known: Vec<&str> = visions.iter().map(|x| x.id.as_str()).collect();
                ctx.error(
                    v.span(),
                    format!(
                        "{what}: unknown vision `{}` (known: {})",
                        v.get_ref(),
                        known.join(", ")
                    ),
                );
                None
            }
            None => {
                ctx.error(
                    q.kind.span(),
                    format!("{what}: kind `importance` needs `vision = \"v1\"` (the vision whose importance it asks)"),
                );
                None
            }
        },
        "single" => options(ctx).map(|options| QuestionKind::Single { options }),
        "multiple" => {
            let max_choices = positive(ctx, &q.max_choices, "max_choices");
            options(ctx).map(|options| QuestionKind::Multiple {
                options,
                max_choices,
            })
        }
        "text" => match &q.max_length {
            Some(_) => positive(ctx, &q.max_length, "max_length")
                .map(|max_length| QuestionKind::Text { max_length }),
            None => {
                ctx.error(
                    q.kind.span(),
                    format!("{what}: kind `text` needs `max_length` (characters)"),
                );
                None
            }
        },
        "number" => match (&q.min, &q.max) {
            (Some(min), Some(max)) if min.get_ref() > max.get_ref() => {
                ctx.error(
                    max.span(),
                    format!(
                        "{what}: `max` ({}) is below `min` ({})",
                        max.get_ref(),
                        min.get_ref()
                    ),
                );
                None
            }
            (Some(min), Some(max)) => {
                let unit = ctx.text(q.unit, "unit", &what, None);
                Some(QuestionKind::Number {
                    min: *min.get_ref(),
                    max: *max.get_ref(),
                    unit,
                })
            }
            _ => {
                ctx.error(
                    q.kind.span(),
                    format!("{what}: kind `number` needs both `min` and `max`"),
                );
                None
            }
        },
        other => {
            ctx.error(
                q.kind.span(),
                format!(
                    "{what}: unknown kind `{other}` (expected scale, importance, single, multiple, text or number)"
                ),
            );
            None
        }
    };

    let text = ctx.text(q.text, "text", &what, Some(span.clone()));
    let help = ctx.text(q.help, "help", &what, None);
    let show_if = q.show_if.and_then(|s| {
        let s_span = s.span();
        let s = s.into_inner();
        let target = s.question.get_ref();
        match earlier.get(target) {
            None if target == &id => {
                ctx.error(s.question.span(), format!("{what}: `show_if` points at itself"));
                None
            }
            None => {
                let message = match all_questions.get(target) {
                    Some(line) => format!(
                        "{what}: `show_if` points at `{target}`, which comes later (line {line}): move `{target}` before this question or point at an earlier one"
                    ),
                    None => format!("{what}: `show_if` points at `{target}`, but this wave has no question with that id"),
                };
                ctx.error(s.question.span(), message);
                None
            }
            Some((_, QuestionKind::Single { options })) => {
                if options.iter().any(|o| &o.code == s.equals.get_ref()) {
                    Some(ShowIf {
                        question: target.clone(),
                        equals: s.equals.into_inner(),
                    })
                } else {
                    let codes: Vec<&str> = options.iter().map(|o| o.code.as_str()).collect();
                    ctx.error(
                        s.equals.span(),
                        format!(
                            "{what}: `show_if` expects option `{}` of `{target}`, which has no such option (options: {})",
                            s.equals.get_ref(),
                            codes.join(", ")
                        ),
                    );
                    None
                }
            }
            Some(_) => {
                ctx.error(
                    s_span,
                    format!("{what}: `show_if` must point at a single-choice question; `{target}` is not one"),
                );
                None
            }
        }
    });

    let kind = kind?;
    earlier
        .entry(id.clone())
        .or_insert((ctx.line(q.id.span()), kind.clone()));
    if ctx.errors.len() > errors_before {
        return None;
    }
    Some(Question {
        id,
        kind,
        text: text?,
        help,
        required: q.required.unwrap_or(false),
        show_if,
    })
}

/// Checks that need every wave: unique ids, periods that do not overlap, and question ids
/// that keep their kind (and vision) from one wave to the next. Sorts waves by opening date.
fn check_across_waves(waves: &mut [LoadedWave], errors: &mut Vec<DefinitionError>) {
    waves.sort_by_key(|w| w.wave.opens);
    let mut ids: HashMap<&str, &LoadedWave> = HashMap::new();
    for w in waves.iter() {
        if let Some(first) = ids.insert(&w.wave.id, w) {
            errors.push(DefinitionError {
                file: w.file.clone(),
                line: w.id_line,
                message: format!(
                    "duplicate wave id `{}` (also in {})",
                    w.wave.id,
                    first.file.display()
                ),
            });
        }
    }
    for pair in waves.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.wave.opens <= a.wave.closes {
            errors.push(DefinitionError {
                file: b.file.clone(),
                line: b.dates_line,
                message: format!(
                    "wave `{}` ({} – {}) overlaps wave `{}` ({} – {}) in {}: periods must not overlap",
                    b.wave.id,
                    b.wave.opens,
                    b.wave.closes,
                    a.wave.id,
                    a.wave.opens,
                    a.wave.closes,
                    a.file.display()
                ),
            });
        }
    }
    // The first wave to define a question id fixes its meaning.
    let mut first_use: HashMap<&str, (&LoadedWave, &Question)> = HashMap::new();
    for w in waves.iter() {
        for q in w.wave.questions() {
            let Some((fw, fq)) = first_use.get(q.id.as_str()) else {
                first_use.insert(&q.id, (w, q));
                continue;
            };
            let line = w.question_lines.get(&q.id).copied().unwrap_or(0);
            if fq.kind.name() != q.kind.name() {
                errors.push(DefinitionError {
                    file: w.file.clone(),
                    line,
                    message: format!(
                        "question `{}` is a `{}` here but a `{}` in wave `{}` ({}): an id keeps its meaning across waves; give the new question a new id",
                        q.id,
                        q.kind.name(),
                        fq.kind.name(),
                        fw.wave.id,
                        fw.file.display()
                    ),
                });
            } else if let (
                QuestionKind::Scale { vision: a, .. },
                QuestionKind::Scale { vision: b, .. },
            ) = (&fq.kind, &q.kind)
                && a != b
            {
                errors.push(DefinitionError {
                    file: w.file.clone(),
                    line,
                    message: format!(
                        "question `{}` is scored for vision `{b}` here but for `{a}` in wave `{}`: an id keeps its meaning across waves",
                        q.id, fw.wave.id
                    ),
                });
            }
        }
    }
}
