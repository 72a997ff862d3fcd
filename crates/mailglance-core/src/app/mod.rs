//! The app's state and what it can do, with no window attached.
//!
//! The shell's `commands.rs` holds one [`App`] as Tauri managed state and calls one
//! method per command; the command line holds one too. `App` owns the configuration and
//! the one HTTP client, and hands them to [`Auth`] (as [`Google`]) and to the Gmail
//! client for each call.
//!
//! Here: what `App` holds and hands out (the configuration, Gmail for an account, an
//! account's store). What it does, by concern: `accounts` (sign-in and out), `mail` (one
//! account's list, labels and sync), `merged` (All inboxes), `notify` (notification
//! settings), `read` (opening a message, kept after), `startup` (the first screen and the
//! client file).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::auth::{Auth, CommandOpener, Google, Opener};
use crate::config::{Config, Paths};
use crate::error::{Error, Result};
use crate::gmail::{self, Budget, Gmail, Meter, RetryPolicy, Transport, Waits};
use crate::keychain::Keychain;

mod accounts;
mod mail;
mod merged;
mod notify;
mod read;
mod startup;
mod tokens;

use crate::store::{self, Store};
pub use mail::{InboxUnread, gmail_web_url};
pub use merged::{MergedAccount, MergedPage, MergedRow, Source};
pub use read::{Opened, Saved};
pub use startup::{ClientFileStatus, Startup};
use tokens::AccountTokens;

