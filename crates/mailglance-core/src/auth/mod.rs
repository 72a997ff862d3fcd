//! Signing in with Google on the desktop, and keeping the account signed in.
//!
//! The flow is OAuth 2.0's authorization code grant with PKCE through the system
//! browser and a loopback redirect (RFC 6749, RFC 7636, RFC 8252):
//!
//! 1. [`Auth::start_sign_in`] starts a [`sign_in::PendingSignIn`]: it binds
//!    [`loopback::Listener`] on `127.0.0.1:0` and builds the
//!    authorization URL ([`google::Google::authorization`]: S256, `state`,
//!    `access_type=offline`, `prompt=consent` when no refresh token is held, `login_hint`)
//!    and opens the browser through an [`Opener`].
//! 2. [`Auth::finish_sign_in`] waits for the reply (5 minutes, or until
//!    [`Auth::cancel_sign_in`]), exchanges the code, asks userinfo who signed in, and keeps
//!    the refresh token in the keychain under the account id ([`crate::keychain`]) and the
//!    account (id, e-mail, name) in `accounts.json` ([`accounts`]). A reply without a
//!    refresh token uses the stored one; with none stored, consent runs once more.
//! 3. [`Auth::access_token`] hands out access tokens kept in memory only, refreshed 60 s
//!    before they expire (and again after a 401, see [`Auth::forget_access_token`]);
//!    `invalid_grant` deletes the stored token and reports [`Error::SignInAgain`].
//! 4. [`Auth::sign_out`] revokes the grant at Google and deletes the keychain entry.
//!
//! Nothing here reads configuration or imports `tauri`: the caller hands [`Auth`] Google's
//! endpoints ([`Google`]) and the browser ([`Opener`]).

pub mod accounts;
pub mod google;
pub mod loopback;
mod session;
pub mod sign_in;
pub mod tokens;

pub use accounts::{Account, AccountStore};
pub use google::Google;
pub use session::{AccountState, AccountView, Auth, SignedOut, why_ended};
pub use sign_in::{CommandOpener, Opener, SignInStarted};

use std::path::PathBuf;

use crate::{config, keychain};

/// What can go wrong signing in or staying signed in. No variant carries a token or a
/// server's raw body.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client file or settings.
    #[error(transparent)]
    Config(#[from] config::Error),
    /// The keychain.
    #[error(transparent)]
    Keychain(#[from] keychain::Error),
    /// An endpoint in the configuration is not usable.
    #[error("the {endpoint} endpoint in the configuration is wrong: {detail}")]
    BadEndpoint {
        /// Which endpoint.
        endpoint: String,
        /// Why.
        detail: String,
    },
    /// The port for the browser's reply could not be opened.
    #[error("could not listen on 127.0.0.1 for the browser's reply: {source}")]
    Listener {
        /// The OS error.
        source: std::io::Error,
    },
    /// The person chose not to allow access.
    #[error("sign-in was cancelled in the browser: Mailglance was not allowed to read your mail")]
    Denied,
    /// Google answered the authorization request with another error.
    #[error("Google could not complete the sign-in ({error}{}): try again", if description.is_empty() { String::new() } else { format!(": {description}") })]
    AuthorizationFailed {
        /// Google's `error`.
        error: String,
        /// Google's `error_description`.
        description: String,
    },
    /// Nobody finished in the browser in time.
    #[error(
        "no answer came from the browser within {minutes} minutes: sign in again when you are ready"
    )]
    TimedOut {
        /// The time limit.
        minutes: u64,
    },
    /// The person cancelled in the app.
    #[error("sign-in was cancelled")]
    Cancelled,
    /// [`Auth::finish_sign_in`] with no sign-in started.
    #[error("no sign-in is in progress: start one with \"Sign in with Google\"")]
    NoSignInInProgress,
    /// Google's servers could not be reached.
    #[error(
        "Google could not be reached ({detail}): check your internet connection, then try again"
    )]
    Offline {
        /// What the network said.
        detail: String,
    },
    /// A server error or an unexpected status.
    #[error(
        "Google's {what} service answered with an error (HTTP {status}): try again in a moment"
    )]
    Server {
        /// Which service.
        what: &'static str,
        /// The HTTP status.
        status: u16,
    },
    /// A reply that is not in Google's format.
    #[error("Google's {what} service sent a reply Mailglance cannot read: try again in a moment")]
    Malformed {
        /// Which service.
        what: &'static str,
    },
    /// The token endpoint said `invalid_grant` while exchanging a code.
    #[error("Google did not accept the sign-in ({description}): sign in again")]
    InvalidGrant {
        /// "exchange" or "refresh".
        step: &'static str,
        /// Google's `error_description`.
        description: String,
    },
    /// The token endpoint refused for another reason (a wrong client, say).
    #[error("Google refused the sign-in ({error}{}): check the OAuth client file", if description.is_empty() { String::new() } else { format!(": {description}") })]
    TokenRefused {
        /// "exchange" or "refresh".
        step: &'static str,
        /// Google's `error`.
        error: String,
        /// Google's `error_description`.
        description: String,
    },
    /// userinfo named no account (the seed's `NoUserIdException`).
    #[error(
        "Google did not say which account signed in, so Mailglance cannot keep the sign-in: try again"
    )]
    NoUserId,
    /// No refresh token came back, none was stored, and consent was already asked again
    /// (the seed's `NoRefreshTokenException`).
    #[error(
        "Google gave no lasting sign-in for {email}, even after asking for consent again: remove Mailglance's access at myaccount.google.com/permissions, then sign in again"
    )]
    NoRefreshToken {
        /// The account.
        email: String,
    },
    /// The person left Gmail unticked on Google's consent page (granular consent): the
    /// token reply's `scope` has no `gmail.readonly`. Nothing was kept.
    #[error(
        "Mailglance can't read your mail list: you left \"Read your email\" unticked on Google's page. Sign in again and tick it"
    )]
    ScopeNotGranted,
    /// The stored grant is gone (revoked, expired, password changed): sign in again.
    #[error("your sign-in for {email} has ended ({reason}): sign in again")]
    SignInAgain {
        /// The account, for `login_hint`.
        email: String,
        /// The likely reason, in a sentence's middle.
        reason: String,
    },
    /// An account id the app does not know.
    #[error("no account with id {id} is signed in here")]
    UnknownAccount {
        /// The id given.
        id: String,
    },
    /// The browser could not be opened.
    #[error("the browser could not be opened ({detail})")]
    BrowserFailed {
        /// Why.
        detail: String,
    },
    /// The accounts file could not be read or written.
    #[error("the accounts file {path} cannot be used: {detail}")]
    AccountsFile {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;
