//! Analyst downloads, authorised by a bearer token from `citizen-survey analyst create`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db;
use crate::domain::{Scope, hash_token};
use crate::web::AppState;
use crate::web::error::{AppError, ErrorKind};
use futures_util::StreamExt;

use crate::export::{self, Encoding, ExportKind, ExportOptions, Unencodable};

/// The analyst's name, from a bearer token (scripts) or a signed-in browser session; 401
/// when neither is valid. A request with an `Authorization` header is judged by it alone.
/// A session authorises reads; a POST on a session must also carry the session's CSRF
/// token in `X-CSRF-Token` (else 403), so a cookie alone never changes anything.
pub(super) async fn authorise(state: &AppState, req: &HttpRequest) -> Result<String, AppError> {
    let (name, role) = authorise_with_role(state, req).await?;
    if !role.may_export() {
        return Err(AppError::new(ErrorKind::Forbidden(format!(
            "`{name}` is an operator: operators key and import paper questionnaires; exports, invitations and publication need an analyst account"
        ))));
    }
    Ok(name)
}

/// As [`authorise`], for routes every role may use: the analyst's name and role.
pub(super) async fn authorise_with_role(
    state: &AppState,
    req: &HttpRequest,
) -> Result<(String, crate::domain::Role), AppError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AppError::new(ErrorKind::Unauthorized))?;
        let hash = hash_token(token);
        return state
            .db(move |conn| -> Result<_, AppError> {
                Ok(db::analysts::find_by_token_hash(conn, &hash)?)
            })
            .await?
            .ok_or_else(|| AppError::new(ErrorKind::Unauthorized));
    }
    let session = crate::web::workspace::session::current(state, req)
        .await?
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized))?;
    let safe = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    );
    let given = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok());
    if safe || session.csrf_ok(given) {
        Ok((session.analyst, session.role))
    } else {
        Err(AppError::new(ErrorKind::Forbidden(
            "a POST signed in by session needs the session's CSRF token in X-CSRF-Token".into(),
        )))
    }
}

/// The wave an analyst route names, or 404 listing the waves that exist.
fn analyst_wave(state: &AppState, id: &str) -> Result<crate::definitions::Wave, AppError> {
    state.definitions.wave(id).cloned().ok_or_else(|| {
        let known: Vec<&str> = state
            .definitions
            .waves
            .iter()
            .map(|w| w.id.as_str())
            .collect();
        AppError::new(ErrorKind::NotFoundWith(format!(
            "unknown wave `{id}`: use one of {}",
            known.join(", ")
        )))
    })
}

fn invite_error(e: crate::invite::InviteError) -> AppError {
    match e {
        crate::invite::InviteError::Refused(m) => AppError::new(ErrorKind::Conflict(m)),
        crate::invite::InviteError::Database(e) => AppError::from(e),
    }
}

#[derive(Deserialize)]
pub struct ImportQuery {
    /// `valid`: import the valid rows even if some were rejected.
    pub(super) accept: Option<String>,
}

/// `POST /analyst/waves/{wave}/invitations` with a CSV body (`email[,language]`): the
/// report of every row, and the invitations queued — none if a row was rejected, unless
/// `?accept=valid`.
pub async fn import_invitations(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let csv = String::from_utf8(body.to_vec())
        .map_err(|_| AppError::new(ErrorKind::BadRequest("the CSV must be UTF-8".into())))?;
    let accept = query.accept.as_deref() == Some("valid");
    let st = state.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            crate::invite::import(conn, &wave, &csv, accept, (st.clock)()).map_err(invite_error)
        })
        .await?;
    tracing::info!(%analyst, wave = %path.as_str(), queued = outcome.queued, rejected = outcome.report.rejected.len(), "invitations imported");
    let status = if outcome.imported {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(HttpResponse::build(status).json(outcome))
}

#[derive(Deserialize)]
pub struct StatusQuery {
    addresses: Option<bool>,
}

/// `GET /analyst/waves/{wave}/invitations`: counts per state; `?addresses=true` adds each
/// address with its state (until the purge).
pub async fn invitation_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<StatusQuery>,
) -> Result<HttpResponse, AppError> {
    authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let with_addresses = query.addresses.unwrap_or(false);
    let body = state
        .db(move |conn| -> Result<_, AppError> {
            let counts = db::invitations::counts(conn, &wave.id)?;
            let addresses = if with_addresses {
                Some(db::invitations::addresses(conn, &wave.id)?)
            } else {
                None
            };
            Ok(serde_json::json!({ "wave_id": wave.id, "counts": counts, "addresses": addresses }))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(crate::web::no_store())
        .json(body))
}

/// `POST /analyst/waves/{wave}/reminders`: queues one reminder per eligible invitee.
pub async fn send_reminders(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let wave = analyst_wave(&state, &path)?;
    let st = state.clone();
    let queued = state
        .db(move |conn| -> Result<_, AppError> {
            crate::invite::remind(conn, &wave, (st.clock)(), st.reminder_days).map_err(invite_error)
        })
        .await?;
    tracing::info!(%analyst, wave = %path.as_str(), queued, "reminders queued");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "queued": queued })))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    encoding: Option<String>,
    /// `replace`: write 〓 for a character Shift_JIS cannot hold instead of failing.
    unencodable: Option<String>,
    /// `true`: the aggregates take in the open answers beside a postal sample.
    include_open: Option<String>,
}

