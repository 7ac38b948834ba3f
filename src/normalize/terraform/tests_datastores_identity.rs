//! Unit tests of the data-store and identity mappings (`datastores.rs`, `identity.rs`) with
//! hand-built instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;

use super::normalize;
use super::tests::{attr, find, inst, is_unknown, validate_against_schema};
use crate::model::unknown;

#[test]
fn every_new_output_matches_its_kind_schema() {
    let rs = normalize(&[
        inst("aws_dynamodb_table.t", json!({"name": "t"})),
        inst("aws_elasticache_replication_group.r", json!({})),
        inst("aws_db_snapshot.s", json!({"db_snapshot_identifier": "s"})),
        inst(
            "aws_db_cluster_snapshot.c",
            json!({"shared_accounts": ["all"]}),
        ),
        inst("aws_iam_account_password_policy.p", json!({})),
        inst("aws_iam_policy_attachment.a", json!({"users": ["u"]})),
        inst("aws_iam_user_policy_attachment.u", json!({"user": "u"})),
        inst("aws_db_instance.d", json!({})),
        inst(
            "aws_db_instance.replica",
            json!({"replicate_source_db": "${aws_db_instance.d.identifier}"}),
        ),
        inst("aws_rds_cluster.c", json!({})),
        inst("aws_rds_cluster_instance.i", json!({})),
    ]);
    for r in &rs {
        validate_against_schema(r);
    }
    let t = find(&rs, "aws_dynamodb_table.t");
    assert_eq!(attr(t, "point_in_time_recovery_enabled"), false);
    let r = find(&rs, "aws_elasticache_replication_group.r");
    assert_eq!(attr(r, "engine"), "redis");
    assert_eq!(attr(r, "at_rest_encryption_enabled"), false);
    assert_eq!(attr(r, "transit_encryption_enabled"), false);
    assert_eq!(attr(r, "auth_token_enabled"), false);
    assert_eq!(
        attr(find(&rs, "aws_db_cluster_snapshot.c"), "cluster"),
        true
    );
    let p = find(&rs, "aws_iam_account_password_policy.p");
    assert_eq!(attr(p, "minimum_password_length"), 6);
    assert_eq!(attr(p, "password_reuse_prevention"), &json!(null));
    assert_eq!(
        attr(find(&rs, "aws_iam_user_policy_attachment.u"), "users"),
        &json!(["u"])
    );
    let d = find(&rs, "aws_db_instance.d");
    assert_eq!(attr(d, "enabled_cloudwatch_logs_exports"), &json!([]));
    assert_eq!(attr(d, "tls_required"), &json!(null));
    assert_eq!(attr(d, "replica_source"), &json!(null));
    assert_eq!(
        attr(find(&rs, "aws_db_instance.replica"), "replica_source"),
        "${aws_db_instance.d.identifier}"
    );
    let i = find(&rs, "aws_rds_cluster_instance.i");
    assert_eq!(attr(i, "enabled_cloudwatch_logs_exports"), &json!(null));
}

#[test]
fn pitr_block_and_valkey_defaults() {
    let rs = normalize(&[
        inst(
            "aws_dynamodb_table.t",
            json!({"name": "t", "point_in_time_recovery": [{"enabled": true}]}),
        ),
        inst(
            "aws_elasticache_replication_group.v",
            json!({"engine": "valkey", "auth_token": "${random_password.p.result}",
                   "transit_encryption_enabled": true, "transit_encryption_mode": "preferred"}),
        ),
        inst(
            "aws_elasticache_replication_group.x",
            json!({"engine": "${var.engine}", "auth_token": unknown("var.token has no value")}),
        ),
    ]);
    assert_eq!(
        attr(
            find(&rs, "aws_dynamodb_table.t"),
            "point_in_time_recovery_enabled"
        ),
        true
    );
    let v = find(&rs, "aws_elasticache_replication_group.v");
    assert_eq!(attr(v, "at_rest_encryption_enabled"), true);
    assert_eq!(attr(v, "auth_token_enabled"), true);
    assert_eq!(attr(v, "transit_encryption_mode"), "preferred");
    let x = find(&rs, "aws_elasticache_replication_group.x");
    assert!(is_unknown(x, "at_rest_encryption_enabled"));
    assert!(is_unknown(x, "auth_token_enabled"));
}

#[test]
fn parameter_groups_are_joined_for_tls() {
    let rs = normalize(&[
        inst(
            "aws_db_parameter_group.pg",
            json!({"name": "pg", "family": "postgres14",
                   "parameter": [{"name": "rds.force_ssl", "value": "1"}]}),
        ),
        inst(
            "aws_db_parameter_group.my",
            json!({"name": "my", "parameter": [{"name": "require_secure_transport", "value": "OFF"}]}),
        ),
        inst(
            "aws_db_parameter_group.none",
            json!({"name": "none", "parameter": [{"name": "max_connections", "value": "10"}]}),
        ),
        inst(
            "aws_rds_cluster_parameter_group.cp",
            json!({"name": "cp", "parameter": [{"name": "rds.force_ssl", "value": "${var.ssl}"}]}),
        ),
        inst(
            "aws_db_instance.by_ref",
            json!({"parameter_group_name": "${aws_db_parameter_group.pg.name}"}),
        ),
        inst(
            "aws_db_instance.by_name",
            json!({"parameter_group_name": "my"}),
        ),
        inst(
            "aws_db_instance.unset_param",
            json!({"parameter_group_name": "none"}),
        ),
        inst(
            "aws_db_instance.default_group",
            json!({"parameter_group_name": "default.postgres15"}),
        ),
        inst(
            "aws_db_instance.outside",
            json!({"parameter_group_name": "shared-group"}),
        ),
        inst(
            "aws_rds_cluster.c",
            json!({"db_cluster_parameter_group_name": "${aws_rds_cluster_parameter_group.cp.name}",
                   "enabled_cloudwatch_logs_exports": ["postgresql"]}),
        ),
    ]);
    let tls = |a: &str| attr(find(&rs, a), "tls_required").clone();
    assert_eq!(tls("aws_db_instance.by_ref"), json!(true));
    assert_eq!(tls("aws_db_instance.by_name"), json!(false));
    assert_eq!(tls("aws_db_instance.unset_param"), json!(null));
    assert_eq!(tls("aws_db_instance.default_group"), json!(null));
    assert!(is_unknown(
        find(&rs, "aws_db_instance.outside"),
        "tls_required"
    ));
    let c = find(&rs, "aws_rds_cluster.c");
    assert!(is_unknown(c, "tls_required"));
    assert_eq!(
        attr(c, "enabled_cloudwatch_logs_exports"),
        &json!(["postgresql"])
    );
}
