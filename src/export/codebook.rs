//! `codebook`: every question of the wave with its kind and answer codes and their labels,
//! the column it fills in the `responses` export, and what the printed questionnaire shows:
//! the question's number (問N) and each answer's box number (1–5 and 9 = わからない on a
//! scale, an option's position otherwise), which a vendor may key instead of the codes.

use std::io::Write;

use super::{CsvWriter, ExportError, answer_codes};
use crate::definitions::{QuestionKind, Wave};

/// The box number printed beside わからない on the questionnaire (the operator code of
/// `paper::sheet::DONT_KNOW_CODE`).
const DONT_KNOW_BOX: &str = "9";
/// What an operator or vendor keys for two marks or an illegible mark
/// (`paper::sheet::INVALID_CODE`).
const INVALID_BOX: &str = "*";

pub const HEADER: [&str; 14] = [
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
    "question_number",
    "box",
];

pub(super) fn write<W: Write>(wave: &Wave, csv: &mut CsvWriter<W>) -> Result<(), ExportError> {
    let mut n = 0;
    for section in &wave.sections {
        for q in &section.questions {
            n += 1;
            let number = crate::i18n::question_number(crate::domain::Lang::Ja, n);
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
                row.extend([
                    String::new(),
                    String::new(),
                    String::new(),
                    column,
                    number,
                    String::new(),
                ]);
                csv.write(&row)?;
                continue;
            }
            let invalid = super::invalid_code(wave, q);
            for (i, (code, ja, en)) in codes.into_iter().chain(invalid).enumerate() {
                let printed = if code == crate::domain::DONT_KNOW {
                    DONT_KNOW_BOX.to_string()
                } else if code == crate::domain::INVALID {
                    INVALID_BOX.to_string()
                } else {
                    (i + 1).to_string()
                };
                let column = match q.kind {
                    QuestionKind::Multiple { .. } => super::responses::option_column(&q.id, &code),
                    _ => q.id.clone(),
                };
                let mut row = base.to_vec();
                row.extend([code, ja, en, column, number.clone(), printed]);
                csv.write(&row)?;
            }
        }
    }
    Ok(())
}
