//! Every signed-in account's list merged by date ("All inboxes", `mailglance list
//! --account all`): each account's page (from Gmail with rows from the store, from the
//! store alone, or from search on this computer: [`Source`]), merged newest first, each
//! row with its account. One page token resumes the merge: for each account, the token of
//! the page it is in and how many of that page's rows are already shown. When an account's
//! page runs out while it has more, the merge stops there (its next page may hold mail
//! newer than the others' rest), so a page may hold fewer rows than asked; the order is
//! never wrong.
//!
//! One account's trouble does not hide the others: an account Gmail cannot be reached for
//! shows what its store holds (and says since when), and one whose list fails otherwise
//! (its sign-in ended, say) is left out of the merge with why ([`MergedAccount::problem`]).
//! Only when every account fails does the merge fail. Every account is asked at once (at
//! most [`CONCURRENT`] at a time), their answers kept in the accounts' order. The merge
//! itself is pure ([`merge`]), so it is tested without a network.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};

use super::App;
use crate::auth::{AccountState, AccountView};
use crate::error::{Error, Result};
use crate::gmail::{self, Page, PageQuery, Row};

/// Accounts asked at the same time for one merged page.
pub const CONCURRENT: usize = 4;

/// Where each account's rows come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Gmail's list (rows from the store, only new ones fetched); the store when Gmail
    /// cannot be reached.
    #[default]
    Gmail,
    /// The store alone, with no network: what a launch paints first.
    Stored,
    /// Search on this computer alone: results while typing.
    Here,
}

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

/// Why an account is not in a merged page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The error's stable kind (`auth_required`, `server_error`, …).
    pub kind: &'static str,
    /// A sentence for the person.
    pub message: String,
    /// The account to sign in again, for `auth_required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl From<&Error> for Problem {
    fn from(e: &Error) -> Self {
        Self {
            kind: e.kind(),
            message: e.to_string(),
            email: e.email().map(str::to_owned),
        }
    }
}

/// How one account took part in a merged page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedAccount {
    /// The account's e-mail address.
    pub account: String,
    /// The account's id.
    pub account_id: String,
    /// Its rows came from the store because Gmail could not be reached.
    pub offline: bool,
    /// When offline: when the store last heard from Gmail (epoch ms), if it ever did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of_ms: Option<i64>,
    /// It is left out of this merge, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// A page of the merged list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedPage {
    /// Newest first.
    pub rows: Vec<MergedRow>,
    /// Resumes the merge; `None` at the end of every account's list.
    pub next_page_token: Option<String>,
    /// The accounts' estimates of all matches, added up.
    pub result_size_estimate: u64,
    /// Each account the merge asked, in the order of the accounts.
    pub accounts: Vec<MergedAccount>,
    /// For a search answered by Gmail: the rows that search on this computer does not find.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_gmail: Vec<String>,
}

/// Where each account's list is: the token of its current page, rows of it shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One account's part of a merge: where its list was, and the page read from there.
struct Stream {
    account: AccountView,
    position: Position,
    /// The page's rows not shown before.
    rows: Vec<Row>,
    /// The token of the page after this one.
    next: Option<String>,
}

/// Merges the streams newest first, up to `max` rows, stopping where a stream with more
/// pages ran out; the rows, and where each stream is now (by account id).
fn merge(streams: Vec<Stream>, max: usize) -> (Vec<MergedRow>, BTreeMap<String, Position>) {
    let mut used = vec![0usize; streams.len()];
    let mut out = Vec::new();
    while out.len() < max {
        if (0..streams.len()).any(|i| used[i] == streams[i].rows.len() && streams[i].next.is_some())
        {
            break;
        }
        let Some(i) = (0..streams.len())
            .filter(|&i| used[i] < streams[i].rows.len())
            .max_by_key(|&i| (streams[i].rows[used[i]].date_ms, std::cmp::Reverse(i)))
        else {
            break;
        };
        let s = &streams[i];
        out.push(MergedRow {
            account: s.account.email.clone(),
            account_id: s.account.id.clone(),
            row: s.rows[used[i]].clone(),
        });
        used[i] += 1;
    }
    let mut at = BTreeMap::new();
    for (s, used) in streams.into_iter().zip(used) {
        let p = if used == s.rows.len() {
            Position {
                done: s.next.is_none(),
                token: s.next,
                skip: 0,
            }
        } else {
            Position {
                token: s.position.token,
                skip: s.position.skip + used,
                done: false,
            }
        };
        at.insert(s.account.id, p);
    }
    (out, at)
}

