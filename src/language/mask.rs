//! Masking v2: personal data found in a free-text answer before anyone reads it. Pure:
//! text and its tokens in, masked text and what was found out. Over-masking is preferred
//! to a leak; the review step (docs/free-text.md) is where an analyst unmasks.
//!
//! Masked, each replaced by a marker that says what was there:
//! - the patterns of [`super::personal_data_spans`]: `[EMAIL]`, `[PHONE]`,
//!   `[POSTAL_CODE]`, `[ID_NUMBER]`;
//! - person names → `[NAME]`: words IPADIC tags 名詞,固有名詞,人名 (with the given name
//!   that follows a surname), and the word before an honorific or a title (さん, 様, くん,
//!   課長, 先生 …) unless it is a common role noun (職員さん, 担当者様) or before
//!   「と申します」「という職員」;
//! - addresses → `[ADDRESS]`: a place (名詞,固有名詞,地域, or nouns ending in 町/台/丘 …)
//!   followed by a number with 丁目/番/番地/号 or numbers joined by hyphens (1-2-3), with
//!   the nouns before it (吹田市千里山東) and a building's room (○○ハイツ305号室).
//!
//! Flagged, not masked (the reviewer decides): organisation names (名詞,固有名詞,組織 and
//! nouns ending in 大学, 銀行, 株式会社 …) and words of 要配慮個人情報 (illness,
//! disability, criminal record, welfare, abuse) from [`MaskRules::sensitive`].

use std::sync::LazyLock;

use regex::Regex;

use super::patterns::personal_data_spans;
use super::tokenise::{Token, Tokeniser, UserDictionary};

/// What a masked span held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MaskKind {
    Email,
    Phone,
    PostalCode,
    IdNumber,
    Name,
    Address,
}

impl MaskKind {
    pub fn marker(self) -> &'static str {
        match self {
            MaskKind::Email => "[EMAIL]",
            MaskKind::Phone => "[PHONE]",
            MaskKind::PostalCode => "[POSTAL_CODE]",
            MaskKind::IdNumber => "[ID_NUMBER]",
            MaskKind::Name => "[NAME]",
            MaskKind::Address => "[ADDRESS]",
        }
    }

    /// The stable id used in exports (`name`, `address` …).
    pub fn id(self) -> &'static str {
        match self {
            MaskKind::Email => "email",
            MaskKind::Phone => "phone",
            MaskKind::PostalCode => "postal_code",
            MaskKind::IdNumber => "id_number",
            MaskKind::Name => "name",
            MaskKind::Address => "address",
        }
    }

    fn from_marker(marker: &str) -> MaskKind {
        match marker {
            "[EMAIL]" => MaskKind::Email,
            "[PHONE]" => MaskKind::Phone,
            "[POSTAL_CODE]" => MaskKind::PostalCode,
            _ => MaskKind::IdNumber,
        }
    }
}

/// A byte range of the original text that is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MaskedSpan {
    pub start: usize,
    pub end: usize,
    pub kind: MaskKind,
}

/// Something a reviewer should look at before the comment is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub start: usize,
    pub end: usize,
    pub kind: FlagKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagKind {
    Organisation,
    /// 要配慮個人情報, with the category of the word list (病歴, 障害 …).
    Sensitive(String),
}

/// A comment after masking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The comment with each masked span replaced by its marker.
    pub text: String,
    /// Masked spans of the original, in order, not overlapping.
    pub spans: Vec<MaskedSpan>,
    pub flags: Vec<Flag>,
}

/// The word lists masking uses; [`MaskRules::default`] holds the built-in ones, which the
/// definitions can extend (`survey-definitions/text/`).
#[derive(Debug, Clone)]
pub struct MaskRules {
    /// Honorifics and titles after a name.
    pub honorifics: Vec<String>,
    /// Nouns that take an honorific without being a name (職員さん, お客様).
    pub role_nouns: Vec<String>,
    /// (word, category) of 要配慮個人情報.
    pub sensitive: Vec<(String, String)>,
    /// The city's own words (places, names, organisations, compounds). Every text is
    /// tokenised with them ([`MaskRules::tokenise`]), for masking and for counting alike.
    pub dictionary: UserDictionary,
}

