//! The batch wire format (Google's "Batching Requests" guide, docs/spec/GOOGLE-API.md
//! section 4): a
//! `multipart/mixed` body of `application/http` GET requests out, the `multipart/mixed`
//! reply of inner HTTP responses back.
//!
//! Writing and reading only, no I/O: sending, retrying and deciding what a failed part
//! means is `list.rs`'s job. Parts are named `Content-ID: <item-N>` and answers are matched
//! back by `<response-item-N>`, never by their position.

use std::time::Duration;

/// Google's advice: batches above 50 calls are likely to be rate-limited.
pub const MAX_PARTS: usize = 50;

/// The request body for GETs of `paths` (path-only URLs, query included); part `i` is
/// `<item-i>`.
pub fn request_body(boundary: &str, paths: &[String]) -> String {
    let mut body = String::with_capacity(paths.len() * 200);
    for (i, path) in paths.iter().enumerate() {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-{i}>\r\n\r\n\
             GET {path}\r\n\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body
}

/// One inner response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartReply {
    /// The `N` of `<response-item-N>`.
    pub index: usize,
    /// The inner HTTP status.
    pub status: u16,
    /// The inner `Retry-After`, in seconds.
    pub retry_after: Option<Duration>,
    /// The inner body.
    pub body: String,
}

/// Why a batch reply could not be read as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// The Content-Type is not `multipart/mixed` with a boundary.
    #[error("the batch reply is not multipart/mixed")]
    NotMultipart,
    /// The closing boundary never came: the reply was cut off.
    #[error("the batch reply stops before its end")]
    Truncated,
}

/// The boundary parameter of a `multipart/mixed` Content-Type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';');
    if !pieces
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/mixed")
    {
        return None;
    }
    pieces
        .find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_owned())
        })
        .filter(|b| !b.is_empty())
}

/// Reads a batch reply. Parts that carry no `<response-item-N>` id or no readable status
/// line are left out (their requests count as unanswered); a reply without its closing
/// boundary is [`ReplyError::Truncated`], since its last part may be cut short.
pub fn parse_reply(content_type: &str, body: &str) -> Result<Vec<PartReply>, ReplyError> {
    let boundary = boundary(content_type).ok_or(ReplyError::NotMultipart)?;
    let delimiter = format!("--{boundary}");
    let mut chunks = body.split(delimiter.as_str());
    chunks.next(); // the preamble
    let mut parts = Vec::new();
    let mut closed = false;
    for chunk in chunks {
        if chunk.starts_with("--") {
            closed = true;
            break;
        }
        if let Some(part) = parse_part(chunk) {
            parts.push(part);
        }
    }
    if !closed {
        return Err(ReplyError::Truncated);
    }
    Ok(parts)
}

/// Splits at the first blank line (CRLF or bare LF).
fn split_head(text: &str) -> (&str, &str) {
    let crlf = text.find("\r\n\r\n").map(|i| (i, 4));
    let lf = text.find("\n\n").map(|i| (i, 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => {
            let (i, n) = if a.0 <= b.0 { a } else { b };
            (&text[..i], &text[i + n..])
        }
        (Some((i, n)), None) | (None, Some((i, n))) => (&text[..i], &text[i + n..]),
        (None, None) => (text, ""),
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn parse_part(chunk: &str) -> Option<PartReply> {
    let chunk = chunk.trim_start_matches(['\r', '\n']);
    let (mime_head, inner) = split_head(chunk);
    let id = header(mime_head, "Content-ID")?;
    let index = id
        .trim_start_matches('<')
        .trim_end_matches('>')
        .strip_prefix("response-item-")?
        .parse()
        .ok()?;
    let inner = inner.trim_start_matches(['\r', '\n']);
    let (head, body) = split_head(inner);
    let status_line = head.lines().next()?;
    let mut words = status_line.split_whitespace();
    if !words.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = words.next()?.parse().ok()?;
    let retry_after = header(head, "Retry-After")
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_secs);
    // The CRLF before the next delimiter belongs to the delimiter.
    let body = body
        .strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .unwrap_or(body);
    Some(PartReply {
        index,
        status,
        retry_after,
        body: body.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_every_part_and_closes_the_body() {
        let body = request_body(
            "b1",
            &[
                "/gmail/v1/users/me/messages/a?format=metadata".into(),
                "/x".into(),
            ],
        );
        assert_eq!(
            body,
            "--b1\r\nContent-Type: application/http\r\nContent-ID: <item-0>\r\n\r\n\
             GET /gmail/v1/users/me/messages/a?format=metadata\r\n\r\n\
             --b1\r\nContent-Type: application/http\r\nContent-ID: <item-1>\r\n\r\n\
             GET /x\r\n\r\n--b1--\r\n"
        );
    }

    const REPLY: &str = "--batch_q\r\nContent-Type: application/http\r\n\
        Content-ID: <response-item-1>\r\n\r\nHTTP/1.1 404 Not Found\r\n\
        Content-Type: application/json\r\n\r\n{\"error\":{}}\r\n\
        --batch_q\r\nContent-Type: application/http\r\nContent-ID: <response-item-0>\r\n\r\n\
        HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n\
        {\"id\": \"a\"}\r\n\
        --batch_q\r\nContent-Type: application/http\r\nContent-ID: <response-item-2>\r\n\r\n\
        HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\n\r\n{}\r\n--batch_q--\r\n";

    #[test]
    fn parts_are_read_with_their_ids_statuses_and_bodies_whatever_their_order() {
        let parts = parse_reply("multipart/mixed; boundary=batch_q", REPLY).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!((parts[0].index, parts[0].status), (1, 404));
        assert_eq!(
            (parts[1].index, parts[1].status, parts[1].body.as_str()),
            (0, 200, "{\"id\": \"a\"}")
        );
        assert_eq!(parts[2].retry_after, Some(Duration::from_secs(3)));
    }

    #[test]
    fn a_reply_cut_before_its_closing_boundary_is_truncated() {
        let cut = &REPLY[..REPLY.len() * 3 / 5];
        assert_eq!(
            parse_reply("multipart/mixed; boundary=batch_q", cut),
            Err(ReplyError::Truncated)
        );
    }

    #[test]
    fn a_reply_that_is_not_multipart_is_refused() {
        assert_eq!(
            parse_reply("application/json", "{}"),
            Err(ReplyError::NotMultipart)
        );
        assert_eq!(
            boundary("multipart/mixed; boundary=\"x y\""),
            Some("x y".into())
        );
        assert_eq!(boundary("multipart/mixed"), None);
    }

    #[test]
    fn parts_with_bare_newlines_or_without_our_ids_are_handled() {
        let reply = "--b\nContent-Type: application/http\nContent-ID: <response-item-7>\n\n\
                     HTTP/1.1 200 OK\n\n{}\n--b\nContent-Type: application/http\n\n\
                     HTTP/1.1 200 OK\n\n{}\n--b--";
        let parts = parse_reply("multipart/mixed; boundary=b", reply).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!((parts[0].index, parts[0].body.as_str()), (7, "{}"));
    }
}
