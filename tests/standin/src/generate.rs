//! The demo mailbox, generated deterministically from a seed and an anchor time.
//!
//! Same seed and same anchor give the same mailbox, byte for byte, so tests can
//! pin both. It is not a fixture loader (`mailbox.rs`) and knows nothing of the
//! wire format.
//!
//! Accounts: `ana.kowalska@example.com` (1,200 messages, the big one, with the
//! hostile messages), `jean.dupont@example.org` (150) and
//! `sam.empty@example.net` (no messages, for empty states).
//!
//! It reads like a real mailbox. Mail arrives as it does: a few messages an hour in the
//! working day, fewer in the evening, at night and at weekends (the owners' clock is
//! UTC+1), thinning out with age back over about five years; the newest message is
//! minutes old and the ones before it minutes to hours apart, never three in one minute.
//! Each message comes whole from one template (`generate/templates.rs`): subject, body,
//! sender, category, user label and attachment belong together. Conversations between
//! people grow into threads whose "Re:" replies alternate between the two parties;
//! newsletters, promotions, social and forum mail carry their CATEGORY_* label; spam and
//! trash are at most 30 days old, as Gmail empties them. The hostile messages sit on the
//! first inbox page of the big account.

mod templates;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;

use crate::mailbox::{Account, Attachment, Header, Label, LabelColor, LabelType, Mailbox, Message};
use templates::{Kind, Lang, PEOPLE, Party, TEMPLATES, Template, sign_off};

/// The big account's address.
pub const BIG_ACCOUNT: &str = "ana.kowalska@example.com";
/// The small account's address.
pub const SMALL_ACCOUNT: &str = "jean.dupont@example.org";
/// The account with an empty mailbox.
pub const EMPTY_ACCOUNT: &str = "sam.empty@example.net";

/// Subject of the hostile message with markup in subject, sender and snippet.
pub const HOSTILE_SUBJECT: &str = "<img src=x onerror=alert(1)> Invoice <b>overdue</b>";

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

/// Messages a day in the newest days of the big account (older mail is sparser).
const BIG_PER_DAY: f64 = 36.0;
/// The same for the small account.
const SMALL_PER_DAY: f64 = 10.0;
/// How far back a mailbox goes, in days.
const SPAN_DAYS: f64 = 5.0 * 365.0;
/// The owners' clock, in hours from UTC: the daily rhythm follows it.
const HOME_UTC_OFFSET_HOURS: i64 = 1;
/// How much mail arrives in each local hour, relative to the others (index 0: midnight).
const HOURLY: [f64; 24] = [
    0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.9, 1.5, 1.9, 1.9, 1.8, 1.5, 1.7, 1.8, 1.7, 1.5, 1.2,
    0.9, 0.8, 0.7, 0.55, 0.4, 0.25,
];
/// A Saturday or Sunday gets this share of a weekday's mail.
const WEEKEND: f64 = 0.5;
/// Consecutive messages are at least this far apart, so no minute holds more than two.
const MIN_GAP_SECONDS: f64 = 40.0;
/// A thread takes replies for this long after its last message.
const THREAD_OPEN_MS: i64 = 3 * DAY_MS;
/// The chance that a message is a reply in an open thread, when there is one.
const REPLY_SHARE: f64 = 0.35;
/// Gmail deletes spam and trash after this long.
const SPAM_AND_TRASH_KEPT_MS: i64 = 30 * DAY_MS;
const DAY_MS: i64 = 24 * 3600 * 1000;

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
        account(
            &mut rng,
            (BIG_ACCOUNT, "Ana Kowalska"),
            (big, BIG_PER_DAY),
            now,
            true,
        ),
        account(
            &mut rng,
            (SMALL_ACCOUNT, "Jean Dupont"),
            (150, SMALL_PER_DAY),
            now,
            false,
        ),
        account(&mut rng, (EMPTY_ACCOUNT, "Sam Nowak"), (0, 0.0), now, false),
    ];
    accounts[2].picture.clear();
    let mut mailbox = Mailbox { accounts };
    mailbox.normalise();
    mailbox
}

/// Someone in a From or To header.
#[derive(Debug, Clone, Copy)]
struct Who<'a> {
    name: &'a str,
    address: &'a str,
}

impl Who<'_> {
    fn header(&self) -> String {
        format!("{} <{}>", self.name, self.address)
    }
}

/// A conversation that may still get a reply.
struct Thread {
    id: String,
    template: &'static Template,
    vars: Vars,
    subject: String,
    contact: Who<'static>,
    lang: Lang,
    /// Whether the account's owner wrote the last message (the next one is the contact's).
    owner_last: bool,
    last_ms: i64,
    last_from: String,
    last_body: String,
    /// Message-IDs so far, oldest first (the References header).
    references: Vec<String>,
    replies_left: u8,
    label: Option<String>,
}