impl MaskRules {
    /// The tokens of `text` with the city's own words: the tokens to give [`mask`], and to
    /// count terms from.
    pub fn tokenise(&self, text: &str) -> Vec<Token> {
        Tokeniser::shared().tokenise_with(text, &self.dictionary)
    }
}

const HONORIFICS: &[&str] = &[
    "さん",
    "様",
    "さま",
    "サン",
    "くん",
    "君",
    "ちゃん",
    "氏",
    "殿",
    "先生",
    "課長",
    "部長",
    "係長",
    "主任",
    "主査",
    "室長",
    "所長",
    "局長",
    "次長",
    "議員",
    "社長",
    "店長",
    "先輩",
];

const ROLE_NOUNS: &[&str] = &[
    "職員",
    "担当",
    "担当者",
    "係",
    "係員",
    "窓口",
    "受付",
    "皆",
    "みな",
    "皆様",
    "お客",
    "客",
    "市民",
    "住民",
    "店員",
    "運転手",
    "看護師",
    "相談員",
    "支援員",
    "配達員",
    "業者",
    "大家",
    "近所",
    "隣",
    "お隣",
    "奥",
    "息子",
    "娘",
    "孫",
    "親",
    "お母",
    "お父",
    "お兄",
    "お姉",
    "おばあ",
    "おじい",
    "ママ",
    "パパ",
    "利用者",
    "申請者",
    "患者",
    "先生",
    "講師",
    "医者",
    "お医者",
    "生徒",
    "学生",
    "子ども",
    "子供",
    "赤",
    "お子",
    "お嬢",
    "ボランティア",
    "オペレーター",
    "スタッフ",
    "市",
    "市役所",
    "役所",
    "課",
    "担任",
    "管理人",
    "警備員",
    "職員全員",
];

/// (category, words): 要配慮個人情報 under the Act on the Protection of Personal Information
/// (病歴, 障害, 犯罪の経歴, 犯罪被害, 社会的身分, 信条) and what residents write about them.
const SENSITIVE: &[(&str, &[&str])] = &[
    (
        "病歴",
        &[
            "うつ病",
            "鬱病",
            "うつ",
            "統合失調症",
            "がん",
            "癌",
            "糖尿病",
            "認知症",
            "難病",
            "HIV",
            "エイズ",
            "人工透析",
            "透析",
            "精神疾患",
            "パニック障害",
            "双極性障害",
            "依存症",
            "脳梗塞",
            "心臓病",
            "通院",
            "入院",
            "闘病",
            "持病",
        ],
    ),
    (
        "障害",
        &[
            "障害",
            "障がい",
            "障碍",
            "発達障害",
            "知的障害",
            "身体障害",
            "精神障害",
            "障害者手帳",
            "療育手帳",
            "自閉症",
            "ADHD",
            "車いす",
            "車椅子",
            "聴覚障害",
            "視覚障害",
            "ろう者",
            "失語症",
        ],
    ),
    (
        "犯罪歴",
        &[
            "前科",
            "逮捕",
            "服役",
            "刑務所",
            "犯罪歴",
            "起訴",
            "有罪",
            "執行猶予",
            "少年院",
        ],
    ),
    (
        "被害",
        &[
            "DV",
            "虐待",
            "性被害",
            "ストーカー",
            "犯罪被害",
            "いじめ被害",
        ],
    ),
    ("社会的身分", &["生活保護", "部落", "被差別"]),
    ("信条", &["信仰", "宗教団体", "創価", "政党員"]),
];

impl Default for MaskRules {
    fn default() -> Self {
        MaskRules {
            honorifics: HONORIFICS.iter().map(|s| s.to_string()).collect(),
            role_nouns: ROLE_NOUNS.iter().map(|s| s.to_string()).collect(),
            sensitive: SENSITIVE
                .iter()
                .flat_map(|(category, words)| {
                    words.iter().map(|w| (w.to_string(), category.to_string()))
                })
                .collect(),
            dictionary: UserDictionary::default(),
        }
    }
}

const NUM: &str = "(?:[0-9０-９]+|[一二三四五六七八九十]+)";
const DASH: &str = "[-‐‑–—―−－ー]";

