//! Where Mailglance keeps its files, and the Google OAuth client it signs in with.
//!
//! The client comes from Google's own `client_secret.json` download (an
//! `installed` object for a "Desktop app" client; `web` is accepted too). Its
//! location is, in order: an explicit path, the [`CLIENT_FILE_ENV`] variable,
//! or `client_secret.json` in the config dir. The config and data dirs are the
//! platform's (`~/.config/mailglance`, `~/.local/share/mailglance` on Linux),
//! or [`CONFIG_DIR_ENV`] / [`DATA_DIR_ENV`] when set: tests and the demo use
//! those to keep away from a person's own files.
//!
//! Not here: the endpoints' use (that is `auth/` and `gmail/`), and nothing
//! from `tauri`. Nothing secret is ever written by this module.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Environment variable naming the client file to read.
pub const CLIENT_FILE_ENV: &str = "MAILGLANCE_CLIENT_FILE";
/// Environment variable that replaces the platform config dir.
pub const CONFIG_DIR_ENV: &str = "MAILGLANCE_CONFIG_DIR";
/// Environment variable that replaces the platform data dir.
pub const DATA_DIR_ENV: &str = "MAILGLANCE_DATA_DIR";
/// The client file's name in the config dir.
pub const CLIENT_FILE_NAME: &str = "client_secret.json";
/// The settings file's name in the config dir (optional).
pub const SETTINGS_FILE_NAME: &str = "settings.json";
/// The folder name under the platform's config and data dirs.
const APP_DIR_NAME: &str = "mailglance";

/// What went wrong finding or reading the client file. Every message names the
/// file and says how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No client file at the path looked at.
    #[error(
        "no OAuth client file at {path}. Create a Google OAuth client of type \"Desktop app\", \
         download its JSON and import it (or put it at that path)"
    )]
    ClientFileMissing {
        /// Where we looked.
        path: PathBuf,
    },
    /// The file is there but could not be read.
    #[error("cannot read the OAuth client file {path}: {source}")]
    ClientFileUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a Google client file.
    #[error(
        "{path} is not a Google OAuth client file: {problem}. Download it again from Google \
         Cloud Console (APIs & Services, Credentials, your \"Desktop app\" client, Download JSON)"
    )]
    ClientFileInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it, naming the field.
        problem: String,
    },
    /// `settings.json` is there but not in the documented form.
    #[error(
        "{path} is not a Mailglance settings file: {problem}. Fix it, or delete it to use \
         Google's endpoints"
    )]
    SettingsInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the field.
        problem: String,
    },
    /// The imported file could not be copied into the config dir.
    #[error("cannot copy the client file into {path}: {source}")]
    ImportFailed {
        /// Where it was to go.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Neither the platform nor the environment gives a home for the app's files.
    #[error(
        "cannot find a folder for Mailglance's {what} files: set {env} to a folder Mailglance may use"
    )]
    NoHomeDir {
        /// "config" or "data".
        what: &'static str,
        /// The variable that would fix it.
        env: &'static str,
    },
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// The folders the app reads and writes. Only non-secret files go here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Settings and the imported client file.
    pub config_dir: PathBuf,
    /// The list of known accounts (ids, e-mails, names: nothing secret).
    pub data_dir: PathBuf,
    /// The client file to read.
    pub client_file: PathBuf,
}

impl Paths {
    /// The paths from the environment variables, else the platform's folders.
    pub fn from_env() -> Result<Self> {
        let config_dir = dir_from(CONFIG_DIR_ENV, dirs::config_dir(), "config")?;
        let data_dir = dir_from(DATA_DIR_ENV, dirs::data_dir(), "data")?;
        let client_file = match std::env::var_os(CLIENT_FILE_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => config_dir.join(CLIENT_FILE_NAME),
        };
        Ok(Self {
            config_dir,
            data_dir,
            client_file,
        })
    }
}

fn dir_from(env: &'static str, platform: Option<PathBuf>, what: &'static str) -> Result<PathBuf> {
    match std::env::var_os(env) {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => platform
            .map(|d| d.join(APP_DIR_NAME))
            .ok_or(Error::NoHomeDir { what, env }),
    }
}

