//! The Gmail list pipeline against the Google stand-in over loopback HTTP: paging with
//! page tokens, one batch per page, the row cache, and every failure LESSONS.md's Listing
//! table and Google's error guide name (429, 403 rate limits, 5xx, cut and malformed
//! replies, expired cursors and tokens). Each test checks that no row is lost, repeated or
//! out of order.

use std::time::{Duration, Instant};

use mailglance_core::app::App;
use mailglance_core::error::Error as AppError;
use mailglance_core::gmail::{
    Error, FixedToken, Gmail, LabelKind, Page, PageQuery, RetryPolicy, Row,
};
use mailglance_core::store::Store;
use mailglance_core::sync;
use mailglance_standin::mailbox::{Account, Message};
use mailglance_standin::query::Query;
use mailglance_standin::{Endpoint, HOSTILE_SUBJECT, Mailbox};
use serde_json::json;

use crate::helpers::{ANA, Fixture};

/// Short waits, so fault tests that retry several times stay quick.
const QUICK: RetryPolicy = RetryPolicy {
    attempts: 4,
    batch_rounds: 5,
    base: Duration::from_millis(50),
    max_wait: Duration::from_secs(10),
};

struct Listing {
    f: Fixture,
    _app: App,
    token: FixedToken<AppError>,
    gmail: Gmail,
    store: Store,
}

impl Listing {
    /// Ana signed in, with a token, a client and an empty cache.
    async fn new() -> Self {
        let f = Fixture::new().await;
        let app = f.app();
        let account = f.sign_in(&app, ANA).await;
        let token = FixedToken::new(app.access_token(&account.id).await.unwrap());
        let gmail = app.gmail(&account.id).unwrap().with_retry(QUICK);
        Self {
            f,
            _app: app,
            token,
            gmail,
            store: Store::memory(),
        }
    }

    /// One page through the store, as the app lists (a fresh store fetches every row).
    async fn page(&self, query: &PageQuery) -> Result<Page, Error> {
        sync::page(&self.gmail, &self.token, &self.store, query)
            .await
            .map_err(|e| match e {
                AppError::Gmail(e) => e,
                other => panic!("not a Gmail error: {other}"),
            })
    }

    /// Every page from the first, following the page tokens.
    async fn walk(&self, mut query: PageQuery) -> Vec<Row> {
        let mut rows = Vec::new();
        for _ in 0..200 {
            let page = self.page(&query).await.expect("a page");
            rows.extend(page.rows);
            match page.next_page_token {
                Some(token) => query.page_token = Some(token),
                None => return rows,
            }
        }
        panic!("more than 200 pages: the page tokens do not advance");
    }

    fn mailbox(&self) -> std::sync::Arc<Mailbox> {
        self.f.standin.mailbox()
    }

    /// The ids Gmail lists by default (SPAM and TRASH left out) that pass `keep`, newest
    /// first as Gmail orders them.
    fn expected(&self, keep: impl Fn(&Account, &Message) -> bool) -> Vec<String> {
        let mailbox = self.mailbox();
        let account = mailbox.account(ANA).unwrap();
        account
            .messages
            .iter()
            .filter(|m| !m.has_label("SPAM") && !m.has_label("TRASH"))
            .filter(|m| keep(account, m))
            .map(|m| m.id.clone())
            .collect()
    }

    /// The first page of the inbox, as the mailbox says it is.
    fn first_inbox_ids(&self) -> Vec<String> {
        let mut ids = self.expected(|_, m| m.has_label("INBOX"));
        ids.truncate(50);
        ids
    }

    fn units(&self) -> u64 {
        self.f.standin.units_spent(ANA)
    }
}

fn inbox() -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        ..PageQuery::default()
    }
}

fn ids(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| r.id.clone()).collect()
}

/// Each row says what the mailbox holds for its message.
fn assert_rows_match(mailbox: &Mailbox, rows: &[Row]) {
    let account = mailbox.account(ANA).unwrap();
    for row in rows {
        let m = account.message(&row.id).expect("a listed message exists");
        assert_eq!(row.thread_id, m.thread_id);
        assert_eq!(row.date_ms, m.internal_date, "{}", row.id);
        assert_eq!(row.unread, m.has_label("UNREAD"));
        assert_eq!(row.starred, m.has_label("STARRED"));
        assert_eq!(row.important, m.has_label("IMPORTANT"));
        let user_labels: Vec<String> = m
            .label_ids
            .iter()
            .filter(|l| l.starts_with("Label_"))
            .cloned()
            .collect();
        assert_eq!(row.labels, user_labels);
        // The snippet is served HTML-escaped; the row has the plain text back.
        assert_eq!(row.snippet, m.snippet, "{}", row.id);
        let from = m.header("From").unwrap_or_default();
        assert!(
            !row.from_address.is_empty() && from.contains(&row.from_address),
            "{from:?} -> {:?}",
            row.from_address
        );
        let subject = m
            .header("Subject")
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty());
        assert_eq!(row.subject, subject, "{}", row.id);
    }
}

