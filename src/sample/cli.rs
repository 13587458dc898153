//! The `sample` commands: thin wrappers that read files, call the pure cores and write the
//! results atomically (nothing is written when anything is wrong).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;

use super::counts::{describe_key, parse_counts};
use super::draw::{Draw, draw};
use super::frame::{FrameEncoding, count_strata};
use super::plan::{Allocation, Plan, parse_plan};
use crate::export::{CsvWriter, Encoding};

/// The file of selected ids in a draw's output folder.
pub const SELECTED_FILE: &str = "selected_ids.csv";
/// The sampling record (抽出記録) in a draw's output folder.
pub const RECORD_FILE: &str = "sampling_record.csv";

#[derive(Debug, Subcommand)]
pub enum SampleCommand {
    /// Allocate N letters over strata: per stratum n_h, the design weight N_h/n_h, the
    /// expected returns and the margin of error at 50%. Prints a table (stderr) and
    /// writes the plan CSV (--output, else standard output) that `sample draw` reads.
    Plan {
        /// Counts by stratum: a CSV with the --by columns (possibly more, added up) and
        /// `population`, with `# source:` and `# reference_date:` lines.
        #[arg(long, required_unless_present = "frame", conflicts_with = "frame")]
        population: Option<PathBuf>,
        /// Or count the strata of the frame itself (streamed, nothing kept).
        #[arg(long)]
        frame: Option<PathBuf>,
        /// Letters in all.
        #[arg(long)]
        n: u64,
        /// Stratifying columns, comma-separated (e.g. area or area,age_band).
        #[arg(long, value_delimiter = ',', required = true)]
        by: Vec<String>,
        /// proportional (default), equal or min=K (proportional with at least K each).
        #[arg(long, default_value = "proportional")]
        allocation: String,
        /// Expected response rate: a number (0.45) or a CSV with the --by columns and
        /// `expected_rate`.
        #[arg(long)]
        expected_rate: Option<String>,
        /// With --frame: the id column and the frame's encoding (auto, utf-8, shift_jis).
        #[arg(long, default_value = "id")]
        id_column: String,
        #[arg(long, default_value = "auto")]
        frame_encoding: String,
        /// CSV file to write (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Draw the plan's sample from a frame by stratified systematic sampling with a
    /// random start from --seed. Writes DIR/selected_ids.csv (ids only, for the mail
    /// merge) and DIR/sampling_record.csv (抽出記録); stores nothing of the frame.
    Draw {
        /// The frame: CSV with a header, the id column and the plan's stratifying columns
        /// (other columns are read past, never kept); UTF-8 or Shift_JIS.
        #[arg(long)]
        frame: PathBuf,
        /// The plan written by `sample plan`.
        #[arg(long)]
        plan: PathBuf,
        /// The seed (e.g. a number drawn in public); the same seed and frame give the
        /// same sample.
        #[arg(long)]
        seed: String,
        /// Output folder (created; a folder that already holds a draw is refused).
        #[arg(long)]
        output: PathBuf,
        #[arg(long, default_value = "id")]
        id_column: String,
        /// auto (default), utf-8 or shift_jis.
        #[arg(long, default_value = "auto")]
        frame_encoding: String,
        /// Encoding of the written files: utf-8-bom (default), utf-8 or shift_jis.
        #[arg(long, default_value = "utf-8-bom")]
        encoding: String,
    },
}

pub fn run(command: SampleCommand, today: NaiveDate) -> anyhow::Result<()> {
    match command {
        SampleCommand::Plan {
            population,
            frame,
            n,
            by,
            allocation,
            expected_rate,
            id_column,
            frame_encoding,
            output,
        } => {
            let allocation: Allocation = allocation.parse().map_err(anyhow::Error::msg)?;
            let (strata, origin) = match (&population, &frame) {
                (Some(path), _) => {
                    let table =
                        parse_counts(&read(path)?).with_context(|| path.display().to_string())?;
                    let strata = table
                        .aggregate(&by)
                        .with_context(|| path.display().to_string())?;
                    if table.declaration.is_example() {
                        eprintln!(
                            "warning: {} is {}; fine for a rehearsal, not for a real draw",
                            path.display(),
                            table.declaration.describe()
                        );
                    }
                    (
                        strata,
                        format!("{}: {}", path.display(), table.declaration.describe()),
                    )
                }
                (None, Some(path)) => {
                    let encoding: FrameEncoding =
                        frame_encoding.parse().map_err(anyhow::Error::msg)?;
                    let file = std::fs::File::open(path)
                        .with_context(|| format!("cannot open {}", path.display()))?;
                    let (strata, summary) = count_strata(file, encoding, &id_column, &by)
                        .with_context(|| path.display().to_string())?;
                    (
                        strata,
                        format!(
                            "{}: {} records counted (SHA-256 {})",
                            path.display(),
                            summary.records,
                            summary.sha256
                        ),
                    )
                }
                (None, None) => anyhow::bail!("give --population FILE or --frame FILE"),
            };
            let rates = match expected_rate.as_deref() {
                None => Rates::None,
                Some(text) => match text.parse::<f64>() {
                    Ok(r) if r > 0.0 && r <= 1.0 => Rates::All(r),
                    Ok(_) => anyhow::bail!(
                        "--expected-rate {text}: a rate is a number above 0 and at most 1 (0.45 for 45%)"
                    ),
                    Err(_) => Rates::read(Path::new(text), &by, &strata)?,
                },
            };
            let plan = Plan::make(by, strata, n, allocation, |key| rates.of(key))?;
            let mut bytes = Vec::new();
            {
                let header = plan.header();
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                let mut csv = CsvWriter::new(&mut bytes, Encoding::Utf8Bom, &header)?;
                for row in plan.rows() {
                    csv.write(&row)?;
                }
                csv.finish()?;
            }
            eprintln!("population: {origin}");
            eprintln!(
                "allocation: {allocation}; n = {}; Kish design effect of the design weights {:.3}",
                plan.sample_size(),
                plan.kish_deff()
            );
            if matches!(rates, Rates::None) {
                eprintln!(
                    "no --expected-rate: returns and margins of error assume everyone answers"
                );
            }
            eprint!("{}", plan.table());
            match output {
                Some(path) => {
                    write_atomically(&path, &bytes)?;
                    eprintln!("plan written to {}", path.display());
                }
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
            Ok(())
        }
        SampleCommand::Draw {
            frame,
            plan,
            seed,
            output,
            id_column,
            frame_encoding,
            encoding,
        } => {
            let frame_encoding: FrameEncoding =
                frame_encoding.parse().map_err(anyhow::Error::msg)?;
            let encoding: Encoding = encoding.parse().map_err(anyhow::Error::msg)?;
            let plan_file = &plan;
            let plan =
                parse_plan(&read(plan_file)?).with_context(|| plan_file.display().to_string())?;
            for name in [SELECTED_FILE, RECORD_FILE] {
                let path = output.join(name);
                if path.exists() {
                    anyhow::bail!(
                        "{} already exists: a draw is never overwritten; choose a new --output folder",
                        path.display()
                    );
                }
            }
            std::fs::File::open(&frame)
                .with_context(|| format!("cannot open {}", frame.display()))?;
            let d = draw(
                || std::fs::File::open(&frame),
                frame_encoding,
                &id_column,
                &plan,
                &seed,
            )
            .with_context(|| frame.display().to_string())?;
            let selected = selected_csv(&d, encoding)?;
            let record = record_csv(&d, &plan.by, today, encoding)?;
            std::fs::create_dir_all(&output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            let selected_path = output.join(SELECTED_FILE);
            let record_path = output.join(RECORD_FILE);
            write_atomically(&selected_path, &selected)?;
            if let Err(e) = write_atomically(&record_path, &record) {
                let _ = std::fs::remove_file(&selected_path);
                return Err(e);
            }
            eprintln!(
                "{} of {} residents selected ({} strata, frame {}, SHA-256 {}): ids in {}, sampling record in {}",
                d.selected.len(),
                d.frame.records,
                d.strata.len(),
                d.frame.encoding,
                d.frame.sha256,
                selected_path.display(),
                record_path.display()
            );
            eprintln!(
                "The ids file is personal data: hand it to the mail merge and delete it after mailing. Nothing of the frame was stored."
            );
            Ok(())
        }
    }
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes beside the target, then renames, so that a failure leaves no half file; the
/// file is readable by its owner only.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().to_string());
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let result = (|| -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::Error::new(e).context(format!("cannot write {}", path.display())));
    }
    Ok(())
}

/// `id` per selected resident, in frame order.
fn selected_csv(d: &Draw, encoding: Encoding) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut csv = CsvWriter::new(&mut bytes, encoding, &["id"])?;
    for s in &d.selected {
        csv.write(&[s.id.as_str()])?;
    }
    csv.finish()?;
    Ok(bytes)
}

/// The sampling record: one line per stratum.
pub const RECORD_COLUMNS: [&str; 11] = [
    "population",
    "sample_size",
    "interval",
    "random_start",
    "first_position",
    "random_bits",
    "seed",
    "frame_records",
    "frame_sha256",
    "frame_encoding",
    "drawn_on",
];

fn record_csv(
    d: &Draw,
    by: &[String],
    today: NaiveDate,
    encoding: Encoding,
) -> anyhow::Result<Vec<u8>> {
    let header: Vec<&str> = by
        .iter()
        .map(String::as_str)
        .chain(RECORD_COLUMNS)
        .collect();
    let mut bytes = Vec::new();
    let mut csv = CsvWriter::new(&mut bytes, encoding, &header)?;
    for s in &d.strata {
        let mut row = s.key.clone();
        row.extend([
            s.population.to_string(),
            s.sample_size.to_string(),
            format!("{:.6}", s.interval()),
            format!("{:.6}", s.start()),
            s.first_position().to_string(),
            s.random_bits.to_string(),
            d.seed.clone(),
            d.frame.records.to_string(),
            d.frame.sha256.clone(),
            d.frame.encoding.to_string(),
            today.to_string(),
        ]);
        csv.write(&row)?;
    }
    csv.finish()?;
    Ok(bytes)
}

/// Expected response rates per stratum.
enum Rates {
    None,
    All(f64),
    PerStratum(std::collections::HashMap<Vec<String>, f64>),
}

impl Rates {
    fn of(&self, key: &[String]) -> Option<f64> {
        match self {
            Rates::None => None,
            Rates::All(r) => Some(*r),
            Rates::PerStratum(m) => m.get(key).copied(),
        }
    }

