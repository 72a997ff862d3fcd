//! The mailbox the stand-in serves: accounts, labels and messages, and the
//! JSON fixture format that can replace the generated demo mailbox.
//!
//! This module holds data and the pure questions asked of it (label counts,
//! history floor, the history log). It is not the Gmail wire format (see
//! `gmail.rs`), it does not change the mailbox (see `changes.rs`) and it does not
//! generate anything (see `generate.rs`).
//!
//! # Fixture format
//!
//! `--fixture FILE` (or [`crate::Options::fixture`]) loads a JSON file of this
//! shape instead of generating the demo mailbox:
//!
//! ```json
//! {
//!   "accounts": [
//!     {
//!       "email": "ana.kowalska@example.com",
//!       "name": "Ana Kowalska",
//!       "givenName": "Ana", "familyName": "Kowalska",
//!       "sub": "104857600000000000001",
//!       "picture": "https://example.com/ana.png",
//!       "labels": [ {"id": "Label_1", "name": "Receipts"} ],
//!       "messages": [
//!         {
//!           "id": "18c2a1f0e4b3d201", "threadId": "18c2a1f0e4b3d201",
//!           "labelIds": ["INBOX", "UNREAD", "Label_1"],
//!           "internalDate": 1700000000000,
//!           "headers": [ {"name": "From", "value": "Shop <shop@example.net>"},
//!                        {"name": "Subject", "value": "Your receipt"} ],
//!           "snippet": "Thanks for your order & see you",
//!           "text": "Thanks for your order & see you soon.",
//!           "html": "<p>Thanks for your order &amp; see you soon.</p>",
//!           "attachments": [ {"filename": "receipt.pdf", "mimeType": "application/pdf", "size": 20480} ]
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! Only `email`, `name` and each message's `id`, `internalDate` are required.
//! Omitted: `givenName`/`familyName` are split from `name`; `sub` is derived
//! from the e-mail; `labels` lists user labels only (the system labels are
//! always present; a user label may give `type`, visibilities and `color`);
//! `threadId` defaults to the message id; `snippet` defaults to the start of
//! `text`. `snippet` is plain text: the server escapes it the way Gmail does.
//! `historyId` may be given per message; otherwise history ids are assigned in
//! date order. `internalDate` is epoch milliseconds (a JSON number here; the
//! API sends it as a string). The history log is not part of the fixture: it
//! starts with a `messageAdded` record for each message newer than the
//! account's history floor, and grows as the mailbox changes.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

/// Every system label a Gmail mailbox has, in the order labels.list returns them.
pub const SYSTEM_LABELS: &[&str] = &[
    "CHAT",
    "SENT",
    "INBOX",
    "IMPORTANT",
    "TRASH",
    "DRAFT",
    "SPAM",
    "CATEGORY_FORUMS",
    "CATEGORY_UPDATES",
    "CATEGORY_PERSONAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_SOCIAL",
    "STARRED",
    "UNREAD",
];

/// The whole mailbox: every account the consent page offers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Mailbox {
    /// Accounts, in the order the consent page lists them.
    pub accounts: Vec<Account>,
}

/// One Google account with its Gmail mailbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The address; also what `userId` may name instead of `me`.
    pub email: String,
    /// Display name (OpenID `name`).
    pub name: String,
    /// OpenID `given_name`.
    #[serde(default)]
    pub given_name: String,
    /// OpenID `family_name`.
    #[serde(default)]
    pub family_name: String,
    /// The stable numeric subject id (OpenID `sub`, oauth2/v2 `id`), 21 digits like Google's.
    #[serde(default)]
    pub sub: String,
    /// Avatar URL (never fetched by the stand-in).
    #[serde(default)]
    pub picture: String,
    /// System labels first, then user labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Newest first (by `internal_date`, then id).
    #[serde(default)]
    pub messages: Vec<Message>,
    /// The mailbox's current history id (at least every message's).
    #[serde(default)]
    pub history_id: u64,
    /// History records older than this are gone: a `startHistoryId` below it is stale (404).
    #[serde(default)]
    pub history_floor: u64,
    /// The history log, oldest first with increasing ids, each id above the floor; what
    /// `history.list` serves. Not read from or written to fixtures.
    #[serde(skip)]
    pub history: Vec<HistoryRecord>,
}

