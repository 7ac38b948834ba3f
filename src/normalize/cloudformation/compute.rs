//! CloudFormation mappings of the compute kinds, in the shapes of the Terraform adapter's
//! `compute` module: `aws.ec2.instance`, `aws.ec2.launch_template`,
//! `aws.autoscaling.launch_configuration`, `aws.ec2.snapshot_block_public_access`,
//! `aws.eks.cluster`, `aws.ecr.repository` (with the template's
//! `AWS::ECR::RegistryScanningConfiguration`) and `aws.lambda.function` from
//! `AWS::Lambda::Function` and SAM's `AWS::Serverless::Function`, joined with
//! `AWS::Lambda::Permission` and `AWS::Lambda::Url`.
//!
//! Lambda permissions become statements of the function's resource policy in IAM grammar
//! (as in the Terraform adapter), so the public-principal tests are the ones bucket
//! policies use. A permission or URL whose function is outside the template gets a function
//! resource of its own (the outside function, other attributes unknown): a public grant is
//! never dropped. One whose function cannot be determined adds an unknown statement to every
//! function of the template, and to an outside function.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::rules_a::target_in;
use super::{
    arg, enum_str, obj, plain_tags, string, strings, tags, Arg, Builder, CfnResource, Prop, Read,
    Target, Template,
};
use crate::model::{unknown, unknown_reason, Resource};

/// Builds the compute kinds of one template.
pub(super) fn resources(t: &Template<'_>) -> Vec<Resource> {
    let mut out: Vec<Resource> = t
        .all
        .iter()
        .filter_map(|r| {
            let b = match r.resource_type.as_str() {
                "AWS::EC2::Instance" => instance(r),
                "AWS::EC2::LaunchTemplate" => launch_template(r),
                "AWS::AutoScaling::LaunchConfiguration" => launch_configuration(r),
                "AWS::EC2::SnapshotBlockPublicAccess" => {
                    let mut b = Builder::new("aws.ec2.snapshot_block_public_access", r);
                    b.props(&r.properties, &[("state", "State", Read::Enum)]);
                    b
                }
                "AWS::EKS::Cluster" => eks_cluster(r),
                _ => return None,
            };
            Some(b.build())
        })
        .collect();
    out.extend(lambda_functions(t));
    out.extend(ecr_repositories(t));
    out
}

/// `MetadataOptions` fields (instance, launch template data and launch configuration).
const METADATA_OPTIONS: [Prop; 3] = [
    ("http_endpoint", "HttpEndpoint", Read::Enum),
    ("http_tokens", "HttpTokens", Read::Enum),
    (
        "http_put_response_hop_limit",
        "HttpPutResponseHopLimit",
        Read::Int,
    ),
];

fn instance(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.ec2.instance", r);
    b.props(
        p,
        &[
            ("instance_type", "InstanceType", Read::Str),
            ("ami", "ImageId", Read::Str),
            ("subnet_id", "SubnetId", Read::Str),
            ("iam_instance_profile", "IamInstanceProfile", Read::Str),
            ("tags", "Tags", Read::Tags),
        ],
    );
    b.arg(
        "associate_public_ip_address",
        instance_public_ip(p),
        "NetworkInterfaces",
    );
    let template = match arg(p, "LaunchTemplate") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(lt) => match string(lt, "LaunchTemplateId") {
            Value::Null => string(lt, "LaunchTemplateName"),
            id => id,
        },
    };
    b.arg("launch_template", template, "LaunchTemplate");
    b.nested("metadata_options", p, "MetadataOptions", &METADATA_OPTIONS);
    b
}

/// An instance asks for a public IPv4 address on its primary interface
/// (`NetworkInterfaces[DeviceIndex 0].AssociatePublicIpAddress`); without interfaces the
/// subnet decides (`null`, as the Terraform adapter leaves an omitted argument).
fn instance_public_ip(p: &Value) -> Value {
    let items = match arg(p, "NetworkInterfaces") {
        Arg::Absent => return Value::Null,
        Arg::Unknown(m) => return m,
        Arg::Known(Value::Array(items)) => items,
        Arg::Known(other) => return unknown(format!("`NetworkInterfaces` is not a list: {other}")),
    };
    let mut found = Value::Null;
    for ni in items {
        if unknown_reason(ni).is_some() {
            return ni.clone();
        }
        let primary = match super::integer(ni, "DeviceIndex") {
            Value::Number(n) => n.as_i64() == Some(0),
            Value::Null => false,
            other => return other,
        };
        match super::boolean(ni, "AssociatePublicIpAddress", None) {
            Value::Bool(true) => return Value::Bool(true),
            Value::Null => {}
            v if primary => found = v,
            v if unknown_reason(&v).is_some() => found = v,
            _ => {}
        }
    }
    found
}

