//! End-to-end: what the window says about the mail stored on this computer.

use mailglance_e2e::{App, Launch, home_for, standin_binary};
use mailglance_standin::{Options, StandIn};

#[tokio::test]
async fn a_corrupt_store_is_set_aside_with_a_note_that_stays_while_gmail_fills_the_list() {
    let standin = StandIn::start(Options::default()).await.unwrap();
    let browser = standin_binary().display().to_string();
    let app = App::start_in(home_for(&standin, &[&browser]), Launch::default()).await;
    app.click("#sign-in").await;
    app.wait_visible(".row").await;
    let home = app.quit().await;

    // The account's store, overwritten with junk while the app was closed.
    let mail = home.path().join("data/mail");
    let store = std::fs::read_dir(&mail)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .expect("the account's store");
    std::fs::write(&store, vec![0x5a_u8; 64 * 1024]).unwrap();
    // Its journal too (the app's process was ended, so its last writes are still there).
    for suffix in ["-wal", "-shm"] {
        let mut journal = store.clone().into_os_string();
        journal.push(suffix);
        let _ = std::fs::remove_file(journal);
    }

    let app = App::start_in(home, Launch::default()).await;
    app.wait_visible(".row").await;
    app.wait_text_containing("#list-status", "Updated").await;
    let note = app
        .wait_text_containing("#store-note-text", "could not be read")
        .await;
    assert!(note.contains(".corrupt-"), "{note}");
    assert!(note.contains("will be fetched from Gmail again"), "{note}");
    let aside = std::fs::read_dir(&mail)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .count();
    assert_eq!(aside, 1, "the old file kept beside the new one");
    app.screenshot("store-set-aside").await;
    app.click("#store-note-close").await;
    app.wait_hidden("#store-note").await;
    app.quit().await;
    standin.shutdown().await;
}