/// What the blocking export producer sends to the response body.
enum Chunk {
    Bytes(web::Bytes),
    Failed(AppError),
}

/// A `Write` that hands the export to the HTTP body in 64 KiB chunks through a bounded
/// channel: the producer waits while the client is slow, so memory stays flat.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 * 1024;

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = web::Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Chunk::Bytes(bytes))
            .map_err(|_| std::io::Error::other("the client went away"))
    }
}

fn export_error(e: export::ExportError) -> AppError {
    match e {
        export::ExportError::Encoding(e) => AppError::new(ErrorKind::BadRequest(e.to_string())),
        export::ExportError::Unavailable(m) => AppError::new(ErrorKind::NotFoundWith(m)),
        export::ExportError::Database(e) => AppError::from(e),
        other => AppError::internal(other),
    }
}

/// `GET /analyst/waves/{wave}/{kind}.csv[?encoding=…&unencodable=replace]`: any export,
/// read from the database into a spool, then streamed. Every error of the export itself (a
/// Shift_JIS character, an unknown wave, the database) comes before the first byte and is
/// a proper 4xx/5xx; a failure while sending can only cut the transfer short (the client
/// sees an incomplete chunked body) and is logged.
pub async fn export_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let analyst = authorise(&state, &req).await?;
    let (wave_id, kind) = path.into_inner();
    let wave = analyst_wave(&state, &wave_id)?;
    let kind: ExportKind = kind
        .parse()
        .map_err(|msg: String| AppError::new(ErrorKind::NotFoundWith(msg)))?;
    let bad = |msg: String| AppError::new(ErrorKind::BadRequest(msg));
    let options = ExportOptions {
        encoding: match query.encoding.as_deref() {
            None => Encoding::default(),
            Some(e) => e.parse().map_err(bad)?,
        },
        unencodable: match query.unencodable.as_deref() {
            None => Unencodable::default(),
            Some(u) => u.parse().map_err(bad)?,
        },
        scope: match query.include_open.as_deref() {
            None | Some("false") => Scope::Sample,
            Some("true") => Scope::WithOpenAnswers,
            Some(other) => {
                return Err(bad(format!(
                    "include_open `{other}` is not allowed: use true or false"
                )));
            }
        },
    };
    tracing::info!(%analyst, %kind, wave = %wave.id, encoding = %options.encoding, "export");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(4);
    let st = state.clone();
    let wave_for_file = wave.id.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let result = (|| -> Result<u64, AppError> {
            // No database: 503, as for every other page.
            let mut conn = st.blocking_conn()?;
            if let Err(e) = db::audit::record(
                &mut conn,
                &analyst,
                "export",
                Some(&wave.id),
                &format!(
                    "{kind} ({}{})",
                    options.encoding,
                    if options.scope == Scope::WithOpenAnswers {
                        ", with open answers"
                    } else {
                        ""
                    }
                ),
            ) {
                tracing::warn!(error = %e, "the export could not be recorded in the audit log");
            }
            // The whole export is read first (into memory, then an unlinked temporary
            // file) and the connection given back: a slow client keeps no read snapshot
            // open (issue 20, defect 3; export::spooled).
            let mut done = export::spooled(&mut conn, &st.exports, kind, &wave, options)
                .map_err(export_error)?;
            drop(conn);
            let mut writer = ChunkWriter {
                tx: tx.clone(),
                buf: Vec::with_capacity(CHUNK),
            };
            std::io::copy(&mut done.out, &mut writer).map_err(AppError::internal)?;
            std::io::Write::flush(&mut writer).map_err(AppError::internal)?;
            Ok(done.replaced)
        })();
        match result {
            Ok(replaced) if replaced > 0 => {
                tracing::info!(%kind, wave = %wave.id, replaced, "characters Shift_JIS cannot hold were replaced with 〓");
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(%kind, wave = %wave.id, error = %e, "export failed");
                let _ = tx.blocking_send(Chunk::Failed(e));
            }
        }
    });
    // The first chunk decides the status: an export that fails before writing anything
    // gets an error response rather than a truncated file.
    let first = match rx.recv().await {
        Some(Chunk::Bytes(b)) => b,
        Some(Chunk::Failed(e)) => return Err(e),
        None => web::Bytes::new(),
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Some(Chunk::Bytes(b)) => Some((Ok::<_, std::io::Error>(b), rx)),
            Some(Chunk::Failed(e)) => Some((Err(std::io::Error::other(e.to_string())), rx)),
            None => None,
        }
    });
    let body =
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(rest);
    let mut response = HttpResponse::Ok();
    response
        .content_type(format!("text/csv; charset={}", options.encoding.charset()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{wave_for_file}-{kind}.csv\""),
        ))
        .insert_header(crate::web::no_store());
    if options.unencodable == Unencodable::Replace && options.encoding == Encoding::ShiftJis {
        // Said up front: the count is only known at the end (it is logged).
        response.insert_header(("X-Unencodable", "replaced-with-geta"));
    }
    Ok(response.streaming(body))
}