fn launch_template(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.ec2.launch_template", r);
    b.props(p, &[("name", "LaunchTemplateName", Read::Generated)]);
    let nics = match arg(p, "LaunchTemplateData") {
        Arg::Absent => Value::Array(Vec::new()),
        Arg::Unknown(m) => m,
        Arg::Known(data) => super::map_list(data, "NetworkInterfaces", |ni| {
            obj([
                (
                    "associate_public_ip_address",
                    super::boolean(ni, "AssociatePublicIpAddress", None),
                ),
                ("device_index", super::integer(ni, "DeviceIndex")),
            ])
        }),
    };
    b.arg(
        "network_interfaces",
        nics,
        "LaunchTemplateData.NetworkInterfaces",
    );
    b.nested(
        "metadata_options",
        p,
        "LaunchTemplateData.MetadataOptions",
        &METADATA_OPTIONS,
    );
    // The launch template's own tags are the `launch-template` tag specification.
    let own = match arg(p, "TagSpecifications") {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::Array(specs)) => specs
            .iter()
            .find(|s| s.get("ResourceType").and_then(Value::as_str) == Some("launch-template"))
            .map_or(Value::Null, tags),
        Arg::Known(other) => unknown(format!("`TagSpecifications` is not a list: {other}")),
    };
    b.arg("tags", own, "TagSpecifications");
    b
}

fn launch_configuration(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.autoscaling.launch_configuration", r);
    b.props(
        p,
        &[
            ("name", "LaunchConfigurationName", Read::Generated),
            (
                "associate_public_ip_address",
                "AssociatePublicIpAddress",
                Read::Bool(None),
            ),
        ],
    );
    b.nested("metadata_options", p, "MetadataOptions", &METADATA_OPTIONS);
    b
}

fn eks_cluster(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.eks.cluster", r);
    b.props(
        p,
        &[
            ("name", "Name", Read::Str),
            ("version", "Version", Read::Enum),
            ("tags", "Tags", Read::Tags),
        ],
    );
    let everyone = || Value::Array(vec![Value::String("0.0.0.0/0".into())]);
    let (public, private, cidrs) = match arg(p, "ResourcesVpcConfig") {
        // Required by CloudFormation; EKS defaults the endpoint to public for everyone.
        Arg::Absent => (Value::Bool(true), Value::Bool(false), everyone()),
        Arg::Unknown(m) => (m.clone(), m.clone(), m),
        Arg::Known(c) => {
            let cidrs = match arg(c, "PublicAccessCidrs") {
                Arg::Absent => everyone(),
                _ => strings(c, "PublicAccessCidrs"),
            };
            (
                super::boolean(c, "EndpointPublicAccess", Some(true)),
                super::boolean(c, "EndpointPrivateAccess", Some(false)),
                cidrs,
            )
        }
    };
    b.arg_in(
        "endpoint_public_access",
        public,
        &[
            "ResourcesVpcConfig",
            "ResourcesVpcConfig.EndpointPublicAccess",
        ],
    );
    b.arg_in(
        "endpoint_private_access",
        private,
        &[
            "ResourcesVpcConfig",
            "ResourcesVpcConfig.EndpointPrivateAccess",
        ],
    );
    b.arg_in(
        "public_access_cidrs",
        cidrs,
        &["ResourcesVpcConfig", "ResourcesVpcConfig.PublicAccessCidrs"],
    );
    let logs = match arg(p, "Logging") {
        Arg::Absent => Value::Array(Vec::new()),
        Arg::Unknown(m) => m,
        Arg::Known(l) => match arg(l, "ClusterLogging") {
            Arg::Absent => Value::Array(Vec::new()),
            Arg::Unknown(m) => m,
            Arg::Known(c) => super::map_list(c, "EnabledTypes", |t| enum_str(t, "Type")),
        },
    };
    b.arg_in(
        "enabled_log_types",
        logs,
        &["Logging", "Logging.ClusterLogging.EnabledTypes"],
    );
    let enc = super::map_list(p, "EncryptionConfig", |c| {
        let key = match arg(c, "Provider") {
            Arg::Absent => Value::Null,
            Arg::Unknown(m) => m,
            Arg::Known(pr) => string(pr, "KeyArn"),
        };
        obj([("resources", strings(c, "Resources")), ("key_arn", key)])
    });
    b.arg("encryption_config", enc, "EncryptionConfig");
    b
}

// ---------------------------------------------------------------------------------------
// ECR

