//! `sample plan`: how many letters each stratum gets (n_h), its design weight N_h / n_h,
//! and what to expect back. Pure: counts in, plan out.
//!
//! # Allocation of n letters over strata of N_h residents (N = Σ N_h)
//!
//! - **proportional**: quotas q_h = n N_h / N, rounded by largest remainder (Hamilton):
//!   every stratum gets ⌊q_h⌋, and the letters left go one each to the strata with the
//!   largest remainders (the earlier stratum in file order on a tie). Σ n_h = n exactly.
//! - **equal**: n / H each; the remainder goes one each to the largest strata. A stratum
//!   smaller than its share is taken whole and the rest is shared again among the others.
//! - **min=K**: proportional, but no stratum below K (a stratum smaller than K is taken
//!   whole): strata whose proportional quota falls below K are fixed at K, the other
//!   letters are shared proportionally among the remaining strata, repeated until no
//!   quota falls below K; then rounded by largest remainder as above.
//!
//! Every stratum must get at least one letter (otherwise its design weight is undefined);
//! `n` above N, or minimums that need more than n letters, are errors.
//!
//! # Expected returns and error
//!
//! With an expected response rate r_h, m_h = n_h r_h returns are expected, and the margin
//! of error of a proportion at 50% (95%) is ± z √(0.25 / m_h · (N_h − m_h) / (N_h − 1)),
//! in percentage points. For the whole city, as a stratified estimate:
//! ± z √(Σ_h (N_h / N)² · 0.25 / m_h · (N_h − m_h) / (N_h − 1)).

use std::fmt;

use statrs::distribution::{ContinuousCDF, Normal};

use super::counts::describe_key;

/// How the letters are shared between strata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    Proportional,
    Equal,
    /// Proportional with at least K letters per stratum.
    Minimum(u64),
}

impl std::str::FromStr for Allocation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "proportional" => Ok(Allocation::Proportional),
            "equal" => Ok(Allocation::Equal),
            _ => match s.strip_prefix("min=").map(str::parse::<u64>) {
                Some(Ok(k)) if k >= 1 => Ok(Allocation::Minimum(k)),
                _ => Err(format!(
                    "unknown allocation `{s}`: use proportional, equal or min=K (K a whole number ≥ 1)"
                )),
            },
        }
    }
}

impl fmt::Display for Allocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allocation::Proportional => f.write_str("proportional"),
            Allocation::Equal => f.write_str("equal"),
            Allocation::Minimum(k) => write!(f, "min={k}"),
        }
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("there are no strata")]
    NoStrata,
    #[error("n = {n} letters is more than the {population} residents of the frame")]
    MoreThanPopulation { n: u64, population: u64 },
    #[error(
        "min={min} needs {needed} letters over {strata} strata (strata smaller than {min} taken whole), more than n = {n}: lower K or raise n"
    )]
    MinimumTooLarge {
        min: u64,
        strata: usize,
        needed: u64,
        n: u64,
    },
    #[error(
        "stratum {stratum} ({population} residents) gets no letter with n = {n}: raise n or use --allocation min=K"
    )]
    EmptyStratum {
        stratum: String,
        population: u64,
        n: u64,
    },
}

/// Letters per stratum for `populations` (N_h in stratum order), adding up to `n`.
pub fn allocate(
    populations: &[u64],
    n: u64,
    allocation: Allocation,
) -> Result<Vec<u64>, PlanError> {
    if populations.is_empty() {
        return Err(PlanError::NoStrata);
    }
    let total: u64 = populations.iter().sum();
    if n > total {
        return Err(PlanError::MoreThanPopulation {
            n,
            population: total,
        });
    }
    let all: Vec<usize> = (0..populations.len()).collect();
    match allocation {
        Allocation::Proportional => Ok(proportional(
            populations,
            &all,
            n,
            vec![0; populations.len()],
        )),
        Allocation::Equal => Ok(equal(populations, n)),
        Allocation::Minimum(k) => {
            let needed: u64 = populations.iter().map(|&p| p.min(k)).sum();
            if needed > n {
                return Err(PlanError::MinimumTooLarge {
                    min: k,
                    strata: populations.len(),
                    needed,
                    n,
                });
            }
            // Fix strata whose proportional quota among the free ones is below K.
            let mut fixed = vec![false; populations.len()];
            loop {
                let free: Vec<usize> = all.iter().copied().filter(|&h| !fixed[h]).collect();
                let left = n - all
                    .iter()
                    .filter(|&&h| fixed[h])
                    .map(|&h| populations[h].min(k))
                    .sum::<u64>();
                let free_total: u64 = free.iter().map(|&h| populations[h]).sum();
                // q_h < K ⇔ left · N_h < K · free_total (exact in integers).
                let below: Vec<usize> = free
                    .iter()
                    .copied()
                    .filter(|&h| {
                        u128::from(left) * u128::from(populations[h])
                            < u128::from(k) * u128::from(free_total)
                    })
                    .collect();
                if below.is_empty() || free.is_empty() {
                    let mut base = vec![0; populations.len()];
                    for h in all.iter().copied().filter(|&h| fixed[h]) {
                        base[h] = populations[h].min(k);
                    }
                    return Ok(proportional(populations, &free, left, base));
                }
                for h in below {
                    fixed[h] = true;
                }
            }
        }
    }
}

