//! ElastiCache replication groups, API Gateway routes and the WAF joins, from the raw
//! documents the collectors write (the API answers' fields under their API names), judged by
//! the embedded rules: pass and fail facts, "not configured" as facts, failed calls as
//! unknowns naming the call and error code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::normalize;
use super::tests_items::{get, item, reason};
use super::tests_support::policies;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, Resource, Snapshot};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";

fn raw(kind: RawKind, arn: &str, data: Value) -> RawResource {
    RawResource {
        kind,
        arn: arn.to_owned(),
        account: Some(ACCOUNT.into()),
        region: Some(REGION.into()),
        api_calls: vec!["x:Y".into()],
        collected_at: "2026-06-01T00:00:00Z".into(),
        data,
    }
}

fn scope() -> RawResource {
    raw(
        RawKind::RegionScope,
        &format!("arn:aws::{REGION}:{ACCOUNT}:region"),
        json!({}),
    )
}

/// Normalizes, checks every resource of `kinds` against its schema, and judges them all.
fn judged(raws: &[RawResource]) -> (Vec<Resource>, impl Fn(&str, &str) -> String) {
    let resources = normalize(raws);
    for r in &resources {
        crate::normalize::terraform::tests::validate_against_schema(r);
    }
    let snapshot = Snapshot {
        resources: resources.clone(),
        ..Snapshot::default()
    };
    let result = crate::scan::judge(&snapshot, policies(), &Default::default());
    let outcomes: Vec<(String, String, String)> = result
        .outcomes
        .iter()
        .map(|o| {
            (
                o.rule_id.clone(),
                o.resource.address.clone(),
                o.status.as_str().to_owned(),
            )
        })
        .collect();
    let judge = move |rule: &str, address: &str| {
        outcomes
            .iter()
            .find(|(r, a, _)| r == rule && a == address)
            .map(|(_, _, s)| s.clone())
            .unwrap_or_else(|| panic!("no {rule} outcome for {address}: {outcomes:?}"))
    };
    (resources, judge)
}

fn group_arn(id: &str) -> String {
    format!("arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{id}")
}

fn listing(failed: Value) -> RawResource {
    raw(
        RawKind::ElastiCacheListing,
        &group_arn("*"),
        json!({ "Pages": 1, "Failed": failed }),
    )
}

