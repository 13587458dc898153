//! Building the application from settings: definitions, database, HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::clock::Clock;
use crate::definitions;
use crate::settings::Settings;
use crate::web::middleware::http_rules;
use crate::web::{AppState, not_found, routes, security_headers};

/// A configured server bound to its port, not yet running.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Loads and checks the definitions, opens and migrates the database, binds the socket
    /// (`SURVEY_BIND`; port 0 picks a free one). Any failure is one message naming the
    /// setting to fix. Call from within the actix runtime.
    pub fn build(settings: &Settings, clock: Clock) -> anyhow::Result<Self> {
        let defs = definitions::load_dir(&settings.definitions).map_err(|e| {
            anyhow::anyhow!(
                "the survey definitions in {} are invalid (SURVEY_DEFINITIONS); run `citizen-survey check` for the same list:\n{e}",
                settings.definitions.display()
            )
        })?;
        // A broken targets file stops the start as broken definitions do (the evaluation
        // would otherwise be silently missing); `check` prints the same list.
        crate::evaluation::targets::load(&settings.definitions, &defs).map_err(|e| {
            anyhow::anyhow!(
                "the evaluation targets in {} are invalid; run `citizen-survey check` for the same list:\n{e}",
                settings.definitions.display()
            )
        })?;
        let pool = crate::db::connect(&settings.database_url)?;
        let definitions = Arc::new(defs);
        match settings.mail()? {
            Some(mail) => {
                crate::mail::spawn_worker(pool.clone(), definitions.clone(), mail)?;
            }
            None => tracing::info!("SMTP_URL is not set: invitations stay queued until it is"),
        }
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {} (SURVEY_BIND)", settings.bind))?;
        let port = listener.local_addr()?.port();
        // The codebook and word lists of the comments' coding (docs/free-text.md); broken
        // files stop the start as broken definitions do. The comments export masks with them.
        let text = Arc::new(
            crate::text::codebook::load_checked(&settings.definitions, &definitions)
                .map_err(anyhow::Error::msg)?,
        );
        let exports = Arc::new(
            crate::export::ExportContext::load(
                definitions.clone(),
                &settings.definitions,
                settings.min_group_size,
            )
            .with_mask_rules(text.mask_rules.clone()),
        );
        let writer = crate::db::writer::Writer::start(pool.clone())
            .context("cannot start the database writer thread")?;
        let report_meta = Arc::new(
            crate::report::load_meta(&settings.definitions, &definitions)
                .map_err(anyhow::Error::msg)?,
        );
        let state = AppState {
            text,
            report_meta,
            exports,
            definitions,
            pool,
            clock,
            min_group_size: settings.min_group_size,
            exclude_no_code: settings.exclude_no_code_sheets,
            max_body_bytes: settings.max_body_bytes,
            body_timeout: Duration::from_secs(settings.limits.body_timeout_seconds.max(1)),
            reminder_days: settings.reminder_days,
            workspace: crate::web::workspace::session::Workspace::from_settings(settings),
            storage: crate::web::middleware::storage::StorageHealth::new(&settings.database_url),
            code_guesses: Arc::new(crate::web::middleware::limiter::Limiter::access_codes()),
            writer,
        };
        // actix's limits are per worker thread; SURVEY_MAX_CONNECTIONS is for the process.
        let limits = &settings.limits;
        let workers = limits
            .workers
            .filter(|w| *w > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::from_fn(
                    crate::web::middleware::workspace_pages::render_for_browsers,
                ))
                .wrap(actix_web::middleware::from_fn(
                    crate::web::middleware::storage::record_unavailable,
                ))
                .wrap(actix_web::middleware::from_fn(http_rules::body_deadline))
                .wrap(security_headers())
                // gzip when the client accepts it: the form is ~45 KB of repetitive HTML.
                .wrap(actix_web::middleware::Compress::default())
                .app_data(web::Data::new(state.clone()))
                .configure(routes)
                .default_service(web::to(not_found))
        })
        .workers(workers)
        // A response goes out as it is written: the compressed form leaves in several
        // writes, and with Nagle's algorithm the last one waited for the client's delayed
        // acknowledgement (20–40 ms a page; measured with wrk -c1: 48 pages/s).
        .tcp_nodelay(true)
        // Headers must arrive in time; so must the next request on a kept-alive connection.
        .client_request_timeout(Duration::from_secs(limits.header_timeout_seconds.max(1)))
        .keep_alive(Duration::from_secs(limits.header_timeout_seconds.max(1)))
        .client_disconnect_timeout(Duration::from_secs(2))
        .max_connections(limits.max_connections.div_ceil(workers).max(1))
        .listen(listener)?
        .run();
        tracing::info!(port, definitions = %settings.definitions.display(), "citizen-survey listening");
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
