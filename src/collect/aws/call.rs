//! One gate for every AWS call: concurrency limits, the per-call timeout, the whole-run
//! deadline, and the classification of each answer as a fact, a "not configured" fact, or a
//! failure that becomes an unknown and a [`FailedCall`] entry.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::ops::Op;
use crate::model::unknown;

/// A call that did not produce an answer: its attribute is unknown, never a pass.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FailedCall {
    /// IAM service prefix (`s3`).
    pub service: String,
    /// API operation (`GetBucketEncryption`).
    pub operation: String,
    /// Region the call was sent to (`global` for account-wide calls).
    pub region: String,
    /// Resource the call was about (bucket name, key ID, detector ID), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Error code (`AccessDenied`, `ThrottlingException`, `Timeout`, `DispatchFailure`, ...).
    pub error_code: String,
    pub message: String,
}

/// The outcome of one call.
#[derive(Debug)]
pub enum Answer<T> {
    /// The service answered.
    Ok(T),
    /// The service said the thing is not configured (e.g. `NoSuchBucketPolicy`): a fact.
    NotConfigured(String),
    /// Denied, failed or timed out: the reason for the unknown marker.
    Failed(String),
}

impl<T> Answer<T> {
    /// Maps a successful answer into a JSON value, "not configured" into `null`, and a
    /// failure into the unknown marker.
    pub fn to_value(self, f: impl FnOnce(T) -> serde_json::Value) -> serde_json::Value {
        match self {
            Answer::Ok(v) => f(v),
            Answer::NotConfigured(_) => serde_json::Value::Null,
            Answer::Failed(reason) => unknown(reason),
        }
    }
}

/// Codes meaning "you may not": reported as `denied` in unknown reasons.
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
];

/// Longest failure message kept in a [`FailedCall`].
const MAX_MESSAGE: usize = 400;

/// Shared state of one collection run.
#[derive(Debug)]
pub struct Caller {
    per_call_timeout: Duration,
    deadline: Instant,
    concurrency: usize,
    limits: Mutex<BTreeMap<(String, String), Arc<Semaphore>>>,
    failed: Mutex<Vec<FailedCall>>,
    fallbacks: Mutex<Vec<FailedCall>>,
}

impl Caller {
    pub fn new(per_call_timeout: Duration, deadline: Instant, concurrency: usize) -> Self {
        Self {
            per_call_timeout,
            deadline,
            concurrency: concurrency.max(1),
            limits: Mutex::new(BTreeMap::new()),
            failed: Mutex::new(Vec::new()),
            fallbacks: Mutex::new(Vec::new()),
        }
    }

    /// True once the whole-run deadline has passed.
    pub fn past_deadline(&self) -> bool {
        Instant::now() >= self.deadline
    }

    fn limiter(&self, service: &str, region: &str) -> Arc<Semaphore> {
        let key = (service.to_owned(), region.to_owned());
        match self.limits.lock() {
            Ok(mut map) => map
                .entry(key)
                .or_insert_with(|| Arc::new(Semaphore::new(self.concurrency)))
                .clone(),
            // A poisoned map only means another task panicked while inserting; a fresh
            // semaphore still bounds this call.
            Err(_) => Arc::new(Semaphore::new(self.concurrency)),
        }
    }

    /// Records a failure that did not come from a call (e.g. a client that could not be built).
    pub fn record(&self, call: FailedCall) {
        if let Ok(mut failed) = self.failed.lock() {
            failed.push(call);
        }
    }

    /// Every failed call so far, sorted.
    pub fn failed_calls(&self) -> Vec<FailedCall> {
        let mut calls = self.failed.lock().map(|f| f.clone()).unwrap_or_default();
        calls.sort();
        calls.dedup();
        calls
    }

    /// Records a failed call that another source covered (the attribute it would have
    /// answered was read elsewhere): evidence of the detour, not of an unknown.
    pub fn record_fallback(&self, call: FailedCall) {
        if let Ok(mut fallbacks) = self.fallbacks.lock() {
            fallbacks.push(call);
        }
    }

