//! Gmail's search-box language (`q=`), parsed into a tree and matched against messages.
//!
//! Supported: words, "quoted phrases", `from:` `to:` `cc:` `bcc:` `subject:` `label:`
//! `is:unread|read|starred|important` `in:inbox|sent|draft|spam|trash|anywhere|starred|important`
//! `category:primary|social|promotions|updates|forums` `has:attachment` `filename:`
//! `after:`/`before:` (YYYY/MM/DD, YYYY-MM-DD or epoch seconds) `older_than:`/`newer_than:`
//! (Nd, Nm, Ny), `OR` (upper case, binds tighter than the implied AND, as in Gmail), `-`
//! negation, parentheses and `AND`. Case-insensitive. An unknown operator (`foo:bar`) is
//! searched as the words it contains, as Gmail does.
//!
//! Simplified: words match whole words (or any substring for CJK scripts, which have no
//! spaces); dates are read in UTC rather than the account's time zone; a month is 30 days
//! and a year 365. This module does not decide the SPAM/TRASH default (see `gmail.rs`, which
//! asks [`Query::mentions_spam_or_trash`]).

use chrono::NaiveDate;

use crate::mailbox::{Account, Message};

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    root: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Term(Term),
}

#[derive(Debug, Clone, PartialEq)]
enum Term {
    /// Whole words that must all appear (one query word may hold several, e.g. `foo:bar`).
    Words(Vec<String>),
    Phrase(Vec<String>),
    Header(HeaderField, String),
    Label(String),
    Is(String),
    In(String),
    Category(String),
    HasAttachment,
    Filename(String),
    /// internalDate >= ms
    After(i64),
    /// internalDate < ms
    Before(i64),
    /// Relative to now: (newer?, milliseconds)
    Age(bool, i64),
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum HeaderField {
    From,
    To,
    Subject,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Or,
    Neg,
    Text { text: String, quoted: bool },
}

impl Query {
    /// Parses a query. Never fails: like Gmail, anything it cannot read is searched as words.
    pub fn parse(input: &str) -> Query {
        let tokens = tokenize(input);
        let mut pos = 0;
        let root = parse_and(&tokens, &mut pos);
        Query { root }
    }

    /// Whether the query asks for SPAM or TRASH itself (then they are not excluded).
    pub fn mentions_spam_or_trash(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::And(v) | Expr::Or(v) => v.iter().any(walk),
                Expr::Not(_) => false,
                Expr::Term(Term::In(w)) => matches!(w.as_str(), "spam" | "trash" | "anywhere"),
                Expr::Term(Term::Label(w)) => matches!(w.as_str(), "spam" | "trash"),
                Expr::Term(_) => false,
            }
        }
        walk(&self.root)
    }

    /// Whether `message` of `account` matches, with `now_ms` for older_than/newer_than.
    pub fn matches(&self, account: &Account, message: &Message, now_ms: i64) -> bool {
        eval(&self.root, account, message, now_ms)
    }
}

fn tokenize(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else if c == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            tokens.push(Token::Neg);
            i += 1;
        } else if c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == '"')
                .map(|p| i + 1 + p);
            let stop = end.unwrap_or(chars.len());
            tokens.push(Token::Text {
                text: chars[i + 1..stop].iter().collect(),
                quoted: true,
            });
            i = stop + 1;
        } else {
            let start = i;
            let mut text = String::new();
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')'
            {
                // `subject:"two words"` keeps its quoted value together.
                if chars[i] == '"' && text.ends_with(':') {
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&c| c == '"')
                        .map(|p| i + 1 + p);
                    let stop = end.unwrap_or(chars.len());
                    text.extend(&chars[i + 1..stop]);
                    i = stop + 1;
                    break;
                }
                text.push(chars[i]);
                i += 1;
            }
            debug_assert!(i > start);
            match text.as_str() {
                "OR" | "|" => tokens.push(Token::Or),
                "AND" => {}
                _ => tokens.push(Token::Text {
                    text,
                    quoted: false,
                }),
            }
        }
    }
    tokens
}

fn parse_and(tokens: &[Token], pos: &mut usize) -> Expr {
    let mut items = Vec::new();
    while *pos < tokens.len() {
        match tokens[*pos] {
            Token::Close => break,
            Token::Or => *pos += 1, // a stray OR is ignored, as Gmail does
            _ => items.push(parse_or(tokens, pos)),
        }
    }
    if items.len() == 1 {
        items.remove(0)
    } else {
        Expr::And(items)
    }
}