/// The number part of an address, right after a place: 1丁目2番3号, 2番地, 1-2-3, 8-23.
static ADDRESS_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    let unit = "(?:丁目|番地|番|号)";
    Regex::new(&format!(
        "^(?:{NUM}{unit}(?:の?{NUM}{unit}?|{DASH}{NUM})*|{NUM}(?:{DASH}{NUM})+{unit}?)"
    ))
    .expect("a valid pattern")
});

/// A room after an address: optional building name, then 305号室 or -305.
static ROOM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "^[ \u{3000}]?(?:[ァ-ヶー・A-Za-zＡ-Ｚａ-ｚ\\p{{Han}}]{{1,15}}[ \u{3000}]?)?{NUM}号室"
    ))
    .expect("a valid pattern")
});

/// Nouns that end a place name (千里山東, 佐竹台, 江坂町, 五月が丘).
const PLACE_ENDINGS: &[&str] = &[
    "町", "台", "丘", "東", "西", "南", "北", "中", "市", "区", "村", "条", "通", "本町", "山",
    "島", "野", "原", "谷", "園", "宮", "里", "浜", "坂", "川", "田", "苑",
];

const ORG_ENDINGS: &[&str] = &[
    "大学",
    "銀行",
    "株式会社",
    "会社",
    "協議会",
    "協会",
    "電鉄",
    "運輸",
    "病院",
    "郵便",
    "生協",
    "財団",
    "法人",
    "組合",
    "商事",
    "工業",
    "電機",
    "電力",
    "ガス",
    "鉄道",
];

/// Masks `text`, tokenised with the rules' dictionary.
pub fn mask_text(text: &str, rules: &MaskRules) -> Masked {
    mask(text, &rules.tokenise(text), rules)
}

/// Masks `text`, whose tokens are `tokens` (from [`MaskRules::tokenise`] of the same text).
pub fn mask(text: &str, tokens: &[Token], rules: &MaskRules) -> Masked {
    let mut spans: Vec<MaskedSpan> = personal_data_spans(text)
        .into_iter()
        .map(|(start, end, marker)| MaskedSpan {
            start,
            end,
            kind: MaskKind::from_marker(marker),
        })
        .collect();
    let free =
        |spans: &[MaskedSpan], s: usize, e: usize| !spans.iter().any(|m| s < m.end && m.start < e);
    let mut found = addresses(text, tokens);
    found.extend(names(text, tokens, rules));
    // Longer spans first where two start together (山田西13番地 is an address, not 山田).
    found.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    for span in found {
        if free(&spans, span.start, span.end) {
            spans.push(span);
        }
    }
    spans.sort();
    let mut flags = organisations(text, tokens);
    flags.extend(sensitive(text, rules));
    flags.retain(|f| free(&spans, f.start, f.end));
    flags.sort_by_key(|f| (f.start, f.end));

    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in &spans {
        out.push_str(&text[at..span.start]);
        out.push_str(span.kind.marker());
        at = span.end;
    }
    out.push_str(&text[at..]);
    Masked {
        text: out,
        spans,
        flags,
    }
}

fn is_noun(t: &Token) -> bool {
    t.pos() == "名詞" && !matches!(t.pos_detail(0), "代名詞" | "非自立" | "数")
}

fn is_person(t: &Token) -> bool {
    t.pos() == "名詞" && t.pos_detail(0) == "固有名詞" && t.pos_detail(1) == "人名"
}

fn is_place(t: &Token, text: &str) -> bool {
    (t.pos() == "名詞" && t.pos_detail(1) == "地域")
        || (is_noun(t) && PLACE_ENDINGS.iter().any(|e| t.surface(text).ends_with(e)))
}

/// The index of the token that starts at byte `at`, if any.
fn token_at(tokens: &[Token], at: usize) -> Option<usize> {
    tokens.binary_search_by_key(&at, |t| t.start).ok()
}

