//! The comments' coding, review and publication end to end (docs/free-text.md), on whichever
//! backend the suite runs on: answers taken into coding masked and without anything of
//! their response; first coding by one analyst, blind second coding and review by another
//! (never their own); Cohen's κ on the page; publication; and the attacker's view: holding
//! only the public pages and files, no comment sits next to an attribute or can be joined
//! to one, and a withheld or pending comment is nowhere public.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use citizen_survey::db::schema::{comment_codes, comments, responses};
use diesel::prelude::*;

use crate::helpers::{
    TestApp, TestDatabase, V1, columns, hidden_value, midterm_day, settings, spawn_app_on,
    spawn_app_with_settings,
};
use crate::workspace::{Browser, create_with_password};

pub(crate) const PASSWORD: &str = "correct horse battery staple";
pub(crate) const WAVE: &str = "2026-midterm";
pub(crate) const PAGE: &str = "/analyst/waves/2026-midterm/comments";

/// `(comment, how many residents write it, what the first coder decides)`.
pub(crate) const COMMENTS: [(&str, usize, &str); 7] = [
    (
        "窓口で長く待った。オンライン申請を増やしてほしい",
        6,
        "approve",
    ),
    ("スマホの申請は便利だが、窓口も残してほしい", 5, "approve"),
    (
        "市民課の田中さんが親切でした。連絡は 090-1234-5678 まで",
        3,
        "approve",
    ),
    ("防災アプリの通知が遅いので改善してほしい", 4, "pending"),
    (
        "職員の対応が最悪で許せない、名前を出してやる",
        2,
        "withhold",
    ),
    ("オンライン申請のページがわかりにくい", 4, "review_withhold"),
    ("紙の申請書も残してください", 2, "approve_later_withheld"),
];

/// The residents: each comment written by its count of residents, of varied attributes.
pub(crate) fn submit(app: &TestApp) {
    let ages = ["age_18_29", "age_30_39", "age_40_49", "age_70_79"];
    let mut i = 0;
    for (text, n, _) in COMMENTS {
        for _ in 0..n {
            let mut answers: Vec<(&str, &str)> = vec![
                ("age_band", ages[i % ages.len()]),
                (
                    "area",
                    if i % 2 == 0 {
                        "jr_south"
                    } else {
                        "katayama_kishibe"
                    },
                ),
                ("opinion_general", text),
            ];
            answers.extend(V1.iter().map(|q| (*q, "4")));
            let page = app.submit(WAVE, &answers);
            assert_eq!(page.status, 303, "{}", page.body);
            i += 1;
        }
    }
    // A resident who leaves the question blank gives no comment.
    let mut answers: Vec<(&str, &str)> = vec![("age_band", "age_30_39"), ("area", "jr_south")];
    answers.extend(V1.iter().map(|q| (*q, "3")));
    let blank = app.submit(WAVE, &answers);
    assert_eq!(blank.status, 303, "{}", blank.body);
}

/// The id of the comment the page's form works on, and its masked text.
fn current(page: &str) -> Option<(String, String)> {
    let marker = format!("action=\"{PAGE}/");
    let id = page
        .split(&marker)
        .skip(1)
        .find(|rest| !rest.starts_with("load"))?[..36]
        .to_string();
    let q = page.find("id=\"comment-text\">")? + "id=\"comment-text\">".len();
    let end = q + page[q..].find("</blockquote>")?;
    Some((id, page[q..end].to_string()))
}

fn original_of(masked: &str) -> (&'static str, &'static str) {
    let (text, _, decision) = COMMENTS
        .iter()
        .find(|(t, _, _)| {
            let head: String = t.chars().take(4).collect();
            masked.starts_with(&head)
        })
        .unwrap_or_else(|| panic!("unknown comment {masked}"));
    (text, decision)
}

fn post(browser: &Browser<'_>, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    browser.post(path, fields)
}

fn status_rows(app: &TestApp) -> Vec<(String, String)> {
    comments::table
        .select((comments::masked, comments::status))
        .load(&mut app.db())
        .unwrap()
}

/// [`coded`], then published by bob.
fn coded_and_published(open: &TestApp) -> TestApp {
    let closed = coded(open);
    publish(&closed);
    closed
}

/// Publishes the wave (bob, on the dashboard's button).
pub(crate) fn publish(closed: &TestApp) {
    let browser = Browser::new(closed);
    assert_eq!(browser.sign_in("bob", PASSWORD).status, 303);
    let csrf = browser.csrf();
    let done = browser.post(
        &format!("/analyst/waves/{WAVE}/publish"),
        &[("_csrf", &csrf)],
    );
    assert_eq!(done.status, 303, "{}", done.body);
}

