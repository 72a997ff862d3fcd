//! Build script: embeds the Tauri configuration and declares the app's own
//! commands, so each one gets an `allow-<command>` permission that
//! `capabilities/` can grant (and nothing else is callable from the window).

/// Every `#[tauri::command]` in `src/commands.rs`, in one place.
const COMMANDS: &[&str] = &[
    "app_info",
    "import_client_file",
    "accounts",
    "start_sign_in",
    "finish_sign_in",
    "cancel_sign_in",
    "sign_out",
    "list_page",
    "labels",
    "stored_page",
    "search_here",
    "merged_page",
    "stored_labels",
    "sync",
    "forget_stored_mail",
    "notices",
    "open_message",
    "notification_settings",
    "set_notifications",
    "tray_settings",
    "set_keep_in_tray",
    "set_texts",
    "inbox_unread",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
