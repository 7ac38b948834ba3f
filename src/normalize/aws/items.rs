//! AWS Config configuration items of the kinds IaC also feeds (Lambda, EKS, IAM users,
//! load balancers, CloudFront, EC2 instances and networking, queues and
//! topics, DynamoDB, EFS, ECR, Secrets Manager, RDS snapshots; the edge kinds in
//! [`super::items_edge`], launch templates and configurations, patch compliance and snapshot
//! Block Public Access in [`super::items_compute`]), shaped like the Terraform adapter's
//! output (`schemas/<kind>.schema.json`). This module owns the type → kind table and the
//! item-reading helpers the others share.
//!
//! Rules kept here, on top of the module's:
//! - Field names are matched without regard to ASCII case: Config spells the same field
//!   `dBInstanceIdentifier`, `kmskeyArn` or `ssedescription` depending on the type, and the
//!   newer types use the CloudFormation shape (`ResourcesVpcConfig.EndpointPublicAccess`).
//! - A field the item records for the type (awslabs/aws-config-resource-schema) that is
//!   absent means "not configured" exactly where the service's Describe output omits it for
//!   that reason (e.g. DynamoDB's `SSEDescription` for the AWS owned key); a fact the item
//!   does not record at all (a function URL, a user's MFA devices, a VPC's flow logs) is the
//!   unknown marker naming the API that would tell.

use serde_json::{json, Map, Value};

use super::{items_compute, items_edge};
use crate::model::{unknown, unknown_reason};

/// Config resource type → canonical kind, for the types mapped here.
pub(super) const KINDS: &[(&str, &str)] = &[
    ("AWS::ACM::Certificate", "aws.acm.certificate"),
    ("AWS::ApiGateway::Stage", "aws.apigateway.stage"),
    ("AWS::ApiGatewayV2::Stage", "aws.apigateway.stage"),
    (
        "AWS::AutoScaling::LaunchConfiguration",
        "aws.autoscaling.launch_configuration",
    ),
    ("AWS::EC2::LaunchTemplate", "aws.ec2.launch_template"),
    (
        "AWS::EC2::SnapshotBlockPublicAccess",
        "aws.ec2.snapshot_block_public_access",
    ),
    (
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "aws.elb.load_balancer",
    ),
    (
        "AWS::ElasticLoadBalancingV2::Listener",
        "aws.elbv2.listener",
    ),
    ("AWS::SSM::PatchCompliance", "aws.ssm.patch_compliance"),
    ("AWS::WAFv2::WebACL", "aws.wafv2.web_acl"),
    (
        "AWS::CloudFront::Distribution",
        "aws.cloudfront.distribution",
    ),
    ("AWS::DynamoDB::Table", "aws.dynamodb.table"),
    ("AWS::EC2::Instance", "aws.ec2.instance"),
    ("AWS::EC2::NetworkAcl", "aws.ec2.network_acl"),
    ("AWS::EC2::Subnet", "aws.ec2.subnet"),
    ("AWS::EC2::VPC", "aws.ec2.vpc"),
    ("AWS::ECR::Repository", "aws.ecr.repository"),
    ("AWS::EFS::FileSystem", "aws.efs.file_system"),
    ("AWS::EKS::Cluster", "aws.eks.cluster"),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "aws.elbv2.load_balancer",
    ),
    ("AWS::IAM::User", "aws.iam.user"),
    ("AWS::Lambda::Function", "aws.lambda.function"),
    ("AWS::RDS::DBSnapshot", "aws.rds.snapshot"),
    ("AWS::SNS::Topic", "aws.sns.topic"),
    ("AWS::SQS::Queue", "aws.sqs.queue"),
    ("AWS::SecretsManager::Secret", "aws.secretsmanager.secret"),
];

/// One configuration item being read: `configuration` (already parsed, possibly the unknown
/// marker) and `supplementaryConfiguration`.
pub(super) struct Item<'a> {
    pub(super) rtype: &'a str,
    /// The whole item (`arn`, `resourceId`, ...).
    pub(super) d: &'a Value,
    pub(super) c: &'a Value,
    pub(super) supp: &'a Value,
}

