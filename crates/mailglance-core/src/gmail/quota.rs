//! What each Gmail call costs in quota units, and a meter of units spent
//! (docs/spec/GOOGLE-API.md §5: Google's two models since 1 May 2026).
//!
//! [`Budget`] paces calls so one account never spends more than its allowance in any
//! rolling minute: a call waits for room instead of drawing a 429. What was spent is kept
//! in a [`Ledger`]: in memory ([`MemoryLedger`], one process), or in the account's store
//! (`store::quota`), where every Mailglance process on this computer counts against the
//! same minute, so a new process starts from what the others already spent. When Gmail
//! refuses for quota anyway (another client of the same user spent part of the minute), the
//! refusal teaches the ledger: nothing is sent until `Retry-After` (or the window's end),
//! by any caller of any process; only a wait longer than [`Budget::max_wait`] reaches the
//! person, as [`super::Error::QuotaWait`], saying how long.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::transport::BoxFuture;

use super::{Error, Result};
use crate::clock::now_ms;

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

/// An allowance: `per_window` units in any rolling `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Units in any window (Google: 6,000 a minute a user for a new project).
    pub per_window: u64,
    /// The window's length (Google: a minute).
    pub window: Duration,
}

impl Limit {
    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }
}

/// A little past the edge of the window, so a server that saw a call a moment later
/// agrees it has left the window.
const MARGIN_MS: i64 = 100;

/// Where an account's spending over the window is kept, with the time until which Gmail
/// said nothing fits. Implementations keep `spent` and `refused_until` together and run
/// [`decide`] under one lock (a SQLite write transaction for the store's).
pub trait Ledger: Send + Sync + std::fmt::Debug {
    /// Counts `units` now when they fit (`Ok(None)`); else how long until they might.
    fn reserve(
        &self,
        units: u64,
        limit: Limit,
    ) -> BoxFuture<'_, std::result::Result<Option<Duration>, String>>;
    /// Gmail refused for quota, saying `hint` (`Retry-After`) or nothing: nothing fits
    /// for the [`refusal_wait`] from now (never shortened by a later, shorter refusal).
    /// Returns that wait.
    fn refuse(
        &self,
        hint: Option<Duration>,
        limit: Limit,
    ) -> BoxFuture<'_, std::result::Result<Duration, String>>;
    /// The units counted in the window now, and how long a refusal still holds.
    fn in_window(
        &self,
        limit: Limit,
    ) -> BoxFuture<'_, std::result::Result<(u64, Duration), String>>;
}

/// The ledger's state as [`decide`] reads it: what was spent when (epoch ms, oldest
/// first, only inside the window) and until when Gmail refuses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spent {
    /// `(at_ms, units)`, oldest first.
    pub entries: Vec<(i64, u64)>,
    /// Epoch ms before which nothing is sent (Gmail's `Retry-After`); 0 for none.
    pub refused_until_ms: i64,
}

/// Whether `units` fit at `now_ms`: `None` when they do (the caller records them), else
/// the wait. Entries that left the window are dropped from `spent`. A single call larger
/// than the whole allowance goes alone, once the window is empty.
pub fn decide(spent: &mut Spent, units: u64, limit: Limit, now_ms: i64) -> Option<Duration> {
    let window = limit.window_ms();
    spent.entries.retain(|(t, _)| now_ms - t < window);
    if spent.refused_until_ms > now_ms {
        return Some(ms(spent.refused_until_ms - now_ms));
    }
    let used: u64 = spent.entries.iter().map(|(_, u)| u).sum();
    if used + units <= limit.per_window.max(1) || spent.entries.is_empty() {
        return None;
    }
    // Wait for the oldest spending that frees enough room to leave the window.
    let mut freed = 0;
    let mut until = now_ms;
    for (t, u) in &spent.entries {
        freed += u;
        until = t + window;
        if used - freed + units <= limit.per_window {
            break;
        }
    }
    Some(ms(until - now_ms + MARGIN_MS))
}

