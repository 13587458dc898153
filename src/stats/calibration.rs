//! Raking and calibration of design weights to register margins (age band × gender,
//! area, …), with linearisation standard errors, matching R's `survey` package:
//!
//! ```r
//! des <- svydesign(ids = ~1, weights = ~d, data = x)            # d: design weights
//! rake(des, list(~m1, ~m2), list(pop1, pop2),
//!      control = list(maxit = max_iter, epsilon = tolerance))    # Method::Rake
//! calibrate(des, ~m1 + m2, totals, calfun = "raking", bounds = c(L, U),
//!           maxit = max_iter, epsilon = tolerance)               # Method::Calibrate
//! svymean(~y, cal, na.rm = TRUE)
//! ```
//!
//! `tests/fixtures/calibration/expected.R` computes the same figures in R.
//!
//! # Units
//!
//! Respondents come in groups ([`CalibrationGroup`]): the same category in every margin
//! and the same design weight d, `count` of them. A single respondent is a group of one.
//!
//! # Respondents without a category (the pattern split, margin by margin)
//!
//! A respondent who did not give a margin's category (no answer, or an answer the
//! register does not have, e.g. a gender other than female or male) is in that margin's
//! **unknown** category. As in post-stratification (src/stats/weighting.rs), the
//! margin's population is split in proportion to the sample: with s_m the design-weighted
//! share of the respondents whose category is unknown, the unknown category's target is
//! s_m · N_m and every known category's target is (1 − s_m) · N_{m,k} (N_m = Σ_k N_{m,k}).
//! The assumption is that not answering does not depend on the category.
//!
//! # Methods
//!
//! - [`Method::Rake`] — iterative proportional fitting as R's `rake()`: each cycle
//!   post-stratifies to each margin in turn (w ← w · N_{m,k} / Σ_{i∈k} w_i). After a
//!   cycle, the weights are added up over the cells of all margins crossed; the fitting
//!   stops when no cell changed by `tolerance · Σ d` or more since the previous cycle. At
//!   most `max_iter` cycles.
//! - [`Method::Calibrate`] — R's `calibrate(calfun = "raking")` (`grake()`): Newton steps
//!   on g_i = w_i / d_i = clamp(exp(x_i'η), L, U) with x_i the dummies of the model
//!   `~ m1 + m2 + …` (intercept, each margin's categories but its first), the derivative
//!   taken as exp(x_i'η) while L − 1 < x_i'η < U − 1 and 0 otherwise (R's rule, which
//!   compares x'η itself with the bounds minus one), halving a step that gives a
//!   non-finite g; converged when |target − total| / (1 + |target|) < `tolerance` for
//!   every column of the model. When every target is more than 20 times its sample total
//!   (design weights far below the population, e.g. all 1), the design weights are first
//!   scaled by the mean of those ratios, and the bounds apply to g after that scaling,
//!   exactly as R does. At most `max_iter` Newton steps.
//!
//! Both reach the same weights when there are no bounds (raking is the solution of both);
//! bounds are only possible with [`Method::Calibrate`].
//!
//! Not converging is an error ([`CalibrationError::NotConverged`]) naming the margin whose
//! weighted totals are furthest from its targets, the category and the residual.
//!
//! # Standard errors (linearisation)
//!
//! For a domain mean ȳ = Σ δ_i w_i y_i / W_d (δ_i = 1 when y_i is defined, W_d = Σ δ_i w_i)
//! the estimating function is x_i = w_i e_i / W_d with e_i = δ_i (y_i − ȳ). Its
//! calibration residuals are
//!
//! - [`Variance::Regression`] (R's `calibrate`): r_i = w_i (e_i / W_d − x_i'B) with
//!   B = (Σ d_i x_i x_i')⁻¹ Σ d_i x_i e_i / W_d, the regression of e / W_d on the margin
//!   dummies weighted by the design weights;
//! - [`Variance::IteratedMargins`] (R's `rake()`): ten sweeps over the margins of
//!   x ← x − w^{(m)} · mean_{j∈k}(x_j / w_j^{(m)}), means unweighted over each category k
//!   of margin m, w^{(m)} the weights after margin m in the last cycle — R's approximation
//!   of the same projection;
//!
//! and V = n/(n − 1) Σ (r_i − r̄)² over all n respondents (`ids = ~1`: no strata, no finite
//! population correction), SE = √V.

use super::weighting::{ValueSums, WeightedEstimate};

/// One margin: a register table of resident counts by category.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    /// How errors and diagnostics name it (e.g. `age_band×gender`, `area`).
    pub name: String,
    /// Category labels, in the file's order.
    pub categories: Vec<String>,
    /// N_{m,k} ≥ 0 per category.
    pub totals: Vec<f64>,
}

