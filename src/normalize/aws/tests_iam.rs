//! IAM live facts: the credential-report parser on AWS's real header and cell values, the
//! shaping of `aws.iam.account` / `aws.iam.password_policy` / `aws.iam.user`, the merge with
//! AWS Config users, failed calls, and the account/region stand-ins; every resource is checked
//! against its kind's schema and judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::iam::{parse_csv, parse_report_csv, CredentialReport};
use super::tests_support::{policies, Judged};
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, Resource};
use crate::rulesets::{ControlStatus, Coverage, Ruleset};

const ACCOUNT: &str = "123456789012";

/// The header of a real credential report (22 columns, as AWS documents and returns it).
const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// Root (used 11 days before the report), alice (console + MFA, fresh key), bob (console
/// without MFA, never signed in, a 516-day-old unused key and an inactive one), ci
/// (programmatic, fresh key).
fn report_csv() -> String {
    [
        HEADER,
        "<root_account>,arn:aws:iam::123456789012:root,2019-05-01T10:00:00+00:00,not_supported,2026-05-20T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        "alice,arn:aws:iam::123456789012:user/alice,2024-01-10T09:00:00+00:00,true,2026-05-30T12:00:00+00:00,2024-01-10T09:05:00+00:00,N/A,true,true,2026-04-01T00:00:00+00:00,2026-05-31T10:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        "bob,arn:aws:iam::123456789012:user/ops/bob,2025-01-01T00:00:00+00:00,true,no_information,2025-01-01T00:00:00+00:00,N/A,false,true,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,2025-02-01T00:00:00+00:00,2025-03-01T00:00:00+00:00,us-east-1,iam,false,N/A,false,N/A",
        "ci,arn:aws:iam::123456789012:user/ci,2026-05-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-05-01T00:00:00+00:00,2026-05-31T23:00:00+00:00,eu-west-1,sts,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    ]
    .join("\n")
        + "\n"
}

fn iam_raw(data: Value) -> RawResource {
    RawResource {
        kind: RawKind::IamAccount,
        arn: format!("arn:aws:iam::{ACCOUNT}:root"),
        account: Some(ACCOUNT.into()),
        region: None,
        api_calls: vec![
            "iam:GenerateCredentialReport".into(),
            "iam:GetAccountPasswordPolicy".into(),
            "iam:GetAccountSummary".into(),
            "iam:GetCredentialReport".into(),
            "iam:ListEntitiesForPolicy".into(),
            "iam:ListVirtualMFADevices".into(),
        ],
        collected_at: "2026-06-01T02:00:00Z".into(),
        data,
    }
}

/// An account with every fact answered: root MFA on a virtual device, a compliant password
/// policy, a support role.
fn answered() -> Value {
    json!({
        "GetAccountSummary": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 3},
        "ListVirtualMFADevices": [
            {"SerialNumber": format!("arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"), "UserArn": format!("arn:aws:iam::{ACCOUNT}:root")},
            {"SerialNumber": format!("arn:aws:iam::{ACCOUNT}:mfa/alice"), "UserArn": format!("arn:aws:iam::{ACCOUNT}:user/alice")},
        ],
        "GetCredentialReport": {"GeneratedTime": "2026-06-01T00:00:00Z", "Content": report_csv()},
        "GetAccountPasswordPolicy": {
            "MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true,
            "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
            "AllowUsersToChangePassword": true, "ExpirePasswords": true, "MaxPasswordAge": 90,
            "PasswordReusePrevention": 24, "HardExpiry": null,
        },
        "ListEntitiesForPolicy": {"PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess", "PolicyRoles": ["support"], "PolicyGroups": [], "PolicyUsers": []},
    })
}

