//! `viewer`: who the caller is and what it may do, so that clients can shape their screens.

use async_graphql::{Context, Enum, ID, Object};
use entity::enums::Role;
use entity::organization as org_entity;

use super::connection::by_id;
use super::context::ContextData;
use super::ids::{self, Kind};
use super::organization::Organization;
use crate::access::Caller;
use crate::error::Result;

pub struct Viewer(Caller);

/// Whose private data a caller reads.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerScope {
    /// No token: the published catalogue only.
    Public,
    /// The token's organization (besides the published catalogue).
    Organization,
    /// The token's organization and every organization below it in the hierarchy.
    Subtree,
    /// Every organization (admins).
    Everything,
}

/// The caller of this request.
#[Object]
impl Viewer {
    /// Whether the request carried a valid token (otherwise it reads as the public).
    async fn authenticated(&self) -> bool {
        self.0.member.is_some()
    }
    /// The token's role; `null` for the public.
    async fn role(&self) -> Option<Role> {
        self.0.role()
    }
    /// The token's name.
    async fn name(&self) -> Option<&str> {
        self.0.member.as_ref().map(|m| m.name.as_str())
    }
    /// The organization the caller acts for.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(match self.0.organization() {
            Some(id) => by_id::<org_entity::Entity>(ctx, id)
                .await?
                .map(Organization),
            None => None,
        })
    }
    /// Whose private data the caller reads (and, for a steward, writes).
    async fn scope(&self) -> ViewerScope {
        if self.0.is_admin() {
            return ViewerScope::Everything;
        }
        match self.0.scope() {
            None => ViewerScope::Public,
            Some(s) if s.subtree => ViewerScope::Subtree,
            Some(_) => ViewerScope::Organization,
        }
    }
    /// How many organizations the scope covers (1 for one organization, the subtree's size
    /// for a subtree; 0 for the public and admins, who read everything public or everything).
    async fn scope_size(&self) -> i32 {
        self.0.organizations().map_or(0, |o| o.len() as i32)
    }
    /// Reads the private data of its organization (its shares, internal items, systems).
    async fn reads_own_organization(&self) -> bool {
        self.0.organization().is_some()
    }
    /// Reads everything.
    async fn reads_everything(&self) -> bool {
        self.0.is_admin()
    }
    /// May change the catalogue of some organization.
    async fn can_write(&self) -> bool {
        self.0.may_write_anything()
    }
    /// May change this organization's catalogue.
    async fn can_write_organization(
        &self,
        #[graphql(desc = "The organization's global id.")] id: ID,
    ) -> Result<bool> {
        Ok(self
            .0
            .may_write(ids::decode_as("id", &id, Kind::Organization)?))
    }
    /// May read the audit log (admins: all of it; stewards: their organization's entries).
    async fn can_read_audit_log(&self) -> bool {
        matches!(self.0.role(), Some(Role::Admin | Role::Steward))
    }
    /// May manage tokens.
    async fn can_manage_tokens(&self) -> bool {
        self.0.is_admin()
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who you are, as far as this request goes, and what you may do.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        Viewer(ctx.caller().clone())
    }
}