/// Adds `n` letters to `base` over the strata `among`, proportionally to their
/// populations, by largest remainder (exact integer arithmetic).
fn proportional(populations: &[u64], among: &[usize], n: u64, mut base: Vec<u64>) -> Vec<u64> {
    let total: u128 = among.iter().map(|&h| u128::from(populations[h])).sum();
    if among.is_empty() || n == 0 {
        return base;
    }
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(among.len());
    let mut given = 0u64;
    for &h in among {
        let product = u128::from(n) * u128::from(populations[h]);
        let q = (product / total) as u64;
        base[h] += q;
        given += q;
        remainders.push((product % total, h));
    }
    // Largest remainder first; the earlier stratum on a tie.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, h) in remainders.iter().take((n - given) as usize) {
        base[h] += 1;
    }
    base
}

fn equal(populations: &[u64], n: u64) -> Vec<u64> {
    let mut out = vec![0u64; populations.len()];
    let mut open: Vec<usize> = (0..populations.len()).collect();
    let mut left = n;
    while left > 0 && !open.is_empty() {
        let share = left / open.len() as u64;
        let mut extra = left % open.len() as u64;
        // Larger strata get the extra letters (the earlier on a tie).
        let mut by_size = open.clone();
        by_size.sort_by(|&a, &b| populations[b].cmp(&populations[a]).then(a.cmp(&b)));
        let mut next_open = Vec::new();
        let mut given = 0;
        for h in by_size {
            let mut want = share;
            if extra > 0 {
                want += 1;
                extra -= 1;
            }
            let room = populations[h] - out[h];
            let take = want.min(room);
            out[h] += take;
            given += take;
            if out[h] < populations[h] {
                next_open.push(h);
            }
        }
        left -= given;
        next_open.sort_unstable();
        open = next_open;
    }
    out
}

/// One stratum of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumPlan {
    /// One value per stratifying column.
    pub key: Vec<String>,
    /// N_h.
    pub population: u64,
    /// n_h ≥ 1.
    pub sample_size: u64,
    /// r_h, when given.
    pub expected_rate: Option<f64>,
    /// The line of a plan file it was read from (0 when made, not read).
    pub line: usize,
}

impl StratumPlan {
    /// N_h / n_h.
    pub fn design_weight(&self) -> f64 {
        self.population as f64 / self.sample_size as f64
    }

    /// m_h = n_h r_h (n_h without an expected rate).
    pub fn expected_returns(&self) -> f64 {
        self.sample_size as f64 * self.expected_rate.unwrap_or(1.0)
    }

    /// ± percentage points at 50% (module docs).
    pub fn margin_of_error_pct(&self) -> f64 {
        z975() * self.variance_at_half().sqrt() * 100.0
    }

    /// 0.25 / m (N − m) / (N − 1), 0 for a stratum taken whole.
    fn variance_at_half(&self) -> f64 {
        let (m, n) = (self.expected_returns(), self.population as f64);
        if n <= 1.0 || m <= 0.0 {
            return 0.0;
        }
        (0.25 / m * (n - m) / (n - 1.0)).max(0.0)
    }
}

fn z975() -> f64 {
    Normal::standard().inverse_cdf(0.975)
}

/// A sample plan: the stratifying columns and their strata in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub by: Vec<String>,
    pub strata: Vec<StratumPlan>,
}

/// The columns of a plan file after the stratifying columns.
pub const PLAN_COLUMNS: [&str; 6] = [
    "population",
    "sample_size",
    "design_weight",
    "expected_response_rate",
    "expected_returns",
    "margin_of_error_pct",
];

