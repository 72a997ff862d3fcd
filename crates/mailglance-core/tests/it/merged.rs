//! All inboxes against the stand-in: two accounts merged by date, one of them unreachable
//! while the other answers, one signed out while its rows are shown, one whose sign-in
//! ended; and Gmail's answer to a search marking the rows only Gmail found.

use std::collections::BTreeSet;
use std::time::Duration;

use mailglance_core::app::{App, MergedPage, Source};
use mailglance_core::gmail::{PageQuery, RetryPolicy};
use mailglance_standin::mailbox::{Message, now_ms};

use crate::helpers::{ANA, Fixture, JEAN};

fn inboxes(max: u32) -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        max_results: max,
        ..PageQuery::default()
    }
}

/// Ana and Jean signed in, with short retries (an unreachable account gives up fast).
async fn two_accounts() -> (Fixture, App) {
    let f = Fixture::new().await;
    let app = f.app().with_retry(RetryPolicy {
        attempts: 2,
        batch_rounds: 1,
        base: Duration::from_millis(20),
        max_wait: Duration::from_millis(50),
    });
    f.sign_in(&app, ANA).await;
    f.sign_in(&app, JEAN).await;
    (f, app)
}

fn owners(page: &MergedPage) -> BTreeSet<&str> {
    page.rows.iter().map(|r| r.account.as_str()).collect()
}

