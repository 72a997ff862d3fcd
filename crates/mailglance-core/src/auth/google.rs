//! Google's OAuth 2.0 endpoints, through the `oauth2` crate: the authorization URL with
//! PKCE (S256) and `state`, the code exchange, refresh, revocation, and OpenID Connect
//! userinfo for the account's id and e-mail.
//!
//! Every token here is an `oauth2` secret type, whose `Debug` prints `[redacted]`; no
//! error carries a response body (a malformed token reply may hold a token). The HTTP
//! client follows no redirects, as the `oauth2` crate's security note asks.
//!
//! Not here: when to refresh or what to keep (that is `session.rs`).

use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AccessToken, AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use super::{Error, Result};
use crate::config::{Client, Endpoints};

/// The one scope Mailglance cannot work without.
pub const GMAIL_READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";

/// The scopes Mailglance asks for: read-only Gmail, and who the user is.
pub const SCOPES: [&str; 4] = [GMAIL_READONLY, "openid", "email", "profile"];

/// How long one request to Google may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Google's OAuth endpoints for one client.
#[derive(Debug, Clone)]
pub struct Google {
    client: Client,
    endpoints: Endpoints,
    http: reqwest::Client,
}

/// What a token request gave back.
#[derive(Debug)]
pub struct Tokens {
    /// The access token (memory only).
    pub access: AccessToken,
    /// How long it lives, if the server said.
    pub expires_in: Option<Duration>,
    /// A refresh token, when the server sent one.
    pub refresh: Option<RefreshToken>,
    /// The scopes granted, when the server said (Google does: `scope`).
    pub scopes: Option<Vec<String>>,
}

impl Tokens {
    /// Whether the grant lets Mailglance read the mail list. A reply that does not say
    /// is taken at its word; one that lists scopes without Gmail is not (the person
    /// unticked it on the consent page).
    pub fn can_read_mail(&self) -> bool {
        self.scopes.as_ref().is_none_or(|granted| {
            granted
                .iter()
                .any(|s| s == GMAIL_READONLY || s == "https://mail.google.com/")
        })
    }
}

/// Who signed in, from the userinfo endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// Google's stable account id (`sub`).
    pub id: String,
    /// The account's e-mail address.
    pub email: String,
    /// The display name, when shared.
    pub name: Option<String>,
}

/// One authorization request, ready for the browser.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The URL to open.
    pub url: String,
    /// The verifier that goes with its challenge (only ever sent to the token endpoint).
    pub verifier: PkceCodeVerifier,
}

/// Who signed in, from a userinfo reply's body. No id or e-mail is [`Error::NoUserId`].
pub(crate) fn user_info(body: &[u8]) -> Result<UserInfo> {
    let raw: RawUserInfo =
        serde_json::from_slice(body).map_err(|_| Error::Malformed { what: "userinfo" })?;
    let id = raw
        .sub
        .or(raw.id)
        .filter(|s| !s.trim().is_empty())
        .ok_or(Error::NoUserId)?;
    let email = raw
        .email
        .filter(|s| !s.trim().is_empty())
        .ok_or(Error::NoUserId)?;
    Ok(UserInfo {
        id,
        email,
        name: raw.name.filter(|s| !s.trim().is_empty()),
    })
}

#[derive(Deserialize)]
struct RawUserInfo {
    sub: Option<String>,
    // oauth2/v2 userinfo names the id `id`.
    id: Option<String>,
    email: Option<String>,
    name: Option<String>,
}

impl Google {
    /// Google's endpoints for `client`, at `endpoints`, over `http` (see [`Google::http_client`]).
    pub fn new(client: Client, endpoints: Endpoints, http: reqwest::Client) -> Self {
        Self {
            client,
            endpoints,
            http,
        }
    }

