//! Mailglance's core: everything the app does, with no window attached.
//!
//! # Layers, top to bottom
//!
//! - [`app`]: [`app::App`], the one service the window's commands and the command line
//!   call. It owns the configuration (loaded once, reloaded when a client file is
//!   imported), one HTTP client, [`auth::Auth`] and the Gmail client.
//! - [`auth`]: signing in with Google (PKCE, loopback redirect), access tokens in memory,
//!   the list of known accounts.
//! - [`gmail`]: the Gmail API: one transport (retries, batch, the quota cost of each
//!   call), the list, labels, profile, and pure converters from Gmail's types to rows.
//! - [`watch`]: the one loop that checks accounts for new mail (the window's background
//!   checks and `mailglance watch`, with their own rules).
//! - [`sync`]: bringing an account's store up to date with `history.list`, within quota.
//! - [`store`]: the mail kept on this computer, one SQLite file per account.
//! - [`read`]: a message's MIME parsed and its HTML sanitised, for reading it (pure).
//! - [`keychain`]: refresh tokens in the platform keychain, one per account.
//! - [`config`]: the app's folders, `settings.json`, Google's `client_secret.json`.
//! - [`error`]: the one error the callers see, as `{kind, message}`.
//!
//! Data flows one way: Google → transport → sync → store → `App` → the shell's commands
//! or the command line. This crate depends on no part of the app shell (no `tauri`,
//! `wry`, `tao` or `webkit2gtk`; `cargo tree -p mailglance-core -e normal` shows it),
//! so every test of it runs without a display. The browser is opened through the
//! [`auth::Opener`] the caller supplies.
//!
//! Secrets (refresh tokens, access tokens, the client secret) never leave through a
//! return value, a log line or a file: their types print as `[redacted]`.
#![deny(unsafe_code)]

pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod gmail;
pub mod keychain;
pub mod read;
pub mod search;
pub mod store;
pub mod sync;
pub mod watch;

#[cfg(test)]
mod hostile_input;
