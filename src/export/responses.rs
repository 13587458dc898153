//! `responses`: one row per response, one column per question of the wave (answer codes as
//! stored: 1–5 or `dk` for scales, option codes, numbers), blank when not answered. A
//! multiple-choice question has one 0/1 column per option, `{question}__{option}`, blank
//! when the respondent chose none. Free text is not here (see `comments`), and neither is
//! the response id or its date: rows come in the order of their random ids. `in_sample`
//! is `false` for answers given through the open link beside a postal sample; this
//! export lists every response, the aggregates only the sample unless asked.

use std::collections::HashMap;
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

/// Where each stored answer goes: `(question id, option code or None, column index)`.
fn layout(wave: &Wave) -> Vec<(String, Option<String>, usize)> {
    let mut column = 4;
    let mut out = Vec::new();
    for q in exported(wave) {
        match &q.kind {
            QuestionKind::Multiple { options, .. } => {
                for o in options {
                    out.push((q.id.clone(), Some(o.code.clone()), column));
                    column += 1;
                }
            }
            _ => {
                out.push((q.id.clone(), None, column));
                column += 1;
            }
        }
    }
    out
}

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    wave: &Wave,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let layout = layout(wave);
    let mut by_question: HashMap<&str, Vec<(Option<&str>, usize)>> = HashMap::new();
    for (q, option, column) in &layout {
        by_question
            .entry(q.as_str())
            .or_default()
            .push((option.as_deref(), *column));
    }
    let width = header(wave).len();
    let ids: Vec<&str> = exported(wave).map(|q| q.id.as_str()).collect();
    let mut row = vec![String::new(); width];
    db::responses::for_each_response(conn, &wave.id, &ids, |response| {
        for cell in row.iter_mut() {
            cell.clear();
        }
        row[0].push_str(&wave.id);
        row[1].push_str(response.channel);
        row[2].push_str(response.language);
        row[3].push_str(if response.in_sample { "true" } else { "false" });
        for (question, value) in &response.answers {
            let Some(columns) = by_question.get(question.as_ref()) else {
                continue;
            };
            for &(option, column) in columns {
                match option {
                    None => row[column].push_str(value),
                    // A multiple-choice question answered at all: 1 for each chosen option,
                    // 0 for the others.
                    Some(code) if code == value => {
                        row[column].clear();
                        row[column].push('1');
                    }
                    Some(_) if row[column].is_empty() => row[column].push('0'),
                    Some(_) => {}
                }
            }
        }
        csv.write(&row)
    })
}