impl Plan {
    /// Allocates `n` letters to the strata `(key, N_h)` and attaches each stratum's
    /// expected rate (`rate(key)`).
    pub fn make(
        by: Vec<String>,
        strata: Vec<(Vec<String>, u64)>,
        n: u64,
        allocation: Allocation,
        rate: impl Fn(&[String]) -> Option<f64>,
    ) -> Result<Plan, PlanError> {
        let populations: Vec<u64> = strata.iter().map(|s| s.1).collect();
        let sizes = allocate(&populations, n, allocation)?;
        let mut out = Vec::with_capacity(strata.len());
        for ((key, population), sample_size) in strata.into_iter().zip(sizes) {
            if sample_size == 0 {
                return Err(PlanError::EmptyStratum {
                    stratum: describe_key(&by, &key),
                    population,
                    n,
                });
            }
            let expected_rate = rate(&key);
            out.push(StratumPlan {
                key,
                population,
                sample_size,
                expected_rate,
                line: 0,
            });
        }
        Ok(Plan { by, strata: out })
    }

    /// N.
    pub fn population(&self) -> u64 {
        self.strata.iter().map(|s| s.population).sum()
    }

    /// n.
    pub fn sample_size(&self) -> u64 {
        self.strata.iter().map(|s| s.sample_size).sum()
    }

    /// Σ m_h.
    pub fn expected_returns(&self) -> f64 {
        self.strata.iter().map(|s| s.expected_returns()).sum()
    }

    /// ± percentage points at 50% for the whole frame, as a stratified estimate.
    pub fn margin_of_error_pct(&self) -> f64 {
        let n = self.population() as f64;
        let v: f64 = self
            .strata
            .iter()
            .map(|s| (s.population as f64 / n).powi(2) * s.variance_at_half())
            .sum();
        z975() * v.sqrt() * 100.0
    }

    /// Kish's design effect of the unequal design weights, n Σ n_h w_h² / (Σ n_h w_h)²:
    /// the precision lost by a disproportionate allocation.
    pub fn kish_deff(&self) -> f64 {
        let (mut s, mut s2) = (0.0, 0.0);
        for h in &self.strata {
            let w = h.design_weight();
            s += h.sample_size as f64 * w;
            s2 += h.sample_size as f64 * w * w;
        }
        self.sample_size() as f64 * s2 / (s * s)
    }

    /// The plan file's header: the stratifying columns, then [`PLAN_COLUMNS`].
    pub fn header(&self) -> Vec<String> {
        self.by
            .iter()
            .cloned()
            .chain(PLAN_COLUMNS.iter().map(|c| c.to_string()))
            .collect()
    }

    /// The plan file's rows, matching [`header`](Self::header).
    pub fn rows(&self) -> Vec<Vec<String>> {
        self.strata
            .iter()
            .map(|s| {
                let mut row = s.key.clone();
                row.extend([
                    s.population.to_string(),
                    s.sample_size.to_string(),
                    crate::export::fixed(s.design_weight()),
                    s.expected_rate.map_or(String::new(), crate::export::fixed),
                    format!("{:.1}", s.expected_returns()),
                    format!("{:.2}", s.margin_of_error_pct()),
                ]);
                row
            })
            .collect()
    }

