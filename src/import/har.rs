//! `runner import har`: an HTTP Archive (HAR 1.2, as Chrome, Firefox and Safari export it)
//! as a runner collection: one step per entry (filtered by host, method and content type,
//! static assets left out), the recorded status expected, and a value a later request reuses
//! from an earlier JSON response turned into a capture and a template.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;

use super::steps::{self, Body, Capture, Part, Request};
use super::template::Templates;
use super::{Imported, Options};
use crate::postman::Report;

/// Why a HAR file could not be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarError {
    /// Not JSON, or not the shape of a HAR file.
    #[error("{source_name} is not a HAR file: {message} at line {line}, column {column} (a HAR file is JSON with `log.entries`; in the browser: DevTools › Network › Export HAR)")]
    NotHar {
        /// The file.
        source_name: String,
        /// serde_json's message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Every entry left after the filters has a URL runner cannot send (relative, or not
    /// HTTP) or no response.
    #[error("{source_name} has no request runner can send ({total} entries: {unsendable} runner cannot send (a relative or non-http URL, or a WebSocket), {unanswered} without a response, {filtered} left out by the filters or as static assets)")]
    Unsendable {
        /// The file.
        source_name: String,
        /// Entries in the file.
        total: usize,
        /// Entries whose URL runner cannot send.
        unsendable: usize,
        /// Entries the browser recorded no response for.
        unanswered: usize,
        /// Entries left out by the filters.
        filtered: usize,
    },
    /// Every entry was filtered out.
    #[error("{source_name} has no request left to import ({total} entries, {filtered} left out by the filters or as static assets: try --assets, or fewer --host/--method/--content-type)")]
    Empty {
        /// The file.
        source_name: String,
        /// Entries in the file.
        total: usize,
        /// Entries left out.
        filtered: usize,
    },
}

/// Which entries to import.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only these hosts (`host` or `host:port`); empty: all.
    pub hosts: Vec<String>,
    /// Only these methods; empty: all.
    pub methods: Vec<String>,
    /// Only responses whose content type contains one of these; empty: all.
    pub content_types: Vec<String>,
    /// Keep images, fonts, scripts and styles.
    pub assets: bool,
}

#[derive(Debug, Deserialize)]
struct Har {
    log: Log,
}

#[derive(Debug, Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    request: HarRequest,
    response: HarResponse,
    #[serde(default, rename = "_resourceType")]
    resource_type: Option<String>,
    /// The frames of a WebSocket connection, as Chrome records them.
    #[serde(default, rename = "_webSocketMessages")]
    web_socket_messages: Option<Vec<Value>>,
}

impl Entry {
    /// A WebSocket connection: Chrome's `_resourceType: websocket`, its frames, or an
    /// `Upgrade: websocket` request answered `101 Switching Protocols`.
    fn is_web_socket(&self) -> bool {
        self.resource_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("websocket"))
            || self.web_socket_messages.is_some()
            || (self.response.status == 101
                && header(&self.request.headers, "upgrade")
                    .is_some_and(|u| u.trim().eq_ignore_ascii_case("websocket")))
    }
}

#[derive(Debug, Deserialize)]
struct NameValue {
    name: String,
    #[serde(default, deserialize_with = "text")]
    value: String,
}

