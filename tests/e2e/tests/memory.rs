//! Benchmark, not a test (ignored by the test command): the memory of the app's whole
//! process tree (the app and its WebKit processes) with 50 and with 2,000 rows loaded
//! from the store (a first pass fetches them from Gmail; the app is then relaunched).
//!
//! ```text
//! scripts/test-session.sh cargo test -p mailglance-e2e --test memory -- --ignored --nocapture
//! ```
//! `MAILGLANCE_E2E_BINARY=target/release/mailglance` measures a release build.

use std::time::Duration;

use mailglance_e2e::{App, Launch, target_dir};
use mailglance_standin::{Options, StandIn};

fn print_tree(app: &App, label: &str) -> (u64, u64) {
    let tree = app.process_tree();
    let (mut rss, mut pss) = (0, 0);
    println!("memory: {label}");
    for (pid, name, r, p) in &tree {
        println!(
            "  {name:<24} pid {pid:<7} RSS {:>7.1} MiB  PSS {:>7.1} MiB",
            *r as f64 / 1024.0,
            *p as f64 / 1024.0
        );
        rss += r;
        pss += p;
    }
    println!(
        "  {:<36} RSS {:>7.1} MiB  PSS {:>7.1} MiB",
        "whole tree",
        rss as f64 / 1024.0,
        pss as f64 / 1024.0
    );
    (rss, pss)
}

async fn loaded(app: &App) -> usize {
    let text = app.wait_text("#list-count").await;
    text.split_whitespace()
        .next()
        .and_then(|n| n.replace([',', '\u{a0}'], "").parse().ok())
        .unwrap_or(0)
}

/// Scrolls the list down until `want` rows are loaded (or no more come); the number.
async fn scroll_until(app: &App, want: usize) -> usize {
    let mut last = 0;
    let mut still = 0;
    loop {
        app.scroll_list_to_end().await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let now = loaded(app).await;
        if now >= want {
            return now;
        }
        // Pages wait for quota budget now and then: give up only after 30 s of nothing.
        still = if now == last { still + 1 } else { 0 };
        if still > 75 {
            return now;
        }
        last = now;
    }
}

#[tokio::test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
async fn memory_with_50_and_2000_rows_from_the_store() {
    let standin = StandIn::start(Options {
        big_account_messages: 2600,
        ..Options::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    standin.write_config(&config).unwrap();
    let path = config.join("settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["browser"] = serde_json::json!([target_dir().join("debug/standin")]);
    // The quota's minute shortened to 3 s, so the first pass (40,000 units of metadata
    // at 6,000 a "minute") takes seconds, not 7 minutes.
    settings["quota"] = serde_json::json!({ "windowSeconds": 3 });
    std::fs::write(&path, settings.to_string()).unwrap();

    // First pass: 2,000 rows of All Mail from Gmail, kept in the store.
    let app = App::signed_in(home, Launch::default()).await;
    app.click("#system-labels button[data-label-id='']").await;
    app.wait_text_containing("#list-count", "50 of about").await;
    let fetched = scroll_until(&app, 2000).await;
    println!("memory: first pass loaded {fetched} rows from Gmail into the store");
    let home = app.quit().await;

    // Relaunched: the same rows, now from the store (messages.list for the ids only).
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;
    app.click("#system-labels button[data-label-id='']").await;
    app.wait_text_containing("#list-count", "50 of about").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, pss_50) = print_tree(&app, "50 rows loaded");
    let gets = standin.count(mailglance_standin::Endpoint::MessagesGet);
    let last = scroll_until(&app, 2000).await;
    let fetched_again = standin.count(mailglance_standin::Endpoint::MessagesGet) - gets;
    let rows_in_dom = app
        .client
        .find_all(fantoccini::Locator::Css(".row"))
        .await
        .unwrap()
        .len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, pss_all) = print_tree(
        &app,
        &format!(
            "{last} rows loaded from the store ({fetched_again} fetched again), \
             {rows_in_dom} row elements in the DOM"
        ),
    );
    println!(
        "memory: whole-tree PSS with {last} rows / with 50 rows = {:.3} (target <= 1.2); target <= 300 MiB",
        pss_all as f64 / pss_50 as f64
    );
    app.quit().await;
    standin.shutdown().await;
}
