//! The codebook and word lists of the free-text analyses, in `survey-definitions/text/`:
//! `codebook.toml` (codes with labels, vision, stance and a keyword rule that only
//! suggests) and `words.toml` (stop words, synonyms, role nouns, 要配慮 words), read and
//! checked with every problem as FILE:LINE, as `citizen-survey check` reports them.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::mask::MaskRules;
use super::terms::{TermRules, fold_width};
use crate::definitions::DefinitionError;
use crate::language::{UserDictionary, UserWordKind};

/// The folder below the definitions directory.
pub const TEXT_DIR: &str = "text";
pub const CODEBOOK_FILE: &str = "codebook.toml";
pub const WORDS_FILE: &str = "words.toml";

/// A code of the codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub id: String,
    pub label_ja: String,
    pub label_en: String,
    /// A vision id, or `None` for "none".
    pub vision: Option<String>,
    pub stance: Stance,
    pub rule: Option<Rule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Request,
    Appreciation,
    Complaint,
    Other,
}

impl Stance {
    pub const ALL: [(&'static str, Stance); 4] = [
        ("要望", Stance::Request),
        ("評価", Stance::Appreciation),
        ("不満", Stance::Complaint),
        ("その他", Stance::Other),
    ];

    pub fn label(self) -> &'static str {
        Stance::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("その他", |(l, _)| l)
    }
}

/// A keyword rule on a comment's terms: any of `any` (when given), all of `all`, none of
/// `not`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    pub any: Vec<String>,
    pub all: Vec<String>,
    pub not: Vec<String>,
}

impl Rule {
    pub fn matches(&self, terms: &HashSet<&str>) -> bool {
        (self.any.is_empty() || self.any.iter().any(|t| terms.contains(t.as_str())))
            && self.all.iter().all(|t| terms.contains(t.as_str()))
            && !self.not.iter().any(|t| terms.contains(t.as_str()))
    }
}

/// The codes a comment's terms suggest (ids, in codebook order).
pub fn suggest<'a>(codes: &'a [Code], terms: &[String]) -> Vec<&'a str> {
    let set: HashSet<&str> = terms.iter().map(String::as_str).collect();
    codes
        .iter()
        .filter(|c| c.rule.as_ref().is_some_and(|r| r.matches(&set)))
        .map(|c| c.id.as_str())
        .collect()
}

/// What `survey-definitions/text/` holds (defaults where a file is absent).
#[derive(Debug, Clone, Default)]
pub struct TextDefinitions {
    pub codes: Vec<Code>,
    pub term_rules: TermRules,
    pub mask_rules: MaskRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    #[serde(default)]
    codes: Vec<Spanned<RawCode>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    id: Spanned<String>,
    label: Spanned<RawLabel>,
    vision: Spanned<String>,
    stance: Spanned<String>,
    rule: Option<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabel {
    ja: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWords {
    #[serde(default)]
    stop_words: Vec<String>,
    #[serde(default)]
    role_nouns: Vec<String>,
    #[serde(default)]
    synonyms: BTreeMap<String, String>,
    #[serde(default)]
    sensitive: BTreeMap<String, Vec<String>>,
    /// word = "noun" | "place" | "person" | "organisation"
    #[serde(default)]
    dictionary: BTreeMap<String, Spanned<String>>,
}

fn line_of(src: &str, span: Range<usize>) -> usize {
    src[..span.start.min(src.len())].matches('\n').count() + 1
}

/// Reads `dir/text/` (the definitions directory `dir`), checking codes against the
/// vision ids. Problems are pushed to `errors`; the result holds what was valid.
pub fn load(dir: &Path, visions: &[String], errors: &mut Vec<DefinitionError>) -> TextDefinitions {
    let folder = dir.join(TEXT_DIR);
    let mut out = TextDefinitions::default();
    let words = folder.join(WORDS_FILE);
    if let Some(src) = read(&words, errors) {
        match toml::from_str::<RawWords>(&src) {
            Ok(raw) => apply_words(&mut out, raw, &words, &src, errors),
            Err(e) => errors.push(toml_error(&words, &src, &e)),
        }
    }
    let codebook = folder.join(CODEBOOK_FILE);
    if let Some(src) = read(&codebook, errors) {
        match toml::from_str::<RawCodebook>(&src) {
            Ok(raw) => {
                out.codes = convert_codes(raw, &codebook, &src, visions, &out.term_rules, errors)
            }
            Err(e) => errors.push(toml_error(&codebook, &src, &e)),
        }
    }
    out
}

/// [`load`] for a program that needs the files whole (the service, the commands): every
/// problem in one message, as `check` lists them, or the definitions.
pub fn load_checked(
    dir: &Path,
    definitions: &crate::definitions::Definitions,
) -> Result<TextDefinitions, String> {
    let visions: Vec<String> = definitions.visions.iter().map(|v| v.id.clone()).collect();
    let mut errors = Vec::new();
    let text = load(dir, &visions, &mut errors);
    if errors.is_empty() {
        return Ok(text);
    }
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    Err(format!(
        "the codebook or word lists in {}/{TEXT_DIR} are invalid; run `citizen-survey check` for the same list:\n{}",
        dir.display(),
        list.join("\n")
    ))
}

/// The file's text, `None` when it does not exist (the defaults apply).
fn read(path: &Path, errors: &mut Vec<DefinitionError>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(src) => Some(src),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            errors.push(error(path, 0, format!("cannot read the file: {e}")));
            None
        }
    }
}

