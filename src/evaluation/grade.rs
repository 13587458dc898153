//! Grading one indicator in one wave: its change from the baseline, 達成率, the share of the
//! gap expected by the wave, the grade by the indicator's rule, and why. Pure.
//!
//! - 達成率 (achievement) = (value − baseline) / (target − baseline) × 100%; undefined when
//!   the target does not lie above the baseline.
//! - `nagayo` (長与町): S when value ≥ target; else B when |value − baseline| ≤ band, the band
//!   being `band_pct` % of the baseline; else A above the baseline, C below.
//! - `progress` (多摩市): progress = 達成率 ÷ expected share of the gap by this wave × 100%:
//!   ≥ 100% 着実, 60% to under 100% 概ね, under 60% 要改善.
//! - `interval`: the 95% interval of the change decides: above zero → A (S when the target
//!   is reached too), below → C, containing zero → B; no interval → −.
//!
//! `nagayo` and `progress` compare the figures as published, rounded to one decimal, so
//! that a reader who sees 今回値 60.0 and 目標値 60.0 sees S; `interval` uses the interval
//! itself. A figure with fewer respondents than the minimum is not published: "−".

use serde::{Deserialize, Serialize};

use super::change::{Change, Estimate, Reference, change};
use super::targets::Rule;

/// Comparisons at a threshold tolerate this much floating-point error (on a 0–100 or
/// percent scale), so that a value exactly at a threshold is graded as at it.
const EPS: f64 = 1e-9;

/// The published (one-decimal) form of a figure.
pub fn shown(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A grade: S/A/B/C (nagayo, interval), 着実/概ね/要改善 (progress), − not measurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    S,
    A,
    B,
    C,
    Steady,
    Fair,
    Improve,
    NotMeasurable,
}

impl Grade {
    pub const ALL: [Grade; 8] = [
        Grade::S,
        Grade::A,
        Grade::B,
        Grade::C,
        Grade::Steady,
        Grade::Fair,
        Grade::Improve,
        Grade::NotMeasurable,
    ];

    /// The code in the CSV's `grade` column.
    pub fn code(self) -> &'static str {
        match self {
            Grade::S => "S",
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::Steady => "steady",
            Grade::Fair => "fair",
            Grade::Improve => "needs_improvement",
            Grade::NotMeasurable => "not_measurable",
        }
    }

    pub fn parse(code: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.code() == code)
    }

    /// The Fluent id of its label (`eval-grade-*`).
    pub fn message(self) -> &'static str {
        match self {
            Grade::S => "eval_grade_s",
            Grade::A => "eval_grade_a",
            Grade::B => "eval_grade_b",
            Grade::C => "eval_grade_c",
            Grade::Steady => "eval_grade_steady",
            Grade::Fair => "eval_grade_fair",
            Grade::Improve => "eval_grade_improve",
            Grade::NotMeasurable => "eval_grade_none",
        }
    }
}

/// Why an indicator got its grade; the evaluation's `words` module puts it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Nobody in this wave answered what the indicator measures.
    NoFigure,
    /// Fewer respondents than the minimum: the figure is not published.
    Suppressed,
    /// A weighted figure, but the wave cannot be weighted.
    NoWeights,
    /// The baseline wave has no figure (not surveyed yet, or nobody answered).
    BaselineMissing,
    /// The baseline wave's figure rests on fewer respondents than the minimum.
    BaselineSuppressed,
    /// The baseline wave's figure is not published yet.
    BaselineNotPublished,
    /// This wave is the baseline itself.
    IsBaseline,
    /// The baseline wave comes after this one.
    BaselineLater,
    /// The target does not lie above the baseline: no gap to measure progress on.
    NoGap,
    /// No share of the gap is expected by this wave (`rule.expected_pct`).
    NoExpectedShare,
    /// The change has no interval (fewer than two respondents or no spread).
    NoInterval,
    ReachedTarget,
    AboveBand,
    WithinBand,
    BelowBand,
    Steady,
    Fair,
    Improve,
    SignificantReached,
    SignificantUp,
    ReachedNotSignificant,
    NoSignificantChange,
    SignificantDown,
}

