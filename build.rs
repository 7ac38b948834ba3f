//! Embeds the built-in policies (`policies/**/*.rego` and their `*.test.yaml` cases), the kind
//! schemas (`schemas/*.schema.json`), the rulesets (`rulesets/*.yaml`) and the parity examples
//! into the binary, so a scan never reads them from disk (offline by default) and the
//! registry is derived from the tree, not kept by hand.
//!
//! The generated table names each file relative to `CARGO_MANIFEST_DIR`, resolved when the
//! library compiles: a target directory shared by two checkouts (CI's cache and a working
//! copy) then never embeds the other checkout's files.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, suffixes: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, suffixes, out);
        } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if suffixes.iter().any(|s| name.ends_with(s)) {
                out.push(path);
            }
        }
    }
}

fn write_table(name: &str, root: &Path, dir: &str, suffixes: &[&str], out: &mut impl Write) {
    let mut files = Vec::new();
    collect(&root.join(dir), suffixes, &mut files);
    files.sort();
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap_or(());
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            out,
            "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
            format!("/{rel}")
        )
        .unwrap_or(());
    }
    writeln!(out, "];").unwrap_or(());
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let mut out = Vec::new();
    write_table(
        "POLICY_FILES",
        &root,
        "policies",
        &[".rego", ".test.yaml"],
        &mut out,
    );
    write_table(
        "SCHEMA_FILES",
        &root,
        "schemas",
        &[".schema.json"],
        &mut out,
    );
    write_table("RULESET_FILES", &root, "rulesets", &[".yaml"], &mut out);
    write_table(
        "EXAMPLE_FILES",
        &root,
        "fixtures/parity",
        &[".tf", ".yaml", ".json"],
        &mut out,
    );
    fs::write(out_dir.join("embedded.rs"), out).unwrap_or(());
    println!("cargo:rerun-if-changed=policies");
    println!("cargo:rerun-if-changed=schemas");
    println!("cargo:rerun-if-changed=rulesets");
    println!("cargo:rerun-if-changed=fixtures/parity");
    println!("cargo:rerun-if-changed=build.rs");
    // The vouch binary is linked as a position-dependent executable on Linux: as a PIE, the
    // loader applies ~100,000 relocations at every start, dirtying ~2 MiB of `.data.rel.ro`
    // and reading ~2.5 MiB of relocation records (peak RSS and startup of every scan).
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