/// A value HAR says is text, as some exporters write it anyway (chrome-har: `"value": 10418`,
/// `false`): a number or a boolean is its text, `null` is empty, an array or object its JSON.
fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(scalar_text(&Value::deserialize(deserializer)?))
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    cookies: Vec<NameValue>,
    #[serde(default)]
    post_data: Option<PostData>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostData {
    #[serde(default)]
    mime_type: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    params: Vec<Param>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Param {
    name: String,
    /// Text in HAR; a number or a boolean as chrome-har writes some (see [`text`]).
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
}

impl Param {
    /// The value as text.
    fn text(&self) -> String {
        self.value.as_ref().map(scalar_text).unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
struct HarResponse {
    status: i64,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    content: Option<Content>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
}

const ASSET_TYPES: &[&str] = &["image", "font", "stylesheet", "script", "media", "manifest"];
const ASSET_EXTENSIONS: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".avif", ".woff", ".woff2", ".ttf",
    ".otf", ".eot", ".css", ".js", ".mjs", ".map",
];

fn is_asset(entry: &Entry) -> bool {
    if let Some(kind) = &entry.resource_type {
        return ASSET_TYPES.contains(&kind.as_str());
    }
    let mime = response_type(entry);
    if mime.starts_with("image/")
        || mime.starts_with("font/")
        || mime.contains("css")
        || mime.contains("javascript")
    {
        return true;
    }
    let path = steps::path_of(&entry.request.url).to_ascii_lowercase();
    ASSET_EXTENSIONS.iter().any(|ext| path.ends_with(ext))
}

fn response_type(entry: &Entry) -> String {
    entry
        .response
        .content
        .as_ref()
        .and_then(|c| c.mime_type.clone())
        .or_else(|| header(&entry.response.headers, "content-type"))
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn header(headers: &[NameValue], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.clone())
}

fn host_matches(url: &str, hosts: &[String]) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or_default();
    let with_port = match parsed.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host) || h.eq_ignore_ascii_case(&with_port))
}

/// What came before a HAR's JSON in its file: the lines and the columns of the last of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Padding {
    lines: usize,
    columns: usize,
}

impl Padding {
    /// A place in the JSON (1-based line and column) as a place in the file.
    fn place(self, line: usize, column: usize) -> (usize, usize) {
        match line {
            1 => (1 + self.lines, column + self.columns),
            _ => (line + self.lines, column),
        }
    }
}

/// The JSON of a HAR file, and what came before it: a HARP file (HAR with padding, as HAR
/// Viewer reads and writes it) wraps the HAR in a call, `onInputData({...});`.
fn unpadded(text: &str) -> (&str, Padding) {
    let called = || {
        let start = text.len() - text.trim_start().len();
        let name_end = start
            + text[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')))?;
        let first = text[start..].chars().next()?;
        if name_end == start || first.is_ascii_digit() {
            return None;
        }
        let open = name_end + text[name_end..].find(|c: char| !c.is_whitespace())?;
        if !text[open..].starts_with('(') {
            return None;
        }
        let body = text[..text.trim_end().len()]
            .trim_end_matches(';')
            .trim_end();
        let inner = body.strip_suffix(')')?;
        (open + 1 < inner.len()).then(|| (open + 1, inner.len()))
    };
    match called() {
        Some((from, to)) => {
            let before = &text[..from];
            let padding = Padding {
                lines: before.matches('\n').count(),
                columns: before[before.rfind('\n').map_or(0, |at| at + 1)..]
                    .chars()
                    .count(),
            };
            (&text[from..to], padding)
        }
        None => (text, Padding::default()),
    }
}

/// Imports a HAR file (or a HARP file: a HAR wrapped in a call, as HAR Viewer reads it).
pub fn import(text: &str, filters: &Filters, options: &Options) -> Result<Imported, HarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (json, padding) = unpadded(text);
    let har: Har = serde_json::from_str(json).map_err(|e| {
        let (line, column) = padding.place(e.line(), e.column());
        HarError::NotHar {
            source_name: options.source.clone(),
            message: {
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(at) => &message[..at],
                    None => &message,
                };
                crate::spec::words::in_the_formats_words(message)
            },
            line,
            column,
        }
    })?;
    let total = har.log.entries.len();
    let mut report = Report::default();
    let mut assets = 0;
    let kept: Vec<&Entry> = har
        .log
        .entries
        .iter()
        .filter(|entry| {
            let method_ok = filters.methods.is_empty()
                || filters
                    .methods
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&entry.request.method));
            let host_ok =
                filters.hosts.is_empty() || host_matches(&entry.request.url, &filters.hosts);
            let type_ok = filters.content_types.is_empty() || {
                let mime = response_type(entry);
                filters
                    .content_types
                    .iter()
                    .any(|t| mime.contains(&t.to_ascii_lowercase()))
            };
            let asset = !filters.assets && is_asset(entry);
            assets += usize::from(asset && method_ok && host_ok && type_ok);
            method_ok && host_ok && type_ok && !asset
        })
        .collect();
    if assets > 0 {
        report.note(
            "collection",
            "entries",
            format!("{assets} static asset{} (images, fonts, scripts, styles) left out: --assets keeps them", if assets == 1 { "" } else { "s" }),
        );
    }

    let mut requests = Vec::new();
    let mut set_cookies: Vec<String> = Vec::new();
    // Earlier JSON responses: (request index, leaves).
    let mut responses: Vec<(usize, Vec<Leaf>)> = Vec::new();
    let mut names = Vec::new();
    let mut files = Files::new(&options.source);
    let (mut unsendable, mut unanswered) = (0, 0);
    for entry in &kept {
        let Some(mut request) = convert(entry, &set_cookies, &mut files, &mut report) else {
            unsendable += 1;
            continue;
        };
        if request.status.is_none() {
            unanswered += 1;
            continue;
        }
        reuse(&mut request, &responses, &mut requests, &mut names);
        let position = requests.len();
        requests.push(request);
        if let Some(leaves) = json_leaves(entry) {
            responses.push((position, leaves));
        }
        for h in entry
            .response
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
        {
            if let Some((name, _)) = h.value.split(';').next().and_then(|c| c.split_once('=')) {
                set_cookies.push(name.trim().to_owned());
            }
        }
    }
    if requests.is_empty() && !kept.is_empty() {
        return Err(HarError::Unsendable {
            source_name: options.source.clone(),
            total,
            unsendable,
            unanswered,
            filtered: total - kept.len(),
        });
    }
    if requests.is_empty() {
        return Err(HarError::Empty {
            source_name: options.source.clone(),
            total,
            filtered: total - kept.len(),
        });
    }
    let collection = steps::Collection {
        name: format!("Imported from {}", options.source),
        header: vec![format!(
            "Imported by `runner import har` from {} ({} of {total} entries).",
            options.source,
            requests.len()
        )],
        schema: options.schema.clone(),
        sandbox: options.sandbox,
        inputs: Vec::new(),
    };
    let mut imported = steps::write(&requests, &collection, report);
    imported.files.extend(files.written);
    Ok(imported)
}

