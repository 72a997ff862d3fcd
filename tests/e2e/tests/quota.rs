//! End to end in the real window: while Gmail's quota for the account is used up by
//! another client, the window says it waits ("Waiting for Gmail's quota (N s)", counting
//! down), shows no error, and carries on by itself when the minute has room again.

use std::time::Duration;

use mailglance_e2e::{App, Launch, home_recording_gmail};
use mailglance_standin::{BIG_ACCOUNT, Options, RateLimitStyle, StandIn};

#[tokio::test]
async fn the_window_says_it_waits_for_quota_another_client_spent_and_carries_on_by_itself() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let home = home_recording_gmail(&standin);
    let app = App::signed_in(home, Launch::default()).await;
    assert!(
        app.js::<bool>("return document.getElementById('quota-wait').hidden")
            .await,
        "no waiting line while the quota has room"
    );

    // Another client of Ana's spends her whole (shortened) minute: Gmail refuses with a
    // Retry-After of about 12 s.
    let faults = standin.faults();
    faults.set_quota_window(Duration::from_secs(12));
    faults.set_quota(Some(6_000), RateLimitStyle::TooManyRequests);
    faults.spend_as_other(BIG_ACCOUNT, 6_000);
    let refused_before = standin.quota_refused(BIG_ACCOUNT);
    app.click("#refresh").await;
    let first = app
        .wait_text_containing("#quota-wait", "Waiting for Gmail's quota (")
        .await;
    let seconds = |text: &str| -> u64 {
        text.rsplit('(')
            .next()
            .and_then(|t| t.trim_end_matches(" s)").parse().ok())
            .unwrap_or_else(|| panic!("seconds in {text:?}"))
    };
    let shown = seconds(&first);
    assert!((2..=12).contains(&shown), "{first}");
    app.screenshot("quota-wait").await;
    // It counts down on its own.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let later = app.wait_text("#quota-wait").await;
    assert!(seconds(&later) < shown, "{first} then {later}");
    assert!(
        app.js::<bool>("return document.getElementById('banner').hidden")
            .await,
        "no error while it waits"
    );
    // The minute has room again: the line goes, and Gmail was asked again only after
    // the wait (one refusal, not a retry every second).
    app.wait_hidden("#quota-wait").await;
    // At most the calls already in flight when the first refusal came (the refresh asks
    // for the sync, the labels and the list together).
    let refused = standin.quota_refused(BIG_ACCOUNT) - refused_before;
    assert!((1..=3).contains(&refused), "{refused} refused");
    assert!(
        app.js::<bool>("return document.getElementById('banner').hidden")
            .await,
        "no error after the wait"
    );
    app.eventually(
        "the list says it is current after the wait",
        "return document.getElementById('list-status').textContent.startsWith('Updated');",
    )
    .await;
    app.quit().await;
    standin.shutdown().await;
}
