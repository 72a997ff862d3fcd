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

/// Which of Google's quota models the stand-in charges by (docs/spec/GOOGLE-API.md section 5).
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
    /// Per user: calls refused for quota, and the most units ever inside one window.
    refused: HashMap<String, u64>,
    peak: HashMap<String, u32>,
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
            refused: HashMap::new(),
            peak: HashMap::new(),
        }
    }
}

impl Quota {
    pub fn configure(&mut self, limit: Option<u32>, style: RateLimitStyle) {
        self.limit = limit;
        self.style = style;
        // A new limit starts a fresh window, so a test's earlier calls do not count against it.
        self.recent.clear();
        self.peak.clear();
    }

    /// Sets the length of the rolling window (Google: a minute); starts a fresh window.
    pub fn set_window(&mut self, window: Duration) {
        self.window = window.max(Duration::from_millis(1));
        self.recent.clear();
        self.peak.clear();
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

    /// The user's window at `now`, what left it dropped.
    fn window_of(&mut self, key: &str, now: Instant) -> &mut VecDeque<(Instant, u32)> {
        let window_len = self.window;
        let window = self.recent.entry(key.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= window_len)
        {
            window.pop_front();
        }
        window
    }

    /// Counts `units` in the user's window now, and keeps the window's peak.
    fn count(&mut self, key: &str, now: Instant, units: u32) {
        let window = self.window_of(key, now);
        window.push_back((now, units));
        let used: u32 = window.iter().map(|(_, u)| u).sum();
        let peak = self.peak.entry(key.to_owned()).or_default();
        *peak = (*peak).max(used);
    }

    /// Charges `units` to `user`, or refuses when the rolling window would exceed the limit.
    /// Refused calls cost nothing. `Retry-After` is the time until enough of the window
    /// has left it for this call to fit (whole seconds, at least one), as Google's "time
    /// to retry".
    pub fn charge(&mut self, user: &str, units: u32) -> Result<(), Refusal> {
        let now = Instant::now();
        let window_len = self.window;
        let key = user.to_ascii_lowercase();
        let (limit, style) = (self.limit, self.style);
        let window = self.window_of(&key, now);
        if let Some(limit) = limit {
            let used: u32 = window.iter().map(|(_, u)| u).sum();
            if used + units > limit {
                let mut freed = 0;
                let mut until = now;
                for (t, u) in window.iter() {
                    freed += u;
                    until = *t + window_len;
                    if used - freed + units <= limit {
                        break;
                    }
                }
                let wait = until.saturating_duration_since(now);
                *self.refused.entry(key).or_default() += 1;
                return Err(Refusal {
                    style,
                    retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
                });
            }
        }
        self.count(&key, now, units);
        *self.spent.entry(key).or_default() += u64::from(units);
        Ok(())
    }

    /// Another client of the same user (another tool on the same Cloud project, another
    /// Mailglance) spends `units` of the user's window now, as Google counts them: they
    /// fill the window (even past the limit) but are not the user's calls here
    /// ([`Quota::spent`] leaves them out).
    pub fn spend_as_other(&mut self, user: &str, units: u32) {
        let key = user.to_ascii_lowercase();
        self.count(&key, Instant::now(), units);
    }

    /// Calls of `user` refused for quota so far.
    pub fn refused(&self, user: &str) -> u64 {
        self.refused
            .get(&user.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
    }

    /// The most units ever inside one window of `user`'s (since the limit or window was
    /// last set), the other client's included.
    pub fn peak(&self, user: &str) -> u32 {
        self.peak
            .get(&user.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
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
    fn another_clients_spending_fills_the_window_and_retry_after_says_when_a_call_fits() {
        let mut q = Quota::default();
        q.configure(Some(6000), RateLimitStyle::TooManyRequests);
        q.spend_as_other("a@example.com", 3000);
        assert!(q.charge("a@example.com", 2995).is_ok());
        let refusal = q.charge("a@example.com", 20).unwrap_err();
        assert_eq!(
            refusal.retry_after, 60,
            "the other's 3,000 leave in a minute"
        );
        assert_eq!(
            q.spent("a@example.com"),
            2995,
            "the other's units are not the user's"
        );
        assert_eq!(q.refused("a@example.com"), 1);
        assert_eq!(q.peak("a@example.com"), 5995);
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
