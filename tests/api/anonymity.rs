//! The attacker who holds a copy or a dump of the database (issue 20): what PostgreSQL's
//! row headers (`xmin`, `cmin`, `ctid`) and the heap's order, or SQLite's files, tell
//! about which code or invitation went with which response and in which order responses
//! came. Each test holds only what that attacker would hold: the dump (or the files), and
//! the codes or addresses of the residents it wants to find (a letter, the printer's CSV,
//! the invitation list). The test alone knows the truth, through a distinct comment in
//! each response.

use std::collections::HashMap;

use citizen_survey::db::DbConnection;
use citizen_survey::domain::AccessCode;
use diesel::prelude::*;

use crate::codes::{answer_by_link, generate, spawn_code_app};
use crate::helpers::TestApp;

/// k of the anonymity rules: every group the attacker can form holds at least this many.
const K: usize = citizen_survey::db::mix::MIX;

/// One row as the attacker sees it: something to recognise it by, and where it sits.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub key: String,
    /// PostgreSQL: the writing transaction's id (0 on SQLite).
    pub xmin: i64,
    /// PostgreSQL: the number of the command within it.
    pub cmin: i64,
    /// PostgreSQL: `(page, slot)` of `ctid`; SQLite: `(byte offset in the main file, 0)`.
    pub place: (i64, i64),
}

impl Seen {
    fn order(&self) -> (i64, i64, i64) {
        (self.xmin, self.place.0, self.place.1)
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    xmin: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    cmin: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    ctid: String,
}

/// `SELECT {key} AS key, xmin, cmin, ctid FROM {from}` on PostgreSQL; on SQLite, where the
/// rows have no header, the byte offset of each key's text in a copy of the main file.
pub(crate) fn dump(app: &TestApp, key: &str, from: &str) -> Vec<Seen> {
    let mut conn = app.db();
    match &mut conn {
        DbConnection::Postgresql(_) => diesel::sql_query(format!(
            "SELECT {key} AS key, xmin::text AS xmin, cmin::text AS cmin, ctid::text AS ctid FROM {from}"
        ))
        .load::<Row>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| {
            let (page, slot) = r
                .ctid
                .trim_matches(|c| c == '(' || c == ')')
                .split_once(',')
                .unwrap();
            Seen {
                key: r.key,
                xmin: r.xmin.parse().unwrap(),
                cmin: r.cmin.parse().unwrap(),
                place: (page.parse().unwrap(), slot.parse().unwrap()),
            }
        })
        .collect(),
        DbConnection::Sqlite(_) => {
            let keys: Vec<Row> = diesel::sql_query(format!(
                "SELECT {key} AS key, '0' AS xmin, '0' AS cmin, '' AS ctid FROM {from}"
            ))
            .load(&mut conn)
            .unwrap();
            let file = std::fs::read(app.sqlite_file().unwrap()).unwrap();
            keys.into_iter()
                .map(|r| {
                    let at = file
                        .windows(r.key.len())
                        .position(|w| w == r.key.as_bytes())
                        .unwrap_or(usize::MAX) as i64;
                    Seen {
                        key: r.key,
                        xmin: 0,
                        cmin: 0,
                        place: (at, 0),
                    }
                })
                .collect()
        }
    }
}

/// Spearman's rank correlation of two sequences (ties in `b` ranked in the given order).
pub(crate) fn spearman<T: Ord + Copy>(a: &[usize], b: &[T]) -> f64 {
    let rank = |v: Vec<usize>| {
        let mut r = vec![0.0; v.len()];
        for (k, &i) in v.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let mut ia: Vec<usize> = (0..a.len()).collect();
    ia.sort_by_key(|&i| a[i]);
    let mut ib: Vec<usize> = (0..b.len()).collect();
    ib.sort_by_key(|&i| b[i]);
    let (ra, rb) = (rank(ia), rank(ib));
    let n = a.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| (x - mean) * (y - mean))
        .sum();
    let var: f64 = ra.iter().map(|x| (x - mean) * (x - mean)).sum();
    cov / var
}

