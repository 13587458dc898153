use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::i18n::{Lang, furigana};

/// A text of the definitions in every language it is written in. Japanese is required; any
/// other language may be missing and then falls back along [`Lang::chain`] (its own
/// fallbacks, then English, then Japanese). Texts may mark readings `{漢字|かんじ}`:
/// [`Text::get`] gives the plain text, [`Text::html`] the text with ruby for pages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// Japanese, without readings (the exports' `*_ja` columns).
    pub ja: String,
    /// English without readings, or the Japanese where the definition has no English (the
    /// exports' `*_en` columns).
    pub en: String,
    /// Each language's text as written, readings included.
    written: BTreeMap<Lang, String>,
    /// The same without readings, for those that have any.
    plain: BTreeMap<Lang, String>,
}

impl Text {
    /// A text in Japanese and English only.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Text {
        Text::from_written(
            [(Lang::Ja, ja.into()), (Lang::En, en.into())]
                .into_iter()
                .collect(),
        )
    }

    /// A text from each language's text as written; `written` must hold Japanese.
    pub fn from_written(written: BTreeMap<Lang, String>) -> Text {
        let plain: BTreeMap<Lang, String> = written
            .iter()
            .filter(|(_, s)| s.contains('{'))
            .map(|(l, s)| (*l, furigana::plain(s).into_owned()))
            .collect();
        let mut text = Text {
            ja: String::new(),
            en: String::new(),
            written,
            plain,
        };
        text.ja = text.get(Lang::Ja).to_string();
        text.en = text.get(Lang::En).to_string();
        text
    }

    /// The language the text is shown in for `lang`: `lang` itself when written in it,
    /// else the first of its fallbacks that is.
    pub fn source(&self, lang: Lang) -> Lang {
        lang.chain()
            .iter()
            .copied()
            .find(|l| self.written.contains_key(l))
            .unwrap_or(Lang::Ja)
    }

    /// Whether the definition gives this text in `lang` itself (no fallback).
    pub fn has(&self, lang: Lang) -> bool {
        self.written.contains_key(&lang)
    }

    /// The plain text (no readings) in `lang`, or its fallback.
    pub fn get(&self, lang: Lang) -> &str {
        let source = self.source(lang);
        self.plain
            .get(&source)
            .or_else(|| self.written.get(&source))
            .map_or("", String::as_str)
    }

    /// The text as written in `lang` (or its fallback), readings included.
    pub fn marked(&self, lang: Lang) -> &str {
        self.written
            .get(&self.source(lang))
            .map_or("", String::as_str)
    }

    /// Whether the text shown for `lang` carries readings.
    pub fn has_readings(&self, lang: Lang) -> bool {
        self.plain.contains_key(&self.source(lang))
    }

    /// Escaped HTML of the text in `lang`, with its readings as `<ruby>` when `ruby`.
    pub fn html(&self, lang: Lang, ruby: bool) -> String {
        furigana::html(self.marked(lang), ruby)
    }
}

/// One of the policy's five visions (ids `v1`…`v5`).
#[derive(Debug, Clone)]
pub struct Vision {
    pub id: String,
    pub name: Text,
}

/// Every valid definition in a directory.
#[derive(Debug, Clone)]
pub struct Definitions {
    pub visions: Vec<Vision>,
    /// Ordered by opening date.
    pub waves: Vec<Wave>,
}

impl Definitions {
    pub fn wave(&self, id: &str) -> Option<&Wave> {
        self.waves.iter().find(|w| w.id == id)
    }

    pub fn vision(&self, id: &str) -> Option<&Vision> {
        self.visions.iter().find(|v| v.id == id)
    }
}

/// Whether a wave accepts answers on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveStatus {
    Upcoming,
    Open,
    Closed,
}

/// Who may answer a wave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    /// Anyone with the link.
    #[default]
    Open,
    /// Only holders of a valid, unused invitation token, once each.
    Invitation,
    /// A postal random sample: holders of an access code printed on a letter, once each
    /// (and, with `open_answers`, anyone else beside the sample, flagged as not in it).
    Code,
}

impl Access {
    /// The name used in definition files.
    pub fn name(self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Invitation => "invitation",
            Access::Code => "code",
        }
    }
}

/// A survey wave (`2026-midterm`, `2028-final`).
#[derive(Debug, Clone)]
pub struct Wave {
    pub id: String,
    pub title: Text,
    pub intro: Option<Text>,
    /// First day answers are accepted.
    pub opens: NaiveDate,
    /// Last day answers are accepted (inclusive).
    pub closes: NaiveDate,
    pub access: Access,
    /// On a code wave: whether answers without a code are taken too (stored as not in the
    /// sample and left out of estimates unless asked for).
    pub open_answers: bool,
    /// The city's contact line printed on letters and questionnaires (required on code
    /// waves).
    pub contact: Option<Text>,
    /// The postal random sample the wave was mailed to (`[sample]`), for the survey
    /// outline of the results page and `codes status`.
    pub sample: Option<Sample>,
    /// Per language other than Japanese: whether a native speaker has reviewed the wave's
    /// texts (`reviewed.zh = true`); languages not listed are not reviewed.
    pub reviewed: BTreeMap<Lang, bool>,
    pub sections: Vec<Section>,
}

