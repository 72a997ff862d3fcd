//! Changing the mailbox while the app runs, the way a person using Gmail elsewhere would:
//! mark read or unread, star, label, archive, deliver and delete. Every change gets the
//! account's next history id, appends its record to the history log, and becomes the
//! message's own `historyId`; label counts, `messages.list` and searches read the messages,
//! so they follow at once.
//!
//! Used through [`MailboxControl`] (from [`crate::StandIn::mailbox_control`]) or by POSTing a
//! [`MailboxCommand`] (or an array of them) as JSON to `/_standin/mailbox`. This module does
//! not serve `history.list` (`gmail.rs`) and holds no data types (`mailbox.rs`).

use std::fmt;
use std::sync::{Arc, PoisonError};

use serde::{Deserialize, Serialize};

use crate::mailbox::{Account, HistoryKind, HistoryRecord, Mailbox, Message, snippet_from};
use crate::state::State;
use crate::{Error, Result};

impl Account {
    /// The next history id: above every earlier one, with a small gap, since Gmail's ids
    /// "are not contiguous with random gaps in between valid IDs".
    fn next_history_id(&mut self) -> u64 {
        let gap = 1 + (self.history_id ^ (self.history_id >> 3)) % 4;
        self.history_id += gap;
        self.history_id
    }

    /// Appends a record for the message at `index` (as it is now) and makes its id the
    /// message's `historyId`.
    fn record(&mut self, index: usize, kind: HistoryKind, label_ids: Vec<String>) -> u64 {
        let id = self.next_history_id();
        let message = &mut self.messages[index];
        message.history_id = id;
        self.history.push(HistoryRecord {
            id,
            kind,
            message_id: message.id.clone(),
            thread_id: message.thread_id.clone(),
            message_label_ids: message.label_ids.clone(),
            label_ids,
        });
        id
    }

    fn index_of(&self, id: &str) -> Result<usize> {
        self.messages
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| Error::UnknownMessage {
                email: self.email.clone(),
                id: id.to_string(),
            })
    }

    /// A label's id from its id (system ids in any case) or its exact name.
    fn label_id(&self, label: &str) -> Result<String> {
        self.label(label)
            .or_else(|| self.labels.iter().find(|l| l.name == label))
            .map(|l| l.id.clone())
            .ok_or_else(|| Error::UnknownLabel {
                email: self.email.clone(),
                label: label.to_string(),
            })
    }

    /// Adds a message as just arrived (a `messageAdded` record); fills an empty id, thread
    /// id and snippet. Returns its id.
    fn deliver(&mut self, mut message: Message) -> Result<String> {
        if message.id.is_empty() {
            let ms = message.internal_date.max(0) as u64;
            let mut n = self.messages.len() as u64;
            loop {
                let id = format!("{:016x}", (ms << 20) | (n & 0xfffff));
                if self.message(&id).is_none() {
                    message.id = id;
                    break;
                }
                n += 1;
            }
        } else if self.message(&message.id).is_some() {
            return Err(Error::MessageExists {
                email: self.email.clone(),
                id: message.id,
            });
        }
        if message.thread_id.is_empty() {
            message.thread_id = message.id.clone();
        }
        if message.snippet.is_empty() {
            message.snippet = snippet_from(&message.text);
        }
        let id = message.id.clone();
        self.messages.push(message);
        let index = self.messages.len() - 1;
        self.record(index, HistoryKind::MessageAdded, Vec::new());
        self.messages
            .sort_by(|a, b| (b.internal_date, &b.id).cmp(&(a.internal_date, &a.id)));
        Ok(id)
    }

    /// Adds then removes labels, as `messages.modify`: a `labelAdded` record for the labels
    /// really added and a `labelRemoved` record for those really removed; nothing when
    /// nothing changes. Returns the account's history id.
    fn modify(&mut self, id: &str, add: &[&str], remove: &[&str]) -> Result<u64> {
        let index = self.index_of(id)?;
        let add = add
            .iter()
            .map(|l| self.label_id(l))
            .collect::<Result<Vec<_>>>()?;
        let remove = remove
            .iter()
            .map(|l| self.label_id(l))
            .collect::<Result<Vec<_>>>()?;
        let mut added = Vec::new();
        for label in add {
            let message = &mut self.messages[index];
            if !message.has_label(&label) && !added.contains(&label) {
                message.label_ids.push(label.clone());
                added.push(label);
            }
        }
        if !added.is_empty() {
            self.record(index, HistoryKind::LabelAdded, added);
        }
        let mut removed = Vec::new();
        for label in remove {
            let message = &mut self.messages[index];
            if message.has_label(&label) {
                message.label_ids.retain(|l| *l != label);
                removed.push(label);
            }
        }
        if !removed.is_empty() {
            self.record(index, HistoryKind::LabelRemoved, removed);
        }
        Ok(self.history_id)
    }

    /// Deletes a message for good (not to the trash): a `messageDeleted` record.
    fn delete(&mut self, id: &str) -> Result<u64> {
        let index = self.index_of(id)?;
        self.record(index, HistoryKind::MessageDeleted, Vec::new());
        self.messages.remove(index);
        Ok(self.history_id)
    }

    /// Forgets all history so far: every history id handed out before is stale (404) and
    /// the next one (the profile's, from now) is the oldest that is valid.
    fn expire_history(&mut self) -> u64 {
        self.history_id += 1;
        self.history_floor = self.history_id;
        let floor = self.history_floor;
        self.history.retain(|r| r.id >= floor);
        self.history_id
    }
}

