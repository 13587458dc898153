//! The analyst workspace over HTTP: sign-in and sign-out with a session cookie, the lockout,
//! CSRF refusals, bearer tokens beside sessions, publication and the public results.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use chrono::NaiveDate;
use citizen_survey::db::schema::{analyst_sessions, audit_log, publications};
use diesel::prelude::*;

use crate::helpers::{
    Page, TestApp, TestDatabase, V1, agent, hidden_value, midterm_day, settings, spawn_app_on,
    spawn_app_with_settings, submit_known_set,
};

const PASSWORD: &str = "correct horse battery staple";

/// A browser: keeps cookies (ignoring `Secure`, since tests speak plain HTTP) and never
/// follows redirects.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    agent: ureq::Agent,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            agent: agent(),
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, response: ureq::http::Response<ureq::Body>) -> Page {
        let mut response = response;
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if value.is_empty() || attributes.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
        }
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    pub(crate) fn get(&self, path: &str) -> Page {
        let mut request = self.agent.get(format!("{}{path}", self.app.address));
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request = request.header("Cookie", cookies);
        }
        self.keep(request.call().unwrap())
    }

    /// A GET as a browser sends it (`Accept: text/html…`).
    pub(crate) fn get_html(&self, path: &str) -> Page {
        let mut request = self
            .agent
            .get(format!("{}{path}", self.app.address))
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request = request.header("Cookie", cookies);
        }
        self.keep(request.call().unwrap())
    }

    pub(crate) fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut request = self.agent.post(format!("{}{path}", self.app.address));
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request = request.header("Cookie", cookies);
        }
        self.keep(request.send_form(fields.iter().copied()).unwrap())
    }

    /// A POST of a raw body (e.g. a multipart upload form) with its Content-Type.
    pub(crate) fn post_body(&self, path: &str, content_type: &str, body: &[u8]) -> Page {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.app.address))
            .header("Content-Type", content_type);
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request = request.header("Cookie", cookies);
        }
        self.keep(request.send(body).unwrap())
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Opens the sign-in form and posts it; returns the answer to the POST.
    pub(crate) fn sign_in(&self, name: &str, password: &str) -> Page {
        let form = self.get("/analyst/sign-in");
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = hidden_value(&form.body, "_csrf").expect("the sign-in form has a token");
        self.post(
            "/analyst/sign-in",
            &[("name", name), ("password", password), ("_csrf", &csrf)],
        )
    }

    /// The dashboard's CSRF token.
    pub(crate) fn csrf(&self) -> String {
        let page = self.get("/analyst");
        assert_eq!(page.status, 200, "{}", page.body);
        hidden_value(&page.body, "_csrf").expect("the dashboard's forms carry a token")
    }
}

/// `analyst create NAME --password`, the password on standard input; returns the token.
pub(crate) fn create_with_password(app: &TestApp, name: &str, password: &str) -> String {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .args(["analyst", "create", name, "--password"])
        .env("DATABASE_URL", &app.database_url)
        .env("SURVEY_DEFINITIONS", &app.definitions)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    audit_log::table
        .order(audit_log::at)
        .select((audit_log::analyst, audit_log::action))
        .load(&mut app.db())
        .unwrap()
}

fn session_rows(app: &TestApp) -> Vec<String> {
    analyst_sessions::table
        .select(analyst_sessions::id_hash)
        .load(&mut app.db())
        .unwrap()
}

