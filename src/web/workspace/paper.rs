//! Paper questionnaires in the analyst workspace: the printable booklet, blind double data
//! entry (code first, then every answer from the keyboard; a second operator keys the same
//! sheet without seeing the first entry; disagreements resolved field by field) and the
//! vendor CSV import over HTTP. The rules live in [`crate::paper`]; here are the pages.
//!
//! Pages are Japanese with English, like the rest of the workspace; question texts are the
//! sheet's language (`Text::get`). The entry page loads one small script of our own, only
//! so that Enter moves to the next field as Tab does (data-entry habit); without it Enter
//! submits, and the server refuses a sheet with a question not keyed, so half a sheet is
//! never stored.

use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::definitions::{Question, QuestionKind, Wave};
use crate::domain::{AccessCode, CodeProblem, Lang};
use crate::i18n::{self, Both};
use crate::paper::{
    self, CodeState, EntryOutcome, LANG_KEY, NO_ANSWER, ResolveOutcome, Sheet, SheetError,
    SheetProblem,
};
use crate::web::AppState;
use crate::web::error::{AppError, ErrorKind};
use crate::web::workspace::publish::{signed_in_wave, workspace_wave};
use crate::web::workspace::session;
use crate::web::workspace::texts::{Texts, texts};
use chrono::NaiveDate;

/// The entry pages' policy: ours plus our one script.
const ENTRY_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SCRIPT: &str = include_str!("../../../static/paper-entry.js");

/// `GET /static/paper-entry.js`
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(SCRIPT)
}

fn page(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .insert_header((header::CONTENT_SECURITY_POLICY, ENTRY_CSP))
        .body(body)
}

fn back(wave: &str) -> String {
    format!("/analyst/waves/{wave}/paper")
}

#[derive(Deserialize)]
pub struct BookletQuery {
    lang: Option<String>,
}

/// `GET /analyst/waves/{wave}/questionnaire?lang=ja|en` (signed in, any role; or a bearer
/// token): the printable booklet.
pub async fn questionnaire(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<BookletQuery>,
) -> Result<HttpResponse, AppError> {
    if req.headers().get(header::AUTHORIZATION).is_none()
        && session::current(&state, &req).await?.is_none()
    {
        return Ok(session::to_sign_in());
    }
    crate::web::workspace::api::authorise_with_role(&state, &req).await?;
    let wave = state
        .definitions
        .wave(&path)
        .ok_or_else(|| AppError::new(ErrorKind::NotFoundWith(format!("unknown wave `{path}`"))))?;
    let lang = match query.lang.as_deref() {
        None => Lang::Ja,
        Some(l) => Lang::parse(l).ok_or_else(|| {
            AppError::new(ErrorKind::BadRequest(format!(
                "unknown language `{l}`: use ja or en"
            )))
        })?,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(paper::questionnaire::booklet(wave, lang, None)))
}

#[derive(Template)]
#[template(path = "workspace/paper_code.html")]
struct CodePage {
    t: &'static Texts,
    csrf: String,
    wave_id: String,
    title: String,
    notice: Option<String>,
    error: Option<String>,
    typed: String,
    /// The sheet's languages: code, name, whether chosen.
    languages: [(&'static str, &'static str, bool); 2],
    /// The day this batch of sheets was received (YYYY-MM-DD): every sheet keyed from
    /// this page is dated with it.
    received: String,
    upload_link: Both<String>,
    awaiting_second: i64,
    awaiting_resolution: i64,
    paper_responses: i64,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    n: Option<usize>,
    /// The batch's day, kept from one sheet to the next.
    received: Option<String>,
}

fn done_notice(done: Option<&str>, n: usize) -> Option<String> {
    Some(match done? {
        "first" => crate::i18n::both("ws_paper_first_kept"),
        "stored" => crate::i18n::both("ws_paper_stored"),
        "disagreed" => crate::i18n::both_args("ws_paper_disagreed", &[("n", n.into())]),
        "resolved" => crate::i18n::both("ws_paper_resolved"),
        _ => return None,
    })
}

async fn counts(state: &AppState, wave_id: &str) -> Result<(i64, i64, i64), AppError> {
    let wave_id = wave_id.to_string();
    state
        .db(move |conn| -> Result<_, AppError> {
            let (second, resolution) = db::paper::counts(conn, &wave_id)?;
            let paper = db::counts::wave_counts(conn, &wave_id)?.paper;
            Ok((second, resolution, paper))
        })
        .await
}

