//! The app's state and what it can do, with no window attached.
//!
//! `commands.rs` holds one [`App`] as Tauri managed state and calls one method
//! per command; the command-line entry points can hold one too. Nothing here
//! imports `tauri`.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use oauth2::AccessToken;
use serde::Serialize;

use crate::auth::{self, AccountView, Auth, Opener, SignInStarted, SignedOut};
use crate::config::{self, Client, Paths};
use crate::error::Result;
use crate::gmail::{self, Gmail, Label, Page, PageQuery, Profile, RowCache};
use crate::keychain::Keychain;

/// A boxed `Send` future. The app's async operations return these: boxing where the
/// lifetimes are concrete avoids rustc's "Send is not general enough" inside Tauri's
/// command futures (rust-lang/rust#64552).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything the app holds while it runs.
#[derive(Debug)]
pub struct App {
    paths: Paths,
    auth: Auth,
    /// Rows already fetched, per account id: a refresh fetches only what is new.
    caches: std::sync::Mutex<std::collections::HashMap<String, RowCache>>,
}

/// What page of which list the window asks for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListQuery {
    /// Gmail's search syntax.
    pub q: Option<String>,
    /// Label ids, ANDed.
    pub label_ids: Vec<String>,
    /// The cursor from the previous page.
    pub page_token: Option<String>,
    /// Rows per page (50 when 0).
    pub max_results: u32,
}

/// What the welcome screen shows about the OAuth client file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ClientFileStatus {
    /// The path the app reads the client file from.
    pub path: PathBuf,
    /// The environment variable that can point elsewhere.
    pub env_var: &'static str,
    /// `"ready"`, `"missing"` or `"invalid"`.
    pub state: &'static str,
    /// When not ready: the sentence that says what is wrong and how to fix it.
    pub problem: Option<String>,
}

/// What the window needs to draw its first screen.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Startup {
    /// The app's version.
    pub version: &'static str,
    /// The system's language as a BCP 47 tag (`fr-FR`), for the window's text
    /// and dates; the web view's own idea of it does not follow the system.
    pub locale: String,
    /// The client file's state.
    pub client_file: ClientFileStatus,
}

impl App {
    /// The app over the given folders and keychain, opening the browser with `opener`.
    pub fn new(paths: Paths, keychain: Keychain, opener: Arc<dyn Opener>) -> Self {
        Self {
            auth: Auth::new(paths.clone(), keychain, opener),
            paths,
            caches: Default::default(),
        }
    }

    /// The app as configured by the environment (see `config` and `keychain`).
    pub fn from_env(opener: Arc<dyn Opener>) -> config::Result<Self> {
        Ok(Self::new(Paths::from_env()?, Keychain::from_env(), opener))
    }

    /// Sign-in and tokens.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The folders in use.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The keychain in use.
    pub fn keychain(&self) -> &Keychain {
        self.auth.keychain()
    }

    /// Checks a chosen client file and copies it into the config dir.
    pub fn import_client_file(&self, from: &Path) -> Result<ClientFileStatus> {
        config::import_client_file(&self.paths, from)?;
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
        Box::pin(async move { Ok(self.auth.start_sign_in(login_hint).await?) })
    }

