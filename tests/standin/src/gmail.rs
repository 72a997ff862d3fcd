//! The Gmail API v1 subset: routing under `gmail/v1/users/{userId}/`, bearer-token and scope
//! checks, quota, and the methods getProfile, labels.list/get, messages.list/get and
//! history.list, with Google's wire format (int64 as strings, absent empty lists).
//!
//! [`handle`] is synchronous and transport-free so the batch endpoint can run each part
//! through exactly the same code. It does not know about sockets, latency or connection
//! faults (`server.rs`). The `fields` parameter is accepted and ignored: replies are always
//! whole.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use serde::Serialize;
use serde_json::{Value, json};

use crate::faults::Endpoint;
use crate::mailbox::{Account, HistoryKind, HistoryRecord, Message};
use crate::query::Query;
use crate::quota::RateLimitStyle;
use crate::reply::{self, Reply, api_error, escape_html};
use crate::state::State;
use crate::tokens::Bearer;

/// One Gmail API request, from a socket or from a batch part.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub method: String,
    /// Path only, e.g. `/gmail/v1/users/me/messages`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
}

/// What handling a request produced, for the reply and the request log.
pub(crate) struct Outcome {
    pub endpoint: Endpoint,
    pub user: Option<String>,
    pub units: u32,
    pub reply: Reply,
}

const GLOBAL_PARAMS: &[&str] = &[
    "$.xgafv",
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "uploadType",
    "upload_protocol",
];

const MAIL: &str = "https://mail.google.com/";
const G: &str = "https://www.googleapis.com/auth/gmail.";

/// Scopes the discovery document lists for a method (any one suffices).
fn scopes_for(endpoint: Endpoint) -> Vec<String> {
    let suffixes: &[&str] = match endpoint {
        Endpoint::GetProfile => &["compose", "metadata", "modify", "readonly"],
        Endpoint::LabelsList | Endpoint::LabelsGet => &["labels", "metadata", "modify", "readonly"],
        Endpoint::MessagesGet => &[
            "addons.current.message.action",
            "addons.current.message.metadata",
            "addons.current.message.readonly",
            "metadata",
            "modify",
            "readonly",
        ],
        _ => &["metadata", "modify", "readonly"],
    };
    std::iter::once(MAIL.to_string())
        .chain(suffixes.iter().map(|s| format!("{G}{s}")))
        .collect()
}

/// Params each method takes besides the global ones.
fn params_for(endpoint: Endpoint) -> &'static [&'static str] {
    match endpoint {
        Endpoint::MessagesList => &[
            "q",
            "labelIds",
            "includeSpamTrash",
            "maxResults",
            "pageToken",
        ],
        Endpoint::MessagesGet => &["format", "metadataHeaders"],
        Endpoint::HistoryList => &[
            "startHistoryId",
            "historyTypes",
            "labelId",
            "maxResults",
            "pageToken",
        ],
        _ => &[],
    }
}

fn route(method: &str, path: &str) -> Option<(Endpoint, String, Option<String>)> {
    let rest = path.strip_prefix("/gmail/v1/users/")?;
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    if method != "GET" {
        return None;
    }
    let user = segments.first()?.clone();
    let (endpoint, id) = match segments
        .iter()
        .skip(1)
        .map(String::as_str)
        .collect::<Vec<_>>()[..]
    {
        ["profile"] => (Endpoint::GetProfile, None),
        ["labels"] => (Endpoint::LabelsList, None),
        ["labels", id] => (Endpoint::LabelsGet, Some(id.to_string())),
        ["messages"] => (Endpoint::MessagesList, None),
        ["messages", id] => (Endpoint::MessagesGet, Some(id.to_string())),
        ["history"] => (Endpoint::HistoryList, None),
        _ => return None,
    };
    Some((endpoint, user, id))
}

/// Google's answer to a URL it has no method for.
pub(crate) fn not_found_page() -> Reply {
    Reply::html(
        StatusCode::NOT_FOUND,
        "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 404 (Not Found)!!1</title>\
         <p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL was not found on this server. \
         <ins>That’s all we know.</ins>"
            .into(),
    )
}

