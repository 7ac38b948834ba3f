//! `vouch evidence verify`: re-checks a bundle. Every file listed in the manifest must be
//! present with its SHA-256 and size; no other file may be there; the signature (when there
//! is one, or when a public key is given) must hold over `manifest.json`; and the zip itself
//! must be exactly the canonical archive of its entries, so a change in zip metadata (times,
//! modes, names in local headers, padding) is caught too and attributed to an entry.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use ed25519_dalek::{Signature, VerifyingKey};

use crate::evidence::{
    sha256_hex, write_zip, zip_time, EvidenceError, Manifest, MANIFEST, SIGNATURE,
};

/// Entries larger than this are refused (a bundle is reports and policies, not data dumps).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// One reason a bundle does not verify; each names the file it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file's bytes differ from the manifest's digest or size.
    Changed { path: String, detail: String },
    /// Listed in the manifest (or required) but not in the zip.
    Missing { path: String },
    /// In the zip but not in the manifest.
    Extra { path: String },
    /// The entry could not be read (corrupt data, bad CRC, too large).
    Unreadable { path: String, detail: String },
    /// The manifest is not valid JSON of the expected shape.
    BadManifest { detail: String },
    /// The signature does not hold over `manifest.json` with the key used.
    BadSignature { detail: String },
    /// A public key was given but the bundle is not signed.
    Unsigned,
    /// The zip container differs from the canonical archive of its entries.
    Container { region: String },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Changed { path, detail } => write!(f, "changed: {path} ({detail})"),
            Problem::Missing { path } => write!(f, "missing: {path}"),
            Problem::Extra { path } => write!(f, "extra: {path} (not in the manifest)"),
            Problem::Unreadable { path, detail } => write!(f, "unreadable: {path} ({detail})"),
            Problem::BadManifest { detail } => write!(f, "changed: {MANIFEST} ({detail})"),
            Problem::BadSignature { detail } => {
                write!(f, "bad signature: {MANIFEST} ({detail})")
            }
            Problem::Unsigned => write!(
                f,
                "unsigned: a public key was given but {SIGNATURE} is absent"
            ),
            Problem::Container { region } => {
                write!(
                    f,
                    "changed: {region} (zip metadata differs from the canonical archive)"
                )
            }
        }
    }
}

/// How the signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No signature and none required.
    Unsigned,
    /// Valid for the key given with `--pubkey`.
    Trusted { public_key: String },
    /// Valid for the key recorded in the manifest, which nobody pinned: integrity only.
    SelfDeclared { public_key: String },
    /// Not valid (see the problems).
    Failed,
}

