//! Unit tests of the Terraform adapter with hand-built instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::normalize;
use crate::collect::terraform::{Mode, TfInstance};
use crate::model::{first_unknown, lookup, unknown, Resource};

pub(super) fn inst(address: &str, values: Value) -> TfInstance {
    let (chain, local) = split_address(address);
    let mut parts = local.splitn(2, '.');
    let rtype = parts.next().unwrap().to_owned();
    let name = parts.next().unwrap().split('[').next().unwrap().to_owned();
    TfInstance {
        mode: Mode::Managed,
        resource_type: rtype,
        name,
        address: address.to_owned(),
        module_chain: chain,
        file: "main.tf".into(),
        start_line: 1,
        end_line: 10,
        existence_unknown: None,
        values,
        attribute_lines: BTreeMap::new(),
    }
}

/// `module.a[0].module.b.aws_x.y` → (["module.a[0]", "module.b"], "aws_x.y").
fn split_address(address: &str) -> (Vec<String>, String) {
    let mut chain = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.').unwrap();
        chain.push(format!("module.{}", &after[..end]));
        rest = &after[end + 1..];
    }
    (chain, rest.to_owned())
}

pub(super) fn with_lines(
    mut i: TfInstance,
    file: &str,
    start: u32,
    end: u32,
    lines: &[(&str, u32)],
) -> TfInstance {
    i.file = file.into();
    i.start_line = start;
    i.end_line = end;
    i.attribute_lines = lines
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l, *l)))
        .collect();
    i
}

pub(super) fn find<'a>(rs: &'a [Resource], address: &str) -> &'a Resource {
    rs.iter().find(|r| r.address == address).unwrap_or_else(|| {
        panic!(
            "no resource {address} in {:#?}",
            rs.iter().map(|r| &r.address).collect::<Vec<_>>()
        )
    })
}

pub(super) fn attr<'a>(r: &'a Resource, path: &str) -> &'a Value {
    lookup(&r.attributes, path)
        .ok()
        .flatten()
        .unwrap_or(&Value::Null)
}

pub(super) fn is_unknown(r: &Resource, path: &str) -> bool {
    lookup(&r.attributes, path).is_err()
}

