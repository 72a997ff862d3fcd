//! The commands the window may call; the only file with `#[tauri::command]`.
//!
//! Each command is a few lines: it calls one method on the managed [`App`] and
//! returns its result; errors reach the window as `{kind, message}`
//! (see `error.rs`). Every command here must also be listed in `build.rs`, and
//! granted in `capabilities/default.json`, or the window cannot call it.

use tauri::State;

use crate::app::{App, Startup};

/// What the first screen needs: the version and the client file's state.
#[tauri::command]
pub fn app_info(app: State<'_, App>) -> Startup {
    app.startup()
}
