//! The mail kept on this computer: one SQLite file per account, so a row is fetched from
//! Gmail once, ever, a launch paints from here before any network call, and the list
//! keeps working offline.
//!
//! Each account's file is `<data dir>/mail/<account id>.sqlite3` (folder 0700, file
//! 0600), in WAL mode with a busy timeout, so the command line and a running window can
//! share it. It holds each seen message's row fields with its thread id, history id,
//! internal date and label ids; the labels with their counts; the mailbox's `historyId`
//! and the time of the last sync; the first page of each list shown; and the quota units
//! spent in the rolling minute, by every process. Never a token.
//! The schema is versioned (`user_version`, through `rusqlite_migration`): a store from an
//! older version is migrated; one that is corrupt, from a newer version, or unreadable is
//! moved aside as `*.corrupt-<time>` and rebuilt from Gmail, with one sentence saying so
//! ([`Opened::notice`]). When the disk refuses to hold a store at all, or fills up (or
//! turns read-only) while the app runs, an in-memory one keeps the app working from the
//! network, and one sentence says mail is not being stored ([`Store::take_notice`]).
//!
//! Every call runs on a blocking thread ([`Store::call`]), never on the async workers.
//! Files by concern: `schema.rs` (migrations), `messages.rs` (rows, label changes,
//! offline search), `labels.rs` and `lists.rs` (the sidebar and the last lists shown),
//! `quota.rs` (the quota ledger every process shares, as a [`crate::gmail::Ledger`]),
//! `bodies.rs` (messages opened, kept compressed for reading again offline).
//!
//! Not here: talking to Gmail (`gmail/`), or deciding what to fetch (`sync/`).

pub mod bodies;
mod labels;
mod lists;
pub mod lock;
mod messages;
pub mod quota;
mod schema;
mod search;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use labels::{all as labels_all, put as labels_put};
pub use lists::{StoredList, get as lists_get, keys as lists_keys, put as lists_put};
pub use messages::{
    Change, StoredMessage, announce, apply, get as messages_get, meta as meta_get,
    put as messages_put, raise_meta, set_meta,
};
pub use search::{found_among as messages_found_among, matching as messages_matching};

/// How long a writer waits for another (the window and the command line) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What can go wrong with the store. Messages name the file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A query failed (a full disk, an I/O error, a lock held too long).
    #[error("the mail stored on this computer ({path}) cannot be used: {detail}")]
    Sql {
        /// The store's file.
        path: PathBuf,
        /// SQLite's word for it.
        detail: String,
    },
    /// The stored mail could not be deleted (its folder cannot be written).
    #[error("the mail stored on this computer ({path}) could not be deleted: {detail}")]
    Remove {
        /// The folder or file.
        path: PathBuf,
        /// The system's word for it.
        detail: String,
    },
    /// The blocking thread that ran the call went away.
    #[error("the store's worker stopped: {detail}")]
    Worker {
        /// Why.
        detail: String,
    },
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// One account's store. Cheap to clone; clones share the connection.
#[derive(Debug, Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    /// Set once when the disk stopped taking writes and the store moved to memory.
    notice: Arc<Mutex<Option<Notice>>>,
}

/// A store just opened, and what the person should be told about it.
#[derive(Debug)]
pub struct Opened {
    /// The store.
    pub store: Store,
    /// One sentence when the file was set aside or cannot be written.
    pub notice: Option<Notice>,
}

/// The folder the stores live in.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("mail")
}

/// The file of one account's store.
pub fn file_of(data_dir: &Path, account_id: &str) -> PathBuf {
    // Google's account ids are digits; anything else is kept to a safe file name.
    let safe: String = account_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    folder(data_dir).join(format!("{safe}.sqlite3"))
}

impl Store {
    /// Opens (or creates, or rebuilds) the account's store. Never fails: a store that
    /// cannot be kept on disk is kept in memory, and [`Opened::notice`] says so.
    pub fn open(data_dir: &Path, account_id: &str) -> Opened {
        let path = file_of(data_dir, account_id);
        match open_file(&path) {
            Ok(store) => Opened {
                store,
                notice: None,
            },
            Err(Problem::Unusable(why)) => {
                let aside = set_aside(&path);
                tracing::warn!(path = %path.display(), "store set aside: {why}");
                let why = why.to_string();
                let notice = match aside {
                    Some(path) => Notice::SetAside { why, path },
                    None => Notice::Unreadable { why },
                };
                match open_file(&path) {
                    Ok(store) => Opened {
                        store,
                        notice: Some(notice),
                    },
                    Err(e) => in_memory(&path, e.to_string()),
                }
            }
            Err(Problem::Io(why)) => in_memory(&path, why),
        }
    }