fn parse_or(tokens: &[Token], pos: &mut usize) -> Expr {
    let mut items = vec![parse_unary(tokens, pos)];
    while *pos + 1 < tokens.len() && tokens[*pos] == Token::Or && tokens[*pos + 1] != Token::Close {
        *pos += 1;
        items.push(parse_unary(tokens, pos));
    }
    if items.len() == 1 {
        items.remove(0)
    } else {
        Expr::Or(items)
    }
}

fn parse_unary(tokens: &[Token], pos: &mut usize) -> Expr {
    match &tokens[*pos] {
        Token::Neg => {
            *pos += 1;
            if *pos >= tokens.len() {
                return Expr::And(Vec::new());
            }
            Expr::Not(Box::new(parse_unary(tokens, pos)))
        }
        Token::Open => {
            *pos += 1;
            let inner = parse_and(tokens, pos);
            if *pos < tokens.len() {
                *pos += 1; // the closing parenthesis
            }
            inner
        }
        Token::Text { text, quoted } => {
            *pos += 1;
            Expr::Term(term(text, *quoted))
        }
        Token::Close | Token::Or => {
            *pos += 1;
            Expr::And(Vec::new())
        }
    }
}

fn term(text: &str, quoted: bool) -> Term {
    if quoted {
        return Term::Phrase(words(text));
    }
    let Some((op, value)) = text.split_once(':') else {
        return Term::Words(words(text));
    };
    let value_lc = value.to_lowercase();
    let parsed = match op.to_lowercase().as_str() {
        "from" => Some(Term::Header(HeaderField::From, value_lc.clone())),
        "to" | "cc" | "bcc" | "deliveredto" => {
            Some(Term::Header(HeaderField::To, value_lc.clone()))
        }
        "subject" => Some(Term::Header(HeaderField::Subject, value_lc.clone())),
        "label" => Some(Term::Label(value_lc.clone())),
        "is" => matches!(
            value_lc.as_str(),
            "unread" | "read" | "starred" | "important"
        )
        .then(|| Term::Is(value_lc.clone())),
        "in" => match value_lc.as_str() {
            "drafts" => Some(Term::In("draft".into())),
            "inbox" | "sent" | "draft" | "spam" | "trash" | "anywhere" | "starred"
            | "important" => Some(Term::In(value_lc.clone())),
            _ => None,
        },
        "category" => Some(Term::Category(value_lc.clone())),
        "has" => (value_lc == "attachment").then_some(Term::HasAttachment),
        "filename" => Some(Term::Filename(value_lc.clone())),
        "after" | "since" => parse_date(&value_lc).map(Term::After),
        "before" | "until" => parse_date(&value_lc).map(Term::Before),
        "newer_than" => parse_age(&value_lc).map(|ms| Term::Age(true, ms)),
        "older_than" => parse_age(&value_lc).map(|ms| Term::Age(false, ms)),
        _ => None,
    };
    match parsed {
        Some(Term::Header(_, v)) | Some(Term::Label(v)) if v.is_empty() => Term::Nothing,
        Some(t) => t,
        None => Term::Words(words(text)),
    }
}

