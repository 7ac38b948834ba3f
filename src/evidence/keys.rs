//! Ed25519 keys for signing bundle manifests.
//!
//! File format (documented in the README): the secret key file holds the 32-byte Ed25519
//! seed as 64 lowercase hex characters and a newline; the public key file (`KEY.pub`) holds
//! the 32-byte public key the same way. Hex, not PEM: one line, easy to paste into a CI
//! secret, and nothing to parse but hex.

use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::evidence::EvidenceError;

/// A new signing key from the operating system's random source.
pub fn generate() -> Result<SigningKey, EvidenceError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| EvidenceError::Key(format!("no randomness: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public key file that goes with a secret key file: `KEY.pub`.
pub fn public_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Writes `KEY` (secret, mode 0600 on Unix) and `KEY.pub`; refuses to overwrite either.
pub fn write_pair(secret: &Path, key: &SigningKey) -> Result<PathBuf, EvidenceError> {
    let public = public_path(secret);
    for p in [secret, public.as_path()] {
        if p.exists() {
            return Err(EvidenceError::Key(format!(
                "{} exists; not overwriting a key",
                p.display()
            )));
        }
    }
    let io = |p: &Path, e: std::io::Error| EvidenceError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut f = options.open(secret).map_err(|e| io(secret, e))?;
        f.write_all(format!("{}\n", hex::encode(key.to_bytes())).as_bytes())
            .map_err(|e| io(secret, e))?;
    }
    std::fs::write(
        &public,
        format!("{}\n", hex::encode(key.verifying_key().to_bytes())),
    )
    .map_err(|e| io(&public, e))?;
    Ok(public)
}

fn read_hex32(path: &Path, what: &str) -> Result<[u8; 32], EvidenceError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvidenceError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    parse_hex32(text.trim()).ok_or_else(|| {
        EvidenceError::Key(format!(
            "{}: expected a {what} as 64 hex characters",
            path.display()
        ))
    })
}

/// 32 bytes from 64 hex characters.
pub fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text).ok()?;
    bytes.try_into().ok()
}

/// Reads a secret key file.
pub fn read_secret(path: &Path) -> Result<SigningKey, EvidenceError> {
    Ok(SigningKey::from_bytes(&read_hex32(path, "secret key")?))
}

/// Reads a public key file.
pub fn read_public(path: &Path) -> Result<VerifyingKey, EvidenceError> {
    VerifyingKey::from_bytes(&read_hex32(path, "public key")?).map_err(|e| {
        EvidenceError::Key(format!(
            "{}: not an Ed25519 public key: {e}",
            path.display()
        ))
    })
}
