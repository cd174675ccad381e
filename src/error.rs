//! The domain error: what can go wrong below the API, in terms a client can act on.
//! The GraphQL layer maps each variant to a stable `extensions.code`.

use std::sync::Arc;

use sea_orm::{DbErr, SqlErr};

use crate::i18n::Text;

/// Shown (by `Display`) in English, as logs and the command line write it; a client gets
/// [`Error::text`] in its own language.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value breaks a rule; `field` is its path in the input (e.g. `input.code`).
    BadInput {
        field: String,
        message: crate::i18n::Text,
    },
    /// The object named by an id or code does not exist.
    NotFound { entity: &'static str, id: String },
    /// The change clashes with what is stored: a duplicate key, a stale version, or a
    /// reference that still points at the object.
    Conflict {
        message: crate::i18n::Text,
        current_version: Option<i32>,
    },
    /// Rows of an imported inventory break rules; nothing was written.
    InvalidRows(RowErrors),
    /// The caller's token no longer authenticates (on a long-lived connection).
    Unauthenticated(crate::i18n::Text),
    /// The caller may not do this.
    Forbidden(crate::i18n::Text),
    /// A configured limit (page size, depth, ...) was exceeded.
    LimitExceeded(crate::i18n::Text),
    /// The database cannot be reached (down, restarting, pool exhausted): the client may
    /// retry. Logged; the message never shows the cause.
    Unavailable(#[source] Arc<DbErr>),
    /// Anything the client cannot fix; logged, never shown.
    Internal(#[source] Arc<DbErr>),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One bad cell of an imported spreadsheet (or a bad row, when `column` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The spreadsheet's row number (the header is line 1).
    pub line: usize,
    pub column: String,
    pub reason: crate::i18n::Text,
}

impl RowError {
    /// The error as one line, in `lang`.
    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        let text = if self.column.is_empty() {
            Text::key("row-error")
        } else {
            Text::key("row-error-column").arg("column", &self.column)
        };
        text.arg("line", self.line)
            .with("reason", self.reason.clone())
            .render(lang)
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(crate::i18n::Lang::En))
    }
}

/// The errors of one import: every one counted, the first [`RowErrors::LISTED`] kept, so a
/// file of millions of bad rows costs no more memory than one of a thousand.
#[derive(Debug, Clone, Default)]
pub struct RowErrors {
    listed: Vec<RowError>,
    total: usize,
}

impl RowErrors {
    /// How many errors are kept to be shown.
    pub const LISTED: usize = 1000;

    pub fn one(error: RowError) -> Self {
        let mut errors = Self::default();
        errors.push(error);
        errors
    }

    pub fn push(&mut self, error: RowError) {
        self.total += 1;
        if self.listed.len() < Self::LISTED {
            self.listed.push(error);
        }
    }

    /// Renames each error's column (to the file's own name for it); a bad row's error, which
    /// names no column, keeps none.
    pub fn rename_columns(&mut self, rename: impl Fn(&str) -> String) {
        for error in &mut self.listed {
            if !error.column.is_empty() {
                error.column = rename(&error.column);
            }
        }
    }

    /// Every error found, listed or not.
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The errors kept, in line order once [`RowErrors::sorted`] ran.
    pub fn listed(&self) -> &[RowError] {
        &self.listed
    }

    /// In line order, each error once (the same error found by two checks counts once).
    pub fn sorted(mut self) -> Self {
        self.listed
            .sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
        let before = self.listed.len();
        self.listed.dedup();
        self.total -= before - self.listed.len();
        self
    }
}

impl Error {
    pub fn bad_input(field: impl Into<String>, message: impl Into<crate::i18n::Text>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<crate::i18n::Text>) -> Self {
        Self::Conflict {
            message: message.into(),
            current_version: None,
        }
    }

    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// What to tell the client, in the words of its language (internal causes are never
    /// part of it).
    pub fn text(&self) -> Text {
        match self {
            Self::BadInput { message, .. }
            | Self::Conflict { message, .. }
            | Self::Unauthenticated(message)
            | Self::Forbidden(message)
            | Self::LimitExceeded(message) => message.clone(),
            Self::NotFound { entity, id } => {
                Text::key("not-found").arg("entity", entity).arg("id", id)
            }
            Self::InvalidRows(rows) => Text::key("rows-invalid").arg("count", rows.total()),
            Self::Unavailable(_) => Text::key("unavailable"),
            Self::Internal(_) => Text::key("internal"),
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput { .. } | Self::InvalidRows(_) => "BAD_USER_INPUT",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Conflict { .. } => "CONFLICT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::LimitExceeded(_) => "LIMIT_EXCEEDED",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

/// Whether `err` says the database could not be reached, rather than that a statement failed.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    let runtime = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(r) | DbErr::Exec(r) | DbErr::Query(r) => r,
        _ => return false,
    };
    match runtime {
        RuntimeErr::SqlxError(e) => match e.as_ref() {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_) => true,
            // PostgreSQL shutting down (57P..) or a broken connection (08...).
            sqlx::Error::Database(d) => d
                .code()
                .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
            _ => false,
        },
        _ => false,
    }
}

impl From<DbErr> for Error {
    /// Constraint violations that slip past the explicit checks (a concurrent writer won the
    /// race) are still the client's conflict, not a server fault.
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::conflict(Text::key("conflict-unique"))
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::conflict(Text::key("conflict-reference"))
            }
            _ if is_unavailable(&err) => Self::Unavailable(Arc::new(err)),
            _ => Self::Internal(Arc::new(err)),
        }
    }
}

impl From<Arc<DbErr>> for Error {
    /// Errors shared by a batched loader: reads, so never a constraint violation.
    fn from(err: Arc<DbErr>) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err)
        } else {
            Self::Internal(err)
        }
    }
}
