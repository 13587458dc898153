//! A response's answers as one stored text (`responses.answers`): a JSON object from
//! question id to the answer's stored value — a string, or an array of strings when the
//! answer has several (the options of a multiple-choice question). Stored values are
//! those of [`AnswerValue::stored_values`]: `1`–`5` or `dk` for scales, option codes,
//! numbers, free text. A question that was not answered is absent.
//!
//! One row per response instead of one per answer: a submission writes one B-tree entry
//! instead of about thirty, and an export reads one row per response
//! (docs/benchmarks.md). The text is plain JSON so that an operator can still query it with
//! SQLite's `json_extract` or PostgreSQL's `::jsonb`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};

use super::AnswerValue;

/// The stored text of `values` (question id, answer), in the order given.
pub fn encode(values: &[(String, AnswerValue)]) -> String {
    let pairs: Vec<(&str, String)> = values
        .iter()
        .flat_map(|(q, v)| v.stored_values().into_iter().map(move |v| (q.as_str(), v)))
        .collect();
    encode_pairs(&pairs)
}

/// The stored text of `(question id, stored value)` pairs, where the values of one
/// question are next to each other (the inverse of [`decode`]).
pub fn encode_pairs<Q: AsRef<str>, V: AsRef<str>>(pairs: &[(Q, V)]) -> String {
    let mut out = Vec::with_capacity(64 + pairs.len() * 16);
    let mut ser = serde_json::Serializer::new(&mut out);
    let written: Result<(), serde_json::Error> = (|| {
        let mut map = ser.serialize_map(None)?;
        for group in pairs.chunk_by(|a, b| a.0.as_ref() == b.0.as_ref()) {
            let question = group[0].0.as_ref();
            if let [(_, one)] = group {
                map.serialize_entry(question, one.as_ref())?;
            } else {
                let several: Vec<&str> = group.iter().map(|(_, v)| v.as_ref()).collect();
                map.serialize_entry(question, &several)?;
            }
        }
        map.end()
    })();
    written.expect("strings always serialize");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// A `(question id, stored value)` pair, borrowed from the stored text where it can be.
pub type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// `(question id, stored value)` pairs of a stored text, several for a multiple-choice
/// answer, in stored order; borrowed from `text` wherever no escape had to be undone.
pub fn decode(text: &str) -> Result<Vec<Pair<'_>>, serde_json::Error> {
    let mut pairs = Vec::with_capacity(40);
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_map(&mut de, Pairs(&mut pairs))?;
    de.end()?;
    Ok(pairs)
}

/// A string, borrowed when the JSON text holds it unescaped.
struct Str<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

struct Pairs<'a, 'v>(&'v mut Vec<Pair<'a>>);

impl<'de> Visitor<'de> for Pairs<'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object from question id to stored value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Str(question)) = map.next_key::<Str<'de>>()? {
            map.next_value_seed(Values {
                question,
                out: &mut *self.0,
            })?;
        }
        Ok(())
    }
}

/// One question's value or values, pushed as pairs.
struct Values<'a, 'v> {
    question: Cow<'a, str>,
    out: &'v mut Vec<Pair<'a>>,
}

impl<'de> DeserializeSeed<'de> for Values<'de, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Values<'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<(), E> {
        self.out.push((self.question, Cow::Borrowed(s)));
        Ok(())
    }
    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        self.out.push((self.question, Cow::Owned(s.to_owned())));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(Str(v)) = seq.next_element::<Str<'de>>()? {
            self.out.push((self.question.clone(), v));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        decode(text)
            .unwrap()
            .into_iter()
            .map(|(q, v)| (q.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn every_kind_of_answer_comes_back_as_its_stored_values() {
        let values = vec![
            ("v1_q1".to_string(), AnswerValue::Scale(4)),
            ("v1_q2".to_string(), AnswerValue::DontKnow),
            ("age".to_string(), AnswerValue::Choice("30s".into())),
            (
                "devices".to_string(),
                AnswerValue::Choices(vec!["phone".into(), "pc".into()]),
            ),
            ("one".to_string(), AnswerValue::Choices(vec!["tv".into()])),
            ("none".to_string(), AnswerValue::Choices(vec![])),
            ("people".to_string(), AnswerValue::Number(-3)),
            (
                "opinion".to_string(),
                AnswerValue::Text("「窓口」\"quoted\"\\ back\nline\u{1F600}".into()),
            ),
        ];
        let text = encode(&values);
        assert_eq!(
            text,
            r#"{"v1_q1":"4","v1_q2":"dk","age":"30s","devices":["phone","pc"],"one":"tv","people":"-3","opinion":"「窓口」\"quoted\"\\ back\nline😀"}"#
        );
        let mut expected = Vec::new();
        for (q, v) in &values {
            for s in v.stored_values() {
                expected.push((q.clone(), s));
            }
        }
        assert_eq!(pairs(&text), expected);
    }

    #[test]
    fn unescaped_strings_are_borrowed() {
        let decoded = decode(r#"{"a":"1","b":["x","y\"z"]}"#).unwrap();
        assert!(matches!(decoded[0].0, Cow::Borrowed("a")));
        assert!(matches!(decoded[1].1, Cow::Borrowed("x")));
        assert_eq!(decoded[2].1, "y\"z");
    }

    #[test]
    fn what_the_migrations_write_is_read_too() {
        // PostgreSQL's json_object_agg puts spaces around the colon.
        assert_eq!(
            pairs(r#"{ "q" : "1", "m" : ["a", "b"] }"#),
            vec![
                ("q".into(), "1".into()),
                ("m".into(), "a".into()),
                ("m".into(), "b".into())
            ]
        );
        assert_eq!(pairs("{}"), vec![]);
    }

    #[test]
    fn anything_else_is_an_error() {
        for bad in [
            "",
            "[]",
            r#"{"q":1}"#,
            r#"{"q":["a",2]}"#,
            r#"{"q":"1"} x"#,
            "{",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
