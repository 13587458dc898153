//! Guessing access codes (issue 20 defect 4, issue 19 defect 6): a flood of wrong codes
//! from many addresses, directly or through a trusted reverse proxy, must not keep a
//! resident with a valid code out; each client (the forwarded address behind a trusted
//! proxy, an IPv6 /64) is slowed by its own failures only.

use citizen_survey::domain::AccessCode;

use crate::codes::{code_definitions, generate};
use crate::helpers::{TestApp, TestDatabase, midterm_day, settings, spawn_app_with_settings};

fn app(trust_proxy: bool) -> TestApp {
    let database = TestDatabase::new();
    let mut settings = settings(&database.url);
    settings.definitions = code_definitions(true);
    settings.limits.trust_proxy = trust_proxy;
    spawn_app_with_settings(database, settings, midterm_day())
}

/// `GET /c/{code}` as a client at `forwarded` (through the proxy's `X-Forwarded-For`).
fn open_code(app: &TestApp, code: &str, forwarded: &str) -> u16 {
    app.get_with(
        &format!("/c/{}", code.replace('-', "")),
        ("X-Forwarded-For", &format!("192.0.2.200, {forwarded}")),
    )
    .status
}

/// A well-formed code that was never issued.
fn guess() -> String {
    AccessCode::generate().as_str().to_string()
}

#[test]
fn a_flood_of_wrong_codes_keeps_no_resident_out_behind_a_trusted_proxy() {
    let app = app(true);
    let codes = generate(&app, "2026-midterm", 80);
    // 70 addresses, 12 wrong codes each, at once: each address gets its ten 404s, then 429.
    std::thread::scope(|s| {
        for a in 0..70 {
            let app = &app;
            s.spawn(move || {
                let from = format!("198.51.100.{a}");
                let statuses: Vec<u16> = (0..12).map(|_| open_code(app, &guess(), &from)).collect();
                assert_eq!(statuses[..10], [404; 10], "{from}: {statuses:?}");
                assert_eq!(statuses[10..], [429; 2], "{from}: {statuses:?}");
            });
        }
    });
    // The flood goes on from one address while residents come, each from their own.
    let mut ok = 0;
    for (i, code) in codes.iter().enumerate() {
        assert_eq!(open_code(&app, &guess(), "198.51.100.1"), 429);
        if open_code(&app, code, &format!("203.0.113.{}", i % 250)) == 200 {
            ok += 1;
        }
    }
    assert_eq!(
        ok,
        codes.len(),
        "residents with a valid code who got the form"
    );
    // An IPv6 client is its /64: hopping addresses inside it does not reset the count.
    for i in 1..=10 {
        assert_eq!(
            open_code(&app, &guess(), &format!("2001:db8:0:1::{i:x}")),
            404
        );
    }
    assert_eq!(open_code(&app, &guess(), "2001:db8:0:1:ffff::1"), 429);
    assert_eq!(open_code(&app, &guess(), "2001:db8:0:2::1"), 404);
}

#[test]
fn without_a_trusted_proxy_a_forged_forwarded_address_buys_no_guesses() {
    let app = app(false);
    let statuses: Vec<u16> = (0..11)
        .map(|i| open_code(&app, &guess(), &format!("198.51.100.{i}")))
        .collect();
    assert_eq!(statuses[..10], [404; 10]);
    assert_eq!(statuses[10], 429, "{statuses:?}");
}
