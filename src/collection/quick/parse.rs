//! The scanner: reads the plain subset of YAML (see the module docs of `quick`) byte by byte
//! into [`Event`]s, and gives up (`None`) at anything outside it.
//!
//! The text is read a line at a time: block maps and lists by their indentation, scalars and
//! flow collections within one line. Every construct is checked the way libyaml (the parser
//! under yaml_serde) checks it, or refused: what this scanner accepts, yaml_serde reads the
//! same.

use std::borrow::Cow;

use super::super::outline::{may_not_be_a_string, MAX_NESTING};
use super::event::Event;

/// The longest key, in bytes from its first to its `:` (libyaml counts 1024 characters).
const MAX_KEY: usize = 1000;

/// The most keys one map may have on the fast path (see `Scanner::new_key`).
const MAX_KEYS: usize = 256;

/// `None`: the text is outside the subset; the caller reads it the full way.
type Read<T = ()> = Option<T>;

/// Where a top-level step is written: from just after its `-` (with the line and the list's
/// indentation) to the start of the next step's line or of the line after the list (the end
/// of the text: its length); its reading must end exactly there.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    pos: usize,
    line_start: usize,
    indent: usize,
    end: usize,
}

impl Item {
    /// Its lines: from the start of its `-` line to the next step's.
    pub(super) fn lines(&self) -> std::ops::Range<usize> {
        self.line_start..self.end
    }

    /// Where its node starts when that is on the `-` line (`- name: a`): the first byte after
    /// the `-` and its spaces; `None` when the node starts on a later line.
    pub(super) fn node(&self, src: &str) -> Option<usize> {
        let after = src.get(self.pos..self.end)?;
        let at = self.pos + after.len() - after.trim_start_matches(' ').len();
        match src.as_bytes().get(at)? {
            b'\n' | b'#' => None,
            _ => Some(at),
        }
    }
}

/// The scanner's state over one source text.
pub(super) struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line_start: usize,
    /// Maps and lists open around the position.
    depth: usize,
    /// Whether the top-level `steps` list is kept apart (as [`Item`]s, `[]` in the events).
    split_steps: bool,
    events: Vec<Event<'a>>,
    /// The keys of the open maps, innermost last (for duplicates).
    keys: Vec<Cow<'a, str>>,
    steps: Vec<Item>,
}

/// Reads a whole document: its events (with `steps: []` when `split_steps`) and where its
/// top-level steps start.
pub(super) fn document(src: &str, split_steps: bool) -> Read<(Vec<Event<'_>>, Vec<Item>)> {
    if !printable(src.as_bytes()) {
        return None;
    }
    let mut scanner = Scanner::new(src, Vec::new());
    scanner.split_steps = split_steps;
    scanner.document()?;
    Some((scanner.events, scanner.steps))
}

/// What reading a step needs, kept from one step to the next.
#[derive(Default)]
pub(super) struct Buffers<'a> {
    /// The events of the step read last.
    pub(super) events: Vec<Event<'a>>,
    keys: Vec<Cow<'a, str>>,
}

/// Reads the top-level step at `item` of `src` (a document [`document`] read) into
/// `buffers.events` (cleared first).
pub(super) fn step<'a>(src: &'a str, item: Item, buffers: &mut Buffers<'a>) -> Read {
    let mut scanner = Scanner::new(src, std::mem::take(&mut buffers.events));
    scanner.keys = std::mem::take(&mut buffers.keys);
    scanner.keys.clear();
    scanner.pos = item.pos;
    scanner.line_start = item.line_start;
    scanner.depth = 2;
    let read = scanner.value(item.indent, false).and_then(|()| {
        // The step ends where the skim of the list said it does (see `steps_value`).
        let end = match scanner.next_line()? {
            Some(_) => scanner.line_start,
            None => src.len(),
        };
        (end == item.end).then_some(())
    });
    buffers.events = scanner.events;
    buffers.keys = scanner.keys;
    read
}