/// Takes the answers ([`submit`] first) in and codes them as [`COMMENTS`] says (ann codes, bob reviews and
/// second-codes); returns the app on the same database after the close, not published.
pub(crate) fn coded(open: &TestApp) -> TestApp {
    create_with_password(open, "ann", PASSWORD);
    create_with_password(open, "bob", PASSWORD);
    // While the survey runs, nothing is taken in.
    let during = Browser::new(open);
    assert_eq!(during.sign_in("ann", PASSWORD).status, 303);
    let csrf = during.csrf();
    let refused = post(
        &during,
        &format!("{PAGE}/load"),
        &[("_csrf", &csrf), ("question", "opinion_general")],
    );
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("調査の終了後"), "{}", refused.body);
    assert_eq!(open.count_rows("comments"), 0);
    // After the close, a second instance on the same database: coding and publication.
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&open.database_url),
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let ann = Browser::new(&closed);
    assert_eq!(ann.sign_in("ann", PASSWORD).status, 303);
    let page = ann.get(PAGE);
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = hidden_value(&page.body, "_csrf").unwrap();
    let loaded = post(
        &ann,
        &format!("{PAGE}/load"),
        &[("_csrf", &csrf), ("question", "opinion_general")],
    );
    assert_eq!(loaded.status, 303, "{}", loaded.body);
    // Loading again adds nothing.
    post(
        &ann,
        &format!("{PAGE}/load"),
        &[("_csrf", &csrf), ("question", "opinion_general")],
    );
    assert_eq!(open.count_rows("comments"), 26);

    // First coding, one comment at a time, as the page offers them.
    loop {
        let page = ann.get(&format!("{PAGE}?question=opinion_general&mode=code"));
        let Some((id, masked)) = current(&page.body) else {
            break;
        };
        let (_, decision) = original_of(&masked);
        let path = format!("{PAGE}/{id}");
        let fields: Vec<(&str, &str)> = match decision {
            "pending" => break,
            "withhold" => vec![
                ("_csrf", &csrf),
                ("action", "code"),
                ("decision", "withhold"),
                ("reason", "defamatory"),
            ],
            _ => vec![
                ("_csrf", &csrf),
                ("action", "code"),
                ("code", "online_procedures"),
                ("code", "waiting_time"),
                ("summary", "オンライン化の要望"),
                ("decision", "verbatim"),
            ],
        };
        let saved = post(&ann, &path, &fields);
        assert_eq!(saved.status, 303, "{}", saved.body);
    }
    // Pending ones stay pending: code the others past them.
    let pending: Vec<String> = comments::table
        .filter(comments::status.eq("pending"))
        .select(comments::id)
        .load(&mut open.db())
        .unwrap();
    for id in pending {
        let page = ann.get(&format!("{PAGE}?question=opinion_general"));
        assert_eq!(page.status, 200);
        let masked: String = comments::table
            .find(&id)
            .select(comments::masked)
            .first(&mut open.db())
            .unwrap();
        let (_, decision) = original_of(&masked);
        let fields: Vec<(&str, &str)> = match decision {
            "pending" => continue,
            "withhold" => vec![
                ("_csrf", &csrf),
                ("action", "code"),
                ("decision", "withhold"),
                ("reason", "defamatory"),
            ],
            _ => vec![
                ("_csrf", &csrf),
                ("action", "code"),
                ("code", "online_procedures"),
                ("decision", "verbatim"),
            ],
        };
        assert_eq!(post(&ann, &format!("{PAGE}/{id}"), &fields).status, 303);
    }

    // Review: ann is offered none of her own, and cannot approve one by hand.
    let review = ann.get(&format!("{PAGE}?question=opinion_general&mode=review"));
    assert!(current(&review.body).is_none(), "{}", review.body);
    let own: String = comments::table
        .filter(comments::status.eq("coded"))
        .select(comments::id)
        .first(&mut open.db())
        .unwrap();
    let refused = post(
        &ann,
        &format!("{PAGE}/{own}"),
        &[("_csrf", &csrf), ("action", "approve")],
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("自分がコーディングした"),
        "{}",
        refused.body
    );

    let bob = Browser::new(&closed);
    assert_eq!(bob.sign_in("bob", PASSWORD).status, 303);
    let bob_csrf = bob.csrf();
    loop {
        let page = bob.get(&format!("{PAGE}?question=opinion_general&mode=review"));
        let Some((id, masked)) = current(&page.body) else {
            break;
        };
        let (_, decision) = original_of(&masked);
        let fields: Vec<(&str, &str)> = if decision == "review_withhold" {
            vec![
                ("_csrf", &bob_csrf),
                ("action", "withhold"),
                ("reason", "off_topic"),
            ]
        } else {
            vec![("_csrf", &bob_csrf), ("action", "approve")]
        };
        assert_eq!(post(&bob, &format!("{PAGE}/{id}"), &fields).status, 303);
    }
    // Bob's blind second coding of a sample of 4: he agrees on online_procedures
    // everywhere and adds waiting_time nowhere.
    for _ in 0..4 {
        let page = bob.get(&format!("{PAGE}?question=opinion_general&mode=second"));
        let (id, _) = current(&page.body).expect("a comment to second-code");
        assert!(
            !page
                .body
                .contains("name=\"code\" value=\"online_procedures\" checked"),
            "the first coding is not shown"
        );
        let saved = post(
            &bob,
            &format!("{PAGE}/{id}"),
            &[
                ("_csrf", &bob_csrf),
                ("action", "second"),
                ("code", "online_procedures"),
            ],
        );
        assert_eq!(saved.status, 303);
    }
    let page = bob.get(&format!("{PAGE}?question=opinion_general"));
    assert!(
        page.body.contains("id=\"double-coded\">4<"),
        "{}",
        page.body
    );
    closed
}

