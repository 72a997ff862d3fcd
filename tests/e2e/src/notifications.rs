//! A real `org.freedesktop.Notifications` server on the test session's D-Bus (the
//! private bus `scripts/test-session.sh` starts), recording every notification the app
//! sends: what a desktop's notification daemon would show. One per test process, on a
//! thread and runtime of its own, so it outlives each test's runtime.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use zbus::zvariant::OwnedValue;

/// One notification as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    /// The id the server gave it.
    pub id: u32,
    /// The sending application's name.
    pub app_name: String,
    /// The title line.
    pub summary: String,
    /// The body, as sent (a server that reads markup would interpret it).
    pub body: String,
    /// Action keys and labels, alternating.
    pub actions: Vec<String>,
}

struct Server {
    seen: Arc<Mutex<Vec<Notified>>>,
    next: AtomicU32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "body-markup".into(), "actions".into()]
    }

    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        self.seen.lock().unwrap().push(Notified {
            id,
            app_name,
            summary,
            body,
            actions,
        });
        id
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "mailglance-tests".into(),
            "mailglance".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

struct Running {
    seen: Arc<Mutex<Vec<Notified>>>,
    connection: zbus::Connection,
}

/// The server of this test process, started on first use.
fn running() -> &'static Running {
    static RUNNING: OnceLock<Running> = OnceLock::new();
    RUNNING.get_or_init(|| {
        let seen: Arc<Mutex<Vec<Notified>>> = Arc::default();
        let server = Server {
            seen: seen.clone(),
            next: AtomicU32::new(0),
        };
        let connection = crate::bus::serve(
            "org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            server,
        );
        Running { seen, connection }
    })
}

/// Clicks notification `id`, as a person would: the server's `ActionInvoked` signal with
/// the default action.
pub async fn click(id: u32) {
    running()
        .connection
        .emit_signal(
            None::<()>,
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "ActionInvoked",
            &(id, "default"),
        )
        .await
        .expect("the signal is sent");
}

/// What the server has received so far (it starts on first use).
pub fn server() -> Arc<Mutex<Vec<Notified>>> {
    running().seen.clone()
}
