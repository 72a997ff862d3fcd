//! The local store kept current with `history.list`, against the stand-in over loopback:
//! one test per kind of change made in "Gmail" while the app runs, the 404 that costs one
//! full re-sync (never a loop), pages of history, and what each costs in quota units.

use mailglance_core::app::App;
use mailglance_core::auth::AccountView;
use mailglance_core::gmail::{PageQuery, Row};
use mailglance_standin::Endpoint;
use mailglance_standin::mailbox::{Message, now_ms};

use crate::helpers::{ANA, Fixture};

fn inbox() -> PageQuery {
    PageQuery {
        label_ids: vec!["INBOX".into()],
        ..PageQuery::default()
    }
}

/// Ana signed in, her inbox's first page listed (and so stored), and one sync done.
async fn synced() -> (Fixture, App, AccountView, Vec<Row>) {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let page = app.list_page(&account.id, inbox()).await.unwrap();
    let first = app.sync(&account.id).await.unwrap();
    assert!(!first.full, "the historyId was kept with the first page");
    (f, app, account, page.rows)
}

async fn stored(app: &App, account: &AccountView) -> Vec<Row> {
    app.stored_page(&account.id, inbox()).await.unwrap().rows
}

fn row<'a>(rows: &'a [Row], id: &str) -> Option<&'a Row> {
    rows.iter().find(|r| r.id == id)
}

#[tokio::test]
async fn a_message_read_in_gmail_shows_as_read_after_one_sync() {
    let (f, app, account, rows) = synced().await;
    let unread = rows
        .iter()
        .find(|r| r.unread)
        .expect("an unread row")
        .id
        .clone();
    f.standin.mailbox_control().mark_read(ANA, &unread).unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!((done.added, done.deleted, done.changed), (0, 0, 1));
    assert!(!row(&stored(&app, &account).await, &unread).unwrap().unread);
    // Nothing fetched again: history (2) and the sidebar's labels (1 + 7).
    assert_eq!(f.standin.count(Endpoint::MessagesGet), rows.len());
}

#[tokio::test]
async fn a_message_starred_or_labelled_in_gmail_shows_so_after_one_sync() {
    let (f, app, account, rows) = synced().await;
    // The demo mailbox follows the clock: pick rows the change is new for.
    let a = rows.iter().find(|r| !r.starred).unwrap().id.clone();
    let b = rows
        .iter()
        .find(|r| r.id != a && !r.labels.contains(&"Label_4".to_owned()))
        .unwrap()
        .id
        .clone();
    let control = f.standin.mailbox_control();
    control.star(ANA, &a).unwrap();
    control.add_label(ANA, &b, "Label_4").unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!(done.changed, 2);
    let now = stored(&app, &account).await;
    assert!(row(&now, &a).unwrap().starred);
    assert!(
        row(&now, &b)
            .unwrap()
            .labels
            .contains(&"Label_4".to_owned())
    );
}

#[tokio::test]
async fn an_archived_or_deleted_message_leaves_the_stored_inbox_after_one_sync() {
    let (f, app, account, rows) = synced().await;
    let (a, b) = (rows[0].id.clone(), rows[1].id.clone());
    let control = f.standin.mailbox_control();
    control.archive(ANA, &a).unwrap();
    control.delete(ANA, &b).unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!((done.deleted, done.changed), (1, 1));
    let now = stored(&app, &account).await;
    assert!(row(&now, &a).is_none(), "archived: out of the inbox");
    assert!(row(&now, &b).is_none(), "deleted");
    assert_eq!(
        row(&now, &rows[2].id).unwrap(),
        &rows[2],
        "the others as they were"
    );
}

#[tokio::test]
async fn a_new_message_is_fetched_once_and_appears_on_top_after_one_sync() {
    let (f, app, account, _) = synced().await;
    let gets = f.standin.count(Endpoint::MessagesGet);
    let now_ms = now_ms();
    let id = f
        .standin
        .mailbox_control()
        .deliver(
            ANA,
            Message::arriving(
                "Marta Nowak <marta.nowak@example.com>",
                "Tomorrow's train",
                "The train leaves at 9:40 from platform 4",
                now_ms,
            ),
        )
        .unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!(done.added, 1);
    assert_eq!(
        f.standin.count(Endpoint::MessagesGet),
        gets + 1,
        "fetched once"
    );
    let top = &stored(&app, &account).await[0];
    assert_eq!(top.id, id);
    assert_eq!(top.subject.as_deref(), Some("Tomorrow's train"));
    assert!(top.unread);
    // Listing it again costs the list call only: the row comes from the store.
    app.list_page(&account.id, inbox()).await.unwrap();
    assert_eq!(f.standin.count(Endpoint::MessagesGet), gets + 1);
}

