//! The words the app shows outside the window (the tray's menu, desktop notifications), in
//! the person's language: the window sends them once its locale is applied (`set_texts`),
//! so every word is translated in one place, `ui/locales/`. Until then, English.

use std::sync::{PoisonError, RwLock};

use serde::Deserialize;

/// The words, as the window's locale has them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Texts {
    /// The tray menu's "Open".
    pub tray_open: String,
    /// The tray menu's "Check now".
    pub tray_check_now: String,
    /// The tray menu's "Quit".
    pub tray_quit: String,
    /// A summary of several new messages: `{count}` and `{email}` are filled in.
    pub new_messages: String,
    /// A message with no subject.
    pub no_subject: String,
    /// A notification's action that opens the message.
    pub notification_open: String,
}

impl Default for Texts {
    fn default() -> Self {
        Self {
            tray_open: "Open".into(),
            tray_check_now: "Check now".into(),
            tray_quit: "Quit".into(),
            new_messages: "{count} new messages for {email}".into(),
            no_subject: "(no subject)".into(),
            notification_open: "Open".into(),
        }
    }
}

impl Texts {
    /// The summary of `count` new messages for `email`.
    pub fn new_messages(&self, count: usize, email: &str) -> String {
        self.new_messages
            .replace("{count}", &count.to_string())
            .replace("{email}", email)
    }

    /// The same with every empty word (an older window, a missing key) in English.
    fn or_english(self) -> Self {
        let english = Self::default();
        let pick = |w: String, e: String| if w.trim().is_empty() { e } else { w };
        Self {
            tray_open: pick(self.tray_open, english.tray_open),
            tray_check_now: pick(self.tray_check_now, english.tray_check_now),
            tray_quit: pick(self.tray_quit, english.tray_quit),
            new_messages: pick(self.new_messages, english.new_messages),
            no_subject: pick(self.no_subject, english.no_subject),
            notification_open: pick(self.notification_open, english.notification_open),
        }
    }
}

/// The words in use (managed state).
#[derive(Debug, Default)]
pub struct Words(RwLock<Texts>);

impl Words {
    /// The words now.
    pub fn get(&self) -> Texts {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Takes the window's words.
    pub fn set(&self, texts: Texts) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = texts.or_english();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_windows_words_are_used_and_a_missing_one_stays_english() {
        let words = Words::default();
        assert_eq!(words.get().tray_quit, "Quit");
        let french: Texts = serde_json::from_value(serde_json::json!({
            "trayOpen": "Ouvrir",
            "trayQuit": "Quitter",
            "newMessages": "{count} nouveaux messages pour {email}"
        }))
        .unwrap();
        words.set(french);
        let now = words.get();
        assert_eq!(now.tray_open, "Ouvrir");
        assert_eq!(now.tray_check_now, "Check now", "not sent: English");
        assert_eq!(
            now.new_messages(5, "ana@example.com"),
            "5 nouveaux messages pour ana@example.com"
        );
    }
}