/// A kind of change, as `history.list`'s `historyTypes` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HistoryKind {
    /// A message arrived (`messagesAdded`).
    MessageAdded,
    /// A message was deleted for good, not trashed (`messagesDeleted`).
    MessageDeleted,
    /// Labels were added to a message (`labelsAdded`).
    LabelAdded,
    /// Labels were removed from a message (`labelsRemoved`).
    LabelRemoved,
}

impl HistoryKind {
    /// Every kind, in the discovery document's order.
    pub const ALL: [HistoryKind; 4] = [
        HistoryKind::MessageAdded,
        HistoryKind::MessageDeleted,
        HistoryKind::LabelAdded,
        HistoryKind::LabelRemoved,
    ];

    /// The `historyTypes` value: `messageAdded`, `messageDeleted`, `labelAdded`,
    /// `labelRemoved`.
    pub fn name(self) -> &'static str {
        match self {
            HistoryKind::MessageAdded => "messageAdded",
            HistoryKind::MessageDeleted => "messageDeleted",
            HistoryKind::LabelAdded => "labelAdded",
            HistoryKind::LabelRemoved => "labelRemoved",
        }
    }

    /// The History field that carries this kind: `messagesAdded`, `messagesDeleted`,
    /// `labelsAdded`, `labelsRemoved`.
    pub fn field(self) -> &'static str {
        match self {
            HistoryKind::MessageAdded => "messagesAdded",
            HistoryKind::MessageDeleted => "messagesDeleted",
            HistoryKind::LabelAdded => "labelsAdded",
            HistoryKind::LabelRemoved => "labelsRemoved",
        }
    }

    /// Reads a `historyTypes` value. Like Google's enum parameters it also takes the
    /// constant's spelling (`MESSAGE_ADDED`); case does not matter.
    pub fn parse(text: &str) -> Option<HistoryKind> {
        let key: String = text
            .chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        HistoryKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(&key))
    }
}

/// One record of an account's history: one change to one message. (Gmail may group several
/// changes in a record; the stand-in never does, which a client must accept either way.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryRecord {
    /// The record's history id; the message's `historyId` becomes this.
    pub id: u64,
    /// What happened.
    pub kind: HistoryKind,
    /// The message's id.
    pub message_id: String,
    /// The message's thread.
    pub thread_id: String,
    /// The message's labels after the change (for a deletion: when it was deleted).
    pub message_label_ids: Vec<String>,
    /// The labels added or removed (empty for messages added or deleted).
    pub label_ids: Vec<String>,
}

impl HistoryRecord {
    /// Whether `history.list`'s `labelId` keeps this record: the message carries the label
    /// after the change, or the change added or removed it (so archiving shows under
    /// `INBOX`).
    pub fn concerns_label(&self, label: &str) -> bool {
        self.message_label_ids.iter().any(|l| l == label)
            || self.label_ids.iter().any(|l| l == label)
    }
}

/// `system` or `user`, as Gmail's Label.type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Built into Gmail (INBOX, UNREAD, ...).
    System,
    /// Made by the user.
    #[default]
    User,
}

/// A label as Gmail describes it (without counts; those are computed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// `INBOX` or `Label_N`.
    pub id: String,
    /// Display name; nesting is written with `/` ("Travel/2026").
    pub name: String,
    /// System or user.
    #[serde(default, rename = "type")]
    pub kind: LabelType,
    /// `show` or `hide`, absent on most system labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_list_visibility: Option<String>,
    /// `labelShow`, `labelShowIfUnread` or `labelHide`, absent on most system labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_list_visibility: Option<String>,
    /// Colour from Gmail's palette.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<LabelColor>,
}

