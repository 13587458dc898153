//! Postal random-sample waves (`access = "code"`): codes made by the CLI, answered through
//! the QR link and the typed code, once each; open answers flagged and left out of the
//! estimates; response rates; and what a copy of the database reveals.

use std::path::{Path, PathBuf};

use citizen_survey::db::schema::{access_codes, responses};
use diesel::prelude::*;

use crate::helpers::{
    REQUIRED, TestApp, TestDatabase, V1, definitions_dir, hidden_value, midterm_day, settings,
    spawn_app_with_settings,
};

/// The bundled definitions with both waves made postal (`access = "code"`), the mid-term
/// wave taking open answers beside the sample when `open_answers`.
pub(crate) fn code_definitions(open_answers: bool) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let bundled = definitions_dir();
    std::fs::create_dir_all(dir.join("waves")).unwrap();
    for file in ["visions.toml", "population.csv", "targets.toml"] {
        std::fs::copy(bundled.join(file), dir.join(file)).unwrap();
    }
    crate::helpers::allow_example_weights(&dir);
    for (wave, closes, open) in [
        ("2026-midterm", "closes = 2027-01-31\n", open_answers),
        ("2028-final", "closes = 2028-12-31\n", false),
    ] {
        let text = std::fs::read_to_string(bundled.join(format!("waves/{wave}.toml"))).unwrap();
        assert!(text.contains(closes));
        // The bundled waves carry their contact line already.
        assert!(text.contains("contact.ja = "));
        let keys = format!("{closes}access = \"code\"\nopen_answers = {open}\n");
        std::fs::write(
            dir.join(format!("waves/{wave}.toml")),
            text.replacen(closes, &keys, 1),
        )
        .unwrap();
    }
    dir
}

pub(crate) fn spawn_code_app(open_answers: bool) -> TestApp {
    let database = TestDatabase::new();
    let mut settings = settings(&database.url);
    settings.definitions = code_definitions(open_answers);
    spawn_app_with_settings(database, settings, midterm_day())
}

#[derive(QueryableByName)]
struct HashRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The address residents reach in these tests (an https one, as `codes` requires).
pub(crate) const BASE: &str = "https://survey.example";

/// The real CLI against the app, with PUBLIC_BASE_URL set to `base` (or unset).
pub(crate) fn codes_cli(app: &TestApp, base: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"));
    command
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("SURVEY_DEFINITIONS", &app.definitions)
        .env_remove("RUST_LOG")
        .env_remove("PUBLIC_BASE_URL");
    if let Some(base) = base {
        command.env("PUBLIC_BASE_URL", base);
    }
    command.output().unwrap()
}

