use std::fmt;

/// The languages residents can answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language a resident sees: `?lang=` first, then the first supported language
    /// in `Accept-Language` by preference, then Japanese.
    pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = query.and_then(Lang::parse) {
            return lang;
        }
        accept_language
            .and_then(from_accept_language)
            .unwrap_or_default()
    }
}

/// `ja-JP,en;q=0.8` → the supported language with the highest q (earliest on ties).
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_wins_over_header() {
        assert_eq!(Lang::negotiate(Some("en"), Some("ja")), Lang::En);
        assert_eq!(Lang::negotiate(Some("ja"), Some("en")), Lang::Ja);
    }

    #[test]
    fn header_by_preference_then_japanese() {
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR, en-GB;q=0.8, ja;q=0.5")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("en;q=0.4, ja-JP;q=0.9")),
            Lang::Ja
        );
        assert_eq!(Lang::negotiate(None, Some("fr, de")), Lang::Ja);
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::Ja);
        assert_eq!(Lang::negotiate(Some("xx"), None), Lang::Ja);
    }
}
