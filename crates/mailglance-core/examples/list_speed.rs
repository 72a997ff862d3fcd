//! Benchmark: how fast the first page of 50 rows arrives, against the Google stand-in
//! with a latency L added to every request, and what it costs in Gmail quota units.
//! Our pipeline (messages.list, then one batch of metadata) is compared in the same run
//! with the seed's way (messages.list, then one messages.get per id, one after another).
//!
//! ```text
//! scripts/test-session.sh cargo run --release -p mailglance-core --example list_speed [L_ms] [runs]
//! ```
//!
//! It needs a Secret Service (the refresh token goes to the keychain, as in the app):
//! `scripts/test-session.sh` provides a private one. Prints numbers; asserts nothing.

mod common;

use std::time::{Duration, Instant};

use mailglance_core::gmail::PageQuery;
use mailglance_standin::{BIG_ACCOUNT, Endpoint, Options, StandIn};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

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
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let latency = Duration::from_millis(latency_ms);

    let standin = StandIn::start(Options::default()).await.expect("stand-in");
    let bench = common::Bench::new(&standin, |_| {});
    let new_app = || bench.app();

    // Sign in once, with no latency: the scripted person approves on the consent page.
    let app = new_app();
    let account = bench.sign_in(&app).await;
    drop(app);
    standin.faults().set_latency(latency);

    println!(
        "list_speed: L = {latency_ms} ms per request, {runs} runs each, medians; inbox of {BIG_ACCOUNT}"
    );

    // Cold: a fresh app (no access token in memory) and no store: refresh + profile +
    // list + batch.
    let mut cold = Vec::new();
    let mut cold_units = 0;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(mailglance_core::store::folder(&bench.paths.data_dir));
        let app = new_app();
        let before = standin.units_spent(BIG_ACCOUNT);
        let t = Instant::now();
        let page = app.list_page(&account.id, inbox()).await.expect("page");
        cold.push(t.elapsed());
        cold_units = standin.units_spent(BIG_ACCOUNT) - before;
        assert_eq!(page.rows.len(), 50);
    }

    // Warm: the same app again, token in memory, rows not yet seen (page 2 onwards).
    let app = new_app();
    let first = app.list_page(&account.id, inbox()).await.expect("page");
    let mut warm = Vec::new();
    let mut token = first.next_page_token.clone();
    for _ in 0..runs {
        let t = Instant::now();
        let page = app
            .list_page(
                &account.id,
                PageQuery {
                    page_token: token.clone(),
                    ..inbox()
                },
            )
            .await
            .expect("page");
        warm.push(t.elapsed());
        token = page.next_page_token.clone();
    }

    // Refresh of an unchanged first page: every row is stored.
    let mut refresh = Vec::new();
    let mut refresh_units = 0;
    for _ in 0..runs {
        let before = standin.units_spent(BIG_ACCOUNT);
        let t = Instant::now();
        app.list_page(&account.id, inbox()).await.expect("page");
        refresh.push(t.elapsed());
        refresh_units = standin.units_spent(BIG_ACCOUNT) - before;
    }

    // The seed's way: messages.list, then messages.get for each id, one after another.
    let http = reqwest::Client::new();
    let access = app.access_token(&account.id).await.expect("token");
    let root = standin.base_url();
    let mut seed = Vec::new();
    let mut seed_units = 0;
    for _ in 0..runs {
        let before = standin.units_spent(BIG_ACCOUNT);
        let t = Instant::now();
        let list: serde_json::Value = http
            .get(format!(
                "{root}gmail/v1/users/me/messages?labelIds=INBOX&maxResults=50"
            ))
            .bearer_auth(access.secret())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for m in list["messages"].as_array().unwrap() {
            let id = m["id"].as_str().unwrap();
            let _: serde_json::Value = http
                .get(format!(
                    "{root}gmail/v1/users/me/messages/{id}?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date"
                ))
                .bearer_auth(access.secret())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        }
        seed.push(t.elapsed());
        seed_units = standin.units_spent(BIG_ACCOUNT) - before;
    }

    let (cold, warm, refresh, seed) = (median(cold), median(warm), median(refresh), median(seed));
    // Three round trips: the token, then the profile beside the list, then the batch.
    let target = latency * 3 + Duration::from_millis(60);
    println!(
        "  first page, cold (token, profile | list, batch) {:>10}   target <= 3L + 60 ms = {}",
        ms(cold),
        ms(target)
    );
    println!(
        "  next page, warm (list + batch)                  {:>10}",
        ms(warm)
    );
    println!(
        "  refresh of an unchanged page (list only)        {:>10}",
        ms(refresh)
    );
    println!(
        "  seed's way (list + 50 gets, one by one)         {:>10}   baseline",
        ms(seed)
    );
    println!(
        "  seed's way / ours, cold: {:.1}x   warm: {:.1}x   (target >= 10x)",
        seed.as_secs_f64() / cold.as_secs_f64(),
        seed.as_secs_f64() / warm.as_secs_f64()
    );
    println!(
        "  quota units: first page {cold_units} (seed's way {seed_units}), refresh of an unchanged page {refresh_units} (target <= 7)"
    );
    println!(
        "  requests seen by the stand-in: {} batch, {} messages.list, {} token",
        standin.count(Endpoint::Batch),
        standin.count(Endpoint::MessagesList),
        standin.count(Endpoint::Token)
    );
    let _ = app.sign_out(&account.id).await;
    standin.shutdown().await;
}
