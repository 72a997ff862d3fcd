//! Benchmark: the first page of All inboxes from this computer, for 3 accounts of 10,000
//! messages each (the stand-in's generator, three seeds, written straight into each
//! account's store): median and p95 of `App::merged_page` from the stores, which is what
//! the window paints at launch; beside it, in the same run, one account's first page
//! (`App::stored_page`) as the baseline; and the stores' size on disk.
//!
//! The accounts are real ones to the app: in `accounts.json`, each with a (made-up)
//! refresh token in the Secret Service, which the merge reads to know who is signed in;
//! so it runs inside `scripts/test-session.sh`, as `scripts/bench.sh` does.
//!
//! ```text
//! scripts/test-session.sh target/release/examples/all_inboxes [accounts] [messages] [runs]
//! ```
//! Prints numbers; asserts nothing. No network is involved.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mailglance_core::app::{App, Source};
use mailglance_core::auth::{Account, AccountStore, CommandOpener};
use mailglance_core::config::Paths;
use mailglance_core::gmail::PageQuery;
use mailglance_core::keychain::Keychain;
use mailglance_core::store::{self, StoredMessage};

#[path = "shared/store_bench.rs"]
mod store_bench;
use store_bench::{ms, percentile};

fn inbox() -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        max_results: 50,
        ..PageQuery::default()
    }
}

/// Times `f` `runs` times (after one run to warm the caches); sorted.
fn timed(runs: usize, f: impl Fn() -> usize) -> (Vec<Duration>, usize) {
    let mut rows = f();
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        rows = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times, rows)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let accounts: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(21);
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
        client_file: dir.path().join("config/client_secret.json"),
    };
    std::fs::create_dir_all(&paths.data_dir).unwrap();
    let service = format!("Mailglance bench {}", std::process::id());
    let keychain = Keychain::new(&service);
    let app = App::new(
        paths.clone(),
        keychain.clone(),
        Arc::new(CommandOpener::new(vec!["true".into()])),
    )
    .expect("the app starts");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let t = Instant::now();
    let mut ids = Vec::new();
    for n in 0..accounts {
        let id = format!("{}", 1_000_000 + n);
        AccountStore::new(&paths.data_dir)
            .upsert(&Account {
                id: id.clone(),
                email: format!("bench{n}@example.com"),
                name: None,
                token_issued_ms: None,
            })
            .unwrap();
        keychain
            .set(&id, &oauth2::RefreshToken::new("bench-not-a-token".into()))
            .expect("a Secret Service (run inside scripts/test-session.sh)");
        let mailbox =
            mailglance_standin::demo_mailbox_sized(11 + n as u64, chrono::Utc::now(), count);
        let messages: Vec<StoredMessage> = mailbox
            .account(mailglance_standin::BIG_ACCOUNT)
            .unwrap()
            .messages
            .iter()
            .map(store_bench::stored)
            .collect();
        let store = app.store(&id);
        runtime
            .block_on(store.call(move |c| {
                let tx = c.transaction()?;
                store::messages_put(&tx, &messages)?;
                tx.commit()
            }))
            .unwrap();
        ids.push(id);
    }
    println!(
        "all_inboxes: {accounts} accounts x {count} messages generated and stored in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let (merged, rows) = timed(runs, || {
        runtime
            .block_on(app.merged_page(inbox(), Source::Stored))
            .unwrap()
            .rows
            .len()
    });
    let (one, one_rows) = timed(runs, || {
        runtime
            .block_on(app.stored_page(&ids[0], inbox()))
            .unwrap()
            .rows
            .len()
    });
    let (accounts_only, _) = timed(runs, || runtime.block_on(app.accounts()).unwrap().len());
    println!(
        "all_inboxes: first page of All inboxes ({rows} rows, {runs} runs): median {} p95 {} (target <= 50 ms)",
        ms(percentile(&merged, 0.5)),
        ms(percentile(&merged, 0.95))
    );
    println!(
        "all_inboxes: baseline, one account's first page ({one_rows} rows): median {} p95 {}",
        ms(percentile(&one, 0.5)),
        ms(percentile(&one, 0.95))
    );
    println!(
        "all_inboxes: of which who is signed in (accounts.json and the keychain): median {}",
        ms(percentile(&accounts_only, 0.5))
    );
    let mut bytes = 0;
    for id in &ids {
        let file = store::file_of(&paths.data_dir, id);
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        bytes += std::fs::metadata(&file).unwrap().len();
        let _ = keychain.delete(id);
    }
    println!(
        "all_inboxes: stores on disk {:.1} MiB for {} messages ({:.0} bytes a message)",
        bytes as f64 / (1024.0 * 1024.0),
        accounts * count,
        bytes as f64 / (accounts * count) as f64
    );
}