#[test]
fn s3_v4_split_resources_join_into_their_bucket() {
    let bucket = with_lines(
        inst(
            "aws_s3_bucket.b",
            json!({"bucket": "data", "tags": {"env": "prod"}}),
        ),
        "s3.tf",
        1,
        4,
        &[("bucket", 2), ("tags", 3)],
    );
    let sse = with_lines(
        inst(
            "aws_s3_bucket_server_side_encryption_configuration.b",
            json!({"bucket": "${aws_s3_bucket.b.id}", "rule": [{
                "apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "${aws_kms_key.k.arn}"}],
                "bucket_key_enabled": true}]}),
        ),
        "s3.tf",
        10,
        20,
        &[
            (
                "rule.0.apply_server_side_encryption_by_default.0.sse_algorithm",
                14,
            ),
            (
                "rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id",
                15,
            ),
        ],
    );
    let pab = inst(
        "aws_s3_bucket_public_access_block.b",
        json!({"bucket": "${aws_s3_bucket.b.bucket}", "block_public_acls": true, "block_public_policy": true}),
    );
    let ver = inst(
        "aws_s3_bucket_versioning.b",
        json!({"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": [{"status": "Suspended"}]}),
    );
    let log = inst(
        "aws_s3_bucket_logging.b",
        json!({"bucket": "${aws_s3_bucket.b.id}", "target_bucket": "${aws_s3_bucket.logs.id}", "target_prefix": "b/"}),
    );
    let pol = inst(
        "aws_s3_bucket_policy.b",
        json!({"bucket": "${aws_s3_bucket.b.id}", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}),
    );
    let acl = inst(
        "aws_s3_bucket_acl.b",
        json!({"bucket": "${aws_s3_bucket.b.id}", "access_control_policy": [{"grant": [
            {"grantee": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}], "permission": "READ"}
        ], "owner": [{"id": "abc"}]}]}),
    );
    let own = inst(
        "aws_s3_bucket_ownership_controls.b",
        json!({"bucket": "${aws_s3_bucket.b.id}", "rule": [{"object_ownership": "BucketOwnerEnforced"}]}),
    );
    let rs = normalize(&[pol, bucket, sse, pab, ver, log, acl, own]);
    assert_eq!(rs.len(), 1, "{rs:#?}");
    let b = find(&rs, "aws_s3_bucket.b");
    assert_eq!(b.kind, "aws.s3.bucket");
    assert_eq!(
        b.attributes,
        json!({
            "name": "data",
            "encryption": {"sse_algorithm": "aws:kms", "kms_master_key_id": "${aws_kms_key.k.arn}", "bucket_key_enabled": true},
            "public_access_block": {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": false, "restrict_public_buckets": false},
            "acl": {"canned": null, "grants": [{"grantee_type": "Group", "grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers", "grantee_id": null, "permission": "READ"}]},
            "object_ownership": "BucketOwnerEnforced",
            "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]},
            "policy_is_public": null,
            "versioning": {"enabled": false, "mfa_delete": null},
            "logging": {"enabled": true, "target_bucket": "${aws_s3_bucket.logs.id}", "target_prefix": "b/"},
            "object_lock": null,
            "tags": {"env": "prod"}
        })
    );
    // Locations point into the joined block, at the line of the argument when known.
    let loc = b.attribute_location("encryption.sse_algorithm").unwrap();
    assert_eq!((loc.file.as_str(), loc.start_line), ("s3.tf", 14));
    let loc = b
        .attribute_location("encryption.bucket_key_enabled")
        .unwrap();
    assert_eq!(
        (loc.start_line, loc.end_line),
        (10, 20),
        "falls back to the sub-resource block"
    );
    assert_eq!(b.attribute_location("name").unwrap().start_line, 2);
    assert_eq!(b.location.as_ref().unwrap().start_line, 1);
    assert_eq!(b.provenance.parser, "vouch-hcl");
    assert_eq!(
        b.provenance.source_types.first().map(String::as_str),
        Some("aws_s3_bucket")
    );
    assert_eq!(b.provenance.source_types.len(), 8);
    assert_eq!(b.provenance.joined.len(), 7);
}

#[test]
fn s3_v3_inline_arguments() {
    let b = inst(
        "aws_s3_bucket.legacy",
        json!({
            "bucket": "legacy",
            "acl": "public-read",
            "versioning": [{"enabled": true}],
            "logging": [{"target_bucket": "logs"}],
            "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}],
            "object_lock_configuration": [{"object_lock_enabled": "Enabled", "rule": [{"default_retention": [{"mode": "COMPLIANCE", "days": 30}]}]}],
            "grant": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "permissions": ["READ", "WRITE"]}],
            "policy": "${data.aws_iam_policy_document.p.json}"
        }),
    );
    let b = with_lines(
        b,
        "legacy.tf",
        1,
        30,
        &[("server_side_encryption_configuration.0.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm", 9)],
    );
    let rs = normalize(&[b]);
    let r = find(&rs, "aws_s3_bucket.legacy");
    assert_eq!(attr(r, "encryption.sse_algorithm"), "AES256");
    assert_eq!(attr(r, "encryption.kms_master_key_id"), &Value::Null);
    assert_eq!(
        r.attribute_location("encryption.sse_algorithm")
            .unwrap()
            .start_line,
        9
    );
    assert_eq!(
        attr(r, "versioning"),
        &json!({"enabled": true, "mfa_delete": false})
    );
    assert_eq!(
        attr(r, "logging"),
        &json!({"enabled": true, "target_bucket": "logs", "target_prefix": null})
    );
    assert_eq!(attr(r, "acl.canned"), "public-read");
    assert_eq!(attr(r, "acl.grants").as_array().unwrap().len(), 2);
    assert_eq!(attr(r, "acl.grants.1.permission"), "WRITE");
    assert_eq!(
        attr(r, "object_lock"),
        &json!({"enabled": true, "mode": "COMPLIANCE", "days": 30, "years": null})
    );
    assert!(
        is_unknown(r, "policy"),
        "a data-source document is computed at plan time"
    );
    assert_eq!(attr(r, "public_access_block"), &Value::Null);
}

