//! The group-commit writer: each submission of a batch gets its own outcome, concurrent
//! submissions and replays store exactly once, and a copy of the SQLite files taken after
//! any acknowledged submission neither orders responses nor pairs a code with one.

use std::sync::Arc;

use citizen_survey::db::submit::{Stored, Submission, store_batch, write_batch};
use citizen_survey::domain::{
    AccessCode, AnswerValue, Answers, Channel, Credential, Lang, SubmissionKey,
};
use citizen_survey::stats::ScorePlan;

use crate::helpers::{REQUIRED, midterm_day, spawn_app};

fn answers(key: SubmissionKey) -> Answers {
    Answers {
        key,
        lang: Lang::Ja,
        values: vec![
            ("age_band".into(), AnswerValue::Choice("age_30_39".into())),
            ("area".into(), AnswerValue::Choice("jr_south".into())),
        ],
    }
}

/// The score plan of the bundled 2026-midterm wave, as the writer gets it.
fn midterm_plan(app: &crate::helpers::TestApp) -> Arc<ScorePlan> {
    let defs = citizen_survey::definitions::load_dir(&app.definitions).unwrap();
    Arc::new(ScorePlan::new(
        defs.wave("2026-midterm").unwrap(),
        &defs.visions,
    ))
}

/// A web answer given with `credential`.
fn web(plan: &Arc<ScorePlan>, credential: Option<&AccessCode>, answers: Answers) -> Submission {
    Submission {
        plan: plan.clone(),
        channel: Channel::Web,
        in_sample: true,
        credential: credential.map(|c| Credential::Code(c.clone())),
        submitted_on: midterm_day(),
        answers,
    }
}

#[test]
fn one_replay_or_refused_code_in_a_batch_does_not_fail_the_others() {
    let app = spawn_app();
    let plan = midterm_plan(&app);
    let codes: Vec<AccessCode> = (0..3).map(|_| AccessCode::generate()).collect();
    citizen_survey::db::access_codes::insert(&mut app.db(), &plan.wave_id, 1, &codes).unwrap();
    // A form stored earlier, and a code used earlier.
    let earlier = SubmissionKey::generate();
    let first = store_batch(
        &mut app.db(),
        &[web(&plan, Some(&codes[2]), answers(earlier))],
    )
    .unwrap();
    assert_eq!(first, [Stored::New]);

    let twice = SubmissionKey::generate();
    let forms = [
        answers(SubmissionKey::generate()),
        answers(SubmissionKey::generate()),
        answers(twice),
        answers(twice),
        answers(SubmissionKey::generate()),
        answers(earlier),
        answers(SubmissionKey::generate()),
    ];
    let credentials = [
        None,
        Some(&codes[0]),
        None,
        None,
        Some(&codes[2]),
        None,
        Some(&codes[1]),
    ];
    let batch: Vec<Submission> = forms
        .into_iter()
        .zip(credentials)
        .map(|(a, code)| web(&plan, code, a))
        .collect();
    let outcomes = store_batch(&mut app.db(), &batch).unwrap();
    assert_eq!(outcomes[0], Stored::New);
    assert_eq!(outcomes[1], Stored::New);
    // The same form twice in one batch: one stored, the other a replay (either order).
    let mut pair = [outcomes[2], outcomes[3]];
    pair.sort_by_key(|s| *s != Stored::New);
    assert_eq!(pair, [Stored::New, Stored::Replay]);
    assert_eq!(outcomes[4], Stored::CredentialRefused);
    assert_eq!(outcomes[5], Stored::Replay);
    assert_eq!(outcomes[6], Stored::New);
    assert_eq!(app.response_count(), 1 + 4);
}

