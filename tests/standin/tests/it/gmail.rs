//! Gmail methods over HTTP: listing, paging, search, message formats, labels, history,
//! userId rules, auth and scope errors.

use mailglance_standin::{BIG_ACCOUNT, EMPTY_ACCOUNT, HOSTILE_SUBJECT, SMALL_ACCOUNT};
use serde_json::Value;

use crate::helpers::*;

fn ids(page: &Value) -> Vec<String> {
    page["messages"].as_array().map_or_else(Vec::new, |a| {
        a.iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    })
}

#[tokio::test]
async fn paging_through_all_1200_messages_returns_every_id_once_newest_first() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut path = "messages?maxResults=500&includeSpamTrash=true".to_string();
        if let Some(t) = &token {
            path.push_str(&format!("&pageToken={t}"));
        }
        let page = gmail(&standin, &tokens.access, &path).await;
        assert_eq!(page["resultSizeEstimate"], 1200);
        seen.extend(ids(&page));
        match page["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let mailbox = standin.mailbox();
    let expected: Vec<String> = mailbox
        .account(BIG_ACCOUNT)
        .unwrap()
        .messages
        .iter()
        .map(|m| m.id.clone())
        .collect();
    assert_eq!(
        seen, expected,
        "every id once, in internalDate order, newest first"
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn the_default_page_is_100_spam_and_trash_are_left_out_and_max_results_is_capped_at_500() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let page = gmail(&standin, &tokens.access, "messages").await;
    assert_eq!(ids(&page).len(), 100);
    let mailbox = standin.mailbox();
    let account = mailbox.account(BIG_ACCOUNT).unwrap();
    let clean = account
        .messages
        .iter()
        .filter(|m| !m.has_label("SPAM") && !m.has_label("TRASH"))
        .count();
    assert_eq!(page["resultSizeEstimate"], clean);
    let big = gmail(&standin, &tokens.access, "messages?maxResults=10000").await;
    assert_eq!(ids(&big).len(), 500);
    let spam = gmail(&standin, &tokens.access, "messages?labelIds=SPAM").await;
    assert!(!ids(&spam).is_empty());
    standin.shutdown().await;
}

#[tokio::test]
async fn an_empty_result_has_no_messages_key() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let page = gmail(&standin, &tokens.access, "messages?q=zzzznothingmatches").await;
    assert_eq!(page, serde_json::json!({"resultSizeEstimate": 0}));
    let empty = sign_in_with(&standin, EMPTY_ACCOUNT, READONLY).await;
    let page = gmail(&standin, &empty.access, "messages").await;
    assert!(page.get("messages").is_none());
    standin.shutdown().await;
}

#[tokio::test]
async fn an_invalid_page_token_is_a_400_with_googles_body() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let got = get(
        &standin,
        Some(&tokens.access),
        "gmail/v1/users/me/messages?pageToken=bogus",
    )
    .await;
    assert_eq!(got.status, 400);
    let body = got.json();
    assert_eq!(body["error"]["message"], "Invalid pageToken");
    assert_eq!(body["error"]["errors"][0]["reason"], "invalidArgument");
    assert_eq!(body["error"]["code"], 400);
    let got = get(
        &standin,
        Some(&tokens.access),
        "gmail/v1/users/me/messages?maxResult=5",
    )
    .await;
    assert_eq!(
        got.status, 400,
        "a misspelt parameter is refused, as Google does"
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn labels_ids_are_anded_and_queries_filter_over_http() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mailbox = standin.mailbox();
    let account = mailbox.account(BIG_ACCOUNT).unwrap();
    let both = account
        .messages
        .iter()
        .filter(|m| m.has_label("INBOX") && m.has_label("UNREAD"))
        .count();
    let page = gmail(
        &standin,
        &tokens.access,
        "messages?labelIds=INBOX&labelIds=UNREAD&maxResults=500",
    )
    .await;
    assert_eq!(page["resultSizeEstimate"], both);
    let q = gmail(
        &standin,
        &tokens.access,
        "messages?q=is%3Aunread+in%3Ainbox&maxResults=500",
    )
    .await;
    assert_eq!(ids(&q), ids(&page));
    let from = gmail(
        &standin,
        &tokens.access,
        "messages?q=from%3Amarta+OR+from%3Apiotr&maxResults=500",
    )
    .await;
    for id in ids(&from).iter().take(20) {
        let m = gmail(
            &standin,
            &tokens.access,
            &format!("messages/{id}?format=metadata&metadataHeaders=From"),
        )
        .await;
        let from = m["payload"]["headers"][0]["value"]
            .as_str()
            .unwrap()
            .to_lowercase();
        assert!(from.contains("marta") || from.contains("piotr"), "{from}");
    }
    let hostile = gmail(&standin, &tokens.access, "messages?q=subject%3Aonerror").await;
    assert_eq!(ids(&hostile).len(), 1);
    standin.shutdown().await;
}

