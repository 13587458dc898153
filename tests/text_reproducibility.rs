//! The free-text analyses against R (igraph 1.3.5, stats), through the R-fixture
//! mechanism: tests/fixtures/text/expected.R reads documents.csv (the terms of each comment
//! of the tokeniser corpus, as this crate extracts them) and writes the expected_*.csv
//! files beside it; this test needs no R and recomputes everything in Rust.
//!
//! - co-occurrence network: Jaccard edges (exact), betweenness (igraph `betweenness`),
//!   communities (igraph `cluster_fast_greedy`: the same partition and modularity);
//! - Ward clustering of the first 150 comments on Jaccard distances: every merge height
//!   and the cut into k = 2 … 8 clusters against `hclust(method = "ward.D2")` + `cutree`;
//! - χ² of a term × group table against `chisq.test(correct = FALSE)`, and two-proportion
//!   tests against `prop.test(correct = FALSE)`.
//!
//! When the term extraction changes, `documents_fixture_is_current` fails: regenerate with
//! `cargo test --test text_reproducibility -- --ignored write_documents` and then
//! `Rscript tests/fixtures/text/expected.R`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use citizen_survey::text::cluster::{cut, term_sets, ward};
use citizen_survey::text::compare::{chi_square, two_proportions};
use citizen_survey::text::network::{NetworkOptions, cooccurrence, graph, modularity, renumber};
use citizen_survey::text::terms::terms;
use citizen_survey::text::{TermRules, Tokeniser};

const MAX_RELATIVE_ERROR: f64 = 1e-9;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text")
}

fn read_csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(fixtures().join(name))
        .unwrap_or_else(|e| panic!("{name}: {e} (run tests/fixtures/text/expected.R)"));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{key} = {}", row[key]))
}

fn close(a: f64, b: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1e-12);
    assert!(
        (a - b).abs() / scale < MAX_RELATIVE_ERROR || (a - b).abs() < 1e-12,
        "{what}: Rust {a} vs R {b}"
    );
}

/// The terms of each corpus sentence, as the crate extracts them.
fn corpus_documents() -> Vec<Vec<String>> {
    let rules = TermRules::default();
    include_str!("fixtures/text/corpus.txt")
        .lines()
        .map(|line| terms(line, &Tokeniser::shared().tokenise(line), &rules))
        .collect()
}

fn documents_csv(docs: &[Vec<String>]) -> String {
    let mut out = String::from("doc,term\n");
    for (i, terms) in docs.iter().enumerate() {
        for t in terms {
            assert!(
                !t.contains([',', '"', '\n']),
                "a term CSV can hold plainly: {t}"
            );
            out.push_str(&format!("{},{}\n", i + 1, t));
        }
    }
    out
}

/// Documents as R reads them: terms in order, repeats kept.
fn documents() -> Vec<Vec<String>> {
    let rows = read_csv("documents.csv");
    // One document per corpus line, also those without any term.
    let n = include_str!("fixtures/text/corpus.txt").lines().count();
    let mut docs = vec![Vec::new(); n];
    for r in rows {
        docs[r["doc"].parse::<usize>().unwrap() - 1].push(r["term"].clone());
    }
    docs
}

#[test]
#[ignore = "writes the fixture; run by hand when the term extraction changes"]
fn write_documents() {
    std::fs::write(
        fixtures().join("documents.csv"),
        documents_csv(&corpus_documents()),
    )
    .unwrap();
}

#[test]
fn documents_fixture_is_current() {
    let written = std::fs::read_to_string(fixtures().join("documents.csv")).unwrap();
    assert!(
        written == documents_csv(&corpus_documents()),
        "documents.csv is stale: see this file's header to regenerate it and R's figures"
    );
}

