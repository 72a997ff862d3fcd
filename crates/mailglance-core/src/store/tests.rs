//! The store against real SQLite files in a temporary folder.

use super::*;
use crate::gmail::{Label, LabelKind, Row};

fn message(id: &str, date_ms: i64, labels: &[&str]) -> StoredMessage {
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
    }
}

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

fn get(store: &Store, id: &str) -> Option<StoredMessage> {
    let ids = vec![id.to_owned()];
    store
        .call_now(move |c| messages_get(c, &ids))
        .unwrap()
        .remove(id)
}

#[test]
fn every_field_of_a_message_comes_back_as_it_was_kept() {
    let dir = tempfile::tempdir().unwrap();
    let Opened { store, notice } = Store::open(dir.path(), "1234");
    assert!(notice.is_none());
    let m = message(
        "a1",
        1_700_000_000_000,
        &["INBOX", "UNREAD", "STARRED", "Label_4"],
    );
    put(&store, std::slice::from_ref(&m));
    drop(store);
    // A new process reads it back.
    let again = Store::open(dir.path(), "1234").store;
    let back = get(&again, "a1").unwrap();
    assert_eq!(back, m);
    assert!(back.row.unread && back.row.starred && !back.row.important);
    assert_eq!(back.row.labels, vec!["Label_4"]);
}

#[test]
fn label_changes_and_deletions_apply_in_one_transaction_and_are_counted() {
    let store = Store::memory();
    put(
        &store,
        &[
            message("a", 1, &["INBOX", "UNREAD"]),
            message("b", 2, &["INBOX"]),
        ],
    );
    let changes = vec![
        Change::LabelsRemoved {
            id: "a".into(),
            label_ids: vec!["UNREAD".into()],
        },
        Change::LabelsAdded {
            id: "b".into(),
            label_ids: vec!["STARRED".into()],
        },
        // Archived: INBOX removed.
        Change::LabelsRemoved {
            id: "b".into(),
            label_ids: vec!["INBOX".into()],
        },
        // A message the store never kept: nothing to change.
        Change::LabelsAdded {
            id: "zz".into(),
            label_ids: vec!["STARRED".into()],
        },
        Change::Added(message("c", 3, &["INBOX", "UNREAD"])),
        Change::Deleted { id: "a".into() },
    ];
    let counts = store
        .call_now(move |c| {
            let tx = c.transaction()?;
            let n = apply(&tx, &changes)?;
            tx.commit()?;
            Ok(n)
        })
        .unwrap();
    assert_eq!(counts, (1, 1, 2));
    assert!(get(&store, "a").is_none());
    let b = get(&store, "b").unwrap();
    assert!(b.row.starred);
    assert_eq!(b.label_ids, vec!["STARRED"]);
    let inbox = store
        .call_now(|c| messages_search(c, &["INBOX".into()], &[], 0, 50))
        .unwrap();
    let ids: Vec<_> = inbox.iter().map(|m| m.row.id.as_str()).collect();
    assert_eq!(ids, vec!["c"], "newest first, archived and deleted gone");
}

#[test]
fn offline_search_matches_words_in_sender_subject_and_snippet_and_treats_sql_as_text() {
    let store = Store::memory();
    let mut odd = message("odd", 5, &["INBOX"]);
    odd.row.subject = Some("100% off_sale \\ now".into());
    put(
        &store,
        &[message("a", 1, &["INBOX"]), odd, message("s", 9, &["SPAM"])],
    );
    let search = |words: &[&str]| -> Vec<String> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        store
            .call_now(move |c| messages_search(c, &[], &words, 0, 50))
            .unwrap()
            .into_iter()
            .map(|m| m.row.id)
            .collect()
    };
    assert_eq!(search(&["kowalska", "JERRY"]), vec!["odd", "a"]);
    assert_eq!(search(&["100%"]), vec!["odd"]);
    assert_eq!(search(&["%"]), vec!["odd"]);
    assert_eq!(search(&["f_s"]), vec!["odd"]);
    assert!(search(&["' OR 1=1 --"]).is_empty());
    // Spam stays out unless asked for by label.
    assert!(!search(&[]).contains(&"s".to_owned()));
}

#[test]
fn labels_and_the_first_page_of_a_list_are_kept_in_order() {
    let store = Store::memory();
    let labels = vec![
        Label {
            id: "INBOX".into(),
            name: "INBOX".into(),
            kind: LabelKind::System,
            unread: Some(153),
            total: Some(915),
        },
        Label {
            id: "Label_4".into(),
            name: "Książki".into(),
            kind: LabelKind::User,
            unread: None,
            total: None,
        },
    ];
    let keep = labels.clone();
    store
        .call_now(move |c| {
            let tx = c.transaction()?;
            labels_put(&tx, &keep)?;
            tx.commit()
        })
        .unwrap();
    assert_eq!(store.call_now(|c| labels_all(c)).unwrap(), labels);
    let list = StoredList {
        ids: vec!["b".into(), "a".into()],
        next_page_token: Some("t2".into()),
        estimate: 915,
        fetched_ms: 42,
    };
    let kept = list.clone();
    store
        .call_now(move |c| lists_put(c, "INBOX\n", &kept))
        .unwrap();
    assert_eq!(
        store.call_now(|c| lists_get(c, "INBOX\n")).unwrap(),
        Some(list)
    );
}

