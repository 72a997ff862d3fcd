//! Sign-in end to end against the Google stand-in over loopback HTTP, with the refresh
//! token in a real Secret Service: the seed's `get_credentials` branches and every line
//! of LESSONS.md's Sign-in and Tokens tables that the core decides.

use std::time::Duration;

use mailglance_core::auth::{AccountState, Error};
use mailglance_core::error::Error as AppError;
use mailglance_standin::{Endpoint, Options};

use crate::helpers::{
    ANA, Fixture, JEAN, Person, files_under, query, secret_tool_lookup, unreachable_address,
};

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

#[tokio::test]
async fn a_restarted_app_is_signed_in_silently_without_a_browser_or_the_network() {
    let f = Fixture::new().await;
    let first = f.app();
    let account = f.sign_in(&first, ANA).await;
    drop(first);
    f.standin.clear_requests();

    let restarted = f.app();
    let accounts = restarted.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].email, ANA);
    assert_eq!(accounts[0].state, AccountState::SignedIn);
    assert!(
        f.standin.requests().is_empty(),
        "restoring needs no network"
    );
    assert_eq!(f.browser.opened().len(), 1, "no browser on restart");

    // And the stored token works: a refresh, then Gmail.
    let profile = restarted.profile(&account.id).await.unwrap();
    assert_eq!(profile.email_address, ANA);
    assert_eq!(f.standin.count(Endpoint::Token), 1);
    restarted.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn an_access_token_is_reused_while_fresh_and_refreshed_a_minute_before_it_expires() {
    // Tokens that live 30 s are always inside the 60 s margin: every call refreshes.
    let f = Fixture::with(Options {
        access_token_lifetime: Duration::from_secs(30),
        ..Options::default()
    })
    .await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let before = f.standin.count(Endpoint::Token);
    app.profile(&account.id).await.unwrap();
    app.profile(&account.id).await.unwrap();
    assert_eq!(f.standin.count(Endpoint::Token) - before, 2);
    app.sign_out(&account.id).await.unwrap();

    // Google's usual hour: the token from the sign-in serves both calls.
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let before = f.standin.count(Endpoint::Token);
    app.profile(&account.id).await.unwrap();
    app.profile(&account.id).await.unwrap();
    assert_eq!(f.standin.count(Endpoint::Token), before);
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_and_the_refresh_token_is_kept() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let stored = secret_tool_lookup(&f.service, &account.id).unwrap();
    f.standin.faults().expire_access_tokens();
    let before = f.standin.count(Endpoint::Token);
    let profile = app.profile(&account.id).await.unwrap();
    assert_eq!(profile.email_address, ANA);
    assert_eq!(f.standin.count(Endpoint::Token) - before, 1);
    assert_eq!(f.standin.count(Endpoint::GetProfile), 2);
    // Google's refresh reply has no refresh_token: the stored one stays.
    assert_eq!(secret_tool_lookup(&f.service, &account.id).unwrap(), stored);
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_revoked_grant_deletes_the_stored_token_and_asks_to_sign_in_again_with_the_account() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    f.standin.faults().revoke_user(ANA);
    let e = app.profile(&account.id).await.unwrap_err();
    assert_eq!(e.kind(), "auth_required");
    assert_eq!(e.email(), Some(ANA));
    assert!(secret_tool_lookup(&f.service, &account.id).is_none());
    let accounts = app.accounts().await.unwrap();
    assert_eq!(accounts[0].state, AccountState::SignInAgain);

    // Signing in again pre-fills the account and asks for consent (no token is held).
    f.browser.act_as(Person::Allows(ANA.into()));
    let q = query(&app.start_sign_in(Some(ANA.into())).await.unwrap().url);
    assert_eq!(q["login_hint"], ANA);
    assert_eq!(q["prompt"], "consent");
    assert_eq!(
        app.finish_sign_in().await.unwrap().state,
        AccountState::SignedIn
    );
    assert!(app.profile(&account.id).await.is_ok());
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_grant_that_ends_after_a_week_names_testing_mode_and_a_younger_one_revocation() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let file = f.paths.data_dir.join("accounts.json");
    let mut kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let issued = kept["accounts"][0]["tokenIssuedMs"]
        .as_i64()
        .expect("the time it was issued");
    assert!(issued > 0);
    // Young: revoked, password, unused.
    f.standin.faults().revoke_user(ANA);
    let e = app.profile(&account.id).await.unwrap_err().to_string();
    assert!(
        e.contains("it was revoked at myaccount.google.com/permissions"),
        "{e}"
    );

    // Eight days old (the file says so): the Testing-mode week, and how to end it.
    f.sign_in(&app, ANA).await;
    let mut kept2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    kept2["accounts"][0]["tokenIssuedMs"] = (issued - 8 * 24 * 3600 * 1000).into();
    std::fs::write(&file, kept2.to_string()).unwrap();
    kept = kept2;
    assert!(kept["accounts"][0].get("refresh_token").is_none());
    f.standin.faults().revoke_user(ANA);
    let e = f.app().profile(&account.id).await.unwrap_err();
    assert_eq!(e.kind(), "auth_required");
    let e = e.to_string();
    assert!(e.contains("it was 8 days old"), "{e}");
    assert!(
        e.contains("while the OAuth client is in Testing: publish the app"),
        "{e}"
    );
}

