//! The workspace's evaluation page `/analyst/waves/{wave}/evaluation`: the current grades of
//! every indicator and, per vision, the 見直し decision analysts record (direction, reason,
//! 主な市民意見). One form for all visions (plain controls, usable with the keyboard alone),
//! with the session's CSRF token; every save is audit-logged with what changed.
//!
//! The decisions are published with the results and then locked: a save is refused until an
//! analyst reopens them ("改訂を始める"), which the audit log records too; the public keeps
//! the published decisions until the next publication supersedes them.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel::Connection;

use super::publish::{signed_in_wave, workspace_wave};
use super::session;
use crate::db;
use crate::definitions::Wave;
use crate::domain::{Lang, Scope};
use crate::evaluation::decision::{Decision, Direction, Problem};
use crate::evaluation::table::{Cells, groups};
use crate::text::opinions::{CodedOpinion, QUOTES_PER_CODE, draft, for_vision};
use crate::web::AppState;
use crate::web::error::AppError;

/// Whether the decisions may be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Not published yet.
    Draft,
    /// Published on this day (UTC timestamp as text): locked.
    Locked(String),
    /// Published, and reopened by an analyst for the next publication.
    Revision(String),
}

pub struct VisionForm {
    pub id: String,
    pub name: String,
    pub rows: Vec<Cells>,
    pub direction: String,
    pub reason: String,
    pub opinions: String,
    pub problems: Vec<String>,
    /// The codes of the vision given to the wave's comments (`text::opinions`).
    pub coded: Vec<CodedOpinion>,
    /// The draft shown in the empty 主な市民意見 field (empty: none); sent back with the
    /// form so that a save leaves an untouched draft out.
    pub draft: String,
}

#[derive(Template)]
#[template(path = "workspace/evaluation.html")]
pub struct EvaluationPage {
    pub t: &'static crate::web::workspace::texts::Texts,
    pub csrf: String,
    pub wave_id: String,
    pub wave_title: String,
    pub state: State,
    pub saved: bool,
    /// Why there is nothing to evaluate, when there is not.
    pub unavailable: Option<String>,
    pub visions: Vec<VisionForm>,
    /// `(code, 日本語, English)` of each direction.
    pub directions: Vec<(&'static str, String, String)>,
    pub max_reason: usize,
    pub max_opinions: usize,
    /// The CS portfolio: how importance was derived, its scatter (SVG), its rows.
    pub portfolio_method: String,
    pub portfolio_svg: Option<String>,
    pub portfolio: Vec<PortfolioRow>,
    /// The coded opinions' heading, explanation and draft hint (Japanese, English).
    pub coded_title: crate::i18n::Both<String>,
    pub coded_hint: crate::i18n::Both<String>,
    pub coded_none: crate::i18n::Both<String>,
    pub draft_hint: crate::i18n::Both<String>,
    pub summary_mark: crate::i18n::Both<String>,
}

pub use crate::report::scatter::PortfolioRow;

impl EvaluationPage {
    pub fn locked(&self) -> bool {
        matches!(self.state, State::Locked(_))
    }