fn invalid_argument(message: &str) -> Reply {
    api_error(
        StatusCode::BAD_REQUEST,
        message,
        "invalidArgument",
        "global",
    )
}

fn invalid_value(field: &str, kind: &str, value: &str) -> Reply {
    let message = format!("Invalid value at '{field}' ({kind}), \"{value}\"");
    api_error(StatusCode::BAD_REQUEST, &message, "invalid", "global")
}

fn not_found() -> Reply {
    api_error(
        StatusCode::NOT_FOUND,
        "Requested entity was not found.",
        "notFound",
        "global",
    )
}

fn forbidden(message: &str) -> Reply {
    api_error(StatusCode::FORBIDDEN, message, "forbidden", "global")
}

/// Handles one Gmail API request (from a socket or a batch part).
/// Whether the user an `Authorization: Bearer` header speaks for is one whose calls get no
/// reply (the `unreachable` fault).
pub(crate) fn is_unreachable(state: &State, authorization: Option<&str>) -> bool {
    let Some((scheme, token)) = authorization.and_then(|h| h.split_once(' ')) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return false;
    }
    let email = match state.tokens().bearer(token.trim()) {
        Bearer::Valid(t) => t.email.to_lowercase(),
        Bearer::Invalid => return false,
    };
    state.faults().unreachable.contains(&email)
}

pub(crate) fn handle(state: &State, req: &ApiRequest) -> Outcome {
    let Some((endpoint, user_id, id)) = route(&req.method, &req.path) else {
        return Outcome {
            endpoint: Endpoint::Other,
            user: None,
            units: 0,
            reply: not_found_page(),
        };
    };
    let mut outcome = Outcome {
        endpoint,
        user: None,
        units: 0,
        reply: not_found(),
    };
    let injected = state.faults().take_failure(endpoint);
    if let Some(failure) = injected {
        let status =
            StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = failure
            .body
            .unwrap_or_else(|| reply::default_api_failure(status));
        let mut r = Reply::json(status, &body);
        if status == StatusCode::TOO_MANY_REQUESTS {
            r = r.with_header("retry-after", "1");
        }
        outcome.reply = r;
        return outcome;
    }

    // Authentication: the header, else the access_token/oauth_token parameter Google also takes.
    let param = |name: &str| {
        req.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let token = match &req.authorization {
        Some(h) => match h.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => {
                Some(t.trim().to_string())
            }
            _ => Some(String::new()),
        },
        None => param("access_token")
            .or(param("oauth_token"))
            .map(str::to_string),
    };
    let Some(token) = token else {
        outcome.reply = reply::missing_credentials();
        return outcome;
    };
    let (email, scopes) = match state.tokens().bearer(&token) {
        Bearer::Valid(t) => (t.email.clone(), t.scopes.clone()),
        Bearer::Invalid => {
            outcome.reply = reply::invalid_token();
            return outcome;
        }
    };
    outcome.user = Some(email.clone());
    let accepted = scopes_for(endpoint);
    if !scopes.iter().any(|s| accepted.contains(s)) {
        let wanted: Vec<&str> = accepted.iter().map(String::as_str).collect();
        outcome.reply = reply::insufficient_scope(&wanted);
        return outcome;
    }
    if user_id != "me" && !user_id.eq_ignore_ascii_case(&email) {
        outcome.reply = forbidden(&format!("Delegation denied for {email}"));
        return outcome;
    }
    for (name, _) in &req.query {
        if !GLOBAL_PARAMS.contains(&name.as_str()) && !params_for(endpoint).contains(&name.as_str())
        {
            let message = format!(
                "Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query parameter. \
                 Field '{name}' could not be found in request message."
            );
            outcome.reply = api_error(StatusCode::BAD_REQUEST, &message, "invalid", "global");
            return outcome;
        }
    }
    let units = state.quota().units(endpoint);
    if let Err(refusal) = state.quota().charge(&email, units) {
        outcome.reply = match refusal.style {
            RateLimitStyle::TooManyRequests => api_error(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests: User-rate limit exceeded",
                "rateLimitExceeded",
                "usageLimits",
            )
            .with_header("retry-after", refusal.retry_after.to_string()),
            RateLimitStyle::UserRateLimit => api_error(
                StatusCode::FORBIDDEN,
                "User Rate Limit Exceeded",
                "userRateLimitExceeded",
                "usageLimits",
            ),
        };
        return outcome;
    }
    outcome.units = units;

    let mailbox = state.mailbox();
    let Some(account) = mailbox.account(&email) else {
        outcome.reply = not_found();
        return outcome;
    };
    let metadata_only = !scopes.iter().any(|s| {
        s == MAIL
            || s.ends_with("gmail.readonly")
            || s.ends_with("gmail.modify")
            || s.ends_with(".message.readonly")
    });
    let params = Params(&req.query);
    let mut reply = match endpoint {
        Endpoint::GetProfile => Reply::json(
            StatusCode::OK,
            &json!({
                "emailAddress": account.email,
                "messagesTotal": account.messages.len(),
                "threadsTotal": account.threads_total(),
                "historyId": account.history_id.to_string(),
            }),
        ),
        Endpoint::LabelsList => labels_list(account),
        Endpoint::LabelsGet => labels_get(account, id.as_deref().unwrap_or_default()),
        Endpoint::MessagesList => messages_list(state, account, &params, metadata_only),
        Endpoint::MessagesGet => messages_get(
            account,
            id.as_deref().unwrap_or_default(),
            &params,
            metadata_only,
        ),
        Endpoint::HistoryList => history_list(account, &params),
        _ => not_found(),
    };
    if params
        .get("prettyPrint")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"))
        && reply.is_json()
        && let Ok(v) = serde_json::from_slice::<Value>(&reply.body)
    {
        reply.body = serde_json::to_vec(&v).unwrap_or_default();
    }
    outcome.reply = reply;
    outcome
}

