//! Settings: each an environment variable and a command-line flag, each with a default that
//! works on a laptop. Parsed once into values passed down; nothing reads the environment later.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `PUBLIC_BASE_URL` when it is not set: fine on a laptop, refused for letters.
pub const DEFAULT_PUBLIC_BASE_URL: &str = "http://127.0.0.1:8080";

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

    /// SMTP server for invitations: smtp://HOST:PORT, smtp://USER:PASSWORD@HOST:587?tls=required
    /// (STARTTLS) or smtps://HOST:465 (TLS). Without it, invitations stay queued.
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of invitations, e.g. "Suita City <survey@city.suita.example>" (default:
    /// survey@ the host of PUBLIC_BASE_URL).
    #[arg(long, env = "SURVEY_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,

    /// Messages sent per second at most.
    #[arg(long, env = "SURVEY_MAIL_RATE", default_value_t = 2.0, global = true)]
    pub mail_rate: f64,

    /// Seconds before retrying a temporary SMTP failure; doubled for each further retry.
    #[arg(
        long,
        env = "SURVEY_MAIL_RETRY_SECONDS",
        default_value_t = 60.0,
        global = true
    )]
    pub mail_retry_seconds: f64,

    /// Attempts before a message that keeps failing temporarily is marked failed.
    #[arg(
        long,
        env = "SURVEY_MAIL_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub mail_max_attempts: i32,

    /// Seconds after which a message claimed by an instance that stopped is sent again.
    #[arg(
        long,
        env = "SURVEY_MAIL_LEASE_SECONDS",
        default_value_t = 300.0,
        global = true
    )]
    pub mail_lease_seconds: f64,

    /// Reminders go to invitees invited (and last reminded) at least this many days ago.
    #[arg(long, env = "SURVEY_REMINDER_DAYS", default_value_t = 7, global = true)]
    pub reminder_days: u32,

    /// The address residents reach the service at, for links in e-mails and letters
    /// (`codes` refuses a loopback or http:// one unless --rehearsal).
    #[arg(
        long,
        env = "PUBLIC_BASE_URL",
        default_value = DEFAULT_PUBLIC_BASE_URL,
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
    /// Paper sheets returned without their access code (`NOCODE-n`) are stored out of the
    /// estimates (returned, counted on their own line, not in 有効回収数). Applies to the
    /// sheets stored while it is set: decide before keying.
    #[arg(long, env = "SURVEY_EXCLUDE_NO_CODE_SHEETS", global = true)]
    pub exclude_no_code_sheets: bool,

    #[arg(long, env = "SURVEY_TODAY", global = true)]
    pub today: Option<chrono::NaiveDate>,

    /// Largest accepted form submission, in bytes.
    #[arg(long, env = "SURVEY_MAX_BODY_BYTES", default_value_t = 256 * 1024, global = true)]
    pub max_body_bytes: usize,

    #[command(flatten)]
    pub analyst: AnalystSettings,

    #[command(flatten)]
    pub limits: LimitSettings,
}

/// How long a client may take, and how many may be connected: so that slow or stalled
/// clients cannot hold the service (see docs/security.md, "Hardening").
#[derive(Debug, Clone, Args)]
pub struct LimitSettings {
    /// Seconds a client has to send a request's headers (after connecting, or between
    /// requests on a kept-alive connection); slower connections are closed.
    #[arg(
        long,
        env = "SURVEY_HEADER_TIMEOUT_SECONDS",
        default_value_t = 10,
        global = true
    )]
    pub header_timeout_seconds: u64,

    /// Seconds a client has to send a request's whole body; slower gets a 408 page.
    #[arg(
        long,
        env = "SURVEY_BODY_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub body_timeout_seconds: u64,

    /// Open connections at most (over all worker threads); more wait until one closes.
    #[arg(
        long,
        env = "SURVEY_MAX_CONNECTIONS",
        default_value_t = 1000,
        global = true
    )]
    pub max_connections: usize,

    /// Take the client's address from the last entry of `X-Forwarded-For` (set it only
    /// behind a reverse proxy that appends it, as the docker compose one does). Used only
    /// for the in-memory per-client sign-in limit.
    #[arg(long, env = "SURVEY_TRUST_PROXY", global = true)]
    pub trust_proxy: bool,

    /// HTTP worker threads (default: one per CPU).
    #[arg(long, env = "SURVEY_WORKERS", global = true)]
    pub workers: Option<usize>,
}

/// The same values as the flags' defaults.
impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            max_connections: 1000,
            trust_proxy: false,
            workers: None,
        }
    }
}

