//! Analysts' browser sign-in: the sign-in form, the session cookie, CSRF tokens and sign-out.
//!
//! The cookie holds 256 random bits and is only ever stored as a SHA-256 hash; it is
//! `HttpOnly`, `SameSite=Strict`, limited to `/analyst` (residents' pages never see it) and
//! `Secure` when `PUBLIC_BASE_URL` is https. Every analyst form carries the session's
//! synchronizer token, checked on every POST. Repeated failures make each further attempt
//! on the account wait longer (recorded in the database, so it holds across instances, and
//! capped, so that knowing a name does not lock its owner out); each client has its own
//! limit in memory. An unknown name and a wrong password get the same message, and take the
//! same time.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDateTime, TimeDelta, Utc};
use serde::Deserialize;

use crate::db;
use crate::db::credentials::LockoutPolicy;
use crate::domain::password;
use crate::domain::{Lang, hash_token};
use crate::i18n::{self, Both};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::workspace::texts::{Texts, around_command, texts};

pub const SESSION_COOKIE: &str = "cs_session";
/// A pre-session token for the sign-in form itself (against login CSRF).
const SIGN_IN_COOKIE: &str = "cs_sign_in";
pub const CSRF_FIELD: &str = "_csrf";

/// The workspace's settings, as the handlers need them.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub session_ttl: TimeDelta,
    pub lockout: LockoutPolicy,
    /// `Secure` cookies: true when `PUBLIC_BASE_URL` is https.
    pub secure_cookies: bool,
    /// Sign-in attempts per client, in memory only.
    pub clients: std::sync::Arc<crate::web::middleware::limiter::Limiter>,
    /// Whether the client's address comes from `X-Forwarded-For` (`SURVEY_TRUST_PROXY`).
    pub trust_proxy: bool,
    /// Password hashes running at once (each Argon2id hash takes 19 MiB).
    pub hashes: std::sync::Arc<tokio::sync::Semaphore>,
    /// The threads the hashes run on.
    pub hash_threads: HashThreads,
}

/// The [`CONCURRENT_HASHES`] threads that run password hashes, started once. Each Argon2id
/// hash allocates 19 MiB; the allocator keeps such memory in the arena of the thread that
/// used it, so hashes run on the shared blocking pool left up to 19 MiB in every pool
/// thread that ever ran one (a 30 s sign-in flood measured 694 MiB that stayed). On these
/// few threads the same memory is reused: hashing memory stays at about
/// CONCURRENT_HASHES × 19 MiB whatever the flood.
#[derive(Debug, Clone)]
pub struct HashThreads {
    jobs: std::sync::mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

impl HashThreads {
    fn start(threads: usize) -> HashThreads {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(threads * 2);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = queue
                            .lock()
                            .map_err(drop)
                            .and_then(|q| q.recv().map_err(drop));
                        match job {
                            Ok(job) => job(),
                            Err(()) => break,
                        }
                    }
                })
                .expect("the password hash threads start");
        }
        HashThreads { jobs }
    }

    /// Runs `f` on a hash thread and waits for its result without blocking the executor.
    /// The caller holds a permit of [`Workspace::hashes`], so the queue never fills.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, AppError> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(Box::new(move || {
                let _ = done.send(f());
            }))
            .map_err(|_| {
                AppError::internal(anyhow::anyhow!(
                    "the password hash threads are gone or full"
                ))
            })?;
        result
            .await
            .map_err(|_| AppError::internal(anyhow::anyhow!("a password hash thread stopped")))
    }
}

/// Most password hashes at once, in each instance: 2 × 19 MiB of memory at most, on two
/// threads of their own ([`HashThreads`]), whatever the flood of sign-in attempts.
pub const CONCURRENT_HASHES: usize = 2;
/// How long an attempt waits for a hash slot before it gets "busy, try again" (HTTP 503).
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

impl Workspace {
    pub fn from_settings(s: &crate::settings::Settings) -> Self {
        Workspace {
            session_ttl: TimeDelta::minutes(i64::from(s.analyst.session_minutes.max(1))),
            lockout: LockoutPolicy {
                free_failures: s.analyst.lockout_failures,
                max_delay: TimeDelta::seconds(i64::from(s.analyst.lockout_max_delay_seconds)),
            },
            secure_cookies: s.public_base_url.starts_with("https://"),
            clients: std::sync::Arc::new(crate::web::middleware::limiter::Limiter::sign_in(
                s.analyst.sign_in_per_client_per_minute,
            )),
            trust_proxy: s.limits.trust_proxy,
            hashes: std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
            hash_threads: HashThreads::start(CONCURRENT_HASHES),
        }
    }
}

/// A signed-in analyst.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub analyst: String,
    pub role: crate::domain::Role,
    pub csrf_token: String,
    id_hash: String,
}

