//! `runner import curl`: curl command lines (as browsers' "Copy as cURL" writes them, for bash
//! or for Windows `cmd.exe`, or as `runner run --curl` writes them) as a runner collection,
//! one step per request. Options runner cannot express are reported.

use serde_json::Value;

use super::credential;
use super::credential::is_credential_name;
use super::files::{rebased, Tool};
use super::shell::{self, Dialect, Expansion, Input};
use super::steps::{self, Basic, Body, Declared, Part, Request};
use super::{Imported, Options, Paths};
use crate::postman::Report;

mod options;

use options::Takes;

/// Why curl command lines could not be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CurlError {
    /// The text cannot be split into words.
    #[error("{source_name} {source}")]
    Split {
        /// The file (or `standard input`, `the arguments`).
        source_name: String,
        /// Where and what.
        #[source]
        source: shell::SplitError,
    },
    /// No `curl` command at all.
    #[error(
        "{source_name} has no curl command: paste a command that starts with `curl` (e.g. from \
         the browser's DevTools: Network › right-click a request › Copy › Copy as cURL)"
    )]
    NoCommand {
        /// The file.
        source_name: String,
    },
    /// A command without a URL.
    #[error(
        "{source_name} line {line}: the curl command has no URL: add one (`curl https://...`)"
    )]
    NoUrl {
        /// The file.
        source_name: String,
        /// The command's first line.
        line: usize,
    },
    /// An option without its value.
    #[error("{source_name} line {line}: `{option}` needs a value, and the command ends there")]
    MissingValue {
        /// The file.
        source_name: String,
        /// The command's first line.
        line: usize,
        /// The option.
        option: String,
    },
}

/// Imports every curl command of a text (a file, standard input), written for `dialect`
/// (`None`: see [`shell::detect`]).
pub fn import_text(
    text: &str,
    dialect: Option<Dialect>,
    options: &Options,
    paths: Option<&Paths>,
) -> Result<Imported, CurlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let dialect = dialect.unwrap_or_else(|| shell::detect(text));
    let commands = shell::split(text, dialect).map_err(|source| CurlError::Split {
        source_name: options.source.clone(),
        source,
    })?;
    let shell = match dialect {
        Dialect::Posix => "a POSIX shell",
        Dialect::Cmd => "Windows cmd",
        Dialect::PowerShell => "PowerShell",
    };
    import_commands(&commands, options, shell, paths)
}

/// Imports one command given as words (the arguments after `--`); a first word `curl` is
/// optional.
pub fn import_words(
    words: &[String],
    options: &Options,
    paths: Option<&Paths>,
) -> Result<Imported, CurlError> {
    let mut words = words.to_vec();
    if !words.first().is_some_and(|w| is_curl(w)) {
        words.insert(0, "curl".to_owned());
    }
    let command = shell::Command {
        line: 1,
        words,
        input: Input::Inherited,
        expansions: Vec::new(),
    };
    import_commands(&[command], options, "arguments", paths)
}

fn is_curl(word: &str) -> bool {
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    name.eq_ignore_ascii_case("curl") || name.eq_ignore_ascii_case("curl.exe")
}

fn import_commands(
    commands: &[shell::Command],
    options: &Options,
    shell: &str,
    paths: Option<&Paths>,
) -> Result<Imported, CurlError> {
    let mut report = Report::default();
    let mut requests = Vec::new();
    let mut inputs: Vec<Declared> = Vec::new();
    for shell::Command {
        line,
        words,
        input,
        expansions,
    } in commands
    {
        let Some(start) = words.iter().position(|w| is_curl(w)) else {
            report.note(
                &format!("line {line}"),
                "command",
                format!("`{}` is not a curl command: it is left out", words[0]),
            );
            continue;
        };
        let item = format!("line {line}");
        shell_expansions(expansions, &item, &mut inputs, &mut report);
        // `--next` (`-:`) starts a new set of options and URLs in the same command.
        for words in words[start + 1..].split(|w| w == "--next" || w == "-:") {
            let parsed = command(words, input, paths, &item, &mut report).map_err(|e| match e {
                CommandError::NoUrl => CurlError::NoUrl {
                    source_name: options.source.clone(),
                    line: *line,
                },
                CommandError::MissingValue(option) => CurlError::MissingValue {
                    source_name: options.source.clone(),
                    line: *line,
                    option,
                },
            })?;
            requests.extend(parsed);
        }
    }
    if requests.is_empty() {
        return Err(CurlError::NoCommand {
            source_name: options.source.clone(),
        });
    }
    let name = if requests.len() == 1 {
        format!("Imported from curl: {}", requests[0].name)
    } else {
        format!("Imported from {} curl commands", requests.len())
    };
    let collection = steps::Collection {
        name,
        header: vec![format!(
            "Imported by `runner import curl` from {} (written for {shell}).",
            options.source
        )],
        schema: options.schema.clone(),
        sandbox: options.sandbox,
        inputs,
    };
    Ok(steps::write(&requests, &collection, report))
}

/// Reports a command's shell expansions (see [`shell::Expansion`]): a variable (`$NAME`,
/// `${NAME}`) is the input `NAME`, read as `{{env.NAME}}` (secret when the name reads as a
/// credential), declared once in `inputs`; anything else is sent as written.
fn shell_expansions(
    expansions: &[Expansion],
    item: &str,
    inputs: &mut Vec<Declared>,
    report: &mut Report,
) {
    let mut seen: Vec<&Expansion> = Vec::new();
    for expansion in expansions {
        if seen.contains(&expansion) {
            continue;
        }
        seen.push(expansion);
        match expansion {
            Expansion::Variable(name) => {
                let secret = is_credential_name(name);
                if !inputs.iter().any(|input| input.name == *name) {
                    inputs.push(Declared {
                        name: name.clone(),
                        secret,
                        description: format!(
                            "`${name}`, a shell variable of the curl command{}",
                            if secret { " (a credential)" } else { "" }
                        ),
                    });
                }
                let template = shell::variable_template(name);
                report.note(
                    item,
                    "shell",
                    format!(
                        "`${name}` is a shell variable, which the shell replaces: it is now \
                         `{template}`, the {}input `{name}`: set the environment variable \
                         {name} to run",
                        if secret { "secret " } else { "" }
                    ),
                );
            }
            Expansion::NotUtf8(text) => {
                report.lossy(
                    item,
                    "shell",
                    format!(
                        "`{text}` gives bytes that are not UTF-8 text, which a collection's text \
                         cannot hold: U+FFFD is sent in their place; put the bytes in a file and \
                         send it with `body_file`"
                    ),
                );
            }
            Expansion::Other(text) => {
                let what = if text.starts_with("$(") || text.starts_with('`') {
                    "a command substitution, which the shell replaces with the command's output \
                     and runner does not run"
                } else if text.starts_with("<(") || text.starts_with(">(") {
                    "a process substitution, which the shell replaces with a file it makes and \
                     runner does not run"
                } else if text.starts_with("${") {
                    "a parameter expansion runner does not read (`$NAME` and `${NAME}` become \
                     inputs, not `${NAME:-default}` and the like)"
                } else {
                    "a special parameter of the shell (a script's argument, its process, the \
                     last status)"
                };
                report.lossy(
                    item,
                    "shell",
                    format!(
                        "`{}` is {what}: it is sent as written; put the value in its place",
                        shown_expansion(text)
                    ),
                );
            }
        }
    }
}

