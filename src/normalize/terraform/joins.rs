//! A generic one-level join used by the rules-a kinds (SQS/SNS policies, Secrets Manager
//! rotation, WAF associations and logging, ...): a sub-resource that names its target through
//! one argument contributes attributes to that target.
//!
//! Same guarantees as the S3 join, simplified: a sub-resource resolved to one target sets
//! its attributes there (two sub-resources setting one attribute make it unknown); one that
//! might configure several targets makes the attribute unknown on each; one whose target is
//! outside the configuration becomes a stand-in resource of the target's kind, whose other
//! attributes are unknown. A sub-resource is never dropped silently.

use std::collections::BTreeMap;

use serde_json::Value;

use super::refs::{self, Resolution};
use super::Builder;
use crate::collect::terraform::TfInstance;
use crate::model::unknown;

/// How sub-resources of one type attach to targets.
pub(super) struct Join<'a> {
    /// Terraform type of the sub-resource, e.g. `aws_sqs_queue_policy`.
    pub sub_type: &'a str,
    /// Argument naming the target, e.g. `queue_url`.
    pub key: &'a str,
    /// Terraform types of the targets.
    pub target_types: &'a [&'a str],
    /// Canonical kind of the targets, for stand-ins.
    pub kind: &'static str,
    /// Every attribute of the kind (stand-ins get them all as unknown first).
    pub kind_keys: &'a [&'a str],
}

/// (normalized key, value, source argument) contributed by one sub-resource.
pub(super) type Parts = Vec<(&'static str, Value, &'static str)>;

/// Joins every managed instance of `join.sub_type` into `builders` (built from `targets`,
/// same order) and returns stand-ins for targets outside the configuration.
pub(super) fn attach(
    join: &Join<'_>,
    managed: &[&TfInstance],
    targets: &[&TfInstance],
    builders: &mut [Builder],
    parts: impl Fn(&TfInstance) -> Parts,
) -> Vec<Builder> {
    let mut definite: BTreeMap<(usize, &'static str), String> = BTreeMap::new();
    let mut maybe: Vec<(usize, &'static str, String)> = Vec::new();
    let mut outside = Vec::new();
    for inst in managed.iter().filter(|i| i.resource_type == join.sub_type) {
        let contributed = parts(inst);
        match refs::resolve(
            inst.values.get(join.key),
            join.key,
            inst,
            targets,
            join.target_types,
            None,
        ) {
            Resolution::One(i) => {
                let Some(b) = builders.get_mut(i) else {
                    continue;
                };
                b.join(inst);
                for (key, value, src) in contributed {
                    if let Some(previous) = definite.get(&(i, key)) {
                        // Two resources managing one setting fight on every apply.
                        b.set(
                            key,
                            unknown(format!(
                                "`{key}` is set by both {previous} and {}",
                                inst.address
                            )),
                        );
                    } else {
                        b.set(key, value);
                        definite.insert((i, key), inst.address.clone());
                    }
                    b.locate_block(key, inst);
                    b.locate(key, inst, src);
                }
            }
            Resolution::Unresolved {
                candidates, reason, ..
            } if !candidates.is_empty() => {
                for i in candidates {
                    for (key, _, _) in &contributed {
                        maybe.push((
                            i,
                            key,
                            format!("{} may configure this resource: {reason}", inst.address),
                        ));
                    }
                }
            }
            Resolution::Unresolved { reason, .. } => {
                let mut b = Builder::new(join.kind, inst);
                b.source_types.clear();
                b.join(inst);
                let stand_in = unknown(format!(
                    "the resource is not part of the scanned configuration ({reason})"
                ));
                for key in join.kind_keys {
                    b.set(key, stand_in.clone());
                }
                for (key, value, src) in contributed {
                    b.set(key, value);
                    b.locate(key, inst, src);
                }
                outside.push(b);
            }
        }
    }
    for (i, key, reason) in maybe {
        if definite.contains_key(&(i, key)) {
            continue;
        }
        if let Some(b) = builders.get_mut(i) {
            b.set(key, unknown(reason));
        }
    }
    outside
}