fn account(
    rng: &mut ChaCha8Rng,
    (email, name): (&str, &str),
    (count, per_day): (usize, f64),
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

    let owner = Who {
        name,
        address: email,
    };
    let times = arrival_times(rng, now, count, per_day);
    let n = times.len();
    // Recent enough to show on the first page of the inbox.
    let hostile_slots: Vec<usize> = if hostile && n > 40 {
        (0..HOSTILE.len()).map(|k| n - 5 - k * 2).collect()
    } else {
        Vec::new()
    };
    let mut messages: Vec<Message> = Vec::with_capacity(n);
    let mut threads: Vec<Thread> = Vec::new();
    let mut last_id: u64 = 0;
    for (i, &ms) in times.iter().enumerate() {
        // Gmail ids grow with time: milliseconds in the high bits, noise in the low ones.
        let mut id_num = ((ms as u64) << 20) | rng.gen_range(0..(1u64 << 20));
        if id_num <= last_id {
            id_num = last_id + 1;
        }
        last_id = id_num;
        let id = format!("{id_num:016x}");
        let at = Arrival { id: &id, ms, now };
        let message = if let Some(k) = hostile_slots.iter().position(|&s| s == i) {
            hostile_message(rng, owner, at, k)
        } else {
            threads.retain(|t| t.replies_left > 0 && ms - t.last_ms < THREAD_OPEN_MS);
            if !threads.is_empty() && rng.gen_bool(REPLY_SHARE) {
                let k = rng.gen_range(0..threads.len());
                reply(rng, &mut threads[k], owner, at)
            } else {
                let (message, thread) = new_message(rng, owner, at);
                threads.extend(thread);
                message
            }
        };
        messages.push(message);
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
        history: Vec::new(),
    }
}

/// When mail arrives: `count` times (epoch ms), oldest first, the newest minutes before `now`.
///
/// Each age is drawn from one density over the last [`SPAN_DAYS`]: it follows the hour of
/// the day and the day of the week and falls off with age as `1 / (1 + age / tau)`, with
/// `tau` such that the newest days get about `per_day` messages a day (a Poisson process
/// with that rate, given its count). Consecutive messages are [`MIN_GAP_SECONDS`] apart.
fn arrival_times(rng: &mut ChaCha8Rng, now: DateTime<Utc>, count: usize, per_day: f64) -> Vec<i64> {
    if count == 0 {
        return Vec::new();
    }
    let span = SPAN_DAYS * 86_400.0;
    // So many messages that they fill the whole span at this rate: arrive faster.
    let per_day = per_day.max(count as f64 / (0.9 * SPAN_DAYS));
    let tau = decay_days(count as f64 / per_day, SPAN_DAYS) * 86_400.0;
    let mean_hour = HOURLY.iter().sum::<f64>() / 24.0;
    let peak = HOURLY.iter().copied().fold(0.0, f64::max) / mean_hour;
    let rhythm = |age: f64| {
        let at = now - Duration::milliseconds((age * 1000.0) as i64)
            + Duration::hours(HOME_UTC_OFFSET_HOURS);
        let day = if at.weekday().number_from_monday() > 5 {
            WEEKEND
        } else {
            1.0
        };
        HOURLY[at.hour() as usize] / mean_hour * day
    };
    // Ages in seconds. The newest is minutes old, so "today" always has mail when the
    // anchor is the real current time; the others are older.
    let newest: f64 = rng.gen_range(180.0..2400.0);
    let (low, high) = (1.0 + newest / tau, 1.0 + span / tau);
    let mut ages: Vec<f64> = Vec::with_capacity(count);
    while ages.len() < count - 1 {
        // The decay by inverting its distribution function, the rhythm by rejection.
        let u: f64 = rng.r#gen();
        let age = tau * (low * (high / low).powf(u) - 1.0);
        let keep: f64 = rng.r#gen();
        if keep * peak < rhythm(age) {
            ages.push(age);
        }
    }
    ages.sort_by(f64::total_cmp);
    ages.insert(0, newest);
    for i in 1..ages.len() {
        ages[i] = ages[i].max(ages[i - 1] + MIN_GAP_SECONDS);
    }
    let now_ms = now.timestamp_millis();
    ages.iter()
        .rev()
        .map(|age| now_ms - (age * 1000.0) as i64)
        .collect()
}

/// The `tau` (days) for which `tau * ln(1 + span / tau)`, the count a rate of one a day
/// decaying as `1 / (1 + age / tau)` gives over `span` days, is `need`.
fn decay_days(need: f64, span: f64) -> f64 {
    let (mut lo, mut hi) = (1e-6_f64, 1e9_f64);
    for _ in 0..200 {
        let mid = (lo * hi).sqrt();
        if mid * (1.0 + span / mid).ln() < need {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Where a message goes in the mailbox: its id and time, and the mailbox's "now".
#[derive(Debug, Clone, Copy)]
struct Arrival<'a> {
    id: &'a str,
    ms: i64,
    now: DateTime<Utc>,
}

impl Arrival<'_> {
    fn age_ms(&self) -> i64 {
        self.now.timestamp_millis() - self.ms
    }
    fn date(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.ms).unwrap_or_default()
    }
    fn message_id(&self) -> String {
        format!("<{}.standin@mail.example.com>", self.id)
    }
}

