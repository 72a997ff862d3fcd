//! Starts the Google stand-in for people and scripts, and doubles as a scripted browser.
//!
//! ```text
//! standin [--port N] [--seed N] [--auto-approve EMAIL | --auto-approve-hint] [--fixture FILE]
//!         [--latency-ms N] [--write-config DIR] [--now RFC3339]
//!         [--quota-model new|old] [--quota-per-minute N] [--quota-window-seconds N]
//! standin browse URL [--account EMAIL] [--deny] [--no-follow]
//! standin URL                      (same as `browse URL`, so it can be `$BROWSER`)
//! ```
//! As `$BROWSER`, `STANDIN_BROWSE_ACCOUNT` and `STANDIN_BROWSE_DENY=1` choose the answer;
//! `STANDIN_BROWSE_UNTICK` names scopes (space-separated) left unticked on the consent page.
//! Argument parsing is by hand: a dozen flags do not justify another dependency.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mailglance_standin::{AutoApprove, BrowseOptions, Options, QuotaModel, StandIn, browse};

const USAGE: &str = "usage: standin [--port N] [--seed N] [--auto-approve EMAIL|--auto-approve-hint] \
[--fixture FILE] [--latency-ms N] [--write-config DIR] [--now RFC3339]\n       \
[--quota-model new|old] [--quota-per-minute N] [--quota-window-seconds N]\n       \
standin browse URL [--account EMAIL] [--deny] [--no-follow]";

enum Command {
    Serve {
        options: Options,
        write_config: Option<PathBuf>,
    },
    Browse {
        url: String,
        options: BrowseOptions,
    },
}

fn value(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
    args.next().ok_or_else(|| format!("{flag} needs a value"))
}

fn number<T: std::str::FromStr>(text: String, flag: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} needs a number, got {text:?}"))
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    let mut args = args.into_iter().peekable();
    let first = args.peek().cloned().unwrap_or_default();
    if first == "browse" || first.starts_with("http://") || first.starts_with("https://") {
        if first == "browse" {
            args.next();
        }
        let url = args.next().ok_or("browse needs a URL")?;
        let mut options = BrowseOptions {
            account: std::env::var("STANDIN_BROWSE_ACCOUNT")
                .ok()
                .filter(|s| !s.is_empty()),
            deny: std::env::var("STANDIN_BROWSE_DENY").is_ok_and(|v| v == "1"),
            follow_redirect: true,
            untick: std::env::var("STANDIN_BROWSE_UNTICK")
                .map(|v| v.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--account" => options.account = Some(value(&mut args, "--account")?),
                "--deny" => options.deny = true,
                "--no-follow" => options.follow_redirect = false,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        return Ok(Command::Browse { url, options });
    }
    let mut options = Options::default();
    let mut write_config = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => options.port = number(value(&mut args, "--port")?, "--port")?,
            "--seed" => options.seed = number(value(&mut args, "--seed")?, "--seed")?,
            "--auto-approve" => {
                options.auto_approve = AutoApprove::As(value(&mut args, "--auto-approve")?)
            }
            "--auto-approve-hint" => options.auto_approve = AutoApprove::LoginHint,
            "--fixture" => options.fixture = Some(value(&mut args, "--fixture")?.into()),
            "--latency-ms" => {
                options.latency = Duration::from_millis(number(
                    value(&mut args, "--latency-ms")?,
                    "--latency-ms",
                )?)
            }
            "--quota-model" => {
                options.quota_model = match value(&mut args, "--quota-model")?.as_str() {
                    "new" => QuotaModel::New,
                    "old" => QuotaModel::Old,
                    other => return Err(format!("--quota-model is new or old, got {other:?}")),
                }
            }
            "--quota-per-minute" => {
                options.quota_per_user_per_minute = Some(number(
                    value(&mut args, "--quota-per-minute")?,
                    "--quota-per-minute",
                )?)
            }
            "--quota-window-seconds" => {
                options.quota_window = Duration::from_secs(number(
                    value(&mut args, "--quota-window-seconds")?,
                    "--quota-window-seconds",
                )?)
            }
            "--write-config" => write_config = Some(value(&mut args, "--write-config")?.into()),
            "--now" => {
                let text = value(&mut args, "--now")?;
                let now = chrono::DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| format!("--now {text:?}: {e}"))?;
                options.now = Some(now.to_utc());
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Serve {
        options,
        write_config,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let command = match parse(std::env::args().skip(1).collect()) {
        Ok(c) => c,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("standin: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Browse { url, options } => match browse(&url, &options).await {
            Ok(outcome) => {
                println!("{}", outcome.redirect);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("standin browse: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Serve {
            options,
            write_config,
        } => serve(options, write_config).await,
    }
}

async fn serve(options: Options, write_config: Option<PathBuf>) -> ExitCode {
    let standin = match StandIn::start(options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("standin: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(dir) = write_config {
        if let Err(e) = standin.write_config(&dir) {
            eprintln!("standin: {e}");
            return ExitCode::FAILURE;
        }
        println!(
            "wrote {} and {}",
            dir.join("client_secret.json").display(),
            dir.join("settings.json").display()
        );
    }
    println!("client_secret.json:\n{}", standin.client_secret_json());
    println!("settings.json:\n{}", standin.settings_json());
    println!("authorization: {}", standin.authorization_url());
    println!("token:         {}", standin.token_url());
    println!("revocation:    {}", standin.revocation_url());
    println!("userinfo:      {}", standin.userinfo_url());
    println!("gmail root:    {}", standin.base_url());
    println!(
        "accounts:      {}",
        standin
            .mailbox()
            .accounts
            .iter()
            .map(|a| a.email.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "standin listening on {}",
        standin.base_url().trim_end_matches('/')
    );
    let _ = std::io::stdout().flush();
    wait_for_signal().await;
    standin.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