/// The analyst workspace: browser sessions and the sign-in lockout.
#[derive(Debug, Clone, Args)]
pub struct AnalystSettings {
    /// Minutes an analyst's browser session lasts after signing in.
    #[arg(
        long,
        env = "SURVEY_SESSION_MINUTES",
        default_value_t = 480,
        global = true
    )]
    pub session_minutes: u32,

    /// Failed sign-ins in a row before each further attempt on the account must wait
    /// (1 s, then doubling).
    #[arg(
        long,
        env = "SURVEY_LOCKOUT_FAILURES",
        default_value_t = 5,
        global = true
    )]
    pub lockout_failures: u32,

    /// The longest wait between attempts on an account that keeps failing.
    #[arg(
        long,
        env = "SURVEY_LOCKOUT_MAX_DELAY_SECONDS",
        default_value_t = 60,
        global = true
    )]
    pub lockout_max_delay_seconds: u32,

    /// Sign-in attempts per minute from one client (any account), counted in memory only.
    #[arg(
        long,
        env = "SURVEY_SIGN_IN_PER_CLIENT_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub sign_in_per_client_per_minute: u32,
}

/// The same values as the flags' defaults.
impl Default for AnalystSettings {
    fn default() -> Self {
        AnalystSettings {
            session_minutes: 480,
            lockout_failures: 5,
            lockout_max_delay_seconds: 60,
            sign_in_per_client_per_minute: 10,
        }
    }
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
    /// Write an export (CSV) to a file or standard output.
    Export(ExportCommand),
    /// Invitations for invitation-only waves.
    #[command(subcommand)]
    Invite(InviteCommand),
    /// Access codes and letters for postal random-sample waves (`access = "code"`).
    #[command(subcommand)]
    Codes(CodesCommand),
    /// The printable paper questionnaire (A4 booklet, HTML with print CSS) of a wave.
    Questionnaire {
        #[arg(long)]
        wave: String,
        /// ja (default) or en.
        #[arg(long, default_value = "ja")]
        lang: String,
        /// HTML file to write (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
        /// The printer's CSV of `codes generate` (code, url, …): one booklet per row, in
        /// its order, each with its code and the QR code of its `url` on the cover.
        #[arg(long)]
        codes: Option<PathBuf>,
    },
    /// Paper questionnaires: a tabulation vendor's CSV.
    #[command(subcommand)]
    Paper(PaperCommand),
    /// The 報告書: report.html and report.xlsx (and report.pdf) of a wave into a folder.
    Report(crate::report::cli::ReportCommand),
    /// Sample plan and draw from the resident register (docs/sampling.md).
    #[command(subcommand)]
    Sample(crate::sample::cli::SampleCommand),
    /// Free-text answers, masked: terms, KWIC, distinctive terms, co-occurrence, clusters.
    #[command(subcommand)]
    Text(crate::text::command::TextCommand),
}

