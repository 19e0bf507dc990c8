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
    let at = d.location.map(|l| (l.line, l.column));
    write_heading(w, name, at, d)?;
    write_body(w, source, d, None)
}

/// Writes `d`, whose location is in a document decoded from the input (a policy embedded in a
/// dump, plan, template or get-role output), headed by `at`, the place in the input file; the
/// snippet is of the decoded document `decoded`, introduced by its position there.
pub(crate) fn render_embedded(
    w: &mut impl Write,
    name: &str,
    at: Option<(u32, u32)>,
    decoded: Option<&str>,
    d: &Diagnostic,
) -> io::Result<()> {
    write_heading(w, name, at, d)?;
    let intro = d
        .location
        .filter(|l| l.line > 0)
        .map(|l| format!("line {}, column {} of the decoded policy", l.line, l.column));
    write_body(w, decoded, d, intro)
}

/// `name:line:column: level[code]: message`.
fn write_heading(
    w: &mut impl Write,
    name: &str,
    at: Option<(u32, u32)>,
    d: &Diagnostic,
) -> io::Result<()> {
    let style = d.level.style();
    match at {
        Some((line, column)) if line > 0 => write!(w, "{name}:{line}:{column}: ")?,
        _ => write!(w, "{name}: ")?,
    }
    write!(w, "{style}{}{style:#}", d.label.unwrap_or(d.level.label()))?;
    if let Some(code) = &d.code {
        write!(w, "{style}[{code}]{style:#}")?;
    }
    writeln!(w, ": {}", d.message)
}

/// The snippet (with `intro`, a note saying what it is a snippet of) and the notes.
fn write_body(
    w: &mut impl Write,
    source: Option<&str>,
    d: &Diagnostic,
    intro: Option<String>,
) -> io::Result<()> {
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
            if let Some(intro) = &intro {
                writeln!(w, "{GUTTER}{pad} ={GUTTER:#} in {intro}:")?;
            }
            writeln!(w, "{GUTTER}{pad} |{GUTTER:#}")?;
            write_source_line(w, src, loc, d.level, "")?;
            for (label, text) in notes {
                writeln!(w, "{GUTTER}{pad} ={GUTTER:#} {label}: {text}")?;
            }
        }
        None => {
            if let Some(intro) = &intro {
                writeln!(w, "  = at {intro}")?;
            }
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

/// Most chars of a source line shown; a longer line is cut around the caret
/// (a one-line 200 MB file would otherwise be echoed whole by every
/// diagnostic about it).
pub(crate) const SNIPPET_CHARS: usize = 240;

/// Chars kept before the caret when a line is cut.
const SNIPPET_BEFORE: usize = 80;

/// Marks where a cut line continues.
const CUT: char = '…';

/// The numbered source line, cut to [`SNIPPET_CHARS`] around the caret, and
/// the caret line under it.
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
    let col = usize::try_from(loc.column.saturating_sub(1)).unwrap_or(0);
    let shown = Window::around(line_text, col);
    let (before, after) = (
        if shown.start > 0 { "…" } else { "" },
        if shown.end < line_text.len() {
            "…"
        } else {
            ""
        },
    );
    let text = line_text.get(shown.start..shown.end).unwrap_or_default();
    writeln!(
        w,
        "{indent}{GUTTER}{number} |{GUTTER:#} {before}{text}{after}"
    )?;
    // Copy tabs from the source line so the caret lines up in a terminal;
    // the leading `…` takes one column.
    let caret_indent: String = before
        .chars()
        .map(|_| ' ')
        .chain(
            line_text
                .get(shown.start..shown.caret)
                .unwrap_or_default()
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' }),
        )
        .collect();
    let caret_at = line_start + shown.caret;
    let room = line_text
        .get(shown.caret..shown.end)
        .unwrap_or_default()
        .chars()
        .count();
    let width = caret_width(src, caret_at, line_start + shown.end, loc, room);
    writeln!(
        w,
        "{indent}{GUTTER}{pad} |{GUTTER:#} {caret_indent}{style}{}{style:#}",
        "^".repeat(width)
    )
}

/// The part of a line shown: byte offsets in the line, on char boundaries.
#[derive(Debug, PartialEq, Eq)]
struct Window {
    start: usize,
    /// Where the caret goes (the diagnostic's column, or the end of the
    /// line when the column is past it).
    caret: usize,
    end: usize,
}

impl Window {
    /// At most [`SNIPPET_CHARS`] chars of `line` around the char index
    /// `col`: the whole line when it is no longer, else [`SNIPPET_BEFORE`]
    /// chars before the column and the rest after it. Walks only as far as the column plus the window, never the
    /// rest of a long line.
    fn around(line: &str, col: usize) -> Window {
        let caret = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
        if line.char_indices().nth(SNIPPET_CHARS).is_none() {
            return Window {
                start: 0,
                caret,
                end: line.len(),
            };
        }
        let head = line.get(..caret).unwrap_or_default();
        let start = if head.len() <= SNIPPET_BEFORE {
            // Fewer bytes than the budget: certainly fewer chars.
            0
        } else {
            head.char_indices()
                .rev()
                .nth(SNIPPET_BEFORE - 1)
                .map_or(0, |(i, _)| i)
        };
        let end = line
            .get(start..)
            .unwrap_or_default()
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(line.len(), |(i, _)| start + i);
        Window { start, caret, end }
    }
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

/// How many carets: the node's length in chars from `caret_at` (a byte
/// offset in `src`), cut at `shown_end` and at `room` chars, at least one.
fn caret_width(src: &str, caret_at: usize, shown_end: usize, loc: Location, room: usize) -> usize {
    let len = loc
        .span
        .and_then(|(s, e)| src.get(caret_at.max(s)..e.min(shown_end).max(caret_at.max(s))))
        .map_or(1, |t| t.chars().count());
    len.min(room).max(1)
}

/// Says how many findings of a rule were left out once one name (a file, or
/// a file and role) has had [`Repeats::LIMIT`] of them: 20,000 findings of
/// one rule in one policy are read as a count, not as 20,000 snippets.
#[derive(Debug, Default)]
pub(crate) struct Repeats {
    /// Per rule id: findings seen for the current name.
    seen: Vec<(String, usize)>,
}

impl Repeats {
    /// Findings of one rule shown in full per name.
    pub(crate) const LIMIT: usize = 10;

