//! What the first screen needs (the version, the locale, the client file's state), and
//! the web address of a message in Gmail.

use std::path::PathBuf;

use serde::Serialize;

/// What the welcome screen shows about the OAuth client file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ClientFileStatus {
    /// The path the app reads the client file from.
    pub path: PathBuf,
    /// The environment variable that can point elsewhere.
    pub env_var: &'static str,
    /// `"ready"`, `"missing"` or `"invalid"`.
    pub state: &'static str,
    /// When not ready: the sentence that says what is wrong and how to fix it.
    pub problem: Option<String>,
}

/// What the window needs to draw its first screen.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Startup {
    /// The app's version.
    pub version: &'static str,
    /// The system's language as a BCP 47 tag (`fr-FR`), for the window's text
    /// and dates; the web view's own idea of it does not follow the system.
    pub locale: String,
    /// The client file's state.
    pub client_file: ClientFileStatus,
    /// Endpoints in use that are not Google's (the stand-in's, say): `[name, url]` each.
    pub custom_endpoints: Vec<(&'static str, String)>,
}

/// The web address of a message in Gmail, for `email`'s session in the browser.
pub fn gmail_web_url(email: &str, message_id: &str) -> Option<String> {
    if message_id.is_empty() || !message_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut url = url::Url::parse("https://mail.google.com/mail/").ok()?;
    url.query_pairs_mut().append_pair("authuser", email);
    url.set_fragment(Some(&format!("all/{message_id}")));
    Some(url.to_string())
}

/// The system locale (`LC_ALL`, `LC_MESSAGES`, `LANG` on Unix), as a BCP 47
/// tag without the encoding; `en-US` when none is set.
pub(super) fn system_locale() -> String {
    sys_locale::get_locale()
        .map(|l| {
            l.split(['.', '@'])
                .next()
                .unwrap_or_default()
                .replace('_', "-")
        })
        .filter(|l| !l.is_empty() && l != "C" && l != "POSIX")
        .unwrap_or_else(|| "en-US".into())
}
