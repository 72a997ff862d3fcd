//! Mailglance: a fast, private, read-only view of a Gmail message list.
//!
//! # Architecture
//!
//! The core is plain Rust and knows nothing of the window:
//!
//! - [`config`]: the app's folders and Google's `client_secret.json`.
//! - [`keychain`]: refresh tokens in the platform keychain, one per account.
//! - [`auth`]: sign-in with Google (PKCE, loopback redirect), tokens, accounts.
//! - [`gmail`]: the Gmail API client.
//! - [`app`]: the state the app holds while it runs, and its operations.
//! - [`cli`]: `mailglance list` and `mailglance accounts`, the same backend for scripts.
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
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod gmail;
pub mod keychain;

use std::sync::{Arc, OnceLock};

use tauri::Manager;
use tauri_plugin_opener::OpenerExt;

/// Starts the app: logging, state, plugins, commands, and the main window.
pub fn run() {
    init_logging();
    // The browser opens through tauri-plugin-opener, which needs the app handle: the
    // opener is handed to the core now and given the handle once the app is built.
    let handle: Arc<OnceLock<tauri::AppHandle>> = Arc::default();
    let opener = Arc::new(ShellOpener(handle.clone()));
    let app = match app::App::from_env(opener) {
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
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(app)
        .setup(move |tauri_app| {
            let _ = handle.set(tauri_app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::import_client_file,
            commands::accounts,
            commands::start_sign_in,
            commands::finish_sign_in,
            commands::cancel_sign_in,
            commands::sign_out,
            commands::profile,
            commands::list_page,
            commands::labels,
            commands::open_message,
        ])
        .build(tauri::generate_context!())
        .map(|built| {
            built.run(|app_handle, event| {
                if let tauri::RunEvent::Exit = event {
                    // A sign-in still waiting gives its port back.
                    app_handle.state::<app::App>().cancel_sign_in();
                }
            })
        });
    if let Err(e) = result {
        eprintln!("mailglance: the window could not start: {e}");
        std::process::exit(1);
    }
}

/// Opens URLs in the system's default browser through tauri-plugin-opener.
struct ShellOpener(Arc<OnceLock<tauri::AppHandle>>);

impl auth::Opener for ShellOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        let handle = self.0.get().ok_or("the app is still starting")?;
        handle
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
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