    /// The HTTP client to pass to [`Google::new`]: no redirects followed, a time limit
    /// per request. Build it once and share it, so connections (and TLS sessions) to
    /// Google are reused from one call to the next.
    pub fn http_client() -> Result<reqwest::Client> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Error::Offline {
                detail: e.to_string(),
            })
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The HTTP client (no redirects, with a time limit), shared with the Gmail client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn oauth(&self, redirect_uri: Option<&str>) -> Result<OAuthClient> {
        let bad = |what: &str, e: url::ParseError| Error::BadEndpoint {
            endpoint: what.to_owned(),
            detail: format!("it is not a valid URL ({e})"),
        };
        let mut c = BasicClient::new(ClientId::new(self.client.client_id.clone()))
            .set_auth_uri(
                AuthUrl::new(self.endpoints.authorization.clone())
                    .map_err(|e| bad("authorization", e))?,
            )
            .set_token_uri(
                TokenUrl::new(self.endpoints.token.clone()).map_err(|e| bad("token", e))?,
            )
            // Google's documented form for installed apps: the secret in the form body.
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &self.client.client_secret {
            c = c.set_client_secret(oauth2::ClientSecret::new(secret.secret().to_owned()));
        }
        if let Some(uri) = redirect_uri {
            c = c.set_redirect_uri(
                RedirectUrl::new(uri.to_owned()).map_err(|e| bad("redirect", e))?,
            );
        }
        Ok(c)
    }

    /// The authorization URL for one flow: PKCE S256, `state`, offline access, the
    /// consent screen when `consent` (no refresh token held), and `login_hint`.
    pub fn authorization(
        &self,
        redirect_uri: &str,
        state: CsrfToken,
        login_hint: Option<&str>,
        consent: bool,
    ) -> Result<AuthorizationRequest> {
        // 32 random bytes: a 43-character verifier, fresh for every flow.
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let oauth = self.oauth(Some(redirect_uri))?;
        let mut request = oauth
            .authorize_url(|| state)
            .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .add_extra_param("access_type", "offline")
            // What was granted before stays granted: a second consent adds, never narrows.
            .add_extra_param("include_granted_scopes", "true");
        if consent {
            request = request.add_extra_param("prompt", "consent");
        }
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_owned());
        }
        let (url, _state) = request.url();
        Ok(AuthorizationRequest {
            url: url.to_string(),
            verifier,
        })
    }

    /// Exchanges an authorization code (with its verifier and the same redirect URI).
    pub async fn exchange(
        &self,
        code: AuthorizationCode,
        verifier: PkceCodeVerifier,
        redirect_uri: &str,
    ) -> Result<Tokens> {
        let reply = self
            .oauth(Some(redirect_uri))?
            .exchange_code(code)
            .set_pkce_verifier(verifier)
            .request_async(&|request| send(self.http.clone(), request))
            .await
            .map_err(|e| token_error(e, "exchange"))?;
        Ok(tokens_from(&reply))
    }

    /// A fresh access token for a refresh token.
    pub async fn refresh(&self, refresh: &RefreshToken) -> Result<Tokens> {
        let reply = self
            .oauth(None)?
            .exchange_refresh_token(refresh)
            .request_async(&|request| send(self.http.clone(), request))
            .await
            .map_err(|e| token_error(e, "refresh"))?;
        Ok(tokens_from(&reply))
    }

    /// Who the access token belongs to. No id is [`Error::NoUserId`].
    pub fn userinfo(
        &self,
        access: &AccessToken,
    ) -> impl Future<Output = Result<UserInfo>> + Send + use<> {
        let request = self
            .http
            .get(&self.endpoints.userinfo)
            .bearer_auth(access.secret());
        async move {
            let response = request.send().await.map_err(network_error)?;
            let status = response.status();
            if !status.is_success() {
                return Err(Error::Server {
                    what: "userinfo",
                    status: status.as_u16(),
                });
            }
            let body = response.bytes().await.map_err(network_error)?;
            user_info(&body)
        }
    }

    /// Revokes the grant behind `token` (a refresh token ends the whole grant).
    /// A token Google no longer knows counts as revoked.
    pub async fn revoke(&self, token: &RefreshToken) -> Result<()> {
        let response = self
            .http
            .post(&self.endpoints.revocation)
            .form(&[("token", token.secret().as_str())])
            .send()
            .await
            .map_err(network_error)?;
        let status = response.status();
        if status.is_success() || status == reqwest::StatusCode::BAD_REQUEST {
            // 400 is Google's `invalid_token`: already revoked or expired.
            Ok(())
        } else {
            Err(Error::Server {
                what: "revocation",
                status: status.as_u16(),
            })
        }
    }
}

pub(crate) fn tokens_from(reply: &oauth2::basic::BasicTokenResponse) -> Tokens {
    Tokens {
        access: reply.access_token().clone(),
        expires_in: reply.expires_in(),
        refresh: reply.refresh_token().cloned(),
        scopes: reply
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect()),
    }
}

