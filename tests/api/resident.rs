use std::collections::HashSet;

use chrono::NaiveDate;
use citizen_survey::db::schema::responses;
use diesel::prelude::*;

use crate::helpers::{REQUIRED, hidden_value, spawn_app, spawn_app_on};

#[test]
fn start_page_lists_waves_with_their_period_and_state() {
    let app = spawn_app();
    let en = app.get("/?lang=en");
    assert_eq!(en.status, 200);
    assert!(
        en.body.contains("href=\"/surveys/2026-midterm?lang=en\""),
        "{}",
        en.body
    );
    assert!(
        en.body
            .contains("Survey period: 1 November 2026 – 31 January 2027")
    );
    assert!(en.body.contains("Not open yet"));
    assert!(en.body.contains("It opens on 1 October 2028."));
    assert!(!en.body.contains("href=\"/surveys/2028-final"));

    let ja = app.get("/");
    assert!(ja.body.contains("<html lang=\"ja\">"));
    assert!(ja.body.contains("回答期間：2026年11月1日 〜 2027年1月31日"));
    assert!(ja.body.contains("受付中"));

    let closed = spawn_app_on(NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()).get("/?lang=en");
    assert!(
        closed.body.contains("It closed on 31 January 2027."),
        "{}",
        closed.body
    );
}

#[test]
fn form_has_a_labelled_section_per_vision_in_the_chosen_language() {
    let app = spawn_app();
    let ja = app.get("/surveys/2026-midterm");
    assert_eq!(ja.status, 200);
    assert!(ja.body.contains("<html lang=\"ja\">"));
    for vision in [
        "利便性向上",
        "市民参加型",
        "サステイナブルな行政",
        "安心・安全",
        "人とのつながり",
    ] {
        assert!(ja.body.contains(vision), "missing section {vision}");
    }
    // Scales are radio groups in a fieldset with a legend; every input has its label.
    assert!(
        ja.body
            .contains("<fieldset class=\"question scale\" id=\"q-v1_online_procedures\"")
    );
    assert!(ja.body.contains("<legend class=\"question-text\">"));
    assert!(ja.body.contains(
        "<input type=\"radio\" id=\"v1_online_procedures-5\" name=\"v1_online_procedures\" value=\"5\"><label for=\"v1_online_procedures-5\">5. とてもそう思う</label>"
    ));
    assert!(
        ja.body
            .contains("value=\"dk\"><label for=\"v1_online_procedures-6\">わからない</label>")
    );
    let inputs = ja.body.matches("<input type=\"radio\"").count()
        + ja.body.matches("<input type=\"checkbox\"").count();
    let labels = ja.body.matches(" for=\"").count();
    let text_controls =
        ja.body.matches("<textarea").count() + ja.body.matches("inputmode=\"numeric\"").count();
    assert_eq!(labels, inputs + text_controls, "every control is labelled");
    assert!(
        ja.body.contains("href=\"/surveys/2026-midterm?lang=en\""),
        "language switch"
    );
    // No third-party resource and no script at all.
    assert!(!ja.body.contains("<script"));
    assert!(!ja.body.contains("src=\"http") && !ja.body.contains("href=\"http"));

    let en = app.get("/surveys/2026-midterm?lang=en");
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(
        en.body
            .contains("Convenience: more convenient public services")
    );
    assert!(en.body.contains("5. Strongly agree"));

    let by_header = app.get_with(
        "/surveys/2026-midterm",
        ("Accept-Language", "en-GB,en;q=0.9,ja;q=0.5"),
    );
    assert!(by_header.body.contains("<html lang=\"en\">"));
    let query_wins = app.get_with("/surveys/2026-midterm?lang=ja", ("Accept-Language", "en"));
    assert!(query_wins.body.contains("<html lang=\"ja\">"));
}

#[test]
fn each_rendered_form_carries_a_fresh_random_key() {
    let app = spawn_app();
    let keys: HashSet<String> = (0..5).map(|_| app.form_key("2026-midterm")).collect();
    assert_eq!(keys.len(), 5);
    for key in keys {
        assert_eq!(uuid::Uuid::parse_str(&key).unwrap().get_version_num(), 4);
    }
}

#[test]
fn a_complete_answer_is_stored_anonymously_and_thanked() {
    let app = spawn_app();
    let submitted = app.submit(
        "2026-midterm",
        &[
            ("_lang", "en"),
            ("v1_online_procedures", "4"),
            ("v1_fewer_visits", "dk"),
            ("used_online_services", "yes"),
            ("online_procedures_count", "3"),
            ("devices_used", "smartphone"),
            ("devices_used", "pc"),
            ("opinion_improvements", "More forms online, please."),
            REQUIRED[0],
            REQUIRED[1],
            ("gender", "no_answer"),
        ],
    );
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let location = submitted.header("location").to_string();
    assert_eq!(location, "/surveys/2026-midterm/thanks?lang=en");
    let thanks = app.get(&location);
    assert_eq!(thanks.status, 200);
    assert!(thanks.body.contains("Thank you for your answers"));

    let mut conn = app.db();
    let (id, wave, channel, language, date): (String, String, String, String, NaiveDate) =
        responses::table
            .select((
                responses::id,
                responses::wave_id,
                responses::channel,
                responses::language,
                responses::submitted_on,
            ))
            .first(&mut conn)
            .unwrap();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    assert_eq!(
        (wave.as_str(), channel.as_str(), language.as_str(), date),
        ("2026-midterm", "web", "en", crate::helpers::midterm_day())
    );
    let mut stored: Vec<(String, i32, String)> = crate::helpers::stored_answers(&mut conn)
        .into_iter()
        .filter(|(r, _, _, _)| *r == id)
        .map(|(_, q, p, v)| (q, p, v))
        .collect();
    stored.sort();
    let expected: Vec<(String, i32, String)> = [
        ("age_band", 0, "age_30_39"),
        ("area", 0, "jr_south"),
        ("devices_used", 0, "smartphone"),
        ("devices_used", 1, "pc"),
        ("gender", 0, "no_answer"),
        ("online_procedures_count", 0, "3"),
        ("opinion_improvements", 0, "More forms online, please."),
        ("used_online_services", 0, "yes"),
        ("v1_fewer_visits", 0, "dk"),
        ("v1_online_procedures", 0, "4"),
    ]
    .iter()
    .map(|(q, p, v)| (q.to_string(), *p, v.to_string()))
    .collect();
    assert_eq!(stored, expected);
}

