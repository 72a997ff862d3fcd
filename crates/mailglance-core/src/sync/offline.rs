//! A page from the store alone, with no network: what a launch paints first, what
//! `mailglance list --offline` prints, and what the window shows while Google cannot be
//! reached.
//!
//! Not here: deciding when Gmail is unreachable (the caller), or fetching anything.

use super::{SYNCED_MS, list_key};
use crate::error::Result;
use crate::gmail::{Page, PageQuery};
use crate::store::{self, Store};

/// A page from the store alone: a label's list as kept (its newest stored messages now,
/// Gmail's cursor and estimate), and a search answered on this computer (never Gmail's
/// old answer, whose rows may no longer match: a message read since is not `is:unread`).
/// `as_of_ms` is when the store last heard from Gmail.
pub async fn stored_page(store: &Store, query: &PageQuery) -> Result<Page> {
    let searching = query.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    from_store(store, query, !searching).await
}

/// Search on this computer alone: the newest stored messages that match `query` (its
/// label ids and `q`), whatever Gmail answered before; results while typing.
pub async fn search_here(store: &Store, query: &PageQuery) -> Result<Page> {
    from_store(store, query, false).await
}

/// The ids among `page`'s rows that search on this computer does not find for `q`.
pub async fn only_gmail(store: &Store, q: &str, page: &Page) -> Result<Vec<String>> {
    let expr = crate::search::parse(q)?;
    let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
    let now = super::now_ms();
    let asked = ids.clone();
    let here = store
        .call(move |c| store::messages_found_among(c, &expr, &asked, now))
        .await?;
    Ok(ids.into_iter().filter(|id| !here.contains(id)).collect())
}

async fn from_store(store: &Store, query: &PageQuery, use_kept: bool) -> Result<Page> {
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
            let kept = if use_kept {
                store::lists_get(c, &key)?
            } else {
                None
            };
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
                    offline: false,
                    only_gmail: Vec::new(),
                });
            };
            let (rows, fetched, estimate) = match kept.filter(|_| offset == 0) {
                Some(list) => {
                    // A label's list is by date, as Gmail orders it: the newest stored
                    // messages carrying the labels now (new ones on top, archived ones
                    // gone).
                    let rows: Vec<_> =
                        store::messages_matching(c, &expr, &q.label_ids, now, 0, max)?
                            .into_iter()
                            .map(|m| m.row)
                            .collect();
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
                offline: false,
                only_gmail: Vec::new(),
            })
        })
        .await?;
    Ok(page)
}
