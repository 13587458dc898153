//! The statistics layer against R's `survey` package: the figures in
//! tests/fixtures/stats/expected.csv were computed by tests/fixtures/stats/expected.R
//! (R 4.2.2, survey 4.1-1) from the synthetic respondents.csv and population.csv beside
//! it. This test needs no R; it recomputes every figure in Rust and requires agreement to
//! 6 significant digits (relative error < 5e-7), and the same post-stratum and weight for
//! every respondent.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use citizen_survey::definitions::load_dir;
use citizen_survey::stats::{
    Accumulator, ItemCounts, PostStratification, SampleMoments, StratumAnswers, StratumCodes,
    WeightingOptions, item_figures, item_value, parse_population, post_stratify, respondent_score,
    weighted_difference, welch,
};

const WAVES: [&str; 2] = ["2026-midterm", "2028-final"];
const MAX_RELATIVE_ERROR: f64 = 5e-7;
/// As in expected.R: the default, and other minimum stratum sizes checked for the
/// post-strata and the weighted score (they exercise merging a small rest pool).
const MIN_RESPONDENTS: usize = 5;
const OTHER_MINIMUMS: [usize; 2] = [3, 10];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats")
}

fn read_csv(name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(fixtures().join(name)).unwrap();
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

fn codes() -> StratumCodes {
    let defs = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions"))
        .expect("survey definitions load");
    StratumCodes::from_wave(defs.wave("2026-midterm").unwrap()).unwrap()
}

/// Figures computed in Rust, keyed as in expected.csv.
#[derive(Default)]
struct Figures(BTreeMap<String, f64>);

impl Figures {
    fn put(&mut self, key: String, value: f64) {
        assert!(self.0.insert(key.clone(), value).is_none(), "{key} twice");
    }
}

struct Wave {
    rows: Vec<HashMap<String, String>>,
    weights: PostStratification,
}

fn wave(all: &[HashMap<String, String>], id: &str, min_respondents: usize) -> Wave {
    let population = parse_population(
        &std::fs::read_to_string(fixtures().join("population.csv")).unwrap(),
        &codes(),
    )
    .unwrap();
    let rows: Vec<HashMap<String, String>> =
        all.iter().filter(|r| r["wave"] == id).cloned().collect();
    let answers: Vec<StratumAnswers> = rows
        .iter()
        .map(|r| StratumAnswers {
            age_band: Some(r["age_band"].as_str()).filter(|s| !s.is_empty()),
            area: Some(r["area"].as_str()).filter(|s| !s.is_empty()),
        })
        .collect();
    let weights =
        post_stratify(&population, &answers, WeightingOptions { min_respondents }).unwrap();
    Wave { rows, weights }
}

const ITEMS: [&str; 4] = ["item1", "item2", "item3", "item4"];

/// Each respondent's (id, minimum stratum size, post-stratum, weight).
type Strata = Vec<(String, usize, String, f64)>;

fn scores(rows: &[HashMap<String, String>]) -> Vec<Option<citizen_survey::stats::RespondentScore>> {
    rows.iter()
        .map(|r| {
            let answers: Vec<u8> = ITEMS
                .iter()
                .filter_map(|item| match r[*item].parse::<u8>() {
                    Ok(v @ 1..=5) => Some(v),
                    _ => None,
                })
                .collect();
            respondent_score(&answers)
        })
        .collect()
}

fn compute() -> (Figures, Strata) {
    let respondents = read_csv("respondents.csv");
    let mut f = Figures::default();
    let mut strata = Vec::new();
    let mut summaries = HashMap::new();
    let mut item_moments = HashMap::new();
    let mut weighted = HashMap::new();
    for id in WAVES {
        let Wave { rows, weights } = wave(&respondents, id, MIN_RESPONDENTS);
        f.put(format!("{id}/respondents"), rows.len() as f64);
        f.put(format!("{id}/strata"), weights.strata().len() as f64);
        for (i, r) in rows.iter().enumerate() {
            let h = weights.stratum_of(i);
            strata.push((r["id"].clone(), MIN_RESPONDENTS, h.label.clone(), h.weight));
        }
        let scores = scores(&rows);
        for m in OTHER_MINIMUMS {
            let alt = wave(&respondents, id, m).weights;
            for (i, r) in rows.iter().enumerate() {
                let h = alt.stratum_of(i);
                strata.push((r["id"].clone(), m, h.label.clone(), h.weight));
            }
            let e = alt.weighted_vision(&scores).unwrap().score;
            let key = format!("{id}@min{m}/score/weighted/");
            f.put(format!("{key}mean"), e.mean);
            f.put(format!("{key}se"), e.se.unwrap());
            f.put(format!("{key}deff"), e.deff.unwrap());
        }
        let item1: Vec<Option<&str>> = rows
            .iter()
            .map(|r| Some(r["item1"].as_str()).filter(|s| !s.is_empty()))
            .collect();
        let item1_value: Vec<Option<f64>> = item1.iter().map(|a| a.and_then(item_value)).collect();

        // Weighted: the vision helper, the item helper and the plain weighted mean.
        let vision = weights.weighted_vision(&scores).unwrap();
        let item = citizen_survey::stats::weighted_item_figures(&weights, &item1).unwrap();
        let used_online: Vec<Option<f64>> = rows
            .iter()
            .map(|r| Some(r["used_online"].parse().unwrap()))
            .collect();
        let online = weights.weighted_mean(&used_online).unwrap();
        for (name, e) in [
            ("score", vision.score),
            ("top2", vision.top2),
            ("used_online", online),
            ("item1_value", item.mean),
            ("item1_top2", item.top2),
            ("item1_dk", item.dont_know),
        ] {
            let key = format!("{id}/{name}/weighted/");
            f.put(format!("{key}n"), e.n as f64);
            f.put(format!("{key}population"), e.population);
            f.put(format!("{key}mean"), e.mean);
            f.put(format!("{key}se"), e.se.unwrap());
            f.put(format!("{key}ci_lower"), e.ci95.unwrap().0);
            f.put(format!("{key}ci_upper"), e.ci95.unwrap().1);
            f.put(format!("{key}deff"), e.deff.unwrap());
            weighted.insert((id, name), e);
        }

        // Unweighted vision summary (scores.rs).
        let mut acc = Accumulator::default();
        for s in scores.iter().flatten() {
            acc.add(*s);
        }
        let s = acc.summary().unwrap();
        let key = format!("{id}/score/unweighted/");
        f.put(format!("{key}n"), s.n as f64);
        f.put(format!("{key}mean"), s.mean);
        f.put(format!("{key}sd"), s.sd.unwrap());
        f.put(format!("{key}ci_lower"), s.ci95.unwrap().0);
        f.put(format!("{key}ci_upper"), s.ci95.unwrap().1);
        f.put(format!("{key}top2_pct"), s.top2_pct);
        summaries.insert(id, s);

        // Unweighted item figures (items.rs).
        let mut counts = ItemCounts::default();
        for a in item1.iter().flatten() {
            counts.add(a);
        }
        let fig = item_figures(&counts);
        assert_eq!(fig.n as usize, item1_value.iter().flatten().count());
        let key = format!("{id}/item1/unweighted/");
        f.put(format!("{key}n"), fig.n as f64);
        f.put(format!("{key}dont_know"), fig.dont_know as f64);
        f.put(format!("{key}mean"), fig.mean.unwrap());
        f.put(format!("{key}sd"), fig.sd.unwrap());
        f.put(format!("{key}se"), fig.se.unwrap());
        f.put(format!("{key}ci_lower"), fig.ci95.unwrap().0);
        f.put(format!("{key}ci_upper"), fig.ci95.unwrap().1);
        let top2 = fig.top2.unwrap();
        f.put(format!("{key}top2_share"), top2.share);
        f.put(format!("{key}top2_ci_lower"), top2.ci95.0);
        f.put(format!("{key}top2_ci_upper"), top2.ci95.1);
        let dk = fig.dont_know_share.unwrap();
        f.put(format!("{key}dont_know_share"), dk.share);
        f.put(format!("{key}dont_know_ci_lower"), dk.ci95.0);
        f.put(format!("{key}dont_know_ci_upper"), dk.ci95.1);
        item_moments.insert(id, SampleMoments::from_item(&fig).unwrap());
    }

    // Comparisons 2028 − 2026.
    let [earlier, later] = WAVES;
    let welch_score = welch(
        &SampleMoments::from_summary(&summaries[earlier]).unwrap(),
        &SampleMoments::from_summary(&summaries[later]).unwrap(),
    )
    .unwrap();
    let welch_item = welch(&item_moments[earlier], &item_moments[later]).unwrap();
    for (name, c) in [("score", welch_score), ("item1_value", welch_item)] {
        let key = format!("compare/{name}/welch/");
        f.put(format!("{key}difference"), c.difference);
        f.put(format!("{key}se"), c.se);
        f.put(format!("{key}df"), c.df.unwrap());
        f.put(format!("{key}statistic"), c.statistic.unwrap());
        f.put(format!("{key}p_value"), c.p_value.unwrap());
        f.put(format!("{key}ci_lower"), c.ci95.unwrap().0);
        f.put(format!("{key}ci_upper"), c.ci95.unwrap().1);
    }
    for name in ["score", "item1_value"] {
        let c =
            weighted_difference(&weighted[&(earlier, name)], &weighted[&(later, name)]).unwrap();
        let key = format!("compare/{name}/weighted/");
        f.put(format!("{key}difference"), c.difference);
        f.put(format!("{key}se"), c.se);
        f.put(format!("{key}statistic"), c.statistic.unwrap());
        f.put(format!("{key}p_value"), c.p_value.unwrap());
        f.put(format!("{key}ci_lower"), c.ci95.unwrap().0);
        f.put(format!("{key}ci_upper"), c.ci95.unwrap().1);
    }
    (f, strata)
}

fn relative_error(got: f64, expected: f64) -> f64 {
    if expected == 0.0 {
        got.abs()
    } else {
        ((got - expected) / expected).abs()
    }
}

#[test]
fn figures_match_r_survey_to_six_significant_digits() {
    let (figures, _) = compute();
    let expected = read_csv("expected.csv");
    assert!(expected.len() > 100, "expected.csv is complete");
    let mut errors: Vec<(f64, String)> = Vec::new();
    let mut failures = Vec::new();
    for row in &expected {
        let key = &row["key"];
        let want: f64 = row["value"].trim().parse().unwrap();
        let Some(&got) = figures.0.get(key) else {
            failures.push(format!("{key}: not computed"));
            continue;
        };
        let err = relative_error(got, want);
        errors.push((err, key.clone()));
        if err >= MAX_RELATIVE_ERROR {
            failures.push(format!(
                "{key}: Rust {got} vs R {want} (relative error {err:e})"
            ));
        }
    }
    let extra: Vec<&String> = figures
        .0
        .keys()
        .filter(|k| !expected.iter().any(|r| &r["key"] == *k))
        .collect();
    assert!(extra.is_empty(), "figures R did not compute: {extra:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    errors.sort_by(|a, b| b.0.total_cmp(&a.0));
    let worst_estimate = errors
        .iter()
        .find(|(_, k)| !k.ends_with("p_value"))
        .unwrap();
    println!(
        "{} figures agree with R; largest relative error {:e} ({}), {:e} ({}) apart from \
         p-values",
        expected.len(),
        errors[0].0,
        errors[0].1,
        worst_estimate.0,
        worst_estimate.1
    );
}

#[test]
fn post_strata_and_weights_match_r() {
    let (_, strata) = compute();
    let expected = read_csv("expected_weights.csv");
    assert_eq!(strata.len(), expected.len());
    let mut worst: f64 = 0.0;
    for ((id, m, label, weight), row) in strata.iter().zip(&expected) {
        assert_eq!(id, &row["id"]);
        assert_eq!(m.to_string(), row["min_respondents"]);
        assert_eq!(label, &row["stratum"], "{id}");
        let want: f64 = row["weight"].trim().parse().unwrap();
        let err = relative_error(*weight, want);
        assert!(
            err < MAX_RELATIVE_ERROR,
            "{id}: weight {weight} vs R {want}"
        );
        worst = worst.max(err);
    }
    println!(
        "{} respondent × minimum pairs in the same post-strata as R; largest relative weight \
         error {worst:e}",
        strata.len()
    );
}

#[test]
fn the_fixture_exercises_every_rule() {
    let respondents = read_csv("respondents.csv");
    for id in WAVES {
        let Wave { rows, weights } = wave(&respondents, id, MIN_RESPONDENTS);
        let strata = weights.strata();
        // Every respondent is weighted, and the weights add up to the population.
        let total: f64 = (0..rows.len()).map(|i| weights.weight(i)).sum();
        assert!((total - 384_511.0).abs() < 1e-6, "{id}: {total}");
        // Missing age band, missing area, both; pooled cells; cells pooled with the rest.
        for pattern in [":?", "?:", "?:?"] {
            assert!(
                strata.iter().any(|h| h.label.contains(pattern)),
                "{id}: {pattern}"
            );
        }
        assert!(strata.iter().any(|h| h.label.contains('+')), "{id}: pools");
        // Every post-stratum but a pattern's lone one has at least the minimum.
        for h in strata {
            let lone = strata.iter().filter(|g| g.pattern == h.pattern).count() == 1;
            assert!(
                h.respondents >= MIN_RESPONDENTS || lone,
                "{id}: {}",
                h.label
            );
        }
        // With a minimum of 10, a small rest pool is merged into the smallest stratum: a
        // stratum of several base strata, one of which has 10 respondents on its own (pools
        // only gather base strata below the minimum).
        let base_of = |r: &HashMap<String, String>| {
            let known = |v: &str, none: &str| (!v.is_empty() && v != none).then(|| v.to_string());
            format!(
                "{}:{}",
                known(&r["age_band"], "no_answer").unwrap_or("?".into()),
                known(&r["area"], "outside_or_no_answer").unwrap_or("?".into())
            )
        };
        let mut base_counts: HashMap<String, usize> = HashMap::new();
        for r in &rows {
            *base_counts.entry(base_of(r)).or_default() += 1;
        }
        let alt = wave(&respondents, id, 10).weights;
        assert!(
            alt.strata().iter().any(|h| h.label.contains('+')
                && h.label
                    .split('+')
                    .any(|b| base_counts.get(b).copied().unwrap_or(0) >= 10)),
            "{id}: no merge into the smallest stratum"
        );
        // Respondents without any scored answer exist (domain estimation is exercised).
        assert!(
            rows.iter()
                .any(|r| ITEMS.iter().all(|i| item_value(&r[*i]).is_none())),
            "{id}"
        );
    }
}
