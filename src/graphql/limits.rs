//! Limits on the shape of a query that async-graphql's own depth and complexity limits miss:
//! the length of the query text, the number of aliases (complexity exempts `__typename`, so ten
//! thousand aliased `__typename` fields pass it), and the number of root fields. Each breach is
//! answered `LIMIT_EXCEEDED` before anything runs.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Request, ServerError, ServerResult, Value, Variables};

use crate::config::Limits;

pub struct QueryShape(pub Arc<Limits>);

impl ExtensionFactory for QueryShape {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryShape(self.0.clone()))
    }
}

fn exceeded(message: String) -> ServerError {
    let mut err = ServerError::new(message, None);
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", Value::String("LIMIT_EXCEEDED".into()));
    err
}

/// Aliased fields in a selection set, fragments' own sets counted where they are defined.
fn aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|s| match &s.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn check(doc: &ExecutableDocument, limits: &Limits) -> ServerResult<()> {
    let mut total = doc
        .fragments
        .values()
        .map(|f| aliases(&f.node.selection_set.node))
        .sum::<usize>();
    for (_, op) in doc.operations.iter() {
        let set = &op.node.selection_set.node;
        total += aliases(set);
        let roots = set.items.len();
        if roots > limits.max_root_fields {
            return Err(exceeded(format!(
                "the operation selects {roots} root fields; at most {} are allowed",
                limits.max_root_fields
            )));
        }
    }
    if total > limits.max_aliases {
        return Err(exceeded(format!(
            "the query uses {total} aliases; at most {} are allowed",
            limits.max_aliases
        )));
    }
    Ok(())
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryShape {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let len = request.query.len();
        if len > self.0.max_query_bytes {
            return Err(exceeded(format!(
                "the query text is {len} bytes; at most {} are allowed",
                self.0.max_query_bytes
            )));
        }
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
        check(&doc, &self.0)?;
        Ok(doc)
    }
}