#[test]
fn elasticache_replication_groups() {
    let secure = group_arn("secure");
    let rbac = group_arn("rbac");
    let open = group_arn("open");
    let preferred = group_arn("preferred");
    let (rs, judge) = judged(&[
        scope(),
        listing(Value::Null),
        raw(
            RawKind::ElastiCacheReplicationGroup,
            &secure,
            json!({
                "ReplicationGroupId": "secure", "ARN": secure, "Engine": "redis", "Status": "available",
                "AtRestEncryptionEnabled": true, "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k1",
                "TransitEncryptionEnabled": true, "TransitEncryptionMode": "required",
                "AuthTokenEnabled": true, "UserGroupIds": [],
                "ListTagsForResource": {"team": "cache"},
            }),
        ),
        raw(
            RawKind::ElastiCacheReplicationGroup,
            &rbac,
            json!({
                "ReplicationGroupId": "rbac", "ARN": rbac, "Engine": "valkey",
                "AtRestEncryptionEnabled": true, "TransitEncryptionEnabled": true,
                "TransitEncryptionMode": "required", "AuthTokenEnabled": false,
                "UserGroupIds": ["ug-b", "ug-a"], "ListTagsForResource": null,
            }),
        ),
        // A group created with nothing on: the answer omits the switches (false).
        raw(
            RawKind::ElastiCacheReplicationGroup,
            &open,
            json!({
                "ReplicationGroupId": "open", "ARN": open, "Engine": "redis",
                "AtRestEncryptionEnabled": null, "TransitEncryptionEnabled": null,
                "TransitEncryptionMode": null, "AuthTokenEnabled": null, "UserGroupIds": [],
                "ListTagsForResource": unknown("elasticache:ListTagsForResource denied: AccessDenied"),
            }),
        ),
        raw(
            RawKind::ElastiCacheReplicationGroup,
            &preferred,
            json!({
                "ReplicationGroupId": "preferred", "ARN": preferred, "Engine": "redis",
                "AtRestEncryptionEnabled": false, "TransitEncryptionEnabled": true,
                "TransitEncryptionMode": "preferred", "AuthTokenEnabled": true, "UserGroupIds": [],
                "ListTagsForResource": null,
            }),
        ),
    ]);
    // The listing replaced the region's stand-in.
    assert!(!rs
        .iter()
        .any(|r| r.kind == "aws.elasticache.replication_group" && r.address.ends_with(":*")));
    let s = get(&rs, &secure);
    assert_eq!(s.attributes["engine"], json!("redis"));
    assert_eq!(s.attributes["tags"], json!({"team": "cache"}));
    assert_eq!(s.provenance.parser, "aws-sdk-elasticache");
    assert_eq!(
        s.provenance.attribute_sources["at_rest_encryption_enabled"]
            .field
            .as_deref(),
        Some("ReplicationGroups[].AtRestEncryptionEnabled")
    );
    assert!(reason(s, "engine_version").contains("DescribeCacheClusters"));
    assert_eq!(
        get(&rs, &rbac).attributes["user_group_ids"],
        json!(["ug-a", "ug-b"])
    );
    let o = get(&rs, &open);
    assert_eq!(o.attributes["at_rest_encryption_enabled"], json!(false));
    assert_eq!(o.attributes["transit_encryption_mode"], Value::Null);
    assert!(reason(o, "tags").contains("ListTagsForResource denied"));
    assert!(o.provenance.attribute_sources["auth_token_enabled"]
        .note
        .as_deref()
        .unwrap()
        .contains("omitted"));
    for rule in [
        "elasticache-encryption-at-rest",
        "elasticache-encryption-in-transit",
        "elasticache-auth-enabled",
    ] {
        assert_eq!(judge(rule, &secure), "pass", "{rule}");
        assert_eq!(judge(rule, &open), "fail", "{rule}");
    }
    assert_eq!(judge("elasticache-auth-enabled", &rbac), "pass");
    assert_eq!(
        judge("elasticache-encryption-in-transit", &preferred),
        "fail"
    );
    assert_eq!(judge("elasticache-encryption-at-rest", &preferred), "fail");
}

#[test]
fn a_failed_elasticache_listing_is_unknown_never_absent() {
    let kept = group_arn("kept");
    let (rs, judge) = judged(&[
        scope(),
        raw(
            RawKind::ElastiCacheReplicationGroup,
            &kept,
            json!({"ReplicationGroupId": "kept", "ARN": kept, "Engine": "redis",
                "AtRestEncryptionEnabled": true, "TransitEncryptionEnabled": true,
                "TransitEncryptionMode": "required", "AuthTokenEnabled": true, "UserGroupIds": [],
                "ListTagsForResource": null}),
        ),
        listing(unknown(
            "elasticache:DescribeReplicationGroups failed: ThrottlingException",
        )),
    ]);
    let wildcard = group_arn("*");
    let w = get(&rs, &wildcard);
    assert_eq!(w.arn, None);
    assert!(reason(w, "at_rest_encryption_enabled").contains("ThrottlingException"));
    assert_eq!(
        judge("elasticache-encryption-at-rest", &wildcard),
        "unknown"
    );
    // The groups of the pages read are kept and judged.
    assert_eq!(judge("elasticache-encryption-at-rest", &kept), "pass");
    // Exactly one resource at the wildcard address: the failure, not the stand-in.
    assert_eq!(rs.iter().filter(|r| r.address == wildcard).count(), 1);
}