/// Case-insensitive lookup of `key` in an object.
pub(super) fn ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let map = v.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, x)| x)
    })
}

/// Case-insensitive lookup of a dotted path.
pub(super) fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, k| ci(cur, k))
}

/// A JSON document that may arrive as a string (Config keeps policies as JSON text, IAM
/// URL-encodes them).
pub(super) fn document(v: &Value, what: &str) -> Value {
    match v {
        Value::String(s) if s.trim().is_empty() => Value::Null,
        Value::String(s) => serde_json::from_str(s)
            .or_else(|_| serde_json::from_str(&super::percent_decode(s)))
            .unwrap_or_else(|e| unknown(format!("{what} is not JSON: {e}"))),
        Value::Null => Value::Null,
        other => other.clone(),
    }
}

/// A boolean that Config may record as `true` or `"true"`.
pub(super) fn boolish(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// An integer that Config may record as `7` or `"7"`.
pub(super) fn intish(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

pub(super) fn strings_at(v: &Value, key: &str) -> Vec<Value> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(json!(s)),
                    other => ci(other, key).cloned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Item<'_> {
    pub(super) fn unknown_config(&self) -> Option<Value> {
        unknown_reason(self.c).is_some().then(|| self.c.clone())
    }

    /// A field that may legitimately be absent (absent = null).
    pub(super) fn opt(&self, path: &str) -> Value {
        if let Some(u) = self.unknown_config() {
            return u;
        }
        at(self.c, path).cloned().unwrap_or(Value::Null)
    }

    /// A field the service always returns: absent is unknown.
    pub(super) fn req(&self, path: &str) -> Value {
        if let Some(u) = self.unknown_config() {
            return u;
        }
        match at(self.c, path) {
            Some(v) if !v.is_null() => v.clone(),
            _ => self.lacks(&format!("configuration.{path}")),
        }
    }

    /// A boolean field the service always returns.
    pub(super) fn req_bool(&self, path: &str) -> Value {
        match self.req(path) {
            v if unknown_reason(&v).is_some() => v,
            v => boolish(&v).map_or_else(
                || unknown(format!("configuration.{path} is not a boolean: {v}")),
                Value::Bool,
            ),
        }
    }

    /// A string field whose empty value means "none".
    pub(super) fn opt_nonempty(&self, path: &str) -> Value {
        match self.opt(path) {
            Value::String(s) if s.is_empty() => Value::Null,
            v => v,
        }
    }

    pub(super) fn lacks(&self, what: &str) -> Value {
        unknown(format!("the AWS Config {} item has no {what}", self.rtype))
    }

    /// A fact the item type does not record at all.
    pub(super) fn not_recorded(&self, what: &str) -> Value {
        unknown(format!(
            "{what} is not part of the AWS Config {} item",
            self.rtype
        ))
    }

    /// A supplementary configuration entry (parsed when it is JSON text).
    pub(super) fn supp(&self, key: &str) -> Option<Value> {
        ci(self.supp, key).map(|v| match v {
            Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| v.clone()),
            other => other.clone(),
        })
    }
}