fn ecr_repositories(t: &Template<'_>) -> Vec<Resource> {
    let registry = t.of_type("AWS::ECR::RegistryScanningConfiguration");
    // One registry configuration per account and region; none in the template is not "none".
    let scanning = match registry.as_slice() {
        [] => unknown("the registry scanning configuration is not part of the template"),
        [r] => {
            let p = &r.properties;
            let rules = super::map_list(p, "Rules", |rule| {
                let filters =
                    super::map_list(rule, "RepositoryFilters", |f| match string(f, "Filter") {
                        Value::String(s) if s.contains("${") => {
                            unknown(format!("filter `{s}` is known only after deployment"))
                        }
                        other => other,
                    });
                obj([
                    ("scan_frequency", enum_str(rule, "ScanFrequency")),
                    ("filters", filters),
                ])
            });
            obj([("scan_type", enum_str(p, "ScanType")), ("rules", rules)])
        }
        _ => unknown("several registry scanning configurations are declared"),
    };
    t.of_type("AWS::ECR::Repository")
        .into_iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.ecr.repository", r);
            b.props(
                p,
                &[
                    ("name", "RepositoryName", Read::Generated),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            let scan = match arg(p, "ImageScanningConfiguration") {
                Arg::Absent => Value::Bool(false),
                Arg::Unknown(m) => m,
                Arg::Known(c) => super::boolean(c, "ScanOnPush", Some(false)),
            };
            b.arg_in(
                "scan_on_push",
                scan,
                &[
                    "ImageScanningConfiguration",
                    "ImageScanningConfiguration.ScanOnPush",
                ],
            );
            b.set("registry_scanning", scanning.clone());
            if let [reg] = registry.as_slice() {
                b.join(reg);
                b.locate_block("registry_scanning", reg);
            }
            b.build()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Lambda

/// Attributes of a function outside the template.
const FUNCTION_KEYS: [&str; 7] = [
    "name",
    "runtime",
    "package_type",
    "environment_variables",
    "kms_key_arn",
    "role",
    "tags",
];

/// A function's resource-policy statements and URL, gathered from its joins.
#[derive(Default)]
struct FnParts {
    statements: Vec<Value>,
    url: Option<Value>,
    /// SAM: the permissions generated from `Events` are not modelled.
    events: Option<Value>,
}

/// `Environment.Variables` as a string map; empty is `null`.
fn environment(p: &Value) -> Value {
    let vars = match arg(p, "Environment") {
        Arg::Absent => return Value::Null,
        Arg::Unknown(m) => return m,
        Arg::Known(e) => arg(e, "Variables"),
    };
    match vars {
        Arg::Absent => Value::Null,
        Arg::Unknown(m) => m,
        Arg::Known(Value::Object(m)) if m.is_empty() => Value::Null,
        Arg::Known(Value::Object(m)) => crate::normalize::string_map(m),
        Arg::Known(other) => unknown(format!("Environment.Variables is not a map: {other}")),
    }
}

/// The attributes `AWS::Lambda::Function` and `AWS::Serverless::Function` share (SAM
/// properties are the Lambda ones, except `Tags`, which SAM writes as a plain map).
fn function(r: &CfnResource) -> (Builder, FnParts) {
    let p = &r.properties;
    let mut b = Builder::new("aws.lambda.function", r);
    b.props(
        p,
        &[
            ("name", "FunctionName", Read::Str),
            ("runtime", "Runtime", Read::Enum),
            ("kms_key_arn", "KmsKeyArn", Read::Str),
            ("role", "Role", Read::Str),
        ],
    );
    let package = match enum_str(p, "PackageType") {
        Value::Null => Value::String("Zip".into()),
        other => other,
    };
    b.arg("package_type", package, "PackageType");
    b.arg_in(
        "environment_variables",
        environment(p),
        &["Environment", "Environment.Variables"],
    );
    let mut parts = FnParts::default();
    if r.resource_type == "AWS::Serverless::Function" {
        b.arg("tags", plain_tags(p), "Tags");
        // SAM events create permissions for their service principals; they are not modelled.
        if !matches!(p.get("Events"), None | Some(Value::Null)) {
            parts.events = Some(unknown(
                "the permissions SAM generates from Events are not modelled",
            ));
            b.locate_own("policy", "Events");
        }
        parts.url = match p.get("FunctionUrlConfig") {
            None | Some(Value::Null) => None,
            Some(c) if unknown_reason(c).is_some() => Some(c.clone()),
            Some(c) => Some(obj([("authorization_type", enum_str(c, "AuthType"))])),
        };
        b.locate_own("function_url", "FunctionUrlConfig");
    } else {
        b.arg("tags", tags(p), "Tags");
    }
    (b, parts)
}

/// A permission as an IAM statement: `*` stays the public principal, a service principal
/// (`s3.amazonaws.com`) is a Service, anything else (account, ARN, a reference to a
/// resource of the template, which is never `*`) is an AWS principal.
fn permission_statement(p: &Value) -> Value {
    let principal = match string(p, "Principal") {
        Value::String(s) if s == "*" => Value::String(s),
        Value::String(s) if s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn") => {
            obj([("Service", Value::String(s))])
        }
        Value::String(s) => obj([("AWS", Value::String(s))]),
        Value::Null => unknown("`Principal` is not set"),
        other => other,
    };
    let mut conditions: Map<String, Value> = Map::new();
    for (src, op, key) in [
        ("SourceArn", "ArnLike", "aws:SourceArn"),
        ("SourceAccount", "StringEquals", "aws:SourceAccount"),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
    ] {
        let value = string(p, src);
        if value.is_null() {
            continue;
        }
        // A reference names a specific resource or account: known to restrict.
        let entry = conditions
            .entry(op.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(key.to_owned(), value);
        }
    }
    let mut st = Map::new();
    st.insert("Effect".into(), Value::String("Allow".into()));
    st.insert("Principal".into(), principal);
    st.insert("Action".into(), string(p, "Action"));
    if !conditions.is_empty() {
        st.insert("Condition".into(), Value::Object(conditions));
    }
    Value::Object(st)
}

fn lambda_functions(t: &Template<'_>) -> Vec<Resource> {
    let targets: Vec<&CfnResource> = t
        .all
        .iter()
        .copied()
        .filter(|r| {
            matches!(
                r.resource_type.as_str(),
                "AWS::Lambda::Function" | "AWS::Serverless::Function"
            )
        })
        .collect();
    let mut fns: Vec<(Builder, FnParts)> = targets.iter().map(|r| function(r)).collect();
    let mut outside: BTreeMap<String, (Builder, FnParts)> = BTreeMap::new();
    for sub in t.all.iter().copied().filter(|r| {
        matches!(
            r.resource_type.as_str(),
            "AWS::Lambda::Permission" | "AWS::Lambda::Url"
        )
    }) {
        let p = &sub.properties;
        let is_url = sub.resource_type == "AWS::Lambda::Url";
        let (part, src, key) = if is_url {
            (
                obj([("authorization_type", enum_str(p, "AuthType"))]),
                "AuthType",
                "TargetFunctionArn",
            )
        } else {
            (permission_statement(p), "Principal", "FunctionName")
        };
        let place = |b: &mut Builder, parts: &mut FnParts, value: Value, located: bool| {
            b.join(sub);
            if is_url {
                if located {
                    b.locate_at("function_url.authorization_type", sub, src);
                }
                parts.url = Some(value);
            } else {
                if located {
                    let path = format!("policy.Statement.{}", parts.statements.len());
                    b.locate_block(&path, sub);
                }
                parts.statements.push(value);
            }
        };
        let why = match target_in(p.get(key), &targets, "FunctionName") {
            Target::One(i) => {
                if let Some((b, parts)) = fns.get_mut(i) {
                    place(b, parts, part, true);
                }
                continue;
            }
            Target::Outside => format!(
                "the function is not part of the template (`{key}` names a function outside it)"
            ),
            Target::Unknown(reason) => {
                let marker = unknown(format!(
                    "{} may apply to this function: {reason}",
                    sub.address
                ));
                for (b, parts) in &mut fns {
                    place(b, parts, marker.clone(), false);
                }
                format!(
                    "the function `{key}` names could not be determined and may be outside the template ({reason})"
                )
            }
        };
        let group = p.get(key).map_or_else(String::new, Value::to_string);
        let (b, parts) = outside.entry(group).or_insert_with(|| {
            let mut b = Builder::new("aws.lambda.function", sub);
            b.source_types.clear();
            let marker = unknown(why.clone());
            for k in FUNCTION_KEYS {
                b.set(k, marker.clone());
            }
            // Its other permissions and its URL are not visible here.
            let parts = FnParts {
                statements: vec![marker.clone()],
                url: Some(marker),
                events: None,
            };
            (b, parts)
        });
        place(b, parts, part, true);
    }
    let finish = |(mut b, parts): (Builder, FnParts)| {
        let policy = match (parts.events, parts.statements.is_empty()) {
            (None, true) => Value::Null,
            (Some(events), true) => events,
            (events, false) => {
                let mut statements: Vec<Value> = events.into_iter().collect();
                statements.extend(parts.statements);
                obj([
                    ("Version", Value::String("2012-10-17".into())),
                    ("Statement", Value::Array(statements)),
                ])
            }
        };
        b.set("policy", policy);
        b.set("function_url", parts.url.unwrap_or(Value::Null));
        b.build()
    };
    let mut out: Vec<Resource> = fns.into_iter().map(finish).collect();
    out.extend(outside.into_values().map(finish));
    out
}