/// The values a template's placeholders take in one message (and its replies).
#[derive(Debug, Clone)]
struct Vars {
    n: u32,
    order: u32,
    cents: u32,
    code: u32,
    reference: String,
}

impl Vars {
    fn new(rng: &mut ChaCha8Rng) -> Vars {
        const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        Vars {
            n: rng.gen_range(2..=40),
            order: rng.gen_range(10_000..100_000),
            cents: rng.gen_range(350..30_000),
            code: rng.gen_range(1000..10_000),
            reference: (0..6)
                .map(|_| char::from(LETTERS[rng.gen_range(0..LETTERS.len())]))
                .collect(),
        }
    }

    fn fill(&self, text: &str) -> String {
        let (units, cents) = (self.cents / 100, self.cents % 100);
        text.replace("{n}", &self.n.to_string())
            .replace("{order}", &self.order.to_string())
            .replace("{amount}", &format!("{units}.{cents:02}"))
            .replace("{amount_eu}", &format!("{units},{cents:02}"))
            .replace("{code}", &self.code.to_string())
            .replace("{ref}", &self.reference)
    }
}

/// A template by weight; spam only while Gmail would still keep it.
fn pick_template(rng: &mut ChaCha8Rng, spam_kept: bool) -> &'static Template {
    let eligible = || {
        TEMPLATES
            .iter()
            .filter(move |t| spam_kept || t.kind != Kind::Spam)
    };
    let total: f64 = eligible().map(|t| t.weight).sum();
    let mut x = rng.r#gen::<f64>() * total;
    let mut last = &TEMPLATES[0];
    for t in eligible() {
        if x < t.weight {
            return t;
        }
        x -= t.weight;
        last = t;
    }
    last
}

fn pick_person(rng: &mut ChaCha8Rng, lang: Lang) -> Who<'static> {
    let people: Vec<_> = PEOPLE.iter().filter(|p| p.2 == lang).collect();
    let (name, address, _) = people.choose(rng).copied().unwrap_or(&PEOPLE[0]);
    Who { name, address }
}

/// The template's user label, if the owner filed this message; "Travel" mail of 2026
/// goes to its child label "Travel/2026".
fn file(rng: &mut ChaCha8Rng, t: &Template, at: Arrival<'_>) -> Option<String> {
    let (id, share) = t.label?;
    if !rng.gen_bool(share) {
        return None;
    }
    Some(if id == "Label_2" && at.date().year() == 2026 {
        "Label_3".into()
    } else {
        id.into()
    })
}

/// Labels of a message someone sent the owner (user label not included).
fn received_labels(
    rng: &mut ChaCha8Rng,
    t: &Template,
    at: Arrival<'_>,
    always_inbox: bool,
) -> Vec<String> {
    let recent = at.age_ms() < 7 * DAY_MS;
    let mut labels: Vec<&str> = Vec::new();
    if t.kind == Kind::Spam {
        labels.push("SPAM");
        if rng.gen_bool(0.8) {
            labels.push("UNREAD");
        }
        return labels.into_iter().map(String::from).collect();
    }
    let roll: f64 = rng.r#gen();
    if always_inbox {
        labels.push("INBOX");
    } else if roll < 0.04 && at.age_ms() < SPAM_AND_TRASH_KEPT_MS {
        labels.push("TRASH");
    } else if roll > 0.14 {
        // The rest was read and archived.
        labels.push("INBOX");
    }
    labels.push(t.category);
    let unread = match (recent, t.kind.is_bulk()) {
        (true, true) => 0.75,
        (true, false) => 0.55,
        (false, true) => 0.3,
        (false, false) => 0.06,
    };
    if rng.gen_bool(unread) {
        labels.push("UNREAD");
    }
    if rng.gen_bool(t.kind.importance()) {
        labels.push("IMPORTANT");
    }
    if rng.gen_bool(0.04) {
        labels.push("STARRED");
    }
    labels.into_iter().map(String::from).collect()
}

fn attachments(rng: &mut ChaCha8Rng, t: &Template) -> Vec<Attachment> {
    let (share, files) = t.attachments;
    if files.is_empty() || !rng.gen_bool(share) {
        return Vec::new();
    }
    let (filename, mime) = files.choose(rng).copied().unwrap_or(files[0]);
    vec![Attachment {
        filename: filename.into(),
        mime_type: mime.into(),
        size: rng.gen_range(2_000..900_000),
    }]
}

/// Plain text and HTML of a person's message, signed, with the message it answers quoted.
fn personal_bodies(
    body: &str,
    lang: Lang,
    signer: &str,
    quote: Option<(&Thread, DateTime<Utc>)>,
) -> (String, String) {
    let sign = sign_off(lang);
    let mut text = format!("{body}\r\n\r\n{sign}\r\n{signer}\r\n");
    let mut html = format!(
        "<div dir=\"auto\"><p>{}</p><p>{}<br>{}</p></div>",
        escape_html(body),
        escape_html(sign),
        escape_html(signer)
    );
    if let Some((thread, date)) = quote {
        let wrote = format!("On {}, {} wrote:", date.to_rfc2822(), thread.last_from);
        text.push_str(&format!("\r\n{wrote}\r\n> {}\r\n", thread.last_body));
        html.push_str(&format!(
            "<div class=\"gmail_quote\"><p>{}</p><blockquote>{}</blockquote></div>",
            escape_html(&wrote),
            escape_html(&thread.last_body)
        ));
    }
    (text, html)
}

