//! The Gmail API v1 client: typed requests and Google's error replies mapped to what a
//! person can act on.
//!
//! - [`transport`]: the one way to Gmail: JSON GETs, retries, the 401 hook, the quota
//!   cost of each call (`quota`), with `retry`'s policy; `batch_get`: batch GETs on it;
//!   `batch`: the multipart batch format; `tokens`: where access tokens come from;
//! - `list`: a page's ids (messages.list); `history`: what changed (history.list);
//!   `labels`: the sidebar's labels; [`Gmail::profile`];
//! - `api`: Gmail's wire types; `rows`: pure converters to what the list shows;
//!   `headers`: decoding of header values and snippets.
//!
//! Not here: tokens (the caller hands a [`TokenSource`]), or anything about the window.

pub mod api;
pub mod batch;
mod batch_get;
pub mod headers;
pub mod history;
mod labels;
mod list;
mod quota;
mod retry;
pub mod rows;
mod tokens;
pub mod transport;

use std::time::Duration;

pub use list::{Page, PageQuery, metadata_path};
pub use quota::{
    Budget, Costs, DEFAULT_MAX_WAIT, Ledger, Limit, MemoryLedger, Meter, Method, Spent, Wait,
    Waits, decide, refusal_wait,
};
pub use retry::RetryPolicy;
pub use rows::{Label, LabelKind, Row, row_from};
pub use transport::{FixedToken, TokenSource, Transport};

use serde::{Deserialize, Serialize};

/// What a Gmail call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 401: the access token was not accepted.
    #[error("Google did not accept the sign-in for this request")]
    Unauthorized,
    /// 429, or 403 with a rate-limit reason.
    #[error(
        "Gmail kept asking Mailglance to slow down, even after waiting and trying again: \
         wait a minute, then try again"
    )]
    RateLimited {
        /// Google's `Retry-After`, when sent.
        retry_after: Option<Duration>,
    },
    /// Gmail's quota for the account is used up for longer than the app waits (the
    /// setting `quota.maxWaitSeconds`, 2 minutes by default): said, with how long.
    #[error(
        "Gmail's quota for this account is used up for the next {}, likely by another \
         program using the same Google account: Mailglance will not wait that long. Try \
         again then",
        spoken(*wait)
    )]
    QuotaWait {
        /// How long until calls fit again.
        wait: Duration,
    },
    /// 403 for another reason (the Gmail API not enabled, a scope missing).
    #[error("Gmail refused the request ({reason}): {message}")]
    Forbidden {
        /// Google's `reason`.
        reason: String,
        /// Google's `message`.
        message: String,
    },
    /// 5xx or another unexpected status.
    #[error("Gmail answered with an error (HTTP {status}): try again in a moment")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// The network failed.
    #[error("Gmail could not be reached ({detail}): check your internet connection")]
    Offline {
        /// What the network said.
        detail: String,
    },
    /// The reply is not in Gmail's format.
    #[error("Gmail sent a reply Mailglance cannot read ({detail}): try again in a moment")]
    Malformed {
        /// What was wrong.
        detail: String,
    },
    /// What was given as a message id is not one (ids are letters and digits): refused
    /// before any call.
    #[error("{id:?} is not a Gmail message id")]
    InvalidMessageId {
        /// What was given.
        id: String,
    },
    /// 404 for a message asked by id: it was deleted meanwhile.
    #[error("the message {id} is no longer in Gmail: it was deleted")]
    MessageGone {
        /// Its id.
        id: String,
    },
    /// 400 "Invalid pageToken": the cursor is no longer (or never was) valid; the caller
    /// starts again from the first page.
    #[error("The place in this list has expired: Mailglance will start again from the top")]
    InvalidPageToken,
    /// 404 from `history.list`: Google no longer keeps the history since the stored id;
    /// the caller re-syncs what is shown, once.
    #[error("Gmail no longer has the changes since the last sync: Mailglance will look again")]
    HistoryGone,
}

/// A wait in words: "40 seconds", "5 minutes" (rounded up).
pub fn spoken(wait: Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if secs < 90 {
        format!("{secs} seconds")
    } else {
        format!("{} minutes", secs.div_ceil(60))
    }
}

/// The result type of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `users.getProfile`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The mailbox's address.
    pub email_address: String,
    /// Messages in the mailbox (int32 in the discovery document).
    #[serde(default)]
    pub messages_total: i64,
    /// Threads in the mailbox.
    #[serde(default)]
    pub threads_total: i64,
    /// The mailbox's current history id (uint64 as a string).
    #[serde(default)]
    pub history_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: String,
    #[serde(default)]
    errors: Vec<ErrorItem>,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    reason: String,
}

/// The Gmail API calls Mailglance makes, over one [`Transport`].
#[derive(Debug, Clone)]
pub struct Gmail {
    transport: Transport,
}

