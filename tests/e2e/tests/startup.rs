//! Benchmark, not a test (ignored by the test command): from the app's process start to
//! the first rows drawn in the real window, with the account's store warm and with none,
//! against the stand-in with a latency L added to every request; and the quota units
//! each launch spends (until the stand-in has seen no request for 2L + 1.5 s).
//!
//! ```text
//! MAILGLANCE_BENCH_LATENCY_MS=2000 scripts/test-session.sh \
//!   cargo test -p mailglance-e2e --test startup -- --ignored --nocapture
//! ```
//! `MAILGLANCE_E2E_BINARY=target/release/mailglance` measures a release build. The start
//! is the process's own start time (`/proc/PID/stat`, in clock ticks of 10 ms); the end is
//! the page's `first-rows` User Timing mark, set on the frame the first rows are drawn.

use std::time::Duration;

use mailglance_e2e::{App, Launch, home_for, settled, standin_binary};
use mailglance_standin::{BIG_ACCOUNT, Options, StandIn};

const RUNS: usize = 3;

/// Milliseconds since the epoch at which the app's process started.
fn process_start_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let ticks: f64 = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .nth(19)
        .unwrap()
        .parse()
        .unwrap();
    let btime: f64 = std::fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let hz: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0);
    (btime + ticks / hz) * 1000.0
}

/// From process start to the first rows drawn, in ms.
async fn to_first_rows(app: &App) -> f64 {
    let script = "const e = performance.getEntriesByName('first-rows')[0]; \
                  return e ? performance.timeOrigin + e.startTime : null;";
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let drawn = loop {
        if let Some(ms) = app.client.execute(script, vec![]).await.unwrap().as_f64() {
            break ms;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no rows within 2 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    drawn - process_start_ms(app.pid())
}

/// One launch over `home`: (ms to the first rows, units spent by the launch).
async fn launch(
    standin: &StandIn,
    home: tempfile::TempDir,
    quiet: Duration,
) -> (f64, u64, tempfile::TempDir) {
    let before = standin.units_spent(BIG_ACCOUNT);
    let app = App::start_in(home, Launch::default()).await;
    let ms = to_first_rows(&app).await;
    app.wait_text_containing("#list-status", "Updated").await;
    settled(standin, quiet).await;
    let units = standin.units_spent(BIG_ACCOUNT) - before;
    (ms, units, app.quit().await)
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
async fn time_to_first_rows_with_a_warm_store_and_with_none() {
    let latency_ms: u64 = std::env::var("MAILGLANCE_BENCH_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let standin = StandIn::start(Options {
        latency: Duration::from_millis(latency_ms),
        ..Options::default()
    })
    .await
    .unwrap();
    let browser = standin_binary().display().to_string();
    let home = home_for(&standin, &[&browser]);
    let before = standin.units_spent(BIG_ACCOUNT);
    let app = App::start_in(
        home,
        Launch::default().env("STANDIN_BROWSE_ACCOUNT", BIG_ACCOUNT),
    )
    .await;
    app.click("#sign-in").await;
    app.wait_text_containing("#list-status", "Updated").await;
    let quiet = Duration::from_millis(2 * latency_ms + 1500);
    settled(&standin, quiet).await;
    let first = standin.units_spent(BIG_ACCOUNT) - before;
    let mut home = app.quit().await;

    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    let (mut cold_units, mut warm_units) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        // No store: the folder of stores removed, the sign-in kept.
        std::fs::remove_dir_all(home.path().join("data/mail")).unwrap();
        let (ms, units, h) = launch(&standin, home, quiet).await;
        cold.push(ms);
        cold_units.push(units);
        // The store that launch left: nothing changed in Gmail meanwhile.
        let (ms, units, h) = launch(&standin, h, quiet).await;
        warm.push(ms);
        warm_units.push(units);
        home = h;
    }
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("startup: latency L = {latency_ms} ms per request, {RUNS} launches each");
    println!(
        "startup: process start -> first rows drawn, no store:   median {:>6.0} ms ({})",
        median(&cold),
        list(&cold)
    );
    println!(
        "startup: process start -> first rows drawn, warm store: median {:>6.0} ms ({})",
        median(&warm),
        list(&warm)
    );
    println!("startup: units, sign-in and first page of the inbox: {first}");
    println!("startup: units per launch, no store:   {cold_units:?}");
    println!("startup: units per launch, warm store: {warm_units:?} (target <= 10)");
    standin.shutdown().await;
    drop(home);
}