/// How long a refusal holds when Gmail did not say (`Retry-After`): until everything this
/// ledger counted has left the window, at least a second, at most the window.
pub fn refusal_wait(spent: &Spent, hint: Option<Duration>, limit: Limit, now_ms: i64) -> Duration {
    if let Some(hint) = hint {
        return hint.max(Duration::from_secs(1));
    }
    let window = limit.window_ms();
    let end = spent
        .entries
        .last()
        .map_or(now_ms + window, |(t, _)| t + window);
    ms(end - now_ms + MARGIN_MS).clamp(Duration::from_secs(1), limit.window)
}

fn ms(v: i64) -> Duration {
    Duration::from_millis(u64::try_from(v).unwrap_or(0))
}

/// The ledger of one process: spending kept in memory, on tokio's clock (so tests can
/// pause time).
#[derive(Debug)]
pub struct MemoryLedger {
    start: (Instant, i64),
    spent: Mutex<Spent>,
}

impl Default for MemoryLedger {
    fn default() -> Self {
        Self {
            start: (Instant::now(), 0),
            spent: Mutex::default(),
        }
    }
}

impl MemoryLedger {
    fn now_ms(&self) -> i64 {
        let elapsed = Instant::now().duration_since(self.start.0).as_millis();
        self.start.1 + i64::try_from(elapsed).unwrap_or(i64::MAX)
    }

    fn spent(&self) -> std::sync::MutexGuard<'_, Spent> {
        self.spent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Ledger for MemoryLedger {
    fn reserve(
        &self,
        units: u64,
        limit: Limit,
    ) -> BoxFuture<'_, std::result::Result<Option<Duration>, String>> {
        let now = self.now_ms();
        let mut spent = self.spent();
        let wait = decide(&mut spent, units, limit, now);
        if wait.is_none() {
            spent.entries.push((now, units));
        }
        Box::pin(std::future::ready(Ok(wait)))
    }

    fn refuse(
        &self,
        hint: Option<Duration>,
        limit: Limit,
    ) -> BoxFuture<'_, std::result::Result<Duration, String>> {
        let now = self.now_ms();
        let mut spent = self.spent();
        spent.entries.retain(|(t, _)| now - t < limit.window_ms());
        let wait = refusal_wait(&spent, hint, limit, now);
        spent.refused_until_ms = spent.refused_until_ms.max(now + millis(wait));
        Box::pin(std::future::ready(Ok(wait)))
    }

    fn in_window(
        &self,
        limit: Limit,
    ) -> BoxFuture<'_, std::result::Result<(u64, Duration), String>> {
        let now = self.now_ms();
        let mut spent = self.spent();
        spent.entries.retain(|(t, _)| now - t < limit.window_ms());
        let used = spent.entries.iter().map(|(_, u)| u).sum();
        let refused = ms(spent.refused_until_ms - now);
        Box::pin(std::future::ready(Ok((used, refused))))
    }
}

/// Accounts whose calls wait for quota now, and until when: the window shows "Waiting
/// for Gmail's quota (23 s)", the command line says so on stderr. Cheap to clone; clones
/// share the state.
#[derive(Debug, Clone)]
pub struct Waits(Arc<tokio::sync::watch::Sender<BTreeMap<String, Wait>>>);

/// One account's wait for quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// When the longest wait ends, in epoch ms.
    pub until_ms: i64,
    /// Calls waiting.
    pub calls: u32,
}

impl Default for Waits {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::watch::Sender::new(BTreeMap::new())))
    }
}

impl Waits {
    /// Follows the waits, by account id.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<BTreeMap<String, Wait>> {
        self.0.subscribe()
    }

    /// The waits now, by account id.
    pub fn now(&self) -> BTreeMap<String, Wait> {
        self.0.borrow().clone()
    }

    fn begin(&self, account: &str, until_ms: i64) {
        self.0.send_modify(|m| {
            let w = m
                .entry(account.to_owned())
                .or_insert(Wait { until_ms, calls: 0 });
            w.until_ms = w.until_ms.max(until_ms);
            w.calls += 1;
        });
    }

    fn end(&self, account: &str) {
        self.0.send_modify(|m| {
            if let Some(w) = m.get_mut(account) {
                w.calls = w.calls.saturating_sub(1);
                if w.calls == 0 {
                    m.remove(account);
                }
            }
        });
    }
}

