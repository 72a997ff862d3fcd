//! Which accounts' new mail is announced as desktop notifications, and whether closing
//! the window leaves the app running in the tray: `notifications.json` in the config
//! dir, `{"muted": ["<account id>", ...], "keepInTray": false}`, written by the window's
//! Notifications panel. No file, or an account not listed: its new mail is announced;
//! closing the window quits. The file is replaced whole (a temporary file, renamed),
//! never half-written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file's name in the config dir.
pub const FILE_NAME: &str = "notifications.json";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    #[serde(default)]
    muted: Vec<String>,
    #[serde(default)]
    keep_in_tray: bool,
}

/// The accounts whose new mail is not announced.
pub fn muted(config_dir: &Path) -> Vec<String> {
    read(config_dir).muted
}

/// Whether closing the window leaves the app running in the tray.
pub fn keep_in_tray(config_dir: &Path) -> bool {
    read(config_dir).keep_in_tray
}

/// Sets whether closing the window leaves the app running in the tray.
pub fn set_keep_in_tray(config_dir: &Path, on: bool) -> std::io::Result<PathBuf> {
    let mut file = read(config_dir);
    file.keep_in_tray = on;
    write(config_dir, &file)
}

fn read(config_dir: &Path) -> File {
    let path = config_dir.join(FILE_NAME);
    match std::fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice::<File>(&bytes) {
            Ok(file) => file,
            Err(e) => {
                tracing::warn!(path = %path.display(), "not read, so every account notifies: {e}");
                File::default()
            }
        },
        Err(_) => File::default(),
    }
}

/// Turns announcing `account_id`'s new mail on or off.
pub fn set(config_dir: &Path, account_id: &str, on: bool) -> std::io::Result<PathBuf> {
    let mut file = read(config_dir);
    file.muted.retain(|id| id != account_id);
    if !on {
        file.muted.push(account_id.to_owned());
    }
    write(config_dir, &file)
}

fn write(config_dir: &Path, file: &File) -> std::io::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(config_dir)?;
    let text = serde_json::to_vec_pretty(file).map_err(std::io::Error::other)?;
    let mut partial = tempfile::Builder::new()
        .prefix(".notifications.json.")
        .tempfile_in(config_dir)?;
    partial.write_all(&text)?;
    partial.as_file().sync_all()?;
    let path = config_dir.join(FILE_NAME);
    partial.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_muted_and_unmuted_and_a_broken_file_mutes_nobody() {
        let dir = tempfile::tempdir().unwrap();
        assert!(muted(dir.path()).is_empty());
        set(dir.path(), "1001", false).unwrap();
        set(dir.path(), "1002", false).unwrap();
        set(dir.path(), "1001", true).unwrap();
        assert_eq!(muted(dir.path()), ["1002"]);
        assert!(!keep_in_tray(dir.path()));
        set_keep_in_tray(dir.path(), true).unwrap();
        assert!(keep_in_tray(dir.path()));
        assert_eq!(muted(dir.path()), ["1002"], "the other setting kept");
        std::fs::write(dir.path().join(FILE_NAME), "{oops").unwrap();
        assert!(muted(dir.path()).is_empty());
    }
}
