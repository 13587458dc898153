//! Attack tests for small-group protection (PRODUCT.md, anonymity rule 4): an attacker
//! holds only the exported CSVs of one wave (vision-scores, vision-scores-by-group,
//! item-scores, question-distribution, codebook), subtracts published cells from totals in
//! every grouping and across the linked tables, solves a scale item's counts from its
//! published n, mean and top-2 share, and reports every cell or union of cells below the
//! minimum that comes out exactly. `cargo test --test api disclosure -- --nocapture`
//! prints what was found.

use std::collections::HashMap;

use citizen_survey::db::submit::{Submission, store};
use citizen_survey::domain::{AnswerValue, Answers, Lang, SubmissionKey};
use citizen_survey::stats::ScorePlan;

use crate::helpers::{TestApp, V1, spawn_app};

const MIN: u64 = 10;

/// A small deterministic generator (no dependency, same data on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The data set: 80 residents; age 18–29 has 8 (age band is required, so the
/// codebook proves "not answered" empty); gender "other" and "no answer" 4 each; on
/// v1_fewer_visits 9 answer 1 and 26 「わからない」.
fn store_data_set(app: &TestApp) {
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let wave = defs.wave("2026-midterm").unwrap();
    let plan = std::sync::Arc::new(ScorePlan::new(wave, &defs.visions));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
    let mut rng = Lcg(20261101);
    let ages = [
        (8, "age_18_29"),
        (20, "age_40_49"),
        (25, "age_50_59"),
        (27, "age_60_69"),
    ];
    let ages: Vec<&str> = ages
        .iter()
        .flat_map(|(n, a)| std::iter::repeat_n(*a, *n))
        .collect();
    let fewer_visits: Vec<&str> = [
        (9, "1"),
        (10, "2"),
        (12, "3"),
        (12, "4"),
        (11, "5"),
        (26, "dk"),
    ]
    .iter()
    .flat_map(|(n, v)| std::iter::repeat_n(*v, *n))
    .collect();
    for i in 0..80usize {
        let gender = match i % 20 {
            0 => "other",
            1 => "no_answer",
            _ if i % 2 == 0 => "female",
            _ => "male",
        };
        let mut values: Vec<(String, AnswerValue)> = vec![
            ("age_band".into(), AnswerValue::Choice(ages[i].into())),
            ("area".into(), AnswerValue::Choice("jr_south".into())),
            ("gender".into(), AnswerValue::Choice(gender.into())),
        ];
        for q in V1 {
            let v = if q == "v1_fewer_visits" {
                fewer_visits[(i * 37) % 80].to_string()
            } else {
                (2 + rng.next(4)).to_string()
            };
            values.push((
                q.to_string(),
                match v.parse::<u8>() {
                    Ok(n) => AnswerValue::Scale(n),
                    Err(_) => AnswerValue::DontKnow,
                },
            ));
        }
        values.push((
            "v2_any_age".into(),
            AnswerValue::Scale(1 + rng.next(5) as u8),
        ));
        let answers = Answers {
            key: SubmissionKey::generate(),
            lang: Lang::Ja,
            values,
        };
        store(
            &mut app.db(),
            &Submission::open_web(plan.clone(), day, answers),
        )
        .unwrap();
    }
}

