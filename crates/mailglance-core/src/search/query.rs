//! Gmail's search-box language, parsed: words, "quoted phrases", `from:`, `to:`,
//! `subject:`, `is:unread|read|starred|important`, `label:`,
//! `in:inbox|sent|spam|trash|anywhere`, `before:`/`after:` (YYYY/MM/DD or YYYY-MM-DD, in
//! UTC), `older_than:`/`newer_than:` (Nd, Nm, Ny), `-` for negation, `OR` (binding
//! tighter than the implied AND, as in Gmail), `AND`, and parentheses. Case does not
//! matter. An operator Gmail does not know here (`foo:bar`) is searched as its words, as
//! Gmail does; a value an operator cannot take (`is:purple`, `before:tomorrow`), an
//! unclosed quote or parenthesis is a [`ParseError`] that says what cannot be searched
//! for. Every character of a word or phrase is text: SQL and FTS5 syntax included
//! ([`fts_literal`] quotes it for a `MATCH`).
//!
//! Pure: no store, no clock (relative ages stay spans), no network.

use std::fmt;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every one matches (the implied AND between terms).
    And(Vec<Expr>),
    /// Any one matches.
    Or(Vec<Expr>),
    /// Does not match (`-term`).
    Not(Box<Expr>),
    /// One term.
    Term(Term),
}

/// One search term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word, in the sender, recipients, subject or snippet.
    Word(String),
    /// Words in this order ("quoted phrase").
    Phrase(String),
    /// `from:` the sender's name or address.
    From(String),
    /// `to:` a recipient.
    To(String),
    /// `subject:` words in the subject.
    Subject(String),
    /// `is:`.
    Is(Flag),
    /// `label:` a label's name or id.
    Label(String),
    /// `in:`.
    In(Place),
    /// `after:` a date: dated on or after this time (epoch ms, UTC midnight).
    After(i64),
    /// `before:` a date: dated before this time (epoch ms, UTC midnight).
    Before(i64),
    /// `newer_than:` a span in ms (a month is 30 days, a year 365).
    NewerThan(i64),
    /// `older_than:` a span in ms.
    OlderThan(i64),
}

/// `is:` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `is:unread`.
    Unread,
    /// `is:read`.
    Read,
    /// `is:starred`.
    Starred,
    /// `is:important`.
    Important,
}

/// `in:` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `in:inbox`.
    Inbox,
    /// `in:sent`.
    Sent,
    /// `in:spam`.
    Spam,
    /// `in:trash`.
    Trash,
    /// `in:anywhere` (spam and trash included).
    Anywhere,
}

/// What cannot be searched for, and why: "cannot search for `is:purple`: …".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The part of the query at fault.
    pub part: String,
    /// Why, and what would do.
    pub why: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot search for {}: {}", self.part, self.why)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Or,
    Not,
    /// A word or `op:value`; `quoted` when it was (or its value was) in quotes.
    Text {
        text: String,
        quoted: bool,
    },
}

/// Parses a query. An empty query is an empty [`Expr::And`] (everything).
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(input)?;
    let mut pos = 0;
    let expr = parse_and(&tokens, &mut pos, 0)?;
    if pos < tokens.len() {
        return Err(ParseError {
            part: "\")\"".into(),
            why: "a parenthesis closes that was never opened".into(),
        });
    }
    Ok(expr)
}

fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                tokens.push(Token::Open);
                i += 1;
                continue;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
                continue;
            }
            '-' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                tokens.push(Token::Not);
                i += 1;
                continue;
            }
            _ => {}
        }
        // A word, an `op:value` (the value may be quoted), or a "quoted phrase".
        let mut text = String::new();
        let mut quoted = false;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')' {
            if chars[i] == '"' {
                let start = i;
                i += 1;
                let mut phrase = String::new();
                while i < chars.len() && chars[i] != '"' {
                    phrase.push(chars[i]);
                    i += 1;
                }
                if i == chars.len() {
                    return Err(ParseError {
                        part: chars[start..].iter().collect(),
                        why: "a quote is not closed; add the closing \"".into(),
                    });
                }
                i += 1;
                text.push_str(&phrase);
                quoted = true;
            } else {
                text.push(chars[i]);
                i += 1;
            }
        }
        match text.as_str() {
            "OR" | "|" if !quoted => tokens.push(Token::Or),
            "AND" if !quoted => {}
            _ => tokens.push(Token::Text { text, quoted }),
        }
    }
    Ok(tokens)
}

