//! The one error type the window sees.
//!
//! Each layer has its own typed error (`config::Error`, `keychain::Error`, …);
//! this enum gathers them and gives each a stable `kind` the UI branches on,
//! plus a sentence a person can read. It serialises as
//! `{"kind": "...", "message": "..."}`: never a raw server body, a stack, or a
//! secret (no layer's error carries one).

use serde::ser::SerializeStruct;

use crate::{config, keychain};

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client file or the app's folders.
    #[error(transparent)]
    Config(#[from] config::Error),
    /// The platform keychain.
    #[error(transparent)]
    Keychain(#[from] keychain::Error),
}

/// The result type of commands.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The stable name the UI branches on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Config(config::Error::ClientFileMissing { .. }) => "client_file_missing",
            Error::Config(
                config::Error::ClientFileInvalid { .. } | config::Error::ClientFileUnreadable { .. },
            ) => "client_file_invalid",
            Error::Config(config::Error::NoHomeDir { .. }) => "no_home_dir",
            Error::Keychain(keychain::Error::StoreMissing { .. }) => "keychain_unavailable",
            Error::Keychain(keychain::Error::Locked { .. }) => "keychain_locked",
            Error::Keychain(keychain::Error::Refused { .. }) => "keychain_refused",
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_reach_the_window_as_kind_and_message() {
        let e = Error::from(config::Error::ClientFileMissing {
            path: "/home/ana/.config/mailglance/client_secret.json".into(),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "client_file_missing");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("/home/ana/.config/mailglance/client_secret.json"));
        assert_eq!(json.as_object().unwrap().len(), 2);
    }

    #[test]
    fn a_locked_keychain_has_its_own_kind() {
        let e = Error::from(keychain::Error::Locked {
            detail: "SS error".into(),
        });
        assert_eq!(e.kind(), "keychain_locked");
    }
}
