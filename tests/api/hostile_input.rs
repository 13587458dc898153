//! Issue 12: input either database cannot store, or should not, gets a clear answer on both
//! backends (422 beside the question, answers kept, nothing stored); every error a resident
//! can reach is their error page; HTTP methods and content types get their proper answers.

use crate::helpers::{
    Page, REQUIRED, TestApp, TestDatabase, invitation_definitions, midterm_day, settings,
    spawn_app, spawn_app_with_settings,
};
use crate::workspace::{Browser, create_with_password};

const PASSWORD: &str = "correct horse battery staple";

/// Posts `body` as it is (bytes), with a Content-Type.
fn post_raw(app: &TestApp, path: &str, content_type: &str, body: &[u8]) -> Page {
    let mut response = app
        .agent
        .post(format!("{}{path}", app.address))
        .header("Content-Type", content_type)
        .header("Accept-Language", "en")
        .send(body)
        .unwrap();
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn form_body(app: &TestApp, extra: &str) -> Vec<u8> {
    let key = app.form_key("2026-midterm");
    let required: Vec<String> = REQUIRED.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "_key={key}&_lang=en&{}&v1_online_procedures=4&{extra}",
        required.join("&")
    )
    .into_bytes()
}

fn assert_beside(page: &Page, question: &str, message: &str) {
    assert_eq!(page.status, 422, "{}", page.body);
    // The summary links to the question's (first) input.
    assert!(page.body.contains(&format!("href=\"#{question}\"")));
    let at = page
        .body
        .find(&format!("id=\"{question}-error\""))
        .unwrap_or_else(|| panic!("no message beside {question}: {}", page.body));
    let beside: String = page.body[at..].chars().take(300).collect();
    assert!(beside.contains(message), "{beside}");
    // The other answers are kept.
    assert!(
        page.body
            .contains("name=\"v1_online_procedures\" value=\"4\" checked")
    );
}

#[test]
fn a_nul_or_a_control_character_in_free_text_is_a_422_beside_the_question_and_nothing_is_stored() {
    let app = spawn_app();
    for value in ["a%00b", "red%1B%5B31m", "bell%07", "c1%C2%85"] {
        let body = form_body(&app, &format!("opinion_general={value}"));
        let page = post_raw(
            &app,
            "/surveys/2026-midterm",
            "application/x-www-form-urlencoded",
            &body,
        );
        assert_beside(&page, "opinion_general", "control character");
    }
    // Tab and line breaks are fine.
    let body = form_body(&app, "opinion_general=a%09b%0D%0Ac");
    let page = post_raw(
        &app,
        "/surveys/2026-midterm",
        "application/x-www-form-urlencoded",
        &body,
    );
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(app.response_count(), 1);
}

#[test]
fn invalid_utf8_in_an_answer_is_a_422_and_nothing_is_stored() {
    let app = spawn_app();
    // Percent-encoded Latin-1, and raw bytes that are not UTF-8.
    let mut raw = form_body(&app, "opinion_general=caf");
    raw.push(0xE9);
    for body in [form_body(&app, "opinion_general=caf%E9"), raw] {
        let page = post_raw(
            &app,
            "/surveys/2026-midterm",
            "application/x-www-form-urlencoded",
            &body,
        );
        assert_beside(&page, "opinion_general", "garbled");
    }
    assert_eq!((app.response_count(), app.answer_count()), (0, 0));
}

#[test]
fn a_nul_in_the_sign_in_form_gets_the_sign_in_page_with_its_reason() {
    let app = spawn_app();
    create_with_password(&app, "tanaka", PASSWORD);
    let browser = Browser::new(&app);
    for (name, password) in [("tana\0ka", PASSWORD), ("tanaka", "pass\0word-long")] {
        let page = browser.sign_in(name, password);
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains("control character"), "{}", page.body);
    }
    assert_eq!(browser.sign_in("tanaka", PASSWORD).status, 303);
}

#[test]
fn an_invitation_csv_row_with_a_nul_is_rejected_with_its_line() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.definitions = invitation_definitions();
    let app = spawn_app_with_settings(database, s, midterm_day());
    let token = app.create_analyst("importer");
    let mut response = app
        .agent
        .post(format!(
            "{}/analyst/waves/2026-midterm/invitations",
            app.address
        ))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "text/csv")
        .send("email\nok@example.com\nn\0l@example.com\n")
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body = response.body_mut().read_to_string().unwrap();
    assert!(
        body.contains("\"line\":3") && body.contains("control character U+0000"),
        "{body}"
    );
    assert_eq!(app.count_rows("invitations"), 0);
}

