//! Whether the database can store anything: a storage failure (disk full, I/O error, a
//! read-only database) is a 503 "try again" like an outage, `/healthz` says the database is
//! not writable, and the log says so once per interval, in one line, however many requests
//! fail (the log must not grow fastest exactly when the disk is full).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::web::AppState;

/// One line per this interval at most.
const LOG_INTERVAL: Duration = Duration::from_secs(60);
/// A failed write makes `/healthz` say "not writable" for this long (or until a write
/// succeeds), so a monitor sees it even when nobody is submitting at that moment.
const REMEMBER: Duration = Duration::from_secs(60);
/// Below this much free space on the SQLite file's filesystem, `/healthz` says "not
/// writable" before any write fails.
const MIN_FREE_BYTES: u64 = 1024 * 1024;

/// The cause of a 503, put in the response's extensions by `AppError` so that the
/// middleware below can log it once per interval.
#[derive(Debug, Clone)]
pub struct UnavailableCause(pub String);

#[derive(Debug, Clone, Default)]
pub struct StorageHealth {
    inner: Arc<Mutex<Inner>>,
    /// The SQLite file, whose filesystem's free space is checked; `None` on PostgreSQL.
    sqlite_file: Option<PathBuf>,
}

#[derive(Debug, Default)]
struct Inner {
    last_failure: Option<(Instant, String)>,
    last_logged: Option<Instant>,
    not_logged: u64,
}

impl StorageHealth {
    pub fn new(database_url: &str) -> Self {
        let sqlite_file = match crate::db::DatabaseUrl::parse(database_url) {
            Ok(crate::db::DatabaseUrl::Sqlite(path)) => Some(path),
            _ => None,
        };
        StorageHealth {
            inner: Arc::default(),
            sqlite_file,
        }
    }

    /// Records a request that could not use the database; logs one line per interval.
    pub fn failed(&self, cause: &str) {
        let now = Instant::now();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.last_failure = Some((now, cause.to_string()));
        if inner
            .last_logged
            .is_some_and(|t| now.duration_since(t) < LOG_INTERVAL)
        {
            inner.not_logged += 1;
            return;
        }
        let skipped = std::mem::take(&mut inner.not_logged);
        inner.last_logged = Some(now);
        let cause = one_line(cause);
        tracing::warn!(
            %cause,
            failures_since_last_line = skipped,
            "database unavailable: requests get 503 and residents keep their answers (logged once per {} s)",
            LOG_INTERVAL.as_secs()
        );
    }

    /// A write went through: the database is writable again.
    pub fn succeeded(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.last_failure = None;
    }

    /// Why the database cannot be written to now, if it cannot.
    pub fn not_writable(&self) -> Option<String> {
        if let Some(path) = &self.sqlite_file {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from);
            if let Ok(st) = rustix::fs::statvfs(&dir) {
                let free = st.f_bavail.saturating_mul(st.f_frsize);
                if free < MIN_FREE_BYTES {
                    return Some(format!("{free} bytes free on the database's filesystem"));
                }
            }
        }
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match &inner.last_failure {
            Some((at, cause)) if at.elapsed() < REMEMBER => Some(one_line(cause)),
            _ => None,
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Logs (once per interval) the cause of any 503 a handler answered with, and notes when
/// a write went through.
pub async fn record_unavailable(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let health = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.storage.clone());
    let post = req.method() == actix_web::http::Method::POST;
    let res = next.call(req).await?;
    if let Some(health) = health {
        // A POST that went through wrote to the database: it is writable again.
        if post && !res.status().is_client_error() && !res.status().is_server_error() {
            health.succeeded();
        }
        let cause = res
            .response()
            .extensions()
            .get::<UnavailableCause>()
            .map(|c| c.0.clone());
        if let Some(cause) = cause {
            health.failed(&cause);
        }
    }
    Ok(res)
}
