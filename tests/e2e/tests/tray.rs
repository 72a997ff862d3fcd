//! End-to-end: the tray icon, read over D-Bus from a tray host on the test session's bus
//! as a desktop panel would: its label is the inbox's unread count, its menu has Open,
//! Check now and Quit, Check now checks for mail, and with "Keep running in the tray"
//! closing the window leaves the app running.

use std::time::Duration;

use mailglance_e2e::tray_host::{self, item_of, label, menu_items, press};
use mailglance_e2e::{App, Launch, home_for, standin_binary};
use mailglance_standin::{BIG_ACCOUNT, Endpoint, Options, StandIn};

#[tokio::test]
async fn the_tray_shows_the_unread_count_and_its_menu_checks_for_mail() {
    tray_host::start();
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary().display().to_string();
    let app = App::start_in(
        home_for(&standin, &[&browser]),
        Launch::default().env("STANDIN_BROWSE_ACCOUNT", BIG_ACCOUNT),
    )
    .await;
    let item = item_of(app.pid()).await;
    app.click("#sign-in").await;
    app.wait_text_containing("#list-status", "Updated").await;

    let menu = menu_items(&item).await;
    let labels: Vec<&str> = menu.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["Open", "Check now", "Quit"], "{menu:?}");

    // Check now: one more history.list, and the label says the inbox's unread count.
    let unread = standin
        .mailbox()
        .account(BIG_ACCOUNT)
        .unwrap()
        .label_counts("INBOX")
        .messages_unread;
    let checks = standin.count(Endpoint::HistoryList);
    press(&item, menu[1].0).await;
    let mut said = String::new();
    for _ in 0..100 {
        said = label(&item).await;
        if standin.count(Endpoint::HistoryList) > checks && said == unread.to_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        standin.count(Endpoint::HistoryList) > checks,
        "Check now checked"
    );
    assert_eq!(said, unread.to_string());

    // Keep running in the tray: closing the window leaves the app running.
    app.click("#account-button").await;
    app.click("#notify-settings").await;
    let keep = app.wait_visible("#keep-in-tray").await;
    keep.click().await.unwrap();
    app.screenshot("notifications-panel-tray").await;
    app.click("#notify-close").await;
    let saved = app.home().join("config/notifications.json");
    for _ in 0..50 {
        if std::fs::read_to_string(&saved).is_ok_and(|t| t.contains("\"keepInTray\": true")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(mailglance_e2e::request_close() > 0, "the window was found");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let hidden = app
        .client
        .execute("return document.visibilityState;", vec![])
        .await
        .unwrap();
    assert_eq!(hidden, serde_json::json!("hidden"), "the window is hidden");
    assert!(
        app.process_tree().iter().any(|p| p.1 == "mailglance"),
        "the app kept running"
    );
    // Quit from the tray ends it.
    press(&item, menu[2].0).await;
    for _ in 0..50 {
        if !app.process_tree().iter().any(|p| p.1 == "mailglance") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !app.process_tree().iter().any(|p| p.1 == "mailglance"),
        "Quit ended the app"
    );
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn closing_the_window_quits_unless_the_person_chose_the_tray() {
    tray_host::start();
    let app = App::start(Launch::default()).await;
    app.wait_text("#welcome h1").await;
    assert!(mailglance_e2e::request_close() > 0, "the window was found");
    let mut gone = false;
    for _ in 0..50 {
        if !app.process_tree().iter().any(|p| p.1 == "mailglance") {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "closing the window quit the app");
    app.quit().await;
}