/// A boxed `Send` future. The app's async operations return these: boxing where the
/// lifetimes are concrete avoids rustc's "Send is not general enough" inside Tauri's
/// command futures (rust-lang/rust#64552).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything the app holds while it runs: the configuration (read once, again after a
/// client file is imported), one HTTP client for every call to Google, sign-in and
/// tokens, and each account's store and quota allowance.
pub struct App {
    config: RwLock<Arc<Config>>,
    http: reqwest::Client,
    auth: Auth,
    opener: Arc<dyn Opener>,
    /// Whether settings' `"browser"` program replaces `opener`.
    settings_browser: bool,
    /// Quota units spent by this process, over every account.
    meter: Meter,
    /// Each account's store, opened on first use.
    stores: Mutex<HashMap<String, Store>>,
    /// Accounts whose calls wait for quota now (their ledgers are in their stores).
    waits: Waits,
    /// One sync at a time per account in this process (`sync_lock` adds the others).
    syncs: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Sentences for the person about the stores (set aside, not writable).
    notices: Mutex<Vec<store::Notice>>,
    /// Another retry policy than Google's guide (tests).
    retry: Option<RetryPolicy>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config())
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The app over the given folders and keychain, opening the browser with `opener`
    /// (settings' `"browser"` program wins when set).
    pub fn new(paths: Paths, keychain: Keychain, opener: Arc<dyn Opener>) -> Result<Self> {
        Ok(Self {
            auth: Auth::new(&paths.data_dir, keychain),
            config: RwLock::new(Arc::new(Config::load(paths))),
            http: Google::http_client()?,
            opener,
            settings_browser: true,
            meter: Meter::default(),
            stores: Mutex::default(),
            waits: Waits::default(),
            syncs: Mutex::default(),
            notices: Mutex::default(),
            retry: None,
        })
    }

    /// The app as configured by the environment (see `config` and `keychain`).
    pub fn from_env(opener: Arc<dyn Opener>) -> Result<Self> {
        Self::new(Paths::from_env()?, Keychain::from_env(), opener)
    }

    /// The same, with another time limit for the browser's reply (tests).
    pub fn with_sign_in_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.auth = self.auth.with_timeout(timeout);
        self
    }

    /// The same, opening URLs only with the opener given, whatever settings say
    /// (`mailglance login --no-browser`).
    pub fn without_settings_browser(mut self) -> Self {
        self.settings_browser = false;
        self
    }

    /// The same, retrying Gmail calls with `retry` (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The keychain in use.
    pub fn keychain(&self) -> &Keychain {
        self.auth.keychain()
    }

    /// Quota units this process has spent on Gmail calls.
    pub fn units_spent(&self) -> u64 {
        self.meter.units()
    }

    /// Accounts whose Gmail calls wait for quota now: the window's "Waiting for Gmail's
    /// quota" line, the command line's note on stderr.
    pub fn quota_waits(&self) -> &Waits {
        &self.waits
    }

    /// Google's OAuth endpoints for the configured client.
    pub fn google(&self) -> Result<Google> {
        let config = self.config();
        Ok(Google::new(
            config.client()?.clone(),
            config.endpoints()?,
            self.http.clone(),
        ))
    }

    /// The Gmail API at the configured endpoint for one account: paced within the
    /// account's allowance, kept in its store so every process on this computer counts
    /// against the same minute, with the configured cost table, counting units on the
    /// app's meter.
    pub fn gmail(&self, account_id: &str) -> Result<Gmail> {
        let config = self.config();
        let endpoints = config.endpoints()?;
        let quota = config.settings()?.quota;
        let costs = gmail::Costs {
            messages_get: quota.messages_get,
        };
        let budget = Arc::new(
            Budget::new(
                quota.per_minute,
                std::time::Duration::from_secs(quota.window_seconds),
            )
            .with_ledger(Arc::new(self.store(account_id)))
            .with_max_wait(std::time::Duration::from_secs(quota.max_wait_seconds))
            .with_waits(self.waits.clone(), account_id),
        );
        let mut transport = Transport::new(self.http.clone(), &endpoints.gmail)
            .with_costs(costs, self.meter.clone())
            .with_budget(budget);
        if let Some(retry) = self.retry {
            transport = transport.with_retry(retry);
        }
        Ok(Gmail::over(transport))
    }

    /// The account's store, opened (or rebuilt) on first use.
    pub fn store(&self, account_id: &str) -> Store {
        let mut stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = stores.get(account_id) {
            return s.clone();
        }
        let opened = Store::open(&self.config().paths.data_dir, account_id);
        if let Some(notice) = opened.notice {
            self.notices
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(notice);
        }
        stores.insert(account_id.to_owned(), opened.store.clone());
        opened.store
    }

    /// What the person should be told about the stores since the last call, once each.
    pub fn take_notices(&self) -> Vec<store::Notice> {
        let mut notices =
            std::mem::take(&mut *self.notices.lock().unwrap_or_else(PoisonError::into_inner));
        let stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        notices.extend(stores.values().filter_map(Store::take_notice));
        notices
    }

    /// Deletes the mail stored on this computer for every account; the sign-ins stay.
    pub fn forget_stored_mail(&self) -> Result<()> {
        let mut stores = self.stores.lock().unwrap_or_else(PoisonError::into_inner);
        stores.clear();
        let folder = store::folder(&self.config().paths.data_dir);
        match std::fs::remove_dir_all(&folder) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::Store(store::Error::Remove {
                path: folder,
                detail: e.to_string(),
            })),
        }
    }

    /// Waits for the account's sync to be this one's alone: first in this process, then
    /// across processes (`store::lock`). Held while the returned guards live.
    async fn sync_lock(
        &self,
        account_id: &str,
    ) -> (tokio::sync::OwnedMutexGuard<()>, store::lock::SyncLock) {
        let mine = self
            .syncs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(account_id.to_owned())
            .or_default()
            .clone();
        let guard = mine.lock_owned().await;
        let data_dir = self.config().paths.data_dir.clone();
        (guard, store::lock::sync_lock(&data_dir, account_id).await)
    }

    /// The browser: settings' `"browser"` program, else the one the app was given.
    fn opener(&self) -> Result<Arc<dyn Opener>> {
        Ok(match &self.config().settings()?.browser {
            Some(argv) if self.settings_browser => Arc::new(CommandOpener::new(argv.clone())),
            _ => self.opener.clone(),
        })
    }

    fn tokens<'a>(&'a self, account_id: &'a str) -> Result<AccountTokens<'a>> {
        Ok(AccountTokens {
            auth: &self.auth,
            google: self.google()?,
            account_id,
        })
    }
}
