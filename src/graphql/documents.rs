//! Parsed documents kept by their text.
//!
//! Dashboards and portal widgets send the same few queries over and over, and parsing one
//! (async-graphql's parser is built on pest) cost more than any other step of a small read:
//! about a fifth of the server's instructions for one database with its items' count. A
//! document is a function of its text alone, so a parse is kept and cloned for each request
//! that sends the same text again. The store is bounded by the text it holds; when a new
//! document does not fit, the store starts over (a flood of distinct queries then parses each
//! as it would without the store).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;

/// Text, in bytes, the store holds at most (its documents take a few times that).
const TEXT_BUDGET: usize = 1 << 20;

#[derive(Default)]
pub struct Documents {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    by_text: HashMap<Box<str>, Arc<ExecutableDocument>>,
    text_bytes: usize,
}

impl Documents {
    /// The document parsed from `text` before, if kept.
    pub fn get(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        self.lock().by_text.get(text).cloned()
    }

    /// Keeps `doc`, parsed from `text`.
    pub fn keep(&self, text: &str, doc: Arc<ExecutableDocument>) {
        if text.len() > TEXT_BUDGET / 16 {
            return;
        }
        let mut kept = self.lock();
        if kept.text_bytes + text.len() > TEXT_BUDGET {
            *kept = Kept::default();
        }
        if kept.by_text.insert(text.into(), doc).is_none() {
            kept.text_bytes += text.len();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Arc<ExecutableDocument> {
        Arc::new(async_graphql::parser::parse_query(text).unwrap())
    }

    #[test]
    fn a_document_is_found_by_its_exact_text() {
        let documents = Documents::default();
        let text = "{ organization(code: \"000.05.39.H57\") { name } }";
        documents.keep(text, doc(text));
        assert!(documents.get(text).is_some());
        assert!(documents.get(&text.replace("H57", "H58")).is_none());
    }

    #[test]
    fn the_store_is_bounded_by_its_text() {
        let documents = Documents::default();
        let long = format!(
            "{{ __typename {} }}",
            "__typename ".repeat(TEXT_BUDGET / 16)
        );
        documents.keep(&long, doc("{ __typename }"));
        assert!(
            documents.get(&long).is_none(),
            "a text past the share is not kept"
        );
        let texts: Vec<String> = (0..60_000)
            .map(|i| format!("query Q{i} {{ __typename }}"))
            .collect();
        let parsed = doc("{ __typename }");
        for text in &texts {
            documents.keep(text, parsed.clone());
            assert!(documents.lock().text_bytes <= TEXT_BUDGET);
        }
        // The last one kept is there; the first went when the store started over.
        assert!(documents.get(texts.last().unwrap()).is_some());
        assert!(documents.get(&texts[0]).is_none());
    }
}
