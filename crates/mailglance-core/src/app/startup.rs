//! What the first screen needs: the version, the locale, the client file's state (and
//! importing one), the endpoints that are not Google's.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};

use serde::Serialize;

use super::App;
use crate::config::{self, Config};
use crate::error::Result;

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

/// The system locale (`LC_ALL`, `LC_MESSAGES`, `LANG` on Unix), as a BCP 47
/// tag without the encoding; `en-US` when none is set.
fn system_locale() -> String {
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

impl App {
    /// What the first screen shows.
    pub fn startup(&self) -> Startup {
        Startup {
            version: env!("CARGO_PKG_VERSION"),
            locale: system_locale(),
            client_file: self.client_file_status(),
            custom_endpoints: self.custom_endpoints(),
        }
    }

    /// The endpoints in use that are not Google's, by name.
    pub fn custom_endpoints(&self) -> Vec<(&'static str, String)> {
        let config = self.config();
        let client = config.client().ok();
        config
            .settings()
            .map(|s| s.custom_endpoints(client))
            .unwrap_or_default()
    }

    /// Whether the client file is there and usable.
    pub fn client_file_status(&self) -> ClientFileStatus {
        let config = self.config();
        let (state, problem) = match config.client() {
            Ok(_) => ("ready", None),
            Err(e @ config::Error::ClientFileMissing { .. }) => ("missing", Some(e.to_string())),
            Err(e) => ("invalid", Some(e.to_string())),
        };
        ClientFileStatus {
            path: config.paths.client_file.clone(),
            env_var: config::CLIENT_FILE_ENV,
            state,
            problem,
        }
    }

    /// Checks a chosen client file, copies it into the config dir and reads the
    /// configuration again.
    pub fn import_client_file(&self, from: &Path) -> Result<ClientFileStatus> {
        let paths = self.config().paths.clone();
        config::import_client_file(&paths, from)?;
        *self.config.write().unwrap_or_else(PoisonError::into_inner) =
            Arc::new(Config::load(paths));
        Ok(self.client_file_status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;
    use crate::keychain::Keychain;

    fn app_in(dir: &std::path::Path) -> App {
        let paths = Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
            client_file: dir.join("config").join("client_secret.json"),
        };
        App::new(
            paths,
            Keychain::new("Mailglance unit tests"),
            Arc::new(crate::auth::CommandOpener::new(vec!["true".into()])),
        )
        .unwrap()
    }

    #[test]
    fn startup_reports_a_missing_client_file_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let s = app_in(dir.path()).startup();
        assert_eq!(s.client_file.state, "missing");
        assert!(s.client_file.path.ends_with("config/client_secret.json"));
        assert!(s.client_file.problem.unwrap().contains("Desktop app"));
    }

    #[test]
    fn startup_reports_a_broken_client_file_as_invalid() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/client_secret.json"), "not json").unwrap();
        let s = app_in(dir.path()).startup();
        assert_eq!(s.client_file.state, "invalid");
        assert!(s.client_file.problem.unwrap().contains("not valid JSON"));
    }
}
