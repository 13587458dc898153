//! `comments`: the free-text answers, by question, with contact details and ID numbers
//! masked ([`crate::language::mask_personal_data`]). No response id, demographics or date: the
//! comments cannot be joined to the `responses` export.

use std::io::Write;

use super::{CsvWriter, ExportError};
use crate::db;
use crate::definitions::{QuestionKind, Wave};
use crate::language::mask_personal_data;

pub const HEADER: [&str; 5] = [
    "wave_id",
    "question_id",
    "question_ja",
    "question_en",
    "comment",
];

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    wave: &Wave,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let texts: Vec<_> = wave
        .questions()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .collect();
    let ids: Vec<&str> = texts.iter().map(|q| q.id.as_str()).collect();
    db::responses::for_each_text(conn, &wave.id, &ids, |question, value| {
        let q = texts
            .iter()
            .find(|q| q.id == question)
            .expect("only the wave's text questions are read");
        csv.write(&[
            wave.id.as_str(),
            question,
            &q.text.ja,
            &q.text.en,
            &mask_personal_data(value),
        ])
    })
}
