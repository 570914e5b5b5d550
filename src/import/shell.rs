//! Shell words: a pasted command line split into commands and words the way the shell that
//! it was written for would split them, for POSIX shells (bash, zsh: `\` continuations,
//! `'...'`, `"..."`, `$'...'`) and Windows `cmd.exe` (`^` escapes and continuations, then the
//! Microsoft C runtime's argument rules: `"..."`, `\"`, `""`), as browsers' "Copy as cURL"
//! writes them, and PowerShell (`` ` `` escapes and continuations, `'...'` with `''`, `"..."`
//! with `` `" `` and `""`), as `curl.exe` commands are written for it.

/// Which shell a command line was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// bash, zsh, sh.
    Posix,
    /// Windows `cmd.exe`.
    Cmd,
    /// PowerShell.
    PowerShell,
}

/// A command line that cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct SplitError {
    /// The 1-based line where the problem starts.
    pub line: usize,
    /// What is wrong, and how to fix it.
    pub what: String,
}

/// The dialect a text looks written for: PowerShell when a line ends with a `` ` ``
/// continuation; `cmd` when a line ends with a `^` continuation or `^` escapes a quote or one
/// of `&|<>%^`; else POSIX.
pub fn detect(text: &str) -> Dialect {
    if text.lines().any(|line| {
        let line = line.trim_end();
        line.ends_with(" `") || line == "`"
    }) {
        return Dialect::PowerShell;
    }
    let cmd = ["^\"", "^&", "^|", "^<", "^>", "^%", "^^"]
        .iter()
        .any(|escape| text.contains(escape))
        || text
            .lines()
            .any(|line| line.trim_end().ends_with(" ^") || line.trim_end() == "^");
    if cmd {
        Dialect::Cmd
    } else {
        Dialect::Posix
    }
}

/// One command's words, with the line it starts on, and where its standard input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The 1-based line of the first word.
    pub line: usize,
    /// The words (a redirection and its target are not words).
    pub words: Vec<String>,
    /// Where the command reads its standard input (`curl -d @-` reads it).
    pub input: Input,
    /// The shell expansions in its words, in order (a POSIX command's; none in a redirection's
    /// target).
    pub expansions: Vec<Expansion>,
}

/// A shell expansion in a word of a POSIX command, outside single quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expansion {
    /// `$NAME` or `${NAME}`: the word holds `{{env.NAME}}` in its place, a runner input.
    Variable(String),
    /// Anything else the shell replaces (`$(...)`, `` `...` ``, `<(...)`, `$1`, `$@`,
    /// `${NAME:-default}`): the word holds it as written.
    Other(String),
    /// `$'\xff'`: bytes that are not UTF-8 text, written as escapes; the word holds U+FFFD
    /// in their place.
    NotUtf8(String),
}

/// The runner template a shell variable becomes: `{{env.NAME}}`.
pub fn variable_template(name: &str) -> String {
    format!("{{{{env.{name}}}}}")
}

/// Where a command's standard input comes from: the redirections a POSIX shell reads (`<`,
/// `<<<`, `<<`, a `|` before it). Output redirections (`>`, `2>&1`, ...) change nothing a
/// request sends and are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Input {
    /// Not redirected: whatever runs the command gives it.
    #[default]
    Inherited,
    /// `< FILE`: the file, its name as written (a `$VARIABLE` or `` `command` `` left as it is).
    File(String),
    /// `<<< WORD` (the word and a line break, as the shell sends it) or a here-document (its
    /// lines, each with its line break).
    Text(String),
    /// The output of the command before `|`.
    Pipe,
}

/// Splits `text` into commands (one per line, or separated by `;`, `&&`, `||`, `|`) of words.
pub fn split(text: &str, dialect: Dialect) -> Result<Vec<Command>, SplitError> {
    match dialect {
        Dialect::Posix => posix(text),
        Dialect::Cmd => cmd(text),
        Dialect::PowerShell => powershell(text),
    }
}

/// What the next word of a POSIX command is, after a redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `< FILE`.
    InputFile,
    /// `<<< WORD`.
    HereString,
    /// `<< DELIMITER` (`<<-`: leading tabs are stripped from the lines).
    HereDocument { strip_tabs: bool },
    /// `> FILE`, `>> FILE`, `2>&1`, `<&3`, ...: left out.
    Elsewhere,
}

