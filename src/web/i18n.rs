//! Every word a resident reads that does not come from the definitions, in both languages.
//! A struct rather than a lookup table, so a missing translation does not compile.

use chrono::{Datelike, NaiveDate};

use crate::domain::{FieldProblem, Lang};

pub struct Strings {
    pub site_name: &'static str,
    pub skip_to_content: &'static str,
    /// Name of the other language, shown on the language switch.
    pub other_lang_name: &'static str,
    pub index_title: &'static str,
    pub index_lead: &'static str,
    pub no_waves: &'static str,
    pub status_open: &'static str,
    pub status_upcoming: &'static str,
    pub status_closed: &'static str,
    pub answer_link: &'static str,
    pub anonymity_note: &'static str,
    pub required: &'static str,
    pub submit: &'static str,
    pub error_prefix: &'static str,
    pub error_summary_title: &'static str,
    pub choose_all: &'static str,
    pub scale_labels: [&'static str; 5],
    pub dont_know: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub back_to_top: &'static str,
    pub back_to_form: &'static str,
    pub closed_title: &'static str,
    pub upcoming_title: &'static str,
    pub not_stored: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub too_large_title: &'static str,
    pub too_large_body: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_body: &'static str,
    pub internal_title: &'static str,
    pub internal_body: &'static str,
    /// A request the service cannot read (bad address, method or form encoding).
    pub bad_request_title: &'static str,
    pub bad_request_body: &'static str,
    /// A body that took too long to arrive (408).
    pub timeout_title: &'static str,
    pub timeout_body: &'static str,
    pub invitation_only_title: &'static str,
    pub invitation_only_body: &'static str,
    pub invalid_link_title: &'static str,
    pub invalid_link_body: &'static str,
    pub already_answered_title: &'static str,
    pub already_answered_body: &'static str,
    pub opt_out_title: &'static str,
    pub opt_out_body: &'static str,
    pub opt_out_button: &'static str,
    pub opted_out_title: &'static str,
    pub opted_out_body: &'static str,
    pub code_entry_title: &'static str,
    pub code_entry_lead: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub code_submit: &'static str,
    pub code_empty: &'static str,
    pub code_length: &'static str,
    pub code_check: &'static str,
    pub code_unknown_title: &'static str,
    pub code_unknown_body: &'static str,
    pub code_used_body: &'static str,
    pub code_required_title: &'static str,
    pub code_required_body: &'static str,
    pub code_entry_link: &'static str,
    pub open_answer_note: &'static str,
    pub too_many_attempts_title: &'static str,
    pub too_many_attempts_body: &'static str,
}

static JA: Strings = Strings {
    site_name: "吹田市デジタル政策 市民アンケート",
    skip_to_content: "本文へ移動",
    other_lang_name: "English",
    index_title: "回答受付中のアンケート",
    index_lead: "吹田市デジタル政策の取組について、市民の皆さまのご意見をお聞きしています。回答は匿名です。",
    no_waves: "現在、予定されているアンケートはありません。",
    status_open: "受付中",
    status_upcoming: "受付開始前",
    status_closed: "受付終了",
    answer_link: "回答する",
    anonymity_note: "このアンケートは匿名です。お名前・住所・メールアドレスはお聞きしません。",
    required: "必須",
    submit: "回答を送信する",
    error_prefix: "エラー：",
    error_summary_title: "入力内容を確認してください",
    choose_all: "あてはまるものをすべて選んでください。",
    scale_labels: [
        "全くそう思わない",
        "あまりそう思わない",
        "どちらともいえない",
        "ややそう思う",
        "とてもそう思う",
    ],
    dont_know: "わからない",
    thanks_title: "ご回答ありがとうございました",
    thanks_body: "回答は匿名で保存されました。いただいたご意見は、吹田市デジタル政策の評価と見直しに活用します。",
    back_to_top: "トップページへ戻る",
    back_to_form: "アンケートへ戻る",
    closed_title: "このアンケートの受付は終了しました",
    upcoming_title: "このアンケートはまだ受付前です",
    not_stored: "この回答は保存されていません。",
    not_found_title: "ページが見つかりません",
    not_found_body: "アドレスをご確認ください。回答受付中のアンケートはトップページからご覧いただけます。",
    too_large_title: "送信内容が大きすぎます",
    too_large_body: "回答は保存されていません。ブラウザの「戻る」で回答画面に戻り、自由記述を短くしてから、もう一度送信してください。",
    unavailable_title: "ただいま回答を保存できません",
    unavailable_body: "回答はまだ保存されていません。入力内容はこの画面に残っていますので、少し時間をおいてから、もう一度送信してください。",
    internal_title: "エラーが発生しました",
    internal_body: "申し訳ありません。回答は保存されていません。時間をおいてからもう一度お試しください。",
    bad_request_title: "このアドレスまたは送信内容は読み取れません",
    bad_request_body: "何も保存されていません。アドレスに誤りがないか確認するか、トップページから開き直してください。",
    timeout_title: "送信に時間がかかりすぎました",
    timeout_body: "回答は保存されていません。ブラウザの「戻る」で回答画面に戻り、通信状態のよいところで、もう一度送信してください。",
    invitation_only_title: "このアンケートは招待制です",
    invitation_only_body: "メールでお送りした、あなた専用のリンクから回答してください。",
    invalid_link_title: "このリンクは使えません",
    invalid_link_body: "リンクが正しくないか、アンケート終了後に削除されています。メールに記載のリンクをそのままお使いください。",
    already_answered_title: "すでに回答済みです",
    already_answered_body: "このリンクからの回答はすでに受け付けています。回答はお一人1回です。ご協力ありがとうございました。",
    opt_out_title: "再送のお知らせを停止しますか",
    opt_out_body: "このアンケートの再送のお知らせ（リマインド）を今後お送りしません。回答はこれまでどおりできます。",
    opt_out_button: "お知らせを停止する",
    opted_out_title: "再送のお知らせを停止しました",
    opted_out_body: "このアンケートについて、今後お知らせはお送りしません。",
    code_entry_title: "アクセスコードの入力",
    code_entry_lead: "郵送でお届けした案内状に印刷されている16文字のアクセスコードを入力してください。ハイフン（-）やスペースは入れても入れなくてもかまいません。小文字や全角文字でも読み取れます。",
    code_label: "アクセスコード",
    code_hint: "例：ABCD-EFGH-JKMN-PQRS（数字の0・1、英字のO・I・Lは使っていません）",
    code_submit: "回答をはじめる",
    code_empty: "アクセスコードを入力してください。",
    code_length: "アクセスコードは16文字です。案内状のとおりに入力してください。",
    code_check: "コードを確認してください。どこかの文字が違っているようです（0・1・O・I・Lは使っていません）。",
    code_unknown_title: "このコードは使えません",
    code_unknown_body: "入力されたコードは、回答受付中のアンケートのものではありません。案内状のコードをもう一度ご確認ください。",
    code_used_body: "このアクセスコードでの回答はすでに受け付けています。回答はお一人1回です。ご協力ありがとうございました。",
    code_required_title: "このアンケートはアクセスコードで回答します",
    code_required_body: "ご自宅に郵送した案内状のQRコードを読み取るか、案内状に印刷されたアクセスコードを入力してください。",
    code_entry_link: "アクセスコードを入力する",
    open_answer_note: "案内状がお手元にある方は、案内状のQRコードまたはアクセスコードから回答してください。無作為に選ばれた方の回答として集計するためです。",
    too_many_attempts_title: "しばらくしてからお試しください",
    too_many_attempts_body: "短い時間に多くのコードが入力されました。数分待ってから、もう一度入力してください。",
};

static EN: Strings = Strings {
    site_name: "Suita City Digital Policy — Citizen Survey",
    skip_to_content: "Skip to content",
    other_lang_name: "日本語",
    index_title: "Surveys open for answers",
    index_lead: "Suita City asks residents how its digital policy is working. Your answers are anonymous.",
    no_waves: "No surveys are scheduled at the moment.",
    status_open: "Open",
    status_upcoming: "Not open yet",
    status_closed: "Closed",
    answer_link: "Answer the survey",
    anonymity_note: "This survey is anonymous. We do not ask for your name, address or e-mail address.",
    required: "required",
    submit: "Submit your answers",
    error_prefix: "Error: ",
    error_summary_title: "There is a problem with your answers",
    choose_all: "Choose all that apply.",
    scale_labels: [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ],
    dont_know: "Don't know",
    thanks_title: "Thank you for your answers",
    thanks_body: "Your answers have been stored anonymously. They will be used to evaluate and improve Suita City's digital policy.",
    back_to_top: "Back to the start page",
    back_to_form: "Back to the survey",
    closed_title: "This survey is closed",
    upcoming_title: "This survey is not open yet",
    not_stored: "Your answers were not stored.",
    not_found_title: "Page not found",
    not_found_body: "Check the address. Surveys open for answers are listed on the start page.",
    too_large_title: "Your answers are too large to send",
    too_large_body: "Your answers were not stored. Use your browser's Back button to return to the form, shorten your written answers and submit again.",
    unavailable_title: "Your answers cannot be stored right now",
    unavailable_body: "Your answers have not been stored yet. They are still on this page: please wait a moment and submit again.",
    internal_title: "Something went wrong",
    internal_body: "Sorry, your answers were not stored. Please try again later.",
    bad_request_title: "This address or request cannot be read",
    bad_request_body: "Nothing was stored. Check the address, or open the page again from the start page.",
    timeout_title: "Sending took too long",
    timeout_body: "Your answers were not stored. Use your browser's Back button to return to the form and submit again where the connection is better.",
    invitation_only_title: "This survey is by invitation only",
    invitation_only_body: "Please answer through the personal link in the e-mail you received.",
    invalid_link_title: "This link cannot be used",
    invalid_link_body: "The link is not valid, or it was deleted after the survey closed. Use the link in your e-mail exactly as it is.",
    already_answered_title: "You have already answered",
    already_answered_body: "An answer has already been received through this link; each invitee answers once. Thank you for taking part.",
    opt_out_title: "Stop reminders?",
    opt_out_body: "We will not send you any more reminders about this survey. You can still answer.",
    opt_out_button: "Stop reminders",
    opted_out_title: "Reminders stopped",
    opted_out_body: "We will not send you any more messages about this survey.",
    code_entry_title: "Enter your access code",
    code_entry_lead: "Type the 16-character access code printed on the letter we posted to you. Hyphens and spaces are optional; lower case and full-width characters are read too.",
    code_label: "Access code",
    code_hint: "For example ABCD-EFGH-JKMN-PQRS (the code never uses 0, 1, O, I or L).",
    code_submit: "Start answering",
    code_empty: "Please type your access code.",
    code_length: "The access code has 16 characters: please type it as printed on the letter.",
    code_check: "Please check the code: a character seems to be wrong (the code never uses 0, 1, O, I or L).",
    code_unknown_title: "This code cannot be used",
    code_unknown_body: "The code is not one of an open survey's codes. Please check the code on your letter again.",
    code_used_body: "An answer has already been received with this access code; each person answers once. Thank you for taking part.",
    code_required_title: "This survey is answered with an access code",
    code_required_body: "Scan the QR code on the letter we posted to you, or type the access code printed on it.",
    code_entry_link: "Enter the access code",
    open_answer_note: "If you received a letter from us, please answer with its QR code or access code, so that your answer counts among the randomly chosen residents.",
    too_many_attempts_title: "Please try again later",
    too_many_attempts_body: "Too many codes were tried in a short time. Please wait a few minutes and try again.",
};

pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// `2026年11月1日` / `1 November 2026`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ja => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

pub fn period(lang: Lang, opens: NaiveDate, closes: NaiveDate) -> String {
    match lang {
        Lang::Ja => format!("回答期間：{} 〜 {}", date(lang, opens), date(lang, closes)),
        Lang::En => format!(
            "Survey period: {} – {}",
            date(lang, opens),
            date(lang, closes)
        ),
    }
}

pub fn opens_on(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ja => format!("{}から回答できます。", date(lang, d)),
        Lang::En => format!("It opens on {}.", date(lang, d)),
    }
}

