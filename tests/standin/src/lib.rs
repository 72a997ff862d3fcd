//! A faithful local stand-in for Google's OAuth 2.0 endpoints and the Gmail API v1 subset
//! Mailglance uses, serving a generated demo mailbox on `127.0.0.1`.
//!
//! What it is for: every test and the demo reach "Google" through configuration only (the
//! client file and the endpoint URLs), and a client that passes against this server should
//! work against Google. What it is not: a mail server, or a complete Gmail API (only
//! getProfile, labels.list/get, messages.list/get, history.list and batch).
//!
//! Quota is charged in Google's units by the model chosen in [`Options::quota_model`] (the
//! new one by default, docs/spec/GOOGLE-API.md section 5); a per-user limit is enforced
//! only when set.
//! Tests change the mailbox while the app runs through [`StandIn::mailbox_control`]: each
//! change appends to the account's history log, which `history.list` serves.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mailglance_standin::Error> {
//! use mailglance_standin::{AutoApprove, Endpoint, Options, StandIn};
//! let standin = StandIn::start(Options {
//!     seed: 7,
//!     auto_approve: AutoApprove::As("ana.kowalska@example.com".into()),
//!     ..Default::default()
//! })
//! .await?;
//! standin.faults().fail_next(Endpoint::MessagesList, 1, 503);
//! println!("{}", standin.settings_json());
//! standin.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Paths (all on `base_url()`): `/o/oauth2/v2/auth` (and `/o/oauth2/auth`), the consent
//! form's `/o/oauth2/v2/auth/consent`, `/token`, `/revoke`, `/v1/userinfo`,
//! `/oauth2/v2/userinfo`, `/.well-known/openid-configuration`, `/oauth2/v3/certs` (empty: the
//! id_token is HS256 with the client secret), `/gmail/v1/users/{userId}/...`, `/batch`,
//! `/batch/gmail/v1`, and the control endpoints `/_standin/faults` (POST a
//! [`FaultCommand`] or an array of them), `/_standin/mailbox` (POST a [`MailboxCommand`] or
//! an array of them), `/_standin/auto-approve` (POST an [`AutoApprove`]),
//! `/_standin/requests` and `/_standin/units` (GET).

#![deny(unsafe_code)]

mod batch;
mod browse;
mod changes;
mod consent;
mod faults;
mod generate;
mod gmail;
pub mod mailbox;
mod oauth;
pub mod query;
mod quota;
mod reply;
mod server;
mod state;
mod tokens;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use batch::MAX_PARTS as MAX_BATCH_PARTS;
pub use browse::{BrowseError, BrowseOptions, BrowseOutcome, browse};
pub use changes::{Applied, MailboxCommand, MailboxControl};
pub use faults::{Endpoint, FaultCommand, Faults};
pub use generate::{
    BIG_ACCOUNT, EMPTY_ACCOUNT, HOSTILE_SUBJECT, SMALL_ACCOUNT, demo_mailbox, demo_mailbox_sized,
};
pub use gmail::attachment_bytes;
pub use mailbox::{HistoryKind, HistoryRecord, Mailbox};
pub use quota::{QuotaModel, RateLimitStyle};
pub use state::{CLIENT_ID, CLIENT_SECRET, PROJECT_ID, RequestRecord};

