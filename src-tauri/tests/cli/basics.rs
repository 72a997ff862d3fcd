//! The command line: the real `mailglance` binary, with no display, over the window's
//! stored accounts and keychain (the private Secret Service of `scripts/test-session.sh`),
//! against the stand-in over loopback HTTP. Multi-threaded runtimes: the stand-in must
//! keep serving while a test waits for the binary.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mailglance_standin::BrowseOptions;

use crate::support::helpers::{self, ANA, Fixture, secret_tool_lookup};
use crate::support::{command, ids, mailglance};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_lists_pages_with_the_windows_sign_in() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;

    let (code, accounts, _) = mailglance(&f, &["accounts", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(accounts[0]["email"], ANA);
    assert_eq!(accounts[0]["state"], "signed_in");

    let (code, first, err) = mailglance(&f, &["list", "--label", "INBOX", "--max", "5", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(first["account"], ANA);
    assert_eq!(first["rows"].as_array().unwrap().len(), 5);
    assert!(first["resultSizeEstimate"].as_u64().unwrap() > 5);
    let token = first["nextPageToken"]
        .as_str()
        .expect("a next page")
        .to_owned();

    let (code, second, _) = mailglance(
        &f,
        &[
            "list",
            "--label",
            "INBOX",
            "--max",
            "5",
            "--page-token",
            &token,
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let (a, b) = (ids(&first), ids(&second));
    assert!(a.iter().all(|id| !b.contains(id)), "page 2 repeats page 1");

    // A label by its name, and a search.
    let (code, books, _) = mailglance(&f, &["list", "--label", "Książki", "--json"]);
    assert_eq!(code, 0);
    for row in books["rows"].as_array().unwrap() {
        assert!(
            row["labels"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "Label_4")
        );
    }
    let (code, unread, _) = mailglance(
        &f,
        &["list", "--query", "is:unread", "--max", "20", "--json"],
    );
    assert_eq!(code, 0);
    assert!(
        unread["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["unread"] == true)
    );

    // Nothing secret in what it prints.
    let (_, _, _) = mailglance(&f, &["list", "--json"]);
    let printed = format!("{first}{second}{books}{unread}{accounts}");
    for token in f.standin.issued_tokens() {
        assert!(!printed.contains(&token));
    }
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_says_clearly_when_no_account_is_signed_in() {
    let f = Fixture::new().await;
    let (code, _, err) = mailglance(&f, &["list", "--json"]);
    assert_eq!(code, 1);
    assert!(err.contains("no account is signed in"), "{err}");
    let (code, _, err) = mailglance(&f, &["list", "--max", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("--max"), "{err}");
}

/// The stand-in's own binary, which doubles as a scripted browser (`$BROWSER`).
fn standin_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target.join("debug/standin");
    assert!(
        path.exists(),
        "{} is missing: `cargo build -p mailglance-standin` first (scripts/test.sh does)",
        path.display()
    );
    path
}

/// Starts `mailglance login …` with stderr piped, and reads the sign-in link it prints.
fn start_login(f: &Fixture, args: &[&str]) -> (Child, String) {
    let mut child = command(f, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailglance login starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let link = loop {
        let line = lines
            .next()
            .expect("login printed no sign-in link")
            .unwrap();
        if let Some((_, url)) = line.split_once(": http") {
            break format!("http{url}");
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, link)
}

fn redirect_port(link: &str) -> u16 {
    let redirect = helpers::query(link)["redirect_uri"].clone();
    url::Url::parse(&redirect).unwrap().port().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_then_accounts_labels_list_and_logout_work_from_the_command_line_alone() {
    let f = Fixture::new().await;
    // The system browser is `xdg-open`, which honours $BROWSER: the stand-in's scripted
    // person chooses Ana and presses Allow.
    let out = command(&f, &["login", "--json"])
        .env("BROWSER", standin_binary())
        .env("STANDIN_BROWSE_ACCOUNT", ANA)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Open this link if no browser opened: http"),
        "{stderr}"
    );
    let account: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(account["email"], ANA);
    assert_eq!(account["state"], "signed_in");
    let id = account["id"].as_str().unwrap().to_owned();
    assert!(
        secret_tool_lookup(&f.service, &id).is_some(),
        "no keychain entry"
    );

    let (code, accounts, err) = mailglance(&f, &["accounts", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(accounts[0]["email"], ANA);
    // Where the tokens go, when it is not Google, is said (on stderr: stdout stays JSON).
    let token = format!(
        "mailglance: the token endpoint is not Google's: {}token",
        f.standin.base_url()
    );
    assert!(err.contains(&token), "{err}");

    let (code, labels, err) = mailglance(&f, &["labels", "--json"]);
    assert_eq!(code, 0, "{err}");
    let inbox = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "INBOX")
        .expect("an inbox");
    assert!(inbox["unread"].as_u64().unwrap() > 0);

    let (code, page, err) = mailglance(&f, &["list", "--label", "INBOX", "--max", "3", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(page["rows"].as_array().unwrap().len(), 3);

    let out = command(&f, &["logout", ANA]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(f.standin.grant_is_revoked(ANA), "Google was not told");
    assert!(
        secret_tool_lookup(&f.service, &id).is_none(),
        "the token stayed"
    );
    let (_, accounts, _) = mailglance(&f, &["accounts", "--json"]);
    assert_eq!(accounts, serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_no_browser_prints_a_link_that_signs_in_when_followed() {
    let f = Fixture::new().await;
    let (child, link) = start_login(&f, &["login", "--no-browser", "--json"]);
    // A person on another machine opens the link and approves.
    let options = BrowseOptions {
        account: Some(ANA.into()),
        deny: false,
        follow_redirect: true,
        untick: Vec::new(),
    };
    mailglance_standin::browse(&link, &options).await.unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let account: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(account["email"], ANA);
    assert_eq!(f.standin.count(mailglance_standin::Endpoint::Token), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_login_ends_it_and_closes_the_port() {
    let f = Fixture::new().await;
    let (mut child, link) = start_login(&f, &["login", "--no-browser"]);
    let port = redirect_port(&link);
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", port)).is_err(),
        "the port should be open while login waits"
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(130), "Ctrl-C ends login with 130");
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is closed again");
}

#[test]
fn an_unknown_command_or_flag_is_a_usage_error_and_opens_no_window() {
    for args in [
        &["logout"][..],
        &["frobnicate"],
        &["accounts", "--frobnicate"],
        &["watch", "--interval", "0"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mailglance"))
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        // clap's usage, or for a value out of range its "try '--help'".
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Usage:") || err.contains("try '--help'"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mailglance"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("mailglance") && text.contains("login"),
            "{shell}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_wait_longer_than_two_minutes_is_said_with_how_long_and_nothing_retried() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    // Another client spent all of a user's ten-minute window: Gmail's Retry-After is
    // far longer than the two minutes the command line waits at most.
    f.standin
        .faults()
        .set_quota_window(Duration::from_secs(600));
    f.standin.faults().set_quota(
        Some(6_000),
        mailglance_standin::RateLimitStyle::TooManyRequests,
    );
    f.standin.faults().spend_as_other(ANA, 6_000);
    let (code, _, err) = mailglance(&f, &["list", "--max", "5", "--json"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("mailglance: quota_wait: "), "{err}");
    assert!(err.contains("used up for the next 10 minutes"), "{err}");
    // The profile and the list go together on a first page: each refused once, and
    // neither asked again.
    let refused = f.standin.quota_refused(ANA);
    assert!(
        (1..=2).contains(&refused),
        "asked once, not again and again: {refused}"
    );
    // The refusal is kept where every process sees it: the next command does not ask.
    let (code, _, err) = mailglance(&f, &["list", "--max", "5", "--json"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("mailglance: quota_wait: "), "{err}");
    assert_eq!(f.standin.quota_refused(ANA), refused, "not asked at all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_offline_answers_from_the_store_with_google_unreachable() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let (code, online, err) =
        mailglance(&f, &["list", "--label", "INBOX", "--max", "10", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        online["asOfMs"],
        serde_json::Value::Null,
        "fresh from Gmail"
    );
    // Google unreachable: nothing listens where the token and Gmail endpoints point.
    let closed = helpers::unreachable_address();
    f.set_endpoint("token", &format!("http://{closed}/token"));
    f.set_endpoint("gmail", &format!("http://{closed}/"));

    // No network at all: the same rows, from this computer.
    let (code, offline, err) = mailglance(
        &f,
        &[
            "list",
            "--offline",
            "--label",
            "INBOX",
            "--max",
            "10",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&offline), ids(&online));
    assert!(offline["asOfMs"].as_i64().unwrap() > 0);
    // A simple search over what is stored.
    let first_from = online["rows"][0]["fromAddress"]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, found, _) = mailglance(&f, &["list", "--offline", "--query", &first_from, "--json"]);
    assert_eq!(code, 0);
    assert!(ids(&found).contains(&ids(&online)[0]));
    // Without --offline, Google unreachable: the stored list, saying since when.
    let (code, fallback, err) =
        mailglance(&f, &["list", "--label", "INBOX", "--max", "10", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ids(&fallback), ids(&online));
    assert!(fallback["asOfMs"].as_i64().is_some());
}
