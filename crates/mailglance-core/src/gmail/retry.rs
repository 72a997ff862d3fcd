//! When a failed Gmail call is worth trying again, and how long to wait first:
//! exponential back-off with jitter, at least Google's `Retry-After`, bounded.
//!
//! Not here: the calls themselves (`transport.rs`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Error, offline};

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

pub(super) type Tried<T> = std::result::Result<T, Fail>;

/// How a try ended when it did not succeed.
pub(super) enum Fail {
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

pub(super) fn classify(e: Error, retry_after: Option<Duration>) -> Fail {
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

pub(super) fn send_failure(e: reqwest::Error) -> Fail {
    // No connection at all is not worth waiting for; a reply that broke off is.
    if e.is_connect() {
        Fail::Stop(offline(e))
    } else {
        Fail::Retry(offline(e), None)
    }
}

pub(super) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
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
}