impl Reason {
    pub const ALL: [Reason; 23] = [
        Reason::NoFigure,
        Reason::Suppressed,
        Reason::NoWeights,
        Reason::BaselineMissing,
        Reason::BaselineNotPublished,
        Reason::BaselineSuppressed,
        Reason::IsBaseline,
        Reason::BaselineLater,
        Reason::NoGap,
        Reason::NoExpectedShare,
        Reason::NoInterval,
        Reason::ReachedTarget,
        Reason::AboveBand,
        Reason::WithinBand,
        Reason::BelowBand,
        Reason::Steady,
        Reason::Fair,
        Reason::Improve,
        Reason::SignificantReached,
        Reason::SignificantUp,
        Reason::ReachedNotSignificant,
        Reason::NoSignificantChange,
        Reason::SignificantDown,
    ];

    /// The code kept in the publication snapshot and the Fluent id of its words.
    pub fn message(self) -> &'static str {
        match self {
            Reason::NoFigure => "eval_reason_no_figure",
            Reason::Suppressed => "eval_reason_suppressed",
            Reason::NoWeights => "eval_reason_no_weights",
            Reason::BaselineMissing => "eval_reason_baseline_missing",
            Reason::BaselineSuppressed => "eval_reason_baseline_suppressed",
            Reason::BaselineNotPublished => "eval_reason_baseline_not_published",
            Reason::IsBaseline => "eval_reason_is_baseline",
            Reason::BaselineLater => "eval_reason_baseline_later",
            Reason::NoGap => "eval_reason_no_gap",
            Reason::NoExpectedShare => "eval_reason_no_expected_share",
            Reason::NoInterval => "eval_reason_no_interval",
            Reason::ReachedTarget => "eval_reason_reached_target",
            Reason::AboveBand => "eval_reason_above_band",
            Reason::WithinBand => "eval_reason_within_band",
            Reason::BelowBand => "eval_reason_below_band",
            Reason::Steady => "eval_reason_steady",
            Reason::Fair => "eval_reason_fair",
            Reason::Improve => "eval_reason_improve",
            Reason::SignificantReached => "eval_reason_significant_reached",
            Reason::SignificantUp => "eval_reason_significant_up",
            Reason::ReachedNotSignificant => "eval_reason_reached_not_significant",
            Reason::NoSignificantChange => "eval_reason_no_significant_change",
            Reason::SignificantDown => "eval_reason_significant_down",
        }
    }
}

/// A wave's figure of the indicator, as the grading sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// Nobody answered.
    Missing,
    /// Fewer respondents than the minimum (not published).
    Suppressed,
    /// A weighted figure of a wave that cannot be weighted (no usable population.csv).
    Unweighted,
    Shown(Estimate),
}

/// The baseline as the grading sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BaselineFigure {
    /// The baseline wave's figure.
    Wave(Figure),
    /// The wave graded is the baseline wave.
    IsThisWave,
    /// The baseline wave comes after the wave graded.
    Later,
    /// The baseline wave's figure has not been published (public evaluations rest only on
    /// published figures).
    NotPublished,
    /// Another survey's figure.
    External { value: f64, se: Option<f64> },
}

/// What grading one indicator in one wave gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Graded {
    /// The baseline's value, when known.
    pub baseline: Option<f64>,
    pub change: Option<Change>,
    /// 達成率 in percent.
    pub achievement_pct: Option<f64>,
    /// Share of the gap expected by this wave, in percent.
    pub expected_pct: Option<f64>,
    /// 達成率 ÷ expected share, in percent (the `progress` rule's figure).
    pub progress_pct: Option<f64>,
    pub grade: Grade,
    pub reason: Reason,
}

