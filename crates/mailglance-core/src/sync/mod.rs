//! Keeping one account's store current with Gmail, within quota.
//!
//! - [`page`]: one page of a list: `messages.list` (5 units) gives the ids, the store
//!   gives the rows it has, and only messages never seen are fetched (20 units each, in
//!   batches). A first page is kept, so the next launch paints it before any call.
//! - [`sync`]: `history.list` from the stored `historyId` (2 units a page): new messages
//!   (their metadata fetched, once), deletions, labels added and removed, applied in one
//!   transaction with the new `historyId`. A 404 (the id is too old) costs one full
//!   re-sync of what is shown: the labels and counts, the first page of each list kept,
//!   and a fresh `historyId` from the profile. Never a loop (lieer#203).
//!
//! The stored `historyId` only ever moves forward, and history is applied only over the
//! id it started from; the caller runs one sync at a time per account (`App::sync`, across
//! processes too). Pacing lives in the transport (its [`crate::gmail::Budget`]). Not here:
//! tokens (the caller's [`TokenSource`]), or the window.

pub mod arrivals;
mod offline;

pub use offline::{only_gmail, search_here, stored_page};

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::gmail::api::{Message, MessageList};
use crate::gmail::{
    self, Gmail, Label, Page, PageQuery, Row, TokenSource, metadata_path, row_from,
};
use crate::store::{self, Change, Store, StoredList, StoredMessage};

/// The store's key for the `historyId` of the last sync.
pub const HISTORY_ID: &str = "history_id";
/// The store's key for the time of the last sync (epoch ms).
pub const SYNCED_MS: &str = "synced_ms";

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// Messages that arrived and were stored.
    pub added: u64,
    /// Messages deleted from the store.
    pub deleted: u64,
    /// Stored messages whose labels changed (read, starred, archived, labelled).
    pub changed: u64,
    /// The mailbox's `historyId` now kept.
    #[serde(serialize_with = "as_string")]
    pub history_id: u64,
    /// Quota units this sync spent.
    pub units: u64,
    /// Whether the stored `historyId` was too old and what is shown was fetched again.
    pub full: bool,
    /// Whether the labels' counts moved and were fetched again (and kept): also when the
    /// messages that changed were not stored, or a page listed them before this sync.
    pub labels_fetched: bool,
    /// New inbox mail to tell the person about, oldest first, each only once ever
    /// (see `arrivals`).
    pub arrived: Vec<Row>,
}

fn as_string<S: serde::Serializer>(v: &u64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

/// The key under which a list's first page is kept.
pub fn list_key(query: &PageQuery) -> String {
    format!(
        "{}\n{}",
        query.label_ids.join(","),
        query.q.as_deref().unwrap_or("").trim()
    )
}

pub use crate::clock::now_ms;

/// A fetched message as the store keeps it.
pub fn stored_from(message: &Message) -> StoredMessage {
    StoredMessage {
        row: row_from(message),
        history_id: message
            .history_id
            .as_deref()
            .and_then(|h| h.trim().parse().ok())
            .unwrap_or_default(),
        label_ids: message.label_ids.clone(),
        recipients: gmail::rows::recipients_of(message),
    }
}

/// One page of a list: ids from Gmail, rows from the store, and the metadata of messages
/// never seen fetched (and kept). The first page of a list is kept for the next launch.
pub async fn page<S>(gmail: &Gmail, tokens: &S, store: &Store, query: &PageQuery) -> Result<Page>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    let list = gmail.message_ids(tokens, query).await?;
    let ids: Vec<String> = list.messages.iter().map(|m| m.id.clone()).collect();
    let rows = rows_for(gmail, tokens, store, &ids).await?;
    let page = Page {
        rows: ids
            .iter()
            .filter_map(|id| rows.get(id))
            .map(|m| m.row.clone())
            .collect(),
        next_page_token: list.next_page_token.clone().filter(|t| !t.is_empty()),
        result_size_estimate: list.result_size_estimate,
        as_of_ms: None,
        offline: false,
        only_gmail: Vec::new(),
    };
    if query.page_token.is_none() {
        keep_first_page(store, query, &list).await?;
    }
    Ok(page)
}

async fn keep_first_page(store: &Store, query: &PageQuery, list: &MessageList) -> Result<()> {
    let key = list_key(query);
    let kept = StoredList {
        ids: list.messages.iter().map(|m| m.id.clone()).collect(),
        next_page_token: list.next_page_token.clone().filter(|t| !t.is_empty()),
        estimate: list.result_size_estimate,
        fetched_ms: now_ms(),
    };
    store
        .call(move |c| store::lists_put(c, &key, &kept))
        .await?;
    Ok(())
}

