//! Google's OAuth 2.0 and OpenID Connect endpoints: authorization (with the consent page),
//! token (authorization_code with PKCE, refresh_token), revocation, userinfo (OIDC and
//! oauth2/v2) and the discovery document.
//!
//! Checks follow Google's behaviour where it is known (docs/spec/GOOGLE-API.md section 7)
//! and RFC 6749,
//! 7636 and 8252 otherwise. The id_token is an HS256 JWT signed with the client secret (OIDC
//! Core 10.1); Google signs RS256 with published keys, which a stand-in cannot. Transport,
//! latency and connection faults are `server.rs`'s business, not this module's.

use std::collections::HashSet;
use std::time::Instant;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use crate::AutoApprove;
use crate::consent::{self, FIELD_ACCOUNT, FIELD_DECISION, FIELD_REQUEST};
use crate::mailbox::Account;
use crate::reply::{self, Reply, no_store, oauth_error};
use crate::state::{CLIENT_ID, CLIENT_SECRET, PendingAuth, State};
use crate::tokens::{AuthCode, Bearer, Challenge, EXPIRES_IN};

const AUTH: &str = "https://www.googleapis.com/auth/";
const USERINFO_EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
const USERINFO_PROFILE: &str = "https://www.googleapis.com/auth/userinfo.profile";
const GMAIL_SCOPES: &[&str] = &[
    "addons.current.action.compose",
    "addons.current.message.action",
    "addons.current.message.metadata",
    "addons.current.message.readonly",
    "compose",
    "insert",
    "labels",
    "metadata",
    "modify",
    "readonly",
    "send",
    "settings.basic",
    "settings.sharing",
];

type Pairs = [(String, String)];

fn get<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Google's canonical form of a scope (`email` → `.../userinfo.email`), or `None` if unknown.
fn canonical_scope(scope: &str) -> Option<String> {
    match scope {
        "openid" => Some("openid".into()),
        "email" => Some(USERINFO_EMAIL.into()),
        "profile" => Some(USERINFO_PROFILE.into()),
        "https://mail.google.com/" => Some(scope.into()),
        _ => {
            let tail = scope.strip_prefix(AUTH)?;
            let ok = matches!(tail, "userinfo.email" | "userinfo.profile")
                || tail
                    .strip_prefix("gmail.")
                    .is_some_and(|g| GMAIL_SCOPES.contains(&g));
            ok.then(|| scope.to_string())
        }
    }
}

/// RFC 8252 loopback redirect: http, a loopback host, any port, any path, no fragment.
fn loopback_redirect(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    url.scheme() == "http"
        && url.fragment().is_none()
        && url.username().is_empty()
        && matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
}

fn error_page(status: StatusCode, error: &str, detail: &str) -> Reply {
    Reply::html(status, consent::error_page(status.as_u16(), error, detail))
}