#[allow(clippy::too_many_arguments)]
async fn code_page(
    state: &AppState,
    status: StatusCode,
    signed_in: &session::SignedIn,
    wave: &Wave,
    notice: Option<String>,
    error: Option<String>,
    typed: &str,
    (lang, received): (Lang, &str),
) -> Result<HttpResponse, AppError> {
    let (awaiting_second, awaiting_resolution, paper_responses) = counts(state, &wave.id).await?;
    let body = CodePage {
        t: texts(),
        csrf: signed_in.csrf_token.clone(),
        wave_id: wave.id.clone(),
        title: wave.title.ja.clone(),
        notice,
        error,
        typed: typed.to_string(),
        languages: [Lang::Ja, Lang::En].map(|l| (l.code(), l.name(), l == lang)),
        received: received.to_string(),
        upload_link: i18n::pair("ws_upload_link", &[]),
        awaiting_second,
        awaiting_resolution,
        paper_responses,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(page(status, body))
}

/// What a paper-entry POST needs: a signed-in analyst or operator with the session's CSRF
/// token, and a postal (code) wave; otherwise the page to answer with.
async fn signed_in_code_wave(
    state: &AppState,
    req: &HttpRequest,
    wave_id: &str,
    body: &[u8],
) -> Result<(session::SignedIn, Wave), AppError> {
    let found = signed_in_wave(state, req, wave_id, body, true).await?;
    require_code_wave(&found.1)?;
    Ok(found)
}

/// 409 on a wave that takes no paper entry (not a postal wave).
fn require_code_wave(wave: &Wave) -> Result<(), AppError> {
    paper::require_code_wave(wave).map_err(|why| {
        AppError::refused(
            StatusCode::CONFLICT,
            crate::i18n::both("ws_no_paper_entry"),
            vec![crate::i18n::both("ws_no_paper_entry_body"), why],
        )
    })
}

/// `GET /analyst/waves/{wave}/paper`: type the sheet's access code.
pub async fn entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = session::current(&state, &req).await? else {
        return Ok(session::to_sign_in());
    };
    let wave = workspace_wave(&state, &path)?;
    require_code_wave(&wave)?;
    let notice = done_notice(query.done.as_deref(), query.n.unwrap_or(0));
    let today = (state.clock)();
    let received = query
        .received
        .as_deref()
        .and_then(paper::import::parse_day)
        .filter(|d| *d <= today)
        .unwrap_or(today)
        .to_string();
    code_page(
        &state,
        StatusCode::OK,
        &signed_in,
        &wave,
        notice,
        None,
        "",
        (Lang::Ja, &received),
    )
    .await
}

/// One question's line of the entry (or resolution) form.
struct EntryRow {
    id: String,
    number: String,
    text: String,
    allowed: String,
    condition: Option<String>,
    value: String,
    error: Option<String>,
    textarea: bool,
    autofocus: bool,
    /// On the resolution form: what the two entries said.
    entries: Option<(String, String)>,
}

struct EntrySection {
    title: String,
    rows: Vec<EntryRow>,
}

#[derive(Template)]
#[template(path = "workspace/paper_sheet.html")]
struct SheetPage {
    t: &'static Texts,
    /// "Entry 1" or "Resolve": in the title, and as the heading.
    short: Both<String>,
    heading: Both<String>,
    /// How to key the sheet, or how to resolve it.
    hint: Both<String>,
    csrf: String,
    wave_id: String,
    title: String,
    code: String,
    code_grouped: String,
    lang: &'static str,
    /// The day the sheet was received (a hidden field).
    received: String,
    /// 1 or 2 (which entry this is), or 0 for the resolution.
    entry: u8,
    errors: Vec<String>,
    sections: Vec<EntrySection>,
    /// On the resolution: the two entries' languages, when they disagree.
    lang_row: Option<(String, String)>,
    action: String,
}

/// The operator codes a question takes, in words (labels in the sheet's language).
fn allowed(q: &Question, lang: Lang) -> String {
    let t = texts();
    let none = format!("{NO_ANSWER} = {} {}", t.no_answer.ja, t.no_answer.en);
    let invalid = format!(
        "{} = {} {}",
        paper::sheet::INVALID_CODE,
        t.invalid_mark.ja,
        t.invalid_mark.en
    );
    let list = |q: &Question| {
        q.kind
            .options()
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{} = {}", i + 1, o.label.get(lang)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &q.kind {
        QuestionKind::Scale {
            dont_know, measure, ..
        } => {
            let s = i18n::strings(lang);
            let labels = measure.labels(s);
            format!(
                "1〜5（1 = {} … 5 = {}）{}; {invalid}; {none}",
                labels[0],
                labels[4],
                if *dont_know {
                    format!(", {} = {}", paper::sheet::DONT_KNOW_CODE, s.dont_know)
                } else {
                    String::new()
                }
            )
        }
        QuestionKind::Single { .. } => format!("{}; {invalid}; {none}", list(q)),
        QuestionKind::Multiple { max_choices, .. } => format!(
            "{}; {} {}{}; {none}",
            list(q),
            t.several.ja,
            t.several.en,
            max_choices.map_or(String::new(), |m| format!(" (≤ {m})"))
        ),
        QuestionKind::Number { min, max, .. } => format!("{min}〜{max}; {none}"),
        QuestionKind::Text { max_length } => {
            format!(
                "{} {} (≤ {max_length}); {none}",
                t.as_written.ja, t.as_written.en
            )
        }
    }
}

