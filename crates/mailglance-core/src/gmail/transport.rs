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
//! Not here: what the calls mean (`list.rs`, `labels.rs`, `mod.rs`), tokens themselves
//! (the caller's [`TokenSource`]), or where the budget keeps its count (`quota.rs`).

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth2::AccessToken;
use serde::de::DeserializeOwned;

use super::batch::{self, MAX_PARTS, PartReply};
use super::quota::{Budget, Costs, Meter, Method};
use super::retry::{Fail, RetryPolicy, Tried, classify, retry_after, send_failure};
use super::{Error, Result, offline, status_error};

/// A boxed `Send` future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where access tokens come from. The app's implementation asks `Auth` (refreshing
/// 60 s before the end) and, after a 401, drops the rejected token and refreshes.
pub trait TokenSource: Send + Sync {
    /// The caller's error; a Gmail error converts into it.
    type Error: From<Error> + Send;
    /// A token to call with.
    fn token(&self) -> BoxFuture<'_, std::result::Result<AccessToken, Self::Error>>;
    /// A new token after Gmail refused `rejected` with a 401.
    fn renew<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, std::result::Result<AccessToken, Self::Error>>;
}

/// One token that cannot be renewed (tests and tools that hold a token already): a 401
/// is the caller's, as `E`.
#[derive(Debug, Clone)]
pub struct FixedToken<E = Error>(AccessToken, PhantomData<fn() -> E>);

impl<E> FixedToken<E> {
    /// The token to call with.
    pub fn new(token: AccessToken) -> Self {
        Self(token, PhantomData)
    }
}

impl<E: From<Error> + Send> TokenSource for FixedToken<E> {
    type Error = E;
    fn token(&self) -> BoxFuture<'_, std::result::Result<AccessToken, E>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
    fn renew<'a>(
        &'a self,
        _: &'a AccessToken,
    ) -> BoxFuture<'a, std::result::Result<AccessToken, E>> {
        Box::pin(async { Err(E::from(Error::Unauthorized)) })
    }
}

