//! Japanese morphological analysis, offline: IPADIC 2.7.0 (the dictionary MeCab ships
//! with) compiled into the binary by `lindera-ipadic` 0.27, whose crate carries the
//! dictionary source, so nothing is installed or downloaded (see docs/free-text.md for
//! why this one and its measured agreement with MeCab).
//!
//! Tokens carry MeCab's nine IPADIC features. Words the dictionary does not know get the
//! part of speech MeCab's `unk.def` gives them (名詞,固有名詞,人名 …), recovered from the
//! connection id of the unknown entry the lattice chose; lindera itself only says "UNK".
//! Spaces are not tokens, as in MeCab. Byte offsets point into the text as written.
//!
//! A [`UserDictionary`] holds the city's own words (words.toml `[dictionary]`): wherever one
//! is written it is one token with the part of speech its kind gives — a compound counted
//! as one term (オンライン申請), a local place that IPADIC cuts up (千里山), a family name
//! or an organisation (市民課) — and the text around it is tokenised as before. Like a
//! MeCab user dictionary entry of very low cost, it wins over IPADIC's own split.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use lindera_core::dictionary::Dictionary;
use lindera_core::mode::Mode;
use lindera_core::viterbi::{EdgeId, EdgeType, Lattice};

/// One morpheme of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the text given to [`Tokeniser::tokenise`].
    pub start: usize,
    pub end: usize,
    /// MeCab's features: 品詞, 品詞細分類1–3, 活用型, 活用形, 原形, 読み, 発音 (the last
    /// three absent for unknown words, as in MeCab).
    pub features: Vec<String>,
    /// Whether the word is in the dictionary.
    pub known: bool,
}

impl Token {
    pub fn surface<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// 品詞 (名詞, 動詞 …).
    pub fn pos(&self) -> &str {
        self.feature(0)
    }

    /// 品詞細分類 1–3 (`pos_detail(0)` = 固有名詞, `pos_detail(1)` = 人名 …).
    pub fn pos_detail(&self, i: usize) -> &str {
        self.feature(1 + i)
    }

    /// 原形 (base form); the surface for unknown words, which have none.
    pub fn lemma<'a>(&'a self, text: &'a str) -> &'a str {
        match self.features.get(6).map(String::as_str) {
            Some(base) if base != "*" => base,
            _ => self.surface(text),
        }
    }

    fn feature(&self, i: usize) -> &str {
        self.features.get(i).map_or("*", String::as_str)
    }
}

/// What a word of the city's own dictionary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UserWordKind {
    /// A word or compound counted as one term: 名詞,一般.
    Noun,
    /// A place name: 名詞,固有名詞,地域,一般 (addresses are masked from it).
    Place,
    /// A person's name: 名詞,固有名詞,人名,一般 (masked as `[NAME]`).
    Person,
    /// An organisation: 名詞,固有名詞,組織 (flagged for the reviewer).
    Organisation,
}

impl UserWordKind {
    pub const ALL: [(&'static str, UserWordKind); 4] = [
        ("noun", UserWordKind::Noun),
        ("place", UserWordKind::Place),
        ("person", UserWordKind::Person),
        ("organisation", UserWordKind::Organisation),
    ];

    pub fn parse(name: &str) -> Option<UserWordKind> {
        UserWordKind::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
    }

    /// MeCab's nine features for `surface` of this kind (base form = surface).
    fn features(self, surface: &str) -> Vec<String> {
        let pos: [&str; 4] = match self {
            UserWordKind::Noun => ["名詞", "一般", "*", "*"],
            UserWordKind::Place => ["名詞", "固有名詞", "地域", "一般"],
            UserWordKind::Person => ["名詞", "固有名詞", "人名", "一般"],
            UserWordKind::Organisation => ["名詞", "固有名詞", "組織", "*"],
        };
        pos.iter()
            .copied()
            .chain(["*", "*", surface, "*", "*"])
            .map(str::to_string)
            .collect()
    }
}

/// The city's own words; empty by default.
#[derive(Debug, Clone, Default)]
pub struct UserDictionary {
    kinds: HashMap<String, UserWordKind>,
    /// The words as one alternation, longest first, so that the leftmost match is the
    /// longest word written there.
    pattern: Option<Regex>,
}

impl UserDictionary {
    /// A dictionary of `(word, kind)`; blank words are ignored, a word given twice keeps
    /// its first kind.
    pub fn new(words: impl IntoIterator<Item = (String, UserWordKind)>) -> UserDictionary {
        let mut kinds: HashMap<String, UserWordKind> = HashMap::new();
        for (w, k) in words {
            let w = w.trim().to_string();
            if !w.is_empty() {
                kinds.entry(w).or_insert(k);
            }
        }
        let mut by_length: Vec<&str> = kinds.keys().map(String::as_str).collect();
        by_length.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let pattern = (!by_length.is_empty()).then(|| {
            let alternatives: Vec<String> = by_length.iter().map(|w| regex::escape(w)).collect();
            Regex::new(&alternatives.join("|")).expect("escaped words make a valid pattern")
        });
        UserDictionary { kinds, pattern }
    }