#[test]
fn cooccurrence_network_matches_igraph() {
    let docs = documents();
    let net = cooccurrence(&docs, NetworkOptions::default());
    let edges = read_csv("expected_edges.csv");
    assert_eq!(net.edges.len(), edges.len(), "edge count");
    for (e, r) in net.edges.iter().zip(&edges) {
        assert_eq!(
            (net.terms[e.a].as_str(), net.terms[e.b].as_str()),
            (r["a"].as_str(), r["b"].as_str())
        );
        assert_eq!(e.both as f64, num(r, "both"));
        close(e.jaccard, num(r, "jaccard"), "jaccard");
    }
    let nodes = read_csv("expected_nodes.csv");
    assert_eq!(net.terms.len(), nodes.len());
    let mut r_membership = Vec::new();
    for (i, r) in nodes.iter().enumerate() {
        assert_eq!(net.terms[i], r["term"]);
        assert_eq!(net.comments[i] as f64, num(r, "comments"));
        close(
            net.betweenness[i],
            num(r, "betweenness"),
            &format!("betweenness of {}", r["term"]),
        );
        r_membership.push(num(r, "community") as usize);
    }
    let summary = read_csv("expected_network.csv");
    let r_modularity = num(&summary[0], "modularity");
    // The modularity of igraph's partition, computed here, is igraph's figure.
    let g = graph(&net);
    close(
        modularity(&g, &r_membership),
        r_modularity,
        "modularity of R's partition",
    );
    close(
        modularity(&g, &net.community),
        net.modularity,
        "our modularity",
    );
    // Greedy merging meets many equal gains in an unweighted graph, and igraph breaks
    // those ties by its heap's order, we by the lowest pair: the partitions may differ,
    // but ours must be as good.
    println!(
        "modularity: ours {} ({} communities), igraph {} ({} communities); same partition: {}",
        net.modularity,
        net.community.iter().max().unwrap(),
        r_modularity,
        r_membership.iter().max().unwrap(),
        net.community == renumber(&r_membership)
    );
    assert!(net.modularity >= r_modularity - 1e-9);
}

#[test]
fn ward_clustering_matches_hclust() {
    let docs: Vec<Vec<String>> = documents()
        .into_iter()
        .filter(|d| !d.is_empty())
        .take(150)
        .collect();
    let sets = term_sets(&docs);
    let merges = ward(&sets);
    let heights = read_csv("expected_ward_heights.csv");
    assert_eq!(merges.len(), heights.len());
    for (m, r) in merges.iter().zip(&heights) {
        close(m.height, num(r, "height"), &format!("merge {}", r["step"]));
    }
    let cuts = read_csv("expected_ward_cuts.csv");
    for k in 2..=8 {
        let ours = cut(docs.len(), &merges, k);
        let theirs: Vec<usize> = cuts
            .iter()
            .map(|r| num(r, &format!("k{k}")) as usize)
            .collect();
        assert_eq!(ours, theirs, "cutree k = {k}");
    }
}

#[test]
fn chi_square_and_two_proportions_match_r() {
    let docs = documents();
    let n = docs.len();
    // As expected.R: groups by position (thirds), terms = the 5 most frequent.
    let group = |i: usize| (3 * i) / n;
    let frequencies = citizen_survey::text::frequency::term_frequencies(&docs);
    let top: Vec<&str> = frequencies
        .iter()
        .take(5)
        .map(|t| t.term.as_str())
        .collect();
    let mut table = vec![vec![0u64; 3]; top.len()];
    for (i, d) in docs.iter().enumerate() {
        for (r, t) in top.iter().enumerate() {
            if d.iter().any(|x| x == t) {
                table[r][group(i)] += 1;
            }
        }
    }
    let chi = chi_square(&table).unwrap();
    let expected = read_csv("expected_chisq.csv");
    assert_eq!(
        top,
        expected
            .iter()
            .filter(|r| r["what"] == "term")
            .map(|r| r["value"].as_str())
            .collect::<Vec<_>>()
    );
    let stat = expected.iter().find(|r| r["what"] == "statistic").unwrap();
    close(chi.statistic, num(stat, "value"), "chi-square");
    let p = expected.iter().find(|r| r["what"] == "p_value").unwrap();
    close(chi.p_value, num(p, "value"), "chi-square p");

    // Each of the 10 most frequent terms: first half of the comments against the second.
    let half = n / 2;
    for r in read_csv("expected_prop.csv") {
        let term = &r["term"];
        let holds = |range: std::ops::Range<usize>| {
            docs[range].iter().filter(|d| d.contains(term)).count() as u64
        };
        let t = two_proportions(
            holds(0..half),
            half as u64,
            holds(half..n),
            (n - half) as u64,
        )
        .unwrap();
        close(t.z * t.z, num(&r, "statistic"), &format!("X² of {term}"));
        close(t.p_value, num(&r, "p_value"), &format!("p of {term}"));
    }
}
