//! Paper questionnaires: the printable booklet, blind double data entry in the workspace,
//! the vendor's CSV (UTF-8 and Shift_JIS), the operator role, and paper responses in the
//! figures and the public results.

use std::io::Write;

use chrono::NaiveDate;
use citizen_survey::db::schema::{access_codes, audit_log, paper_sheets, responses};
use citizen_survey::definitions::{QuestionKind, Wave};
use diesel::prelude::*;

use crate::codes::{answer_by_link, code_definitions, generate, spawn_code_app};
use crate::helpers::{
    Page, REQUIRED, TestApp, TestDatabase, V1, V1_ANSWERS, hidden_value, settings,
    spawn_app_with_settings,
};
use crate::workspace::Browser;

pub(crate) const PASSWORD: &str = "a long enough password";
const WAVE: &str = "2026-midterm";

pub(crate) fn wave() -> Wave {
    let defs = citizen_survey::definitions::load_dir(&code_definitions(false)).unwrap();
    defs.wave(WAVE).unwrap().clone()
}

/// `analyst create NAME --password [--role ROLE]`; returns the bearer token.
pub(crate) fn account(app: &TestApp, name: &str, role: &str) -> String {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .args(["analyst", "create", name, "--password", "--role", role])
        .env("DATABASE_URL", &app.database_url)
        .env("SURVEY_DEFINITIONS", &app.definitions)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub(crate) fn signed_in<'a>(app: &'a TestApp, name: &str, role: &str) -> Browser<'a> {
    account(app, name, role);
    let b = Browser::new(app);
    assert_eq!(b.sign_in(name, PASSWORD).status, 303);
    b
}

/// Every question the sheet asks without conditions keyed `-`, then `codes`.
pub(crate) fn sheet(codes: &[(&str, &str)]) -> Vec<(String, String)> {
    let w = wave();
    let mut fields: Vec<(String, String)> = w
        .questions()
        .filter(|q| q.show_if.is_none())
        .map(|q| (q.id.clone(), "-".to_string()))
        .collect();
    for (k, v) in codes {
        match fields.iter_mut().find(|(id, _)| id == k) {
            Some(f) => f.1 = v.to_string(),
            None => fields.push((k.to_string(), v.to_string())),
        }
    }
    fields
}

/// Opens the sheet of `code` (as the operator types it) on the entry page.
pub(crate) fn open_sheet(b: &Browser, code: &str) -> Page {
    open_sheet_received(b, code, "")
}

/// [`open_sheet`] with the batch's received day (blank: the page's default, today).
pub(crate) fn open_sheet_received(b: &Browser, code: &str, day: &str) -> Page {
    let page = b.get(&format!("/analyst/waves/{WAVE}/paper"));
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = hidden_value(&page.body, "_csrf").unwrap();
    b.post(
        &format!("/analyst/waves/{WAVE}/paper"),
        &[
            ("_csrf", &csrf),
            ("code", code),
            ("_lang", "ja"),
            ("received_on", day),
        ],
    )
}

/// Keys a whole sheet: opens it by its code, then posts every field.
pub(crate) fn key_sheet(b: &Browser, code: &str, fields: &[(String, String)]) -> Page {
    let form = open_sheet(b, code);
    assert_eq!(form.status, 200, "{}", form.body);
    post_sheet(b, &form.body, "sheet", fields)
}

pub(crate) fn post_sheet(
    b: &Browser,
    form: &str,
    action: &str,
    fields: &[(String, String)],
) -> Page {
    let mut all: Vec<(String, String)> = ["_csrf", "_code", "_entry"]
        .iter()
        .map(|k| (k.to_string(), hidden_value(form, k).unwrap()))
        .collect();
    for k in ["_lang", "_received"] {
        if let Some(v) = hidden_value(form, k) {
            all.push((k.into(), v));
        }
    }
    all.extend(fields.iter().cloned());
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post(&format!("/analyst/waves/{WAVE}/paper/{action}"), &pairs)
}

