//! Signing in and out: the accounts known and whether each is signed in, the browser
//! flow, access tokens.

use std::sync::PoisonError;

use oauth2::AccessToken;

use super::{App, BoxFuture};
use crate::auth::{AccountView, SignInStarted, SignedOut};
use crate::error::Result;
use crate::store;

impl App {
    /// Known accounts and whether each is signed in (no network: the silent restore).
    pub fn accounts<'a>(&'a self) -> BoxFuture<'a, Result<Vec<AccountView>>> {
        Box::pin(async move { Ok(self.auth.accounts().await?) })
    }

    /// Opens the browser on Google's consent page.
    pub fn start_sign_in<'a>(
        &'a self,
        login_hint: Option<String>,
    ) -> BoxFuture<'a, Result<SignInStarted>> {
        Box::pin(async move {
            let (google, opener) = (self.google()?, self.opener()?);
            Ok(self
                .auth
                .start_sign_in(google, opener.as_ref(), login_hint)
                .await?)
        })
    }

    /// Waits for the browser and keeps the sign-in.
    pub fn finish_sign_in<'a>(&'a self) -> BoxFuture<'a, Result<AccountView>> {
        Box::pin(async move {
            let opener = self.opener()?;
            Ok(self.auth.finish_sign_in(opener.as_ref()).await?)
        })
    }

    /// Stops waiting for the browser.
    pub fn cancel_sign_in(&self) {
        self.auth.cancel_sign_in();
    }

    /// Signs out of one account: its grant revoked, its token and its store deleted.
    pub fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignedOut>> {
        Box::pin(async move {
            let google = self.google().map_err(|e| e.to_string());
            let out = self.auth.sign_out(google, account_id).await?;
            self.stores
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(account_id);
            let data_dir = self.config().paths.data_dir.clone();
            if let Err(e) = store::delete(&data_dir, account_id) {
                tracing::warn!("the signed-out account's store could not be deleted: {e}");
            }
            Ok(out)
        })
    }

    /// An access token for the account (refreshed when close to its end).
    pub fn access_token<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move { Ok(self.auth.access_token(&self.google()?, account_id).await?) })
    }
}
