//! Benchmark, not a test (ignored by the test command): new mail while the window is
//! open. With checks every 2 s: from a message's delivery at the stand-in to its
//! notification at a real notification server on the session bus, median and worst over
//! ten deliveries. Then, idle at the default intervals: the quota units one check costs
//! (so an idle hour's, in front and hidden) and the app's CPU time over a sampled idle
//! minute (so an idle hour's).
//!
//! ```text
//! scripts/test-session.sh cargo test -p mailglance-e2e --test notify_bench -- --ignored --nocapture
//! ```

use std::time::{Duration, Instant};

use mailglance_e2e::notifications::server;
use mailglance_e2e::{App, Launch, home_for, standin_binary};
use mailglance_standin::mailbox::Message;
use mailglance_standin::{BIG_ACCOUNT, Options, StandIn};

fn set_sync(home: &std::path::Path, front: u64, background: u64) {
    let path = home.join("config/settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["sync"] = serde_json::json!({"frontSeconds": front, "backgroundSeconds": background});
    std::fs::write(&path, settings.to_string()).unwrap();
}

/// The app's CPU time so far (user + system), from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[tokio::test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
async fn delivery_to_notification_and_an_idle_hours_cost() {
    let seen = server();
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary().display().to_string();
    let home = home_for(&standin, &[&browser]);
    set_sync(home.path(), 2, 2);
    let app = App::start_in(
        home,
        Launch::default().env("STANDIN_BROWSE_ACCOUNT", BIG_ACCOUNT),
    )
    .await;
    app.click("#sign-in").await;
    app.wait_text_containing("#list-status", "Updated").await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    let control = standin.mailbox_control();
    let mut took = Vec::new();
    for i in 0..10 {
        // A delivery at a random point between checks.
        tokio::time::sleep(Duration::from_millis(300 + (i * 377) % 1700)).await;
        let before = seen.lock().unwrap().len();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let sent = Instant::now();
        control
            .deliver(
                BIG_ACCOUNT,
                Message::arriving(
                    "Marta Nowak <marta@example.com>",
                    &format!("Train {i}"),
                    "x",
                    now,
                ),
            )
            .unwrap();
        while seen.lock().unwrap().len() == before {
            assert!(sent.elapsed() < Duration::from_secs(30), "no notification");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        took.push(sent.elapsed());
    }
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("notify: checks every 2 s, 10 deliveries");
    println!(
        "notify: delivery -> notification: median {:.0} ms, worst {:.0} ms (all: {:?})",
        ms(took[took.len() / 2]),
        ms(took[took.len() - 1]),
        took.iter()
            .map(|d| ms(*d).round() as u64)
            .collect::<Vec<_>>()
    );

    // Idle: units per check, at 2 s, over 20 s.
    let units = standin.units_spent(BIG_ACCOUNT);
    let checks = standin.count(mailglance_standin::Endpoint::HistoryList);
    tokio::time::sleep(Duration::from_secs(20)).await;
    let units = standin.units_spent(BIG_ACCOUNT) - units;
    let checks = standin.count(mailglance_standin::Endpoint::HistoryList) - checks;
    let per_check = units as f64 / checks.max(1) as f64;
    println!(
        "notify: idle, {checks} checks in 20 s cost {units} units = {per_check:.1} a check; \
         at the defaults (60 s in front, 300 s hidden, plus up to 10 % jitter) an idle hour \
         is at most {:.0} units in front (target <= 120) and {:.0} hidden (target <= 30)",
        per_check * 3600.0 / 60.0,
        per_check * 3600.0 / 300.0
    );
    let home = app.quit().await;

    // CPU over an idle minute at the default intervals (one check in it).
    set_sync(home.path(), 60, 300);
    let app = App::start_in(home, Launch::default()).await;
    app.wait_text_containing("#list-status", "Updated").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let tree = app.process_tree();
    let pids: Vec<u32> = tree.iter().map(|p| p.0).collect();
    let before: f64 = pids.iter().map(|p| cpu_seconds(*p)).sum();
    tokio::time::sleep(Duration::from_secs(60)).await;
    let after: f64 = pids.iter().map(|p| cpu_seconds(*p)).sum();
    println!(
        "notify: CPU of the app's process tree over an idle minute: {:.2} s, so about {:.0} s an idle hour",
        after - before,
        (after - before) * 60.0
    );
    app.quit().await;
    standin.shutdown().await;
}
