//! `mailglance watch`: one line per new inbox message as it arrives (a JSON row with
//! `--json`), for every signed-in account or one, through the core's watch loop (the
//! window's background checks use the same). Each round is one `history.list` per
//! account (2 units when nothing changed); what counts as new is the core's rule (inbox,
//! unread, not sent, spam or trash, not older than the last sync), and each message is
//! announced once, ever, also across runs and with the window. Offline rounds are skipped
//! with one line on stderr; Ctrl-C ends it, at once and with status 0.

use std::time::Duration;

use serde_json::json;

use mailglance_core::app::App;
use mailglance_core::watch::{self, Checked, OnFailure, Which};

use crate::commands::{Exit, fail, failed};

/// Watches `account` (an e-mail address, or `all`, the default) every `interval`, through
/// the core's watch loop with the command line's rules: a failure other than "offline"
/// ends it.
pub(crate) async fn watch(
    app: &App,
    account: Option<&str>,
    interval: Duration,
    json: bool,
) -> Exit {
    let which = match account {
        None | Some("all") => Which::All,
        Some(email) => Which::Email(email.to_owned()),
    };
    let watched = watch::watched(app, &which).await.map_err(|e| failed(&e))?;
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
    let mut offline = false;
    let report = move |checked: Checked| match checked {
        Checked::Synced { account, report } => {
            offline = false;
            for row in report.arrived {
                print_row(&account.email, &row, json);
            }
        }
        Checked::Offline { error, .. } => {
            if !offline {
                eprintln!(
                    "mailglance: offline: {error}; trying again every {} s",
                    interval.as_secs()
                );
            }
            offline = true;
        }
        Checked::Failed { .. } | Checked::RoundEnded => {}
    };
    let rounds = watch::run(app, which, || interval, OnFailure::Stop, report);
    tokio::select! {
        _ = tokio::signal::ctrl_c() => Ok(0),
        ended = rounds => match ended {
            Err(e) => Err(failed(&e)),
            Ok(()) => Ok(0),
        },
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
