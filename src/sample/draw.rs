//! `sample draw`: stratified systematic sampling with a random start from a frame, in one
//! streamed pass. Pure over a reader: nothing of the frame is kept but the selected ids
//! (and, to find duplicate ids, a 64-bit hash and the line of each record).
//!
//! # The method
//!
//! Within stratum h the frame's records are numbered 0 … N_h − 1 in file order, so the
//! frame's sort order (e.g. by address or age) stratifies implicitly. With the interval
//! k_h = N_h / n_h (a fraction in general) and a random start s_h = u_h k_h, u_h uniform
//! in [0, 1), the records at positions ⌊s_h + j k_h⌋, j = 0 … n_h − 1, are selected:
//! exactly n_h distinct records, each with inclusion probability n_h / N_h.
//!
//! Positions are computed exactly in integers: with U_h = ⌊u_h 2⁵³⌋,
//! position_j = ⌊(U_h + j 2⁵³) N_h / (n_h 2⁵³)⌋.
//!
//! u_h comes from the seed: U_h is the first 8 bytes of
//! SHA-256(`citizen-survey sample v1` LF seed LF stratum values joined by TAB), read
//! big-endian, shifted right by 11 bits. Anyone can recompute it (`printf … | sha256sum`),
//! so the draw is reproducible from the frame (identified by its SHA-256 in the sampling
//! record) and the published seed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Read;

use sha2::{Digest, Sha256};

use super::counts::describe_key;
use super::frame::{FrameEncoding, FrameError, FrameSummary, KEY_SEPARATOR, read_frame};
use super::plan::Plan;

const TWO_53: u128 = 1 << 53;

/// U_h (module docs): the 53-bit random start of a stratum for a seed.
pub fn random_bits(seed: &str, stratum: &[String]) -> u64 {
    let mut hash = Sha256::new();
    hash.update(b"citizen-survey sample v1\n");
    hash.update(seed.as_bytes());
    hash.update(b"\n");
    hash.update(stratum.join("\t").as_bytes());
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) >> 11
}

/// The 0-based position of the j-th selected record of a stratum of `population` records
/// with `sample_size` selected and random bits `u` (module docs).
pub fn position(u: u64, j: u64, population: u64, sample_size: u64) -> u64 {
    let numerator = (u128::from(u) + u128::from(j) * TWO_53) * u128::from(population);
    (numerator / (u128::from(sample_size) * TWO_53)) as u64
}

/// What was drawn in one stratum: the sampling record's line.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumDraw {
    pub key: Vec<String>,
    /// N_h: records of the stratum in the frame (= the plan's).
    pub population: u64,
    /// n_h.
    pub sample_size: u64,
    /// U_h.
    pub random_bits: u64,
}

impl StratumDraw {
    /// k_h = N_h / n_h.
    pub fn interval(&self) -> f64 {
        self.population as f64 / self.sample_size as f64
    }

    /// s_h = u_h k_h, in records (0 ≤ s_h < k_h).
    pub fn start(&self) -> f64 {
        self.random_bits as f64 / TWO_53 as f64 * self.interval()
    }

    /// The 1-based position within the stratum of its first selected record.
    pub fn first_position(&self) -> u64 {
        position(self.random_bits, 0, self.population, self.sample_size) + 1
    }
}

/// One selected record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The frame line it was on (for the operator's checks; not written out).
    pub line: u64,
    pub id: String,
    /// Index into [`Draw::strata`].
    pub stratum: usize,
}

/// A finished draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    pub seed: String,
    pub strata: Vec<StratumDraw>,
    /// In frame order.
    pub selected: Vec<Selected>,
    pub frame: FrameSummary,
}

/// Why nothing was drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("line {line}: the stratum {stratum} is not in the plan (the plan's strata: {known})")]
    UnknownStratum {
        line: u64,
        stratum: String,
        known: String,
    },
    #[error("line {line}: the id is the same as on line {first_line}: ids must be unique")]
    DuplicateId { line: u64, first_line: u64 },
    #[error(
        "the frame has {frame} records in stratum {stratum}, the plan {plan}: make the plan from this frame (`sample plan --frame FRAME.csv`) or from counts of the same date"
    )]
    CountMismatch {
        stratum: String,
        frame: u64,
        plan: u64,
    },
    #[error("the seed is empty: give the number drawn for this sample (e.g. --seed 20261001)")]
    EmptySeed,
}

