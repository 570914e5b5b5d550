//! A runner regex (Rust's `regex` syntax) as a JavaScript regex literal that matches the same
//! texts, for the scripts `runner export postman` writes — or why there is none.
//!
//! The pattern is parsed by `regex-syntax` (the parser runner's own regexes go through) and
//! written back node by node with the `u` flag, so that classes and `.` work on code points as
//! in Rust. What JavaScript spells differently is rewritten: Rust's `\d`, `\s` and `\w` are
//! Unicode classes (`\p{Nd}`, `\p{White_Space}`, letters, marks, digits, connector punctuation
//! and join controls), JavaScript's are ASCII (and its `\s` is another set), so they become
//! those properties; `\b` is a Unicode word boundary, written with lookarounds of that class;
//! `.` is any character but `\n` (JavaScript's also stops at `\r`, U+2028 and U+2029); `\A`
//! and `\z` are `^` and `$` (the JavaScript regex never gets the `m` flag), and under `(?m)`
//! `^` and `$` are lookarounds for `\n` alone; POSIX classes are their ASCII ranges; flags
//! set at the start of the pattern (`(?i)`, `(?s)`, `(?m)`, `(?x)`) apply to the whole of it.
//! What JavaScript cannot say the same way is refused with the reason: flags set anywhere
//! else or on a group (`a(?i)b`, `(?i:b)`), `(?U)`, `(?R)`, `(?-u)`, nested classes and class
//! set operations (`[a[b]]`, `[\pL&&\p{Greek}]`), a negated Perl or POSIX class inside a
//! bracket (`[\W]`), and Unicode properties outside the general categories, a few binary
//! properties and the common scripts.

use regex_syntax::ast::{
    self, Assertion, AssertionKind, Ast, ClassAsciiKind, ClassPerlKind, ClassSet, ClassSetItem,
    ClassUnicodeKind, Flag, FlagsItemKind, GroupKind, RepetitionKind, RepetitionRange,
};

/// Rust's `\w`, inside a JavaScript class: UTS #18's word characters, as `regex` defines them.
const WORD: &str = r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}";

/// The flags that apply to the whole pattern.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    case_insensitive: bool,
    multi_line: bool,
    dot_all: bool,
}

/// `pattern` as a JavaScript regex literal (`/.../u`, with `i` for `(?i)`), or why it cannot
/// be written so that JavaScript matches exactly what runner matches.
pub(super) fn js_regex(pattern: &str) -> Result<String, String> {
    let ast = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("the regex /{pattern}/ does not parse: {}", e.kind()))?;
    let mut flags = Flags::default();
    // Flags written first, before anything else, apply to the whole pattern — in every branch
    // of an alternation too (`(?i)a|b`).
    let first: &Ast = match &ast {
        Ast::Alternation(alternation) => alternation.asts.first().unwrap_or(&ast),
        other => other,
    };
    let leading: Vec<&ast::SetFlags> = match first {
        Ast::Concat(concat) => concat
            .asts
            .iter()
            .map_while(|item| match item {
                Ast::Flags(set) => Some(set.as_ref()),
                _ => None,
            })
            .collect(),
        Ast::Flags(set) => vec![set.as_ref()],
        _ => Vec::new(),
    };
    for set in &leading {
        let mut on = true;
        for flag in &set.flags.items {
            match flag.kind {
                FlagsItemKind::Negation => on = false,
                FlagsItemKind::Flag(Flag::CaseInsensitive) => flags.case_insensitive = on,
                FlagsItemKind::Flag(Flag::MultiLine) => flags.multi_line = on,
                FlagsItemKind::Flag(Flag::DotMatchesNewLine) => flags.dot_all = on,
                // The parser has already read the pattern without its blanks and comments.
                FlagsItemKind::Flag(Flag::IgnoreWhitespace) => {}
                FlagsItemKind::Flag(Flag::Unicode) if on => {}
                FlagsItemKind::Flag(other) => {
                    return Err(refused(
                        pattern,
                        &format!("the flag {}", flag_name(other, on)),
                    ))
                }
            }
        }
    }
    let global: Vec<usize> = leading.iter().map(|set| set.span.start.offset).collect();
    let writer = Writer {
        pattern,
        flags,
        global,
    };
    let mut body = String::new();
    writer.ast(&ast, &mut body)?;
    if body.is_empty() {
        body.push_str("(?:)");
    }
    Ok(format!(
        "/{body}/{}u",
        if flags.case_insensitive { "i" } else { "" }
    ))
}

fn refused(pattern: &str, what: &str) -> String {
    format!("the regex /{pattern}/ uses {what}, which a JavaScript regex cannot express as runner reads it")
}

