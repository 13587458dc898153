//! The evaluation end to end, on whichever backend the suite runs on: targets.toml →
//! grades in the `evaluation` export (CLI and route give the same bytes) → the 見直し
//! decisions saved in the workspace (CSRF, audit log, bad input refused) → publication →
//! the public table and `evaluation.csv` agree with the export; after publication the
//! decisions are locked until a revision is opened, and the public keeps what was
//! published until the next publication, which passes the differencing guard.

use std::collections::HashMap;

use chrono::NaiveDate;
use citizen_survey::db::schema::{audit_log, evaluation_decisions};
use diesel::prelude::*;

use crate::helpers::{
    TestApp, TestDatabase, midterm_day, settings, spawn_app_on, spawn_app_with_settings,
};
use crate::workspace::{Browser, create_with_password};

const PASSWORD: &str = "correct horse battery staple";
const WAVE: &str = "2026-midterm";

/// Every scale item of a wave.
fn scale_items(app: &TestApp, wave: &str) -> Vec<String> {
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    defs.wave(wave)
        .unwrap()
        .scored_items()
        .map(|(_, q)| q.id.clone())
        .collect()
}

/// `n` residents; resident i answers every scale item with (i mod 5) + 1, so that each
/// vision scores 50 and each item's top-2 share is 40% when n is a multiple of 5.
fn submit(app: &TestApp, from: usize, n: usize) {
    submit_to(app, WAVE, from, n, |i| (i % 5) + 1);
}

/// `n` residents of `wave`, resident i answering every scale item with `value(i)`.
fn submit_to(app: &TestApp, wave: &str, from: usize, n: usize, value: impl Fn(usize) -> usize) {
    let items = scale_items(app, wave);
    let areas = ["jr_south", "katayama_kishibe", "senriyama_saiji"];
    let ages = ["age_30_39", "age_50_59", "age_70_79"];
    for i in from..from + n {
        let value = value(i).to_string();
        let mut answers: Vec<(&str, &str)> =
            vec![("age_band", ages[i % 3]), ("area", areas[i % 3])];
        answers.extend(items.iter().map(|q| (q.as_str(), value.as_str())));
        assert_eq!(app.submit(wave, &answers).status, 303);
    }
}

fn row<'a>(rows: &'a [HashMap<String, String>], indicator: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["indicator_id"] == indicator)
        .unwrap_or_else(|| panic!("no row {indicator}"))
}

