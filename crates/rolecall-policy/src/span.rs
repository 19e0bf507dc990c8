//! Source positions.
//!
//! Every node of the syntax tree carries a [`Span`]: its byte range in the
//! input and the line and column where it starts, so that a diagnostic can
//! point at the exact token a person wrote.

use std::fmt;

/// Where a node sits in the source text.
///
/// `start..end` is a byte range into the original input. `line` and `column`
/// are 1-based and describe `start`; `column` counts Unicode scalar values
/// (chars) from the start of the line, so a caret drawn under a line of text
/// lands under the right character.
///
/// Equality of syntax-tree nodes ignores spans (see [`Spanned`]), but two
/// `Span` values compare field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte of the node.
    pub start: usize,
    /// Byte offset one past the last byte of the node.
    pub end: usize,
    /// 1-based line number of `start`.
    pub line: u32,
    /// 1-based column (in chars) of `start`.
    pub column: u32,
}

impl Span {
    /// A span for a node that was not read from text (built in code).
    pub const SYNTHETIC: Span = Span {
        start: 0,
        end: 0,
        line: 0,
        column: 0,
    };

    /// Whether this span points into real source text.
    pub fn is_synthetic(&self) -> bool {
        self.line == 0
    }

    /// The byte range, for slicing the original input.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value together with the place it was read from.
///
/// `PartialEq` compares only the value, never the span: a tree parsed from a
/// pretty-printed document equals the tree parsed from the same document
/// minified. That is what the round-trip property (parse, print, parse)
/// relies on.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was read from.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a value with its span.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }

    /// Wraps a value built in code, with [`Span::SYNTHETIC`].
    pub fn synthetic(node: T) -> Self {
        Spanned {
            node,
            span: Span::SYNTHETIC,
        }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT_2_7: Span = Span {
        start: 12,
        end: 20,
        line: 2,
        column: 7,
    };

    #[test]
    fn only_line_zero_is_synthetic() {
        assert!(Span::SYNTHETIC.is_synthetic());
        assert!(!AT_2_7.is_synthetic());
        assert_eq!(AT_2_7.range(), 12..20);
    }

    #[test]
    fn span_displays_line_and_column() {
        assert_eq!(AT_2_7.to_string(), "2:7");
        assert_eq!(Span::SYNTHETIC.to_string(), "0:0");
    }

    #[test]
    fn spanned_equality_compares_values_not_spans() {
        assert_eq!(Spanned::new("a", AT_2_7), Spanned::synthetic("a"));
        assert_ne!(Spanned::new("a", AT_2_7), Spanned::new("b", AT_2_7));
        assert_ne!(Spanned::synthetic(1), Spanned::synthetic(2));
    }
}
