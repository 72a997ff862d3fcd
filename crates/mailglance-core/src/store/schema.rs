//! The store's schema, one migration per version, kept in SQLite's `user_version` by
//! `rusqlite_migration`. A migration is only ever added, never edited: a store written by
//! any earlier version migrates forward; one written by a later version is refused (the
//! caller sets it aside).

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

/// Version 1: messages, their labels, the labels, the lists shown, and meta values.
const V1: &str = "
CREATE TABLE messages (
    id            TEXT PRIMARY KEY NOT NULL,
    thread_id     TEXT NOT NULL,
    history_id    INTEGER NOT NULL DEFAULT 0,
    date_ms       INTEGER NOT NULL,
    from_name     TEXT,
    from_address  TEXT NOT NULL,
    subject       TEXT,
    snippet       TEXT NOT NULL,
    label_ids     TEXT NOT NULL
);
CREATE INDEX messages_by_date ON messages (date_ms DESC);
CREATE TABLE message_labels (
    label_id    TEXT NOT NULL,
    message_id  TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    PRIMARY KEY (label_id, message_id)
) WITHOUT ROWID;
CREATE INDEX message_labels_by_message ON message_labels (message_id);
CREATE TABLE labels (
    id        TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    unread    INTEGER,
    total     INTEGER,
    position  INTEGER NOT NULL
);
CREATE TABLE lists (
    key              TEXT PRIMARY KEY NOT NULL,
    ids              TEXT NOT NULL,
    next_page_token  TEXT,
    estimate         INTEGER NOT NULL,
    fetched_ms       INTEGER NOT NULL
);
CREATE TABLE meta (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
";

/// Version 2: the messages already announced as new mail, so none is announced twice,
/// also across restarts.
const V2: &str = "
CREATE TABLE announced (
    id     TEXT PRIMARY KEY NOT NULL,
    at_ms  INTEGER NOT NULL
);
";

/// Version 3: a full-text index (FTS5) of each message's sender, subject and snippet, for
/// search on this computer; kept by triggers, built from what is already stored.
const V3: &str = "
CREATE VIRTUAL TABLE messages_fts USING fts5(
    from_name, from_address, subject, snippet,
    content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, from_name, from_address, subject, snippet)
    VALUES (new.rowid, new.from_name, new.from_address, new.subject, new.snippet);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, from_name, from_address, subject, snippet)
    VALUES ('delete', old.rowid, old.from_name, old.from_address, old.subject, old.snippet);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, from_name, from_address, subject, snippet)
    VALUES ('delete', old.rowid, old.from_name, old.from_address, old.subject, old.snippet);
    INSERT INTO messages_fts (rowid, from_name, from_address, subject, snippet)
    VALUES (new.rowid, new.from_name, new.from_address, new.subject, new.snippet);
END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
";

/// Version 4: each message's recipients (`To`, `Cc`, `Bcc`, decoded), so `to:` and plain
/// words find them here too; the full-text index gains the column and is built again from
/// what is stored. Rows kept before version 4 have no recipients until Gmail sends them
/// again (they are never fetched twice just for this).
const V4: &str = "
ALTER TABLE messages ADD COLUMN recipients TEXT NOT NULL DEFAULT '';
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    from_name, from_address, subject, snippet, recipients,
    content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, from_name, from_address, subject, snippet, recipients)
    VALUES (new.rowid, new.from_name, new.from_address, new.subject, new.snippet, new.recipients);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, from_name, from_address, subject, snippet,
                              recipients)
    VALUES ('delete', old.rowid, old.from_name, old.from_address, old.subject, old.snippet,
            old.recipients);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF from_name, from_address, subject, snippet,
        recipients ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, from_name, from_address, subject, snippet,
                              recipients)
    VALUES ('delete', old.rowid, old.from_name, old.from_address, old.subject, old.snippet,
            old.recipients);
    INSERT INTO messages_fts (rowid, from_name, from_address, subject, snippet, recipients)
    VALUES (new.rowid, new.from_name, new.from_address, new.subject, new.snippet, new.recipients);
END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
";

