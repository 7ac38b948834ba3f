//! Live verdicts of the rules that judge live AWS data: for each, the raw documents the live
//! collectors produce (AWS Config items as `BatchGetResourceConfig` returns them, and the S3,
//! KMS and GuardDuty collectors' documents), a compliant and a non-compliant one, normalized
//! by the live adapter and judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::tests_items::{get, item, judged, judged_mixed, reason};
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::unknown;

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

/// IAM's URL encoding of a policy document, as AWS Config records the versions.
fn url_encoded(doc: &Value) -> String {
    doc.to_string()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A customer managed policy as AWS Config records it (`GetAccountAuthorizationDetails`'
/// shape, every version's document URL-encoded).
fn managed_policy(name: &str, statements: Value) -> Value {
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    json!({
        "policyName": name, "policyId": "ANPAEXAMPLE1234567890", "arn": format!("arn:aws:iam::123456789012:policy/{name}"),
        "path": "/", "defaultVersionId": "v2", "attachmentCount": 1, "permissionsBoundaryUsageCount": 0,
        "isAttachable": true, "description": null,
        "createDate": "2025-01-10T09:00:00.000Z", "updateDate": "2025-02-10T09:00:00.000Z",
        "policyVersionList": [
            // An older version that is not the default is not judged.
            {"document": url_encoded(&json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
             "versionId": "v1", "isDefaultVersion": false, "createDate": "2025-01-10T09:00:00.000Z"},
            {"document": url_encoded(&doc), "versionId": "v2", "isDefaultVersion": true,
             "createDate": "2025-02-10T09:00:00.000Z"}
        ]
    })
}

const POL_OK: &str = "arn:aws:iam::123456789012:policy/app-read";
const POL_ADMIN: &str = "arn:aws:iam::123456789012:policy/ops-admin";
const POL_ESC: &str = "arn:aws:iam::123456789012:policy/deployer";

#[test]
fn iam_managed_policies() {
    let (rs, judge) = judged(&[
        item(
            "AWS::IAM::Policy",
            POL_OK,
            managed_policy(
                "app-read",
                json!([
                    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                     "Resource": ["arn:aws:s3:::uploads", "arn:aws:s3:::uploads/*"]},
                    {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt",
                     "Resource": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
                ]),
            ),
            json!({}),
        ),
        item(
            "AWS::IAM::Policy",
            POL_ADMIN,
            managed_policy(
                "ops-admin",
                json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
            ),
            json!({}),
        ),
        item(
            "AWS::IAM::Policy",
            POL_ESC,
            managed_policy(
                "deployer",
                json!([
                    {"Sid": "Pass", "Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"},
                    {"Sid": "Versions", "Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"},
                    {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                     "Resource": "arn:aws:kms:*:123456789012:key/*"}
                ]),
            ),
            json!({}),
        ),
    ]);
    assert_eq!(
        get(&rs, POL_OK).attributes["document"]["Statement"][0]["Sid"],
        "Read"
    );
    assert_eq!(judge("iam-no-admin-policies", POL_OK), "pass");
    assert_eq!(judge("iam-no-admin-policies", POL_ADMIN), "fail");
    assert_eq!(judge("iam-no-privilege-escalation", POL_OK), "pass");
    assert_eq!(judge("iam-no-privilege-escalation", POL_ESC), "fail");
    assert_eq!(judge("iam-no-unscoped-kms-decrypt", POL_OK), "pass");
    assert_eq!(judge("iam-no-unscoped-kms-decrypt", POL_ESC), "fail");
}

#[test]
fn iam_policy_without_a_version_document_is_unknown() {
    let mut c = managed_policy("app-read", json!([]));
    c["policyVersionList"] = json!([]);
    let (rs, judge) = judged(&[item("AWS::IAM::Policy", POL_OK, c, json!({}))]);
    assert!(reason(get(&rs, POL_OK), "document").contains("no default policy version"));
    for rule in [
        "iam-no-admin-policies",
        "iam-no-privilege-escalation",
        "iam-no-unscoped-kms-decrypt",
    ] {
        assert_eq!(judge(rule, POL_OK), "unknown", "{rule}");
    }
}

const SG_WEB: &str = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0web";
const SG_SSH: &str = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0ssh";
const SG_DEF_OK: &str = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0def1";
const SG_DEF_BAD: &str = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0def2";

/// A security group as AWS Config records `DescribeSecurityGroups`' answer (IPv4 ranges both
/// as `ipRanges` strings and `ipv4Ranges` objects).
fn group(id: &str, name: &str, vpc: &str, ingress: Value, egress: Value) -> Value {
    json!({
        "description": if name == "default" { "default VPC security group".to_owned() } else { format!("{name} tier") },
        "groupName": name, "ipPermissions": ingress, "ownerId": "123456789012", "groupId": id,
        "ipPermissionsEgress": egress, "tags": [], "vpcId": vpc
    })
}

fn perm(
    protocol: &str,
    ports: Option<(i64, i64)>,
    cidr: Option<&str>,
    pair: Option<&str>,
) -> Value {
    let mut p = json!({
        "ipProtocol": protocol, "ipv6Ranges": [], "prefixListIds": [],
        "userIdGroupPairs": pair.map_or(json!([]), |g| json!([{"groupId": g, "userId": "123456789012"}])),
        "ipv4Ranges": cidr.map_or(json!([]), |c| json!([{"cidrIp": c}])),
        "ipRanges": cidr.map_or(json!([]), |c| json!([c]))
    });
    if let Some((from, to)) = ports {
        p["fromPort"] = json!(from);
        p["toPort"] = json!(to);
    }
    p
}

#[test]
fn security_groups() {
    let all_out = json!([perm("-1", None, Some("0.0.0.0/0"), None)]);
    let (rs, judge) = judged(&[
        item(
            "AWS::EC2::SecurityGroup",
            SG_WEB,
            group(
                "sg-0web",
                "web",
                "vpc-1",
                json!([
                    perm("tcp", Some((443, 443)), Some("0.0.0.0/0"), None),
                    perm("tcp", Some((22, 22)), Some("10.0.0.0/16"), None)
                ]),
                all_out.clone(),
            ),
            json!({}),
        ),
        item(
            "AWS::EC2::SecurityGroup",
            SG_SSH,
            group(
                "sg-0ssh",
                "bastion",
                "vpc-1",
                json!([perm("tcp", Some((22, 22)), Some("0.0.0.0/0"), None)]),
                all_out.clone(),
            ),
            json!({}),
        ),
        // A VPC's default group with every rule removed...
        item(
            "AWS::EC2::SecurityGroup",
            SG_DEF_OK,
            group("sg-0def1", "default", "vpc-1", json!([]), json!([])),
            json!({}),
        ),
        // ...and one as AWS creates it: all traffic from itself, all traffic out.
        item(
            "AWS::EC2::SecurityGroup",
            SG_DEF_BAD,
            group(
                "sg-0def2",
                "default",
                "vpc-2",
                json!([perm("-1", None, None, Some("sg-0def2"))]),
                all_out,
            ),
            json!({}),
        ),
    ]);
    assert_eq!(get(&rs, SG_DEF_BAD).attributes["ingress"][0]["self"], true);
    assert_eq!(judge("sg-no-unrestricted-ingress", SG_WEB), "pass");
    assert_eq!(judge("sg-no-unrestricted-ingress", SG_SSH), "fail");
    assert_eq!(judge("vpc-default-sg-closed", SG_DEF_OK), "pass");
    assert_eq!(judge("vpc-default-sg-closed", SG_DEF_BAD), "fail");
}

/// A document of one of the other live collectors (S3, KMS, GuardDuty).
fn raw(kind: RawKind, arn: &str, calls: &[&str], data: Value) -> RawResource {
    RawResource {
        kind,
        arn: arn.to_owned(),
        account: Some("123456789012".into()),
        region: Some("eu-west-1".into()),
        api_calls: calls.iter().map(|c| (*c).to_owned()).collect(),
        collected_at: "2026-06-01T00:00:00Z".into(),
        data,
    }
}

const S3_CALLS: &[&str] = &[
    "s3:ListBuckets",
    "s3:GetBucketEncryption",
    "s3:GetPublicAccessBlock",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketAcl",
    "s3:GetBucketVersioning",
    "s3:GetBucketLogging",
    "s3:GetBucketTagging",
];

/// A bucket as the S3 collector records it; `secure` adds the usual TLS-only deny, `open`
/// leaves Block Public Access unconfigured and grants everyone read, and without `logged`
/// there is no server access logging.
fn bucket(name: &str, secure: bool, open: bool, logged: bool) -> RawResource {
    let arn = format!("arn:aws:s3:::{name}");
    let mut statements = vec![json!({
        "Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": format!("{arn}/AWSLogs/123456789012/*"),
        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
    })];
    if secure {
        statements.push(json!({
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [arn, format!("{arn}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }));
    }
    let owner = json!({"Type": "CanonicalUser", "ID": "79a59df900b949e55d96a1e698fbaced", "URI": null, "Permission": "FULL_CONTROL"});
    let mut grants = vec![owner];
    if open {
        grants.push(json!({"Type": "Group", "ID": null, "URI": "http://acs.amazonaws.com/groups/global/AllUsers", "Permission": "READ"}));
    }
    raw(
        RawKind::S3Bucket,
        &arn,
        S3_CALLS,
        json!({
            "Name": name, "Region": "eu-west-1",
            "GetBucketEncryption": {"Rules": [{"SSEAlgorithm": "AES256", "KMSMasterKeyID": null, "BucketKeyEnabled": false}]},
            "GetPublicAccessBlock": if open { Value::Null } else {
                json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
            },
            "GetBucketPolicy": {"Version": "2012-10-17", "Statement": statements},
            "GetBucketPolicyStatus": {"IsPublic": false},
            "GetBucketAcl": {"Owner": "79a59df900b949e55d96a1e698fbaced", "Grants": grants},
            "GetBucketVersioning": {"Status": "Enabled", "MFADelete": null},
            "GetBucketLogging": if logged { json!({"TargetBucket": "access-logs", "TargetPrefix": format!("{name}/")}) } else { Value::Null },
            "GetObjectLockConfiguration": null,
            "GetBucketOwnershipControls": if open { json!({"ObjectOwnership": "ObjectWriter"}) } else { json!({"ObjectOwnership": "BucketOwnerEnforced"}) },
            "GetBucketTagging": null
        }),
    )
}

#[test]
fn s3_bucket_secure_transport() {
    let ok = "arn:aws:s3:::audit-logs";
    let bad = "arn:aws:s3:::legacy-logs";
    let denied = "arn:aws:s3:::partner-drop";
    let mut unreadable = bucket("partner-drop", true, false, true);
    unreadable.data["GetBucketPolicy"] = unknown("s3:GetBucketPolicy denied: AccessDenied");
    let (_, judge) = judged_mixed(&[
        bucket("audit-logs", true, false, true),
        bucket("legacy-logs", false, false, true),
        unreadable,
    ]);
    assert_eq!(judge("s3-bucket-secure-transport", ok), "pass");
    assert_eq!(judge("s3-bucket-secure-transport", bad), "fail");
    assert_eq!(judge("s3-bucket-secure-transport", denied), "unknown");
}

const KEY_OK: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_BAD: &str = "arn:aws:kms:eu-west-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321";
const KEY_DENIED: &str =
    "arn:aws:kms:eu-west-1:123456789012:key/5555aaaa-55aa-55aa-55aa-5555aaaa5555";

/// A customer managed key as the KMS collector records it, with `policy` as `GetKeyPolicy`.
fn key(arn: &str, policy: Value) -> RawResource {
    let id = arn.rsplit('/').next().unwrap();
    raw(
        RawKind::KmsKey,
        arn,
        &[
            "kms:ListKeys",
            "kms:DescribeKey",
            "kms:GetKeyRotationStatus",
            "kms:GetKeyPolicy",
            "kms:ListAliases",
            "kms:ListResourceTags",
        ],
        json!({
            "KeyId": id,
            "DescribeKey": {"KeyManager": "CUSTOMER", "KeyState": "Enabled", "Enabled": true,
                "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS",
                "MultiRegion": false, "Description": "", "CreationDate": "2025-01-10T09:00:00Z",
                "DeletionDate": null, "PendingDeletionWindowInDays": null},
            "GetKeyRotationStatus": {"KeyRotationEnabled": true, "RotationPeriodInDays": 365},
            "GetKeyPolicy": policy,
            "Aliases": ["alias/app"],
            "ListResourceTags": {}
        }),
    )
}

#[test]
fn kms_key_policies() {
    let root = json!({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"});
    let anyone = json!({"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"});
    let (rs, judge) = judged_mixed(&[
        key(
            KEY_OK,
            json!({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [root.clone()]}),
        ),
        key(
            KEY_BAD,
            json!({"Version": "2012-10-17", "Id": "key-consolepolicy-3", "Statement": [root, anyone]}),
        ),
        key(
            KEY_DENIED,
            unknown("kms:GetKeyPolicy denied: AccessDeniedException"),
        ),
    ]);
    assert_eq!(get(&rs, KEY_OK).attributes["rotation_enabled"], true);
    assert_eq!(judge("kms-key-policy-not-public", KEY_OK), "pass");
    assert_eq!(judge("kms-key-policy-not-public", KEY_BAD), "fail");
    assert_eq!(judge("kms-key-policy-not-public", KEY_DENIED), "unknown");
}

const DET_OK: &str =
    "arn:aws:guardduty:eu-west-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0";
const DET_OFF: &str =
    "arn:aws:guardduty:eu-west-1:123456789012:detector/22abc34d567e8fa901bc2d34e56789f0";
const DET_BARE: &str =
    "arn:aws:guardduty:eu-west-1:123456789012:detector/32abc34d567e8fa901bc2d34e56789f0";
const DET_DENIED: &str =
    "arn:aws:guardduty:eu-west-1:123456789012:detector/42abc34d567e8fa901bc2d34e56789f0";

/// A detector as the GuardDuty collector records `GetDetector` (features by name).
fn detector(arn: &str, get_detector: Value) -> RawResource {
    raw(
        RawKind::GuardDutyDetector,
        arn,
        &[
            "guardduty:ListDetectors",
            "guardduty:GetDetector",
            "guardduty:GetFindingsStatistics",
        ],
        json!({
            "DetectorId": arn.rsplit('/').next().unwrap(), "Exists": true,
            "GetDetector": get_detector,
            "GetFindingsStatistics": {"critical": 0, "high": 0, "medium": 0, "low": 0},
            "ListFindings": []
        }),
    )
}

fn features(enabled: bool) -> Value {
    let s = if enabled { "ENABLED" } else { "DISABLED" };
    json!({
        "CLOUD_TRAIL": "ENABLED", "DNS_LOGS": "ENABLED", "FLOW_LOGS": "ENABLED",
        "S3_DATA_EVENTS": s, "EKS_AUDIT_LOGS": s, "EBS_MALWARE_PROTECTION": s,
        "RDS_LOGIN_EVENTS": s, "RUNTIME_MONITORING": s, "LAMBDA_NETWORK_LOGS": s
    })
}

#[test]
fn guardduty_detectors() {
    let (rs, judge) = judged_mixed(&[
        detector(
            DET_OK,
            json!({"Status": "ENABLED", "FindingPublishingFrequency": "FIFTEEN_MINUTES", "Features": features(true), "Tags": {}}),
        ),
        detector(
            DET_OFF,
            json!({"Status": "DISABLED", "FindingPublishingFrequency": "SIX_HOURS", "Features": features(false), "Tags": {}}),
        ),
        detector(
            DET_BARE,
            json!({"Status": "ENABLED", "FindingPublishingFrequency": "SIX_HOURS", "Features": features(false), "Tags": {}}),
        ),
        detector(
            DET_DENIED,
            unknown("guardduty:GetDetector denied: AccessDeniedException"),
        ),
    ]);
    assert_eq!(get(&rs, DET_OFF).attributes["enabled"], false);
    assert_eq!(judge("guardduty-enabled", DET_OK), "pass");
    assert_eq!(judge("guardduty-enabled", DET_OFF), "fail");
    assert_eq!(judge("guardduty-enabled", DET_DENIED), "unknown");
    for rule in ["guardduty-s3-protection", "guardduty-workload-protection"] {
        assert_eq!(judge(rule, DET_OK), "pass", "{rule}");
        // Enabled with the plans off; a suspended detector is guardduty-enabled's finding.
        assert_eq!(judge(rule, DET_BARE), "fail", "{rule}");
        assert_eq!(judge(rule, DET_DENIED), "unknown", "{rule}");
    }
}

const TRAIL_OK: &str = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-audit";
const TRAIL_BAD: &str = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/legacy";
const TRAIL_FOREIGN: &str = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/partner";

/// A trail as AWS Config records `DescribeTrails`' answer.
fn trail(name: &str, bucket: &str, secure: bool) -> Value {
    let mut t = json!({
        "name": name, "s3BucketName": bucket, "s3KeyPrefix": null,
        "includeGlobalServiceEvents": secure, "isMultiRegionTrail": secure, "homeRegion": "eu-west-1",
        "trailARN": format!("arn:aws:cloudtrail:eu-west-1:123456789012:trail/{name}"),
        "logFileValidationEnabled": secure,
        "cloudWatchLogsLogGroupArn": "arn:aws:logs:eu-west-1:123456789012:log-group:cloudtrail:*",
        "cloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/cloudtrail-logs",
        "hasCustomEventSelectors": false, "hasInsightSelectors": false, "isOrganizationTrail": false
    });
    if secure {
        t["kmsKeyId"] = json!(KEY_OK);
    }
    t
}

#[test]
fn cloudtrail_trails() {
    let (rs, judge) = judged_mixed(&[
        item(
            "AWS::CloudTrail::Trail",
            TRAIL_OK,
            json!(trail("org-audit", "audit-logs", true).to_string()),
            json!({}),
        ),
        item(
            "AWS::CloudTrail::Trail",
            TRAIL_BAD,
            trail("legacy", "legacy-logs", false),
            json!({}),
        ),
        item(
            "AWS::CloudTrail::Trail",
            TRAIL_FOREIGN,
            trail("partner", "partner-central-logs", true),
            json!({}),
        ),
        bucket("audit-logs", true, false, true),
        bucket("legacy-logs", false, true, false),
    ]);
    let ok = get(&rs, TRAIL_OK);
    assert_eq!(ok.attributes["log_bucket"]["name"], "audit-logs");
    assert!(reason(get(&rs, TRAIL_FOREIGN), "log_bucket").contains("partner-central-logs"));
    for rule in [
        "cloudtrail-kms-encryption",
        "cloudtrail-log-bucket-access-logging",
        "cloudtrail-log-bucket-not-public",
        "cloudtrail-log-file-validation",
    ] {
        assert_eq!(judge(rule, TRAIL_OK), "pass", "{rule}");
        assert_eq!(judge(rule, TRAIL_BAD), "fail", "{rule}");
    }
    // A bucket not read in this scan (another account's) says nothing about it.
    for rule in [
        "cloudtrail-log-bucket-access-logging",
        "cloudtrail-log-bucket-not-public",
    ] {
        assert_eq!(judge(rule, TRAIL_FOREIGN), "unknown", "{rule}");
    }
    // Whether a trail is logging and what its event selectors record are not in the item:
    // without the trail's state document (cloudtrail:GetTrailStatus / GetEventSelectors, see
    // `cloudtrail_trail_state_is_joined_live`) a single-region trail fails on that alone, the
    // rest cannot pass.
    assert_eq!(judge("cloudtrail-multi-region-enabled", TRAIL_BAD), "fail");
    assert_eq!(
        judge("cloudtrail-multi-region-enabled", TRAIL_OK),
        "unknown"
    );
    assert_eq!(judge("cloudtrail-s3-data-events", TRAIL_OK), "unknown");
    assert_eq!(judge("cloudtrail-s3-data-events", TRAIL_BAD), "unknown");
}

/// A trail's state as `crate::collect::aws::cloudtrail` records it.
fn trail_state(name: &str, status: Value, selectors: Value) -> RawResource {
    let arn = format!("arn:aws:cloudtrail:eu-west-1:123456789012:trail/{name}");
    raw(
        RawKind::TrailState,
        &arn,
        &[
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
        ],
        json!({
            "TrailARN": arn, "Name": name, "HomeRegion": "eu-west-1",
            "GetTrailStatus": status, "GetEventSelectors": selectors,
        }),
    )
}

fn logging(b: bool) -> Value {
    json!({ "IsLogging": b })
}

/// All management events and S3 object-level events of every bucket, as the console sets it.
fn all_s3_data() -> Value {
    json!({
        "EventSelectors": [{
            "ReadWriteType": "All", "IncludeManagementEvents": true,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            "ExcludeManagementEventSources": []
        }],
        "AdvancedEventSelectors": []
    })
}

fn trail_arn(name: &str) -> String {
    format!("arn:aws:cloudtrail:eu-west-1:123456789012:trail/{name}")
}

#[test]
fn cloudtrail_trail_state_is_joined_live() {
    let names = [
        "audit",
        "stopped",
        "mgmt",
        "denied",
        "advanced",
        "status-denied",
    ];
    let mut raws: Vec<RawResource> = names
        .iter()
        .map(|n| {
            item(
                "AWS::CloudTrail::Trail",
                &trail_arn(n),
                trail(n, "audit-logs", true),
                json!({}),
            )
        })
        .collect();
    let denied = unknown("cloudtrail:GetEventSelectors denied: AccessDeniedException");
    raws.extend([
        trail_state("audit", logging(true), all_s3_data()),
        trail_state("stopped", logging(false), all_s3_data()),
        trail_state(
            "mgmt",
            logging(true),
            json!({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true,
                "DataResources": [], "ExcludeManagementEventSources": []}]}),
        ),
        trail_state("denied", logging(true), denied.clone()),
        trail_state(
            "advanced",
            logging(true),
            json!({"AdvancedEventSelectors": [
                {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
                {"Name": "s3", "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}
                ]}
            ]}),
        ),
        trail_state(
            "status-denied",
            unknown("cloudtrail:GetTrailStatus denied: AccessDeniedException"),
            all_s3_data(),
        ),
        // A trail the inventory did not read: no resource of its own.
        trail_state("unread", logging(true), all_s3_data()),
        bucket("audit-logs", true, false, true),
    ]);
    let (rs, judge) = judged_mixed(&raws);
    assert!(rs.iter().all(|r| r.address != trail_arn("unread")));
    for r in rs.iter().filter(|r| r.kind == "aws.cloudtrail.trail") {
        crate::normalize::terraform::tests::validate_against_schema(r);
    }

    let audit = get(&rs, &trail_arn("audit"));
    assert_eq!(audit.attributes["is_logging"], json!(true));
    assert_eq!(
        audit.attributes["event_selectors"],
        json!([{
            "read_write_type": "All", "include_management_events": true,
            "exclude_management_event_sources": [],
            "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]
        }])
    );
    assert_eq!(audit.attributes["advanced_event_selectors"], json!([]));
    for (attribute, operation) in [
        ("is_logging", "cloudtrail:GetTrailStatus"),
        ("event_selectors", "cloudtrail:GetEventSelectors"),
        ("advanced_event_selectors", "cloudtrail:GetEventSelectors"),
    ] {
        assert_eq!(
            audit.provenance.attribute_sources[attribute].operation, operation,
            "{attribute}"
        );
    }
    assert!(audit
        .provenance
        .api_calls
        .contains(&"cloudtrail:GetEventSelectors".to_owned()));
    let adv = get(&rs, &trail_arn("advanced"));
    assert_eq!(
        adv.attributes["advanced_event_selectors"][1]["field_selectors"][1],
        json!({"field": "resources.type", "equals": ["AWS::S3::Object"], "not_equals": [],
            "starts_with": [], "not_starts_with": [], "ends_with": [], "not_ends_with": []})
    );
    assert_eq!(adv.attributes["event_selectors"], json!([]));
    let d = get(&rs, &trail_arn("denied"));
    assert!(reason(d, "event_selectors").contains("cloudtrail:GetEventSelectors denied"));
    assert!(reason(d, "advanced_event_selectors").contains("AccessDeniedException"));
    assert!(reason(get(&rs, &trail_arn("status-denied")), "is_logging")
        .contains("cloudtrail:GetTrailStatus denied"));

    let multi = "cloudtrail-multi-region-enabled";
    let s3 = "cloudtrail-s3-data-events";
    let arn = |n: &str| trail_arn(n);
    for (name, multi_verdict, s3_verdict) in [
        ("audit", "pass", "pass"),
        ("stopped", "fail", "pass"),
        ("mgmt", "pass", "fail"),
        ("denied", "unknown", "unknown"),
        ("advanced", "pass", "pass"),
        ("status-denied", "unknown", "pass"),
    ] {
        assert_eq!(judge(multi, &arn(name)), multi_verdict, "{multi} {name}");
        assert_eq!(judge(s3, &arn(name)), s3_verdict, "{s3} {name}");
    }
}

#[test]
fn a_failed_trail_listing_is_unknown_with_its_reason() {
    let denied = unknown("cloudtrail:DescribeTrails denied: AccessDeniedException");
    let (rs, judge) = judged_mixed(&[
        item(
            "AWS::CloudTrail::Trail",
            &trail_arn("audit"),
            trail("audit", "audit-logs", true),
            json!({}),
        ),
        raw(
            RawKind::TrailState,
            "arn:aws:cloudtrail:eu-west-1:123456789012:trail/*",
            &["cloudtrail:DescribeTrails"],
            json!({ "DescribeTrails": denied }),
        ),
    ]);
    let t = get(&rs, &trail_arn("audit"));
    for attribute in ["is_logging", "event_selectors", "advanced_event_selectors"] {
        assert_eq!(
            reason(t, attribute),
            "cloudtrail:DescribeTrails denied: AccessDeniedException"
        );
        assert_eq!(
            t.provenance.attribute_sources[attribute].operation,
            "cloudtrail:DescribeTrails"
        );
    }
    assert_eq!(
        judge("cloudtrail-multi-region-enabled", &trail_arn("audit")),
        "unknown"
    );
    assert_eq!(
        judge("cloudtrail-s3-data-events", &trail_arn("audit")),
        "unknown"
    );
}