/// Gmail's REST API at one root, over one HTTP client.
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    /// The API root, ending in `/` (`https://gmail.googleapis.com/`).
    root: String,
    /// The root's path (`/` for Google): batch parts carry path-only URLs.
    base_path: String,
    retry: RetryPolicy,
    costs: Costs,
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
    async fn spend(&self, units: u64) -> Result<()> {
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
    async fn hold(&self, hint: Option<Duration>, held: &mut Duration) -> Option<Result<()>> {
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

    /// GETs every `gmail/v1/users/me/{path}` through batches of at most [`MAX_PARTS`],
    /// retrying failed parts. The answer is in `paths`' order; `None` where Google said
    /// 404 (deleted meanwhile). A 401 renews the token once.
    pub async fn batch_get<T, S>(
        &self,
        tokens: &S,
        method: Method,
        paths: &[String],
    ) -> std::result::Result<Vec<Option<T>>, S::Error>
    where
        T: DeserializeOwned,
        S: TokenSource + ?Sized,
    {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let full: Vec<String> = paths
            .iter()
            .map(|p| format!("{}gmail/v1/users/me/{p}", self.base_path))
            .collect();
        let token = tokens.token().await?;
        match self.batch_retrying(&token, method, &full).await {
            Err(Error::Unauthorized) => {
                let token = tokens.renew(&token).await?;
                Ok(self.batch_retrying(&token, method, &full).await?)
            }
            other => Ok(other?),
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

    async fn batch_retrying<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        method: Method,
        paths: &[String],
    ) -> Result<Vec<Option<T>>> {
        let mut results: Vec<Option<T>> = paths.iter().map(|_| None).collect();
        let mut pending: Vec<usize> = (0..paths.len()).collect();
        let mut size = MAX_PARTS;
        let mut whole_failures = 0;
        let mut round = 0;
        let mut held = Duration::ZERO;
        while !pending.is_empty() {
            let mut failed: Vec<usize> = Vec::new();
            let mut hint: Option<Duration> = None;
            let (mut parts_failed, mut whole_failed) = (false, false);
            // Whether anything failed for another reason than quota.
            let mut other_failed = false;
            let mut last_error = None;
            for chunk in pending.chunks(size) {
                let chunk_paths: Vec<String> = chunk.iter().map(|&i| paths[i].clone()).collect();
                self.spend(self.costs.units(method) * chunk.len() as u64)
                    .await?;
                let parts = match self.send_batch(token, &chunk_paths).await {
                    Ok(parts) => parts,
                    Err(Fail::Stop(e)) => return Err(e),
                    Err(Fail::Retry(e, h)) => {
                        whole_failed = true;
                        let limited = matches!(e, Error::RateLimited { .. });
                        parts_failed |= limited;
                        other_failed |= !limited;
                        hint = hint.max(h);
                        last_error = Some(e);
                        failed.extend_from_slice(chunk);
                        continue;
                    }
                };
                let mut answered = vec![false; chunk.len()];
                for part in parts {
                    let Some(&i) = chunk.get(part.index) else {
                        continue;
                    };
                    answered[part.index] = true;
                    match read_part::<T>(&part) {
                        Ok(value) => results[i] = value,
                        Err(Fail::Stop(e)) => return Err(e),
                        Err(Fail::Retry(e, h)) => {
                            parts_failed = true;
                            other_failed |= !matches!(e, Error::RateLimited { .. });
                            hint = hint.max(h);
                            last_error = Some(e);
                            failed.push(i);
                        }
                    }
                }
                for (k, done) in answered.into_iter().enumerate() {
                    if !done {
                        other_failed = true;
                        last_error = Some(Error::Malformed {
                            detail: "a batch reply left out a part".into(),
                        });
                        failed.push(chunk[k]);
                    }
                }
            }
            if failed.is_empty() {
                break;
            }
            // Refused for quota alone, with a budget: every caller holds as Gmail said,
            // and the round does not count as a failure.
            if !other_failed && let Some(held) = self.hold(hint, &mut held).await {
                held?;
                failed.sort_unstable();
                pending = failed;
                continue;
            }
            round += 1;
            if round > self.retry.batch_rounds {
                return Err(last_error.unwrap_or(Error::Malformed {
                    detail: "batch parts kept failing".into(),
                }));
            }
            // A reply cut short is tried again as it was once; after that, and whenever
            // parts were refused, smaller batches.
            if whole_failed {
                whole_failures += 1;
            }
            if parts_failed || whole_failures > 1 {
                size = (size / 2).max(1);
            }
            if let Some(e) = &last_error {
                tracing::debug!(
                    "{} batch parts to retry ({e}); round {round}, batches of {size}",
                    failed.len()
                );
            }
            failed.sort_unstable();
            pending = failed;
            tokio::time::sleep(self.retry.wait(round, hint)).await;
        }
        Ok(results)
    }

    async fn send_batch(&self, token: &AccessToken, paths: &[String]) -> Tried<Vec<PartReply>> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let boundary = format!("batch_mailglance_{nanos:x}");
        let request = self
            .http
            .post(format!("{}batch/gmail/v1", self.root))
            .bearer_auth(token.secret())
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/mixed; boundary={boundary}"),
            )
            .body(batch::request_body(&boundary, paths));
        let response = request.send().await.map_err(send_failure)?;
        let status = response.status().as_u16();
        let hint = retry_after(&response);
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Fail::Retry(offline(e), None))?;
        if !(200..300).contains(&status) {
            return Err(classify(status_error(status, hint, &bytes), hint));
        }
        batch::parse_reply(&content_type, &String::from_utf8_lossy(&bytes)).map_err(|e| {
            Fail::Retry(
                Error::Malformed {
                    detail: e.to_string(),
                },
                None,
            )
        })
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

/// One inner response: `Ok(None)` for a 404.
fn read_part<T: DeserializeOwned>(part: &PartReply) -> Tried<Option<T>> {
    match part.status {
        200..=299 => serde_json::from_str(&part.body).map(Some).map_err(|e| {
            Fail::Retry(
                Error::Malformed {
                    detail: e.to_string(),
                },
                None,
            )
        }),
        404 => Ok(None),
        status => Err(classify(
            status_error(status, part.retry_after, part.body.as_bytes()),
            part.retry_after,
        )),
    }
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
