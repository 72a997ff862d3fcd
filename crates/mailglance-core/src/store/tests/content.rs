//! What the store keeps: every field, label changes and deletions, the labels and
//! the lists shown.

use super::*;

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
        .call_now(|c| {
            let all = crate::search::parse("").unwrap();
            messages_matching(c, &all, &["INBOX".into()], 0, 0, 50)
        })
        .unwrap();
    let ids: Vec<_> = inbox.iter().map(|m| m.row.id.as_str()).collect();
    assert_eq!(ids, vec!["c"], "newest first, archived and deleted gone");
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
