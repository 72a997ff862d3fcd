//! A message's MIME tree, through `mail-parser` (never by hand): transfer encodings,
//! every charset `encoding_rs` knows, RFC 2047 and 2231 names, `multipart/alternative`
//! (the HTML part preferred, the plain one kept for a "Plain text" toggle), nested
//! `message/rfc822` parts listed as attachments, `format=flowed` (RFC 3676) reflowed.
//! Every header the pane shows is cleaned as the list's rows are (`gmail::headers`): no
//! control character anywhere, no bidi control in a name or an address.

use mail_parser::{Address, MessageParser, MimeHeaders, PartType};

use crate::gmail::headers::{displayable, without_bidi_controls};
use serde::{Deserialize, Serialize};

/// Each attachment of a message's RFC 822 bytes, listed as [`parse`] lists it, with its
/// decoded bytes (for saving; never kept).
pub fn attachments(raw: &[u8]) -> Vec<(Attachment, Vec<u8>)> {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    let listed = parse(raw).map(|r| r.attachments).unwrap_or_default();
    listed
        .into_iter()
        .zip(message.attachments())
        .map(|(a, part)| (a, part.contents().to_vec()))
        .collect()
}

/// A sender or a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The display name, if any.
    pub name: Option<String>,
    /// The address.
    pub address: String,
}

/// An attachment, listed; its bytes stay in the message until saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// The file name, cleaned (no path separators, control or bidi characters).
    pub name: String,
    /// Its content type (`application/pdf`).
    pub mime_type: String,
    /// Its decoded size in bytes.
    pub size: usize,
}

/// What the reading pane shows of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    /// `From`.
    pub from: Option<Person>,
    /// `To`.
    pub to: Vec<Person>,
    /// `Cc`.
    pub cc: Vec<Person>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `Date`, in epoch ms.
    pub date_ms: Option<i64>,
    /// The HTML parts, in order (empty for plain-text mail).
    pub html: Vec<String>,
    /// The plain parts, in order (the alternative to the HTML, or the body itself).
    pub text: Vec<String>,
    /// Attachments, in order.
    pub attachments: Vec<Attachment>,
}

impl Reading {
    /// The message as plain text, part by part (each part on its own, never joined into
    /// one document): its plain parts, or, for HTML-only mail, each HTML part reduced to
    /// its text.
    pub fn plain_parts(&self) -> Vec<String> {
        if self.text.is_empty() {
            self.html
                .iter()
                .map(|h| mail_parser::decoders::html::html_to_text(h))
                .collect()
        } else {
            self.text.clone()
        }
    }
}

/// Parses the RFC 822 bytes of a message; `None` when they are not a message at all.
pub fn parse(raw: &[u8]) -> Option<Reading> {
    let message = MessageParser::default().parse(raw)?;
    let mut html = Vec::new();
    for part in message.html_bodies() {
        if let PartType::Html(h) = &part.body {
            html.push(h.to_string());
        }
    }
    let mut text = Vec::new();
    for part in message.text_bodies() {
        if let PartType::Text(t) = &part.body {
            let flowed = part.content_type().is_some_and(|ct| {
                ct.attribute("format")
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"))
            });
            let delsp = part.content_type().is_some_and(|ct| {
                ct.attribute("delsp")
                    .is_some_and(|d| d.eq_ignore_ascii_case("yes"))
            });
            text.push(if flowed {
                reflow(t, delsp)
            } else {
                t.to_string()
            });
        }
    }
    let attachments = message
        .attachments()
        .map(|part| {
            let mime_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            let name = part
                .attachment_name()
                .map(clean_file_name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "attachment".into());
            Attachment {
                name,
                mime_type,
                size: part.len(),
            }
        })
        .collect();
    Some(Reading {
        from: message.from().and_then(|a| people(a).into_iter().next()),
        to: message.to().map(people).unwrap_or_default(),
        cc: message.cc().map(people).unwrap_or_default(),
        // Right-to-left subjects keep their marks, as the list's do (the window isolates
        // every field); controls go.
        subject: message.subject().map(displayable),
        date_ms: message.date().map(|d| d.to_timestamp() * 1000),
        html,
        text,
        attachments,
    })
}

fn people(address: &Address<'_>) -> Vec<Person> {
    address
        .iter()
        .filter_map(|a| {
            Some(Person {
                name: a.name().map(plain_text).filter(|n| !n.is_empty()),
                address: plain_text(a.address()?),
            })
        })
        .collect()
}

/// A name or an address as the list shows it: no control character, no bidi control
/// (in a sender they can only disguise it), as `gmail::headers` cleans a row's.
pub fn plain_text(value: &str) -> String {
    without_bidi_controls(value)
}

/// An attachment's name made safe to save: the last path component only, no control or
/// bidi character, no leading dots.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    plain_text(last)
        .trim_start_matches('.')
        .replace(':', "_")
        .trim()
        .to_owned()
}

