//! The store on a disk that fills up, from the real binary: a small tmpfs mounted over
//! the store's folder in a mount namespace of the test's own (`unshare`), so the disk
//! is really full, not pretended.

use std::process::Command;

use crate::support::helpers::{ANA, Fixture};
use crate::support::{ids, with_env};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_leaves_the_list_working_from_gmail_with_a_note_and_the_store_intact() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let mail = f.paths.data_dir.join("mail");
    std::fs::create_dir_all(&mail).unwrap();
    let out = tempfile::tempdir().unwrap();
    // In the namespace: a 512 KiB disk for the store; a first page of 5 stored; the disk
    // filled to the last block; then a page of 50 (45 never seen); room made again, and
    // the store read back offline.
    let script = r#"
        mount -t tmpfs -o size=512k,mode=0700 tmpfs "$1" || exit 97
        "$2" list --label INBOX --max 5 --json > "$3/first.json" || exit 98
        dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
        "$2" list --label INBOX --max 50 --json > "$3/full.json" 2> "$3/full.err" || exit 99
        rm "$1/filler"
        exec "$2" list --offline --label INBOX --max 50 --json > "$3/offline.json"
    "#;
    let mut c = Command::new("unshare");
    c.args(["--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .arg(&mail)
        .arg(env!("CARGO_BIN_EXE_mailglance"))
        .arg(out.path());
    let status = with_env(&f, c).status().expect("unshare (util-linux) runs");
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap_or_default();
    assert_ne!(
        status.code(),
        Some(97),
        "this test mounts a small file system in a mount namespace of its own: \
         `unshare --map-root-user --mount` needs user namespaces"
    );
    assert!(status.success(), "{status}: {}", read("full.err"));
    let json = |name: &str| -> serde_json::Value { serde_json::from_str(&read(name)).unwrap() };

    // The page came from Gmail, complete, and the person is told in one sentence.
    let full = json("full.json");
    assert_eq!(ids(&full).len(), 50);
    assert_eq!(full["asOfMs"], serde_json::Value::Null, "fresh from Gmail");
    let err = read("full.err");
    assert!(
        err.contains(
            "mailglance: Mail could not be stored on this computer (the disk is full): \
             Mailglance works from Gmail until it can."
        ),
        "{err}"
    );
    // What was stored before the disk filled is still there, as it was, once there is
    // room again: nothing was set aside or deleted.
    let first = json("first.json");
    let offline = json("offline.json");
    assert_eq!(ids(&offline), ids(&first));
}
