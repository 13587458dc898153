//! The resident population by age band × area that weighted figures are post-stratified to
//! (`survey-definitions/population.csv`), and its parser.
//!
//! File format (UTF-8, an optional byte-order mark is accepted, LF or CRLF line ends):
//!
//! ```text
//! # comment lines start with '#'; blank lines are ignored
//! age_band,area,population
//! age_18_29,jr_south,8965
//! …
//! ```
//!
//! Exactly one line per age band × area, codes being the option codes of the wave's
//! `age_band` and `area` questions other than the "no answer" ones ([`StratumCodes`]), and
//! `population` a whole number ≥ 1 written without separators.

use std::collections::HashMap;
use std::fmt;

use crate::definitions::Wave;

/// The question whose options are the age bands.
pub const AGE_BAND_QUESTION: &str = "age_band";
/// The question whose options are the areas.
pub const AREA_QUESTION: &str = "area";
/// Age-band option meaning "prefer not to say": the respondent's age band is unknown.
pub const AGE_BAND_NO_ANSWER: &str = "no_answer";
/// Area option meaning "outside the city / prefer not to say": the area is unknown.
pub const AREA_NO_ANSWER: &str = "outside_or_no_answer";
/// The header line the file must have.
pub const POPULATION_HEADER: &str = "age_band,area,population";

/// The age-band and area codes that form the post-stratification cells, in definition
/// order (the order is the canonical order used when collapsing strata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StratumCodes {
    pub age_bands: Vec<String>,
    pub areas: Vec<String>,
}

impl StratumCodes {
    /// The option codes of the wave's `age_band` and `area` questions, without
    /// [`AGE_BAND_NO_ANSWER`] and [`AREA_NO_ANSWER`]. `None` when the wave lacks either
    /// question or either has no other option.
    pub fn from_wave(wave: &Wave) -> Option<StratumCodes> {
        let codes = |question: &str, no_answer: &str| -> Option<Vec<String>> {
            let codes: Vec<String> = wave
                .question(question)?
                .kind
                .options()
                .iter()
                .map(|c| c.code.clone())
                .filter(|c| c != no_answer)
                .collect();
            (!codes.is_empty()).then_some(codes)
        };
        Some(StratumCodes {
            age_bands: codes(AGE_BAND_QUESTION, AGE_BAND_NO_ANSWER)?,
            areas: codes(AREA_QUESTION, AREA_NO_ANSWER)?,
        })
    }
}

/// Resident counts N_{a,k} for every age band a × area k.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    codes: StratumCodes,
    /// Age-major: `counts[a * areas + k]`.
    counts: Vec<u64>,
}

impl Population {
    /// A population from counts listed age-major (all areas of the first age band, then the
    /// next age band…). `None` when the number of counts is not ages × areas or a count is 0.
    pub fn new(codes: StratumCodes, counts: Vec<u64>) -> Option<Population> {
        let ok = counts.len() == codes.age_bands.len() * codes.areas.len()
            && !counts.is_empty()
            && counts.iter().all(|&c| c > 0);
        ok.then_some(Population { codes, counts })
    }

    pub fn codes(&self) -> &StratumCodes {
        &self.codes
    }

    /// N_{a,k}, by indices into [`StratumCodes::age_bands`] and [`StratumCodes::areas`].
    pub fn cell(&self, age_band: usize, area: usize) -> u64 {
        self.counts[age_band * self.codes.areas.len() + area]
    }

    /// N_{a,·}: everyone in the age band, all areas.
    pub fn age_band_total(&self, age_band: usize) -> u64 {
        (0..self.codes.areas.len())
            .map(|k| self.cell(age_band, k))
            .sum()
    }

    /// N_{·,k}: everyone in the area, all age bands.
    pub fn area_total(&self, area: usize) -> u64 {
        (0..self.codes.age_bands.len())
            .map(|a| self.cell(a, area))
            .sum()
    }