    /// A store in memory only (tests, and when the disk refuses).
    pub fn memory() -> Self {
        Self::over(memory_connection(), PathBuf::from(":memory:"))
    }

    fn over(conn: Connection, path: PathBuf) -> Self {
        Self {
            conn: Arc::new(Mutex::new(conn)),
            path,
            notice: Arc::default(),
        }
    }

    /// The sentence for the person, once, if the disk stopped taking this store's writes.
    pub fn take_notice(&self) -> Option<Notice> {
        self.notice
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the connection on a blocking thread. When the disk refuses the
    /// write (full, read-only, failing), the store moves to memory, `f` runs once more
    /// there, and [`Store::take_notice`] has the sentence for the person: the app goes
    /// on working from Gmail, and nothing already stored on disk is touched.
    pub async fn call<T, F>(&self, mut f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let (conn, path, notice) = (self.conn.clone(), self.path.clone(), self.notice.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            match f(&mut conn) {
                Err(e) if disk_refused(&e) => {
                    tracing::warn!(path = %path.display(), "mail cannot be stored any more: {e}");
                    let e = e.to_string();
                    *conn = memory_connection();
                    *notice.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some(unstorable(&path, e));
                    f(&mut conn)
                }
                done => done,
            }
            .map_err(|e| Error::Sql {
                path,
                detail: e.to_string(),
            })
        })
        .await
        .map_err(|e| Error::Worker {
            detail: e.to_string(),
        })?
    }

    /// The same, on this thread (tests).
    #[cfg(test)]
    pub fn call_now<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn).map_err(|e| Error::Sql {
            path: self.path.clone(),
            detail: e.to_string(),
        })
    }

    /// A value kept beside the mail (`historyId`, the last sync's time).
    pub async fn meta(&self, key: &'static str) -> Result<Option<String>> {
        self.call(move |c| messages::meta(c, key)).await
    }
}

/// Deletes the account's store, its WAL files and its sync lock. Missing files are fine.
pub fn delete(data_dir: &Path, account_id: &str) -> std::io::Result<()> {
    let path = file_of(data_dir, account_id);
    for suffix in ["", "-wal", "-shm", ".sync-lock"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn in_memory(path: &Path, why: String) -> Opened {
    tracing::warn!(path = %path.display(), "mail cannot be stored on disk: {why}");
    Opened {
        store: Store::memory(),
        notice: Some(unstorable(path, why)),
    }
}

/// Mail cannot be stored: the disk is full, or SQLite's words for why not.
fn unstorable(path: &Path, sqlite_says: String) -> Notice {
    if disk_full(path) {
        Notice::DiskFull
    } else {
        Notice::NotWritable { why: sqlite_says }
    }
}

/// Whether the store's disk is full ("disk I/O error" is all SQLite says when it cannot
/// grow its shared-memory file).
fn disk_full(path: &Path) -> bool {
    #[cfg(unix)]
    {
        let dir = path.parent().unwrap_or(path);
        if let Ok(fs) = rustix::fs::statvfs(dir) {
            return fs.f_bavail.saturating_mul(fs.f_frsize) < 64 * 1024;
        }
    }
    let _ = path;
    false
}

/// What the person should be told about a store, as a kind and its values: the window
/// words it in the person's language (`notice.<kind>`); `Display` is the command line's
/// sentence. Serialised as `{"kind": "...", "values": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The file could not be read; it was moved aside and is fetched again.
    SetAside {
        /// Why it could not be read.
        why: String,
        /// Where it was moved.
        path: PathBuf,
    },
    /// The file could not be read, nor moved aside; it is fetched again.
    Unreadable {
        /// Why.
        why: String,
    },
    /// The disk is full: mail is kept in memory only.
    DiskFull,
    /// The disk refuses writes for another reason: mail is kept in memory only.
    NotWritable {
        /// SQLite's words.
        why: String,
    },
}

impl Notice {
    /// Every kind a notice can have (the window has a text for each).
    pub const KINDS: &[&str] = &[
        "store_set_aside",
        "store_unreadable",
        "store_disk_full",
        "store_not_writable",
    ];

    /// The stable name the window words.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::SetAside { .. } => "store_set_aside",
            Notice::Unreadable { .. } => "store_unreadable",
            Notice::DiskFull => "store_disk_full",
            Notice::NotWritable { .. } => "store_not_writable",
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::SetAside { why, path } => write!(
                f,
                "The mail stored on this computer could not be read ({why}), so it was moved \
                 to {} and will be fetched from Gmail again.",
                path.display()
            ),
            Notice::Unreadable { why } => write!(
                f,
                "The mail stored on this computer could not be read ({why}); it will be \
                 fetched from Gmail again."
            ),
            Notice::DiskFull => f.write_str(
                "Mail could not be stored on this computer (the disk is full): Mailglance \
                 works from Gmail until it can.",
            ),
            Notice::NotWritable { why } => write!(
                f,
                "Mail could not be stored on this computer ({why}): Mailglance works from \
                 Gmail until it can."
            ),
        }
    }
}

