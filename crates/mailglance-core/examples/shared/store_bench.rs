//! What the benchmarks of this computer's stores share: the stand-in's generated mail as
//! a store keeps it (written straight into a store file, with no network), and the
//! percentiles they print.

use std::time::Duration;

use mailglance_core::gmail::Row;
use mailglance_core::gmail::headers::parse_from;
use mailglance_core::store::StoredMessage;

/// A generated message as stored after its metadata was fetched.
pub fn stored(m: &mailglance_standin::mailbox::Message) -> StoredMessage {
    let (from_name, from_address) = parse_from(m.header("From").unwrap_or(""));
    let mut row = Row {
        id: m.id.clone(),
        thread_id: m.thread_id.clone(),
        from_name,
        from_address,
        subject: m.header("Subject").map(str::to_owned),
        snippet: m.snippet.clone(),
        date_ms: m.internal_date,
        unread: false,
        starred: false,
        important: false,
        labels: Vec::new(),
    };
    row.set_labels(&m.label_ids);
    StoredMessage {
        row,
        history_id: m.history_id,
        label_ids: m.label_ids.clone(),
        recipients: ["To", "Cc", "Bcc"]
            .iter()
            .filter_map(|h| m.header(h))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The `p` percentile (0 to 1) of `sorted`.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// `d` in milliseconds, for a person.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