/// A reqwest failure as what the person sees: offline, or a server that broke off.
pub(crate) fn network_error(e: reqwest::Error) -> Error {
    // reqwest's Display names the URL, never a header or a body.
    Error::Offline {
        detail: e.without_url().to_string(),
    }
}

/// A token request's transport failure, or a status that has no OAuth error body.
#[derive(Debug, thiserror::Error)]
enum TokenHttpError {
    #[error(transparent)]
    Client(#[from] oauth2::HttpClientError<reqwest::Error>),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("{0} answered 404 Not Found")]
    NotFound(String),
}

/// Tries of one token request when the endpoint answers 5xx or 429, or the connection
/// breaks after it was made; the waits between them grow from [`TOKEN_BACKOFF`].
const TOKEN_TRIES: u32 = 3;
const TOKEN_BACKOFF: Duration = Duration::from_millis(300);

/// The same request again (an `http::Request` is not `Clone`).
fn copy(request: &oauth2::HttpRequest) -> oauth2::HttpRequest {
    let mut again = oauth2::HttpRequest::new(request.body().clone());
    *again.method_mut() = request.method().clone();
    *again.uri_mut() = request.uri().clone();
    *again.headers_mut() = request.headers().clone();
    again
}

/// Whether a failed try is worth another: server trouble, or a connection that broke
/// after it was made (reset, closed mid-reply, timed out). A refused connection is not:
/// nothing listens there, and the person is offline.
fn worth_retrying(
    outcome: &std::result::Result<oauth2::HttpResponse, oauth2::HttpClientError<reqwest::Error>>,
) -> bool {
    match outcome {
        Ok(response) => {
            let status = response.status().as_u16();
            status >= 500 || status == 429
        }
        Err(oauth2::HttpClientError::Reqwest(e)) => !e.is_connect() && !e.is_builder(),
        Err(_) => false,
    }
}

/// Sends a token request; 5xx and 429 become [`TokenHttpError::Status`], so they are
/// reported (and retried) as server trouble rather than as a reply that failed to parse.
async fn send(
    http: reqwest::Client,
    request: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, TokenHttpError> {
    let mut wait = TOKEN_BACKOFF;
    let mut tries = 1;
    let response = loop {
        let outcome = oauth2::AsyncHttpClient::call(&http, copy(&request)).await;
        if tries == TOKEN_TRIES || !worth_retrying(&outcome) {
            break outcome?;
        }
        tracing::info!(tries, "the token endpoint failed; trying again");
        tokio::time::sleep(wait).await;
        wait *= 3;
        tries += 1;
    };
    let status = response.status().as_u16();
    if status >= 500 || status == 429 {
        return Err(TokenHttpError::Status(status));
    }
    if status == 404 {
        return Err(TokenHttpError::NotFound(request.uri().to_string()));
    }
    Ok(response)
}

fn token_error(
    e: RequestTokenError<TokenHttpError, oauth2::basic::BasicErrorResponse>,
    step: &'static str,
) -> Error {
    match e {
        RequestTokenError::ServerResponse(body) => {
            let description = body.error_description().cloned().unwrap_or_default();
            match body.error() {
                BasicErrorResponseType::InvalidGrant => Error::InvalidGrant { step, description },
                other => Error::TokenRefused {
                    step,
                    error: other.to_string(),
                    description,
                },
            }
        }
        RequestTokenError::Request(TokenHttpError::Status(status)) => Error::Server {
            what: "token",
            status,
        },
        RequestTokenError::Request(TokenHttpError::NotFound(url)) => Error::BadEndpoint {
            endpoint: "token".into(),
            detail: format!(
                "{url} answered 404 Not Found: check \"token_uri\" in the client file, or \
                 \"endpoints.token\" in settings.json"
            ),
        },
        RequestTokenError::Request(inner) => {
            let mut detail = inner.to_string();
            let mut source = std::error::Error::source(&inner);
            while let Some(s) = source {
                detail = format!("{detail}: {s}");
                source = s.source();
            }
            Error::Offline { detail }
        }
        // The body is left out on purpose: a half-parsed token reply may hold a token.
        RequestTokenError::Parse(..) => Error::Malformed { what: "token" },
        RequestTokenError::Other(_) => Error::Malformed { what: "token" },
    }
}