/// Everything that can go wrong starting or configuring the stand-in.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 = any).
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// The fixture file could not be read.
    #[error("cannot read the fixture {path}: {source}")]
    FixtureRead {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The fixture file is not in the documented format.
    #[error("the fixture {path} is not in the stand-in's format: {source}")]
    FixtureFormat {
        /// The file.
        path: PathBuf,
        /// Where the JSON went wrong.
        source: serde_json::Error,
    },
    /// The fixture has no accounts.
    #[error("the fixture {path} has no accounts")]
    FixtureEmpty {
        /// The file.
        path: PathBuf,
    },
    /// A config file could not be written.
    #[error("cannot write {path}: {source}")]
    WriteConfig {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An endpoint name the stand-in does not know (control endpoint, `Endpoint::from_str`).
    #[error("unknown endpoint name {name:?}")]
    UnknownEndpoint {
        /// The name given.
        name: String,
    },
    /// An address that is not one of the mailbox's accounts.
    #[error("no account {email} in the mailbox")]
    UnknownAccount {
        /// The address given.
        email: String,
    },
    /// A message id the account does not have.
    #[error("no message {id} in {email}'s mailbox")]
    UnknownMessage {
        /// The account.
        email: String,
        /// The id given.
        id: String,
    },
    /// A label (id or name) the account does not have.
    #[error("no label {label:?} in {email}'s mailbox")]
    UnknownLabel {
        /// The account.
        email: String,
        /// The label given.
        label: String,
    },
    /// A delivered message's id is already taken.
    #[error("{email}'s mailbox already has a message {id}")]
    MessageExists {
        /// The account.
        email: String,
        /// The id given.
        id: String,
    },
}

/// Result with the stand-in's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Whether the authorization endpoint asks a person or answers by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", content = "email", rename_all = "snake_case")]
pub enum AutoApprove {
    /// Show the consent page.
    #[default]
    Off,
    /// Approve at once as this account.
    As(String),
    /// Approve at once as the `login_hint` account (else the first account).
    LoginHint,
}

/// How to start the stand-in.
#[derive(Debug, Clone)]
pub struct Options {
    /// Port on 127.0.0.1; 0 lets the OS choose.
    pub port: u16,
    /// Seed of the demo mailbox.
    pub seed: u64,
    /// The time the demo mailbox ends at, and "now" for `newer_than:`; `None` = the clock.
    pub now: Option<DateTime<Utc>>,
    /// Load this fixture (format in [`mailbox`]) instead of generating the demo mailbox.
    pub fixture: Option<PathBuf>,
    /// Consent page or automatic approval.
    pub auto_approve: AutoApprove,
    /// Delay before every reply.
    pub latency: Duration,
    /// Which of Google's quota models sets each method's cost (default: the new one, where
    /// `messages.get` costs 20 units; the old one charges 5).
    pub quota_model: QuotaModel,
    /// Per-user quota units per rolling window (a minute unless [`Options::quota_window`]
    /// says otherwise); `None` (the default) = unlimited. Google's own figure for the model
    /// is [`QuotaModel::per_user_per_minute`] (6,000 new, 15,000 old).
    pub quota_per_user_per_minute: Option<u32>,
    /// The length of the rolling window the per-user limit counts over: Google's minute by
    /// default; tests shrink it as the app's `"quota": {"windowSeconds": N}` does.
    pub quota_window: Duration,
    /// How quota excess is refused.
    pub rate_limit_style: RateLimitStyle,
    /// How long access tokens live; `expires_in` says the same, as Google's (3599 s).
    pub access_token_lifetime: Duration,
    /// Messages in the big demo account (1,200 unless a benchmark wants more).
    pub big_account_messages: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 0,
            seed: 7,
            now: None,
            fixture: None,
            auto_approve: AutoApprove::Off,
            latency: Duration::ZERO,
            quota_model: QuotaModel::New,
            quota_per_user_per_minute: None,
            quota_window: quota::DEFAULT_WINDOW,
            rate_limit_style: RateLimitStyle::TooManyRequests,
            access_token_lifetime: Duration::from_secs(tokens::EXPIRES_IN),
            big_account_messages: generate::BIG_ACCOUNT_MESSAGES,
        }
    }
}

