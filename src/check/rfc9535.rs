//! RFC 9535's grammar (its section 2, collected as ABNF in appendix A) and the typing of its
//! function extensions (section 2.4.3), checked before jsonpath-rust parses a query.
//!
//! jsonpath-rust accepts more than RFC 9535: text after the query (`$.id junk`), its own
//! operators (`in`, `nin`, `size`, `subsetOf`, `anyOf`, `noneOf`), and ill-typed function
//! calls (`length(@.*)`, `$[?count(@.*)]`). Such a query loaded and then matched nothing, so a
//! typo passed unnoticed. This recogniser only says whether a query is RFC 9535 JSONPath, and
//! if not where and why; evaluation stays with jsonpath-rust.
//!
//! It is a recursive descent over the query's characters. Filters, parentheses and function
//! calls are the only constructs that nest, and together they may nest [`MAX_NESTING`]
//! levels, so no input can exhaust the stack.

use std::fmt;

/// How deep filters, parentheses and function calls may nest, together.
pub const MAX_NESTING: usize = 64;

/// The largest index or slice part RFC 9535 allows (I-JSON's exact integers: 2^53 - 1).
const MAX_INT: u64 = (1 << 53) - 1;

/// Why a query is not RFC 9535 JSONPath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfc9535Error {
    /// Where, in characters from the start of the query, 1-based.
    pub character: usize,
    /// What is wrong, in plain words.
    pub reason: String,
    /// How to fix it, where that is clear.
    pub fix: Option<String>,
}

impl fmt::Display for Rfc9535Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at character {}", self.reason, self.character)?;
        match &self.fix {
            Some(fix) => write!(f, ": {fix}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Rfc9535Error {}

/// Checks that `query` is an RFC 9535 JSONPath query: its grammar, and that every function
/// call is well-typed.
pub fn check(query: &str) -> Result<(), Rfc9535Error> {
    let mut parser = Parser {
        text: query.chars().collect(),
        at: 0,
        depth: 0,
    };
    parser.query().map_err(|error| *error)
}

/// Boxed, so that the results the recursion passes around stay small.
type Checked<T> = Result<T, Box<Rfc9535Error>>;

/// The three types of RFC 9535's function extensions (section 2.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Value,
    Logical,
    Nodes,
}

/// A function extension of RFC 9535 (section 2.4): its parameters and its result.
struct Function {
    name: &'static str,
    parameters: &'static [Type],
    result: Type,
}

/// The functions RFC 9535 defines (sections 2.4.4 to 2.4.8).
const FUNCTIONS: &[Function] = &[
    Function {
        name: "length",
        parameters: &[Type::Value],
        result: Type::Value,
    },
    Function {
        name: "count",
        parameters: &[Type::Nodes],
        result: Type::Value,
    },
    Function {
        name: "match",
        parameters: &[Type::Value, Type::Value],
        result: Type::Logical,
    },
    Function {
        name: "search",
        parameters: &[Type::Value, Type::Value],
        result: Type::Logical,
    },
    Function {
        name: "value",
        parameters: &[Type::Nodes],
        result: Type::Value,
    },
];

/// Function names jsonpath-rust knows and RFC 9535 does not.
const CRATE_FUNCTIONS: &[&str] = &["in", "nin", "none_of", "any_of", "subset_of"];

/// The shape of a query in a filter: whether it is a singular query (section 2.3.5.1), which
/// names at most one node and may be compared or passed as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Only `.name`, `['name']` and `[index]` segments.
    Singular,
    /// A segment of one name or index written with blank space inside its brackets, which
    /// the grammar of singular queries does not allow (`@[ 'a' ]`).
    Spaced,
    /// A segment that can select several nodes (`*`, `..`, a slice, a filter, a list).
    Plural,
}

/// What an expression inside a filter is, for RFC 9535's typing (section 2.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expr {
    /// A number, string, `true`, `false` or `null`.
    Literal,
    /// A query from `@` or `$`.
    Query(Shape),
    /// A function call, by its function's name and result type.
    Call(&'static str, Type),
    /// A comparison, or an expression with `!`, `&&`, `||` or parentheses.
    Logical,
}

/// One expression and the character it starts at.
type Located = (Expr, usize);

/// The comparison operators, longest first.
const COMPARISONS: &[&str] = &["==", "!=", "<=", ">=", "<", ">"];

struct Parser {
    text: Vec<char>,
    /// The next character to read.
    at: usize,
    /// How many filters, parentheses and function calls are open.
    depth: usize,
}

/// RFC 9535's blank space: space, tab, line feed, carriage return.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The first character of a member name after `.`.
fn is_name_first(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || u32::from(c) >= 0x80
}

/// A character of a member name after `.`.
fn is_name_char(c: char) -> bool {
    is_name_first(c) || c.is_ascii_digit()
}

/// A character of a word in a message (a name, an operator someone may have meant).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `c` as a message shows it: itself, or `U+XXXX` for a control character.
fn shown(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        c.to_string()
    }
}

/// How to write `word`, which starts with a digit, after `prefix` (`.` or `..` dropped).
fn bracketed(word: &str, prefix: &str) -> String {
    if word.chars().all(|c| c.is_ascii_digit()) {
        format!("write `{prefix}['{word}']` for a name or `{prefix}[{word}]` for an index")
    } else {
        format!("write the name in brackets, `{prefix}['{word}']`")
    }
}

