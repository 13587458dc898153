//! The exported CSV text against R: the 580 synthetic respondents of
//! tests/fixtures/stats/respondents.csv (two waves, visions v1 and v2) are stored as
//! answers to the bundled definitions, the real server exports `vision-scores`,
//! `vision-scores-by-group`, `item-scores` and `wave-comparison` (over HTTP; the CLI must
//! write the same bytes), and every figure in the downloaded text — unweighted and
//! weighted, the Welch and the weighted 2026→2028 comparison — must equal the value R's
//! `survey` package gives in tests/fixtures/stats/expected_exports.csv (written by
//! expected.R beside it; this test needs no R). To regenerate after changing expected.R
//! (Debian: `apt-get install r-base-core r-cran-survey`):
//! `Rscript tests/fixtures/stats/expected.R`, then commit the script and every file it
//! wrote.
//!
//! "Equal to 6 significant digits" is checked on the text: a figure must carry at least 6
//! significant digits and be R's value rounded to the digits it shows (|cell − R| ≤ half a
//! unit of its last digit). Counts, flags and the test's name must be identical.
//! `cargo test --test api r_exports -- --nocapture` prints the largest difference.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use citizen_survey::db::submit::{Submission, store_batch};
use citizen_survey::domain::{AnswerValue, Answers, Lang, SubmissionKey};
use citizen_survey::stats::ScorePlan;

use crate::helpers::{
    TestApp, TestDatabase, V1, definitions_dir, settings, spawn_app_with_settings,
};

/// The four v2 items, answered as item5..item8.
const V2: [&str; 4] = [
    "v2_any_age",
    "v2_disability",
    "v2_support_when_stuck",
    "v2_accessible_information",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats")
}

/// A CSV text as its header and rows of named cells.
fn parse(text: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// The bundled definitions with the fixture's population (the file R weighted with), so
/// that the test does not change when the city's real figures replace the example ones.
fn definitions() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let bundled = definitions_dir();
    std::fs::create_dir_all(dir.join("waves")).unwrap();
    std::fs::copy(bundled.join("visions.toml"), dir.join("visions.toml")).unwrap();
    for wave in ["2026-midterm", "2028-final"] {
        let file = format!("waves/{wave}.toml");
        std::fs::copy(bundled.join(&file), dir.join(&file)).unwrap();
    }
    std::fs::copy(
        fixtures().join("population.csv"),
        dir.join("population.csv"),
    )
    .unwrap();
    // The fixture's population is the example one (no source, no reference date).
    crate::helpers::allow_example_weights(&dir);
    dir
}

/// Stores every fixture respondent in its wave as the web would: age band and area as
/// chosen (left out when blank, i.e. skipped), item1..item4 as the four v1 items and
/// item5..item8 as the four v2 items (1–5, `dk` = 「わからない」, blank = not answered),
/// used_online as used_online_services.
fn store_fixture(app: &TestApp) -> usize {
    store_fixture_with(app, &[])
}