#[test]
fn s3_v4_resource_overrides_inline_and_unconfigured_is_null() {
    let b = inst(
        "aws_s3_bucket.b",
        json!({"bucket": "b", "versioning": [{"enabled": false}]}),
    );
    let v = inst(
        "aws_s3_bucket_versioning.v",
        json!({"bucket": "b", "versioning_configuration": [{"status": "Enabled", "mfa_delete": "Disabled"}]}),
    );
    let other = inst("aws_s3_bucket.other", json!({"bucket_prefix": "x-"}));
    let rs = normalize(&[b, v, other]);
    assert_eq!(
        attr(find(&rs, "aws_s3_bucket.b"), "versioning"),
        &json!({"enabled": true, "mfa_delete": false})
    );
    let o = find(&rs, "aws_s3_bucket.other");
    assert_eq!(attr(o, "versioning"), &Value::Null);
    assert_eq!(attr(o, "encryption"), &Value::Null);
    assert!(is_unknown(o, "name"));
}

#[test]
fn s3_references_are_relative_to_the_module() {
    let mut all = Vec::new();
    for (m, status) in [("a", "Enabled"), ("b", "Suspended")] {
        all.push(inst(
            &format!("module.{m}.aws_s3_bucket.this[0]"),
            json!({"bucket": format!("bucket-{m}")}),
        ));
        all.push(inst(
            &format!("module.{m}.aws_s3_bucket_versioning.this[0]"),
            json!({"bucket": "${aws_s3_bucket.this[0].id}", "versioning_configuration": [{"status": status}]}),
        ));
    }
    // for_each instance keys with dots and quotes.
    all.push(inst(
        r#"aws_s3_bucket.many["x.y"]"#,
        json!({"bucket": "m1"}),
    ));
    all.push(inst(r#"aws_s3_bucket.many["z"]"#, json!({"bucket": "m2"})));
    all.push(inst(
        r#"aws_s3_bucket_versioning.many["x.y"]"#,
        json!({"bucket": r#"${aws_s3_bucket.many["x.y"].id}"#, "versioning_configuration": [{"status": "Enabled"}]}),
    ));
    let rs = normalize(&all);
    assert_eq!(
        rs.len(),
        4,
        "{:#?}",
        rs.iter().map(|r| &r.address).collect::<Vec<_>>()
    );
    assert_eq!(
        attr(
            find(&rs, "module.a.aws_s3_bucket.this[0]"),
            "versioning.enabled"
        ),
        true
    );
    assert_eq!(
        attr(
            find(&rs, "module.b.aws_s3_bucket.this[0]"),
            "versioning.enabled"
        ),
        false
    );
    assert_eq!(
        find(&rs, "module.a.aws_s3_bucket.this[0]").module_chain,
        vec!["module.a".to_owned()]
    );
    assert_eq!(
        attr(
            find(&rs, r#"aws_s3_bucket.many["x.y"]"#),
            "versioning.enabled"
        ),
        true
    );
    assert_eq!(
        attr(find(&rs, r#"aws_s3_bucket.many["z"]"#), "versioning"),
        &Value::Null
    );
}

#[test]
fn s3_reference_through_a_module_variable_reaches_the_caller() {
    let b = inst("aws_s3_bucket.b", json!({"bucket": "${var.name}"}));
    let p = inst(
        "module.pab.aws_s3_bucket_public_access_block.this",
        json!({"bucket": "${aws_s3_bucket.b.id}", "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}),
    );
    let rs = normalize(&[b, p]);
    assert_eq!(rs.len(), 1);
    assert_eq!(
        attr(&rs[0], "public_access_block.restrict_public_buckets"),
        true
    );
}

#[test]
fn s3_unresolved_sub_resources_stay_visible_and_make_candidates_unknown() {
    let known = inst("aws_s3_bucket.a", json!({"bucket": "a"}));
    let mystery = inst(
        "aws_s3_bucket_versioning.v",
        json!({"bucket": unknown("var.bucket has no value"), "versioning_configuration": [{"status": "Disabled"}]}),
    );
    let outside1 = inst(
        "aws_s3_bucket_policy.ext",
        json!({"bucket": "existing-logs", "policy": "{\"Statement\":[]}"}),
    );
    let outside2 = inst(
        "aws_s3_bucket_public_access_block.ext",
        json!({"bucket": "existing-logs", "block_public_acls": true}),
    );
    let rs = normalize(&[known, mystery, outside1, outside2]);
    let a = find(&rs, "aws_s3_bucket.a");
    assert!(is_unknown(a, "versioning"), "{a:#?}");
    assert_eq!(
        attr(a, "encryption"),
        &Value::Null,
        "only the attribute the sub-resource sets"
    );

    // The versioning resource stands for its (unknown) bucket.
    let v = find(&rs, "aws_s3_bucket_versioning.v");
    assert_eq!(v.kind, "aws.s3.bucket");
    assert_eq!(attr(v, "versioning.enabled"), false);
    assert!(is_unknown(v, "name") && is_unknown(v, "encryption"));

    // Both sub-resources of the outside bucket fold into one resource named after it.
    let ext = find(&rs, "aws_s3_bucket_policy.ext");
    assert_eq!(attr(ext, "name"), "existing-logs");
    assert_eq!(attr(ext, "policy"), &json!({"Statement": []}));
    assert_eq!(attr(ext, "public_access_block.block_public_acls"), true);
    assert!(is_unknown(ext, "versioning"));
    assert_eq!(
        ext.provenance.joined,
        vec!["aws_s3_bucket_public_access_block.ext".to_owned()]
    );
    assert_eq!(rs.len(), 3);
}

#[test]
fn s3_module_output_reference_is_not_guessed() {
    let b = inst("module.logs.aws_s3_bucket.this", json!({"bucket": "logs"}));
    let p = inst(
        "aws_s3_bucket_policy.p",
        json!({"bucket": "${module.logs.bucket_id}", "policy": "{}"}),
    );
    let rs = normalize(&[b, p]);
    assert!(is_unknown(
        find(&rs, "module.logs.aws_s3_bucket.this"),
        "policy"
    ));
    assert_eq!(
        attr(find(&rs, "aws_s3_bucket_policy.p"), "policy"),
        &json!({})
    );
}

#[test]
fn policy_strings_are_parsed_or_unknown() {
    let mk = |p: Value| inst("aws_iam_policy.p", json!({"name": "p", "policy": p}));
    let doc = |rs: &[Resource]| find(rs, "aws_iam_policy.p").attributes["document"].clone();
    let heredoc = "  {\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"${aws_s3_bucket.b.arn}\"}\n}\n";
    assert_eq!(
        doc(&normalize(&[mk(json!(heredoc))]))["Statement"]["Resource"],
        json!("${aws_s3_bucket.b.arn}")
    );
    assert!(first_unknown(&doc(&normalize(&[mk(json!("not json"))]))).is_some());
    assert!(first_unknown(&doc(&normalize(&[mk(json!(
        "${data.aws_iam_policy_document.x.json}"
    ))])))
    .is_some());
    assert!(first_unknown(&doc(&normalize(&[mk(unknown("var.p"))]))).is_some());
    assert_eq!(
        doc(&normalize(&[mk(json!({"Statement": []}))])),
        json!({"Statement": []})
    );
}

#[test]
fn security_group_rules_join_into_their_group() {
    let g = with_lines(
        inst(
            "aws_security_group.web",
            json!({"name": "web", "vpc_id": "${aws_vpc.main.id}",
                "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}],
                "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}]}),
        ),
        "sg.tf",
        1,
        20,
        &[("ingress.0", 3), ("ingress.0.cidr_blocks", 5)],
    );
    let r1 = with_lines(
        inst(
            "aws_security_group_rule.ssh",
            json!({"type": "ingress", "security_group_id": "${aws_security_group.web.id}", "protocol": "6",
                "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"], "self": true}),
        ),
        "rules.tf",
        30,
        38,
        &[("from_port", 33)],
    );
    let r2 = inst(
        "aws_vpc_security_group_ingress_rule.all",
        json!({"security_group_id": "${aws_security_group.web.id}", "ip_protocol": "-1", "cidr_ipv6": "::/0"}),
    );
    let r3 = inst(
        "aws_vpc_security_group_egress_rule.dns",
        json!({"security_group_id": "${aws_security_group.web.id}", "ip_protocol": "udp", "from_port": 53, "to_port": 53, "referenced_security_group_id": "${aws_security_group.dns.id}"}),
    );
    let rs = normalize(&[r3, r2, r1, g]);
    assert_eq!(rs.len(), 1);
    let sg = &rs[0];
    assert_eq!(sg.kind, "aws.ec2.security_group");
    assert_eq!(attr(sg, "description"), "Managed by Terraform");
    let ingress = attr(sg, "ingress").as_array().unwrap();
    assert_eq!(ingress.len(), 3);
    assert!(!is_unknown(sg, "ingress.0.cidr_ipv4"));
    assert_eq!(
        ingress[0],
        json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": ["0.0.0.0/0"], "cidr_ipv6": ["::/0"],
               "source_security_groups": [], "prefix_lists": [], "self": false, "description": null})
    );
    // Standalone rules follow by address: aws_security_group_rule < aws_vpc_...
    assert_eq!(ingress[1]["protocol"], "tcp");
    assert_eq!(ingress[1]["self"], true);
    assert_eq!(
        ingress[2],
        json!({"protocol": "-1", "from_port": null, "to_port": null, "cidr_ipv4": [], "cidr_ipv6": ["::/0"],
               "source_security_groups": [], "prefix_lists": [], "self": false, "description": null})
    );
    let egress = attr(sg, "egress").as_array().unwrap();
    assert_eq!(egress.len(), 2);
    assert_eq!(
        egress[1]["source_security_groups"],
        json!(["${aws_security_group.dns.id}"])
    );
    assert_eq!(
        sg.attribute_location("ingress.0.cidr_ipv4")
            .unwrap()
            .start_line,
        5
    );
    let loc = sg.attribute_location("ingress.1.from_port").unwrap();
    assert_eq!((loc.file.as_str(), loc.start_line), ("rules.tf", 33));
    assert_eq!(
        sg.attribute_location("ingress.1.cidr_ipv4")
            .unwrap()
            .start_line,
        30
    );
    assert_eq!(sg.provenance.joined.len(), 3);
}

#[test]
fn security_group_rule_without_known_group() {
    let g = inst("aws_security_group.g", json!({"name": "g"}));
    let r = inst(
        "aws_security_group_rule.r",
        json!({"type": "ingress", "security_group_id": unknown("var.sg_id has no value"), "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}),
    );
    let ext = inst(
        "aws_vpc_security_group_ingress_rule.ext",
        json!({"security_group_id": "sg-0123", "ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv4": "0.0.0.0/0"}),
    );
    let rs = normalize(&[g, r, ext]);
    assert_eq!(rs.len(), 3);
    let g = find(&rs, "aws_security_group.g");
    assert!(is_unknown(g, "ingress.0"), "{g:#?}");
    assert_eq!(attr(g, "egress"), &json!([]));
    let r = find(&rs, "aws_security_group_rule.r");
    assert!(
        is_unknown(r, "ingress.0"),
        "other rules of the outside group"
    );
    assert_eq!(attr(r, "ingress.1.from_port"), 22);
    let ext = find(&rs, "aws_vpc_security_group_ingress_rule.ext");
    assert_eq!(attr(ext, "ingress.1.cidr_ipv4"), &json!(["0.0.0.0/0"]));
}

#[test]
fn kms_key_defaults_and_aliases() {
    let k = inst("aws_kms_key.k", json!({"description": "d"}));
    let k2 = inst(
        "aws_kms_key.sign",
        json!({"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "enable_key_rotation": "${var.rot}"}),
    );
    let a = inst(
        "aws_kms_alias.a",
        json!({"name": "alias/app", "target_key_id": "${aws_kms_key.k.key_id}"}),
    );
    let rs = normalize(&[a, k, k2]);
    assert_eq!(rs.len(), 2);
    let k = find(&rs, "aws_kms_key.k");
    assert_eq!(attr(k, "rotation_enabled"), false);
    assert_eq!(attr(k, "key_spec"), "SYMMETRIC_DEFAULT");
    assert_eq!(attr(k, "enabled"), true);
    assert_eq!(attr(k, "aliases"), &json!(["alias/app"]));
    assert_eq!(attr(k, "policy"), &Value::Null);
    let s = find(&rs, "aws_kms_key.sign");
    assert_eq!(attr(s, "key_spec"), "RSA_2048");
    assert!(is_unknown(s, "rotation_enabled"));
}

#[test]
fn one_to_one_kinds() {
    let rs = normalize(&[
        inst(
            "aws_db_instance.db",
            json!({"identifier": "db", "engine": "postgres", "publicly_accessible": true}),
        ),
        inst(
            "aws_db_instance.replica",
            json!({"replicate_source_db": "${aws_db_instance.db.identifier}"}),
        ),
        inst(
            "aws_rds_cluster.c",
            json!({"cluster_identifier": "c", "storage_encrypted": true}),
        ),
        inst(
            "aws_rds_cluster_instance.ci",
            json!({"cluster_identifier": "${aws_rds_cluster.c.id}"}),
        ),
        inst(
            "aws_ebs_volume.v",
            json!({"availability_zone": "eu-west-1a", "size": 10}),
        ),
        inst("aws_ebs_volume.snap", json!({"snapshot_id": "snap-1"})),
        inst("aws_ebs_encryption_by_default.d", json!({})),
        inst(
            "aws_cloudtrail.t",
            json!({"name": "t", "s3_bucket_name": "logs", "event_selector": [{"read_write_type": "WriteOnly"}]}),
        ),
        inst(
            "aws_iam_role_policy.rp",
            json!({"name": "rp", "role": "${aws_iam_role.r.id}", "policy": "{\"Statement\":[]}"}),
        ),
        inst(
            "aws_guardduty_detector.d",
            json!({"enable": false, "datasources": [{"s3_logs": [{"enable": true}], "kubernetes": [{"audit_logs": [{"enable": false}]}]}]}),
        ),
        inst(
            "aws_s3_account_public_access_block.a",
            json!({"block_public_acls": true}),
        ),
        inst("aws_route53_zone.ignored", json!({})),
    ]);
    assert_eq!(rs.len(), 11);
    let db = find(&rs, "aws_db_instance.db");
    assert_eq!(
        (
            attr(db, "storage_encrypted"),
            attr(db, "publicly_accessible")
        ),
        (&json!(false), &json!(true))
    );
    assert_eq!(attr(db, "cluster_identifier"), &Value::Null);
    assert!(is_unknown(
        find(&rs, "aws_db_instance.replica"),
        "storage_encrypted"
    ));
    assert!(is_unknown(
        find(&rs, "aws_db_instance.replica"),
        "identifier"
    ));
    assert_eq!(
        attr(find(&rs, "aws_rds_cluster.c"), "storage_encrypted"),
        true
    );
    let ci = find(&rs, "aws_rds_cluster_instance.ci");
    assert_eq!(ci.kind, "aws.rds.db_instance");
    assert_eq!(attr(ci, "storage_encrypted"), &Value::Null);
    assert_eq!(attr(ci, "publicly_accessible"), false);
    assert_eq!(attr(find(&rs, "aws_ebs_volume.v"), "encrypted"), false);
    assert!(is_unknown(find(&rs, "aws_ebs_volume.snap"), "encrypted"));
    assert_eq!(
        attr(
            find(&rs, "aws_ebs_encryption_by_default.d"),
            "encryption_by_default"
        ),
        true
    );
    let t = find(&rs, "aws_cloudtrail.t");
    assert_eq!(
        (
            attr(t, "is_multi_region_trail"),
            attr(t, "include_global_service_events"),
            attr(t, "is_logging"),
            attr(t, "log_file_validation_enabled")
        ),
        (&json!(false), &json!(true), &json!(true), &json!(false))
    );
    assert_eq!(
        attr(t, "event_selectors"),
        &json!([{"read_write_type": "WriteOnly", "include_management_events": true, "exclude_management_event_sources": [], "data_resources": []}])
    );
    let rp = find(&rs, "aws_iam_role_policy.rp");
    assert_eq!(attr(rp, "type"), "inline");
    assert_eq!(
        attr(rp, "attached_to"),
        &json!({"type": "role", "name": "${aws_iam_role.r.id}"})
    );
    let gd = find(&rs, "aws_guardduty_detector.d");
    assert_eq!(attr(gd, "enabled"), false);
    assert_eq!(
        attr(gd, "features"),
        &json!([{"name": "EKS_AUDIT_LOGS", "status": "DISABLED"}, {"name": "S3_DATA_EVENTS", "status": "ENABLED"}])
    );
    assert_eq!(
        attr(
            find(&rs, "aws_s3_account_public_access_block.a"),
            "ignore_public_acls"
        ),
        false
    );
}

#[test]
fn data_sources_are_not_resources() {
    let mut d = inst("aws_s3_bucket.b", json!({"bucket": "b"}));
    d.mode = Mode::Data;
    assert!(normalize(&[d]).is_empty());
}

/// Garbage in any argument never panics and never becomes a known value silently.
#[test]
fn malformed_values_do_not_panic() {
    let types = [
        "aws_s3_bucket",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_acl",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_logging",
        "aws_s3_bucket_object_lock_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_kms_key",
        "aws_kms_alias",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_ebs_volume",
        "aws_cloudtrail",
        "aws_iam_policy",
        "aws_guardduty_detector",
        "aws_ebs_encryption_by_default",
    ];
    let garbage = [
        json!(null),
        json!(42),
        json!("x"),
        json!([1, 2]),
        unknown("whole"),
        json!({"bucket": [1], "rule": "x", "ingress": 5, "versioning_configuration": [null], "policy": 7,
               "access_control_policy": [{"grant": [{"grantee": "x"}]}], "event_selector": [{"data_resource": 3}],
               "datasources": [{"s3_logs": "on"}], "tags": [1], "enable_key_rotation": 3, "type": 1, "security_group_id": {}}),
    ];
    for t in types {
        for g in &garbage {
            let rs = normalize(&[inst(&format!("{t}.x"), g.clone())]);
            for r in rs {
                validate_against_schema(&r);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Schema conformance: every attribute the adapter writes is declared by its kind's schema.
// A small validator for the subset of JSON Schema the kind schemas use.
// ---------------------------------------------------------------------------------------

fn resolve_ref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            &root["$defs"][name]
        }
        None => node,
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn check(root: &Value, schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    let schema = resolve_ref(root, schema);
    if let Some(alts) = schema.get("anyOf").and_then(Value::as_array) {
        let errors: Vec<String> = alts
            .iter()
            .filter_map(|s| check(root, s, v, path).err())
            .collect();
        return if errors.len() < alts.len() {
            Ok(())
        } else {
            Err(format!("{path}: no alternative matches {v}: {errors:?}"))
        };
    }
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
            _ => true,
        };
        if !ok {
            return Err(format!("{path}: {v} is not {t}"));
        }
    }
    if let (Some(props), Some(map)) = (
        schema.get("properties").and_then(Value::as_object),
        v.as_object(),
    ) {
        for (k, item) in map {
            match props.get(k) {
                Some(s) => check(root, s, item, &format!("{path}.{k}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!("{path}.{k}: not in the schema"))
                    }
                    Some(s @ Value::Object(_)) => check(root, s, item, &format!("{path}.{k}"))?,
                    _ => {}
                },
            }
        }
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !map.contains_key(req.as_str().unwrap_or_default()) {
                return Err(format!("{path}: missing {req}"));
            }
        }
    } else if let (Some(Value::Object(_)), Some(map)) =
        (schema.get("additionalProperties"), v.as_object())
    {
        for (k, item) in map {
            check(
                root,
                &schema["additionalProperties"],
                item,
                &format!("{path}.{k}"),
            )?;
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), v.as_array()) {
        for (i, item) in list.iter().enumerate() {
            check(root, items, item, &format!("{path}.{i}"))?;
        }
    }
    Ok(())
}

pub(crate) fn validate_against_schema(r: &Resource) {
    let text =
        crate::model::kinds::schema(&r.kind).unwrap_or_else(|| panic!("no schema for {}", r.kind));
    let root: Value = serde_json::from_str(text).unwrap();
    if let Err(e) = check(&root, &root, &r.attributes, "") {
        panic!(
            "{} ({}) does not match its schema: {e}\n{:#}",
            r.address, r.kind, r.attributes
        );
    }
    // Every declared attribute is written (null when not configured), so policies can tell
    // "not configured" from "this source does not know the attribute".
    for key in root["properties"].as_object().unwrap().keys() {
        assert!(
            r.attributes.get(key).is_some(),
            "{} ({}) lacks `{key}`",
            r.address,
            r.kind
        );
    }
}

#[test]
fn every_output_matches_its_kind_schema() {
    let rs = normalize(&[
        inst(
            "aws_s3_bucket.b",
            json!({"bucket": "b", "acl": "private", "object_lock_enabled": true}),
        ),
        inst(
            "aws_s3_bucket_acl.b",
            json!({"bucket": "b", "acl": "log-delivery-write"}),
        ),
        inst(
            "aws_s3_bucket_object_lock_configuration.b",
            json!({"bucket": "b", "rule": [{"default_retention": [{"mode": "GOVERNANCE", "years": 1}]}]}),
        ),
        inst(
            "aws_s3_bucket_logging.x",
            json!({"bucket": "${aws_s3_bucket.gone.id}", "target_bucket": "t"}),
        ),
        inst(
            "aws_security_group.g",
            json!({"name_prefix": "g", "ingress": unknown("dynamic block over var.rules")}),
        ),
        inst(
            "aws_security_group_rule.u",
            json!({"type": "${var.t}", "security_group_id": "${aws_security_group.g.id}"}),
        ),
        inst(
            "aws_kms_key.k",
            json!({"policy": "{\"Version\":\"2012-10-17\"}", "rotation_period_in_days": 90}),
        ),
        inst("aws_kms_external_key.e", json!({})),
        inst("aws_db_instance.d", json!({})),
        inst("aws_rds_cluster.c", json!({"engine_mode": "serverless"})),
        inst("aws_rds_cluster_instance.i", json!({})),
        inst("aws_ebs_volume.v", json!({"encrypted": true, "tags": {}})),
        inst("aws_ebs_encryption_by_default.e", json!({"enabled": false})),
        inst(
            "aws_cloudtrail.t",
            json!({"advanced_event_selector": [{"name": "m", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}]}]}),
        ),
        inst("aws_iam_policy.p", json!({"policy": "{}"})),
        inst(
            "aws_iam_user_policy.p",
            json!({"user": "u", "policy": "{}"}),
        ),
        inst(
            "aws_iam_group_policy.p",
            json!({"group": "g", "policy": "{}"}),
        ),
        inst("aws_guardduty_detector.d", json!({})),
        inst("aws_s3_account_public_access_block.a", json!({})),
    ]);
    let kinds: std::collections::BTreeSet<&str> = rs.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds.len(), 11, "{kinds:?}");
    for r in &rs {
        validate_against_schema(r);
    }
    let g = find(&rs, "aws_security_group.g");
    assert!(is_unknown(g, "ingress"));
    assert!(
        is_unknown(g, "egress.0"),
        "a rule of unknown direction may be an egress rule"
    );
    assert_eq!(
        attr(find(&rs, "aws_rds_cluster.c"), "storage_encrypted"),
        true
    );
    assert_eq!(
        attr(find(&rs, "aws_s3_bucket.b"), "acl.canned"),
        "log-delivery-write"
    );
    assert_eq!(
        attr(find(&rs, "aws_s3_bucket.b"), "object_lock"),
        &json!({"enabled": true, "mode": "GOVERNANCE", "days": null, "years": 1})
    );
    assert_eq!(
        attr(
            find(&rs, "aws_s3_bucket_logging.x"),
            "logging.target_bucket"
        ),
        "t"
    );
}

#[test]
fn computed_cidrs_are_unknown_but_computed_ids_are_kept() {
    let g = inst(
        "aws_security_group.g",
        json!({"name": "g", "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22,
            "cidr_blocks": ["${aws_vpc.v.cidr_block}", "10.0.0.0/8"], "security_groups": ["${aws_security_group.b.id}"]}]}),
    );
    let rs = normalize(&[g]);
    let g = &rs[0];
    assert!(is_unknown(g, "ingress.0.cidr_ipv4.0"));
    assert_eq!(attr(g, "ingress.0.cidr_ipv4.1"), "10.0.0.0/8");
    assert_eq!(
        attr(g, "ingress.0.source_security_groups.0"),
        "${aws_security_group.b.id}"
    );
}
