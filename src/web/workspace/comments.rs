//! The workspace's coding page `/analyst/waves/{wave}/comments` (analysts only): one
//! masked comment at a time, coded with the codebook by the keyboard alone (checkboxes,
//! a 要旨, the publication proposal, "save and next"), a blind second coding of a sample
//! with Cohen's κ, and the review that approves a comment for publication — never by its
//! own coder. Nothing about who wrote a comment is shown: the rows hold nothing of it
//! ([`crate::db::comments`]). Every save is audit-logged without the text.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel::Connection;

use super::publish::{signed_in_wave, workspace_wave};
use super::session;
use crate::db;
use crate::db::comments::StoredComment;
use crate::definitions::{QuestionKind, Wave};
use crate::i18n::Both;
use crate::text::agreement::{Agreement, agreement};
use crate::text::review::{self, CodingForm, PublishAs, Reason, Status};
use crate::web::AppState;
use crate::web::error::AppError;

crate::i18n::pairs! {
    /// The coding page's fixed texts (`ws_comments_…`).
    pub struct Texts("ws_comments_") {
        title, lead, question, load, load_hint, status, count, pending, coded, approved,
        withheld, mode_code, mode_second, mode_review, comment, flags, codes, suggested,
        summary, summary_hint, decision, verbatim, fuseji, summary_only, withhold, reason,
        fuseji_text, fuseji_hint, save_next, none_left, second_hint, review_hint, approve,
        withhold_button, agreement, double_coded, pooled, identical, per_code, kappa,
        undefined, proposal, saved, problems, public_page, no_questions, code_label,
        table_caption, cluster, unmask, original, original_same, original_gone,
    }
}

/// The page's modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Code,
    Second,
    Review,
}

impl Mode {
    fn parse(s: Option<&str>) -> Mode {
        match s {
            Some("second") => Mode::Second,
            Some("review") => Mode::Review,
            _ => Mode::Code,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Mode::Code => "code",
            Mode::Second => "second",
            Mode::Review => "review",
        }
    }
}

/// A code as the form lists it.
pub struct CodeOption {
    pub id: String,
    pub label: Both<String>,
    pub vision: String,
    pub stance: &'static str,
    pub checked: bool,
    pub suggested: bool,
}

/// The comment being worked on.
pub struct Current {
    pub id: String,
    pub masked: String,
    pub flags: Vec<String>,
    pub summary: String,
    pub decision: String,
    pub reason: String,
    pub fuseji: String,
    /// In review: the first coder's codes and proposal.
    pub given: Vec<String>,
    pub proposal: String,
    pub fuseji_proposed: bool,
    pub coded_by: String,
    /// 広聴AI's cluster label, a machine-written hint.
    pub cluster: Option<String>,
}

pub struct KappaRow {
    pub code: String,
    pub table: [[u64; 2]; 2],
    pub kappa: String,
}

#[derive(Template)]
#[template(path = "workspace/comments.html")]
pub struct CommentsPage {
    pub ct: &'static Texts,
    pub t: &'static crate::web::workspace::texts::Texts,
    pub csrf: String,
    pub wave_id: String,
    pub wave_title: String,
    pub questions: Vec<(String, String)>,
    pub question: String,
    pub mode: Mode,
    pub counts: Vec<(Both<String>, usize)>,
    pub left: usize,
    pub current: Option<Current>,
    pub codes: Vec<CodeOption>,
    pub reasons: Vec<(&'static str, Both<String>)>,
    pub problems: Vec<String>,
    pub saved: bool,
    pub double_coded: usize,
    pub pooled: String,
    pub identical: String,
    pub kappas: Vec<KappaRow>,
    pub max_summary: usize,
    /// The original text of the current comment, shown on request (and logged); `Err`
    /// when it is no longer kept.
    pub unmasked: Option<Result<String, ()>>,
}

fn kappa_text(k: Option<f64>, undefined: &str) -> String {
    k.map_or(undefined.to_string(), |k| format!("{k:.3}"))
}

/// The wave's free-text questions `(id, Japanese text)`.
fn text_questions(wave: &Wave) -> Vec<(String, String)> {
    wave.questions()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| (q.id.clone(), q.text.ja.clone()))
        .collect()
}