#[test]
fn sign_in_sets_a_strict_session_cookie_and_sign_out_ends_it() {
    let app = spawn_app_on(midterm_day());
    create_with_password(&app, "tanaka", PASSWORD);
    let browser = Browser::new(&app);

    let page = browser.get("/analyst");
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), "/analyst/sign-in");

    let page = browser.sign_in("tanaka", PASSWORD);
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.header("location"), "/analyst");
    let set = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("cs_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/analyst", "Max-Age="] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains("Secure"), "plain-http PUBLIC_BASE_URL: {set}");
    let id = browser.cookie("cs_session").unwrap();
    assert_eq!(id.len(), 64, "256 random bits in hex");
    // Only the hash is stored.
    assert_eq!(
        session_rows(&app),
        vec![citizen_survey::domain::hash_token(&id)]
    );

    let dashboard = browser.get("/analyst");
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("tanaka"));
    assert!(dashboard.body.contains("Responses by day and channel"));
    assert!(!dashboard.body.contains("style="));

    // Sign-out without its token changes nothing.
    let refused = browser.post("/analyst/sign-out", &[]);
    assert_eq!(refused.status, 403);
    let refused = browser.post("/analyst/sign-out", &[("_csrf", "wrong")]);
    assert_eq!(refused.status, 403);
    assert_eq!(session_rows(&app).len(), 1);
    assert_eq!(browser.get("/analyst").status, 200);

    let csrf = browser.csrf();
    let out = browser.post("/analyst/sign-out", &[("_csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert!(session_rows(&app).is_empty());
    assert!(
        browser.cookie("cs_session").is_none(),
        "the cookie is cleared"
    );
    // The old cookie no longer opens anything.
    let stale = Browser::new(&app);
    stale
        .cookies
        .lock()
        .unwrap()
        .insert("cs_session".into(), id);
    assert_eq!(stale.get("/analyst").status, 303);

    // A session past its expiry opens nothing either.
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("tanaka", PASSWORD).status, 303);
    assert_eq!(browser.get("/analyst").status, 200);
    diesel::update(analyst_sessions::table)
        .set(
            analyst_sessions::expires_at
                .eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1)),
        )
        .execute(&mut app.db())
        .unwrap();
    assert_eq!(browser.get("/analyst").status, 303);

    let actions = audit_actions(&app);
    assert_eq!(
        actions[..2],
        [
            ("tanaka".to_string(), "sign_in".to_string()),
            ("tanaka".to_string(), "sign_out".to_string())
        ]
    );
}

#[test]
fn wrong_passwords_get_the_unknown_name_answer_and_lock_the_account_for_a_while() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.analyst.lockout_failures = 5;
    s.analyst.lockout_max_delay_seconds = 2;
    s.public_base_url = "https://survey.example".into();
    let app = spawn_app_with_settings(database, s, midterm_day());
    create_with_password(&app, "suzuki", PASSWORD);
    let browser = Browser::new(&app);

    let error_of = |page: &Page| {
        let start = page
            .body
            .find("<div class=\"error-summary\"")
            .expect("an error");
        let end = page.body[start..].find("</div>").unwrap() + start;
        page.body[start..end].to_string()
    };
    let unknown = browser.sign_in("nobody", PASSWORD);
    assert_eq!(unknown.status, 401);
    let wrong = browser.sign_in("suzuki", "not the password!");
    assert_eq!(wrong.status, 401);
    assert_eq!(error_of(&unknown), error_of(&wrong));
    assert!(browser.cookie("cs_session").is_none());

    for _ in 0..4 {
        assert_eq!(browser.sign_in("suzuki", "still not it....").status, 401);
    }
    // Five failures: locked, so even the right password is refused, with the same words.
    let locked = browser.sign_in("suzuki", PASSWORD);
    assert_eq!(locked.status, 401);
    assert_eq!(error_of(&locked), error_of(&unknown));
    assert!(session_rows(&app).is_empty());

    std::thread::sleep(std::time::Duration::from_millis(2200));
    let page = browser.sign_in("suzuki", PASSWORD);
    assert_eq!(page.status, 303, "the lock has lifted");
    let all: Vec<String> = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        all.iter()
            .any(|c| c.starts_with("cs_session=") && c.contains("; Secure")),
        "https PUBLIC_BASE_URL makes the cookie Secure: {all:?}"
    );
    let actions: Vec<String> = audit_actions(&app).into_iter().map(|a| a.1).collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "sign_in_failed").count(),
        5,
        "{actions:?}"
    );
    assert_eq!(actions.last().unwrap(), "sign_in");
}