/// An expansion as a message shows it: its first word only (`$(echo …)`, `${TOKEN…}`), which
/// names it without what may follow (a credential given to a command, a default value).
fn shown_expansion(text: &str) -> String {
    let (open, close) = if text.starts_with('`') {
        ("`", "`")
    } else if let Some(inner) = text.strip_prefix("${") {
        let name: String = inner
            .chars()
            .take_while(|c| *c == '_' || c.is_ascii_alphanumeric() || "#!".contains(*c))
            .collect();
        let whole = format!("${{{name}}}");
        return if whole == text {
            whole
        } else {
            format!("${{{name}…}}")
        };
    } else if text.len() >= 2 && text.as_bytes()[1] == b'(' {
        (&text[..2], ")")
    } else {
        return text.to_owned();
    };
    let inner = text
        .strip_prefix(open)
        .and_then(|t| t.strip_suffix(close))
        .unwrap_or(&text[open.len()..]);
    let first = inner.split_whitespace().next().unwrap_or("");
    if first == inner.trim() {
        text.to_owned()
    } else {
        format!("{open}{first} …{close}")
    }
}

enum CommandError {
    NoUrl,
    MissingValue(String),
}

/// Options that change nothing a collection can say, accepted without a word.
const QUIET: &[&str] = &[
    "compressed",
    "silent",
    "show-error",
    "verbose",
    "include",
    "fail",
    "fail-with-body",
    "show-headers",
    "globoff",
    "buffer",
    "progress-bar",
    "progress-meter",
    "http1.1",
    "http2",
    "http2-prior-knowledge",
    "http3",
    "output",
    "write-out",
    "remote-name",
    "out-null",
    "ipv4",
    "ipv6",
    "disable",
    "path-as-is",
    "tr-encoding",
    "keepalive",
    "stderr",
    "trace",
    "trace-ascii",
];

#[derive(Default)]
struct Parsed {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<(String, String)>,
    data: Vec<String>,
    data_file: Option<String>,
    json: bool,
    parts: Vec<Part>,
    basic: Option<Basic>,
    /// `--digest`, `--ntlm`, `--negotiate`, `--anyauth`: the scheme curl uses for the
    /// credentials instead of Basic (the last one given; `--basic` goes back to Basic).
    auth_scheme: Option<String>,
    bearer: Option<String>,
    cookies: Vec<(String, String)>,
    get: bool,
    head: bool,
    location: bool,
    max_redirs: Option<u32>,
    timeout: Option<String>,
    /// `--url-query` parameters, encoded, appended to each URL's query.
    url_query: Vec<String>,
    /// `-T`/`--upload-file`: the file sent as the body of a PUT.
    upload: Option<String>,
    /// Where the command's standard input comes from (`-d @-` reads it).
    input: Input,
    /// A body option was left out (it reads standard input the command does not give): curl
    /// still sends a POST.
    body_left_out: bool,
    /// Words after options runner does not know, which may be their values: the first is the
    /// URL when the command has no other.
    maybe_values: Vec<String>,
}

/// An option as a word of the command gives it.
struct Given {
    /// curl's long name; the word as written when curl has no such option.
    name: String,
    /// What it takes; `None` when curl has no such option.
    takes: Option<Takes>,
    /// `--no-NAME`.
    negated: bool,
    /// `--expand-NAME`: curl replaces `{{variable}}` in the value.
    expand: bool,
    /// The value joined to it (`-XPOST`, `--request=POST`).
    attached: Option<String>,
}

/// The options a word gives: `--NAME`, `--no-NAME`, `--expand-NAME`, `--NAME=VALUE`, or short
/// letters run together (`-sSL`), the last of which may take the rest of the word as its value
/// (`-XPOST`, `-sXPOST`).
fn options_of(word: &str) -> Vec<Given> {
    if let Some(long) = word.strip_prefix("--") {
        let (name, attached) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (long, None),
        };
        let negated = name
            .strip_prefix("no-")
            .and_then(options::long)
            .filter(|(_, takes)| *takes == Takes::Switch);
        let expanded = name
            .strip_prefix("expand-")
            .and_then(options::long)
            .filter(|(_, takes)| *takes == Takes::Value);
        let (found, negated, expand) = match (negated, expanded) {
            (Some(found), _) => (Some(found), true, false),
            (None, Some(found)) => (Some(found), false, true),
            (None, None) => (options::long(name), false, false),
        };
        return vec![Given {
            name: found.map_or_else(|| format!("--{name}"), |(long, _)| long.to_owned()),
            takes: found.map(|(_, takes)| takes),
            negated,
            expand,
            attached,
        }];
    }
    let letters: Vec<char> = word.chars().skip(1).collect();
    let mut given = Vec::new();
    for (n, &letter) in letters.iter().enumerate() {
        let found = options::short(letter);
        let takes_value = found.is_some_and(|(_, takes)| takes == Takes::Value);
        let rest: String = letters[n + 1..].iter().collect();
        given.push(Given {
            name: found.map_or_else(|| format!("-{letter}"), |(long, _)| long.to_owned()),
            takes: found.map(|(_, takes)| takes),
            // `-N` is `--no-buffer`.
            negated: letter == 'N',
            expand: false,
            attached: (takes_value && !rest.is_empty()).then_some(rest),
        });
        if takes_value {
            break;
        }
    }
    given
}

/// Whether a word is a shell redirection (`<`, `>`, `2>&1`, `>out.txt`): a POSIX command's
/// are read by [`shell::split`]; one left in a word is from a command for another shell, or
/// quoted.
fn redirection(word: &str) -> Option<&str> {
    let operator = word.trim_start_matches(|c: char| c.is_ascii_digit());
    (operator.starts_with(['<', '>']) || operator.starts_with("&>")).then_some(operator)
}

fn command(
    words: &[String],
    input: &Input,
    paths: Option<&Paths>,
    item: &str,
    report: &mut Report,
) -> Result<Vec<Request>, CommandError> {
    let mut p = Parsed {
        input: input.clone(),
        ..Parsed::default()
    };
    let mut i = 0;
    let mut options_end = false;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if let Some(operator) = redirection(word).filter(|_| !options_end) {
            // Its target: the rest of the word, else the next word.
            if operator
                .trim_start_matches(['<', '>', '&', '|', '-'])
                .is_empty()
            {
                i += 1;
            }
            report.lossy(
                item,
                "command",
                format!(
                    "`{operator}` is a shell redirection, which runner reads only in commands \
                     for a POSIX shell (bash, zsh): it and its file are left out"
                ),
            );
            continue;
        }
        if options_end || !word.starts_with('-') || word == "-" {
            p.urls.push(word.clone());
            continue;
        }
        if word == "--" {
            options_end = true;
            continue;
        }
        let given = options_of(word);
        let count = given.len();
        for (n, given) in given.into_iter().enumerate() {
            let Some(takes) = given.takes else {
                unknown_option(&given, n + 1 == count, words, &mut i, &mut p, item, report);
                continue;
            };
            let value = if takes == Takes::Value {
                match given.attached {
                    Some(value) => value,
                    None => match words.get(i) {
                        Some(value) => {
                            i += 1;
                            value.clone()
                        }
                        None => {
                            return Err(CommandError::MissingValue(format!("--{}", given.name)));
                        }
                    },
                }
            } else {
                String::new()
            };
            if given.expand && value.contains("{{") {
                report.lossy(
                    item,
                    format!("--expand-{}", given.name),
                    "curl replaces `{{name}}` in this value with its `--variable`s, which runner \
                     does not read: the option is left out",
                );
                continue;
            }
            option(&given.name, given.negated, value, &mut p, item, report);
        }
    }
    if p.urls.is_empty() && !p.maybe_values.is_empty() {
        p.urls.push(p.maybe_values.remove(0));
    }
    if p.urls.is_empty() {
        return Err(CommandError::NoUrl);
    }
    // curl reads a relative path from its working directory, runner from the collection's.
    let mut rebase = |file: &mut String, field: &str| {
        *file = rebased(file, paths, Tool::Curl, (item, field), report);
    };
    if let Some(file) = &mut p.upload {
        rebase(file, "--upload-file");
    }
    if let Some(file) = &mut p.data_file {
        rebase(file, "--data");
    }
    for part in &mut p.parts {
        if let Some(file) = &mut part.file {
            rebase(file, "--form");
        }
    }
    Ok(requests(p, item, report))
}