fn paper_responses(app: &TestApp) -> i64 {
    responses::table
        .filter(responses::channel.eq("paper"))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

fn pending(app: &TestApp) -> Vec<(Option<String>, Option<String>)> {
    paper_sheets::table
        .select((paper_sheets::first_operator, paper_sheets::second_entry))
        .load(&mut app.db())
        .unwrap()
}

fn answer_of(app: &TestApp, question: &str) -> Vec<String> {
    crate::helpers::answers_to(&mut app.db(), question)
}

#[test]
fn paper_questionnaire_renders_every_question_kind_in_both_languages() {
    let app = spawn_code_app(false);
    let token = account(&app, "printer", "operator");
    // Signed in only.
    let anonymous = app.get(&format!("/analyst/waves/{WAVE}/questionnaire"));
    assert_eq!(anonymous.status, 303);
    let bearer = format!("Bearer {token}");
    let get = |lang: &str| {
        app.get_with(
            &format!("/analyst/waves/{WAVE}/questionnaire?lang={lang}"),
            ("Authorization", &bearer),
        )
    };
    let w = wave();
    let n = w.questions().count();
    for (lang, number, go_to, dont_know) in [
        ("ja", "問", "→ 問23へ", "わからない"),
        ("en", "Question ", "→ Go to question 23", "Don&#39;t know"),
    ] {
        let page = get(lang);
        assert_eq!(page.status, 200, "{}", page.body);
        let body = &page.body;
        assert!(body.contains(&format!("<html lang=\"{lang}\"")));
        // Print-ready: A4, large type, black on white.
        for css in [
            "@page { size: A4",
            "font-size: 12pt",
            "color: #000; background: #fff",
            "section.vision { break-before: page",
        ] {
            assert!(body.contains(css), "{css}");
        }
        // Every question, numbered as on the web form, in form order.
        let mut at = 0;
        for i in 0..n {
            let label = format!("<span class=\"num\">{number}{}</span>", i + 1);
            let found = body[at..].find(&label).unwrap_or_else(|| panic!("{label}"));
            at += found;
        }
        assert!(!body.contains(&format!("{number}{}<", n + 1)));
        // Each kind: the scale grid with わからない = 9, choices with their positions and
        // go-to instructions, number boxes, ruled text areas, the code box and legend.
        assert_eq!(body.matches("<table class=\"grid\">").count(), 5);
        assert!(body.contains(&format!("<th scope=\"col\">{dont_know}</th>")));
        assert!(body.contains("<span class=\"opcode\">9</span>"));
        assert!(
            body.contains("<span class=\"opcode\">10</span>"),
            "info_channels' 10th option"
        );
        assert!(body.contains(go_to));
        assert!(body.contains("class=\"digits\""));
        assert_eq!(body.matches("<div class=\"lines\">").count(), 2);
        assert!(body.matches("<span class=\"cell\"></span>").count() >= 16);
        assert!(body.contains("class=\"code-box\""));
        assert!(body.contains("class=\"legend\""));
        assert!(
            body.contains(
                w.contact
                    .as_ref()
                    .unwrap()
                    .get(citizen_survey::domain::Lang::parse(lang).unwrap())
            )
        );
        assert!(body.contains("2027"));
    }
    assert_eq!(get("fr").status, 400);
    // The CLI writes the same booklet.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.html");
    let out = app.cli(&[
        "questionnaire",
        "--wave",
        WAVE,
        "--lang",
        "en",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), get("en").body);
}

#[test]
fn paper_double_entry_with_agreeing_entries_stores_one_response() {
    let app = spawn_code_app(false);
    let code = generate(&app, WAVE, 1).remove(0);
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    let typed = sheet(&[
        ("v1_online_procedures", "4"),
        ("v1_fewer_visits", "9"),
        ("used_online_services", "1"),
        ("online_procedures_count", "3"),
        ("devices_used", "1 3"),
        ("opinion_general", "窓口が親切でした"),
        ("age_band", "2"),
    ]);

    let form = open_sheet(&first, &code.to_lowercase());
    assert!(form.body.contains("1回目の入力"), "{}", form.body);
    assert_eq!(post_sheet(&first, &form.body, "sheet", &typed).status, 303);
    assert_eq!(app.response_count(), 0);
    let rows = pending(&app);
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].0.is_some(),
        "who keyed the first entry, until the second"
    );

    // The same operator cannot key the second entry.
    let again = open_sheet(&first, &code);
    assert_eq!(again.status, 409);
    assert!(again.body.contains("別の担当者"), "{}", again.body);

    // The second operator gets an empty form: the first entry is not shown.
    let form = open_sheet(&second, &code);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("2回目の入力"));
    assert!(!form.body.contains("窓口が親切でした"));
    assert!(!form.body.contains("value=\"4\""));
    let done = post_sheet(&second, &form.body, "sheet", &typed);
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.header("location").contains("done=stored"));

    assert_eq!(app.response_count(), 1);
    assert_eq!(paper_responses(&app), 1);
    assert!(pending(&app).is_empty(), "deleted with the response");
    let used: bool = access_codes::table
        .select(access_codes::used)
        .first(&mut app.db())
        .unwrap();
    assert!(used);
    let (day, in_sample, language): (NaiveDate, bool, String) = responses::table
        .select((
            responses::submitted_on,
            responses::in_sample,
            responses::language,
        ))
        .first(&mut app.db())
        .unwrap();
    assert_eq!(day, crate::helpers::midterm_day());
    assert!(in_sample);
    assert_eq!(language, "ja");
    assert_eq!(answer_of(&app, "v1_online_procedures"), ["4"]);
    assert_eq!(answer_of(&app, "v1_fewer_visits"), ["dk"]);
    assert_eq!(answer_of(&app, "devices_used"), ["smartphone", "pc"]);
    assert_eq!(answer_of(&app, "age_band"), ["age_30_39"]);
    // The required area left blank on paper: recorded as unanswered.
    assert!(answer_of(&app, "area").is_empty());
    // The audit log says who keyed how many sheets, never what.
    let audit: Vec<(String, String, String)> = audit_log::table
        .filter(audit_log::action.like("paper_%"))
        .order(audit_log::at)
        .select((audit_log::analyst, audit_log::action, audit_log::detail))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(
        audit,
        [
            (
                "operator-a".into(),
                "paper_entry".into(),
                "1 sheet: first entry".into()
            ),
            (
                "operator-b".into(),
                "paper_verify".into(),
                "1 sheet: second entry agreed, stored".into()
            ),
        ]
    );
    // A third entry of the same sheet is a duplicate.
    let third = open_sheet(&first, &code);
    assert_eq!(third.status, 409);
    assert!(third.body.contains("重複"));
}

#[test]
fn paper_double_entry_with_one_disagreeing_field_waits_for_its_resolution() {
    let app = spawn_code_app(false);
    let code = generate(&app, WAVE, 1).remove(0);
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    let resolver = signed_in(&app, "lead", "analyst");
    let base = [("v2_any_age", "3"), ("city_hall_visits", "2")];
    assert_eq!(key_sheet(&first, &code, &sheet(&base)).status, 303);
    let mut other = base;
    other[0].1 = "5";
    let done = key_sheet(&second, &code, &sheet(&other));
    assert_eq!(done.status, 303);
    assert!(done.header("location").contains("done=disagreed&n=1"));
    assert_eq!(app.response_count(), 0, "no response until resolved");
    // Who keyed the first entry is kept until the resolution (neither keyer may resolve).
    assert!(pending(&app)[0].0.is_some());
    assert!(pending(&app)[0].1.is_some());

    // The resolver types the code and sees both values of the one disagreeing field.
    let form = open_sheet(&resolver, &code);
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("照合"));
    assert!(form.body.contains("name=\"v2_any_age\""));
    assert!(
        !form.body.contains("name=\"city_hall_visits\""),
        "agreed fields are not asked"
    );
    assert!(
        form.body
            .contains("1回目 <span lang=\"en\">first</span>: <code>3</code>")
    );
    assert!(
        form.body
            .contains("2回目 <span lang=\"en\">second</span>: <code>5</code>")
    );
    // An out-of-range code is an error at its field; nothing stored.
    let bad = post_sheet(
        &resolver,
        &form.body,
        "resolve",
        &[("v2_any_age".into(), "7".into())],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("このコードはありません"));
    assert_eq!(app.response_count(), 0);
    let ok = post_sheet(
        &resolver,
        &form.body,
        "resolve",
        &[("v2_any_age".into(), "5".into())],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(app.response_count(), 1);
    assert_eq!(answer_of(&app, "v2_any_age"), ["5"]);
    assert_eq!(answer_of(&app, "city_hall_visits"), ["2"]);
    assert!(pending(&app).is_empty());
}

#[test]
fn a_paper_sheet_whose_code_was_used_on_the_web_is_a_duplicate_and_stores_nothing() {
    let app = spawn_code_app(false);
    let codes = generate(&app, WAVE, 2);
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    assert_eq!(answer_by_link(&app, &codes[0], &REQUIRED).status, 303);
    let page = open_sheet(&first, &codes[0]);
    assert_eq!(page.status, 409);
    assert!(page.body.contains("重複"), "{}", page.body);
    assert_eq!(app.response_count(), 1);
    assert!(pending(&app).is_empty());

    // Keyed once, then answered on the web: the second entry finds a duplicate, and the
    // pending sheet goes.
    let typed = sheet(&[("v1_waiting_time", "2")]);
    let form = open_sheet(&second, &codes[1]);
    assert_eq!(post_sheet(&second, &form.body, "sheet", &typed).status, 303);
    assert_eq!(answer_by_link(&app, &codes[1], &REQUIRED).status, 303);
    let form = open_sheet(&first, &codes[1]);
    assert_eq!(form.status, 409, "{}", form.body);
    assert_eq!(app.response_count(), 2);
    assert_eq!(paper_responses(&app), 0);
}

