//! The one pass every operation makes around the schema: limits on its text and shape, a
//! stable `extensions.code` on each error, `/metrics`, waking the event feed after a mutation,
//! and keeping streams (the WebSocket) to subscriptions.
//!
//! This is done here, once per operation, rather than in async-graphql extensions: with any
//! extension installed, async-graphql resolves every field and list element through a slower
//! path (a registry lookup, a type name and a boxed future per extension), which cost about a
//! tenth of the CPU of a large nested read.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use tokio::sync::Semaphore;

use super::AppSchema;
use super::connection::QueryOperation;
use super::documents::Documents;
use super::errors::{classify, refusal, with_code};
use super::idle::{Idle, Tracked};
use super::{limits, order};
use crate::config::Limits;
use crate::domain::events::Feed;
use crate::i18n::{Lang, Text};
use crate::metrics::Metrics;

/// The schema with what runs around each of its operations. Cheap to clone (all shared).
#[derive(Clone)]
pub struct Engine {
    schema: AppSchema,
    limits: Arc<Limits>,
    metrics: Arc<Metrics>,
    feed: Arc<Feed>,
    /// Places for operations executing at once ([`Limits::concurrent_operations`]).
    places: Arc<Semaphore>,
    /// Documents parsed before, by their text.
    documents: Arc<Documents>,
}

/// What is known of an operation before it runs.
struct Admitted {
    /// The operation's name as sent, or the document's only operation's name.
    name: Option<String>,
    /// The kind of the operation that will run (none when the document does not say which).
    kind: Option<OperationType>,
    /// The document, kept to put the answer's fields in its order ([`order`]).
    doc: Arc<ExecutableDocument>,
}

impl Engine {
    pub fn new(
        schema: AppSchema,
        limits: Arc<Limits>,
        metrics: Arc<Metrics>,
        feed: Arc<Feed>,
    ) -> Self {
        let places = Arc::new(Semaphore::new(limits.concurrent_operations()));
        Self {
            schema,
            limits,
            metrics,
            feed,
            places,
            documents: Arc::default(),
        }
    }

    /// The language the request's messages are written in: the one its HTTP request asked
    /// for (`Accept-Language`), else the server's (`SHAREGRAPH_LANG`).
    fn lang_of(&self, data: &Data) -> Lang {
        data.get(&std::any::TypeId::of::<Lang>())
            .and_then(|l| l.downcast_ref::<Lang>())
            .copied()
            .unwrap_or(self.limits.lang)
    }

    /// The document `query` parses to, within the limits on its shape: kept from an earlier
    /// request that sent the same text, or parsed (and kept) now. Parse errors and breached
    /// limits carry their code.
    pub fn document(&self, query: &str) -> Result<Arc<ExecutableDocument>, ServerError> {
        if let Some(doc) = self.documents.get(query) {
            return Ok(doc);
        }
        let doc = async_graphql::parser::parse_query(query).map_err(|err| {
            let err = ServerError::from(err);
            // The parser's nesting guard is a limit; everything else it refuses is syntax.
            let code = if limits::is_library_limit(&err.message) {
                "LIMIT_EXCEEDED"
            } else {
                "GRAPHQL_PARSE_FAILED"
            };
            with_code(err, code)
        })?;
        limits::check(&doc, &self.limits)?;
        let doc = Arc::new(doc);
        self.documents.keep(query, doc.clone());
        Ok(doc)
    }

    /// Checks the text's length and gives the request its document (parsed once: the schema
    /// runs it, not another parse).
    fn admit(&self, request: &mut Request) -> Result<Admitted, ServerError> {
        let len = request.query.len();
        if len > self.limits.max_query_bytes {
            return Err(limits::exceeded(
                Text::key("query-bytes-max")
                    .arg("size", len)
                    .arg("max", self.limits.max_query_bytes),
            ));
        }
        let given = request.operation_name.clone();
        let kept = self.document(&request.query)?;
        request.set_parsed_query((*kept).clone());
        let doc = &*kept;
        let mut operations = doc.operations.iter();
        let admitted = match given {
            Some(name) => Admitted {
                kind: operations
                    .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                    .map(|(_, op)| op.node.ty),
                name: Some(name),
                doc: kept,
            },
            None => match (operations.next(), operations.next()) {
                (Some((name, op)), None) => Admitted {
                    name: name.map(|n| n.to_string()),
                    kind: Some(op.node.ty),
                    doc: kept,
                },
                _ => Admitted {
                    name: None,
                    kind: None,
                    doc: kept,
                },
            },
        };
        Ok(admitted)
    }
}