/// Grades a wave's `figure` against `baseline` and `target` by `rule` (module docs).
/// `expected_pct` is the share of the gap expected by this wave, if any.
pub fn grade(
    rule: &Rule,
    target: f64,
    expected_pct: Option<f64>,
    figure: Figure,
    baseline: BaselineFigure,
) -> Graded {
    let mut out = Graded {
        baseline: None,
        change: None,
        achievement_pct: None,
        expected_pct,
        progress_pct: None,
        grade: Grade::NotMeasurable,
        reason: Reason::NoFigure,
    };
    let now = match figure {
        Figure::Missing => return out,
        Figure::Suppressed => {
            out.reason = Reason::Suppressed;
            return out;
        }
        Figure::Unweighted => {
            out.reason = Reason::NoWeights;
            return out;
        }
        Figure::Shown(e) => e,
    };
    let value = shown(now.value());
    let reached = value >= target - EPS;
    let reference = match baseline {
        BaselineFigure::External { value, se } => Reference::External { value, se },
        BaselineFigure::Wave(Figure::Shown(e)) => Reference::Wave(e),
        unavailable => {
            out.reason = match unavailable {
                BaselineFigure::IsThisWave => Reason::IsBaseline,
                BaselineFigure::Later => Reason::BaselineLater,
                BaselineFigure::NotPublished => Reason::BaselineNotPublished,
                BaselineFigure::Wave(Figure::Suppressed) => Reason::BaselineSuppressed,
                BaselineFigure::Wave(Figure::Unweighted) => Reason::NoWeights,
                _ => Reason::BaselineMissing,
            };
            if let BaselineFigure::IsThisWave = unavailable {
                out.baseline = Some(value);
            }
            // A target reached needs no baseline to be seen; everything else does.
            if matches!(rule, Rule::Nagayo { .. }) && reached {
                (out.grade, out.reason) = (Grade::S, Reason::ReachedTarget);
            }
            return out;
        }
    };
    let base = shown(reference.value());
    out.baseline = Some(reference.value());
    let change = change(&now, &reference);
    out.change = Some(change);
    let gap = target - base;
    if gap > EPS {
        out.achievement_pct = Some((value - base) / gap * 100.0);
    }
    out.progress_pct = out
        .achievement_pct
        .zip(expected_pct)
        .map(|(a, e)| a / e * 100.0);
    (out.grade, out.reason) = match rule {
        Rule::Nagayo { band_pct } => {
            let band = base.abs() * band_pct / 100.0;
            if reached {
                (Grade::S, Reason::ReachedTarget)
            } else if (value - base).abs() <= band + EPS {
                (Grade::B, Reason::WithinBand)
            } else if value > base {
                (Grade::A, Reason::AboveBand)
            } else {
                (Grade::C, Reason::BelowBand)
            }
        }
        Rule::Progress { .. } => match (out.achievement_pct, out.progress_pct) {
            (None, _) => (Grade::NotMeasurable, Reason::NoGap),
            (Some(_), None) => (Grade::NotMeasurable, Reason::NoExpectedShare),
            (Some(_), Some(p)) if p >= 100.0 - EPS => (Grade::Steady, Reason::Steady),
            (Some(_), Some(p)) if p >= 60.0 - EPS => (Grade::Fair, Reason::Fair),
            (Some(_), Some(_)) => (Grade::Improve, Reason::Improve),
        },
        Rule::Interval => match change.direction() {
            None => (Grade::NotMeasurable, Reason::NoInterval),
            Some(1) if reached => (Grade::S, Reason::SignificantReached),
            Some(1) => (Grade::A, Reason::SignificantUp),
            Some(-1) => (Grade::C, Reason::SignificantDown),
            Some(_) if reached && gap > EPS => (Grade::B, Reason::ReachedNotSignificant),
            Some(_) => (Grade::B, Reason::NoSignificantChange),
        },
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A figure of exactly `value` with a tiny interval (n large, sd small), so that the
    /// value rules see `value` and the interval rule sees a clear change.
    fn exact(value: f64) -> Figure {
        Figure::Shown(Estimate::Weighted {
            n: 1000,
            mean: value,
            se: Some(0.01),
        })
    }

    fn external(value: f64) -> BaselineFigure {
        BaselineFigure::External { value, se: None }
    }

    const NAGAYO: Rule = Rule::Nagayo { band_pct: 10.0 };

    #[test]
    fn nagayo_at_every_boundary() {
        // Baseline 50, band ±10% = ±5 (45–55), target 60.
        let cases: [(f64, Grade, Reason); 10] = [
            (60.0, Grade::S, Reason::ReachedTarget),
            (59.96, Grade::S, Reason::ReachedTarget), // published as 60.0
            (59.9, Grade::A, Reason::AboveBand),
            (55.1, Grade::A, Reason::AboveBand),
            (55.0, Grade::B, Reason::WithinBand),
            (50.0, Grade::B, Reason::WithinBand),
            (45.0, Grade::B, Reason::WithinBand),
            (44.9, Grade::C, Reason::BelowBand),
            (0.0, Grade::C, Reason::BelowBand),
            (100.0, Grade::S, Reason::ReachedTarget),
        ];
        for (value, grade, reason) in cases {
            let g = super::grade(&NAGAYO, 60.0, None, exact(value), external(50.0));
            assert_eq!((g.grade, g.reason), (grade, reason), "value {value}");
            assert_eq!(g.baseline, Some(50.0));
        }
        // The band is relative: ±10% of a baseline of 30 is ±3.
        let g = super::grade(&NAGAYO, 60.0, None, exact(33.0), external(30.0));
        assert_eq!(g.grade, Grade::B);
        let g = super::grade(&NAGAYO, 60.0, None, exact(33.1), external(30.0));
        assert_eq!(g.grade, Grade::A);
    }

    #[test]
    fn achievement_and_progress_at_every_boundary() {
        // Baseline 45, target 60 (gap 15); 60% of the gap expected at the mid-term, so the
        // value expected now is 54. Progress = achievement / 60%.
        let progress = Rule::Progress {
            expected_pct: [("2026-midterm".to_string(), 60.0)].into(),
        };
        let cases: [(f64, f64, Grade); 8] = [
            (54.0, 100.0, Grade::Steady), // exactly on track
            (60.0, 1000.0 / 6.0, Grade::Steady),
            (53.9, 59.33 / 0.6, Grade::Fair),
            (50.4, 60.0, Grade::Fair), // achievement 36% = 60% of 60%
            (50.3, 58.888_888_888_888_886, Grade::Improve),
            (45.0, 0.0, Grade::Improve),
            (40.0, -55.555_555_555_555_56, Grade::Improve),
            (100.0, 611.111_111_111_111_1, Grade::Steady),
        ];
        for (value, progress_pct, grade) in cases {
            let g = super::grade(&progress, 60.0, Some(60.0), exact(value), external(45.0));
            assert_eq!(g.grade, grade, "value {value}");
            let p = g.progress_pct.unwrap();
            assert!((p - progress_pct).abs() < 0.01, "value {value}: {p}");
            let a = g.achievement_pct.unwrap();
            assert!((a - (value - 45.0) / 15.0 * 100.0).abs() < 1e-9);
            assert_eq!(g.expected_pct, Some(60.0));
        }
        // At the target wave 100% is expected: progress = achievement.
        let g = super::grade(&progress, 60.0, Some(100.0), exact(54.0), external(45.0));
        assert_eq!(g.grade, Grade::Fair);
        assert!((g.progress_pct.unwrap() - 60.0).abs() < 1e-9);
        let g = super::grade(&progress, 60.0, Some(100.0), exact(53.9), external(45.0));
        assert_eq!(g.grade, Grade::Improve);
        // No expected share for this wave.
        let g = super::grade(&progress, 60.0, None, exact(54.0), external(45.0));
        assert_eq!(
            (g.grade, g.reason),
            (Grade::NotMeasurable, Reason::NoExpectedShare)
        );
        assert!(g.achievement_pct.is_some());
    }

    #[test]
    fn a_target_equal_to_the_baseline() {
        let progress = Rule::Progress {
            expected_pct: Default::default(),
        };
        let g = super::grade(&progress, 50.0, Some(100.0), exact(55.0), external(50.0));
        assert_eq!((g.grade, g.reason), (Grade::NotMeasurable, Reason::NoGap));
        assert_eq!((g.achievement_pct, g.progress_pct), (None, None));
        // nagayo: holding the baseline reaches the target.
        let g = super::grade(&NAGAYO, 50.0, None, exact(50.0), external(50.0));
        assert_eq!(g.grade, Grade::S);
        let g = super::grade(&NAGAYO, 50.0, None, exact(49.9), external(50.0));
        assert_eq!(g.grade, Grade::B);
        // interval: reached, but no significant change is just B.
        let flat = Figure::Shown(Estimate::Weighted {
            n: 100,
            mean: 50.0,
            se: Some(5.0),
        });
        let g = super::grade(&Rule::Interval, 50.0, None, flat, external(50.0));
        assert_eq!((g.grade, g.reason), (Grade::B, Reason::NoSignificantChange));
    }

    #[test]
    fn interval_at_every_boundary() {
        // Baseline 50 exact, target 60. A weighted figure with SE 2: the interval of the
        // change is (v − 50) ± 1.959964 × 2 = ± 3.919928.
        let half = 1.959_963_984_540_054 * 2.0;
        let fig = |mean| {
            Figure::Shown(Estimate::Weighted {
                n: 400,
                mean,
                se: Some(2.0),
            })
        };
        let cases: [(f64, Grade, Reason); 7] = [
            (50.0 + half + 1e-6, Grade::A, Reason::SignificantUp),
            (50.0 + half - 1e-6, Grade::B, Reason::NoSignificantChange),
            (50.0, Grade::B, Reason::NoSignificantChange),
            (50.0 - half + 1e-6, Grade::B, Reason::NoSignificantChange),
            (50.0 - half - 1e-6, Grade::C, Reason::SignificantDown),
            (60.0, Grade::S, Reason::SignificantReached),
            (30.0, Grade::C, Reason::SignificantDown),
        ];
        for (value, grade, reason) in cases {
            let g = super::grade(&Rule::Interval, 60.0, None, fig(value), external(50.0));
            assert_eq!((g.grade, g.reason), (grade, reason), "value {value}");
        }
        // Target reached on the point figure but within the margin of error: B, said so.
        let wide = Figure::Shown(Estimate::Weighted {
            n: 30,
            mean: 61.0,
            se: Some(8.0),
        });
        let g = super::grade(&Rule::Interval, 60.0, None, wide, external(55.0));
        assert_eq!(
            (g.grade, g.reason),
            (Grade::B, Reason::ReachedNotSignificant)
        );
        // No interval (one respondent): not measurable.
        let one = Figure::Shown(Estimate::Mean {
            n: 1,
            mean: 90.0,
            sd: None,
        });
        let g = super::grade(&Rule::Interval, 60.0, None, one, external(50.0));
        assert_eq!(
            (g.grade, g.reason),
            (Grade::NotMeasurable, Reason::NoInterval)
        );
    }

    #[test]
    fn missing_and_suppressed_figures_grade_not_measurable() {
        let rules = [
            NAGAYO,
            Rule::Progress {
                expected_pct: Default::default(),
            },
            Rule::Interval,
        ];
        for rule in &rules {
            let g = super::grade(rule, 60.0, Some(60.0), Figure::Suppressed, external(50.0));
            assert_eq!(
                (g.grade, g.reason),
                (Grade::NotMeasurable, Reason::Suppressed)
            );
            assert_eq!((g.change, g.achievement_pct), (None, None));
            let g = super::grade(rule, 60.0, None, Figure::Missing, external(50.0));
            assert_eq!(
                (g.grade, g.reason),
                (Grade::NotMeasurable, Reason::NoFigure)
            );
            for (baseline, reason) in [
                (
                    BaselineFigure::Wave(Figure::Missing),
                    Reason::BaselineMissing,
                ),
                (
                    BaselineFigure::Wave(Figure::Suppressed),
                    Reason::BaselineSuppressed,
                ),
                (BaselineFigure::IsThisWave, Reason::IsBaseline),
                (BaselineFigure::Later, Reason::BaselineLater),
                (BaselineFigure::NotPublished, Reason::BaselineNotPublished),
                (BaselineFigure::Wave(Figure::Unweighted), Reason::NoWeights),
            ] {
                let g = super::grade(rule, 60.0, Some(60.0), exact(55.0), baseline);
                assert_eq!(
                    (g.grade, g.reason),
                    (Grade::NotMeasurable, reason),
                    "{rule:?}"
                );
                assert_eq!(g.change, None);
                // A target reached is seen without a baseline under nagayo only.
                let g = super::grade(rule, 60.0, Some(60.0), exact(61.0), baseline);
                if matches!(rule, Rule::Nagayo { .. }) {
                    assert_eq!((g.grade, g.reason), (Grade::S, Reason::ReachedTarget));
                } else {
                    assert_eq!(g.grade, Grade::NotMeasurable);
                }
            }
        }
    }

    #[test]
    fn a_wave_baseline_uses_the_two_sample_change() {
        let b = Estimate::Mean {
            n: 200,
            mean: 50.0,
            sd: Some(20.0),
        };
        let now = Estimate::Mean {
            n: 200,
            mean: 55.0,
            sd: Some(20.0),
        };
        let g = super::grade(
            &Rule::Interval,
            60.0,
            None,
            Figure::Shown(now),
            BaselineFigure::Wave(Figure::Shown(b)),
        );
        let c = g.change.unwrap();
        assert_eq!(c.test, super::super::change::ChangeTest::Welch);
        // SE = √(400/200 · 2) = 2, df = 398: the interval is 5 ± 3.93: A.
        assert_eq!(g.grade, Grade::A);
        assert_eq!(g.baseline, Some(50.0));
        assert!((g.achievement_pct.unwrap() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn grade_codes_round_trip() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.code()), Some(g));
        }
    }
}
