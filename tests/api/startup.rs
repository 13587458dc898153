//! A misconfigured service fails at start with one line naming the setting to fix.

use std::process::Command;

use crate::helpers::{definitions_dir, postgres_server, with_database};

/// Runs `citizen-survey serve` with the given settings; returns (success, stderr).
fn serve(env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citizen-survey"));
    cmd.arg("serve")
        .env("SURVEY_DEFINITIONS", definitions_dir())
        .env("SURVEY_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "off");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.success(), String::from_utf8(out.stderr).unwrap())
}

fn assert_one_clear_line(stderr: &str, setting: &str, reason: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(setting), "names {setting}: {stderr}");
    assert!(lines[0].contains(reason), "says {reason:?}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("secret"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_database_scheme_is_refused_clearly() {
    let (ok, stderr) = serve(&[("DATABASE_URL", "mysql://survey:secret@db/survey")]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "DATABASE_URL", "unknown scheme");
}

#[test]
fn an_unreachable_database_is_refused_clearly() {
    // Port 1 on loopback: nothing listens there.
    let (ok, stderr) = serve(&[(
        "DATABASE_URL",
        "postgres://survey:secret@127.0.0.1:1/survey",
    )]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "DATABASE_URL", "Connection refused");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "").unwrap();
    let url = format!("sqlite://{}/survey.db", file.display());
    let (ok, stderr) = serve(&[("DATABASE_URL", &url)]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "DATABASE_URL", "cannot create the database folder");
}

#[test]
fn invalid_definitions_or_a_busy_port_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let (ok, stderr) = serve(&[
        ("DATABASE_URL", &db),
        ("SURVEY_DEFINITIONS", "/nonexistent/defs"),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("SURVEY_DEFINITIONS") && stderr.contains("/nonexistent/defs/visions.toml"),
        "{stderr}"
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let (ok, stderr) = serve(&[("DATABASE_URL", &db), ("SURVEY_BIND", &bind)]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "SURVEY_BIND", &bind);
}

#[test]
#[ignore = "needs PostgreSQL: set TEST_POSTGRES_URL and run with --include-ignored"]
fn wrong_postgresql_credentials_are_refused_clearly() {
    let server = postgres_server().expect("TEST_POSTGRES_URL must point at a PostgreSQL server");
    let url = with_database(&server, "postgres");
    let rest = url.split_once("://").unwrap().1;
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let wrong = format!("postgres://no_such_role:secret@{host}");
    let (ok, stderr) = serve(&[("DATABASE_URL", &wrong)]);
    assert!(!ok);
    assert_one_clear_line(&stderr, "DATABASE_URL", "no_such_role");
}
