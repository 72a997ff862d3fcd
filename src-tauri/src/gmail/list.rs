//! One page of the message list, and the sidebar's labels.
//!
//! A page is one `messages.list` call (5 units), then the metadata of the messages not yet
//! in the account's [`RowCache`], fetched in batches of at most 50 (LESSONS.md, Listing):
//! a refresh of an unchanged page costs the list call only. Failures that Google says are
//! passing (429, 403 rate limits, 5xx, a reply cut short) are retried with exponential
//! back-off, jitter and `Retry-After`, a bounded number of times; batch retries resend only
//! the parts that failed, in smaller batches.
//!
//! Not here: refreshing tokens (a 401 comes back as [`Error::Unauthorized`]), noticing that
//! a cached message's labels changed (that needs `history.list`), or the window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth2::AccessToken;
use serde::de::DeserializeOwned;

use super::api::{ApiLabel, LabelList, Message, MessageList};
use super::batch::{self, MAX_PARTS, PartReply};
use super::rows::{Label, Row, SIDEBAR_LABELS, label_from, row_from};
use super::{Error, Gmail, Result, offline, status_error};

/// What page of which list to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Gmail search-box syntax (`is:unread from:ana`); `None` or blank for everything.
    pub q: Option<String>,
    /// Only messages carrying all of these label ids.
    pub label_ids: Vec<String>,
    /// The cursor from the previous [`Page`]; `None` for the first page.
    pub page_token: Option<String>,
    /// Rows per page, 1 to 500 (Gmail's maximum); 0 means the default, 50.
    pub max_results: u32,
}

impl Default for PageQuery {
    fn default() -> Self {
        Self {
            q: None,
            label_ids: Vec::new(),
            page_token: None,
            max_results: DEFAULT_PAGE,
        }
    }
}

const DEFAULT_PAGE: u32 = 50;

/// One page of rows, in Gmail's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The rows; a message deleted between the list and the metadata calls is left out.
    pub rows: Vec<Row>,
    /// The cursor of the next page, `None` on the last.
    pub next_page_token: Option<String>,
    /// Gmail's estimate of all matches.
    pub result_size_estimate: u64,
}

/// Rows already fetched for one account, by message id: a page whose ids are all here
/// costs one `messages.list` call. Cheap to clone (shared); safe to use from any task.
#[derive(Debug, Clone, Default)]
pub struct RowCache {
    rows: Arc<Mutex<HashMap<String, Row>>>,
}

/// Beyond this many rows the cache starts over, so a long scroll cannot grow it forever.
const CACHE_LIMIT: usize = 20_000;

impl RowCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Row>> {
        self.rows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached row of a message.
    pub fn get(&self, id: &str) -> Option<Row> {
        self.lock().get(id).cloned()
    }

    /// How many rows are cached.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Forgets one message (its labels changed, or it was deleted).
    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Forgets everything (sign-out, or a change the app cannot follow).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn missing(&self, ids: &[&str]) -> Vec<String> {
        let rows = self.lock();
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if !rows.contains_key(*id) && !out.iter().any(|o| o == id) {
                out.push((*id).to_owned());
            }
        }
        out
    }

    fn keep(&self, fresh: HashMap<String, Row>) {
        let mut rows = self.lock();
        if rows.len() + fresh.len() > CACHE_LIMIT {
            rows.clear();
        }
        rows.extend(fresh);
    }
}

/// How hard to try before giving up on a passing failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries of one plain call (`messages.list`, `labels.list`), the first included.
    pub attempts: u32,
    /// Rounds of batch retries after the first batch.
    pub batch_rounds: u32,
    /// The first back-off; it doubles each time. Google's guide: at least one second.
    pub base: Duration,
    /// The longest single wait, whatever `Retry-After` says.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            batch_rounds: 5,
            base: Duration::from_secs(1),
            max_wait: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first): `base · 2^(retry-1)` plus
    /// up to half of `base` of jitter, at least `hint` (`Retry-After`), at most `max_wait`.
    pub fn wait(&self, retry: u32, hint: Option<Duration>) -> Duration {
        let exponential = self
            .base
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let wait = (exponential + jitter(self.base / 2)).max(hint.unwrap_or_default());
        wait.min(self.max_wait)
    }
}

