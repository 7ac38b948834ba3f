//! `aws.ec2.security_group`: `aws_security_group` with its inline `ingress`/`egress` blocks,
//! joined with `aws_security_group_rule` and `aws_vpc_security_group_{ingress,egress}_rule`
//! by their `security_group_id` reference.
//!
//! Rule order: inline rules in declaration order, then standalone rules by address. A rule
//! whose group is not known is an unknown marker element in the rule list of every group it
//! might belong to, and also stands in a group resource of its own (the outside group), whose
//! other rules are unknown.

use std::collections::BTreeMap;

use serde_json::Value;

use super::refs::{self, Resolution};
use super::{
    arg, blocks, boolean, integer, obj, strict_strings, string, strings, tags, Arg, Builder,
};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// Direction of a rule; names the normalized list.
#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Ingress,
    Egress,
}

impl Dir {
    fn key(self) -> &'static str {
        match self {
            Dir::Ingress => "ingress",
            Dir::Egress => "egress",
        }
    }
}

/// One normalized rule and where its parts were written.
struct Rule {
    dir: Dir,
    value: Value,
    /// (field of the normalized rule, source path).
    fields: Vec<(&'static str, String)>,
    /// Source path of the whole rule (`ingress.0`), or `None` for a standalone resource.
    block: Option<String>,
}

/// Protocol in normalized spelling: `-1` for all, lowercase names for the common numbers.
fn protocol(values: &Value, key: &str) -> Value {
    match super::enum_str(values, key, None) {
        Value::String(p) => {
            let p = p.trim().to_ascii_lowercase();
            Value::String(
                match p.as_str() {
                    "all" | "-1" => "-1",
                    "6" => "tcp",
                    "17" => "udp",
                    "1" => "icmp",
                    "58" => "icmpv6",
                    other => other,
                }
                .to_owned(),
            )
        }
        Value::Null => unknown(format!("`{key}` is not set")),
        other => other,
    }
}

/// Builds a rule from a block or resource using the given argument names.
#[allow(clippy::too_many_arguments)]
fn rule(
    v: &Value,
    prefix: &str,
    dir: Dir,
    proto_key: &str,
    v4_key: &str,
    v6_key: &str,
    sg_key: &str,
    pl_key: &str,
    block: Option<String>,
) -> Rule {
    let proto = protocol(v, proto_key);
    // Ports mean nothing for "all protocols"; the provider wants 0/0 or omits them.
    let (from, to) = if proto.as_str() == Some("-1") {
        (Value::Null, Value::Null)
    } else {
        (integer(v, "from_port"), integer(v, "to_port"))
    };
    let self_peer = match arg(v, "self") {
        Arg::Absent => Value::Bool(false),
        _ => boolean(v, "self", Some(false)),
    };
    let value = obj([
        ("protocol", proto),
        ("from_port", from),
        ("to_port", to),
        ("cidr_ipv4", strict_strings(v, v4_key)),
        ("cidr_ipv6", strict_strings(v, v6_key)),
        ("source_security_groups", strings(v, sg_key)),
        ("prefix_lists", strings(v, pl_key)),
        ("self", self_peer),
        ("description", string(v, "description")),
    ]);
    let at = |k: &str| format!("{prefix}{k}");
    Rule {
        dir,
        value,
        fields: vec![
            ("protocol", at(proto_key)),
            ("from_port", at("from_port")),
            ("to_port", at("to_port")),
            ("cidr_ipv4", at(v4_key)),
            ("cidr_ipv6", at(v6_key)),
            ("source_security_groups", at(sg_key)),
            ("prefix_lists", at(pl_key)),
            ("self", at("self")),
            ("description", at("description")),
        ],
        block,
    }
}

/// Rules of a standalone rule resource; empty for other types. `None` in the result means
/// the direction is not known (an unknown `type`).
fn standalone(inst: &TfInstance) -> Option<Vec<Rule>> {
    let v = &inst.values;
    let one = |dir| {
        rule(
            v,
            "",
            dir,
            "ip_protocol",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
            "prefix_list_id",
            None,
        )
    };
    match inst.resource_type.as_str() {
        "aws_vpc_security_group_ingress_rule" => Some(vec![one(Dir::Ingress)]),
        "aws_vpc_security_group_egress_rule" => Some(vec![one(Dir::Egress)]),
        "aws_security_group_rule" => {
            let dir = match v.get("type").and_then(Value::as_str) {
                Some("ingress") => Dir::Ingress,
                Some("egress") => Dir::Egress,
                _ => return None,
            };
            Some(vec![rule(
                v,
                "",
                dir,
                "protocol",
                "cidr_blocks",
                "ipv6_cidr_blocks",
                "source_security_group_id",
                "prefix_list_ids",
                None,
            )])
        }
        _ => Some(Vec::new()),
    }
}

fn is_rule_type(t: &str) -> bool {
    matches!(
        t,
        "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule"
    )
}

/// Inline rules of a group; `Err` holds the marker for a list that cannot be known.
fn inline(v: &Value, dir: Dir) -> Result<Vec<Rule>, Value> {
    let list = blocks(v, dir.key())?;
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let prefix = format!("{}.{i}.", dir.key());
            rule(
                b,
                &prefix,
                dir,
                "protocol",
                "cidr_blocks",
                "ipv6_cidr_blocks",
                "security_groups",
                "prefix_list_ids",
                Some(format!("{}.{i}", dir.key())),
            )
        })
        .collect())
}

