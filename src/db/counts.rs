//! Counts kept up to date by the writer, so that the dashboard and the item and
//! distribution exports read a few rows per question instead of every answer:
//! `answer_counts` (answers per question and stored value), `question_counts` (responses
//! that answered each question) and `day_counts` (responses per day and channel), each
//! per wave and sample flag. Written in the transaction that stores the responses, summed
//! over the batch so that each touched row is written once per batch, in key order.
//! Responses stored by another path (the benchmark loader, an older version) are noticed
//! by [`ensure_current`], which rebuilds the wave's counts from the stored answers.
//!
//! Responses without a valid answer (a blank sheet, or only invalid marks:
//! [`crate::domain::is_valid_response`]) are returned but not valid (有効回答): they are
//! counted in `answer_counts` under the pseudo question [`NOT_VALID`] (never a question id:
//! ids cannot start with `~`), with the value `{day} {channel}`, so that the kept counts
//! give both figures per day and channel without another table.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{answer_counts, day_counts, question_counts, responses};
use super::{Conn, DbConnection};
use crate::domain::{Answers, Channel, Scope};

/// The pseudo question under which `answer_counts` counts the responses without a valid
/// answer, by `{day} {channel}` (module header).
pub const NOT_VALID: &str = "~not_valid";

/// Counts of some responses of one wave (a batch, or a whole wave being rebuilt), before
/// they are added to the tables.
#[derive(Debug, Default)]
pub struct BatchCounts {
    /// `(question id, stored value, sample flag)` → answers.
    pub(super) answers: BTreeMap<(String, String, bool), i64>,
    /// `(question id, sample flag)` → responses that answered it.
    pub(super) questions: BTreeMap<(String, bool), i64>,
    /// `(day, channel, sample flag)` → responses.
    pub(super) days: BTreeMap<(NaiveDate, String, bool), i64>,
}

impl BatchCounts {
    /// Counts a submission.
    pub fn add(&mut self, answers: &Answers, day: NaiveDate, channel: &str, in_sample: bool) {
        let pairs = answers
            .values
            .iter()
            .flat_map(|(q, v)| v.stored_values().into_iter().map(move |v| (q.as_str(), v)));
        self.add_stored(pairs, day, channel, in_sample);
    }

    /// Counts a response from its stored `(question id, value)` pairs, where the values of
    /// one question are next to each other (as [`crate::domain::stored`] gives them).
    pub fn add_stored<Q: AsRef<str>, V: AsRef<str>>(
        &mut self,
        pairs: impl IntoIterator<Item = (Q, V)>,
        day: NaiveDate,
        channel: &str,
        in_sample: bool,
    ) {
        let mut previous: Option<String> = None;
        let mut valid = false;
        for (question, value) in pairs {
            let question = question.as_ref();
            valid = valid || crate::domain::is_valid_response([value.as_ref()]);
            // Issue 19 (paper): an invalid mark is counted as its own value, but the
            // response did not answer the question (not among its respondents).
            if previous.as_deref() != Some(question) && value.as_ref() != crate::domain::INVALID {
                *self
                    .questions
                    .entry((question.to_string(), in_sample))
                    .or_default() += 1;
                previous = Some(question.to_string());
            }
            *self
                .answers
                .entry((question.to_string(), value.as_ref().to_string(), in_sample))
                .or_default() += 1;
        }
        *self
            .days
            .entry((day, channel.to_string(), in_sample))
            .or_default() += 1;
        if !valid {
            *self
                .answers
                .entry((NOT_VALID.to_string(), format!("{day} {channel}"), in_sample))
                .or_default() += 1;
        }
    }
}