struct Params<'a>(&'a [(String, String)]);

impl Params<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn max_results(&self) -> Result<usize, Reply> {
        match self.get("maxResults") {
            None => Ok(100),
            Some(v) => match v.parse::<u32>() {
                // Gmail clamps rather than refuses; 0 means "the default".
                Ok(0) => Ok(100),
                Ok(n) => Ok(n.min(500) as usize),
                Err(_) => Err(invalid_value("max_results", "TYPE_UINT32", v)),
            },
        }
    }
    fn offset(&self) -> Result<usize, Reply> {
        match self.get("pageToken") {
            None | Some("") => Ok(0),
            Some(t) => decode_page_token(t).ok_or_else(|| invalid_argument("Invalid pageToken")),
        }
    }
}

const PAGE_MULT: u64 = 2_654_435_761;
const PAGE_KEY: u64 = 0x5a17_c0de_0bad_f00d;

/// Page tokens look like Gmail's (a long decimal) and are checked, so a made-up one is a 400.
fn encode_page_token(offset: usize) -> String {
    format!("{:020}", (offset as u64 * PAGE_MULT) ^ PAGE_KEY)
}

fn decode_page_token(token: &str) -> Option<usize> {
    let n = token.parse::<u64>().ok()? ^ PAGE_KEY;
    (n.is_multiple_of(PAGE_MULT) && token.len() == 20).then_some((n / PAGE_MULT) as usize)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LabelOut<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_list_visibility: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label_list_visibility: Option<&'a str>,
    #[serde(rename = "type")]
    kind: crate::mailbox::LabelType,
    #[serde(skip_serializing_if = "Option::is_none")]
    messages_total: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    messages_unread: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threads_total: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threads_unread: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<&'a crate::mailbox::LabelColor>,
}

fn label_out<'a>(
    account: &'a Account,
    label: &'a crate::mailbox::Label,
    with_counts: bool,
) -> LabelOut<'a> {
    let counts = with_counts.then(|| account.label_counts(&label.id));
    LabelOut {
        id: &label.id,
        name: &label.name,
        message_list_visibility: label.message_list_visibility.as_deref(),
        label_list_visibility: label.label_list_visibility.as_deref(),
        kind: label.kind,
        messages_total: counts.map(|c| c.messages_total),
        messages_unread: counts.map(|c| c.messages_unread),
        threads_total: counts.map(|c| c.threads_total),
        threads_unread: counts.map(|c| c.threads_unread),
        color: if with_counts {
            label.color.as_ref()
        } else {
            None
        },
    }
}

