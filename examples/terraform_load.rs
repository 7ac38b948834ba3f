//! Loads Terraform under the given paths and prints instances and diagnostics as JSON,
//! with the load time on stderr: `cargo run --release --example terraform_load -- DIR...`.
//! With `--summary`, prints one line per path (instances, diagnostics, time) instead.

use std::path::PathBuf;
use std::time::Instant;

use vouch::collect::terraform::{load, Options};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let summary = args.iter().any(|a| a == "--summary");
    args.retain(|a| a != "--summary");
    if summary {
        let total = Instant::now();
        for a in &args {
            let t = Instant::now();
            let out = load(&[PathBuf::from(a)], &Options::default());
            eprintln!(
                "{a}\tinstances={}\tinputs={}\tdiagnostics={}\t{:.3}s",
                out.instances.len(),
                out.inputs.len(),
                out.diagnostics.len(),
                t.elapsed().as_secs_f64()
            );
        }
        eprintln!("total {:.3}s", total.elapsed().as_secs_f64());
        return;
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let t = Instant::now();
    let out = load(&paths, &Options::default());
    let elapsed = t.elapsed();
    let json = serde_json::json!({
        "instances": out.instances,
        "diagnostics": out.diagnostics,
        "inputs": out.inputs,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&json).unwrap_or_default()
    );
    eprintln!("loaded in {:.3}s", elapsed.as_secs_f64());
}
