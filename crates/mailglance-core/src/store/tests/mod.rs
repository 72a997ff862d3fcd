//! The store against real SQLite files in a temporary folder, by concern; the helpers
//! here build and keep messages (the sync tests use [`message`] too).

mod bodies;
mod content;
mod files;
mod quota;
mod search;

use super::*;
use crate::gmail::{Label, LabelKind, Row};

/// A stored message from Ana, with `labels`, dated `date_ms`.
pub(crate) fn message(id: &str, date_ms: i64, labels: &[&str]) -> StoredMessage {
    let label_ids: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    let mut row = Row {
        id: id.into(),
        thread_id: format!("t{id}"),
        from_name: Some("Ana Kowalska".into()),
        from_address: "ana@example.com".into(),
        subject: Some(format!("Subject {id} — zażółć")),
        snippet: "Tom & Jerry's <b>snippet</b>".into(),
        date_ms,
        unread: false,
        starred: false,
        important: false,
        labels: Vec::new(),
    };
    row.set_labels(&label_ids);
    StoredMessage {
        row,
        history_id: 1000 + date_ms as u64,
        label_ids,
        recipients: "Jean Dupont <jean@example.org>".into(),
    }
}

/// Keeps `messages` in one transaction.
fn put(store: &Store, messages: &[StoredMessage]) {
    let m = messages.to_vec();
    store
        .call_now(move |c| {
            let tx = c.transaction()?;
            messages_put(&tx, &m)?;
            tx.commit()
        })
        .unwrap();
}

/// The stored message `id`, if any.
fn get(store: &Store, id: &str) -> Option<StoredMessage> {
    let ids = vec![id.to_owned()];
    store
        .call_now(move |c| messages_get(c, &ids))
        .unwrap()
        .remove(id)
}
