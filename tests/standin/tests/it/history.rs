//! The mailbox changing while the app runs, and what Google reports of it: history.list's
//! records (order, kinds, filters, paging, the 404 for a start id too old), getProfile's
//! historyId, label counts and lists; and quota, charged by Google's new or old model.

use std::time::Duration;

use mailglance_standin::mailbox::{Header, Message};
use mailglance_standin::{
    BIG_ACCOUNT, Endpoint, HistoryKind, MailboxControl, Options, QuotaModel, RateLimitStyle,
    StandIn,
};
use serde_json::{Value, json};

use crate::helpers::*;

/// The first message (newest first) of the big account that passes `keep`.
fn pick(standin: &StandIn, keep: impl Fn(&Message) -> bool) -> Message {
    standin
        .mailbox()
        .account(BIG_ACCOUNT)
        .unwrap()
        .messages
        .iter()
        .find(|m| keep(m))
        .expect("the demo mailbox has such a message")
        .clone()
}

/// An unread inbox message that is neither starred nor labelled `Label_1`.
fn unread_inbox(standin: &StandIn) -> Message {
    pick(standin, |m| {
        m.has_label("INBOX")
            && m.has_label("UNREAD")
            && !m.has_label("STARRED")
            && !m.has_label("Label_1")
    })
}

fn fresh_message(subject: &str) -> Message {
    Message {
        id: String::new(),
        thread_id: String::new(),
        label_ids: vec!["INBOX".into(), "UNREAD".into()],
        snippet: String::new(),
        history_id: 0,
        internal_date: anchor().timestamp_millis() + 60_000,
        headers: vec![Header {
            name: "Subject".into(),
            value: subject.into(),
        }],
        text: format!("{subject}, just arrived"),
        html: None,
        attachments: vec![],
    }
}

async fn profile_history_id(standin: &StandIn, token: &str) -> u64 {
    gmail(standin, token, "profile").await["historyId"]
        .as_str()
        .expect("historyId is a string")
        .parse()
        .expect("a uint64")
}

/// `history.list` from `start` with extra query text (`&historyTypes=...`).
async fn history(standin: &StandIn, token: &str, start: u64, extra: &str) -> Value {
    gmail(
        standin,
        token,
        &format!("history?startHistoryId={start}{extra}"),
    )
    .await
}

fn records(page: &Value) -> Vec<Value> {
    page["history"].as_array().cloned().unwrap_or_default()
}