#[test]
fn a_corrupt_store_is_set_aside_with_a_sentence_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_of(dir.path(), "77");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        b"this is not an SQLite database, just bytes".repeat(200),
    )
    .unwrap();
    let Opened { store, notice } = Store::open(dir.path(), "77");
    let notice = notice.expect("the person is told");
    assert!(notice.contains("could not be read"), "{notice}");
    assert!(notice.contains(".corrupt-"), "{notice}");
    // The new store works, on disk.
    put(&store, &[message("a", 1, &["INBOX"])]);
    assert_eq!(store.path(), path);
    let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the old file is kept aside, not deleted");
}

#[test]
fn a_store_from_a_newer_version_is_set_aside_not_downgraded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), "9").store;
        put(&store, &[message("a", 1, &["INBOX"])]);
        store
            .call_now(|c| c.pragma_update(None, "user_version", 99))
            .unwrap();
    }
    let Opened { store, notice } = Store::open(dir.path(), "9");
    assert!(notice.unwrap().contains("newer Mailglance"));
    assert!(get(&store, "a").is_none(), "a fresh store");
}

#[test]
fn a_store_of_the_previous_schema_is_migrated_and_keeps_its_mail() {
    // Version 1 is the first schema: a store written by it opens as it is, mail and all.
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), "5").store;
        put(&store, &[message("kept", 1, &["INBOX"])]);
    }
    let Opened { store, notice } = Store::open(dir.path(), "5");
    assert!(notice.is_none());
    assert!(get(&store, "kept").is_some());
    let version: i64 = store
        .call_now(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
        .unwrap();
    assert_eq!(version as usize, schema::current());
}

#[cfg(unix)]
#[test]
fn the_store_is_readable_only_by_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "1").store;
    put(&store, &[message("a", 1, &["INBOX"])]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder(dir.path())), 0o700);
    assert_eq!(mode(store.path()), 0o600);
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_written_leaves_a_working_store_in_memory_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the stores' folder should be: nothing can be created there.
    std::fs::write(folder(dir.path()), b"").unwrap();
    let Opened { store, notice } = Store::open(dir.path(), "1");
    assert!(notice.unwrap().contains("could not be stored"));
    put(&store, &[message("a", 1, &["INBOX"])]);
    assert!(get(&store, "a").is_some());
}

#[test]
fn signing_out_deletes_the_file_and_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "3").store;
    put(&store, &[message("a", 1, &["INBOX"])]);
    let path = store.path().to_owned();
    drop(store);
    delete(dir.path(), "3").unwrap();
    assert!(!path.exists());
    delete(dir.path(), "3").unwrap();
}

#[tokio::test]
async fn a_disk_that_fills_up_moves_the_store_to_memory_with_one_note_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let Opened { store, .. } = Store::open(dir.path(), "1234");
    put(&store, &[message("kept", 1_700_000_000_000, &["INBOX"])]);
    // SQLite's own page limit: writes past it fail with SQLITE_FULL, as on a full disk
    // (the command-line test fills a real, small file system).
    let pages: i64 = store
        .call_now(|c| c.query_row("PRAGMA page_count", [], |r| r.get(0)))
        .unwrap();
    store
        .call_now(move |c| c.pragma_update(None, "max_page_count", pages))
        .unwrap();
    let many: Vec<StoredMessage> = (0..500)
        .map(|i| message(&format!("m{i}"), 1_700_000_000_000 + i, &["INBOX"]))
        .collect();
    let written = store
        .call(move |c| {
            let tx = c.transaction()?;
            messages_put(&tx, &many)?;
            tx.commit()
        })
        .await;
    assert!(written.is_ok(), "{written:?}");
    let notice = store.take_notice().expect("one sentence for the person");
    assert!(
        notice.starts_with("Mail could not be stored on this computer (database or disk is full)"),
        "{notice}"
    );
    assert!(store.take_notice().is_none(), "said once");
    // The app goes on from memory; the file keeps what it had.
    assert!(get(&store, "m499").is_some());
    let again = Store::open(dir.path(), "1234").store;
    assert!(get(&again, "kept").is_some());
    assert!(get(&again, "m0").is_none());
}