fn parse_date(value: &str) -> Option<i64> {
    if let Ok(secs) = value.parse::<i64>() {
        return Some(secs * 1000);
    }
    let normalised = value.replace('-', "/");
    let date = NaiveDate::parse_from_str(&normalised, "%Y/%m/%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

fn parse_age(value: &str) -> Option<i64> {
    let unit = value.chars().last()?;
    let n: i64 = value[..value.len() - unit.len_utf8()].parse().ok()?;
    let day = 24 * 3600 * 1000;
    match unit {
        'd' => Some(n * day),
        'm' => Some(n * 30 * day),
        'y' => Some(n * 365 * day),
        _ => None,
    }
}

/// Lower-case words: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af)
}

/// Whether `needle` (a word sequence) appears in `haystack` as whole consecutive words.
fn contains_words(haystack: &str, needle: &[String]) -> bool {
    if needle.is_empty() {
        return true;
    }
    let hay = words(haystack);
    let joined = format!(" {} ", hay.join(" "));
    let wanted = format!(" {} ", needle.join(" "));
    if joined.contains(&wanted) {
        return true;
    }
    needle.iter().any(|w| w.chars().any(is_cjk))
        && haystack.to_lowercase().contains(&needle.join(""))
}

fn header_text(m: &Message, field: HeaderField) -> String {
    let names: &[&str] = match field {
        HeaderField::From => &["From"],
        HeaderField::To => &["To", "Cc", "Bcc", "Delivered-To"],
        HeaderField::Subject => &["Subject"],
    };
    m.headers
        .iter()
        .filter(|h| names.iter().any(|n| h.name.eq_ignore_ascii_case(n)))
        .map(|h| h.value.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn label_key(name: &str) -> String {
    name.to_lowercase().replace([' ', '/', '_'], "-")
}

fn eval(e: &Expr, account: &Account, m: &Message, now_ms: i64) -> bool {
    match e {
        Expr::And(v) => v.iter().all(|e| eval(e, account, m, now_ms)),
        Expr::Or(v) => v.iter().any(|e| eval(e, account, m, now_ms)),
        Expr::Not(e) => !eval(e, account, m, now_ms),
        Expr::Term(t) => eval_term(t, account, m, now_ms),
    }
}

fn eval_term(t: &Term, account: &Account, m: &Message, now_ms: i64) -> bool {
    match t {
        Term::Words(w) | Term::Phrase(w) => {
            let all = format!(
                "{} {} {} {} {}",
                header_text(m, HeaderField::Subject),
                header_text(m, HeaderField::From),
                header_text(m, HeaderField::To),
                m.text,
                m.attachments
                    .iter()
                    .map(|a| a.filename.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            if matches!(t, Term::Phrase(_)) {
                contains_words(&all, w)
            } else {
                w.iter()
                    .all(|one| contains_words(&all, std::slice::from_ref(one)))
            }
        }
        Term::Header(field, value) => {
            let value = if *field != HeaderField::Subject && value == "me" {
                account.email.to_lowercase()
            } else {
                value.clone()
            };
            let text = header_text(m, *field);
            if value.contains('@') {
                text.to_lowercase().contains(&value)
            } else {
                contains_words(&text, &words(&value))
            }
        }
        Term::Label(name) => {
            let key = label_key(name);
            account.labels.iter().any(|l| {
                (label_key(&l.name) == key || l.id.eq_ignore_ascii_case(name)) && m.has_label(&l.id)
            })
        }
        Term::Is(what) => match what.as_str() {
            "unread" => m.has_label("UNREAD"),
            "read" => !m.has_label("UNREAD"),
            "starred" => m.has_label("STARRED"),
            _ => m.has_label("IMPORTANT"),
        },
        Term::In(what) => match what.as_str() {
            "anywhere" => true,
            other => m.has_label(&other.to_uppercase()),
        },
        Term::Category(c) => {
            let id = if c == "primary" {
                "personal".into()
            } else {
                c.clone()
            };
            m.has_label(&format!("CATEGORY_{}", id.to_uppercase()))
        }
        Term::HasAttachment => !m.attachments.is_empty(),
        Term::Filename(f) => m
            .attachments
            .iter()
            .any(|a| a.filename.to_lowercase().contains(f)),
        Term::After(ms) => m.internal_date >= *ms,
        Term::Before(ms) => m.internal_date < *ms,
        Term::Age(newer, ms) => (m.internal_date > now_ms - ms) == *newer,
        Term::Nothing => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mailbox::{Attachment, Header, Mailbox};

    fn account() -> Account {
        let msg = |id: &str, from: &str, subject: &str, labels: &[&str], date: &str| Message {
            id: id.into(),
            thread_id: id.into(),
            label_ids: labels.iter().map(|s| s.to_string()).collect(),
            snippet: String::new(),
            history_id: 0,
            internal_date: NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis(),
            headers: vec![
                Header {
                    name: "From".into(),
                    value: from.into(),
                },
                Header {
                    name: "To".into(),
                    value: "Ana <ana@example.com>".into(),
                },
                Header {
                    name: "Subject".into(),
                    value: subject.into(),
                },
            ],
            text: format!("body of {subject}"),
            html: None,
            attachments: if id == "a3" {
                vec![Attachment {
                    filename: "Reçu.pdf".into(),
                    mime_type: "application/pdf".into(),
                    size: 10,
                }]
            } else {
                vec![]
            },
        };
        let mut mailbox = Mailbox {
            accounts: vec![Account {
                email: "ana@example.com".into(),
                name: "Ana".into(),
                given_name: String::new(),
                family_name: String::new(),
                sub: String::new(),
                picture: String::new(),
                labels: vec![crate::mailbox::Label {
                    id: "Label_3".into(),
                    name: "Travel/2026".into(),
                    kind: crate::mailbox::LabelType::User,
                    message_list_visibility: None,
                    label_list_visibility: None,
                    color: None,
                }],
                messages: vec![
                    msg(
                        "a1",
                        "Marta Wiśniewska <marta@example.com>",
                        "Lunch tomorrow?",
                        &["INBOX", "UNREAD"],
                        "2024-01-10",
                    ),
                    msg(
                        "a2",
                        "Shop <shop@example.net>",
                        "Your order has shipped",
                        &["INBOX", "Label_3", "STARRED"],
                        "2025-06-01",
                    ),
                    msg(
                        "a3",
                        "\"Kowalski, Jan\" <jan@example.org>",
                        "Facture n° 12",
                        &["SPAM"],
                        "2023-03-03",
                    ),
                    msg(
                        "a4",
                        "田中 花子 <hanako@example.jp>",
                        "来週の打ち合わせについて",
                        &["SENT", "IMPORTANT"],
                        "2025-12-31",
                    ),
                ],
                history_id: 0,
                history_floor: 0,
                history: Vec::new(),
            }],
        };
        mailbox.normalise();
        mailbox.accounts.remove(0)
    }

    fn hits(q: &str) -> Vec<String> {
        let account = account();
        let now = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let query = Query::parse(q);
        let mut ids: Vec<String> = account
            .messages
            .iter()
            .filter(|m| query.matches(&account, m, now))
            .map(|m| m.id.clone())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn words_match_whole_words_case_insensitively() {
        assert_eq!(hits("LUNCH"), ["a1"]);
        assert_eq!(hits("lun"), Vec::<String>::new());
        assert_eq!(hits("order shipped"), ["a2"]);
    }

    #[test]
    fn quoted_phrases_need_the_words_in_order() {
        assert_eq!(hits("\"order has shipped\""), ["a2"]);
        assert!(hits("\"shipped has order\"").is_empty());
    }

    #[test]
    fn header_operators_match_names_and_addresses() {
        assert_eq!(hits("from:marta"), ["a1"]);
        assert_eq!(hits("from:shop@example.net"), ["a2"]);
        assert_eq!(hits("from:kowalski"), ["a3"]);
        assert_eq!(hits("to:ana@example.com").len(), 4);
        assert_eq!(hits("subject:\"order has\""), ["a2"]);
        assert_eq!(hits("subject:facture"), ["a3"]);
    }

    #[test]
    fn labels_states_and_folders_match_label_ids() {
        assert_eq!(hits("label:travel-2026"), ["a2"]);
        assert_eq!(hits("label:Travel/2026"), ["a2"]);
        assert_eq!(hits("is:unread"), ["a1"]);
        assert_eq!(hits("is:read"), ["a2", "a3", "a4"]);
        assert_eq!(hits("is:starred"), ["a2"]);
        assert_eq!(hits("is:important"), ["a4"]);
        assert_eq!(hits("in:sent"), ["a4"]);
        assert_eq!(hits("in:inbox"), ["a1", "a2"]);
        assert_eq!(hits("in:anywhere").len(), 4);
        assert_eq!(hits("has:attachment"), ["a3"]);
    }

    #[test]
    fn dates_and_ages_bound_the_internal_date() {
        assert_eq!(hits("after:2025/01/01"), ["a2", "a4"]);
        assert_eq!(hits("before:2024-01-11"), ["a1", "a3"]);
        assert_eq!(hits("after:2025/01/01 before:2025/07/01"), ["a2"]);
        assert_eq!(hits("newer_than:30d"), ["a4"]);
        assert_eq!(hits("older_than:2y"), ["a3"]);
    }

    #[test]
    fn or_negation_and_parentheses_combine_like_gmail() {
        assert_eq!(hits("from:marta OR from:shop"), ["a1", "a2"]);
        assert_eq!(hits("-in:inbox"), ["a3", "a4"]);
        assert_eq!(hits("(lunch OR facture) -is:unread"), ["a3"]);
        assert_eq!(hits("in:inbox -(is:starred)"), ["a1"]);
        assert_eq!(hits("is:read from:shop OR from:marta"), ["a2"]);
    }

    #[test]
    fn unknown_operators_are_searched_as_words() {
        assert_eq!(hits("lunch:tomorrow"), ["a1"]);
        assert!(hits("colour:red").is_empty());
        assert!(hits("is:banana").is_empty());
    }

    #[test]
    fn non_latin_scripts_match() {
        assert_eq!(hits("打ち合わせ"), ["a4"]);
        assert_eq!(hits("from:wiśniewska"), ["a1"]);
        assert_eq!(hits("reçu"), ["a3"]);
    }

    #[test]
    fn only_explicit_spam_or_trash_queries_lift_the_default_exclusion() {
        assert!(Query::parse("in:spam").mentions_spam_or_trash());
        assert!(Query::parse("foo in:anywhere").mentions_spam_or_trash());
        assert!(!Query::parse("-in:trash").mentions_spam_or_trash());
        assert!(!Query::parse("spam").mentions_spam_or_trash());
    }
}
