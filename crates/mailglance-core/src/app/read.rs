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

impl App {
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
            let (tokens, gmail) = (self.tokens(account_id)?, self.gmail(account_id)?);
            let before = gmail.transport().meter().units();
            let raw = gmail
                .raw_message(&tokens, id)
                .await?
                .ok_or_else(|| Error::from(gmail::Error::MessageGone { id: id.to_owned() }))?;
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
                units: gmail.transport().meter().units() - before,
            })
        })
    }
}
