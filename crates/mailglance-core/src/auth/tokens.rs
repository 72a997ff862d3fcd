//! Access tokens, in memory only: one per account, renewed [`REFRESH_MARGIN`] before it
//! runs out, dropped after a 401.
//!
//! Not here: the refresh request itself (`google.rs`) or the refresh token's keeping
//! (`session.rs` and the keychain). Nothing here is ever written anywhere.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2::AccessToken;

/// Access tokens are renewed this long before they run out.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Used when a token reply says nothing of its lifetime.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// The longest an access token is kept, whatever `expires_in` says.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

struct Held {
    token: AccessToken,
    expires: Instant,
}

/// The access tokens held, by account id, each behind a lock of its own: callers hold
/// an account's lock across its refresh ([`AccessTokens::lock`]), so parallel callers for
/// that account wait for one refresh, and a slow refresh (a keychain prompt, a slow
/// token endpoint) for one account never stalls the others.
#[derive(Default)]
pub struct AccessTokens {
    held: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Held>>>>>,
}

/// One account's token, locked.
pub struct Locked(tokio::sync::OwnedMutexGuard<Option<Held>>);

impl AccessTokens {
    fn slot(&self, id: &str) -> Arc<tokio::sync::Mutex<Option<Held>>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(id.to_owned())
            .or_default()
            .clone()
    }

    /// Locks the account's token (for a check, then a refresh, then a keep).
    pub async fn lock(&self, id: &str) -> Locked {
        Locked(self.slot(id).lock_owned().await)
    }

    /// Forgets the account's token if it is still `rejected` (a token refreshed in the
    /// meantime is kept).
    pub async fn forget_if(&self, id: &str, rejected: &AccessToken) {
        let mut held = self.lock(id).await;
        if held
            .0
            .as_ref()
            .is_some_and(|h| h.token.secret() == rejected.secret())
        {
            held.forget();
        }
    }

    /// Forgets the account's token.
    pub async fn forget(&self, id: &str) {
        self.lock(id).await.forget();
    }
}

impl Locked {
    /// The token while it has more than [`REFRESH_MARGIN`] to live.
    pub fn fresh(&self) -> Option<AccessToken> {
        self.0
            .as_ref()
            .filter(|h| h.expires > Instant::now() + REFRESH_MARGIN)
            .map(|h| h.token.clone())
    }

    /// Keeps a token that lives `expires_in` (an hour when the server did not say).
    pub fn keep(&mut self, token: AccessToken, expires_in: Option<Duration>) {
        // Whatever the server says, a token is kept at most a day (Google's live an hour):
        // no number it sends can overflow the clock.
        let lifetime = expires_in.unwrap_or(DEFAULT_LIFETIME).min(MAX_LIFETIME);
        let expires = Instant::now()
            .checked_add(lifetime)
            .unwrap_or_else(|| Instant::now() + DEFAULT_LIFETIME);
        *self.0 = Some(Held { token, expires });
    }

    /// Forgets the token.
    pub fn forget(&mut self) {
        *self.0 = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_token_close_to_its_end_is_not_handed_out() {
        let tokens = AccessTokens::default();
        let mut held = tokens.lock("a").await;
        held.keep(AccessToken::new("t1".into()), Some(Duration::from_secs(30)));
        assert!(held.fresh().is_none());
        held.keep(AccessToken::new("t2".into()), None);
        assert_eq!(held.fresh().unwrap().secret(), "t2");
    }

    #[tokio::test]
    async fn a_lifetime_beyond_the_clock_does_not_panic() {
        let tokens = AccessTokens::default();
        let mut held = tokens.lock("a").await;
        held.keep(AccessToken::new("t".into()), Some(Duration::MAX));
        assert!(held.fresh().is_some());
    }

    #[tokio::test]
    async fn only_the_rejected_token_is_forgotten_after_a_401() {
        let tokens = AccessTokens::default();
        tokens
            .lock("a")
            .await
            .keep(AccessToken::new("new".into()), None);
        tokens.forget_if("a", &AccessToken::new("old".into())).await;
        assert!(tokens.lock("a").await.fresh().is_some());
        tokens.forget_if("a", &AccessToken::new("new".into())).await;
        assert!(tokens.lock("a").await.fresh().is_none());
    }

    #[tokio::test]
    async fn one_accounts_refresh_in_progress_does_not_hold_up_another_account() {
        let tokens = AccessTokens::default();
        // Ana's refresh is under way (her lock held, as across a slow keychain prompt).
        let _ana = tokens.lock("ana").await;
        let jean = tokio::time::timeout(Duration::from_secs(1), tokens.lock("jean")).await;
        assert!(jean.is_ok(), "Jean's token waited for Ana's refresh");
        // Ana's own callers do wait for it.
        let again = tokio::time::timeout(Duration::from_millis(100), tokens.lock("ana")).await;
        assert!(again.is_err());
    }
}
