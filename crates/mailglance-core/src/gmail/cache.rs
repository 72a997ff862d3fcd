//! Rows already fetched for one account, in memory: a page whose ids are all here costs
//! one `messages.list` call.
//!
//! Not here: noticing that a cached message's labels changed (that needs
//! `history.list`), or keeping rows across launches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::rows::Row;

/// Rows already fetched for one account, by message id: a page whose ids are all here
/// costs one `messages.list` call. Cheap to clone (shared); safe to use from any task.
#[derive(Debug, Clone, Default)]
pub struct RowCache {
    rows: Arc<Mutex<HashMap<String, Row>>>,
}

/// Beyond this many rows the cache starts over, so a long scroll cannot grow it forever.
const CACHE_LIMIT: usize = 20_000;

impl RowCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Row>> {
        self.rows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached row of a message.
    pub fn get(&self, id: &str) -> Option<Row> {
        self.lock().get(id).cloned()
    }

    pub(super) fn missing(&self, ids: &[&str]) -> Vec<String> {
        let rows = self.lock();
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if !rows.contains_key(*id) && !out.iter().any(|o| o == id) {
                out.push((*id).to_owned());
            }
        }
        out
    }

    pub(super) fn keep(&self, fresh: HashMap<String, Row>) {
        let mut rows = self.lock();
        if rows.len() + fresh.len() > CACHE_LIMIT {
            rows.clear();
        }
        rows.extend(fresh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_names_only_what_it_lacks_once_each() {
        let cache = RowCache::new();
        let mut fresh = HashMap::new();
        let row = Row {
            id: "a".into(),
            thread_id: "a".into(),
            from_name: None,
            from_address: "x@y".into(),
            subject: None,
            snippet: String::new(),
            date_ms: 0,
            unread: false,
            starred: false,
            important: false,
            labels: Vec::new(),
        };
        fresh.insert("a".to_owned(), row);
        cache.keep(fresh);
        assert_eq!(cache.missing(&["a", "b", "b", "c"]), vec!["b", "c"]);
        assert_eq!(cache.get("a").unwrap().from_address, "x@y");
    }
}
