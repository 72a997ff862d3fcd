//! Each subcommand: a few lines over [`App`], printing JSON with `--json` or a short
//! table, and errors as `mailglance: <kind>: <message>` (exit status 1).

use serde_json::json;

use mailglance_core::app::{App, Source};
use mailglance_core::auth::{AccountState, AccountView};
use mailglance_core::error::Error;
use mailglance_core::gmail::PageQuery;

use crate::EXIT_INTERRUPTED;

/// A failed step's exit status, already reported on stderr.
pub(crate) type Exit = std::result::Result<i32, i32>;

pub(crate) fn failed(e: &Error) -> i32 {
    fail(e.kind(), &e.to_string())
}

pub(crate) fn fail(kind: &str, message: &str) -> i32 {
    eprintln!("mailglance: {kind}: {message}");
    1
}

fn report<T>(result: mailglance_core::error::Result<T>) -> std::result::Result<T, i32> {
    result.map_err(|e| failed(&e))
}

pub(crate) async fn login(app: &App, hint: Option<String>, no_browser: bool, json: bool) -> Exit {
    let started = report(app.start_sign_in(hint).await)?;
    if no_browser || !started.browser_opened {
        eprintln!("Open this link in a browser to sign in: {}", started.url);
    } else {
        eprintln!("Open this link if no browser opened: {}", started.url);
    }
    eprintln!("Waiting for the browser (5 minutes at most; Ctrl-C to stop)…");
    let account = tokio::select! {
        done = app.finish_sign_in() => report(done)?,
        _ = tokio::signal::ctrl_c() => {
            // Dropping the wait above has already closed the port.
            app.cancel_sign_in();
            eprintln!("mailglance: sign_in_cancelled: sign-in was stopped with Ctrl-C");
            return Err(EXIT_INTERRUPTED);
        }
    };
    if json {
        println!("{}", json!(account));
    } else {
        println!("Signed in as {}", account.email);
    }
    Ok(0)
}

pub(crate) async fn logout(app: &App, email: &str) -> Exit {
    let account = find(app, Some(email), false).await?;
    let out = report(app.sign_out(&account.id).await)?;
    match out.problem {
        None => println!("Signed out of {}", out.email),
        Some(why) => println!(
            "Signed out of {} on this computer; Google was not told ({why})",
            out.email
        ),
    }
    Ok(0)
}

pub(crate) async fn accounts(app: &App, json: bool) -> Exit {
    let accounts = report(app.accounts().await)?;
    // Where the tokens go, when it is not Google: never unseen.
    for (name, url) in app.custom_endpoints() {
        eprintln!("mailglance: the {name} endpoint is not Google's: {url}");
    }
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
    Ok(0)
}

pub(crate) async fn labels(app: &App, email: Option<&str>, json: bool) -> Exit {
    let account = find(app, email, true).await?;
    let labels = report(app.labels(&account.id).await)?;
    if json {
        println!("{}", json!({ "account": account.email, "labels": labels }));
    } else {
        for l in &labels {
            let unread = l.unread.map(|n| n.to_string()).unwrap_or_default();
            println!("{}\t{}\t{unread}", l.id, l.name);
        }
    }
    Ok(0)
}

/// How `list` answers.
pub(crate) struct Listing {
    /// From the store only.
    pub offline: bool,
    /// As JSON.
    pub json: bool,
}

pub(crate) async fn list(
    app: &App,
    email: Option<&str>,
    label: Option<&str>,
    mut query: PageQuery,
    Listing { offline, json }: Listing,
) -> Exit {
    if email == Some("all") {
        return list_all(app, label, query, Listing { offline, json }).await;
    }
    let account = find(app, email, true).await?;
    if let Some(label) = label {
        query.label_ids = vec![resolve_label(app, &account.id, label, offline).await?];
    }
    let page = if offline {
        report(app.stored_page(&account.id, query).await)?
    } else {
        report(app.list_page(&account.id, query).await)?
    };
    print_notices(app);
    if page.offline {
        eprintln!(
            "mailglance: Google cannot be reached; mail as stored here, current {}",
            age(page.as_of_ms)
        );
    }
    if json {
        println!(
            "{}",
            json!({
                "account": account.email,
                "rows": page.rows,
                "nextPageToken": page.next_page_token,
                "resultSizeEstimate": page.result_size_estimate,
                "asOfMs": page.as_of_ms,
                "offline": page.offline,
            })
        );
    } else {
        for r in &page.rows {
            println!("{}", row_line(r));
        }
        eprintln!(
            "{} of about {}{}",
            page.rows.len(),
            page.result_size_estimate,
            page.next_page_token
                .map(|t| format!("; next: --page-token {t}"))
                .unwrap_or_default()
        );
    }
    Ok(0)
}

