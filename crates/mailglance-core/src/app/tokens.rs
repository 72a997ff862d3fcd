//! The app's [`TokenSource`] for the Gmail transport: one account's access tokens.

use oauth2::AccessToken;

use crate::auth::{Auth, Google};
use crate::error::{Error, Result};
use crate::gmail::{self, TokenSource};

/// One account's access tokens for the Gmail transport: from `Auth`, and after a 401 the
/// rejected token is dropped and a fresh one fetched (once: the transport asks once).
pub(super) struct AccountTokens<'a> {
    pub(super) auth: &'a Auth,
    pub(super) google: Google,
    pub(super) account_id: &'a str,
}

impl TokenSource for AccountTokens<'_> {
    type Error = Error;

    fn token(&self) -> gmail::transport::BoxFuture<'_, Result<AccessToken>> {
        Box::pin(async move {
            Ok(self
                .auth
                .access_token(&self.google, self.account_id)
                .await?)
        })
    }

    fn renew<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> gmail::transport::BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            self.auth
                .forget_access_token(self.account_id, rejected)
                .await;
            Ok(self
                .auth
                .access_token(&self.google, self.account_id)
                .await?)
        })
    }
}
