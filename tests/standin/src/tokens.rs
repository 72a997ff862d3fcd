//! Authorization codes, grants and tokens: what was issued, to whom, and whether it still
//! works.
//!
//! A grant is one user's consent to one client. Revoking any of its tokens (or the user)
//! ends the grant, and with it every token issued under it, as Google does. This module
//! checks nothing about HTTP requests; `oauth.rs` does.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::Rng;
use rand::distributions::Alphanumeric;

/// How long an authorization code can be exchanged.
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(300);
/// What `expires_in` says, as Google's replies do.
pub(crate) const EXPIRES_IN: u64 = 3599;

/// A PKCE challenge as sent to the authorization endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Challenge {
    pub value: String,
    pub s256: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Option<Challenge>,
    pub email: String,
    pub scopes: Vec<String>,
    pub refresh: bool,
    pub nonce: Option<String>,
    pub issued: Instant,
    pub used: bool,
}

#[derive(Debug)]
struct Grant {
    client_id: String,
    email: String,
    revoked: bool,
}

#[derive(Debug)]
pub(crate) struct AccessToken {
    grant: usize,
    pub email: String,
    pub scopes: Vec<String>,
    expires: Instant,
}

#[derive(Debug)]
pub(crate) struct RefreshToken {
    grant: usize,
    pub email: String,
    pub scopes: Vec<String>,
    pub client_id: String,
}

/// What looking up a bearer token found.
pub(crate) enum Bearer<'a> {
    Valid(&'a AccessToken),
    Invalid,
}

#[derive(Debug)]
pub(crate) struct TokenStore {
    codes: HashMap<String, AuthCode>,
    grants: Vec<Grant>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    issued: Vec<String>,
    pub access_lifetime: Duration,
}

impl Default for TokenStore {
    fn default() -> Self {
        TokenStore {
            codes: HashMap::new(),
            grants: Vec::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            issued: Vec::new(),
            access_lifetime: Duration::from_secs(EXPIRES_IN),
        }
    }
}

/// A random token with a prefix that says which kind it is (and never looks like Google's).
fn random(prefix: &str, len: usize) -> String {
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}{tail}")
}

impl TokenStore {
    pub fn issue_code(&mut self, code: AuthCode) -> String {
        let value = random("sc-", 48);
        self.issued.push(value.clone());
        self.codes.insert(value.clone(), code);
        value
    }

    /// Takes the code for exchange. `Err(true)` = known but used or expired.
    pub fn redeem_code(&mut self, value: &str) -> Result<AuthCode, bool> {
        let code = self.codes.get_mut(value).ok_or(false)?;
        if code.used || code.issued.elapsed() > CODE_LIFETIME {
            return Err(true);
        }
        code.used = true;
        Ok(code.clone())
    }

    /// Whether the user already holds a live grant for the client (so consent is not "first").
    pub fn has_live_grant(&self, client_id: &str, email: &str) -> bool {
        self.grants
            .iter()
            .any(|g| !g.revoked && g.client_id == client_id && g.email.eq_ignore_ascii_case(email))
    }

    fn grant_for(&mut self, client_id: &str, email: &str) -> usize {
        if let Some(i) = self
            .grants
            .iter()
            .position(|g| !g.revoked && g.client_id == client_id && g.email == email)
        {
            return i;
        }
        self.grants.push(Grant {
            client_id: client_id.into(),
            email: email.into(),
            revoked: false,
        });
        self.grants.len() - 1
    }

    /// Issues an access token (and a refresh token when `refresh`) under the user's grant.
    pub fn issue_tokens(
        &mut self,
        client_id: &str,
        email: &str,
        scopes: &[String],
        refresh: bool,
    ) -> (String, Option<String>) {
        let grant = self.grant_for(client_id, email);
        let access = self.issue_access(grant, email, scopes);
        let refresh = refresh.then(|| {
            let value = random("sr-", 64);
            self.issued.push(value.clone());
            self.refresh.insert(
                value.clone(),
                RefreshToken {
                    grant,
                    email: email.into(),
                    scopes: scopes.to_vec(),
                    client_id: client_id.into(),
                },
            );
            value
        });
        (access, refresh)
    }