pub fn closed_on(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ja => format!("{}で受付を終了しました。", date(lang, d)),
        Lang::En => format!("It closed on {}.", date(lang, d)),
    }
}

/// `問3` / `Question 3`.
pub fn question_number(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ja => format!("問{n}"),
        Lang::En => format!("Question {n}"),
    }
}

/// The hint under a question shown only after a given answer.
pub fn only_if(lang: Lang, question: usize, answer: &str) -> String {
    match lang {
        Lang::Ja => format!("問{question}で「{answer}」と答えた方のみお答えください。"),
        Lang::En => format!("Answer only if you answered “{answer}” to question {question}."),
    }
}

pub fn max_choices(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Ja => format!("{max}つまで選んでください。"),
        Lang::En => format!("Choose up to {max}."),
    }
}

pub fn max_length(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Ja => format!("{max}文字以内でご記入ください。"),
        Lang::En => format!("Up to {max} characters."),
    }
}

pub fn number_range(lang: Lang, min: i64, max: i64, unit: Option<&str>) -> String {
    let unit = unit.unwrap_or("");
    match lang {
        Lang::Ja => format!("{min}〜{max}{unit}の数字でご記入ください。"),
        Lang::En => format!("A whole number from {min} to {max} {unit}.").replace(" .", "."),
    }
}

