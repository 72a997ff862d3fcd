//! The loopback listener that receives the browser's authorization reply (RFC 8252 §7.3).
//!
//! It binds `127.0.0.1:0` only (the OS picks a free port per flow), and the redirect URI is
//! built once from that address, with the literal `127.0.0.1` (never `localhost`, which may
//! resolve to `::1`), and used as the identical string in the authorization and token
//! requests. Connections are served concurrently by a real HTTP server (axum over hyper), so
//! a browser's idle speculative connections and its `/favicon.ico` request cannot block the
//! reply. `state` is compared in constant time before anything else is looked at; only a
//! request to the redirect path with the matching `state` ends the flow. Junk on the port
//! gets a 400 from hyper, an over-long request a 414, and the flow goes on.
//!
//! While it waits it holds up to abuse: a connection has 10 s to send its request head
//! (a request line sent a byte a second is closed), a head over 64 KiB gets a 431, at
//! most 32 connections are served at once (past that the oldest is closed for the
//! newest, so a flood of idle connections cannot keep the browser's reply out), and when
//! the flow ends every connection is closed with the port.
//!
//! The reply is answered with a redirect to `/done`, a page without the code, so the code
//! does not stay in the browser's history; the listener waits (briefly) for the browser to
//! fetch it before closing. When the reply carries `iss` (RFC 9207), it must name the
//! issuer the sign-in was sent to, or the reply is refused as a mix-up.
//!
//! Not here: the token exchange (that is `google.rs`), or anything about the window.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use oauth2::{AuthorizationCode, CsrfToken};
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{Error, Result};

/// How long a person has to finish in the browser before the wait ends.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The longest request target accepted; a real reply is a few hundred bytes.
const MAX_URI_LEN: usize = 8 * 1024;

/// How long a connection may take to send its request head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once; past this the oldest is closed for the newest.
pub const MAX_CONNECTIONS: usize = 32;

/// The largest request head read (hyper answers 431 past it).
const MAX_HEAD: usize = 64 * 1024;

/// What the browser brought back, once `state` matched.
#[derive(Debug)]
enum Reply {
    /// The authorization code (its `Debug` output is redacted by `oauth2`).
    Code(AuthorizationCode),
    /// Google's `error` (and `error_description`), such as `access_denied`.
    Error {
        error: String,
        description: Option<String>,
    },
}

struct Shared {
    state: CsrfToken,
    /// The authorization server's issuer (`https://accounts.google.com`), for `iss`.
    issuer: Option<String>,
    reply: Mutex<Option<mpsc::Sender<Reply>>>,
    /// Told when the browser has fetched `/done` after the reply.
    done: tokio::sync::Notify,
}

/// How long the listener waits for the browser to follow the redirect to `/done`.
const DONE_WAIT: Duration = Duration::from_secs(2);