/// Respondents with the same categories and design weight.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationGroup {
    /// Per margin, the index of the category (`None`: unknown).
    pub categories: Vec<Option<usize>>,
    /// How many respondents.
    pub count: u64,
    /// d > 0: each respondent's design weight.
    pub design_weight: f64,
}

/// How the weights are fitted (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Rake,
    Calibrate,
}

/// Which linearisation the standard errors use (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Variance {
    /// Regression residuals (R's `calibrate`): the exact linearisation.
    #[default]
    Regression,
    /// R's `rake()` approximation, for comparison with R.
    IteratedMargins,
}

/// Bounds on g = w / d (R's `bounds = c(L, U)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lower: f64,
    pub upper: f64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
        }
    }
}

impl Bounds {
    fn is_unbounded(&self) -> bool {
        self.lower == f64::NEG_INFINITY && self.upper == f64::INFINITY
    }
}

/// Settings of the fitting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationOptions {
    pub method: Method,
    pub max_iter: usize,
    /// Relative: [`Method::Rake`] stops when no cell changed by tolerance · Σ d;
    /// [`Method::Calibrate`] when every |target − total| / (1 + |target|) < tolerance.
    pub tolerance: f64,
    pub bounds: Bounds,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            method: Method::Rake,
            max_iter: 100,
            tolerance: 1e-10,
            bounds: Bounds::default(),
        }
    }
}

/// Why no weights were produced.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("there are no respondents to weight")]
    NoRespondents,
    #[error(
        "margin {margin}: no respondent in category `{category}` ({population} residents); merge it with a neighbouring category in the margin file"
    )]
    EmptyCategory {
        margin: String,
        category: String,
        population: f64,
    },
    #[error("margin {margin}: category index {index} is out of range")]
    BadCategory { margin: String, index: usize },
    #[error(
        "bounds on the weights only exist for method Calibrate (R's calibrate(bounds = …)), not for Rake"
    )]
    BoundsNeedCalibrate,
    #[error(
        "the weights do not fit the margins after {iterations} iterations: margin {margin} is off by {residual:.4} residents in category `{category}` (target {target:.4}); check that every margin adds up to the same population and that the bounds are not too tight"
    )]
    NotConverged {
        margin: String,
        category: String,
        residual: f64,
        target: f64,
        iterations: usize,
    },
}

/// A fitted calibration: every group's weight, and what the estimates need.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Margins as fitted: an `unknown` category appended where some respondent had none.
    margins: Vec<Margin>,
    /// Per group: its category in each fitted margin (unknown resolved to an index).
    categories: Vec<Vec<usize>>,
    counts: Vec<u64>,
    design: Vec<f64>,
    weights: Vec<f64>,
    /// [`Method::Rake`]: the weights after each margin in the last cycle.
    per_margin: Vec<Vec<f64>>,
    iterations: usize,
}

/// The label of the category of respondents without one.
pub const UNKNOWN_CATEGORY: &str = "(unknown)";

/// Fits weights to the margins (module docs).
pub fn calibrate(
    margins: &[Margin],
    groups: &[CalibrationGroup],
    options: CalibrationOptions,
) -> Result<Calibration, CalibrationError> {
    let n: u64 = groups.iter().map(|g| g.count).sum();
    if n == 0 {
        return Err(CalibrationError::NoRespondents);
    }
    if options.method == Method::Rake && !options.bounds.is_unbounded() {
        return Err(CalibrationError::BoundsNeedCalibrate);
    }
    let design: Vec<f64> = groups.iter().map(|g| g.design_weight).collect();
    let counts: Vec<u64> = groups.iter().map(|g| g.count).collect();
    let total_design: f64 = groups
        .iter()
        .map(|g| g.count as f64 * g.design_weight)
        .sum();

    // The pattern split: an unknown category per margin that needs one.
    let mut fitted: Vec<Margin> = Vec::with_capacity(margins.len());
    let mut categories: Vec<Vec<usize>> = vec![Vec::with_capacity(margins.len()); groups.len()];
    for (m, margin) in margins.iter().enumerate() {
        let known = margin.categories.len();
        let mut unknown_weight = 0.0;
        for (g, group) in groups.iter().enumerate() {
            match group.categories.get(m).copied().flatten() {
                Some(k) if k < known => categories[g].push(k),
                Some(k) => {
                    return Err(CalibrationError::BadCategory {
                        margin: margin.name.clone(),
                        index: k,
                    });
                }
                None => {
                    unknown_weight += group.count as f64 * group.design_weight;
                    categories[g].push(known);
                }
            }
        }
        let mut m_fitted = margin.clone();
        if unknown_weight > 0.0 {
            let share = unknown_weight / total_design;
            let n_m: f64 = margin.totals.iter().sum();
            for t in &mut m_fitted.totals {
                *t *= 1.0 - share;
            }
            m_fitted.categories.push(UNKNOWN_CATEGORY.to_string());
            m_fitted.totals.push(share * n_m);
        }
        // Every category with residents needs respondents.
        for (k, &t) in m_fitted.totals.iter().enumerate() {
            let has = categories
                .iter()
                .zip(&counts)
                .any(|(c, &n)| c[m] == k && n > 0);
            if !has && t > 0.0 {
                return Err(CalibrationError::EmptyCategory {
                    margin: margin.name.clone(),
                    category: m_fitted.categories[k].clone(),
                    population: t,
                });
            }
        }
        fitted.push(m_fitted);
    }

    let mut c = Calibration {
        margins: fitted,
        categories,
        counts,
        weights: design.clone(),
        design,
        per_margin: Vec::new(),
        iterations: 0,
    };
    match options.method {
        Method::Rake => c.rake(options)?,
        Method::Calibrate => c.newton(options)?,
    }
    Ok(c)
}

