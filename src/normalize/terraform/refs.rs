//! Resolving the argument that names a join target (`bucket`, `security_group_id`,
//! `target_key_id`) to the instance it configures.
//!
//! The argument is one of: the target's literal name (S3 bucket names are global), a
//! reference string `"${aws_s3_bucket.b.id}"` / `"${aws_s3_bucket.b[\"x\"].bucket}"`, a
//! module output `"${module.m.bucket_id}"`, or an unknown marker. References are relative to
//! the module the sub-resource is declared in; a value passed down through a module variable
//! keeps the caller's text, so the caller's modules (ancestors) are searched next.

use serde_json::Value;

use crate::collect::terraform::TfInstance;
use crate::model::unknown_reason;

/// Where a sub-resource's target is.
#[derive(Debug, PartialEq)]
pub(super) enum Resolution {
    /// Exactly this target (an index into the target list).
    One(usize),
    /// Not determined. `candidates` are targets it might configure (their joined attribute
    /// becomes unknown); `group` identifies an outside target, so sub-resources that name
    /// the same outside target are gathered into one resource (`None`: nothing to group by).
    Unresolved {
        candidates: Vec<usize>,
        group: Option<String>,
        reason: String,
    },
}

/// One parsed reference: `module.a.module.b` are not part of it (a reference never spans
/// modules except through outputs, which are [`Ref::ModuleOutput`]).
#[derive(Debug, PartialEq)]
enum Ref {
    /// `type.name[index].attr`
    Resource {
        rtype: String,
        name: String,
        index: Index,
    },
    /// `module.call[index].output`
    ModuleOutput { call: String },
    /// Anything else (`data.x.y.id`, an unevaluated `var.x`).
    Other,
}

#[derive(Debug, PartialEq)]
enum Index {
    None,
    /// A literal key, in address spelling (`[0]`, `["x"]`).
    Literal(String),
    /// `count.index`, `each.key`: evaluation did not fix it.
    Dynamic,
}

/// Splits `a.b["x.y"][0].c` into segments (name, indices), respecting quoted keys.
fn segments(expr: &str) -> Option<Vec<(String, Vec<String>)>> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut name = String::new();
    let mut indices = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                out.push((std::mem::take(&mut name), std::mem::take(&mut indices)));
            }
            '[' => {
                let mut idx = String::new();
                let mut in_str = false;
                let mut closed = false;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => {
                            in_str = !in_str;
                            idx.push(d);
                        }
                        '\\' if in_str => {
                            idx.push(d);
                            if let Some(e) = chars.next() {
                                idx.push(e);
                            }
                        }
                        ']' if !in_str => {
                            closed = true;
                            break;
                        }
                        _ => idx.push(d),
                    }
                }
                if !closed {
                    return None;
                }
                indices.push(idx.trim().to_owned());
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '*' => name.push(c),
            _ => return None,
        }
    }
    out.push((name, indices));
    Some(out)
}

fn index_of(indices: &[String]) -> Index {
    match indices.first() {
        None => Index::None,
        Some(i) if i.parse::<i64>().is_ok() => Index::Literal(format!("[{i}]")),
        Some(i) if i.len() >= 2 && i.starts_with('"') && i.ends_with('"') => {
            Index::Literal(format!("[{i}]"))
        }
        Some(_) => Index::Dynamic,
    }
}

/// Parses a string that is exactly one interpolation, `"${...}"`.
fn parse(s: &str) -> Option<Ref> {
    let inner = s.strip_prefix("${")?.strip_suffix('}')?;
    if inner.contains("${") || inner.contains('}') {
        return None;
    }
    let segs = segments(inner.trim())?;
    let (first, first_idx) = segs.first()?;
    match first.as_str() {
        "module" => {
            let (call, idx) = segs.get(1)?;
            let mut call = format!("module.{call}");
            if let Index::Literal(i) = index_of(idx) {
                call.push_str(&i);
            }
            Some(Ref::ModuleOutput { call })
        }
        "data" | "var" | "local" | "each" | "count" | "path" | "terraform" | "self" => {
            Some(Ref::Other)
        }
        rtype if first_idx.is_empty() && rtype.contains('_') => {
            let (name, idx) = segs.get(1)?;
            Some(Ref::Resource {
                rtype: rtype.to_owned(),
                name: name.clone(),
                index: index_of(idx),
            })
        }
        _ => Some(Ref::Other),
    }
}

/// The address of `inst` without its module prefix (`aws_s3_bucket.b["x"]`).
fn local_address(inst: &TfInstance) -> &str {
    let prefix = inst.module_chain.join(".");
    if prefix.is_empty() {
        return &inst.address;
    }
    inst.address
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or(&inst.address)
}

