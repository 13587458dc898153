//! Publication of a wave's results: a snapshot of the suppressed per-vision figures, taken
//! once the wave has closed. The public pages read only the snapshot, so they do not change
//! when paper responses arrive later; publishing again replaces it (and is logged), unless a
//! figure could then be differenced against an earlier publication down to fewer than the
//! minimum group size ([`crate::stats::differencing_shortfall`]): that is refused, saying
//! how many more respondents are needed.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::Connection;

use crate::db;
use crate::db::publications::{Publication, PublishedVision};
use crate::definitions::{Definitions, Wave, WaveStatus};
use crate::stats::{Summary, differencing_shortfall};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::workspace::session::{self, CSRF_FIELD};

/// When a publication happens: today by the service's calendar (the injected clock,
/// `SURVEY_TODAY` in rehearsals) at the current time of day in Japan, stored in UTC.
pub fn published_at(today: NaiveDate) -> NaiveDateTime {
    let jst = TimeDelta::hours(9);
    let time_of_day = (Utc::now().naive_utc() + jst).time();
    today.and_time(time_of_day) - jst
}

/// Why a publication would let a figure be differenced: per vision, the respondents it
/// has and how many more it needs. Empty when it may be published.
pub fn differencing_refusals(
    earlier: &[(String, i32)],
    visions: &[PublishedVision],
    min_group_size: u64,
) -> Vec<(String, u64, u64)> {
    visions
        .iter()
        .filter(|v| !v.suppressed)
        .filter_map(|v| {
            let now = u64::try_from(v.respondents?).ok()?;
            let before: Vec<u64> = earlier
                .iter()
                .filter(|(id, _)| *id == v.vision_id)
                .filter_map(|(_, n)| u64::try_from(*n).ok())
                .collect();
            let more = differencing_shortfall(&before, now, min_group_size)?;
            Some((v.vision_id.clone(), now, more))
        })
        .collect()
}

/// Figures as in the CSV exports (six significant digits).
use crate::export::fixed;

/// One vision's published row: figures when at least `min_group_size` respondents have a
/// score, else every figure (the count too) left out and `suppressed`.
pub fn published_vision(
    wave_id: &str,
    vision_id: &str,
    summary: Option<Summary>,
    min_group_size: u64,
) -> PublishedVision {
    match summary {
        Some(s) if s.n >= min_group_size.max(1) => PublishedVision {
            wave_id: wave_id.to_string(),
            vision_id: vision_id.to_string(),
            respondents: Some(i32::try_from(s.n).unwrap_or(i32::MAX)),
            mean_score: Some(fixed(s.mean)),
            sd: s.sd.map(fixed),
            ci95_lower: s.ci95.map(|c| fixed(c.0)),
            ci95_upper: s.ci95.map(|c| fixed(c.1)),
            top2_box_pct: Some(fixed(s.top2_pct)),
            suppressed: false,
        },
        _ => PublishedVision {
            wave_id: wave_id.to_string(),
            vision_id: vision_id.to_string(),
            respondents: None,
            mean_score: None,
            sd: None,
            ci95_lower: None,
            ci95_upper: None,
            top2_box_pct: None,
            suppressed: true,
        },
    }
}

