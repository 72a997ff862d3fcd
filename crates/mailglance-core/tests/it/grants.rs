//! After the sign-in, against the stand-in and a real Secret Service: the silent restore
//! at launch, access tokens and their refresh (hiccups, outages, a wrong endpoint), grants
//! that end and why, signing out, several accounts, and no secret in what leaves the core.

use std::time::Duration;

use mailglance_core::auth::AccountState;
use mailglance_standin::{Endpoint, Options};

use crate::helpers::{ANA, Fixture, JEAN, Person, query, secret_tool_lookup, unreachable_address};

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
