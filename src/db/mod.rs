//! The database: one connection type over SQLite and PostgreSQL, the pool, embedded
//! migrations per backend, and the queries, each taking `conn` first. Call these from
//! `web::block`, never on the async executor.

pub mod access_codes;
pub mod analysts;
pub mod audit;
mod batch_pg;
pub mod comments;
pub mod counts;
pub mod credentials;
pub mod evaluations;
pub mod invitations;
pub mod mix;
pub mod monitoring;
pub mod paper;
pub mod publications;
pub mod responses;
pub mod schema;
pub mod scores;
pub mod sessions;
mod shuffle;
pub mod submit;
pub mod wal;
pub mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to whichever database `DATABASE_URL` names; queries are written once.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Conn = DbConnection;
pub type Pool = diesel::r2d2::Pool<Manager>;
pub type PooledConn = diesel::r2d2::PooledConnection<Manager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");

/// Which database a `DATABASE_URL` names.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (relative or absolute), `sqlite:PATH`, and `postgres://…` or
    /// `postgresql://…` (libpq's URL syntax).
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(format!(
                    "DATABASE_URL `{url}` names no file: use e.g. sqlite://data/citizen-survey.db"
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        Err(format!(
            "DATABASE_URL `{}` has an unknown scheme: use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE",
            redact(url)
        ))
    }

    /// `sqlite` or `postgresql`.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgresql",
        }
    }
}

/// Never print a password: the URL as shown in messages and logs.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A URL without its password and query.
fn redact(url: &str) -> String {
    let url = url.split('?').next().unwrap_or_default();
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:…@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Opens connections of the backend the URL names (and only that one, so an error is that
/// backend's own, not a guess), with SQLite's per-connection settings.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Manager { url }
    }
}

/// How long an SQLite connection waits for another's lock before it fails (ms).
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

/// Opens one connection, outside any pool (CLI tools, tests).
pub fn establish(url: &DatabaseUrl) -> ConnectionResult {
    match url {
        DatabaseUrl::Sqlite(path) => {
            let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
            // WAL so readers never block the writer; FULL sync so an acknowledged response
            // survives a power cut; a busy timeout so concurrent writers (threads or other
            // processes) wait instead of failing; enforced foreign keys; secure_delete so
            // that deleted or overwritten rows (a used code's old cell, a purged address)
            // are zeroed rather than left in free space for a copy of the file to show;
            // temporary tables and statement journals in memory, so that neither answers
            // nor their order pass through (unlinked) files in /var/tmp.
            conn.batch_execute(&format!(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                 PRAGMA foreign_keys = ON;
                 PRAGMA secure_delete = ON;
                 PRAGMA temp_store = MEMORY;",
            ))
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(DbConnection::Sqlite(conn))
        }
        DatabaseUrl::Postgres(url) => Ok(DbConnection::Postgresql(PgConnection::establish(url)?)),
    }
}

type ConnectionResult = Result<DbConnection, ConnectionError>;

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        establish(&self.url).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    /// Called on every return to the pool: on SQLite the log is emptied here too, so that
    /// no write through a pooled connection (sessions, audit lines, invitations, …)
    /// leaves its commit in the `-wal` file ([`wal`]; a look that finds it empty costs
    /// one passive checkpoint call).
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        if std::thread::panicking() || conn.is_broken() {
            return true;
        }
        wal::empty(conn);
        false
    }
}

/// Opens the database (creating an SQLite file and its folder if needed) and applies
/// pending migrations. Errors are one line naming the setting to fix.
pub fn connect(url: &str) -> anyhow::Result<Pool> {
    let url = DatabaseUrl::parse(url).map_err(anyhow::Error::msg)?;
    if let DatabaseUrl::Sqlite(path) = &url {
        ensure_parent_dir(path)?;
    }
    // Fail fast with the backend's own message (wrong password, no such host, …) instead
    // of the pool's generic timeout.
    let mut first = establish(&url).map_err(|e| {
        // libpq's messages span lines; the operator gets one.
        let reason = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        anyhow::anyhow!("cannot connect to {url} (DATABASE_URL): {reason}")
    })?;
    run_migrations(&mut first).with_context(|| format!("applying migrations to {url} failed"))?;
    drop(first);
    diesel::r2d2::Pool::builder()
        .max_size(8)
        // A request waits this long for a connection before it gets a 503 "try again".
        .connection_timeout(Duration::from_secs(3))
        // Keep serving while the database is away; connections are opened again on demand.
        .min_idle(Some(0))
        .test_on_check_out(true)
        .build(Manager::new(url.clone()))
        .with_context(|| format!("cannot open a connection pool to {url} (DATABASE_URL)"))
}

/// Applies the embedded migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(drop),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop),
    };
    result.map_err(|e| anyhow::anyhow!("{e}"))
}

/// `sqlite` or `postgresql`: which backend a connection talks to.
pub fn backend_name(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => "sqlite",
        DbConnection::Postgresql(_) => "postgresql",
    }
}

fn ensure_parent_dir(path: &Path) -> anyhow::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "cannot create the database folder {} (DATABASE_URL)",
                    dir.display()
                )
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_backends_and_refuses_others_clearly() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db"),
            Ok(DatabaseUrl::Sqlite("data/x.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@h/db").map(|u| u.backend()),
            Ok("postgresql")
        );
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        let err = DatabaseUrl::parse("mysql://u:secret@h/db").unwrap_err();
        assert!(
            err.contains("DATABASE_URL") && !err.contains("secret"),
            "{err}"
        );
    }

    #[test]
    fn passwords_never_show() {
        let url =
            DatabaseUrl::parse("postgres://survey:s3cret@db:5432/survey?sslmode=disable").unwrap();
        assert_eq!(url.to_string(), "postgres://survey:…@db:5432/survey");
        assert_eq!(format!("{url:?}"), "postgres://survey:…@db:5432/survey");
    }
}
