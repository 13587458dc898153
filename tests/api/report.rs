//! The 報告書 end to end, on both backends: a postal wave answered on the web, keyed from
//! paper in the workspace and imported from a vendor's file → `citizen-survey report` →
//! report.html and report.xlsx whose every figure equals the exports' cell; the workspace
//! routes; the public edition, which shows nothing below the minimum alone or against
//! /results, and follows publications (a late batch of sheets reaches it only after the
//! wave is published again).

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use regex::Regex;

use crate::codes::{answer_by_link, generate, spawn_code_app};
use crate::helpers::{TestApp, TestDatabase, hidden_value, settings, spawn_app_with_settings};
use crate::paper::{
    PASSWORD, account, import, key_sheet, sheet, signed_in, vendor_csv, vendor_row, wave,
};
use crate::workspace::Browser;

const WAVE: &str = "2026-midterm";
const MIN: f64 = 10.0;

const AGES: [&str; 7] = [
    "age_18_29",
    "age_30_39",
    "age_40_49",
    "age_50_59",
    "age_60_69",
    "age_70_79",
    "age_80_plus",
];
const AREAS: [&str; 6] = [
    "jr_south",
    "katayama_kishibe",
    "toyotsu_esaka_minamisuita",
    "senriyama_saiji",
    "yamada_senrioka",
    "senri_nt_banpaku_handai",
];
const SCALED: [&str; 8] = [
    "v1_online_procedures",
    "v1_fewer_visits",
    "v2_any_age",
    "v2_disability",
    "v3_efficient_work",
    "v4_personal_data",
    "v5_send_opinions",
    "v5_information_reaches_me",
];

/// Resident `i`'s answers (stored codes), varied so that some groups are small.
fn answers(i: usize) -> Vec<(String, String)> {
    let mut a: Vec<(String, String)> = vec![
        ("age_band".into(), AGES[(i * 3) % 7].into()),
        ("area".into(), AREAS[(i * 5) % 6].into()),
    ];
    // Gender: mostly female/male, two "other", some left blank.
    match i % 13 {
        0 => {}
        5 if i < 30 => a.push(("gender".into(), "other".into())),
        k if k % 2 == 0 => a.push(("gender".into(), "female".into())),
        _ => a.push(("gender".into(), "male".into())),
    }
    for (k, q) in SCALED.iter().enumerate() {
        let v = match (i + 2 * k) % 9 {
            0 => "dk".to_string(),
            8 => continue,
            x => (1 + (x + i / 4) % 5).to_string(),
        };
        a.push((q.to_string(), v));
    }
    let used = ["yes", "no", "yes", "dont_know"][i % 4];
    a.push(("used_online_services".into(), used.into()));
    if used == "no" {
        a.push((
            "online_nonuse_reasons".into(),
            ["not_aware", "hard_to_use", "no_need"][i % 3].into(),
        ));
    }
    if i % 6 != 1 {
        a.push((
            "opinion_improvements".into(),
            format!("窓口の待ち時間を短くしてほしい（{i}） 連絡先 taro{i}@example.jp"),
        ));
    }
    a
}

/// As the web form takes them (a multiple choice is repeated fields).
fn web(i: usize) -> Vec<(String, String)> {
    answers(i)
}

/// As a vendor row: a multiple-choice option is its own 0/1 column.
fn vendor(i: usize) -> Vec<(String, String)> {
    answers(i)
        .into_iter()
        .map(|(q, v)| {
            if q == "online_nonuse_reasons" {
                (format!("{q}__{v}"), "1".to_string())
            } else {
                (q, v)
            }
        })
        .collect()
}

