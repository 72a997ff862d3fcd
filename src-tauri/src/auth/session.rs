//! The sign-in flow from start to stored token, access tokens in memory, restore at
//! launch, and sign-out: the desktop form of the seed's `get_credentials`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oauth2::{AccessToken, CsrfToken, PkceCodeVerifier, RefreshToken};
use serde::Serialize;
use tokio::sync::Notify;

use super::accounts::{Account, AccountStore};
use super::google::{Google, UserInfo};
use super::loopback::{self, Listener};
use super::{Error, Result};
use crate::config::{Client, Paths, Settings};
use crate::keychain::Keychain;

/// Access tokens are renewed this long before they run out.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Used when a token reply says nothing of its lifetime.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Opens a URL in the person's browser. The app shell supplies one (the system browser
/// through tauri-plugin-opener); settings and tests may supply a program instead.
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

/// Whether an account can be used now.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// A refresh token is stored.
    SignedIn,
    /// The grant ended: the person must sign in again (with this account pre-filled).
    SignInAgain,
}

/// An account as the window sees it: nothing secret.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// Google's account id.
    pub id: String,
    /// The e-mail address.
    pub email: String,
    /// The display name.
    pub name: Option<String>,
    /// Signed in, or asked to sign in again.
    pub state: AccountState,
}

/// What signing out did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SignedOut {
    /// The e-mail address signed out.
    pub email: String,
    /// Whether Google confirmed the revocation; when not, the local sign-in is deleted
    /// all the same and `problem` says why the revocation could not be sent.
    pub revoked: bool,
    /// Why the revocation failed.
    pub problem: Option<String>,
}

struct Cached {
    token: AccessToken,
    expires: Instant,
}

struct Pending {
    google: Google,
    listener: Listener,
    verifier: PkceCodeVerifier,
    cancel: Arc<Notify>,
}

/// Signing in, tokens and accounts. One per app; cheap to share behind an `Arc`.
pub struct Auth {
    paths: Paths,
    keychain: Keychain,
    accounts: AccountStore,
    opener: Arc<dyn Opener>,
    timeout: Duration,
    access: tokio::sync::Mutex<HashMap<String, Cached>>,
    /// One HTTP client for every call, so connections to Google are reused.
    http: std::sync::OnceLock<reqwest::Client>,
    pending: Mutex<Option<Pending>>,
    cancel: Mutex<Option<Arc<Notify>>>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("paths", &self.paths)
            .field("keychain", &self.keychain)
            .finish_non_exhaustive()
    }
}