/// Waits shorter than this are pacing, not worth a line on the screen.
const ANNOUNCED: Duration = Duration::from_secs(2);

/// A per-account allowance of units over a rolling window (Google's per-user minute),
/// kept in a [`Ledger`]. [`Budget::spend`] waits until the units fit; a refusal from
/// Gmail ([`Budget::refused`]) holds every caller until it has passed.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: Limit,
    ledger: Arc<dyn Ledger>,
    max_wait: Duration,
    waits: Option<(Waits, String)>,
}

/// The longest wait for quota before the person is told (a setting; default 2 minutes).
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(120);

impl Budget {
    /// `per_window` units in any `window` (Google: 6,000 a minute for a new project),
    /// kept in memory for this process alone.
    pub fn new(per_window: u64, window: Duration) -> Self {
        Self {
            limit: Limit {
                per_window: per_window.max(1),
                window,
            },
            ledger: Arc::new(MemoryLedger::default()),
            max_wait: DEFAULT_MAX_WAIT,
            waits: None,
        }
    }

    /// The same, kept in `ledger` (the account's store: shared by every process).
    pub fn with_ledger(mut self, ledger: Arc<dyn Ledger>) -> Self {
        self.ledger = ledger;
        self
    }

    /// The same, telling the person instead of waiting longer than `max_wait`.
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The same, announcing waits of two seconds or more in `waits` under `account`.
    pub fn with_waits(mut self, waits: Waits, account: &str) -> Self {
        self.waits = Some((waits, account.to_owned()));
        self
    }

    /// The allowance.
    pub fn limit(&self) -> Limit {
        self.limit
    }

    /// The longest wait before the person is told.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// Waits until `units` fit in the window, then counts them. A wait longer than
    /// [`Budget::max_wait`] is not made: the caller gets [`super::Error::QuotaWait`]. A
    /// ledger that fails (a store that cannot be written) is logged and not waited for.
    pub async fn spend(&self, units: u64) -> Result<()> {
        loop {
            let wait = match self.ledger.reserve(units, self.limit).await {
                Ok(None) => return Ok(()),
                Ok(Some(wait)) => wait,
                Err(e) => {
                    tracing::warn!("the quota ledger cannot be used ({e}); calling without it");
                    return Ok(());
                }
            };
            if wait > self.max_wait {
                return Err(Error::QuotaWait { wait });
            }
            self.sleep(wait).await;
        }
    }

