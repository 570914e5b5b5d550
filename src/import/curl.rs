//! `runner import curl`: curl command lines (as browsers' "Copy as cURL" writes them, for bash
//! or for Windows `cmd.exe`, or as `runner run --curl` writes them) as a runner collection,
//! one step per request. Options runner cannot express are reported.

use serde_json::Value;

use super::credential;
use super::shell::{self, Dialect};
use super::steps::{self, Body, Part, Request};
use super::{Imported, Options};
use crate::postman::Report;

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
    let commands: Vec<(usize, Vec<String>)> =
        commands.into_iter().map(|c| (c.line, c.words)).collect();
    import_commands(&commands, options, shell)
}

/// Imports one command given as words (the arguments after `--`); a first word `curl` is
/// optional.
pub fn import_words(words: &[String], options: &Options) -> Result<Imported, CurlError> {
    let mut words = words.to_vec();
    if !words.first().is_some_and(|w| is_curl(w)) {
        words.insert(0, "curl".to_owned());
    }
    import_commands(&[(1, words)], options, "arguments")
}

fn is_curl(word: &str) -> bool {
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    name.eq_ignore_ascii_case("curl") || name.eq_ignore_ascii_case("curl.exe")
}

fn import_commands(
    commands: &[(usize, Vec<String>)],
    options: &Options,
    shell: &str,
) -> Result<Imported, CurlError> {
    let mut report = Report::default();
    let mut requests = Vec::new();
    for (line, words) in commands {
        let Some(start) = words.iter().position(|w| is_curl(w)) else {
            report.note(
                &format!("line {line}"),
                "command",
                format!("`{}` is not a curl command: it is left out", words[0]),
            );
            continue;
        };
        let item = format!("line {line}");
        let parsed = command(&words[start + 1..], &item, &mut report).map_err(|e| match e {
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
    };
    Ok(steps::write(&requests, &collection, report))
}

enum CommandError {
    NoUrl,
    MissingValue(String),
}

/// Short options that take a value, and long options that do, by their long name.
const SHORT_WITH_VALUE: &str = "XHdubAeFxoTwmcEKrCyYzQtP";
const LONG_WITH_VALUE: &[&str] = &[
    "request",
    "header",
    "data",
    "data-ascii",
    "data-raw",
    "data-binary",
    "data-urlencode",
    "json",
    "form",
    "form-string",
    "user",
    "cookie",
    "user-agent",
    "referer",
    "url",
    "oauth2-bearer",
    "max-redirs",
    "max-time",
    "connect-timeout",
    "output",
    "write-out",
    "proxy",
    "cacert",
    "cert",
    "key",
    "resolve",
    "cookie-jar",
    "upload-file",
    "retry",
    "retry-delay",
    "retry-max-time",
    "connect-to",
    "interface",
    "proxy-user",
    "range",
    "limit-rate",
    "config",
    "continue-at",
    "speed-limit",
    "speed-time",
    "quote",
    "telnet-option",
    "dns-servers",
    "trace",
    "trace-ascii",
    "stderr",
    "unix-socket",
    "abstract-unix-socket",
    "aws-sigv4",
    "header-file",
    "variable",
    "expand-data",
];

fn long_name(short: char) -> &'static str {
    match short {
        'X' => "request",
        'H' => "header",
        'd' => "data",
        'u' => "user",
        'b' => "cookie",
        'A' => "user-agent",
        'e' => "referer",
        'F' => "form",
        'x' => "proxy",
        'o' => "output",
        'T' => "upload-file",
        'w' => "write-out",
        'm' => "max-time",
        'c' => "cookie-jar",
        'E' => "cert",
        'K' => "config",
        'r' => "range",
        'C' => "continue-at",
        'y' => "speed-time",
        'Y' => "speed-limit",
        'z' => "time-cond",
        'Q' => "quote",
        't' => "telnet-option",
        'P' => "ftp-port",
        'L' => "location",
        'k' => "insecure",
        'G' => "get",
        'I' => "head",
        's' => "silent",
        'S' => "show-error",
        'v' => "verbose",
        'i' => "include",
        'f' => "fail",
        'g' => "globoff",
        'N' => "no-buffer",
        'O' => "remote-name",
        'J' => "remote-header-name",
        'n' => "netrc",
        'q' => "disable",
        '#' => "progress-bar",
        '0' => "http1.0",
        '1' => "tlsv1",
        '2' => "sslv2",
        '3' => "sslv3",
        '4' => "ipv4",
        '6' => "ipv6",
        'Z' => "parallel",
        _ => "",
    }
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
    "globoff",
    "no-buffer",
    "progress-bar",
    "http1.1",
    "http2",
    "http2-prior-knowledge",
    "http3",
    "output",
    "write-out",
    "remote-name",
    "no-progress-meter",
    "ipv4",
    "ipv6",
    "disable",
    "path-as-is",
    "tr-encoding",
    "no-keepalive",
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
    basic: Option<(String, String)>,
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
}

fn command(
    words: &[String],
    item: &str,
    report: &mut Report,
) -> Result<Vec<Request>, CommandError> {
    let mut p = Parsed::default();
    let mut i = 0;
    let mut options_end = false;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if options_end || !word.starts_with('-') || word == "-" {
            p.urls.push(word.clone());
            continue;
        }
        if word == "--" {
            options_end = true;
            continue;
        }
        // `-sSL`, `-XPOST`, `-HAccept: x`: short options run together, the last may have
        // its value attached.
        let mut names: Vec<(String, Option<String>)> = Vec::new();
        if let Some(long) = word.strip_prefix("--") {
            names.push((long.to_owned(), None));
        } else {
            let shorts: Vec<char> = word[1..].chars().collect();
            for (n, &c) in shorts.iter().enumerate() {
                let long = long_name(c);
                let long = if long.is_empty() {
                    format!("-{c}")
                } else {
                    long.to_owned()
                };
                if SHORT_WITH_VALUE.contains(c) {
                    let rest: String = shorts[n + 1..].iter().collect();
                    names.push((long, (!rest.is_empty()).then_some(rest)));
                    break;
                }
                names.push((long, None));
            }
        }
        for (name, attached) in names {
            let (name, negated) = match name.strip_prefix("no-") {
                Some(rest) if ["location", "insecure", "compressed"].contains(&rest) => {
                    (rest.to_owned(), true)
                }
                _ => (name, false),
            };
            let takes_value = LONG_WITH_VALUE.contains(&name.as_str())
                || (name.len() == 2
                    && name.starts_with('-')
                    && SHORT_WITH_VALUE.contains(&name[1..]));
            let value = if takes_value {
                match attached {
                    Some(value) => Some(value),
                    None => match words.get(i) {
                        Some(value) => {
                            i += 1;
                            Some(value.clone())
                        }
                        None => {
                            return Err(CommandError::MissingValue(format!("--{name}")));
                        }
                    },
                }
            } else {
                None
            };
            option(
                &name,
                negated,
                value.unwrap_or_default(),
                &mut p,
                item,
                report,
            );
        }
    }
    if p.urls.is_empty() {
        return Err(CommandError::NoUrl);
    }
    Ok(requests(p, item, report))
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
                report.lossy(
                    item,
                    "--header",
                    format!("`{value}` is not `Name: value`: it is left out"),
                );
            }
        }
        "data" | "data-ascii" | "data-binary" => {
            if let Some(file) = value.strip_prefix('@') {
                if name != "data-binary" {
                    report.note(
                        item,
                        format!("--{name}"),
                        "curl strips line breaks from a file given to -d; runner sends the file as it is",
                    );
                }
                p.data_file = Some(file.to_owned());
            } else {
                p.data.push(value);
            }
        }
        "data-raw" => p.data.push(value),
        "json" => {
            p.json = true;
            if let Some(file) = value.strip_prefix('@') {
                p.data_file = Some(file.to_owned());
            } else {
                p.data.push(value);
            }
        }
        "data-urlencode" => p.data.push(urlencode_data(&value, item, report)),
        "form" | "form-string" => match form_part(&value, name == "form-string") {
            Some(part) => p.parts.push(part),
            None => report.lossy(
                item,
                format!("--{name}"),
                format!("`{value}` is not `name=value`: it is left out"),
            ),
        },
        "user" => {
            let (user, password) = match value.split_once(':') {
                Some((user, password)) => (user.to_owned(), password.to_owned()),
                None => {
                    report.note(
                        item,
                        "--user",
                        "no password given (curl would ask for it): the password is an input",
                    );
                    (value.clone(), String::new())
                }
            };
            p.basic = Some((user, password));
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
        "get" => p.get = true,
        "head" => p.head = true,
        "location" => p.location = !negated,
        "max-redirs" => match value.parse() {
            Ok(n) => p.max_redirs = Some(n),
            Err(_) => report.lossy(item, "--max-redirs", format!("`{value}` is not a number")),
        },
        "max-time" => match value.parse::<f64>() {
            Ok(seconds) if seconds > 0.0 && seconds <= 86_400.0 => {
                let ms = (seconds * 1000.0).round() as u64;
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
            let shown = if other.starts_with('-') {
                other.to_owned()
            } else {
                format!("--{other}")
            };
            report.lossy(
                item,
                shown,
                "runner does not translate this curl option: the step is sent without it",
            );
        }
    }
}