    /// A code's number of coded comments, in both languages.
    pub fn count(&self, n: &u64) -> crate::i18n::Both<String> {
        crate::i18n::pair("ws_eval_coded_count", &[("n", (*n).into())])
    }
}

/// The lock state of a wave's decisions, read in the caller's transaction.
fn lock_state(conn: &mut db::Conn, wave_id: &str) -> Result<State, AppError> {
    Ok(match db::evaluations::published(conn, wave_id)? {
        None => State::Draft,
        Some((at, _)) => {
            let at = at.format("%Y-%m-%d %H:%M UTC").to_string();
            if db::evaluations::revision_open(conn, wave_id)? {
                State::Revision(at)
            } else {
                State::Locked(at)
            }
        }
    })
}

/// A submitted form: each vision's decision as typed, and the problems by vision.
type Entered = (Vec<Decision>, Vec<(String, Problem)>);

/// The drafts the page offered, `(vision, draft)`, as sent back with the form.
type Drafts = Vec<(String, String)>;

/// What the page shows, from the database; `entered` replaces the stored decisions (a
/// refused save shows what was typed, with its problems).
fn build(
    st: &AppState,
    conn: &mut db::Conn,
    wave: &Wave,
    csrf: String,
    entered: Option<Entered>,
    saved: bool,
) -> Result<EvaluationPage, AppError> {
    let defs = &st.definitions;
    let (rows, unavailable) = match &st.exports.targets {
        Ok(Some(targets)) => (
            crate::export::evaluation::live_rows(conn, &st.exports, targets, wave, Scope::Sample)
                .map_err(AppError::internal)?,
            None,
        ),
        Ok(None) => (
            Vec::new(),
            Some(format!(
                "{} がないため、評価する指標がありません。 / There is no {} beside the definitions: nothing to evaluate (docs/evaluation.md).",
                crate::evaluation::TARGETS_FILE,
                crate::evaluation::TARGETS_FILE
            )),
        ),
        Err(reason) => (Vec::new(), Some(reason.clone())),
    };
    let (decisions, problems) = match entered {
        Some(e) => e,
        None => (db::evaluations::decisions(conn, &wave.id)?, Vec::new()),
    };
    let state = lock_state(conn, &wave.id)?;
    let editable = !matches!(state, State::Locked(_));
    // The coded opinions as the comments stand now (not as published): for analysts only.
    let comments = crate::text::publication::snapshot(&db::comments::all(conn, &wave.id, None)?);
    let grouped = groups(&rows, &decisions, defs, Lang::Ja);
    let visions = defs
        .visions
        .iter()
        .map(|v| {
            let d = decisions.iter().find(|d| d.vision_id == v.id);
            let coded = for_vision(&comments, &st.text.codes, &v.id, QUOTES_PER_CODE);
            let opinions = d.map_or(String::new(), |d| d.opinions.clone());
            // Offered only in an empty, editable field: a saved text is never replaced.
            let draft = if editable && opinions.is_empty() {
                draft(&coded, st.min_group_size)
            } else {
                String::new()
            };
            VisionForm {
                id: v.id.clone(),
                name: v.name.ja.clone(),
                rows: grouped
                    .iter()
                    .find(|g| g.vision_id == v.id)
                    .map_or(Vec::new(), |g| g.rows.clone()),
                direction: d
                    .and_then(|d| d.direction)
                    .map_or(String::new(), |d| d.code().to_string()),
                reason: d.map_or(String::new(), |d| d.reason.clone()),
                opinions: if draft.is_empty() {
                    opinions
                } else {
                    draft.clone()
                },
                problems: problems
                    .iter()
                    .filter(|(vision, _)| *vision == v.id)
                    .map(|(_, p)| field_problem(p))
                    .collect(),
                coded,
                draft,
            }
        })
        .collect();
    let analysis = crate::export::portfolio::analysis(conn, &st.exports, wave, Scope::Sample)
        .map_err(AppError::internal)?;
    let (portfolio, portfolio_svg) = portfolio_view(wave, &analysis);
    Ok(EvaluationPage {
        t: crate::web::workspace::texts::texts(),
        portfolio_method: match analysis.method.strip_prefix("overall:") {
            None if analysis.method == "asked" => "重要度の設問（ビジョンごと）の平均。点はビジョン、満足度はビジョンの点数 / the mean of each vision's importance question; a point per vision, satisfaction = the vision score".into(),
            Some(q) => format!("総合満足度の設問 `{q}` との相関 / correlation with the overall-satisfaction question `{q}`"),
            None => "ほかの設問の平均との相関（修正済み項目–合計相関。総合満足度の設問がないため） / corrected item–total correlation (the wave asks no overall-satisfaction question)".into(),
        },
        portfolio_svg,
        portfolio,
        csrf,
        wave_id: wave.id.clone(),
        wave_title: wave.title.ja.clone(),
        state,
        saved,
        unavailable,
        visions,
        directions: Direction::ALL
            .iter()
            .map(|d| {
                (
                    d.code(),
                    crate::i18n::t(Lang::Ja, d.message()),
                    crate::i18n::t(Lang::En, d.message()),
                )
            })
            .collect(),
        max_reason: crate::evaluation::decision::MAX_REASON,
        max_opinions: crate::evaluation::decision::MAX_OPINIONS,
        coded_title: crate::i18n::pair("ws_eval_coded_title", &[]),
        coded_hint: crate::i18n::pair("ws_eval_coded_hint", &[("max", QUOTES_PER_CODE.into())]),
        coded_none: crate::i18n::pair("ws_eval_coded_none", &[]),
        draft_hint: crate::i18n::pair("ws_eval_draft_hint", &[("min", st.min_group_size.into())]),
        summary_mark: crate::i18n::pair("ws_eval_summary_mark", &[]),
    })
}

/// The portfolio's rows and scatter (in Japanese, as the rest of the page's data).
fn portfolio_view(
    wave: &Wave,
    a: &crate::export::portfolio::Analysis,
) -> (Vec<PortfolioRow>, Option<String>) {
    match &a.portfolio {
        Some(p) => {
            let (rows, svg) = crate::report::scatter::portfolio(wave, p, Lang::Ja);
            (rows, Some(svg))
        }
        None => (Vec::new(), None),
    }
}

fn field_problem(p: &Problem) -> String {
    let field = match p.field {
        "direction" => "方向性 / Direction",
        "reason" => "理由 / Reason",
        _ => "主な市民意見 / Main opinions",
    };
    format!("{field}: {}", p.message)
}

fn html(status: StatusCode, page: &EvaluationPage) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(page.render().map_err(AppError::internal)?))
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    saved: Option<String>,
}