/// The stored messages of `ids`, fetching (and keeping) the ones never seen.
async fn rows_for<S>(
    gmail: &Gmail,
    tokens: &S,
    store: &Store,
    ids: &[String],
) -> Result<HashMap<String, StoredMessage>>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    let asked = ids.to_vec();
    let mut known = store.call(move |c| store::messages_get(c, &asked)).await?;
    let mut missing: Vec<String> = Vec::new();
    for id in ids {
        if !known.contains_key(id) && !missing.contains(id) {
            missing.push(id.clone());
        }
    }
    let fresh = fetch(gmail, tokens, &missing).await?;
    if !fresh.is_empty() {
        let keep = fresh.clone();
        store
            .call(move |c| {
                let tx = c.transaction()?;
                store::messages_put(&tx, &keep)?;
                tx.commit()
            })
            .await?;
    }
    known.extend(fresh.into_iter().map(|m| (m.row.id.clone(), m)));
    Ok(known)
}

/// The metadata of `ids`, in batches; messages deleted meanwhile are left out.
async fn fetch<S>(gmail: &Gmail, tokens: &S, ids: &[String]) -> Result<Vec<StoredMessage>>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let paths: Vec<String> = ids.iter().map(|id| metadata_path(id)).collect();
    let messages: Vec<Option<Message>> = gmail
        .transport()
        .batch_get(tokens, gmail::Method::MessagesGet, &paths)
        .await?;
    Ok(ids
        .iter()
        .zip(messages)
        .filter_map(|(asked, m)| {
            let mut m = stored_from(&m?);
            if m.row.id.is_empty() {
                m.row.id.clone_from(asked);
            }
            Some(m)
        })
        .collect())
}

/// Before the first page of an account is stored: the mailbox's `historyId` (1 unit), so
/// every row fetched after it is current as of it, and the first sync is incremental.
pub async fn begin_history<S>(gmail: &Gmail, tokens: &S, store: &Store) -> Result<()>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    if store.meta(HISTORY_ID).await?.is_some() {
        return Ok(());
    }
    let profile = gmail.profile(tokens).await?;
    if let Some(id) = profile
        .history_id
        .filter(|h| h.trim().parse::<u64>().is_ok())
    {
        // The store is current as of now: mail older than this is never "new". Another
        // process may have begun meanwhile: the larger id stays.
        let id: u64 = id.trim().parse().unwrap_or_default();
        store
            .call(move |c| {
                let tx = c.transaction()?;
                if store::raise_meta(&tx, HISTORY_ID, id)? {
                    store::set_meta(&tx, SYNCED_MS, &now_ms().to_string())?;
                }
                tx.commit()
            })
            .await?;
    }
    Ok(())
}

/// The labels with their counts, fetched and kept.
pub async fn labels<S>(gmail: &Gmail, tokens: &S, store: &Store) -> Result<Vec<Label>>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    let labels = gmail.labels(tokens).await?;
    let keep = labels.clone();
    store
        .call(move |c| {
            let tx = c.transaction()?;
            store::labels_put(&tx, &keep)?;
            tx.commit()
        })
        .await?;
    Ok(labels)
}

/// Brings the store up to date: `history.list` from the stored `historyId`, or, with none
/// stored or one Google no longer keeps, one full re-sync of what is shown.
pub async fn sync<S>(gmail: &Gmail, tokens: &S, store: &Store) -> Result<SyncReport>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    let before = gmail.transport().meter().units();
    let stored = store
        .meta(HISTORY_ID)
        .await?
        .and_then(|h| h.parse::<u64>().ok());
    let mut report = match stored {
        Some(start) => match gmail.history(tokens, start).await {
            Ok(changes) => apply(gmail, tokens, store, start, changes).await?,
            Err(Error::Gmail(gmail::Error::HistoryGone)) => {
                tracing::info!("the stored historyId is too old: one full re-sync");
                full(gmail, tokens, store).await?
            }
            Err(e) => return Err(e),
        },
        // Nothing kept yet: the store's history starts here (1 unit), and the first page
        // listed fetches its rows. Nothing to re-sync, and no labels fetched twice.
        None if store.call(|c| store::lists_keys(c)).await?.is_empty() => {
            begin_history(gmail, tokens, store).await?;
            SyncReport {
                history_id: store
                    .meta(HISTORY_ID)
                    .await?
                    .and_then(|h| h.parse().ok())
                    .unwrap_or_default(),
                ..SyncReport::default()
            }
        }
        None => full(gmail, tokens, store).await?,
    };
    report.units = gmail.transport().meter().units() - before;
    Ok(report)
}