#[test]
fn the_schema_has_no_place_for_identifying_data() {
    let app = spawn_app();
    app.submit("2026-midterm", &REQUIRED);
    let mut conn = app.db();
    let columns = |table: &str| crate::helpers::columns(&mut app.db(), table);
    assert_eq!(
        columns("responses"),
        [
            "id",
            "wave_id",
            "channel",
            "language",
            "submitted_on",
            "in_sample",
            "answers"
        ]
    );
    assert_eq!(columns("submission_keys"), ["key", "wave_id"]);
    // The date is a date: no time of day anywhere.
    let date: NaiveDate = responses::table
        .select(responses::submitted_on)
        .first(&mut conn)
        .unwrap();
    assert_eq!(date, crate::helpers::midterm_day());
}

#[test]
fn a_replayed_form_stores_one_response_and_thanks_again() {
    let app = spawn_app();
    let mut fields = vec![("_key".to_string(), app.form_key("2026-midterm"))];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let first = app.post_form("/surveys/2026-midterm", &fields);
    let second = app.post_form("/surveys/2026-midterm", &fields);
    assert_eq!((first.status, second.status), (303, 303));
    assert_eq!(first.header("location"), second.header("location"));
    assert_eq!(app.response_count(), 1);

    // A double click races two requests with one key: still one response.
    let mut fields = vec![("_key".to_string(), app.form_key("2026-midterm"))];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| app.post_form("/surveys/2026-midterm", &fields).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|&s| s == 303), "{statuses:?}");
    assert_eq!(app.response_count(), 2);
}

#[test]
fn a_closed_or_future_wave_says_so_and_stores_nothing() {
    let app = spawn_app_on(NaiveDate::from_ymd_opt(2027, 2, 1).unwrap());
    let page = app.get("/surveys/2026-midterm?lang=en");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("This survey is closed"));
    assert!(page.body.contains("It closed on 31 January 2027."));
    assert!(
        hidden_value(&page.body, "_key").is_none(),
        "no form on a closed wave"
    );

    let mut fields = vec![
        ("_key".to_string(), uuid::Uuid::new_v4().to_string()),
        ("_lang".to_string(), "en".to_string()),
    ];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let refused = app.post_form("/surveys/2026-midterm", &fields);
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Your answers were not stored."));
    assert_eq!(app.response_count(), 0);

    let future = app.get("/surveys/2028-final");
    assert_eq!(future.status, 200);
    assert!(future.body.contains("このアンケートはまだ受付前です"));
    assert!(future.body.contains("2028年10月1日から回答できます。"));
    let refused = app.post_form("/surveys/2028-final", &fields);
    assert_eq!(refused.status, 403);
    assert_eq!(app.response_count(), 0);
}

#[test]
fn an_unknown_wave_or_page_is_a_404_page() {
    let app = spawn_app();
    let page = app.get("/surveys/1999-test?lang=en");
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page not found"));
    let post = app.post_form("/surveys/1999-test", &[("_key".into(), "x".into())]);
    assert_eq!(post.status, 404);
    let other = app.get("/no/such/page");
    assert_eq!(other.status, 404);
    assert!(other.body.contains("ページが見つかりません"));
    assert_eq!(app.response_count(), 0);
}

#[test]
fn pages_carry_security_headers() {
    let app = spawn_app();
    for path in [
        "/",
        "/surveys/2026-midterm",
        "/static/style.css",
        "/healthz",
        "/nowhere",
    ] {
        let page = app.get(path);
        let csp = page.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("script-src"), "no script allowed at all");
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(page.header("referrer-policy"), "no-referrer", "{path}");
    }
    assert_eq!(
        app.get("/surveys/2026-midterm").header("cache-control"),
        "no-store"
    );
}

#[test]
fn an_oversized_submission_gets_a_413_page_and_stores_nothing() {
    let app = spawn_app();
    let mut fields = vec![
        ("_key".to_string(), app.form_key("2026-midterm")),
        ("_lang".to_string(), "en".to_string()),
        ("opinion_improvements".to_string(), "あ".repeat(100_000)),
    ];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let page = app.post_form("/surveys/2026-midterm", &fields);
    assert_eq!(page.status, 413);
    // The body was not read, so the page is in the browser's language (Japanese by default).
    assert!(
        page.body.contains("送信内容が大きすぎます"),
        "{}",
        page.body
    );
    assert_eq!(app.response_count(), 0);
}

#[test]
fn health_reports_the_database() {
    let app = spawn_app();
    let page = app.get("/healthz");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("\"status\":\"ok\""));
    // The suite talks to the backend it was asked to (TEST_POSTGRES_URL set or not).
    let backend = crate::helpers::expected_backend();
    assert!(
        page.body.contains(&format!("\"database\":\"{backend}\"")),
        "{}",
        page.body
    );
}
