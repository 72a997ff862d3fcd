//! `mailglance show ID` and `save-attachments ID DIR`. `show`: one message, read as the reading pane reads it: from this
//! computer when it was opened before (0 units), else fetched once from Gmail (20 units)
//! and kept. By default its headers and plain text (HTML-only mail reduced to its text),
//! with every control character but line breaks and tabs removed, so no message can
//! drive the terminal; `--html` prints the sanitised HTML (remote images removed and
//! counted), never the raw markup; `--json` everything. What it cost goes to stderr.

use serde_json::json;

use mailglance_core::app::App;
use mailglance_core::read::{self, Person};

use crate::commands::{Exit, failed, find};

/// What `show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// Headers and text.
    Message,
    /// The plain text only.
    Text,
    /// The sanitised HTML.
    Html,
    /// The headers only.
    Headers,
    /// Everything, as JSON.
    Json,
}

pub(crate) async fn show(app: &App, email: Option<&str>, id: &str, shown: Shown) -> Exit {
    let account = find(app, email, true).await?;
    let opened = app
        .read_message(&account.id, id)
        .await
        .map_err(|e| failed(&e))?;
    if opened.stored {
        eprintln!("mailglance: 0 quota units (kept on this computer)");
    } else {
        eprintln!(
            "mailglance: {} quota units (fetched from Gmail, now kept on this computer)",
            opened.units
        );
    }
    let r = &opened.reading;
    let sanitised: Vec<read::Sanitised> = r.html.iter().map(|h| read::sanitise(h)).collect();
    match shown {
        Shown::Json => {
            let remote: Vec<_> = sanitised.iter().flat_map(|s| s.remote.clone()).collect();
            println!(
                "{}",
                json!({
                    "id": id,
                    "account": account.email,
                    "from": r.from,
                    "to": r.to,
                    "cc": r.cc,
                    "subject": r.subject,
                    "dateMs": r.date_ms,
                    "text": r.plain_parts(),
                    "html": sanitised.iter().map(|s| s.html.clone()).collect::<Vec<_>>(),
                    "remoteImages": remote,
                    "attachments": r.attachments,
                    "stored": opened.stored,
                    "units": opened.units,
                })
            );
        }
        Shown::Html => {
            if sanitised.is_empty() {
                eprintln!("mailglance: this message has no HTML part; try --text");
            }
            for s in &sanitised {
                println!("{}", s.html);
                let trackers = s.remote.iter().filter(|i| i.tracker).count();
                if !s.remote.is_empty() {
                    eprintln!(
                        "mailglance: remote images blocked ({}, of which {trackers} trackers)",
                        s.remote.len()
                    );
                }
            }
        }
        Shown::Headers | Shown::Message | Shown::Text => {
            if shown != Shown::Text {
                let who = |p: &Person| match &p.name {
                    Some(n) => format!("{n} <{}>", p.address),
                    None => p.address.clone(),
                };
                let list = |v: &[Person]| v.iter().map(who).collect::<Vec<_>>().join(", ");
                if let Some(from) = &r.from {
                    println!("From: {}", who(from));
                }
                if !r.to.is_empty() {
                    println!("To: {}", list(&r.to));
                }
                if !r.cc.is_empty() {
                    println!("Cc: {}", list(&r.cc));
                }
                if let Some(ms) = r.date_ms {
                    println!("Date: {}", date_line(ms));
                }
                println!(
                    "Subject: {}",
                    r.subject.as_deref().unwrap_or("(no subject)")
                );
                for a in &r.attachments {
                    println!("Attachment: {} ({}, {} bytes)", a.name, a.mime_type, a.size);
                }
            }
            if shown != Shown::Headers {
                if shown == Shown::Message {
                    println!();
                }
                for (i, part) in r.plain_parts().iter().enumerate() {
                    if i > 0 {
                        println!("\n----");
                    }
                    println!("{}", terminal_safe(part));
                }
            }
        }
    }
    Ok(0)
}

/// `mailglance save-attachments ID DIR`: each attachment written into `dir` under its
/// cleaned name, one path a line on stdout; what it cost on stderr.
pub(crate) async fn save_attachments(
    app: &App,
    email: Option<&str>,
    id: &str,
    dir: &std::path::Path,
) -> Exit {
    let account = find(app, email, true).await?;
    let saved = app
        .save_attachments(&account.id, id, dir)
        .await
        .map_err(|e| failed(&e))?;
    eprintln!(
        "mailglance: {} quota units (the message fetched again: attachments are never kept)",
        saved.units
    );
    if saved.paths.is_empty() {
        eprintln!("mailglance: this message has no attachments");
    }
    for path in &saved.paths {
        println!("{}", terminal_safe(&path.display().to_string()));
    }
    Ok(0)
}

/// Text with no control character but line breaks and tabs: no escape sequence reaches
/// the terminal.
pub(crate) fn terminal_safe(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// An epoch-ms date, in UTC.
fn date_line(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| format!("{ms} ms after 1970"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_escape_sequence_reaches_the_terminal_and_dates_read_in_utc() {
        assert_eq!(
            terminal_safe("Hi\u{1b}]0;pwned\u{7}\r\nthere\tok"),
            "Hi]0;pwned\nthere\tok"
        );
        assert_eq!(date_line(1_796_632_200_000), "2026-12-07 08:30:00 UTC");
        assert_eq!(date_line(0), "1970-01-01 00:00:00 UTC");
    }
}
