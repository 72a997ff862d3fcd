//! `mailglance sync --json` from the real binary, after each kind of change made in
//! "Gmail" (the stand-in's mailbox, changed while the store is kept), and what
//! `list --offline` then shows with no network at all. Multi-threaded runtimes: the
//! stand-in must keep serving while a test waits for the binary.

use mailglance_standin::Endpoint;
use mailglance_standin::mailbox::{Message, now_ms};
use serde_json::Value;

use crate::support::helpers::{ANA, Fixture};
use crate::support::{ids, mailglance};

/// One `sync --json`: its (added, deleted, changed, units), after checking the shape
/// of what it printed.
fn sync(f: &Fixture) -> (u64, u64, u64, u64) {
    let (code, done, err) = mailglance(f, &["sync", "--json"]);
    assert_eq!(code, 0, "{err}");
    let history_id = done["historyId"].as_str().expect("historyId is a string");
    assert!(history_id.parse::<u64>().is_ok(), "{history_id}");
    let n = |k: &str| done[k].as_u64().unwrap_or_else(|| panic!("{k} in {done}"));
    (n("added"), n("deleted"), n("changed"), n("units"))
}

/// The stored inbox, from the store alone.
fn offline_inbox(f: &Fixture) -> Value {
    let (code, page, err) = mailglance(
        f,
        &[
            "list",
            "--offline",
            "--label",
            "INBOX",
            "--max",
            "50",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    page
}

fn row<'a>(page: &'a Value, id: &str) -> Option<&'a Value> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
}

/// Ana signed in in the window's folders, her inbox listed once from the command line
/// (so stored, with the mailbox's historyId), and the ids of that first page.
async fn listed() -> (Fixture, Vec<String>) {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let (code, page, err) = mailglance(&f, &["list", "--label", "INBOX", "--max", "50", "--json"]);
    assert_eq!(code, 0, "{err}");
    (f, ids(&page))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_json_reports_each_kind_of_change_and_the_store_shows_it() {
    let (f, shown) = listed().await;
    let control = f.standin.mailbox_control();
    let before = offline_inbox(&f);

    // Nothing changed: one history.list, 2 units.
    assert_eq!(sync(&f), (0, 0, 0, 2));

    // Read in Gmail.
    let unread = before["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unread"] == true)
        .expect("an unread row")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    control.mark_read(ANA, &unread).unwrap();
    assert_eq!(sync(&f).2, 1, "one changed");
    assert_eq!(row(&offline_inbox(&f), &unread).unwrap()["unread"], false);

    // Starred, and labelled (rows the change is new for: the demo mailbox follows the
    // clock).
    let rows = before["rows"].as_array().unwrap();
    let pick = |ok: &dyn Fn(&Value) -> bool| -> String {
        rows.iter().find(|r| ok(r)).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let star = pick(&|r| r["starred"] == false);
    control.star(ANA, &star).unwrap();
    assert_eq!(sync(&f).2, 1);
    assert_eq!(row(&offline_inbox(&f), &star).unwrap()["starred"], true);
    let label = pick(&|r| {
        r["id"] != star
            && !r["labels"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "Label_4")
    });
    control.add_label(ANA, &label, "Label_4").unwrap();
    assert_eq!(sync(&f).2, 1);
    let page = offline_inbox(&f);
    let labels = &row(&page, &label).unwrap()["labels"];
    assert!(
        labels.as_array().unwrap().iter().any(|l| l == "Label_4"),
        "{labels}"
    );

    // Archived: still stored, no longer in the inbox.
    control.archive(ANA, &shown[3]).unwrap();
    let (added, deleted, changed, _) = sync(&f);
    assert_eq!((added, deleted, changed), (0, 0, 1));
    assert!(row(&offline_inbox(&f), &shown[3]).is_none());

    // Deleted.
    control.delete(ANA, &shown[4]).unwrap();
    let (added, deleted, changed, _) = sync(&f);
    assert_eq!((added, deleted, changed), (0, 1, 0));
    assert!(row(&offline_inbox(&f), &shown[4]).is_none());

    // A new message: fetched once (20 units with 2 for history), shown on top.
    let gets = f.standin.count(Endpoint::MessagesGet);
    let new = control
        .deliver(
            ANA,
            Message::arriving(
                "Marta Nowak <marta.nowak@example.com>",
                "Tomorrow's train",
                "The train leaves at 9:40 from platform 4",
                now_ms(),
            ),
        )
        .unwrap();
    let (added, deleted, changed, units) = sync(&f);
    assert_eq!((added, deleted, changed), (1, 0, 0));
    assert!(units >= 22, "history and one message's metadata: {units}");
    assert_eq!(f.standin.count(Endpoint::MessagesGet), gets + 1);
    let now = offline_inbox(&f);
    assert_eq!(ids(&now)[0], new);
    assert_eq!(now["rows"][0]["subject"], "Tomorrow's train");

    // And once more with nothing new: back to 2 units.
    assert_eq!(sync(&f), (0, 0, 0, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_json_after_google_dropped_the_history_does_one_full_resync() {
    let (f, shown) = listed().await;
    let control = f.standin.mailbox_control();
    control.mark_read(ANA, &shown[0]).unwrap();
    control.expire_history(ANA).unwrap();
    let history = f.standin.count(Endpoint::HistoryList);
    let (code, done, err) = mailglance(&f, &["sync", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        f.standin.count(Endpoint::HistoryList),
        history + 1,
        "one 404"
    );
    assert!(done["units"].as_u64().unwrap() > 2, "{done}");
    assert_eq!(row(&offline_inbox(&f), &shown[0]).unwrap()["unread"], false);
    // The next one is incremental again.
    assert_eq!(sync(&f), (0, 0, 0, 2));
    assert_eq!(f.standin.count(Endpoint::HistoryList), history + 2);
}