fn addresses(text: &str, tokens: &[Token]) -> Vec<MaskedSpan> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        // A number right after a place noun (no space between).
        let joined = i > 0 && tokens[i - 1].end == t.start;
        let Some(m) = joined
            .then(|| ADDRESS_NUMBER.find(&text[t.start..]))
            .flatten()
            .filter(|m| {
                // 丁目 or 番地 follows a place of any name (春日8丁目); a bare 1-2-3 or 5番
                // only a place noun (佐竹台2-3), so that 窓口2番 or 5-3 stay.
                let strong = m.as_str().contains("丁目") || m.as_str().contains("番地");
                let before = &tokens[i - 1];
                is_place(before, text) || (strong && is_noun(before))
            })
        else {
            i += 1;
            continue;
        };
        // Back over the nouns of the place name (and が/ヶ inside one: 五月が丘).
        let mut first = i - 1;
        while first > 0 {
            let before = &tokens[first - 1];
            let joined = before.end == tokens[first].start;
            let kana_link = matches!(before.surface(text), "が" | "ヶ" | "ケ")
                && first >= 2
                && is_noun(&tokens[first - 2]);
            if joined && (is_noun(before) || before.pos() == "接頭詞" || kana_link) {
                first -= 1;
            } else {
                break;
            }
        }
        let mut end = t.start + m.end();
        // 459号室: the number took 号, the room is its own.
        if text[end..].starts_with('室') {
            end += '室'.len_utf8();
        }
        if let Some(room) = ROOM.find(&text[end..]) {
            end += room.end();
        }
        out.push(MaskedSpan {
            start: tokens[first].start,
            end,
            kind: MaskKind::Address,
        });
        while i < tokens.len() && tokens[i].start < end {
            i += 1;
        }
    }
    out
}

