//! Google's OAuth client file (`client_secret.json`), read, checked and imported.
//!
//! Not here: where the file is looked for (`paths.rs`). The client secret is kept in
//! [`ClientSecret`], whose `Debug` output never shows it.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::settings::is_loopback_literal;
use super::{Error, Paths, Result};

/// Checks the client file at `from` and copies it to `paths.imported_client_file()`.
/// Nothing is copied when the file is not a usable client file.
pub fn import_client_file(paths: &Paths, from: &Path) -> Result<Client> {
    let client = Client::load(from)?;
    let to = paths.imported_client_file();
    let io = |source| Error::ImportFailed {
        path: to.clone(),
        source: Arc::new(source),
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
}

/// Why a "Web application" client cannot work.
const WEB_CLIENT: &str = "it is a \"Web application\" client, whose registered redirect can \
     never match the port Mailglance listens on: create a \"Desktop app\" client in the Google \
     Cloud console (APIs & Services, Credentials) and import its file";

/// The hosts a downloaded client file's endpoints are on.
const GOOGLE_OAUTH_HOSTS: [&str; 3] = [
    "accounts.google.com",
    "oauth2.googleapis.com",
    "www.googleapis.com",
];

/// A client file's `auth_uri` or `token_uri`: Google's, over https, or this computer (a
/// loopback literal: the stand-in). The code, the PKCE verifier, the client secret and
/// then the refresh token go there, so no other host is taken from a file people are
/// told to download and import.
fn check_client_uri(uri: &str) -> std::result::Result<(), String> {
    let parsed = url::Url::parse(uri).map_err(|e| format!("is not a URL ({e})"))?;
    let google = parsed.scheme() == "https"
        && parsed
            .host_str()
            .is_some_and(|h| GOOGLE_OAUTH_HOSTS.contains(&h.to_ascii_lowercase().as_str()));
    let here = matches!(parsed.scheme(), "http" | "https") && is_loopback_literal(&parsed);
    if google || here {
        Ok(())
    } else {
        Err(format!(
            "points at {uri}, which is not one of Google's endpoints: a client file from \
             Google names https://accounts.google.com or https://oauth2.googleapis.com; \
             download it again from the Google Cloud console"
        ))
    }
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
                    source: Arc::new(source),
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
        let (name, value) = match (raw.installed, raw.web) {
            (Some(v), _) => ("installed", v),
            (None, Some(_)) => return Err(WEB_CLIENT.into()),
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
            check_client_uri(uri).map_err(|why| format!("\"{name}.{key}\" {why}"))?;
        }
        Ok(Self {
            client_id,
            client_secret: c.client_secret.filter(|s| !s.is_empty()).map(ClientSecret),
            auth_uri,
            token_uri,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;
    use crate::config::tests::INSTALLED;

    #[test]
    fn a_google_desktop_client_file_is_read_with_its_endpoints() {
        let c = Client::parse(INSTALLED.as_bytes()).unwrap();
        assert_eq!(c.client_id, "123-abc.apps.googleusercontent.com");
        assert_eq!(c.token_uri, "https://oauth2.googleapis.com/token");
        assert_eq!(c.client_secret.unwrap().secret(), "not-a-real-secret");
    }

    #[test]
    fn a_web_client_file_is_refused_with_how_to_make_a_desktop_one() {
        let web = INSTALLED.replace("\"installed\"", "\"web\"");
        let e = Client::parse(web.as_bytes()).unwrap_err();
        assert!(e.starts_with("it is a \"Web application\" client"), "{e}");
        assert!(e.contains("create a \"Desktop app\" client"), "{e}");
    }

    #[test]
    fn a_client_file_that_sends_secrets_elsewhere_is_refused_naming_the_field() {
        for (field, from, to) in [
            (
                "token_uri",
                "https://oauth2.googleapis.com/token",
                "https://evil.example/token",
            ),
            (
                "token_uri",
                "https://oauth2.googleapis.com/token",
                "http://oauth2.googleapis.com/token",
            ),
            (
                "token_uri",
                "https://oauth2.googleapis.com/token",
                "http://0.0.0.0:9/token",
            ),
            (
                "token_uri",
                "https://oauth2.googleapis.com/token",
                "http://localhost:9/token",
            ),
            (
                "auth_uri",
                "https://accounts.google.com/o/oauth2/auth",
                "https://accounts.google.com.evil.example/auth",
            ),
        ] {
            let file = INSTALLED.replace(from, to);
            let e = Client::parse(file.as_bytes()).unwrap_err();
            assert!(
                e.starts_with(&format!("\"installed.{field}\" points at {to}")),
                "{e}"
            );
        }
        // Google's hosts, and this computer (the stand-in), are fine.
        for to in [
            "https://www.googleapis.com/oauth2/v4/token",
            "http://127.0.0.1:9/token",
            "http://[::1]:9/token",
        ] {
            let file = INSTALLED.replace("https://oauth2.googleapis.com/token", to);
            assert_eq!(Client::parse(file.as_bytes()).unwrap().token_uri, to);
        }
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