/// The question asked for, or the wave's first free-text question.
fn chosen_question(wave: &Wave, asked: Option<&str>) -> Result<String, AppError> {
    let questions = text_questions(wave);
    match asked {
        Some(q) if questions.iter().any(|(id, _)| id == q) => Ok(q.to_string()),
        Some(q) => Err(AppError::refused(
            StatusCode::NOT_FOUND,
            crate::i18n::both("ws_comment_unknown_question"),
            vec![format!(
                "`{q}`: {}",
                questions
                    .iter()
                    .map(|(id, _)| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
        )),
        None => Ok(questions
            .first()
            .map_or(String::new(), |(id, _)| id.clone())),
    }
}

/// The comments waiting for `analyst` in `mode`, in id order (random).
fn queue<'a>(all: &'a [StoredComment], mode: Mode, analyst: &str) -> Vec<&'a StoredComment> {
    all.iter()
        .filter(|c| {
            let status = Status::parse(&c.status);
            match mode {
                Mode::Code => status == Some(Status::Pending),
                Mode::Second => {
                    matches!(status, Some(Status::Coded | Status::Approved))
                        && c.second_coded_by.is_none()
                        && c.coded_by.as_deref() != Some(analyst)
                }
                Mode::Review => {
                    status == Some(Status::Coded) && c.coded_by.as_deref() != Some(analyst)
                }
            }
        })
        .collect()
}

/// The agreement of the wave's double-coded comments of the question.
pub fn double_coding(all: &[StoredComment], codes: &[&str]) -> Agreement {
    let pairs: Vec<(Vec<String>, Vec<String>)> = all
        .iter()
        .filter(|c| c.second_coded_by.is_some() && c.coded_by.is_some())
        .map(|c| (c.codes.clone(), c.second_codes.clone()))
        .collect();
    agreement(codes, &pairs)
}

/// What a refused save typed, shown again.
#[derive(Default)]
struct Typed {
    id: String,
    codes: Vec<String>,
    summary: String,
    decision: String,
    reason: String,
    fuseji: String,
}

#[allow(clippy::too_many_arguments)]
fn build(
    st: &AppState,
    conn: &mut db::Conn,
    wave: &Wave,
    question: String,
    mode: Mode,
    analyst: &str,
    csrf: String,
    typed: Option<(Typed, Vec<String>)>,
    saved: bool,
) -> Result<CommentsPage, AppError> {
    let t = Texts::get();
    let all = db::comments::all(conn, &wave.id, Some(&question))?;
    let code_ids: Vec<&str> = st.text.codes.iter().map(|c| c.id.as_str()).collect();
    let waiting = queue(&all, mode, analyst);
    let (typed, problems) = match typed {
        Some((typed, problems)) => (Some(typed), problems),
        None => (None, Vec::new()),
    };
    let current_row = match &typed {
        Some(ty) => all.iter().find(|c| c.id == ty.id),
        None => waiting.first().copied(),
    };
    let current = current_row.map(|c| Current {
        id: c.id.clone(),
        masked: c.masked.clone(),
        flags: c
            .flags
            .split(';')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        summary: typed
            .as_ref()
            .map_or(c.summary.clone(), |ty| ty.summary.clone()),
        decision: typed
            .as_ref()
            .map_or("verbatim".into(), |ty| ty.decision.clone()),
        reason: typed.as_ref().map_or(String::new(), |ty| ty.reason.clone()),
        fuseji: typed
            .as_ref()
            .filter(|ty| !ty.fuseji.is_empty())
            .map_or(c.fuseji.clone().unwrap_or(c.masked.clone()), |ty| {
                ty.fuseji.clone()
            }),
        given: c.codes.clone(),
        proposal: match c.publish_as.as_deref().and_then(PublishAs::parse) {
            Some(PublishAs::Verbatim) => format!("{} / {}", t.verbatim.ja, t.verbatim.en),
            Some(PublishAs::Fuseji) => format!("{} / {}", t.fuseji.ja, t.fuseji.en),
            Some(PublishAs::Summary) => {
                format!("{} / {}", t.summary_only.ja, t.summary_only.en)
            }
            None => String::new(),
        },
        fuseji_proposed: c.publish_as.as_deref() == Some(PublishAs::Fuseji.code()),
        coded_by: c.coded_by.clone().unwrap_or_default(),
        cluster: c.cluster_label.clone(),
    });
    let suggested = match (&current, mode) {
        (Some(c), Mode::Code) => crate::text::coding::suggested(&st.text, &c.masked),
        _ => Vec::new(),
    };
    let codes = st
        .text
        .codes
        .iter()
        .map(|code| CodeOption {
            id: code.id.clone(),
            label: Both {
                ja: code.label_ja.clone(),
                en: code.label_en.clone(),
            },
            vision: code.vision.clone().unwrap_or_else(|| "—".into()),
            stance: code.stance.label(),
            checked: typed.as_ref().is_some_and(|ty| ty.codes.contains(&code.id)),
            suggested: suggested.contains(&code.id),
        })
        .collect();
    let count = |s: Status| all.iter().filter(|c| c.status == s.code()).count();
    let a = double_coding(&all, &code_ids);
    let undefined = format!("{} / {}", t.undefined.ja, t.undefined.en);
    Ok(CommentsPage {
        ct: t,
        t: crate::web::workspace::texts::texts(),
        csrf,
        wave_id: wave.id.clone(),
        wave_title: wave.title.ja.clone(),
        questions: text_questions(wave),
        question,
        mode,
        counts: vec![
            (both(t.pending), count(Status::Pending)),
            (both(t.coded), count(Status::Coded)),
            (both(t.approved), count(Status::Approved)),
            (both(t.withheld), count(Status::Withheld)),
        ],
        left: waiting.len(),
        current,
        codes,
        reasons: Reason::ALL
            .iter()
            .map(|r| (r.code(), crate::i18n::pair(&r.message(), &[])))
            .collect(),
        problems,
        saved,
        double_coded: a.comments,
        pooled: kappa_text(a.pooled, &undefined),
        identical: a
            .identical
            .map_or(undefined.clone(), |p| format!("{:.1}%", p * 100.0)),
        kappas: a
            .per_code
            .iter()
            .map(|k| KappaRow {
                code: k.code.clone(),
                table: k.table,
                kappa: kappa_text(k.kappa, &undefined),
            })
            .collect(),
        max_summary: review::MAX_SUMMARY,
        unmasked: None,
    })
}

fn both(b: Both) -> Both<String> {
    Both {
        ja: b.ja.to_string(),
        en: b.en.to_string(),
    }
}

fn html(status: StatusCode, page: &CommentsPage) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(page.render().map_err(AppError::internal)?))
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    question: Option<String>,
    mode: Option<String>,
    saved: Option<String>,
}

