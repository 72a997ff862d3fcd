//! One account's mail: its list a page at a time (from Gmail with rows from the store,
//! from the store alone, or searched here), its labels, the sync, and opening a message
//! in Gmail on the web.

use super::{App, BoxFuture};
use crate::auth;
use crate::error::{Error, Result};
use crate::gmail::{self, Label, Page, PageQuery, Profile};
use crate::store;
use crate::sync::{self, SyncReport};

/// One account's inbox unread count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxUnread {
    /// The account's id.
    pub account_id: String,
    /// Unread messages in its inbox, as stored; `None` before its labels are stored.
    pub unread: Option<u64>,
}

/// The web address of a message in Gmail, for `email`'s session in the browser.
pub fn gmail_web_url(email: &str, message_id: &str) -> Option<String> {
    if message_id.is_empty() || !message_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut url = url::Url::parse("https://mail.google.com/mail/").ok()?;
    url.query_pairs_mut().append_pair("authuser", email);
    url.set_fragment(Some(&format!("all/{message_id}")));
    Some(url.to_string())
}

impl App {
    /// The account's Gmail profile (address and message count).
    pub fn profile<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Profile>> {
        Box::pin(async move {
            let tokens = self.tokens(account_id)?;
            self.gmail(account_id)?.profile(&tokens).await
        })
    }

    /// Opens one message in Gmail on the web, in the person's browser, signed in as the
    /// account (`authuser`). Only ids made of letters and digits are accepted: the window
    /// cannot use this to open anything else.
    pub fn open_message(&self, account_id: &str, message_id: &str) -> Result<String> {
        let email = self
            .auth
            .email_of(account_id)
            .ok_or_else(|| auth::Error::UnknownAccount {
                id: account_id.to_owned(),
            })?;
        let url = gmail_web_url(&email, message_id).ok_or_else(|| {
            Error::from(gmail::Error::InvalidMessageId {
                id: message_id.to_owned(),
            })
        })?;
        self.opener()?
            .open(&url)
            .map_err(|detail| auth::Error::BrowserFailed { detail })?;
        Ok(url)
    }

    /// One page of the list: `messages.list` for the ids, rows from the store, and only
    /// messages never seen fetched. With Google unreachable, the page comes from the
    /// store, marked [`Page::offline`], with [`Page::as_of_ms`] saying when it was current
    /// (if it ever was). An invalid page token
    /// is reported as `invalid_page_token`: the window starts again from the first page.
    pub fn list_page<'a>(
        &'a self,
        account_id: &'a str,
        query: PageQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move {
            let store = self.store(account_id);
            // A cursor from a stored page goes on through the store.
            if query
                .page_token
                .as_deref()
                .is_some_and(|t| t.starts_with("stored:"))
            {
                return sync::stored_page(&store, &query).await;
            }
            let online = async {
                let (tokens, gmail) = (self.tokens(account_id)?, self.gmail(account_id)?);
                // With nothing stored, the mailbox's historyId is asked beside the list,
                // not before it (one round trip fewer): a change between the two answers
                // is either in the rows fetched after the list, or after the historyId and
                // so in the first sync; a message that arrives between the list and the
                // profile is in the next list asked (every refresh asks), though not
                // announced as new.
                let (began, page) = tokio::join!(
                    sync::begin_history(&gmail, &tokens, &store),
                    sync::page(&gmail, &tokens, &store, &query)
                );
                began?;
                let mut page = page?;
                // Gmail's answer to a search: which rows only Gmail found. A query this
                // computer cannot parse marks none (Gmail's answer stands).
                if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
                    page.only_gmail = sync::only_gmail(&store, q, &page).await.unwrap_or_default();
                }
                Ok::<_, Error>(page)
            };
            match online.await {
                Err(e) if e.is_offline() => {
                    let mut page = sync::stored_page(&store, &query).await?;
                    page.offline = true;
                    Ok(page)
                }
                other => other,
            }
        })
    }

    /// The first page of a list as the store has it, with no network at all: what a
    /// launch paints first, and `mailglance list --offline`.
    pub fn stored_page<'a>(
        &'a self,
        account_id: &'a str,
        query: PageQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { sync::stored_page(&self.store(account_id), &query).await })
    }

    /// The account's labels, with unread counts for the sidebar's system labels; kept,
    /// and offline the kept ones.
    pub fn labels<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Vec<Label>>> {
        Box::pin(async move {
            let store = self.store(account_id);
            let online = async {
                let tokens = self.tokens(account_id)?;
                sync::labels(&self.gmail(account_id)?, &tokens, &store).await
            };
            match online.await {
                Err(e) if e.is_offline() => {
                    let kept = store.call(|c| store::labels_all(c)).await?;
                    if kept.is_empty() { Err(e) } else { Ok(kept) }
                }
                other => other,
            }
        })
    }

    /// Search on this computer alone (no network): the newest stored messages matching
    /// `query`, whatever Gmail answered before; the window's results while typing.
    pub fn search_here<'a>(
        &'a self,
        account_id: &'a str,
        query: PageQuery,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { sync::search_here(&self.store(account_id), &query).await })
    }

    /// The labels as the store has them (no network).
    pub fn stored_labels<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Vec<Label>>> {
        Box::pin(async move {
            Ok(self
                .store(account_id)
                .call(|c| store::labels_all(c))
                .await?)
        })
    }

    /// Each signed-in account's inbox unread count, as stored (no network), in the
    /// accounts' order: the tray's title and the window's All inboxes add them up. An
    /// account whose labels are not stored yet has no count (`None`).
    pub fn inbox_unread(&self) -> BoxFuture<'_, Vec<InboxUnread>> {
        Box::pin(async move {
            let mut counts = Vec::new();
            for account in self.accounts().await.unwrap_or_default() {
                if account.state != crate::auth::AccountState::SignedIn {
                    continue;
                }
                let unread = self
                    .stored_labels(&account.id)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .find(|l| l.id == "INBOX")
                    .and_then(|l| l.unread);
                counts.push(InboxUnread {
                    account_id: account.id,
                    unread,
                });
            }
            counts
        })
    }

    /// Brings the account's store up to date with `history.list`. One sync at a time per
    /// account, in this process and across every process on this computer: a sync asked
    /// while one runs waits for it, then finds what it left (one `history.list`, nothing
    /// fetched twice).
    pub fn sync<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SyncReport>> {
        Box::pin(async move {
            let _held = self.sync_lock(account_id).await;
            let tokens = self.tokens(account_id)?;
            sync::sync(&self.gmail(account_id)?, &tokens, &self.store(account_id)).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_opens_in_gmail_for_its_account_and_odd_ids_are_refused() {
        assert_eq!(
            gmail_web_url("ana.kowalska@example.com", "18c2f0a9b1d4e7f3").unwrap(),
            "https://mail.google.com/mail/?authuser=ana.kowalska%40example.com#all/18c2f0a9b1d4e7f3"
        );
        assert_eq!(gmail_web_url("ana@example.com", "x/../../evil"), None);
        assert_eq!(gmail_web_url("ana@example.com", ""), None);
    }
}