/// A running stand-in. Dropping it without [`StandIn::shutdown`] leaves the server task
/// running until the runtime ends.
pub struct StandIn {
    addr: SocketAddr,
    state: Arc<state::State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl StandIn {
    /// Builds the mailbox, binds 127.0.0.1 and starts serving.
    pub async fn start(options: Options) -> Result<StandIn> {
        let mailbox = match &options.fixture {
            Some(path) => mailbox::load_fixture(path)?,
            None => generate::demo_mailbox_sized(
                options.seed,
                options.now.unwrap_or_else(Utc::now),
                options.big_account_messages,
            ),
        };
        if let AutoApprove::As(email) = &options.auto_approve
            && mailbox.account(email).is_none()
        {
            return Err(Error::UnknownAccount {
                email: email.clone(),
            });
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
            .await
            .map_err(|source| Error::Bind {
                port: options.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            port: options.port,
            source,
        })?;
        let base_url = format!("http://127.0.0.1:{}/", addr.port());
        let state = Arc::new(state::State::new(
            base_url,
            mailbox,
            options.now,
            options.auto_approve.clone(),
        ));
        state.faults().latency = options.latency;
        {
            let mut quota = state.quota();
            quota.set_model(options.quota_model);
            quota.set_window(options.quota_window);
            quota.configure(options.quota_per_user_per_minute, options.rate_limit_style);
        }
        state.tokens().access_lifetime = options.access_token_lifetime;
        let app = server::router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!("stand-in server stopped: {e}");
            }
        });
        Ok(StandIn {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The socket address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`, like Google's `https://gmail.googleapis.com/` root.
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The authorization endpoint.
    pub fn authorization_url(&self) -> String {
        self.state.url("o/oauth2/v2/auth")
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        self.state.url("token")
    }

    /// The revocation endpoint.
    pub fn revocation_url(&self) -> String {
        self.state.url("revoke")
    }

    /// The OpenID Connect userinfo endpoint.
    pub fn userinfo_url(&self) -> String {
        self.state.url("v1/userinfo")
    }

    /// The client file in Google's `client_secret.json` format ("Desktop app").
    pub fn client_secret_json(&self) -> String {
        let value = json!({"installed": {
            "client_id": CLIENT_ID,
            "project_id": PROJECT_ID,
            "auth_uri": self.authorization_url(),
            "token_uri": self.token_url(),
            "auth_provider_x509_cert_url": self.state.url("oauth2/v1/certs"),
            "client_secret": CLIENT_SECRET,
            "redirect_uris": ["http://localhost"],
        }});
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    /// The app's `settings.json` pointing every endpoint here.
    pub fn settings_json(&self) -> String {
        let value = json!({"endpoints": {
            "authorization": self.authorization_url(),
            "token": self.token_url(),
            "revocation": self.revocation_url(),
            "userinfo": self.userinfo_url(),
            "gmail": self.base_url(),
        }});
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    /// Writes `client_secret.json` and `settings.json` into `dir` (created if missing).
    pub fn write_config(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|source| Error::WriteConfig {
            path: dir.to_path_buf(),
            source,
        })?;
        for (name, text) in [
            ("client_secret.json", self.client_secret_json()),
            ("settings.json", self.settings_json()),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text + "\n")
                .map_err(|source| Error::WriteConfig { path, source })?;
        }
        Ok(())
    }

    /// The mailbox as it is now (a cheap shared snapshot).
    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.state.mailbox()
    }

    /// Adds a message to an account as if it had just arrived: a `messageAdded` history
    /// record with the next history id, which becomes the message's. Returns its id. (The
    /// same as `mailbox_control().deliver(..)`.)
    pub fn deliver(&self, email: &str, message: mailbox::Message) -> Result<String> {
        self.mailbox_control().deliver(email, message)
    }

    /// The handle that changes the mailbox while the app runs (read, star, label, archive,
    /// deliver, delete), each change recorded in the account's history.
    pub fn mailbox_control(&self) -> MailboxControl {
        MailboxControl {
            state: self.state.clone(),
        }
    }

    /// The quota model calls are charged by now.
    pub fn quota_model(&self) -> QuotaModel {
        self.state.quota().model()
    }

    /// The fault-injection handle.
    pub fn faults(&self) -> Faults {
        Faults {
            state: self.state.clone(),
        }
    }

    /// Changes how the authorization endpoint answers.
    pub fn set_auto_approve(&self, mode: AutoApprove) {
        *self
            .state
            .auto_approve
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = mode;
    }

    /// Quota units charged to `email` since start, each call at its cost in the quota model
    /// in force when it was made ([`Options::quota_model`], [`Faults::set_quota_model`]).
    pub fn units_spent(&self, email: &str) -> u64 {
        self.state.quota().spent(email)
    }

    /// Calls of `email` refused for quota so far (429 or 403 rate limits).
    pub fn quota_refused(&self, email: &str) -> u64 {
        self.state.quota().refused(email)
    }

    /// The most units ever inside one rolling window of `email`'s, another client's
    /// spending included (since the quota or its window was last set).
    pub fn quota_peak(&self, email: &str) -> u32 {
        self.state.quota().peak(email)
    }

    /// Every request so far, in order. A batch's parts are logged as they run (`in_batch`),
    /// followed by the batch's own line carrying the sum of their units.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.log().clone()
    }

    /// How many logged requests hit `endpoint` (batch parts included).
    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.state
            .log()
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .count()
    }

    /// Forgets the request log (quota and grants are kept).
    pub fn clear_requests(&self) {
        self.state.log().clear();
    }

    /// True when `email` had a grant and none is live any more (revoked by the app or a fault).
    pub fn grant_is_revoked(&self, email: &str) -> bool {
        self.state.tokens().grant_is_revoked(email)
    }

    /// Access tokens of `email` that would be accepted now.
    pub fn live_access_tokens(&self, email: &str) -> usize {
        self.state.tokens().live_access_tokens(email)
    }

    /// Every code, access token, refresh token and id_token issued, so a test can assert none
    /// leaked into logs, files or the UI.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.tokens().issued()
    }

    /// Stops serving and waits (at most 5 s) for open connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}