#[test]
fn comments_are_coded_reviewed_by_another_analyst_and_published_masked() {
    let open = spawn_app_on(midterm_day());
    let before = open.get(&format!("/results/{WAVE}/comments"));
    assert_eq!(before.status, 404, "nothing before publication");
    submit(&open);
    let closed = coded_and_published(&open);

    // The rows: nothing of the response, masked text only.
    let cols = columns(&mut open.db(), "comments");
    assert_eq!(
        cols.iter().cloned().collect::<BTreeSet<_>>(),
        [
            "id",
            "wave_id",
            "question_id",
            "digest",
            "masked",
            "flags",
            "status",
            "summary",
            "publish_as",
            "fuseji",
            "withheld_reason",
            "cluster_label",
            "coded_by",
            "second_coded_by",
            "reviewed_by"
        ]
        .map(String::from)
        .into_iter()
        .collect()
    );
    let rows = status_rows(&open);
    assert!(
        rows.iter()
            .all(|(m, _)| !m.contains("田中") && !m.contains("090-1234"))
    );
    let count = |s: &str| rows.iter().filter(|(_, x)| x == s).count();
    assert_eq!(
        (
            count("pending"),
            count("approved"),
            count("withheld"),
            count("coded")
        ),
        (4, 6 + 5 + 3 + 2, 2 + 4, 0)
    );
    let codes: i64 = comment_codes::table
        .count()
        .get_result(&mut open.db())
        .unwrap();
    assert!(codes > 0);
    // κ: bob agreed on online_procedures (κ undefined: everyone has it) and left out
    // waiting_time where ann gave it to some: shown per code.
    let ann = Browser::new(&open);
    ann.sign_in("ann", PASSWORD);
    let page = ann.get(&format!("{PAGE}?question=opinion_general"));
    assert!(
        page.body.contains("<code>waiting_time</code>"),
        "{}",
        page.body
    );

    // The public page: approved comments, masked, by code, with counts.
    let public = closed.get(&format!("/results/{WAVE}/comments"));
    assert_eq!(public.status, 200);
    let body = &public.body;
    assert!(body.contains("窓口で長く待った。オンライン申請を増やしてほしい"));
    assert!(body.contains("市民課の[NAME]"), "{body}");
    for secret in [
        "田中",
        "090-1234-5678",
        "最悪",
        "防災アプリ",
        "わかりにくい",
    ] {
        assert!(!body.contains(secret), "{secret} is public");
    }
    // online_procedures: 6 + 5 + 3 + 4 + 2 = 20 coded comments (withheld included).
    assert!(body.contains("このテーマのご意見：20 件"), "{body}");
    // Code × group of the coding: counts only, small groups blanked.
    let table_at = |min_group_size: &str, extra: &[&str]| {
        let mut args = vec![
            "text",
            "code-table",
            "--wave",
            WAVE,
            "--question",
            "opinion_general",
            "--encoding",
            "utf-8",
        ];
        args.extend_from_slice(extra);
        let out = open.cli_with_min_group_size(min_group_size, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let table = |extra: &[&str]| table_at("10", extra);
    let all = table(&[]);
    // 22 coded comments (4 pending); online_procedures on 6 + 5 + 3 + 4 + 2 = 20.
    assert!(
        all.contains("all,all,22,online_procedures,手続きのオンライン化,v1,20,90.9091,,,,\r\n"),
        "{all}"
    );
    let by_age = table(&["--group", "age_band"]);
    let rows: Vec<&str> = by_age.lines().skip(1).collect();
    // Each age band has 5 or 6 coded comments: every one is blanked.
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.ends_with(",,,primary,,,") || r.ends_with(",,,complementary,,,")),
        "{by_age}"
    );
    assert!(!by_age.contains("長く待った"), "no comment text");
    // With every group shown (a minimum of 1), each code's χ² over the age bands is that of
    // the table's own counts, on every row of the code.
    let shown = table_at("1", &["--group", "age_band"]);
    let online: Vec<Vec<&str>> = shown
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[3] == "online_procedures")
        .collect();
    assert!(online.len() >= 2, "{shown}");
    let counts: Vec<Vec<u64>> = online
        .iter()
        .map(|f| {
            let (n, x): (u64, u64) = (f[2].parse().unwrap(), f[6].parse().unwrap());
            vec![x, n - x]
        })
        .collect();
    let expected = citizen_survey::text::compare::chi_square(&counts).expect("a test");
    for f in &online {
        assert_eq!(f[9], format!("{:.6}", expected.statistic), "{shown}");
        assert_eq!(f[10], expected.df.to_string());
        assert_eq!(f[11], format!("{:.6}", expected.p_value));
    }
    // The report's chapter Ⅵ: the same coded opinions, by code with the published count;
    // the public edition holds nothing withheld or pending either.
    for edition in [&[][..], &["--public"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "report",
            "--wave",
            WAVE,
            "--output",
            dir.path().to_str().unwrap(),
        ];
        args.extend_from_slice(edition);
        let out = open.cli(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
        let ch6 = &html[html.find("id=\"ch6\"").unwrap()..html.find("id=\"appendix\"").unwrap()];
        assert!(ch6.contains("分類別の主な意見"), "{edition:?}");
        assert!(
            ch6.contains("data-code=\"online_procedures\" data-count=\"20\""),
            "{edition:?}"
        );
        assert!(ch6.contains("<li>窓口で長く待った。オンライン申請を増やしてほしい</li>"));
        assert!(!ch6.contains("田中") && !ch6.contains("090-1234-5678"));
        if edition.is_empty() {
            continue;
        }
        for secret in ["最悪", "防災アプリ", "わかりにくい"] {
            assert!(!ch6.contains(secret), "{secret} is in the public report");
        }
    }
    // Operators never see the coding page.
    create_with_operator(&open);
}

