//! Property tests: whatever a server sends, no parser panics. Arbitrary bytes, and JSON
//! built from the field names Google uses with values of every type and size (numbers to
//! `u64::MAX` and beyond, negative lifetimes, strings of any Unicode), go through the
//! token, userinfo, list, message, history and batch parsers and the header decoders, as
//! the app would take them. A bounded run (256 cases a property) is part of the test
//! command; failures shrink to a minimal input.

use proptest::prelude::*;
use serde_json::Value;

use crate::auth::google::{tokens_from, user_info};
use crate::auth::tokens::AccessTokens;
use crate::gmail::api::{Message, MessageList};
use crate::gmail::headers::{decode_encoded_words, decode_entities, displayable, parse_from};
use crate::gmail::rows::row_from;

/// Field names from Google's token, userinfo, list, message and history replies.
const FIELDS: &[&str] = &[
    "access_token",
    "expires_in",
    "refresh_token",
    "scope",
    "token_type",
    "id_token",
    "refresh_token_expires_in",
    "sub",
    "id",
    "email",
    "name",
    "messages",
    "threadId",
    "nextPageToken",
    "resultSizeEstimate",
    "history",
    "historyId",
    "labelIds",
    "snippet",
    "internalDate",
    "payload",
    "headers",
    "value",
    "messagesAdded",
    "messagesDeleted",
    "labelsAdded",
    "labelsRemoved",
    "message",
    "sizeEstimate",
    "error",
    "error_description",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(serde_json::json!(1e300)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[0-9]{1,30}".prop_map(Value::String),
        "=\\?[A-Za-z0-9-]{0,12}\\?[BQbq]\\?[A-Za-z0-9+/=_%-]{0,40}\\?=".prop_map(Value::String),
    ]
}

/// JSON shaped like Google's replies: objects keyed by Google's field names, nested.
fn google_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..8).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// What the app does with a reply body of each kind; each must return, never panic.
fn take_everything(body: &[u8]) {
    if let Ok(reply) = serde_json::from_slice::<oauth2::basic::BasicTokenResponse>(body) {
        let tokens = tokens_from(&reply);
        let _ = tokens.can_read_mail();
        let held = AccessTokens::default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut locked = held.lock("a").await;
            locked.keep(tokens.access, tokens.expires_in);
            let _ = locked.fresh();
        });
    }
    let _ = user_info(body);
    if let Ok(list) = serde_json::from_slice::<MessageList>(body) {
        let _ = list.messages.len();
    }
    if let Ok(message) = serde_json::from_slice::<Message>(body) {
        let _ = row_from(&message);
    }
    let _ = serde_json::from_slice::<crate::gmail::history::Page>(body);
    let text = String::from_utf8_lossy(body);
    for content_type in [
        "multipart/mixed; boundary=batch_x",
        "multipart/mixed",
        "text/html",
    ] {
        if let Ok(parts) = crate::gmail::batch::parse_reply(content_type, &text) {
            for part in parts {
                if let Ok(message) = serde_json::from_str::<Message>(&part.body) {
                    let _ = row_from(&message);
                }
            }
        }
    }
}

fn decode_every_way(text: &str) {
    let _ = parse_from(text);
    let _ = decode_encoded_words(text);
    let _ = decode_entities(text);
    let _ = displayable(text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_from_a_server_never_panic_a_parser(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        take_everything(&body);
    }

    #[test]
    fn google_shaped_json_with_any_values_never_panics_a_parser(value in google_json()) {
        take_everything(value.to_string().as_bytes());
    }

    #[test]
    fn a_batch_reply_with_any_parts_never_panics(parts in prop::collection::vec((any::<u16>(), google_json()), 0..6), junk in any::<String>()) {
        let mut body = String::new();
        for (status, json) in &parts {
            body.push_str(&format!(
                "--batch_x\r\nContent-Type: application/http\r\nContent-ID: <response-{status}>\r\n\r\nHTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\r\n{json}\r\n"
            ));
        }
        body.push_str(&junk);
        body.push_str("--batch_x--");
        take_everything(body.as_bytes());
    }

    #[test]
    fn any_header_text_decodes_without_panicking(text in any::<String>(), word in "=\\?[A-Za-z0-9_-]{0,16}\\?[BbQq]\\?[ -~]{0,60}\\?=") {
        decode_every_way(&text);
        decode_every_way(&word);
        decode_every_way(&format!("\"{text}\" <{word}@x> {word}{word}"));
    }
}

#[test]
fn the_largest_lifetime_a_token_reply_can_name_does_not_panic() {
    let body = br#"{"access_token":"a","token_type":"Bearer","expires_in":18446744073709551615}"#;
    take_everything(body);
}
