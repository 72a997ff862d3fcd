//! The one clock of the core: now, in epoch milliseconds, as Gmail's dates, the store's
//! times and the quota ledger (shared by every process) count.

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
