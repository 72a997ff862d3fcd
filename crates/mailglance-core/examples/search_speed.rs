//! Benchmark: search on this computer over a store of 50,000 messages (the stand-in's
//! demo mailbox generator, at that size, written straight into a store file): median and
//! p95 of ten representative queries through the FTS5 matcher, and, for the queries that
//! are words only, the LIKE scan the offline search used before, as the baseline in the
//! same run; the store's size on disk.
//!
//! ```text
//! cargo run --release -p mailglance-core --example search_speed [messages] [runs]
//! ```
//! Prints numbers; asserts nothing. No network and no keychain are involved.

use std::time::Instant;

use mailglance_core::gmail::rows;
use mailglance_core::gmail::{Label, LabelKind};
use mailglance_core::store::{self, Store, StoredMessage};

#[path = "shared/store_bench.rs"]
mod store_bench;
use store_bench::{ms, percentile, stored};

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(21);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let t = Instant::now();
    let mailbox = mailglance_standin::demo_mailbox_sized(7, chrono_now(), count);
    let account = mailbox.account(mailglance_standin::BIG_ACCOUNT).unwrap();
    let messages: Vec<StoredMessage> = account.messages.iter().map(stored).collect();
    // The labels, as the sidebar keeps them (`label:` names are looked up there).
    let labels: Vec<Label> = account
        .labels
        .iter()
        .map(|l| Label {
            id: l.id.clone(),
            name: l.name.clone(),
            kind: if rows::is_system_label(&l.id) {
                LabelKind::System
            } else {
                LabelKind::User
            },
            unread: None,
            total: None,
        })
        .collect();
    println!(
        "search_speed: {} messages generated in {:.1} s",
        messages.len(),
        t.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "bench").store;
    let t = Instant::now();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(store.call(move |c| {
            let tx = c.transaction()?;
            store::messages_put(&tx, &messages)?;
            store::labels_put(&tx, &labels)?;
            tx.commit()
        }))
        .unwrap();
    println!(
        "search_speed: stored (rows and FTS5 index) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let queries = [
        "invoice",
        "\"your order\"",
        "from:marta",
        "subject:meeting",
        "is:unread in:inbox",
        "is:starred newer_than:30d",
        "label:work -is:read",
        "train OR flight",
        "from:github subject:pr",
        "after:2026/01/01 before:2026/06/01 receipt",
    ];
    println!("search_speed: {runs} runs a query, first page of 50");
    let mut all = Vec::new();
    for q in queries {
        let expr = mailglance_core::search::parse(q).unwrap();
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..runs {
            let e = expr.clone();
            let t = Instant::now();
            found = runtime
                .block_on(store.call(move |c| store::messages_matching(c, &e, &[], now, 0, 50)))
                .unwrap()
                .len();
            times.push(t.elapsed());
        }
        times.sort();
        all.extend(times.iter().copied());
        let words: Vec<String> = q
            .split_whitespace()
            .filter(|w| !w.contains(':') && !w.starts_with('-') && *w != "OR")
            .map(|w| w.trim_matches('"').to_owned())
            .collect();
        let baseline = if words.len() == q.split_whitespace().count() && !q.contains(" OR ") {
            let mut b = Vec::new();
            for _ in 0..runs {
                let w = words.clone();
                let t = Instant::now();
                runtime
                    .block_on(store.call(move |c| like_scan(c, &w)))
                    .unwrap();
                b.push(t.elapsed());
            }
            b.sort();
            format!("   LIKE scan (before): median {}", ms(percentile(&b, 0.5)))
        } else {
            String::new()
        };
        println!(
            "  {q:<44} {found:>3} rows  median {:>9}  p95 {:>9}{baseline}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95))
        );
    }
    all.sort();
    println!(
        "search_speed: all queries: median {} (target <= 20 ms), p95 {} (target <= 50 ms)",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95))
    );
    drop(store);
    let file = store::file_of(dir.path(), "bench");
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    let bytes = std::fs::metadata(&file).unwrap().len();
    println!(
        "search_speed: store on disk {:.1} MiB for {count} messages ({:.0} bytes a message, index included)",
        bytes as f64 / (1024.0 * 1024.0),
        bytes as f64 / count as f64
    );
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// The word search the store had before its full-text index (kept here only as this
/// benchmark's baseline): the newest 50 messages, spam and trash left out, whose sender,
/// subject or snippet holds every word, by `LIKE` over every row.
fn like_scan(conn: &mut rusqlite::Connection, words: &[String]) -> rusqlite::Result<usize> {
    let mut sql = String::from(
        "SELECT m.id FROM messages m WHERE NOT EXISTS (SELECT 1 FROM message_labels l \
         WHERE l.message_id = m.id AND l.label_id IN ('SPAM', 'TRASH'))",
    );
    let mut args = Vec::new();
    for word in words {
        let escaped: String = word
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        args.push(format!("%{escaped}%"));
        let n = args.len();
        sql.push_str(&format!(
            " AND (m.from_name LIKE ?{n} ESCAPE '\\' OR m.from_address LIKE ?{n} ESCAPE '\\' \
               OR m.subject LIKE ?{n} ESCAPE '\\' OR m.snippet LIKE ?{n} ESCAPE '\\')"
        ));
    }
    sql.push_str(" ORDER BY m.date_ms DESC, m.id DESC LIMIT 50");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        r.get::<_, String>(0)
    })?;
    Ok(rows.count())
}