#[test]
fn without_a_listing_the_stand_ins_remain() {
    let rs = normalize(&[scope()]);
    assert!(rs
        .iter()
        .any(|r| r.kind == "aws.elasticache.replication_group" && r.address.ends_with(":*")));
    assert_eq!(
        rs.iter()
            .filter(|r| r.kind == "aws.apigateway.route")
            .count(),
        2
    );
}

const BASE: &str = "arn:aws:apigateway:eu-west-1::";

fn api_listing(family: &str, failed: Value) -> RawResource {
    let what = if family == "rest" { "restapis" } else { "apis" };
    raw(
        RawKind::ApiGatewayListing,
        &format!("{BASE}/{what}"),
        json!({ "Api": family, "Failed": failed }),
    )
}

fn rest_method(api: &str, id: &str, path: &str, verb: &str, auth: Value) -> RawResource {
    raw(
        RawKind::ApiGatewayRoute,
        &format!("{BASE}/restapis/{api}/resources/{id}/methods/{verb}"),
        json!({"ApiType": "rest", "Api": api, "ResourceId": id, "Path": path, "HttpMethod": verb,
            "AuthorizationType": auth, "ApiKeyRequired": false}),
    )
}

fn v2_route(api: &str, protocol: &str, id: &str, key: &str, auth: Value) -> RawResource {
    raw(
        RawKind::ApiGatewayRoute,
        &format!("{BASE}/apis/{api}/routes/{id}"),
        json!({"ApiType": protocol, "Api": api, "RouteId": id, "RouteKey": key,
            "AuthorizationType": auth, "ApiKeyRequired": null}),
    )
}

#[test]
fn api_gateway_routes() {
    let (rs, judge) = judged(&[
        scope(),
        api_listing("rest", json!([])),
        api_listing("v2", json!([])),
        rest_method("r1", "abc", "/pets", "GET", json!("NONE")),
        rest_method("r1", "abc", "/pets", "POST", json!("COGNITO_USER_POOLS")),
        rest_method("r1", "abc", "/pets", "OPTIONS", json!("NONE")),
        rest_method("r1", "def", "/pets/{id}", "DELETE", Value::Null),
        v2_route("h1", "HTTP", "rt1", "GET /health", json!("NONE")),
        v2_route("h1", "HTTP", "rt2", "$default", json!("JWT")),
        // Created without an authorization type: the API omits it (NONE).
        v2_route("h1", "HTTP", "rt3", "ANY /admin", Value::Null),
        v2_route("w1", "WEBSOCKET", "ws1", "$connect", json!("NONE")),
        v2_route("w1", "WEBSOCKET", "ws2", "sendmessage", json!("NONE")),
    ]);
    assert!(!rs
        .iter()
        .any(|r| r.kind == "aws.apigateway.route" && r.address.contains('*')));
    let rule = "apigw-authorization-required";
    let get_pets = format!("{BASE}/restapis/r1/resources/abc/methods/GET");
    let g = get(&rs, &get_pets);
    assert_eq!(g.attributes["route"], json!("GET /pets"));
    assert_eq!(g.attributes["http_method"], json!("GET"));
    assert_eq!(g.provenance.parser, "aws-sdk-apigateway");
    assert_eq!(judge(rule, &get_pets), "fail");
    assert_eq!(
        judge(
            rule,
            &format!("{BASE}/restapis/r1/resources/abc/methods/POST")
        ),
        "pass"
    );
    assert_eq!(
        judge(
            rule,
            &format!("{BASE}/restapis/r1/resources/abc/methods/OPTIONS")
        ),
        "pass"
    );
    // A REST method always states its authorization type: missing is unknown.
    let del = format!("{BASE}/restapis/r1/resources/def/methods/DELETE");
    assert!(reason(get(&rs, &del), "authorization_type").contains("GetResources"));
    assert_eq!(judge(rule, &del), "unknown");
    let health = format!("{BASE}/apis/h1/routes/rt1");
    assert_eq!(get(&rs, &health).attributes["api_type"], json!("http"));
    assert_eq!(get(&rs, &health).provenance.parser, "aws-sdk-apigatewayv2");
    assert_eq!(judge(rule, &health), "fail");
    let default = format!("{BASE}/apis/h1/routes/rt2");
    assert_eq!(get(&rs, &default).attributes["http_method"], Value::Null);
    assert_eq!(judge(rule, &default), "pass");
    let admin = format!("{BASE}/apis/h1/routes/rt3");
    assert_eq!(
        get(&rs, &admin).attributes["authorization_type"],
        json!("NONE")
    );
    assert_eq!(get(&rs, &admin).attributes["http_method"], json!("ANY"));
    assert_eq!(judge(rule, &admin), "fail");
    assert_eq!(judge(rule, &format!("{BASE}/apis/w1/routes/ws1")), "fail");
    assert_eq!(judge(rule, &format!("{BASE}/apis/w1/routes/ws2")), "pass");
}

