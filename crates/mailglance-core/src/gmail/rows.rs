//! Pure converters from Gmail's wire types to what the list shows: a [`Row`] per message
//! and a [`Label`] per sidebar entry.
//!
//! Everything a person reads is decoded here: the sender's name and address from `From`
//! (RFC 5322 quoting, RFC 2047 encoded-words in any charset; see `headers`), the
//! snippet's HTML entities. The results are plain text for `textContent`; nothing here
//! escapes for HTML. Not here: HTTP, caching, or anything the window does.

use serde::Serialize;

use super::api::{ApiLabel, Message};
use super::headers::{
    decode_encoded_words, decode_entities, displayable, parse_from, without_bidi_controls,
};

/// `UNREAD`: the message has not been read.
pub const UNREAD: &str = "UNREAD";
/// `STARRED`: the person starred the message.
pub const STARRED: &str = "STARRED";
/// `IMPORTANT`: Gmail's importance marker.
pub const IMPORTANT: &str = "IMPORTANT";

/// Gmail's system label ids (besides the `CATEGORY_*` family); every other id is a label
/// the person made (`Label_12`).
pub const SYSTEM_LABELS: &[&str] = &[
    "INBOX", "SENT", "DRAFT", "SPAM", "TRASH", UNREAD, STARRED, IMPORTANT, "CHAT",
];

/// The system labels whose counts the sidebar shows (their unread mail), in its order:
/// only these are fetched (`labels.get`, 1 unit each).
pub const COUNTED_LABELS: &[&str] = &["INBOX", IMPORTANT, "SPAM"];

/// One line of the message list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The message id.
    pub id: String,
    /// Its thread's id.
    pub thread_id: String,
    /// The sender's display name, decoded; `None` when `From` has only an address.
    pub from_name: Option<String>,
    /// The sender's address (may be empty when `From` is missing).
    pub from_address: String,
    /// The subject, decoded; `None` when missing or blank.
    pub subject: Option<String>,
    /// The snippet as plain text (entities decoded).
    pub snippet: String,
    /// Gmail's `internalDate`: epoch milliseconds (0 if unreadable).
    pub date_ms: i64,
    /// Carries `UNREAD`.
    pub unread: bool,
    /// Carries `STARRED`.
    pub starred: bool,
    /// Carries `IMPORTANT`.
    pub important: bool,
    /// The person's own label ids, in Gmail's order.
    pub labels: Vec<String>,
}

/// Whether a label is Gmail's or the person's.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    /// Built into Gmail (`INBOX`, `CATEGORY_SOCIAL`).
    System,
    /// Made by the person.
    User,
}

/// A sidebar entry.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// `INBOX`, `Label_3`.
    pub id: String,
    /// Gmail's name (system labels are named by their id; the UI translates those).
    pub name: String,
    /// System or user.
    pub kind: LabelKind,
    /// Unread messages, when asked for (labels.get).
    pub unread: Option<u64>,
    /// All messages, when asked for (labels.get).
    pub total: Option<u64>,
}

/// Whether `id` is one of Gmail's own labels.
pub fn is_system_label(id: &str) -> bool {
    SYSTEM_LABELS.contains(&id) || id.starts_with("CATEGORY_")
}

/// The list row for a message fetched with `format=metadata`.
pub fn row_from(message: &Message) -> Row {
    let (from_name, from_address) = message.header("From").map(parse_from).unwrap_or_default();
    // No control character reaches a screen or a terminal; no bidi control disguises
    // who a message is from.
    let from_name = from_name
        .map(|n| without_bidi_controls(&n))
        .filter(|n| !n.is_empty());
    let from_address = without_bidi_controls(&from_address);
    let subject = message
        .header("Subject")
        .map(|s| displayable(&decode_encoded_words(s)))
        .filter(|s| !s.is_empty());
    let mut row = Row {
        id: message.id.clone(),
        thread_id: message.thread_id.clone(),
        from_name,
        from_address,
        subject,
        snippet: displayable(&decode_entities(&message.snippet)),
        date_ms: message
            .internal_date
            .as_deref()
            .and_then(|d| d.trim().parse().ok())
            .unwrap_or(0),
        unread: false,
        starred: false,
        important: false,
        labels: Vec::new(),
    };
    row.set_labels(&message.label_ids);
    row
}

