//! Decoding what Gmail sends in headers and snippets into plain text: RFC 2047 encoded
//! words in any charset (through `encoding_rs` and `base64`), HTML entities in snippets
//! (the full HTML5 set, through `htmlize`), and the sender in a `From` value.
//!
//! Not here: what a row shows (`rows.rs`). The results are text, never markup: the window
//! puts them in with `textContent`.

use base64::Engine as _;

/// The display name (decoded, `None` if there is none) and address of the first mailbox in
/// a `From` value: `"Kowalska, Ana" <ana@x>`, `Ana <ana@x>`, `<ana@x>`, `ana@x`, and the
/// old `ana@x (Ana)`.
pub fn parse_from(value: &str) -> (Option<String>, String) {
    let first = first_mailbox(value.trim());
    let (name, address) = match angle_address(first) {
        Some((before, address)) => (unquote(before), address.trim().to_owned()),
        None => {
            // `ana@x (Ana Kowalska)`: the comment is the only name there is.
            let (address, comment) = match (first.find('('), first.rfind(')')) {
                (Some(open), Some(close)) if open < close => {
                    (&first[..open], Some(&first[open + 1..close]))
                }
                _ => (first, None),
            };
            (
                comment.map(unquote).unwrap_or_default(),
                address.trim().to_owned(),
            )
        }
    };
    let name = collapse_whitespace(&decode_encoded_words(&name));
    let name = (!name.is_empty() && name != address).then_some(name);
    (name, address)
}

/// The text before the first comma that is outside quotes and angle brackets.
fn first_mailbox(value: &str) -> &str {
    let (mut quoted, mut escaped, mut angle) = (false, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => return value[..i].trim(),
            _ => {}
        }
    }
    value
}

/// `(display part, address)` when the mailbox has an `<address>` outside quotes.
fn angle_address(mailbox: &str) -> Option<(&str, &str)> {
    let (mut quoted, mut escaped) = (false, false);
    let mut open = None;
    for (i, c) in mailbox.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => open = Some(i),
            '>' if !quoted => {
                if let Some(o) = open {
                    return Some((&mailbox[..o], &mailbox[o + 1..i]));
                }
            }
            _ => {}
        }
    }
    None
}

