//! Fault injection: what a test can make go wrong, at start or while a flow runs.
//!
//! Set through [`Faults`] (from [`crate::StandIn::faults`]) or by POSTing a
//! [`FaultCommand`] as JSON to `/_standin/faults` from another process. Both go through
//! [`Faults::apply`], so the two ways behave the same. This module only stores the faults;
//! the endpoints consult them (`server.rs`, `gmail.rs`, `oauth.rs`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::quota::{QuotaModel, RateLimitStyle};
use crate::state::State;

/// An endpoint of the stand-in, as faults, quota and the request log name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Endpoint {
    /// `GET /o/oauth2/v2/auth` (and `/o/oauth2/auth`).
    Authorize,
    /// `POST /o/oauth2/v2/auth/consent`, the consent form's answer.
    Consent,
    /// `POST /token`.
    Token,
    /// `POST /revoke`.
    Revoke,
    /// `GET /v1/userinfo` (OpenID Connect).
    Userinfo,
    /// `GET /oauth2/v2/userinfo`.
    UserinfoV2,
    /// `GET /.well-known/openid-configuration`.
    OpenidConfiguration,
    /// `users.getProfile`.
    GetProfile,
    /// `users.labels.list`.
    LabelsList,
    /// `users.labels.get`.
    LabelsGet,
    /// `users.messages.list`.
    MessagesList,
    /// `users.messages.get`.
    MessagesGet,
    /// `users.history.list`.
    HistoryList,
    /// `POST /batch` or `/batch/gmail/v1`.
    Batch,
    /// Anything else (unknown paths).
    Other,
}

const NAMES: &[(Endpoint, &str)] = &[
    (Endpoint::Authorize, "authorize"),
    (Endpoint::Consent, "consent"),
    (Endpoint::Token, "token"),
    (Endpoint::Revoke, "revoke"),
    (Endpoint::Userinfo, "userinfo"),
    (Endpoint::UserinfoV2, "oauth2.userinfo"),
    (Endpoint::OpenidConfiguration, "openid-configuration"),
    (Endpoint::GetProfile, "users.getProfile"),
    (Endpoint::LabelsList, "users.labels.list"),
    (Endpoint::LabelsGet, "users.labels.get"),
    (Endpoint::MessagesList, "users.messages.list"),
    (Endpoint::MessagesGet, "users.messages.get"),
    (Endpoint::HistoryList, "users.history.list"),
    (Endpoint::Batch, "batch"),
    (Endpoint::Other, "other"),
];

impl Endpoint {
    /// The name used in the request log and the control endpoint (`users.messages.get`,
    /// `token`, ...). Gmail methods also accept the discovery id (`gmail.users.messages.get`).
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(e, _)| *e == self)
            .map_or("other", |(_, n)| n)
    }

    /// Quota units Google charges for one call in the new model, the default
    /// (docs/spec/GOOGLE-API.md section 5); 0 outside Gmail. [`QuotaModel::units`] gives
    /// either model's.
    pub fn units(self) -> u32 {
        QuotaModel::New.units(self)
    }

    /// Whether this is a Gmail API method (Google API error bodies, quota).
    pub fn is_gmail(self) -> bool {
        self.units() > 0
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Endpoint {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_prefix("gmail.").unwrap_or(s);
        NAMES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(e, _)| *e)
            .ok_or_else(|| crate::Error::UnknownEndpoint {
                name: s.to_string(),
            })
    }
}

impl From<Endpoint> for String {
    fn from(e: Endpoint) -> String {
        e.name().to_string()
    }
}

