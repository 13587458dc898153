use std::path::{Path, PathBuf};
use std::sync::mpsc;

use chrono::NaiveDate;
use citizen_survey::clock;
use citizen_survey::db::{DatabaseUrl, DbConnection};
use citizen_survey::settings::Settings;
use citizen_survey::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use tempfile::TempDir;

/// Set to a PostgreSQL server (e.g. `postgres://postgres@127.0.0.1:5432/postgres`) to run
/// the whole suite against PostgreSQL: each test then gets its own new database there.
pub const POSTGRES_ENV: &str = "TEST_POSTGRES_URL";

pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())
}

/// `sqlite` or `postgresql`: the backend this run of the suite must be talking to.
pub fn expected_backend() -> &'static str {
    if postgres_server().is_some() {
        "postgresql"
    } else {
        "sqlite"
    }
}

/// A database of its own for one test: an SQLite file in a temporary folder, or a new
/// PostgreSQL database that is dropped when the test ends.
pub struct TestDatabase {
    pub url: String,
    _dir: TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        match postgres_server() {
            None => TestDatabase {
                url: format!("sqlite://{}", dir.path().join("survey.db").display()),
                _dir: dir,
                postgres: None,
            },
            Some(server) => {
                let name = format!("cs_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&server)
                    .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={server}: {e}"));
                admin
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .unwrap();
                TestDatabase {
                    url: with_database(&server, &name),
                    _dir: dir,
                    postgres: Some((server, name)),
                }
            }
        }
    }

    pub fn connect(&self) -> DbConnection {
        citizen_survey::db::establish(&DatabaseUrl::parse(&self.url).unwrap()).unwrap()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres
            && let Ok(mut admin) = PgConnection::establish(server)
        {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

/// The same server URL naming another database.
pub fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

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
    pub agent: ureq::Agent,
    pub database: TestDatabase,
    pub definitions: PathBuf,
}

pub fn settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_string(),
        bind: "127.0.0.1:0".into(),
        definitions: definitions_dir(),
        smtp_url: None,
        mail_from: None,
        mail_rate: 200.0,
        mail_retry_seconds: 0.2,
        mail_max_attempts: 8,
        mail_lease_seconds: 2.0,
        reminder_days: 7,
        public_base_url: "http://127.0.0.1".into(),
        min_group_size: 10,
        exclude_no_code_sheets: false,
        today: None,
        max_body_bytes: 256 * 1024,
        analyst: Default::default(),
        limits: Default::default(),
    }
}

/// Starts the application on a random port with a fresh database, on the given day.
pub fn spawn_app_on(today: NaiveDate) -> TestApp {
    let database = TestDatabase::new();
    let url = database.url.clone();
    spawn_app_with(database, url, today)
}

/// Starts the application on `database`, reaching it through `database_url` (which may
/// differ from the database's own URL, e.g. to go through a proxy).
pub fn spawn_app_with(database: TestDatabase, database_url: String, today: NaiveDate) -> TestApp {
    spawn_app_with_settings(database, settings(&database_url), today)
}

/// Starts the application with the given settings (their database URL reaching `database`).
pub fn spawn_app_with_settings(
    database: TestDatabase,
    settings: Settings,
    today: NaiveDate,
) -> TestApp {
    let database_url = settings.database_url.clone();
    let definitions = settings.definitions.clone();
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
        agent: agent(),
        database,
        definitions,
    }
}

pub fn spawn_app() -> TestApp {
    spawn_app_on(midterm_day())
}

/// Lets a definitions folder weight with example count files: the bundled population.csv
/// declares no source and reference date (it is made up), so weighted columns are blank
/// unless weighting.toml allows examples, as tests that check weighted figures do.
pub fn allow_example_weights(dir: &Path) {
    std::fs::write(dir.join("weighting.toml"), "allow_example = true\n").unwrap();
}

/// The bundled definitions, copied, with [`allow_example_weights`].
pub fn definitions_with_example_weights() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let bundled = definitions_dir();
    std::fs::create_dir_all(dir.join("waves")).unwrap();
    for file in [
        "visions.toml",
        "population.csv",
        "waves/2026-midterm.toml",
        "waves/2028-final.toml",
    ] {
        std::fs::copy(bundled.join(file), dir.join(file)).unwrap();
    }
    allow_example_weights(&dir);
    dir
}

