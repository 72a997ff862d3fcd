//! Sign-in end to end against the Google stand-in over loopback HTTP, with the refresh
//! token in a real Secret Service: the seed's `get_credentials` branches and the lines of
//! docs/LESSONS.md's Sign-in table that the core decides. What comes after the sign-in (tokens,
//! grants, signing out) is in `grants.rs`.

use std::time::Duration;

use mailglance_core::auth::{AccountState, Error};
use mailglance_core::error::Error as AppError;
use mailglance_standin::Endpoint;

use crate::helpers::{ANA, Fixture, Person, files_under, query, secret_tool_lookup};

#[tokio::test]
async fn signing_in_keeps_the_refresh_token_in_the_keychain_and_only_the_account_on_disk() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    assert_eq!(account.email, ANA);
    assert_eq!(account.state, AccountState::SignedIn);
    assert_eq!(account.name.as_deref(), Some("Ana Kowalska"));

    // The refresh token is in the Secret Service, readable by the platform's own tool.
    let stored = secret_tool_lookup(&f.service, &account.id).expect("a keychain entry");
    assert!(f.standin.issued_tokens().contains(&stored));

    // The accounts file names the account and holds no token.
    let accounts = std::fs::read_to_string(f.paths.data_dir.join("accounts.json")).unwrap();
    assert!(accounts.contains(ANA) && accounts.contains(&account.id));
    for token in f.standin.issued_tokens() {
        for (path, bytes) in files_under(f.dir.path()) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(&token),
                "a token was written to {}",
                path.display()
            );
        }
    }
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn the_authorization_request_asks_for_offline_access_with_pkce_s256_and_consent() {
    let f = Fixture::new().await;
    let app = f.app();
    f.browser.act_as(Person::Away);
    let started = app.start_sign_in(None).await.unwrap();
    assert!(started.browser_opened);
    let q = query(&started.url);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["code_challenge"].len(),
        43,
        "a SHA-256 challenge, base64url"
    );
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    assert!(q["state"].len() >= 16);
    assert!(!q.contains_key("login_hint"));
    let scopes: Vec<&str> = q["scope"].split(' ').collect();
    for s in [
        "https://www.googleapis.com/auth/gmail.readonly",
        "openid",
        "email",
        "profile",
    ] {
        assert!(scopes.contains(&s), "{s} missing from {scopes:?}");
    }
    // The literal loopback address, never `localhost` (which may resolve to ::1).
    let redirect = url::Url::parse(&q["redirect_uri"]).unwrap();
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert_ne!(redirect.port(), Some(0));
    assert!(started.url.starts_with(&f.standin.authorization_url()));
    // A second flow gets a fresh state and verifier.
    let again = query(&app.start_sign_in(None).await.unwrap().url);
    assert_ne!(again["state"], q["state"]);
    assert_ne!(again["code_challenge"], q["code_challenge"]);
    app.cancel_sign_in();
}

