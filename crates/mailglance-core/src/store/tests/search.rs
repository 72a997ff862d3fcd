//! Searching what is stored: every operator of the local search.

use super::*;

#[test]
fn local_search_answers_each_operator_and_reads_sql_and_fts_syntax_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), "1234").store;
    let with =
        |id: &str, ms: i64, labels: &[&str], from: (&str, &str), subject: &str, snippet: &str| {
            let mut m = message(id, ms, labels);
            m.row.from_name = Some(from.0.into());
            m.row.from_address = from.1.into();
            m.row.subject = Some(subject.into());
            m.row.snippet = snippet.into();
            m
        };
    let day = 86_400_000;
    let now = 1_800_000_000_000;
    let mut sent = with(
        "b",
        now - 40 * day,
        &["SENT", "Label_4"],
        ("Ana Kowalska", "ana@example.com"),
        "Invoice overdue",
        "Please pay; DROP TABLE",
    );
    sent.recipients = "Marta Nowak <marta@example.com>, piotr@example.pl".into();
    put(
        &store,
        &[
            sent,
            with(
                "a",
                now - day,
                &["INBOX", "UNREAD", "STARRED"],
                ("Marta Nowak", "marta@example.com"),
                "Tomorrow's train",
                "Platform 4 at 9:40",
            ),
            with(
                "c",
                now - 2 * day,
                &["INBOX", "SPAM"],
                ("Prize Desk", "win@example.net"),
                "You won",
                "Claim now",
            ),
            with(
                "d",
                now - 3 * day,
                &["INBOX", "IMPORTANT"],
                ("Zoë Bernard", "zoe@example.fr"),
                "Réunion à Kraków",
                "Ordre du jour",
            ),
        ],
    );
    store
        .call_now(|c| {
            let tx = c.transaction()?;
            labels_put(
                &tx,
                &[Label {
                    id: "Label_4".into(),
                    name: "Travel 2026".into(),
                    kind: LabelKind::User,
                    unread: None,
                    total: None,
                }],
            )?;
            tx.commit()
        })
        .unwrap();
    let ids = |q: &str| -> Vec<String> {
        let expr = crate::search::parse(q).unwrap();
        let mut found: Vec<String> = store
            .call_now(move |c| super::messages_matching(c, &expr, &[], now, 0, 50))
            .unwrap()
            .into_iter()
            .map(|m| m.row.id)
            .collect();
        found.sort();
        found
    };
    assert_eq!(ids("train"), ["a"]);
    assert_eq!(ids("\"tomorrow's train\""), ["a"]);
    assert_eq!(ids("from:marta"), ["a"]);
    assert_eq!(ids("from:ana@example.com"), ["b"]);
    assert_eq!(ids("subject:invoice"), ["b"]);
    assert_eq!(ids("krakow"), ["d"], "accents do not matter");
    assert_eq!(ids("is:unread"), ["a"]);
    assert_eq!(ids("is:read"), ["b", "d"]);
    assert_eq!(ids("is:starred"), ["a"]);
    assert_eq!(ids("is:important"), ["d"]);
    assert_eq!(ids("in:inbox"), ["a", "d"], "spam left out");
    assert_eq!(ids("in:sent"), ["b"]);
    assert_eq!(ids("won"), Vec::<String>::new(), "spam left out");
    assert_eq!(ids("in:spam"), ["c"]);
    assert_eq!(ids("in:anywhere won"), ["c"]);
    assert_eq!(ids("label:travel-2026"), ["b"]);
    assert_eq!(ids("label:Label_4"), ["b"]);
    assert_eq!(ids("newer_than:2d"), ["a"]);
    assert_eq!(ids("older_than:30d"), ["b"]);
    // "Now" is 2027-01-15: b is from 2026-12-06, the others from January.
    assert_eq!(ids("after:2027/01/01"), ["a", "d"]);
    assert_eq!(ids("before:2026/12/31"), ["b"]);
    assert_eq!(ids("-from:marta in:inbox"), ["d"]);
    assert_eq!(ids("train OR invoice"), ["a", "b"]);
    // Recipients: every row but b was sent to Jean; b to Marta, with Piotr in copy.
    assert_eq!(ids("to:marta"), ["b"]);
    assert_eq!(ids("to:piotr@example.pl"), ["b"]);
    assert_eq!(ids("to:jean"), ["a", "d"], "spam left out");
    assert_eq!(ids("-to:jean"), ["b"]);
    assert_eq!(ids("piotr"), ["b"], "a word finds a recipient too");
    // SQL and FTS5 syntax is text: found where written, never an error.
    assert_eq!(ids("DROP TABLE"), ["b"]);
    assert_eq!(ids("'; DROP TABLE messages; --"), Vec::<String>::new());
    assert_eq!(ids("\"NEAR(a b)\" * ^ AND:"), Vec::<String>::new());
    assert_eq!(ids(""), ["a", "b", "d"]);
}
