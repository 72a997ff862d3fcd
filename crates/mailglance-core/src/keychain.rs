//! The token store: refresh tokens in the platform keychain, one entry per account.
//!
//! Backed by the `keyring` crate with the real platform stores compiled in
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows);
//! never its in-memory mock, and never a plain file. Only refresh tokens are
//! stored: access tokens live in memory, and the small entries stay well under
//! the Windows credential blob limit (2,560 bytes, keyring-rs#85).
//!
//! Not here: deciding *when* to store or delete a token (that is `auth/`), or
//! anything about the app shell: this module imports nothing from `tauri`.
//!
//! Calls block on the platform store (D-Bus on Linux); async callers run them
//! through `tokio::task::spawn_blocking`. Each call has a time limit: a locked
//! keychain may show its own unlock prompt, and a person gets that long to
//! answer it; a prompt that never comes (no prompter on a headless machine)
//! ends as [`Error::Locked`] instead of a hang.

use std::sync::mpsc;
use std::time::Duration;

use oauth2::RefreshToken;

/// How long one keychain call may take, unlock prompt included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The service name entries are filed under unless configured otherwise.
pub const DEFAULT_SERVICE: &str = "Mailglance";

/// Environment variable that moves every entry under another service name.
/// Tests and the demo set it so they never read or touch a person's real entries.
pub const SERVICE_ENV: &str = "MAILGLANCE_KEYCHAIN_SERVICE";

/// Why the keychain could not be used. Each variant says which of the three
/// things a person can act on went wrong: there is no store, it is locked, or
/// it refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No keychain service is running or reachable (on Linux: no D-Bus session
    /// bus, or no Secret Service such as gnome-keyring or KeePassXC on it).
    #[error(
        "no system keychain is available ({detail}). Mailglance keeps your sign-in only in \
         the system keychain: start a Secret Service such as GNOME Keyring or KeePassXC, \
         then try again"
    )]
    StoreMissing {
        /// What the platform said.
        detail: String,
    },
    /// The keychain exists but is locked, and could not be unlocked.
    #[error(
        "the system keychain is locked ({detail}). Unlock it (for GNOME Keyring: log in \
         again, or open Passwords and Keys and unlock the Login keyring), then try again"
    )]
    Locked {
        /// What the platform said.
        detail: String,
    },
    /// The keychain answered, but refused or failed the operation.
    #[error("the system keychain refused to {action} the sign-in for {account}: {detail}")]
    Refused {
        /// What was being done: "read", "save" or "delete".
        action: &'static str,
        /// The account the entry belongs to (an id, never a secret).
        account: String,
        /// What the platform said.
        detail: String,
    },
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// Refresh tokens in the platform keychain, filed under one service name.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
    timeout: Duration,
}

impl Keychain {
    /// A store filed under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same store with another time limit per call.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The store the app uses: [`DEFAULT_SERVICE`], or [`SERVICE_ENV`] when set.
    pub fn from_env() -> Self {
        match std::env::var(SERVICE_ENV) {
            Ok(service) if !service.trim().is_empty() => Self::new(service),
            _ => Self::new(DEFAULT_SERVICE),
        }
    }

    /// The service name entries are filed under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The refresh token stored for `account`, or `None` when there is none.
    pub fn get(&self, account: &str) -> Result<Option<RefreshToken>> {
        self.call(account, "read", |entry| match entry.get_password() {
            Ok(secret) => Ok(Some(RefreshToken::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    /// Stores `token` for `account`, replacing any earlier one.
    pub fn set(&self, account: &str, token: &RefreshToken) -> Result<()> {
        let secret = token.secret().clone();
        self.call(account, "save", move |entry| entry.set_password(&secret))
    }

    /// Deletes the entry for `account`. Deleting an entry that is not there succeeds.
    pub fn delete(&self, account: &str) -> Result<()> {
        self.call(account, "delete", |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }

    /// Runs `op` on the account's entry on a thread of its own, so that a call
    /// stuck behind an unanswered unlock prompt ends after the time limit.
    fn call<T: Send + 'static>(
        &self,
        account: &str,
        action: &'static str,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = mpsc::channel();
        let (service, user) = (self.service.clone(), account.to_owned());
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let result = keyring::Entry::new(&service, &user).and_then(op);
                let _ = tx.send(result);
            })
            .map_err(|e| Error::Refused {
                action,
                account: account.to_owned(),
                detail: format!("could not start a thread: {e}"),
            })?;
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result.map_err(|e| classify(e, action, account)),
            Err(_) => Err(Error::Locked {
                detail: format!(
                    "no answer within {} s; it may be waiting for its password",
                    self.timeout.as_secs()
                ),
            }),
        }
    }
}

/// Sorts a `keyring` error into what a person can act on. The platform errors
/// arrive as text from D-Bus, libsecret or the OS, so the text is what we read.
fn classify(error: keyring::Error, action: &'static str, account: &str) -> Error {
    let detail = error.to_string();
    if let keyring::Error::NoStorageAccess(_) = error {
        return Error::Locked { detail };
    }
    let lower = detail.to_lowercase();
    let missing = [
        "org.freedesktop.secrets",
        "serviceunknown",
        "failed to connect",
        "autolaunch",
        "no such file or directory",
        "connection refused",
    ];
    let locked = [
        "locked",
        "result not returned from ss api",
        "no result found",
        "prompt",
    ];
    if missing.iter().any(|m| lower.contains(m)) {
        Error::StoreMissing { detail }
    } else if locked.iter().any(|m| lower.contains(m)) {
        Error::Locked { detail }
    } else {
        Error::Refused {
            action,
            account: account.to_owned(),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_service_is_reported_as_no_keychain() {
        let e = classify(
            keyring::Error::PlatformFailure(
                "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets \
                 was not provided by any .service files"
                    .into(),
            ),
            "read",
            "123",
        );
        assert!(matches!(e, Error::StoreMissing { .. }), "{e:?}");
        assert!(e.to_string().contains("GNOME Keyring"));
    }

    #[test]
    fn a_missing_session_bus_is_reported_as_no_keychain() {
        let e = classify(
            keyring::Error::PlatformFailure(
                "Unable to autolaunch a dbus-daemon without a $DISPLAY for X11".into(),
            ),
            "save",
            "123",
        );
        assert!(matches!(e, Error::StoreMissing { .. }), "{e:?}");
    }

    #[test]
    fn a_locked_collection_is_reported_as_locked() {
        let e = classify(
            keyring::Error::PlatformFailure("SS error: result not returned from SS API".into()),
            "read",
            "123",
        );
        assert!(matches!(e, Error::Locked { .. }), "{e:?}");
        assert!(e.to_string().contains("Unlock it"));
    }

    #[test]
    fn other_failures_name_the_action_and_the_account() {
        let e = classify(
            keyring::Error::PlatformFailure("permission denied by policy".into()),
            "delete",
            "10769150350006150715113082367",
        );
        assert!(matches!(e, Error::Refused { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("delete") && text.contains("10769150350006150715113082367"));
    }
}