fn names(text: &str, tokens: &[Token], rules: &MaskRules) -> Vec<MaskedSpan> {
    // A title is a word of its own: 様 of 様式 or ちゃん of ちゃんと is none.
    let title_at = |at: usize| {
        rules.honorifics.iter().any(|h| {
            text[at..].starts_with(h.as_str())
                && (at + h.len() == text.len() || token_at(tokens, at + h.len()).is_some())
        })
    };
    let mut marked = vec![false; tokens.len()];
    for (i, t) in tokens.iter().enumerate() {
        let joined_before = i > 0 && tokens[i - 1].end == t.start;
        let joined_after = i + 1 < tokens.len() && tokens[i + 1].start == t.end;
        let surface = t.surface(text);
        let katakana = |k: usize| tokens[k].surface(text).chars().all(is_katakana);
        // スマート|フォン, テレ|ワーク: part of a katakana compound, not a name.
        let in_compound = surface.chars().all(is_katakana)
            && ((joined_before && katakana(i - 1)) || (joined_after && katakana(i + 1)));
        // A lone one-character 人名 (笑, 誠) is a name only next to another or a title.
        let next_to_name = (joined_before && is_person(&tokens[i - 1]))
            || (joined_after && is_person(&tokens[i + 1]));
        let lone = surface.chars().count() == 1 && !next_to_name && !title_at(t.end);
        if is_person(t) && !in_compound && !lone {
            marked[i] = true;
        }
    }
    // The noun run before an honorific, or before 「と申します」「という」.
    for (i, t) in tokens.iter().enumerate() {
        let rest = &text[t.end..];
        let titled = title_at(t.end);
        let introduced = [
            "と申します",
            "と申し",
            "といいます",
            "という職員",
            "という担当",
        ]
        .iter()
        .any(|p| rest.starts_with(p));
        if !(titled || introduced) || !is_noun(t) {
            continue;
        }
        // An honorific that is itself the token (先生 of 田中先生 is one), never a name.
        let mut j = i + 1;
        let mut run = Vec::new();
        while j > 0 {
            let c = &tokens[j - 1];
            let joined = run.last().is_none_or(|&k: &usize| c.end == tokens[k].start);
            // A kanji numeral inside a name (四十物) but not next to the title (三人さん).
            let numeral = !run.is_empty()
                && c.pos_detail(0) == "数"
                && c.surface(text)
                    .chars()
                    .all(|ch| "一二三四五六七八九十百千".contains(ch));
            if joined && (is_noun(c) || !c.known || numeral) && run.len() < 4 {
                run.push(j - 1);
                j -= 1;
            } else {
                break;
            }
        }
        let surface = |k: usize| tokens[k].surface(text);
        // A role noun next to the honorific (職員さん, 市民課の担当者様) is no name.
        if run
            .first()
            .is_some_and(|&k| rules.role_nouns.iter().any(|r| r == surface(k)))
        {
            continue;
        }
        let whole: String = run.iter().rev().map(|&k| surface(k)).collect();
        let role_ending = rules
            .role_nouns
            .iter()
            .any(|r| r.chars().count() >= 2 && whole.ends_with(r.as_str()));
        if role_ending || whole.is_empty() {
            continue;
        }
        // Only the part after a role or place noun: 市民課の田中 → 田中, 受付田中 → 田中.
        for &k in &run {
            if rules.role_nouns.iter().any(|r| r == surface(k)) || surface(k).ends_with('課') {
                break;
            }
            marked[k] = true;
        }
    }
    // Merge marked tokens that touch (姓 + 名, with a space between or not).
    let mut out: Vec<MaskedSpan> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !marked[i] {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.end == t.start || gap_is_space(text, last.end, t.start) => {
                last.end = t.end;
            }
            _ => out.push(MaskedSpan {
                start: t.start,
                end: t.end,
                kind: MaskKind::Name,
            }),
        }
    }
    // A name's given part in kana that the tokeniser cut into words (やまだ → や/ま/だ):
    // extend over the kana run right before a masked name.
    for span in &mut out {
        let before = &text[..span.start];
        let kana: usize = before
            .chars()
            .rev()
            .take_while(|c| is_kana(*c))
            .map(char::len_utf8)
            .sum();
        let from = span.start - kana;
        let no_particle = tokens
            .iter()
            .filter(|t| t.start >= from && t.end <= span.start)
            .all(|t| !matches!(t.pos(), "助詞" | "助動詞" | "動詞" | "記号"));
        if (2..=12).contains(&before[from..].chars().count())
            && token_at(tokens, from).is_some()
            && no_particle
        {
            span.start = from;
        }
    }
    // And the kana after a name that the tokeniser did not take (福田ゆう|き と申します).
    let before_title = |rest: &str| {
        rules
            .honorifics
            .iter()
            .any(|h| rest.starts_with(h.as_str()))
            || ["と申", "といい", "という"]
                .iter()
                .any(|p| rest.starts_with(p))
    };
    for span in &mut out {
        let after = &text[span.end..];
        let mut taken = 0;
        for c in after.chars().take(4) {
            if !is_kana(c) {
                break;
            }
            taken += c.len_utf8();
            if before_title(&after[taken..]) {
                span.end += taken;
                break;
            }
        }
    }
    // A name written in kana alone before a title, which the tokeniser cut into words that
    // are not nouns (ゆう|き 先生).
    for h in &rules.honorifics {
        for (at, _) in text.match_indices(h.as_str()) {
            if !title_at(at) {
                continue;
            }
            let before = &text[..at];
            let kana: Vec<char> = before.chars().rev().take_while(|c| is_kana(*c)).collect();
            let from = at - kana.iter().map(|c| c.len_utf8()).sum::<usize>();
            let word = &text[from..at];
            let common = rules.role_nouns.iter().any(|r| r == word)
                || KANA_BEFORE_TITLE.iter().any(|w| word.ends_with(w));
            let covered = out.iter().any(|s| s.start < at && from < s.end);
            if (2..=6).contains(&kana.len())
                && !common
                && !covered
                && token_at(tokens, from).is_some()
            {
                out.push(MaskedSpan {
                    start: from,
                    end: at,
                    kind: MaskKind::Name,
                });
            }
        }
    }
    out.sort();
    out
}

/// Kana before さま/さん that is no name (おつかれさま, おかげさま, みなさん).
const KANA_BEFORE_TITLE: &[&str] = &[
    "つかれ",
    "かげ",
    "くろう",
    "ちそう",
    "たがい",
    "きのどく",
    "だいじ",
    "みな",
    "みんな",
    "あなた",
    "おばあ",
    "おじい",
    "ばあ",
    "じい",
    "かあ",
    "とう",
    "にい",
    "ねえ",
    "ママ",
    "パパ",
    "おくさ",
    "だんな",
    "おきゃく",
    "せんせい",
    "ちゃん",
    "です",
    "ます",
];

fn is_katakana(c: char) -> bool {
    matches!(c, 'ァ'..='ヺ' | 'ー' | 'ｦ'..='ﾟ')
}

fn is_kana(c: char) -> bool {
    matches!(c, 'ぁ'..='ゖ' | 'ァ'..='ヺ' | 'ー')
}

fn gap_is_space(text: &str, from: usize, to: usize) -> bool {
    from < to && text[from..to].chars().all(|c| c == ' ' || c == '\u{3000}')
}