fn config_user(name: &str, path: &str) -> RawResource {
    let arn = format!("arn:aws:iam::{ACCOUNT}:user{path}{name}");
    RawResource {
        kind: RawKind::ConfigItem,
        arn: arn.clone(),
        account: Some(ACCOUNT.into()),
        region: Some("eu-west-1".into()),
        api_calls: vec![
            "config:BatchGetResourceConfig".into(),
            "config:ListDiscoveredResources".into(),
        ],
        collected_at: "2026-06-01T02:00:00Z".into(),
        data: json!({
            "resourceType": "AWS::IAM::User",
            "resourceId": "AIDA0000",
            "resourceName": name,
            "configuration": {"userName": name, "arn": arn, "path": path,
                "attachedManagedPolicies": [{"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "policyName": "ReadOnlyAccess"}],
                "userPolicyList": [], "groupList": ["devs"]},
            "supplementaryConfiguration": {},
        }),
    }
}

fn scope(region: &str) -> RawResource {
    RawResource {
        kind: RawKind::RegionScope,
        arn: format!("arn:aws::{region}:{ACCOUNT}:region"),
        account: Some(ACCOUNT.into()),
        region: Some(region.into()),
        api_calls: vec!["sts:GetCallerIdentity".into()],
        collected_at: "2026-06-01T02:00:00Z".into(),
        data: json!({}),
    }
}

fn user(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

const ROOT: &str = "arn:aws:iam::123456789012:root";
const POLICY: &str = "arn:aws:iam::123456789012:account-password-policy";

#[test]
fn csv_fields_quotes_and_line_ends() {
    assert_eq!(
        parse_csv("a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\n\nlast,\n").unwrap(),
        vec![
            vec!["a".to_owned(), "b".to_owned()],
            vec!["x,y".to_owned(), "say \"hi\"".to_owned()],
            vec!["last".to_owned(), String::new()],
        ]
    );
    assert_eq!(
        parse_csv("no,newline").unwrap(),
        vec![vec!["no".to_owned(), "newline".to_owned()]]
    );
    assert!(parse_csv("\"open").is_err());
}

#[test]
fn report_rows_follow_the_real_header() {
    let rows = parse_report_csv(&report_csv()).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["user"], "<root_account>");
    assert_eq!(rows[0]["password_enabled"], "not_supported");
    assert_eq!(rows[2]["password_last_used"], "no_information");
    assert_eq!(rows[2]["arn"], "arn:aws:iam::123456789012:user/ops/bob");
    assert_eq!(rows[3]["cert_2_last_rotated"], "N/A");

    // A row that does not line up with the header cannot be attributed: the report is unread.
    let bad = format!("{HEADER}\nx,arn:aws:iam::1:user/x,2026-01-01T00:00:00+00:00\n");
    assert!(parse_report_csv(&bad)
        .unwrap_err()
        .contains("row 2 has 3 cells"));
    assert!(parse_report_csv("user,arn\n")
        .unwrap_err()
        .contains("user_creation_time"));
    assert!(parse_report_csv("").is_err());

    let answer = json!({"GeneratedTime": "yesterday", "Content": report_csv()});
    let err = CredentialReport::from_answer(Some(&answer)).unwrap_err();
    assert!(unknown_reason(&err).unwrap().contains("not RFC 3339"));
    let denied = unknown("iam:GetCredentialReport denied: AccessDenied");
    assert_eq!(
        CredentialReport::from_answer(Some(&denied)).unwrap_err(),
        denied
    );
}

#[test]
fn account_facts_from_summary_devices_report_and_policies() {
    let j = Judged::of(&[iam_raw(answered())]);
    let account = j.get("aws.iam.account", ROOT);
    assert_eq!(account.arn.as_deref(), Some(ROOT));
    assert_eq!(account.region, None);
    assert_eq!(account.provenance.parser, "aws-sdk-iam");
    assert!(!account
        .provenance
        .api_calls
        .contains(&"iam:GetAccountPasswordPolicy".to_owned()));
    let a = &account.attributes;
    assert_eq!(a["account_id"], json!(ACCOUNT));
    assert_eq!(a["report_time"], json!("2026-06-01T00:00:00Z"));
    assert_eq!(
        a["root"],
        json!({"mfa_enabled": true, "virtual_mfa": true, "access_keys_present": false,
               "days_since_password_used": 11, "days_since_access_key_used": null})
    );
    assert_eq!(a["support_access_entities"], json!(["role/support"]));
    assert_eq!(
        unknown_reason(&a["access_analyzer_regions"]),
        Some("not collected: vouch does not call access-analyzer:ListAnalyzers")
    );

    assert_eq!(j.status("iam-root-mfa", ROOT), "pass");
    assert_eq!(j.status("iam-root-hardware-mfa", ROOT), "fail");
    assert_eq!(j.status("iam-root-no-access-keys", ROOT), "pass");
    assert_eq!(j.status("iam-root-not-used", ROOT), "fail");
    assert_eq!(j.status("iam-support-role", ROOT), "pass");
    assert_eq!(j.status("iam-access-analyzer-enabled", ROOT), "unknown");
    assert!(j
        .evidence("iam-access-analyzer-enabled", ROOT)
        .contains("access-analyzer:ListAnalyzers"));

    let policy = j.get("aws.iam.password_policy", POLICY);
    assert_eq!(policy.arn, None, "a synthetic address, not an ARN");
    assert_eq!(
        policy.provenance.api_calls,
        vec!["iam:GetAccountPasswordPolicy".to_owned()]
    );
    assert_eq!(policy.attributes["configured"], json!(true));
    assert_eq!(policy.attributes["max_password_age"], json!(90));
    assert_eq!(j.status("iam-password-policy", POLICY), "pass");
}

#[test]
fn the_other_side_of_each_account_rule() {
    let mut d = answered();
    // A hardware device (no virtual one for root), root keys, root last used long ago, no
    // password policy, nobody with AWSSupportAccess.
    d["ListVirtualMFADevices"] = json!([]);
    d["GetAccountSummary"]["AccountAccessKeysPresent"] = json!(1);
    d["GetCredentialReport"]["Content"] = json!(report_csv().replace(
        "not_supported,2026-05-20T08:00:00+00:00",
        "not_supported,2025-01-20T08:00:00+00:00"
    ));
    d["GetAccountPasswordPolicy"] = Value::Null;
    d["ListEntitiesForPolicy"]["PolicyRoles"] = json!([]);
    let j = Judged::of(&[iam_raw(d.clone())]);
    let root = &j.get("aws.iam.account", ROOT).attributes["root"];
    assert_eq!(root["virtual_mfa"], json!(false));
    assert_eq!(root["access_keys_present"], json!(true));
    assert_eq!(j.status("iam-root-hardware-mfa", ROOT), "pass");
    assert_eq!(j.status("iam-root-no-access-keys", ROOT), "fail");
    assert_eq!(j.status("iam-root-not-used", ROOT), "pass");
    assert_eq!(j.status("iam-support-role", ROOT), "fail");
    assert_eq!(
        j.get("aws.iam.password_policy", POLICY).attributes["configured"],
        json!(false)
    );
    assert_eq!(j.status("iam-password-policy", POLICY), "fail");

    // Root without MFA: both MFA rules fail, and the device kind is not asked.
    d["GetAccountSummary"]["AccountMFAEnabled"] = json!(0);
    d["GetAccountPasswordPolicy"] = json!({"MinimumPasswordLength": 8, "RequireSymbols": false,
        "RequireNumbers": false, "RequireUppercaseCharacters": false, "RequireLowercaseCharacters": false,
        "AllowUsersToChangePassword": false, "ExpirePasswords": false});
    let j = Judged::of(&[iam_raw(d)]);
    let a = &j.get("aws.iam.account", ROOT).attributes;
    assert_eq!(a["root"]["virtual_mfa"], Value::Null);
    assert_eq!(j.status("iam-root-mfa", ROOT), "fail");
    assert_eq!(j.status("iam-root-hardware-mfa", ROOT), "fail");
    let p = &j.get("aws.iam.password_policy", POLICY).attributes;
    assert_eq!(p["max_password_age"], Value::Null, "omitted: never expires");
    assert_eq!(p["password_reuse_prevention"], Value::Null);
    assert_eq!(j.status("iam-password-policy", POLICY), "fail");
}

#[test]
fn users_from_the_report_alone() {
    let j = Judged::of(&[iam_raw(answered())]);
    let users: Vec<&str> = j
        .resources
        .iter()
        .filter(|r| r.kind == "aws.iam.user")
        .map(|r| r.address.as_str())
        .collect();
    let bob = "arn:aws:iam::123456789012:user/ops/bob";
    assert_eq!(
        users,
        vec![&user("alice"), &user("ci"), bob],
        "sorted by ARN"
    );

    let alice = j.get("aws.iam.user", &user("alice"));
    assert_eq!(alice.arn.as_deref(), Some(user("alice").as_str()));
    assert_eq!(
        alice.provenance.api_calls,
        vec![
            "iam:GenerateCredentialReport".to_owned(),
            "iam:GetCredentialReport".to_owned()
        ]
    );
    let a = &alice.attributes;
    assert_eq!(a["name"], json!("alice"));
    assert_eq!(a["password_enabled"], json!(true));
    assert_eq!(a["mfa_active"], json!(true));
    assert_eq!(a["days_since_created"], json!(872));
    assert_eq!(a["days_since_password_used"], json!(1));
    assert_eq!(
        a["access_keys"],
        json!([{"id": "access_key_1", "active": true, "days_since_rotated": 61, "days_since_used": 0}])
    );
    assert!(unknown_reason(&a["attached_policy_arns"])
        .unwrap()
        .contains("AWS Config has no AWS::IAM::User item"));

    let b = &j.get("aws.iam.user", bob).attributes;
    assert_eq!(b["days_since_password_used"], Value::Null, "no_information");
    assert_eq!(
        b["access_keys"],
        json!([
            {"id": "access_key_1", "active": true, "days_since_rotated": 516, "days_since_used": null},
            {"id": "access_key_2", "active": false, "days_since_rotated": 485, "days_since_used": 457},
        ])
    );
    let ci = &j.get("aws.iam.user", &user("ci")).attributes;
    assert_eq!(ci["password_enabled"], json!(false));
    assert_eq!(ci["days_since_password_used"], Value::Null, "N/A");

    for (rule, want_alice, want_bob, want_ci) in [
        ("iam-user-mfa", "pass", "fail", "pass"),
        ("iam-access-key-rotation", "pass", "fail", "pass"),
        ("iam-unused-credentials", "pass", "fail", "pass"),
    ] {
        assert_eq!(j.status(rule, &user("alice")), want_alice, "{rule} alice");
        assert_eq!(j.status(rule, bob), want_bob, "{rule} bob");
        assert_eq!(j.status(rule, &user("ci")), want_ci, "{rule} ci");
    }
    // Direct policies are not known for report-only users: unknown, not a pass.
    assert_eq!(
        j.status("iam-user-permissions-via-groups", &user("ci")),
        "unknown"
    );
}

#[test]
fn report_facts_merge_into_config_users() {
    let raws = [
        config_user("alice", "/"),
        config_user("late", "/"),
        iam_raw(answered()),
    ];
    let j = Judged::of(&raws);
    let alices: Vec<&Resource> = j
        .resources
        .iter()
        .filter(|r| r.kind == "aws.iam.user" && r.address == user("alice"))
        .collect();
    assert_eq!(alices.len(), 1, "one resource per user");
    let alice = alices[0];
    assert_eq!(alice.provenance.parser, "aws-sdk-config");
    assert_eq!(
        alice.provenance.source_types,
        vec![
            "AWS::IAM::User".to_owned(),
            "AWS::IAM::CredentialReport".to_owned()
        ]
    );
    assert!(alice
        .provenance
        .api_calls
        .contains(&"iam:GetCredentialReport".to_owned()));
    assert_eq!(
        alice.attributes["attached_policy_arns"],
        json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    );
    assert_eq!(alice.attributes["mfa_active"], json!(true));
    assert_eq!(j.status("iam-user-mfa", &user("alice")), "pass");
    assert_eq!(
        j.status("iam-user-permissions-via-groups", &user("alice")),
        "fail"
    );

    // Config knows a user the report (generated earlier) does not: its report facts are unknown.
    let late = &j.get("aws.iam.user", &user("late")).attributes;
    assert_eq!(late["report_time"], json!("2026-06-01T00:00:00Z"));
    assert!(unknown_reason(&late["mfa_active"])
        .unwrap()
        .contains("not in the credential report"));
    assert_eq!(j.status("iam-user-mfa", &user("late")), "unknown");
    assert_eq!(j.status("iam-unused-credentials", &user("late")), "unknown");
}

#[test]
fn a_denied_report_makes_the_user_rules_unknown_never_pass() {
    let mut d = answered();
    let denied = "iam:GetCredentialReport denied: AccessDenied";
    d["GetCredentialReport"] = unknown(denied);
    let j = Judged::of(&[config_user("alice", "/"), iam_raw(d)]);
    let stand_in = format!("arn:aws:iam::{ACCOUNT}:user/*");
    for address in [user("alice"), stand_in.clone()] {
        for rule in [
            "iam-user-mfa",
            "iam-access-key-rotation",
            "iam-unused-credentials",
        ] {
            assert_eq!(j.status(rule, &address), "unknown", "{rule} {address}");
            assert!(
                j.evidence(rule, &address).contains(denied),
                "{rule} {address}: {}",
                j.evidence(rule, &address)
            );
        }
    }
    assert_eq!(j.get("aws.iam.user", &stand_in).arn, None);
    // Root usage comes from the report too; root MFA does not.
    assert_eq!(j.status("iam-root-not-used", ROOT), "unknown");
    assert!(j.evidence("iam-root-not-used", ROOT).contains(denied));
    assert_eq!(j.status("iam-root-mfa", ROOT), "pass");
}

#[test]
fn a_denied_summary_falls_back_to_the_report_root_row() {
    let mut d = answered();
    d["GetAccountSummary"] = unknown("iam:GetAccountSummary denied: AccessDenied");
    let j = Judged::of(&[iam_raw(d.clone())]);
    let root = &j.get("aws.iam.account", ROOT).attributes["root"];
    assert_eq!(root["mfa_enabled"], json!(true));
    assert_eq!(root["access_keys_present"], json!(false));

    // Neither source: unknown with the reason, for every rule that needs it.
    d["GetCredentialReport"] = unknown("iam:GetCredentialReport denied: AccessDenied");
    d["ListVirtualMFADevices"] = json!([]);
    d["GetAccountPasswordPolicy"] = unknown("iam:GetAccountPasswordPolicy denied: AccessDenied");
    d["ListEntitiesForPolicy"] = unknown("iam:ListEntitiesForPolicy denied: AccessDenied");
    let j = Judged::of(&[iam_raw(d)]);
    let root = &j.get("aws.iam.account", ROOT).attributes["root"];
    assert_eq!(
        unknown_reason(&root["virtual_mfa"]),
        Some("iam:GetAccountSummary denied: AccessDenied")
    );
    for rule in [
        "iam-root-mfa",
        "iam-root-hardware-mfa",
        "iam-root-no-access-keys",
        "iam-root-not-used",
        "iam-support-role",
    ] {
        assert_eq!(j.status(rule, ROOT), "unknown", "{rule}");
        assert!(j.evidence(rule, ROOT).contains("denied: AccessDenied"));
    }
    assert_eq!(j.status("iam-password-policy", POLICY), "unknown");
}

#[test]
fn events_after_the_report_are_unknown_not_zero_days() {
    // moto 5.2.5 stamps every report 2015-02-02T20:02:02Z, whatever the users' dates.
    let mut d = answered();
    d["GetCredentialReport"]["GeneratedTime"] = json!("2015-02-02T20:02:02Z");
    let j = Judged::of(&[iam_raw(d)]);
    let a = &j.get("aws.iam.user", &user("alice")).attributes;
    assert!(unknown_reason(&a["days_since_created"])
        .unwrap()
        .contains("after the report's generation time"));
    assert_eq!(a["mfa_active"], json!(true), "flags do not depend on time");
    assert_eq!(
        j.status("iam-access-key-rotation", &user("alice")),
        "unknown"
    );
    assert_eq!(j.status("iam-user-mfa", &user("alice")), "pass");
}

#[test]
fn every_region_read_has_the_region_scope_kinds() {
    let j = Judged::of(&[iam_raw(answered()), scope("eu-west-1"), scope("us-east-1")]);
    for region in ["eu-west-1", "us-east-1"] {
        let hub = j.get(
            "aws.securityhub.hub",
            &format!("arn:aws:securityhub:{region}:{ACCOUNT}:hub/default"),
        );
        assert_eq!(hub.region.as_deref(), Some(region));
        assert_eq!(hub.arn, None, "not known to exist");
        assert_eq!(
            unknown_reason(&hub.attributes["enabled"]),
            Some("not collected: vouch does not call securityhub:DescribeHub")
        );
        assert_eq!(
            j.status("securityhub-enabled", &hub.address),
            "unknown",
            "{region}"
        );
        let inspector = format!("arn:aws:inspector2:{region}:{ACCOUNT}:account");
        assert_eq!(
            j.get("aws.inspector2.account", &inspector).attributes["account_ids"],
            json!([ACCOUNT])
        );
        assert_eq!(
            j.status("inspector-scanning-enabled", &inspector),
            "unknown"
        );
        let macie = format!("arn:aws:macie2:{region}:{ACCOUNT}:session");
        assert_eq!(
            j.status("macie-sensitive-data-discovery", &macie),
            "unknown"
        );
    }
    let account = format!("arn:aws:account::{ACCOUNT}:account");
    assert_eq!(
        j.resources
            .iter()
            .filter(|r| r.kind == "aws.account")
            .count(),
        1,
        "one per account"
    );
    for rule in [
        "alarm-root-account-usage",
        "alarm-auth-anomalies",
        "alarm-network-changes",
        "alarm-security-config-changes",
    ] {
        assert_eq!(j.status(rule, &account), "unknown", "{rule}");
        assert!(j
            .evidence(rule, &account)
            .contains("logs:DescribeMetricFilters"));
    }
}

/// Kinds that exist once per account or region: a live audit always has them.
const SCOPE_KINDS: &[&str] = &[
    "aws.account",
    "aws.iam.account",
    "aws.iam.password_policy",
    "aws.inspector2.account",
    "aws.macie2.session",
    "aws.securityhub.hub",
];

/// The CIS/PCI (and every other framework's) controls whose rules judge only account- or
/// region-scope kinds are never `not applicable` in a live audit.
#[test]
fn account_scope_controls_never_roll_up_to_not_applicable() {
    let j = Judged::of(&[iam_raw(answered()), scope("eu-west-1")]);
    let scope_rules: BTreeSet<&str> = policies()
        .rules
        .iter()
        .filter(|r| {
            r.meta
                .kinds
                .iter()
                .all(|k| SCOPE_KINDS.contains(&k.as_str()))
        })
        .map(|r| r.meta.id.as_str())
        .collect();
    assert!(scope_rules.contains("iam-root-mfa"));
    let mut checked = 0;
    for ruleset in Ruleset::builtin().unwrap() {
        for control in ruleset.evaluate(&j.outcomes) {
            if control.coverage == Coverage::Manual
                || !control
                    .rules
                    .iter()
                    .all(|r| scope_rules.contains(r.as_str()))
            {
                continue;
            }
            checked += 1;
            assert_ne!(
                control.status,
                ControlStatus::NotApplicable,
                "{} {} ({:?})",
                ruleset.framework,
                control.id,
                control.rules
            );
        }
    }
    assert!(checked > 5, "only {checked} account-scope controls");
    let cis = Ruleset::named("cis-aws-3.0").unwrap().judge(&j.outcomes);
    let root_mfa = cis.controls.iter().find(|c| c.id == "1.5").unwrap();
    assert_eq!(root_mfa.status, ControlStatus::Pass);
}

#[test]
fn an_account_read_twice_is_one_set_of_resources() {
    let mut denied = answered();
    denied["GetCredentialReport"] = unknown("iam:GetCredentialReport denied: AccessDenied");
    for raws in [
        vec![iam_raw(answered()), iam_raw(answered())],
        vec![iam_raw(denied.clone()), iam_raw(denied)],
    ] {
        let j = Judged::of(&raws);
        let mut seen = BTreeSet::new();
        for r in &j.resources {
            assert!(
                seen.insert((r.kind.clone(), r.address.clone())),
                "{} {} twice",
                r.kind,
                r.address
            );
        }
    }
}
