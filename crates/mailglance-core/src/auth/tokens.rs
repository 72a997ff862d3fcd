//! Access tokens, in memory only: one per account, renewed [`REFRESH_MARGIN`] before it
//! runs out, dropped after a 401.
//!
//! Not here: the refresh request itself (`google.rs`) or the refresh token's keeping
//! (`session.rs` and the keychain). Nothing here is ever written anywhere.

use std::collections::HashMap;
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

/// The access tokens held, by account id. Callers hold the lock across a refresh (see
/// [`AccessTokens::lock`]), so parallel callers wait for one refresh.
#[derive(Default)]
pub struct AccessTokens {
    held: tokio::sync::Mutex<HashMap<String, Held>>,
}

/// The held tokens, locked.
pub struct Locked<'a>(tokio::sync::MutexGuard<'a, HashMap<String, Held>>);

impl AccessTokens {
    /// Locks the tokens (for a check, then a refresh, then a keep).
    pub async fn lock(&self) -> Locked<'_> {
        Locked(self.held.lock().await)
    }

    /// Forgets the account's token if it is still `rejected` (a token refreshed in the
    /// meantime is kept).
    pub async fn forget_if(&self, id: &str, rejected: &AccessToken) {
        let mut held = self.held.lock().await;
        if held
            .get(id)
            .is_some_and(|h| h.token.secret() == rejected.secret())
        {
            held.remove(id);
        }
    }

    /// Forgets the account's token.
    pub async fn forget(&self, id: &str) {
        self.held.lock().await.remove(id);
    }
}

impl Locked<'_> {
    /// The account's token while it has more than [`REFRESH_MARGIN`] to live.
    pub fn fresh(&self, id: &str) -> Option<AccessToken> {
        self.0
            .get(id)
            .filter(|h| h.expires > Instant::now() + REFRESH_MARGIN)
            .map(|h| h.token.clone())
    }

    /// Keeps a token that lives `expires_in` (an hour when the server did not say).
    pub fn keep(&mut self, id: &str, token: AccessToken, expires_in: Option<Duration>) {
        // Whatever the server says, a token is kept at most a day (Google's live an hour):
        // no number it sends can overflow the clock.
        let lifetime = expires_in.unwrap_or(DEFAULT_LIFETIME).min(MAX_LIFETIME);
        let expires = Instant::now()
            .checked_add(lifetime)
            .unwrap_or_else(|| Instant::now() + DEFAULT_LIFETIME);
        self.0.insert(id.to_owned(), Held { token, expires });
    }

    /// Forgets the account's token.
    pub fn forget(&mut self, id: &str) {
        self.0.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_token_close_to_its_end_is_not_handed_out() {
        let tokens = AccessTokens::default();
        let mut held = tokens.lock().await;
        held.keep(
            "a",
            AccessToken::new("t1".into()),
            Some(Duration::from_secs(30)),
        );
        assert!(held.fresh("a").is_none());
        held.keep("a", AccessToken::new("t2".into()), None);
        assert_eq!(held.fresh("a").unwrap().secret(), "t2");
    }

    #[tokio::test]
    async fn a_lifetime_beyond_the_clock_does_not_panic() {
        let tokens = AccessTokens::default();
        let mut held = tokens.lock().await;
        held.keep("a", AccessToken::new("t".into()), Some(Duration::MAX));
        assert!(held.fresh("a").is_some());
    }

    #[tokio::test]
    async fn only_the_rejected_token_is_forgotten_after_a_401() {
        let tokens = AccessTokens::default();
        tokens
            .lock()
            .await
            .keep("a", AccessToken::new("new".into()), None);
        tokens.forget_if("a", &AccessToken::new("old".into())).await;
        assert!(tokens.lock().await.fresh("a").is_some());
        tokens.forget_if("a", &AccessToken::new("new".into())).await;
        assert!(tokens.lock().await.fresh("a").is_none());
    }
}