#[tokio::test]
async fn paging_through_the_whole_inbox_gives_every_message_once_in_gmails_order() {
    let l = Listing::new().await;
    let expected = l.expected(|_, m| m.has_label("INBOX"));
    assert!(expected.len() > 100, "the demo inbox spans several pages");
    let rows = l.walk(inbox()).await;
    assert_eq!(ids(&rows), expected);
    assert_rows_match(&l.mailbox(), &rows);
    let pages = expected.len().div_ceil(50);
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), pages);
    assert_eq!(l.f.standin.count(Endpoint::Batch), pages);
}

#[tokio::test]
async fn all_mail_in_pages_of_five_hundred_arrives_complete_through_batches_of_fifty() {
    let l = Listing::new().await;
    let expected = l.expected(|_, _| true);
    let query = PageQuery {
        max_results: 500,
        ..PageQuery::default()
    };
    let rows = l.walk(query).await;
    assert_eq!(ids(&rows), expected);
    let n = expected.len();
    assert_eq!(
        l.f.standin.count(Endpoint::Batch),
        n / 500 * 10 + (n % 500).div_ceil(50),
        "no batch holds more than 50 calls"
    );
    for r in l.f.standin.requests() {
        assert!(r.endpoint != Endpoint::Batch || r.units <= 50 * 20);
    }
}

#[tokio::test]
async fn an_unread_search_and_a_label_filter_return_only_matching_messages() {
    let l = Listing::new().await;
    let unread = l.walk(PageQuery {
        q: Some("is:unread".into()),
        ..PageQuery::default()
    });
    let unread = unread.await;
    let query = Query::parse("is:unread");
    let expected = l.expected(|a, m| query.matches(a, m, 0));
    assert!(!expected.is_empty());
    assert_eq!(ids(&unread), expected);
    assert!(unread.iter().all(|r| r.unread));

    let books = l
        .walk(PageQuery {
            label_ids: vec!["Label_4".into()],
            ..PageQuery::default()
        })
        .await;
    let expected = l.expected(|_, m| m.has_label("Label_4"));
    assert!(!expected.is_empty());
    assert_eq!(ids(&books), expected);
    assert!(
        books
            .iter()
            .all(|r| r.labels.contains(&"Label_4".to_string()))
    );
    assert_rows_match(&l.mailbox(), &books);
}

#[tokio::test]
async fn a_search_that_matches_nothing_is_an_empty_last_page_without_a_batch() {
    let l = Listing::new().await;
    let page = l
        .page(&PageQuery {
            q: Some("zzqx-nothing-matches-this".into()),
            ..PageQuery::default()
        })
        .await
        .unwrap();
    assert!(page.rows.is_empty());
    assert_eq!(page.next_page_token, None);
    assert_eq!(page.result_size_estimate, 0);
    assert_eq!(l.f.standin.count(Endpoint::Batch), 0);
}

#[tokio::test]
async fn a_pages_metadata_comes_in_one_batch_and_never_one_get_at_a_time() {
    let l = Listing::new().await;
    let page = l.page(&inbox()).await.unwrap();
    assert_eq!(ids(&page.rows), l.first_inbox_ids());
    assert_eq!(l.f.standin.count(Endpoint::Batch), 1);
    let requests = l.f.standin.requests();
    let gets: Vec<_> = requests
        .iter()
        .filter(|r| r.endpoint == Endpoint::MessagesGet)
        .collect();
    assert_eq!(gets.len(), 50);
    assert!(
        gets.iter().all(|r| r.in_batch),
        "a messages.get outside a batch"
    );
    assert!(
        gets.iter().all(
            |r| r.query.contains("format=metadata") && r.query.contains("metadataHeaders=From")
        )
    );
}

#[tokio::test]
async fn refreshing_an_unchanged_page_costs_one_list_call_and_no_batch() {
    let l = Listing::new().await;
    let first = l.page(&inbox()).await.unwrap();
    let (units, batches) = (l.units(), l.f.standin.count(Endpoint::Batch));
    assert_eq!(
        units,
        5 + 50 * 20,
        "a fresh page of 50 in the new quota model"
    );
    let again = l.page(&inbox()).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(l.units() - units, 5, "only messages.list is paid for");
    assert_eq!(l.f.standin.count(Endpoint::Batch), batches);
}