#[derive(Debug, Subcommand)]
pub enum PaperCommand {
    /// Import a vendor's CSV of paper sheets (`code` + the responses export's columns,
    /// UTF-8 or Shift_JIS). Nothing is imported while a row is rejected, unless
    /// --accept-valid; codes already used are reported and skipped.
    Import {
        #[arg(long)]
        wave: String,
        file: PathBuf,
        /// Import the valid rows even if some rows were rejected.
        #[arg(long)]
        accept_valid: bool,
        /// How single-choice and scale answers are written: `boxes` (the numbers printed
        /// on the questionnaire, 9 = わからない) or `codes` (the codebook's option codes).
        /// Default: detected; a file mixing both is refused.
        #[arg(long, value_enum)]
        values: Option<crate::paper::import::Values>,
        /// The day every sheet of the file was received (YYYY-MM-DD), for a file without
        /// a `received_on` column.
        #[arg(long)]
        received_on: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Make N fresh access codes for the wave as its next mailing (only their hashes are
    /// stored) and write the printer's CSV (code, url, qr_svg_file, wave_id); with
    /// --output, the QR codes are written as SVG files in a folder beside it. Run again for
    /// more codes (a new mailing). Refuses a PUBLIC_BASE_URL that is unset, loopback or
    /// http:// unless --rehearsal.
    Generate {
        #[arg(long)]
        wave: String,
        #[arg(long)]
        count: usize,
        /// CSV file to write (default: standard output, without QR files).
        #[arg(long)]
        output: Option<PathBuf>,
        /// The mailing's name in `codes status` (default: "mailing N").
        #[arg(long)]
        label: Option<String>,
        /// A trial run: any PUBLIC_BASE_URL, and 見本 SAMPLE on every row and page.
        #[arg(long)]
        rehearsal: bool,
    },
    /// Print-ready letters (HTML, one A4 page per code) from the printer's CSV: each letter
    /// carries the link of its CSV row. Every code is checked against the database first.
    Sheet {
        #[arg(long)]
        wave: String,
        /// The CSV written by `codes generate`.
        #[arg(long)]
        codes: PathBuf,
        /// HTML file to write (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
        /// A trial run: letters for loopback or http:// links, 見本 SAMPLE on every page.
        #[arg(long)]
        rehearsal: bool,
    },
    /// The thanks-and-reminder postcard for everyone sampled (HTML, no code on it).
    Postcard {
        #[arg(long)]
        wave: String,
        #[arg(long)]
        output: Option<PathBuf>,
        /// A trial run: any PUBLIC_BASE_URL, 見本 SAMPLE on the card.
        #[arg(long)]
        rehearsal: bool,
    },
    /// Void unused codes: spares never mailed (they leave 配布数) or letters returned
    /// undeliverable (宛先不明: they leave the response-rate denominator). All or nothing.
    Void {
        #[arg(long)]
        wave: String,
        /// Codes as printed on the letters (four groups of four characters) or files of codes: a CSV with a `code` column (the
        /// printer's CSV) or one code a line.
        #[arg(long, num_args = 1.., required = true)]
        codes: Vec<String>,
        /// spare (never mailed) or undeliverable (returned by the post office).
        #[arg(long)]
        reason: String,
    },
    /// 回収状況: codes per mailing (issued, voided, used), 有効回収数 by channel and the
    /// 有効回収率, then responses per day.
    Status {
        #[arg(long)]
        wave: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Check a CSV of invitees (`email[,language]`) and queue their invitations. Nothing is
    /// imported if a row is invalid, unless --accept-valid is given.
    Import {
        #[arg(long)]
        wave: String,
        file: PathBuf,
        /// Import the valid rows even if some rows were rejected.
        #[arg(long)]
        accept_valid: bool,
    },
    /// Queue one reminder to invitees who have neither answered nor opted out.
    Remind {
        #[arg(long)]
        wave: String,
    },
    /// Counts per state (and, with --addresses, each address until the purge).
    Status {
        #[arg(long)]
        wave: String,
        #[arg(long)]
        addresses: bool,
    },
    /// After a wave has closed: delete addresses and tokens, keep only counts.
    Purge {
        #[arg(long)]
        wave: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnalystCommand {
    /// Create an analyst and print their bearer token once (only its hash is stored).
    Create {
        name: String,
        /// Also set a password for browser sign-in, read from standard input (or asked for
        /// without echo on a terminal); never give it on the command line.
        #[arg(long)]
        password: bool,
        /// `analyst` (default: everything) or `operator` (paper entry, vendor imports and
        /// the printable questionnaire only; no exports, no publication).
        #[arg(long, default_value = "analyst")]
        role: String,
    },
    /// Set or replace an analyst's password for browser sign-in (read from standard input,
    /// or asked for without echo on a terminal); also lifts a lockout.
    SetPassword { name: String },
}

/// `export KIND --wave ID …`: the kind is checked by the command, so that an unknown one
/// gets the list of allowed kinds.
#[derive(Debug, Args)]
pub struct ExportCommand {
    /// vision-scores, vision-scores-by-group, item-scores, question-distribution,
    /// wave-comparison, responses, codebook or comments.
    pub kind: String,
    #[arg(long)]
    pub wave: String,
    /// utf-8-bom (default), utf-8 or shift_jis.
    #[arg(long, default_value = "utf-8-bom")]
    pub encoding: String,
    /// With shift_jis, what to do with a character it cannot hold: fail (default, naming
    /// the row and column) or replace (with 〓, counted on standard error).
    #[arg(long, default_value = "fail")]
    pub on_unencodable: String,
    /// File to write (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Take the open answers beside a postal sample into the aggregates (they are left
    /// out by default: they are not part of the random sample).
    #[arg(long)]
    pub include_open: bool,
}

impl Settings {
    /// The sender of invitations: `SURVEY_MAIL_FROM`, else `survey@` the public host.
    pub fn mail_sender(&self) -> anyhow::Result<lettre::message::Mailbox> {
        let from = match &self.mail_from {
            Some(from) => from.clone(),
            None => {
                let rest = self
                    .public_base_url
                    .split_once("://")
                    .map_or(self.public_base_url.as_str(), |(_, r)| r);
                let host = rest.split(['/', ':', '?']).next().unwrap_or("");
                let host = if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() {
                    "localhost"
                } else {
                    host
                };
                format!("Suita City Survey <survey@{host}>")
            }
        };
        from.parse()
            .map_err(|e| anyhow::anyhow!("SURVEY_MAIL_FROM `{from}` is not an address: {e}"))
    }

    pub fn mail(&self) -> anyhow::Result<Option<crate::mail::MailSettings>> {
        let Some(smtp_url) = &self.smtp_url else {
            return Ok(None);
        };
        let seconds = |s: f64, name: &str| {
            std::time::Duration::try_from_secs_f64(s)
                .map_err(|_| anyhow::anyhow!("{name} must be a positive number of seconds"))
        };
        Ok(Some(crate::mail::MailSettings {
            smtp_url: smtp_url.clone(),
            from: self.mail_sender()?,
            public_base_url: self.public_base_url.clone(),
            rate_per_second: self.mail_rate,
            retry_base: seconds(self.mail_retry_seconds, "SURVEY_MAIL_RETRY_SECONDS")?,
            max_attempts: self.mail_max_attempts.max(1),
            lease: seconds(self.mail_lease_seconds, "SURVEY_MAIL_LEASE_SECONDS")?,
        }))
    }
}