/// An option curl does not have (a typo, or one newer than runner knows): reported, and the
/// word after it, when it is not an option, kept aside as its possible value, so that a value
/// never becomes a request of its own.
fn unknown_option(
    given: &Given,
    last: bool,
    words: &[String],
    i: &mut usize,
    p: &mut Parsed,
    item: &str,
    report: &mut Report,
) {
    report.lossy(
        item,
        given.name.clone(),
        "curl has no such option (or it is newer than runner knows): it is left out, and a \
         word after it that is not an option is read as its value (not written) unless the \
         command has no other URL",
    );
    if !last || given.attached.is_some() {
        return;
    }
    if let Some(next) = words.get(*i).filter(|w| !w.starts_with('-')) {
        p.maybe_values.push(next.clone());
        *i += 1;
    }
}

fn option(
    name: &str,
    negated: bool,
    value: String,
    p: &mut Parsed,
    item: &str,
    report: &mut Report,
) {
    match name {
        "request" => p.method = Some(value.to_ascii_uppercase()),
        "header" => {
            if let Some(file) = value.strip_prefix('@') {
                report.lossy(
                    item,
                    "--header",
                    format!("headers read from the file `{file}` are not imported: add them to `headers`"),
                );
            } else if let Some((header, rest)) = value.split_once(':') {
                let rest = rest.trim();
                // `Name:` with nothing removes a header curl would send: nothing to send.
                if !rest.is_empty() {
                    p.headers.push((header.trim().to_owned(), rest.to_owned()));
                }
            } else if let Some(header) = value.strip_suffix(';') {
                p.headers.push((header.trim().to_owned(), String::new()));
            } else {
                // Only its first word: the rest may be a credential.
                let first = value.split_whitespace().next().unwrap_or_default();
                report.lossy(
                    item,
                    "--header",
                    format!("`{first} ...` is not `Name: value`: it is left out"),
                );
            }
        }
        "data" | "data-ascii" | "data-binary" | "json" => {
            p.json |= name == "json";
            let Some(file) = value.strip_prefix('@') else {
                // curl joins `-d` pieces with `&`, and adds a `--json` piece to the one before
                // as it is: `--json '{"a":' --json '1}'` sends `{"a":1}`.
                match p.data.last_mut() {
                    Some(last) if name == "json" => last.push_str(&value),
                    _ => p.data.push(value),
                }
                return;
            };
            let source = if file == "-" {
                standard_input(&p.input, name, item, report)
            } else {
                Some(Stdin::File(file.to_owned()))
            };
            match source {
                // curl strips line breaks from what -d reads, not from what --data-binary
                // and --json read.
                Some(Stdin::Text(text)) if matches!(name, "data" | "data-ascii") => {
                    p.data.push(text.replace(['\r', '\n'], ""));
                }
                Some(Stdin::Text(text)) => match p.data.last_mut() {
                    Some(last) if name == "json" => last.push_str(&text),
                    _ => p.data.push(text),
                },
                None if p.data.is_empty() && p.data_file.is_none() => p.body_left_out = true,
                Some(Stdin::File(file)) => {
                    if matches!(name, "data" | "data-ascii") {
                        report.note(
                            item,
                            format!("--{name}"),
                            "curl strips line breaks from a file given to -d; runner sends the file as it is",
                        );
                    }
                    if p.data_file.is_some() {
                        report.lossy(
                            item,
                            format!("--{name}"),
                            "curl sends the files of several `@file` data one after the other: runner sends the last",
                        );
                    }
                    p.data_file = Some(file);
                }
                None => {}
            }
        }
        "data-raw" => p.data.push(value),
        "data-urlencode" => {
            let data = urlencode_data(&value, &p.input, item, report);
            if data.is_empty() {
                p.body_left_out = true;
            } else {
                p.data.push(data);
            }
        }
        "url-query" => match value.strip_prefix('+') {
            Some(raw) => p.url_query.push(raw.to_owned()),
            None => {
                let query = urlencode_data(&value, &p.input, item, report);
                p.url_query.push(query);
            }
        },
        "upload-file" => {
            let file = if value == "-" || value == "." {
                match standard_input(&p.input, name, item, report) {
                    Some(Stdin::File(file)) => Some(file),
                    Some(Stdin::Text(_)) => {
                        report.lossy(
                            item,
                            "--upload-file",
                            "the file is the text given to the command's standard input, which runner cannot send as a file: put it in a file and use `body_file`",
                        );
                        None
                    }
                    None => None,
                }
            } else {
                Some(value)
            };
            p.upload = file;
        }
        "form" | "form-string" => match form_part(&value, name == "form-string") {
            Some(part) if part.file.as_deref() == Some("-") => {
                match standard_input(&p.input, name, item, report) {
                    Some(Stdin::File(file)) => p.parts.push(Part {
                        file: Some(file),
                        ..part
                    }),
                    Some(Stdin::Text(text)) => p.parts.push(Part {
                        file: None,
                        value: Some(text),
                        ..part
                    }),
                    None => {}
                }
            }
            Some(part) => p.parts.push(part),
            None => report.lossy(
                item,
                format!("--{name}"),
                format!("`{value}` is not `name=value`: it is left out"),
            ),
        },
        "user" => {
            let (user, password) = match value.split_once(':') {
                Some((user, password)) => (user.to_owned(), Some(password.to_owned())),
                None => {
                    report.note(
                        item,
                        "--user",
                        "no password given (curl would ask for it): the password is an input",
                    );
                    (value.clone(), None)
                }
            };
            p.basic = Some(Basic { user, password });
        }
        "digest" | "ntlm" | "ntlm-wb" | "negotiate" if negated => {
            if p.auth_scheme.as_deref() == Some(name) {
                p.auth_scheme = None;
            }
        }
        "digest" | "ntlm" | "ntlm-wb" | "negotiate" | "anyauth" => {
            p.auth_scheme = Some(name.to_owned());
        }
        "basic" => p.auth_scheme = None,
        "oauth2-bearer" => p.bearer = Some(value),
        "cookie" => {
            if value.contains('=') {
                for (cookie, value) in steps::parse_cookie_header(&value) {
                    p.cookies.push((cookie.to_owned(), value.to_owned()));
                }
            } else {
                report.lossy(
                    item,
                    "--cookie",
                    format!(
                        "cookies read from the file `{value}` are not imported: run with \
                         `--cookie-jar {value}` (a Netscape cookie file)"
                    ),
                );
            }
        }
        "user-agent" => p.headers.push(("User-Agent".to_owned(), value)),
        "referer" => {
            let referer = value.trim_end_matches(";auto").to_owned();
            if !referer.is_empty() {
                p.headers.push(("Referer".to_owned(), referer));
            }
        }
        "url" => p.urls.push(value),
        "get" => p.get = !negated,
        "head" => p.head = !negated,
        "location" => p.location = !negated,
        "max-redirs" => match value.parse() {
            Ok(n) => p.max_redirs = Some(n),
            Err(_) => report.lossy(item, "--max-redirs", format!("`{value}` is not a number")),
        },
        "max-time" => match value.parse::<f64>() {
            // 0 is no limit, in curl as in runner (`timeout: 0s`); a positive time is at
            // least 1 ms, so that it is not read as none.
            Ok(seconds) if (0.0..=86_400.0).contains(&seconds) => {
                let ms = match seconds {
                    0.0 => 0,
                    _ => ((seconds * 1000.0).round() as u64).max(1),
                };
                p.timeout = Some(if ms % 1000 == 0 {
                    format!("{}s", ms / 1000)
                } else {
                    format!("{ms}ms")
                });
            }
            _ => report.lossy(
                item,
                "--max-time",
                format!("`{value}` is not a number of seconds up to 86400"),
            ),
        },
        "insecure" if !negated => report.note(
            item,
            "--insecure",
            "a collection cannot turn certificate checks off: run it with `runner run --insecure`",
        ),
        "insecure" | "compressed" => {}
        "connect-timeout" => report.note(
            item,
            "--connect-timeout",
            format!("a collection has no connect timeout: run with `runner run --connect-timeout {value}s`"),
        ),
        "proxy" => report.note(
            item,
            "--proxy",
            "a collection has no proxy: run with `runner run --proxy URL` (or HTTPS_PROXY)",
        ),
        // The value may hold the proxy's user and password: not written.
        "socks4" | "socks4a" | "socks5" | "socks5-hostname" => {
            let scheme = if name == "socks5-hostname" { "socks5h" } else { name };
            report.note(
                item,
                format!("--{name}"),
                format!(
                    "a collection has no proxy: run with `runner run --proxy \
                     {scheme}://HOST:PORT` (or ALL_PROXY)"
                ),
            );
        }
        "cert" => {
            let (file, passphrase) = certificate_and_passphrase(&value);
            let unwritten = if passphrase {
                " (its passphrase is not written: runner reads an unencrypted PEM key, `--key`)"
            } else {
                ""
            };
            report.note(
                item,
                "--cert",
                format!("this is a run setting, not part of a collection: run with `runner run --cert {file}`{unwritten}"),
            )
        }
        "cacert" | "key" | "resolve" | "cookie-jar" => report.note(
            item,
            format!("--{name}"),
            format!("this is a run setting, not part of a collection: run with `runner run --{name} {value}`"),
        ),
        quiet if QUIET.contains(&quiet) => {}
        other => {
            // Never its value: a password, a proxy's user, a key, a token.
            let unwritten = if value.is_empty() {
                ""
            } else {
                " (its value is not written)"
            };
            report.lossy(
                item,
                format!("--{other}"),
                format!(
                    "runner does not translate this curl option: the step is sent without \
                     it{unwritten}"
                ),
            );
        }
    }
}

