//! End to end in the real window, as a screen-reader or keyboard user meets it: axe-core
//! (from `node_modules`, pinned in `package-lock.json`) run in the window on every screen
//! (welcome, inbox, the account menu, the Notifications panel, search on this computer and
//! Gmail's answer, an error banner, the waiting-for-quota line, All inboxes; light and
//! dark), failing on any violation; and the keys of the account menu and of the
//! Notifications panel.

use std::time::Duration;

use fantoccini::key::Key;
use mailglance_e2e::{
    App, Launch, home_recording_gmail, login_from_command_line, settled, workspace_root,
};
use mailglance_standin::{BIG_ACCOUNT, Endpoint, Options, RateLimitStyle, SMALL_ACCOUNT, StandIn};

/// axe-core's script, as `scripts/setup.sh test` installs it.
fn axe_source() -> String {
    let path = workspace_root().join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: run `scripts/setup.sh test` (npm ci) first",
            path.display()
        )
    })
}

/// Runs axe-core on the window as it is now and panics, naming `screen`, with each
/// violation's id, impact, help and the elements it found, if there is any.
async fn axe(app: &App, screen: &str) {
    let said = axe_violations(app, screen).await;
    assert!(
        said.is_empty(),
        "{screen}: axe-core found {} violation(s):\n{}",
        said.len(),
        said.join("\n")
    );
}

/// axe-core's violations on the window as it is now: "id (impact): help" and the
/// elements, one string each.
async fn axe_violations(app: &App, screen: &str) -> Vec<String> {
    // Put in once per page: through WebDriver, so the page's CSP (`script-src 'self'`)
    // does not apply; a page where it could not run says so here.
    let loaded: bool = app
        .js(&format!(
            "if (typeof window.axe === 'undefined') {{ {} }} return typeof window.axe?.run === 'function';",
            axe_source()
        ))
        .await;
    assert!(loaded, "{screen}: axe-core could not be put in the page");
    let answer = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, { resultTypes: ['violations'] }) \
               .then((r) => done({ ran: r.passes.length + r.incomplete.length + r.inapplicable.length, \
                 violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, \
                   targets: v.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary ?? '')) })) })) \
               .catch((e) => done({ error: String(e) }));",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("{screen}: axe-core did not answer: {e}"));
    assert!(
        answer.get("error").is_none(),
        "{screen}: axe-core failed: {answer}"
    );
    assert!(
        answer["ran"].as_u64().unwrap_or(0) > 10,
        "{screen}: axe-core ran no rules: {answer}"
    );
    let violations = answer["violations"].as_array().cloned().unwrap_or_default();
    let said: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{} ({}): {}\n    {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                v["targets"]
                    .as_array()
                    .map(|t| t
                        .iter()
                        .map(|x| x.as_str().unwrap_or("").to_owned())
                        .collect::<Vec<_>>()
                        .join("\n    "))
                    .unwrap_or_default()
            )
        })
        .collect();
    said
}

/// The launch for `theme` (`None` for the light default, else a GTK theme name).
fn launch(theme: Option<&str>) -> Launch {
    let launch = Launch::default().env("STANDIN_BROWSE_ACCOUNT", BIG_ACCOUNT);
    match theme {
        Some(theme) => launch.env("GTK_THEME", theme),
        None => launch,
    }
}