/// One change, as `/_standin/mailbox` takes it (`{"change": "mark_read", "email": ...,
/// "id": ...}`). Label names may be given instead of ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum MailboxCommand {
    /// A new message arrives (format of a fixture message; `id` may be empty).
    Deliver {
        /// The account.
        email: String,
        /// The message.
        message: Message,
    },
    /// Adds and removes labels, as `messages.modify`.
    Modify {
        /// The account.
        email: String,
        /// The message id.
        id: String,
        /// Labels to add.
        #[serde(default)]
        add: Vec<String>,
        /// Labels to remove.
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Removes UNREAD.
    MarkRead {
        /// The account.
        email: String,
        /// The message id.
        id: String,
    },
    /// Adds UNREAD.
    MarkUnread {
        /// The account.
        email: String,
        /// The message id.
        id: String,
    },
    /// Adds STARRED.
    Star {
        /// The account.
        email: String,
        /// The message id.
        id: String,
    },
    /// Removes STARRED.
    Unstar {
        /// The account.
        email: String,
        /// The message id.
        id: String,
    },
    /// Removes INBOX.
    Archive {
        /// The account.
        email: String,
        /// The message id.
        id: String,
    },
    /// Deletes the message for good.
    Delete {
        /// The account.
        email: String,
        /// The message id.
        id: String,
    },
    /// Makes every history id handed out so far stale (404 from `history.list`).
    ExpireHistory {
        /// The account.
        email: String,
    },
}

/// What a change left: the account's history id and, for a delivery, the new message's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// The account's history id after the change (a string on the wire, as Google's).
    #[serde(with = "as_string")]
    pub history_id: u64,
    /// The delivered message's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

mod as_string {
    pub fn serialize<S: serde::Serializer>(n: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(n)
    }
}

/// Changes the mailbox of a running stand-in. Cheap to clone; every change is visible to
/// the next request. Each method names the account by address and returns the account's
/// history id after the change.
#[derive(Clone)]
pub struct MailboxControl {
    pub(crate) state: Arc<State>,
}

impl fmt::Debug for MailboxControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxControl").finish_non_exhaustive()
    }
}

impl MailboxControl {
    /// Runs `change` on the account under the mailbox's write lock.
    fn with_account<T>(
        &self,
        email: &str,
        change: impl FnOnce(&mut Account) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self
            .state
            .mailbox
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let unknown = || Error::UnknownAccount {
            email: email.to_string(),
        };
        let index = guard
            .accounts
            .iter()
            .position(|a| a.email.eq_ignore_ascii_case(email))
            .ok_or_else(unknown)?;
        // Copies the mailbox only while a request still reads an older snapshot.
        let mailbox: &mut Mailbox = Arc::make_mut(&mut guard);
        change(&mut mailbox.accounts[index])
    }

