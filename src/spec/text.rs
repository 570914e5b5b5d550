//! Text for people: cutting long text to an excerpt, showing text a server sent without
//! letting it steer the terminal, and reading a user's file as text (or saying where it is
//! not). Cutting is the last thing done to a text, after [`crate::redact::Redactor`] masked
//! it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// What a secret is replaced with, wherever runner shows text.
pub const MASK: &str = "***";

/// A file that is not UTF-8 text: where its first byte that is not, and which byte.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct NotUtf8 {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The byte.
    pub byte: u8,
    /// The line, the bytes that are not UTF-8 shown as U+FFFD; `None` for a line too long
    /// to show (a minified file).
    pub line_text: Option<String>,
    /// The file is UTF-16 (Windows' "Unicode") or UTF-32: a byte order mark, or NUL bytes
    /// between ASCII letters.
    pub wide: Option<Wide>,
}

/// A text encoding of two or four bytes a character, which a user's file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    /// UTF-16 (Windows' "Unicode").
    Utf16,
    /// UTF-32.
    Utf32,
}

/// The longest line [`NotUtf8`] keeps to show, in bytes.
const SHOWN_LINE: usize = 1000;

impl NotUtf8 {
    /// Where `error`, met reading `bytes`, is.
    pub fn at(bytes: &[u8], error: std::str::Utf8Error) -> Self {
        let (good, rest) = bytes.split_at(error.valid_up_to());
        // `valid_up_to` says the prefix is UTF-8.
        let before = std::str::from_utf8(good).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |at| good.len() + at);
        NotUtf8 {
            wide: None,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            byte: rest.first().copied().unwrap_or_default(),
            line_text: (line_end - line_start <= SHOWN_LINE).then(|| {
                String::from_utf8_lossy(&bytes[line_start..line_end])
                    .trim_end_matches('\r')
                    .to_owned()
            }),
        }
    }

    fn describe(&self) -> String {
        if self.wide == Some(Wide::Utf16) {
            "UTF-16 text, not UTF-8 (Windows' \"Unicode\")".to_owned()
        } else if self.wide == Some(Wide::Utf32) {
            "UTF-32 text, not UTF-8".to_owned()
        } else {
            format!(
                "not UTF-8 text (byte 0x{:02X}, likely Latin-1 or Windows-1252)",
                self.byte
            )
        }
    }

    /// `bytes` in a `wide` encoding: the whole file is read so, from its first byte.
    fn wide(bytes: &[u8], wide: Wide) -> Self {
        NotUtf8 {
            line: 1,
            column: 1,
            byte: bytes.first().copied().unwrap_or_default(),
            line_text: None,
            wide: Some(wide),
        }
    }

    /// The problem in `path`: `PATH:LINE:COLUMN: not UTF-8 text (…); save the file as UTF-8`.
    pub fn in_file(&self, path: &std::path::Path) -> String {
        format!(
            "{}:{}:{}: {}",
            path.display(),
            self.line,
            self.column,
            self.reason()
        )
    }

    /// The problem and how to mend it, without its place: `not UTF-8 text (…); save the file
    /// as UTF-8`.
    pub fn reason(&self) -> String {
        format!("{self}; {}", Self::HINT)
    }

    /// How to mend the file.
    pub const HINT: &'static str = "save the file as UTF-8";
}

/// UTF-8's byte order mark.
const UTF8_MARK: &[u8] = b"\xEF\xBB\xBF";

/// A user's file as text: UTF-8, after a byte order mark if it has one.
pub fn utf8_text(bytes: &[u8]) -> Result<&str, NotUtf8> {
    if let Some(wide) = wide(bytes) {
        return Err(NotUtf8::wide(bytes, wide));
    }
    let bytes = bytes.strip_prefix(UTF8_MARK).unwrap_or(bytes);
    // A SIMD check first (a third of `from_utf8`'s instructions on JSON text, BENCHMARKS.md,
    // issue 20, sixth session); only a file that fails it is read again for where.
    simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|error| NotUtf8::at(bytes, error))
}