fn flag_name(flag: Flag, on: bool) -> String {
    let letter = match flag {
        Flag::CaseInsensitive => 'i',
        Flag::MultiLine => 'm',
        Flag::DotMatchesNewLine => 's',
        Flag::SwapGreed => 'U',
        Flag::Unicode => 'u',
        Flag::CRLF => 'R',
        Flag::IgnoreWhitespace => 'x',
    };
    format!("`(?{}{letter})`", if on { "" } else { "-" })
}

struct Writer<'p> {
    pattern: &'p str,
    flags: Flags,
    /// Where the flags that apply to the whole pattern start: written as JavaScript flags.
    global: Vec<usize>,
}

impl Writer<'_> {
    fn refused(&self, what: &str) -> String {
        refused(self.pattern, what)
    }

    fn ast(&self, ast: &Ast, out: &mut String) -> Result<(), String> {
        match ast {
            Ast::Empty(_) => {}
            Ast::Flags(set) if self.global.contains(&set.span.start.offset) => {}
            Ast::Flags(set) => {
                let written = &self.pattern[set.span.start.offset..set.span.end.offset];
                return Err(self.refused(&format!(
                    "flags set after its start (`{written}`): only flags written first apply to a whole JavaScript regex"
                )));
            }
            Ast::Literal(literal) => literal_char(literal.c, false, out),
            Ast::Dot(_) => out.push_str(if self.flags.dot_all { "[^]" } else { r"[^\n]" }),
            Ast::Assertion(assertion) => self.assertion(assertion, out)?,
            Ast::ClassUnicode(class) => {
                out.push_str(&self.unicode(class)?);
            }
            Ast::ClassPerl(class) => out.push_str(&match (&class.kind, class.negated) {
                (ClassPerlKind::Digit, false) => r"\p{Nd}".to_owned(),
                (ClassPerlKind::Digit, true) => r"\P{Nd}".to_owned(),
                (ClassPerlKind::Space, false) => r"\p{White_Space}".to_owned(),
                (ClassPerlKind::Space, true) => r"\P{White_Space}".to_owned(),
                (ClassPerlKind::Word, false) => format!("[{WORD}]"),
                (ClassPerlKind::Word, true) => format!("[^{WORD}]"),
            }),
            Ast::ClassBracketed(class) => {
                out.push('[');
                if class.negated {
                    out.push('^');
                }
                match &class.kind {
                    ClassSet::Item(item) => self.class_item(item, out)?,
                    ClassSet::BinaryOp(_) => {
                        return Err(self.refused("a class set operation (`&&`, `--`, `~~`)"))
                    }
                }
                out.push(']');
            }
            Ast::Repetition(repetition) => {
                let mut inner = String::new();
                self.ast(&repetition.ast, &mut inner)?;
                if atomic(&repetition.ast) {
                    out.push_str(&inner);
                } else {
                    out.push_str("(?:");
                    out.push_str(&inner);
                    out.push(')');
                }
                match &repetition.op.kind {
                    RepetitionKind::ZeroOrOne => out.push('?'),
                    RepetitionKind::ZeroOrMore => out.push('*'),
                    RepetitionKind::OneOrMore => out.push('+'),
                    RepetitionKind::Range(RepetitionRange::Exactly(n)) => {
                        out.push_str(&format!("{{{n}}}"))
                    }
                    RepetitionKind::Range(RepetitionRange::AtLeast(n)) => {
                        out.push_str(&format!("{{{n},}}"))
                    }
                    RepetitionKind::Range(RepetitionRange::Bounded(n, m)) => {
                        out.push_str(&format!("{{{n},{m}}}"))
                    }
                }
                if !repetition.greedy {
                    out.push('?');
                }
            }
            Ast::Group(group) => {
                match &group.kind {
                    // Names are left out: a capture is read by its number, and JavaScript
                    // names are spelled otherwise.
                    GroupKind::CaptureIndex(_) | GroupKind::CaptureName { .. } => out.push('('),
                    GroupKind::NonCapturing(flags) if flags.items.is_empty() => out.push_str("(?:"),
                    GroupKind::NonCapturing(flags) => {
                        let written = &self.pattern[flags.span.start.offset..flags.span.end.offset];
                        return Err(self.refused(&format!(
                            "flags on a group (`(?{written}:...)`): only flags written first apply to a whole JavaScript regex"
                        )));
                    }
                }
                self.ast(&group.ast, out)?;
                out.push(')');
            }
            Ast::Alternation(alternation) => {
                for (index, branch) in alternation.asts.iter().enumerate() {
                    if index > 0 {
                        out.push('|');
                    }
                    self.ast(branch, out)?;
                }
            }
            Ast::Concat(concat) => {
                for item in &concat.asts {
                    self.ast(item, out)?;
                }
            }
        }
        Ok(())
    }

    fn assertion(&self, assertion: &Assertion, out: &mut String) -> Result<(), String> {
        let word = format!("[{WORD}]");
        let (before_word, after_word) = (format!("(?<={word})"), format!("(?={word})"));
        let (before_other, after_other) = (format!("(?<!{word})"), format!("(?!{word})"));
        out.push_str(&match assertion.kind {
            AssertionKind::StartLine if self.flags.multi_line => r"(?<![^\n])".to_owned(),
            AssertionKind::EndLine if self.flags.multi_line => r"(?![^\n])".to_owned(),
            AssertionKind::StartLine | AssertionKind::StartText => "^".to_owned(),
            AssertionKind::EndLine | AssertionKind::EndText => "$".to_owned(),
            AssertionKind::WordBoundary => {
                format!("(?:{before_word}{after_other}|{before_other}{after_word})")
            }
            AssertionKind::NotWordBoundary => {
                format!("(?:{before_word}{after_word}|{before_other}{after_other})")
            }
            AssertionKind::WordBoundaryStart | AssertionKind::WordBoundaryStartAngle => {
                format!("{before_other}{after_word}")
            }
            AssertionKind::WordBoundaryEnd | AssertionKind::WordBoundaryEndAngle => {
                format!("{before_word}{after_other}")
            }
            AssertionKind::WordBoundaryStartHalf => before_other,
            AssertionKind::WordBoundaryEndHalf => after_other,
        });
        Ok(())
    }

    /// The inside of a bracketed class.
    fn class_item(&self, item: &ClassSetItem, out: &mut String) -> Result<(), String> {
        match item {
            ClassSetItem::Empty(_) => {}
            ClassSetItem::Literal(literal) => literal_char(literal.c, true, out),
            ClassSetItem::Range(range) => {
                literal_char(range.start.c, true, out);
                out.push('-');
                literal_char(range.end.c, true, out);
            }
            ClassSetItem::Ascii(class) => {
                if class.negated {
                    return Err(
                        self.refused("a negated POSIX class inside brackets (`[[:^...:]]`)")
                    );
                }
                out.push_str(ascii_ranges(&class.kind));
            }
            ClassSetItem::Unicode(class) => out.push_str(&self.unicode(class)?),
            ClassSetItem::Perl(class) => match (&class.kind, class.negated) {
                (ClassPerlKind::Digit, false) => out.push_str(r"\p{Nd}"),
                (ClassPerlKind::Digit, true) => out.push_str(r"\P{Nd}"),
                (ClassPerlKind::Space, false) => out.push_str(r"\p{White_Space}"),
                (ClassPerlKind::Space, true) => out.push_str(r"\P{White_Space}"),
                (ClassPerlKind::Word, false) => out.push_str(WORD),
                (ClassPerlKind::Word, true) => {
                    return Err(self.refused("`\\W` inside brackets"));
                }
            },
            ClassSetItem::Bracketed(_) => return Err(self.refused("a class nested in a class")),
            ClassSetItem::Union(union) => {
                for item in &union.items {
                    self.class_item(item, out)?;
                }
            }
        }
        Ok(())
    }

    /// A Unicode class (`\pL`, `\p{Greek}`, `\P{gc=Lu}`) as JavaScript writes it.
    fn unicode(&self, class: &ast::ClassUnicode) -> Result<String, String> {
        let written = &self.pattern[class.span.start.offset..class.span.end.offset];
        let unknown = || {
            self.refused(&format!(
                "the Unicode class `{written}` (JavaScript is given the general categories, `Alphabetic`, `White_Space`, `Any`, `ASCII` and the common scripts)"
            ))
        };
        let property = match &class.kind {
            ClassUnicodeKind::OneLetter(letter) => {
                unicode_property(None, &letter.to_string()).ok_or_else(unknown)?
            }
            ClassUnicodeKind::Named(name) => unicode_property(None, name).ok_or_else(unknown)?,
            // `\P{sc!=Greek}` is `\p{sc=Greek}`: `is_negated` says which.
            ClassUnicodeKind::NamedValue { name, value, .. } => {
                unicode_property(Some(name), value).ok_or_else(unknown)?
            }
        };
        Ok(format!(
            "\\{}{{{property}}}",
            if class.is_negated() { 'P' } else { 'p' }
        ))
    }
}