/// Runs a blocking keychain call off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl Auth {
    /// Auth over these folders and keychain, opening the browser with `opener` (settings'
    /// `"browser"` program wins when set).
    pub fn new(paths: Paths, keychain: Keychain, opener: Arc<dyn Opener>) -> Self {
        Self {
            accounts: AccountStore::new(&paths.data_dir),
            paths,
            keychain,
            opener,
            timeout: loopback::DEFAULT_TIMEOUT,
            access: tokio::sync::Mutex::new(HashMap::new()),
            http: std::sync::OnceLock::new(),
            pending: Mutex::new(None),
            cancel: Mutex::new(None),
        }
    }

    /// The same, with another time limit for the browser's reply (tests).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The keychain in use.
    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// Google's endpoints as configured now (the client file may be imported at any time).
    pub fn google(&self) -> Result<Google> {
        let client = Client::load(&self.paths.client_file)?;
        let settings = Settings::load(&self.paths.settings_file())?;
        let endpoints = settings.endpoints_for(&client);
        let http = match self.http.get() {
            Some(http) => http.clone(),
            None => {
                let built = Google::http_client()?;
                self.http.get_or_init(|| built).clone()
            }
        };
        Ok(Google::new(client, endpoints, http))
    }

    /// Opens `url` in the person's browser (settings' `"browser"`, else the system's).
    pub fn open_in_browser(&self, url: &str) -> Result<()> {
        self.opener()?
            .open(url)
            .map_err(|detail| Error::BrowserFailed { detail })
    }

    fn opener(&self) -> Result<Arc<dyn Opener>> {
        let settings = Settings::load(&self.paths.settings_file())?;
        Ok(match settings.browser {
            Some(argv) => Arc::new(CommandOpener::new(argv)),
            None => self.opener.clone(),
        })
    }

    async fn stored_token(&self, id: &str) -> Result<Option<RefreshToken>> {
        let (keychain, id) = (self.keychain.clone(), id.to_owned());
        Ok(blocking(move || keychain.get(&id)).await?)
    }

    async fn store_token(&self, id: &str, token: RefreshToken) -> Result<()> {
        let (keychain, id) = (self.keychain.clone(), id.to_owned());
        Ok(blocking(move || keychain.set(&id, &token)).await?)
    }

    async fn delete_token(&self, id: &str) -> Result<()> {
        let (keychain, id) = (self.keychain.clone(), id.to_owned());
        Ok(blocking(move || keychain.delete(&id)).await?)
    }

    /// Every known account and whether it is usable, from the accounts file and the
    /// keychain alone: no network, no browser (the silent restore at launch).
    pub async fn accounts(&self) -> Result<Vec<AccountView>> {
        let mut out = Vec::new();
        for account in self.accounts.load()? {
            let state = match self.stored_token(&account.id).await? {
                Some(_) => AccountState::SignedIn,
                None => AccountState::SignInAgain,
            };
            out.push(view(&account, state));
        }
        Ok(out)
    }

    /// The e-mail address of a known account.
    pub fn email_of(&self, id: &str) -> Option<String> {
        self.account(id).ok().map(|a| a.email)
    }

    fn account(&self, id: &str) -> Result<Account> {
        self.accounts
            .load()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::UnknownAccount { id: id.to_owned() })
    }

    /// Starts a sign-in: opens the port, then the browser on Google's consent page.
    /// `login_hint` pre-fills a known account (for "sign in again"). Any sign-in still
    /// waiting is cancelled first.
    pub async fn start_sign_in(&self, login_hint: Option<String>) -> Result<SignInStarted> {
        self.cancel_sign_in();
        let google = self.google()?;
        // Consent is skipped only when re-authorising an account whose refresh token we hold.
        let known = login_hint.as_deref().and_then(|hint| {
            self.accounts
                .load()
                .ok()?
                .into_iter()
                .find(|a| a.email.eq_ignore_ascii_case(hint))
        });
        let consent = match &known {
            Some(a) => self.stored_token(&a.id).await?.is_none(),
            None => true,
        };
        self.begin(google, login_hint.as_deref(), consent).await
    }

    async fn begin(
        &self,
        google: Google,
        login_hint: Option<&str>,
        consent: bool,
    ) -> Result<SignInStarted> {
        let state = CsrfToken::new_random();
        let listener = Listener::bind(state.clone()).await?;
        let request = google.authorization(listener.redirect_uri(), state, login_hint, consent)?;
        let browser_opened = match self.opener()?.open(&request.url) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("the browser could not be opened: {e}");
                false
            }
        };
        let cancel = Arc::new(Notify::new());
        *self.cancel.lock().unwrap_or_else(|p| p.into_inner()) = Some(cancel.clone());
        *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(Pending {
            google,
            listener,
            verifier: request.verifier,
            cancel,
        });
        Ok(SignInStarted {
            url: request.url,
            browser_opened,
        })
    }

    /// Ends the sign-in that is waiting, if any; its port is released.
    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = self.cancel.lock().unwrap_or_else(|p| p.into_inner()).take() {
            cancel.notify_one();
        }
        // A sign-in started but not yet waited for is dropped here, closing its port.
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    /// Waits for the browser, exchanges the code, learns who signed in and keeps the
    /// refresh token. Returns the account, signed in.
    pub async fn finish_sign_in(&self) -> Result<AccountView> {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or(Error::NoSignInInProgress)?;
        let mut asked_again = false;
        loop {
            let Pending {
                google,
                listener,
                verifier,
                cancel,
            } = pending;
            let redirect_uri = listener.redirect_uri().to_owned();
            let code = listener
                .wait(self.timeout, async move { cancel.notified().await })
                .await?;
            let tokens = google.exchange(code, verifier, &redirect_uri).await?;
            let user = google.userinfo(&tokens.access).await?;
            let refresh = match tokens.refresh {
                Some(new) => {
                    self.store_token(&user.id, new).await?;
                    true
                }
                None => self.stored_token(&user.id).await?.is_some(),
            };
            if !refresh {
                if asked_again {
                    return Err(Error::NoRefreshToken { email: user.email });
                }
                // Google hands out a refresh token with a consent it shows: ask again, once.
                asked_again = true;
                tracing::info!("no refresh token came back; asking for consent again");
                self.begin(google, Some(&user.email), true).await?;
                pending = self
                    .pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
                    .ok_or(Error::Cancelled)?;
                continue;
            }
            let account = self.remember(&user)?;
            self.access.lock().await.insert(
                account.id.clone(),
                Cached {
                    token: tokens.access,
                    expires: Instant::now() + tokens.expires_in.unwrap_or(DEFAULT_LIFETIME),
                },
            );
            return Ok(view(&account, AccountState::SignedIn));
        }
    }

    fn remember(&self, user: &UserInfo) -> Result<Account> {
        let account = Account {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
        };
        self.accounts.upsert(&account)?;
        Ok(account)
    }

    /// An access token for the account: the one in memory while it has more than
    /// [`REFRESH_MARGIN`] to live, else a fresh one from the stored refresh token.
    /// `invalid_grant` deletes the stored token and gives [`Error::SignInAgain`].
    pub async fn access_token(&self, id: &str) -> Result<AccessToken> {
        let account = self.account(id)?;
        // Held across the refresh, so parallel callers wait for one refresh.
        let mut cache = self.access.lock().await;
        if let Some(c) = cache.get(id)
            && c.expires > Instant::now() + REFRESH_MARGIN
        {
            return Ok(c.token.clone());
        }
        let Some(refresh) = self.stored_token(id).await? else {
            cache.remove(id);
            return Err(Error::SignInAgain {
                email: account.email,
            });
        };
        let google = self.google()?;
        let tokens = match google.refresh(&refresh).await {
            Ok(t) => t,
            Err(Error::InvalidGrant { .. }) => {
                tracing::info!(account = %account.email, "the grant has ended; sign in again");
                cache.remove(id);
                self.delete_token(id).await?;
                return Err(Error::SignInAgain {
                    email: account.email,
                });
            }
            Err(e) => return Err(e),
        };
        // Google usually leaves the refresh token out of a refresh reply: keep ours then.
        if let Some(new) = tokens.refresh
            && new.secret() != refresh.secret()
        {
            self.store_token(id, new).await?;
        }
        cache.insert(
            id.to_owned(),
            Cached {
                token: tokens.access.clone(),
                expires: Instant::now() + tokens.expires_in.unwrap_or(DEFAULT_LIFETIME),
            },
        );
        Ok(tokens.access)
    }

    /// Drops the account's access token from memory after a 401, so the next
    /// [`Auth::access_token`] refreshes. A token other than `rejected` (one refreshed in
    /// the meantime) is kept.
    pub async fn forget_access_token(&self, id: &str, rejected: &AccessToken) {
        let mut cache = self.access.lock().await;
        if cache
            .get(id)
            .is_some_and(|c| c.token.secret() == rejected.secret())
        {
            cache.remove(id);
        }
    }

    /// Signs out of one account: revokes the grant at Google, deletes the keychain entry
    /// and forgets the account. Offline, the local sign-in is still deleted and
    /// [`SignedOut::problem`] says the revocation could not be sent.
    pub async fn sign_out(&self, id: &str) -> Result<SignedOut> {
        let account = self.account(id)?;
        let stored = self.stored_token(id).await?;
        let (revoked, problem) = match (stored, self.google()) {
            (None, _) => (true, None),
            (Some(token), Ok(google)) => match google.revoke(&token).await {
                Ok(()) => (true, None),
                Err(e) => (false, Some(e.to_string())),
            },
            (Some(_), Err(e)) => (false, Some(e.to_string())),
        };
        self.delete_token(id).await?;
        self.access.lock().await.remove(id);
        self.accounts.remove(id)?;
        Ok(SignedOut {
            email: account.email,
            revoked,
            problem,
        })
    }
}

fn view(account: &Account, state: AccountState) -> AccountView {
    AccountView {
        id: account.id.clone(),
        email: account.email.clone(),
        name: account.name.clone(),
        state,
    }
}
