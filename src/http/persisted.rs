//! Automatic persisted queries (Apollo's `persistedQuery` extension): a client sends the
//! SHA-256 of its query instead of the query; the first time the server does not know it,
//! the client sends both and the server keeps the query. A widget's GET then fits in a short
//! URL that a CDN can cache. Each replica keeps its own bounded store (losing it costs a
//! client one round trip, nothing more).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use async_graphql::Request;
use sha2::{Digest, Sha256};

/// Why a request's persisted query could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The hash is not known here: send the query with it.
    #[error("PersistedQueryNotFound")]
    NotFound,
    #[error("the persisted query's sha256Hash does not match its query")]
    HashMismatch,
    #[error("persistedQuery must be {{\"version\": 1, \"sha256Hash\": \"<64 hex digits>\"}}")]
    Malformed,
}

impl Refused {
    /// The refusal in the client's words; `PersistedQueryNotFound` is the protocol's own
    /// signal, which clients match, so it is the same in every language.
    pub fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::key(match self {
            Self::NotFound => "persisted-not-found",
            Self::HashMismatch => "persisted-hash-mismatch",
            Self::Malformed => "persisted-malformed",
        })
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::HashMismatch | Self::Malformed => "BAD_REQUEST",
        }
    }
}

/// The queries known by hash, the oldest forgotten first beyond `capacity`.
pub struct PersistedQueries {
    capacity: usize,
    inner: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    queries: HashMap<String, String>,
    order: VecDeque<String>,
}

impl PersistedQueries {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Store::default()),
        }
    }

    /// Fills in `request`'s query from its `persistedQuery` extension, or remembers the query
    /// it came with; a request without the extension is left as it is.
    pub fn resolve(&self, request: &mut Request) -> Result<(), Refused> {
        let Some(ext) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let ext = ext.clone().into_json().map_err(|_| Refused::Malformed)?;
        let hash = ext
            .get("sha256Hash")
            .and_then(|h| h.as_str())
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or(Refused::Malformed)?
            .to_ascii_lowercase();
        if ext.get("version").and_then(|v| v.as_i64()) != Some(1) {
            return Err(Refused::Malformed);
        }
        let mut store = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if request.query.is_empty() {
            let query = store.queries.get(&hash).ok_or(Refused::NotFound)?;
            request.query = query.clone();
            return Ok(());
        }
        if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(Refused::HashMismatch);
        }
        if self.capacity > 0 && !store.queries.contains_key(&hash) {
            while store.queries.len() >= self.capacity {
                match store.order.pop_front() {
                    Some(old) => store.queries.remove(&old),
                    None => break,
                };
            }
            store.order.push_back(hash.clone());
            store.queries.insert(hash, request.query.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut r = Request::new(query);
        r.extensions.insert(
            "persistedQuery".into(),
            async_graphql::Value::from_json(serde_json::json!({"version": 1, "sha256Hash": hash}))
                .unwrap(),
        );
        r
    }

    #[test]
    fn a_hash_is_refused_until_its_query_came_once_and_the_oldest_is_forgotten() {
        let store = PersistedQueries::new(1);
        let q = "{ viewer { role } }";
        let h = hex::encode(Sha256::digest(q.as_bytes()));
        assert_eq!(
            store.resolve(&mut with_hash("", &h)),
            Err(Refused::NotFound)
        );
        assert_eq!(
            store.resolve(&mut with_hash("{ other }", &h)),
            Err(Refused::HashMismatch)
        );
        store.resolve(&mut with_hash(q, &h)).unwrap();
        let mut r = with_hash("", &h);
        store.resolve(&mut r).unwrap();
        assert_eq!(r.query, q);
        let q2 = "{ organizations { totalCount } }";
        let h2 = hex::encode(Sha256::digest(q2.as_bytes()));
        store.resolve(&mut with_hash(q2, &h2)).unwrap();
        assert_eq!(
            store.resolve(&mut with_hash("", &h)),
            Err(Refused::NotFound)
        );
        assert_eq!(
            store.resolve(&mut with_hash("", "xyz")),
            Err(Refused::Malformed)
        );
    }
}