    /// A CSV with the stratifying columns and `expected_rate` (0–1), one line per stratum.
    fn read(path: &Path, by: &[String], strata: &[(Vec<String>, u64)]) -> anyhow::Result<Rates> {
        let bytes = read(path)?;
        let shown = path.display();
        let text =
            std::str::from_utf8(&bytes).map_err(|_| anyhow::anyhow!("{shown}: not UTF-8 text"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let column = |name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                anyhow::anyhow!(
                    "{shown}:1: no column `{name}` (expected {},expected_rate)",
                    by.join(",")
                )
            })
        };
        let key_at: Vec<usize> = by.iter().map(|c| column(c)).collect::<Result<_, _>>()?;
        let rate_at = column("expected_rate")?;
        let mut rates = std::collections::HashMap::new();
        for record in reader.records() {
            let record = record?;
            let line = record.position().map_or(0, |p| p.line());
            let key: Vec<String> = key_at
                .iter()
                .map(|&i| record.get(i).unwrap_or("").trim().to_string())
                .collect();
            if !strata.iter().any(|(k, _)| *k == key) {
                anyhow::bail!(
                    "{shown}:{line}: {} is not a stratum of the population",
                    describe_key(by, &key)
                );
            }
            let value = record.get(rate_at).unwrap_or("").trim();
            let rate: f64 = value
                .parse()
                .ok()
                .filter(|r: &f64| *r > 0.0 && *r <= 1.0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{shown}:{line}: expected_rate `{value}` must be a number above 0 and at most 1"
                    )
                })?;
            if rates.insert(key.clone(), rate).is_some() {
                anyhow::bail!("{shown}:{line}: {} is given twice", describe_key(by, &key));
            }
        }
        if let Some((key, _)) = strata.iter().find(|(k, _)| !rates.contains_key(k)) {
            anyhow::bail!("{shown}: no expected_rate for {}", describe_key(by, key));
        }
        Ok(Rates::PerStratum(rates))
    }
}
