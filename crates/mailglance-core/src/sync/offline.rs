//! A page from the store alone, with no network: what a launch paints first, what
//! `mailglance list --offline` prints, and what the window shows while Google cannot be
//! reached.
//!
//! Not here: deciding when Gmail is unreachable (the caller), or fetching anything.

use super::{SYNCED_MS, list_key};
use crate::error::Result;
use crate::gmail::{Page, PageQuery};
use crate::store::{self, Store};

/// A page from the store alone: the list kept for `query` (its rows as they are now),
/// else the newest stored messages that match (label ids, and the words of `q` in the
/// sender, subject or snippet). `as_of_ms` is when the store last heard from Gmail.
pub async fn stored_page(store: &Store, query: &PageQuery) -> Result<Page> {
    let key = list_key(query);
    let q = query.clone();
    // Searched here when Gmail's answer is not kept: the whole query language.
    let expr = crate::search::parse(q.q.as_deref().unwrap_or(""))?;
    let now = super::now_ms();
    let page = store
        .call(move |c| {
            let synced: Option<i64> = store::meta_get(c, SYNCED_MS)?.and_then(|v| v.parse().ok());
            let max = match q.max_results {
                0 => 50,
                n => n as usize,
            };
            let kept = store::lists_get(c, &key)?;
            // Where this page starts: the top, after the kept first page (its Gmail
            // cursor), or a cursor of ours ("stored:N"). Another Gmail cursor cannot be
            // followed offline: an empty last page rather than rows shown twice.
            let offset: Option<usize> = match q.page_token.as_deref() {
                None => Some(0),
                Some(t) => match t.strip_prefix("stored:") {
                    Some(n) => n.parse().ok(),
                    None => kept
                        .as_ref()
                        .filter(|l| l.next_page_token.as_deref() == Some(t))
                        .map(|l| l.ids.len()),
                },
            };
            let Some(offset) = offset else {
                return Ok(Page {
                    rows: Vec::new(),
                    next_page_token: None,
                    result_size_estimate: 0,
                    as_of_ms: synced,
                });
            };
            let (rows, fetched, estimate) = match kept.filter(|_| offset == 0) {
                Some(list) => {
                    // A label's list is by date, as Gmail orders it: the newest stored
                    // messages carrying the labels now (new ones on top, archived ones
                    // gone). A search keeps Gmail's answer, less what left the store.
                    let rows: Vec<_> = if q.q.as_deref().unwrap_or("").trim().is_empty() {
                        store::messages_search(c, &q.label_ids, &[], 0, max)?
                            .into_iter()
                            .map(|m| m.row)
                            .collect()
                    } else {
                        let found = store::messages_get(c, &list.ids)?;
                        list.ids
                            .iter()
                            .filter_map(|id| found.get(id))
                            .filter(|m| q.label_ids.iter().all(|l| m.label_ids.contains(l)))
                            .map(|m| m.row.clone())
                            .collect()
                    };
                    let estimate = list.estimate.max(rows.len() as u64);
                    let next = list.next_page_token.is_some();
                    (rows, Some(list.fetched_ms), next.then_some(estimate))
                }
                None => {
                    let found = store::messages_matching(c, &expr, &q.label_ids, now, offset, max)?;
                    (found.into_iter().map(|m| m.row).collect(), None, None)
                }
            };
            let more = estimate.is_some() || rows.len() >= max;
            let next = more.then(|| format!("stored:{}", offset + rows.len()));
            Ok(Page {
                result_size_estimate: estimate.unwrap_or((offset + rows.len()) as u64),
                rows,
                next_page_token: next,
                as_of_ms: synced.or(fetched),
            })
        })
        .await?;
    Ok(page)
}