/// Files whose content the HAR records (a multipart file part's `value`), written beside the
/// collection in a folder named after the HAR (`session.har`: `session-files/`).
struct Files {
    folder: String,
    /// (path relative to the collection, content).
    written: Vec<(String, String)>,
}

impl Files {
    fn new(source: &str) -> Self {
        let stem = std::path::Path::new(source)
            .file_stem()
            .map(|s| safe_file_name(&s.to_string_lossy()))
            .unwrap_or_else(|| "har".to_owned());
        Files {
            folder: format!("{stem}-files"),
            written: Vec::new(),
        }
    }

    /// Keeps `content` as a file named like `name` (made safe, and distinct from the others
    /// in any case, as a file system that ignores case tells them apart); its path relative to
    /// the collection.
    fn add(&mut self, name: &str, content: String) -> String {
        let name = safe_file_name(name);
        let mut path = format!("{}/{name}", self.folder);
        let mut n = 1;
        // Safe names are ASCII.
        while self
            .written
            .iter()
            .any(|(p, _)| p.eq_ignore_ascii_case(&path))
        {
            n += 1;
            path = format!("{}/{n}-{name}", self.folder);
        }
        self.written.push((path.clone(), content));
        path
    }
}

/// A file name of letters, digits, `.`, `-` and `_` only (no folder, no leading dot), so that a
/// name recorded in a HAR is written inside the folder meant for it.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let safe: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "part".to_owned()
    } else {
        safe.to_owned()
    }
}

