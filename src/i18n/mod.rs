//! Every word a resident reads that does not come from the definitions. The words are data:
//! one Fluent file per language, `locales/{code}.ftl`, compiled into the binary. A message
//! missing from a language falls back along [`Lang::chain`]; the unit test below fails
//! when any language lacks a message that Japanese has, so that never reaches a resident.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, StaticLoader};

pub mod furigana;
mod lang;

pub use lang::{Furigana, Lang};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ja",
        // No bidi isolation marks around arguments: every language here is left to right,
        // and the marks would end up in e-mails and CSV cells.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The Fluent identifier of each language (`ja-easy` parses as `ja` + a subtag).
static IDS: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
    Lang::all()
        .map(|l| {
            l.code()
                .parse()
                .unwrap_or_else(|_| panic!("`{l}` is a language identifier"))
        })
        .collect()
});

fn loader() -> &'static StaticLoader {
    &LOCALES
}

/// One argument of a message.
pub type Arg<'a> = (&'static str, FluentValue<'a>);

/// The message `key` in `lang` (or the first language of its chain that has it).
pub fn t(lang: Lang, key: &str) -> String {
    t_args(lang, key, &[])
}

/// The message `key` in Japanese and English, as the workspace shows its texts
/// (`日本語 / English`); workspace keys (`ws_…`) exist in ja.ftl and en.ftl.
pub fn both(key: &str) -> String {
    both_args(key, &[])
}

/// [`both`] with arguments.
pub fn both_args(key: &str, args: &[Arg<'_>]) -> String {
    let p = pair(key, args);
    format!("{} / {}", p.ja, p.en)
}

/// A text in Japanese and English, as the workspace and its pages show them (the Japanese
/// first, then the English in `<span lang="en">`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Both<S = &'static str> {
    pub ja: S,
    pub en: S,
}

impl Both {
    /// The texts as owned strings, beside texts formatted with values.
    pub fn owned(&self) -> Both<String> {
        Both {
            ja: self.ja.to_string(),
            en: self.en.to_string(),
        }
    }
}

