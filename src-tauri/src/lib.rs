//! Mailglance: a fast, private, read-only view of a Gmail message list.
//!
//! # Architecture
//!
//! The core is plain Rust and knows nothing of the window:
//!
//! - [`config`]: the app's folders and Google's `client_secret.json`.
//! - [`keychain`]: refresh tokens in the platform keychain, one per account.
//! - [`app`]: the state the app holds while it runs, and its operations.
//! - [`error`]: the one error type the window sees, as `{kind, message}`.
//!
//! Only this file and [`commands`] know the app shell (Tauri 2): [`run`]
//! builds the window, manages one [`app::App`] as state, and registers the
//! commands; each command calls one method of `App`. The window's page lives
//! in `ui/` (plain ES modules, no bundler) under a strict Content-Security-Policy,
//! and may call only the commands granted in `capabilities/`.
//!
//! Secrets (refresh tokens, access tokens, the client secret) never reach the
//! web view, the logs or any file: their types print as `[redacted]`.
#![deny(unsafe_code)]

pub mod app;
pub mod commands;
pub mod config;
pub mod error;
pub mod keychain;

/// Starts the app: logging, state, plugins, commands, and the main window.
pub fn run() {
    init_logging();
    let app = match app::App::from_env() {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("mailglance: {e}");
            std::process::exit(2);
        }
    };
    tracing::info!(
        config_dir = %app.paths().config_dir.display(),
        data_dir = %app.paths().data_dir.display(),
        keychain_service = app.keychain().service(),
        "starting"
    );
    let result = tauri::Builder::default()
        .manage(app)
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("mailglance: the window could not start: {e}");
        std::process::exit(1);
    }
}

/// Logs go to stderr; `MAILGLANCE_LOG` sets the filter (default `info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILGLANCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
