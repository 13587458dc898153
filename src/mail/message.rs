//! The invitation and reminder texts, plain and HTML, in the invitee's language
//! (`mail_*` messages of `locales/*.ftl`).

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use crate::db::invitations::MessageKind;
use crate::definitions::Wave;
use crate::domain::Lang;
use crate::i18n;

/// Subject and both bodies of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageParts {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The message for one invitee: `link` is their personal link, `opt_out` the link that
/// stops reminders.
pub fn render(
    kind: MessageKind,
    lang: Lang,
    wave: &Wave,
    link: &str,
    opt_out: &str,
) -> MessageParts {
    let title = wave.title.get(lang);
    let period = i18n::period(lang, wave.opens, wave.closes);
    let title_arg = || [("title", title.to_string().into())];
    let (subject, lead) = match kind {
        MessageKind::Invitation => (
            i18n::t(lang, "mail_invitation_subject"),
            i18n::t_args(lang, "mail_invitation_lead", &title_arg()),
        ),
        MessageKind::Reminder => (
            i18n::t(lang, "mail_reminder_subject"),
            i18n::t_args(lang, "mail_reminder_lead", &title_arg()),
        ),
    };
    let link_label = &i18n::t(lang, "mail_link_label");
    let anonymity: Vec<String> = ["mail_anonymity_1", "mail_anonymity_2", "mail_anonymity_3"]
        .iter()
        .map(|k| i18n::t(lang, k))
        .collect();
    let opt_out_label = &i18n::t(lang, "mail_opt_out_label");
    let signature = &i18n::t(lang, "mail_signature");
    let text = format!(
        "{lead}\n\n{link_label}\n{link}\n\n{period}\n\n{}\n\n{opt_out_label}\n{opt_out}\n\n{signature}\n",
        anonymity
            .iter()
            .map(|l| i18n::t_args(lang, "mail_bullet", &[("item", l.clone().into())]))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let e = escape;
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\
         <p>{}</p><p>{}<br><a href=\"{}\">{}</a></p><p>{}</p><ul>{}</ul><p>{}<br><a href=\"{}\">{}</a></p><p>{}</p></body></html>",
        lang.tag(),
        e(&subject),
        e(&lead),
        e(link_label),
        e(link),
        e(link),
        e(&period),
        anonymity
            .iter()
            .map(|l| format!("<li>{}</li>", e(l)))
            .collect::<String>(),
        e(opt_out_label),
        e(opt_out),
        e(opt_out),
        e(signature)
    );
    MessageParts {
        subject,
        text,
        html,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A complete message with Message-ID and Date set.
pub fn compose(
    parts: MessageParts,
    from: &Mailbox,
    to: &str,
    message_id: &str,
) -> Result<Message, String> {
    let to: Mailbox = to
        .parse()
        .map_err(|e| format!("the address cannot be used: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(parts.subject)
        .message_id(Some(message_id.to_string()))
        .date_now()
        .multipart(MultiPart::alternative_plain_html(parts.text, parts.html))
        .map_err(|e| format!("the message cannot be built: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::{Access, Text};
    use chrono::NaiveDate;

    fn wave() -> Wave {
        Wave {
            id: "2026-midterm".into(),
            title: Text::new("中間評価アンケート", "Mid-term <survey>"),
            intro: None,
            opens: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            closes: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            access: Access::Invitation,
            open_answers: false,
            sample: None,
            contact: None,
            reviewed: Default::default(),
            sections: vec![],
        }
    }

    #[test]
    fn messages_carry_link_period_anonymity_and_opt_out_in_the_language() {
        let ja = render(
            MessageKind::Invitation,
            Lang::Ja,
            &wave(),
            "https://x/s/abc",
            "https://x/s/abc/opt-out",
        );
        assert!(ja.subject.contains("市民アンケート"));
        assert!(ja.text.contains("「中間評価アンケート」"));
        assert!(ja.text.contains("https://x/s/abc\n"));
        assert!(ja.text.contains("回答期間：2026年11月1日 〜 2027年1月31日"));
        assert!(ja.text.contains("匿名"));
        assert!(ja.text.contains("https://x/s/abc/opt-out"));
        let en = render(
            MessageKind::Reminder,
            Lang::En,
            &wave(),
            "https://x/s/abc",
            "https://x/s/abc/opt-out",
        );
        assert!(en.subject.starts_with("Reminder"));
        assert!(
            en.text
                .contains("Survey period: 1 November 2026 – 31 January 2027")
        );
        assert!(
            en.html.contains("Mid-term &lt;survey&gt;"),
            "HTML is escaped"
        );
        assert!(en.html.contains("<a href=\"https://x/s/abc/opt-out\">"));
    }

    #[test]
    fn composed_messages_have_message_id_date_and_both_parts() {
        let parts = render(
            MessageKind::Invitation,
            Lang::En,
            &wave(),
            "https://x/s/t",
            "https://x/o",
        );
        let from: Mailbox = "Suita <survey@city.example>".parse().unwrap();
        let message = compose(parts, &from, "taro@example.jp", "<m1@city.example>").unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <m1@city.example>"));
        assert!(raw.contains("Date: "));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(
            compose(
                render(MessageKind::Invitation, Lang::En, &wave(), "a", "b"),
                &from,
                "nope",
                "<x@y>"
            )
            .is_err()
        );
    }
}