/// A here-document whose lines follow the line of its command.
struct HereDocument {
    /// The command it feeds, by index in `commands`; `None` when that command had no word.
    command: Option<usize>,
    delimiter: String,
    strip_tabs: bool,
}

struct Words {
    commands: Vec<Command>,
    words: Vec<String>,
    word: Option<String>,
    start_line: usize,
    /// The current command's standard input.
    input: Input,
    /// The current command follows a `|`.
    piped: bool,
    /// The redirection the current word is the target of.
    target: Option<Target>,
    /// Here-documents of the current command, by delimiter.
    here_documents: Vec<(String, bool)>,
    /// Here-documents whose lines are read after the current line.
    pending: Vec<HereDocument>,
    /// The expansions of the current command.
    expansions: Vec<Expansion>,
}

impl Words {
    fn new() -> Self {
        Words {
            commands: Vec::new(),
            words: Vec::new(),
            word: None,
            start_line: 1,
            input: Input::Inherited,
            piped: false,
            target: None,
            here_documents: Vec::new(),
            pending: Vec::new(),
            expansions: Vec::new(),
        }
    }
    /// The current word is the target of a redirection.
    fn redirect(&mut self, target: Target) {
        self.end_word();
        self.target = Some(target);
    }
    /// A `|`: the current command ends, and the next reads its output.
    fn pipe(&mut self) {
        self.end_command();
        self.piped = true;
    }
    fn push(&mut self, c: char, line: usize) {
        if self.words.is_empty() && self.word.is_none() {
            self.start_line = line;
        }
        self.word.get_or_insert_with(String::new).push(c);
    }
    fn start(&mut self, line: usize) {
        if self.words.is_empty() && self.word.is_none() {
            self.start_line = line;
        }
        self.word.get_or_insert_with(String::new);
    }
    fn end_word(&mut self) {
        let Some(word) = self.word.take() else {
            return;
        };
        match self.target.take() {
            None => self.words.push(word),
            Some(Target::InputFile) => self.input = Input::File(word),
            Some(Target::HereString) => self.input = Input::Text(format!("{word}\n")),
            Some(Target::HereDocument { strip_tabs }) => {
                self.input = Input::Text(String::new());
                self.here_documents.push((word, strip_tabs));
            }
            Some(Target::Elsewhere) => {}
        }
    }
    fn end_command(&mut self) {
        self.end_word();
        self.target = None;
        let input = std::mem::take(&mut self.input);
        let expansions = std::mem::take(&mut self.expansions);
        let command = (!self.words.is_empty()).then(|| {
            self.commands.push(Command {
                line: self.start_line,
                words: std::mem::take(&mut self.words),
                input: match input {
                    Input::Inherited if self.piped => Input::Pipe,
                    input => input,
                },
                expansions,
            });
            self.piped = false;
            self.commands.len() - 1
        });
        for (delimiter, strip_tabs) in self.here_documents.drain(..) {
            self.pending.push(HereDocument {
                command,
                delimiter,
                strip_tabs,
            });
        }
    }
    /// Pushes the bytes of `$'…'` escapes (`\xc3\xa9`) as the text they are in UTF-8, and
    /// empties them; bytes that are not UTF-8 are pushed as U+FFFD and recorded (a word holds
    /// text, and runner sends a collection's text as UTF-8).
    fn push_bytes(&mut self, bytes: &mut Vec<u8>, line: usize) {
        if bytes.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(bytes).into_owned();
        if std::str::from_utf8(bytes).is_err() && self.target.is_none() {
            let escapes: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
            self.expansions
                .push(Expansion::NotUtf8(format!("$'{escapes}'")));
        }
        for c in text.chars() {
            self.push(c, line);
        }
        bytes.clear();
    }
    /// The shell expansion at `chars[i]` (a `$`), outside single quotes: a variable is pushed
    /// as `{{env.NAME}}`, anything else as written, and recorded; in a redirection's target
    /// (`< $FILE`, `<<< $TEXT`), where the command's input reads it as written, the `$` alone
    /// is pushed. The index after what was pushed.
    fn dollar(&mut self, chars: &[char], i: usize, line: usize) -> usize {
        match parameter(chars, i) {
            Some((end, expansion)) if self.target.is_none() => {
                let text: String = match &expansion {
                    Expansion::Variable(name) => variable_template(name),
                    Expansion::Other(text) | Expansion::NotUtf8(text) => text.clone(),
                };
                for c in text.chars() {
                    self.push(c, line);
                }
                self.expansions.push(expansion);
                end
            }
            _ => {
                self.push('$', line);
                i + 1
            }
        }
    }
    /// A command or process substitution at `chars[i]`, pushed as written
    /// ([`push_substitution`]) and recorded (outside a redirection's target).
    fn substitution(&mut self, chars: &[char], i: usize, close: char, line: &mut usize) -> usize {
        let before = self.word.as_ref().map_or(0, String::len);
        let end = push_substitution(chars, i, close, line, self);
        if self.target.is_none() {
            let text = self.word.as_deref().map_or("", |w| &w[before..]).to_owned();
            self.expansions.push(Expansion::Other(text));
        }
        end
    }
    /// Reads the lines of the pending here-documents, which start at `chars[i]` (after the
    /// line break of their command's line), into their commands; the index after them.
    fn read_here_documents(&mut self, chars: &[char], mut i: usize, line: &mut usize) -> usize {
        for document in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            while i < chars.len() {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |at| i + at);
                let mut text: String = chars[i..end].iter().collect();
                i = (end + 1).min(chars.len());
                *line += 1;
                if document.strip_tabs {
                    text = text.trim_start_matches('\t').to_owned();
                }
                if text.trim_end_matches('\r') == document.delimiter {
                    break;
                }
                body.push_str(&text);
                body.push('\n');
            }
            if let Some(command) = document.command {
                self.commands[command].input = Input::Text(body);
            }
        }
        i
    }
}

