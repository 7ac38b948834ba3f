//! The single list of AWS API operations the collectors call, with the IAM action each needs.
//!
//! Every call goes through [`super::call::Caller`], which takes an `&'static Op` from this
//! list, so the code cannot call an operation that is not declared here. A test checks the
//! list against the least-privilege policy `docs/iam/vouch-readonly.json`, in both directions.

/// One API operation and the IAM action that authorizes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// Service prefix as in IAM (`s3`, `kms`).
    pub service: &'static str,
    /// API operation name (`GetBucketEncryption`).
    pub name: &'static str,
    /// IAM action (`s3:GetEncryptionConfiguration`); not always `service:name`.
    pub iam_action: &'static str,
}

impl Op {
    /// `service:Operation`, the label used in unknown reasons and provenance.
    pub fn label(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }
}

macro_rules! ops {
    ($($id:ident = $svc:literal, $name:literal, $action:literal;)*) => {
        $(
            #[doc = concat!("`", $svc, ":", $name, "` (IAM `", $action, "`).")]
            pub const $id: Op = Op { service: $svc, name: $name, iam_action: $action };
        )*
        /// Every operation the collectors may call.
        pub const ALL: &[Op] = &[$($id),*];
    };
}

ops! {
    STS_GET_CALLER_IDENTITY = "sts", "GetCallerIdentity", "sts:GetCallerIdentity";
    S3_LIST_BUCKETS = "s3", "ListBuckets", "s3:ListAllMyBuckets";
    S3_GET_BUCKET_LOCATION = "s3", "GetBucketLocation", "s3:GetBucketLocation";
    S3_GET_BUCKET_ENCRYPTION = "s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration";
    S3_GET_PUBLIC_ACCESS_BLOCK = "s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock";
    S3_GET_BUCKET_POLICY = "s3", "GetBucketPolicy", "s3:GetBucketPolicy";
    S3_GET_BUCKET_POLICY_STATUS = "s3", "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus";
    S3_GET_BUCKET_ACL = "s3", "GetBucketAcl", "s3:GetBucketAcl";
    S3_GET_BUCKET_VERSIONING = "s3", "GetBucketVersioning", "s3:GetBucketVersioning";
    S3_GET_BUCKET_LOGGING = "s3", "GetBucketLogging", "s3:GetBucketLogging";
    S3_GET_OBJECT_LOCK_CONFIGURATION = "s3", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration";
    S3_GET_BUCKET_OWNERSHIP_CONTROLS = "s3", "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls";
    S3_GET_BUCKET_TAGGING = "s3", "GetBucketTagging", "s3:GetBucketTagging";
    KMS_LIST_KEYS = "kms", "ListKeys", "kms:ListKeys";
    KMS_LIST_ALIASES = "kms", "ListAliases", "kms:ListAliases";
    KMS_DESCRIBE_KEY = "kms", "DescribeKey", "kms:DescribeKey";
    KMS_GET_KEY_ROTATION_STATUS = "kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus";
    KMS_GET_KEY_POLICY = "kms", "GetKeyPolicy", "kms:GetKeyPolicy";
    KMS_LIST_RESOURCE_TAGS = "kms", "ListResourceTags", "kms:ListResourceTags";
    TAG_GET_RESOURCES = "tag", "GetResources", "tag:GetResources";
    GUARDDUTY_LIST_DETECTORS = "guardduty", "ListDetectors", "guardduty:ListDetectors";
    GUARDDUTY_GET_DETECTOR = "guardduty", "GetDetector", "guardduty:GetDetector";
    GUARDDUTY_GET_FINDINGS_STATISTICS = "guardduty", "GetFindingsStatistics", "guardduty:GetFindingsStatistics";
    GUARDDUTY_LIST_FINDINGS = "guardduty", "ListFindings", "guardduty:ListFindings";
    GUARDDUTY_GET_FINDINGS = "guardduty", "GetFindings", "guardduty:GetFindings";
    SECURITYHUB_DESCRIBE_HUB = "securityhub", "DescribeHub", "securityhub:DescribeHub";
    SECURITYHUB_GET_ENABLED_STANDARDS = "securityhub", "GetEnabledStandards", "securityhub:GetEnabledStandards";
    INSPECTOR2_BATCH_GET_ACCOUNT_STATUS = "inspector2", "BatchGetAccountStatus", "inspector2:BatchGetAccountStatus";
    MACIE2_GET_MACIE_SESSION = "macie2", "GetMacieSession", "macie2:GetMacieSession";
    MACIE2_GET_AUTOMATED_DISCOVERY_CONFIGURATION = "macie2", "GetAutomatedDiscoveryConfiguration", "macie2:GetAutomatedDiscoveryConfiguration";
    MACIE2_LIST_CLASSIFICATION_JOBS = "macie2", "ListClassificationJobs", "macie2:ListClassificationJobs";
    CONFIG_DESCRIBE_RECORDERS = "config", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders";
    CONFIG_DESCRIBE_RECORDER_STATUS = "config", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus";
    CONFIG_DESCRIBE_DELIVERY_CHANNELS = "config", "DescribeDeliveryChannels", "config:DescribeDeliveryChannels";
    CONFIG_DESCRIBE_DELIVERY_CHANNEL_STATUS = "config", "DescribeDeliveryChannelStatus", "config:DescribeDeliveryChannelStatus";
    CONFIG_LIST_DISCOVERED_RESOURCES = "config", "ListDiscoveredResources", "config:ListDiscoveredResources";
    CONFIG_BATCH_GET_RESOURCE_CONFIG = "config", "BatchGetResourceConfig", "config:BatchGetResourceConfig";
    CONFIG_BATCH_GET_AGGREGATE_RESOURCE_CONFIG = "config", "BatchGetAggregateResourceConfig", "config:BatchGetAggregateResourceConfig";
    IAM_GET_ACCOUNT_SUMMARY = "iam", "GetAccountSummary", "iam:GetAccountSummary";
    IAM_LIST_VIRTUAL_MFA_DEVICES = "iam", "ListVirtualMFADevices", "iam:ListVirtualMFADevices";
    IAM_GENERATE_CREDENTIAL_REPORT = "iam", "GenerateCredentialReport", "iam:GenerateCredentialReport";
    IAM_GET_CREDENTIAL_REPORT = "iam", "GetCredentialReport", "iam:GetCredentialReport";
    IAM_GET_ACCOUNT_PASSWORD_POLICY = "iam", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy";
    IAM_LIST_ENTITIES_FOR_POLICY = "iam", "ListEntitiesForPolicy", "iam:ListEntitiesForPolicy";
    EC2_DESCRIBE_REGIONS = "ec2", "DescribeRegions", "ec2:DescribeRegions";
    EC2_GET_EBS_ENCRYPTION_BY_DEFAULT = "ec2", "GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault";
    EC2_GET_EBS_DEFAULT_KMS_KEY_ID = "ec2", "GetEbsDefaultKmsKeyId", "ec2:GetEbsDefaultKmsKeyId";
    EC2_DESCRIBE_SNAPSHOTS = "ec2", "DescribeSnapshots", "ec2:DescribeSnapshots";
    EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE = "ec2", "DescribeSnapshotAttribute", "ec2:DescribeSnapshotAttribute";
    ACCESS_ANALYZER_LIST_ANALYZERS = "access-analyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers";
    ELASTICACHE_DESCRIBE_REPLICATION_GROUPS = "elasticache", "DescribeReplicationGroups", "elasticache:DescribeReplicationGroups";
    ELASTICACHE_LIST_TAGS_FOR_RESOURCE = "elasticache", "ListTagsForResource", "elasticache:ListTagsForResource";
    WAFV2_LIST_LOGGING_CONFIGURATIONS = "wafv2", "ListLoggingConfigurations", "wafv2:ListLoggingConfigurations";
    WAFV2_GET_WEB_ACL_FOR_RESOURCE = "wafv2", "GetWebACLForResource", "wafv2:GetWebACLForResource";
    APIGATEWAY_GET_REST_APIS = "apigateway", "GetRestApis", "apigateway:GET";
    APIGATEWAY_GET_RESOURCES = "apigateway", "GetResources", "apigateway:GET";
    APIGATEWAY_GET_APIS = "apigateway", "GetApis", "apigateway:GET";
    APIGATEWAY_GET_ROUTES = "apigateway", "GetRoutes", "apigateway:GET";
    LOGS_DESCRIBE_LOG_GROUPS = "logs", "DescribeLogGroups", "logs:DescribeLogGroups";
    LOGS_DESCRIBE_METRIC_FILTERS = "logs", "DescribeMetricFilters", "logs:DescribeMetricFilters";
    CLOUDTRAIL_DESCRIBE_TRAILS = "cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails";
    CLOUDTRAIL_GET_TRAIL_STATUS = "cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus";
    CLOUDTRAIL_GET_EVENT_SELECTORS = "cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors";
    CLOUDWATCH_DESCRIBE_ALARMS_FOR_METRIC = "cloudwatch", "DescribeAlarmsForMetric", "cloudwatch:DescribeAlarmsForMetric";
    SNS_LIST_SUBSCRIPTIONS_BY_TOPIC = "sns", "ListSubscriptionsByTopic", "sns:ListSubscriptionsByTopic";
}

