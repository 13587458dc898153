//! Loads synthetic responses for the export benchmark (`scripts/bench-exports.sh`):
//!
//! ```sh
//! cargo run --release --example load_responses -- DATABASE_URL WAVE COUNT [DEFINITIONS]
//! ```
//!
//! Every question of the wave is answered the way a resident might (scale answers leaning
//! per vision, some 「わからない」 and skipped items, all demographics, a few comments), with
//! `show_if` respected. Rows go in through batched multi-row INSERTs, 2,000 responses per
//! transaction, with the derived `response_scores` rows computed by the same code as a web
//! submission ([`ScorePlan::rows`]). Ids are random UUID v4 like real ones, inserted in
//! sorted order so the B-trees grow at their end (a loading trick only).

use std::time::Instant;

use chrono::NaiveDate;
use citizen_survey::db::schema::{answers, responses};
use citizen_survey::db::scores::{self, ScorePlan, ScoreRow};
use citizen_survey::db::{self, DbConnection};
use citizen_survey::definitions::{QuestionKind, Wave};
use diesel::prelude::*;

/// xorshift64*: reproducible, fast, good enough for synthetic answers.
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

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const COMMENTS: [&str; 4] = [
    "オンライン申請がもっと増えると助かります。",
    "窓口の待ち時間が長いです。連絡先 taro@example.jp",
    "高齢の親はスマホが使えないので、紙の案内も続けてください。",
    "防災情報をLINEで受け取れて安心しました。電話 090-1234-5678",
];

fn answers_for(wave: &Wave, rng: &mut Rng) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    // A respondent's general leaning, so vision scores spread like real ones.
    let leaning = rng.below(5) as i64 - 2;
    for q in wave.questions() {
        if let Some(cond) = &q.show_if
            && !out
                .iter()
                .any(|(id, v)| *id == cond.question && *v == cond.equals)
        {
            continue;
        }
        match &q.kind {
            QuestionKind::Scale { dont_know, .. } => {
                if rng.chance(3) {
                    continue;
                }
                if *dont_know && rng.chance(5) {
                    out.push((q.id.clone(), "dk".into()));
                    continue;
                }
                let v = (3 + leaning + rng.below(3) as i64 - 1).clamp(1, 5);
                out.push((q.id.clone(), v.to_string()));
            }
            QuestionKind::Single { options } => {
                if rng.chance(2) {
                    continue;
                }
                let i = rng.below(options.len());
                out.push((q.id.clone(), options[i].code.clone()));
            }
            QuestionKind::Multiple { options, .. } => {
                for o in options {
                    if rng.chance(25) {
                        out.push((q.id.clone(), o.code.clone()));
                    }
                }
            }
            QuestionKind::Number { min, max, .. } => {
                let span = (max - min).min(10) as usize + 1;
                out.push((q.id.clone(), (min + rng.below(span) as i64).to_string()));
            }
            QuestionKind::Text { .. } => {
                if rng.chance(5) {
                    out.push((q.id.clone(), COMMENTS[rng.below(COMMENTS.len())].into()));
                }
            }
        }
    }
    out
}