fn create_with_operator(app: &TestApp) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .args([
            "analyst",
            "create",
            "opr",
            "--role",
            "operator",
            "--password",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("SURVEY_DEFINITIONS", &app.definitions)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            writeln!(child.stdin.take().unwrap(), "{PASSWORD}")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let operator = Browser::new(app);
    assert_eq!(operator.sign_in("opr", PASSWORD).status, 303);
    assert_eq!(operator.get(PAGE).status, 403);
}

/// Every public page and file of a wave, in every language.
fn public_pages(app: &TestApp) -> Vec<(String, String)> {
    let mut paths = vec![
        "/".to_string(),
        format!("/results/{WAVE}"),
        format!("/results/{WAVE}.csv"),
        format!("/results/{WAVE}/evaluation.csv"),
    ];
    for lang in ["ja", "en", "zh", "ko", "vi", "ja-easy"] {
        paths.push(format!("/?lang={lang}"));
        paths.push(format!("/results/{WAVE}?lang={lang}"));
        paths.push(format!("/results/{WAVE}/comments?lang={lang}"));
    }
    paths
        .into_iter()
        .map(|p| {
            let page = app.get(&p);
            (p, page.body)
        })
        .collect()
}

/// The texts of every comment quoted on a comments page, section by section.
fn quoted(body: &str) -> Vec<Vec<String>> {
    body.split("<section id=\"code-")
        .skip(1)
        .map(|section| {
            section
                .split("<blockquote>")
                .skip(1)
                .map(|q| q[..q.find("</blockquote>").unwrap()].to_string())
                .collect()
        })
        .collect()
}

#[test]
fn an_attacker_holding_the_public_pages_cannot_put_a_comment_next_to_an_attribute() {
    let open = spawn_app_on(midterm_day());
    submit(&open);
    let closed = coded_and_published(&open);
    let defs = citizen_survey::definitions::load_dir(&open.definitions).unwrap();
    let wave = defs.wave(WAVE).unwrap();
    // Every label of every attribute a resident gave (choice answers), in every language.
    let mut attributes: Vec<String> = Vec::new();
    for q in wave.questions() {
        if !["age_band", "area", "gender"].contains(&q.id.as_str()) {
            continue;
        }
        for o in q.kind.options() {
            for lang in citizen_survey::domain::Lang::all() {
                attributes.push(o.label.get(lang).to_string());
            }
        }
    }
    attributes.retain(|a| a.chars().count() >= 2 && !a.contains('{'));
    let withheld_or_pending = [
        "防災アプリ",
        "最悪",
        "わかりにくい",
        "紙の申請書",
        "田中",
        "090-1234-5678",
    ];
    // A comment approved and published, then withheld: gone at once.
    let bob = Browser::new(&closed);
    assert_eq!(bob.sign_in("bob", PASSWORD).status, 303);
    let csrf = bob.csrf();
    let published = closed.get(&format!("/results/{WAVE}/comments"));
    assert!(published.body.contains("紙の申請書も残してください"));
    let ids: Vec<String> = comments::table
        .filter(comments::masked.like("紙の申請書%"))
        .select(comments::id)
        .load(&mut open.db())
        .unwrap();
    for id in &ids {
        let page = bob.post(
            &format!("{PAGE}/{id}"),
            &[
                ("_csrf", &csrf),
                ("action", "withhold"),
                ("reason", "identifying"),
            ],
        );
        assert_eq!(page.status, 303, "{}", page.body);
    }

    for (path, body) in public_pages(&closed) {
        for secret in withheld_or_pending {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
        if path.contains("/comments") {
            for a in &attributes {
                assert!(!body.contains(a.as_str()), "{path} shows the attribute {a}");
            }
            // No date, and the order of comments is their text's own.
            assert!(!body.contains("2026-1"), "{path} shows a date");
            for section in quoted(&body) {
                let mut sorted = section.clone();
                sorted.sort();
                assert_eq!(
                    section, sorted,
                    "{path}: comments in the order of their text"
                );
            }
            assert!(body.contains("窓口で長く待った"), "{path}");
        } else {
            // The figures' pages and files quote no comment at all.
            for (text, _, _) in COMMENTS {
                let head: String = text.chars().take(8).collect();
                assert!(!body.contains(&head), "{path} quotes a comment");
            }
        }
    }

    // Holding the database too, a comment row joins nothing: no value of it is a
    // response's id, and the rows' order is not the responses' order.
    let mut conn = open.db();
    let response_ids: BTreeSet<String> = responses::table
        .select(responses::id)
        .load::<String>(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    let rows: Vec<(String, String, String)> = comments::table
        .select((comments::id, comments::digest, comments::masked))
        .load(&mut conn)
        .unwrap();
    for (id, digest, masked) in &rows {
        for v in [id, digest, masked] {
            assert!(!response_ids.contains(v));
        }
    }
}

#[test]
fn kouchou_ai_gets_masked_comments_without_attributes_and_its_labels_come_back_as_hints() {
    let open = spawn_app_on(midterm_day());
    submit(&open);
    let app = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&open.database_url),
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    create_with_password(&app, "ann", PASSWORD);
    let ann = Browser::new(&app);
    assert_eq!(ann.sign_in("ann", PASSWORD).status, 303);
    let csrf = ann.csrf();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "text",
            "kouchou-export",
            "--wave",
            WAVE,
            "--question",
            "opinion_general",
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    // Nothing taken into coding yet: a clear error.
    let out = app.cli(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("新しい回答を取り込む"));
    post(
        &ann,
        &format!("{PAGE}/load"),
        &[("_csrf", &csrf), ("question", "opinion_general")],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.csv");
    let file_arg = file.display().to_string();
    let out = app.cli(
        &args(&["--output", &file_arg])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(
        csv.starts_with("comment-id,comment-body\r\n"),
        "no BOM, its two columns: {csv}"
    );
    let rows: Vec<(&str, &str)> = csv
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap())
        .collect();
    assert_eq!(rows.len(), 26);
    assert!(!csv.contains("田中") && !csv.contains("090-1234-5678") && !csv.contains("age_"));

    // Its clusters: every comment's first opinion in cluster 1_0 or 1_1.
    let mut clusters = "arg-id,argument,x,y,cluster-level-1-id\n".to_string();
    for (i, (id, _)) in rows.iter().enumerate() {
        clusters.push_str(&format!("A{id}_0,opinion,0.1,0.2,1_{}\n", i % 2));
        clusters.push_str(&format!("A{id}_1,opinion,0.1,0.2,1_1\n"));
    }
    let labels = "level,id,label,description,value,parent\n1,1_0,窓口とオンライン,d,13,0\n1,1_1,その他の要望,d,13,0\n";
    let (c, l) = (
        dir.path().join("clusters.csv"),
        dir.path().join("labels.csv"),
    );
    std::fs::write(&c, &clusters).unwrap();
    std::fs::write(&l, labels).unwrap();
    let import = |clusters: &std::path::Path| {
        app.cli(&[
            "text",
            "kouchou-import",
            "--wave",
            WAVE,
            "--question",
            "opinion_general",
            "--clusters",
            &clusters.display().to_string(),
            "--labels",
            &l.display().to_string(),
        ])
    };
    // An id that is no comment of this wave: refused, nothing changed.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, format!("{clusters}Anot-a-comment_0,o,0,0,1_0\n")).unwrap();
    let out = import(&bad);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not-a-comment"));
    let labelled = |app: &TestApp| -> i64 {
        comments::table
            .filter(comments::cluster_label.is_not_null())
            .count()
            .get_result(&mut app.db())
            .unwrap()
    };
    assert_eq!(labelled(&open), 0);
    let out = import(&c);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(labelled(&open), 26);
    let page = ann.get(&format!("{PAGE}?question=opinion_general"));
    assert!(
        page.body.contains("窓口とオンライン") || page.body.contains("その他の要望"),
        "the label is shown to the coder"
    );

    // Unmasking one comment shows its original on that answer only, and is logged.
    let (id, masked): (String, String) = comments::table
        .filter(comments::masked.like("%[NAME]%"))
        .select((comments::id, comments::masked))
        .first(&mut open.db())
        .unwrap();
    assert!(!page.body.contains("田中"));
    let shown = post(
        &ann,
        &format!("{PAGE}/{id}/unmask"),
        &[("_csrf", &csrf), ("mode", "code")],
    );
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.body.contains("市民課の田中さんが親切でした"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains(&masked));
    let logged: Vec<String> = citizen_survey::db::schema::audit_log::table
        .filter(citizen_survey::db::schema::audit_log::action.eq("comment_unmask"))
        .select(citizen_survey::db::schema::audit_log::detail)
        .load(&mut open.db())
        .unwrap();
    assert_eq!(logged, [format!("{id}: original shown")]);
    assert!(!logged[0].contains("田中"), "the log holds no text");
    // Without the session's token: refused, nothing shown, nothing logged.
    let refused = post(&ann, &format!("{PAGE}/{id}/unmask"), &[("mode", "code")]);
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("田中"));
}

#[test]
fn after_publication_the_original_texts_give_way_to_the_masked_ones() {
    let open = spawn_app_on(midterm_day());
    submit(&open);
    let purge = |app: &TestApp| {
        app.cli(&[
            "text",
            "purge",
            "--wave",
            WAVE,
            "--question",
            "opinion_general",
        ])
    };
    // Before publication: refused, nothing changed.
    let out = purge(&open);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not published"));
    let originals = crate::helpers::answers_to(&mut open.db(), "opinion_general");
    assert_eq!(originals.iter().filter(|t| t.contains("田中")).count(), 3);

    let closed = coded_and_published(&open);
    let public_before = closed.get(&format!("/results/{WAVE}/comments")).body;
    let out = purge(&closed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("3 answers"), "{said}");
    let now = crate::helpers::answers_to(&mut open.db(), "opinion_general");
    assert_eq!(now.len(), originals.len());
    assert!(
        now.iter()
            .all(|t| !t.contains("田中") && !t.contains("090-1234-5678"))
    );
    assert_eq!(now.iter().filter(|t| t.contains("[NAME]")).count(), 3);
    // The comments taken in follow: loading again adds nothing; the public page is as
    // published; running it again changes nothing.
    let ann = Browser::new(&closed);
    ann.sign_in("ann", PASSWORD);
    let csrf = ann.csrf();
    post(
        &ann,
        &format!("{PAGE}/load"),
        &[("_csrf", &csrf), ("question", "opinion_general")],
    );
    assert_eq!(open.count_rows("comments"), 26);
    assert_eq!(
        closed.get(&format!("/results/{WAVE}/comments")).body,
        public_before
    );
    let again = purge(&closed);
    assert!(String::from_utf8_lossy(&again.stdout).contains(": 0 answers"));
}

/// `(comment, residents writing it in 2026, in 2028, the codes the analyst gives)`;
/// `None`: withheld as off-topic without a code; `Some([])`: left pending.
const COMPARED: [(&str, usize, usize, Option<&[&str]>); 5] = [
    (
        "窓口で長く待った。オンライン申請を増やしてほしい",
        8,
        5,
        Some(&["online_procedures", "waiting_time"]),
    ),
    (
        "スマホの申請は便利だが、窓口も残してほしい",
        6,
        10,
        Some(&["online_procedures", "paper_kept", "praise"]),
    ),
    (
        "防災アプリの通知が遅いので改善してほしい",
        4,
        0,
        Some(&["disaster_information", "information_reach"]),
    ),
    (
        "オンライン申請のページがわかりにくい",
        0,
        9,
        Some(&["online_procedures", "other"]),
    ),
    ("特になし", 3, 2, None),
];
/// Written in each wave by residents whose comment stays pending.
const LEFT_PENDING: (&str, usize, usize) = ("紙の申請書も残してください", 2, 1);

/// Takes `wave`'s answers in on the coding page and codes them as [`COMPARED`] says
/// (`app`: the one holding the database, where the comment rows are read).
fn take_in_and_code(app: &TestApp, browser: &Browser<'_>, wave: &str) {
    let page = format!("/analyst/waves/{wave}/comments");
    let csrf = browser.csrf();
    let loaded = post(
        browser,
        &format!("{page}/load"),
        &[("_csrf", &csrf), ("question", "opinion_general")],
    );
    assert_eq!(loaded.status, 303, "{}", loaded.body);
    let rows: Vec<(String, String)> = comments::table
        .filter(comments::wave_id.eq(wave))
        .select((comments::id, comments::masked))
        .load(&mut app.db())
        .unwrap();
    assert!(!rows.is_empty());
    for (id, masked) in rows {
        if masked == LEFT_PENDING.0 {
            continue;
        }
        let (_, _, _, codes) = COMPARED
            .iter()
            .find(|(text, ..)| *text == masked)
            .unwrap_or_else(|| panic!("unknown comment {masked}"));
        let mut fields: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("action", "code")];
        match codes {
            Some(codes) => {
                fields.extend(codes.iter().map(|c| ("code", *c)));
                fields.push(("decision", "verbatim"));
            }
            None => fields.extend([("decision", "withhold"), ("reason", "off_topic")]),
        }
        let saved = post(browser, &format!("{page}/{id}"), &fields);
        assert_eq!(saved.status, 303, "{}", saved.body);
    }
}

/// `compare-codes` of opinion_general, 2026-midterm against 2028-final.
fn compare_codes(app: &TestApp, extra: &[&str], min_group_size: &str) -> std::process::Output {
    let mut args = vec![
        "text",
        "compare-codes",
        "--wave",
        WAVE,
        "--later",
        "2028-final",
        "--question",
        "opinion_general",
        "--encoding",
        "utf-8",
    ];
    args.extend_from_slice(extra);
    app.cli_with_min_group_size(min_group_size, &args)
}

#[test]
fn compare_codes_tests_the_analysts_coding_of_two_waves() {
    let midterm = spawn_app_on(midterm_day());
    let on = |day: NaiveDate| {
        spawn_app_with_settings(TestDatabase::new(), settings(&midterm.database_url), day)
    };
    let last = on(NaiveDate::from_ymd_opt(2028, 11, 10).unwrap());
    let all = COMPARED
        .iter()
        .map(|(t, a, b, _)| (*t, *a, *b))
        .chain([LEFT_PENDING]);
    for (text, in_2026, in_2028) in all {
        for (app, wave, n) in [(&midterm, WAVE, in_2026), (&last, "2028-final", in_2028)] {
            for _ in 0..n {
                let mut answers: Vec<(&str, &str)> = vec![
                    ("age_band", "age_30_39"),
                    ("area", "jr_south"),
                    ("opinion_general", text),
                ];
                answers.extend(V1.iter().map(|q| (*q, "4")));
                assert_eq!(app.submit(wave, &answers).status, 303);
            }
        }
    }
    let after = on(NaiveDate::from_ymd_opt(2029, 2, 10).unwrap());
    create_with_password(&after, "ann", PASSWORD);
    let ann = Browser::new(&after);
    assert_eq!(ann.sign_in("ann", PASSWORD).status, 303);
    take_in_and_code(&midterm, &ann, WAVE);

    // 2028 not coded yet: a clear error naming the wave and what to do; nothing written.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("compare.csv");
    let file_arg = file.display().to_string();
    let out = compare_codes(&after, &["--output", &file_arg], "10");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wave 2028-final has no coded comments for opinion_general")
            && err.contains("/analyst/waves/2028-final/comments")
            && err.contains("--by suggested"),
        "{err}"
    );
    assert!(!file.exists(), "nothing written");

    take_in_and_code(&midterm, &ann, "2028-final");
    let out = compare_codes(&after, &["--output", &file_arg], "10");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    let rows = crate::helpers::csv_table(&bytes);
    // Every code of the codebook, ruled or not (`other` has no rule).
    let defs = citizen_survey::definitions::load_dir(&after.definitions).unwrap();
    let visions: Vec<String> = defs.visions.iter().map(|v| v.id.clone()).collect();
    let text = citizen_survey::text::codebook::load(&after.definitions, &visions, &mut Vec::new());
    assert_eq!(
        rows.iter()
            .map(|r| r["code_id"].as_str())
            .collect::<Vec<_>>(),
        text.codes.iter().map(|c| c.id.as_str()).collect::<Vec<_>>()
    );
    // n: the comments whose first coding is done, withheld ones in, pending ones out.
    let n = |wave: usize| {
        COMPARED
            .iter()
            .map(|(_, a, b, _)| if wave == 0 { *a } else { *b })
            .sum::<usize>() as f64
    };
    let (n1, n2) = (n(0), n(1));
    assert_eq!((n1, n2), (21.0, 26.0));
    let carrying = |wave: usize, code: &str| {
        COMPARED
            .iter()
            .filter(|(.., codes)| codes.is_some_and(|c| c.contains(&code)))
            .map(|(_, a, b, _)| if wave == 0 { *a } else { *b })
            .sum::<usize>() as f64
    };
    let num = |r: &std::collections::HashMap<String, String>, k: &str| -> f64 {
        r[k].parse()
            .unwrap_or_else(|_| panic!("{k} of {}: `{}`", r["code_id"], r[k]))
    };
    let r_figures = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/text/expected_compare_codes.csv"),
    )
    .unwrap();
    let r_figures = crate::helpers::csv_table(&r_figures);
    let counts = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/text/compare_codes_counts.csv"),
    )
    .unwrap();
    let counts = crate::helpers::csv_table(&counts);
    for row in &rows {
        let code = row["code_id"].as_str();
        assert_eq!(row["basis"], "coding");
        assert_eq!(
            (row["earlier_wave"].as_str(), row["later_wave"].as_str()),
            (WAVE, "2028-final")
        );
        let (x1, x2) = (carrying(0, code), carrying(1, code));
        assert_eq!(
            (num(row, "earlier_comments"), num(row, "earlier_coded")),
            (n1, x1),
            "{code}"
        );
        assert_eq!(
            (num(row, "later_comments"), num(row, "later_coded")),
            (n2, x2),
            "{code}"
        );
        assert_eq!(row["suppressed"], "");
        if x1 + x2 == 0.0 {
            // Nobody carries it: no test.
            assert_eq!(
                (row["z"].as_str(), row["p_value"].as_str()),
                ("", ""),
                "{code}"
            );
            continue;
        }
        // By hand: pooled share, its standard error, z of the later share minus the earlier.
        let pooled = (x1 + x2) / (n1 + n2);
        let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
        let z = (x2 / n2 - x1 / n1) / se;
        assert!(
            (num(row, "difference") - (x2 / n2 - x1 / n1)).abs() < 1e-6,
            "{code}"
        );
        assert!(
            (num(row, "z") - z).abs() < 1e-6,
            "{code}: z {} against {z}",
            row["z"]
        );
        // R: prop.test(c(x1, x2), c(n1, n2), correct = FALSE) on the same counts.
        let fixture = counts.iter().find(|c| c["code"] == code).unwrap();
        assert_eq!(
            (num(fixture, "earlier_coded"), num(fixture, "later_coded")),
            (x1, x2),
            "compare_codes_counts.csv follows the test's coding"
        );
        let r = r_figures.iter().find(|r| r["code"] == code).unwrap();
        assert!(
            (z * z - num(r, "statistic")).abs() < 1e-9,
            "{code}: z² against R"
        );
        assert!(
            (num(row, "p_value") - num(r, "p_value")).abs() < 1e-6,
            "{code}: p {} against R {}",
            row["p_value"],
            r["p_value"]
        );
    }
    assert_eq!(
        counts.len(),
        rows.iter().filter(|r| !r["z"].is_empty()).count(),
        "R checked every tested code"
    );

    // A wave below the minimum group size (2026: 21 comments) shows no figures at all.
    let out = compare_codes(&after, &[], "22");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for row in crate::helpers::csv_table(&out.stdout) {
        for k in [
            "earlier_comments",
            "earlier_coded",
            "later_coded",
            "z",
            "p_value",
        ] {
            assert_eq!(row[k], "", "{k} of {}", row["code_id"]);
        }
        assert_eq!(row["suppressed"], "total");
    }

    // The rules' suggestions stay available: every comment (pending ones too), ruled codes.
    let out = compare_codes(&after, &["--by", "suggested"], "10");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let suggested = crate::helpers::csv_table(&out.stdout);
    assert!(suggested.iter().all(|r| r["basis"] == "suggested"));
    assert!(suggested.iter().all(|r| r["code_id"] != "other"));
    assert_eq!(
        suggested[0]["earlier_comments"],
        (21 + LEFT_PENDING.1).to_string()
    );
    assert_eq!(
        suggested[0]["later_comments"],
        (26 + LEFT_PENDING.2).to_string()
    );
}