fn classified(mut response: Response, lang: Lang) -> Response {
    response.errors.iter_mut().for_each(|e| classify(e, lang));
    response
}

fn refused(err: ServerError, lang: Lang) -> Response {
    classified(Response::from_errors(vec![err]), lang)
}

impl Executor for Engine {
    async fn execute(&self, mut request: Request) -> Response {
        let started = Instant::now();
        let lang = self.lang_of(&request.data);
        let (response, name) = match self.admit(&mut request) {
            Err(err) => (refused(err, lang), request.operation_name.clone()),
            Ok(admitted) => {
                // Past the cap, an operation waits for a place (within the request's timeout)
                // rather than adding its memory to a pile of half-built answers that finish no
                // sooner for running side by side on the same cores. The semaphore is never
                // closed, so a failed acquire cannot happen; run unguarded if it did.
                let _place = self.places.acquire().await.ok();
                if admitted.kind == Some(OperationType::Query) {
                    request.data.insert(QueryOperation);
                }
                // The loaders send their batches when this execution parks.
                let idle = Idle::of(&request.data);
                let execution = self.schema.execute(request);
                let mut response = match idle {
                    Some(idle) => Tracked::new(execution, idle).await,
                    None => execution.await,
                };
                order::by_selection(&mut response.data, &admitted.doc, admitted.name.as_deref());
                let response = classified(response, lang);
                if admitted.kind == Some(OperationType::Mutation) {
                    // Subscribers on this replica hear of the write now, not at the next poll.
                    self.feed.wake();
                }
                (response, admitted.name)
            }
        };
        let codes: Vec<String> = response.errors.iter().map(code_of).collect();
        self.metrics
            .request(name.as_deref(), started.elapsed(), &codes, false);
        response
    }

    /// Streams are for subscriptions only: queries and mutations belong on `POST /graphql`,
    /// where rate limits and timeouts apply.
    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let lang = session_data
            .as_deref()
            .map_or(self.limits.lang, |data| self.lang_of(data));
        let admitted = match self.admit(&mut request) {
            Err(err) => Err(err),
            Ok(Admitted {
                kind: Some(OperationType::Query | OperationType::Mutation),
                ..
            }) => Err(refusal(Text::key("ws-subscriptions-only"), "BAD_REQUEST")),
            Ok(admitted) => Ok(admitted),
        };
        match admitted {
            Err(err) => futures_util::stream::once(std::future::ready(refused(err, lang))).boxed(),
            Ok(admitted) => self
                .schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(move |mut r| {
                    order::by_selection(&mut r.data, &admitted.doc, admitted.name.as_deref());
                    classified(r, lang)
                })
                .boxed(),
        }
    }
}

fn code_of(err: &ServerError) -> String {
    match err.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(code)) => code.clone(),
        _ => "UNKNOWN".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::access::rate_limit::RateLimits;

    async fn engine(places: usize) -> Engine {
        // `{ __typename }` reads no table.
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let limits = Limits {
            max_concurrent_operations: places,
            ..Limits::default()
        };
        let feed = Feed::start(db.clone(), Duration::from_secs(3600), 16);
        super::super::build(
            db,
            Arc::new(limits),
            Arc::new(RateLimits::new(0, 0, 0)),
            Arc::default(),
            feed,
        )
    }

    #[tokio::test]
    async fn an_operation_past_the_cap_waits_for_a_place() {
        let engine = Arc::new(engine(1).await);
        let held = engine.places.clone().acquire_owned().await.unwrap();
        let waiting = tokio::spawn({
            let engine = engine.clone();
            async move { engine.execute(Request::new("{ __typename }")).await }
        });
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert!(!waiting.is_finished(), "it ran without a place");
        // Refusing a request needs no place: a malformed one is answered at once.
        let refused = engine.execute(Request::new("{")).await;
        assert_eq!(code_of(&refused.errors[0]), "GRAPHQL_PARSE_FAILED");
        drop(held);
        let answered = waiting.await.unwrap();
        assert!(answered.errors.is_empty(), "{:?}", answered.errors);
        assert_eq!(engine.places.available_permits(), 1);
    }

    #[test]
    fn the_default_cap_is_four_operations_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(Limits::default().concurrent_operations(), 4 * cores);
        let one = Limits {
            max_concurrent_operations: 1,
            ..Limits::default()
        };
        assert_eq!(one.concurrent_operations(), 1);
    }
}