fn parse_and(tokens: &[Token], pos: &mut usize, depth: usize) -> Result<Expr, ParseError> {
    let mut items = Vec::new();
    while *pos < tokens.len() {
        match tokens[*pos] {
            Token::Close if depth > 0 => break,
            Token::Close => {
                return Err(ParseError {
                    part: "\")\"".into(),
                    why: "a parenthesis closes that was never opened".into(),
                });
            }
            // A stray OR (at the start, or doubled) is ignored, as Gmail does.
            Token::Or => *pos += 1,
            _ => items.push(parse_or(tokens, pos, depth)?),
        }
    }
    Ok(if items.len() == 1 {
        items.remove(0)
    } else {
        Expr::And(items)
    })
}

fn parse_or(tokens: &[Token], pos: &mut usize, depth: usize) -> Result<Expr, ParseError> {
    let mut items = vec![parse_unary(tokens, pos, depth)?];
    while *pos + 1 < tokens.len() && tokens[*pos] == Token::Or && tokens[*pos + 1] != Token::Close {
        *pos += 1;
        items.push(parse_unary(tokens, pos, depth)?);
    }
    Ok(if items.len() == 1 {
        items.remove(0)
    } else {
        Expr::Or(items)
    })
}

fn parse_unary(tokens: &[Token], pos: &mut usize, depth: usize) -> Result<Expr, ParseError> {
    match &tokens[*pos] {
        Token::Not => {
            *pos += 1;
            if *pos >= tokens.len() || matches!(tokens[*pos], Token::Close | Token::Or) {
                return Err(ParseError {
                    part: "\"-\"".into(),
                    why: "a minus needs a word or an operator after it".into(),
                });
            }
            Ok(Expr::Not(Box::new(parse_unary(tokens, pos, depth)?)))
        }
        Token::Open => {
            *pos += 1;
            let inner = parse_and(tokens, pos, depth + 1)?;
            if *pos >= tokens.len() {
                return Err(ParseError {
                    part: "\"(\"".into(),
                    why: "a parenthesis is not closed; add the closing )".into(),
                });
            }
            *pos += 1;
            Ok(inner)
        }
        Token::Text { text, quoted } => {
            *pos += 1;
            term(text, *quoted)
        }
        Token::Close | Token::Or => unreachable!("handled by the callers"),
    }
}

