//! Unit tests of the logging, network and compute mappings with hand-built instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::normalize;
use super::tests::{attr, find, inst, is_unknown, validate_against_schema};
use crate::model::{unknown, Resource};

fn all_valid(rs: &[Resource]) {
    for r in rs {
        validate_against_schema(r);
    }
}

#[test]
fn every_new_kind_matches_its_schema() {
    let rs = normalize(&[
        inst(
            "aws_cloudwatch_log_group.g",
            json!({"name": "/aws/x", "retention_in_days": 0}),
        ),
        inst("aws_config_configuration_recorder.r", json!({})),
        inst(
            "aws_config_delivery_channel.c",
            json!({"s3_bucket_name": "b"}),
        ),
        inst("aws_network_acl.n", json!({"vpc_id": "v"})),
        inst(
            "aws_default_network_acl.d",
            json!({"ingress": [{"protocol": "-1", "rule_no": 100, "action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}]}),
        ),
        inst(
            "aws_network_acl_rule.r",
            json!({"network_acl_id": "acl-123", "rule_number": 1, "protocol": "6", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22}),
        ),
        inst("aws_subnet.s", json!({})),
        inst("aws_default_subnet.d", json!({})),
        inst("aws_vpc.v", json!({})),
        inst("aws_default_vpc.d", json!({})),
        inst(
            "aws_flow_log.f",
            json!({"vpc_id": "${aws_vpc.v.id}", "traffic_type": "ALL"}),
        ),
        inst(
            "aws_instance.i",
            json!({"metadata_options": [{"http_tokens": "required"}]}),
        ),
        inst(
            "aws_launch_template.t",
            json!({"network_interfaces": [{"associate_public_ip_address": "true"}]}),
        ),
        inst("aws_launch_configuration.l", json!({})),
        inst(
            "aws_ebs_snapshot_block_public_access.b",
            json!({"state": "block-all-sharing"}),
        ),
        inst(
            "aws_lambda_function.f",
            json!({"function_name": "f", "environment": [{"variables": {"A": "b", "N": 1}}]}),
        ),
        inst(
            "aws_lambda_permission.p",
            json!({"function_name": "gone", "principal": "*"}),
        ),
        inst(
            "aws_lambda_function_url.u",
            json!({"function_name": "${aws_lambda_function.f.function_name}", "authorization_type": "NONE"}),
        ),
        inst(
            "aws_eks_cluster.e",
            json!({"encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": "k"}]}]}),
        ),
        inst("aws_ecr_repository.r", json!({})),
        inst("aws_default_security_group.d", json!({"vpc_id": "v"})),
        inst("aws_cloudtrail.t", json!({"s3_bucket_name": "nowhere"})),
    ]);
    all_valid(&rs);
    let kinds: std::collections::BTreeSet<&str> = rs.iter().map(|r| r.kind.as_str()).collect();
    for k in [
        "aws.cloudwatch.log_group",
        "aws.config.recorder",
        "aws.ec2.network_acl",
        "aws.ec2.subnet",
        "aws.ec2.vpc",
        "aws.ec2.instance",
        "aws.ec2.launch_template",
        "aws.autoscaling.launch_configuration",
        "aws.ec2.snapshot_block_public_access",
        "aws.lambda.function",
        "aws.eks.cluster",
        "aws.ecr.repository",
    ] {
        assert!(kinds.contains(k), "{k} missing from {kinds:?}");
    }
}

#[test]
fn garbage_values_still_match_the_schemas() {
    let types = [
        "aws_cloudwatch_log_group",
        "aws_config_configuration_recorder",
        "aws_network_acl",
        "aws_network_acl_rule",
        "aws_subnet",
        "aws_vpc",
        "aws_flow_log",
        "aws_instance",
        "aws_launch_template",
        "aws_launch_configuration",
        "aws_ebs_snapshot_block_public_access",
        "aws_lambda_function",
        "aws_lambda_permission",
        "aws_lambda_function_url",
        "aws_eks_cluster",
        "aws_ecr_repository",
        "aws_ecr_registry_scanning_configuration",
        "aws_default_security_group",
    ];
    let garbage = [
        json!({}),
        json!(null),
        json!([1]),
        unknown("whole"),
        json!({"name": 3, "retention_in_days": "x", "recording_group": "y", "ingress": 5, "egress": [7],
               "metadata_options": 1, "network_interfaces": "z", "environment": [{"variables": [1]}],
               "vpc_config": [{"public_access_cidrs": 4}], "encryption_config": [{"provider": 3}],
               "image_scanning_configuration": [{"scan_on_push": "maybe"}], "principal": 5,
               "function_name": {}, "vpc_id": [], "network_acl_id": 9, "rule": [{"repository_filter": 3}]}),
    ];
    for t in types {
        for g in &garbage {
            all_valid(&normalize(&[inst(&format!("{t}.x"), g.clone())]));
        }
    }
}