fn labels_list(account: &Account) -> Reply {
    let labels: Vec<LabelOut<'_>> = account
        .labels
        .iter()
        .map(|l| label_out(account, l, false))
        .collect();
    Reply::json(StatusCode::OK, &json!({ "labels": labels }))
}

fn labels_get(account: &Account, id: &str) -> Reply {
    match account.label(id) {
        Some(label) => Reply::json(StatusCode::OK, &label_out(account, label, true)),
        None => not_found(),
    }
}

fn messages_list(
    state: &State,
    account: &Account,
    params: &Params<'_>,
    metadata_only: bool,
) -> Reply {
    let max = match params.max_results() {
        Ok(n) => n,
        Err(r) => return r,
    };
    let offset = match params.offset() {
        Ok(n) => n,
        Err(r) => return r,
    };
    let include_spam_trash = match params.get("includeSpamTrash") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => true,
        Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => false,
        Some(v) => return invalid_value("include_spam_trash", "TYPE_BOOL", v),
    };
    let q = params.get("q").filter(|q| !q.trim().is_empty());
    if q.is_some() && metadata_only {
        return forbidden("Metadata scope does not support 'q' parameter");
    }
    let query = q.map(Query::parse);
    let label_ids: Vec<String> = params
        .all("labelIds")
        .iter()
        .map(|id| {
            account
                .label(id)
                .map_or_else(|| id.to_string(), |l| l.id.clone())
        })
        .collect();
    let wants_spam_trash = include_spam_trash
        || query.as_ref().is_some_and(Query::mentions_spam_or_trash)
        || label_ids.iter().any(|l| l == "SPAM" || l == "TRASH");
    let now = state.now_ms();
    let matching: Vec<&Message> = account
        .messages
        .iter()
        .filter(|m| label_ids.iter().all(|l| m.has_label(l)))
        .filter(|m| wants_spam_trash || !(m.has_label("SPAM") || m.has_label("TRASH")))
        .filter(|m| query.as_ref().is_none_or(|q| q.matches(account, m, now)))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(max)
        .map(|m| json!({"id": m.id, "threadId": m.thread_id}))
        .collect();
    let mut out = serde_json::Map::new();
    let more = offset + page.len() < matching.len();
    if !page.is_empty() {
        out.insert("messages".into(), Value::Array(page));
    }
    if more {
        out.insert(
            "nextPageToken".into(),
            json!(encode_page_token(offset + max)),
        );
    }
    out.insert("resultSizeEstimate".into(), json!(matching.len()));
    Reply::json(StatusCode::OK, &out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageOut<'a> {
    id: &'a str,
    thread_id: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    label_ids: &'a [String],
    snippet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<PartOut>,
    size_estimate: i32,
    history_id: String,
    internal_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    part_id: Option<String>,
    mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
    headers: Vec<HeaderOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<BodyOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<PartOut>,
}

#[derive(Serialize)]
struct HeaderOut {
    name: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BodyOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    attachment_id: Option<String>,
    size: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
}

fn h(name: &str, value: impl Into<String>) -> HeaderOut {
    HeaderOut {
        name: name.into(),
        value: value.into(),
    }
}

fn leaf(part_id: &str, mime: &str, text: &str) -> PartOut {
    PartOut {
        part_id: Some(part_id.into()),
        mime_type: mime.into(),
        filename: Some(String::new()),
        headers: vec![
            h("Content-Type", format!("{mime}; charset=\"UTF-8\"")),
            h("Content-Transfer-Encoding", "quoted-printable"),
        ],
        body: Some(BodyOut {
            attachment_id: None,
            size: text.len() as i32,
            data: Some(URL_SAFE.encode(text)),
        }),
        parts: Vec::new(),
    }
}

fn top_mime(m: &Message) -> &'static str {
    if !m.attachments.is_empty() {
        "multipart/mixed"
    } else if m.html.is_some() {
        "multipart/alternative"
    } else {
        "text/plain"
    }
}

