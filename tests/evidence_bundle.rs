//! Evidence bundles: reproducible bytes, a clean verify, signatures, and tampering caught and
//! named — a changed, missing or extra file, a wrong key, and any single changed byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use std::io::{Cursor, Read, Write};
use std::process::Command;

use vouch::engine::PolicySet;
use vouch::evidence::verify::{verify, Problem, SignatureCheck};
use vouch::evidence::{self, keys, Manifest};

fn policies() -> PolicySet {
    PolicySet::load(&[], &Default::default()).unwrap()
}

fn bundle(key: Option<&ed25519_dalek::SigningKey>) -> Vec<u8> {
    evidence::build(
        &report_support::scan_result(),
        &report_support::run_info(),
        &policies(),
        key,
    )
    .unwrap()
}

fn key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])
}

fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().to_owned(), buf)
        })
        .collect()
}

/// Rewrites a zip with different entries (an attacker with a zip tool).
fn rezip(list: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in list {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn same_inputs_give_identical_bytes_and_a_clean_verify() {
    let a = bundle(Some(&key()));
    let b = bundle(Some(&key()));
    assert_eq!(a, b, "bundles must be byte-identical");
    let names: Vec<String> = entries(&a).into_iter().map(|(n, _)| n).collect();
    for needed in [
        "report.html",
        "report.json",
        "snapshot.json",
        "manifest.json",
        "manifest.sig",
    ] {
        assert!(
            names.iter().any(|n| n == needed),
            "{needed} missing from {names:?}"
        );
    }
    assert_eq!(&names[names.len() - 2..], ["manifest.json", "manifest.sig"]);
    let v = verify(&a, Some(&key().verifying_key())).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert!(matches!(v.signature, SignatureCheck::Trusted { .. }));
    let m: Manifest = v.manifest.unwrap();
    assert_eq!(m.inputs, report_support::scan_result().inputs);
    assert_eq!(m.times.scan, report_support::TIMESTAMP);
    assert_eq!(
        m.times.collected_earliest.as_deref(),
        Some("2026-01-31T11:58:07Z")
    );
    assert_eq!(m.counts["fail"], 3);
    assert_eq!(m.policy_set.digest.len(), 64);
    assert_eq!(v.files_ok, m.files.len());
    // The snapshot carries the normalized live resource.
    let snap = entries(&a)
        .into_iter()
        .find(|(n, _)| n == "snapshot.json")
        .unwrap()
        .1;
    assert!(String::from_utf8(snap)
        .unwrap()
        .contains(report_support::SG_ARN));
}

#[test]
fn unsigned_bundles_verify_but_not_against_a_pinned_key() {
    let a = bundle(None);
    let v = verify(&a, None).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.signature, SignatureCheck::Unsigned);
    let pinned = verify(&a, Some(&key().verifying_key())).unwrap();
    assert_eq!(pinned.problems, vec![Problem::Unsigned]);
}

#[test]
fn a_wrong_key_fails() {
    let a = bundle(Some(&key()));
    let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let v = verify(&a, Some(&other.verifying_key())).unwrap();
    assert!(
        matches!(v.problems.as_slice(), [Problem::BadSignature { .. }]),
        "{:?}",
        v.problems
    );
}

#[test]
fn changed_missing_and_extra_files_are_named() {
    let original = entries(&bundle(Some(&key())));
    // Changed content.
    let mut changed = original.clone();
    changed
        .iter_mut()
        .find(|(n, _)| n == "report.json")
        .unwrap()
        .1
        .push(b' ');
    let v = verify(&rezip(&changed), None).unwrap();
    assert!(
        v.problems
            .iter()
            .any(|p| matches!(p, Problem::Changed { path, .. } if path == "report.json")),
        "{:?}",
        v.problems
    );
    // Missing.
    let missing: Vec<_> = original
        .iter()
        .filter(|(n, _)| n != "snapshot.json")
        .cloned()
        .collect();
    let v = verify(&rezip(&missing), None).unwrap();
    assert!(
        v.problems.contains(&Problem::Missing {
            path: "snapshot.json".into()
        }),
        "{:?}",
        v.problems
    );
    // Extra.
    let mut extra = original.clone();
    extra.push(("notes.txt".into(), b"trust me".to_vec()));
    let v = verify(&rezip(&extra), None).unwrap();
    assert!(
        v.problems.contains(&Problem::Extra {
            path: "notes.txt".into()
        }),
        "{:?}",
        v.problems
    );
    // A re-written manifest (hashes updated to match a forged report) breaks the signature.
    let mut forged = original.clone();
    forged
        .iter_mut()
        .find(|(n, _)| n == "report.json")
        .unwrap()
        .1 = b"{}".to_vec();
    let mi = forged
        .iter()
        .position(|(n, _)| n == "manifest.json")
        .unwrap();
    let mut m: Manifest = serde_json::from_slice(&forged[mi].1).unwrap();
    let f = m
        .files
        .iter_mut()
        .find(|f| f.path == "report.json")
        .unwrap();
    f.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"{}"));
    f.size = 2;
    forged[mi].1 = serde_json::to_vec_pretty(&m).unwrap();
    let v = verify(&rezip(&forged), None).unwrap();
    assert!(
        v.problems
            .iter()
            .any(|p| matches!(p, Problem::BadSignature { .. })),
        "{:?}",
        v.problems
    );
}

