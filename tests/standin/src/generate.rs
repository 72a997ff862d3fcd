//! The demo mailbox, generated deterministically from a seed and an anchor time.
//!
//! Same seed and same anchor give the same mailbox, byte for byte, so tests can
//! pin both. It is not a fixture loader (`mailbox.rs`) and knows nothing of the
//! wire format.
//!
//! Accounts: `ana.kowalska@example.com` (1,200 messages, the big one, with the
//! hostile messages), `jean.dupont@example.org` (150) and
//! `sam.empty@example.net` (no messages, for empty states).

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;

use crate::mailbox::{Account, Attachment, Header, Label, LabelColor, LabelType, Mailbox, Message};

/// The big account's address.
pub const BIG_ACCOUNT: &str = "ana.kowalska@example.com";
/// The small account's address.
pub const SMALL_ACCOUNT: &str = "jean.dupont@example.org";
/// The account with an empty mailbox.
pub const EMPTY_ACCOUNT: &str = "sam.empty@example.net";

/// Subject of the hostile message with markup in subject, sender and snippet.
pub const HOSTILE_SUBJECT: &str = "<img src=x onerror=alert(1)> Invoice <b>overdue</b>";

const SENDERS: &[(&str, &str)] = &[
    ("Marta Wiśniewska", "marta.wisniewska@example.com"),
    ("Piotr Zieliński", "piotr.zielinski@example.org"),
    ("Élodie Martin", "elodie.martin@example.fr"),
    ("François Lefèvre", "f.lefevre@example.org"),
    ("Jürgen Müller", "juergen.mueller@example.de"),
    ("Anja Schröder", "anja.schroeder@example.net"),
    ("田中 花子", "hanako.tanaka@example.jp"),
    ("佐藤 健", "ken.sato@example.jp"),
    ("ليلى حداد", "layla.haddad@example.org"),
    ("Omar Farouk", "omar.farouk@example.net"),
    ("Priya Raman", "priya.raman@example.com"),
    ("John O'Brien", "john.obrien@example.com"),
    ("Sofia García", "sofia.garcia@example.es"),
    ("Nguyễn Văn An", "an.nguyen@example.net"),
    ("Ingrid Johansson", "ingrid.j@example.se"),
    ("GitHub", "noreply@notifications.example.com"),
    ("Allegro Shop", "zamowienia@shop.example.net"),
    ("Air Example", "booking@air.example.org"),
    ("Księgarnia Nowa", "sklep@ksiazki.example.pl"),
    ("Bank Example", "alerts@bank.example.com"),
    ("Newsletter Weekly", "hello@news.example.org"),
    ("Social Network", "notify@social.example.com"),
    ("Forum Rowerowe", "forum@rowery.example.pl"),
];

const SUBJECTS: &[&str] = &[
    "Meeting notes for Thursday",
    "Quarterly report — draft v2",
    "Lunch tomorrow?",
    "Your order #48213 has shipped",
    "Invoice for March",
    "Réunion de lundi : ordre du jour",
    "Facture n° 2024-117",
    "Vos billets pour Lyon",
    "Spotkanie w piątek o 10:00",
    "Zdjęcia z wakacji 🏖️",
    "Zamówienie zostało wysłane",
    "Einladung zur Geburtstagsfeier",
    "Rechnung für Ihre Bestellung",
    "Grüße aus München",
    "来週の打ち合わせについて",
    "お見積もりのご確認",
    "اجتماع الفريق يوم الأحد",
    "تأكيد الحجز",
    "🎉 Congratulations, you're in!",
    "Re: budget & timeline",
    "Flight confirmation: WAW → CDG",
    "Security alert for your account",
    "Weekly digest: 12 new posts",
    "Can you review this PR?",
    "Dinner at Anna's 🍝",
    "Photos from the weekend",
    "Your receipt from Example Café",
    "Nowe książki w tym tygodniu 📚",
    "Wycieczka do Krakowa",
    "Mise à jour de votre compte",
];

const OPENINGS: &[&str] = &[
    "Hi! Just a quick note about Tom & Jerry's plan: we meet at 5 > 4 o'clock, \"sharp\".",
    "Bonjour, voici le compte rendu de la réunion d'hier & les prochaines étapes.",
    "Cześć, przesyłam zdjęcia i listę rzeczy do zabrania — daj znać, czy pasuje.",
    "Hallo, anbei die Unterlagen für nächste Woche. Viele Grüße!",
    "お世話になっております。添付の資料をご確認ください。",
    "مرحبا، يرجى مراجعة المستندات المرفقة قبل الاجتماع.",
    "Your order is on its way. Track it here: <https://shop.example.net/t/48213>",
    "A new sign-in to your account was detected. If this was you, you can ignore this e-mail.",
    "Here's what happened this week: 12 new posts, 3 replies & 1 mention.",
    "Thanks for your payment of €42.50 — your receipt is attached.",
    "Can you take a look before Friday? I've left comments inline <3",
];