fn problem_message(p: &SheetProblem) -> String {
    match p {
        SheetProblem::NotKeyed => {
            crate::i18n::both_args("ws_paper_not_keyed", &[("blank", NO_ANSWER.into())])
        }
        SheetProblem::Language => crate::i18n::both("ws_paper_language"),
        SheetProblem::Field(crate::domain::FieldProblem::NotAnOption) => {
            crate::i18n::both("ws_paper_not_an_option")
        }
        SheetProblem::Field(f) => format!("{} / {}", f.message(Lang::Ja), f.message(Lang::En)),
    }
}

/// Builds the rows of the form. `only`: the keys shown (the resolution shows the
/// disagreeing ones); `entries`: both entries, on the resolution.
fn sections(
    wave: &Wave,
    lang: Lang,
    typed: &BTreeMap<String, String>,
    errors: &[SheetError],
    only: Option<&[String]>,
    entries: Option<(&Sheet, &Sheet)>,
) -> Vec<EntrySection> {
    let questions: Vec<&Question> = wave.questions().collect();
    let number_of = |id: &str| {
        questions
            .iter()
            .position(|q| q.id == id)
            .map_or(0, |i| i + 1)
    };
    let first_error = errors.iter().find_map(|e| e.question_id.clone());
    let mut focus_taken = false;
    let mut out = Vec::new();
    for section in &wave.sections {
        let mut rows = Vec::new();
        for q in &section.questions {
            if only.is_some_and(|keys| !keys.contains(&q.id)) {
                continue;
            }
            let error = errors
                .iter()
                .find(|e| e.question_id.as_deref() == Some(q.id.as_str()))
                .map(|e| problem_message(&e.problem));
            let autofocus = !focus_taken
                && match &first_error {
                    Some(id) => *id == q.id,
                    None => true,
                };
            focus_taken |= autofocus;
            let condition = q.show_if.as_ref().map(|c| {
                let position = wave
                    .question(&c.question)
                    .and_then(|t| t.kind.options().iter().position(|o| o.code == c.equals))
                    .map_or(c.equals.clone(), |i| (i + 1).to_string());
                let n = number_of(&c.question);
                crate::i18n::both_args(
                    "ws_paper_only_if",
                    &[("n", n.into()), ("position", position.into())],
                )
            });
            rows.push(EntryRow {
                id: q.id.clone(),
                number: i18n::question_number(Lang::Ja, number_of(&q.id)),
                text: q.text.get(lang).to_string(),
                allowed: allowed(q, lang),
                condition,
                value: typed.get(&q.id).cloned().unwrap_or_default(),
                error,
                textarea: matches!(q.kind, QuestionKind::Text { .. }),
                autofocus,
                entries: entries.map(|(a, b)| (a.get(&q.id).to_string(), b.get(&q.id).to_string())),
            });
        }
        if !rows.is_empty() {
            out.push(EntrySection {
                title: section.title.get(lang).to_string(),
                rows,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn sheet_page(
    signed_in: &session::SignedIn,
    wave: &Wave,
    code: &paper::SheetKey,
    (lang, received): (Lang, NaiveDate),
    entry: u8,
    typed: &BTreeMap<String, String>,
    errors: &[SheetError],
    only: Option<&[String]>,
    entries: Option<(&Sheet, &Sheet)>,
) -> Result<String, AppError> {
    let general: Vec<String> = errors
        .iter()
        .filter(|e| {
            e.question_id.is_none()
                || only.is_some_and(|keys| !keys.contains(e.question_id.as_ref().unwrap()))
        })
        .map(|e| {
            let at = e.question_id.as_deref().map_or(String::new(), |id| {
                let n = wave
                    .questions()
                    .position(|q| q.id == id)
                    .map_or(0, |i| i + 1);
                format!("{}: ", i18n::question_number(Lang::Ja, n))
            });
            format!("{at}{}", problem_message(&e.problem))
        })
        .collect();
    let mut errors_list = general;
    errors_list.extend(errors.iter().filter_map(|e| {
        let id = e.question_id.as_deref()?;
        if only.is_some_and(|keys| !keys.iter().any(|k| k == id)) {
            return None;
        }
        let n = wave
            .questions()
            .position(|q| q.id == id)
            .map_or(0, |i| i + 1);
        Some(format!(
            "{}: {}",
            i18n::question_number(Lang::Ja, n),
            problem_message(&e.problem)
        ))
    }));
    let t = texts();
    let (short, heading, hint) = if entry == 0 {
        (t.resolve.owned(), t.resolve.owned(), t.resolve_hint.owned())
    } else {
        let n = [("n", entry.into())];
        (
            i18n::pair("ws_entry_title", &n),
            i18n::pair("ws_entry_heading", &n),
            i18n::pair("ws_entry_hint", &[("blank", NO_ANSWER.into())]),
        )
    };
    SheetPage {
        t,
        short,
        heading,
        hint,
        csrf: signed_in.csrf_token.clone(),
        wave_id: wave.id.clone(),
        title: wave.title.get(lang).to_string(),
        code: code.as_text(),
        code_grouped: code.shown(),
        lang: lang.code(),
        received: received.to_string(),
        entry,
        errors: errors_list,
        sections: sections(wave, lang, typed, errors, only, entries),
        lang_row: match (only, entries) {
            (Some(keys), Some((a, b))) if keys.iter().any(|k| k == LANG_KEY) => {
                Some((a.get(LANG_KEY).to_string(), b.get(LANG_KEY).to_string()))
            }
            _ => None,
        },
        action: if entry == 0 {
            format!("/analyst/waves/{}/paper/resolve", wave.id)
        } else {
            format!("/analyst/waves/{}/paper/sheet", wave.id)
        },
    }
    .render()
    .map_err(AppError::internal)
}

/// The id of the signed-in operator (the pending first entry keeps it until the second).
async fn analyst_id(state: &AppState, name: &str) -> Result<String, AppError> {
    let name = name.to_string();
    state
        .db(move |conn| -> Result<_, AppError> {
            Ok(db::analysts::find_by_name(conn, &name)?
                .map(|(id, _)| id)
                .unwrap_or_default())
        })
        .await
}

fn code_problem(p: CodeProblem) -> String {
    match p {
        CodeProblem::Empty => crate::i18n::both("ws_code_empty"),
        CodeProblem::Length => crate::i18n::both("ws_code_length"),
        CodeProblem::Character | CodeProblem::Check => crate::i18n::both("ws_code_typo"),
    }
}

/// The batch's day a form carries (`received_on` on the code page, `_received` on the
/// sheet): a day not after today, or why not.
fn received_day(
    fields: &[(String, String)],
    name: &str,
    today: NaiveDate,
) -> Result<NaiveDate, String> {
    match session::field(fields, name).map(str::trim) {
        None | Some("") => Ok(today),
        Some(v) => paper::import::parse_day(v)
            .filter(|d| *d <= today)
            .ok_or_else(|| crate::i18n::both_args("ws_received_bad", &[("day", v.into())])),
    }
}

fn sheet_lang(fields: &[(String, String)]) -> Lang {
    session::field(fields, LANG_KEY)
        .and_then(Lang::parse)
        .unwrap_or(Lang::Ja)
}

/// `POST /analyst/waves/{wave}/paper` (code, language): the empty entry form for a fresh or
/// once-keyed sheet, the resolution form for a disagreeing one, else why not.
pub async fn open_sheet(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_code_wave(&state, &req, &path, &body).await?;
    let fields = session::form_fields(&body);
    let typed = session::field(&fields, "code")
        .unwrap_or_default()
        .to_string();
    let lang = sheet_lang(&fields);
    let today = (state.clock)();
    let typed_day = session::field(&fields, "received_on")
        .unwrap_or_default()
        .to_string();
    let received = match received_day(&fields, "received_on", today) {
        Ok(d) => d,
        Err(why) => {
            return code_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &signed_in,
                &wave,
                None,
                Some(why),
                &typed,
                (lang, &typed_day),
            )
            .await;
        }
    };
    let day = received.to_string();
    let parsed = match paper::SheetKey::parse_no_code(&typed) {
        // A sheet returned without its code: the explicit marker and its sheet number.
        Some(Ok(sheet)) => Ok(paper::SheetKey::NoCode {
            sheet,
            in_estimates: !state.exclude_no_code,
        }),
        Some(Err(why)) => Err(why),
        None => AccessCode::parse(&typed)
            .map(paper::SheetKey::Code)
            .map_err(code_problem),
    };
    let code = match parsed {
        Ok(c) => c,
        Err(why) => {
            return code_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &signed_in,
                &wave,
                None,
                Some(why),
                &typed,
                (lang, &day),
            )
            .await;
        }
    };
    let operator = analyst_id(&state, &signed_in.analyst).await?;
    let (w, c) = (wave.clone(), code.clone());
    let (state_now, conflict) = state
        .db(move |conn| -> Result<_, AppError> {
            let s = paper::code_state(conn, &w, &c, &operator)?;
            let conflict = match s {
                CodeState::AwaitingResolution => paper::conflict(conn, &w, &c)?,
                _ => None,
            };
            Ok((s, conflict))
        })
        .await?;
    let refuse = |status, msg: &str| {
        code_page(
            &state,
            status,
            &signed_in,
            &wave,
            None,
            Some(msg.to_string()),
            &typed,
            (lang, &day),
        )
    };
    match state_now {
        CodeState::Unknown => {
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &crate::i18n::both("ws_code_unknown"),
            )
            .await
        }
        CodeState::Used => {
            refuse(
                StatusCode::CONFLICT,
                &crate::i18n::both("ws_code_duplicate_long"),
            )
            .await
        }
        CodeState::KeyedByYou => {
            refuse(
                StatusCode::CONFLICT,
                &crate::i18n::both("ws_code_keyed_by_you_long"),
            )
            .await
        }
        // Blind means blind: whoever keyed an entry never sees the other one.
        CodeState::ResolveByAnother => {
            refuse(
                StatusCode::CONFLICT,
                &crate::i18n::both("ws_code_resolve_by_another"),
            )
            .await
        }
        CodeState::Fresh | CodeState::AwaitingSecond => {
            let entry = if state_now == CodeState::Fresh { 1 } else { 2 };
            let body = sheet_page(
                &signed_in,
                &wave,
                &code,
                (lang, received),
                entry,
                &BTreeMap::new(),
                &[],
                None,
                None,
            )?;
            Ok(page(StatusCode::OK, body))
        }
        CodeState::AwaitingResolution => {
            let Some(conflict) = conflict else {
                return refuse(
                    StatusCode::CONFLICT,
                    &crate::i18n::both("ws_nothing_awaits_resolution"),
                )
                .await;
            };
            let body = resolution_page(&signed_in, &wave, &code, &conflict, &BTreeMap::new(), &[])?;
            Ok(page(StatusCode::OK, body))
        }
    }
}

fn resolution_page(
    signed_in: &session::SignedIn,
    wave: &Wave,
    code: &paper::SheetKey,
    conflict: &paper::Conflict,
    typed: &BTreeMap<String, String>,
    errors: &[SheetError],
) -> Result<String, AppError> {
    let lang = Lang::parse(conflict.first.get(LANG_KEY)).unwrap_or(Lang::Ja);
    // The resolution keeps the first entry's day (shown to nobody, used when stored).
    let received = conflict.first.received().unwrap_or_default();
    sheet_page(
        signed_in,
        wave,
        code,
        (lang, received),
        0,
        typed,
        errors,
        Some(&conflict.differ),
        Some((&conflict.first, &conflict.second)),
    )
}

/// The keyed fields of a form: question ids and the sheet's language.
fn keyed(wave: &Wave, fields: &[(String, String)]) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter(|(k, _)| k == LANG_KEY || wave.question(k).is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The access code (or no-code marker and sheet number) a sheet's form carries (the page
/// put it there).
fn sheet_code(state: &AppState, fields: &[(String, String)]) -> Result<paper::SheetKey, AppError> {
    let typed = session::field(fields, "_code").unwrap_or_default();
    let key = match paper::SheetKey::parse_no_code(typed) {
        Some(Ok(sheet)) => Some(paper::SheetKey::NoCode {
            sheet,
            in_estimates: !state.exclude_no_code,
        }),
        Some(Err(_)) => None,
        None => AccessCode::parse(typed).ok().map(paper::SheetKey::Code),
    };
    key.ok_or_else(|| {
        AppError::new(ErrorKind::BadRequest(
            "the form carries no valid access code: open the sheet again".into(),
        ))
    })
}

/// `POST /analyst/waves/{wave}/paper/sheet`: one entry of a sheet.
pub async fn enter_sheet(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_code_wave(&state, &req, &path, &body).await?;
    let fields = session::form_fields(&body);
    let code = sheet_code(&state, &fields)?;
    let typed = keyed(&wave, &fields);
    let today = (state.clock)();
    let received = received_day(&fields, "_received", today)
        .map_err(|why| AppError::new(ErrorKind::BadRequest(why)))?;
    let (sheet, answers) = match paper::read_sheet(&wave, &typed) {
        Ok((sheet, answers)) => (sheet.with_received(received), answers),
        Err(errors) => {
            let entry = session::field(&fields, "_entry")
                .and_then(|e| e.parse().ok())
                .unwrap_or(1);
            let body = sheet_page(
                &signed_in,
                &wave,
                &code,
                (sheet_lang(&fields), received),
                entry,
                &typed,
                &errors,
                None,
                None,
            )?;
            return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let operator = analyst_id(&state, &signed_in.analyst).await?;
    let st = state.clone();
    let w = wave.clone();
    let analyst = signed_in.analyst.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let plan = st.score_plan(&w);
            Ok(paper::enter(
                conn,
                &plan,
                &w,
                &code,
                (&operator, &analyst),
                (&sheet, &answers),
                received,
            )?)
        })
        .await?;
    let done = |done: &str, n: usize| {
        HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("{}?done={done}&n={n}&received={received}", back(&wave.id)),
            ))
            .finish()
    };
    let refuse = |key: &str| Err(nothing_stored(&wave, crate::i18n::both(key)));
    match outcome {
        EntryOutcome::FirstKept => Ok(done("first", 0)),
        EntryOutcome::Stored => Ok(done("stored", 0)),
        EntryOutcome::Disagreed(keys) => Ok(done("disagreed", keys.len())),
        EntryOutcome::Duplicate => refuse("ws_code_duplicate"),
        EntryOutcome::Unknown => refuse("ws_code_unknown"),
        EntryOutcome::KeyedByYou => refuse("ws_code_keyed_by_you"),
        EntryOutcome::AwaitingResolution => refuse("ws_code_awaits_resolution"),
        EntryOutcome::Incomplete { blank, answered } => Err(AppError::refused_with_link(
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::i18n::both("ws_nothing_stored"),
            vec![crate::i18n::both_args(
                "ws_second_entry_incomplete",
                &[
                    ("blank", blank.into()),
                    ("answered", answered.into()),
                    ("dash", NO_ANSWER.into()),
                ],
            )],
            (&back(&wave.id), "ws_next_sheet"),
        )),
    }
}

/// 409 "nothing stored" for a sheet, with the way to the next one.
fn nothing_stored(wave: &Wave, why: String) -> AppError {
    AppError::refused_with_link(
        StatusCode::CONFLICT,
        crate::i18n::both("ws_nothing_stored"),
        vec![why],
        (&back(&wave.id), "ws_next_sheet"),
    )
}

/// `POST /analyst/waves/{wave}/paper/resolve`: the resolver's values where the two entries
/// disagree; the rest is what both entries said.
pub async fn resolve_sheet(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (signed_in, wave) = signed_in_code_wave(&state, &req, &path, &body).await?;
    let fields = session::form_fields(&body);
    let code = sheet_code(&state, &fields)?;
    let operator = analyst_id(&state, &signed_in.analyst).await?;
    let (w, c, o) = (wave.clone(), code.clone(), operator.clone());
    let (now, conflict) = state
        .db(move |conn| -> Result<_, AppError> {
            Ok((
                paper::code_state(conn, &w, &c, &o)?,
                paper::conflict(conn, &w, &c)?,
            ))
        })
        .await?;
    if now == CodeState::ResolveByAnother {
        return Err(nothing_stored(
            &wave,
            crate::i18n::both("ws_code_resolve_by_another"),
        ));
    }
    let Some(conflict) = conflict else {
        return Err(AppError::refused_with_link(
            StatusCode::CONFLICT,
            crate::i18n::both("ws_nothing_to_resolve"),
            vec![crate::i18n::both("ws_nothing_to_resolve_body")],
            (&back(&wave.id), "ws_next_sheet"),
        ));
    };
    let typed = keyed(&wave, &fields);
    // What both entries said, and the resolver's values where they disagree.
    let resolved = conflict.resolved(&typed);
    let (_, answers) = match paper::read_sheet(&wave, &resolved) {
        Ok(read) => read,
        Err(errors) => {
            let body = resolution_page(&signed_in, &wave, &code, &conflict, &typed, &errors)?;
            return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let st = state.clone();
    let w = wave.clone();
    let today = (state.clock)();
    let analyst = signed_in.analyst.clone();
    let differ = conflict.differ.len();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let plan = st.score_plan(&w);
            Ok(paper::resolve(
                conn,
                &plan,
                &w,
                &code,
                (&operator, &analyst, differ),
                &answers,
                today,
            )?)
        })
        .await?;
    Ok(match outcome {
        ResolveOutcome::Stored => HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("{}?done=resolved", back(&wave.id)),
            ))
            .finish(),
        ResolveOutcome::KeyedByYou => {
            return Err(nothing_stored(
                &wave,
                crate::i18n::both("ws_code_resolve_by_another"),
            ));
        }
        ResolveOutcome::Duplicate | ResolveOutcome::NotPending => {
            return Err(nothing_stored(
                &wave,
                crate::i18n::both("ws_answered_or_resolved"),
            ));
        }
    })
}

