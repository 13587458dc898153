//! The languages residents can answer in. They are data, not code: `locales/languages.toml`
//! lists them (code, BCP 47 tag, own name, fallbacks, furigana), `locales/{code}.ftl` holds
//! the server's words in each, and the definitions hold the survey's texts.

use std::fmt;
use std::sync::LazyLock;

use serde::Deserialize;

/// One of the languages in `locales/languages.toml`, by position. Cheap to copy and compare;
/// `Lang::Ja` and `Lang::En` name the two languages the code itself needs (postal letters and
/// the exports' label columns), every other language is only data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Lang(u8);

/// How readings written `{漢字|かんじ}` in a text are shown in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Furigana {
    /// Always as ruby (やさしい日本語).
    Always,
    /// Off by default; a link on the page turns them on (standard Japanese).
    Switch,
    /// Never: the readings are dropped.
    Never,
}

/// A language as described in `locales/languages.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub code: String,
    pub tag: String,
    pub name: String,
    #[serde(default)]
    pub accept: Vec<String>,
    #[serde(default)]
    pub fallback: Vec<String>,
    pub furigana: Furigana,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguagesFile {
    languages: Vec<Language>,
}

struct Registry {
    languages: Vec<Language>,
    /// Per language: itself, its fallbacks, then English and Japanese, without repeats and
    /// ending at Japanese.
    chains: Vec<Vec<Lang>>,
}

/// The list is compiled into the binary, so a broken file is a broken build: the unit
/// tests below load it, and so does every test that renders a page.
static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let file: LanguagesFile = toml::from_str(include_str!("../../locales/languages.toml"))
        .expect("locales/languages.toml is valid");
    let languages = file.languages;
    assert!(
        languages.len() < usize::from(u8::MAX)
            && languages.first().is_some_and(|l| l.code == "ja")
            && languages.get(1).is_some_and(|l| l.code == "en"),
        "locales/languages.toml lists ja first, en second"
    );
    let index = |code: &str| {
        languages
            .iter()
            .position(|l| l.code == code)
            .map(|i| Lang(i as u8))
            .unwrap_or_else(|| panic!("locales/languages.toml: unknown fallback `{code}`"))
    };
    let chains = languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut chain = vec![Lang(i as u8)];
            for code in l.fallback.iter().map(String::as_str).chain(["en", "ja"]) {
                let lang = index(code);
                if !chain.contains(&lang) {
                    chain.push(lang);
                }
            }
            // Japanese is in every definition: nothing after it is ever reached.
            let end = chain
                .iter()
                .position(|l| l.0 == 0)
                .map_or(chain.len(), |i| i + 1);
            chain.truncate(end);
            chain
        })
        .collect();
    Registry { languages, chains }
});

#[allow(non_upper_case_globals)]
impl Lang {
    /// Japanese: required in every definition, the last fallback of every language.
    pub const Ja: Lang = Lang(0);
    /// English.
    pub const En: Lang = Lang(1);

    /// Every language, in the order of the language switch.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..REGISTRY.languages.len()).map(|i| Lang(i as u8))
    }

    fn info(self) -> &'static Language {
        &REGISTRY.languages[usize::from(self.0)]
    }

    /// `ja`, `en`, `zh`, `ko`, `vi`, `ja-easy`: the value of `?lang=` and of stored responses.
    pub fn code(self) -> &'static str {
        &self.info().code
    }

    /// The BCP 47 tag for `lang` attributes (`zh-Hans`; `ja` for やさしい日本語).
    pub fn tag(self) -> &'static str {
        &self.info().tag
    }

    /// The language's name in itself, as the language switch shows it.
    pub fn name(self) -> &'static str {
        &self.info().name
    }

    pub fn furigana(self) -> Furigana {
        self.info().furigana
    }

    /// Where a missing text is looked for: this language, its fallbacks, English, Japanese.
    pub fn chain(self) -> &'static [Lang] {
        &REGISTRY.chains[usize::from(self.0)]
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim();
        Lang::all().find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// Picks the language a resident sees: `?lang=` first, then the first supported language
    /// in `Accept-Language` by preference, then Japanese.
    pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = query.and_then(Lang::parse) {
            return lang;
        }
        accept_language
            .and_then(from_accept_language)
            .unwrap_or_default()
    }

    /// The language a tag of `Accept-Language` asks for: a code itself (`ja-easy`), or its
    /// primary subtag (`zh-CN` → `zh`).
    fn from_tag(tag: &str) -> Option<Lang> {
        Lang::parse(tag).or_else(|| {
            let primary = tag.split('-').next().unwrap_or("");
            Lang::all().find(|l| {
                l.info()
                    .accept
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(primary))
            })
        })
    }
}

/// `ja-JP,en;q=0.8` → the supported language with the highest q (earliest on ties).
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let Some(lang) = Lang::from_tag(tag) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    #[test]
    fn the_six_languages_with_their_tags_and_names() {
        let codes: Vec<&str> = Lang::all().map(Lang::code).collect();
        assert_eq!(codes, ["ja", "en", "zh", "ko", "vi", "ja-easy"]);
        let tags: Vec<&str> = Lang::all().map(Lang::tag).collect();
        assert_eq!(tags, ["ja", "en", "zh-Hans", "ko", "vi", "ja"]);
        assert_eq!(lang("zh").name(), "简体中文");
        assert_eq!(Lang::parse("JA-EASY"), Some(lang("ja-easy")));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::default(), Lang::Ja);
    }

    #[test]
    fn fallback_chains_end_in_english_then_japanese() {
        assert_eq!(Lang::Ja.chain(), [Lang::Ja]);
        assert_eq!(Lang::En.chain(), [Lang::En, Lang::Ja]);
        assert_eq!(lang("vi").chain(), [lang("vi"), Lang::En, Lang::Ja]);
        // やさしい日本語 readers read Japanese before English.
        assert_eq!(lang("ja-easy").chain(), [lang("ja-easy"), Lang::Ja]);
    }

    #[test]
    fn query_wins_over_header() {
        assert_eq!(Lang::negotiate(Some("en"), Some("ja")), Lang::En);
        assert_eq!(Lang::negotiate(Some("ja"), Some("en")), Lang::Ja);
        assert_eq!(
            Lang::negotiate(Some("ja-easy"), Some("en")),
            lang("ja-easy")
        );
    }

    #[test]
    fn header_by_preference_then_japanese() {
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR, en-GB;q=0.8, ja;q=0.5")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("en;q=0.4, ja-JP;q=0.9")),
            Lang::Ja
        );
        assert_eq!(Lang::negotiate(None, Some("zh-CN,zh;q=0.9")), lang("zh"));
        assert_eq!(Lang::negotiate(None, Some("ko-KR, en;q=0.5")), lang("ko"));
        assert_eq!(Lang::negotiate(None, Some("vi-VN")), lang("vi"));
        assert_eq!(Lang::negotiate(None, Some("fr, de")), Lang::Ja);
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::Ja);
        assert_eq!(Lang::negotiate(Some("xx"), None), Lang::Ja);
    }
}