impl App {
    /// A page of every signed-in account's list for `query`, merged by date, each
    /// account's rows from `source`; `query.page_token` is a merged page's
    /// `next_page_token`.
    pub async fn merged_page(&self, query: PageQuery, source: Source) -> Result<MergedPage> {
        let max = match query.max_results {
            0 => 50,
            n => n as usize,
        };
        let resumed = match query.page_token.as_deref() {
            Some(t) => Some(decode(t).ok_or(gmail::Error::InvalidPageToken)?),
            None => None,
        };
        // Which accounts take part, and where each one's list is.
        let mut taking_part = Vec::new();
        for account in self.accounts().await? {
            if account.state != AccountState::SignedIn {
                continue;
            }
            // Resuming: only the accounts the merge began with, and not those at their end
            // (or left out of it: their rows would now come out of order).
            let position = match &resumed {
                Some(at) => match at.get(&account.id) {
                    Some(p) if !p.done => p.clone(),
                    _ => continue,
                },
                None => Position::default(),
            };
            taking_part.push((account, position));
        }
        // Every account is asked at once (at most CONCURRENT at a time), in their order:
        // a refresh of three accounts waits one round trip, not three.
        let pages: Vec<_> = stream::iter(taking_part)
            .map(|(account, position)| {
                let asked = PageQuery {
                    page_token: position.token.clone(),
                    max_results: max as u32,
                    ..query.clone()
                };
                async move {
                    let page = match source {
                        Source::Gmail => self.list_page(&account.id, asked).await,
                        Source::Stored => self.stored_page(&account.id, asked).await,
                        Source::Here => self.search_here(&account.id, asked).await,
                    };
                    (account, position, page)
                }
            })
            .buffered(CONCURRENT)
            .collect()
            .await;

        let mut streams = Vec::new();
        let mut accounts = Vec::new();
        let mut failed = BTreeMap::new();
        let mut first_error = None;
        let (mut estimate, mut only_gmail) = (0u64, Vec::new());
        for (account, position, page) in pages {
            let mut view = MergedAccount {
                account: account.email.clone(),
                account_id: account.id.clone(),
                as_of_ms: None,
                offline: false,
                problem: None,
            };
            match page {
                Ok(Page {
                    rows,
                    next_page_token,
                    result_size_estimate,
                    as_of_ms,
                    offline,
                    only_gmail: only,
                }) => {
                    view.offline = offline && source == Source::Gmail;
                    view.as_of_ms = as_of_ms.filter(|_| view.offline);
                    estimate += result_size_estimate;
                    only_gmail.extend(only);
                    streams.push(Stream {
                        rows: rows.into_iter().skip(position.skip).collect(),
                        next: next_page_token,
                        account,
                        position,
                    });
                }
                // The query or the merge's own token is wrong for every account alike.
                Err(e @ (Error::Gmail(gmail::Error::InvalidPageToken) | Error::Search(_))) => {
                    return Err(e);
                }
                Err(e) => {
                    tracing::warn!(account = %account.email, "left out of the merged list: {e}");
                    view.problem = Some(Problem::from(&e));
                    failed.insert(
                        account.id.clone(),
                        Position {
                            done: true,
                            ..Position::default()
                        },
                    );
                    first_error.get_or_insert(e);
                }
            }
            accounts.push(view);
        }
        if streams.is_empty()
            && let Some(e) = first_error
        {
            return Err(e);
        }
        let (rows, mut at) = merge(streams, max);
        at.extend(failed);
        let more = at.values().any(|p| !p.done);
        Ok(MergedPage {
            rows,
            next_page_token: more.then(|| encode(&at)),
            result_size_estimate: estimate,
            accounts,
            only_gmail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str) -> AccountView {
        AccountView {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: None,
            state: AccountState::SignedIn,
        }
    }

    fn row(id: &str, date_ms: i64) -> Row {
        Row {
            id: id.into(),
            thread_id: id.into(),
            from_name: None,
            from_address: "x@example.com".into(),
            subject: None,
            snippet: String::new(),
            date_ms,
            unread: false,
            starred: false,
            important: false,
            labels: Vec::new(),
        }
    }

    fn stream(id: &str, dates: &[i64], next: Option<&str>) -> Stream {
        Stream {
            account: account(id),
            position: Position::default(),
            rows: dates
                .iter()
                .map(|d| row(&format!("{id}-{d}"), *d))
                .collect(),
            next: next.map(str::to_owned),
        }
    }

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

    #[test]
    fn the_merge_is_newest_first_across_accounts_and_says_whose_each_row_is() {
        let (rows, at) = merge(
            vec![
                stream("ana", &[90, 70, 10], None),
                stream("jean", &[80, 75, 5], None),
            ],
            10,
        );
        let order: Vec<(&str, i64)> = rows
            .iter()
            .map(|r| (r.account.as_str(), r.row.date_ms))
            .collect();
        assert_eq!(
            order,
            [
                ("ana@example.com", 90),
                ("jean@example.com", 80),
                ("jean@example.com", 75),
                ("ana@example.com", 70),
                ("ana@example.com", 10),
                ("jean@example.com", 5),
            ]
        );
        assert!(at.values().all(|p| p.done), "both lists at their end");
    }

    #[test]
    fn the_merge_stops_where_a_list_with_more_pages_runs_out_and_resumes_there() {
        // Jean's page ends at 60 but Jean has more: nothing older than 60 may come first.
        let (rows, at) = merge(
            vec![
                stream("ana", &[90, 50, 40, 30], None),
                stream("jean", &[80, 60], Some("jean-page-2")),
            ],
            10,
        );
        let dates: Vec<i64> = rows.iter().map(|r| r.row.date_ms).collect();
        assert_eq!(dates, [90, 80, 60]);
        assert_eq!(
            at["ana"],
            Position {
                token: None,
                skip: 1,
                done: false
            },
            "ana resumes after the one row shown"
        );
        assert_eq!(
            at["jean"],
            Position {
                token: Some("jean-page-2".into()),
                skip: 0,
                done: false
            },
            "jean resumes at its next page"
        );
    }

    #[test]
    fn a_full_page_leaves_each_list_where_its_shown_rows_end() {
        let (rows, at) = merge(
            vec![
                stream("ana", &[90, 70, 10], None),
                stream("jean", &[80, 5], None),
            ],
            3,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!((at["ana"].skip, at["ana"].done), (2, false));
        assert_eq!((at["jean"].skip, at["jean"].done), (1, false));
    }
}