/// (id, name, optional (background, text) colour).
type UserLabel = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const USER_LABELS: &[UserLabel] = &[
    ("Label_1", "Receipts", Some(("#16a766", "#ffffff"))),
    ("Label_2", "Travel", None),
    ("Label_3", "Travel/2026", Some(("#4a86e8", "#ffffff"))),
    ("Label_4", "Książki", Some(("#fad165", "#000000"))),
    ("Label_5", "Work", None),
    ("Label_6", "Family & Friends", Some(("#f691b3", "#000000"))),
];

const ATTACHMENTS: &[(&str, &str)] = &[
    ("invoice-2025-03.pdf", "application/pdf"),
    ("zdjęcie_plaża.jpg", "image/jpeg"),
    ("Reçu.pdf", "application/pdf"),
    (
        "レポート.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "agenda.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("boarding-pass.pdf", "application/pdf"),
];

/// Generates the demo mailbox for `seed`, with the newest messages just before `now`.
pub fn demo_mailbox(seed: u64, now: DateTime<Utc>) -> Mailbox {
    demo_mailbox_sized(seed, now, BIG_ACCOUNT_MESSAGES)
}

/// How many messages [`BIG_ACCOUNT`] has in the demo mailbox.
pub const BIG_ACCOUNT_MESSAGES: usize = 1200;

/// The demo mailbox with `big` messages in [`BIG_ACCOUNT`] (benchmarks want more).
pub fn demo_mailbox_sized(seed: u64, now: DateTime<Utc>, big: usize) -> Mailbox {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut accounts = vec![
        account(&mut rng, BIG_ACCOUNT, "Ana Kowalska", big, now, true),
        account(&mut rng, SMALL_ACCOUNT, "Jean Dupont", 150, now, false),
        account(&mut rng, EMPTY_ACCOUNT, "Sam Nowak", 0, now, false),
    ];
    accounts[2].picture.clear();
    let mut mailbox = Mailbox { accounts };
    mailbox.normalise();
    mailbox
}

fn account(
    rng: &mut ChaCha8Rng,
    email: &str,
    name: &str,
    count: usize,
    now: DateTime<Utc>,
    hostile: bool,
) -> Account {
    let labels: Vec<Label> = USER_LABELS
        .iter()
        .map(|(id, name, color)| Label {
            id: (*id).into(),
            name: (*name).into(),
            kind: LabelType::User,
            message_list_visibility: Some("show".into()),
            label_list_visibility: Some("labelShow".into()),
            color: color.map(|(bg, fg)| LabelColor {
                background_color: bg.into(),
                text_color: fg.into(),
            }),
        })
        .collect();

    // Ages in seconds, skewed towards recent mail; the first few are minutes old so
    // "today" always has mail when the anchor is the real current time.
    let five_years = 5.0 * 365.0 * 24.0 * 3600.0_f64;
    let mut ages: Vec<i64> = (0..count)
        .map(|i| match i {
            0 => 7 * 60,
            1 => 48 * 60,
            2 => 3 * 3600,
            _ => (rng.r#gen::<f64>().powi(3) * five_years) as i64 + 600,
        })
        .collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));

    let mut messages: Vec<Message> = Vec::with_capacity(count);
    // (thread id, subject, last message index) of recent threads replies may join.
    let mut threads: Vec<(String, String)> = Vec::new();
    let mut last_id: u64 = 0;
    for age in ages {
        let date = now - Duration::seconds(age);
        let ms = date.timestamp_millis();
        // Gmail ids grow with time: milliseconds in the high bits, noise in the low ones.
        let mut id_num = ((ms as u64) << 20) | rng.gen_range(0..(1u64 << 20));
        if id_num <= last_id {
            id_num = last_id + 1;
        }
        last_id = id_num;
        let id = format!("{id_num:016x}");
        let mut m = ordinary_message(rng, (email, name), &id, (ms, now), &labels);
        if !threads.is_empty() && rng.gen_bool(0.25) {
            let pick = threads.len() - 1 - rng.gen_range(0..threads.len().min(8));
            let (thread_id, subject) = threads[pick].clone();
            m.thread_id = thread_id;
            set_header(&mut m, "Subject", &format!("Re: {subject}"));
        } else {
            threads.push((
                id.clone(),
                m.header("Subject").unwrap_or_default().to_string(),
            ));
        }
        messages.push(m);
    }

    if hostile && messages.len() > 40 {
        // Recent enough to show on the first page of the inbox.
        let n = messages.len();
        for (k, make) in HOSTILE.iter().enumerate() {
            let m = &mut messages[n - 5 - k * 2];
            make(m);
            m.label_ids
                .retain(|l| l != "SPAM" && l != "TRASH" && l != "DRAFT" && l != "SENT");
            if !m.has_label("INBOX") {
                m.label_ids.insert(0, "INBOX".into());
            }
        }
    }

    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    Account {
        email: email.into(),
        name: name.into(),
        given_name: given.into(),
        family_name: family.into(),
        sub: crate::mailbox::sub_for(email),
        picture: format!(
            "https://example.com/avatars/{}.png",
            email.replace('@', "_")
        ),
        labels,
        messages,
        history_id: 0,
        history_floor: 0,
    }
}

