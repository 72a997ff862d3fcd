//! End-to-end: new mail while the window is open. The app checks on its own (every
//! second here: `"sync": {"frontSeconds": 1, "backgroundSeconds": 1}`), the new row
//! appears with no action from the person, the title's count follows, and new inbox mail
//! reaches a real notification server on the session bus: one notification a message,
//! one summary for many, none for archived, spam, sent or old mail, none for a muted
//! account, none twice after a restart, and a hostile subject as text; a click on one
//! chooses its message.

use std::time::{Duration, Instant};

use mailglance_e2e::notifications::{Notified, server};
use mailglance_e2e::{App, Launch, home_for, standin_binary};
use mailglance_standin::mailbox::{Message, now_ms};
use mailglance_standin::{BIG_ACCOUNT, Options, StandIn};

/// What the title says once the app has seen the stand-in's inbox as it is now.
fn inbox_title(standin: &StandIn) -> String {
    let unread = standin
        .mailbox()
        .account(BIG_ACCOUNT)
        .unwrap()
        .label_counts("INBOX")
        .messages_unread;
    format!("Inbox ({unread}) – Mailglance")
}

/// The notifications received after the first `skip`, once `want` have come (or 10 s).
async fn notified_after(skip: usize, want: usize) -> Vec<Notified> {
    let seen = server();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now: Vec<Notified> = seen.lock().unwrap()[skip..].to_vec();
        if now.len() >= want || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn new_inbox_mail_is_notified_once_in_plain_text_and_appears_with_no_action() {
    let seen = server();
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary().display().to_string();
    let home = home_for(&standin, &[&browser]);
    let path = home.path().join("config/settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["sync"] = serde_json::json!({"frontSeconds": 1, "backgroundSeconds": 1});
    std::fs::write(&path, settings.to_string()).unwrap();
    let app = App::signed_in(home, Launch::default()).await;
    app.wait_text_containing("#list-status", "Updated").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let start = seen.lock().unwrap().len();

    // One new message, with markup in its subject, and four that are not new inbox mail.
    let control = standin.mailbox_control();
    let arriving = |subject: &str| {
        Message::arriving(
            "Marta Nowak <marta.nowak@example.com>",
            subject,
            "Hello",
            now_ms(),
        )
    };
    let archived = control
        .deliver(BIG_ACCOUNT, arriving("Archived at once"))
        .unwrap();
    control.archive(BIG_ACCOUNT, &archived).unwrap();
    let spam = control.deliver(BIG_ACCOUNT, arriving("You won")).unwrap();
    control.add_label(BIG_ACCOUNT, &spam, "SPAM").unwrap();
    let sent = control
        .deliver(BIG_ACCOUNT, arriving("Sent by Ana"))
        .unwrap();
    control.add_label(BIG_ACCOUNT, &sent, "SENT").unwrap();
    let two_days = 2 * 24 * 3600 * 1000;
    control
        .deliver(
            BIG_ACCOUNT,
            Message::arriving(
                "Old <old@example.com>",
                "Old mail",
                "x",
                now_ms() - two_days,
            ),
        )
        .unwrap();
    let new = control
        .deliver(BIG_ACCOUNT, arriving("<b>Invoice</b> & more"))
        .unwrap();
    let got = notified_after(start, 1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].app_name, "Mailglance");
    assert_eq!(got[0].summary, "Marta Nowak");
    // Escaped, so a server that reads markup shows the subject as it was written.
    assert_eq!(got[0].body, "&lt;b&gt;Invoice&lt;/b&gt; &amp; more");
    assert_eq!(got[0].actions, ["default", "Open"]);
    // The row is there with no action from the person.
    let shown = format!("return document.getElementById('row-{new}') !== null;");
    app.eventually("the new row appeared on its own", &shown)
        .await;
    // And the title's count with it.
    app.wait_title(&inbox_title(&standin)).await;
    app.screenshot("new-mail-on-its-own").await;

    // A click on the notification, while another label is shown: the inbox, with that
    // message chosen.
    app.click("#system-labels button[data-label-id='STARRED']")
        .await;
    app.eventually(
        "the Starred list is shown",
        "return document.querySelector(\"button[data-label-id='STARRED']\")\
           .getAttribute('aria-current') === 'true' \
           && document.getElementById('list-loading').hidden \
           && document.getElementById('list-count').textContent.includes('messages');",
    )
    .await;
    let chosen = format!(
        "return document.getElementById('row-{new}')?.classList.contains('selected') === true;"
    );
    assert_eq!(
        app.client.execute(&chosen, vec![]).await.unwrap(),
        serde_json::json!(false)
    );
    mailglance_e2e::notifications::click(got[0].id).await;
    app.eventually("clicking the notification chose its message", &chosen)
        .await;

    // A list scrolled past its first page keeps its rows when new mail comes.
    app.scroll_list_to_end().await;
    app.wait_text_containing("#list-count", "100 of about")
        .await;
    control.deliver(BIG_ACCOUNT, arriving("One more")).unwrap();
    // The app has checked once the title counts it.
    app.wait_title(&inbox_title(&standin)).await;
    // Time for a list cut back to 50 to scroll itself full again (what the bug did).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let count = app.wait_text("#list-count").await;
    assert!(count.starts_with("100 of about"), "{count}");

    // Five at once: one summary.
    let before = seen.lock().unwrap().len();
    for i in 0..5 {
        control
            .deliver(BIG_ACCOUNT, arriving(&format!("Train update {i}")))
            .unwrap();
    }
    let got = notified_after(before, 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got_all = seen.lock().unwrap()[before..].to_vec();
    assert_eq!(got_all.len(), 1, "{got_all:?}");
    assert_eq!(got[0].summary, format!("5 new messages for {BIG_ACCOUNT}"));

    // Turned off for the account in the Notifications panel: its new mail is not
    // announced (the row still comes).
    app.click("#account-button").await;
    app.click("#notify-settings").await;
    let boxes = app
        .wait_visible("#notify-accounts input[type=checkbox]")
        .await;
    assert_eq!(
        boxes.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    app.screenshot("notifications-panel").await;
    boxes.click().await.unwrap();
    app.click("#notify-close").await;
    let muted_file = app.home().join("config/notifications.json");
    for _ in 0..50 {
        if muted_file.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = seen.lock().unwrap().len();
    control
        .deliver(BIG_ACCOUNT, arriving("Not announced"))
        .unwrap();
    // Checked (the title counts it), and a second more for a notification to arrive.
    app.wait_title(&inbox_title(&standin)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        seen.lock().unwrap().len(),
        before,
        "muted: nothing announced"
    );

    // A restart announces nothing again.
    let home = app.quit().await;
    let before = seen.lock().unwrap().len();
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        seen.lock().unwrap().len(),
        before,
        "nothing announced twice"
    );
    app.quit().await;
    standin.shutdown().await;
}