fn valid_pkce_value(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// `GET /o/oauth2/v2/auth`: checks the request, then shows the consent page or, when
/// auto-approving, redirects straight back.
pub(crate) fn authorize(state: &State, query: &Pairs) -> (Option<String>, Reply) {
    let mut seen = HashSet::new();
    if let Some((dup, _)) = query.iter().find(|(k, _)| !seen.insert(k.as_str())) {
        return (
            None,
            error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Parameter included more than once: {dup}"),
            ),
        );
    }
    match get(query, "client_id") {
        Some(CLIENT_ID) => {}
        _ => {
            return (
                None,
                error_page(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "The OAuth client was not found.",
                ),
            );
        }
    }
    let Some(redirect_uri) = get(query, "redirect_uri") else {
        return (
            None,
            error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: redirect_uri",
            ),
        );
    };
    if !loopback_redirect(redirect_uri) {
        return (
            None,
            error_page(
                StatusCode::BAD_REQUEST,
                "redirect_uri_mismatch",
                &format!(
                    "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri={redirect_uri}"
                ),
            ),
        );
    }
    let bad = |detail: &str| {
        (
            None,
            error_page(StatusCode::BAD_REQUEST, "invalid_request", detail),
        )
    };
    match get(query, "response_type") {
        Some("code") => {}
        None => return bad("Required parameter is missing: response_type"),
        Some(other) => return bad(&format!("Invalid response_type: {other}")),
    }
    let Some(scope) = get(query, "scope") else {
        return bad("Missing required parameter: scope");
    };
    let mut scopes: Vec<String> = Vec::new();
    let mut invalid: Vec<&str> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        match canonical_scope(s) {
            Some(c) if !scopes.contains(&c) => scopes.push(c),
            Some(_) => {}
            None => invalid.push(s),
        }
    }
    if !invalid.is_empty() {
        return (
            None,
            error_page(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                &format!(
                    "Some requested scopes were invalid. {{invalid=[{}]}}",
                    invalid.join(", ")
                ),
            ),
        );
    }
    let challenge = match (
        get(query, "code_challenge"),
        get(query, "code_challenge_method"),
    ) {
        (None, None) => None,
        (None, Some(_)) => return bad("Missing code_challenge."),
        (Some(c), method) => {
            let s256 = match method.unwrap_or("plain") {
                "S256" => true,
                "plain" => false,
                other => return bad(&format!("Invalid code_challenge_method: {other}")),
            };
            if !valid_pkce_value(c) {
                return bad("Invalid code_challenge.");
            }
            Some(Challenge {
                value: c.to_string(),
                s256,
            })
        }
    };
    let offline = match get(query, "access_type") {
        None | Some("online") => false,
        Some("offline") => true,
        Some(other) => return bad(&format!("Invalid access_type: {other}")),
    };
    let prompts: Vec<&str> = get(query, "prompt")
        .unwrap_or_default()
        .split(' ')
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(p) = prompts
        .iter()
        .find(|p| !matches!(**p, "none" | "consent" | "select_account"))
    {
        return bad(&format!("Invalid prompt: {p}"));
    }
    if prompts.contains(&"none") && prompts.len() > 1 {
        return bad("prompt=none cannot be combined with other values");
    }
    let pending = PendingAuth {
        redirect_uri: redirect_uri.to_string(),
        state: query
            .iter()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.clone()),
        scopes,
        challenge,
        offline,
        prompt_consent: prompts.contains(&"consent"),
        login_hint: get(query, "login_hint").map(str::to_string),
        nonce: get(query, "nonce").map(str::to_string),
    };
    let mailbox = state.mailbox();
    let hinted = || {
        pending
            .login_hint
            .as_deref()
            .and_then(|h| mailbox.account(h))
    };
    let auto = match state.auto_approve() {
        AutoApprove::Off => None,
        AutoApprove::As(email) => mailbox.account(&email),
        AutoApprove::LoginHint => hinted().or(mailbox.accounts.first()),
    };
    if prompts.contains(&"none") {
        let account = auto.or_else(hinted).or(mailbox.accounts.first());
        return match account {
            Some(a) if state.tokens().has_live_grant(CLIENT_ID, &a.email) => {
                let email = a.email.clone();
                (Some(email.clone()), approve(state, &pending, &email))
            }
            _ => (None, redirect_error(&pending, "consent_required")),
        };
    }
    if let Some(account) = auto {
        let email = account.email.clone();
        return (Some(email.clone()), approve(state, &pending, &email));
    }
    let id: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let page = consent::consent_page(
        &id,
        &mailbox.accounts,
        pending.login_hint.as_deref(),
        &pending.scopes,
    );
    state.pending().insert(id, pending);
    (None, Reply::html(StatusCode::OK, page))
}

