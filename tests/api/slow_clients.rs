//! Issue 12, defects 3 and 8: slow or stalled clients cannot hold the service, and knowing
//! an analyst's name does not lock them out.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::helpers::{TestDatabase, midterm_day, settings, spawn_app_with_settings};
use crate::workspace::{Browser, create_with_password};

const PASSWORD: &str = "correct horse battery staple";

/// Reads what the server sends until it closes the connection or `limit` passes.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let start = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        if start.elapsed() > limit {
            break;
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

#[test]
fn a_stalled_body_gets_408_and_stalled_headers_are_closed_while_health_keeps_answering() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.limits.header_timeout_seconds = 1;
    s.limits.body_timeout_seconds = 1;
    let app = spawn_app_with_settings(database, s, midterm_day());
    let host = app.address.trim_start_matches("http://").to_string();

    // Many clients that declare 100,000 bytes and send 5, on the resident form and the
    // sign-in form (two different ways of reading a body).
    let mut stalled: Vec<TcpStream> = (0..200)
        .map(|i| {
            let path = if i % 2 == 0 {
                "/surveys/2026-midterm"
            } else {
                "/analyst/sign-in"
            };
            let mut s = TcpStream::connect(&host).unwrap();
            write!(
                s,
                "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nab=cd"
            )
            .unwrap();
            s
        })
        .collect();
    // And some that never finish their headers.
    let mut silent: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut s = TcpStream::connect(&host).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost:").unwrap();
            s
        })
        .collect();

    let health = app.get("/healthz");
    assert_eq!(health.status, 200, "the service still answers");

    for s in stalled.iter_mut() {
        let (answer, took) = read_until_closed(s, Duration::from_secs(5));
        assert!(
            answer.starts_with("HTTP/1.1 408"),
            "a stalled body gets 408, got {answer:?}"
        );
        assert!(took < Duration::from_secs(5));
    }
    for s in silent.iter_mut() {
        let (_, took) = read_until_closed(s, Duration::from_secs(5));
        assert!(
            took < Duration::from_secs(5),
            "closed after the header timeout"
        );
    }
    assert_eq!(app.response_count(), 0);
    assert_eq!(app.get("/healthz").status, 200);
}

#[test]
fn failures_make_the_account_wait_a_little_not_lock_its_owner_out() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.analyst.lockout_failures = 3;
    s.analyst.lockout_max_delay_seconds = 2;
    s.analyst.sign_in_per_client_per_minute = 1000;
    let app = spawn_app_with_settings(database, s, midterm_day());
    create_with_password(&app, "yamada", PASSWORD);
    let attacker = Browser::new(&app);
    // Far more failures than used to lock the account for 15 minutes.
    for _ in 0..20 {
        assert_eq!(attacker.sign_in("yamada", "a wrong password!").status, 401);
    }
    // The owner waits at most the longest delay, then gets in.
    std::thread::sleep(Duration::from_millis(2100));
    let owner = Browser::new(&app);
    assert_eq!(owner.sign_in("yamada", PASSWORD).status, 303);
}

#[test]
fn one_client_guessing_across_many_accounts_is_slowed_in_memory_only() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.analyst.sign_in_per_client_per_minute = 5;
    let app = spawn_app_with_settings(database, s, midterm_day());
    create_with_password(&app, "ishii", PASSWORD);
    let guesser = Browser::new(&app);
    let statuses: Vec<u16> = (0..7)
        .map(|i| {
            guesser
                .sign_in(&format!("name{i}"), "guess guess guess")
                .status
        })
        .collect();
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    let page = guesser.sign_in("ishii", PASSWORD);
    assert_eq!(page.status, 429);
    assert!(page.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert!(page.body.contains("Too many sign-in attempts"));
    // Nothing about the client is stored: no address anywhere in the audit log.
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT analyst || ' ' || action || ' ' || detail AS detail FROM audit_log",
    )
    .load(&mut app.db())
    .unwrap();
    assert!(rows.iter().all(|r| !r.detail.contains("127.0.0.1")));
}