#[test]
fn the_sign_in_form_needs_its_own_token() {
    let app = spawn_app_on(midterm_day());
    create_with_password(&app, "sato", PASSWORD);
    let browser = Browser::new(&app);
    let page = browser.post(
        "/analyst/sign-in",
        &[("name", "sato"), ("password", PASSWORD)],
    );
    assert_eq!(page.status, 403);
    browser.get("/analyst/sign-in");
    let page = browser.post(
        "/analyst/sign-in",
        &[
            ("name", "sato"),
            ("password", PASSWORD),
            ("_csrf", "forged"),
        ],
    );
    assert_eq!(page.status, 403);
    assert!(session_rows(&app).is_empty());
}

#[test]
fn bearer_tokens_still_work_and_a_session_needs_a_token_to_post() {
    let app = spawn_app_on(midterm_day());
    let token = create_with_password(&app, "ito", PASSWORD);
    let csv = "/analyst/waves/2026-midterm/vision-scores.csv";
    let page = app.get_with(csv, ("Authorization", &format!("Bearer {token}")));
    assert_eq!(page.status, 200);
    assert!(page.body.starts_with("\u{feff}wave_id,"));
    assert_eq!(app.get(csv).status, 401);
    let bad = app.get_with(csv, ("Authorization", "Bearer cs_wrong"));
    assert_eq!(bad.status, 401);

    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("ito", PASSWORD).status, 303);
    let page = browser.get(csv);
    assert_eq!(page.status, 200, "a signed-in browser downloads too");
    // A cookie alone never changes anything: a POST needs the session's token.
    let page = browser.post("/analyst/waves/2026-midterm/reminders", &[]);
    assert_eq!(page.status, 403);
}

fn publication_count(app: &TestApp) -> i64 {
    publications::table
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

#[test]
fn publication_waits_for_the_close_then_the_public_sees_the_snapshot() {
    let open = spawn_app_on(midterm_day());
    submit_known_set(&open);
    create_with_password(&open, "kato", PASSWORD);

    // While the wave is open: no button, and a forced POST is refused with a reason.
    let browser = Browser::new(&open);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let dashboard = browser.get("/analyst");
    assert!(
        !dashboard
            .body
            .contains("action=\"/analyst/waves/2026-midterm/publish\"")
    );
    assert!(dashboard.body.contains("<svg"));
    assert!(dashboard.body.contains("v1_online_procedures"));
    let csrf = browser.csrf();
    let refused = browser.post("/analyst/waves/2026-midterm/publish", &[("_csrf", &csrf)]);
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("2027-01-31"), "{}", refused.body);
    assert_eq!(publication_count(&open), 0);
    assert_eq!(open.get("/results/2026-midterm").status, 404);
    assert_eq!(open.get("/results/2026-midterm.csv").status, 404);

    // After the close (a second instance on the same database, a day in February 2027).
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&open.database_url),
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let browser = Browser::new(&closed);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let dashboard = browser.get("/analyst");
    assert!(
        dashboard
            .body
            .contains("action=\"/analyst/waves/2026-midterm/publish\"")
    );
    let no_token = browser.post("/analyst/waves/2026-midterm/publish", &[]);
    assert_eq!(no_token.status, 403);
    assert_eq!(
        publication_count(&open),
        0,
        "a refused POST changes nothing"
    );
    let csrf = browser.csrf();
    let done = browser.post("/analyst/waves/2026-midterm/publish", &[("_csrf", &csrf)]);
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(publication_count(&open), 1);
    assert!(audit_actions(&open).contains(&("kato".to_string(), "publish".to_string())));

    // The public page, in Japanese by default and in English on request.
    let page = closed.get("/results/2026-midterm");
    assert_eq!(page.status, 200, "{}", page.body);
    for needle in [
        "<svg",
        "role=\"img\"",
        "<title id=\"scores-title\">",
        "<desc id=\"scores-desc\">",
        "<table",
        "51.0",
        "31.5–70.6",
        "41.7%",
        "非公表",
        "集計の方法",
        "href=\"/results/2026-midterm.csv\"",
    ] {
        assert!(page.body.contains(needle), "{needle} in {}", page.body);
    }
    assert!(
        !page.body.contains("style="),
        "the CSP forbids inline styles"
    );
    let en = closed.get("/results/2026-midterm?lang=en");
    assert!(en.body.contains("How the figures are computed"));
    assert!(en.body.contains("Not published"));
    let en = closed.get_with(
        "/results/2026-midterm",
        ("Accept-Language", "en-GB,en;q=0.9"),
    );
    assert!(en.body.contains("<html lang=\"en\""));

    // Open data: the published figures, UTF-8 with BOM and CRLF.
    let csv = closed.get("/results/2026-midterm.csv");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    let text = csv.body.strip_prefix('\u{feff}').expect("a BOM");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "wave_id,vision_id,vision_name_ja,vision_name_en,respondents,mean_score,sd,ci95_lower,ci95_upper,top2_box_pct,suppressed"
    );
    assert!(
        lines[1].ends_with(",12,51.0417,30.8305,31.4529,70.6304,41.6667,false"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("2026-midterm,v2,") && lines[2].ends_with(",,,,,,,true"));
    assert_eq!(lines.len(), 7);

    // A paper response arriving later does not change what was published.
    {
        use citizen_survey::db::schema::responses;
        let id = uuid::Uuid::new_v4().to_string();
        let mut conn = open.db();
        diesel::insert_into(responses::table)
            .values((
                responses::id.eq(&id),
                responses::wave_id.eq("2026-midterm"),
                responses::channel.eq("paper"),
                responses::language.eq("ja"),
                responses::submitted_on.eq(NaiveDate::from_ymd_opt(2027, 2, 11).unwrap()),
                responses::answers.eq(format!(
                    "{{{}}}",
                    V1.map(|q| format!("\"{q}\":\"5\"")).join(",")
                )),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    assert_eq!(closed.get("/results/2026-midterm.csv").body, csv.body);

    // Unpublished and unknown waves are not found.
    assert_eq!(closed.get("/results/2028-final").status, 404);
    assert_eq!(closed.get("/results/2028-final.csv").status, 404);
    assert_eq!(closed.get("/results/no-such-wave").status, 404);

    // Once 2028 is published too (here with no responses: every vision suppressed), the
    // two waves appear side by side.
    let later = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&open.database_url),
        NaiveDate::from_ymd_opt(2029, 1, 10).unwrap(),
    );
    let browser = Browser::new(&later);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let csrf = browser.csrf();
    let done = browser.post("/analyst/waves/2028-final/publish", &[("_csrf", &csrf)]);
    assert_eq!(done.status, 303);
    for path in ["/results/2026-midterm", "/results/2028-final"] {
        let page = later.get(path);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("2026年度調査") && page.body.contains("2028年度調査"));
        assert!(page.body.contains("中間評価") && page.body.contains("最終評価"));
        assert!(page.body.contains("51.0"));
    }
    let csv = later.get("/results/2028-final.csv");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.matches(",,,,,,,true\r\n").count(), 5);
}

