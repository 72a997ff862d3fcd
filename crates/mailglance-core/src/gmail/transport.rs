//! The one way Mailglance talks to Gmail: JSON GETs and batch GETs, with the retry
//! policy, the refresh-once-on-401 hook, and the quota cost of every call.
//!
//! Failures that Google says are passing (5xx, a reply cut short) are retried with
//! exponential back-off, jitter and `Retry-After`, a bounded number of times; batch
//! retries resend only the parts that failed, in smaller batches (lieer halves). A refusal
//! for quota (429, 403 rate limits) with a [`Budget`] teaches the budget: every caller
//! holds until `Retry-After`, then the call goes again, as often as it takes within the
//! budget's longest wait (without a budget it is retried like the rest). A 401 asks the
//! [`TokenSource`] for a fresh token once, then calls again.
//! Every request, and every part of a batch, is counted in units on the [`Meter`] with
//! Google's cost table ([`Costs`], docs/spec/GOOGLE-API.md §5): a batch saves round trips,
//! not quota.
//!
//! Here: the transport, its plain GETs and the quota it spends and holds; batch GETs are
//! `batch_get.rs`, on the same transport. Not here: what the calls mean (`list.rs`,
//! `labels.rs`, `mod.rs`), tokens themselves (`tokens.rs`: the caller's [`TokenSource`]),
//! or where the budget keeps its count (`quota.rs`).

use std::sync::Arc;
use std::time::Duration;

use oauth2::AccessToken;
use serde::de::DeserializeOwned;

use super::quota::{Budget, Costs, Meter, Method};
use super::retry::{Fail, RetryPolicy, Tried, classify, retry_after, send_failure};
use super::{Error, Result, offline, status_error};

pub use super::tokens::{BoxFuture, FixedToken, TokenSource};

/// Gmail's REST API at one root, over one HTTP client.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(super) http: reqwest::Client,
    /// The API root, ending in `/` (`https://gmail.googleapis.com/`).
    pub(super) root: String,
    /// The root's path (`/` for Google): batch parts carry path-only URLs.
    pub(super) base_path: String,
    pub(super) retry: RetryPolicy,
    pub(super) costs: Costs,
    meter: Meter,
    budget: Option<Arc<Budget>>,
}

impl Transport {
    /// The API at `root`, over `http`.
    pub fn new(http: reqwest::Client, root: &str) -> Self {
        let mut root = root.to_owned();
        if !root.ends_with('/') {
            root.push('/');
        }
        let base_path = url::Url::parse(&root)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "/".to_owned());
        Self {
            http,
            root,
            base_path,
            retry: RetryPolicy::default(),
            costs: Costs::default(),
            meter: Meter::default(),
            budget: None,
        }
    }

    /// The same with another retry policy (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same with another cost table and meter.
    pub fn with_costs(mut self, costs: Costs, meter: Meter) -> Self {
        self.costs = costs;
        self.meter = meter;
        self
    }

    /// The same, pacing every call within `budget` (the account's allowance).
    pub fn with_budget(mut self, budget: Arc<Budget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Counts `units` and, with a budget, first waits for room for them.
    pub(super) async fn spend(&self, units: u64) -> Result<()> {
        if let Some(budget) = &self.budget {
            budget.spend(units).await?;
        }
        self.meter.add(units);
        Ok(())
    }

    /// Gmail refused for quota: with a budget, every caller holds as long as Gmail said
    /// (the next [`Transport::spend`] waits it out), and this call has held `held` so far;
    /// holding longer than the budget's `max_wait` in all is told instead. `None` without
    /// a budget: the retry policy decides.
    pub(super) async fn hold(
        &self,
        hint: Option<Duration>,
        held: &mut Duration,
    ) -> Option<Result<()>> {
        let budget = self.budget.as_ref()?;
        Some(match budget.refused(hint).await {
            Ok(wait) if *held + wait <= budget.max_wait() => {
                *held += wait;
                Ok(())
            }
            Ok(wait) => Err(Error::QuotaWait { wait }),
            Err(e) => Err(e),
        })
    }

    /// Units this transport (and its clones) has spent.
    pub fn meter(&self) -> &Meter {
        &self.meter
    }

    /// `GET {root}gmail/v1/users/me/{path}` with the retry policy; a 401 renews the token
    /// once.
    pub async fn get<T, S>(
        &self,
        tokens: &S,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> std::result::Result<T, S::Error>
    where
        T: DeserializeOwned,
        S: TokenSource + ?Sized,
    {
        let url = format!("{}gmail/v1/users/me/{path}", self.root);
        let token = tokens.token().await?;
        match self.get_retrying(&token, method, &url, params).await {
            Err(Error::Unauthorized) => {
                let token = tokens.renew(&token).await?;
                Ok(self.get_retrying(&token, method, &url, params).await?)
            }
            other => Ok(other?),
        }
    }

    /// As [`Transport::get`], with a 404 as `None` (a gone `historyId`).
    pub async fn get_or_404<T, S>(
        &self,
        tokens: &S,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> std::result::Result<Option<T>, S::Error>
    where
        T: DeserializeOwned,
        S: TokenSource + ?Sized,
    {
        let url = format!("{}gmail/v1/users/me/{path}", self.root);
        let token = tokens.token().await?;
        let reply = match self.get_retrying(&token, method, &url, params).await {
            Err(Error::Unauthorized) => {
                let token = tokens.renew(&token).await?;
                self.get_retrying(&token, method, &url, params).await
            }
            other => other,
        };
        match reply {
            Ok(v) => Ok(Some(v)),
            Err(Error::Server { status: 404 }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn get_retrying<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        method: Method,
        url: &str,
        params: &[(&str, String)],
    ) -> Result<T> {
        let mut retry = 0;
        let mut held = Duration::ZERO;
        loop {
            let request = self.http.get(url).query(params).bearer_auth(token.secret());
            self.spend(self.costs.units(method)).await?;
            match try_get(request).await {
                Ok(value) => return Ok(value),
                Err(Fail::Stop(e)) => return Err(e),
                Err(Fail::Retry(Error::RateLimited { retry_after }, hint))
                    if self.budget.is_some() =>
                {
                    if let Some(held) = self.hold(retry_after.or(hint), &mut held).await {
                        held?;
                    }
                }
                Err(Fail::Retry(e, hint)) => {
                    retry += 1;
                    if retry >= self.retry.attempts {
                        return Err(e);
                    }
                    tracing::debug!("Gmail call failed ({e}); retry {retry}");
                    tokio::time::sleep(self.retry.wait(retry, hint)).await;
                }
            }
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (ids are hex or
/// `Label_N`, so this is a guard, not a transformation).
pub fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn try_get<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> Tried<T> {
    let response = request.send().await.map_err(send_failure)?;
    let status = response.status().as_u16();
    let hint = retry_after(&response);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Fail::Retry(offline(e), None))?;
    if !(200..300).contains(&status) {
        return Err(classify(status_error(status, hint, &bytes), hint));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        Fail::Retry(
            Error::Malformed {
                detail: e.to_string(),
            },
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_percent_encoded_in_paths_when_they_need_it() {
        assert_eq!(path_segment("18c2a1f0e4b3d201"), "18c2a1f0e4b3d201");
        assert_eq!(path_segment("Label_1"), "Label_1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }
}
