//! The commands the window may call; the only file with `#[tauri::command]`.
//!
//! Each command is a few lines: it calls one method on the managed [`App`] and
//! returns its result; errors reach the window as `{kind, message}`
//! (see `error.rs`). Every command here must also be listed in `build.rs`, and
//! granted in `capabilities/default.json`, or the window cannot call it.
//! Nothing a command returns holds a token.

use tauri::State;
use tauri_plugin_dialog::DialogExt;

use mailglance_core::app::{App, ClientFileStatus, MergedPage, Source, Startup};
use mailglance_core::auth::{AccountView, SignInStarted, SignedOut};
use mailglance_core::error::Result;
use mailglance_core::gmail::{Label, Page, PageQuery};
use mailglance_core::sync::SyncReport;

/// What the first screen needs: the version and the client file's state.
#[tauri::command]
pub fn app_info(app: State<'_, App>) -> Startup {
    app.startup()
}

/// Lets the person choose a `client_secret.json`, checks it and copies it into the
/// config dir. `None` when the dialog was closed without a choice.
#[tauri::command]
pub async fn import_client_file(
    window: tauri::Window,
    app: State<'_, App>,
) -> Result<Option<ClientFileStatus>> {
    let chosen = window
        .dialog()
        .file()
        .set_title("Import client_secret.json")
        .add_filter("Google OAuth client (JSON)", &["json"])
        .set_parent(&window)
        .blocking_pick_file();
    match chosen.and_then(|p| p.into_path().ok()) {
        Some(path) => app.import_client_file(&path).map(Some),
        None => Ok(None),
    }
}

/// Known accounts, restored silently from the keychain.
#[tauri::command]
pub async fn accounts(app: State<'_, App>) -> Result<Vec<AccountView>> {
    app.accounts().await
}

/// Opens the browser on Google's consent page.
#[tauri::command]
pub async fn start_sign_in(
    app: State<'_, App>,
    login_hint: Option<String>,
) -> Result<SignInStarted> {
    app.start_sign_in(login_hint).await
}

/// Waits for the browser's reply and keeps the sign-in.
#[tauri::command]
pub async fn finish_sign_in(app: State<'_, App>) -> Result<AccountView> {
    app.finish_sign_in().await
}

/// Stops waiting for the browser.
#[tauri::command]
pub fn cancel_sign_in(app: State<'_, App>) {
    app.cancel_sign_in();
}

/// Signs out of one account (revokes at Google, deletes the keychain entry).
#[tauri::command]
pub async fn sign_out(app: State<'_, App>, account_id: String) -> Result<SignedOut> {
    app.sign_out(&account_id).await
}

/// One page of the message list.
#[tauri::command]
pub async fn list_page(app: State<'_, App>, account_id: String, query: PageQuery) -> Result<Page> {
    app.list_page(&account_id, query).await
}

/// The first page of a list as the store has it (no network): what a launch paints.
#[tauri::command]
pub async fn stored_page(
    app: State<'_, App>,
    account_id: String,
    query: PageQuery,
) -> Result<Page> {
    app.stored_page(&account_id, query).await
}

/// Search on this computer alone (no network): the window's results while typing.
#[tauri::command]
pub async fn search_here(
    app: State<'_, App>,
    account_id: String,
    query: PageQuery,
) -> Result<Page> {
    app.search_here(&account_id, query).await
}

/// A page of All inboxes: every signed-in account's list merged by date, from `source`
/// (`gmail`, `stored` or `here`).
#[tauri::command]
pub async fn merged_page(
    app: State<'_, App>,
    query: PageQuery,
    source: Source,
) -> Result<MergedPage> {
    app.merged_page(query, source).await
}

/// The labels as the store has them (no network).
#[tauri::command]
pub async fn stored_labels(app: State<'_, App>, account_id: String) -> Result<Vec<Label>> {
    app.stored_labels(&account_id).await
}

/// Brings the account's stored mail up to date (`history.list`).
#[tauri::command]
pub async fn sync(app: State<'_, App>, account_id: String) -> Result<SyncReport> {
    app.sync(&account_id).await
}

/// Deletes the mail stored on this computer; the sign-ins stay.
#[tauri::command]
pub fn forget_stored_mail(app: State<'_, App>) -> Result<()> {
    app.forget_stored_mail()
}

/// One account's line in the Notifications panel.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSetting {
    account_id: String,
    email: String,
    on: bool,
}

/// Whether each account's new mail is announced.
#[tauri::command]
pub async fn notification_settings(app: State<'_, App>) -> Result<Vec<NotificationSetting>> {
    Ok(app
        .accounts()
        .await?
        .into_iter()
        .map(|a| NotificationSetting {
            on: app.notifications_on(&a.id),
            account_id: a.id,
            email: a.email,
        })
        .collect())
}

/// Turns announcing an account's new mail on or off.
#[tauri::command]
pub fn set_notifications(app: State<'_, App>, account_id: String, on: bool) -> Result<()> {
    app.set_notifications(&account_id, on)
}

/// Whether there is a tray, and whether closing the window keeps the app running in it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraySettings {
    available: bool,
    keep_in_tray: bool,
}

/// The tray's part of the Notifications panel.
#[tauri::command]
pub fn tray_settings(app: State<'_, App>, tray: State<'_, crate::tray::HasTray>) -> TraySettings {
    TraySettings {
        available: tray.0,
        keep_in_tray: app.keep_in_tray(),
    }
}

/// Sets whether closing the window keeps the app running in the tray.
#[tauri::command]
pub fn set_keep_in_tray(app: State<'_, App>, on: bool) -> Result<()> {
    app.set_keep_in_tray(on)
}

/// What the person should be told about the stores (set aside, not writable), as kinds
/// and values the window words.
#[tauri::command]
pub fn notices(app: State<'_, App>) -> Vec<mailglance_core::store::Notice> {
    app.take_notices()
}

/// The window's words for the tray menu and notifications, in the person's language.
#[tauri::command]
pub fn set_texts(
    handle: tauri::AppHandle,
    words: State<'_, crate::texts::Words>,
    texts: crate::texts::Texts,
) {
    words.set(texts);
    crate::tray::words_changed(&handle);
}

/// Each signed-in account's inbox unread count, as stored (what the tray adds up too).
#[tauri::command]
pub async fn inbox_unread(
    app: State<'_, App>,
) -> std::result::Result<Vec<mailglance_core::app::InboxUnread>, ()> {
    Ok(app.inbox_unread().await)
}

/// The account's labels, with unread counts.
#[tauri::command]
pub async fn labels(app: State<'_, App>, account_id: String) -> Result<Vec<Label>> {
    app.labels(&account_id).await
}

/// Opens one message in Gmail in the system browser.
#[tauri::command]
pub fn open_message(app: State<'_, App>, account_id: String, message_id: String) -> Result<()> {
    app.open_message(&account_id, &message_id).map(|_| ())
}
