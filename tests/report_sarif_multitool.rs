//! Validates our SARIF with Microsoft's SARIF Multitool (`sarif-multitool validate`): zero
//! errors allowed. The tool comes from npm (`@microsoft/sarif-multitool`); `scripts/test`
//! installs it under `$HOME/.cache/vouch-npm` and exports `VOUCH_SARIF_MULTITOOL`. Without
//! it the test is skipped with a message (never silently passed as validated).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use std::path::PathBuf;
use std::process::Command;

use vouch::report::{self, Format};

fn multitool() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("VOUCH_SARIF_MULTITOOL").map(PathBuf::from),
        std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(".cache/vouch-npm/node_modules/.bin/sarif-multitool")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

#[test]
fn sarif_passes_the_multitool_with_zero_errors() {
    let Some(tool) = multitool() else {
        eprintln!("SKIPPED sarif_passes_the_multitool_with_zero_errors: sarif-multitool not installed (set VOUCH_SARIF_MULTITOOL or run scripts/test)");
        assert!(
            std::env::var_os("VOUCH_REQUIRE_TOOLS").is_none(),
            "VOUCH_REQUIRE_TOOLS is set but sarif-multitool is missing"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("vouch.sarif");
    let mut buf = Vec::new();
    report::reporter(Format::Sarif, false)
        .render(
            &report_support::scan_result(),
            &report_support::run_info(),
            &mut buf,
        )
        .unwrap();
    std::fs::write(&input, &buf).unwrap();
    // The empty case too: no rules, no results.
    let empty = dir.path().join("empty.sarif");
    let mut buf = Vec::new();
    let mut nothing = report_support::scan_result();
    nothing.outcomes.clear();
    nothing.rules.clear();
    nothing.diagnostics.clear();
    report::reporter(Format::Sarif, false)
        .render(&nothing, &report_support::run_info(), &mut buf)
        .unwrap();
    std::fs::write(&empty, &buf).unwrap();

    // A deliberately broken log, to prove the check can fail at all.
    let broken = dir.path().join("broken.sarif");
    let mut bad: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&input).unwrap()).unwrap();
    bad["runs"][0]["tool"]["driver"]["name"] = serde_json::json!(5);
    std::fs::write(&broken, serde_json::to_vec(&bad).unwrap()).unwrap();
    assert!(
        !errors_of(&tool, &broken).is_empty(),
        "the multitool must flag a broken log"
    );

    // And what the CLI writes for a real scan of the fixture with the built-in rules.
    let real = dir.path().join("real.sarif");
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args([
            "scan",
            "fixtures/reports/infra",
            "--timestamp",
            report_support::TIMESTAMP,
        ])
        .args(["--fail-on", "none", "-f", "sarif", "-o"])
        .arg(&real)
        .output()
        .unwrap();
    assert!(real.is_file(), "{}", String::from_utf8_lossy(&out.stderr));

    for file in [&input, &empty, &real] {
        let errors = errors_of(&tool, file);
        assert!(
            errors.is_empty(),
            "{}: {} validation errors: {errors:#?}",
            file.display(),
            errors.len()
        );
    }
}

/// Runs `sarif-multitool validate` and returns the error-level results of its log.
fn errors_of(tool: &std::path::Path, file: &std::path::Path) -> Vec<serde_json::Value> {
    {
        let log = file.with_extension("validation.sarif");
        let out = Command::new(tool)
            .arg("validate")
            .arg(file)
            .arg("--output")
            .arg(&log)
            .args(["--log", "ForceOverwrite"])
            .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success(),
            "multitool failed on {}: {stdout}",
            file.display()
        );
        let validation: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&log).unwrap()).unwrap();
        let results = validation["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let errors: Vec<serde_json::Value> = results
            .iter()
            .filter(|r| r["level"].as_str().unwrap_or("warning") == "error")
            .cloned()
            .collect();
        eprintln!(
            "{}: {} errors, {} warnings/notes",
            file.display(),
            errors.len(),
            results.len() - errors.len()
        );
        errors
    }
}
