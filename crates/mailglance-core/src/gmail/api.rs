//! Gmail's wire types for the calls the message list makes, as the discovery document
//! (`gmail.v1.json`) describes them: `users.messages.list`, `users.messages.get`
//! (`format=metadata`), `users.labels.list` and `users.labels.get`.
//!
//! Only the shape of Google's JSON lives here, including its quirks: empty lists are left
//! out rather than sent as `[]`, and int64 fields (`internalDate`, `historyId`) are JSON
//! strings. Not here: what the app shows (that is [`super::rows`]), or any HTTP.

use serde::Deserialize;

/// `users.messages.list`'s reply (`ListMessagesResponse`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MessageList {
    /// The page's messages, id and thread id only. Google leaves the key out when nothing
    /// matches, so an absent key is an empty page.
    #[serde(default)]
    pub messages: Vec<MessageRef>,
    /// The cursor of the next page; absent on the last one.
    #[serde(default)]
    pub next_page_token: Option<String>,
    /// Google's estimate of the matches (uint32, a JSON number).
    #[serde(default)]
    pub result_size_estimate: u64,
}

/// A message as `messages.list` names it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MessageRef {
    /// The message id.
    pub id: String,
    /// Its thread's id.
    #[serde(default)]
    pub thread_id: String,
}

/// `users.messages.get` with `format=metadata` (`Message`, without bodies).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// The message id.
    pub id: String,
    /// Its thread's id.
    #[serde(default)]
    pub thread_id: String,
    /// Label ids; absent when the message has none.
    #[serde(default)]
    pub label_ids: Vec<String>,
    /// A short extract, HTML-escaped by Gmail (`&#39;`, `&amp;`).
    #[serde(default)]
    pub snippet: String,
    /// int64 epoch milliseconds, sent as a JSON string.
    #[serde(default)]
    pub internal_date: Option<String>,
    /// uint64, sent as a JSON string.
    #[serde(default)]
    pub history_id: Option<String>,
    /// The top-level part; with `format=metadata` only its headers matter.
    #[serde(default)]
    pub payload: Option<MessagePart>,
    /// int32, a JSON number.
    #[serde(default)]
    pub size_estimate: Option<i64>,
}

impl Message {
    /// The first header called `name` (case-insensitive), as sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.payload
            .as_ref()?
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Every header called `name` (case-insensitive), in the order sent.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.payload
            .iter()
            .flat_map(|p| p.headers.iter())
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

/// `MessagePart`, as far as metadata goes.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MessagePart {
    /// The part's MIME type.
    #[serde(default)]
    pub mime_type: String,
    /// RFC 2822 headers of the part, in order; values are not decoded.
    #[serde(default)]
    pub headers: Vec<MessagePartHeader>,
}

/// One `{name, value}` header.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct MessagePartHeader {
    /// As written (`From`).
    #[serde(default)]
    pub name: String,
    /// As written, RFC 2047 encoded-words included.
    #[serde(default)]
    pub value: String,
}

/// `users.labels.list`'s reply.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct LabelList {
    /// Every label; absent if there were none.
    #[serde(default)]
    pub labels: Vec<ApiLabel>,
}

/// Gmail's `Label`. `labels.list` sends id, name, type and the visibilities; the counts
/// come only from `labels.get`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ApiLabel {
    /// `INBOX`, `Label_12`.
    pub id: String,
    /// The display name (system labels carry their id).
    #[serde(default)]
    pub name: String,
    /// `system` or `user`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// int32: messages with the label (labels.get only).
    #[serde(default)]
    pub messages_total: Option<i64>,
    /// int32: unread messages with the label (labels.get only).
    #[serde(default)]
    pub messages_unread: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_without_the_messages_key_is_an_empty_page() {
        let list: MessageList = serde_json::from_str(r#"{"resultSizeEstimate": 0}"#).unwrap();
        assert!(list.messages.is_empty());
        assert_eq!(list.next_page_token, None);
    }

    #[test]
    fn int64_fields_arrive_as_strings_and_headers_are_found_case_insensitively() {
        let m: Message = serde_json::from_str(
            r#"{"id":"a1","threadId":"a1","labelIds":["INBOX"],"snippet":"hi",
                "payload":{"mimeType":"text/plain","headers":[{"name":"FROM","value":"x@y"}]},
                "sizeEstimate":1234,"historyId":"98765","internalDate":"1700000000000"}"#,
        )
        .unwrap();
        assert_eq!(m.internal_date.as_deref(), Some("1700000000000"));
        assert_eq!(m.history_id.as_deref(), Some("98765"));
        assert_eq!(m.header("From"), Some("x@y"));
        assert_eq!(m.header("Subject"), None);
    }

    #[test]
    fn a_label_reads_its_type_and_counts_when_given() {
        let l: ApiLabel = serde_json::from_str(
            r#"{"id":"INBOX","name":"INBOX","type":"system","messagesTotal":10,"messagesUnread":3}"#,
        )
        .unwrap();
        assert_eq!(l.kind.as_deref(), Some("system"));
        assert_eq!((l.messages_total, l.messages_unread), (Some(10), Some(3)));
    }
}
