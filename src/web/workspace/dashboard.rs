//! The analyst dashboard `GET /analyst`: per wave, responses by day and channel, how many
//! responses answered each question, the current per-vision scores (suppressed as they
//! would be published) with a chart, and a publish button once the wave has closed.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db;
use crate::db::publications::PublishedVision;
use crate::definitions::{Definitions, Wave, WaveStatus};
use crate::domain::Lang;
use crate::i18n::{self, Both};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::workspace::session;
use crate::web::workspace::texts::{Texts, texts};

pub struct DayRow {
    pub day: String,
    pub web: i64,
    pub paper: i64,
    /// Paper sheets without their code (in the estimates, then left out).
    pub paper_no_code: (i64, i64),
    pub email: i64,
    /// Open answers beside a postal sample (not in the sample).
    pub open: i64,
    pub total: i64,
}

/// The 回収状況 of a postal (code) wave.
pub struct RateRow {
    pub issued: i64,
    pub spare: i64,
    pub mailed: i64,
    pub undeliverable: i64,
    /// 回収数: the sample's returned responses; 有効回収数 (rate) below.
    pub returned: i64,
    pub answered: i64,
    pub answered_pct: String,
    pub web: i64,
    pub web_pct: String,
    pub paper: i64,
    pub paper_pct: String,
    /// Paper sheets without their code: in the estimates (with its rate), left out.
    pub paper_no_code: i64,
    pub paper_no_code_pct: String,
    pub paper_no_code_excluded: i64,
    pub open: i64,
}

pub struct QuestionRow {
    pub id: String,
    pub text: String,
    pub answered: i64,
    pub percent: String,
}

pub struct VisionRow {
    pub name: String,
    pub suppressed: bool,
    pub respondents: String,
    pub score: String,
    pub ci: String,
    pub top2: String,
}

pub struct WavePanel {
    pub id: String,
    pub title: String,
    pub period: String,
    pub status: Both,
    pub closed: bool,
    /// An invitation-only wave still taking answers: reminders can be queued.
    pub can_remind: bool,
    pub responses: i64,
    /// Response rates, on code waves.
    pub rates: Option<RateRow>,
    pub days: Vec<DayRow>,
    pub questions: Vec<QuestionRow>,
    pub visions: Vec<VisionRow>,
    pub chart: String,
    /// "published on … by …", when published.
    pub published: Option<Both<String>>,
    /// On postal waves: paper sheets waiting for a second entry and for a resolution.
    pub paper_pending: Option<(i64, i64)>,
}

pub struct AuditRow {
    pub at: String,
    pub analyst: String,
    pub action: String,
    pub wave: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "workspace/dashboard.html")]