/// The writer's path for open waves (on PostgreSQL one statement that stores the batch only
/// if every key is new): a batch of new forms is stored whole with its counts; a batch
/// holding a form stored earlier, or the same form twice, stores the others and nothing
/// twice (it falls back to the transaction that tells each one apart).
#[test]
fn the_writers_batch_stores_new_forms_and_nothing_twice() {
    let app = spawn_app();
    let plan = midterm_plan(&app);
    let write = |forms: &[Answers]| {
        let batch: Vec<Submission> = forms
            .iter()
            .map(|a| Submission::open_web(plan.clone(), midterm_day(), a.clone()))
            .collect();
        write_batch(&mut app.db(), &batch).unwrap()
    };
    let first: Vec<Answers> = (0..5).map(|_| answers(SubmissionKey::generate())).collect();
    assert_eq!(write(&first), [Stored::New; 5]);
    assert_eq!(app.response_count(), 5);
    // A form stored earlier, among new ones: the one statement is tried and refused.
    let second = [
        answers(SubmissionKey::generate()),
        answers(first[1].key),
        answers(SubmissionKey::generate()),
    ];
    assert_eq!(write(&second), [Stored::New, Stored::Replay, Stored::New]);
    assert_eq!(app.response_count(), 7);
    // The same form twice in one batch: one stored, the other a replay (either order).
    let twice = SubmissionKey::generate();
    let outcomes = write(&[answers(twice), answers(twice)]);
    let mut pair = [outcomes[0], outcomes[1]];
    pair.sort_by_key(|s| *s != Stored::New);
    assert_eq!(pair, [Stored::New, Stored::Replay]);
    assert_eq!(app.response_count(), 8);
    assert_eq!(app.count_rows("submission_keys"), 8);
    // The kept counts agree with the stored responses: the wave's counter, and each of
    // the 8 answered the two questions once.
    let mut conn = app.db();
    assert_eq!(
        citizen_survey::db::counts::count(&mut conn, "2026-midterm").unwrap(),
        8
    );
    let counts = citizen_survey::db::counts::respondents_per_question(
        &mut conn,
        "2026-midterm",
        &["age_band", "area"],
        citizen_survey::domain::Scope::Sample,
    )
    .unwrap();
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(counts.iter().all(|(_, n)| *n == 8), "{counts:?}");
}

#[test]
fn concurrent_submissions_and_replays_are_each_stored_once() {
    let app = spawn_app();
    let forms: Vec<Vec<(String, String)>> = (0..40)
        .map(|_| {
            let mut fields = vec![("_key".to_string(), app.form_key("2026-midterm"))];
            fields.extend(REQUIRED.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            fields
        })
        .collect();
    // Every form sent twice at once (a double click), all 80 requests together.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = forms
            .iter()
            .chain(forms.iter())
            .map(|f| s.spawn(|| app.post_form("/surveys/2026-midterm", f).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.response_count(), 40);
    assert_eq!(app.count_rows("submission_keys"), 40);
}

/// Spearman's rank correlation of two sequences of distinct values.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let rank = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in idx.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (ra, rb) = (rank(a), rank(b));
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

/// The attacker holds a copy of the SQLite files (main file and `-wal`) taken after any
/// acknowledged answer of a postal wave, each given through a code, in an order unrelated
/// to the order the codes were made in. The writer empties the log after each batch,
/// before it takes the next (so a copy taken at any moment holds at most the one batch
/// being written), and no commit's frames survive to pair a code with a response or to
/// order commits; and in
/// the main file neither where a response sits nor where its code sits says anything about
/// when it came or which code it used.
#[test]
fn a_copy_of_the_sqlite_files_neither_orders_responses_nor_pairs_codes() {
    let app = crate::codes::spawn_code_app(true);
    let Some(path) = app.sqlite_file() else {
        eprintln!("SQLite only: the PostgreSQL write-ahead log is covered in docs/security.md");
        return;
    };
    let wal = format!("{path}-wal");
    let n = 300;
    let mut codes = crate::codes::generate(&app, "2026-midterm", n);
    // Answered in an order unrelated to the order of generation.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for i in (1..codes.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        codes.swap(i, (state >> 33) as usize % (i + 1));
    }
    let mut texts = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let text = format!("comment number {i:04} of the order test");
        let answers = [
            ("age_band", "age_30_39"),
            ("area", "jr_south"),
            ("opinion_general", text.as_str()),
        ];
        assert_eq!(
            crate::codes::answer_by_link(&app, code, &answers).status,
            303
        );
        let wal_len = crate::helpers::wal_left_after_checkpoint(&wal);
        assert_eq!(
            wal_len, 0,
            "after answer {i} the -wal file holds {wal_len} bytes"
        );
        texts.push(text);
    }
    // The attacker's view: where each response and each code sit in the main file. The
    // test alone knows which response came when and through which code.
    struct Row {
        response_id: String,
        value: String,
    }
    let rows: Vec<Row> = crate::helpers::stored_answers(&mut app.db())
        .into_iter()
        .filter(|(_, q, _, _)| q == "opinion_general")
        .map(|(response_id, _, _, value)| Row { response_id, value })
        .collect();
    assert_eq!(rows.len(), n);
    let file = std::fs::read(&path).unwrap();
    let at = |needle: &[u8]| {
        file.windows(needle.len())
            .position(|w| w == needle)
            .expect("in the main file") as f64
    };
    let (mut arrival, mut response_at, mut code_at) = (Vec::new(), Vec::new(), Vec::new());
    for r in &rows {
        let i = texts.iter().position(|t| *t == r.value).unwrap();
        arrival.push(i as f64);
        response_at.push(at(r.response_id.as_bytes()));
        let hash = AccessCode::parse(&codes[i]).unwrap().hash();
        code_at.push(at(hash.as_bytes()));
    }
    // Independent ranks of 300: |ρ| ≥ 0.2 has a probability below 0.1 %.
    let order = spearman(&arrival, &response_at);
    assert!(
        order.abs() < 0.2,
        "Spearman ρ = {order:.3} between arrival and file position"
    );
    let pairing = spearman(&code_at, &response_at);
    assert!(
        pairing.abs() < 0.2,
        "Spearman ρ = {pairing:.3} between a code's place and its response's"
    );
}