/// (kind field, message id, labelIds of the change) of each record, checking on the way that
/// every record is in Google's shape with exactly one change.
fn summary(page: &Value) -> Vec<(String, String, Vec<String>)> {
    records(page)
        .iter()
        .map(|r| {
            let object = r.as_object().unwrap();
            assert!(r["id"].as_str().unwrap().parse::<u64>().is_ok(), "{r}");
            let kinds: Vec<&String> = object
                .keys()
                .filter(|k| *k != "id" && *k != "messages")
                .collect();
            assert_eq!(kinds.len(), 1, "one change per record: {r}");
            let kind = kinds[0].clone();
            let change = &r[&kind][0];
            let id = change["message"]["id"].as_str().unwrap().to_string();
            assert_eq!(
                r["messages"],
                json!([{"id": id, "threadId": change["message"]["threadId"]}])
            );
            let labels = change["labelIds"]
                .as_array()
                .map(|a| a.iter().map(|l| l.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (kind, id, labels)
        })
        .collect()
}

fn record_ids(page: &Value) -> Vec<u64> {
    records(page)
        .iter()
        .map(|r| r["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

fn labels(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn every_kind_of_change_appends_its_record_in_order_with_increasing_ids() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let control = standin.mailbox_control();
    let start_id = profile_history_id(&standin, &tokens.access).await;
    let m = unread_inbox(&standin);
    let gone = pick(&standin, |x| x.id != m.id && x.has_label("SENT"));

    control.mark_read(BIG_ACCOUNT, &m.id).unwrap();
    control.mark_unread(BIG_ACCOUNT, &m.id).unwrap();
    control.star(BIG_ACCOUNT, &m.id).unwrap();
    control.unstar(BIG_ACCOUNT, &m.id).unwrap();
    control.add_label(BIG_ACCOUNT, &m.id, "Receipts").unwrap();
    control.remove_label(BIG_ACCOUNT, &m.id, "Label_1").unwrap();
    control.archive(BIG_ACCOUNT, &m.id).unwrap();
    let new_id = control
        .deliver(BIG_ACCOUNT, fresh_message("Fresh"))
        .unwrap();
    control.delete(BIG_ACCOUNT, &gone.id).unwrap();
    let last = control.history_id(BIG_ACCOUNT).unwrap();

    let page = history(&standin, &tokens.access, start_id, "").await;
    let m_id = m.id.clone();
    assert_eq!(
        summary(&page),
        vec![
            ("labelsRemoved".into(), m_id.clone(), labels(&["UNREAD"])),
            ("labelsAdded".into(), m_id.clone(), labels(&["UNREAD"])),
            ("labelsAdded".into(), m_id.clone(), labels(&["STARRED"])),
            ("labelsRemoved".into(), m_id.clone(), labels(&["STARRED"])),
            ("labelsAdded".into(), m_id.clone(), labels(&["Label_1"])),
            ("labelsRemoved".into(), m_id.clone(), labels(&["Label_1"])),
            ("labelsRemoved".into(), m_id.clone(), labels(&["INBOX"])),
            ("messagesAdded".into(), new_id.clone(), vec![]),
            ("messagesDeleted".into(), gone.id.clone(), vec![]),
        ]
    );
    let ids = record_ids(&page);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "increasing: {ids:?}");
    assert!(ids[0] > start_id);
    assert_eq!(*ids.last().unwrap(), last);
    assert_eq!(
        page["historyId"],
        json!(last.to_string()),
        "the mailbox's own id, a string"
    );
    assert!(page.get("nextPageToken").is_none());

    // The message in each record carries its labels as the change left them.
    let log = records(&page);
    assert_eq!(
        log[0]["labelsRemoved"][0]["message"]["labelIds"],
        json!(standin_labels_without(&m, &["UNREAD"]))
    );
    let archived = &log[6]["labelsRemoved"][0]["message"];
    assert!(
        !archived["labelIds"]
            .as_array()
            .unwrap()
            .contains(&json!("INBOX"))
    );
    assert_eq!(
        log[7]["messagesAdded"][0]["message"]["labelIds"],
        json!(["INBOX", "UNREAD"])
    );
    assert_eq!(
        log[8]["messagesDeleted"][0]["message"]["labelIds"],
        json!(gone.label_ids)
    );

    // Each message's own historyId is the last record that touched it.
    let got = gmail(
        &standin,
        &tokens.access,
        &format!("messages/{}?format=minimal", m.id),
    )
    .await;
    assert_eq!(got["historyId"], json!(ids[6].to_string()));
    let got = gmail(
        &standin,
        &tokens.access,
        &format!("messages/{new_id}?format=minimal"),
    )
    .await;
    assert_eq!(got["historyId"], json!(ids[7].to_string()));
    let deleted = get(
        &standin,
        Some(&tokens.access),
        &format!("gmail/v1/users/me/messages/{}", gone.id),
    )
    .await;
    assert_eq!(deleted.status, 404);

    // Nothing after the newest id; the reply leaves the empty list out, as Google does.
    let none = history(&standin, &tokens.access, last, "").await;
    assert_eq!(none, json!({"historyId": last.to_string()}));
    standin.shutdown().await;
}

fn standin_labels_without(m: &Message, without: &[&str]) -> Vec<String> {
    m.label_ids
        .iter()
        .filter(|l| !without.contains(&l.as_str()))
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_change_that_changes_nothing_adds_no_record_and_keeps_the_history_id() {
    let standin = start().await;
    let control = standin.mailbox_control();
    let m = unread_inbox(&standin);
    let before = control.history_id(BIG_ACCOUNT).unwrap();
    let records = control.history(BIG_ACCOUNT).unwrap().len();
    assert_eq!(control.mark_unread(BIG_ACCOUNT, &m.id).unwrap(), before);
    assert_eq!(control.unstar(BIG_ACCOUNT, &m.id).unwrap(), before);
    assert_eq!(
        control.modify(BIG_ACCOUNT, &m.id, &[], &["SPAM"]).unwrap(),
        before
    );
    assert_eq!(control.history(BIG_ACCOUNT).unwrap().len(), records);
    let after = control.mark_read(BIG_ACCOUNT, &m.id).unwrap();
    assert!(after > before);
    let record = control.history(BIG_ACCOUNT).unwrap().pop().unwrap();
    assert_eq!((record.id, record.kind), (after, HistoryKind::LabelRemoved));
    standin.shutdown().await;
}

#[tokio::test]
async fn history_pages_with_max_results_and_page_tokens_and_defaults_to_a_hundred() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let control = standin.mailbox_control();
    let start_id = profile_history_id(&standin, &tokens.access).await;
    let m = unread_inbox(&standin);
    for _ in 0..60 {
        control.star(BIG_ACCOUNT, &m.id).unwrap();
        control.unstar(BIG_ACCOUNT, &m.id).unwrap();
    }
    let all = history(&standin, &tokens.access, start_id, "&maxResults=500").await;
    assert_eq!(records(&all).len(), 120);
    assert!(all.get("nextPageToken").is_none());

    let first = history(&standin, &tokens.access, start_id, "").await;
    assert_eq!(records(&first).len(), 100, "maxResults defaults to 100");
    let token = first["nextPageToken"]
        .as_str()
        .expect("more pages")
        .to_string();
    let second = history(
        &standin,
        &tokens.access,
        start_id,
        &format!("&pageToken={token}"),
    )
    .await;
    assert_eq!(records(&second).len(), 20);
    assert!(second.get("nextPageToken").is_none());

    let mut walked = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = history(
            &standin,
            &tokens.access,
            start_id,
            &format!("&maxResults=7&pageToken={page_token}"),
        )
        .await;
        pages += 1;
        assert_eq!(page["historyId"], all["historyId"]);
        walked.extend(records(&page));
        match page["nextPageToken"].as_str() {
            Some(t) => page_token = t.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 120usize.div_ceil(7));
    assert_eq!(walked, records(&all), "pages join into the whole, in order");
    assert_eq!(standin.count(Endpoint::HistoryList), 3 + pages);

    let bad = get(
        &standin,
        Some(&tokens.access),
        &format!("gmail/v1/users/me/history?startHistoryId={start_id}&pageToken=made-up"),
    )
    .await;
    assert_eq!(bad.status, 400);
    standin.shutdown().await;
}

#[tokio::test]
async fn a_start_history_id_older_than_google_keeps_gets_a_404_with_googles_body() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let stored = profile_history_id(&standin, &tokens.access).await;
    let m = unread_inbox(&standin);
    standin.mailbox_control().star(BIG_ACCOUNT, &m.id).unwrap();
    let before = standin.count(Endpoint::HistoryList);

    let floor = standin.faults().expire_history(BIG_ACCOUNT).unwrap();
    assert!(floor > stored);
    let stale = get(
        &standin,
        Some(&tokens.access),
        &format!("gmail/v1/users/me/history?startHistoryId={stored}"),
    )
    .await;
    assert_eq!(stale.status, 404);
    assert_eq!(
        stale.json(),
        json!({"error": {
            "code": 404,
            "message": "Requested entity was not found.",
            "errors": [{
                "message": "Requested entity was not found.",
                "domain": "global",
                "reason": "notFound",
            }],
            "status": "NOT_FOUND",
        }})
    );
    assert!(
        stale
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );

    // After a full sync the profile's id is valid again, and changes show from it.
    let fresh = profile_history_id(&standin, &tokens.access).await;
    assert_eq!(fresh, floor);
    let empty = history(&standin, &tokens.access, fresh, "").await;
    assert_eq!(empty, json!({"historyId": fresh.to_string()}));
    standin
        .mailbox_control()
        .unstar(BIG_ACCOUNT, &m.id)
        .unwrap();
    let after = history(&standin, &tokens.access, fresh, "").await;
    assert_eq!(records(&after).len(), 1);
    assert_eq!(standin.count(Endpoint::HistoryList) - before, 3);
    standin.shutdown().await;
}

#[tokio::test]
async fn history_can_be_expired_from_another_process_through_the_control_endpoint() {
    let standin = start().await;
    let before = standin.mailbox_control().history_id(BIG_ACCOUNT).unwrap();
    let r = client()
        .post(format!("{}_standin/faults", standin.base_url()))
        .body(json!({"fault": "expire_history", "email": BIG_ACCOUNT}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let account = standin.mailbox().account(BIG_ACCOUNT).unwrap().clone();
    assert!(account.history_floor > before);
    assert_eq!(account.history_floor, account.history_id);
    assert!(account.history.is_empty());
    let unknown = client()
        .post(format!("{}_standin/faults", standin.base_url()))
        .body(r#"{"fault":"expire_history","email":"nobody@example.com"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    standin.shutdown().await;
}

#[tokio::test]
async fn history_types_and_label_id_keep_only_the_matching_records() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let control = standin.mailbox_control();
    let start_id = profile_history_id(&standin, &tokens.access).await;
    let m = unread_inbox(&standin);
    let sent = pick(&standin, |x| {
        x.has_label("SENT") && !x.has_label("INBOX") && !x.has_label("STARRED")
    });
    control.star(BIG_ACCOUNT, &m.id).unwrap(); // labelAdded STARRED (still in INBOX)
    control.archive(BIG_ACCOUNT, &m.id).unwrap(); // labelRemoved INBOX
    let new_id = control.deliver(BIG_ACCOUNT, fresh_message("New")).unwrap(); // messageAdded
    control.delete(BIG_ACCOUNT, &sent.id).unwrap(); // messageDeleted
    let kinds = |page: &Value| -> Vec<String> { summary(page).into_iter().map(|s| s.0).collect() };

    let only = |t: &str| format!("&historyTypes={t}");
    for (filter, want) in [
        (only("labelAdded"), vec!["labelsAdded"]),
        (only("labelRemoved"), vec!["labelsRemoved"]),
        (only("messageAdded"), vec!["messagesAdded"]),
        (only("messageDeleted"), vec!["messagesDeleted"]),
        (
            "&historyTypes=messageAdded&historyTypes=messageDeleted".into(),
            vec!["messagesAdded", "messagesDeleted"],
        ),
        (only("MESSAGE_ADDED"), vec!["messagesAdded"]),
        (
            String::new(),
            vec![
                "labelsAdded",
                "labelsRemoved",
                "messagesAdded",
                "messagesDeleted",
            ],
        ),
    ] {
        let page = history(&standin, &tokens.access, start_id, &filter).await;
        assert_eq!(kinds(&page), want, "{filter}");
    }

    let by_label = |label: &str| {
        let label = label.to_string();
        let standin = &standin;
        let token = tokens.access.clone();
        async move {
            let page = history(standin, &token, start_id, &format!("&labelId={label}")).await;
            summary(&page)
                .into_iter()
                .map(|(kind, id, _)| (kind, id))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        by_label("STARRED").await,
        [
            ("labelsAdded".to_string(), m.id.clone()),
            ("labelsRemoved".to_string(), m.id.clone()),
        ],
        "the archived message is still starred"
    );
    assert_eq!(
        by_label("INBOX").await,
        [
            ("labelsAdded".to_string(), m.id.clone()),
            ("labelsRemoved".to_string(), m.id.clone()),
            ("messagesAdded".to_string(), new_id.clone()),
        ],
        "archiving shows under INBOX, the label it removed"
    );
    assert_eq!(
        by_label("SENT").await,
        [("messagesDeleted".to_string(), sent.id.clone())]
    );
    assert_eq!(by_label("inbox").await.len(), 3, "system ids in any case");
    assert!(by_label("Label_999").await.is_empty());
    let combined = history(
        &standin,
        &tokens.access,
        start_id,
        "&labelId=INBOX&historyTypes=messageAdded",
    )
    .await;
    assert_eq!(kinds(&combined), ["messagesAdded"]);

    let bad = get(
        &standin,
        Some(&tokens.access),
        &format!("gmail/v1/users/me/history?startHistoryId={start_id}&historyTypes=labelChanged"),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["status"], "INVALID_ARGUMENT");
    standin.shutdown().await;
}

#[tokio::test]
async fn the_profiles_history_id_moves_with_every_change_and_counts_follow() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let control = standin.mailbox_control();
    let profile = gmail(&standin, &tokens.access, "profile").await;
    let first: u64 = profile["historyId"].as_str().unwrap().parse().unwrap();
    let total = profile["messagesTotal"].as_i64().unwrap();
    let m = unread_inbox(&standin);

    let after_read = control.mark_read(BIG_ACCOUNT, &m.id).unwrap();
    assert!(after_read > first);
    assert_eq!(
        profile_history_id(&standin, &tokens.access).await,
        after_read
    );

    control
        .deliver(BIG_ACCOUNT, fresh_message("One more"))
        .unwrap();
    let profile = gmail(&standin, &tokens.access, "profile").await;
    let after_deliver: u64 = profile["historyId"].as_str().unwrap().parse().unwrap();
    assert!(after_deliver > after_read);
    assert_eq!(profile["messagesTotal"], total + 1);

    control.delete(BIG_ACCOUNT, &m.id).unwrap();
    let profile = gmail(&standin, &tokens.access, "profile").await;
    let after_delete: u64 = profile["historyId"].as_str().unwrap().parse().unwrap();
    assert!(after_delete > after_deliver);
    assert_eq!(profile["messagesTotal"], total);
    standin.shutdown().await;
}

fn count(label: &Value, field: &str) -> i64 {
    label[field].as_i64().unwrap()
}

fn list_ids(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| m["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn label_counts_lists_and_searches_follow_the_changes() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let control: MailboxControl = standin.mailbox_control();
    // A message alone in its thread, so thread counts move with it.
    let mailbox = standin.mailbox();
    let account = mailbox.account(BIG_ACCOUNT).unwrap();
    let m = account
        .messages
        .iter()
        .find(|m| {
            m.has_label("INBOX")
                && m.has_label("UNREAD")
                && !m.has_label("STARRED")
                && account
                    .messages
                    .iter()
                    .filter(|x| x.thread_id == m.thread_id)
                    .count()
                    == 1
        })
        .unwrap()
        .clone();
    let inbox = gmail(&standin, &tokens.access, "labels/INBOX").await;
    let starred = gmail(&standin, &tokens.access, "labels/STARRED").await;

    control.mark_read(BIG_ACCOUNT, &m.id).unwrap();
    let now = gmail(&standin, &tokens.access, "labels/INBOX").await;
    assert_eq!(
        count(&now, "messagesUnread"),
        count(&inbox, "messagesUnread") - 1
    );
    assert_eq!(
        count(&now, "threadsUnread"),
        count(&inbox, "threadsUnread") - 1
    );
    assert_eq!(count(&now, "messagesTotal"), count(&inbox, "messagesTotal"));
    let unread = gmail(
        &standin,
        &tokens.access,
        "messages?q=is:unread&maxResults=500",
    )
    .await;
    assert!(!list_ids(&unread).contains(&m.id));

    control.star(BIG_ACCOUNT, &m.id).unwrap();
    let now = gmail(&standin, &tokens.access, "labels/STARRED").await;
    assert_eq!(
        count(&now, "messagesTotal"),
        count(&starred, "messagesTotal") + 1
    );
    assert_eq!(
        count(&now, "threadsTotal"),
        count(&starred, "threadsTotal") + 1
    );
    let listed = gmail(
        &standin,
        &tokens.access,
        "messages?labelIds=STARRED&maxResults=500",
    )
    .await;
    assert!(list_ids(&listed).contains(&m.id));
    let searched = gmail(
        &standin,
        &tokens.access,
        "messages?q=is:starred&maxResults=500",
    )
    .await;
    assert!(list_ids(&searched).contains(&m.id));

    control.add_label(BIG_ACCOUNT, &m.id, "Receipts").unwrap();
    let receipts = gmail(
        &standin,
        &tokens.access,
        "messages?q=label:receipts&maxResults=500",
    )
    .await;
    assert!(list_ids(&receipts).contains(&m.id));

    control.archive(BIG_ACCOUNT, &m.id).unwrap();
    let now = gmail(&standin, &tokens.access, "labels/INBOX").await;
    assert_eq!(
        count(&now, "messagesTotal"),
        count(&inbox, "messagesTotal") - 1
    );
    assert_eq!(
        count(&now, "threadsTotal"),
        count(&inbox, "threadsTotal") - 1
    );
    let in_inbox = gmail(
        &standin,
        &tokens.access,
        "messages?labelIds=INBOX&maxResults=500",
    )
    .await;
    assert!(!list_ids(&in_inbox).contains(&m.id));

    control.delete(BIG_ACCOUNT, &m.id).unwrap();
    let now = gmail(&standin, &tokens.access, "labels/STARRED").await;
    assert_eq!(
        count(&now, "messagesTotal"),
        count(&starred, "messagesTotal")
    );
    let all = gmail(
        &standin,
        &tokens.access,
        "messages?maxResults=500&q=is:starred",
    )
    .await;
    assert!(!list_ids(&all).contains(&m.id));

    let fresh = control
        .deliver(BIG_ACCOUNT, fresh_message("Hello"))
        .unwrap();
    let now = gmail(&standin, &tokens.access, "labels/INBOX").await;
    assert_eq!(
        count(&now, "messagesUnread"),
        count(&inbox, "messagesUnread")
    );
    let first = gmail(
        &standin,
        &tokens.access,
        "messages?labelIds=INBOX&maxResults=1",
    )
    .await;
    assert_eq!(list_ids(&first), [fresh]);
    standin.shutdown().await;
}

#[tokio::test]
async fn changes_to_unknown_accounts_messages_or_labels_are_refused() {
    let standin = start().await;
    let control = standin.mailbox_control();
    let m = unread_inbox(&standin);
    let before = control.history_id(BIG_ACCOUNT).unwrap();
    assert!(matches!(
        control.mark_read("nobody@example.com", &m.id),
        Err(mailglance_standin::Error::UnknownAccount { .. })
    ));
    assert!(matches!(
        control.star(BIG_ACCOUNT, "ffffffffffffffff"),
        Err(mailglance_standin::Error::UnknownMessage { .. })
    ));
    assert!(matches!(
        control.add_label(BIG_ACCOUNT, &m.id, "No such label"),
        Err(mailglance_standin::Error::UnknownLabel { .. })
    ));
    let mut twin = fresh_message("Twin");
    twin.id = m.id.clone();
    assert!(matches!(
        control.deliver(BIG_ACCOUNT, twin),
        Err(mailglance_standin::Error::MessageExists { .. })
    ));
    assert_eq!(
        control.history_id(BIG_ACCOUNT).unwrap(),
        before,
        "nothing changed"
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn the_mailbox_control_endpoint_changes_the_mailbox_from_another_process() {
    let standin = start().await;
    let m = unread_inbox(&standin);
    let post = |body: Value| {
        client()
            .post(format!("{}_standin/mailbox", standin.base_url()))
            .body(body.to_string())
            .send()
    };
    let r = post(json!({"change": "mark_read", "email": BIG_ACCOUNT, "id": m.id}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let one: Value = r.json().await.unwrap();
    let history_id = standin.mailbox_control().history_id(BIG_ACCOUNT).unwrap();
    assert_eq!(one, json!({"historyId": history_id.to_string()}));

    let r = post(json!([
        {"change": "modify", "email": BIG_ACCOUNT, "id": m.id, "add": ["STARRED", "Receipts"], "remove": ["INBOX"]},
        {"change": "deliver", "email": BIG_ACCOUNT, "message": {"id": "", "internalDate": anchor().timestamp_millis(), "labelIds": ["INBOX"], "text": "hi"}},
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let many: Value = r.json().await.unwrap();
    let new_id = many[1]["id"].as_str().unwrap();
    let account = standin.mailbox().account(BIG_ACCOUNT).unwrap().clone();
    let changed = account.message(&m.id).unwrap();
    assert!(changed.has_label("STARRED") && changed.has_label("Label_1"));
    assert!(!changed.has_label("INBOX") && !changed.has_label("UNREAD"));
    assert_eq!(account.message(new_id).unwrap().snippet, "hi");
    assert_eq!(many[1]["historyId"], json!(account.history_id.to_string()));

    let r = post(json!({"change": "delete", "email": BIG_ACCOUNT, "id": "0000000000000000"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = post(json!({"change": "nope"})).await.unwrap();
    assert_eq!(r.status(), 400);
    standin.shutdown().await;
}

/// One call of each Gmail method, with the cost the model charges for it.
async fn one_of_each(standin: &StandIn, token: &str) -> Vec<(Endpoint, u32)> {
    let id = standin.mailbox().account(BIG_ACCOUNT).unwrap().messages[0]
        .id
        .clone();
    let start_id = profile_history_id(standin, token).await;
    gmail(standin, token, "labels").await;
    gmail(standin, token, "labels/INBOX").await;
    gmail(standin, token, "messages").await;
    gmail(standin, token, &format!("messages/{id}")).await;
    history(standin, token, start_id, "").await;
    standin
        .requests()
        .into_iter()
        .filter(|r| r.endpoint.is_gmail())
        .map(|r| (r.endpoint, r.units))
        .collect()
}

#[tokio::test]
async fn units_spent_counts_each_call_at_the_new_models_cost_by_default() {
    let standin = start().await;
    assert_eq!(standin.quota_model(), QuotaModel::New);
    let tokens = sign_in(&standin).await;
    let calls = one_of_each(&standin, &tokens.access).await;
    assert_eq!(
        calls,
        [
            (Endpoint::GetProfile, 1),
            (Endpoint::LabelsList, 1),
            (Endpoint::LabelsGet, 1),
            (Endpoint::MessagesList, 5),
            (Endpoint::MessagesGet, 20),
            (Endpoint::HistoryList, 2),
        ]
    );
    assert_eq!(standin.units_spent(BIG_ACCOUNT), 30);
    assert_eq!(
        Endpoint::MessagesGet.units(),
        20,
        "Endpoint::units is the new model's"
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn the_old_model_charges_five_for_messages_get_and_can_be_chosen_at_any_time() {
    let standin = start_with(Options {
        now: Some(anchor()),
        auto_approve: mailglance_standin::AutoApprove::LoginHint,
        quota_model: QuotaModel::Old,
        ..Default::default()
    })
    .await;
    let tokens = sign_in(&standin).await;
    let calls = one_of_each(&standin, &tokens.access).await;
    assert_eq!(
        calls.iter().map(|c| c.1).collect::<Vec<_>>(),
        [1, 1, 1, 5, 5, 2]
    );
    assert_eq!(standin.units_spent(BIG_ACCOUNT), 15);

    // Switched from another process: later calls cost the new model's units.
    let r = client()
        .post(format!("{}_standin/faults", standin.base_url()))
        .body(r#"{"fault":"set_quota_model","model":"new"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(standin.quota_model(), QuotaModel::New);
    let id = standin.mailbox().account(BIG_ACCOUNT).unwrap().messages[0]
        .id
        .clone();
    gmail(&standin, &tokens.access, &format!("messages/{id}")).await;
    assert_eq!(standin.units_spent(BIG_ACCOUNT), 15 + 20);
    standin.faults().set_quota_model(QuotaModel::Old);
    gmail(&standin, &tokens.access, &format!("messages/{id}")).await;
    assert_eq!(standin.units_spent(BIG_ACCOUNT), 15 + 20 + 5);
    standin.shutdown().await;
}

#[tokio::test]
async fn no_per_user_limit_is_enforced_unless_one_is_set() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mailbox = standin.mailbox();
    let paths: Vec<String> = mailbox.account(BIG_ACCOUNT).unwrap().messages[..100]
        .iter()
        .map(|m| format!("/gmail/v1/users/me/messages/{}", m.id))
        .collect();
    for chunk in paths.chunks(50).cycle().take(8) {
        let (status, content_type, body) = post_batch(
            &standin,
            "batch",
            batch_body("bnd_42", chunk, None),
            Some(&tokens.access),
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            parse_batch_reply(&content_type, &body)
                .iter()
                .all(|p| p.status == 200)
        );
    }
    assert_eq!(standin.units_spent(BIG_ACCOUNT), 400 * 20);
    assert!(standin.units_spent(BIG_ACCOUNT) > u64::from(QuotaModel::New.per_user_per_minute()));
    standin.shutdown().await;
}

#[tokio::test]
async fn a_shrunk_quota_window_refuses_over_the_limit_then_lets_calls_through_again() {
    let standin = start_with(Options {
        now: Some(anchor()),
        auto_approve: mailglance_standin::AutoApprove::LoginHint,
        quota_per_user_per_minute: Some(40),
        quota_window: Duration::from_millis(400),
        ..Default::default()
    })
    .await;
    let tokens = sign_in(&standin).await;
    let id = standin.mailbox().account(BIG_ACCOUNT).unwrap().messages[0]
        .id
        .clone();
    let path = format!("gmail/v1/users/me/messages/{id}?format=minimal");
    assert_eq!(get(&standin, Some(&tokens.access), &path).await.status, 200);
    assert_eq!(get(&standin, Some(&tokens.access), &path).await.status, 200);
    let refused = get(&standin, Some(&tokens.access), &path).await;
    assert_eq!(refused.status, 429, "40 units a window: two messages.get");
    assert_eq!(refused.header("retry-after").as_deref(), Some("1"));
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(get(&standin, Some(&tokens.access), &path).await.status, 200);
    assert_eq!(standin.units_spent(BIG_ACCOUNT), 60);

    // Google's minute back, from another process, with the new model's own allowance.
    let r = client()
        .post(format!("{}_standin/faults", standin.base_url()))
        .body(
            json!([
                {"fault": "set_quota_window", "ms": 60_000},
                {"fault": "set_quota", "units_per_minute": QuotaModel::New.per_user_per_minute(),
                 "style": "user_rate_limit"},
            ])
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    for _ in 0..300 {
        assert_eq!(get(&standin, Some(&tokens.access), &path).await.status, 200);
    }
    let refused = get(&standin, Some(&tokens.access), &path).await;
    assert_eq!(
        refused.status, 403,
        "6,000 units is 300 messages.get a minute"
    );
    assert_eq!(
        refused.json()["error"]["errors"][0]["reason"],
        "userRateLimitExceeded"
    );
    standin.faults().set_quota_window(Duration::from_millis(1));
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(get(&standin, Some(&tokens.access), &path).await.status, 200);
    standin.shutdown().await;
}

#[tokio::test]
async fn the_quota_stays_configurable_as_before() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin
        .faults()
        .set_quota(Some(6), RateLimitStyle::TooManyRequests);
    gmail(&standin, &tokens.access, "messages").await;
    gmail(&standin, &tokens.access, "profile").await;
    let refused = get(&standin, Some(&tokens.access), "gmail/v1/users/me/profile").await;
    assert_eq!(refused.status, 429);
    standin
        .faults()
        .set_quota(None, RateLimitStyle::TooManyRequests);
    gmail(&standin, &tokens.access, "profile").await;
    standin.shutdown().await;
}