    /// N: the whole population.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Why a population file was refused. Every variant but [`Empty`](Self::Empty) and
/// [`MissingCells`](Self::MissingCells) names the (1-based) line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PopulationError {
    #[error("the population file has no header line `{POPULATION_HEADER}`")]
    Empty,
    #[error("line {line}: the header must be `{POPULATION_HEADER}`, found `{found}`")]
    BadHeader { line: usize, found: String },
    #[error(
        "line {line}: expected 3 comma-separated fields (age_band,area,population), found {found} \
         (write numbers without thousands separators)"
    )]
    FieldCount { line: usize, found: usize },
    #[error("line {line}: unknown age band `{code}` (expected one of: {expected})")]
    UnknownAgeBand {
        line: usize,
        code: String,
        expected: String,
    },
    #[error("line {line}: unknown area `{code}` (expected one of: {expected})")]
    UnknownArea {
        line: usize,
        code: String,
        expected: String,
    },
    #[error("line {line}: {age_band} × {area} is already given on line {first_line}")]
    DuplicateCell {
        line: usize,
        age_band: String,
        area: String,
        first_line: usize,
    },
    #[error("line {line}: population `{value}` is not a whole number")]
    NotAnInteger { line: usize, value: String },
    #[error("line {line}: population must be at least 1, found {value}")]
    NotPositive { line: usize, value: String },
    #[error("no line for {}", format_cells(.cells))]
    MissingCells { cells: Vec<(String, String)> },
}

fn format_cells(cells: &[(String, String)]) -> String {
    cells
        .iter()
        .map(|(a, k)| format!("{a} × {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for StratumCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "age bands {}; areas {}",
            self.age_bands.join(", "),
            self.areas.join(", ")
        )
    }
}

/// Parses a population file (format in the module docs) against the cells `codes` defines.
/// Stops at the first problem, naming its line.
pub fn parse_population(text: &str, codes: &StratumCodes) -> Result<Population, PopulationError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cells = codes.age_bands.len() * codes.areas.len();
    let mut first_line: Vec<Option<usize>> = vec![None; cells];
    let mut counts = vec![0u64; cells];
    let age_index: HashMap<&str, usize> = codes
        .age_bands
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let area_index: HashMap<&str, usize> = codes
        .areas
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();

    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = content.split(',').map(str::trim).collect();
        if !header_seen {
            if fields != ["age_band", "area", "population"] {
                return Err(PopulationError::BadHeader {
                    line,
                    found: content.to_string(),
                });
            }
            header_seen = true;
            continue;
        }
        let [age, area, value] = fields[..] else {
            return Err(PopulationError::FieldCount {
                line,
                found: fields.len(),
            });
        };
        let Some(&a) = age_index.get(age) else {
            return Err(PopulationError::UnknownAgeBand {
                line,
                code: age.to_string(),
                expected: codes.age_bands.join(", "),
            });
        };
        let Some(&k) = area_index.get(area) else {
            return Err(PopulationError::UnknownArea {
                line,
                code: area.to_string(),
                expected: codes.areas.join(", "),
            });
        };
        let cell = a * codes.areas.len() + k;
        if let Some(first) = first_line[cell] {
            return Err(PopulationError::DuplicateCell {
                line,
                age_band: age.to_string(),
                area: area.to_string(),
                first_line: first,
            });
        }
        let count = parse_count(value).ok_or_else(|| PopulationError::NotAnInteger {
            line,
            value: value.to_string(),
        })?;
        if count <= 0 {
            return Err(PopulationError::NotPositive {
                line,
                value: value.to_string(),
            });
        }
        first_line[cell] = Some(line);
        counts[cell] = count.unsigned_abs();
    }
    if !header_seen {
        return Err(PopulationError::Empty);
    }
    let missing: Vec<(String, String)> = first_line
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_none())
        .map(|(cell, _)| {
            let (a, k) = (cell / codes.areas.len(), cell % codes.areas.len());
            (codes.age_bands[a].clone(), codes.areas[k].clone())
        })
        .collect();
    if !missing.is_empty() {
        return Err(PopulationError::MissingCells { cells: missing });
    }
    Ok(Population {
        codes: codes.clone(),
        counts,
    })
}

