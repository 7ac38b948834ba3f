//! `vouch history`: the runs in a store with their outcome counts and, for every framework
//! whose ruleset is known, how many controls passed, failed or were unknown in each run.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{RunRecord, Store, StoreError};
use crate::engine::Outcome;
use crate::rulesets::{ControlStatus, Ruleset};

/// One run, with its control roll-up per framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    #[serde(flatten)]
    pub run: RunRecord,
    /// Framework → control status → number of controls (empty without rulesets).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub frameworks: BTreeMap<String, BTreeMap<ControlStatus, usize>>,
}

/// Outcome bodies decoded once per digest: nightly runs of an unchanged estate share them.
#[derive(Default)]
pub(crate) struct OutcomeCache {
    decoded: HashMap<String, Outcome>,
}

impl OutcomeCache {
    /// A run's outcomes (unordered).
    pub(crate) fn outcomes(
        &mut self,
        store: &Store,
        run_id: i64,
    ) -> Result<Vec<Outcome>, StoreError> {
        let mut stmt = store
            .conn
            .prepare_cached("SELECT blob FROM outcomes WHERE run_id = ?1")?;
        let digests: Vec<String> = stmt
            .query_map([run_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut body = store
            .conn
            .prepare_cached("SELECT body FROM blobs WHERE digest = ?1")?;
        let mut outcomes = Vec::with_capacity(digests.len());
        for digest in digests {
            if let Some(o) = self.decoded.get(&digest) {
                outcomes.push(o.clone());
                continue;
            }
            let text: String = body.query_row([&digest], |r| r.get(0))?;
            let o: Outcome = serde_json::from_str(&text)?;
            self.decoded.insert(digest, o.clone());
            outcomes.push(o);
        }
        Ok(outcomes)
    }
}

/// Every run, oldest first, rolled up against each ruleset.
pub fn history(store: &Store, rulesets: &[Ruleset]) -> Result<Vec<RunSummary>, StoreError> {
    let mut cache = OutcomeCache::default();
    let mut summaries = Vec::new();
    for run in store.runs()? {
        let mut frameworks = BTreeMap::new();
        if !rulesets.is_empty() {
            let outcomes = cache.outcomes(store, run.id)?;
            for set in rulesets {
                let mut counts: BTreeMap<ControlStatus, usize> = BTreeMap::new();
                for c in set.evaluate(&outcomes) {
                    *counts
                        .entry(effective(c.status, run.meta.complete))
                        .or_default() += 1;
                }
                frameworks.insert(set.framework.clone(), counts);
            }
        }
        summaries.push(RunSummary { run, frameworks });
    }
    Ok(summaries)
}

/// A control's status as evidence: on an incomplete run, "nothing failed" is not a pass
/// (the evidence that would have failed it may be what went missing).
pub(crate) fn effective(status: ControlStatus, complete: bool) -> ControlStatus {
    if !complete && status == ControlStatus::Pass {
        ControlStatus::Unknown
    } else {
        status
    }
}
