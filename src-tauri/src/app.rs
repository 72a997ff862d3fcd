//! The app's state and what it can do, with no window attached.
//!
//! `commands.rs` holds one [`App`] as Tauri managed state and calls one method
//! per command; the command-line entry points can hold one too. Nothing here
//! imports `tauri`.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::{self, Client, Paths};
use crate::keychain::Keychain;

/// Everything the app holds while it runs.
#[derive(Debug)]
pub struct App {
    paths: Paths,
    keychain: Keychain,
}

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
}

impl App {
    /// The app over the given folders and keychain.
    pub fn new(paths: Paths, keychain: Keychain) -> Self {
        Self { paths, keychain }
    }

    /// The app as configured by the environment (see `config` and `keychain`).
    pub fn from_env() -> config::Result<Self> {
        Ok(Self::new(Paths::from_env()?, Keychain::from_env()))
    }

    /// The folders in use.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The keychain in use.
    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// What the first screen shows.
    pub fn startup(&self) -> Startup {
        Startup {
            version: env!("CARGO_PKG_VERSION"),
            locale: system_locale(),
            client_file: self.client_file_status(),
        }
    }

    /// Whether the client file is there and usable.
    pub fn client_file_status(&self) -> ClientFileStatus {
        let path = self.paths.client_file.clone();
        let (state, problem) = match Client::load(&path) {
            Ok(_) => ("ready", None),
            Err(e @ config::Error::ClientFileMissing { .. }) => ("missing", Some(e.to_string())),
            Err(e) => ("invalid", Some(e.to_string())),
        };
        ClientFileStatus {
            path,
            env_var: config::CLIENT_FILE_ENV,
            state,
            problem,
        }
    }
}

/// The system locale (`LC_ALL`, `LC_MESSAGES`, `LANG` on Unix), as a BCP 47
/// tag without the encoding; `en-US` when none is set.
fn system_locale() -> String {
    sys_locale::get_locale()
        .map(|l| l.split(['.', '@']).next().unwrap_or_default().replace('_', "-"))
        .filter(|l| !l.is_empty() && l != "C" && l != "POSIX")
        .unwrap_or_else(|| "en-US".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_in(dir: &std::path::Path) -> App {
        let paths = Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
            client_file: dir.join("config").join("client_secret.json"),
        };
        App::new(paths, Keychain::new("Mailglance unit tests"))
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
