//! The store's file: migrations, a corrupt or newer file set aside, permissions, a disk
//! that refuses writes, deletion, and two processes writing at once.

use super::*;

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
    assert_eq!(notice.kind(), "store_set_aside");
    let notice = notice.to_string();
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
    assert!(notice.unwrap().to_string().contains("newer Mailglance"));
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
    let notice = notice.unwrap();
    assert_eq!(notice.kind(), "store_not_writable");
    assert!(notice.to_string().contains("could not be stored"));
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
    // The disk is full (said so) or SQLite says it is (its words kept).
    let said = notice.to_string();
    assert!(
        notice == Notice::DiskFull
            || said.starts_with(
                "Mail could not be stored on this computer (database or disk is full)"
            ),
        "{said}"
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
