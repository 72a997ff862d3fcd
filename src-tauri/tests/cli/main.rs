//! The command line from the real `mailglance` binary, with no display, over the window's
//! stored accounts and keychain (the private Secret Service of `scripts/test-session.sh`),
//! against the stand-in over loopback HTTP: one test binary, a module by concern.
//! Multi-threaded runtimes: the stand-in must keep serving while a test waits for the
//! binary.

mod support;

mod all;
mod basics;
mod quota;
mod show;
mod store;
mod sync;
mod watch;