/// A whole number, signed so that "-5" is reported as non-positive rather than as not a
/// number. "12.0", "1e3", "12,345" and "" are not whole numbers.
fn parse_count(value: &str) -> Option<i64> {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> StratumCodes {
        StratumCodes {
            age_bands: vec!["young".into(), "old".into()],
            areas: vec!["north".into(), "south".into(), "east".into()],
        }
    }

    const GOOD: &str = "\u{feff}# example\r\n\
        age_band,area,population\r\n\
        young,north,10\r\n\
        young,south,20\n\
        \n\
        # a comment between lines\n\
        young,east,30\n\
        old,north, 40 \n\
        old,south,50\n\
        old,east,60\n";

    #[test]
    fn parses_a_complete_file_with_comments_bom_and_crlf() {
        let p = parse_population(GOOD, &codes()).unwrap();
        assert_eq!(p.cell(0, 0), 10);
        assert_eq!(p.cell(0, 2), 30);
        assert_eq!(p.cell(1, 0), 40);
        assert_eq!(p.cell(1, 2), 60);
        assert_eq!(p.age_band_total(0), 60);
        assert_eq!(p.age_band_total(1), 150);
        assert_eq!(p.area_total(1), 70);
        assert_eq!(p.total(), 210);
        assert_eq!(p.codes(), &codes());
    }

    fn err(text: &str) -> PopulationError {
        parse_population(text, &codes()).unwrap_err()
    }

    #[test]
    fn reports_header_problems() {
        assert_eq!(err("# only comments\n\n"), PopulationError::Empty);
        assert_eq!(
            err("# c\nage,area,population\n"),
            PopulationError::BadHeader {
                line: 2,
                found: "age,area,population".into()
            }
        );
        // A data line where the header should be.
        assert!(matches!(
            err("young,north,10\n"),
            PopulationError::BadHeader { line: 1, .. }
        ));
    }

    #[test]
    fn reports_bad_lines_with_their_number() {
        let h = "age_band,area,population\n";
        assert_eq!(
            err(&format!("{h}young,north,12,345\n")),
            PopulationError::FieldCount { line: 2, found: 4 }
        );
        assert!(matches!(
            err(&format!("{h}young,north,1\nmiddle,north,5\n")),
            PopulationError::UnknownAgeBand { line: 3, ref code, .. } if code == "middle"
        ));
        assert!(matches!(
            err(&format!("{h}young,west,5\n")),
            PopulationError::UnknownArea { line: 2, ref code, .. } if code == "west"
        ));
        assert_eq!(
            err(&format!("{h}young,north,1\n# c\nyoung,north,2\n")),
            PopulationError::DuplicateCell {
                line: 4,
                age_band: "young".into(),
                area: "north".into(),
                first_line: 2
            }
        );
        for bad in ["12.5", "1e3", "", "ten", "+", "99999999999999999999"] {
            assert_eq!(
                err(&format!("{h}young,north,{bad}\n")),
                PopulationError::NotAnInteger {
                    line: 2,
                    value: bad.into()
                },
                "{bad}"
            );
        }
        for bad in ["0", "-5"] {
            assert_eq!(
                err(&format!("{h}young,north,{bad}\n")),
                PopulationError::NotPositive {
                    line: 2,
                    value: bad.into()
                }
            );
        }
    }

    #[test]
    fn reports_every_missing_cell() {
        let e = err("age_band,area,population\nyoung,north,1\nyoung,south,1\nold,east,1\n");
        assert_eq!(
            e,
            PopulationError::MissingCells {
                cells: vec![
                    ("young".into(), "east".into()),
                    ("old".into(), "north".into()),
                    ("old".into(), "south".into()),
                ]
            }
        );
        assert_eq!(
            e.to_string(),
            "no line for young × east, old × north, old × south"
        );
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            err("age_band,area,population\nyoung,north,0\n").to_string(),
            "line 2: population must be at least 1, found 0"
        );
    }

    #[test]
    fn new_checks_shape_and_positivity() {
        assert!(Population::new(codes(), vec![1; 6]).is_some());
        assert!(Population::new(codes(), vec![1; 5]).is_none());
        assert!(Population::new(codes(), vec![1, 1, 1, 1, 1, 0]).is_none());
        assert_eq!(
            codes().to_string(),
            "age bands young, old; areas north, south, east"
        );
    }

    #[test]
    fn codes_come_from_the_wave_definitions() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions");
        let defs = crate::definitions::load_dir(&dir).unwrap();
        for wave in &defs.waves {
            let codes = StratumCodes::from_wave(wave).unwrap();
            assert_eq!(codes.age_bands.len(), 7, "{}", wave.id);
            assert_eq!(codes.areas.len(), 6, "{}", wave.id);
            assert!(!codes.age_bands.iter().any(|c| c == AGE_BAND_NO_ANSWER));
            assert!(!codes.areas.iter().any(|c| c == AREA_NO_ANSWER));
            // The example population file beside the definitions matches every wave.
            let text = std::fs::read_to_string(dir.join("population.csv")).unwrap();
            let p = parse_population(&text, &codes).unwrap();
            assert!(p.total() > 300_000);
        }
    }
}
