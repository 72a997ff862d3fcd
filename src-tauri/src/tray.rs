//! The tray icon, where the desktop has a tray (a StatusNotifierItem through
//! libayatana-appindicator on Linux): its title is the unread count of every inbox (the
//! core's `App::inbox_unread`, as the window's), and its menu has Open, Check now and Quit
//! in the window's language (`texts`). Without the library, or when the icon cannot be
//! made, there is no tray, the log says why, and closing the window quits as before.
//! With a tray, closing the window hides it instead when the person chose "Keep running
//! in the tray" (the Notifications panel).

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager};

use mailglance_core::app::App;

use crate::texts::Words;

const ID: &str = "main";

/// Whether the app has a tray icon (managed state).
#[derive(Debug, Clone, Copy)]
pub struct HasTray(pub bool);

/// Makes the tray icon; `false` when there is none.
pub fn create(app: &AppHandle) -> bool {
    // libayatana-appindicator is loaded on first use, and a missing library panics
    // there: caught, so the app goes on without a tray.
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    match made {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            tracing::warn!("no tray icon: {e}");
            false
        }
        Err(_) => {
            tracing::warn!("no tray icon: libayatana-appindicator3 is not installed");
            false
        }
    }
}

/// The menu, in the window's words.
fn menu(app: &AppHandle) -> tauri::Result<Menu<tauri::Wry>> {
    let words = app.state::<Words>().get();
    let open = MenuItem::with_id(app, "open", &words.tray_open, true, None::<&str>)?;
    let check = MenuItem::with_id(app, "check", &words.tray_check_now, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", &words.tray_quit, true, None::<&str>)?;
    Menu::with_items(app, &[&open, &check, &quit])
}

/// Builds the menu again in the words the window just sent.
pub fn words_changed(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(ID) else {
        return;
    };
    match menu(app) {
        Ok(menu) => {
            if let Err(e) = tray.set_menu(Some(menu)) {
                tracing::warn!("the tray menu keeps its words: {e}");
            }
        }
        Err(e) => tracing::warn!("the tray menu keeps its words: {e}"),
    }
}

fn build(app: &AppHandle) -> tauri::Result<TrayIcon> {
    let mut tray = TrayIconBuilder::with_id(ID)
        .menu(&menu(app)?)
        .tooltip("Mailglance")
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => crate::bring_to_front(app),
            "check" => crate::background::check_now(app.clone()),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)
}

/// Puts the unread count of every signed-in account's inbox, as stored, in the title.
pub async fn show_count(handle: &AppHandle) {
    let Some(tray) = handle.tray_by_id(ID) else {
        return;
    };
    let counts = handle.state::<App>().inbox_unread().await;
    let unread: u64 = counts.iter().filter_map(|c| c.unread).sum();
    let title = (unread > 0).then(|| unread.to_string());
    let _ = tray.set_title(title);
}