/// As operators key them: option positions, 9 for わからない.
fn keyed(i: usize) -> Vec<(String, String)> {
    let w = wave();
    let given = answers(i);
    // A question asked after an answer (show_if) is keyed `-` when left blank.
    let asked_blank: Vec<(String, String)> = w
        .questions()
        .filter(|q| {
            q.show_if.as_ref().is_some_and(|c| {
                given
                    .iter()
                    .any(|(k, v)| *k == c.question && *v == c.equals)
                    && !given.iter().any(|(k, _)| *k == q.id)
            })
        })
        .map(|q| (q.id.clone(), "-".to_string()))
        .collect();
    let mut out: Vec<(String, String)> = given
        .into_iter()
        .map(|(q, v)| {
            let question = w.question(&q).unwrap();
            let code = match (&question.kind, v.as_str()) {
                (_, "dk") => "9".to_string(),
                (citizen_survey::definitions::QuestionKind::Scale { .. }, v) => v.to_string(),
                (citizen_survey::definitions::QuestionKind::Text { .. }, v) => v.to_string(),
                (kind, v) => {
                    (kind.options().iter().position(|o| o.code == v).unwrap() + 1).to_string()
                }
            };
            (q, code)
        })
        .collect();
    out.extend(asked_blank);
    out
}

/// The data set: 36 on the web, 2 keyed twice from paper, 22 from the vendor's file.
/// Returns the analyst's token and the unused codes.
fn store_data_set(app: &TestApp) -> (String, Vec<String>) {
    let codes = generate(app, WAVE, 80);
    let token = account(app, "lead", "analyst");
    for (i, code) in codes.iter().enumerate().take(36) {
        let a = web(i);
        let pairs: Vec<(&str, &str)> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = answer_by_link(app, code, &pairs);
        assert_eq!(
            page.status,
            303,
            "{i} {pairs:?}: {}",
            page.body
                .split("error")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(600)
                .collect::<String>()
        );
    }
    let first = signed_in(app, "operator-a", "operator");
    let second = signed_in(app, "operator-b", "operator");
    for (i, code) in codes.iter().enumerate().skip(36).take(2) {
        let k = keyed(i);
        let pairs: Vec<(&str, &str)> = k.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        for operator in [&first, &second] {
            let page = key_sheet(operator, code, &sheet(&pairs));
            assert_eq!(page.status, 303, "{pairs:?}: {}", page.body);
        }
    }
    import_vendor(app, &codes, 38..60);
    (token, codes[60..].to_vec())
}

