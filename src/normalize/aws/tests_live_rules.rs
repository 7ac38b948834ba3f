//! Live verdicts of the rules that judge live AWS data: for each, the raw documents the live
//! collectors produce (AWS Config items as `BatchGetResourceConfig` returns them, and the S3,
//! KMS and GuardDuty collectors' documents), a compliant and a non-compliant one, normalized
//! by the live adapter and judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::tests_items::{get, item, judged, reason};

const DB_OK: &str = "arn:aws:rds:eu-west-1:123456789012:db:orders";
const DB_BAD: &str = "arn:aws:rds:eu-west-1:123456789012:db:legacy";
const DB_CUSTOM: &str = "arn:aws:rds:eu-west-1:123456789012:db:reports";
const CL_OK: &str = "arn:aws:rds:eu-west-1:123456789012:cluster:ledger";
const CL_BAD: &str = "arn:aws:rds:eu-west-1:123456789012:cluster:scratch";

/// A DB instance as AWS Config records `DescribeDBInstances`' answer.
fn db_instance(id: &str, engine: &str, version: &str, group: &str) -> Value {
    json!({
        "dBInstanceIdentifier": id, "dBInstanceClass": "db.t3.medium", "engine": engine,
        "dBInstanceStatus": "available", "masterUsername": "app",
        "endpoint": {"address": format!("{id}.c1abcdefgh.eu-west-1.rds.amazonaws.com"), "port": 5432, "hostedZoneId": "Z29XKXDKYMONMX"},
        "allocatedStorage": 100, "instanceCreateTime": "2025-03-01T10:00:00.000Z",
        "preferredBackupWindow": "03:00-03:30", "backupRetentionPeriod": 7,
        "dBSecurityGroups": [], "vpcSecurityGroups": [{"vpcSecurityGroupId": "sg-1", "status": "active"}],
        "dBParameterGroups": [{"dBParameterGroupName": group, "parameterApplyStatus": "in-sync"}],
        "availabilityZone": "eu-west-1a",
        "dBSubnetGroup": {"dBSubnetGroupName": "db", "vpcId": "vpc-1", "subnetGroupStatus": "Complete"},
        "preferredMaintenanceWindow": "sun:04:00-sun:04:30", "multiAZ": true,
        "engineVersion": version, "autoMinorVersionUpgrade": true,
        "readReplicaDBInstanceIdentifiers": [], "licenseModel": "general-public-license",
        "optionGroupMemberships": [{"optionGroupName": "default:postgres-16", "status": "in-sync"}],
        "publiclyAccessible": false, "storageType": "gp3", "dbInstancePort": 0,
        "storageEncrypted": true,
        "kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "dbiResourceId": format!("db-{}", id.to_uppercase()), "caCertificateIdentifier": "rds-ca-rsa2048-g1",
        "copyTagsToSnapshot": true, "monitoringInterval": 0,
        "dBInstanceArn": format!("arn:aws:rds:eu-west-1:123456789012:db:{id}"),
        "iAMDatabaseAuthenticationEnabled": true, "performanceInsightsEnabled": false,
        "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "deletionProtection": true, "associatedRoles": [], "tagList": []
    })
}

