//! The one error type the window sees.
//!
//! Each layer has its own typed error (`config::Error`, `keychain::Error`, …);
//! this enum gathers them and gives each a stable `kind` the UI branches on,
//! plus a sentence a person can read. It serialises as
//! `{"kind": "...", "message": "..."}`: never a raw server body, a stack, or a
//! secret (no layer's error carries one).

use serde::ser::SerializeStruct;

use crate::{auth, config, gmail, keychain, store};

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client file or the app's folders.
    #[error(transparent)]
    Config(#[from] config::Error),
    /// The platform keychain.
    #[error(transparent)]
    Keychain(#[from] keychain::Error),
    /// Signing in and tokens.
    #[error(transparent)]
    Auth(auth::Error),
    /// The Gmail API.
    #[error(transparent)]
    Gmail(#[from] gmail::Error),
    /// The mail stored on this computer.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// A search this computer cannot run ("cannot search for …").
    #[error(transparent)]
    Search(#[from] crate::search::ParseError),
}

impl From<auth::Error> for Error {
    /// Keeps one kind per cause: a config or keychain failure met while signing in is
    /// reported as that, not as a sign-in failure.
    fn from(e: auth::Error) -> Self {
        match e {
            auth::Error::Config(c) => Error::Config(c),
            auth::Error::Keychain(k) => Error::Keychain(k),
            other => Error::Auth(other),
        }
    }
}

/// The result type of commands.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The stable name the UI branches on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Config(config::Error::ClientFileMissing { .. }) => "client_file_missing",
            Error::Config(
                config::Error::ClientFileInvalid { .. }
                | config::Error::ClientFileUnreadable { .. },
            ) => "client_file_invalid",
            Error::Config(config::Error::NoHomeDir { .. }) => "no_home_dir",
            Error::Config(config::Error::SettingsInvalid { .. }) => "settings_invalid",
            Error::Config(config::Error::ImportFailed { .. }) => "import_failed",
            Error::Config(config::Error::SaveFailed { .. }) => "save_failed",
            Error::Keychain(keychain::Error::StoreMissing { .. }) => "keychain_unavailable",
            Error::Keychain(keychain::Error::Locked { .. }) => "keychain_locked",
            Error::Keychain(keychain::Error::Refused { .. }) => "keychain_refused",
            Error::Auth(e) => match e {
                auth::Error::Denied => "sign_in_denied",
                auth::Error::ScopeNotGranted => "scope_not_granted",
                auth::Error::Cancelled => "sign_in_cancelled",
                auth::Error::TimedOut { .. } => "sign_in_timed_out",
                auth::Error::SignInAgain { .. } => "auth_required",
                auth::Error::Offline { .. } => "offline",
                auth::Error::Server { .. } | auth::Error::Malformed { .. } => "server_error",
                auth::Error::Listener { .. } => "listener_failed",
                auth::Error::NoSignInInProgress => "no_sign_in",
                auth::Error::UnknownAccount { .. } => "unknown_account",
                auth::Error::AccountsFile { .. } => "accounts_file",
                auth::Error::BrowserFailed { .. } => "browser_failed",
                auth::Error::BadEndpoint { .. } => "settings_invalid",
                auth::Error::AuthorizationFailed { .. }
                | auth::Error::InvalidGrant { .. }
                | auth::Error::TokenRefused { .. }
                | auth::Error::NoUserId
                | auth::Error::NoRefreshToken { .. } => "sign_in_failed",
                auth::Error::Config(_) | auth::Error::Keychain(_) => "sign_in_failed",
            },
            Error::Store(store::Error::Remove { .. }) => "store_remove_failed",
            Error::Store(_) => "store",
            Error::Search(_) => "search_invalid",
            Error::Gmail(e) => match e {
                gmail::Error::Unauthorized => "auth_required",
                gmail::Error::RateLimited { .. } => "rate_limited",
                gmail::Error::QuotaWait { .. } => "quota_wait",
                gmail::Error::Forbidden { .. } => "forbidden",
                gmail::Error::Server { .. } | gmail::Error::Malformed { .. } => "server_error",
                gmail::Error::Offline { .. } => "offline",
                gmail::Error::InvalidPageToken => "invalid_page_token",
                gmail::Error::InvalidMessageId { .. } => "invalid_message_id",
                gmail::Error::MessageGone { .. } => "message_gone",
                gmail::Error::HistoryGone => "history_gone",
            },
        }
    }

    /// Every kind [`Error::kind`] can return: the window has a sentence for each in every
    /// locale (a test holds it).
    pub const KINDS: &[&str] = &[
        "client_file_missing",
        "client_file_invalid",
        "no_home_dir",
        "settings_invalid",
        "import_failed",
        "save_failed",
        "keychain_unavailable",
        "keychain_locked",
        "keychain_refused",
        "sign_in_denied",
        "scope_not_granted",
        "sign_in_cancelled",
        "sign_in_timed_out",
        "auth_required",
        "offline",
        "server_error",
        "listener_failed",
        "no_sign_in",
        "unknown_account",
        "accounts_file",
        "browser_failed",
        "sign_in_failed",
        "store",
        "store_remove_failed",
        "search_invalid",
        "rate_limited",
        "quota_wait",
        "forbidden",
        "invalid_page_token",
        "history_gone",
        "invalid_message_id",
        "message_gone",
    ];

    /// Whether Gmail or Google could not be reached at all (the network, not a refusal):
    /// the caller answers from the store.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            Error::Gmail(gmail::Error::Offline { .. }) | Error::Auth(auth::Error::Offline { .. })
        )
    }

    /// How long until Gmail's quota has room again, in whole seconds (rounded up), for
    /// `quota_wait`: the window words it.
    pub fn wait_seconds(&self) -> Option<u64> {
        match self {
            Error::Gmail(gmail::Error::QuotaWait { wait }) => {
                Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
            }
            _ => None,
        }
    }

    /// The account a "Sign in again" action should pre-fill, when there is one.
    pub fn email(&self) -> Option<&str> {
        match self {
            Error::Auth(auth::Error::SignInAgain { email, .. })
            | Error::Auth(auth::Error::NoRefreshToken { email }) => Some(email),
            _ => None,
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let email = self.email();
        let seconds = self.wait_seconds();
        let fields = 2 + usize::from(email.is_some()) + usize::from(seconds.is_some());
        let mut st = s.serialize_struct("Error", fields)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        if let Some(email) = email {
            st.serialize_field("email", email)?;
        }
        if let Some(seconds) = seconds {
            st.serialize_field("seconds", &seconds)?;
        }
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
    fn an_ended_grant_asks_to_sign_in_again_with_the_account() {
        let e = Error::from(auth::Error::SignInAgain {
            email: "ana@example.com".into(),
            reason: auth::why_ended(Some(0), 8 * 24 * 3600 * 1000),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "auth_required");
        assert_eq!(json["email"], "ana@example.com");
        // Why, where the person reads the details: the Testing-mode week.
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("it was 8 days old"), "{message}");
        assert!(message.contains("publish the app"), "{message}");
        assert!(
            auth::why_ended(Some(0), 6 * 24 * 3600 * 1000).starts_with("it was revoked"),
            "younger than a week: revoked, password, unused"
        );
        assert!(auth::why_ended(None, 0).starts_with("it was revoked"));
    }

    #[test]
    fn a_keychain_failure_during_sign_in_keeps_its_keychain_kind() {
        let e = Error::from(auth::Error::Keychain(keychain::Error::Locked {
            detail: "SS error".into(),
        }));
        assert_eq!(e.kind(), "keychain_locked");
    }

    #[test]
    fn every_kind_the_core_can_send_is_listed_and_has_a_sentence_in_every_locale() {
        // The kinds `kind()` returns, read from this file, are the listed ones.
        let source = include_str!("error.rs");
        let body =
            &source[source.find("pub fn kind(").unwrap()..source.find("pub const KINDS").unwrap()];
        let mut returned: Vec<&str> = body
            .split("=> \"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        returned.sort_unstable();
        returned.dedup();
        let mut listed = Error::KINDS.to_vec();
        listed.sort_unstable();
        assert_eq!(returned, listed, "Error::KINDS lists what kind() returns");
        // Each kind and each store notice has a text in each of the window's locales.
        let locales = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/locales");
        let mut missing = Vec::new();
        for lang in ["en", "fr", "pl"] {
            let text = std::fs::read_to_string(format!("{locales}/{lang}.js")).unwrap();
            let keys = Error::KINDS
                .iter()
                .map(|k| format!("error.{k}"))
                .chain(store::Notice::KINDS.iter().map(|k| format!("notice.{k}")));
            for key in keys {
                if !text.contains(&format!("\"{key}\":")) {
                    missing.push(format!("{lang}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "no text for {missing:#?}");
    }

    #[test]
    fn offline_is_told_by_type_from_gmail_and_from_google_sign_in() {
        assert!(
            Error::from(gmail::Error::Offline {
                detail: "no route".into()
            })
            .is_offline()
        );
        assert!(
            Error::from(auth::Error::Offline {
                detail: "no route".into()
            })
            .is_offline()
        );
        assert!(!Error::from(gmail::Error::Server { status: 503 }).is_offline());
    }

    #[test]
    fn a_message_id_that_is_not_one_and_a_folder_that_cannot_be_removed_have_their_own_kinds() {
        let e = Error::from(gmail::Error::InvalidMessageId {
            id: "x/../y".into(),
        });
        assert_eq!(e.kind(), "invalid_message_id");
        let e = Error::from(store::Error::Remove {
            path: "/home/ana/.local/share/mailglance/mail".into(),
            detail: "Permission denied".into(),
        });
        assert_eq!(e.kind(), "store_remove_failed");
        assert!(e.to_string().contains("could not be deleted"));
    }

    #[test]
    fn a_quota_wait_reaches_the_window_with_how_long_in_seconds() {
        let e = Error::from(gmail::Error::QuotaWait {
            wait: std::time::Duration::from_millis(299_500),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "quota_wait");
        assert_eq!(json["seconds"], 300);
        assert!(json["message"].as_str().unwrap().contains("5 minutes"));
    }

    #[test]
    fn a_locked_keychain_has_its_own_kind() {
        let e = Error::from(keychain::Error::Locked {
            detail: "SS error".into(),
        });
        assert_eq!(e.kind(), "keychain_locked");
    }
}