#[derive(Deserialize)]
pub struct PaperImportQuery {
    /// `valid`: import the valid rows even if some were rejected.
    accept: Option<String>,
    /// `boxes` or `codes` (default: detected).
    values: Option<String>,
    /// The day every sheet was received, for a file without a `received_on` column.
    received_on: Option<String>,
}

/// The import's options from the query (or the upload form): 400 on a bad value.
fn import_options(
    accept: bool,
    values: Option<&str>,
    received_on: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<paper::import::ImportOptions, AppError> {
    let values = match values.map(str::trim).filter(|v| !v.is_empty()) {
        None | Some("detect") => None,
        Some(v) => Some(paper::import::Values::parse(v).ok_or_else(|| {
            AppError::new(ErrorKind::BadRequest(format!(
                "values `{v}`: use boxes (the numbers printed on the questionnaire) or codes (the codebook's option codes)"
            )))
        })?),
    };
    let received_on = match received_on.map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match paper::import::parse_day(v) {
            Some(d) if d <= today => Some(d),
            _ => {
                return Err(AppError::new(ErrorKind::BadRequest(format!(
                    "received_on `{v}`: give the day the sheets were received (YYYY-MM-DD), today or earlier"
                ))));
            }
        },
    };
    Ok(paper::import::ImportOptions {
        accept_valid: accept,
        values,
        received_on,
        today,
        // Set from the server's setting by the caller.
        exclude_no_code: false,
    })
}

