//! Kinds read from their own services rather than AWS Config: ElastiCache replication groups
//! ([`crate::collect::aws::elasticache`]), API Gateway routes
//! ([`crate::collect::aws::apigateway`]), and the WAF facts joined onto AWS Config's web ACLs
//! and load balancers ([`crate::collect::aws::wafv2`]).
//!
//! Every attribute names its source (`provenance.attribute_sources`): the operation and the
//! answer's field, or why it is a fact without one (absent from a complete listing). A
//! listing that failed leaves a resource at the wildcard address whose every fact is the
//! unknown marker with the call and error code.

use serde_json::{json, Value};

use super::resource;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, AttributeSource, Resource};

pub(super) const ELASTICACHE: &str = "aws.elasticache.replication_group";
pub(super) const ROUTE: &str = "aws.apigateway.route";

fn source(operation: &str, field: Option<&str>, note: Option<String>) -> AttributeSource {
    AttributeSource {
        operation: operation.to_owned(),
        field: field.map(str::to_owned),
        captured_at: None,
        note,
    }
}

/// A boolean the API omits when false (its documented default).
fn flag(d: &Value, key: &str) -> Value {
    match d.get(key) {
        None | Some(Value::Null) => json!(false),
        Some(Value::Bool(b)) => json!(b),
        Some(v) => unknown(format!("{key} is not a boolean: {v}")),
    }
}

fn text(d: &Value, key: &str) -> Value {
    match d.get(key) {
        Some(Value::String(s)) if !s.is_empty() => json!(s),
        _ => Value::Null,
    }
}

/// One replication group from `DescribeReplicationGroups` (and its tags).
pub(super) fn replication_group(raw: &RawResource) -> Resource {
    let d = &raw.data;
    let describe = "elasticache:DescribeReplicationGroups";
    let user_groups = match d.get("UserGroupIds") {
        Some(Value::Array(ids)) => {
            let mut ids: Vec<Value> = ids.iter().filter(|v| v.is_string()).cloned().collect();
            ids.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            Value::Array(ids)
        }
        // Omitted: no RBAC user group is associated.
        None | Some(Value::Null) => json!([]),
        Some(v) => unknown(format!("UserGroupIds is not a list: {v}")),
    };
    let tags = match d.get("ListTagsForResource") {
        Some(v) => v.clone(),
        None => unknown("not collected: elasticache:ListTagsForResource"),
    };
    let attributes = json!({
        "replication_group_id": text(d, "ReplicationGroupId"),
        "engine": match d.get("Engine") {
            Some(Value::String(s)) if !s.is_empty() => json!(s.to_ascii_lowercase()),
            _ => unknown("DescribeReplicationGroups did not state the engine"),
        },
        // The engine version is a property of the member clusters
        // (DescribeCacheClusters), which vouch does not call.
        "engine_version": unknown("not collected: the engine version is in elasticache:DescribeCacheClusters, which vouch does not call"),
        "at_rest_encryption_enabled": flag(d, "AtRestEncryptionEnabled"),
        "kms_key_id": text(d, "KmsKeyId"),
        "transit_encryption_enabled": flag(d, "TransitEncryptionEnabled"),
        "transit_encryption_mode": text(d, "TransitEncryptionMode"),
        "auth_token_enabled": flag(d, "AuthTokenEnabled"),
        "user_group_ids": user_groups,
        "tags": tags,
    });
    let mut r = resource(raw, ELASTICACHE, attributes, true);
    let fields = [
        ("replication_group_id", "ReplicationGroupId"),
        ("engine", "Engine"),
        ("at_rest_encryption_enabled", "AtRestEncryptionEnabled"),
        ("kms_key_id", "KmsKeyId"),
        ("transit_encryption_enabled", "TransitEncryptionEnabled"),
        ("transit_encryption_mode", "TransitEncryptionMode"),
        ("auth_token_enabled", "AuthTokenEnabled"),
        ("user_group_ids", "UserGroupIds"),
    ];
    for (attribute, field) in fields {
        let note = match d.get(field) {
            None | Some(Value::Null) => Some(format!("{field} omitted from the answer")),
            _ => None,
        };
        r.provenance.attribute_sources.insert(
            attribute.to_owned(),
            source(
                describe,
                Some(&format!("ReplicationGroups[].{field}")),
                note,
            ),
        );
    }
    r.provenance.attribute_sources.insert(
        "engine_version".to_owned(),
        source(
            "elasticache:DescribeCacheClusters",
            None,
            Some("not called".to_owned()),
        ),
    );
    r.provenance.attribute_sources.insert(
        "tags".to_owned(),
        source("elasticache:ListTagsForResource", Some("TagList"), None),
    );
    r
}

/// `METHOD /path`'s method of an HTTP API route key (`GET /pets`), or `None` (`$default`,
/// WebSocket route keys).
fn method_of_route_key(key: &str) -> Option<&str> {
    let (method, path) = key.split_once(' ')?;
    (path.starts_with('/') && !method.is_empty()).then_some(method)
}

