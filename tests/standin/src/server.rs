//! The HTTP edge: axum routes, latency, the request log, connection-level faults, running a
//! batch's parts, and the `/_standin/` control endpoints.
//!
//! Endpoint logic lives in `oauth.rs` and `gmail.rs`; this module turns requests into their
//! inputs and their [`Reply`]s into responses. Control endpoints are neither delayed nor
//! logged, so a test's bookkeeping never disturbs what it measures.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use futures_util::{StreamExt, stream};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::json;

use crate::AutoApprove;
use crate::batch;
use crate::changes::{MailboxCommand, MailboxControl};
use crate::faults::{Endpoint, FaultCommand, Faults};
use crate::gmail::{self, ApiRequest};
use crate::oauth;
use crate::reply::{Reply, api_error};
use crate::state::{RequestRecord, State};

type Shared = AxumState<Arc<State>>;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/o/oauth2/v2/auth", get(authorize))
        .route("/o/oauth2/auth", get(authorize))
        .route(crate::consent::CONSENT_PATH, post(consent))
        .route("/token", post(token))
        .route("/revoke", post(revoke))
        .route("/v1/userinfo", get(userinfo_oidc).post(userinfo_oidc))
        .route("/oauth2/v2/userinfo", get(userinfo_v2).post(userinfo_v2))
        .route(
            "/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route(
            "/oauth2/v3/certs",
            get(|| async { axum::Json(json!({"keys": []})) }),
        )
        .route("/gmail/v1/{*rest}", any(gmail_http))
        .route("/batch", post(batch_http))
        .route("/batch/gmail/v1", post(batch_http))
        .route("/_standin/faults", post(control_faults))
        .route("/_standin/mailbox", post(control_mailbox))
        .route("/_standin/auto-approve", post(control_auto_approve))
        .route("/_standin/requests", get(control_requests))
        .route("/_standin/units", get(control_units))
        .fallback(|| async { into_response(gmail::not_found_page()) })
        .with_state(state)
}

fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn delay(state: &State) {
    let latency = state.faults().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn into_response(reply: Reply) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Replaces a JSON body with a cut-off one while the malformed-JSON fault is armed.
pub(crate) fn corrupt_if_armed(state: &State, endpoint: Endpoint, reply: &mut Reply) {
    if state.faults().take_malformed(endpoint) {
        reply.status = StatusCode::OK;
        let keep = (reply.body.len() / 2).max(1);
        reply.body.truncate(keep);
        if reply.body.is_empty() {
            reply.body = b"{".to_vec();
        }
    }
}

/// Logs, applies the reply-level faults and sends.
fn finish(
    state: &State,
    method: &Method,
    uri: &Uri,
    endpoint: Endpoint,
    user: Option<String>,
    units: u32,
    mut reply: Reply,
) -> Response {
    corrupt_if_armed(state, endpoint, &mut reply);
    state.log().push(RequestRecord {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().unwrap_or_default().to_string(),
        endpoint,
        user,
        units,
        status: reply.status.as_u16(),
        in_batch: false,
    });
    if state.faults().take_close_mid_reply(endpoint) {
        return closed_mid_reply(reply);
    }
    into_response(reply)
}

/// Sends the head and part of the body, then fails the body stream so hyper drops the
/// connection: the client sees a reply that stops in the middle.
fn closed_mid_reply(reply: Reply) -> Response {
    let full = reply.body.len();
    let first: Bytes = Bytes::from(reply.body[..full / 2].to_vec());
    // The pause lets hyper flush the head and the first bytes before the failure aborts the
    // connection; without it the client may see no reply at all, a different fault.
    let failure = stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "stand-in fault: connection closed mid-reply",
        ))
    });
    let chunks = stream::iter([Ok::<_, std::io::Error>(first)]).chain(failure);
    let mut response = Response::new(Body::from_stream(chunks));
    *response.status_mut() = reply.status;
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, value);
        }
    }
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.max(1)));
    response
}

/// No reply at all: the body fails before its first byte, so hyper drops the connection
/// without sending a head (the `unreachable` fault).
fn no_reply() -> Response {
    let failure = stream::once(async {
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "stand-in fault: unreachable",
        ))
    });
    let mut response = Response::new(Body::from_stream(failure));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(1));
    response
}

