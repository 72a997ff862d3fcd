//! Shared helpers for the end-to-end tests: the real `mailglance` binary in a
//! real window, driven through `tauri-driver` and WebKitWebDriver.
//!
//! Each [`App`] gets its own `tauri-driver` on free ports, its own config and
//! data folders, and its own keychain service name, so tests can run side by
//! side and never touch a person's files. They expect to run inside
//! `scripts/test-session.sh` (a virtual display, a private D-Bus and keyring),
//! after `cargo build -p mailglance`, as `scripts/test.sh` does.
//!
//! Not here: assertions. The tests in `tests/` say what a user would notice.

mod bus;
/// The notification server the notification tests read back.
pub mod notifications;
/// A tray host the tray tests read the app's tray icon from.
pub mod tray_host;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The cargo target folder.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Where screenshots go: `target/e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

/// The debug build of the app, which `scripts/test.sh` builds first, or the binary
/// `MAILGLANCE_E2E_BINARY` names (a release build, for measuring).
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("MAILGLANCE_E2E_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/mailglance"));
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p mailglance` first (scripts/test.sh does)",
        path.display()
    );
    path
}

/// The app's log (its stderr, through tauri-driver), kept in its home for leak checks.
fn log_file(home: &Path) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(home.join("app.log"))
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::inherit())
}

