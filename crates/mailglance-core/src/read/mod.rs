//! Reading a message: the RFC 822 bytes Gmail sends (`messages.get?format=raw`) parsed
//! into what a reading pane shows (`mime`), and each HTML part made safe to show
//! (`sanitise`). Pure: no network, no store, no window; the caller fetches and keeps.
//!
//! The first of the pane's two walls lives here: the sanitiser alone must leave nothing
//! that runs, reaches a host or navigates, whatever the second wall (the isolated view
//! and its own Content-Security-Policy) does. Parts are kept apart, never concatenated
//! into one document (EFAIL).
//!
//! Fetching and keeping a message is `App::read_message` (`app/read.rs`), keeping it is
//! `store::bodies`. Not here yet: the pane itself, remote images loaded on request,
//! saving attachments.

pub mod mime;
pub mod sanitise;

pub use mime::{Attachment, Person, Reading, attachments, parse};
pub use sanitise::{RemoteImage, Sanitised, sanitise};
