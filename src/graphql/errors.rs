//! Gives every GraphQL error a stable `extensions.code`, in one place for all resolvers.
//!
//! Resolvers return [`crate::error::Error`]; async-graphql keeps it as the error's source.
//! [`classify`] reads it back, sets `code` (and `field`, `currentVersion`), and replaces internal
//! errors with a generic message after logging them, so no SQL text ever reaches a client.

use std::sync::Arc;

use async_graphql::{ServerError, Value};
use sea_orm::DbErr;

use crate::error::Error;
use crate::i18n::{Lang, Text};

/// Whether an error happened before execution (parse, validation, limits): such responses
/// carry no `data`, and over HTTP they are answered 400.
pub fn is_request_error(err: &ServerError) -> bool {
    err.path.is_empty()
        && err
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|c| {
                matches!(c, Value::String(s) if s == "GRAPHQL_PARSE_FAILED" || s == "GRAPHQL_VALIDATION_FAILED" || s == "LIMIT_EXCEEDED")
            })
}

/// Sets the error's `code` (and `field`, `currentVersion`, `rowErrors`), writes its message in
/// `lang` where it has a translation, and replaces the message of an internal error with a
/// generic one after logging it.
pub fn classify(err: &mut ServerError, lang: Lang) {
    let (code, text) = if let Some(e) = err.source::<Error>() {
        let text = e.text();
        let extra = match e {
            Error::BadInput { field, .. } => vec![("field", Value::String(field.clone()))],
            Error::Conflict {
                current_version: Some(v),
                ..
            } => vec![("currentVersion", Value::from(*v))],
            Error::InvalidRows(rows) => vec![
                ("rowErrors", row_errors(rows, lang)),
                ("rowErrorCount", Value::from(rows.total() as u64)),
            ],
            Error::Internal(db) => {
                tracing::error!(error = %db, path = ?err.path, "internal error");
                vec![]
            }
            Error::Unavailable(db) => {
                tracing::warn!(error = %db, path = ?err.path, "database unavailable");
                vec![]
            }
            _ => vec![],
        };
        let code = e.code();
        for (key, value) in extra {
            set(err, key, value);
        }
        (code, text)
    } else if let Some(refused) = err.source::<Text>() {
        // Refused by the engine before execution; its code is set already.
        ("BAD_REQUEST", refused.clone())
    } else if let Some(db) = err
        .source::<DbErr>()
        .or_else(|| err.source::<Arc<DbErr>>().map(|a| a.as_ref()))
    {
        if crate::error::is_unavailable(db) {
            tracing::warn!(error = %err.message, path = ?err.path, "database unavailable");
            ("UNAVAILABLE", Text::key("unavailable"))
        } else {
            tracing::error!(error = %err.message, path = ?err.path, "database error");
            ("INTERNAL", Text::key("internal"))
        }
    } else {
        // async-graphql's own words (it has no translations): kept, and introduced in the
        // caller's language.
        let (code, key) = if !err.path.is_empty() {
            // Raised while executing: argument values it could not accept.
            ("BAD_USER_INPUT", "graphql-bad-argument")
        } else if super::limits::is_library_limit(&err.message) {
            ("LIMIT_EXCEEDED", "graphql-limit")
        } else if has_code_value(err, "GRAPHQL_PARSE_FAILED") {
            ("GRAPHQL_PARSE_FAILED", "graphql-parse-failed")
        } else {
            ("GRAPHQL_VALIDATION_FAILED", "graphql-invalid")
        };
        (code, Text::key(key).arg("detail", &err.message))
    };
    err.message = text.render(lang);
    if !has_code(err) {
        set(err, "code", Value::String(code.into()));
    }
}

/// An error the engine answers before execution, in the caller's language once classified.
pub fn refusal(text: Text, code: &str) -> ServerError {
    let mut err = ServerError::new(text.to_string(), None);
    err.source = Some(Arc::new(text));
    with_code(err, code)
}

/// The row errors kept (the first 1,000 found, in line order); `rowErrorCount` and the
/// message give the total.
fn row_errors(rows: &crate::error::RowErrors, lang: Lang) -> Value {
    Value::List(
        rows.listed()
            .iter()
            .map(|r| {
                let mut map = async_graphql::indexmap::IndexMap::new();
                map.insert(async_graphql::Name::new("line"), Value::from(r.line as u64));
                map.insert(
                    async_graphql::Name::new("column"),
                    Value::from(r.column.clone()),
                );
                map.insert(
                    async_graphql::Name::new("reason"),
                    Value::from(r.reason.render(lang)),
                );
                Value::Object(map)
            })
            .collect(),
    )
}

fn has_code(err: &ServerError) -> bool {
    err.extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
}

fn has_code_value(err: &ServerError, code: &str) -> bool {
    err.extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .is_some_and(|c| matches!(c, Value::String(s) if s == code))
}

/// `err` with its `extensions.code` set.
pub fn with_code(mut err: ServerError, code: &str) -> ServerError {
    set(&mut err, "code", Value::String(code.into()));
    err
}

fn set(err: &mut ServerError, key: &str, value: Value) {
    err.extensions
        .get_or_insert_with(Default::default)
        .set(key, value);
}
