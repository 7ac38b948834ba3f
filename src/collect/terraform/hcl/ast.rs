//! The syntax tree the parser produces and the evaluator walks.
//!
//! Shaped for evaluation, not for reproducing the source: no trivia, no spans inside
//! expressions (evidence points at arguments and blocks, whose line ranges live in
//! [`Attr`] and [`Block`]), number literals already converted to the JSON number the
//! evaluator returns, template strip markers (`~`) and `<<-` indentation already applied.
//! Children are boxed so that an [`Expr`] stays three words.

use serde_json::Number;

/// 1-based inclusive line range.
pub type Lines = (u32, u32);

/// An argument: `name = expr`.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub expr: Expr,
    pub lines: Lines,
}

/// A block: `kind "label" { body }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub lines: Lines,
}

/// A body: arguments and nested blocks, each in source order.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    /// The argument called `name`, if set.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Number(Number),
    /// A quoted string or heredoc without interpolations or directives (escapes decoded).
    String(Box<str>),
    /// A template with at least one interpolation or directive. A template that is exactly
    /// one interpolation (`"${x}"`) evaluates to the interpolated value itself.
    Template(Box<[Part]>),
    /// `[a, b]`.
    Tuple(Box<[Expr]>),
    /// `{ k = v, ... }`, items in source order (a repeated key overrides, as in HCL).
    Object(Box<[(ObjectKey, Expr)]>),
    /// A bare name: `var`, `each`, a `for` variable.
    Var(Box<str>),
    /// `root.attr[index].*...`.
    Traversal(Box<Traversal>),
    Call(Box<Call>),
    /// `(expr)`: kept because it changes meaning as an object key and a `dynamic` iterator.
    Paren(Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(Box<Binary>),
    /// `cond ? a : b`.
    Conditional(Box<[Expr; 3]>),
    For(Box<ForExpr>),
}

/// An object constructor key.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectKey {
    /// A bare identifier (or keyword): the literal name, never a reference.
    Name(Box<str>),
    /// Anything else, evaluated and converted to a string.
    Expr(Expr),
}

/// An expression followed by traversal operators.
#[derive(Debug, Clone, PartialEq)]
pub struct Traversal {
    pub root: Expr,
    pub ops: Box<[Op]>,
}

/// One traversal operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `.name`
    Attr(Box<str>),
    /// `[expr]`
    Index(Expr),
    /// `.0` (legacy index syntax)
    LegacyIndex(u64),
    /// `.*`
    AttrSplat,
    /// `[*]`
    FullSplat,
}

/// A function call: `name(args)` or `provider::ns::name(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The name with its namespace, joined with `::`.
    pub name: Box<str>,
    pub args: Box<[Expr]>,
    /// The last argument ends with `...` and is expanded into arguments.
    pub expand_final: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
}

impl BinaryOp {
    /// Binding strength, as in the HCL specification: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            Self::Or => 1,
            Self::And => 2,
            Self::Eq | Self::NotEq => 3,
            Self::Less | Self::LessEq | Self::Greater | Self::GreaterEq => 4,
            Self::Plus | Self::Minus => 5,
            Self::Mul | Self::Div | Self::Mod => 6,
        }
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Or => "||",
            Self::And => "&&",
            Self::Eq => "==",
            Self::NotEq => "!=",
            Self::Less => "<",
            Self::LessEq => "<=",
            Self::Greater => ">",
            Self::GreaterEq => ">=",
            Self::Plus => "+",
            Self::Minus => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::Mod => "%",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binary {
    pub op: BinaryOp,
    pub lhs: Expr,
    pub rhs: Expr,
}

/// `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expr,
    /// `Some` for an object `for`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value: values with the same key are grouped into lists.
    pub grouping: bool,
}

/// One part of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Literal(Box<str>),
    Interpolation(Expr),
    /// `%{ if cond }then%{ else }else%{ endif }`
    If(Box<IfPart>),
    /// `%{ for k, v in coll }body%{ endfor }`
    For(Box<ForPart>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IfPart {
    pub cond: Expr,
    pub then: Box<[Part]>,
    pub otherwise: Box<[Part]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForPart {
    pub key_var: Option<Box<str>>,
    pub value_var: Box<str>,
    pub collection: Expr,
    pub body: Box<[Part]>,
}