/// RFC 3676 `format=flowed`: a line ending in a space continues on the next (the space
/// removed as well with `DelSp=yes`); space-stuffing is undone; quote depth is kept, and
/// a flowed line never joins a line of another depth; the signature separator stays.
pub fn reflow(text: &str, delsp: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = raw.chars().take_while(|c| *c == '>').count();
        let mut line = &raw[depth..];
        line = line.strip_prefix(' ').unwrap_or(line);
        let flowed = line.ends_with(' ') && line != "-- ";
        let content = if flowed && delsp {
            &line[..line.len() - 1]
        } else {
            line
        };
        match open.take() {
            Some((d, mut acc)) if d == depth => {
                acc.push_str(content);
                if flowed {
                    open = Some((d, acc));
                } else {
                    out.push(quoted(d, &acc));
                }
            }
            previous => {
                if let Some((d, acc)) = previous {
                    out.push(quoted(d, &acc));
                }
                if flowed {
                    open = Some((depth, content.to_owned()));
                } else {
                    out.push(quoted(depth, content));
                }
            }
        }
    }
    if let Some((d, acc)) = open {
        out.push(quoted(d, &acc));
    }
    out.join("\n")
}

fn quoted(depth: usize, line: &str) -> String {
    if depth == 0 {
        line.to_owned()
    } else {
        format!("{} {line}", ">".repeat(depth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALTERNATIVE: &str = "From: =?UTF-8?Q?Ana_Kowalska?= <ana@example.com>\r\n\
To: Jean <jean@example.org>, bob@example.net\r\n\
Cc: =?ISO-8859-2?Q?Zofia_=A3=F3d=BC?= <zofia@example.pl>\r\n\
Subject: =?UTF-8?B?UG9jaWFnIG8gOA==?=\r\n\
Date: Mon, 07 Dec 2026 09:30:00 +0100\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
\r\n\
--outer\r\n\
Content-Type: multipart/alternative; boundary=\"alt\"\r\n\
\r\n\
--alt\r\n\
Content-Type: text/plain; charset=windows-1252\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Caf=E9 at 8 =80 5\r\n\
--alt\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<p>Caf\u{e9} at <b>8</b></p>\r\n\
--alt--\r\n\
--outer\r\n\
Content-Type: application/pdf\r\n\
Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fbilet%E2%80%AEfdp.exe\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--outer--\r\n";

    #[test]
    fn a_message_gives_its_people_subject_date_both_alternatives_and_its_attachment() {
        let r = parse(ALTERNATIVE.as_bytes()).expect("a message");
        let from = r.from.unwrap();
        assert_eq!(
            (from.name.as_deref(), from.address.as_str()),
            (Some("Ana Kowalska"), "ana@example.com")
        );
        assert_eq!(r.to.len(), 2);
        assert_eq!(r.to[1].address, "bob@example.net");
        assert_eq!(
            r.cc[0].name.as_deref(),
            Some("Zofia Łódź"),
            "ISO-8859-2 in a word"
        );
        assert_eq!(r.subject.as_deref(), Some("Pociag o 8"));
        assert_eq!(r.date_ms, Some(1_796_632_200_000));
        assert_eq!(r.html.len(), 1);
        assert!(r.html[0].contains("<b>8</b>"));
        assert_eq!(r.text.len(), 1, "the plain part kept beside the HTML");
        assert!(r.text[0].starts_with("Café at 8 € 5"), "{:?}", r.text[0]);
        assert_eq!(r.attachments.len(), 1);
        let a = &r.attachments[0];
        assert_eq!(a.mime_type, "application/pdf");
        assert_eq!(a.size, 9);
        assert_eq!(a.name, "biletfdp.exe", "no path, no right-to-left override");
    }

    #[test]
    fn iso_2022_jp_text_decodes() {
        let raw = b"From: a@example.jp\r\nSubject: =?ISO-2022-JP?B?GyRCJEgkaiQ5JE4bKEI=?=\r\n\
Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$B$3$s$K$A$O\x1b(B\r\n";
        let r = parse(raw).unwrap();
        assert_eq!(r.text[0].trim(), "こんにちは");
        assert!(r.subject.unwrap().starts_with('と'));
    }

    #[test]
    fn format_flowed_is_reflowed_keeping_quote_depth_and_the_signature() {
        let text = "Hello there, this \r\nline flows.\r\n> quoted and \r\n> flowed\r\n>> deeper\r\n \
stuffed\r\n-- \r\nAna";
        assert_eq!(
            reflow(text, false),
            "Hello there, this line flows.\n> quoted and flowed\n>> deeper\nstuffed\n-- \nAna"
        );
        assert_eq!(reflow("one \r\ntwo", true), "onetwo");
    }

    #[test]
    fn header_text_loses_controls_and_bidi_overrides() {
        assert_eq!(plain_text("PayPal\u{202E}lapyaP\u{0007} "), "PayPallapyaP");
        assert_eq!(clean_file_name("C:\\Windows\\evil.bat"), "evil.bat");
        assert_eq!(clean_file_name("../../.bashrc"), "bashrc");
    }
}
