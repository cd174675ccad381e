//! The document's text decoded straight into the answer's values, by the plan of its fields.
//!
//! Parsing the text into a JSON tree first and converting that tree held the answer twice over
//! (a large nested page several times its own size) and allocated a key string per field per
//! row; here each value is built once, where the parser meets it.

use std::fmt;

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};
use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Leaf, Out, date, timestamp};
use crate::graphql::ids::{self, Kind};

/// The answer `outs` describe, read from `text` (an object of positional keys, `f0`, `f1`,
/// ...). `Ok(None)`: some value is not what its field answers, and the resolvers answer instead.
pub(super) fn answer(text: &str, outs: &[Out]) -> serde_json::Result<Option<Value>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let answer = Expect::Object(outs, false).deserialize(&mut de)?;
    de.end()?;
    Ok(answer)
}

/// What the document holds at one place.
#[derive(Clone, Copy)]
pub(super) enum Expect<'a> {
    Leaf(Leaf, Kind),
    Count,
    /// An array of objects.
    Rows(&'a [Out]),
    /// An object; `true` if null is an answer.
    Object(&'a [Out], bool),
}

impl Expect<'_> {
    /// The answer when the document holds null (or nothing) here.
    pub(super) fn null(self) -> Option<Value> {
        match self {
            Expect::Leaf(..) | Expect::Object(_, true) => Some(Value::Null),
            Expect::Count | Expect::Rows(_) | Expect::Object(_, false) => None,
        }
    }

    pub(super) fn int(self, n: i64) -> Option<Value> {
        match self {
            Expect::Count | Expect::Leaf(Leaf::Plain, _) => Some(Value::Number(n.into())),
            Expect::Leaf(Leaf::Id, kind) => Some(Value::String(ids::encode(kind, n).0)),
            // SQLite stores booleans as 0 or 1.
            Expect::Leaf(Leaf::Bool, _) => Some(Value::Boolean(n != 0)),
            _ => None,
        }
    }

    pub(super) fn text(self, s: &str) -> Option<Value> {
        let Expect::Leaf(leaf, _) = self else {
            return None;
        };
        Some(match leaf {
            Leaf::Plain => Value::String(s.to_owned()),
            Leaf::Enum => Value::Enum(Name::new(s)),
            Leaf::Time => Value::String(timestamp(s)?.to_rfc3339()),
            Leaf::Date => Value::String(date(s)?),
            Leaf::Bool | Leaf::Id => return None,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Expect<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Expect<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a compiled read's document")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.null())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(match self {
            Expect::Leaf(Leaf::Bool, _) => Some(Value::Boolean(b)),
            _ => None,
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(self.int(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(n).ok().and_then(|n| self.int(n)))
    }

    /// No column the reads declare holds a fraction.
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.text(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Expect::Rows(fields) = self else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(None);
        };
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut fits = true;
        while let Some(row) = seq.next_element_seed(Row(fields, fits))? {
            match row {
                Some(row) => rows.push(row),
                None => fits = false,
            }
        }
        Ok(fits.then_some(Value::List(rows)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Expect::Object(outs, _) = self else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(None);
        };
        let mut slots: Vec<Option<Value>> = vec![None; outs.len()];
        let mut fits = true;
        while let Some(at) = map.next_key_seed(Position)? {
            let slot = at.and_then(|at| {
                outs.iter().enumerate().find_map(|(i, out)| {
                    out.place()
                        .filter(|(place, _)| *place == at)
                        .map(|(_, expect)| (i, expect))
                })
            });
            match slot {
                Some((i, expect)) if fits => match map.next_value_seed(expect)? {
                    Some(value) => slots[i] = Some(value),
                    None => fits = false,
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !fits {
            return Ok(None);
        }
        let mut answer = IndexMap::with_capacity(outs.len());
        for (out, slot) in outs.iter().zip(slots) {
            let value = match (out, slot) {
                (Out::Typename(_, name), _) => Value::String(name.clone()),
                (_, Some(value)) => value,
                // Not in the document: as if null.
                (_, None) => match out.place().and_then(|(_, expect)| expect.null()) {
                    Some(value) => value,
                    None => return Ok(None),
                },
            };
            answer.insert(out.key().clone(), value);
        }
        Ok(Some(Value::Object(answer)))
    }
}

/// One element of an array of rows: an object (null is not a row). Once a row has not fit,
/// the rest are only skipped.
struct Row<'a>(&'a [Out], bool);

impl<'de> DeserializeSeed<'de> for Row<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        if !self.1 {
            IgnoredAny::deserialize(d)?;
            return Ok(None);
        }
        Expect::Object(self.0, false).deserialize(d)
    }
}

/// A key of the document's objects: `f` and the field's position.
pub(super) struct Position;

impl<'de> DeserializeSeed<'de> for Position {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Position {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a positional key")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(s.strip_prefix('f').and_then(|n| n.parse().ok()))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn key(name: &str) -> Name {
        Name::new(name)
    }

    /// `{ __typename id name open items { totalCount nodes { label mode } } since updatedAt }`
    /// of a database.
    pub(in crate::graphql::compiled) fn plan() -> Vec<Out> {
        vec![
            Out::Typename(key("__typename"), "Database".into()),
            Out::Leaf(key("id"), 0, Leaf::Id, Kind::Database),
            Out::Leaf(key("name"), 1, Leaf::Plain, Kind::Database),
            Out::Leaf(key("open"), 2, Leaf::Bool, Kind::Database),
            Out::Object(
                key("items"),
                3,
                vec![
                    Out::Count(key("totalCount"), 0),
                    Out::Rows(
                        key("nodes"),
                        1,
                        vec![
                            Out::Leaf(key("label"), 0, Leaf::Plain, Kind::DataItem),
                            Out::Leaf(key("mode"), 1, Leaf::Enum, Kind::DataItem),
                        ],
                    ),
                ],
                false,
            ),
            Out::Leaf(key("since"), 4, Leaf::Date, Kind::Database),
            Out::Leaf(key("updatedAt"), 5, Leaf::Time, Kind::Database),
        ]
    }

    fn json(value: &Value) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn the_answer_keeps_the_clients_order_and_names_whatever_the_documents_order() {
        let text = r#"{"f3":{"f1":[{"f0":"Hộ tịch"},{"f0":"Đất đai"}],"f0":2},"f1":"Cơ sở dữ liệu hộ tịch","f2":1,"f0":7}"#;
        let answer = answer(text, &plan()).unwrap().unwrap();
        assert_eq!(
            json(&answer),
            format!(
                r#"{{"__typename":"Database","id":"{}","name":"Cơ sở dữ liệu hộ tịch","open":true,"items":{{"totalCount":2,"nodes":[{{"label":"Hộ tịch","mode":null}},{{"label":"Đất đai","mode":null}}]}},"since":null,"updatedAt":null}}"#,
                ids::encode(Kind::Database, 7).0
            )
        );
    }

    #[test]
    fn a_leaf_left_out_is_null_and_keys_not_asked_for_are_skipped() {
        let text = r#"{"f0":7,"f2":false,"f9":{"deep":[1,2]},"f3":{"f0":0,"f1":[]}}"#;
        let answer = answer(text, &plan()).unwrap().unwrap();
        assert!(json(&answer).contains(r#""name":null,"open":false"#));
    }

    /// Documents with a value its field does not answer, for [`plan`].
    pub(in crate::graphql::compiled) const UNFIT: [&str; 7] = [
        // a count that is not a number
        r#"{"f0":7,"f1":"x","f2":0,"f3":{"f0":null,"f1":[]}}"#,
        // a row that is not an object, before and after good ones
        r#"{"f0":7,"f1":"x","f2":0,"f3":{"f0":2,"f1":[{"f0":"a"},null,{"f0":"b"}]}}"#,
        // a required object that is null
        r#"{"f0":7,"f1":"x","f2":0,"f3":null}"#,
        // a fraction, an id as text, a list where a leaf belongs, a time that is not one
        r#"{"f0":7.5,"f1":"x","f2":0,"f3":{"f0":0,"f1":[]}}"#,
        r#"{"f0":"7","f1":"x","f2":0,"f3":{"f0":0,"f1":[]}}"#,
        r#"{"f0":7,"f1":["x"],"f2":0,"f3":{"f0":0,"f1":[]}}"#,
        r#"{"f0":7,"f1":"x","f2":0,"f3":{"f0":0,"f1":[]},"f5":"not a time"}"#,
    ];

    #[test]
    fn a_value_its_field_does_not_answer_leaves_the_field_to_the_resolvers() {
        for text in UNFIT {
            assert_eq!(answer(text, &plan()).unwrap(), None, "{text}");
        }
    }

    #[test]
    fn text_that_is_not_json_is_an_error() {
        assert!(answer(r#"{"f0":7,"#, &plan()).is_err());
        assert!(answer(r#"{"f0":7} trailing"#, &plan()).is_err());
    }
}