#[test]
fn unkeyed_questions_and_unknown_codes_are_named_at_their_field() {
    let app = spawn_code_app(false);
    let code = generate(&app, WAVE, 1).remove(0);
    let op = signed_in(&app, "operator-a", "operator");
    let mut typed = sheet(&[("v1_online_procedures", "6"), ("used_online_services", "1")]);
    typed.retain(|(k, _)| k != "v3_staff_skills");
    let form = open_sheet(&op, &code);
    let page = post_sheet(&op, &form.body, "sheet", &typed);
    assert_eq!(page.status, 422);
    for needle in [
        "id=\"f-v1_online_procedures-error\"",
        "id=\"f-v3_staff_skills-error\"",
        "id=\"f-online_procedures_count-error\"",
        "value=\"6\"",
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
    assert!(pending(&app).is_empty());
    // A typo in the code is caught before anything is looked up.
    let typo = open_sheet(&op, "ABCD-EFGH-JKMN-PQRS");
    assert_eq!(typo.status, 422);
}

#[test]
fn operators_cannot_export_publish_or_manage_invitations() {
    let app = spawn_code_app(false);
    let token = account(&app, "keyer", "operator");
    let bearer = format!("Bearer {token}");
    for path in [
        "/analyst/waves/2026-midterm/vision-scores.csv",
        "/analyst/waves/2026-midterm/responses.csv",
        "/analyst/waves/2026-midterm/invitations",
    ] {
        let page = app.get_with(path, ("Authorization", &bearer));
        assert_eq!(page.status, 403, "{path}: {}", page.body);
        assert!(page.body.contains("operator"));
    }
    let b = Browser::new(&app);
    assert_eq!(b.sign_in("keyer", PASSWORD).status, 303);
    let home = b.get("/analyst");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("/analyst/waves/2026-midterm/paper"));
    assert!(!home.body.contains(".csv"), "no export links");
    let csrf = hidden_value(&home.body, "_csrf").unwrap();
    let publish = b.post("/analyst/waves/2026-midterm/publish", &[("_csrf", &csrf)]);
    assert_eq!(publish.status, 403);
    // A session GET of an export is refused too.
    assert_eq!(
        b.get("/analyst/waves/2026-midterm/vision-scores.csv")
            .status,
        403
    );
    // An analyst still can.
    let analyst = account(&app, "boss", "analyst");
    let ok = app.get_with(
        "/analyst/waves/2026-midterm/vision-scores.csv",
        ("Authorization", &format!("Bearer {analyst}")),
    );
    assert_eq!(ok.status, 200);
    let bad_role = app.cli(&["analyst", "create", "x", "--role", "admin"]);
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("analyst or operator"));
}

/// The day the test sheets were received, unless a row says otherwise.
pub(crate) const RECEIVED: &str = "2026-11-20";

/// The vendor's header: `code`, `received_on`, the responses export's question columns,
/// then the free text ones (optional, here included).
pub(crate) fn vendor_header(w: &Wave) -> Vec<String> {
    let mut h = vec!["code".to_string(), "received_on".to_string()];
    for q in w.questions() {
        match &q.kind {
            QuestionKind::Multiple { options, .. } => {
                h.extend(options.iter().map(|o| format!("{}__{}", q.id, o.code)))
            }
            _ => h.push(q.id.clone()),
        }
    }
    h
}

