//! Satisfaction × importance (CSポートフォリオ), the usual Japanese tool for choosing what to
//! improve. Pure: per point its satisfaction S (0–100) and its importance I. Where the wave
//! **asks** importance (`kind = "importance"`, one question per vision) a point is a vision:
//! S its score, I the mean of its importance question on the same 0–100 scale (a t
//! interval). Otherwise a point is a scored item: S the item's mean, I **derived** — the
//! correlation of the item with an overall-satisfaction item over the respondents who
//! answered both, or, when the wave asks no such question, the corrected item–total
//! correlation (with the mean of the respondent's *other* scored items, so that the item
//! does not correlate with itself).
//!
//! From the items' S and I (Suppressed items left out):
//! - 偏差値 (standardised scores): T = 50 + 10 (x − x̄) / σ, σ the standard deviation over the
//!   items with divisor k (the population form usual for 偏差値);
//! - quadrant, by the means: 重点改善 (S < S̄, I ≥ Ī), 改善 (S < S̄, I < Ī), 重点維持
//!   (S ≥ S̄, I ≥ Ī), 維持 (S ≥ S̄, I < Ī);
//! - 改善度指数 (improvement index) of 菅民郎 (アイスタット, "CS分析", e.g. BBT大学 "ホントに
//!   やさしい統計教室 3-2", 2019): in the plane of the 偏差値 with the centre (50, 50), the
//!   基準線 points from the centre towards high importance and low satisfaction; with the
//!   item's distance d from the centre and its angle φ (0–180°) from the 基準線,
//!   修正角度指数 = (90° − φ) / 90° and 改善度指数 = d × (90° − φ) / 90°. Positive: worth
//!   improving, the larger the more; negative: on the maintain side;
//! - a flag where the 95% CI of S (t) or of I (Fisher's z: tanh(atanh r ± z₀.₉₇₅/√(n − 3)))
//!   crosses the mean line, i.e. the quadrant is not certain.

use serde::{Deserialize, Serialize};

use super::change::Estimate;
use crate::stats::z975;

/// Running sums of pairs (x, y) for a Pearson correlation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairSums {
    pub n: u64,
    pub sx: f64,
    pub sy: f64,
    pub sxx: f64,
    pub syy: f64,
    pub sxy: f64,
}

impl PairSums {
    pub fn add(&mut self, x: f64, y: f64) {
        self.n += 1;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.syy += y * y;
        self.sxy += x * y;
    }

    /// Pearson's r (R `cor(x, y)`); `None` below three pairs or without spread.
    pub fn correlation(&self) -> Option<Correlation> {
        if self.n < 3 {
            return None;
        }
        let n = self.n as f64;
        let cxx = self.sxx - self.sx * self.sx / n;
        let cyy = self.syy - self.sy * self.sy / n;
        let cxy = self.sxy - self.sx * self.sy / n;
        (cxx > 0.0 && cyy > 0.0).then(|| Correlation {
            n: self.n,
            r: (cxy / (cxx * cyy).sqrt()).clamp(-1.0, 1.0),
        })
    }
}

/// A correlation over n pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Correlation {
    pub n: u64,
    pub r: f64,
}

impl Correlation {
    /// Fisher's z interval (R `cor.test(x, y)$conf.int`); `None` below four pairs.
    pub fn ci95(&self) -> Option<(f64, f64)> {
        if self.n < 4 {
            return None;
        }
        let z = self.r.clamp(-0.999_999_999, 0.999_999_999).atanh();
        let half = z975() / ((self.n - 3) as f64).sqrt();
        Some(((z - half).tanh(), (z + half).tanh()))
    }
}

/// A point's importance: derived from answers, or asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Importance {
    /// A correlation (with the overall item, or the corrected item–total one).
    Derived(Correlation),
    /// The mean of an importance question (0–100) with its spread.
    Asked(Estimate),
}

impl Importance {
    /// The value placed on the importance axis (r, or the 0–100 mean).
    pub fn value(&self) -> f64 {
        match self {
            Importance::Derived(c) => c.r,
            Importance::Asked(e) => e.value(),
        }
    }

    /// How many respondents it rests on.
    pub fn n(&self) -> u64 {
        match self {
            Importance::Derived(c) => c.n,
            Importance::Asked(e) => e.n(),
        }
    }

    /// Fisher's z interval of r, or the t interval of the mean.
    pub fn ci95(&self) -> Option<(f64, f64)> {
        match self {
            Importance::Derived(c) => c.ci95(),
            Importance::Asked(e) => e.ci95(),
        }
    }
}

/// What a point (an item, or a vision where importance is asked) brings to the analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInput {
    pub id: String,
    pub vision: String,
    /// The item's mean (or the vision's score), 0–100, with its spread.
    pub satisfaction: Estimate,
    pub importance: Importance,
}