/// The outcome of verifying a bundle.
#[derive(Debug, Clone)]
pub struct Verification {
    pub problems: Vec<Problem>,
    pub signature: SignatureCheck,
    /// Number of files whose digest matched.
    pub files_ok: usize,
    pub manifest: Option<Manifest>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies bundle bytes. `Err` only when the bytes are not a zip at all.
pub fn verify(bytes: &[u8], pubkey: Option<&VerifyingKey>) -> Result<Verification, EvidenceError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| EvidenceError::NotAZip(e.to_string()))?;
    let mut problems = Vec::new();
    // Entries in archive order, and by name.
    let mut order: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::Unreadable {
                    path: format!("entry #{i}"),
                    detail: e.to_string(),
                });
                continue;
            }
        };
        let name = entry.name().to_owned();
        if entry.size() > MAX_ENTRY_BYTES {
            problems.push(Problem::Unreadable {
                path: name.clone(),
                detail: format!(
                    "{} bytes is larger than a bundle entry can be",
                    entry.size()
                ),
            });
            order.push((name, None));
            continue;
        }
        let mut buf = Vec::new();
        match (&mut entry).take(MAX_ENTRY_BYTES).read_to_end(&mut buf) {
            Ok(_) => order.push((name, Some(buf))),
            Err(e) => {
                problems.push(Problem::Unreadable {
                    path: name.clone(),
                    detail: e.to_string(),
                });
                order.push((name, None));
            }
        }
    }
    let entries: BTreeMap<&str, Option<&Vec<u8>>> = order
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_ref()))
        .collect();

    let manifest_bytes = match entries.get(MANIFEST) {
        Some(Some(b)) => Some(*b),
        Some(None) => None,
        None => {
            problems.push(Problem::Missing {
                path: MANIFEST.to_owned(),
            });
            None
        }
    };
    let manifest: Option<Manifest> = manifest_bytes.and_then(|b| match serde_json::from_slice(b) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.push(Problem::BadManifest {
                detail: e.to_string(),
            });
            None
        }
    });

    let mut files_ok = 0;
    let mut signature = SignatureCheck::Unsigned;
    if let (Some(m), Some(m_bytes)) = (&manifest, manifest_bytes) {
        for f in &m.files {
            match entries.get(f.path.as_str()) {
                None => problems.push(Problem::Missing {
                    path: f.path.clone(),
                }),
                Some(None) => {} // already reported as unreadable
                Some(Some(b)) => {
                    let actual = sha256_hex(b);
                    if actual != f.sha256 || b.len() as u64 != f.size {
                        problems.push(Problem::Changed {
                            path: f.path.clone(),
                            detail: format!(
                                "sha256 {actual}, {} bytes; manifest says {}, {} bytes",
                                b.len(),
                                f.sha256,
                                f.size
                            ),
                        });
                    } else {
                        files_ok += 1;
                    }
                }
            }
        }
        let listed: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
        for (name, _) in &order {
            let known = listed.contains(&name.as_str())
                || name == MANIFEST
                || (name == SIGNATURE && (m.signature.is_some() || pubkey.is_some()));
            if !known {
                problems.push(Problem::Extra { path: name.clone() });
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (name, _) in &order {
            if !seen.insert(name.as_str()) {
                problems.push(Problem::Extra {
                    path: format!("{name} (a second entry with this name)"),
                });
            }
        }
        signature = check_signature(
            m,
            m_bytes,
            entries.get(SIGNATURE).copied(),
            pubkey,
            &mut problems,
        );
    } else if pubkey.is_some() {
        signature = SignatureCheck::Failed;
    }

    // The container: only meaningful once the content is right, and only for bundles this
    // version wrote (another version may compress differently).
    if problems.is_empty() {
        if let Some(m) = &manifest {
            if m.tool.version == env!("CARGO_PKG_VERSION") {
                let canonical: Vec<(String, Vec<u8>)> = order
                    .iter()
                    .map(|(n, b)| (n.clone(), b.clone().unwrap_or_default()))
                    .collect();
                let rebuilt = write_zip(&canonical, zip_time(&m.times.scan))?;
                if rebuilt != bytes {
                    problems.push(Problem::Container {
                        region: region_of_first_difference(&rebuilt, bytes),
                    });
                }
            }
        }
    }
    Ok(Verification {
        problems,
        signature,
        files_ok,
        manifest,
    })
}

fn check_signature(
    m: &Manifest,
    manifest_bytes: &[u8],
    sig_entry: Option<Option<&Vec<u8>>>,
    pubkey: Option<&VerifyingKey>,
    problems: &mut Vec<Problem>,
) -> SignatureCheck {
    let sig_bytes = match sig_entry {
        None => {
            if m.signature.is_some() {
                problems.push(Problem::Missing {
                    path: SIGNATURE.to_owned(),
                });
                return SignatureCheck::Failed;
            }
            if pubkey.is_some() {
                problems.push(Problem::Unsigned);
                return SignatureCheck::Failed;
            }
            return SignatureCheck::Unsigned;
        }
        Some(None) => return SignatureCheck::Failed, // unreadable, already reported
        Some(Some(b)) => b,
    };
    let declared = m
        .signature
        .as_ref()
        .and_then(|s| super::keys::parse_hex32(&s.public_key))
        .and_then(|k| VerifyingKey::from_bytes(&k).ok());
    let (key, trusted) = match (pubkey, declared) {
        (Some(k), _) => (*k, true),
        (None, Some(k)) => (k, false),
        (None, None) => {
            problems.push(Problem::BadSignature {
                detail: "the manifest names no public key; pass --pubkey".to_owned(),
            });
            return SignatureCheck::Failed;
        }
    };
    let parsed = std::str::from_utf8(sig_bytes)
        .ok()
        .and_then(|t| hex::decode(t.trim()).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    let Some(sig) = parsed else {
        problems.push(Problem::Changed {
            path: SIGNATURE.to_owned(),
            detail: "not a hex Ed25519 signature".to_owned(),
        });
        return SignatureCheck::Failed;
    };
    match key.verify_strict(manifest_bytes, &sig) {
        Ok(()) => {
            let public_key = hex::encode(key.to_bytes());
            if trusted {
                SignatureCheck::Trusted { public_key }
            } else {
                SignatureCheck::SelfDeclared { public_key }
            }
        }
        Err(_) => {
            problems.push(Problem::BadSignature {
                detail: if trusted {
                    "does not verify with the given public key".to_owned()
                } else {
                    "does not verify with the key the manifest names".to_owned()
                },
            });
            SignatureCheck::Failed
        }
    }
}

fn u16_at(b: &[u8], i: usize) -> usize {
    b.get(i..i + 2)
        .map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
        .unwrap_or(0)
}

fn u32_at(b: &[u8], i: usize) -> usize {
    b.get(i..i + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .and_then(|a| usize::try_from(u32::from_le_bytes(a)).ok())
        .unwrap_or(0)
}

/// Names the part of the canonical archive where `actual` first differs: an entry's local
/// header and data, its central-directory record, or the end record.
fn region_of_first_difference(canonical: &[u8], actual: &[u8]) -> String {
    let d = canonical
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(canonical.len().min(actual.len()));
    if d >= canonical.len() {
        return "the zip (bytes after the end record)".to_owned();
    }
    let name_at = |start: usize, len: usize| {
        String::from_utf8_lossy(canonical.get(start..start + len).unwrap_or_default()).into_owned()
    };
    let mut p = 0;
    // Local headers: signature, 30 fixed bytes, name, extra, data (sizes are in the header).
    while u32_at(canonical, p) == 0x0403_4b50 {
        let (n, e, size) = (
            u16_at(canonical, p + 26),
            u16_at(canonical, p + 28),
            u32_at(canonical, p + 18),
        );
        let end = p + 30 + n + e + size;
        if d < end {
            return name_at(p + 30, n);
        }
        p = end;
    }
    while u32_at(canonical, p) == 0x0201_4b50 {
        let (n, e, c) = (
            u16_at(canonical, p + 28),
            u16_at(canonical, p + 30),
            u16_at(canonical, p + 32),
        );
        let end = p + 46 + n + e + c;
        if d < end {
            return format!("{} (its central directory record)", name_at(p + 46, n));
        }
        p = end;
    }
    "the zip end record".to_owned()
}
