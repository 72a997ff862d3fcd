//! New mail worth telling the person about (a desktop notification, a `mailglance watch`
//! line), picked from what a sync applied: a message added to the mailbox, or one that
//! came (back) into the inbox, that is in the inbox and unread, neither sent by the person
//! nor spam, trash or a draft, and no older than the last sync. Each is announced once,
//! ever: the store keeps the ids announced.

use rusqlite::Connection;

use crate::gmail::Row;
use crate::store::{self, Change, StoredMessage};

/// Mail dated this much before the last sync still counts as new (clocks differ, and
/// Google dates a message when it was sent, not when it arrived).
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// Whether `m` is new inbox mail since `since_ms`.
pub fn is_new_inbox_mail(m: &StoredMessage, since_ms: i64) -> bool {
    let has = |label: &str| m.label_ids.iter().any(|l| l == label);
    has("INBOX")
        && has("UNREAD")
        && !["SENT", "SPAM", "TRASH", "DRAFT"].iter().any(|l| has(l))
        && m.row.date_ms >= since_ms.saturating_sub(CLOCK_SKEW_MS)
}

/// The ids a batch of changes may have brought into the inbox, in order.
pub fn candidates(changes: &[Change]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for change in changes {
        let id = match change {
            Change::Added(m) => &m.row.id,
            Change::LabelsAdded { id, label_ids } if label_ids.iter().any(|l| l == "INBOX") => id,
            _ => continue,
        };
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// Of `ids` (just applied), the new inbox mail not announced before, now marked
/// announced; oldest first.
pub fn take(
    conn: &Connection,
    ids: &[String],
    since_ms: i64,
    now_ms: i64,
) -> rusqlite::Result<Vec<Row>> {
    let found = store::messages_get(conn, ids)?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(m) = found.get(id)
            && is_new_inbox_mail(m, since_ms)
            && store::announce(conn, id, now_ms)?
        {
            out.push(m.row.clone());
        }
    }
    out.sort_by_key(|r| r.date_ms);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::message as stored;

    const SYNCED: i64 = 1_800_000_000_000;

    #[test]
    fn unread_inbox_mail_since_the_last_sync_is_new_and_nothing_else_is() {
        let new = |labels: &[&str], date| is_new_inbox_mail(&stored("m", date, labels), SYNCED);
        assert!(new(&["INBOX", "UNREAD"], SYNCED + 1));
        assert!(new(
            &["INBOX", "UNREAD", "CATEGORY_PERSONAL"],
            SYNCED - 60_000
        ));
        assert!(!new(&["INBOX"], SYNCED + 1), "read");
        assert!(!new(&["UNREAD"], SYNCED + 1), "archived");
        assert!(
            !new(&["INBOX", "UNREAD", "SENT"], SYNCED + 1),
            "sent by the person"
        );
        assert!(!new(&["INBOX", "UNREAD", "SPAM"], SYNCED + 1), "spam");
        assert!(!new(&["INBOX", "UNREAD", "TRASH"], SYNCED + 1), "trash");
        assert!(
            !new(&["INBOX", "UNREAD"], SYNCED - 24 * 3600 * 1000),
            "older than the last sync"
        );
    }

    #[test]
    fn added_messages_and_those_that_came_into_the_inbox_are_candidates_once() {
        let m = stored("a", SYNCED, &["INBOX", "UNREAD"]);
        let changes = vec![
            Change::Added(m.clone()),
            Change::LabelsAdded {
                id: "b".into(),
                label_ids: vec!["INBOX".into()],
            },
            Change::LabelsAdded {
                id: "c".into(),
                label_ids: vec!["STARRED".into()],
            },
            Change::LabelsAdded {
                id: "a".into(),
                label_ids: vec!["INBOX".into()],
            },
        ];
        assert_eq!(candidates(&changes), vec!["a".to_owned(), "b".to_owned()]);
    }
}
