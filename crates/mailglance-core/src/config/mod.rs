//! Where Mailglance keeps its files, and the Google OAuth client it signs in with.
//!
//! The client comes from Google's own `client_secret.json` download (an
//! `installed` object for a "Desktop app" client; a `web` one is refused). Its
//! location is, in order: an explicit path, the [`CLIENT_FILE_ENV`] variable,
//! or `client_secret.json` in the config dir. The config and data dirs are the
//! platform's (`~/.config/mailglance`, `~/.local/share/mailglance` on Linux),
//! or [`CONFIG_DIR_ENV`] / [`DATA_DIR_ENV`] when set: tests and the demo use
//! those to keep away from a person's own files.
//!
//! [`Config`] is all of it, loaded once: the app holds one and loads it again only
//! when a client file is imported. Files by concern: `paths.rs` (folders), `settings.rs`
//! (`settings.json`, Google's endpoints), `client.rs` (the client file),
//! `notifications.rs` (`notifications.json`, the accounts whose new mail is not
//! announced).
//!
//! Not here: the endpoints' use (that is `auth/` and `gmail/`). Nothing secret is ever
//! written by this module.

mod client;
pub mod notifications;
mod paths;
mod settings;

use std::path::PathBuf;
use std::sync::Arc;

pub use client::{Client, ClientSecret, import_client_file};
pub use paths::Paths;
pub use settings::{EndpointOverrides, Endpoints, Quota, Settings, SyncEvery};

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
pub(crate) const APP_DIR_NAME: &str = "mailglance";

/// What went wrong finding or reading the client file. Every message names the
/// file and says how to fix it.
#[derive(Debug, Clone, thiserror::Error)]
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
        source: Arc<std::io::Error>,
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
    /// A file the app keeps in the config dir could not be written.
    #[error("cannot save {path}: {source}")]
    SaveFailed {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: Arc<std::io::Error>,
    },
    /// The imported file could not be copied into the config dir.
    #[error("cannot copy the client file into {path}: {source}")]
    ImportFailed {
        /// Where it was to go.
        path: PathBuf,
        /// The OS error.
        source: Arc<std::io::Error>,
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

/// The configuration the app runs with, read once: the folders, `settings.json` and the
/// client file. A file that could not be read keeps its error, reported each time the
/// thing it holds is needed (the welcome screen shows a client file's problem; a broken
/// `settings.json` stops sign-in and Gmail calls, never the window).
#[derive(Debug, Clone)]
pub struct Config {
    /// The folders in use.
    pub paths: Paths,
    client: Result<Client>,
    settings: Result<Settings>,
}

impl Config {
    /// Reads the client file and `settings.json` under `paths`.
    pub fn load(paths: Paths) -> Self {
        Self {
            client: Client::load(&paths.client_file),
            settings: Settings::load(&paths.settings_file()),
            paths,
        }
    }

    /// The OAuth client, or why there is none.
    pub fn client(&self) -> Result<&Client> {
        self.client.as_ref().map_err(Clone::clone)
    }

    /// `settings.json` (empty when there is no file), or why it cannot be used.
    pub fn settings(&self) -> Result<&Settings> {
        self.settings.as_ref().map_err(Clone::clone)
    }

    /// Google's endpoints: the defaults, then the client file's, then `settings.json`'s.
    pub fn endpoints(&self) -> Result<Endpoints> {
        Ok(self.settings()?.endpoints_for(self.client()?))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// A "Desktop app" client file as Google's console downloads it (no real secret).
    pub const INSTALLED: &str = r#"{"installed":{"client_id":"123-abc.apps.googleusercontent.com",
        "project_id":"mailglance-test","auth_uri":"https://accounts.google.com/o/oauth2/auth",
        "token_uri":"https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url":"https://www.googleapis.com/oauth2/v1/certs",
        "client_secret":"not-a-real-secret","redirect_uris":["http://localhost"]}}"#;
}