/// [`spawn_app`] on [`definitions_with_example_weights`]: weighted figures from the
/// example population.
pub fn spawn_app_with_example_weights() -> TestApp {
    let database = TestDatabase::new();
    let mut settings = settings(&database.url);
    settings.definitions = definitions_with_example_weights();
    spawn_app_with_settings(database, settings, midterm_day())
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

    pub fn db(&self) -> DbConnection {
        self.database.connect()
    }

    /// The database file when the run is on SQLite (`None` on PostgreSQL).
    pub fn sqlite_file(&self) -> Option<String> {
        self.database
            .url
            .strip_prefix("sqlite://")
            .map(str::to_string)
    }

    pub fn response_count(&self) -> i64 {
        use citizen_survey::db::schema::responses;
        responses::table.count().get_result(&mut self.db()).unwrap()
    }

    pub fn answer_count(&self) -> i64 {
        stored_answers(&mut self.db()).len() as i64
    }

    /// Posts a filled-in form with a fresh key and nothing else.
    pub fn submit_raw(&self, answers: &[(&str, &str)]) -> Page {
        let mut fields = vec![("_key".to_string(), uuid::Uuid::new_v4().to_string())];
        fields.extend(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.post_form("/surveys/2026-midterm", &fields)
    }

    pub fn count_rows(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut self.db())
            .unwrap()
            .n
    }

    /// Runs the real binary as if today were `day` (YYYY-MM-DD).
    pub fn cli_on(&self, day: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("SURVEY_DEFINITIONS", &self.definitions)
            .env("SURVEY_TODAY", day)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    }

    /// [`TestApp::cli`] with `SURVEY_MIN_GROUP_SIZE` set.
    pub fn cli_with_min_group_size(&self, min: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("SURVEY_DEFINITIONS", &self.definitions)
            .env("SURVEY_MIN_GROUP_SIZE", min)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    }

    /// Runs the real binary against this app's database and definitions.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("SURVEY_DEFINITIONS", &self.definitions)
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

/// Column names of a table in definition order, on either backend.
pub fn columns(conn: &mut DbConnection, table: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        }
        DbConnection::Postgresql(_) => format!(
            "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    diesel::sql_query(sql)
        .load::<Column>(conn)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// A copy of the bundled definitions with the mid-term wave made invitation-only; the
/// folder lives as long as the process (tests start apps and CLIs on it).
pub fn invitation_definitions() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let bundled = definitions_dir();
    std::fs::create_dir_all(dir.join("waves")).unwrap();
    std::fs::copy(bundled.join("visions.toml"), dir.join("visions.toml")).unwrap();
    for wave in ["2026-midterm", "2028-final"] {
        let text = std::fs::read_to_string(bundled.join(format!("waves/{wave}.toml"))).unwrap();
        let text = if wave == "2026-midterm" {
            text.replacen(
                "closes = 2027-01-31\n",
                "closes = 2027-01-31\naccess = \"invitation\"\n",
                1,
            )
        } else {
            text
        };
        std::fs::write(dir.join(format!("waves/{wave}.toml")), text).unwrap();
    }
    assert!(
        std::fs::read_to_string(dir.join("waves/2026-midterm.toml"))
            .unwrap()
            .contains("access = \"invitation\"")
    );
    dir
}

/// The application on an invitation-only mid-term wave, sending mail to `smtp_url`.
pub fn spawn_invitation_app(smtp_url: &str) -> TestApp {
    let database = TestDatabase::new();
    let mut settings = settings(&database.url);
    settings.definitions = invitation_definitions();
    settings.smtp_url = Some(smtp_url.to_string());
    spawn_app_with_settings(database, settings, midterm_day())
}

/// The real binary, started as an operator would (`citizen-survey serve`), on a free port.
pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
    /// What the server printed (stdout, then stderr), read as it comes so that a chatty
    /// server (RUST_LOG=debug) never blocks on a full pipe.
    output: [Option<std::thread::JoinHandle<String>>; 2],
}