fn redirect_with(pending: &PendingAuth, pairs: &[(&str, &str)]) -> Reply {
    let mut url = Url::parse(&pending.redirect_uri).expect("checked when the request came in");
    {
        let mut q = url.query_pairs_mut();
        if let Some(s) = &pending.state {
            q.append_pair("state", s);
        }
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    Reply::redirect(url.as_str())
}

fn redirect_error(pending: &PendingAuth, error: &str) -> Reply {
    redirect_with(pending, &[("error", error)])
}

/// Issues a code for `email` and redirects back to the client.
fn approve(state: &State, pending: &PendingAuth, email: &str) -> Reply {
    let mut tokens = state.tokens();
    let first = !tokens.has_live_grant(CLIENT_ID, email);
    let consent_shown = first || pending.prompt_consent;
    let code = tokens.issue_code(AuthCode {
        client_id: CLIENT_ID.into(),
        redirect_uri: pending.redirect_uri.clone(),
        challenge: pending.challenge.clone(),
        email: email.into(),
        scopes: pending.scopes.clone(),
        refresh: pending.offline && consent_shown,
        nonce: pending.nonce.clone(),
        issued: Instant::now(),
        used: false,
    });
    drop(tokens);
    let scope = pending.scopes.join(" ");
    let prompt = if consent_shown { "consent" } else { "none" };
    redirect_with(
        pending,
        &[
            ("code", &code),
            ("scope", &scope),
            ("authuser", "0"),
            ("prompt", prompt),
        ],
    )
}

/// `POST /o/oauth2/v2/auth/consent`: the person pressed Allow or Deny.
pub(crate) fn consent_answer(state: &State, form: &Pairs) -> (Option<String>, Reply) {
    let pending = get(form, FIELD_REQUEST).and_then(|id| state.pending().remove(id));
    let Some(pending) = pending else {
        return (
            None,
            error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "This sign-in request has expired or was already answered. Start again from the app.",
            ),
        );
    };
    if get(form, FIELD_DECISION) != Some("allow") {
        return (None, redirect_error(&pending, "access_denied"));
    }
    let mailbox = state.mailbox();
    let Some(account) = get(form, FIELD_ACCOUNT).and_then(|e| mailbox.account(e)) else {
        return (
            None,
            error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "No account was chosen.",
            ),
        );
    };
    let email = account.email.clone();
    // Granular consent: the identity scopes, and those whose box was ticked.
    let ticked: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == consent::FIELD_SCOPE)
        .map(|(_, v)| v.as_str())
        .collect();
    let granted: Vec<String> = pending
        .scopes
        .iter()
        .filter(|s| consent::is_identity_scope(s) || ticked.contains(&s.as_str()))
        .cloned()
        .collect();
    let pending = PendingAuth {
        scopes: granted,
        ..pending
    };
    (Some(email.clone()), approve(state, &pending, &email))
}

/// Client credentials from `client_secret_basic` (preferred when present) or `client_secret_post`.
fn client_credentials(
    authorization: Option<&str>,
    form: &Pairs,
) -> (Option<String>, Option<String>) {
    if let Some(basic) = authorization.and_then(|h| {
        h.strip_prefix("Basic ")
            .or_else(|| h.strip_prefix("basic "))
    }) && let Some((id, secret)) = STANDARD
        .decode(basic.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .as_deref()
        .and_then(|s| s.split_once(':'))
    {
        // RFC 6749 2.3.1: both halves are form-urlencoded before base64.
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        return (Some(decode(id)), Some(decode(secret)));
    }
    (
        get(form, "client_id").map(str::to_string),
        get(form, "client_secret").map(str::to_string),
    )
}

/// `POST /token`.
pub(crate) fn token(
    state: &State,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> (Option<String>, Reply) {
    if !content_type.is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")) {
        return (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid Content-Type: expected application/x-www-form-urlencoded",
            ),
        );
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let (client_id, secret) = client_credentials(authorization, &form);
    let Some(client_id) = client_id else {
        return (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Could not determine client ID from request.",
            ),
        );
    };
    if client_id != CLIENT_ID {
        return (
            None,
            oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "The OAuth client was not found.",
            ),
        );
    }
    match secret.as_deref() {
        None => {
            return (
                None,
                oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "client_secret is missing.",
                ),
            );
        }
        Some(CLIENT_SECRET) => {}
        Some(_) => {
            return (
                None,
                oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized"),
            );
        }
    }
    match get(&form, "grant_type") {
        Some("authorization_code") => code_grant(state, &form),
        Some("refresh_token") => refresh_grant(state, &form),
        other => (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("Invalid grant_type: {}", other.unwrap_or_default()),
            ),
        ),
    }
}

fn code_grant(state: &State, form: &Pairs) -> (Option<String>, Reply) {
    let Some(code) = get(form, "code") else {
        return (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: code",
            ),
        );
    };
    let Some(redirect_uri) = get(form, "redirect_uri") else {
        return (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: redirect_uri",
            ),
        );
    };
    let redeemed = state.tokens().redeem_code(code);
    let code = match redeemed {
        Ok(c) => c,
        Err(_) => {
            return (
                None,
                oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Malformed auth code.",
                ),
            );
        }
    };
    let user = Some(code.email.clone());
    if code.client_id != CLIENT_ID {
        return (
            user,
            oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request"),
        );
    }
    if code.redirect_uri != redirect_uri {
        return (
            user,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "redirect_uri_mismatch",
                "Bad Request",
            ),
        );
    }
    if let Some(challenge) = &code.challenge {
        let Some(verifier) = get(form, "code_verifier") else {
            return (
                user,
                oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Missing code verifier.",
                ),
            );
        };
        let computed = if challenge.s256 {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_string()
        };
        if computed != challenge.value {
            return (
                user,
                oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid code verifier.",
                ),
            );
        }
    }
    let (access, refresh) =
        state
            .tokens()
            .issue_tokens(CLIENT_ID, &code.email, &code.scopes, code.refresh);
    let reply = token_reply(
        state,
        &code.email,
        &code.scopes,
        access,
        refresh,
        code.nonce.as_deref(),
    );
    (user, reply)
}

