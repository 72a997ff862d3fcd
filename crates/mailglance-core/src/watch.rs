//! The one loop that checks accounts for new mail, used by the window's background checks
//! and by `mailglance watch`: each round syncs every account watched (one `history.list`,
//! 2 units, when nothing changed) and reports what happened to the caller, who shows it
//! (notifications and a repaint in the window, lines on stdout for `watch`). The two
//! differ only in their rules, which the caller gives: how long between rounds, and
//! whether a failure other than "offline" (a sign-in that ended, say) stops the loop
//! (`watch`) or is reported and the next round tries again (the window).
//!
//! Not here: what a sync does (`sync`), or how new mail is shown.

use std::time::Duration;

use crate::app::App;
use crate::auth::{AccountState, AccountView};
use crate::error::{Error, Result};
use crate::sync::SyncReport;

/// Which accounts a round checks: read again each round, so an account signed in or out
/// meanwhile is followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Every signed-in account.
    All,
    /// The signed-in account with this address (any case).
    Email(String),
}

/// What a failure other than "offline" does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// The loop ends with the error (`mailglance watch`).
    Stop,
    /// It is reported, and the next round tries again (the window).
    GoOn,
}

/// What one check of one account did, as it happens.
#[derive(Debug)]
pub enum Checked {
    /// The account's store is current.
    Synced {
        /// The account.
        account: AccountView,
        /// What the sync did (its `arrived` is the new inbox mail to announce).
        report: SyncReport,
    },
    /// Google could not be reached for the account: the next round tries again.
    Offline {
        /// The account.
        account: AccountView,
        /// Why.
        error: Error,
    },
    /// Another failure, reported under [`OnFailure::GoOn`].
    Failed {
        /// The account.
        account: AccountView,
        /// Why.
        error: Error,
    },
    /// Every account of the round was checked.
    RoundEnded,
}

/// The signed-in accounts `which` names now.
pub async fn watched(app: &App, which: &Which) -> Result<Vec<AccountView>> {
    Ok(app
        .accounts()
        .await?
        .into_iter()
        .filter(|a| a.state == AccountState::SignedIn)
        .filter(|a| match which {
            Which::All => true,
            Which::Email(email) => a.email.eq_ignore_ascii_case(email),
        })
        .collect())
}

/// One round: every account `which` names is synced, one after another, each outcome
/// reported as it comes, then [`Checked::RoundEnded`]. Under [`OnFailure::Stop`], a
/// failure other than "offline" ends the round with it.
pub async fn round(
    app: &App,
    which: &Which,
    on_failure: OnFailure,
    report: &mut (impl FnMut(Checked) + Send),
) -> Result<()> {
    for account in watched(app, which).await? {
        match app.sync(&account.id).await {
            Ok(done) => report(Checked::Synced {
                account,
                report: done,
            }),
            Err(error) if error.is_offline() => report(Checked::Offline { account, error }),
            Err(error) if on_failure == OnFailure::Stop => return Err(error),
            Err(error) => report(Checked::Failed { account, error }),
        }
    }
    report(Checked::RoundEnded);
    Ok(())
}

/// Rounds for as long as the caller keeps the future: a round, then `every()` (asked
/// again before each wait: the window's depends on whether it is in front), and so on.
/// Ends only with an error under [`OnFailure::Stop`].
pub async fn run(
    app: &App,
    which: Which,
    mut every: impl FnMut() -> Duration + Send,
    on_failure: OnFailure,
    mut report: impl FnMut(Checked) + Send,
) -> Result<()> {
    loop {
        round(app, &which, on_failure, &mut report).await?;
        tokio::time::sleep(every()).await;
    }
}
