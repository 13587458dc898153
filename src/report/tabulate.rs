//! Simple and cross tabulation counts from the responses, one pass (pure): for every choice
//! and scale question, how many respondents were asked it (対象者: everyone, or those
//! whose earlier answer opens a `show_if` question), answered it, and gave each answer —
//! in total and per group of each breakdown (gender, age band, area, channel). Respondents
//! who left a breakdown's question blank form its 無回答 group (code `None`).
//!
//! The totals equal the counts the writer keeps (`answer_counts`, `question_counts`), which
//! the simple tables read; the report's tests check that they agree.

use std::collections::{BTreeMap, HashMap};

/// What a question needs to be tabulated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSpec {
    pub id: String,
    /// Asked only of respondents who answered `(question, option)`.
    pub show_if: Option<(String, String)>,
}

/// A breakdown: by the answer to a (single-choice) question, or by channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    Question(String),
    Channel,
}

/// The counts of one question within one group of respondents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Respondents the question was asked of (those who answered it included).
    pub eligible: u64,
    /// Respondents who gave at least one answer.
    pub answered: u64,
    /// Answers per stored value (a multiple-choice respondent counts once per option).
    pub values: BTreeMap<String, u64>,
}

impl Tally {
    /// 無回答: asked but not answered.
    pub fn no_answer(&self) -> u64 {
        self.eligible - self.answered
    }

    pub fn value(&self, code: &str) -> u64 {
        self.values.get(code).copied().unwrap_or(0)
    }
}

/// A group's code in a breakdown; `None` = did not answer the breakdown's question.
pub type GroupCode = Option<String>;

/// One question's counts: overall and per group of each dimension.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionTally {
    pub total: Tally,
    /// Per dimension (in the order given), per group.
    pub by: Vec<BTreeMap<GroupCode, Tally>>,
}

/// Counts as respondents are added; [`Tabulator::finish`] gives them per question.
#[derive(Debug, Clone)]
pub struct Tabulator {
    questions: Vec<QuestionSpec>,
    dimensions: Vec<Dimension>,
    tallies: Vec<QuestionTally>,
    /// Respondents per group of each dimension (everyone, whatever they answered).
    groups: Vec<BTreeMap<GroupCode, u64>>,
    respondents: u64,
}

/// The result of a tabulation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tabulation {
    pub respondents: u64,
    pub questions: HashMap<String, QuestionTally>,
    /// Respondents per group of each dimension.
    pub groups: Vec<BTreeMap<GroupCode, u64>>,
}

impl Tabulator {
    pub fn new(questions: Vec<QuestionSpec>, dimensions: Vec<Dimension>) -> Self {
        let d = dimensions.len();
        Tabulator {
            tallies: vec![
                QuestionTally {
                    total: Tally::default(),
                    by: vec![BTreeMap::new(); d],
                };
                questions.len()
            ],
            groups: vec![BTreeMap::new(); d],
            questions,
            dimensions,
            respondents: 0,
        }
    }

    /// Adds one respondent: their channel and stored `(question, value)` pairs.
    pub fn add<Q: AsRef<str>, V: AsRef<str>>(&mut self, channel: &str, answers: &[(Q, V)]) {
        self.respondents += 1;
        let mut by_question: HashMap<&str, Vec<&str>> = HashMap::new();
        for (q, v) in answers {
            by_question.entry(q.as_ref()).or_default().push(v.as_ref());
        }
        let groups: Vec<GroupCode> = self
            .dimensions
            .iter()
            .map(|d| match d {
                Dimension::Channel => Some(channel.to_string()),
                Dimension::Question(q) => by_question
                    .get(q.as_str())
                    .and_then(|v| v.first())
                    .map(|v| v.to_string()),
            })
            .collect();
        for (d, g) in groups.iter().enumerate() {
            *self.groups[d].entry(g.clone()).or_default() += 1;
        }
        for (spec, tally) in self.questions.iter().zip(&mut self.tallies) {
            let given = by_question.get(spec.id.as_str());
            let asked = match &spec.show_if {
                None => true,
                Some((q, equals)) => by_question
                    .get(q.as_str())
                    .is_some_and(|v| v.contains(&equals.as_str())),
            };
            // An answer to a question that was not asked still counts (as asked).
            if !asked && given.is_none() {
                continue;
            }
            let count = |t: &mut Tally| {
                t.eligible += 1;
                if let Some(values) = given {
                    t.answered += 1;
                    for v in values {
                        *t.values.entry(v.to_string()).or_default() += 1;
                    }
                }
            };
            count(&mut tally.total);
            for (d, g) in groups.iter().enumerate() {
                count(tally.by[d].entry(g.clone()).or_default());
            }
        }
    }

    pub fn finish(self) -> Tabulation {
        Tabulation {
            respondents: self.respondents,
            questions: self
                .questions
                .into_iter()
                .map(|s| s.id)
                .zip(self.tallies)
                .collect(),
            groups: self.groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_asked_answered_and_values_in_total_and_per_group() {
        let mut t = Tabulator::new(
            vec![
                QuestionSpec {
                    id: "used".into(),
                    show_if: None,
                },
                QuestionSpec {
                    id: "why_not".into(),
                    show_if: Some(("used".into(), "no".into())),
                },
            ],
            vec![Dimension::Question("gender".into()), Dimension::Channel],
        );
        t.add("web", &[("used", "yes"), ("gender", "female")]);
        t.add(
            "paper",
            &[("used", "no"), ("why_not", "a"), ("why_not", "b")],
        );
        t.add("paper", &[("used", "no"), ("gender", "male")]);
        t.add("web", &[("gender", "female")]);
        let r = t.finish();
        assert_eq!(r.respondents, 4);
        let used = &r.questions["used"];
        assert_eq!((used.total.eligible, used.total.answered), (4, 3));
        assert_eq!(used.total.no_answer(), 1);
        assert_eq!(used.total.value("no"), 2);
        let female = &used.by[0][&Some("female".to_string())];
        assert_eq!(
            (female.eligible, female.answered, female.value("yes")),
            (2, 1, 1)
        );
        assert_eq!(used.by[0][&None].value("no"), 1);
        // Asked of the two who said no; one of them answered, with two options.
        let why = &r.questions["why_not"];
        assert_eq!((why.total.eligible, why.total.answered), (2, 1));
        assert_eq!((why.total.value("a"), why.total.value("b")), (1, 1));
        assert_eq!(why.by[1][&Some("paper".to_string())].eligible, 2);
        assert!(!why.by[1].contains_key(&Some("web".to_string())));
        assert_eq!(r.groups[0][&Some("female".to_string())], 2);
        assert_eq!(r.groups[1][&Some("web".to_string())], 2);
    }
}