/// The inbox's unread count as kept for the sidebar, and as Gmail has it.
async fn inbox_unread(f: &Fixture, app: &App, account: &AccountView) -> (Option<u64>, u64) {
    let kept = app
        .stored_labels(&account.id)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.id == "INBOX")
        .and_then(|l| l.unread);
    let gmail = f
        .standin
        .mailbox()
        .account(ANA)
        .unwrap()
        .label_counts("INBOX")
        .messages_unread as u64;
    (kept, gmail)
}

#[tokio::test]
async fn the_kept_counts_follow_changes_to_mail_not_stored_or_listed_before_the_sync() {
    let (f, app, account, rows) = synced().await;
    app.labels(&account.id).await.unwrap();
    let (kept, gmail) = inbox_unread(&f, &app, &account).await;
    assert_eq!(kept, Some(gmail));

    // New mail a page listed (and stored) before the sync saw it in the history.
    f.standin
        .mailbox_control()
        .deliver(
            ANA,
            Message::arriving("Marta <marta@example.com>", "Listed first", "hi", now_ms()),
        )
        .unwrap();
    app.list_page(&account.id, inbox()).await.unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!(done.added, 0, "already stored");
    assert!(done.labels_fetched);
    let (kept, gmail) = inbox_unread(&f, &app, &account).await;
    assert_eq!(kept, Some(gmail), "one more unread, as Gmail says");

    // A message read in Gmail that was never stored (the oldest unread, far beyond the
    // first page).
    let beyond = f
        .standin
        .mailbox()
        .account(ANA)
        .unwrap()
        .messages
        .iter()
        .rev()
        .find(|m| m.has_label("INBOX") && m.has_label("UNREAD") && row(&rows, &m.id).is_none())
        .expect("unread inbox mail beyond the first page")
        .id
        .clone();
    f.standin.mailbox_control().mark_read(ANA, &beyond).unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!((done.added, done.changed), (0, 0), "nothing stored changed");
    assert!(done.labels_fetched);
    let (kept, gmail) = inbox_unread(&f, &app, &account).await;
    assert_eq!(kept, Some(gmail), "one fewer unread, as Gmail says");

    // Nothing changed: no labels fetched, 2 units.
    let done = app.sync(&account.id).await.unwrap();
    assert!(!done.labels_fetched);
    assert_eq!(done.units, 2);
}

#[tokio::test]
async fn a_sync_before_anything_is_stored_only_starts_the_history_for_one_unit() {
    let f = Fixture::new().await;
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!(
        (done.added, done.deleted, done.changed, done.units),
        (0, 0, 0, 1)
    );
    assert!(!done.full && done.history_id > 0);
    assert_eq!(
        f.standin.count(Endpoint::LabelsList),
        0,
        "labels are the sidebar's call"
    );
    // The first page then needs no profile of its own, and the next sync is incremental.
    app.list_page(&account.id, inbox()).await.unwrap();
    assert_eq!(f.standin.count(Endpoint::GetProfile), 1);
    assert_eq!(app.sync(&account.id).await.unwrap().units, 2);
}

#[tokio::test]
async fn a_sync_with_nothing_changed_is_one_history_call_of_two_units() {
    let (f, app, account, _) = synced().await;
    let before = f.standin.count(Endpoint::HistoryList);
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!(
        (done.added, done.deleted, done.changed, done.units),
        (0, 0, 0, 2)
    );
    assert_eq!(f.standin.count(Endpoint::HistoryList), before + 1);
}

#[tokio::test]
async fn a_history_id_google_no_longer_keeps_costs_one_full_resync_never_a_loop() {
    let (f, app, account, rows) = synced().await;
    let control = f.standin.mailbox_control();
    control
        .mark_read(ANA, &rows.iter().find(|r| r.unread).unwrap().id)
        .unwrap();
    control.expire_history(ANA).unwrap();
    let history = f.standin.count(Endpoint::HistoryList);
    let profile = f.standin.count(Endpoint::GetProfile);
    let done = app.sync(&account.id).await.unwrap();
    assert!(done.full);
    assert_eq!(
        f.standin.count(Endpoint::HistoryList),
        history + 1,
        "one 404"
    );
    assert_eq!(
        f.standin.count(Endpoint::GetProfile),
        profile + 1,
        "a fresh historyId"
    );
    // The shown list is current again, and the next sync is incremental.
    let now = stored(&app, &account).await;
    assert_eq!(now.iter().filter(|r| r.unread).count(), {
        let mailbox = f.standin.mailbox();
        let a = mailbox.account(ANA).unwrap();
        now.iter()
            .filter(|r| a.message(&r.id).unwrap().has_label("UNREAD"))
            .count()
    });
    let again = app.sync(&account.id).await.unwrap();
    assert!(!again.full, "no second full sync");
    assert_eq!(f.standin.count(Endpoint::HistoryList), history + 2);
}