#[test]
fn a_bad_query_string_is_the_resident_error_page_in_their_language() {
    let app = spawn_app();
    let page = app.get("/?lang=ja&lang=en");
    assert_eq!(page.status, 400);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("読み取れません"), "{}", page.body);
    let page = app.get_with(
        "/surveys/2026-midterm?lang=en&lang=ja",
        ("Accept-Language", "en"),
    );
    assert_eq!(page.status, 400);
    assert!(page.body.contains("cannot be read"), "{}", page.body);
    assert!(page.body.contains("<html lang=\"en\""), "{}", page.body);
}

#[test]
fn head_works_on_every_get_route_and_other_methods_get_405_with_allow() {
    let app = spawn_app();
    app.submit("2026-midterm", &REQUIRED);
    for path in [
        "/",
        "/healthz",
        "/static/style.css",
        "/surveys/2026-midterm",
        "/surveys/2026-midterm/thanks",
        "/analyst/sign-in",
    ] {
        let get = app.get(path);
        assert_eq!(get.status, 200, "GET {path}");
        let head = app
            .agent
            .head(format!("{}{path}", app.address))
            .call()
            .unwrap();
        assert_eq!(head.status().as_u16(), 200, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers.get("content-type"),
            "HEAD {path}"
        );
        let options = app
            .agent
            .options(format!("{}{path}", app.address))
            .call()
            .unwrap();
        assert_eq!(options.status().as_u16(), 204, "OPTIONS {path}");
        assert!(
            options.headers()["allow"]
                .to_str()
                .unwrap()
                .contains("HEAD")
        );
        let mut put = app
            .agent
            .put(format!("{}{path}", app.address))
            .send("")
            .unwrap();
        assert_eq!(put.status().as_u16(), 405, "PUT {path}");
        assert!(
            put.headers()["allow"]
                .to_str()
                .unwrap()
                .starts_with("GET, HEAD")
        );
        let body = put.body_mut().read_to_string().unwrap();
        if !path.starts_with("/analyst") {
            assert!(body.contains("読み取れません"), "PUT {path}: {body}");
        }
        let delete = app
            .agent
            .delete(format!("{}{path}", app.address))
            .call()
            .unwrap();
        assert_eq!(delete.status().as_u16(), 405, "DELETE {path}");
    }
    // HEAD on a page that is a 404 is a 404 too; a GET on a POST-only path is a 405.
    let head = app
        .agent
        .head(format!("{}/surveys/nope", app.address))
        .call()
        .unwrap();
    assert_eq!(head.status().as_u16(), 404);
    let get = app.get("/opt-out");
    assert_eq!(get.status, 405);
    assert_eq!(get.header("allow"), "POST");
    assert_eq!(app.response_count(), 1);
}

#[test]
fn a_form_post_that_is_not_a_form_gets_415_and_nothing_is_stored() {
    let app = spawn_app();
    let body = form_body(&app, "");
    for content_type in [
        "text/plain",
        "application/json",
        "multipart/form-data; boundary=x",
    ] {
        let page = post_raw(&app, "/surveys/2026-midterm", content_type, &body);
        assert_eq!(page.status, 415, "{content_type}");
        assert!(page.body.contains("cannot be read"), "{}", page.body);
    }
    let page = post_raw(&app, "/analyst/sign-in", "text/plain", b"name=x");
    assert_eq!(page.status, 415);
    assert_eq!(app.response_count(), 0);
    // With a charset parameter it is still a form.
    let page = post_raw(
        &app,
        "/surveys/2026-midterm",
        "application/x-www-form-urlencoded; charset=UTF-8",
        &body,
    );
    assert_eq!(page.status, 303, "{}", page.body);
}

#[test]
fn every_cli_command_says_which_database_it_opened() {
    let app = spawn_app();
    let out = app.cli(&["analyst", "create", "kimura"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("citizen-survey: database "), "{stderr}");
    let url = citizen_survey::db::DatabaseUrl::parse(&app.database_url).unwrap();
    assert!(stderr.contains(&url.to_string()), "{stderr}");
    if app.database_url.starts_with("postgres") {
        assert!(!stderr.contains(":postgres@"), "no password: {stderr}");
    }
    let out = app.cli(&["export", "codebook", "--wave", "2026-midterm"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("citizen-survey: database "));

    // A relative SQLite path from another folder: the absolute path, marked as new.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .args(["analyst", "create", "lost"])
        .current_dir(elsewhere.path())
        .env("DATABASE_URL", "sqlite://data/citizen-survey.db")
        .env("SURVEY_DEFINITIONS", &app.definitions)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = elsewhere.path().join("data/citizen-survey.db");
    assert!(
        stderr.contains(&format!("database sqlite://{}", expected.display()))
            && stderr.contains("(new:"),
        "{stderr}"
    );
}