/// The attacker's best guesses of which response goes with each credential, from the
/// dump alone: for every strategy it might try, how many of `truth` it gets right.
/// `credentials` and `responses` are dumps; `truth` maps a credential's key to a
/// substring found only in its response's key.
pub(crate) fn pairing_hits<'r>(
    credentials: &[Seen],
    responses: &'r [Seen],
    truth: &HashMap<String, String>,
) -> Vec<(&'static str, usize)> {
    let mut by_xmin: HashMap<i64, Vec<&'r Seen>> = HashMap::new();
    for r in responses {
        by_xmin.entry(r.xmin).or_default().push(r);
    }
    for group in by_xmin.values_mut() {
        group.sort_by_key(|r| r.place);
    }
    // Ranks by place (SQLite: the i-th code by file offset with the i-th response).
    let mut cred_rank: Vec<&Seen> = credentials.iter().collect();
    cred_rank.sort_by_key(|c| c.order());
    let mut resp_rank: Vec<&'r Seen> = responses.iter().collect();
    resp_rank.sort_by_key(|r| r.order());
    let rank_of = |key: &str| cred_rank.iter().position(|c| c.key == key);
    let right = |guess: Option<&&Seen>, credential: &Seen| {
        let want = &truth[&credential.key];
        guess.is_some_and(|r| r.key.contains(want.as_str()))
    };
    type Guess<'g, 'r> = &'g dyn Fn(&Seen) -> Option<&'r Seen>;
    let strategies: [(&str, Guess<'_, 'r>); 5] = [
        ("same xmin, first in the heap", &|c| {
            by_xmin.get(&c.xmin).and_then(|g| g.first().copied())
        }),
        ("same xmin, last in the heap", &|c| {
            by_xmin.get(&c.xmin).and_then(|g| g.last().copied())
        }),
        ("same xmin, the one in the heap's last page", &|c| {
            by_xmin.get(&c.xmin).and_then(|g| {
                let last = g.iter().map(|r| r.place.0).max()?;
                let on_it: Vec<&&Seen> = g.iter().filter(|r| r.place.0 == last).collect();
                (on_it.len() == 1).then(|| *on_it[0])
            })
        }),
        ("nearest xmin at or after the credential's", &|c| {
            responses
                .iter()
                .filter(|r| r.xmin >= c.xmin)
                .min_by_key(|r| (r.xmin, r.place))
        }),
        ("same rank in the order of the heap", &|c| {
            rank_of(&c.key).and_then(|i| resp_rank.get(i).copied())
        }),
    ];
    strategies
        .iter()
        .map(|(name, guess)| {
            let hits = credentials
                .iter()
                .filter(|c| truth.contains_key(&c.key))
                .filter(|c| right(guess(c).as_ref(), c))
                .count();
            (*name, hits)
        })
        .collect()
}

/// At most this many of `n` pairings right by chance: the i-th credential used is found
/// among min(i, K) (the first ones are paired by any database that holds them at all: one
/// used code and one response pair themselves); 3.5 standard deviations and 2 above the
/// mean, a tail below 0.1 %.
fn chance_bound(n: usize) -> usize {
    let p = |i: usize| 1.0 / i.min(K) as f64;
    let mean: f64 = (1..=n).map(p).sum();
    let var: f64 = (1..=n).map(|i| p(i) * (1.0 - p(i))).sum();
    (mean + 3.5 * var.sqrt() + 2.0).ceil() as usize
}

/// Right after a write (PostgreSQL): the newest transaction's group of `from` holds K rows,
/// or all `rows` while fewer exist, written by one command. (Later writes rewrite some of
/// its members into their own groups, each member as likely as any other, so groups
/// shrink with time without telling which member was the new one.)
fn newest_groups_hold_k(app: &TestApp, from: &str, rows: usize) {
    if app.sqlite_file().is_some() {
        return;
    }
    let seen = dump(app, "'x'", from);
    let newest = seen.iter().map(|r| r.xmin).max().unwrap();
    let group: Vec<&Seen> = seen.iter().filter(|r| r.xmin == newest).collect();
    assert!(
        group.len() >= rows.min(K),
        "the newest write of {from} holds {} rows of {rows}",
        group.len()
    );
    assert!(
        group.iter().all(|r| r.cmin == group[0].cmin),
        "{from}: several commands"
    );
}