fn organisations(text: &str, tokens: &[Token]) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let org_token = t.pos() == "名詞" && t.pos_detail(1) == "組織";
        let ends_org = is_noun(t) && ORG_ENDINGS.iter().any(|e| t.surface(text).ends_with(e));
        if !(org_token || ends_org) {
            i += 1;
            continue;
        }
        // The whole noun compound around it (NTT + ドコモ, 大阪 + 大学).
        let mut first = i;
        while first > 0
            && tokens[first - 1].end == tokens[first].start
            && is_noun(&tokens[first - 1])
        {
            first -= 1;
        }
        let mut last = i;
        while last + 1 < tokens.len()
            && tokens[last].end == tokens[last + 1].start
            && is_noun(&tokens[last + 1])
            && tokens[last + 1].pos_detail(0) != "サ変接続"
        {
            last += 1;
        }
        if ends_org && !org_token && first == i {
            // 大学 or 銀行 alone is no name of anything.
            let whole = tokens[i].surface(text);
            if ORG_ENDINGS.contains(&whole) {
                i += 1;
                continue;
            }
        }
        out.push(Flag {
            start: tokens[first].start,
            end: tokens[last].end,
            kind: FlagKind::Organisation,
        });
        i = last + 1;
    }
    out
}

fn sensitive(text: &str, rules: &MaskRules) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::new();
    // Longest words first, so that 障害者手帳 is one flag, not 障害 inside it.
    let mut words: Vec<&(String, String)> = rules.sensitive.iter().collect();
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    for (word, category) in words {
        for (start, _) in text.match_indices(word.as_str()) {
            let end = start + word.len();
            if out.iter().any(|f| start < f.end && f.start < end) {
                continue;
            }
            out.push(Flag {
                start,
                end,
                kind: FlagKind::Sensitive(category.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask_text(text, &MaskRules::default()).text
    }

    #[test]
    fn keeps_todays_patterns() {
        assert_eq!(
            masked("連絡は taro@example.jp か 090-1234-5678 へ"),
            "連絡は [EMAIL] か [PHONE] へ"
        );
        assert_eq!(masked("〒564-8550"), "[POSTAL_CODE]");
        assert_eq!(masked("1234 5678 9012"), "[ID_NUMBER]");
    }

    #[test]
    fn masks_names_with_and_without_titles() {
        assert_eq!(
            masked("市民課の田中さんが親切でした"),
            "市民課の[NAME]さんが親切でした"
        );
        assert_eq!(masked("山田太郎と申します"), "[NAME]と申します");
        assert_eq!(masked("鈴木課長に相談した"), "[NAME]課長に相談した");
        // Role nouns with an honorific stay.
        assert_eq!(masked("職員さんが親切でした"), "職員さんが親切でした");
        assert_eq!(masked("担当者様へ"), "担当者様へ");
        assert_eq!(masked("皆さんありがとう"), "皆さんありがとう");
    }

    #[test]
    fn masks_addresses_but_not_other_numbers() {
        assert_eq!(
            masked("吹田市千里山東1丁目2番3号に住んでいます"),
            "[ADDRESS]に住んでいます"
        );
        assert_eq!(masked("佐竹台2-3-4の前"), "[ADDRESS]の前");
        assert_eq!(masked("3番の窓口で30分待った"), "3番の窓口で30分待った");
        assert_eq!(masked("2026年11月30日"), "2026年11月30日");
        assert_eq!(masked("千里山に住んでいます"), "千里山に住んでいます");
    }

    #[test]
    fn flags_organisations_and_sensitive_words_without_masking_them() {
        let text = "大阪大学の学生です。うつ病で通院しています";
        let m = mask_text(text, &MaskRules::default());
        assert_eq!(m.text, text);
        let flagged: Vec<(&str, &FlagKind)> = m
            .flags
            .iter()
            .map(|f| (&text[f.start..f.end], &f.kind))
            .collect();
        assert!(
            flagged.contains(&("大阪大学", &FlagKind::Organisation)),
            "{flagged:?}"
        );
        assert!(flagged.contains(&("うつ病", &FlagKind::Sensitive("病歴".into()))));
        assert!(flagged.contains(&("通院", &FlagKind::Sensitive("病歴".into()))));
    }
}
