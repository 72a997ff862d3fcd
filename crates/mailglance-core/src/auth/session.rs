//! [`Auth`]: the sign-in flow from start to stored token, access tokens, restore at
//! launch, and sign-out: the desktop form of the seed's `get_credentials`.
//!
//! Not here: the listener and the pending flow (`sign_in.rs`), the tokens held in memory
//! (`tokens.rs`), Google's endpoints (`google.rs`), the accounts file (`accounts.rs`).

use std::path::Path;
use std::time::Duration;

use oauth2::{AccessToken, RefreshToken};
use serde::Serialize;

use super::accounts::{Account, AccountStore};
use super::google::{Google, UserInfo};
use super::loopback;
use super::sign_in::{Opener, PendingSignIn, SignInSlot, SignInStarted};
use super::tokens::AccessTokens;
use super::{Error, Result};
use crate::keychain::Keychain;

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

/// Signing in, tokens and accounts. One per app. It reads no configuration: the caller
/// hands it Google's endpoints ([`Google`]) and the browser ([`Opener`]) for each call.
pub struct Auth {
    keychain: Keychain,
    accounts: AccountStore,
    timeout: Duration,
    tokens: AccessTokens,
    sign_in: SignInSlot,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("accounts", &self.accounts.path())
            .field("keychain", &self.keychain)
            .finish_non_exhaustive()
    }
}

/// Runs a blocking keychain call off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    joined(tokio::task::spawn_blocking(f)).await
}

