//! Unit tests of the rules-a mappings (messaging, EFS, secrets, edge, threat detection)
//! with hand-built instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::normalize;
use super::tests::inst;
use crate::model::{lookup, Resource};

fn find<'a>(rs: &'a [Resource], kind: &str, address: &str) -> &'a Resource {
    rs.iter()
        .find(|r| r.address == address && r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} {address} in {rs:#?}"))
}

fn attr<'a>(r: &'a Resource, path: &str) -> &'a Value {
    lookup(&r.attributes, path)
        .ok()
        .flatten()
        .unwrap_or(&Value::Null)
}

fn is_unknown(r: &Resource, path: &str) -> bool {
    lookup(&r.attributes, path).is_err()
}

#[test]
fn sqs_queue_policy_resource_is_joined_and_wins_over_inline() {
    let rs = normalize(&[
        inst(
            "aws_sqs_queue.q",
            json!({"name": "jobs", "policy": "{\"Statement\": []}", "sqs_managed_sse_enabled": false}),
        ),
        inst(
            "aws_sqs_queue_policy.p",
            json!({"queue_url": "${aws_sqs_queue.q.id}",
                   "policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:*\"}]}"}),
        ),
    ]);
    let q = find(&rs, "aws.sqs.queue", "aws_sqs_queue.q");
    assert_eq!(attr(q, "name"), &json!("jobs"));
    assert_eq!(attr(q, "fifo"), &json!(false));
    assert_eq!(attr(q, "sqs_managed_sse_enabled"), &json!(false));
    assert_eq!(attr(q, "kms_master_key_id"), &Value::Null);
    assert_eq!(attr(q, "policy.Statement.0.Principal"), &json!("*"));
    assert_eq!(
        q.provenance.joined,
        vec!["aws_sqs_queue_policy.p".to_owned()]
    );
    assert_eq!(rs.len(), 1, "the policy resource is folded in: {rs:#?}");
}

#[test]
fn sqs_defaults_and_generated_names() {
    let rs = normalize(&[inst("aws_sqs_queue.q", json!({"name_prefix": "jobs-"}))]);
    let q = find(&rs, "aws.sqs.queue", "aws_sqs_queue.q");
    assert!(is_unknown(q, "name"));
    // SSE-SQS is the service default when the source says nothing: null, not false.
    assert_eq!(attr(q, "sqs_managed_sse_enabled"), &Value::Null);
    assert_eq!(attr(q, "policy"), &Value::Null);
}

#[test]
fn policy_for_a_queue_outside_the_configuration_stands_in_for_it() {
    let rs = normalize(&[inst(
        "aws_sqs_queue_policy.p",
        json!({"queue_url": "https://sqs.eu-west-1.amazonaws.com/111122223333/other",
               "policy": "{\"Statement\": []}"}),
    )]);
    let q = find(&rs, "aws.sqs.queue", "aws_sqs_queue_policy.p");
    assert_eq!(attr(q, "policy"), &json!({"Statement": []}));
    assert!(is_unknown(q, "sqs_managed_sse_enabled"));
    assert!(is_unknown(q, "name"));
}

#[test]
fn ambiguous_queue_reference_makes_the_policy_unknown_on_each_candidate() {
    let rs = normalize(&[
        inst("aws_sqs_queue.q[0]", json!({"name": "a"})),
        inst("aws_sqs_queue.q[1]", json!({"name": "b"})),
        inst(
            "aws_sqs_queue_policy.p",
            json!({"queue_url": "${aws_sqs_queue.q[count.index].id}", "policy": "{}"}),
        ),
    ]);
    for a in ["aws_sqs_queue.q[0]", "aws_sqs_queue.q[1]"] {
        assert!(is_unknown(find(&rs, "aws.sqs.queue", a), "policy"), "{a}");
    }
}

#[test]
fn two_policies_for_one_topic_are_unknown() {
    let rs = normalize(&[
        inst("aws_sns_topic.t", json!({"name": "alerts"})),
        inst(
            "aws_sns_topic_policy.a",
            json!({"arn": "${aws_sns_topic.t.arn}", "policy": "{}"}),
        ),
        inst(
            "aws_sns_topic_policy.b",
            json!({"arn": "${aws_sns_topic.t.arn}", "policy": "{}"}),
        ),
    ]);
    let t = find(&rs, "aws.sns.topic", "aws_sns_topic.t");
    assert!(is_unknown(t, "policy"));
    assert_eq!(attr(t, "kms_master_key_id"), &Value::Null);
}

