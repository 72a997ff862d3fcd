//! `mailglance list` and `mailglance accounts`: the real binary, over the window's
//! stored accounts and keychain, against the stand-in. Multi-threaded runtimes: the
//! stand-in must keep serving while a test waits for the binary.

use std::process::Command;

use crate::helpers::{ANA, Fixture};

fn mailglance(f: &Fixture, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mailglance"))
        .args(args)
        .env("MAILGLANCE_CONFIG_DIR", &f.paths.config_dir)
        .env("MAILGLANCE_DATA_DIR", &f.paths.data_dir)
        .env("MAILGLANCE_KEYCHAIN_SERVICE", &f.service)
        .env_remove("MAILGLANCE_CLIENT_FILE")
        .output()
        .expect("the mailglance binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

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
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
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
    assert!(err.contains("--max takes 1 to 500"), "{err}");
}
