//! `search`: one box for the whole catalogue (organizations, databases, data items, services,
//! open datasets), ranked, Vietnamese-diacritic-insensitive, through the full-text indexes.

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, SimpleObject};

use super::connection::{Described, offset_page, offset_window};
use super::context::ContextData;
use super::ids::Kind;
use super::node::{Node, load_node};
use crate::domain::search::{self as rules, SearchType};
use crate::error::Result;

fn kind(t: SearchType) -> Kind {
    match t {
        SearchType::Organization => Kind::Organization,
        SearchType::Database => Kind::Database,
        SearchType::DataItem => Kind::DataItem,
        SearchType::DataService => Kind::DataService,
        SearchType::OpenDataset => Kind::OpenDataset,
    }
}

/// What a search says about itself besides its results.
#[derive(SimpleObject)]
pub struct SearchInfo {
    /// Some type had more matches than a search ranks (`SHAREGRAPH_SEARCH_RANKED` per type,
    /// the shortest names first): the best results are among those ranked, since a shorter
    /// name scores higher, but the rest are not found. More words, or fewer `types`, narrow it.
    pub truncated: bool,
}

/// One search result.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Relevance: higher is better, comparable within one search only.
    pub score: f64,
    /// The object found.
    pub node: Node,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Finds organizations, databases, data items, services and open datasets by name or code,
    /// best first. Case and Vietnamese diacritics do not matter ("dan cu" finds "Dân cư",
    /// "dat dai" finds "Đất đai"); every word must match, the last one (from two characters on)
    /// also as the start of a word. Only what the caller may read is found. Pages go 1,000
    /// results deep. Of each type, the first 1,000 matches with the shortest names are ranked
    /// (`truncated` says when there were more).
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The words to look for, in any order, with or without Vietnamese diacritics; a code or its prefix finds the object by code."
        )]
        query: String,
        #[graphql(desc = "Only these kinds of objects (default: all).")] types: Option<
            Vec<SearchType>,
        >,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
    ) -> Result<Described<Connection<String, SearchHit, SearchInfo>>> {
        let (offset, limit) = offset_window(ctx, first, after.as_deref())?;
        let targets = types.unwrap_or_default();
        let rules::Found {
            hits,
            more,
            truncated,
        } = rules::search(
            ctx.db(),
            ctx.caller(),
            &query,
            &targets,
            (offset, limit),
            ctx.limits().search_ranked,
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
        Ok(offset_page(offset, found, more, SearchInfo { truncated }))
    }
}
