//! The optional `settings.json`: Google's endpoints overridden (how the tests and the
//! demo reach the stand-in) and the program that opens the browser.
//!
//! Not here: reading the client file (`client.rs`), or using the endpoints.

use std::path::Path;

use serde::Deserialize;

use super::client::Client;
use super::{Error, Result};

/// Google's endpoints, as the app uses them. Each can be overridden: `auth_uri` and
/// `token_uri` by the client file, all of them by `settings.json`'s `endpoints` object
/// (`authorization`, `token`, `revocation`, `userinfo`, `gmail`). That is how the tests
/// and the demo point the app at the local Google stand-in: by configuration only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The authorization endpoint the browser opens.
    pub authorization: String,
    /// The token endpoint (code exchange and refresh).
    pub token: String,
    /// The revocation endpoint (sign out).
    pub revocation: String,
    /// OpenID Connect userinfo (the account's id and e-mail).
    pub userinfo: String,
    /// The Gmail API's root, ending in `/` (`{gmail}gmail/v1/users/...`, `{gmail}batch/gmail/v1`).
    pub gmail: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            authorization: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token: "https://oauth2.googleapis.com/token".into(),
            revocation: "https://oauth2.googleapis.com/revoke".into(),
            userinfo: "https://openidconnect.googleapis.com/v1/userinfo".into(),
            gmail: "https://gmail.googleapis.com/".into(),
        }
    }
}

/// The optional `settings.json`: endpoint overrides and the program that opens the
/// browser (`"browser": ["program", "arg", ...]`, the URL is appended), which tests use
/// to play the person at the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Endpoint overrides.
    pub endpoints: EndpointOverrides,
    /// A program to open the sign-in URL with instead of the system's default browser.
    pub browser: Option<Vec<String>>,
    /// The Gmail quota the app paces itself within.
    pub quota: Quota,
    /// How often the window checks every account for new mail.
    pub sync: SyncEvery,
    /// How much opened mail each account keeps on this computer.
    pub bodies: Bodies,
}

/// Opened messages kept on this computer, per account (`"bodies": {"megabytes": 1024}`):
/// past that, those opened longest ago go first (their rows stay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Bodies {
    /// The cap, in megabytes (MiB) of compressed bodies.
    pub megabytes: u64,
}

impl Default for Bodies {
    fn default() -> Self {
        Self { megabytes: 1024 }
    }
}

/// How often the window checks for new mail: every minute while it is in front, every
/// five while it is hidden or minimised (`"sync": {"frontSeconds": 60,
/// "backgroundSeconds": 300}`); each check with nothing new is one `history.list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SyncEvery {
    /// Seconds between checks while the window is in front.
    pub front_seconds: u64,
    /// Seconds between checks while it is hidden or minimised.
    pub background_seconds: u64,
}

impl Default for SyncEvery {
    fn default() -> Self {
        Self {
            front_seconds: 60,
            background_seconds: 300,
        }
    }
}

/// The per-user Gmail quota of the Google Cloud project (docs/spec/GOOGLE-API.md §5). The
/// default
/// is the model of projects created since 1 May 2026; an older project can say
/// `"quota": {"perMinute": 15000, "messagesGet": 5}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Quota {
    /// Units a user may spend in a rolling window.
    pub per_minute: u64,
    /// What one `messages.get` costs.
    pub messages_get: u32,
    /// The window's length in seconds: Google's is a minute. Tests and benchmarks
    /// shorten it (with the stand-in's own) to page through thousands of rows quickly.
    pub window_seconds: u64,
    /// The longest the app waits for quota before telling the person (default 120).
    pub max_wait_seconds: u64,
}

impl Default for Quota {
    fn default() -> Self {
        Self {
            per_minute: 6_000,
            messages_get: 20,
            window_seconds: 60,
            max_wait_seconds: 120,
        }
    }
}

/// Endpoints named in `settings.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointOverrides {
    authorization: Option<String>,
    token: Option<String>,
    revocation: Option<String>,
    userinfo: Option<String>,
    gmail: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    endpoints: EndpointOverrides,
    #[serde(default)]
    browser: Option<Vec<String>>,
    #[serde(default)]
    quota: Quota,
    #[serde(default)]
    sync: SyncEvery,
    #[serde(default)]
    bodies: Bodies,
}

