//! Identity kinds Terraform can express: `aws.iam.password_policy`
//! (`aws_iam_account_password_policy`) and `aws.iam.policy_attachment` (the four managed
//! policy attachment resources). Root-user facts, credential usage and Access Analyzer
//! coverage are runtime state (`aws.iam.account`, `aws.iam.user`): only live collection
//! fills them, so there is nothing to map here.

use serde_json::Value;

use super::{arg, boolean, integer, string, strings, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::Resource;

/// Identity resources, one per instance.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    managed
        .iter()
        .filter_map(|inst| {
            let b = match inst.resource_type.as_str() {
                "aws_iam_account_password_policy" => password_policy(inst),
                "aws_iam_user_policy_attachment"
                | "aws_iam_group_policy_attachment"
                | "aws_iam_role_policy_attachment"
                | "aws_iam_policy_attachment" => attachment(inst),
                _ => return None,
            };
            Some(b.build())
        })
        .collect()
}

fn password_policy(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.iam.password_policy", inst);
    b.set("configured", Value::Bool(true));
    // Provider default for an omitted minimum length is 6 (the IAM API default).
    let min = match arg(v, "minimum_password_length") {
        Arg::Absent => Value::from(6),
        _ => integer(v, "minimum_password_length"),
    };
    b.arg("minimum_password_length", min, "minimum_password_length");
    b.arg(
        "password_reuse_prevention",
        integer(v, "password_reuse_prevention"),
        "password_reuse_prevention",
    );
    b.arg(
        "max_password_age",
        integer(v, "max_password_age"),
        "max_password_age",
    );
    for key in [
        "require_numbers",
        "require_symbols",
        "require_uppercase_characters",
        "require_lowercase_characters",
    ] {
        b.arg(key, boolean(v, key, Some(false)), key);
    }
    b
}

fn attachment(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.iam.policy_attachment", inst);
    b.arg("policy_arn", string(v, "policy_arn"), "policy_arn");
    // The single-principal resources name it in `user`/`group`/`role`; the legacy
    // aws_iam_policy_attachment lists `users`/`groups`/`roles`.
    for (plural, single) in [("users", "user"), ("groups", "group"), ("roles", "role")] {
        match inst.resource_type.as_str() {
            "aws_iam_policy_attachment" => b.arg(plural, strings(v, plural), plural),
            t if t == format!("aws_iam_{single}_policy_attachment") => {
                b.arg(plural, strings(v, single), single)
            }
            _ => b.set(plural, Value::Array(Vec::new())),
        }
    }
    b
}