#[tokio::test]
async fn messages_get_serves_minimal_metadata_and_full_formats() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mailbox = standin.mailbox();
    let account = mailbox.account(BIG_ACCOUNT).unwrap();
    let hostile = account
        .messages
        .iter()
        .find(|m| m.header("Subject") == Some(HOSTILE_SUBJECT))
        .unwrap();
    let minimal = gmail(
        &standin,
        &tokens.access,
        &format!("messages/{}?format=minimal", hostile.id),
    )
    .await;
    assert!(minimal.get("payload").is_none());
    assert!(minimal["internalDate"].is_string() && minimal["historyId"].is_string());
    let snippet = minimal["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("&lt;script&gt;") && !snippet.contains('<'),
        "snippets are HTML-escaped: {snippet}"
    );
    let metadata = gmail(
        &standin,
        &tokens.access,
        &format!(
            "messages/{}?format=metadata&metadataHeaders=subject&metadataHeaders=From",
            hostile.id
        ),
    )
    .await;
    let names: Vec<&str> = metadata["payload"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Subject", "From"]);
    assert_eq!(metadata["payload"]["headers"][0]["value"], HOSTILE_SUBJECT);
    let with_attachment = account
        .messages
        .iter()
        .find(|m| !m.attachments.is_empty())
        .unwrap();
    let full = gmail(
        &standin,
        &tokens.access,
        &format!("messages/{}", with_attachment.id),
    )
    .await;
    assert_eq!(full["payload"]["mimeType"], "multipart/mixed");
    let parts = full["payload"]["parts"].as_array().unwrap();
    assert_eq!(
        parts[1]["filename"],
        with_attachment.attachments[0].filename.as_str()
    );
    assert!(parts[1]["body"]["attachmentId"].is_string());
    let missing = get(
        &standin,
        Some(&tokens.access),
        "gmail/v1/users/me/messages/0000000000000000",
    )
    .await;
    assert_eq!(
        (missing.status, missing.json()["error"]["status"].as_str()),
        (404, Some("NOT_FOUND"))
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn profile_labels_and_history_answer_in_googles_shapes() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let profile = gmail(&standin, &tokens.access, "profile").await;
    assert_eq!(profile["messagesTotal"], 1200);
    let labels = gmail(&standin, &tokens.access, "labels").await;
    let names: Vec<&str> = labels["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    for wanted in [
        "INBOX",
        "UNREAD",
        "CATEGORY_SOCIAL",
        "Receipts",
        "Travel/2026",
        "Książki",
    ] {
        assert!(names.contains(&wanted), "{wanted}");
    }
    let inbox = gmail(&standin, &tokens.access, "labels/INBOX").await;
    assert!(inbox["messagesTotal"].as_i64().unwrap() > 500);
    assert!(inbox["threadsUnread"].is_number());
    let history_id: u64 = profile["historyId"].as_str().unwrap().parse().unwrap();
    let recent = gmail(
        &standin,
        &tokens.access,
        &format!("history?startHistoryId={}", history_id - 40),
    )
    .await;
    assert_eq!(recent["historyId"], profile["historyId"]);
    assert!(recent["history"].as_array().is_some_and(|h| !h.is_empty()));
    let stale = get(
        &standin,
        Some(&tokens.access),
        "gmail/v1/users/me/history?startHistoryId=1",
    )
    .await;
    assert_eq!(stale.status, 404);
    standin.shutdown().await;
}

#[tokio::test]
async fn a_delivered_message_shows_up_in_history_and_first_in_the_list() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let before: String = gmail(&standin, &tokens.access, "profile").await["historyId"]
        .as_str()
        .unwrap()
        .into();
    let message = mailglance_standin::mailbox::Message {
        id: String::new(),
        thread_id: String::new(),
        label_ids: vec!["INBOX".into(), "UNREAD".into()],
        snippet: String::new(),
        history_id: 0,
        internal_date: anchor().timestamp_millis() + 1000,
        headers: vec![mailglance_standin::mailbox::Header {
            name: "Subject".into(),
            value: "Fresh".into(),
        }],
        text: "Just arrived".into(),
        html: None,
        attachments: vec![],
    };
    let id = standin.deliver(BIG_ACCOUNT, message).unwrap();
    let history = gmail(
        &standin,
        &tokens.access,
        &format!("history?startHistoryId={before}"),
    )
    .await;
    assert_eq!(
        history["history"][0]["messagesAdded"][0]["message"]["id"],
        id.as_str()
    );
    let page = gmail(&standin, &tokens.access, "messages?maxResults=1").await;
    assert_eq!(ids(&page), [id]);
    standin.shutdown().await;
}

