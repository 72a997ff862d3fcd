//! End to end in the real window, with accounts signed in from the command line first:
//! All inboxes merging two accounts' inboxes by date, each row with its account's colour
//! and address, the keys across accounts and Enter opening Gmail as the row's own
//! account; and search on this computer while typing (no call to Google, and with Google
//! unreachable), then Enter asking Gmail and marking the rows only Gmail found.

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use mailglance_e2e::{
    App, Launch, home_recording_gmail, login_from_command_line, opened_in_gmail, settled,
};
use mailglance_standin::mailbox::{Message, now_ms};
use mailglance_standin::{BIG_ACCOUNT, Options, SMALL_ACCOUNT, StandIn};
use serde::de::DeserializeOwned;

/// A home with `accounts` signed in from the command line, whose window checks every
/// account for mail on its own every `every` seconds (an hour: no check of its own comes
/// between a test's steps).
fn home_signed_in(standin: &StandIn, accounts: &[&str], every: u64) -> tempfile::TempDir {
    let home = home_recording_gmail(standin);
    let path = home.path().join("config/settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["sync"] = serde_json::json!({"frontSeconds": every, "backgroundSeconds": every});
    std::fs::write(&path, settings.to_string()).unwrap();
    for account in accounts {
        login_from_command_line(home.path(), account);
    }
    home
}

/// What `script` (a function body) returns.
async fn js<T: DeserializeOwned>(app: &App, script: &str) -> T {
    serde_json::from_value(app.client.execute(script, vec![]).await.unwrap()).unwrap()
}

/// Polls `script` (returning `null` until it has its answer) for up to 30 s.
async fn wait_for<T: DeserializeOwned>(app: &App, what: &str, script: &str) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = app.client.execute(script, vec![]).await.unwrap();
        if !value.is_null() {
            return serde_json::from_value(value).unwrap();
        }
        assert!(Instant::now() < deadline, "{what}: not within 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A script expression: the row of message `id` (in any account's list), or null.
fn row(id: &str) -> String {
    format!(
        "(document.getElementById('row-{id}') ?? document.querySelector('.row[id$=\"-{id}\"]'))"
    )
}

async fn press(el: &fantoccini::elements::Element, key: Key) {
    el.send_keys(&char::from(key).to_string()).await.unwrap();
}

// Two workers: the stand-in must keep serving while `mailglance login` waits on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_inboxes_merges_two_accounts_by_date_and_marks_whose_each_row_is() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let now = now_ms();
    let jeans = standin
        .deliver(
            SMALL_ACCOUNT,
            Message::arriving("Piotr <piotr@example.pl>", "For Jean", "the newest", now),
        )
        .unwrap();
    let anas = standin
        .deliver(
            BIG_ACCOUNT,
            Message::arriving(
                "Marta <marta@example.com>",
                "For Ana",
                "a minute older",
                now - 60_000,
            ),
        )
        .unwrap();
    let home = home_signed_in(&standin, &[BIG_ACCOUNT, SMALL_ACCOUNT], 3600);
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;

    // All inboxes on top of the sidebar, each account's inbox under it.
    let under: Vec<String> = wait_for(
        &app,
        "both accounts under All inboxes",
        "const b = [...document.querySelectorAll('button[data-account-inbox]')]; \
         return b.length === 2 ? b.map((x) => x.textContent) : null;",
    )
    .await;
    assert!(under[0].contains(BIG_ACCOUNT) && under[1].contains(SMALL_ACCOUNT));
    app.click("button[data-label-id='@all']").await;

    // Jean's newest message first, Ana's a minute older second: one list, by date.
    let places: (String, String) = wait_for(
        &app,
        "both accounts' new mail in All inboxes",
        &format!(
            "const j = {}, a = {}; \
             return j && a ? [j.getAttribute('aria-posinset'), a.getAttribute('aria-posinset')] : null;",
            row(&jeans),
            row(&anas)
        ),
    )
    .await;
    assert_eq!(places, ("1".into(), "2".into()));

    // Each row says whose it is: a colour of its own account, the address for screen
    // readers and as the mark's tooltip.
    let marks: Vec<(String, String, String)> = js(
        &app,
        &format!(
            "return [{}, {}].map((r) => {{ const a = r.querySelector('.account'); \
             return [a.title, a.textContent, getComputedStyle(a.firstChild).backgroundColor]; }});",
            row(&jeans),
            row(&anas)
        ),
    )
    .await;
    assert_eq!(marks[0].0, SMALL_ACCOUNT);
    assert_eq!(marks[0].1, format!("Account: {SMALL_ACCOUNT}"));
    assert_eq!(marks[1].0, BIG_ACCOUNT);
    assert_ne!(marks[0].2, marks[1].2, "each account has its own colour");

    // The unread count is the sum of the inboxes', in the sidebar and the title.
    let (sum, each): (u64, Vec<u64>) = wait_for(
        &app,
        "the inboxes' unread counts",
        "const n = (el) => el ? Number(el.getAttribute('aria-label')) : null; \
         const all = n(document.querySelector(\"button[data-label-id='@all'] .count\")); \
         const each = [...document.querySelectorAll('button[data-account-inbox]')] \
           .map((b) => n(b.querySelector('.count'))); \
         return all != null && each.every((c) => c != null) ? [all, each] : null;",
    )
    .await;
    assert_eq!(sum, each.iter().sum::<u64>());
    assert!(each.iter().all(|&c| c > 0), "{each:?}");
    let formatted = app
        .client
        .execute(
            &format!("return new Intl.NumberFormat('en').format({sum});"),
            vec![],
        )
        .await
        .unwrap();
    app.wait_title(&format!(
        "All inboxes ({}) – Mailglance",
        formatted.as_str().unwrap()
    ))
    .await;
    app.screenshot("all-inboxes").await;

    // j and Enter: Ana's row opens in Gmail as Ana; k and Enter: Jean's as Jean.
    let list = app.focus_list().await;
    list.send_keys("j").await.unwrap();
    press(&list, Key::Enter).await;
    opened_in_gmail(app.home(), 1).await;
    list.send_keys("k").await.unwrap();
    press(&list, Key::Enter).await;
    let opened = opened_in_gmail(app.home(), 2).await;
    assert_eq!(
        opened,
        [
            format!("https://mail.google.com/mail/?authuser=ana.kowalska%40example.com#all/{anas}"),
            format!("https://mail.google.com/mail/?authuser=jean.dupont%40example.org#all/{jeans}"),
        ]
    );

    // Scrolling pages the accounts' lists as needed and merges them in order.
    let first = app.wait_text("#list-count").await;
    app.scroll_list_to_end().await;
    app.eventually(
        "a next merged page after the first",
        &format!("return document.getElementById('list-count').textContent !== {first:?};"),
    )
    .await;
    assert!(
        js::<bool>(&app, "return document.getElementById('banner').hidden;").await,
        "no error"
    );
    app.quit().await;
    standin.shutdown().await;
}

/// Waits up to 30 s for the count in the window's title ("All inboxes (203) –
/// Mailglance") to be `want`; the title then.
async fn wait_title_count(app: &App, want: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let title = app.client.title().await.unwrap();
        let count: String = title
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(n, _)| n.chars().filter(char::is_ascii_digit).collect())
            .unwrap_or_default();
        if count.parse() == Ok(want) {
            return title;
        }
        assert!(
            Instant::now() < deadline,
            "{title:?}, not {want}, after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The unread count of `email`'s inbox at the stand-in now.
fn inbox_unread(standin: &StandIn, email: &str) -> u64 {
    standin
        .mailbox()
        .account(email)
        .unwrap()
        .label_counts("INBOX")
        .messages_unread as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_inboxes_shows_new_mail_of_the_account_not_chosen_with_no_action() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    // Every account checked every second.
    let home = home_signed_in(&standin, &[BIG_ACCOUNT, SMALL_ACCOUNT], 1);
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;
    app.click("button[data-label-id='@all']").await;
    let before = inbox_unread(&standin, BIG_ACCOUNT) + inbox_unread(&standin, SMALL_ACCOUNT);
    let title = wait_title_count(&app, before).await;
    assert!(title.starts_with("All inboxes ("), "{title}");

    // Mail for Jean (Ana's is the account chosen): on top, and counted, with no click.
    let id = standin
        .deliver(
            SMALL_ACCOUNT,
            Message::arriving("Piotr <piotr@example.pl>", "Arrived", "just now", now_ms()),
        )
        .unwrap();
    let place: String = wait_for(
        &app,
        "Jean's new mail in All inboxes",
        &format!(
            "return {}?.getAttribute('aria-posinset') ?? null;",
            row(&id)
        ),
    )
    .await;
    assert_eq!(place, "1");
    wait_title_count(&app, before + 1).await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_inboxes_in_dark_and_in_french_fits_the_sidebar_and_keeps_the_colours_apart() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    for (name, launch, title) in [
        (
            "all-inboxes-dark",
            Launch::default().env("GTK_THEME", "Adwaita:dark"),
            "All inboxes",
        ),
        (
            "all-inboxes-fr",
            Launch::default()
                .env("LANG", "fr_FR.UTF-8")
                .env("LANGUAGE", "fr"),
            "Toutes les boîtes de réception",
        ),
    ] {
        let home = home_signed_in(&standin, &[BIG_ACCOUNT, SMALL_ACCOUNT], 3600);
        let app = App::start_in(home, launch).await;
        app.wait_visible(".row").await;
        app.click("button[data-label-id='@all']").await;
        let _: bool = wait_for(
            &app,
            "rows of both accounts",
            "const marks = new Set([...document.querySelectorAll('.row:not([hidden]) .account')]                .map((a) => getComputedStyle(a.firstChild).backgroundColor));              return marks.size === 2 ? true : null;",
        )
        .await;
        let entry = app.wait_text("button[data-label-id='@all'] bdi").await;
        assert_eq!(entry, title);
        // Nothing in the sidebar is wider than it: long names wrap or are cut with "…".
        let overflow: bool = js(
            &app,
            "const s = document.getElementById('sidebar'); return s.scrollWidth > s.clientWidth;",
        )
        .await;
        assert!(!overflow, "{name}: the sidebar scrolls sideways");
        app.screenshot(name).await;
        app.quit().await;
    }
    standin.shutdown().await;
}

/// Units `accounts` have spent at the stand-in.
fn units(standin: &StandIn, accounts: &[&str]) -> Vec<u64> {
    accounts.iter().map(|a| standin.units_spent(a)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relaunch_on_all_inboxes_with_nothing_new_costs_a_sync_and_a_list_an_account() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let accounts = [BIG_ACCOUNT, SMALL_ACCOUNT];
    let home = home_signed_in(&standin, &accounts, 3600);
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;
    app.click("button[data-label-id='@all']").await;
    let all_shown = "return document.title.startsWith('All inboxes (') ? true : null;";
    let _: bool = wait_for(&app, "All inboxes", all_shown).await;
    settled(&standin, Duration::from_secs(2)).await;
    let home = app.quit().await;

    // The window opens on All inboxes again, painted from this computer, then brought up
    // to date: per account one history.list (2 units) and one messages.list (5); every
    // row and count comes from the stores.
    let before = units(&standin, &accounts);
    let app = App::start_in(home, Launch::default()).await;
    let _: bool = wait_for(&app, "All inboxes after a relaunch", all_shown).await;
    app.wait_text_containing("#list-status", "Updated").await;
    settled(&standin, Duration::from_secs(2)).await;
    let spent: Vec<u64> = units(&standin, &accounts)
        .iter()
        .zip(&before)
        .map(|(now, then)| now - then)
        .collect();
    assert_eq!(spent, [7, 7], "units per account");
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_while_typing_answers_from_this_computer_even_offline_and_enter_asks_gmail() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let now = now_ms();
    // A word in the body only: Gmail finds it, this computer (which keeps no bodies) not.
    let mut body_only = Message::arriving(
        "Marta <marta@example.com>",
        "Plans",
        "see below for the rest",
        now,
    );
    body_only.text = "see below for the rest\n\nthe zebrafish tank is ready".into();
    let hidden = standin.deliver(BIG_ACCOUNT, body_only).unwrap();
    let shown = standin
        .deliver(
            BIG_ACCOUNT,
            Message::arriving(
                "Piotr <piotr@example.pl>",
                "Zebrafish photos",
                "attached",
                now - 1000,
            ),
        )
        .unwrap();
    let home = home_signed_in(&standin, &[BIG_ACCOUNT], 3600);
    let app = App::start_in(home, Launch::default()).await;
    // Both are in the first page, so both are stored.
    let _: bool = wait_for(
        &app,
        "the new mail",
        &format!("return {} && {} ? true : null;", row(&hidden), row(&shown)),
    )
    .await;

    // Typing, no Enter: what this computer finds, with no call to Google.
    standin.clear_requests();
    let search = app.wait_visible("#search").await;
    search.send_keys("zebrafish").await.unwrap();
    app.wait_text_containing("#list-source", "On this computer")
        .await;
    app.wait_text_containing("#list-count", "1 message").await;
    let found: (bool, bool) = js(
        &app,
        &format!(
            "return [{} != null, {} != null];",
            row(&shown),
            row(&hidden)
        ),
    )
    .await;
    assert_eq!(
        found,
        (true, false),
        "only the subject's word is found here"
    );
    assert!(
        standin.requests().is_empty(),
        "typing asked Google: {:?}",
        standin.requests()
    );
    app.screenshot("search-here").await;

    // Enter asks Gmail: its answer, the row only Gmail found marked as such.
    press(&search, Key::Enter).await;
    app.wait_text_containing("#list-source", "Gmail's answer")
        .await;
    let marked: (bool, bool) = wait_for(
        &app,
        "Gmail's answer",
        &format!(
            "const h = {}, s = {}; \
             return h && s ? [h.querySelector('.only-gmail') != null, s.querySelector('.only-gmail') != null] : null;",
            row(&hidden),
            row(&shown)
        ),
    )
    .await;
    assert_eq!(
        marked,
        (true, false),
        "only the body's match is Gmail's alone"
    );
    assert_eq!(app.wait_text("#list-count").await, "2 messages");
    app.screenshot("search-gmail-answer").await;

    // Google unreachable: typing still searches this computer.
    standin.faults().unreachable(BIG_ACCOUNT, true);
    search.send_keys(" from:piotr").await.unwrap();
    let _: bool = wait_for(
        &app,
        "the offline search",
        &format!(
            "return document.getElementById('list-source').textContent === 'On this computer' \
             && {} == null && {} != null ? true : null;",
            row(&hidden),
            row(&shown)
        ),
    )
    .await;
    app.screenshot("search-here-offline").await;

    // Half-typed or junk: said under the box, the rows shown stay.
    search.send_keys(" is:purple").await.unwrap();
    let problem = app.wait_text("#search-problem").await;
    assert!(
        problem.starts_with("Cannot search for \"is:purple\""),
        "{problem}"
    );
    assert!(js::<bool>(&app, &format!("return {} != null;", row(&shown))).await);
    standin.faults().unreachable(BIG_ACCOUNT, false);
    app.quit().await;
    standin.shutdown().await;
}
