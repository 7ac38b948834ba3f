//! Compute kinds: `aws.ec2.instance`, `aws.ec2.launch_template`,
//! `aws.autoscaling.launch_configuration`, `aws.ec2.snapshot_block_public_access`,
//! `aws.lambda.function` (joined with `aws_lambda_permission` and `aws_lambda_function_url`),
//! `aws.eks.cluster`, and `aws.ecr.repository` (with the registry scanning configuration).
//!
//! Lambda permissions become statements of the function's resource policy in IAM grammar, so
//! the public-principal tests are the ones bucket policies use. A permission or URL whose
//! function is outside the configuration gets a function resource of its own (the outside
//! function), whose other attributes are unknown: a public grant is never dropped.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::refs::{self, Resolution};
use super::{
    arg, block, blocks, boolean, enum_str, integer, map_blocks, obj, strict_strings, string,
    strings, tags, Arg, Builder,
};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// Builds the compute kinds declared in `managed`.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    let mut out: Vec<Resource> = managed
        .iter()
        .filter_map(|inst| {
            let b = match inst.resource_type.as_str() {
                "aws_instance" => instance(inst),
                "aws_launch_template" => launch_template(inst),
                "aws_launch_configuration" => launch_configuration(inst),
                "aws_ebs_snapshot_block_public_access" => {
                    let mut b = Builder::new("aws.ec2.snapshot_block_public_access", inst);
                    b.arg("state", enum_str(&inst.values, "state", None), "state");
                    b
                }
                "aws_eks_cluster" => eks_cluster(inst),
                _ => return None,
            };
            Some(b.build())
        })
        .collect();
    out.extend(lambda_functions(managed));
    out.extend(ecr_repositories(managed));
    out
}

/// `metadata_options` block; null when not configured.
fn metadata_options(v: &Value) -> Value {
    match block(v, "metadata_options") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(mo) => obj([
            ("http_endpoint", enum_str(mo, "http_endpoint", None)),
            ("http_tokens", enum_str(mo, "http_tokens", None)),
            (
                "http_put_response_hop_limit",
                integer(mo, "http_put_response_hop_limit"),
            ),
        ]),
    }
}

fn instance(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.ec2.instance", inst);
    b.arg("instance_type", string(v, "instance_type"), "instance_type");
    b.arg("ami", string(v, "ami"), "ami");
    b.arg("subnet_id", string(v, "subnet_id"), "subnet_id");
    b.arg(
        "associate_public_ip_address",
        boolean(v, "associate_public_ip_address", None),
        "associate_public_ip_address",
    );
    let template = match block(v, "launch_template") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(t) => match string(t, "id") {
            Value::Null => string(t, "name"),
            id => id,
        },
    };
    b.arg("launch_template", template, "launch_template");
    b.arg("metadata_options", metadata_options(v), "metadata_options");
    b.arg(
        "iam_instance_profile",
        string(v, "iam_instance_profile"),
        "iam_instance_profile",
    );
    b.arg("tags", tags(v), "tags");
    b
}

fn generated_name(v: &Value, what: &str) -> Value {
    match arg(v, "name") {
        Arg::Absent => unknown(format!("{what} name is generated at apply time")),
        _ => string(v, "name"),
    }
}

fn launch_template(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.ec2.launch_template", inst);
    b.arg("name", generated_name(v, "launch template"), "name");
    let nics = map_blocks(v, "network_interfaces", |ni| {
        obj([
            (
                "associate_public_ip_address",
                boolean(ni, "associate_public_ip_address", None),
            ),
            ("device_index", integer(ni, "device_index")),
        ])
    });
    b.arg("network_interfaces", nics, "network_interfaces");
    b.arg("metadata_options", metadata_options(v), "metadata_options");
    b.arg("tags", tags(v), "tags");
    b
}

fn launch_configuration(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.autoscaling.launch_configuration", inst);
    b.arg("name", generated_name(v, "launch configuration"), "name");
    b.arg(
        "associate_public_ip_address",
        boolean(v, "associate_public_ip_address", None),
        "associate_public_ip_address",
    );
    b.arg("metadata_options", metadata_options(v), "metadata_options");
    b
}

