//! `mailglance show` from the real binary: a message read as the reading pane reads it,
//! fetched once (20 units) and kept, so the second time costs nothing and works with
//! Google unreachable; its HTML only ever sanitised; nothing that drives a terminal.

use crate::support::helpers::{ANA, Fixture};
use crate::support::mailglance;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_fetched_once_kept_and_shown_again_offline_for_no_units() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let mailbox = f.standin.mailbox();
    let m = mailbox
        .account(ANA)
        .unwrap()
        .messages
        .iter()
        .find(|m| m.html.is_some() && !m.attachments.is_empty())
        .expect("a demo message with HTML and an attachment")
        .clone();

    let before = f.standin.units_spent(ANA);
    let (code, shown, err) = mailglance(&f, &["show", &m.id, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(f.standin.units_spent(ANA) - before, 20, "one messages.get");
    assert!(err.contains("20 quota units (fetched from Gmail"), "{err}");
    assert_eq!(shown["stored"], false);
    let attachments = shown["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), m.attachments.len());
    assert_eq!(attachments[0]["size"], m.attachments[0].size);
    let html = shown["html"][0].as_str().unwrap().to_ascii_lowercase();
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "{html}"
    );
    assert!(shown["text"][0].as_str().is_some_and(|t| !t.is_empty()));

    // Again, with Google unreachable: from this computer, for nothing.
    f.standin.faults().unreachable(ANA, true);
    let before = f.standin.units_spent(ANA);
    let (code, again, err) = mailglance(&f, &["show", &m.id, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(again["stored"], true);
    assert_eq!(again["units"], 0);
    assert_eq!(f.standin.units_spent(ANA), before);
    assert_eq!(again["subject"], shown["subject"]);
    assert!(
        err.contains("0 quota units (kept on this computer)"),
        "{err}"
    );

    let out = crate::support::command(&f, &["show", &m.id, "--text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let first: String = m.text.chars().take(20).collect();
    assert!(text.contains(first.trim()), "{text}");
    assert!(!text.contains('\u{1b}'), "no escape sequence");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_are_shown_as_text_and_an_id_that_is_not_one_is_refused_before_any_call() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let mailbox = f.standin.mailbox();
    let hostile = mailbox
        .account(ANA)
        .unwrap()
        .messages
        .iter()
        .find(|m| m.header("Subject") == Some(mailglance_standin::HOSTILE_SUBJECT))
        .expect("the demo's hostile message")
        .id
        .clone();
    let out = crate::support::command(&f, &["show", &hostile, "--headers"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let headers = String::from_utf8(out.stdout).unwrap();
    assert!(headers.starts_with("From: "), "{headers}");
    assert!(
        headers
            .lines()
            .any(|l| l.starts_with("Subject: ") && l.contains("<img src=x onerror")),
        "markup shown as text: {headers}"
    );
    assert!(!headers.chars().any(|c| c.is_control() && c != '\n'));

    let before = f.standin.units_spent(ANA);
    let (code, _, err) = mailglance(&f, &["show", "../../etc/passwd"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("mailglance: invalid_message_id: "), "{err}");
    assert_eq!(f.standin.units_spent(ANA), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_attachments_are_byte_identical_and_a_hostile_name_is_cleaned() {
    let f = Fixture::new().await;
    let app = f.app();
    f.sign_in(&app, ANA).await;
    let mut m = mailglance_standin::mailbox::Message::arriving(
        "Ana <ana@example.net>",
        "Your tickets",
        "Both attached.",
        mailglance_standin::mailbox::now_ms(),
    );
    for (name, size) in [("bilet.pdf", 70_001), ("../../.bashrc\u{202E}fdp.exe", 300)] {
        m.attachments.push(mailglance_standin::mailbox::Attachment {
            filename: name.into(),
            mime_type: "application/octet-stream".into(),
            size,
        });
    }
    let id = f.standin.deliver(ANA, m).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A file of that name is already there: kept as it was.
    std::fs::write(dir.path().join("bilet.pdf"), b"mine").unwrap();
    let before = f.standin.units_spent(ANA);
    let out = crate::support::command(&f, &["save-attachments", &id, dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(f.standin.units_spent(ANA) - before, 20);
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(printed.lines().count(), 2, "{printed}");
    let served = f.standin.mailbox();
    let served = served
        .account(ANA)
        .unwrap()
        .messages
        .iter()
        .find(|x| x.id == id)
        .unwrap()
        .clone();
    assert_eq!(
        std::fs::read(dir.path().join("bilet.pdf")).unwrap(),
        b"mine"
    );
    assert_eq!(
        std::fs::read(dir.path().join("bilet (2).pdf")).unwrap(),
        mailglance_standin::attachment_bytes(&served, 1),
        "byte for byte"
    );
    assert_eq!(
        std::fs::read(dir.path().join("bashrcfdp.exe")).unwrap(),
        mailglance_standin::attachment_bytes(&served, 2)
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "nothing written outside the folder: {names:?}"
    );
}
