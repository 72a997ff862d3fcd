//! Measures how fast the stand-in serves over loopback: messages.get per second (one at a
//! time, and 16 in flight) and batches of 50 messages.get per second.
//!
//! `cargo run --release -p mailglance-standin --example serve_speed`. Client and server
//! share the process and the machine's cores, so the numbers are a floor, not a ceiling.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mailglance_standin::{AutoApprove, BIG_ACCOUNT, CLIENT_ID, CLIENT_SECRET, Options, StandIn};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:9/cb";

async fn access_token(standin: &StandIn, http: &reqwest::Client) -> String {
    let verifier = "serve-speed-verifier-0123456789-0123456789-abcdef";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = url::Url::parse(&standin.authorization_url()).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("response_type", "code")
        .append_pair("scope", "https://www.googleapis.com/auth/gmail.readonly")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let response = http.get(url).send().await.unwrap();
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code_verifier", verifier),
        ])
        .finish();
    let body: serde_json::Value = http
        .post(standin.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

fn rate(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let standin = StandIn::start(Options {
        auto_approve: AutoApprove::As(BIG_ACCOUNT.into()),
        ..Default::default()
    })
    .await
    .expect("the stand-in starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = access_token(&standin, &http).await;
    let ids: Vec<String> = standin
        .mailbox()
        .account(BIG_ACCOUNT)
        .unwrap()
        .messages
        .iter()
        .map(|m| m.id.clone())
        .collect();
    let url = |id: &str| {
        format!(
            "{}gmail/v1/users/me/messages/{id}?format=metadata",
            standin.base_url()
        )
    };

    // Warm up connections.
    for id in ids.iter().take(50) {
        http.get(url(id))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }

    let n = 2000;
    let started = Instant::now();
    for i in 0..n {
        let r = http
            .get(url(&ids[i % ids.len()]))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        r.bytes().await.unwrap();
    }
    let sequential = rate(n, started.elapsed());

    let n = 4000;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let (http, token, ids) = (http.clone(), token.clone(), ids.clone());
        let base = standin.base_url();
        tasks.push(tokio::spawn(async move {
            for i in (worker..n).step_by(16) {
                let u = format!(
                    "{base}gmail/v1/users/me/messages/{}?format=metadata",
                    ids[i % ids.len()]
                );
                let r = http.get(u).bearer_auth(&token).send().await.unwrap();
                assert!(r.status().is_success());
                r.bytes().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let concurrent = rate(n, started.elapsed());

    let batches = 200;
    let started = Instant::now();
    for b in 0..batches {
        let mut body = String::new();
        for i in 0..50 {
            let id = &ids[(b * 50 + i) % ids.len()];
            body.push_str(&format!(
                "--b\r\nContent-Type: application/http\r\nContent-ID: <{i}>\r\n\r\nGET /gmail/v1/users/me/messages/{id}?format=metadata HTTP/1.1\r\n\r\n"
            ));
        }
        body.push_str("--b--\r\n");
        let r = http
            .post(format!("{}batch/gmail/v1", standin.base_url()))
            .bearer_auth(&token)
            .header("content-type", "multipart/mixed; boundary=b")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        r.bytes().await.unwrap();
    }
    let batch = rate(batches, started.elapsed());

    println!("messages.get (metadata), one at a time: {sequential:8.0} requests/s");
    println!("messages.get (metadata), 16 in flight:   {concurrent:8.0} requests/s");
    println!(
        "batch of 50 messages.get:               {batch:8.1} batches/s ({:.0} messages/s)",
        batch * 50.0
    );
    standin.shutdown().await;
}