#[test]
fn rds_instances() {
    let mut bad = db_instance("legacy", "mysql", "8.0.35", "default.mysql8.0");
    for (k, v) in [
        ("backupRetentionPeriod", json!(0)),
        ("publiclyAccessible", json!(true)),
        ("storageEncrypted", json!(false)),
        ("iAMDatabaseAuthenticationEnabled", json!(false)),
        ("autoMinorVersionUpgrade", json!(false)),
        ("multiAZ", json!(false)),
    ] {
        bad[k] = v;
    }
    // The API omits an empty export list, and the key of an unencrypted instance.
    let b = bad.as_object_mut().unwrap();
    b.remove("enabledCloudwatchLogsExports");
    b.remove("kmsKeyId");
    let (rs, judge) = judged(&[
        item(
            "AWS::RDS::DBInstance",
            DB_OK,
            // The configuration as JSON text, as BatchGetResourceConfig returns it.
            json!(db_instance("orders", "postgres", "16.3", "default.postgres16").to_string()),
            json!({}),
        ),
        item("AWS::RDS::DBInstance", DB_BAD, bad, json!({})),
        item(
            "AWS::RDS::DBInstance",
            DB_CUSTOM,
            db_instance("reports", "postgres", "14.12", "reports-params"),
            json!({}),
        ),
    ]);
    let ok = get(&rs, DB_OK);
    assert_eq!(
        ok.attributes["enabled_cloudwatch_logs_exports"],
        json!(["postgresql", "upgrade"])
    );
    // An engine default group: no parameter forces TLS, the engine default applies.
    assert_eq!(ok.attributes["parameter_group_name"], Value::Null);
    assert_eq!(ok.attributes["tls_required"], Value::Null);
    assert_eq!(ok.attributes["replica_source"], Value::Null);
    assert_eq!(
        get(&rs, DB_BAD).attributes["enabled_cloudwatch_logs_exports"],
        json!([])
    );
    let custom = get(&rs, DB_CUSTOM);
    assert_eq!(custom.attributes["parameter_group_name"], "reports-params");
    assert!(reason(custom, "tls_required").contains("rds:DescribeDBParameters"));
    for rule in [
        "rds-auto-minor-version-upgrade",
        "rds-automated-backups",
        "rds-iam-authentication",
        "rds-log-export",
        "rds-not-public",
        "rds-storage-encrypted",
        // PostgreSQL 16's default forces TLS; MySQL's accepts plaintext.
        "rds-tls-enforced",
    ] {
        assert_eq!(judge(rule, DB_OK), "pass", "{rule}");
        assert_eq!(judge(rule, DB_BAD), "fail", "{rule}");
    }
    // A custom group's parameters are not in the item.
    assert_eq!(judge("rds-tls-enforced", DB_CUSTOM), "unknown");
}

/// A cluster as AWS Config records `DescribeDBClusters`' answer.
fn db_cluster(id: &str, engine: &str, group: &str) -> Value {
    json!({
        "allocatedStorage": 1, "availabilityZones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        "backupRetentionPeriod": 14, "dBClusterIdentifier": id,
        "dBClusterParameterGroup": group, "dBSubnetGroup": "db", "status": "available",
        "endpoint": format!("{id}.cluster-c1abcdefgh.eu-west-1.rds.amazonaws.com"),
        "multiAZ": true, "engine": engine, "engineVersion": "8.0.mysql_aurora.3.05.2", "port": 3306,
        "masterUsername": "admin", "preferredBackupWindow": "02:00-02:30",
        "dBClusterMembers": [{"dBInstanceIdentifier": format!("{id}-1"), "isClusterWriter": true,
            "dBClusterParameterGroupStatus": "in-sync", "promotionTier": 1}],
        "vpcSecurityGroups": [{"vpcSecurityGroupId": "sg-1", "status": "active"}],
        "storageEncrypted": true,
        "kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "dbClusterResourceId": format!("cluster-{}", id.to_uppercase()),
        "dBClusterArn": format!("arn:aws:rds:eu-west-1:123456789012:cluster:{id}"),
        "iAMDatabaseAuthenticationEnabled": true,
        "enabledCloudwatchLogsExports": ["audit", "error", "slowquery"],
        "engineMode": "provisioned", "deletionProtection": true, "tagList": []
    })
}

#[test]
fn rds_clusters() {
    let mut bad = db_cluster("scratch", "aurora-mysql", "default.aurora-mysql8.0");
    for (k, v) in [
        ("backupRetentionPeriod", json!(1)),
        ("storageEncrypted", json!(false)),
        ("iAMDatabaseAuthenticationEnabled", json!(false)),
        ("enabledCloudwatchLogsExports", json!(["slowquery"])),
    ] {
        bad[k] = v;
    }
    let (rs, judge) = judged(&[
        item(
            "AWS::RDS::DBCluster",
            CL_OK,
            db_cluster("ledger", "aurora-mysql", "ledger-params"),
            json!({}),
        ),
        item("AWS::RDS::DBCluster", CL_BAD, bad, json!({})),
    ]);
    assert_eq!(
        get(&rs, CL_OK).attributes["parameter_group_name"],
        "ledger-params"
    );
    for rule in [
        "rds-automated-backups",
        "rds-iam-authentication",
        "rds-log-export",
        "rds-storage-encrypted",
    ] {
        assert_eq!(judge(rule, CL_OK), "pass", "{rule}");
        assert_eq!(judge(rule, CL_BAD), "fail", "{rule}");
    }
    // Aurora MySQL's default group accepts plaintext; a custom group's parameters are not
    // in the item.
    assert_eq!(judge("rds-tls-enforced", CL_BAD), "fail");
    assert_eq!(judge("rds-tls-enforced", CL_OK), "unknown");
}
