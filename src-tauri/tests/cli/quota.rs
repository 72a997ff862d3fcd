//! One quota budget and one sync per account, across every process: the real binary run
//! one command after another, beside another client of the same Google user, and beside
//! the core the window runs on, against the stand-in enforcing Google's per-user minute
//! (6,000 units, the minute shortened on both sides so a test takes seconds).

use std::collections::HashMap;
use std::time::Duration;

use mailglance_core::gmail::PageQuery;
use mailglance_standin::mailbox::{Message, now_ms};
use mailglance_standin::{Endpoint, Options, StandIn};

use crate::support::helpers::{ANA, Fixture};
use crate::support::{command, ids, mailglance};

/// A fixture whose stand-in enforces 6,000 units a user per `window_s` seconds, and whose
/// app paces within the same (`"quota": {"windowSeconds": window_s}`).
async fn enforcing(window_s: u64) -> Fixture {
    let f = Fixture::with(Options {
        quota_per_user_per_minute: Some(6_000),
        quota_window: Duration::from_secs(window_s),
        ..Options::default()
    })
    .await;
    let path = f.paths.settings_file();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["quota"] = serde_json::json!({ "windowSeconds": window_s });
    std::fs::write(&path, v.to_string()).unwrap();
    f
}

/// `messages.get` calls that succeeded, by message id (batch parts included).
fn fetched(standin: &StandIn) -> HashMap<String, usize> {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for r in standin.requests() {
        if r.endpoint == Endpoint::MessagesGet && r.status == 200 {
            let id = r.path.rsplit('/').next().unwrap_or_default().to_owned();
            *by_id.entry(id).or_default() += 1;
        }
    }
    by_id
}

