//! The store answering a parsed query ([`crate::search`]): SQLite FTS5 for words and
//! phrases (in the sender's name and address, the recipients, the subject and the snippet), and the label,
//! flag and date columns for the operators. Spam and trash are left out unless the query
//! names them (`in:spam`, `in:trash`, `in:anywhere`, `label:spam`), as Gmail does. Every
//! word reaches FTS5 as one quoted string ([`fts_literal`]) and every value as a bound
//! parameter: nothing in a query is read as SQL or FTS5 syntax.
//!
//! Recipients are kept from store version 4 on: a row kept before then has none, so `to:`
//! finds it only in Gmail's own answer (on Enter).

use rusqlite::Connection;
use rusqlite::types::Value;

use super::StoredMessage;
use super::messages::{COLUMNS, read};
use crate::search::{Expr, Flag, Place, Term, fts_literal};

/// Stored messages matching `expr` (and carrying every label of `label_ids`), newest
/// first; `now_ms` anchors `newer_than:`/`older_than:`.
pub fn matching(
    conn: &Connection,
    expr: &Expr,
    label_ids: &[String],
    now_ms: i64,
    offset: usize,
    limit: usize,
) -> rusqlite::Result<Vec<StoredMessage>> {
    let (mut sql, args) = select(conn, expr, label_ids, now_ms, &format!("SELECT {COLUMNS}"))?;
    sql.push_str(&format!(
        " ORDER BY m.date_ms DESC, m.id DESC LIMIT {} OFFSET {offset}",
        limit.min(10_000)
    ));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), read)?;
    rows.collect()
}

/// Which of `ids` the store finds for `expr` (to mark the rows of Gmail's answer that only
/// Gmail found).
pub fn found_among(
    conn: &Connection,
    expr: &Expr,
    ids: &[String],
    now_ms: i64,
) -> rusqlite::Result<std::collections::HashSet<String>> {
    let (mut sql, mut args) = select(conn, expr, &[], now_ms, "SELECT m.id")?;
    let mut marks = Vec::with_capacity(ids.len());
    for id in ids {
        marks.push(format!("?{}", push(&mut args, id.clone())));
    }
    if marks.is_empty() {
        return Ok(Default::default());
    }
    sql.push_str(&format!(" AND m.id IN ({})", marks.join(", ")));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    rows.collect()
}

/// `SELECT <what> FROM messages m WHERE …` for `expr` and `label_ids`, with its arguments.
fn select(
    conn: &Connection,
    expr: &Expr,
    label_ids: &[String],
    now_ms: i64,
    what: &str,
) -> rusqlite::Result<(String, Vec<Value>)> {
    let mut args: Vec<Value> = Vec::new();
    // `label:` names become label ids first (one look-up each), so the scan compares ids.
    let mut labels = std::collections::HashMap::new();
    resolve_labels(conn, expr, &mut labels)?;
    let cx = Context {
        now_ms,
        labels: &labels,
    };
    let mut sql = format!(
        "{what} FROM messages m WHERE ({})",
        compile(expr, &mut args, &cx)
    );
    for label in label_ids {
        sql.push_str(&format!(" AND {}", has_label(label, &mut args)));
    }
    if !mentions_spam_or_trash(expr) {
        for hidden in ["SPAM", "TRASH"] {
            if !label_ids.iter().any(|l| l == hidden) {
                sql.push_str(&format!(" AND NOT {}", has_label(hidden, &mut args)));
            }
        }
    }
    Ok((sql, args))
}

fn push(args: &mut Vec<Value>, v: impl Into<Value>) -> usize {
    args.push(v.into());
    args.len()
}

fn has_label(label: &str, args: &mut Vec<Value>) -> String {
    let n = push(args, label.to_owned());
    format!(
        "EXISTS (SELECT 1 FROM message_labels l WHERE l.message_id = m.id AND l.label_id = ?{n})"
    )
}

fn fts(query: String, args: &mut Vec<Value>) -> String {
    let n = push(args, query);
    format!("m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?{n})")
}

/// What compiling needs besides the query: the time, and the label ids of each name.
struct Context<'a> {
    now_ms: i64,
    labels: &'a std::collections::HashMap<String, Vec<String>>,
}