/// One vendor row: `values` by column name, blank elsewhere.
pub(crate) fn vendor_row(w: &Wave, code: &str, values: &[(&str, &str)]) -> String {
    vendor_header(w)
        .iter()
        .map(|c| {
            if c == "code" {
                code.to_string()
            } else {
                let default = if c == "received_on" { RECEIVED } else { "" };
                let v = values
                    .iter()
                    .find(|(k, _)| k == c)
                    .map_or(default, |(_, v)| v);
                if v.contains(',') || v.contains('"') || v.contains('\n') {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v.to_string()
                }
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn vendor_csv(w: &Wave, rows: &[String]) -> String {
    let mut s = vendor_header(w).join(",");
    s.push_str("\r\n");
    for r in rows {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s
}

pub(crate) fn import(
    app: &TestApp,
    file: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec!["paper", "import", "--wave", WAVE, file.to_str().unwrap()];
    args.extend(extra);
    app.cli(&args)
}

#[test]
fn vendor_import_with_a_bad_cell_names_line_and_column_and_stores_nothing() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 3);
    let csv = vendor_csv(
        &w,
        &[
            vendor_row(
                &w,
                &codes[0],
                &[("v1_online_procedures", "4"), ("age_band", "age_30_39")],
            ),
            vendor_row(&w, &codes[1], &[("v1_online_procedures", "7")]),
            vendor_row(
                &w,
                &codes[2],
                &[("devices_used__pc", "2"), ("area", "mars")],
            ),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(&file, &csv).unwrap();
    let out = import(&app, &file, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let f = file.display();
    for needle in [
        format!(
            "{f}: row 3: column v1_online_procedures: `7` is not allowed; allowed: 1, 2, 3, 4, 5, dk (わからない), * (two marks, illegible) or blank"
        ),
        format!(
            "{f}: row 4: column devices_used__pc: `2` is not allowed; allowed: 1 (chosen), 0 or blank"
        ),
        format!("{f}: row 4: column area: `mars` is not allowed; allowed: "),
        "nothing imported".to_string(),
    ] {
        assert!(err.contains(&needle), "{needle} IN {err}");
    }
    assert_eq!(app.response_count(), 0);
    // With --accept-valid, the valid row goes in.
    let out = import(&app, &file, &["--accept-valid"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(paper_responses(&app), 1);
    // An unknown column is a header error at line 1.
    std::fs::write(&file, csv.replacen("code,", "code,shoe_size,", 1)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(": row 1: column shoe_size: not a column of this wave")
    );
}

#[test]
fn the_same_vendor_file_imported_twice_stores_nothing_new() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 4);
    // The first code was answered on the web before the vendor's file came.
    assert_eq!(answer_by_link(&app, &codes[0], &REQUIRED).status, 303);
    let rows: Vec<String> = codes
        .iter()
        .map(|c| {
            vendor_row(
                &w,
                c,
                &[("v4_personal_data", "2"), ("info_channels__line", "1")],
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("3 paper response(s) stored"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(": row 2: code already used"), "{err}");
    assert_eq!(app.response_count(), 4);
    let again = import(&app, &file, &[]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("0 paper response(s) stored"));
    assert_eq!(
        String::from_utf8_lossy(&again.stderr)
            .matches("code already used")
            .count(),
        4
    );
    assert_eq!(app.response_count(), 4);
    assert_eq!(paper_responses(&app), 3);
}

/// The sorted rows of an export (without the BOM and header).
fn export_rows(app: &TestApp, token: &str, kind: &str) -> Vec<String> {
    let page = app.get_with(
        &format!("/analyst/waves/{WAVE}/{kind}.csv"),
        ("Authorization", &format!("Bearer {token}")),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    let mut rows: Vec<String> = page.body.split("\r\n").skip(1).map(String::from).collect();
    rows.sort();
    rows
}

#[test]
fn a_shift_jis_vendor_file_imports_exactly_like_its_utf8_twin() {
    let w = wave();
    let answers = |i: usize| -> Vec<(&'static str, String)> {
        vec![
            ("v1_online_procedures", ["1", "5", "dk"][i % 3].to_string()),
            ("used_online_services", "yes".into()),
            ("online_procedures_count", (i + 1).to_string()),
            ("info_channels__shiho_suita", "1".into()),
            ("info_channels__none", "0".into()),
            ("age_band", "age_70_79".into()),
            (
                "opinion_general",
                format!("窓口①の対応が丁寧、{i}回目。\"ありがとう\""),
            ),
        ]
    };
    let mut results = Vec::new();
    for shift_jis in [false, true] {
        let app = spawn_code_app(false);
        let codes = generate(&app, WAVE, 3);
        let rows: Vec<String> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let a = answers(i);
                let pairs: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
                vendor_row(&w, c, &pairs)
            })
            .collect();
        let text = vendor_csv(&w, &rows);
        let bytes = if shift_jis {
            let (b, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
            assert!(!unmappable);
            assert!(std::str::from_utf8(&b).is_err(), "really not UTF-8");
            b.into_owned()
        } else {
            format!("\u{feff}{text}").into_bytes()
        };
        let token = account(&app, "vendor-upload", "operator");
        // Through the analyst API, as a script would upload it.
        let mut response = app
            .agent
            .post(format!("{}/analyst/waves/{WAVE}/paper-import", app.address))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "text/csv")
            .send(&bytes[..])
            .unwrap();
        let status = response.status().as_u16();
        let report: serde_json::Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["stored"], 3);
        assert_eq!(
            report["encoding"],
            if shift_jis { "shift_jis" } else { "utf8_bom" }
        );
        let analyst = account(&app, "reader", "analyst");
        results.push((
            export_rows(&app, &analyst, "responses"),
            export_rows(&app, &analyst, "comments"),
        ));
    }
    assert_eq!(results[0], results[1]);
    assert!(
        results[0]
            .1
            .iter()
            .any(|r| r.contains("窓口①の対応が丁寧、1回目。")),
        "{:?}",
        results[0].1
    );
}

#[test]
fn figures_with_paper_responses_equal_hand_computed_ones_and_results_say_post_and_web() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 13);
    let token = account(&app, "lead", "analyst");
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    // The hand-computed known set: six residents on the web, five from the vendor's file
    // and two keyed twice in the workspace.
    let mut vendor = Vec::new();
    for (i, (row, code)) in V1_ANSWERS.iter().zip(&codes).enumerate() {
        let mut answers: Vec<(&str, &str)> = REQUIRED.to_vec();
        answers.extend(
            V1.iter()
                .zip(row)
                .filter(|(_, v)| !v.is_empty())
                .map(|(q, v)| (*q, *v)),
        );
        if i < 3 {
            answers.push(("v2_any_age", "4"));
        }
        match i {
            0..6 => assert_eq!(answer_by_link(&app, code, &answers).status, 303),
            6..11 => vendor.push(vendor_row(&w, code, &answers)),
            _ => {
                // Operator codes: scale 1–5, 9 for dk; the demographics by position.
                let keyed: Vec<(&str, String)> = V1
                    .iter()
                    .zip(row)
                    .map(|(q, v)| {
                        (
                            *q,
                            if *v == "dk" {
                                "9".to_string()
                            } else if v.is_empty() {
                                "-".into()
                            } else {
                                v.to_string()
                            },
                        )
                    })
                    .chain([("age_band", "2".to_string()), ("area", "1".to_string())])
                    .collect();
                let pairs: Vec<(&str, &str)> =
                    keyed.iter().map(|(k, v)| (*k, v.as_str())).collect();
                assert_eq!(key_sheet(&first, code, &sheet(&pairs)).status, 303);
                assert_eq!(key_sheet(&second, code, &sheet(&pairs)).status, 303);
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(&file, vendor_csv(&w, &vendor)).unwrap();
    assert!(import(&app, &file, &[]).status.success());
    assert_eq!(paper_responses(&app), 7);
    assert_eq!(app.response_count(), 13);
    // The same line as `vision_scores_equal_hand_computed_figures` (all on the web there).
    let page = app.get_with(
        &format!("/analyst/waves/{WAVE}/vision-scores.csv"),
        ("Authorization", &format!("Bearer {token}")),
    );
    let v1 = page.body.split("\r\n").nth(1).unwrap();
    assert!(
        v1.starts_with("2026-midterm,v1,利便性向上 — 行政サービスをもっと便利に,Convenience: more convenient public services,12,51.0417,30.8305,31.4529,70.6304,41.6667,false,51.0417,"),
        "{v1}"
    );
    // The responses export carries the channel of each.
    let rows = export_rows(&app, &token, "responses");
    assert_eq!(
        rows.iter()
            .filter(|r| r.starts_with("2026-midterm,paper,"))
            .count(),
        7
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.starts_with("2026-midterm,web,"))
            .count(),
        6
    );

    // Published after the close: the public page says how many answered by post and online.
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        {
            let mut s = settings(&app.database_url);
            s.definitions = app.definitions.clone();
            s
        },
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let b = Browser::new(&closed);
    assert_eq!(b.sign_in("lead", PASSWORD).status, 303);
    let dashboard = b.get("/analyst");
    let csrf = hidden_value(&dashboard.body, "_csrf").unwrap();
    assert_eq!(
        b.post("/analyst/waves/2026-midterm/publish", &[("_csrf", &csrf)])
            .status,
        303
    );
    let ja = closed.get("/results/2026-midterm");
    assert!(
        ja.body
            .contains("回答数：13（うち郵送 7、インターネット 6）"),
        "{}",
        ja.body
    );
    let en = closed.get("/results/2026-midterm?lang=en");
    assert!(en.body.contains("Responses: 13 (by post 7, online 6)"));
}

/// The stored days of the paper responses, sorted.
fn paper_days(app: &TestApp) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = responses::table
        .filter(responses::channel.eq("paper"))
        .select(responses::submitted_on)
        .load(&mut app.db())
        .unwrap();
    days.sort();
    days
}

/// The code of option `n` (1-based, as printed) of a choice question.
fn option_at(w: &Wave, question: &str, n: usize) -> String {
    w.question(question).unwrap().kind.options()[n - 1]
        .code
        .clone()
}

#[test]
fn a_vendor_file_keyed_from_the_printed_box_numbers_imports_as_the_codes_would() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 3);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boxes.csv");
    // As printed: 9 = わからない on a scale, 1 = the first option of a single choice,
    // full-width digits as an IME types them.
    let rows: Vec<String> = codes
        .iter()
        .map(|c| {
            vendor_row(
                &w,
                c,
                &[
                    ("v1_online_procedures", "9"),
                    ("v1_fewer_visits", "４"),
                    ("used_online_services", "2"),
                    ("age_band", "3"),
                ],
            )
        })
        .collect();
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Boxes"));
    assert_eq!(paper_responses(&app), 3);
    assert_eq!(answer_of(&app, "v1_online_procedures"), ["dk"; 3]);
    assert_eq!(answer_of(&app, "v1_fewer_visits"), ["4"; 3]);
    let age = option_at(&w, "age_band", 3);
    assert_eq!(answer_of(&app, "age_band"), [age.as_str(); 3]);
    let no = option_at(&w, "used_online_services", 2);
    assert_eq!(answer_of(&app, "used_online_services"), [no.as_str(); 3]);
    // The codebook says what is printed: 問N and each answer's box number.
    let token = account(&app, "tabulator", "analyst");
    let codebook = export_rows(&app, &token, "codebook");
    let n = w.questions().position(|q| q.id == "age_band").unwrap() + 1;
    let line = format!("{WAVE},");
    assert!(
        codebook.iter().any(|r| r.starts_with(&line)
            && r.contains(",age_band,")
            && r.ends_with(&format!(",age_band,問{n},3"))
            && r.contains(&format!(",{age},"))),
        "{codebook:?}"
    );
    assert!(
        codebook.iter().any(|r| r.contains(",v1_online_procedures,")
            && r.contains(",dk,")
            && r.ends_with(",問1,9")),
        "{codebook:?}"
    );
}

#[test]
fn a_vendor_file_mixing_box_numbers_and_option_codes_is_refused_naming_the_rows() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 3);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.csv");
    let rows = vec![
        vendor_row(&w, &codes[0], &[("v1_online_procedures", "9")]),
        vendor_row(&w, &codes[1], &[("v1_online_procedures", "dk")]),
        vendor_row(&w, &codes[2], &[("v1_online_procedures", "3")]),
    ];
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mixes box numbers as printed (row 2) and option codes (row 3)"),
        "{err}"
    );
    assert_eq!(app.response_count(), 0);
    // Declared, the other row is named at its cell; the valid rows can go in.
    let out = import(&app, &file, &["--values", "boxes"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(": row 3: column v1_online_procedures: `dk` is an option code in a file of box numbers; allowed: 1, 2, 3, 4, 5, 9 (わからない), * (two marks, illegible) or blank"),
        "{err}"
    );
    assert_eq!(app.response_count(), 0);
}

#[test]
fn a_header_copied_from_the_responses_export_is_accepted_when_its_cells_fit() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 2);
    let export_cols = ["wave_id", "channel", "language", "in_sample"];
    let mut header = vendor_header(&w);
    for (i, c) in export_cols.iter().enumerate() {
        header.insert(2 + i, c.to_string());
    }
    let row = |code: &str, wave_id: &str| {
        let mut cells: Vec<String> = vendor_row(&w, code, &[("v2_any_age", "2")])
            .split(',')
            .map(String::from)
            .collect();
        for (i, v) in [wave_id, "paper", "ja", "true"].iter().enumerate() {
            cells.insert(2 + i, v.to_string());
        }
        cells.join(",")
    };
    let csv = format!(
        "{}\r\n{}\r\n{}\r\n",
        header.join(","),
        row(&codes[0], WAVE),
        row(&codes[1], "2028-final")
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("from-export.csv");
    std::fs::write(&file, &csv).unwrap();
    let out = import(&app, &file, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            ": row 3: column wave_id: `2028-final` does not describe an imported sheet of this wave"
        ),
        "{err}"
    );
    assert!(!err.contains("not a column of this wave"), "{err}");
    // The rejected-rows file beside the input: the header and exactly row 3, as read.
    let rejected = std::fs::read_to_string(dir.path().join("from-export.rejected.csv")).unwrap();
    assert_eq!(
        rejected,
        format!(
            "{}\r\n{}\r\n",
            header.join(","),
            row(&codes[1], "2028-final")
        )
    );
    let out = import(&app, &file, &["--accept-valid"]);
    assert!(out.status.success());
    assert_eq!(paper_responses(&app), 1);
}

