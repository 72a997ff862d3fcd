//! The shared state behind every endpoint: mailbox, tokens, faults, quota, request log and
//! pending consent requests.
//!
//! Locks are plain `std::sync::Mutex`es held only for short, non-async sections; nothing
//! here awaits. This module holds no endpoint logic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::AutoApprove;
use crate::faults::{Endpoint, FaultState};
use crate::mailbox::Mailbox;
use crate::quota::Quota;
use crate::tokens::{Challenge, TokenStore};

/// The one OAuth client the stand-in knows. Made-up values that look nothing like Google's.
pub const CLIENT_ID: &str = "mailglance-standin.apps.example.invalid";
/// Its secret (deliberately not of Google's `GOCSPX-` form).
pub const CLIENT_SECRET: &str = "standin-demo-secret-not-for-google";
/// The project id in the client file.
pub const PROJECT_ID: &str = "mailglance-standin";

/// One line of the request log.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string (may hold an `access_token`; tests asserting on leaks should know).
    pub query: String,
    /// Which endpoint answered.
    pub endpoint: Endpoint,
    /// The user the call was for, when known.
    pub user: Option<String>,
    /// Quota units charged.
    pub units: u32,
    /// Status sent.
    pub status: u16,
    /// Whether this was a part inside a batch (the batch itself is logged too).
    pub in_batch: bool,
}

/// An authorization request waiting for the consent form's answer.
#[derive(Debug, Clone)]
pub(crate) struct PendingAuth {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scopes: Vec<String>,
    pub challenge: Option<Challenge>,
    pub offline: bool,
    pub prompt_consent: bool,
    pub login_hint: Option<String>,
    pub nonce: Option<String>,
}

pub(crate) struct State {
    pub base_url: String,
    pub now: Option<DateTime<Utc>>,
    pub mailbox: RwLock<Arc<Mailbox>>,
    pub auto_approve: Mutex<AutoApprove>,
    pub pending: Mutex<HashMap<String, PendingAuth>>,
    tokens: Mutex<TokenStore>,
    faults: Mutex<FaultState>,
    quota: Mutex<Quota>,
    log: Mutex<Vec<RequestRecord>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in one handler must not take the whole stand-in down with poisoned locks.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    pub fn new(
        base_url: String,
        mailbox: Mailbox,
        now: Option<DateTime<Utc>>,
        auto_approve: AutoApprove,
    ) -> State {
        State {
            base_url,
            now,
            mailbox: RwLock::new(Arc::new(mailbox)),
            auto_approve: Mutex::new(auto_approve),
            pending: Mutex::new(HashMap::new()),
            tokens: Mutex::new(TokenStore::default()),
            faults: Mutex::new(FaultState::default()),
            quota: Mutex::new(Quota::default()),
            log: Mutex::new(Vec::new()),
        }
    }

    pub fn tokens(&self) -> MutexGuard<'_, TokenStore> {
        lock(&self.tokens)
    }
    pub fn faults(&self) -> MutexGuard<'_, FaultState> {
        lock(&self.faults)
    }
    pub fn quota(&self) -> MutexGuard<'_, Quota> {
        lock(&self.quota)
    }
    pub fn log(&self) -> MutexGuard<'_, Vec<RequestRecord>> {
        lock(&self.log)
    }
    pub fn pending(&self) -> MutexGuard<'_, HashMap<String, PendingAuth>> {
        lock(&self.pending)
    }
    pub fn auto_approve(&self) -> AutoApprove {
        lock(&self.auto_approve).clone()
    }

    pub fn mailbox(&self) -> Arc<Mailbox> {
        self.mailbox
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// "Now" for the mailbox's relative searches: the pinned anchor, else the clock.
    pub fn now_ms(&self) -> i64 {
        self.now.unwrap_or_else(Utc::now).timestamp_millis()
    }

    /// A URL on this server; `path` has no leading slash.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The issuer: the base URL without its trailing slash, as `https://accounts.google.com`.
    pub fn issuer(&self) -> String {
        self.base_url.trim_end_matches('/').to_string()
    }
}