fn ordinary_message(
    rng: &mut ChaCha8Rng,
    (me, my_name): (&str, &str),
    id: &str,
    (ms, now): (i64, DateTime<Utc>),
    labels: &[Label],
) -> Message {
    let (sender_name, sender) = SENDERS.choose(rng).copied().unwrap_or(SENDERS[0]);
    let subject = SUBJECTS.choose(rng).copied().unwrap_or(SUBJECTS[0]);
    let opening = OPENINGS.choose(rng).copied().unwrap_or(OPENINGS[0]);
    let roll: f64 = rng.r#gen();
    let outgoing = roll < 0.10;
    let mut label_ids: Vec<String> = Vec::new();
    let (from, to) = if outgoing {
        (
            format!("{my_name} <{me}>"),
            format!("{sender_name} <{sender}>"),
        )
    } else {
        (
            format!("{sender_name} <{sender}>"),
            format!("{my_name} <{me}>"),
        )
    };
    if outgoing {
        label_ids.push(if roll < 0.02 { "DRAFT" } else { "SENT" }.into());
    } else if roll < 0.13 {
        label_ids.push("SPAM".into());
    } else if roll < 0.16 {
        label_ids.push("TRASH".into());
    } else {
        if roll > 0.24 {
            label_ids.push("INBOX".into());
        }
        let category = match rng.gen_range(0..20) {
            0..=9 => "CATEGORY_PERSONAL",
            10..=13 => "CATEGORY_UPDATES",
            14..=16 => "CATEGORY_PROMOTIONS",
            17..=18 => "CATEGORY_SOCIAL",
            _ => "CATEGORY_FORUMS",
        };
        label_ids.push(category.into());
        let recent = now.timestamp_millis() - ms < 7 * 24 * 3600 * 1000;
        if rng.gen_bool(if recent { 0.6 } else { 0.08 }) {
            label_ids.push("UNREAD".into());
        }
        if rng.gen_bool(0.2) {
            label_ids.push("IMPORTANT".into());
        }
    }
    if rng.gen_bool(0.05) {
        label_ids.push("STARRED".into());
    }
    if rng.gen_bool(0.18) {
        let label = labels.choose(rng).map(|l| l.id.clone()).unwrap_or_default();
        label_ids.push(label);
    }
    let attachments = if rng.gen_bool(0.1) {
        let (filename, mime) = ATTACHMENTS.choose(rng).copied().unwrap_or(ATTACHMENTS[0]);
        vec![Attachment {
            filename: filename.into(),
            mime_type: mime.into(),
            size: rng.gen_range(2_000..900_000),
        }]
    } else {
        Vec::new()
    };
    let text = format!(
        "{opening}\r\n\r\nBest regards,\r\n{}\r\n",
        if outgoing { my_name } else { sender_name }
    );
    let html = format!(
        "<div dir=\"auto\"><p>{}</p><p>Best regards,<br>{}</p></div>",
        escape_html(opening),
        escape_html(if outgoing { my_name } else { sender_name })
    );
    let date = DateTime::from_timestamp_millis(ms).unwrap_or_default();
    Message {
        id: id.into(),
        thread_id: id.into(),
        label_ids,
        snippet: String::new(),
        history_id: 0,
        internal_date: ms,
        headers: vec![
            Header {
                name: "MIME-Version".into(),
                value: "1.0".into(),
            },
            Header {
                name: "Date".into(),
                value: date.to_rfc2822(),
            },
            Header {
                name: "Message-ID".into(),
                value: format!("<{id}.standin@mail.example.com>"),
            },
            Header {
                name: "Subject".into(),
                value: subject.into(),
            },
            Header {
                name: "From".into(),
                value: from,
            },
            Header {
                name: "To".into(),
                value: to,
            },
        ],
        text,
        html: Some(html),
        attachments,
    }
}