/// The four quadrants, by the means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// 重点改善: important, little satisfaction.
    PriorityImprove,
    /// 改善: less important, little satisfaction.
    Improve,
    /// 重点維持: important and satisfying.
    PriorityMaintain,
    /// 維持: less important, satisfying.
    Maintain,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::PriorityImprove,
        Quadrant::Improve,
        Quadrant::PriorityMaintain,
        Quadrant::Maintain,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Quadrant::PriorityImprove => "priority_improve",
            Quadrant::Improve => "improve",
            Quadrant::PriorityMaintain => "priority_maintain",
            Quadrant::Maintain => "maintain",
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            Quadrant::PriorityImprove => "重点改善",
            Quadrant::Improve => "改善",
            Quadrant::PriorityMaintain => "重点維持",
            Quadrant::Maintain => "維持",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Quadrant::PriorityImprove => "priority improvement",
            Quadrant::Improve => "improvement",
            Quadrant::PriorityMaintain => "priority maintenance",
            Quadrant::Maintain => "maintenance",
        }
    }
}

/// One item placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub input: ItemInput,
    /// 偏差値 of S and I.
    pub satisfaction_t: f64,
    pub importance_t: f64,
    pub quadrant: Quadrant,
    /// Distance from (50, 50) in the plane of the 偏差値.
    pub distance: f64,
    /// Angle from the 基準線, degrees, 0–180.
    pub angle: f64,
    pub improvement_index: f64,
    /// The CI of S or of I crosses its mean line: the quadrant is not certain.
    pub crosses_mean_line: bool,
}

/// The analysis of a wave's items.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    pub satisfaction_mean: f64,
    pub importance_mean: f64,
    pub satisfaction_sd: f64,
    pub importance_sd: f64,
    pub items: Vec<Placed>,
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / k).sqrt();
    (mean, sd)
}

/// 50 + 10 (x − mean) / sd; 50 when every item has the same value.
fn t_score(x: f64, mean: f64, sd: f64) -> f64 {
    if sd > 0.0 {
        50.0 + 10.0 * (x - mean) / sd
    } else {
        50.0
    }
}

/// The distance from (50, 50), the angle (degrees) from the 基準線 and the 改善度指数 of a
/// point of 偏差値 (importance, satisfaction). The 基準線 points towards high importance and
/// low satisfaction, (1, −1)/√2; the centre itself has angle 90° and index 0.
pub fn improvement(importance_t: f64, satisfaction_t: f64) -> (f64, f64, f64) {
    let (x, y) = (importance_t - 50.0, satisfaction_t - 50.0);
    let distance = x.hypot(y);
    // atan2 of the components along and across the 基準線 (precise near 0° and 180°).
    let angle = if distance > 0.0 {
        (x + y).abs().atan2(x - y).to_degrees()
    } else {
        90.0
    };
    (distance, angle, distance * (90.0 - angle) / 90.0)
}