/// `GET /analyst/waves/{wave}/evaluation` (signed in, analysts).
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let signed_in = session::analyst(&state, &req).await?;
    let wave = workspace_wave(&state, &path)?;
    let st = state.clone();
    let saved = query.saved.is_some();
    let page = state
        .db(move |conn| build(&st, conn, &wave, signed_in.csrf_token, None, saved))
        .await?;
    html(StatusCode::OK, &page)
}

/// The decisions of a submitted form, one per vision of the definitions, or the problems
/// of each field (by vision).
fn parse_form(
    defs: &crate::definitions::Definitions,
    fields: &[(String, String)],
) -> (Entered, Drafts) {
    let get = |name: String| session::field(fields, &name).unwrap_or("").to_string();
    let mut decisions = Vec::new();
    let mut problems = Vec::new();
    let mut drafts = Vec::new();
    for v in &defs.visions {
        let offered = get(format!("opinions_draft_{}", v.id));
        if !offered.is_empty() {
            drafts.push((v.id.clone(), offered));
        }
        let (direction, reason, opinions) = (
            get(format!("direction_{}", v.id)),
            get(format!("reason_{}", v.id)),
            get(format!("opinions_{}", v.id)),
        );
        match Decision::parse(&v.id, &direction, &reason, &opinions) {
            Ok(d) => decisions.push(d),
            Err(ps) => {
                problems.extend(ps.into_iter().map(|p| (v.id.clone(), p)));
                // Shown again as typed.
                decisions.push(Decision {
                    vision_id: v.id.clone(),
                    direction: Direction::parse(&direction),
                    reason,
                    opinions,
                });
            }
        }
    }
    ((decisions, problems), drafts)
}

/// Leaves out of the save each draft the analyst left as offered in a vision where
/// nothing else changed either: a draft is kept only by working on that vision (editing
/// the text, or its direction or reason), never by saving the form for another one.
fn leave_untouched_drafts(before: &[Decision], after: &mut [Decision], drafts: &Drafts) {
    use crate::evaluation::decision::normalise;
    for d in after.iter_mut() {
        let Some((_, offered)) = drafts.iter().find(|(v, _)| *v == d.vision_id) else {
            continue;
        };
        if d.opinions.is_empty() || d.opinions != normalise(offered) {
            continue;
        }
        let untouched = match before.iter().find(|b| b.vision_id == d.vision_id) {
            Some(b) => b.opinions.is_empty() && b.direction == d.direction && b.reason == d.reason,
            None => d.direction.is_none() && d.reason.is_empty(),
        };
        if untouched {
            d.opinions.clear();
        }
    }
}

/// What changed between the stored decisions and the saved ones, for the audit log (no
/// free text in the log: its length only).
fn changes(before: &[Decision], after: &[Decision]) -> Vec<String> {
    after
        .iter()
        .filter(|d| {
            let old = before.iter().find(|b| b.vision_id == d.vision_id);
            old.map_or(!d.is_empty(), |o| o != *d)
        })
        .map(|d| {
            format!(
                "{}: {} (reason {} chars, opinions {} chars)",
                d.vision_id,
                d.direction.map_or("undecided", Direction::code),
                d.reason.chars().count(),
                d.opinions.chars().count()
            )
        })
        .collect()
}

/// `POST /analyst/waves/{wave}/evaluation`: saves every vision's decision (CSRF, analysts);
/// refused while the wave's published decisions are locked.
pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_wave(&state, &req, &path, &body, false).await?;
    let fields = session::form_fields(&body);
    let ((mut decisions, problems), drafts) = parse_form(&state.definitions, &fields);
    let st = state.clone();
    let analyst = signed_in.analyst.clone();
    let wave_id = wave.id.clone();
    if !problems.is_empty() {
        let page = state
            .db(move |conn| {
                // An untouched draft is offered again as a draft, not as typed text.
                let before = db::evaluations::decisions(conn, &wave.id)?;
                leave_untouched_drafts(&before, &mut decisions, &drafts);
                build(
                    &st,
                    conn,
                    &wave,
                    signed_in.csrf_token,
                    Some((decisions, problems)),
                    false,
                )
            })
            .await?;
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let now = crate::publish::published_at((state.clock)());
    let locked = state
        .db(move |conn| -> Result<bool, AppError> {
            Ok(conn.transaction(|conn| -> diesel::QueryResult<bool> {
                let published = db::evaluations::published(conn, &wave.id)?.is_some();
                if published && !db::evaluations::revision_open(conn, &wave.id)? {
                    return Ok(true);
                }
                let before = db::evaluations::decisions(conn, &wave.id)?;
                leave_untouched_drafts(&before, &mut decisions, &drafts);
                let changed = changes(&before, &decisions);
                if changed.is_empty() {
                    return Ok(false);
                }
                for d in &decisions {
                    db::evaluations::save_decision(conn, &wave.id, d, &analyst, now)?;
                }
                db::audit::record(
                    conn,
                    &analyst,
                    "evaluation_decision",
                    Some(&wave.id),
                    &changed.join("; "),
                )?;
                Ok(false)
            })?)
        })
        .await?;
    if locked {
        return Err(AppError::refused_with_link(
            StatusCode::CONFLICT,
            crate::i18n::both("ws_eval_locked"),
            vec![crate::i18n::both("ws_eval_locked_body")],
            (
                &format!("/analyst/waves/{wave_id}/evaluation"),
                "ws_eval_back",
            ),
        ));
    }
    tracing::info!(analyst = %signed_in.analyst, wave = %wave_id, "evaluation decisions saved");
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/analyst/waves/{wave_id}/evaluation?saved=1"),
        ))
        .finish())
}

