//! Post-stratification of one wave's respondents to the resident population by age band ×
//! area, and weighted means with their linearisation standard errors, matching R's
//! `survey` package:
//!
//! ```r
//! des <- postStratify(svydesign(ids = ~1, data = d), ~stratum, pop)
//! est <- svymean(~y, des, na.rm = TRUE, deff = TRUE)   # = svymean on subset(des, !is.na(y))
//! confint(est)                                          # normal quantile (df = Inf)
//! ```
//!
//! where `stratum` is the post-stratum [`post_stratify`] assigns and `pop` the matching
//! population table ([`PostStratum::population`]). `tests/fixtures/stats/expected.R`
//! rebuilds both independently in R.
//!
//! # Post-strata
//!
//! Let n be the wave's respondents, N the population total and m the minimum number of
//! respondents per post-stratum ([`WeightingOptions::min_respondents`], default 5).
//!
//! 1. **Response pattern.** A respondent's age band is unknown when absent or
//!    [`AGE_BAND_NO_ANSWER`]; the area is unknown when absent or [`AREA_NO_ANSWER`]. This
//!    gives four patterns: C (both known), A (age band only), R (area only), U (neither),
//!    with n_C + n_A + n_R + n_U = n. Nobody is dropped.
//! 2. **Base strata.** The population is split between the patterns in proportion to the
//!    sample, s_P = n_P / n (assumption: whether someone withholds age band or area does not
//!    depend on their age band and area). Pattern C has one base stratum per cell (a, k)
//!    with population s_C · N_{a,k}; pattern A one per age band with s_A · N_{a,·}; pattern R
//!    one per area with s_R · N_{·,k}; pattern U one with s_U · N. Base strata are keyed
//!    `age:area`, `age:?`, `?:area` and `?:?`, and ordered C (age-major, then area, in
//!    definition order), A, R, U. Patterns without respondents have no strata. Without
//!    missing answers this is plain post-stratification to the 42 cells.
//! 3. **Collapsing small strata**, within each pattern separately (so each pattern keeps its
//!    population s_P · N): a base stratum with at least m respondents stays as it is.
//!    - Pattern C: the cells of one age band with fewer than m respondents (empty cells
//!      included) are pooled together; the pool stays if it reaches m respondents.
//!    - Every base stratum (patterns A, R, U) or age-band pool (pattern C) still below m
//!      goes into the pattern's "rest" pool, which stays if it reaches m respondents or is
//!      the pattern's only stratum.
//!    - Otherwise the rest pool is merged into the pattern's stratum with the fewest
//!      respondents (the first in canonical order on a tie).
//!
//!    So every post-stratum has at least m respondents, except a pattern with fewer than m
//!    respondents in all, which is a single post-stratum. A post-stratum's label joins its
//!    base keys with `+` in canonical order, and post-strata are listed in the order of
//!    their first base stratum.
//! 4. **Weights.** A respondent in post-stratum h gets w_i = N_h / n_h (population over
//!    respondents of h); the weights add up to N.
//!
//! The population table is treated as fixed, as R does: the estimated pattern shares s_P
//! add a little variance that the standard errors do not include.

use std::fmt;

use super::dist::z975;
use super::population::{AGE_BAND_NO_ANSWER, AREA_NO_ANSWER, Population};
use super::scores::RespondentScore;

/// Minimum respondents per post-stratum when nothing else is said.
pub const DEFAULT_MIN_RESPONDENTS: usize = 5;

/// How post-strata are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightingOptions {
    /// Strata with fewer respondents are collapsed (rule in the module docs); 0 counts as 1:
    /// a stratum without respondents is never kept.
    pub min_respondents: usize,
}

impl Default for WeightingOptions {
    fn default() -> Self {
        WeightingOptions {
            min_respondents: DEFAULT_MIN_RESPONDENTS,
        }
    }
}

/// One respondent's answers to the age-band and area questions: option codes, `None` when
/// not answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StratumAnswers<'a> {
    pub age_band: Option<&'a str>,
    pub area: Option<&'a str>,
}

/// Which of age band and area a respondent gave (step 1 of the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pattern {
    /// Both known: post-stratified by cell.
    Complete,
    /// Age band known, area not.
    AgeBandOnly,
    /// Area known, age band not.
    AreaOnly,
    /// Neither known.
    Neither,
}

impl Pattern {
    const ALL: [Pattern; 4] = [
        Pattern::Complete,
        Pattern::AgeBandOnly,
        Pattern::AreaOnly,
        Pattern::Neither,
    ];

    fn of(age: Option<usize>, area: Option<usize>) -> Pattern {
        match (age, area) {
            (Some(_), Some(_)) => Pattern::Complete,
            (Some(_), None) => Pattern::AgeBandOnly,
            (None, Some(_)) => Pattern::AreaOnly,
            (None, None) => Pattern::Neither,
        }
    }
}

/// Why a wave's respondents could not be weighted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightingError {
    /// An age band that is neither a population code nor [`AGE_BAND_NO_ANSWER`]: the
    /// population file and the wave disagree (`respondent` is the index in the input).
    #[error("respondent {respondent}: age band `{code}` is not in the population file")]
    UnknownAgeBand { respondent: usize, code: String },
    /// An area that is neither a population code nor [`AREA_NO_ANSWER`].
    #[error("respondent {respondent}: area `{code}` is not in the population file")]
    UnknownArea { respondent: usize, code: String },
    #[error("there are no respondents to weight")]
    NoRespondents,
}

