//! Conformance tests for the Google stand-in: real HTTP on loopback, one test binary with
//! shared helpers (`helpers.rs`). Each module covers one surface: OAuth with a real OAuth
//! client, the Gmail methods, their schemas against Google's discovery document, batch,
//! faults and quota, the mailbox changing under the app and its history, and the `standin`
//! binary.

mod batch;
mod binary;
mod faults;
mod gmail;
mod helpers;
mod history;
mod oauth;
mod schema;