fn eks_cluster(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.eks.cluster", inst);
    b.arg("name", string(v, "name"), "name");
    b.arg("version", enum_str(v, "version", None), "version");
    let (public, private, cidrs) = match block(v, "vpc_config") {
        Arg::Absent => (
            Value::Bool(true),
            Value::Bool(false),
            Value::Array(vec![Value::String("0.0.0.0/0".into())]),
        ),
        Arg::Unknown(m) => (m.clone(), m.clone(), m),
        Arg::Known(c) => {
            // The provider (and EKS) default public access to everyone.
            let cidrs = match arg(c, "public_access_cidrs") {
                Arg::Absent => Value::Array(vec![Value::String("0.0.0.0/0".into())]),
                _ => strict_strings(c, "public_access_cidrs"),
            };
            (
                boolean(c, "endpoint_public_access", Some(true)),
                boolean(c, "endpoint_private_access", Some(false)),
                cidrs,
            )
        }
    };
    b.arg("endpoint_public_access", public, "vpc_config");
    b.arg("endpoint_private_access", private, "vpc_config");
    b.arg("public_access_cidrs", cidrs, "vpc_config");
    b.arg(
        "enabled_log_types",
        strings(v, "enabled_cluster_log_types"),
        "enabled_cluster_log_types",
    );
    let enc = map_blocks(v, "encryption_config", |c| {
        let key = match block(c, "provider") {
            Arg::Absent => Value::Null,
            Arg::Unknown(m) => m,
            Arg::Known(p) => string(p, "key_arn"),
        };
        obj([("resources", strings(c, "resources")), ("key_arn", key)])
    });
    b.arg("encryption_config", enc, "encryption_config");
    b.arg("tags", tags(v), "tags");
    b
}

// ---------------------------------------------------------------------------------------
// Lambda
// ---------------------------------------------------------------------------------------

/// A permission as an IAM statement: `*` stays the public principal, a service principal
/// (`s3.amazonaws.com`) is a Service, anything else (account, ARN) is an AWS principal.
fn permission_statement(v: &Value) -> Value {
    let principal = match string(v, "principal") {
        Value::String(p) if p == "*" => Value::String(p),
        Value::String(p) if p.contains("${") => {
            unknown(format!("`principal` is `{p}`, known only after apply"))
        }
        Value::String(p) if p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") => {
            obj([("Service", Value::String(p))])
        }
        Value::String(p) => obj([("AWS", Value::String(p))]),
        Value::Null => unknown("`principal` is not set"),
        other => other,
    };
    let mut conditions: Map<String, Value> = Map::new();
    let mut add = |op: &str, key: &str, value: Value| {
        let entry = conditions
            .entry(op.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(key.to_owned(), value);
        }
    };
    for (src, op, key) in [
        ("source_arn", "ArnLike", "aws:SourceArn"),
        ("source_account", "StringEquals", "aws:SourceAccount"),
        ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
    ] {
        match string(v, src) {
            Value::Null => {}
            // A reference names a specific resource or account: known to restrict.
            Value::String(s) if s.contains("${") => add(op, key, Value::String(s)),
            other => add(op, key, other),
        }
    }
    let mut st = Map::new();
    st.insert("Sid".into(), string(v, "statement_id"));
    st.insert("Effect".into(), Value::String("Allow".into()));
    st.insert("Principal".into(), principal);
    st.insert("Action".into(), string(v, "action"));
    if !conditions.is_empty() {
        st.insert("Condition".into(), Value::Object(conditions));
    }
    Value::Object(st)
}

#[derive(Default)]
struct FnParts {
    statements: Vec<Value>,
    url: Option<Value>,
}

