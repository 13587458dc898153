//! The patterns of personal data in a free-text answer (masking v1), which masking v2
//! (the `mask` module beside this one) starts from. Pure; over-masking is preferred to a leak.
//!
//! Masked, each replaced by a marker that says what was there:
//!
//! - e-mail addresses (`name@example.jp`, also with a full-width ＠) → `[EMAIL]`;
//! - phone numbers: 10 or 11 digits starting with 0, written with hyphens, spaces or
//!   parentheses or none (`06-6384-1231`, `090-1234-5678`, `09012345678`,
//!   `(06)6384-1231`, `0120-123-456`), or `+81` and 9–10 digits → `[PHONE]`;
//! - postal codes: `〒` followed by digits (`〒564-8550`), or 3 digits, a hyphen and 4
//!   digits (`564-8550`) → `[POSTAL_CODE]`;
//! - 12-digit numbers (My Number, マイナンバー; also written 4-4-4) → `[ID_NUMBER]`.
//!
//! Full-width digits and hyphens (０９０－１２３４－５６７８) count as their ASCII forms.
//! Other numbers (dates such as 2026-11-30, amounts, counts) are left as they are.

use std::sync::LazyLock;

use regex::Regex;

const DIGIT: &str = "[0-9０-９]";
const HYPHEN: &str = "[-‐‑–—―−－ーｰ]";

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
        .expect("a valid pattern")
});

/// A run of digits joined by hyphens, spaces or parentheses, with an optional 〒 or +81.
static NUMBER_RUN: LazyLock<Regex> = LazyLock::new(|| {
    let sep = format!("(?:[ \u{3000}]?(?:{HYPHEN}|[(（)）])[ \u{3000}]?|[ \u{3000}])");
    Regex::new(&format!(
        "(?:〒[ \u{3000}]?)?(?:[+＋](?:81|８１){sep}?)?[(（]?{DIGIT}+(?:{sep}{DIGIT}+)*[)）]?"
    ))
    .expect("a valid pattern")
});

/// `text` with e-mail addresses, phone numbers, postal codes and 12-digit numbers masked.
pub fn mask_personal_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, marker) in personal_data_spans(text) {
        out.push_str(&text[at..start]);
        out.push_str(marker);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Where [`mask_personal_data`] masks: byte ranges in order, not overlapping, each with
/// its marker (`[EMAIL]`, `[PHONE]`, `[POSTAL_CODE]`, `[ID_NUMBER]`). Masking v2
/// (the `mask` module) builds on these.
pub fn personal_data_spans(text: &str) -> Vec<(usize, usize, &'static str)> {
    let mut spans: Vec<(usize, usize, &'static str)> = EMAIL
        .find_iter(text)
        .map(|m| (m.start(), m.end(), "[EMAIL]"))
        .collect();
    let emails = spans.clone();
    for m in NUMBER_RUN.find_iter(text) {
        // A run inside an e-mail address is part of it.
        if emails.iter().any(|&(s, e, _)| m.start() < e && s < m.end()) {
            continue;
        }
        if let Some(marker) = classify(m.as_str()) {
            spans.push((m.start(), m.end(), marker));
        }
    }
    spans.sort_unstable();
    spans
}

/// The marker for a run of digits, or `None` to keep it.
fn classify(run: &str) -> Option<&'static str> {
    let digits: String = run
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect();
    let n = digits.len();
    let international = run.starts_with('+') || run.starts_with('＋');
    if run.starts_with('〒') {
        return Some("[POSTAL_CODE]");
    }
    if international {
        // +81 then the number without its leading 0.
        return (11..=12).contains(&n).then_some("[PHONE]");
    }
    if n == 12 {
        return Some("[ID_NUMBER]");
    }
    if digits.starts_with('0') && (10..=11).contains(&n) {
        return Some("[PHONE]");
    }
    if n == 7 {
        // 123-4567: three digits, one separator, four digits.
        let groups: Vec<usize> = run
            .split(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))
            .filter(|g| !g.is_empty())
            .map(|g| g.chars().count())
            .collect();
        if groups == [3, 4] {
            return Some("[POSTAL_CODE]");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_email_addresses() {
        assert_eq!(
            mask_personal_data("連絡は taro.yamada+survey@example.co.jp まで"),
            "連絡は [EMAIL] まで"
        );
        assert_eq!(mask_personal_data("a_b@city.suita.osaka.jp"), "[EMAIL]");
        assert_eq!(mask_personal_data("hanako＠example.jp"), "[EMAIL]");
        assert_eq!(mask_personal_data("@ mention and a@b"), "@ mention and a@b");
    }

    #[test]
    fn masks_japanese_phone_numbers() {
        for phone in [
            "06-6384-1231",
            "090-1234-5678",
            "09012345678",
            "0663841231",
            "(06)6384-1231",
            "06(6384)1231",
            "0120-123-456",
            "080 1234 5678",
            "０９０－１２３４－５６７８",
            "+81-90-1234-5678",
            "+81 6 6384 1231",
            "＋８１－９０－１２３４－５６７８",
        ] {
            assert_eq!(
                mask_personal_data(&format!("電話: {phone} です")),
                "電話: [PHONE] です",
                "{phone}"
            );
        }
    }

    #[test]
    fn masks_postal_codes_and_my_number() {
        assert_eq!(
            mask_personal_data("〒564-8550 吹田市"),
            "[POSTAL_CODE] 吹田市"
        );
        assert_eq!(mask_personal_data("〒5648550"), "[POSTAL_CODE]");
        assert_eq!(mask_personal_data("564-8550"), "[POSTAL_CODE]");
        assert_eq!(
            mask_personal_data("番号は123456789012です"),
            "番号は[ID_NUMBER]です"
        );
        assert_eq!(mask_personal_data("1234 5678 9012"), "[ID_NUMBER]");
        assert_eq!(mask_personal_data("1234-5678-9012"), "[ID_NUMBER]");
    }

    #[test]
    fn leaves_other_numbers_alone() {
        for text in [
            "2026-11-30に行きました",
            "窓口で30分待った",
            "2024-2028年度",
            "3回",
            "1,234円",
            "12345",
            "v1 と v2",
            "",
        ] {
            assert_eq!(mask_personal_data(text), text);
        }
    }
}