/// A failure injected with `fail_next` on a non-Gmail endpoint: the OAuth-style body.
fn injected(state: &State, endpoint: Endpoint) -> Option<Reply> {
    let failure = state.faults().take_failure(endpoint)?;
    let status = StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = failure.body.unwrap_or_else(
        || json!({"error": "internal_failure", "error_description": "Backend Error"}),
    );
    Some(Reply::json(status, &body))
}

macro_rules! oauth_handler {
    ($name:ident, $endpoint:expr, |$state:ident, $method:ident, $uri:ident, $headers:ident, $body:ident| $call:expr) => {
        async fn $name(
            AxumState($state): Shared,
            $method: Method,
            $uri: Uri,
            $headers: HeaderMap,
            $body: Bytes,
        ) -> Response {
            delay(&$state).await;
            let endpoint = $endpoint;
            let (user, reply) = match injected(&$state, endpoint) {
                Some(reply) => (None, reply),
                None => $call,
            };
            let _ = (&$headers, &$body);
            finish(&$state, &$method, &$uri, endpoint, user, 0, reply)
        }
    };
}

oauth_handler!(
    authorize,
    Endpoint::Authorize,
    |state, method, uri, headers, body| oauth::authorize(&state, &pairs(uri.query()))
);
oauth_handler!(
    consent,
    Endpoint::Consent,
    |state, method, uri, headers, body| oauth::consent_answer(
        &state,
        &pairs(std::str::from_utf8(&body).ok())
    )
);
oauth_handler!(
    token,
    Endpoint::Token,
    |state, method, uri, headers, body| oauth::token(
        &state,
        header_str(&headers, header::AUTHORIZATION),
        header_str(&headers, header::CONTENT_TYPE),
        &body
    )
);
oauth_handler!(
    revoke,
    Endpoint::Revoke,
    |state, method, uri, headers, body| oauth::revoke(&state, &pairs(uri.query()), &body)
);
oauth_handler!(
    userinfo_oidc,
    Endpoint::Userinfo,
    |state, method, uri, headers, body| oauth::userinfo(
        &state,
        header_str(&headers, header::AUTHORIZATION),
        &pairs(uri.query()),
        true
    )
);
oauth_handler!(
    userinfo_v2,
    Endpoint::UserinfoV2,
    |state, method, uri, headers, body| oauth::userinfo(
        &state,
        header_str(&headers, header::AUTHORIZATION),
        &pairs(uri.query()),
        false
    )
);
oauth_handler!(
    openid_configuration,
    Endpoint::OpenidConfiguration,
    |state, method, uri, headers, body| (None, oauth::openid_configuration(&state))
);

async fn gmail_http(
    AxumState(state): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    delay(&state).await;
    if gmail::is_unreachable(&state, header_str(&headers, header::AUTHORIZATION)) {
        return no_reply();
    }
    let request = ApiRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: pairs(uri.query()),
        authorization: header_str(&headers, header::AUTHORIZATION).map(str::to_string),
    };
    let outcome = gmail::handle(&state, &request);
    finish(
        &state,
        &method,
        &uri,
        outcome.endpoint,
        outcome.user,
        outcome.units,
        outcome.reply,
    )
}