/// One post-stratum h.
#[derive(Debug, Clone, PartialEq)]
pub struct PostStratum {
    /// Base keys joined by `+`, e.g. `age_30_39:jr_south` or
    /// `age_80_plus:jr_south+age_80_plus:katayama_kishibe` or `age_40_49:?`.
    pub label: String,
    pub pattern: Pattern,
    /// N_h (not a whole number when the population is split between patterns).
    pub population: f64,
    /// n_h ≥ 1.
    pub respondents: usize,
    /// w_h = N_h / n_h.
    pub weight: f64,
}

/// The post-strata of one wave and each respondent's post-stratum, in the respondents'
/// order as given to [`post_stratify`].
#[derive(Debug, Clone, PartialEq)]
pub struct PostStratification {
    strata: Vec<PostStratum>,
    of_respondent: Vec<usize>,
}

/// Assigns every respondent a post-stratum and weight (rules in the module docs).
///
/// Errors when there are no respondents or an answer is neither a code of `population` nor
/// a "no answer" code, which would mean the population file and the wave disagree.
pub fn post_stratify(
    population: &Population,
    respondents: &[StratumAnswers<'_>],
    options: WeightingOptions,
) -> Result<PostStratification, WeightingError> {
    let groups: Vec<(StratumAnswers<'_>, u64)> = respondents.iter().map(|&r| (r, 1)).collect();
    let (strata, of_respondent) = stratify(population, &groups, options)?;
    Ok(PostStratification {
        strata,
        of_respondent,
    })
}

/// [`post_stratify`] over respondents counted by their (age band, area) answers rather than
/// listed one by one, so that a wave of any size is weighted in constant memory: the same
/// post-strata, with `of_group[g]` the post-stratum of every respondent of group `g`.
pub fn post_stratify_groups(
    population: &Population,
    groups: &[(StratumAnswers<'_>, u64)],
    options: WeightingOptions,
) -> Result<GroupedPostStratification, WeightingError> {
    let (strata, of_group) = stratify(population, groups, options)?;
    Ok(GroupedPostStratification { strata, of_group })
}

/// Steps 1–4 of the module docs over groups of respondents with the same answers (a
/// respondent is a group of one); returns the post-strata and each group's post-stratum.
fn stratify(
    population: &Population,
    respondents: &[(StratumAnswers<'_>, u64)],
    options: WeightingOptions,
) -> Result<(Vec<PostStratum>, Vec<usize>), WeightingError> {
    let total: u64 = respondents.iter().map(|(_, count)| count).sum();
    if total == 0 {
        return Err(WeightingError::NoRespondents);
    }
    let codes = population.codes();
    let (ages, areas) = (codes.age_bands.len(), codes.areas.len());
    let m = options.min_respondents.max(1);

    // Step 1: each respondent's known age band and area.
    let mut known = Vec::with_capacity(respondents.len());
    for (i, (r, count)) in respondents.iter().enumerate() {
        let age = match r.age_band {
            None => None,
            Some(AGE_BAND_NO_ANSWER) => None,
            Some(code) => Some(codes.age_bands.iter().position(|c| c == code).ok_or_else(
                || WeightingError::UnknownAgeBand {
                    respondent: i,
                    code: code.to_string(),
                },
            )?),
        };
        let area = match r.area {
            None => None,
            Some(AREA_NO_ANSWER) => None,
            Some(code) => Some(codes.areas.iter().position(|c| c == code).ok_or_else(|| {
                WeightingError::UnknownArea {
                    respondent: i,
                    code: code.to_string(),
                }
            })?),
        };
        known.push((age, area, *count as usize));
    }
    let n = total as f64;

    let mut strata = Vec::new();
    let mut of_respondent = vec![usize::MAX; respondents.len()];
    for pattern in Pattern::ALL {
        let n_pattern: usize = known
            .iter()
            .filter(|&&(a, k, _)| Pattern::of(a, k) == pattern)
            .map(|&(_, _, count)| count)
            .sum();
        if n_pattern == 0 {
            continue;
        }
        // Step 2: base strata of the pattern in canonical order, with population s_P · N_b.
        let share = n_pattern as f64 / n;
        let bases: Vec<(Option<usize>, Option<usize>, f64)> = match pattern {
            Pattern::Complete => (0..ages)
                .flat_map(|a| (0..areas).map(move |k| (a, k)))
                .map(|(a, k)| (Some(a), Some(k), population.cell(a, k) as f64 * share))
                .collect(),
            Pattern::AgeBandOnly => (0..ages)
                .map(|a| (Some(a), None, population.age_band_total(a) as f64 * share))
                .collect(),
            Pattern::AreaOnly => (0..areas)
                .map(|k| (None, Some(k), population.area_total(k) as f64 * share))
                .collect(),
            Pattern::Neither => vec![(None, None, population.total() as f64 * share)],
        };
        let base_index = |age: Option<usize>, area: Option<usize>| -> usize {
            match (age, area) {
                (Some(a), Some(k)) => a * areas + k,
                (Some(a), None) => a,
                (None, Some(k)) => k,
                (None, None) => 0,
            }
        };
        let mut counts = vec![0usize; bases.len()];
        for &(a, k, count) in known
            .iter()
            .filter(|&&(a, k, _)| Pattern::of(a, k) == pattern)
        {
            counts[base_index(a, k)] += count;
        }

        // Step 3: collapse.
        let groups = collapse(pattern, &counts, areas, m);
        let mut group_of_base = vec![usize::MAX; bases.len()];
        for group in groups {
            let index = strata.len();
            let mut population_h = 0.0;
            let mut respondents_h = 0;
            let mut label = String::new();
            for &b in &group {
                group_of_base[b] = index;
                population_h += bases[b].2;
                respondents_h += counts[b];
                if !label.is_empty() {
                    label.push('+');
                }
                let (a, k, _) = bases[b];
                label.push_str(a.map_or("?", |a| codes.age_bands[a].as_str()));
                label.push(':');
                label.push_str(k.map_or("?", |k| codes.areas[k].as_str()));
            }
            strata.push(PostStratum {
                label,
                pattern,
                population: population_h,
                respondents: respondents_h,
                // Step 4.
                weight: population_h / respondents_h as f64,
            });
        }
        for (i, &(a, k, _)) in known.iter().enumerate() {
            if Pattern::of(a, k) == pattern {
                of_respondent[i] = group_of_base[base_index(a, k)];
            }
        }
    }
    Ok((strata, of_respondent))
}

/// Step 3 of the module docs for one pattern: groups of base-stratum indices, each in
/// canonical order, the groups ordered by their first base stratum. `counts` are the
/// respondents per base stratum and has at least one respondent in all.
fn collapse(pattern: Pattern, counts: &[usize], areas: usize, m: usize) -> Vec<Vec<usize>> {
    let size = |g: &[usize]| g.iter().map(|&b| counts[b]).sum::<usize>();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut rest: Vec<usize> = Vec::new();
    if pattern == Pattern::Complete {
        for cells in (0..counts.len()).collect::<Vec<_>>().chunks(areas) {
            let mut small = Vec::new();
            for &b in cells {
                if counts[b] >= m {
                    groups.push(vec![b]);
                } else {
                    small.push(b);
                }
            }
            if size(&small) >= m {
                groups.push(small);
            } else {
                rest.extend(small);
            }
        }
    } else {
        for (b, &count) in counts.iter().enumerate() {
            if count >= m {
                groups.push(vec![b]);
            } else {
                rest.push(b);
            }
        }
    }
    groups.sort_by_key(|g| g[0]);
    if !rest.is_empty() {
        rest.sort_unstable();
        if size(&rest) >= m || groups.is_empty() {
            groups.push(rest);
        } else {
            // Fewest respondents, first in canonical order on a tie (groups are sorted).
            let smallest = (0..groups.len())
                .min_by_key(|&g| (size(&groups[g]), g))
                .expect("groups is not empty");
            groups[smallest].extend(rest);
            groups[smallest].sort_unstable();
        }
        groups.sort_by_key(|g| g[0]);
    }
    groups
}

impl PostStratification {
    /// The post-strata, patterns in the order C, A, R, U.
    pub fn strata(&self) -> &[PostStratum] {
        &self.strata
    }

    /// n: the number of respondents weighted.
    pub fn respondents(&self) -> usize {
        self.of_respondent.len()
    }

    /// Respondent i's post-stratum.
    pub fn stratum_of(&self, respondent: usize) -> &PostStratum {
        &self.strata[self.of_respondent[respondent]]
    }

    /// w_i = N_h / n_h for respondent i (R: `weights(des)`).
    pub fn weight(&self, respondent: usize) -> f64 {
        self.stratum_of(respondent).weight
    }

    /// Kish's design effect due to unequal weights, n Σw² / (Σw)²: 1 when everyone has the
    /// same weight; the effective sample size is n divided by it.
    pub fn kish_deff(&self) -> f64 {
        let (sum, sum_sq) = (0..self.respondents())
            .map(|i| self.weight(i))
            .fold((0.0, 0.0), |(s, q), w| (s + w, q + w * w));
        self.respondents() as f64 * sum_sq / (sum * sum)
    }

    /// The weighted mean of a per-respondent value over the respondents for whom it is
    /// defined (`Some`), with its standard error as R computes it for
    /// `svymean(~y, des, na.rm = TRUE)`, i.e. on `subset(des, !is.na(y))`: **domain
    /// estimation**. The weights stay those of the whole sample's post-stratification; the
    /// respondents without a value are a domain outside the estimate, not a new sample.
    ///
    /// `values[i]` belongs to respondent i; values must be finite. With d_i = 1 when y_i is
    /// defined and 0 otherwise, W_d = Σ d_i w_i:
    ///
    /// - mean ȳ = Σ d_i w_i y_i / W_d;
    /// - residuals e_i = d_i (y_i − ȳ), with their mean ē_h over **all** n_h respondents of
    ///   post-stratum h (R: `svyrecvar`'s post-stratification step);
    /// - variance V = n/(n−1) · Σ_h (w_h / W_d)² Σ_{i∈h} (e_i − ē_h)², with n all the
    ///   wave's respondents: `svydesign(ids = ~1)` without `fpc` has no finite population
    ///   correction and the n/(n−1) of with-replacement sampling of n PSUs;
    /// - SE = √V, 95% CI = ȳ ± z_{0.975} SE (R: `confint()`, df = Inf);
    /// - design effect (R: `deff = TRUE`) = V / V_srs with
    ///   V_srs = s² (W_d − n_d) / (W_d n_d), s² = n_d/(n_d−1) · Σ d_i w_i (y_i − ȳ)² / W_d
    ///   and n_d the respondents with a value; `None` unless n_d ≥ 2, W_d > n_d, s² > 0.
    ///
    /// `None` when nobody has a value; SE and CI are `None` when the wave has a single
    /// respondent.
    ///
    /// # Panics
    ///
    /// When `values` does not have one entry per respondent.
    pub fn weighted_mean(&self, values: &[Option<f64>]) -> Option<WeightedEstimate> {
        assert_eq!(
            values.len(),
            self.respondents(),
            "one value per post-stratified respondent"
        );
        // Shifted by the first value, so that equal values give their value exactly.
        let shift = values.iter().flatten().next().copied()?;
        let mut w_d = 0.0;
        let mut w_sq = 0.0;
        let mut wy = 0.0;
        let mut n_d = 0usize;
        for (i, y) in values.iter().enumerate() {
            if let Some(y) = y {
                debug_assert!(y.is_finite(), "values must be finite");
                let w = self.weight(i);
                w_d += w;
                w_sq += w * w;
                wy += w * (y - shift);
                n_d += 1;
            }
        }
        let mean = shift + wy / w_d;
        let residual = |i: usize| values[i].map_or(0.0, |y| y - mean);

        // ē_h over all respondents of the stratum, then Σ_{i∈h} (e_i − ē_h)².
        let h_count = self.strata.len();
        let mut sum_e = vec![0.0; h_count];
        for i in 0..values.len() {
            sum_e[self.of_respondent[i]] += residual(i);
        }
        let mean_e: Vec<f64> = sum_e
            .iter()
            .zip(&self.strata)
            .map(|(s, h)| s / h.respondents as f64)
            .collect();
        let mut ss = vec![0.0; h_count];
        let mut weighted_ss = 0.0;
        for (i, value) in values.iter().enumerate() {
            let h = self.of_respondent[i];
            ss[h] += (residual(i) - mean_e[h]).powi(2);
            if value.is_some() {
                weighted_ss += self.weight(i) * residual(i).powi(2);
            }
        }
        let n = self.respondents() as f64;
        let variance = (n >= 2.0).then(|| {
            n / (n - 1.0)
                * ss.iter()
                    .zip(&self.strata)
                    .map(|(ss, h)| (h.weight / w_d).powi(2) * ss)
                    .sum::<f64>()
        });
        Some(WeightedEstimate::new(
            mean,
            variance,
            n_d,
            (w_d, w_sq),
            weighted_ss,
        ))
    }
}

/// Sums of a per-respondent value y over the respondents of one group of
/// [`post_stratify_groups`] who have a value, taken about a `shift` c chosen by the caller
/// (a value near the mean keeps the sums of squares exact enough): `n` respondents with a
/// value, `sum` = Σ (y − c), `sum_sq` = Σ (y − c)².
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValueSums {
    pub n: u64,
    pub sum: f64,
    pub sum_sq: f64,
}

/// Post-strata assigned to groups of respondents ([`post_stratify_groups`]).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedPostStratification {
    strata: Vec<PostStratum>,
    of_group: Vec<usize>,
}

impl GroupedPostStratification {
    pub fn strata(&self) -> &[PostStratum] {
        &self.strata
    }

    /// Group g's post-stratum index into [`strata`](Self::strata).
    pub fn stratum_of_group(&self, group: usize) -> usize {
        self.of_group[group]
    }

    /// [`PostStratification::weighted_mean`] from per-group sums (`sums[g]` for group g,
    /// all about the same `shift`) instead of per-respondent values: the same estimate and
    /// standard error, since within a post-stratum every respondent has the same weight and
    /// Σ_{i∈h} (e_i − ē_h)² = Σ_{i∈h} e_i² − (Σ_{i∈h} e_i)² / n_h.
    ///
    /// # Panics
    ///
    /// When `sums` does not have one entry per group.
    pub fn weighted_mean(&self, sums: &[ValueSums], shift: f64) -> Option<WeightedEstimate> {
        assert_eq!(sums.len(), self.of_group.len(), "one sum per group");
        let h_count = self.strata.len();
        let mut per_h = vec![ValueSums::default(); h_count];
        for (g, s) in sums.iter().enumerate() {
            let h = &mut per_h[self.of_group[g]];
            h.n += s.n;
            h.sum += s.sum;
            h.sum_sq += s.sum_sq;
        }
        let n_d: u64 = per_h.iter().map(|s| s.n).sum();
        if n_d == 0 {
            return None;
        }
        let w_d: f64 = per_h
            .iter()
            .zip(&self.strata)
            .map(|(s, h)| h.weight * s.n as f64)
            .sum();
        let w_sq: f64 = per_h
            .iter()
            .zip(&self.strata)
            .map(|(s, h)| h.weight * h.weight * s.n as f64)
            .sum();
        let wy: f64 = per_h
            .iter()
            .zip(&self.strata)
            .map(|(s, h)| h.weight * s.sum)
            .sum();
        // In shifted units: ȳ − c.
        let m = wy / w_d;
        let mean = shift + m;
        let mut variance_sum = 0.0;
        let mut weighted_ss = 0.0;
        for (s, h) in per_h.iter().zip(&self.strata) {
            // Σ e_i and Σ e_i² over the stratum (e_i = 0 without a value).
            let e = s.sum - s.n as f64 * m;
            let e2 = (s.sum_sq - 2.0 * m * s.sum + s.n as f64 * m * m).max(0.0);
            let ss = (e2 - e * e / h.respondents as f64).max(0.0);
            variance_sum += (h.weight / w_d).powi(2) * ss;
            weighted_ss += h.weight * e2;
        }
        let n: usize = self.strata.iter().map(|h| h.respondents).sum();
        let n = n as f64;
        let variance = (n >= 2.0).then(|| n / (n - 1.0) * variance_sum);
        Some(WeightedEstimate::new(
            mean,
            variance,
            n_d as usize,
            (w_d, w_sq),
            weighted_ss,
        ))
    }
}

/// A vision's weighted figures: both are domain estimates over the respondents with a
/// vision score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedVision {
    /// Weighted mean of the respondents' vision scores (0–100).
    pub score: WeightedEstimate,
    /// Weighted mean of the respondents' top-2-box shares (0–1), the weighted counterpart
    /// of [`super::Summary::top2_pct`] / 100.
    pub top2: WeightedEstimate,
}

impl PostStratification {
    /// A vision's weighted score and top-2-box share from each respondent's
    /// [`respondent_score`](super::respondent_score) (`None`: no score for this vision), in
    /// the order of the post-stratification. `None` when nobody has a score.
    ///
    /// # Panics
    ///
    /// When `scores` does not have one entry per respondent.
    pub fn weighted_vision(&self, scores: &[Option<RespondentScore>]) -> Option<WeightedVision> {
        let score: Vec<Option<f64>> = scores.iter().map(|s| s.map(|s| s.score)).collect();
        let top2: Vec<Option<f64>> = scores.iter().map(|s| s.map(|s| s.top2)).collect();
        Some(WeightedVision {
            score: self.weighted_mean(&score)?,
            top2: self.weighted_mean(&top2)?,
        })
    }
}

/// A weighted mean over a domain, from [`PostStratification::weighted_mean`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedEstimate {
    /// n_d: respondents with a value.
    pub n: usize,
    /// W_d: their weights added up, the estimated number of residents they stand for.
    pub population: f64,
    /// Weighted mean ȳ.
    pub mean: f64,
    /// Linearisation standard error; `None` with a single respondent in the wave.
    pub se: Option<f64>,
    /// ȳ ± z_{0.975} SE.
    pub ci95: Option<(f64, f64)>,
    /// Design effect against simple random sampling without replacement, as R's
    /// `deff = TRUE`.
    pub deff: Option<f64>,
    /// Kish's design effect due to unequal weights over the respondents with a value,
    /// n_d Σw² / (Σw)²; the effective sample size is n_d divided by it.
    pub kish_deff: f64,
}

impl WeightedEstimate {
    /// The estimate from its mean, linearisation variance, respondents with a value n_d,
    /// their weight W_d and Σ w (y − ȳ)² over them (for the design effect).
    pub(super) fn new(
        mean: f64,
        variance: Option<f64>,
        n_d: usize,
        (w_d, w_sq): (f64, f64),
        weighted_ss: f64,
    ) -> Self {
        let se = variance.map(f64::sqrt);
        let ci95 = se.map(|se| {
            let half = z975() * se;
            (mean - half, mean + half)
        });
        let deff = variance.and_then(|v| {
            let nd = n_d as f64;
            if n_d < 2 || w_d <= nd {
                return None;
            }
            let s2 = nd / (nd - 1.0) * weighted_ss / w_d;
            let v_srs = s2 * (w_d - nd) / (w_d * nd);
            (v_srs > 0.0).then(|| v / v_srs)
        });
        WeightedEstimate {
            n: n_d,
            population: w_d,
            mean,
            se,
            ci95,
            deff,
            kish_deff: n_d as f64 * w_sq / (w_d * w_d),
        }
    }

    /// n_d ÷ Kish's design effect: the sample size with equal weights that would give the
    /// same precision.
    pub fn effective_n(&self) -> f64 {
        self.n as f64 / self.kish_deff
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Pattern::Complete => "age band and area",
            Pattern::AgeBandOnly => "age band only",
            Pattern::AreaOnly => "area only",
            Pattern::Neither => "neither age band nor area",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::population::StratumCodes;

    fn close(a: f64, b: f64) {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{a} != {b} (diff {})",
            a - b
        );
    }

    /// Two age bands × two areas: N = 100, 300 / 200, 400 (total 1,000).
    fn population() -> Population {
        Population::new(
            StratumCodes {
                age_bands: vec!["young".into(), "old".into()],
                areas: vec!["north".into(), "south".into()],
            },
            vec![100, 300, 200, 400],
        )
        .unwrap()
    }

    fn answers<'a>(list: &[(&'a str, &'a str)]) -> Vec<StratumAnswers<'a>> {
        list.iter()
            .map(|&(a, k)| StratumAnswers {
                age_band: (!a.is_empty()).then_some(a),
                area: (!k.is_empty()).then_some(k),
            })
            .collect()
    }

    fn one_each() -> WeightingOptions {
        WeightingOptions { min_respondents: 1 }
    }

    #[test]
    fn grouped_sums_give_the_per_respondent_estimate() {
        // Every pattern, a collapsed stratum, missing values: the grouped computation must
        // agree with the per-respondent one.
        let list = [
            ("young", "north"),
            ("young", "north"),
            ("young", "south"),
            ("old", "north"),
            ("old", "south"),
            ("old", "south"),
            ("old", "south"),
            ("young", ""),
            ("", "south"),
            ("", ""),
            ("no_answer", "outside_or_no_answer"),
            ("old", "north"),
        ];
        let r = answers(&list);
        let values: Vec<Option<f64>> = (0..list.len())
            .map(|i| (i % 4 != 3).then(|| (i * 37 % 101) as f64 / 1.3))
            .collect();
        for min_respondents in [1, 2, 5] {
            let options = WeightingOptions { min_respondents };
            let each = post_stratify(&population(), &r, options).unwrap();
            let expected = each.weighted_mean(&values).unwrap();
            // One group per distinct answer pair, sums about an arbitrary shift.
            let mut keys: Vec<StratumAnswers<'_>> = Vec::new();
            for a in &r {
                if !keys.contains(a) {
                    keys.push(*a);
                }
            }
            let shift = 40.0;
            let mut groups: Vec<(StratumAnswers<'_>, u64)> = keys.iter().map(|&k| (k, 0)).collect();
            let mut sums = vec![ValueSums::default(); keys.len()];
            for (a, v) in r.iter().zip(&values) {
                let g = keys.iter().position(|k| k == a).unwrap();
                groups[g].1 += 1;
                if let Some(v) = v {
                    sums[g].n += 1;
                    sums[g].sum += v - shift;
                    sums[g].sum_sq += (v - shift).powi(2);
                }
            }
            let grouped = post_stratify_groups(&population(), &groups, options).unwrap();
            assert_eq!(grouped.strata(), each.strata());
            let got = grouped.weighted_mean(&sums, shift).unwrap();
            assert_eq!(got.n, expected.n);
            close(got.population, expected.population);
            close(got.mean, expected.mean);
            close(got.se.unwrap(), expected.se.unwrap());
            close(got.ci95.unwrap().0, expected.ci95.unwrap().0);
            close(got.deff.unwrap(), expected.deff.unwrap());
        }
    }

    #[test]
    fn complete_answers_give_cell_weights() {
        // Cells: young-north 2, young-south 1, old-north 1, old-south 2 respondents.
        let r = answers(&[
            ("young", "north"),
            ("young", "north"),
            ("young", "south"),
            ("old", "north"),
            ("old", "south"),
            ("old", "south"),
        ]);
        let ps = post_stratify(&population(), &r, one_each()).unwrap();
        let labels: Vec<&str> = ps.strata().iter().map(|h| h.label.as_str()).collect();
        assert_eq!(
            labels,
            ["young:north", "young:south", "old:north", "old:south"]
        );
        // w = N_h / n_h: 100/2, 300/1, 200/1, 400/2.
        let weights: Vec<f64> = (0..6).map(|i| ps.weight(i)).collect();
        assert_eq!(weights, [50.0, 50.0, 300.0, 200.0, 200.0, 200.0]);
        assert_eq!(ps.respondents(), 6);
        assert_eq!(ps.stratum_of(2).pattern, Pattern::Complete);
        // Kish: 6 · (2·50² + 300² + 3·200²) / 1000² = 6 · 215000 / 1e6.
        close(ps.kish_deff(), 1.29);
    }

    #[test]
    fn weighted_mean_and_se_by_hand() {
        // Same sample; y = 10, 20 | 30 | 40 | 50, 70.
        let r = answers(&[
            ("young", "north"),
            ("young", "north"),
            ("young", "south"),
            ("old", "north"),
            ("old", "south"),
            ("old", "south"),
        ]);
        let ps = post_stratify(&population(), &r, one_each()).unwrap();
        let y = [10.0, 20.0, 30.0, 40.0, 50.0, 70.0].map(Some);
        let e = ps.weighted_mean(&y).unwrap();
        // ȳ = (100·15 + 300·30 + 200·40 + 400·60) / 1000 = 42.5.
        close(e.mean, 42.5);
        close(e.population, 1000.0);
        assert_eq!(e.n, 6);
        // Within-stratum sums of squares: 50, 0, 0, 200. V = 6/5 · ((50/1000)²·50 +
        // (200/1000)²·200) = 1.2 · (0.125 + 8) = 9.75.
        close(e.se.unwrap(), 9.75f64.sqrt());
        let (lo, hi) = e.ci95.unwrap();
        close(lo, 42.5 - 1.959_963_984_540_054 * 9.75f64.sqrt());
        close(hi, 42.5 + 1.959_963_984_540_054 * 9.75f64.sqrt());
        // Σ w (y − ȳ)² = 50·(32.5² + 22.5²) + 300·12.5² + 200·2.5² + 200·(7.5² + 27.5²)
        // = 78125 + 46875 + 1250 + 162500 = 288750; s² = 6/5 · 288750 / 1000 = 346.5;
        // V_srs = 346.5 · (1000 − 6) / (1000 · 6) = 57.4035; deff = 9.75 / 57.4035.
        close(e.deff.unwrap(), 9.75 / 57.4035);
    }

    #[test]
    fn domain_estimation_keeps_the_full_sample_weights() {
        // Three respondents in young-north (N = 100 → w = 100/3), two in old-south; the empty
        // cells young-south and old-north (N = 300, 200) go to the rest pool, which joins the
        // smaller stratum, old-south: N = 900 → w = 450. y is undefined for the second
        // respondent of each stratum.
        let pop = population();
        let r = answers(&[
            ("young", "north"),
            ("young", "north"),
            ("young", "north"),
            ("old", "south"),
            ("old", "south"),
        ]);
        let ps = post_stratify(&pop, &r, one_each()).unwrap();
        let y = [Some(10.0), None, Some(40.0), Some(60.0), None];
        let e = ps.weighted_mean(&y).unwrap();
        let (w1, w2) = (100.0 / 3.0, 450.0);
        let w_d = 2.0 * w1 + w2;
        let mean = (w1 * 50.0 + w2 * 60.0) / w_d;
        close(e.mean, mean);
        close(e.population, w_d);
        assert_eq!(e.n, 3);
        // Residuals e = (10 − ȳ, 0, 40 − ȳ) and (60 − ȳ, 0); ē_h over all 3 and 2 members.
        let e1 = [10.0 - mean, 0.0, 40.0 - mean];
        let m1 = e1.iter().sum::<f64>() / 3.0;
        let ss1: f64 = e1.iter().map(|e| (e - m1).powi(2)).sum();
        let e2 = [60.0 - mean, 0.0];
        let m2 = e2.iter().sum::<f64>() / 2.0;
        let ss2: f64 = e2.iter().map(|e| (e - m2).powi(2)).sum();
        let v = 5.0 / 4.0 * ((w1 / w_d).powi(2) * ss1 + (w2 / w_d).powi(2) * ss2);
        close(e.se.unwrap(), v.sqrt());
        close(ps.weight(3), w2);
    }

    #[test]
    fn equal_weights_reduce_to_the_simple_mean() {
        // Everyone in old-north; the three empty cells go to the rest pool, which joins
        // old-north: all of N = 1000 on four respondents, w = 250 each.
        let r = answers(&[("old", "north"); 4]);
        let ps = post_stratify(&population(), &r, one_each()).unwrap();
        let e = ps
            .weighted_mean(&[Some(0.0), Some(100.0), Some(50.0), Some(50.0)])
            .unwrap();
        close(e.mean, 50.0);
        close(ps.weight(0), 250.0);
        // V = 4/3 · (1/4)² · Σ(y − ȳ)² = 4/3 · 1/16 · 5000 = sd² / n with sd² = 5000/3.
        close(e.se.unwrap(), (5000.0f64 / 3.0 / 4.0).sqrt());
        close(ps.kish_deff(), 1.0);
    }

    #[test]
    fn empty_and_small_cells_are_collapsed_as_documented() {
        let pop = population();
        // young-north 3, young-south 0, old-north 1, old-south 6; m = 3.
        let mut list = vec![("young", "north"); 3];
        list.push(("old", "north"));
        list.extend([("old", "south"); 6]);
        let r = answers(&list);
        let ps = post_stratify(&pop, &r, WeightingOptions { min_respondents: 3 }).unwrap();
        let got: Vec<(&str, f64, usize)> = ps
            .strata()
            .iter()
            .map(|h| (h.label.as_str(), h.population, h.respondents))
            .collect();
        // young-south (0) is pooled within its age band: pool of 0 < 3 → rest; old-north (1)
        // likewise → rest = {young:south, old:north} with 1 respondent < 3, merged into the
        // smallest stratum, young:north (3 respondents).
        assert_eq!(
            got,
            [
                ("young:north+young:south+old:north", 600.0, 4),
                ("old:south", 400.0, 6),
            ]
        );
        close(ps.weight(0), 150.0);
        close(ps.weight(3), 150.0);
        close(ps.weight(9), 400.0 / 6.0);
        let total: f64 = (0..ps.respondents()).map(|i| ps.weight(i)).sum();
        close(total, 1000.0);
    }

    #[test]
    fn age_band_pools_stand_when_large_enough() {
        let pop = population();
        // young-north 1, young-south 2 → age-band pool of 3 = m stays.
        let mut list = vec![("young", "north")];
        list.extend([("young", "south"); 2]);
        list.extend([("old", "north"); 3]);
        list.extend([("old", "south"); 3]);
        let ps = post_stratify(
            &pop,
            &answers(&list),
            WeightingOptions { min_respondents: 3 },
        )
        .unwrap();
        let labels: Vec<&str> = ps.strata().iter().map(|h| h.label.as_str()).collect();
        assert_eq!(
            labels,
            ["young:north+young:south", "old:north", "old:south"]
        );
        close(ps.weight(0), 400.0 / 3.0);
    }

    #[test]
    fn missing_strata_get_their_share_of_the_population() {
        let pop = population();
        // 8 respondents: 4 complete, 2 age only (one "no_answer" area, one absent), 1 area
        // only ("no_answer" age), 1 neither (both absent).
        let r = answers(&[
            ("young", "north"),
            ("young", "south"),
            ("old", "north"),
            ("old", "south"),
            ("old", AREA_NO_ANSWER),
            ("young", ""),
            (AGE_BAND_NO_ANSWER, "south"),
            ("", ""),
        ]);
        let ps = post_stratify(&pop, &r, one_each()).unwrap();
        let got: Vec<(&str, Pattern, f64, usize)> = ps
            .strata()
            .iter()
            .map(|h| (h.label.as_str(), h.pattern, h.population, h.respondents))
            .collect();
        // s_C = 4/8, s_A = 2/8, s_R = 1/8, s_U = 1/8. Pattern R: areas north (N 300) has no
        // respondent, south (700) has one; north joins the rest pool, which merges into south.
        assert_eq!(
            got,
            [
                ("young:north", Pattern::Complete, 50.0, 1),
                ("young:south", Pattern::Complete, 150.0, 1),
                ("old:north", Pattern::Complete, 100.0, 1),
                ("old:south", Pattern::Complete, 200.0, 1),
                ("young:?", Pattern::AgeBandOnly, 100.0, 1),
                ("old:?", Pattern::AgeBandOnly, 150.0, 1),
                ("?:north+?:south", Pattern::AreaOnly, 125.0, 1),
                ("?:?", Pattern::Neither, 125.0, 1),
            ]
        );
        assert_eq!(ps.stratum_of(4).label, "old:?");
        assert_eq!(ps.stratum_of(5).label, "young:?");
        assert_eq!(ps.stratum_of(7).label, "?:?");
        let total: f64 = (0..8).map(|i| ps.weight(i)).sum();
        close(total, 1000.0);
    }

    #[test]
    fn a_small_pattern_is_a_single_stratum() {
        let pop = population();
        let mut list = vec![("young", "north"); 5];
        list.extend([("young", "south"); 5]);
        list.extend([("old", "north"); 5]);
        list.extend([("old", "south"); 5]);
        list.extend([("old", ""), ("young", "")]);
        let ps = post_stratify(&pop, &answers(&list), WeightingOptions::default()).unwrap();
        let last = ps.strata().last().unwrap();
        assert_eq!(last.label, "young:?+old:?");
        assert_eq!(last.respondents, 2);
        close(last.population, 1000.0 * 2.0 / 22.0);
        assert_eq!(WeightingOptions::default().min_respondents, 5);
    }

    #[test]
    fn unknown_codes_and_no_respondents_are_errors() {
        let pop = population();
        assert_eq!(
            post_stratify(&pop, &answers(&[("teen", "north")]), one_each()),
            Err(WeightingError::UnknownAgeBand {
                respondent: 0,
                code: "teen".into()
            })
        );
        assert_eq!(
            post_stratify(
                &pop,
                &answers(&[("old", "north"), ("old", "west")]),
                one_each()
            ),
            Err(WeightingError::UnknownArea {
                respondent: 1,
                code: "west".into()
            })
        );
        assert_eq!(
            post_stratify(&pop, &[], one_each()),
            Err(WeightingError::NoRespondents)
        );
    }

    #[test]
    fn edge_cases_of_the_weighted_mean() {
        let pop = population();
        // A single respondent: mean only.
        let ps = post_stratify(&pop, &answers(&[("old", "north")]), one_each()).unwrap();
        let e = ps.weighted_mean(&[Some(75.0)]).unwrap();
        assert_eq!((e.mean, e.se, e.ci95, e.deff), (75.0, None, None, None));
        assert_eq!(ps.weighted_mean(&[None]), None);
        // Everyone equal: SE 0, no design effect (V_srs = 0).
        let ps = post_stratify(&pop, &answers(&[("old", "north"); 3]), one_each()).unwrap();
        let e = ps.weighted_mean(&[Some(50.0); 3]).unwrap();
        assert_eq!((e.mean, e.se, e.deff), (50.0, Some(0.0), None));
        // A domain of one respondent in a larger wave still has an SE (from the zeros of the
        // others): e = (y − ȳ = 0, 0, 0) → V = 0.
        let e = ps.weighted_mean(&[None, Some(20.0), None]).unwrap();
        assert_eq!((e.n, e.mean, e.se, e.deff), (1, 20.0, Some(0.0), None));
    }

    #[test]
    fn weighted_vision_uses_scores_and_top2_shares() {
        // young-north: w = 100/2 = 50 for both; old-south: w = 400 for its one respondent;
        // the rest pool (young-south, old-north) joins the smaller stratum, old-south:
        // N = 900 on one respondent.
        let r = answers(&[("young", "north"), ("young", "north"), ("old", "south")]);
        let ps = post_stratify(&population(), &r, one_each()).unwrap();
        assert_eq!(ps.weight(2), 900.0);
        let scores = [
            crate::stats::respondent_score(&[5, 4]),
            crate::stats::respondent_score(&[]),
            crate::stats::respondent_score(&[1, 2, 3, 4]),
        ];
        let v = ps.weighted_vision(&scores).unwrap();
        // Scores 87.5 (w 50) and 37.5 (w 900): (50·87.5 + 900·37.5) / 950.
        close(v.score.mean, (50.0 * 87.5 + 900.0 * 37.5) / 950.0);
        // Top-2 shares 1 and 0.25.
        close(v.top2.mean, (50.0 + 900.0 * 0.25) / 950.0);
        assert_eq!(v.score.n, 2);
        assert_eq!(ps.weighted_vision(&[None, None, None]), None);
    }

    #[test]
    #[should_panic(expected = "one value per post-stratified respondent")]
    fn values_must_match_the_respondents() {
        let ps = post_stratify(&population(), &answers(&[("old", "north")]), one_each()).unwrap();
        ps.weighted_mean(&[Some(1.0), Some(2.0)]);
    }

    #[test]
    fn patterns_read_well() {
        assert_eq!(Pattern::AgeBandOnly.to_string(), "age band only");
        assert_eq!(
            WeightingError::UnknownArea {
                respondent: 3,
                code: "x".into()
            }
            .to_string(),
            "respondent 3: area `x` is not in the population file"
        );
    }
}
