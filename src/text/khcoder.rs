//! The codebook as a KH Coder coding-rule file (コーディング・ルール・ファイル), for analysts
//! who cross-check the coding in KH Coder. Written for KH Coder's own reader (kh_cod.pm
//! `read_file`, kh_cod/a_code.pm `new`, kh_cod/a_code/atom*.pm), as it reads a file:
//!
//! - a line whose first character is `#` is a comment, so the file has no byte-order mark
//!   (a BOM would come before the first `#`; KH Coder skips one only since 2019); empty
//!   lines are skipped;
//! - a line starting with `*` (or `＊`) starts a code, the whole line being its name (a name
//!   twice is an error in recent versions, one condition for both in older ones); the lines
//!   after it are its condition;
//! - a condition is cut at spaces (a full-width space is one too) into atoms, each taken by
//!   the first of KH Coder's classes whose pattern it matches, case ignored ([`atom`]);
//!   only what no other class takes is a word, matched against base forms (原形) as MeCab
//!   writes them, and a word in double quotes is that word without its quotes.
//!
//! A term of ours is counted after folding and synonyms (スマートフォン counts as スマホ);
//! KH Coder counts the forms residents wrote, so each term is written with every form
//! counted as it: `( スマホ | スマートフォン )`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::codebook::{Code, Rule};
use super::tokenise::Tokeniser;
use crate::export::Encoding;

/// The class KH Coder gives one atom of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Atom {
    /// `<>見出し1-->…`: a heading of the document.
    Heading,
    /// `<>var-->value` or `<>var<>…`: an outer variable.
    OuterVariable,
    /// `lw`, `lc`: the length of the unit in words or characters.
    Length,
    /// `No.`: the number of the unit.
    Number,
    /// `'…'`: a string searched in the raw text.
    String,
    /// `word-->品詞`, `word->活用`, `word=>表層`: a word with its part of speech or form.
    PartOfSpeech,
    /// `<*code>`: another code.
    Code,
    /// `near(a-b)`.
    Near,
    /// `seq(a-b)`.
    Sequence,
    /// `a+b`: consecutive words.
    Phrase,
    /// `and or not ( ) & | ! &! |!`, comparisons, arithmetic, and digits only (a number).
    Operator,
    /// A base form.
    Word,
}

impl Atom {
    fn what(self) -> &'static str {
        match self {
            Atom::Heading => "a heading condition (見出し)",
            Atom::OuterVariable => "an outer-variable condition (外部変数)",
            Atom::Length => "the unit's length (lw/lc)",
            Atom::Number => "the unit's number (No.)",
            Atom::String => "a string in the raw text",
            Atom::PartOfSpeech => "a word with a part of speech or form (品詞・活用指定)",
            Atom::Code => "another code (<*code>)",
            Atom::Near => "a near() condition",
            Atom::Sequence => "a seq() condition",
            Atom::Phrase => "a phrase of consecutive words (a+b)",
            Atom::Operator => "an operator or a number",
            Atom::Word => "a word",
        }
    }
}

/// KH Coder's classes in the order it tries them (each pattern as it documents the
/// atom's syntax; matched with case ignored, `\d` any Unicode digit as in Perl).
static CLASSES: LazyLock<Vec<(Regex, Atom)>> = LazyLock::new(|| {
    [
        (
            r#"^<>(見出し|heading)[1-5]-->.+|^"<>(見出し|heading)[1-5]-->.+"$"#,
            Atom::Heading,
        ),
        (
            r#"^<>.+-->.+|^"<>.+-->.+"$|^<>.+<>|^"<>.+<>"$"#,
            Atom::OuterVariable,
        ),
        (r"^(lw|lc)$", Atom::Length),
        (r"^No\.$", Atom::Number),
        (r"^'.+'$", Atom::String),
        (r".+->.+|.+=>.+", Atom::PartOfSpeech),
        (r"^<.+>$", Atom::Code),
        (r"near\(.+-.+\)", Atom::Near),
        (r"seq\(.+-.+\)", Atom::Sequence),
        (r".+\+.+", Atom::Phrase),
        (
            r"^(and|or|not|\(|\)|&|\||!|&!|\|!|>|>=|<|<=|==|\+|-|\*|/|\d+)$",
            Atom::Operator,
        ),
    ]
    .into_iter()
    .map(|(p, a)| (Regex::new(&format!("(?i){p}")).expect("a valid pattern"), a))
    .collect()
});

