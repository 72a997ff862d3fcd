//! The sidebar's labels with their counts, as last fetched: shown at launch and offline.
//!
//! Not here: fetching them (`gmail/labels.rs`).

use rusqlite::{Connection, Transaction, params};

use crate::gmail::{Label, LabelKind};

/// Replaces the stored labels with `labels`, in their order.
pub fn put(tx: &Transaction<'_>, labels: &[Label]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM labels", [])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO labels (id, name, kind, unread, total, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, l) in labels.iter().enumerate() {
        let kind = match l.kind {
            LabelKind::System => "system",
            LabelKind::User => "user",
        };
        let count = |n: Option<u64>| n.and_then(|n| i64::try_from(n).ok());
        insert.execute(params![
            l.id,
            l.name,
            kind,
            count(l.unread),
            count(l.total),
            position as i64
        ])?;
    }
    Ok(())
}

/// The stored labels, in Gmail's order.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<Label>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, kind, unread, total FROM labels ORDER BY position")?;
    let rows = stmt.query_map([], |r| {
        let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok());
        Ok(Label {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: if r.get::<_, String>(2)? == "user" {
                LabelKind::User
            } else {
                LabelKind::System
            },
            unread: count(r.get(3)?),
            total: count(r.get(4)?),
        })
    })?;
    rows.collect()
}
