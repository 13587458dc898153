//! Every export kind over HTTP and from the CLI, on whichever backend the suite runs on:
//! headers, encodings, suppression, masking, errors that list the allowed values, and the
//! derived score table against a recomputation.

use citizen_survey::db::submit::{Submission, store, store_batch};
use citizen_survey::domain::{AnswerValue, Answers, Lang, SubmissionKey};
use citizen_survey::stats::ScorePlan;
use diesel::prelude::*;

use crate::helpers::{TestApp, V1, spawn_app};

const KINDS: [&str; 8] = [
    "vision-scores",
    "vision-scores-by-group",
    "item-scores",
    "question-distribution",
    "wave-comparison",
    "responses",
    "codebook",
    "comments",
];

/// Twelve residents: ten aged 30–39 and two aged 70–79, all south of the JR line, half
/// female; everyone answers the v1 items and v2_any_age; one used online services "no";
/// everyone uses a smartphone, three also a PC; two leave comments with contact details.
fn submit_data_set(app: &TestApp) {
    for i in 0..12usize {
        let value = ((i % 5) + 1).to_string();
        let mut answers: Vec<(&str, &str)> = vec![
            ("age_band", if i < 10 { "age_30_39" } else { "age_70_79" }),
            ("area", "jr_south"),
            ("gender", if i % 2 == 0 { "female" } else { "male" }),
            ("used_online_services", if i == 11 { "no" } else { "yes" }),
            ("devices_used", "smartphone"),
            ("v2_any_age", "4"),
        ];
        answers.extend(V1.iter().map(|q| (*q, value.as_str())));
        if i < 3 {
            answers.push(("devices_used", "pc"));
        }
        if i == 0 {
            answers.push((
                "opinion_general",
                "=SUM(A1) 連絡先 taro@example.jp / 090-1234-5678 / 〒564-8550 🙂",
            ));
        }
        if i == 1 {
            answers.push((
                "opinion_improvements",
                "マイナンバー 1234 5678 9012 は書きません",
            ));
        }
        assert_eq!(app.submit("2026-midterm", &answers).status, 303);
    }
}

