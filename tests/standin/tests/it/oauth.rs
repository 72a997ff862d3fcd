//! OAuth 2.0 against the stand-in: a real client (the `oauth2` crate) completes the code flow
//! with PKCE and fails as Google would; consent page, errors, refresh, revoke, userinfo.

use mailglance_standin::{
    AutoApprove, BIG_ACCOUNT, BrowseOptions, CLIENT_ID, CLIENT_SECRET, Options, SMALL_ACCOUNT,
    browse,
};
use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, RevocationUrl, Scope, StandardRevocableToken,
    TokenResponse, TokenUrl,
};

use crate::helpers::*;

type Client = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
    oauth2::EndpointSet,
>;

fn oauth_client(standin: &mailglance_standin::StandIn, redirect: &str) -> Client {
    BasicClient::new(ClientId::new(CLIENT_ID.into()))
        .set_client_secret(ClientSecret::new(CLIENT_SECRET.into()))
        .set_auth_uri(AuthUrl::new(standin.authorization_url()).unwrap())
        .set_token_uri(TokenUrl::new(standin.token_url()).unwrap())
        .set_revocation_url(RevocationUrl::new(standin.revocation_url()).unwrap())
        .set_redirect_uri(RedirectUrl::new(redirect.into()).unwrap())
}

/// Opens the consent page with the scripted browser and returns the code and state.
async fn authorize(client: &Client, account: &str) -> (String, PkceCodeVerifier, String) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("openid".into()))
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new(READONLY.into()))
        .add_extra_param("access_type", "offline")
        .set_pkce_challenge(challenge)
        .url();
    let outcome = browse(
        url.as_str(),
        &BrowseOptions {
            account: Some(account.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let pairs: Vec<(String, String)> = outcome.redirect.query_pairs().into_owned().collect();
    let state = pairs.iter().find(|(k, _)| k == "state").unwrap().1.clone();
    assert_eq!(&state, csrf.secret(), "state comes back unchanged");
    let code = pairs.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    (code, verifier, state)
}

async fn standin_with_consent_page() -> mailglance_standin::StandIn {
    start_with(Options {
        now: Some(anchor()),
        auto_approve: AutoApprove::Off,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_real_oauth_client_completes_the_code_flow_with_pkce_through_the_consent_page() {
    let standin = standin_with_consent_page().await;
    let client = oauth_client(&standin, "http://127.0.0.1:45678/");
    let (code, verifier, _) = authorize(&client, SMALL_ACCOUNT).await;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&client_http())
        .await
        .unwrap();
    assert!(
        token.refresh_token().is_some(),
        "first consent with offline access gives a refresh token"
    );
    assert_eq!(token.expires_in().unwrap().as_secs(), 3599);
    let scopes: Vec<String> = token
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(scopes.contains(&"https://www.googleapis.com/auth/userinfo.email".to_string()));
    let profile = gmail(&standin, token.access_token().secret(), "profile").await;
    assert_eq!(profile["emailAddress"], SMALL_ACCOUNT);

    // Refresh: a new access token and, as at Google, no refresh_token in the reply.
    let refreshed = client
        .exchange_refresh_token(token.refresh_token().unwrap())
        .request_async(&client_http())
        .await
        .unwrap();
    assert!(refreshed.refresh_token().is_none());
    assert_ne!(
        refreshed.access_token().secret(),
        token.access_token().secret()
    );
    standin.shutdown().await;
}

fn client_http() -> reqwest::Client {
    client()
}

fn grant_error(
    e: RequestTokenError<
        oauth2::HttpClientError<reqwest::Error>,
        oauth2::basic::BasicErrorResponse,
    >,
) -> (BasicErrorResponseType, String) {
    match e {
        RequestTokenError::ServerResponse(r) => (
            r.error().clone(),
            r.error_description().cloned().unwrap_or_default(),
        ),
        other => panic!("expected an OAuth error body, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_verifier_a_reused_code_and_a_wrong_redirect_fail_as_at_google() {
    let standin = standin_with_consent_page().await;
    let client = oauth_client(&standin, "http://127.0.0.1:45678/cb");

    let (code, _, _) = authorize(&client, BIG_ACCOUNT).await;
    let wrong = PkceCodeVerifier::new("x".repeat(64));
    let e = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(wrong)
        .request_async(&client_http())
        .await
        .unwrap_err();
    assert_eq!(
        grant_error(e),
        (
            BasicErrorResponseType::InvalidGrant,
            "Invalid code verifier.".into()
        )
    );

    let (code, _, _) = authorize(&client, BIG_ACCOUNT).await;
    let e = client
        .exchange_code(AuthorizationCode::new(code))
        .request_async(&client_http())
        .await
        .unwrap_err();
    assert_eq!(
        grant_error(e),
        (
            BasicErrorResponseType::InvalidGrant,
            "Missing code verifier.".into()
        )
    );

    let (code, verifier, _) = authorize(&client, BIG_ACCOUNT).await;
    let secret = verifier.secret().clone();
    client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request_async(&client_http())
        .await
        .unwrap();
    let e = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(secret))
        .request_async(&client_http())
        .await
        .unwrap_err();
    assert_eq!(
        grant_error(e).0,
        BasicErrorResponseType::InvalidGrant,
        "a code works once"
    );

    let (code, verifier, _) = authorize(&client, BIG_ACCOUNT).await;
    let other = oauth_client(&standin, "http://127.0.0.1:45678/other");
    let e = other
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&client_http())
        .await
        .unwrap_err();
    assert_eq!(
        grant_error(e).0,
        BasicErrorResponseType::Extension("redirect_uri_mismatch".into())
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn a_revoked_refresh_token_gives_invalid_grant_and_kills_the_access_token() {
    let standin = standin_with_consent_page().await;
    let client = oauth_client(&standin, "http://127.0.0.1:45678/");
    let (code, verifier, _) = authorize(&client, BIG_ACCOUNT).await;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&client_http())
        .await
        .unwrap();
    let refresh = token.refresh_token().unwrap().clone();
    // The oauth2 crate refuses a revocation URL that is not https (`InsecureUrl`), so the
    // revocation is posted as Google documents it: the token in the form.
    let response = client_http()
        .post(standin.revocation_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={}", refresh.secret()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(standin.grant_is_revoked(BIG_ACCOUNT));
    let e = client
        .exchange_refresh_token(&refresh)
        .request_async(&client_http())
        .await
        .unwrap_err();
    assert_eq!(
        grant_error(e),
        (
            BasicErrorResponseType::InvalidGrant,
            "Token has been expired or revoked.".into()
        )
    );
    let got = get(
        &standin,
        Some(token.access_token().secret()),
        "gmail/v1/users/me/profile",
    )
    .await;
    assert_eq!(got.status, 401);
    standin.shutdown().await;
}

#[tokio::test]
async fn client_secret_post_works_and_a_wrong_secret_or_client_is_invalid_client() {
    let standin = start().await;
    let code = code_for(&standin, BIG_ACCOUNT, READONLY).await;
    let client = oauth_client(&standin, REDIRECT).set_auth_type(AuthType::RequestBody);
    client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier()))
        .request_async(&client_http())
        .await
        .unwrap();

    let (status, headers, body) = token_request(
        &standin,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", CLIENT_ID),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_eq!(
        (
            status,
            body["error"].as_str(),
            body["error_description"].as_str()
        ),
        (401, Some("invalid_client"), Some("Unauthorized"))
    );
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    let (status, _, body) = token_request(
        &standin,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", "nobody"),
            ("client_secret", "s"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (401, Some("The OAuth client was not found."))
    );
    let (status, _, body) = token_request(
        &standin,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("Token has been expired or revoked."))
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn a_refresh_token_comes_only_with_offline_access_and_first_or_forced_consent() {
    let standin = start().await;
    let first = sign_in(&standin).await;
    assert!(first.refresh.is_some());
    assert!(
        first.body["id_token"].as_str().unwrap().split('.').count() == 3,
        "openid gives an id_token"
    );
    let again = sign_in(&standin).await;
    assert!(
        again.refresh.is_none(),
        "consent already given: no new refresh token"
    );
    // prompt=consent forces it.
    let url = auth_url(&standin, BIG_ACCOUNT, READONLY, &[("prompt", "consent")]);
    let location = client().get(url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (_, _, body) = token_request(
        &standin,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code_verifier", &verifier()),
        ],
    )
    .await;
    assert!(body["refresh_token"].is_string());
    assert!(
        body.get("id_token").is_none(),
        "no openid scope, no id_token"
    );
    for t in standin.issued_tokens() {
        assert!(!t.starts_with("ya29.") && !t.starts_with("1//0"));
    }
    standin.shutdown().await;
}

#[tokio::test]
async fn denying_consent_redirects_with_access_denied_and_the_state() {
    let standin = standin_with_consent_page().await;
    let url = auth_url(&standin, BIG_ACCOUNT, READONLY, &[]);
    let page = client().get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<form") && html.contains("Allow") && html.contains("Deny"));
    assert!(html.contains("View your email messages and settings"));
    let outcome = browse(
        &url,
        &BrowseOptions {
            deny: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let pairs: Vec<(String, String)> = outcome.redirect.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("error".into(), "access_denied".into())));
    assert!(pairs.contains(&("state".into(), "st-1".into())));
    assert!(outcome.redirect.as_str().starts_with(REDIRECT));
    standin.shutdown().await;
}

#[tokio::test]
async fn an_unknown_client_or_a_non_loopback_redirect_shows_an_error_page_instead_of_redirecting() {
    let standin = start().await;
    let bad_client =
        auth_url(&standin, BIG_ACCOUNT, READONLY, &[]).replace(CLIENT_ID, "someone-else");
    let r = client().get(bad_client).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("location").is_none());
    assert!(r.text().await.unwrap().contains("invalid_client"));
    let bad_redirect =
        auth_url(&standin, BIG_ACCOUNT, READONLY, &[]).replace("127.0.0.1%3A9", "evil.example.com");
    let r = client().get(bad_redirect).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("redirect_uri_mismatch"));
    let bad_scope = auth_url(
        &standin,
        BIG_ACCOUNT,
        "https://www.googleapis.com/auth/drive",
        &[],
    );
    let r = client().get(bad_scope).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("invalid_scope"));
    // The old path of the client file works too, and [::1] / localhost are loopback.
    let old = auth_url(&standin, BIG_ACCOUNT, READONLY, &[])
        .replace("/o/oauth2/v2/auth", "/o/oauth2/auth")
        .replace("127.0.0.1%3A9", "%5B%3A%3A1%5D%3A9");
    assert_eq!(client().get(old).send().await.unwrap().status(), 302);
    standin.shutdown().await;
}

#[tokio::test]
async fn revoke_takes_the_token_in_query_or_form_and_refuses_unknown_tokens() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let r = client()
        .post(format!(
            "{}?token={}",
            standin.revocation_url(),
            tokens.access
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = client()
        .post(standin.revocation_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={}", tokens.refresh.unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "the grant is already gone");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": "invalid_token", "error_description": "Token expired or revoked"})
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn userinfo_speaks_both_the_oidc_and_the_oauth2_v2_shapes() {
    let standin = start().await;
    let tokens = sign_in(&standin).await;
    let oidc = get(&standin, Some(&tokens.access), "v1/userinfo")
        .await
        .json();
    let account = standin.mailbox().account(BIG_ACCOUNT).unwrap().clone();
    assert_eq!(oidc["sub"], account.sub.as_str());
    assert_eq!(oidc["email"], BIG_ACCOUNT);
    assert_eq!(oidc["email_verified"], true);
    assert_eq!(oidc["given_name"], "Ana");
    let v2 = get(&standin, Some(&tokens.access), "oauth2/v2/userinfo")
        .await
        .json();
    assert_eq!(v2["id"], account.sub.as_str());
    assert_eq!(v2["verified_email"], true);
    assert_eq!(v2["family_name"], "Kowalska");
    let anonymous = get(&standin, None, "oauth2/v2/userinfo").await;
    assert_eq!(anonymous.status, 401);
    let config = get(&standin, None, ".well-known/openid-configuration")
        .await
        .json();
    assert_eq!(config["token_endpoint"], standin.token_url().as_str());
    assert_eq!(config["userinfo_endpoint"], standin.userinfo_url().as_str());
    standin.shutdown().await;
}

#[tokio::test]
async fn auto_approve_as_a_given_account_ignores_the_hint() {
    let standin = start_with(Options {
        auto_approve: AutoApprove::As(SMALL_ACCOUNT.into()),
        ..Default::default()
    })
    .await;
    let tokens = sign_in(&standin).await;
    assert_eq!(
        gmail(&standin, &tokens.access, "profile").await["emailAddress"],
        SMALL_ACCOUNT
    );
    standin.shutdown().await;
}
