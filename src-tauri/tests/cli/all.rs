//! `mailglance list --account all` from the real binary: two accounts of uneven sizes,
//! their inboxes merged by date, paged with one token, every message once and in order,
//! each row with its account.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::helpers::{ANA, Fixture, JEAN};
use crate::support::mailglance;

/// Every page of a listing: the rows, in order.
fn all_pages(f: &Fixture, args: &[&str]) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut with: Vec<&str> = args.to_vec();
        if let Some(t) = &token {
            with.extend(["--page-token", t.as_str()]);
        }
        let (code, page, err) = mailglance(f, &with);
        assert_eq!(code, 0, "{err}");
        rows.extend(page["rows"].as_array().unwrap().iter().cloned());
        match page["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return rows,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_inboxes_merge_by_date_with_one_token_every_message_once() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    f.sign_in(&app, JEAN).await;
    // Each account's own inbox, from Gmail.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for email in [ANA, JEAN] {
        for row in all_pages(
            &f,
            &[
                "list",
                "--account",
                email,
                "--label",
                "INBOX",
                "--max",
                "500",
                "--json",
            ],
        ) {
            owner.insert(row["id"].as_str().unwrap().to_owned(), email.to_owned());
        }
    }
    let sizes: BTreeSet<usize> = [ANA, JEAN]
        .iter()
        .map(|e| owner.values().filter(|o| o == e).count())
        .collect();
    assert_eq!(sizes.len(), 2, "uneven sizes: {sizes:?}");

    let merged = all_pages(
        &f,
        &[
            "list",
            "--account",
            "all",
            "--label",
            "INBOX",
            "--max",
            "37",
            "--json",
        ],
    );
    let ids: Vec<&str> = merged.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no message twice");
    assert_eq!(
        unique,
        owner.keys().map(String::as_str).collect(),
        "every message"
    );
    for pair in merged.windows(2) {
        assert!(
            pair[0]["dateMs"].as_i64() >= pair[1]["dateMs"].as_i64(),
            "newest first: {} then {}",
            pair[0]["id"],
            pair[1]["id"]
        );
    }
    for row in &merged {
        assert_eq!(row["account"], owner[row["id"].as_str().unwrap()].as_str());
    }
    // A label only one account has is refused with what to do.
    let (code, _, err) = mailglance(&f, &["list", "--account", "all", "--label", "Work"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--label takes a label every account has"),
        "{err}"
    );
}