/// Actions in the policy whose verb is not a read verb but that change nothing a customer
/// configured, with the reason each is accepted.
pub const READ_ONLY_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "iam:GenerateCredentialReport",
        "only (re)builds the account's credential report that GetCredentialReport returns; \
         AWS's SecurityAudit and ReadOnlyAccess managed policies grant it",
    ),
    (
        "apigateway:GET",
        "API Gateway's IAM actions are the HTTP verbs of its management API; GET reads \
         (GetRestApis, GetResources, GetApis, GetRoutes) and changes nothing",
    ),
];

/// Every distinct IAM action the collectors need, sorted.
pub fn iam_actions() -> Vec<&'static str> {
    let mut actions: Vec<&str> = ALL.iter().map(|op| op.iam_action).collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const POLICY: &str = include_str!("../../../docs/iam/vouch-readonly.json");

    fn policy_actions() -> Vec<String> {
        let doc: serde_json::Value = serde_json::from_str(POLICY).unwrap();
        let mut actions: Vec<String> = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap().iter())
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        actions.sort();
        actions
    }

    #[test]
    fn every_called_action_is_in_the_readonly_policy_and_nothing_more() {
        let policy = policy_actions();
        let code: Vec<String> = iam_actions().into_iter().map(str::to_owned).collect();
        let missing: Vec<&String> = code.iter().filter(|a| !policy.contains(a)).collect();
        let extra: Vec<&String> = policy.iter().filter(|a| !code.contains(a)).collect();
        assert!(
            missing.is_empty(),
            "actions called but not in docs/iam/vouch-readonly.json: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "actions in the policy that no collector calls: {extra:?}"
        );
    }

    #[test]
    fn policy_is_read_only() {
        for action in policy_actions() {
            if READ_ONLY_EXCEPTIONS.iter().any(|(a, _)| *a == action) {
                continue;
            }
            let verb = action.split(':').nth(1).unwrap();
            assert!(
                ["Get", "List", "Describe", "BatchGet", "Select"]
                    .iter()
                    .any(|p| verb.starts_with(p)),
                "{action} is not a read action"
            );
        }
        for (action, reason) in READ_ONLY_EXCEPTIONS {
            assert!(policy_actions().iter().any(|a| a == action), "{action}");
            assert!(!reason.trim().is_empty());
        }
    }

    #[test]
    fn operation_names_are_unique() {
        let mut labels: Vec<String> = ALL.iter().map(Op::label).collect();
        labels.sort();
        let n = labels.len();
        labels.dedup();
        assert_eq!(n, labels.len());
    }
}