impl TryFrom<String> for Endpoint {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// One fault setting, as the control endpoint takes it (`{"fault": "fail_next", ...}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum FaultCommand {
    /// Wait this long before answering every request (0 turns it off).
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// The next `count` calls of `endpoint` answer `status` with `body` (default: Google's
    /// body for that status).
    FailNext {
        /// Which endpoint.
        endpoint: Endpoint,
        /// How many calls.
        count: u32,
        /// HTTP status.
        status: u16,
        /// JSON body; `None` = Google's usual body for the status.
        #[serde(default)]
        body: Option<Value>,
    },
    /// Revoke every grant of this user (all its tokens die), as from Google's account page.
    RevokeUser {
        /// The user's address.
        email: String,
    },
    /// Every access token issued so far is expired now.
    ExpireAccessTokens,
    /// Token replies leave out `refresh_token` while on.
    OmitRefreshToken {
        /// On or off.
        on: bool,
    },
    /// Userinfo replies leave out `sub` / `id` while on.
    UserinfoWithoutId {
        /// On or off.
        on: bool,
    },
    /// The next `count` replies of `endpoint` carry malformed JSON (status 200).
    MalformedJsonNext {
        /// Which endpoint.
        endpoint: Endpoint,
        /// How many replies.
        count: u32,
    },
    /// The next `count` batch replies are cut off part-way (no closing boundary).
    TruncateBatchNext {
        /// How many replies.
        count: u32,
    },
    /// The next `count` replies of `endpoint` send some bytes, then the connection drops.
    CloseMidReplyNext {
        /// Which endpoint.
        endpoint: Endpoint,
        /// How many replies.
        count: u32,
    },
    /// Per-user quota units per rolling window (`None` = unlimited) and how excess is
    /// refused. Starts a fresh window.
    SetQuota {
        /// Units per user per rolling window (a minute unless `set_quota_window` changed it).
        #[serde(default)]
        units_per_minute: Option<u32>,
        /// `too_many_requests` (429) or `user_rate_limit` (403).
        #[serde(default)]
        style: RateLimitStyle,
    },
    /// Another client of the same user spends `units` of the user's rolling window now, as
    /// Google counts them (another tool on the same Cloud project, another Mailglance).
    SpendAsOther {
        /// The user's address.
        email: String,
        /// Units.
        units: u32,
    },
    /// The length of the per-user quota's rolling window (Google: 60 s). Starts a fresh
    /// window.
    SetQuotaWindow {
        /// Milliseconds.
        ms: u64,
    },
    /// Charges calls from now on by this quota model (`new` or `old`).
    SetQuotaModel {
        /// The model.
        model: QuotaModel,
    },
    /// Every history id of this user handed out so far becomes too old: `history.list`
    /// from one answers 404 (see [`crate::MailboxControl::expire_history`]).
    ExpireHistory {
        /// The user's address.
        email: String,
    },
    /// While on, this user's Gmail calls get no reply: each connection is dropped before
    /// anything is sent back, and nothing is handled or charged, as on a network that
    /// cannot reach Google. Other users' calls, and the OAuth endpoints, work as ever.
    Unreachable {
        /// The user's address.
        email: String,
        /// On or off.
        on: bool,
    },
    /// Turns every fault off (quota, log and grants are kept).
    Clear,
}

/// An injected failure waiting for its call.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: u16,
    pub body: Option<Value>,
}

#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub latency: Duration,
    pub fail_next: HashMap<Endpoint, (u32, Failure)>,
    pub malformed_next: HashMap<Endpoint, u32>,
    pub close_mid_reply_next: HashMap<Endpoint, u32>,
    pub truncate_batch_next: u32,
    pub omit_refresh_token: bool,
    pub userinfo_without_id: bool,
    /// Users whose Gmail calls get no reply (lower case).
    pub unreachable: std::collections::HashSet<String>,
}

fn take(map: &mut HashMap<Endpoint, u32>, endpoint: Endpoint) -> bool {
    match map.get_mut(&endpoint) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

impl FaultState {
    pub fn take_failure(&mut self, endpoint: Endpoint) -> Option<Failure> {
        let (n, failure) = self.fail_next.get_mut(&endpoint)?;
        if *n == 0 {
            return None;
        }
        *n -= 1;
        Some(failure.clone())
    }

    pub fn take_malformed(&mut self, endpoint: Endpoint) -> bool {
        take(&mut self.malformed_next, endpoint)
    }

    pub fn take_close_mid_reply(&mut self, endpoint: Endpoint) -> bool {
        take(&mut self.close_mid_reply_next, endpoint)
    }

    pub fn take_truncate_batch(&mut self) -> bool {
        let hit = self.truncate_batch_next > 0;
        self.truncate_batch_next = self.truncate_batch_next.saturating_sub(1);
        hit
    }
}

/// The fault-injection handle. Cheap to clone; every setter takes effect on the next request.
#[derive(Clone)]
pub struct Faults {
    pub(crate) state: Arc<State>,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Faults").finish_non_exhaustive()
    }
}