/// One REST method or HTTP/WebSocket route.
pub(super) fn route(raw: &RawResource) -> Resource {
    let d = &raw.data;
    let rest = d.get("ApiType").and_then(Value::as_str) == Some("rest");
    let (api_type, http_method, route, operation, auth_field) = if rest {
        let method = text(d, "HttpMethod");
        let route = match (
            d.get("HttpMethod").and_then(Value::as_str),
            d.get("Path").and_then(Value::as_str),
        ) {
            (Some(m), Some(p)) => json!(format!("{m} {p}")),
            _ => unknown("GetResources did not state the resource path or method"),
        };
        (
            json!("rest"),
            method,
            route,
            "apigateway:GetResources",
            "items[].resourceMethods.*.authorizationType",
        )
    } else {
        let api_type = match d.get("ApiType").and_then(Value::as_str) {
            Some(p) if p.eq_ignore_ascii_case("HTTP") => json!("http"),
            Some(p) if p.eq_ignore_ascii_case("WEBSOCKET") => json!("websocket"),
            other => unknown(format!("GetApis stated protocol type {other:?}")),
        };
        let key = d.get("RouteKey").and_then(Value::as_str);
        let method = match key {
            Some(k) if api_type.as_str() == Some("http") => {
                method_of_route_key(k).map_or(Value::Null, |m| json!(m.to_ascii_uppercase()))
            }
            Some(_) => Value::Null,
            None => unknown("GetRoutes did not state the route key"),
        };
        let route = key.map_or_else(
            || unknown("GetRoutes did not state the route key"),
            |k| json!(k),
        );
        (
            api_type,
            method,
            route,
            "apigateway:GetRoutes",
            "Items[].AuthorizationType",
        )
    };
    let authorization = match d.get("AuthorizationType") {
        Some(Value::String(s)) if !s.is_empty() => json!(s.to_ascii_uppercase()),
        // HTTP/WebSocket routes default to NONE (the API omits it for routes created without
        // one); a REST method always states it.
        None | Some(Value::Null) if !rest => json!("NONE"),
        _ => unknown(format!("{operation} did not state the authorization type")),
    };
    let attributes = json!({
        "api_type": api_type,
        "api": text(d, "Api"),
        "http_method": http_method,
        "route": route,
        "authorization_type": authorization,
        "api_key_required": flag(d, "ApiKeyRequired"),
    });
    let mut r = resource(raw, ROUTE, attributes, true);
    let listing = if rest {
        "apigateway:GetRestApis"
    } else {
        "apigateway:GetApis"
    };
    let sources = [
        (
            "api_type",
            if rest { listing } else { "apigateway:GetApis" },
            if rest {
                None
            } else {
                Some("Items[].ProtocolType")
            },
        ),
        ("api", listing, None),
        ("http_method", operation, None),
        ("route", operation, None),
        ("authorization_type", operation, Some(auth_field)),
        ("api_key_required", operation, None),
    ];
    for (attribute, op, field) in sources {
        let note = (attribute == "authorization_type"
            && !rest
            && d.get("AuthorizationType").is_none_or(Value::is_null))
        .then(|| "omitted from the answer: NONE is the default".to_owned());
        r.provenance
            .attribute_sources
            .insert(attribute.to_owned(), source(op, field, note));
    }
    r
}

/// Resources standing for what a failed ElastiCache or API Gateway listing could not show:
/// one at the wildcard address per failure, every fact unknown with the failure.
pub(super) fn listing_gaps(raws: &[RawResource]) -> Vec<Resource> {
    let mut out = Vec::new();
    for raw in raws {
        match raw.kind {
            RawKind::ElastiCacheListing => {
                let Some(reason) = raw.data.get("Failed").and_then(unknown_reason) else {
                    continue;
                };
                let attributes = super::coverage::unknown_attributes(ELASTICACHE, reason);
                let mut r = resource(raw, ELASTICACHE, attributes, false);
                r.provenance.source_types = vec!["AWS::ElastiCache::ReplicationGroup".to_owned()];
                out.push(r);
            }
            RawKind::ApiGatewayListing => {
                let rest = raw.data.get("Api").and_then(Value::as_str) == Some("rest");
                let failures = raw
                    .data
                    .get("Failed")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for f in failures {
                    let Some(reason) = f.get("Reason").and_then(unknown_reason) else {
                        continue;
                    };
                    let api = f.get("Api").and_then(Value::as_str).unwrap_or("*");
                    let mut about = raw.clone();
                    about.arn = if rest {
                        format!("{}/{api}/resources/*/methods/*", raw.arn)
                    } else {
                        format!("{}/{api}/routes/*", raw.arn)
                    };
                    let mut attributes = super::coverage::unknown_attributes(ROUTE, reason);
                    if api != "*" {
                        if let Some(m) = attributes.as_object_mut() {
                            m.insert("api".into(), json!(api));
                            if rest {
                                m.insert("api_type".into(), json!("rest"));
                            }
                        }
                    }
                    let mut r = resource(&about, ROUTE, attributes, false);
                    r.provenance.source_types = vec![if rest {
                        "AWS::ApiGateway::Method".to_owned()
                    } else {
                        "AWS::ApiGatewayV2::Route".to_owned()
                    }];
                    out.push(r);
                }
            }
            _ => {}
        }
    }
    out
}