/// Plain text and HTML of a service's message.
fn service_bodies(body: &str, footer: &str) -> (String, String) {
    (
        format!("{body}\r\n\r\n{footer}\r\n"),
        format!(
            "<div dir=\"auto\"><p>{}</p><p style=\"color:#5f6368;font-size:small\">{}</p></div>",
            escape_html(body),
            escape_html(footer)
        ),
    )
}

/// Headers and parts of a message.
struct Parts {
    subject: String,
    from: String,
    to: String,
    extra: Vec<Header>,
    labels: Vec<String>,
    bodies: (String, String),
    attachments: Vec<Attachment>,
}

fn build(at: Arrival<'_>, thread_id: &str, parts: Parts) -> Message {
    let header = |name: &str, value: String| Header {
        name: name.into(),
        value,
    };
    let mut headers = vec![
        header("MIME-Version", "1.0".into()),
        header("Date", at.date().to_rfc2822()),
        header("Message-ID", at.message_id()),
        header("Subject", parts.subject),
        header("From", parts.from),
        header("To", parts.to),
    ];
    headers.extend(parts.extra);
    Message {
        id: at.id.into(),
        thread_id: thread_id.into(),
        label_ids: parts.labels,
        snippet: String::new(),
        history_id: 0,
        internal_date: at.ms,
        headers,
        text: parts.bodies.0,
        html: Some(parts.bodies.1),
        attachments: parts.attachments,
    }
}

/// A message that starts a thread: from a template, sent to the owner or (for
/// conversations, sometimes) written by the owner. Returns the thread if it may get replies.
fn new_message(rng: &mut ChaCha8Rng, owner: Who<'_>, at: Arrival<'_>) -> (Message, Option<Thread>) {
    let t = pick_template(rng, at.age_ms() < SPAM_AND_TRASH_KEPT_MS);
    let vars = Vars::new(rng);
    let subject = vars.fill(t.subject);
    let body = vars.fill(t.bodies.choose(rng).copied().unwrap_or_default());
    let lang = match t.from {
        Party::Person(lang) => lang,
        Party::Service(name, address) => {
            let mut labels = received_labels(rng, t, at, false);
            labels.extend(file(rng, t, at));
            let parts = Parts {
                subject,
                from: Who { name, address }.header(),
                to: owner.header(),
                extra: Vec::new(),
                labels,
                bodies: service_bodies(&body, t.footer),
                attachments: attachments(rng, t),
            };
            return (build(at, at.id, parts), None);
        }
    };
    let contact = pick_person(rng, lang);
    let roll: f64 = rng.r#gen();
    let by_owner = roll < 0.25;
    let (mut labels, replies_left) = if by_owner {
        // A few of the owner's messages are still drafts: never sent, never answered.
        let draft = roll < 0.03;
        let label = if draft { "DRAFT" } else { "SENT" };
        let replies = if draft {
            0
        } else {
            [1, 1, 2, 3][rng.gen_range(0..4)]
        };
        (vec![label.to_string()], replies)
    } else {
        let labels = received_labels(rng, t, at, false);
        let replies = if labels.iter().any(|l| l == "TRASH") {
            0
        } else {
            [0, 1, 1, 2, 3][rng.gen_range(0..5)]
        };
        (labels, replies)
    };
    let label = file(rng, t, at);
    labels.extend(label.clone());
    let (from, to) = if by_owner {
        (owner, contact)
    } else {
        (contact, owner)
    };
    let parts = Parts {
        subject: subject.clone(),
        from: from.header(),
        to: to.header(),
        extra: Vec::new(),
        labels,
        bodies: personal_bodies(&body, lang, from.name, None),
        attachments: attachments(rng, t),
    };
    let message = build(at, at.id, parts);
    let thread = (replies_left > 0 && !t.replies.is_empty()).then(|| Thread {
        id: at.id.into(),
        template: t,
        vars,
        subject,
        contact,
        lang,
        owner_last: by_owner,
        last_ms: at.ms,
        last_from: from.header(),
        last_body: body,
        references: vec![at.message_id()],
        replies_left,
        label,
    });
    (message, thread)
}

