//! Terraform HCL collector: discovery, parsing with spans, and evaluation of the language
//! (variables, locals, functions, `count`/`for_each`, `dynamic` blocks, local modules).
//!
//! Output shape ([`TfInstance::values`]) deliberately matches the `values` object of
//! `terraform show -json`: arguments as JSON values, nested blocks as arrays of objects.
//! That lets one adapter ([`crate::normalize::terraform`]) serve both HCL and plan JSON.
//!
//! Values that cannot be determined are unknown markers ([`crate::model::unknown`]) with a
//! reason; a reference to a computed attribute of a managed resource is kept as the
//! Terraform interpolation string `"${aws_kms_key.k.arn}"` (known to be set, value known
//! only after apply), which is also what joins resolve against.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::model::{Diagnostic, Input};

/// Whether a block is a managed `resource` or a `data` source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

/// One expanded instance of a `resource` or `data` block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TfInstance {
    pub mode: Mode,
    /// Provider resource type, e.g. `aws_s3_bucket`.
    pub resource_type: String,
    /// Block name, e.g. `b` in `resource "aws_s3_bucket" "b"`.
    pub name: String,
    /// Canonical Terraform address: `module.audit[0].aws_s3_bucket.this["logs"]`.
    pub address: String,
    /// Module call chain from the root, e.g. `["module.audit[0]"]`.
    pub module_chain: Vec<String>,
    /// File holding the block (display path, `/` separators).
    pub file: String,
    /// 1-based inclusive line range of the whole block.
    pub start_line: u32,
    pub end_line: u32,
    /// Evaluated arguments and nested blocks (plan-JSON `values` shape).
    pub values: Value,
    /// Line range of each argument/nested block, keyed by dotted path with list indices
    /// (`server_side_encryption_configuration.0.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm`).
    pub attribute_lines: BTreeMap<String, (u32, u32)>,
}

/// Inputs that change how a project evaluates.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--var-file` files, applied after `terraform.tfvars` and `*.auto.tfvars`.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, applied last (highest precedence).
    pub vars: Vec<(String, String)>,
}

/// What loading a set of paths produced.
#[derive(Debug, Default)]
pub struct Output {
    pub instances: Vec<TfInstance>,
    /// Every file read, with its digest.
    pub inputs: Vec<Input>,
    /// Parse errors (`error`) and unresolved modules or references (`warning`).
    pub diagnostics: Vec<Diagnostic>,
}

/// Discovers Terraform under `paths`, evaluates every root module (a directory no other
/// scanned module calls) with its local module calls, and returns the expanded instances.
///
/// Never panics and never stops at the first bad file: a malformed file becomes an `error`
/// diagnostic with `path:line:col`, and everything else is still loaded.
pub fn load(paths: &[PathBuf], options: &Options) -> Output {
    // Work in progress on branch `terraform`: discovery and evaluation land there.
    let _ = (paths, options);
    Output::default()
}