fn set_header(m: &mut Message, name: &str, value: &str) {
    match m
        .headers
        .iter_mut()
        .find(|h| h.name.eq_ignore_ascii_case(name))
    {
        Some(h) => h.value = value.into(),
        None => m.headers.push(Header {
            name: name.into(),
            value: value.into(),
        }),
    }
}

fn set_text(m: &mut Message, text: &str) {
    m.text = text.into();
    m.html = Some(format!("<p>{}</p>", escape_html(text)));
    m.snippet.clear();
}

type Hostile = fn(&mut Message);

/// Messages a client must show as plain text and survive.
const HOSTILE: &[Hostile] = &[
    |m| {
        set_header(m, "Subject", HOSTILE_SUBJECT);
        set_header(
            m,
            "From",
            "\"<script>alert('from')</script>\" <evil@attacker.example.net>",
        );
        set_text(
            m,
            "<b>bold</b> <script>alert(\"snippet\")</script> & more <img src=x onerror=alert(2)>",
        );
    },
    |m| {
        let long = "A very long subject that keeps going ".repeat(20);
        set_header(m, "Subject", long.trim_end());
    },
    |m| set_header(m, "Subject", ""),
    |m| {
        m.headers
            .retain(|h| !h.name.eq_ignore_ascii_case("Subject"));
        set_text(m, "This message has no Subject header at all.");
    },
    |m| {
        set_header(
            m,
            "From",
            "\"=?UTF-8?Q?Andr=C3=A9_Dupont?=\" <andre.dupont@example.org>",
        )
    },
    |m| {
        set_header(m, "From", "\"Kowalski, Jan\" <jan.kowalski@example.com>");
        set_header(m, "Subject", "Tom &amp; Jerry: already escaped &lt;3");
    },
    |m| {
        set_header(m, "Subject", "‏مرحبا‎ RTL ↔ LTR mix: שלום 👋🏽 日本語");
    },
];

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-05-01T12:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn the_same_seed_and_anchor_give_the_same_mailbox() {
        let a = serde_json::to_string(&demo_mailbox(7, anchor())).unwrap();
        let b = serde_json::to_string(&demo_mailbox(7, anchor())).unwrap();
        assert_eq!(a, b);
        let c = serde_json::to_string(&demo_mailbox(8, anchor())).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn the_big_account_has_1200_unique_gmail_style_ids_newest_first() {
        let mailbox = demo_mailbox(7, anchor());
        let big = mailbox.account(BIG_ACCOUNT).unwrap();
        assert_eq!(big.messages.len(), 1200);
        let mut ids: Vec<&str> = big.messages.iter().map(|m| m.id.as_str()).collect();
        assert!(ids.iter().all(|id| {
            id.len() == 16
                && id
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }));
        assert!(
            big.messages
                .windows(2)
                .all(|w| w[0].internal_date >= w[1].internal_date)
        );
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 1200);
        assert_eq!(mailbox.account(SMALL_ACCOUNT).unwrap().messages.len(), 150);
    }

    #[test]
    fn the_demo_mailbox_holds_hostile_and_varied_messages() {
        let mailbox = demo_mailbox(7, anchor());
        let big = mailbox.account(BIG_ACCOUNT).unwrap();
        let subject = |s: &str| big.messages.iter().any(|m| m.header("Subject") == Some(s));
        assert!(subject(HOSTILE_SUBJECT));
        assert!(subject(""));
        assert!(big.messages.iter().any(|m| m.header("Subject").is_none()));
        assert!(big.messages.iter().any(|m| !m.attachments.is_empty()));
        assert!(big.messages.iter().any(|m| m.thread_id != m.id));
        assert!(big.messages.iter().any(|m| m.snippet.contains('&')));
        for label in [
            "UNREAD",
            "STARRED",
            "IMPORTANT",
            "SPAM",
            "TRASH",
            "SENT",
            "Label_4",
        ] {
            assert!(big.messages.iter().any(|m| m.has_label(label)), "{label}");
        }
        let newest = big.messages[0].internal_date;
        assert!(anchor().timestamp_millis() - newest < 3600 * 1000);
        assert!(
            big.messages
                .iter()
                .all(|m| m.internal_date <= anchor().timestamp_millis())
        );
    }
}