/// The base address `type.name` of a local address (index removed).
fn base_of(local: &str) -> &str {
    local.split('[').next().unwrap_or(local)
}

/// True when `ancestor` is `chain` or one of the modules that (transitively) call it.
fn is_ancestor_or_self(ancestor: &[String], chain: &[String]) -> bool {
    ancestor.len() <= chain.len() && chain.iter().zip(ancestor).all(|(a, b)| a == b)
}

/// Targets in the module of `sub` or in a module that calls it.
fn in_scope(sub: &TfInstance, targets: &[&TfInstance]) -> Vec<usize> {
    targets
        .iter()
        .enumerate()
        .filter(|(_, t)| is_ancestor_or_self(&t.module_chain, &sub.module_chain))
        .map(|(i, _)| i)
        .collect()
}

/// Resolves the join argument `value` (named `key`) of `sub` among `targets` of the given
/// types. `names` gives each target's name (a literal, or a string with interpolations) when
/// the target kind has a name that sources may use instead of a reference (S3 buckets,
/// Lambda functions); `None` otherwise.
pub(super) fn resolve(
    value: Option<&Value>,
    key: &str,
    sub: &TfInstance,
    targets: &[&TfInstance],
    types: &[&str],
    names: Option<&[Option<String>]>,
) -> Resolution {
    let all_in_scope = || in_scope(sub, targets);
    let s = match value {
        None | Some(Value::Null) => {
            return Resolution::Unresolved {
                candidates: all_in_scope(),
                group: None,
                reason: format!("`{key}` is not set"),
            }
        }
        Some(v) => match unknown_reason(v) {
            Some(reason) => {
                return Resolution::Unresolved {
                    candidates: all_in_scope(),
                    group: None,
                    reason: format!("`{key}` is unknown: {reason}"),
                }
            }
            None => match v.as_str() {
                Some(s) => s,
                None => {
                    return Resolution::Unresolved {
                        candidates: all_in_scope(),
                        group: None,
                        reason: format!("`{key}` is not a string: {v}"),
                    }
                }
            },
        },
    };

    if !s.contains("${") {
        return resolve_literal(s, key, sub, targets, names);
    }
    // The HCL collector writes references fully qualified (`${module.m["a"].aws_s3_bucket.b.id}`),
    // which also follows module outputs; match those exactly before reading relative forms.
    if let Some(one) = resolve_qualified(s, targets) {
        return Resolution::One(one);
    }
    // The same interpolated text as a target's name (`"${random_pet.this.id}-lambda"` on the
    // function and on its permission): the collector qualifies references by module, so
    // identical text is the same expression of the same resources, hence the same value.
    if let Some(names) = names {
        let same: Vec<usize> = in_scope(sub, targets)
            .into_iter()
            .filter(|&i| names.get(i).is_some_and(|n| n.as_deref() == Some(s)))
            .collect();
        if let [one] = same.as_slice() {
            return Resolution::One(*one);
        }
    }
    let scoped = |text: &str| format!("{}:{text}", sub.module_chain.join("."));
    match parse(s) {
        Some(Ref::Resource { rtype, name, index }) if types.contains(&rtype.as_str()) => {
            let base = format!("{rtype}.{name}");
            // Nearest module first: the sub-resource's own, then its callers.
            for depth in (0..=sub.module_chain.len()).rev() {
                let chain = sub.module_chain.get(..depth).unwrap_or(&[]);
                let same_base: Vec<usize> = targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.module_chain == chain && base_of(local_address(t)) == base)
                    .map(|(i, _)| i)
                    .collect();
                if same_base.is_empty() {
                    continue;
                }
                let matching: Vec<usize> = match &index {
                    Index::Literal(i) => {
                        let want = format!("{base}{i}");
                        same_base
                            .iter()
                            .copied()
                            .filter(|&t| {
                                targets.get(t).map(|t| local_address(t)) == Some(want.as_str())
                            })
                            .collect()
                    }
                    Index::None | Index::Dynamic => same_base.clone(),
                };
                return match matching.as_slice() {
                    [one] => Resolution::One(*one),
                    [] => Resolution::Unresolved {
                        candidates: Vec::new(),
                        group: Some(scoped(s)),
                        reason: format!("`{key}` is `{s}`, which matches no instance of {base}"),
                    },
                    many => Resolution::Unresolved {
                        candidates: many.to_vec(),
                        group: None,
                        reason: format!(
                            "`{key}` is `{s}`, which could be any of {} instances of {base}",
                            many.len()
                        ),
                    },
                };
            }
            Resolution::Unresolved {
                candidates: Vec::new(),
                group: Some(scoped(s)),
                reason: format!(
                    "`{key}` is `{s}`, which is not declared in the scanned configuration"
                ),
            }
        }
        Some(Ref::ModuleOutput { call }) => {
            // The output may return a target declared inside that module (or not at all).
            let candidates = targets
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    t.module_chain.len() > sub.module_chain.len()
                        && is_ancestor_or_self(&sub.module_chain, &t.module_chain)
                        && t.module_chain
                            .get(sub.module_chain.len())
                            .is_some_and(|m| m == &call || m.starts_with(&format!("{call}[")))
                })
                .map(|(i, _)| i)
                .collect();
            Resolution::Unresolved {
                candidates,
                group: Some(scoped(s)),
                reason: format!("`{key}` is `{s}`, a module output the adapter does not follow"),
            }
        }
        Some(Ref::Resource { .. }) | Some(Ref::Other) => Resolution::Unresolved {
            candidates: Vec::new(),
            group: Some(scoped(s)),
            reason: format!(
                "`{key}` is `{s}`, which is not a resource in the scanned configuration"
            ),
        },
        None => Resolution::Unresolved {
            candidates: all_in_scope(),
            group: None,
            reason: format!("`{key}` is `{s}`, an expression that could not be evaluated"),
        },
    }
}