/// The wave's current per-vision figures, suppressed, as they would be published.
pub fn current_figures(
    conn: &mut db::Conn,
    defs: &Definitions,
    wave: &Wave,
    min_group_size: u64,
) -> diesel::QueryResult<Vec<PublishedVision>> {
    // The derived per-stratum sums the vision-scores export reads: a few rows per vision,
    // whatever the number of responses.
    let plan = crate::stats::ScorePlan::new(wave, &defs.visions);
    db::scores::ensure_current(conn, &plan)?;
    let sums = db::scores::by_stratum(conn, &wave.id, crate::domain::Scope::Sample)?;
    Ok(defs
        .visions
        .iter()
        .map(|vision| {
            let mine: Vec<_> = sums.iter().filter(|g| g.vision_id == vision.id).collect();
            let summary = crate::export::summary_of(&mine);
            published_vision(&wave.id, &vision.id, summary, min_group_size)
        })
        .collect())
}

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
    let outcome = web::block(move || -> Result<Result<Publication, Vec<_>>, AppError> {
        let mut conn = st.pool.get()?;
        let visions = current_figures(&mut conn, &st.definitions, &wave, st.min_group_size)?;
        let earlier = db::publications::published_counts(&mut conn, &wave.id)?;
        let refusals = differencing_refusals(&earlier, &visions, st.min_group_size);
        if !refusals.is_empty() {
            return Ok(Err(refusals));
        }
        let responses = db::counts::count(&mut conn, &wave.id)?;
        let (paper, online) = db::counts::count_by_channel(&mut conn, &wave.id)?;
        let as_i32 = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        let publication = Publication {
            by_channel: Some((as_i32(paper), as_i32(online))),
            wave_id: wave.id.clone(),
            published_at: published_at((st.clock)()),
            published_by: analyst.clone(),
            responses: i32::try_from(responses).unwrap_or(i32::MAX),
            min_group_size: i32::try_from(st.min_group_size).unwrap_or(i32::MAX),
            visions,
        };
        let suppressed = publication.visions.iter().filter(|v| v.suppressed).count();
        conn.transaction(|conn| -> Result<(), diesel::result::Error> {
            db::publications::replace(conn, &publication)?;
            db::audit::record(
                conn,
                &analyst,
                "publish",
                Some(&wave.id),
                &format!(
                    "{} responses; {suppressed} of {} visions suppressed (minimum group {})",
                    publication.responses,
                    publication.visions.len(),
                    publication.min_group_size
                ),
            )
        })?;
        Ok(Ok(publication))
    })
    .await??;
    let published = match outcome {
        Ok(p) => p,
        Err(refusals) => {
            let mut lines = vec![
                "前回の公表との差から、少数の回答者の結果が計算できてしまうため、公表しませんでした。 / Not published: the difference from an earlier publication would give away the figures of fewer respondents than the minimum.".to_string(),
            ];
            for (vision, n, more) in refusals {
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
    let outcome = web::block(move || -> Result<Result<usize, String>, AppError> {
        let mut conn = st.pool.get()?;
        match crate::invite::remind(&mut conn, &wave, (st.clock)(), st.reminder_days) {
            Ok(queued) => {
                db::audit::record(
                    &mut conn,
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
    .await??;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_are_published_as_suppressed_only() {
        let s = Summary {
            n: 9,
            mean: 50.0,
            sd: Some(10.0),
            ci95: Some((40.0, 60.0)),
            top2_pct: 30.0,
        };
        let p = published_vision("w", "v1", Some(s), 10);
        assert!(p.suppressed);
        assert_eq!((p.respondents, p.mean_score), (None, None));
        let p = published_vision("w", "v1", Some(s), 9);
        assert!(!p.suppressed);
        assert_eq!(p.respondents, Some(9));
        assert_eq!(p.mean_score.as_deref(), Some("50.0000"));
        assert_eq!(p.ci95_upper.as_deref(), Some("60.0000"));
        assert!(published_vision("w", "v1", None, 0).suppressed);
    }

    #[test]
    fn a_publication_one_respondent_later_is_refused() {
        let s = |n| Summary {
            n,
            mean: 50.0,
            sd: Some(10.0),
            ci95: Some((40.0, 60.0)),
            top2_pct: 30.0,
        };
        let now = [published_vision("w", "v1", Some(s(55)), 10)];
        assert_eq!(
            differencing_refusals(&[("v1".into(), 54)], &now, 10),
            [("v1".to_string(), 55, 9)]
        );
        assert!(differencing_refusals(&[("v2".into(), 54)], &now, 10).is_empty());
        assert!(differencing_refusals(&[("v1".into(), 45)], &now, 10).is_empty());
    }

    #[test]
    fn the_publication_date_is_the_clock_s() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 3).unwrap();
        // Stored in UTC; Japan's calendar day is the clock's.
        assert_eq!((published_at(day) + TimeDelta::hours(9)).date(), day);
    }
}