/// The next message in `thread`: a "Re:" from whoever did not write the last one.
fn reply(rng: &mut ChaCha8Rng, thread: &mut Thread, owner: Who<'_>, at: Arrival<'_>) -> Message {
    let t = thread.template;
    let by_owner = !thread.owner_last;
    let (from, to) = if by_owner {
        (owner, thread.contact)
    } else {
        (thread.contact, owner)
    };
    let body = thread
        .vars
        .fill(t.replies.choose(rng).copied().unwrap_or_default());
    let mut labels = if by_owner {
        vec!["SENT".to_string()]
    } else {
        received_labels(rng, t, at, true)
    };
    labels.extend(thread.label.clone());
    let last_date = DateTime::from_timestamp_millis(thread.last_ms).unwrap_or_default();
    let in_reply_to = thread.references.last().cloned().unwrap_or_default();
    let parts = Parts {
        subject: format!("Re: {}", thread.subject),
        from: from.header(),
        to: to.header(),
        extra: vec![
            Header {
                name: "In-Reply-To".into(),
                value: in_reply_to,
            },
            Header {
                name: "References".into(),
                value: thread.references.join(" "),
            },
        ],
        labels,
        bodies: personal_bodies(&body, thread.lang, from.name, Some((thread, last_date))),
        attachments: Vec::new(),
    };
    let message = build(at, &thread.id, parts);
    thread.owner_last = by_owner;
    thread.last_ms = at.ms;
    thread.last_from = from.header();
    thread.last_body = body;
    thread.references.push(at.message_id());
    thread.replies_left -= 1;
    message
}