#[test]
fn failed_api_gateway_listings_are_unknown() {
    let (rs, judge) = judged(&[
        scope(),
        api_listing(
            "rest",
            json!([{"Api": null, "Reason": unknown("apigateway:GetRestApis denied: AccessDeniedException")}]),
        ),
        api_listing(
            "v2",
            json!([{"Api": "h1", "Reason": unknown("apigateway:GetRoutes failed: TooManyRequestsException")}]),
        ),
        v2_route("h2", "HTTP", "rt1", "GET /x", json!("AWS_IAM")),
    ]);
    let rule = "apigw-authorization-required";
    let rest = format!("{BASE}/restapis/*/resources/*/methods/*");
    assert!(reason(get(&rs, &rest), "authorization_type").contains("GetRestApis denied"));
    assert_eq!(judge(rule, &rest), "unknown");
    let h1 = format!("{BASE}/apis/h1/routes/*");
    let r = get(&rs, &h1);
    assert_eq!(r.attributes["api"], json!("h1"));
    assert!(reason(r, "authorization_type").contains("TooManyRequestsException"));
    assert_eq!(judge(rule, &h1), "unknown");
    assert_eq!(judge(rule, &format!("{BASE}/apis/h2/routes/rt1")), "pass");
    // The stand-ins are gone: the failures stand instead.
    assert!(!rs
        .iter()
        .any(|r| r.address == format!("{BASE}/apis/*/routes/*")));
}

const LOGGED: &str =
    "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/logged/0a1b2c3d-0000-4000-8000-000000000001";
const SILENT: &str =
    "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/silent/0a1b2c3d-0000-4000-8000-000000000002";

fn web_acl_item(arn: &str) -> RawResource {
    let name = arn.split('/').nth(2).unwrap();
    item(
        "AWS::WAFv2::WebACL",
        arn,
        json!({"name": name, "id": arn.rsplit('/').next().unwrap(), "defaultAction": {"allow": {}},
            "rules": [{"name": "common", "priority": 0}], "capacity": 700}),
        json!({}),
    )
}

fn waf_listing(scope: &str, configurations: Value, failed: Value) -> RawResource {
    raw(
        RawKind::WafLoggingListing,
        &format!("arn:aws:wafv2:{REGION}:{ACCOUNT}:logging-configurations/{scope}"),
        json!({"Scope": scope, "Pages": 1, "Configurations": configurations, "Failed": failed}),
    )
}

