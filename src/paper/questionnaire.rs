//! The printable questionnaire (調査票): an A4 booklet made from the same definition as the
//! web form, with the same question numbers. A cover (title, period, purpose, anonymity,
//! how to return it, the contact line, a box for the access code), then the sections: a
//! vision's scale items as one grid of check boxes (one vision per page), choices as boxes,
//! number boxes, ruled free-text areas sized to `max_length`, and `show_if` as "go to
//! question N" instructions. Each box carries the code an operator keys (1–5, 9 for
//! わからない, an option's position), explained in a small legend.
//!
//! Definition texts are read through `Text::get(lang)` and the scale's labels come from the
//! resident strings, so the booklet follows the web form's wording in every language.

use askama::Template;

use super::sheet::{DONT_KNOW_CODE, NO_ANSWER};
use crate::definitions::{Question, QuestionKind, ScaleMeasure, Wave};
use crate::domain::Lang;
use crate::i18n;

i18n::messages! {
    prefix "booklet_";
    /// The booklet's own words, `booklet_…` in locales/ja.ftl and en.ftl (the rest comes
    /// from the definition and the resident strings). With values: `booklet_return_by`,
    /// `booklet_go_to`, `booklet_then_go_to`.
    pub struct Texts {
        booklet, purpose, how_to_answer_title, how_to_answer, anonymity_title, anonymity,
        return_title, online, contact_title, code_title, code_note, write_here,
        legend_title, legend, end,
    }
}

/// The language of the booklet's own words: Japanese, else English (the booklet is
/// printed in ja or en).
fn words_lang(lang: Lang) -> Lang {
    if lang == Lang::Ja { Lang::Ja } else { Lang::En }
}

/// The booklet's own words: Japanese, else English.
pub fn texts(lang: Lang) -> &'static Texts {
    Texts::get(words_lang(lang))
}

pub struct BoxView {
    /// The operator code printed beside the box.
    pub code: String,
    pub label: String,
    /// "→ 問N へ" when this answer skips the next question(s).
    pub go_to: Option<String>,
}

pub struct QuestionView {
    pub number: String,
    pub text: String,
    pub hints: Vec<String>,
    /// "問N で「…」と答えた方のみ" for a `show_if` question.
    pub condition: Option<String>,
    /// `single`, `multiple`, `number` or `text` (scale items are in their section's grid).
    pub kind: &'static str,
    pub boxes: Vec<BoxView>,
    /// Number boxes: one per digit.
    pub digits: usize,
    pub unit: Option<String>,
    /// Ruled lines of a free-text area.
    pub lines: usize,
    /// "回答後は 問N へ" when the following question(s) are for other answers.
    pub then_go_to: Option<String>,
}

pub struct ScaleRow {
    pub number: String,
    pub text: String,
    pub hints: Vec<String>,
    pub dont_know: bool,
}

pub struct SectionView {
    pub title: String,
    pub intro: Option<String>,
    /// A vision's section starts a page.
    pub vision: bool,
    /// The section's scale items, as one grid.
    pub grid: Vec<ScaleRow>,
    /// Whether any row of the grid offers わからない (adds its column).
    pub grid_dont_know: bool,
    pub questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "print/questionnaire.html")]
pub struct Booklet<'a> {
    pub lang: &'static str,
    pub t: &'static Texts,
    pub title: &'a str,
    pub period: String,
    pub intro: Option<&'a str>,
    pub return_by: String,
    pub contact: Option<&'a str>,
    /// One booklet per copy: the code (and QR code) printed on its cover, or boxes to
    /// copy it into.
    pub copies: Vec<CopyView>,
    pub scale_labels: [&'static str; 5],
    pub dont_know: &'static str,
    pub dont_know_code: &'static str,
    pub no_answer: &'static str,
    pub sections: Vec<SectionView>,
}

