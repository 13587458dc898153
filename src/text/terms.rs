//! Terms of a comment, as KH Coder counts them: the base form (原形) of content words —
//! nouns (名詞 but not 非自立, 代名詞, 数, 接尾), independent verbs and adjectives (動詞,
//! 形容詞 自立), and words the dictionary does not know — with the width of letters and
//! katakana folded (ＬＩＮＥ = LINE, ｽﾏﾎ = スマホ), synonyms mapped to one form (スマホ =
//! スマートフォン) and stop words left out. Masking markers ([NAME] …) are never terms.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::tokenise::Token;

/// Analyst-editable word lists (`survey-definitions/text/`); the default holds a few
/// function-like words that KH Coder's Japanese stop list also leaves out.
#[derive(Debug, Clone)]
pub struct TermRules {
    pub stop_words: HashSet<String>,
    /// Folded form → the form counted.
    pub synonyms: HashMap<String, String>,
}

const STOP_WORDS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "れる",
    "られる",
    "こと",
    "もの",
    "よう",
    "ため",
    "の",
    "ん",
    "さん",
    "方",
    "これ",
    "それ",
    "あれ",
    "ところ",
    "とき",
    "時",
    "感じ",
    "くれる",
    "もらう",
    "いう",
    "思う",
    "おる",
    "ない",
    "いい",
    "よい",
    "やる",
    "いく",
    "くる",
    "みる",
];

impl Default for TermRules {
    fn default() -> Self {
        TermRules {
            stop_words: STOP_WORDS.iter().map(|s| s.to_string()).collect(),
            synonyms: [("スマートフォン", "スマホ")]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }
}

/// `[EMAIL]`, `[NAME]` …: what masking put in place of personal data.
pub static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(?:EMAIL|PHONE|POSTAL_CODE|ID_NUMBER|NAME|ADDRESS)\]").expect("a valid pattern")
});

/// Whether the token is a content word whose base form counts as a term.
pub fn is_content(token: &Token) -> bool {
    match token.pos() {
        "名詞" => !matches!(
            token.pos_detail(0),
            "非自立" | "代名詞" | "数" | "接尾" | "特殊" | "副詞可能"
        ),
        "動詞" | "形容詞" => token.pos_detail(0) == "自立",
        _ => false,
    }
}

/// The terms of `text` (tokenised as `tokens`) in order of appearance, repeats kept.
pub fn terms(text: &str, tokens: &[Token], rules: &TermRules) -> Vec<String> {
    let markers: Vec<(usize, usize)> = MARKER
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let katakana = |t: &Token| {
        t.pos() == "名詞"
            && t.surface(text)
                .chars()
                .all(|c| matches!(c, 'ァ'..='ヺ' | 'ー' | 'ｦ'..='ﾟ'))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if !is_content(t) || markers.iter().any(|&(s, e)| t.start < e && s < t.end) {
            i += 1;
            continue;
        }
        // Katakana nouns written together are one word (スマート|フォン, テレ|ワーク).
        let mut end = i;
        while katakana(&tokens[end])
            && end + 1 < tokens.len()
            && katakana(&tokens[end + 1])
            && tokens[end].end == tokens[end + 1].start
        {
            end += 1;
        }
        let word = if end > i {
            &text[t.start..tokens[end].end]
        } else {
            t.lemma(text)
        };
        out.extend(term_of(word, rules));
        i = end + 1;
    }
    out
}

/// The counted form of a word, or `None` for a stop word or a lone symbol or kana.
pub fn term_of(word: &str, rules: &TermRules) -> Option<String> {
    let folded = fold_width(word);
    let term = rules.synonyms.get(&folded).cloned().unwrap_or(folded);
    let one_char = term.chars().count() == 1;
    let kana_or_symbol = term
        .chars()
        .all(|c| matches!(c, 'ぁ'..='ゖ') || !c.is_alphanumeric());
    if rules.stop_words.contains(&term) || (one_char && kana_or_symbol) || term.is_empty() {
        None
    } else {
        Some(term)
    }
}

/// Full-width ASCII to ASCII, half-width katakana to full-width (with its voicing marks),
/// the ideographic space to a space; everything else as it is.
pub fn fold_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => {
                out.push(char::from_u32(c as u32 - 0xFEE0).expect("ASCII"));
            }
            '\u{3000}' => out.push(' '),
            'ﾞ' | 'ﾟ' => {
                // Voicing mark after a half-width kana already folded: combine.
                let voiced = out.pop().map(|prev| voice(prev, c == 'ﾟ'));
                match voiced {
                    Some(Ok(v)) => out.push(v),
                    Some(Err(prev)) => {
                        out.push(prev);
                        out.push(if c == 'ﾞ' { '゛' } else { '゜' });
                    }
                    None => out.push(if c == 'ﾞ' { '゛' } else { '゜' }),
                }
            }
            '\u{FF61}'..='\u{FF9D}' => out.push(HALF_KANA[(c as u32 - 0xFF61) as usize]),
            _ => out.push(c),
        }
    }
    out
}

/// U+FF61 (｡) … U+FF9D (ﾝ) in their full-width forms.
const HALF_KANA: [char; 61] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
];

/// The voiced (゛) or semi-voiced (゜) form of a katakana, or the kana back if it has none.
fn voice(kana: char, semi: bool) -> Result<char, char> {
    let code = kana as u32;
    let voiced = match kana {
        'カ'..='ト' if !semi && (code - 'カ' as u32).is_multiple_of(2) && !matches!(kana, 'ッ') =>
        {
            // カ→ガ … チ→ヂ; ツ→ヅ, テ→デ, ト→ド sit one further (ッ comes before ツ).
            Some(code + 1)
        }
        'ツ' | 'テ' | 'ト' if !semi => Some(code + 1),
        'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => Some(code + if semi { 2 } else { 1 }),
        'ウ' if !semi => Some('ヴ' as u32),
        _ => None,
    };
    voiced.and_then(char::from_u32).ok_or(kana)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Tokeniser;

    fn terms_of(text: &str) -> Vec<String> {
        let tokens = Tokeniser::shared().tokenise(text);
        terms(text, &tokens, &TermRules::default())
    }

    #[test]
    fn folds_width() {
        assert_eq!(fold_width("ＬＩＮＥで１０分"), "LINEで10分");
        assert_eq!(fold_width("ｽﾏﾎでｱﾌﾟﾘ"), "スマホでアプリ");
        assert_eq!(fold_width("ｶﾞｲﾄﾞﾌﾞｯｸ ﾊﾟﾝﾌ"), "ガイドブック パンフ");
        assert_eq!(fold_width("ﾂﾞ"), "ヅ");
        assert_eq!(fold_width("ﾞ"), "゛");
    }

    #[test]
    fn counts_base_forms_of_content_words() {
        assert_eq!(
            terms_of("窓口で1時間待たされました。スマートフォンで申請したい"),
            ["窓口", "待たす", "スマホ", "申請"]
        );
        // Markers are not terms; stop words are left out.
        assert_eq!(terms_of("[NAME]さんが親切でした"), ["親切"]);
        assert_eq!(terms_of("ｽﾏﾎとテレワーク"), ["スマホ", "テレワーク"]);
    }
}