/// `POST /analyst/waves/{wave}/evaluation/revise`: reopens a published wave's decisions for
/// the next publication (CSRF, analysts); refused before the wave is published.
pub async fn revise(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_wave(&state, &req, &path, &body, false).await?;
    let analyst = signed_in.analyst.clone();
    let wave_id = wave.id.clone();
    let now = crate::publish::published_at((state.clock)());
    let published = state
        .db(move |conn| -> Result<bool, AppError> {
            Ok(conn.transaction(|conn| -> diesel::QueryResult<bool> {
                if db::evaluations::published(conn, &wave.id)?.is_none() {
                    return Ok(false);
                }
                if !db::evaluations::revision_open(conn, &wave.id)? {
                    db::evaluations::open_revision(conn, &wave.id, &analyst, now)?;
                    db::audit::record(
                        conn,
                        &analyst,
                        "evaluation_revise",
                        Some(&wave.id),
                        "published decisions reopened for the next publication",
                    )?;
                }
                Ok(true)
            })?)
        })
        .await?;
    if !published {
        return Err(AppError::refused_with_link(
            StatusCode::CONFLICT,
            crate::i18n::both("ws_eval_not_published"),
            vec![crate::i18n::both("ws_eval_not_published_body")],
            (
                &format!("/analyst/waves/{wave_id}/evaluation"),
                "ws_eval_back",
            ),
        ));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/analyst/waves/{wave_id}/evaluation"),
        ))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_decisions_reach_the_audit_log_without_their_text() {
        let d = |v: &str, dir: &str, reason: &str| Decision::parse(v, dir, reason, "").unwrap();
        let before = vec![d("v1", "improve", "理由")];
        let after = vec![
            d("v1", "improve", "理由"),
            d("v2", "", ""),
            d("v3", "review", "予算"),
        ];
        assert_eq!(
            changes(&before, &after),
            ["v3: review (reason 2 chars, opinions 0 chars)"]
        );
        let after = vec![d("v1", "continue", "理由")];
        assert_eq!(
            changes(&before, &after),
            ["v1: continue (reason 2 chars, opinions 0 chars)"]
        );
    }

    #[test]
    fn a_draft_is_saved_only_by_working_on_its_vision() {
        let d = |v: &str, dir: &str, reason: &str, opinions: &str| {
            Decision::parse(v, dir, reason, opinions).unwrap()
        };
        let draft = "・窓口の待ち時間（不満、12件）\n・手続きのオンライン化（要望、10件未満）";
        let typed = draft.replace('\n', "\r\n");
        let drafts: Drafts = ["v1", "v2", "v3", "v4"]
            .iter()
            .map(|v| (v.to_string(), draft.to_string()))
            .collect();
        let before = vec![d("v2", "improve", "理由", ""), d("v4", "", "", "")];
        let mut after = vec![
            // Nothing touched: not saved.
            d("v1", "", "", &typed),
            // Stored before with the same direction and reason: still untouched.
            d("v2", "improve", "理由", &typed),
            // The direction decided here: the analyst worked on v3, the draft is kept.
            d("v3", "review", "", &typed),
            // Edited: kept.
            d("v4", "", "", "・窓口の待ち時間（不満、12件）"),
            // No draft was offered.
            d("v5", "", "", "自分で書いた"),
        ];
        leave_untouched_drafts(&before, &mut after, &drafts);
        let opinions: Vec<&str> = after.iter().map(|d| d.opinions.as_str()).collect();
        assert_eq!(
            opinions,
            [
                "",
                "",
                draft,
                "・窓口の待ち時間（不満、12件）",
                "自分で書いた"
            ]
        );
    }
}
