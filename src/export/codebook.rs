//! `codebook`: every question of the wave with its kind and answer codes and their labels,
//! and the column it fills in the `responses` export.

use std::io::Write;

use super::{CsvWriter, ExportError, answer_codes};
use crate::definitions::{QuestionKind, Wave};

pub const HEADER: [&str; 12] = [
    "wave_id",
    "section_id",
    "vision_id",
    "question_id",
    "question_kind",
    "required",
    "question_ja",
    "question_en",
    "option_code",
    "option_label_ja",
    "option_label_en",
    "responses_column",
];

pub(super) fn write<W: Write>(wave: &Wave, csv: &mut CsvWriter<W>) -> Result<(), ExportError> {
    for section in &wave.sections {
        for q in &section.questions {
            let base = [
                wave.id.clone(),
                section.id.clone(),
                section.vision.clone().unwrap_or_default(),
                q.id.clone(),
                q.kind.name().to_string(),
                q.required.to_string(),
                q.text.ja.clone(),
                q.text.en.clone(),
            ];
            let codes = answer_codes(q);
            if codes.is_empty() {
                let column = match q.kind {
                    // Free text is only in the `comments` export.
                    QuestionKind::Text { .. } => "(comments)".to_string(),
                    _ => q.id.clone(),
                };
                let mut row = base.to_vec();
                row.extend([String::new(), String::new(), String::new(), column]);
                csv.write(&row)?;
                continue;
            }
            for (code, ja, en) in codes {
                let column = match q.kind {
                    QuestionKind::Multiple { .. } => super::responses::option_column(&q.id, &code),
                    _ => q.id.clone(),
                };
                let mut row = base.to_vec();
                row.extend([code, ja, en, column]);
                csv.write(&row)?;
            }
        }
    }
    Ok(())
}
