//! Benchmark: what the local store saves, against the Google stand-in with a latency L
//! added to every request and Google's new quota model (6,000 units a minute per user,
//! `messages.get` 20) enforced by the stand-in.
//!
//! - quota units: a sync with nothing changed, a refresh of a page shown before (sync and
//!   list), and a relaunch (a new App over the same folders) with nothing changed;
//! - paging through 2,000 rows of a 2,600-message account from an empty store: the time,
//!   the units, and the calls refused for quota (429 or 403; target: none), then the same
//!   with 3,000 units of the minute already spent by another client of the user (target:
//!   the refused calls of one batch, then none: the refusal teaches the budget). The minute is
//!   shortened to W seconds on both sides (the stand-in's limit and the app's
//!   `"quota": {"windowSeconds": W}`), so the run takes W/60 of the real time; the real
//!   figure is printed beside it;
//! - the store's bytes per message on disk (target <= 2 KiB).
//!
//! ```text
//! scripts/test-session.sh cargo run --release -p mailglance-core --example local_first [L_ms] [W_s]
//! ```
//! It needs a Secret Service (`scripts/test-session.sh` starts a private one). Prints
//! numbers; asserts nothing.

mod common;

use std::time::{Duration, Instant};

use mailglance_core::gmail::PageQuery;
use mailglance_standin::{BIG_ACCOUNT, Options, RateLimitStyle, StandIn};

const ROWS: usize = 2000;

fn inbox() -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        max_results: 50,
        ..PageQuery::default()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let latency_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let window_s: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(6);
    let standin = StandIn::start(Options {
        big_account_messages: 2600,
        ..Options::default()
    })
    .await
    .expect("stand-in");
    let bench = common::Bench::new(&standin, |v| {
        v["quota"] =
            serde_json::json!({ "perMinute": 6000, "messagesGet": 20, "windowSeconds": window_s });
    });
    let paths = bench.paths.clone();
    let new_app = || bench.app();

    // Sign in once, with no latency.
    let app = new_app();
    let account = bench.sign_in(&app).await;
    standin
        .faults()
        .set_latency(Duration::from_millis(latency_ms));
    standin
        .faults()
        .set_quota(Some(6000), RateLimitStyle::TooManyRequests);
    standin
        .faults()
        .set_quota_window(Duration::from_secs(window_s));
    let spent = || standin.units_spent(BIG_ACCOUNT);
    println!(
        "local_first: L = {latency_ms} ms per request; 6,000 units per {window_s} s enforced (Google: per 60 s)"
    );

    // The first page, then what keeping it current costs.
    let before = spent();
    app.list_page(&account.id, inbox()).await.expect("page");
    let first = spent() - before;
    let before = spent();
    let idle = app.sync(&account.id).await.expect("sync");
    let idle_units = spent() - before;
    let before = spent();
    app.sync(&account.id).await.expect("sync");
    app.list_page(&account.id, inbox()).await.expect("page");
    let refresh = spent() - before;
    drop(app);
    let app = new_app();
    let before = spent();
    app.stored_page(&account.id, inbox()).await.expect("stored");
    app.sync(&account.id).await.expect("sync");
    app.list_page(&account.id, inbox()).await.expect("page");
    let relaunch = spent() - before;
    println!(
        "  quota units: first page of the inbox {first} (1 profile + 5 list + 50 x 20 metadata; expect 1,006)"
    );
    println!(
        "  quota units: sync with nothing changed {idle_units} (reported {}; target 2)",
        idle.units
    );
    println!("  quota units: refresh of a page shown before (sync + list) {refresh}");
    println!(
        "  quota units: relaunch with nothing changed (stored page, sync, list) {relaunch} (target <= 10)"
    );

    // 2,000 rows of All Mail, from an empty store: with the minute to ourselves, then
    // with 3,000 units of it spent by another client of the same user (another tool on
    // the same Cloud project), which Mailglance cannot see until Gmail refuses.
    drop(app);
    for others in [0, 3_000] {
        std::fs::remove_dir_all(mailglance_core::store::folder(&paths.data_dir)).unwrap();
        standin.clear_requests();
        // The units spent above leave the stand-in's window first, as after a real launch
        // a minute later.
        tokio::time::sleep(Duration::from_secs(window_s)).await;
        if others > 0 {
            standin.faults().spend_as_other(BIG_ACCOUNT, others);
        }
        let refused_before = standin.quota_refused(BIG_ACCOUNT);
        let app = new_app();
        let before = spent();
        let t = Instant::now();
        let mut query = PageQuery::default();
        let mut seen = 0;
        while seen < ROWS {
            let page = app
                .list_page(&account.id, query.clone())
                .await
                .expect("page");
            seen += page.rows.len();
            query.page_token = Some(page.next_page_token.expect("more pages"));
        }
        let took = t.elapsed();
        let units = spent() - before;
        let refused = standin.quota_refused(BIG_ACCOUNT) - refused_before;
        // Refusals in runs: a run is the calls refused before the budget learnt to hold.
        let log = standin.requests();
        let runs = log
            .iter()
            .zip(log.iter().skip(1))
            .filter(|(a, b)| !matches!(a.status, 429 | 403) && matches!(b.status, 429 | 403))
            .count()
            + usize::from(log.first().is_some_and(|r| matches!(r.status, 429 | 403)));
        let floor = (units + u64::from(others)) as f64 / 6000.0 * window_s as f64;
        println!(
            "  paging {seen} rows from an empty store, {others} units spent by another client: \
             {:.1} s, {units} units, {refused} calls refused for quota in {runs} run(s) \
             (target: none with the minute to ourselves, one run after the other's spending)",
            took.as_secs_f64()
        );
        println!(
            "    the quota alone allows it in {floor:.1} s at 6,000 per {window_s} s; with Google's \
             real minute it cannot take less than {:.1} min",
            (units + u64::from(others)) as f64 / 6000.0
        );
    }

    // The store on disk, its journal folded in.
    let file = mailglance_core::store::file_of(&paths.data_dir, &account.id);
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let messages: i64 = conn
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let bytes = std::fs::metadata(&file).unwrap().len();
    println!(
        "  store: {messages} messages in {:.1} KiB on disk = {:.0} bytes per message (target <= 2,048)",
        bytes as f64 / 1024.0,
        bytes as f64 / messages as f64
    );
    let app = new_app();
    let _ = app.sign_out(&account.id).await;
    standin.shutdown().await;
}