#[test]
fn efs_encryption_defaults_to_false() {
    let rs = normalize(&[
        inst("aws_efs_file_system.a", json!({"creation_token": "a"})),
        inst(
            "aws_efs_file_system.b",
            json!({"encrypted": true, "kms_key_id": "${aws_kms_key.k.arn}"}),
        ),
    ]);
    let a = find(&rs, "aws.efs.file_system", "aws_efs_file_system.a");
    assert_eq!(attr(a, "encrypted"), &json!(false));
    assert_eq!(attr(a, "name"), &json!("a"));
    let b = find(&rs, "aws.efs.file_system", "aws_efs_file_system.b");
    assert_eq!(attr(b, "encrypted"), &json!(true));
    assert!(is_unknown(b, "name"));
}

#[test]
fn guardduty_feature_resources_join_their_detector() {
    let rs = normalize(&[
        inst(
            "aws_guardduty_detector.d",
            json!({"enable": true, "datasources": [{"s3_logs": [{"enable": false}]}]}),
        ),
        inst(
            "aws_guardduty_detector_feature.s3",
            json!({"detector_id": "${aws_guardduty_detector.d.id}", "name": "S3_DATA_EVENTS", "status": "ENABLED"}),
        ),
        inst(
            "aws_guardduty_detector_feature.rds",
            json!({"detector_id": "${aws_guardduty_detector.d.id}", "name": "RDS_LOGIN_EVENTS", "status": "DISABLED"}),
        ),
    ]);
    assert_eq!(rs.len(), 1, "{rs:#?}");
    let d = find(&rs, "aws.guardduty.detector", "aws_guardduty_detector.d");
    assert_eq!(
        attr(d, "features"),
        &json!([
            {"name": "RDS_LOGIN_EVENTS", "status": "DISABLED"},
            {"name": "S3_DATA_EVENTS", "status": "ENABLED"}
        ])
    );
    assert!(d
        .provenance
        .source_types
        .contains(&"aws_guardduty_detector_feature".to_owned()));
}

#[test]
fn guardduty_feature_of_an_outside_detector_stands_in() {
    let rs = normalize(&[inst(
        "aws_guardduty_detector_feature.f",
        json!({"detector_id": "abc123", "name": "S3_DATA_EVENTS", "status": "ENABLED"}),
    )]);
    let d = find(
        &rs,
        "aws.guardduty.detector",
        "aws_guardduty_detector_feature.f",
    );
    assert!(is_unknown(d, "enabled"));
    assert_eq!(attr(d, "features.0.status"), &json!("ENABLED"));
}

#[test]
fn security_hub_collects_the_module_subscriptions() {
    let rs = normalize(&[
        inst(
            "aws_securityhub_account.h",
            json!({"enable_default_standards": false}),
        ),
        inst(
            "aws_securityhub_standards_subscription.pci",
            json!({"standards_arn": "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1"}),
        ),
    ]);
    let h = find(&rs, "aws.securityhub.hub", "aws_securityhub_account.h");
    assert_eq!(attr(h, "enabled"), &json!(true));
    assert_eq!(attr(h, "default_standards_enabled"), &json!(false));
    assert_eq!(
        attr(h, "standards.0.arn"),
        &json!("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1")
    );
    let only_sub = normalize(&[inst(
        "aws_securityhub_standards_subscription.cis",
        json!({"standards_arn": "x"}),
    )]);
    let h = find(
        &only_sub,
        "aws.securityhub.hub",
        "aws_securityhub_standards_subscription.cis",
    );
    assert!(is_unknown(h, "enabled"));
}

#[test]
fn inspector_enabler_lists_types_and_leaves_the_rest_unconfigured() {
    let rs = normalize(&[
        inst(
            "aws_inspector2_enabler.e",
            json!({"account_ids": ["111122223333"], "resource_types": ["EC2", "LAMBDA"]}),
        ),
        inst(
            "aws_inspector2_enabler.v",
            json!({"account_ids": [], "resource_types": {"__unknown__": "var.types has no value"}}),
        ),
    ]);
    let e = find(&rs, "aws.inspector2.account", "aws_inspector2_enabler.e");
    assert_eq!(
        attr(e, "scanning"),
        &json!({"ec2": true, "ecr": null, "lambda": true, "lambda_code": null})
    );
    let v = find(&rs, "aws.inspector2.account", "aws_inspector2_enabler.v");
    assert!(is_unknown(v, "scanning"));
}

