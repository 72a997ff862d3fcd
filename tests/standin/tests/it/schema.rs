//! Every Gmail reply the stand-in produces is checked against Google's discovery document,
//! and its oauth2/v2 userinfo against Google's OAuth2 discovery document: field names,
//! types, int64 as strings, enums, and no field the schema does not define. Both documents
//! are kept in the repository (`docs/spec/`, with where they came from).

use std::path::PathBuf;

use base64::Engine;
use mailglance_standin::BIG_ACCOUNT;
use serde_json::Value;

use crate::helpers::*;

/// One of Google's discovery documents kept in `docs/spec/`.
fn document(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/spec")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is part of the repository: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is JSON: {e}"))
}

fn discovery() -> Value {
    document("gmail.v1.json")
}

/// Checks `value` against `schema`, collecting every mismatch with its JSON path.
fn check(value: &Value, schema: &Value, doc: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(name) = schema["$ref"].as_str() {
        return check(value, &doc["schemas"][name], doc, path, errors);
    }
    let format = schema["format"].as_str().unwrap_or_default();
    match schema["type"].as_str().unwrap_or_default() {
        "object" => {
            let Some(map) = value.as_object() else {
                return errors.push(format!("{path}: expected an object"));
            };
            for (key, v) in map {
                match schema["properties"].get(key) {
                    Some(sub) => check(v, sub, doc, &format!("{path}.{key}"), errors),
                    None => match schema.get("additionalProperties") {
                        Some(sub) => check(v, sub, doc, &format!("{path}.{key}"), errors),
                        None => errors.push(format!("{path}.{key}: not in the schema")),
                    },
                }
            }
        }
        "array" => {
            let Some(items) = value.as_array() else {
                return errors.push(format!("{path}: expected an array"));
            };
            for (i, item) in items.iter().enumerate() {
                check(item, &schema["items"], doc, &format!("{path}[{i}]"), errors);
            }
        }
        "string" => {
            let Some(s) = value.as_str() else {
                return errors.push(format!("{path}: expected a string, got {value}"));
            };
            match format {
                "int64" if s.parse::<i64>().is_err() => {
                    errors.push(format!("{path}: not an int64 string"))
                }
                "uint64" if s.parse::<u64>().is_err() => {
                    errors.push(format!("{path}: not a uint64 string"))
                }
                "byte" if base64::engine::general_purpose::URL_SAFE.decode(s).is_err() => {
                    errors.push(format!("{path}: not base64url"))
                }
                _ => {}
            }
            if let Some(allowed) = schema["enum"].as_array()
                && !allowed.iter().any(|a| a == s)
            {
                errors.push(format!("{path}: {s:?} is not one of the enum values"));
            }
        }
        "integer" => {
            let ok = match format {
                "int32" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                "uint32" => value.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
                _ => value.is_i64() || value.is_u64(),
            };
            if !ok {
                errors.push(format!(
                    "{path}: expected an integer ({format}), got {value}"
                ));
            }
        }
        "boolean" if !value.is_boolean() => errors.push(format!("{path}: expected a boolean")),
        "number" if !value.is_number() => errors.push(format!("{path}: expected a number")),
        _ => {}
    }
}

fn response_schema(doc: &Value, resource: &[&str], method: &str) -> Value {
    let mut node = &doc["resources"]["users"];
    for r in resource {
        node = &node["resources"][r];
    }
    let name = node["methods"][method]["response"]["$ref"]
        .as_str()
        .expect("a response schema");
    serde_json::json!({"$ref": name})
}