/// A whole-string reference `${<full address>.<attr>}` to exactly one target.
fn resolve_qualified(s: &str, targets: &[&TfInstance]) -> Option<usize> {
    let inner = s.strip_prefix("${")?.strip_suffix('}')?;
    if inner.contains("${") {
        return None;
    }
    let (address, attr) = inner.rsplit_once('.')?;
    if attr.is_empty() || !attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut hits = targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.address == address);
    match (hits.next(), hits.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

fn resolve_literal(
    s: &str,
    key: &str,
    sub: &TfInstance,
    targets: &[&TfInstance],
    names: Option<&[Option<String>]>,
) -> Resolution {
    let Some(names) = names else {
        // An ID literal (sg-0123...) names a target created outside this configuration:
        // IDs of targets declared here are only known after apply.
        return Resolution::Unresolved {
            candidates: Vec::new(),
            group: Some(s.to_owned()),
            reason: format!("`{key}` is `{s}`, which is not declared in the scanned configuration"),
        };
    };
    // A name with interpolations is no literal: which literal it equals is known only after
    // apply.
    let literal = |i: usize| {
        names
            .get(i)
            .and_then(Option::as_deref)
            .filter(|n| !n.contains("${"))
    };
    let matching: Vec<usize> = (0..names.len())
        .filter(|&i| literal(i) == Some(s))
        .collect();
    match matching.as_slice() {
        [one] => Resolution::One(*one),
        [] => {
            // A target whose name is unknown (an unset variable) might be the one.
            let candidates = in_scope(sub, targets)
                .into_iter()
                .filter(|&i| literal(i).is_none())
                .filter(|&i| {
                    targets.get(i).is_some_and(|t| {
                        t.values
                            .get("bucket")
                            .is_some_and(|b| unknown_reason(b).is_some())
                    })
                })
                .collect();
            Resolution::Unresolved {
                candidates,
                group: Some(s.to_owned()),
                reason: format!(
                    "`{key}` is `{s}`, which is not declared in the scanned configuration"
                ),
            }
        }
        many => Resolution::Unresolved {
            candidates: many.to_vec(),
            group: None,
            reason: format!("`{key}` is `{s}`, a name declared {} times", many.len()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resource_references() {
        assert_eq!(
            parse("${aws_s3_bucket.b.id}"),
            Some(Ref::Resource {
                rtype: "aws_s3_bucket".into(),
                name: "b".into(),
                index: Index::None
            })
        );
        assert_eq!(
            parse(r#"${aws_s3_bucket.b["x.y"].bucket}"#),
            Some(Ref::Resource {
                rtype: "aws_s3_bucket".into(),
                name: "b".into(),
                index: Index::Literal(r#"["x.y"]"#.into())
            })
        );
        assert_eq!(
            parse("${aws_s3_bucket.b[count.index].id}"),
            Some(Ref::Resource {
                rtype: "aws_s3_bucket".into(),
                name: "b".into(),
                index: Index::Dynamic
            })
        );
        assert_eq!(
            parse("${module.logs[0].bucket_id}"),
            Some(Ref::ModuleOutput {
                call: "module.logs[0]".into()
            })
        );
        assert_eq!(parse("${data.aws_s3_bucket.x.id}"), Some(Ref::Other));
        assert_eq!(parse("${aws_s3_bucket.b.id}-suffix"), None);
        assert_eq!(parse("plain"), None);
    }
}