/// The headers that name a message's recipients, as `to:` searches them.
pub const RECIPIENT_HEADERS: &[&str] = &["To", "Cc", "Bcc"];

/// A message's recipients as one line of text (`To`, `Cc`, `Bcc`, encoded words decoded,
/// controls and bidi overrides dropped), for search on this computer; never shown.
pub fn recipients_of(message: &Message) -> String {
    RECIPIENT_HEADERS
        .iter()
        .flat_map(|name| message.headers(name))
        .map(|v| without_bidi_controls(&decode_encoded_words(v)))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Row {
    /// Sets the flags and user labels from a message's label ids (as they are now: a
    /// row kept from before takes its labels from `history.list`).
    pub fn set_labels(&mut self, label_ids: &[String]) {
        let has = |label: &str| label_ids.iter().any(|l| l == label);
        self.unread = has(UNREAD);
        self.starred = has(STARRED);
        self.important = has(IMPORTANT);
        self.labels = label_ids
            .iter()
            .filter(|l| !is_system_label(l))
            .cloned()
            .collect();
    }
}

/// The sidebar entry for a label from `labels.list` or `labels.get`.
pub fn label_from(label: &ApiLabel) -> Label {
    let kind = match label.kind.as_deref() {
        Some(k) if k.eq_ignore_ascii_case("system") => LabelKind::System,
        Some(_) => LabelKind::User,
        None if is_system_label(&label.id) => LabelKind::System,
        None => LabelKind::User,
    };
    Label {
        id: label.id.clone(),
        name: if label.name.trim().is_empty() {
            label.id.clone()
        } else {
            displayable(&label.name)
        },
        kind,
        unread: label.messages_unread.and_then(|n| u64::try_from(n).ok()),
        total: label.messages_total.and_then(|n| u64::try_from(n).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gmail::api::{MessagePart, MessagePartHeader};

    fn message(headers: &[(&str, &str)], labels: &[&str], snippet: &str) -> Message {
        Message {
            id: "18c2a1f0e4b3d201".into(),
            thread_id: "18c2a1f0e4b3d200".into(),
            label_ids: labels.iter().map(|s| s.to_string()).collect(),
            snippet: snippet.into(),
            internal_date: Some("1700000000123".into()),
            history_id: Some("42".into()),
            payload: Some(MessagePart {
                mime_type: "text/plain".into(),
                headers: headers
                    .iter()
                    .map(|(n, v)| MessagePartHeader {
                        name: n.to_string(),
                        value: v.to_string(),
                    })
                    .collect(),
            }),
            size_estimate: Some(1000),
        }
    }

    #[test]
    fn a_row_takes_flags_user_labels_date_and_text_from_the_message() {
        let m = message(
            &[
                ("From", "Ana Kowalska <ana@example.com>"),
                ("Subject", "  Lunch   on Friday? "),
                ("Date", "Tue, 14 Nov 2023 22:13:20 +0000"),
            ],
            &[
                "INBOX",
                "UNREAD",
                "IMPORTANT",
                "CATEGORY_UPDATES",
                "Label_4",
            ],
            "See you &amp; Jan at noon",
        );
        let row = row_from(&m);
        assert_eq!(row.id, "18c2a1f0e4b3d201");
        assert_eq!(row.thread_id, "18c2a1f0e4b3d200");
        assert_eq!(row.from_name.as_deref(), Some("Ana Kowalska"));
        assert_eq!(row.from_address, "ana@example.com");
        assert_eq!(row.subject.as_deref(), Some("Lunch on Friday?"));
        assert_eq!(row.snippet, "See you & Jan at noon");
        assert_eq!(row.date_ms, 1_700_000_000_123);
        assert!(row.unread && row.important && !row.starred);
        assert_eq!(row.labels, vec!["Label_4".to_string()]);
    }

    #[test]
    fn a_blank_or_missing_subject_is_none_and_an_escaped_subject_stays_escaped() {
        assert_eq!(
            row_from(&message(&[("Subject", "  ")], &[], "")).subject,
            None
        );
        assert_eq!(row_from(&message(&[], &[], "")).subject, None);
        // Headers are not HTML: `&amp;` in a subject is what the sender wrote.
        assert_eq!(
            row_from(&message(&[("Subject", "Tom &amp; Jerry")], &[], "")).subject,
            Some("Tom &amp; Jerry".into())
        );
    }

    #[test]
    fn no_control_character_reaches_the_row_and_no_bidi_control_disguises_the_sender() {
        let row = row_from(&message(
            &[
                (
                    "From",
                    "\"Mallory \u{202E}gnp.exe\" <mallory\u{202E}@example.com>",
                ),
                (
                    "Subject",
                    "Invoice\u{0}\u{1b}[31m red\u{7}\u{9b} \u{202E}overdue",
                ),
            ],
            &[],
            "line\u{0}one\r\nline two &amp;\u{85}",
        ));
        assert_eq!(row.from_name.as_deref(), Some("Mallory gnp.exe"));
        assert_eq!(row.from_address, "mallory@example.com");
        // Controls become spaces; a right-to-left override in a subject stays (the window
        // isolates the field, so it cannot reach the snippet).
        assert_eq!(
            row.subject.as_deref(),
            Some("Invoice [31m red \u{202E}overdue")
        );
        assert_eq!(row.snippet, "line one line two &");
        let label = label_from(&ApiLabel {
            id: "Label_9".into(),
            name: "Bad\u{0}name".into(),
            ..ApiLabel::default()
        });
        assert_eq!(label.name, "Bad name");
    }

    #[test]
    fn a_message_without_from_or_date_still_makes_a_row() {
        let mut m = message(&[], &[], "");
        m.internal_date = None;
        m.payload = None;
        let row = row_from(&m);
        assert_eq!((row.from_name, row.from_address.as_str()), (None, ""));
        assert_eq!(row.date_ms, 0);
    }

    #[test]
    fn recipients_are_every_to_cc_and_bcc_decoded_on_one_line() {
        let m = message(
            &[
                ("From", "a@b"),
                ("To", "=?UTF-8?B?Wm/DqyBCZXJuYXJk?= <zoe@example.fr>"),
                ("Cc", "piotr@example.pl,\r\n marta@example.com"),
                ("Bcc", "boss@example.com"),
                ("To", "second-to@example.com"),
            ],
            &[],
            "",
        );
        assert_eq!(
            recipients_of(&m),
            "Zoë Bernard <zoe@example.fr>, second-to@example.com, \
             piotr@example.pl, marta@example.com, boss@example.com"
        );
        assert_eq!(recipients_of(&message(&[("From", "a@b")], &[], "")), "");
    }

    #[test]
    fn a_row_serialises_in_camel_case_for_the_web_view() {
        let row = row_from(&message(&[("From", "a@b")], &["STARRED"], ""));
        let json = serde_json::to_value(&row).unwrap();
        for key in ["threadId", "fromName", "fromAddress", "dateMs", "starred"] {
            assert!(json.get(key).is_some(), "{key} missing in {json}");
        }
    }

    #[test]
    fn labels_know_their_kind_and_keep_counts_only_when_sent() {
        let inbox = label_from(&ApiLabel {
            id: "INBOX".into(),
            name: "INBOX".into(),
            kind: Some("system".into()),
            messages_total: Some(12),
            messages_unread: Some(3),
        });
        assert_eq!(inbox.kind, LabelKind::System);
        assert_eq!((inbox.unread, inbox.total), (Some(3), Some(12)));
        let mine = label_from(&ApiLabel {
            id: "Label_6".into(),
            name: "Family & Friends".into(),
            kind: Some("user".into()),
            ..Default::default()
        });
        assert_eq!(mine.kind, LabelKind::User);
        assert_eq!(mine.unread, None);
        let json = serde_json::to_value(&mine).unwrap();
        assert_eq!(json["kind"], "user");
    }
}