/// Whether a repetition may apply to `ast` as JavaScript writes it, without a group.
fn atomic(ast: &Ast) -> bool {
    matches!(
        ast,
        Ast::Literal(_)
            | Ast::Dot(_)
            | Ast::ClassBracketed(_)
            | Ast::Group(_)
            | Ast::ClassUnicode(_)
            | Ast::ClassPerl(_)
    )
}

/// A character, escaped as a JavaScript `u` regex needs it (inside a class when `in_class`):
/// syntax characters and `/` with a backslash, `-` inside a class, line ends and other
/// controls (and every character a regex literal cannot hold) as `\u{...}`.
fn literal_char(c: char, in_class: bool, out: &mut String) {
    const SYNTAX: &str = r"^$\.*+?()[]{}|/";
    if SYNTAX.contains(c) || (in_class && c == '-') {
        out.push('\\');
        out.push(c);
    } else if c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || c.is_whitespace() && c != ' '
    {
        out.push_str(&format!("\\u{{{:X}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// A POSIX class inside brackets: `regex` defines them over ASCII.
fn ascii_ranges(kind: &ClassAsciiKind) -> &'static str {
    match kind {
        ClassAsciiKind::Alnum => "0-9A-Za-z",
        ClassAsciiKind::Alpha => "A-Za-z",
        ClassAsciiKind::Ascii => r"\u{0}-\u{7F}",
        ClassAsciiKind::Blank => r"\u{9} ",
        ClassAsciiKind::Cntrl => r"\u{0}-\u{1F}\u{7F}",
        ClassAsciiKind::Digit => "0-9",
        ClassAsciiKind::Graph => r"!-~",
        ClassAsciiKind::Lower => "a-z",
        ClassAsciiKind::Print => r" -~",
        ClassAsciiKind::Punct => r"!-\/:-@\[-`\{-~",
        ClassAsciiKind::Space => r"\u{9}-\u{D} ",
        ClassAsciiKind::Upper => "A-Z",
        ClassAsciiKind::Word => "0-9A-Za-z_",
        ClassAsciiKind::Xdigit => "0-9A-Fa-f",
    }
}

/// How `regex` compares property names and values: case, blanks, `_` and `-` do not count.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The general categories, by short and long name.
const CATEGORIES: &[(&str, &str)] = &[
    ("L", "Letter"),
    ("LC", "Cased_Letter"),
    ("Lu", "Uppercase_Letter"),
    ("Ll", "Lowercase_Letter"),
    ("Lt", "Titlecase_Letter"),
    ("Lm", "Modifier_Letter"),
    ("Lo", "Other_Letter"),
    ("M", "Mark"),
    ("Mn", "Nonspacing_Mark"),
    ("Mc", "Spacing_Mark"),
    ("Me", "Enclosing_Mark"),
    ("N", "Number"),
    ("Nd", "Decimal_Number"),
    ("Nl", "Letter_Number"),
    ("No", "Other_Number"),
    ("P", "Punctuation"),
    ("Pc", "Connector_Punctuation"),
    ("Pd", "Dash_Punctuation"),
    ("Ps", "Open_Punctuation"),
    ("Pe", "Close_Punctuation"),
    ("Pi", "Initial_Punctuation"),
    ("Pf", "Final_Punctuation"),
    ("Po", "Other_Punctuation"),
    ("S", "Symbol"),
    ("Sm", "Math_Symbol"),
    ("Sc", "Currency_Symbol"),
    ("Sk", "Modifier_Symbol"),
    ("So", "Other_Symbol"),
    ("Z", "Separator"),
    ("Zs", "Space_Separator"),
    ("Zl", "Line_Separator"),
    ("Zp", "Paragraph_Separator"),
    ("C", "Other"),
    ("Cc", "Control"),
    ("Cf", "Format"),
    ("Cs", "Surrogate"),
    ("Co", "Private_Use"),
    ("Cn", "Unassigned"),
];

/// Binary properties JavaScript and `regex` both know.
const BINARY: &[&str] = &[
    "Alphabetic",
    "White_Space",
    "Any",
    "ASCII",
    "Assigned",
    "Uppercase",
    "Lowercase",
    "Join_Control",
    "Emoji",
];

/// Scripts, by name.
const SCRIPTS: &[&str] = &[
    "Latin",
    "Greek",
    "Cyrillic",
    "Armenian",
    "Hebrew",
    "Arabic",
    "Devanagari",
    "Bengali",
    "Thai",
    "Georgian",
    "Hangul",
    "Hiragana",
    "Katakana",
    "Han",
    "Common",
    "Inherited",
];

/// The JavaScript spelling of the Unicode property `\p{name=value}` (`name` `None`: `\p{value}`
/// or `\pX`), if it is one of those it is given.
fn unicode_property(name: Option<&str>, value: &str) -> Option<String> {
    let category = || {
        CATEGORIES
            .iter()
            .find(|(short, long)| loose(short) == loose(value) || loose(long) == loose(value))
            .map(|(short, _)| (*short).to_owned())
    };
    let script = || {
        SCRIPTS
            .iter()
            .find(|script| loose(script) == loose(value))
            .map(|script| format!("Script={script}"))
    };
    match name.map(loose).as_deref() {
        None => category().or_else(script).or_else(|| {
            BINARY
                .iter()
                .find(|binary| loose(binary) == loose(value))
                .map(|binary| (*binary).to_owned())
        }),
        Some("gc" | "generalcategory") => category(),
        Some("sc" | "script") => script(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_javascript_spells_alike_is_kept() {
        assert_eq!(js_regex("^tok-").as_deref(), Ok("/^tok-/u"));
        assert_eq!(js_regex("(?i)^a/b$").as_deref(), Ok(r"/^a\/b$/iu"));
        assert_eq!(js_regex("a{2,3}?b+c*d?").as_deref(), Ok("/a{2,3}?b+c*d?/u"));
        assert_eq!(js_regex("(a|b)(?:c)").as_deref(), Ok("/(a|b)(?:c)/u"));
        assert_eq!(js_regex("").as_deref(), Ok("/(?:)/u"));
        assert_eq!(js_regex(r"[a-z\-\]]").as_deref(), Ok(r"/[a-z\-\]]/u"));
        assert_eq!(js_regex(r"\x41\u{1F600}\n").as_deref(), Ok("/A😀\\u{A}/u"));
    }

    #[test]
    fn what_javascript_reads_otherwise_is_rewritten() {
        assert_eq!(js_regex(r"\d+").as_deref(), Ok(r"/\p{Nd}+/u"));
        assert_eq!(
            js_regex(r"[\d\s]").as_deref(),
            Ok(r"/[\p{Nd}\p{White_Space}]/u")
        );
        assert_eq!(
            js_regex(r"\w").as_deref(),
            Ok(r"/[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u")
        );
        assert_eq!(js_regex(r"\ATOK\z").as_deref(), Ok("/^TOK$/u"));
        assert_eq!(js_regex("a.b").as_deref(), Ok(r"/a[^\n]b/u"));
        assert_eq!(js_regex("(?s)a.b").as_deref(), Ok("/a[^]b/u"));
        assert_eq!(
            js_regex("(?m)^a$").as_deref(),
            Ok(r"/(?<![^\n])a(?![^\n])/u")
        );
        assert_eq!(
            js_regex("(?i)^tok-\\d+$").as_deref(),
            Ok(r"/^tok-\p{Nd}+$/iu")
        );
        assert_eq!(js_regex("(?x) a b # c").as_deref(), Ok("/ab/u"));
        assert_eq!(js_regex("[[:alpha:]]").as_deref(), Ok("/[A-Za-z]/u"));
        assert_eq!(
            js_regex(r"\pL\p{Greek}\P{gc=lu}").as_deref(),
            Ok(r"/\p{L}\p{Script=Greek}\P{Lu}/u")
        );
        assert_eq!(js_regex("(?P<n>a)(?<m>b)").as_deref(), Ok("/(a)(b)/u"));
        assert!(js_regex(r"\bx").is_ok_and(|r| r.starts_with("/(?:(?<=")));
        assert_eq!(js_regex("(?i)a|b").as_deref(), Ok("/a|b/iu"));
    }

    #[test]
    fn what_javascript_cannot_say_alike_is_refused_with_the_reason() {
        for (pattern, reason) in [
            ("a(?i)b", "flags set after its start (`(?i)`)"),
            ("(?i:a)b", "flags on a group"),
            ("(?U)a+", "the flag `(?U)`"),
            ("(?-u)a", "the flag `(?-u)`"),
            ("[a[b]]", "a class nested in a class"),
            (r"[\pL&&\p{Greek}]", "a class set operation"),
            (r"[\W]", r"`\W` inside brackets"),
            ("[[:^alpha:]]", "a negated POSIX class"),
            (r"\p{Ideographic}", r"the Unicode class `\p{Ideographic}`"),
        ] {
            let refused = js_regex(pattern).expect_err(pattern);
            assert!(refused.contains(reason), "{pattern}: {refused}");
        }
    }
}