#[test]
fn set_password_gives_an_existing_analyst_a_password_and_short_ones_are_refused() {
    let app = spawn_app_on(midterm_day());
    app.create_analyst("yamada");
    let run = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("SURVEY_DEFINITIONS", &app.definitions)
            .env_remove("RUST_LOG")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
        child.wait_with_output().unwrap()
    };
    let browser = Browser::new(&app);
    assert_eq!(
        browser.sign_in("yamada", PASSWORD).status,
        401,
        "no password yet"
    );
    let short = run(&["analyst", "set-password", "yamada"], "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("12 to 256 characters"));
    let unknown = run(&["analyst", "set-password", "nobody"], PASSWORD);
    assert!(!unknown.status.success());
    let out = run(&["analyst", "set-password", "yamada"], PASSWORD);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(browser.sign_in("yamada", PASSWORD).status, 303);
    // Only an Argon2id hash is stored.
    use citizen_survey::db::schema::analyst_passwords;
    let hashes: Vec<String> = analyst_passwords::table
        .select(analyst_passwords::password_hash)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert!(hashes[0].starts_with("$argon2id$") && !hashes[0].contains(PASSWORD));
    // A password given on the command line is not an option.
    let argv = app.cli(&["analyst", "create", "mori", "--password", PASSWORD]);
    assert!(!argv.status.success());
}