    /// How many words it holds.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// The dictionary, loaded once (it is static data inside the binary: a few milliseconds).
pub struct Tokeniser {
    dictionary: Dictionary,
}

static SHARED: LazyLock<Tokeniser> = LazyLock::new(|| Tokeniser {
    dictionary: lindera_ipadic::load_dictionary()
        .expect("the IPADIC compiled into the binary is readable"),
});

/// Where the lattice starts and ends (lindera adds the two edges first, in this order).
const BOS: EdgeId = EdgeId(0);
const EOS: EdgeId = EdgeId(1);

impl Tokeniser {
    /// The tokeniser of the process (the dictionary is loaded on first use).
    pub fn shared() -> &'static Tokeniser {
        &SHARED
    }

    /// The morphemes of `text`, in order, spaces left out.
    pub fn tokenise(&self, text: &str) -> Vec<Token> {
        self.tokenise_with(text, &UserDictionary::default())
    }

    /// The morphemes of `text` with the city's own words: each one written is one token,
    /// and the text between them is tokenised on its own.
    pub fn tokenise_with(&self, text: &str, user: &UserDictionary) -> Vec<Token> {
        let mut lattice = Lattice::default();
        let mut tokens = Vec::new();
        // Line breaks and tabs end a sentence for MeCab too; each line is its own lattice.
        let mut offset = 0;
        for line in text.split_inclusive(['\n', '\r']) {
            let body = line.trim_end_matches(['\n', '\r']);
            if !body.is_empty() {
                self.tokenise_with_words(&mut lattice, body, offset, user, &mut tokens);
            }
            offset += line.len();
        }
        tokens
    }

    fn tokenise_with_words(
        &self,
        lattice: &mut Lattice,
        line: &str,
        offset: usize,
        user: &UserDictionary,
        out: &mut Vec<Token>,
    ) {
        let Some(pattern) = &user.pattern else {
            return self.tokenise_line(lattice, line, offset, out);
        };
        let mut at = 0;
        for m in pattern.find_iter(line) {
            if m.start() > at {
                self.tokenise_line(lattice, &line[at..m.start()], offset + at, out);
            }
            let kind = *user
                .kinds
                .get(m.as_str())
                .expect("a match is one of the words");
            out.push(Token {
                start: offset + m.start(),
                end: offset + m.end(),
                features: kind.features(m.as_str()),
                known: true,
            });
            at = m.end();
        }
        if at < line.len() {
            self.tokenise_line(lattice, &line[at..], offset + at, out);
        }
    }

    fn tokenise_line(
        &self,
        lattice: &mut Lattice,
        line: &str,
        offset: usize,
        out: &mut Vec<Token>,
    ) {
        let d = &self.dictionary;
        lattice.set_text(
            &d.dict,
            &None,
            &d.char_definitions,
            &d.unknown_dictionary,
            line,
            &Mode::Normal,
        );
        lattice.calculate_path_costs(&d.cost_matrix, &Mode::Normal);
        // The best path, from EOS back to BOS.
        let mut path = Vec::new();
        let mut id = lattice.edge(EOS).left_edge;
        while let Some(edge_id) = id {
            if edge_id == BOS {
                break;
            }
            let edge = lattice.edge(edge_id);
            path.push(edge.clone());
            id = edge.left_edge;
        }
        path.reverse();
        for (i, edge) in path.iter().enumerate() {
            let start = edge.start_index as usize;
            let end = path
                .get(i + 1)
                .map_or(line.len(), |e| e.start_index as usize);
            let surface = &line[start..end];
            if surface.chars().all(is_space) {
                continue;
            }
            let (features, known) = match edge.edge_type {
                EdgeType::UNKNOWN => (unknown_features(edge.word_entry.cost_id), false),
                _ => (self.known_features(edge.word_entry.word_id.0), true),
            };
            out.push(Token {
                start: offset + start,
                end: offset + end,
                features,
                known,
            });
        }
    }

    fn known_features(&self, word_id: u32) -> Vec<String> {
        let d = &self.dictionary;
        let at = 4 * word_id as usize;
        let index = u32::from_le_bytes(d.words_idx_data[at..at + 4].try_into().expect("four bytes"))
            as usize;
        bincode::deserialize_from(&d.words_data[index..])
            .expect("the dictionary's word details are readable")
    }
}

/// MeCab skips these before a token (IPADIC `char.def`, category SPACE).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{0B}' | '\u{D0}')
}

