//! Discovery: turns the user's paths into module directories with their `.tf`/`.tf.json`
//! files and display paths. Walks follow symlinks (loops become diagnostics), skip `.git`
//! and `.terraform`, and never read file contents.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::model::{Diagnostic, DiagnosticLevel};

/// One file of a module: where it is and how to show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub path: PathBuf,
    pub display: String,
}

/// A module directory found under the user's paths.
#[derive(Debug, Clone)]
pub struct FoundModule {
    pub display_dir: String,
    pub files: Vec<SourceFile>,
}

/// Modules keyed by canonical directory, plus walk problems.
#[derive(Debug, Default)]
pub struct Discovery {
    pub modules: BTreeMap<PathBuf, FoundModule>,
    pub diagnostics: Vec<Diagnostic>,
}

/// True for files Terraform reads as configuration.
pub fn is_config_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Normalizes a display path: `/` separators, no `.` segments, `..` folded lexically.
pub fn display_path(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in p.components() {
        match c {
            Component::RootDir => absolute = true,
            Component::Prefix(pre) => parts.push(pre.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|l| l != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".to_owned());
                }
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Joins a display directory and a relative path.
pub fn display_join(dir: &str, rel: &str) -> String {
    display_path(&Path::new(dir).join(rel))
}

fn warn(code: &str, file: Option<String>, message: String) -> Diagnostic {
    Diagnostic {
        level: DiagnosticLevel::Warning,
        code: code.to_owned(),
        file,
        line: None,
        column: None,
        message,
    }
}

/// Walks `paths` and groups configuration files by directory.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut out = Discovery::default();
    for root in paths {
        let root_display = display_path(root);
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    code: "path-not-found".to_owned(),
                    file: Some(root_display),
                    line: None,
                    column: None,
                    message: format!("cannot read path: {e}"),
                });
                continue;
            }
        };
        if meta.is_file() {
            let dir = root
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            add(&mut out, &dir, root, root_display);
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                !(e.depth() > 0
                    && e.file_type().is_dir()
                    && (name == ".git" || name == ".terraform"))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let file = e.path().map(display_path);
                    let msg = if e.loop_ancestor().is_some() {
                        "symlink loop skipped".to_owned()
                    } else {
                        format!("cannot read: {e}")
                    };
                    out.diagnostics.push(warn("walk-error", file, msg));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            if !is_config_file(&name) {
                continue;
            }
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(path);
            let display = display_join(&root_display, &rel.to_string_lossy());
            let dir = path
                .parent()
                .map_or_else(|| root.clone(), Path::to_path_buf);
            add(&mut out, &dir, path, display);
        }
    }
    for m in out.modules.values_mut() {
        m.files.sort();
        m.files.dedup();
    }
    out
}

fn add(out: &mut Discovery, dir: &Path, path: &Path, display: String) {
    let canon = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let display_dir = display
        .rsplit_once('/')
        .map_or_else(|| ".".to_owned(), |(d, _)| d.to_owned());
    out.modules
        .entry(canon)
        .or_insert_with(|| FoundModule {
            display_dir,
            files: Vec::new(),
        })
        .files
        .push(SourceFile {
            path: path.to_path_buf(),
            display,
        });
}

/// Lists the configuration files of a directory that discovery did not cover (a module
/// called from outside the scanned paths, or installed under `.terraform/modules`).
pub fn list_dir(dir: &Path, display_dir: &str) -> Vec<SourceFile> {
    let mut files = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry
                .file_type()
                .map(|t| t.is_file() || t.is_symlink())
                .unwrap_or(false);
            if is_file && is_config_file(&name) && entry.path().is_file() {
                files.push(SourceFile {
                    path: entry.path(),
                    display: display_join(display_dir, &name),
                });
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_normalized() {
        assert_eq!(display_path(Path::new("./a/./b/../c.tf")), "a/c.tf");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_join("root", "../modules/x"), "modules/x");
        assert_eq!(display_join(".", "../x"), "../x");
    }
}