fn posix(text: &str) -> Result<Vec<Command>, SplitError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Words::new();
    let mut line = 1;
    let mut i = 0;
    let unclosed = |line: usize, quote: &str| SplitError {
        line,
        what: format!("the {quote} quote opened here is never closed (was the command cut short?)"),
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => match chars.get(i + 1) {
                Some('\n') => {
                    line += 1;
                    i += 2;
                }
                Some('\r') if chars.get(i + 2) == Some(&'\n') => {
                    line += 1;
                    i += 3;
                }
                Some(&next) => {
                    out.push(next, line);
                    i += 2;
                }
                None => i += 1,
            },
            '\'' => {
                let start = line;
                out.start(line);
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(unclosed(start, "single")),
                        Some('\'') => break,
                        Some(&c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            out.push(c, line);
                        }
                    }
                    i += 1;
                }
                i += 1;
            }
            '$' if chars.get(i + 1) == Some(&'\'') => {
                let start = line;
                out.start(line);
                i += 2;
                // `\xHH` and `\NNN` give bytes: several may make one UTF-8 character
                // (`\xc3\xa9` is `é`); a NUL ends the text, as the shell passes C strings.
                let mut bytes = Vec::new();
                let mut ended = false;
                loop {
                    match chars.get(i) {
                        None => return Err(unclosed(start, "`$'`")),
                        Some('\'') => break,
                        Some('\\') => {
                            let (decoded, used) = ansi_c_escape(&chars[i + 1..]);
                            let byte = matches!(chars.get(i + 1), Some('x' | '0'..='7'));
                            match decoded {
                                Some('\0') if byte => ended = true,
                                Some(c) if byte && !ended => match u8::try_from(u32::from(c)) {
                                    Ok(b) => bytes.push(b),
                                    Err(_) => {
                                        out.push_bytes(&mut bytes, line);
                                        out.push(c, line);
                                    }
                                },
                                Some(c) if !ended => {
                                    out.push_bytes(&mut bytes, line);
                                    out.push(c, line);
                                }
                                _ => {}
                            }
                            i += 1 + used;
                            continue;
                        }
                        Some(&c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            if !ended {
                                out.push_bytes(&mut bytes, line);
                                out.push(c, line);
                            }
                        }
                    }
                    i += 1;
                }
                out.push_bytes(&mut bytes, line);
                i += 1;
            }
            '"' => {
                let start = line;
                out.start(line);
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(unclosed(start, "double")),
                        Some('"') => break,
                        Some('\\') => match chars.get(i + 1) {
                            Some('\n') => {
                                line += 1;
                                i += 2;
                                continue;
                            }
                            Some(&next @ ('$' | '`' | '"' | '\\')) => {
                                out.push(next, line);
                                i += 2;
                                continue;
                            }
                            _ => out.push('\\', line),
                        },
                        Some('`') => {
                            i = out.substitution(&chars, i, '`', &mut line);
                            continue;
                        }
                        Some('$') if chars.get(i + 1) == Some(&'(') => {
                            i = out.substitution(&chars, i, ')', &mut line);
                            continue;
                        }
                        Some('$') => {
                            i = out.dollar(&chars, i, line);
                            continue;
                        }
                        Some(&c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            out.push(c, line);
                        }
                    }
                    i += 1;
                }
                i += 1;
            }
            '#' if out.word.is_none() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '`' => i = out.substitution(&chars, i, '`', &mut line),
            '$' if chars.get(i + 1) == Some(&'(') => {
                i = out.substitution(&chars, i, ')', &mut line);
            }
            '$' => i = out.dollar(&chars, i, line),
            '\n' => {
                out.end_command();
                line += 1;
                i += 1;
                i = out.read_here_documents(&chars, i, &mut line);
            }
            ';' => {
                out.end_command();
                i += 1;
            }
            // A process substitution, `<(cmd)`: a word (the name of a pipe), not a redirection.
            '<' | '>' if chars.get(i + 1) == Some(&'(') => {
                i = out.substitution(&chars, i, ')', &mut line);
            }
            '<' | '>' => i = redirection(&chars, i, &mut out),
            '&' if chars.get(i + 1) == Some(&'>') => {
                out.end_word();
                i = redirection(&chars, i + 1, &mut out);
            }
            '|' if chars.get(i + 1) != Some(&'|') => {
                out.pipe();
                i += 1 + usize::from(chars.get(i + 1) == Some(&'&'));
            }
            '&' | '|' => {
                out.end_command();
                while matches!(chars.get(i), Some('&' | '|')) {
                    i += 1;
                }
            }
            ' ' | '\t' | '\r' => {
                out.end_word();
                i += 1;
            }
            c => {
                out.push(c, line);
                i += 1;
            }
        }
    }
    out.end_command();
    Ok(out.commands)
}

