//! New mail while the window is open, through the core's watch loop: every signed-in
//! account is checked every minute
//! while the window is in front and every five while it is hidden or minimised (both set
//! in `settings.json`, see [`mailglance_core::config::SyncEvery`]), with up to 10 %
//! jitter so accounts and instances do not line up. Each check is the core's sync (one
//! `history.list`, 2 units, when nothing changed); offline checks are skipped and the
//! next one tries again. New inbox mail becomes desktop notifications (up to three, else
//! one summary), and the window is told to repaint from the store (`synced` events).
//!
//! Notifications go to the freedesktop notification server over D-Bus (`notify-rust`):
//! the summary is the sender, the body the subject with `&`, `<` and `>` escaped, so a
//! server that reads markup shows them as text. Where the server supports actions,
//! clicking one brings the window to the front on that message (`open-message` event).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use mailglance_core::app::App;
use mailglance_core::gmail::Row;
use mailglance_core::watch::{self, Checked, OnFailure, Which};

use crate::texts::Words;

/// Whether the window is in front; kept by the window's focus events.
#[derive(Debug, Default)]
pub struct Front(pub AtomicBool);

/// What the window is told after a check.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Synced {
    account_id: String,
    changed: bool,
}

/// A notification was clicked: show this message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenMessage {
    account_id: String,
    id: String,
}

/// Accounts whose Gmail calls wait for quota now: the window shows "Waiting for Gmail's
/// quota (23 s)" until `untilMs` (epoch ms), counting down on its own.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct QuotaWait {
    account_id: String,
    until_ms: i64,
}

/// Tells the window whenever the accounts waiting for quota change (`quota-wait` events,
/// the list of waits; empty when none waits).
pub fn follow_quota_waits(handle: AppHandle) {
    let mut waits = handle.state::<App>().quota_waits().subscribe();
    tauri::async_runtime::spawn(async move {
        while waits.changed().await.is_ok() {
            let now: Vec<QuotaWait> = waits
                .borrow_and_update()
                .iter()
                .map(|(account_id, w)| QuotaWait {
                    account_id: account_id.clone(),
                    until_ms: w.until_ms,
                })
                .collect();
            let _ = handle.emit("quota-wait", now);
        }
    });
}

/// Notifications shown one by one before they become one summary.
const MAX_SINGLE: usize = 3;

/// Starts the checks (the core's watch loop, with the window's rules: the first round
/// after one interval, since the window syncs as it opens; a failure is logged and the
/// next round tries again); they run as long as the app does.
pub fn start(handle: AppHandle, front: Arc<Front>) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(next_wait(&handle, &front)).await;
        let app = handle.state::<App>();
        let every = || next_wait(&handle, &front);
        let _ = watch::run(&app, Which::All, every, OnFailure::GoOn, |checked| {
            on_checked(&handle, checked)
        })
        .await;
    });
}

fn next_wait(handle: &AppHandle, front: &Front) -> Duration {
    let every = handle
        .state::<App>()
        .config()
        .settings()
        .map(|s| s.sync)
        .unwrap_or_default();
    let secs = if front.0.load(Ordering::Relaxed) {
        every.front_seconds
    } else {
        every.background_seconds
    };
    let base = Duration::from_secs(secs);
    base + base.mul_f64(jitter() * 0.1)
}

/// A number in [0, 1) that differs from check to check.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    f64::from(nanos % 1000) / 1000.0
}

/// Checks every account now ("Check now" in the tray).
pub fn check_now(handle: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let app = handle.state::<App>();
        let _ = watch::round(&app, &Which::All, OnFailure::GoOn, &mut |checked| {
            on_checked(&handle, checked)
        })
        .await;
    });
}

/// What the window does with each check: tells the page to repaint, announces new mail,
/// and after a round puts the unread count in the tray.
fn on_checked(handle: &AppHandle, checked: Checked) {
    match checked {
        Checked::Synced { account, report } => {
            // Any change in the mailbox, stored or not: the labels were fetched again.
            let changed = report.labels_fetched;
            let _ = handle.emit(
                "synced",
                Synced {
                    account_id: account.id.clone(),
                    changed,
                },
            );
            if !report.arrived.is_empty() && handle.state::<App>().notifications_on(&account.id) {
                announce(handle, &account.id, &account.email, report.arrived);
            }
        }
        Checked::Offline { account, error } | Checked::Failed { account, error } => {
            tracing::info!(account = %account.email, "background sync: {error}");
        }
        Checked::RoundEnded => {
            let handle = handle.clone();
            tauri::async_runtime::spawn(async move { crate::tray::show_count(&handle).await });
        }
    }
}

/// Up to [`MAX_SINGLE`] notifications, one per message; more become one summary.
fn announce(handle: &AppHandle, account_id: &str, email: &str, rows: Vec<Row>) {
    let words = handle.state::<Words>().get();
    if rows.len() > MAX_SINGLE {
        let summary = words.new_messages(rows.len(), email);
        show(handle.clone(), summary, String::new(), None);
        return;
    }
    for row in rows {
        let from = row.from_name.clone().unwrap_or(row.from_address.clone());
        let subject = row
            .subject
            .clone()
            .unwrap_or_else(|| words.no_subject.clone());
        let target = OpenMessage {
            account_id: account_id.to_owned(),
            id: row.id,
        };
        show(handle.clone(), from, subject, Some(target));
    }
}

/// Text for a notification body: servers may read markup there, so it is escaped.
fn plain(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn show(handle: AppHandle, summary: String, body: String, target: Option<OpenMessage>) {
    // The D-Bus call, and the wait for a click, block: off the async threads.
    tauri::async_runtime::spawn_blocking(move || {
        let mut n = notify_rust::Notification::new();
        n.appname("Mailglance")
            .summary(&summary)
            .body(&plain(&body));
        if target.is_some() {
            n.action("default", &handle.state::<Words>().get().notification_open);
        }
        let shown = match n.show() {
            Ok(shown) => shown,
            Err(e) => {
                tracing::warn!("no notification could be shown: {e}");
                return;
            }
        };
        if let Some(target) = target {
            shown.wait_for_action(|action| {
                if action == "default" {
                    crate::bring_to_front(&handle);
                    let _ = handle.emit("open-message", target.clone());
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_subject_reaches_the_notification_server_as_text() {
        assert_eq!(
            plain("<b>Invoice</b> & <a href=x>pay</a>"),
            "&lt;b&gt;Invoice&lt;/b&gt; &amp; &lt;a href=x&gt;pay&lt;/a&gt;"
        );
    }
}