/// Gmail's LabelColor.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelColor {
    /// e.g. `#16a766`.
    pub background_color: String,
    /// e.g. `#ffffff`.
    pub text_color: String,
}

/// One RFC 2822 header, as given (never decoded: RFC 2047 words stay as they are).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Header {
    /// Header name as written.
    pub name: String,
    /// Raw value.
    pub value: String,
}

/// An attachment; its bytes are never served, only its part in the payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// File name shown by clients (may be non-ASCII).
    pub filename: String,
    /// MIME type.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u32,
}

/// One message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// 16 lowercase hex digits.
    pub id: String,
    /// Id of the thread (the first message's id).
    #[serde(default)]
    pub thread_id: String,
    /// Label ids.
    #[serde(default)]
    pub label_ids: Vec<String>,
    /// Plain-text snippet; HTML-escaped only when served.
    #[serde(default)]
    pub snippet: String,
    /// Last history record that touched the message.
    #[serde(default)]
    pub history_id: u64,
    /// Epoch milliseconds.
    pub internal_date: i64,
    /// Top-level headers in order.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// text/plain body.
    #[serde(default)]
    pub text: String,
    /// text/html body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Attachments (payload parts with a filename).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Now, in epoch milliseconds (a message's `internalDate`): for tests that deliver mail
/// dated now, or a moment ago.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

impl Message {
    /// A message arriving now in the inbox, unread, for tests that deliver mail while the
    /// app runs (`MailboxControl::deliver` gives it an id, a thread and a history id).
    pub fn arriving(from: &str, subject: &str, text: &str, internal_date: i64) -> Self {
        Self {
            id: String::new(),
            thread_id: String::new(),
            label_ids: vec!["INBOX".into(), "UNREAD".into()],
            snippet: text.into(),
            history_id: 0,
            internal_date,
            headers: vec![
                Header {
                    name: "From".into(),
                    value: from.into(),
                },
                Header {
                    name: "Subject".into(),
                    value: subject.into(),
                },
            ],
            text: text.into(),
            html: None,
            attachments: Vec::new(),
        }
    }

    /// The first header with this name (case-insensitive), as Gmail clients look it up.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Whether the message carries the label id.
    pub fn has_label(&self, id: &str) -> bool {
        self.label_ids.iter().any(|l| l == id)
    }

    /// Gmail's sizeEstimate: roughly the RFC 2822 size.
    pub fn size_estimate(&self) -> i32 {
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.name.len() + h.value.len() + 4)
            .sum();
        let bodies = self.text.len() + self.html.as_ref().map_or(0, String::len);
        let attachments: usize = self
            .attachments
            .iter()
            .map(|a| a.size as usize * 4 / 3)
            .sum();
        i32::try_from(headers + bodies + attachments + 600).unwrap_or(i32::MAX)
    }
}

/// Counts Gmail reports in labels.get.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabelCounts {
    /// Messages with the label.
    pub messages_total: i32,
    /// Of those, with UNREAD.
    pub messages_unread: i32,
    /// Distinct threads with the label.
    pub threads_total: i32,
    /// Distinct threads with an unread message with the label.
    pub threads_unread: i32,
}

impl Mailbox {
    /// The account with this address (case-insensitive, as Gmail treats addresses).
    pub fn account(&self, email: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.email.eq_ignore_ascii_case(email))
    }

    /// Fills what a fixture may omit and puts messages newest first.
    pub(crate) fn normalise(&mut self) {
        for account in &mut self.accounts {
            account.normalise();
        }
    }
}