/// A pseudo-random duration below `limit`, from the clock's nanoseconds (no `rand`
/// dependency for this): enough to keep several windows from retrying in step.
fn jitter(limit: Duration) -> Duration {
    let limit_ns = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
    if limit_ns == 0 {
        return Duration::ZERO;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let mixed = u64::from(nanos).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 17;
    Duration::from_nanos(mixed % limit_ns)
}

/// What one call needs, owned, so the futures are `'static`.
#[derive(Clone)]
struct Ctx {
    http: reqwest::Client,
    root: String,
    /// The root's path (`/` for Google): batch parts carry path-only URLs.
    base_path: String,
    token: AccessToken,
    retry: RetryPolicy,
}

impl Gmail {
    fn ctx(&self, token: &AccessToken) -> Ctx {
        let base_path = url::Url::parse(&self.root)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "/".to_owned());
        Ctx {
            http: self.http.clone(),
            root: self.root.clone(),
            base_path,
            token: token.clone(),
            retry: self.retry,
        }
    }

    /// One page of the list: `messages.list`, then `From`, `Subject` and `Date` of the
    /// messages not in `cache` through batched `messages.get?format=metadata`. Rows come
    /// in the list's order; the cache keeps the new ones.
    ///
    /// Errors: [`Error::Unauthorized`] (refresh the token and call again),
    /// [`Error::InvalidPageToken`] (start again from the first page), and the others once
    /// the retries are spent.
    // Owns what it uses: see `profile`.
    pub fn list_page(
        &self,
        token: &AccessToken,
        query: &PageQuery,
        cache: &RowCache,
    ) -> impl Future<Output = Result<Page>> + Send + use<> {
        let ctx = self.ctx(token);
        let query = query.clone();
        let cache = cache.clone();
        async move {
            let max = match query.max_results {
                0 => DEFAULT_PAGE,
                n => n.min(500),
            };
            let mut params: Vec<(&str, String)> = vec![("maxResults", max.to_string())];
            if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
                params.push(("q", q.to_owned()));
            }
            for id in &query.label_ids {
                params.push(("labelIds", id.clone()));
            }
            if let Some(t) = query.page_token.as_deref().filter(|t| !t.is_empty()) {
                params.push(("pageToken", t.to_owned()));
            }
            let url = format!("{}gmail/v1/users/me/messages", ctx.root);
            let list: MessageList = get_json(&ctx, &url, &params).await?;

            let ids: Vec<&str> = list.messages.iter().map(|m| m.id.as_str()).collect();
            let missing = cache.missing(&ids);
            let mut fresh: HashMap<String, Row> = HashMap::with_capacity(missing.len());
            if !missing.is_empty() {
                let paths = missing
                    .iter()
                    .map(|id| metadata_path(&ctx.base_path, id))
                    .collect();
                let messages: Vec<Option<Message>> = fetch_batched(&ctx, paths).await?;
                for (asked, message) in missing.iter().zip(messages) {
                    if let Some(message) = message {
                        let mut row = row_from(&message);
                        if row.id.is_empty() {
                            row.id.clone_from(asked);
                        }
                        fresh.insert(asked.clone(), row);
                    }
                }
            }
            let rows = list
                .messages
                .iter()
                .filter_map(|m| fresh.get(&m.id).cloned().or_else(|| cache.get(&m.id)))
                .collect();
            cache.keep(fresh);
            Ok(Page {
                rows,
                next_page_token: list.next_page_token.filter(|t| !t.is_empty()),
                result_size_estimate: list.result_size_estimate,
            })
        }
    }

    /// Every label (`labels.list`, 1 unit), with unread and total counts for the sidebar's
    /// system labels (INBOX, STARRED, IMPORTANT, SENT, DRAFT, SPAM, TRASH) from
    /// `labels.get` in one batch (1 unit each). Labels keep Gmail's order.
    pub fn labels(
        &self,
        token: &AccessToken,
    ) -> impl Future<Output = Result<Vec<Label>>> + Send + use<> {
        let ctx = self.ctx(token);
        async move {
            let url = format!("{}gmail/v1/users/me/labels", ctx.root);
            let list: LabelList = get_json(&ctx, &url, &[]).await?;
            let wanted: Vec<&str> = SIDEBAR_LABELS
                .iter()
                .copied()
                .filter(|id| list.labels.iter().any(|l| l.id == *id))
                .collect();
            let paths = wanted
                .iter()
                .map(|id| {
                    format!(
                        "{}gmail/v1/users/me/labels/{}",
                        ctx.base_path,
                        path_segment(id)
                    )
                })
                .collect();
            let full: Vec<Option<ApiLabel>> = fetch_batched(&ctx, paths).await?;
            let full: HashMap<&str, ApiLabel> = wanted
                .iter()
                .copied()
                .zip(full)
                .filter_map(|(id, l)| Some((id, l?)))
                .collect();
            Ok(list
                .labels
                .iter()
                .map(|l| label_from(full.get(l.id.as_str()).unwrap_or(l)))
                .collect())
        }
    }
}