impl Faults {
    /// Applies one command (what `/_standin/faults` does). A command naming an account the
    /// mailbox lacks does nothing (`/_standin/faults` answers 400 for it).
    pub fn apply(&self, command: FaultCommand) {
        if let Err(e) = self.try_apply(command) {
            tracing::warn!("stand-in fault not applied: {e}");
        }
    }

    /// Applies one command, or says why it cannot be (an unknown account).
    pub fn try_apply(&self, command: FaultCommand) -> crate::Result<()> {
        let state = &self.state;
        match command {
            FaultCommand::Latency { ms } => state.faults().latency = Duration::from_millis(ms),
            FaultCommand::FailNext {
                endpoint,
                count,
                status,
                body,
            } => {
                state
                    .faults()
                    .fail_next
                    .insert(endpoint, (count, Failure { status, body }));
            }
            FaultCommand::RevokeUser { email } => state.tokens().revoke_user(&email),
            FaultCommand::ExpireAccessTokens => state.tokens().expire_access_tokens(),
            FaultCommand::OmitRefreshToken { on } => state.faults().omit_refresh_token = on,
            FaultCommand::UserinfoWithoutId { on } => state.faults().userinfo_without_id = on,
            FaultCommand::MalformedJsonNext { endpoint, count } => {
                state.faults().malformed_next.insert(endpoint, count);
            }
            FaultCommand::TruncateBatchNext { count } => state.faults().truncate_batch_next = count,
            FaultCommand::CloseMidReplyNext { endpoint, count } => {
                state.faults().close_mid_reply_next.insert(endpoint, count);
            }
            FaultCommand::SetQuota {
                units_per_minute,
                style,
            } => {
                state.quota().configure(units_per_minute, style);
            }
            FaultCommand::SpendAsOther { email, units } => {
                state.quota().spend_as_other(&email, units);
            }
            FaultCommand::SetQuotaWindow { ms } => {
                state.quota().set_window(Duration::from_millis(ms));
            }
            FaultCommand::SetQuotaModel { model } => state.quota().set_model(model),
            FaultCommand::ExpireHistory { email } => {
                self.mailbox_control().expire_history(&email)?;
            }
            FaultCommand::Unreachable { email, on } => {
                let email = email.to_lowercase();
                let mut faults = state.faults();
                if on {
                    faults.unreachable.insert(email);
                } else {
                    faults.unreachable.remove(&email);
                }
            }
            FaultCommand::Clear => *state.faults() = FaultState::default(),
        }
        Ok(())
    }

    fn mailbox_control(&self) -> crate::MailboxControl {
        crate::MailboxControl {
            state: self.state.clone(),
        }
    }

    /// While `on`, `email`'s Gmail calls get no reply (see [`FaultCommand::Unreachable`]).
    pub fn unreachable(&self, email: &str, on: bool) {
        self.apply(FaultCommand::Unreachable {
            email: email.to_owned(),
            on,
        });
    }

    /// Waits `latency` before every reply.
    pub fn set_latency(&self, latency: Duration) {
        self.state.faults().latency = latency;
    }

    /// The next `count` calls of `endpoint` fail with `status` and Google's usual body for it.
    pub fn fail_next(&self, endpoint: Endpoint, count: u32, status: u16) {
        self.apply(FaultCommand::FailNext {
            endpoint,
            count,
            status,
            body: None,
        });
    }

