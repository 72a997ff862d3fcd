//! Shared helpers: start a stand-in with a pinned clock, sign in without a browser, call
//! Gmail and read replies. Not tests themselves.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use mailglance_standin::{AutoApprove, BIG_ACCOUNT, CLIENT_ID, CLIENT_SECRET, Options, StandIn};
use reqwest::header::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";

pub fn anchor() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-01T12:00:00Z")
        .unwrap()
        .to_utc()
}

/// A stand-in with the demo mailbox at a fixed time, approving as the big account.
pub async fn start() -> StandIn {
    start_with(Options {
        now: Some(anchor()),
        auto_approve: AutoApprove::LoginHint,
        ..Default::default()
    })
    .await
}

pub async fn start_with(options: Options) -> StandIn {
    StandIn::start(options).await.expect("the stand-in starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
    pub body: Value,
}

pub fn verifier() -> String {
    "a-verifier-that-is-long-enough-to-be-valid-0123456789".into()
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization URL a client would open, with PKCE S256 and offline access.
pub fn auth_url(standin: &StandIn, email: &str, scopes: &str, extra: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(&standin.authorization_url()).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("response_type", "code")
        .append_pair("scope", scopes)
        .append_pair("code_challenge", &challenge(&verifier()))
        .append_pair("code_challenge_method", "S256")
        .append_pair("access_type", "offline")
        .append_pair("state", "st-1")
        .append_pair("login_hint", email);
    for (k, v) in extra {
        url.query_pairs_mut().append_pair(k, v);
    }
    url.to_string()
}

/// A code for `email` through the auto-approving authorization endpoint.
pub async fn code_for(standin: &StandIn, email: &str, scopes: &str) -> String {
    let response = client()
        .get(auth_url(standin, email, scopes, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302, "auto-approve redirects at once");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let url = url::Url::parse(&location).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code")
}

pub async fn token_request(standin: &StandIn, form: &[(&str, &str)]) -> (u16, HeaderMap, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let response = client()
        .post(standin.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

/// Signs `email` in with `scopes` and returns its tokens.
pub async fn sign_in_with(standin: &StandIn, email: &str, scopes: &str) -> Tokens {
    let code = code_for(standin, email, scopes).await;
    let v = verifier();
    let (status, _, body) = token_request(
        standin,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code_verifier", &v),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    Tokens {
        access: body["access_token"].as_str().unwrap().to_string(),
        refresh: body["refresh_token"].as_str().map(str::to_string),
        body,
    }
}

pub async fn sign_in(standin: &StandIn) -> Tokens {
    sign_in_with(
        standin,
        BIG_ACCOUNT,
        &format!("openid email profile {READONLY}"),
    )
    .await
}

pub struct Got {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

/// GET `path` (with query) on the stand-in with a bearer token.
pub async fn get(standin: &StandIn, token: Option<&str>, path: &str) -> Got {
    let url = format!("{}{}", standin.base_url(), path.trim_start_matches('/'));
    let mut request = client().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    Got {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

pub async fn gmail(standin: &StandIn, token: &str, path: &str) -> Value {
    let got = get(standin, Some(token), &format!("gmail/v1/users/me/{path}")).await;
    assert_eq!(got.status, 200, "{path}: {}", got.text);
    got.json()
}

/// A batch body with one GET part per path; Content-IDs are `<item-N>`.
pub fn batch_body(boundary: &str, paths: &[String], auth: Option<&str>) -> String {
    let mut body = String::new();
    for (i, path) in paths.iter().enumerate() {
        body.push_str(&format!("--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-{i}>\r\n\r\nGET {path} HTTP/1.1\r\n"));
        if let Some(token) = auth {
            body.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body
}

/// One part of a batch reply.
#[derive(Debug)]
pub struct BatchPart {
    pub content_id: Option<String>,
    pub status: u16,
    pub body: String,
}

/// Splits a batch reply (Content-Type with its boundary, body).
pub fn parse_batch_reply(content_type: &str, body: &str) -> Vec<BatchPart> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .trim_matches('"');
    let end = format!("--{boundary}--");
    assert!(
        body.contains(&end),
        "the reply ends with the closing boundary"
    );
    body.split(&format!("--{boundary}"))
        .skip(1)
        .filter(|c| !c.starts_with("--"))
        .map(|chunk| {
            let (mime, http) = chunk.split_once("\r\n\r\n").unwrap();
            let content_id = mime
                .lines()
                .find_map(|l| l.strip_prefix("Content-ID: ").map(str::to_string));
            let (head, body) = http.split_once("\r\n\r\n").unwrap();
            let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
            BatchPart {
                content_id,
                status,
                body: body.trim_end_matches("\r\n").to_string(),
            }
        })
        .collect()
}

pub async fn post_batch(
    standin: &StandIn,
    path: &str,
    body: String,
    outer_auth: Option<&str>,
) -> (u16, String, String) {
    let mut request = client()
        .post(format!("{}{}", standin.base_url(), path))
        .header("content-type", "multipart/mixed; boundary=bnd_42")
        .body(body);
    if let Some(token) = outer_auth {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}
