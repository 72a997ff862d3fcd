//! Shared helpers: a stand-in, an app over fresh folders and a keychain service of its
//! own, and a scripted browser that plays the person at the consent page.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use mailglance_core::app::App;
use mailglance_core::auth::Opener;
use mailglance_core::config::Paths;
use mailglance_core::keychain::Keychain;
use mailglance_standin::{BrowseOptions, Options, StandIn};

/// What the scripted person does when the browser opens.
#[derive(Debug, Clone)]
pub enum Person {
    /// Chooses this account and presses Allow.
    Allows(String),
    /// Chooses this account, leaves this scope unticked, and presses Allow.
    AllowsWithout(String, String),
    /// Presses Deny.
    Denies,
    /// Never acts (for cancel and timeout tests).
    Away,
}

/// A browser that records every URL it is asked to open and acts as [`Person`] says.
#[derive(Clone)]
pub struct ScriptedBrowser {
    person: Arc<Mutex<Person>>,
    pub opened: Arc<Mutex<Vec<String>>>,
}

impl ScriptedBrowser {
    pub fn new(person: Person) -> Self {
        Self {
            person: Arc::new(Mutex::new(person)),
            opened: Arc::default(),
        }
    }

    pub fn act_as(&self, person: Person) {
        *self.person.lock().unwrap() = person;
    }

    pub fn opened(&self) -> Vec<String> {
        self.opened.lock().unwrap().clone()
    }
}

impl Opener for ScriptedBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().unwrap().push(url.to_owned());
        let options = match self.person.lock().unwrap().clone() {
            Person::Allows(email) => BrowseOptions {
                account: Some(email),
                follow_redirect: true,
                ..BrowseOptions::default()
            },
            Person::AllowsWithout(email, scope) => BrowseOptions {
                account: Some(email),
                follow_redirect: true,
                untick: vec![scope],
                ..BrowseOptions::default()
            },
            Person::Denies => BrowseOptions {
                deny: true,
                follow_redirect: true,
                ..BrowseOptions::default()
            },
            Person::Away => return Ok(()),
        };
        let url = url.to_owned();
        tokio::runtime::Handle::current().spawn(async move {
            if let Err(e) = mailglance_standin::browse(&url, &options).await {
                eprintln!("scripted browser: {e}");
            }
        });
        Ok(())
    }
}

/// A stand-in and an app configured to use it, in folders of their own.
pub struct Fixture {
    pub standin: StandIn,
    pub dir: tempfile::TempDir,
    pub paths: Paths,
    pub service: String,
    pub browser: ScriptedBrowser,
}

pub const ANA: &str = mailglance_standin::BIG_ACCOUNT;
pub const JEAN: &str = mailglance_standin::SMALL_ACCOUNT;

impl Fixture {
    pub async fn new() -> Self {
        Self::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Self {
        let standin = StandIn::start(options).await.expect("stand-in starts");
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
            client_file: dir.path().join("config/client_secret.json"),
        };
        standin.write_config(&paths.config_dir).unwrap();
        // Google's allowance per "minute" of one second: the pacing still runs, and tests
        // that walk a whole inbox do not wait minutes for it.
        let settings = paths.settings_file();
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
        v["quota"] = serde_json::json!({"windowSeconds": 1});
        std::fs::write(&settings, v.to_string()).unwrap();
        let service = format!(
            "Mailglance it {}",
            dir.path().file_name().unwrap().to_string_lossy()
        );
        Self {
            standin,
            dir,
            paths,
            service,
            browser: ScriptedBrowser::new(Person::Allows(ANA.into())),
        }
    }

    /// A new app process over the same folders and keychain (a restart).
    pub fn app(&self) -> App {
        App::new(
            self.paths.clone(),
            Keychain::new(&self.service),
            Arc::new(self.browser.clone()),
        )
        .expect("the app starts")
    }

    /// Signs in as `email` through the scripted browser.
    pub async fn sign_in(&self, app: &App, email: &str) -> mailglance_core::auth::AccountView {
        self.browser.act_as(Person::Allows(email.into()));
        app.start_sign_in(None).await.expect("sign-in starts");
        app.finish_sign_in().await.expect("sign-in finishes")
    }

    /// Rewrites one endpoint in settings.json.
    pub fn set_endpoint(&self, name: &str, url: &str) {
        let path = self.paths.settings_file();
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        v["endpoints"][name] = url.into();
        std::fs::write(path, v.to_string()).unwrap();
    }
}

/// An address where nothing listens (a port just released): Google unreachable.
pub fn unreachable_address() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// What `secret-tool` finds for the account in `service`, if anything.
pub fn secret_tool_lookup(service: &str, account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", account])
        .output()
        .expect("secret-tool is missing: run scripts/setup.sh test");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// Every file under `dir`, with its bytes.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

/// The query parameters of a URL.
pub fn query(url: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