/// Every `xmin` shared by rows of a dump: how many rows carry it (PostgreSQL).
fn group_sizes(rows: &[Seen]) -> HashMap<i64, usize> {
    let mut sizes = HashMap::new();
    for r in rows {
        *sizes.entry(r.xmin).or_insert(0) += 1;
    }
    sizes
}

fn comment(i: usize) -> String {
    format!("comment number {i:04} of the pairing test")
}

/// The heart of issue 20, defect 1: sequential web answers through codes (one at a time,
/// as at a real wave's pace), double-keyed paper sheets and a vendor import, then a dump
/// with system columns. Before mixing, `JOIN … ON a.xmin = r.xmin` paired every one of
/// them and ordering by `xmin` gave the order of arrival.
#[test]
fn a_dump_with_row_headers_pairs_no_code_with_its_response_nor_orders_responses() {
    let app = spawn_code_app(true);
    let web = 120;
    let codes = generate(&app, "2026-midterm", web + 12);
    let mut truth: HashMap<String, String> = HashMap::new();
    for (i, code) in codes[..web].iter().enumerate() {
        let text = comment(i);
        let answers = [
            ("age_band", "age_30_39"),
            ("area", "jr_south"),
            ("opinion_general", text.as_str()),
        ];
        assert_eq!(answer_by_link(&app, code, &answers).status, 303);
        truth.insert(AccessCode::parse(code).unwrap().hash(), text);
        newest_groups_hold_k(&app, "access_codes WHERE used", i + 1);
        newest_groups_hold_k(&app, "responses", i + 1);
    }
    // Six sheets keyed twice by two operators, one at a time.
    let first = crate::paper::signed_in(&app, "operator-a", "operator");
    let second = crate::paper::signed_in(&app, "operator-b", "operator");
    for (i, code) in codes[web..web + 6].iter().enumerate() {
        let text = comment(web + i);
        let typed = crate::paper::sheet(&[("age_band", "2"), ("opinion_general", &text)]);
        assert_eq!(crate::paper::key_sheet(&first, code, &typed).status, 303);
        let done = crate::paper::key_sheet(&second, code, &typed);
        assert!(
            done.header("location").contains("done=stored"),
            "{}",
            done.body
        );
        truth.insert(AccessCode::parse(code).unwrap().hash(), text);
    }
    // Six rows of a vendor's file.
    let w = crate::paper::wave();
    let rows: Vec<String> = codes[web + 6..]
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let text = comment(web + 6 + i);
            truth.insert(AccessCode::parse(code).unwrap().hash(), text.clone());
            crate::paper::vendor_row(
                &w,
                code,
                &[("age_band", "age_30_39"), ("opinion_general", &text)],
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(&file, crate::paper::vendor_csv(&w, &rows)).unwrap();
    let out = crate::paper::import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(app.response_count(), codes.len() as i64);

    // The attacker's dump.
    let used = dump(&app, "code_hash", "access_codes WHERE used");
    let responses = dump(&app, "answers", "responses");
    assert_eq!(used.len(), codes.len());
    let hits = pairing_hits(&used, &responses, &truth);
    let bound = chance_bound(truth.len());
    for (strategy, n) in &hits {
        assert!(
            *n <= bound,
            "{strategy}: {n} of {} codes paired with their response (chance allows {bound})",
            truth.len()
        );
    }
    // Arrival order of the web answers against the order of the heap.
    let (mut arrival, mut place) = (Vec::new(), Vec::new());
    for r in &responses {
        if let Some(i) = (0..web).find(|i| r.key.contains(&comment(*i))) {
            arrival.push(i);
            place.push(r.order());
        }
    }
    assert_eq!(arrival.len(), web);
    let rho = spearman(&arrival, &place);
    assert!(
        rho.abs() < 0.4,
        "Spearman ρ = {rho:.3} between arrival and (xmin, ctid)"
    );
    if app.sqlite_file().is_none() {
        // Every row of a group has the same command: none tells the new from the rewritten.
        for (xmin, _) in group_sizes(&responses) {
            let commands: std::collections::HashSet<i64> = responses
                .iter()
                .filter(|r| r.xmin == xmin)
                .map(|r| r.cmin)
                .collect();
            assert_eq!(commands.len(), 1, "xmin {xmin} has several commands");
        }
    }
    eprintln!(
        "{} pairings tried, best strategy {:?}, chance bound {bound}, Spearman ρ {rho:.3}",
        truth.len(),
        hits.iter().max_by_key(|(_, n)| *n)
    );
}

/// The same attacker with the invitation list: it knows each invitee's address, so it
/// finds the invitation row; its `xmin` and place must not lead to the response.
#[test]
fn a_dump_with_row_headers_pairs_no_invitation_with_its_response() {
    let sink = crate::smtp::SmtpSink::start();
    let app = crate::helpers::spawn_invitation_app(&sink.url());
    let analyst = app.create_analyst("pairing");
    let n = 60;
    let emails: Vec<String> = (0..n).map(|i| format!("person{i:03}@example.jp")).collect();
    let csv = std::iter::once("email".to_string())
        .chain(emails.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        crate::invitations::import(&app, &analyst, &csv, false).0,
        200
    );
    let mail = sink.wait_for(n, std::time::Duration::from_secs(30));
    let token: HashMap<String, String> = mail.iter().map(|m| (m.rcpt.clone(), m.token())).collect();
    // Answered one at a time, in an order unrelated to the addresses'.
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (state >> 33) as usize % (i + 1));
    }
    let mut truth = HashMap::new();
    for (k, &i) in order.iter().enumerate() {
        let text = comment(k);
        let page = crate::invitations::answer_via_link(
            &app,
            &token[&emails[i]],
            &[
                ("age_band", "age_30_39"),
                ("area", "jr_south"),
                ("opinion_general", &text),
            ],
        );
        assert_eq!(page.status, 303);
        truth.insert(emails[i].clone(), text);
        newest_groups_hold_k(&app, "invitations WHERE answered", k + 1);
    }
    let answered = dump(&app, "email", "invitations WHERE answered");
    assert_eq!(answered.len(), n);
    let responses = dump(&app, "answers", "responses");
    let hits = pairing_hits(&answered, &responses, &truth);
    let bound = chance_bound(n);
    for (strategy, hit) in &hits {
        assert!(
            *hit <= bound,
            "{strategy}: {hit} of {n} invitations paired with their response (chance allows {bound})"
        );
    }
    eprintln!("{n} invitations, hits per strategy {hits:?}, chance bound {bound}");
}

