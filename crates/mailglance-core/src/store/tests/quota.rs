//! The quota ledger and the history id as two processes see them: two stores opened on
//! one file (each its own SQLite connection, as the window and the command line have).

use std::time::Duration;

use super::*;
use crate::gmail::{Budget, Ledger, Limit};

fn minute() -> Limit {
    Limit {
        per_window: 6_000,
        window: Duration::from_secs(60),
    }
}

#[tokio::test]
async fn units_spent_through_one_process_count_in_the_others_minute() {
    let dir = tempfile::tempdir().unwrap();
    let window = Store::open(dir.path(), "42").store;
    let command_line = Store::open(dir.path(), "42").store;
    assert_eq!(window.reserve(5_000, minute()).await.unwrap(), None);
    // The command line starts from the window's 5,000, not from zero.
    let wait = command_line.reserve(1_005, minute()).await.unwrap();
    assert!(
        wait.is_some_and(|w| w > Duration::from_secs(59)),
        "{wait:?}"
    );
    assert_eq!(command_line.reserve(1_000, minute()).await.unwrap(), None);
    assert_eq!(window.in_window(minute()).await.unwrap().0, 6_000);
}

#[tokio::test]
async fn a_refusal_seen_by_one_process_holds_the_other_and_is_never_shortened() {
    let dir = tempfile::tempdir().unwrap();
    let window = Store::open(dir.path(), "42").store;
    let command_line = Store::open(dir.path(), "42").store;
    let held = window
        .refuse(Some(Duration::from_secs(30)), minute())
        .await
        .unwrap();
    assert_eq!(held, Duration::from_secs(30));
    command_line
        .refuse(Some(Duration::from_secs(5)), minute())
        .await
        .unwrap();
    let wait = command_line.reserve(5, minute()).await.unwrap().unwrap();
    assert!(wait > Duration::from_secs(29), "{wait:?}");
    let (used, refused) = window.in_window(minute()).await.unwrap();
    assert_eq!(used, 0, "nothing was counted while refused");
    assert!(refused > Duration::from_secs(29));
}

#[tokio::test]
async fn a_budget_over_the_store_waits_for_another_processs_units_to_leave_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let other = Store::open(dir.path(), "42").store;
    other
        .reserve(
            100,
            Limit {
                per_window: 100,
                window: Duration::from_secs(1),
            },
        )
        .await
        .unwrap();
    let budget = Budget::new(100, Duration::from_secs(1))
        .with_ledger(std::sync::Arc::new(Store::open(dir.path(), "42").store));
    let started = std::time::Instant::now();
    budget.spend(50).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited for the other's units: {:?}",
        started.elapsed()
    );
}

#[test]
fn a_history_id_never_moves_backwards_whichever_sync_commits_last() {
    let store = Store::memory();
    store
        .call_now(|c| {
            assert!(raise_meta(c, "history_id", 900)?);
            assert!(raise_meta(c, "history_id", 1200)?);
            assert!(
                !raise_meta(c, "history_id", 1000)?,
                "an older id is not kept"
            );
            assert_eq!(messages::meta(c, "history_id")?.as_deref(), Some("1200"));
            // Numbers, not text: 999 < 1200 though "999" > "1200".
            assert!(!raise_meta(c, "history_id", 999)?);
            assert!(raise_meta(c, "history_id", 10_000)?);
            Ok(())
        })
        .unwrap();
}