impl Settings {
    /// Reads `settings.json` at `path`; no file means no overrides.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(Error::SettingsInvalid {
                    path: path.into(),
                    problem: format!("it cannot be read ({e})"),
                });
            }
        };
        Self::parse(&bytes).map_err(|problem| Error::SettingsInvalid {
            path: path.into(),
            problem,
        })
    }

    /// Parses the text of a settings file; the error names the field.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, String> {
        let raw: RawSettings =
            serde_json::from_slice(bytes).map_err(|e| format!("it is not valid ({e})"))?;
        let e = &raw.endpoints;
        for (key, value) in [
            ("authorization", &e.authorization),
            ("token", &e.token),
            ("revocation", &e.revocation),
            ("userinfo", &e.userinfo),
            ("gmail", &e.gmail),
        ] {
            if let Some(v) = value {
                check_http_url(v).map_err(|why| format!("\"endpoints.{key}\" {why}"))?;
            }
        }
        if let Some(browser) = &raw.browser
            && browser.first().is_none_or(|p| p.trim().is_empty())
        {
            return Err("\"browser\" must name a program".into());
        }
        let q = raw.quota;
        if q.per_minute == 0
            || q.messages_get == 0
            || q.window_seconds == 0
            || q.max_wait_seconds == 0
        {
            return Err("\"quota\" values must be above 0".into());
        }
        if raw.sync.front_seconds == 0 || raw.sync.background_seconds == 0 {
            return Err("\"sync\" values must be above 0".into());
        }
        Ok(Self {
            endpoints: raw.endpoints,
            browser: raw.browser,
            quota: raw.quota,
            sync: raw.sync,
            bodies: raw.bodies,
        })
    }

    /// Google's endpoints, overridden by the client file and then by these settings.
    pub fn endpoints_for(&self, client: &Client) -> Endpoints {
        self.endpoints_over(Endpoints {
            authorization: client.auth_uri.clone(),
            token: client.token_uri.clone(),
            ..Endpoints::default()
        })
    }

    /// The endpoints in use that are not Google's own, by their settings name: said on
    /// the welcome screen and by `mailglance accounts`, so a tampered configuration does
    /// not go unseen. (Google's two token hosts both count as Google's.)
    pub fn custom_endpoints(&self, client: Option<&Client>) -> Vec<(&'static str, String)> {
        let google = Endpoints::default();
        let used = match client {
            Some(c) => self.endpoints_for(c),
            None => self.endpoints_over(google.clone()),
        };
        let is_google = |url: &str| {
            url::Url::parse(url).is_ok_and(|u| {
                u.scheme() == "https"
                    && u.host_str().is_some_and(|h| {
                        h == "accounts.google.com" || h.ends_with(".googleapis.com")
                    })
            })
        };
        [
            ("authorization", used.authorization),
            ("token", used.token),
            ("revocation", used.revocation),
            ("userinfo", used.userinfo),
            ("gmail", used.gmail),
        ]
        .into_iter()
        .filter(|(_, url)| !is_google(url))
        .collect()
    }

    fn endpoints_over(&self, mut out: Endpoints) -> Endpoints {
        let o = &self.endpoints;
        let set = |slot: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                *slot = v.clone();
            }
        };
        set(&mut out.authorization, &o.authorization);
        set(&mut out.token, &o.token);
        set(&mut out.revocation, &o.revocation);
        set(&mut out.userinfo, &o.userinfo);
        set(&mut out.gmail, &o.gmail);
        if !out.gmail.ends_with('/') {
            out.gmail.push('/');
        }
        out
    }
}

/// An endpoint from `settings.json`: https anywhere, plain http only to this computer
/// (a loopback literal: 127.0.0.0/8 or `::1`), since tokens travel to it.
pub(super) fn check_http_url(uri: &str) -> std::result::Result<(), String> {
    let parsed = url::Url::parse(uri).map_err(|e| format!("is not a URL ({e})"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_literal(&parsed) => Ok(()),
        "http" => Err(format!(
            "is plain http to {}, which is not this computer: tokens would travel \
             unencrypted; use https, or 127.0.0.1 for a local stand-in",
            parsed.host_str().unwrap_or("no host")
        )),
        _ => Err("is not an http(s) URL".into()),
    }
}

/// Whether `url`'s host is a loopback IP literal (a name like `localhost` can resolve
/// anywhere, so it is not one).
pub(super) fn is_loopback_literal(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Client;
    use crate::config::tests::INSTALLED;

    #[test]
    fn only_endpoints_that_are_not_googles_are_named() {
        let c = Client::parse(INSTALLED.as_bytes()).unwrap();
        assert!(Settings::default().custom_endpoints(Some(&c)).is_empty());
        assert!(Settings::default().custom_endpoints(None).is_empty());
        let s = Settings::parse(br#"{"endpoints": {"gmail": "http://127.0.0.1:9"}}"#).unwrap();
        assert_eq!(
            s.custom_endpoints(Some(&c)),
            vec![("gmail", "http://127.0.0.1:9/".to_owned())]
        );
    }

    #[test]
    fn endpoints_default_to_google_and_follow_the_client_file_then_settings() {
        let c = Client::parse(INSTALLED.as_bytes()).unwrap();
        let plain = Settings::default().endpoints_for(&c);
        assert_eq!(plain.token, "https://oauth2.googleapis.com/token");
        assert_eq!(plain.revocation, "https://oauth2.googleapis.com/revoke");
        assert_eq!(plain.gmail, "https://gmail.googleapis.com/");
        let s = Settings::parse(
            br#"{"endpoints": {"token": "http://127.0.0.1:9/token", "gmail": "http://127.0.0.1:9"}}"#,
        )
        .unwrap();
        let e = s.endpoints_for(&c);
        assert_eq!(e.token, "http://127.0.0.1:9/token");
        assert_eq!(e.gmail, "http://127.0.0.1:9/");
        assert_eq!(e.authorization, "https://accounts.google.com/o/oauth2/auth");
    }

    #[test]
    fn a_bad_settings_file_names_the_field() {
        let e = Settings::parse(br#"{"endpoints": {"token": "nope"}}"#).unwrap_err();
        assert!(e.starts_with("\"endpoints.token\" is not a URL"), "{e}");
        let e = Settings::parse(br#"{"endpoints": {"gmail": "http://0.0.0.0:9/"}}"#).unwrap_err();
        assert!(
            e.starts_with(
                "\"endpoints.gmail\" is plain http to 0.0.0.0, which is not this computer"
            ),
            "{e}"
        );
        let fine = br#"{"endpoints": {"gmail": "https://gmail.example.net/", "token": "http://[::1]:9/t"}}"#;
        assert!(Settings::parse(fine).is_ok());
        let e = Settings::parse(br#"{"endpoint": {}}"#).unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
    }
}
