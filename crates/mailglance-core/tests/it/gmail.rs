//! The Gmail list pipeline against the Google stand-in over loopback HTTP: paging with
//! page tokens, one batch per page, the row cache, and every failure docs/LESSONS.md's Listing
//! table and Google's error guide name (429, 403 rate limits, 5xx, cut and malformed
//! replies, expired cursors and tokens). Each test checks that no row is lost, repeated or
//! out of order.

use std::time::Duration;

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

use crate::helpers::{ANA, Fixture};

/// Short waits, so fault tests that retry several times stay quick.
pub(crate) const QUICK: RetryPolicy = RetryPolicy {
    attempts: 4,
    batch_rounds: 5,
    base: Duration::from_millis(50),
    max_wait: Duration::from_secs(10),
};

pub(crate) struct Listing {
    pub(crate) f: Fixture,
    _app: App,
    pub(crate) token: FixedToken<AppError>,
    pub(crate) gmail: Gmail,
    pub(crate) store: Store,
}

impl Listing {
    /// Ana signed in, with a token, a client and an empty cache.
    pub(crate) async fn new() -> Self {
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
    pub(crate) async fn page(&self, query: &PageQuery) -> Result<Page, Error> {
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

    pub(crate) fn mailbox(&self) -> std::sync::Arc<Mailbox> {
        self.f.standin.mailbox()
    }

    /// The ids Gmail lists by default (SPAM and TRASH left out) that pass `keep`, newest
    /// first as Gmail orders them.
    pub(crate) fn expected(&self, keep: impl Fn(&Account, &Message) -> bool) -> Vec<String> {
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
    pub(crate) fn first_inbox_ids(&self) -> Vec<String> {
        let mut ids = self.expected(|_, m| m.has_label("INBOX"));
        ids.truncate(50);
        ids
    }

    pub(crate) fn units(&self) -> u64 {
        self.f.standin.units_spent(ANA)
    }
}

pub(crate) fn inbox() -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        ..PageQuery::default()
    }
}

pub(crate) fn ids(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| r.id.clone()).collect()
}

/// Each row says what the mailbox holds for its message.
pub(crate) fn assert_rows_match(mailbox: &Mailbox, rows: &[Row]) {
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
        // The snippet is served HTML-escaped; the row has the plain text back, its
        // whitespace collapsed and any control character a space.
        let plain: String = m
            .snippet
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(row.snippet, plain, "{}", row.id);
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

#[tokio::test]
async fn the_sidebar_labels_carry_the_mailboxs_counts_from_one_batch() {
    let l = Listing::new().await;
    let labels = l.gmail.labels(&l.token).await.unwrap();
    let mailbox = l.mailbox();
    let account = mailbox.account(ANA).unwrap();
    assert_eq!(labels.len(), account.labels.len());
    // The counts the sidebar shows are fetched; the other system labels come without.
    for id in ["INBOX", "IMPORTANT", "SPAM"] {
        let label = labels.iter().find(|x| x.id == id).expect(id);
        let counts = account.label_counts(id);
        assert_eq!(label.kind, LabelKind::System);
        assert_eq!(label.unread, Some(counts.messages_unread as u64), "{id}");
        assert_eq!(label.total, Some(counts.messages_total as u64), "{id}");
    }
    for id in ["STARRED", "SENT", "DRAFT", "TRASH"] {
        let label = labels.iter().find(|x| x.id == id).expect(id);
        assert_eq!(label.kind, LabelKind::System);
        assert_eq!(label.unread, None, "{id}: not shown, not fetched");
    }
    let books = labels.iter().find(|x| x.id == "Label_4").unwrap();
    assert_eq!(
        (books.name.as_str(), books.kind),
        ("Książki", LabelKind::User)
    );
    assert_eq!(l.f.standin.count(Endpoint::LabelsList), 1);
    assert_eq!(l.f.standin.count(Endpoint::Batch), 1);
    assert_eq!(l.units(), 1 + 3, "labels.list and the three counts shown");
}
