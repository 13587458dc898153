//! Free-text benchmark (`scripts/bench-text.sh`): COUNT comments made from the tokeniser
//! corpus and the labelled masking set (1–3 sentences each, seeded, so every run reads the
//! same text) go through what `citizen-survey text` does after reading the database:
//! masking, tokenising, term extraction, frequencies, the co-occurrence network and Ward
//! clustering of all of them into 10 clusters with medoids. Prints the time of each stage.
//!
//! ```sh
//! cargo run --release --example bench_text -- [COUNT]
//! ```

use std::time::Instant;

use citizen_survey::text::cluster::{cut, summarise, term_sets, ward};
use citizen_survey::text::frequency::term_frequencies;
use citizen_survey::text::network::{NetworkOptions, cooccurrence};
use citizen_survey::text::terms::terms;
use citizen_survey::text::{MaskRules, TermRules, Tokeniser, mask};

const CORPUS: &str = include_str!("../tests/fixtures/text/corpus.txt");
const LABELLED: &str = include_str!("../tests/fixtures/text/masking_labelled.txt");

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |c| c.parse().expect("COUNT is a number"));
    let sentences: Vec<String> = CORPUS
        .lines()
        .map(str::to_string)
        .chain(LABELLED.lines().map(|l| {
            // The labelled set without its {KIND:…} marks.
            l.replace(['{', '}'], "")
                .split(':')
                .map(|part| part.trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_'))
                .collect::<String>()
        }))
        .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    };
    let comments: Vec<String> = (0..count)
        .map(|_| {
            let parts = 1 + next(3);
            (0..parts)
                .map(|_| sentences[next(sentences.len())].as_str())
                .collect()
        })
        .collect();
    let chars: usize = comments.iter().map(|c| c.chars().count()).sum();
    println!("{count} comments, {chars} characters");

    let started = Instant::now();
    let t = Instant::now();
    let tokeniser = Tokeniser::shared();
    println!(
        "dictionary load        {:>8.3} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let (mask_rules, term_rules) = (MaskRules::default(), TermRules::default());
    let mut documents = Vec::with_capacity(count);
    let mut masked_count = 0;
    for c in &comments {
        let masked = mask(c, &tokeniser.tokenise(c), &mask_rules);
        masked_count += usize::from(!masked.spans.is_empty());
        let tokens = tokeniser.tokenise(&masked.text);
        documents.push(terms(&masked.text, &tokens, &term_rules));
    }
    println!(
        "mask + tokenise + terms {:>7.3} s  ({masked_count} comments with something masked)",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let frequencies = term_frequencies(&documents);
    println!(
        "term frequencies       {:>8.3} s  ({} terms)",
        t.elapsed().as_secs_f64(),
        frequencies.len()
    );

    let t = Instant::now();
    let network = cooccurrence(&documents, NetworkOptions::default());
    println!(
        "co-occurrence network  {:>8.3} s  ({} nodes, {} edges)",
        t.elapsed().as_secs_f64(),
        network.terms.len(),
        network.edges.len()
    );

    let t = Instant::now();
    let clustered: Vec<Vec<String>> = documents.into_iter().filter(|d| !d.is_empty()).collect();
    let sets = term_sets(&clustered);
    let merges = ward(&sets);
    println!(
        "Ward clustering        {:>8.3} s  ({} comments with terms)",
        t.elapsed().as_secs_f64(),
        clustered.len()
    );
    let t = Instant::now();
    let membership = cut(clustered.len(), &merges, 10);
    let summaries = summarise(&clustered, &sets, &membership, 8);
    let sizes: Vec<usize> = summaries.iter().map(|s| s.size).collect();
    println!(
        "cut k = 10 + medoids   {:>8.3} s  (sizes {sizes:?})",
        t.elapsed().as_secs_f64()
    );
    println!(
        "total                  {:>8.3} s",
        started.elapsed().as_secs_f64()
    );
}
