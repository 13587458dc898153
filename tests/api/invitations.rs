//! Invitation-only waves, end to end through a real SMTP conversation.

use std::collections::HashMap;
use std::time::Duration;

use crate::helpers::{REQUIRED, TestApp, hidden_value, spawn_invitation_app};
use crate::smtp::{Reply, SmtpSink};

const WAIT: Duration = Duration::from_secs(20);

pub(crate) fn import(
    app: &TestApp,
    token: &str,
    csv: &str,
    accept: bool,
) -> (u16, serde_json::Value) {
    let query = if accept { "?accept=valid" } else { "" };
    let mut response = app
        .agent
        .post(format!(
            "{}/analyst/waves/2026-midterm/invitations{query}",
            app.address
        ))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "text/csv")
        .send(csv)
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    (status, body)
}

fn status(app: &TestApp, token: &str) -> serde_json::Value {
    let mut response = app
        .agent
        .get(format!(
            "{}/analyst/waves/2026-midterm/invitations?addresses=true",
            app.address
        ))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
}

fn by_rcpt(messages: &[crate::smtp::Received]) -> HashMap<String, crate::smtp::Received> {
    messages
        .iter()
        .map(|m| (m.rcpt.clone(), m.clone()))
        .collect()
}

/// Answers the survey through a personal link the way a browser would.
pub(crate) fn answer_via_link(
    app: &TestApp,
    token: &str,
    answers: &[(&str, &str)],
) -> crate::helpers::Page {
    let form = app.get(&format!("/s/{token}"));
    assert_eq!(form.status, 200, "{}", form.body);
    let key = hidden_value(&form.body, "_key").unwrap();
    assert_eq!(hidden_value(&form.body, "_token").as_deref(), Some(token));
    let mut fields = vec![
        ("_key".to_string(), key),
        ("_token".to_string(), token.to_string()),
    ];
    fields.extend(answers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    app.post_form("/surveys/2026-midterm", &fields)
}

#[test]
fn invitees_get_their_link_answer_once_and_reminders_skip_who_answered_or_opted_out() {
    let sink = SmtpSink::start();
    let app = spawn_invitation_app(&sink.url());
    let analyst = app.create_analyst("mail-test");

    // Every row is checked; with a bad row nothing is imported until the valid rows are accepted.
    let csv = "email,language\nhanako@example.jp,ja\nnot-an-address,ja\njohn@example.com,en\nHANAKO@example.jp,en\nyui@example.jp,\n";
    let (code, report) = import(&app, &analyst, csv, false);
    assert_eq!(code, 422, "{report}");
    assert_eq!(report["imported"], false);
    assert_eq!(report["valid_rows"], 3);
    assert_eq!(report["rejected"][0]["line"], 3);
    assert!(
        report["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not a valid e-mail address")
    );
    assert_eq!(report["duplicates"][0]["line"], 5);
    assert_eq!(report["duplicates"][0]["same_as_line"], 2);
    assert_eq!(status(&app, &analyst)["counts"]["invited"], 0);
    let (code, report) = import(&app, &analyst, csv, true);
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["queued"], 3);

    let mail = by_rcpt(&sink.wait_for(3, WAIT));
    assert_eq!(mail.len(), 3, "one message per invitee");
    let ja = &mail["hanako@example.jp"];
    assert!(
        ja.header("Subject").contains("市民アンケート"),
        "{}",
        ja.header("Subject")
    );
    assert!(
        ja.header("Message-ID").starts_with('<')
            && ja.header("Message-ID").ends_with("@localhost>")
    );
    assert!(!ja.header("Date").is_empty());
    assert!(ja.header("From").contains("survey@localhost"));
    let text = ja.part("text/plain");
    assert!(
        text.contains("回答期間：2026年11月1日 〜 2027年1月31日"),
        "{text}"
    );
    assert!(text.contains("匿名"));
    assert!(text.contains(&format!("http://127.0.0.1/s/{}/opt-out", ja.token())));
    assert!(
        ja.part("text/html")
            .contains(&format!("href=\"http://127.0.0.1/s/{}\"", ja.token()))
    );
    let en = &mail["john@example.com"];
    assert!(
        en.header("Subject")
            .starts_with("Suita City: please take part")
    );
    assert!(
        en.part("text/plain")
            .contains("Survey period: 1 November 2026 – 31 January 2027")
    );
    assert_eq!(ja.token().len(), 40, "160-bit token");

    // The form is only reachable through a personal link.
    assert_eq!(app.get("/surveys/2026-midterm").status, 403);
    let no_token = app.submit_raw(&REQUIRED);
    assert_eq!(no_token.status, 403);
    assert_eq!(
        app.get("/s/0123456789abcdef0123456789abcdef01234567")
            .status,
        404
    );

    // The link opens the form in the invitee's language; the token then travels in the body.
    let form = app.get(&format!("/s/{}", en.token()));
    assert!(form.body.contains("<html lang=\"en\">"));
    assert!(form.body.contains("action=\"/surveys/2026-midterm\""));
    let answered = answer_via_link(&app, &ja.token(), &REQUIRED);
    assert_eq!(answered.status, 303);
    assert!(!answered.header("location").contains(&ja.token()));
    // Once only: another form with the same token is refused with a clear page.
    let again = answer_via_link_after_use(&app, &ja.token());
    assert_eq!(again.status, 409);
    assert!(again.body.contains("すでに回答済みです"));
    assert_eq!(app.get(&format!("/s/{}", ja.token())).status, 409);
    assert_eq!(app.count_rows("responses"), 1);

    // John opts out of reminders: the GET only asks, the POST stops them.
    let ask = app.get(&format!("/s/{}/opt-out", en.token()));
    assert_eq!(ask.status, 200);
    assert!(ask.body.contains("Stop reminders"));
    let done = app.post_form(
        "/opt-out",
        &[("_token".into(), en.token()), ("_lang".into(), "en".into())],
    );
    assert_eq!(done.status, 200);
    assert!(done.body.contains("Reminders stopped"));

    // Reminders a week later: only Yui (not answered, not opted out) gets one.
    let out = app.cli_on(
        "2026-12-13",
        &["invite", "remind", "--wave", "2026-midterm"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 reminder(s) queued"));
    let all = sink.wait_for(4, WAIT);
    let reminder = &all[3];
    assert_eq!(reminder.rcpt, "yui@example.jp");
    assert!(reminder.header("Subject").contains("リマインド"));
    // The reminder's new link works too, as does the first one.
    assert_eq!(app.get(&format!("/s/{}", reminder.token())).status, 200);
    assert_eq!(
        app.get(&format!("/s/{}", mail["yui@example.jp"].token()))
            .status,
        200
    );
    // Running it again the same day queues nothing.
    let out = app.cli_on(
        "2026-12-13",
        &["invite", "remind", "--wave", "2026-midterm"],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 reminder(s) queued"));

    let st = status(&app, &analyst);
    assert_eq!(st["counts"]["invited"], 3);
    assert_eq!(st["counts"]["sent"], 3);
    assert_eq!(st["counts"]["answered"], 1);
    assert_eq!(st["counts"]["opted_out"], 1);
    assert_eq!(st["addresses"].as_array().unwrap().len(), 3);

    // After the wave: addresses and tokens go, counts stay.
    let early = app.cli_on("2027-01-31", &["invite", "purge", "--wave", "2026-midterm"]);
    assert!(!early.status.success(), "no purge while the wave is open");
    let purge = app.cli_on("2027-02-01", &["invite", "purge", "--wave", "2026-midterm"]);
    assert!(
        purge.status.success(),
        "{}",
        String::from_utf8_lossy(&purge.stderr)
    );
    assert_eq!(app.count_rows("invitations"), 0);
    assert_eq!(app.count_rows("outbox"), 0);
    let st = status(&app, &analyst);
    assert_eq!(st["counts"]["invited"], 3);
    assert_eq!(st["counts"]["answered"], 1);
    assert_eq!(st["addresses"].as_array().unwrap().len(), 0);
    assert_eq!(app.get(&format!("/s/{}", reminder.token())).status, 404);
}

/// A fresh form posted with a token that was already used (no page shows it any more).
fn answer_via_link_after_use(app: &TestApp, token: &str) -> crate::helpers::Page {
    let mut fields = vec![
        ("_key".to_string(), uuid::Uuid::new_v4().to_string()),
        ("_token".to_string(), token.to_string()),
    ];
    fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    app.post_form("/surveys/2026-midterm", &fields)
}

#[test]
fn temporary_failures_are_retried_and_permanent_ones_recorded() {
    let sink = SmtpSink::scripted(|rcpt, attempt| match rcpt {
        "busy@example.jp" if attempt <= 2 => Reply::Temporary,
        "gone@example.jp" => Reply::Permanent,
        _ => Reply::Accept,
    });
    let app = spawn_invitation_app(&sink.url());
    let analyst = app.create_analyst("retry-test");
    let (code, _) = import(
        &app,
        &analyst,
        "email\nbusy@example.jp\ngone@example.jp\nok@example.jp\n",
        false,
    );
    assert_eq!(code, 200);
    let mail = sink.wait_for(2, WAIT);
    let rcpts: Vec<&str> = mail.iter().map(|m| m.rcpt.as_str()).collect();
    assert!(rcpts.contains(&"busy@example.jp") && rcpts.contains(&"ok@example.jp"));
    // Give the worker time to (wrongly) retry the permanent failure or resend.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(sink.received().len(), 2, "each delivered once");
    assert_eq!(
        sink.attempts("busy@example.jp"),
        3,
        "two 451s, then accepted"
    );
    assert_eq!(sink.attempts("gone@example.jp"), 1, "a 550 is not retried");
    let st = status(&app, &analyst);
    let gone = st["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "gone@example.jp")
        .unwrap()
        .clone();
    assert_eq!(gone["invitation"], "failed");
    let reason = gone["failure"].as_str().unwrap();
    assert!(
        reason.contains("550") && reason.contains("No such mailbox here"),
        "{reason}"
    );
    assert_eq!(st["counts"]["sent"], 2);
    assert_eq!(st["counts"]["failed"], 1);
}

#[test]
fn a_restart_mid_batch_sends_everything_once_and_logs_no_address_or_token() {
    use crate::helpers::{ServerProcess, TestDatabase, invitation_definitions};
    let sink = SmtpSink::start();
    let db = TestDatabase::new();
    let defs = invitation_definitions();
    let invitees: Vec<String> = (1..=8).map(|i| format!("resident{i}@example.jp")).collect();
    let csv = format!("email\n{}\n", invitees.join("\n"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), csv).unwrap();
    let env = [
        ("SURVEY_DEFINITIONS", defs.to_str().unwrap()),
        ("SMTP_URL", &sink.url()),
        ("SURVEY_MAIL_RATE", "20"),
        ("SURVEY_MAIL_LEASE_SECONDS", "1"),
        ("SURVEY_MAIL_RETRY_SECONDS", "0.2"),
    ];
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .args([
            "invite",
            "import",
            "--wave",
            "2026-midterm",
            file.path().to_str().unwrap(),
        ])
        .env("DATABASE_URL", &db.url)
        .env("SURVEY_DEFINITIONS", &defs)
        .env("SURVEY_TODAY", "2026-12-05")
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let server = ServerProcess::start_with(&db.url, &env);
    sink.wait_for(3, WAIT);
    // The mail server stops answering; the app is killed while it waits on it.
    sink.hold(true);
    std::thread::sleep(Duration::from_millis(400));
    let first_log = server.stop_and_read_logs();
    let delivered_before = sink.received().len();
    assert!(
        delivered_before < invitees.len(),
        "the restart comes mid-batch"
    );
    sink.hold(false);

    let server = ServerProcess::start_with(&db.url, &env);
    let mail = sink.wait_for(invitees.len(), WAIT);
    std::thread::sleep(Duration::from_secs(2)); // time for any duplicate to show up
    let mail_after = sink.received();
    let log = first_log + &server.stop_and_read_logs();

    let mut per_rcpt: HashMap<&str, usize> = HashMap::new();
    for m in &mail_after {
        *per_rcpt.entry(m.rcpt.as_str()).or_default() += 1;
    }
    println!(
        "restart mid-batch: {} invitees, {delivered_before} delivered before the kill, {} after, {} messages in all",
        invitees.len(),
        mail_after.len() - delivered_before,
        mail_after.len()
    );
    for address in &invitees {
        assert_eq!(
            per_rcpt.get(address.as_str()),
            Some(&1),
            "{address} exactly once"
        );
    }
    assert_eq!(mail_after.len(), invitees.len());
    let mut conn = db.connect();
    use citizen_survey::db::schema::outbox;
    use diesel::prelude::*;
    let unsent: i64 = outbox::table
        .filter(outbox::status.ne("sent"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(unsent, 0, "nothing left unsent");

    // The logs name addresses only masked, and never a token.
    assert!(log.contains("outbox: sent"), "{log}");
    assert!(log.contains("r***@example.jp"));
    for address in &invitees {
        assert!(
            !log.contains(address.as_str()),
            "address {address} in the log"
        );
    }
    for m in &mail {
        assert!(!log.contains(&m.token()), "a token in the log");
    }
}

/// Perfect matchings of a bipartite compatibility matrix (its permanent).
fn pairings(compatible: &[Vec<bool>]) -> u64 {
    fn go(row: usize, used: &mut Vec<bool>, m: &[Vec<bool>]) -> u64 {
        if row == m.len() {
            return 1;
        }
        let mut total = 0;
        for col in 0..m.len() {
            if m[row][col] && !used[col] {
                used[col] = true;
                total += go(row + 1, used, m);
                used[col] = false;
            }
        }
        total
    }
    go(0, &mut vec![false; compatible.len()], compatible)
}

#[test]
fn the_database_cannot_tell_which_invitee_gave_which_response() {
    use chrono::NaiveDate;
    use citizen_survey::db::schema::{invitation_tokens, invitations, outbox, responses};
    use diesel::prelude::*;

    type InvitationRow = (
        String,
        String,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
        bool,
        bool,
    );
    fn invitation_rows(app: &TestApp) -> Vec<InvitationRow> {
        invitations::table
            .select((
                invitations::id,
                invitations::wave_id,
                invitations::email,
                invitations::language,
                invitations::invited_on,
                invitations::reminded_on,
                invitations::answered,
                invitations::opted_out,
            ))
            .order(invitations::email)
            .load(&mut app.db())
            .unwrap()
    }

    const N: usize = 6;
    let sink = SmtpSink::start();
    let app = spawn_invitation_app(&sink.url());
    let analyst = app.create_analyst("unlinkability");
    let csv: String = std::iter::once("email".to_string())
        .chain((1..=N).map(|i| format!("person{i}@example.jp")))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(import(&app, &analyst, &csv, false).0, 200);
    let mail = sink.wait_for(N, WAIT);
    let before = invitation_rows(&app);

    // Each invitee answers, in a shuffled order, with different answers.
    let order = [3, 0, 5, 1, 4, 2];
    for (k, &i) in order.iter().enumerate() {
        let score = ((k % 5) + 1).to_string();
        let page = answer_via_link(
            &app,
            &mail[i].token(),
            &[REQUIRED[0], REQUIRED[1], ("v1_online_procedures", &score)],
        );
        assert_eq!(page.status, 303);
        // 0. A copy of the SQLite files taken now finds no commit in the write-ahead log
        // to pair this invitation's flag with this response (the writer checkpoints and
        // truncates it after every batch, right after answering and before the next).
        if let Some(path) = app.sqlite_file() {
            let wal = crate::helpers::wal_left_after_checkpoint(&format!("{path}-wal"));
            assert_eq!(wal, 0, "after answer {k} the -wal file holds {wal} bytes");
        }
    }
    let after = invitation_rows(&app);

    // 1. Answering changed nothing on an invitation but the flag: no time, no sequence.
    for (b, a) in before.iter().zip(&after) {
        assert!(!b.6 && a.6, "answered flag set");
        let (mut b, mut a) = (b.clone(), a.clone());
        b.6 = true;
        a.6 = true;
        assert_eq!(a, b, "only `answered` changed");
    }

    // 2. No value of a response row, or of its answers, appears on the invitation side.
    let response_rows: Vec<(String, String, String, String, NaiveDate)> = responses::table
        .select((
            responses::id,
            responses::wave_id,
            responses::channel,
            responses::language,
            responses::submitted_on,
        ))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(response_rows.len(), N);
    let mut invitation_side: Vec<String> = after
        .iter()
        .flat_map(|r| [r.0.clone(), r.2.clone()])
        .collect();
    invitation_side.extend(
        invitation_tokens::table
            .select(invitation_tokens::token_hash)
            .load::<String>(&mut app.db())
            .unwrap(),
    );
    invitation_side.extend(
        outbox::table
            .select(outbox::id)
            .load::<String>(&mut app.db())
            .unwrap(),
    );
    let answer_ids: Vec<String> = crate::helpers::stored_answers(&mut app.db())
        .into_iter()
        .map(|(id, _, _, _)| id)
        .collect();
    for r in &response_rows {
        assert!(
            !invitation_side.contains(&r.0),
            "a response id on the invitation side"
        );
    }
    for id in answer_ids {
        assert!(!invitation_side.contains(&id));
    }
    // No counter anywhere that could order rows.
    if let citizen_survey::db::DbConnection::Postgresql(_) = app.db() {
        assert_eq!(app.count_rows("information_schema.sequences"), 0);
    } else {
        assert_eq!(
            app.count_rows("sqlite_master WHERE name = 'sqlite_sequence'"),
            0
        );
    }

    // 3. Every pairing consistent with what both sides hold is possible: N! of them.
    let compatible: Vec<Vec<bool>> = after
        .iter()
        .map(|inv| {
            response_rows
                .iter()
                .map(|resp| {
                    inv.1 == resp.1 // same wave
                        && inv.3 == resp.3 // same language (a resident may switch; assume not)
                        && resp.4 >= inv.4 // answered on or after the invitation
                        && inv.6 // the invitation is answered
                })
                .collect()
        })
        .collect();
    let factorial: u64 = (1..=N as u64).product();
    assert_eq!(
        pairings(&compatible),
        factorial,
        "all {N}! pairings remain possible"
    );
}
