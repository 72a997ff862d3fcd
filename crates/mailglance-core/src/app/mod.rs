//! The app's state and what it can do, with no window attached.
//!
//! The shell's `commands.rs` holds one [`App`] as Tauri managed state and calls one
//! method per command; the command line holds one too. `App` owns the configuration and
//! the one HTTP client, and hands them to [`Auth`] (as [`Google`]) and to the Gmail
//! client for each call.

use std::collections::HashMap;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use oauth2::AccessToken;

use crate::auth::{
    self, AccountView, Auth, CommandOpener, Google, Opener, SignInStarted, SignedOut,
};
use crate::config::{self, Config, Paths};
use crate::error::{Error, Result};
use crate::gmail::{
    self, Budget, Gmail, Label, Meter, Page, PageQuery, Profile, RetryPolicy, Transport,
};
use crate::keychain::Keychain;

mod merged;
mod notify;
mod startup;
mod tokens;

use crate::store::{self, Store};
use crate::sync::{self, SyncReport};
pub use merged::{MergedAccount, MergedPage, MergedRow, Source};
use startup::system_locale;
pub use startup::{ClientFileStatus, Startup, gmail_web_url};
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
    /// Each account's quota allowance, shared by every call for it.
    budgets: Mutex<HashMap<String, Arc<Budget>>>,
    /// Sentences for the person about the stores (set aside, not writable).
    notices: Mutex<Vec<String>>,
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
            budgets: Mutex::default(),
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
    /// account's allowance, with the configured cost table, counting units on the app's
    /// meter.
    pub fn gmail(&self, account_id: &str) -> Result<Gmail> {
        let config = self.config();
        let endpoints = config.endpoints()?;
        let quota = config.settings()?.quota;
        let costs = gmail::Costs {
            messages_get: quota.messages_get,
        };
        let budget = self
            .budgets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(account_id.to_owned())
            .or_insert_with(|| {
                Arc::new(Budget::new(
                    quota.per_minute,
                    std::time::Duration::from_secs(quota.window_seconds),
                ))
            })
            .clone();
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
    pub fn take_notices(&self) -> Vec<String> {
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
            Err(e) => Err(Error::Store(store::Error::Sql {
                path: folder,
                detail: e.to_string(),
            })),
        }
    }

    /// The browser: settings' `"browser"` program, else the one the app was given.
    fn opener(&self) -> Result<Arc<dyn Opener>> {
        Ok(match &self.config().settings()?.browser {
            Some(argv) if self.settings_browser => Arc::new(CommandOpener::new(argv.clone())),
            _ => self.opener.clone(),
        })
    }

    /// Checks a chosen client file, copies it into the config dir and reads the
    /// configuration again.
    pub fn import_client_file(&self, from: &Path) -> Result<ClientFileStatus> {
        let paths = self.config().paths.clone();
        config::import_client_file(&paths, from)?;
        *self.config.write().unwrap_or_else(PoisonError::into_inner) =
            Arc::new(Config::load(paths));
        Ok(self.client_file_status())
    }

    /// Known accounts and whether each is signed in (no network: the silent restore).
    pub fn accounts<'a>(&'a self) -> BoxFuture<'a, Result<Vec<AccountView>>> {
        Box::pin(async move { Ok(self.auth.accounts().await?) })
    }

    /// Opens the browser on Google's consent page.
    pub fn start_sign_in<'a>(
        &'a self,
        login_hint: Option<String>,
    ) -> BoxFuture<'a, Result<SignInStarted>> {
        Box::pin(async move {
            let (google, opener) = (self.google()?, self.opener()?);
            Ok(self
                .auth
                .start_sign_in(google, opener.as_ref(), login_hint)
                .await?)
        })
    }

    /// Waits for the browser and keeps the sign-in.
    pub fn finish_sign_in<'a>(&'a self) -> BoxFuture<'a, Result<AccountView>> {
        Box::pin(async move {
            let opener = self.opener()?;
            Ok(self.auth.finish_sign_in(opener.as_ref()).await?)
        })
    }

    /// Stops waiting for the browser.
    pub fn cancel_sign_in(&self) {
        self.auth.cancel_sign_in();
    }

    /// Signs out of one account: its grant revoked, its token and its store deleted.
    pub fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignedOut>> {
        Box::pin(async move {
            let google = self.google().map_err(|e| e.to_string());
            let out = self.auth.sign_out(google, account_id).await?;
            self.stores
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(account_id);
            let data_dir = self.config().paths.data_dir.clone();
            if let Err(e) = store::delete(&data_dir, account_id) {
                tracing::warn!("the signed-out account's store could not be deleted: {e}");
            }
            Ok(out)
        })
    }

    /// An access token for the account (refreshed when close to its end).
    pub fn access_token<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move { Ok(self.auth.access_token(&self.google()?, account_id).await?) })
    }

    /// The account's Gmail profile (address and message count).
    pub fn profile<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Profile>> {
        Box::pin(async move {
            let tokens = self.tokens(account_id)?;
            self.gmail(account_id)?.profile(&tokens).await
        })
    }

    /// Opens one message in Gmail on the web, in the person's browser, signed in as the
    /// account (`authuser`). Only ids made of letters and digits are accepted: the window
    /// cannot use this to open anything else.
    pub fn open_message(&self, account_id: &str, message_id: &str) -> Result<String> {
        let email = self
            .auth
            .email_of(account_id)
            .ok_or_else(|| auth::Error::UnknownAccount {
                id: account_id.to_owned(),
            })?;
        let url = gmail_web_url(&email, message_id).ok_or_else(|| {
            Error::from(gmail::Error::Malformed {
                detail: format!("{message_id:?} is not a Gmail message id"),
            })
        })?;
        self.opener()?
            .open(&url)
            .map_err(|detail| auth::Error::BrowserFailed { detail })?;
        Ok(url)
    }

    /// One page of the list: `messages.list` for the ids, rows from the store, and only
    /// messages never seen fetched. With Google unreachable, the page comes from the
    /// store, with [`Page::as_of_ms`] saying when it was current. An invalid page token
    /// is reported as `invalid_page_token`: the window starts again from the first page.
    pub fn list_page<'a>(
        &'a self,
        account_id: &'a str,
        query: PageQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move {
            let store = self.store(account_id);
            // A cursor from a stored page goes on through the store.
            if query
                .page_token
                .as_deref()
                .is_some_and(|t| t.starts_with("stored:"))
            {
                return sync::stored_page(&store, &query).await;
            }
            let online = async {
                let (tokens, gmail) = (self.tokens(account_id)?, self.gmail(account_id)?);
                sync::begin_history(&gmail, &tokens, &store).await?;
                let mut page = sync::page(&gmail, &tokens, &store, &query).await?;
                // Gmail's answer to a search: which rows only Gmail found. A query this
                // computer cannot parse marks none (Gmail's answer stands).
                if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
                    page.only_gmail = sync::only_gmail(&store, q, &page).await.unwrap_or_default();
                }
                Ok::<_, Error>(page)
            };
            match online.await {
                Err(e) if e.kind() == "offline" => {
                    let mut page = sync::stored_page(&store, &query).await?;
                    page.as_of_ms = Some(page.as_of_ms.unwrap_or_default());
                    Ok(page)
                }
                other => other,
            }
        })
    }

    /// The first page of a list as the store has it, with no network at all: what a
    /// launch paints first, and `mailglance list --offline`.
    pub fn stored_page<'a>(
        &'a self,
        account_id: &'a str,
        query: PageQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { sync::stored_page(&self.store(account_id), &query).await })
    }

    /// The account's labels, with unread counts for the sidebar's system labels; kept,
    /// and offline the kept ones.
    pub fn labels<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Vec<Label>>> {
        Box::pin(async move {
            let store = self.store(account_id);
            let online = async {
                let tokens = self.tokens(account_id)?;
                sync::labels(&self.gmail(account_id)?, &tokens, &store).await
            };
            match online.await {
                Err(e) if e.kind() == "offline" => {
                    let kept = store.call(|c| store::labels_all(c)).await?;
                    if kept.is_empty() { Err(e) } else { Ok(kept) }
                }
                other => other,
            }
        })
    }

    /// Search on this computer alone (no network): the newest stored messages matching
    /// `query`, whatever Gmail answered before; the window's results while typing.
    pub fn search_here<'a>(
        &'a self,
        account_id: &'a str,
        query: PageQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { sync::search_here(&self.store(account_id), &query).await })
    }

    /// The labels as the store has them (no network).
    pub fn stored_labels<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Vec<Label>>> {
        Box::pin(async move {
            Ok(self
                .store(account_id)
                .call(|c| store::labels_all(c))
                .await?)
        })
    }

    /// Brings the account's store up to date with `history.list`.
    pub fn sync<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SyncReport>> {
        Box::pin(async move {
            let tokens = self.tokens(account_id)?;
            sync::sync(&self.gmail(account_id)?, &tokens, &self.store(account_id)).await
        })
    }

    fn tokens<'a>(&'a self, account_id: &'a str) -> Result<AccountTokens<'a>> {
        Ok(AccountTokens {
            auth: &self.auth,
            google: self.google()?,
            account_id,
        })
    }

    /// What the first screen shows.
    pub fn startup(&self) -> Startup {
        Startup {
            version: env!("CARGO_PKG_VERSION"),
            locale: system_locale(),
            client_file: self.client_file_status(),
            custom_endpoints: self.custom_endpoints(),
        }
    }

    /// The endpoints in use that are not Google's, by name.
    pub fn custom_endpoints(&self) -> Vec<(&'static str, String)> {
        let config = self.config();
        let client = config.client().ok();
        config
            .settings()
            .map(|s| s.custom_endpoints(client))
            .unwrap_or_default()
    }

    /// Whether the client file is there and usable.
    pub fn client_file_status(&self) -> ClientFileStatus {
        let config = self.config();
        let (state, problem) = match config.client() {
            Ok(_) => ("ready", None),
            Err(e @ config::Error::ClientFileMissing { .. }) => ("missing", Some(e.to_string())),
            Err(e) => ("invalid", Some(e.to_string())),
        };
        ClientFileStatus {
            path: config.paths.client_file.clone(),
            env_var: config::CLIENT_FILE_ENV,
            state,
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_in(dir: &std::path::Path) -> App {
        let paths = Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
            client_file: dir.join("config").join("client_secret.json"),
        };
        App::new(
            paths,
            Keychain::new("Mailglance unit tests"),
            Arc::new(crate::auth::CommandOpener::new(vec!["true".into()])),
        )
        .unwrap()
    }

    #[test]
    fn a_message_opens_in_gmail_for_its_account_and_odd_ids_are_refused() {
        assert_eq!(
            gmail_web_url("ana.kowalska@example.com", "18c2f0a9b1d4e7f3").unwrap(),
            "https://mail.google.com/mail/?authuser=ana.kowalska%40example.com#all/18c2f0a9b1d4e7f3"
        );
        assert_eq!(gmail_web_url("ana@example.com", "x/../../evil"), None);
        assert_eq!(gmail_web_url("ana@example.com", ""), None);
    }

    #[test]
    fn startup_reports_a_missing_client_file_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let s = app_in(dir.path()).startup();
        assert_eq!(s.client_file.state, "missing");
        assert!(s.client_file.path.ends_with("config/client_secret.json"));
        assert!(s.client_file.problem.unwrap().contains("Desktop app"));
    }

    #[test]
    fn startup_reports_a_broken_client_file_as_invalid() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/client_secret.json"), "not json").unwrap();
        let s = app_in(dir.path()).startup();
        assert_eq!(s.client_file.state, "invalid");
        assert!(s.client_file.problem.unwrap().contains("not valid JSON"));
    }
}