#[tokio::test]
async fn the_redirect_uri_is_the_identical_string_in_the_authorize_and_token_requests() {
    // The stand-in, like Google, compares the two byte for byte (`redirect_uri_mismatch`
    // otherwise, as when one side strips the trailing `/`): the sign-in succeeding is the proof.
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let records = f.standin.requests();
    let authorize = records
        .iter()
        .find(|r| r.endpoint == Endpoint::Authorize)
        .expect("an authorize request");
    let q = query(&format!("http://x/?{}", authorize.query));
    assert!(q["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert!(q["redirect_uri"].ends_with('/'));
    let token = records
        .iter()
        .find(|r| r.endpoint == Endpoint::Token)
        .expect("a token request");
    assert_eq!(token.status, 200);
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_known_account_with_a_stored_token_is_asked_with_login_hint_and_no_forced_consent() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    f.browser.act_as(Person::Away);
    let q = query(&app.start_sign_in(Some(ANA.into())).await.unwrap().url);
    assert_eq!(q["login_hint"], ANA);
    assert!(
        !q.contains_key("prompt"),
        "consent forced although a token is held"
    );
    app.cancel_sign_in();
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_reply_without_a_refresh_token_uses_the_stored_one() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let stored = secret_tool_lookup(&f.service, &account.id).unwrap();
    f.standin.faults().omit_refresh_token(true);
    f.browser.act_as(Person::Allows(ANA.into()));
    app.start_sign_in(Some(ANA.into())).await.unwrap();
    let again = app.finish_sign_in().await.unwrap();
    assert_eq!(again.state, AccountState::SignedIn);
    assert_eq!(secret_tool_lookup(&f.service, &account.id).unwrap(), stored);
    assert_eq!(f.browser.opened().len(), 2, "no extra consent round");
    f.standin.faults().omit_refresh_token(false);
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn no_refresh_token_and_none_stored_asks_for_consent_once_more_then_says_so() {
    let f = Fixture::new().await;
    let app = f.app();
    f.standin.faults().omit_refresh_token(true);
    app.start_sign_in(None).await.unwrap();
    let e = app.finish_sign_in().await.unwrap_err();
    assert_eq!(e.kind(), "sign_in_failed");
    assert!(
        matches!(e, AppError::Auth(Error::NoRefreshToken { .. })),
        "{e:?}"
    );
    let opened = f.browser.opened();
    assert_eq!(
        opened.len(),
        2,
        "consent asked once more, not again and again"
    );
    let second = query(&opened[1]);
    assert_eq!(second["prompt"], "consent");
    assert_eq!(second["login_hint"], ANA);
    assert!(app.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn userinfo_without_an_id_is_a_clear_error_and_nothing_is_kept() {
    let f = Fixture::new().await;
    let app = f.app();
    f.standin.faults().userinfo_without_id(true);
    app.start_sign_in(None).await.unwrap();
    let e = app.finish_sign_in().await.unwrap_err();
    assert!(matches!(e, AppError::Auth(Error::NoUserId)), "{e:?}");
    assert!(e.to_string().contains("did not say which account"));
    assert!(app.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn denied_consent_ends_the_wait_with_a_clear_message_and_the_app_stays_usable() {
    let f = Fixture::new().await;
    let app = f.app();
    f.browser.act_as(Person::Denies);
    app.start_sign_in(None).await.unwrap();
    let e = app.finish_sign_in().await.unwrap_err();
    assert_eq!(e.kind(), "sign_in_denied");
    assert!(e.to_string().contains("not allowed to read your mail"));
    // Usable afterwards: the next sign-in works.
    let account = f.sign_in(&app, ANA).await;
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn gmail_left_unticked_on_the_consent_page_says_so_and_keeps_nothing() {
    let f = Fixture::new().await;
    let app = f.app();
    f.browser.act_as(Person::AllowsWithout(
        ANA.into(),
        "https://www.googleapis.com/auth/gmail.readonly".into(),
    ));
    let started = app.start_sign_in(None).await.unwrap();
    // Asked so that what was granted before stays granted.
    assert_eq!(query(&started.url)["include_granted_scopes"], "true");
    let e = app.finish_sign_in().await.unwrap_err();
    assert_eq!(e.kind(), "scope_not_granted");
    assert!(
        e.to_string().contains(
            "you left \"Read your email\" unticked on Google's page. Sign in again and tick it"
        ),
        "{e}"
    );
    // Nothing kept: no account, no token; and no 403 from Gmail ever asked for.
    assert!(app.accounts().await.unwrap().is_empty());
    assert_eq!(f.standin.count(Endpoint::MessagesList), 0);
    // Signing in again with the box ticked works.
    let account = f.sign_in(&app, ANA).await;
    assert!(secret_tool_lookup(&f.service, &account.id).is_some());
}

#[tokio::test]
async fn cancel_ends_the_wait_and_releases_the_port() {
    let f = Fixture::new().await;
    let app = std::sync::Arc::new(f.app());
    f.browser.act_as(Person::Away);
    let started = app.start_sign_in(None).await.unwrap();
    let redirect = url::Url::parse(&query(&started.url)["redirect_uri"]).unwrap();
    let waiting = {
        let app = app.clone();
        tokio::spawn(async move { app.finish_sign_in().await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    app.cancel_sign_in();
    let e = waiting.await.unwrap().unwrap_err();
    assert_eq!(e.kind(), "sign_in_cancelled");
    std::net::TcpListener::bind(("127.0.0.1", redirect.port().unwrap()))
        .expect("the port is free again");
}

#[tokio::test]
async fn nobody_at_the_browser_times_out_with_a_clear_message() {
    let f = Fixture::new().await;
    let app = f.app().with_sign_in_timeout(Duration::from_millis(300));
    f.browser.act_as(Person::Away);
    app.start_sign_in(None).await.unwrap();
    let e = app.finish_sign_in().await.unwrap_err();
    assert_eq!(e.kind(), "sign_in_timed_out", "{e:?}");
    assert!(e.to_string().contains("no answer came from the browser"));
}
