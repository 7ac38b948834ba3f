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

mod compact;
mod discover;
mod eval;
mod functions;
mod hcl;
mod module;
mod parse;
mod policy_document;
pub use policy_document::TYPE as POLICY_DOCUMENT;
#[cfg(test)]
mod tests;
mod value;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;

use crate::model::{first_unknown, Diagnostic, DiagnosticLevel, Input};

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
    /// Why the instance may not exist: its `count`/`for_each`, or its module call's, is
    /// unknown, so it was evaluated once, unexpanded. What it contributes to another
    /// resource (a bucket policy to its bucket) is then unknown too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existence_unknown: Option<String>,
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

/// What the loader threads produce: instances still packed.
#[derive(Default)]
struct Loaded {
    instances: Vec<module::Emitted>,
    inputs: Vec<Input>,
    diagnostics: Vec<Diagnostic>,
}

/// Discovers Terraform under `paths`, evaluates every root module (a directory no other
/// scanned module calls) with its local module calls, and returns the expanded instances.
///
/// Never panics and never stops at the first bad file: a malformed file becomes an `error`
/// diagnostic with `path:line:col`, and everything else is still loaded.
pub fn load(paths: &[PathBuf], options: &Options) -> Output {
    let owned_paths = paths.to_vec();
    let owned_options = options.clone();
    // Evaluation recurses through references and modules; a large dedicated stack plus the
    // depth limits in `eval`/`module` keep adversarial input from overflowing it.
    let spawned = std::thread::Builder::new()
        .name("vouch-terraform".to_owned())
        .stack_size(LOADER_STACK_BYTES)
        .spawn(move || load_inner(&owned_paths, &owned_options));
    let loaded = match spawned {
        Ok(handle) => handle.join().unwrap_or_else(|_| Loaded {
            diagnostics: vec![Diagnostic {
                level: DiagnosticLevel::Error,
                code: "internal-error".to_owned(),
                file: None,
                line: None,
                column: None,
                message: "the Terraform loader failed unexpectedly; results are incomplete"
                    .to_owned(),
            }],
            ..Loaded::default()
        }),
        Err(_) => load_inner(paths, options),
    };
    // Unpacked here, on the caller's thread: the instances live in its memory, which the
    // caller reuses once it drops them, not in the loader threads' (see `compact`).
    Output {
        instances: loaded
            .instances
            .into_iter()
            .map(module::Emitted::unpack)
            .collect(),
        inputs: loaded.inputs,
        diagnostics: loaded.diagnostics,
    }
}

/// Stack of the loader thread and of its workers: evaluation and the parser recurse.
const LOADER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// A local module call (`source = "./x"` or `"../x"`, HCL or JSON syntax), found by reading
/// the text: Terraform requires `source` to be a literal string, so no evaluation is needed.
static LOCAL_SOURCE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?m)^\s*"?source"?\s*[=:]\s*"(\.\.?/[^"]*)""#).ok()
});

/// Local module calls of every discovered module directory, read in one pass over the files
/// (in parallel on the current rayon pool).
struct CallScan {
    /// Groups of directories that no local module call crosses, found with [`LOCAL_SOURCE`]
    /// on the raw text. Groups are loaded one after another (two at a time on two cores), so
    /// a scan of many independent projects holds one project's modules at a time.
    groups: Vec<Vec<PathBuf>>,
    /// The exact local calls of each directory, from its parsed `module` blocks: what decides
    /// which modules of a group are roots, before any module is loaded.
    targets: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
}

fn scan_calls(found: &discover::Discovery) -> CallScan {
    use rayon::prelude::*;
    let dirs: Vec<&PathBuf> = found.modules.keys().collect();
    let index: BTreeMap<&PathBuf, usize> = dirs.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let files: Vec<(usize, &discover::SourceFile)> = dirs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| found.modules[*d].files.iter().map(move |f| (i, f)))
        .collect();
    // Per file: directories the pattern links it to, and its exact local calls.
    let per_file: Vec<(Vec<usize>, Vec<PathBuf>)> = files
        .par_iter()
        .map(|&(i, file)| {
            let dir = dirs[i];
            // Oversized and unreadable files are reported by the loader; here they call nothing.
            let Some(text) = module::scan_text(file) else {
                return (Vec::new(), Vec::new());
            };
            let exact = module::file_local_targets(file, &text, dir);
            let linked = match LOCAL_SOURCE.as_ref() {
                Some(re) => re
                    .captures_iter(&text)
                    .filter_map(|cap| std::fs::canonicalize(dir.join(&cap[1])).ok())
                    .filter_map(|t| index.get(&t).copied())
                    .collect(),
                None => Vec::new(),
            };
            (linked, exact)
        })
        .collect();

    let mut targets: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    let mut parent: Vec<usize> = (0..dirs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for ((i, _), (linked, exact)) in files.iter().zip(per_file) {
        targets.entry(dirs[*i].clone()).or_default().extend(exact);
        for j in linked {
            let (a, b) = (root(&mut parent, *i), root(&mut parent, j));
            parent[a.max(b)] = a.min(b);
        }
    }
    let groups = if LOCAL_SOURCE.is_some() {
        let mut groups: BTreeMap<usize, Vec<PathBuf>> = BTreeMap::new();
        for (i, dir) in dirs.iter().enumerate() {
            let r = root(&mut parent, i);
            groups.entry(r).or_default().push((*dir).clone());
        }
        groups.into_values().collect()
    } else {
        // Without the pattern, one group: more memory held at once, never a wrong root.
        vec![dirs.into_iter().cloned().collect()]
    };
    CallScan { groups, targets }
}