/// Flip bytes of a signed bundle one at a time: every flip must fail verification, and a flip
/// inside an entry's local record (header, name or data) must name that entry. Every byte of
/// every header and of the central directory is flipped; data bytes are sampled (every 13th)
/// to keep the debug-build test fast.
#[test]
fn any_changed_byte_fails_and_names_the_file() {
    let good = bundle(Some(&key()));
    let pubkey = key().verifying_key();
    // Entry regions: [header_start, next header_start) in archive order.
    let mut zip = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
    let mut regions: Vec<(u64, String)> = (0..zip.len())
        .map(|i| {
            let f = zip.by_index(i).unwrap();
            (f.header_start(), f.name().to_owned())
        })
        .collect();
    regions.sort();
    let central = zip.central_directory_start();
    let mut unnamed = Vec::new();
    let near_header = |o: u64| {
        regions
            .iter()
            .any(|(start, name)| o >= *start && o < start + 30 + name.len() as u64)
    };
    for offset in 0..good.len() {
        let o = offset as u64;
        if !(offset % 13 == 0 || o >= central || near_header(o)) {
            continue;
        }
        let mut bad = good.clone();
        bad[offset] ^= 0x01;
        let Ok(v) = verify(&bad, Some(&pubkey)) else {
            continue; // not a zip any more: the CLI reports that and exits non-zero
        };
        assert!(!v.ok(), "flip at {offset} went unnoticed");
        if o < central {
            let name = &regions
                .iter()
                .rev()
                .find(|(start, _)| *start <= o)
                .unwrap()
                .1;
            let named = v
                .problems
                .iter()
                .any(|p| p.to_string().contains(name.as_str()));
            if !named {
                unnamed.push(format!("{offset} ({name}): {:?}", v.problems));
            }
        }
    }
    assert!(
        unnamed.is_empty(),
        "flips not attributed to their entry:\n{}",
        unnamed.join("\n")
    );
}

#[test]
fn cli_keygen_sign_verify_and_tamper() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let vouch = env!("CARGO_BIN_EXE_vouch");
    let out = Command::new(vouch)
        .args(["evidence", "keygen", "--output"])
        .arg(p("key"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(p("key.pub")).unwrap();
    assert_eq!(public.trim().len(), 64);
    assert!(keys::read_public(&p("key.pub")).is_ok());
    // Refuses to overwrite a key.
    let again = Command::new(vouch)
        .args(["evidence", "keygen", "--output"])
        .arg(p("key"))
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    for name in ["a.zip", "b.zip"] {
        let out = Command::new(vouch)
            .args([
                "scan",
                "fixtures/reports/infra",
                "--timestamp",
                report_support::TIMESTAMP,
                "--fail-on",
                "none",
                "-f",
                "table",
            ])
            .arg("--bundle")
            .arg(p(name))
            .arg("--sign-key")
            .arg(p("key"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        std::fs::read(p("a.zip")).unwrap(),
        std::fs::read(p("b.zip")).unwrap(),
        "two runs, identical bundles"
    );

    let verify = |file: &str| {
        Command::new(vouch)
            .args(["evidence", "verify"])
            .arg(p(file))
            .arg("--pubkey")
            .arg(p("key.pub"))
            .output()
            .unwrap()
    };
    let ok = verify("a.zip");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("signature valid"));

    // Change one file inside: verify exits 1 and names it.
    let mut list = entries(&std::fs::read(p("a.zip")).unwrap());
    list.iter_mut()
        .find(|(n, _)| n == "report.html")
        .unwrap()
        .1
        .extend_from_slice(b"<!-- edited -->");
    std::fs::write(p("c.zip"), rezip(&list)).unwrap();
    let bad = verify("c.zip");
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("changed: report.html"), "{stdout}");
}