/// A user's file, read whole, as text: what [`utf8_text`] says of it, but owned, and with
/// the byte order mark it has (the bytes are checked once and not copied).
pub fn utf8_string(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    utf8_text(&bytes)?;
    // SAFETY: `utf8_text` found the bytes after any byte order mark to be UTF-8, and the mark
    // (U+FEFF) is a whole UTF-8 character: so are all of them.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// The wide encoding `bytes` are in: UTF-32 or UTF-16 by a byte order mark (little or big
/// endian), or ASCII written as either without one (three NUL bytes, or one, beside each of
/// the first letters).
fn wide(bytes: &[u8]) -> Option<Wide> {
    let nul_beside_letters = |width: usize| {
        bytes.len() >= 2 * width
            && bytes.chunks_exact(width).take(8).all(|unit| {
                let nuls = unit.iter().filter(|&&b| b == 0).count();
                nuls == width - 1 && (unit[0] != 0 || unit[width - 1] != 0)
            })
    };
    if bytes.starts_with(b"\xFF\xFE\0\0")
        || bytes.starts_with(b"\0\0\xFE\xFF")
        || nul_beside_letters(4)
    {
        return Some(Wide::Utf32);
    }
    let marked = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    (marked || nul_beside_letters(2)).then_some(Wide::Utf16)
}

/// `text`, cut at `max` characters with `…` appended when longer.
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

/// What a JSON value is, as a message names it: `a number`, `text`, `an object`.
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `text`, cut to `limit` bytes (at a character boundary) with a note of how much was left out.
pub fn cut_bytes(text: &str, limit: usize) -> Cow<'_, str> {
    cut_shown(text, limit, None)
}

/// [`cut_bytes`] of `text` that shows something `whole` bytes long in another form (a body
/// whose bytes that are not UTF-8 show as U+FFFD, or whose secrets show as `***`): the note
/// then gives the size of the whole, which what is left out of `text` does not measure.
pub fn cut_shown(text: &str, limit: usize, whole: Option<usize>) -> Cow<'_, str> {
    if text.len() <= limit {
        return Cow::Borrowed(text);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(match whole {
        None => format!(
            "{}… ({} more bytes not kept)",
            &text[..end],
            text.len() - end
        ),
        Some(whole) => format!("{}… (cut here; {whole} bytes in all)", &text[..end]),
    })
}

