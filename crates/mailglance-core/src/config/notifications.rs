//! Which accounts' new mail is announced as desktop notifications: `notifications.json`
//! in the config dir, `{"muted": ["<account id>", ...]}`, written by the window's
//! Notifications panel. No file, or an account not listed: its new mail is announced.
//! The file is replaced whole (a temporary file, renamed), never half-written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file's name in the config dir.
pub const FILE_NAME: &str = "notifications.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default)]
    muted: Vec<String>,
}

/// The accounts whose new mail is not announced.
pub fn muted(config_dir: &Path) -> Vec<String> {
    let path = config_dir.join(FILE_NAME);
    match std::fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice::<File>(&bytes) {
            Ok(file) => file.muted,
            Err(e) => {
                tracing::warn!(path = %path.display(), "not read, so every account notifies: {e}");
                Vec::new()
            }
        },
        Err(_) => Vec::new(),
    }
}

/// Turns announcing `account_id`'s new mail on or off.
pub fn set(config_dir: &Path, account_id: &str, on: bool) -> std::io::Result<PathBuf> {
    use std::io::Write;
    let mut muted = muted(config_dir);
    muted.retain(|id| id != account_id);
    if !on {
        muted.push(account_id.to_owned());
    }
    std::fs::create_dir_all(config_dir)?;
    let text = serde_json::to_vec_pretty(&File { muted }).map_err(std::io::Error::other)?;
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
        std::fs::write(dir.path().join(FILE_NAME), "{oops").unwrap();
        assert!(muted(dir.path()).is_empty());
    }
}