/// Where a resident goes after answering question `i` with `option` (None: after any
/// answer), when that is not simply the next question: the 1-based number.
fn next_asked(questions: &[&Question], i: usize, given: Option<(&str, &str)>) -> Option<usize> {
    // The answer the resident has just given to the question a `show_if` refers to.
    let known = given.or_else(|| {
        questions[i]
            .show_if
            .as_ref()
            .map(|c| (c.question.as_str(), c.equals.as_str()))
    })?;
    let next = (i + 1..questions.len())
        .find(|&k| match &questions[k].show_if {
            None => true,
            Some(c) => c.question != known.0 || c.equals == known.1,
        })
        .unwrap_or(questions.len());
    (next != i + 1 && next < questions.len()).then_some(next + 1)
}

/// Ruled lines for a free-text area: about 35 characters a line, 3 to 10 lines.
fn text_lines(max_length: usize) -> usize {
    max_length.div_ceil(35).clamp(3, 10)
}

/// The cover of one booklet of a mailing.
pub struct CopyView {
    /// The code printed in the box (grouped, as on the letter).
    pub code: Option<String>,
    /// The QR code of the letter's link, an inline `<svg>` element.
    pub qr: Option<String>,
}

/// The booklet of one letter of a mailing: its code and the QR code (an SVG document or
/// element) of the link printed on the letter.
pub struct Cover {
    pub code: crate::domain::AccessCode,
    pub qr_svg: String,
}

/// One booklet per cover, in the given order (the printer's CSV's, which is the letters'
/// order, so that a printer can pair each letter with its booklet); each starts on a new
/// page.
pub fn booklets(wave: &Wave, lang: Lang, covers: &[Cover]) -> String {
    let copies = covers
        .iter()
        .map(|c| CopyView {
            code: Some(c.code.grouped()),
            qr: Some(match c.qr_svg.find("<svg") {
                Some(i) => c.qr_svg[i..].to_string(),
                None => c.qr_svg.clone(),
            }),
        })
        .collect();
    render(wave, lang, copies)
}

pub fn booklet(wave: &Wave, lang: Lang, code: Option<&crate::domain::AccessCode>) -> String {
    render(
        wave,
        lang,
        vec![CopyView {
            code: code.map(|c| c.grouped()),
            qr: None,
        }],
    )
}

