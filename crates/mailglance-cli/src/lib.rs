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
//! mailglance show     ID [--account EMAIL] [--text|--html|--headers|--json]
//! mailglance save-attachments ID DIR [--account EMAIL]
//! mailglance sync     [--account EMAIL] [--json]
//! mailglance watch    [--account EMAIL|all] [--interval SECONDS] [--json]
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

use mailglance_core::app::App;
use mailglance_core::auth::Opener;
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
    /// The commands that use the app's accounts, keychain and configuration.
    #[command(flatten)]
    App(AppCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
enum AppCommand {
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
        /// The account (default: the first one signed in), or `all`: every account's
        /// list merged by date.
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
    /// One message: its headers and text (from this computer when opened before; else
    /// fetched once from Gmail, 20 quota units, and kept).
    Show {
        /// The message's id (as `list --json` prints it).
        id: String,
        /// The account (default: the first one signed in).
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
        /// Only the plain text (HTML-only mail reduced to its text).
        #[arg(long, conflicts_with_all = ["html", "headers", "json"])]
        text: bool,
        /// The HTML, sanitised, remote images removed (never the raw markup).
        #[arg(long, conflicts_with_all = ["headers", "json"])]
        html: bool,
        /// Only the headers and the attachments' names.
        #[arg(long, conflicts_with = "json")]
        headers: bool,
        /// Print JSON: {id, from, to, cc, subject, dateMs, text, html, remoteImages,
        /// attachments, stored, units}.
        #[arg(long)]
        json: bool,
    },
    /// Save every attachment of a message into a folder, byte for byte (the message is
    /// fetched again: 20 quota units). Nothing is opened or run.
    SaveAttachments {
        /// The message's id.
        id: String,
        /// The folder (it must exist); files already there are never overwritten.
        dir: std::path::PathBuf,
        /// The account (default: the first one signed in).
        #[arg(long, value_name = "EMAIL")]
        account: Option<String>,
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
    /// Print a line for each new inbox message as it arrives, until Ctrl-C.
    Watch {
        /// One account, or `all` (the default): every account signed in here.
        #[arg(long, value_name = "EMAIL|all")]
        account: Option<String>,
        /// Seconds between checks, 1 to 86400 (default 60); each costs 2 quota units an
        /// account when nothing changed.
        #[arg(long, value_name = "SECONDS", default_value_t = 60,
              value_parser = clap::value_parser!(u64).range(1..=86_400))]
        interval: u64,
        /// One JSON row a line, with its `account`.
        #[arg(long)]
        json: bool,
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
    let command = match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "mailglance",
                &mut std::io::stdout(),
            );
            return Some(0);
        }
        Command::App(command) => command,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return Some(fail("runtime", &format!("cannot start: {e}"))),
    };
    Some(runtime.block_on(execute(command)))
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

mod commands;
mod show;
mod watch;

use commands::{Listing, accounts, fail, failed, labels, list, login, logout, sync};

async fn execute(command: AppCommand) -> i32 {
    let no_browser = matches!(
        command,
        AppCommand::Login {
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
    let _waits = tokio::spawn(say_quota_waits(app.quota_waits().subscribe()));
    let outcome = match command {
        AppCommand::Login {
            account,
            no_browser,
            json,
        } => login(&app, account, no_browser, json).await,
        AppCommand::Logout { email } => logout(&app, &email).await,
        AppCommand::Accounts { json } => accounts(&app, json).await,
        AppCommand::Labels { account, json } => labels(&app, account.as_deref(), json).await,
        AppCommand::List {
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
        AppCommand::Show {
            id,
            account,
            text,
            html,
            headers,
            json,
        } => {
            let shown = match (text, html, headers, json) {
                (true, ..) => show::Shown::Text,
                (_, true, ..) => show::Shown::Html,
                (_, _, true, _) => show::Shown::Headers,
                (.., true) => show::Shown::Json,
                _ => show::Shown::Message,
            };
            show::show(&app, account.as_deref(), &id, shown).await
        }
        AppCommand::SaveAttachments { id, dir, account } => {
            show::save_attachments(&app, account.as_deref(), &id, &dir).await
        }
        AppCommand::Sync { account, json } => sync(&app, account.as_deref(), json).await,
        AppCommand::Watch {
            account,
            interval,
            json,
        } => {
            let every = std::time::Duration::from_secs(interval);
            watch::watch(&app, account.as_deref(), every, json).await
        }
    };
    outcome.unwrap_or_else(|e| e)
}

/// Says on stderr when a call waits for Gmail's quota (two seconds or more), once a wait,
/// and carries on: `mailglance: waiting for Gmail's quota (23 s)`.
async fn say_quota_waits(
    mut waits: tokio::sync::watch::Receiver<
        std::collections::BTreeMap<String, mailglance_core::gmail::Wait>,
    >,
) {
    let mut said: Option<i64> = None;
    while waits.changed().await.is_ok() {
        let longest = waits.borrow_and_update().values().map(|w| w.until_ms).max();
        match longest {
            Some(until) if said.is_none_or(|s| until > s + 1000) => {
                let left = (until - mailglance_core::clock::now_ms()).max(0);
                eprintln!("{}", waiting_line(left));
                said = Some(until);
            }
            Some(_) => {}
            None => said = None,
        }
    }
}

/// The stderr line for a wait of `left_ms`.
fn waiting_line(left_ms: i64) -> String {
    let secs = (left_ms + 999) / 1000;
    format!("mailglance: waiting for Gmail's quota ({secs} s)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_for_quota_is_said_in_whole_seconds_rounded_up() {
        assert_eq!(
            waiting_line(22_100),
            "mailglance: waiting for Gmail's quota (23 s)"
        );
    }

    fn parse(text: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("mailglance").chain(text.split_whitespace()))
    }

    #[test]
    fn list_flags_are_read_and_bad_ones_are_usage_errors() {
        let Command::App(AppCommand::List {
            account,
            query,
            max,
            json,
            ..
        }) = parse("list --account ana@x --query is:unread --label INBOX --max 20 --json")
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
