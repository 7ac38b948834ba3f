//! IAM facts of live accounts ([`RawKind::IamAccount`] documents) shaped into
//! `aws.iam.account`, `aws.iam.password_policy` and the credential-report attributes of
//! `aws.iam.user`.
//!
//! Rules kept here, on top of the module's:
//! - Every `*_days` value is whole days from the event to the credential report's
//!   `GeneratedTime` (`report_time`), never to the wall clock, so a snapshot judges the same
//!   when replayed. An event later than the report (impossible in AWS beyond clock skew,
//!   common in emulators) is unknown, not zero days.
//! - Report cells: a timestamp is a fact; `N/A` (no such credential, or a key never used) and
//!   `no_information` (never used, or last used before October 2014) are `null`, and the
//!   rules count from creation instead; `not_supported` is unknown.
//! - One `aws.iam.user` per user: report facts are merged into the user that AWS Config
//!   recorded (same ARN); a user only the report knows becomes a resource of its own, with
//!   its direct policies unknown (vouch reads those from Config only). A user Config knows
//!   but the report does not (created after the report) has unknown report facts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::resource;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, Resource};

/// The report's row for the root user.
const ROOT_USER: &str = "<root_account>";

/// Columns every credential report has (the header AWS documents); a report without one of
/// them is unknown as a whole.
const REQUIRED_COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

/// How far an event may lie after the report's generation time and still count as zero
/// days (clock skew between IAM's own records).
const SKEW_SECONDS: i64 = 300;

const REPORT_CALLS: [&str; 2] = ["iam:GenerateCredentialReport", "iam:GetCredentialReport"];

/// The report attributes of `aws.iam.user` (the rest come from AWS Config).
const USER_REPORT_ATTRIBUTES: &[&str] = &[
    "report_time",
    "password_enabled",
    "mfa_active",
    "days_since_created",
    "days_since_password_used",
    "access_keys",
];

/// A parsed credential report.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialReport {
    /// `GeneratedTime` as IAM gave it (RFC 3339).
    pub generated_text: String,
    pub generated: OffsetDateTime,
    /// One map (column → cell) per row, in report order.
    pub rows: Vec<BTreeMap<String, String>>,
}

impl CredentialReport {
    /// Reads the collector's `{"GeneratedTime", "Content"}`; `Err` is the unknown marker
    /// (the call failed, or the report cannot be read) to put in every attribute it feeds.
    pub fn from_answer(answer: Option<&Value>) -> Result<Self, Value> {
        let answer = match answer {
            None => return Err(unknown("not collected: iam:GetCredentialReport")),
            Some(v) if unknown_reason(v).is_some() => return Err(v.clone()),
            Some(v) => v,
        };
        let generated_text = answer
            .get("GeneratedTime")
            .and_then(Value::as_str)
            .ok_or_else(|| unknown("the credential report has no GeneratedTime"))?
            .to_owned();
        let generated = OffsetDateTime::parse(&generated_text, &Rfc3339).map_err(|e| {
            unknown(format!(
                "the credential report's GeneratedTime {generated_text} is not RFC 3339: {e}"
            ))
        })?;
        let content = answer
            .get("Content")
            .and_then(Value::as_str)
            .ok_or_else(|| unknown("the credential report has no Content"))?;
        let rows = parse_report_csv(content).map_err(|e| {
            unknown(format!(
                "the credential report generated at {generated_text} cannot be read: {e}"
            ))
        })?;
        Ok(Self {
            generated_text,
            generated,
            rows,
        })
    }

    fn root(&self) -> Option<&BTreeMap<String, String>> {
        self.rows
            .iter()
            .find(|r| r.get("user").map(String::as_str) == Some(ROOT_USER))
    }