/// True for characters a terminal acts on instead of showing: C0 and C1 controls, DEL, and the
/// bidirectional overrides that reorder what is shown ("Trojan Source").
fn steers_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that would steer a terminal written as an escape (`\e`, `\r`,
/// `\u{9b}`), so that what a server sent is shown, never obeyed. Line feeds and tabs stay when
/// `keep_lines` is true (a body shown line by line).
pub fn printable(text: &str, keep_lines: bool) -> Cow<'_, str> {
    // Most text (a step's name, its URL) is printable ASCII: checked without decoding.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Cow::Borrowed(text);
    }
    let keep = |c: char| keep_lines && (c == '\n' || c == '\t');
    if !text.chars().any(|c| steers_terminal(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !steers_terminal(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            other => {
                let _ = write!(out, "\\u{{{:x}}}", other as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// `line` (a source line shown under a problem) with every character that would steer a
/// terminal replaced by one character that shows it: a C0 control by its Unicode control
/// picture (`␛`), DEL by `␡`, a C1 control or a bidirectional override by `�`. One character
/// for one, so that the caret under the line stays under its column; tabs stay.
pub fn pictured(line: &str) -> Cow<'_, str> {
    if !line.chars().any(|c| c != '\t' && steers_terminal(c)) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.chars()
            .map(|c| match u32::from(c) {
                0x09 => c,
                code @ 0..=0x1F => char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'),
                0x7F => '\u{2421}',
                _ if steers_terminal(c) => '\u{FFFD}',
                _ => c,
            })
            .collect(),
    )
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(name.len()) / 3).max(1))
        // The nearest; of those as near, the first in order, whatever order the names came in.
        .min_by_key(|&(distance, candidate)| (distance, candidate))
        .map(|(_, candidate)| candidate)
}

/// Edit distance where swapping two neighbouring characters counts as one edit (optimal
/// string alignment), since that is the most common typo (`expcet`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_utf8_after_any_byte_order_mark_or_says_where_it_is_not() {
        assert_eq!(utf8_text(b"\xEF\xBB\xBFname\nann"), Ok("name\nann"));
        assert_eq!(utf8_text("a,b\nZürich".as_bytes()), Ok("a,b\nZürich"));
        let at = utf8_text(b"name,city\r\nann,Z\xFCrich\r\nbob,x").expect_err("Latin-1");
        assert_eq!(
            (at.line, at.column, at.byte, at.line_text.as_deref()),
            (2, 6, 0xFC, Some("ann,Z\u{fffd}rich"))
        );
        let mut minified = vec![b'x'; 5000];
        minified[4000] = 0xE9;
        let at = utf8_text(&minified).expect_err("Latin-1 in a long line");
        assert_eq!((at.line, at.column, at.line_text), (1, 4001, None));
    }

    #[test]
    fn an_owned_file_is_text_exactly_when_std_says_it_is_utf8() {
        // Bytes around the edges of UTF-8: ASCII runs long enough for SIMD blocks, the
        // first and last of each sequence length, continuation bytes, surrogates, overlong
        // forms, bytes never used, and truncated sequences at any position.
        let pieces: [&[u8]; 16] = [
            b"name: a\n",
            b"\xC2\x80",
            b"\xDF\xBF",
            b"\xE0\xA0\x80",
            b"\xEF\xBF\xBF",
            b"\xF0\x90\x80\x80",
            b"\xF4\x8F\xBF\xBF",
            b"\xED\xA0\x80",
            b"\xC0\xAF",
            b"\xF4\x90\x80\x80",
            b"\x80",
            b"\xFF",
            b"\xE2\x82",
            b"\xF0\x9F\x98",
            b"\xEF\xBB\xBF",
            b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
        ];
        let mut rng = fastrand::Rng::with_seed(20);
        for _ in 0..5000 {
            let mut bytes = Vec::new();
            for _ in 0..rng.usize(0..12) {
                bytes.extend_from_slice(pieces[rng.usize(0..pieces.len())]);
            }
            if wide(&bytes).is_some() {
                continue;
            }
            let expected = std::str::from_utf8(&bytes).map(str::to_owned).ok();
            assert_eq!(utf8_string(bytes.clone()).ok(), expected, "{bytes:?}");
        }
    }

    #[test]
    fn an_owned_file_reads_as_its_borrowed_text_does() {
        let cases: [&[u8]; 12] = [
            b"",
            b"\xEF\xBB",
            b"\xEF\xBB\xBF",
            b"\xFE\xFF\0n",
            b"\xEF\xBB\xBFname\nann",
            b"name,city\r\nann,Z\xFCrich\r\nbob,x",
            b"\xEF\xBB\xBFname\nZ\xFCrich",
            b"\xEF\xBB\xBF\xFF",
            b"\xC3\xA9,\xE9",
            b"\xFF\xFEn\0a\0",
            b"n\0a\0m\0e\0",
            "a: Zürich\n".as_bytes(),
        ];
        for bytes in cases {
            let owned = utf8_string(bytes.to_vec());
            let borrowed = utf8_text(bytes);
            match (&owned, &borrowed) {
                (Ok(owned), Ok(text)) => {
                    assert_eq!(owned.strip_prefix('\u{feff}').unwrap_or(owned), *text)
                }
                _ => assert_eq!(owned.as_ref().err(), borrowed.as_ref().err(), "{bytes:?}"),
            }
        }
    }

    #[test]
    fn utf16_and_utf32_are_named_as_such() {
        let little: Vec<u8> = "\u{feff}name: a\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let big: Vec<u8> = "name: a\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        for bytes in [little, big] {
            let error = utf8_text(&bytes).expect_err("UTF-16");
            assert!(error.to_string().starts_with("UTF-16 text"), "{error}");
        }
        let utf32 = |text: &str, little: bool| -> Vec<u8> {
            text.chars()
                .flat_map(|c| match little {
                    true => u32::from(c).to_le_bytes(),
                    false => u32::from(c).to_be_bytes(),
                })
                .collect()
        };
        for bytes in [
            utf32("\u{feff}name: a\n", true),
            utf32("\u{feff}name: a\n", false),
            utf32("name: a\n", true),
            utf32("name: a\n", false),
        ] {
            let error = utf8_text(&bytes).expect_err("UTF-32");
            assert!(error.to_string().starts_with("UTF-32 text"), "{error}");
        }
        assert!(utf8_text(b"name: a\n").is_ok());
        let at = utf8_text(b"\xC3\xA9,\xE9").expect_err("Latin-1 after UTF-8");
        assert_eq!((at.line, at.column), (1, 3));
    }

    #[test]
    fn shortens_by_characters() {
        assert_eq!(shorten("äbcdef", 3), "äbc…");
        assert_eq!(shorten("abc", 3), "abc");
    }

    #[test]
    fn cuts_at_a_character_boundary() {
        assert_eq!(cut_bytes("aä", 2), "a… (2 more bytes not kept)");
        assert_eq!(cut_bytes("abc", 3), "abc");
        assert_eq!(
            cut_shown("a\u{fffd}b", 2, Some(3)),
            "a… (cut here; 3 bytes in all)"
        );
    }

    #[test]
    fn pictures_what_steers_a_terminal_one_character_for_one() {
        let line = "a\u{1b}[2J\tb\rc\u{9b}d\u{202e}e\u{7f}\u{2066}f";
        let shown = pictured(line);
        assert_eq!(
            shown,
            "a\u{241b}[2J\tb\u{240d}c\u{fffd}d\u{fffd}e\u{2421}\u{fffd}f"
        );
        assert_eq!(shown.chars().count(), line.chars().count());
        assert!(matches!(pictured("plain ä\tx"), Cow::Borrowed(_)));
        // Every character below U+0100 and every bidirectional control: shown as one that
        // does not steer a terminal.
        for c in (0..0x100u32)
            .chain([
                0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
                0x2069,
            ])
            .filter_map(char::from_u32)
        {
            let text = c.to_string();
            let shown = pictured(&text);
            assert_eq!(shown.chars().count(), 1, "{c:?}");
            let shown = shown.chars().next().unwrap_or_default();
            assert!(
                shown == '\t' || !steers_terminal(shown),
                "{c:?} → {shown:?}"
            );
        }
    }

    #[test]
    fn escapes_what_steers_a_terminal() {
        assert_eq!(
            printable("a\u{1b}[2Jb\rc\u{9b}d\u{202e}e\u{7}", false),
            "a\\e[2Jb\\rc\\u{9b}d\\u{202e}e\\u{7}"
        );
        assert_eq!(printable("line\n\tnext", true), "line\n\tnext");
        assert_eq!(printable("line\nnext", false), "line\\nnext");
        assert!(matches!(printable("plain ä", false), Cow::Borrowed(_)));
        // Every ASCII character, alone and amid printable text: kept as it is exactly when
        // it does not steer a terminal (the fast path agrees with the character check).
        for byte in 0u8..0x80 {
            let c = char::from(byte);
            for text in [
                c.to_string(),
                format!("a{c}b"),
                format!("{c}{}", "x".repeat(40)),
            ] {
                let kept = matches!(printable(&text, false), Cow::Borrowed(_));
                assert_eq!(kept, !steers_terminal(c), "{byte:#x}");
            }
        }
    }
}
