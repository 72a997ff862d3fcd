//! One sign-in in flight: the loopback listener, the PKCE verifier and the cancel signal
//! held together in a [`PendingSignIn`], and the browser it was opened in.
//!
//! Not here: what happens with the code once it arrives (exchange, userinfo, keychain:
//! that is `session.rs`).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use oauth2::{AuthorizationCode, CsrfToken, PkceCodeVerifier};
use serde::Serialize;
use tokio::sync::Notify;

use super::Result;
use super::google::Google;
use super::loopback::Listener;

/// Opens a URL in the person's browser. The app shell supplies one (the system browser
/// through tauri-plugin-opener), the command line another (the `open` crate); settings
/// and tests may supply a program instead ([`CommandOpener`]).
pub trait Opener: Send + Sync + 'static {
    /// Opens `url`; the error says why it could not.
    fn open(&self, url: &str) -> std::result::Result<(), String>;
}

/// Opens URLs with a program: `program args... URL` (settings' `"browser"`).
#[derive(Debug, Clone)]
pub struct CommandOpener {
    argv: Vec<String>,
}

impl CommandOpener {
    /// `argv[0]` is the program; the URL is appended to the rest.
    pub fn new(argv: Vec<String>) -> Self {
        Self { argv }
    }
}

impl Opener for CommandOpener {
    fn open(&self, url: &str) -> std::result::Result<(), String> {
        let (program, args) = self.argv.split_first().ok_or("no browser program set")?;
        let mut child = std::process::Command::new(program)
            .args(args)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        // Reap it when it ends: this machine's init may not.
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        Ok(())
    }
}

/// What the waiting screen needs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SignInStarted {
    /// The authorization URL, for "Copy sign-in link" (it holds no secret: the PKCE
    /// verifier never leaves the app).
    pub url: String,
    /// Whether the browser could be opened.
    pub browser_opened: bool,
}

/// A sign-in waiting for the browser: it owns the port, the verifier and the signal
/// that cancels the wait. Dropping it closes the port.
pub struct PendingSignIn {
    google: Google,
    listener: Listener,
    verifier: PkceCodeVerifier,
    cancel: Arc<Notify>,
    url: String,
}

/// What came back from the browser, with what the token request needs.
pub struct Authorized {
    /// The endpoints the flow started with.
    pub google: Google,
    /// The one-time code.
    pub code: AuthorizationCode,
    /// The PKCE verifier of this flow.
    pub verifier: PkceCodeVerifier,
    /// The redirect URI string, identical to the one in the authorization URL.
    pub redirect_uri: String,
}

impl PendingSignIn {
    /// Binds `127.0.0.1:0` and builds the authorization URL (nothing is opened yet).
    pub async fn start(google: Google, login_hint: Option<&str>, consent: bool) -> Result<Self> {
        let state = CsrfToken::new_random();
        // Google names itself in `iss` as the authorization endpoint's origin.
        let issuer = url::Url::parse(&google.endpoints().authorization)
            .ok()
            .map(|u| u.origin().ascii_serialization());
        let listener = Listener::bind(state.clone(), issuer).await?;
        let request = google.authorization(listener.redirect_uri(), state, login_hint, consent)?;
        Ok(Self {
            google,
            listener,
            verifier: request.verifier,
            cancel: Arc::new(Notify::new()),
            url: request.url,
        })
    }

    /// The authorization URL for the browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits for the browser's reply, up to `timeout` or until cancelled; the port is
    /// closed when this returns.
    pub async fn wait(self, timeout: Duration) -> Result<Authorized> {
        let redirect_uri = self.listener.redirect_uri().to_owned();
        let cancel = self.cancel;
        let code = self
            .listener
            .wait(timeout, async move { cancel.notified().await })
            .await?;
        Ok(Authorized {
            google: self.google,
            code,
            verifier: self.verifier,
            redirect_uri,
        })
    }
}

/// The one sign-in the app may have in flight, and how to cancel it while it waits.
#[derive(Default)]
pub struct SignInSlot {
    pending: Mutex<Option<PendingSignIn>>,
    /// The cancel signal of the sign-in in the slot or being waited for.
    cancel: Mutex<Option<Arc<Notify>>>,
}

impl SignInSlot {
    /// Puts a started sign-in in the slot, cancelling any other.
    pub fn put(&self, pending: PendingSignIn) {
        self.cancel();
        *lock(&self.cancel) = Some(pending.cancel.clone());
        *lock(&self.pending) = Some(pending);
    }

    /// Takes the sign-in out to wait for it; [`SignInSlot::cancel`] still reaches it.
    pub fn take(&self) -> Option<PendingSignIn> {
        lock(&self.pending).take()
    }

    /// Ends the sign-in that is waiting, if any; its port is released.
    pub fn cancel(&self) {
        if let Some(cancel) = lock(&self.cancel).take() {
            cancel.notify_one();
        }
        // A sign-in started but not yet waited for is dropped here, closing its port.
        lock(&self.pending).take();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