/// The top-level headers as served: the stored ones plus the Content-Type of the structure.
fn served_headers(m: &Message) -> Vec<HeaderOut> {
    let mut headers: Vec<HeaderOut> = m
        .headers
        .iter()
        .map(|x| h(&x.name, x.value.clone()))
        .collect();
    let mime = top_mime(m);
    if mime == "text/plain" {
        headers.push(h("Content-Type", "text/plain; charset=\"UTF-8\""));
    } else {
        headers.push(h(
            "Content-Type",
            format!("{mime}; boundary=\"0000{}\"", m.id),
        ));
    }
    headers
}

fn full_payload(m: &Message) -> PartOut {
    let headers = served_headers(m);
    let body_parts = |prefix: &str| -> Vec<PartOut> {
        let p = |n: u32| {
            if prefix.is_empty() {
                n.to_string()
            } else {
                format!("{prefix}.{n}")
            }
        };
        let mut v = vec![leaf(&p(0), "text/plain", &m.text)];
        if let Some(html) = &m.html {
            v.push(leaf(&p(1), "text/html", html));
        }
        v
    };
    let multipart =
        |part_id: &str, mime: &str, headers: Vec<HeaderOut>, parts: Vec<PartOut>| PartOut {
            part_id: Some(part_id.into()),
            mime_type: mime.into(),
            filename: Some(String::new()),
            headers,
            body: Some(BodyOut {
                attachment_id: None,
                size: 0,
                data: None,
            }),
            parts,
        };
    match top_mime(m) {
        "text/plain" => {
            let mut part = leaf("", "text/plain", &m.text);
            part.headers = headers;
            part
        }
        "multipart/alternative" => multipart("", "multipart/alternative", headers, body_parts("")),
        _ => {
            let alternative = if m.html.is_some() {
                multipart(
                    "0",
                    "multipart/alternative",
                    vec![h(
                        "Content-Type",
                        format!("multipart/alternative; boundary=\"0001{}\"", m.id),
                    )],
                    body_parts("0"),
                )
            } else {
                leaf("0", "text/plain", &m.text)
            };
            let mut parts = vec![alternative];
            for (i, a) in m.attachments.iter().enumerate() {
                let n = i + 1;
                parts.push(PartOut {
                    part_id: Some(n.to_string()),
                    mime_type: a.mime_type.clone(),
                    filename: Some(a.filename.clone()),
                    headers: vec![
                        h(
                            "Content-Type",
                            format!("{}; name=\"{}\"", a.mime_type, a.filename),
                        ),
                        h(
                            "Content-Disposition",
                            format!("attachment; filename=\"{}\"", a.filename),
                        ),
                        h("Content-Transfer-Encoding", "base64"),
                        h(
                            "X-Attachment-Id",
                            format!("f_{}{n}", &m.id[m.id.len().saturating_sub(6)..]),
                        ),
                    ],
                    body: Some(BodyOut {
                        attachment_id: Some(format!(
                            "ANGjdJ{}",
                            URL_SAFE.encode(format!("{}:{n}:standin-attachment", m.id))
                        )),
                        size: a.size as i32,
                        data: None,
                    }),
                    parts: Vec::new(),
                });
            }
            multipart("", "multipart/mixed", headers, parts)
        }
    }
}