fn error(file: &Path, line: usize, message: String) -> DefinitionError {
    DefinitionError {
        file: PathBuf::from(file),
        line,
        message,
    }
}

fn toml_error(file: &Path, src: &str, e: &toml::de::Error) -> DefinitionError {
    let line = e.span().map_or(0, |s| line_of(src, s));
    error(file, line, e.message().to_string())
}

fn apply_words(
    out: &mut TextDefinitions,
    raw: RawWords,
    file: &Path,
    src: &str,
    errors: &mut Vec<DefinitionError>,
) {
    for w in raw.stop_words {
        out.term_rules.stop_words.insert(fold_width(&w));
    }
    for (from, to) in raw.synonyms {
        if from.trim().is_empty() || to.trim().is_empty() {
            errors.push(error(file, 0, "synonyms: an empty word".to_string()));
            continue;
        }
        out.term_rules
            .synonyms
            .insert(fold_width(&from), fold_width(&to));
    }
    out.mask_rules.role_nouns.extend(raw.role_nouns);
    let mut words = Vec::new();
    for (word, kind) in raw.dictionary {
        let line = line_of(src, kind.span());
        let kind = kind.into_inner();
        let known: Vec<&str> = UserWordKind::ALL.iter().map(|(n, _)| *n).collect();
        if word.trim().is_empty() || word.chars().any(char::is_whitespace) {
            errors.push(error(
                file,
                line,
                format!("dictionary: `{word}` is not one word: write it without spaces"),
            ));
        } else if let Some(k) = UserWordKind::parse(&kind) {
            words.push((word, k));
        } else {
            errors.push(error(
                file,
                line,
                format!(
                    "dictionary: `{word}` = \"{kind}\" is not a kind of word: use one of {}",
                    known.join(", ")
                ),
            ));
        }
    }
    out.mask_rules.dictionary = UserDictionary::new(words);
    for (category, words) in raw.sensitive {
        for w in words {
            out.mask_rules.sensitive.push((w, category.clone()));
        }
    }
}