    /// Like [`Faults::fail_next`] with a body of the test's choosing.
    pub fn fail_next_with_body(&self, endpoint: Endpoint, count: u32, status: u16, body: Value) {
        self.apply(FaultCommand::FailNext {
            endpoint,
            count,
            status,
            body: Some(body),
        });
    }

    /// Revokes every grant of `email`: its access and refresh tokens stop working.
    pub fn revoke_user(&self, email: &str) {
        self.state.tokens().revoke_user(email);
    }

    /// Expires every access token issued so far (refresh tokens keep working).
    pub fn expire_access_tokens(&self) {
        self.state.tokens().expire_access_tokens();
    }

    /// Leaves `refresh_token` out of token replies while `on`.
    pub fn omit_refresh_token(&self, on: bool) {
        self.state.faults().omit_refresh_token = on;
    }

    /// Leaves `sub` (OIDC) and `id` (oauth2/v2) out of userinfo replies while `on`.
    pub fn userinfo_without_id(&self, on: bool) {
        self.state.faults().userinfo_without_id = on;
    }

    /// The next `count` replies of `endpoint` are malformed JSON.
    pub fn malformed_json_next(&self, endpoint: Endpoint, count: u32) {
        self.state.faults().malformed_next.insert(endpoint, count);
    }

    /// The next `count` batch replies stop part-way through the multipart body.
    pub fn truncate_batch_next(&self, count: u32) {
        self.state.faults().truncate_batch_next = count;
    }

    /// The next `count` replies of `endpoint` drop the connection after the first bytes.
    pub fn close_mid_reply_next(&self, endpoint: Endpoint, count: u32) {
        self.state
            .faults()
            .close_mid_reply_next
            .insert(endpoint, count);
    }

    /// Sets the per-user quota (units per rolling window; `None` = unlimited) and starts a
    /// fresh window.
    pub fn set_quota(&self, units_per_minute: Option<u32>, style: RateLimitStyle) {
        self.state.quota().configure(units_per_minute, style);
    }

    /// Another client of `email` spends `units` of its rolling window now (see
    /// [`FaultCommand::SpendAsOther`]).
    pub fn spend_as_other(&self, email: &str, units: u32) {
        self.apply(FaultCommand::SpendAsOther {
            email: email.to_owned(),
            units,
        });
    }

    /// Sets the length of the per-user quota's rolling window (Google: a minute), so a test
    /// can shrink "a minute"; starts a fresh window.
    pub fn set_quota_window(&self, window: Duration) {
        self.state.quota().set_window(window);
    }

    /// Charges calls from now on by `model` (units already spent stay as they were).
    pub fn set_quota_model(&self, model: QuotaModel) {
        self.state.quota().set_model(model);
    }

    /// Makes every history id of `email` handed out so far too old, as Google does when it
    /// no longer keeps that history: `history.list` from one answers 404. Returns the
    /// account's new history id, the oldest valid one (the same as
    /// `mailbox_control().expire_history(email)`).
    pub fn expire_history(&self, email: &str) -> crate::Result<u64> {
        self.mailbox_control().expire_history(email)
    }

    /// Turns every fault off.
    pub fn clear(&self) {
        self.apply(FaultCommand::Clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_round_trip_and_accept_discovery_ids() {
        for (e, n) in NAMES {
            assert_eq!(n.parse::<Endpoint>().unwrap(), *e);
        }
        assert_eq!(
            "gmail.users.messages.get".parse::<Endpoint>().unwrap(),
            Endpoint::MessagesGet
        );
        assert!("users.nope".parse::<Endpoint>().is_err());
    }

    #[test]
    fn a_fault_command_reads_from_the_control_endpoints_json() {
        let cmd: FaultCommand = serde_json::from_str(
            r#"{"fault":"fail_next","endpoint":"users.messages.list","count":2,"status":503}"#,
        )
        .unwrap();
        assert!(matches!(
            cmd,
            FaultCommand::FailNext {
                endpoint: Endpoint::MessagesList,
                count: 2,
                status: 503,
                body: None
            }
        ));
    }
}
