//! A tray on the test session's D-Bus: an `org.kde.StatusNotifierWatcher` with a host,
//! as a desktop panel has. The app's tray icon (libayatana-appindicator) registers its
//! StatusNotifierItem here; the tests then read the item's label and menu, and press its
//! menu items, over D-Bus as a panel would. One per test process, on a thread and
//! runtime of its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use zbus::message::Header;
use zbus::zvariant::{OwnedValue, Value};

/// An item that registered: its bus name and object path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The unique bus name of the process that registered it.
    pub bus_name: String,
    /// Its object path.
    pub path: String,
}

struct Watcher {
    items: Arc<Mutex<Vec<Item>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(&self, service: String, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // An item names its object path (then it lives on the sender's connection), or
        // a bus name (then at the specification's default path).
        let (bus_name, path) = if service.starts_with('/') {
            (sender, service)
        } else {
            (service, "/StatusNotifierItem".to_owned())
        };
        self.items.lock().unwrap().push(Item { bus_name, path });
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .unwrap()
            .iter()
            .map(|i| i.path.clone())
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

struct Running {
    items: Arc<Mutex<Vec<Item>>>,
    connection: zbus::Connection,
}

/// The tray host of this test process, started on first use.
fn running() -> &'static Running {
    static RUNNING: OnceLock<Running> = OnceLock::new();
    RUNNING.get_or_init(|| {
        let items: Arc<Mutex<Vec<Item>>> = Arc::default();
        let watcher = Watcher {
            items: items.clone(),
        };
        let connection = crate::bus::serve(
            "org.kde.StatusNotifierWatcher",
            "/StatusNotifierWatcher",
            watcher,
        );
        Running { items, connection }
    })
}

fn items() -> Arc<Mutex<Vec<Item>>> {
    running().items.clone()
}

/// Starts the tray host (before the app, so the app finds a tray).
pub fn start() {
    items();
}

/// The item the process `pid` registered, waiting up to 20 s.
pub async fn item_of(pid: u32) -> Item {
    let deadline = Instant::now() + Duration::from_secs(20);
    let bus = zbus::fdo::DBusProxy::new(connection()).await.unwrap();
    loop {
        let known: Vec<Item> = items().lock().unwrap().clone();
        for item in known {
            let Ok(name) = zbus::names::BusName::try_from(item.bus_name.as_str()) else {
                continue;
            };
            if bus.get_connection_unix_process_id(name).await.ok() == Some(pid) {
                return item;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no tray item registered by {pid}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn connection() -> &'static zbus::Connection {
    &running().connection
}

/// The item's label (what a panel shows beside the icon): `XAyatanaLabel`.
pub async fn label(item: &Item) -> String {
    let proxy = zbus::Proxy::new(
        connection(),
        item.bus_name.as_str(),
        item.path.as_str(),
        "org.kde.StatusNotifierItem",
    )
    .await
    .unwrap();
    proxy
        .get_property::<String>("XAyatanaLabel")
        .await
        .unwrap_or_default()
}

async fn menu(item: &Item) -> zbus::Proxy<'static> {
    let sni = zbus::Proxy::new(
        connection(),
        item.bus_name.clone(),
        item.path.clone(),
        "org.kde.StatusNotifierItem",
    )
    .await
    .unwrap();
    let path: zbus::zvariant::OwnedObjectPath = sni.get_property("Menu").await.unwrap();
    zbus::Proxy::new(
        connection(),
        item.bus_name.clone(),
        path,
        "com.canonical.dbusmenu",
    )
    .await
    .unwrap()
}

/// One menu entry of `GetLayout`: id, properties, children.
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The item's menu entries: (id, label) each, in the menu's order.
pub async fn menu_items(item: &Item) -> Vec<(i32, String)> {
    let proxy = menu(item).await;
    let (_, root): (u32, Layout) = proxy
        .call("GetLayout", &(0i32, -1i32, vec!["label"]))
        .await
        .unwrap();
    root.2
        .into_iter()
        .filter_map(|child| {
            let (id, props, _): Layout = child.try_into().ok()?;
            let label = String::try_from(props.get("label")?.clone()).ok()?;
            Some((id, label.replace('_', "")))
        })
        .collect()
}

/// Presses a menu entry, as a panel does when it is clicked.
pub async fn press(item: &Item, id: i32) {
    let proxy = menu(item).await;
    let _: () = proxy
        .call("Event", &(id, "clicked", Value::from(0i32), 0u32))
        .await
        .unwrap();
}