/// Adds a batch's counts to the wave's rows (inside the storing transaction): one
/// multi-row upsert per table, rows in key order.
pub fn add(conn: &mut Conn, wave_id: &str, counts: &BatchCounts) -> QueryResult<()> {
    use diesel::upsert::excluded;
    macro_rules! run {
        ($insert:expr) => {
            match conn {
                DbConnection::Sqlite(c) => $insert.execute(c)?,
                DbConnection::Postgresql(c) => $insert.execute(c)?,
            }
        };
    }
    let answers: Vec<_> = counts
        .answers
        .iter()
        .map(|((question, value, in_sample), n)| {
            (
                answer_counts::wave_id.eq(wave_id),
                answer_counts::question_id.eq(question.as_str()),
                answer_counts::value.eq(value.as_str()),
                answer_counts::in_sample.eq(*in_sample),
                answer_counts::n.eq(*n),
            )
        })
        .collect();
    // 5 columns a row: 5,000 rows stay under SQLite's 32,766 bound variables.
    for chunk in answers.chunks(5_000) {
        let insert = diesel::insert_into(answer_counts::table)
            .values(chunk)
            .on_conflict((
                answer_counts::wave_id,
                answer_counts::question_id,
                answer_counts::value,
                answer_counts::in_sample,
            ))
            .do_update()
            .set(answer_counts::n.eq(answer_counts::n + excluded(answer_counts::n)));
        run!(insert);
    }
    let questions: Vec<_> = counts
        .questions
        .iter()
        .map(|((question, in_sample), n)| {
            (
                question_counts::wave_id.eq(wave_id),
                question_counts::question_id.eq(question.as_str()),
                question_counts::in_sample.eq(*in_sample),
                question_counts::respondents.eq(*n),
            )
        })
        .collect();
    for chunk in questions.chunks(5_000) {
        let insert = diesel::insert_into(question_counts::table)
            .values(chunk)
            .on_conflict((
                question_counts::wave_id,
                question_counts::question_id,
                question_counts::in_sample,
            ))
            .do_update()
            .set(
                question_counts::respondents
                    .eq(question_counts::respondents + excluded(question_counts::respondents)),
            );
        run!(insert);
    }
    let days: Vec<_> = counts
        .days
        .iter()
        .map(|((day, channel, in_sample), n)| {
            (
                day_counts::wave_id.eq(wave_id),
                day_counts::day.eq(*day),
                day_counts::channel.eq(channel.as_str()),
                day_counts::in_sample.eq(*in_sample),
                day_counts::responses.eq(*n),
            )
        })
        .collect();
    for chunk in days.chunks(5_000) {
        let insert = diesel::insert_into(day_counts::table)
            .values(chunk)
            .on_conflict((
                day_counts::wave_id,
                day_counts::day,
                day_counts::channel,
                day_counts::in_sample,
            ))
            .do_update()
            .set(day_counts::responses.eq(day_counts::responses + excluded(day_counts::responses)));
        run!(insert);
    }
    Ok(())
}

/// How many responses the wave has: the writer's counter (one row), or, when there is none
/// (responses stored by another path, or the counter deleted), a count of the responses,
/// which then becomes the counter.
pub fn stored_responses(conn: &mut Conn, wave_id: &str) -> QueryResult<i64> {
    use super::schema::wave_counts;
    let kept: Option<i64> = wave_counts::table
        .find(wave_id)
        .select(wave_counts::responses)
        .first(conn)
        .optional()?;
    if let Some(n) = kept {
        return Ok(n);
    }
    let n: i64 = responses::table
        .filter(responses::wave_id.eq(wave_id))
        .count()
        .get_result(conn)?;
    diesel::insert_into(wave_counts::table)
        .values((
            wave_counts::wave_id.eq(wave_id),
            wave_counts::responses.eq(n),
        ))
        .execute(conn)?;
    Ok(n)
}

/// Adds `n` newly stored responses to the wave's counter (in the storing transaction).
pub fn add_responses(conn: &mut Conn, wave_id: &str, n: i64) -> QueryResult<()> {
    use super::schema::wave_counts;
    use diesel::upsert::excluded;
    let insert = diesel::insert_into(wave_counts::table)
        .values((
            wave_counts::wave_id.eq(wave_id),
            wave_counts::responses.eq(n),
        ))
        .on_conflict(wave_counts::wave_id)
        .do_update()
        .set(wave_counts::responses.eq(wave_counts::responses + excluded(wave_counts::responses)));
    match conn {
        DbConnection::Sqlite(c) => insert.execute(c)?,
        DbConnection::Postgresql(c) => insert.execute(c)?,
    };
    Ok(())
}

/// Sets the wave's counter from a count of its responses (after a load by another path).
pub fn recount_responses(conn: &mut Conn, wave_id: &str) -> QueryResult<i64> {
    use super::schema::wave_counts;
    diesel::delete(wave_counts::table.find(wave_id)).execute(conn)?;
    stored_responses(conn, wave_id)
}