fn load_inner(paths: &[PathBuf], options: &Options) -> Loaded {
    let mut found = discover::discover(paths);
    let allowed_roots: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| {
            let dir = if p.is_file() {
                p.parent().map(Path::to_path_buf)
            } else {
                Some(p.clone())
            };
            dir.map(|d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d
                }
            })
        })
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("vouch-terraform-{i}"))
        .stack_size(LOADER_STACK_BYTES)
        .build();
    let scan = match &pool {
        Ok(pool) => pool.install(|| scan_calls(&found)),
        Err(_) => scan_calls(&found),
    };
    let CallScan { groups, targets } = scan;
    let groups: Vec<BTreeMap<PathBuf, discover::FoundModule>> = groups
        .into_iter()
        .map(|dirs| {
            dirs.into_iter()
                .filter_map(|d| found.modules.remove(&d).map(|m| (d, m)))
                .collect()
        })
        .collect();
    let load = |modules| load_group(modules, &targets, options, &allowed_roots);
    let outputs: Vec<Loaded> = match &pool {
        Ok(pool) => pool.install(|| {
            use rayon::prelude::*;
            groups.into_par_iter().map(load).collect()
        }),
        // No threads to be had: load on this thread, which has the same stack.
        Err(_) => groups.into_iter().map(load).collect(),
    };

    let mut merged = Loaded {
        diagnostics: std::mem::take(&mut found.diagnostics),
        ..Loaded::default()
    };
    for out in outputs {
        merged.instances.extend(out.instances);
        merged.inputs.extend(out.inputs);
        merged.diagnostics.extend(out.diagnostics);
    }
    merged.instances.sort_by(|a, b| {
        (&a.file, a.start_line, &a.address).cmp(&(&b.file, b.start_line, &b.address))
    });
    merged
        .instances
        .dedup_by(|a, b| a.address == b.address && a.file == b.file);
    merged.inputs.sort();
    merged.inputs.dedup();
    merged.diagnostics.sort();
    merged.diagnostics.dedup();
    merged
}

