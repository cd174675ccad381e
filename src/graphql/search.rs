//! `search`: one box for the whole catalogue (organizations, databases, data items, services,
//! open datasets), ranked, Vietnamese-diacritic-insensitive, through the full-text indexes.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use super::connection::{offset_page, offset_window};
use super::ids::Kind;
use super::node::{Node, load_node};
use crate::access::Caller;
use crate::domain::search::{self as rules, Target};
use crate::error::Result;

/// What `search` looks through.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchType {
    Organization,
    Database,
    DataItem,
    DataService,
    OpenDataset,
}

impl From<SearchType> for Target {
    fn from(t: SearchType) -> Self {
        match t {
            SearchType::Organization => Target::Organization,
            SearchType::Database => Target::Database,
            SearchType::DataItem => Target::DataItem,
            SearchType::DataService => Target::DataService,
            SearchType::OpenDataset => Target::OpenDataset,
        }
    }
}

fn kind(t: Target) -> Kind {
    match t {
        Target::Organization => Kind::Organization,
        Target::Database => Kind::Database,
        Target::DataItem => Kind::DataItem,
        Target::DataService => Kind::DataService,
        Target::OpenDataset => Kind::OpenDataset,
    }
}

/// One search result.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Relevance: higher is better, comparable within one search only.
    pub score: f64,
    pub node: Node,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Finds organizations, databases, data items, services and open datasets by name or code,
    /// best first. Case and Vietnamese diacritics do not matter ("dan cu" finds "Dân cư",
    /// "dat dai" finds "Đất đai"); every word must match, as a word or the start of one. Only
    /// what the caller may read is found. Pages go 1,000 results deep.
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        types: Option<Vec<SearchType>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, SearchHit>> {
        let (offset, limit) = offset_window(ctx, first, after.as_deref())?;
        let targets: Vec<Target> = types
            .unwrap_or_default()
            .into_iter()
            .map(Target::from)
            .collect();
        let (hits, more) = rules::search(
            ctx.data_unchecked::<DatabaseConnection>(),
            ctx.data_unchecked::<Caller>(),
            &query,
            &targets,
            offset,
            limit,
        )
        .await?;
        // Loaded together through the request's loaders (one statement per type), as the
        // caller.
        let nodes = futures_util::future::join_all(
            hits.iter()
                .map(|hit| load_node(ctx, kind(hit.target), hit.id)),
        )
        .await;
        let mut found = Vec::with_capacity(hits.len());
        for (hit, node) in hits.into_iter().zip(nodes) {
            if let Some(node) = node? {
                found.push(SearchHit {
                    score: hit.score,
                    node,
                });
            }
        }
        Ok(offset_page(offset, found, more))
    }
}
