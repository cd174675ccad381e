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
    let mut translated = None;
    let code = if let Some(e) = err.source::<Error>() {
        translated = match e {
            Error::BadInput { message, .. }
            | Error::Conflict { message, .. }
            | Error::Forbidden(message) => Some(message.render(lang)),
            Error::NotFound { entity, id } => Some(
                Text::key("not-found")
                    .arg("entity", entity)
                    .arg("id", id)
                    .render(lang),
            ),
            _ => None,
        };
        let (code, extra, internal) = match e {
            Error::BadInput { field, .. } => (
                e.code(),
                vec![("field", Value::String(field.clone()))],
                None,
            ),
            Error::Conflict {
                current_version: Some(v),
                ..
            } => (e.code(), vec![("currentVersion", Value::from(*v))], None),
            Error::InvalidRows(rows) => (
                e.code(),
                vec![
                    ("rowErrors", row_errors(rows)),
                    ("rowErrorCount", Value::from(rows.total() as u64)),
                ],
                None,
            ),
            Error::Internal(db) => (e.code(), vec![], Some(db.to_string())),
            Error::Unavailable(db) => {
                tracing::warn!(error = %db, path = ?err.path, "database unavailable");
                (e.code(), vec![], None)
            }
            _ => (e.code(), vec![], None),
        };
        for (key, value) in extra {
            set(err, key, value);
        }
        if let Some(detail) = internal {
            tracing::error!(error = %detail, path = ?err.path, "internal error");
            err.message = "internal error".into();
        }
        code
    } else if let Some(db) = err
        .source::<DbErr>()
        .or_else(|| err.source::<Arc<DbErr>>().map(|a| a.as_ref()))
    {
        if crate::error::is_unavailable(db) {
            tracing::warn!(error = %err.message, path = ?err.path, "database unavailable");
            err.message = "the database is unavailable; try again shortly".into();
            "UNAVAILABLE"
        } else {
            tracing::error!(error = %err.message, path = ?err.path, "database error");
            err.message = "internal error".into();
            "INTERNAL"
        }
    } else if !err.path.is_empty() {
        // Raised by async-graphql while executing: argument values it could not accept.
        "BAD_USER_INPUT"
    } else if super::limits::is_library_limit(&err.message) {
        "LIMIT_EXCEEDED"
    } else {
        "GRAPHQL_VALIDATION_FAILED"
    };
    if let Some(message) = translated {
        err.message = message;
    }
    if !has_code(err) {
        set(err, "code", Value::String(code.into()));
    }
}

/// The row errors kept (the first 1,000 found, in line order); `rowErrorCount` and the
/// message give the total.
fn row_errors(rows: &crate::error::RowErrors) -> Value {
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
                    Value::from(r.reason.clone()),
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