/// `--data-urlencode`'s (and `--url-query`'s) forms: `content`, `=content`, `name=content`,
/// `@file`, `name@file` (`@-`: standard input, when the command gives its text).
fn urlencode_data(value: &str, input: &Input, item: &str, report: &mut Report) -> String {
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    if let Some((name, content)) = value.split_once('=') {
        if name.is_empty() {
            return encode(content);
        }
        return format!("{name}={}", encode(content));
    }
    if let Some((name, file)) = value.split_once('@') {
        let text = match file {
            "-" => match standard_input(input, "data-urlencode", item, report) {
                Some(Stdin::Text(text)) => Some(text),
                Some(Stdin::File(file)) => {
                    report.lossy(
                        item,
                        "--data-urlencode",
                        format!("`{name}@-` reads the file `{file}`, which is not imported: put its content in `form`"),
                    );
                    None
                }
                None => None,
            },
            _ => {
                report.lossy(
                    item,
                    "--data-urlencode",
                    format!(
                        "`{value}` reads a file, which is not imported: put its content in `form`"
                    ),
                );
                None
            }
        };
        return match (text, name.is_empty()) {
            (Some(text), true) => encode(&text),
            (Some(text), false) => format!("{name}={}", encode(&text)),
            (None, _) => String::new(),
        };
    }
    encode(value)
}

/// Whether a text has what a POSIX shell expands: `$NAME`, `${...}`, `$(...)`, `` `...` ``.
fn shell_expansion(text: &str) -> bool {
    text.contains('`')
        || text.match_indices('$').any(|(at, _)| {
            text[at + 1..]
                .chars()
                .next()
                .is_some_and(|c| c == '{' || c == '(' || c == '_' || c.is_ascii_alphabetic())
        })
}

/// What `@-` (or `-T -`) reads.
enum Stdin {
    /// The file given with `< FILE`.
    File(String),
    /// The text of a `<<<` here-string or a here-document.
    Text(String),
}

/// What the command's standard input is, for an option that reads it; `None`, reported, when
/// the command does not say (not redirected, from a pipe, a file named by a variable or a
/// command): the option is left out.
fn standard_input(input: &Input, option: &str, item: &str, report: &mut Report) -> Option<Stdin> {
    let reason = match input {
        Input::Text(text) => {
            if shell_expansion(text) {
                report.lossy(
                    item,
                    format!("--{option}"),
                    "the text given to standard input names a shell variable or command \
                     (`$NAME`, `$(...)`, `` `...` ``), which the shell replaces and runner \
                     sends as written: put its value in the body",
                );
            }
            return Some(Stdin::Text(text.clone()));
        }
        Input::File(file) if !file.contains(['$', '`']) => return Some(Stdin::File(file.clone())),
        Input::File(_) => {
            "its standard input is a file the shell names from a variable or a command's output \
             (`< $FILE`, `` < `cmd` ``), which runner cannot know"
        }
        Input::Pipe => {
            "its standard input is the output of the command before `|`, which runner does not run"
        }
        Input::Inherited => {
            "its standard input is not in the command (no `<`, `<<<` or here-document)"
        }
    };
    report.lossy(
        item,
        format!("--{option}"),
        format!("this reads standard input (`-`); {reason}: it is left out (put the body in `body` or `body_file`)"),
    );
    None
}

/// `-F name=value`, `name=@file;type=...;filename=...`, `name=<file`, `name="quoted"`.
fn form_part(value: &str, literal: bool) -> Option<Part> {
    let (name, rest) = value.split_once('=')?;
    let mut part = Part {
        name: name.to_owned(),
        ..Part::default()
    };
    if literal {
        part.value = Some(rest.to_owned());
        return Some(part);
    }
    let file = rest
        .strip_prefix(['@', '<'])
        .and_then(|file| file.strip_prefix('"'));
    let (content, attributes) = if let Some(quoted) = rest.strip_prefix('"') {
        // A quoted value: attributes follow the closing quote.
        let (text, tail) = unquote(quoted);
        part.value = Some(text);
        (None, tail)
    } else if let Some(quoted) = file {
        // A quoted file name (`@"C:/My Files/a.txt"`).
        let (file, tail) = unquote(quoted);
        part.file = Some(file);
        (None, tail)
    } else {
        match rest.split_once(';') {
            Some((content, attributes)) => (Some(content), format!(";{attributes}")),
            None => (Some(rest), String::new()),
        }
    };
    match content {
        Some(content) if content.starts_with(['@', '<']) => {
            part.file = Some(content[1..].to_owned());
        }
        Some(content) => part.value = Some(content.to_owned()),
        None => {}
    }
    for attribute in attributes.split(';').filter(|a| !a.is_empty()) {
        match attribute.split_once('=') {
            Some(("type", t)) => part.content_type = Some(t.to_owned()),
            Some(("filename", f)) => part.filename = Some(f.trim_matches('"').to_owned()),
            _ => {}
        }
    }
    Some(part)
}

