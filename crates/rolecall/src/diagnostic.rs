//! Rendering a diagnostic for a person: position, message, the source line
//! and a caret under the offending token.
//!
//! ```text
//! trust.json:9:7: error[TP-RESOURCE-IN-TRUST]: has prohibited field `Resource`
//!   |
//! 9 |       "Resource": "*",
//!   |       ^^^^^^^^^^
//!   = hint: remove `Resource`: a trust policy applies to its own role
//! ```

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use rolecall_policy::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }

    pub(crate) fn style(self) -> Style {
        let color = match self {
            Level::Error => AnsiColor::Red,
            Level::Warning => AnsiColor::Yellow,
            Level::Info => AnsiColor::Cyan,
        };
        Style::new().bold().fg_color(Some(color.into()))
    }
}

/// Where in the source a diagnostic points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column in chars.
    pub column: u32,
    /// Byte range in the source, when known (for the caret's length).
    pub span: Option<(usize, usize)>,
}

impl From<Span> for Location {
    fn from(s: Span) -> Self {
        Location {
            line: s.line,
            column: s.column,
            span: Some((s.start, s.end)),
        }
    }
}

/// One message about one place in one input.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostic {
    pub level: Level,
    /// Shown instead of the level's name (an audit severity such as
    /// `critical`), with the level's colour.
    pub label: Option<&'static str>,
    /// The rule id or error code, shown in brackets.
    pub code: Option<String>,
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
    /// Further labelled lines (`why`, `fix`) printed after the hint.
    pub notes: Vec<(&'static str, String)>,
}

const GUTTER: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));

/// Writes `d` about the input called `name` whose text is `source`.
///
/// Styles are always written; the stream strips them when colour is off.
pub(crate) fn render(
    w: &mut impl Write,
    name: &str,
    source: Option<&str>,
    d: &Diagnostic,
) -> io::Result<()> {
    let style = d.level.style();
    match d.location {
        Some(loc) if loc.line > 0 => write!(w, "{name}:{}:{}: ", loc.line, loc.column)?,
        _ => write!(w, "{name}: ")?,
    }
    write!(w, "{style}{}{style:#}", d.label.unwrap_or(d.level.label()))?;
    if let Some(code) = &d.code {
        write!(w, "{style}[{code}]{style:#}")?;
    }
    writeln!(w, ": {}", d.message)?;

    let notes = d
        .hint
        .iter()
        .map(|h| ("hint", h))
        .chain(d.notes.iter().map(|(l, t)| (*l, t)));
    let shown = d
        .location
        .zip(source)
        .filter(|(loc, src)| source_line(src, *loc).is_some());
    match shown {
        Some((loc, src)) => {
            let pad = " ".repeat(loc.line.to_string().len());
            writeln!(w, "{GUTTER}{pad} |{GUTTER:#}")?;
            write_source_line(w, src, loc, d.level, "")?;
            for (label, text) in notes {
                writeln!(w, "{GUTTER}{pad} ={GUTTER:#} {label}: {text}")?;
            }
        }
        None => {
            for (label, text) in notes {
                writeln!(w, "  = {label}: {text}")?;
            }
        }
    }
    Ok(())
}

/// Writes the source line of `span` with a caret under it, every line
/// prefixed by `indent`. Writes nothing when the span is not in `src`.
pub(crate) fn snippet(
    w: &mut impl Write,
    src: &str,
    span: Span,
    level: Level,
    indent: &str,
) -> io::Result<()> {
    write_source_line(w, src, Location::from(span), level, indent)
}

/// The numbered source line and the caret line under it.
fn write_source_line(
    w: &mut impl Write,
    src: &str,
    loc: Location,
    level: Level,
    indent: &str,
) -> io::Result<()> {
    let Some((line_start, line_text)) = source_line(src, loc) else {
        return Ok(());
    };
    let style = level.style();
    let number = loc.line.to_string();
    let pad = " ".repeat(number.len());
    writeln!(w, "{indent}{GUTTER}{number} |{GUTTER:#} {line_text}")?;
    let col = usize::try_from(loc.column.saturating_sub(1)).unwrap_or(0);
    // Copy tabs from the source line so the caret lines up in a terminal.
    let caret_indent: String = line_text
        .chars()
        .take(col)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let width = caret_width(src, line_start, line_text, loc, col);
    writeln!(
        w,
        "{indent}{GUTTER}{pad} |{GUTTER:#} {caret_indent}{style}{}{style:#}",
        "^".repeat(width)
    )
}

/// The text of the diagnostic's line, without its line ending, and the
/// byte offset where it starts.
fn source_line(src: &str, loc: Location) -> Option<(usize, &str)> {
    let index = usize::try_from(loc.line.checked_sub(1)?).ok()?;
    let mut start = 0;
    for (i, line) in src.split('\n').enumerate() {
        if i == index {
            return Some((start, line.strip_suffix('\r').unwrap_or(line)));
        }
        start += line.len() + 1;
    }
    None
}

/// How many carets: the node's length in chars, cut at the end of the line,
/// at least one.
fn caret_width(src: &str, line_start: usize, line: &str, loc: Location, col: usize) -> usize {
    let rest_of_line = line.chars().count().saturating_sub(col);
    let len = loc
        .span
        .and_then(|(s, e)| {
            let line_end = line_start + line.len();
            src.get(s..e.min(line_end).max(s))
        })
        .map_or(1, |t| t.chars().count());
    len.min(rest_of_line).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(source: &str, loc: Location, hint: Option<&str>) -> String {
        let d = Diagnostic {
            level: Level::Error,
            label: None,
            code: Some("X-1".into()),
            message: "bad thing".into(),
            location: Some(loc),
            hint: hint.map(str::to_owned),
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        render(&mut out, "f.json", Some(source), &d).unwrap();
        // Styles are stripped as the stream would strip them with colour off.
        anstream::adapter::strip_str(&String::from_utf8(out).unwrap()).to_string()
    }

    #[test]
    fn caret_sits_under_the_span() {
        let src = "{\n  \"Effect\": \"allow\"\n}";
        let start = src.find("\"allow\"").unwrap();
        let loc = Location {
            line: 2,
            column: 13,
            span: Some((start, start + 7)),
        };
        let text = rendered(src, loc, Some("write `Allow`"));
        assert_eq!(
            text,
            "f.json:2:13: error[X-1]: bad thing\n  |\n2 |   \"Effect\": \"allow\"\n  |             ^^^^^^^\n  = hint: write `Allow`\n"
        );
    }

    #[test]
    fn caret_is_cut_at_the_end_of_the_line_and_never_empty() {
        let src = "{\"a\":\n\"b\"}";
        let loc = Location {
            line: 1,
            column: 1,
            span: Some((0, src.len())),
        };
        let text = rendered(src, loc, None);
        assert!(text.contains("1 | {\"a\":\n  | ^^^^^\n"), "{text}");
        let empty = Location {
            line: 1,
            column: 2,
            span: Some((1, 1)),
        };
        assert!(rendered(src, empty, None).contains("  |  ^\n"));
    }

    #[test]
    fn non_ascii_columns_count_chars() {
        let src = "\"é\": \"x\"";
        let start = src.find("\"x\"").unwrap();
        let loc = Location {
            line: 1,
            column: 6,
            span: Some((start, start + 3)),
        };
        assert!(rendered(src, loc, None).contains("  |      ^^^\n"));
    }
}