/// No character YAML refuses (controls other than the line feed and tab), none libyaml reads
/// as a line break besides `\n` (`\r`, U+0085, U+2028, U+2029), no byte-order mark inside,
/// no U+FFFE/U+FFFF.
fn printable(bytes: &[u8]) -> bool {
    // Most text is printable ASCII: checked a block at a time without branches (so the
    // compiler vectorises it), each block that is not looked at byte by byte.
    const BLOCK: usize = 4096;
    bytes.chunks(BLOCK).enumerate().all(|(n, block)| {
        let ascii = block.iter().fold(true, |ok, &b| {
            ok & ((0x20..0x7f).contains(&b) | (b == b'\n') | (b == b'\t'))
        });
        ascii || printable_from(bytes, n * BLOCK, n * BLOCK + block.len())
    })
}

/// [`printable`] for `bytes[from..to]`, byte by byte (a character may end past `to`).
fn printable_from(bytes: &[u8], from: usize, to: usize) -> bool {
    let mut i = from;
    while i < to {
        let b = bytes[i];
        if b < 0x80 {
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                return false;
            }
        } else {
            let next = bytes.get(i + 1).copied().unwrap_or(0);
            let third = bytes.get(i + 2).copied().unwrap_or(0);
            let refused = match b {
                0xc2 => (0x80..=0x9f).contains(&next),
                0xe2 => next == 0x80 && (third == 0xa8 || third == 0xa9),
                0xef => (next == 0xbb && third == 0xbf) || (next == 0xbf && third >= 0xbe),
                _ => false,
            };
            if refused {
                return false;
            }
        }
        i += 1;
    }
    true
}

/// The bytes in `bytes`, as a table (to skip ordinary text a byte at a time, quickly).
const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// Where a plain scalar in a block may end, or has something to check.
const BLOCK_PLAIN: [bool; 256] = table(b":#\n\t");
/// The same inside a flow collection.
const FLOW_PLAIN: [bool; 256] = table(b":#\n\t,[]{}");
/// Where a double-quoted scalar may end, or has an escape.
const DOUBLE: [bool; 256] = table(b"\"\\\n");

/// A space, a line feed or the end of the text (read as 0).
fn blank_or_end(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | 0)
}

