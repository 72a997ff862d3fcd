//! The same backend from a command line, for scripts and for measuring:
//!
//! ```text
//! mailglance list [--account EMAIL] [--query Q] [--label L] [--page-token T] [--max N] [--json]
//! mailglance accounts [--json]
//! ```
//!
//! It uses the window's stored accounts, keychain and configuration (the same
//! environment variables), never opens a browser, and prints one page (rows, the next
//! page token, the estimate) as JSON with `--json`, else as a short table. Errors go to
//! stderr as `mailglance: <kind>: <message>`, exit status 1; a usage error exits with 2.
//! Argument parsing is by hand: six flags do not justify another dependency.
//! Nothing here imports `tauri`.

use std::sync::Arc;

use serde_json::json;

use crate::app::{App, ListQuery};
use crate::auth::{AccountState, CommandOpener};

const USAGE: &str = "usage: mailglance list [--account EMAIL] [--query Q] [--label L] \
[--page-token T] [--max N] [--json]\n       mailglance accounts [--json]";

#[derive(Debug, Default, PartialEq, Eq)]
struct ListArgs {
    account: Option<String>,
    query: Option<String>,
    label: Option<String>,
    page_token: Option<String>,
    max: Option<u32>,
    json: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Command {
    List(ListArgs),
    Accounts { json: bool },
}

/// Runs a command-line invocation and returns its exit status, or `None` when the
/// arguments are not a command (then the window starts).
pub fn run(args: Vec<String>) -> Option<i32> {
    let command = match args.first().map(String::as_str) {
        Some("list" | "accounts") => parse(&args),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Some(0);
        }
        _ => return None,
    };
    let command = match command {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mailglance: {e}\n{USAGE}");
            return Some(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mailglance: cannot start: {e}");
            return Some(1);
        }
    };
    Some(runtime.block_on(execute(command)))
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter().skip(1);
    let value = |it: &mut std::iter::Skip<std::slice::Iter<'_, String>>, flag: &str| {
        it.next()
            .cloned()
            .ok_or_else(|| format!("{flag} needs a value"))
    };
    if args[0] == "accounts" {
        let mut json = false;
        for arg in it {
            match arg.as_str() {
                "--json" => json = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        return Ok(Command::Accounts { json });
    }
    let mut a = ListArgs::default();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--account" => a.account = Some(value(&mut it, "--account")?),
            "--query" | "-q" => a.query = Some(value(&mut it, "--query")?),
            "--label" => a.label = Some(value(&mut it, "--label")?),
            "--page-token" => a.page_token = Some(value(&mut it, "--page-token")?),
            "--max" => {
                let text = value(&mut it, "--max")?;
                let n: u32 = text
                    .parse()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| format!("--max takes 1 to 500, not {text:?}"))?;
                a.max = Some(n);
            }
            "--json" => a.json = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::List(a))
}

async fn execute(command: Command) -> i32 {
    // The command line never opens a browser; an opener is still needed to build the app.
    let opener = Arc::new(CommandOpener::new(vec!["true".into()]));
    let app = match App::from_env(opener) {
        Ok(app) => app,
        Err(e) => return fail("config", &e.to_string()),
    };
    let accounts = match app.accounts().await {
        Ok(a) => a,
        Err(e) => return fail(e.kind(), &e.to_string()),
    };
    match command {
        Command::Accounts { json } => {
            if json {
                println!("{}", json!(accounts));
            } else {
                for a in &accounts {
                    let state = match a.state {
                        AccountState::SignedIn => "signed in",
                        AccountState::SignInAgain => "sign in again",
                    };
                    println!("{}\t{}\t{state}", a.email, a.name.as_deref().unwrap_or(""));
                }
            }
            0
        }
        Command::List(args) => {
            let account = match &args.account {
                Some(email) => accounts
                    .iter()
                    .find(|a| a.email.eq_ignore_ascii_case(email)),
                None => accounts.iter().find(|a| a.state == AccountState::SignedIn),
            };
            let Some(account) = account else {
                let why = match &args.account {
                    Some(email) => {
                        format!("no account {email} here: sign in to it in the window first")
                    }
                    None => "no account is signed in: sign in in the window first".into(),
                };
                return fail("unknown_account", &why);
            };
            let label_ids = match &args.label {
                None => Vec::new(),
                Some(label) => match resolve_label(&app, &account.id, label).await {
                    Ok(id) => vec![id],
                    Err(code) => return code,
                },
            };
            let query = ListQuery {
                q: args.query.clone(),
                label_ids,
                page_token: args.page_token.clone(),
                max_results: args.max.unwrap_or(0),
            };
            match app.list_page(&account.id, query).await {
                Ok(page) if args.json => {
                    println!(
                        "{}",
                        json!({
                            "account": account.email,
                            "rows": page.rows,
                            "nextPageToken": page.next_page_token,
                            "resultSizeEstimate": page.result_size_estimate,
                        })
                    );
                    0
                }
                Ok(page) => {
                    for r in &page.rows {
                        let from = r.from_name.as_deref().unwrap_or(&r.from_address);
                        let mark = if r.unread { "*" } else { " " };
                        let subject = r.subject.as_deref().unwrap_or("(no subject)");
                        println!("{mark} {:<24.24} {subject}", from);
                    }
                    eprintln!(
                        "{} of about {}{}",
                        page.rows.len(),
                        page.result_size_estimate,
                        page.next_page_token
                            .map(|t| format!("; next: --page-token {t}"))
                            .unwrap_or_default()
                    );
                    0
                }
                Err(e) => fail(e.kind(), &e.to_string()),
            }
        }
    }
}

/// A label id (`INBOX`, `Label_4`) as it is, else the id of the label with that name.
async fn resolve_label(app: &App, account_id: &str, label: &str) -> Result<String, i32> {
    let labels = app
        .labels(account_id)
        .await
        .map_err(|e| fail(e.kind(), &e.to_string()))?;
    labels
        .iter()
        .find(|l| l.id == label)
        .or_else(|| labels.iter().find(|l| l.name.eq_ignore_ascii_case(label)))
        .map(|l| l.id.clone())
        .ok_or_else(|| {
            fail(
                "unknown_label",
                &format!("no label {label:?} in this mailbox"),
            )
        })
}

fn fail(kind: &str, message: &str) -> i32 {
    eprintln!("mailglance: {kind}: {message}");
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn list_flags_are_read_and_bad_ones_are_named() {
        let Command::List(a) = parse(&args(
            "list --account ana@x --query is:unread --label INBOX --max 20 --json",
        ))
        .unwrap() else {
            panic!("not a list")
        };
        assert_eq!(a.account.as_deref(), Some("ana@x"));
        assert_eq!(a.query.as_deref(), Some("is:unread"));
        assert_eq!(a.max, Some(20));
        assert!(a.json);
        assert!(
            parse(&args("list --max 0"))
                .unwrap_err()
                .contains("--max takes 1 to 500")
        );
        assert!(
            parse(&args("list --frobnicate"))
                .unwrap_err()
                .contains("--frobnicate")
        );
        assert!(
            parse(&args("list --query"))
                .unwrap_err()
                .contains("needs a value")
        );
    }

    #[test]
    fn anything_else_starts_the_window() {
        assert_eq!(run(args("")), None);
        assert_eq!(run(args("--some-webview-flag")), None);
    }
}