    /// Whole days from the timestamp in `column` of `row` to the report's generation time.
    fn days(&self, row: &BTreeMap<String, String>, column: &str) -> Value {
        let Some(cell) = row.get(column) else {
            return unknown(format!("the credential report has no {column} column"));
        };
        match cell.as_str() {
            "N/A" | "no_information" => Value::Null,
            "not_supported" => unknown(format!(
                "the credential report gives {column} as not_supported"
            )),
            text => match OffsetDateTime::parse(text, &Rfc3339) {
                Ok(at) => {
                    let seconds = (self.generated - at).whole_seconds();
                    if seconds < -SKEW_SECONDS {
                        unknown(format!(
                            "the credential report's {column} ({text}) is after the report's generation time ({})",
                            self.generated_text
                        ))
                    } else {
                        json!(seconds.max(0) / 86_400)
                    }
                }
                Err(_) => unknown(format!(
                    "the credential report's {column} is not a time: {text}"
                )),
            },
        }
    }

    /// The attributes `aws.iam.user` takes from a user's row.
    fn user_attributes(&self, row: &BTreeMap<String, String>) -> BTreeMap<&'static str, Value> {
        let keys: Vec<Value> = (1..=2)
            .filter_map(|n| {
                let active = flag(row, &format!("access_key_{n}_active"));
                let rotated = format!("access_key_{n}_last_rotated");
                let has_date = row
                    .get(&rotated)
                    .is_some_and(|c| OffsetDateTime::parse(c, &Rfc3339).is_ok());
                // A slot holds a key when it is active or has a creation date (an inactive
                // key still has one); `false` with `N/A` is an empty slot.
                if active == json!(false) && !has_date {
                    return None;
                }
                Some(json!({
                    "id": format!("access_key_{n}"),
                    "active": active,
                    "days_since_rotated": self.days(row, &rotated),
                    "days_since_used": self.days(row, &format!("access_key_{n}_last_used_date")),
                }))
            })
            .collect();
        BTreeMap::from([
            ("report_time", json!(self.generated_text)),
            ("password_enabled", flag(row, "password_enabled")),
            ("mfa_active", flag(row, "mfa_active")),
            ("days_since_created", self.days(row, "user_creation_time")),
            (
                "days_since_password_used",
                self.days(row, "password_last_used"),
            ),
            ("access_keys", Value::Array(keys)),
        ])
    }
}

/// A `true`/`false` cell.
fn flag(row: &BTreeMap<String, String>, column: &str) -> Value {
    match row.get(column).map(String::as_str) {
        None => unknown(format!("the credential report has no {column} column")),
        Some(c) if c.eq_ignore_ascii_case("true") => json!(true),
        Some(c) if c.eq_ignore_ascii_case("false") => json!(false),
        Some(c) => unknown(format!("the credential report gives {column} as {c}")),
    }
}

/// Splits CSV text (RFC 4180: quoted fields with `""` escapes, `\n` or `\r\n` line ends)
/// into records; blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                let done = std::mem::take(&mut record);
                if !(done.len() == 1 && done[0].is_empty()) {
                    records.push(done);
                }
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_owned());
    }
    if !field.is_empty() || !record.is_empty() || was_quoted {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// Parses the report CSV into one map per row, checking the header. A row with the wrong
/// number of cells cannot be attributed safely and is an error for the whole report.
pub fn parse_report_csv(text: &str) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut records = parse_csv(text)?.into_iter();
    let header = records.next().ok_or("the report is empty")?;
    for column in REQUIRED_COLUMNS {
        if !header.iter().any(|h| h == column) {
            return Err(format!("the header has no {column} column"));
        }
    }
    records
        .enumerate()
        .map(|(i, record)| {
            if record.len() != header.len() {
                return Err(format!(
                    "row {} has {} cells, the header {}",
                    i + 2,
                    record.len(),
                    header.len()
                ));
            }
            Ok(header.iter().cloned().zip(record).collect())
        })
        .collect()
}

