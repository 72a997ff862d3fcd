//! `mailglance watch`: one line per new inbox message as it arrives (a JSON row with
//! `--json`), for every signed-in account or one. Each round is one `history.list` per
//! account (2 units when nothing changed); what counts as new is the core's rule (inbox,
//! unread, not sent, spam or trash, not older than the last sync), and each message is
//! announced once, ever, also across runs and with the window. Offline rounds are skipped
//! with one line on stderr; Ctrl-C ends it, at once and with status 0.

use std::time::Duration;

use serde_json::json;

use mailglance_core::app::App;
use mailglance_core::auth::{AccountState, AccountView};

use crate::commands::{Exit, fail, failed};

/// Watches `account` (an e-mail address, or `all`, the default) every `interval`.
pub(crate) async fn watch(
    app: &App,
    account: Option<&str>,
    interval: Duration,
    json: bool,
) -> Exit {
    let accounts = app.accounts().await.map_err(|e| failed(&e))?;
    let watched: Vec<AccountView> = accounts
        .into_iter()
        .filter(|a| a.state == AccountState::SignedIn)
        .filter(|a| match account {
            None | Some("all") => true,
            Some(email) => a.email.eq_ignore_ascii_case(email),
        })
        .collect();
    if watched.is_empty() {
        let why = match account {
            None | Some("all") => {
                "no account is signed in: sign in with `mailglance login` first".to_owned()
            }
            Some(email) => format!("{email} is not signed in here: see `mailglance accounts`"),
        };
        return Err(fail("unknown_account", &why));
    }
    let names: Vec<&str> = watched.iter().map(|a| a.email.as_str()).collect();
    eprintln!(
        "Watching {} every {} s for new inbox mail (Ctrl-C to stop)…",
        names.join(", "),
        interval.as_secs()
    );
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    let mut offline = false;
    loop {
        let round = async {
            for account in &watched {
                match app.sync(&account.id).await {
                    Ok(done) => {
                        offline = false;
                        for row in done.arrived {
                            print_row(&account.email, &row, json);
                        }
                    }
                    Err(e) if e.kind() == "offline" => {
                        if !offline {
                            eprintln!(
                                "mailglance: offline: {e}; trying again every {} s",
                                interval.as_secs()
                            );
                        }
                        offline = true;
                    }
                    Err(e) => return Err(failed(&e)),
                }
            }
            tokio::time::sleep(interval).await;
            Ok(())
        };
        tokio::select! {
            _ = &mut stop => return Ok(0),
            done = round => done?,
        }
    }
}

fn print_row(email: &str, row: &mailglance_core::gmail::Row, json: bool) {
    if json {
        let mut value = json!(row);
        value["account"] = json!(email);
        println!("{value}");
    } else {
        let from = row.from_name.as_deref().unwrap_or(&row.from_address);
        let subject = row.subject.as_deref().unwrap_or("(no subject)");
        println!("{email}\t{from}\t{subject}");
    }
}