#[tokio::test]
async fn user_id_is_me_or_the_own_address_and_another_address_is_delegation_denied() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let own = get(
        &standin,
        Some(&tokens.access),
        &format!("gmail/v1/users/{}/profile", BIG_ACCOUNT.replace('@', "%40")),
    )
    .await;
    assert_eq!(own.status, 200);
    let other = get(
        &standin,
        Some(&tokens.access),
        &format!("gmail/v1/users/{SMALL_ACCOUNT}/profile"),
    )
    .await;
    assert_eq!(other.status, 403);
    assert_eq!(
        other.json()["error"]["message"],
        format!("Delegation denied for {BIG_ACCOUNT}")
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn missing_invalid_and_underscoped_tokens_get_googles_bodies_and_challenges() {
    let standin = start().await;
    let missing = get(&standin, None, "gmail/v1/users/me/messages").await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.header("www-authenticate").unwrap(),
        "Bearer realm=\"https://accounts.google.com/\""
    );
    assert_eq!(missing.json()["error"]["status"], "UNAUTHENTICATED");

    let invalid = get(&standin, Some("not-a-token"), "gmail/v1/users/me/messages").await;
    assert_eq!(invalid.status, 401);
    assert_eq!(
        invalid.header("www-authenticate").unwrap(),
        "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""
    );
    let body = invalid.json();
    assert_eq!(
        body["error"]["errors"][0],
        serde_json::json!({"message": "Invalid Credentials", "domain": "global", "reason": "authError", "location": "Authorization", "locationType": "header"})
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Request had invalid authentication credentials.")
    );

    let profile_only = sign_in_with(&standin, BIG_ACCOUNT, "openid email").await;
    let underscoped = get(
        &standin,
        Some(&profile_only.access),
        "gmail/v1/users/me/messages",
    )
    .await;
    assert_eq!(underscoped.status, 403);
    assert_eq!(
        underscoped.json()["error"]["errors"][0]["reason"],
        "insufficientPermissions"
    );
    assert_eq!(underscoped.json()["error"]["status"], "PERMISSION_DENIED");
    assert!(
        underscoped
            .header("www-authenticate")
            .unwrap()
            .contains("error=\"insufficient_scope\"")
    );

    let metadata = sign_in_with(
        &standin,
        BIG_ACCOUNT,
        "https://www.googleapis.com/auth/gmail.metadata",
    )
    .await;
    let q = get(
        &standin,
        Some(&metadata.access),
        "gmail/v1/users/me/messages?q=hello",
    )
    .await;
    assert_eq!(q.status, 403, "the metadata scope cannot search");
    standin.shutdown().await;
}

#[tokio::test]
async fn global_parameters_are_accepted_everywhere() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let got = get(
        &standin,
        Some(&tokens.access),
        "gmail/v1/users/me/labels?alt=json&prettyPrint=false&fields=labels(id)&quotaUser=x",
    )
    .await;
    assert_eq!(got.status, 200);
    assert!(
        !got.text.contains('\n'),
        "prettyPrint=false gives compact JSON"
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn a_fixture_file_replaces_the_demo_mailbox() {
    let path = std::env::temp_dir().join(format!("standin-fixture-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"accounts":[{"email":"kim@example.org","name":"Kim Lee","labels":[{"id":"Label_9","name":"Receipts"}],
            "messages":[{"id":"00000000000000b1","internalDate":1700000000000,"labelIds":["INBOX","Label_9"],
                         "headers":[{"name":"Subject","value":"Receipt & thanks"}],"text":"Paid <in full>"}]}]}"#,
    )
    .unwrap();
    let standin = start_with(mailglance_standin::Options {
        fixture: Some(path.clone()),
        auto_approve: mailglance_standin::AutoApprove::LoginHint,
        ..Default::default()
    })
    .await;
    let tokens = sign_in_with(&standin, "kim@example.org", READONLY).await;
    let page = gmail(&standin, &tokens.access, "messages?q=label%3Areceipts").await;
    assert_eq!(ids(&page), ["00000000000000b1"]);
    let m = gmail(
        &standin,
        &tokens.access,
        "messages/00000000000000b1?format=minimal",
    )
    .await;
    assert_eq!(m["snippet"], "Paid &lt;in full&gt;");
    standin.shutdown().await;
    let _ = std::fs::remove_file(path);
}
