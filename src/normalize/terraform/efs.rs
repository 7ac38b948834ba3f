//! `aws.efs.file_system`: `aws_efs_file_system`.

use super::{arg, boolean, string, tags, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// Every EFS file system.
pub(super) fn file_systems(managed: &[&TfInstance]) -> Vec<Resource> {
    managed
        .iter()
        .filter(|i| i.resource_type == "aws_efs_file_system")
        .map(|inst| {
            let v = &inst.values;
            let mut b = Builder::new("aws.efs.file_system", inst);
            // Without a creation token the provider generates one at apply time.
            let name = match arg(v, "creation_token") {
                Arg::Absent => unknown("the creation token is generated at apply time"),
                _ => string(v, "creation_token"),
            };
            b.arg("name", name, "creation_token");
            // The provider and CloudFormation both default `encrypted` to false.
            b.arg(
                "encrypted",
                boolean(v, "encrypted", Some(false)),
                "encrypted",
            );
            b.arg("kms_key_id", string(v, "kms_key_id"), "kms_key_id");
            b.arg("tags", tags(v), "tags");
            b.build()
        })
        .collect()
}
