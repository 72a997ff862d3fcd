//! Search on this computer against the stand-in's own search over the same mailbox: for
//! queries generated from the operators both support (`from:`, `to:`, `subject:`, `is:`,
//! `in:`, `label:`, `newer_than:`/`older_than:`, negation, `OR`), the store finds exactly the
//! messages Gmail's answer (the stand-in's `messages.list` with `q`) lists.

use std::collections::BTreeSet;

use mailglance_core::gmail::PageQuery;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::helpers::{ANA, Fixture};

/// Every id Gmail lists for `q`, all pages.
async fn gmail_ids(app: &mailglance_core::app::App, id: &str, q: &str) -> BTreeSet<String> {
    let mut query = PageQuery {
        q: Some(q.to_owned()),
        max_results: 500,
        ..PageQuery::default()
    };
    let mut ids = BTreeSet::new();
    loop {
        let page = app.list_page(id, query.clone()).await.unwrap();
        ids.extend(page.rows.into_iter().map(|r| r.id));
        match page.next_page_token {
            Some(t) => query.page_token = Some(t),
            None => return ids,
        }
    }
}

/// ASCII words only: accents and CJK are matched differently on purpose (the store folds
/// accents), and the stand-in searches bodies, which the store does not keep.
fn ascii_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_lowercase)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_search_finds_what_gmails_search_finds_for_the_shared_operators() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    // Every message kept on this computer, and the labels (as the sidebar keeps them:
    // `label:` names are looked up there).
    gmail_ids(&app, &account.id, "in:anywhere").await;
    app.labels(&account.id).await.unwrap();

    let mailbox = f.standin.mailbox();
    let messages = &mailbox.account(ANA).unwrap().messages;
    let mut senders = BTreeSet::new();
    let mut subjects = BTreeSet::new();
    let mut recipients = BTreeSet::new();
    for m in messages.iter() {
        if let Some(w) = ascii_words(m.header("To").unwrap_or("")).into_iter().next() {
            recipients.insert(w);
        }
        if let Some(w) = ascii_words(m.header("From").unwrap_or(""))
            .into_iter()
            .next()
        {
            senders.insert(w);
        }
        subjects.extend(ascii_words(m.header("Subject").unwrap_or("")));
    }
    let senders: Vec<String> = senders.into_iter().take(12).collect();
    let subjects: Vec<String> = subjects.into_iter().take(24).collect();
    let mut terms: Vec<String> = [
        "is:unread",
        "is:read",
        "is:starred",
        "is:important",
        "in:inbox",
        "in:sent",
        "in:spam",
        "in:trash",
        "in:anywhere",
        "label:work",
        "label:receipts",
        "newer_than:3d",
        "older_than:30d",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    terms.extend(senders.iter().map(|s| format!("from:{s}")));
    terms.extend(subjects.iter().map(|s| format!("subject:{s}")));
    terms.extend(recipients.iter().take(8).map(|s| format!("to:{s}")));

    let term = prop::sample::select(terms);
    let part = (term.clone(), any::<bool>(), prop::option::of(term)).prop_map(|(t, negate, or)| {
        match (negate, or) {
            (true, _) => format!("-{t}"),
            (false, Some(other)) => format!("{t} OR {other}"),
            (false, None) => t,
        }
    });
    let queries = prop::collection::vec(part, 1..3).prop_map(|parts| parts.join(" "));
    let mut runner = TestRunner::new(Config {
        cases: 40,
        failure_persistence: None,
        ..Config::default()
    });
    let store = app.store(&account.id);
    let handle = tokio::runtime::Handle::current();
    runner
        .run(&queries, |q| {
            let gmail =
                tokio::task::block_in_place(|| handle.block_on(gmail_ids(&app, &account.id, &q)));
            let expr = mailglance_core::search::parse(&q).unwrap();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64;
            let local: BTreeSet<String> = tokio::task::block_in_place(|| {
                handle.block_on(store.call(move |c| {
                    mailglance_core::store::messages_matching(c, &expr, &[], now, 0, 10_000)
                }))
            })
            .unwrap()
            .into_iter()
            .map(|m| m.row.id)
            .collect();
            prop_assert_eq!(local, gmail, "{}", q);
            Ok(())
        })
        .unwrap();
}