#[tokio::test]
async fn the_hostile_messages_come_back_as_plain_decoded_text() {
    let l = Listing::new().await;
    let rows = l.page(&inbox()).await.unwrap().rows;
    let hostile = rows
        .iter()
        .find(|r| r.subject.as_deref() == Some(HOSTILE_SUBJECT))
        .expect("the hostile message is on the first page");
    assert_eq!(
        hostile.from_name.as_deref(),
        Some("<script>alert('from')</script>")
    );
    assert!(
        hostile.snippet.contains("<b>bold</b>"),
        "{}",
        hostile.snippet
    );
    let andre = rows
        .iter()
        .find(|r| r.from_address == "andre.dupont@example.org")
        .expect("the encoded-word sender");
    assert_eq!(andre.from_name.as_deref(), Some("André Dupont"));
    assert!(
        rows.iter()
            .any(|r| r.from_name.as_deref() == Some("Kowalski, Jan"))
    );
    assert!(rows.iter().any(|r| r.subject.is_none()));
}

/// The first inbox page after a fault: complete, in order, and matching the mailbox.
async fn assert_first_page_survives(l: &Listing) {
    let page = l
        .page(&inbox())
        .await
        .expect("the page arrives after retries");
    assert_eq!(ids(&page.rows), l.first_inbox_ids());
    assert_rows_match(&l.mailbox(), &page.rows);
}

#[tokio::test]
async fn a_429_on_the_list_is_waited_out_as_retry_after_says() {
    let mut l = Listing::new().await;
    l.gmail = l.gmail.clone().with_retry(RetryPolicy::default());
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesList, 1, 429);
    let started = Instant::now();
    assert_first_page_survives(&l).await;
    // The stand-in sends Retry-After: 1.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 2);
}

#[tokio::test]
async fn a_user_rate_limit_403_on_the_list_is_retried() {
    let l = Listing::new().await;
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesList, 2, 403);
    assert_first_page_survives(&l).await;
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 3);
}

#[tokio::test]
async fn server_errors_on_the_list_are_retried() {
    let mut l = Listing::new().await;
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesList, 1, 500);
    assert_first_page_survives(&l).await;
    l.store = Store::memory();
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesList, 2, 503);
    assert_first_page_survives(&l).await;
}

#[tokio::test]
async fn a_list_that_keeps_failing_gives_up_after_four_tries() {
    let l = Listing::new().await;
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesList, 10, 503);
    let e = l.page(&inbox()).await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 503 }), "{e:?}");
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 4);
}

#[tokio::test]
async fn a_403_that_is_not_a_rate_limit_is_not_retried() {
    let l = Listing::new().await;
    let body = json!({"error": {"code": 403, "message": "Request had insufficient authentication scopes.",
        "errors": [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}],
        "status": "PERMISSION_DENIED"}});
    l.f.standin
        .faults()
        .fail_next_with_body(Endpoint::MessagesList, 1, 403, body);
    let e = l.page(&inbox()).await.unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 1);
}

#[tokio::test]
async fn rate_limited_parts_of_a_batch_are_retried_alone_and_rows_stay_in_order() {
    let l = Listing::new().await;
    // The first five parts of the batch answer 429.
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesGet, 5, 429);
    assert_first_page_survives(&l).await;
    let gets: Vec<_> =
        l.f.standin
            .requests()
            .into_iter()
            .filter(|r| r.endpoint == Endpoint::MessagesGet)
            .collect();
    assert_eq!(
        gets.len(),
        55,
        "only the five refused parts were asked again"
    );
    assert_eq!(l.f.standin.count(Endpoint::Batch), 2);
}

#[tokio::test]
async fn parts_failing_with_403_rate_limit_or_503_are_retried() {
    let mut l = Listing::new().await;
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesGet, 3, 403);
    assert_first_page_survives(&l).await;
    l.store = Store::memory();
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesGet, 60, 503);
    assert_first_page_survives(&l).await;
}

#[tokio::test]
async fn a_message_deleted_between_list_and_batch_is_left_out_and_the_rest_kept() {
    let l = Listing::new().await;
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesGet, 1, 404);
    let page = l.page(&inbox()).await.unwrap();
    let mut expected = l.first_inbox_ids();
    expected.remove(0);
    assert_eq!(ids(&page.rows), expected);
    assert_eq!(l.f.standin.count(Endpoint::Batch), 1);
}

#[tokio::test]
async fn a_truncated_batch_reply_is_fetched_again_and_the_page_is_complete() {
    let mut l = Listing::new().await;
    l.f.standin.faults().truncate_batch_next(1);
    assert_first_page_survives(&l).await;
    assert_eq!(l.f.standin.count(Endpoint::Batch), 2);

    // Cut twice: after one whole retry, smaller batches.
    l.store = Store::memory();
    l.f.standin.faults().truncate_batch_next(2);
    assert_first_page_survives(&l).await;
    assert_eq!(l.f.standin.count(Endpoint::Batch), 2 + 1 + 1 + 2);
}

