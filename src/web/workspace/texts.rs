//! The workspace pages' words, from `locales/ja.ftl` and `locales/en.ftl` (keys `ws_…`):
//! every page shows the Japanese, then the English in `<span lang="en">`. Fixed texts are
//! the fields of [`Texts`]; texts with values are formatted per page with
//! [`crate::i18n::pair`].

use crate::i18n::{self, Both};

i18n::pairs! {
    /// The fixed texts of the workspace pages: `t.sign_in.ja`, `t.sign_in.en`.
    pub struct Texts("ws_") {
        workspace, skip_to_content, site_name, back,
        sign_in, sign_in_control_character, name, password, sign_out,
        dashboard, status_open, status_upcoming, status_closed, period, responses,
        publish, publish_again, publish_after_close, send_reminders,
        paper_questionnaire, printable, paper_entry_link, awaiting_second_short,
        awaiting_resolution, response_rate, codes_issued, spare, mailed,
        undeliverable, rate_answered, web, paper,
        open_answers, rate_hint, download_csv, excel_hint, responses_by_day, no_responses,
        day, email, open_short, total, scores_per_vision, vision, score, ci95, top2,
        respondents, suppressed, completion, question, answered, share,
        audit_log, time, analyst, action, wave, detail,
        paper_entry, key_sheets, questionnaire, awaiting_second, paper_responses,
        sheet_code, sheet_language, key_this_sheet, paper_entry_hint,
        printable_questionnaire,
        resolve, resolve_hint, check_fields, first, second, none, store_resolved,
        save_entry, cancel, no_answer, several, as_written, coding_comments, received_on,
        invalid_mark, paper_no_code, paper_no_code_excluded, no_code_hint, returned,
    }
}

/// The fixed texts of the workspace pages.
pub fn texts() -> &'static Texts {
    Texts::get()
}

/// A text with one inline `<code>` element (`{ $command }` in the message): the words
/// before and after it, so that the page marks the command up and escapes the rest.
pub fn around_command(key: &str) -> Both<(String, String)> {
    // A character no message contains stands for the command while formatting.
    const MARK: &str = "\u{1}";
    let p = i18n::pair(key, &[("command", MARK.into())]);
    let split = |s: String| match s.split_once(MARK) {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (s, String::new()),
    };
    Both {
        ja: split(p.ja),
        en: split(p.en),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_texts_and_texts_with_values_read_in_both_languages() {
        let t = texts();
        assert_eq!(
            t.sign_in,
            Both {
                ja: "サインイン",
                en: "Sign in"
            }
        );
        assert_eq!(t.suppressed.ja, "非公表");
        let p = i18n::pair("ws_suppression_hint", &[("min", 10.into())]);
        assert_eq!(p.ja, "回答者が 10 人未満のビジョンは非公表です。");
        assert_eq!(
            p.en,
            "Visions with fewer than 10 respondents are suppressed."
        );
        let a = around_command("ws_sign_in_accounts");
        assert_eq!(
            a.ja,
            (
                "アカウントとパスワードは運用担当者が ".to_string(),
                " で作成します。".to_string()
            )
        );
        assert_eq!(
            a.en,
            (
                "Operators create accounts with ".to_string(),
                ".".to_string()
            )
        );
    }
}
