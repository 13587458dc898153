//! `comments`: the free-text answers, by question, masked as every view of a comment is
//! (masking v2, [`crate::language::mask`]: contact details, ID numbers, names, addresses).
//! No response id, demographics or date: the comments cannot be joined to the `responses`
//! export.

use std::io::Write;

use super::{CsvWriter, ExportError};
use crate::db;
use crate::definitions::{QuestionKind, Wave};
use crate::language::{MaskRules, mask};

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
    rules: &MaskRules,
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
            &mask(value, &rules.tokenise(value), rules).text,
        ])
    })
}
