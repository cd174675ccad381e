//! An answer's fields in the order its query asks for them.
//!
//! GraphQL answers each object's fields in the order of its selection set (fragments spread
//! in place). async-graphql 7 resolves an object's fields concurrently and keys the answer in
//! the order they finish, so the same query could be written in a different order from one
//! request to the next (and a cached answer's `ETag` with it). This puts each object's keys
//! back in the selection's order after execution.

use std::cell::OnceCell;

use async_graphql::Value;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned};

/// Orders `data`, the answer of `doc`'s operation `operation` (by name; `None` if the document
/// holds just one).
pub fn by_selection(data: &mut Value, doc: &ExecutableDocument, operation: Option<&str>) {
    let op = doc
        .operations
        .iter()
        .find(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation);
    if let Some((_, op)) = op {
        order(data, &Plan::of(&[&op.node.selection_set.node], doc), doc);
    }
}

/// The response keys one place of the answer has, in order, each with the selection sets asked
/// under it and their plan, made once for all the objects at that place (a list's elements).
struct Plan<'a> {
    keys: Vec<(&'a Name, Vec<&'a SelectionSet>, OnceCell<Plan<'a>>)>,
}

impl<'a> Plan<'a> {
    fn of(sets: &[&'a SelectionSet], doc: &'a ExecutableDocument) -> Self {
        let mut keys = Vec::new();
        for set in sets {
            collect(set, doc, &mut keys, 0);
        }
        Self { keys }
    }
}

/// Orders `value` by `plan`.
fn order<'a>(value: &mut Value, plan: &Plan<'a>, doc: &'a ExecutableDocument) {
    match value {
        Value::List(items) => {
            for item in items {
                order(item, plan, doc);
            }
        }
        Value::Object(map) => {
            let in_order = map
                .keys()
                .zip(plan.keys.iter().filter(|(key, ..)| map.contains_key(*key)))
                .all(|(have, (want, ..))| have == *want);
            if !in_order {
                let mut ordered = IndexMap::with_capacity(map.len());
                for (key, ..) in &plan.keys {
                    if let Some(v) = map.swap_remove(*key) {
                        ordered.insert((*key).clone(), v);
                    }
                }
                // Nothing else should be there; whatever is keeps its place at the end.
                ordered.extend(map.drain(..));
                *map = ordered;
            }
            for (key, subsets, child) in &plan.keys {
                if let Some(value) = map.get_mut(*key)
                    && subsets.iter().any(|set| !set.items.is_empty())
                {
                    order(value, child.get_or_init(|| Plan::of(subsets, doc)), doc);
                }
            }
        }
        _ => {}
    }
}

/// Fragments nest at most this deep (validation already refuses cycles).
const MAX_SPREAD_DEPTH: usize = 64;

/// Appends the response keys of `set` (fragments spread in place) to `keys`, each once, with
/// the selection sets asked under it.
fn collect<'a>(
    set: &'a SelectionSet,
    doc: &'a ExecutableDocument,
    keys: &mut Vec<(&'a Name, Vec<&'a SelectionSet>, OnceCell<Plan<'a>>)>,
    depth: usize,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(Positioned { node: field, .. }) => {
                let key = &field.response_key().node;
                let sub = &field.selection_set.node;
                match keys.iter_mut().find(|(k, ..)| *k == key) {
                    Some((_, subsets, _)) => subsets.push(sub),
                    None => keys.push((key, vec![sub], OnceCell::new())),
                }
            }
            Selection::InlineFragment(fragment) if depth < MAX_SPREAD_DEPTH => {
                collect(&fragment.node.selection_set.node, doc, keys, depth + 1);
            }
            Selection::FragmentSpread(spread) if depth < MAX_SPREAD_DEPTH => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    collect(&fragment.node.selection_set.node, doc, keys, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(query: &str, data: serde_json::Value) -> String {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let mut value = Value::from_json(data).unwrap();
        by_selection(&mut value, &doc, None);
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn keys_follow_the_selection_fragments_and_aliases_included() {
        let query = "{ b: organizations { totalCount nodes { name ...F } } a: __typename } \
                     fragment F on Organization { code ... on Organization { level name } }";
        // serde_json's map sorts keys: every object arrives out of the query's order.
        let data = serde_json::json!({
            "a": "Query",
            "b": {
                "nodes": [
                    { "code": "H57", "level": "DISTRICT", "name": "Phòng Tài nguyên và Môi trường huyện Nam Đông" },
                    { "code": "G08", "level": "CENTRAL", "name": "Bộ Công an" }
                ],
                "totalCount": 2
            }
        });
        assert_eq!(
            ordered(query, data),
            r#"{"b":{"totalCount":2,"nodes":[{"name":"Phòng Tài nguyên và Môi trường huyện Nam Đông","code":"H57","level":"DISTRICT"},{"name":"Bộ Công an","code":"G08","level":"CENTRAL"}]},"a":"Query"}"#
        );
    }

    #[test]
    fn the_named_operation_is_the_one_ordered_and_null_stays_null() {
        let query = "query One { y x } query Two { x y }";
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let mut value = Value::from_json(serde_json::json!({ "x": 1, "y": null })).unwrap();
        by_selection(&mut value, &doc, Some("One"));
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"y":null,"x":1}"#
        );
        let mut null = Value::Null;
        by_selection(&mut null, &doc, Some("Two"));
        assert_eq!(null, Value::Null);
    }
}