/// `--data-urlencode`'s forms: `content`, `=content`, `name=content`, `@file`, `name@file`.
fn urlencode_data(value: &str, item: &str, report: &mut Report) -> String {
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    if let Some((name, content)) = value.split_once('=') {
        if name.is_empty() {
            return encode(content);
        }
        return format!("{name}={}", encode(content));
    }
    if value.contains('@') {
        report.lossy(
            item,
            "--data-urlencode",
            format!("`{value}` reads a file, which is not imported: put its content in `form`"),
        );
        return String::new();
    }
    encode(value)
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
    let (content, attributes) = if let Some(quoted) = rest.strip_prefix('"') {
        // A quoted value: `\"` and `\\` are escapes, attributes follow the closing quote.
        let mut text = String::new();
        let mut chars = quoted.chars();
        let mut tail = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        text.push(next);
                    }
                }
                '"' => {
                    tail = chars.collect();
                    break;
                }
                c => text.push(c),
            }
        }
        (text, tail)
    } else {
        match rest.split_once(';') {
            Some((content, attributes)) => (content.to_owned(), format!(";{attributes}")),
            None => (rest.to_owned(), String::new()),
        }
    };
    let is_file = !rest.starts_with('"') && content.starts_with(['@', '<']);
    if is_file {
        part.file = Some(content[1..].to_owned());
    } else {
        part.value = Some(content);
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
    let has_body = data.is_some() || p.data_file.is_some() || !p.parts.is_empty();
    // curl sends POST when there is a body, GET with -G, HEAD with -I; -X wins.
    let method = match (&p.method, p.head) {
        (Some(method), _) => method.clone(),
        (None, true) => "HEAD".to_owned(),
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
    if p.get {
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
    } else if let Some(file) = &p.data_file {
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
    let mut out = Vec::new();
    for url in &p.urls {
        let mut url = if url.contains("://") {
            url.clone()
        } else {
            format!("http://{url}")
        };
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
        if let Some(query) = &query_data {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(query);
        }
        if url::Url::parse(&url).is_err() {
            report.lossy(
                item,
                "url",
                format!(
                    "`{}` is not a URL runner can send to: written as is",
                    shown(&url)
                ),
            );
        }
        if url.contains("{{") {
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
/// every pair has `=` (a repeated name is written as a list of its values).
pub fn form_fields(data: &str) -> Option<Vec<(String, String)>> {
    if data.is_empty() || data.split('&').any(|pair| !pair.contains('=')) {
        return None;
    }
    Some(
        url::form_urlencoded::parse(data.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
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
        let imported = import_text(text, None, &options()).unwrap_or_else(|e| panic!("{e}"));
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
        let imported = import_words(&words, &options()).unwrap_or_else(|e| panic!("{e}"));
        assert!(imported.yaml.contains("method: PUT"), "{}", imported.yaml);
        assert!(!imported.yaml.contains("follow_redirects"));
        assert!(imported
            .yaml
            .contains("basic: { username: me, password: \"{{basic_password}}\" }"));
        assert_eq!(imported.report.lossy_count(), 1, "{}", imported.report);
    }

    #[test]
    fn get_moves_data_to_the_query_and_forms_become_form() {
        let words: Vec<String> = ["-G", "-d", "a=1", "--data-urlencode", "q=x y", "h/s"]
            .map(String::from)
            .to_vec();
        let imported = import_words(&words, &options()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            imported.yaml.contains("query: { a: \"1\", q: x y }"),
            "{}",
            imported.yaml
        );
        let imported = import_words(&["-d".into(), "a=1&b=2".into(), "h".into()], &options())
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
        let imported = import_words(&words, &options()).unwrap_or_else(|e| panic!("{e}"));
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
            assert!(import_text(text, None, &options()).is_err(), "{text}");
        }
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
    }
}
