//! A compiled answer written straight as the response's JSON text.
//!
//! Decoded into values, a nested page costs an index map per object and a value per leaf,
//! several times the answer's own size, only to be written out as text once the request is
//! done. Over HTTP the request carries [`Splices`]: the top-level field's answer is then
//! rewritten here from the document's text to the answer's text (each value converted as
//! [`super::decode`] converts it), the field's value in the engine's answer is a stand-in, and
//! the response writes the kept text under the field's key ([`Spliced`]).

use std::fmt;
use std::sync::Mutex;

use async_graphql::{Name, Value};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize as _, Serialize};
use serde_json::value::RawValue;

use super::decode::{Expect, Position};
use super::{Leaf, Out};

/// The answers of one request's top-level fields, kept as JSON text by response key.
#[derive(Default)]
pub struct Splices(Mutex<Vec<(Name, Box<RawValue>)>>);

impl Splices {
    /// Keeps `json` as the answer of the top-level field `key`; checked once as JSON, so the
    /// response can only ever splice well-formed text.
    pub(super) fn keep(&self, key: Name, json: String) -> serde_json::Result<()> {
        let raw = RawValue::from_string(json)?;
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, raw));
        Ok(())
    }

    /// The answers kept, once the request is done.
    pub fn take(&self) -> Vec<(Name, Box<RawValue>)> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A response's `data` with the kept answers written in their fields' places.
pub struct Spliced<'a> {
    pub data: &'a Value,
    pub kept: &'a [(Name, Box<RawValue>)],
}