/// A CSV export as rows of named cells.
fn table(app: &TestApp, token: &str, kind: &str) -> Vec<HashMap<String, String>> {
    let mut response = app
        .agent
        .get(format!(
            "{}/analyst/waves/2026-midterm/{kind}.csv",
            app.address
        ))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    let body = response.body_mut().read_to_string().unwrap();
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn number(row: &HashMap<String, String>, column: &str) -> Option<f64> {
    row[column].parse().ok()
}

/// One cell of a partitioned table as the attacker sees it.
#[derive(Clone)]
struct Cell {
    name: String,
    n: Option<f64>,
    /// Σ of the scores behind the cell, when n and the mean are published.
    sum: Option<f64>,
}

/// Total minus the published cells: what comes out exactly, below the minimum.
fn subtract(
    what: &str,
    total: f64,
    total_sum: Option<f64>,
    cells: &[Cell],
    found: &mut Vec<String>,
) {
    let blank: Vec<&Cell> = cells.iter().filter(|c| c.n.is_none()).collect();
    if blank.is_empty() {
        return;
    }
    let union = total - cells.iter().filter_map(|c| c.n).sum::<f64>();
    if union.round() >= 1.0 && union.round() < MIN as f64 {
        let names: Vec<&str> = blank.iter().map(|c| c.name.as_str()).collect();
        let mean = total_sum.and_then(|t| {
            let s: Option<f64> = cells.iter().filter(|c| c.n.is_some()).map(|c| c.sum).sum();
            Some((t - s?) / union)
        });
        found.push(match mean {
            Some(m) => format!("{what}: {} = n {union:.0}, mean {m:.3}", names.join("+")),
            None => format!("{what}: {} = n {union:.0}", names.join("+")),
        });
    }
}

/// Every exact recovery below the minimum from the exports of one wave.
fn attack(app: &TestApp, token: &str) -> Vec<String> {
    let mut found = Vec::new();
    let codebook = table(app, token, "codebook");
    let required = |q: &str| {
        codebook
            .iter()
            .any(|r| r["question_id"] == q && r["required"] == "true")
    };
    // 1. vision-scores-by-group against vision-scores, per vision and grouping.
    let totals = table(app, token, "vision-scores");
    let groups = table(app, token, "vision-scores-by-group");
    for t in &totals {
        let (Some(n), Some(mean)) = (number(t, "respondents"), number(t, "mean_score")) else {
            continue;
        };
        for by in ["age_band", "area", "gender", "channel"] {
            let cells: Vec<Cell> = groups
                .iter()
                .filter(|g| g["vision_id"] == t["vision_id"] && g["group_by"] == by)
                .map(|g| {
                    // The codebook proves "not answered" empty for a required question.
                    let n = number(g, "respondents")
                        .or((g["group_code"].is_empty() && required(by)).then_some(0.0));
                    Cell {
                        name: format!("{by}={}", g["group_code"]),
                        n,
                        sum: n.map(|n| n * number(g, "mean_score").unwrap_or(0.0)),
                    }
                })
                .collect();
            if !cells.is_empty() {
                subtract(
                    &format!("by-group {}", t["vision_id"]),
                    n,
                    Some(n * mean),
                    &cells,
                    &mut found,
                );
            }
        }
    }
    // 2. question-distribution against its respondents, with item-scores' n and 「わからない」.
    let dist = table(app, token, "question-distribution");
    let items = table(app, token, "item-scores");
    let mut questions: Vec<&str> = dist.iter().map(|r| r["question_id"].as_str()).collect();
    questions.dedup();
    for q in questions {
        let rows: Vec<&HashMap<String, String>> = dist
            .iter()
            .filter(|r| r["question_id"] == q && r["question_kind"] != "multiple")
            .collect();
        let Some(total) = rows.first().and_then(|r| number(r, "respondents")) else {
            continue;
        };
        let item = items.iter().find(|r| r["question_id"] == q);
        let mut cells: Vec<Cell> = rows
            .iter()
            .map(|r| Cell {
                name: format!("{q}={}", r["option_code"]),
                n: number(r, "count"),
                sum: None,
            })
            .collect();
        if let Some(item) = item {
            if let Some(dk) = number(item, "dont_know")
                && let Some(c) = cells.iter_mut().find(|c| c.name.ends_with("=dk"))
                && c.n.is_none()
            {
                // Recovering an empty cell discloses nobody.
                if dk > 0.0 && dk < MIN as f64 {
                    found.push(format!(
                        "distribution {}: n {dk:.0} (item-scores dont_know)",
                        c.name
                    ));
                }
                c.n = Some(dk);
            }
            if let Some(n) = number(item, "respondents") {
                let scale: Vec<Cell> = cells
                    .iter()
                    .filter(|c| !c.name.ends_with("=dk"))
                    .cloned()
                    .collect();
                subtract(
                    "distribution within item-scores n",
                    n,
                    None,
                    &scale,
                    &mut found,
                );
                solve_scale(q, item, &scale, &mut found);
            }
        }
        subtract("distribution", total, None, &cells, &mut found);
    }
    found
}

/// A scale item's counts from its published n, mean and top-2 share: every split of the
/// blanked answers that fits; a blanked count below the minimum that is the same in every
/// fit is recovered.
fn solve_scale(q: &str, item: &HashMap<String, String>, cells: &[Cell], found: &mut Vec<String>) {
    let (Some(n), Some(mean), Some(top2)) = (
        number(item, "respondents"),
        number(item, "mean_score"),
        number(item, "top2_box_pct"),
    ) else {
        return;
    };
    let blank: Vec<usize> = (0..cells.len().min(5))
        .filter(|&i| cells[i].n.is_none())
        .collect();
    if blank.is_empty() || blank.len() > 3 {
        return;
    }
    let n = n.round() as i64;
    let known: Vec<i64> = cells
        .iter()
        .take(5)
        .map(|c| c.n.map_or(0, |x| x.round() as i64))
        .collect();
    let rest = n - known.iter().sum::<i64>();
    let mut fits: Vec<Vec<i64>> = Vec::new();
    let mut counts = known.clone();
    let mut visit = |counts: &[i64]| {
        let sum: i64 = counts.iter().enumerate().map(|(v, c)| v as i64 * c).sum();
        let m = sum as f64 * 25.0 / n as f64;
        let t = (counts[3] + counts[4]) as f64 * 100.0 / n as f64;
        if (m - mean).abs() < 5e-4 && (t - top2).abs() < 5e-4 {
            fits.push(blank.iter().map(|&i| counts[i]).collect());
        }
    };
    match blank[..] {
        [a] => {
            counts[a] = rest;
            visit(&counts);
        }
        [a, b] => {
            for x in 0..=rest {
                counts[a] = x;
                counts[b] = rest - x;
                visit(&counts);
            }
        }
        [a, b, c] => {
            for x in 0..=rest {
                for y in 0..=rest - x {
                    counts[a] = x;
                    counts[b] = y;
                    counts[c] = rest - x - y;
                    visit(&counts);
                }
            }
        }
        _ => {}
    }
    if let [only] = &fits[..] {
        for (k, &i) in blank.iter().enumerate() {
            if only[k] > 0 && only[k] < MIN as i64 {
                found.push(format!(
                    "item-scores n, mean, top-2 of {q}: answer {} = n {}",
                    i + 1,
                    only[k]
                ));
            }
        }
    }
}

#[test]
fn no_export_gives_away_a_group_below_the_minimum() {
    let app = spawn_app();
    store_data_set(&app);
    let token = app.create_analyst("attacker");
    let found = attack(&app, &token);
    eprintln!("recovered below the minimum of {MIN}: {}", found.len());
    for f in &found {
        eprintln!("  {f}");
    }
    assert!(found.is_empty(), "{found:#?}");
}