/// Pages through `rows` messages with `list --max 50`, one command after another; the
/// ids seen, in order, and every command's stderr.
fn page_through(f: &Fixture, rows: usize) -> (Vec<String>, String) {
    let (mut seen, mut said) = (Vec::new(), String::new());
    let mut token: Option<String> = None;
    while seen.len() < rows {
        let mut args = vec!["list", "--max", "50", "--json"];
        if let Some(t) = &token {
            args.extend(["--page-token", t.as_str()]);
        }
        let (code, page, err) = mailglance(f, &args);
        assert_eq!(code, 0, "page {} failed: {err}", seen.len() / 50 + 1);
        assert!(!err.contains("rate_limited"), "{err}");
        said.push_str(&err);
        seen.extend(ids(&page));
        token = page["nextPageToken"].as_str().map(str::to_owned);
        assert!(token.is_some() || seen.len() >= rows, "more pages");
    }
    (seen, said)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_after_another_client_spent_half_the_minute_never_fails_and_fetches_each_row_once() {
    // A 10 s "minute": the first pages end well before the other client's units leave it,
    // so Gmail refuses one and says to wait several seconds, whatever the load.
    let f = enforcing(10).await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    // Another tool on the same Cloud project spends 3,000 of Ana's minute.
    f.standin.faults().spend_as_other(ANA, 3_000);
    let (seen, said) = page_through(&f, 230);

    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "every message once");
    let fetched = fetched(&f.standin);
    assert!(
        seen.iter().all(|id| fetched.get(id) == Some(&1)),
        "each row's metadata fetched once: {:?}",
        fetched.values().filter(|n| **n > 1).count()
    );
    // Gmail refused when the other client's units filled the minute; the refusal held
    // every call until Retry-After, and the commands said they waited, on stderr.
    let refused = f.standin.quota_refused(ANA);
    assert!(
        refused <= 50,
        "only the calls of one batch were refused: {refused}"
    );
    assert!(
        said.contains("mailglance: waiting for Gmail's quota ("),
        "the wait was said on stderr: {said}"
    );
    assert!(f.standin.quota_peak(ANA) <= 6_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_one_after_another_count_against_one_minute_and_none_is_refused() {
    // Seven pages of fifty new rows are 7,035 units: more than a minute holds. Each
    // command is a new process; it starts from what the ones before spent this minute.
    let f = enforcing(4).await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let (seen, _) = page_through(&f, 350);
    assert!(seen.len() >= 350);
    assert_eq!(
        f.standin.quota_refused(ANA),
        0,
        "no call was refused: each process waited for the others' units to leave"
    );
    assert!(f.standin.units_spent(ANA) >= 7 * 1_005);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_core_and_the_command_line_paging_at_once_both_finish_within_the_minute() {
    // The window's backend is the core's App (this process); the command line is the
    // real binary beside it. Both page from an empty store, 5 pages each: 10,050 units,
    // more than one minute holds, so one must wait for the other.
    let f = enforcing(4).await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let (config_dir, data_dir, service) = (
        f.paths.config_dir.clone(),
        f.paths.data_dir.clone(),
        f.service.clone(),
    );
    let binary = std::thread::spawn(move || {
        let mut statuses = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..5 {
            let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mailglance"));
            c.args(["list", "--max", "50", "--query=-label:INBOX", "--json"])
                .env("MAILGLANCE_CONFIG_DIR", &config_dir)
                .env("MAILGLANCE_DATA_DIR", &data_dir)
                .env("MAILGLANCE_KEYCHAIN_SERVICE", &service)
                .env_remove("MAILGLANCE_CLIENT_FILE")
                .env_remove("DISPLAY")
                .stdin(std::process::Stdio::null());
            if let Some(t) = &token {
                c.args(["--page-token", t]);
            }
            let out = c.output().unwrap();
            let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
            token = page["nextPageToken"].as_str().map(str::to_owned);
            statuses.push((
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            ));
        }
        statuses
    });
    let mut query = PageQuery {
        label_ids: vec!["INBOX".into()],
        max_results: 50,
        ..PageQuery::default()
    };
    for _ in 0..5 {
        let page = app.list_page(&account.id, query.clone()).await.unwrap();
        query.page_token = page.next_page_token;
    }
    let statuses = tokio::task::spawn_blocking(move || binary.join().unwrap())
        .await
        .unwrap();
    for (code, err) in statuses {
        assert_eq!(code, Some(0), "{err}");
        assert!(!err.contains("rate_limited"), "{err}");
    }
    assert_eq!(
        f.standin.quota_refused(ANA),
        0,
        "together they stayed within the minute"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_syncs_at_once_fetch_new_mail_once_and_leave_the_newest_history_id() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let (code, _, err) = mailglance(&f, &["list", "--label", "INBOX", "--max", "20", "--json"]);
    assert_eq!(code, 0, "{err}");

    // Two processes.
    let new = f
        .standin
        .deliver(
            ANA,
            Message::arriving("Ana <ana@example.net>", "Train times", "At 8", now_ms()),
        )
        .unwrap();
    let spawn = || command(&f, &["sync", "--json"]).spawn().unwrap();
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
    assert_eq!(fetched(&f.standin).get(&new), Some(&1), "fetched once");

    // Two in one process.
    let newer = f
        .standin
        .deliver(
            ANA,
            Message::arriving("Jean <jean@example.org>", "Platform 4", "Moved", now_ms()),
        )
        .unwrap();
    let (x, y) = tokio::join!(app.sync(&account.id), app.sync(&account.id));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.added + y.added, 1, "one of them stored it");
    assert_eq!(fetched(&f.standin).get(&newer), Some(&1), "fetched once");
    let newest = f.standin.mailbox_control().history_id(ANA).unwrap();
    assert_eq!(x.history_id.max(y.history_id), newest);
    let (code, done, err) = mailglance(&f, &["sync", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        done["historyId"],
        newest.to_string(),
        "the store kept the newest"
    );
    assert_eq!(done["added"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_list_of_a_stored_page_costs_five_units_its_label_resolved_on_this_computer() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    // The labels once (the sidebar's refresh): labels.list and the three counts shown.
    let before = f.standin.units_spent(ANA);
    app.labels(&account.id).await.unwrap();
    assert_eq!(
        f.standin.units_spent(ANA) - before,
        4,
        "a label refresh costs 4 units"
    );
    for label in ["INBOX", "Travel"] {
        let (code, _, err) = mailglance(&f, &["list", "--label", label, "--max", "20", "--json"]);
        assert_eq!(code, 0, "{err}");
        let before = f.standin.units_spent(ANA);
        let (code, page, err) =
            mailglance(&f, &["list", "--label", label, "--max", "20", "--json"]);
        assert_eq!(code, 0, "{err}");
        assert!(!ids(&page).is_empty(), "{label}");
        assert_eq!(
            f.standin.units_spent(ANA) - before,
            5,
            "{label}: messages.list only, the label and the rows from the store"
        );
    }
}
