use std::path::{Path, PathBuf};
use std::sync::mpsc;

use chrono::NaiveDate;
use citizen_survey::clock;
use citizen_survey::settings::Settings;
use citizen_survey::startup::Application;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use tempfile::TempDir;

/// A day inside the 2026 mid-term wave (2026-11-01 – 2027-01-31).
pub fn midterm_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
}

pub fn definitions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions")
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub db_path: PathBuf,
    pub agent: ureq::Agent,
    _dir: TempDir,
}

pub fn settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_string(),
        bind: "127.0.0.1:0".into(),
        definitions: definitions_dir(),
        smtp_url: None,
        public_base_url: "http://127.0.0.1".into(),
        min_group_size: 10,
        today: None,
        max_body_bytes: 256 * 1024,
    }
}

/// Starts the application on a random port with a fresh SQLite file, on the given day.
pub fn spawn_app_on(today: NaiveDate) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("survey.db");
    let database_url = format!("sqlite://{}", db_path.display());
    let settings = settings(&database_url);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(&settings, clock::fixed(today)).expect("app builds");
            tx.send(app.port()).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    let port = rx.recv().expect("server started");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        database_url,
        db_path,
        agent: agent(),
        _dir: dir,
    }
}

pub fn spawn_app() -> TestApp {
    spawn_app_on(midterm_day())
}

/// An HTTP client that shows every status and never follows redirects.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

pub struct Page {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn page(mut response: ureq::http::Response<ureq::Body>) -> Page {
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

impl TestApp {
    pub fn get(&self, path: &str) -> Page {
        page(
            self.agent
                .get(format!("{}{path}", self.address))
                .call()
                .unwrap(),
        )
    }

    pub fn get_with(&self, path: &str, header: (&str, &str)) -> Page {
        page(
            self.agent
                .get(format!("{}{path}", self.address))
                .header(header.0, header.1)
                .call()
                .unwrap(),
        )
    }

    pub fn post_form(&self, path: &str, fields: &[(String, String)]) -> Page {
        page(
            self.agent
                .post(format!("{}{path}", self.address))
                .send_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .unwrap(),
        )
    }

    /// Opens the form and returns its one-time key.
    pub fn form_key(&self, wave: &str) -> String {
        let page = self.get(&format!("/surveys/{wave}"));
        assert_eq!(page.status, 200, "{}", page.body);
        hidden_value(&page.body, "_key").expect("form carries a key")
    }

    /// Opens the form and submits `answers` with its key; returns the response to the POST.
    pub fn submit(&self, wave: &str, answers: &[(&str, &str)]) -> Page {
        let mut fields = vec![("_key".to_string(), self.form_key(wave))];
        fields.extend(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.post_form(&format!("/surveys/{wave}"), &fields)
    }

    pub fn db(&self) -> SqliteConnection {
        SqliteConnection::establish(&self.db_path.to_string_lossy()).unwrap()
    }

    pub fn response_count(&self) -> i64 {
        use citizen_survey::db::schema::responses;
        responses::table.count().get_result(&mut self.db()).unwrap()
    }

    pub fn answer_count(&self) -> i64 {
        use citizen_survey::db::schema::answers;
        answers::table.count().get_result(&mut self.db()).unwrap()
    }

    /// Runs the real binary against this app's database and definitions.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("SURVEY_DEFINITIONS", definitions_dir())
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    }

    /// Creates an analyst with the CLI and returns the token it printed.
    pub fn create_analyst(&self, name: &str) -> String {
        let out = self.cli(&["analyst", "create", name]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

/// The value of `<input type="hidden" name=NAME value=…>` in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The answers every valid submission needs (the required demographics).
pub const REQUIRED: [(&str, &str); 2] = [("age_band", "age_30_39"), ("area", "jr_south")];
