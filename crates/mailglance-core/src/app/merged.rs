//! Every signed-in account's list merged by date ("All inboxes", `mailglance list
//! --account all`): each account's page from Gmail (rows from the store, as ever), merged
//! newest first, each row with its account. One page token resumes the merge: for each
//! account, Gmail's token of the page it is in and how many of that page's rows are
//! already shown. When an account's page runs out while it has more, the merge stops
//! there (its next page may hold mail newer than the others' rest), so a page may hold
//! fewer rows than asked; the order is never wrong.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::App;
use crate::auth::AccountState;
use crate::error::Result;
use crate::gmail::{self, PageQuery, Row};

/// One row of a merged list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedRow {
    /// The account's e-mail address.
    pub account: String,
    /// The account's id.
    pub account_id: String,
    /// The row.
    #[serde(flatten)]
    pub row: Row,
}

/// A page of the merged list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedPage {
    /// Newest first.
    pub rows: Vec<MergedRow>,
    /// Resumes the merge; `None` at the end of every account's list.
    pub next_page_token: Option<String>,
}

/// Where each account's list is: Gmail's token of its current page, rows of it shown.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Position {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default)]
    skip: usize,
    #[serde(default)]
    done: bool,
}

const PREFIX: &str = "all:";

fn encode(at: &BTreeMap<String, Position>) -> String {
    let json = serde_json::to_vec(at).unwrap_or_default();
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
}

fn decode(token: &str) -> Option<BTreeMap<String, Position>> {
    let bytes = URL_SAFE_NO_PAD.decode(token.strip_prefix(PREFIX)?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

impl App {
    /// A page of every signed-in account's list for `query`, merged by date;
    /// `query.page_token` is a merged page's `next_page_token`.
    pub async fn merged_page(&self, query: PageQuery) -> Result<MergedPage> {
        let max = match query.max_results {
            0 => 50,
            n => n as usize,
        };
        let resumed = match query.page_token.as_deref() {
            Some(t) => Some(decode(t).ok_or(gmail::Error::InvalidPageToken)?),
            None => None,
        };
        let mut streams = Vec::new();
        for account in self.accounts().await? {
            if account.state != AccountState::SignedIn {
                continue;
            }
            // Resuming: only the accounts the merge began with, and not those at their end.
            let position = match &resumed {
                Some(at) => match at.get(&account.id) {
                    Some(p) if !p.done => p.clone(),
                    _ => continue,
                },
                None => Position::default(),
            };
            let page = self
                .list_page(
                    &account.id,
                    PageQuery {
                        page_token: position.token.clone(),
                        max_results: max as u32,
                        ..query.clone()
                    },
                )
                .await?;
            let rows: Vec<Row> = page.rows.into_iter().skip(position.skip).collect();
            streams.push((account, position, rows, page.next_page_token, 0usize));
        }
        let mut out = Vec::new();
        while out.len() < max {
            // The newest front row; stop where a list with more pages ran out.
            if streams
                .iter()
                .any(|(_, _, rows, next, used)| *used == rows.len() && next.is_some())
            {
                break;
            }
            let Some(i) = (0..streams.len())
                .filter(|&i| streams[i].4 < streams[i].2.len())
                .max_by_key(|&i| (streams[i].2[streams[i].4].date_ms, std::cmp::Reverse(i)))
            else {
                break;
            };
            let (account, _, rows, _, used) = &mut streams[i];
            out.push(MergedRow {
                account: account.email.clone(),
                account_id: account.id.clone(),
                row: rows[*used].clone(),
            });
            *used += 1;
        }
        let mut at = BTreeMap::new();
        for (account, position, rows, next, used) in streams {
            let p = if used == rows.len() {
                Position {
                    done: next.is_none(),
                    token: next,
                    skip: 0,
                }
            } else {
                Position {
                    token: position.token,
                    skip: position.skip + used,
                    done: false,
                }
            };
            at.insert(account.id, p);
        }
        let more = at.values().any(|p| !p.done);
        Ok(MergedPage {
            rows: out,
            next_page_token: more.then(|| encode(&at)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_token_round_trips_and_junk_is_not_one() {
        let mut at = BTreeMap::new();
        at.insert(
            "1001".to_owned(),
            Position {
                token: Some("gmail-token".into()),
                skip: 7,
                done: false,
            },
        );
        let token = encode(&at);
        assert!(token.starts_with("all:"));
        let back = decode(&token).unwrap();
        assert_eq!(back["1001"].skip, 7);
        assert_eq!(back["1001"].token.as_deref(), Some("gmail-token"));
        assert!(decode("all:!!!").is_none());
        assert!(decode("gmail-token").is_none());
    }
}