/// Makes the wave's counts agree with its stored responses: one comparison when they do,
/// a rebuild from the stored responses (in one transaction) when they do not.
pub fn ensure_current(conn: &mut Conn, wave_id: &str) -> QueryResult<()> {
    let stored = stored_responses(conn, wave_id)?;
    // A few rows per day of the wave: summed here rather than by a backend-specific SUM.
    let counted: i64 = day_counts::table
        .filter(day_counts::wave_id.eq(wave_id))
        .select(day_counts::responses)
        .load::<i64>(conn)?
        .into_iter()
        .sum();
    if counted != stored {
        rebuild(conn, wave_id)?;
        tracing::info!(wave = %wave_id, "answer counts rebuilt");
    }
    Ok(())
}

/// Recomputes the wave's counts from its stored responses, in one transaction: the
/// responses a page at a time, the counts in memory (a few rows per question and day).
pub fn rebuild(conn: &mut Conn, wave_id: &str) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(answer_counts::table.filter(answer_counts::wave_id.eq(wave_id)))
            .execute(conn)?;
        diesel::delete(question_counts::table.filter(question_counts::wave_id.eq(wave_id)))
            .execute(conn)?;
        diesel::delete(day_counts::table.filter(day_counts::wave_id.eq(wave_id))).execute(conn)?;
        let mut counts = BatchCounts::default();
        let mut after = String::new();
        loop {
            let page = super::responses::stored_page(conn, wave_id, &after, 2_000)?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id.clone();
            for r in &page {
                counts.add_stored(r.answers()?, r.submitted_on, &r.channel, r.in_sample);
            }
        }
        add(conn, wave_id, &counts)
    })
}

/// `(question id, stored value, how many answers)` over the wave's answers to the
/// questions, within `scope`. Call [`ensure_current`] first.
fn kept_value_counts(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    scope: Scope,
) -> QueryResult<Vec<(String, String, i64)>> {
    let rows: Vec<(String, String, i64)> = answer_counts::table
        .filter(answer_counts::wave_id.eq(wave_id))
        .filter(answer_counts::question_id.eq_any(question_ids))
        .filter(answer_counts::in_sample.eq_any(scope.sample_flags()))
        .select((
            answer_counts::question_id,
            answer_counts::value,
            answer_counts::n,
        ))
        .load(conn)?;
    // The two sample flags' rows of one value add up.
    let mut merged: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (q, v, n) in rows {
        *merged.entry((q, v)).or_default() += n;
    }
    Ok(merged.into_iter().map(|((q, v), n)| (q, v, n)).collect())
}

/// `(question id, responses that answered it)`, within `scope`. Call [`ensure_current`]
/// first.
fn kept_respondents_per_question(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    scope: Scope,
) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> = question_counts::table
        .filter(question_counts::wave_id.eq(wave_id))
        .filter(question_counts::question_id.eq_any(question_ids))
        .filter(question_counts::in_sample.eq_any(scope.sample_flags()))
        .select((question_counts::question_id, question_counts::respondents))
        .load(conn)?;
    let mut merged: BTreeMap<String, i64> = BTreeMap::new();
    for (q, n) in rows {
        *merged.entry(q).or_default() += n;
    }
    Ok(merged.into_iter().collect())
}

