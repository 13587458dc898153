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

/// The CS portfolio of 2028's four items against R: satisfaction, the two derived
/// importances with Fisher's interval, 偏差値, the angle from the 基準線 and the 改善度指数.
#[test]
fn the_cs_portfolio_agrees_with_r() {
    use citizen_survey::evaluation::portfolio::{ItemInput, PairSums, analyse};
    let all = rows("respondents.csv");
    let r: HashMap<String, f64> = rows("expected.csv")
        .into_iter()
        .map(|row| (row["key"].clone(), row["value"].parse().unwrap()))
        .collect();
    let items = ["item1", "item2", "item3", "item4"];
    let wave: Vec<&HashMap<String, String>> =
        all.iter().filter(|r| r["wave"] == "2028-final").collect();
    let value = |row: &HashMap<String, String>, k: &str| -> Option<f64> {
        row[k]
            .parse::<u8>()
            .ok()
            .filter(|v| (1..=5).contains(v))
            .map(f64::from)
    };
    let mut counts = [ItemCounts::default(); 4];
    let mut overall = [PairSums::default(); 4];
    let mut rest = [PairSums::default(); 4];
    for row in &wave {
        let v: Vec<Option<f64>> = items.iter().map(|k| value(row, k)).collect();
        for (j, k) in items.iter().enumerate() {
            counts[j].add(&row[*k]);
        }
        if let Some(y) = value(row, "overall") {
            for (j, x) in v.iter().enumerate() {
                if let Some(x) = x {
                    overall[j].add(*x, y);
                }
            }
        }
        let answered: Vec<f64> = v.iter().flatten().copied().collect();
        if answered.len() >= 2 {
            let total: f64 = answered.iter().sum();
            for (j, x) in v.iter().enumerate() {
                if let Some(x) = x {
                    rest[j].add(*x, (total - x) / (answered.len() - 1) as f64);
                }
            }
        }
    }
    for (name, sums) in [("overall", &overall), ("rest", &rest)] {
        let inputs: Vec<ItemInput> = (0..4)
            .map(|j| {
                let f = item_figures(&counts[j]);
                let importance = sums[j].correlation().unwrap();
                assert_eq!(importance.n as f64, r[&format!("{name}.item{}.n", j + 1)]);
                if name == "overall" {
                    let (lo, hi) = importance.ci95().unwrap();
                    agree(&format!("overall.item{}.ci_lower", j + 1), lo, &r);
                    agree(&format!("overall.item{}.ci_upper", j + 1), hi, &r);
                }
                ItemInput {
                    id: items[j].into(),
                    vision: "v1".into(),
                    satisfaction: Estimate::Mean {
                        n: f.n,
                        mean: f.mean.unwrap(),
                        sd: f.sd,
                    },
                    importance: citizen_survey::evaluation::portfolio::Importance::Derived(
                        importance,
                    ),
                }
            })
            .collect();
        let p = analyse(inputs).unwrap();
        for (j, i) in p.items.iter().enumerate() {
            let k = format!("{name}.item{}", j + 1);
            agree(
                &format!("{k}.satisfaction"),
                i.input.satisfaction.value(),
                &r,
            );
            agree(&format!("{k}.importance"), i.input.importance.value(), &r);
            agree(&format!("{k}.satisfaction_t"), i.satisfaction_t, &r);
            agree(&format!("{k}.importance_t"), i.importance_t, &r);
            agree(&format!("{k}.angle"), i.angle, &r);
            agree(&format!("{k}.index"), i.improvement_index, &r);
        }
    }
}