fn get(app: &TestApp, token: &str, path: &str) -> (u16, ureq::http::HeaderMap, Vec<u8>) {
    let mut response = app
        .agent
        .get(format!("{}{path}", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.body_mut().read_to_vec().unwrap();
    (status, headers, body)
}

fn download(app: &TestApp, token: &str, kind: &str, query: &str) -> Vec<u8> {
    let (status, headers, body) = get(
        app,
        token,
        &format!("/analyst/waves/2026-midterm/{kind}.csv{query}"),
    );
    assert_eq!(status, 200, "{kind}: {}", String::from_utf8_lossy(&body));
    assert_eq!(
        headers.get("content-disposition").unwrap(),
        &format!("attachment; filename=\"2026-midterm-{kind}.csv\"")
    );
    body
}

/// The CSV as lines (BOM stripped, split at CRLF; the last element is the empty tail).
fn lines(body: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(body).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 with BOM by default");
    let lines: Vec<String> = text.split("\r\n").map(String::from).collect();
    assert_eq!(lines.last().unwrap(), "", "ends with CRLF");
    lines
}

fn cli_export(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend(args);
    app.cli(&all)
}

#[test]
fn every_kind_has_its_header_and_the_cli_writes_the_same_bytes() {
    let app = spawn_app();
    submit_data_set(&app);
    let token = app.create_analyst("export tester");
    let headers = [
        "wave_id,vision_id,vision_name_ja,vision_name_en,respondents,mean_score,sd,ci95_lower,ci95_upper,top2_box_pct,suppressed,weighted_mean,weighted_se,weighted_ci95_lower,weighted_ci95_upper,weighted_top2_box_pct,weighted_kish_deff,weighted_effective_n",
        "wave_id,vision_id,vision_name_ja,vision_name_en,group_by,group_code,group_label_ja,group_label_en,respondents,mean_score,sd,ci95_lower,ci95_upper,top2_box_pct,suppressed,suppression",
        "wave_id,vision_id,question_id,question_ja,question_en,respondents,mean_score,sd,se,ci95_lower,ci95_upper,top2_box_pct,top2_ci95_lower,top2_ci95_upper,dont_know,dont_know_pct,suppressed",
        "wave_id,question_id,question_kind,question_ja,question_en,respondents,option_code,option_label_ja,option_label_en,count,share_pct,suppressed,suppression",
        "level,id,vision_id,name_ja,name_en,earlier_wave,later_wave,earlier_n,earlier_mean,later_n,later_mean,difference,ci95_lower,ci95_upper,p_value,significant,test,suppressed,weighted_earlier_mean,weighted_later_mean,weighted_difference,weighted_difference_se,weighted_difference_ci95_lower,weighted_difference_ci95_upper,weighted_p_value,weighted_significant,weighted_earlier_kish_deff,weighted_earlier_effective_n,weighted_later_kish_deff,weighted_later_effective_n,weighted_earlier_weight_min,weighted_earlier_weight_max,weighted_earlier_weight_ratio,weighted_later_weight_min,weighted_later_weight_max,weighted_later_weight_ratio",
        "",
        "wave_id,section_id,vision_id,question_id,question_kind,required,question_ja,question_en,option_code,option_label_ja,option_label_en,responses_column,question_number,box",
        "wave_id,question_id,question_ja,question_en,comment",
    ];
    let dir = tempfile::tempdir().unwrap();
    for (kind, header) in KINDS.iter().zip(headers) {
        let body = download(&app, &token, kind, "");
        let lines = lines(&body);
        if !header.is_empty() {
            assert_eq!(lines[0], header, "{kind}");
        }
        assert!(lines.len() > 2, "{kind} has rows: {lines:?}");
        let file = dir.path().join(format!("{kind}.csv"));
        let out = cli_export(
            &app,
            &[
                kind,
                "--wave",
                "2026-midterm",
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(&file).unwrap(), body, "{kind}: CLI = HTTP");
        let out = cli_export(
            &app,
            &[kind, "--wave", "2026-midterm", "--encoding", "utf-8"],
        );
        assert_eq!(out.stdout, &body[3..], "{kind}: stdout without BOM");
    }
}

#[test]
fn figures_are_suppressed_where_groups_are_small() {
    let app = spawn_app();
    submit_data_set(&app);
    let token = app.create_analyst("a");

    // By group: ten aged 30–39 and two aged 70–79: the 2 is blanked and, since the 10 would
    // give it away as 12 − 10, the 10 too; the empty bands are shown as 0.
    let by_group = lines(&download(&app, &token, "vision-scores-by-group", ""));
    let v1_age: Vec<&String> = by_group
        .iter()
        .filter(|l| l.starts_with("2026-midterm,v1,") && l.contains(",age_band,"))
        .collect();
    let row = |code: &str| {
        v1_age
            .iter()
            .find(|l| l.contains(&format!(",age_band,{code},")))
            .unwrap()
            .to_string()
    };
    assert!(
        row("age_30_39").ends_with(",,,,,,,true,complementary"),
        "{}",
        row("age_30_39")
    );
    assert!(
        row("age_18_29").ends_with(",0,,,,,,false,"),
        "{}",
        row("age_18_29")
    );
    assert!(
        row("age_70_79").ends_with(",,,,,,,true,primary"),
        "{}",
        row("age_70_79")
    );
    // Six women and six men: both below ten, so both blanked.
    let gender: Vec<&String> = by_group
        .iter()
        .filter(|l| l.starts_with("2026-midterm,v1,") && l.contains(",gender,"))
        .collect();
    assert_eq!(
        gender
            .iter()
            .filter(|l| l.ends_with(",true,primary"))
            .count(),
        2,
        "{gender:?}"
    );
    assert!(
        gender
            .iter()
            .all(|l| l.ends_with(",true,primary") || l.ends_with(",0,,,,,,false,")),
        "{gender:?}"
    );

    // Distribution: the one "no" blanked, and "yes" with it; 3 PCs blanked, 12 smartphones shown.
    let dist = lines(&download(&app, &token, "question-distribution", ""));
    let find = |q: &str, code: &str| {
        dist.iter()
            .find(|l| l.contains(&format!(",{q},")) && l.contains(&format!(",{code},")))
            .unwrap_or_else(|| panic!("{q} {code}: {dist:?}"))
            .to_string()
    };
    assert!(find("used_online_services", "yes").contains(",12,yes,"));
    // 11 "yes" would give away the one "no" (12 − 11; the other answers are empty, shown as 0).
    assert!(find("used_online_services", "yes").ends_with(",,,true,complementary"));
    assert!(find("used_online_services", "no").ends_with(",,,true,primary"));
    assert!(find("devices_used", "smartphone").contains(",12,100.0000,false,"));
    assert!(find("devices_used", "pc").ends_with(",,,true,primary"));
    // v2_any_age: everyone answered 4 (12 ≥ 10), the other answers are empty groups.
    assert!(find("v2_any_age", "4").contains(",12,100.0000,false,"));

    // Item scores: v1 items are shown (12 answers), v3 items have none and are flagged.
    let items = lines(&download(&app, &token, "item-scores", ""));
    let v1 = items
        .iter()
        .find(|l| l.contains(",v1_fewer_visits,"))
        .unwrap();
    // Values 1,2,3,4,5,1,2,3,4,5,1,2 → 0–100: mean 525/12 = 43.75.
    // Two or three of each answer: the item's figures would give those counts away.
    assert!(v1.ends_with(",,,,,,,,,,,true"), "{v1}");
    let v3 = items
        .iter()
        .find(|l| l.contains(",v3_staff_skills,"))
        .unwrap();
    assert!(v3.ends_with(",,,,,,,,,,,true"), "{v3}");

    // Wave comparison: nothing in 2028 yet, so every row is blanked.
    let cmp = lines(&download(&app, &token, "wave-comparison", ""));
    assert!(cmp[1].starts_with("vision,v1,v1,"), "{}", cmp[1]);
    assert!(cmp[1].contains(",2026-midterm,2028-final,"));
    assert!(
        cmp[1..cmp.len() - 1]
            .iter()
            .all(|l| l.ends_with(&format!(",true{}", ",".repeat(18))))
    );
}

#[test]
fn comments_are_masked_and_responses_leave_free_text_out() {
    let app = spawn_app();
    submit_data_set(&app);
    let token = app.create_analyst("a");
    let comments = lines(&download(&app, &token, "comments", ""));
    assert_eq!(
        comments.len(),
        4,
        "header, two comments, tail: {comments:?}"
    );
    let all = comments.join("\n");
    assert!(
        all.contains("'=SUM(A1) 連絡先 [EMAIL] / [PHONE] / [POSTAL_CODE] 🙂"),
        "{all}"
    );
    assert!(
        all.contains("マイナンバー [ID_NUMBER] は書きません"),
        "{all}"
    );
    for secret in ["taro@", "090-1234", "564-8550", "9012"] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }

    let responses = lines(&download(&app, &token, "responses", ""));
    assert_eq!(responses.len(), 14, "header, twelve responses, tail");
    let header: Vec<&str> = responses[0].split(',').collect();
    assert_eq!(header[..3], ["wave_id", "channel", "language"]);
    assert!(header.contains(&"v1_fewer_visits"));
    assert!(header.contains(&"devices_used__smartphone"));
    assert!(
        !header.iter().any(|h| h.starts_with("opinion")),
        "{header:?}"
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let pcs = responses[1..13]
        .iter()
        .map(|l| {
            l.split(',')
                .nth(col("devices_used__pc"))
                .unwrap()
                .to_string()
        })
        .collect::<Vec<_>>();
    assert_eq!(pcs.iter().filter(|v| *v == "1").count(), 3);
    assert_eq!(pcs.iter().filter(|v| *v == "0").count(), 9);
    assert!(!responses.join("").contains("taro@"));
}

/// The `comments` export masks as every other view of a comment (masking v2): names and
/// addresses too, not only contact details, with the city's own dictionary
/// (words.toml `[dictionary]`) — on the page's download and the command line alike.
#[test]
fn the_comments_export_masks_names_and_addresses_with_the_citys_dictionary() {
    let database = crate::helpers::TestDatabase::new();
    let mut settings = crate::helpers::settings(&database.url);
    settings.definitions = crate::helpers::definitions_with_example_weights();
    std::fs::create_dir_all(settings.definitions.join("text")).unwrap();
    std::fs::write(
        settings.definitions.join("text/words.toml"),
        "[dictionary]\n\"ゆめみ\" = \"person\"\n\"市民課\" = \"organisation\"\n",
    )
    .unwrap();
    let app =
        crate::helpers::spawn_app_with_settings(database, settings, crate::helpers::midterm_day());
    let comments = [
        "市民課の田中さんに電話したら丁寧でした",
        "千里山東3丁目に住んでいますが窓口が遠い",
        "ゆめみと一緒にオンラインで申請しました",
    ];
    for c in comments {
        let mut answers: Vec<(&str, &str)> = vec![
            ("age_band", "age_30_39"),
            ("area", "jr_south"),
            ("gender", "female"),
            ("used_online_services", "yes"),
            ("devices_used", "smartphone"),
            ("v2_any_age", "4"),
        ];
        answers.extend(V1.iter().map(|q| (*q, "3")));
        answers.push(("opinion_general", c));
        assert_eq!(app.submit("2026-midterm", &answers).status, 303);
    }
    let token = app.create_analyst("a");
    let web = download(&app, &token, "comments", "");
    let all = lines(&web).join("\n");
    for masked in [
        "市民課の[NAME]さんに電話したら丁寧でした",
        "[ADDRESS]に住んでいますが窓口が遠い",
        "[NAME]と一緒にオンラインで申請しました",
    ] {
        assert!(all.contains(masked), "{masked} missing: {all}");
    }
    for secret in ["田中", "千里山", "3丁目", "ゆめみ"] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = cli_export(
        &app,
        &[
            "comments",
            "--wave",
            "2026-midterm",
            "--output",
            file.path().to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(file.path()).unwrap(),
        web,
        "the command line masks as the page does"
    );
}

#[test]
fn shift_jis_decodes_to_the_same_text_or_names_what_it_cannot_hold() {
    let app = spawn_app();
    submit_data_set(&app);
    let token = app.create_analyst("a");
    // Windows-31J writes a few look-alikes at other code points.
    let normalise = |s: &str| {
        s.replace('\u{2015}', "\u{2014}")
            .replace('\u{FF5E}', "\u{301C}")
    };
    for kind in KINDS.iter().filter(|k| **k != "comments") {
        let utf8 = download(&app, &token, kind, "?encoding=utf-8");
        let sjis = download(&app, &token, kind, "?encoding=shift_jis");
        let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&sjis);
        assert!(!errors, "{kind}");
        assert_eq!(
            normalise(&decoded),
            normalise(std::str::from_utf8(&utf8).unwrap()),
            "{kind}"
        );
    }
    // The emoji in a comment cannot be written: 400 naming the row and column…
    let (status, _, body) = get(
        &app,
        &token,
        "/analyst/waves/2026-midterm/comments.csv?encoding=shift_jis",
    );
    assert_eq!(status, 400);
    let message = String::from_utf8(body).unwrap();
    assert!(message.contains("column `comment`"), "{message}");
    assert!(message.contains("row "), "{message}");
    let out = cli_export(
        &app,
        &[
            "comments",
            "--wave",
            "2026-midterm",
            "--encoding",
            "shift_jis",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("column `comment`"));
    // …unless the analyst asks for replacement, which is said.
    let (status, headers, body) = get(
        &app,
        &token,
        "/analyst/waves/2026-midterm/comments.csv?encoding=shift_jis&unencodable=replace",
    );
    assert_eq!(status, 200);
    assert_eq!(headers.get("x-unencodable").unwrap(), "replaced-with-geta");
    let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&body);
    assert!(!errors);
    assert!(decoded.contains("[POSTAL_CODE] 〓"), "{decoded}");
    let out = cli_export(
        &app,
        &[
            "comments",
            "--wave",
            "2026-midterm",
            "--encoding",
            "shift_jis",
            "--on-unencodable",
            "replace",
        ],
    );
    assert!(out.status.success());
    assert_eq!(out.stdout, body);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("1 character(s) that shift_jis cannot hold were replaced with 〓")
    );
}

#[test]
fn unknown_kinds_encodings_and_waves_list_the_allowed_values() {
    let app = spawn_app();
    let token = app.create_analyst("a");
    let (status, _, body) = get(&app, &token, "/analyst/waves/2026-midterm/votes.csv");
    assert_eq!(status, 404);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("use one of vision-scores, vision-scores-by-group, item-scores, question-distribution, wave-comparison, responses, codebook, comments")
    );
    let (status, _, body) = get(
        &app,
        &token,
        "/analyst/waves/2026-midterm/responses.csv?encoding=latin1",
    );
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("utf-8-bom, utf-8, shift_jis")
    );
    let (status, _, body) = get(
        &app,
        &token,
        "/analyst/waves/2026-midterm/responses.csv?unencodable=drop",
    );
    assert_eq!(status, 400);
    assert!(String::from_utf8(body).unwrap().contains("fail, replace"));
    let (status, _, body) = get(&app, &token, "/analyst/waves/1999/codebook.csv");
    assert_eq!(status, 404);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("2026-midterm, 2028-final")
    );
    // Without a token, nothing is said about kinds.
    let response = app
        .agent
        .get(format!(
            "{}/analyst/waves/2026-midterm/votes.csv",
            app.address
        ))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);

    for (args, expected) in [
        (
            &["votes", "--wave", "2026-midterm"][..],
            "use one of vision-scores,",
        ),
        (
            &["codebook", "--wave", "2026-midterm", "--encoding", "latin1"][..],
            "utf-8-bom, utf-8, shift_jis",
        ),
        (
            &["codebook", "--wave", "1999"][..],
            "2026-midterm, 2028-final",
        ),
    ] {
        let out = cli_export(&app, args);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

type Sums = (String, String, String, String, i64, i64, f64, f64, f64, f64);

fn sums(app: &TestApp) -> Vec<Sums> {
    use citizen_survey::db::schema::vision_score_sums as t;
    t::table
        .select((
            t::vision_id,
            t::age_band,
            t::area,
            t::gender,
            t::respondents,
            t::n,
            t::score_sum,
            t::score_sum_sq,
            t::top2_sum,
            t::top2_sum_sq,
        ))
        .order((t::vision_id, t::age_band, t::area, t::gender))
        .load(&mut app.db())
        .unwrap()
}

#[test]
fn the_running_totals_equal_a_recomputation_from_the_answers() {
    let app = spawn_app();
    submit_data_set(&app);
    let token = app.create_analyst("a");
    // Written as the responses were stored.
    let totals = sums(&app);
    assert_eq!(
        totals.len(),
        5 * 4,
        "per vision: (two age bands, one area) × two genders (one channel)"
    );
    let before = download(&app, &token, "vision-scores", "");
    // Throw them away: the next export recomputes them from the answers.
    {
        use citizen_survey::db::schema::vision_score_sums;
        diesel::delete(vision_score_sums::table)
            .execute(&mut app.db())
            .unwrap();
    }
    let after = download(&app, &token, "vision-scores", "");
    assert_eq!(before, after);
    let rebuilt = sums(&app);
    assert_eq!(rebuilt.len(), totals.len());
    for (a, b) in rebuilt.iter().zip(&totals) {
        assert_eq!(
            (&a.0, &a.1, &a.2, &a.3, a.4, a.5),
            (&b.0, &b.1, &b.2, &b.3, b.4, b.5)
        );
        for (x, y) in [(a.6, b.6), (a.7, b.7), (a.8, b.8), (a.9, b.9)] {
            assert!((x - y).abs() <= 1e-9 * y.abs().max(1.0), "{a:?} != {b:?}");
        }
    }
    // Totals that disagree with the responses (here: one response too many) are rebuilt.
    {
        use citizen_survey::db::schema::vision_score_sums as t;
        diesel::update(t::table)
            .set(t::respondents.eq(t::respondents + 1))
            .execute(&mut app.db())
            .unwrap();
    }
    assert_eq!(download(&app, &token, "vision-scores", ""), before);
}

#[test]
fn waves_are_compared_item_by_item() {
    let app = crate::helpers::spawn_app_with_example_weights();
    submit_data_set(&app);
    let token = app.create_analyst("a");
    // Twelve 2028 responses, everyone one point higher on v1 (stored as the web would).
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let wave = defs.wave("2028-final").unwrap();
    let plan = std::sync::Arc::new(ScorePlan::new(wave, &defs.visions));
    let day = chrono::NaiveDate::from_ymd_opt(2028, 10, 15).unwrap();
    for i in 0..12usize {
        let v = ((i % 5) + 2).min(5) as u8;
        let mut values: Vec<(String, AnswerValue)> = vec![
            ("age_band".into(), AnswerValue::Choice("age_30_39".into())),
            ("area".into(), AnswerValue::Choice("jr_south".into())),
        ];
        values.extend(V1.iter().map(|q| (q.to_string(), AnswerValue::Scale(v))));
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
    let from_2026 = download(&app, &token, "wave-comparison", "");
    let (status, _, from_2028) = get(
        &app,
        &token,
        "/analyst/waves/2028-final/wave-comparison.csv",
    );
    assert_eq!(status, 200);
    assert_eq!(from_2026, from_2028, "either wave names the same pair");
    let lines = lines(&from_2026);
    let v1 = lines.iter().find(|l| l.starts_with("vision,v1,")).unwrap();
    // 2026 scores 0,25,50,75,100,… (mean 525/12 = 43.75); 2028 25,50,75,100,100,…
    // (mean 775/12 = 64.5833).
    assert!(v1.contains(",12,43.7500,12,64.5833,20.8333,"), "{v1}");
    assert!(v1.contains(",welch,false,"), "{v1}");
    // The weighted comparison beside it (one age band and area: weights equal, the same
    // means).
    assert!(v1.contains(",welch,false,43.7500,64.5833,20.8333,"), "{v1}");
    // Each side's weighting diagnostics at the end: equal weights, Kish deff 1, the
    // effective n the 12 respondents, the smallest weight the largest (ratio 1).
    let cells: Vec<&str> = v1.rsplit(',').take(10).collect::<Vec<_>>();
    let [
        l_ratio,
        l_max,
        l_min,
        e_ratio,
        e_max,
        e_min,
        l_eff,
        l_deff,
        e_eff,
        e_deff,
    ] = cells[..]
    else {
        panic!("{v1}")
    };
    assert_eq!(
        [e_deff, e_eff, l_deff, l_eff],
        ["1.00000", "12.0000", "1.00000", "12.0000"],
        "{v1}"
    );
    assert_eq!([e_ratio, l_ratio], ["1.00000", "1.00000"], "{v1}");
    assert_eq!(e_min, e_max, "{v1}");
    assert_eq!(l_min, l_max, "{v1}");
    assert!(e_min.parse::<f64>().unwrap() > 1.0, "{v1}");
    // Items with fewer than ten of some answer are blanked as in item-scores.
    let item = lines
        .iter()
        .find(|l| l.starts_with("item,v1_fewer_visits,v1,"))
        .unwrap();
    assert!(item.contains(",true,"), "{item}");
    // v2 has 2026 answers only.
    let v2 = lines.iter().find(|l| l.starts_with("vision,v2,")).unwrap();
    // Blanked, the weighted figures and their diagnostics with them.
    assert!(v2.ends_with(&format!(",true{}", ",".repeat(18))), "{v2}");
}

#[test]
fn without_a_population_file_the_weighted_columns_are_blank() {
    // The bundled definitions without population.csv.
    let dir = tempfile::tempdir().unwrap();
    let source = crate::helpers::definitions_dir();
    std::fs::create_dir(dir.path().join("waves")).unwrap();
    std::fs::copy(source.join("visions.toml"), dir.path().join("visions.toml")).unwrap();
    for wave in ["2026-midterm", "2028-final"] {
        let file = format!("waves/{wave}.toml");
        std::fs::copy(source.join(&file), dir.path().join(&file)).unwrap();
    }
    let database = crate::helpers::TestDatabase::new();
    let mut settings = crate::helpers::settings(&database.url);
    settings.definitions = dir.path().to_path_buf();
    let app =
        crate::helpers::spawn_app_with_settings(database, settings, crate::helpers::midterm_day());
    submit_data_set(&app);
    let token = app.create_analyst("a");
    let lines = lines(&download(&app, &token, "vision-scores", ""));
    // v1 is shown (12 respondents) with its unweighted figures only.
    assert!(lines[1].contains(",12,43.7500,"), "{}", lines[1]);
    assert!(lines[1].ends_with(",false,,,,,,,"), "{}", lines[1]);
}

#[test]
fn a_large_export_streams_in_chunks_with_the_same_bytes_as_the_cli() {
    let app = spawn_app();
    let token = app.create_analyst("a");
    // 1,500 responses answering every scored item and the multiple-choice questions,
    // stored as the writer stores them (group commits of 100): a file of several 64 KiB
    // chunks. (One outer transaction around 1,500 single stores made PostgreSQL's mixing
    // rescan every row version the transaction had rewritten: 75 minutes in CI.)
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let wave = defs.wave("2026-midterm").unwrap();
    let plan = std::sync::Arc::new(ScorePlan::new(wave, &defs.visions));
    let items: Vec<String> = wave.scored_items().map(|(_, q)| q.id.clone()).collect();
    let mut conn = app.db();
    let submissions: Vec<Submission> = (0..1500usize)
        .map(|i| {
            let mut values: Vec<(String, AnswerValue)> = vec![
                ("age_band".into(), AnswerValue::Choice("age_40_49".into())),
                ("area".into(), AnswerValue::Choice("jr_south".into())),
                (
                    "devices_used".into(),
                    AnswerValue::Choices(vec!["smartphone".into(), "pc".into()]),
                ),
            ];
            values.extend(
                items
                    .iter()
                    .map(|q| (q.clone(), AnswerValue::Scale((i % 5) as u8 + 1))),
            );
            let answers = Answers {
                key: SubmissionKey::generate(),
                lang: Lang::Ja,
                values,
            };
            Submission::open_web(plan.clone(), crate::helpers::midterm_day(), answers)
        })
        .collect();
    for chunk in submissions.chunks(100) {
        store_batch(&mut conn, chunk).unwrap();
    }
    let body = download(&app, &token, "responses", "");
    assert!(body.len() > 2 * 64 * 1024, "{} bytes", body.len());
    assert_eq!(lines(&body).len(), 1502, "header, 1,500 rows, tail");
    let out = cli_export(&app, &["responses", "--wave", "2026-midterm"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, body);
    // The totals kept while storing give the same figures as a recomputation.
    let scores = download(&app, &token, "vision-scores", "");
    {
        use citizen_survey::db::schema::vision_score_sums;
        diesel::delete(vision_score_sums::table)
            .execute(&mut app.db())
            .unwrap();
    }
    assert_eq!(download(&app, &token, "vision-scores", ""), scores);
    assert!(
        lines(&scores)[1].contains(",1500,50.0000,"),
        "{:?}",
        lines(&scores)[1]
    );
}
