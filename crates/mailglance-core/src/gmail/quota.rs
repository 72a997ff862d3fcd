//! What each Gmail call costs in quota units, and a meter of units spent
//! (GOOGLE-API.md §5: Google's two models since 1 May 2026).
//!
//! [`Budget`] paces calls so one account never spends more than its allowance in any
//! rolling minute: a call waits for room instead of drawing a 429.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// The Gmail methods Mailglance calls, for their cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `users.getProfile`.
    GetProfile,
    /// `users.labels.list`.
    LabelsList,
    /// `users.labels.get`.
    LabelsGet,
    /// `users.messages.list`.
    MessagesList,
    /// `users.messages.get`.
    MessagesGet,
    /// `users.history.list`.
    HistoryList,
}

/// Quota units per method. Only `messages.get` differs between Google's two models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Costs {
    /// `messages.get`: 20 for projects created since 1 May 2026, 5 before.
    pub messages_get: u32,
}

impl Costs {
    /// Projects created on or after 1 May 2026 (what the README has people create).
    pub const NEW: Self = Self { messages_get: 20 };
    /// Projects that used the API between November 2025 and April 2026.
    pub const OLD: Self = Self { messages_get: 5 };

    /// What one call of `method` costs.
    pub fn units(&self, method: Method) -> u64 {
        u64::from(match method {
            Method::GetProfile | Method::LabelsList | Method::LabelsGet => 1,
            Method::HistoryList => 2,
            Method::MessagesList => 5,
            Method::MessagesGet => self.messages_get,
        })
    }
}

impl Default for Costs {
    fn default() -> Self {
        Self::NEW
    }
}

/// Units spent so far. Cheap to clone; clones count together.
#[derive(Debug, Clone, Default)]
pub struct Meter(Arc<AtomicU64>);

impl Meter {
    /// Units counted so far.
    pub fn units(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(super) fn add(&self, units: u64) {
        self.0.fetch_add(units, Ordering::Relaxed);
    }
}

/// A per-account allowance of units over a rolling window (Google's per-user minute).
/// [`Budget::spend`] waits until the units fit; a single call larger than the whole
/// allowance goes alone, once the window is empty.
#[derive(Debug)]
pub struct Budget {
    per_window: u64,
    window: Duration,
    spent: Mutex<VecDeque<(Instant, u64)>>,
}

impl Budget {
    /// `per_window` units in any `window` (Google: 6,000 a minute for a new project).
    pub fn new(per_window: u64, window: Duration) -> Self {
        Self {
            per_window: per_window.max(1),
            window,
            spent: Mutex::default(),
        }
    }

    /// Waits until `units` fit in the window, then counts them.
    pub async fn spend(&self, units: u64) {
        loop {
            let wait = {
                let mut spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                while spent
                    .front()
                    .is_some_and(|(t, _)| now.duration_since(*t) >= self.window)
                {
                    spent.pop_front();
                }
                let used: u64 = spent.iter().map(|(_, u)| u).sum();
                if used + units <= self.per_window || spent.is_empty() {
                    spent.push_back((now, units));
                    return;
                }
                // Wait for the oldest spending that frees enough room to leave the window.
                let mut freed = 0;
                let mut until = now;
                for (t, u) in spent.iter() {
                    freed += u;
                    until = *t + self.window;
                    if used - freed + units <= self.per_window {
                        break;
                    }
                }
                // A little past the edge, so a server that saw the call a moment later
                // agrees it has left the window.
                until.saturating_duration_since(now) + Duration::from_millis(100)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Units spent in the window now.
    #[cfg(test)]
    fn in_window(&self) -> u64 {
        let spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        spent
            .iter()
            .filter(|(t, _)| now.duration_since(*t) < self.window)
            .map(|(_, u)| u)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_fifty_new_rows_costs_1005_units_in_the_new_model_and_255_in_the_old() {
        let page = |c: Costs| c.units(Method::MessagesList) + 50 * c.units(Method::MessagesGet);
        assert_eq!(page(Costs::NEW), 1005);
        assert_eq!(page(Costs::OLD), 255);
        assert_eq!(Costs::default().units(Method::HistoryList), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_budget_lets_calls_through_until_the_window_is_full_then_waits() {
        let budget = Budget::new(100, Duration::from_secs(60));
        let start = tokio::time::Instant::now();
        budget.spend(60).await;
        budget.spend(40).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        budget.spend(10).await;
        assert!(
            start.elapsed() >= Duration::from_secs(60),
            "waited for the window"
        );
        assert!(budget.in_window() <= 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_larger_than_the_allowance_goes_alone() {
        let budget = Budget::new(100, Duration::from_secs(60));
        budget.spend(1000).await;
        assert_eq!(budget.in_window(), 1000);
    }
}