#[test]
fn imported_sheets_are_dated_by_the_day_they_were_received() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 4);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("days.csv");
    let rows = vec![
        vendor_row(&w, &codes[0], &[("received_on", "2026-11-02")]),
        vendor_row(&w, &codes[1], &[("received_on", "2026/11/3")]),
    ];
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(paper_days(&app), [day("2026-11-02"), day("2026-11-03")]);
    // A file without the column needs the day of the whole file; the clock is never used.
    let header: Vec<String> = vendor_header(&w)
        .into_iter()
        .filter(|c| c != "received_on")
        .collect();
    let cells = |code: &str| {
        header
            .iter()
            .map(|c| if c == "code" { code } else { "" })
            .collect::<Vec<_>>()
            .join(",")
    };
    let csv = format!(
        "{}\r\n{}\r\n{}\r\n",
        header.join(","),
        cells(&codes[2]),
        cells(&codes[3])
    );
    std::fs::write(&file, csv).unwrap();
    let out = import(&app, &file, &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("column received_on: missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = import(&app, &file, &["--received-on", "2026-11-05"]);
    assert!(out.status.success());
    assert_eq!(
        paper_days(&app),
        [
            day("2026-11-02"),
            day("2026-11-03"),
            day("2026-11-05"),
            day("2026-11-05")
        ]
    );
    // A day after today is refused at its row.
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(2);
    let codes = generate(&app, WAVE, 1);
    let t = tomorrow.to_string();
    std::fs::write(
        &file,
        vendor_csv(&w, &[vendor_row(&w, &codes[0], &[("received_on", &t)])]),
    )
    .unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(": row 2: column received_on: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn vendor_errors_name_the_spreadsheet_row_and_the_physical_line() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 2);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("breaks.csv");
    let rows = vec![
        vendor_row(
            &w,
            &codes[0],
            &[("opinion_general", "一行目\r\n二行目\r\n三行目")],
        ),
        vendor_row(&w, &codes[1], &[("v1_online_procedures", "7")]),
    ];
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(": row 3 (line 5): column v1_online_procedures: `7` is not allowed"),
        "{err}"
    );
}

#[test]
fn invisible_differences_are_no_disagreement_and_the_resolver_takes_an_entry_with_one_key() {
    let app = spawn_code_app(false);
    let codes = generate(&app, WAVE, 2);
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    let resolver = signed_in(&app, "lead", "analyst");
    // Trailing and doubled spaces, an ideographic space, a line break typed as CRLF, a
    // full-width number: the same sheet.
    let a = sheet(&[
        ("opinion_general", "窓口が 親切でした。 "),
        ("city_hall_visits", "2"),
    ]);
    let b = sheet(&[
        ("opinion_general", "窓口が\u{3000}\u{3000}親切でした。"),
        ("city_hall_visits", "２"),
    ]);
    assert_eq!(key_sheet(&first, &codes[0], &a).status, 303);
    let done = key_sheet(&second, &codes[0], &b);
    assert!(
        done.header("location").contains("done=stored"),
        "{}",
        done.header("location")
    );
    assert_eq!(app.response_count(), 1);

    // Real disagreements: the resolver takes entry 2's long text with `>` and entry 1's
    // code with `<` (full-width too), without retyping either.
    let long_a = "オンライン申請を増やしてほしい。".repeat(40);
    let long_b = format!("{long_a}以上です。");
    let a = sheet(&[("opinion_general", &long_a), ("v2_any_age", "3")]);
    let b = sheet(&[("opinion_general", &long_b), ("v2_any_age", "5")]);
    assert_eq!(key_sheet(&first, &codes[1], &a).status, 303);
    assert!(
        key_sheet(&second, &codes[1], &b)
            .header("location")
            .contains("done=disagreed&n=2")
    );
    let form = open_sheet(&resolver, &codes[1]);
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("「&#60;」だけで1回目の値"),
        "{}",
        form.body
    );
    let ok = post_sheet(
        &resolver,
        &form.body,
        "resolve",
        &[
            ("opinion_general".into(), ">".into()),
            ("v2_any_age".into(), "＜".into()),
        ],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(app.response_count(), 2);
    assert!(answer_of(&app, "opinion_general").contains(&long_b));
    assert_eq!(answer_of(&app, "v2_any_age"), ["3"]);
}

#[test]
fn keyed_sheets_are_dated_by_their_batch_received_day() {
    let app = spawn_code_app(false);
    let code = generate(&app, WAVE, 1).remove(0);
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    let fields = sheet(&[("v2_any_age", "3")]);
    // A day after today is refused on the code page.
    let later = (chrono::Local::now().date_naive() + chrono::Days::new(3)).to_string();
    let refused = open_sheet_received(&first, &code, &later);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("受付日"), "{}", refused.body);
    let form = open_sheet_received(&first, &code, "2026-11-16");
    assert_eq!(form.status, 200, "{}", form.body);
    let done = post_sheet(&first, &form.body, "sheet", &fields);
    assert_eq!(done.status, 303);
    // The next sheet of the batch starts with the same day.
    assert!(done.header("location").contains("received=2026-11-16"));
    let page = first.get(done.header("location"));
    assert!(page.body.contains("value=\"2026-11-16\""), "{}", page.body);
    // The second entry is keyed on another day: the first entry's batch day counts.
    let form = open_sheet_received(&second, &code, "2026-11-20");
    assert_eq!(
        post_sheet(&second, &form.body, "sheet", &fields).status,
        303
    );
    assert_eq!(
        paper_days(&app),
        [NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()]
    );
}