/// `list --account all`: every signed-in account's list merged by date.
async fn list_all(
    app: &App,
    label: Option<&str>,
    mut query: PageQuery,
    Listing { offline, json }: Listing,
) -> Exit {
    if let Some(label) = label {
        // Label names differ between accounts: only the ids every account has.
        if !mailglance_core::gmail::rows::is_system_label(label) {
            return Err(fail(
                "usage",
                &format!(
                    "with --account all, --label takes a label every account has (INBOX, \
                     STARRED, IMPORTANT, SENT, …), not {label:?}"
                ),
            ));
        }
        query.label_ids = vec![label.to_owned()];
    }
    let source = if offline {
        Source::Stored
    } else {
        Source::Gmail
    };
    let page = report(app.merged_page(query, source).await)?;
    print_notices(app);
    // What each account's part is: from the store since when, or left out and why.
    for a in &page.accounts {
        if let Some(p) = &a.problem {
            eprintln!("mailglance: {} is left out: {}", a.account, p.message);
        } else if a.offline {
            eprintln!(
                "mailglance: {}: Google cannot be reached; its mail as stored here, \
                 current {}",
                a.account,
                age(a.as_of_ms)
            );
        }
    }
    if json {
        println!(
            "{}",
            json!({
                "rows": page.rows,
                "nextPageToken": page.next_page_token,
                "resultSizeEstimate": page.result_size_estimate,
                "accounts": page.accounts,
            })
        );
    } else {
        for r in &page.rows {
            println!("{:<24.24} {}", r.account, row_line(&r.row));
        }
        if let Some(t) = page.next_page_token {
            eprintln!("next: --page-token {t}");
        }
    }
    Ok(0)
}

/// How long ago `ms` (epoch ms) was, in words.
fn age(ms: Option<i64>) -> String {
    let Some(ms) = ms.filter(|ms| *ms > 0) else {
        return "at no known time".into();
    };
    let secs = (mailglance_core::sync::now_ms() - ms).max(0) / 1000;
    match secs {
        0..90 => "a moment ago".into(),
        90..5400 => format!("{} minutes ago", (secs + 30) / 60),
        5400..172_800 => format!("{} hours ago", (secs + 1800) / 3600),
        _ => format!("{} days ago", (secs + 43_200) / 86_400),
    }
}

/// A row as a line of text: `*` when unread, the sender, the subject.
fn row_line(r: &mailglance_core::gmail::Row) -> String {
    let from = r.from_name.as_deref().unwrap_or(&r.from_address);
    let mark = if r.unread { "*" } else { " " };
    let subject = r.subject.as_deref().unwrap_or("(no subject)");
    format!("{mark} {from:<24.24} {subject}")
}

/// What the person should know about the stored mail, on stderr.
fn print_notices(app: &App) {
    for notice in app.take_notices() {
        eprintln!("mailglance: {notice}");
    }
}

/// The account named, else (when `first_signed_in`) the first one signed in.
pub(crate) async fn find(
    app: &App,
    email: Option<&str>,
    first_signed_in: bool,
) -> Result<AccountView, i32> {
    let accounts = report(app.accounts().await)?;
    let found = match email {
        Some(email) => accounts
            .into_iter()
            .find(|a| a.email.eq_ignore_ascii_case(email)),
        None if first_signed_in => accounts
            .into_iter()
            .find(|a| a.state == AccountState::SignedIn),
        None => None,
    };
    found.ok_or_else(|| {
        let why = match email {
            Some(email) => {
                format!("no account {email} here: sign in with `mailglance login` first")
            }
            None => "no account is signed in: sign in with `mailglance login` first".into(),
        };
        fail("unknown_account", &why)
    })
}

pub(crate) async fn sync(app: &App, email: Option<&str>, json: bool) -> Exit {
    let account = find(app, email, true).await?;
    let done = report(app.sync(&account.id).await)?;
    print_notices(app);
    if json {
        println!(
            "{}",
            json!({
                "added": done.added,
                "deleted": done.deleted,
                "changed": done.changed,
                "historyId": done.history_id.to_string(),
                "units": done.units,
            })
        );
    } else {
        println!(
            "{}: {} new, {} deleted, {} changed ({} quota units)",
            account.email, done.added, done.deleted, done.changed, done.units
        );
    }
    Ok(0)
}

/// A label id (`INBOX`, `Label_4`) as it is, else the id of the label with that name
/// (from the store alone when `offline`).
pub(crate) async fn resolve_label(
    app: &App,
    account_id: &str,
    label: &str,
    offline: bool,
) -> Result<String, i32> {
    // A system label's id needs no look-up; a name or id the store knows costs nothing;
    // only a name the store does not know asks Gmail (`labels.list` and the counts).
    if mailglance_core::gmail::rows::is_system_label(label) {
        return Ok(label.to_owned());
    }
    let find = |labels: &[mailglance_core::gmail::Label]| {
        labels
            .iter()
            .find(|l| l.id == label)
            .or_else(|| labels.iter().find(|l| l.name.eq_ignore_ascii_case(label)))
            .map(|l| l.id.clone())
    };
    let stored = app.stored_labels(account_id).await.unwrap_or_default();
    let found = match find(&stored) {
        Some(id) => Some(id),
        None if offline => None,
        None => find(&report(app.labels(account_id).await)?),
    };
    found.ok_or_else(|| {
        fail(
            "unknown_label",
            &format!("no label {label:?} in this mailbox"),
        )
    })
}