impl SignedIn {
    /// Whether a form's token is this session's (compared in constant time).
    pub fn csrf_ok(&self, given: Option<&str>) -> bool {
        given.is_some_and(|g| constant_time_eq(g.as_bytes(), self.csrf_token.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// 256 random bits as hex.
fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    hex::encode(bytes)
}

/// The value of a request cookie.
pub fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn set_cookie(ws: &Workspace, name: &str, value: &str, path: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if ws.secure_cookies { "; Secure" } else { "" }
    )
}

/// The session the request's cookie names, if it is live.
pub async fn current(state: &AppState, req: &HttpRequest) -> Result<Option<SignedIn>, AppError> {
    let Some(id) = cookie(req, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = hash_token(&id);
    let found = state
        .db(move |conn| -> Result<_, AppError> {
            let session = db::sessions::find(conn, &id_hash, now())?;
            Ok(session.map(|s| SignedIn {
                role: crate::domain::Role::parse(&s.role).unwrap_or(crate::domain::Role::Operator),
                analyst: s.analyst,
                csrf_token: s.csrf_token,
                id_hash,
            }))
        })
        .await?;
    Ok(found)
}

/// The signed-in analyst of an analyst-only page: the sign-in page for nobody, 403 for an
/// operator.
pub async fn analyst(state: &AppState, req: &HttpRequest) -> Result<SignedIn, AppError> {
    match current(state, req).await? {
        None => Err(AppError::sign_in_required()),
        Some(s) if !s.role.may_export() => Err(operator_refused()),
        Some(s) => Ok(s),
    }
}

/// A form body's fields (tolerating anything that is not a form: its token is then absent).
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// 403 for a POST whose CSRF token is missing or wrong: nothing was changed.
pub fn csrf_refused() -> AppError {
    AppError::refused(
        actix_web::http::StatusCode::FORBIDDEN,
        crate::i18n::both("ws_csrf_refused"),
        vec![
            crate::i18n::t(Lang::Ja, "ws_csrf_refused_body"),
            crate::i18n::t(Lang::En, "ws_csrf_refused_body"),
        ],
    )
}

/// 403 for an operator on an analyst-only page or action (exports, publication,
/// reminders): nothing was changed.
pub fn operator_refused() -> AppError {
    AppError::refused(
        actix_web::http::StatusCode::FORBIDDEN,
        crate::i18n::both("ws_operator_refused"),
        vec![
            crate::i18n::t(Lang::Ja, "ws_operator_refused_body"),
            crate::i18n::t(Lang::En, "ws_operator_refused_body"),
        ],
    )
}

/// Where someone who is not signed in is sent (303 to the sign-in page).
pub fn to_sign_in() -> HttpResponse {
    AppError::sign_in_required().render(crate::web::error::Audience::Workspace)
}

#[derive(Template)]
#[template(path = "workspace/sign_in.html")]
struct SignInPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    name: &'a str,
    /// Why the page is shown again, if it is.
    error: Option<Both<String>>,
    /// How failures slow down the next attempts.
    backoff: Both<String>,
    /// Who creates accounts: the words around the command.
    accounts: Both<(String, String)>,
}

/// Why the sign-in page is shown again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignInError {
    None,
    Refused,
    ForbiddenCharacter,
    TooMany { wait_seconds: u64 },
}

fn sign_in_page(
    state: &AppState,
    status: actix_web::http::StatusCode,
    name: &str,
    error: SignInError,
) -> HttpResponse {
    let ws = &state.workspace;
    let token = random_hex();
    let max_delay = ws.lockout.max_delay.num_seconds();
    let body = SignInPage {
        t: texts(),
        csrf: &token,
        name,
        // Wrong name or password, or the account's wait is not over: one message for all.
        error: match error {
            SignInError::None => None,
            SignInError::Refused => Some(i18n::pair(
                "ws_sign_in_refused",
                &[("max_delay", max_delay.into())],
            )),
            SignInError::ForbiddenCharacter => Some(texts().sign_in_control_character.owned()),
            SignInError::TooMany { wait_seconds } => Some(i18n::pair(
                "ws_sign_in_too_many",
                &[("wait", wait_seconds.into())],
            )),
        },
        backoff: i18n::pair(
            "ws_sign_in_backoff",
            &[
                ("failures", ws.lockout.free_failures.into()),
                ("max_delay", max_delay.into()),
            ],
        ),
        accounts: around_command("ws_sign_in_accounts"),
    }
    .render()
    .unwrap_or_default();
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .insert_header((
            header::SET_COOKIE,
            set_cookie(ws, SIGN_IN_COOKIE, &token, "/analyst/sign-in", 3600),
        ))
        .body(body)
}

/// `GET /analyst/sign-in`
pub async fn sign_in_form(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if current(&state, &req).await?.is_some() {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/analyst"))
            .finish());
    }
    Ok(sign_in_page(
        &state,
        actix_web::http::StatusCode::OK,
        "",
        SignInError::None,
    ))
}

#[derive(Deserialize, Default)]
struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

enum Outcome {
    SignedIn { id: String, analyst: String },
    Refused,
}