    /// Every covered failure so far ([`Caller::record_fallback`]), sorted.
    pub fn fallback_calls(&self) -> Vec<FailedCall> {
        let mut calls = self.fallbacks.lock().map(|f| f.clone()).unwrap_or_default();
        calls.sort();
        calls.dedup();
        calls
    }

    /// Runs one call under the service/region limit, the per-call timeout and the deadline.
    ///
    /// `not_configured` lists error codes that mean "not configured": those are facts, not
    /// failures, and are not recorded as failed calls.
    pub async fn call<T, E, R, F>(
        &self,
        op: &'static Op,
        region: &str,
        resource: Option<&str>,
        not_configured: &[&str],
        fut: F,
    ) -> Answer<T>
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let (answer, failed) = self
            .try_call(op, region, resource, not_configured, fut)
            .await;
        if let Some(call) = failed {
            self.record(call);
        }
        answer
    }

    /// [`Caller::call`] without recording a failure: the failed call is returned with the
    /// answer, for a caller that can cover it with another source and records it itself
    /// (as a failed call when it could not, as a fallback when it could).
    pub async fn try_call<T, E, R, F>(
        &self,
        op: &'static Op,
        region: &str,
        resource: Option<&str>,
        not_configured: &[&str],
        fut: F,
    ) -> (Answer<T>, Option<FailedCall>)
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let fail = |code: &str, mut message: String, verb: &str| {
            // Error chains can embed whole response bodies: keep the evidence short.
            if message.len() > MAX_MESSAGE {
                let mut cut = MAX_MESSAGE;
                while !message.is_char_boundary(cut) {
                    cut -= 1;
                }
                message.truncate(cut);
                message.push_str("...");
            }
            let call = FailedCall {
                service: op.service.to_owned(),
                operation: op.name.to_owned(),
                region: region.to_owned(),
                resource: resource.map(str::to_owned),
                error_code: code.to_owned(),
                message,
            };
            (
                Answer::Failed(format!("{} {verb}: {code}", op.label())),
                Some(call),
            )
        };
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return fail(
                "DeadlineExceeded",
                "whole-run deadline passed before the call".into(),
                "not attempted",
            );
        }
        let limit = self.limiter(op.service, region);
        let budget = remaining.min(self.per_call_timeout);
        let guarded = async {
            let _permit = limit.acquire().await;
            fut.await
        };
        match tokio::time::timeout(budget, guarded).await {
            Err(_) => fail(
                "Timeout",
                format!("no answer within {} ms", budget.as_millis()),
                "timed out",
            ),
            Ok(Ok(value)) => (Answer::Ok(value), None),
            Ok(Err(err)) => {
                let code = err.code().map(str::to_owned);
                match code {
                    Some(code) if not_configured.contains(&code.as_str()) => {
                        (Answer::NotConfigured(code), None)
                    }
                    Some(code) => {
                        let message = err
                            .message()
                            .map(str::to_owned)
                            .unwrap_or_else(|| DisplayErrorContext(&err).to_string());
                        let verb = if DENIED_CODES.contains(&code.as_str()) {
                            "denied"
                        } else {
                            "failed"
                        };
                        fail(&code, message, verb)
                    }
                    None => {
                        let code = match &err {
                            SdkError::TimeoutError(_) => "Timeout",
                            SdkError::DispatchFailure(_) => "DispatchFailure",
                            SdkError::ResponseError(_) => "ResponseError",
                            SdkError::ConstructionFailure(_) => "ConstructionFailure",
                            _ => "ServiceError",
                        };
                        let verb = if code == "Timeout" {
                            "timed out"
                        } else {
                            "failed"
                        };
                        fail(code, DisplayErrorContext(&err).to_string(), verb)
                    }
                }
            }
        }
    }
}