    /// Counts a finding with `code` and says whether to render it in full.
    pub(crate) fn show(&mut self, code: &str) -> bool {
        // A handful of rules per name: a list is enough.
        let n = match self.seen.iter_mut().find(|(c, _)| c == code) {
            Some((_, n)) => n,
            None => {
                self.seen.push((code.to_owned(), 0));
                match self.seen.last_mut() {
                    Some((_, n)) => n,
                    None => return true,
                }
            }
        };
        *n += 1;
        *n <= Self::LIMIT
    }

    /// Writes "… and K more X findings in NAME" for every rule that went
    /// over the limit, and starts over for the next name.
    pub(crate) fn finish(&mut self, w: &mut impl Write, name: &str) -> io::Result<()> {
        for (code, n) in self.seen.drain(..) {
            if n > Self::LIMIT {
                let more = n - Self::LIMIT;
                let s = if more == 1 { "" } else { "s" };
                writeln!(w, "{CUT} and {more} more {code} finding{s} in {name}")?;
            }
        }
        Ok(())
    }
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

    /// The source line and caret line of a rendering, styles stripped.
    fn snippet_lines(text: &str) -> (String, String) {
        let lines: Vec<&str> = text.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        (source[4..].to_owned(), caret[4..].to_owned())
    }

    /// A long line is cut around the caret, on char boundaries, with `…`
    /// where it goes on; the caret stays under the same char.
    #[test]
    fn long_lines_are_cut_around_the_caret() {
        for filler in ["a", "é", "漢", "\t"] {
            for target in [0, 3, 79, 80, 81, 5_000, 9_990] {
                let mut src = filler.repeat(10_000);
                let at = src.char_indices().nth(target).unwrap().0;
                src.replace_range(at..at + filler.len(), "X");
                let loc = Location {
                    line: 1,
                    column: u32::try_from(target + 1).unwrap(),
                    span: Some((at, at + 1)),
                };
                let text = rendered(&src, loc, None);
                let (line, caret) = snippet_lines(&text);
                let chars: Vec<char> = line.chars().collect();
                assert!(
                    chars.len() <= SNIPPET_CHARS + 2,
                    "{filler} {target}: {}",
                    chars.len()
                );
                assert_eq!(
                    chars.first() == Some(&'…'),
                    target > SNIPPET_BEFORE,
                    "{filler} {target}"
                );
                assert_eq!(
                    chars.last() == Some(&'…'),
                    target < 9_900,
                    "{filler} {target}"
                );
                // Tabs are copied, every other char becomes one space: the
                // caret's char index is the target's.
                let caret_col = caret.find('^').unwrap();
                assert_eq!(caret[..caret_col].chars().count(), caret_col);
                assert_eq!(
                    chars.get(caret_col),
                    Some(&'X'),
                    "{filler} {target}\n{line}\n{caret}"
                );
                assert_eq!(caret.matches('^').count(), 1);
                assert!(
                    text.len() < 2_000,
                    "{filler} {target}: {} bytes",
                    text.len()
                );
            }
        }
    }

    /// A line of up to [`SNIPPET_CHARS`] chars is shown whole, one more is cut.
    #[test]
    fn lines_up_to_the_limit_are_whole() {
        for (len, cut) in [(SNIPPET_CHARS, false), (SNIPPET_CHARS + 1, true)] {
            let src = format!("{}X", " ".repeat(len - 1));
            let loc = Location {
                line: 1,
                column: u32::try_from(len).unwrap(),
                span: None,
            };
            let (line, caret) = snippet_lines(&rendered(&src, loc, None));
            assert_eq!(line.starts_with('…'), cut, "{len}");
            assert_eq!(
                line.trim_start_matches('…'),
                if cut {
                    &src[len - SNIPPET_BEFORE - 1..]
                } else {
                    &src[..]
                }
            );
            assert_eq!(caret.chars().count(), line.chars().count());
        }
    }

    /// A span longer than the window gets carets to the window's end only.
    #[test]
    fn a_long_span_is_cut_with_its_line() {
        let src = format!("{{\"k\": \"{}\"}}", "v".repeat(5_000));
        let loc = Location {
            line: 1,
            column: 7,
            span: Some((6, src.len() - 1)),
        };
        let (line, caret) = snippet_lines(&rendered(&src, loc, None));
        assert_eq!(line.chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(caret.trim_start().len(), SNIPPET_CHARS - 6);
    }

    #[test]
    fn repeated_findings_are_counted_past_the_limit() {
        let mut repeats = Repeats::default();
        let mut shown: Vec<bool> = (0..Repeats::LIMIT + 3)
            .map(|_| repeats.show("TP-X"))
            .collect();
        shown.push(repeats.show("TP-Y"));
        assert_eq!(shown.iter().filter(|s| **s).count(), Repeats::LIMIT + 1);
        assert!(!shown[Repeats::LIMIT]);
        let mut out = Vec::new();
        repeats.finish(&mut out, "f.json").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "… and 3 more TP-X findings in f.json\n"
        );
        // The next name starts over.
        assert!(repeats.show("TP-X"));
    }
}