#[test]
fn publishing_with_pending_sheets_says_how_many_and_asks_to_confirm() {
    let app = spawn_code_app(false);
    let codes = generate(&app, WAVE, 2);
    let operator = signed_in(&app, "operator-a", "operator");
    for code in &codes {
        assert_eq!(
            key_sheet(&operator, code, &sheet(&[("v2_any_age", "3")])).status,
            303
        );
    }
    account(&app, "lead", "analyst");
    let mut s = settings(&app.database_url);
    s.definitions = app.definitions.clone();
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        s,
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let b = Browser::new(&closed);
    assert_eq!(b.sign_in("lead", PASSWORD).status, 303);
    let csrf = b.csrf();
    let publish = |fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        b.post(&format!("/analyst/waves/{WAVE}/publish"), &all)
    };
    let ask = publish(&[]);
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert!(
        ask.body.contains("未入力の調査票が 2 枚あります"),
        "{}",
        ask.body
    );
    assert!(ask.body.contains("2回目の入力待ちが 2 枚"), "{}", ask.body);
    assert_eq!(
        hidden_value(&ask.body, "confirm_pending").as_deref(),
        Some("2")
    );
    assert!(publish_rows(&app).is_empty(), "nothing published yet");
    // A stale confirmation (another count) asks again.
    assert_eq!(publish(&[("confirm_pending", "1")]).status, 200);
    assert!(publish_rows(&app).is_empty());
    // Confirmed: the publication goes ahead (or is refused for its own reasons).
    let done = publish(&[("confirm_pending", "2")]);
    assert!(!done.body.contains("未入力の調査票"), "{}", done.body);
    assert!(
        done.status == 303 || done.body.contains("公表できません"),
        "{} {}",
        done.status,
        done.body
    );
}

/// The audit lines of publications.
fn publish_rows(app: &TestApp) -> Vec<String> {
    audit_log::table
        .filter(audit_log::action.eq("publish"))
        .select(audit_log::detail)
        .load(&mut app.db())
        .unwrap()
}