/// Collects rule lists for one group resource while keeping their locations.
struct Lists {
    ingress: Result<Vec<Value>, Value>,
    egress: Result<Vec<Value>, Value>,
}

impl Lists {
    fn list(&mut self, dir: Dir) -> &mut Result<Vec<Value>, Value> {
        match dir {
            Dir::Ingress => &mut self.ingress,
            Dir::Egress => &mut self.egress,
        }
    }

    /// Appends `rule`, recording its locations in `b` (from `inst`).
    fn push(&mut self, b: &mut Builder, rule: Rule, inst: &TfInstance) {
        let key = rule.dir.key();
        if let Ok(list) = self.list(rule.dir) {
            let path = format!("{key}.{}", list.len());
            match &rule.block {
                Some(src) => b.locate(&path, inst, src),
                None => b.locate_block(&path, inst),
            }
            for (field, src) in &rule.fields {
                b.locate(&format!("{path}.{field}"), inst, src);
            }
            list.push(rule.value);
        }
    }

    /// Appends a rule that may or may not be here.
    fn push_unknown(&mut self, b: &mut Builder, dir: Dir, marker: Value, inst: &TfInstance) {
        if let Ok(list) = self.list(dir) {
            b.locate_block(&format!("{}.{}", dir.key(), list.len()), inst);
            list.push(marker);
        }
    }

    fn finish(self, b: &mut Builder) {
        for (dir, list) in [(Dir::Ingress, self.ingress), (Dir::Egress, self.egress)] {
            b.set(dir.key(), list.map_or_else(|m| m, Value::Array));
        }
    }
}

/// Group types: `aws_default_security_group` adopts a VPC's default group and replaces its
/// rules with the declared ones.
const SG_TYPES: [&str; 2] = ["aws_security_group", "aws_default_security_group"];

