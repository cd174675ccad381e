//! Bearer tokens: created at random and shown once; only their SHA-256 is stored, so a leaked
//! database does not leak credentials. 32 random bytes make a brute-force search hopeless, so
//! a plain (unsalted, fast) hash is enough and lets a request be authenticated by one indexed
//! lookup.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use entity::api_token::{ActiveModel, Column, Entity, Model};
use entity::organization;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use super::{Caller, Member, Role, Scope};
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Every token starts with this, so that secret scanners and people can recognise one.
pub const PREFIX: &str = "sg_";

/// Why a presented token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("the Authorization header must be `Bearer <token>`")]
    Malformed,
    #[error("unknown token")]
    Unknown,
    /// Answered as an unknown token: a caller who is refused learns nothing about which
    /// tokens exist or existed.
    #[error("unknown token")]
    Revoked,
}

impl Refused {
    /// The refusal in the client's words.
    pub fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::key(match self {
            Self::Malformed => "token-malformed",
            Self::Unknown | Self::Revoked => "token-unknown",
        })
    }
}

/// A new token and its stored row; the token text exists only here.
pub struct Issued {
    pub token: String,
    pub row: Model,
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a token for `role`, acting for the organization with code `org_code` (and with
/// `subtree`, for every organization below it too).
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    org_code: Option<&str>,
    subtree: bool,
) -> Result<Issued> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::bad_input("name", Text::key("token-name")));
    }
    let organization = match org_code {
        Some(code) => Some(
            organization::Entity::find()
                // Agency codes are capitals and digits: `000.04.39.h57` is `000.04.39.H57`.
                .filter(organization::Column::Code.eq(code.trim().to_ascii_uppercase()))
                .one(db)
                .await?
                .ok_or_else(|| {
                    Error::bad_input(
                        "org",
                        Text::key("organization-unknown-code").arg("code", code),
                    )
                })?
                .id,
        ),
        None if role == Role::Admin => None,
        None => {
            return Err(Error::bad_input(
                "org",
                Text::key("token-needs-organization"),
            ));
        }
    };
    if subtree && organization.is_none() {
        return Err(Error::bad_input(
            "subtree",
            Text::key("token-subtree-needs-organization"),
        ));
    }
    let token = format!(
        "{PREFIX}{}",
        URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    );
    let row = ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role),
        organization_id: Set(organization),
        subtree: Set(subtree),
        token_hash: Set(hash(&token)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Issued { token, row })
}

/// All tokens, newest last.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>> {
    Ok(Entity::find().order_by_asc(Column::Id).all(db).await?)
}

/// The codes of the organizations `tokens` act for, by id.
pub async fn organization_codes(
    db: &impl ConnectionTrait,
    tokens: &[Model],
) -> Result<std::collections::HashMap<i64, String>> {
    let ids: Vec<i64> = tokens.iter().filter_map(|t| t.organization_id).collect();
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect())
}

/// Whether the token `id` no longer authenticates (revoked, or gone).
pub async fn is_revoked(db: &impl ConnectionTrait, id: i64) -> Result<bool> {
    Ok(Entity::find_by_id(id)
        .one(db)
        .await?
        .is_none_or(|t| t.revoked_at.is_some()))
}

/// Revokes a token; revoking one twice is harmless.
pub async fn revoke(db: &impl ConnectionTrait, id: i64) -> Result<Model> {
    let row = Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("Token", id))?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let mut active: ActiveModel = row.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(active.update(db).await?)
}

/// The caller an `Authorization` header value stands for; no header is the public.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    header: Option<&[u8]>,
) -> Result<Result<Caller, Refused>> {
    let Some(header) = header else {
        return Ok(Ok(Caller::anonymous()));
    };
    let token = std::str::from_utf8(header)
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(PREFIX) && t.len() < 100 && !t.contains(char::is_whitespace));
    let Some(token) = token else {
        return Ok(Err(Refused::Malformed));
    };
    let row = Entity::find()
        .filter(Column::TokenHash.eq(hash(token)))
        .one(db)
        .await?;
    Ok(match row {
        None => Err(Refused::Unknown),
        Some(r) if r.revoked_at.is_some() => Err(Refused::Revoked),
        Some(r) => {
            let scope = match r.organization_id {
                None => None,
                Some(root) if r.subtree => Some(Scope {
                    root,
                    subtree: true,
                    organizations: crate::store::hierarchy::subtree(db, root).await?.into(),
                }),
                Some(root) => Some(Scope::single(root)),
            };
            Ok(Caller::member(Member {
                token_id: Some(r.id),
                name: r.name,
                role: r.role,
                scope,
            }))
        }
    })
}