fn uuid_v4(rng: &mut Rng) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&rng.next().to_le_bytes());
    b[8..].copy_from_slice(&rng.next().to_le_bytes());
    uuid::Builder::from_random_bytes(b)
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, wave_id, count, rest @ ..] = &args[..] else {
        anyhow::bail!("usage: load_responses DATABASE_URL WAVE COUNT [DEFINITIONS]");
    };
    let count: usize = count.parse()?;
    let dir = rest.first().map_or("survey-definitions", String::as_str);
    let defs = citizen_survey::definitions::load_dir(std::path::Path::new(dir))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let wave = defs
        .wave(wave_id)
        .ok_or_else(|| anyhow::anyhow!("unknown wave {wave_id}"))?
        .clone();
    let plan = ScorePlan::new(&wave, &defs.visions);
    let pool = db::connect(url)?;
    let mut pooled = pool.get()?;
    let conn: &mut DbConnection = &mut pooled;
    if let DbConnection::Sqlite(c) = &mut *conn {
        // Loading only: a larger page cache and no fsync per transaction.
        diesel::connection::SimpleConnection::batch_execute(
            c,
            "PRAGMA cache_size = -512000; PRAGMA synchronous = OFF;",
        )?;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ids: Vec<String> = (0..count).map(|_| uuid_v4(&mut rng)).collect();
    ids.sort_unstable();
    let day = NaiveDate::from_ymd_opt(2026, 11, 15).expect("a date");
    let started = Instant::now();
    let mut answer_rows = 0usize;
    for (batch_no, batch) in ids.chunks(2_000).enumerate() {
        let generated: Vec<Vec<(String, String)>> =
            batch.iter().map(|_| answers_for(&wave, &mut rng)).collect();
        let response_values: Vec<_> = batch
            .iter()
            .map(|id| {
                (
                    responses::id.eq(id.as_str()),
                    responses::wave_id.eq(wave.id.as_str()),
                    responses::channel.eq("web"),
                    responses::language.eq(if rng.chance(90) { "ja" } else { "en" }),
                    responses::submitted_on.eq(day),
                )
            })
            .collect();
        let mut answer_values = Vec::new();
        for (id, answers) in batch.iter().zip(&generated) {
            let mut position = 0;
            let mut last: Option<&str> = None;
            for (q, v) in answers {
                position = if last == Some(q.as_str()) {
                    position + 1
                } else {
                    0
                };
                last = Some(q);
                answer_values.push((
                    answers::response_id.eq(id.as_str()),
                    answers::question_id.eq(q.as_str()),
                    answers::position.eq(position),
                    answers::value.eq(v.as_str()),
                ));
            }
        }
        answer_rows += answer_values.len();
        let derived: Vec<Vec<ScoreRow>> = generated
            .iter()
            .map(|a| plan.rows(a.iter().map(|(q, v)| (q.as_str(), v.as_str()))))
            .collect();
        let derived_refs: Vec<(&str, scores::Tags<'_>, &[ScoreRow])> = batch
            .iter()
            .zip(&derived)
            .map(|(id, rows)| {
                let tags = scores::Tags {
                    channel: "web",
                    in_sample: true,
                };
                (id.as_str(), tags, rows.as_slice())
            })
            .collect();
        conn.transaction(|conn| -> anyhow::Result<()> {
            macro_rules! insert_all {
                ($table:expr, $values:expr, $chunk:expr) => {
                    for chunk in $values.chunks($chunk) {
                        let insert = diesel::insert_into($table).values(chunk);
                        match conn {
                            DbConnection::Sqlite(c) => insert.execute(c)?,
                            DbConnection::Postgresql(c) => insert.execute(c)?,
                        };
                    }
                };
            }
            insert_all!(responses::table, response_values, 2_000);
            insert_all!(answers::table, answer_values, 8_000);
            scores::insert(conn, &wave.id, &derived_refs)?;
            Ok(())
        })?;
        if (batch_no + 1) % 50 == 0 {
            eprintln!(
                "{} responses, {} answers, {:.1} s",
                (batch_no + 1) * 2_000,
                answer_rows,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // The running totals once at the end (a web submission updates them as it is stored).
    scores::rebuild_sums(conn, &wave.id)?;
    if let DbConnection::Sqlite(c) = &mut *conn {
        diesel::connection::SimpleConnection::batch_execute(c, "ANALYZE;")?;
    } else if let DbConnection::Postgresql(c) = &mut *conn {
        diesel::connection::SimpleConnection::batch_execute(c, "ANALYZE;")?;
    }
    println!(
        "loaded {count} responses ({answer_rows} answers) into wave {} in {:.1} s",
        wave.id,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