async fn apply<S>(
    gmail: &Gmail,
    tokens: &S,
    store: &Store,
    start: u64,
    changes: gmail::history::Changes,
) -> Result<SyncReport>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    // Any change at all moves the labels' counts, whether its message is stored or not
    // (one read beyond the pages seen, one a page listed before this sync).
    let moved = changes.records.iter().any(|r| {
        !(r.messages_added.is_empty()
            && r.messages_deleted.is_empty()
            && r.labels_added.is_empty()
            && r.labels_removed.is_empty())
    });
    // New messages: metadata only for those the store has never kept.
    let mut added_ids: Vec<String> = Vec::new();
    for record in &changes.records {
        for a in &record.messages_added {
            if !added_ids.contains(&a.message.id) {
                added_ids.push(a.message.id.clone());
            }
        }
    }
    let asked = added_ids.clone();
    let known = store.call(move |c| store::messages_get(c, &asked)).await?;
    added_ids.retain(|id| !known.contains_key(id));
    let fetched: HashMap<String, StoredMessage> = fetch(gmail, tokens, &added_ids)
        .await?
        .into_iter()
        .map(|m| (m.row.id.clone(), m))
        .collect();

    let mut list: Vec<Change> = Vec::new();
    for record in changes.records {
        for a in record.messages_added {
            if let Some(m) = fetched.get(&a.message.id) {
                list.push(Change::Added(m.clone()));
            }
        }
        for d in record.messages_deleted {
            list.push(Change::Deleted { id: d.message.id });
        }
        for l in record.labels_added {
            list.push(Change::LabelsAdded {
                id: l.message.id,
                label_ids: l.label_ids,
            });
        }
        for l in record.labels_removed {
            list.push(Change::LabelsRemoved {
                id: l.message.id,
                label_ids: l.label_ids,
            });
        }
    }
    let history_id = changes.history_id;
    let candidates = arrivals::candidates(&list);
    let applied = store
        .call(move |c| {
            let tx = c.transaction()?;
            // History is applied only over the id it started from: another sync (of
            // this process or another) that committed meanwhile has applied it already.
            let held = store::meta_get(&tx, HISTORY_ID)?.and_then(|v| v.parse::<u64>().ok());
            if held != Some(start) {
                return Ok(None);
            }
            let now = now_ms();
            let since = store::meta_get(&tx, SYNCED_MS)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(now);
            let counts = store::apply(&tx, &list)?;
            let arrived = arrivals::take(&tx, &candidates, since, now)?;
            store::raise_meta(&tx, HISTORY_ID, history_id)?;
            store::set_meta(&tx, SYNCED_MS, &now.to_string())?;
            tx.commit()?;
            Ok(Some((counts, arrived)))
        })
        .await?;
    let Some(((added, deleted, changed), arrived)) = applied else {
        tracing::info!("another sync applied this history first: nothing applied twice");
        return Ok(SyncReport {
            history_id: store
                .meta(HISTORY_ID)
                .await?
                .and_then(|h| h.parse().ok())
                .unwrap_or(history_id),
            ..SyncReport::default()
        });
    };
    if moved {
        // Counts moved: the sidebar's labels are fetched again (4 units).
        labels(gmail, tokens, store).await?;
    }
    Ok(SyncReport {
        added,
        deleted,
        changed,
        history_id,
        arrived,
        labels_fetched: moved,
        ..SyncReport::default()
    })
}

/// The full re-sync of what is shown: a fresh `historyId` first (so nothing that happens
/// meanwhile is missed), the labels, and the first page of each list kept, its rows
/// fetched again so their labels are current.
async fn full<S>(gmail: &Gmail, tokens: &S, store: &Store) -> Result<SyncReport>
where
    S: TokenSource<Error = Error> + ?Sized,
{
    let profile = gmail.profile(tokens).await?;
    let history_id: u64 = profile
        .history_id
        .as_deref()
        .and_then(|h| h.trim().parse().ok())
        .unwrap_or_default();
    labels(gmail, tokens, store).await?;
    let keys = store.call(|c| store::lists_keys(c)).await?;
    let mut refreshed = 0;
    for key in keys {
        let query = query_of(&key);
        let list = gmail.message_ids(tokens, &query).await?;
        let ids: Vec<String> = list.messages.iter().map(|m| m.id.clone()).collect();
        let fresh = fetch(gmail, tokens, &ids).await?;
        refreshed += fresh.len() as u64;
        store
            .call(move |c| {
                let tx = c.transaction()?;
                store::messages_put(&tx, &fresh)?;
                tx.commit()
            })
            .await?;
        keep_first_page(store, &query, &list).await?;
    }
    store
        .call(move |c| {
            let tx = c.transaction()?;
            store::raise_meta(&tx, HISTORY_ID, history_id)?;
            store::set_meta(&tx, SYNCED_MS, &now_ms().to_string())?;
            tx.commit()
        })
        .await?;
    Ok(SyncReport {
        changed: refreshed,
        history_id,
        full: true,
        labels_fetched: true,
        ..SyncReport::default()
    })
}

/// The query a list key stands for.
fn query_of(key: &str) -> PageQuery {
    let (labels, q) = key.split_once('\n').unwrap_or((key, ""));
    PageQuery {
        q: (!q.is_empty()).then(|| q.to_owned()),
        label_ids: labels
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        page_token: None,
        max_results: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_key_gives_back_its_query() {
        let q = PageQuery {
            q: Some("from:ana".into()),
            label_ids: vec!["INBOX".into(), "Label_4".into()],
            ..PageQuery::default()
        };
        let back = query_of(&list_key(&q));
        assert_eq!((back.q, back.label_ids), (q.q, q.label_ids));
        let inbox = query_of(&list_key(&PageQuery {
            label_ids: vec!["INBOX".into()],
            ..PageQuery::default()
        }));
        assert_eq!(inbox.q, None);
    }

    #[test]
    fn a_report_prints_its_history_id_as_google_does() {
        let r = SyncReport {
            history_id: 42,
            ..SyncReport::default()
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["historyId"], "42");
        assert_eq!(json["added"], 0);
    }
}