/// `GET /analyst/waves/{wave}/comments?question=Q&mode=code|second|review` (analysts).
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let signed_in = session::analyst(&state, &req).await?;
    let wave = workspace_wave(&state, &path)?;
    let question = chosen_question(&wave, query.question.as_deref())?;
    let mode = Mode::parse(query.mode.as_deref());
    let st = state.clone();
    let saved = query.saved.is_some();
    let page = state
        .db(move |conn| {
            build(
                &st,
                conn,
                &wave,
                question,
                mode,
                &signed_in.analyst,
                signed_in.csrf_token,
                None,
                saved,
            )
        })
        .await?;
    html(StatusCode::OK, &page)
}

fn back_to(wave_id: &str, question: &str, mode: Mode, saved: bool) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!(
                "/analyst/waves/{wave_id}/comments?question={question}&mode={}{}",
                mode.code(),
                if saved { "&saved=1" } else { "" }
            ),
        ))
        .finish()
}

/// `POST /analyst/waves/{wave}/comments/load` (CSRF, analysts): takes the question's new
/// answers into coding, masked.
pub async fn load(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_wave(&state, &req, &path, &body, false).await?;
    // Taken in once the wave has closed, in one go: loads during the survey would order
    // the comments (and, by their text, the responses) by the time of each load.
    if wave.status((state.clock)()) != crate::definitions::WaveStatus::Closed {
        return Err(AppError::refused_with_link(
            StatusCode::CONFLICT,
            crate::i18n::both("ws_comments_load_after_close"),
            vec![crate::i18n::both_args(
                "ws_comments_load_after_close_body",
                &[("closes", wave.closes.to_string().into())],
            )],
            (&format!("/analyst/waves/{}/comments", wave.id), "ws_back"),
        ));
    }
    let fields = session::form_fields(&body);
    let question = chosen_question(&wave, session::field(&fields, "question"))?;
    let st = state.clone();
    let (wave_id, q) = (wave.id.clone(), question.clone());
    let analyst = signed_in.analyst.clone();
    let added = state
        .db(move |conn| -> Result<usize, AppError> {
            let added = crate::text::coding::take_new(conn, &wave_id, &q, &st.text)?;
            db::audit::record(
                conn,
                &analyst,
                "comments_load",
                Some(&wave_id),
                &format!("{q}: {added} new comments"),
            )?;
            Ok(added)
        })
        .await?;
    tracing::info!(analyst = %signed_in.analyst, wave = %wave.id, added, "comments taken into coding");
    Ok(back_to(&wave.id, &question, Mode::Code, true))
}

/// What a save did.
enum Outcome {
    Saved,
    Refused(Typed, Vec<String>),
}