/// The entry as a request; `None`, reported, when its URL is not one runner can send (relative
/// as some exporters record it, `data:`, `blob:`, `ws:`): a request without a response has no
/// `status`.
fn convert(
    entry: &Entry,
    set_cookies: &[String],
    files: &mut Files,
    report: &mut Report,
) -> Option<Request> {
    let r = &entry.request;
    let method = r.method.to_ascii_uppercase();
    let name = format!("{method} {}", steps::path_of(&r.url));
    if let Some(problem) = url_problem(&r.url) {
        if r.url.starts_with("data:") || r.url.starts_with("blob:") {
            // Not a request to a server: the browser read it from the page.
            report.note(&name, "url", problem);
        } else {
            report.lossy(&name, "url", problem);
        }
        return None;
    }
    if entry.is_web_socket() {
        let frames = entry
            .web_socket_messages
            .as_ref()
            .map_or(String::new(), |m| {
                format!(
                    " and its {} message{}",
                    m.len(),
                    if m.len() == 1 { "" } else { "s" }
                )
            });
        report.lossy(
            &name,
            "url",
            format!("a WebSocket connection{frames}: runner sends HTTP requests, not WebSocket messages, so the entry is left out"),
        );
        return None;
    }
    let status = entry.response.status;
    if !(100..=599).contains(&status) {
        report.note(
            &name,
            "response",
            "the browser recorded no response (blocked, cancelled or failed): the entry is left out",
        );
        return Some(Request::default());
    }
    if let Some(problem) = steps::method_problem(&method) {
        report.lossy(&name, "method", problem);
    }
    let mut headers = Vec::new();
    for h in &r.headers {
        if h.name.eq_ignore_ascii_case("cookie") {
            continue;
        }
        headers.push((h.name.clone(), h.value.clone()));
    }
    let mut cookies = Vec::new();
    let cookie_list: Vec<(String, String)> = if r.cookies.is_empty() {
        header(&r.headers, "cookie")
            .map(|c| {
                steps::parse_cookie_header(&c)
                    .into_iter()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        r.cookies
            .iter()
            .map(|c| (c.name.clone(), c.value.clone()))
            .collect()
    };
    for (cookie, value) in cookie_list {
        if set_cookies.contains(&cookie) {
            // The run's cookie jar sends it, as the browser did, from the earlier response.
            continue;
        }
        cookies.push((cookie, value));
    }
    let body = match &r.post_data {
        None => Body::None,
        Some(post) => body(post, &name, files, report),
    };
    Some(Request {
        name,
        method,
        url: r.url.clone(),
        headers,
        cookies,
        body,
        follow_redirects: (300..400).contains(&status).then_some(false),
        status: u16::try_from(status).ok(),
        ..Request::default()
    })
}

/// Why runner cannot send to a recorded URL: relative (`"url": "XML"`, with no base in the
/// HAR to resolve it against), or not `http`/`https`. Shown without its query and user info,
/// which may hold a credential.
fn url_problem(url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => None,
        Ok(parsed) => Some(format!(
            "the URL is a `{}:` URL, and runner sends HTTP and HTTPS only: the entry is left out",
            parsed.scheme()
        )),
        Err(_) => {
            let shown = url.split(['?', '#']).next().unwrap_or_default();
            let shown = shown.rsplit('@').next().unwrap_or(shown);
            Some(format!(
                "the URL `{shown}` is not absolute (no scheme and host), and a HAR records no \
                 base to resolve it against: the entry is left out; add the step with its full \
                 URL"
            ))
        }
    }
}

fn body(post: &PostData, name: &str, files: &mut Files, report: &mut Report) -> Body {
    let mime = post.mime_type.to_ascii_lowercase();
    let base = mime.split(';').next().unwrap_or("").trim();
    let text = post.text.clone().unwrap_or_default();
    if base.starts_with("multipart/form-data") {
        let mut parts = Vec::new();
        for p in &post.params {
            if let Some(file) = &p.file_name {
                let content = p.text();
                if content.is_empty() {
                    report.lossy(
                        name,
                        "body",
                        format!("the file `{file}` of the part `{}` is not in the HAR: add it beside the collection and set `file:`", p.name),
                    );
                    continue;
                }
                // The HAR records the file's content: sent as that file.
                let path = files.add(file, content);
                report.note(
                    name,
                    "body",
                    format!("the content of the file `{file}` of the part `{}` is in the HAR: it is written to `{path}` beside the collection (with `-o`) and sent from there", p.name),
                );
                parts.push(Part {
                    name: p.name.clone(),
                    file: Some(path),
                    filename: Some(file.clone()),
                    content_type: p.content_type.clone(),
                    value: None,
                });
                continue;
            }
            parts.push(Part {
                name: p.name.clone(),
                value: Some(p.text()),
                content_type: p.content_type.clone(),
                ..Part::default()
            });
        }
        if parts.is_empty() && post.params.is_empty() && !text.is_empty() {
            report.lossy(
                name,
                "body",
                "a multipart body recorded as text only: sent as text, with its recorded boundary",
            );
            return Body::Text(text);
        }
        return Body::Multipart(parts);
    }
    if base == "application/x-www-form-urlencoded" {
        let utf8 = post.params.iter().all(|p| {
            super::steps::decodes_as_utf8(&p.name) && super::steps::decodes_as_utf8(&p.text())
        });
        let fields = if !post.params.is_empty() && utf8 {
            Some(
                post.params
                    .iter()
                    .map(|p| (decode(&p.name), decode(&p.text())))
                    .collect(),
            )
        } else {
            super::curl::form_fields(&text)
        };
        if let Some(fields) = fields {
            return Body::Form(fields);
        }
        // An escape that is not UTF-8 (`d=%E9`) is sent as recorded: the text, else the
        // parameters as they were recorded (percent-encoded).
        if text.is_empty() {
            let joined: Vec<String> = post
                .params
                .iter()
                .map(|p| format!("{}={}", p.name, p.text()))
                .collect();
            return Body::Text(joined.join("&"));
        }
        return Body::Text(text);
    }
    let json = base == "application/json" || base.ends_with("+json");
    if text.is_empty() && !post.params.is_empty() {
        return from_params(post, json, name, report);
    }
    if json {
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            if base == "application/json" {
                return Body::Json(value);
            }
        }
    }
    if text.is_empty() {
        return Body::None;
    }
    Body::Text(text)
}

