//! What the benchmarks that sign in share: an app over throwaway folders pointed at the
//! stand-in, a keychain service of their own, and sign-ins as the demo accounts.

use std::sync::Arc;

use mailglance_core::app::App;
use mailglance_core::auth::{AccountView, CommandOpener};
use mailglance_core::config::Paths;
use mailglance_core::keychain::Keychain;
use mailglance_standin::{BIG_ACCOUNT, BrowseOptions, StandIn};

/// Folders and a keychain service for one benchmark run.
pub struct Bench {
    _dir: tempfile::TempDir,
    /// The app's folders.
    pub paths: Paths,
    service: String,
}

impl Bench {
    /// Folders configured for `standin`, with `settings` applied to its `settings.json`.
    pub fn new(standin: &StandIn, settings: impl FnOnce(&mut serde_json::Value)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
            client_file: dir.path().join("config/client_secret.json"),
        };
        standin.write_config(&paths.config_dir).unwrap();
        let file = paths.config_dir.join("settings.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        settings(&mut v);
        std::fs::write(&file, v.to_string()).unwrap();
        Self {
            _dir: dir,
            paths,
            service: format!("Mailglance bench {}", std::process::id()),
        }
    }

    /// A new app over these folders (a launch).
    pub fn app(&self) -> App {
        App::new(
            self.paths.clone(),
            Keychain::new(&self.service),
            Arc::new(CommandOpener::new(vec!["true".into()])),
        )
        .expect("the app starts")
    }

    /// Signs in as the big demo account: the scripted person approves on the consent page.
    pub async fn sign_in(&self, app: &App) -> AccountView {
        self.sign_in_as(app, BIG_ACCOUNT).await
    }

    /// Signs in as `email`, one of the stand-in's accounts.
    pub async fn sign_in_as(&self, app: &App, email: &str) -> AccountView {
        let started = app.start_sign_in(None).await.expect("sign-in starts");
        let url = started.url.clone();
        let email = email.to_owned();
        tokio::spawn(async move {
            let options = BrowseOptions {
                account: Some(email),
                follow_redirect: true,
                ..BrowseOptions::default()
            };
            mailglance_standin::browse(&url, &options)
                .await
                .expect("consent");
        });
        app.finish_sign_in().await.expect("signed in")
    }
}
