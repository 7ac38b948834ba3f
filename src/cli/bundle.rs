//! `scan --bundle` and `vouch evidence keygen|verify`: the command-line side of
//! [`crate::evidence`]. Verify prints one line per problem, naming the file, and exits 1 on
//! any mismatch (2 when the bundle cannot be read at all).

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::args::EvidenceCommand;
use crate::cli::Exit;
use crate::engine::PolicySet;
use crate::evidence::{self, verify::SignatureCheck};
use crate::report::RunInfo;
use crate::scan::ScanResult;

/// Builds the bundle of one scan and writes it to `path`.
pub(super) fn write(
    path: &Path,
    key: Option<&Path>,
    result: &ScanResult,
    run: &RunInfo,
    policies: &PolicySet,
) -> Result<()> {
    let key = key.map(evidence::keys::read_secret).transpose()?;
    let bytes = evidence::build(result, run, policies, key.as_ref())?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

pub(super) fn run(cmd: EvidenceCommand) -> Result<Exit> {
    match cmd {
        EvidenceCommand::Keygen { output } => {
            let key = evidence::keys::generate()?;
            let public = evidence::keys::write_pair(&output, &key)?;
            println!(
                "wrote {} (secret: keep it out of the repository) and {}",
                output.display(),
                public.display()
            );
            Ok(Exit::Clean)
        }
        EvidenceCommand::Verify { bundle, pubkey } => {
            let key = pubkey
                .as_deref()
                .map(evidence::keys::read_public)
                .transpose()?;
            let bytes = std::fs::read(&bundle)
                .with_context(|| format!("cannot read {}", bundle.display()))?;
            let v = evidence::verify::verify(&bytes, key.as_ref())
                .with_context(|| format!("{}", bundle.display()))?;
            let mut out = io::stdout().lock();
            for p in &v.problems {
                writeln!(out, "{p}")?;
            }
            let sig = match &v.signature {
                SignatureCheck::Unsigned => "unsigned".to_owned(),
                SignatureCheck::Trusted { public_key } => {
                    format!("signature valid (key {public_key})")
                }
                SignatureCheck::SelfDeclared { public_key } => format!(
                    "signature valid for the key the manifest names ({public_key}); pass --pubkey to pin it"
                ),
                SignatureCheck::Failed => "signature NOT valid".to_owned(),
            };
            if v.ok() {
                writeln!(out, "OK: {} files match the manifest; {sig}", v.files_ok)?;
                Ok(Exit::Clean)
            } else {
                writeln!(out, "FAILED: {} problem(s); {sig}", v.problems.len())?;
                Ok(Exit::Findings)
            }
        }
    }
}