/// A body recorded only as `params`, with no `text` (some exporters write a JSON body so):
/// rebuilt from them, a JSON object of name → value for a JSON type, else a form, and said so.
/// Never dropped.
fn from_params(post: &PostData, json: bool, name: &str, report: &mut Report) -> Body {
    let mut fields = Vec::new();
    for p in &post.params {
        if let Some(file) = &p.file_name {
            report.lossy(
                name,
                "body",
                format!(
                    "the file `{file}` of the parameter `{}` is not in the HAR: it is left out of \
                     the body",
                    p.name
                ),
            );
            continue;
        }
        fields.push((p.name.clone(), p.value.clone().unwrap_or(Value::Null)));
    }
    let repeated: Vec<String> = fields
        .iter()
        .enumerate()
        .filter(|(i, (k, _))| fields[..*i].iter().any(|(other, _)| other == k))
        .map(|(_, (k, _))| k.clone())
        .collect();
    if json {
        if !repeated.is_empty() {
            report.lossy(
                name,
                "body",
                format!(
                    "the JSON body recorded as `params` repeats `{}`: the object keeps the last \
                     value of each name",
                    repeated.join("`, `")
                ),
            );
        }
        report.note(
            name,
            "body",
            "the JSON body was recorded only as `params` (no `text`): it is rebuilt as an object \
             of name → value, each value as recorded (text, or a number or boolean where the \
             exporter wrote one); check it against what the page sent (the exporter may have \
             flattened a nested object or written a number as text)",
        );
        let object: serde_json::Map<String, Value> = fields
            .into_iter()
            .map(|(k, v)| match v {
                Value::Null => (k, Value::String(String::new())),
                v => (k, v),
            })
            .collect();
        return Body::Json(Value::Object(object));
    }
    let fields: Vec<(String, String)> = fields
        .into_iter()
        .map(|(k, v)| (k, scalar_text(&v)))
        .collect();
    let mime = post.mime_type.trim();
    report.note(
        name,
        "body",
        format!(
            "the `{mime}` body was recorded only as `params` (no `text`): sent as a form of the \
             parameters (a repeated name as a list of its values)"
        ),
    );
    Body::Form(fields)
}