/// `aws.iam.account` and `aws.iam.password_policy` of one [`RawKind::IamAccount`] document.
pub(super) fn account_resources(raw: &RawResource) -> Vec<Resource> {
    let d = &raw.data;
    let report = CredentialReport::from_answer(d.get("GetCredentialReport"));
    let known_account = raw.account.is_some();

    let mut account = resource(
        raw,
        "aws.iam.account",
        account_attributes(raw, &report),
        known_account,
    );
    account.provenance.source_types = vec!["AWS::IAM::Account".to_owned()];
    account.provenance.api_calls = sorted(
        raw.api_calls
            .iter()
            .filter(|c| *c != "iam:GetAccountPasswordPolicy")
            .cloned()
            .chain(std::iter::once("sts:GetCallerIdentity".to_owned())),
    );

    let mut policy_raw = raw.clone();
    policy_raw.arn = format!(
        "{}:account-password-policy",
        raw.arn.trim_end_matches(":root")
    );
    let mut policy = resource(
        &policy_raw,
        "aws.iam.password_policy",
        password_policy(d.get("GetAccountPasswordPolicy")),
        false,
    );
    policy.provenance.source_types = vec!["AWS::IAM::AccountPasswordPolicy".to_owned()];
    policy.provenance.api_calls = vec!["iam:GetAccountPasswordPolicy".to_owned()];
    vec![account, policy]
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = items.collect();
    set.into_iter().collect()
}

fn not_called(op: &str) -> Value {
    unknown(format!("not collected: vouch does not call {op}"))
}

fn account_attributes(raw: &RawResource, report: &Result<CredentialReport, Value>) -> Value {
    let d = &raw.data;
    let summary = d
        .get("GetAccountSummary")
        .cloned()
        .unwrap_or_else(|| unknown("not collected: iam:GetAccountSummary"));
    let root_row = report.as_ref().ok().and_then(CredentialReport::root);
    let summary_flag = |key: &str| -> Value {
        if unknown_reason(&summary).is_some() {
            return summary.clone();
        }
        match summary.get(key).and_then(Value::as_i64) {
            Some(0) => json!(false),
            Some(_) => json!(true),
            None => unknown(format!("iam:GetAccountSummary has no {key}")),
        }
    };

    // The account summary is the primary source; the report's root row says the same and
    // stands in when the summary could not be read.
    let mut mfa_enabled = summary_flag("AccountMFAEnabled");
    if unknown_reason(&mfa_enabled).is_some() {
        if let Some(v) = root_row.map(|r| flag(r, "mfa_active")) {
            if v.is_boolean() {
                mfa_enabled = v;
            }
        }
    }
    let mut keys_present = summary_flag("AccountAccessKeysPresent");
    if unknown_reason(&keys_present).is_some() {
        if let (Ok(rep), Some(row)) = (report, root_row) {
            let slots: Vec<Value> = rep
                .user_attributes(row)
                .remove("access_keys")
                .and_then(|k| k.as_array().cloned())
                .unwrap_or_default();
            if !slots.iter().any(|k| unknown_reason(&k["active"]).is_some()) {
                keys_present = json!(!slots.is_empty());
            }
        }
    }

    let virtual_mfa = match d.get("ListVirtualMFADevices") {
        Some(v) if unknown_reason(v).is_some() => v.clone(),
        Some(Value::Array(devices)) => {
            // The root's virtual device is assigned to the account principal `...:root`.
            let root_virtual = devices.iter().any(|dev| {
                dev.get("UserArn")
                    .and_then(Value::as_str)
                    .is_some_and(|a| a.ends_with(":root"))
            });
            match (root_virtual, &mfa_enabled) {
                (true, _) => json!(true),
                (false, Value::Bool(true)) => json!(false),
                (false, Value::Bool(false)) => Value::Null,
                (false, other) => other.clone(),
            }
        }
        _ => unknown("not collected: iam:ListVirtualMFADevices"),
    };

    let (password_days, key_days) = match (report, root_row) {
        (Err(u), _) => (u.clone(), u.clone()),
        (Ok(rep), None) => {
            let u = unknown(format!(
                "the credential report generated at {} has no {ROOT_USER} row",
                rep.generated_text
            ));
            (u.clone(), u)
        }
        (Ok(rep), Some(row)) => {
            let used: Vec<Value> = (1..=2)
                .map(|n| rep.days(row, &format!("access_key_{n}_last_used_date")))
                .collect();
            let key_days = match used.iter().find(|v| unknown_reason(v).is_some()) {
                Some(u) => u.clone(),
                None => used
                    .iter()
                    .filter_map(Value::as_i64)
                    .min()
                    .map_or(Value::Null, |d| json!(d)),
            };
            (rep.days(row, "password_last_used"), key_days)
        }
    };

    let support = match d.get("ListEntitiesForPolicy") {
        None => unknown("not collected: iam:ListEntitiesForPolicy"),
        Some(v) if unknown_reason(v).is_some() => v.clone(),
        Some(v) => {
            // Names with their entity type: the answer has no paths, so no ARNs.
            let mut entities: Vec<String> = Vec::new();
            for (key, prefix) in [
                ("PolicyRoles", "role"),
                ("PolicyGroups", "group"),
                ("PolicyUsers", "user"),
            ] {
                entities.extend(
                    v.get(key)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(|name| format!("{prefix}/{name}")),
                );
            }
            entities.sort();
            json!(entities)
        }
    };

    json!({
        "account_id": raw.account.as_deref().map_or_else(|| unknown("sts:GetCallerIdentity did not answer"), |a| json!(a)),
        "report_time": match report {
            Ok(rep) => json!(rep.generated_text),
            Err(u) => u.clone(),
        },
        "root": {
            "mfa_enabled": mfa_enabled,
            "virtual_mfa": virtual_mfa,
            "access_keys_present": keys_present,
            "days_since_password_used": password_days,
            "days_since_access_key_used": key_days,
        },
        "regions": not_called("ec2:DescribeRegions"),
        "access_analyzer_regions": not_called("access-analyzer:ListAnalyzers"),
        "support_access_entities": support,
    })
}