/// `(day, channel, in the sample, responses)`, by day then channel. Call
/// [`ensure_current`] first.
pub fn by_day(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<(NaiveDate, String, bool, i64)>> {
    day_counts::table
        .filter(day_counts::wave_id.eq(wave_id))
        .order((day_counts::day, day_counts::channel, day_counts::in_sample))
        .select((
            day_counts::day,
            day_counts::channel,
            day_counts::in_sample,
            day_counts::responses,
        ))
        .load(conn)
}

/// How many responses the wave has (the writer's counter: one row).
pub fn count(conn: &mut Conn, wave_id: &str) -> QueryResult<i64> {
    stored_responses(conn, wave_id)
}

/// `(question id, stored value, how many answers)` over the wave's answers to the
/// questions, within `scope`: from the counts the writer keeps, a few
/// rows per question whatever the number of responses.
pub fn value_counts(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    scope: Scope,
) -> QueryResult<Vec<(String, String, i64)>> {
    ensure_current(conn, wave_id)?;
    kept_value_counts(conn, wave_id, question_ids, scope)
}

/// `(question id, respondents who answered it)` over the given questions, within `scope`
/// (from the kept counts, like [`value_counts`]).
pub fn respondents_per_question(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    scope: Scope,
) -> QueryResult<Vec<(String, i64)>> {
    ensure_current(conn, wave_id)?;
    kept_respondents_per_question(conn, wave_id, question_ids, scope)
}

/// One day's responses of a wave: in the sample by channel, and open answers beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DayTally {
    pub day: NaiveDate,
    pub web: i64,
    pub paper: i64,
    /// Paper sheets without their code, in the estimates.
    pub paper_no_code: i64,
    /// Paper sheets without their code left out of the estimates
    /// (`SURVEY_EXCLUDE_NO_CODE_SHEETS`): returned, not in 有効回収数.
    pub paper_no_code_excluded: i64,
    pub email: i64,
    pub open: i64,
    /// Of the sample's returned responses that day, those without a valid answer.
    pub not_valid: i64,
}

impl DayTally {
    /// Responses of the sample returned that day (回収数).
    pub fn returned(&self) -> i64 {
        self.web + self.paper + self.paper_no_code + self.email
    }

    /// Of them, valid responses (有効回答).
    pub fn valid(&self) -> i64 {
        self.returned() - self.not_valid
    }
}

/// The counts of a wave, defined once: `codes status`, the dashboard's 回収状況, the
/// publication (and so the public results page), the report and the exports' headers all
/// take them from here, so that they cannot disagree.
///
/// - 発送数 `issued`: codes made by `codes generate` (every mailing but rehearsals);
/// - 配布数 [`WaveCounts::mailed`]: issued − voided as spare (never mailed);
/// - 宛先不明 `undeliverable`: letters returned undelivered (voided as such);
/// - 回収数 / 有効回収数 [`WaveCounts::valid`]: responses of the sample (web through a
///   code or an invitation, e-mail links, paper), what the estimates are computed on;
/// - open answers `open`: through the open link beside a postal sample, never in the
///   estimates unless asked for, never in the rate;
/// - 有効回収率 [`WaveCounts::rate`]: 有効回収数 ÷ (配布数 − 宛先不明), as Japanese cities
///   report it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WaveCounts {
    pub issued: i64,
    pub spare: i64,
    pub undeliverable: i64,
    /// Codes used (on the web or on paper).
    pub used: i64,
    /// Sample responses on the web (an access code, or an open wave's form).
    pub web: i64,
    /// Sample responses keyed or imported from paper, with their code.
    pub paper: i64,
    /// Paper sheets returned without their code (channel `paper_no_code`), in the
    /// estimates: their own line in 回収状況, paper wherever paper and online are told apart.
    pub paper_no_code: i64,
    /// Paper sheets without their code stored while `SURVEY_EXCLUDE_NO_CODE_SHEETS` was
    /// set: returned, but neither in 有効回収数 nor in the estimates.
    pub paper_no_code_excluded: i64,
    /// Sample responses through an invitation's e-mail link.
    pub email: i64,
    /// Answers through the open link of a code wave, not part of the sample.
    pub open: i64,
    /// Returned responses of the sample without a valid answer (a blank sheet, only
    /// invalid marks: [`crate::domain::is_valid_response`]): in 回収数, not in 有効回収数.
    pub not_valid: i64,
    /// Of `not_valid`, paper sheets (with or without their code).
    pub not_valid_paper: i64,
    /// Per mailing number: its codes.
    pub mailings: BTreeMap<i32, super::access_codes::CodeTally>,
    /// Per day (by submission date), in date order.
    pub days: Vec<DayTally>,
}

impl WaveCounts {
    /// 配布数: codes issued less the spares never mailed.
    pub fn mailed(&self) -> i64 {
        self.issued - self.spare
    }

    /// The response-rate denominator: 配布数 − 宛先不明.
    pub fn delivered(&self) -> i64 {
        self.mailed() - self.undeliverable
    }

    /// 回収数: the sample's returned responses (what the estimates are computed on; one
    /// without a valid answer adds nothing to them).
    pub fn returned(&self) -> i64 {
        self.web + self.paper + self.paper_no_code + self.email
    }