#[test]
fn trail_gets_its_bucket_or_unknown() {
    let rs = normalize(&[
        inst("aws_s3_bucket.logs", json!({"bucket": "trail-logs"})),
        inst(
            "aws_s3_bucket_public_access_block.logs",
            json!({"bucket": "${aws_s3_bucket.logs.id}", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}),
        ),
        inst(
            "aws_cloudtrail.by_ref",
            json!({"s3_bucket_name": "${aws_s3_bucket.logs.id}"}),
        ),
        inst(
            "aws_cloudtrail.by_name",
            json!({"s3_bucket_name": "trail-logs"}),
        ),
        inst(
            "aws_cloudtrail.outside",
            json!({"s3_bucket_name": "org-trail-logs"}),
        ),
        inst(
            "aws_cloudtrail.var",
            json!({"s3_bucket_name": unknown("var.bucket has no value")}),
        ),
    ]);
    all_valid(&rs);
    for t in ["aws_cloudtrail.by_ref", "aws_cloudtrail.by_name"] {
        let t = find(&rs, t);
        assert_eq!(attr(t, "log_bucket.name"), "trail-logs");
        assert_eq!(
            attr(t, "log_bucket.public_access_block.block_public_acls"),
            true
        );
    }
    assert!(is_unknown(
        find(&rs, "aws_cloudtrail.outside"),
        "log_bucket"
    ));
    assert!(is_unknown(find(&rs, "aws_cloudtrail.var"), "log_bucket"));
}

#[test]
fn log_group_retention_zero_is_never_expire() {
    let rs = normalize(&[
        inst(
            "aws_cloudwatch_log_group.a",
            json!({"name": "a", "retention_in_days": 0}),
        ),
        inst(
            "aws_cloudwatch_log_group.b",
            json!({"name": "b", "retention_in_days": 90, "kms_key_id": "${aws_kms_key.k.arn}"}),
        ),
        inst("aws_cloudwatch_log_group.c", json!({"name_prefix": "c"})),
    ]);
    assert_eq!(
        attr(find(&rs, "aws_cloudwatch_log_group.a"), "retention_in_days"),
        &Value::Null
    );
    assert_eq!(
        attr(find(&rs, "aws_cloudwatch_log_group.b"), "retention_in_days"),
        90
    );
    assert_eq!(
        attr(find(&rs, "aws_cloudwatch_log_group.b"), "kms_key_id"),
        "${aws_kms_key.k.arn}"
    );
    assert!(is_unknown(find(&rs, "aws_cloudwatch_log_group.c"), "name"));
}

#[test]
fn config_recorder_joins_status_and_channel() {
    let rs = normalize(&[
        inst(
            "aws_config_configuration_recorder.r",
            json!({"name": "main", "recording_group": [{"all_supported": true, "include_global_resource_types": true}]}),
        ),
        inst(
            "aws_config_configuration_recorder_status.s",
            json!({"name": "${aws_config_configuration_recorder.r.name}", "is_enabled": true}),
        ),
        inst(
            "aws_config_delivery_channel.c",
            json!({"name": "main", "s3_bucket_name": "config-logs"}),
        ),
        inst(
            "module.other.aws_config_configuration_recorder.lonely",
            json!({}),
        ),
    ]);
    all_valid(&rs);
    let r = find(&rs, "aws_config_configuration_recorder.r");
    assert_eq!(attr(r, "recording"), true);
    assert_eq!(attr(r, "all_supported"), true);
    assert_eq!(attr(r, "delivery_channel.s3_bucket_name"), "config-logs");
    assert!(is_unknown(r, "last_status"));
    let lonely = find(&rs, "module.other.aws_config_configuration_recorder.lonely");
    assert_eq!(attr(lonely, "name"), "default");
    assert!(
        is_unknown(lonely, "recording"),
        "no status resource: not known to be started"
    );
    assert!(is_unknown(lonely, "delivery_channel"));
}