fn dir(home: &tempfile::TempDir, name: &str) -> String {
    home.path().join(name).to_string_lossy().into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// A home for an app whose configuration points at `standin` (its client file and
/// `settings.json`), with `browser` as the program that opens links (the URL is appended).
pub fn home_for(standin: &mailglance_standin::StandIn, browser: &[&str]) -> tempfile::TempDir {
    home_with_browser(standin, |_| browser.iter().map(|s| s.to_string()).collect())
}

/// As [`home_for`], with the browser's command made from the home's path.
pub fn home_with_browser(
    standin: &mailglance_standin::StandIn,
    browser: impl FnOnce(&Path) -> Vec<String>,
) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    let browser = browser(home.path());
    let config = home.path().join("config");
    standin.write_config(&config).expect("stand-in config");
    let path = config.join("settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("settings.json"))
            .expect("settings.json is JSON");
    settings["browser"] = serde_json::json!(browser);
    std::fs::write(&path, settings.to_string()).expect("write settings.json");
    home
}

/// A home like [`home_for`] whose browser signs in through the stand-in's scripted
/// browser, and records every Gmail address it is asked to open in `opened.txt` (read
/// back with [`opened_in_gmail`]).
pub fn home_recording_gmail(standin: &mailglance_standin::StandIn) -> tempfile::TempDir {
    home_with_browser(standin, |home| {
        let record = home.join("opened.txt");
        let script = format!(
            "case \"$0\" in https://mail.google.com/*) echo \"$0\" >> '{}';; *) exec '{}' \"$0\";; esac",
            record.display(),
            standin_binary().display()
        );
        vec!["sh".into(), "-c".into(), script]
    })
}

/// The Gmail addresses a [`home_recording_gmail`] browser was asked to open, in order,
/// once there are `count` of them; panics if they do not come within 10 s.
pub async fn opened_in_gmail(home: &Path, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let opened: Vec<String> = std::fs::read_to_string(home.join("opened.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect();
        if opened.len() >= count {
            return opened;
        }
        assert!(
            Instant::now() < deadline,
            "{count} addresses opened in Gmail expected within 10 s, got {opened:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The keychain service of an app over `home` (each test's own).
pub fn keychain_service(home: &Path) -> String {
    format!(
        "Mailglance e2e {}",
        home.file_name().unwrap().to_string_lossy()
    )
}

/// Signs `account` in with `mailglance login` over `home`'s folders and keychain service,
/// before any window opens (what `scripts/demo.sh --auto` does); the home's browser must
/// be the stand-in's scripted one. Panics with the command's stderr if it fails.
pub fn login_from_command_line(home: &Path, account: &str) {
    let login = Command::new(app_binary())
        .arg("login")
        .env("MAILGLANCE_CONFIG_DIR", home.join("config"))
        .env("MAILGLANCE_DATA_DIR", home.join("data"))
        .env("MAILGLANCE_KEYCHAIN_SERVICE", keychain_service(home))
        .env("STANDIN_BROWSE_ACCOUNT", account)
        .env_remove("MAILGLANCE_CLIENT_FILE")
        .output()
        .expect("the app's binary runs");
    assert!(
        login.status.success(),
        "mailglance login as {account}: {}",
        String::from_utf8_lossy(&login.stderr)
    );
}

/// Waits until the stand-in has seen no request for `quiet` (a launch's syncs, lists
/// and labels are done; the next background check is further away).
pub async fn settled(standin: &mailglance_standin::StandIn, quiet: Duration) {
    let mut seen = standin.requests().len();
    let mut since = Instant::now();
    while since.elapsed() < quiet {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = standin.requests().len();
        if now != seen {
            (seen, since) = (now, Instant::now());
        }
    }
}

/// The stand-in's binary, which doubles as a scripted browser (`standin URL`).
pub fn standin_binary() -> PathBuf {
    let path = target_dir().join("debug/standin");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p mailglance-standin` first (scripts/test.sh does)",
        path.display()
    );
    path
}

/// How an [`App`] is started.
#[derive(Debug, Default)]
pub struct Launch {
    /// Extra environment for the app's process (it passes through
    /// tauri-driver and WebKitWebDriver).
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// Adds one environment variable for the app.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env
            .push((key.into(), value.as_ref().to_string_lossy().into_owned()));
        self
    }
}

/// One window at a time: every test shares the virtual display, and a screenshot must
/// show the window of the test that takes it.
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A running app: its `tauri-driver`, its WebDriver session, and its folders.
pub struct App {
    /// The WebDriver session on the app's window.
    pub client: Client,
    driver: Child,
    home: Option<tempfile::TempDir>,
    /// The environment the app was started with, for [`App::launch_again`].
    env: Vec<(String, String)>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl App {
    /// Starts the app with fresh folders and a keychain service of its own.
    pub async fn start(launch: Launch) -> App {
        let home = tempfile::tempdir().expect("temp dir");
        Self::start_in(home, launch).await
    }

    /// Starts the app over `home` and signs in there as the stand-in's big demo account
    /// (its scripted person approves), returning once the first rows are drawn.
    pub async fn signed_in(home: tempfile::TempDir, launch: Launch) -> App {
        let app = App::start_in(
            home,
            launch.env("STANDIN_BROWSE_ACCOUNT", mailglance_standin::BIG_ACCOUNT),
        )
        .await;
        app.click("#sign-in").await;
        app.wait_visible("#shell").await;
        app.wait_visible(".row").await;
        app
    }

    /// Starts the app over existing folders (for restart tests).
    pub async fn start_in(home: tempfile::TempDir, launch: Launch) -> App {
        // Both ring and aws-lc-rs are linked in (see Cargo.toml): pick one, once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let turn = ONE_WINDOW.lock().await;
        let service = keychain_service(home.path());
        let mut env = vec![
            ("MAILGLANCE_CONFIG_DIR".to_owned(), dir(&home, "config")),
            ("MAILGLANCE_DATA_DIR".to_owned(), dir(&home, "data")),
            ("MAILGLANCE_KEYCHAIN_SERVICE".to_owned(), service),
        ];
        env.extend(launch.env);
        // A port picked free can be taken before tauri-driver binds it (the tests' own
        // connections use the same range): a driver that gets no session is stopped and
        // started again on other ports, up to three times, its log kept in the test's.
        let mut failures = Vec::new();
        for _ in 0..3 {
            let (port, native_port) = (free_port(), free_port());
            let mut cmd = Command::new("tauri-driver");
            cmd.args(["--port", &port.to_string()])
                .args(["--native-port", &native_port.to_string()])
                .env_remove("MAILGLANCE_CLIENT_FILE")
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::null())
                .stderr(log_file(home.path()));
            let driver = cmd.spawn().expect(
                "tauri-driver did not start: install it with `scripts/setup.sh test` \
                 (cargo install tauri-driver --version '^2' --locked)",
            );
            let mut guard = DriverGuard(Some(driver));
            let url = format!("http://127.0.0.1:{port}");
            match connect(&url, &app_binary(), guard.0.as_mut().unwrap()).await {
                Ok(client) => {
                    return App {
                        client,
                        driver: guard.0.take().unwrap(),
                        home: Some(home),
                        env,
                        _turn: turn,
                    };
                }
                Err(e) => failures.push(e),
            }
        }
        let log = std::fs::read_to_string(home.path().join("app.log")).unwrap_or_default();
        panic!("no WebDriver session after three tries: {failures:?}\n{log}");
    }

    /// The app's process and its WebKit processes: (pid, name, RSS KiB, PSS KiB) each.
    pub fn process_tree(&self) -> Vec<(u32, String, u64, u64)> {
        let parent_of = |pid: u32| -> Option<u32> {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The name may hold spaces: the fields after the last ')' are fixed.
            stat.rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        };
        let all: Vec<u32> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect();
        let descends_from = |mut pid: u32, ancestor: u32| {
            while let Some(p) = parent_of(pid) {
                if p == ancestor {
                    return true;
                }
                if p <= 1 {
                    return false;
                }
                pid = p;
            }
            false
        };
        let driver = self.driver.id();
        let Some(app) = all.iter().copied().find(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "mailglance")
                && descends_from(pid, driver)
        }) else {
            return Vec::new();
        };
        let field = |text: &str, key: &str| -> u64 {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        all.iter()
            .copied()
            .filter(|&pid| pid == app || descends_from(pid, app))
            .filter_map(|pid| {
                let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
                let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
                Some((
                    pid,
                    name.trim().to_owned(),
                    field(&rollup, "Rss:"),
                    field(&rollup, "Pss:"),
                ))
            })
            .collect()
    }

    /// The app's own folder, holding `config/` and `data/` (removed at the end).
    pub fn home(&self) -> &Path {
        self.home.as_ref().expect("home is kept until quit").path()
    }

    /// Waits until the element matching `css` is displayed, and returns it.
    pub async fn wait_visible(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && el.is_displayed().await.unwrap_or(false)
            {
                return el;
            }
            assert!(Instant::now() < deadline, "{css} was not shown within 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element matching `css` has non-empty text, and returns it.
    pub async fn wait_text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
                && !text.trim().is_empty()
            {
                return text;
            }
            assert!(Instant::now() < deadline, "{css} had no text within 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element matching `css` is hidden or gone.
    pub async fn wait_hidden(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(el) if el.is_displayed().await.unwrap_or(true) => {}
                _ => return,
            }
            assert!(
                Instant::now() < deadline,
                "{css} was still shown after 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` is shown and enabled, then clicks it.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let el = self.wait_visible(css).await;
            if el.is_enabled().await.unwrap_or(false) {
                el.click()
                    .await
                    .unwrap_or_else(|e| panic!("click {css}: {e}"));
                return;
            }
            assert!(Instant::now() < deadline, "{css} stayed disabled for 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` contains `part`, and returns the whole text.
    pub async fn wait_text_containing(&self, css: &str, part: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
                && text.contains(part)
            {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} did not show {part:?} within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The one wait for what the page shows: polls `script` (a function body returning a
    /// boolean) until it returns true, and panics naming `what` (and the page's last
    /// answer) if it has not within 30 s.
    pub async fn eventually(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = self.client.execute(script, vec![]).await;
            if matches!(&answer, Ok(v) if *v == serde_json::json!(true)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: not within 30 s (the page said {answer:?})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the window's title to be `want`; panics with the title it has if it is
    /// not within 30 s.
    pub async fn wait_title(&self, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let title = self.client.title().await.unwrap();
            if title == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the title is {title:?}, not {want:?}, after 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script` (a function body) in the window and returns its answer.
    pub async fn js<T: serde::de::DeserializeOwned>(&self, script: &str) -> T {
        let value = self.client.execute(script, vec![]).await.unwrap();
        serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{script} answered {value}: {e}"))
    }

    /// Puts the focus on the message list without clicking a row (a click chooses the row
    /// under it), for its keys; the list.
    pub async fn focus_list(&self) -> Element {
        let list = self.wait_visible("#list").await;
        self.client
            .execute("document.getElementById('list').focus()", vec![])
            .await
            .unwrap();
        list
    }

    /// Scrolls the list to its end (infinite scroll asks for the next page).
    pub async fn scroll_list_to_end(&self) {
        self.client
            .execute(
                "const l = document.getElementById('list-scroll'); l.scrollTop = l.scrollHeight;",
                vec![],
            )
            .await
            .unwrap();
    }

    /// The app's own process id.
    pub fn pid(&self) -> u32 {
        self.process_tree()
            .iter()
            .find(|p| p.1 == "mailglance")
            .expect("the app's process")
            .0
    }

    /// Saves a screenshot of the virtual display as `target/e2e-screenshots/<name>.png`
    /// after letting the window repaint, and returns its path.
    ///
    /// It is taken with ImageMagick's `import` from the X display, not through WebDriver:
    /// WebKitWebDriver's screenshot waits for the next paint, and a page that has
    /// stopped changing never paints again, so that call can hang for good.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status()
            .expect("ImageMagick's import is missing: run scripts/setup.sh test");
        assert!(status.success(), "import could not take {}", path.display());
        path
    }

    /// Starts the app's binary a second time, directly, with the same folders and
    /// environment, and waits up to `limit` for it to end: `None` if it was still running
    /// (it is then killed). Its stderr goes to the app's log.
    pub fn launch_again(&self, limit: Duration) -> Option<std::process::ExitStatus> {
        let mut child = Command::new(app_binary())
            .env_remove("MAILGLANCE_CLIENT_FILE")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log_file(self.home()))
            .spawn()
            .expect("the app's binary starts");
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().expect("wait for the second launch") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// What the app (and its WebDriver) wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.home().join("app.log")).unwrap_or_default()
    }

    /// Closes the window and stops its driver.
    pub async fn quit(mut self) -> tempfile::TempDir {
        let app = self
            .process_tree()
            .iter()
            .find(|p| p.1 == "mailglance")
            .map(|p| p.0);
        let _ = self.client.clone().close().await;
        stop(&mut self.driver);
        // Gone before the next launch over these folders: a window still there would
        // hold the single-instance name, and the next would hand over to it and exit.
        if let Some(pid) = app {
            // Running, not a zombie waiting for its reaper.
            let alive = || {
                std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| {
                    st.rsplit_once(')')
                        .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
                })
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            while alive() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        self.home.take().expect("home is kept until quit")
    }
}

/// A WebDriver session on a new window of `binary`, from the tauri-driver at `url`; an
/// error when `driver` exits or 30 s pass without one.
async fn connect(url: &str, binary: &Path, driver: &mut Child) -> Result<Client, String> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": binary }),
    );
    caps.insert("browserName".into(), "wry".into());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps.clone())
            .connect(url)
            .await
        {
            Ok(client) => return Ok(client),
            Err(e) if matches!(driver.try_wait(), Ok(Some(_))) => {
                return Err(format!("tauri-driver at {url} exited: {e}"));
            }
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => {
                return Err(format!(
                    "no WebDriver session from tauri-driver at {url}: {e}"
                ));
            }
        }
    }
}

/// Stops tauri-driver with SIGTERM: only then does it stop its WebKitWebDriver
/// child (SIGKILL would leave that holding its port).
fn stop(driver: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

struct DriverGuard(Option<Child>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            stop(child);
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.driver.try_wait() {
            stop(&mut self.driver);
        }
    }
}

/// Asks the app's window to close, as a window manager's close button does: a
/// `WM_DELETE_WINDOW` message to every top-level window whose title ends in "Mailglance"
/// (Xvfb has no window manager; WebDriver's "close window" would end the session).
pub fn request_close() -> usize {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask};
    let (conn, screen) = x11rb::connect(None).expect("the test session's X display");
    let root = conn.setup().roots[screen].root;
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let (protocols, delete, net_name, utf8) = (
        atom("WM_PROTOCOLS"),
        atom("WM_DELETE_WINDOW"),
        atom("_NET_WM_NAME"),
        atom("UTF8_STRING"),
    );
    let mut asked = 0;
    for window in conn.query_tree(root).unwrap().reply().unwrap().children {
        let title = conn
            .get_property(false, window, net_name, utf8, 0, 1024)
            .unwrap()
            .reply()
            .map(|r| String::from_utf8_lossy(&r.value).into_owned())
            .unwrap_or_default();
        let title = if title.is_empty() {
            conn.get_property(false, window, AtomEnum::WM_NAME, AtomEnum::STRING, 0, 1024)
                .unwrap()
                .reply()
                .map(|r| String::from_utf8_lossy(&r.value).into_owned())
                .unwrap_or_default()
        } else {
            title
        };
        if !title.ends_with("Mailglance") {
            continue;
        }
        let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        conn.send_event(false, window, EventMask::NO_EVENT, event)
            .unwrap();
        asked += 1;
    }
    conn.flush().unwrap();
    asked
}
