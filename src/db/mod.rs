//! The database: connection pool, embedded migrations and the queries, each taking `conn`
//! first. Call these from `web::block`, never on the async executor.

pub mod analysts;
pub mod responses;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub type Conn = SqliteConnection;
pub type Pool = diesel::r2d2::Pool<ConnectionManager<Conn>>;
pub type PooledConn = diesel::r2d2::PooledConnection<ConnectionManager<Conn>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Which database a `DATABASE_URL` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (relative or absolute) and `sqlite:PATH`.
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
            return Err(
                "DATABASE_URL is a PostgreSQL URL, but this build supports only SQLite so far: use sqlite://PATH"
                    .into(),
            );
        }
        Err(format!(
            "DATABASE_URL `{}` has an unknown scheme: use sqlite://PATH",
            redact(url)
        ))
    }
}

/// A URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://…@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Settings every SQLite connection needs: WAL so readers never block the writer, FULL
/// sync so an acknowledged response survives a power cut, a busy timeout so concurrent
/// writers wait instead of failing, and enforced foreign keys.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 10000;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens the database (creating an SQLite file and its folder if needed) and applies
/// pending migrations.
pub fn connect(url: &str) -> anyhow::Result<Pool> {
    let DatabaseUrl::Sqlite(path) = DatabaseUrl::parse(url).map_err(anyhow::Error::msg)?;
    ensure_parent_dir(&path)?;
    let manager = ConnectionManager::<Conn>::new(path.to_string_lossy());
    let pool = diesel::r2d2::Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .with_context(|| {
            format!(
                "cannot open the SQLite database {} (check DATABASE_URL and the folder's permissions)",
                path.display()
            )
        })?;
    let mut conn = pool.get()?;
    conn.run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("applying migrations to {} failed: {e}", path.display()))?;
    Ok(pool)
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
    fn parses_sqlite_urls_and_refuses_others_clearly() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db"),
            Ok(DatabaseUrl::Sqlite("data/x.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        let err = DatabaseUrl::parse("mysql://u:secret@h/db").unwrap_err();
        assert!(
            err.contains("DATABASE_URL") && !err.contains("secret"),
            "{err}"
        );
    }
}