/// The text of a `-F` quoted string after its opening quote (`\"` and `\\` are escapes), and
/// what follows its closing quote.
fn unquote(quoted: &str) -> (String, String) {
    let mut text = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    text.push(next);
                }
            }
            '"' => return (text, chars.collect()),
            c => text.push(c),
        }
    }
    (text, String::new())
}

fn requests(p: Parsed, item: &str, report: &mut Report) -> Vec<Request> {
    let mut headers = p.headers.clone();
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if p.json {
        if !has(&headers, "content-type") {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        if !has(&headers, "accept") {
            headers.push(("Accept".to_owned(), "application/json".to_owned()));
        }
    }
    let data = (!p.data.is_empty()).then(|| p.data.join("&"));
    let has_body =
        data.is_some() || p.data_file.is_some() || !p.parts.is_empty() || p.body_left_out;
    if p.upload.is_some() && has_body {
        report.lossy(
            item,
            "--upload-file",
            "curl refuses -T together with -d or -F: the file of -T is sent",
        );
    }
    // curl sends PUT with -T, POST when there is a body, GET with -G, HEAD with -I; -X wins.
    let method = match (&p.method, p.head) {
        (Some(method), _) => method.clone(),
        (None, true) => "HEAD".to_owned(),
        (None, false) if p.upload.is_some() => "PUT".to_owned(),
        (None, false) if has_body && !p.get => "POST".to_owned(),
        _ => "GET".to_owned(),
    };
    if let Some(problem) = steps::method_problem(&method) {
        report.lossy(item, "--request", problem);
    }
    let content_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.to_ascii_lowercase());
    let mut body = Body::None;
    let mut query_data = None;
    if let Some(file) = &p.upload {
        body = Body::File(file.clone());
    } else if p.get {
        query_data = data.clone();
    } else if !p.parts.is_empty() {
        if data.is_some() {
            report.lossy(
                item,
                "--data",
                "curl refuses -d together with -F: the form parts are kept",
            );
        }
        body = Body::Multipart(p.parts.clone());
        multipart_type(&mut headers, item, report);
    } else if let Some(file) = &p.data_file {
        if data.is_some() {
            report.lossy(
                item,
                "--data",
                "curl sends the data and the file's content joined with `&`: runner sends the file alone",
            );
        }
        body = Body::File(file.clone());
    } else if let Some(data) = &data {
        let kind = content_type
            .clone()
            .unwrap_or_else(|| "application/x-www-form-urlencoded".to_owned());
        body = text_body(data, &kind);
        if content_type.is_none() && !matches!(body, Body::Form(_)) {
            // curl says `application/x-www-form-urlencoded` for any -d; runner's `body` would
            // say text/plain.
            headers.push((
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ));
        }
    }
    for file in p
        .upload
        .iter()
        .chain(&p.data_file)
        .chain(p.parts.iter().filter_map(|part| part.file.as_ref()))
    {
        if crate::template::holds_braces(file) {
            report.lossy(
                item,
                "body",
                format!(
                    "the file `{file}` is named by a variable (a shell variable is `{{{{env.NAME}}}}`): \
                     runner reads a body's files when the collection loads, by a path that is \
                     not a template: write the file's path in its place"
                ),
            );
        }
    }
    let mut out = Vec::new();
    for url in &p.urls {
        // A URL that starts with a variable (`$BASE_URL/x`) takes its scheme from it.
        let mut url = if url.contains("://") || url.starts_with("{{") {
            url.clone()
        } else {
            format!("http://{url}")
        };
        if url.starts_with("{{env.") {
            report.note(
                item,
                "url",
                "the URL starts with a shell variable: its value must name the scheme \
                 (`https://host`), which curl would add as `http://` and runner does not",
            );
        }
        let mut basic = p.basic.clone();
        if let Some(scheme) = &p.auth_scheme {
            // curl never sends these credentials as Basic: runner must not either.
            let in_url = credential::split_user_info(&url);
            let credentials = basic.is_some() || in_url.is_some();
            if let Some(info) = in_url {
                url = info.url;
            }
            basic = None;
            other_auth(scheme, credentials, item, report);
        }
        if let Some(file) = &p.upload {
            // curl names the file after a URL that ends with `/`.
            if url.ends_with('/') {
                url.push_str(file.rsplit(['/', '\\']).next().unwrap_or(file));
            }
        }
        // The query goes before a `#fragment`, as curl puts it.
        let fragment = url.find('#').map(|at| url.split_off(at));
        for query in query_data.iter().chain(&p.url_query) {
            if query.is_empty() {
                continue;
            }
            // curl adds no `&` after a URL that ends with one (or with its `?`).
            if !url.ends_with(['&', '?']) {
                url.push(if url.contains('?') { '&' } else { '?' });
            }
            url.push_str(query);
        }
        url.push_str(fragment.as_deref().unwrap_or(""));
        if url::Url::parse(&without_templates(&url)).is_err() {
            report.lossy(
                item,
                "url",
                format!(
                    "`{}` is not a URL runner can send to: written as is",
                    shown(&url)
                ),
            );
        }
        if without_env(&url).contains("{{") {
            report.note(
                item,
                "url",
                "`{{...}}` is a template in runner: define the variables it names",
            );
        }
        let name = format!("{method} {}", steps::path_of(&url));
        out.push(Request {
            name,
            method: method.clone(),
            url,
            headers: headers.clone(),
            cookies: p.cookies.clone(),
            basic,
            bearer: p.bearer.clone(),
            body: body.clone(),
            // curl follows redirects only with -L; runner follows them unless told not to.
            follow_redirects: (!p.location).then_some(false),
            max_redirects: p.max_redirs.filter(|_| p.location),
            timeout: p.timeout.clone(),
            ..Request::default()
        });
    }
    out
}

/// `url` with each `{{...}}` as `x`, over `http://` when it starts with one: the URL a
/// template would make, for telling whether it parses.
fn without_templates(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find("{{") {
        let Some(end) = rest[at..].find("}}") else {
            break;
        };
        out.push_str(&rest[..at]);
        out.push('x');
        rest = &rest[at + end + 2..];
    }
    out.push_str(rest);
    if url.starts_with("{{") {
        out.insert_str(0, "http://");
    }
    out
}