#[tokio::test]
async fn re_adding_a_signed_in_account_keeps_one_working_sign_in() {
    // Google's revocation ends the whole grant, every refresh token of the account and
    // client with it (the stand-in does the same): revoking the token being replaced
    // would end the new one too. So the old one is dropped from the keychain, not revoked.
    let f = Fixture::new().await;
    let app = f.app();
    let first = f.sign_in(&app, ANA).await;
    let old = secret_tool_lookup(&f.service, &first.id).unwrap();
    let again = f.sign_in(&app, ANA).await;
    assert_eq!(again.id, first.id);
    let new = secret_tool_lookup(&f.service, &again.id).unwrap();
    assert_ne!(new, old, "the new refresh token is kept");
    assert_eq!(app.accounts().await.unwrap().len(), 1);
    f.standin.faults().expire_access_tokens();
    assert!(
        f.app().profile(&again.id).await.is_ok(),
        "the sign-in works"
    );
    assert!(!f.standin.grant_is_revoked(ANA));
}

#[tokio::test]
async fn signing_out_revokes_at_google_and_deletes_the_keychain_entry() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let out = app.sign_out(&account.id).await.unwrap();
    assert!(out.revoked && out.problem.is_none());
    assert!(f.standin.grant_is_revoked(ANA));
    assert!(secret_tool_lookup(&f.service, &account.id).is_none());
    assert!(app.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn signing_out_offline_still_deletes_locally_and_says_the_revocation_was_not_sent() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    // Nothing listens on a port we just released.
    let closed = unreachable_address();
    f.set_endpoint("revocation", &format!("http://{closed}/revoke"));
    // Settings are read at launch: the next one meets the closed endpoint.
    let app = f.app();
    let out = app.sign_out(&account.id).await.unwrap();
    assert!(!out.revoked);
    assert!(out.problem.unwrap().contains("could not be reached"));
    assert!(secret_tool_lookup(&f.service, &account.id).is_none());
    assert!(!f.standin.grant_is_revoked(ANA));
}

#[tokio::test]
async fn two_accounts_are_independent_and_signing_out_of_one_leaves_the_other() {
    let f = Fixture::new().await;
    let app = f.app();
    let ana = f.sign_in(&app, ANA).await;
    let jean = f.sign_in(&app, JEAN).await;
    assert_ne!(ana.id, jean.id);
    assert_eq!(app.accounts().await.unwrap().len(), 2);
    app.sign_out(&ana.id).await.unwrap();
    assert!(secret_tool_lookup(&f.service, &ana.id).is_none());
    assert!(secret_tool_lookup(&f.service, &jean.id).is_some());
    assert_eq!(app.profile(&jean.id).await.unwrap().email_address, JEAN);
    let left = app.accounts().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].email, JEAN);
    app.sign_out(&jean.id).await.unwrap();
}

#[tokio::test]
async fn token_endpoint_hiccups_are_tried_again_and_the_refresh_succeeds() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    for fault in ["503", "429", "closed"] {
        f.standin.faults().expire_access_tokens();
        let app = f.app();
        match fault {
            "closed" => f.standin.faults().close_mid_reply_next(Endpoint::Token, 1),
            status => f
                .standin
                .faults()
                .fail_next(Endpoint::Token, 2, status.parse().unwrap()),
        }
        let before = f.standin.count(Endpoint::Token);
        assert!(app.profile(&account.id).await.is_ok(), "after {fault}");
        let tries = f.standin.count(Endpoint::Token) - before;
        assert_eq!(tries, if fault == "closed" { 2 } else { 3 }, "{fault}");
    }
}

#[tokio::test]
async fn a_token_endpoint_outage_past_three_tries_is_a_server_error_not_a_parse_error() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    f.standin.faults().expire_access_tokens();
    f.standin.faults().fail_next(Endpoint::Token, 3, 503);
    let before = f.standin.count(Endpoint::Token);
    let e = app.profile(&account.id).await.unwrap_err();
    assert_eq!(e.kind(), "server_error");
    assert!(e.to_string().contains("HTTP 503"), "{e}");
    assert_eq!(f.standin.count(Endpoint::Token) - before, 3);
    // Nothing was lost: the next try works.
    assert!(app.profile(&account.id).await.is_ok());
    app.sign_out(&account.id).await.unwrap();
}

#[tokio::test]
async fn a_token_endpoint_that_answers_404_is_named_as_the_wrong_endpoint() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let wrong = format!("{}o/oauth2/no-such-token", f.standin.base_url());
    f.set_endpoint("token", &wrong);
    f.standin.faults().expire_access_tokens();
    let e = f.app().profile(&account.id).await.unwrap_err();
    assert_eq!(e.kind(), "settings_invalid");
    let e = e.to_string();
    assert!(
        e.contains(&format!(
            "the token endpoint in the configuration is wrong: {wrong} answered 404 Not Found"
        )),
        "{e}"
    );
    assert!(e.contains("endpoints.token"), "{e}");
}

#[tokio::test]
async fn no_secret_shows_in_what_the_window_is_sent_or_in_debug_output() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let profile = app.profile(&account.id).await.unwrap();
    let sent = [
        serde_json::to_string(&account).unwrap(),
        serde_json::to_string(&app.accounts().await.unwrap()).unwrap(),
        serde_json::to_string(&profile).unwrap(),
        serde_json::to_string(&app.startup()).unwrap(),
        format!("{app:?}"),
    ];
    for token in f.standin.issued_tokens() {
        for text in &sent {
            assert!(!text.contains(&token), "a token in {text}");
        }
    }
    app.sign_out(&account.id).await.unwrap();
}