impl Account {
    /// A message by id.
    pub fn message(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// A label by id (Gmail ids are case-sensitive for user labels; system ids are upper case
    /// but Gmail accepts them in any case).
    pub fn label(&self, id: &str) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.id == id || (l.kind == LabelType::System && l.id.eq_ignore_ascii_case(id)))
    }

    /// The history records after `start` (exclusive), oldest first, or `None` when `start`
    /// is older than the history Google still keeps (`history.list` answers 404).
    pub fn history_since(&self, start: u64) -> Option<impl Iterator<Item = &HistoryRecord>> {
        (start >= self.history_floor).then(|| self.history.iter().filter(move |r| r.id > start))
    }

    /// The number of distinct threads.
    pub fn threads_total(&self) -> i32 {
        let threads: BTreeSet<&str> = self.messages.iter().map(|m| m.thread_id.as_str()).collect();
        i32::try_from(threads.len()).unwrap_or(i32::MAX)
    }

    /// Counts for one label.
    pub fn label_counts(&self, id: &str) -> LabelCounts {
        let mut counts = LabelCounts::default();
        let mut threads: HashMap<&str, bool> = HashMap::new();
        for m in self.messages.iter().filter(|m| m.has_label(id)) {
            let unread = m.has_label("UNREAD");
            counts.messages_total += 1;
            counts.messages_unread += i32::from(unread);
            *threads.entry(m.thread_id.as_str()).or_default() |= unread;
        }
        counts.threads_total = i32::try_from(threads.len()).unwrap_or(i32::MAX);
        counts.threads_unread =
            i32::try_from(threads.values().filter(|u| **u).count()).unwrap_or(i32::MAX);
        counts
    }

    fn normalise(&mut self) {
        if self.given_name.is_empty() && self.family_name.is_empty() {
            let mut words = self.name.splitn(2, ' ');
            self.given_name = words.next().unwrap_or_default().to_string();
            self.family_name = words.next().unwrap_or_default().to_string();
        }
        if self.sub.is_empty() {
            self.sub = sub_for(&self.email);
        }
        let user_labels: Vec<Label> = self
            .labels
            .drain(..)
            .filter(|l| !SYSTEM_LABELS.contains(&l.id.as_str()))
            .map(|mut l| {
                l.kind = LabelType::User;
                l.message_list_visibility
                    .get_or_insert_with(|| "show".into());
                l.label_list_visibility
                    .get_or_insert_with(|| "labelShow".into());
                l
            })
            .collect();
        self.labels = system_labels();
        self.labels.extend(user_labels);

        // History ids follow date order when the fixture gives none.
        self.messages
            .sort_by(|a, b| (a.internal_date, &a.id).cmp(&(b.internal_date, &b.id)));
        let mut next = self
            .messages
            .iter()
            .map(|m| m.history_id)
            .max()
            .unwrap_or(0)
            .max(1000);
        for m in &mut self.messages {
            if m.thread_id.is_empty() {
                m.thread_id = m.id.clone();
            }
            if m.snippet.is_empty() {
                m.snippet = snippet_from(&m.text);
            }
            if m.history_id == 0 {
                next += 7;
                m.history_id = next;
            }
        }
        self.messages
            .sort_by(|a, b| (b.internal_date, &b.id).cmp(&(a.internal_date, &a.id)));
        let newest = self
            .messages
            .iter()
            .map(|m| m.history_id)
            .max()
            .unwrap_or(next);
        self.history_id = self.history_id.max(newest + 3);
        if self.history_floor == 0 || self.history_floor > self.history_id {
            // Keep history for roughly the newest tenth of the mailbox: older ids are stale.
            let mut ids: Vec<u64> = self.messages.iter().map(|m| m.history_id).collect();
            ids.sort_unstable();
            self.history_floor = ids
                .get(ids.len() - ids.len() / 10)
                .copied()
                .unwrap_or(self.history_id)
                .saturating_sub(1);
        }
        if self.history.is_empty() {
            // The recent arrivals the mailbox still has history for, as Gmail would list them.
            let mut added: Vec<&Message> = self
                .messages
                .iter()
                .filter(|m| m.history_id > self.history_floor && m.history_id <= self.history_id)
                .collect();
            added.sort_by_key(|m| m.history_id);
            self.history = added
                .into_iter()
                .map(|m| HistoryRecord {
                    id: m.history_id,
                    kind: HistoryKind::MessageAdded,
                    message_id: m.id.clone(),
                    thread_id: m.thread_id.clone(),
                    message_label_ids: m.label_ids.clone(),
                    label_ids: Vec::new(),
                })
                .collect();
        }
    }
}