async fn batch_http(
    AxumState(state): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    delay(&state).await;
    if gmail::is_unreachable(&state, header_str(&headers, header::AUTHORIZATION)) {
        return no_reply();
    }
    // Taken into a local first: the faults lock must be released before `finish`, which
    // locks it again (a batch failure used to deadlock here).
    let failure = state.faults().take_failure(Endpoint::Batch);
    if let Some(reply) = failure.map(|f| {
        let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Reply::json(
            status,
            &f.body
                .unwrap_or_else(|| crate::reply::default_api_failure(status)),
        )
    }) {
        return finish(&state, &method, &uri, Endpoint::Batch, None, 0, reply);
    }
    let content_type = header_str(&headers, header::CONTENT_TYPE).unwrap_or_default();
    let parts = match batch::parse(content_type, &body) {
        Ok(parts) => parts,
        Err(e) => {
            let reply = api_error(
                StatusCode::BAD_REQUEST,
                &format!("Failed to parse batch request, error: {e}"),
                "badRequest",
                "global",
            );
            return finish(&state, &method, &uri, Endpoint::Batch, None, 0, reply);
        }
    };
    let outer_query = pairs(uri.query());
    let outer_auth = header_str(&headers, header::AUTHORIZATION).map(str::to_string);
    let mut replies = Vec::with_capacity(parts.len());
    let mut units = 0;
    let mut user = None;
    for part in parts {
        let (path, query) = part
            .target
            .split_once('?')
            .map_or((part.target.as_str(), None), |(p, q)| (p, Some(q)));
        if !part.target.starts_with('/') {
            let reply = api_error(
                StatusCode::BAD_REQUEST,
                "Full URLs are not allowed in batch requests; use a path.",
                "badRequest",
                "global",
            );
            replies.push((part.content_id, reply));
            continue;
        }
        let mut query = pairs(query);
        for (k, v) in &outer_query {
            if !query.iter().any(|(qk, _)| qk == k) {
                query.push((k.clone(), v.clone()));
            }
        }
        let authorization = part
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone())
            .or_else(|| outer_auth.clone());
        let request = ApiRequest {
            method: part.method.clone(),
            path: path.to_string(),
            query,
            authorization,
        };
        let mut outcome = gmail::handle(&state, &request);
        corrupt_if_armed(&state, outcome.endpoint, &mut outcome.reply);
        units += outcome.units;
        user = user.or(outcome.user.clone());
        state.log().push(RequestRecord {
            method: part.method,
            path: path.to_string(),
            query: request
                .query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
            endpoint: outcome.endpoint,
            user: outcome.user,
            units: outcome.units,
            status: outcome.reply.status.as_u16(),
            in_batch: true,
        });
        replies.push((part.content_id, outcome.reply));
    }
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    let boundary = format!("batch_{tail}");
    let mut body = batch::write(&boundary, &replies);
    if state.faults().take_truncate_batch() {
        body.truncate(body.len() * 3 / 5);
    }
    let reply = Reply {
        status: StatusCode::OK,
        headers: vec![(
            "content-type",
            format!("multipart/mixed; boundary={boundary}"),
        )],
        body,
    };
    // The batch's own log line carries the sum of its parts' units.
    finish(&state, &method, &uri, Endpoint::Batch, user, units, reply)
}

async fn control_faults(AxumState(state): Shared, body: Bytes) -> Response {
    let commands: Result<Vec<FaultCommand>, _> = serde_json::from_slice::<FaultCommand>(&body)
        .map(|c| vec![c])
        .or_else(|_| serde_json::from_slice::<Vec<FaultCommand>>(&body));
    match commands {
        Ok(commands) => {
            let faults = Faults { state };
            for c in commands {
                if let Err(e) = faults.try_apply(c) {
                    return bad_control_request(&e.to_string());
                }
            }
            axum::Json(json!({"ok": true})).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

fn bad_control_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": message})),
    )
        .into_response()
}

/// Applies one [`MailboxCommand`] or an array of them, in order; answers what each left
/// (`{"historyId": "...", "id": "..."}`, an array for an array), or 400 at the first that
/// fails (the earlier ones stay applied).
async fn control_mailbox(AxumState(state): Shared, body: Bytes) -> Response {
    let (commands, many) = match serde_json::from_slice::<MailboxCommand>(&body) {
        Ok(c) => (vec![c], false),
        Err(one) => match serde_json::from_slice::<Vec<MailboxCommand>>(&body) {
            Ok(cs) => (cs, true),
            Err(_) => return bad_control_request(&one.to_string()),
        },
    };
    let control = MailboxControl { state };
    let mut results = Vec::with_capacity(commands.len());
    for c in commands {
        match control.apply(c) {
            Ok(applied) => results.push(applied),
            Err(e) => return bad_control_request(&e.to_string()),
        }
    }
    if many {
        axum::Json(results).into_response()
    } else {
        axum::Json(&results[0]).into_response()
    }
}

async fn control_auto_approve(AxumState(state): Shared, body: Bytes) -> Response {
    match serde_json::from_slice::<AutoApprove>(&body) {
        Ok(mode) => {
            *state
                .auto_approve
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = mode;
            axum::Json(json!({"ok": true})).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

async fn control_requests(AxumState(state): Shared) -> Response {
    let log = state.log().clone();
    axum::Json(log).into_response()
}

async fn control_units(AxumState(state): Shared) -> Response {
    let units = state.quota().all_spent();
    axum::Json(units).into_response()
}