/// Codes made with the real CLI, as printed on the letters (`XXXX-XXXX-XXXX-XXXX`).
pub(crate) fn generate(app: &TestApp, wave: &str, count: usize) -> Vec<String> {
    let csv = stdout(&codes_cli(
        app,
        Some(BASE),
        &[
            "codes",
            "generate",
            "--wave",
            wave,
            "--count",
            &count.to_string(),
        ],
    ));
    csv.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

fn canonical(code: &str) -> String {
    code.replace('-', "")
}

/// Opens the form through the QR link and submits `answers` with the code it carries.
pub(crate) fn answer_by_link(
    app: &TestApp,
    code: &str,
    answers: &[(&str, &str)],
) -> crate::helpers::Page {
    let page = app.get(&format!("/c/{}", canonical(code)));
    assert_eq!(page.status, 200, "{}", page.body);
    post_form_page(app, &page.body, answers)
}

/// Submits the form in `html` with its hidden fields and `answers`.
fn post_form_page(app: &TestApp, html: &str, answers: &[(&str, &str)]) -> crate::helpers::Page {
    let mut fields = vec![
        ("_key".to_string(), hidden_value(html, "_key").unwrap()),
        ("_code".to_string(), hidden_value(html, "_code").unwrap()),
    ];
    fields.extend(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    app.post_form("/surveys/2026-midterm", &fields)
}

fn used_codes(app: &TestApp) -> i64 {
    access_codes::table
        .filter(access_codes::used.eq(true))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

#[test]
fn codes_generate_writes_the_printers_csv_with_qr_files_and_stores_only_hashes() {
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mailing-1.csv");
    let out = codes_cli(
        &app,
        Some(BASE),
        &[
            "codes",
            "generate",
            "--wave",
            "2026-midterm",
            "--count",
            "5",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    stdout(&out);
    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with("\u{feff}code,url,qr_svg_file,wave_id\r\n"),
        "{text}"
    );
    let rows: Vec<Vec<&str>> = text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 5);
    for row in &rows {
        let code = row[0];
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(row[1], format!("{BASE}/c/{}", canonical(code)));
        assert_eq!(row[2], format!("mailing-1-qr/{code}.svg"));
        let svg = std::fs::read_to_string(dir.path().join(row[2])).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert_eq!(row[3], "2026-midterm");
    }
    // The database holds hashes only, in hash order (one batch is one statement), and
    // nothing else about a code but its mailing and, once voided, why.
    assert_eq!(
        crate::helpers::columns(&mut app.db(), "access_codes"),
        ["code_hash", "wave_id", "used", "mailing", "void_reason"]
    );
    let stored = || -> Vec<String> {
        diesel::sql_query("SELECT code_hash AS v FROM access_codes")
            .load::<HashRow>(&mut app.db())
            .unwrap()
            .into_iter()
            .map(|r| r.v)
            .collect()
    };
    let first = stored();
    assert_eq!(first.len(), 5);
    for row in &rows {
        let code = citizen_survey::domain::AccessCode::parse(row[0]).unwrap();
        assert!(first.contains(&code.hash()));
        assert!(!first.iter().any(|h| h.contains(&canonical(row[0]))));
    }
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(
        first, sorted,
        "rows are in hash order, not generation order"
    );

    // A second mailing: more codes, never the same file twice.
    let again = codes_cli(
        &app,
        Some(BASE),
        &[
            "codes",
            "generate",
            "--wave",
            "2026-midterm",
            "--count",
            "2",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(!again.status.success());
    generate(&app, "2026-midterm", 3);
    assert_eq!(stored().len(), 8);

    // A count of 0 is refused with the allowed range.
    let out = codes_cli(
        &app,
        Some(BASE),
        &[
            "codes",
            "generate",
            "--wave",
            "2026-midterm",
            "--count",
            "0",
        ],
    );
    assert!(!out.status.success());
}

#[test]
fn residents_answer_by_qr_link_and_by_typed_code_once_each() {
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 4);

    // The QR link opens the form directly; the code travels on in the body only.
    let page = app.get(&format!("/c/{}", canonical(&codes[0])));
    assert_eq!(page.status, 200);
    assert_eq!(
        hidden_value(&page.body, "_code").unwrap(),
        canonical(&codes[0])
    );
    assert!(!page.body.contains("action=\"/surveys/2026-midterm?"));
    let done = post_form_page(&app, &page.body, &REQUIRED);
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(!done.header("location").contains(&canonical(&codes[0])));

    // Typed on /c: spaces and lower case, full-width with the IME's long-vowel mark for
    // hyphens, ideographic spaces.
    let full_width: String = codes[2]
        .chars()
        .map(|c| match c {
            '-' => 'ー',
            c => char::from_u32(c as u32 + 0xFEE0).unwrap(),
        })
        .collect();
    for typed in [
        codes[1].replace('-', " ").to_lowercase(),
        full_width,
        format!("\u{3000}{}\u{3000}", codes[3].replace('-', "\u{3000}")),
    ] {
        let entry = app.get("/c");
        assert_eq!(entry.status, 200);
        let form = app.post_form(
            "/c",
            &[
                ("code".into(), typed.clone()),
                ("_lang".into(), "ja".into()),
            ],
        );
        assert_eq!(form.status, 200, "{typed}: {}", form.body);
        assert_eq!(post_form_page(&app, &form.body, &REQUIRED).status, 303);
    }
    assert_eq!(app.response_count(), 4);
    assert_eq!(used_codes(&app), 4);
    let flags: Vec<(String, bool)> = responses::table
        .select((responses::channel, responses::in_sample))
        .load(&mut app.db())
        .unwrap();
    assert!(flags.iter().all(|(c, s)| c == "web" && *s), "{flags:?}");

    // A used code: 409 from the link, from /c and from a form kept open in another tab.
    let again = app.get(&format!("/c/{}", canonical(&codes[0])));
    assert_eq!(again.status, 409);
    assert!(again.body.contains("すでに回答済みです"));
    let typed = app.post_form(
        "/c",
        &[
            ("code".into(), codes[0].clone()),
            ("_lang".into(), "en".into()),
        ],
    );
    assert_eq!(typed.status, 409);
    assert!(
        typed
            .body
            .contains("already been received with this access code"),
        "{}",
        typed.body
    );
    let mut fields = vec![
        ("_key".to_string(), uuid::Uuid::new_v4().to_string()),
        ("_code".to_string(), canonical(&codes[0])),
    ];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    assert_eq!(app.post_form("/surveys/2026-midterm", &fields).status, 409);
    assert_eq!(app.response_count(), 4);
}

#[test]
fn a_mistyped_or_unknown_code_gets_a_clear_page_and_stores_nothing() {
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 1);
    let final_codes = generate(&app, "2028-final", 1);

    // One wrong character: the check character catches it, in the page's language.
    let mut typo: Vec<char> = canonical(&codes[0]).chars().collect();
    typo[5] = if typo[5] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let ja = app.post_form(
        "/c",
        &[("code".into(), typo.clone()), ("_lang".into(), "ja".into())],
    );
    assert_eq!(ja.status, 422);
    assert!(ja.body.contains("コードを確認してください"), "{}", ja.body);
    assert!(
        ja.body.contains(&format!("value=\"{typo}\"")),
        "the typed code is kept"
    );
    let en = app.post_form(
        "/c",
        &[("code".into(), typo.clone()), ("_lang".into(), "en".into())],
    );
    assert_eq!(en.status, 422);
    assert!(en.body.contains("Please check the code"));
    assert_eq!(app.get(&format!("/c/{typo}")).status, 422);
    let short = app.post_form("/c", &[("code".into(), "ABCD".into())]);
    assert_eq!(short.status, 422);
    assert!(short.body.contains("16文字"));

    // Well-formed but never issued, or issued for another wave.
    let unknown = citizen_survey::domain::AccessCode::generate();
    let page = app.get(&format!("/c/{}?lang=en", unknown.as_str()));
    assert_eq!(page.status, 404);
    assert!(page.body.contains("This code cannot be used"));
    let mut fields = vec![
        ("_key".to_string(), uuid::Uuid::new_v4().to_string()),
        ("_code".to_string(), canonical(&final_codes[0])),
    ];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let other_wave = app.post_form("/surveys/2026-midterm", &fields);
    assert_eq!(other_wave.status, 404, "{}", other_wave.body);
    assert_eq!(app.response_count(), 0);
    assert_eq!(used_codes(&app), 0);
}

#[test]
fn guessing_codes_is_throttled_in_memory() {
    let app = spawn_code_app(true);
    let statuses: Vec<u16> = (0..12)
        .map(|_| {
            let guess = citizen_survey::domain::AccessCode::generate();
            app.get(&format!("/c/{}", guess.as_str())).status
        })
        .collect();
    assert_eq!(&statuses[..10], &[404; 10]);
    assert_eq!(statuses[11], 429, "{statuses:?}");
    // Nothing about the guesser is stored.
    assert_eq!(app.count_rows("access_codes"), 0);
}

#[test]
fn two_tabs_submitting_with_one_code_store_exactly_one_response() {
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 8);
    for code in &codes {
        // Two tabs: two forms (two keys) for one code, sent at the same moment.
        let pages: Vec<String> = (0..2)
            .map(|_| app.get(&format!("/c/{}", canonical(code))).body)
            .collect();
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = pages
                .iter()
                .map(|html| s.spawn(|| post_form_page(&app, html, &REQUIRED).status))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut sorted = statuses.clone();
        sorted.sort();
        assert_eq!(sorted, [303, 409], "{statuses:?}");
    }
    assert_eq!(app.response_count(), codes.len() as i64);
    assert_eq!(used_codes(&app), codes.len() as i64);
}

fn analyst_csv(app: &TestApp, token: &str, path: &str) -> String {
    let mut response = app
        .agent
        .get(format!("{}{path}", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.body_mut().read_to_string().unwrap()
}

/// The value of `column` in the row of vision-scores whose vision is `vision`.
fn cell(csv: &str, vision: &str, column: &str) -> String {
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == column).unwrap();
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[1] == vision)
        .map(|r| r[i].to_string())
        .unwrap()
}

#[test]
fn open_answers_are_flagged_and_kept_out_of_the_estimates_by_default() {
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 12);
    let agree: Vec<(&str, &str)> = REQUIRED
        .iter()
        .copied()
        .chain(V1.iter().map(|q| (*q, "5")))
        .collect();
    let disagree: Vec<(&str, &str)> = REQUIRED
        .iter()
        .copied()
        .chain(V1.iter().map(|q| (*q, "1")))
        .collect();
    for code in &codes {
        assert_eq!(answer_by_link(&app, code, &agree).status, 303);
    }
    // The open form of a code wave points residents with a letter to their code.
    let open_form = app.get("/surveys/2026-midterm");
    assert_eq!(open_form.status, 200);
    assert!(open_form.body.contains("href=\"/c?lang=ja\""));
    for _ in 0..12 {
        assert_eq!(app.submit("2026-midterm", &disagree).status, 303);
    }
    let flags: Vec<bool> = responses::table
        .select(responses::in_sample)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(flags.iter().filter(|f| **f).count(), 12);
    assert_eq!(flags.iter().filter(|f| !**f).count(), 12);

    let token = app.create_analyst("Analyst");
    let base = "/analyst/waves/2026-midterm/vision-scores.csv";
    let sample = analyst_csv(&app, &token, base);
    assert_eq!(cell(&sample, "v1", "respondents"), "12");
    assert_eq!(cell(&sample, "v1", "mean_score"), "100.0000");
    assert_eq!(cell(&sample, "v1", "weighted_mean"), "100.0000");
    let all = analyst_csv(&app, &token, &format!("{base}?include_open=true"));
    assert_eq!(cell(&all, "v1", "respondents"), "24");
    assert_eq!(cell(&all, "v1", "mean_score"), "50.0000");
    // The CLI says the same, and so do item figures.
    let cli = stdout(&app.cli(&["export", "vision-scores", "--wave", "2026-midterm"]));
    assert_eq!(cell(&cli, "v1", "respondents"), "12");
    let cli_all = stdout(&app.cli(&[
        "export",
        "vision-scores",
        "--wave",
        "2026-midterm",
        "--include-open",
    ]));
    assert_eq!(cell(&cli_all, "v1", "respondents"), "24");

    // Every response is in the responses export, with its flag.
    let rows = analyst_csv(&app, &token, "/analyst/waves/2026-midterm/responses.csv");
    let mut lines = rows.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..4],
        ["wave_id", "channel", "language", "in_sample"]
    );
    let flags: Vec<String> = lines
        .map(|l| l.split(',').nth(3).unwrap().to_string())
        .collect();
    assert_eq!(flags.iter().filter(|f| *f == "true").count(), 12);
    assert_eq!(flags.iter().filter(|f| *f == "false").count(), 12);

    let bad = app
        .agent
        .get(format!("{}{base}?include_open=maybe", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[test]
fn a_code_wave_without_open_answers_asks_for_the_code() {
    let app = spawn_code_app(false);
    let page = app.get("/surveys/2026-midterm?lang=en");
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("answered with an access code"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/c?lang=en\""));
    let mut fields = vec![("_key".to_string(), uuid::Uuid::new_v4().to_string())];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    assert_eq!(app.post_form("/surveys/2026-midterm", &fields).status, 403);
    assert_eq!(app.response_count(), 0);
}

#[test]
fn response_rates_equal_the_hand_count() {
    use citizen_survey::db::submit::{Submission, store};
    use citizen_survey::domain::{
        AccessCode, AnswerValue, Answers, Channel, Credential, Lang, SubmissionKey,
    };
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 10);
    for code in &codes[..3] {
        assert_eq!(answer_by_link(&app, code, &REQUIRED).status, 303);
    }
    for _ in 0..2 {
        assert_eq!(app.submit("2026-midterm", &REQUIRED).status, 303);
    }
    // A paper questionnaire keyed in (the paper issue's entry path stores it like this).
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let wave = defs.wave("2026-midterm").unwrap();
    let plan = std::sync::Arc::new(citizen_survey::stats::ScorePlan::new(wave, &defs.visions));
    let paper_code = AccessCode::parse(&codes[3]).unwrap();
    let answers = Answers {
        key: SubmissionKey::generate(),
        lang: Lang::Ja,
        values: vec![("age_band".into(), AnswerValue::Choice("age_30_39".into()))],
    };
    let sheet = Submission {
        plan,
        channel: Channel::Paper,
        in_sample: true,
        credential: Some(Credential::Code(paper_code)),
        submitted_on: midterm_day(),
        answers,
    };
    store(&mut app.db(), &sheet).unwrap();

    let status = stdout(&app.cli(&["codes", "status", "--wave", "2026-midterm"]));
    assert_eq!(
        status.lines().next().unwrap(),
        "wave 2026-midterm: issued 10, spare 0, mailed (配布数) 10, undeliverable (宛先不明) 0; returned (回収数) 4: web 3 (30.0%), paper 1 (10.0%), paper without code 0 (0.0%); valid responses (有効回収数) 4 (returned without a valid answer 0); 有効回収率 40.0% = 4 / (10 − 0); paper without code left out of the estimates 0; open answers (not in the sample) 2",
        "{status}"
    );
    // The code used on paper cannot be used on the web any more: first answer wins.
    assert_eq!(app.get(&format!("/c/{}", canonical(&codes[3]))).status, 409);
}