/// Version 5: the account's quota ledger, shared by every Mailglance process on this
/// computer: the units spent in the rolling minute, one row a call (kept only while
/// inside the window). A refusal's end is a `meta` value.
const V5: &str = "
CREATE TABLE quota_spent (
    at_ms  INTEGER NOT NULL,
    units  INTEGER NOT NULL
);
CREATE INDEX quota_spent_by_time ON quota_spent (at_ms);
";

/// Version 6: messages opened, kept so that opening again costs nothing and works
/// offline: what the reading pane shows (headers, the HTML and plain parts, the list of
/// attachments, as `read::Reading` JSON, deflate-compressed), never an attachment's bytes;
/// when it was last opened, for the cap on stored bodies (oldest opened out first).
const V6: &str = "
CREATE TABLE bodies (
    id         TEXT PRIMARY KEY NOT NULL,
    reading    BLOB NOT NULL,
    size       INTEGER NOT NULL,
    opened_ms  INTEGER NOT NULL
);
CREATE INDEX bodies_by_opened ON bodies (opened_ms);
";

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
    ])
}

/// The schema version this build writes.
pub fn current() -> usize {
    6
}

/// Why a store's schema cannot be brought to [`current`].
#[derive(Debug)]
pub enum Error {
    /// Written by a newer Mailglance.
    Newer {
        /// The file's version.
        found: usize,
        /// This build's.
        known: usize,
    },
    /// SQLite failed.
    Sql(rusqlite::Error),
    /// A migration could not be applied.
    Migration(String),
}

/// Brings the schema to [`current`], and turns foreign keys on for this connection.
pub fn migrate(conn: &mut Connection) -> Result<(), Error> {
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(Error::Sql)?;
    let found: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(Error::Sql)?
        .try_into()
        .unwrap_or(usize::MAX);
    if found > current() {
        return Err(Error::Newer {
            found,
            known: current(),
        });
    }
    migrations().to_latest(conn).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => Error::Sql(err),
        other => Error::Migration(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn an_empty_file_migrates_to_the_current_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, current());
        // Migrating again is a no-op.
        migrate(&mut conn).unwrap();
    }

    #[test]
    fn a_version_3_store_gains_recipients_and_its_search_index_keeps_every_message() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO messages (id, thread_id, date_ms, from_address, subject, snippet, label_ids)
             VALUES ('old', 't', 1, 'ana@example.com', 'Tomorrow''s train', 'platform 4', 'INBOX');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let found = |q: &str| -> Vec<String> {
            let mut stmt = conn
                .prepare(
                    "SELECT m.id FROM messages m JOIN messages_fts f ON f.rowid = m.rowid \
                     WHERE messages_fts MATCH ?1",
                )
                .unwrap();
            stmt.query_map([q], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(found("train"), ["old"], "the old row is still found");
        let recipients: String = conn
            .query_row(
                "SELECT recipients FROM messages WHERE id = 'old'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(recipients, "", "none known for a row kept before");
        conn.execute(
            "UPDATE messages SET recipients = 'jean@example.org' WHERE id = 'old'",
            [],
        )
        .unwrap();
        assert_eq!(found("recipients : jean"), ["old"]);
        conn.execute("UPDATE messages SET label_ids = 'INBOX UNREAD'", [])
            .unwrap();
        assert_eq!(found("train"), ["old"], "a label change keeps the index");
        conn.execute("DELETE FROM messages", []).unwrap();
        assert!(found("train").is_empty());
    }

    #[test]
    fn a_version_4_store_gains_an_empty_quota_ledger_and_keeps_its_mail() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO messages (id, thread_id, date_ms, from_address, snippet, label_ids)
             VALUES ('kept', 't', 1, 'ana@example.com', 'platform 4', 'INBOX');
             INSERT INTO meta (key, value) VALUES ('history_id', '1234');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let (messages, spent, history): (i64, i64, String) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM quota_spent),
                        (SELECT value FROM meta WHERE key = 'history_id')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((messages, spent, history.as_str()), (1, 0, "1234"));
    }

    #[test]
    fn a_store_from_a_newer_version_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(Error::Newer { found: 99, .. })
        ));
    }
}