/// A display name without its quotes and backslash escapes.
fn unquote(name: &str) -> String {
    let name = name.trim();
    if !name.contains('"') {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in name.chars() {
        match c {
            _ if escaped => {
                out.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c => out.push(c),
        }
    }
    out
}

pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text fit for a screen or a terminal: C0 and C1 controls and DEL (NUL, escape, bell
/// among them) become spaces, then runs of whitespace collapse to one. Bidi controls
/// stay (right-to-left text needs them); the window isolates each field.
pub fn displayable(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    collapse_whitespace(&spaced)
}

/// As [`displayable`], without the bidi embedding, override and isolate controls and the
/// direction marks: in a sender's name or address they can only disguise it
/// ("Mallory \u{202E}gnp.exe" shows as "Mallory exe.png").
pub fn without_bidi_controls(text: &str) -> String {
    let kept: String = text.chars().filter(|c| !is_bidi_control(*c)).collect();
    displayable(&kept)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Decodes RFC 2047 encoded-words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`); whitespace
/// between two adjacent encoded-words is dropped, as the RFC says. Words in another
/// charset, or that do not decode, stay as written.
pub fn decode_encoded_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut pending_space = String::new();
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some((decoded, len)) = rest.starts_with("=?").then(|| encoded_word(rest)).flatten() {
            if !last_was_word {
                out.push_str(&pending_space);
            }
            pending_space.clear();
            out.push_str(&decoded);
            rest = &rest[len..];
            last_was_word = true;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c.is_whitespace() {
            pending_space.push(c);
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push(c);
            last_was_word = false;
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&pending_space);
    out
}

/// One encoded-word at the start of `text`: its text and its length in `text`.
fn encoded_word(text: &str) -> Option<(String, usize)> {
    let body = text.strip_prefix("=?")?;
    let (charset, body) = body.split_once('?')?;
    let (encoding, body) = body.split_once('?')?;
    let end = body.find("?=")?;
    let payload = &body[..end];
    if payload.contains(char::is_whitespace) || charset.is_empty() {
        return None;
    }
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let bytes = match encoding {
        "B" | "b" => base64::engine::general_purpose::STANDARD
            .decode(payload)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(payload))
            .ok()?,
        "Q" | "q" => q_decode(payload)?,
        _ => return None,
    };
    // RFC 2231 lets a language follow the charset: `UTF-8*pl`.
    let charset = charset.split('*').next().unwrap_or(charset);
    // Any charset the WHATWG Encoding Standard knows (ISO-8859-2, KOI8-R, Shift_JIS,
    // Windows-1252, …); bytes that are not valid in it leave the word as written.
    let encoding = encoding_rs::Encoding::for_label(charset.trim().as_bytes())?;
    let decoded = encoding
        .decode_without_bom_handling_and_without_replacement(&bytes)?
        .into_owned();
    Some((decoded, len))
}

fn q_decode(payload: &str) -> Option<Vec<u8>> {
    let bytes = payload.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = payload.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

/// Decodes the HTML entities Gmail puts in snippets: the full HTML5 named set (`&eacute;`,
/// `&hellip;`, `&amp;`) and numeric references, in one pass so `&amp;lt;` becomes `&lt;`,
/// as a browser would. Anything that is not an entity stays as written.
pub fn decode_entities(text: &str) -> String {
    htmlize::unescape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_name_with_a_comma_keeps_the_comma_and_loses_the_quotes() {
        assert_eq!(
            parse_from("\"Kowalska, Ana\" <ana@example.com>"),
            (Some("Kowalska, Ana".into()), "ana@example.com".into())
        );
    }

    #[test]
    fn a_plain_name_an_angle_address_and_a_bare_address_all_parse() {
        assert_eq!(
            parse_from("Ana Kowalska <ana@example.com>"),
            (Some("Ana Kowalska".into()), "ana@example.com".into())
        );
        assert_eq!(
            parse_from("<ana@example.com>"),
            (None, "ana@example.com".into())
        );
        assert_eq!(
            parse_from("  ana@example.com "),
            (None, "ana@example.com".into())
        );
        assert_eq!(
            parse_from("ana@example.com (Ana K.)"),
            (Some("Ana K.".into()), "ana@example.com".into())
        );
    }

    #[test]
    fn escaped_quotes_and_angle_brackets_inside_a_quoted_name_stay_in_the_name() {
        assert_eq!(
            parse_from(r#""Ana \"the boss\" <K>" <ana@example.com>"#),
            (
                Some("Ana \"the boss\" <K>".into()),
                "ana@example.com".into()
            )
        );
        assert_eq!(
            parse_from("\"<script>alert('from')</script>\" <evil@attacker.example.net>"),
            (
                Some("<script>alert('from')</script>".into()),
                "evil@attacker.example.net".into()
            )
        );
    }

    #[test]
    fn only_the_first_of_several_senders_is_taken() {
        assert_eq!(
            parse_from("\"Doe, J\" <j@x.org>, Ana <ana@example.com>"),
            (Some("Doe, J".into()), "j@x.org".into())
        );
    }

    #[test]
    fn a_name_that_is_the_address_again_is_no_name() {
        assert_eq!(
            parse_from("\"ana@example.com\" <ana@example.com>"),
            (None, "ana@example.com".into())
        );
    }

    #[test]
    fn encoded_words_decode_in_b_and_q_with_utf8_and_latin1() {
        assert_eq!(
            parse_from("\"=?UTF-8?Q?Andr=C3=A9_Dupont?=\" <andre.dupont@example.org>").0,
            Some("André Dupont".into())
        );
        assert_eq!(
            decode_encoded_words("=?utf-8?B?WmHFvMOzxYLEhyBnxJnFm2zEhSBqYcW6xYQ=?="),
            "Zażółć gęślą jaźń"
        );
        assert_eq!(
            decode_encoded_words("=?ISO-8859-1?Q?Fran=E7ois?="),
            "François"
        );
        assert_eq!(
            decode_encoded_words("=?UTF-8*pl?Q?Ksi=C4=85=C5=BCki?="),
            "Książki"
        );
    }

    #[test]
    fn space_between_encoded_words_is_dropped_but_kept_next_to_plain_text() {
        assert_eq!(
            decode_encoded_words("=?UTF-8?Q?Caf=C3=A9?= =?UTF-8?Q?_au_lait?= today"),
            "Café au lait today"
        );
        assert_eq!(
            decode_encoded_words("Re: =?UTF-8?Q?=C3=A9t=C3=A9?="),
            "Re: été"
        );
    }

    #[test]
    fn words_that_do_not_decode_stay_as_written() {
        for text in [
            "=?X-NO-SUCH-CHARSET?Q?abc?=",
            "=?UTF-8?B?/w==?=",
            "=?UTF-8?X?abc?=",
            "=?UTF-8?Q?bad=ZZ?=",
            "=? not a word",
            "a =?= b",
        ] {
            assert_eq!(decode_encoded_words(text), text);
        }
    }

    #[test]
    fn snippet_entities_decode_once_and_unknown_ones_stay() {
        assert_eq!(
            decode_entities("Tom &amp; Jerry&#39;s &lt;b&gt;&quot;x&quot;&lt;/b&gt;"),
            "Tom & Jerry's <b>\"x\"</b>"
        );
        assert_eq!(
            decode_entities("a&nbsp;b &#x1F44B; &#233;"),
            "a\u{a0}b 👋 é"
        );
        assert_eq!(decode_entities("&amp;lt; stays &lt;"), "&lt; stays <");
        assert_eq!(
            decode_entities("R&D &unknown; & &#xZZ;"),
            "R&D &unknown; & &#xZZ;"
        );
    }

    #[test]
    fn named_entities_beyond_the_basic_five_decode_as_a_browser_would() {
        assert_eq!(
            decode_entities("caf&eacute; &hellip; &euro;5 &mdash; &Zdot;&oacute;&lstrok;w"),
            "café … €5 — Żółw"
        );
    }

    #[test]
    fn encoded_words_decode_in_iso_8859_2_koi8_r_shift_jis_and_windows_1252() {
        // "Zażółć" in ISO-8859-2, as Polish mail often sends it.
        assert_eq!(
            decode_encoded_words("=?ISO-8859-2?Q?Za=BF=F3=B3=E6?="),
            "Zażółć"
        );
        // "Привет" in KOI8-R, base64.
        assert_eq!(decode_encoded_words("=?KOI8-R?B?8NLJ18XU?="), "Привет");
        // "こんにちは" in Shift_JIS, base64.
        assert_eq!(
            decode_encoded_words("=?Shift_JIS?B?grGC8YLJgr+CzQ==?="),
            "こんにちは"
        );
        // Windows-1252's curly quotes and euro sign (0x93, 0x94, 0x80).
        assert_eq!(
            decode_encoded_words("=?windows-1252?Q?=93Price=94_=80_9?="),
            "“Price” € 9"
        );
    }
}