    /// Waits for the browser and keeps the sign-in.
    pub fn finish_sign_in<'a>(&'a self) -> BoxFuture<'a, Result<AccountView>> {
        Box::pin(async move { Ok(self.auth.finish_sign_in().await?) })
    }

    /// Stops waiting for the browser.
    pub fn cancel_sign_in(&self) {
        self.auth.cancel_sign_in();
    }

    /// Signs out of one account (its cached rows are dropped too).
    pub fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignedOut>> {
        Box::pin(async move {
            let out = self.auth.sign_out(account_id).await?;
            self.caches
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(account_id);
            Ok(out)
        })
    }

    /// The account's Gmail profile (address and message count).
    pub fn profile<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Profile>> {
        Box::pin(self.authorized(account_id, |gmail, token| gmail.profile(&token)))
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
            crate::error::Error::from(crate::gmail::Error::Malformed {
                detail: format!("{message_id:?} is not a Gmail message id"),
            })
        })?;
        self.auth.open_in_browser(&url)?;
        Ok(url)
    }

    /// One page of the list: `messages.list`, then the metadata of the messages not seen
    /// before, in one batch. An invalid page token is reported as
    /// `invalid_page_token`: the window starts again from the first page.
    pub fn list_page<'a>(
        &'a self,
        account_id: &'a str,
        query: ListQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        let query = PageQuery {
            q: query.q,
            label_ids: query.label_ids,
            page_token: query.page_token,
            max_results: query.max_results,
        };
        let cache = self.cache(account_id);
        Box::pin(self.authorized(account_id, move |gmail, token| {
            gmail.list_page(&token, &query, &cache)
        }))
    }

    /// The account's labels, with unread counts for the sidebar's system labels.
    pub fn labels<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Vec<Label>>> {
        Box::pin(self.authorized(account_id, |gmail, token| gmail.labels(&token)))
    }

    fn cache(&self, account_id: &str) -> RowCache {
        self.caches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(account_id.to_owned())
            .or_default()
            .clone()
    }

    /// Runs a Gmail call with the account's access token; after a 401 the token is
    /// refreshed and the call made once more.
    async fn authorized<T, F, Fut>(&self, account_id: &str, call: F) -> Result<T>
    where
        F: Fn(&Gmail, AccessToken) -> Fut,
        Fut: Future<Output = gmail::Result<T>> + Send + 'static,
    {
        let gmail = self.gmail()?;
        let token = self.auth.access_token(account_id).await?;
        match call(&gmail, token.clone()).await {
            Err(gmail::Error::Unauthorized) => {
                let token = self.token_after_401(account_id, &token).await?;
                Ok(call(&gmail, token).await?)
            }
            other => Ok(other?),
        }
    }

    fn gmail(&self) -> Result<Gmail> {
        let google = self.auth.google()?;
        Ok(Gmail::new(google.http().clone(), &google.endpoints().gmail))
    }

    /// After a 401: forgets the rejected token and refreshes once.
    async fn token_after_401(
        &self,
        account_id: &str,
        rejected: &oauth2::AccessToken,
    ) -> Result<oauth2::AccessToken> {
        self.auth.forget_access_token(account_id, rejected).await;
        Ok(self.auth.access_token(account_id).await?)
    }

    /// What the first screen shows.
    pub fn startup(&self) -> Startup {
        Startup {
            version: env!("CARGO_PKG_VERSION"),
            locale: system_locale(),
            client_file: self.client_file_status(),
        }
    }

    /// Whether the client file is there and usable.
    pub fn client_file_status(&self) -> ClientFileStatus {
        let path = self.paths.client_file.clone();
        let (state, problem) = match Client::load(&path) {
            Ok(_) => ("ready", None),
            Err(e @ config::Error::ClientFileMissing { .. }) => ("missing", Some(e.to_string())),
            Err(e) => ("invalid", Some(e.to_string())),
        };
        ClientFileStatus {
            path,
            env_var: config::CLIENT_FILE_ENV,
            state,
            problem,
        }
    }
}

/// The web address of a message in Gmail, for `email`'s session in the browser.
pub fn gmail_web_url(email: &str, message_id: &str) -> Option<String> {
    if message_id.is_empty() || !message_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut url = url::Url::parse("https://mail.google.com/mail/").ok()?;
    url.query_pairs_mut().append_pair("authuser", email);
    url.set_fragment(Some(&format!("all/{message_id}")));
    Some(url.to_string())
}

/// The system locale (`LC_ALL`, `LC_MESSAGES`, `LANG` on Unix), as a BCP 47
/// tag without the encoding; `en-US` when none is set.
fn system_locale() -> String {
    sys_locale::get_locale()
        .map(|l| {
            l.split(['.', '@'])
                .next()
                .unwrap_or_default()
                .replace('_', "-")
        })
        .filter(|l| !l.is_empty() && l != "C" && l != "POSIX")
        .unwrap_or_else(|| "en-US".into())
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
