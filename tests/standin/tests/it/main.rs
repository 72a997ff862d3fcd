//! Conformance tests for the Google stand-in: real HTTP on loopback, one test binary with
//! shared helpers (`helpers.rs`). Each module covers one surface: OAuth with a real OAuth
//! client, the Gmail methods, their schemas against Google's discovery document, batch,
//! faults and quota, and the `standin` binary.

mod batch;
mod binary;
mod faults;
mod gmail;
mod helpers;
mod oauth;
mod schema;
