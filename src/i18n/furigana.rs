//! Readings (furigana) in definition texts: `{吹田市|すいたし}` marks a base text and its
//! reading. Pages show them as `<ruby>` where the language wants them; everything else
//! (exports, e-mails, page titles, letters) reads the plain text.

use std::borrow::Cow;

/// A piece of a marked text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Plain(&'a str),
    Ruby { base: &'a str, reading: &'a str },
}

/// What is wrong with the marks of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkProblem {
    /// `{` without a matching `|…}`, or an empty base or reading.
    Malformed(String),
}

/// Splits a marked text into plain runs and readings. A `{` that does not open a
/// well-formed `{base|reading}` is kept as plain text (and reported by [`check`]).
pub fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match mark(after) {
            Some((base, reading, len)) => {
                if open > 0 {
                    out.push(Piece::Plain(&rest[..open]));
                }
                out.push(Piece::Ruby { base, reading });
                rest = &after[len..];
            }
            None => {
                out.push(Piece::Plain(&rest[..=open]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Plain(rest));
    }
    out
}

/// `base|reading}…` → (base, reading, bytes up to and including `}`).
fn mark(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find('}')?;
    let inner = &s[..close];
    let (base, reading) = inner.split_once('|')?;
    let bad = |x: &str| x.trim().is_empty() || x.contains(['{', '|']);
    (!bad(base) && !bad(reading)).then_some((base, reading, close + 1))
}

/// Whether the text carries any reading.
pub fn has_readings(s: &str) -> bool {
    pieces(s).iter().any(|p| matches!(p, Piece::Ruby { .. }))
}

/// The text without its readings: `{吹田市|すいたし}` → `吹田市`.
pub fn plain(s: &str) -> Cow<'_, str> {
    if !s.contains('{') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        pieces(s)
            .into_iter()
            .map(|p| match p {
                Piece::Plain(t) => t,
                Piece::Ruby { base, .. } => base,
            })
            .collect(),
    )
}

/// The text as escaped HTML, with `<ruby>` for each reading when `ruby` is true.
/// `<rp>` gives browsers without ruby support 吹田市（すいたし）.
pub fn html(s: &str, ruby: bool) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for p in pieces(s) {
        match p {
            Piece::Plain(t) => out.push_str(&escape(t)),
            Piece::Ruby { base, .. } if !ruby => out.push_str(&escape(base)),
            Piece::Ruby { base, reading } => {
                out.push_str("<ruby>");
                out.push_str(&escape(base));
                out.push_str("<rp>（</rp><rt>");
                out.push_str(&escape(reading));
                out.push_str("</rt><rp>）</rp></ruby>");
            }
        }
    }
    out
}

/// Problems with the marks: a `{` that opens no well-formed `{base|reading}`.
pub fn check(s: &str) -> Option<MarkProblem> {
    pieces(s).into_iter().find_map(|p| match p {
        Piece::Plain(t) if t.contains(['{', '}']) => Some(MarkProblem::Malformed(format!(
            "a reading must be written {{base|reading}}, e.g. {{吹田市|すいたし}}; found `{}`",
            s.chars().take(40).collect::<String>()
        ))),
        _ => None,
    })
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_become_ruby_or_disappear() {
        let s = "{吹田市|すいたし}の<アンケート>";
        assert_eq!(plain(s), "吹田市の<アンケート>");
        assert_eq!(
            html(s, true),
            "<ruby>吹田市<rp>（</rp><rt>すいたし</rt><rp>）</rp></ruby>の&lt;アンケート&gt;"
        );
        assert_eq!(html(s, false), "吹田市の&lt;アンケート&gt;");
        assert!(has_readings(s));
        assert!(!has_readings("吹田市"));
        assert_eq!(plain("no marks"), "no marks");
    }

    #[test]
    fn malformed_marks_stay_text_and_are_reported() {
        for s in ["{吹田市}", "{|すいたし}", "{吹田市|", "a } b"] {
            assert_eq!(plain(s), s);
            assert!(check(s).is_some(), "{s}");
        }
        assert_eq!(check("{市|し}と{区|く}"), None);
        assert_eq!(
            html("{a|<b>}", true),
            "<ruby>a<rp>（</rp><rt>&lt;b&gt;</rt><rp>）</rp></ruby>"
        );
    }
}
