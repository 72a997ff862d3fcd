//! Messages opened, kept on this computer: what the reading pane shows of each
//! (`read::Reading`, as JSON, deflate-compressed; never an attachment's bytes), so that
//! opening it again costs no quota and works offline. Rows are never evicted for bodies:
//! only bodies go, oldest opened first, when they pass the cap ([`trim`]).

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use rusqlite::{Connection, OptionalExtension, params};

use crate::read::Reading;

/// Keeps `reading` for message `id`, opened at `now_ms`; the bytes it takes on disk.
pub fn put(conn: &Connection, id: &str, reading: &Reading, now_ms: i64) -> rusqlite::Result<usize> {
    let json = serde_json::to_vec(reading).map_err(|e| to_sql(e.to_string()))?;
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(&json)
        .map_err(|e| to_sql(e.to_string()))?;
    let packed = encoder.finish().map_err(|e| to_sql(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO bodies (id, reading, size, opened_ms) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (id) DO UPDATE SET reading = ?2, size = ?3, opened_ms = ?4",
    )?
    .execute(params![id, packed, packed.len() as i64, now_ms])?;
    Ok(packed.len())
}

/// The kept reading of message `id`, marked opened at `now_ms`; `None` when not kept.
pub fn get(conn: &Connection, id: &str, now_ms: i64) -> rusqlite::Result<Option<Reading>> {
    let packed: Option<Vec<u8>> = conn
        .prepare_cached("SELECT reading FROM bodies WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let Some(packed) = packed else {
        return Ok(None);
    };
    conn.prepare_cached("UPDATE bodies SET opened_ms = ?2 WHERE id = ?1")?
        .execute(params![id, now_ms])?;
    let mut json = Vec::new();
    DeflateDecoder::new(packed.as_slice())
        .read_to_end(&mut json)
        .map_err(|e| to_sql(e.to_string()))?;
    // A kept reading this build cannot read is fetched again, not an error.
    Ok(serde_json::from_slice(&json).ok())
}

/// Deletes the bodies opened longest ago until the kept ones take at most `cap` bytes;
/// how many were deleted. Rows stay.
pub fn trim(conn: &Connection, cap: u64) -> rusqlite::Result<usize> {
    let mut used: i64 = conn.query_row("SELECT COALESCE(SUM(size), 0) FROM bodies", [], |r| {
        r.get(0)
    })?;
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    let mut deleted = 0;
    while used > cap {
        let oldest: Option<(String, i64)> = conn
            .query_row(
                "SELECT id, size FROM bodies ORDER BY opened_ms, id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, size)) = oldest else { break };
        conn.execute("DELETE FROM bodies WHERE id = ?1", [&id])?;
        used -= size;
        deleted += 1;
    }
    Ok(deleted)
}

fn to_sql(detail: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(detail.into())
}