/// The message as RFC 822 bytes, base64url (`format=raw`): the same structure as
/// `format=full` (text, HTML as its alternative, attachments after), each part base64 in
/// lines of 76, non-ASCII file names in RFC 2231 form.
fn raw_message(m: &Message) -> String {
    let mut text = String::new();
    for header in served_headers(m) {
        text.push_str(&format!("{}: {}\r\n", header.name, header.value));
    }
    text.push_str("MIME-Version: 1.0\r\n\r\n");
    let leaf = |mime: &str, body: &[u8]| {
        format!(
            "Content-Type: {mime}; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            wrapped_base64(body)
        )
    };
    let alternative = |boundary: &str| {
        let mut out = format!("--{boundary}\r\n{}", leaf("text/plain", m.text.as_bytes()));
        if let Some(html) = &m.html {
            out.push_str(&format!(
                "--{boundary}\r\n{}",
                leaf("text/html", html.as_bytes())
            ));
        }
        out.push_str(&format!("--{boundary}--\r\n"));
        out
    };
    match top_mime(m) {
        "text/plain" => {
            // The headers already said text/plain: only the body, base64.
            text.truncate(text.len() - 2);
            text.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            text.push_str(&wrapped_base64(m.text.as_bytes()));
        }
        "multipart/alternative" => text.push_str(&alternative(&format!("0000{}", m.id))),
        _ => {
            let outer = format!("0000{}", m.id);
            text.push_str(&format!("--{outer}\r\n"));
            if m.html.is_some() {
                let inner = format!("0001{}", m.id);
                text.push_str(&format!(
                    "Content-Type: multipart/alternative; boundary=\"{inner}\"\r\n\r\n{}",
                    alternative(&inner)
                ));
            } else {
                text.push_str(&leaf("text/plain", m.text.as_bytes()));
            }
            for (i, a) in m.attachments.iter().enumerate() {
                let name = if a.filename.is_ascii() {
                    format!("filename=\"{}\"", a.filename.replace('"', "'"))
                } else {
                    format!(
                        "filename*=UTF-8''{}",
                        percent_encoding::utf8_percent_encode(
                            &a.filename,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                };
                text.push_str(&format!(
                    "--{outer}\r\nContent-Type: {}\r\nContent-Disposition: attachment; {name}\r\n\
                     Content-Transfer-Encoding: base64\r\n\r\n{}",
                    a.mime_type,
                    wrapped_base64(&attachment_bytes(m, i + 1))
                ));
            }
            text.push_str(&format!("--{outer}--\r\n"));
        }
    }
    URL_SAFE.encode(text)
}

/// The bytes of a message's attachment `n` (from 1): made from the message's id, as many as
/// its size says, the same every time they are asked for.
pub fn attachment_bytes(m: &Message, n: usize) -> Vec<u8> {
    let Some(a) = m.attachments.get(n.wrapping_sub(1)) else {
        return Vec::new();
    };
    let seed = format!("{}:{n}:{}", m.id, a.filename);
    seed.bytes()
        .cycle()
        .enumerate()
        .map(|(i, b)| b.wrapping_add((i % 251) as u8))
        .take(a.size as usize)
        .collect()
}

/// Standard base64 in lines of 76, each ended by CRLF (RFC 2045).
fn wrapped_base64(bytes: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

fn messages_get(account: &Account, id: &str, params: &Params<'_>, metadata_only: bool) -> Reply {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return invalid_argument("Invalid id value");
    }
    let format = params.get("format").unwrap_or("full").to_ascii_lowercase();
    if !matches!(format.as_str(), "minimal" | "metadata" | "full" | "raw") {
        return invalid_value(
            "format",
            "type.googleapis.com/google.apps.gmail.v1.Format",
            params.get("format").unwrap_or_default(),
        );
    }
    if metadata_only && (format == "full" || format == "raw") {
        return forbidden(&format!(
            "Metadata scope doesn't allow format {}",
            format.to_uppercase()
        ));
    }
    let Some(m) = account.message(&id.to_ascii_lowercase()) else {
        return not_found();
    };
    let wanted: Vec<String> = params
        .all("metadataHeaders")
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let payload = match format.as_str() {
        "metadata" => Some(PartOut {
            part_id: None,
            mime_type: top_mime(m).into(),
            filename: None,
            headers: served_headers(m)
                .into_iter()
                .filter(|x| wanted.is_empty() || wanted.contains(&x.name.to_ascii_lowercase()))
                .collect(),
            body: None,
            parts: Vec::new(),
        }),
        "full" => Some(full_payload(m)),
        _ => None,
    };
    Reply::json(
        StatusCode::OK,
        &MessageOut {
            id: &m.id,
            thread_id: &m.thread_id,
            label_ids: &m.label_ids,
            snippet: escape_html(&m.snippet),
            payload,
            size_estimate: m.size_estimate(),
            history_id: m.history_id.to_string(),
            internal_date: m.internal_date.to_string(),
            raw: (format == "raw").then(|| raw_message(m)),
        },
    )
}

/// One History record in Google's shape: `id`, `messages` [{id, threadId}] and the field of
/// its kind, whose `message` also carries the labels (absent when it has none).
fn history_record(r: &HistoryRecord) -> Value {
    let mut message = json!({"id": r.message_id, "threadId": r.thread_id});
    if !r.message_label_ids.is_empty() {
        message["labelIds"] = json!(r.message_label_ids);
    }
    let change = match r.kind {
        HistoryKind::MessageAdded | HistoryKind::MessageDeleted => json!({"message": message}),
        HistoryKind::LabelAdded | HistoryKind::LabelRemoved => {
            json!({"message": message, "labelIds": r.label_ids})
        }
    };
    let mut out = serde_json::Map::new();
    out.insert("id".into(), json!(r.id.to_string()));
    out.insert(
        "messages".into(),
        json!([{"id": r.message_id, "threadId": r.thread_id}]),
    );
    out.insert(r.kind.field().into(), json!([change]));
    Value::Object(out)
}

fn history_list(account: &Account, params: &Params<'_>) -> Reply {
    let Some(start) = params.get("startHistoryId") else {
        return invalid_argument("Missing startHistoryId");
    };
    let Ok(start) = start.parse::<u64>() else {
        return invalid_value("start_history_id", "TYPE_UINT64", start);
    };
    let (max, offset) = match (params.max_results(), params.offset()) {
        (Ok(max), Ok(offset)) => (max, offset),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let mut types = Vec::new();
    for t in params.all("historyTypes") {
        match HistoryKind::parse(t) {
            Some(kind) => types.push(kind),
            None => {
                return invalid_value(
                    "history_types",
                    "type.googleapis.com/google.apps.gmail.v1.ListHistoryRequest.HistoryType",
                    t,
                );
            }
        }
    }
    let label = params.get("labelId").filter(|l| !l.is_empty()).map(|l| {
        account
            .label(l)
            .map_or_else(|| l.to_string(), |found| found.id.clone())
    });
    // Google no longer keeps history that old: the client must sync in full
    // (docs/spec/GOOGLE-API.md
    // section 2), and the body is Google's usual 404.
    let Some(since) = account.history_since(start) else {
        return not_found();
    };
    let records: Vec<&HistoryRecord> = since
        .filter(|r| types.is_empty() || types.contains(&r.kind))
        .filter(|r| label.as_deref().is_none_or(|l| r.concerns_label(l)))
        .collect();
    let page: Vec<Value> = records
        .iter()
        .skip(offset)
        .take(max)
        .map(|r| history_record(r))
        .collect();
    let mut out = serde_json::Map::new();
    let more = offset + page.len() < records.len();
    if !page.is_empty() {
        out.insert("history".into(), Value::Array(page));
    }
    if more {
        out.insert(
            "nextPageToken".into(),
            json!(encode_page_token(offset + max)),
        );
    }
    out.insert("historyId".into(), json!(account.history_id.to_string()));
    Reply::json(StatusCode::OK, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_made_up_ones_are_refused() {
        for offset in [0, 1, 100, 1199, 5000] {
            assert_eq!(decode_page_token(&encode_page_token(offset)), Some(offset));
        }
        assert_eq!(decode_page_token("12345"), None);
        assert_eq!(decode_page_token("00000000000000000001"), None);
        assert_eq!(decode_page_token("not-a-token"), None);
    }

    #[test]
    fn routes_cover_the_methods_and_decode_the_user() {
        let (e, user, id) = route("GET", "/gmail/v1/users/ana%40example.com/messages/abc").unwrap();
        assert_eq!(
            (e, user.as_str(), id.as_deref()),
            (Endpoint::MessagesGet, "ana@example.com", Some("abc"))
        );
        assert!(route("GET", "/gmail/v1/users/me/threads").is_none());
        assert!(route("DELETE", "/gmail/v1/users/me/messages/abc").is_none());
    }
}