/// What a blocking call started with `spawn_blocking` gave; its panic goes on here.
async fn joined<T>(task: tokio::task::JoinHandle<T>) -> T {
    match task.await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl Auth {
    /// Auth over the accounts file in `data_dir` and the keychain.
    pub fn new(data_dir: &Path, keychain: Keychain) -> Self {
        Self {
            accounts: AccountStore::new(data_dir),
            keychain,
            timeout: loopback::DEFAULT_TIMEOUT,
            tokens: AccessTokens::default(),
            sign_in: SignInSlot::default(),
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
    /// The keychain is asked about every account at once: each lookup is a round trip
    /// to the Secret Service, and All inboxes asks on every page.
    pub async fn accounts(&self) -> Result<Vec<AccountView>> {
        let accounts = self.accounts.load()?;
        let lookups: Vec<_> = accounts
            .iter()
            .map(|a| {
                let (keychain, id) = (self.keychain.clone(), a.id.clone());
                tokio::task::spawn_blocking(move || keychain.get(&id))
            })
            .collect();
        let mut out = Vec::new();
        for (account, lookup) in accounts.iter().zip(lookups) {
            let state = match joined(lookup).await? {
                Some(_) => AccountState::SignedIn,
                None => AccountState::SignInAgain,
            };
            out.push(view(account, state));
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

    /// Starts a sign-in: opens the port, then `opener` on Google's consent page.
    /// `login_hint` pre-fills a known account (for "sign in again"). Any sign-in still
    /// waiting is cancelled first.
    pub async fn start_sign_in(
        &self,
        google: Google,
        opener: &dyn Opener,
        login_hint: Option<String>,
    ) -> Result<SignInStarted> {
        self.cancel_sign_in();
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
        self.begin(google, opener, login_hint.as_deref(), consent)
            .await
    }

    async fn begin(
        &self,
        google: Google,
        opener: &dyn Opener,
        login_hint: Option<&str>,
        consent: bool,
    ) -> Result<SignInStarted> {
        let pending = PendingSignIn::start(google, login_hint, consent).await?;
        let url = pending.url().to_owned();
        let browser_opened = match opener.open(&url) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("the browser could not be opened: {e}");
                false
            }
        };
        self.sign_in.put(pending);
        Ok(SignInStarted {
            url,
            browser_opened,
        })
    }

    /// Ends the sign-in that is waiting, if any; its port is released.
    pub fn cancel_sign_in(&self) {
        self.sign_in.cancel();
    }

    /// Waits for the browser, exchanges the code, learns who signed in and keeps the
    /// refresh token. Returns the account, signed in.
    pub async fn finish_sign_in(&self, opener: &dyn Opener) -> Result<AccountView> {
        let mut pending = self.sign_in.take().ok_or(Error::NoSignInInProgress)?;
        let mut asked_again = false;
        loop {
            let reply = pending.wait(self.timeout).await?;
            let google = reply.google;
            let tokens = google
                .exchange(reply.code, reply.verifier, &reply.redirect_uri)
                .await?;
            if !tokens.can_read_mail() {
                // Nothing kept: a grant without Gmail is no sign-in for Mailglance.
                return Err(Error::ScopeNotGranted);
            }
            let user = google.userinfo(&tokens.access).await?;
            let mut issued_ms = None;
            let refresh = match tokens.refresh {
                Some(new) => {
                    self.store_token(&user.id, new).await?;
                    issued_ms = Some(now_ms());
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
                self.begin(google, opener, Some(&user.email), true).await?;
                pending = self.sign_in.take().ok_or(Error::Cancelled)?;
                continue;
            }
            let account = self.remember(&user, issued_ms)?;
            self.tokens
                .lock(&account.id)
                .await
                .keep(tokens.access, tokens.expires_in);
            return Ok(view(&account, AccountState::SignedIn));
        }
    }

    /// Keeps the account, with the time its refresh token was issued (the one before
    /// when no new token came).
    fn remember(&self, user: &UserInfo, issued_ms: Option<i64>) -> Result<Account> {
        let before = self.accounts.load()?.into_iter().find(|a| a.id == user.id);
        let account = Account {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            token_issued_ms: issued_ms.or(before.and_then(|a| a.token_issued_ms)),
        };
        self.accounts.upsert(&account)?;
        Ok(account)
    }

    /// An access token for the account: the one in memory while it has more than
    /// [`super::tokens::REFRESH_MARGIN`] to live, else a fresh one from the stored refresh
    /// token. `invalid_grant` deletes the stored token and gives [`Error::SignInAgain`].
    pub async fn access_token(&self, google: &Google, id: &str) -> Result<AccessToken> {
        let account = self.account(id)?;
        // This account's lock, held across the refresh: its parallel callers wait for one
        // refresh; other accounts do not wait at all.
        let mut held = self.tokens.lock(id).await;
        if let Some(token) = held.fresh() {
            return Ok(token);
        }
        let Some(refresh) = self.stored_token(id).await? else {
            held.forget();
            return Err(Error::SignInAgain {
                email: account.email,
                reason: "no sign-in for it is kept in this computer's keychain".into(),
            });
        };
        let tokens = match google.refresh(&refresh).await {
            Ok(t) => t,
            Err(Error::InvalidGrant { .. }) => {
                tracing::info!(account = %account.email, "the grant has ended; sign in again");
                held.forget();
                self.delete_token(id).await?;
                return Err(Error::SignInAgain {
                    email: account.email,
                    reason: why_ended(account.token_issued_ms, now_ms()),
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
        held.keep(tokens.access.clone(), tokens.expires_in);
        Ok(tokens.access)
    }

    /// Drops the account's access token from memory after a 401, so the next
    /// [`Auth::access_token`] refreshes. A token other than `rejected` (one refreshed in
    /// the meantime) is kept.
    pub async fn forget_access_token(&self, id: &str, rejected: &AccessToken) {
        self.tokens.forget_if(id, rejected).await;
    }

    /// Signs out of one account: revokes the grant at Google, deletes the keychain entry
    /// and forgets the account. Offline, or with Google's endpoints not configured, the
    /// local sign-in is still deleted and [`SignedOut::problem`] says the revocation
    /// could not be sent.
    pub async fn sign_out(
        &self,
        google: std::result::Result<Google, String>,
        id: &str,
    ) -> Result<SignedOut> {
        let account = self.account(id)?;
        let stored = self.stored_token(id).await?;
        let (revoked, problem) = match (stored, google) {
            (None, _) => (true, None),
            (Some(token), Ok(google)) => match google.revoke(&token).await {
                Ok(()) => (true, None),
                Err(e) => (false, Some(e.to_string())),
            },
            (Some(_), Err(e)) => (false, Some(e)),
        };
        self.delete_token(id).await?;
        self.tokens.forget(id).await;
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

/// The likely reason Google ended a grant (its `invalid_grant` does not say): 7 days
/// after it was issued is the Testing-mode limit of an OAuth client that was never
/// published; otherwise it was revoked, the password changed, or it lay unused.
pub fn why_ended(issued_ms: Option<i64>, now_ms: i64) -> String {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    match issued_ms.map(|t| now_ms.saturating_sub(t) / DAY_MS) {
        Some(days) if days >= 7 => format!(
            "it was {days} days old, and Google ends sign-ins after 7 days while the OAuth \
             client is in Testing: publish the app on the OAuth consent screen in the Google \
             Cloud console to keep them"
        ),
        _ => "it was revoked at myaccount.google.com/permissions, the password was changed, \
              or it went unused for 6 months"
            .into(),
    }
}

use crate::clock::now_ms;