fn refresh_grant(state: &State, form: &Pairs) -> (Option<String>, Reply) {
    let Some(refresh) = get(form, "refresh_token") else {
        return (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: refresh_token",
            ),
        );
    };
    let info = state.tokens().refresh_info(refresh);
    let Some((email, scopes, client)) = info else {
        return (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Token has been expired or revoked.",
            ),
        );
    };
    if client != CLIENT_ID {
        return (
            Some(email),
            oauth_error(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "Unauthorized",
            ),
        );
    }
    let access = state.tokens().refresh_access(refresh);
    let Some(access) = access else {
        return (
            Some(email),
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Token has been expired or revoked.",
            ),
        );
    };
    // Google's refresh reply carries no refresh_token.
    let reply = token_reply(state, &email, &scopes, access, None, None);
    (Some(email), reply)
}

fn token_reply(
    state: &State,
    email: &str,
    scopes: &[String],
    access: String,
    refresh: Option<String>,
    nonce: Option<&str>,
) -> Reply {
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access));
    // Google's expires_in is the token's real lifetime (3599 s); a test that shortens the
    // lifetime sees it here too. `expire_access_tokens` is the fault that lies.
    let lifetime = state.tokens().access_lifetime.as_secs();
    body.insert("expires_in".into(), json!(lifetime));
    if let Some(refresh) = refresh.filter(|_| !state.faults().omit_refresh_token) {
        body.insert("refresh_token".into(), json!(refresh));
    }
    body.insert("scope".into(), json!(scopes.join(" ")));
    body.insert("token_type".into(), json!("Bearer"));
    if scopes.iter().any(|s| s == "openid") {
        let mailbox = state.mailbox();
        if let Some(account) = mailbox.account(email) {
            let id_token = id_token(state, account, scopes, &access, nonce);
            state.tokens().record_issued(&id_token);
            body.insert("id_token".into(), json!(id_token));
        }
    }
    no_store(Reply::json(StatusCode::OK, &Value::Object(body)))
}