/// As [`store_fixture`], each (item column, question) of `also` answered too.
fn store_fixture_with(app: &TestApp, also: &[(&str, &str)]) -> usize {
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let text = std::fs::read_to_string(fixtures().join("respondents.csv")).unwrap();
    let (_, rows) = parse(&text);
    let mut submissions = Vec::new();
    {
        for r in &rows {
            let wave = defs.wave(&r["wave"]).unwrap();
            let plan = std::sync::Arc::new(ScorePlan::new(wave, &defs.visions));
            let day = match r["wave"].as_str() {
                "2026-midterm" => chrono::NaiveDate::from_ymd_opt(2026, 12, 5),
                _ => chrono::NaiveDate::from_ymd_opt(2028, 10, 15),
            }
            .unwrap();
            let mut values: Vec<(String, AnswerValue)> = Vec::new();
            for q in ["age_band", "area"] {
                if !r[q].is_empty() {
                    values.push((q.into(), AnswerValue::Choice(r[q].clone())));
                }
            }
            let online = if r["used_online"] == "1" { "yes" } else { "no" };
            values.push((
                "used_online_services".into(),
                AnswerValue::Choice(online.into()),
            ));
            for (i, q) in V1.iter().chain(&V2).enumerate() {
                let v = &r[&format!("item{}", i + 1)];
                let value = match v.as_str() {
                    "" => continue,
                    "dk" => AnswerValue::DontKnow,
                    n => AnswerValue::Scale(n.parse().unwrap()),
                };
                values.push((q.to_string(), value));
            }
            for (column, q) in also {
                match r[*column].as_str() {
                    "" => {}
                    "dk" => values.push((q.to_string(), AnswerValue::DontKnow)),
                    n => values.push((q.to_string(), AnswerValue::Scale(n.parse().unwrap()))),
                }
            }
            let answers = Answers {
                key: SubmissionKey::generate(),
                lang: Lang::Ja,
                values,
            };
            submissions.push(Submission::open_web(plan.clone(), day, answers));
        }
    }
    // Group commits of 100, as the writer stores them (one outer transaction around
    // single stores makes PostgreSQL's mixing rescan every row version it rewrote).
    let mut conn = app.db();
    for chunk in submissions.chunks(100) {
        store_batch(&mut conn, chunk).unwrap();
    }
    rows.len()
}

fn download(app: &TestApp, token: &str, wave: &str, kind: &str) -> String {
    let mut response = app
        .agent
        .get(format!("{}/analyst/waves/{wave}/{kind}.csv", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(response.status(), 200, "{wave} {kind}");
    let body = response.body_mut().read_to_vec().unwrap();
    // The CLI writes the same bytes.
    let out = app.cli(&["export", kind, "--wave", wave]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, body, "{wave} {kind}: CLI and HTTP differ");
    String::from_utf8(body).unwrap()
}

/// R's expected cells: (export, wave, row) → column → value.
type Expected = BTreeMap<(String, String, String), BTreeMap<String, String>>;

fn expected() -> Expected {
    let text = std::fs::read_to_string(fixtures().join("expected_exports.csv")).unwrap();
    let (_, rows) = parse(&text);
    let mut e = Expected::new();
    for r in rows {
        let key = (r["export"].clone(), r["wave"].clone(), r["row"].clone());
        let previous = e
            .entry(key)
            .or_default()
            .insert(r["column"].clone(), r["value"].clone());
        assert!(previous.is_none(), "{r:?} twice");
    }
    e
}

/// How a row of an export is named in expected_exports.csv.
type KeyOf = fn(&HashMap<String, String>) -> String;

/// The row key R uses, and the identifying or text columns (from the definitions, not
/// figures) that R does not give.
fn layout(export: &str) -> (KeyOf, &'static [&'static str]) {
    match export {
        "vision-scores-by-group" => (
            |r| format!("{}/{}/{}", r["vision_id"], r["group_by"], r["group_code"]),
            &[
                "wave_id",
                "vision_id",
                "vision_name_ja",
                "vision_name_en",
                "group_by",
                "group_code",
                "group_label_ja",
                "group_label_en",
            ],
        ),
        "vision-scores" => (
            |r| r["vision_id"].clone(),
            &["wave_id", "vision_id", "vision_name_ja", "vision_name_en"],
        ),
        "item-scores" => (
            |r| r["question_id"].clone(),
            &[
                "wave_id",
                "vision_id",
                "question_id",
                "question_ja",
                "question_en",
            ],
        ),
        "wave-comparison" => (
            |r| format!("{}/{}", r["level"], r["id"]),
            &["level", "id", "vision_id", "name_ja", "name_en"],
        ),
        _ => unreachable!(),
    }
}

/// How far a printed number may be from the true value, if it shows at least six
/// significant digits: half a unit of its last digit.
fn half_unit(cell: &str) -> Result<f64, String> {
    let (mantissa, exponent) = match cell.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().map_err(|e| format!("{cell}: {e}"))?),
        None => (cell, 0),
    };
    let digits = mantissa.trim_start_matches('-');
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let significant = digits
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|c| *c == '0')
        .count();
    if significant < 6 && digits.chars().any(|c| ('1'..='9').contains(&c)) {
        return Err(format!("{cell} has {significant} significant digits"));
    }
    Ok(0.5 * 10f64.powi(exponent - decimals))
}