/// The upload form as a browser sends it: `multipart/form-data`.
fn upload(b: &Browser, csrf: &str, file: &[u8], fields: &[(&str, &str)]) -> Page {
    let boundary = "----citizen-survey-test-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    text("_csrf", csrf);
    for (k, v) in fields {
        text(k, v);
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vendor.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    b.post_body(
        &format!("/analyst/waves/{WAVE}/paper/upload"),
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    )
}

#[test]
fn operators_upload_the_vendor_file_in_the_browser_and_get_the_clis_report() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 3);
    let b = signed_in(&app, "operator-a", "operator");
    let entry = b.get(&format!("/analyst/waves/{WAVE}/paper"));
    assert!(
        entry
            .body
            .contains(&format!("/analyst/waves/{WAVE}/paper/upload"))
    );
    let form = b.get(&format!("/analyst/waves/{WAVE}/paper/upload"));
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let csrf = hidden_value(&form.body, "_csrf").unwrap();
    let csv = vendor_csv(
        &w,
        &[
            vendor_row(&w, &codes[0], &[("v1_online_procedures", "9")]),
            vendor_row(&w, &codes[1], &[("v1_online_procedures", "7")]),
            vendor_row(&w, &codes[2], &[("v1_online_procedures", "2")]),
        ],
    );
    // Without the token: refused, nothing stored.
    let forged = upload(&b, "wrong", csv.as_bytes(), &[]);
    assert_eq!(forged.status, 403);
    // A bad row: the CLI's lines, nothing imported.
    let bad = upload(&b, &csrf, csv.as_bytes(), &[("values", "detect")]);
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body
            .contains("vendor.csv: row 3: column v1_online_procedures: `7` is not allowed"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("何も取り込んでいません"), "{}", bad.body);
    assert!(bad.body.contains("業者に直してもらう行：3"), "{}", bad.body);
    assert_eq!(app.response_count(), 0);
    // The valid rows, explicitly.
    let ok = upload(
        &b,
        &csrf,
        csv.as_bytes(),
        &[("values", "boxes"), ("accept", "valid")],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.contains("2 件を保存しました"), "{}", ok.body);
    assert_eq!(paper_responses(&app), 2);
    assert_eq!(answer_of(&app, "v1_online_procedures").len(), 2);
}

