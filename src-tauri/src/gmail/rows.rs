//! Pure converters from Gmail's wire types to what the list shows: a [`Row`] per message
//! and a [`Label`] per sidebar entry.
//!
//! Everything a person reads is decoded here: the sender's name and address from `From`
//! (RFC 5322 quoting, RFC 2047 encoded-words in UTF-8, ISO-8859-1 and US-ASCII), the
//! snippet's HTML entities. The results are plain text for `textContent`; nothing here
//! escapes for HTML. Not here: HTTP, caching, or anything the window does.

use serde::Serialize;

use super::api::{ApiLabel, Message};

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

/// The system labels the sidebar shows with counts, in its order.
pub const SIDEBAR_LABELS: &[&str] = &[
    "INBOX", STARRED, IMPORTANT, "SENT", "DRAFT", "SPAM", "TRASH",
];

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
    let subject = message
        .header("Subject")
        .map(|s| collapse_whitespace(&decode_encoded_words(s)))
        .filter(|s| !s.is_empty());
    let has = |label: &str| message.label_ids.iter().any(|l| l == label);
    Row {
        id: message.id.clone(),
        thread_id: message.thread_id.clone(),
        from_name,
        from_address,
        subject,
        snippet: decode_entities(&message.snippet),
        date_ms: message
            .internal_date
            .as_deref()
            .and_then(|d| d.trim().parse().ok())
            .unwrap_or(0),
        unread: has(UNREAD),
        starred: has(STARRED),
        important: has(IMPORTANT),
        labels: message
            .label_ids
            .iter()
            .filter(|l| !is_system_label(l))
            .cloned()
            .collect(),
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
        name: if label.name.is_empty() {
            label.id.clone()
        } else {
            label.name.clone()
        },
        kind,
        unread: label.messages_unread.and_then(|n| u64::try_from(n).ok()),
        total: label.messages_total.and_then(|n| u64::try_from(n).ok()),
    }
}

/// The display name (decoded, `None` if there is none) and address of the first mailbox in
/// a `From` value: `"Kowalska, Ana" <ana@x>`, `Ana <ana@x>`, `<ana@x>`, `ana@x`, and the
/// old `ana@x (Ana)`.
pub fn parse_from(value: &str) -> (Option<String>, String) {
    let first = first_mailbox(value.trim());
    let (name, address) = match angle_address(first) {
        Some((before, address)) => (unquote(before), address.trim().to_owned()),
        None => {
            // `ana@x (Ana Kowalska)`: the comment is the only name there is.
            let (address, comment) = match (first.find('('), first.rfind(')')) {
                (Some(open), Some(close)) if open < close => {
                    (&first[..open], Some(&first[open + 1..close]))
                }
                _ => (first, None),
            };
            (
                comment.map(unquote).unwrap_or_default(),
                address.trim().to_owned(),
            )
        }
    };
    let name = collapse_whitespace(&decode_encoded_words(&name));
    let name = (!name.is_empty() && name != address).then_some(name);
    (name, address)
}

/// The text before the first comma that is outside quotes and angle brackets.
fn first_mailbox(value: &str) -> &str {
    let (mut quoted, mut escaped, mut angle) = (false, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => return value[..i].trim(),
            _ => {}
        }
    }
    value
}

/// `(display part, address)` when the mailbox has an `<address>` outside quotes.
fn angle_address(mailbox: &str) -> Option<(&str, &str)> {
    let (mut quoted, mut escaped) = (false, false);
    let mut open = None;
    for (i, c) in mailbox.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => open = Some(i),
            '>' if !quoted => {
                if let Some(o) = open {
                    return Some((&mailbox[..o], &mailbox[o + 1..i]));
                }
            }
            _ => {}
        }
    }
    None
}

