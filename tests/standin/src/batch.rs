//! The batch wire format: a `multipart/mixed` body of `application/http` parts in, the same
//! out (Google's "Batching Requests" guide, docs/spec/GOOGLE-API.md section 4).
//!
//! Parsing and writing only: running the parts is `server.rs`'s job (through `gmail.rs`).
//! Inner requests are parsed with `httparse`. At most [`MAX_PARTS`] parts.

use crate::reply::Reply;

/// Google's limit of calls in one batch.
pub const MAX_PARTS: usize = 100;

/// One inner request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub content_id: Option<String>,
    pub method: String,
    /// As written: should be path-only.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

/// Why a batch body could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum BatchError {
    #[error("the Content-Type is not multipart/mixed with a boundary")]
    NotMultipart,
    #[error("the body holds no parts for boundary {boundary}")]
    NoParts { boundary: String },
    #[error("part {index} is not a valid HTTP request")]
    BadPart { index: usize },
    #[error("batch holds {count} parts; the maximum is {MAX_PARTS}")]
    TooManyParts { count: usize },
}

/// The boundary parameter of a `multipart/mixed` Content-Type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';');
    if !pieces
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/mixed")
    {
        return None;
    }
    pieces.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

fn split_head(bytes: &[u8]) -> (&[u8], &[u8]) {
    for (sep, len) in [(&b"\r\n\r\n"[..], 4), (&b"\n\n"[..], 2)] {
        if let Some(i) = bytes.windows(len).position(|w| w == sep) {
            return (&bytes[..i], &bytes[i + len..]);
        }
    }
    (bytes, &[])
}

/// Splits and parses a batch body.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, BatchError> {
    let boundary = boundary(content_type).ok_or(BatchError::NotMultipart)?;
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut chunks: Vec<&str> = text.split(delimiter.as_str()).collect();
    if chunks.len() < 2 {
        return Err(BatchError::NoParts { boundary });
    }
    chunks.remove(0); // preamble
    let chunks: Vec<&str> = chunks
        .into_iter()
        .take_while(|c| !c.starts_with("--"))
        .collect();
    if chunks.is_empty() {
        return Err(BatchError::NoParts { boundary });
    }
    if chunks.len() > MAX_PARTS {
        return Err(BatchError::TooManyParts {
            count: chunks.len(),
        });
    }
    chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            parse_part(chunk.trim_start_matches(['\r', '\n']).as_bytes())
                .ok_or(BatchError::BadPart { index })
        })
        .collect()
}

fn parse_part(bytes: &[u8]) -> Option<Part> {
    let (mime_head, inner) = split_head(bytes);
    let mut content_id = None;
    for line in String::from_utf8_lossy(mime_head).lines() {
        if let Some((k, v)) = line.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-id")
        {
            content_id = Some(v.trim().to_string());
        }
    }
    // httparse wants the head to end with a blank line; a GET part may have none.
    let (head, _) = split_head(inner);
    let head = String::from_utf8_lossy(head);
    let (first, rest) = head.split_once('\n').unwrap_or((&head, ""));
    let first = first.trim_end_matches('\r');
    // Google takes a request line without the HTTP version; httparse does not.
    let first = if first.split_whitespace().count() == 2 {
        format!("{first} HTTP/1.1")
    } else {
        first.to_string()
    };
    let mut request_bytes = format!("{first}\r\n{rest}").into_bytes();
    if !rest.is_empty() {
        request_bytes.extend_from_slice(b"\r\n");
    }
    request_bytes.extend_from_slice(b"\r\n");
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(&request_bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return None,
    }
    Some(Part {
        content_id,
        method: request.method?.to_string(),
        target: request.path?.to_string(),
        headers: request
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
    })
}

/// `<item1>` becomes `<response-item1>`; a bare id gets the brackets added.
pub(crate) fn response_content_id(id: &str) -> String {
    let inner = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<response-{inner}>")
}

/// Writes the multipart reply, parts in the order given.
pub(crate) fn write(boundary: &str, parts: &[(Option<String>, Reply)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (content_id, reply) in parts {
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Type: application/http\r\n").as_bytes(),
        );
        if let Some(id) = content_id {
            out.extend_from_slice(
                format!("Content-ID: {}\r\n", response_content_id(id)).as_bytes(),
            );
        }
        let reason = reply.status.canonical_reason().unwrap_or("");
        out.extend_from_slice(
            format!("\r\nHTTP/1.1 {} {reason}\r\n", reply.status.as_u16()).as_bytes(),
        );
        for (name, value) in &reply.headers {
            out.extend_from_slice(format!("{}: {value}\r\n", header_case(name)).as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", reply.body.len()).as_bytes());
        out.extend_from_slice(&reply.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

fn header_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "--batch_x\r\nContent-Type: application/http\r\nContent-ID: <item1>\r\n\r\n\
        GET /gmail/v1/users/me/messages/abc?format=metadata\r\nAuthorization: Bearer t\r\n\r\n\
        --batch_x\r\nContent-Type: application/http\r\n\r\nGET /gmail/v1/users/me/labels HTTP/1.1\r\n\r\n--batch_x--\r\n";

    #[test]
    fn parts_keep_their_order_ids_and_headers() {
        // The first part has no HTTP version on its request line, which Google accepts.
        let parts = parse("multipart/mixed; boundary=\"batch_x\"", BODY.as_bytes()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].content_id.as_deref(), Some("<item1>"));
        assert_eq!(
            parts[0].target,
            "/gmail/v1/users/me/messages/abc?format=metadata"
        );
        assert_eq!(
            parts[0].headers,
            vec![("Authorization".to_string(), "Bearer t".to_string())]
        );
        assert_eq!(parts[1].content_id, None);
    }

    #[test]
    fn more_than_a_hundred_parts_are_refused() {
        let one = "--b\r\nContent-Type: application/http\r\n\r\nGET /x HTTP/1.1\r\n\r\n";
        let body = one.repeat(101) + "--b--";
        assert_eq!(
            parse("multipart/mixed; boundary=b", body.as_bytes()),
            Err(BatchError::TooManyParts { count: 101 })
        );
    }

    #[test]
    fn response_ids_get_the_response_prefix() {
        assert_eq!(response_content_id("<abc + 1>"), "<response-abc + 1>");
        assert_eq!(response_content_id("7"), "<response-7>");
    }
}