/// Draws the plan's sample from the frame `open()` gives (opened once, and a second time
/// only to confirm duplicate ids when two ids share a hash). Nothing is returned unless the
/// whole frame is valid: every record in a stratum of the plan, ids unique, each stratum's
/// size equal to the plan's N_h.
pub fn draw<R: Read>(
    open: impl Fn() -> std::io::Result<R>,
    encoding: FrameEncoding,
    id_column: &str,
    plan: &Plan,
    seed: &str,
) -> Result<Draw, DrawError> {
    if seed.trim().is_empty() {
        return Err(DrawError::EmptySeed);
    }
    let index: HashMap<String, usize> = plan
        .strata
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.join(&KEY_SEPARATOR.to_string()), i))
        .collect();
    let strata: Vec<StratumDraw> = plan
        .strata
        .iter()
        .map(|s| StratumDraw {
            key: s.key.clone(),
            population: s.population,
            sample_size: s.sample_size,
            random_bits: random_bits(seed, &s.key),
        })
        .collect();
    // Per stratum: records seen so far, selections made, the next position to select.
    let mut seen = vec![0u64; strata.len()];
    let mut taken = vec![0u64; strata.len()];
    let mut next: Vec<u64> = strata
        .iter()
        .map(|s| position(s.random_bits, 0, s.population, s.sample_size))
        .collect();
    let mut selected = Vec::new();
    let mut hashes: Vec<u64> = Vec::new();
    let known = || {
        plan.strata
            .iter()
            .map(|s| describe_key(&plan.by, &s.key))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let frame = read_frame::<_, DrawError>(
        open().map_err(FrameError::from)?,
        encoding,
        id_column,
        &plan.by,
        |r| {
            let Some(&h) = index.get(r.stratum) else {
                let values: Vec<String> =
                    r.stratum.split(KEY_SEPARATOR).map(String::from).collect();
                return Err(DrawError::UnknownStratum {
                    line: r.line,
                    stratum: describe_key(&plan.by, &values),
                    known: known(),
                });
            };
            hashes.push(id_hash(r.id));
            let s = &strata[h];
            if seen[h] == next[h] && taken[h] < s.sample_size {
                selected.push(Selected {
                    line: r.line,
                    id: r.id.to_string(),
                    stratum: h,
                });
                taken[h] += 1;
                if taken[h] < s.sample_size {
                    next[h] = position(s.random_bits, taken[h], s.population, s.sample_size);
                }
            }
            seen[h] += 1;
            Ok(())
        },
    )?;
    for (h, s) in strata.iter().enumerate() {
        if seen[h] != s.population {
            return Err(DrawError::CountMismatch {
                stratum: describe_key(&plan.by, &s.key),
                frame: seen[h],
                plan: s.population,
            });
        }
        debug_assert_eq!(taken[h], s.sample_size);
    }
    check_unique_ids(&open, encoding, id_column, &plan.by, hashes)?;
    Ok(Draw {
        seed: seed.to_string(),
        strata,
        selected,
        frame,
    })
}

