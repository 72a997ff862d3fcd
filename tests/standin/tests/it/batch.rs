//! The batch endpoint: multipart in and out, Content-ID echo, order, per-part status and
//! auth, the 100-part limit, and both paths.

use mailglance_standin::{BIG_ACCOUNT, Endpoint};

use crate::helpers::*;

#[tokio::test]
async fn a_batch_answers_every_part_in_order_with_echoed_content_ids_on_both_paths() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mailbox = standin.mailbox();
    let account = mailbox.account(BIG_ACCOUNT).unwrap();
    let mut paths: Vec<String> = account
        .messages
        .iter()
        .take(48)
        .map(|m| format!("/gmail/v1/users/me/messages/{}?format=metadata", m.id))
        .collect();
    paths.push("/gmail/v1/users/me/messages/0000000000000000".into());
    paths.push("/gmail/v1/users/me/labels".into());
    for batch_path in ["batch", "batch/gmail/v1"] {
        let (status, content_type, body) = post_batch(
            &standin,
            batch_path,
            batch_body("bnd_42", &paths, None),
            Some(&tokens.access),
        )
        .await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("multipart/mixed; boundary="));
        let parts = parse_batch_reply(&content_type, &body);
        assert_eq!(parts.len(), 50);
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(
                part.content_id.as_deref(),
                Some(format!("<response-item-{i}>").as_str())
            );
        }
        for (part, m) in parts.iter().zip(&account.messages).take(48) {
            assert_eq!(part.status, 200);
            let json: serde_json::Value = serde_json::from_str(&part.body).unwrap();
            assert_eq!(json["id"], m.id.as_str());
        }
        assert_eq!(parts[48].status, 404);
        assert!(parts[49].body.contains("\"labels\""));
    }
    standin.shutdown().await;
}

#[tokio::test]
async fn part_headers_override_the_outer_authorization_and_each_part_is_checked() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let paths = vec!["/gmail/v1/users/me/profile".to_string()];
    let (_, content_type, body) = post_batch(
        &standin,
        "batch",
        batch_body("bnd_42", &paths, Some(&tokens.access)),
        Some("stale-token"),
    )
    .await;
    assert_eq!(parse_batch_reply(&content_type, &body)[0].status, 200);
    let (status, content_type, body) =
        post_batch(&standin, "batch", batch_body("bnd_42", &paths, None), None).await;
    assert_eq!(status, 200, "the batch itself succeeds");
    let part = &parse_batch_reply(&content_type, &body)[0];
    assert_eq!(part.status, 401);
    assert!(part.body.contains("UNAUTHENTICATED"));
    standin.shutdown().await;
}

#[tokio::test]
async fn more_than_100_parts_or_a_non_multipart_body_is_a_400() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let paths: Vec<String> = (0..101)
        .map(|_| "/gmail/v1/users/me/profile".to_string())
        .collect();
    let (status, _, body) = post_batch(
        &standin,
        "batch",
        batch_body("bnd_42", &paths, None),
        Some(&tokens.access),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("maximum is 100"), "{body}");
    let r = client()
        .post(format!("{}batch", standin.base_url()))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    standin.shutdown().await;
}

#[tokio::test]
async fn a_batch_of_n_costs_the_sum_of_its_parts_and_each_part_is_logged() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let mailbox = standin.mailbox();
    let paths: Vec<String> = mailbox
        .account(BIG_ACCOUNT)
        .unwrap()
        .messages
        .iter()
        .take(10)
        .map(|m| format!("/gmail/v1/users/me/messages/{}", m.id))
        .collect();
    let before = standin.units_spent(BIG_ACCOUNT);
    post_batch(
        &standin,
        "batch",
        batch_body("bnd_42", &paths, None),
        Some(&tokens.access),
    )
    .await;
    // messages.get costs 20 units in Google's new quota model, the stand-in's default.
    assert_eq!(standin.units_spent(BIG_ACCOUNT) - before, 10 * 20);
    assert_eq!(standin.count(Endpoint::MessagesGet), 10);
    let batch_line = standin
        .requests()
        .into_iter()
        .find(|r| r.endpoint == Endpoint::Batch)
        .unwrap();
    assert_eq!(batch_line.units, 10 * 20);
    standin.shutdown().await;
}
