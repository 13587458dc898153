//! `survey-definitions/report.toml`: what the report needs that the database does not hold
//! (調査地域, 対象, 抽出方法, 基準日, 発送数 …) and the analysts' 所見 in Markdown, per wave.
//! The file is optional (a report without it says 「未記入」 where a fact is missing); when
//! present it is checked by `citizen-survey check` with file:line errors, like the other
//! definition files. The format is documented in the bundled file and in docs/report.md.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::definitions::{DefinitionError, Vision, Wave};
use crate::domain::Lang;

/// The file beside `visions.toml`.
pub const REPORT_FILE: &str = "report.toml";

/// A text in Japanese and, optionally, English (the report is printed in ja or en; an
/// English report shows the Japanese where no English is written).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangText {
    pub ja: String,
    pub en: Option<String>,
}

impl LangText {
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => en,
            _ => &self.ja,
        }
    }
}

/// The 所見 (analysts' findings) of one wave: per chapter, per question, per vision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    pub outline: Option<LangText>,
    pub summary: Option<LangText>,
    pub profile: Option<LangText>,
    pub questions: BTreeMap<String, LangText>,
    pub visions: BTreeMap<String, LangText>,
    pub free_text: Option<LangText>,
}

/// One wave's facts for the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaveMeta {
    pub purpose: Option<LangText>,
    /// 調査地域.
    pub region: Option<LangText>,
    /// 調査対象.
    pub target: Option<LangText>,
    /// 抽出方法.
    pub sampling: Option<LangText>,
    /// 調査方法 (配布・回収).
    pub method: Option<LangText>,
    /// 基準日 (of the register the sample was drawn from).
    pub reference_date: Option<NaiveDate>,
    /// 発送数: letters mailed.
    pub mailed: Option<u64>,
    /// Letters returned undeliverable (宛先不明), taken off the 配布数.
    pub undeliverable: u64,
    pub findings: Findings,
}

impl WaveMeta {
    /// 配布数: mailed net of undeliverable letters.
    pub fn distributed(&self) -> Option<u64> {
        self.mailed.map(|m| m.saturating_sub(self.undeliverable))
    }
}

/// The whole file: the publisher and each wave's facts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportMeta {
    /// 発行者, e.g. 吹田市 総務部 デジタル推進室.
    pub publisher: Option<LangText>,
    pub waves: BTreeMap<String, WaveMeta>,
}

impl ReportMeta {
    pub fn wave(&self, id: &str) -> WaveMeta {
        self.waves.get(id).cloned().unwrap_or_default()
    }
}

