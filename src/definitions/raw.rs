//! The definition files exactly as written, with the position of every value so that
//! errors can name a line. `deny_unknown_fields` turns a misspelt key into an error.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisionsFile {
    /// As in a wave file: languages whose vision names a native speaker has reviewed.
    pub reviewed: Option<Spanned<BTreeMap<String, Spanned<bool>>>>,
    #[serde(default)]
    pub visions: Vec<Spanned<Vision>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vision {
    pub id: Spanned<String>,
    pub name: Option<Spanned<Text>>,
}

/// A text per language: `name.ja = "…"`, `name.en = "…"`, `name.ja-easy = "…"`. The keys
/// are checked against the languages when the file is converted.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    pub id: Spanned<String>,
    pub title: Option<Spanned<Text>>,
    pub intro: Option<Spanned<Text>>,
    pub opens: Spanned<Datetime>,
    pub closes: Spanned<Datetime>,
    pub access: Option<Spanned<String>>,
    pub open_answers: Option<Spanned<bool>>,
    pub contact: Option<Spanned<Text>>,
    /// `[sample]`: the postal random sample the wave was mailed to.
    pub sample: Option<Spanned<Sample>>,
    /// `reviewed.zh = true`: a native speaker has reviewed the wave's texts in that language.
    pub reviewed: Option<Spanned<BTreeMap<String, Spanned<bool>>>>,
    #[serde(default)]
    pub sections: Vec<Spanned<Section>>,
}

/// `[sample]` of a wave: 対象, 抽出方法, 配布数, 抽出日.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub population: Option<Spanned<Text>>,
    pub method: Option<Spanned<Text>>,
    pub mailed: Option<Spanned<i64>>,
    pub drawn: Option<Spanned<Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: Spanned<String>,
    pub vision: Option<Spanned<String>>,
    pub title: Option<Spanned<Text>>,
    pub intro: Option<Spanned<Text>>,
    #[serde(default)]
    pub questions: Vec<Spanned<Question>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub text: Option<Spanned<Text>>,
    pub help: Option<Spanned<Text>>,
    pub required: Option<bool>,
    pub dont_know: Option<Spanned<bool>>,
    /// `importance` only: the vision whose importance the question asks.
    pub vision: Option<Spanned<String>>,
    pub options: Option<Spanned<Vec<Spanned<Choice>>>>,
    pub max_choices: Option<Spanned<i64>>,
    pub max_length: Option<Spanned<i64>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub unit: Option<Spanned<Text>>,
    pub show_if: Option<Spanned<ShowIf>>,
}

/// Not `deny_unknown_fields` (serde cannot combine it with `flatten`): the conversion
/// rejects keys that are not languages.
#[derive(Debug, Deserialize)]
pub struct Choice {
    pub code: String,
    /// The label per language (`ja = "はい", en = "Yes", …`); any other key is an error.
    #[serde(flatten)]
    pub labels: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowIf {
    pub question: Spanned<String>,
    pub equals: Spanned<String>,
}
