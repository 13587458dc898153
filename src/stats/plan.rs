//! Which answers feed which vision score, for one wave: made once per wave from the
//! definitions ([`ScorePlans`]) and used by the writer, the rebuilds and the exports.

use std::collections::HashMap;
use std::sync::Arc;

use super::{AGE_BAND_QUESTION, AREA_QUESTION, respondent_score};
use crate::definitions::{Definitions, Vision, Wave};

/// The demographic question exports also break scores down by.
pub const GENDER_QUESTION: &str = "gender";

/// Which question feeds which vision, for one wave.
#[derive(Debug, Clone)]
pub struct ScorePlan {
    pub wave_id: String,
    pub vision_ids: Vec<String>,
    item_vision: HashMap<String, usize>,
}

/// One derived row, before it gets its response id.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub vision_id: String,
    pub age_band: Option<String>,
    pub area: Option<String>,
    pub gender: Option<String>,
    pub score: Option<f64>,
    pub top2: Option<f64>,
}

impl ScorePlan {
    pub fn new(wave: &Wave, visions: &[Vision]) -> ScorePlan {
        let vision_ids: Vec<String> = visions
            .iter()
            .filter(|v| wave.scored_items().any(|(vision, _)| vision == v.id))
            .map(|v| v.id.clone())
            .collect();
        let item_vision = wave
            .scored_items()
            .filter_map(|(vision, q)| {
                Some((q.id.clone(), vision_ids.iter().position(|v| v == vision)?))
            })
            .collect();
        ScorePlan {
            wave_id: wave.id.clone(),
            vision_ids,
            item_vision,
        }
    }

    /// One response's rows from its stored answers `(question id, value)`; one row per
    /// vision, in vision order. Pure.
    pub fn rows<'a>(&self, answers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<ScoreRow> {
        let mut per_vision: Vec<Vec<u8>> = vec![Vec::new(); self.vision_ids.len()];
        let (mut age_band, mut area, mut gender) = (None, None, None);
        for (question, value) in answers {
            // An invalid mark on paper is no answer: never scored, in no group.
            if value == crate::domain::INVALID {
                continue;
            }
            match question {
                AGE_BAND_QUESTION => age_band = Some(value.to_string()),
                AREA_QUESTION => area = Some(value.to_string()),
                GENDER_QUESTION => gender = Some(value.to_string()),
                _ => {
                    if let (Some(&v), Ok(a @ 1..=5)) =
                        (self.item_vision.get(question), value.parse::<u8>())
                    {
                        per_vision[v].push(a);
                    }
                }
            }
        }
        self.vision_ids
            .iter()
            .zip(per_vision)
            .map(|(vision_id, answers)| {
                let r = respondent_score(&answers);
                ScoreRow {
                    vision_id: vision_id.clone(),
                    age_band: age_band.clone(),
                    area: area.clone(),
                    gender: gender.clone(),
                    score: r.map(|r| r.score),
                    top2: r.map(|r| r.top2),
                }
            })
            .collect()
    }
}

/// Every wave's plan, made once when the definitions are loaded.
#[derive(Debug, Clone, Default)]
pub struct ScorePlans {
    plans: HashMap<String, Arc<ScorePlan>>,
    visions: Vec<Vision>,
}

impl ScorePlans {
    pub fn new(definitions: &Definitions) -> ScorePlans {
        ScorePlans {
            plans: definitions
                .waves
                .iter()
                .map(|w| {
                    (
                        w.id.clone(),
                        Arc::new(ScorePlan::new(w, &definitions.visions)),
                    )
                })
                .collect(),
            visions: definitions.visions.clone(),
        }
    }

    /// The plan of a wave of these definitions (made on the spot for any other wave).
    pub fn of(&self, wave: &Wave) -> Arc<ScorePlan> {
        self.plans
            .get(&wave.id)
            .cloned()
            .unwrap_or_else(|| Arc::new(ScorePlan::new(wave, &self.visions)))
    }
}
