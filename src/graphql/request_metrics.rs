//! Counts every GraphQL operation for `/metrics`, from inside the engine: the operation name
//! comes from the request or from the document the engine has parsed anyway, and the error
//! codes from the response once [`super::errors::ErrorCodes`] has set them.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerResult, Value, Variables};

use crate::metrics::Metrics;

pub struct RequestMetrics;

impl ExtensionFactory for RequestMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Recording::default())
    }
}

/// One request's operation name, learnt as the engine prepares and parses it.
#[derive(Default)]
struct Recording {
    operation: Mutex<Option<String>>,
}

impl Recording {
    fn set(&self, name: Option<String>) {
        *self.operation.lock().unwrap_or_else(|e| e.into_inner()) = name;
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Recording {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        if let Some(metrics) = ctx.data_opt::<Arc<Metrics>>() {
            let codes: Vec<String> = response
                .errors
                .iter()
                .map(
                    |e| match e.extensions.as_ref().and_then(|x| x.get("code")) {
                        Some(Value::String(code)) => code.clone(),
                        _ => "UNKNOWN".into(),
                    },
                )
                .collect();
            let operation = self
                .operation
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            metrics.request(operation.as_deref(), started.elapsed(), &codes, false);
        }
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.set(request.operation_name.clone());
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        // Without an `operationName`, a document's only operation is the one that runs.
        let named = self
            .operation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        if !named {
            let mut operations = doc.operations.iter();
            if let (Some((name, _)), None) = (operations.next(), operations.next()) {
                self.set(name.map(|n| n.to_string()));
            }
        }
        Ok(doc)
    }
}