#[tokio::test]
async fn every_gmail_reply_matches_the_discovery_documents_schemas() {
    let doc = discovery();
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mut errors = Vec::new();
    let mut checked = 0;
    let mut expect = |value: &Value, schema: &Value, what: &str| {
        check(value, schema, &doc, what, &mut errors);
        checked += 1;
    };

    let profile = gmail(&standin, &tokens.access, "profile").await;
    expect(
        &profile,
        &response_schema(&doc, &[], "getProfile"),
        "getProfile",
    );
    let labels = gmail(&standin, &tokens.access, "labels").await;
    expect(
        &labels,
        &response_schema(&doc, &["labels"], "list"),
        "labels.list",
    );
    for label in labels["labels"].as_array().unwrap() {
        let id = label["id"].as_str().unwrap();
        let got = gmail(&standin, &tokens.access, &format!("labels/{}", id)).await;
        expect(
            &got,
            &response_schema(&doc, &["labels"], "get"),
            &format!("labels.get {id}"),
        );
    }
    let list = gmail(
        &standin,
        &tokens.access,
        "messages?maxResults=60&includeSpamTrash=true",
    )
    .await;
    expect(
        &list,
        &response_schema(&doc, &["messages"], "list"),
        "messages.list",
    );
    let empty = gmail(&standin, &tokens.access, "messages?q=nothingatallmatches").await;
    expect(
        &empty,
        &response_schema(&doc, &["messages"], "list"),
        "messages.list empty",
    );
    let mut ids: Vec<String> = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let mailbox = standin.mailbox();
    let account = mailbox.account(BIG_ACCOUNT).unwrap();
    ids.extend(
        account
            .messages
            .iter()
            .filter(|m| !m.attachments.is_empty())
            .take(5)
            .map(|m| m.id.clone()),
    );
    for id in &ids {
        for format in ["minimal", "metadata", "full", "raw"] {
            let got = gmail(
                &standin,
                &tokens.access,
                &format!("messages/{id}?format={format}"),
            )
            .await;
            expect(
                &got,
                &response_schema(&doc, &["messages"], "get"),
                &format!("messages.get {id} {format}"),
            );
        }
    }
    let profile_history: u64 = profile["historyId"].as_str().unwrap().parse().unwrap();
    let history = gmail(
        &standin,
        &tokens.access,
        &format!(
            "history?startHistoryId={}&maxResults=5",
            profile_history - 100
        ),
    )
    .await;
    expect(
        &history,
        &response_schema(&doc, &["history"], "list"),
        "history.list",
    );
    // One record of every kind, as the mailbox changes under the app.
    let control = standin.mailbox_control();
    let ids: Vec<String> = list["messages"].as_array().unwrap()[..3]
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let starred = standin
        .mailbox()
        .account(BIG_ACCOUNT)
        .unwrap()
        .message(&ids[0])
        .unwrap()
        .has_label("STARRED");
    for star in [!starred, starred] {
        if star {
            control.star(BIG_ACCOUNT, &ids[0]).unwrap();
        } else {
            control.unstar(BIG_ACCOUNT, &ids[0]).unwrap();
        }
    }
    control.delete(BIG_ACCOUNT, &ids[1]).unwrap();
    let mut fresh = standin.mailbox().account(BIG_ACCOUNT).unwrap().messages[2].clone();
    fresh.id = String::new();
    fresh.thread_id = String::new();
    control.deliver(BIG_ACCOUNT, fresh).unwrap();
    let changes = gmail(
        &standin,
        &tokens.access,
        &format!("history?startHistoryId={profile_history}"),
    )
    .await;
    assert_eq!(changes["history"].as_array().unwrap().len(), 4);
    expect(
        &changes,
        &response_schema(&doc, &["history"], "list"),
        "history.list after changes",
    );
    assert!(
        errors.is_empty(),
        "{} schema mismatches, e.g.:\n{}",
        errors.len(),
        errors
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(checked > 250, "checked {checked} replies");
    standin.shutdown().await;
}

#[tokio::test]
async fn the_oauth2_v2_userinfo_reply_matches_googles_oauth2_discovery_document() {
    let doc = document("oauth2.v2.json");
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let got = get(&standin, Some(&tokens.access), "oauth2/v2/userinfo")
        .await
        .json();
    let schema = &doc["resources"]["userinfo"]["methods"]["get"]["response"];
    assert_eq!(schema["$ref"], "Userinfo");
    let mut errors = Vec::new();
    check(&got, schema, &doc, "userinfo", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(got["id"].as_str().is_some_and(|id| !id.is_empty()), "{got}");
}

/// No file of the repository points outside it: a clone builds and passes its tests with
/// nothing beside it (the reference notes it once read from a folder beside the
/// repository are in `docs/` now).
#[test]
fn no_file_in_the_repository_reads_or_cites_a_path_outside_it() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let outside = ["../", "shared/"].concat();
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | "node_modules" | ".git") {
                    stack.push(path);
                }
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // not text
            };
            for (n, line) in text.lines().enumerate() {
                if line.contains(&outside) {
                    found.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "paths outside the repository: {found:#?}");
}
