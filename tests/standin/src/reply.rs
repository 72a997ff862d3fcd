//! One reply as the stand-in builds it (status, headers, body bytes), and Google's error
//! bodies: the Google API JSON error (`{"error":{"code",...}}`) and the OAuth 2.0 error
//! (`{"error","error_description"}`).
//!
//! A `Reply` is plain data so a batch can embed it as an inner HTTP response; it becomes an
//! axum response only at the edge (`server.rs`). This module decides no HTTP semantics.

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};

/// A finished reply, before it is written to a socket or into a batch part.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

pub(crate) const JSON: &str = "application/json; charset=UTF-8";
const HTML: &str = "text/html; charset=utf-8";

impl Reply {
    /// A JSON reply; Google APIs pretty-print by default, which clients must not rely on.
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Reply {
        let body = serde_json::to_vec_pretty(value).unwrap_or_else(|_| b"{}".to_vec());
        Reply {
            status,
            headers: vec![
                ("content-type", JSON.into()),
                ("vary", "Origin, X-Origin, Referer".into()),
            ],
            body,
        }
    }

    pub fn html(status: StatusCode, html: String) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", HTML.into())],
            body: html.into_bytes(),
        }
    }

    pub fn redirect(location: &str) -> Reply {
        Reply {
            status: StatusCode::FOUND,
            headers: vec![("location", location.into()), ("content-type", HTML.into())],
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    pub fn is_json(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, v)| *n == "content-type" && v.starts_with("application/json"))
    }
}

/// Google's canonical status name for an HTTP status.
fn canonical_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    }
}

/// The Google API error body (docs/spec/GOOGLE-API.md 6.1) with one `errors[]` entry.
pub(crate) fn api_error_body(
    status: StatusCode,
    message: &str,
    reason: &str,
    domain: &str,
    location: Option<(&str, &str)>,
    item_message: Option<&str>,
) -> Value {
    let mut item = json!({
        "message": item_message.unwrap_or(message),
        "domain": domain,
        "reason": reason,
    });
    if let Some((location, kind)) = location {
        item["location"] = json!(location);
        item["locationType"] = json!(kind);
    }
    json!({"error": {
        "code": status.as_u16(),
        "message": message,
        "errors": [item],
        "status": canonical_status(status),
    }})
}

/// A Google API error reply.
pub(crate) fn api_error(status: StatusCode, message: &str, reason: &str, domain: &str) -> Reply {
    Reply::json(
        status,
        &api_error_body(status, message, reason, domain, None, None),
    )
}

/// The default body an injected failure gets: what Google sends for that status.
pub(crate) fn default_api_failure(status: StatusCode) -> Value {
    let (message, reason, domain) = match status.as_u16() {
        400 => ("Bad Request", "badRequest", "global"),
        401 => return invalid_credentials_body(),
        403 => (
            "User Rate Limit Exceeded",
            "userRateLimitExceeded",
            "usageLimits",
        ),
        404 => ("Requested entity was not found.", "notFound", "global"),
        429 => ("Rate Limit Exceeded", "rateLimitExceeded", "usageLimits"),
        500 => ("Backend Error", "backendError", "global"),
        502 => ("Bad Gateway", "badGateway", "global"),
        503 => (
            "The service is currently unavailable.",
            "backendError",
            "global",
        ),
        _ => ("Backend Error", "backendError", "global"),
    };
    api_error_body(status, message, reason, domain, None, None)
}

pub(crate) const INVALID_CREDENTIALS: &str = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const MISSING_CREDENTIALS: &str = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
pub(crate) const REALM: &str = "Bearer realm=\"https://accounts.google.com/\"";

fn invalid_credentials_body() -> Value {
    api_error_body(
        StatusCode::UNAUTHORIZED,
        INVALID_CREDENTIALS,
        "authError",
        "global",
        Some(("Authorization", "header")),
        Some("Invalid Credentials"),
    )
}

/// 401 for a token that is unknown, expired or revoked.
pub(crate) fn invalid_token() -> Reply {
    Reply::json(StatusCode::UNAUTHORIZED, &invalid_credentials_body()).with_header(
        "www-authenticate",
        format!("{REALM}, error=\"invalid_token\""),
    )
}

/// 401 when no credential was sent at all (no `error=` in the challenge).
pub(crate) fn missing_credentials() -> Reply {
    let body = api_error_body(
        StatusCode::UNAUTHORIZED,
        MISSING_CREDENTIALS,
        "required",
        "global",
        Some(("Authorization", "header")),
        Some("Login Required."),
    );
    Reply::json(StatusCode::UNAUTHORIZED, &body).with_header("www-authenticate", REALM)
}

/// 403 when the token lacks every scope the method accepts.
pub(crate) fn insufficient_scope(scopes: &[&str]) -> Reply {
    let body = api_error_body(
        StatusCode::FORBIDDEN,
        "Request had insufficient authentication scopes.",
        "insufficientPermissions",
        "global",
        None,
        Some("Insufficient Permission"),
    );
    Reply::json(StatusCode::FORBIDDEN, &body).with_header(
        "www-authenticate",
        format!(
            "{REALM}, error=\"insufficient_scope\", scope=\"{}\"",
            scopes.join(" ")
        ),
    )
}

/// An RFC 6749 section 5.2 error from the token or revocation endpoint.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Reply {
    no_store(Reply::json(
        status,
        &json!({"error": error, "error_description": description}),
    ))
}

/// Token replies must never be cached (RFC 6749 section 5.1).
pub(crate) fn no_store(reply: Reply) -> Reply {
    reply
        .with_header(
            "cache-control",
            "no-cache, no-store, max-age=0, must-revalidate",
        )
        .with_header("pragma", "no-cache")
}

/// Escapes text for HTML (and for Gmail snippets, which use the same five entities).
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_the_five_entities_gmail_escapes() {
        assert_eq!(
            escape_html(r#"Tom & Jerry's <b>"x"</b>"#),
            "Tom &amp; Jerry&#39;s &lt;b&gt;&quot;x&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn an_invalid_token_reply_carries_googles_body_and_challenge() {
        let reply = invalid_token();
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
        assert_eq!(body["error"]["errors"][0]["reason"], "authError");
        assert!(
            reply
                .headers
                .iter()
                .any(|(n, v)| *n == "www-authenticate" && v.ends_with("error=\"invalid_token\""))
        );
    }
}
