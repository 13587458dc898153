use chrono::NaiveDate;

use crate::domain::Lang;

/// A text in both languages the surveys are offered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
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
    pub sections: Vec<Section>,
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

    /// All questions in form order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The scored (scale) questions with the vision each belongs to.
    pub fn scored_items(&self) -> impl Iterator<Item = (&str, &Question)> {
        self.questions().filter_map(|q| match &q.kind {
            QuestionKind::Scale { vision, .. } => Some((vision.as_str(), q)),
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
    /// 5-point agreement scale scored for `vision`; `dont_know` offers 「わからない」.
    Scale {
        vision: String,
        dont_know: bool,
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

impl QuestionKind {
    /// The name used in definition files.
    pub fn name(&self) -> &'static str {
        match self {
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
