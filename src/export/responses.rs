//! `responses`: one row per response, one column per question of the wave (answer codes as
//! stored: 1–5 or `dk` for scales, option codes, numbers), blank when not answered. A
//! multiple-choice question has one 0/1 column per option, `{question}__{option}`, blank
//! when the respondent chose none. Free text is not here (see `comments`), and neither is
//! the response id or its date: rows come in the order of their random ids. `in_sample`
//! is `false` for answers given through the open link beside a postal sample; this
//! export lists every response, the aggregates only the sample unless asked.

use std::io::Write;

use super::{CsvWriter, ExportError};
use crate::db;
use crate::definitions::{Question, QuestionKind, Wave};

/// The column of one option of a multiple-choice question.
pub(super) fn option_column(question: &str, option: &str) -> String {
    format!("{question}__{option}")
}

fn exported(wave: &Wave) -> impl Iterator<Item = &Question> {
    wave.questions()
        .filter(|q| !matches!(q.kind, QuestionKind::Text { .. }))
}

pub(super) fn header(wave: &Wave) -> Vec<String> {
    let mut header = vec![
        "wave_id".to_string(),
        "channel".into(),
        "language".into(),
        "in_sample".into(),
    ];
    for q in exported(wave) {
        match &q.kind {
            QuestionKind::Multiple { options, .. } => {
                header.extend(options.iter().map(|o| option_column(&q.id, &o.code)))
            }
            _ => header.push(q.id.clone()),
        }
    }
    header
}

/// Where a question's stored answers go.
enum Columns<'w> {
    /// The column of a question with one value.
    One(usize),
    /// A multiple-choice question: each option's code and column.
    Options(Vec<(&'w str, usize)>),
}

/// Each exported question with its columns, in the wave's (and the stored answers') order.
fn layout(wave: &Wave) -> Vec<(&str, Columns<'_>)> {
    let mut column = 4;
    let mut out = Vec::new();
    for q in exported(wave) {
        let columns = match &q.kind {
            QuestionKind::Multiple { options, .. } => Columns::Options(
                options
                    .iter()
                    .map(|o| {
                        column += 1;
                        (o.code.as_str(), column - 1)
                    })
                    .collect(),
            ),
            _ => {
                column += 1;
                Columns::One(column - 1)
            }
        };
        out.push((q.id.as_str(), columns));
    }
    out
}

/// Rows handed from the reading thread to the writing one, as one text and the end offset
/// of each cell: a row the reader decoded has its `width` cells; a row left to the writer
/// has four — channel, language, sample flag and the stored answers.
#[derive(Default)]
struct Chunk {
    text: String,
    ends: Vec<usize>,
    /// Per row: whether the reader decoded it.
    decoded: Vec<bool>,
}

/// Rows per chunk, and chunks in flight: what the export holds, whatever the number of
/// responses.
const CHUNK_ROWS: usize = 1_024;
const CHUNKS: usize = 3;

/// Reads the responses on one thread and writes the CSV on the calling one. Decoding the
/// stored answers is the largest part, so each thread decodes every other row: the two
/// then take about as long (on two cores, 181,000 rows/s with the reader decoding all,
/// docs/benchmarks.md).
pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    wave: &Wave,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let layout = &layout(wave);
    let width = header(wave).len();
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Chunk>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<(), ExportError> {
            let mut row = vec![String::new(); width];
            let mut chunk = Chunk::default();
            db::responses::for_each_response(conn, &wave.id, |r| -> Result<(), ExportError> {
                let decode_here = chunk.decoded.len() % 2 == 0;
                if decode_here {
                    fill(layout, &wave.id, r, &mut row)?;
                    for cell in &row {
                        chunk.text.push_str(cell);
                        chunk.ends.push(chunk.text.len());
                    }
                } else {
                    for cell in [r.channel, r.language, flag(r.in_sample), r.answers] {
                        chunk.text.push_str(cell);
                        chunk.ends.push(chunk.text.len());
                    }
                }
                chunk.decoded.push(decode_here);
                if chunk.decoded.len() == CHUNK_ROWS {
                    let next = empty_rx.try_recv().unwrap_or_default();
                    // The writing side stops receiving only after an error of its own.
                    if full_tx.send(std::mem::replace(&mut chunk, next)).is_err() {
                        return Err(ExportError::Io(std::io::Error::other(
                            "the CSV writer stopped",
                        )));
                    }
                }
                Ok(())
            })?;
            if !chunk.decoded.is_empty() {
                let _ = full_tx.send(chunk);
            }
            Ok(())
        });
        let written = (|| -> Result<(), ExportError> {
            let mut row = vec![String::new(); width];
            for mut chunk in full_rx.iter() {
                let mut cells: Vec<&str> = Vec::with_capacity(width);
                let (mut start, mut k) = (0, 0);
                for &decoded in &chunk.decoded {
                    let n = if decoded { width } else { 4 };
                    cells.clear();
                    for &end in &chunk.ends[k..k + n] {
                        cells.push(&chunk.text[start..end]);
                        start = end;
                    }
                    k += n;
                    if decoded {
                        csv.write(&cells)?;
                    } else {
                        let raw = db::responses::RawResponse {
                            channel: cells[0],
                            language: cells[1],
                            in_sample: cells[2] == flag(true),
                            answers: cells[3],
                        };
                        fill(layout, &wave.id, &raw, &mut row)?;
                        csv.write(&row)?;
                    }
                }
                drop(cells);
                chunk.text.clear();
                chunk.ends.clear();
                chunk.decoded.clear();
                let _ = empty_tx.send(chunk);
            }
            Ok(())
        })();
        drop(full_rx);
        let read = reader.join().expect("the reading thread does not panic");
        // A write error is the cause when both failed (the reader then only saw the stop).
        written.and(read)
    })
}

fn flag(in_sample: bool) -> &'static str {
    if in_sample { "true" } else { "false" }
}

/// One response's row: wave, channel, language, sample flag, then its answers.
fn fill(
    layout: &[(&str, Columns<'_>)],
    wave_id: &str,
    response: &db::responses::RawResponse<'_>,
    row: &mut [String],
) -> Result<(), ExportError> {
    let answers = db::responses::decode(response.answers)?;
    for cell in row.iter_mut() {
        cell.clear();
    }
    row[0].push_str(wave_id);
    row[1].push_str(response.channel);
    row[2].push_str(response.language);
    row[3].push_str(flag(response.in_sample));
    // Stored answers come in the wave's order: the next question is looked for from where
    // the previous one was found, so a lookup is usually one comparison.
    let mut at = 0;
    for (question, value) in &answers {
        let Some(found) = (0..layout.len())
            .map(|k| (at + k) % layout.len())
            .find(|&i| layout[i].0 == question.as_ref())
        else {
            continue;
        };
        at = found;
        match &layout[found].1 {
            Columns::One(column) => row[*column].push_str(value),
            // A multiple-choice question answered at all: 1 for each chosen option, 0 for
            // the others.
            Columns::Options(options) => {
                for &(code, column) in options {
                    if code == value.as_ref() {
                        row[column].clear();
                        row[column].push('1');
                    } else if row[column].is_empty() {
                        row[column].push('0');
                    }
                }
            }
        }
    }
    Ok(())
}