/// The columns that hold a number of respondents: written as whole numbers, identical.
const COUNTS: [&str; 4] = ["respondents", "dont_know", "earlier_n", "later_n"];

#[derive(Default)]
struct Tally {
    numbers: usize,
    exact: usize,
    /// Groups blanked to protect another, and R's cells for them (not compared).
    complementary: usize,
    not_compared: usize,
    /// The largest |cell − R| in units of the cell's last digit (at most 0.5).
    last_digit: f64,
    largest: (f64, String),
    failures: Vec<String>,
}

impl Tally {
    fn compare(&mut self, place: &str, cell: &str, r: &str) {
        let Ok(want) = r.parse::<f64>() else {
            // Text, a flag or a blank: identical.
            self.exact += 1;
            if cell != r {
                self.failures.push(format!("{place}: {cell:?}, R {r:?}"));
            }
            return;
        };
        if COUNTS.iter().any(|c| place.ends_with(&format!(" {c}"))) {
            self.exact += 1;
            if cell != r {
                self.failures.push(format!("{place}: {cell:?}, R {r}"));
            }
            return;
        }
        self.numbers += 1;
        let got = match cell.parse::<f64>() {
            Ok(x) if cell.trim() == cell => x,
            _ => {
                self.failures
                    .push(format!("{place}: {cell:?} is not a number, R {r}"));
                return;
            }
        };
        match half_unit(cell) {
            Err(e) => self.failures.push(format!("{place}: {e}, R {r}")),
            Ok(h) => {
                self.last_digit = self.last_digit.max((got - want).abs() / (2.0 * h));
                if (got - want).abs() > h * (1.0 + 1e-9) + want.abs() * 1e-13 {
                    self.failures
                        .push(format!("{place}: {cell}, R {r} (more than {h:e} apart)"));
                }
            }
        }
        let relative = if want == 0.0 {
            got.abs()
        } else {
            ((got - want) / want).abs()
        };
        if relative > self.largest.0 {
            self.largest = (relative, format!("{place}: {cell}, R {r}"));
        }
    }
}