impl serde::Serialize for Notice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let values = match self {
            Notice::SetAside { why, path } => {
                serde_json::json!({"why": why, "path": path.display().to_string()})
            }
            Notice::Unreadable { why } | Notice::NotWritable { why } => {
                serde_json::json!({ "why": why })
            }
            Notice::DiskFull => serde_json::json!({}),
        };
        let mut st = s.serialize_struct("Notice", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("values", &values)?;
        st.end()
    }
}

/// An empty store in memory, its schema applied.
fn memory_connection() -> Connection {
    let mut conn = Connection::open_in_memory().expect("SQLite opens an in-memory database");
    schema::migrate(&mut conn).expect("the schema applies to an empty database");
    conn
}

/// Whether SQLite says the disk, not the query, is at fault: full, read-only, failing.
fn disk_refused(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{CannotOpen, DiskFull, ReadOnly, SystemIoFailure};
    matches!(
        e.sqlite_error_code(),
        Some(DiskFull | ReadOnly | SystemIoFailure | CannotOpen)
    )
}

enum Problem {
    /// The file is there but not a store this version can use: set it aside.
    Unusable(String),
    /// The folder or file cannot be created or written.
    Io(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Unusable(w) | Problem::Io(w) => f.write_str(w),
        }
    }
}

fn open_file(path: &Path) -> std::result::Result<Store, Problem> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(|e| Problem::Io(format!("{}: {e}", dir.display())))?;
    let existed = path.exists();
    if !existed {
        create_private_file(path).map_err(|e| Problem::Io(format!("{}: {e}", path.display())))?;
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )
    .map_err(|e| Problem::Io(e.to_string()))?;
    restrict_file(path).map_err(|e| Problem::Io(e.to_string()))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| Problem::Io(e.to_string()))?;
    let unusable = |e: rusqlite::Error| {
        if is_corrupt(&e) {
            Problem::Unusable(e.to_string())
        } else {
            Problem::Io(e.to_string())
        }
    };
    if existed {
        let ok: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(unusable)?;
        if ok != "ok" {
            return Err(Problem::Unusable(format!("SQLite's check says {ok}")));
        }
    }
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(unusable)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(unusable)?;
    schema::migrate(&mut conn).map_err(|e| match e {
        schema::Error::Newer { found, known } => Problem::Unusable(format!(
            "it was written by a newer Mailglance (schema {found}, this one knows {known})"
        )),
        schema::Error::Sql(e) => unusable(e),
        schema::Error::Migration(why) => Problem::Unusable(why),
    })?;
    Ok(Store::over(conn, path.to_owned()))
}

fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Moves the store (and its WAL files) to `*.corrupt-<unix time>`; the new name, if moved.
fn set_aside(path: &Path) -> Option<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut aside = path.to_owned().into_os_string();
    aside.push(format!(".corrupt-{stamp}"));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside).ok()?;
    for suffix in ["-wal", "-shm"] {
        let mut from = path.to_owned().into_os_string();
        from.push(suffix);
        let _ = std::fs::remove_file(from);
    }
    Some(aside)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(drop)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    std::fs::File::create_new(path).map(drop)
}

#[cfg(unix)]
fn restrict_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict_file(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