/// A 64-bit hash of an id (fixed keys: the same in every run).
fn id_hash(id: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

/// Sorts the ids' hashes; when some hash comes twice, reads the frame again for the lines
/// with such a hash, to tell a duplicate id from a hash collision and name its lines.
fn check_unique_ids<R: Read>(
    open: &impl Fn() -> std::io::Result<R>,
    encoding: FrameEncoding,
    id_column: &str,
    by: &[String],
    mut hashes: Vec<u64>,
) -> Result<(), DrawError> {
    hashes.sort_unstable();
    let repeated: std::collections::HashSet<u64> = hashes
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(hashes);
    if repeated.is_empty() {
        return Ok(());
    }
    // First line of each suspect id, and the earliest line that repeats one.
    let mut first: HashMap<String, u64> = HashMap::new();
    let mut duplicate: Option<(u64, u64)> = None;
    read_frame::<_, DrawError>(
        open().map_err(FrameError::from)?,
        encoding,
        id_column,
        by,
        |r| {
            if duplicate.is_none() && repeated.contains(&id_hash(r.id)) {
                match first.get(r.id) {
                    Some(&line) => duplicate = Some((r.line, line)),
                    None => {
                        first.insert(r.id.to_string(), r.line);
                    }
                }
            }
            Ok(())
        },
    )?;
    match duplicate {
        Some((line, first_line)) => Err(DrawError::DuplicateId { line, first_line }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::plan::StratumPlan;

    fn plan(strata: &[(&str, u64, u64)]) -> Plan {
        Plan {
            by: vec!["area".into()],
            strata: strata
                .iter()
                .map(|&(k, population, sample_size)| StratumPlan {
                    key: vec![k.into()],
                    population,
                    sample_size,
                    expected_rate: None,
                    line: 0,
                })
                .collect(),
        }
    }

    fn run(frame: &str, plan: &Plan, seed: &str) -> Result<Draw, DrawError> {
        let bytes = frame.as_bytes().to_vec();
        draw(
            || Ok(std::io::Cursor::new(bytes.clone())),
            FrameEncoding::Auto,
            "id",
            plan,
            seed,
        )
    }

    #[test]
    fn random_bits_are_the_documented_sha256() {
        // printf 'citizen-survey sample v1\n42\nnorth' | sha256sum → 0c25a05370b6b28a…
        assert_eq!(
            random_bits("42", &["north".into()]),
            0x0c25_a053_70b6_b28a >> 11
        );
        // printf 'citizen-survey sample v1\n42\nsouth' | sha256sum → 9c14a0391c980b15…
        assert_eq!(
            random_bits("42", &["south".into()]),
            0x9c14_a039_1c98_0b15 >> 11
        );
    }

    #[test]
    fn a_small_frame_by_hand() {
        // north: 10 records (n01…n10), 3 selected: k = 10/3, u = 0x0c25a05370b6b28a / 2⁶⁴
        // = 0.047449…, s = u k = 0.158164…; positions ⌊0.158⌋ = 0, ⌊3.492⌋ = 3,
        // ⌊6.825⌋ = 6 → n01, n04, n07. south: 4 records, 2 selected: k = 2,
        // u = 0x9c14a0391c980b15 / 2⁶⁴ = 0.609690…, s = 1.219379…; positions 1, 3 → s2, s4.
        // Records interleave in the file; the file's order is kept.
        let frame = "id,area\nn01,north\ns1,south\nn02,north\nn03,north\nn04,north\ns2,south\n\
                     n05,north\nn06,north\ns3,south\nn07,north\nn08,north\nn09,north\ns4,south\nn10,north\n";
        let d = run(frame, &plan(&[("north", 10, 3), ("south", 4, 2)]), "42").unwrap();
        let ids: Vec<&str> = d.selected.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["n01", "n04", "s2", "n07", "s4"]);
        assert_eq!(d.selected[2].line, 7);
        assert!((d.strata[0].start() - 0.158_163_771_219_774_76).abs() < 1e-12);
        assert!((d.strata[1].start() - 1.219_379_451_643_533_5).abs() < 1e-12);
        assert_eq!(d.strata[0].first_position(), 1);
        assert_eq!(d.strata[1].first_position(), 2);
        assert!((d.strata[0].interval() - 10.0 / 3.0).abs() < 1e-15);
        assert_eq!(d.frame.records, 14);
        // The same seed, the same sample; another seed, another one.
        let again = run(frame, &plan(&[("north", 10, 3), ("south", 4, 2)]), "42").unwrap();
        assert_eq!(again.selected, d.selected);
        let differ = (0..20).any(|seed| {
            run(
                frame,
                &plan(&[("north", 10, 3), ("south", 4, 2)]),
                &seed.to_string(),
            )
            .unwrap()
            .selected
                != d.selected
        });
        assert!(differ);
    }

    #[test]
    fn positions_are_distinct_in_range_and_exactly_n() {
        for (population, n) in [(10u64, 3u64), (7, 7), (1000, 1), (400_000, 3000), (13, 12)] {
            for u in [0, 1, (1 << 52) + 12345, (1 << 53) - 1] {
                let p: Vec<u64> = (0..n).map(|j| position(u, j, population, n)).collect();
                assert!(p.windows(2).all(|w| w[0] < w[1]), "{population} {n}");
                assert!(*p.last().unwrap() < population);
            }
        }
    }

    /// The exact inclusion probability of every record: the start s = u k is uniform on
    /// [0, k); record i is selected when s + j k ∈ [i, i + 1) for some j. Integrating over
    /// s piecewise (the selection only changes where s + j k crosses a whole number) gives
    /// π_i, which must be n / N for every record (the hand formula of systematic sampling
    /// with a fractional interval).
    #[test]
    fn inclusion_probabilities_are_n_over_n_exactly() {
        for (population, n) in [(10u64, 3u64), (11, 4), (7, 7), (25, 6), (9, 1)] {
            let k = population as f64 / n as f64;
            let mut cuts: Vec<f64> = vec![0.0, k];
            for i in 0..=population {
                for j in 0..n {
                    let c = i as f64 - j as f64 * k;
                    if c > 0.0 && c < k {
                        cuts.push(c);
                    }
                }
            }
            cuts.sort_by(f64::total_cmp);
            let mut pi = vec![0.0; population as usize];
            for w in cuts.windows(2) {
                if w[1] - w[0] < 1e-12 {
                    continue;
                }
                let mid = (w[0] + w[1]) / 2.0;
                let u = ((mid / k) * TWO_53 as f64) as u64;
                for j in 0..n {
                    pi[position(u, j, population, n) as usize] += (w[1] - w[0]) / k;
                }
            }
            for p in pi {
                assert!(
                    (p - n as f64 / population as f64).abs() < 1e-9,
                    "{population} {n}: {p}"
                );
            }
        }
    }

    #[test]
    fn a_large_frame_gives_the_planned_count_per_stratum() {
        let areas = ["a", "b", "c", "d", "e"];
        let sizes = [12_345u64, 8_000, 20_011, 1_500, 7];
        let mut frame = String::from("id,name,area\n");
        let mut counters = [0u64; 5];
        let mut i = 0u64;
        // Interleave the strata irregularly.
        while counters.iter().zip(&sizes).any(|(c, s)| c < s) {
            let h = ((i * 7919) % 5) as usize;
            i += 1;
            if counters[h] < sizes[h] {
                counters[h] += 1;
                frame.push_str(&format!("R{i:07},氏名{i},{}\n", areas[h]));
            }
        }
        let p = Plan::make(
            vec!["area".into()],
            areas
                .iter()
                .zip(sizes)
                .map(|(a, s)| (vec![a.to_string()], s))
                .collect(),
            3000,
            crate::sample::plan::Allocation::Minimum(300),
            |_| None,
        )
        .unwrap();
        let d = run(&frame, &p, "20261001").unwrap();
        for (h, s) in p.strata.iter().enumerate() {
            let got = d.selected.iter().filter(|x| x.stratum == h).count() as u64;
            assert_eq!(got, s.sample_size, "{:?}", s.key);
        }
        assert_eq!(d.selected.len(), 3000);
        // The stratum of 7 is taken whole.
        assert_eq!(p.strata[4].sample_size, 7);
    }

    #[test]
    fn bad_frames_are_refused_with_their_line() {
        let p = plan(&[("north", 3, 1), ("south", 1, 1)]);
        let err = |frame: &str| run(frame, &p, "1").unwrap_err().to_string();
        assert_eq!(
            err("id,area\n1,north\n2,west\n"),
            "line 3: the stratum area=west is not in the plan (the plan's strata: area=north; area=south)"
        );
        assert_eq!(
            err("id,area\n1,north\n2,south\n3,north\n2,north\n"),
            "line 5: the id is the same as on line 3: ids must be unique"
        );
        assert_eq!(
            err("id,area\n1,north\n2,south\n3,north\n"),
            "the frame has 2 records in stratum area=north, the plan 3: make the plan from this frame (`sample plan --frame FRAME.csv`) or from counts of the same date"
        );
        assert_eq!(
            err("name,area\n"),
            "line 1: the frame has no column `id` (its columns: name,area)"
        );
        assert!(matches!(
            run("id,area\n1,north\n", &p, " ").unwrap_err(),
            DrawError::EmptySeed
        ));
    }
}