/// Joins the WAF answers onto AWS Config's resources: each web ACL's `logging` from its
/// region's `ListLoggingConfigurations` of its scope (absent from a complete listing: no
/// logging, a fact; a failed listing: unknown with its error), and each internet-facing
/// ALB's `web_acl` from `GetWebACLForResource`.
pub(super) fn join_waf(out: &mut [Resource], raws: &[RawResource]) {
    let listings: Vec<&RawResource> = raws
        .iter()
        .filter(|r| r.kind == RawKind::WafLoggingListing)
        .collect();
    for acl in out.iter_mut().filter(|r| r.kind == "aws.wafv2.web_acl") {
        let Some(arn) = acl.arn.clone() else {
            continue;
        };
        // A web ACL's item that is not a current configuration keeps its unknowns.
        if acl
            .attributes
            .get("rule_count")
            .and_then(unknown_reason)
            .is_some_and(|r| r.contains("not a recorded current configuration"))
        {
            continue;
        }
        let scope = if arn.contains(":global/webacl/") {
            "CLOUDFRONT"
        } else if arn.contains(":regional/webacl/") {
            "REGIONAL"
        } else {
            continue;
        };
        // arn:PARTITION:wafv2:REGION:ACCOUNT:...
        let region = arn.split(':').nth(3).unwrap_or_default();
        let Some(listing) = listings.iter().find(|l| {
            l.account == acl.account
                && l.region.as_deref() == Some(region)
                && l.data.get("Scope").and_then(Value::as_str) == Some(scope)
        }) else {
            continue;
        };
        let pages = listing
            .data
            .get("Pages")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let (logging, note) = match listing.data.get("Failed") {
            Some(failed) if unknown_reason(failed).is_some() => (failed.clone(), None),
            _ => {
                let found = listing
                    .data
                    .get("Configurations")
                    .and_then(Value::as_array)
                    .and_then(|list| {
                        list.iter().find(|c| {
                            c.get("ResourceArn").and_then(Value::as_str) == Some(arn.as_str())
                        })
                    });
                match found {
                    Some(c) => {
                        let mut destinations: Vec<Value> = c
                            .get("LogDestinationConfigs")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default();
                        destinations.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                        (json!({ "destinations": destinations }), None)
                    }
                    None => (
                        Value::Null,
                        Some(format!(
                            "not in the complete {scope} listing of {region} ({pages} page(s))"
                        )),
                    ),
                }
            }
        };
        if let Some(m) = acl.attributes.as_object_mut() {
            m.insert("logging".into(), logging);
        }
        acl.provenance.attribute_sources.insert(
            "logging".to_owned(),
            source(
                "wafv2:ListLoggingConfigurations",
                Some("LoggingConfigurations[].LogDestinationConfigs"),
                note,
            ),
        );
        push_call(acl, "wafv2:ListLoggingConfigurations");
        acl.provenance
            .joined
            .push(format!("wafv2:ListLoggingConfigurations/{region}/{scope}"));
    }
    for assoc in raws
        .iter()
        .filter(|r| r.kind == RawKind::WafWebAclForResource)
    {
        let Some(lb) = out.iter_mut().find(|r| {
            r.kind == "aws.elbv2.load_balancer"
                && r.account == assoc.account
                && r.arn.as_deref() == Some(assoc.arn.as_str())
        }) else {
            continue;
        };
        let web_acl = assoc
            .data
            .get("WebACLArn")
            .cloned()
            .unwrap_or_else(|| unknown("wafv2:GetWebACLForResource answer not recorded"));
        let note = web_acl
            .is_null()
            .then(|| "no web ACL is associated with the load balancer".to_owned());
        if let Some(m) = lb.attributes.as_object_mut() {
            m.insert("web_acl".into(), web_acl);
        }
        lb.provenance.attribute_sources.insert(
            "web_acl".to_owned(),
            source("wafv2:GetWebACLForResource", Some("WebACL.ARN"), note),
        );
        push_call(lb, "wafv2:GetWebACLForResource");
    }
}

fn push_call(r: &mut Resource, call: &str) {
    if !r.provenance.api_calls.iter().any(|c| c == call) {
        r.provenance.api_calls.push(call.to_owned());
        r.provenance.api_calls.sort();
    }
}

/// True when `raws` hold a listing of `kind` (`RawKind::ElastiCacheListing`, or the REST
/// (`rest`) / HTTP-WebSocket (`v2`) `RawKind::ApiGatewayListing`) for this account and
/// region: the region's stand-in is then replaced by what the listing found.
pub(super) fn listed(
    raws: &[RawResource],
    kind: RawKind,
    family: Option<&str>,
    account: &Option<String>,
    region: &Option<String>,
) -> bool {
    raws.iter().any(|r| {
        r.kind == kind
            && &r.account == account
            && &r.region == region
            && family.is_none_or(|f| r.data.get("Api").and_then(Value::as_str) == Some(f))
    })
}