#[tokio::test]
async fn a_batch_part_with_malformed_json_is_fetched_again() {
    let l = Listing::new().await;
    l.f.standin
        .faults()
        .malformed_json_next(Endpoint::MessagesGet, 2);
    assert_first_page_survives(&l).await;
    assert_eq!(l.f.standin.count(Endpoint::MessagesGet), 52);
}

#[tokio::test]
async fn malformed_json_on_the_list_is_retried_and_named_if_it_persists() {
    let l = Listing::new().await;
    l.f.standin
        .faults()
        .malformed_json_next(Endpoint::MessagesList, 1);
    assert_first_page_survives(&l).await;

    l.f.standin
        .faults()
        .malformed_json_next(Endpoint::MessagesList, 4);
    let e = l.page(&inbox()).await.unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
}

#[tokio::test]
async fn a_connection_closed_mid_reply_is_retried_for_the_list_and_the_batch() {
    let mut l = Listing::new().await;
    l.f.standin
        .faults()
        .close_mid_reply_next(Endpoint::MessagesList, 1);
    assert_first_page_survives(&l).await;
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 2);

    l.store = Store::memory();
    l.f.standin
        .faults()
        .close_mid_reply_next(Endpoint::Batch, 1);
    assert_first_page_survives(&l).await;
}

#[tokio::test]
async fn a_failed_batch_request_is_retried_whole() {
    let l = Listing::new().await;
    l.f.standin.faults().fail_next(Endpoint::Batch, 1, 503);
    assert_first_page_survives(&l).await;
    assert_eq!(l.f.standin.count(Endpoint::Batch), 2);
}

#[tokio::test]
async fn an_invalid_page_token_is_its_own_error_so_the_list_can_start_again() {
    let l = Listing::new().await;
    for token in ["not-a-token", "00000000000000000001"] {
        let e = l
            .page(&PageQuery {
                page_token: Some(token.into()),
                ..inbox()
            })
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidPageToken), "{e:?}");
    }
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 2, "not retried");
}

#[tokio::test]
async fn an_expired_access_token_is_unauthorized_for_the_caller_to_refresh() {
    let l = Listing::new().await;
    l.f.standin.faults().expire_access_tokens();
    let e = l.page(&inbox()).await.unwrap_err();
    assert!(matches!(e, Error::Unauthorized), "{e:?}");
    assert_eq!(l.f.standin.count(Endpoint::MessagesList), 1, "not retried");
}

#[tokio::test]
async fn a_401_on_the_batch_is_unauthorized_too() {
    let l = Listing::new().await;
    l.f.standin.faults().fail_next(Endpoint::Batch, 1, 401);
    let e = l.page(&inbox()).await.unwrap_err();
    assert!(matches!(e, Error::Unauthorized), "{e:?}");
}

#[tokio::test]
async fn a_401_inside_a_batch_part_is_unauthorized_and_not_retried() {
    let l = Listing::new().await;
    l.f.standin
        .faults()
        .fail_next(Endpoint::MessagesGet, 1, 401);
    let e = l.page(&inbox()).await.unwrap_err();
    assert!(matches!(e, Error::Unauthorized), "{e:?}");
    assert_eq!(l.f.standin.count(Endpoint::Batch), 1);
}

#[tokio::test]
async fn the_sidebar_labels_carry_the_mailboxs_counts_from_one_batch() {
    let l = Listing::new().await;
    let labels = l.gmail.labels(&l.token).await.unwrap();
    let mailbox = l.mailbox();
    let account = mailbox.account(ANA).unwrap();
    assert_eq!(labels.len(), account.labels.len());
    for id in [
        "INBOX",
        "STARRED",
        "IMPORTANT",
        "SENT",
        "DRAFT",
        "SPAM",
        "TRASH",
    ] {
        let label = labels.iter().find(|x| x.id == id).expect(id);
        let counts = account.label_counts(id);
        assert_eq!(label.kind, LabelKind::System);
        assert_eq!(label.unread, Some(counts.messages_unread as u64), "{id}");
        assert_eq!(label.total, Some(counts.messages_total as u64), "{id}");
    }
    let books = labels.iter().find(|x| x.id == "Label_4").unwrap();
    assert_eq!(
        (books.name.as_str(), books.kind),
        ("Książki", LabelKind::User)
    );
    assert_eq!(l.f.standin.count(Endpoint::LabelsList), 1);
    assert_eq!(l.f.standin.count(Endpoint::Batch), 1);
    assert_eq!(l.units(), 1 + 7);
}
