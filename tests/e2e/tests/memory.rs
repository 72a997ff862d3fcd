//! Benchmark, not a test (ignored by the test command): the memory of the app's whole
//! process tree (the app and its WebKit processes) with 50 and with 2,000 rows loaded.
//!
//! ```text
//! scripts/test-session.sh cargo test -p mailglance-e2e --test memory -- --ignored --nocapture
//! ```
//! `MAILGLANCE_E2E_BINARY=target/release/mailglance` measures a release build.

use std::time::Duration;

use mailglance_e2e::{App, Launch, target_dir};
use mailglance_standin::{BIG_ACCOUNT, Options, StandIn};

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

#[tokio::test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
async fn memory_with_50_and_2000_rows() {
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
    std::fs::write(&path, settings.to_string()).unwrap();

    let app = App::start_in(
        home,
        Launch::default().env("STANDIN_BROWSE_ACCOUNT", BIG_ACCOUNT),
    )
    .await;
    app.click("#sign-in").await;
    app.wait_visible(".row").await;
    // "All Mail" of a 2,600-message account: page until 2,000 rows are loaded.
    app.click("#system-labels button[data-label-id='']").await;
    app.wait_text_containing("#list-count", "50 of about").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, pss_50) = print_tree(&app, "50 rows loaded");

    let mut last = 0;
    loop {
        app.client
            .execute(
                "const l = document.getElementById('list'); l.scrollTop = l.scrollHeight;",
                vec![],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let now = loaded(&app).await;
        if now == last || now >= 2000 {
            last = now;
            break;
        }
        last = now;
    }
    let rows_in_dom = app
        .client
        .find_all(fantoccini::Locator::Css(".row"))
        .await
        .unwrap()
        .len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, pss_all) = print_tree(
        &app,
        &format!("{last} rows loaded, {rows_in_dom} row elements in the DOM"),
    );
    println!(
        "memory: whole-tree PSS with {last} rows / with 50 rows = {:.3} (target <= 1.2); target <= 300 MiB",
        pss_all as f64 / pss_50 as f64
    );
    app.quit().await;
    standin.shutdown().await;
}