/// What is wrong with an answer and how to fix it, in the resident's language.
pub fn problem(lang: Lang, problem: &FieldProblem) -> String {
    match (lang, problem) {
        (Lang::Ja, FieldProblem::Required) => "この質問にお答えください。".into(),
        (Lang::En, FieldProblem::Required) => "Answer this question.".into(),
        (Lang::Ja, FieldProblem::NotAnOption) => "選択肢の中から選んでください。".into(),
        (Lang::En, FieldProblem::NotAnOption) => "Choose one of the options shown.".into(),
        (Lang::Ja, FieldProblem::TooManyChoices { max }) => {
            format!("選べるのは{max}つまでです。選択を減らしてください。")
        }
        (Lang::En, FieldProblem::TooManyChoices { max }) => {
            format!("Choose no more than {max} options.")
        }
        (Lang::Ja, FieldProblem::TooLong { max, length }) => {
            format!("{max}文字以内でご記入ください（現在{length}文字）。")
        }
        (Lang::En, FieldProblem::TooLong { max, length }) => {
            format!("Use {max} characters or fewer (you used {length}).")
        }
        (Lang::Ja, FieldProblem::NotANumber) => "数字のみでご記入ください（例：3）。".into(),
        (Lang::En, FieldProblem::NotANumber) => "Enter a whole number, such as 3.".into(),
        (Lang::Ja, FieldProblem::OutOfRange { min, max }) => {
            format!("{min}から{max}までの数字でご記入ください。")
        }
        (Lang::En, FieldProblem::OutOfRange { min, max }) => {
            format!("Enter a number from {min} to {max}.")
        }
        (Lang::Ja, FieldProblem::UnknownField(_)) => {
            "このページは古い版のフォームから送信されました。下の回答を確認して、もう一度送信してください。".into()
        }
        (Lang::En, FieldProblem::UnknownField(_)) => {
            "This page was sent from an older version of the form. Check your answers below and submit again.".into()
        }
        (Lang::Ja, FieldProblem::MissingKey) => {
            "フォームの有効期限が切れていました。回答はそのまま残っていますので、確認してもう一度送信してください。".into()
        }
        (Lang::Ja, FieldProblem::ForbiddenCharacter { not_utf8: false }) => {
            "使えない制御文字（NUL など）が含まれています。その文字を削除してから、もう一度送信してください。改行とタブは使えます。".into()
        }
        (Lang::En, FieldProblem::ForbiddenCharacter { not_utf8: false }) => {
            "This answer contains a control character (such as NUL) that cannot be stored. Remove it and submit again; line breaks and tabs are fine.".into()
        }
        (Lang::Ja, FieldProblem::ForbiddenCharacter { not_utf8: true }) => {
            "文字化けした文字（�）が含まれています。その部分を入力し直してから、もう一度送信してください。".into()
        }
        (Lang::En, FieldProblem::ForbiddenCharacter { not_utf8: true }) => {
            "This answer contains garbled characters (�), for example text that was not sent as UTF-8. Type that part again and submit again.".into()
        }
        (Lang::En, FieldProblem::MissingKey) => {
            "The form had expired. Your answers are kept below: check them and submit again.".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(date(Lang::Ja, d), "2026年11月1日");
        assert_eq!(date(Lang::En, d), "1 November 2026");
        assert_eq!(
            number_range(Lang::En, 0, 99, None),
            "A whole number from 0 to 99."
        );
        assert_eq!(
            number_range(Lang::Ja, 0, 99, Some("回")),
            "0〜99回の数字でご記入ください。"
        );
    }
}