#[test]
fn kept_counts_equal_counts_rebuilt_from_the_answers() {
    let app = spawn_app();
    crate::helpers::submit_known_set(&app);
    let export = |kind: &str| {
        let out = app.cli(&["export", kind, "--wave", "2026-midterm"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let kinds = ["item-scores", "question-distribution", "wave-comparison"];
    let kept: Vec<Vec<u8>> = kinds.iter().map(|k| export(k)).collect();
    assert!(app.count_rows("answer_counts") > 0 && app.count_rows("day_counts") > 0);
    // Deleted: rebuilt from the answers, same bytes.
    use diesel::connection::SimpleConnection;
    app.db()
        .batch_execute(
            "DELETE FROM answer_counts; DELETE FROM question_counts; DELETE FROM day_counts;",
        )
        .unwrap();
    let rebuilt: Vec<Vec<u8>> = kinds.iter().map(|k| export(k)).collect();
    assert_eq!(kept, rebuilt);
    // Off by one somewhere: noticed and rebuilt, same bytes.
    app.db()
        .batch_execute("UPDATE day_counts SET responses = responses + 1")
        .unwrap();
    let again: Vec<Vec<u8>> = kinds.iter().map(|k| export(k)).collect();
    assert_eq!(kept, again);
}

/// A read that keeps an old snapshot for a long time (an analyst's export streaming a
/// large wave) neither holds the residents' submissions behind it — the writer's
/// checkpoint used to wait for it, up to SQLite's 10-second busy timeout — nor leaves the
/// log full once it ends: the writer empties it soon after, without another submission.
#[test]
fn a_long_read_holds_no_submission_and_the_log_is_emptied_after_it() {
    use citizen_survey::db::schema::responses;
    use diesel::prelude::*;
    let app = spawn_app();
    let Some(path) = app.sqlite_file() else {
        eprintln!("SQLite only: a PostgreSQL reader does not block its checkpoints");
        return;
    };
    let wal = format!("{path}-wal");
    assert_eq!(app.submit("2026-midterm", &REQUIRED).status, 303);
    assert_eq!(crate::helpers::wal_left_after_checkpoint(&wal), 0);
    let (reading, read_started) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let mut db = app.db();
    let reader = std::thread::spawn(move || {
        db.transaction(|c| {
            // The snapshot is taken here and kept until the transaction ends.
            let n: i64 = responses::table.count().get_result(c)?;
            reading.send(n).unwrap();
            released.recv().unwrap();
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    });
    assert_eq!(read_started.recv().unwrap(), 1);
    for i in 0..3 {
        let started = std::time::Instant::now();
        assert_eq!(app.submit("2026-midterm", &REQUIRED).status, 303);
        let took = started.elapsed();
        // Without the reader a submission takes milliseconds; behind it, 10 s.
        assert!(
            took < std::time::Duration::from_secs(3),
            "submission {i} waited {took:?} behind the reader"
        );
    }
    release.send(()).unwrap();
    reader.join().unwrap();
    assert_eq!(app.response_count(), 4);
    let left = crate::helpers::wal_left_after_checkpoint(&wal);
    assert_eq!(
        left, 0,
        "the -wal file still holds {left} bytes after the read"
    );
}