/// A display name without its quotes and backslash escapes.
fn unquote(name: &str) -> String {
    let name = name.trim();
    if !name.contains('"') {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in name.chars() {
        match c {
            _ if escaped => {
                out.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c => out.push(c),
        }
    }
    out
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes RFC 2047 encoded-words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`); whitespace
/// between two adjacent encoded-words is dropped, as the RFC says. Words in another
/// charset, or that do not decode, stay as written.
pub fn decode_encoded_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut pending_space = String::new();
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some((decoded, len)) = rest.starts_with("=?").then(|| encoded_word(rest)).flatten() {
            if !last_was_word {
                out.push_str(&pending_space);
            }
            pending_space.clear();
            out.push_str(&decoded);
            rest = &rest[len..];
            last_was_word = true;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c.is_whitespace() {
            pending_space.push(c);
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push(c);
            last_was_word = false;
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&pending_space);
    out
}

/// One encoded-word at the start of `text`: its text and its length in `text`.
fn encoded_word(text: &str) -> Option<(String, usize)> {
    let body = text.strip_prefix("=?")?;
    let (charset, body) = body.split_once('?')?;
    let (encoding, body) = body.split_once('?')?;
    let end = body.find("?=")?;
    let payload = &body[..end];
    if payload.contains(char::is_whitespace) || charset.is_empty() {
        return None;
    }
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let bytes = match encoding {
        "B" | "b" => base64_decode(payload)?,
        "Q" | "q" => q_decode(payload)?,
        _ => return None,
    };
    // RFC 2231 lets a language follow the charset: `UTF-8*pl`.
    let charset = charset.split('*').next().unwrap_or(charset);
    let decoded = match charset.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => String::from_utf8(bytes).ok()?,
        "us-ascii" | "ascii" if bytes.is_ascii() => bytes.iter().map(|&b| char::from(b)).collect(),
        "iso-8859-1" | "latin1" | "latin-1" => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => return None,
    };
    Some((decoded, len))
}

fn q_decode(payload: &str) -> Option<Vec<u8>> {
    let bytes = payload.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = payload.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

fn base64_decode(payload: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(payload.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in payload.bytes().take_while(|&b| b != b'=') {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// Decodes the HTML entities Gmail puts in snippets (`&#39;`, `&amp;`, `&quot;`, `&lt;`,
/// `&gt;`, `&nbsp;`, `&apos;`, decimal and hex character references), in one pass so
/// `&amp;lt;` becomes `&lt;`. Anything else stays as written.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&rest[1..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
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
    fn a_quoted_name_with_a_comma_keeps_the_comma_and_loses_the_quotes() {
        assert_eq!(
            parse_from("\"Kowalska, Ana\" <ana@example.com>"),
            (Some("Kowalska, Ana".into()), "ana@example.com".into())
        );
    }

    #[test]
    fn a_plain_name_an_angle_address_and_a_bare_address_all_parse() {
        assert_eq!(
            parse_from("Ana Kowalska <ana@example.com>"),
            (Some("Ana Kowalska".into()), "ana@example.com".into())
        );
        assert_eq!(
            parse_from("<ana@example.com>"),
            (None, "ana@example.com".into())
        );
        assert_eq!(
            parse_from("  ana@example.com "),
            (None, "ana@example.com".into())
        );
        assert_eq!(
            parse_from("ana@example.com (Ana K.)"),
            (Some("Ana K.".into()), "ana@example.com".into())
        );
    }

    #[test]
    fn escaped_quotes_and_angle_brackets_inside_a_quoted_name_stay_in_the_name() {
        assert_eq!(
            parse_from(r#""Ana \"the boss\" <K>" <ana@example.com>"#),
            (
                Some("Ana \"the boss\" <K>".into()),
                "ana@example.com".into()
            )
        );
        assert_eq!(
            parse_from("\"<script>alert('from')</script>\" <evil@attacker.example.net>"),
            (
                Some("<script>alert('from')</script>".into()),
                "evil@attacker.example.net".into()
            )
        );
    }

    #[test]
    fn only_the_first_of_several_senders_is_taken() {
        assert_eq!(
            parse_from("\"Doe, J\" <j@x.org>, Ana <ana@example.com>"),
            (Some("Doe, J".into()), "j@x.org".into())
        );
    }

    #[test]
    fn a_name_that_is_the_address_again_is_no_name() {
        assert_eq!(
            parse_from("\"ana@example.com\" <ana@example.com>"),
            (None, "ana@example.com".into())
        );
    }

    #[test]
    fn encoded_words_decode_in_b_and_q_with_utf8_and_latin1() {
        assert_eq!(
            parse_from("\"=?UTF-8?Q?Andr=C3=A9_Dupont?=\" <andre.dupont@example.org>").0,
            Some("André Dupont".into())
        );
        assert_eq!(
            decode_encoded_words("=?utf-8?B?WmHFvMOzxYLEhyBnxJnFm2zEhSBqYcW6xYQ=?="),
            "Zażółć gęślą jaźń"
        );
        assert_eq!(
            decode_encoded_words("=?ISO-8859-1?Q?Fran=E7ois?="),
            "François"
        );
        assert_eq!(
            decode_encoded_words("=?UTF-8*pl?Q?Ksi=C4=85=C5=BCki?="),
            "Książki"
        );
    }

    #[test]
    fn space_between_encoded_words_is_dropped_but_kept_next_to_plain_text() {
        assert_eq!(
            decode_encoded_words("=?UTF-8?Q?Caf=C3=A9?= =?UTF-8?Q?_au_lait?= today"),
            "Café au lait today"
        );
        assert_eq!(
            decode_encoded_words("Re: =?UTF-8?Q?=C3=A9t=C3=A9?="),
            "Re: été"
        );
    }

    #[test]
    fn words_that_do_not_decode_stay_as_written() {
        for text in [
            "=?KOI8-R?B?8NLJ18XU?=",
            "=?UTF-8?X?abc?=",
            "=?UTF-8?Q?bad=ZZ?=",
            "=? not a word",
            "a =?= b",
        ] {
            assert_eq!(decode_encoded_words(text), text);
        }
    }

    #[test]
    fn snippet_entities_decode_once_and_unknown_ones_stay() {
        assert_eq!(
            decode_entities("Tom &amp; Jerry&#39;s &lt;b&gt;&quot;x&quot;&lt;/b&gt;"),
            "Tom & Jerry's <b>\"x\"</b>"
        );
        assert_eq!(
            decode_entities("a&nbsp;b &#x1F44B; &#233;"),
            "a\u{a0}b 👋 é"
        );
        assert_eq!(decode_entities("&amp;lt; stays &lt;"), "&lt; stays <");
        assert_eq!(
            decode_entities("R&D &unknown; & &#xZZ; &#0;"),
            "R&D &unknown; & &#xZZ; &#0;"
        );
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
    fn a_message_without_from_or_date_still_makes_a_row() {
        let mut m = message(&[], &[], "");
        m.internal_date = None;
        m.payload = None;
        let row = row_from(&m);
        assert_eq!((row.from_name, row.from_address.as_str()), (None, ""));
        assert_eq!(row.date_ms, 0);
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
