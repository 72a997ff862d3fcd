//! Integration tests of the app's core against real parts: the Google stand-in over
//! loopback HTTP, the loopback listener over raw sockets, and a real Secret Service
//! (the private gnome-keyring that `scripts/test-session.sh` starts).
//!
//! One test binary with shared helpers, as ripgrep's `tests/tests.rs`.

mod helpers;

mod auth;
mod faults;
mod gmail;
mod grants;
mod keychain;
mod loopback;
mod merged;
mod read;
mod search;
mod sync;
mod trust;