pub struct DashboardPage {
    pub t: &'static Texts,
    /// "signed in as …".
    pub signed_in: Both<String>,
    pub csrf: String,
    /// Which groups are suppressed (under `min_group_size`).
    pub suppression: Both<String>,
    pub waves: Vec<WavePanel>,
    pub audit: Vec<AuditRow>,
    /// Every export kind, linked per wave with each encoding.
    pub export_kinds: Vec<&'static str>,
    pub encodings: [&'static str; 3],
}

fn four(s: &Option<String>) -> Option<f64> {
    s.as_deref().and_then(|s| s.parse().ok())
}

fn vision_rows(defs: &Definitions, figures: &[PublishedVision]) -> Vec<VisionRow> {
    defs.visions
        .iter()
        .map(|v| {
            let f = figures.iter().find(|f| f.vision_id == v.id);
            match f {
                Some(f) if !f.suppressed => VisionRow {
                    name: format!("{} {}", v.id, v.name.ja),
                    suppressed: false,
                    respondents: f.respondents.map(|n| n.to_string()).unwrap_or_default(),
                    score: four(&f.mean_score).map_or(String::new(), |x| format!("{x:.1}")),
                    ci: match (four(&f.ci95_lower), four(&f.ci95_upper)) {
                        (Some(a), Some(b)) => format!("{a:.1}–{b:.1}"),
                        _ => "—".into(),
                    },
                    top2: four(&f.top2_box_pct).map_or(String::new(), |x| format!("{x:.1}%")),
                },
                _ => VisionRow {
                    name: format!("{} {}", v.id, v.name.ja),
                    suppressed: true,
                    respondents: String::new(),
                    score: String::new(),
                    ci: String::new(),
                    top2: String::new(),
                },
            }
        })
        .collect()
}

fn panel(
    conn: &mut db::Conn,
    st: &AppState,
    wave: &Wave,
    today: chrono::NaiveDate,
) -> Result<WavePanel, AppError> {
    let (defs, min_group_size) = (&*st.definitions, st.min_group_size);
    // Every count from the one definition (db::counts::WaveCounts).
    let counts = db::counts::wave_counts(conn, &wave.id)?;
    let responses = counts.stored();
    let days: Vec<DayRow> = counts
        .days
        .iter()
        .map(|d| DayRow {
            day: d.day.to_string(),
            web: d.web,
            paper: d.paper,
            paper_no_code: (d.paper_no_code, d.paper_no_code_excluded),
            email: d.email,
            open: d.open,
            total: d.returned() + d.paper_no_code_excluded + d.open,
        })
        .collect();
    let rates = if wave.access == crate::definitions::Access::Code {
        let s = &counts;
        let pct = |n: i64| s.rate(n).map_or("—".to_string(), |r| format!("{r:.1}%"));
        Some(RateRow {
            issued: s.issued,
            spare: s.spare,
            mailed: s.mailed(),
            undeliverable: s.undeliverable,
            returned: s.returned(),
            answered: s.valid(),
            answered_pct: pct(s.valid()),
            web: s.online(),
            web_pct: pct(s.online()),
            paper: s.paper,
            paper_pct: pct(s.paper),
            paper_no_code: s.paper_no_code,
            paper_no_code_pct: pct(s.paper_no_code),
            paper_no_code_excluded: s.paper_no_code_excluded,
            open: s.open,
        })
    } else {
        None
    };
    let answered: HashMap<String, i64> = db::monitoring::answered_per_question(conn, &wave.id)?
        .into_iter()
        .collect();
    let questions = wave
        .questions()
        .map(|q| {
            let n = answered.get(&q.id).copied().unwrap_or(0);
            QuestionRow {
                id: q.id.clone(),
                text: q.text.ja.clone(),
                answered: n,
                percent: if responses > 0 {
                    format!("{:.1}%", n as f64 * 100.0 / responses as f64)
                } else {
                    "—".into()
                },
            }
        })
        .collect();
    let figures =
        crate::publish::current_figures(conn, defs, &st.score_plan(wave), wave, min_group_size)?;
    let snapshot = db::publications::Publication {
        wave_id: wave.id.clone(),
        published_at: chrono::NaiveDateTime::default(),
        published_by: String::new(),
        responses: 0,
        min_group_size: 0,
        by_channel: None,
        mailing: None,
        returned: None,
        visions: figures.clone(),
    };
    let t = texts();
    let title = i18n::pair("ws_chart_title", &[("title", wave.title.ja.clone().into())]);
    let chart = crate::web::resident::results::chart(
        &format!("chart-{}", wave.id),
        defs,
        &[&snapshot],
        vec![i18n::both_args(
            "ws_chart_now",
            &[(
                "series",
                crate::web::resident::results::series_label(wave.opens, Lang::Ja).into(),
            )],
        )],
        Lang::Ja,
        &format!("{} {}", title.ja, title.en),
        &format!("{} {}", t.suppressed.ja, t.suppressed.en),
    );
    let published = db::publications::find(conn, &wave.id)?.map(|p| {
        i18n::pair(
            "ws_published",
            &[
                (
                    "at",
                    p.published_at.format("%Y-%m-%d %H:%M").to_string().into(),
                ),
                ("by", p.published_by.into()),
                ("responses", p.responses.into()),
            ],
        )
    });
    let status = wave.status(today);
    let paper_pending = if wave.access == crate::definitions::Access::Code {
        Some(db::paper::counts(conn, &wave.id)?)
    } else {
        None
    };
    Ok(WavePanel {
        paper_pending,
        id: wave.id.clone(),
        title: wave.title.ja.clone(),
        period: format!("{} – {}", wave.opens, wave.closes),
        status: match status {
            WaveStatus::Open => t.status_open,
            WaveStatus::Upcoming => t.status_upcoming,
            WaveStatus::Closed => t.status_closed,
        },
        closed: status == WaveStatus::Closed,
        can_remind: wave.access == crate::definitions::Access::Invitation
            && status == WaveStatus::Open,
        responses,
        rates,
        days,
        questions,
        visions: vision_rows(defs, &figures),
        chart,
        published,
    })
}

/// `GET /analyst`: the dashboard, or the sign-in page for a visitor without a session.
pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = session::current(&state, &req).await? else {
        return Ok(session::to_sign_in());
    };
    if !signed_in.role.may_export() {
        return operator_home(&state, &signed_in);
    }
    let st = state.clone();
    let (waves, audit) = state
        .db(move |conn| -> Result<_, AppError> {
            let today = (st.clock)();
            let waves = st
                .definitions
                .waves
                .iter()
                .map(|w| panel(conn, &st, w, today))
                .collect::<Result<Vec<_>, _>>()?;
            let audit = db::audit::latest(conn, 20)?
                .into_iter()
                .map(|e| AuditRow {
                    at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    analyst: e.analyst,
                    action: e.action,
                    wave: e.wave_id.unwrap_or_default(),
                    detail: e.detail,
                })
                .collect::<Vec<_>>();
            Ok((waves, audit))
        })
        .await?;
    let body = DashboardPage {
        export_kinds: crate::export::ExportKind::ALL.map(|k| k.name()).to_vec(),
        encodings: crate::export::Encoding::NAMES,
        t: texts(),
        signed_in: i18n::pair(
            "ws_signed_in_as",
            &[("analyst", signed_in.analyst.clone().into())],
        ),
        csrf: signed_in.csrf_token.clone(),
        suppression: i18n::pair(
            "ws_suppression_hint",
            &[("min", state.min_group_size.into())],
        ),
        waves,
        audit,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(body))
}

/// An operator's start page: paper entry and the questionnaire of each wave, no figures.
#[derive(Template)]
#[template(path = "workspace/operator_home.html")]
struct OperatorHome {
    t: &'static Texts,
    /// "signed in as … (operator)".
    signed_in: Both<String>,
    csrf: String,
    /// `(id, title, postal)`.
    waves: Vec<(String, String, bool)>,
}

fn operator_home(
    state: &AppState,
    signed_in: &session::SignedIn,
) -> Result<HttpResponse, AppError> {
    let body = OperatorHome {
        t: texts(),
        signed_in: i18n::pair(
            "ws_signed_in_operator",
            &[("analyst", signed_in.analyst.clone().into())],
        ),
        csrf: signed_in.csrf_token.clone(),
        waves: state
            .definitions
            .waves
            .iter()
            .map(|w| {
                (
                    w.id.clone(),
                    w.title.ja.clone(),
                    w.access == crate::definitions::Access::Code,
                )
            })
            .collect(),
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(body))
}