    fn issue_access(&mut self, grant: usize, email: &str, scopes: &[String]) -> String {
        let value = random("sa-", 96);
        self.issued.push(value.clone());
        let expires = Instant::now() + self.access_lifetime;
        self.access.insert(
            value.clone(),
            AccessToken {
                grant,
                email: email.into(),
                scopes: scopes.to_vec(),
                expires,
            },
        );
        value
    }

    /// A live refresh token's (email, scopes, client id).
    pub fn refresh_info(&self, value: &str) -> Option<(String, Vec<String>, String)> {
        let r = self.refresh.get(value)?;
        (!self.grants[r.grant].revoked)
            .then(|| (r.email.clone(), r.scopes.clone(), r.client_id.clone()))
    }

    pub fn refresh_access(&mut self, value: &str) -> Option<String> {
        let (grant, email, scopes) = {
            let r = self.refresh.get(value)?;
            if self.grants[r.grant].revoked {
                return None;
            }
            (r.grant, r.email.clone(), r.scopes.clone())
        };
        Some(self.issue_access(grant, &email, &scopes))
    }

    pub fn bearer(&self, value: &str) -> Bearer<'_> {
        match self.access.get(value) {
            Some(t) if !self.grants[t.grant].revoked && Instant::now() < t.expires => {
                Bearer::Valid(t)
            }
            _ => Bearer::Invalid,
        }
    }

    /// Revokes the grant behind an access or refresh token; false if the token is unknown or
    /// already dead.
    pub fn revoke_token(&mut self, value: &str) -> bool {
        let grant = self
            .access
            .get(value)
            .map(|t| t.grant)
            .or_else(|| self.refresh.get(value).map(|t| t.grant));
        match grant {
            Some(g) if !self.grants[g].revoked => {
                self.grants[g].revoked = true;
                true
            }
            _ => false,
        }
    }

    pub fn revoke_user(&mut self, email: &str) {
        for g in self
            .grants
            .iter_mut()
            .filter(|g| g.email.eq_ignore_ascii_case(email))
        {
            g.revoked = true;
        }
    }

    pub fn expire_access_tokens(&mut self) {
        let now = Instant::now();
        for t in self.access.values_mut() {
            t.expires = now;
        }
    }

    /// True when the user had a grant and none is live any more.
    pub fn grant_is_revoked(&self, email: &str) -> bool {
        let mine: Vec<&Grant> = self
            .grants
            .iter()
            .filter(|g| g.email.eq_ignore_ascii_case(email))
            .collect();
        !mine.is_empty() && mine.iter().all(|g| g.revoked)
    }

    pub fn live_access_tokens(&self, email: &str) -> usize {
        let now = Instant::now();
        self.access
            .values()
            .filter(|t| {
                t.email.eq_ignore_ascii_case(email)
                    && !self.grants[t.grant].revoked
                    && now < t.expires
            })
            .count()
    }

    pub fn record_issued(&mut self, value: &str) {
        self.issued.push(value.to_string());
    }

    pub fn issued(&self) -> Vec<String> {
        self.issued.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoking_the_access_token_also_kills_the_refresh_token() {
        let mut store = TokenStore::default();
        let scopes = vec!["openid".to_string()];
        let (access, refresh) = store.issue_tokens("c", "a@example.com", &scopes, true);
        let refresh = refresh.unwrap();
        assert!(matches!(store.bearer(&access), Bearer::Valid(_)));
        assert!(store.revoke_token(&access));
        assert!(matches!(store.bearer(&access), Bearer::Invalid));
        assert!(store.refresh_access(&refresh).is_none());
        assert!(
            !store.revoke_token(&refresh),
            "a dead token cannot be revoked twice"
        );
        assert!(store.grant_is_revoked("a@example.com"));
    }

    #[test]
    fn tokens_never_look_like_googles() {
        let mut store = TokenStore::default();
        let (access, refresh) = store.issue_tokens("c", "a@example.com", &[], true);
        for t in [access, refresh.unwrap()] {
            assert!(!t.starts_with("ya29.") && !t.starts_with("1//0"));
        }
    }
}
