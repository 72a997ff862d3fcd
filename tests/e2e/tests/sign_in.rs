//! End to end in the real window: sign in through the browser (a scripted person on the
//! stand-in's real consent page), restart, sign out; the waiting screen and its Cancel.

use std::path::Path;
use std::process::Command;

use mailglance_e2e::{App, Launch, home_for, standin_binary};
use mailglance_standin::{BIG_ACCOUNT, Endpoint, Options, StandIn};

fn keychain_entry(service: &str, account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", account])
        .output()
        .expect("secret-tool");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn assert_no_token_under(dir: &Path, tokens: &[String]) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let text = String::from_utf8_lossy(&bytes);
                for token in tokens {
                    assert!(
                        !text.contains(token.as_str()),
                        "a token is in {}",
                        p.display()
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn signing_in_restarting_and_signing_out_in_the_real_window() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary();
    let home = home_for(&standin, &[browser.to_str().unwrap()]);
    let launch = || Launch::default().env("STANDIN_BROWSE_ACCOUNT", BIG_ACCOUNT);

    // Sign in: the browser opens on the consent page, the person allows, the account shows.
    let app = App::start_in(home, launch()).await;
    app.wait_text_containing("#client-file-state", "You can sign in")
        .await;
    app.click("#sign-in").await;
    app.wait_visible("#shell").await;
    assert_eq!(app.wait_text("#account-current").await, BIG_ACCOUNT);
    // The inbox appears: its first page of rows and the estimate.
    app.wait_visible(".row").await;
    app.wait_text_containing("#list-count", "of about").await;
    app.screenshot("signed-in").await;
    assert_eq!(standin.count(Endpoint::Authorize), 1);
    let home = app.quit().await;
    let service = mailglance_e2e::keychain_service(home.path());
    let accounts = std::fs::read_to_string(home.path().join("data/accounts.json")).unwrap();
    let id = serde_json::from_str::<serde_json::Value>(&accounts).unwrap()["accounts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(keychain_entry(&service, &id).is_some());

    // Restart: signed in silently, no browser.
    let app = App::start_in(home, launch()).await;
    app.wait_visible("#shell").await;
    assert_eq!(app.wait_text("#account-current").await, BIG_ACCOUNT);
    assert_eq!(
        standin.count(Endpoint::Authorize),
        1,
        "no browser on restart"
    );

    // The account menu, then sign out: back to the welcome screen, grant revoked.
    app.click("#account-button").await;
    app.wait_visible("#account-menu").await;
    app.screenshot("account-menu").await;
    app.click("#sign-out").await;
    app.wait_visible("#welcome").await;
    app.screenshot("signed-out").await;
    assert!(standin.grant_is_revoked(BIG_ACCOUNT));
    let home = app.quit().await;
    assert!(keychain_entry(&service, &id).is_none());

    // Nothing secret in the app's files or its log.
    assert_no_token_under(home.path(), &standin.issued_tokens());
    if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
        assert_no_token_under(Path::new(&data), &standin.issued_tokens());
    }
    standin.shutdown().await;
}

#[tokio::test]
async fn the_waiting_screen_offers_the_link_and_cancel_returns_to_the_welcome_screen() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    // A browser that opens nothing: the person has to use the link.
    let home = home_for(&standin, &["true"]);
    let app = App::start_in(home, Launch::default()).await;
    app.click("#sign-in").await;
    app.wait_visible("#waiting").await;
    let link = app
        .wait_visible("#sign-in-link")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(link.starts_with(&standin.authorization_url()), "{link}");
    assert!(link.contains("code_challenge_method=S256"));
    app.screenshot("waiting-for-browser").await;
    app.click("#cancel-sign-in").await;
    app.wait_visible("#welcome").await;
    app.wait_hidden("#banner").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn denying_consent_shows_a_banner_with_try_again() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary();
    let home = home_for(&standin, &[browser.to_str().unwrap()]);
    let app = App::start_in(home, Launch::default().env("STANDIN_BROWSE_DENY", "1")).await;
    app.click("#sign-in").await;
    let text = app
        .wait_text_containing("#banner-text", "cancelled in the browser")
        .await;
    assert!(!text.contains('{'), "no raw JSON in the banner: {text}");
    assert_eq!(app.wait_text("#banner-action").await, "Try again");
    app.wait_visible("#welcome").await;
    app.screenshot("sign-in-denied").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn the_welcome_screen_names_the_endpoints_that_are_not_googles() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary();
    let app = App::start_in(
        home_for(&standin, &[browser.to_str().unwrap()]),
        Launch::default(),
    )
    .await;
    let text = app.wait_text("#custom-endpoints").await;
    assert!(text.starts_with("Not Google:"), "{text}");
    let base = standin.base_url();
    for name in ["authorization", "token", "revocation", "userinfo", "gmail"] {
        assert!(
            text.contains(&format!("{name}: {base}")),
            "{name} in {text}"
        );
    }
    app.screenshot("welcome-custom-endpoints").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn gmail_left_unticked_shows_a_banner_with_sign_in_again() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary();
    let home = home_for(&standin, &[browser.to_str().unwrap()]);
    let untick = Launch::default().env(
        "STANDIN_BROWSE_UNTICK",
        "https://www.googleapis.com/auth/gmail.readonly",
    );
    let app = App::start_in(home, untick).await;
    app.click("#sign-in").await;
    let text = app.wait_text_containing("#banner-text", "unticked").await;
    assert!(text.contains("Sign in again and tick it"), "{text}");
    assert_eq!(app.wait_text("#banner-action").await, "Sign in again");
    app.wait_visible("#welcome").await;
    app.screenshot("sign-in-gmail-unticked").await;
    app.quit().await;
    standin.shutdown().await;
}

// Two workers: the stand-in must keep serving while the command line waits on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_from_the_command_line_the_window_opens_on_mail_with_no_click() {
    // What `scripts/demo.sh --auto` does: `mailglance login` first, then the window.
    let standin = StandIn::start(Options::default()).await.unwrap();
    let home = mailglance_e2e::home_for(&standin, &[&standin_binary().to_string_lossy()]);
    mailglance_e2e::login_from_command_line(home.path(), BIG_ACCOUNT);
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible("#shell").await;
    app.wait_visible(".row").await;
    app.screenshot("demo-auto").await;
    app.quit().await;
    standin.shutdown().await;
}