/// The parameter expansion at `chars[i]` (a `$`), and the index after it: `$NAME` and
/// `${NAME}` are variables; `$1`, `$@`, `$?` (a special parameter) and `${...}` with more
/// than a name (`${NAME:-x}`, `${#NAME}`) are other expansions. `None` when the `$` is a
/// character (`$ `, `$/`, a `$` at the end, `${` never closed).
fn parameter(chars: &[char], i: usize) -> Option<(usize, Expansion)> {
    let is_name_start = |c: char| c == '_' || c.is_ascii_alphabetic();
    let is_name = |c: char| c == '_' || c.is_ascii_alphanumeric();
    match chars.get(i + 1).copied()? {
        '{' => {
            let close = chars[i + 2..].iter().position(|&c| c == '}')? + i + 2;
            let inner: String = chars[i + 2..close].iter().collect();
            let expansion = if inner.starts_with(is_name_start) && inner.chars().all(is_name) {
                Expansion::Variable(inner)
            } else {
                Expansion::Other(format!("${{{inner}}}"))
            };
            Some((close + 1, expansion))
        }
        c if is_name_start(c) => {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| !is_name(c))
                .map_or(chars.len(), |at| i + 1 + at);
            Some((end, Expansion::Variable(chars[i + 1..end].iter().collect())))
        }
        c if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
            Some((i + 2, Expansion::Other(format!("${c}"))))
        }
        _ => None,
    }
}

