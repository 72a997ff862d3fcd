//! The first page of each list the window showed (its ids in Gmail's order, the cursor
//! of the next page, the estimate), so a launch paints the last list before any network
//! call, and an offline window can show it.
//!
//! Not here: the rows themselves (`messages.rs`).

use rusqlite::{Connection, OptionalExtension, params};

/// A list as Gmail last gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredList {
    /// Message ids, in Gmail's order.
    pub ids: Vec<String>,
    /// The cursor of the page after these, if any.
    pub next_page_token: Option<String>,
    /// Gmail's estimate of all matches.
    pub estimate: u64,
    /// When Gmail gave it (epoch ms).
    pub fetched_ms: i64,
}

/// Keeps the first page of the list `key`.
pub fn put(conn: &Connection, key: &str, list: &StoredList) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO lists (key, ids, next_page_token, estimate, fetched_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET ids = ?2, next_page_token = ?3, estimate = ?4, fetched_ms = ?5",
    )?
    .execute(params![
        key,
        list.ids.join(" "),
        list.next_page_token,
        i64::try_from(list.estimate).unwrap_or(i64::MAX),
        list.fetched_ms
    ])
    .map(drop)
}

/// The first page of the list `key`, as last kept.
pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<StoredList>> {
    conn.prepare_cached(
        "SELECT ids, next_page_token, estimate, fetched_ms FROM lists WHERE key = ?1",
    )?
    .query_row([key], |r| {
        Ok(StoredList {
            ids: r
                .get::<_, String>(0)?
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            next_page_token: r.get(1)?,
            estimate: u64::try_from(r.get::<_, i64>(2)?).unwrap_or_default(),
            fetched_ms: r.get(3)?,
        })
    })
    .optional()
}

/// Every list key kept (a full re-sync refreshes the first page of each).
pub fn keys(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT key FROM lists ORDER BY fetched_ms DESC")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