impl Calibration {
    /// Weighted totals of margin m's categories under `weights`.
    fn margin_totals(&self, m: usize, weights: &[f64]) -> Vec<f64> {
        let mut totals = vec![0.0; self.margins[m].categories.len()];
        for (g, w) in weights.iter().enumerate() {
            totals[self.categories[g][m]] += self.counts[g] as f64 * w;
        }
        totals
    }

    /// Weights added up over the cells of all margins crossed (R: `svytable(~m1 + m2)`),
    /// in a fixed order of cells.
    fn cell_totals(&self, cells: &[usize], n_cells: usize) -> Vec<f64> {
        let mut out = vec![0.0; n_cells];
        for (g, &cell) in cells.iter().enumerate() {
            out[cell] += self.counts[g] as f64 * self.weights[g];
        }
        out
    }

    fn rake(&mut self, options: CalibrationOptions) -> Result<(), CalibrationError> {
        // Cells: distinct combinations of categories.
        let mut cell_of: std::collections::HashMap<&[usize], usize> = Default::default();
        let mut cells = Vec::with_capacity(self.categories.len());
        for c in &self.categories {
            let next = cell_of.len();
            cells.push(*cell_of.entry(c.as_slice()).or_insert(next));
        }
        let n_cells = cell_of.len();
        let total_design: f64 = self
            .design
            .iter()
            .zip(&self.counts)
            .map(|(d, &n)| d * n as f64)
            .sum();
        // R: epsilon < 1 is relative to the sum of the sampling weights.
        let epsilon = if options.tolerance < 1.0 {
            options.tolerance * total_design
        } else {
            options.tolerance
        };
        let mut old = self.cell_totals(&cells, n_cells);
        let mut iter = 0;
        while iter < options.max_iter {
            self.per_margin.clear();
            for m in 0..self.margins.len() {
                let achieved = self.margin_totals(m, &self.weights);
                for (g, w) in self.weights.iter_mut().enumerate() {
                    let k = self.categories[g][m];
                    *w *= self.margins[m].totals[k] / achieved[k];
                }
                self.per_margin.push(self.weights.clone());
            }
            let new = self.cell_totals(&cells, n_cells);
            let delta = old
                .iter()
                .zip(&new)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            self.iterations = iter + 1;
            if delta < epsilon {
                return self.check_fit(options);
            }
            old = new;
            iter += 1;
        }
        Err(self.not_converged(options.max_iter))
    }

    /// The model's columns for a group: intercept, then each margin's categories but its
    /// first (R's `model.matrix(~ m1 + m2)` with treatment contrasts).
    fn columns(&self) -> usize {
        1 + self
            .margins
            .iter()
            .map(|m| m.categories.len() - 1)
            .sum::<usize>()
    }

    /// The indices of the group's dummies that are 1 (besides the intercept, index 0).
    fn ones(&self, g: usize) -> Vec<usize> {
        let mut out = vec![0];
        let mut offset = 1;
        for (m, margin) in self.margins.iter().enumerate() {
            let k = self.categories[g][m];
            if k > 0 {
                out.push(offset + k - 1);
            }
            offset += margin.categories.len() - 1;
        }
        out
    }

    /// The targets in model columns: N, then each margin's categories but its first.
    fn targets(&self) -> Vec<f64> {
        let mut out = vec![self.margins[0].totals.iter().sum::<f64>()];
        for m in &self.margins {
            out.extend(&m.totals[1..]);
        }
        out
    }