/// Reads the redirection operator at `chars[i]` (`<`, `<<<`, `<<`, `<<-`, `>`, `>>`, `>|`,
/// `>&`, `<&`, `<>`; a number just before it is the descriptor, not a word): the next word is
/// its target. The index after the operator.
fn redirection(chars: &[char], mut i: usize, out: &mut Words) -> usize {
    if out
        .word
        .as_deref()
        .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
    {
        out.word = None;
    }
    let at = |n: usize| chars.get(i + n).copied();
    let target = match (chars[i], at(1), at(2)) {
        ('<', Some('<'), Some('<')) => {
            i += 3;
            Target::HereString
        }
        ('<', Some('<'), Some('-')) => {
            i += 3;
            Target::HereDocument { strip_tabs: true }
        }
        ('<', Some('<'), _) => {
            i += 2;
            Target::HereDocument { strip_tabs: false }
        }
        ('<', Some('&' | '>'), _) => {
            i += 2;
            Target::Elsewhere
        }
        ('<', _, _) => {
            i += 1;
            Target::InputFile
        }
        (_, Some('>' | '|' | '&'), _) => {
            i += 2;
            Target::Elsewhere
        }
        _ => {
            i += 1;
            Target::Elsewhere
        }
    };
    out.redirect(target);
    i
}

/// Pushes a command or process substitution (`` `...` ``, `$(...)`, `<(...)`) as written into the current word,
/// so that its spaces do not split it; the index after it (the end of the text when it is
/// never closed).
fn push_substitution(
    chars: &[char],
    open: usize,
    close: char,
    line: &mut usize,
    out: &mut Words,
) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&c) = chars.get(i) {
        out.push(c, *line);
        i += 1;
        match c {
            '\n' => *line += 1,
            '\\' => {
                if let Some(&next) = chars.get(i) {
                    out.push(next, *line);
                    i += 1;
                }
            }
            '(' if close == ')' => depth += 1,
            ')' if close == ')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            '`' if close == '`' && i - 1 > open => break,
            _ => {}
        }
    }
    i
}

/// The character an ANSI-C escape (`$'...'`) stands for, and how many characters it used
/// after the backslash.
fn ansi_c_escape(rest: &[char]) -> (Option<char>, usize) {
    let Some(&c) = rest.first() else {
        return (Some('\\'), 0);
    };
    let hex = |max: usize| {
        let digits: String = rest[1..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        let value = u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32);
        (value, 1 + digits.len())
    };
    match c {
        'n' => (Some('\n'), 1),
        't' => (Some('\t'), 1),
        'r' => (Some('\r'), 1),
        'a' => (Some('\u{7}'), 1),
        'b' => (Some('\u{8}'), 1),
        'e' | 'E' => (Some('\u{1b}'), 1),
        'f' => (Some('\u{c}'), 1),
        'v' => (Some('\u{b}'), 1),
        '\\' | '\'' | '"' | '?' => (Some(c), 1),
        'x' => hex(2),
        'u' => hex(4),
        'U' => hex(8),
        '0'..='7' => {
            let digits: String = rest
                .iter()
                .take(3)
                .take_while(|c| matches!(c, '0'..='7'))
                .collect();
            let value = u32::from_str_radix(&digits, 8)
                .ok()
                .and_then(char::from_u32);
            (value, digits.len())
        }
        _ => {
            // An unknown escape keeps its backslash; the character is read next.
            (Some('\\'), 0)
        }
    }
}

/// PowerShell's words: `` ` `` escapes the next character (a line break: a continuation),
/// `'...'` is literal (`''` is a quote), `"..."` reads `` `n ``, `` `t ``, `` `" ``, `""` and
/// keeps `$name` as written (runner does not expand variables); a line break, `;` or `|`
/// ends a command, `#` at the start of a word a line.
fn powershell(text: &str) -> Result<Vec<Command>, SplitError> {
    let chars: Vec<char> = text.chars().filter(|&c| c != '\r').collect();
    let mut out = Words::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => match chars.get(i + 1) {
                Some('\n') => {
                    out.end_word();
                    line += 1;
                    i += 2;
                    continue;
                }
                Some(&next) => {
                    out.push(next, line);
                    i += 2;
                    continue;
                }
                None => out.push('`', line),
            },
            '\'' | '"' => {
                out.start(line);
                i = powershell_quoted(&chars, i, &mut line, &mut out)?;
            }
            ' ' | '\t' => out.end_word(),
            '\n' => {
                out.end_command();
                line += 1;
            }
            ';' => out.end_command(),
            '|' => out.pipe(),
            '#' if out.word.is_none() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            other => out.push(other, line),
        }
        i += 1;
    }
    out.end_command();
    Ok(out.commands)
}

