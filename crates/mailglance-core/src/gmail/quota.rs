//! What each Gmail call costs in quota units, and a meter of units spent
//! (GOOGLE-API.md §5: Google's two models since 1 May 2026).
//!
//! Not here: pacing calls within a budget (the caller reads the meter).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
}