/// Every screen of one account, in `theme`, checked by axe-core.
async fn every_screen_of_one_account(theme: Option<&str>, name: &str) {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let app = App::start_in(home_recording_gmail(&standin), launch(theme)).await;
    app.wait_visible("#welcome").await;
    // The check can fail: an image with no text is found.
    app.client
        .execute(
            "const i = document.createElement('img'); i.id = 'planted'; i.src = 'icon.svg'; \
             document.querySelector('#welcome .card').append(i);",
            vec![],
        )
        .await
        .unwrap();
    let planted = axe_violations(&app, "welcome with a planted image").await;
    assert!(
        planted
            .iter()
            .any(|v| v.starts_with("image-alt") && v.contains("#planted")),
        "axe-core did not find the planted image: {planted:?}"
    );
    app.client
        .execute("document.getElementById('planted').remove();", vec![])
        .await
        .unwrap();
    axe(&app, &format!("welcome ({name})")).await;

    app.click("#sign-in").await;
    app.wait_visible(".row").await;
    app.wait_text_containing("#list-status", "Updated").await;
    axe(&app, &format!("inbox ({name})")).await;

    // Scrolled far and back: the list never names a row that is not drawn.
    app.scroll_list_to_end().await;
    app.wait_text_containing("#list-count", "100 of about")
        .await;
    axe(&app, &format!("inbox scrolled ({name})")).await;

    app.click("#account-button").await;
    app.wait_visible("#account-menu").await;
    axe(&app, &format!("account menu ({name})")).await;

    app.click("#notify-settings").await;
    app.eventually(
        "the Notifications panel is open",
        "return document.getElementById('notify-panel').open;",
    )
    .await;
    axe(&app, &format!("Notifications panel ({name})")).await;
    app.click("#notify-close").await;

    // Search while typing: the rows on this computer, then Gmail's answer.
    let search = app.wait_visible("#search").await;
    search.send_keys("invoice").await.unwrap();
    app.wait_text_containing("#list-source", "On this computer")
        .await;
    axe(&app, &format!("search on this computer ({name})")).await;
    search
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    app.wait_text_containing("#list-source", "Gmail's answer")
        .await;
    axe(&app, &format!("Gmail's answer ({name})")).await;
    search
        .send_keys(&char::from(Key::Escape).to_string())
        .await
        .unwrap();
    app.wait_hidden("#list-source").await;

    // An error banner: Gmail failing more often than the backend retries.
    standin.faults().fail_next(Endpoint::MessagesList, 4, 503);
    app.click("#refresh").await;
    app.wait_text_containing("#banner-text", "Google had a problem")
        .await;
    axe(&app, &format!("error banner ({name})")).await;
    app.click("#banner-action").await;
    app.wait_hidden("#banner").await;

    // The waiting-for-quota line: another client spent the (shortened) minute.
    let faults = standin.faults();
    faults.set_quota_window(Duration::from_secs(12));
    faults.set_quota(Some(6_000), RateLimitStyle::TooManyRequests);
    faults.spend_as_other(BIG_ACCOUNT, 6_000);
    app.click("#refresh").await;
    app.wait_text_containing("#quota-wait", "Waiting for Gmail's quota")
        .await;
    axe(&app, &format!("waiting for quota ({name})")).await;
    app.screenshot(&format!("axe-quota-wait-{name}")).await;

    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn every_screen_of_one_account_passes_axe_in_light() {
    every_screen_of_one_account(None, "light").await;
}

#[tokio::test]
async fn every_screen_of_one_account_passes_axe_in_dark() {
    every_screen_of_one_account(Some("Adwaita:dark"), "dark").await;
}

/// All inboxes with two accounts signed in from the command line, in `theme`.
async fn all_inboxes(theme: Option<&str>, name: &str) {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let home = home_recording_gmail(&standin);
    for account in [BIG_ACCOUNT, SMALL_ACCOUNT] {
        login_from_command_line(home.path(), account);
    }
    let app = App::start_in(home, launch(theme)).await;
    // The launch's syncs done, so the sidebar stays still under the click.
    app.wait_visible("button[data-label-id='@all']").await;
    app.wait_text_containing("#list-status", "Updated").await;
    settled(&standin, Duration::from_secs(1)).await;
    app.click("button[data-label-id='@all']").await;
    app.eventually(
        "All inboxes shows both accounts' rows",
        "return document.title.startsWith('All inboxes') \
           && document.querySelectorAll('#list .row .account-mark[data-colour=\"1\"]').length > 0;",
    )
    .await;
    axe(&app, &format!("All inboxes ({name})")).await;
    // Search while typing over every account: a new list, the listbox's row gone.
    let search = app.wait_visible("#search").await;
    search.send_keys("zzzz-nothing-matches").await.unwrap();
    app.wait_text_containing("#list-source", "On this computer")
        .await;
    axe(
        &app,
        &format!("All inboxes, search on this computer ({name})"),
    )
    .await;
    app.screenshot(&format!("axe-all-inboxes-search-{name}"))
        .await;
    app.quit().await;
    standin.shutdown().await;
}

// Two workers: the stand-in must keep serving while `mailglance login` waits on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_inboxes_passes_axe_in_light_and_dark() {
    all_inboxes(None, "light").await;
    all_inboxes(Some("Adwaita:dark"), "dark").await;
}

/// Where the focus is: the focused element's id (or its tag), and whether its outline
/// is drawn 3px solid.
async fn focused(app: &App) -> (String, bool) {
    app.js(
        "const e = document.activeElement; const s = getComputedStyle(e); \
         return [e.id || e.tagName.toLowerCase(), s.outlineStyle === 'solid' && s.outlineWidth === '3px'];",
    )
    .await
}