/// Maps one item of a type listed in [`KINDS`]; `None` for other types.
pub(super) fn map(
    rtype: &str,
    d: &Value,
    c: &Value,
    tags: Value,
    observed_at: &str,
) -> Option<(&'static str, Value)> {
    let kind = KINDS.iter().find(|(t, _)| *t == rtype).map(|(_, k)| *k)?;
    let supp = d.get("supplementaryConfiguration").unwrap_or(&Value::Null);
    let missing;
    let c = if c.is_null() {
        missing = unknown(format!("the AWS Config {rtype} item has no configuration"));
        &missing
    } else {
        c
    };
    let i = Item { rtype, d, c, supp };
    let attributes = match rtype {
        "AWS::ACM::Certificate" => items_edge::acm_certificate(&i, tags, observed_at),
        "AWS::ElasticLoadBalancingV2::Listener" => items_edge::elbv2_listener(&i),
        "AWS::ElasticLoadBalancing::LoadBalancer" => items_edge::classic_load_balancer(&i, tags),
        "AWS::ApiGateway::Stage" => items_edge::rest_stage(&i, tags),
        "AWS::ApiGatewayV2::Stage" => items_edge::v2_stage(&i, tags),
        "AWS::WAFv2::WebACL" => items_edge::web_acl(&i, tags),
        "AWS::EC2::LaunchTemplate" => items_compute::launch_template(&i, tags),
        "AWS::AutoScaling::LaunchConfiguration" => items_compute::launch_configuration(&i),
        "AWS::SSM::PatchCompliance" => items_compute::patch_compliance(&i),
        "AWS::EC2::SnapshotBlockPublicAccess" => items_compute::snapshot_block_public_access(&i),
        "AWS::Lambda::Function" => lambda(&i, tags),
        "AWS::EKS::Cluster" => eks(&i, tags),
        "AWS::IAM::User" => iam_user(&i),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => elbv2(&i, tags),
        "AWS::CloudFront::Distribution" => cloudfront(&i, tags),
        "AWS::EC2::Instance" => ec2_instance(&i, tags),
        "AWS::EC2::VPC" => json!({
            "cidr_block": i.opt("cidrBlock"),
            "is_default": i.req_bool("isDefault"),
            "flow_logs": i.not_recorded("flow_logs (ec2:DescribeFlowLogs)"),
            "tags": tags,
        }),
        "AWS::EC2::Subnet" => json!({
            "vpc_id": i.opt("vpcId"),
            "cidr_block": i.opt("cidrBlock"),
            "availability_zone": i.opt("availabilityZone"),
            "map_public_ip_on_launch": i.req_bool("mapPublicIpOnLaunch"),
            "assign_ipv6_address_on_creation": i.req_bool("assignIpv6AddressOnCreation"),
            "tags": tags,
        }),
        "AWS::EC2::NetworkAcl" => network_acl(&i, tags),
        "AWS::SNS::Topic" => sns(&i, tags),
        "AWS::SQS::Queue" => sqs(&i, tags),
        "AWS::DynamoDB::Table" => dynamodb(&i, tags),
        "AWS::EFS::FileSystem" => {
            // The creation token is not recorded; the Name tag is the name when set.
            let name = tags.get("Name").cloned().unwrap_or(Value::Null);
            json!({
                "name": name,
                "encrypted": i.req_bool("Encrypted"),
                "kms_key_id": i.opt_nonempty("KmsKeyId"),
                "tags": tags,
            })
        }
        "AWS::ECR::Repository" => json!({
            "name": i.opt("RepositoryName"),
            "scan_on_push": i.req_bool("ImageScanningConfiguration.ScanOnPush"),
            "registry_scanning": i.not_recorded("the registry scanning configuration (ecr:GetRegistryScanningConfiguration)"),
            "tags": tags,
        }),
        "AWS::SecretsManager::Secret" => secret(&i, tags, observed_at),
        "AWS::RDS::DBSnapshot" => rds_snapshot(&i, tags),
        _ => return None,
    };
    Some((kind, attributes))
}

fn lambda(i: &Item<'_>, tags: Value) -> Value {
    let runtime = i.opt("runtime");
    // Only Zip functions have a runtime, so an item without packageType (recorded before
    // container images existed) is a Zip function exactly when it has one.
    let package_type = match i.opt("packageType") {
        Value::Null if runtime.is_string() => json!("Zip"),
        Value::Null => i.lacks("configuration.packageType"),
        v => v,
    };
    // GetFunctionConfiguration omits Environment both when a function has no variables and
    // when the caller may not read them, and Config does not index it: absent is unknown.
    let environment = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "environment") {
            None | Some(Value::Null) => {
                i.lacks("configuration.environment (environment variables)")
            }
            Some(env) => match ci(env, "variables") {
                Some(Value::Object(m)) if !m.is_empty() => Value::Object(m.clone()),
                Some(Value::Object(_)) | None | Some(Value::Null) => Value::Null,
                Some(other) => unknown(format!("environment variables are not an object: {other}")),
            },
        },
    };
    // The resource-based policy is supplementary and only written when there is one; an
    // item without it cannot tell "no policy" from "not recorded".
    let policy = match i.supp("Policy") {
        Some(p) => document(&p, "the function policy"),
        None => i.lacks("supplementaryConfiguration.Policy (lambda:GetPolicy)"),
    };
    json!({
        "name": i.opt("functionName"),
        "runtime": runtime,
        "package_type": package_type,
        "environment_variables": environment,
        "kms_key_arn": i.opt_nonempty("kmsKeyArn"),
        "role": i.opt("role"),
        "policy": policy,
        "function_url": i.not_recorded("function_url (lambda:ListFunctionUrlConfigs)"),
        "tags": tags,
    })
}

