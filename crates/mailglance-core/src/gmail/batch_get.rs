//! Batch GETs on the [`Transport`]: many `messages.get` (or `labels.get`) in batches of
//! at most [`MAX_PARTS`], each part counted in units, only the failed parts asked again
//! (in smaller batches after refusals, as lieer halves), a refusal for quota holding the
//! budget as a plain GET's does, and a 401 renewing the token once.
//!
//! Not here: the batch wire format (`batch.rs`), the transport and its plain GETs
//! (`transport.rs`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth2::AccessToken;
use serde::de::DeserializeOwned;

use super::batch::{self, MAX_PARTS, PartReply};
use super::quota::Method;
use super::retry::{Fail, Tried, classify, retry_after, send_failure};
use super::transport::{TokenSource, Transport};
use super::{Error, Result, offline, status_error};

impl Transport {
    /// GETs every `gmail/v1/users/me/{path}` through batches of at most [`MAX_PARTS`],
    /// retrying failed parts. The answer is in `paths`' order; `None` where Google said
    /// 404 (deleted meanwhile). A 401 renews the token once.
    pub async fn batch_get<T, S>(
        &self,
        tokens: &S,
        method: Method,
        paths: &[String],
    ) -> std::result::Result<Vec<Option<T>>, S::Error>
    where
        T: DeserializeOwned,
        S: TokenSource + ?Sized,
    {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let full: Vec<String> = paths
            .iter()
            .map(|p| format!("{}gmail/v1/users/me/{p}", self.base_path))
            .collect();
        let token = tokens.token().await?;
        match self.batch_retrying(&token, method, &full).await {
            Err(Error::Unauthorized) => {
                let token = tokens.renew(&token).await?;
                Ok(self.batch_retrying(&token, method, &full).await?)
            }
            other => Ok(other?),
        }
    }

    async fn batch_retrying<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        method: Method,
        paths: &[String],
    ) -> Result<Vec<Option<T>>> {
        let mut results: Vec<Option<T>> = paths.iter().map(|_| None).collect();
        let mut pending: Vec<usize> = (0..paths.len()).collect();
        let mut size = MAX_PARTS;
        let mut whole_failures = 0;
        let mut round = 0;
        let mut held = Duration::ZERO;
        while !pending.is_empty() {
            let mut failed: Vec<usize> = Vec::new();
            let mut hint: Option<Duration> = None;
            let (mut parts_failed, mut whole_failed) = (false, false);
            // Whether anything failed for another reason than quota.
            let mut other_failed = false;
            let mut last_error = None;
            for chunk in pending.chunks(size) {
                let chunk_paths: Vec<String> = chunk.iter().map(|&i| paths[i].clone()).collect();
                self.spend(self.costs.units(method) * chunk.len() as u64)
                    .await?;
                let parts = match self.send_batch(token, &chunk_paths).await {
                    Ok(parts) => parts,
                    Err(Fail::Stop(e)) => return Err(e),
                    Err(Fail::Retry(e, h)) => {
                        whole_failed = true;
                        let limited = matches!(e, Error::RateLimited { .. });
                        parts_failed |= limited;
                        other_failed |= !limited;
                        hint = hint.max(h);
                        last_error = Some(e);
                        failed.extend_from_slice(chunk);
                        continue;
                    }
                };
                let mut answered = vec![false; chunk.len()];
                for part in parts {
                    let Some(&i) = chunk.get(part.index) else {
                        continue;
                    };
                    answered[part.index] = true;
                    match read_part::<T>(&part) {
                        Ok(value) => results[i] = value,
                        Err(Fail::Stop(e)) => return Err(e),
                        Err(Fail::Retry(e, h)) => {
                            parts_failed = true;
                            other_failed |= !matches!(e, Error::RateLimited { .. });
                            hint = hint.max(h);
                            last_error = Some(e);
                            failed.push(i);
                        }
                    }
                }
                for (k, done) in answered.into_iter().enumerate() {
                    if !done {
                        other_failed = true;
                        last_error = Some(Error::Malformed {
                            detail: "a batch reply left out a part".into(),
                        });
                        failed.push(chunk[k]);
                    }
                }
            }
            if failed.is_empty() {
                break;
            }
            // Refused for quota alone, with a budget: every caller holds as Gmail said,
            // and the round does not count as a failure.
            if !other_failed && let Some(held) = self.hold(hint, &mut held).await {
                held?;
                failed.sort_unstable();
                pending = failed;
                continue;
            }
            round += 1;
            if round > self.retry.batch_rounds {
                return Err(last_error.unwrap_or(Error::Malformed {
                    detail: "batch parts kept failing".into(),
                }));
            }
            // A reply cut short is tried again as it was once; after that, and whenever
            // parts were refused, smaller batches.
            if whole_failed {
                whole_failures += 1;
            }
            if parts_failed || whole_failures > 1 {
                size = (size / 2).max(1);
            }
            if let Some(e) = &last_error {
                tracing::debug!(
                    "{} batch parts to retry ({e}); round {round}, batches of {size}",
                    failed.len()
                );
            }
            failed.sort_unstable();
            pending = failed;
            tokio::time::sleep(self.retry.wait(round, hint)).await;
        }
        Ok(results)
    }

    async fn send_batch(&self, token: &AccessToken, paths: &[String]) -> Tried<Vec<PartReply>> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let boundary = format!("batch_mailglance_{nanos:x}");
        let request = self
            .http
            .post(format!("{}batch/gmail/v1", self.root))
            .bearer_auth(token.secret())
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/mixed; boundary={boundary}"),
            )
            .body(batch::request_body(&boundary, paths));
        let response = request.send().await.map_err(send_failure)?;
        let status = response.status().as_u16();
        let hint = retry_after(&response);
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Fail::Retry(offline(e), None))?;
        if !(200..300).contains(&status) {
            return Err(classify(status_error(status, hint, &bytes), hint));
        }
        batch::parse_reply(&content_type, &String::from_utf8_lossy(&bytes)).map_err(|e| {
            Fail::Retry(
                Error::Malformed {
                    detail: e.to_string(),
                },
                None,
            )
        })
    }
}

/// One inner response: `Ok(None)` for a 404.
fn read_part<T: DeserializeOwned>(part: &PartReply) -> Tried<Option<T>> {
    match part.status {
        200..=299 => serde_json::from_str(&part.body).map(Some).map_err(|e| {
            Fail::Retry(
                Error::Malformed {
                    detail: e.to_string(),
                },
                None,
            )
        }),
        404 => Ok(None),
        status => Err(classify(
            status_error(status, part.retry_after, part.body.as_bytes()),
            part.retry_after,
        )),
    }
}