pub(super) fn groups(managed: &[&TfInstance]) -> Vec<Resource> {
    let targets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| SG_TYPES.contains(&i.resource_type.as_str()))
        .collect();
    let mut builders = Vec::new();
    let mut lists = Vec::new();
    for inst in &targets {
        let v = &inst.values;
        let mut b = Builder::new("aws.ec2.security_group", inst);
        // The VPC's default group is named "default" (AWS refuses that name for others).
        let default = inst.resource_type == "aws_default_security_group";
        let name = match arg(v, "name") {
            _ if default => Value::String("default".into()),
            Arg::Absent => unknown("group name is generated at apply time"),
            _ => string(v, "name"),
        };
        b.arg("name", name, "name");
        let description = match arg(v, "description") {
            _ if default => Value::String("default VPC security group".into()),
            Arg::Absent => Value::String("Managed by Terraform".into()),
            _ => string(v, "description"),
        };
        b.arg("description", description, "description");
        b.arg("vpc_id", string(v, "vpc_id"), "vpc_id");
        b.arg("tags", tags(v), "tags");
        let mut l = Lists {
            ingress: Ok(Vec::new()),
            egress: Ok(Vec::new()),
        };
        for dir in [Dir::Ingress, Dir::Egress] {
            match inline(v, dir) {
                Ok(rules) => {
                    for r in rules {
                        l.push(&mut b, r, inst);
                    }
                }
                Err(m) => {
                    *l.list(dir) = Err(m);
                    b.locate(dir.key(), inst, dir.key());
                }
            }
        }
        builders.push(b);
        lists.push(l);
    }

    let mut orphans: BTreeMap<String, (Builder, Lists)> = BTreeMap::new();
    for inst in managed.iter().filter(|i| is_rule_type(&i.resource_type)) {
        let rules = standalone(inst);
        let resolution = refs::resolve(
            inst.values.get("security_group_id"),
            "security_group_id",
            inst,
            &targets,
            &SG_TYPES,
            None,
        );
        let marker_dirs: Vec<Dir> = match &rules {
            Some(rs) => rs.iter().map(|r| r.dir).collect(),
            None => vec![Dir::Ingress, Dir::Egress],
        };
        match resolution {
            Resolution::One(i) => {
                let (Some(b), Some(l)) = (builders.get_mut(i), lists.get_mut(i)) else {
                    continue;
                };
                b.join(inst);
                match rules {
                    Some(rs) => rs.into_iter().for_each(|r| l.push(b, r, inst)),
                    None => {
                        let m = unknown(format!(
                            "direction (`type`) of {} is not known",
                            inst.address
                        ));
                        for dir in marker_dirs {
                            l.push_unknown(b, dir, m.clone(), inst);
                        }
                    }
                }
            }
            Resolution::Unresolved {
                candidates,
                group,
                reason,
            } => {
                let marker = unknown(format!(
                    "{} may add a rule to this group: {reason}",
                    inst.address
                ));
                for &i in &candidates {
                    if let (Some(b), Some(l)) = (builders.get_mut(i), lists.get_mut(i)) {
                        for &dir in &marker_dirs {
                            l.push_unknown(b, dir, marker.clone(), inst);
                        }
                    }
                }
                let key = group.unwrap_or_else(|| format!("rule:{}", inst.address));
                let (b, l) = orphans.entry(key).or_insert_with(|| {
                    let mut b = Builder::new("aws.ec2.security_group", inst);
                    b.source_types.clear();
                    let outside = unknown(format!(
                        "the security group is not part of the scanned configuration ({reason})"
                    ));
                    for k in ["name", "description", "vpc_id", "tags"] {
                        b.set(k, outside.clone());
                    }
                    // The outside group's other rules are not visible here.
                    let l = Lists {
                        ingress: Ok(vec![outside.clone()]),
                        egress: Ok(vec![outside]),
                    };
                    (b, l)
                });
                b.join(inst);
                match rules {
                    Some(rs) => rs.into_iter().for_each(|r| l.push(b, r, inst)),
                    None => {
                        let m = unknown(format!(
                            "direction (`type`) of {} is not known",
                            inst.address
                        ));
                        for dir in marker_dirs {
                            l.push_unknown(b, dir, m.clone(), inst);
                        }
                    }
                }
            }
        }
    }

    let mut out: Vec<Resource> = builders
        .into_iter()
        .zip(lists)
        .map(|(mut b, l)| {
            l.finish(&mut b);
            b.build()
        })
        .collect();
    out.extend(orphans.into_values().map(|(mut b, l)| {
        l.finish(&mut b);
        b.build()
    }));
    out
}
