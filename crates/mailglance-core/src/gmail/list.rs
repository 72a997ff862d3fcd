//! One page of the message list: what to ask (`PageQuery`), `messages.list` for the ids,
//! and the shape of a page of rows (`Page`).
//!
//! Not here: the rows' metadata and keeping them (`sync/` and the store: a message's
//! metadata is fetched once, ever), retries and tokens (`transport.rs`).

use serde::Deserialize;

use super::Gmail;
use super::api::MessageList;
use super::quota::Method;
use super::rows::Row;
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
    /// For a page from the store: when the store last heard from Gmail (epoch ms), if it
    /// ever did. `None` for a page fresh from Gmail.
    pub as_of_ms: Option<i64>,
    /// Whether the page came from the store because Gmail could not be reached.
    pub offline: bool,
    /// For a search answered by Gmail: the ids of the rows that search on this computer
    /// does not find (Gmail searches bodies and mail never stored here).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_gmail: Vec<String>,
}

/// `messages.get` for what a row shows (the `From`, `Subject` and `Date` headers) and what
/// search on this computer reads besides (the recipients: `To`, `Cc`, `Bcc`). The same
/// 20 units however many headers are asked for.
pub fn metadata_path(id: &str) -> String {
    format!(
        "messages/{}?format=metadata\
         &metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date\
         &metadataHeaders=To&metadataHeaders=Cc&metadataHeaders=Bcc",
        path_segment(id)
    )
}

impl Gmail {
    /// `messages.list` (5 units): the ids of one page of a list, in Gmail's order, the
    /// cursor of the next page and the estimate. The rows come from the store, or from
    /// [`metadata_path`] for messages never seen.
    ///
    /// Errors: `InvalidPageToken` (start again from the first page), and the others once
    /// the retries are spent.
    pub async fn message_ids<S: TokenSource + ?Sized>(
        &self,
        tokens: &S,
        query: &PageQuery,
    ) -> Result<MessageList, S::Error> {
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
        self.transport
            .get(tokens, Method::MessagesList, "messages", &params)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_asks_only_for_the_headers_it_shows_and_searches() {
        assert_eq!(
            metadata_path("ab"),
            "messages/ab?format=metadata\
             &metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date\
             &metadataHeaders=To&metadataHeaders=Cc&metadataHeaders=Bcc"
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
