//! Every kind of bad input: 422, the same page with the answers kept, an error summary
//! linking to each question, the message beside its question in the page's language, and
//! nothing stored.

use crate::helpers::{Page, REQUIRED, TestApp, hidden_value, spawn_app};

fn fields(key: Option<String>, answers: &[(&str, &str)]) -> Vec<(String, String)> {
    key.map(|k| ("_key".to_string(), k))
        .into_iter()
        .chain(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
}

fn submit_bad(app: &TestApp, answers: &[(&str, &str)]) -> Page {
    let before = (app.response_count(), app.answer_count());
    let page = app.post_form(
        "/surveys/2026-midterm",
        &fields(Some(app.form_key("2026-midterm")), answers),
    );
    assert_eq!(page.status, 422, "{}", page.body);
    assert_eq!(
        (app.response_count(), app.answer_count()),
        before,
        "nothing stored"
    );
    assert!(page.body.contains("class=\"error-summary\""));
    page
}

/// The summary links to the question, and the message sits next to it.
fn assert_error_on(page: &Page, question: &str, message: &str) {
    assert!(
        page.body.contains(&format!("href=\"#{question}\""))
            || page.body.contains(&format!("href=\"#{question}-1\"")),
        "summary links to the first input of {question}"
    );
    assert!(
        page.body.contains(&format!(
            "<p class=\"error-message\" id=\"{question}-error\">"
        )),
        "message beside {question}"
    );
    let at = page.body.find(&format!("id=\"{question}-error\"")).unwrap();
    let beside: String = page.body[at..].chars().take(300).collect();
    assert!(
        beside.contains(message),
        "{question}: expected {message:?} in {beside}"
    );
}

#[test]
fn a_missing_required_answer_is_named_and_other_answers_are_kept() {
    let app = spawn_app();
    let page = submit_bad(
        &app,
        &[
            ("v1_online_procedures", "2"),
            ("age_band", "age_40_49"),
            ("devices_used", "tablet"),
            ("city_hall_visits", "4"),
            ("opinion_improvements", "窓口の待ち時間を<減らして>ほしい"),
        ],
    );
    assert_error_on(&page, "area", "この質問にお答えください。");
    assert!(page.body.contains("入力内容を確認してください"));
    // Every answer given is still there.
    assert!(
        page.body
            .contains("name=\"v1_online_procedures\" value=\"2\" checked")
    );
    assert!(
        page.body
            .contains("name=\"age_band\" value=\"age_40_49\" checked")
    );
    assert!(
        page.body
            .contains("name=\"devices_used\" value=\"tablet\" checked")
    );
    assert!(page.body.contains("name=\"city_hall_visits\" value=\"4\""));
    assert!(
        page.body
            .contains(">窓口の待ち時間を&#60;減らして&#62;ほしい</textarea>")
    );
    // The retry keeps the form's key, so it still counts once.
    let key = hidden_value(&page.body, "_key").unwrap();
    let retry = app.post_form(
        "/surveys/2026-midterm",
        &fields(Some(key.clone()), &[REQUIRED[0], REQUIRED[1]]),
    );
    assert_eq!(retry.status, 303);
    let again = app.post_form("/surveys/2026-midterm", &fields(Some(key), &REQUIRED));
    assert_eq!(again.status, 303);
    assert_eq!(app.response_count(), 1);
}

#[test]
fn messages_follow_the_language_of_the_page() {
    let app = spawn_app();
    let page = submit_bad(&app, &[("_lang", "en"), REQUIRED[0]]);
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains("There is a problem with your answers"));
    assert_error_on(&page, "area", "Answer this question.");
}

#[test]
fn an_answer_outside_the_options_is_refused() {
    let app = spawn_app();
    let page = submit_bad(
        &app,
        &[REQUIRED[0], ("area", "atlantis"), ("v2_any_age", "7")],
    );
    assert_error_on(&page, "area", "選択肢の中から選んでください。");
    assert_error_on(&page, "v2_any_age", "選択肢の中から選んでください。");
    let page = submit_bad(
        &app,
        &[
            ("_lang", "en"),
            REQUIRED[0],
            REQUIRED[1],
            ("devices_used", "fax"),
        ],
    );
    assert_error_on(&page, "devices_used", "Choose one of the options shown.");
}

#[test]
fn numbers_must_be_whole_and_in_range() {
    let app = spawn_app();
    let page = submit_bad(
        &app,
        &[
            ("_lang", "en"),
            REQUIRED[0],
            REQUIRED[1],
            ("city_hall_visits", "100"),
        ],
    );
    assert_error_on(&page, "city_hall_visits", "Enter a number from 0 to 99.");
    let page = submit_bad(
        &app,
        &[REQUIRED[0], REQUIRED[1], ("city_hall_visits", "三回")],
    );
    assert_error_on(&page, "city_hall_visits", "数字のみでご記入ください");
    assert!(
        page.body.contains("value=\"三回\""),
        "the wrong answer is shown for correction"
    );
}

#[test]
fn free_text_has_a_length_limit() {
    let app = spawn_app();
    let long = "あ".repeat(2001);
    let page = submit_bad(
        &app,
        &[REQUIRED[0], REQUIRED[1], ("opinion_general", &long)],
    );
    assert_error_on(
        &page,
        "opinion_general",
        "2000文字以内でご記入ください（現在2001文字）。",
    );
    assert!(
        page.body.contains(&long),
        "the text is kept to be shortened"
    );
}

#[test]
fn unknown_fields_are_refused() {
    let app = spawn_app();
    let page = submit_bad(
        &app,
        &[
            ("_lang", "en"),
            REQUIRED[0],
            REQUIRED[1],
            ("ip_address", "10.0.0.1"),
        ],
    );
    assert!(page.body.contains("older version of the form"));
    assert!(
        page.body
            .contains("name=\"area\" value=\"jr_south\" checked")
    );
}

#[test]
fn a_form_without_its_key_is_shown_again_with_a_fresh_one() {
    let app = spawn_app();
    let page = app.post_form("/surveys/2026-midterm", &fields(None, &REQUIRED));
    assert_eq!(page.status, 422);
    assert!(page.body.contains("フォームの有効期限が切れていました"));
    assert_eq!(app.response_count(), 0);
    let key = hidden_value(&page.body, "_key").expect("a fresh key");
    let retry = app.post_form("/surveys/2026-midterm", &fields(Some(key), &REQUIRED));
    assert_eq!(retry.status, 303);
    assert_eq!(app.response_count(), 1);
}

#[test]
fn answers_to_hidden_questions_are_ignored() {
    let app = spawn_app();
    // The count is only asked of those who used online services; "no" hides it, so even
    // an invalid count does not block the submission and is not stored.
    let page = app.submit(
        "2026-midterm",
        &[
            REQUIRED[0],
            REQUIRED[1],
            ("used_online_services", "no"),
            ("online_procedures_count", "abc"),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(app.answer_count(), 3);
    // Shown and answered, it is checked.
    let page = submit_bad(
        &app,
        &[
            REQUIRED[0],
            REQUIRED[1],
            ("used_online_services", "yes"),
            ("online_procedures_count", "0"),
        ],
    );
    assert_error_on(
        &page,
        "online_procedures_count",
        "1から99までの数字でご記入ください。",
    );
}
