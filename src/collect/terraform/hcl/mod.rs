//! Our HCL native-syntax parser: source text to the syntax tree of [`ast`], which the
//! evaluator walks directly.
//!
//! Owns the whole of HCL as Terraform writes it: bodies (arguments, blocks, one-line
//! blocks), comments, every expression form, quoted templates with escapes, heredocs
//! (`<<EOT`, `<<-EOT`), template directives with strip markers. It follows HashiCorp's
//! `hclsyntax` where it matters for values: an object with a repeated key keeps the last
//! value, strip markers and `<<-` trim exactly the literal pieces HCL's scanner would.
//!
//! Invariants: never panics, whatever the bytes; nesting is bounded by
//! `parser::MAX_DEPTH`, so neither parsing nor walking the tree can overflow the stack;
//! an error is the first problem found, located by line and column (columns count
//! characters, 1-based).

pub mod ast;
mod parser;
mod template;
#[cfg(test)]
mod tests;

pub use parser::number_from_f64;

use ast::{Body, Expr};
use parser::{Fail, Parser};

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    pub message: String,
}

/// Parses a file body (`.tf`, `.tfvars`).
pub fn parse_body(src: &str) -> Result<Body, ParseError> {
    let mut p = Parser::new(src);
    p.file_body().map_err(|f| locate(src, f))
}

/// Parses one expression that must span the whole input (surrounding whitespace, newlines
/// and comments allowed).
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src);
    let whole = (|| {
        p.skip_ws(true)?;
        let e = p.expr(true)?;
        p.skip_ws(true)?;
        match p.peek() {
            None => Ok(e),
            Some(_) => p.fail(p.pos, "unexpected text after the expression"),
        }
    })();
    whole.map_err(|f| locate(src, f))
}

/// Parses a whole text as a template (`templatefile`, strings of JSON syntax): literal
/// text with `${...}` interpolations and `%{...}` directives, no backslash escapes.
pub fn parse_template(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src);
    p.bare_template().map_err(|f| locate(src, f))
}

fn locate(src: &str, f: Fail) -> ParseError {
    let at = f.at.min(src.len());
    let line_start = src.as_bytes()[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = src.as_bytes()[..line_start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let column = src
        .get(line_start..at)
        .map_or(at - line_start, |s| s.chars().count())
        + 1;
    ParseError {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        message: f.message.into_owned(),
    }
}