#[test]
fn the_window_and_the_command_line_write_one_store_at_the_same_time_without_an_error() {
    // Two connections to one file, as two processes have: SQLite's locking and the busy
    // timeout make each writer wait its turn instead of failing with "database is locked".
    let dir = tempfile::tempdir().unwrap();
    let window = Store::open(dir.path(), "1234").store;
    let cli = Store::open(dir.path(), "1234").store;
    std::thread::scope(|s| {
        for (name, store) in [("w", &window), ("c", &cli)] {
            s.spawn(move || {
                for i in 0..200 {
                    put(
                        store,
                        &[message(
                            &format!("{name}{i}"),
                            1_700_000_000_000 + i,
                            &["INBOX"],
                        )],
                    );
                }
            });
        }
    });
    assert!(get(&window, "c199").is_some() && get(&cli, "w199").is_some());
}

#[test]
fn local_search_answers_each_operator_and_reads_sql_and_fts_syntax_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "1234").store;
    let with =
        |id: &str, ms: i64, labels: &[&str], from: (&str, &str), subject: &str, snippet: &str| {
            let mut m = message(id, ms, labels);
            m.row.from_name = Some(from.0.into());
            m.row.from_address = from.1.into();
            m.row.subject = Some(subject.into());
            m.row.snippet = snippet.into();
            m
        };
    let day = 86_400_000;
    let now = 1_800_000_000_000;
    put(
        &store,
        &[
            with(
                "a",
                now - day,
                &["INBOX", "UNREAD", "STARRED"],
                ("Marta Nowak", "marta@example.com"),
                "Tomorrow's train",
                "Platform 4 at 9:40",
            ),
            with(
                "b",
                now - 40 * day,
                &["SENT", "Label_4"],
                ("Ana Kowalska", "ana@example.com"),
                "Invoice overdue",
                "Please pay; DROP TABLE",
            ),
            with(
                "c",
                now - 2 * day,
                &["INBOX", "SPAM"],
                ("Prize Desk", "win@example.net"),
                "You won",
                "Claim now",
            ),
            with(
                "d",
                now - 3 * day,
                &["INBOX", "IMPORTANT"],
                ("Zoë Bernard", "zoe@example.fr"),
                "Réunion à Kraków",
                "Ordre du jour",
            ),
        ],
    );
    store
        .call_now(|c| {
            let tx = c.transaction()?;
            labels_put(
                &tx,
                &[Label {
                    id: "Label_4".into(),
                    name: "Travel 2026".into(),
                    kind: LabelKind::User,
                    unread: None,
                    total: None,
                }],
            )?;
            tx.commit()
        })
        .unwrap();
    let ids = |q: &str| -> Vec<String> {
        let expr = crate::search::parse(q).unwrap();
        let mut found: Vec<String> = store
            .call_now(move |c| super::messages_matching(c, &expr, &[], now, 0, 50))
            .unwrap()
            .into_iter()
            .map(|m| m.row.id)
            .collect();
        found.sort();
        found
    };
    assert_eq!(ids("train"), ["a"]);
    assert_eq!(ids("\"tomorrow's train\""), ["a"]);
    assert_eq!(ids("from:marta"), ["a"]);
    assert_eq!(ids("from:ana@example.com"), ["b"]);
    assert_eq!(ids("subject:invoice"), ["b"]);
    assert_eq!(ids("krakow"), ["d"], "accents do not matter");
    assert_eq!(ids("is:unread"), ["a"]);
    assert_eq!(ids("is:read"), ["b", "d"]);
    assert_eq!(ids("is:starred"), ["a"]);
    assert_eq!(ids("is:important"), ["d"]);
    assert_eq!(ids("in:inbox"), ["a", "d"], "spam left out");
    assert_eq!(ids("in:sent"), ["b"]);
    assert_eq!(ids("won"), Vec::<String>::new(), "spam left out");
    assert_eq!(ids("in:spam"), ["c"]);
    assert_eq!(ids("in:anywhere won"), ["c"]);
    assert_eq!(ids("label:travel-2026"), ["b"]);
    assert_eq!(ids("label:Label_4"), ["b"]);
    assert_eq!(ids("newer_than:2d"), ["a"]);
    assert_eq!(ids("older_than:30d"), ["b"]);
    // "Now" is 2027-01-15: b is from 2026-12-06, the others from January.
    assert_eq!(ids("after:2027/01/01"), ["a", "d"]);
    assert_eq!(ids("before:2026/12/31"), ["b"]);
    assert_eq!(ids("-from:marta in:inbox"), ["d"]);
    assert_eq!(ids("train OR invoice"), ["a", "b"]);
    assert_eq!(
        ids("to:marta"),
        Vec::<String>::new(),
        "no recipients kept here"
    );
    // SQL and FTS5 syntax is text: found where written, never an error.
    assert_eq!(ids("DROP TABLE"), ["b"]);
    assert_eq!(ids("'; DROP TABLE messages; --"), Vec::<String>::new());
    assert_eq!(ids("\"NEAR(a b)\" * ^ AND:"), Vec::<String>::new());
    assert_eq!(ids(""), ["a", "b", "d"]);
}