fn newest_first(page: &MergedPage) {
    for pair in page.rows.windows(2) {
        assert!(
            pair[0].row.date_ms >= pair[1].row.date_ms,
            "{} before {}",
            pair[0].row.id,
            pair[1].row.id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_account_shows_its_stored_mail_while_the_other_stays_live() {
    let (f, app) = two_accounts().await;
    let first = app.merged_page(inboxes(50), Source::Gmail).await.unwrap();
    assert_eq!(owners(&first), BTreeSet::from([ANA, JEAN]));
    assert!(first.accounts.iter().all(|a| a.as_of_ms.is_none()));

    // Jean's Gmail gets no reply; Ana's works, and new mail arrives for her.
    f.standin.faults().unreachable(JEAN, true);
    let new = f
        .standin
        .deliver(
            ANA,
            Message::arriving("Marta <marta@example.com>", "Live", "still here", now_ms()),
        )
        .unwrap();
    let page = app.merged_page(inboxes(50), Source::Gmail).await.unwrap();
    newest_first(&page);
    assert_eq!(page.rows[0].row.id, new, "Ana's new mail on top");
    assert_eq!(
        owners(&page),
        BTreeSet::from([ANA, JEAN]),
        "Jean's stored rows too"
    );
    let jean = page.accounts.iter().find(|a| a.account == JEAN).unwrap();
    let ana = page.accounts.iter().find(|a| a.account == ANA).unwrap();
    assert!(jean.as_of_ms.is_some(), "Jean's part says since when");
    assert!(jean.problem.is_none());
    assert!(ana.as_of_ms.is_none(), "Ana's part is live");
    let jean_rows = |p: &MergedPage| -> Vec<String> {
        p.rows
            .iter()
            .filter(|r| r.account == JEAN)
            .map(|r| r.row.id.clone())
            .collect()
    };
    // The same rows as Gmail last gave, in order; Ana's new mail on top may push the
    // oldest of them past the page's 50 (which one is oldest depends on the demo's dates).
    let (now_shown, before) = (jean_rows(&page), jean_rows(&first));
    assert!(
        now_shown.len() + 1 >= before.len() && before.starts_with(&now_shown),
        "the same rows as Gmail last gave: {now_shown:?} then {before:?}"
    );

    // With the network back, Jean's part is live again.
    f.standin.faults().unreachable(JEAN, false);
    let again = app.merged_page(inboxes(50), Source::Gmail).await.unwrap();
    assert!(again.accounts.iter().all(|a| a.as_of_ms.is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_signed_out_while_shown_leaves_the_merge_and_the_next_page_goes_on() {
    let (f, app) = two_accounts().await;
    let first = app.merged_page(inboxes(20), Source::Gmail).await.unwrap();
    assert_eq!(owners(&first), BTreeSet::from([ANA, JEAN]));
    let token = first.next_page_token.clone().expect("more to come");
    let jean = app
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email == JEAN)
        .unwrap();
    app.sign_out(&jean.id).await.unwrap();

    let next = app
        .merged_page(
            PageQuery {
                page_token: Some(token),
                ..inboxes(20)
            },
            Source::Gmail,
        )
        .await
        .unwrap();
    assert!(!next.rows.is_empty());
    assert_eq!(owners(&next), BTreeSet::from([ANA]), "only Ana from now on");
    assert!(
        next.rows.first().unwrap().row.date_ms <= first.rows.last().unwrap().row.date_ms,
        "the next page goes on after the first"
    );
    let shown: BTreeSet<&str> = first.rows.iter().map(|r| r.row.id.as_str()).collect();
    assert!(next.rows.iter().all(|r| !shown.contains(r.row.id.as_str())));
    // From the top, and from the stores alike: Ana alone.
    for source in [Source::Gmail, Source::Stored] {
        let top = app.merged_page(inboxes(20), source).await.unwrap();
        assert_eq!(owners(&top), BTreeSet::from([ANA]), "{source:?}");
        assert_eq!(top.accounts.len(), 1);
    }
    drop(f);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_whose_sign_in_ended_is_left_out_with_why_and_the_other_is_shown() {
    let (f, app) = two_accounts().await;
    app.merged_page(inboxes(50), Source::Gmail).await.unwrap();
    f.standin.faults().revoke_user(JEAN);
    let page = app.merged_page(inboxes(50), Source::Gmail).await.unwrap();
    assert_eq!(owners(&page), BTreeSet::from([ANA]));
    let jean = page.accounts.iter().find(|a| a.account == JEAN).unwrap();
    let problem = jean.problem.as_ref().expect("why Jean is left out");
    assert_eq!(problem.kind, "auth_required");
    assert_eq!(problem.email.as_deref(), Some(JEAN));
    // Its rows never come back later in the same merge, out of order.
    let mut token = page.next_page_token.clone();
    while let Some(t) = token {
        let next = app
            .merged_page(
                PageQuery {
                    page_token: Some(t),
                    ..inboxes(50)
                },
                Source::Gmail,
            )
            .await
            .unwrap();
        assert_eq!(owners(&next), BTreeSet::from([ANA]));
        token = next.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gmails_answer_to_a_search_marks_the_rows_only_gmail_found() {
    let (f, app) = two_accounts().await;
    // A word in the body only: Gmail finds it, this computer (which keeps no bodies) not.
    let mut body_only = Message::arriving(
        "Marta <marta@example.com>",
        "Plans",
        "see below for the rest",
        now_ms(),
    );
    body_only.text = "see below for the rest\n\nthe zebrafish tank is ready".into();
    let hidden = f.standin.deliver(ANA, body_only).unwrap();
    let shown = f
        .standin
        .deliver(
            JEAN,
            Message::arriving(
                "Piotr <piotr@example.pl>",
                "Zebrafish photos",
                "attached",
                now_ms() - 1000,
            ),
        )
        .unwrap();
    let query = PageQuery {
        q: Some("zebrafish".into()),
        ..inboxes(50)
    };
    let gmail = app.merged_page(query.clone(), Source::Gmail).await.unwrap();
    let ids: BTreeSet<&str> = gmail.rows.iter().map(|r| r.row.id.as_str()).collect();
    assert_eq!(ids, BTreeSet::from([hidden.as_str(), shown.as_str()]));
    assert_eq!(gmail.only_gmail, vec![hidden.clone()]);
    // On this computer, while typing: only the one it can find, and no network.
    f.standin.clear_requests();
    let here = app.merged_page(query, Source::Here).await.unwrap();
    let ids: Vec<&str> = here.rows.iter().map(|r| r.row.id.as_str()).collect();
    assert_eq!(ids, [shown.as_str()]);
    assert!(here.only_gmail.is_empty());
    assert!(f.standin.requests().is_empty(), "no call to Google");
}
