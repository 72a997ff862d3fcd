//! One sync at a time per account across every Mailglance process on this computer: an
//! exclusive `flock` on `<data dir>/mail/<account id>.sync-lock`, taken before a sync and
//! released when the [`SyncLock`] drops (or the process ends, however it ends). A second
//! sync waits for the first, then starts from the `historyId` it left: what the first
//! fetched is not fetched again.
//!
//! Where `flock` does not exist (not Unix), only the process's own lock holds
//! (`App::sync`); the store's `historyId` rules still keep history from being applied
//! twice.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{file_of, folder};

/// How often a waiting sync looks again.
const POLL: Duration = Duration::from_millis(50);

/// The account's sync lock, held while it lives.
#[derive(Debug)]
pub struct SyncLock {
    #[cfg(unix)]
    _file: Option<std::fs::File>,
}

/// The lock file of an account.
pub fn path_of(data_dir: &Path, account_id: &str) -> PathBuf {
    let mut p = file_of(data_dir, account_id).into_os_string();
    p.push(".sync-lock");
    PathBuf::from(p)
}

/// Waits for the account's sync lock and takes it. A lock file that cannot be made (a
/// read-only disk) is logged and not waited for: the sync goes on unguarded by other
/// processes, never stuck.
pub async fn sync_lock(data_dir: &Path, account_id: &str) -> SyncLock {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        let path = path_of(data_dir, account_id);
        let file = std::fs::create_dir_all(folder(data_dir)).and_then(|()| {
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        });
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(path = %path.display(), "no sync lock ({e}): syncing unguarded");
                return SyncLock { _file: None };
            }
        };
        loop {
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => return SyncLock { _file: Some(file) },
                Err(rustix::io::Errno::WOULDBLOCK | rustix::io::Errno::INTR) => {
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), "no sync lock ({e}): syncing unguarded");
                    return SyncLock { _file: None };
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (data_dir, account_id, POLL);
        SyncLock {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_sync_lock_waits_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = sync_lock(dir.path(), "42").await;
        let dir_path = dir.path().to_owned();
        let second = tokio::spawn(async move { sync_lock(&dir_path, "42").await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!second.is_finished(), "the second waits");
        // Another account is not held up.
        let _other = sync_lock(dir.path(), "43").await;
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .expect("the second takes it once the first is gone")
            .unwrap();
    }
}