impl Gmail {
    /// The API at `root` (`https://gmail.googleapis.com/`), over `http`.
    pub fn new(http: reqwest::Client, root: &str) -> Self {
        Self::over(Transport::new(http, root))
    }

    /// The API over a configured transport.
    pub fn over(transport: Transport) -> Self {
        Self { transport }
    }

    /// The same client with another retry policy (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.transport = self.transport.with_retry(retry);
        self
    }

    /// The transport, with its meter of units spent.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// One message as its RFC 822 bytes (`messages.get?format=raw`, 20 units, what the
    /// metadata costs too): everything the reading pane shows, attachments included, in
    /// one call. A message that is not there (deleted meanwhile) is `None`.
    pub async fn raw_message<S: TokenSource + ?Sized>(
        &self,
        tokens: &S,
        id: &str,
    ) -> Result<Option<Vec<u8>>, S::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            raw: Option<String>,
        }
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::InvalidMessageId { id: id.to_owned() }.into());
        }
        let reply: Option<Raw> = self
            .transport
            .get_or_404(
                tokens,
                Method::MessagesGet,
                &format!("messages/{}", transport::path_segment(id)),
                &[("format", "raw".to_owned())],
            )
            .await?;
        let Some(reply) = reply else {
            return Ok(None);
        };
        let encoded = reply.raw.ok_or_else(|| Error::Malformed {
            detail: "a raw message without its `raw` field".into(),
        })?;
        // Google's base64url, with or without padding.
        use base64::Engine;
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let bytes = engine
            .decode(encoded.trim())
            .map_err(|e| Error::Malformed {
                detail: format!("the raw message is not base64url: {e}"),
            })?;
        Ok(Some(bytes))
    }

    /// `users.getProfile` for the signed-in user (1 unit).
    pub async fn profile<S: TokenSource + ?Sized>(&self, tokens: &S) -> Result<Profile, S::Error> {
        self.transport
            .get(tokens, Method::GetProfile, "profile", &[])
            .await
    }
}

fn offline(e: reqwest::Error) -> Error {
    Error::Offline {
        detail: e.without_url().to_string(),
    }
}

/// Google's error reply as an [`Error`].
pub(crate) fn status_error(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Error {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let reason = detail
        .as_ref()
        .and_then(|d| d.errors.first().map(|e| e.reason.clone()))
        .or_else(|| {
            detail.as_ref().and_then(|d| {
                d.details
                    .iter()
                    .find_map(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
            })
        })
        .unwrap_or_default();
    let message = detail
        .as_ref()
        .map(|d| d.message.as_str())
        .unwrap_or_default();
    match status {
        400 if message.to_ascii_lowercase().contains("pagetoken") => Error::InvalidPageToken,
        401 => Error::Unauthorized,
        429 => Error::RateLimited { retry_after },
        403 if matches!(
            reason.as_str(),
            "userRateLimitExceeded" | "rateLimitExceeded" | "RATE_LIMIT_EXCEEDED"
        ) =>
        {
            Error::RateLimited { retry_after }
        }
        403 => Error::Forbidden {
            reason,
            message: detail.map(|d| d.message).unwrap_or_default(),
        },
        _ => Error::Server { status },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_rate_limit_403_is_a_rate_limit_not_a_refusal() {
        let body = br#"{"error":{"code":403,"message":"User Rate Limit Exceeded","errors":[{"message":"User Rate Limit Exceeded","domain":"usageLimits","reason":"userRateLimitExceeded"}],"status":"PERMISSION_DENIED"}}"#;
        assert!(matches!(
            status_error(403, None, body),
            Error::RateLimited { .. }
        ));
    }

    #[test]
    fn a_403_for_a_missing_scope_names_the_reason() {
        let body = br#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","errors":[{"message":"Insufficient Permission","domain":"global","reason":"insufficientPermissions"}],"status":"PERMISSION_DENIED"}}"#;
        match status_error(403, None, body) {
            Error::Forbidden { reason, .. } => assert_eq!(reason, "insufficientPermissions"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_invalid_page_token_400_is_told_apart_from_other_bad_requests() {
        let body = br#"{"error":{"errors":[{"domain":"global","reason":"invalidArgument","message":"Invalid pageToken"}],"code":400,"message":"Invalid pageToken"}}"#;
        assert!(matches!(
            status_error(400, None, body),
            Error::InvalidPageToken
        ));
        let other = br#"{"error":{"code":400,"message":"Invalid value at 'max_results'"}}"#;
        assert!(matches!(
            status_error(400, None, other),
            Error::Server { status: 400 }
        ));
    }

    #[test]
    fn a_429_keeps_retry_after() {
        let e = status_error(429, Some(Duration::from_secs(3)), b"not json");
        assert!(matches!(e, Error::RateLimited { retry_after: Some(d) } if d.as_secs() == 3));
    }
}