/// The PowerShell string whose quote is at `open`, its text pushed to `out`: `'...'` as
/// written, `"..."` with `` ` `` escapes; in both, a doubled quote is one. The index of the
/// closing quote.
fn powershell_quoted(
    chars: &[char],
    open: usize,
    line: &mut usize,
    out: &mut Words,
) -> Result<usize, SplitError> {
    let quote = chars[open];
    let start = *line;
    let mut i = open + 1;
    loop {
        match chars.get(i) {
            None => {
                let which = if quote == '"' { "double" } else { "single" };
                return Err(SplitError {
                    line: start,
                    what: format!(
                        "the {which} quote opened here is never closed (was the command cut short?)"
                    ),
                });
            }
            Some('`') if quote == '"' => {
                match chars.get(i + 1) {
                    Some('\n') => *line += 1,
                    Some(&next) => out.push(powershell_escape(next), *line),
                    None => {}
                }
                i += 2;
            }
            Some(&c) if c == quote && chars.get(i + 1) == Some(&quote) => {
                out.push(quote, *line);
                i += 2;
            }
            Some(&c) if c == quote => return Ok(i),
            Some(&other) => {
                if other == '\n' {
                    *line += 1;
                }
                out.push(other, *line);
                i += 1;
            }
        }
    }
}

/// What `` `c `` stands for inside a PowerShell `"..."`.
fn powershell_escape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'e' => '\u{1b}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        other => other,
    }
}

/// `cmd.exe` first (`^` escapes, continuations, quote state), then the C runtime's argument
/// splitting of each command line.
fn cmd(text: &str) -> Result<Vec<Command>, SplitError> {
    let chars: Vec<char> = text.chars().filter(|&c| c != '\r').collect();
    // (first line, text, after a `|`).
    let mut lines: Vec<(usize, String, bool)> = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    let mut line = 1;
    let mut quoted = false;
    let mut piped = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '^' if !quoted => match chars.get(i + 1) {
                Some('\n') => {
                    // A continuation: the line break goes, and the next character is literal
                    // (Chrome writes a newline inside a value as `^` and two line breaks).
                    line += 1;
                    if let Some(&next) = chars.get(i + 2) {
                        if next == '\n' {
                            line += 1;
                        }
                        current.push(next);
                    }
                    i += 3;
                    continue;
                }
                Some(&next) => {
                    current.push(next);
                    i += 2;
                    continue;
                }
                None => {}
            },
            '"' => {
                quoted = !quoted;
                current.push('"');
            }
            '\n' if !quoted => {
                if !current.trim().is_empty() {
                    lines.push((start, std::mem::take(&mut current), piped));
                    piped = false;
                }
                current.clear();
                line += 1;
                start = line;
            }
            // `&`, `&&`, `||` and `|` (its output to the next command's input) end a command;
            // `^&` and `^|` are characters.
            '&' | '|' if !quoted => {
                let pipe = c == '|' && chars.get(i + 1) != Some(&'|');
                if !current.trim().is_empty() {
                    lines.push((start, std::mem::take(&mut current), piped));
                }
                current.clear();
                piped = pipe;
                while matches!(chars.get(i + 1), Some('&' | '|')) {
                    i += 1;
                }
                start = line;
            }
            c => {
                if c == '\n' {
                    line += 1;
                }
                current.push(c);
            }
        }
        i += 1;
    }
    if quoted {
        return Err(SplitError {
            line: start,
            what: "a double quote opened in this command is never closed (was the command cut \
                   short?)"
                .to_owned(),
        });
    }
    if !current.trim().is_empty() {
        lines.push((start, current, piped));
    }
    let mut commands = Vec::new();
    for (line, text, piped) in lines {
        let trimmed = text.trim_start();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("rem ") || lower == "rem" || trimmed.starts_with("::") {
            continue;
        }
        let words = crt_words(&text).ok_or_else(|| SplitError {
            line,
            what: "a quoted word of this command is never closed (was the command cut short?)"
                .to_owned(),
        })?;
        if !words.is_empty() {
            commands.push(Command {
                line,
                words,
                input: if piped { Input::Pipe } else { Input::Inherited },
                expansions: Vec::new(),
            });
        }
    }
    Ok(commands)
}