/// `POST /analyst/sign-in`
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    // Every attempt counts against the client, whichever account it names, so guessing
    // spread over many accounts is slowed too.
    if let Some(client) =
        crate::web::middleware::limiter::client_address(&req, state.workspace.trust_proxy)
        && let Err(wait) = state
            .workspace
            .clients
            .take(Some(client), std::time::Instant::now())
    {
        let mut page = sign_in_page(
            &state,
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            "",
            SignInError::TooMany {
                wait_seconds: wait.as_secs(),
            },
        );
        page.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
        return Ok(page);
    }
    let form: SignInForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let expected = cookie(&req, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(csrf_refused());
    }
    let name = form.name.trim().to_string();
    // A NUL fails on PostgreSQL (and no name holds a control character): answer with the
    // sign-in page and its reason, before any lookup, the same whether the name exists.
    if [&name, &form.password]
        .iter()
        .any(|v| crate::domain::text::forbidden_char(v).is_some())
    {
        return Ok(sign_in_page(
            &state,
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "",
            SignInError::ForbiddenCharacter,
        ));
    }
    // 1. The account, read and the connection given back at once.
    let attempted = name.clone();
    let account = state
        .db(move |conn| -> Result<_, AppError> { Ok(db::credentials::find(conn, &attempted)?) })
        .await?;
    // 2. The hash, holding no database connection, at most CONCURRENT_HASHES at once: a
    // flood of attempts waits here (or is told to come back), never in the pool the
    // residents' pages need, and never with more than a bounded amount of memory.
    let Ok(permit) =
        tokio::time::timeout(HASH_WAIT, state.workspace.hashes.clone().acquire_owned()).await
    else {
        let mut page = sign_in_page(
            &state,
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            &name,
            SignInError::TooMany { wait_seconds: 5 },
        );
        page.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return Ok(page);
    };
    let checked = account.clone();
    let password_ok = state
        .workspace
        .hash_threads
        .run(move || {
            let _permit = permit;
            match &checked {
                // Same work and the same answer for an unknown name, an account still waiting
                // and a wrong password; the wait does not grow while it lasts.
                Some(a) if !LockoutPolicy::is_locked(a.locked_until, now()) => {
                    password::verify_password(&form.password, &a.password_hash)
                }
                _ => {
                    password::verify_nothing(&form.password);
                    false
                }
            }
        })
        .await?;
    // 3. What the attempt did, recorded.
    let Some(account) = account else {
        return Ok(sign_in_page(
            &state,
            actix_web::http::StatusCode::UNAUTHORIZED,
            &name,
            SignInError::Refused,
        ));
    };
    let st = state.clone();
    let outcome = state
        .db(move |conn| -> Result<Outcome, AppError> {
            let ws = &st.workspace;
            let now = now();
            if LockoutPolicy::is_locked(account.locked_until, now) {
                return Ok(Outcome::Refused);
            }
            if !password_ok {
                let locked =
                    db::credentials::record_failure(conn, &account.analyst_id, ws.lockout, now)?;
                let detail = match locked {
                    Some(until) => {
                        format!("wrong password; next attempt accepted from {until} UTC")
                    }
                    None => "wrong password".to_string(),
                };
                db::audit::record(conn, &account.name, "sign_in_failed", None, &detail)?;
                return Ok(Outcome::Refused);
            }
            db::credentials::record_success(conn, &account.analyst_id)?;
            let id = random_hex();
            db::sessions::create(
                conn,
                &hash_token(&id),
                &account.analyst_id,
                &random_hex(),
                now,
                now + ws.session_ttl,
            )?;
            db::audit::record(conn, &account.name, "sign_in", None, "")?;
            Ok(Outcome::SignedIn {
                id,
                analyst: account.name,
            })
        })
        .await?;
    match outcome {
        Outcome::SignedIn { id, analyst } => {
            tracing::info!(%analyst, "analyst signed in");
            let ws = &state.workspace;
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/analyst"))
                .insert_header(crate::web::no_store())
                .append_header((
                    header::SET_COOKIE,
                    set_cookie(
                        ws,
                        SESSION_COOKIE,
                        &id,
                        "/analyst",
                        ws.session_ttl.num_seconds(),
                    ),
                ))
                .append_header((
                    header::SET_COOKIE,
                    set_cookie(ws, SIGN_IN_COOKIE, "", "/analyst/sign-in", 0),
                ))
                .finish())
        }
        Outcome::Refused => Ok(sign_in_page(
            &state,
            actix_web::http::StatusCode::UNAUTHORIZED,
            &name,
            SignInError::Refused,
        )),
    }
}

/// `POST /analyst/sign-out` (with the session's CSRF token): deletes the session.
pub async fn sign_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let Some(session) = current(&state, &req).await? else {
        return Ok(to_sign_in());
    };
    let fields = form_fields(&body);
    if !session.csrf_ok(field(&fields, CSRF_FIELD)) {
        return Err(csrf_refused());
    }
    let s = session.clone();
    state
        .db(move |conn| -> Result<(), AppError> {
            db::sessions::delete(conn, &s.id_hash)?;
            db::audit::record(conn, &s.analyst, "sign_out", None, "")?;
            Ok(())
        })
        .await?;
    tracing::info!(analyst = %session.analyst, "analyst signed out");
    let mut response = to_sign_in();
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&set_cookie(
            &state.workspace,
            SESSION_COOKIE,
            "",
            "/analyst",
            0,
        ))
        .expect("a cookie is a valid header value"),
    );
    Ok(response)
}
