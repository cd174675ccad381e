//! Limits on the shape of a query that async-graphql's own depth and complexity limits miss:
//! the length of the query text, the number of aliases (complexity exempts `__typename`, so ten
//! thousand aliased `__typename` fields pass it), and the number of root fields. Each breach is
//! answered `LIMIT_EXCEEDED` before anything runs (checked by [`super::engine::Engine`]).

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult};

use super::errors::refusal;
use crate::i18n::Text;

use crate::config::Limits;

/// How async-graphql and its parser word the limits they enforce (depth, complexity,
/// directives, nesting while parsing and in fragments); they give them no code of their own.
const LIBRARY_LIMITS: [&str; 5] = [
    "Query is nested too deep",
    "Query is too complex",
    "The number of directives",
    "The recursion depth of the query",
    "recursion limit exceeded",
];

/// Whether an uncoded error from async-graphql is one of its limits.
pub fn is_library_limit(message: &str) -> bool {
    LIBRARY_LIMITS.iter().any(|m| message.starts_with(m))
}

pub(super) fn exceeded(text: Text) -> ServerError {
    refusal(text, "LIMIT_EXCEEDED")
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

pub(super) fn check(doc: &ExecutableDocument, limits: &Limits) -> ServerResult<()> {
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
            return Err(exceeded(
                Text::key("root-fields-max")
                    .arg("count", roots)
                    .arg("max", limits.max_root_fields),
            ));
        }
    }
    if total > limits.max_aliases {
        return Err(exceeded(
            Text::key("aliases-max")
                .arg("count", total)
                .arg("max", limits.max_aliases),
        ));
    }
    Ok(())
}