mod raw {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub publisher: Option<Spanned<LangText>>,
        #[serde(default)]
        pub waves: BTreeMap<Spanned<String>, Spanned<Wave>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Wave {
        pub purpose: Option<LangText>,
        pub region: Option<LangText>,
        pub target: Option<LangText>,
        pub sampling: Option<LangText>,
        pub method: Option<LangText>,
        pub reference_date: Option<Spanned<toml::value::Datetime>>,
        pub mailed: Option<Spanned<i64>>,
        pub undeliverable: Option<Spanned<i64>>,
        pub findings: Option<Findings>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Findings {
        pub outline: Option<LangText>,
        pub summary: Option<LangText>,
        pub profile: Option<LangText>,
        pub free_text: Option<LangText>,
        #[serde(default)]
        pub questions: BTreeMap<Spanned<String>, LangText>,
        #[serde(default)]
        pub visions: BTreeMap<Spanned<String>, LangText>,
    }
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads and checks `report.toml` in `dir` against the waves and visions: `Ok(None)` when
/// there is no such file, else the facts or every problem with its line.
pub fn load(
    dir: &Path,
    visions: &[Vision],
    waves: &[&Wave],
) -> Result<Option<ReportMeta>, Vec<DefinitionError>> {
    let path = dir.join(REPORT_FILE);
    let src = match std::fs::read_to_string(&path) {
        Ok(src) => src,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(vec![DefinitionError {
                file: path,
                line: 0,
                message: format!("cannot read the file: {e}"),
            }]);
        }
    };
    parse(&path, &src, visions, waves).map(Some)
}

/// [`load`] of a file's text (pure, for tests).
pub fn parse(
    path: &Path,
    src: &str,
    visions: &[Vision],
    waves: &[&Wave],
) -> Result<ReportMeta, Vec<DefinitionError>> {
    let file: PathBuf = path.to_path_buf();
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<DefinitionError>, span: Range<usize>, message: String| {
        errors.push(DefinitionError {
            file: file.clone(),
            line: line_of(src, span.start),
            message,
        })
    };
    let raw: raw::File = match toml::from_str(src) {
        Ok(f) => f,
        Err(e) => {
            return Err(vec![DefinitionError {
                file: file.clone(),
                line: e.span().map_or(0, |s| line_of(src, s.start)),
                message: e.message().trim().to_string(),
            }]);
        }
    };
    let mut meta = ReportMeta {
        publisher: raw.publisher.map(Spanned::into_inner),
        waves: BTreeMap::new(),
    };
    let known: Vec<&str> = waves.iter().map(|w| w.id.as_str()).collect();
    for (id, w) in raw.waves {
        let span = id.span();
        let id = id.into_inner();
        let Some(wave) = waves.iter().find(|x| x.id == id) else {
            err(
                &mut errors,
                span,
                format!(
                    "`waves.{id}`: there is no wave `{id}` in waves/ (known: {})",
                    known.join(", ")
                ),
            );
            continue;
        };
        let w = w.into_inner();
        let count = |errors: &mut Vec<DefinitionError>, v: Option<Spanned<i64>>, key: &str| {
            let v = v?;
            match u64::try_from(*v.get_ref()) {
                Ok(n) => Some(n),
                Err(_) => {
                    err(
                        errors,
                        v.span(),
                        format!("`waves.{id}.{key}` must be a whole number, 0 or more"),
                    );
                    None
                }
            }
        };
        let mailed = count(&mut errors, w.mailed, "mailed");
        let undeliverable_span = w.undeliverable.as_ref().map(|u| u.span());
        let undeliverable = count(&mut errors, w.undeliverable, "undeliverable").unwrap_or(0);
        if let Some(span) = undeliverable_span {
            match mailed {
                None => err(
                    &mut errors,
                    span,
                    format!(
                        "`waves.{id}.undeliverable` needs `mailed` (the letters sent) beside it"
                    ),
                ),
                Some(m) if undeliverable > m => err(
                    &mut errors,
                    span,
                    format!(
                        "`waves.{id}.undeliverable` ({undeliverable}) is more than `mailed` ({m})"
                    ),
                ),
                _ => {}
            }
        }
        let reference_date = w.reference_date.and_then(|d| {
            let v = d.get_ref();
            let date = match (v.date, v.time, v.offset) {
                (Some(x), None, None) => NaiveDate::from_ymd_opt(
                    i32::from(x.year),
                    u32::from(x.month),
                    u32::from(x.day),
                ),
                _ => None,
            };
            if date.is_none() {
                err(
                    &mut errors,
                    d.span(),
                    format!(
                        "`waves.{id}.reference_date` must be a plain date such as 2026-10-01 (no time of day)"
                    ),
                );
            }
            date
        });
        let mut findings = Findings::default();
        if let Some(f) = w.findings {
            findings.outline = f.outline;
            findings.summary = f.summary;
            findings.profile = f.profile;
            findings.free_text = f.free_text;
            for (q, text) in f.questions {
                if wave.question(q.get_ref()).is_none() {
                    err(
                        &mut errors,
                        q.span(),
                        format!(
                            "`waves.{id}.findings.questions.{}`: wave `{id}` has no question `{}`",
                            q.get_ref(),
                            q.get_ref()
                        ),
                    );
                    continue;
                }
                findings.questions.insert(q.into_inner(), text);
            }
            for (v, text) in f.visions {
                if !visions.iter().any(|x| &x.id == v.get_ref()) {
                    let ids: Vec<&str> = visions.iter().map(|x| x.id.as_str()).collect();
                    err(
                        &mut errors,
                        v.span(),
                        format!(
                            "`waves.{id}.findings.visions.{}`: unknown vision (known: {})",
                            v.get_ref(),
                            ids.join(", ")
                        ),
                    );
                    continue;
                }
                findings.visions.insert(v.into_inner(), text);
            }
        }
        meta.waves.insert(
            id,
            WaveMeta {
                purpose: w.purpose,
                region: w.region,
                target: w.target,
                sampling: w.sampling,
                method: w.method,
                reference_date,
                mailed,
                undeliverable,
                findings,
            },
        );
    }
    if errors.is_empty() {
        Ok(meta)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> crate::definitions::Definitions {
        crate::definitions::load_dir(Path::new("survey-definitions")).unwrap()
    }

    fn check(src: &str) -> Result<ReportMeta, Vec<String>> {
        let d = defs();
        let waves: Vec<&Wave> = d.waves.iter().collect();
        parse(Path::new("report.toml"), src, &d.visions, &waves)
            .map_err(|e| e.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_bundled_file_is_valid_and_complete_for_the_mid_term_wave() {
        let d = defs();
        let waves: Vec<&Wave> = d.waves.iter().collect();
        let meta = load(Path::new("survey-definitions"), &d.visions, &waves)
            .unwrap()
            .expect("survey-definitions/report.toml exists");
        let w = meta.wave("2026-midterm");
        assert!(w.region.is_some() && w.target.is_some() && w.sampling.is_some());
        assert!(w.mailed.is_some() && w.reference_date.is_some());
        assert!(w.findings.summary.is_some());
    }

    #[test]
    fn errors_name_the_line_and_what_to_fix() {
        let errors = check(
            "[waves.2026-midterm]\nmailed = 100\nundeliverable = 120\n\n[waves.2026-midterm.findings.questions]\nno_such_question.ja = \"x\"\n\n[waves.2099-none]\nmailed = 1\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].starts_with("report.toml:3: ")
                && errors[0].contains("more than `mailed` (100)"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("report.toml:6: ")
                && errors[1].contains("no question `no_such_question`"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("report.toml:8: ") && errors[2].contains("no wave `2099-none`"),
            "{errors:?}"
        );
        let errors = check("[waves.2026-midterm]\nregion.fr = \"x\"\n").unwrap_err();
        assert!(
            errors[0].starts_with("report.toml:2: ") && errors[0].contains("unknown field `fr`"),
            "{errors:?}"
        );
        let errors =
            check("[waves.2026-midterm]\nmailed = -3\nreference_date = 2026-10-01T10:00:00\n")
                .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("whole number") && errors[1].contains("plain date"));
        let errors = check("[waves.2026-midterm.findings.visions]\nv9.ja = \"x\"\n").unwrap_err();
        assert!(errors[0].contains("unknown vision") && errors[0].contains("v1, v2"));
    }

    #[test]
    fn distributed_is_mailed_net_of_undeliverable_and_english_falls_back() {
        let meta = check(
            "[waves.2026-midterm]\nmailed = 3000\nundeliverable = 25\nregion.ja = \"吹田市全域\"\n",
        )
        .unwrap();
        let w = meta.wave("2026-midterm");
        assert_eq!(w.distributed(), Some(2975));
        assert_eq!(w.region.as_ref().unwrap().get(Lang::En), "吹田市全域");
        assert_eq!(meta.wave("2028-final").distributed(), None);
    }
}