/// Runs a vendor import with its audit line: the report, or the header's errors.
async fn run_import(
    state: &web::Data<AppState>,
    analyst: String,
    wave: Wave,
    body: Vec<u8>,
    options: paper::import::ImportOptions,
) -> Result<Result<paper::import::ImportReport, Vec<paper::import::CellError>>, AppError> {
    let st = state.clone();
    state
        .db(move |conn| -> Result<_, AppError> {
            let plan = st.score_plan(&wave);
            match paper::import::import(conn, &plan, &wave, &body, options) {
                Ok(report) => {
                    crate::paper::import::record_paper_import(conn, &analyst, &wave.id, &report);
                    Ok(Ok(report))
                }
                Err(paper::import::ImportError::Database(e)) => Err(e.into()),
                Err(paper::import::ImportError::Header(errors)) => Ok(Err(errors)),
                Err(paper::import::ImportError::File(m)) => {
                    Err(AppError::new(ErrorKind::BadRequest(m)))
                }
            }
        })
        .await
}

/// `POST /analyst/waves/{wave}/paper-import[?accept=valid][&values=boxes|codes][&received_on=DAY]`
/// with the vendor's CSV as the body (bearer token, or a session with `X-CSRF-Token`;
/// operators too): the report; 422 when nothing was imported.
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PaperImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (analyst, _) = crate::web::workspace::api::authorise_with_role(&state, &req).await?;
    let wave =
        state.definitions.wave(&path).cloned().ok_or_else(|| {
            AppError::new(ErrorKind::NotFoundWith(format!("unknown wave `{path}`")))
        })?;
    paper::require_code_wave(&wave).map_err(|m| AppError::new(ErrorKind::Conflict(m)))?;
    let options = import_options(
        query.accept.as_deref() == Some("valid"),
        query.values.as_deref(),
        query.received_on.as_deref(),
        (state.clock)(),
    )
    .map(|o| paper::import::ImportOptions {
        exclude_no_code: state.exclude_no_code,
        ..o
    })?;
    let result = run_import(&state, analyst, wave, body.to_vec(), options).await?;
    Ok(match result {
        Ok(report) => {
            let status = if report.imported {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            HttpResponse::build(status).json(report)
        }
        Err(header_errors) => HttpResponse::UnprocessableEntity().json(serde_json::json!({
            "imported": false,
            "rejected": header_errors,
        })),
    })
}