    fn newton(&mut self, options: CalibrationOptions) -> Result<(), CalibrationError> {
        let p = self.columns();
        let ones: Vec<Vec<usize>> = (0..self.counts.len()).map(|g| self.ones(g)).collect();
        let population = self.targets();
        let Bounds { lower, upper } = options.bounds;
        let fm1 = |u: f64| u.exp().max(lower).min(upper) - 1.0;
        let df = |u: f64| {
            if u < upper - 1.0 && u > lower - 1.0 {
                u.exp()
            } else {
                0.0
            }
        };
        // ww: design weights (times counts, as rows of one respondent each would give).
        let mut ww: Vec<f64> = self.design.clone();
        let column_sums = |ww: &[f64], f: &dyn Fn(usize) -> f64| -> Vec<f64> {
            let mut s = vec![0.0; p];
            for (g, cols) in ones.iter().enumerate() {
                let v = self.counts[g] as f64 * ww[g] * f(g);
                for &c in cols {
                    s[c] += v;
                }
            }
            s
        };
        let mut sample_total = column_sums(&ww, &|_| 1.0);
        // R's SOMETHRESHOLD: design weights far below the population are scaled first.
        let scales: Vec<f64> = population
            .iter()
            .zip(&sample_total)
            .map(|(t, s)| t / s)
            .collect();
        let scale = (scales.iter().copied().fold(f64::INFINITY, f64::min) > 20.0)
            .then(|| scales.iter().sum::<f64>() / scales.len() as f64);
        if let Some(scale) = scale {
            for w in &mut ww {
                *w *= scale;
            }
            for s in &mut sample_total {
                *s *= scale;
            }
        }
        let mut eta = vec![0.0; p];
        let xeta_of = |eta: &[f64]| -> Vec<f64> {
            ones.iter()
                .map(|cols| cols.iter().map(|&c| eta[c]).sum())
                .collect()
        };
        let mut xeta = xeta_of(&eta);
        let mut iter = 1;
        let converged = loop {
            // T = Σ ww · F'(x'η) x x'.
            let mut t = vec![vec![0.0; p]; p];
            for (g, cols) in ones.iter().enumerate() {
                let v = self.counts[g] as f64 * ww[g] * df(xeta[g]);
                for &a in cols {
                    for &b in cols {
                        t[a][b] += v;
                    }
                }
            }
            let fitted = column_sums(&ww, &|g| fm1(xeta[g]));
            let misfit: Vec<f64> = (0..p)
                .map(|c| population[c] - sample_total[c] - fitted[c])
                .collect();
            let mut deta = solve(t, misfit);
            for (e, d) in eta.iter_mut().zip(&deta) {
                *e += d;
            }
            xeta = xeta_of(&eta);
            let finite = |xeta: &[f64]| {
                xeta.iter()
                    .all(|&u| (1.0 + fm1(u)).is_finite() && df(u).is_finite())
            };
            while iter < options.max_iter && !finite(&xeta) {
                iter += 1;
                for d in &mut deta {
                    *d /= 2.0;
                }
                for (e, d) in eta.iter_mut().zip(&deta) {
                    *e -= d;
                }
                xeta = xeta_of(&eta);
            }
            let fitted = column_sums(&ww, &|g| fm1(xeta[g]));
            let worst = (0..p)
                .map(|c| {
                    (population[c] - sample_total[c] - fitted[c]).abs()
                        / (1.0 + population[c].abs())
                })
                .fold(0.0, f64::max);
            if worst < options.tolerance {
                break true;
            }
            iter += 1;
            if iter > options.max_iter {
                break false;
            }
        };
        let scale = scale.unwrap_or(1.0);
        for (g, w) in self.weights.iter_mut().enumerate() {
            *w = self.design[g] * (1.0 + fm1(xeta[g])) * scale;
        }
        self.iterations = iter.min(options.max_iter);
        if converged {
            self.check_fit(options)
        } else {
            Err(self.not_converged(options.max_iter))
        }
    }

    /// After the iterations stopped: every category of every margin must be at its target
    /// (|total − target| / (1 + target) below 10 × the tolerance, at least 1e-6). Margins
    /// that contradict each other (adding up to different populations) end here: R's
    /// `rake()` and `calibrate()` return such weights without a word.
    fn check_fit(&self, options: CalibrationOptions) -> Result<(), CalibrationError> {
        let threshold = (10.0 * options.tolerance).max(1e-6);
        for m in 0..self.margins.len() {
            let achieved = self.margin_totals(m, &self.weights);
            for (a, t) in achieved.iter().zip(&self.margins[m].totals) {
                if (a - t).abs() / (1.0 + t.abs()) >= threshold {
                    return Err(self.not_converged(self.iterations));
                }
            }
        }
        Ok(())
    }

    /// The error for weights that did not fit: the margin and category furthest from its
    /// target.
    fn not_converged(&self, iterations: usize) -> CalibrationError {
        let mut worst: Option<(f64, usize, usize, f64)> = None;
        for m in 0..self.margins.len() {
            let achieved = self.margin_totals(m, &self.weights);
            for (k, (&t, a)) in self.margins[m].totals.iter().zip(achieved).enumerate() {
                let r = a - t;
                if worst.is_none_or(|w| r.abs() > w.0.abs()) {
                    worst = Some((r, m, k, t));
                }
            }
        }
        let (residual, m, k, target) = worst.expect("at least one margin");
        CalibrationError::NotConverged {
            margin: self.margins[m].name.clone(),
            category: self.margins[m].categories[k].clone(),
            residual,
            target,
            iterations,
        }
    }