fn cli_export(app: &TestApp, day: &str) -> Vec<u8> {
    let out = app.cli_on(day, &["export", "evaluation", "--wave", WAVE]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn decision_rows(app: &TestApp) -> Vec<(String, Option<String>, String, String)> {
    evaluation_decisions::table
        .filter(evaluation_decisions::wave_id.eq(WAVE))
        .order(evaluation_decisions::vision_id)
        .select((
            evaluation_decisions::vision_id,
            evaluation_decisions::direction,
            evaluation_decisions::reason,
            evaluation_decisions::opinions,
        ))
        .load(&mut app.db())
        .unwrap()
}

fn audit(app: &TestApp) -> Vec<(String, String)> {
    audit_log::table
        .order(audit_log::at)
        .select((audit_log::action, audit_log::detail))
        .load(&mut app.db())
        .unwrap()
}

/// The form's fields: the CSRF token, then each vision's direction, reason and opinions.
fn form<'a>(
    csrf: &'a str,
    decisions: &[(&'a str, &'a str, &'a str, &'a str)],
) -> Vec<(String, &'a str)> {
    let mut fields = vec![("_csrf".to_string(), csrf)];
    for (vision, direction, reason, opinions) in decisions {
        fields.push((format!("direction_{vision}"), *direction));
        fields.push((format!("reason_{vision}"), *reason));
        fields.push((format!("opinions_{vision}"), *opinions));
    }
    fields
}

fn post(browser: &Browser<'_>, path: &str, fields: &[(String, &str)]) -> crate::helpers::Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    browser.post(path, &fields)
}

#[test]
fn targets_to_grades_to_decisions_to_the_published_table() {
    let open = spawn_app_on(midterm_day());
    submit(&open, 0, 50);
    let token = create_with_password(&open, "kato", PASSWORD);

    // Grades in the analysts' export: the CLI and the route give the same bytes.
    let day = midterm_day().to_string();
    let exported = cli_export(&open, &day);
    let via_route = open.get_with(
        &format!("/analyst/waves/{WAVE}/evaluation.csv"),
        ("Authorization", &format!("Bearer {token}")),
    );
    assert_eq!(via_route.status, 200);
    assert_eq!(via_route.body.as_bytes(), exported.as_slice());
    let rows = crate::helpers::csv_table(&exported);
    assert_eq!(rows.len(), 6);
    // v1: score 50 against 45 → 60, 60% of the gap expected by the mid-term: achievement
    // 33.3%, progress 55.6% → 要改善.
    let v1 = row(&rows, "v1_score");
    assert_eq!(v1["respondents"], "50");
    assert_eq!(v1["value"], "50.0000");
    assert_eq!(v1["baseline_value"], "45.0000");
    assert_eq!(v1["achievement_pct"], "33.3333");
    assert_eq!(v1["expected_pct"], "60.0000");
    assert_eq!(v1["progress_pct"], "55.5556");
    assert_eq!(v1["change_test"], "one_sample_t");
    assert_eq!(
        (v1["grade"].as_str(), v1["grade_ja"].as_str()),
        ("needs_improvement", "要改善")
    );
    assert!(v1["reason_ja"].contains("進捗55.6%"), "{}", v1["reason_ja"]);
    // The item's top-2 share: 20 of 50 = 40% (each answer chosen by 10: published) against 30 ± 1.5: the interval includes zero.
    let item = row(&rows, "v1_online_top2");
    assert_eq!(item["value"], "40.0000");
    assert_eq!(item["grade"], "B");
    // v3's baseline is this wave: not measurable, and said why.
    let v3 = row(&rows, "v3_score");
    assert_eq!(v3["grade"], "not_measurable");
    assert!(
        v3["reason_en"].contains("is the baseline"),
        "{}",
        v3["reason_en"]
    );
    // v4's item: 50 against 50, within ±10% → B.
    assert_eq!(row(&rows, "v4_personal_data")["grade"], "B");

    // The decisions in the workspace.
    let browser = Browser::new(&open);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let dashboard = browser.get("/analyst");
    assert!(
        dashboard
            .body
            .contains(&format!("href=\"/analyst/waves/{WAVE}/evaluation\""))
    );
    let page = browser.get(&format!("/analyst/waves/{WAVE}/evaluation"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("要改善"));
    for needle in [
        "name=\"direction_v1\"",
        "for=\"reason-v1\"",
        "id=\"opinions-v5\"",
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
    let csrf = crate::helpers::hidden_value(&page.body, "_csrf").unwrap();
    let path = format!("/analyst/waves/{WAVE}/evaluation");
    let decisions = [
        (
            "v1",
            "improve",
            "オンライン手続きの拡充が見込みより遅い",
            "・申請をもっとオンラインで\n・窓口の待ち時間が長い",
        ),
        ("v2", "continue", "", ""),
        ("v3", "", "", "=HYPERLINK(\"http://x\")"),
    ];
    // Without the token, or with a direction that does not exist: refused, nothing stored.
    let no_token: Vec<(String, &str)> = form(&csrf, &decisions).into_iter().skip(1).collect();
    assert_eq!(post(&browser, &path, &no_token).status, 403);
    let bad = form(&csrf, &[("v1", "abolish", "", "")]);
    let refused = post(&browser, &path, &bad);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("abolish"), "{}", refused.body);
    assert!(decision_rows(&open).is_empty());
    let saved = post(&browser, &path, &form(&csrf, &decisions));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored = decision_rows(&open);
    assert_eq!(stored.len(), 5, "every vision's decision is stored");
    assert_eq!(stored[0].1.as_deref(), Some("improve"));
    assert_eq!(
        stored[0].3,
        "・申請をもっとオンラインで\n・窓口の待ち時間が長い"
    );
    let logged = audit(&open);
    let line = logged
        .iter()
        .find(|(action, _)| action == "evaluation_decision")
        .expect("the save is audit-logged");
    assert!(
        line.1.contains("v1: improve (reason 19 chars"),
        "{}",
        line.1
    );
    assert!(!line.1.contains("オンライン"), "no free text in the log");
    let page = browser.get(&format!("{path}?saved=1"));
    assert!(page.body.contains("checked") && page.body.contains("オンライン手続きの拡充"));

    // After the close, a second instance on the same database publishes.
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&open.database_url),
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let browser = Browser::new(&closed);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let csrf = browser.csrf();
    let done = browser.post(
        &format!("/analyst/waves/{WAVE}/publish"),
        &[("_csrf", &csrf)],
    );
    assert_eq!(done.status, 303, "{}", done.body);

    // The public open data is the analysts' export, byte for byte.
    let analysts = cli_export(&closed, "2027-02-10");
    let public = closed.get(&format!("/results/{WAVE}/evaluation.csv"));
    assert_eq!(public.status, 200);
    assert_eq!(public.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(public.body.as_bytes(), analysts.as_slice());
    let published = crate::helpers::csv_table(public.body.as_bytes());
    assert_eq!(row(&published, "v1_score")["direction_ja"], "改善");
    assert_eq!(
        row(&published, "v3_score")["main_opinions"],
        "'=HYPERLINK(\"http://x\")"
    );

    // The public table, in Japanese and in English, says the same.
    let ja = closed.get(&format!("/results/{WAVE}"));
    assert_eq!(ja.status, 200);
    for needle in [
        "<table class=\"evaluation\">",
        "基準値（出典）",
        "主な市民意見",
        "要改善",
        "55.6%",
        "オンライン手続きの拡充が見込みより遅い",
        "判定の見方",
        "着実：進捗が100%以上",
        "href=\"/results/2026-midterm/evaluation.csv\"",
    ] {
        assert!(ja.body.contains(needle), "ja: {needle}");
    }
    let en = closed.get(&format!("/results/{WAVE}?lang=en"));
    for needle in [
        "Main opinions of residents",
        "Needs improvement",
        "How to read the grades",
        "Improve",
    ] {
        assert!(en.body.contains(needle), "en: {needle}");
    }

    // Published decisions are locked: a save is refused and nothing changes.
    let page = browser.get(&path);
    assert!(page.body.contains("/evaluation/revise"));
    let csrf = crate::helpers::hidden_value(&page.body, "_csrf").unwrap();
    let changed = [("v1", "review", "見直す", "")];
    let locked = post(&browser, &path, &form(&csrf, &changed));
    assert_eq!(locked.status, 409, "{}", locked.body);
    assert_eq!(decision_rows(&open)[0].1.as_deref(), Some("improve"));
    // A revision reopens them; the public keeps the published decision until the next
    // publication.
    let reopened = browser.post(&format!("{path}/revise"), &[("_csrf", &csrf)]);
    assert_eq!(reopened.status, 303);
    assert_eq!(post(&browser, &path, &form(&csrf, &changed)).status, 303);
    assert_eq!(decision_rows(&open)[0].1.as_deref(), Some("review"));
    let still = closed.get(&format!("/results/{WAVE}/evaluation.csv"));
    assert_eq!(
        still.body, public.body,
        "the public changes only by publication"
    );
    assert!(audit(&open).iter().any(|(a, _)| a == "evaluation_revise"));

    // A late paper sheet: one more respondent could be differenced against the first
    // publication, so publishing again is refused; ten more pass the guard.
    submit(&open, 50, 1);
    let refused = browser.post(
        &format!("/analyst/waves/{WAVE}/publish"),
        &[("_csrf", &csrf)],
    );
    assert_eq!(refused.status, 409, "{}", refused.body);
    submit(&open, 51, 9);
    let again = browser.post(
        &format!("/analyst/waves/{WAVE}/publish"),
        &[("_csrf", &csrf)],
    );
    assert_eq!(again.status, 303, "{}", again.body);
    let republished = crate::helpers::csv_table(
        closed
            .get(&format!("/results/{WAVE}/evaluation.csv"))
            .body
            .as_bytes(),
    );
    assert_eq!(row(&republished, "v1_score")["direction"], "review");
    assert_eq!(row(&republished, "v1_score")["respondents"], "60");
    // Locked again after the new publication.
    let locked = post(&browser, &path, &form(&csrf, &[("v1", "continue", "", "")]));
    assert_eq!(locked.status, 409);
}

#[test]
fn unpublished_and_unknown_evaluations_are_not_found() {
    let app = spawn_app_on(midterm_day());
    assert_eq!(app.get("/results/2026-midterm/evaluation.csv").status, 404);
    assert_eq!(app.get("/results/1999-none/evaluation.csv").status, 404);
    // An operator cannot open the decisions, and nobody can without signing in.
    assert_eq!(
        app.get("/analyst/waves/2026-midterm/evaluation").status,
        303
    );
}

#[test]
fn a_later_wave_takes_its_baseline_from_the_earlier_publication() {
    let midterm = spawn_app_on(midterm_day());
    submit(&midterm, 0, 50);
    create_with_password(&midterm, "kato", PASSWORD);
    // The final wave, on the same database: residents agree more (4 or 5: v3 scores 87.5).
    let on = |day: NaiveDate| {
        spawn_app_with_settings(TestDatabase::new(), settings(&midterm.database_url), day)
    };
    let last = on(NaiveDate::from_ymd_opt(2028, 11, 10).unwrap());
    submit_to(&last, "2028-final", 0, 40, |i| 4 + i % 2);
    let after = on(NaiveDate::from_ymd_opt(2029, 1, 10).unwrap());
    let browser = Browser::new(&after);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let csrf = browser.csrf();
    let publish = |wave: &str| {
        browser.post(
            &format!("/analyst/waves/{wave}/publish"),
            &[("_csrf", &csrf)],
        )
    };
    let v3 = |after: &TestApp| {
        let page = after.get("/results/2028-final/evaluation.csv");
        assert_eq!(page.status, 200);
        row(&crate::helpers::csv_table(page.body.as_bytes()), "v3_score").clone()
    };

    // Analysts see the baseline from the current 2026 figures.
    let out = after.cli_on(
        "2029-01-10",
        &["export", "evaluation", "--wave", "2028-final"],
    );
    assert!(out.status.success());
    let live = crate::helpers::csv_table(&out.stdout);
    assert_eq!(row(&live, "v3_score")["baseline_value"], "50.0000");

    // Published before 2026 was: the public baseline is "not published yet".
    assert_eq!(publish("2028-final").status, 303);
    let early = v3(&after);
    assert_eq!(early["grade"], "not_measurable");
    assert!(
        early["reason_en"].contains("not published yet"),
        "{}",
        early["reason_en"]
    );
    assert_eq!(early["baseline_value"], "");

    // Once 2026 is published, publishing 2028 again takes 2026's published figure.
    assert_eq!(publish("2026-midterm").status, 303);
    assert_eq!(publish("2028-final").status, 303);
    let v3 = v3(&after);
    assert_eq!(v3["baseline_wave"], "2026-midterm");
    assert_eq!(v3["baseline_value"], "50.0000");
    assert_eq!(v3["value"], "87.5000");
    assert_eq!(v3["change_test"], "welch");
    assert_eq!(v3["grade"], "S");
    assert_eq!(v3["expected_pct"], "100.0000");
    let page = after.get("/results/2028-final?lang=en");
    assert!(
        page.body.contains("FY2026 survey"),
        "the baseline's source is the 2026 survey"
    );
}

/// The bundled definitions with `[portfolio] overall = "v1_fewer_visits"` in the targets;
/// the folder lives as long as the process.
fn definitions_with_overall() -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let bundled = crate::helpers::definitions_dir();
    std::fs::create_dir_all(dir.join("waves")).unwrap();
    for f in [
        "visions.toml",
        "population.csv",
        "waves/2026-midterm.toml",
        "waves/2028-final.toml",
    ] {
        std::fs::copy(bundled.join(f), dir.join(f)).unwrap();
    }
    let targets = std::fs::read_to_string(bundled.join("targets.toml")).unwrap();
    std::fs::write(
        dir.join("targets.toml"),
        format!("{targets}\n[portfolio]\noverall = \"v1_fewer_visits\"\n"),
    )
    .unwrap();
    dir
}

#[test]
fn the_cs_portfolio_export_places_every_item() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.definitions = definitions_with_overall();
    let app = spawn_app_with_settings(database, s, midterm_day());
    // Resident i = 5a + b: v1's items answer b + 1, every other item (a mod 5) + 1. Each
    // answer is chosen by 10 of the 50, so every item is published and scores 50.
    let items = scale_items(&app, WAVE);
    for i in 0..50 {
        let (a, b) = (i / 5, i % 5);
        let values: Vec<String> = items
            .iter()
            .map(|q| {
                if q.starts_with("v1_") {
                    b + 1
                } else {
                    a % 5 + 1
                }
                .to_string()
            })
            .collect();
        let mut answers: Vec<(&str, &str)> = vec![("age_band", "age_30_39"), ("area", "jr_south")];
        answers.extend(
            items
                .iter()
                .map(String::as_str)
                .zip(values.iter().map(String::as_str)),
        );
        assert_eq!(app.submit(WAVE, &answers).status, 303);
    }
    let out = app.cli(&["export", "cs-portfolio", "--wave", WAVE]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = crate::helpers::csv_table(&out.stdout);
    // The overall item itself is not placed: the other 19 are.
    assert_eq!(rows.len(), items.len() - 1);
    assert!(rows.iter().all(|r| r["item_id"] != "v1_fewer_visits"));
    let at = |id: &str| rows.iter().find(|r| r["item_id"] == id).unwrap();
    // v1's other items answer exactly as the overall item: r = 1; the rest are
    // independent of it by design: r = 0.
    let v1 = at("v1_online_procedures");
    assert_eq!(v1["importance_method"], "overall:v1_fewer_visits");
    assert_eq!(v1["importance"], "1.00000");
    assert_eq!(v1["importance_n"], "50");
    assert_eq!(at("v3_staff_skills")["importance"], "0.0000");
    // Every satisfaction is 50: the 偏差値 of S are 50 and everything is on the satisfied
    // side; importance splits v1 (重点維持) from the others (維持).
    for r in &rows {
        assert_eq!(r["satisfaction"], "50.0000", "{}", r["item_id"]);
        assert_eq!(r["satisfaction_t"], "50.0000");
        assert_eq!(r["suppressed"], "false");
        let expected = if r["item_id"].starts_with("v1_") {
            "重点維持"
        } else {
            "維持"
        };
        assert_eq!(r["quadrant_ja"], expected, "{}", r["item_id"]);
    }
    // The report's chapter Ⅴ places every item as the export does.
    let dir = tempfile::tempdir().unwrap();
    let out = app.cli(&[
        "report",
        "--wave",
        WAVE,
        "--output",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("id=\"cs-portfolio\"")
            && html.contains("総合満足度の設問（v1_fewer_visits）")
    );
    let cells = crate::report::html_cells(&html);
    for r in &rows {
        let key = (
            "portfolio".to_string(),
            r["item_id"].clone(),
            "quadrant".to_string(),
        );
        assert_eq!(cells.get(&key), Some(&r["quadrant_ja"]), "{key:?}");
    }
    // The mean importance is 3 × 1 / 19; its 偏差値 follow (σ with divisor 19).
    let mean: f64 = at("v2_any_age")["importance_mean"].parse().unwrap();
    assert!((mean - 3.0 / 19.0).abs() < 1e-5, "{mean}");
    // The workspace shows the scatter with the quadrants' names.
    create_with_password(&app, "kato", PASSWORD);
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let page = browser.get(&format!("/analyst/waves/{WAVE}/evaluation"));
    for needle in [
        "id=\"cs-portfolio\"",
        "<svg",
        "重点維持",
        "<pattern",
        "cs-portfolio.csv",
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
}

/// 2028-final asks each vision's importance (`kind = "importance"`): the form and the
/// booklet show the importance labels, the answers are stored but never scored, and the
/// CS portfolio places a point per vision — its score against its asked importance.
#[test]
fn asked_importance_places_each_vision_and_is_never_scored() {
    const FINAL: &str = "2028-final";
    let app = spawn_app_on(NaiveDate::from_ymd_opt(2028, 10, 15).unwrap());
    let form = app.get(&format!("/surveys/{FINAL}?lang=ja"));
    assert_eq!(form.status, 200);
    for needle in ["全く重要でない", "とても重要", "name=\"importance_v1\""] {
        assert!(form.body.contains(needle), "{needle}");
    }
    let booklet = app.cli(&["questionnaire", "--wave", FINAL]);
    assert!(booklet.status.success());
    assert!(String::from_utf8_lossy(&booklet.stdout).contains("全く重要でない"));

    // 50 residents: v1's items all 2 (low satisfaction) and v1 very important (4–5);
    // every other item 4 and its vision less important (2–3).
    let items = scale_items(&app, FINAL);
    for i in 0..50 {
        let mut answers: Vec<(String, String)> = vec![
            ("age_band".into(), "age_30_39".into()),
            ("area".into(), "jr_south".into()),
        ];
        for q in &items {
            let v = if q.starts_with("v1_") { "2" } else { "4" };
            answers.push((q.clone(), v.into()));
        }
        for v in 1..=5 {
            let level = if v == 1 { 4 + i % 2 } else { 2 + (i + v) % 2 };
            answers.push((format!("importance_v{v}"), level.to_string()));
        }
        let borrowed: Vec<(&str, &str)> = answers
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(app.submit(FINAL, &borrowed).status, 303);
    }
    // Never scored: v1's score is that of its items alone, (2 − 1) ÷ 4 × 100.
    let scores = app.cli(&["export", "vision-scores", "--wave", FINAL]);
    let scores = crate::helpers::csv_table(&scores.stdout);
    let v1 = scores.iter().find(|r| r["vision_id"] == "v1").unwrap();
    assert_eq!(v1["mean_score"], "25.0000");

    let out = app.cli(&["export", "cs-portfolio", "--wave", FINAL]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = crate::helpers::csv_table(&out.stdout);
    assert_eq!(rows.len(), 5, "a point per vision");
    for r in &rows {
        assert_eq!(r["importance_method"], "asked");
        assert_eq!(r["item_id"], format!("importance_{}", r["vision_id"]));
        assert_eq!(r["importance_n"], "50");
    }
    let v1 = rows.iter().find(|r| r["vision_id"] == "v1").unwrap();
    // Importance 4.5 on 1–5 is 87.5 on 0–100; satisfaction is v1's score.
    assert_eq!(v1["importance"], "87.5000");
    assert_eq!(v1["satisfaction"], "25.0000");
    assert_eq!(v1["quadrant_ja"], "重点改善");
}
