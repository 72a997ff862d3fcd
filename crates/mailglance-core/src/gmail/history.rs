//! `users.history.list` (2 units a page): what changed in the mailbox since a
//! `historyId`, in Google's order, every page.
//!
//! Not here: applying the changes (`sync/`). A `startHistoryId` Google no longer keeps
//! comes back as [`Error::HistoryGone`], for the caller's one full re-sync.

use serde::Deserialize;

use super::quota::Method;
use super::transport::TokenSource;
use super::{Error, Gmail};

/// One `History` record: its id and what happened.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The record's history id (uint64 as a string).
    #[serde(default)]
    pub id: String,
    /// Messages added (new mail, sent mail, drafts).
    #[serde(default)]
    pub messages_added: Vec<Added>,
    /// Messages deleted for good.
    #[serde(default)]
    pub messages_deleted: Vec<Added>,
    /// Labels added to messages.
    #[serde(default)]
    pub labels_added: Vec<Relabelled>,
    /// Labels removed from messages.
    #[serde(default)]
    pub labels_removed: Vec<Relabelled>,
}

/// `{message}` in `messagesAdded` and `messagesDeleted`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Added {
    /// The message (id, thread id, label ids).
    pub message: HistoryMessage,
}

/// `{message, labelIds}` in `labelsAdded` and `labelsRemoved`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Relabelled {
    /// The message.
    pub message: HistoryMessage,
    /// The labels added or removed.
    #[serde(default)]
    pub label_ids: Vec<String>,
}

/// A message in a history record: "typically only id and threadId", sometimes labels.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HistoryMessage {
    /// The message id.
    pub id: String,
    /// The thread id.
    #[serde(default)]
    pub thread_id: String,
    /// Its labels, when sent.
    #[serde(default)]
    pub label_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Page {
    #[serde(default)]
    history: Vec<Record>,
    #[serde(default)]
    history_id: Option<String>,
    #[serde(default)]
    next_page_token: Option<String>,
}

/// Every record since a history id, and the mailbox's history id now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The records, oldest first.
    pub records: Vec<Record>,
    /// The mailbox's history id to store for the next sync.
    pub history_id: u64,
    /// Pages asked for.
    pub pages: u32,
}

impl Gmail {
    /// Every page of `history.list` from `start`. A 404 (the id is too old) is
    /// [`Error::HistoryGone`].
    pub async fn history<S: TokenSource + ?Sized>(
        &self,
        tokens: &S,
        start: u64,
    ) -> Result<Changes, S::Error> {
        let mut out = Changes {
            history_id: start,
            ..Changes::default()
        };
        let mut page_token: Option<String> = None;
        loop {
            let mut params = vec![
                ("startHistoryId", start.to_string()),
                ("maxResults", "500".to_owned()),
            ];
            if let Some(t) = &page_token {
                params.push(("pageToken", t.clone()));
            }
            let page: Page = self
                .transport
                .get_or_404(tokens, Method::HistoryList, "history", &params)
                .await?
                .ok_or(Error::HistoryGone)?;
            out.pages += 1;
            out.records.extend(page.history);
            if let Some(id) = page.history_id.and_then(|h| h.trim().parse().ok()) {
                out.history_id = out.history_id.max(id);
            }
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) if out.pages < 1000 => page_token = Some(t),
                _ => return Ok(out),
            }
        }
    }
}