    /// Gmail refused a call for quota, saying `hint` (`Retry-After`) or nothing: every
    /// caller holds until then. Returns the hold, or [`super::Error::QuotaWait`] when it
    /// is longer than [`Budget::max_wait`].
    pub async fn refused(&self, hint: Option<Duration>) -> Result<Duration> {
        let wait = match self.ledger.refuse(hint, self.limit).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::warn!("the quota ledger cannot keep a refusal ({e})");
                let wait = refusal_wait(&Spent::default(), hint, self.limit, 0);
                self.sleep(wait).await;
                wait
            }
        };
        tracing::debug!("Gmail refused a call for quota: holding calls for {wait:?}");
        if wait > self.max_wait {
            return Err(Error::QuotaWait { wait });
        }
        Ok(wait)
    }

    async fn sleep(&self, wait: Duration) {
        let announce = wait >= ANNOUNCED;
        if announce && let Some((waits, account)) = &self.waits {
            waits.begin(account, now_ms() + millis(wait));
        }
        tokio::time::sleep(wait).await;
        if announce && let Some((waits, account)) = &self.waits {
            waits.end(account);
        }
    }

    /// Units counted in the window now (by every process sharing the ledger).
    pub async fn in_window(&self) -> u64 {
        self.ledger
            .in_window(self.limit)
            .await
            .map(|(used, _)| used)
            .unwrap_or_default()
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
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
        budget.spend(60).await.unwrap();
        budget.spend(40).await.unwrap();
        assert_eq!(start.elapsed(), Duration::ZERO);
        budget.spend(10).await.unwrap();
        assert!(
            start.elapsed() >= Duration::from_secs(60),
            "waited for the window"
        );
        assert!(budget.in_window().await <= 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_larger_than_the_allowance_goes_alone() {
        let budget = Budget::new(100, Duration::from_secs(60));
        budget.spend(1000).await.unwrap();
        assert_eq!(budget.in_window().await, 1000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_holds_every_caller_until_retry_after_though_the_budget_has_room() {
        let budget = Budget::new(6000, Duration::from_secs(60));
        budget.spend(5).await.unwrap();
        let held = budget.refused(Some(Duration::from_secs(23))).await.unwrap();
        assert_eq!(held, Duration::from_secs(23));
        let start = tokio::time::Instant::now();
        let other = budget.clone();
        let (a, b) = tokio::join!(budget.spend(20), other.spend(20));
        a.unwrap();
        b.unwrap();
        assert!(start.elapsed() >= Duration::from_secs(23), "both waited");
        assert!(start.elapsed() < Duration::from_secs(24));
        assert_eq!(budget.in_window().await, 45);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_without_retry_after_holds_until_what_was_counted_leaves_the_window() {
        let budget = Budget::new(6000, Duration::from_secs(60));
        budget.spend(1000).await.unwrap();
        tokio::time::advance(Duration::from_secs(20)).await;
        let held = budget.refused(None).await.unwrap();
        assert!(
            held >= Duration::from_secs(40) && held < Duration::from_secs(41),
            "{held:?}"
        );
        // Nothing counted at all: the whole window.
        let fresh = Budget::new(6000, Duration::from_secs(60));
        assert!(fresh.refused(None).await.unwrap() >= Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_longer_than_the_setting_is_told_with_how_long_instead_of_made() {
        let budget =
            Budget::new(6000, Duration::from_secs(60)).with_max_wait(Duration::from_secs(120));
        let e = budget
            .refused(Some(Duration::from_secs(300)))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::QuotaWait { wait } if wait.as_secs() == 300));
        assert!(e.to_string().contains("5 minutes"), "{e}");
        let start = tokio::time::Instant::now();
        let e = budget.spend(5).await.unwrap_err();
        assert!(matches!(e, Error::QuotaWait { .. }), "{e:?}");
        assert_eq!(start.elapsed(), Duration::ZERO, "no wait was made");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_of_two_seconds_or_more_is_announced_for_its_account_until_it_ends() {
        let waits = Waits::default();
        let budget = Budget::new(100, Duration::from_secs(10)).with_waits(waits.clone(), "42");
        budget.spend(100).await.unwrap();
        assert!(waits.now().is_empty(), "no wait, nothing announced");
        let mut seen = waits.subscribe();
        let spending = tokio::spawn({
            let budget = budget.clone();
            async move { budget.spend(10).await }
        });
        seen.changed().await.unwrap();
        let now = seen.borrow_and_update().clone();
        let wait = now.get("42").expect("the account waits");
        assert_eq!(wait.calls, 1);
        assert!(wait.until_ms > now_ms() + 9_000, "{wait:?}");
        spending.await.unwrap().unwrap();
        assert!(waits.now().is_empty(), "the wait ended");
    }

    #[test]
    fn decide_drops_what_left_the_window_and_waits_for_the_oldest_that_frees_room() {
        let limit = Limit {
            per_window: 100,
            window: Duration::from_secs(60),
        };
        let mut spent = Spent {
            entries: vec![(0, 50), (10_000, 40), (30_000, 10)],
            refused_until_ms: 0,
        };
        assert_eq!(
            decide(&mut spent, 60, limit, 40_000),
            Some(Duration::from_millis(30_100))
        );
        assert_eq!(
            decide(&mut spent, 50, limit, 60_000),
            None,
            "the first left"
        );
        assert_eq!(spent.entries.len(), 2);
        spent.refused_until_ms = 65_000;
        assert_eq!(
            decide(&mut spent, 1, limit, 61_000),
            Some(Duration::from_secs(4))
        );
    }
}