#[test]
fn letters_and_the_reminder_postcard_are_print_ready() {
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("codes.csv");
    stdout(&codes_cli(
        &app,
        Some(BASE),
        &[
            "codes",
            "generate",
            "--wave",
            "2026-midterm",
            "--count",
            "3",
            "--output",
            csv.to_str().unwrap(),
        ],
    ));
    let html = stdout(&codes_cli(
        &app,
        Some(BASE),
        &[
            "codes",
            "sheet",
            "--wave",
            "2026-midterm",
            "--codes",
            csv.to_str().unwrap(),
        ],
    ));
    assert_eq!(html.matches("<section class=\"letter\">").count(), 3);
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("吹田市デジタル政策 市民アンケート 中間評価（令和8年度）"));
    assert!(html.contains("2027年1月31日"));
    assert!(html.contains("吹田市役所 デジタル政策担当"));
    assert!(html.contains("Suita City Hall, Digital Policy team"));
    assert!(html.contains(&format!("{BASE}/c")));
    assert!(!html.contains("見本"), "a real mailing is not marked");
    // One line each in the form's other languages, from their locales, on every letter.
    for (tag, words) in [
        ("zh-Hans", "本调查也可以用中文回答"),
        ("ko", "이 조사는 한국어로도 응답할 수 있습니다"),
        ("vi", "Bạn cũng có thể trả lời khảo sát này bằng tiếng Việt"),
        (
            "ja",
            "この アンケートは、やさしい にほんごでも こたえられます",
        ),
    ] {
        assert_eq!(
            html.matches(&format!("<p lang=\"{tag}\">{words}")).count(),
            3,
            "{tag}"
        );
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    for line in text.lines().skip(1) {
        let code = line.split(',').next().unwrap();
        assert!(
            html.contains(&format!("<span class=\"code\">{code}</span>")),
            "{code}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 3);

    let postcard = stdout(&codes_cli(
        &app,
        Some(BASE),
        &["codes", "postcard", "--wave", "2026-midterm"],
    ));
    assert!(postcard.contains("@page { size: 100mm 148mm;"));
    assert!(postcard.contains("お礼とお願い"));
    for line in text.lines().skip(1) {
        assert!(!postcard.contains(line.split(',').next().unwrap()));
    }
    let _ = Path::new(&csv);
}

#[test]
fn a_copy_of_the_database_pairs_no_code_with_a_response() {
    let app = spawn_code_app(true);
    let mut codes = generate(&app, "2026-midterm", 12);
    // Answer in an order unrelated to the order of generation.
    codes.reverse();
    codes.swap(2, 9);
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| citizen_survey::domain::AccessCode::parse(c).unwrap().hash())
        .collect();
    for (i, code) in codes.iter().enumerate() {
        let value = ((i % 5) + 1).to_string();
        let answers: Vec<(&str, &str)> = REQUIRED
            .iter()
            .copied()
            .chain([(V1[0], value.as_str())])
            .collect();
        assert_eq!(answer_by_link(&app, code, &answers).status, 303);
    }
    let mut conn = app.db();
    // No column of a response refers to a code, and the code table has no time or order.
    for table in ["responses", "submission_keys", "vision_score_sums"] {
        let cols = crate::helpers::columns(&mut conn, table);
        assert!(
            !cols
                .iter()
                .any(|c| c.contains("code") || c.contains("token") || c.contains("_at")),
            "{table}: {cols:?}"
        );
    }
    assert_eq!(
        crate::helpers::columns(&mut conn, "access_codes"),
        ["code_hash", "wave_id", "used", "mailing", "void_reason"]
    );
    // No value crosses between the two sides: no code or hash in any response row.
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let response_side: Vec<String> = [
        "SELECT id AS v FROM responses",
        "SELECT answers AS v FROM responses",
        "SELECT key AS v FROM submission_keys",
    ]
    .iter()
    .flat_map(|q| diesel::sql_query(*q).load::<Row>(&mut conn).unwrap())
    .map(|r| r.v)
    .collect();
    for (code, hash) in codes.iter().zip(&hashes) {
        assert!(
            !response_side
                .iter()
                .any(|v| v.contains(&canonical(code)) || v.contains(hash.as_str()))
        );
    }
    // The code rows, as stored (no ORDER BY: key order on SQLite), are in hash order:
    // neither the order of generation nor that of use. PostgreSQL appends the new version
    // of an updated row, so its physical order follows use until the table is reordered
    // as docs/security.md ("Anonymity") says to do after a wave closes.
    if let citizen_survey::db::DbConnection::Postgresql(_) = &conn {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("CLUSTER access_codes USING access_codes_pkey")
            .unwrap();
    }
    let physical: Vec<String> = diesel::sql_query("SELECT code_hash AS v FROM access_codes")
        .load::<Row>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| r.v)
        .collect();
    let mut sorted = physical.clone();
    sorted.sort();
    assert_eq!(physical, sorted);
    assert_eq!(used_codes(&app), 12);
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `codes generate --output` into `dir`; returns the CSV's path.
fn generate_file(
    app: &TestApp,
    base: Option<&str>,
    dir: &Path,
    name: &str,
    extra: &[&str],
) -> PathBuf {
    let file = dir.join(name);
    let mut args = vec![
        "codes",
        "generate",
        "--wave",
        "2026-midterm",
        "--count",
        "3",
        "--output",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    stdout(&codes_cli(app, base, &args));
    file
}

fn sheet(app: &TestApp, base: Option<&str>, csv: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "codes",
        "sheet",
        "--wave",
        "2026-midterm",
        "--codes",
        csv.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    codes_cli(app, base, &args)
}

#[test]
fn codes_refuse_an_unset_loopback_or_http_base_url_unless_told_it_is_a_rehearsal() {
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let generate = [
        "codes",
        "generate",
        "--wave",
        "2026-midterm",
        "--count",
        "3",
    ];
    for base in [
        None,
        Some("http://127.0.0.1:8080"),
        Some("https://localhost"),
        Some("http://survey.city.example"),
    ] {
        for args in [
            &generate[..],
            &["codes", "postcard", "--wave", "2026-midterm"][..],
        ] {
            let out = codes_cli(&app, base, args);
            assert!(!out.status.success(), "{base:?} {args:?}");
            assert!(out.stdout.is_empty(), "nothing printed: {base:?} {args:?}");
            let e = stderr(&out);
            assert!(
                e.contains("PUBLIC_BASE_URL")
                    && e.contains("https://")
                    && e.contains("--rehearsal"),
                "{e}"
            );
        }
    }
    assert!(stderr(&codes_cli(&app, None, &generate)).contains("the default, as it is not set"));
    assert_eq!(app.count_rows("access_codes"), 0, "nothing stored");

    // A rehearsal: any address, and 見本 SAMPLE on every row and page.
    let csv = generate_file(&app, None, dir.path(), "rehearsal.csv", &["--rehearsal"]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("\u{feff}code,url,qr_svg_file,wave_id,rehearsal\r\n"),
        "{text}"
    );
    assert_eq!(text.matches("見本 SAMPLE").count(), 3);
    let refused = sheet(&app, Some(BASE), &csv, &[]);
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
    assert!(
        stderr(&refused).contains("--rehearsal"),
        "{}",
        stderr(&refused)
    );
    let html = stdout(&sheet(&app, None, &csv, &["--rehearsal"]));
    assert_eq!(html.matches("<section class=\"letter\">").count(), 3);
    assert_eq!(
        html.matches("<p class=\"sample\">見本 SAMPLE").count(),
        3,
        "every page"
    );
    let card = stdout(&codes_cli(
        &app,
        None,
        &["codes", "postcard", "--wave", "2026-midterm", "--rehearsal"],
    ));
    assert!(card.contains("<p class=\"sample\">見本 SAMPLE"));
    // A rehearsal's codes are not counted.
    let status = stdout(&app.cli(&["codes", "status", "--wave", "2026-midterm"]));
    assert!(
        status.starts_with("wave 2026-midterm: issued 0, spare 0, mailed (配布数) 0,"),
        "{status}"
    );
    assert!(
        status.contains("(見本 SAMPLE rehearsal, not counted): issued 3,"),
        "{status}"
    );
}

#[test]
fn codes_sheet_takes_each_letters_link_from_the_printers_csv() {
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let csv = generate_file(
        &app,
        Some("https://a.survey.example"),
        dir.path(),
        "m1.csv",
        &[],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    // The setting changed since (or was never set on this machine): the CSV decides.
    for base in [Some("https://b.survey.example"), None] {
        let out = sheet(&app, base, &csv, &[]);
        let html = stdout(&out);
        assert!(!html.contains("b.survey.example") && !html.contains("127.0.0.1"));
        for line in text.lines().skip(1) {
            let url = line.split(',').nth(1).unwrap();
            assert!(url.starts_with("https://a.survey.example/c/"), "{url}");
            assert!(html.contains("<span class=\"url\">https://a.survey.example/c</span>"));
            assert!(html.contains(url) || html.contains(&svg_of(url)), "{url}");
        }
    }
    // A CSV whose links are loopback or http:// is refused (with --rehearsal, printed marked).
    for bad in ["http://127.0.0.1:8080", "http://a.survey.example"] {
        let edited = dir.path().join("edited.csv");
        std::fs::write(&edited, text.replace("https://a.survey.example", bad)).unwrap();
        let out = sheet(&app, Some(BASE), &edited, &[]);
        assert!(!out.status.success(), "{bad}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains(bad) && stderr(&out).contains("--rehearsal"),
            "{}",
            stderr(&out)
        );
        let marked = stdout(&sheet(&app, Some(BASE), &edited, &["--rehearsal"]));
        assert_eq!(marked.matches("<p class=\"sample\">").count(), 3);
    }
    // A link that is not its row's code's link is refused with its line.
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    let other = lines[1].split(',').nth(1).unwrap().to_string();
    lines[2] = lines[2].replacen(lines[2].split(',').nth(1).unwrap(), &other, 1);
    let swapped = dir.path().join("swapped.csv");
    std::fs::write(&swapped, lines.join("\r\n")).unwrap();
    let out = sheet(&app, Some(BASE), &swapped, &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 3:"), "{}", stderr(&out));
}

/// The QR code's SVG as the letters inline it (to find a link in the page).
fn svg_of(url: &str) -> String {
    let svg = citizen_survey::postal::qr_svg(url).unwrap();
    svg[svg.find("<svg").unwrap()..].to_string()
}

#[test]
fn codes_sheet_checks_every_code_against_the_wave_in_the_database_it_names() {
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let csv = generate_file(&app, Some(BASE), dir.path(), "m1.csv", &[]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let ok = sheet(&app, Some(BASE), &csv, &[]);
    stdout(&ok);
    assert!(
        stderr(&ok).contains("citizen-survey: database "),
        "{}",
        stderr(&ok)
    );

    // Two made-up codes, a code of the other wave, a used code.
    let made_up: Vec<citizen_survey::domain::AccessCode> = (0..2)
        .map(|_| citizen_survey::domain::AccessCode::generate())
        .collect();
    let final_code = generate(&app, "2028-final", 1).remove(0);
    let first = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(answer_by_link(&app, &first, &REQUIRED).status, 303);
    let mut bad = text.trim_end().to_string();
    for code in &made_up {
        bad.push_str(&format!(
            "\r\n{},{BASE}/c/{},,2026-midterm",
            code.grouped(),
            code.as_str()
        ));
    }
    bad.push_str(&format!(
        "\r\n{final_code},{BASE}/c/{},,2026-midterm\r\n",
        canonical(&final_code)
    ));
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, &bad).unwrap();
    let out = sheet(&app, Some(BASE), &file, &[]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no letter printed");
    let e = stderr(&out);
    assert!(e.contains("citizen-survey: database "), "{e}");
    assert!(
        e.contains(&format!("line 2: code {first} has already been used")),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "line 5: code {} was never issued",
            made_up[0].grouped()
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "line 6: code {} was never issued",
            made_up[1].grouped()
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "line 7: code {final_code} belongs to wave `2028-final`"
        )),
        "{e}"
    );
    assert!(e.contains("Nothing was written"), "{e}");
    let written = dir.path().join("letters.html");
    let out = sheet(
        &app,
        Some(BASE),
        &file,
        &["--output", written.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(!written.exists());

    // A CSV from another (rehearsal) database: every code unknown.
    let elsewhere = spawn_code_app(true);
    let out = sheet(&elsewhere, Some(BASE), &csv, &[]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out)
            .matches("was never issued in this database")
            .count(),
        3
    );
}

#[test]
fn a_letters_qr_code_printed_by_chromium_decodes_to_the_csvs_url() {
    let tools = ["/usr/bin/chromium", "/usr/bin/pdftoppm", "/usr/bin/zbarimg"];
    if let Some(missing) = tools.iter().find(|t| !Path::new(t).exists()) {
        eprintln!(
            "NOT RUN: {missing} is not installed (.ci/run installs zbar-tools and poppler-utils)"
        );
        return;
    }
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let csv = generate_file(&app, Some(BASE), dir.path(), "m1.csv", &[]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let urls: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();
    let html = dir.path().join("letters.html");
    stdout(&sheet(
        &app,
        Some(BASE),
        &csv,
        &["--output", html.to_str().unwrap()],
    ));
    // As the README prints them: headless, no header or footer.
    let pdf = dir.path().join("letters.pdf");
    citizen_survey::report::pdf::print(Path::new("/usr/bin/chromium"), &html, &pdf).unwrap();
    let prefix = dir.path().join("page");
    let out = std::process::Command::new("/usr/bin/pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    assert_eq!(
        pages.len(),
        3,
        "one A4 page per letter (fonts-noto-cjk installed?): {pages:?}"
    );
    for (page, url) in pages.iter().zip(&urls) {
        let out = std::process::Command::new("/usr/bin/zbarimg")
            .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(page)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", page.display(), stderr(&out));
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), url);
    }
}

/// A sheet keyed from paper for `code` (the paper entry's path to `db::submit`).
fn store_paper(app: &TestApp, code: &str) {
    use citizen_survey::db::submit::{Submission, store};
    use citizen_survey::domain::{
        AccessCode, AnswerValue, Answers, Channel, Credential, Lang, SubmissionKey,
    };
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let wave = defs.wave("2026-midterm").unwrap();
    let plan = std::sync::Arc::new(citizen_survey::stats::ScorePlan::new(wave, &defs.visions));
    let mut values: Vec<(String, AnswerValue)> =
        vec![("age_band".into(), AnswerValue::Choice("age_30_39".into()))];
    values.extend(
        REQUIRED
            .iter()
            .skip(1)
            .map(|(k, v)| (k.to_string(), AnswerValue::Choice(v.to_string()))),
    );
    let sheet = Submission {
        plan,
        channel: Channel::Paper,
        in_sample: true,
        credential: Some(Credential::Code(AccessCode::parse(code).unwrap())),
        submitted_on: midterm_day(),
        answers: Answers {
            key: SubmissionKey::generate(),
            lang: Lang::Ja,
            values,
        },
    };
    store(&mut app.db(), &sheet).unwrap();
}

#[test]
fn codes_void_takes_spares_and_undeliverable_letters_out_of_the_rate() {
    let app = spawn_code_app(true);
    let dir = tempfile::tempdir().unwrap();
    let codes = generate(&app, "2026-midterm", 10);
    let spares = generate(&app, "2026-midterm", 4);
    assert_eq!(answer_by_link(&app, &codes[0], &REQUIRED).status, 303);
    assert_eq!(answer_by_link(&app, &codes[1], &REQUIRED).status, 303);
    store_paper(&app, &codes[2]);
    assert_eq!(app.submit("2026-midterm", &REQUIRED).status, 303);
    let void = |args: &[&str]| {
        let mut all = vec!["codes", "void", "--wave", "2026-midterm"];
        all.extend_from_slice(args);
        codes_cli(&app, Some(BASE), &all)
    };
    // A used code, an unknown one, a mistyped one: refused, each named, nothing voided.
    let unknown = citizen_survey::domain::AccessCode::generate().grouped();
    let out = void(&[
        "--codes",
        &codes[9],
        &codes[0],
        &unknown,
        "--reason",
        "undeliverable",
    ]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains(&format!("argument 2: code {} has been used", codes[0])),
        "{e}"
    );
    assert!(
        e.contains(&format!("argument 3: code {unknown} was never issued")),
        "{e}"
    );
    assert!(e.contains("Nothing was voided"), "{e}");
    let out = void(&["--codes", &codes[9], "--reason", "lost"]);
    assert!(stderr(&out).contains("unknown --reason `lost`"));
    let before = stdout(&app.cli(&["codes", "status", "--wave", "2026-midterm"]));
    assert!(before.starts_with("wave 2026-midterm: issued 14, spare 0, mailed (配布数) 14, undeliverable (宛先不明) 0; returned (回収数) 3:"), "{before}");

    // The spares never mailed, from a file of one code a line; two letters came back.
    let list = dir.path().join("spares.txt");
    std::fs::write(&list, spares.join("\n")).unwrap();
    stdout(&void(&[
        "--codes",
        list.to_str().unwrap(),
        "--reason",
        "spare",
    ]));
    stdout(&void(&[
        "--codes",
        &codes[8],
        &codes[9],
        "--reason",
        "undeliverable",
    ]));
    let again = void(&["--codes", &codes[9], "--reason", "spare"]);
    assert!(stderr(&again).contains("is already voided (undeliverable)"));

    let status = stdout(&app.cli(&["codes", "status", "--wave", "2026-midterm"]));
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(
        lines[0],
        "wave 2026-midterm: issued 14, spare 4, mailed (配布数) 10, undeliverable (宛先不明) 2; returned (回収数) 3: web 2 (25.0%), paper 1 (12.5%), paper without code 0 (0.0%); valid responses (有効回収数) 3 (returned without a valid answer 0); 有効回収率 37.5% = 3 / (10 − 2); paper without code left out of the estimates 0; open answers (not in the sample) 1"
    );
    assert!(
        lines[1].starts_with(
            "note: the wave definition's [sample] says mailed = 3000, the codes say 10"
        ),
        "{status}"
    );
    assert!(
        lines[2].starts_with("mailing 1 \"mailing 1\" made "),
        "{status}"
    );
    assert!(
        lines[2].ends_with(": issued 10, spare 0, undeliverable 2, codes used 3 (37.5%)"),
        "{status}"
    );
    assert!(
        lines[3].ends_with(": issued 4, spare 4, undeliverable 0, codes used 0 (–)"),
        "{status}"
    );
    assert!(lines[4].starts_with("day "), "{status}");
    assert_eq!(
        lines[5].split_whitespace().collect::<Vec<_>>(),
        [
            &midterm_day().to_string()[..],
            "2",
            "1",
            "0",
            "0",
            "1",
            "3",
            "3",
            "3",
            "37.5%"
        ]
    );

    // A voided code opens nothing and gets no letter.
    assert_eq!(app.get(&format!("/c/{}", canonical(&codes[9]))).status, 404);
    let csv = dir.path().join("one.csv");
    std::fs::write(
        &csv,
        format!(
            "code,url,qr_svg_file,wave_id\r\n{},{BASE}/c/{},,2026-midterm\r\n",
            spares[0],
            canonical(&spares[0])
        ),
    )
    .unwrap();
    let out = sheet(&app, Some(BASE), &csv, &[]);
    assert!(
        stderr(&out).contains("line 2: code") && stderr(&out).contains("was voided (spare)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn codes_generate_numbers_and_labels_its_mailings() {
    let app = spawn_code_app(false);
    for label in ["本送付", "予備"] {
        let out = codes_cli(
            &app,
            Some(BASE),
            &[
                "codes",
                "generate",
                "--wave",
                "2026-midterm",
                "--count",
                "2",
                "--label",
                label,
            ],
        );
        stdout(&out);
        assert!(
            stderr(&out).contains(&format!("\"{label}\"")),
            "{}",
            stderr(&out)
        );
    }
    generate(&app, "2026-midterm", 1);
    let status = stdout(&app.cli(&["codes", "status", "--wave", "2026-midterm"]));
    for (i, (label, n)) in [("本送付", 2), ("予備", 2), ("mailing 3", 1)]
        .iter()
        .enumerate()
    {
        let line = format!("mailing {} \"{label}\" made ", i + 1);
        let found = status
            .lines()
            .find(|l| l.starts_with(&line))
            .unwrap_or_else(|| panic!("{status}"));
        assert!(found.contains(&format!(": issued {n}, spare 0")), "{found}");
    }
}

#[test]
fn every_count_agrees_across_codes_status_the_dashboard_the_results_page_and_the_exports() {
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 20);
    let void = |codes: &[&str], reason: &str| {
        let mut args = vec!["codes", "void", "--wave", "2026-midterm", "--codes"];
        args.extend_from_slice(codes);
        args.extend_from_slice(&["--reason", reason]);
        stdout(&codes_cli(&app, Some(BASE), &args));
    };
    void(&[&codes[18], &codes[19]], "spare");
    void(&[&codes[17]], "undeliverable");
    for code in &codes[..11] {
        assert_eq!(answer_by_link(&app, code, &REQUIRED).status, 303);
    }
    // Three sheets keyed twice, blind, by two operators on the double-entry pages: one
    // answered, one with two marks on a question (stored as invalid, the rest valid), one
    // returned without its code (a sheet number written on it).
    let first = crate::paper::signed_in(&app, "operator-a", "operator");
    let second = crate::paper::signed_in(&app, "operator-b", "operator");
    for (code, typed) in [
        (
            codes[11].as_str(),
            vec![("v1_online_procedures", "4"), ("age_band", "2")],
        ),
        (
            codes[12].as_str(),
            vec![("v1_online_procedures", "*"), ("age_band", "3")],
        ),
        (
            "NOCODE-8",
            vec![("v1_online_procedures", "5"), ("age_band", "4")],
        ),
    ] {
        let fields = crate::paper::sheet(&typed);
        assert_eq!(crate::paper::key_sheet(&first, code, &fields).status, 303);
        let done = crate::paper::key_sheet(&second, code, &fields);
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.header("location").contains("done=stored"), "{code}");
    }
    // Three more sheets returned from the vendor, keyed from the printed box numbers: one
    // blank, one with only invalid marks (two boxes marked on each question answered) —
    // returned, not valid responses — and one that came back without its code (a sheet
    // number instead): a valid paper response of the sample, on its own line.
    let w = crate::paper::wave();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    let rows = vec![
        crate::paper::vendor_row(&w, &codes[13], &[]),
        crate::paper::vendor_row(
            &w,
            &codes[14],
            &[("v1_online_procedures", "*"), ("age_band", "*")],
        ),
        crate::paper::vendor_row(
            &w,
            "NOCODE-7",
            &[("v1_online_procedures", "4"), ("age_band", "2")],
        ),
    ];
    std::fs::write(&file, crate::paper::vendor_csv(&w, &rows)).unwrap();
    let out = crate::paper::import(&app, &file, &["--values", "boxes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for _ in 0..3 {
        assert_eq!(app.submit("2026-midterm", &REQUIRED).status, 303);
    }
    // The one definition: 17 returned of 20 issued − 2 spare = 18 mailed, 1 of them
    // undeliverable; 15 valid: 15 / 17 = 88.2%; the 3 open answers are in neither.
    let counts = citizen_survey::db::counts::wave_counts(&mut app.db(), "2026-midterm").unwrap();
    assert_eq!(
        (
            counts.issued,
            counts.mailed(),
            counts.undeliverable,
            counts.returned(),
            counts.valid(),
            counts.open
        ),
        (20, 18, 1, 17, 15, 3)
    );
    // Rebuilt from the stored responses (another path, an older version): the same.
    citizen_survey::db::counts::rebuild(&mut app.db(), "2026-midterm").unwrap();
    assert_eq!(
        citizen_survey::db::counts::wave_counts(&mut app.db(), "2026-midterm").unwrap(),
        counts
    );
    assert_eq!(format!("{:.1}", counts.valid_rate().unwrap()), "88.2");

    let status = stdout(&app.cli(&["codes", "status", "--wave", "2026-midterm"]));
    assert!(status.starts_with("wave 2026-midterm: issued 20, spare 2, mailed (配布数) 18, undeliverable (宛先不明) 1; returned (回収数) 17: web 11 (64.7%), paper 4 (23.5%), paper without code 2 (11.8%); valid responses (有効回収数) 15 (returned without a valid answer 2); 有効回収率 88.2% = 15 / (18 − 1); paper without code left out of the estimates 0; open answers (not in the sample) 3"), "{status}");

    let analyst = crate::paper::signed_in(&app, "lead", "analyst");
    let dashboard = analyst.get("/analyst");
    assert!(
        dashboard.body.contains("<tbody><tr><td>20</td><td>2</td><td>18</td><td>1</td><td>17</td><td>15 (88.2%)</td><td>11 (64.7%)</td><td>4 (23.5%)</td><td>2 (11.8%)</td><td>0</td><td>3</td></tr></tbody>"),
        "{}",
        dashboard.body
    );

    // The report's 回収結果: the same 15 valid responses (4 on paper, 11 on the web).
    let dir = tempfile::tempdir().unwrap();
    let out = app.cli(&[
        "report",
        "--wave",
        "2026-midterm",
        "--output",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cells = crate::report::html_cells(
        &std::fs::read_to_string(dir.path().join("report.html")).unwrap(),
    );
    for (row, valid) in [("total", "15"), ("paper", "4"), ("web", "11")] {
        let key = (
            "collection".to_string(),
            row.to_string(),
            "valid".to_string(),
        );
        assert_eq!(cells.get(&key).map(String::as_str), Some(valid), "{row}");
    }

    // Exports: the responses export flags the same 17 returned as the sample, 15 of them
    // with a valid answer.
    let token = app.create_analyst("Exporter");
    let rows = analyst_csv(&app, &token, "/analyst/waves/2026-midterm/responses.csv");
    let in_sample = rows
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(3) == Some("true"))
        .count();
    assert_eq!(in_sample, 17);

    // Published after the close: the same count, and the survey outline.
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        {
            let mut s = settings(&app.database_url);
            s.definitions = app.definitions.clone();
            s
        },
        chrono::NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let b = crate::workspace::Browser::new(&closed);
    assert_eq!(b.sign_in("lead", crate::paper::PASSWORD).status, 303);
    let home = b.get("/analyst");
    let csrf = hidden_value(&home.body, "_csrf").unwrap();
    assert_eq!(
        b.post("/analyst/waves/2026-midterm/publish", &[("_csrf", &csrf)])
            .status,
        303
    );
    let published = citizen_survey::db::publications::find(&mut app.db(), "2026-midterm")
        .unwrap()
        .unwrap();
    assert_eq!(published.responses, 15);
    assert_eq!(published.returned, Some(17));
    assert_eq!(published.by_channel, Some((4, 11)));
    assert_eq!(published.mailing, Some((18, 1)));
    let ja = closed.get("/results/2026-midterm");
    for (label, value) in [
        ("対象", "吹田市に住民登録のある18歳以上の方"),
        (
            "抽出方法",
            "住民基本台帳から年齢層×地域で層化した系統抽出（3,000人）",
        ),
        ("配布数", "18"),
        ("回収数", "17"),
        ("有効回収数", "15（うち郵送 4、インターネット 11）"),
        ("回収率", "88.2%（宛先不明 1通を除く）"),
        ("調査期間", "2026年11月1日 – 2027年1月31日"),
    ] {
        assert!(
            ja.body
                .contains(&format!("<div><dt>{label}</dt><dd>{value}")),
            "{label}: {}",
            ja.body
        );
    }
    assert!(
        ja.body
            .contains("回答数：15（うち郵送 4、インターネット 11）")
    );
    let en = closed.get("/results/2026-midterm?lang=en");
    assert!(
        en.body.contains(
            "<div><dt>Response rate</dt><dd>88.2% (excluding 1 undeliverable letters)</dd></div>"
        ),
        "{}",
        en.body
    );
    for lang in ["zh", "ko", "vi", "ja-easy"] {
        let page = closed.get(&format!("/results/2026-midterm?lang={lang}"));
        assert!(page.body.contains("88.2%"), "{lang}");
    }
}
