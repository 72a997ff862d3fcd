//! Whether each account's new mail is announced (the window's Notifications panel).

use super::App;
use crate::config::notifications;
use crate::error::{Error, Result};

impl App {
    /// Whether new mail of `account_id` is announced as desktop notifications.
    pub fn notifications_on(&self, account_id: &str) -> bool {
        !notifications::muted(&self.config().paths.config_dir)
            .iter()
            .any(|id| id == account_id)
    }

    /// Turns announcing `account_id`'s new mail on or off, in the config dir.
    pub fn set_notifications(&self, account_id: &str, on: bool) -> Result<()> {
        let dir = self.config().paths.config_dir.clone();
        saved(&dir, notifications::set(&dir, account_id, on))
    }

    /// Whether closing the window leaves the app running in the tray.
    pub fn keep_in_tray(&self) -> bool {
        notifications::keep_in_tray(&self.config().paths.config_dir)
    }

    /// Sets whether closing the window leaves the app running in the tray.
    pub fn set_keep_in_tray(&self, on: bool) -> Result<()> {
        let dir = self.config().paths.config_dir.clone();
        saved(&dir, notifications::set_keep_in_tray(&dir, on))
    }
}

fn saved(dir: &std::path::Path, done: std::io::Result<std::path::PathBuf>) -> Result<()> {
    done.map(|_| ()).map_err(|e| {
        Error::Config(crate::config::Error::SaveFailed {
            path: dir.join(notifications::FILE_NAME),
            source: std::sync::Arc::new(e),
        })
    })
}
