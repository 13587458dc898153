//! The outbox worker: a background thread that claims due messages from the database and
//! sends them through SMTP, at a set rate. Everything it needs to resume after a restart is
//! in the database; several instances may run it at once.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::Mailbox;
use lettre::{SmtpTransport, Transport};

use super::message::{compose, render};
use crate::db::{self, Pool};
use crate::definitions::Definitions;
use crate::domain::mask;

/// How the worker sends.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (plain), `smtp://host:port?tls=required` (STARTTLS),
    /// `smtps://host:port` (TLS); credentials as `smtp://user:password@host`.
    pub smtp_url: String,
    pub from: Mailbox,
    /// Residents' address of the service, for the links.
    pub public_base_url: String,
    /// Messages per second at most.
    pub rate_per_second: f64,
    /// Wait before the first retry of a transient failure; doubled for each further one.
    pub retry_base: Duration,
    pub max_attempts: i32,
    /// A message claimed longer ago than this by an instance that died is claimed again.
    pub lease: Duration,
}

/// Starts the worker thread. Fails at once if `SMTP_URL` cannot be understood.
pub fn spawn_worker(
    pool: Pool,
    definitions: Arc<Definitions>,
    settings: MailSettings,
) -> anyhow::Result<std::thread::JoinHandle<()>> {
    let transport = SmtpTransport::from_url(&settings.smtp_url)
        .map_err(|e| anyhow::anyhow!("SMTP_URL cannot be used: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    // Message-IDs live in the sender's domain.
    let domain = settings.from.email.domain().to_string();
    Ok(std::thread::Builder::new()
        .name("outbox".into())
        .spawn(move || {
            loop {
                match send_next(&pool, &definitions, &settings, &transport, &domain) {
                    Ok(true) => std::thread::sleep(Duration::from_secs_f64(
                        1.0 / settings.rate_per_second.max(0.001),
                    )),
                    Ok(false) => std::thread::sleep(Duration::from_millis(250)),
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox: database unavailable, retrying");
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
            }
        })?)
}

/// Sends one due message if there is one; `Ok(true)` when one was handled.
fn send_next(
    pool: &Pool,
    definitions: &Definitions,
    settings: &MailSettings,
    transport: &SmtpTransport,
    domain: &str,
) -> anyhow::Result<bool> {
    let mut conn = pool.get()?;
    let now = Utc::now().naive_utc();
    let lease = chrono::Duration::from_std(settings.lease)?;
    let Some(claimed) = db::invitations::claim_next(&mut conn, now, lease)? else {
        return Ok(false);
    };
    let who = mask(&claimed.email);
    let Some(wave) = definitions.wave(&claimed.wave_id) else {
        db::invitations::mark_failed(
            &mut conn,
            &claimed.outbox_id,
            "the wave is no longer defined",
        )?;
        return Ok(true);
    };
    let base = settings.public_base_url.trim_end_matches('/');
    let link = format!("{base}/s/{}", claimed.token.as_str());
    let parts = render(
        claimed.kind,
        claimed.lang,
        wave,
        &link,
        &format!("{link}/opt-out"),
    );
    let message_id = format!("<{}@{domain}>", claimed.outbox_id);
    let message = match compose(parts, &settings.from, &claimed.email, &message_id) {
        Ok(m) => m,
        Err(reason) => {
            db::invitations::mark_failed(&mut conn, &claimed.outbox_id, &reason)?;
            tracing::warn!(to = %who, %reason, "outbox: message failed");
            return Ok(true);
        }
    };
    // No database connection is held while talking to the mail server.
    drop(conn);
    let sent = transport.send(&message);
    let mut conn = pool.get()?;
    match sent {
        Ok(_) => {
            db::invitations::mark_sent(&mut conn, &claimed.outbox_id)?;
            tracing::info!(to = %who, kind = claimed.kind.code(), wave = %claimed.wave_id, "outbox: sent");
        }
        Err(e) if e.is_permanent() => {
            let reason = e.to_string();
            db::invitations::mark_failed(&mut conn, &claimed.outbox_id, &reason)?;
            tracing::warn!(to = %who, %reason, "outbox: permanent failure, not retried");
        }
        Err(e) if claimed.attempts >= settings.max_attempts => {
            let reason = format!("gave up after {} attempts: {e}", claimed.attempts);
            db::invitations::mark_failed(&mut conn, &claimed.outbox_id, &reason)?;
            tracing::warn!(to = %who, %reason, "outbox: failed");
        }
        Err(e) => {
            let exponent = u32::try_from(claimed.attempts - 1).unwrap_or(0).min(16);
            let wait = settings.retry_base * 2u32.pow(exponent);
            let next = Utc::now().naive_utc() + chrono::Duration::from_std(wait)?;
            db::invitations::mark_retry(&mut conn, &claimed.outbox_id, next, &e.to_string())?;
            tracing::info!(to = %who, error = %e, retry_in = ?wait, "outbox: transient failure, will retry");
        }
    }
    Ok(true)
}
