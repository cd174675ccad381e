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

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use super::AppSchema;
use super::errors::{classify, refusal, with_code};
use super::idle::{Idle, Tracked};
use super::limits;
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
}

/// What is known of an operation before it runs.
struct Admitted {
    /// The operation's name as sent, or the document's only operation's name.
    name: Option<String>,
    /// The kind of the operation that will run (none when the document does not say which).
    kind: Option<OperationType>,
}

impl Engine {
    pub fn new(
        schema: AppSchema,
        limits: Arc<Limits>,
        metrics: Arc<Metrics>,
        feed: Arc<Feed>,
    ) -> Self {
        Self {
            schema,
            limits,
            metrics,
            feed,
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

    /// Checks the text's length, parses it (once: the schema runs the parsed document) and
    /// checks its shape. Parse errors and breached limits carry their code already.
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
        let doc = request.parsed_query().map_err(|err| {
            // The parser's nesting guard is a limit; everything else it refuses is syntax.
            let code = if limits::is_library_limit(&err.message) {
                "LIMIT_EXCEEDED"
            } else {
                "GRAPHQL_PARSE_FAILED"
            };
            with_code(err, code)
        })?;
        limits::check(doc, &self.limits)?;
        let mut operations = doc.operations.iter();
        let admitted = match given {
            Some(name) => Admitted {
                kind: operations
                    .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                    .map(|(_, op)| op.node.ty),
                name: Some(name),
            },
            None => match (operations.next(), operations.next()) {
                (Some((name, op)), None) => Admitted {
                    name: name.map(|n| n.to_string()),
                    kind: Some(op.node.ty),
                },
                _ => Admitted {
                    name: None,
                    kind: None,
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
                // The loaders send their batches when this execution parks.
                let idle = Idle::of(&request.data);
                let execution = self.schema.execute(request);
                let response = classified(
                    match idle {
                        Some(idle) => Tracked::new(execution, idle).await,
                        None => execution.await,
                    },
                    lang,
                );
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
        let refusal = match self.admit(&mut request) {
            Err(err) => Some(err),
            Ok(Admitted {
                kind: Some(OperationType::Query | OperationType::Mutation),
                ..
            }) => Some(refusal(Text::key("ws-subscriptions-only"), "BAD_REQUEST")),
            Ok(_) => None,
        };
        match refusal {
            Some(err) => futures_util::stream::once(std::future::ready(refused(err, lang))).boxed(),
            None => self
                .schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(move |r| classified(r, lang))
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
