//! Reading messages from the stand-in as Gmail sends them (`format=raw`, 20 units each):
//! every demo message with an HTML part or attachments parses into what the reading pane
//! shows, matching the mailbox the stand-in serves, and its HTML sanitises to something
//! inert.

use mailglance_core::read;

use crate::gmail::Listing;
use crate::helpers::ANA;

#[tokio::test]
async fn raw_messages_parse_into_their_parts_and_attachments_as_the_mailbox_has_them() {
    let l = Listing::new().await;
    let mailbox = l.mailbox();
    let account = mailbox.account(ANA).unwrap();
    // Six with attachments and six with HTML (some may have both).
    let mut chosen: Vec<_> = account
        .messages
        .iter()
        .filter(|m| !m.attachments.is_empty())
        .take(6)
        .collect();
    chosen.extend(
        account
            .messages
            .iter()
            .filter(|m| m.html.is_some() && m.attachments.is_empty())
            .take(6),
    );
    assert!(
        chosen.iter().any(|m| !m.attachments.is_empty()) && chosen.iter().any(|m| m.html.is_some()),
        "the demo has both kinds"
    );
    let before = l.units();
    for m in &chosen {
        let raw = l
            .gmail
            .raw_message(&l.token, &m.id)
            .await
            .unwrap()
            .expect("the message is there");
        let r = read::parse(&raw).expect("a message");
        assert_eq!(r.html.len(), usize::from(m.html.is_some()), "{}", m.id);
        let first_words: String = m.text.chars().take(20).collect();
        assert!(
            r.text
                .first()
                .is_some_and(|t| t.contains(first_words.trim())),
            "{}: {:?}",
            m.id,
            r.text
        );
        let names: Vec<(String, usize)> = r
            .attachments
            .iter()
            .map(|a| (a.name.clone(), a.size))
            .collect();
        let expected: Vec<(String, usize)> = m
            .attachments
            .iter()
            .map(|a| (read::mime::clean_file_name(&a.filename), a.size as usize))
            .collect();
        assert_eq!(names, expected, "{}", m.id);
        assert!(r.from.is_some(), "{}", m.id);
        for html in &r.html {
            let safe = read::sanitise(html);
            assert!(!safe.html.to_ascii_lowercase().contains("<script"));
        }
    }
    assert_eq!(
        l.units() - before,
        20 * chosen.len() as u64,
        "20 units a message, as its metadata"
    );
    let gone = l
        .gmail
        .raw_message(&l.token, "ffffffffffffffff")
        .await
        .unwrap();
    assert!(gone.is_none(), "a message deleted meanwhile is None");
}