/// The features IPADIC's `unk.def` gives an unknown word, by its connection id (the same id
/// means the same features in every character category).
fn unknown_features(cost_id: u16) -> Vec<String> {
    let f: &[&str] = match cost_id {
        1283 => &["名詞", "サ変接続", "*", "*"],
        1288 => &["名詞", "固有名詞", "一般", "*"],
        1289 => &["名詞", "固有名詞", "人名", "一般"],
        1292 => &["名詞", "固有名詞", "組織", "*"],
        1293 => &["名詞", "固有名詞", "地域", "一般"],
        1295 => &["名詞", "数", "*", "*"],
        3 => &["感動詞", "*", "*", "*"],
        5 => &["記号", "一般", "*", "*"],
        9 => &["記号", "空白", "*", "*"],
        _ => &["名詞", "一般", "*", "*"],
    };
    f.iter()
        .copied()
        .chain(["*", "*", "*"])
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(text: &str) -> Vec<(String, String)> {
        Tokeniser::shared()
            .tokenise(text)
            .iter()
            .map(|t| (t.surface(text).to_string(), t.features[..2].join(",")))
            .collect()
    }

    #[test]
    fn segments_as_mecab_with_ipadic() {
        // `echo 市役所の窓口で手続きをしました | mecab`
        let text = "市役所の窓口で手続きをしました";
        let surfaces: Vec<String> = segment(text).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            surfaces,
            [
                "市役所",
                "の",
                "窓口",
                "で",
                "手続き",
                "を",
                "し",
                "まし",
                "た"
            ]
        );
        let tokens = Tokeniser::shared().tokenise(text);
        assert_eq!(tokens[6].lemma(text), "する");
        assert_eq!(tokens[6].pos(), "動詞");
    }

    #[test]
    fn unknown_words_get_mecabs_part_of_speech() {
        // MeCab: マイナンバーカード 名詞,一般,*,*,*,*,* (unknown, no base form).
        let text = "マイナンバーカードの申請";
        let tokens = Tokeniser::shared().tokenise(text);
        assert_eq!(tokens[0].surface(text), "マイナンバーカード");
        assert!(!tokens[0].known);
        assert_eq!(
            tokens[0].features,
            ["名詞", "一般", "*", "*", "*", "*", "*"]
        );
        assert_eq!(tokens[0].lemma(text), "マイナンバーカード");
    }

    #[test]
    fn offsets_point_into_the_text_across_lines_and_spaces() {
        let text = "窓口 で\n待った";
        let tokens = Tokeniser::shared().tokenise(text);
        let surfaces: Vec<&str> = tokens.iter().map(|t| t.surface(text)).collect();
        assert_eq!(surfaces, ["窓口", "で", "待っ", "た"]);
        assert_eq!(tokens[2].start, "窓口 で\n".len());
        assert!(Tokeniser::shared().tokenise("").is_empty());
        assert!(Tokeniser::shared().tokenise(" \n ").is_empty());
    }

    #[test]
    fn the_citys_own_words_are_one_token_each_with_their_kind() {
        // IPADIC alone: オンライン|申請, 千里|山|東, 山中|さん.
        let text = "オンライン申請の件で千里山東の山中さんに\n電話した";
        let plain: Vec<&str> = Tokeniser::shared()
            .tokenise(text)
            .iter()
            .map(|t| t.surface(text))
            .collect();
        assert!(
            plain.contains(&"オンライン") && plain.contains(&"申請"),
            "{plain:?}"
        );
        let user = UserDictionary::new([
            ("オンライン申請".to_string(), UserWordKind::Noun),
            ("千里山".to_string(), UserWordKind::Place),
            ("千里".to_string(), UserWordKind::Noun),
            ("電話".to_string(), UserWordKind::Noun),
        ]);
        let tokens = Tokeniser::shared().tokenise_with(text, &user);
        let surfaces: Vec<&str> = tokens.iter().map(|t| t.surface(text)).collect();
        assert_eq!(surfaces[0], "オンライン申請");
        assert_eq!(tokens[0].lemma(text), "オンライン申請");
        assert_eq!(tokens[0].features[..2], ["名詞", "一般"]);
        // The longest word written wins: 千里山, not 千里.
        let place = surfaces
            .iter()
            .position(|s| *s == "千里山")
            .expect("千里山");
        assert_eq!(tokens[place].features[..3], ["名詞", "固有名詞", "地域"]);
        // Offsets stay those of the text, across the line break.
        let phone = surfaces.iter().position(|s| *s == "電話").expect("電話");
        assert_eq!(tokens[phone].start, text.find("電話").unwrap());
        assert_eq!(surfaces.concat(), text.replace('\n', ""));
        // An empty dictionary tokenises as IPADIC alone.
        let none = Tokeniser::shared().tokenise_with(text, &UserDictionary::default());
        assert_eq!(none, Tokeniser::shared().tokenise(text));
    }
}