#[test]
fn network_acl_joins_standalone_entries() {
    let rs = normalize(&[
        inst(
            "aws_network_acl.n",
            json!({"vpc_id": "${aws_vpc.v.id}", "ingress": [{"protocol": "tcp", "rule_no": 100, "action": "allow", "cidr_block": "10.0.0.0/8", "from_port": 22, "to_port": 22}]}),
        ),
        inst(
            "aws_network_acl_rule.ssh",
            json!({"network_acl_id": "${aws_network_acl.n.id}", "rule_number": 200, "egress": false, "protocol": "6", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22}),
        ),
        inst(
            "aws_network_acl_rule.out",
            json!({"network_acl_id": "${aws_network_acl.n.id}", "rule_number": 100, "egress": true, "protocol": "-1", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}),
        ),
        inst(
            "aws_network_acl_rule.elsewhere",
            json!({"network_acl_id": "acl-0123", "rule_number": 1, "protocol": "all", "rule_action": "deny", "ipv6_cidr_block": "::/0"}),
        ),
    ]);
    all_valid(&rs);
    let n = find(&rs, "aws_network_acl.n");
    assert_eq!(attr(n, "ingress.1.protocol"), "tcp");
    assert_eq!(attr(n, "ingress.1.cidr_ipv4"), "0.0.0.0/0");
    assert_eq!(attr(n, "ingress.1.rule_action"), "allow");
    assert_eq!(attr(n, "egress.0.from_port"), &Value::Null);
    let outside = find(&rs, "aws_network_acl_rule.elsewhere");
    assert_eq!(outside.kind, "aws.ec2.network_acl");
    assert!(is_unknown(outside, "ingress.0"));
    assert_eq!(attr(outside, "ingress.1.protocol"), "-1");
}

#[test]
fn subnets_and_vpc_flow_logs() {
    let rs = normalize(&[
        inst("aws_subnet.private", json!({"vpc_id": "${aws_vpc.v.id}"})),
        inst(
            "aws_subnet.public",
            json!({"map_public_ip_on_launch": true}),
        ),
        inst(
            "aws_default_subnet.d",
            json!({"availability_zone": "eu-west-1a"}),
        ),
        inst("aws_vpc.v", json!({"cidr_block": "10.0.0.0/16"})),
        inst("aws_vpc.bare", json!({"cidr_block": "10.1.0.0/16"})),
        inst(
            "aws_flow_log.f",
            json!({"vpc_id": "${aws_vpc.v.id}", "traffic_type": "REJECT", "log_destination_type": "s3", "log_destination": "arn:aws:s3:::fl"}),
        ),
        inst(
            "aws_flow_log.subnet",
            json!({"subnet_id": "${aws_subnet.private.id}", "traffic_type": "ALL"}),
        ),
    ]);
    all_valid(&rs);
    assert_eq!(
        attr(find(&rs, "aws_subnet.private"), "map_public_ip_on_launch"),
        false
    );
    assert_eq!(
        attr(find(&rs, "aws_subnet.public"), "map_public_ip_on_launch"),
        true
    );
    assert_eq!(
        attr(find(&rs, "aws_default_subnet.d"), "map_public_ip_on_launch"),
        true
    );
    let v = find(&rs, "aws_vpc.v");
    assert_eq!(attr(v, "flow_logs.0.traffic_type"), "REJECT");
    assert_eq!(attr(v, "flow_logs.0.destination_type"), "s3");
    assert_eq!(attr(find(&rs, "aws_vpc.bare"), "flow_logs"), &json!([]));
}