    /// Group g's weight w = g · d for each of its respondents.
    pub fn weight(&self, group: usize) -> f64 {
        self.weights[group]
    }

    /// Cycles ([`Method::Rake`]) or Newton steps ([`Method::Calibrate`]) used.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// The margins as fitted (with an unknown category where needed, targets split).
    pub fn margins(&self) -> &[Margin] {
        &self.margins
    }

    /// n: respondents weighted.
    pub fn respondents(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Weight summary and margin fit.
    pub fn diagnostics(&self) -> Diagnostics {
        let present = || {
            self.weights
                .iter()
                .zip(&self.counts)
                .filter(|(_, n)| **n > 0)
                .map(|(w, _)| *w)
        };
        let min = present().fold(f64::INFINITY, f64::min);
        let max = present().fold(f64::NEG_INFINITY, f64::max);
        let (mut s, mut s2) = (0.0, 0.0);
        for (w, &n) in self.weights.iter().zip(&self.counts) {
            s += n as f64 * w;
            s2 += n as f64 * w * w;
        }
        let n = self.respondents() as f64;
        let kish_deff = n * s2 / (s * s);
        let mut fit = Vec::new();
        for (m, margin) in self.margins.iter().enumerate() {
            let achieved = self.margin_totals(m, &self.weights);
            let respondents = {
                let mut r = vec![0u64; margin.categories.len()];
                for (g, c) in self.categories.iter().enumerate() {
                    r[c[m]] += self.counts[g];
                }
                r
            };
            let target_total: f64 = margin.totals.iter().sum();
            let achieved_total: f64 = achieved.iter().sum();
            for (k, category) in margin.categories.iter().enumerate() {
                fit.push(MarginFit {
                    margin: margin.name.clone(),
                    category: category.clone(),
                    respondents: respondents[k],
                    target: margin.totals[k],
                    weighted: achieved[k],
                    target_share: margin.totals[k] / target_total,
                    weighted_share: achieved[k] / achieved_total,
                    respondent_share: respondents[k] as f64 / n,
                });
            }
        }
        Diagnostics {
            respondents: self.respondents(),
            min_weight: min,
            max_weight: max,
            kish_deff,
            iterations: self.iterations,
            fit,
        }
    }

    /// The weighted mean of a value from per-group sums about `shift` (as
    /// [`super::GroupedPostStratification::weighted_mean`]), with its linearisation
    /// standard error (module docs). `None` when nobody has a value.
    ///
    /// # Panics
    ///
    /// When `sums` does not have one entry per group.
    pub fn weighted_mean(
        &self,
        sums: &[ValueSums],
        shift: f64,
        variance: Variance,
    ) -> Option<WeightedEstimate> {
        assert_eq!(sums.len(), self.counts.len(), "one sum per group");
        let n_d: u64 = sums.iter().map(|s| s.n).sum();
        if n_d == 0 {
            return None;
        }
        let w = &self.weights;
        let w_d: f64 = sums.iter().zip(w).map(|(s, w)| w * s.n as f64).sum();
        let w_sq: f64 = sums.iter().zip(w).map(|(s, w)| w * w * s.n as f64).sum();
        let m = sums.iter().zip(w).map(|(s, w)| w * s.sum).sum::<f64>() / w_d;
        let mean = shift + m;
        // Per group: E = Σ e_i, Q = Σ e_i² (e_i = 0 without a value).
        let e: Vec<f64> = sums.iter().map(|s| s.sum - s.n as f64 * m).collect();
        let q: Vec<f64> = sums
            .iter()
            .map(|s| (s.sum_sq - 2.0 * m * s.sum + s.n as f64 * m * m).max(0.0))
            .collect();
        let weighted_ss: f64 = q.iter().zip(w).map(|(q, w)| w * q).sum();
        // Per group: Σ r_i and Σ r_i² of the calibration residuals.
        let (sum_r, sum_r2) = match variance {
            Variance::Regression => self.regression_residuals(&e, &q, w_d),
            Variance::IteratedMargins => self.iterated_residuals(&e, &q, w_d),
        };
        let n = self.respondents() as f64;
        let variance = (n >= 2.0).then(|| {
            let s: f64 = sum_r.iter().sum();
            let s2: f64 = sum_r2.iter().sum();
            (n / (n - 1.0) * (s2 - s * s / n)).max(0.0)
        });
        Some(WeightedEstimate::new(
            mean,
            variance,
            n_d as usize,
            (w_d, w_sq),
            weighted_ss,
        ))
    }

    /// r_i = w_i (e_i / W_d − x_i'B), summed and squared per group.
    fn regression_residuals(&self, e: &[f64], q: &[f64], w_d: f64) -> (Vec<f64>, Vec<f64>) {
        let p = self.columns();
        let ones: Vec<Vec<usize>> = (0..self.counts.len()).map(|g| self.ones(g)).collect();
        let mut xtx = vec![vec![0.0; p]; p];
        let mut xty = vec![0.0; p];
        for (g, cols) in ones.iter().enumerate() {
            let d = self.design[g];
            let dn = d * self.counts[g] as f64;
            for &a in cols {
                xty[a] += d * e[g] / w_d;
                for &b in cols {
                    xtx[a][b] += dn;
                }
            }
        }
        let b = solve(xtx, xty);
        let mut sum_r = Vec::with_capacity(ones.len());
        let mut sum_r2 = Vec::with_capacity(ones.len());
        for (g, cols) in ones.iter().enumerate() {
            let fit: f64 = cols.iter().map(|&c| b[c]).sum();
            let (w, n) = (self.weights[g], self.counts[g] as f64);
            sum_r.push(w * (e[g] / w_d - n * fit));
            sum_r2.push(
                (w * w * (q[g] / (w_d * w_d) - 2.0 * fit * e[g] / w_d + n * fit * fit)).max(0.0),
            );
        }
        (sum_r, sum_r2)
    }

    /// R's `rake()` residuals: ten sweeps of category-mean removal over the margins.
    fn iterated_residuals(&self, e: &[f64], q: &[f64], w_d: f64) -> (Vec<f64>, Vec<f64>) {
        let groups = self.counts.len();
        // S0, Q0: Σ x and Σ x² per group before any sweep; t: what each member lost.
        let s0: Vec<f64> = (0..groups).map(|g| self.weights[g] * e[g] / w_d).collect();
        let q0: Vec<f64> = (0..groups)
            .map(|g| self.weights[g].powi(2) * q[g] / (w_d * w_d))
            .collect();
        let mut t = vec![0.0; groups];
        let per_margin = if self.per_margin.len() == self.margins.len() {
            self.per_margin.clone()
        } else {
            vec![self.weights.clone(); self.margins.len()]
        };
        for _ in 0..10 {
            for (m, psw) in per_margin.iter().enumerate() {
                let k_count = self.margins[m].categories.len();
                let mut sum = vec![0.0; k_count];
                let mut units = vec![0.0; k_count];
                for g in 0..groups {
                    let k = self.categories[g][m];
                    let s = s0[g] - self.counts[g] as f64 * t[g];
                    sum[k] += s / psw[g];
                    units[k] += self.counts[g] as f64;
                }
                for g in 0..groups {
                    let k = self.categories[g][m];
                    if units[k] > 0.0 {
                        t[g] += psw[g] * sum[k] / units[k];
                    }
                }
            }
        }
        let sum_r = (0..groups)
            .map(|g| s0[g] - self.counts[g] as f64 * t[g])
            .collect();
        let sum_r2 = (0..groups)
            .map(|g| (q0[g] - 2.0 * t[g] * s0[g] + self.counts[g] as f64 * t[g] * t[g]).max(0.0))
            .collect();
        (sum_r, sum_r2)
    }
}

/// How the weights look, and how well they fit the register (shown beside every weighted
/// figure).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    pub respondents: u64,
    pub min_weight: f64,
    pub max_weight: f64,
    /// n Σw² / (Σw)².
    pub kish_deff: f64,
    pub iterations: usize,
    pub fit: Vec<MarginFit>,
}

