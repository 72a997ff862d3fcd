//! Per-user quota in Google's units over a rolling window (a minute unless a test shrinks
//! it), the cost of each method under Google's two quota models, and the units each user
//! spent.
//!
//! Only counting and the limit live here; the 429/403 bodies are built by the caller
//! (`gmail.rs`) from [`Refusal`].

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::faults::Endpoint;

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

/// Which of Google's quota models the stand-in charges by (GOOGLE-API.md section 5).
///
/// Projects created on or after 1 May 2026 get the new one, which is what a person
/// following the README meets; projects that used the API between November 2025 and April
/// 2026 keep the old one. Only `messages.get` costs differ among the methods served here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaModel {
    /// Since 1 May 2026: `messages.get` 20 units, 6,000 units per user per minute.
    #[default]
    New,
    /// Before: `messages.get` 5 units, 15,000 units per user per minute.
    Old,
}

impl QuotaModel {
    /// Units one call of `endpoint` costs in this model; 0 outside the Gmail API.
    pub fn units(self, endpoint: Endpoint) -> u32 {
        match endpoint {
            Endpoint::MessagesGet => match self {
                QuotaModel::New => 20,
                QuotaModel::Old => 5,
            },
            Endpoint::MessagesList => 5,
            Endpoint::HistoryList => 2,
            Endpoint::LabelsList | Endpoint::LabelsGet | Endpoint::GetProfile => 1,
            _ => 0,
        }
    }

    /// Google's per-user allowance in this model, in units per minute (6,000 new, 15,000
    /// old). The stand-in enforces a limit only when one is set
    /// ([`crate::Options::quota_per_user_per_minute`]); pass this to enforce Google's.
    pub fn per_user_per_minute(self) -> u32 {
        match self {
            QuotaModel::New => 6_000,
            QuotaModel::Old => 15_000,
        }
    }
}

/// Why a charge was refused.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refusal {
    pub style: RateLimitStyle,
    /// Whole seconds until enough units leave the window.
    pub retry_after: u64,
}

/// Google's rolling window for the per-user limit.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub(crate) struct Quota {
    model: QuotaModel,
    limit: Option<u32>,
    style: RateLimitStyle,
    window: Duration,
    recent: HashMap<String, VecDeque<(Instant, u32)>>,
    spent: HashMap<String, u64>,
}

impl Default for Quota {
    fn default() -> Self {
        Quota {
            model: QuotaModel::default(),
            limit: None,
            style: RateLimitStyle::default(),
            window: DEFAULT_WINDOW,
            recent: HashMap::new(),
            spent: HashMap::new(),
        }
    }
}

impl Quota {
    pub fn configure(&mut self, limit: Option<u32>, style: RateLimitStyle) {
        self.limit = limit;
        self.style = style;
        // A new limit starts a fresh window, so a test's earlier calls do not count against it.
        self.recent.clear();
    }

    /// Sets the length of the rolling window (Google: a minute); starts a fresh window.
    pub fn set_window(&mut self, window: Duration) {
        self.window = window.max(Duration::from_millis(1));
        self.recent.clear();
    }

    /// Charges by this model from now on (units already spent stay as charged).
    pub fn set_model(&mut self, model: QuotaModel) {
        self.model = model;
    }

    pub fn model(&self) -> QuotaModel {
        self.model
    }

    /// What one call of `endpoint` costs in the current model.
    pub fn units(&self, endpoint: Endpoint) -> u32 {
        self.model.units(endpoint)
    }

    /// Charges `units` to `user`, or refuses when the rolling window would exceed the limit.
    /// Refused calls cost nothing.
    pub fn charge(&mut self, user: &str, units: u32) -> Result<(), Refusal> {
        let now = Instant::now();
        let window_len = self.window;
        let key = user.to_ascii_lowercase();
        let window = self.recent.entry(key.clone()).or_default();
        while window
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= window_len)
        {
            window.pop_front();
        }
        if let Some(limit) = self.limit {
            let used: u32 = window.iter().map(|(_, u)| u).sum();
            if used + units > limit {
                let oldest = window.front().map_or(now, |(t, _)| *t);
                let wait = window_len.saturating_sub(now.duration_since(oldest));
                return Err(Refusal {
                    style: self.style,
                    retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
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

    #[test]
    fn the_new_model_charges_twenty_for_messages_get_and_the_old_five() {
        assert_eq!(QuotaModel::default(), QuotaModel::New);
        let page =
            |m: QuotaModel| m.units(Endpoint::MessagesList) + 50 * m.units(Endpoint::MessagesGet);
        assert_eq!(page(QuotaModel::New), 1005);
        assert_eq!(page(QuotaModel::Old), 255);
        for m in [QuotaModel::New, QuotaModel::Old] {
            assert_eq!(m.units(Endpoint::GetProfile), 1);
            assert_eq!(m.units(Endpoint::LabelsList), 1);
            assert_eq!(m.units(Endpoint::LabelsGet), 1);
            assert_eq!(m.units(Endpoint::MessagesList), 5);
            assert_eq!(m.units(Endpoint::HistoryList), 2);
            assert_eq!(m.units(Endpoint::Token), 0);
            assert_eq!(m.units(Endpoint::Batch), 0, "a batch costs its parts");
        }
        assert_eq!(QuotaModel::New.per_user_per_minute(), 6_000);
        assert_eq!(QuotaModel::Old.per_user_per_minute(), 15_000);
    }

    #[test]
    fn a_shrunk_window_lets_units_back_in_once_it_has_passed() {
        let mut q = Quota::default();
        q.configure(Some(20), RateLimitStyle::TooManyRequests);
        q.set_window(Duration::from_millis(50));
        assert!(q.charge("a@example.com", 20).is_ok());
        let refusal = q.charge("a@example.com", 1).unwrap_err();
        assert_eq!(
            refusal.retry_after, 1,
            "Retry-After is whole seconds, at least 1"
        );
        std::thread::sleep(Duration::from_millis(60));
        assert!(q.charge("a@example.com", 20).is_ok());
        assert_eq!(q.spent("a@example.com"), 40);
    }
}
