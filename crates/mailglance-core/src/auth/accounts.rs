//! The list of known accounts: id, e-mail and name, nothing secret, in
//! `accounts.json` in the app's data dir. Refresh tokens are in the keychain, filed
//! under the account id; this file only says which accounts to restore at launch.
//!
//! Writes go to a temporary file of a unique name, flushed to disk and renamed over the
//! old one (the folder flushed too), so a crash never leaves half a list; a change reads
//! and writes under an exclusive lock (`accounts.json.lock`), so the window and the
//! command line never lose each other's accounts; a broken file is reported, never
//! silently replaced.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, Result};

/// The file's name in the data dir.
pub const FILE_NAME: &str = "accounts.json";

/// One known account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Google's stable account id (`sub`); also the keychain entry's name.
    pub id: String,
    /// The e-mail address (for `login_hint` and for people).
    pub email: String,
    /// The display name, when Google shared it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the refresh token in the keychain was issued (epoch ms; never the token):
    /// a grant that ends at 7 days old is Google's Testing-mode limit.
    #[serde(
        default,
        rename = "tokenIssuedMs",
        skip_serializing_if = "Option::is_none"
    )]
    pub token_issued_ms: Option<i64>,
}

#[derive(Serialize, Deserialize, Default)]
struct File {
    accounts: Vec<Account>,
}

/// The accounts file.
#[derive(Debug, Clone)]
pub struct AccountStore {
    path: PathBuf,
}

impl AccountStore {
    /// The store in `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(FILE_NAME),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every known account, in the order they were added; none when there is no file.
    pub fn load(&self) -> Result<Vec<Account>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice::<File>(&bytes)
                .map(|f| f.accounts)
                .map_err(|e| Error::AccountsFile {
                    path: self.path.clone(),
                    detail: format!("it is not valid ({e}); move it away to start afresh"),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::AccountsFile {
                path: self.path.clone(),
                detail: e.to_string(),
            }),
        }
    }

    /// Adds `account`, or updates the one with the same id in place.
    pub fn upsert(&self, account: &Account) -> Result<()> {
        let _lock = self.lock()?;
        let mut all = self.load()?;
        match all.iter_mut().find(|a| a.id == account.id) {
            Some(known) => *known = account.clone(),
            None => all.push(account.clone()),
        }
        self.save(&all)
    }

    /// Removes the account with `id` (nothing happens when it is not there).
    pub fn remove(&self, id: &str) -> Result<()> {
        let _lock = self.lock()?;
        let mut all = self.load()?;
        all.retain(|a| a.id != id);
        self.save(&all)
    }

    fn io(&self, e: std::io::Error) -> Error {
        Error::AccountsFile {
            path: self.path.clone(),
            detail: e.to_string(),
        }
    }

    /// The exclusive lock every change holds from its read to its rename; released when
    /// the returned file is dropped (or the process ends).
    fn lock(&self) -> Result<std::fs::File> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.io(e))?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("json.lock"))
            .map_err(|e| self.io(e))?;
        file.lock().map_err(|e| self.io(e))?;
        Ok(file)
    }

    fn save(&self, accounts: &[Account]) -> Result<()> {
        use std::io::Write;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let text = serde_json::to_vec_pretty(&File {
            accounts: accounts.to_vec(),
        })
        .map_err(|e| self.io(std::io::Error::other(e)))?;
        let mut partial = tempfile::Builder::new()
            .prefix(".accounts.json.")
            .tempfile_in(dir)
            .map_err(|e| self.io(e))?;
        partial.write_all(&text).map_err(|e| self.io(e))?;
        partial.as_file().sync_all().map_err(|e| self.io(e))?;
        partial.persist(&self.path).map_err(|e| self.io(e.error))?;
        // The rename itself reaches the disk with the folder's entry.
        #[cfg(unix)]
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| self.io(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> Account {
        Account {
            id: "1001".into(),
            email: "ana@example.com".into(),
            name: Some("Ana".into()),
            token_issued_ms: None,
        }
    }

    #[test]
    fn accounts_survive_a_reload_and_update_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let store = AccountStore::new(dir.path());
        assert!(store.load().unwrap().is_empty());
        store.upsert(&ana()).unwrap();
        let jean = Account {
            id: "1002".into(),
            email: "jean@example.org".into(),
            name: None,
            token_issued_ms: Some(1_700_000_000_000),
        };
        store.upsert(&jean).unwrap();
        let renamed = Account {
            name: Some("Ana K.".into()),
            ..ana()
        };
        store.upsert(&renamed).unwrap();
        assert_eq!(
            AccountStore::new(dir.path()).load().unwrap(),
            vec![renamed, jean.clone()]
        );
        store.remove("1001").unwrap();
        assert_eq!(store.load().unwrap(), vec![jean]);
    }

    #[test]
    fn writers_at_the_same_time_lose_no_account_and_leave_no_temporary_file() {
        // Eight writers with a handle each, as the window and the command line have:
        // each change reads and writes under the file lock.
        let dir = tempfile::tempdir().unwrap();
        std::thread::scope(|s| {
            for w in 0..8 {
                let path = dir.path().to_owned();
                s.spawn(move || {
                    for i in 0..10 {
                        AccountStore::new(&path)
                            .upsert(&Account {
                                id: format!("{w}-{i}"),
                                email: format!("w{w}.{i}@example.com"),
                                name: None,
                                token_issued_ms: None,
                            })
                            .unwrap();
                    }
                });
            }
        });
        let all = AccountStore::new(dir.path()).load().unwrap();
        assert_eq!(all.len(), 80);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != FILE_NAME && n != "accounts.json.lock")
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_broken_accounts_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = AccountStore::new(dir.path());
        std::fs::write(store.path(), "{oops").unwrap();
        let e = store.upsert(&ana()).unwrap_err();
        assert!(e.to_string().contains(&store.path().display().to_string()));
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), "{oops");
    }
}