    /// 有効回収数: the sample's responses with at least one valid answer.
    pub fn valid(&self) -> i64 {
        self.returned() - self.not_valid
    }

    /// Valid paper responses (with or without their code): the public count's 郵送.
    pub fn valid_paper(&self) -> i64 {
        self.all_paper() - self.not_valid_paper
    }

    /// Valid online responses (web and e-mail links): the public count's インターネット.
    pub fn valid_online(&self) -> i64 {
        self.online() - (self.not_valid - self.not_valid_paper)
    }

    /// Paper sheets of the sample in the estimates, with or without their code.
    pub fn all_paper(&self) -> i64 {
        self.paper + self.paper_no_code
    }

    /// Responses stored, open answers and excluded code-less sheets included.
    pub fn stored(&self) -> i64 {
        self.returned() + self.open + self.paper_no_code_excluded
    }

    /// Online responses of the sample (web and e-mail links).
    pub fn online(&self) -> i64 {
        self.web + self.email
    }

    /// `n` ÷ (配布数 − 宛先不明), in percent; None while nothing is delivered.
    pub fn rate(&self, n: i64) -> Option<f64> {
        (self.delivered() > 0).then(|| n as f64 * 100.0 / self.delivered() as f64)
    }

    /// 有効回収率.
    pub fn valid_rate(&self) -> Option<f64> {
        self.rate(self.valid())
    }

    /// A percentage as the tables print it: one decimal, or "–" when there is none.
    pub fn percent(rate: Option<f64>) -> String {
        rate.map_or("–".to_string(), |r| format!("{r:.1}%"))
    }
}

/// The wave's counts (a few rows: codes per mailing, flag and reason; kept day counts).
pub fn wave_counts(conn: &mut Conn, wave_id: &str) -> QueryResult<WaveCounts> {
    ensure_current(conn, wave_id)?;
    let mut c = WaveCounts {
        mailings: super::access_codes::tally(conn, wave_id)?,
        ..WaveCounts::default()
    };
    // A rehearsal's codes were never meant for residents: not issued, mailed or used.
    let rehearsals: std::collections::BTreeSet<i32> = super::access_codes::mailings(conn, wave_id)?
        .into_iter()
        .filter(|m| m.rehearsal)
        .map(|m| m.number)
        .collect();
    for (_, t) in c.mailings.iter().filter(|(m, _)| !rehearsals.contains(m)) {
        c.issued += t.issued;
        c.spare += t.spare;
        c.undeliverable += t.undeliverable;
        c.used += t.used;
    }
    let mut days: BTreeMap<NaiveDate, DayTally> = BTreeMap::new();
    for (day, channel, in_sample, n) in by_day(conn, wave_id)? {
        let d = days.entry(day).or_insert_with(|| DayTally {
            day,
            ..DayTally::default()
        });
        match (in_sample, Channel::parse(&channel)) {
            (true, Some(Channel::PaperNoCode)) => d.paper_no_code += n,
            (false, Some(Channel::PaperNoCode)) => d.paper_no_code_excluded += n,
            (false, _) => d.open += n,
            (true, Some(Channel::Paper)) => d.paper += n,
            (true, Some(Channel::Email)) => d.email += n,
            (true, _) => d.web += n,
        }
    }
    // The sample's responses without a valid answer, by day (module header).
    for (_, value, n) in kept_value_counts(conn, wave_id, &[NOT_VALID], Scope::Sample)? {
        let (day, channel) = value.split_once(' ').unwrap_or((&value, ""));
        let Ok(day) = NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
            continue;
        };
        if Channel::is_paper_code(channel) {
            c.not_valid_paper += n;
        }
        days.entry(day)
            .or_insert_with(|| DayTally {
                day,
                ..DayTally::default()
            })
            .not_valid += n;
    }
    for d in days.values() {
        c.not_valid += d.not_valid;
        c.web += d.web;
        c.paper += d.paper;
        c.paper_no_code += d.paper_no_code;
        c.paper_no_code_excluded += d.paper_no_code_excluded;
        c.email += d.email;
        c.open += d.open;
    }
    c.days = days.into_values().collect();
    Ok(c)
}
