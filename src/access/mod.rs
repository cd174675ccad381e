//! Who may see and do what (DESIGN.md §4): the caller a request acts as, bearer tokens, the
//! visibility rules every read goes through, and per-caller rate limits.

pub mod rate_limit;
pub mod token;
pub mod visibility;

pub use entity::enums::Role;

/// The holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// `None` for sharegraph itself (the demo loader, imports run from the command line).
    pub token_id: Option<i64>,
    pub name: String,
    pub role: Role,
    /// The organization the holder acts for; `None` only for admins.
    pub organization: Option<i64>,
}

/// Who a request acts as: the public, or a token's holder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    pub member: Option<Member>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self { member: None }
    }

    pub fn member(member: Member) -> Self {
        Self {
            member: Some(member),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.member.as_ref().map(|m| m.role)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    /// The organization whose private data the caller reads (admins read everything anyway).
    pub fn organization(&self) -> Option<i64> {
        self.member.as_ref().and_then(|m| m.organization)
    }

    /// sharegraph itself, acting with an admin's rights for command-line jobs.
    pub fn system() -> Self {
        Self::member(Member {
            token_id: None,
            name: "sharegraph (command line)".into(),
            role: Role::Admin,
            organization: None,
        })
    }

    /// May write the catalogue of `organization`: its stewards and admins.
    pub fn may_write(&self, organization: i64) -> bool {
        match &self.member {
            Some(m) => {
                m.role == Role::Admin
                    || (m.role == Role::Steward && m.organization == Some(organization))
            }
            None => false,
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
