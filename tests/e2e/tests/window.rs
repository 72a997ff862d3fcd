//! End-to-end: the real window, as a person first sees it.

use mailglance_e2e::{App, Launch};

#[tokio::test]
async fn the_window_opens_on_the_welcome_screen_with_the_client_file_path() {
    let app = App::start(Launch::default()).await;
    let heading = app.wait_text("#welcome h1").await;
    assert_eq!(heading, "Welcome to Mailglance");
    assert_eq!(app.client.title().await.unwrap(), "Mailglance");

    let expected = app.home().join("config/client_secret.json");
    let shown = app.wait_text("#client-file-path").await;
    assert_eq!(shown, expected.display().to_string());
    let state = app.wait_text("#client-file-state").await;
    assert!(state.contains("No client file"), "{state}");
    // Google's own endpoints: nothing to point out.
    app.wait_hidden("#custom-endpoints").await;
    let sign_in = app
        .client
        .find(fantoccini::Locator::Css("#sign-in"))
        .await
        .unwrap();
    assert!(
        sign_in.attr("disabled").await.unwrap().is_some(),
        "Sign in must wait for a client file"
    );
    let import = app
        .client
        .find(fantoccini::Locator::Css("#import-client"))
        .await
        .unwrap();
    assert_eq!(import.text().await.unwrap(), "Import client_secret.json");

    app.screenshot("welcome").await;
    app.quit().await;
}

#[tokio::test]
async fn a_malformed_client_file_is_named_with_its_problem_on_the_welcome_screen() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("downloaded-client.json");
    std::fs::write(&file, r#"{"installed": {"client_id": "#).unwrap();
    let app = App::start(Launch::default().env("MAILGLANCE_CLIENT_FILE", &file)).await;
    let state = app.wait_text("#client-file-state").await;
    assert!(state.contains("cannot be used"), "{state}");
    assert!(state.contains(&file.display().to_string()), "{state}");
    assert!(state.contains("not valid JSON"), "{state}");
    app.screenshot("welcome-invalid-client-file").await;
    app.quit().await;
}

#[tokio::test]
async fn the_welcome_screen_speaks_french_on_a_french_system() {
    let app = App::start(
        Launch::default()
            .env("LANG", "fr_FR.UTF-8")
            .env("LANGUAGE", "fr_FR:fr"),
    )
    .await;
    let heading = app.wait_text("#welcome h1").await;
    assert_eq!(heading, "Bienvenue dans Mailglance");
    app.screenshot("welcome-fr").await;
    app.quit().await;
}

#[tokio::test]
async fn a_second_launch_brings_the_first_window_forward_and_opens_no_other() {
    let app = App::start(Launch::default()).await;
    app.wait_text("#welcome h1").await;
    // The same folders: the second process finds the first on the session bus, hands
    // it its arguments and ends, successfully, instead of opening a second window.
    let second = app.launch_again(std::time::Duration::from_secs(30));
    let status = second.expect("the second launch ended instead of opening a window");
    assert!(status.success(), "{status}");
    let log = app.log();
    assert!(
        log.contains("a second launch brought the window to the front"),
        "{log}"
    );
    // The first window is still there and still answers.
    assert_eq!(app.client.title().await.unwrap(), "Mailglance");
    assert_eq!(app.wait_text("#welcome h1").await, "Welcome to Mailglance");
    app.quit().await;
}