/// The upload page's own words (`ws_upload_…`).
struct UploadWords {
    title: Both<String>,
    file: Both<String>,
    values: Both<String>,
    detect: Both<String>,
    boxes: Both<String>,
    codes: Both<String>,
    received: Both<String>,
    accept: Both<String>,
    submit: Both<String>,
}

impl UploadWords {
    fn get() -> UploadWords {
        let p = |k: &str| i18n::pair(&format!("ws_upload_{k}"), &[]);
        UploadWords {
            title: p("title"),
            file: p("file"),
            values: p("values"),
            detect: p("detect"),
            boxes: p("boxes"),
            codes: p("codes"),
            received: p("received"),
            accept: p("accept"),
            submit: p("submit"),
        }
    }
}

/// An import's report as the page shows it: the CLI's lines.
struct UploadReport {
    imported: bool,
    summary: Both<String>,
    lines: Vec<String>,
    rejected_rows: Option<Both<String>>,
}

#[derive(Template)]
#[template(path = "workspace/paper_upload.html")]
struct UploadPage {
    t: &'static Texts,
    w: UploadWords,
    csrf: String,
    wave_id: String,
    title: String,
    report: Option<UploadReport>,
}

fn upload_page(
    status: StatusCode,
    signed_in: &session::SignedIn,
    wave: &Wave,
    report: Option<UploadReport>,
) -> Result<HttpResponse, AppError> {
    let body = UploadPage {
        t: texts(),
        w: UploadWords::get(),
        csrf: signed_in.csrf_token.clone(),
        wave_id: wave.id.clone(),
        title: wave.title.ja.clone(),
        report,
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(body))
}

