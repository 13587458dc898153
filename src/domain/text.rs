//! What text the service accepts to store: no character either database refuses (NUL on
//! PostgreSQL) and no control character other than tab and line breaks, so that both
//! backends store the same thing and nothing invisible ends up in an export. Used by every
//! path that stores typed text: the resident form, the sign-in form, the CSV imports.

/// The first character of `s` that may not be stored, if any. U+FFFD counts as one: it is
/// what a decoder puts in place of bytes that were not UTF-8, so a value holding it was
/// garbled on the way (nobody types it).
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffd}')
}

/// `U+0000` for messages: the character itself may be invisible or break a terminal.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The message used by the analyst-side imports and forms (English, as the CLI speaks).
pub fn forbidden_message(c: char) -> String {
    if c == '\u{fffd}' {
        "contains bytes that are not valid UTF-8 (save the file as UTF-8)".to_string()
    } else {
        format!(
            "contains the control character {} (only tab and line breaks are allowed)",
            code_point(c)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_and_line_breaks_pass_other_controls_and_garbled_bytes_do_not() {
        assert_eq!(forbidden_char("窓口\tの\r\n待ち時間\n"), None);
        assert_eq!(forbidden_char("a\0b"), Some('\0'));
        assert_eq!(forbidden_char("a\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(forbidden_char("\u{7f}"), Some('\u{7f}'));
        assert_eq!(forbidden_char("\u{85}"), Some('\u{85}'));
        assert_eq!(
            forbidden_char(&String::from_utf8_lossy(b"caf\xe9")),
            Some('\u{fffd}')
        );
        assert_eq!(code_point('\0'), "U+0000");
    }
}