/// `text` without the `{{env.NAME}}` of its shell variables (declared as inputs).
fn without_env(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{env.") {
        out.push_str(&rest[..at]);
        rest = match rest[at..].find("}}") {
            Some(end) => &rest[at + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// A multipart body's `Content-Type` header: runner's multipart body sets its own
/// (`multipart/form-data` with the boundary it uses), so a header naming another type (say
/// `multipart/related`) is left out and reported; a `multipart/form-data` one is left out as
/// [`steps::write`] does.
fn multipart_type(headers: &mut Vec<(String, String)>, item: &str, report: &mut Report) {
    headers.retain(|(name, value)| {
        if !name.eq_ignore_ascii_case("content-type") {
            return true;
        }
        let base = value.split(';').next().unwrap_or("").trim();
        if base.eq_ignore_ascii_case("multipart/form-data") {
            return true;
        }
        report.lossy(
            item,
            "--header",
            format!(
                "the header `{name}: {base}` goes with -F: runner sends a multipart body as \
                 `multipart/form-data` with the boundary it uses; the header is left out"
            ),
        );
        false
    });
}

/// Reports credentials curl sends with an auth scheme runner does not have (`--digest`,
/// `--ntlm`, `--negotiate`, `--anyauth`): the step is sent without them, never as Basic.
fn other_auth(option: &str, credentials: bool, item: &str, report: &mut Report) {
    let scheme = match option {
        "digest" => "HTTP Digest authentication",
        "ntlm" | "ntlm-wb" => "NTLM authentication",
        "negotiate" => "Negotiate (SPNEGO/Kerberos) authentication",
        _ => "the authentication scheme the server asks for",
    };
    if !credentials {
        report.note(
            item,
            format!("--{option}"),
            format!("curl uses {scheme} only with credentials (`-u`), and there are none: nothing to carry over"),
        );
        return;
    }
    let reason = if option == "anyauth" {
        "runner does not negotiate an authentication scheme with the server as curl does with \
         `--anyauth` (curl sends the credentials only after a 401, in the scheme it asks for): \
         the credentials (`-u` or the URL's user info) are left out, not sent as Basic auth, \
         and the server will likely answer 401. If the server accepts Basic, add `auth: { \
         basic: { username, password: \"{{env.PASSWORD}}\" } }` with a secret input PASSWORD; \
         otherwise give the step an auth runner sends (`bearer`, `api_key`), or call it with \
         curl"
            .to_owned()
    } else {
        format!(
            "runner does not support {scheme}, and curl never sends these credentials as Basic \
             with `--{option}`: the credentials (`-u` or the URL's user info) are left out, not \
             sent as Basic auth, and the server will likely answer 401. To run the step, give \
             it an auth runner sends that the server accepts (`auth: {{ basic | bearer | \
             api_key }}`, the secret from an input), or call it with curl"
        )
    };
    report.lossy(item, format!("--{option}"), reason);
}

/// `url` as a message shows it: its user info and the value of a query parameter named like
/// a credential are `***`.
fn shown(url: &str) -> String {
    let without_user_info;
    let url = match credential::split_user_info(url) {
        Some(info) => {
            let start = info.url.find("://").map_or(0, |at| at + 3);
            without_user_info = format!("{}***@{}", &info.url[..start], &info.url[start..]);
            &without_user_info
        }
        None => url,
    };
    match url.split_once('?') {
        Some((base, query)) => format!(
            "{base}?{}",
            credential::replace_in_query(query, |_, _| "***".to_owned())
        ),
        None => url.to_owned(),
    }
}

/// A body's text as `json` (JSON content type and valid JSON), `form` (form content type,
/// `a=1&b=2` with distinct names), else `body`.
fn text_body(data: &str, content_type: &str) -> Body {
    let base = content_type.split(';').next().unwrap_or("").trim();
    if base == "application/json" {
        if let Ok(value) = serde_json::from_str::<Value>(data) {
            return Body::Json(value);
        }
    }
    if base == "application/x-www-form-urlencoded" {
        if let Some(fields) = form_fields(data) {
            return Body::Form(fields);
        }
    }
    Body::Text(data.to_owned())
}

/// `a=1&b=2` as fields, when it is a form runner re-encodes to the same bytes' meaning:
/// every pair has `=` (a repeated name is written as a list of its values) and every escape
/// decodes to UTF-8 (`t=%E9` is sent as written).
pub fn form_fields(data: &str) -> Option<Vec<(String, String)>> {
    if data.is_empty()
        || data.split('&').any(|pair| !pair.contains('='))
        || !super::steps::decodes_as_utf8(data)
    {
        return None;
    }
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(data.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // A name holding `{{` stays in the text body, which is rendered (a `form` map's names
    // are sent as written).
    let named_by_a_template = fields
        .iter()
        .any(|(name, _)| crate::template::holds_braces(name));
    (!named_by_a_template).then_some(fields)
}

/// curl's `--cert FILE[:PASSPHRASE]` as the file and whether a passphrase followed it: the
/// first `:` not escaped by a backslash ends the file, except a Windows drive's (`C:\\`).
fn certificate_and_passphrase(value: &str) -> (String, bool) {
    let bytes = value.as_bytes();
    let mut file = String::with_capacity(value.len());
    let mut chars = value.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|&(_, next)| next == ':') => {
                file.push(':');
                chars.next();
            }
            ':' if !(at == 1
                && bytes[0].is_ascii_alphabetic()
                && matches!(bytes.get(2), Some(b'\\' | b'/'))) =>
            {
                return (file, true);
            }
            c => file.push(c),
        }
    }
    (file, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_s_passphrase_is_told_apart_from_its_file() {
        for (value, file, passphrase) in [
            ("cert.pem", "cert.pem", false),
            ("cert.pem:s3cret", "cert.pem", true),
            ("a\\:b.pem:pw", "a:b.pem", true),
            ("C:\\certs\\c.pem", "C:\\certs\\c.pem", false),
            ("C:\\certs\\c.pem:pw", "C:\\certs\\c.pem", true),
        ] {
            assert_eq!(
                certificate_and_passphrase(value),
                (file.to_owned(), passphrase),
                "{value}"
            );
        }
    }

    fn options() -> Options {
        Options {
            source: "test".into(),
            schema: "s.json".into(),
            sandbox: None,
            schema_dir: None,
        }
    }

    #[test]
    fn a_chrome_post() {
        let text = "curl 'https://api.example.com/api/v1/authenticate' \\\n  -H 'accept: application/json' \\\n  -H 'content-type: application/json' \\\n  -H 'authorization: Bearer eyJhbGciOi.x.y' \\\n  -b 'sid=abc; theme=dark' \\\n  --data-raw '{\"application_token\":\"t0k3n\"}' \\\n  --compressed";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        let yaml = &imported.yaml;
        assert!(yaml.contains("method: POST"), "{yaml}");
        assert!(
            yaml.contains("json: { application_token: \"{{application_token}}\" }"),
            "{yaml}"
        );
        assert!(!yaml.contains("t0k3n"), "{yaml}");
        assert!(!yaml.contains("eyJhbGciOi"), "{yaml}");
        assert!(!yaml.contains("abc"), "{yaml}");
        assert!(!yaml.contains("content-type"), "{yaml}");
        assert!(yaml.contains("follow_redirects: false"), "{yaml}");
        assert!(imported.report.entries.is_empty(), "{}", imported.report);
    }

    #[test]
    fn a_content_type_with_parameters_is_kept_and_runners_own_user_agent_left_out() {
        let text = format!(
            "curl 'http://h/f' -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' -H 'user-agent: {}' -d 'a=1'\ncurl 'http://h/j' -H 'content-type: application/json' -H 'User-Agent: other/1' -d '{{}}'",
            crate::http::USER_AGENT
        );
        let text = text.as_str();
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        let yaml = &imported.yaml;
        assert!(
            yaml.contains("Content-Type: application/x-www-form-urlencoded; charset=UTF-8"),
            "{yaml}"
        );
        assert!(!yaml.contains("content-type"), "{yaml}");
        assert!(!yaml.contains("runner/"), "{yaml}");
        assert!(yaml.contains("User-Agent: other/1"), "{yaml}");
    }

    #[test]
    fn a_socks_proxy_is_a_run_setting_whose_url_is_not_written() {
        for (option, scheme) in [
            ("--socks5-hostname", "socks5h"),
            ("--socks5", "socks5"),
            ("--socks4a", "socks4a"),
            ("--socks4", "socks4"),
        ] {
            let text = format!("curl 'http://h/a' {option} 'ann:S0CKS-PW@proxy:1080'");
            let imported =
                import_text(&text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
            let report = imported.report.to_string();
            assert!(
                report.contains(&format!("--proxy {scheme}://HOST:PORT")),
                "{report}"
            );
            assert!(!report.contains("S0CKS-PW"), "{report}");
            assert!(!imported.yaml.contains("S0CKS-PW"), "{}", imported.yaml);
        }
    }

    #[test]
    fn escapes_that_are_not_utf8_are_sent_as_written() {
        let text = "curl 'http://h/s?q=caf%E9&x=1' -d 't=%E9'";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        let yaml = &imported.yaml;
        assert!(yaml.contains("/s?q=caf%E9&x=1"), "{yaml}");
        assert!(yaml.contains("body: t=%E9"), "{yaml}");
        assert!(!yaml.contains('\u{fffd}'), "{yaml}");
    }

    #[test]
    fn a_url_query_after_a_url_ending_in_an_ampersand_adds_none() {
        let text = "curl 'http://h/q?a=1&' --url-query b=2 --url-query c=3\ncurl 'http://h/r?' --url-query b=2";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        let yaml = &imported.yaml;
        assert!(
            yaml.contains("query: { a: \"1\", b: \"2\", c: \"3\" }"),
            "{yaml}"
        );
        assert!(yaml.contains("query: { b: \"2\" }"), "{yaml}");
        let text = "curl 'http://h/p#frag' --url-query a=1";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("query: { a: \"1\" }"),
            "{}",
            imported.yaml
        );
    }

    #[test]
    fn json_pieces_are_joined_as_they_are() {
        let text = "curl --json '{ \"drink\":' --json ' \"coffee\" }' http://h/j";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("json: { drink: coffee }"),
            "{}",
            imported.yaml
        );
        let text = "curl -d a=1 -d b=2 http://h/f";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("form: { a: \"1\", b: \"2\" }"),
            "{}",
            imported.yaml
        );
    }

    #[test]
    fn unknown_options_are_reported_and_flags_run_together() {
        let words: Vec<String> = [
            "-sSLk",
            "-XPUT",
            "--frobnicate",
            "http://h/x",
            "-u",
            "me:pw",
        ]
        .map(String::from)
        .to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(imported.yaml.contains("method: PUT"), "{}", imported.yaml);
        assert!(!imported.yaml.contains("follow_redirects"));
        assert!(imported
            .yaml
            .contains("basic: { username: me, password: \"{{basic_password}}\" }"));
        assert_eq!(imported.report.lossy_count(), 1, "{}", imported.report);
    }

    /// `--max-time 0` is no limit in curl as in runner; a positive time under a millisecond
    /// is a millisecond, not the no limit of `0`; a form body with a name made from a
    /// variable stays text, which is rendered.
    #[test]
    fn max_time_zero_and_templated_form_names() {
        for (seconds, timeout) in [
            ("0", "timeout: 0s"),
            ("0.0004", "timeout: 1ms"),
            ("2.5", "timeout: 2500ms"),
        ] {
            let words: Vec<String> = ["--max-time", seconds, "h/s"].map(String::from).to_vec();
            let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                imported.yaml.contains(timeout),
                "{seconds}: {}",
                imported.yaml
            );
        }
        let words: Vec<String> = ["-d", "{{f}}=1&a=2", "h/s"].map(String::from).to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !imported.yaml.contains("form:") && imported.yaml.contains("{{f}}=1&a=2"),
            "{}",
            imported.yaml
        );
    }

    #[test]
    fn get_moves_data_to_the_query_and_forms_become_form() {
        let words: Vec<String> = ["-G", "-d", "a=1", "--data-urlencode", "q=x y", "h/s"]
            .map(String::from)
            .to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("query: { a: \"1\", q: x y }"),
            "{}",
            imported.yaml
        );
        let imported = import_words(
            &["-d".into(), "a=1&b=2".into(), "h".into()],
            &options(),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("form: { a: \"1\", b: \"2\" }"),
            "{}",
            imported.yaml
        );
    }

    #[test]
    fn a_url_that_does_not_parse_keeps_its_query_credential_out() {
        let words: Vec<String> = ["http://h:99999/x?a=1&token=TK-curl-1&token=TK-curl-2"]
            .map(String::from)
            .to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        let report = imported.report.to_string();
        for secret in ["TK-curl-1", "TK-curl-2"] {
            assert!(!imported.yaml.contains(secret), "{}", imported.yaml);
            assert!(!report.contains(secret), "{report}");
        }
        assert!(
            imported
                .yaml
                .contains("url: http://h:99999/x?a=1&token={{token}}&token={{token_2}}"),
            "{}",
            imported.yaml
        );
        assert!(report.contains("x?a=1&token=***&token=***"), "{report}");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for text in [
            "",
            "echo hi",
            "curl -H",
            "curl -X POST",
            "curl 'x",
            "curl ^\"x",
        ] {
            assert!(import_text(text, None, &options(), None).is_err(), "{text}");
        }
    }

    /// The options whose value the collection or the report may show: translated into the
    /// request, or a file a run setting names.
    const SHOWN: &[&str] = &[
        "request",
        "header",
        "data",
        "data-ascii",
        "data-binary",
        "data-raw",
        "data-urlencode",
        "json",
        "form",
        "form-string",
        "url",
        "url-query",
        "cookie",
        "user-agent",
        "referer",
        "max-time",
        "max-redirs",
        "connect-timeout",
        "cacert",
        "key",
        "resolve",
        "cookie-jar",
        "upload-file",
    ];

    #[test]
    fn every_option_that_takes_a_value_consumes_it_and_never_shows_a_credential() {
        let value = "nobody:S3CRET-VALUE";
        let mut checked = 0;
        let value_options =
            options::all().filter(|(long, _, t)| *t == Takes::Value && *long != "url");
        for (long, short, takes) in value_options {
            let mut forms = vec![
                vec![format!("--{long}"), value.to_owned()],
                vec![format!("--{long}={value}")],
            ];
            if let Some(short) = short {
                forms.push(vec![format!("-{short}"), value.to_owned()]);
                forms.push(vec![format!("-s{short}{value}")]);
            }
            for form in forms {
                let mut words = vec!["http://h.example/a".to_owned()];
                words.extend(form.iter().cloned());
                words.push("-k".to_owned());
                let imported = import_words(&words, &options(), None)
                    .unwrap_or_else(|e| panic!("{form:?}: {e}"));
                let report = imported.report.to_string();
                assert_eq!(
                    imported.requests, 1,
                    "{form:?} ({takes:?}):\n{}",
                    imported.yaml
                );
                assert!(
                    !imported.yaml.contains("http://nobody"),
                    "{form:?}:\n{}",
                    imported.yaml
                );
                if !SHOWN.contains(&long) {
                    assert!(
                        !imported.yaml.contains("S3CRET") && !report.contains("S3CRET"),
                        "{form:?} shows its value:\n{}\n{report}",
                        imported.yaml
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 300, "{checked}");
    }

    /// The options `curl --help all` lists with an argument (`--pass <phrase>`), when curl is
    /// installed: each must consume its value, whatever runner's table says.
    #[test]
    fn every_option_curl_help_lists_with_an_argument_consumes_it() {
        let Ok(help) = std::process::Command::new("curl")
            .args(["--help", "all"])
            .output()
        else {
            return;
        };
        let help = String::from_utf8_lossy(&help.stdout);
        let mut checked = 0;
        for line in help.lines() {
            let Some((option, argument)) = line.trim().split_once(" <") else {
                continue;
            };
            let Some(long) = option.rsplit("--").next().filter(|_| option.contains("--")) else {
                continue;
            };
            if long == "help" || long == "url" || argument.is_empty() {
                continue;
            }
            let words: Vec<String> = [
                "http://h.example/a",
                &format!("--{long}"),
                "nobody:S3CRET-VALUE",
            ]
            .map(String::from)
            .to_vec();
            let imported =
                import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{long}: {e}"));
            assert_eq!(imported.requests, 1, "--{long}:\n{}", imported.yaml);
            assert!(
                !imported.yaml.contains("http://nobody"),
                "--{long}:\n{}",
                imported.yaml
            );
            checked += 1;
        }
        assert!(checked == 0 || checked > 100, "{checked}");
    }

    #[test]
    fn options_without_a_value_take_none_and_no_turns_a_switch_off() {
        for (long, _, takes) in options::all().filter(|(_, _, t)| *t != Takes::Value) {
            if long == "next" {
                continue;
            }
            let words: Vec<String> =
                [format!("--{long}"), "http://h.example/a".to_owned()].to_vec();
            let imported =
                import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{long}: {e}"));
            assert_eq!(imported.requests, 1, "{long} ({takes:?})");
        }
        let words: Vec<String> = ["-G", "--no-get", "-d", "a=1", "http://h.example/a"]
            .map(String::from)
            .to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(imported.yaml.contains("method: POST"), "{}", imported.yaml);
    }

    #[test]
    fn the_word_after_an_unknown_option_is_never_a_request_of_its_own() {
        let words: Vec<String> = ["http://h.example/a", "--frobnicate", "S3CRET-VALUE"]
            .map(String::from)
            .to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.requests, 1, "{}", imported.yaml);
        assert!(!imported.yaml.contains("S3CRET"), "{}", imported.yaml);
        assert!(!imported.report.to_string().contains("S3CRET"));
        assert_eq!(imported.report.lossy_count(), 1, "{}", imported.report);
        // With no other URL, the word is the URL.
        let words: Vec<String> = ["--frobnicate", "http://h.example/b"]
            .map(String::from)
            .to_vec();
        let imported = import_words(&words, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("base_url: http://h.example"),
            "{}",
            imported.yaml
        );
    }

    #[test]
    fn next_starts_another_request_with_its_own_options() {
        let text = "curl -d a=1 http://h.example/a --next -X PUT http://h.example/b";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.requests, 2, "{}", imported.yaml);
        assert!(imported.yaml.contains("name: POST /a"), "{}", imported.yaml);
        assert!(imported.yaml.contains("name: PUT /b"), "{}", imported.yaml);
    }

    #[test]
    fn standard_input_from_a_here_document_a_here_string_or_a_file_is_the_body() {
        let heredoc = "curl -H 'Content-Type: application/json' --data-binary @- http://h.example/a <<'DATA'\n{\"a\": 1,\n \"b\": 2}\nDATA\ncurl http://h.example/next";
        let imported =
            import_text(heredoc, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.requests, 2, "{}", imported.yaml);
        assert!(
            imported.yaml.contains("json: { a: 1, b: 2 }"),
            "{}",
            imported.yaml
        );
        assert!(imported.report.entries.is_empty(), "{}", imported.report);

        let herestring = "curl -d @- http://h.example/a <<< 'x=1'";
        let imported =
            import_text(herestring, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("form: { x: \"1\" }"),
            "{}",
            imported.yaml
        );

        let file = "curl --data-binary @- http://h.example/a < body.xml > out.txt 2>&1";
        let imported = import_text(file, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.requests, 1, "{}", imported.yaml);
        assert!(
            imported.yaml.contains("body_file: body.xml"),
            "{}",
            imported.yaml
        );
        assert!(!imported.yaml.contains("out.txt"), "{}", imported.yaml);

        let upload = "curl http://h.example/up/ -T - < data.bin";
        let imported =
            import_text(upload, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(imported.yaml.contains("method: PUT"), "{}", imported.yaml);
        assert!(
            imported.yaml.contains("body_file: data.bin"),
            "{}",
            imported.yaml
        );
        assert!(imported.yaml.contains("/up/data.bin"), "{}", imported.yaml);
    }

    #[test]
    fn standard_input_the_command_does_not_give_is_reported_not_a_file_named_dash() {
        for text in [
            "curl --data @- http://h.example/a",
            "cat body.json | curl --data @- http://h.example/a",
            "curl --data @- http://h.example/a < $BODY",
            "curl --data @- http://h.example/a < `echo body.json`",
            "curl --data @- http://h.example/a < $(echo body.json)",
        ] {
            let imported =
                import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(imported.requests, 1, "{text}:\n{}", imported.yaml);
            assert!(
                imported.yaml.contains("method: POST"),
                "{text}:\n{}",
                imported.yaml
            );
            assert!(
                !imported.yaml.contains("body_file"),
                "{text}:\n{}",
                imported.yaml
            );
            assert!(
                !imported.yaml.contains("http://<"),
                "{text}:\n{}",
                imported.yaml
            );
            assert!(
                !imported.yaml.contains("echo"),
                "{text}:\n{}",
                imported.yaml
            );
            assert_eq!(
                imported.report.lossy_count(),
                1,
                "{text}: {}",
                imported.report
            );
        }
    }

    #[test]
    fn a_redirection_another_shell_leaves_in_a_word_is_not_a_url() {
        let text = "curl ^\"http://h.example/a^\" > out.txt\r\n";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.requests, 1, "{}", imported.yaml);
        assert!(!imported.yaml.contains("out.txt"), "{}", imported.yaml);
        assert_eq!(imported.report.lossy_count(), 1, "{}", imported.report);
    }

    #[test]
    fn a_multipart_body_with_another_content_type_header_reports_it() {
        let text = "curl http://h.example/a -H 'Content-Type: multipart/related; boundary=XyZ' -F 'a=1;type=application/json'";
        let imported = import_text(text, None, &options(), None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !imported.yaml.contains("multipart/related"),
            "{}",
            imported.yaml
        );
        assert!(imported.yaml.contains("multipart:"), "{}", imported.yaml);
        assert_eq!(imported.report.lossy_count(), 1, "{}", imported.report);
    }

    #[test]
    fn multipart_parts() {
        let part = form_part("doc=@report.pdf;type=application/pdf;filename=r.pdf", false);
        assert_eq!(
            part,
            Some(Part {
                name: "doc".into(),
                file: Some("report.pdf".into()),
                content_type: Some("application/pdf".into()),
                filename: Some("r.pdf".into()),
                value: None
            })
        );
        let part = form_part("note=\"@not a file\";type=text/plain", false);
        assert_eq!(part.and_then(|p| p.value), Some("@not a file".into()));
        let part = form_part("f=@\"C:/My Files/a\\\\b.txt\";type=text/plain", false);
        assert_eq!(
            part.map(|p| (p.file, p.content_type)),
            Some((
                Some("C:/My Files/a\\b.txt".into()),
                Some("text/plain".into())
            ))
        );
    }
}