impl Serialize for Spliced<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Value::Object(fields) = self.data else {
            // Data that is null (a non-null field failed) has nothing to splice into.
            return self.data.serialize(s);
        };
        if self.kept.is_empty() {
            return self.data.serialize(s);
        }
        let mut map = s.serialize_map(Some(fields.len()))?;
        for (key, value) in fields {
            match self.kept.iter().find(|(k, _)| k == key) {
                Some((_, raw)) => map.serialize_entry(key, raw)?,
                None => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// The answer `outs` describe, as JSON text, from `text` (an object of positional keys).
/// `Ok(None)`: a value is not what its field answers, or the document's keys are not in the
/// plan's order; the values path ([`super::decode`]) then decides.
pub(super) fn answer(text: &str, outs: &[Out]) -> serde_json::Result<Option<String>> {
    let mut out = Vec::with_capacity(text.len());
    let mut de = serde_json::Deserializer::from_str(text);
    let fits = Write {
        out: &mut out,
        expect: Expect::Object(outs, false),
    }
    .deserialize(&mut de)?;
    de.end()?;
    // Only the document's own strings (re-escaped) and ASCII were written.
    Ok(fits.then(|| String::from_utf8(out).ok()).flatten())
}

/// A lookup's answer from its document `{"f0": row or null}`, planned as `[wrapped]` (one
/// nullable object): `Some(None)` when no row is there, `None` when the values path must
/// decide.
pub(super) fn row(text: &str, wrapped: &Out) -> serde_json::Result<Option<Option<String>>> {
    let Some(json) = answer(text, std::slice::from_ref(wrapped))? else {
        return Ok(None);
    };
    // `{"<key>":<row>}`, as `answer` writes it.
    let open = format!("{{{}:", serde_json::to_string(wrapped.key().as_str())?);
    Ok(json
        .strip_prefix(open.as_str())
        .and_then(|j| j.strip_suffix('}'))
        .map(|row| (row != "null").then(|| row.to_owned())))
}

/// Writes the value at one place of the document; `false` if it is not what its field answers
/// (what was written is then to be thrown away).
struct Write<'o, 'a> {
    out: &'o mut Vec<u8>,
    expect: Expect<'a>,
}

impl Write<'_, '_> {
    fn value(self, value: Option<Value>) -> bool {
        value.is_some_and(|v| serde_json::to_writer(&mut *self.out, &v).is_ok())
    }

    fn text(&mut self, s: &str) {
        // Writing to a vector cannot fail.
        let _ = serde_json::to_writer(&mut *self.out, s);
    }

    fn key(&mut self, first: &mut bool, key: &Name) {
        if !std::mem::take(first) {
            self.out.push(b',');
        }
        self.text(key.as_str());
        self.out.push(b':');
    }

    /// A field the document left out: a name, or null where null is its answer.
    fn missing(&mut self, first: &mut bool, out: &Out) -> bool {
        match out {
            Out::Typename(key, name) => {
                self.key(first, key);
                self.text(name);
                true
            }
            _ => match out.place().and_then(|(_, expect)| expect.null()) {
                Some(_) => {
                    self.key(first, out.key());
                    self.out.extend_from_slice(b"null");
                    true
                }
                None => false,
            },
        }
    }
}

impl<'de> DeserializeSeed<'de> for Write<'_, '_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Write<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a compiled read's document")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        let null = self.expect.null();
        Ok(self.value(null))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(match self.expect {
            Expect::Leaf(Leaf::Bool, _) => self.value(Some(Value::Boolean(b))),
            _ => false,
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        let value = self.expect.int(n);
        Ok(self.value(value))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        let value = i64::try_from(n).ok().and_then(|n| self.expect.int(n));
        Ok(self.value(value))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(false)
    }

    fn visit_str<E: de::Error>(mut self, s: &str) -> Result<Self::Value, E> {
        // Text and enum names are written as they are stored: no value is built for them.
        if let Expect::Leaf(Leaf::Plain | Leaf::Enum, _) = self.expect {
            self.text(s);
            return Ok(true);
        }
        let value = self.expect.text(s);
        Ok(self.value(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Expect::Rows(fields) = self.expect else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(false);
        };
        self.out.push(b'[');
        let mut fits = true;
        let mut first = true;
        while let Some(fit) = seq.next_element_seed(Element {
            out: &mut *self.out,
            fields,
            first,
            fits,
        })? {
            first = false;
            fits &= fit;
        }
        self.out.push(b']');
        Ok(fits)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let Expect::Object(outs, _) = self.expect else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(false);
        };
        self.out.push(b'{');
        let mut fits = true;
        let mut first = true;
        // The outs before `next` are written.
        let mut next = 0;
        let placed = |out: &Out, at: usize| out.place().is_some_and(|(place, _)| place == at);
        while let Some(at) = map.next_key_seed(Position)? {
            let found = at.filter(|_| fits).and_then(|at| {
                outs[next..].iter().enumerate().find_map(|(skip, out)| {
                    out.place()
                        .filter(|(place, _)| *place == at)
                        .map(|(_, expect)| (skip, expect))
                })
            });
            let Some((skip, expect)) = found else {
                // A key asked for earlier: out of the plan's order.
                if at.is_some_and(|at| outs[..next].iter().any(|out| placed(out, at))) {
                    fits = false;
                }
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            for out in &outs[next..next + skip] {
                fits = fits && self.missing(&mut first, out);
            }
            let out = &outs[next + skip];
            next += skip + 1;
            if !fits {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            self.key(&mut first, out.key());
            fits = map.next_value_seed(Write {
                out: &mut *self.out,
                expect,
            })?;
        }
        for out in &outs[next..] {
            fits = fits && self.missing(&mut first, out);
        }
        self.out.push(b'}');
        Ok(fits)
    }
}

/// One element of an array of rows: an object, after a comma unless it is the first. Once a
/// row has not fit, the rest are only skipped.
struct Element<'o, 'a> {
    out: &'o mut Vec<u8>,
    fields: &'a [Out],
    first: bool,
    fits: bool,
}

impl<'de> DeserializeSeed<'de> for Element<'_, '_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        if !self.fits {
            IgnoredAny::deserialize(d)?;
            return Ok(false);
        }
        if !self.first {
            self.out.push(b',');
        }
        Write {
            out: self.out,
            expect: Expect::Object(self.fields, false),
        }
        .deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode::tests::{UNFIT, plan};
    use super::*;
    use crate::graphql::ids::{self, Kind};

    fn key(name: &str) -> Name {
        Name::new(name)
    }

    /// The values path's answer, written as the response writes values.
    fn by_values(text: &str, outs: &[Out]) -> Option<String> {
        super::super::decode::answer(text, outs)
            .unwrap()
            .map(|v| serde_json::to_string(&v).unwrap())
    }

    #[test]
    fn the_text_is_the_values_answer_written_out() {
        for text in [
            r#"{"f0":7,"f1":"Phòng Tài nguyên và Môi trường huyện Nam Đông","f2":1,"f3":{"f0":2,"f1":[{"f0":"Hộ tịch \"gốc\"\n","f1":"OPEN_DATA"},{"f0":"Đất đai","f1":null}]},"f4":"2024-05-01","f5":"2026-12-07 08:30:00.5+07:00"}"#,
            // PostgreSQL's booleans and timestamps.
            r#"{"f0":7,"f1":null,"f2":false,"f3":{"f0":0,"f1":[]},"f4":null,"f5":"2026-12-07T01:30:00.123456+00:00"}"#,
            // Keys left out are null; keys not asked for are skipped.
            r#"{"f0":7,"f2":true,"f3":{"f0":0,"f1":[]},"f9":{"deep":[1,2]}}"#,
            r#"{"f3":{"f0":1,"f1":[{}]}}"#,
        ] {
            let written = answer(text, &plan()).unwrap();
            assert!(written.is_some(), "{text}");
            assert_eq!(written, by_values(text, &plan()), "{text}");
        }
        let written = answer(
            r#"{"f0":7,"f1":"Sở","f2":0,"f3":{"f0":0,"f1":[]}}"#,
            &plan(),
        );
        assert_eq!(
            written.unwrap().unwrap(),
            format!(
                r#"{{"__typename":"Database","id":"{}","name":"Sở","open":false,"items":{{"totalCount":0,"nodes":[]}},"since":null,"updatedAt":null}}"#,
                ids::encode(Kind::Database, 7).0
            )
        );
    }

    #[test]
    fn what_the_values_path_refuses_is_refused_and_another_order_is_left_to_it() {
        for text in UNFIT {
            assert_eq!(answer(text, &plan()).unwrap(), None, "{text}");
            assert_eq!(by_values(text, &plan()), None, "{text}");
        }
        let reordered = r#"{"f1":"x","f0":7,"f2":0,"f3":{"f0":0,"f1":[]}}"#;
        assert_eq!(answer(reordered, &plan()).unwrap(), None);
        assert!(by_values(reordered, &plan()).is_some());
        assert!(answer(r#"{"f0":7,"#, &plan()).is_err());
    }

    #[test]
    fn a_lookup_is_its_row_or_none() {
        let wrapped = Out::Object(key("row"), 0, plan(), true);
        let found = row(
            r#"{"f0":{"f0":7,"f1":"Sở","f2":0,"f3":{"f0":0,"f1":[]}}}"#,
            &wrapped,
        );
        let found = found.unwrap().unwrap().unwrap();
        assert!(
            found.starts_with(r#"{"__typename":"Database","id":"#),
            "{found}"
        );
        assert_eq!(row(r#"{"f0":null}"#, &wrapped).unwrap(), Some(None));
        assert_eq!(row(r#"{"f0":{"f0":7.5}}"#, &wrapped).unwrap(), None);
    }

    #[test]
    fn the_data_has_the_kept_text_in_its_fields_place() {
        let splices = Splices::default();
        splices
            .keep(key("list"), r#"{"totalCount":2}"#.to_owned())
            .unwrap();
        assert!(splices.keep(key("bad"), "{".to_owned()).is_err());
        let kept = splices.take();
        let mut fields = async_graphql::indexmap::IndexMap::new();
        fields.insert(key("before"), Value::from("Nam Đông"));
        fields.insert(key("list"), Value::Null);
        fields.insert(key("after"), Value::from(1));
        let data = Value::Object(fields);
        let written = serde_json::to_string(&Spliced {
            data: &data,
            kept: &kept,
        })
        .unwrap();
        assert_eq!(
            written,
            r#"{"before":"Nam Đông","list":{"totalCount":2},"after":1}"#
        );
        let null = serde_json::to_string(&Spliced {
            data: &Value::Null,
            kept: &kept,
        });
        assert_eq!(null.unwrap(), "null");
    }
}
