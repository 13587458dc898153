use statrs::distribution::{ContinuousCDF, StudentsT};

/// One respondent's result for one vision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RespondentScore {
    /// Mean of their answered items mapped to 0–100: (mean − 1) / 4 × 100.
    pub score: f64,
    /// Share (0–1) of their answered items in the vision answered 4 or 5.
    pub top2: f64,
}

/// A respondent's vision score from their answers (1–5) to that vision's scored items;
/// 「わからない」 and unanswered items are simply not passed in. `None` when there are none.
pub fn respondent_score(answers: &[u8]) -> Option<RespondentScore> {
    if answers.is_empty() {
        return None;
    }
    let n = answers.len() as f64;
    let mean = answers.iter().map(|&a| f64::from(a)).sum::<f64>() / n;
    let top2 = answers.iter().filter(|&&a| a >= 4).count() as f64 / n;
    Some(RespondentScore {
        score: (mean - 1.0) / 4.0 * 100.0,
        top2,
    })
}

/// A vision's figures over its respondents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Respondents with a defined vision score.
    pub n: u64,
    /// Mean of respondents' vision scores (0–100).
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` below two respondents.
    pub sd: Option<f64>,
    /// 95% confidence interval of the mean, Student's t with n − 1 degrees of freedom.
    pub ci95: Option<(f64, f64)>,
    /// Mean of respondents' top-2-box shares, in percent.
    pub top2_pct: f64,
}

/// Running figures for one vision, in constant memory (Welford's algorithm), so an export
/// can stream over any number of responses.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    n: u64,
    mean: f64,
    m2: f64,
    top2_sum: f64,
}

impl Accumulator {
    /// The accumulator of `n` scores from their sums about `shift` (Σ (x − c), Σ (x − c)²)
    /// and the sum of their top-2 shares, as an SQL aggregate returns them.
    pub fn from_sums(n: u64, shift: f64, sum: f64, sum_sq: f64, top2_sum: f64) -> Accumulator {
        if n == 0 {
            return Accumulator::default();
        }
        let nf = n as f64;
        Accumulator {
            n,
            mean: shift + sum / nf,
            m2: (sum_sq - sum * sum / nf).max(0.0),
            top2_sum,
        }
    }

    pub fn add(&mut self, r: RespondentScore) {
        self.n += 1;
        let delta = r.score - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (r.score - self.mean);
        self.top2_sum += r.top2;
    }

    pub fn summary(&self) -> Option<Summary> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let sd = (self.n >= 2).then(|| (self.m2 / (n - 1.0)).sqrt());
        let ci95 = sd.map(|sd| {
            let t = StudentsT::new(0.0, 1.0, n - 1.0)
                .expect("degrees of freedom are positive")
                .inverse_cdf(0.975);
            let half = t * sd / n.sqrt();
            (self.mean - half, self.mean + half)
        });
        Some(Summary {
            n: self.n,
            mean: self.mean,
            sd,
            ci95,
            top2_pct: self.top2_sum / n * 100.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn respondent_score_maps_the_mean_to_0_100() {
        close(respondent_score(&[1]).unwrap().score, 0.0);
        close(respondent_score(&[5, 5]).unwrap().score, 100.0);
        close(respondent_score(&[3]).unwrap().score, 50.0);
        // (13/3 − 1) / 4 × 100 = 83.333…
        let r = respondent_score(&[5, 4, 4]).unwrap();
        close(r.score, 250.0 / 3.0);
        close(r.top2, 1.0);
        let r = respondent_score(&[1, 2, 4, 5]).unwrap();
        close(r.score, 50.0);
        close(r.top2, 0.5);
        assert_eq!(respondent_score(&[]), None);
    }

    #[test]
    fn vision_summary_matches_hand_computation() {
        // Scores 83.333…, 12.5 and 50; top-2 shares 1, 0, 0.
        let mut acc = Accumulator::default();
        for answers in [&[5, 4, 4][..], &[1, 2], &[3, 3, 3]] {
            acc.add(respondent_score(answers).unwrap());
        }
        let s = acc.summary().unwrap();
        assert_eq!(s.n, 3);
        close(s.mean, 48.611_111_111_111_11);
        // sqrt(((34.7222…)² + (−36.1111…)² + (1.3888…)²) / 2)
        close(s.sd.unwrap(), 35.437_085_617_147_424);
        // t(0.975, 2) = 4.302652729749464; half-width = t × sd / √3
        let (lo, hi) = s.ci95.unwrap();
        close(lo, 48.611_111_111_111_11 - 88.030_600_776_081_17);
        close(hi, 48.611_111_111_111_11 + 88.030_600_776_081_17);
        close(s.top2_pct, 100.0 / 3.0);
    }

    #[test]
    fn sums_give_the_same_summary_as_adding_one_by_one() {
        let answers: [&[u8]; 4] = [&[5, 4, 4], &[1, 2], &[3, 3, 3], &[2]];
        let mut acc = Accumulator::default();
        let (mut sum, mut sum_sq, mut top2) = (0.0, 0.0, 0.0);
        for a in answers {
            let r = respondent_score(a).unwrap();
            acc.add(r);
            sum += r.score - 50.0;
            sum_sq += (r.score - 50.0).powi(2);
            top2 += r.top2;
        }
        let (a, b) = (
            acc.summary().unwrap(),
            Accumulator::from_sums(4, 50.0, sum, sum_sq, top2)
                .summary()
                .unwrap(),
        );
        assert_eq!(a.n, b.n);
        close(a.mean, b.mean);
        close(a.sd.unwrap(), b.sd.unwrap());
        close(a.ci95.unwrap().0, b.ci95.unwrap().0);
        close(a.top2_pct, b.top2_pct);
        assert_eq!(
            Accumulator::from_sums(0, 50.0, 0.0, 0.0, 0.0).summary(),
            None
        );
    }

    #[test]
    fn one_respondent_has_no_spread_and_none_has_no_summary() {
        assert_eq!(Accumulator::default().summary(), None);
        let mut acc = Accumulator::default();
        acc.add(respondent_score(&[4]).unwrap());
        let s = acc.summary().unwrap();
        assert_eq!((s.n, s.sd, s.ci95), (1, None, None));
        close(s.mean, 75.0);
        close(s.top2_pct, 100.0);
    }

    #[test]
    fn large_sample_interval_approaches_the_normal_one() {
        // 1,000 respondents alternating 0 and 100: mean 50, sd = sqrt(1000/999) × 50.
        let mut acc = Accumulator::default();
        for i in 0..1000 {
            acc.add(respondent_score(if i % 2 == 0 { &[1] } else { &[5] }).unwrap());
        }
        let s = acc.summary().unwrap();
        close(s.mean, 50.0);
        let sd = (1000.0f64 / 999.0).sqrt() * 50.0;
        close(s.sd.unwrap(), sd);
        // t(0.975, 999) = 1.962341461
        let half = s.ci95.unwrap().1 - 50.0;
        assert!((half - 1.962_341_461 * sd / 1000f64.sqrt()).abs() < 1e-6);
    }
}