/// `[sample]` of a wave: who was sampled (対象), how (抽出方法), how many letters were
/// mailed (配布数, as planned; `codes status` compares it with the codes mailed) and the
/// day the sample was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub population: Text,
    pub method: Text,
    pub mailed: u64,
    pub drawn: NaiveDate,
}

impl Wave {
    pub fn status(&self, today: NaiveDate) -> WaveStatus {
        if today < self.opens {
            WaveStatus::Upcoming
        } else if today > self.closes {
            WaveStatus::Closed
        } else {
            WaveStatus::Open
        }
    }

    /// Whether the open form `/surveys/{wave}` takes answers without a credential.
    pub fn takes_open_answers(&self) -> bool {
        match self.access {
            Access::Open => true,
            Access::Code => self.open_answers,
            Access::Invitation => false,
        }
    }

    /// Whether a response given without a credential belongs to the wave's sample: on an
    /// open wave every response is (there is no other); on a code wave it is an open
    /// answer beside the sample.
    pub fn open_answer_in_sample(&self) -> bool {
        self.access == Access::Open
    }

    /// Whether any text of the wave, shown in `lang`, carries readings `{漢字|かんじ}`.
    pub fn has_readings(&self, lang: Lang) -> bool {
        let texts = std::iter::once(&self.title).chain(self.intro.iter()).chain(
            self.sections.iter().flat_map(|s| {
                std::iter::once(&s.title)
                    .chain(s.intro.iter())
                    .chain(s.questions.iter().flat_map(|q| {
                        std::iter::once(&q.text)
                            .chain(q.help.iter())
                            .chain(q.kind.options().iter().map(|o| &o.label))
                    }))
            }),
        );
        texts.into_iter().any(|t| t.has_readings(lang))
    }

    /// All questions in form order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The scored (agreement scale) questions with the vision each belongs to.
    pub fn scored_items(&self) -> impl Iterator<Item = (&str, &Question)> {
        self.questions().filter_map(|q| match &q.kind {
            QuestionKind::Scale {
                vision,
                measure: ScaleMeasure::Agreement,
                ..
            } => Some((vision.as_str(), q)),
            _ => None,
        })
    }

    /// The importance questions (at most one per vision) with their vision.
    pub fn importance_items(&self) -> impl Iterator<Item = (&str, &Question)> {
        self.questions().filter_map(|q| match &q.kind {
            QuestionKind::Scale {
                vision,
                measure: ScaleMeasure::Importance,
                ..
            } => Some((vision.as_str(), q)),
            _ => None,
        })
    }
}

/// A part of the form with a heading; a vision's section holds its scored items.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub vision: Option<String>,
    pub title: Text,
    pub intro: Option<Text>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub text: Text,
    pub help: Option<Text>,
    pub required: bool,
    pub show_if: Option<ShowIf>,
}

/// Ask a question only when an earlier single-choice question was answered with `equals`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowIf {
    pub question: String,
    pub equals: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub label: Text,
}

#[derive(Debug, Clone)]
pub enum QuestionKind {
    /// 5-point scale; `dont_know` offers 「わからない」. An agreement scale is scored for
    /// `vision`; an importance scale (`kind = "importance"`) asks how much the city should
    /// put into `vision`, is never scored, and gives the CS portfolio its importance.
    Scale {
        vision: String,
        dont_know: bool,
        measure: ScaleMeasure,
    },
    Single {
        options: Vec<Choice>,
    },
    Multiple {
        options: Vec<Choice>,
        max_choices: Option<usize>,
    },
    Text {
        max_length: usize,
    },
    Number {
        min: i64,
        max: i64,
        unit: Option<Text>,
    },
}

/// What a 5-point scale measures: its labels, and whether it is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleMeasure {
    /// 1 = 全くそう思わない … 5 = とてもそう思う; scored for its vision.
    Agreement,
    /// 1 = 全く重要でない … 5 = とても重要; never scored.
    Importance,
}

impl ScaleMeasure {
    /// The labels of the five points in the language of `s`.
    pub fn labels(self, s: &crate::i18n::Strings) -> [&'static str; 5] {
        match self {
            ScaleMeasure::Agreement => s.scale_labels(),
            ScaleMeasure::Importance => s.importance_labels(),
        }
    }
}

impl QuestionKind {
    /// The name used in definition files.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Scale {
                measure: ScaleMeasure::Importance,
                ..
            } => "importance",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Text { .. } => "text",
            QuestionKind::Number { .. } => "number",
        }
    }

    pub fn options(&self) -> &[Choice] {
        match self {
            QuestionKind::Single { options } | QuestionKind::Multiple { options, .. } => options,
            _ => &[],
        }
    }
}

/// The label of a wave's series in charts: its fiscal year (年度, from April).
pub fn series_label(opens: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let year = if opens.month() < 4 {
        opens.year() - 1
    } else {
        opens.year()
    };
    crate::i18n::t_args(lang, "results_series", &[("year", year.into())])
}

impl Vision {
    /// The chart label of a vision: its id and the short name before the dash or colon.
    pub fn short_name(&self, lang: Lang) -> String {
        let name = self.name.get(lang);
        let short = name.split([':', '—']).next().map(str::trim).unwrap_or(name);
        format!("{} {short}", self.id)
    }
}
