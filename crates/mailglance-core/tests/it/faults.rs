//! The list under Google's faults, from the stand-in's fault matrix: 429 with
//! `Retry-After`, 403 rate limits, 5xx, truncated batches, connections closed mid-reply,
//! malformed JSON, invalid page tokens and 401s. Each is retried, or reported, as Google's
//! guide says.

use std::time::{Duration, Instant};

use mailglance_core::gmail::{Error, PageQuery, RetryPolicy};
use mailglance_core::store::Store;
use mailglance_standin::Endpoint;
use serde_json::json;

use crate::gmail::{Listing, assert_rows_match, ids, inbox};

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
