//! Messages in the store: their rows, their label ids as they are now, changes from
//! `history.list` applied in one transaction, and a simple offline search.
//!
//! Not here: what Gmail said (the caller converts), or the order of a list Gmail gave
//! (`lists.rs`).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::gmail::Row;

/// A message as the store keeps it: its row, and what sync needs to keep it current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// What the list shows (its flags follow `label_ids`).
    pub row: Row,
    /// The message's `historyId` when it was fetched.
    pub history_id: u64,
    /// Every label id the message carries (system ones too).
    pub label_ids: Vec<String>,
    /// Its recipients (`To`, `Cc`, `Bcc`, decoded, one line), for `to:` and plain words;
    /// empty for rows kept before the store held them.
    pub recipients: String,
}

/// One change learned from `history.list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A message to keep (new mail, with its metadata fetched).
    Added(StoredMessage),
    /// A message gone from the mailbox.
    Deleted {
        /// Its id.
        id: String,
    },
    /// Labels added to a message.
    LabelsAdded {
        /// Its id.
        id: String,
        /// The labels.
        label_ids: Vec<String>,
    },
    /// Labels removed from a message.
    LabelsRemoved {
        /// Its id.
        id: String,
        /// The labels.
        label_ids: Vec<String>,
    },
}

/// Keeps `messages` (new ones inserted, known ones replaced).
pub fn put(tx: &Transaction<'_>, messages: &[StoredMessage]) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO messages (id, thread_id, history_id, date_ms, from_name, from_address,
                               subject, snippet, label_ids, recipients)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET thread_id = ?2, history_id = ?3, date_ms = ?4,
             from_name = ?5, from_address = ?6, subject = ?7, snippet = ?8, label_ids = ?9,
             recipients = ?10",
    )?;
    for m in messages {
        let r = &m.row;
        insert.execute(params![
            r.id,
            r.thread_id,
            i64::try_from(m.history_id).unwrap_or(i64::MAX),
            r.date_ms,
            r.from_name,
            r.from_address,
            r.subject,
            r.snippet,
            m.label_ids.join(" "),
            m.recipients,
        ])?;
        set_labels(tx, &r.id, &m.label_ids)?;
    }
    Ok(())
}

fn set_labels(tx: &Transaction<'_>, id: &str, label_ids: &[String]) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM message_labels WHERE message_id = ?1")?
        .execute([id])?;
    let mut add = tx.prepare_cached(
        "INSERT OR IGNORE INTO message_labels (label_id, message_id) VALUES (?1, ?2)",
    )?;
    for label in label_ids {
        add.execute([label, id])?;
    }
    tx.prepare_cached("UPDATE messages SET label_ids = ?2 WHERE id = ?1")?
        .execute(params![id, label_ids.join(" ")])?;
    Ok(())
}

/// Applies changes in order; returns how many messages were added, deleted and changed
/// (each message counted once, however many of its labels changed).
/// A label change for a message the store never kept is skipped: nothing shows it.
pub fn apply(tx: &Transaction<'_>, changes: &[Change]) -> rusqlite::Result<(u64, u64, u64)> {
    let (mut added, mut deleted) = (0, 0);
    let mut changed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for change in changes {
        match change {
            Change::Added(m) => {
                put(tx, std::slice::from_ref(m))?;
                added += 1;
            }
            Change::Deleted { id } => {
                deleted += tx
                    .prepare_cached("DELETE FROM messages WHERE id = ?1")?
                    .execute([id])? as u64;
            }
            Change::LabelsAdded { id, label_ids } | Change::LabelsRemoved { id, label_ids } => {
                let Some(mut now) = labels_of(tx, id)? else {
                    continue;
                };
                let before = now.clone();
                if matches!(change, Change::LabelsAdded { .. }) {
                    for l in label_ids {
                        if !now.contains(l) {
                            now.push(l.clone());
                        }
                    }
                } else {
                    now.retain(|l| !label_ids.contains(l));
                }
                if now != before {
                    set_labels(tx, id, &now)?;
                    changed.insert(id);
                }
            }
        }
    }
    Ok((added, deleted, changed.len() as u64))
}

fn labels_of(conn: &Connection, id: &str) -> rusqlite::Result<Option<Vec<String>>> {
    conn.prepare_cached("SELECT label_ids FROM messages WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, String>(0))
        .optional()
        .map(|l| l.map(|l| split_ids(&l)))
}

fn split_ids(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

pub(super) const COLUMNS: &str = "id, thread_id, history_id, date_ms, from_name, from_address, \
     subject, snippet, label_ids, recipients";

pub(super) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredMessage> {
    let label_ids = split_ids(&r.get::<_, String>(8)?);
    let mut row = Row {
        id: r.get(0)?,
        thread_id: r.get(1)?,
        from_name: r.get(4)?,
        from_address: r.get(5)?,
        subject: r.get(6)?,
        snippet: r.get(7)?,
        date_ms: r.get(3)?,
        unread: false,
        starred: false,
        important: false,
        labels: Vec::new(),
    };
    row.set_labels(&label_ids);
    Ok(StoredMessage {
        row,
        history_id: u64::try_from(r.get::<_, i64>(2)?).unwrap_or_default(),
        label_ids,
        recipients: r.get(9)?,
    })
}

/// The stored messages among `ids`, by id.
pub fn get(conn: &Connection, ids: &[String]) -> rusqlite::Result<HashMap<String, StoredMessage>> {
    let mut one = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1"))?;
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = one.query_row([id], read).optional()? {
            out.insert(id.clone(), m);
        }
    }
    Ok(out)
}

/// A value from the `meta` table.
pub fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()
}

/// Marks a message announced as new mail; false when it already was.
pub fn announce(conn: &Connection, id: &str, at_ms: i64) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("INSERT OR IGNORE INTO announced (id, at_ms) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id, at_ms])?
        == 1)
}

/// Sets a value in the `meta` table.
pub fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
    )?
    .execute([key, value])
    .map(drop)
}

/// Sets a number in the `meta` table unless it holds a larger one already (a mailbox's
/// `historyId` never moves backwards, whichever sync commits last). True when set.
pub fn raise_meta(conn: &Connection, key: &str, value: u64) -> rusqlite::Result<bool> {
    let value = i64::try_from(value).unwrap_or(i64::MAX);
    Ok(conn
        .prepare_cached(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE \
             SET value = excluded.value \
             WHERE CAST(meta.value AS INTEGER) < CAST(excluded.value AS INTEGER)",
        )?
        .execute(rusqlite::params![key, value.to_string()])?
        == 1)
}