fn metadata_path(base_path: &str, id: &str) -> String {
    format!(
        "{base_path}gmail/v1/users/me/messages/{}?format=metadata\
         &metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date",
        path_segment(id)
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters (ids are hex or
/// `Label_N`, so this is a guard, not a transformation).
fn path_segment(id: &str) -> String {
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

type Tried<T> = std::result::Result<T, Fail>;

/// How a try ended when it did not succeed.
enum Fail {
    /// Passing: try again after at least the hint.
    Retry(Error, Option<Duration>),
    /// Final.
    Stop(Error),
}

fn retryable(e: &Error) -> bool {
    match e {
        Error::RateLimited { .. } | Error::Malformed { .. } | Error::Offline { .. } => true,
        Error::Server { status } => *status >= 500,
        _ => false,
    }
}

fn classify(e: Error, retry_after: Option<Duration>) -> Fail {
    if retryable(&e) {
        let hint = match &e {
            Error::RateLimited { retry_after } => *retry_after,
            _ => retry_after,
        };
        Fail::Retry(e, hint)
    } else {
        Fail::Stop(e)
    }
}

fn send_failure(e: reqwest::Error) -> Fail {
    // No connection at all is not worth waiting for; a reply that broke off is.
    if e.is_connect() {
        Fail::Stop(offline(e))
    } else {
        Fail::Retry(offline(e), None)
    }
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// A GET with the retry policy.
async fn get_json<T: DeserializeOwned>(
    ctx: &Ctx,
    url: &str,
    params: &[(&str, String)],
) -> Result<T> {
    let mut retry = 0;
    loop {
        let request = ctx
            .http
            .get(url)
            .query(params)
            .bearer_auth(ctx.token.secret());
        match try_get(request).await {
            Ok(value) => return Ok(value),
            Err(Fail::Stop(e)) => return Err(e),
            Err(Fail::Retry(e, hint)) => {
                retry += 1;
                if retry >= ctx.retry.attempts {
                    return Err(e);
                }
                tracing::debug!("Gmail call failed ({e}); retry {retry}");
                tokio::time::sleep(ctx.retry.wait(retry, hint)).await;
            }
        }
    }
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

/// GETs every path through batches of at most [`MAX_PARTS`], retrying failed parts.
/// The answer is in `paths`' order; `None` where Google said 404 (deleted meanwhile).
async fn fetch_batched<T: DeserializeOwned>(
    ctx: &Ctx,
    paths: Vec<String>,
) -> Result<Vec<Option<T>>> {
    let mut results: Vec<Option<T>> = paths.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..paths.len()).collect();
    let mut size = MAX_PARTS;
    let mut whole_failures = 0;
    let mut round = 0;
    while !pending.is_empty() {
        let mut failed: Vec<usize> = Vec::new();
        let mut hint: Option<Duration> = None;
        let (mut parts_failed, mut whole_failed) = (false, false);
        let mut last_error = None;
        for chunk in pending.chunks(size) {
            let chunk_paths: Vec<String> = chunk.iter().map(|&i| paths[i].clone()).collect();
            let parts = match send_batch(ctx, &chunk_paths).await {
                Ok(parts) => parts,
                Err(Fail::Stop(e)) => return Err(e),
                Err(Fail::Retry(e, h)) => {
                    whole_failed = true;
                    parts_failed |= matches!(e, Error::RateLimited { .. });
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
                        hint = hint.max(h);
                        last_error = Some(e);
                        failed.push(i);
                    }
                }
            }
            for (k, done) in answered.into_iter().enumerate() {
                if !done {
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
        round += 1;
        if round > ctx.retry.batch_rounds {
            return Err(last_error.unwrap_or(Error::Malformed {
                detail: "batch parts kept failing".into(),
            }));
        }
        // A reply cut short is tried again as it was once; after that, and whenever parts
        // were refused, smaller batches.
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
        tokio::time::sleep(ctx.retry.wait(round, hint)).await;
    }
    Ok(results)
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

async fn send_batch(ctx: &Ctx, paths: &[String]) -> Tried<Vec<PartReply>> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let boundary = format!("batch_mailglance_{nanos:x}");
    let request = ctx
        .http
        .post(format!("{}batch/gmail/v1", ctx.root))
        .bearer_auth(ctx.token.secret())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_honours_retry_after_and_stays_under_the_cap() {
        let p = RetryPolicy {
            attempts: 4,
            batch_rounds: 5,
            base: Duration::from_secs(1),
            max_wait: Duration::from_secs(10),
        };
        let first = p.wait(1, None);
        assert!(first >= Duration::from_secs(1) && first < Duration::from_millis(1500));
        let third = p.wait(3, None);
        assert!(third >= Duration::from_secs(4) && third < Duration::from_millis(4500));
        assert!(p.wait(1, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(60))),
            Duration::from_secs(10)
        );
        assert_eq!(p.wait(30, None), Duration::from_secs(10));
    }

    #[test]
    fn ids_are_percent_encoded_in_paths_when_they_need_it() {
        assert_eq!(path_segment("18c2a1f0e4b3d201"), "18c2a1f0e4b3d201");
        assert_eq!(path_segment("Label_1"), "Label_1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(
            metadata_path("/", "ab"),
            "/gmail/v1/users/me/messages/ab?format=metadata\
             &metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date"
        );
    }

    #[test]
    fn the_cache_names_only_what_it_lacks_once_each() {
        let cache = RowCache::new();
        let mut fresh = HashMap::new();
        let row = Row {
            id: "a".into(),
            thread_id: "a".into(),
            from_name: None,
            from_address: "x@y".into(),
            subject: None,
            snippet: String::new(),
            date_ms: 0,
            unread: false,
            starred: false,
            important: false,
            labels: Vec::new(),
        };
        fresh.insert("a".to_owned(), row);
        cache.keep(fresh);
        assert_eq!(cache.missing(&["a", "b", "b", "c"]), vec!["b", "c"]);
        cache.forget("a");
        assert!(cache.is_empty());
    }

    #[test]
    fn the_futures_can_run_in_a_spawned_task_that_borrows_the_client() {
        // What a Tauri command does: borrow managed state across the await.
        fn spawnable<F: Future + Send + 'static>(_: F) {}
        let gmail = Arc::new(Gmail::new(reqwest::Client::new(), "http://127.0.0.1:9/"));
        spawnable(async move {
            let state: &Gmail = &gmail;
            let token = AccessToken::new("not-a-real-token".into());
            let cache = RowCache::new();
            let _ = state.list_page(&token, &PageQuery::default(), &cache).await;
            let _ = state.labels(&token).await;
        });
    }

    #[test]
    fn a_page_query_defaults_to_fifty_rows_of_everything() {
        let q = PageQuery::default();
        assert_eq!((q.max_results, q.q, q.page_token), (50, None, None));
    }
}
