//! Terraform adapter: maps evaluated instances (HCL or plan JSON) to canonical kinds and
//! folds split resources into one (S3 v4 sub-resources, security group rules).

use crate::collect::terraform::TfInstance;
use crate::model::Resource;

/// Normalizes instances into resources of canonical kinds; types with no kind are skipped.
pub fn normalize(instances: &[TfInstance]) -> Vec<Resource> {
    // Work in progress on branch `normalize`.
    let _ = instances;
    Vec::new()
}