fn password_policy(answer: Option<&Value>) -> Value {
    let p = match answer {
        None => unknown("not collected: iam:GetAccountPasswordPolicy"),
        Some(v) => v.clone(),
    };
    if unknown_reason(&p).is_some() {
        let u = p;
        return json!({
            "configured": u.clone(), "minimum_password_length": u.clone(),
            "password_reuse_prevention": u.clone(), "max_password_age": u.clone(),
            "require_numbers": u.clone(), "require_symbols": u.clone(),
            "require_uppercase_characters": u.clone(), "require_lowercase_characters": u,
        });
    }
    if p.is_null() {
        // NoSuchEntity: no custom policy; AWS's defaults apply (the schema's nulls).
        return json!({
            "configured": false, "minimum_password_length": null,
            "password_reuse_prevention": null, "max_password_age": null,
            "require_numbers": null, "require_symbols": null,
            "require_uppercase_characters": null, "require_lowercase_characters": null,
        });
    }
    let required = |key: &str| -> Value {
        match p.get(key) {
            Some(v) if !v.is_null() => v.clone(),
            _ => unknown(format!("iam:GetAccountPasswordPolicy returned no {key}")),
        }
    };
    // Omitted by IAM when off: no expiry, no reuse prevention.
    let optional = |key: &str| -> Value { p.get(key).cloned().unwrap_or(Value::Null) };
    json!({
        "configured": true,
        "minimum_password_length": required("MinimumPasswordLength"),
        "password_reuse_prevention": optional("PasswordReusePrevention"),
        "max_password_age": optional("MaxPasswordAge"),
        "require_numbers": required("RequireNumbers"),
        "require_symbols": required("RequireSymbols"),
        "require_uppercase_characters": required("RequireUppercaseCharacters"),
        "require_lowercase_characters": required("RequireLowercaseCharacters"),
    })
}