#[test]
fn macie_counts_scheduled_jobs() {
    let rs = normalize(&[
        inst("aws_macie2_account.m", json!({})),
        inst(
            "aws_macie2_classification_job.weekly",
            json!({"job_type": "SCHEDULED"}),
        ),
        inst(
            "aws_macie2_classification_job.once",
            json!({"job_type": "ONE_TIME"}),
        ),
    ]);
    let m = find(&rs, "aws.macie2.session", "aws_macie2_account.m");
    assert_eq!(attr(m, "status"), &json!("ENABLED"));
    assert_eq!(attr(m, "scheduled_job_count"), &json!(1));
    assert!(is_unknown(m, "automated_discovery_status"));
}

#[test]
fn alb_defaults_waf_association_and_listener_protocol() {
    let rs = normalize(&[
        inst(
            "aws_lb.web",
            json!({"name": "web", "access_logs": [{"bucket": "logs"}]}),
        ),
        inst(
            "aws_wafv2_web_acl.w",
            json!({"name": "w", "scope": "REGIONAL", "rule": [{"name": "a"}, {"name": "b"}]}),
        ),
        inst(
            "aws_wafv2_web_acl_association.a",
            json!({"resource_arn": "${aws_lb.web.arn}", "web_acl_arn": "${aws_wafv2_web_acl.w.arn}"}),
        ),
        inst(
            "aws_lb_listener.http",
            json!({"load_balancer_arn": "${aws_lb.web.arn}", "port": 80,
                   "default_action": [{"type": "redirect", "redirect": [{"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}]}]}),
        ),
    ]);
    let lb = find(&rs, "aws.elbv2.load_balancer", "aws_lb.web");
    assert_eq!(attr(lb, "load_balancer_type"), &json!("application"));
    assert_eq!(attr(lb, "scheme"), &json!("internet-facing"));
    assert_eq!(attr(lb, "drop_invalid_header_fields"), &json!(false));
    assert_eq!(attr(lb, "desync_mitigation_mode"), &json!("defensive"));
    // The access_logs block's `enabled` defaults to false.
    assert_eq!(
        attr(lb, "access_logging"),
        &json!({"enabled": false, "destination": "logs"})
    );
    assert_eq!(attr(lb, "web_acl"), &json!("${aws_wafv2_web_acl.w.arn}"));
    let l = find(&rs, "aws.elbv2.listener", "aws_lb_listener.http");
    assert_eq!(attr(l, "protocol"), &json!("HTTP"));
    assert_eq!(
        attr(l, "default_actions"),
        &json!([{"type": "redirect", "redirect_protocol": "HTTPS"}])
    );
    let w = find(&rs, "aws.wafv2.web_acl", "aws_wafv2_web_acl.w");
    assert_eq!(attr(w, "rule_count"), &json!(2));
    assert_eq!(attr(w, "logging"), &Value::Null);
}

#[test]
fn listener_of_an_unknown_load_balancer_has_an_unknown_default_protocol() {
    let rs = normalize(&[inst(
        "aws_lb_listener.l",
        json!({"load_balancer_arn": "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y", "port": 80}),
    )]);
    assert!(is_unknown(
        find(&rs, "aws.elbv2.listener", "aws_lb_listener.l"),
        "protocol"
    ));
}

#[test]
fn cloudfront_behaviors_origins_and_certificate() {
    let rs = normalize(&[inst(
        "aws_cloudfront_distribution.d",
        json!({
            "enabled": true,
            "default_cache_behavior": [{"viewer_protocol_policy": "redirect-to-https"}],
            "ordered_cache_behavior": [{"path_pattern": "/img/*", "viewer_protocol_policy": "allow-all"}],
            "origin": [
                {"origin_id": "app", "domain_name": "app.example.com",
                 "custom_origin_config": [{"origin_protocol_policy": "https-only", "origin_ssl_protocols": ["TLSv1.2"]}]},
                {"origin_id": "s3", "domain_name": "b.s3.amazonaws.com", "s3_origin_config": [{}]}
            ],
            "viewer_certificate": [{"acm_certificate_arn": "arn", "ssl_support_method": "sni-only"}],
            "logging_config": [{"bucket": "logs.s3.amazonaws.com"}]
        }),
    )]);
    let d = find(
        &rs,
        "aws.cloudfront.distribution",
        "aws_cloudfront_distribution.d",
    );
    assert_eq!(attr(d, "cache_behaviors.1.path_pattern"), &json!("/img/*"));
    assert_eq!(attr(d, "cache_behaviors.0.path_pattern"), &json!("*"));
    assert_eq!(attr(d, "origins.0.custom"), &json!(true));
    assert_eq!(attr(d, "origins.1.custom"), &json!(false));
    // The provider's default minimum protocol version is TLSv1.
    assert_eq!(
        attr(d, "viewer_certificate.minimum_protocol_version"),
        &json!("TLSv1")
    );
    assert_eq!(attr(d, "web_acl"), &Value::Null);
    assert_eq!(attr(d, "access_logging.enabled"), &json!(true));
}

#[test]
fn rest_methods_get_their_resource_path_and_stages_their_method_settings() {
    let rs = normalize(&[
        inst("aws_api_gateway_rest_api.api", json!({"name": "pets"})),
        inst(
            "aws_api_gateway_resource.pets",
            json!({"rest_api_id": "${aws_api_gateway_rest_api.api.id}",
                   "parent_id": "${aws_api_gateway_rest_api.api.root_resource_id}", "path_part": "pets"}),
        ),
        inst(
            "aws_api_gateway_resource.pet",
            json!({"parent_id": "${aws_api_gateway_resource.pets.id}", "path_part": "{id}"}),
        ),
        inst(
            "aws_api_gateway_method.get",
            json!({"rest_api_id": "${aws_api_gateway_rest_api.api.id}",
                   "resource_id": "${aws_api_gateway_resource.pet.id}", "http_method": "GET", "authorization": "NONE"}),
        ),
        inst(
            "aws_api_gateway_stage.prod",
            json!({"rest_api_id": "${aws_api_gateway_rest_api.api.id}", "stage_name": "prod"}),
        ),
        inst(
            "aws_api_gateway_method_settings.all",
            json!({"stage_name": "${aws_api_gateway_stage.prod.stage_name}", "method_path": "*/*",
                   "settings": [{"logging_level": "INFO"}]}),
        ),
    ]);
    let m = find(&rs, "aws.apigateway.route", "aws_api_gateway_method.get");
    assert_eq!(attr(m, "route"), &json!("GET /pets/{id}"));
    assert_eq!(attr(m, "authorization_type"), &json!("NONE"));
    assert_eq!(attr(m, "api_type"), &json!("rest"));
    let s = find(&rs, "aws.apigateway.stage", "aws_api_gateway_stage.prod");
    assert_eq!(attr(s, "execution_logging_level"), &json!("INFO"));
    assert_eq!(attr(s, "access_logging.enabled"), &json!(false));
}

#[test]
fn v2_routes_take_their_api_type_and_default_to_no_authorization() {
    let rs = normalize(&[
        inst(
            "aws_apigatewayv2_api.ws",
            json!({"name": "chat", "protocol_type": "WEBSOCKET"}),
        ),
        inst(
            "aws_apigatewayv2_route.connect",
            json!({"api_id": "${aws_apigatewayv2_api.ws.id}", "route_key": "$connect"}),
        ),
        inst(
            "aws_apigatewayv2_route.other",
            json!({"api_id": "var-api-id", "route_key": "GET /items"}),
        ),
    ]);
    let c = find(
        &rs,
        "aws.apigateway.route",
        "aws_apigatewayv2_route.connect",
    );
    assert_eq!(attr(c, "api_type"), &json!("websocket"));
    assert_eq!(attr(c, "authorization_type"), &json!("NONE"));
    let o = find(&rs, "aws.apigateway.route", "aws_apigatewayv2_route.other");
    assert!(is_unknown(o, "api_type"));
    assert_eq!(attr(o, "http_method"), &json!("GET"));
}

#[test]
fn waf_logging_configuration_is_joined() {
    let rs = normalize(&[
        inst(
            "aws_wafv2_web_acl.w",
            json!({"name": "w", "scope": "CLOUDFRONT"}),
        ),
        inst(
            "aws_wafv2_web_acl_logging_configuration.l",
            json!({"resource_arn": "${aws_wafv2_web_acl.w.arn}",
                   "log_destination_configs": ["${aws_cloudwatch_log_group.waf.arn}"]}),
        ),
        inst(
            "aws_elb.old",
            json!({"listener": [{"lb_protocol": "http", "lb_port": 80}], "access_logs": [{"bucket": "b"}]}),
        ),
    ]);
    let w = find(&rs, "aws.wafv2.web_acl", "aws_wafv2_web_acl.w");
    assert_eq!(
        attr(w, "logging"),
        &json!({"destinations": ["${aws_cloudwatch_log_group.waf.arn}"]})
    );
    assert_eq!(attr(w, "rule_count"), &json!(0));
    let e = find(&rs, "aws.elb.load_balancer", "aws_elb.old");
    assert_eq!(attr(e, "listeners.0.protocol"), &json!("HTTP"));
    // The classic access_logs block's `enabled` defaults to true.
    assert_eq!(attr(e, "access_logging.enabled"), &json!(true));
}

#[test]
fn secret_rotation_is_joined_and_absent_rotation_is_off() {
    let rs = normalize(&[
        inst("aws_secretsmanager_secret.db", json!({"name": "db"})),
        inst(
            "aws_secretsmanager_secret.api",
            json!({"name_prefix": "api-"}),
        ),
        inst(
            "aws_secretsmanager_secret_rotation.db",
            json!({"secret_id": "${aws_secretsmanager_secret.db.id}",
                   "rotation_lambda_arn": "${aws_lambda_function.r.arn}",
                   "rotation_rules": [{"automatically_after_days": 30}]}),
        ),
    ]);
    let db = find(
        &rs,
        "aws.secretsmanager.secret",
        "aws_secretsmanager_secret.db",
    );
    assert_eq!(attr(db, "rotation_enabled"), &json!(true));
    assert_eq!(attr(db, "rotation_interval_days"), &json!(30));
    assert_eq!(attr(db, "rotation_schedule"), &Value::Null);
    let api = find(
        &rs,
        "aws.secretsmanager.secret",
        "aws_secretsmanager_secret.api",
    );
    assert_eq!(attr(api, "rotation_enabled"), &json!(false));
    assert!(is_unknown(api, "name"));
}

#[test]
fn acm_certificate_types() {
    let rs = normalize(&[
        inst(
            "aws_acm_certificate.dns",
            json!({"domain_name": "example.com", "validation_method": "DNS"}),
        ),
        inst(
            "aws_acm_certificate.imported",
            json!({"certificate_body": "-----BEGIN CERTIFICATE-----", "private_key": "k"}),
        ),
        inst(
            "aws_acm_certificate.private",
            json!({"domain_name": "x.internal", "certificate_authority_arn": "${aws_acmpca_certificate_authority.ca.arn}"}),
        ),
    ]);
    let dns = find(&rs, "aws.acm.certificate", "aws_acm_certificate.dns");
    assert_eq!(attr(dns, "type"), &json!("AMAZON_ISSUED"));
    assert_eq!(attr(dns, "not_after"), &Value::Null);
    let imported = find(&rs, "aws.acm.certificate", "aws_acm_certificate.imported");
    assert_eq!(attr(imported, "type"), &json!("IMPORTED"));
    assert!(is_unknown(imported, "not_after"));
    let private = find(&rs, "aws.acm.certificate", "aws_acm_certificate.private");
    assert_eq!(attr(private, "type"), &json!("PRIVATE"));
}

/// Corpus finding (terraform-aws-rds): a rotation for an RDS-managed secret stands in for a
/// secret outside the configuration; its run-time history is null like any IaC secret's,
/// not unknown, so the rule judges the rotation that is declared.
#[test]
fn rotation_of_an_outside_secret_has_no_runtime_history() {
    let rs = normalize(&[inst(
        "aws_secretsmanager_secret_rotation.this",
        json!({"secret_id": "${aws_db_instance.this.master_user_secret[0].secret_arn}",
               "rotation_rules": [{"schedule_expression": "rate(7 days)"}]}),
    )]);
    let s = find(
        &rs,
        "aws.secretsmanager.secret",
        "aws_secretsmanager_secret_rotation.this",
    );
    assert_eq!(attr(s, "rotation_enabled"), &json!(true));
    assert_eq!(attr(s, "rotation_schedule"), &json!("rate(7 days)"));
    assert_eq!(attr(s, "last_rotated_at"), &Value::Null);
    assert!(is_unknown(s, "kms_key_id"));
}