/// The Microsoft C runtime's rules for splitting a command line into `argv`; `None` when a
/// quote is left open.
fn crt_words(text: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let run = chars[i..].iter().take_while(|&&c| c == '\\').count();
                let w = word.get_or_insert_with(String::new);
                if chars.get(i + run) == Some(&'"') {
                    w.extend(std::iter::repeat_n('\\', run / 2));
                    if run % 2 == 1 {
                        w.push('"');
                        i += run + 1;
                    } else {
                        i += run;
                    }
                } else {
                    w.extend(std::iter::repeat_n('\\', run));
                    i += run;
                }
                continue;
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                if quoted && chars.get(i + 1) == Some(&'"') {
                    w.push('"');
                    i += 2;
                    continue;
                }
                quoted = !quoted;
            }
            ' ' | '\t' | '\n' if !quoted => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
        i += 1;
    }
    if let Some(w) = word {
        words.push(w);
    }
    (!quoted).then_some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        split(text, detect(text))
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|c| c.words)
            .collect()
    }

    #[test]
    fn ansi_c_bytes_are_utf8_text_and_a_nul_ends_it() {
        let text = r"curl $'\xc3\xa9t\303\251' $'a\0b\x41' $'\x89PNG\r'";
        let commands = split(text, Dialect::Posix).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(commands[0].words, ["curl", "été", "a", "\u{fffd}PNG\r"]);
        assert_eq!(
            commands[0].expansions,
            [Expansion::NotUtf8(r"$'\x89'".to_owned())]
        );
    }

    #[test]
    fn posix_quoting_and_continuations() {
        let text = "curl 'https://h/x?a=1' \\\n  -H 'it'\\''s: yes' \\\n  --data-raw $'{\"a\":\"\\u00fc\\n\"}' \\\n  -d \"x=\\\"y\\\" \\$HOME\" --compressed\n# comment\ncurl h2";
        assert_eq!(
            words(text),
            vec![
                vec![
                    "curl",
                    "https://h/x?a=1",
                    "-H",
                    "it's: yes",
                    "--data-raw",
                    "{\"a\":\"ü\\n\"}".replace("\\n", "\n").as_str(),
                    "-d",
                    "x=\"y\" $HOME",
                    "--compressed"
                ],
                vec!["curl", "h2"],
            ]
        );
    }

    #[test]
    fn chrome_cmd_form() {
        // As Chrome's "Copy as cURL (cmd)" writes a JSON body with a quote, a percent sign
        // and a line break.
        let text = "curl ^\"https://h/x?q=a^&b=1^\" ^\n  -H ^\"content-type: application/json^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":^\\^\"50%^ off^\\^\"^}^\" ^\n  --compressed\r\n";
        assert_eq!(
            words(text),
            vec![vec![
                "curl",
                "https://h/x?q=a&b=1",
                "-H",
                "content-type: application/json",
                "--data-raw",
                "{\"a\":\"50% off\"}",
                "--compressed"
            ]]
        );
    }

    #[test]
    fn cmd_newline_inside_a_value_and_doubled_quotes() {
        let text = "curl ^\"http://h/^\" --data-raw ^\"a^\n\nb^\" ^\n -H \"x: \"\"q\"\"\"";
        assert_eq!(
            words(text),
            vec![vec![
                "curl",
                "http://h/",
                "--data-raw",
                "a\nb",
                "-H",
                "x: \"q\""
            ]]
        );
    }

    #[test]
    fn powershell_quoting_and_continuations() {
        let text = "curl.exe -X POST 'https://h/x?a=1&b=2' `\r\n  -H \"Content-Type: application/json\" `\n  -H 'it''s: yes' `\n  -d '{\"a\":\"$HOME\"}' `\n  --data \"x=`\"q`\" y`tz \"\"w\"\"\" # a comment\ncurl.exe h2; curl.exe h3";
        assert_eq!(detect(text), Dialect::PowerShell);
        assert_eq!(
            words(text),
            vec![
                vec![
                    "curl.exe",
                    "-X",
                    "POST",
                    "https://h/x?a=1&b=2",
                    "-H",
                    "Content-Type: application/json",
                    "-H",
                    "it's: yes",
                    "-d",
                    "{\"a\":\"$HOME\"}",
                    "--data",
                    "x=\"q\" y\tz \"w\""
                ],
                vec!["curl.exe", "h2"],
                vec!["curl.exe", "h3"],
            ]
        );
        let error = split("curl.exe `\n 'abc", Dialect::PowerShell).unwrap_err();
        assert_eq!(error.line, 2);
    }

    fn inputs(text: &str) -> Vec<(Vec<String>, Input)> {
        split(text, Dialect::Posix)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|c| (c.words, c.input))
            .collect()
    }

    #[test]
    fn posix_redirections_are_not_words() {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(
            inputs("curl -d @- h <body.json >out 2>&1; curl h2 2> err >> log &> all"),
            vec![
                (
                    words(&["curl", "-d", "@-", "h"]),
                    Input::File("body.json".into())
                ),
                (words(&["curl", "h2"]), Input::Inherited),
            ]
        );
        assert_eq!(
            inputs("curl -d @- h <<< \"a b\" | jq .\necho x |& curl -d @- h3 && curl h4"),
            vec![
                (
                    words(&["curl", "-d", "@-", "h"]),
                    Input::Text("a b\n".into())
                ),
                (words(&["jq", "."]), Input::Pipe),
                (words(&["echo", "x"]), Input::Inherited),
                (words(&["curl", "-d", "@-", "h3"]), Input::Pipe),
                (words(&["curl", "h4"]), Input::Inherited),
            ]
        );
        assert_eq!(
            inputs("curl -d @- h <<-EOF; curl h2 <<'X' -H a:b\n\tone\n\tEOF\ntwo $HOME\nX\ncurl h3 < `echo a b` > $(echo c d)"),
            vec![
                (words(&["curl", "-d", "@-", "h"]), Input::Text("one\n".into())),
                (words(&["curl", "h2", "-H", "a:b"]), Input::Text("two $HOME\n".into())),
                (words(&["curl", "h3"]), Input::File("`echo a b`".into())),
            ]
        );
        assert_eq!(
            inputs("curl -F f=@<(echo a b) h"),
            vec![(
                words(&["curl", "-F", "f=@<(echo a b)", "h"]),
                Input::Inherited
            )]
        );
    }

    #[test]
    fn posix_variables_are_inputs_outside_single_quotes() {
        let commands = split(
            "curl \"h/$A/${B_1}\" -u $C:x '$D' \"\\$E\" $(date +%s) \"`id`\" ${F:-g} $1 $ a$ <<< $G",
            Dialect::Posix,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let [command] = &commands[..] else {
            panic!("{commands:?}");
        };
        assert_eq!(
            command.words,
            [
                "curl",
                "h/{{env.A}}/{{env.B_1}}",
                "-u",
                "{{env.C}}:x",
                "$D",
                "$E",
                "$(date +%s)",
                "`id`",
                "${F:-g}",
                "$1",
                "$",
                "a$"
            ]
        );
        assert_eq!(command.input, Input::Text("$G\n".into()));
        let variable = |name: &str| Expansion::Variable(name.into());
        let other = |text: &str| Expansion::Other(text.into());
        assert_eq!(
            command.expansions,
            [
                variable("A"),
                variable("B_1"),
                variable("C"),
                other("$(date +%s)"),
                other("`id`"),
                other("${F:-g}"),
                other("$1"),
            ]
        );
    }

    #[test]
    fn cmd_separators_end_commands_unless_escaped_or_quoted() {
        let text = "curl ^\"http://h/?a=1^&b=2^\" & curl \"http://h/x&y\" && type b.json | curl -d @- h3 || curl h4";
        let commands = split(text, Dialect::Cmd).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(Vec<&str>, &Input)> = commands
            .iter()
            .map(|c| (c.words.iter().map(String::as_str).collect(), &c.input))
            .collect();
        assert_eq!(
            got,
            vec![
                (vec!["curl", "http://h/?a=1&b=2"], &Input::Inherited),
                (vec!["curl", "http://h/x&y"], &Input::Inherited),
                (vec!["type", "b.json"], &Input::Inherited),
                (vec!["curl", "-d", "@-", "h3"], &Input::Pipe),
                (vec!["curl", "h4"], &Input::Inherited),
            ]
        );
    }

    #[test]
    fn unclosed_quotes_are_errors_with_a_line() {
        let error = split("curl \\\n 'abc", Dialect::Posix).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(split("curl ^\"abc", Dialect::Cmd).is_err());
    }
}