/// Issue 20, defect 2: a copy of the SQLite files (main file and `-wal`) taken after any
/// step of paper keying, resolving or importing. The log must be empty after every commit
/// (as after the web writer's), so that it neither pairs a sheet's code with its response
/// nor keeps a stored sheet's pending entries; `secure_delete` must have zeroed the
/// pending row in the main file.
#[test]
fn a_copy_of_the_sqlite_files_during_paper_entry_keeps_no_sheet() {
    let app = spawn_code_app(false);
    let Some(path) = app.sqlite_file() else {
        eprintln!("SQLite only: PostgreSQL's log is the server's (docs/anonymity.md)");
        return;
    };
    let wal = format!("{path}-wal");
    // A copy of both files, as bytes.
    let copy = || {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(&wal).unwrap_or_default());
        bytes
    };
    let count = |bytes: &[u8], needle: &str| {
        bytes
            .windows(needle.len())
            .filter(|w| *w == needle.as_bytes())
            .count()
    };
    let codes = generate(&app, "2026-midterm", 12);
    let first = crate::paper::signed_in(&app, "operator-a", "operator");
    let second = crate::paper::signed_in(&app, "operator-b", "operator");
    let resolver = crate::paper::signed_in(&app, "lead", "analyst");
    let mut stored = Vec::new();
    let check = |step: &str, stored: &[String], pending: Option<&str>| {
        let left = crate::helpers::wal_left_after_checkpoint(&wal);
        assert_eq!(left, 0, "after {step} the -wal file holds {left} bytes");
        let bytes = copy();
        for text in stored {
            // In the response and in its answer count (free text is counted by value);
            // the pending entries zeroed.
            assert_eq!(
                count(&bytes, text),
                2,
                "after {step}: `{text}` kept beside its response"
            );
        }
        if let Some(text) = pending {
            assert_eq!(
                count(&bytes, text),
                1,
                "after {step}: `{text}` more than once"
            );
        }
    };
    for (i, code) in codes[..8].iter().enumerate() {
        let text = format!("paper sheet marker {i:02}");
        let typed = crate::paper::sheet(&[("age_band", "2"), ("opinion_general", &text)]);
        assert_eq!(crate::paper::key_sheet(&first, code, &typed).status, 303);
        check("a first entry", &stored, Some(&text));
        let second_typed = if i % 4 == 3 {
            // Two sheets disagree and are resolved by a third person.
            crate::paper::sheet(&[("age_band", "3"), ("opinion_general", &text)])
        } else {
            typed.clone()
        };
        let done = crate::paper::key_sheet(&second, code, &second_typed);
        assert_eq!(done.status, 303, "{}", done.body);
        if i % 4 == 3 {
            check("a disagreeing second entry", &stored, None);
            let form = crate::paper::open_sheet(&resolver, code);
            assert_eq!(form.status, 200, "{}", form.body);
            let ok = crate::paper::post_sheet(
                &resolver,
                &form.body,
                "resolve",
                &[("age_band".into(), "2".into())],
            );
            assert_eq!(ok.status, 303, "{}", ok.body);
            stored.push(text);
            check("a resolution", &stored, None);
        } else {
            stored.push(text);
            check("an agreeing second entry", &stored, None);
        }
    }
    let w = crate::paper::wave();
    let rows: Vec<String> = codes[8..]
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let text = format!("vendor row marker {i:02}");
            stored.push(text.clone());
            crate::paper::vendor_row(
                &w,
                code,
                &[("age_band", "age_30_39"), ("opinion_general", &text)],
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vendor.csv");
    std::fs::write(&file, crate::paper::vendor_csv(&w, &rows)).unwrap();
    let out = crate::paper::import(&app, &file, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check("a vendor import", &stored, None);
    assert_eq!(app.response_count(), 12);
}

/// `count` open answers stored directly through the write path (as the writer would), each
/// with a long comment, in batches: a responses export of a few megabytes.
fn store_many(app: &TestApp, count: usize) {
    use citizen_survey::db::submit::{Submission, store_batch};
    use citizen_survey::domain::{AnswerValue, Answers, Lang, SubmissionKey};
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let plan = std::sync::Arc::new(citizen_survey::stats::ScorePlan::new(
        defs.wave("2026-midterm").unwrap(),
        &defs.visions,
    ));
    let text = "窓口の待ち時間をもっと短くしてほしいです。".repeat(12);
    let mut conn = app.db();
    for chunk in (0..count).collect::<Vec<_>>().chunks(1_000) {
        let batch: Vec<Submission> = chunk
            .iter()
            .map(|_| {
                let answers = Answers {
                    key: SubmissionKey::generate(),
                    lang: Lang::Ja,
                    values: vec![
                        ("age_band".into(), AnswerValue::Choice("age_30_39".into())),
                        ("area".into(), AnswerValue::Choice("jr_south".into())),
                        ("opinion_general".into(), AnswerValue::Text(text.clone())),
                    ],
                };
                let mut s =
                    Submission::open_web(plan.clone(), crate::helpers::midterm_day(), answers);
                s.in_sample = false;
                s
            })
            .collect();
        store_batch(&mut conn, &batch).unwrap();
    }
}

/// Issue 20, defect 3: an analyst's client reads the comments export 1 KiB every 0.2 s
/// while residents answer through their codes. The read snapshot must not live as long
/// as the client likes: after each answer the SQLite log is emptied (a copy of the files
/// pairs nothing), and on PostgreSQL no query of the export is still running.
#[test]
fn a_slow_export_download_keeps_no_read_snapshot_open() {
    use std::io::Read;
    let app = spawn_code_app(true);
    let codes = generate(&app, "2026-midterm", 10);
    store_many(&app, 12_000);
    let token = app.create_analyst("slow reader");
    // A client with a small receive buffer (Linux would otherwise grow it to megabytes on
    // the loopback and take the whole export at once).
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let address: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    socket.connect(&address.into()).unwrap();
    let mut body = std::net::TcpStream::from(socket);
    std::io::Write::write_all(
        &mut body,
        format!(
            "GET /analyst/waves/2026-midterm/comments.csv HTTP/1.1\r\nHost: {address}\r\n\
             Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let mut head = [0u8; 1024];
    let n = body.read(&mut head).unwrap();
    assert!(
        head[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&head[..n])
    );
    let mut chunk = [0u8; 1024];
    let mut read = 0;
    for _ in 0..5 {
        read += body.read(&mut chunk).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    for (i, code) in codes.iter().enumerate() {
        let text = comment(i);
        let answers = [
            ("age_band", "age_30_39"),
            ("area", "jr_south"),
            ("opinion_general", text.as_str()),
        ];
        assert_eq!(answer_by_link(&app, code, &answers).status, 303);
        read += body.read(&mut chunk).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        match app.sqlite_file() {
            Some(path) => {
                let wal = format!("{path}-wal");
                let left = crate::helpers::wal_left_after_checkpoint(&wal);
                assert_eq!(
                    left, 0,
                    "after answer {i}, during the download, the -wal file holds {left} bytes"
                );
            }
            None => {
                #[derive(QueryableByName)]
                struct Busy {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let busy: Busy = diesel::sql_query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                     AND pid <> pg_backend_pid() AND (state <> 'idle' OR backend_xmin IS NOT NULL)",
                )
                .get_result(&mut app.db())
                .unwrap();
                assert_eq!(
                    busy.n, 0,
                    "after answer {i} the export still holds a snapshot"
                );
            }
        }
    }
    assert!(
        read >= 10 * 1024,
        "the download went on meanwhile ({read} bytes)"
    );
}

/// Issue 20, defect 7: a replayed form (back button, double click) must not make the
/// PostgreSQL server log an ERROR with the statement and its time (a log line dates the
/// form). No statement of the write path may fail on a replay; where the server's log is
/// readable (Debian's), it must hold no line of this test's database.
#[test]
fn a_replayed_form_raises_no_error_in_the_database() {
    use citizen_survey::db::submit::{Stored, Submission, write_batch};
    use citizen_survey::domain::{AnswerValue, Answers, Lang, SubmissionKey};
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use std::sync::{Arc, Mutex};
    let app = crate::helpers::spawn_app();
    // The web path: the same form posted twice.
    let key = app.form_key("2026-midterm");
    let mut fields = vec![("_key".to_string(), key)];
    fields.extend(
        crate::helpers::REQUIRED
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    for _ in 0..3 {
        assert_eq!(app.post_form("/surveys/2026-midterm", &fields).status, 303);
    }
    assert_eq!(app.response_count(), 1);
    // The write path itself, watched: no query may fail.
    struct Failures(Arc<Mutex<Vec<String>>>);
    impl Instrumentation for Failures {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::FinishQuery {
                query,
                error: Some(e),
                ..
            } = event
            {
                self.0.lock().unwrap().push(format!("{e}: {query}"));
            }
        }
    }
    let failures = Arc::new(Mutex::new(Vec::new()));
    let mut conn = app.db();
    diesel::Connection::set_instrumentation(&mut conn, Failures(failures.clone()));
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let plan = Arc::new(citizen_survey::stats::ScorePlan::new(
        defs.wave("2026-midterm").unwrap(),
        &defs.visions,
    ));
    let form = |key| {
        Submission::open_web(
            plan.clone(),
            crate::helpers::midterm_day(),
            Answers {
                key,
                lang: Lang::Ja,
                values: vec![("age_band".into(), AnswerValue::Choice("age_30_39".into()))],
            },
        )
    };
    let (a, b) = (SubmissionKey::generate(), SubmissionKey::generate());
    assert_eq!(write_batch(&mut conn, &[form(a)]).unwrap(), [Stored::New]);
    let outcomes = write_batch(&mut conn, &[form(b), form(a)]).unwrap();
    assert_eq!(outcomes, [Stored::New, Stored::Replay]);
    assert_eq!(
        write_batch(&mut conn, &[form(b)]).unwrap(),
        [Stored::Replay]
    );
    assert_eq!(app.response_count(), 3);
    assert_eq!(*failures.lock().unwrap(), Vec::<String>::new());
    // The server's own log, where this machine keeps it.
    if let Some(name) = app
        .database
        .url
        .rsplit('/')
        .next()
        .filter(|_| app.sqlite_file().is_none())
    {
        let name = name.split('?').next().unwrap();
        for entry in std::fs::read_dir("/var/log/postgresql")
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(&format!("@{name} ")) && l.contains("ERROR"))
                .collect();
            assert!(lines.is_empty(), "the server logged: {lines:?}");
        }
    }
}

/// One CSV download as rows of `column → cell` (UTF-8 without BOM).
fn csv_rows(app: &TestApp, token: &str, path: &str) -> Vec<HashMap<String, String>> {
    let mut response = app
        .agent
        .get(format!("{}{path}", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let body = response.body_mut().read_to_vec().unwrap();
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Issue 20, defect 8: the analyst downloads an aggregate export with and without
/// `include_open=true` and subtracts. No difference of two published figures may rest on
/// 1 to minimum − 1 open respondents (their mean would be (n₂·m₂ − n₁·m₁)/(n₂ − n₁)).
#[test]
fn exports_with_and_without_open_answers_cannot_be_subtracted() {
    use citizen_survey::db::submit::{Submission, store};
    use citizen_survey::domain::{AnswerValue, Answers, Lang, SubmissionKey};
    let app = spawn_code_app(true);
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    let plan = std::sync::Arc::new(citizen_survey::stats::ScorePlan::new(
        defs.wave("2026-midterm").unwrap(),
        &defs.visions,
    ));
    let answer = |age: &str, score: u8, in_sample: bool| {
        let answers = Answers {
            key: SubmissionKey::generate(),
            lang: Lang::Ja,
            values: vec![
                ("age_band".into(), AnswerValue::Choice(age.into())),
                ("area".into(), AnswerValue::Choice("jr_south".into())),
                ("v1_online_procedures".into(), AnswerValue::Scale(score)),
            ],
        };
        let mut s = Submission::open_web(plan.clone(), crate::helpers::midterm_day(), answers);
        s.in_sample = in_sample;
        store(&mut app.db(), &s).unwrap();
    };
    // The sample: 20 in their thirties, 20 in their forties. Open answers: three in
    // their thirties at first; then nine more in their fifties (12 open in all).
    for i in 0..40 {
        let age = if i < 20 { "age_30_39" } else { "age_40_49" };
        answer(age, (i % 5 + 1) as u8, true);
    }
    let token = app.create_analyst("subtracting");
    let mut leaks = Vec::new();
    for round in 0..2 {
        if round == 0 {
            for _ in 0..3 {
                answer("age_30_39", 1, false);
            }
        } else {
            for _ in 0..9 {
                answer("age_50_59", 5, false);
            }
        }
        for kind in ["vision-scores", "vision-scores-by-group"] {
            let base = format!("/analyst/waves/2026-midterm/{kind}.csv?encoding=utf-8");
            let without = csv_rows(&app, &token, &base);
            let with = csv_rows(&app, &token, &format!("{base}&include_open=true"));
            assert_eq!(without.len(), with.len());
            for (a, b) in without.iter().zip(&with) {
                let (Ok(n1), Ok(n2)) = (
                    a["respondents"].parse::<f64>(),
                    b["respondents"].parse::<f64>(),
                ) else {
                    continue;
                };
                let (Ok(m1), Ok(m2)) = (
                    a["mean_score"].parse::<f64>(),
                    b["mean_score"].parse::<f64>(),
                ) else {
                    continue;
                };
                let open = n2 - n1;
                if open > 0.0 && open < 10.0 {
                    let group = a.get("group_code").cloned().unwrap_or_default();
                    leaks.push(format!(
                        "round {round}, {kind} {} {group}: {open} open respondents' mean {:.2}",
                        a["vision_id"],
                        (n2 * m2 - n1 * m1) / open
                    ));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
}

/// Issue 20, defect 6: the second operator is the attacker. Keying every field blank
/// must not turn the first entry into a full disclosure, and neither keyer may see or
/// settle the resolution; a third person resolves.
#[test]
fn double_entry_stays_blind_to_both_operators() {
    let app = spawn_code_app(false);
    let code = generate(&app, "2026-midterm", 1).remove(0);
    let first = crate::paper::signed_in(&app, "operator-a", "operator");
    let second = crate::paper::signed_in(&app, "operator-b", "operator");
    let third = crate::paper::signed_in(&app, "operator-c", "operator");
    let secret = "the first operator's secret comment";
    let typed = crate::paper::sheet(&[
        ("v1_online_procedures", "4"),
        ("v1_fewer_visits", "2"),
        ("v2_any_age", "5"),
        ("age_band", "2"),
        ("opinion_general", secret),
    ]);
    assert_eq!(crate::paper::key_sheet(&first, &code, &typed).status, 303);
    // A second entry of blanks: refused as incomplete, nothing kept, nothing shown.
    let blank = crate::paper::sheet(&[]);
    let refused = crate::paper::key_sheet(&second, &code, &blank);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(!refused.body.contains(secret));
    assert!(!refused.body.contains("value=\"4\""));
    let rows: Vec<Option<String>> = citizen_survey::db::schema::paper_sheets::table
        .select(citizen_survey::db::schema::paper_sheets::second_entry)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(rows, [None], "the incomplete entry is not kept");
    // A real second entry that differs on one field: it waits for a resolution.
    let other = crate::paper::sheet(&[
        ("v1_online_procedures", "4"),
        ("v1_fewer_visits", "3"),
        ("v2_any_age", "5"),
        ("age_band", "2"),
        ("opinion_general", secret),
    ]);
    let done = crate::paper::key_sheet(&second, &code, &other);
    assert!(
        done.header("location").contains("done=disagreed"),
        "{}",
        done.body
    );
    // Neither keyer gets the resolution form (it shows both entries) or may resolve.
    for keyer in [&first, &second] {
        let page = crate::paper::open_sheet(keyer, &code);
        assert_eq!(page.status, 409, "{}", page.body);
        assert!(!page.body.contains("1回目 <span lang=\"en\">first</span>"));
    }
    let form = crate::paper::open_sheet(&third, &code);
    assert_eq!(form.status, 200, "{}", form.body);
    let third_csrf = crate::helpers::hidden_value(&form.body, "_csrf").unwrap();
    for keyer in [&first, &second] {
        // The third person's form, posted with the keyer's own session and token.
        let entry = keyer.get("/analyst/waves/2026-midterm/paper");
        let csrf = crate::helpers::hidden_value(&entry.body, "_csrf").unwrap();
        let attempt = crate::paper::post_sheet(
            keyer,
            &form.body.replace(&third_csrf, &csrf),
            "resolve",
            &[("v1_fewer_visits".into(), "2".into())],
        );
        assert_eq!(attempt.status, 409, "{}", attempt.body);
        assert!(!attempt.body.contains(secret));
    }
    assert_eq!(app.response_count(), 0);
    // The third person resolves it.
    let ok = crate::paper::post_sheet(
        &third,
        &form.body,
        "resolve",
        &[("v1_fewer_visits".into(), "2".into())],
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(app.response_count(), 1);
}