    /// The plan as a text table for the terminal, with a total line.
    pub fn table(&self) -> String {
        let mut lines = vec![self.header()];
        lines.extend(self.rows());
        let mut total = vec![String::new(); self.by.len()];
        total[0] = "(total)".to_string();
        total.extend([
            self.population().to_string(),
            self.sample_size().to_string(),
            crate::export::fixed(self.population() as f64 / self.sample_size() as f64),
            String::new(),
            format!("{:.1}", self.expected_returns()),
            format!("{:.2}", self.margin_of_error_pct()),
        ]);
        lines.push(total);
        let widths: Vec<usize> = (0..lines[0].len())
            .map(|c| {
                lines
                    .iter()
                    .map(|l| l[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for l in &lines {
            let cells: Vec<String> = l
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, &w))| {
                    let pad = w - cell.chars().count();
                    if i < self.by.len() {
                        format!("{cell}{}", " ".repeat(pad))
                    } else {
                        format!("{}{cell}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

/// Why a plan file could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    #[error("the plan is not UTF-8 text")]
    NotUtf8,
    #[error("the plan has no header line")]
    Empty,
    #[error(
        "line {line}: the header must be the stratifying columns followed by population,sample_size,… (as `sample plan` writes it), found `{found}`"
    )]
    BadHeader { line: usize, found: String },
    #[error("line {line}: {message}")]
    Row { line: usize, message: String },
    #[error("the plan has no strata")]
    NoStrata,
}

/// Reads a plan file written by `sample plan` (CSV, UTF-8 with or without BOM): the
/// stratifying columns are those before `population`; `population` and `sample_size`
/// are read, the other columns are informative and ignored.
pub fn parse_plan(bytes: &[u8]) -> Result<Plan, PlanFileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| PlanFileError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut header: Option<(usize, usize, Vec<String>)> = None;
    let mut strata: Vec<StratumPlan> = Vec::new();
    let mut seen: std::collections::HashMap<Vec<String>, usize> = Default::default();
    for record in reader.records() {
        let record = record.map_err(|e| PlanFileError::Row {
            line: e.position().map_or(0, |p| p.line() as usize),
            message: format!("not valid CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        let Some((pop_col, size_col, by)) = &header else {
            let pop = fields.iter().position(|f| *f == "population");
            let size = fields.iter().position(|f| *f == "sample_size");
            match (pop, size) {
                (Some(p), Some(s)) if p >= 1 && s > p => {
                    header = Some((p, s, fields[..p].iter().map(|f| f.to_string()).collect()));
                }
                _ => {
                    return Err(PlanFileError::BadHeader {
                        line,
                        found: fields.join(","),
                    });
                }
            }
            continue;
        };
        let row_error = |message: String| PlanFileError::Row { line, message };
        if fields.len() <= *size_col {
            return Err(row_error(format!(
                "expected at least {} fields, found {}",
                size_col + 1,
                fields.len()
            )));
        }
        let key: Vec<String> = fields[..*pop_col].iter().map(|f| f.to_string()).collect();
        if let Some(i) = key.iter().position(String::is_empty) {
            return Err(row_error(format!("column `{}` is empty", by[i])));
        }
        let number = |col: usize, name: &str| -> Result<u64, PlanFileError> {
            fields[col]
                .parse::<u64>()
                .map_err(|_| row_error(format!("{name} `{}` is not a whole number", fields[col])))
        };
        let population = number(*pop_col, "population")?;
        let sample_size = number(*size_col, "sample_size")?;
        if sample_size == 0 {
            return Err(row_error("sample_size must be at least 1".into()));
        }
        if sample_size > population {
            return Err(row_error(format!(
                "sample_size {sample_size} is more than the stratum's population {population} (n_h > N_h)"
            )));
        }
        if let Some(first) = seen.insert(key.clone(), line) {
            return Err(row_error(format!(
                "{} is already given on line {first}",
                describe_key(by, &key)
            )));
        }
        strata.push(StratumPlan {
            key,
            population,
            sample_size,
            expected_rate: None,
            line,
        });
    }
    let (_, _, by) = header.ok_or(PlanFileError::Empty)?;
    if strata.is_empty() {
        return Err(PlanFileError::NoStrata);
    }
    Ok(Plan { by, strata })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_by_largest_remainder() {
        // N = 100, 300, 600; n = 7: quotas 0.7, 2.1, 4.2 → 0, 2, 4 + one for the largest
        // remainder (0.7) → 1, 2, 4.
        assert_eq!(
            allocate(&[100, 300, 600], 7, Allocation::Proportional),
            Ok(vec![1, 2, 4])
        );
        // Ties go to the earlier stratum: quotas 1.5, 1.5 → 2, 1.
        assert_eq!(
            allocate(&[50, 50], 3, Allocation::Proportional),
            Ok(vec![2, 1])
        );
        assert_eq!(
            allocate(&[10, 20], 30, Allocation::Proportional),
            Ok(vec![10, 20])
        );
        assert_eq!(
            allocate(&[10, 20], 31, Allocation::Proportional),
            Err(PlanError::MoreThanPopulation {
                n: 31,
                population: 30
            })
        );
    }

    #[test]
    fn equal_takes_small_strata_whole() {
        assert_eq!(
            allocate(&[100, 300, 600], 9, Allocation::Equal),
            Ok(vec![3, 3, 3])
        );
        // 10 = 3,3,3 + 1 to the largest.
        assert_eq!(
            allocate(&[100, 300, 600], 10, Allocation::Equal),
            Ok(vec![3, 3, 4])
        );
        // 10 = 4 (largest), 3, 3, but the stratum of 2 is taken whole: the 1 left over goes
        // to the largest open stratum again.
        assert_eq!(
            allocate(&[2, 300, 600], 10, Allocation::Equal),
            Ok(vec![2, 3, 5])
        );
    }

    #[test]
    fn minimum_per_stratum() {
        // N = 1000, 9000, 10000 (20000), n = 400, min 100: proportional 20, 180, 200; the
        // first is fixed at 100, the 300 left go 9000:10000 → 142.1, 157.9 → 142, 158.
        assert_eq!(
            allocate(&[1000, 9000, 10000], 400, Allocation::Minimum(100)),
            Ok(vec![100, 142, 158])
        );
        // Fixing one can push another below K: N = 1000, 2000, 17000, n = 300, K = 60:
        // 15 < 60 fixed; 240 over 19000 → 25.3 < 60 fixed; 180 left for the last.
        assert_eq!(
            allocate(&[1000, 2000, 17000], 300, Allocation::Minimum(60)),
            Ok(vec![60, 60, 180])
        );
        // A stratum smaller than K is taken whole.
        assert_eq!(
            allocate(&[30, 2000, 18000], 300, Allocation::Minimum(60)),
            Ok(vec![30, 60, 210])
        );
        assert_eq!(
            allocate(&[1000, 2000, 17000], 100, Allocation::Minimum(60)),
            Err(PlanError::MinimumTooLarge {
                min: 60,
                strata: 3,
                needed: 180,
                n: 100
            })
        );
        for n in [180u64, 181, 999, 5000] {
            let a = allocate(&[1000, 2000, 17000], n, Allocation::Minimum(60)).unwrap();
            assert_eq!(a.iter().sum::<u64>(), n);
            assert!(a.iter().all(|&x| x >= 60));
        }
    }

    #[test]
    fn allocations_parse() {
        assert_eq!("min=300".parse(), Ok(Allocation::Minimum(300)));
        assert_eq!("equal".parse(), Ok(Allocation::Equal));
        assert!("min=0".parse::<Allocation>().is_err());
        assert!("optimal".parse::<Allocation>().is_err());
        assert_eq!(Allocation::Minimum(5).to_string(), "min=5");
    }

    fn plan() -> Plan {
        Plan::make(
            vec!["area".into()],
            vec![(vec!["north".into()], 1000), (vec!["south".into()], 3000)],
            400,
            Allocation::Minimum(150),
            |k| Some(if k[0] == "north" { 0.5 } else { 0.4 }),
        )
        .unwrap()
    }

    #[test]
    fn expected_returns_and_margins_of_error_by_hand() {
        let p = plan();
        // min 150: north 100 < 150 → 150; south 250.
        assert_eq!(p.strata[0].sample_size, 150);
        assert_eq!(p.strata[1].sample_size, 250);
        assert!((p.strata[0].design_weight() - 1000.0 / 150.0).abs() < 1e-12);
        assert_eq!(p.strata[0].expected_returns(), 75.0);
        assert_eq!(p.strata[1].expected_returns(), 100.0);
        let z = 1.959_963_984_540_054;
        let v0: f64 = 0.25 / 75.0 * (1000.0 - 75.0) / 999.0;
        let v1: f64 = 0.25 / 100.0 * (3000.0 - 100.0) / 2999.0;
        assert!((p.strata[0].margin_of_error_pct() - z * v0.sqrt() * 100.0).abs() < 1e-9);
        let total = z * (0.25f64.powi(2) * v0 + 0.75f64.powi(2) * v1).sqrt() * 100.0;
        assert!((p.margin_of_error_pct() - total).abs() < 1e-9);
        // Kish: weights 6.667 (150) and 12 (250): n Σ n w² / (Σ n w)² = 400 (150·44.44 +
        // 250·144) / 4000².
        let w0 = 1000.0 / 150.0;
        let kish = 400.0 * (150.0 * w0 * w0 + 250.0 * 144.0) / 4000f64.powi(2);
        assert!((p.kish_deff() - kish).abs() < 1e-12);
        assert!(p.table().contains("(total)"));
    }

    #[test]
    fn plan_files_read_back() {
        let p = plan();
        let mut text = p.header().join(",");
        text.push('\n');
        for r in p.rows() {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        let back = parse_plan(format!("\u{feff}{text}").as_bytes()).unwrap();
        assert_eq!(back.by, ["area"]);
        assert_eq!(back.strata.len(), 2);
        assert_eq!(back.strata[1].sample_size, 250);
        assert_eq!(back.strata[1].population, 3000);
    }

    #[test]
    fn bad_plan_files_name_the_line() {
        let err = |s: &str| parse_plan(s.as_bytes()).unwrap_err().to_string();
        assert!(err("area,count\n").contains("line 1"));
        assert_eq!(
            err("area,population,sample_size\nnorth,10,11\n"),
            "line 2: sample_size 11 is more than the stratum's population 10 (n_h > N_h)"
        );
        assert_eq!(
            err("area,population,sample_size\nnorth,10,x\n"),
            "line 2: sample_size `x` is not a whole number"
        );
        assert_eq!(
            err("area,population,sample_size\nnorth,10,1\nnorth,10,1\n"),
            "line 3: area=north is already given on line 2"
        );
        assert_eq!(
            err("area,population,sample_size\n"),
            "the plan has no strata"
        );
    }
}