/// How KH Coder reads `token`, one atom of a condition.
pub fn atom(token: &str) -> Atom {
    CLASSES
        .iter()
        .find(|(re, _)| re.is_match(token))
        .map_or(Atom::Word, |(_, a)| *a)
}

/// `term` as written in a condition so that KH Coder reads it as that word: as it is,
/// or in double quotes when it would otherwise be read as something else (`"and"`,
/// `"2"`) or could start a comment or heading line; `Err` with the reason when no
/// form is read as the word.
pub fn written(term: &str) -> Result<String, String> {
    if term.is_empty() {
        return Err("an empty term".to_string());
    }
    if term.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{term}` holds a space, at which KH Coder cuts a condition"
        ));
    }
    if term.starts_with('"') {
        return Err(format!(
            "`{term}` starts with a double quote, which KH Coder reads as a quoted atom"
        ));
    }
    let plain = atom(term);
    let line_start = term.starts_with(['#', '*', '＊', '\'']);
    if plain == Atom::Word && !line_start {
        return Ok(term.to_string());
    }
    if term.contains('"') {
        return Err(format!(
            "`{term}` needs double quotes to be read as a word, but holds one"
        ));
    }
    let quoted = format!("\"{term}\"");
    if atom(&quoted) == Atom::Word {
        return Ok(quoted);
    }
    Err(format!(
        "KH Coder reads `{term}` as {}, not as a word",
        atom(&format!("\"{term}\"")).what()
    ))
}

/// The forms KH Coder has to match for a term counted as `term`: the term, then every
/// written form the synonyms count as it (in code-point order).
fn forms(term: &str, synonyms: &HashMap<String, String>) -> Vec<String> {
    let mut written: Vec<&String> = synonyms
        .iter()
        .filter(|(from, to)| to.as_str() == term && from.as_str() != term)
        .map(|(from, _)| from)
        .collect();
    written.sort();
    std::iter::once(term.to_string())
        .chain(written.into_iter().cloned())
        .collect()
}

/// `a` alone, or `( a | b | … )`.
fn group(forms: &[String]) -> Result<String, String> {
    let written = forms
        .iter()
        .map(|f| written(f))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if written.len() == 1 {
        written.into_iter().next().expect("one form")
    } else {
        format!("( {} )", written.join(" | "))
    })
}

/// A rule as a KH Coder condition: any of `any` (with their forms, as one group), `&`
/// each term of `all`, `& !` each term of `not`.
pub fn condition(rule: &Rule, synonyms: &HashMap<String, String>) -> Result<String, String> {
    let mut parts = Vec::new();
    if !rule.any.is_empty() {
        let mut any: Vec<String> = Vec::new();
        for term in &rule.any {
            for f in forms(term, synonyms) {
                if !any.contains(&f) {
                    any.push(f);
                }
            }
        }
        parts.push(group(&any)?);
    }
    for term in &rule.all {
        parts.push(group(&forms(term, synonyms))?);
    }
    for term in &rule.not {
        parts.push(format!("! {}", group(&forms(term, synonyms))?));
    }
    Ok(parts.join(" & "))
}

/// A label on one line (a line break in a label would end the heading).
fn one_line(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Each code's name in the file: its Japanese label, with its id where two codes share
/// the label (KH Coder keys codes by name).
fn names(codes: &[Code]) -> Vec<String> {
    let count = |names: &[String], n: &String| names.iter().filter(|x| *x == n).count();
    let labels: Vec<String> = codes.iter().map(|c| one_line(&c.label_ja)).collect();
    let with_id = |i: usize| format!("{} ({})", labels[i], codes[i].id);
    let first: Vec<String> = (0..codes.len())
        .map(|i| {
            if count(&labels, &labels[i]) > 1 {
                with_id(i)
            } else {
                labels[i].clone()
            }
        })
        .collect();
    // A label written like another's label-and-id gets its id too.
    (0..codes.len())
        .map(|i| {
            if count(&first, &first[i]) > 1 {
                with_id(i)
            } else {
                first[i].clone()
            }
        })
        .collect()
}

/// A code's name with its id, for the comment lines (once, even when the name has it).
fn named(name: &str, id: &str) -> String {
    let tail = format!("({id})");
    if name.ends_with(&tail) {
        name.to_string()
    } else {
        format!("{name} {tail}")
    }
}

/// The first lines: what the file is.
pub const HEADER: &str = "\
# KH Coder coding rules (コーディング・ルール) of the free-text codebook, for cross-checking
# the analysts' coding. Generated by `citizen-survey text khcoder-rules` from
# text/codebook.toml and the synonyms of text/words.toml; the same for every wave.
# Each term is written with every form counted as it, since KH Coder matches base forms as
# written. A rule only suggests a code: the analysts' coding decides.
";

/// How MeCab (IPADIC) cuts `term`, as `a/b`, when it is not one word with that base
/// form: KH Coder finds only words MeCab gives, so such a term counts there only once it
/// is in KH Coder's 強制抽出 (force pick-up) list.
pub fn mecab_cut(term: &str) -> Option<String> {
    let tokens = Tokeniser::shared().tokenise(term);
    if tokens.len() == 1 && tokens[0].lemma(term) == term {
        return None;
    }
    Some(
        tokens
            .iter()
            .map(|t| t.surface(term))
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Every form a rule names, in the order written.
fn rule_forms(rule: &Rule, synonyms: &HashMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for term in rule.any.iter().chain(&rule.all).chain(&rule.not) {
        for f in forms(term, synonyms) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// The coding-rule file of `codes`, `synonyms` mapping written forms to the form counted
/// (the codebook's terms are counted forms); `cut` says how MeCab cuts a form that is not
/// one word ([`mecab_cut`]), noted under the condition.
pub fn rules_file(
    codes: &[Code],
    synonyms: &HashMap<String, String>,
    cut: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = HEADER.to_string();
    for (code, name) in codes.iter().zip(names(codes)) {
        out.push('\n');
        match code.rule.as_ref().map(|r| condition(r, synonyms)) {
            Some(Ok(condition)) => {
                out.push_str(&format!("*{name}\n{condition}\n"));
                let rule = code.rule.as_ref().expect("a rule");
                let cuts: Vec<String> = rule_forms(rule, synonyms)
                    .iter()
                    .filter_map(|f| cut(f).map(|c| format!("{f} ({c})")))
                    .collect();
                if !cuts.is_empty() {
                    out.push_str(&format!(
                        "# MeCab cuts these, so KH Coder finds them only from its 強制抽出 list: {}\n",
                        cuts.join(", ")
                    ));
                }
            }
            Some(Err(why)) => {
                out.push_str(&format!(
                    "# *{}: not written: {why}; code it by hand\n",
                    named(&name, &code.id)
                ));
            }
            None => {
                out.push_str(&format!(
                    "# *{}: no rule, coded by hand\n",
                    named(&name, &code.id)
                ));
            }
        }
    }
    out
}

/// The file's bytes: UTF-8 without BOM, or Shift_JIS (Windows-31J); a character Shift_JIS
/// cannot hold is an error naming its line, never a silent `?`.
pub fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, String> {
    match encoding {
        Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
        Encoding::Utf8Bom => Err(
            "utf-8-bom: KH Coder (its reader before 2019) takes a byte-order mark for part of the \
             first line, which then is no comment; use utf-8 (the default) or shift_jis"
                .to_string(),
        ),
        Encoding::ShiftJis => {
            let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
            if !unmappable {
                return Ok(bytes.into_owned());
            }
            for (i, line) in text.lines().enumerate() {
                if let Some(c) = line.chars().find(|c| {
                    let mut buf = [0u8; 4];
                    encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2
                }) {
                    return Err(format!(
                        "line {}: the character `{c}` cannot be written in shift_jis; use utf-8",
                        i + 1
                    ));
                }
            }
            Err("a character cannot be written in shift_jis; use utf-8".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::codebook::Stance;

    fn code(id: &str, label: &str, rule: Option<Rule>) -> Code {
        Code {
            id: id.to_string(),
            label_ja: label.to_string(),
            label_en: id.to_string(),
            vision: None,
            stance: Stance::Other,
            rule,
        }
    }

    fn rule(any: &[&str], all: &[&str], not: &[&str]) -> Option<Rule> {
        let v = |t: &[&str]| t.iter().map(|s| s.to_string()).collect();
        Some(Rule {
            any: v(any),
            all: v(all),
            not: v(not),
        })
    }

    #[test]
    fn atoms_are_read_as_kh_coder_reads_them() {
        for (token, expected) in [
            ("窓口", Atom::Word),
            ("and", Atom::Operator),
            ("AND", Atom::Operator),
            ("Not", Atom::Operator),
            ("&!", Atom::Operator),
            ("(", Atom::Operator),
            ("2024", Atom::Operator),
            ("２０２４", Atom::Operator),
            ("2024年", Atom::Word),
            ("LW", Atom::Length),
            ("No.", Atom::Number),
            ("'窓口'", Atom::String),
            ("窓口-->名詞", Atom::PartOfSpeech),
            ("待つ->基本形", Atom::PartOfSpeech),
            ("<*窓口>", Atom::Code),
            ("near(窓口-待つ)", Atom::Near),
            ("seq(窓口-待つ)", Atom::Sequence),
            ("C++", Atom::Phrase),
            ("<>見出し1-->第1章", Atom::Heading),
            ("<>年代-->30代", Atom::OuterVariable),
            ("\"and\"", Atom::Word),
            ("\"2024\"", Atom::Word),
            ("\"a->b\"", Atom::PartOfSpeech),
        ] {
            assert_eq!(atom(token), expected, "{token}");
        }
    }

    #[test]
    fn terms_are_quoted_when_kh_coder_would_misread_them_and_refused_when_no_form_helps() {
        assert_eq!(written("窓口").unwrap(), "窓口");
        assert_eq!(written("or").unwrap(), "\"or\"");
        assert_eq!(written("5").unwrap(), "\"5\"");
        assert_eq!(written("lc").unwrap(), "\"lc\"");
        assert_eq!(written("'80s").unwrap(), "\"'80s\"");
        assert_eq!(written("#タグ").unwrap(), "\"#タグ\"");
        assert!(written("C++").unwrap_err().contains("phrase"));
        assert!(written("a->b").unwrap_err().contains("品詞"));
        assert!(written("電子 申請").unwrap_err().contains("space"));
        assert!(written("\"x").is_err());
        assert!(written("'a\"").unwrap_err().contains("holds one"));
    }

    #[test]
    fn the_file_for_a_small_codebook() {
        let codes = vec![
            code(
                "online",
                "オンライン",
                rule(&["スマホ", "ネット"], &["申請"], &["紙"]),
            ),
            code("counter", "窓口", rule(&["窓口"], &["or"], &[])),
            code("counter_again", "窓口", rule(&["C++"], &[], &[])),
            code("other", "その他", None),
        ];
        let synonyms: HashMap<String, String> = [
            ("スマートフォン", "スマホ"),
            ("スマートホン", "スマホ"),
            ("インターネット", "ネット"),
            ("ホームページ", "サイト"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let file = rules_file(&codes, &synonyms, |t| {
            (t == "スマートフォン").then(|| "スマート/フォン".to_string())
        });
        assert_eq!(
            file,
            format!(
                "{HEADER}\n\
                 *オンライン\n\
                 ( スマホ | スマートフォン | スマートホン | ネット | インターネット ) & 申請 & ! 紙\n\
                 # MeCab cuts these, so KH Coder finds them only from its 強制抽出 list: スマートフォン (スマート/フォン)\n\
                 \n\
                 *窓口 (counter)\n\
                 窓口 & \"or\"\n\
                 \n\
                 # *窓口 (counter_again): not written: KH Coder reads `C++` as a phrase of consecutive words (a+b), not as a word; code it by hand\n\
                 \n\
                 # *その他 (other): no rule, coded by hand\n"
            )
        );
        // Every line KH Coder reads: a comment, a heading, or a condition under a heading.
        assert!(file.starts_with("# "));
        assert!(!file.starts_with('\u{feff}'));
    }

    #[test]
    fn compounds_mecab_cuts_are_found() {
        assert_eq!(mecab_cut("窓口"), None);
        assert_eq!(mecab_cut("待つ"), None);
        assert_eq!(mecab_cut("電子申請").as_deref(), Some("電子/申請"));
        assert_eq!(
            mecab_cut("スマートフォン").as_deref(),
            Some("スマート/フォン")
        );
    }

    #[test]
    fn shift_jis_or_a_clear_error() {
        let sjis = encode("*窓口\n窓口\n", Encoding::ShiftJis).unwrap();
        assert_eq!(encoding_rs::SHIFT_JIS.decode(&sjis).0, "*窓口\n窓口\n");
        let err = encode("# a\n*😀\n", Encoding::ShiftJis).unwrap_err();
        assert!(err.starts_with("line 2: the character `😀`"), "{err}");
        assert!(encode("# a\n", Encoding::Utf8Bom).is_err());
        assert_eq!(encode("# a\n", Encoding::Utf8).unwrap(), b"# a\n");
    }
}
