//! Each injected fault, set through the library handle or the control endpoint, and the
//! per-user quota.

use std::time::{Duration, Instant};

use mailglance_standin::{
    BIG_ACCOUNT, CLIENT_ID, CLIENT_SECRET, Endpoint, Options, RateLimitStyle,
};

use crate::helpers::*;

#[tokio::test]
async fn latency_delays_every_reply() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin.faults().set_latency(Duration::from_millis(300));
    let started = Instant::now();
    gmail(&standin, &tokens.access, "profile").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    standin.shutdown().await;
}

#[tokio::test]
async fn fail_next_fails_exactly_n_calls_with_googles_body() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin.faults().fail_next(Endpoint::MessagesList, 2, 503);
    for _ in 0..2 {
        let got = get(&standin, Some(&tokens.access), "gmail/v1/users/me/messages").await;
        assert_eq!(got.status, 503);
        assert_eq!(got.json()["error"]["code"], 503);
    }
    gmail(&standin, &tokens.access, "messages").await;
    standin.faults().fail_next(Endpoint::Token, 1, 500);
    let (status, _, _) = token_request(&standin, &[("grant_type", "refresh_token")]).await;
    assert_eq!(status, 500);
    standin.shutdown().await;
}

#[tokio::test]
async fn revoking_a_user_kills_access_and_refresh_tokens() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin.faults().revoke_user(BIG_ACCOUNT);
    let got = get(&standin, Some(&tokens.access), "gmail/v1/users/me/profile").await;
    assert_eq!(got.status, 401);
    assert!(
        got.header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );
    let refresh = tokens.refresh.unwrap();
    let (status, _, body) = token_request(
        &standin,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(standin.grant_is_revoked(BIG_ACCOUNT));
    standin.shutdown().await;
}

#[tokio::test]
async fn expired_access_tokens_get_401_and_a_refresh_recovers() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin.faults().expire_access_tokens();
    assert_eq!(
        get(&standin, Some(&tokens.access), "gmail/v1/users/me/profile")
            .await
            .status,
        401
    );
    assert_eq!(standin.live_access_tokens(BIG_ACCOUNT), 0);
    let refresh = tokens.refresh.unwrap();
    let (status, _, body) = token_request(
        &standin,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("refresh_token").is_none());
    gmail(&standin, body["access_token"].as_str().unwrap(), "profile").await;
    standin.shutdown().await;
}

#[tokio::test]
async fn omit_refresh_token_and_userinfo_without_id_change_the_replies() {
    let standin = start().await;
    standin.faults().omit_refresh_token(true);
    let tokens = sign_in(&standin).await;
    assert!(tokens.refresh.is_none());
    standin.faults().userinfo_without_id(true);
    let oidc = get(&standin, Some(&tokens.access), "v1/userinfo")
        .await
        .json();
    assert!(oidc.get("sub").is_none() && oidc["email"] == BIG_ACCOUNT);
    let v2 = get(&standin, Some(&tokens.access), "oauth2/v2/userinfo")
        .await
        .json();
    assert!(v2.get("id").is_none());
    standin.shutdown().await;
}

#[tokio::test]
async fn malformed_json_is_served_for_the_next_n_calls_only() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin
        .faults()
        .malformed_json_next(Endpoint::LabelsList, 1);
    let got = get(&standin, Some(&tokens.access), "gmail/v1/users/me/labels").await;
    assert_eq!(got.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&got.text).is_err());
    gmail(&standin, &tokens.access, "labels").await;
    standin.shutdown().await;
}

#[tokio::test]
async fn a_truncated_batch_reply_lacks_its_closing_boundary() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin.faults().truncate_batch_next(1);
    let paths = vec!["/gmail/v1/users/me/labels".to_string(); 5];
    let (status, content_type, body) = post_batch(
        &standin,
        "batch",
        batch_body("bnd_42", &paths, None),
        Some(&tokens.access),
    )
    .await;
    assert_eq!(status, 200);
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    assert!(!body.contains(&format!("--{boundary}--")));
    standin.shutdown().await;
}

#[tokio::test]
async fn a_connection_closed_mid_reply_is_an_error_for_the_client() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    standin
        .faults()
        .close_mid_reply_next(Endpoint::MessagesList, 1);
    let response = client()
        .get(format!("{}gmail/v1/users/me/messages", standin.base_url()))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err(), "the body stops part-way");
    gmail(&standin, &tokens.access, "messages").await;
    standin.shutdown().await;
}

#[tokio::test]
async fn over_quota_calls_get_429_with_retry_after_or_403_user_rate_limit() {
    let standin = start_with(Options {
        now: Some(anchor()),
        auto_approve: mailglance_standin::AutoApprove::LoginHint,
        quota_per_user_per_minute: Some(12),
        ..Default::default()
    })
    .await;
    let tokens = sign_in(&standin).await;
    gmail(&standin, &tokens.access, "messages").await;
    gmail(&standin, &tokens.access, "messages").await;
    let refused = get(&standin, Some(&tokens.access), "gmail/v1/users/me/messages").await;
    assert_eq!(refused.status, 429);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(
        refused.json()["error"]["errors"][0]["reason"],
        "rateLimitExceeded"
    );
    assert_eq!(
        standin.units_spent(BIG_ACCOUNT),
        10,
        "refused calls cost nothing"
    );
    gmail(&standin, &tokens.access, "profile").await; // 1 unit still fits
    standin
        .faults()
        .set_quota(Some(5), RateLimitStyle::UserRateLimit);
    gmail(&standin, &tokens.access, "messages").await;
    let refused = get(&standin, Some(&tokens.access), "gmail/v1/users/me/labels").await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.json()["error"]["errors"][0]["reason"],
        "userRateLimitExceeded"
    );
    assert_eq!(
        refused.json()["error"]["errors"][0]["domain"],
        "usageLimits"
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn the_control_endpoint_sets_faults_from_another_process() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let r = client()
        .post(format!("{}_standin/faults", standin.base_url()))
        .body(r#"[{"fault":"fail_next","endpoint":"gmail.users.getProfile","count":1,"status":500},{"fault":"latency","ms":0}]"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get(&standin, Some(&tokens.access), "gmail/v1/users/me/profile")
            .await
            .status,
        500
    );
    let bad = client()
        .post(format!("{}_standin/faults", standin.base_url()))
        .body(r#"{"fault":"nope"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let log: serde_json::Value = client()
        .get(format!("{}_standin/requests", standin.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|r| r["endpoint"] == "users.getProfile" && r["status"] == 500)
    );
    let units: serde_json::Value = client()
        .get(format!("{}_standin/units", standin.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        units.get(BIG_ACCOUNT).is_none(),
        "the failed call was refused before quota"
    );
    standin.shutdown().await;
}
