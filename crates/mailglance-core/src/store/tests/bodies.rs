//! Messages opened, kept: what was kept reads back the same, opening marks the time, and
//! the cap takes the bodies opened longest ago (never a row).

use super::*;
use crate::read::Reading;

fn reading(subject: &str, text: &str) -> Reading {
    Reading {
        from: None,
        to: Vec::new(),
        cc: Vec::new(),
        subject: Some(subject.into()),
        date_ms: Some(1),
        html: vec![format!("<p>{text}</p>")],
        text: vec![text.into()],
        attachments: Vec::new(),
    }
}

#[test]
fn a_kept_message_reads_back_the_same_and_compressed() {
    let store = Store::memory();
    let long = "Zażółć gęślą jaźń. ".repeat(400);
    let kept = reading("Train", &long);
    let size = store
        .call_now(|c| crate::store::bodies::put(c, "m1", &kept, 10))
        .unwrap();
    assert!(size < long.len() / 4, "compressed: {size} bytes");
    let back = store
        .call_now(|c| crate::store::bodies::get(c, "m1", 20))
        .unwrap();
    assert_eq!(back, Some(kept));
    assert_eq!(
        store
            .call_now(|c| crate::store::bodies::get(c, "m2", 20))
            .unwrap(),
        None
    );
}

#[test]
fn the_cap_takes_the_bodies_opened_longest_ago_and_leaves_the_rows() {
    let store = Store::memory();
    put(
        &store,
        &[message("a", 1, &["INBOX"]), message("b", 2, &["INBOX"])],
    );
    let noise = |seed: u64| -> String {
        // Text that compresses little, so each body has a real size.
        (0..3000u64)
            .map(|i| char::from(b'a' + ((i * 7919 + seed * 104_729) % 26) as u8))
            .collect()
    };
    for (id, opened) in [("a", 1), ("b", 2), ("c", 3)] {
        let r = reading(id, &noise(opened as u64));
        store
            .call_now(|c| crate::store::bodies::put(c, id, &r, opened))
            .unwrap();
    }
    // "a" opened again: now "b" is the one opened longest ago.
    store
        .call_now(|c| crate::store::bodies::get(c, "a", 4))
        .unwrap();
    let one: u64 = store
        .call_now(|c| c.query_row("SELECT MAX(size) FROM bodies", [], |r| r.get::<_, i64>(0)))
        .unwrap() as u64;
    let deleted = store
        .call_now(|c| crate::store::bodies::trim(c, one * 2 + 10))
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        store
            .call_now(|c| crate::store::bodies::get(c, "b", 5))
            .unwrap(),
        None
    );
    assert!(
        store
            .call_now(|c| crate::store::bodies::get(c, "a", 5))
            .unwrap()
            .is_some()
    );
    assert!(get(&store, "b").is_some(), "the row stays");
}
