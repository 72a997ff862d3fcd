//! One page of the message list.
//!
//! A page is one `messages.list` call (5 units), then the metadata of the messages not yet
//! in the account's [`RowCache`], fetched through the transport's batches of at most 50
//! (LESSONS.md, Listing): a refresh of an unchanged page costs the list call only.
//!
//! Not here: retries and tokens (`transport.rs`), or noticing that a cached message's
//! labels changed (that needs `history.list`).

use std::collections::HashMap;

use serde::Deserialize;

use super::Gmail;
use super::api::{Message, MessageList};
use super::cache::RowCache;
use super::quota::Method;
use super::rows::{Row, row_from};
use super::transport::{TokenSource, path_segment};

/// What page of which list to fetch: what the window asks for, and what the command
/// line builds from its flags.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageQuery {
    /// Gmail search-box syntax (`is:unread from:ana`); `None` or blank for everything.
    pub q: Option<String>,
    /// Only messages carrying all of these label ids.
    pub label_ids: Vec<String>,
    /// The cursor from the previous [`Page`]; `None` for the first page.
    pub page_token: Option<String>,
    /// Rows per page, 1 to 500 (Gmail's maximum); 0 means the default, 50.
    pub max_results: u32,
}

impl Default for PageQuery {
    fn default() -> Self {
        Self {
            q: None,
            label_ids: Vec::new(),
            page_token: None,
            max_results: DEFAULT_PAGE,
        }
    }
}

const DEFAULT_PAGE: u32 = 50;

/// One page of rows, in Gmail's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The rows; a message deleted between the list and the metadata calls is left out.
    pub rows: Vec<Row>,
    /// The cursor of the next page, `None` on the last.
    pub next_page_token: Option<String>,
    /// Gmail's estimate of all matches.
    pub result_size_estimate: u64,
}

/// `messages.get` for what a row shows (the `From`, `Subject` and `Date` headers).
pub fn metadata_path(id: &str) -> String {
    format!(
        "messages/{}?format=metadata\
         &metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date",
        path_segment(id)
    )
}

impl Gmail {
    /// One page of the list: `messages.list`, then `From`, `Subject` and `Date` of the
    /// messages not in `cache` through batched `messages.get?format=metadata`. Rows come
    /// in the list's order; the cache keeps the new ones.
    ///
    /// Errors: `InvalidPageToken` (start again from the first page), and the others once
    /// the retries are spent.
    pub async fn list_page<S: TokenSource + ?Sized>(
        &self,
        tokens: &S,
        query: &PageQuery,
        cache: &RowCache,
    ) -> Result<Page, S::Error> {
        let max = match query.max_results {
            0 => DEFAULT_PAGE,
            n => n.min(500),
        };
        let mut params: Vec<(&str, String)> = vec![("maxResults", max.to_string())];
        if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
            params.push(("q", q.to_owned()));
        }
        for id in &query.label_ids {
            params.push(("labelIds", id.clone()));
        }
        if let Some(t) = query.page_token.as_deref().filter(|t| !t.is_empty()) {
            params.push(("pageToken", t.to_owned()));
        }
        let list: MessageList = self
            .transport
            .get(tokens, Method::MessagesList, "messages", &params)
            .await?;

        let ids: Vec<&str> = list.messages.iter().map(|m| m.id.as_str()).collect();
        let missing = cache.missing(&ids);
        let paths: Vec<String> = missing.iter().map(|id| metadata_path(id)).collect();
        let messages: Vec<Option<Message>> = self
            .transport
            .batch_get(tokens, Method::MessagesGet, &paths)
            .await?;
        let mut fresh: HashMap<String, Row> = HashMap::with_capacity(missing.len());
        for (asked, message) in missing.iter().zip(messages) {
            if let Some(message) = message {
                let mut row = row_from(&message);
                if row.id.is_empty() {
                    row.id.clone_from(asked);
                }
                fresh.insert(asked.clone(), row);
            }
        }
        let rows = list
            .messages
            .iter()
            .filter_map(|m| fresh.get(&m.id).cloned().or_else(|| cache.get(&m.id)))
            .collect();
        cache.keep(fresh);
        Ok(Page {
            rows,
            next_page_token: list.next_page_token.filter(|t| !t.is_empty()),
            result_size_estimate: list.result_size_estimate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_asks_only_for_the_headers_it_shows() {
        assert_eq!(
            metadata_path("ab"),
            "messages/ab?format=metadata\
             &metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date"
        );
    }

    #[test]
    fn a_page_query_defaults_to_fifty_rows_of_everything() {
        let q = PageQuery::default();
        assert_eq!((q.max_results, q.q, q.page_token), (50, None, None));
    }

    #[test]
    fn the_windows_query_reads_as_a_page_query() {
        let q: PageQuery =
            serde_json::from_str(r#"{"q":"is:unread","labelIds":["INBOX"],"maxResults":0}"#)
                .unwrap();
        assert_eq!(q.label_ids, vec!["INBOX"]);
        assert_eq!(q.max_results, 0);
        assert_eq!(q.page_token, None);
    }
}