/// An HS256 JWT keyed with the client secret (OIDC Core 10.1's rule for HMAC).
fn id_token(
    state: &State,
    account: &Account,
    scopes: &[String],
    access: &str,
    nonce: Option<&str>,
) -> String {
    let now = chrono::Utc::now().timestamp();
    let hash = Sha256::digest(access.as_bytes());
    let mut claims = json!({
        "iss": state.issuer(),
        "azp": CLIENT_ID,
        "aud": CLIENT_ID,
        "sub": account.sub,
        "at_hash": URL_SAFE_NO_PAD.encode(&hash[..16]),
        "iat": now,
        "exp": now + EXPIRES_IN as i64 + 1,
    });
    if scopes.iter().any(|s| s == USERINFO_EMAIL) {
        claims["email"] = json!(account.email);
        claims["email_verified"] = json!(true);
    }
    if scopes.iter().any(|s| s == USERINFO_PROFILE) {
        claims["name"] = json!(account.name);
        claims["given_name"] = json!(account.given_name);
        claims["family_name"] = json!(account.family_name);
        claims["picture"] = json!(account.picture);
    }
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(CLIENT_SECRET.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// `POST /revoke` with `token` in the query or the form.
pub(crate) fn revoke(state: &State, query: &Pairs, body: &[u8]) -> (Option<String>, Reply) {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let Some(token) = get(query, "token").or_else(|| get(&form, "token")) else {
        return (
            None,
            oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Bad Request"),
        );
    };
    let mut tokens = state.tokens();
    let user = match tokens.bearer(token) {
        Bearer::Valid(t) => Some(t.email.clone()),
        Bearer::Invalid => tokens.refresh_info(token).map(|(email, _, _)| email),
    };
    if tokens.revoke_token(token) {
        (user, Reply::json(StatusCode::OK, &json!({})))
    } else {
        (
            None,
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_token",
                "Token expired or revoked",
            ),
        )
    }
}

/// `GET /v1/userinfo` (OIDC, `oidc = true`) and `GET /oauth2/v2/userinfo`.
pub(crate) fn userinfo(
    state: &State,
    authorization: Option<&str>,
    query: &Pairs,
    oidc: bool,
) -> (Option<String>, Reply) {
    let token = authorization
        .and_then(|h| {
            h.split_once(' ')
                .filter(|(s, _)| s.eq_ignore_ascii_case("bearer"))
                .map(|(_, t)| t.trim().to_string())
        })
        .or_else(|| get(query, "access_token").map(str::to_string));
    let unauthorized = || {
        if oidc {
            Reply::json(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "invalid_request", "error_description": "Invalid Credentials"}),
            )
            .with_header(
                "www-authenticate",
                format!("{}, error=\"invalid_token\"", reply::REALM),
            )
        } else if token.is_none() {
            reply::missing_credentials()
        } else {
            reply::invalid_token()
        }
    };
    let Some(token) = token.clone() else {
        return (None, unauthorized());
    };
    let (email, scopes) = match state.tokens().bearer(&token) {
        Bearer::Valid(t) => (t.email.clone(), t.scopes.clone()),
        Bearer::Invalid => return (None, unauthorized()),
    };
    let has = |s: &str| scopes.iter().any(|x| x == s);
    if !(has("openid") || has(USERINFO_EMAIL) || has(USERINFO_PROFILE)) {
        return (
            Some(email),
            reply::insufficient_scope(&["openid", USERINFO_EMAIL, USERINFO_PROFILE]),
        );
    }
    let mailbox = state.mailbox();
    let Some(account) = mailbox.account(&email) else {
        return (None, unauthorized());
    };
    let without_id = state.faults().userinfo_without_id;
    let mut body = Map::new();
    if !without_id {
        body.insert(if oidc { "sub" } else { "id" }.into(), json!(account.sub));
    }
    if has(USERINFO_EMAIL) {
        body.insert("email".into(), json!(account.email));
        body.insert(
            if oidc {
                "email_verified"
            } else {
                "verified_email"
            }
            .into(),
            json!(true),
        );
    }
    if has(USERINFO_PROFILE) {
        body.insert("name".into(), json!(account.name));
        body.insert("given_name".into(), json!(account.given_name));
        body.insert("family_name".into(), json!(account.family_name));
        if !account.picture.is_empty() {
            body.insert("picture".into(), json!(account.picture));
        }
    }
    (
        Some(email),
        Reply::json(StatusCode::OK, &Value::Object(body)),
    )
}

/// `GET /.well-known/openid-configuration`, pointing at this server.
pub(crate) fn openid_configuration(state: &State) -> Reply {
    Reply::json(
        StatusCode::OK,
        &json!({
            "issuer": state.issuer(),
            "authorization_endpoint": state.url("o/oauth2/v2/auth"),
            "token_endpoint": state.url("token"),
            "userinfo_endpoint": state.url("v1/userinfo"),
            "revocation_endpoint": state.url("revoke"),
            "jwks_uri": state.url("oauth2/v3/certs"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss", "name", "picture", "sub"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_follow_rfc_8252() {
        assert!(loopback_redirect("http://127.0.0.1:49152/callback"));
        assert!(loopback_redirect("http://[::1]:8080"));
        assert!(loopback_redirect("http://localhost"));
        assert!(!loopback_redirect("https://127.0.0.1:8080/"));
        assert!(!loopback_redirect("http://example.com/cb"));
        assert!(!loopback_redirect("http://127.0.0.1:1/#frag"));
        assert!(!loopback_redirect("urn:ietf:wg:oauth:2.0:oob"));
    }

    #[test]
    fn short_scope_names_become_googles_urls() {
        assert_eq!(canonical_scope("email").as_deref(), Some(USERINFO_EMAIL));
        assert_eq!(
            canonical_scope("https://www.googleapis.com/auth/gmail.readonly").as_deref(),
            Some("https://www.googleapis.com/auth/gmail.readonly")
        );
        assert_eq!(
            canonical_scope("https://www.googleapis.com/auth/drive"),
            None
        );
    }
}
