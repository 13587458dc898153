//! The real binary as an operator runs it: acknowledged answers survive a crash, and the
//! logs hold nothing about who answered or what.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{REQUIRED, TestDatabase, agent, definitions_dir, hidden_value};

struct Server {
    child: Child,
    address: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(database_url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("SURVEY_BIND", format!("127.0.0.1:{port}"))
        .env("SURVEY_DEFINITIONS", definitions_dir())
        .env("SURVEY_TODAY", "2026-12-05")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let address = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let agent = agent();
    loop {
        if let Ok(r) = agent.get(format!("{address}/healthz")).call()
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not become healthy");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, address }
}

fn submit(server: &Server, answers: &[(&str, &str)]) -> u16 {
    let agent = agent();
    let mut form = agent
        .get(format!("{}/surveys/2026-midterm", server.address))
        .header("User-Agent", "AnonymityProbe/9.9")
        .call()
        .unwrap();
    let key = hidden_value(&form.body_mut().read_to_string().unwrap(), "_key").unwrap();
    let mut fields = vec![("_key", key.as_str())];
    fields.extend_from_slice(answers);
    agent
        .post(format!("{}/surveys/2026-midterm", server.address))
        .header("User-Agent", "AnonymityProbe/9.9")
        .header("Referer", "https://example.org/private-referrer")
        .send_form(fields)
        .unwrap()
        .status()
        .as_u16()
}

fn count_responses(db: &TestDatabase) -> i64 {
    use diesel::prelude::*;
    citizen_survey::db::schema::responses::table
        .count()
        .get_result(&mut db.connect())
        .unwrap()
}

fn logs(mut server: Server) -> String {
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut out = String::new();
    server
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

#[test]
fn acknowledged_answers_survive_a_crash_and_logs_stay_anonymous() {
    let db = TestDatabase::new();
    let server = start(&db.url);
    let secret = "秘密の意見ZQX-4471";
    for _ in 0..5 {
        let answers = [
            REQUIRED[0],
            REQUIRED[1],
            ("opinion_general", secret),
            ("v1_online_procedures", "5"),
        ];
        assert_eq!(submit(&server, &answers), 303);
    }
    // A bad submission too, so error paths are in the log if they log anything.
    assert_eq!(submit(&server, &[("area", "nowhere")]), 422);

    // SIGKILL: no shutdown hook runs. Every acknowledged answer must already be on disk.
    let log = logs(server);
    assert_eq!(count_responses(&db), 5);

    let server = start(&db.url);
    assert_eq!(submit(&server, &REQUIRED), 303);
    let log = log + &logs(server);
    assert_eq!(count_responses(&db), 6);

    assert!(
        log.contains("citizen-survey listening"),
        "the log is captured: {log}"
    );
    for private in [
        "AnonymityProbe",
        "private-referrer",
        secret,
        "jr_south",
        "age_30_39",
    ] {
        assert!(!log.contains(private), "log contains {private}: {log}");
    }
}
