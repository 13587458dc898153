//! A bounded, seeded fuzz run over the resident and analyst routes (issue 12): random
//! methods, paths, query strings, headers, content types and bodies (NUL, control
//! characters, bytes that are not UTF-8, long values, real question ids with wrong values),
//! sent as raw bytes over TCP. No answer may be a 5xx, and nothing may be stored but what
//! was acknowledged with a redirect to the thank-you page.
//!
//! `CS_FUZZ_SECONDS` (default 15, at most 60) bounds it; `CS_FUZZ_SEED` (default 12)
//! picks the sequence, so a failure is reproduced by running again with the seed printed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::helpers::{TestDatabase, midterm_day, settings, spawn_app_with_settings};

/// xorshift64*: small, seeded, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const METHODS: [&str; 8] = [
    "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS",
];
const PATHS: [&str; 18] = [
    "/",
    "/healthz",
    "/static/style.css",
    "/surveys/2026-midterm",
    "/surveys/2026-midterm",
    "/surveys/2028-final",
    "/surveys/2026-midterm/thanks",
    "/surveys/{x}",
    "/s/{x}",
    "/s/{x}/opt-out",
    "/opt-out",
    "/analyst",
    "/analyst/sign-in",
    "/analyst/sign-out",
    "/analyst/waves/2026-midterm/{x}.csv",
    "/analyst/waves/{x}/invitations",
    "/analyst/waves/2026-midterm/publish",
    "/results/{x}",
];
const QUESTIONS: [&str; 8] = [
    "v1_online_procedures",
    "age_band",
    "area",
    "devices_used",
    "city_hall_visits",
    "opinion_general",
    "opinion_improvements",
    "_lang",
];
const NASTY: [&str; 16] = [
    "%00",
    "a%00b",
    "%E9",
    "%C3%28",
    "%FF%FE",
    "%1B%5B31m",
    "%C2%85",
    "%EF%BF%BD",
    "4",
    "dk",
    "age_30_39",
    "jr_south",
    "%3Cscript%3E",
    "=cmd|'/c calc'!A1",
    "%E7%AA%93%E5%8F%A3",
    "..%2F..%2Fetc%2Fpasswd",
];
const CONTENT_TYPES: [&str; 6] = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=Shift_JIS",
    "text/plain",
    "application/json",
    "multipart/form-data; boundary=zz",
];

fn segment(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "2026-midterm".into(),
        1 => "%00".into(),
        2 => "x".repeat(1 + rng.below(3000)),
        3 => "%E9%FF".into(),
        4 => "vision-scores".into(),
        _ => format!("{:x}", rng.next()),
    }
}

fn query(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => String::new(),
        1 => "?lang=en".into(),
        2 => "?lang=ja&lang=en".into(),
        3 => format!("?lang={}", rng.pick(&NASTY)),
        4 => format!(
            "?encoding={}&accept=valid&addresses=maybe",
            rng.pick(&NASTY)
        ),
        _ => "?%zz=%".into(),
    }
}

fn body(rng: &mut Rng, key: &str) -> Vec<u8> {
    if rng.chance(10) {
        return (0..rng.below(200)).map(|_| rng.next() as u8).collect();
    }
    let mut fields = vec![];
    if rng.chance(80) {
        fields.push(format!("_key={key}"));
    }
    for _ in 0..rng.below(8) {
        let q = rng.pick(&QUESTIONS);
        let v = if rng.chance(5) {
            "a".repeat(rng.below(5000))
        } else {
            rng.pick(&NASTY).to_string()
        };
        fields.push(format!("{q}={v}"));
    }
    if rng.chance(30) {
        fields.push("age_band=age_30_39&area=jr_south".into());
    }
    if rng.chance(10) {
        fields.push("name=a%00&password=x&_csrf=y&_token=z".into());
    }
    fields.join("&").into_bytes()
}

/// Sends one raw request and returns the status code (0 when the server closed without
/// an answer, which only a deliberately short body may cause).
fn send(host: &str, request: &[u8]) -> u16 {
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(request);
    let mut head = [0u8; 12];
    let mut got = 0;
    while got < 12 {
        match s.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    std::str::from_utf8(&head[..got])
        .ok()
        .and_then(|h| h.get(9..12))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn seeded_fuzz_run_gives_no_5xx_and_stores_only_what_it_acknowledged() {
    let seconds: u64 = std::env::var("CS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
        .min(60);
    let seed: u64 = std::env::var("CS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.limits.body_timeout_seconds = 1;
    s.limits.header_timeout_seconds = 2;
    let app = spawn_app_with_settings(database, s, midterm_day());
    let token = app.create_analyst("fuzzer");
    let host = app.address.trim_start_matches("http://").to_string();
    let mut rng = Rng(seed.max(1));
    let mut key = app.form_key("2026-midterm");
    let (mut sent, mut acknowledged) = (0u64, 0i64);
    let mut by_status = std::collections::BTreeMap::<u16, u64>::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        let method = *rng.pick(&METHODS);
        let path = rng.pick(&PATHS).replace("{x}", &segment(&mut rng));
        let path = format!("{path}{}", query(&mut rng));
        let payload = if method == "GET" || method == "HEAD" {
            vec![]
        } else {
            body(&mut rng, &key)
        };
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n");
        if rng.chance(70) {
            request += &format!("Content-Type: {}\r\n", rng.pick(&CONTENT_TYPES));
        }
        if rng.chance(30) {
            request += &format!("Authorization: Bearer {token}\r\n");
        } else if rng.chance(10) {
            request += "Authorization: Bearer %00\r\n";
        }
        if rng.chance(20) {
            request += "Cookie: cs_session=00; cs_sign_in=y\r\n";
        }
        if rng.chance(20) {
            request += "Accept-Language: en;q=abc, *\r\n";
        }
        // Now and then a body shorter than announced: must be a 408, not a hang or a 5xx.
        let short = !payload.is_empty() && rng.chance(1);
        let announced = payload.len() + if short { 10 } else { 0 };
        request += &format!("Content-Length: {announced}\r\n\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(&payload);
        let status = send(&host, &bytes);
        sent += 1;
        *by_status.entry(status).or_default() += 1;
        assert!(
            !(500..600).contains(&status) && (status != 0 || short),
            "seed {seed}, request {sent}: {method} {path} gave {status}: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        if status == 303 && method == "POST" && path.starts_with("/surveys/2026-midterm") {
            acknowledged += 1;
            key = app.form_key("2026-midterm");
        }
    }
    eprintln!(
        "fuzz seed {seed}: {sent} requests in {seconds} s, statuses {by_status:?}, {acknowledged} stored"
    );
    assert!(sent > 100, "only {sent} requests");
    assert_eq!(
        app.response_count(),
        acknowledged,
        "nothing stored from a rejected request"
    );
}