/// Folds every account's credential report into `out`: report facts into the users AWS
/// Config recorded, and a new `aws.iam.user` for every user only the report knows.
pub(super) fn merge_credential_reports(out: &mut Vec<Resource>, raws: &[RawResource]) {
    for raw in raws.iter().filter(|r| r.kind == RawKind::IamAccount) {
        let report = CredentialReport::from_answer(raw.data.get("GetCredentialReport"));
        let mut rows: BTreeMap<&str, &BTreeMap<String, String>> = BTreeMap::new();
        if let Ok(rep) = &report {
            for row in &rep.rows {
                match (row.get("user"), row.get("arn")) {
                    (Some(user), Some(arn)) if user != ROOT_USER => {
                        rows.insert(arn.as_str(), row);
                    }
                    _ => {}
                }
            }
        }
        let mut merged: BTreeSet<String> = BTreeSet::new();
        for user in out
            .iter_mut()
            .filter(|r| r.kind == "aws.iam.user" && r.account == raw.account)
        {
            let facts: BTreeMap<&str, Value> = match &report {
                Err(u) => USER_REPORT_ATTRIBUTES
                    .iter()
                    .map(|k| (*k, u.clone()))
                    .collect(),
                Ok(rep) => match rows.get(user.address.as_str()) {
                    Some(row) => {
                        merged.insert(user.address.clone());
                        user.provenance.api_calls = sorted(
                            user.provenance
                                .api_calls
                                .iter()
                                .cloned()
                                .chain(REPORT_CALLS.iter().map(|c| (*c).to_owned())),
                        );
                        if !user
                            .provenance
                            .source_types
                            .iter()
                            .any(|t| t == "AWS::IAM::CredentialReport")
                        {
                            user.provenance
                                .source_types
                                .push("AWS::IAM::CredentialReport".to_owned());
                        }
                        rep.user_attributes(row)
                    }
                    None => {
                        let u = unknown(format!(
                            "the user is not in the credential report generated at {} (created after it)",
                            rep.generated_text
                        ));
                        USER_REPORT_ATTRIBUTES
                            .iter()
                            .map(|k| {
                                (
                                    *k,
                                    if *k == "report_time" {
                                        json!(rep.generated_text)
                                    } else {
                                        u.clone()
                                    },
                                )
                            })
                            .collect()
                    }
                },
            };
            if let Value::Object(attributes) = &mut user.attributes {
                for (k, v) in facts {
                    attributes.insert(k.to_owned(), v);
                }
            }
        }
        let rep = match &report {
            Ok(rep) => rep,
            Err(u) => {
                // Without the report the account's users are not known (AWS Config may not
                // record IAM): one resource stands for them, so the user rules say unknown
                // instead of having nothing to judge.
                let users = unlisted_users(raw, u);
                if !out
                    .iter()
                    .any(|r| r.kind == users.kind && r.address == users.address)
                {
                    out.push(users);
                }
                continue;
            }
        };
        let direct = unknown(
            "not collected: AWS Config has no AWS::IAM::User item for this user (vouch does not call iam:ListAttachedUserPolicies or iam:ListUserPolicies)",
        );
        for (arn, row) in rows {
            // The same account read twice (two roles into it) must not duplicate its users.
            if merged.contains(arn)
                || out
                    .iter()
                    .any(|r| r.kind == "aws.iam.user" && r.address == arn)
            {
                continue;
            }
            let mut attributes = serde_json::Map::new();
            attributes.insert(
                "name".to_owned(),
                row.get("user").map_or(Value::Null, |u| json!(u)),
            );
            for (k, v) in rep.user_attributes(row) {
                attributes.insert(k.to_owned(), v);
            }
            attributes.insert("attached_policy_arns".to_owned(), direct.clone());
            attributes.insert("inline_policy_names".to_owned(), direct.clone());
            let mut user_raw = raw.clone();
            user_raw.arn = arn.to_owned();
            user_raw.region = None;
            let mut user = resource(&user_raw, "aws.iam.user", Value::Object(attributes), true);
            user.provenance.source_types = vec!["AWS::IAM::CredentialReport".to_owned()];
            user.provenance.api_calls = REPORT_CALLS.iter().map(|c| (*c).to_owned()).collect();
            out.push(user);
        }
    }
}

/// The stand-in for the users of an account whose credential report could not be read.
fn unlisted_users(raw: &RawResource, reason: &Value) -> Resource {
    let mut attributes = serde_json::Map::new();
    attributes.insert("name".to_owned(), reason.clone());
    for k in USER_REPORT_ATTRIBUTES {
        attributes.insert((*k).to_owned(), reason.clone());
    }
    attributes.insert("attached_policy_arns".to_owned(), reason.clone());
    attributes.insert("inline_policy_names".to_owned(), reason.clone());
    let mut users_raw = raw.clone();
    users_raw.arn = format!("{}:user/*", raw.arn.trim_end_matches(":root"));
    users_raw.region = None;
    let mut users = resource(&users_raw, "aws.iam.user", Value::Object(attributes), false);
    users.provenance.source_types = vec!["AWS::IAM::CredentialReport".to_owned()];
    users.provenance.api_calls = REPORT_CALLS.iter().map(|c| (*c).to_owned()).collect();
    users
}