/// HAR params are recorded as sent: percent-encoded.
fn decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A scalar of a JSON response: where it is, its key, and its text.
#[derive(Debug, Clone)]
struct Leaf {
    path: String,
    key: String,
    text: String,
    integer: bool,
}

fn json_leaves(entry: &Entry) -> Option<Vec<Leaf>> {
    let content = entry.response.content.as_ref()?;
    let mime = content.mime_type.as_deref().unwrap_or_default();
    if !mime.contains("json") {
        return None;
    }
    let text = content.text.as_deref()?;
    let text = if content.encoding.as_deref() == Some("base64") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        String::from_utf8(bytes).ok()?
    } else {
        text.to_owned()
    };
    let value: Value = serde_json::from_str(&text).ok()?;
    let mut leaves = Vec::new();
    walk(&value, "$".to_owned(), "", &mut leaves, 0);
    Some(leaves)
}

fn walk(value: &Value, path: String, key: &str, leaves: &mut Vec<Leaf>, depth: usize) {
    if depth > 64 || leaves.len() > 10_000 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let simple = !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !k.starts_with(|c: char| c.is_ascii_digit());
                let child = if simple {
                    format!("{path}.{k}")
                } else {
                    format!("{path}['{}']", k.replace('\\', "\\\\").replace('\'', "\\'"))
                };
                walk(v, child, k, leaves, depth + 1);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{path}[{i}]"), key, leaves, depth + 1);
            }
        }
        Value::String(text) => leaves.push(Leaf {
            path,
            key: key.to_owned(),
            text: text.clone(),
            integer: false,
        }),
        Value::Number(n) if n.is_i64() || n.is_u64() => leaves.push(Leaf {
            path,
            key: key.to_owned(),
            text: n.to_string(),
            integer: true,
        }),
        _ => {}
    }
}

/// Where a value is found in earlier responses: `Some` only when exactly one place holds it.
fn find<'a>(text: &str, responses: &'a [(usize, Vec<Leaf>)]) -> Option<(usize, &'a Leaf)> {
    let mut found = None;
    for (index, leaves) in responses {
        for leaf in leaves.iter().filter(|l| l.text == text) {
            if found.is_some() {
                return None;
            }
            found = Some((*index, leaf));
        }
    }
    found
}

/// A string worth looking for: long enough, and with a digit unless very long, so that words
/// such as `endpoint` are not taken for ids.
fn candidate(text: &str) -> bool {
    text.len() >= 8
        && !text.contains("{{")
        && (text.len() >= 20 || text.bytes().any(|b| b.is_ascii_digit()))
}

