//! Search on this computer (issue: all inboxes and local search): Gmail's search-box
//! language parsed here, so the store can answer it with no network.
//!
//! `query.rs` is the pure parser: text in, a tree of terms out, or a sentence saying what
//! cannot be searched for. Matching the tree against the store (SQLite FTS5 for the words,
//! the label and date columns for the operators) builds on it.

pub mod query;

pub use query::{Expr, Flag, ParseError, Place, Term, fts_literal, parse};