impl Diagnostics {
    /// max / min.
    pub fn weight_ratio(&self) -> f64 {
        self.max_weight / self.min_weight
    }

    /// n / Kish's design effect.
    pub fn effective_n(&self) -> f64 {
        self.respondents as f64 / self.kish_deff
    }
}

/// One category of one margin: register share against respondents' and weighted shares.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginFit {
    pub margin: String,
    pub category: String,
    pub respondents: u64,
    /// The target (the register's count, split for unknowns).
    pub target: f64,
    /// Σ w over the category's respondents.
    pub weighted: f64,
    pub target_share: f64,
    pub weighted_share: f64,
    pub respondent_share: f64,
}

/// x = A⁺ b for a symmetric A, with A⁺ the Moore–Penrose inverse as R's `MASS::ginv`
/// computes it (`tol = 256 · .Machine$double.eps`): eigenvalues at most tol times the
/// largest in magnitude count as zero. Eigenvectors by cyclic Jacobi rotations (the
/// systems here have a few dozen unknowns).
fn solve(mut a: Vec<Vec<f64>>, b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        let diag: f64 = (0..n).map(|i| a[i][i] * a[i][i]).sum();
        if off <= f64::EPSILON * f64::EPSILON * diag || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
                let (head, tail) = a.split_at_mut(q);
                for (x, y) in head[p].iter_mut().zip(tail[0].iter_mut()) {
                    let (xp, yq) = (*x, *y);
                    *x = c * xp - s * yq;
                    *y = s * xp + c * yq;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let largest = (0..n).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    let tol = 256.0 * f64::EPSILON * largest;
    let mut x = vec![0.0; n];
    for k in 0..n {
        let lambda = a[k][k];
        if lambda.abs() <= tol || lambda == 0.0 {
            continue;
        }
        // x += v_k (v_k · b) / λ_k
        let proj: f64 = (0..n).map(|i| v[i][k] * b[i]).sum::<f64>() / lambda;
        for i in 0..n {
            x[i] += v[i][k] * proj;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} != {b}");
    }

    /// Two margins: sex (f, m) and area (n, s), N = 1000 each.
    fn margins() -> Vec<Margin> {
        vec![
            Margin {
                name: "sex".into(),
                categories: vec!["f".into(), "m".into()],
                totals: vec![520.0, 480.0],
            },
            Margin {
                name: "area".into(),
                categories: vec!["n".into(), "s".into()],
                totals: vec![300.0, 700.0],
            },
        ]
    }

    fn group(sex: Option<usize>, area: Option<usize>, count: u64) -> CalibrationGroup {
        CalibrationGroup {
            categories: vec![sex, area],
            count,
            design_weight: 1.0,
        }
    }

    /// f-n 2, f-s 3, m-n 1, m-s 4 respondents.
    fn sample() -> Vec<CalibrationGroup> {
        vec![
            group(Some(0), Some(0), 2),
            group(Some(0), Some(1), 3),
            group(Some(1), Some(0), 1),
            group(Some(1), Some(1), 4),
        ]
    }

    #[test]
    fn one_cycle_by_hand() {
        // Cycle 1, sex: f-weight 520/5 = 104, m 480/5 = 96. Area: n has 2·104 + 96 = 304
        // for 300 → × 300/304; s has 3·104 + 4·96 = 696 for 700 → × 700/696.
        let options = CalibrationOptions {
            max_iter: 1,
            tolerance: 1e6, // stop after the first cycle
            ..Default::default()
        };
        let c = calibrate(&margins(), &sample(), options).unwrap();
        close(c.weight(0), 104.0 * 300.0 / 304.0, 1e-15);
        close(c.weight(1), 104.0 * 700.0 / 696.0, 1e-15);
        close(c.weight(2), 96.0 * 300.0 / 304.0, 1e-15);
        close(c.weight(3), 96.0 * 700.0 / 696.0, 1e-15);
        assert_eq!(c.iterations(), 1);
    }

    #[test]
    fn rake_and_calibrate_reach_the_same_weights_and_fit_every_margin() {
        let rake = calibrate(&margins(), &sample(), CalibrationOptions::default()).unwrap();
        let cal = calibrate(
            &margins(),
            &sample(),
            CalibrationOptions {
                method: Method::Calibrate,
                tolerance: 1e-12,
                ..Default::default()
            },
        )
        .unwrap();
        for g in 0..4 {
            close(rake.weight(g), cal.weight(g), 1e-9);
        }
        let d = rake.diagnostics();
        for f in &d.fit {
            close(f.weighted, f.target, 1e-9);
        }
        assert_eq!(d.fit.len(), 4);
        assert_eq!(d.respondents, 10);
        // Raking keeps the cross-ratio of the sample: (w_fn w_ms) / (w_fs w_mn) = 1.
        close(
            rake.weight(0) * rake.weight(3) / (rake.weight(1) * rake.weight(2)),
            1.0,
            1e-9,
        );
    }

    #[test]
    fn unknown_categories_get_their_share() {
        // Two of 10 respondents did not give their sex: unknown gets 0.2 · 1000 = 200, f and
        // m 0.8 · 520 and 0.8 · 480.
        let mut s = sample();
        s.push(group(None, Some(1), 2));
        let c = calibrate(&margins(), &s, CalibrationOptions::default()).unwrap();
        let sex = &c.margins()[0];
        assert_eq!(sex.categories, ["f", "m", UNKNOWN_CATEGORY]);
        close(sex.totals[0], 520.0 * 10.0 / 12.0, 1e-12);
        close(sex.totals[2], 1000.0 * 2.0 / 12.0, 1e-12);
        let fit = c.diagnostics().fit;
        let unknown = fit.iter().find(|f| f.category == UNKNOWN_CATEGORY).unwrap();
        close(unknown.weighted, 1000.0 * 2.0 / 12.0, 1e-9);
        assert_eq!(unknown.respondents, 2);
    }

    #[test]
    fn an_empty_category_is_an_error_naming_it() {
        let s = vec![group(Some(0), Some(0), 3), group(Some(1), Some(0), 3)];
        assert_eq!(
            calibrate(&margins(), &s, CalibrationOptions::default()),
            Err(CalibrationError::EmptyCategory {
                margin: "area".into(),
                category: "s".into(),
                population: 700.0
            })
        );
    }

    #[test]
    fn inconsistent_margins_do_not_converge_and_say_where() {
        let mut m = margins();
        m[1].totals = vec![300.0, 750.0]; // area adds up to 1050, sex to 1000
        let err = calibrate(
            &m,
            &sample(),
            CalibrationOptions {
                max_iter: 20,
                ..Default::default()
            },
        )
        .unwrap_err();
        // The cycles settle (the table of weights stops changing) with area fitting
        // exactly and sex off: 1050 in all against 1000.
        let CalibrationError::NotConverged {
            margin, residual, ..
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!(margin, "sex");
        assert!(residual.abs() > 10.0, "{err}");
        assert!(err.to_string().contains("margin sex is off by"), "{err}");
        let err = calibrate(
            &m,
            &sample(),
            CalibrationOptions {
                method: Method::Calibrate,
                max_iter: 20,
                ..Default::default()
            },
        )
        .unwrap_err();
        // Calibrate fits the model's columns (area's first category is implied): area is off.
        assert!(
            matches!(&err, CalibrationError::NotConverged { margin, .. } if margin == "area"),
            "{err}"
        );
    }

    #[test]
    fn bounds_hold_and_need_calibrate() {
        let options = CalibrationOptions {
            method: Method::Calibrate,
            bounds: Bounds {
                lower: 0.5,
                upper: 1.5,
            },
            tolerance: 1e-10,
            ..Default::default()
        };
        let s: Vec<CalibrationGroup> = sample()
            .into_iter()
            .map(|g| CalibrationGroup {
                design_weight: 100.0,
                ..g
            })
            .collect();
        let c = calibrate(&margins(), &s, options).unwrap();
        for g in 0..4 {
            let ratio = c.weight(g) / 100.0;
            assert!((0.5..=1.5).contains(&ratio), "{ratio}");
        }
        assert_eq!(
            calibrate(
                &margins(),
                &s,
                CalibrationOptions {
                    method: Method::Rake,
                    ..options
                }
            ),
            Err(CalibrationError::BoundsNeedCalibrate)
        );
    }

    #[test]
    fn equal_weights_give_the_simple_mean_and_its_se() {
        // A sample already in proportion: every weight 100, no adjustment; one margin.
        let m = vec![Margin {
            name: "sex".into(),
            categories: vec!["f".into(), "m".into()],
            totals: vec![200.0, 200.0],
        }];
        let one = |sex: usize| CalibrationGroup {
            categories: vec![Some(sex)],
            count: 2,
            design_weight: 1.0,
        };
        let s = vec![one(0), one(1)];
        let c = calibrate(&m, &s, CalibrationOptions::default()).unwrap();
        close(c.weight(0), 100.0, 1e-12);
        // y: f 10, 30; m 20, 60 → mean 30. Residuals after removing each sex's mean:
        // f −10, +10; m −20, +20 (in y units; r = w e / W − w B = (y − ȳ_sex) / 4).
        // V = 4/3 · Σ r² = 4/3 · (100 + 100 + 400 + 400) / 16 = 83.33.
        let sums = [
            ValueSums {
                n: 2,
                sum: 40.0,
                sum_sq: 1000.0,
            },
            ValueSums {
                n: 2,
                sum: 80.0,
                sum_sq: 4000.0,
            },
        ];
        for v in [Variance::Regression, Variance::IteratedMargins] {
            let e = c.weighted_mean(&sums, 0.0, v).unwrap();
            close(e.mean, 30.0, 1e-12);
            close(e.se.unwrap(), (4.0 / 3.0 * 1000.0 / 16.0f64).sqrt(), 1e-12);
        }
    }

    #[test]
    fn solves_small_systems_with_the_pseudo_inverse() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]);
        close(x[0], 0.8, 1e-14);
        close(x[1], 1.4, 1e-14);
        // Singular: the minimum-norm least-squares solution, as MASS::ginv gives:
        // [[1,1],[1,1]]⁺ = [[¼,¼],[¼,¼]] → x = (0.75, 0.75).
        let x = solve(vec![vec![1.0, 1.0], vec![1.0, 1.0]], vec![1.0, 2.0]);
        close(x[0], 0.75, 1e-14);
        close(x[1], 0.75, 1e-14);
        assert_eq!(solve(vec![vec![0.0]], vec![1.0]), vec![0.0]);
    }
}