/// Loads one group of modules that call only each other: its roots one after another, each
/// with the modules it calls.
///
/// Modules are read and parsed when evaluation first needs them and forgotten as soon as no
/// root still to come can reach them, so a group of many projects sharing a few modules
/// holds the shared modules plus one project's, not every syntax tree of the group.
fn load_group(
    modules: BTreeMap<PathBuf, discover::FoundModule>,
    targets: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    options: &Options,
    allowed_roots: &[PathBuf],
) -> Loaded {
    let files: BTreeMap<PathBuf, Vec<discover::SourceFile>> = modules
        .iter()
        .map(|(dir, m)| (dir.clone(), m.files.clone()))
        .collect();
    let loader = module::Loader::new(options.clone(), allowed_roots.to_vec(), files);
    let no_calls = BTreeSet::new();
    let calls_of = |d: &PathBuf| targets.get(d).unwrap_or(&no_calls);

    // Modules in display order; roots are those no other module of the group calls.
    let mut order: Vec<(&PathBuf, &discover::FoundModule)> = modules.iter().collect();
    order.sort_by(|a, b| a.1.display_dir.cmp(&b.1.display_dir));
    let called: BTreeSet<&PathBuf> = order
        .iter()
        .flat_map(|(d, _)| calls_of(d).iter().filter(move |t| *t != *d))
        .collect();
    let mut roots: Vec<&PathBuf> = order
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| !called.contains(d))
        .collect();
    // What a root reaches: itself and, transitively, the group's modules it calls.
    let reach = |start: &PathBuf| {
        let mut reached = BTreeSet::new();
        let mut todo = vec![start.clone()];
        while let Some(d) = todo.pop() {
            if modules.contains_key(&d) && reached.insert(d.clone()) {
                todo.extend(calls_of(&d).iter().cloned());
            }
        }
        reached
    };
    // Modules that only call each other (a cycle with no outside caller) are evaluated as
    // roots too, so the cycle is reported instead of silently skipped.
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let mut reaches: Vec<BTreeSet<PathBuf>> = Vec::new();
    for r in &roots {
        let set = reach(r);
        reached.extend(set.iter().cloned());
        reaches.push(set);
    }
    for (d, _) in &order {
        if !reached.contains(*d) {
            let set = reach(d);
            reached.extend(set.iter().cloned());
            reaches.push(set);
            roots.push(d);
        }
    }
    // How many roots still to be evaluated reach each module.
    let mut pending: BTreeMap<&PathBuf, usize> = BTreeMap::new();
    for set in &reaches {
        for d in set {
            if let Some((key, _)) = modules.get_key_value(d) {
                *pending.entry(key).or_default() += 1;
            }
        }
    }

    for (dir, set) in roots.iter().zip(&reaches) {
        let display = &modules[*dir].display_dir;
        let def = loader.module_def(dir, display);
        let ctx = Rc::new(loader.root_ctx(&def));
        let vars = root_variables(&loader, &def, &ctx);
        let scope = module::Scope::new(
            &loader,
            def,
            ctx,
            Vec::new(),
            Vec::new(),
            vec![(*dir).clone()],
            module::Inputs::Given(vars),
        );
        scope.emit();
        drop(scope);
        for d in set {
            if let Some(n) = pending.get_mut(d) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    loader.evict(d);
                }
            }
        }
    }
    // A module no evaluation reached (its callers failed to resolve it) is still read, so that
    // its files are inputs and its syntax errors are reported.
    for (dir, m) in &order {
        if !loader.was_loaded(dir) {
            loader.module_def(dir, &m.display_dir);
            loader.evict(dir);
        }
    }

    Loaded {
        instances: loader.instances.take(),
        inputs: loader.inputs.take(),
        diagnostics: loader.diagnostics.take(),
    }
}

/// Values of a root module's variables: `terraform.tfvars`, `terraform.tfvars.json`,
/// `*.auto.tfvars[.json]` in lexical order, then `--var-file`s, then `--var`s.
fn root_variables(
    loader: &module::Loader,
    def: &module::ModuleDef,
    ctx: &Rc<module::RootCtx>,
) -> BTreeMap<String, Value> {
    // Variable files cannot reference anything: evaluate them in an empty module.
    let empty = module::Scope::new(
        loader,
        Rc::new(module::ModuleDef::default()),
        Rc::clone(ctx),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        module::Inputs::Given(BTreeMap::new()),
    );
    let env = module::Env::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = def.dir.join(name);
        if p.is_file() {
            files.push((p, discover::display_join(&def.display, name)));
        }
    }
    let mut auto: Vec<String> = std::fs::read_dir(&def.dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    for name in auto {
        files.push((
            def.dir.join(&name),
            discover::display_join(&def.display, &name),
        ));
    }
    for p in &loader.options.var_files {
        files.push((p.clone(), discover::display_path(p)));
    }
    let mut vars = BTreeMap::new();
    for (path, display) in files {
        let text = match loader.read_text(&path, &display) {
            Ok(t) => t,
            Err(msg) => {
                loader.diag(
                    DiagnosticLevel::Error,
                    "read-error",
                    Some(&display),
                    None,
                    msg,
                );
                continue;
            }
        };
        if display.ends_with(".json") {
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(m)) => vars.extend(m),
                Ok(_) => loader.diag(
                    DiagnosticLevel::Error,
                    "parse-error",
                    Some(&display),
                    Some(1),
                    "variable file must hold a JSON object".to_owned(),
                ),
                Err(e) => loader.diagnostics.borrow_mut().push(parse::parse_error(
                    &display,
                    u32::try_from(e.line()).unwrap_or(0),
                    u32::try_from(e.column()).unwrap_or(0),
                    e.to_string(),
                )),
            }
        } else {
            match parse::parse_hcl(&display, &text) {
                Ok(body) => {
                    for attr in &body.attrs {
                        vars.insert(attr.name.clone(), empty.eval(&attr.expr, &env));
                    }
                }
                Err(d) => loader.diagnostics.borrow_mut().push(d),
            }
        }
    }
    for (name, raw) in &loader.options.vars {
        // Like Terraform: an HCL expression when it is one, else the literal string.
        let v = parse::parse_expression(raw)
            .map(|e| empty.eval(&e, &env))
            .filter(|v| first_unknown(v).is_none())
            .unwrap_or_else(|| Value::String(raw.clone()));
        vars.insert(name.clone(), v);
    }
    vars
}