/// `GET /analyst/waves/{wave}/paper/upload`: the vendor's file from the browser (analysts
/// and operators).
pub async fn upload_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = session::current(&state, &req).await? else {
        return Ok(session::to_sign_in());
    };
    let wave = workspace_wave(&state, &path)?;
    require_code_wave(&wave)?;
    upload_page(StatusCode::OK, &signed_in, &wave, None)
}

/// One part of a `multipart/form-data` body: its field name, file name and bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub body: Vec<u8>,
}

/// The parts of a `multipart/form-data` body with this boundary (RFC 7578), or `None`
/// when the body is not one.
pub fn multipart(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut parts = Vec::new();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        let head_start = at + 2; // CRLF after the delimiter
        let head_end = find(body, b"\r\n\r\n", head_start)?;
        let head = std::str::from_utf8(&body[head_start..head_end]).ok()?;
        let content_start = head_end + 4;
        let mut next_delimiter = b"\r\n".to_vec();
        next_delimiter.extend_from_slice(&delimiter);
        let content_end = find(body, &next_delimiter, content_start)?;
        let disposition = head
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
        let param = |key: &str| {
            disposition.split(';').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        parts.push(Part {
            name: param("name")?,
            filename: param("filename"),
            body: body[content_start..content_end].to_vec(),
        });
        at = content_end + next_delimiter.len();
    }
}

