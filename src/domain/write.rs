//! The write transaction every mutation runs in: it knows who writes (and refuses callers who
//! may write nothing before any work), checks each changed row against the caller's rights,
//! and appends the audit entries of its changes before it commits.

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};

use super::audit::{self, Change};
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

pub struct Tx<'c> {
    pub txn: DatabaseTransaction,
    pub caller: &'c Caller,
    changes: Vec<Change>,
}

impl<'c> Tx<'c> {
    /// Starts a write as `caller`; anonymous callers and viewers are refused here.
    pub async fn begin(db: &DatabaseConnection, caller: &'c Caller) -> Result<Self> {
        if !caller.may_write_anything() {
            return Err(Error::Forbidden(match caller.member {
                None => Text::key("forbidden-anonymous-write"),
                Some(_) => Text::key("forbidden-viewer-write"),
            }));
        }
        Self::begin_public(db, caller).await
    }

    /// Starts a write anyone may make, the public included: only for the few writes the
    /// decree opens to everyone (feedback on open data and votes for it), which check their
    /// own rules and are rate-limited by the caller.
    pub async fn begin_public(db: &DatabaseConnection, caller: &'c Caller) -> Result<Self> {
        let txn = db.begin().await?;
        audit::claim_head(&txn).await?;
        Ok(Self {
            txn,
            caller,
            changes: Vec::new(),
        })
    }

    /// Refuses unless the caller may write `organization`'s catalogue.
    pub fn require_writer(&self, organization: i64) -> Result<()> {
        require_writer(self.caller, organization)
    }

    pub fn require_admin(&self) -> Result<()> {
        require_admin(self.caller)
    }

    /// Notes a change for the audit log.
    pub fn record(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Writes the audit entries and commits, all or nothing; the other replicas' event feeds
    /// are told on commit (see [`super::events`]).
    pub async fn commit(self) -> Result<()> {
        if !self.changes.is_empty() {
            super::events::notify_on_commit(&self.txn).await?;
        }
        audit::append(&self.txn, self.caller, self.changes).await?;
        self.txn.commit().await?;
        Ok(())
    }
}

/// Refuses unless `caller` may write `organization`'s catalogue. Validation calls it before
/// checking that a code is free, so that a refusal never tells a caller who may not write
/// there which codes are taken.
pub fn require_writer(caller: &Caller, organization: i64) -> Result<()> {
    if caller.may_write(organization) {
        Ok(())
    } else {
        Err(Error::Forbidden(Text::key("forbidden-other-organization")))
    }
}

pub fn require_admin(caller: &Caller) -> Result<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(Error::Forbidden(Text::key("forbidden-admin-only")))
    }
}