fn drain(pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut pipe = pipe;
        let _ = std::io::Read::read_to_end(&mut pipe, &mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

impl ServerProcess {
    /// Starts `citizen-survey serve` on `database_url`, pretending it is a day of the
    /// mid-term wave, and waits until `/healthz` answers.
    pub fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[])
    }

    /// As [`start`](Self::start), with more environment variables.
    pub fn start_with(database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("SURVEY_BIND", format!("127.0.0.1:{port}"))
            .env("SURVEY_DEFINITIONS", definitions_dir())
            .env("SURVEY_TODAY", midterm_day().to_string())
            .env("RUST_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let output = [
            Some(drain(child.stdout.take().unwrap())),
            Some(drain(child.stderr.take().unwrap())),
        ];
        let address = format!("http://127.0.0.1:{port}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let agent = agent();
        loop {
            if let Ok(r) = agent.get(format!("{address}/healthz")).call()
                && r.status() == 200
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "server did not become healthy"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        ServerProcess {
            child,
            address,
            output,
        }
    }

    /// Kills the server (SIGKILL: no shutdown hook runs) and returns what it printed.
    pub fn stop_and_read_logs(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.output
            .iter_mut()
            .map(|o| o.take().unwrap().join().unwrap())
            .collect()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The four v1 items of both waves.
pub const V1: [&str; 4] = [
    "v1_online_procedures",
    "v1_fewer_visits",
    "v1_cashless_payment",
    "v1_waiting_time",
];

/// Thirteen residents' answers to the four v1 items ("" = left unanswered).
pub const V1_ANSWERS: [[&str; 4]; 13] = [
    ["5", "5", "5", "5"],
    ["4", "4", "4", "4"],
    ["3", "3", "3", "3"],
    ["2", "2", "2", "2"],
    ["1", "1", "1", "1"],
    ["5", "4", "dk", "dk"],
    ["1", "2", "3", "dk"],
    ["3", "4", "5", ""],
    ["dk", "dk", "dk", "dk"],
    ["2", "3", "dk", "4"],
    ["5", "1", "5", "1"],
    ["4", "3", "4", "3"],
    ["1", "1", "2", "2"],
];

/// The known data set of the hand-computed CSV test: the thirteen above, the first three
/// also answering one v2 item (v1: n = 12, mean 51.0417; v2: three respondents).
pub fn submit_known_set(app: &TestApp) {
    for (i, row) in V1_ANSWERS.iter().enumerate() {
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
        assert_eq!(app.submit("2026-midterm", &answers).status, 303);
    }
}

/// Every stored answer `(response id, question id, position, value)`, decoded from
/// `responses.answers` (one row per response, see src/domain/stored.rs).
pub fn stored_answers(conn: &mut DbConnection) -> Vec<(String, String, i32, String)> {
    use citizen_survey::db::schema::responses;
    let rows: Vec<(String, String)> = responses::table
        .select((responses::id, responses::answers))
        .load(conn)
        .unwrap();
    let mut out = Vec::new();
    for (id, text) in rows {
        let mut position = 0;
        let mut previous = String::new();
        for (q, v) in citizen_survey::domain::stored::decode(&text).unwrap() {
            if q != previous {
                position = 0;
                previous = q.to_string();
            }
            out.push((id.clone(), q.into_owned(), position, v.into_owned()));
            position += 1;
        }
    }
    out
}

/// The stored values of one question over every response.
pub fn answers_to(conn: &mut DbConnection, question: &str) -> Vec<String> {
    stored_answers(conn)
        .into_iter()
        .filter(|(_, q, _, _)| q == question)
        .map(|(_, _, _, v)| v)
        .collect()
}

/// The length of a SQLite `-wal` file once the writer has emptied it: the writer answers a
/// batch's residents as soon as it is committed, then checkpoints and truncates the log
/// before it takes the next batch, so a test that has just been answered waits for that
/// (at most a few milliseconds; gives up after 5 s and returns what is left).
pub fn wal_left_after_checkpoint(wal: &str) -> u64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let len = std::fs::metadata(wal).map_or(0, |m| m.len());
        if len == 0 || std::time::Instant::now() > deadline {
            return len;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// A CSV (with or without a BOM) as rows keyed by column name.
pub fn csv_table(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}
