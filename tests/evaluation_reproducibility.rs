//! The evaluation's change, interval and p-value against R: the figures in
//! tests/fixtures/evaluation/expected.csv were computed by expected.R beside it (R's
//! `t.test` and `prop.test`) from the synthetic respondents.csv. This test needs no R: it
//! builds each indicator's figure with the library (respondent scores, their running sums,
//! item counts) and requires the change, its interval and p-value to agree to 6 significant
//! digits (relative error < 5e-7).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use citizen_survey::evaluation::change::{Change, ChangeTest, Estimate, Reference, change};
use citizen_survey::evaluation::figures::VisionTotals;
use citizen_survey::stats::{ItemCounts, item_figures, respondent_score};

const MAX_RELATIVE_ERROR: f64 = 5e-7;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evaluation")
}

fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(fixtures().join(name)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

struct Wave {
    score: Estimate,
    top2: Estimate,
    item: Estimate,
    share: Estimate,
}

/// One wave's figures as the service computes them: vision totals from respondents'
/// scores (summed about the shifts the database uses), item counts.
fn wave(all: &[HashMap<String, String>], id: &str) -> Wave {
    let mut totals = VisionTotals {
        score_shift: 50.0,
        top2_shift: 0.5,
        ..Default::default()
    };
    let mut counts = ItemCounts::default();
    for r in all.iter().filter(|r| r["wave"] == id) {
        let answers: Vec<u8> = ["item1", "item2", "item3", "item4"]
            .iter()
            .filter_map(|k| r[*k].parse().ok())
            .collect();
        if let Some(s) = respondent_score(&answers) {
            totals.n += 1;
            totals.score_sum += s.score - 50.0;
            totals.score_sum_sq += (s.score - 50.0).powi(2);
            totals.top2_sum += s.top2 - 0.5;
            totals.top2_sum_sq += (s.top2 - 0.5).powi(2);
        }
        counts.add(&r["item1"]);
    }
    let f = item_figures(&counts);
    Wave {
        score: totals.score().unwrap(),
        top2: totals.top2().unwrap(),
        item: Estimate::Mean {
            n: f.n,
            mean: f.mean.unwrap(),
            sd: f.sd,
        },
        share: Estimate::Share {
            x: counts.answers[3] + counts.answers[4],
            n: f.n,
        },
    }
}

fn agree(key: &str, ours: f64, r: &HashMap<String, f64>) {
    let theirs = r[key];
    let error = ((ours - theirs) / theirs).abs();
    assert!(
        error < MAX_RELATIVE_ERROR,
        "{key}: ours {ours}, R {theirs} (relative error {error:e})"
    );
}

fn check(name: &str, c: Change, test: ChangeTest, r: &HashMap<String, f64>) {
    assert_eq!(c.test, test, "{name}");
    let (lo, hi) = c.ci95.unwrap();
    agree(&format!("{name}.difference"), c.difference, r);
    agree(&format!("{name}.ci_lower"), lo, r);
    agree(&format!("{name}.ci_upper"), hi, r);
    agree(&format!("{name}.p"), c.p_value.unwrap(), r);
}

#[test]
fn changes_agree_with_r() {
    let all = rows("respondents.csv");
    let r: HashMap<String, f64> = rows("expected.csv")
        .into_iter()
        .map(|row| (row["key"].clone(), row["value"].parse().unwrap()))
        .collect();
    let (earlier, later) = (wave(&all, "2026-midterm"), wave(&all, "2028-final"));
    assert_eq!(earlier.score.n() as f64, r["n.score_2026"]);
    assert_eq!(later.score.n() as f64, r["n.score_2028"]);
    assert_eq!(later.item.n() as f64, r["n.item_2028"]);
    let exact = |value| Reference::External { value, se: None };

    let w = |e: &Estimate| Reference::Wave(*e);
    check(
        "score_welch",
        change(&later.score, &w(&earlier.score)),
        ChangeTest::Welch,
        &r,
    );
    check(
        "score_one",
        change(&later.score, &exact(45.0)),
        ChangeTest::OneSampleT,
        &r,
    );
    check(
        "score_known",
        change(
            &later.score,
            &Reference::External {
                value: 45.0,
                se: Some(1.5),
            },
        ),
        ChangeTest::KnownSe,
        &r,
    );
    check(
        "top2_welch",
        change(&later.top2, &w(&earlier.top2)),
        ChangeTest::Welch,
        &r,
    );
    check(
        "top2_one",
        change(&later.top2, &exact(40.0)),
        ChangeTest::OneSampleT,
        &r,
    );
    check(
        "item_welch",
        change(&later.item, &w(&earlier.item)),
        ChangeTest::Welch,
        &r,
    );
    check(
        "item_one",
        change(&later.item, &exact(50.0)),
        ChangeTest::OneSampleT,
        &r,
    );
    check(
        "share_two",
        change(&later.share, &w(&earlier.share)),
        ChangeTest::TwoProportions,
        &r,
    );
    check(
        "share_one",
        change(&later.share, &exact(30.0)),
        ChangeTest::OneSampleScore,
        &r,
    );
}
