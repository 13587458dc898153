//! Settings: each an environment variable and a command-line flag, each with a default that
//! works on a laptop. Parsed once into values passed down; nothing reads the environment later.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "citizen-survey",
    version,
    about = "Anonymous citizen surveys for Suita City's digital policy",
    long_about = "Serves the survey forms, stores anonymous responses and exports per-vision scores. Without a command it serves."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: sqlite://PATH (created if missing).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/citizen-survey.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    /// Address and port the web server listens on.
    #[arg(
        long = "bind",
        env = "SURVEY_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Folder with visions.toml and waves/*.toml.
    #[arg(
        long = "definitions",
        env = "SURVEY_DEFINITIONS",
        default_value = "survey-definitions",
        global = true
    )]
    pub definitions: PathBuf,

    /// SMTP server for invitations, e.g. smtp://127.0.0.1:1025 (not used by any feature yet).
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The address residents reach the service at, for links in e-mails.
    #[arg(
        long,
        env = "PUBLIC_BASE_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub public_base_url: String,

    /// Aggregates over fewer respondents than this are suppressed in exports.
    #[arg(
        long,
        env = "SURVEY_MIN_GROUP_SIZE",
        default_value_t = 10,
        global = true
    )]
    pub min_group_size: u64,

    /// Pretend today is this date (YYYY-MM-DD), to rehearse a wave before it opens or in
    /// tests. Never set it in production: submissions would be dated wrongly.
    #[arg(long, env = "SURVEY_TODAY", global = true)]
    pub today: Option<chrono::NaiveDate>,

    /// Largest accepted form submission, in bytes.
    #[arg(long, env = "SURVEY_MAX_BODY_BYTES", default_value_t = 256 * 1024, global = true)]
    pub max_body_bytes: usize,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Validate survey definitions; exit 0 when valid, else list errors as FILE:LINE.
    Check {
        /// Definitions folder (default: SURVEY_DEFINITIONS).
        dir: Option<PathBuf>,
    },
    /// Manage analyst accounts.
    #[command(subcommand)]
    Analyst(AnalystCommand),
    /// Write an export to a file or standard output.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Subcommand)]
pub enum AnalystCommand {
    /// Create an analyst and print their bearer token once (only its hash is stored).
    Create { name: String },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Per-vision scores of a wave.
    VisionScores {
        #[arg(long)]
        wave: String,
        /// utf-8-bom (default), utf-8 or shift_jis.
        #[arg(long, default_value = "utf-8-bom")]
        encoding: String,
        /// File to write (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}