/// The message `key` in Japanese and English, each with `args`.
pub fn pair(key: &str, args: &[Arg<'_>]) -> Both<String> {
    Both {
        ja: t_args(Lang::Ja, key, args),
        en: t_args(Lang::En, key, args),
    }
}

/// The message `key` with arguments, e.g. `t_args(lang, "max_choices", &[("max", 3.into())])`.
pub fn t_args(lang: Lang, key: &str, args: &[Arg<'_>]) -> String {
    let map: HashMap<&str, FluentValue<'_>> = args.iter().cloned().collect();
    let args = (!map.is_empty()).then_some(&map);
    for l in lang.chain() {
        let id = &IDS[Lang::all().position(|x| x == *l).unwrap_or(0)];
        if let Ok(s) = loader().lookup_single_language(id, key, args) {
            return s;
        }
    }
    tracing::error!(key, "message missing in every language");
    key.to_string()
}

/// A struct of fixed messages per language, looked up once: fields are `&'static str`
/// so that pages borrow them freely. The field name is the Fluent message id, after an
/// optional prefix (`messages! { prefix "booklet_"; pub struct … }`).
macro_rules! messages {
    ($(#[$meta:meta])* pub struct $name:ident { $($field:ident),* $(,)? }) => {
        $crate::i18n::messages! { prefix ""; $(#[$meta])* pub struct $name { $($field),* } }
    };
    (prefix $prefix:literal; $(#[$meta:meta])* pub struct $name:ident { $($field:ident),* $(,)? }) => {
        $(#[$meta])*
        pub struct $name {
            $(pub $field: &'static str,)*
        }

        impl $name {
            /// The message ids, for the completeness test.
            #[allow(dead_code)]
            pub const KEYS: &'static [&'static str] = &[$(concat!($prefix, stringify!($field))),*];

            fn load(lang: $crate::i18n::Lang) -> $name {
                $name {
                    // Leaked once per language at first use: a fixed, small amount.
                    $($field: $crate::i18n::t(lang, concat!($prefix, stringify!($field))).leak(),)*
                }
            }

            /// The messages in `lang`.
            pub fn get(lang: $crate::i18n::Lang) -> &'static $name {
                static ALL: std::sync::LazyLock<Vec<$name>> =
                    std::sync::LazyLock::new(|| $crate::i18n::Lang::all().map($name::load).collect());
                let i = $crate::i18n::Lang::all().position(|l| l == lang).unwrap_or(0);
                &ALL[i]
            }
        }
    };
}
pub(crate) use messages;

/// A struct of fixed workspace texts, each a [`Both`] (Japanese and English) looked up once.
/// The Fluent message id is the prefix and the field name (`ws_` + `sign_in`).
macro_rules! pairs {
    ($(#[$meta:meta])* pub struct $name:ident($prefix:literal) { $($field:ident),* $(,)? }) => {
        $(#[$meta])*
        pub struct $name {
            $(pub $field: $crate::i18n::Both,)*
        }

        impl $name {
            /// The message ids, for the coverage test.
            #[allow(dead_code)]
            pub const KEYS: &'static [&'static str] = &[$(concat!($prefix, stringify!($field))),*];

            /// The texts (looked up at first use; leaked once, a fixed, small amount).
            pub fn get() -> &'static $name {
                static ONE: std::sync::LazyLock<$name> = std::sync::LazyLock::new(|| $name {
                    $($field: {
                        let p = $crate::i18n::pair(concat!($prefix, stringify!($field)), &[]);
                        $crate::i18n::Both { ja: p.ja.leak(), en: p.en.leak() }
                    },)*
                });
                &ONE
            }
        }
    };
}
pub(crate) use pairs;

messages! {
    /// The fixed words of resident pages.
    pub struct Strings {
        site_name, skip_to_content, language_switch, furigana_on, furigana_off,
        index_title, index_lead, no_waves, status_open, status_upcoming, status_closed,
        answer_link, results_link, anonymity_note, required, submit, error_prefix,
        error_summary_title, choose_all,
        scale_1, scale_2, scale_3, scale_4, scale_5, dont_know,
        importance_1, importance_2, importance_3, importance_4, importance_5,
        thanks_title, thanks_body, back_to_top, back_to_form, closed_title, upcoming_title,
        not_stored, not_found_title, not_found_body, too_large_title, too_large_body,
        unavailable_title, unavailable_body, internal_title, internal_body,
        bad_request_title, bad_request_body, timeout_title, timeout_body,
        invitation_only_title, invitation_only_body, invalid_link_title, invalid_link_body,
        already_answered_title, already_answered_body, opt_out_title, opt_out_body,
        opt_out_button, opted_out_title, opted_out_body, code_entry_title, code_entry_lead,
        code_label, code_hint, code_submit, code_empty, code_length, code_check,
        code_unknown_title, code_unknown_body, code_used_body, code_required_title,
        code_required_body, code_entry_link, open_answer_note, too_many_attempts_title,
        too_many_attempts_body,
    }
}

impl Strings {
    /// The five points of the agreement scale, 1 to 5.
    pub fn scale_labels(&self) -> [&'static str; 5] {
        [
            self.scale_1,
            self.scale_2,
            self.scale_3,
            self.scale_4,
            self.scale_5,
        ]
    }

    /// The five points of the importance scale, 1 to 5.
    pub fn importance_labels(&self) -> [&'static str; 5] {
        [
            self.importance_1,
            self.importance_2,
            self.importance_3,
            self.importance_4,
            self.importance_5,
        ]
    }
}

pub fn strings(lang: Lang) -> &'static Strings {
    Strings::get(lang)
}

fn ymd(d: NaiveDate) -> [Arg<'static>; 3] {
    [
        ("year", d.year().into()),
        ("month", d.month().into()),
        ("day", d.day().into()),
    ]
}

/// `2026年11月1日` / `1 November 2026` / `2026년 11월 1일`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    t_args(lang, "date", &ymd(d))
}

pub fn period(lang: Lang, opens: NaiveDate, closes: NaiveDate) -> String {
    t_args(
        lang,
        "period",
        &[
            ("opens", date(lang, opens).into()),
            ("closes", date(lang, closes).into()),
        ],
    )
}

pub fn opens_on(lang: Lang, d: NaiveDate) -> String {
    t_args(lang, "opens_on", &[("date", date(lang, d).into())])
}

pub fn closed_on(lang: Lang, d: NaiveDate) -> String {
    t_args(lang, "closed_on", &[("date", date(lang, d).into())])
}

/// `問3` / `Question 3`.
pub fn question_number(lang: Lang, n: usize) -> String {
    t_args(lang, "question_number", &[("n", n.into())])
}

/// A summary line: `問3：この質問にお答えください。`.
pub fn numbered_problem(lang: Lang, n: usize, problem: &str) -> String {
    t_args(
        lang,
        "numbered_problem",
        &[
            ("number", question_number(lang, n).into()),
            ("problem", problem.to_string().into()),
        ],
    )
}

/// The hint under a question shown only after a given answer.
pub fn only_if(lang: Lang, question: usize, answer: &str) -> String {
    t_args(
        lang,
        "only_if",
        &[
            ("question", question.into()),
            ("answer", answer.to_string().into()),
        ],
    )
}

pub fn max_choices(lang: Lang, max: usize) -> String {
    t_args(lang, "max_choices", &[("max", max.into())])
}

pub fn max_length(lang: Lang, max: usize) -> String {
    t_args(lang, "max_length", &[("max", max.into())])
}

pub fn number_range(lang: Lang, min: i64, max: i64, unit: Option<&str>) -> String {
    let mut args: Vec<Arg<'_>> = vec![("min", min.into()), ("max", max.into())];
    match unit {
        Some(unit) => {
            args.push(("unit", unit.to_string().into()));
            t_args(lang, "number_range_unit", &args)
        }
        None => t_args(lang, "number_range", &args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of a Fluent file (lines `id = …` at the start of a line).
    fn ids(ftl: &str) -> Vec<String> {
        ftl.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_language_has_every_message_of_japanese() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let ja = ids(&std::fs::read_to_string(dir.join("ja.ftl")).unwrap());
        assert!(ja.len() > 100, "{}", ja.len());
        for key in Strings::KEYS {
            assert!(ja.iter().any(|k| k == key), "ja.ftl lacks `{key}`");
        }
        for (i, lang) in Lang::all().enumerate() {
            let path = dir.join(format!("{}.ftl", lang.code()));
            let src = std::fs::read_to_string(&path).unwrap();
            let own = ids(&src);
            // Workspace and booklet keys (`ws_…`, `booklet_…`) are Japanese and English
            // only (see key_coverage).
            let workspace_lang = matches!(lang.code(), "ja" | "en");
            for key in ja
                .iter()
                .filter(|k| workspace_lang || !key_coverage::ja_and_en_only(k))
            {
                assert!(own.contains(key), "{}: `{key}` is missing", path.display());
                // Present and well formed (a syntax error drops the message).
                let probe: HashMap<&str, FluentValue<'_>> = [
                    "year",
                    "month",
                    "day",
                    "opens",
                    "closes",
                    "date",
                    "n",
                    "number",
                    "problem",
                    "question",
                    "answer",
                    "max",
                    "min",
                    "unit",
                    "length",
                    "title",
                    "item",
                    "responses",
                    "name",
                    "figures",
                    "paper",
                    "online",
                    "blank",
                    "position",
                    "vision",
                    "more",
                    "queued",
                    "days",
                    "from",
                    "analyst",
                    "max_delay",
                    "wait",
                    "failures",
                    "command",
                    "at",
                    "by",
                    "series",
                    "answered",
                    "dash",
                    // The evaluation's (eval_*).
                    "target",
                    "value",
                    "baseline",
                    "band",
                    "low",
                    "high",
                    "wave",
                    "change",
                    "ci_low",
                    "ci_high",
                    "achievement",
                    "expected",
                    "progress",
                    // The report's summary (summary_*).
                    "channel",
                    "score",
                    // The results page's survey outline.
                    "rate",
                    "undeliverable",
                    // Paper sheets (issue 19).
                    "second",
                    "resolution",
                    "stored",
                    "rows",
                    "encoding",
                    "values",
                    "used",
                    "problems",
                    "valid",
                    "row",
                    "day",
                    // The draft of 主な市民意見 (ws_eval_draft_*).
                    "label",
                    "stance",
                    "count",
                ]
                .into_iter()
                .map(|a| (a, FluentValue::from(1)))
                .collect();
                assert!(
                    loader()
                        .lookup_single_language(&IDS[i], key, Some(&probe))
                        .is_ok(),
                    "{}: `{key}` does not format",
                    path.display()
                );
            }
            for key in &own {
                assert!(
                    ja.contains(key),
                    "{}: `{key}` is not in ja.ftl",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let l = |c: &str| Lang::parse(c).unwrap();
        assert_eq!(date(Lang::Ja, d), "2026年11月1日");
        assert_eq!(date(Lang::En, d), "1 November 2026");
        assert_eq!(date(l("zh"), d), "2026年11月1日");
        assert_eq!(date(l("ko"), d), "2026년 11월 1일");
        assert_eq!(date(l("vi"), d), "ngày 1 tháng 11 năm 2026");
        assert_eq!(
            number_range(Lang::En, 0, 99, None),
            "A whole number from 0 to 99."
        );
        assert_eq!(
            number_range(Lang::Ja, 0, 99, Some("回")),
            "0〜99回の数字でご記入ください。"
        );
        assert_eq!(
            numbered_problem(Lang::En, 3, "Answer this question."),
            "Question 3: Answer this question."
        );
        assert_eq!(
            numbered_problem(Lang::Ja, 3, "この質問にお答えください。"),
            "問3：この質問にお答えください。"
        );
    }

    #[test]
    fn scale_points_mean_the_same_in_japanese_and_english() {
        assert_eq!(
            strings(Lang::Ja).scale_labels(),
            [
                "全くそう思わない",
                "あまりそう思わない",
                "どちらともいえない",
                "ややそう思う",
                "とてもそう思う"
            ]
        );
        assert_eq!(
            strings(Lang::En).scale_labels(),
            [
                "Strongly disagree",
                "Somewhat disagree",
                "Neither agree nor disagree",
                "Somewhat agree",
                "Strongly agree"
            ]
        );
    }
}

/// Which keys exist in which languages: every resident key (pages, letters, e-mails,
/// exports) in all six languages; every workspace key (`ws_…`) and paper booklet key
/// (`booklet_…`) in Japanese and English, the two languages the workspace shows and the
/// booklet is printed in.
#[cfg(test)]
mod key_coverage {
    use std::collections::BTreeSet;

    /// The prefixes of the keys that exist in Japanese and English only.
    const JA_AND_EN_ONLY: [&str; 2] = ["ws_", "booklet_"];

    pub(super) fn ja_and_en_only(key: &str) -> bool {
        JA_AND_EN_ONLY.iter().any(|p| key.starts_with(p))
    }

    fn keys(lang: &str) -> BTreeSet<String> {
        let path = format!("{}/locales/{lang}.ftl", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
            .collect()
    }

    #[test]
    fn resident_keys_in_six_languages_workspace_keys_in_ja_and_en() {
        let ja = keys("ja");
        let en = keys("en");
        for prefix in JA_AND_EN_ONLY {
            assert!(ja.iter().any(|k| k.starts_with(prefix)), "{prefix} keys");
        }
        for lang in ["en", "zh", "ko", "vi", "ja-easy"] {
            let theirs = keys(lang);
            let resident_missing: Vec<&String> = ja
                .iter()
                .filter(|k| !ja_and_en_only(k) && !theirs.contains(*k))
                .collect();
            assert!(
                resident_missing.is_empty(),
                "{lang}.ftl lacks {resident_missing:?}"
            );
        }
        let only_ja: BTreeSet<&String> = ja.iter().filter(|k| ja_and_en_only(k)).collect();
        let only_en: BTreeSet<&String> = en.iter().filter(|k| ja_and_en_only(k)).collect();
        let differ: Vec<&&String> = only_ja.symmetric_difference(&only_en).collect();
        assert!(
            differ.is_empty(),
            "in one of ja.ftl and en.ftl but not the other: {differ:?}"
        );
        // The texts that pages and the booklet look up by field name.
        let fixed = crate::web::workspace::texts::Texts::KEYS
            .iter()
            .chain(crate::paper::questionnaire::Texts::KEYS)
            .chain(crate::web::workspace::comments::Texts::KEYS);
        for key in fixed {
            assert!(
                ja_and_en_only(key) && only_ja.contains(&key.to_string()),
                "`{key}` is not a ws_/booklet_ key of ja.ftl and en.ftl"
            );
        }
        // Every key the code asks for exists: a `both("ws_…")` with a typo would show the
        // key itself.
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut used = BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(src)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for prefix in JA_AND_EN_ONLY {
                        for part in text.split(&format!("\"{prefix}")).skip(1) {
                            let key: String = part
                                .chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                                .collect();
                            if part[key.len()..].starts_with('"') {
                                used.insert(format!("{prefix}{key}"));
                            }
                        }
                    }
                }
            }
        }
        let missing: Vec<&String> = used
            .iter()
            .filter(|k| !only_ja.contains(k) && !k.ends_with('_'))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used in src/ but not in ja.ftl: {missing:?}"
        );
    }
}
