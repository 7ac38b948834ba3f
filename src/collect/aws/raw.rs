//! Raw documents produced by the AWS collectors, before normalization.
//!
//! A raw document keeps each API answer under the name of the operation that produced it
//! (`{"GetBucketEncryption": {...}}`), already classified: the answer's JSON, `null` for a
//! "not configured" answer, or the unknown marker for a failed call. Shaping into canonical
//! kinds is [`crate::normalize::aws`]'s job.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a raw document describes; decides the canonical kind it is normalized into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RawKind {
    /// One S3 bucket: every per-bucket S3 call plus the account public access block.
    S3Bucket,
    /// One KMS key (customer or AWS managed).
    KmsKey,
    /// One GuardDuty detector, or the fact that a region has none.
    GuardDutyDetector,
    /// One active GuardDuty finding of severity 7 or more (`ListFindings` + `GetFindings`).
    GuardDutyFinding,
    /// Security Hub in one account and region (`DescribeHub`, `GetEnabledStandards`).
    SecurityHubHub,
    /// Inspector (v2) scanning of one account in one region (`BatchGetAccountStatus`).
    Inspector2Account,
    /// Macie in one account and region (`GetMacieSession`, automated discovery, jobs).
    Macie2Session,
    /// The Config recorder state of one region (present or not).
    ConfigRecorder,
    /// An AWS Config configuration item (`AWS::EC2::SecurityGroup`, ...).
    ConfigItem,
    /// The IAM facts of one account (IAM is global): account summary, virtual MFA devices,
    /// credential report, password policy and the AWSSupportAccess attachments.
    IamAccount,
    /// What the AWS Config inventory of one account covers: `{"Coverage": [ConfigCoverage]}`,
    /// one record per collected region and type. Normalization hangs stand-ins on the types
    /// it did not read, so their kinds say `unknown` instead of having nothing to judge.
    ConfigCoverage,
    /// One account and region the run read. Carries no answer: normalization hangs the
    /// region-scope resources of services vouch does not call on it, so their rules say
    /// `unknown` instead of having nothing to judge.
    RegionScope,
    /// The regions enabled for one account (`ec2:DescribeRegions`, once per account):
    /// `{"DescribeRegions": [names] | unknown, "CalledIn": region}`.
    Ec2Regions,
    /// The analyzers of one region (`access-analyzer:ListAnalyzers`).
    AccessAnalyzers,
    /// EBS encryption by default of one region.
    EbsEncryptionByDefault,
    /// One EBS snapshot the account owns, with its createVolumePermission.
    Ec2Snapshot,
    /// How one region's snapshot listing went (`{"DescribeSnapshots": {"Count": n} | unknown}`):
    /// no snapshots is a fact, a failed listing an unknown.
    Ec2SnapshotListing,
    /// One ElastiCache replication group (`DescribeReplicationGroups` fields and its tags).
    ElastiCacheReplicationGroup,
    /// Whether one region's replication groups were listed to the last page
    /// (`{"Pages": n, "Failed": null | unknown}`): a listing replaces the region's stand-in.
    ElastiCacheListing,
    /// One region's `wafv2:ListLoggingConfigurations` of one scope (`REGIONAL`, or
    /// `CLOUDFRONT` in us-east-1): `{"Scope", "Pages", "Configurations": [{ResourceArn,
    /// LogDestinationConfigs}], "Failed": null | unknown}`. Joined onto the web ACLs by ARN.
    WafLoggingListing,
    /// The web ACL associated with one internet-facing ALB (`wafv2:GetWebACLForResource`):
    /// `{"ResourceArn", "WebACLArn": ARN | null | unknown}`. Joined onto the load balancer.
    WafWebAclForResource,
    /// One API Gateway operation: a REST method (`GetResources` with `embed=methods`) or an
    /// HTTP/WebSocket route (`GetRoutes`).
    ApiGatewayRoute,
    /// Whether one region's REST (`{"Api": "rest"}`) or HTTP/WebSocket (`{"Api": "v2"}`)
    /// APIs and their routes were read to the end; `"Failed"` lists the unknowns of the
    /// listing or of one API's routes. A listing replaces the region's stand-in.
    ApiGatewayListing,
    /// One CloudWatch Logs log group (`DescribeLogGroups`).
    LogGroup,
    /// The log group listing of one region: `{"Pages": n, "LogGroups": n, "Failed": null |
    /// unknown}`. A failed listing makes the region's log group stand-in carry its reason.
    LogGroupListing,
    /// The CIS 4.x metric-filter alarms of one account: `{"MetricAlarms": [..] | unknown,
    /// "Sources": {..}}`, joined from CloudTrail, CloudWatch Logs, CloudWatch and SNS.
    MetricAlarms,
    /// One CloudTrail trail's state (address: the trail ARN): `{"TrailARN", "Name",
    /// "HomeRegion", "GetTrailStatus": {"IsLogging"} | unknown, "GetEventSelectors":
    /// {"EventSelectors", "AdvancedEventSelectors"} | unknown}`. Joined onto the trail's
    /// `aws.cloudtrail.trail` (built from its Config item) by ARN. A failed `DescribeTrails`
    /// is one document `arn:PARTITION:cloudtrail:HOME:ACCOUNT:trail/*` with
    /// `{"DescribeTrails": unknown}`: the account's trails carry its reason.
    TrailState,
}

/// One raw document with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawResource {
    pub kind: RawKind,
    /// ARN, or a stable synthetic identifier for region facts (`arn:aws:config:REGION:ACCOUNT:recorder`).
    pub arn: String,
    pub account: Option<String>,
    pub region: Option<String>,
    /// `service:Operation` labels that contributed data, sorted.
    pub api_calls: Vec<String>,
    /// RFC 3339 time of collection.
    pub collected_at: String,
    pub data: Value,
}