impl Paths {
    /// The optional settings file beside the client file's default place.
    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join(SETTINGS_FILE_NAME)
    }

    /// Where an imported client file is copied to.
    pub fn imported_client_file(&self) -> PathBuf {
        self.config_dir.join(CLIENT_FILE_NAME)
    }
}

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
        Ok(Self {
            endpoints: raw.endpoints,
            browser: raw.browser,
        })
    }

    /// Google's endpoints, overridden by the client file and then by these settings.
    pub fn endpoints_for(&self, client: &Client) -> Endpoints {
        let mut out = Endpoints {
            authorization: client.auth_uri.clone(),
            token: client.token_uri.clone(),
            ..Endpoints::default()
        };
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

fn check_http_url(uri: &str) -> std::result::Result<(), String> {
    let parsed = url::Url::parse(uri).map_err(|e| format!("is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("is not an http(s) URL".into());
    }
    Ok(())
}

/// Checks the client file at `from` and copies it to `paths.imported_client_file()`.
/// Nothing is copied when the file is not a usable client file.
pub fn import_client_file(paths: &Paths, from: &Path) -> Result<Client> {
    let client = Client::load(from)?;
    let to = paths.imported_client_file();
    let io = |source| Error::ImportFailed {
        path: to.clone(),
        source,
    };
    std::fs::create_dir_all(&paths.config_dir).map_err(io)?;
    if from != to {
        // Copy to a temporary name first, so a failed copy never leaves half a file.
        let partial = to.with_extension("json.partial");
        std::fs::copy(from, &partial).map_err(io)?;
        std::fs::rename(&partial, &to).map_err(io)?;
    }
    Ok(client)
}

/// The OAuth client secret. Its `Debug` output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// The secret itself, for the token request only.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

/// A Google OAuth client, read from a `client_secret.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`; Google's desktop clients have one, and it is not
    /// confidential for installed apps, but it is still never shown or logged.
    pub client_secret: Option<ClientSecret>,
    /// `auth_uri`: the authorization endpoint.
    pub auth_uri: String,
    /// `token_uri`: the token endpoint.
    pub token_uri: String,
    /// Which object the file held: `installed` or `web`.
    pub kind: ClientKind,
}

/// The two client types Google's download can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A "Desktop app" client: the right one for Mailglance.
    Installed,
    /// A "Web application" client: works only if its redirect URIs allow loopback.
    Web,
}