/// Replaces values this request reuses from an earlier response with templates, adding the
/// capture to the step that received them.
fn reuse(
    request: &mut Request,
    responses: &[(usize, Vec<Leaf>)],
    requests: &mut [Request],
    names: &mut Vec<(usize, String, String)>,
) {
    let mut variable = |text: &str, integer_ok: bool, requests: &mut [Request]| -> Option<String> {
        if !(candidate(text)
            || integer_ok && text.len() >= 2 && text.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let (index, leaf) = find(text, responses)?;
        if leaf.integer && !integer_ok {
            return None;
        }
        if let Some((_, _, name)) = names
            .iter()
            .find(|(i, p, _)| *i == index && *p == leaf.path)
        {
            return Some(name.clone());
        }
        let base = if leaf.key.is_empty() {
            "value".to_owned()
        } else {
            Templates::default().name(&leaf.key.to_ascii_lowercase())
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.iter().any(|(_, _, used)| *used == name) || name.starts_with("base_url") {
            name = format!("{base}_{n}");
            n += 1;
        }
        names.push((index, leaf.path.clone(), name.clone()));
        requests[index].captures.push(Capture {
            name: name.clone(),
            jsonpath: leaf.path.clone(),
            secret: super::credential::is_credential_name(&leaf.key),
        });
        Some(name)
    };

    // The URL: whole path segments and query values.
    let (before_query, query) = match request.url.split_once('?') {
        Some((b, q)) => (b.to_owned(), Some(q.to_owned())),
        None => (request.url.clone(), None),
    };
    let scheme_end = before_query.find("://").map_or(0, |i| i + 3);
    let path_start = before_query[scheme_end..]
        .find('/')
        .map_or(before_query.len(), |i| scheme_end + i);
    let mut url = before_query[..path_start].to_owned();
    for (i, segment) in before_query[path_start..].split('/').enumerate() {
        if i > 0 {
            url.push('/');
        }
        match variable(segment, true, requests) {
            Some(name) => url.push_str(&format!("{{{{{name}}}}}")),
            None => url.push_str(segment),
        }
    }
    if let Some(query) = query {
        url.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => match variable(&decode(v), false, requests) {
                    Some(name) => format!("{k}={{{{{name}}}}}"),
                    None => pair.to_owned(),
                },
                None => pair.to_owned(),
            })
            .collect();
        url.push_str(&pairs.join("&"));
    }
    request.url = url;

    // Header values, whole or after the auth scheme (`Bearer <token>`).
    for (_, value) in request.headers.iter_mut() {
        let (prefix, rest) = match value.split_once(' ') {
            Some((scheme, rest)) if !rest.contains(' ') => (format!("{scheme} "), rest.to_owned()),
            _ => (String::new(), value.clone()),
        };
        if let Some(name) = variable(&rest, false, requests) {
            *value = format!("{prefix}{{{{{name}}}}}");
        }
    }
    // JSON body strings.
    if let Body::Json(json) = &mut request.body {
        let mut stack = vec![json];
        while let Some(node) = stack.pop() {
            match node {
                Value::String(text) => {
                    if let Some(name) = variable(text, false, requests) {
                        *text = format!("{{{{{name}}}}}");
                    }
                }
                Value::Array(items) => stack.extend(items.iter_mut()),
                Value::Object(map) => stack.extend(map.values_mut()),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{unpadded, Files, Padding};

    #[test]
    fn files_that_differ_in_case_only_get_names_of_their_own() {
        let mut files = Files::new("s.har");
        let names: Vec<String> = ["A.csv", "a.csv", "a.CSV", "../a.csv"]
            .into_iter()
            .map(|name| files.add(name, String::new()))
            .collect();
        assert_eq!(
            names,
            [
                "s-files/A.csv",
                "s-files/2-a.csv",
                "s-files/3-a.CSV",
                "s-files/4-a.csv"
            ]
        );
    }

    #[test]
    fn a_har_wrapped_in_a_call_is_read_and_its_problems_placed_in_the_file() {
        let har = r#"{"log": {"entries": []}}"#;
        for (text, lines, columns) in [
            (format!("onInputData({har});"), 0, 12),
            (format!("onInputData ( {har} ) ;\n"), 0, 13),
            (format!("\n  $cb_1.x(\n{har})"), 1, 10),
        ] {
            let (json, padding) = unpadded(&text);
            assert_eq!(json.trim(), har, "{text}");
            assert_eq!(padding, Padding { lines, columns }, "{text}");
        }
        // Not a call: as it is.
        for text in [har, "[1]", "1x({})", "f{}", "f(", "f()"] {
            assert_eq!(unpadded(text), (text, Padding::default()), "{text}");
        }
        // A problem on the JSON's first line is placed after the call's name.
        let text = "onInputData({\"log\": nope});";
        let (json, padding) = unpadded(text);
        let error = serde_json::from_str::<serde_json::Value>(json).expect_err("not JSON");
        // Where serde_json places it in the same text with the call blanked out.
        let offset = text.find(json).expect("the JSON is inside the call");
        let blanked = format!("{}{json}", " ".repeat(offset));
        let expected = serde_json::from_str::<serde_json::Value>(&blanked).expect_err("not JSON");
        assert_eq!(
            padding.place(error.line(), error.column()),
            (expected.line(), expected.column())
        );
    }
}
