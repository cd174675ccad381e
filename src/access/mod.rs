//! Who may see and do what (docs/design.md, "Who may see and do what"): the caller a request
//! acts as, bearer tokens, the visibility rules every read goes through, and per-caller rate
//! limits.

pub mod rate_limit;
pub mod token;
pub mod visibility;

use std::sync::Arc;

pub use entity::enums::Role;

/// What the public sees of the sharing graph (`SHAREGRAPH_PUBLIC_SHARES`): an operator who may
/// not publish who shares with whom narrows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PublicShares {
    /// Shares of published items, row by row (provider, consumer, item, mode, service, status,
    /// validity), and every walk over them.
    #[default]
    Shares,
    /// Only organization-to-organization edges with their counts per mode (`sharingGraph`).
    Organizations,
    /// No shares at all: only the parties see them.
    None,
}

/// The organizations a viewer or steward token acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The organization the token names.
    pub root: i64,
    /// The token acts for every organization below `root` too.
    pub subtree: bool,
    /// `root`, and with a subtree scope every organization below it, sorted.
    pub organizations: Arc<[i64]>,
}

impl Scope {
    /// A scope of one organization.
    pub fn single(root: i64) -> Self {
        Self {
            root,
            subtree: false,
            organizations: Arc::from([root]),
        }
    }

    pub fn contains(&self, organization: i64) -> bool {
        self.organizations.binary_search(&organization).is_ok()
    }
}

/// The holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// `None` for sharegraph itself (the demo loader, imports run from the command line).
    pub token_id: Option<i64>,
    pub name: String,
    pub role: Role,
    /// The organizations the holder acts for; `None` only for admins.
    pub scope: Option<Scope>,
}

/// Who a request acts as: the public, or a token's holder; and how much of the sharing graph
/// this server shows the public (part of every caller's view, since members read the public
/// view too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    pub member: Option<Member>,
    pub public_shares: PublicShares,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn member(member: Member) -> Self {
        Self {
            member: Some(member),
            public_shares: PublicShares::default(),
        }
    }

    /// The same caller on a server that shows the public `public_shares`.
    pub fn with_public_shares(mut self, public_shares: PublicShares) -> Self {
        self.public_shares = public_shares;
        self
    }

    pub fn role(&self) -> Option<Role> {
        self.member.as_ref().map(|m| m.role)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    pub fn scope(&self) -> Option<&Scope> {
        self.member.as_ref().and_then(|m| m.scope.as_ref())
    }

    /// The organization the token names (admins read everything anyway).
    pub fn organization(&self) -> Option<i64> {
        self.scope().map(|s| s.root)
    }

    /// The organizations whose private data the caller reads, sorted; `None` for the public
    /// and admins (who read everything anyway).
    pub fn organizations(&self) -> Option<&[i64]> {
        self.scope().map(|s| &s.organizations[..])
    }

    /// Acts for `organization`: reads its private data (admins: every organization).
    pub fn acts_for(&self, organization: i64) -> bool {
        self.is_admin() || self.scope().is_some_and(|s| s.contains(organization))
    }

    /// sharegraph itself, acting with an admin's rights for command-line jobs.
    pub fn system() -> Self {
        Self::member(Member {
            token_id: None,
            name: "sharegraph (command line)".into(),
            role: Role::Admin,
            scope: None,
        })
    }

    /// May write the catalogue of `organization`: its stewards (directly or through a subtree
    /// scope) and admins.
    pub fn may_write(&self, organization: i64) -> bool {
        match self.role() {
            Some(Role::Admin) => true,
            Some(Role::Steward) => self.acts_for(organization),
            _ => false,
        }
    }

    /// May write anything at all; callers who may not are refused before any work is done.
    pub fn may_write_anything(&self) -> bool {
        matches!(self.role(), Some(Role::Admin | Role::Steward))
    }

    /// How the audit log names the caller.
    pub fn label(&self) -> String {
        match &self.member {
            Some(Member {
                name,
                token_id: Some(id),
                ..
            }) => format!("{name} (token {id})"),
            Some(m) => m.name.clone(),
            None => "anonymous".to_owned(),
        }
    }

    pub fn role_name(&self) -> &'static str {
        match self.role() {
            None => "ANONYMOUS",
            Some(Role::Viewer) => "VIEWER",
            Some(Role::Steward) => "STEWARD",
            Some(Role::Admin) => "ADMIN",
        }
    }
}
