//! Reading one message: from the account's store when it was opened before (no quota, no
//! network), else fetched once from Gmail (`messages.get?format=raw`, 20 units, the same
//! as the metadata its row cost), parsed, and kept (compressed, without attachment
//! bytes) within the cap on stored bodies. Opening never marks a message read at Gmail:
//! the scope is read-only.

use serde::Serialize;

use super::{App, BoxFuture};
use crate::error::{Error, Result};
use crate::gmail;
use crate::read::{self, Reading};
use crate::store;
use crate::sync::now_ms;

/// Writes `bytes` to a new file `name` in `dir` (`name (2).ext` and on when taken).
fn write_new(
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.to_owned(), String::new()),
    };
    for n in 1..1000 {
        let file = if n == 1 {
            name.to_owned()
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = dir.join(file);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(bytes)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("every name is taken"))
}

/// A message opened, and what opening it cost.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Opened {
    /// What the pane shows.
    pub reading: Reading,
    /// Whether it came from this computer (no call made).
    pub stored: bool,
    /// Quota units the opening spent (0 when stored).
    pub units: u64,
}

/// Attachments saved, and what saving cost.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// Where each was written, in the message's order.
    pub paths: Vec<std::path::PathBuf>,
    /// Quota units spent (20: the message is fetched again, its attachments' bytes are
    /// never kept).
    pub units: u64,
}

impl App {
    /// Saves every attachment of message `id` into `dir`, byte for byte: the message is
    /// fetched again (`format=raw`, 20 units), since attachment bytes are never kept. Each
    /// file is named as the message names it, cleaned (no path, control or bidi
    /// characters), never over an existing file (" (2)" and on are added), and never opened
    /// or run.
    pub fn save_attachments<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
        dir: &'a std::path::Path,
    ) -> BoxFuture<'a, Result<Saved>> {
        Box::pin(async move {
            let (raw, units) = self.fetch_raw(account_id, id).await?;
            let mut paths = Vec::new();
            for (attachment, bytes) in read::attachments(&raw) {
                let path = write_new(dir, &attachment.name, &bytes).map_err(|e| {
                    crate::config::Error::SaveFailed {
                        path: dir.join(&attachment.name),
                        source: std::sync::Arc::new(e),
                    }
                })?;
                paths.push(path);
            }
            Ok(Saved { paths, units })
        })
    }

    /// Opens message `id` of the account: the stored copy, else Gmail's (kept after).
    pub fn read_message<'a>(
        &'a self,
        account_id: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Opened>> {
        Box::pin(async move {
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(gmail::Error::InvalidMessageId { id: id.to_owned() }.into());
            }
            let store = self.store(account_id);
            let key = id.to_owned();
            let kept = store
                .call(move |c| store::bodies::get(c, &key, now_ms()))
                .await?;
            if let Some(reading) = kept {
                return Ok(Opened {
                    reading,
                    stored: true,
                    units: 0,
                });
            }
            let (raw, units) = self.fetch_raw(account_id, id).await?;
            let reading = read::parse(&raw).ok_or_else(|| {
                Error::from(gmail::Error::Malformed {
                    detail: "the message is not in RFC 822 form".into(),
                })
            })?;
            let cap = self.config().settings()?.bodies.megabytes * 1024 * 1024;
            let (key, keep) = (id.to_owned(), reading.clone());
            store
                .call(move |c| {
                    store::bodies::put(c, &key, &keep, now_ms())?;
                    store::bodies::trim(c, cap)
                })
                .await?;
            Ok(Opened {
                reading,
                stored: false,
                units,
            })
        })
    }

    /// Message `id`'s RFC 822 bytes from Gmail (`format=raw`), and the units that cost.
    async fn fetch_raw(&self, account_id: &str, id: &str) -> Result<(Vec<u8>, u64)> {
        let (tokens, gmail) = (self.tokens(account_id)?, self.gmail(account_id)?);
        let before = gmail.transport().meter().units();
        let raw = gmail
            .raw_message(&tokens, id)
            .await?
            .ok_or_else(|| Error::from(gmail::Error::MessageGone { id: id.to_owned() }))?;
        Ok((raw, gmail.transport().meter().units() - before))
    }
}
