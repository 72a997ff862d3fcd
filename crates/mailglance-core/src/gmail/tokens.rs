//! Where the transport's access tokens come from: the caller's [`TokenSource`] (the app's
//! asks `Auth`), or one [`FixedToken`] for tests and tools that hold a token already.

use std::marker::PhantomData;
use std::pin::Pin;

use oauth2::AccessToken;

use super::Error;

/// A boxed `Send` future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where access tokens come from. The app's implementation asks `Auth` (refreshing
/// 60 s before the end) and, after a 401, drops the rejected token and refreshes.
pub trait TokenSource: Send + Sync {
    /// The caller's error; a Gmail error converts into it.
    type Error: From<Error> + Send;
    /// A token to call with.
    fn token(&self) -> BoxFuture<'_, std::result::Result<AccessToken, Self::Error>>;
    /// A new token after Gmail refused `rejected` with a 401.
    fn renew<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, std::result::Result<AccessToken, Self::Error>>;
}

/// One token that cannot be renewed (tests and tools that hold a token already): a 401
/// is the caller's, as `E`.
#[derive(Debug, Clone)]
pub struct FixedToken<E = Error>(AccessToken, PhantomData<fn() -> E>);

impl<E> FixedToken<E> {
    /// The token to call with.
    pub fn new(token: AccessToken) -> Self {
        Self(token, PhantomData)
    }
}

impl<E: From<Error> + Send> TokenSource for FixedToken<E> {
    type Error = E;
    fn token(&self) -> BoxFuture<'_, std::result::Result<AccessToken, E>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
    fn renew<'a>(
        &'a self,
        _: &'a AccessToken,
    ) -> BoxFuture<'a, std::result::Result<AccessToken, E>> {
        Box::pin(async { Err(E::from(Error::Unauthorized)) })
    }
}