/// The label ids each `label:` value names: its id, its name, or its name with `-` for
/// spaces (as Gmail writes label names in queries), case aside.
fn resolve_labels(
    conn: &Connection,
    expr: &Expr,
    out: &mut std::collections::HashMap<String, Vec<String>>,
) -> rusqlite::Result<()> {
    match expr {
        Expr::And(v) | Expr::Or(v) => {
            for e in v {
                resolve_labels(conn, e, out)?;
            }
        }
        Expr::Not(e) => resolve_labels(conn, e, out)?,
        Expr::Term(Term::Label(name)) => {
            if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(name.to_lowercase())
            {
                let mut stmt = conn.prepare_cached(
                    "SELECT id FROM labels WHERE lower(id) = ?1 OR lower(name) = ?1 \
                     OR replace(lower(name), ' ', '-') = ?1",
                )?;
                let mut ids: Vec<String> = stmt
                    .query_map([slot.key()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                // A system label by its id (`label:inbox`) even before labels are kept.
                if ids.is_empty() && crate::gmail::rows::is_system_label(&name.to_uppercase()) {
                    ids.push(name.to_uppercase());
                }
                slot.insert(ids);
            }
        }
        Expr::Term(_) => {}
    }
    Ok(())
}

fn compile(expr: &Expr, args: &mut Vec<Value>, cx: &Context<'_>) -> String {
    match expr {
        Expr::And(items) if items.is_empty() => "1".into(),
        Expr::And(items) => join(items, " AND ", args, cx),
        Expr::Or(items) => join(items, " OR ", args, cx),
        Expr::Not(inner) => format!("NOT ({})", compile(inner, args, cx)),
        Expr::Term(t) => term(t, args, cx),
    }
}

fn join(items: &[Expr], op: &str, args: &mut Vec<Value>, cx: &Context<'_>) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|e| format!("({})", compile(e, args, cx)))
        .collect();
    parts.join(op)
}

fn term(t: &Term, args: &mut Vec<Value>, cx: &Context<'_>) -> String {
    let now_ms = cx.now_ms;
    match t {
        Term::Word(w) | Term::Phrase(w) => fts(fts_literal(w), args),
        Term::From(v) => fts(
            format!("{{from_name from_address}} : {}", fts_literal(v)),
            args,
        ),
        Term::Subject(v) => fts(format!("subject : {}", fts_literal(v)), args),
        Term::To(v) => fts(format!("recipients : {}", fts_literal(v)), args),
        Term::Is(Flag::Unread) => has_label("UNREAD", args),
        Term::Is(Flag::Read) => format!("NOT {}", has_label("UNREAD", args)),
        Term::Is(Flag::Starred) => has_label("STARRED", args),
        Term::Is(Flag::Important) => has_label("IMPORTANT", args),
        Term::In(Place::Inbox) => has_label("INBOX", args),
        Term::In(Place::Sent) => has_label("SENT", args),
        Term::In(Place::Spam) => has_label("SPAM", args),
        Term::In(Place::Trash) => has_label("TRASH", args),
        Term::In(Place::Anywhere) => "1".into(),
        Term::Label(name) => {
            let ids = cx
                .labels
                .get(&name.to_lowercase())
                .cloned()
                .unwrap_or_default();
            if ids.is_empty() {
                return "0".into();
            }
            let any: Vec<String> = ids.iter().map(|id| has_label(id, args)).collect();
            format!("({})", any.join(" OR "))
        }
        Term::After(ms) => format!("m.date_ms >= ?{}", push(args, *ms)),
        Term::Before(ms) => format!("m.date_ms < ?{}", push(args, *ms)),
        Term::NewerThan(span) => {
            format!("m.date_ms >= ?{}", push(args, now_ms.saturating_sub(*span)))
        }
        Term::OlderThan(span) => {
            format!("m.date_ms < ?{}", push(args, now_ms.saturating_sub(*span)))
        }
    }
}

fn mentions_spam_or_trash(expr: &Expr) -> bool {
    match expr {
        Expr::And(v) | Expr::Or(v) => v.iter().any(mentions_spam_or_trash),
        Expr::Not(_) => false,
        Expr::Term(Term::In(Place::Spam | Place::Trash | Place::Anywhere)) => true,
        Expr::Term(Term::Label(l)) => matches!(l.to_lowercase().as_str(), "spam" | "trash"),
        Expr::Term(_) => false,
    }
}