fn render(wave: &Wave, lang: Lang, copies: Vec<CopyView>) -> String {
    let s = i18n::strings(lang);
    let t = texts(lang);
    let questions: Vec<&Question> = wave.questions().collect();
    let number_of = |id: &str| {
        questions
            .iter()
            .position(|q| q.id == id)
            .map_or(0, |i| i + 1)
    };
    let go = |key: &str, n: usize| i18n::t_args(words_lang(lang), key, &[("n", n.into())]);
    let sections = wave
        .sections
        .iter()
        .map(|section| {
            let mut grid = Vec::new();
            let mut views = Vec::new();
            for q in &section.questions {
                let i = number_of(&q.id) - 1;
                let hints: Vec<String> = q.help.iter().map(|h| h.get(lang).to_string()).collect();
                let condition = q.show_if.as_ref().map(|c| {
                    let label = wave
                        .question(&c.question)
                        .and_then(|t| t.kind.options().iter().find(|o| o.code == c.equals))
                        .map_or(c.equals.as_str(), |o| o.label.get(lang));
                    i18n::only_if(lang, number_of(&c.question), label)
                });
                let then_go_to =
                    next_asked(&questions, i, None).map(|n| go("booklet_then_go_to", n));
                let options = |with_go_to: bool| -> Vec<BoxView> {
                    q.kind
                        .options()
                        .iter()
                        .enumerate()
                        .map(|(k, o)| BoxView {
                            code: (k + 1).to_string(),
                            label: o.label.get(lang).to_string(),
                            go_to: with_go_to
                                .then(|| next_asked(&questions, i, Some((&q.id, &o.code))))
                                .flatten()
                                .map(|n| go("booklet_go_to", n)),
                        })
                        .collect()
                };
                let mut view = QuestionView {
                    number: i18n::question_number(lang, i + 1),
                    text: q.text.get(lang).to_string(),
                    hints,
                    condition,
                    kind: "single",
                    boxes: Vec::new(),
                    digits: 0,
                    unit: None,
                    lines: 0,
                    then_go_to,
                };
                match &q.kind {
                    QuestionKind::Scale {
                        dont_know,
                        measure: ScaleMeasure::Agreement,
                        ..
                    } if condition_free(q) => {
                        grid.push(ScaleRow {
                            number: view.number,
                            text: view.text,
                            hints: view.hints,
                            dont_know: *dont_know,
                        });
                        continue;
                    }
                    QuestionKind::Scale {
                        dont_know, measure, ..
                    } => {
                        view.boxes = measure
                            .labels(s)
                            .iter()
                            .enumerate()
                            .map(|(k, label)| BoxView {
                                code: (k + 1).to_string(),
                                label: label.to_string(),
                                go_to: None,
                            })
                            .collect();
                        if *dont_know {
                            view.boxes.push(BoxView {
                                code: DONT_KNOW_CODE.into(),
                                label: s.dont_know.into(),
                                go_to: None,
                            });
                        }
                    }
                    QuestionKind::Single { .. } => view.boxes = options(true),
                    QuestionKind::Multiple { max_choices, .. } => {
                        view.kind = "multiple";
                        view.hints.push(match max_choices {
                            Some(max) => i18n::max_choices(lang, *max),
                            None => s.choose_all.to_string(),
                        });
                        view.boxes = options(false);
                    }
                    QuestionKind::Number { min, max, unit } => {
                        view.kind = "number";
                        let unit = unit.as_ref().map(|u| u.get(lang).to_string());
                        view.hints
                            .push(i18n::number_range(lang, *min, *max, unit.as_deref()));
                        view.digits = min.to_string().len().max(max.to_string().len());
                        view.unit = unit;
                    }
                    QuestionKind::Text { max_length } => {
                        view.kind = "text";
                        view.hints.push(t.write_here.to_string());
                        view.hints.push(i18n::max_length(lang, *max_length));
                        view.lines = text_lines(*max_length);
                    }
                }
                views.push(view);
            }
            SectionView {
                title: section.title.get(lang).to_string(),
                intro: section.intro.as_ref().map(|t| t.get(lang).to_string()),
                vision: section.vision.is_some(),
                grid_dont_know: grid.iter().any(|r| r.dont_know),
                grid,
                questions: views,
            }
        })
        .collect();
    let page = Booklet {
        lang: lang.code(),
        t,
        title: wave.title.get(lang),
        period: i18n::period(lang, wave.opens, wave.closes),
        intro: wave.intro.as_ref().map(|i| i.get(lang)),
        return_by: i18n::t_args(
            words_lang(lang),
            "booklet_return_by",
            &[("date", i18n::date(lang, wave.closes).into())],
        ),
        contact: wave.contact.as_ref().map(|c| c.get(lang)),
        copies,
        scale_labels: s.scale_labels(),
        dont_know: s.dont_know,
        dont_know_code: DONT_KNOW_CODE,
        no_answer: NO_ANSWER,
        sections,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "questionnaire rendering failed");
        String::new()
    })
}

/// A scale item goes in its section's grid unless it is conditional (then it stands alone,
/// with its instruction).
fn condition_free(q: &Question) -> bool {
    q.show_if.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_to_instructions_follow_show_if() {
        let defs =
            crate::definitions::load_dir(std::path::Path::new("survey-definitions")).unwrap();
        let wave = defs.wave("2026-midterm").unwrap();
        let qs: Vec<&Question> = wave.questions().collect();
        let used = qs
            .iter()
            .position(|q| q.id == "used_online_services")
            .unwrap();
        // yes → the next question (its follow-up); no → skip the yes follow-up; don't
        // know → skip both.
        assert_eq!(next_asked(&qs, used, Some((&qs[used].id, "yes"))), None);
        assert_eq!(
            next_asked(&qs, used, Some((&qs[used].id, "no"))),
            Some(used + 3)
        );
        assert_eq!(
            next_asked(&qs, used, Some((&qs[used].id, "dont_know"))),
            Some(used + 4)
        );
        // After the yes follow-up, skip the no follow-up.
        assert_eq!(next_asked(&qs, used + 1, None), Some(used + 4));
        assert_eq!(next_asked(&qs, used + 2, None), None);
        assert_eq!(text_lines(2000), 10);
        assert_eq!(text_lines(50), 3);
    }
}
