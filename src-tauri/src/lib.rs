//! The Mailglance app shell: the window over [`mailglance_core`].
//!
//! The core (configuration, keychain, sign-in, the Gmail API, the app service) is its
//! own crate with no Tauri in it; the command line is `mailglance-cli`. This crate is
//! what knows the window: [`run`] builds it, manages one [`App`] as state and registers
//! the commands; each command in [`commands`] calls one method of `App`. The browser
//! opens through tauri-plugin-opener ([`ShellOpener`]). One window at a time uses a
//! data folder (tauri-plugin-single-instance): a second launch brings it to the front.
//! The window's page lives in `ui/` (plain ES modules, no bundler) under a strict
//! Content-Security-Policy, and may call only the commands granted in `capabilities/`.
//!
//! Secrets (refresh tokens, access tokens, the client secret) never reach the web view,
//! the logs or any file: their types print as `[redacted]`.
#![deny(unsafe_code)]

mod background;
pub mod commands;
mod texts;
mod tray;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use tauri::Manager;
use tauri_plugin_opener::OpenerExt;

use mailglance_core::app::App;
use mailglance_core::auth;

/// Starts the app: logging, state, plugins, commands, and the main window.
pub fn run() {
    mailglance_cli::init_logging();
    // The browser opens through tauri-plugin-opener, which needs the app handle: the
    // opener is handed to the core now and given the handle once the app is built.
    let handle: Arc<OnceLock<tauri::AppHandle>> = Arc::default();
    let opener = Arc::new(ShellOpener(handle.clone()));
    let app = match App::from_env(opener) {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("mailglance: {e}");
            std::process::exit(2);
        }
    };
    let config = app.config();
    tracing::info!(
        config_dir = %config.paths.config_dir.display(),
        data_dir = %config.paths.data_dir.display(),
        keychain_service = app.keychain().service(),
        "starting"
    );
    // In front until the window says otherwise: checks every minute, else every five.
    let front = Arc::new(background::Front(AtomicBool::new(true)));
    let focus = front.clone();
    let context = tauri::generate_context!();
    let instance = instance_id(&context.config().identifier, &config.paths.data_dir);
    let result = tauri::Builder::default()
        // First, so that a second launch is caught before anything else starts: it
        // hands its arguments to the first over D-Bus and exits 0.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(|app, _args, _cwd| bring_to_front(app))
                .build(),
        )
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(app)
        .manage(texts::Words::default())
        .setup(move |tauri_app| {
            let _ = handle.set(tauri_app.handle().clone());
            let has_tray = tray::create(tauri_app.handle());
            tauri_app.manage(tray::HasTray(has_tray));
            let counted = tauri_app.handle().clone();
            tauri::async_runtime::spawn(async move { tray::show_count(&counted).await });
            background::start(tauri_app.handle().clone(), front.clone());
            background::follow_quota_waits(tauri_app.handle().clone());
            Ok(())
        })
        .on_window_event(move |window, event| match event {
            tauri::WindowEvent::Focused(focused) => focus.0.store(*focused, Ordering::Relaxed),
            // With a tray, and the person's choice: hidden, still checking for mail.
            tauri::WindowEvent::CloseRequested { api, .. }
                if window.state::<tray::HasTray>().0 && window.state::<App>().keep_in_tray() =>
            {
                api.prevent_close();
                let _ = window.hide();
                focus.0.store(false, Ordering::Relaxed);
            }
            _ => {}
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::import_client_file,
            commands::accounts,
            commands::start_sign_in,
            commands::finish_sign_in,
            commands::cancel_sign_in,
            commands::sign_out,
            commands::list_page,
            commands::labels,
            commands::stored_page,
            commands::search_here,
            commands::merged_page,
            commands::stored_labels,
            commands::sync,
            commands::forget_stored_mail,
            commands::notices,
            commands::open_message,
            commands::notification_settings,
            commands::set_notifications,
            commands::tray_settings,
            commands::set_keep_in_tray,
            commands::set_texts,
            commands::inbox_unread,
        ])
        .build(context)
        .map(|built| {
            built.run(|app_handle, event| {
                if let tauri::RunEvent::Exit = event {
                    // A sign-in still waiting gives its port back.
                    app_handle.state::<App>().cancel_sign_in();
                }
            })
        });
    if let Err(e) = result {
        eprintln!("mailglance: the window could not start: {e}");
        std::process::exit(1);
    }
}

/// The name one running window holds on the session bus: the app's identifier and its
/// data folder, so one window at a time uses a store, while copies over other folders
/// (the tests', each with their own) do not stand in each other's way.
fn instance_id(identifier: &str, data_dir: &std::path::Path) -> String {
    // FNV-1a: the same number from every build, so an upgraded app still finds the
    // window of the one before.
    let hash = data_dir
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{identifier}.store_{hash:016x}")
}

/// A second launch brings the running window to the front instead of opening another.
pub(crate) fn bring_to_front(app: &tauri::AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let _ = window.unminimize();
    let _ = window.show();
    let _ = window.set_focus();
    tracing::info!("a second launch brought the window to the front");
}

/// Opens URLs in the system's default browser through tauri-plugin-opener.
pub struct ShellOpener(Arc<OnceLock<tauri::AppHandle>>);

impl auth::Opener for ShellOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        let handle = self.0.get().ok_or("the app is still starting")?;
        handle
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    }
}
