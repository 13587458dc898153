//! The workspace's publication and reminder buttons. What may be published, and the
//! snapshot itself, are [`crate::publish`]'s.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db;
use crate::definitions::{Wave, WaveStatus};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::workspace::session::{self, CSRF_FIELD};

/// What a dashboard POST on a wave needs: a signed-in analyst, the session's CSRF token in
/// the form, a role allowed the action (`operators`: whether operators may), and a known
/// wave; otherwise the page to answer with.
pub(super) async fn signed_in_wave(
    state: &AppState,
    req: &HttpRequest,
    wave_id: &str,
    body: &[u8],
    operators: bool,
) -> Result<(session::SignedIn, Wave), AppError> {
    let Some(signed_in) = session::current(state, req).await? else {
        return Err(AppError::sign_in_required());
    };
    let fields = session::form_fields(body);
    if !signed_in.csrf_ok(session::field(&fields, CSRF_FIELD)) {
        return Err(session::csrf_refused());
    }
    if !operators && !signed_in.role.may_export() {
        return Err(session::operator_refused());
    }
    Ok((signed_in, workspace_wave(state, wave_id)?))
}

/// A wave of the definitions, or the workspace's 404 page naming it.
pub(super) fn workspace_wave(state: &AppState, wave_id: &str) -> Result<Wave, AppError> {
    state.definitions.wave(wave_id).cloned().ok_or_else(|| {
        AppError::refused(
            StatusCode::NOT_FOUND,
            crate::i18n::both("ws_unknown_wave"),
            vec![format!("`{wave_id}`")],
        )
    })
}

/// `POST /analyst/waves/{wave}/publish` (signed in, with the session's CSRF token).
pub async fn publish(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_wave(&state, &req, &path, &body, false).await?;
    let today = (state.clock)();
    if wave.status(today) != WaveStatus::Closed {
        let first_day = wave.closes.succ_opt().unwrap_or(wave.closes);
        let body = |lang, title: &str| {
            crate::i18n::t_args(
                lang,
                "ws_not_yet_publish_body",
                &[
                    ("title", title.to_string().into()),
                    ("closes", wave.closes.to_string().into()),
                    ("from", first_day.to_string().into()),
                ],
            )
        };
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            crate::i18n::both("ws_not_yet_publish"),
            vec![
                body(crate::domain::Lang::Ja, &wave.title.ja),
                body(crate::domain::Lang::En, &wave.title.en),
            ],
        ));
    }
    // Paper sheets still waiting for their second entry or a resolution are not in the
    // results: say how many, and publish only once that number is confirmed.
    let pending_of = wave.id.clone();
    let (second, resolution) = state
        .db(move |conn| -> Result<_, AppError> { Ok(db::paper::counts(conn, &pending_of)?) })
        .await?;
    let pending = second + resolution;
    let fields = session::form_fields(&body);
    let confirmed = session::field(&fields, "confirm_pending")
        .and_then(|n| n.trim().parse::<i64>().ok())
        == Some(pending);
    if pending > 0 && !confirmed {
        return confirm_page(&signed_in, &wave, (second, resolution));
    }
    let st = state.clone();
    let analyst = signed_in.analyst.clone();
    let wave_id = wave.id.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let request = crate::publish::Request {
                definitions: &st.definitions,
                exports: &st.exports,
                plan: &st.score_plan(&wave),
                wave: &wave,
                analyst: &analyst,
                today: (st.clock)(),
                min_group_size: st.min_group_size,
            };
            Ok(crate::publish::publish(conn, &request)?)
        })
        .await?;
    let published = match outcome {
        Ok(p) => p,
        Err(refusals) => {
            let mut lines = vec![crate::i18n::both("ws_differencing_refused")];
            for crate::publish::Shortfall {
                vision_id: vision,
                respondents: n,
                more,
            } in refusals
            {
                lines.push(crate::i18n::both_args(
                    "ws_differencing_shortfall",
                    &[
                        ("vision", vision.into()),
                        ("n", n.into()),
                        ("more", more.into()),
                        ("min", state.min_group_size.into()),
                    ],
                ));
            }
            return Err(AppError::refused(
                StatusCode::CONFLICT,
                crate::i18n::both("ws_cannot_publish"),
                lines,
            ));
        }
    };
    tracing::info!(analyst = %signed_in.analyst, wave = %wave_id, responses = published.responses, "results published");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/analyst#wave-{wave_id}")))
        .finish())
}

#[derive(Template)]
#[template(path = "workspace/publish_confirm.html")]
struct ConfirmPage {
    t: &'static crate::web::workspace::texts::Texts,
    title: crate::i18n::Both<String>,
    body: crate::i18n::Both<String>,
    confirm: crate::i18n::Both<String>,
    entry: crate::i18n::Both<String>,
    back: crate::i18n::Both<String>,
    csrf: String,
    wave_id: String,
    pending: i64,
}

/// The question before publishing a wave with paper sheets still pending (the number is
/// sent back, so a sheet that became pending meanwhile asks again).
fn confirm_page(
    signed_in: &session::SignedIn,
    wave: &Wave,
    (second, resolution): (i64, i64),
) -> Result<HttpResponse, AppError> {
    let pending = second + resolution;
    let body = ConfirmPage {
        t: crate::web::workspace::texts::texts(),
        title: crate::i18n::pair("ws_publish_pending_title", &[("n", pending.into())]),
        body: crate::i18n::pair(
            "ws_publish_pending_body",
            &[
                ("n", pending.into()),
                ("second", second.into()),
                ("resolution", resolution.into()),
            ],
        ),
        confirm: crate::i18n::pair("ws_publish_pending_confirm", &[("n", pending.into())]),
        entry: crate::i18n::pair("ws_paper_entry", &[]),
        back: crate::i18n::pair("ws_back", &[]),
        csrf: signed_in.csrf_token.clone(),
        wave_id: wave.id.clone(),
        pending,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(body))
}

/// `POST /analyst/waves/{wave}/remind`: the dashboard's reminder button (session + CSRF);
/// scripts use `POST /analyst/waves/{wave}/reminders` with a bearer token.
pub async fn remind(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_wave(&state, &req, &path, &body, false).await?;
    let back_label = crate::i18n::both("ws_back");
    let back = Some(("/analyst", back_label.as_str()));
    let st = state.clone();
    let analyst = signed_in.analyst.clone();
    let outcome = state
        .db(move |conn| -> Result<Result<usize, String>, AppError> {
            match crate::invite::remind(conn, &wave, (st.clock)(), st.reminder_days) {
                Ok(queued) => {
                    db::audit::record(
                        conn,
                        &analyst,
                        "remind",
                        Some(&wave.id),
                        &format!("{queued} reminders queued"),
                    )?;
                    Ok(Ok(queued))
                }
                Err(crate::invite::InviteError::Refused(why)) => Ok(Err(why)),
                Err(crate::invite::InviteError::Database(e)) => Err(e.into()),
            }
        })
        .await?;
    Ok(match outcome {
        Ok(queued) => crate::web::workspace::pages::message_page(
            StatusCode::OK,
            &crate::i18n::both("ws_reminders_queued"),
            vec![crate::i18n::both_args(
                "ws_reminders_queued_body",
                &[
                    ("queued", queued.into()),
                    ("days", state.reminder_days.into()),
                ],
            )],
            back,
        ),
        Err(why) => {
            return Err(AppError::refused(
                StatusCode::CONFLICT,
                crate::i18n::both("ws_reminders_refused"),
                vec![why],
            ));
        }
    })
}