async fn press(app: &App, key: Key) {
    let active = app.client.active_element().await.unwrap();
    active
        .send_keys(&char::from(key).to_string())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_account_menu_works_by_keyboard_and_shows_its_focus() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let app = App::start_in(home_recording_gmail(&standin), launch(None)).await;
    app.click("#sign-in").await;
    app.wait_visible(".row").await;
    let menu_open = "return !document.getElementById('account-menu').hidden;";

    // Opened by a click: its first item has the focus, and the ring shows it.
    app.click("#account-button").await;
    let items: Vec<String> = app
        .js("return [...document.querySelectorAll('#account-menu [role^=\"menuitem\"]')].map((e) => e.id || e.dataset.accountId);")
        .await;
    assert_eq!(items.len(), 5, "{items:?}");
    let (first, ring) = focused(&app).await;
    assert_eq!(
        first, "button",
        "the account's own item (no id) first: {items:?}"
    );
    assert!(ring, "the first item's focus ring is drawn");
    // Down moves, Up from the first goes round to the last; Home and End.
    press(&app, Key::Down).await;
    assert_eq!(focused(&app).await.0, "add-account");
    press(&app, Key::Down).await;
    assert_eq!(focused(&app).await.0, "sign-out");
    press(&app, Key::End).await;
    assert_eq!(focused(&app).await.0, "notify-settings");
    press(&app, Key::Down).await;
    assert_eq!(focused(&app).await.0, "button", "round to the first");
    press(&app, Key::Up).await;
    assert_eq!(
        focused(&app).await.0,
        "notify-settings",
        "round to the last"
    );
    press(&app, Key::Home).await;
    assert_eq!(focused(&app).await.0, "button");
    app.screenshot("account-menu-keyboard").await;

    // Esc closes it, the focus back on its button.
    press(&app, Key::Escape).await;
    assert!(!app.js::<bool>(menu_open).await, "Esc closes the menu");
    assert_eq!(focused(&app).await.0, "account-button");
    assert!(
        app.js::<bool>("return document.getElementById('account-button').getAttribute('aria-expanded') === 'false';")
            .await
    );

    // Down on the button opens it on its first item; Tab closes it and moves on.
    press(&app, Key::Down).await;
    assert!(
        app.js::<bool>(menu_open).await,
        "Down on the button opens the menu"
    );
    assert_eq!(focused(&app).await.0, "button");
    press(&app, Key::Tab).await;
    assert!(!app.js::<bool>(menu_open).await, "Tab closes the menu");
    let (after_tab, _) = focused(&app).await;
    assert!(
        !app.js::<bool>("return document.activeElement.closest('#account-menu') !== null;")
            .await,
        "the focus left the menu: {after_tab}"
    );
    app.quit().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn closing_the_notifications_panel_gives_the_focus_back_and_the_panel_is_no_tab_stop() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let app = App::start_in(home_recording_gmail(&standin), launch(None)).await;
    app.click("#sign-in").await;
    app.wait_visible(".row").await;
    let panel_open = "return document.getElementById('notify-panel').open;";

    for close in ["Escape", "Done"] {
        // Opened from the menu by keys.
        app.client
            .execute("document.getElementById('account-button').focus();", vec![])
            .await
            .unwrap();
        press(&app, Key::Up).await;
        assert_eq!(focused(&app).await.0, "notify-settings");
        press(&app, Key::Enter).await;
        app.eventually("the Notifications panel opens", panel_open)
            .await;
        // The focus is in the panel, on a box, never on the panel itself: not by Tab,
        // nor by Shift+Tab.
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(focused(&app).await.0);
            press(&app, Key::Tab).await;
        }
        for _ in 0..4 {
            seen.push(focused(&app).await.0);
            app.client
                .active_element()
                .await
                .unwrap()
                .send_keys(&format!(
                    "{}{}",
                    char::from(Key::Shift),
                    char::from(Key::Tab)
                ))
                .await
                .unwrap();
        }
        assert_eq!(seen[0], "input", "a box has the focus first: {seen:?}");
        assert!(
            !seen.iter().any(|s| s == "notify-panel"),
            "the panel itself took the focus: {seen:?}"
        );
        if close == "Escape" {
            press(&app, Key::Escape).await;
        } else {
            app.click("#notify-close").await;
        }
        app.eventually(
            "the Notifications panel closes",
            "return !document.getElementById('notify-panel').open;",
        )
        .await;
        assert_eq!(
            focused(&app).await.0,
            "account-button",
            "closed by {close}: the focus is back where the panel was opened from"
        );
    }
    app.quit().await;
    standin.shutdown().await;
}
