//! The account's quota ledger, kept in its store so every Mailglance process on this
//! computer (the window, `sync`, `list`, `watch`) paces against the same rolling minute:
//! what was spent when (`quota_spent`), and until when Gmail said nothing fits (`meta`'s
//! `quota_refused_until_ms`). Each decision is one `BEGIN IMMEDIATE` transaction, so two
//! processes never both take the last room in the window. Times are epoch milliseconds,
//! the clock every process shares.
//!
//! Not here: the rule itself ([`crate::gmail::decide`]), or when to spend
//! (`gmail/transport.rs`).

use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use super::Store;
use super::messages::{meta, set_meta};
use crate::clock::now_ms;
use crate::gmail::transport::BoxFuture;
use crate::gmail::{self, Limit, Spent, decide, refusal_wait};

const REFUSED_UNTIL: &str = "quota_refused_until_ms";

/// The spending inside the window at `now_ms`, older entries deleted.
fn read(conn: &Connection, limit: Limit, now_ms: i64) -> rusqlite::Result<Spent> {
    let window = i64::try_from(limit.window.as_millis()).unwrap_or(i64::MAX);
    conn.execute(
        "DELETE FROM quota_spent WHERE at_ms <= ?1",
        [now_ms.saturating_sub(window)],
    )?;
    let mut stmt = conn.prepare_cached("SELECT at_ms, units FROM quota_spent ORDER BY at_ms")?;
    let entries = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        .map(|e| e.map(|(t, u)| (t, u64::try_from(u).unwrap_or(0))))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let refused_until_ms = meta(conn, REFUSED_UNTIL)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok(Spent {
        entries,
        refused_until_ms,
    })
}

/// Counts `units` at `now_ms` when they fit; else the wait (see [`decide`]).
pub fn reserve(
    conn: &mut Connection,
    units: u64,
    limit: Limit,
    now_ms: i64,
) -> rusqlite::Result<Option<Duration>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut spent = read(&tx, limit, now_ms)?;
    let wait = decide(&mut spent, units, limit, now_ms);
    if wait.is_none() {
        tx.execute(
            "INSERT INTO quota_spent (at_ms, units) VALUES (?1, ?2)",
            params![now_ms, i64::try_from(units).unwrap_or(i64::MAX)],
        )?;
    }
    tx.commit()?;
    Ok(wait)
}

/// Gmail refused at `now_ms`, saying `hint` or nothing: nothing fits until the
/// [`refusal_wait`] has passed (a later refusal never shortens an earlier one).
pub fn refuse(
    conn: &mut Connection,
    hint: Option<Duration>,
    limit: Limit,
    now_ms: i64,
) -> rusqlite::Result<Duration> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let spent = read(&tx, limit, now_ms)?;
    let wait = refusal_wait(&spent, hint, limit, now_ms);
    let until = now_ms + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
    if until > spent.refused_until_ms {
        set_meta(&tx, REFUSED_UNTIL, &until.to_string())?;
    }
    tx.commit()?;
    Ok(wait)
}

/// Units counted in the window at `now_ms`, and how long a refusal still holds.
pub fn in_window(
    conn: &mut Connection,
    limit: Limit,
    now_ms: i64,
) -> rusqlite::Result<(u64, Duration)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let spent = read(&tx, limit, now_ms)?;
    tx.commit()?;
    let used = spent.entries.iter().map(|(_, u)| u).sum();
    let refused = u64::try_from(spent.refused_until_ms - now_ms).unwrap_or(0);
    Ok((used, Duration::from_millis(refused)))
}

impl gmail::Ledger for Store {
    fn reserve(&self, units: u64, limit: Limit) -> BoxFuture<'_, Result<Option<Duration>, String>> {
        Box::pin(async move {
            self.call(move |c| reserve(c, units, limit, now_ms()))
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn refuse(
        &self,
        hint: Option<Duration>,
        limit: Limit,
    ) -> BoxFuture<'_, Result<Duration, String>> {
        Box::pin(async move {
            self.call(move |c| refuse(c, hint, limit, now_ms()))
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn in_window(&self, limit: Limit) -> BoxFuture<'_, Result<(u64, Duration), String>> {
        Box::pin(async move {
            self.call(move |c| in_window(c, limit, now_ms()))
                .await
                .map_err(|e| e.to_string())
        })
    }
}
