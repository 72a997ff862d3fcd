//! `mailglance watch` from the real binary: new inbox mail delivered at the stand-in
//! while it runs is printed within two intervals, other mail is not, and Ctrl-C ends it.
//! Multi-threaded runtimes: the stand-in must keep serving while the binary runs.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use mailglance_standin::mailbox::{Message, now_ms};

use crate::support::helpers::{ANA, Fixture};
use crate::support::{command, mailglance};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_json_prints_new_inbox_mail_within_two_intervals_and_ctrl_c_ends_it() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let (code, _, err) = mailglance(&f, &["list", "--label", "INBOX", "--max", "10"]);
    assert_eq!(code, 0, "{err}");

    let mut watch = command(&f, &["watch", "--json", "--interval", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, printed) = mpsc::channel();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut stderr = BufReader::new(watch.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(
        first.starts_with(&format!("Watching {ANA} every 1 s")),
        "{first}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // New inbox mail, and mail that is not: archived at once, spam.
    let control = f.standin.mailbox_control();
    let arriving = |subject: &str| {
        Message::arriving(
            "Marta Nowak <marta.nowak@example.com>",
            subject,
            "Hello",
            now_ms(),
        )
    };
    let archived = control.deliver(ANA, arriving("Archived at once")).unwrap();
    control.archive(ANA, &archived).unwrap();
    let spam = control.deliver(ANA, arriving("You won")).unwrap();
    control.add_label(ANA, &spam, "SPAM").unwrap();
    let new = control.deliver(ANA, arriving("Tomorrow's train")).unwrap();

    let line = printed
        .recv_timeout(Duration::from_secs(2 + 2))
        .expect("a line within two intervals (and a second for the sync itself)");
    let row: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(row["id"], new.as_str());
    assert_eq!(row["account"], ANA);
    assert_eq!(row["subject"], "Tomorrow's train");
    assert_eq!(row["fromName"], "Marta Nowak");
    assert!(
        printed.recv_timeout(Duration::from_secs(3)).is_err(),
        "only the new inbox message is printed, once"
    );

    // Ctrl-C: ends at once, cleanly.
    let status = std::process::Command::new("kill")
        .args(["-INT", &watch.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let code = loop {
        if let Some(s) = watch.try_wait().unwrap() {
            break s.code();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "watch did not end on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
}