fn lambda_functions(managed: &[&TfInstance]) -> Vec<Resource> {
    let targets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_lambda_function")
        .collect();
    let names: Vec<Option<String>> = targets
        .iter()
        .map(|t| match t.values.get("function_name") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let mut builders: Vec<(Builder, FnParts)> = targets
        .iter()
        .map(|inst| {
            let v = &inst.values;
            let mut b = Builder::new("aws.lambda.function", inst);
            b.arg("name", string(v, "function_name"), "function_name");
            let package = enum_str(v, "package_type", Some("Zip"));
            b.arg("runtime", enum_str(v, "runtime", None), "runtime");
            b.arg("package_type", package, "package_type");
            let env = match block(v, "environment") {
                Arg::Absent => Value::Null,
                Arg::Unknown(m) => m,
                Arg::Known(e) => match arg(e, "variables") {
                    Arg::Absent => Value::Null,
                    Arg::Unknown(m) => m,
                    Arg::Known(Value::Object(m)) if m.is_empty() => Value::Null,
                    Arg::Known(Value::Object(m)) => crate::normalize::string_map(m),
                    Arg::Known(Value::String(s)) => {
                        unknown(format!("`variables` is `{s}`, known only after apply"))
                    }
                    Arg::Known(other) => unknown(format!("`variables` is not a map: {other}")),
                },
            };
            b.arg("environment_variables", env, "environment");
            b.arg("kms_key_arn", string(v, "kms_key_arn"), "kms_key_arn");
            b.arg("role", string(v, "role"), "role");
            b.arg("tags", tags(v), "tags");
            (b, FnParts::default())
        })
        .collect();

    let mut orphans: BTreeMap<String, (Builder, FnParts)> = BTreeMap::new();
    for sub in managed.iter().filter(|i| {
        matches!(
            i.resource_type.as_str(),
            "aws_lambda_permission" | "aws_lambda_function_url"
        )
    }) {
        let is_url = sub.resource_type == "aws_lambda_function_url";
        let part = if is_url {
            obj([(
                "authorization_type",
                enum_str(&sub.values, "authorization_type", None),
            )])
        } else {
            permission_statement(&sub.values)
        };
        let place = |parts: &mut FnParts, value: Value| {
            if is_url {
                parts.url = Some(value);
            } else {
                parts.statements.push(value);
            }
        };
        match refs::resolve(
            sub.values.get("function_name"),
            "function_name",
            sub,
            &targets,
            &["aws_lambda_function"],
            Some(&names),
        ) {
            Resolution::One(i) => {
                if let Some((b, parts)) = builders.get_mut(i) {
                    b.join(sub);
                    place(parts, part);
                }
            }
            Resolution::Unresolved {
                candidates,
                group,
                reason,
            } => {
                let marker = unknown(format!(
                    "{} may apply to this function: {reason}",
                    sub.address
                ));
                for i in candidates {
                    if let Some((b, parts)) = builders.get_mut(i) {
                        b.join(sub);
                        place(parts, marker.clone());
                    }
                }
                let key = group.unwrap_or_else(|| format!("sub:{}", sub.address));
                let (b, parts) = orphans.entry(key).or_insert_with(|| {
                    let mut b = Builder::new("aws.lambda.function", sub);
                    b.source_types.clear();
                    let outside = unknown(format!(
                        "the function is not part of the scanned configuration ({reason})"
                    ));
                    for k in [
                        "name",
                        "runtime",
                        "package_type",
                        "environment_variables",
                        "kms_key_arn",
                        "role",
                        "tags",
                    ] {
                        b.set(k, outside.clone());
                    }
                    // Its other permissions and its URL are not visible here.
                    let parts = FnParts {
                        statements: vec![outside.clone()],
                        url: Some(outside),
                    };
                    (b, parts)
                });
                b.join(sub);
                place(parts, part);
            }
        }
    }
    let finish = |(mut b, parts): (Builder, FnParts)| {
        let policy = if parts.statements.is_empty() {
            Value::Null
        } else {
            obj([
                ("Version", Value::String("2012-10-17".into())),
                ("Statement", Value::Array(parts.statements)),
            ])
        };
        b.set("policy", policy);
        b.set("function_url", parts.url.unwrap_or(Value::Null));
        b.build()
    };
    let mut out: Vec<Resource> = builders.into_iter().map(finish).collect();
    out.extend(orphans.into_values().map(finish));
    out
}

// ---------------------------------------------------------------------------------------
// ECR
// ---------------------------------------------------------------------------------------

fn ecr_repositories(managed: &[&TfInstance]) -> Vec<Resource> {
    let registry: Vec<&&TfInstance> = managed
        .iter()
        .filter(|i| i.resource_type == "aws_ecr_registry_scanning_configuration")
        .collect();
    // One registry configuration per account and region; none in the source is not "none".
    let scanning = match registry.as_slice() {
        [] => {
            unknown("the registry scanning configuration is not part of the scanned configuration")
        }
        [r] => {
            let v = &r.values;
            let rules = map_blocks(v, "rule", |rule| {
                let filters = match blocks(rule, "repository_filter") {
                    Err(m) => m,
                    Ok(fs) => Value::Array(
                        fs.into_iter()
                            .map(|f| match string(f, "filter") {
                                Value::String(s) if s.contains("${") => {
                                    unknown(format!("filter `{s}` is known only after apply"))
                                }
                                other => other,
                            })
                            .collect(),
                    ),
                };
                obj([
                    ("scan_frequency", enum_str(rule, "scan_frequency", None)),
                    ("filters", filters),
                ])
            });
            obj([
                ("scan_type", enum_str(v, "scan_type", None)),
                ("rules", rules),
            ])
        }
        _ => unknown("several registry scanning configurations are declared"),
    };
    managed
        .iter()
        .filter(|i| i.resource_type == "aws_ecr_repository")
        .map(|inst| {
            let v = &inst.values;
            let mut b = Builder::new("aws.ecr.repository", inst);
            b.arg("name", string(v, "name"), "name");
            let scan = match block(v, "image_scanning_configuration") {
                Arg::Absent => Value::Bool(false),
                Arg::Unknown(m) => m,
                Arg::Known(c) => boolean(c, "scan_on_push", Some(false)),
            };
            b.arg("scan_on_push", scan, "image_scanning_configuration");
            b.set("registry_scanning", scanning.clone());
            if let [r] = registry.as_slice() {
                b.join(r);
                b.locate_block("registry_scanning", r);
            }
            b.arg("tags", tags(v), "tags");
            b.build()
        })
        .collect()
}
