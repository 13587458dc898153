//! Pages as askama templates, and the view models that turn definitions, answers and errors
//! into what a template shows. Askama escapes every value.

use askama::Template;
use chrono::NaiveDate;

use crate::definitions::{Definitions, QuestionKind, Wave, WaveStatus};
use crate::domain::{Credential, FieldError, Furigana, Lang, RawForm};
use crate::i18n::furigana;
use crate::i18n::{self, Strings};

/// What every page needs for its frame.
pub struct Page {
    pub lang: Lang,
    pub s: &'static Strings,
    /// The language switch: every language by its own name, each linking to this page in
    /// that language (or to the start page where this page cannot be opened again).
    pub languages: Vec<LangLink>,
    /// The ふりがな on/off link `(href, label)`, on pages whose texts carry readings in a
    /// language that lets the resident choose.
    pub furigana: Option<(String, &'static str)>,
}

/// One entry of the language switch.
pub struct LangLink {
    pub code: &'static str,
    pub tag: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Page {
    /// `path` is the page's own path; `None` points the switch at the start page (e.g. on a
    /// POST result or an error page, which cannot be opened again by a link).
    pub fn new(lang: Lang, path: Option<&str>) -> Self {
        let path = path.unwrap_or("/");
        Page {
            lang,
            s: i18n::strings(lang),
            languages: Lang::all()
                .map(|l| LangLink {
                    code: l.code(),
                    tag: l.tag(),
                    name: l.name(),
                    href: format!("{path}?lang={l}"),
                    current: l == lang,
                })
                .collect(),
            furigana: None,
        }
    }

    /// Adds the ふりがな switch when the page's texts carry readings and the language lets
    /// the resident choose; `on` is the current state.
    pub fn with_furigana_switch(mut self, path: &str, has_readings: bool, on: bool) -> Self {
        if has_readings && self.lang.furigana() == Furigana::Switch {
            let (href, label) = if on {
                (format!("{path}?lang={}", self.lang), self.s.furigana_off)
            } else {
                (
                    format!("{path}?lang={}&furigana=on", self.lang),
                    self.s.furigana_on,
                )
            };
            self.furigana = Some((href, label));
        }
        self
    }
}

/// Whether definition texts in `lang` show their readings as ruby: always in やさしい日本語,
/// on request (`?furigana=on`) in Japanese, never elsewhere.
pub fn ruby(lang: Lang, requested: bool) -> bool {
    match lang.furigana() {
        Furigana::Always => true,
        Furigana::Switch => requested,
        Furigana::Never => false,
    }
}

#[derive(Template)]
#[template(path = "resident/index.html")]
pub struct IndexPage {
    pub page: Page,
    pub waves: Vec<WaveItem>,
}

pub struct WaveItem {
    pub id: String,
    /// Escaped HTML (with ruby in やさしい日本語).
    pub title_html: String,
    pub open: bool,
    pub status: &'static str,
    pub status_class: &'static str,
    pub period: String,
    pub note: String,
    /// Whether the wave's results are published (`/results/{id}`).
    pub published: bool,
}

/// The start page: every wave with its state, a link to answer the open ones and to the
/// results of published ones. `published` holds the ids of waves with published results.
pub fn index(defs: &Definitions, lang: Lang, today: NaiveDate, published: &[String]) -> String {
    let s = i18n::strings(lang);
    let ruby = ruby(lang, false);
    let waves = defs
        .waves
        .iter()
        .map(|w| {
            let status = w.status(today);
            let (label, class, note) = match status {
                WaveStatus::Open => (s.status_open, "open", String::new()),
                WaveStatus::Upcoming => {
                    (s.status_upcoming, "upcoming", i18n::opens_on(lang, w.opens))
                }
                WaveStatus::Closed => (s.status_closed, "closed", i18n::closed_on(lang, w.closes)),
            };
            WaveItem {
                id: w.id.clone(),
                title_html: w.title.html(lang, ruby),
                open: status == WaveStatus::Open,
                status: label,
                status_class: class,
                period: i18n::period(lang, w.opens, w.closes),
                note,
                published: published.contains(&w.id),
            }
        })
        .collect();
    render(&IndexPage {
        page: Page::new(lang, Some("/")),
        waves,
    })
}

#[derive(Template)]
#[template(path = "resident/message.html")]
pub struct MessagePage {
    pub page: Page,
    /// Plain, for `<title>`; `title_html` is what the heading shows.
    pub title: String,
    pub title_html: String,
    /// Escaped HTML each.
    pub paragraphs: Vec<String>,
    pub links: Vec<(String, String)>,
}

pub fn message(
    page: Page,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
) -> String {
    message_html(
        page,
        title,
        furigana::escape(title),
        paragraphs.iter().map(|p| furigana::escape(p)).collect(),
        link.into_iter().collect(),
    )
}

/// A message page whose heading and paragraphs are already escaped HTML.
fn message_html(
    page: Page,
    title: &str,
    title_html: String,
    paragraphs: Vec<String>,
    links: Vec<(String, String)>,
) -> String {
    render(&MessagePage {
        page,
        title: title.to_string(),
        title_html,
        paragraphs,
        links,
    })
}

pub fn thanks(wave: &Wave, lang: Lang) -> String {
    let s = i18n::strings(lang);
    message_html(
        Page::new(lang, Some(&format!("/surveys/{}/thanks", wave.id))),
        s.thanks_title,
        furigana::escape(s.thanks_title),
        vec![
            wave.title.html(lang, ruby(lang, false)),
            furigana::escape(s.thanks_body),
        ],
        vec![(format!("/?lang={lang}"), s.back_to_top.to_string())],
    )
}

/// The page for a wave that does not take answers today; `after_post` adds that nothing
/// was stored, `published` links the wave's published results.
pub fn not_open(
    wave: &Wave,
    lang: Lang,
    status: WaveStatus,
    after_post: bool,
    published: bool,
) -> String {
    let s = i18n::strings(lang);
    let (title, when) = match status {
        WaveStatus::Upcoming => (s.upcoming_title, i18n::opens_on(lang, wave.opens)),
        _ => (s.closed_title, i18n::closed_on(lang, wave.closes)),
    };
    let mut paragraphs = vec![
        wave.title.html(lang, ruby(lang, false)),
        furigana::escape(&when),
    ];
    if after_post {
        paragraphs.push(furigana::escape(s.not_stored));
    }
    let mut links = Vec::new();
    if published {
        links.push((
            format!("/results/{}?lang={lang}", wave.id),
            s.results_link.to_string(),
        ));
    }
    links.push((format!("/?lang={lang}"), s.back_to_top.to_string()));
    let path = format!("/surveys/{}", wave.id);
    message_html(
        Page::new(lang, (!after_post).then_some(path.as_str())),
        title,
        furigana::escape(title),
        paragraphs,
        links,
    )
}

/// A page with a title, one paragraph and a link to the start page.
pub fn notice(lang: Lang, title: &str, body: &str) -> String {
    let s = i18n::strings(lang);
    message(
        Page::new(lang, None),
        title,
        vec![body.to_string()],
        Some((format!("/?lang={lang}"), s.back_to_top.to_string())),
    )
}

#[derive(Template)]
#[template(path = "resident/opt_out.html")]
pub struct OptOutPage {
    pub page: Page,
    pub token: String,
}

/// Asks to confirm stopping reminders: a GET never changes anything (mail scanners follow
/// links), the button POSTs the token in the body.
pub fn opt_out(lang: Lang, token: &str) -> String {
    render(&OptOutPage {
        page: Page::new(lang, None),
        token: token.to_string(),
    })
}

#[derive(Template)]
#[template(path = "resident/survey.html")]
pub struct SurveyPage {
    pub page: Page,
    pub wave_id: String,
    /// Plain, for `<title>`.
    pub title: String,
    /// The texts from the definitions below are escaped HTML (with ruby where shown).
    pub title_html: String,
    pub period: String,
    pub intro: Option<String>,
    /// `?furigana=on` when the resident asked for readings, kept by the form's action.
    pub action_query: &'static str,
    pub key: String,
    /// The hidden field `(name, value)` carrying the form's credential, if any.
    pub credential_field: Option<(&'static str, String)>,
    /// On an open-answer form of a code wave: where residents with a letter should go.
    pub code_note: Option<String>,
    pub notice: Option<String>,
    pub errors: Vec<ErrorLink>,
    pub sections: Vec<SectionView>,
}

pub struct ErrorLink {
    pub anchor: String,
    pub message: String,
}

pub struct SectionView {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<QuestionView>,
}

pub struct QuestionView {
    pub id: String,
    pub number: String,
    pub text: String,
    pub required: bool,
    pub condition: Option<String>,
    pub hints: Vec<String>,
    pub error: Option<String>,
    /// `scale`, `radios`, `checkboxes`, `textarea` or `number`.
    pub control: &'static str,
    pub options: Vec<OptionView>,
    pub value: String,
    pub max_length: usize,
    pub unit: Option<String>,
    /// Ids of the hint, condition and error paragraphs, for `aria-describedby`.
    pub described_by: String,
    /// Ids of the error paragraph alone, for the inputs of a group with an error.
    pub error_id: String,
}

pub struct OptionView {
    pub input_id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
    pub dont_know: bool,
}

/// The survey form, empty or filled with what the resident sent, with any errors.
pub struct FormState<'a> {
    pub raw: Option<&'a RawForm>,
    /// The resident asked for ふりがな (`?furigana=on`) on a language that offers the switch.
    pub furigana: bool,
    pub errors: &'a [FieldError],
    pub notice: Option<String>,
    pub key: String,
    /// The invitation token or access code the form carries in its body.
    pub credential: Option<FormCredential>,
}

/// The one-time credential a form carries in its body (never in a later URL), parsed once
/// at the edge, and whether the page may switch language at its own link: an invitation's
/// `/s/{token}` always, an access code's `/c/{code}` only when it came in the QR link (a
/// typed code never goes into a URL).
#[derive(Debug, Clone)]
pub struct FormCredential {
    pub credential: Credential,
    pub linked: bool,
}

pub fn survey(wave: &Wave, lang: Lang, state: FormState<'_>) -> String {
    let numbers: Vec<&str> = wave.questions().map(|q| q.id.as_str()).collect();
    let number_of = |id: &str| numbers.iter().position(|x| *x == id).map_or(0, |i| i + 1);
    let error_for = |id: &str| {
        state
            .errors
            .iter()
            .find(|e| e.question_id.as_deref() == Some(id))
            .map(|e| e.problem.message(lang))
    };
    let given = |id: &str| state.raw.map_or(&[][..], |r| r.values(id));
    let ruby = ruby(lang, state.furigana);
    let esc = |s: &str| furigana::escape(s);

    let sections = wave
        .sections
        .iter()
        .map(|section| SectionView {
            id: section.id.clone(),
            title: section.title.html(lang, ruby),
            intro: section.intro.as_ref().map(|t| t.html(lang, ruby)),
            questions: section
                .questions
                .iter()
                .map(|q| {
                    let values = given(&q.id);
                    let condition = q.show_if.as_ref().map(|c| {
                        let label = wave
                            .question(&c.question)
                            .and_then(|t| t.kind.options().iter().find(|o| o.code == c.equals))
                            .map_or(c.equals.as_str(), |o| o.label.get(lang));
                        esc(&i18n::only_if(lang, number_of(&c.question), label))
                    });
                    let mut hints: Vec<String> =
                        q.help.iter().map(|h| h.html(lang, ruby)).collect();
                    let option = |i: usize, value: &str, label: &str, dont_know: bool| OptionView {
                        input_id: format!("{}-{}", q.id, i + 1),
                        value: value.to_string(),
                        label: label.to_string(),
                        checked: values.iter().any(|v| v == value),
                        dont_know,
                    };
                    let s = i18n::strings(lang);
                    let (control, options, max_length, unit) = match &q.kind {
                        QuestionKind::Scale {
                            dont_know, measure, ..
                        } => {
                            let mut options: Vec<OptionView> = measure
                                .labels(s)
                                .iter()
                                .enumerate()
                                .map(|(i, label)| {
                                    option(
                                        i,
                                        &(i + 1).to_string(),
                                        &esc(&format!("{}. {label}", i + 1)),
                                        false,
                                    )
                                })
                                .collect();
                            if *dont_know {
                                options.push(option(
                                    5,
                                    crate::domain::DONT_KNOW,
                                    &esc(s.dont_know),
                                    true,
                                ));
                            }
                            ("scale", options, 0, None)
                        }
                        QuestionKind::Single { options } => (
                            "radios",
                            options
                                .iter()
                                .enumerate()
                                .map(|(i, o)| option(i, &o.code, &o.label.html(lang, ruby), false))
                                .collect(),
                            0,
                            None,
                        ),
                        QuestionKind::Multiple {
                            options,
                            max_choices,
                        } => {
                            hints.push(esc(&match max_choices {
                                Some(max) => i18n::max_choices(lang, *max),
                                None => s.choose_all.to_string(),
                            }));
                            (
                                "checkboxes",
                                options
                                    .iter()
                                    .enumerate()
                                    .map(|(i, o)| {
                                        option(i, &o.code, &o.label.html(lang, ruby), false)
                                    })
                                    .collect(),
                                0,
                                None,
                            )
                        }
                        QuestionKind::Text { max_length } => {
                            hints.push(esc(&i18n::max_length(lang, *max_length)));
                            ("textarea", Vec::new(), *max_length, None)
                        }
                        QuestionKind::Number { min, max, unit } => {
                            let unit_text = unit.as_ref().map(|u| u.get(lang).to_string());
                            hints.push(esc(&i18n::number_range(
                                lang,
                                *min,
                                *max,
                                unit_text.as_deref(),
                            )));
                            let unit = unit.as_ref().map(|u| u.html(lang, ruby));
                            ("number", Vec::new(), 0, unit)
                        }
                    };
                    let error = error_for(&q.id);
                    let error_id = if error.is_some() {
                        format!("{}-error", q.id)
                    } else {
                        String::new()
                    };
                    let mut described_by: Vec<String> = Vec::new();
                    if condition.is_some() {
                        described_by.push(format!("{}-condition", q.id));
                    }
                    described_by.extend((1..=hints.len()).map(|i| format!("{}-hint-{i}", q.id)));
                    if error.is_some() {
                        described_by.push(format!("{}-error", q.id));
                    }
                    QuestionView {
                        id: q.id.clone(),
                        number: i18n::question_number(lang, number_of(&q.id)),
                        text: q.text.html(lang, ruby),
                        required: q.required,
                        condition,
                        hints,
                        error,
                        control,
                        options,
                        value: values.first().cloned().unwrap_or_default(),
                        max_length,
                        unit,
                        described_by: described_by.join(" "),
                        error_id,
                    }
                })
                .collect(),
        })
        .collect();

    // The summary lists problems in form order and links each to its question.
    let mut errors: Vec<ErrorLink> = state
        .errors
        .iter()
        .filter(|e| e.question_id.is_none())
        .map(|e| ErrorLink {
            anchor: "main".into(),
            message: e.problem.message(lang),
        })
        .collect();
    // Several general problems say the same thing; one line is enough.
    errors.dedup_by(|a, b| a.message == b.message);
    for q in wave.questions() {
        if let Some(e) = state
            .errors
            .iter()
            .find(|e| e.question_id.as_deref() == Some(q.id.as_str()))
        {
            // The link goes to the question's first input, so that following it puts the
            // keyboard focus where the answer is given.
            let anchor = match q.kind {
                QuestionKind::Text { .. } | QuestionKind::Number { .. } => q.id.clone(),
                _ => format!("{}-1", q.id),
            };
            errors.push(ErrorLink {
                anchor,
                message: i18n::numbered_problem(lang, number_of(&q.id), &e.problem.message(lang)),
            });
        }
    }
    // An invitee's page switches language at their own link; after a POST there is no
    // switch (following it would leave the answers behind).
    let path = match &state.credential {
        Some(FormCredential {
            credential: Credential::Invitation(token),
            ..
        }) => Some(format!("/s/{token}")),
        Some(FormCredential {
            credential: Credential::Code(code),
            linked,
        }) => linked.then(|| format!("/c/{}", code.as_str())),
        None => Some(format!("/surveys/{}", wave.id)),
    };
    let show_switch = state.raw.is_none();
    let code_note = (wave.access == crate::definitions::Access::Code && state.credential.is_none())
        .then(|| i18n::strings(lang).open_answer_note.to_string());
    let mut page = Page::new(lang, path.as_deref().filter(|_| show_switch));
    if show_switch && let Some(path) = &path {
        page = page.with_furigana_switch(path, wave.has_readings(lang), state.furigana);
    }
    render(&SurveyPage {
        page,
        wave_id: wave.id.clone(),
        title: wave.title.get(lang).to_string(),
        title_html: wave.title.html(lang, ruby),
        period: i18n::period(lang, wave.opens, wave.closes),
        intro: wave.intro.as_ref().map(|t| t.html(lang, ruby)),
        action_query: if state.furigana && lang.furigana() == Furigana::Switch {
            "?furigana=on"
        } else {
            ""
        },
        key: state.key,
        credential_field: state.credential.as_ref().map(|c| c.credential.form_field()),
        code_note,
        notice: state.notice,
        errors,
        sections,
    })
}

fn render(t: &impl Template) -> String {
    // Templates are checked at compile time; rendering into a String cannot fail short of
    // a formatting bug, which must not take the page down silently.
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        String::from("<!doctype html><title>Error</title><p>Error / エラー</p>")
    })
}

#[derive(Template)]
#[template(path = "resident/code_entry.html")]
pub struct CodeEntryPage {
    pub page: Page,
    pub value: String,
    pub error: Option<&'static str>,
}

/// `GET /c`: one box for the code on the letter; shown again with what was typed and the
/// problem when the code is not well-formed.
pub fn code_entry(lang: Lang, typed: &str, problem: Option<crate::domain::CodeProblem>) -> String {
    use crate::domain::CodeProblem;
    let s = i18n::strings(lang);
    render(&CodeEntryPage {
        page: Page::new(lang, problem.is_none().then_some("/c")),
        value: typed.to_string(),
        error: problem.map(|p| match p {
            CodeProblem::Empty => s.code_empty,
            CodeProblem::Length => s.code_length,
            CodeProblem::Character | CodeProblem::Check => s.code_check,
        }),
    })
}

/// A notice with a link to the code entry page (instead of the start page).
pub fn code_notice(lang: Lang, title: &str, body: &str) -> String {
    let s = i18n::strings(lang);
    message(
        Page::new(lang, None),
        title,
        vec![body.to_string()],
        Some((format!("/c?lang={lang}"), s.code_entry_link.to_string())),
    )
}
