//! Text rules shared by every entity: folding for search, and validation of free text.

use crate::error::{Error, Result};
use crate::i18n::Text;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Folds text for matching: lower case, Vietnamese diacritics removed, `đ` → `d`, runs of
/// white space collapsed. "Phòng Tài nguyên" and "phong tai nguyen" fold to the same string.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// An enum value as its API name (`DEFAULT`, `STATE_AGENCY`), as serde writes it.
pub fn enum_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Enum values as their API names, comma-separated (`DEFAULT, ON_REQUEST`).
pub fn enum_names<T: serde::Serialize>(values: &[T]) -> String {
    values.iter().map(enum_name).collect::<Vec<_>>().join(", ")
}

/// Longest free text accepted in one field; descriptions of databases can be long, but a
/// megabyte of text in a catalogue field is a mistake or an attack.
pub const MAX_TEXT: usize = 20_000;
/// Longest name accepted.
pub const MAX_NAME: usize = 500;

/// Trims a required text field and checks it is non-empty, free of control characters and
/// not longer than `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::bad_input(
            field,
            Text::key("text-empty").arg("field", field),
        ));
    }
    checked(field, value, max)
}

/// Like [`required`] for optional fields: blank text becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => checked(field, v, max).map(Some),
    }
}

fn checked(field: &str, value: &str, max: usize) -> Result<String> {
    if value.chars().count() > max {
        return Err(Error::bad_input(
            field,
            Text::key("text-too-long")
                .arg("field", field)
                .arg("max", max),
        ));
    }
    // Line breaks and tabs are legitimate in descriptions; other control characters are not.
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::bad_input(
            field,
            Text::key("text-control").arg("field", field),
        ));
    }
    Ok(value.to_owned())
}

/// Longest text a filter or lookup may compare with.
pub const MAX_QUERY_TEXT: usize = 1000;

/// Checks a text a client searches or looks up by: no longer than [`MAX_QUERY_TEXT`] characters
/// (SQLite refuses longer LIKE patterns, and no stored value is longer) and free of NUL, which
/// PostgreSQL text cannot hold.
pub fn query_text(field: &str, value: &str) -> Result<()> {
    if value.chars().count() > MAX_QUERY_TEXT {
        return Err(Error::bad_input(
            field,
            Text::key("text-too-long")
                .arg("field", field)
                .arg("max", MAX_QUERY_TEXT),
        ));
    }
    if value.contains('\0') {
        return Err(Error::bad_input(
            field,
            Text::key("text-nul").arg("field", field),
        ));
    }
    Ok(())
}

/// A light e-mail check: one `@` with text on both sides and a dot in the domain. Full RFC 5322
/// validation rejects nothing a person would type and accepts much that no mailbox has.
pub fn email(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional(field, value, 254)? else {
        return Ok(None);
    };
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if ok {
        Ok(Some(v))
    } else {
        Err(Error::bad_input(
            field,
            Text::key("text-email").arg("field", field),
        ))
    }
}

/// Codes of databases, systems and items: letters, digits and `._-`, at most `max` long.
pub fn code(field: &str, value: &str, max: usize) -> Result<String> {
    let v = required(field, value, max)?;
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        Ok(v)
    } else {
        Err(Error::bad_input(
            field,
            Text::key("text-code").arg("field", field),
        ))
    }
}

/// Electronic agency code (mã định danh điện tử, Decision 20/2020/QĐ-TTg): 1–35 characters of
/// `[0-9A-Z]` in dot-separated, non-empty groups, e.g. `000.00.31.H57`.
pub fn organization_code(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    let valid = !v.is_empty()
        && v.len() <= 35
        && v.split('.').all(|group| {
            !group.is_empty()
                && group
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        });
    if valid {
        Ok(v.to_owned())
    } else {
        Err(Error::bad_input(
            field,
            Text::key("text-organization-code").arg("field", field),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(
            fold("Phòng Tài nguyên và Môi trường"),
            "phong tai nguyen va moi truong"
        );
        assert_eq!(fold("Đất đai  ĐÔ THỊ"), "dat dai do thi");
        assert_eq!(fold("  Khe   Tre "), "khe tre");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
    }

    #[test]
    fn organization_codes() {
        assert!(organization_code("code", "000.00.31.H57").is_ok());
        assert!(organization_code("code", "H57").is_ok());
        for bad in [
            "",
            "000..31",
            ".H57",
            "h57",
            "000.00.31.H57.",
            "A".repeat(36).as_str(),
            "Ê",
        ] {
            assert!(organization_code("code", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn text_rules() {
        assert!(required("name", "  ", 10).is_err());
        assert!(required("name", "a\u{0}b", 10).is_err());
        assert_eq!(required("name", " Nam Đông ", 10).unwrap(), "Nam Đông");
        assert!(required("name", "Nam Đông", 7).is_err());
        assert_eq!(optional("x", Some("  "), 10).unwrap(), None);
        assert!(email("email", Some("a@b.vn")).is_ok());
        assert!(email("email", Some("a@b")).is_err());
        assert!(email("email", Some("ab.vn")).is_err());
    }
}
