//! Code excerpts for evidence: the lines of a scanned file that an outcome points at, read at
//! render time. The file's SHA-256 is checked against the digest recorded during the scan, so
//! an excerpt never shows code that differs from what was judged.

use sha2::{Digest, Sha256};

/// The most lines an excerpt shows; longer ranges are cut (and say so).
pub const MAX_EXCERPT_LINES: u32 = 40;

/// Lines `first_line..` of a file, as judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// 1-based number of the first line in `lines`.
    pub first_line: u32,
    pub lines: Vec<String>,
    /// True when the range was longer than [`MAX_EXCERPT_LINES`].
    pub truncated: bool,
}

/// Reads lines `start..=end` of `file` (1-based). When `expected_sha256` is given and the
/// file's digest differs, the excerpt is refused: the file changed since the scan.
/// Errors are human-readable reasons, shown in place of the excerpt.
pub fn read_excerpt(
    file: &str,
    start: u32,
    end: u32,
    expected_sha256: Option<&str>,
) -> Result<Excerpt, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    excerpt_of(&bytes, file, start, end, expected_sha256)
}

/// [`read_excerpt`] over bytes already read.
pub(crate) fn excerpt_of(
    bytes: &[u8],
    file: &str,
    start: u32,
    end: u32,
    expected_sha256: Option<&str>,
) -> Result<Excerpt, String> {
    if let Some(expected) = expected_sha256 {
        let actual = hex::encode(Sha256::digest(bytes));
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(format!(
                "{file} changed since the scan (sha256 {actual}, scanned {expected})"
            ));
        }
    }
    let text = String::from_utf8_lossy(bytes);
    let start = start.max(1);
    let end = end.max(start);
    let last = end.min(start.saturating_add(MAX_EXCERPT_LINES - 1));
    let lines: Vec<String> = text
        .lines()
        .skip(usize::try_from(start - 1).unwrap_or(usize::MAX))
        .take(usize::try_from(last - start + 1).unwrap_or(0))
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        return Err(format!("{file} has no line {start}"));
    }
    Ok(Excerpt {
        first_line: start,
        lines,
        truncated: last < end,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_checks_the_digest_and_cuts_long_ranges() {
        let text = (1..=100).map(|i| format!("line {i}\n")).collect::<String>();
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        let e = excerpt_of(text.as_bytes(), "f", 3, 4, Some(&digest)).unwrap();
        assert_eq!(e.first_line, 3);
        assert_eq!(e.lines, vec!["line 3", "line 4"]);
        assert!(!e.truncated);
        let long = excerpt_of(text.as_bytes(), "f", 1, 100, None).unwrap();
        assert_eq!(long.lines.len(), MAX_EXCERPT_LINES as usize);
        assert!(long.truncated);
        assert!(excerpt_of(text.as_bytes(), "f", 1, 1, Some("00")).is_err());
        assert!(excerpt_of(text.as_bytes(), "f", 500, 501, None).is_err());
    }
}