fn term(text: &str, quoted: bool) -> Result<Expr, ParseError> {
    let Some((op, value)) = text.split_once(':').filter(|(op, _)| !op.is_empty()) else {
        return Ok(Expr::Term(if quoted {
            Term::Phrase(text.to_owned())
        } else {
            Term::Word(text.to_owned())
        }));
    };
    let op_lc = op.to_lowercase();
    let value_lc = value.to_lowercase();
    let bad = |why: &str| ParseError {
        part: format!("\"{text}\""),
        why: why.to_owned(),
    };
    let needs_value = matches!(
        op_lc.as_str(),
        "from"
            | "to"
            | "subject"
            | "label"
            | "is"
            | "in"
            | "after"
            | "before"
            | "older_than"
            | "newer_than"
    );
    if needs_value && value.trim().is_empty() {
        return Err(bad("the operator needs a value after the colon"));
    }
    let t = match op_lc.as_str() {
        "from" => Term::From(value.to_owned()),
        "to" => Term::To(value.to_owned()),
        "subject" => Term::Subject(value.to_owned()),
        "label" => Term::Label(value.to_owned()),
        "is" => Term::Is(match value_lc.as_str() {
            "unread" => Flag::Unread,
            "read" => Flag::Read,
            "starred" => Flag::Starred,
            "important" => Flag::Important,
            _ => return Err(bad("is: takes unread, read, starred or important")),
        }),
        "in" => Term::In(match value_lc.as_str() {
            "inbox" => Place::Inbox,
            "sent" => Place::Sent,
            "spam" => Place::Spam,
            "trash" => Place::Trash,
            "anywhere" => Place::Anywhere,
            _ => return Err(bad("in: takes inbox, sent, spam, trash or anywhere")),
        }),
        "after" => Term::After(date(&value_lc).ok_or_else(|| bad(DATE))?),
        "before" => Term::Before(date(&value_lc).ok_or_else(|| bad(DATE))?),
        "newer_than" => Term::NewerThan(age(&value_lc).ok_or_else(|| bad(AGE))?),
        "older_than" => Term::OlderThan(age(&value_lc).ok_or_else(|| bad(AGE))?),
        // Not an operator here: its words, as Gmail searches them.
        _ => Term::Word(text.to_owned()),
    };
    Ok(Expr::Term(t))
}

const DATE: &str = "a date is written 2026/11/24 or 2026-11-24";
const AGE: &str = "an age is a number and d, m or y, as 7d, 2m, 1y";