#[derive(Deserialize)]
struct RawFile {
    installed: Option<serde_json::Value>,
    web: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawClient {
    client_id: Option<String>,
    client_secret: Option<String>,
    auth_uri: Option<String>,
    token_uri: Option<String>,
}

impl Client {
    /// Reads and checks the client file at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::ClientFileMissing { path: path.into() });
            }
            Err(source) => {
                return Err(Error::ClientFileUnreadable {
                    path: path.into(),
                    source,
                });
            }
        };
        Self::parse(&bytes).map_err(|problem| Error::ClientFileInvalid {
            path: path.into(),
            problem,
        })
    }

    /// Parses the text of a client file; the error says what is wrong.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, String> {
        let raw: RawFile = serde_json::from_slice(bytes).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                format!("it is not valid JSON ({e})")
            } else {
                format!("its top level is not a JSON object ({e})")
            }
        })?;
        let (kind, name, value) = match (raw.installed, raw.web) {
            (Some(v), _) => (ClientKind::Installed, "installed", v),
            (None, Some(v)) => (ClientKind::Web, "web", v),
            (None, None) => {
                return Err("it has neither an \"installed\" nor a \"web\" object".into());
            }
        };
        let c: RawClient = serde_json::from_value(value)
            .map_err(|e| format!("its \"{name}\" object is malformed ({e})"))?;
        let need = |field: Option<String>, key: &str| -> std::result::Result<String, String> {
            match field {
                Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
                _ => Err(format!("\"{name}.{key}\" is missing or empty")),
            }
        };
        let client_id = need(c.client_id, "client_id")?;
        let auth_uri = need(c.auth_uri, "auth_uri")?;
        let token_uri = need(c.token_uri, "token_uri")?;
        for (key, uri) in [("auth_uri", &auth_uri), ("token_uri", &token_uri)] {
            check_http_url(uri).map_err(|why| format!("\"{name}.{key}\" {why}"))?;
        }
        Ok(Self {
            client_id,
            client_secret: c.client_secret.filter(|s| !s.is_empty()).map(ClientSecret),
            auth_uri,
            token_uri,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTALLED: &str = r#"{"installed":{"client_id":"123-abc.apps.googleusercontent.com",
        "project_id":"mailglance-test","auth_uri":"https://accounts.google.com/o/oauth2/auth",
        "token_uri":"https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url":"https://www.googleapis.com/oauth2/v1/certs",
        "client_secret":"not-a-real-secret","redirect_uris":["http://localhost"]}}"#;

    #[test]
    fn a_google_desktop_client_file_is_read_with_its_endpoints() {
        let c = Client::parse(INSTALLED.as_bytes()).unwrap();
        assert_eq!(c.kind, ClientKind::Installed);
        assert_eq!(c.client_id, "123-abc.apps.googleusercontent.com");
        assert_eq!(c.token_uri, "https://oauth2.googleapis.com/token");
        assert_eq!(c.client_secret.unwrap().secret(), "not-a-real-secret");
    }

    #[test]
    fn a_web_client_file_is_accepted() {
        let web = INSTALLED.replace("\"installed\"", "\"web\"");
        assert_eq!(Client::parse(web.as_bytes()).unwrap().kind, ClientKind::Web);
    }

    #[test]
    fn the_client_secret_never_shows_in_debug_output() {
        let c = Client::parse(INSTALLED.as_bytes()).unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("not-a-real-secret"), "{debug}");
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn broken_json_is_named_as_not_json() {
        let e = Client::parse(b"{\"installed\": {").unwrap_err();
        assert!(e.contains("not valid JSON"), "{e}");
    }

    #[test]
    fn a_file_without_installed_or_web_says_so() {
        let e = Client::parse(br#"{"type":"service_account"}"#).unwrap_err();
        assert!(e.contains("neither an \"installed\" nor a \"web\""), "{e}");
    }

    #[test]
    fn a_missing_field_is_named_with_its_object() {
        let no_id = INSTALLED.replace("\"client_id\"", "\"client\"");
        let e = Client::parse(no_id.as_bytes()).unwrap_err();
        assert_eq!(e, "\"installed.client_id\" is missing or empty");
        let bad_uri = INSTALLED.replace("https://oauth2.googleapis.com/token", "token");
        let e = Client::parse(bad_uri.as_bytes()).unwrap_err();
        assert!(e.starts_with("\"installed.token_uri\" is not a URL"), "{e}");
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
        let e = Settings::parse(br#"{"endpoint": {}}"#).unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
    }

    #[test]
    fn importing_a_broken_file_copies_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
            client_file: dir.path().join("config/client_secret.json"),
        };
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{").unwrap();
        assert!(matches!(
            import_client_file(&paths, &bad),
            Err(Error::ClientFileInvalid { .. })
        ));
        assert!(!paths.imported_client_file().exists());
        let good = dir.path().join("good.json");
        std::fs::write(&good, INSTALLED).unwrap();
        import_client_file(&paths, &good).unwrap();
        assert_eq!(
            std::fs::read_to_string(paths.imported_client_file()).unwrap(),
            INSTALLED
        );
    }

    #[test]
    fn loading_names_the_file_and_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("client_secret.json");
        let e = Client::load(&path).unwrap_err();
        assert!(matches!(e, Error::ClientFileMissing { .. }));
        assert!(e.to_string().contains(&path.display().to_string()));

        std::fs::write(&path, "[1, 2]").unwrap();
        let e = Client::load(&path).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("not a Google OAuth client file"), "{text}");
    }
}