/// Gmail's system labels with the visibilities labels.list shows for them.
pub fn system_labels() -> Vec<Label> {
    SYSTEM_LABELS
        .iter()
        .map(|id| {
            let (mlv, llv) = match *id {
                "INBOX" => (None, Some("labelShow")),
                "CHAT" => (Some("hide"), Some("labelHide")),
                _ => (None, None),
            };
            Label {
                id: (*id).to_string(),
                name: (*id).to_string(),
                kind: LabelType::System,
                message_list_visibility: mlv.map(str::to_string),
                label_list_visibility: llv.map(str::to_string),
                color: None,
            }
        })
        .collect()
}

/// A 21-digit numeric subject id derived from the address (stable across runs).
pub(crate) fn sub_for(email: &str) -> String {
    // FNV-1a: tiny, stable, and good enough to spread addresses apart.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in email.to_ascii_lowercase().bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // A u64 has at most 20 digits, so this is always 21 digits.
    format!("1{hash:020}")
}

/// Gmail-like snippet: the first ~140 characters of the text with whitespace collapsed.
pub(crate) fn snippet_from(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(140).collect()
}

/// Loads a fixture file (format in the module docs).
pub(crate) fn load_fixture(path: &std::path::Path) -> Result<Mailbox, crate::Error> {
    let text = std::fs::read_to_string(path).map_err(|source| crate::Error::FixtureRead {
        path: path.to_path_buf(),
        source,
    })?;
    let mut mailbox: Mailbox =
        serde_json::from_str(&text).map_err(|source| crate::Error::FixtureFormat {
            path: path.to_path_buf(),
            source,
        })?;
    if mailbox.accounts.is_empty() {
        return Err(crate::Error::FixtureEmpty {
            path: path.to_path_buf(),
        });
    }
    mailbox.normalise();
    Ok(mailbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_fixture_gets_system_labels_threads_and_history_ids() {
        let mut mailbox: Mailbox = serde_json::from_str(
            r#"{"accounts":[{"email":"x@example.com","name":"Xena Warrior","messages":[
                {"id":"00000000000000a1","internalDate":1000,"text":"hello  there"},
                {"id":"00000000000000a2","internalDate":2000}]}]}"#,
        )
        .unwrap();
        mailbox.normalise();
        let account = &mailbox.accounts[0];
        assert_eq!(account.given_name, "Xena");
        assert_eq!(account.sub.len(), 21);
        assert!(account.label("INBOX").is_some());
        assert_eq!(account.messages[0].id, "00000000000000a2", "newest first");
        assert_eq!(account.messages[1].thread_id, "00000000000000a1");
        assert_eq!(account.messages[1].snippet, "hello there");
        assert!(account.messages[0].history_id > account.messages[1].history_id);
        assert!(account.history_id > account.messages[0].history_id);
    }

    #[test]
    fn label_counts_count_threads_once() {
        let mut mailbox: Mailbox = serde_json::from_str(
            r#"{"accounts":[{"email":"x@example.com","name":"X","messages":[
                {"id":"a1","threadId":"t","internalDate":1,"labelIds":["INBOX","UNREAD"]},
                {"id":"a2","threadId":"t","internalDate":2,"labelIds":["INBOX"]}]}]}"#,
        )
        .unwrap();
        mailbox.normalise();
        let counts = mailbox.accounts[0].label_counts("INBOX");
        assert_eq!(
            counts,
            LabelCounts {
                messages_total: 2,
                messages_unread: 1,
                threads_total: 1,
                threads_unread: 1
            }
        );
    }
}