/// UTC midnight of `YYYY/MM/DD` or `YYYY-MM-DD`, in epoch ms.
fn date(value: &str) -> Option<i64> {
    let parts: Vec<&str> = value.split(['/', '-']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in(y, m) {
        return None;
    }
    // Days since 1970-01-01 (a civil-from-days inverse; Howard Hinnant's algorithm).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * i64::from(m) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000)
}

fn days_in(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `7d`, `2m`, `1y` as a span in ms (a month 30 days, a year 365).
fn age(value: &str) -> Option<i64> {
    let unit = value.chars().last()?;
    let n: i64 = value[..value.len() - unit.len_utf8()].parse().ok()?;
    let day = 86_400_000_i64;
    let span = match unit {
        'd' => n.checked_mul(day),
        'm' => n.checked_mul(30 * day),
        'y' => n.checked_mul(365 * day),
        _ => None,
    }?;
    (n >= 0).then_some(span)
}

/// Text as one FTS5 string literal: in double quotes, a quote doubled. Whatever it holds
/// (`AND`, `*`, `NEAR(`, `"`, `'; DROP TABLE`), FTS5 reads it as text.
pub fn fts_literal(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Expr {
        Expr::Term(Term::Word(w.into()))
    }

    fn one(q: &str) -> Term {
        match parse(q).unwrap() {
            Expr::Term(t) => t,
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn each_operator_becomes_its_term() {
        assert_eq!(
            one("from:ana@example.com"),
            Term::From("ana@example.com".into())
        );
        assert_eq!(one("To:jean"), Term::To("jean".into()));
        assert_eq!(
            one("subject:\"lunch on friday\""),
            Term::Subject("lunch on friday".into())
        );
        assert_eq!(one("is:UNREAD"), Term::Is(Flag::Unread));
        assert_eq!(one("is:read"), Term::Is(Flag::Read));
        assert_eq!(one("is:starred"), Term::Is(Flag::Starred));
        assert_eq!(one("is:important"), Term::Is(Flag::Important));
        assert_eq!(one("label:Travel/2026"), Term::Label("Travel/2026".into()));
        assert_eq!(one("in:inbox"), Term::In(Place::Inbox));
        assert_eq!(one("in:sent"), Term::In(Place::Sent));
        assert_eq!(one("in:spam"), Term::In(Place::Spam));
        assert_eq!(one("in:trash"), Term::In(Place::Trash));
        assert_eq!(one("in:anywhere"), Term::In(Place::Anywhere));
        assert_eq!(one("after:2026/11/24"), Term::After(1_795_478_400_000));
        assert_eq!(one("before:1970-01-02"), Term::Before(86_400_000));
        assert_eq!(one("newer_than:2d"), Term::NewerThan(2 * 86_400_000));
        assert_eq!(one("older_than:1m"), Term::OlderThan(30 * 86_400_000));
        assert_eq!(one("older_than:1y"), Term::OlderThan(365 * 86_400_000));
        assert_eq!(one("\"see you soon\""), Term::Phrase("see you soon".into()));
    }

    #[test]
    fn negation_or_and_parentheses_nest_as_in_gmail() {
        // OR binds tighter than the implied AND.
        assert_eq!(
            parse("a b OR c").unwrap(),
            Expr::And(vec![word("a"), Expr::Or(vec![word("b"), word("c")])])
        );
        assert_eq!(
            parse("-from:ana is:unread").unwrap(),
            Expr::And(vec![
                Expr::Not(Box::new(Expr::Term(Term::From("ana".into())))),
                Expr::Term(Term::Is(Flag::Unread)),
            ])
        );
        assert_eq!(
            parse("(a OR b) AND -c").unwrap(),
            Expr::And(vec![
                Expr::Or(vec![word("a"), word("b")]),
                Expr::Not(Box::new(word("c"))),
            ])
        );
        assert_eq!(parse("").unwrap(), Expr::And(vec![]));
        assert_eq!(parse("OR a").unwrap(), word("a"), "a stray OR is ignored");
        assert_eq!(
            parse("a - b").unwrap(),
            Expr::And(vec![word("a"), word("-"), word("b")])
        );
    }

    #[test]
    fn junk_is_a_sentence_naming_what_cannot_be_searched_for() {
        let e = |q: &str| parse(q).unwrap_err().to_string();
        assert_eq!(
            e("is:purple"),
            "cannot search for \"is:purple\": is: takes unread, read, starred or important"
        );
        assert!(e("in:attic").starts_with("cannot search for \"in:attic\": in: takes"));
        assert!(e("before:tomorrow").contains("a date is written 2026/11/24"));
        assert!(e("after:2026/02/30").contains("a date is written"));
        assert!(e("newer_than:soon").contains("an age is a number and d, m or y"));
        assert!(e("from:").contains("needs a value after the colon"));
        assert!(e("\"unclosed phrase").contains("a quote is not closed"));
        assert!(e("(a OR b").contains("a parenthesis is not closed"));
        assert!(e("a)").contains("a parenthesis closes that was never opened"));
        assert!(e("(a -)").contains("a minus needs a word or an operator after it"));
    }

    #[test]
    fn sql_and_fts_syntax_in_a_query_stays_text() {
        assert_eq!(
            parse("'; DROP TABLE messages;").unwrap(),
            Expr::And(vec![
                word("';"),
                word("DROP"),
                word("TABLE"),
                word("messages;")
            ])
        );
        assert_eq!(
            parse("\"NEAR(a b)\" foo* ^bar").unwrap(),
            Expr::And(vec![
                Expr::Term(Term::Phrase("NEAR(a b)".into())),
                word("foo*"),
                word("^bar"),
            ])
        );
        assert_eq!(
            one("unknown:operator"),
            Term::Word("unknown:operator".into())
        );
        assert_eq!(fts_literal("say \"hi\" AND *"), "\"say \"\"hi\"\" AND *\"");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512, failure_persistence: None, ..Default::default()
        })]

        #[test]
        fn any_text_parses_or_says_why_never_panics(q in ".{0,80}") {
            match parse(&q) {
                Ok(_) => {}
                Err(e) => proptest::prop_assert!(e.to_string().starts_with("cannot search for ")),
            }
        }

        #[test]
        fn a_word_of_any_characters_comes_back_as_written(w in "[^\\s()\"\\-:]{1,20}") {
            proptest::prop_assume!(w != "OR" && w != "AND" && w != "|");
            proptest::prop_assert_eq!(parse(&w).unwrap(), Expr::Term(Term::Word(w.clone())));
        }
    }
}
