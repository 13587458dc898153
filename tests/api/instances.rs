//! Two app instances on one database, under concurrent load with replays sent to both:
//! every acknowledged response is stored exactly once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use citizen_survey::db::schema::responses;
use diesel::prelude::*;

use crate::helpers::{REQUIRED, ServerProcess, TestDatabase, agent};

const SUBMISSIONS: usize = 3_000;
const CLIENTS: usize = 16;

fn post(agent: &ureq::Agent, server: &ServerProcess, key: &str, marker: &str) -> u16 {
    let mut fields = vec![("_key", key), ("opinion_general", marker)];
    fields.extend_from_slice(&REQUIRED);
    match agent
        .post(format!("{}/surveys/2026-midterm", server.address))
        .send_form(fields)
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

#[test]
fn two_instances_store_each_acknowledged_response_exactly_once() {
    let db = TestDatabase::new();
    let servers = [ServerProcess::start(&db.url), ServerProcess::start(&db.url)];
    let next = AtomicUsize::new(0);
    // marker → (acknowledgements, other statuses)
    let outcomes: Mutex<HashMap<String, (usize, Vec<u16>)>> = Mutex::new(HashMap::new());

    std::thread::scope(|s| {
        for _ in 0..CLIENTS {
            s.spawn(|| {
                let agent = agent();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= SUBMISSIONS {
                        break;
                    }
                    // The key is what a rendered form would carry; the marker lets the test
                    // find this submission's row among the anonymous ones.
                    let key = uuid::Uuid::new_v4().to_string();
                    let marker = format!("load-{i}");
                    let first = &servers[i % 2];
                    let other = &servers[(i + 1) % 2];
                    let mut statuses = vec![post(&agent, first, &key, &marker)];
                    // Every fifth submission is replayed: once to the other instance after
                    // the acknowledgement, and once more racing itself on both instances.
                    if i.is_multiple_of(5) {
                        statuses.push(post(&agent, other, &key, &marker));
                        let (a, b) = std::thread::scope(|s| {
                            let a = s.spawn(|| post(&agent, first, &key, &marker));
                            let b = s.spawn(|| post(&agent, other, &key, &marker));
                            (a.join().unwrap(), b.join().unwrap())
                        });
                        statuses.extend([a, b]);
                    }
                    let acks = statuses.iter().filter(|&&s| s == 303).count();
                    let others: Vec<u16> = statuses.into_iter().filter(|&s| s != 303).collect();
                    outcomes.lock().unwrap().insert(marker, (acks, others));
                }
            });
        }
    });

    let outcomes = outcomes.into_inner().unwrap();
    let sent = outcomes.values().map(|(a, o)| a + o.len()).sum::<usize>();
    let acknowledged: Vec<&String> = outcomes
        .iter()
        .filter(|(_, (acks, _))| *acks > 0)
        .map(|(m, _)| m)
        .collect();
    let failures: Vec<u16> = outcomes.values().flat_map(|(_, o)| o.clone()).collect();

    let mut conn = db.connect();
    let stored = crate::helpers::answers_to(&mut conn, "opinion_general");
    let mut per_marker: HashMap<&str, usize> = HashMap::new();
    for m in &stored {
        *per_marker.entry(m.as_str()).or_default() += 1;
    }
    let duplicates = per_marker.values().filter(|&&n| n > 1).count();
    let responses: i64 = responses::table.count().get_result(&mut conn).unwrap();
    println!(
        "two instances: {SUBMISSIONS} submissions, {sent} requests sent, {} acknowledged, {} stored, {duplicates} duplicates, {} non-303 answers",
        acknowledged.len(),
        responses,
        failures.len()
    );

    // Under this load nothing needs to fail; every submission is acknowledged...
    assert!(failures.is_empty(), "statuses other than 303: {failures:?}");
    assert_eq!(acknowledged.len(), SUBMISSIONS);
    // ...stored exactly once, replays included, with nothing stored that was not acknowledged.
    assert_eq!(duplicates, 0);
    assert_eq!(responses as usize, SUBMISSIONS);
    for marker in acknowledged {
        assert_eq!(per_marker.get(marker.as_str()), Some(&1), "{marker}");
    }
}