#[tokio::test]
async fn many_changes_come_in_pages_of_history_and_all_apply() {
    let (f, app, account, rows) = synced().await;
    let control = f.standin.mailbox_control();
    // 600 records: more than one page of 500.
    for _ in 0..6 {
        for r in rows.iter().take(50) {
            control.star(ANA, &r.id).unwrap();
            control.unstar(ANA, &r.id).unwrap();
        }
    }
    control.star(ANA, &rows[3].id).unwrap();
    let before = f.standin.count(Endpoint::HistoryList);
    app.sync(&account.id).await.unwrap();
    assert_eq!(
        f.standin.count(Endpoint::HistoryList),
        before + 2,
        "two pages"
    );
    let now = stored(&app, &account).await;
    assert!(row(&now, &rows[3].id).unwrap().starred);
    assert!(!row(&now, &rows[4].id).unwrap().starred || rows[4].starred);
}

#[tokio::test]
async fn new_inbox_mail_is_announced_once_and_archived_spam_or_old_mail_never() {
    let (f, app, account, _) = synced().await;
    let control = f.standin.mailbox_control();
    let now = now_ms();
    let arriving = |subject: &str, ms: i64| {
        Message::arriving(
            "Marta Nowak <marta.nowak@example.com>",
            subject,
            "Hello",
            ms,
        )
    };
    let new = control
        .deliver(ANA, arriving("Tomorrow's train", now))
        .unwrap();
    let archived = control
        .deliver(ANA, arriving("Archived at once", now))
        .unwrap();
    control.archive(ANA, &archived).unwrap();
    let spam = control.deliver(ANA, arriving("You won", now)).unwrap();
    control.add_label(ANA, &spam, "SPAM").unwrap();
    control
        .deliver(ANA, arriving("Two days old", now - 2 * 24 * 3600 * 1000))
        .unwrap();
    let done = app.sync(&account.id).await.unwrap();
    assert_eq!(done.added, 4);
    let subjects: Vec<_> = done
        .arrived
        .iter()
        .map(|r| r.subject.clone().unwrap())
        .collect();
    assert_eq!(subjects, ["Tomorrow's train"]);
    assert_eq!(done.arrived[0].id, new);
    // Never twice: not on the next sync, nor when it comes back into the inbox after a
    // restart (the store remembers what was announced)...
    assert!(app.sync(&account.id).await.unwrap().arrived.is_empty());
    control.archive(ANA, &new).unwrap();
    app.sync(&account.id).await.unwrap();
    control.add_label(ANA, &new, "INBOX").unwrap();
    assert!(f.app().sync(&account.id).await.unwrap().arrived.is_empty());
    // ...while mail never announced that comes back into the inbox unread is new.
    control.remove_label(ANA, &archived, "INBOX").unwrap();
    control.add_label(ANA, &archived, "INBOX").unwrap();
    let back = f.app().sync(&account.id).await.unwrap().arrived;
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].id, archived);
}

#[tokio::test]
async fn paging_through_two_thousand_messages_within_the_quota_draws_no_rate_limit() {
    use std::time::Duration;
    // Google's new model enforced: 6,000 units a "minute", the minute shortened to 2 s on
    // both sides (the app's settings say windowSeconds: 2) so the test takes seconds.
    let f = Fixture::with(mailglance_standin::Options {
        big_account_messages: 2600,
        quota_per_user_per_minute: Some(6_000),
        quota_window: Duration::from_secs(2),
        ..mailglance_standin::Options::default()
    })
    .await;
    let path = f.paths.settings_file();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["quota"] = serde_json::json!({"windowSeconds": 2});
    std::fs::write(&path, v.to_string()).unwrap();
    let app = f.app();
    let account = f.sign_in(&app, ANA).await;
    let mut query = PageQuery::default();
    let mut seen = 0;
    while seen < 2000 {
        let page = app.list_page(&account.id, query.clone()).await.unwrap();
        seen += page.rows.len();
        query.page_token = Some(page.next_page_token.expect("more pages"));
    }
    let refused = f
        .standin
        .requests()
        .iter()
        .filter(|r| matches!(r.status, 429 | 403))
        .count();
    assert_eq!(refused, 0, "no call was refused for quota");
    assert!(f.standin.units_spent(ANA) >= 2000 * 20);
}