/// A listener for one sign-in flow. Dropping it (or [`Listener::wait`] ending) closes the port.
pub struct Listener {
    addr: SocketAddr,
    shared: Arc<Shared>,
    redirect_uri: String,
    replies: mpsc::Receiver<Reply>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl Listener {
    /// Binds `127.0.0.1:0` and starts serving; only a reply carrying `state` will count,
    /// and, when it carries `iss`, only one from `issuer`.
    pub async fn bind(state: CsrfToken, issuer: Option<String>) -> Result<Self> {
        let socket = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|source| Error::Listener { source })?;
        let addr = socket
            .local_addr()
            .map_err(|source| Error::Listener { source })?;
        let (tx, replies) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            state,
            issuer,
            reply: Mutex::new(Some(tx)),
            done: tokio::sync::Notify::new(),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(socket, app, stopped));
        Ok(Self {
            addr,
            shared,
            redirect_uri: format!("http://{addr}/"),
            replies,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The address bound (`127.0.0.1` and the port the OS picked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The redirect URI, `http://127.0.0.1:PORT/`: the one string both requests use.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's reply, at most `timeout`, or until `cancelled` completes.
    /// The port is released before this returns, whatever the outcome.
    pub async fn wait(
        mut self,
        timeout: Duration,
        cancelled: impl Future<Output = ()>,
    ) -> Result<AuthorizationCode> {
        let mut replied = false;
        let outcome = tokio::select! {
            reply = self.replies.recv() => match reply.inspect(|_| replied = true) {
                Some(Reply::Code(code)) => Ok(code),
                Some(Reply::Error { error, description }) if error == "access_denied" => {
                    let _ = description;
                    Err(Error::Denied)
                }
                Some(Reply::Error { error, description }) => Err(Error::AuthorizationFailed {
                    error,
                    description: description.unwrap_or_default(),
                }),
                None => Err(Error::Listener {
                    source: std::io::Error::other("the listener stopped"),
                }),
            },
            () = tokio::time::sleep(timeout) => Err(Error::TimedOut {
                minutes: timeout.as_secs().div_ceil(60),
            }),
            () = cancelled => Err(Error::Cancelled),
        };
        if replied {
            // The browser follows the redirect to `/done`; let it have the page.
            let _ = tokio::time::timeout(DONE_WAIT, self.shared.done.notified()).await;
        }
        self.close().await;
        outcome
    }

    /// Stops the server: lets the last page reach the browser, then closes every connection.
    async fn close(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take() {
            // Graceful shutdown drops the listening socket at once and waits for open
            // requests; idle keep-alive connections must not hold us longer than this.
            if tokio::time::timeout(Duration::from_secs(2), &mut server)
                .await
                .is_err()
            {
                server.abort();
            }
        }
    }
}

/// Serves connections until `stopped`, within the limits above; then closes the port and
/// every connection (in-flight requests get half a second).
async fn serve(socket: tokio::net::TcpListener, app: Router, mut stopped: oneshot::Receiver<()>) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let mut connections = tokio::task::JoinSet::new();
    let mut oldest_first = std::collections::VecDeque::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            Some(_) = connections.join_next() => {}
            accepted = socket.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                oldest_first.retain(|c: &tokio::task::AbortHandle| !c.is_finished());
                if oldest_first.len() >= MAX_CONNECTIONS
                    && let Some(oldest) = oldest_first.pop_front()
                {
                    oldest.abort();
                }
                let service = TowerToHyperService::new(app.clone());
                oldest_first.push_back(connections.spawn(async move {
                    let mut http = hyper::server::conn::http1::Builder::new();
                    http.timer(TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT)
                        .max_buf_size(MAX_HEAD);
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }));
            }
        }
    }
    drop(socket);
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.shutdown().await;
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if uri.to_string().len() > MAX_URI_LEN {
        return page(
            StatusCode::URI_TOO_LONG,
            "Not a sign-in reply",
            "This request is too long to be a sign-in reply. Mailglance is still waiting.",
        );
    }
    if uri.path() == "/done" {
        return done(&shared, uri.query().unwrap_or(""));
    }
    if uri.path() != "/" {
        return page(
            StatusCode::NOT_FOUND,
            "Not found",
            "Mailglance only listens here for its sign-in reply.",
        );
    }
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    let mut iss = None;
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match &*k {
            "state" => state = Some(v.into_owned()),
            "code" => code = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            "iss" => iss = Some(v.into_owned()),
            _ => {}
        }
    }
    // `state` first, in constant time, before anything else in the request is used.
    let expected = shared.state.secret().as_bytes();
    let matches = state.is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected)));
    if !matches {
        return page(
            StatusCode::BAD_REQUEST,
            "Not this sign-in",
            "This reply does not belong to the sign-in Mailglance is waiting for, so it was \
             ignored. Start signing in again from the app if you need to.",
        );
    }
    // RFC 9207: a reply that names another issuer is a mix-up (a code from a server the
    // sign-in was not sent to); it ends the flow, and the code is never used.
    if let (Some(iss), Some(expected)) = (&iss, &shared.issuer)
        && iss != expected
    {
        code = None;
        error = Some("invalid_issuer".into());
        description = Some(format!(
            "the reply came from {iss}, not {expected}, where the sign-in was sent"
        ));
    }
    let reply = match (code, error) {
        (_, Some(error)) => Reply::Error { error, description },
        (Some(code), None) if !code.is_empty() => Reply::Code(AuthorizationCode::new(code)),
        _ => {
            return page(
                StatusCode::BAD_REQUEST,
                "Incomplete reply",
                "This reply carries no authorization code. Mailglance is still waiting.",
            );
        }
    };
    let outcome = match &reply {
        Reply::Code(_) => "signed-in",
        Reply::Error { error, .. } if error == "access_denied" => "cancelled",
        Reply::Error { .. } => "failed",
    };
    let sender = shared.reply.lock().map(|mut s| s.take()).unwrap_or(None);
    let outcome = match sender {
        Some(tx) => {
            let _ = tx.send(reply).await;
            outcome
        }
        None => "already-done",
    };
    // To a page without the code, so the address bar and the history forget it.
    let mut response = (StatusCode::SEE_OTHER, "").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&format!("/done?outcome={outcome}"))
            .unwrap_or(HeaderValue::from_static("/done")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The page the browser lands on after the reply: what happened, no code in sight.
fn done(shared: &Shared, query: &str) -> Response {
    let outcome = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "outcome")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let (title, text) = match outcome.as_str() {
        "signed-in" => (
            "Signed in",
            "Mailglance received your sign-in. You can close this tab and go back to the app.",
        ),
        "cancelled" => (
            "Sign-in cancelled",
            "You did not allow Mailglance to read your mail, so nothing was shared. You can \
             close this tab; sign in again from the app whenever you like.",
        ),
        "failed" => (
            "Sign-in failed",
            "Google could not complete the sign-in. You can close this tab; the app says more.",
        ),
        _ => (
            "Already done",
            "This sign-in has already finished. You can close this tab.",
        ),
    };
    shared.done.notify_one();
    page(StatusCode::OK, title, text)
}

/// A small self-contained page; every text in it is the app's own.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title} · Mailglance</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:32em;margin:15vh auto;\
         padding:0 1em;color:#1d2433}}@media(prefers-color-scheme:dark){{body{{background:#15181f;\
         color:#e6e9ef}}}}h1{{font-size:1.4em}}</style></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The address bar holds the code: never send it on as a Referer.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}
