//! The real binary as an operator runs it: acknowledged answers survive a crash, and the
//! logs hold nothing about who answered or what.

use crate::helpers::{REQUIRED, ServerProcess, TestDatabase, agent, hidden_value};

fn submit(server: &ServerProcess, answers: &[(&str, &str)]) -> u16 {
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

#[test]
fn acknowledged_answers_survive_a_crash_and_logs_stay_anonymous() {
    let db = TestDatabase::new();
    let server = ServerProcess::start(&db.url);
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
    let log = server.stop_and_read_logs();
    assert_eq!(count_responses(&db), 5);

    let server = ServerProcess::start(&db.url);
    assert_eq!(submit(&server, &REQUIRED), 303);
    let log = log + &server.stop_and_read_logs();
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