/// Whether a plain scalar may start with `c` followed by `next` (in a flow collection, or
/// not). `-` only before text (`-1`); `?` and `:` never (they may be YAML's indicators).
fn plain_start(c: u8, next: u8, flow: bool) -> bool {
    match c {
        b'-' => !(blank_or_end(next) || flow && b",[]{}".contains(&next)),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t' | b'\n' | 0 => false,
        _ => true,
    }
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str, mut events: Vec<Event<'a>>) -> Self {
        events.clear();
        Scanner {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line_start: 0,
            depth: 0,
            split_steps: false,
            events,
            keys: Vec::new(),
            steps: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// The first position from `from` with a byte of `stop`, or the end of the text.
    fn until(&self, from: usize, stop: &[bool; 256]) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| stop[usize::from(b)])
            .map_or(self.bytes.len(), |n| from + n)
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    fn emit(&mut self, event: Event<'a>) {
        self.events.push(event);
    }

    fn scalar(&mut self, text: Cow<'a, str>, plain: bool) {
        self.emit(Event::Scalar { text, plain });
    }

    /// One more level of nesting, if allowed.
    fn enter(&mut self) -> Read {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// `-` followed by a space or the end of the line, at `i`.
    fn is_dash(&self, i: usize) -> bool {
        self.at(i) == b'-' && blank_or_end(self.at(i + 1))
    }

    /// After a node: spaces, a comment, the end of the line (consumed).
    fn end_line(&mut self) -> Read {
        self.spaces();
        if self.peek() == b'#' {
            if self.pos != self.line_start && self.at(self.pos - 1) != b' ' {
                return None;
            }
            while !matches!(self.peek(), b'\n' | 0) {
                self.pos += 1;
            }
        }
        match self.peek() {
            b'\n' => {
                self.pos += 1;
                self.line_start = self.pos;
                Some(())
            }
            0 => Some(()),
            _ => None,
        }
    }

    /// From the start of a line, skips blank and comment lines; the indentation of the next
    /// line with content (the position stays at its start), or `None` at the end of the text.
    fn next_line(&mut self) -> Read<Option<usize>> {
        loop {
            let mut i = self.pos;
            while self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                0 => {
                    self.pos = i;
                    return Some(None);
                }
                b'\n' => {
                    self.pos = i + 1;
                    self.line_start = self.pos;
                }
                b'#' => {
                    while !matches!(self.at(i), b'\n' | 0) {
                        i += 1;
                    }
                    self.pos = i;
                    if self.at(i) == b'\n' {
                        self.pos += 1;
                        self.line_start = self.pos;
                    }
                }
                b'\t' => return None,
                c => {
                    let indent = i - self.pos;
                    // A document marker: a second document, or the end of this one.
                    if indent == 0
                        && (c == b'-' || c == b'.')
                        && self.at(i + 1) == c
                        && self.at(i + 2) == c
                        && blank_or_end(self.at(i + 3))
                    {
                        return None;
                    }
                    return Some(Some(indent));
                }
            }
        }
    }

    fn document(&mut self) -> Read {
        if self.bytes.starts_with(b"---") && blank_or_end(self.at(3)) {
            self.pos = 3;
            self.end_line()?;
        }
        if self.next_line()? != Some(0) {
            return None;
        }
        if self.is_dash(self.pos) || !self.looks_like_key(self.pos) {
            return None;
        }
        self.mapping(0)?;
        match self.next_line()? {
            None => Some(()),
            Some(_) => None,
        }
    }

    /// Whether the line from `i` starts with a map key: a plain or quoted scalar followed by
    /// `: ` or `:` at the end of the line.
    fn looks_like_key(&self, i: usize) -> bool {
        let quote = self.at(i);
        if quote == b'[' || quote == b'{' {
            return false;
        }
        let mut j = i + 1;
        if quote == b'"' || quote == b'\'' {
            loop {
                match self.at(j) {
                    b'\\' if quote == b'"' => j += 2,
                    b'\'' if quote == b'\'' && self.at(j + 1) == b'\'' => j += 2,
                    c if c == quote => break,
                    b'\n' | 0 => return false,
                    _ => j += 1,
                }
            }
            return self.at(j + 1) == b':' && blank_or_end(self.at(j + 2));
        }
        j = i;
        loop {
            j = self.until(j, &BLOCK_PLAIN);
            match self.at(j) {
                b'#' if j > i && self.at(j - 1) == b' ' => return false,
                b':' if blank_or_end(self.at(j + 1)) => return true,
                b'#' | b':' | b'\t' => j += 1,
                _ => return false,
            }
        }
    }

    /// A map key at the position, up to and past its `:`; whether it was plain.
    fn key(&mut self) -> Read<(Cow<'a, str>, bool)> {
        let start = self.pos;
        let (key, plain) = match self.peek() {
            b'"' => (self.double_quoted()?, false),
            b'\'' => (self.single_quoted()?, false),
            c => {
                if !plain_start(c, self.at(self.pos + 1), false) {
                    return None;
                }
                let start = self.pos;
                loop {
                    self.pos = self.until(self.pos, &BLOCK_PLAIN);
                    match self.peek() {
                        b':' if blank_or_end(self.at(self.pos + 1)) => break,
                        b'#' if self.at(self.pos - 1) == b' ' => return None,
                        b':' | b'#' => self.pos += 1,
                        _ => return None,
                    }
                }
                let text = self.src[start..self.pos].trim_end_matches(' ');
                if may_not_be_a_string(text) {
                    return None;
                }
                (Cow::Borrowed(text), true)
            }
        };
        // libyaml gives up on a key that is not followed by its `:` within 1024 characters.
        if self.peek() != b':' || !blank_or_end(self.at(self.pos + 1)) || self.pos - start > MAX_KEY
        {
            return None;
        }
        self.pos += 1;
        Some((key, plain))
    }

    /// A key not seen before in the map whose keys start at `from`. A map of more than
    /// [`MAX_KEYS`] keys goes to the full loader, whose duplicate check is not quadratic.
    fn new_key(&mut self, from: usize, key: Cow<'a, str>) -> Read {
        if self.keys.len() - from >= MAX_KEYS || self.keys[from..].contains(&key) {
            return None;
        }
        self.keys.push(key);
        Some(())
    }

    /// A block map whose keys are at column `indent`; the position is at its first key.
    fn mapping(&mut self, indent: usize) -> Read {
        self.enter()?;
        self.emit(Event::MapStart);
        let from = self.keys.len();
        loop {
            let (key, plain) = self.key()?;
            self.new_key(from, key.clone())?;
            let steps = self.split_steps && self.depth == 1 && key == "steps";
            self.scalar(key, plain);
            if steps {
                self.steps_value()?;
            } else {
                self.value(indent, true)?;
            }
            match self.next_line()? {
                Some(next) if next == indent => self.pos = self.line_start + indent,
                Some(next) if next > indent => return None,
                _ => break,
            }
        }
        self.keys.truncate(from);
        self.emit(Event::MapEnd);
        self.depth -= 1;
        Some(())
    }

    /// A block list whose `-` are at column `indent`; the position is at its first `-`.
    fn sequence(&mut self, indent: usize) -> Read {
        self.enter()?;
        self.emit(Event::SeqStart);
        loop {
            self.pos += 1;
            self.value(indent, false)?;
            match self.next_line()? {
                Some(next) if next == indent && self.is_dash(self.line_start + indent) => {
                    self.pos = self.line_start + indent;
                }
                Some(next) if next > indent => return None,
                _ => break,
            }
        }
        self.emit(Event::SeqEnd);
        self.depth -= 1;
        Some(())
    }

    /// The top-level `steps`: a block list, `[]` in the events. Its items are only skimmed
    /// (by indentation) for where each starts and ends; [`step`] reads each when asked for and
    /// gives up unless the reading ends exactly where the skim said. Every line of an item
    /// other than its first is blank, a comment, or indented past its `-` (block scalars
    /// included: their text is indented past the list's `-`).
    fn steps_value(&mut self) -> Read {
        self.end_line()?;
        let indent = self.next_line()??;
        if !self.is_dash(self.line_start + indent) {
            return None;
        }
        self.enter()?;
        self.emit(Event::SeqStart);
        self.emit(Event::SeqEnd);
        self.depth -= 1;
        let first = self.steps.len();
        // Every line of the list is looked at: its line breaks are found 16 bytes at a time.
        let mut newlines = crate::collection::lines::Newlines::from(self.bytes, self.pos);
        loop {
            // At the start of a line whose `-` at `indent` opens an item.
            self.steps.push(Item {
                pos: self.line_start + indent + 1,
                line_start: self.line_start,
                indent,
                end: 0,
            });
            let next = loop {
                // To the start of the next line (or the end of the text).
                match newlines.next() {
                    Some(at) => {
                        self.pos = at + 1;
                        self.line_start = self.pos;
                    }
                    None => self.pos = self.bytes.len(),
                }
                // Most lines are indented past the `-`: the item goes on.
                let lead = self.bytes.get(self.pos..=self.pos + indent);
                if lead.is_some_and(|lead| lead.iter().all(|&b| b == b' ')) {
                    continue;
                }
                let mut i = self.pos;
                while self.at(i) == b' ' {
                    i += 1;
                }
                match self.at(i) {
                    0 if i == self.bytes.len() => break None,
                    b'\n' | b'#' => {}
                    _ if i - self.pos > indent => {}
                    _ => break Some(i - self.pos),
                }
            };
            let end = if next.is_some() {
                self.line_start
            } else {
                self.bytes.len()
            };
            if let Some(last) = self.steps.last_mut() {
                last.end = end;
            }
            match next {
                Some(next) if next == indent && self.is_dash(self.line_start + indent) => {}
                _ => break,
            }
        }
        (self.steps.len() > first).then_some(())
    }

    /// The value after a key's `:` or a list's `-` (the position is just after it), in the
    /// map or list at column `parent`; ends at the start of the line after it.
    fn value(&mut self, parent: usize, in_map: bool) -> Read {
        self.spaces();
        if matches!(self.peek(), b'\n' | 0 | b'#') {
            self.end_line()?;
            return match self.next_line()? {
                Some(indent) if indent > parent => {
                    self.pos = self.line_start + indent;
                    if self.is_dash(self.pos) {
                        self.sequence(indent)
                    } else if self.looks_like_key(self.pos) {
                        self.mapping(indent)
                    } else {
                        self.leaf(parent)
                    }
                }
                Some(indent)
                    if indent == parent && in_map && self.is_dash(self.line_start + indent) =>
                {
                    self.pos = self.line_start + indent;
                    self.sequence(indent)
                }
                _ => {
                    self.scalar(Cow::Borrowed(""), true);
                    Some(())
                }
            };
        }
        let column = self.col();
        if self.is_dash(self.pos) {
            return if in_map { None } else { self.sequence(column) };
        }
        if matches!(self.peek(), b'|' | b'>') {
            return self.block_scalar(parent);
        }
        // `key: a: b` is refused by `leaf` (a plain scalar holds no `: `, a quoted one or a
        // flow collection is followed by nothing but a comment), so a map's values skip this.
        if !in_map && self.looks_like_key(self.pos) {
            return self.mapping(column);
        }
        self.leaf(parent)
    }

    /// A scalar or a flow collection on one line, in the block collection at column
    /// `parent`: the next line with content must not be indented past `parent` (it would
    /// continue a multi-line scalar).
    fn leaf(&mut self, parent: usize) -> Read {
        match self.peek() {
            b'[' | b'{' => self.flow_node()?,
            b'"' => {
                let text = self.double_quoted()?;
                self.scalar(text, false);
            }
            b'\'' => {
                let text = self.single_quoted()?;
                self.scalar(text, false);
            }
            c => {
                if !plain_start(c, self.at(self.pos + 1), false) {
                    return None;
                }
                let start = self.pos;
                loop {
                    self.pos = self.until(self.pos, &BLOCK_PLAIN);
                    match self.peek() {
                        b'\n' | 0 => break,
                        b':' if blank_or_end(self.at(self.pos + 1)) => return None,
                        b'#' if self.at(self.pos - 1) == b' ' => break,
                        b':' | b'#' => self.pos += 1,
                        _ => return None,
                    }
                }
                let text = self.src[start..self.pos].trim_end_matches(' ');
                self.scalar(Cow::Borrowed(text), true);
            }
        }
        self.end_line()?;
        match self.next_line()? {
            Some(indent) if indent > parent => None,
            _ => Some(()),
        }
    }

    /// A flow list, map or scalar within one line.
    fn flow_node(&mut self) -> Read {
        match self.peek() {
            b'[' => self.flow_sequence(),
            b'{' => self.flow_mapping(),
            b'"' => {
                let text = self.double_quoted()?;
                self.scalar(text, false);
                Some(())
            }
            b'\'' => {
                let text = self.single_quoted()?;
                self.scalar(text, false);
                Some(())
            }
            _ => {
                let text = self.flow_plain()?;
                self.scalar(Cow::Borrowed(text), true);
                Some(())
            }
        }
    }

    /// After an entry of a flow collection: `,` and the next entry, or the closing bracket
    /// (consumed, `true`).
    fn flow_next(&mut self, close: u8) -> Read<bool> {
        self.spaces();
        match self.peek() {
            b',' => {
                self.pos += 1;
                self.spaces();
                // No trailing comma, no empty entry.
                if matches!(self.peek(), b',' | b']' | b'}') {
                    return None;
                }
                Some(false)
            }
            c if c == close => {
                self.pos += 1;
                Some(true)
            }
            _ => None,
        }
    }

    fn flow_sequence(&mut self) -> Read {
        self.enter()?;
        self.emit(Event::SeqStart);
        self.pos += 1;
        self.spaces();
        if self.peek() == b']' {
            self.pos += 1;
        } else {
            loop {
                self.flow_node()?;
                if self.flow_next(b']')? {
                    break;
                }
            }
        }
        self.emit(Event::SeqEnd);
        self.depth -= 1;
        Some(())
    }

    fn flow_mapping(&mut self) -> Read {
        self.enter()?;
        self.emit(Event::MapStart);
        let from = self.keys.len();
        self.pos += 1;
        self.spaces();
        if self.peek() == b'}' {
            self.pos += 1;
        } else {
            loop {
                let start = self.pos;
                let (key, plain) = match self.peek() {
                    b'"' => (self.double_quoted()?, false),
                    b'\'' => (self.single_quoted()?, false),
                    _ => {
                        let text = self.flow_plain()?;
                        if may_not_be_a_string(text) {
                            return None;
                        }
                        (Cow::Borrowed(text), true)
                    }
                };
                self.new_key(from, key.clone())?;
                self.scalar(key, plain);
                if self.peek() != b':'
                    || self.at(self.pos + 1) != b' '
                    || self.pos - start > MAX_KEY
                {
                    return None;
                }
                self.pos += 1;
                self.spaces();
                if matches!(self.peek(), b',' | b'}' | b'\n' | 0 | b'#') {
                    return None;
                }
                self.flow_node()?;
                if self.flow_next(b'}')? {
                    break;
                }
            }
        }
        self.keys.truncate(from);
        self.emit(Event::MapEnd);
        self.depth -= 1;
        Some(())
    }

    /// A plain scalar inside a flow collection: up to `,`, a bracket, `: ` or ` #`.
    fn flow_plain(&mut self) -> Read<&'a str> {
        if !plain_start(self.peek(), self.at(self.pos + 1), true) {
            return None;
        }
        let start = self.pos;
        loop {
            self.pos = self.until(self.pos, &FLOW_PLAIN);
            match self.peek() {
                b',' | b'[' | b']' | b'{' | b'}' | b'\n' | 0 => break,
                b':' => {
                    let next = self.at(self.pos + 1);
                    if blank_or_end(next) {
                        break;
                    }
                    if b",?[]{}".contains(&next) {
                        return None;
                    }
                    self.pos += 1;
                }
                b'#' if self.at(self.pos - 1) == b' ' => break,
                b'#' => self.pos += 1,
                _ => return None,
            }
        }
        let text = self.src[start..self.pos].trim_end_matches(' ');
        (!text.is_empty()).then_some(text)
    }

    /// A double-quoted scalar on one line, with YAML's escapes; the position is at its `"`.
    fn double_quoted(&mut self) -> Read<Cow<'a, str>> {
        self.pos += 1;
        let start = self.pos;
        self.pos = self.until(self.pos, &DOUBLE);
        match self.peek() {
            b'"' => {
                let text = &self.src[start..self.pos];
                self.pos += 1;
                return Some(Cow::Borrowed(text));
            }
            b'\\' => {}
            _ => return None,
        }
        let mut text = String::from(&self.src[start..self.pos]);
        loop {
            match self.peek() {
                b'"' => {
                    self.pos += 1;
                    return Some(Cow::Owned(text));
                }
                b'\\' => {
                    let escape = self.at(self.pos + 1);
                    self.pos += 2;
                    let c = match escape {
                        b'0' => '\0',
                        b'a' => '\x07',
                        b'b' => '\x08',
                        b't' | b'\t' => '\t',
                        b'n' => '\n',
                        b'v' => '\x0b',
                        b'f' => '\x0c',
                        b'r' => '\r',
                        b'e' => '\x1b',
                        b' ' => ' ',
                        b'"' => '"',
                        b'/' => '/',
                        b'\\' => '\\',
                        b'N' => '\u{85}',
                        b'_' => '\u{a0}',
                        b'L' => '\u{2028}',
                        b'P' => '\u{2029}',
                        b'x' => self.hex(2)?,
                        b'u' => self.hex(4)?,
                        b'U' => self.hex(8)?,
                        _ => return None,
                    };
                    text.push(c);
                }
                b'\n' | 0 => return None,
                _ => {
                    let from = self.pos;
                    self.pos = self.until(self.pos, &DOUBLE);
                    text.push_str(&self.src[from..self.pos]);
                }
            }
        }
    }

    /// The character of `digits` hex digits at the position.
    fn hex(&mut self, digits: usize) -> Read<char> {
        let text = self.src.get(self.pos..self.pos + digits)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += digits;
        char::from_u32(u32::from_str_radix(text, 16).ok()?)
    }

    /// A single-quoted scalar on one line (`''` is a quote); the position is at its `'`.
    fn single_quoted(&mut self) -> Read<Cow<'a, str>> {
        self.pos += 1;
        let mut start = self.pos;
        let mut owned: Option<String> = None;
        loop {
            match self.peek() {
                b'\'' if self.at(self.pos + 1) == b'\'' => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(&self.src[start..=self.pos]);
                    self.pos += 2;
                    start = self.pos;
                }
                b'\'' => {
                    let rest = &self.src[start..self.pos];
                    self.pos += 1;
                    return Some(match owned {
                        None => Cow::Borrowed(rest),
                        Some(mut text) => {
                            text.push_str(rest);
                            Cow::Owned(text)
                        }
                    });
                }
                b'\n' | 0 => return None,
                _ => self.pos += 1,
            }
        }
    }

    /// Spaces up to column `indent` (all of them when 0) and the empty lines after them, as
    /// libyaml's `scan_block_scalar_breaks`: adds each line break to `breaks`; the largest
    /// column reached.
    fn block_breaks(&mut self, indent: usize, breaks: &mut usize) -> Read<usize> {
        let mut max = 0;
        loop {
            while (indent == 0 || self.col() < indent) && self.peek() == b' ' {
                self.pos += 1;
            }
            max = max.max(self.col());
            if (indent == 0 || self.col() < indent) && self.peek() == b'\t' {
                return None;
            }
            if self.peek() != b'\n' {
                return Some(max);
            }
            self.pos += 1;
            self.line_start = self.pos;
            *breaks += 1;
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar in the block collection at column
    /// `parent`, as libyaml's `scan_block_scalar` reads it.
    fn block_scalar(&mut self, parent: usize) -> Read {
        let literal = self.peek() == b'|';
        self.pos += 1;
        let mut chomp = 0i8;
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.peek() {
                b'-' if chomp == 0 => chomp = -1,
                b'+' if chomp == 0 => chomp = 1,
                c @ b'1'..=b'9' if increment == 0 => increment = usize::from(c - b'0'),
                _ => break,
            }
            self.pos += 1;
        }
        if !blank_or_end(self.peek()) {
            return None;
        }
        self.end_line()?;
        let mut indent = if increment > 0 { parent + increment } else { 0 };
        let mut breaks = 0usize;
        let max = self.block_breaks(indent, &mut breaks)?;
        if indent == 0 {
            indent = max.max(parent + 1).max(1);
        }
        // No content (or a first line less indented than an empty line before it): rare,
        // and read differently by libyaml's versions; left to the full loader.
        if self.col() != indent || self.peek() == 0 {
            return None;
        }
        let mut text = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while self.col() == indent && self.peek() != 0 {
            let trailing_blank = matches!(self.peek(), b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if breaks == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            leading_break = false;
            text.extend(std::iter::repeat_n('\n', breaks));
            breaks = 0;
            leading_blank = trailing_blank;
            let from = self.pos;
            while !matches!(self.peek(), b'\n' | 0) {
                self.pos += 1;
            }
            text.push_str(&self.src[from..self.pos]);
            if self.peek() == 0 {
                break;
            }
            self.pos += 1;
            self.line_start = self.pos;
            leading_break = true;
            self.block_breaks(indent, &mut breaks)?;
        }
        if chomp != -1 && leading_break {
            text.push('\n');
        }
        if chomp == 1 {
            text.extend(std::iter::repeat_n('\n', breaks));
        }
        if self.peek() != 0 {
            self.pos = self.line_start;
        }
        self.scalar(Cow::Owned(text), false);
        Some(())
    }
}