    /// Applies one command (what `/_standin/mailbox` does).
    pub fn apply(&self, command: MailboxCommand) -> Result<Applied> {
        let history_id = match command {
            MailboxCommand::Deliver { email, message } => {
                let (id, history_id) =
                    self.with_account(&email, |a| Ok((a.deliver(message)?, a.history_id)))?;
                return Ok(Applied {
                    history_id,
                    id: Some(id),
                });
            }
            MailboxCommand::Modify {
                email,
                id,
                add,
                remove,
            } => {
                let add: Vec<&str> = add.iter().map(String::as_str).collect();
                let remove: Vec<&str> = remove.iter().map(String::as_str).collect();
                self.modify(&email, &id, &add, &remove)?
            }
            MailboxCommand::MarkRead { email, id } => self.mark_read(&email, &id)?,
            MailboxCommand::MarkUnread { email, id } => self.mark_unread(&email, &id)?,
            MailboxCommand::Star { email, id } => self.star(&email, &id)?,
            MailboxCommand::Unstar { email, id } => self.unstar(&email, &id)?,
            MailboxCommand::Archive { email, id } => self.archive(&email, &id)?,
            MailboxCommand::Delete { email, id } => self.delete(&email, &id)?,
            MailboxCommand::ExpireHistory { email } => self.expire_history(&email)?,
        };
        Ok(Applied {
            history_id,
            id: None,
        })
    }

    /// Adds a message as if it had just arrived: a `messageAdded` record with the next
    /// history id. An empty `id`, `thread_id` or `snippet` is filled in (a new thread).
    /// Returns the message's id.
    pub fn deliver(&self, email: &str, message: Message) -> Result<String> {
        self.with_account(email, |a| a.deliver(message))
    }

    /// Adds then removes labels (ids, or names of user labels), as `messages.modify` does:
    /// one `labelAdded` record for the labels that were not there, one `labelRemoved`
    /// record for those that were; no record when nothing changes.
    pub fn modify(&self, email: &str, id: &str, add: &[&str], remove: &[&str]) -> Result<u64> {
        self.with_account(email, |a| a.modify(id, add, remove))
    }

    /// Adds one label (id or name).
    pub fn add_label(&self, email: &str, id: &str, label: &str) -> Result<u64> {
        self.modify(email, id, &[label], &[])
    }

    /// Removes one label (id or name).
    pub fn remove_label(&self, email: &str, id: &str, label: &str) -> Result<u64> {
        self.modify(email, id, &[], &[label])
    }

    /// Marks the message read (removes UNREAD).
    pub fn mark_read(&self, email: &str, id: &str) -> Result<u64> {
        self.remove_label(email, id, "UNREAD")
    }

    /// Marks the message unread (adds UNREAD).
    pub fn mark_unread(&self, email: &str, id: &str) -> Result<u64> {
        self.add_label(email, id, "UNREAD")
    }

    /// Stars the message (adds STARRED).
    pub fn star(&self, email: &str, id: &str) -> Result<u64> {
        self.add_label(email, id, "STARRED")
    }

    /// Unstars the message (removes STARRED).
    pub fn unstar(&self, email: &str, id: &str) -> Result<u64> {
        self.remove_label(email, id, "STARRED")
    }

    /// Archives the message (removes INBOX).
    pub fn archive(&self, email: &str, id: &str) -> Result<u64> {
        self.remove_label(email, id, "INBOX")
    }

    /// Deletes the message for good (a `messageDeleted` record; it leaves every list).
    pub fn delete(&self, email: &str, id: &str) -> Result<u64> {
        self.with_account(email, |a| a.delete(id))
    }

    /// Makes every history id handed out so far too old: `history.list` from any of them
    /// answers 404, as Google does once it no longer keeps that history. The account's
    /// history id moves on by one, and that new id (the profile's) is valid.
    pub fn expire_history(&self, email: &str) -> Result<u64> {
        self.with_account(email, |a| Ok(a.expire_history()))
    }

    /// The account's current history id (the profile's `historyId`).
    pub fn history_id(&self, email: &str) -> Result<u64> {
        self.read(email, |a| a.history_id)
    }

    /// The account's history log as `history.list` serves it, oldest first.
    pub fn history(&self, email: &str) -> Result<Vec<HistoryRecord>> {
        self.read(email, |a| a.history.clone())
    }

    fn read<T>(&self, email: &str, question: impl FnOnce(&Account) -> T) -> Result<T> {
        let mailbox = self.state.mailbox();
        mailbox
            .account(email)
            .map(question)
            .ok_or_else(|| Error::UnknownAccount {
                email: email.to_string(),
            })
    }
}