#[test]
fn waf_logging_is_joined_onto_web_acls() {
    let (rs, judge) = judged(&[
        web_acl_item(LOGGED),
        web_acl_item(SILENT),
        waf_listing(
            "REGIONAL",
            json!([{"ResourceArn": LOGGED, "LogDestinationConfigs": [
                "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-api"]}]),
            Value::Null,
        ),
    ]);
    let rule = "waf-logging-enabled";
    let l = get(&rs, LOGGED);
    assert_eq!(
        l.attributes["logging"],
        json!({"destinations": ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-api"]})
    );
    assert_eq!(
        l.provenance.attribute_sources["logging"].operation,
        "wafv2:ListLoggingConfigurations"
    );
    assert!(l
        .provenance
        .api_calls
        .contains(&"wafv2:ListLoggingConfigurations".to_owned()));
    assert_eq!(judge(rule, LOGGED), "pass");
    // Absent from a complete listing: no logging, a fact.
    let s = get(&rs, SILENT);
    assert_eq!(s.attributes["logging"], Value::Null);
    assert!(s.provenance.attribute_sources["logging"]
        .note
        .as_deref()
        .unwrap()
        .contains("not in the complete REGIONAL listing"));
    assert_eq!(judge(rule, SILENT), "fail");
}

#[test]
fn a_failed_waf_logging_listing_leaves_logging_unknown() {
    let (rs, judge) = judged(&[
        web_acl_item(LOGGED),
        waf_listing(
            "REGIONAL",
            json!([]),
            unknown("wafv2:ListLoggingConfigurations denied: AccessDeniedException"),
        ),
    ]);
    assert!(reason(get(&rs, LOGGED), "logging").contains("denied: AccessDeniedException"));
    assert_eq!(judge("waf-logging-enabled", LOGGED), "unknown");
    // No listing of the web ACL's scope (a CLOUDFRONT listing only): the item's unknown stays.
    let (rs, _) = judged(&[
        web_acl_item(LOGGED),
        waf_listing("CLOUDFRONT", json!([]), Value::Null),
    ]);
    assert!(reason(get(&rs, LOGGED), "logging").contains("GetLoggingConfiguration"));
}

const ALB: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
const ALB_BARE: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/bare/50dc6c495c0c9189";
const ALB_BLIND: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/blind/50dc6c495c0c9190";

fn alb_item(arn: &str) -> RawResource {
    let name = arn.split('/').nth(2).unwrap();
    item(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        arn,
        json!({"loadBalancerArn": arn, "loadBalancerName": name, "scheme": "internet-facing",
            "type": "application", "state": {"code": "active"}}),
        json!({"LoadBalancerAttributes": [
            {"key": "access_logs.s3.enabled", "value": "true"}, {"key": "access_logs.s3.bucket", "value": "logs"},
            {"key": "routing.http.drop_invalid_header_fields.enabled", "value": "true"},
            {"key": "routing.http.desync_mitigation_mode", "value": "defensive"}]}),
    )
}

fn association(arn: &str, web_acl: Value) -> RawResource {
    raw(
        RawKind::WafWebAclForResource,
        arn,
        json!({"ResourceArn": arn, "WebACLArn": web_acl}),
    )
}

#[test]
fn public_albs_get_their_web_acl() {
    let (rs, judge) = judged(&[
        alb_item(ALB),
        alb_item(ALB_BARE),
        alb_item(ALB_BLIND),
        association(ALB, json!(LOGGED)),
        association(ALB_BARE, Value::Null),
        association(
            ALB_BLIND,
            unknown("wafv2:GetWebACLForResource denied: AccessDeniedException"),
        ),
    ]);
    let rule = "edge-waf-attached";
    assert_eq!(get(&rs, ALB).attributes["web_acl"], json!(LOGGED));
    assert_eq!(
        get(&rs, ALB).provenance.attribute_sources["web_acl"].operation,
        "wafv2:GetWebACLForResource"
    );
    assert_eq!(judge(rule, ALB), "pass");
    assert_eq!(get(&rs, ALB_BARE).attributes["web_acl"], Value::Null);
    assert_eq!(judge(rule, ALB_BARE), "fail");
    assert!(reason(get(&rs, ALB_BLIND), "web_acl").contains("denied"));
    assert_eq!(judge(rule, ALB_BLIND), "unknown");
}
