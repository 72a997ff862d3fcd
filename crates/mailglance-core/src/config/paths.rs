//! The folders Mailglance reads and writes, from the environment or the platform.
//!
//! Not here: what goes in them (the client file, settings, accounts, keychain entries
//! live elsewhere). Nothing secret is ever written to these folders.

use std::path::PathBuf;

use super::{
    APP_DIR_NAME, CLIENT_FILE_ENV, CLIENT_FILE_NAME, CONFIG_DIR_ENV, DATA_DIR_ENV, Error, Result,
    SETTINGS_FILE_NAME,
};

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
