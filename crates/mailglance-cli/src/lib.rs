//! Mailglance's command line: the window's backend ([`mailglance_core::app::App`]) with no
//! window, for scripts, servers and measuring.
//!
//! ```text
//! mailglance login    [--account EMAIL] [--no-browser] [--json]
//! mailglance logout   EMAIL
//! mailglance accounts [--json]
//! mailglance labels   [--account EMAIL] [--json]
//! mailglance list     [--account EMAIL] [--query Q] [--label L] [--page-token T] [--max N]
//!                     [--offline] [--json]
//! mailglance sync     [--account EMAIL] [--json]
//! mailglance completions bash|zsh|fish
//! ```
//!
//! It uses the window's stored accounts, keychain and configuration (the same environment
//! variables and files). `login` runs the same PKCE loopback flow as the window, opening
//! the browser named in `settings.json` or else the system's default (the `open` crate:
//! `xdg-open`, which honours `$BROWSER`). JSON goes to stdout with `--json`; errors go to
//! stderr as `mailglance: <kind>: <message>` with exit status 1, usage errors exit with 2
//! (clap's own). Each subcommand is a few lines over `App`.
//!
//! The installed `mailglance` binary calls [`run`] before any GTK or WebKit code starts:
//! with a subcommand it runs here and needs no display; with no argument the window opens.

use std::ffi::OsString;
use std::sync::Arc;

use clap::{CommandFactory, Parser, Subcommand};
use serde_json::json;

use mailglance_core::app::App;
use mailglance_core::auth::{AccountState, AccountView, Opener};
use mailglance_core::error::Error;
use mailglance_core::gmail::PageQuery;

/// Exit status for a sign-in ended with Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

#[derive(Debug, Parser)]
#[command(
    name = "mailglance",
    version,
    about = "A fast, private, read-only view of your Gmail message list.",
    long_about = "A fast, private, read-only view of your Gmail message list.\n\n\
                  With no command, the window opens. With a command, it runs here with no \
                  window, over the same accounts, keychain and configuration."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in with Google in a browser, and keep the sign-in in the keychain.
    Login {
        /// Pre-fill this account on Google's page (for signing in again).
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        /// Do not open a browser: print the link, to open anywhere that reaches this computer.
        #[arg(long)]
        no_browser: bool,
        /// Print the account as JSON: {id, email, name, state}.
        #[arg(long)]
        json: bool,
    },
    /// Sign out of an account: revoke the grant at Google, delete the keychain entry.
    Logout {
        /// The account's e-mail address.
        email: String,
    },
    /// The accounts signed in here.
    Accounts {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// An account's labels, with unread counts for the system labels.
    Labels {
        /// The account (default: the first one signed in).
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One page of messages.
    List {
        /// The account (default: the first one signed in).
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        /// Gmail's search syntax, e.g. 'from:ana is:unread'.
        #[arg(long, short = 'q', value_name = "Q")]
        query: Option<String>,
        /// A label id (INBOX, Label_4) or a label's name.
        #[arg(long, value_name = "L")]
        label: Option<String>,
        /// The nextPageToken of the page before.
        #[arg(long, value_name = "T")]
        page_token: Option<String>,
        /// Rows on the page, 1 to 500 (default 50).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=500))]
        max: Option<u32>,
        /// Answer from the mail stored on this computer, with no network at all.
        #[arg(long)]
        offline: bool,
        /// Print JSON: {account, rows, nextPageToken, resultSizeEstimate}.
        #[arg(long)]
        json: bool,
    },
    /// Bring the mail stored on this computer up to date (history.list).
    Sync {
        /// The account (default: the first one signed in).
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        /// Print JSON: {added, deleted, changed, historyId, units}.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Runs a command-line invocation (`args` without the program name) and returns its exit
/// status, or `None` when there are no arguments (then the window starts).
pub fn run(args: Vec<OsString>) -> Option<i32> {
    if args.is_empty() {
        return None;
    }
    let cli = match Cli::try_parse_from(std::iter::once(OsString::from("mailglance")).chain(args)) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version print to stdout and exit 0; usage errors exit 2.
            let _ = e.print();
            return Some(e.exit_code());
        }
    };
    init_logging();
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "mailglance",
            &mut std::io::stdout(),
        );
        return Some(0);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return Some(fail("runtime", &format!("cannot start: {e}"))),
    };
    Some(runtime.block_on(execute(cli.command)))
}

/// Logs go to stderr; `MAILGLANCE_LOG` sets the filter (default `info` for the window,
/// `warn` here would hide nothing a script needs: the command line uses the same).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILGLANCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The system's default browser, through the `open` crate (`xdg-open` on Linux).
struct SystemBrowser;

impl Opener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        open::that_detached(url).map_err(|e| e.to_string())
    }
}

/// No browser: `--no-browser`.
struct NoBrowser;

impl Opener for NoBrowser {
    fn open(&self, _: &str) -> Result<(), String> {
        Err("--no-browser was given".into())
    }
}