/// Places the items (module docs); `None` below two items.
pub fn analyse(items: Vec<ItemInput>) -> Option<Portfolio> {
    if items.len() < 2 {
        return None;
    }
    let s: Vec<f64> = items.iter().map(|i| i.satisfaction.value()).collect();
    let imp: Vec<f64> = items.iter().map(|i| i.importance.value()).collect();
    let (s_mean, s_sd) = mean_sd(&s);
    let (i_mean, i_sd) = mean_sd(&imp);
    let items = items
        .into_iter()
        .map(|input| {
            let (sv, iv) = (input.satisfaction.value(), input.importance.value());
            let (st, it) = (t_score(sv, s_mean, s_sd), t_score(iv, i_mean, i_sd));
            let quadrant = match (sv >= s_mean, iv >= i_mean) {
                (false, true) => Quadrant::PriorityImprove,
                (false, false) => Quadrant::Improve,
                (true, true) => Quadrant::PriorityMaintain,
                (true, false) => Quadrant::Maintain,
            };
            let (distance, angle, index) = improvement(it, st);
            let crosses = |ci: Option<(f64, f64)>, mean: f64| {
                ci.is_some_and(|(lo, hi)| lo <= mean && mean <= hi)
            };
            Placed {
                satisfaction_t: st,
                importance_t: it,
                quadrant,
                distance,
                angle,
                improvement_index: index,
                crosses_mean_line: crosses(input.satisfaction.ci95(), s_mean)
                    || crosses(input.importance.ci95(), i_mean),
                input,
            }
        })
        .collect();
    Some(Portfolio {
        satisfaction_mean: s_mean,
        importance_mean: i_mean,
        satisfaction_sd: s_sd,
        importance_sd: i_sd,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} != {b}");
    }

    fn item(id: &str, s: f64, r: f64) -> ItemInput {
        ItemInput {
            id: id.into(),
            vision: "v1".into(),
            satisfaction: Estimate::Mean {
                n: 400,
                mean: s,
                sd: Some(1.0),
            },
            importance: Importance::Derived(Correlation { n: 400, r }),
        }
    }

    #[test]
    fn correlation_by_hand() {
        // x 1..5, y 2,1,4,3,5: Σ(x−3)(y−3) = 2+2+0+0+4 = 8, Σ(x−3)² = Σ(y−3)² = 10 → r = 0.8.
        let mut p = PairSums::default();
        for (x, y) in [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0), (5.0, 5.0)] {
            p.add(x, y);
        }
        let c = p.correlation().unwrap();
        close(c.r, 0.8, 1e-12);
        // R: cor.test(1:5, c(2,1,4,3,5))$conf.int = -0.279640041969355, 0.986196193301271.
        let (lo, hi) = c.ci95().unwrap();
        close(lo, -0.279_640_041_969_355, 1e-12);
        close(hi, 0.986_196_193_301_271, 1e-12);
        let mut flat = PairSums::default();
        for x in [1.0, 2.0, 3.0] {
            flat.add(x, 4.0);
        }
        assert_eq!(flat.correlation(), None);
    }

    #[test]
    fn quadrants_t_scores_and_the_improvement_index_by_hand() {
        // S 40, 60, 40, 60 (mean 50, σ 10); r 0.6, 0.6, 0.2, 0.2 (mean 0.4, σ 0.2):
        // 偏差値 S 40/60, I 60/40.
        let p = analyse(vec![
            item("a", 40.0, 0.6),
            item("b", 60.0, 0.6),
            item("c", 40.0, 0.2),
            item("d", 60.0, 0.2),
        ])
        .unwrap();
        close(p.satisfaction_mean, 50.0, 1e-12);
        close(p.importance_mean, 0.4, 1e-12);
        close(p.satisfaction_sd, 10.0, 1e-12);
        let q: Vec<Quadrant> = p.items.iter().map(|i| i.quadrant).collect();
        assert_eq!(
            q,
            [
                Quadrant::PriorityImprove,
                Quadrant::PriorityMaintain,
                Quadrant::Improve,
                Quadrant::Maintain
            ]
        );
        let a = &p.items[0];
        close(a.satisfaction_t, 40.0, 1e-9);
        close(a.importance_t, 60.0, 1e-9);
        // a at (+10, −10): on the 基準線, φ = 0, index = d = 14.142136.
        close(a.angle, 0.0, 1e-9);
        close(a.improvement_index, 200f64.sqrt(), 1e-9);
        // b (+10, +10) and c (−10, −10): at right angles, index 0.
        close(p.items[1].angle, 90.0, 1e-9);
        close(p.items[1].improvement_index, 0.0, 1e-9);
        close(p.items[2].improvement_index, 0.0, 1e-9);
        // d (−10, +10): opposite, index −d.
        close(p.items[3].angle, 180.0, 1e-9);
        close(p.items[3].improvement_index, -(200f64.sqrt()), 1e-9);
        // The intervals are narrow (n 400, sd 1): no quadrant is in doubt.
        assert!(p.items.iter().all(|i| !i.crosses_mean_line));
    }

    #[test]
    fn the_istat_worked_example() {
        // 菅民郎's worked figures: distance 15.8 at 24.4° from the 基準線 gives 修正角度指数
        // (90 − 24.4) / 90 = 0.729 and 改善度指数 15.8 × 0.729 = 11.5. A point there, on the
        // low-satisfaction side of the 基準線 (the 基準線 is at −45° from the importance axis):
        let theta = (-45.0f64 - 24.4).to_radians();
        let (x, y) = (15.8 * theta.cos(), 15.8 * theta.sin());
        let (d, angle, index) = improvement(50.0 + x, 50.0 + y);
        close(d, 15.8, 1e-9);
        close(angle, 24.4, 1e-9);
        close(index, 15.8 * (90.0 - 24.4) / 90.0, 1e-9);
        close(index, 11.5, 0.05);
        // The same angle on the other side of the 基準線 gives the same index.
        let theta = (-45.0f64 + 24.4).to_radians();
        let (_, angle, other) = improvement(50.0 + 15.8 * theta.cos(), 50.0 + 15.8 * theta.sin());
        close(angle, 24.4, 1e-9);
        close(other, index, 1e-9);
        assert_eq!(improvement(50.0, 50.0), (0.0, 90.0, 0.0));
    }

    #[test]
    fn an_uncertain_quadrant_is_flagged() {
        let mut wide = item("w", 49.0, 0.4);
        wide.satisfaction = Estimate::Mean {
            n: 10,
            mean: 49.0,
            sd: Some(20.0),
        };
        let p = analyse(vec![wide, item("x", 45.0, 0.1), item("y", 55.0, 0.7)]).unwrap();
        assert!(p.items[0].crosses_mean_line);
        assert!(!p.items[1].crosses_mean_line);
        assert_eq!(analyse(vec![item("a", 1.0, 0.1)]), None);
    }
}
