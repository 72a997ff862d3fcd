//! End to end in the real window: the message list after signing in. Paging by
//! scrolling, search, labels, opening in Gmail, hostile text shown as text, the keys,
//! and the look in light and dark, French and Polish.

use std::path::Path;

use fantoccini::Locator;
use fantoccini::key::Key;
use mailglance_e2e::{App, Launch, home_recording_gmail, opened_in_gmail};
use mailglance_standin::{BIG_ACCOUNT, HOSTILE_SUBJECT, Options, StandIn};

async fn signed_in(launch: Launch) -> (StandIn, App) {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let home = home_recording_gmail(&standin);
    let app = App::signed_in(home, launch).await;
    (standin, app)
}

async fn count_text(app: &App) -> String {
    app.wait_text("#list-count").await
}

async fn rows_in_dom(app: &App) -> usize {
    app.client
        .find_all(Locator::Css(".row"))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_inbox_shows_pages_as_you_scroll_and_the_dom_stays_small() {
    let (standin, app) = signed_in(Launch::default()).await;
    let first = app.wait_text_containing("#list-count", "50 of about").await;
    app.screenshot("inbox").await;
    // Scroll to the end twice: pages 2 and 3 arrive.
    for expected in ["100 of about", "150 of about"] {
        app.scroll_list_to_end().await;
        app.wait_text_containing("#list-count", expected).await;
    }
    assert!(
        rows_in_dom(&app).await < 60,
        "only the visible rows are in the DOM"
    );
    assert!(first.contains("50 of about"));
    // The Load more button is reachable too.
    app.click("#load-more").await;
    app.wait_text_containing("#list-count", "200 of about")
        .await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn searching_is_unread_shows_only_unread_mail_and_esc_clears_it() {
    let (standin, app) = signed_in(Launch::default()).await;
    let all = count_text(&app).await;
    let search = app.wait_visible("#search").await;
    search.send_keys("is:unread").await.unwrap();
    search
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    app.eventually(
        "Gmail's answer to is:unread is shown",
        "return document.getElementById('list-source').dataset.source === 'gmail' \
           && document.getElementById('list-loading').hidden;",
    )
    .await;
    let unread = count_text(&app).await;
    assert_ne!(all, unread);
    for row in app
        .client
        .find_all(Locator::Css(".row:not([hidden])"))
        .await
        .unwrap()
    {
        let class = row.attr("class").await.unwrap().unwrap_or_default();
        assert!(
            class.contains("unread"),
            "a read message in is:unread: {class}"
        );
    }
    app.screenshot("search-unread").await;
    search
        .send_keys(&char::from(Key::Escape).to_string())
        .await
        .unwrap();
    app.wait_text_containing("#list-count", &all).await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn a_right_to_left_override_stays_in_its_field_and_cannot_disguise_the_sender() {
    let (standin, app) = signed_in(Launch::default()).await;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let id = standin
        .mailbox_control()
        .deliver(
            BIG_ACCOUNT,
            mailglance_standin::mailbox::Message::arriving(
                "\"Mallory \u{202E}gnp.exe\" <mallory@example.com>",
                "Invoice \u{202E}right-to-left override in subject",
                "exe.pdf\u{0} attached\u{7}",
                now_ms,
            ),
        )
        .unwrap();
    app.click("#refresh").await;
    // Polled with a script: WebKitWebDriver's element text of the list never showed
    // this row (its innerText did), so the row is looked for by id.
    let shown = format!("return document.getElementById('row-{id}') !== null;");
    app.eventually("the new row is shown", &shown).await;
    let fields = app
        .client
        .execute(
            &format!(
                "const r = document.getElementById('row-{id}'); \
                 return ['.from', '.subject', '.snippet'].map((c) => {{ \
                   const e = r.querySelector(c); \
                   return [e.tagName, getComputedStyle(e).unicodeBidi, e.textContent]; }});"
            ),
            vec![],
        )
        .await
        .unwrap();
    let fields: Vec<(String, String, String)> = serde_json::from_value(fields).unwrap();
    let [from, subject, snippet] = <[_; 3]>::try_from(fields).unwrap();
    // The sender's name as written, with no override left to turn ".exe" into ".png".
    assert_eq!(from.2, "Mallory gnp.exe");
    // Each field isolated: the subject's override ends where the subject ends.
    for (tag, bidi, _) in [&from, &subject, &snippet] {
        assert_eq!((tag.as_str(), bidi.as_str()), ("BDI", "isolate"));
    }
    assert!(
        subject.2.contains('\u{202E}'),
        "right-to-left text keeps its marks"
    );
    // NUL and other control characters never reach the screen.
    assert_eq!(snippet.2, " — exe.pdf attached");
    app.screenshot("bidi-override").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn a_label_in_the_sidebar_filters_the_list() {
    let (standin, app) = signed_in(Launch::default()).await;
    let before = count_text(&app).await;
    app.click("#user-labels button[data-label-id='Label_4']")
        .await;
    // The count changes once the label's first page has arrived.
    app.eventually(
        "the label's list replaces the inbox",
        &format!("return document.getElementById('list-count').textContent !== {before:?};"),
    )
    .await;
    let rows = app
        .client
        .find_all(Locator::Css(".row:not([hidden])"))
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let text = row.text().await.unwrap();
        assert!(text.contains("Książki"), "a row without the label: {text}");
    }
    app.screenshot("label-ksiazki").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn keys_move_and_enter_opens_the_message_in_gmail_in_the_browser() {
    let (standin, app) = signed_in(Launch::default()).await;
    let list = app.focus_list().await;
    list.send_keys("jj").await.unwrap();
    let selected = app.wait_visible(".row[aria-selected='true']").await;
    assert_eq!(
        selected.attr("aria-posinset").await.unwrap().as_deref(),
        Some("3")
    );
    list.send_keys("k").await.unwrap();
    let selected = app.wait_visible(".row[aria-selected='true']").await;
    assert_eq!(
        selected.attr("aria-posinset").await.unwrap().as_deref(),
        Some("2")
    );
    let id = selected.attr("id").await.unwrap().unwrap();
    let id = id.trim_start_matches("row-");
    list.send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    let opened = opened_in_gmail(app.home(), 1).await;
    assert_eq!(
        opened,
        [format!(
            "https://mail.google.com/mail/?authuser=ana.kowalska%40example.com#all/{id}"
        )],
        "the browser was asked to open Gmail"
    );
    // `/` focuses the search box.
    list.send_keys("/").await.unwrap();
    let active = app.client.active_element().await.unwrap();
    assert_eq!(active.attr("id").await.unwrap().as_deref(), Some("search"));
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn hostile_subjects_show_as_plain_text() {
    let (standin, app) = signed_in(Launch::default()).await;
    let search = app.wait_visible("#search").await;
    search.send_keys("subject:Invoice").await.unwrap();
    search
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    let row = app.wait_text_containing("#list", "onerror").await;
    assert!(row.contains(HOSTILE_SUBJECT), "{row}");
    let injected = app
        .client
        .find_all(Locator::Css("#list img, #list b, #list script"))
        .await
        .unwrap();
    assert!(injected.is_empty(), "markup from a subject became elements");
    app.screenshot("hostile-subject").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn the_list_in_dark_french_and_polish() {
    for (name, launch) in [
        (
            "inbox-dark",
            Launch::default().env("GTK_THEME", "Adwaita:dark"),
        ),
        (
            "inbox-fr",
            Launch::default()
                .env("LANG", "fr_FR.UTF-8")
                .env("LANGUAGE", "fr"),
        ),
        (
            "inbox-pl",
            Launch::default()
                .env("LANG", "pl_PL.UTF-8")
                .env("LANGUAGE", "pl"),
        ),
    ] {
        let (standin, app) = signed_in(launch).await;
        let inbox = app
            .wait_text("#system-labels button[data-label-id='INBOX']")
            .await;
        match name {
            "inbox-fr" => assert!(inbox.contains("Boîte de réception"), "{inbox}"),
            "inbox-pl" => assert!(inbox.contains("Odebrane"), "{inbox}"),
            _ => assert!(inbox.contains("Inbox"), "{inbox}"),
        }
        let shot = app.screenshot(name).await;
        assert!(Path::new(&shot).exists());
        app.quit().await;
        standin.shutdown().await;
    }
}

#[tokio::test]
async fn the_window_title_says_the_inbox_unread_count_and_follows_it() {
    let (standin, app) = signed_in(Launch::default()).await;
    let unread = |standin: &StandIn| {
        let mailbox = standin.mailbox();
        mailbox
            .account(BIG_ACCOUNT)
            .unwrap()
            .label_counts("INBOX")
            .messages_unread
    };
    let title = |n: i32| format!("Inbox ({n}) – Mailglance");
    let before = unread(&standin);
    app.wait_title(&title(before)).await;
    // One read in Gmail: after a refresh the title says one fewer.
    let mailbox = standin.mailbox();
    let id = mailbox
        .account(BIG_ACCOUNT)
        .unwrap()
        .messages
        .iter()
        .find(|m| m.has_label("INBOX") && m.has_label("UNREAD"))
        .unwrap()
        .id
        .clone();
    standin
        .mailbox_control()
        .mark_read(BIG_ACCOUNT, &id)
        .unwrap();
    app.click("#refresh").await;
    app.wait_title(&title(before - 1)).await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn a_server_outage_shows_a_banner_with_retry_and_retry_brings_the_rows_back() {
    let (standin, app) = signed_in(Launch::default()).await;
    // More failures than the backend's own retries (4 tries with back-off): it gives up.
    standin
        .faults()
        .fail_next(mailglance_standin::Endpoint::MessagesList, 4, 503);
    let list = app.focus_list().await;
    list.send_keys("r").await.unwrap();
    let text = app
        .wait_text_containing("#banner-text", "Google had a problem")
        .await;
    assert!(!text.contains('{'), "no raw JSON: {text}");
    assert_eq!(app.wait_text("#banner-action").await, "Retry");
    // The rows shown before the failed refresh are still there.
    assert!(count_text(&app).await.contains("50 of about"));
    assert!(rows_in_dom(&app).await > 0);
    app.screenshot("banner-server-error").await;
    app.click("#banner-action").await;
    app.wait_hidden("#banner").await;
    app.wait_visible(".row").await;
    app.wait_text_containing("#list-count", "50 of about").await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn a_revoked_grant_asks_to_sign_in_again_and_signing_in_brings_the_list_back() {
    let (standin, app) = signed_in(Launch::default()).await;
    standin.faults().revoke_user(BIG_ACCOUNT);
    // An expired access token makes the next call refresh, which Google now refuses.
    standin.faults().expire_access_tokens();
    app.click("#refresh").await;
    let text = app.wait_text_containing("#banner-text", "has ended").await;
    assert!(text.contains(BIG_ACCOUNT), "{text}");
    assert_eq!(app.wait_text("#banner-action").await, "Sign in again");
    app.screenshot("banner-sign-in-again").await;
    app.click("#banner-action").await;
    app.wait_hidden("#banner").await;
    app.wait_visible("#shell").await;
    app.wait_visible(".row").await;
    app.wait_text_containing("#list-count", "50 of about").await;
    app.quit().await;
    standin.shutdown().await;
}

/// The text of a sidebar label's unread count, if it shows one.
async fn sidebar_count(app: &App, label_id: &str) -> Option<String> {
    let script = format!(
        "const c = document.querySelector('[data-label-id=\"{label_id}\"] .count'); \
         return c ? c.textContent : null;"
    );
    app.client
        .execute(&script, vec![])
        .await
        .unwrap()
        .as_str()
        .map(str::to_owned)
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_sidebars_labels_and_counts_marked_as_not_current() {
    let (standin, app) = signed_in(Launch::default()).await;
    app.wait_visible("#user-labels [data-label-id]").await;
    let inbox = sidebar_count(&app, "INBOX").await.expect("an inbox count");
    let user_labels = app
        .client
        .find_all(Locator::Css("#user-labels [data-label-id]"))
        .await
        .unwrap()
        .len();
    // Google unreachable for this refresh: more failures than the backend retries.
    let faults = standin.faults();
    faults.fail_next(mailglance_standin::Endpoint::HistoryList, 4, 503);
    faults.fail_next(mailglance_standin::Endpoint::LabelsList, 4, 503);
    faults.fail_next(mailglance_standin::Endpoint::MessagesList, 4, 503);
    app.click("#refresh").await;
    app.wait_text_containing("#banner-text", "Google had a problem")
        .await;
    app.wait_visible("#labels-stale").await;
    assert_eq!(sidebar_count(&app, "INBOX").await.as_deref(), Some(&*inbox));
    let after = app
        .client
        .find_all(Locator::Css("#user-labels [data-label-id]"))
        .await
        .unwrap()
        .len();
    assert_eq!(after, user_labels, "the user's labels stay in the sidebar");
    app.screenshot("sidebar-after-failed-refresh").await;
    // The next refresh that works marks them current again.
    app.click("#refresh").await;
    app.wait_hidden("#labels-stale").await;
    app.quit().await;
    standin.shutdown().await;
}

/// The rows drawn in view whose rectangle meets the "Load more" button's (an empty list
/// when the button is hidden).
async fn rows_under_load_more(app: &App) -> Vec<String> {
    app.js("const button = document.getElementById('load-more'); \
         if (button.offsetParent === null) return []; \
         const b = button.getBoundingClientRect(); \
         const l = document.getElementById('list-scroll').getBoundingClientRect(); \
         const hits = []; \
         for (const r of document.querySelectorAll('#list .row:not([hidden])')) { \
           const o = r.getBoundingClientRect(); \
           const top = Math.max(o.top, l.top), bottom = Math.min(o.bottom, l.bottom); \
           if (bottom <= top) continue; \
           if (b.top < bottom && b.bottom > top && b.left < o.right && b.right > o.left) \
             hits.push(r.id); \
         } \
         return hits;")
        .await
}

#[tokio::test]
async fn the_load_more_button_never_covers_a_row() {
    let (standin, app) = signed_in(Launch::default()).await;
    app.wait_text_containing("#list-count", "50 of about").await;
    // At the top, as launched (1280×800).
    assert_eq!(
        rows_under_load_more(&app).await,
        Vec::<String>::new(),
        "at the top"
    );
    // Scrolled a little.
    app.client
        .execute(
            "document.getElementById('list-scroll').scrollTop = 200;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        rows_under_load_more(&app).await,
        Vec::<String>::new(),
        "scrolled"
    );
    // At the end, where the button is: after the last row, in view. Gmail made slow, so
    // the next page infinite scroll asks for there takes a while to come.
    standin
        .faults()
        .set_latency(std::time::Duration::from_secs(5));
    app.eventually(
        "Load more is in view after the last row at the end of the list",
        "const l = document.getElementById('list-scroll'); l.scrollTop = l.scrollHeight; \
         const b = document.getElementById('load-more'); \
         if (b.offsetParent === null) return false; \
         const r = b.getBoundingClientRect(), view = l.getBoundingClientRect(); \
         const box = document.getElementById('list').getBoundingClientRect(); \
         const rows = [...document.querySelectorAll('#list .row:not([hidden])')]; \
         const last = document.getElementById('list').querySelector('.row[aria-posinset=\"50\"]'); \
         return rows.length > 0 && last !== null && !last.hidden \
           && r.top >= box.bottom - 1 && r.top >= last.getBoundingClientRect().bottom - 1 \
           && r.bottom <= view.bottom + 1;",
    )
    .await;
    assert_eq!(
        rows_under_load_more(&app).await,
        Vec::<String>::new(),
        "at the end"
    );
    app.screenshot("load-more").await;
    standin.faults().set_latency(std::time::Duration::ZERO);
    app.wait_text_containing("#list-count", "100 of about")
        .await;
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn the_count_is_exact_once_the_last_page_is_loaded() {
    let (standin, app) = signed_in(Launch::default()).await;
    let query = "subject:overdue";
    let search = app.wait_visible("#search").await;
    search.send_keys(query).await.unwrap();
    search
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    // The search fits on one page: no next page, so the count is the rows themselves.
    app.eventually(
        "the search's only page is shown",
        "const c = document.getElementById('list-count').textContent; \
         return c.includes('message') && !c.includes('about');",
    )
    .await;
    let text = count_text(&app).await;
    assert!(
        app.js::<bool>("return document.getElementById('load-more').hidden")
            .await,
        "no Load more after the last page"
    );
    let rows = app
        .client
        .execute(
            "return document.getElementById('list-spacer').offsetHeight / \
             document.querySelector('#list .row').offsetHeight;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap() as usize;
    assert!(rows >= 1);
    let expected = if rows == 1 {
        "1 message".to_owned()
    } else {
        format!("{rows} messages")
    };
    assert_eq!(text, expected, "no 'about' once every message is loaded");
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn a_relaunch_with_google_unreachable_shows_the_stored_mail_and_says_since_when() {
    let (standin, app) = signed_in(Launch::default()).await;
    let before = count_text(&app).await;
    app.screenshot("inbox-before-offline").await;
    let home = app.quit().await;
    // Google unreachable: nothing listens where the token and Gmail endpoints point.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let path = home.path().join("config/settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["endpoints"]["token"] = format!("http://{closed}/token").into();
    settings["endpoints"]["gmail"] = format!("http://{closed}/").into();
    std::fs::write(&path, settings.to_string()).unwrap();

    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;
    let status = app.wait_text_containing("#list-status", "Offline").await;
    assert!(status.contains("mail as of"), "{status}");
    assert_eq!(count_text(&app).await, before, "the same list as before");
    app.screenshot("offline").await;
    app.quit().await;
    standin.shutdown().await;
}

// Two workers: the stand-in must keep serving while `mailglance login` waits on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_launch_with_google_unreachable_says_it_is_offline() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let home = home_recording_gmail(&standin);
    mailglance_e2e::login_from_command_line(home.path(), BIG_ACCOUNT);
    // Gmail never answers, and nothing was ever stored: no time to say "as of".
    standin.faults().unreachable(BIG_ACCOUNT, true);
    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible("#shell").await;
    let status = app.wait_text_containing("#list-status", "Offline").await;
    assert_eq!(status, "Offline: Google cannot be reached");
    assert!(
        app.js::<bool>(
            "return document.getElementById('list-status').classList.contains('offline');"
        )
        .await
    );
    app.screenshot("offline-first-launch").await;
    standin.faults().unreachable(BIG_ACCOUNT, false);
    app.quit().await;
    standin.shutdown().await;
}

/// Whether the row of message `id` is drawn bold (unread); `None` when it is not drawn.
async fn row_is_unread(app: &App, id: &str) -> Option<bool> {
    let script = format!(
        "const r = document.getElementById('row-{id}'); return r ? r.classList.contains('unread') : null;"
    );
    app.client.execute(&script, vec![]).await.unwrap().as_bool()
}

#[tokio::test]
async fn mail_read_in_gmail_turns_normal_and_new_mail_appears_on_top_after_a_refresh() {
    let (standin, app) = signed_in(Launch::default()).await;
    // The newest unread message in the inbox, drawn bold.
    let unread = {
        let mailbox = standin.mailbox();
        let account = mailbox.account(BIG_ACCOUNT).unwrap();
        let mut inbox: Vec<_> = account
            .messages
            .iter()
            .filter(|m| m.has_label("INBOX") && !m.has_label("SPAM") && !m.has_label("TRASH"))
            .collect();
        inbox.sort_by_key(|m| std::cmp::Reverse(m.internal_date));
        inbox
            .iter()
            .take(6)
            .find(|m| m.has_label("UNREAD"))
            .expect("an unread message among the newest")
            .id
            .clone()
    };
    assert_eq!(row_is_unread(&app, &unread).await, Some(true));
    let control = standin.mailbox_control();
    control.mark_read(BIG_ACCOUNT, &unread).unwrap();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    control
        .deliver(
            BIG_ACCOUNT,
            mailglance_standin::mailbox::Message::arriving(
                "Marta Nowak <marta.nowak@example.com>",
                "Tomorrow's train",
                "The train leaves at 9:40 from platform 4",
                now_ms,
            ),
        )
        .unwrap();
    app.click("#refresh").await;
    app.wait_text_containing("#list", "Tomorrow's train").await;
    let top = app
        .client
        .execute(
            "const r = [...document.querySelectorAll('#list .row')]\
               .find((r) => r.textContent.includes(\"Tomorrow's train\")); \
             return r ? r.dataset.index : null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(top, serde_json::json!("0"), "new mail on top");
    app.eventually(
        "the message read in Gmail is shown as read",
        &format!(
            "const r = document.getElementById('row-{unread}'); \
             return r !== null && !r.classList.contains('unread');"
        ),
    )
    .await;
    let status = app.wait_text_containing("#list-status", "Updated").await;
    assert!(!status.contains("Offline"));
    app.screenshot("after-sync").await;
    app.quit().await;
    standin.shutdown().await;
}