async fn execute(command: Command) -> i32 {
    let no_browser = matches!(
        command,
        Command::Login {
            no_browser: true,
            ..
        }
    );
    let opener: Arc<dyn Opener> = if no_browser {
        Arc::new(NoBrowser)
    } else {
        Arc::new(SystemBrowser)
    };
    let app = match App::from_env(opener) {
        // `--no-browser` opens nothing, not even the program settings.json names.
        Ok(app) if no_browser => app.without_settings_browser(),
        Ok(app) => app,
        Err(e) => return failed(&e),
    };
    let outcome = match command {
        Command::Login {
            account,
            no_browser,
            json,
        } => login(&app, account, no_browser, json).await,
        Command::Logout { email } => logout(&app, &email).await,
        Command::Accounts { json } => accounts(&app, json).await,
        Command::Labels { account, json } => labels(&app, account.as_deref(), json).await,
        Command::List {
            account,
            query,
            label,
            page_token,
            max,
            offline,
            json,
        } => {
            let query = PageQuery {
                q: query,
                label_ids: Vec::new(),
                page_token,
                max_results: max.unwrap_or(0),
            };
            let how = Listing { offline, json };
            list(&app, account.as_deref(), label.as_deref(), query, how).await
        }
        Command::Sync { account, json } => sync(&app, account.as_deref(), json).await,
        Command::Completions { .. } => Ok(0),
    };
    outcome.unwrap_or_else(|e| e)
}

/// A failed step's exit status, already reported on stderr.
type Exit = std::result::Result<i32, i32>;

fn failed(e: &Error) -> i32 {
    fail(e.kind(), &e.to_string())
}

fn fail(kind: &str, message: &str) -> i32 {
    eprintln!("mailglance: {kind}: {message}");
    1
}

fn report<T>(result: mailglance_core::error::Result<T>) -> std::result::Result<T, i32> {
    result.map_err(|e| failed(&e))
}

async fn login(app: &App, hint: Option<String>, no_browser: bool, json: bool) -> Exit {
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

async fn logout(app: &App, email: &str) -> Exit {
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

async fn accounts(app: &App, json: bool) -> Exit {
    let accounts = report(app.accounts().await)?;
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

async fn labels(app: &App, email: Option<&str>, json: bool) -> Exit {
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
struct Listing {
    /// From the store only.
    offline: bool,
    /// As JSON.
    json: bool,
}

async fn list(
    app: &App,
    email: Option<&str>,
    label: Option<&str>,
    mut query: PageQuery,
    Listing { offline, json }: Listing,
) -> Exit {
    let account = find(app, email, true).await?;
    if let Some(label) = label {
        query.label_ids = vec![resolve_label(app, &account.id, label, offline).await?];
    }
    let page = if offline {
        report(app.stored_page(&account.id, query).await)?
    } else {
        report(app.list_page(&account.id, query).await)?
    };
    for notice in app.take_notices() {
        eprintln!("mailglance: {notice}");
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
            })
        );
    } else {
        for r in &page.rows {
            let from = r.from_name.as_deref().unwrap_or(&r.from_address);
            let mark = if r.unread { "*" } else { " " };
            let subject = r.subject.as_deref().unwrap_or("(no subject)");
            println!("{mark} {from:<24.24} {subject}");
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

/// The account named, else (when `first_signed_in`) the first one signed in.
async fn find(app: &App, email: Option<&str>, first_signed_in: bool) -> Result<AccountView, i32> {
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

async fn sync(app: &App, email: Option<&str>, json: bool) -> Exit {
    let account = find(app, email, true).await?;
    let done = report(app.sync(&account.id).await)?;
    for notice in app.take_notices() {
        eprintln!("mailglance: {notice}");
    }
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
async fn resolve_label(
    app: &App,
    account_id: &str,
    label: &str,
    offline: bool,
) -> Result<String, i32> {
    if offline && label.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        return Ok(label.to_owned());
    }
    let labels = if offline {
        report(app.stored_labels(account_id).await)?
    } else {
        report(app.labels(account_id).await)?
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("mailglance").chain(text.split_whitespace()))
    }

    #[test]
    fn list_flags_are_read_and_bad_ones_are_usage_errors() {
        let Command::List {
            account,
            query,
            max,
            json,
            ..
        } = parse("list --account ana@x --query is:unread --label INBOX --max 20 --json")
            .unwrap()
            .command
        else {
            panic!("not a list")
        };
        assert_eq!(account.as_deref(), Some("ana@x"));
        assert_eq!(query.as_deref(), Some("is:unread"));
        assert_eq!(max, Some(20));
        assert!(json);
        for bad in [
            "list --max 0",
            "list --max 501",
            "list --frobnicate",
            "list --query",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}: {e}");
        }
    }

    #[test]
    fn an_unknown_command_is_a_usage_error_not_the_window() {
        assert_eq!(run(vec!["frobnicate".into()]), Some(2));
        assert_eq!(
            run(vec!["logout".into()]),
            Some(2),
            "logout needs an address"
        );
        assert_eq!(run(vec!["--some-webview-flag".into()]), Some(2));
    }

    #[test]
    fn no_arguments_start_the_window() {
        assert_eq!(run(Vec::new()), None);
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