#[test]
fn the_dashboard_reminder_button_queues_reminders_on_an_invitation_wave() {
    let sink = crate::smtp::SmtpSink::start();
    let database = TestDatabase::new();
    let mut config = settings(&database.url);
    config.definitions = crate::helpers::invitation_definitions();
    config.smtp_url = Some(sink.url());
    config.reminder_days = 0;
    let app = spawn_app_with_settings(database, config, midterm_day());
    let bearer = create_with_password(&app, "reminder", "a-long-enough-password");
    let imported = app
        .agent
        .post(format!(
            "{}/analyst/waves/2026-midterm/invitations",
            app.address
        ))
        .header("Authorization", format!("Bearer {bearer}"))
        .send("email\na@example.jp\nb@example.jp\n")
        .unwrap();
    assert_eq!(imported.status().as_u16(), 200);
    sink.wait_for(2, std::time::Duration::from_secs(20));

    let browser = Browser::new(&app);
    assert_eq!(
        browser.sign_in("reminder", "a-long-enough-password").status,
        303
    );
    let dashboard = browser.get("/analyst");
    assert!(
        dashboard
            .body
            .contains("action=\"/analyst/waves/2026-midterm/remind\"")
    );
    // Without the form's token nothing is queued.
    assert_eq!(
        browser
            .post("/analyst/waves/2026-midterm/remind", &[])
            .status,
        403
    );
    let csrf = browser.csrf();
    let page = browser.post("/analyst/waves/2026-midterm/remind", &[("_csrf", &csrf)]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("2 reminder(s) queued"), "{}", page.body);
    let mail = sink.wait_for(4, std::time::Duration::from_secs(20));
    assert!(
        mail[2..]
            .iter()
            .all(|m| m.header("Subject").contains("リマインド"))
    );
    assert!(
        audit_actions(&app)
            .iter()
            .any(|(who, action)| who == "reminder" && action == "remind")
    );
}

/// The open data as (vision, respondents, mean) for the published visions.
fn open_data(app: &TestApp) -> Vec<(String, f64, f64)> {
    let csv = app.get("/results/2026-midterm.csv");
    assert_eq!(csv.status, 200);
    let text = csv.body.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(|r| {
            let r = r.unwrap();
            Some((r[1].to_string(), r[4].parse().ok()?, r[5].parse().ok()?))
        })
        .collect()
}

/// Attack: publish, add one late response, publish again; the attacker differences the two
/// open-data files (n₂·mean₂ − n₁·mean₁) and gets the late respondent's exact score. A
/// publication that would allow this is refused, saying how many more are needed; the date
/// shown is the service's calendar day (SURVEY_TODAY), not the machine's.
#[test]
fn a_second_publication_cannot_be_differenced_against_the_first() {
    let open = spawn_app_on(midterm_day());
    submit_known_set(&open);
    create_with_password(&open, "kato", PASSWORD);
    let closed = spawn_app_with_settings(
        TestDatabase::new(),
        settings(&open.database_url),
        NaiveDate::from_ymd_opt(2027, 2, 10).unwrap(),
    );
    let browser = Browser::new(&closed);
    assert_eq!(browser.sign_in("kato", PASSWORD).status, 303);
    let publish = || {
        let csrf = browser.csrf();
        browser.post("/analyst/waves/2026-midterm/publish", &[("_csrf", &csrf)])
    };
    assert_eq!(publish().status, 303);
    let first = open_data(&closed);
    let page = closed.get("/results/2026-midterm?lang=en");
    assert!(page.body.contains("10 February 2027"), "{}", page.body);

    // One late paper response (all 5s on v1, i.e. a score of 100).
    open.submit("2026-midterm", &{
        let mut a: Vec<(&str, &str)> = crate::helpers::REQUIRED.to_vec();
        a.extend(V1.iter().map(|q| (*q, "5")));
        a
    });
    let refused = publish();
    let second = open_data(&closed);
    let mut found = Vec::new();
    for ((v, n1, m1), (_, n2, m2)) in first.iter().zip(&second) {
        let d = n2 - n1;
        if (1.0..10.0).contains(&d) {
            found.push(format!(
                "{v}: {d} late respondent(s), mean {:.2}",
                (n2 * m2 - n1 * m1) / d
            ));
        }
    }
    eprintln!("differenced below the minimum: {found:?}");
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("at least 9 more"), "{}", refused.body);
}