/// The boundary of a `multipart/form-data` request.
fn boundary(req: &HttpRequest) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (mime, params) = ct.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim_matches('"').to_string())
    })
}

/// `POST /analyst/waves/{wave}/paper/upload` (`multipart/form-data`: `_csrf`, `file`,
/// `values`, `received_on`, `accept`): the vendor import from the browser, with the
/// CLI's report on the page; 422 when nothing was imported.
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = session::current(&state, &req).await? else {
        return Err(AppError::sign_in_required());
    };
    let parts = boundary(&req)
        .and_then(|b| multipart(&body, &b))
        .ok_or_else(|| {
            AppError::new(ErrorKind::BadRequest(
                "send the upload form (multipart/form-data), or POST the CSV to /analyst/waves/{wave}/paper-import".into(),
            ))
        })?;
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.body).into_owned())
    };
    if !signed_in.csrf_ok(text(session::CSRF_FIELD).as_deref()) {
        return Err(session::csrf_refused());
    }
    let wave = workspace_wave(&state, &path)?;
    require_code_wave(&wave)?;
    let Some(file) = parts
        .iter()
        .find(|p| p.name == "file" && !p.body.is_empty())
    else {
        let report = UploadReport {
            imported: false,
            summary: i18n::pair("ws_upload_no_file", &[]),
            lines: vec![],
            rejected_rows: None,
        };
        return upload_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &signed_in,
            &wave,
            Some(report),
        );
    };
    let options = import_options(
        text("accept").as_deref() == Some("valid"),
        text("values").as_deref(),
        text("received_on").as_deref(),
        (state.clock)(),
    )
    .map(|o| paper::import::ImportOptions {
        exclude_no_code: state.exclude_no_code,
        ..o
    })?;
    let result = run_import(
        &state,
        signed_in.analyst.clone(),
        wave.clone(),
        file.body.clone(),
        options,
    )
    .await?;
    let name = file.filename.clone().unwrap_or_else(|| "vendor.csv".into());
    let place = |e: &paper::import::CellError| {
        format!("{name}: {}: column {}: {}", e.place(), e.column, e.message)
    };
    let report = match result {
        Err(header_errors) => UploadReport {
            imported: false,
            summary: i18n::pair("ws_upload_header", &[]),
            lines: header_errors.iter().map(place).collect(),
            rejected_rows: None,
        },
        Ok(r) => {
            let mut lines: Vec<String> = r.rejected.iter().map(place).collect();
            lines.extend(r.already_used.iter().map(|row| {
                format!(
                    "{name}: {}",
                    i18n::both_args("ws_upload_used", &[("row", (*row).into())])
                )
            }));
            lines.extend(r.not_valid.iter().map(|row| {
                format!(
                    "{name}: {}",
                    i18n::both_args("ws_upload_not_valid", &[("row", (*row).into())])
                )
            }));
            let summary = if r.imported {
                i18n::pair(
                    "ws_upload_stored",
                    &[
                        ("stored", r.stored.into()),
                        ("rows", r.rows.into()),
                        ("encoding", format!("{:?}", r.encoding).into()),
                        ("values", format!("{:?}", r.values).into()),
                        ("used", r.already_used.len().into()),
                        ("problems", r.rejected.len().into()),
                    ],
                )
            } else {
                i18n::pair(
                    "ws_upload_nothing",
                    &[
                        ("valid", r.valid_rows.into()),
                        ("problems", r.rejected.len().into()),
                    ],
                )
            };
            let rows: Vec<String> = r.rejected_rows.iter().map(u64::to_string).collect();
            UploadReport {
                imported: r.imported,
                summary,
                lines,
                rejected_rows: (!rows.is_empty()).then(|| {
                    i18n::pair(
                        "ws_upload_rejected_rows",
                        &[("rows", rows.join(", ").into())],
                    )
                }),
            }
        }
    };
    let status = if report.imported {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    upload_page(status, &signed_in, &wave, Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_are_split_into_named_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.csv\"\r\nContent-Type: text/csv\r\n\r\ncode,a\r\nX,1\r\n\r\n--XyZ--\r\n";
        let parts = multipart(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "_csrf");
        assert_eq!(parts[0].body, b"abc");
        assert_eq!(parts[1].filename.as_deref(), Some("v.csv"));
        assert_eq!(parts[1].body, b"code,a\r\nX,1\r\n");
        assert!(multipart(b"not multipart", "XyZ").is_none());
    }
}