/// `POST /analyst/waves/{wave}/comments/{id}` (CSRF, analysts): `action` = `code` (first
/// coding), `second` (blind second coding), `approve` or `withhold` (review).
pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (wave_id, id) = path.into_inner();
    let (signed_in, wave) = signed_in_wave(&state, &req, &wave_id, &body, false).await?;
    let fields = session::form_fields(&body);
    let get = |name: &str| session::field(&fields, name).unwrap_or("").to_string();
    let action = get("action");
    let mode = match action.as_str() {
        "code" => Mode::Code,
        "second" => Mode::Second,
        "approve" | "withhold" => Mode::Review,
        _ => {
            return Err(AppError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::i18n::both("ws_comment_unknown_action"),
                vec![format!("`{action}`: code, second, approve, withhold")],
            ));
        }
    };
    let typed = Typed {
        id: id.clone(),
        codes: fields
            .iter()
            .filter(|(k, _)| k == "code")
            .map(|(_, v)| v.clone())
            .collect(),
        summary: get("summary"),
        decision: get("decision"),
        reason: get("reason"),
        fuseji: get("fuseji"),
    };
    let st = state.clone();
    let analyst = signed_in.analyst.clone();
    let w = wave.clone();
    let (outcome, question) = state
        .db(move |conn| -> Result<(Outcome, String), AppError> {
            conn.transaction(|conn| -> Result<(Outcome, String), AppError> {
                let Some(c) = db::comments::find(conn, &w.id, &typed.id)? else {
                    return Err(AppError::refused(
                        StatusCode::NOT_FOUND,
                        crate::i18n::both("ws_comment_unknown"),
                        vec![format!("`{}`", typed.id)],
                    ));
                };
                let known: Vec<&str> = st.text.codes.iter().map(|c| c.id.as_str()).collect();
                let status = Status::parse(&c.status).unwrap_or(Status::Pending);
                let refuse = |problems: Vec<String>| -> Result<(Outcome, String), AppError> {
                    Ok((
                        Outcome::Refused(typed_clone(&typed), problems),
                        c.question_id.clone(),
                    ))
                };
                match mode {
                    Mode::Code => {
                        let form = CodingForm {
                            codes: typed.codes.iter().map(String::as_str).collect(),
                            summary: &typed.summary,
                            decision: &typed.decision,
                            reason: &typed.reason,
                            fuseji: &typed.fuseji,
                        };
                        if matches!(status, Status::Approved) {
                            return refuse(vec![crate::i18n::both("ws_comment_already_approved")]);
                        }
                        let coding = match review::parse_coding(&known, &c.masked, &form) {
                            Ok(coding) => coding,
                            Err(problems) => return refuse(problems),
                        };
                        let (publish_as, reason) = match coding.proposal {
                            review::Proposal::Publish(p) => (Some(p.code()), None),
                            review::Proposal::Withhold(r) => (None, Some(r.code())),
                        };
                        db::comments::save_coding(
                            conn,
                            &c.id,
                            &analyst,
                            &db::comments::Coding {
                                codes: &coding.codes,
                                summary: &coding.summary,
                                status: coding.status().code(),
                                publish_as,
                                fuseji: coding.fuseji.as_deref(),
                                withheld_reason: reason,
                            },
                        )?;
                        db::audit::record(
                            conn,
                            &analyst,
                            "comment_code",
                            Some(&w.id),
                            &format!(
                                "{}: {} codes, {}",
                                c.id,
                                coding.codes.len(),
                                publish_as.or(reason).unwrap_or("")
                            ),
                        )?;
                    }
                    Mode::Second => {
                        if c.coded_by.as_deref() == Some(analyst.as_str()) {
                            return refuse(vec![crate::i18n::both("ws_comment_own_coding")]);
                        }
                        let typed_codes: Vec<&str> =
                            typed.codes.iter().map(String::as_str).collect();
                        let codes = match review::parse_codes(&known, &typed_codes) {
                            Ok(codes) => codes,
                            Err(problems) => return refuse(problems),
                        };
                        db::comments::save_second_coding(conn, &c.id, &analyst, &codes)?;
                        db::audit::record(
                            conn,
                            &analyst,
                            "comment_second_code",
                            Some(&w.id),
                            &format!("{}: {} codes", c.id, codes.len()),
                        )?;
                    }
                    Mode::Review => {
                        if action == "approve" {
                            if let Some(why) =
                                review::approval_refusal(status, c.coded_by.as_deref(), &analyst)
                            {
                                return refuse(vec![why]);
                            }
                            db::comments::review(
                                conn,
                                &c.id,
                                &analyst,
                                Status::Approved.code(),
                                None,
                            )?;
                        } else {
                            let Some(reason) = Reason::parse(&typed.reason) else {
                                return refuse(vec![crate::i18n::both(
                                    "ws_comment_reason_missing",
                                )]);
                            };
                            db::comments::review(
                                conn,
                                &c.id,
                                &analyst,
                                Status::Withheld.code(),
                                Some(reason.code()),
                            )?;
                        }
                        db::audit::record(
                            conn,
                            &analyst,
                            "comment_review",
                            Some(&w.id),
                            &format!("{}: {action}", c.id),
                        )?;
                    }
                }
                Ok((Outcome::Saved, c.question_id.clone()))
            })
        })
        .await?;
    match outcome {
        Outcome::Saved => Ok(back_to(&wave.id, &question, mode, true)),
        Outcome::Refused(typed, problems) => {
            let st = state.clone();
            let page = state
                .db(move |conn| {
                    build(
                        &st,
                        conn,
                        &wave,
                        question,
                        mode,
                        &signed_in.analyst,
                        signed_in.csrf_token,
                        Some((typed, problems)),
                        false,
                    )
                })
                .await?;
            html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /analyst/waves/{wave}/comments/{id}/unmask` (CSRF, analysts): shows the comment's
/// original text, found by its digest in the responses, once, on this answer only (never in
/// a URL); the audit log records who unmasked which comment.
pub async fn unmask(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (wave_id, id) = path.into_inner();
    let (signed_in, wave) = signed_in_wave(&state, &req, &wave_id, &body, false).await?;
    let fields = session::form_fields(&body);
    let mode = Mode::parse(session::field(&fields, "mode"));
    let st = state.clone();
    let page = state
        .db(move |conn| -> Result<CommentsPage, AppError> {
            let Some(c) = db::comments::find(conn, &wave.id, &id)? else {
                return Err(AppError::refused(
                    StatusCode::NOT_FOUND,
                    crate::i18n::both("ws_comment_unknown"),
                    vec![format!("`{id}`")],
                ));
            };
            let original =
                crate::text::coding::original_of(conn, &wave.id, &c.question_id, &c.digest)?;
            db::audit::record(
                conn,
                &signed_in.analyst,
                "comment_unmask",
                Some(&wave.id),
                &format!(
                    "{id}: {}",
                    if original.is_some() {
                        "original shown"
                    } else {
                        "original no longer kept"
                    }
                ),
            )?;
            let typed = Typed {
                id: id.clone(),
                decision: "verbatim".into(),
                ..Typed::default()
            };
            let mut page = build(
                &st,
                conn,
                &wave,
                c.question_id.clone(),
                mode,
                &signed_in.analyst,
                signed_in.csrf_token,
                Some((typed, Vec::new())),
                false,
            )?;
            page.unmasked = Some(original.ok_or(()));
            Ok(page)
        })
        .await?;
    html(StatusCode::OK, &page)
}

fn typed_clone(t: &Typed) -> Typed {
    Typed {
        id: t.id.clone(),
        codes: t.codes.clone(),
        summary: t.summary.clone(),
        decision: t.decision.clone(),
        reason: t.reason.clone(),
        fuseji: t.fuseji.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, status: &str, coded_by: Option<&str>, second: Option<&str>) -> StoredComment {
        StoredComment {
            id: id.into(),
            question_id: "q".into(),
            digest: String::new(),
            masked: String::new(),
            flags: String::new(),
            status: status.into(),
            summary: String::new(),
            publish_as: None,
            fuseji: None,
            withheld_reason: None,
            cluster_label: None,
            coded_by: coded_by.map(String::from),
            second_coded_by: second.map(String::from),
            reviewed_by: None,
            codes: vec![],
            second_codes: vec![],
        }
    }

    #[test]
    fn queues_never_give_an_analyst_their_own_coding_to_check() {
        let all = vec![
            c("1", "pending", None, None),
            c("2", "coded", Some("ann"), None),
            c("3", "coded", Some("bob"), None),
            c("4", "approved", Some("bob"), Some("ann")),
            c("5", "withheld", Some("bob"), None),
        ];
        let ids = |m, a| {
            queue(&all, m, a)
                .iter()
                .map(|c| c.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(Mode::Code, "ann"), ["1"]);
        assert_eq!(ids(Mode::Second, "ann"), ["3"]);
        assert_eq!(ids(Mode::Review, "ann"), ["3"]);
        assert_eq!(ids(Mode::Review, "bob"), ["2"]);
    }
}
