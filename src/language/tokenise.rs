//! Japanese morphological analysis, offline: IPADIC 2.7.0 (the dictionary MeCab ships
//! with) compiled into the binary by `lindera-ipadic` 0.27, whose crate carries the
//! dictionary source, so nothing is installed or downloaded (see docs/free-text.md for
//! why this one and its measured agreement with MeCab).
//!
//! Tokens carry MeCab's nine IPADIC features. Words the dictionary does not know get the
//! part of speech MeCab's `unk.def` gives them (名詞,固有名詞,人名 …), recovered from the
//! connection id of the unknown entry the lattice chose; lindera itself only says "UNK".
//! Spaces are not tokens, as in MeCab. Byte offsets point into the text as written.

use std::sync::LazyLock;

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
        let mut lattice = Lattice::default();
        let mut tokens = Vec::new();
        // Line breaks and tabs end a sentence for MeCab too; each line is its own lattice.
        let mut offset = 0;
        for line in text.split_inclusive(['\n', '\r']) {
            let body = line.trim_end_matches(['\n', '\r']);
            if !body.is_empty() {
                self.tokenise_line(&mut lattice, body, offset, &mut tokens);
            }
            offset += line.len();
        }
        tokens
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
}
