//! A scripted browser for tests: opens an authorization URL, answers the consent page
//! (Allow or Deny, as a chosen account) and follows the redirect to the app's loopback
//! listener, like a person's browser would.
//!
//! It speaks to the stand-in over real HTTP with `reqwest` and knows only the consent
//! page's form fields. It is not a general browser: no cookies, no scripts.

use reqwest::redirect::Policy;
use url::Url;

use crate::consent::{
    CONSENT_PATH, FIELD_ACCOUNT, FIELD_DECISION, FIELD_REQUEST, FIELD_SCOPE, checked_account,
    hidden_value, scope_boxes,
};

/// What the scripted person does.
#[derive(Debug, Clone, Default)]
pub struct BrowseOptions {
    /// The account to choose; `None` = the preselected one (the `login_hint`, else the first).
    pub account: Option<String>,
    /// Press Deny instead of Allow.
    pub deny: bool,
    /// GET the final redirect (the app's loopback URL), as a browser would.
    pub follow_redirect: bool,
    /// Scopes left unticked on the consent page (granular consent); the others are
    /// ticked, as a person who reads and agrees does.
    pub untick: Vec<String>,
}

/// Where the flow ended.
#[derive(Debug, Clone)]
pub struct BrowseOutcome {
    /// The redirect back to the app, with `code` or `error`, and `state`.
    pub redirect: Url,
    /// Status and body the loopback listener answered, when followed (after its own
    /// redirect, if it sent one).
    pub loopback: Option<(u16, String)>,
}

/// Why the scripted browser could not finish.
#[derive(Debug, thiserror::Error)]
pub enum BrowseError {
    /// A request failed at the HTTP level.
    #[error("request to {url} failed: {source}")]
    Http {
        /// The URL.
        url: String,
        /// The client error.
        source: reqwest::Error,
    },
    /// The URL is not a URL.
    #[error("not a URL: {url}")]
    BadUrl {
        /// What was given.
        url: String,
    },
    /// The authorization server showed an error page instead of redirecting.
    #[error("the sign-in page showed an error ({status}): {text}")]
    ErrorPage {
        /// HTTP status.
        status: u16,
        /// The page's text.
        text: String,
    },
    /// A reply that is neither a consent page nor a redirect.
    #[error("unexpected reply {status} from {url}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// The URL.
        url: String,
    },
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn location(url: &Url, response: reqwest::Response) -> Result<Url, BrowseError> {
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        let target = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        return url.join(target).map_err(|_| BrowseError::BadUrl {
            url: target.to_string(),
        });
    }
    let text = response.text().await.unwrap_or_default();
    Err(BrowseError::ErrorPage {
        status,
        text: strip_tags(&text),
    })
}

/// Runs the browser side of a sign-in.
pub async fn browse(auth_url: &str, options: &BrowseOptions) -> Result<BrowseOutcome, BrowseError> {
    let url = Url::parse(auth_url).map_err(|_| BrowseError::BadUrl {
        url: auth_url.to_string(),
    })?;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .map_err(|source| BrowseError::Http {
            url: auth_url.to_string(),
            source,
        })?;
    let http = |u: &Url| {
        let u = u.to_string();
        move |source| BrowseError::Http { url: u, source }
    };
    let response = client.get(url.clone()).send().await.map_err(http(&url))?;
    let redirect = if response.status() == reqwest::StatusCode::OK {
        let html = response.text().await.map_err(http(&url))?;
        let Some(request) = hidden_value(&html, FIELD_REQUEST) else {
            return Err(BrowseError::Unexpected {
                status: 200,
                url: url.to_string(),
            });
        };
        let account = options
            .account
            .clone()
            .or_else(|| checked_account(&html))
            .unwrap_or_default();
        let form = {
            // Not Send: built and finished before the next await.
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair(FIELD_REQUEST, &request)
                .append_pair(FIELD_ACCOUNT, &account)
                .append_pair(FIELD_DECISION, if options.deny { "deny" } else { "allow" });
            for scope in scope_boxes(&html) {
                if !options.untick.contains(&scope) {
                    form.append_pair(FIELD_SCOPE, &scope);
                }
            }
            form.finish()
        };
        let action = url.join(CONSENT_PATH).map_err(|_| BrowseError::BadUrl {
            url: url.to_string(),
        })?;
        let answer = client
            .post(action.clone())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form)
            .send()
            .await
            .map_err(http(&action))?;
        location(&action, answer).await?
    } else {
        location(&url, response).await?
    };
    let loopback = if options.follow_redirect {
        let mut response = client
            .get(redirect.clone())
            .send()
            .await
            .map_err(http(&redirect))?;
        // As a browser: the app may answer with a redirect of its own (to a page without
        // the code); follow one, on the same origin.
        if response.status().is_redirection()
            && let Some(next) = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| redirect.join(l).ok())
                .filter(|n| n.origin() == redirect.origin())
        {
            response = client.get(next.clone()).send().await.map_err(http(&next))?;
        }
        let status = response.status().as_u16();
        Some((status, response.text().await.unwrap_or_default()))
    } else {
        None
    };
    Ok(BrowseOutcome { redirect, loopback })
}
