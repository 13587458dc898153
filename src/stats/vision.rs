use std::collections::HashMap;

use super::{Accumulator, Summary, respondent_score};
use crate::definitions::{Vision, Wave};

/// Folds a wave's scored answers, grouped by response, into per-vision summaries in
/// constant memory: only the current response's answers are held.
pub struct VisionScoring {
    vision_ids: Vec<String>,
    item_vision: HashMap<String, usize>,
    accumulators: Vec<Accumulator>,
    current: Option<String>,
    /// The current response's answers (1–5), per vision.
    pending: Vec<Vec<u8>>,
}

impl VisionScoring {
    pub fn new(wave: &Wave, visions: &[Vision]) -> Self {
        let vision_ids: Vec<String> = visions.iter().map(|v| v.id.clone()).collect();
        let item_vision = wave
            .scored_items()
            .filter_map(|(vision, q)| {
                let index = vision_ids.iter().position(|v| v == vision)?;
                Some((q.id.clone(), index))
            })
            .collect();
        VisionScoring {
            accumulators: vec![Accumulator::default(); vision_ids.len()],
            pending: vec![Vec::new(); vision_ids.len()],
            vision_ids,
            item_vision,
            current: None,
        }
    }

    /// The questions whose answers [`add`](Self::add) needs.
    pub fn item_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.item_vision.keys().map(|k| k.as_str()).collect();
        ids.sort_unstable();
        ids
    }

    /// One stored answer. Answers of one response must arrive together. Values other than
    /// 1–5 (「わからない」) are not scored.
    pub fn add(&mut self, response_id: &str, question_id: &str, value: &str) {
        if self.current.as_deref() != Some(response_id) {
            self.flush();
            self.current = Some(response_id.to_string());
        }
        let (Some(&vision), Ok(v @ 1..=5)) =
            (self.item_vision.get(question_id), value.parse::<u8>())
        else {
            return;
        };
        self.pending[vision].push(v);
    }

    fn flush(&mut self) {
        for (answers, acc) in self.pending.iter_mut().zip(&mut self.accumulators) {
            if let Some(score) = respondent_score(answers) {
                acc.add(score);
            }
            answers.clear();
        }
    }

    /// Each vision id with its summary (`None` when nobody has a score for it).
    pub fn finish(mut self) -> Vec<(String, Option<Summary>)> {
        self.flush();
        self.vision_ids
            .into_iter()
            .zip(self.accumulators.iter().map(Accumulator::summary))
            .collect()
    }
}
