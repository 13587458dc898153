//! Loads synthetic responses for the export benchmark (`scripts/bench-exports.sh`):
//!
//! ```sh
//! cargo run --release --example load_responses -- DATABASE_URL WAVE COUNT [DEFINITIONS]
//! ```
//!
//! Every question of the wave is answered the way a resident might (scale answers leaning
//! per vision, some 「わからない」 and skipped items, all demographics, a few comments), with
//! `show_if` respected. Rows go in through batched multi-row INSERTs, 2,000 responses per
//! transaction, with the running vision totals added by the same code as the writer's
//! ([`ScorePlan::rows`], `add_batch_to_sums`) and the answer counts rebuilt at the end.
//!
//! On SQLite, ids look like random UUID v4 and are made in increasing order, one at a
//! time, so the B-trees grow at their end and memory stays flat (a loading trick only:
//! SQLite keeps the rows in key order whatever the order of their arrival). On PostgreSQL
//! they are random v4 as the writer makes them: its heap keeps rows in arrival order, and
//! increasing ids would let the export's scan in id order read the heap front to back,
//! which no real wave does (measured: 4.0 s against 5.0–5.8 s at 1,000,000).

use std::time::Instant;

use chrono::NaiveDate;
use citizen_survey::db::schema::responses;
use citizen_survey::db::scores;
use citizen_survey::db::{self, DbConnection};
use citizen_survey::definitions::{QuestionKind, Wave};
use citizen_survey::stats::{ScorePlan, ScoreRow};
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

/// Random-looking UUIDs v4 in increasing order, made one at a time (so the loader inserts
/// in key order without holding a million ids): 122 random bits as a running sum of random
/// gaps averaging 2¹²²/count, spread over the UUID with the version and variant bits fixed
/// (which keeps the order).
struct SortedIds {
    next: u128,
    mean_gap: u128,
}

impl SortedIds {
    fn new(count: usize) -> Self {
        SortedIds {
            next: 0,
            mean_gap: (1u128 << 122) / (count as u128 + 1),
        }
    }

    fn take(&mut self, rng: &mut Rng) -> String {
        let r = (u128::from(rng.next()) << 64) | u128::from(rng.next());
        self.next += 1 + r % (2 * self.mean_gap).max(1);
        let v = self.next;
        // 122 bits: 48 | 4 version | 12 | 2 variant | 62.
        let high48 = (v >> 74) & ((1 << 48) - 1);
        let mid12 = (v >> 62) & 0xfff;
        let low62 = v & ((1 << 62) - 1);
        let bits = (high48 << 80) | (0x4 << 76) | (mid12 << 64) | (0b10 << 62) | low62;
        uuid::Uuid::from_u128(bits).hyphenated().to_string()
    }
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
            "PRAGMA cache_size = -65536; PRAGMA synchronous = OFF;",
        )?;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ids = match &*conn {
        DbConnection::Sqlite(_) => Some(SortedIds::new(count)),
        DbConnection::Postgresql(_) => None,
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 15).expect("a date");
    let started = Instant::now();
    let mut answer_rows = 0usize;
    let mut loaded = 0usize;
    let mut batch_no = 0usize;
    while loaded < count {
        let batch: Vec<String> = (0..2_000.min(count - loaded))
            .map(|_| match ids.as_mut() {
                Some(sorted) => sorted.take(&mut rng),
                None => uuid::Uuid::new_v4().hyphenated().to_string(),
            })
            .collect();
        loaded += batch.len();
        batch_no += 1;
        let generated: Vec<Vec<(String, String)>> =
            batch.iter().map(|_| answers_for(&wave, &mut rng)).collect();
        let encoded: Vec<String> = generated
            .iter()
            .map(|a| citizen_survey::domain::stored::encode_pairs(a))
            .collect();
        answer_rows += generated.iter().map(Vec::len).sum::<usize>();
        let response_values: Vec<_> = batch
            .iter()
            .zip(&encoded)
            .map(|(id, answers)| {
                (
                    responses::id.eq(id.as_str()),
                    responses::wave_id.eq(wave.id.as_str()),
                    responses::channel.eq("web"),
                    responses::language.eq(if rng.chance(90) { "ja" } else { "en" }),
                    responses::submitted_on.eq(day),
                    responses::answers.eq(answers.as_str()),
                )
            })
            .collect();
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
            scores::add_batch_to_sums(conn, &wave.id, &derived_refs)?;
            Ok(())
        })?;
        if batch_no.is_multiple_of(50) {
            eprintln!(
                "{} responses, {} answers, {:.1} s",
                loaded,
                answer_rows,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // The counts once at the end (the writer keeps them up to date for web submissions).
    db::counts::recount_responses(conn, &wave.id)?;
    db::counts::rebuild(conn, &wave.id)?;
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
