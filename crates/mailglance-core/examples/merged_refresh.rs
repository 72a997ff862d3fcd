//! Benchmark: refreshing All inboxes with three accounts signed in, against the Google
//! stand-in with a latency L added to every request: `App::merged_page` from Gmail (each
//! account's `messages.list`, rows from the stores), which asks every account at once,
//! beside the same three pages asked one after another (what the merge did before) as the
//! baseline, in the same run. Median of the runs.
//!
//! ```text
//! scripts/test-session.sh target/release/examples/merged_refresh [L_ms] [runs]
//! ```
//! It needs a Secret Service (`scripts/test-session.sh` starts a private one). Prints
//! numbers; asserts nothing.

mod common;

use std::time::{Duration, Instant};

use mailglance_core::app::Source;
use mailglance_core::gmail::PageQuery;
use mailglance_standin::{BIG_ACCOUNT, EMPTY_ACCOUNT, Options, SMALL_ACCOUNT, StandIn};

fn inbox() -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        max_results: 50,
        ..PageQuery::default()
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let latency_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let standin = StandIn::start(Options::default()).await.expect("stand-in");
    let bench = common::Bench::new(&standin, |_| {});
    let app = bench.app();
    let mut ids = Vec::new();
    for email in [BIG_ACCOUNT, SMALL_ACCOUNT, EMPTY_ACCOUNT] {
        let account = match email {
            BIG_ACCOUNT => bench.sign_in(&app).await,
            other => bench.sign_in_as(&app, other).await,
        };
        // Each inbox's first page stored, and an access token held: a refresh.
        app.list_page(&account.id, inbox()).await.expect("page");
        ids.push(account.id);
    }
    standin
        .faults()
        .set_latency(Duration::from_millis(latency_ms));
    let (mut one_by_one, mut at_once) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        for id in &ids {
            app.list_page(id, inbox()).await.expect("page");
        }
        one_by_one.push(t.elapsed());
        let t = Instant::now();
        let page = app
            .merged_page(inbox(), Source::Gmail)
            .await
            .expect("merged");
        at_once.push(t.elapsed());
        assert_eq!(page.accounts.len(), 3);
    }
    let s = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    println!(
        "merged_refresh: L = {latency_ms} ms, 3 accounts, median of {runs}: All inboxes refresh \
         {} (every account at once); the same pages one after another {} (before)",
        s(median(at_once)),
        s(median(one_by_one))
    );
    for id in &ids {
        let _ = app.sign_out(id).await;
    }
    standin.shutdown().await;
}