#[test]
fn every_exported_figure_equals_r_to_six_significant_digits() {
    let database = TestDatabase::new();
    let mut settings = settings(&database.url);
    settings.definitions = definitions();
    let app = spawn_app_with_settings(database, settings, crate::helpers::midterm_day());
    assert_eq!(store_fixture(&app), 580);
    let token = app.create_analyst("r");

    let expected = expected();
    let mut tally = Tally::default();
    let mut compared_rows = 0;
    let mut exports = Vec::new();
    for (export, wave) in [
        ("vision-scores", "2026-midterm"),
        ("vision-scores", "2028-final"),
        ("vision-scores-by-group", "2026-midterm"),
        ("vision-scores-by-group", "2028-final"),
        ("item-scores", "2026-midterm"),
        ("item-scores", "2028-final"),
        ("wave-comparison", "2026-midterm"),
    ] {
        let text = download(&app, &token, wave, export);
        if export == "wave-comparison" {
            assert_eq!(
                download(&app, &token, "2028-final", export),
                text,
                "either wave names the same pair"
            );
        }
        exports.push((export, wave, text));
    }
    for (export, wave, text) in &exports {
        let (key_of, labels) = layout(export);
        let (header, rows) = parse(text);
        for row in &rows {
            let key = (export.to_string(), wave.to_string(), key_of(row));
            let Some(want) = expected.get(&key) else {
                // Visions, items and groups nobody answered: blanked or 0, no figure (a group
                // of an unanswered vision is blanked as in every vision of its grouping).
                let figures: Vec<(&String, &String)> = row
                    .iter()
                    .filter(|(c, v)| {
                        !labels.contains(&c.as_str())
                            && !c.ends_with("_wave")
                            && !v.is_empty()
                            && !matches!(
                                v.as_str(),
                                "true" | "false" | "0" | "primary" | "complementary"
                            )
                    })
                    .collect();
                let empty =
                    row["suppressed"] == "true" || row.get("respondents").is_some_and(|n| n == "0");
                assert!(
                    empty && figures.is_empty(),
                    "{key:?}: a row R has no figures for shows {row:?}"
                );
                continue;
            };
            compared_rows += 1;
            if row.get("suppression").is_some_and(|s| s == "complementary") {
                // Blanked to protect a small group: R has its figures (10 or more
                // respondents), the export none.
                assert_eq!(want["suppression"], "", "{key:?}");
                assert_eq!(row["suppressed"], "true", "{key:?}");
                for column in want.keys().filter(|c| !c.starts_with("suppress")) {
                    assert_eq!(row[column], "", "{key:?} {column}");
                }
                tally.complementary += 1;
                tally.not_compared += want.len();
                continue;
            }
            // Every column is either a label or a cell R gives: no figure goes unchecked.
            for column in &header {
                let place = format!("{export} {wave} {} {column}", key.2);
                match want.get(column) {
                    Some(r) => tally.compare(&place, &row[column], r),
                    None => assert!(
                        labels.contains(&column.as_str()),
                        "{place}: not in expected_exports.csv"
                    ),
                }
            }
            for column in want.keys() {
                assert!(header.contains(column), "{export}: no column {column}");
            }
        }
    }
    assert_eq!(
        compared_rows,
        expected.len(),
        "every row R computed is exported"
    );
    println!(
        "{compared_rows} rows ({} of them groups blanked to protect another): {} figures \
         within {:.3} of a unit of their last digit of R's, {} counts, flags and texts \
         identical; largest relative difference {:.2e} ({})",
        tally.complementary,
        tally.numbers,
        tally.last_digit,
        tally.exact,
        tally.largest.0,
        tally.largest.1
    );
    assert!(
        tally.failures.is_empty(),
        "{} cells differ from R:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    let cells: usize = expected.values().map(BTreeMap::len).sum();
    assert_eq!(
        tally.numbers + tally.exact + tally.not_compared,
        cells,
        "every cell R gives is compared"
    );

    // The report's comparison shows each side's effective n beside the weighted
    // difference: R's, printed whole, with the full figure in data-v.
    let page = app.get_with(
        "/analyst/waves/2026-midterm/report?lang=en&compare=2028-final",
        ("Authorization", &format!("Bearer {token}")),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    let table = &page.body[page.body.find("data-table=\"comparison\"").unwrap()..];
    for v in ["v1", "v2"] {
        let start = table
            .find(&format!("data-row=\"vision:{v}\""))
            .unwrap_or_else(|| panic!("no comparison row for {v}"));
        let tr = &table[start..start + table[start..].find("</tr>").unwrap()];
        for column in ["weighted_earlier_effective_n", "weighted_later_effective_n"] {
            let key = (
                "wave-comparison".to_string(),
                "2026-midterm".to_string(),
                format!("vision/{v}"),
            );
            let r: f64 = expected[&key][column].parse().unwrap();
            let at = tr
                .find(&format!("data-cell=\"{column}\" data-v=\""))
                .unwrap_or_else(|| panic!("{v}: no {column} in {tr}"));
            let rest = &tr[at..];
            let v_start = rest.find("data-v=\"").unwrap() + 8;
            let data_v: f64 = rest[v_start..v_start + rest[v_start..].find('"').unwrap()]
                .parse()
                .unwrap();
            assert!(
                (data_v - r).abs() < 1e-9 * r,
                "{v} {column}: {data_v}, R {r}"
            );
            let text = &rest[rest.find('>').unwrap() + 1..rest.find("</td>").unwrap()];
            assert_eq!(text, format!("{r:.0}"), "{v} {column}");
        }
    }
}

/// The public results page once both waves are published: a change is marked ↑ or ↓ only
/// where R's Welch test finds it significant at 5%, with R's 95% CI (to one decimal) and
/// the test named. v1 rose (p = 0.030), v2 fell (p = 1.6e-11); v3 is answered here with
/// item1's answers, so its change is item1's (p = 0.39, not significant).
#[test]
fn the_results_page_marks_only_significant_changes_with_r_s_interval() {
    use crate::helpers::spawn_app_on;
    use crate::workspace::{Browser, create_with_password};
    let app = spawn_app_on(crate::helpers::midterm_day());
    store_fixture_with(&app, &[("item1", "v3_efficient_work")]);
    let password = "correct horse battery staple";
    create_with_password(&app, "kato", password);
    // After both waves have closed (an instance on the same database in January 2029).
    let after = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&app.database_url),
        chrono::NaiveDate::from_ymd_opt(2029, 1, 10).unwrap(),
    );
    let browser = Browser::new(&after);
    assert_eq!(browser.sign_in("kato", password).status, 303);
    for wave in ["2026-midterm", "2028-final"] {
        let csrf = browser.csrf();
        let done = browser.post(
            &format!("/analyst/waves/{wave}/publish"),
            &[("_csrf", &csrf)],
        );
        assert_eq!(done.status, 303, "{wave}: {}", done.body);
    }
    let e = expected();
    let r = |row: &str, column: &str| -> f64 {
        let key = (
            "wave-comparison".into(),
            "2026-midterm".into(),
            row.to_string(),
        );
        e[&key][column].parse().unwrap()
    };
    for (lang, path, note, not_significant) in [
        ("ja", "/results/2028-final", "Welchのt検定", "有意差なし"),
        (
            "en",
            "/results/2028-final?lang=en",
            "Welch's t-test",
            "not significant",
        ),
    ] {
        let page = after.get(path);
        assert_eq!(page.status, 200, "{lang}: {}", page.body);
        let body = page.body.replace("&#x27;", "'").replace("&#39;", "'");
        assert!(body.contains(note), "{lang}: the page names the test");
        for (vision, row) in [
            ("v1", "vision/v1"),
            ("v2", "vision/v2"),
            ("v3", "item/v1_online_procedures"),
        ] {
            let start = body
                .find(&format!("<tr id=\"change-{vision}\">"))
                .unwrap_or_else(|| panic!("{lang}: no row for {vision}"));
            let tr = &body[start..start + body[start..].find("</tr>").unwrap()];
            let change = tr.rsplit("<td>").next().unwrap().trim_end_matches("</td>");
            let p = r(row, "p_value");
            let difference = r(row, "difference");
            let mark = match (p < 0.05, difference > 0.0) {
                (true, true) => "↑ ",
                (true, false) => "↓ ",
                (false, _) => "",
            };
            let verdict = if p < 0.05 {
                String::new()
            } else {
                format!(" {not_significant}")
            };
            let want = format!(
                "{mark}{difference:+.1} ({:.1}–{:.1}){verdict}",
                r(row, "ci95_lower"),
                r(row, "ci95_upper")
            );
            assert_eq!(change, want, "{lang} {vision} (R: p = {p})");
        }
        // Visions nobody answered have no change.
        for vision in ["v4", "v5"] {
            let start = body.find(&format!("<tr id=\"change-{vision}\">")).unwrap();
            let tr = &body[start..start + body[start..].find("</tr>").unwrap()];
            assert!(tr.ends_with("<td>—</td>"), "{lang} {vision}: {tr}");
        }
    }
}