#[test]
fn questionnaires_for_a_mailing_carry_each_code_and_its_qr_in_the_csvs_order() {
    let app = spawn_code_app(false);
    let codes = generate(&app, WAVE, 3);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("printer.csv");
    let url = |c: &str| format!("https://enquete.example.jp/c/{}", c.replace('-', ""));
    let mut text = String::from("\u{feff}code,url,qr_svg_file,wave_id\r\n");
    for c in &codes {
        text.push_str(&format!("{c},{},qr/{c}.svg,{WAVE}\r\n", url(c)));
    }
    std::fs::write(&csv, &text).unwrap();
    let out_file = dir.path().join("booklets.html");
    let out = app.cli(&[
        "questionnaire",
        "--wave",
        WAVE,
        "--codes",
        csv.to_str().unwrap(),
        "--output",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(html.matches("<div class=\"copy\">").count(), 3);
    assert_eq!(html.matches("<span class=\"code-qr\"><svg").count(), 3);
    // In the CSV's order, each code once, on its own cover.
    let grouped: Vec<String> = codes
        .iter()
        .map(|c| {
            let c = c.replace('-', "");
            format!("{}-{}-{}-{}", &c[0..4], &c[4..8], &c[8..12], &c[12..16])
        })
        .collect();
    let at: Vec<usize> = grouped
        .iter()
        .map(|g| html.find(g.as_str()).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    for g in &grouped {
        assert_eq!(html.matches(g.as_str()).count(), 1);
    }
    // A row of another wave, or a url that is not its code's link: named, nothing written.
    std::fs::remove_file(&out_file).unwrap();
    let bad = text
        .replacen(&format!(",{WAVE}\r\n"), ",2028-final\r\n", 1)
        .replace(&url(&codes[2]), &url(&codes[1]));
    std::fs::write(&csv, bad).unwrap();
    let out = app.cli(&[
        "questionnaire",
        "--wave",
        WAVE,
        "--codes",
        csv.to_str().unwrap(),
        "--output",
        out_file.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("printer.csv:2: wave_id `2028-final`"), "{err}");
    assert!(err.contains("printer.csv:4: url"), "{err}");
    assert!(!out_file.exists());
}

#[test]
fn two_marks_or_an_illegible_mark_are_stored_as_invalid_counted_apart_and_never_scored() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.definitions = code_definitions(false);
    s.min_group_size = 2;
    let app = spawn_app_with_settings(database, s, crate::helpers::midterm_day());
    let w = wave();
    let codes = generate(&app, WAVE, 12);
    // Keyed: `*` on a scale and on a single choice, double-entered.
    let a = signed_in(&app, "operator-a", "operator");
    let b = signed_in(&app, "operator-b", "operator");
    let marks = sheet(&[("v2_any_age", "*"), ("age_band", "＊")]);
    assert_eq!(key_sheet(&a, &codes[0], &marks).status, 303);
    let done = key_sheet(&b, &codes[0], &marks);
    assert!(
        done.header("location").contains("done=stored"),
        "{}",
        done.body
    );
    // Imported: `*` in a file of box numbers and in one of option codes.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("marks.csv");
    let rows: Vec<String> = (1..7)
        .map(|i| {
            let v = if i <= 4 { "*" } else { "3" };
            vendor_row(&w, &codes[i], &[("v2_any_age", v), ("age_band", "2")])
        })
        .collect();
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let age = option_at(&w, "age_band", 1);
    let mut rows: Vec<String> = (7..12)
        .map(|i| vendor_row(&w, &codes[i], &[("v2_any_age", "4"), ("age_band", &age)]))
        .collect();
    rows[0] = vendor_row(&w, &codes[7], &[("v2_any_age", "*"), ("age_band", &age)]);
    // The last row is blank but for an invalid mark: stored, but not a valid response.
    rows[4] = vendor_row(&w, &codes[11], &[("v2_any_age", "*")]);
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &["--values", "codes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(": row 6: no valid answer (blank, or invalid marks only): a returned sheet, not a valid response"),
        "{err}"
    );
    assert_eq!(err.matches("no valid answer").count(), 1, "{err}");
    let mut stored = answer_of(&app, "v2_any_age");
    stored.sort();
    assert_eq!(stored.iter().filter(|v| *v == "invalid").count(), 7);
    assert_eq!(
        answer_of(&app, "age_band")
            .iter()
            .filter(|v| *v == "invalid")
            .count(),
        1
    );
    // The exports: the codebook names `*`, the distribution counts it on its own row, out of
    // the respondents (12 sheets, 7 invalid: 5 respondents).
    let token = account(&app, "tabulator", "analyst");
    let codebook = export_rows(&app, &token, "codebook");
    assert!(
        codebook
            .iter()
            .any(|r| r.contains(",v2_any_age,") && r.contains(",invalid,") && r.ends_with(",*")),
        "{codebook:?}"
    );
    let distribution = export_rows(&app, &token, "question-distribution");
    let line = distribution
        .iter()
        .find(|r| r.contains(",v2_any_age,") && r.contains(",invalid,"))
        .unwrap_or_else(|| panic!("{distribution:?}"));
    assert!(line.contains(",5,invalid,"), "{line}");
    assert!(line.contains(",7,,false,"), "{line}");
    // Never scored: the item's respondents are the 5 valid answers.
    let items = export_rows(&app, &token, "item-scores");
    let item = items
        .iter()
        .find(|r| r.contains(",v2_any_age,"))
        .unwrap_or_else(|| panic!("{items:?}"));
    assert!(item.contains(",5,"), "{item}");
    // The web form refuses the paper-only value.
    let mut fields: Vec<(&str, &str)> = REQUIRED.to_vec();
    fields.push(("v2_any_age", "invalid"));
    let page = answer_by_link(&app, &generate(&app, WAVE, 1)[0], &fields);
    assert_eq!(page.status, 422, "{}", page.body);
}

/// `(channel, in the sample)` of every stored response, sorted.
fn channels(app: &TestApp) -> Vec<(String, bool)> {
    let mut rows: Vec<(String, bool)> = responses::table
        .select((responses::channel, responses::in_sample))
        .load(&mut app.db())
        .unwrap();
    rows.sort();
    rows
}

fn codes_status(app: &TestApp) -> String {
    let out = app.cli(&["codes", "status", "--wave", WAVE]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_sheet_without_its_code_keyed_twice_is_one_response_of_the_sample_on_its_own_line() {
    let app = spawn_code_app(false);
    generate(&app, WAVE, 2);
    let first = signed_in(&app, "operator-a", "operator");
    let second = signed_in(&app, "operator-b", "operator");
    let typed = sheet(&[("v1_online_procedures", "4"), ("age_band", "2")]);

    // The marker without a sheet number says what to type.
    let bad = open_sheet(&first, "NOCODE-");
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("NOCODE-12"), "{}", bad.body);

    let form = open_sheet(&first, "NOCODE-7");
    assert!(form.body.contains("1回目の入力"), "{}", form.body);
    assert_eq!(post_sheet(&first, &form.body, "sheet", &typed).status, 303);
    assert_eq!(app.response_count(), 0);
    assert_eq!(pending(&app).len(), 1);
    // Blind: the first operator cannot key the second entry of the same sheet number.
    assert_eq!(open_sheet(&first, "nocode 7").status, 409);
    // Another sheet number is another sheet.
    assert!(open_sheet(&second, "NOCODE-8").body.contains("1回目の入力"));
    let form = open_sheet(&second, "nocode-7");
    assert!(form.body.contains("2回目の入力"), "{}", form.body);
    let done = post_sheet(&second, &form.body, "sheet", &typed);
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.header("location").contains("done=stored"));

    assert_eq!(channels(&app), [("paper_no_code".to_string(), true)]);
    assert!(pending(&app).is_empty(), "deleted with the response");
    // No code used, none claimed: nothing links the sheet to a letter.
    let used: i64 = access_codes::table
        .filter(access_codes::used.eq(true))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(used, 0);
    assert_eq!(answer_of(&app, "v1_online_procedures"), ["4"]);

    // 回収状況: its own line, in 有効回収数.
    let status = codes_status(&app);
    assert!(
        status.contains("returned (回収数) 1: web 0 (0.0%), paper 0 (0.0%), paper without code 1 (50.0%); valid responses (有効回収数) 1 (returned without a valid answer 0)"),
        "{status}"
    );
    let analyst = signed_in(&app, "analyst", "analyst");
    let dashboard = analyst.get("/analyst");
    assert!(
        dashboard.body.contains("紙（コードなし）"),
        "{}",
        dashboard.body
    );
}

#[test]
fn vendor_rows_marked_nocode_are_imported_and_the_option_leaves_them_out_of_the_estimates() {
    let app = spawn_code_app(false);
    let w = wave();
    let codes = generate(&app, WAVE, 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    let bad = vec![
        vendor_row(&w, "NOCODE-1", &[("v1_online_procedures", "2")]),
        vendor_row(&w, "NOCODE-1", &[("v1_online_procedures", "3")]),
        vendor_row(&w, "NOCODE-x", &[("v1_online_procedures", "3")]),
    ];
    std::fs::write(&file, vendor_csv(&w, &bad)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the same code as row 2"), "{err}");
    assert!(err.contains("NOCODE-12"), "{err}");
    assert_eq!(app.response_count(), 0);

    let rows = vec![
        vendor_row(&w, &codes[0], &[("v1_online_procedures", "4")]),
        vendor_row(&w, "NOCODE-1", &[("v1_online_procedures", "2")]),
        vendor_row(&w, "nocode-2", &[("v1_online_procedures", "2")]),
    ];
    std::fs::write(&file, vendor_csv(&w, &rows)).unwrap();
    let out = import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("3 paper response(s) stored"));
    assert_eq!(
        channels(&app),
        [
            ("paper".to_string(), true),
            ("paper_no_code".to_string(), true),
            ("paper_no_code".to_string(), true),
        ]
    );
    let status = codes_status(&app);
    assert!(
        status.contains("returned (回収数) 3: web 0 (0.0%), paper 1 (100.0%), paper without code 2 (200.0%); valid responses (有効回収数) 3 ("),
        "{status}"
    );

    // Left out of the estimates: stored (returned, on its own line), not in the sample.
    let file = dir.path().join("more.csv");
    let more = vec![vendor_row(&w, "NOCODE-3", &[("v1_online_procedures", "1")])];
    std::fs::write(&file, vendor_csv(&w, &more)).unwrap();
    let out = import(&app, &file, &["--exclude-no-code-sheets"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(channels(&app).contains(&("paper_no_code".to_string(), false)));
    let status = codes_status(&app);
    assert!(
        status.contains("valid responses (有効回収数) 3 (")
            && status.contains("paper without code left out of the estimates 1;")
            && status.contains("open answers (not in the sample) 0"),
        "{status}"
    );
    // The estimates' counts (the sample) do not see it: v1_online_procedures 4, 2, 2.
    let sample_answers: i64 = citizen_survey::db::schema::answer_counts::table
        .filter(citizen_survey::db::schema::answer_counts::question_id.eq("v1_online_procedures"))
        .filter(citizen_survey::db::schema::answer_counts::in_sample.eq(true))
        .select(citizen_survey::db::schema::answer_counts::n)
        .load::<i64>(&mut app.db())
        .unwrap()
        .into_iter()
        .sum();
    assert_eq!(sample_answers, 3);
}
