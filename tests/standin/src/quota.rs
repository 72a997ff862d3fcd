//! Per-user quota in Google's units over a rolling minute, and the units each user spent.
//!
//! Only counting and the limit live here; the 429/403 bodies are built by the caller
//! (`gmail.rs`) from [`Refusal`].

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How a request over the per-user limit is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitStyle {
    /// 429 `rateLimitExceeded` with `Retry-After`.
    #[default]
    TooManyRequests,
    /// 403 `userRateLimitExceeded` (usageLimits).
    UserRateLimit,
}

/// Why a charge was refused.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refusal {
    pub style: RateLimitStyle,
    /// Whole seconds until enough units leave the window.
    pub retry_after: u64,
}

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub(crate) struct Quota {
    limit: Option<u32>,
    style: RateLimitStyle,
    recent: HashMap<String, VecDeque<(Instant, u32)>>,
    spent: HashMap<String, u64>,
}

impl Quota {
    pub fn configure(&mut self, limit: Option<u32>, style: RateLimitStyle) {
        self.limit = limit;
        self.style = style;
        // A new limit starts a fresh window, so a test's earlier calls do not count against it.
        self.recent.clear();
    }

    /// Charges `units` to `user`, or refuses when the rolling minute would exceed the limit.
    /// Refused calls cost nothing.
    pub fn charge(&mut self, user: &str, units: u32) -> Result<(), Refusal> {
        let now = Instant::now();
        let key = user.to_ascii_lowercase();
        let window = self.recent.entry(key.clone()).or_default();
        while window
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        if let Some(limit) = self.limit {
            let used: u32 = window.iter().map(|(_, u)| u).sum();
            if used + units > limit {
                let oldest = window.front().map_or(now, |(t, _)| *t);
                let wait = WINDOW.saturating_sub(now.duration_since(oldest));
                return Err(Refusal {
                    style: self.style,
                    retry_after: wait.as_secs().max(1),
                });
            }
        }
        window.push_back((now, units));
        *self.spent.entry(key).or_default() += u64::from(units);
        Ok(())
    }

    pub fn spent(&self, user: &str) -> u64 {
        self.spent
            .get(&user.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
    }

    pub fn all_spent(&self) -> HashMap<String, u64> {
        self.spent.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_add_up_until_the_limit_then_refuse_without_charging() {
        let mut q = Quota::default();
        q.configure(Some(10), RateLimitStyle::TooManyRequests);
        assert!(q.charge("a@example.com", 5).is_ok());
        assert!(q.charge("A@example.com", 5).is_ok());
        let refusal = q.charge("a@example.com", 1).unwrap_err();
        assert!(refusal.retry_after >= 1 && refusal.retry_after <= 60);
        assert_eq!(q.spent("a@example.com"), 10);
        assert!(
            q.charge("b@example.com", 5).is_ok(),
            "the limit is per user"
        );
    }
}