fn import_vendor(app: &TestApp, codes: &[String], range: std::ops::Range<usize>) {
    let w = wave();
    let rows: Vec<String> = range
        .map(|i| {
            let v = vendor(i);
            let pairs: Vec<(&str, &str)> =
                v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            vendor_row(&w, &codes[i], &pairs)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `report …` with the real binary into a fresh folder; the folder, or the error.
fn report(app: &TestApp, args: &[&str]) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![
        "report",
        "--wave",
        WAVE,
        "--output",
        dir.path().to_str().unwrap(),
    ];
    all.extend(args);
    let out = app.cli(&all);
    if out.status.success() {
        Ok(dir)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// An export as rows of named cells.
fn export(app: &TestApp, token: &str, kind: &str) -> Vec<HashMap<String, String>> {
    let page = app.get_with(
        &format!("/analyst/waves/{WAVE}/{kind}.csv"),
        ("Authorization", &format!("Bearer {token}")),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    crate::helpers::csv_table(page.body.as_bytes())
}

/// Every `data-v` of the HTML: (table, row, cell) → value ("" when blanked).
pub(crate) fn html_cells(html: &str) -> HashMap<(String, String, String), String> {
    let table = Regex::new(r#"<table (?:class="[^"]*" )?data-table="([^"]+)">"#).unwrap();
    let row = Regex::new(r#"<tr data-row="([^"]*)""#).unwrap();
    let cell = Regex::new(r#"<td data-cell="([^"]+)" data-v="([^"]*)">"#).unwrap();
    let mut out = HashMap::new();
    let (mut t, mut r) = (String::new(), String::new());
    let token = Regex::new(
        r#"<table (?:class="[^"]*" )?data-table="[^"]+">|<tr data-row="[^"]*"|<td data-cell="[^"]+" data-v="[^"]*">"#,
    )
    .unwrap();
    for m in token.find_iter(html) {
        let s = m.as_str();
        if let Some(c) = table.captures(s) {
            t = c[1].to_string();
        } else if let Some(c) = row.captures(s) {
            r = c[1].to_string();
        } else if let Some(c) = cell.captures(s) {
            out.insert((t.clone(), r.clone(), c[1].to_string()), c[2].to_string());
        }
    }
    out
}

/// A sheet of the workbook as rows of cells.
fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

/// 単純集計 rows by (question, option): n, count, pct_of_n, respondents, share_pct.
fn simple_sheet(path: &Path) -> HashMap<(String, String), Vec<Data>> {
    sheet_rows(path, "単純集計")
        .into_iter()
        .skip(1)
        .filter(|r| !text(&r[0]).is_empty())
        .map(|r| ((text(&r[0]), text(&r[3])), r[5..10].to_vec()))
        .collect()
}

/// The exports' number format (src/export/mod.rs `fixed`): at least four decimals and six
/// significant digits; a workbook figure equals an export cell when it prints the same.
fn fixed(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x:.4}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(4, 17) as usize;
    format!("{x:.decimals$}")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn the_report_of_web_paper_and_vendor_sheets_equals_the_exports() {
    let app = spawn_code_app(false);
    let (token, _) = store_data_set(&app);
    assert_eq!(app.response_count(), 60);
    let dir = report(&app, &[]).unwrap();
    let html_path = dir.path().join("report.html");
    let xlsx_path = dir.path().join("report.xlsx");
    let html = std::fs::read_to_string(&html_path).unwrap();
    let xlsx_size = std::fs::metadata(&xlsx_path).unwrap().len();
    assert!(
        html.len() > 200_000 && html.len() < 20_000_000,
        "{}",
        html.len()
    );
    assert!((20_000..5_000_000).contains(&xlsx_size), "{xlsx_size}");
    // Self-contained: nothing fetched.
    assert!(
        !Regex::new(r#"(src|href)="(https?:)?//"#)
            .unwrap()
            .is_match(&html)
    );
    assert!(!html.contains("<script"));
    for heading in [
        "Ⅰ 調査の概要",
        "Ⅱ 結果の概要",
        "Ⅲ 回答者の属性",
        "Ⅳ 設問別の結果",
        "Ⅴ ビジョン別の評価",
        "Ⅵ 自由記述",
        "資料 調査票",
        "標本誤差早見表",
        "@page",
        "counter(page)",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    // The internal edition lists the comments, masked.
    assert!(html.contains("窓口の待ち時間を短くしてほしい（3） 連絡先 [EMAIL]"));
    assert!(!html.contains("@example.jp"));

    let cells = html_cells(&html);
    // Chapter Ⅱ is the evaluation of targets.toml: each indicator's grade as the
    // `evaluation` export gives it (the same rows, the same rules).
    let evaluation = export(&app, &token, "evaluation");
    assert!(!evaluation.is_empty());
    for row in &evaluation {
        let key = (
            "evaluation".to_string(),
            format!("{}/{}", row["vision_id"], row["indicator_id"]),
            "grade".to_string(),
        );
        assert_eq!(cells.get(&key), Some(&row["grade_ja"]), "{key:?}");
    }
    // The 概要版 in Japanese and in やさしい日本語: the same grades as the evaluation export
    // (the easy one in its own words, with readings).
    let summary = std::fs::read_to_string(dir.path().join("summary.html")).unwrap();
    let easy = std::fs::read_to_string(dir.path().join("summary-ja-easy.html")).unwrap();
    assert!(summary.contains("概要版") && summary.contains("有効回収数"));
    assert!(
        easy.contains("けっかの まとめ")
            && easy.contains("<ruby>")
            && easy.contains("<html lang=\"ja\">")
    );
    let summary_cells = html_cells(&summary);
    let easy_cells = html_cells(&easy);
    for row in &evaluation {
        let key = (
            "summary-evaluation".to_string(),
            format!("{}/{}", row["vision_id"], row["indicator_id"]),
            "grade".to_string(),
        );
        assert_eq!(summary_cells.get(&key), Some(&row["grade_ja"]), "{key:?}");
        let easy_grade = citizen_survey::i18n::t(
            citizen_survey::i18n::Lang::parse("ja-easy").unwrap(),
            citizen_survey::evaluation::grade::Grade::parse(&row["grade"])
                .unwrap()
                .message(),
        );
        assert_eq!(easy_cells.get(&key), Some(&easy_grade), "{key:?}");
    }
    let simple = simple_sheet(&xlsx_path);
    let distribution = export(&app, &token, "question-distribution");
    let mut compared = 0;
    for row in &distribution {
        let (q, code) = (row["question_id"].clone(), row["option_code"].clone());
        // Invalid marks on paper (issue 19) have their own distribution row on postal
        // waves; the report's tables do not show them yet.
        if code == "invalid" {
            continue;
        }
        let xl = &simple[&(q.clone(), code.clone())];
        let html_count = &cells[&(format!("simple:{q}"), code.clone(), format!("count:{code}"))];
        // Full counts internally: where the export publishes a count, the same one.
        if !row["count"].is_empty() {
            assert_eq!(html_count, &row["count"], "{q}={code}");
            assert_eq!(num(&xl[1]), row["count"].parse::<f64>().ok(), "{q}={code}");
            assert_eq!(
                num(&xl[4]).map(fixed).as_ref(),
                Some(&row["share_pct"]),
                "{q}={code} {xl:?}"
            );
            compared += 1;
        }
        if !row["respondents"].is_empty() {
            assert_eq!(num(&xl[3]), row["respondents"].parse::<f64>().ok(), "{q}");
        }
        // The % of n (無回答 included) is the count over the n shown beside it.
        let n: f64 = cells[&(format!("simple:{q}"), "total".into(), "n".into())]
            .parse()
            .unwrap();
        let count: f64 = html_count.parse().unwrap();
        let pct: f64 = cells[&(format!("simple:{q}"), code.clone(), format!("pct:{code}"))]
            .parse()
            .unwrap();
        assert!(close(pct, count / n * 100.0));
    }
    assert!(compared > 20, "{compared} cells compared");
    // The age band the export blanks (linked suppression) is a full count here.
    let blanked = distribution
        .iter()
        .filter(|r| r["suppressed"] == "true")
        .count();
    assert!(blanked > 0, "the data set has small groups");

    // Visions: as vision-scores, in the HTML (rounded) and the workbook (all digits).
    let scores = export(&app, &token, "vision-scores");
    let visions = sheet_rows(&xlsx_path, "ビジョン");
    for row in &scores {
        let v = &row["vision_id"];
        let xl = visions.iter().find(|r| text(&r[0]) == *v).unwrap();
        for (col, name) in [
            (2, "respondents"),
            (3, "mean_score"),
            (4, "sd"),
            (5, "ci95_lower"),
            (6, "ci95_upper"),
            (7, "top2_box_pct"),
            (8, "weighted_mean"),
            (9, "weighted_se"),
            (12, "weighted_top2_box_pct"),
        ] {
            if row[name].is_empty() {
                continue;
            }
            let got = num(&xl[col]).unwrap();
            let got = if name == "respondents" {
                got.to_string()
            } else {
                fixed(got)
            };
            assert_eq!(got, row[name], "{v} {name}");
        }
        let mean = &cells[&("visions".to_string(), v.clone(), "mean_score".to_string())];
        assert_eq!(
            format!("{:.1}", mean.parse::<f64>().unwrap()),
            format!("{:.1}", row["mean_score"].parse::<f64>().unwrap())
        );
    }
    // Items: as item-scores.
    for row in export(&app, &token, "item-scores") {
        if row["suppressed"] == "true" {
            continue;
        }
        let (v, q) = (&row["vision_id"], &row["question_id"]);
        let key = (format!("items:{v}"), q.clone(), "mean_score".to_string());
        let mean: f64 = cells[&key].parse().unwrap();
        assert_eq!(fixed(mean), row["mean_score"], "{q}");
    }
    // By group: as vision-scores-by-group where it publishes a group.
    let mut groups = 0;
    for row in export(&app, &token, "vision-scores-by-group") {
        if row["suppressed"] == "true" || row["respondents"] == "0" {
            continue;
        }
        let code = if row["group_code"].is_empty() {
            "-".to_string()
        } else {
            row["group_code"].clone()
        };
        let key = (
            format!("vision-group:{}:{}", row["vision_id"], row["group_by"]),
            code,
            "respondents".to_string(),
        );
        assert_eq!(cells[&key], row["respondents"], "{key:?}");
        groups += 1;
    }
    assert!(groups >= 10, "{groups} groups compared");
    // Cross tables add up to the simple table: each answer over the groups of a breakdown.
    for q in ["used_online_services", "v1_online_procedures"] {
        let rows = sheet_rows(&xlsx_path, "年齢層別");
        let start = rows
            .iter()
            .position(|r| text(&r[0]).ends_with(&format!("（{q}）")))
            .unwrap();
        let header = &rows[start + 1];
        let total = &rows[start + 2];
        let groups: Vec<&Vec<Data>> = rows[start + 3..]
            .iter()
            .take_while(|r| !text(&r[0]).is_empty() && !text(&r[0]).starts_with("χ²"))
            .collect();
        for c in 1..header.len() {
            if text(&header[c]).contains('%') || text(&header[c]).is_empty() {
                break;
            }
            let sum: f64 = groups.iter().map(|r| num(&r[c]).unwrap()).sum();
            assert_eq!(Some(sum), num(&total[c]), "{q} column {c}");
        }
    }

    // The workspace: preview and workbook, for a bearer token; nothing for anyone else.
    let auth = ("Authorization", format!("Bearer {token}"));
    let page = app.get_with(&format!("/analyst/waves/{WAVE}/report"), (auth.0, &auth.1));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.header("content-security-policy")
            .contains("style-src 'unsafe-inline'")
    );
    assert!(page.body.contains("Ⅳ 設問別の結果"));
    let en = app.get_with(
        &format!("/analyst/waves/{WAVE}/report?lang=en&compare=2028-final"),
        (auth.0, &auth.1),
    );
    assert_eq!(en.status, 200, "{}", en.body);
    assert!(
        en.body.contains("IV. Results by question")
            && en.body.contains("data-table=\"comparison\"")
    );
    let xlsx = app
        .agent
        .get(format!("{}/analyst/waves/{WAVE}/report.xlsx", app.address))
        .header(auth.0, &auth.1)
        .call()
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let mut body = xlsx.into_body();
    let bytes = body.read_to_vec().unwrap();
    assert!(bytes.starts_with(b"PK"));
    assert_eq!(
        app.get(&format!("/analyst/waves/{WAVE}/report")).status,
        401
    );
    assert_eq!(
        app.get_with(
            &format!("/analyst/waves/{WAVE}/report?lang=vi"),
            (auth.0, &auth.1)
        )
        .status,
        400
    );
}

/// Checks a table's lines as an attacker would: every shown count is 0 or at least the
/// minimum, and a published total minus the shown cells of its line is 0 or at least the
/// minimum. `lines` are (total, cells) with `None` for blanked.
fn attack(what: &str, lines: &[(Option<f64>, Vec<Option<f64>>)], found: &mut Vec<String>) {
    for (total, cells) in lines {
        for c in cells.iter().flatten() {
            if *c > 0.0 && *c < MIN {
                found.push(format!("{what}: a cell of {c}"));
            }
        }
        if let Some(t) = total {
            let hidden = t - cells.iter().flatten().sum::<f64>();
            if hidden > 0.0 && hidden < MIN {
                found.push(format!("{what}: {t} minus the shown cells = {hidden}"));
            }
        }
    }
}

/// The attack on the public workbook and /results: every table family.
fn attack_public(
    dir: &Path,
    results_total: f64,
    results_visions: &HashMap<String, f64>,
) -> Vec<String> {
    let xlsx = dir.join("report.xlsx");
    let mut found = Vec::new();
    let defs =
        citizen_survey::definitions::load_dir(&crate::codes::code_definitions(false)).unwrap();
    let w = defs.wave(WAVE).unwrap();
    let multiple = |q: &str| {
        matches!(
            w.question(q).unwrap().kind,
            citizen_survey::definitions::QuestionKind::Multiple { .. }
        )
    };
    // Simple tables: n (or, unconditional, the /results total) against the cells.
    let simple = simple_sheet(&xlsx);
    let mut by_q: HashMap<String, (Option<f64>, Vec<Option<f64>>)> = HashMap::new();
    for ((q, _), row) in &simple {
        let e = by_q.entry(q.clone()).or_insert((num(&row[0]), Vec::new()));
        e.1.push(num(&row[1]));
    }
    for (q, (n, cells)) in &by_q {
        let total = if multiple(q) {
            None
        } else {
            n.or((w.question(q).unwrap().show_if.is_none()).then_some(results_total))
        };
        attack(
            &format!("simple {q}"),
            &[(total, cells.clone())],
            &mut found,
        );
    }
    // Cross tables: rows (n) and columns (the 全体 row's cells).
    for name in ["性別", "年齢層別", "地域別", "回答方法別"] {
        let rows = sheet_rows(&xlsx, name);
        let mut i = 0;
        while i < rows.len() {
            let title = text(&rows[i][0]);
            let Some(q) = title
                .rsplit_once('（')
                .map(|(_, q)| q.trim_end_matches('）').to_string())
            else {
                i += 1;
                continue;
            };
            let header = &rows[i + 1];
            let k = (2..header.len())
                .take_while(|&c| !text(&header[c]).contains('%') && !text(&header[c]).is_empty())
                .count();
            let total = &rows[i + 2];
            let groups: Vec<&Vec<Data>> = rows[i + 3..]
                .iter()
                .take_while(|r| !text(&r[0]).is_empty() && !text(&r[0]).starts_with("χ²"))
                .collect();
            let lines: Vec<(Option<f64>, Vec<Option<f64>>)> = groups
                .iter()
                .map(|r| {
                    (
                        if multiple(&q) { None } else { num(&r[1]) },
                        (2..2 + k).map(|c| num(&r[c])).collect(),
                    )
                })
                .collect();
            attack(&format!("{name} {q} rows"), &lines, &mut found);
            let columns: Vec<(Option<f64>, Vec<Option<f64>>)> = (2..2 + k)
                .map(|c| (num(&total[c]), groups.iter().map(|r| num(&r[c])).collect()))
                .collect();
            attack(&format!("{name} {q} columns"), &columns, &mut found);
            // n of the groups against the total n (the groups partition the respondents).
            attack(
                &format!("{name} {q} n"),
                &[(num(&total[1]), groups.iter().map(|r| num(&r[1])).collect())],
                &mut found,
            );
            i += 3 + groups.len();
        }
    }
    // Visions by group against the n /results publishes.
    let visions = sheet_rows(&xlsx, "ビジョン");
    for (v, n) in results_visions {
        let shown = visions
            .iter()
            .find(|r| text(&r[0]) == *v)
            .and_then(|r| num(&r[2]));
        assert_eq!(
            shown,
            Some(*n),
            "{v}: the public report's n is the published one"
        );
        for dim in ["gender", "age_band", "area", "channel"] {
            let cells: Vec<Option<f64>> = visions
                .iter()
                .filter(|r| r.len() > 4 && text(&r[0]) == *v && text(&r[1]) == dim)
                .map(|r| num(&r[4]))
                .collect();
            attack(&format!("{v} by {dim}"), &[(Some(*n), cells)], &mut found);
        }
    }
    found
}

#[test]
fn the_public_edition_shows_nothing_below_the_minimum_and_follows_publications() {
    let app = spawn_code_app(false);
    let (_, spare) = store_data_set(&app);
    // Before publication: refused, nothing written.
    let refused = report(&app, &["--public"]).unwrap_err();
    assert!(refused.contains("not published"), "{refused}");
    let internal = report(&app, &[]).unwrap();

    // Published after the close, by a second instance on the same database.
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        {
            let mut s = settings(&app.database_url);
            s.definitions = app.definitions.clone();
            s
        },
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let publish = || {
        let b = Browser::new(&closed);
        assert_eq!(b.sign_in("lead", PASSWORD).status, 303);
        let csrf = hidden_value(&b.get("/analyst").body, "_csrf").unwrap();
        b.post(
            &format!("/analyst/waves/{WAVE}/publish"),
            &[("_csrf", &csrf)],
        )
    };
    assert_eq!(publish().status, 303);
    let public = report(&app, &["--public"]).unwrap();
    let html = std::fs::read_to_string(public.path().join("report.html")).unwrap();
    assert!(html.contains("公表版"));
    assert!(
        !html.contains("窓口の待ち時間"),
        "no unreviewed comment in the public edition"
    );
    assert!(html.contains(">x<"), "small cells are blanked");
    // Chapter Ⅱ prints the published evaluation: the grades of the open data.
    let evaluation = closed.get(&format!("/results/{WAVE}/evaluation.csv"));
    assert_eq!(evaluation.status, 200);
    let mut reader =
        csv::Reader::from_reader(evaluation.body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (vision, indicator, grade) = (
        column("vision_id"),
        column("indicator_id"),
        column("grade_ja"),
    );
    let public_cells = html_cells(&html);
    let mut graded = 0;
    for r in reader.records().map(Result::unwrap) {
        let key = (
            "evaluation".to_string(),
            format!("{}/{}", &r[vision], &r[indicator]),
            "grade".to_string(),
        );
        assert_eq!(
            public_cells.get(&key).map(String::as_str),
            Some(&r[grade]),
            "{key:?}"
        );
        graded += 1;
    }
    assert!(graded > 0);

    // The attacker holds the public report and /results.
    let open_data = closed.get(&format!("/results/{WAVE}.csv"));
    let mut reader =
        csv::Reader::from_reader(open_data.body.trim_start_matches('\u{feff}').as_bytes());
    let published: HashMap<String, f64> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| !r[4].is_empty())
        .map(|r| (r[1].to_string(), r[4].parse().unwrap()))
        .collect();
    assert!(!published.is_empty());
    let found = attack_public(public.path(), 60.0, &published);
    assert!(found.is_empty(), "{found:#?}");
    // The same attack finds small cells in the internal edition: it is not a no-op.
    let leaks = attack_public(internal.path(), 60.0, &published);
    assert!(!leaks.is_empty(), "the internal edition shows small cells");

    // A late batch of sheets: the internal report takes it at once, the public one only
    // after a new publication.
    import_vendor(&app, &[vec![String::new(); 60], spare].concat(), 60..80);
    assert_eq!(app.response_count(), 80);
    let refused = report(&app, &["--public"]).unwrap_err();
    assert!(
        refused.contains("80 responses now but its publication counts 60"),
        "{refused}"
    );
    let later = report(&app, &[]).unwrap();
    let cells = html_cells(&std::fs::read_to_string(later.path().join("report.html")).unwrap());
    assert_eq!(
        cells[&("collection".into(), "total".into(), "valid".into())],
        "80"
    );
    assert_eq!(publish().status, 303);
    let republished = report(&app, &["--public"]).unwrap();
    let cells =
        html_cells(&std::fs::read_to_string(republished.path().join("report.html")).unwrap());
    assert_eq!(
        cells[&("collection".into(), "total".into(), "valid".into())],
        "80"
    );
    let before = html_cells(&html);
    assert_eq!(
        before[&("collection".into(), "total".into(), "valid".into())],
        "60"
    );
}

/// The PDF, when headless Chromium and poppler are installed (they are on the development
/// machine and in CI; elsewhere the test says it did not run): every chapter heading and
/// the page numbers are in its text, it is tagged, A4, and in English with --lang en.
#[test]
fn the_pdf_has_every_chapter_page_numbers_and_tags() {
    let chromium = citizen_survey::report::pdf::DEFAULT_CHROMIUM;
    let tools = [chromium, "/usr/bin/pdftotext", "/usr/bin/pdfinfo"];
    if let Some(missing) = tools.iter().find(|t| !Path::new(t).exists()) {
        eprintln!("NOT RUN: {missing} is not installed");
        return;
    }
    let app = spawn_code_app(false);
    store_data_set(&app);
    let missing = report(&app, &["--pdf", "--chromium", "/nonexistent/chromium"]).unwrap_err();
    assert!(
        missing.contains("SURVEY_CHROMIUM") && missing.contains("nothing was written"),
        "{missing}"
    );
    for (lang, headings) in [
        (
            "ja",
            vec![
                "Ⅰ 調査の概要",
                "Ⅱ 結果の概要",
                "Ⅲ 回答者の属性",
                "Ⅳ 設問別の結果",
                "Ⅴ ビジョン別の評価",
                "Ⅵ 自由記述",
                "資料 調査票",
                "経年比較",
            ],
        ),
        (
            "en",
            vec![
                "I. Survey outline",
                "II. Summary of results",
                "III. Respondents",
                "IV. Results by question",
                "V. Evaluation by vision",
                "VI. Free-text answers",
                "Appendix: the questionnaire",
            ],
        ),
    ] {
        let dir = report(&app, &["--pdf", "--lang", lang, "--compare", "2028-final"]).unwrap();
        let pdf = dir.path().join("report.pdf");
        let info = String::from_utf8(
            std::process::Command::new("pdfinfo")
                .arg(&pdf)
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert!(info.contains("Tagged:          yes"), "{info}");
        assert!(info.contains("(A4)"), "{info}");
        #[allow(clippy::regex_creation_in_loops)] // twice, per language
        let pages_re = Regex::new(r"Pages:\s+(\d+)").unwrap();
        let pages: usize = pages_re.captures(&info).unwrap()[1].parse().unwrap();
        assert!(pages > 20, "{pages} pages");
        let text = String::from_utf8(
            std::process::Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        for h in headings {
            assert!(text.contains(h), "{lang}: {h}");
        }
        // Page numbers in the bottom margin (the cover has none), the running title on top.
        for p in [2, pages / 2, pages] {
            assert!(
                text.contains(&format!("– {p} / {pages} –")),
                "{lang}: page {p}"
            );
        }
        assert!(
            !text.contains(&format!("– 1 / {pages} –")),
            "no number on the cover"
        );
        // The 概要版 (and, beside the Japanese report, the one in やさしい日本語): four A4
        // pages at most, tagged, with their headings.
        let mut summaries = vec![("summary.pdf", lang)];
        if lang == "ja" {
            summaries.push(("summary-ja-easy.pdf", "ja-easy"));
        }
        for (file, summary_lang) in summaries {
            let pdf = dir.path().join(file);
            let info = String::from_utf8(
                std::process::Command::new("pdfinfo")
                    .arg(&pdf)
                    .output()
                    .unwrap()
                    .stdout,
            )
            .unwrap();
            let pages: usize = pages_re.captures(&info).unwrap()[1].parse().unwrap();
            assert!((1..=4).contains(&pages), "{file}: {pages} pages");
            assert!(
                info.contains("Tagged:          yes") && info.contains("(A4)"),
                "{info}"
            );
            let text = String::from_utf8(
                std::process::Command::new("pdftotext")
                    .arg(&pdf)
                    .arg("-")
                    .output()
                    .unwrap()
                    .stdout,
            )
            .unwrap();
            let l = citizen_survey::i18n::Lang::parse(summary_lang).unwrap();
            for key in ["summary_outline", "summary_evaluation", "summary_free_text"] {
                let heading = citizen_survey::i18n::t(l, key);
                assert!(text.contains(&heading), "{file}: {heading}");
            }
        }
    }
}