#[test]
fn default_security_group_is_named_default() {
    let rs = normalize(&[
        inst(
            "aws_default_security_group.d",
            json!({"vpc_id": "${aws_vpc.v.id}"}),
        ),
        inst(
            "aws_security_group_rule.r",
            json!({"type": "ingress", "security_group_id": "${aws_default_security_group.d.id}", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}),
        ),
    ]);
    all_valid(&rs);
    let d = find(&rs, "aws_default_security_group.d");
    assert_eq!(d.kind, "aws.ec2.security_group");
    assert_eq!(attr(d, "name"), "default");
    assert_eq!(attr(d, "ingress.0.from_port"), 22);
    assert_eq!(attr(d, "egress"), &json!([]));
}

#[test]
fn instances_templates_and_launch_configurations() {
    let rs = normalize(&[
        inst("aws_instance.plain", json!({"instance_type": "t3.micro"})),
        inst(
            "aws_instance.hardened",
            json!({"associate_public_ip_address": false, "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}]}),
        ),
        inst(
            "aws_instance.from_template",
            json!({"launch_template": [{"id": "${aws_launch_template.t.id}"}]}),
        ),
        inst(
            "aws_launch_template.t",
            json!({"name_prefix": "web", "network_interfaces": [{"associate_public_ip_address": true, "device_index": 0}], "metadata_options": [{"http_tokens": "${var.tokens}"}]}),
        ),
        inst(
            "aws_launch_configuration.l",
            json!({"name": "l", "associate_public_ip_address": true}),
        ),
    ]);
    all_valid(&rs);
    let plain = find(&rs, "aws_instance.plain");
    assert_eq!(attr(plain, "metadata_options"), &Value::Null);
    assert_eq!(attr(plain, "associate_public_ip_address"), &Value::Null);
    assert_eq!(
        attr(
            find(&rs, "aws_instance.hardened"),
            "metadata_options.http_tokens"
        ),
        "required"
    );
    assert_eq!(
        attr(find(&rs, "aws_instance.from_template"), "launch_template"),
        "${aws_launch_template.t.id}"
    );
    let t = find(&rs, "aws_launch_template.t");
    assert!(is_unknown(t, "name"));
    assert_eq!(
        attr(t, "network_interfaces.0.associate_public_ip_address"),
        true
    );
    assert!(is_unknown(t, "metadata_options.http_tokens"));
    assert_eq!(
        attr(
            find(&rs, "aws_launch_configuration.l"),
            "associate_public_ip_address"
        ),
        true
    );
}

#[test]
fn lambda_permissions_become_policy_statements() {
    let rs = normalize(&[
        inst(
            "aws_lambda_function.f",
            json!({"function_name": "f", "runtime": "python3.12", "environment": [{"variables": {"DB_PASSWORD": "hunter22"}}]}),
        ),
        inst(
            "aws_lambda_permission.s3",
            json!({"function_name": "${aws_lambda_function.f.function_name}", "principal": "s3.amazonaws.com", "action": "lambda:InvokeFunction", "source_arn": "${aws_s3_bucket.b.arn}"}),
        ),
        inst(
            "aws_lambda_permission.all",
            json!({"function_name": "f", "principal": "*", "action": "lambda:InvokeFunction"}),
        ),
        inst(
            "aws_lambda_function_url.u",
            json!({"function_name": "${aws_lambda_function.f.arn}", "authorization_type": "AWS_IAM"}),
        ),
        inst(
            "aws_lambda_permission.other",
            json!({"function_name": "arn:aws:lambda:eu-west-1:111122223333:function:other", "principal": "*"}),
        ),
    ]);
    all_valid(&rs);
    let f = find(&rs, "aws_lambda_function.f");
    assert_eq!(attr(f, "package_type"), "Zip");
    assert_eq!(attr(f, "environment_variables.DB_PASSWORD"), "hunter22");
    assert_eq!(attr(f, "function_url.authorization_type"), "AWS_IAM");
    let statements = attr(f, "policy.Statement").as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert!(statements.contains(&json!({"Sid": null, "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"})));
    assert!(statements
        .iter()
        .any(|s| s["Principal"] == json!({"Service": "s3.amazonaws.com"})
            && s["Condition"]["ArnLike"]["aws:SourceArn"] == "${aws_s3_bucket.b.arn}"));
    // A public grant on a function outside the configuration is kept, on a stand-in function.
    let other = find(&rs, "aws_lambda_permission.other");
    assert_eq!(other.kind, "aws.lambda.function");
    assert!(is_unknown(other, "runtime"));
    assert_eq!(attr(other, "policy.Statement.1.Principal"), "*");
}

#[test]
fn a_permission_naming_its_function_by_the_same_interpolated_text_joins_it() {
    let rs = normalize(&[
        inst(
            "aws_lambda_function.f",
            json!({"function_name": "${random_pet.this.id}-lambda", "runtime": "python3.12"}),
        ),
        inst(
            "aws_lambda_function.g",
            json!({"function_name": "${random_pet.this.id}-other", "runtime": "python3.12"}),
        ),
        inst(
            "aws_lambda_permission.p",
            json!({"function_name": "${random_pet.this.id}-lambda", "principal": "*", "action": "lambda:InvokeFunction"}),
        ),
        // Interpolated text is no literal: "x-lambda" may or may not be either function.
        inst(
            "aws_lambda_permission.literal",
            json!({"function_name": "x-lambda", "principal": "*", "action": "lambda:InvokeFunction"}),
        ),
    ]);
    let f = find(&rs, "aws_lambda_function.f");
    assert_eq!(attr(f, "policy.Statement.0.Principal"), "*");
    assert_eq!(
        f.provenance.joined.first().map(String::as_str),
        Some("aws_lambda_permission.p")
    );
    assert!(attr(find(&rs, "aws_lambda_function.g"), "policy").is_null());
    let literal = find(&rs, "aws_lambda_permission.literal");
    assert_eq!(literal.kind, "aws.lambda.function");
}

#[test]
fn eks_defaults_are_public_and_unlogged() {
    let rs = normalize(&[
        inst(
            "aws_eks_cluster.default",
            json!({"name": "d", "vpc_config": [{"subnet_ids": ["a"]}]}),
        ),
        inst(
            "aws_eks_cluster.private",
            json!({"name": "p", "version": "1.33", "vpc_config": [{"endpoint_public_access": false, "endpoint_private_access": true}],
            "enabled_cluster_log_types": ["api", "audit"], "encryption_config": [{"resources": ["secrets"], "provider": [{"key_arn": "${aws_kms_key.k.arn}"}]}]}),
        ),
    ]);
    all_valid(&rs);
    let d = find(&rs, "aws_eks_cluster.default");
    assert_eq!(attr(d, "endpoint_public_access"), true);
    assert_eq!(attr(d, "public_access_cidrs"), &json!(["0.0.0.0/0"]));
    assert_eq!(attr(d, "enabled_log_types"), &json!([]));
    assert_eq!(attr(d, "version"), &Value::Null);
    let p = find(&rs, "aws_eks_cluster.private");
    assert_eq!(attr(p, "endpoint_public_access"), false);
    assert_eq!(
        attr(p, "encryption_config.0.key_arn"),
        "${aws_kms_key.k.arn}"
    );
}

#[test]
fn ecr_repository_sees_the_registry_configuration() {
    let alone = normalize(&[inst("aws_ecr_repository.r", json!({"name": "app"}))]);
    let r = find(&alone, "aws_ecr_repository.r");
    assert_eq!(attr(r, "scan_on_push"), false);
    assert!(
        is_unknown(r, "registry_scanning"),
        "registry configured elsewhere is not known"
    );
    let with = normalize(&[
        inst(
            "aws_ecr_repository.r",
            json!({"name": "app", "image_scanning_configuration": [{"scan_on_push": true}]}),
        ),
        inst(
            "aws_ecr_registry_scanning_configuration.c",
            json!({"scan_type": "ENHANCED", "rule": [{"scan_frequency": "CONTINUOUS_SCAN", "repository_filter": [{"filter": "*", "filter_type": "WILDCARD"}]}]}),
        ),
    ]);
    all_valid(&with);
    let r = find(&with, "aws_ecr_repository.r");
    assert_eq!(attr(r, "scan_on_push"), true);
    assert_eq!(attr(r, "registry_scanning.scan_type"), "ENHANCED");
    assert_eq!(attr(r, "registry_scanning.rules.0.filters"), &json!(["*"]));
}