fn convert_codes(
    raw: RawCodebook,
    file: &Path,
    src: &str,
    visions: &[String],
    term_rules: &TermRules,
    errors: &mut Vec<DefinitionError>,
) -> Vec<Code> {
    let mut seen = HashSet::new();
    let mut codes = Vec::new();
    for code in raw.codes {
        let code = code.into_inner();
        let id_line = line_of(src, code.id.span());
        let id = code.id.into_inner();
        let before = errors.len();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            errors.push(error(
                file,
                id_line,
                format!("code id `{id}`: use lower-case letters, digits and _ (snake_case)"),
            ));
        }
        if !seen.insert(id.clone()) {
            errors.push(error(
                file,
                id_line,
                format!("code id `{id}` is defined twice"),
            ));
        }
        let label_line = line_of(src, code.label.span());
        let label = code.label.into_inner();
        if label.ja.trim().is_empty() || label.en.trim().is_empty() {
            errors.push(error(
                file,
                label_line,
                format!("code `{id}`: label.ja and label.en must both be written"),
            ));
        }
        let vision_line = line_of(src, code.vision.span());
        let vision = code.vision.into_inner();
        if vision != "none" && !visions.contains(&vision) {
            errors.push(error(
                file,
                vision_line,
                format!(
                    "code `{id}`: unknown vision `{vision}`: use one of {}, or none",
                    visions.join(", ")
                ),
            ));
        }
        let stance_line = line_of(src, code.stance.span());
        let stance_text = code.stance.into_inner();
        let stance = Stance::ALL
            .iter()
            .find(|(l, _)| *l == stance_text)
            .map(|(_, s)| *s);
        if stance.is_none() {
            errors.push(error(
                file,
                stance_line,
                format!("code `{id}`: unknown stance `{stance_text}`: use one of 要望, 評価, 不満, その他"),
            ));
        }
        let rule = code.rule.map(|r| {
            let line = line_of(src, r.span());
            let r = r.into_inner();
            // Rules name terms as counted: the same folding and synonyms.
            let norm = |v: Vec<String>| -> Vec<String> {
                v.into_iter()
                    .map(|t| {
                        let f = fold_width(t.trim());
                        term_rules.synonyms.get(&f).cloned().unwrap_or(f)
                    })
                    .collect()
            };
            let rule = Rule {
                any: norm(r.any),
                all: norm(r.all),
                not: norm(r.not),
            };
            if rule.any.is_empty() && rule.all.is_empty() {
                errors.push(error(
                    file,
                    line,
                    format!("code `{id}`: a rule needs words in `any` or `all`"),
                ));
            }
            if rule
                .any
                .iter()
                .chain(&rule.all)
                .chain(&rule.not)
                .any(String::is_empty)
            {
                errors.push(error(
                    file,
                    line,
                    format!("code `{id}`: a rule holds an empty word"),
                ));
            }
            rule
        });
        if errors.len() == before {
            codes.push(Code {
                id,
                label_ja: label.ja,
                label_en: label.en,
                vision: (vision != "none").then_some(vision),
                stance: stance.expect("checked above"),
                rule,
            });
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visions() -> Vec<String> {
        ["v1", "v2", "v3", "v4", "v5"].map(String::from).to_vec()
    }

    fn with_files(
        codebook: &str,
        words: &str,
    ) -> (tempfile::TempDir, Vec<DefinitionError>, TextDefinitions) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(TEXT_DIR)).unwrap();
        std::fs::write(dir.path().join(TEXT_DIR).join(CODEBOOK_FILE), codebook).unwrap();
        std::fs::write(dir.path().join(TEXT_DIR).join(WORDS_FILE), words).unwrap();
        let mut errors = Vec::new();
        let defs = load(dir.path(), &visions(), &mut errors);
        (dir, errors, defs)
    }

    #[test]
    fn the_shipped_files_are_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions");
        let mut errors = Vec::new();
        let defs = load(&dir, &visions(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(defs.codes.len() >= 5);
        assert_eq!(defs.term_rules.synonyms["ホームページ"], "サイト");
    }

    /// A rule's word that counting never produces would suggest nothing: every word of the
    /// shipped rules, written alone, is counted as that one term (the dictionary of
    /// words.toml keeps the compounds IPADIC cuts, such as 電子申請, whole).
    #[test]
    fn every_word_of_the_shipped_rules_is_counted_as_one_term() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions");
        let mut errors = Vec::new();
        let defs = load(&dir, &visions(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let mut never = Vec::new();
        for code in &defs.codes {
            let Some(rule) = &code.rule else { continue };
            for word in rule.any.iter().chain(&rule.all).chain(&rule.not) {
                let counted = super::super::terms::terms(
                    word,
                    &defs.mask_rules.tokenise(word),
                    &defs.term_rules,
                );
                if counted != [word.clone()] {
                    never.push(format!("{}: {word} is counted as {counted:?}", code.id));
                }
            }
        }
        assert!(never.is_empty(), "{never:#?}");
    }

    #[test]
    fn errors_name_the_line_and_what_to_write() {
        let codebook = "[[codes]]\nid = \"ok\"\nlabel = { ja = \"a\", en = \"b\" }\nvision = \"v9\"\nstance = \"賛成\"\n\n[[codes]]\nid = \"Bad Id\"\nlabel = { ja = \"\", en = \"b\" }\nvision = \"none\"\nstance = \"要望\"\nrule = { not = [\"x\"] }\n";
        let (_dir, errors, defs) = with_files(codebook, "stop_words = [\"する\"]\n");
        let shown: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.line, e.message))
            .collect();
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("4: code `ok`: unknown vision `v9`")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("5: code `ok`: unknown stance")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|e| e.starts_with("8: code id `Bad Id`")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("9: code `Bad Id`: label.ja")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("12: code `Bad Id`: a rule needs")),
            "{shown:?}"
        );
        assert!(defs.codes.is_empty());
        let (_dir, errors, _) = with_files("", "stop_word = []\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("unknown field"), "{errors:?}");
    }

    #[test]
    fn the_dictionary_gives_each_word_its_kind_and_names_bad_lines() {
        let words = "[dictionary]\n\"オンライン申請\" = \"noun\"\n\"ゆめみ\" = \"person\"\n\"千里山\" = \"place\"\n\"市民課\" = \"organisation\"\n";
        let (_dir, errors, defs) = with_files("", words);
        assert!(errors.is_empty(), "{errors:?}");
        let text = "ゆめみとオンライン申請";
        let surfaces: Vec<&str> = defs
            .mask_rules
            .tokenise(text)
            .iter()
            .map(|t| t.surface(text))
            .collect();
        assert_eq!(surfaces, ["ゆめみ", "と", "オンライン申請"]);
        assert_eq!(
            crate::language::mask_text(text, &defs.mask_rules).text,
            "[NAME]とオンライン申請"
        );
        let flags = crate::language::mask_text("市民課の窓口", &defs.mask_rules).flags;
        assert_eq!(flags.len(), 1, "市民課 is flagged as an organisation");

        let (_dir, errors, defs) = with_files(
            "",
            "[dictionary]\n\"千里山\" = \"place\"\n\"山田 花子\" = \"person\"\n\"すいすい\" = \"app\"\n",
        );
        let shown: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.line, e.message))
            .collect();
        assert_eq!(
            shown,
            [
                "4: dictionary: `すいすい` = \"app\" is not a kind of word: use one of noun, place, person, organisation",
                "3: dictionary: `山田 花子` is not one word: write it without spaces",
            ]
        );
        assert_eq!(
            defs.mask_rules.dictionary.len(),
            1,
            "the valid word is kept"
        );
    }

    #[test]
    fn rules_suggest_with_folded_and_mapped_words() {
        let codebook = "[[codes]]\nid = \"wait\"\nlabel = { ja = \"待ち時間\", en = \"Waiting\" }\nvision = \"v1\"\nstance = \"不満\"\nrule = { any = [\"待つ\", \"混雑\"], all = [\"窓口\"], not = [\"オンライン\"] }\n\n[[codes]]\nid = \"phone\"\nlabel = { ja = \"スマホ\", en = \"Phone\" }\nvision = \"none\"\nstance = \"その他\"\nrule = { any = [\"ｽﾏｰﾄﾌｫﾝ\"] }\n";
        let (_dir, errors, defs) =
            with_files(codebook, "[synonyms]\n\"スマートフォン\" = \"スマホ\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        let terms = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(suggest(&defs.codes, &terms(&["窓口", "待つ"])), ["wait"]);
        assert!(suggest(&defs.codes, &terms(&["窓口"])).is_empty());
        assert!(suggest(&defs.codes, &terms(&["窓口", "待つ", "オンライン"])).is_empty());
        // The rule's word was folded and mapped like the counted terms.
        assert_eq!(suggest(&defs.codes, &terms(&["スマホ"])), ["phone"]);
        assert_eq!(defs.codes[1].rule.as_ref().unwrap().any, ["スマホ"]);
    }
}