/// A hostile message (`HOSTILE[k]`) from someone the owner knows, in the inbox.
fn hostile_message(rng: &mut ChaCha8Rng, owner: Who<'_>, at: Arrival<'_>, k: usize) -> Message {
    let (name, address, _) = PEOPLE.choose(rng).copied().unwrap_or(PEOPLE[0]);
    let mut labels = vec!["INBOX".to_string(), "CATEGORY_PERSONAL".to_string()];
    if rng.gen_bool(0.6) {
        labels.push("UNREAD".into());
    }
    let parts = Parts {
        subject: String::new(),
        from: Who { name, address }.header(),
        to: owner.header(),
        extra: Vec::new(),
        labels,
        bodies: (String::new(), String::new()),
        attachments: Vec::new(),
    };
    let mut message = build(at, at.id, parts);
    HOSTILE[k](&mut message);
    message
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

/// The bodies of the hostile messages, in [`HOSTILE`]'s order.
const HOSTILE_TEXTS: [&str; 7] = [
    "<b>bold</b> <script>alert(\"snippet\")</script> & more <img src=x onerror=alert(2)>",
    "This message has a very long subject, on purpose.",
    "This message has an empty Subject header.",
    "This message has no Subject header at all.",
    "Voici les photos de samedi, comme promis !",
    "The subject of this message arrives already HTML-escaped & must show as written.",
    "‏مرحبا‎! Right-to-left and left-to-right text in one line: שלום 👋🏽 日本語.",
];

/// Messages a client must show as plain text and survive.
const HOSTILE: &[Hostile] = &[
    |m| {
        set_header(m, "Subject", HOSTILE_SUBJECT);
        set_header(
            m,
            "From",
            "\"<script>alert('from')</script>\" <evil@attacker.example.net>",
        );
        set_text(m, HOSTILE_TEXTS[0]);
    },
    |m| {
        let long = "A very long subject that keeps going ".repeat(20);
        set_header(m, "Subject", long.trim_end());
        set_text(m, HOSTILE_TEXTS[1]);
    },
    |m| {
        set_header(m, "Subject", "");
        set_text(m, HOSTILE_TEXTS[2]);
    },
    |m| {
        m.headers
            .retain(|h| !h.name.eq_ignore_ascii_case("Subject"));
        set_text(m, HOSTILE_TEXTS[3]);
    },
    |m| {
        set_header(
            m,
            "From",
            "\"=?UTF-8?Q?Andr=C3=A9_Dupont?=\" <andre.dupont@example.org>",
        );
        set_header(m, "Subject", "Les photos de samedi");
        set_text(m, HOSTILE_TEXTS[4]);
    },
    |m| {
        set_header(m, "From", "\"Kowalski, Jan\" <jan.kowalski@example.com>");
        set_header(m, "Subject", "Tom &amp; Jerry: already escaped &lt;3");
        set_text(m, HOSTILE_TEXTS[5]);
    },
    |m| {
        set_header(m, "Subject", "‏مرحبا‎ RTL ↔ LTR mix: שלום 👋🏽 日本語");
        set_text(m, HOSTILE_TEXTS[6]);
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

    // ---- The mailbox reads like mail ----

    /// The mailboxes the properties below must hold for: eight seeds, each at a Friday
    /// noon, a Sunday night and a Monday morning (the stand-in's "now" is usually the real
    /// clock). Generated once for all the tests.
    fn cases() -> &'static [(u64, DateTime<Utc>, Mailbox)] {
        static CASES: std::sync::OnceLock<Vec<(u64, DateTime<Utc>, Mailbox)>> =
            std::sync::OnceLock::new();
        CASES.get_or_init(|| {
            let anchors = [
                anchor(),
                DateTime::parse_from_rfc3339("2026-05-03T02:30:00Z")
                    .unwrap()
                    .to_utc(),
                DateTime::parse_from_rfc3339("2025-12-29T07:10:00+01:00")
                    .unwrap()
                    .to_utc(),
            ];
            (0..8u64)
                .flat_map(|seed| anchors.map(|now| (seed, now)))
                .map(|(seed, now)| (seed, now, demo_mailbox(seed, now)))
                .collect()
        })
    }

    fn newest_inbox(mailbox: &Mailbox, n: usize) -> Vec<&Message> {
        let big = mailbox.account(BIG_ACCOUNT).unwrap();
        big.messages
            .iter()
            .filter(|m| m.has_label("INBOX"))
            .take(n)
            .collect()
    }

    fn is_hostile(m: &Message) -> bool {
        HOSTILE_TEXTS.contains(&m.text.as_str())
    }

    /// A template text's literal pieces around its `{placeholders}`.
    fn pieces(pattern: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').expect("a closed placeholder");
            out.push(&rest[..open]);
            rest = &rest[close + 1..];
        }
        out.push(rest);
        out
    }

    /// Whether `text` is `pattern` with each placeholder filled by something non-empty.
    fn fills(pattern: &str, text: &str) -> bool {
        let pieces = pieces(pattern);
        let Some(mut rest) = text.strip_prefix(pieces[0]) else {
            return false;
        };
        for (i, piece) in pieces.iter().enumerate().skip(1) {
            if i == pieces.len() - 1 {
                return rest.len() > piece.len() && rest.ends_with(piece);
            }
            let mut chars = rest.chars();
            if chars.next().is_none() {
                return false;
            }
            let after = chars.as_str();
            match after.find(piece) {
                Some(at) => rest = &after[at + piece.len()..],
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// Whether a snippet opens the way `pattern` does (up to its first placeholder; a
    /// snippet is cut at 140 characters).
    fn opens_like(snippet: &str, pattern: &str) -> bool {
        let opening = pieces(pattern)[0];
        snippet.starts_with(opening)
            || (snippet.chars().count() == 140 && opening.starts_with(snippet))
    }

    /// The templates whose subject `subject` fills.
    fn templates_of(subject: &str) -> Vec<&'static Template> {
        TEMPLATES
            .iter()
            .filter(|t| fills(t.subject, subject))
            .collect()
    }

    #[test]
    fn the_placeholder_matcher_used_below_tells_filled_texts_apart() {
        let order = "Your order #{order} has shipped";
        assert!(fills(order, "Your order #48213 has shipped"));
        assert!(!fills(order, "Your order # has shipped"));
        assert!(fills("-{n}% na elektronikę", "-35% na elektronikę"));
        assert!(fills(
            "Fly to Lisbon from €{amount}",
            "Fly to Lisbon from €229.49"
        ));
        assert!(!fills("Lunch tomorrow?", "Re: Lunch tomorrow?"));
        assert!(fills("Lunch tomorrow?", "Lunch tomorrow?"));
        let receipt = "Thanks for your payment of €{amount}.";
        assert!(opens_like(
            "Thanks for your payment of €4.50. Your",
            receipt
        ));
        assert!(!opens_like("Thanks a lot", receipt));
    }

    #[test]
    fn every_template_is_known_by_its_subject_alone_and_only_conversations_get_replies() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for t in TEMPLATES {
            let subject = Vars::new(&mut rng).fill(t.subject);
            assert_eq!(templates_of(&subject).len(), 1, "{subject}");
            assert!(!t.bodies.is_empty(), "{}", t.subject);
            for body in t.bodies.iter().chain(t.replies) {
                assert!(pieces(body)[0].chars().count() >= 10, "{body}");
            }
            assert!(crate::mailbox::SYSTEM_LABELS.contains(&t.category));
            assert!(t.category.starts_with("CATEGORY_"));
            let conversation = t.kind == Kind::Conversation;
            assert_eq!(conversation, !t.replies.is_empty(), "{}", t.subject);
            assert_eq!(
                conversation,
                matches!(t.from, Party::Person(_)),
                "{}",
                t.subject
            );
            if let Some((label, _)) = t.label {
                assert!(USER_LABELS.iter().any(|(id, _, _)| *id == label));
            }
        }
    }

    #[test]
    fn the_newest_twenty_inbox_messages_span_more_than_an_hour() {
        for (seed, now, mailbox) in cases() {
            let newest = newest_inbox(mailbox, 20);
            assert_eq!(newest.len(), 20);
            let span = newest[0].internal_date - newest[19].internal_date;
            assert!(span > 3600 * 1000, "seed {seed} at {now}: {span} ms");
            // The newest message is minutes old, not hours: "today" has mail.
            let big = mailbox.account(BIG_ACCOUNT).unwrap();
            let age = now.timestamp_millis() - big.messages[0].internal_date;
            assert!(
                (0..3600 * 1000).contains(&age),
                "seed {seed} at {now}: {age} ms"
            );
        }
    }

    #[test]
    fn no_minute_holds_more_than_two_of_the_newest_twenty_inbox_messages() {
        for (seed, now, mailbox) in cases() {
            let mut per_minute: std::collections::BTreeMap<i64, usize> = Default::default();
            for m in newest_inbox(mailbox, 20) {
                *per_minute
                    .entry(m.internal_date.div_euclid(60_000))
                    .or_default() += 1;
            }
            let most = per_minute.values().max().copied().unwrap_or(0);
            assert!(most <= 2, "seed {seed} at {now}: {most} in one minute");
            // And they are spread over many minutes, not bunched up.
            assert!(
                per_minute.len() >= 15,
                "seed {seed} at {now}: {per_minute:?}"
            );
        }
    }

    #[test]
    fn more_mail_arrives_in_working_hours_than_at_night_and_at_weekends() {
        let (mut day, mut night, mut weekday, mut weekend) = (0, 0, 0, 0);
        for (_, _, mailbox) in cases() {
            for m in &mailbox.account(BIG_ACCOUNT).unwrap().messages {
                let local = DateTime::from_timestamp_millis(m.internal_date).unwrap()
                    + Duration::hours(HOME_UTC_OFFSET_HOURS);
                match local.hour() {
                    9..=16 => day += 1,
                    0..=5 => night += 1,
                    _ => {}
                }
                if local.weekday().number_from_monday() > 5 {
                    weekend += 1;
                } else {
                    weekday += 1;
                }
            }
        }
        // Per hour (eight day hours, six night hours): five times as much by day.
        assert!(day * 6 > night * 8 * 5, "day {day}, night {night}");
        // Per day (five weekdays, two weekend days): half as much at weekends.
        assert!(
            weekday * 2 > weekend * 5 * 3 / 2,
            "weekdays {weekday}, weekends {weekend}"
        );
    }

    #[test]
    fn each_message_takes_its_subject_snippet_and_sender_from_one_template() {
        let mut checked = 0;
        for (_, _, mailbox) in cases() {
            for account in &mailbox.accounts {
                let owner = format!("{} <{}>", account.name, account.email);
                for m in account.messages.iter().filter(|m| !is_hostile(m)) {
                    let subject = m.header("Subject").expect("a subject");
                    let (is_reply, bare) = match subject.strip_prefix("Re: ") {
                        Some(bare) => (true, bare),
                        None => (false, subject),
                    };
                    let found = templates_of(bare);
                    assert_eq!(found.len(), 1, "{subject:?} fills one template");
                    let t = found[0];
                    let said = if is_reply { t.replies } else { t.bodies };
                    assert!(
                        said.iter().any(|body| opens_like(&m.snippet, body)),
                        "{subject:?} with snippet {:?}",
                        m.snippet
                    );
                    let from = m.header("From").unwrap();
                    match t.from {
                        Party::Service(name, address) => {
                            assert_eq!(from, format!("{name} <{address}>"), "{subject:?}");
                            assert_eq!(m.header("To"), Some(owner.as_str()));
                        }
                        Party::Person(lang) => {
                            let other = if from == owner {
                                m.header("To").unwrap()
                            } else {
                                assert_eq!(m.header("To"), Some(owner.as_str()));
                                from
                            };
                            assert!(
                                PEOPLE.iter().any(|(name, address, l)| *l == lang
                                    && other == format!("{name} <{address}>")),
                                "{subject:?} between {owner} and {other}"
                            );
                        }
                    }
                    let filed: Vec<&String> = m
                        .label_ids
                        .iter()
                        .filter(|l| l.starts_with("Label_"))
                        .collect();
                    for l in filed {
                        let own = t.label.map(|(label, _)| label);
                        let travel_2026 = own == Some("Label_2") && l == "Label_3";
                        assert!(own == Some(l) || travel_2026, "{subject:?} under {l}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn threads_have_re_replies_from_the_other_party() {
        let (mut incoming, mut outgoing) = (0, 0);
        for (_, _, mailbox) in cases() {
            for account in &mailbox.accounts {
                let owner = format!("{} <{}>", account.name, account.email);
                let mut threads: std::collections::BTreeMap<&str, Vec<&Message>> =
                    Default::default();
                for m in &account.messages {
                    threads.entry(&m.thread_id).or_default().push(m);
                }
                for (id, mut thread) in threads {
                    thread.reverse();
                    let first = thread[0];
                    assert_eq!(first.id, id, "a thread's id is its first message's");
                    let subject = first.header("Subject").unwrap_or_default();
                    assert!(!subject.starts_with("Re:"), "{subject}");
                    for pair in thread.windows(2) {
                        let (before, reply) = (pair[0], pair[1]);
                        let re = format!("Re: {subject}");
                        assert_eq!(reply.header("Subject"), Some(re.as_str()));
                        assert_eq!(reply.header("From"), before.header("To"), "{subject}");
                        assert_eq!(reply.header("To"), before.header("From"), "{subject}");
                        assert_eq!(reply.header("In-Reply-To"), before.header("Message-ID"));
                        assert!(reply.internal_date > before.internal_date);
                        if reply.header("From") == Some(owner.as_str()) {
                            assert!(reply.has_label("SENT") && !reply.has_label("INBOX"));
                            outgoing += 1;
                        } else {
                            assert!(reply.has_label("INBOX") && !reply.has_label("SENT"));
                            incoming += 1;
                        }
                    }
                }
            }
        }
        assert!(
            incoming > 500 && outgoing > 500,
            "{incoming} in, {outgoing} out"
        );
    }

    #[test]
    fn newsletters_sit_under_a_category_label_that_exists() {
        let mut newsletters = 0;
        for (_, _, mailbox) in cases() {
            for account in &mailbox.accounts {
                for m in account.messages.iter().filter(|m| !is_hostile(m)) {
                    let subject = m.header("Subject").unwrap_or_default();
                    let t = templates_of(subject.trim_start_matches("Re: "))[0];
                    let categories: Vec<&String> = m
                        .label_ids
                        .iter()
                        .filter(|l| l.starts_with("CATEGORY_"))
                        .collect();
                    let sent = m.has_label("SENT") || m.has_label("DRAFT");
                    if sent || m.has_label("SPAM") {
                        assert!(categories.is_empty(), "{subject}: {:?}", m.label_ids);
                        continue;
                    }
                    // Gmail files every received message under exactly one category.
                    assert_eq!(categories, [t.category], "{subject}");
                    assert!(account.label(t.category).is_some(), "{}", t.category);
                    if t.kind == Kind::Newsletter {
                        let bulk = ["CATEGORY_PROMOTIONS", "CATEGORY_UPDATES"];
                        assert!(bulk.contains(&t.category), "{subject}");
                        newsletters += 1;
                    }
                }
            }
        }
        assert!(newsletters > 500, "{newsletters}");
    }

    #[test]
    fn spam_and_trash_are_recent_as_gmail_empties_them_after_thirty_days() {
        for (seed, now, mailbox) in cases() {
            let big = mailbox.account(BIG_ACCOUNT).unwrap();
            let binned = |m: &&Message| m.has_label("SPAM") || m.has_label("TRASH");
            for m in big.messages.iter().filter(binned) {
                let age = now.timestamp_millis() - m.internal_date;
                assert!(age < SPAM_AND_TRASH_KEPT_MS, "seed {seed}: {age} ms");
            }
        }
    }

    #[test]
    fn the_hostile_messages_and_every_kind_of_label_are_there_for_every_seed() {
        for (seed, now, mailbox) in cases() {
            let page = newest_inbox(mailbox, 50);
            let hostile = page.iter().filter(|m| is_hostile(m)).count();
            assert_eq!(hostile, HOSTILE.len(), "seed {seed}");
            let from = |part: &str| {
                page.iter()
                    .any(|m| m.header("From").is_some_and(|f| f.contains(part)))
            };
            assert!(
                page.iter()
                    .any(|m| m.header("Subject") == Some(HOSTILE_SUBJECT))
            );
            assert!(page.iter().any(|m| m.header("Subject").is_none()));
            assert!(from("\"=?UTF-8?Q?Andr=C3=A9_Dupont?=\""));
            assert!(from("\"Kowalski, Jan\""));
            let big = mailbox.account(BIG_ACCOUNT).unwrap();
            assert!(big.label_counts("INBOX").messages_total > 500);
            for label in [
                "UNREAD",
                "STARRED",
                "IMPORTANT",
                "SPAM",
                "TRASH",
                "SENT",
                "DRAFT",
                "Label_1",
                "Label_4",
                "Label_5",
                "Label_6",
                "CATEGORY_SOCIAL",
                "CATEGORY_FORUMS",
            ] {
                let any = big.messages.iter().any(|m| m.has_label(label));
                assert!(any, "seed {seed} at {now}: {label}");
            }
            assert!(big.messages.iter().any(|m| m.snippet.contains('&')));
            assert!(big.messages.iter().any(|m| !m.attachments.is_empty()));
        }
    }

    #[test]
    fn dates_are_relative_to_now_and_in_gmails_formats() {
        for (_, now, mailbox) in cases() {
            for account in &mailbox.accounts {
                for m in &account.messages {
                    assert!(m.internal_date <= now.timestamp_millis());
                    let date = DateTime::parse_from_rfc2822(m.header("Date").unwrap()).unwrap();
                    assert_eq!(date.timestamp(), m.internal_date.div_euclid(1000));
                }
                if let Some(oldest) = account.messages.last() {
                    let years = (now.timestamp_millis() - oldest.internal_date) as f64
                        / (365.25 * DAY_MS as f64);
                    assert!(
                        (0.2..8.0).contains(&years),
                        "{}: {years} years",
                        account.email
                    );
                }
            }
            assert_eq!(mailbox.account(BIG_ACCOUNT).unwrap().messages.len(), 1200);
        }
    }

    #[test]
    fn the_generator_is_deterministic_for_every_seed_and_size() {
        let json = |mailbox: &Mailbox| serde_json::to_string(mailbox).unwrap();
        for (seed, now, mailbox) in cases().iter().step_by(8) {
            let again = demo_mailbox(*seed, *now);
            assert_eq!(json(mailbox), json(&again), "seed {seed} at {now}");
            assert_ne!(json(mailbox), json(&demo_mailbox(seed + 100, *now)));
        }
        let sized = |seed| demo_mailbox_sized(seed, anchor(), 2600);
        assert_eq!(json(&sized(3)), json(&sized(3)));
        let big = sized(3);
        assert_eq!(big.account(BIG_ACCOUNT).unwrap().messages.len(), 2600);
    }
}
