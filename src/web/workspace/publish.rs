//! The workspace's publication and reminder buttons. What may be published, and the
//! snapshot itself, are [`crate::publish`]'s.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::db;
use crate::definitions::{Wave, WaveStatus};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::workspace::session::{self, CSRF_FIELD};

const BACK: (&str, &str) = ("/analyst", "分析者ページへ / To the workspace");

/// What a dashboard POST on a wave needs: a signed-in analyst, the session's CSRF token in
/// the form, a role allowed the action (`operators`: whether operators may), and a known
/// wave; otherwise the page to answer with.
pub(super) async fn signed_in_wave(
    state: &AppState,
    req: &HttpRequest,
    wave_id: &str,
    body: &[u8],
    operators: bool,
) -> Result<Result<(session::SignedIn, Wave), HttpResponse>, AppError> {
    let Some(signed_in) = session::current(state, req).await? else {
        return Ok(Err(session::to_sign_in()));
    };
    let fields = session::form_fields(body);
    if !signed_in.csrf_ok(session::field(&fields, CSRF_FIELD)) {
        return Ok(Err(session::csrf_refused()));
    }
    if !operators && !signed_in.role.may_export() {
        return Ok(Err(session::operator_refused()));
    }
    match state.definitions.wave(wave_id) {
        Some(wave) => Ok(Ok((signed_in, wave.clone()))),
        None => Ok(Err(session::message_page(
            StatusCode::NOT_FOUND,
            "調査が見つかりません / Unknown wave",
            vec![format!("`{wave_id}`")],
            Some(BACK),
        ))),
    }
}

/// `POST /analyst/waves/{wave}/publish` (signed in, with the session's CSRF token).
pub async fn publish(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = match signed_in_wave(&state, &req, &path, &body, false).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let today = (state.clock)();
    if wave.status(today) != WaveStatus::Closed {
        let first_day = wave.closes.succ_opt().unwrap_or(wave.closes);
        return Ok(session::message_page(
            StatusCode::CONFLICT,
            "まだ公表できません / Not yet possible to publish",
            vec![
                format!(
                    "{} の回答受付は {} まで続きます。結果は受付終了後（{} 以降）に公表できます。何も公表していません。",
                    wave.title.ja, wave.closes, first_day
                ),
                format!(
                    "{} takes responses until {}. Its results can be published once it has closed (from {}). Nothing was published.",
                    wave.title.en, wave.closes, first_day
                ),
            ],
            Some(BACK),
        ));
    }
    let st = state.clone();
    let analyst = signed_in.analyst.clone();
    let wave_id = wave.id.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let request = crate::publish::Request {
                definitions: &st.definitions,
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
            let mut lines = vec![
                "前回の公表との差から、少数の回答者の結果が計算できてしまうため、公表しませんでした。 / Not published: the difference from an earlier publication would give away the figures of fewer respondents than the minimum.".to_string(),
            ];
            for crate::publish::Shortfall {
                vision_id: vision,
                respondents: n,
                more,
            } in refusals
            {
                lines.push(format!(
                    "{vision}: 回答者 {n} 人。あと {more} 人以上の回答者が必要です（前回との差は0人か{min}人以上）。 / {vision}: {n} respondents; at least {more} more are needed (a publication must differ from every earlier one by 0 or at least {min} respondents).",
                    min = state.min_group_size
                ));
            }
            return Ok(session::message_page(
                StatusCode::CONFLICT,
                "公表できません / Not possible to publish",
                lines,
                Some(BACK),
            ));
        }
    };
    tracing::info!(analyst = %signed_in.analyst, wave = %wave_id, responses = published.responses, "results published");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/analyst#wave-{wave_id}")))
        .finish())
}

/// `POST /analyst/waves/{wave}/remind`: the dashboard's reminder button (session + CSRF);
/// scripts use `POST /analyst/waves/{wave}/reminders` with a bearer token.
pub async fn remind(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = match signed_in_wave(&state, &req, &path, &body, false).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let back = Some(BACK);
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
        Ok(queued) => session::message_page(
            StatusCode::OK,
            "リマインドを送信待ちにしました / Reminders queued",
            vec![format!(
                "{queued} 件のリマインドを送信待ちにしました（未回答・配信停止していない方、招待から{days}日以上の方）。 / {queued} reminder(s) queued for invitees who have neither answered nor opted out, invited at least {days} days ago.",
                days = state.reminder_days
            )],
            back,
        ),
        Err(why) => session::message_page(
            StatusCode::CONFLICT,
            "リマインドできません / Reminders not possible",
            vec![why],
            back,
        ),
    })
}