fn eks(i: &Item<'_>, tags: Value) -> Value {
    let vpc = "ResourcesVpcConfig";
    let cidrs = match i.req(&format!("{vpc}.PublicAccessCidrs")) {
        Value::Array(a) => Value::Array(a),
        v if unknown_reason(&v).is_some() => v,
        other => unknown(format!("PublicAccessCidrs is not a list: {other}")),
    };
    // CloudFormation shape: Logging.ClusterLogging.EnabledTypes[].Type; the EKS API shape
    // (logging.clusterLogging[] of {types, enabled}) is read too.
    let log_types = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "Logging.ClusterLogging") {
            None | Some(Value::Null) if at(i.c, "Logging").is_none() => {
                i.lacks("configuration.Logging")
            }
            None | Some(Value::Null) => json!([]),
            Some(Value::Array(groups)) => Value::Array(
                groups
                    .iter()
                    .filter(|g| ci(g, "enabled").and_then(boolish) == Some(true))
                    .flat_map(|g| strings_at(ci(g, "types").unwrap_or(&Value::Null), "Type"))
                    .collect(),
            ),
            Some(logging) => Value::Array(strings_at(
                ci(logging, "EnabledTypes").unwrap_or(&Value::Null),
                "Type",
            )),
        },
    };
    let encryption = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "EncryptionConfig") {
            None | Some(Value::Null) => json!([]),
            Some(Value::Array(list)) => Value::Array(
                list.iter()
                    .map(|e| {
                        json!({
                            "resources": strings_at(ci(e, "Resources").unwrap_or(&Value::Null), "Resource"),
                            "key_arn": at(e, "Provider.KeyArn").cloned().unwrap_or(Value::Null),
                        })
                    })
                    .collect(),
            ),
            Some(other) => unknown(format!("EncryptionConfig is not a list: {other}")),
        },
    };
    json!({
        "name": i.opt("Name"),
        "version": i.opt("Version"),
        "endpoint_public_access": i.req_bool(&format!("{vpc}.EndpointPublicAccess")),
        "endpoint_private_access": i.req_bool(&format!("{vpc}.EndpointPrivateAccess")),
        "public_access_cidrs": cidrs,
        "enabled_log_types": log_types,
        "encryption_config": encryption,
        "tags": tags,
    })
}

fn iam_user(i: &Item<'_>) -> Value {
    let report = "the credential report (iam:GetCredentialReport)";
    let list = |key: &str, inner: &str| match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, key) {
            None | Some(Value::Null) => json!([]),
            Some(v @ Value::Array(_)) => Value::Array(strings_at(v, inner)),
            Some(other) => unknown(format!("{key} is not a list: {other}")),
        },
    };
    json!({
        "name": i.opt("userName"),
        "report_time": i.not_recorded(report),
        "password_enabled": i.not_recorded(&format!("password_enabled ({report})")),
        "mfa_active": i.not_recorded("mfa_active (iam:ListMFADevices)"),
        "days_since_created": i.not_recorded(&format!("days_since_created (counted to {report})")),
        "days_since_password_used": i.not_recorded(&format!("days_since_password_used ({report})")),
        "access_keys": i.not_recorded("access_keys (iam:ListAccessKeys)"),
        "attached_policy_arns": list("attachedManagedPolicies", "policyArn"),
        "inline_policy_names": list("userPolicyList", "policyName"),
    })
}