fn error<T>(at: usize, reason: impl Into<String>, fix: Option<String>) -> Checked<T> {
    Err(Box::new(Rfc9535Error {
        character: at.saturating_add(1),
        reason: reason.into(),
        fix,
    }))
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.text.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.text.get(self.at.saturating_add(offset)).copied()
    }

    fn looking_at(&self, literal: &str) -> bool {
        literal
            .chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn skip_blank(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.at += 1;
        }
    }

    /// The word at `at` (letters, digits, `_`), or else its one character, for a message.
    fn word_at(&self, at: usize) -> String {
        let word: String = self
            .text
            .iter()
            .skip(at)
            .take_while(|c| is_word_char(**c))
            .take(40)
            .collect();
        if word.is_empty() {
            self.text.get(at).map(|c| shown(*c)).unwrap_or_default()
        } else {
            word
        }
    }

    /// Enters a filter, parenthesis or function call.
    fn nest(&mut self) -> Checked<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return error(
                self.at,
                format!(
                    "the query nests filters, parentheses and function calls more than {MAX_NESTING} levels deep"
                ),
                Some("write it with less nesting".into()),
            );
        }
        Ok(())
    }

    fn unnest(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// jsonpath-query = root-identifier segments, and nothing around it.
    fn query(&mut self) -> Checked<()> {
        match self.peek() {
            None => {
                return error(
                    0,
                    "the query is empty",
                    Some("a JSONPath starts with `$`, e.g. `$.items[0].id`".into()),
                )
            }
            Some(c) if is_blank(c) => {
                return error(
                    0,
                    "blank space before the query",
                    Some("remove it: a JSONPath starts with `$`".into()),
                )
            }
            Some('$') => self.at += 1,
            Some('@') => {
                return error(
                    0,
                    "a JSONPath starts with `$`",
                    Some("`@` is the current node, only inside a filter `[?...]`".into()),
                )
            }
            Some(_) => {
                return error(
                    0,
                    "a JSONPath starts with `$`",
                    Some("e.g. `$.items[0].id` or `$[*].name`".into()),
                )
            }
        }
        self.segments()?;
        let end = self.at;
        if end == self.text.len() {
            return Ok(());
        }
        self.skip_blank();
        if self.at == self.text.len() {
            let line_break = self
                .text
                .get(end..)
                .is_some_and(|rest| rest.contains(&'\n') || rest.contains(&'\r'));
            let fix = if line_break {
                "remove it (a YAML block, `|` or `>`, ends with a line break unless written `|-` or `>-`)"
            } else {
                "remove it"
            };
            return error(end, "blank space after the query", Some(fix.into()));
        }
        let word = self.word_at(self.at);
        if self.at > end {
            return error(
                self.at,
                format!("unexpected `{word}` after the query"),
                Some(
                    "a query ends with its last segment (`.name`, `[...]`); blank space may only separate segments"
                        .into(),
                ),
            );
        }
        error(
            self.at,
            format!("unexpected `{word}` in the query"),
            Some(
                "a name after `.` is letters, digits and `_` (write others in brackets, e.g. `['a-b']`); other segments are `[...]` and `..name`"
                    .into(),
            ),
        )
    }

    /// segments = *(S segment), for a query at the top or in a filter. Stops before blank
    /// space that no segment follows.
    ///
    /// This and the other functions a nested query recurses through ([`Self::bracketed`],
    /// [`Self::selector`], [`Self::logical`], [`Self::and`], [`Self::basic`],
    /// [`Self::primary`], [`Self::word`], [`Self::call`], [`Self::parenthesised`]) leave
    /// building messages to functions off the recursion, so that each level of nesting takes
    /// little stack.
    fn segments(&mut self) -> Checked<Shape> {
        let mut shape = Shape::Singular;
        loop {
            let before = self.at;
            self.skip_blank();
            match self.peek() {
                Some('.') if self.peek_at(1) == Some('.') => {
                    self.at += 2;
                    shape = Shape::Plural;
                    if self.peek() == Some('[') {
                        self.bracketed()?;
                    } else {
                        self.descendant_name()?;
                    }
                }
                Some('.') => {
                    self.at += 1;
                    if !self.child_name()? {
                        shape = Shape::Plural;
                    }
                }
                Some('[') => match self.bracketed()? {
                    Shape::Singular => {}
                    Shape::Spaced if shape == Shape::Singular => shape = Shape::Spaced,
                    Shape::Spaced => {}
                    Shape::Plural => shape = Shape::Plural,
                },
                _ => {
                    self.at = before;
                    return Ok(shape);
                }
            }
        }
    }

    /// What follows `..` other than `[`: a name or `*`.
    fn descendant_name(&mut self) -> Checked<()> {
        match self.peek() {
            Some('*') => {
                self.at += 1;
                Ok(())
            }
            Some(c) if is_name_first(c) => {
                self.name();
                Ok(())
            }
            Some(c) if is_blank(c) => error(
                self.at,
                "blank space after `..`",
                Some("write the name, `*` or `[...]` right after `..`".into()),
            ),
            Some(c) if c.is_ascii_digit() => {
                let word = self.word_at(self.at);
                error(
                    self.at,
                    "a name after `..` cannot start with a digit",
                    Some(bracketed(&word, "..")),
                )
            }
            _ => error(
                self.at.saturating_sub(2),
                "`..` must be followed by a name, `*` or `[...]`",
                Some("e.g. `$..id`, `$..*` or `$..['a-b']`".into()),
            ),
        }
    }

    /// What follows `.`: a name (true) or `*` (false).
    fn child_name(&mut self) -> Checked<bool> {
        match self.peek() {
            Some('*') => {
                self.at += 1;
                Ok(false)
            }
            Some(c) if is_name_first(c) => {
                self.name();
                Ok(true)
            }
            Some(c) if is_blank(c) => error(
                self.at,
                "blank space after `.`",
                Some("write the name right after the dot".into()),
            ),
            Some(c) if c.is_ascii_digit() => {
                let word = self.word_at(self.at);
                error(
                    self.at,
                    "a name after `.` cannot start with a digit",
                    Some(bracketed(&word, "")),
                )
            }
            _ => error(
                self.at.saturating_sub(1),
                "`.` must be followed by a name or `*`",
                Some("write other names in brackets, e.g. `['a-b']`".into()),
            ),
        }
    }

    /// member-name-shorthand (its first character is already known to be one).
    fn name(&mut self) {
        while self.peek().is_some_and(is_name_char) {
            self.at += 1;
        }
    }

    /// bracketed-selection = "[" S selector *(S "," S selector) S "]". Its shape is
    /// [`Shape::Singular`] only for `[name]` or `[index]` with nothing else inside.
    fn bracketed(&mut self) -> Checked<Shape> {
        let open = self.at;
        self.at += 1;
        self.skip_blank();
        let mut count = 0usize;
        let mut simple = true;
        let mut spaced = self.at > open + 1;
        loop {
            let selector = self.selector(open)?;
            count += 1;
            simple &= matches!(selector, Selector::Name | Selector::Index);
            let after = self.at;
            self.skip_blank();
            spaced |= self.at > after;
            if self.after_selector(open, selector, after)? {
                break;
            }
        }
        Ok(if count == 1 && simple && !spaced {
            Shape::Singular
        } else if count == 1 && simple {
            Shape::Spaced
        } else {
            Shape::Plural
        })
    }

    /// After a selector (and blank space, from `after`): `]` (true), or `,` and blank space
    /// before the next selector (false).
    fn after_selector(&mut self, open: usize, selector: Selector, after: usize) -> Checked<bool> {
        match self.peek() {
            Some(']') => {
                self.at += 1;
                Ok(true)
            }
            Some(',') => {
                let comma = self.at;
                self.at += 1;
                self.skip_blank();
                if self.peek() == Some(']') {
                    return error(
                        comma,
                        "a comma after the last selector",
                        Some("remove it".into()),
                    );
                }
                Ok(false)
            }
            None => self.unclosed(open),
            Some(':') if selector == Selector::Slice => error(
                self.at,
                "a slice has at most two `:`",
                Some("write it as `start:end:step`".into()),
            ),
            Some(_) if selector == Selector::Filter => {
                self.after_expression("`&&`, `||`, `,` or `]`")
            }
            Some(c) if self.at > after && Self::starts_selector(c) => error(
                self.at,
                "selectors in brackets are separated by commas",
                Some("write `,` between them, e.g. `[0, 2]`".into()),
            ),
            Some(_) => {
                let word = self.word_at(self.at);
                error(
                    self.at,
                    format!("unexpected `{word}` in brackets"),
                    Some("expected `,` or `]`".into()),
                )
            }
        }
    }

    fn starts_selector(c: char) -> bool {
        matches!(c, '\'' | '"' | '*' | '?' | '-' | ':') || c.is_ascii_digit()
    }

    /// The query ended inside the brackets opened at `open`.
    fn unclosed<T>(&self, open: usize) -> Checked<T> {
        error(
            self.at,
            "the query ends inside brackets",
            Some(format!("close the `[` at character {} with `]`", open + 1)),
        )
    }

    /// selector = name-selector / wildcard-selector / slice-selector / index-selector /
    /// filter-selector.
    fn selector(&mut self, open: usize) -> Checked<Selector> {
        if self.peek() != Some('?') {
            return self.plain_selector(open);
        }
        self.at += 1;
        self.nest()?;
        self.skip_blank();
        let expression = self.logical()?;
        self.test(expression)?;
        self.unnest();
        Ok(Selector::Filter)
    }

    /// A selector other than a filter.
    fn plain_selector(&mut self, open: usize) -> Checked<Selector> {
        match self.peek() {
            Some('\'' | '"') => {
                self.string()?;
                Ok(Selector::Name)
            }
            Some('*') => {
                self.at += 1;
                Ok(Selector::Wildcard)
            }
            Some(c) if c == '-' || c == '+' || c == ':' || c.is_ascii_digit() => {
                self.index_or_slice()
            }
            Some(']') if self.at == open + 1 => error(
                open,
                "empty brackets `[]`",
                Some(
                    "put a quoted name, an index, a slice, `*` or a filter `?...` inside".into(),
                ),
            ),
            Some(']') => error(
                self.at,
                "blank brackets",
                Some(
                    "put a quoted name, an index, a slice, `*` or a filter `?...` inside".into(),
                ),
            ),
            Some(',') => error(
                self.at,
                "a comma before the first selector",
                Some("remove it".into()),
            ),
            Some(c @ ('@' | '$')) => error(
                self.at,
                "a query in brackets needs `?` before it",
                Some(format!("write `[?{c}...]` to filter")),
            ),
            Some(c) if is_name_first(c) => {
                let word = self.word_at(self.at);
                error(
                    self.at,
                    format!("`{word}` is not a selector"),
                    Some(format!("a name in brackets is quoted: `['{word}']`")),
                )
            }
            Some(c) => error(
                self.at,
                format!("`{}` is not a selector", shown(c)),
                Some(
                    "a selector is a quoted name, an index, a slice `start:end:step`, `*` or a filter `?...`"
                        .into(),
                ),
            ),
            None => self.unclosed(open),
        }
    }

    /// index-selector = int, or slice-selector = [start S] ":" S [end S] [":" [S step]].
    fn index_or_slice(&mut self) -> Checked<Selector> {
        if self.peek() != Some(':') {
            self.int("an index")?;
            let after = self.at;
            self.skip_blank();
            if self.peek() != Some(':') {
                self.at = after;
                return Ok(Selector::Index);
            }
        }
        // At the first `:`.
        self.at += 1;
        self.skip_blank();
        if self.peek().is_some_and(Self::starts_int) {
            self.int("a slice's end")?;
            self.skip_blank();
        }
        if self.peek() == Some(':') {
            self.at += 1;
            self.skip_blank();
            if self.peek().is_some_and(Self::starts_int) {
                self.int("a slice's step")?;
            }
        }
        Ok(Selector::Slice)
    }

    fn starts_int(c: char) -> bool {
        c == '-' || c == '+' || c.is_ascii_digit()
    }

    /// int = "0" / (["-"] DIGIT1 *DIGIT), within I-JSON's exact integers.
    fn int(&mut self, what: &str) -> Checked<()> {
        let start = self.at;
        if self.peek() == Some('+') {
            return error(
                start,
                "`+` before a number",
                Some("write the number without it".into()),
            );
        }
        let negative = self.peek() == Some('-');
        if negative {
            self.at += 1;
        }
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {}
            Some(c) if negative && is_blank(c) => {
                return error(
                    self.at,
                    "blank space after `-`",
                    Some("write the minus sign right before the digits".into()),
                )
            }
            _ => {
                return error(
                    start,
                    format!("expected {what}, a whole number"),
                    Some("e.g. `0`, `2` or `-1`".into()),
                )
            }
        }
        let digits_start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let digits: String = self
            .text
            .get(digits_start..self.at)
            .unwrap_or_default()
            .iter()
            .collect();
        let written: String = self
            .text
            .get(start..self.at)
            .unwrap_or_default()
            .iter()
            .take(40)
            .collect();
        if digits.len() > 1 && digits.starts_with('0') {
            let trimmed = digits.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            let sign = if negative && trimmed != "0" { "-" } else { "" };
            return error(
                start,
                format!("`{written}` has a leading zero"),
                Some(format!("write `{sign}{trimmed}`")),
            );
        }
        if negative && digits == "0" {
            return error(
                start,
                "`-0` is not an integer here",
                Some("write `0`".into()),
            );
        }
        let in_range = digits.len() <= 16 && digits.parse::<u64>().is_ok_and(|v| v <= MAX_INT);
        if !in_range {
            return error(
                start,
                format!("`{written}` is too large for {what}"),
                Some(format!(
                    "indices and slice parts are between -{MAX_INT} and {MAX_INT}"
                )),
            );
        }
        if self.peek() == Some('.') || self.peek() == Some('e') || self.peek() == Some('E') {
            return error(
                start,
                format!("{what} is a whole number"),
                Some("write it without a fraction or exponent".into()),
            );
        }
        Ok(())
    }

    /// string-literal, with RFC 9535's escapes (section 2.3.1.1).
    fn string(&mut self) -> Checked<()> {
        let open = self.at;
        let Some(quote) = self.peek() else {
            return error(open, "expected a quoted string", None);
        };
        self.at += 1;
        loop {
            let Some(c) = self.peek() else {
                return error(
                    self.at,
                    "the query ends inside a string",
                    Some(format!(
                        "close the string opened at character {} with `{quote}`",
                        open + 1
                    )),
                );
            };
            if c == quote {
                self.at += 1;
                return Ok(());
            }
            if u32::from(c) < 0x20 {
                let escape = match c {
                    '\u{8}' => "\\b".to_owned(),
                    '\u{c}' => "\\f".to_owned(),
                    '\n' => "\\n".to_owned(),
                    '\r' => "\\r".to_owned(),
                    '\t' => "\\t".to_owned(),
                    _ => format!("\\u{:04x}", u32::from(c)),
                };
                return error(
                    self.at,
                    format!("control character {} in a string", shown(c)),
                    Some(format!("write it as the escape `{escape}`")),
                );
            }
            if c != '\\' {
                self.at += 1;
                continue;
            }
            let escape = self.at;
            self.at += 1;
            match self.peek() {
                Some('b' | 'f' | 'n' | 'r' | 't' | '/' | '\\') => self.at += 1,
                Some(c) if c == quote => self.at += 1,
                Some('u') => {
                    self.at += 1;
                    self.unicode_escape(escape)?;
                }
                Some(c @ ('\'' | '"')) => {
                    return error(
                        escape,
                        format!("`\\{c}` is not an escape inside `{quote}` quotes"),
                        Some(format!("write `{c}` without the backslash")),
                    )
                }
                Some(c) => {
                    return error(
                        escape,
                        format!("`\\{}` is not an escape", shown(c)),
                        Some(format!(
                            "the escapes are \\b \\f \\n \\r \\t \\/ \\\\ \\{quote} and \\uXXXX; write a backslash as `\\\\`"
                        )),
                    )
                }
                None => {
                    return error(
                        escape,
                        "the query ends inside an escape",
                        Some(format!(
                            "close the string opened at character {} with `{quote}`",
                            open + 1
                        )),
                    )
                }
            }
        }
    }

    /// The XXXX of `\uXXXX` (the `\u` at `escape` is read), and the low surrogate's
    /// `\uXXXX` after a high surrogate.
    fn unicode_escape(&mut self, escape: usize) -> Checked<()> {
        let unit = self.hex4(escape)?;
        match unit {
            0xD800..=0xDBFF => {
                let low = self.at;
                if !(self.peek() == Some('\\') && self.peek_at(1) == Some('u')) {
                    return error(
                        escape,
                        format!("`\\u{unit:04X}` is half of a surrogate pair"),
                        Some(
                            "follow it with its low half, `\\uDC00` to `\\uDFFF`, or write the character itself"
                                .into(),
                        ),
                    );
                }
                self.at += 2;
                let second = self.hex4(low)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return error(
                        low,
                        format!("`\\u{second:04X}` is not the low half of a surrogate pair"),
                        Some("after `\\uD800`-`\\uDBFF` comes `\\uDC00`-`\\uDFFF`".into()),
                    );
                }
                Ok(())
            }
            0xDC00..=0xDFFF => error(
                escape,
                format!("`\\u{unit:04X}` is the low half of a surrogate pair, alone"),
                Some("put the high half (`\\uD800`-`\\uDBFF`) before it".into()),
            ),
            _ => Ok(()),
        }
    }

    /// Four hex digits (either case), as a number.
    fn hex4(&mut self, escape: usize) -> Checked<u32> {
        let mut unit = 0u32;
        for _ in 0..4 {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(digit) => {
                    unit = unit * 16 + digit;
                    self.at += 1;
                }
                None => {
                    return error(
                        escape,
                        "`\\u` must be followed by four hex digits",
                        Some("e.g. `\\u00e9`".into()),
                    )
                }
            }
        }
        Ok(unit)
    }

    /// logical-or-expr = logical-and-expr *(S "||" S logical-and-expr). What it returns is
    /// not yet checked as a test: a function argument may be a literal or a value.
    fn logical(&mut self) -> Checked<Located> {
        self.joined("||", Self::and)
    }

    /// logical-and-expr = basic-expr *(S "&&" S basic-expr).
    fn and(&mut self) -> Checked<Located> {
        self.joined("&&", Self::basic)
    }

    /// `operand *(S operator S operand)`: one operand as it is, or several joined, each of
    /// which must then be a test.
    fn joined(
        &mut self,
        operator: &str,
        operand: fn(&mut Self) -> Checked<Located>,
    ) -> Checked<Located> {
        let first = operand(self)?;
        let mut joined = false;
        loop {
            let before = self.at;
            self.skip_blank();
            if !self.looking_at(operator) {
                self.at = before;
                break;
            }
            if !joined {
                self.test(first)?;
                joined = true;
            }
            self.at += operator.len();
            self.skip_blank();
            let next = operand(self)?;
            self.test(next)?;
        }
        Ok(if joined {
            (Expr::Logical, first.1)
        } else {
            first
        })
    }

    /// basic-expr = paren-expr / comparison-expr / test-expr.
    fn basic(&mut self) -> Checked<Located> {
        let start = self.at;
        match self.peek() {
            Some('!') => {
                self.at += 1;
                self.skip_blank();
                if self.peek() == Some('(') {
                    self.parenthesised()?;
                } else {
                    self.not_twice()?;
                    let operand = self.primary()?;
                    self.negated(start, operand)?;
                }
                Ok((Expr::Logical, start))
            }
            Some('(') => {
                self.parenthesised()?;
                Ok((Expr::Logical, start))
            }
            _ => {
                let left = self.primary()?;
                let before = self.at;
                self.skip_blank();
                let Some(operator) = self.comparison() else {
                    self.at = before;
                    return Ok(left);
                };
                self.comparable(left)?;
                self.operator(operator)?;
                let right = self.primary()?;
                self.comparable(right)?;
                self.not_chained()?;
                Ok((Expr::Logical, start))
            }
        }
    }

    /// A second `!` right after one.
    fn not_twice(&self) -> Checked<()> {
        if self.peek() == Some('!') {
            return error(
                self.at,
                "`!` twice",
                Some("one `!` negates a test; drop both, or write `!(!...)`".into()),
            );
        }
        Ok(())
    }

    /// That `operand`, after the `!` at `start`, is a test, and no comparison follows it.
    fn negated(&mut self, start: usize, operand: Located) -> Checked<()> {
        match operand {
            (Expr::Literal, at) => {
                return error(
                    at,
                    "`!` applies to a query or a logical function, not a literal",
                    None,
                )
            }
            (Expr::Call(name, Type::Value), at) => {
                return error(
                    at,
                    format!("`!` before `{name}()`, which gives a value"),
                    Some(format!(
                        "`!` negates a test: compare the value, e.g. `!({name}(...) == 0)`"
                    )),
                )
            }
            _ => {}
        }
        let before = self.at;
        self.skip_blank();
        if self.comparison().is_some() {
            return error(
                start,
                "`!` negates the test right after it, not a comparison",
                Some("write `!(... == ...)`, or compare with `!=`".into()),
            );
        }
        self.at = before;
        Ok(())
    }

    /// Past the comparison `operator` at the next character and the blank space after it;
    /// refuses `===`, `!==` and `<>`.
    fn operator(&mut self, operator: &str) -> Checked<()> {
        let at = self.at;
        self.at += operator.chars().count();
        self.skip_blank();
        if self.peek() == Some('=') || (operator == "<" && self.peek() == Some('>')) {
            let written = format!("{operator}{}", self.peek().unwrap_or('='));
            let meant = if written == "<>" { "!=" } else { operator };
            return error(
                at,
                format!("`{written}` is not an RFC 9535 operator"),
                Some(format!("write `{meant}`")),
            );
        }
        Ok(())
    }

    /// No comparison right after a comparison.
    fn not_chained(&mut self) -> Checked<()> {
        let before = self.at;
        self.skip_blank();
        if self.comparison().is_some() {
            return error(
                self.at,
                "comparisons cannot be chained",
                Some("join two comparisons with `&&`".into()),
            );
        }
        self.at = before;
        Ok(())
    }

    /// The comparison operator at the next character, if any.
    fn comparison(&self) -> Option<&'static str> {
        COMPARISONS
            .iter()
            .copied()
            .find(|operator| self.looking_at(operator))
    }

    /// paren-expr's "(" S logical-expr S ")", at its `(`.
    fn parenthesised(&mut self) -> Checked<()> {
        let open = self.at;
        self.nest()?;
        self.at += 1;
        self.skip_blank();
        let inner = self.logical()?;
        self.test(inner)?;
        self.skip_blank();
        self.close_parenthesis(open)?;
        self.unnest();
        Ok(())
    }

    /// The `)` of the `(` at `open`.
    fn close_parenthesis(&mut self, open: usize) -> Checked<()> {
        match self.peek() {
            Some(')') => {
                self.at += 1;
                Ok(())
            }
            None => error(
                self.at,
                "the query ends inside parentheses",
                Some(format!("close the `(` at character {} with `)`", open + 1)),
            ),
            Some(_) => self.after_expression("`&&`, `||` or `)`"),
        }
    }

    /// A literal, a query from `@` or `$`, or a function call.
    fn primary(&mut self) -> Checked<Located> {
        let start = self.at;
        match self.peek() {
            Some('@' | '$') => {
                self.at += 1;
                let shape = self.segments()?;
                Ok((Expr::Query(shape), start))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => self.word(),
            _ => self.literal(),
        }
    }

    /// A number or a string, in a filter.
    fn literal(&mut self) -> Checked<Located> {
        let start = self.at;
        match self.peek() {
            Some('\'' | '"') => {
                self.string()?;
                Ok((Expr::Literal, start))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                self.number()?;
                Ok((Expr::Literal, start))
            }
            Some('+') => error(
                start,
                "`+` before a number",
                Some("write the number without it".into()),
            ),
            Some('.') if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => error(
                start,
                "a number starts with a digit",
                Some("write `0.` before the fraction".into()),
            ),
            Some('(') => error(
                start,
                "parentheses here hold a value, which RFC 9535 does not allow",
                Some("compare the value itself, without parentheses".into()),
            ),
            Some('!') => error(
                start,
                "`!` negates a test, not a value",
                Some("write `!(...)` around the whole comparison".into()),
            ),
            Some(c) => error(
                start,
                format!("`{}` cannot start an expression", shown(c)),
                Some(
                    "expected a query (`@.a`, `$.b`), a literal (`1`, `'x'`, `true`, `null`) or a function call (`length(@.a)`)"
                        .into(),
                ),
            ),
            None => error(
                start,
                "the query ends where an expression was expected",
                Some(
                    "expected a query (`@.a`, `$.b`), a literal (`1`, `'x'`, `true`, `null`) or a function call (`length(@.a)`)"
                        .into(),
                ),
            ),
        }
    }

    /// A word in an expression: `true`, `false`, `null`, or a function call.
    fn word(&mut self) -> Checked<Located> {
        let start = self.at;
        let end = start
            + self
                .text
                .iter()
                .skip(start)
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .count();
        if self.text.get(end) == Some(&'(') {
            let function = self.function(start, end)?;
            return self.call(function, start);
        }
        if self.keyword(start, end) {
            self.at = end;
            return Ok((Expr::Literal, start));
        }
        self.not_a_word(start, end)
    }

    /// Whether the text from `start` to `end` is `true`, `false` or `null`.
    fn keyword(&self, start: usize, end: usize) -> bool {
        let word: String = self
            .text
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        matches!(word.as_str(), "true" | "false" | "null")
    }

    /// Why the word from `start` to `end`, not followed by `(`, is not an expression.
    fn not_a_word(&self, start: usize, end: usize) -> Checked<Located> {
        let word: String = self
            .text
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        if matches!(
            word.to_ascii_lowercase().as_str(),
            "true" | "false" | "null"
        ) {
            return error(
                start,
                format!("`{word}` is not a literal"),
                Some("write `true`, `false` or `null` in lowercase".into()),
            );
        }
        let mut after = end;
        while self.text.get(after).copied().is_some_and(is_blank) {
            after += 1;
        }
        if after > end && self.text.get(after) == Some(&'(') {
            return error(
                end,
                "blank space between a function's name and its `(`",
                Some(format!("write `{word}(`")),
            );
        }
        error(
            start,
            format!("`{word}` is not a JSONPath expression"),
            Some(
                "a filter compares queries (`@.a`, `$.b`), literals (`1`, `'x'`, `true`, `null`) and function results (`length(@.a)`)"
                    .into(),
            ),
        )
    }

    /// The function named by the text from `start` to `end`.
    fn function(&self, start: usize, end: usize) -> Checked<&'static Function> {
        let name: String = self
            .text
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        if let Some(function) = FUNCTIONS.iter().find(|f| f.name == name) {
            return Ok(function);
        }
        let reason = if CRATE_FUNCTIONS.contains(&name.as_str()) {
            format!("`{name}()` is jsonpath-rust's own function, not RFC 9535's")
        } else if name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            format!("`{name}()` is not an RFC 9535 function")
        } else {
            format!("`{name}` is not a function name (they are lowercase)")
        };
        error(
            start,
            reason,
            Some("the functions are length(), count(), match(), search() and value()".into()),
        )
    }

    /// function-expr = function-name "(" S [function-argument *(S "," S function-argument)] S
    /// ")", well-typed (section 2.4.3). Its name is at `start`, and `(` right after it.
    fn call(&mut self, function: &'static Function, start: usize) -> Checked<Located> {
        self.nest()?;
        self.at = start + function.name.len() + 1;
        self.skip_blank();
        let mut given = 0usize;
        if self.peek() != Some(')') {
            loop {
                let argument = self.logical()?;
                self.argument(function, given, argument)?;
                given += 1;
                self.skip_blank();
                if self.after_argument(function)? {
                    break;
                }
            }
        }
        self.enough_arguments(function, given)?;
        self.at += 1;
        self.unnest();
        Ok((Expr::Call(function.name, function.result), start))
    }

    /// After an argument (and blank space): `)` (true, not read), or `,` and blank space
    /// before the next argument (false).
    fn after_argument(&mut self, function: &Function) -> Checked<bool> {
        match self.peek() {
            Some(',') => {
                self.at += 1;
                self.skip_blank();
                Ok(false)
            }
            Some(')') => Ok(true),
            None => error(
                self.at,
                "the query ends inside a function call",
                Some(format!("close `{}(` with `)`", function.name)),
            ),
            Some(_) => self.after_expression("`,` or `)`"),
        }
    }

    /// That `function` was given as many arguments as it takes (`given`, and not more: that
    /// is refused at the extra argument).
    fn enough_arguments(&self, function: &Function, given: usize) -> Checked<()> {
        let wanted = function.parameters.len();
        if given >= wanted {
            return Ok(());
        }
        let name = function.name;
        error(
            self.at,
            format!("too few arguments for `{name}()`"),
            Some(format!(
                "it takes {wanted}, e.g. `{}`",
                match name {
                    "length" => "length(@.name)",
                    "count" => "count(@.items[*])",
                    "match" => "match(@.code, '[A-Z]{3}')",
                    "search" => "search(@.text, 'error')",
                    _ => "value(@..id)",
                }
            )),
        )
    }

    /// Whether `argument` is well-typed as `function`'s argument number `index` (from 0).
    fn argument(&self, function: &Function, index: usize, argument: Located) -> Checked<()> {
        let name = function.name;
        let (expr, at) = argument;
        let Some(parameter) = function.parameters.get(index) else {
            return error(
                at,
                format!("too many arguments for `{name}()`"),
                Some(format!("it takes {}", function.parameters.len())),
            );
        };
        match (*parameter, expr) {
            (Type::Value, Expr::Literal | Expr::Query(Shape::Singular))
            | (Type::Value, Expr::Call(_, Type::Value))
            | (Type::Nodes, Expr::Query(_))
            | (
                Type::Logical,
                Expr::Logical | Expr::Query(_) | Expr::Call(_, Type::Logical | Type::Nodes),
            ) => Ok(()),
            (Type::Value, Expr::Query(Shape::Plural)) => error(
                at,
                format!("`{name}()` given a query that can select several nodes"),
                Some(format!(
                    "give it a query of `.name` and `[index]` segments only{}",
                    if name == "length" {
                        ", or count nodes with `count(...)`"
                    } else {
                        ""
                    }
                )),
            ),
            (Type::Value, Expr::Query(Shape::Spaced)) => error(
                at,
                format!("`{name}()` given a query with blank space inside its brackets"),
                Some(format!(
                    "`{name}()` takes a single-node query, written without it, e.g. `@['a']`"
                )),
            ),
            (Type::Value, Expr::Call(inner, _)) => error(
                at,
                format!("`{name}()` given the logical result of `{inner}()`"),
                Some(format!("`{name}()` takes a value")),
            ),
            (Type::Value, Expr::Logical) => error(
                at,
                format!("`{name}()` given a logical expression"),
                Some(
                    "it takes a value: a literal, a single-node query or a function giving a value"
                        .into(),
                ),
            ),
            (Type::Nodes, _) => error(
                at,
                format!("`{name}()` given something other than a query"),
                Some(format!("it takes a query, e.g. `{name}(@.items[*])`")),
            ),
            (Type::Logical, _) => error(
                at,
                format!("`{name}()` given something other than a logical expression"),
                Some("it takes a query, a comparison or a logical function".into()),
            ),
        }
    }

    /// That `expression` may stand as a test: a query, a logical function or a logical
    /// expression (test-expr, and the operands of `&&`, `||` and parentheses).
    fn test(&self, expression: Located) -> Checked<()> {
        match expression {
            (Expr::Logical | Expr::Query(_) | Expr::Call(_, Type::Logical | Type::Nodes), _) => {
                Ok(())
            }
            (Expr::Literal, at) => error(
                at,
                "a literal alone is not a test",
                Some("compare it, e.g. `@.a == true`".into()),
            ),
            (Expr::Call(name, Type::Value), at) => error(
                at,
                format!("`{name}()` used alone as a test"),
                Some(format!(
                    "it gives a value, not a logical result: compare it, e.g. `{name}(...) > 0`"
                )),
            ),
        }
    }

    /// That `expression` may be compared: a literal, a singular query or a function giving a
    /// value.
    fn comparable(&self, expression: Located) -> Checked<()> {
        match expression {
            (Expr::Literal | Expr::Query(Shape::Singular) | Expr::Call(_, Type::Value), _) => Ok(()),
            (Expr::Query(Shape::Plural), at) => error(
                at,
                "a query that can select several nodes is compared",
                Some(
                    "compare a query of `.name` and `[index]` segments only, or count nodes with `count(...)`"
                        .into(),
                ),
            ),
            (Expr::Query(Shape::Spaced), at) => error(
                at,
                "a query with blank space inside its brackets is compared",
                Some(
                    "only a single-node query can be compared, and it is written without blank space inside its brackets, e.g. `@['a']`"
                        .into(),
                ),
            ),
            (Expr::Call(name, _), at) => error(
                at,
                format!("`{name}()` is compared"),
                Some(format!(
                    "it gives a logical result, not a value: use it alone as the test, `{name}(...)` or `!{name}(...)`"
                )),
            ),
            (Expr::Logical, at) => error(
                at,
                "a logical expression cannot be compared",
                Some("join comparisons with `&&` or `||`".into()),
            ),
        }
    }

    /// number = (int / "-0") [ frac ] [ exp ], a literal in a filter.
    fn number(&mut self) -> Checked<()> {
        let start = self.at;
        if self.peek() == Some('-') {
            self.at += 1;
        }
        match self.peek() {
            Some('0') => {
                self.at += 1;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    let written: String =
                        self.word_at(start + usize::from(self.text.get(start) == Some(&'-')));
                    return error(
                        start,
                        format!("`{written}` has a leading zero"),
                        Some("write the number without it".into()),
                    );
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.at += 1;
                }
            }
            Some(c) if is_blank(c) => {
                return error(
                    self.at,
                    "blank space after `-`",
                    Some("write the minus sign right before the digits".into()),
                )
            }
            _ => {
                return error(
                    start,
                    "`-` must be followed by digits",
                    Some("e.g. `-1` or `-0.5`".into()),
                )
            }
        }
        if self.peek() == Some('.') {
            self.at += 1;
            if !self.digits() {
                return error(
                    self.at,
                    "expected digits after the decimal point",
                    Some("e.g. `1.0`".into()),
                );
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.at += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.at += 1;
            }
            if !self.digits() {
                return error(
                    self.at,
                    "expected the exponent's digits",
                    Some("e.g. `1e3` or `2.5E-2`".into()),
                );
            }
        }
        Ok(())
    }

    /// One or more digits; false when there is none.
    fn digits(&mut self) -> bool {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.at > start
    }

    /// What does not belong after an expression in a filter, and what was meant when that
    /// is clear (an operator of another JSONPath dialect).
    fn after_expression<T>(&self, expected: &str) -> Checked<T> {
        let at = self.at;
        let word = self.word_at(at);
        let (reason, fix): (String, String) = match word.as_str() {
            "in" => (
                "`in` is not an RFC 9535 operator".into(),
                "compare with `==` and join with `||`, e.g. `@.a == 1 || @.a == 2`".into(),
            ),
            "nin" => (
                "`nin` is not an RFC 9535 operator".into(),
                "compare with `!=` and join with `&&`, e.g. `@.a != 1 && @.a != 2`".into(),
            ),
            "size" => (
                "`size` is not an RFC 9535 operator".into(),
                "compare the length, e.g. `length(@.a) == 2`".into(),
            ),
            "empty" => (
                "`empty` is not an RFC 9535 operator".into(),
                "compare the length, e.g. `length(@.a) == 0`".into(),
            ),
            "subsetOf" | "subsetof" | "subset_of" | "anyOf" | "anyof" | "any_of" | "noneOf"
            | "noneof" | "none_of" => (
                format!("`{word}` is not an RFC 9535 operator"),
                "compare single values with `==` or `!=` and join them with `||` or `&&`".into(),
            ),
            "and" | "AND" => (
                format!("`{word}` is not an RFC 9535 operator"),
                "write `&&`".into(),
            ),
            "or" | "OR" => (
                format!("`{word}` is not an RFC 9535 operator"),
                "write `||`".into(),
            ),
            "not" | "NOT" => (
                format!("`{word}` is not an RFC 9535 operator"),
                "write `!` before a test".into(),
            ),
            _ if self.looking_at("~=") || self.looking_at("=~") => (
                format!(
                    "`{}{}` is not an RFC 9535 operator",
                    self.peek().unwrap_or('~'),
                    self.peek_at(1).unwrap_or('=')
                ),
                "match a regular expression with `match(@.a, 'regex')` (the whole value) or `search(@.a, 'regex')` (a part of it)"
                    .into(),
            ),
            _ if self.looking_at("=>") || self.looking_at("=<") => (
                format!(
                    "`={}` is not an RFC 9535 operator",
                    self.peek_at(1).unwrap_or('>')
                ),
                format!("write `{}=`", self.peek_at(1).unwrap_or('>')),
            ),
            "=" => (
                "`=` is not an RFC 9535 operator".into(),
                "compare with `==`".into(),
            ),
            "|" => (
                "`|` is not an RFC 9535 operator".into(),
                "join tests with `||`".into(),
            ),
            "&" => (
                "`&` is not an RFC 9535 operator".into(),
                "join tests with `&&`".into(),
            ),
            _ => (format!("unexpected `{word}`"), format!("expected {expected}")),
        };
        error(at, reason, Some(fix))
    }
}

/// What a selector in brackets was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Selector {
    Name,
    Wildcard,
    Index,
    Slice,
    Filter,
}

#[cfg(test)]
#[path = "rfc9535_tests.rs"]
mod tests;