fn elbv2(i: &Item<'_>, tags: Value) -> Value {
    // Attributes are supplementary: [{key, value}] as DescribeLoadBalancerAttributes.
    let attrs: Option<Map<String, Value>> = i.supp("LoadBalancerAttributes").map(|a| {
        a.as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|kv| {
                        Some((
                            ci(kv, "key")?.as_str()?.to_owned(),
                            ci(kv, "value").cloned().unwrap_or(Value::Null),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    let lb_type = i.req("type");
    let is_alb = lb_type.as_str() == Some("application");
    let attr = |key: &str, alb_only: bool| -> Option<Value> {
        match &attrs {
            None => Some(i.lacks(&format!(
                "supplementaryConfiguration.LoadBalancerAttributes ({key})"
            ))),
            Some(m) => match m.get(key) {
                Some(v) => Some(v.clone()),
                // Network and gateway load balancers have no HTTP attributes.
                None if alb_only && !is_alb && !lb_type.is_null() => None,
                None => Some(unknown(format!(
                    "load balancer attribute {key} is not in the AWS Config item"
                ))),
            },
        }
    };
    let drop_invalid = match attr("routing.http.drop_invalid_header_fields.enabled", true) {
        // No such attribute on a network or gateway load balancer: nothing is dropped.
        None => Value::Bool(false),
        Some(v) if unknown_reason(&v).is_some() => v,
        Some(v) => boolish(&v).map_or_else(
            || unknown(format!("drop_invalid_header_fields is not a boolean: {v}")),
            Value::Bool,
        ),
    };
    let desync = attr("routing.http.desync_mitigation_mode", true).unwrap_or(Value::Null);
    let logging = match attr("access_logs.s3.enabled", false) {
        Some(v) if unknown_reason(&v).is_some() => v,
        Some(v) => match boolish(&v) {
            Some(enabled) => {
                let bucket = attrs
                    .as_ref()
                    .and_then(|m| m.get("access_logs.s3.bucket"))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map_or(Value::Null, |s| json!(s));
                json!({ "enabled": enabled, "destination": bucket })
            }
            None => unknown(format!("access_logs.s3.enabled is not a boolean: {v}")),
        },
        None => Value::Null,
    };
    json!({
        "name": i.opt("loadBalancerName"),
        "load_balancer_type": lb_type,
        "scheme": i.req("scheme"),
        "drop_invalid_header_fields": drop_invalid,
        "desync_mitigation_mode": desync,
        "access_logging": logging,
        "web_acl": i.not_recorded("web_acl (wafv2:GetWebACLForResource)"),
        "tags": tags,
    })
}

/// CloudFront lists are `{quantity, items}`.
fn items_of(v: Option<&Value>) -> Vec<Value> {
    v.and_then(|x| ci(x, "items"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn cloudfront(i: &Item<'_>, tags: Value) -> Value {
    if let Some(u) = i.unknown_config() {
        return json!({
            "enabled": u.clone(), "cache_behaviors": u.clone(), "origins": u.clone(),
            "viewer_certificate": u.clone(), "web_acl": u.clone(), "access_logging": u, "tags": tags,
        });
    }
    let Some(dc) = at(i.c, "distributionConfig") else {
        let u = i.lacks("configuration.distributionConfig");
        return json!({
            "enabled": u.clone(), "cache_behaviors": u.clone(), "origins": u.clone(),
            "viewer_certificate": u.clone(), "web_acl": u.clone(), "access_logging": u, "tags": tags,
        });
    };
    let req = |v: &Value, key: &str, what: &str| match ci(v, key) {
        Some(x) if !x.is_null() => x.clone(),
        _ => i.lacks(&format!("{what}.{key}")),
    };
    let mut behaviors = Vec::new();
    match ci(dc, "defaultCacheBehavior") {
        Some(d) => behaviors.push(json!({
            "path_pattern": "*",
            "viewer_protocol_policy": req(d, "viewerProtocolPolicy", "defaultCacheBehavior"),
        })),
        None => behaviors.push(json!({
            "path_pattern": "*",
            "viewer_protocol_policy": i.lacks("distributionConfig.defaultCacheBehavior"),
        })),
    }
    for b in items_of(ci(dc, "cacheBehaviors")) {
        behaviors.push(json!({
            "path_pattern": ci(&b, "pathPattern").cloned().unwrap_or(Value::Null),
            "viewer_protocol_policy": req(&b, "viewerProtocolPolicy", "cacheBehaviors.items"),
        }));
    }
    let origins: Vec<Value> = items_of(ci(dc, "origins"))
        .iter()
        .map(|o| {
            let custom = ci(o, "customOriginConfig").filter(|c| !c.is_null());
            json!({
                "id": ci(o, "id").cloned().unwrap_or(Value::Null),
                "domain_name": ci(o, "domainName").cloned().unwrap_or(Value::Null),
                "custom": custom.is_some(),
                "origin_protocol_policy": custom.map_or(Value::Null, |c| req(c, "originProtocolPolicy", "customOriginConfig")),
                "origin_ssl_protocols": custom.map_or(json!([]), |c| Value::Array(items_of(ci(c, "originSslProtocols")))),
            })
        })
        .collect();
    let cert = match ci(dc, "viewerCertificate") {
        Some(vc) => json!({
            "cloudfront_default_certificate": ci(vc, "cloudFrontDefaultCertificate").and_then(boolish).unwrap_or(false),
            "minimum_protocol_version": ci(vc, "minimumProtocolVersion").cloned().unwrap_or(Value::Null),
            "ssl_support_method": ci(vc, "sslSupportMethod").cloned().unwrap_or(Value::Null),
        }),
        None => i.lacks("distributionConfig.viewerCertificate"),
    };
    let logging = match ci(dc, "logging") {
        Some(l) => {
            let enabled = ci(l, "enabled").and_then(boolish);
            let bucket = ci(l, "bucket")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map_or(Value::Null, |s| json!(s));
            match enabled {
                Some(e) => {
                    json!({ "enabled": e, "destination": if e { bucket } else { Value::Null } })
                }
                None => i.lacks("distributionConfig.logging.enabled"),
            }
        }
        None => i.lacks("distributionConfig.logging"),
    };
    let web_acl = match ci(dc, "webACLId") {
        Some(Value::String(s)) if !s.is_empty() => json!(s),
        Some(_) | None => Value::Null,
    };
    json!({
        "enabled": ci(dc, "enabled").and_then(boolish).map_or_else(|| i.lacks("distributionConfig.enabled"), Value::Bool),
        "cache_behaviors": behaviors,
        "origins": origins,
        "viewer_certificate": cert,
        "web_acl": web_acl,
        "access_logging": logging,
        "tags": tags,
    })
}

fn ec2_instance(i: &Item<'_>, tags: Value) -> Value {
    let metadata = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "metadataOptions") {
            Some(m) if m.is_object() => json!({
                "http_endpoint": ci(m, "httpEndpoint").cloned().unwrap_or(Value::Null),
                "http_tokens": ci(m, "httpTokens").cloned().unwrap_or(Value::Null),
                "http_put_response_hop_limit": ci(m, "httpPutResponseHopLimit").cloned().unwrap_or(Value::Null),
            }),
            _ => i.lacks("configuration.metadataOptions"),
        },
    };
    // Live, "gets a public address" is whether the instance has one.
    let public_ip = match i.opt("publicIpAddress") {
        v if unknown_reason(&v).is_some() => v,
        Value::String(s) => Value::Bool(!s.is_empty()),
        _ => Value::Bool(false),
    };
    // The live metadata options are the effective ones, so the launch template is only a
    // label here: EC2 tags the instance with the template it came from.
    let template = tags
        .get("aws:ec2launchtemplate:id")
        .cloned()
        .unwrap_or(Value::Null);
    json!({
        "instance_type": i.opt("instanceType"),
        "ami": i.opt("imageId"),
        "subnet_id": i.opt("subnetId"),
        "associate_public_ip_address": public_ip,
        "launch_template": template,
        "metadata_options": metadata,
        "iam_instance_profile": i.opt("iamInstanceProfile.arn"),
        "tags": tags,
    })
}

fn network_acl(i: &Item<'_>, tags: Value) -> Value {
    let entries = match i.unknown_config() {
        Some(u) => Err(u),
        None => match at(i.c, "entries") {
            Some(Value::Array(list)) => Ok(list.clone()),
            _ => Err(i.lacks("configuration.entries")),
        },
    };
    let side = |egress: bool| -> Value {
        let list = match &entries {
            Err(u) => return u.clone(),
            Ok(l) => l,
        };
        let mut out: Vec<Value> = list
            .iter()
            .filter(|e| ci(e, "egress").and_then(boolish) == Some(egress))
            .map(|e| {
                let proto = ci(e, "protocol")
                    .map(|p| match p {
                        Value::String(s) => super::protocol_name(s),
                        other => super::protocol_name(&other.to_string()),
                    })
                    .map_or_else(
                        || unknown("the network ACL entry has no protocol"),
                        Value::String,
                    );
                let (from, to) = if proto.as_str() == Some("-1") {
                    (Value::Null, Value::Null)
                } else {
                    let range = ci(e, "portRange");
                    (
                        range
                            .and_then(|r| ci(r, "from"))
                            .cloned()
                            .unwrap_or(Value::Null),
                        range
                            .and_then(|r| ci(r, "to"))
                            .cloned()
                            .unwrap_or(Value::Null),
                    )
                };
                let cidr = |k: &str| {
                    ci(e, k)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map_or(Value::Null, |s| json!(s))
                };
                json!({
                    "rule_number": ci(e, "ruleNumber").cloned().unwrap_or(Value::Null),
                    "protocol": proto,
                    "rule_action": ci(e, "ruleAction").and_then(Value::as_str).map_or_else(
                        || unknown("the network ACL entry has no ruleAction"),
                        |s| json!(s.to_ascii_lowercase()),
                    ),
                    "cidr_ipv4": cidr("cidrBlock"),
                    "cidr_ipv6": cidr("ipv6CidrBlock"),
                    "from_port": from,
                    "to_port": to,
                })
            })
            .collect();
        out.sort_by_key(|e| e["rule_number"].as_i64().unwrap_or(i64::MAX));
        Value::Array(out)
    };
    json!({
        "vpc_id": i.opt("vpcId"),
        "is_default": i.req_bool("isDefault"),
        "ingress": side(false),
        "egress": side(true),
        "tags": tags,
    })
}

/// A resource policy: `Policy` in the configuration, else in the supplementary part.
fn resource_policy(i: &Item<'_>, what: &str) -> Value {
    if let Some(u) = i.unknown_config() {
        return u;
    }
    match at(i.c, "Policy")
        .filter(|p| !p.is_null())
        .cloned()
        .or_else(|| i.supp("Policy"))
    {
        Some(p) => document(&p, what),
        // Config does not index the policy for this type: without it "no policy" and "not
        // recorded" look the same.
        None => i.lacks(&format!("Policy ({what})")),
    }
}

fn sns(i: &Item<'_>, tags: Value) -> Value {
    let arn = i.opt("TopicArn");
    let name = arn
        .as_str()
        .and_then(|a| a.rsplit(':').next())
        .map_or(Value::Null, |n| json!(n));
    json!({
        "name": name,
        "policy": resource_policy(i, "sns:GetTopicAttributes Policy"),
        "kms_master_key_id": i.opt_nonempty("KmsMasterKeyId"),
        "tags": tags,
    })
}

fn sqs(i: &Item<'_>, tags: Value) -> Value {
    let name = match i.opt("QueueName") {
        Value::Null => i
            .opt("QueueArn")
            .as_str()
            .and_then(|a| a.rsplit(':').next())
            .map_or(Value::Null, |n| json!(n)),
        v => v,
    };
    // GetQueueAttributes(All) names FifoQueue only for FIFO queues.
    let fifo = match i.opt("FifoQueue") {
        v if unknown_reason(&v).is_some() => v,
        Value::Null => json!(false),
        v => boolish(&v).map_or_else(
            || unknown(format!("FifoQueue is not a boolean: {v}")),
            Value::Bool,
        ),
    };
    let sse = match i.opt("SqsManagedSseEnabled") {
        v if unknown_reason(&v).is_some() => v,
        Value::Null => Value::Null,
        v => boolish(&v).map_or_else(
            || unknown(format!("SqsManagedSseEnabled is not a boolean: {v}")),
            Value::Bool,
        ),
    };
    json!({
        "name": name,
        "fifo": fifo,
        "policy": resource_policy(i, "sqs:GetQueueAttributes Policy"),
        "sqs_managed_sse_enabled": sse,
        "kms_master_key_id": i.opt_nonempty("KmsMasterKeyId"),
        "tags": tags,
    })
}

fn dynamodb(i: &Item<'_>, tags: Value) -> Value {
    let pitr = match i.supp("ContinuousBackupsDescription") {
        Some(cb) => match at(&cb, "pointInTimeRecoveryDescription.pointInTimeRecoveryStatus")
            .and_then(Value::as_str)
        {
            Some(s) => json!(s.eq_ignore_ascii_case("ENABLED")),
            None => i.lacks("pointInTimeRecoveryStatus in ContinuousBackupsDescription"),
        },
        None => i.lacks("supplementaryConfiguration.ContinuousBackupsDescription (dynamodb:DescribeContinuousBackups)"),
    };
    // DescribeTable omits SSEDescription for the AWS owned key.
    let sse = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "sseDescription") {
            None | Some(Value::Null) => json!(false),
            Some(s) => match ci(s, "status").and_then(Value::as_str) {
                Some(st) => json!(matches!(st, "ENABLED" | "ENABLING" | "UPDATING")),
                None => i.lacks("configuration.sseDescription.status"),
            },
        },
    };
    json!({
        "name": i.opt("tableName"),
        "point_in_time_recovery_enabled": pitr,
        "sse_enabled": sse,
        "tags": tags,
    })
}

fn secret(i: &Item<'_>, tags: Value, observed_at: &str) -> Value {
    let rotation_enabled = match i.opt("RotationEnabled") {
        v if unknown_reason(&v).is_some() => v,
        // DescribeSecret omits RotationEnabled for a secret that never had rotation.
        Value::Null => json!(false),
        v => boolish(&v).map_or_else(
            || unknown(format!("RotationEnabled is not a boolean: {v}")),
            Value::Bool,
        ),
    };
    let days = match i.opt("RotationRules.AutomaticallyAfterDays") {
        v if unknown_reason(&v).is_some() => v,
        Value::Null => Value::Null,
        v => intish(&v).map_or_else(
            || unknown(format!("AutomaticallyAfterDays is not an integer: {v}")),
            |n| json!(n),
        ),
    };
    let schedule = match i.opt("RotationRules.ScheduleExpression") {
        Value::Null => i.opt("RotationRules.RotationScheduleExpression"),
        v => v,
    };
    let date = |key: &str| match i.opt(key) {
        Value::Null => i.not_recorded(key),
        v => v,
    };
    json!({
        "name": i.opt("Name"),
        "kms_key_id": i.opt_nonempty("KMSKeyId"),
        "rotation_enabled": rotation_enabled,
        "rotation_lambda": i.opt_nonempty("RotationLambdaARN"),
        "rotation_interval_days": days,
        "rotation_schedule": schedule,
        "last_rotated_at": date("LastRotatedDate"),
        "last_changed_at": date("LastChangedDate"),
        "observed_at": observed_at,
        "tags": tags,
    })
}

fn rds_snapshot(i: &Item<'_>, tags: Value) -> Value {
    let shared = match i.supp("DBSnapshotAttributes") {
        Some(Value::Array(attrs)) => {
            let restore = attrs
                .iter()
                .find(|a| ci(a, "attributeName").and_then(Value::as_str) == Some("restore"));
            match restore {
                Some(a) => Value::Array(strings_at(
                    ci(a, "attributeValues").unwrap_or(&Value::Null),
                    "value",
                )),
                None => json!([]),
            }
        }
        Some(other) => unknown(format!("DBSnapshotAttributes is not a list: {other}")),
        None => i.lacks(
            "supplementaryConfiguration.DBSnapshotAttributes (rds:DescribeDBSnapshotAttributes)",
        ),
    };
    json!({
        "identifier": i.opt("dBSnapshotIdentifier"),
        "cluster": false,
        "shared_accounts": shared,
        "tags": tags,
    })
}
