//! Requests read from a recording (curl command lines, a HAR file) written as a runner
//! collection: one step per request, each origin a `base_url` variable, credentials lifted
//! into secret `inputs` (their values are never written), through the same YAML writer as the
//! Postman importer ([`super::yaml`]).

use base64::Engine as _;
use indexmap::IndexMap;
use serde_json::Value;

use super::credential::{self, is_credential_name};
use super::template::Templates;
use super::yaml::{self, from_json, Map, Node};
use super::Imported;
use crate::postman::Report;
use crate::spec::collection::SandboxKind;

/// Why a recorded method cannot be a runner step's (`CONNECT`, one in small letters), if it
/// cannot: the importers write it as it is and report this.
pub fn method_problem(method: &str) -> Option<String> {
    crate::spec::collection::Method::parse(method)
        .err()
        .map(|why| {
            format!("{why}: written as is, the collection will not validate until it is changed")
        })
}

/// One recorded request, as the importers read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// The step's name.
    pub name: String,
    /// The method, upper case.
    pub method: String,
    /// The absolute URL, as sent (its query included).
    pub url: String,
    /// Headers in order, credentials included (the writer lifts them).
    pub headers: Vec<(String, String)>,
    /// Cookies sent, name → value (each becomes a secret input).
    pub cookies: Vec<(String, String)>,
    /// HTTP Basic credentials (the credential in them becomes a secret input).
    pub basic: Option<Basic>,
    /// A bearer token (becomes a secret input, unless a template).
    pub bearer: Option<String>,
    /// The body.
    pub body: Body,
    /// `Some(false)`: do not follow redirects.
    pub follow_redirects: Option<bool>,
    /// The most redirects to follow.
    pub max_redirects: Option<u32>,
    /// The request's timeout, as runner writes durations (`5s`).
    pub timeout: Option<String>,
    /// The status the step expects.
    pub status: Option<u16>,
    /// Values to capture from the response.
    pub captures: Vec<Capture>,
    /// Comment lines written above the step.
    pub comments: Vec<String>,
}

/// A request body.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// `json:` (the `Content-Type: application/json` header is implied).
    Json(Value),
    /// `form:` fields (the form content type is implied).
    Form(Vec<(String, String)>),
    /// `multipart:` parts.
    Multipart(Vec<Part>),
    /// `body:` text; a `Content-Type` header should say what it is.
    Text(String),
    /// `body_file:` a file's path.
    File(String),
}

/// A multipart part: text or a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Part {
    /// The field name.
    pub name: String,
    /// Text content.
    pub value: Option<String>,
    /// A file path.
    pub file: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    /// The file name sent.
    pub filename: Option<String>,
}

/// A capture: a JSONPath into the response, into a variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// The variable.
    pub name: String,
    /// The JSONPath.
    pub jsonpath: String,
    /// Masked in every output.
    pub secret: bool,
}

/// How the collection is written.
#[derive(Debug, Clone)]
pub struct Collection {
    /// The collection's `name`.
    pub name: String,
    /// Comment lines at the top, after the `$schema` line.
    pub header: Vec<String>,
    /// The `$schema` reference.
    pub schema: String,
    /// Add an environment `sandbox` (the default) that runs against this bundled sandbox.
    pub sandbox: Option<SandboxKind>,
    /// Inputs the requests read as `{{env.NAME}}` (a curl command's shell variables), in
    /// order; declared before the secret inputs made for credentials.
    pub inputs: Vec<Declared>,
}

/// An input the requests read as `{{env.NAME}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The environment variable.
    pub name: String,
    /// Masked in every output.
    pub secret: bool,
    /// What it is, for a run that lacks it.
    pub description: String,
}

/// Headers the HTTP client sets by itself from the request (length, host, connection,
/// compression it can decode): copying a recorded value could only make it wrong.
const DROPPED_HEADERS: &[&str] = &[
    "content-length",
    "host",
    "connection",
    "keep-alive",
    "accept-encoding",
    "transfer-encoding",
    "te",
    "upgrade",
    "proxy-connection",
];

/// Headers that a `Content-Type` of the body kind sets by itself.
fn implied_type(body: &Body) -> Option<&'static str> {
    match body {
        Body::Json(_) => Some("application/json"),
        Body::Form(_) => Some("application/x-www-form-urlencoded"),
        Body::Multipart(_) => Some("multipart/form-data"),
        _ => None,
    }
}

/// Literal credentials given a variable read from a secret input.
#[derive(Debug, Default)]
struct Secrets {
    /// variable → (input, description).
    vars: IndexMap<String, (String, String)>,
    /// value → variable. Never written.
    by_value: Vec<(String, String)>,
    /// Input names already declared otherwise (shell variables), which a secret's input
    /// does not take.
    reserved: Vec<String>,
}

impl Secrets {
    /// The variable holding `value` (one per distinct value), named after `base`.
    fn variable(&mut self, base: &str, value: &str, description: String) -> String {
        let value = &super::credential::identity(value, base);
        if let Some((_, name)) = self.by_value.iter().find(|(v, _)| v == value) {
            return name.clone();
        }
        let base = Templates::default().name(&base.to_ascii_lowercase());
        let mut name = base.clone();
        let mut n = 2;
        while self.vars.contains_key(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        let mut input = super::context::input_name(&name, "SECRET");
        while self.reserved.contains(&input) {
            input.push_str("_SECRET");
        }
        self.vars.insert(name.clone(), (input, description));
        self.by_value.push((value.to_owned(), name.clone()));
        name
    }
}

/// HTTP Basic credentials as a request gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Basic {
    /// The user name.
    pub user: String,
    /// The password; `None` when the request leaves it to be asked for (curl's `-u user`
    /// without a `:`), an input then.
    pub password: Option<String>,
}

/// Writes the requests as a collection; `report` already holds what reading them found.
pub fn write(requests: &[Request], collection: &Collection, mut report: Report) -> Imported {
    let mut secrets = Secrets {
        reserved: collection.inputs.iter().map(|i| i.name.clone()).collect(),
        ..Secrets::default()
    };
    let mut origins: IndexMap<String, String> = IndexMap::new();
    let mut steps = Vec::new();
    for request in requests {
        steps.push(step(request, &mut secrets, &mut origins, &mut report));
    }
    for variable in super::repeated::hide(&mut steps, &secrets.by_value) {
        report.note(
            "collection",
            "credentials",
            format!("the value of `{variable}` was written in other places too (a URL, a header, a body, a name): it is `{{{{{variable}}}}}` there as well"),
        );
    }

    let mut root = Map::block();
    root.insert(
        "name",
        super::repeated::masked(&collection.name, &secrets.by_value),
    );
    if !secrets.vars.is_empty() || !collection.inputs.is_empty() {
        let mut inputs = Map::block();
        for declared in &collection.inputs {
            let mut spec = Map::inline();
            if declared.secret {
                spec.insert("secret", true);
            }
            spec.insert("description", declared.description.clone());
            inputs.insert(declared.name.clone(), Node::Map(spec));
        }
        for (input, description) in secrets.vars.values() {
            let mut spec = Map::inline();
            spec.insert("secret", true);
            spec.insert("description", description.clone());
            inputs.insert(input.clone(), Node::Map(spec));
        }
        root.insert("inputs", Node::Map(inputs));
    }
    let mut vars = Map::block();
    for (origin, name) in &origins {
        vars.insert(name.clone(), origin.clone());
    }
    for (name, (input, _)) in &secrets.vars {
        vars.insert(name.clone(), format!("{{{{env.{input}}}}}"));
    }
    if !vars.is_empty() {
        root.insert("vars", Node::Map(vars));
    }
    if let Some(SandboxKind::Emnify) = collection.sandbox {
        let mut sandbox_vars = Map::block();
        if let Some(first) = origins.values().next() {
            sandbox_vars.insert(first.clone(), "{{sandbox.url}}");
        }
        for name in secrets.vars.keys() {
            if name.contains("application_token") {
                sandbox_vars.insert(name.clone(), "{{sandbox.application_token}}");
            }
        }
        let mut sandbox = Map::block();
        sandbox.insert("sandbox", "emnify");
        sandbox.insert("vars", Node::Map(sandbox_vars));
        let mut environments = Map::block();
        environments.insert_commented(
            "sandbox",
            Node::Map(sandbox),
            vec!["Added by --sandbox emnify: runs against runner's bundled EMnify sandbox.".into()],
        );
        environments.insert_commented(
            "recorded",
            Node::Map(Map::block()),
            vec!["The servers the requests were recorded against (`vars`).".into()],
        );
        root.insert("environments", Node::Map(environments));
        root.insert("default_environment", "sandbox");
    }
    root.insert("steps", Node::Seq(steps));

    let mut header = vec![format!(
        "yaml-language-server: $schema={}",
        collection.schema
    )];
    header.extend(collection.header.iter().cloned());
    super::repeated::mask_report(&mut report, &secrets.by_value);
    Imported {
        yaml: yaml::to_string(&header, &root),
        report,
        files: Vec::new(),
        requests: requests.len(),
    }
}

/// The query of a recorded URL, as a step sends it.
#[derive(Debug, Clone, PartialEq)]
enum Query {
    /// None.
    None,
    /// A plain list of names and values: the step's `query` map (decoded; a repeated name
    /// a list).
    Map(Vec<(String, String)>),
    /// Text kept after the URL's `?`, as recorded: a name has no `=` or holds `{{`, or the
    /// URL does not parse.
    Text(String),
}

/// `url` with its origin replaced by a `{{base_url}}` variable, and its query split off.
fn url_parts(url: &str, origins: &mut IndexMap<String, String>) -> (String, Query) {
    // An origin made from a variable (`https://{{env.HOST}}/`) is written as it is: the
    // parser would read the variable as a host name, and lower its case.
    let templated_origin = url.split_once("://").is_some_and(|(_, rest)| {
        crate::template::holds_braces(rest.split(['/', '?', '#']).next().unwrap_or(rest))
    }) || url.starts_with("{{");
    let parsed = url::Url::parse(url).ok().filter(|_| !templated_origin);
    let Some(parsed) = parsed else {
        return match url.split_once('?') {
            Some((base, query)) => (base.to_owned(), Query::Text(query.to_owned())),
            None => (url.to_owned(), Query::None),
        };
    };
    let origin = parsed.origin().ascii_serialization();
    let rest_start = url
        .find("://")
        .and_then(|scheme_end| {
            url[scheme_end + 3..]
                .find(['/', '?', '#'])
                .map(|i| scheme_end + 3 + i)
        })
        .unwrap_or(url.len());
    let rest = &url[rest_start..];
    let rest = rest.split('#').next().unwrap_or(rest);
    let count = origins.len();
    let variable = origins
        .entry(origin)
        .or_insert_with(|| match count {
            0 => "base_url".to_owned(),
            n => format!("base_url_{}", n + 1),
        })
        .clone();
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let prefix = format!("{{{{{variable}}}}}{path}");
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return (prefix, Query::None);
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // A query the map would send differently stays: a name without `=`, an escape of a
    // byte that is not UTF-8 (`caf%E9`: a map holds text, and would send U+FFFD), or a name
    // that holds `{{` (a `query` map's names are sent as written, the URL is rendered).
    let plain = query.split('&').all(|pair| pair.contains('='))
        && decodes_as_utf8(query)
        && !pairs
            .iter()
            .any(|(name, _)| crate::template::holds_braces(name));
    if plain && !pairs.is_empty() {
        (prefix, Query::Map(pairs))
    } else {
        (prefix, Query::Text(query.to_owned()))
    }
}

/// `text` (a query or a form, percent-encoded) decodes to UTF-8: `%E9` alone, Latin-1's
/// `é`, does not, and would be sent as U+FFFD from a map of text.
pub(super) fn decodes_as_utf8(text: &str) -> bool {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .is_ok()
}

fn step(
    request: &Request,
    secrets: &mut Secrets,
    origins: &mut IndexMap<String, String>,
    report: &mut Report,
) -> yaml::Item {
    let item = request.name.clone();
    let mut out = Map::block();
    if request.method != "GET" {
        out.insert("method", request.method.clone());
    }
    // The URL's user info is sent as Basic auth (below), and never written.
    let user_info = credential::split_user_info(&request.url);
    let sent_url = user_info
        .as_ref()
        .map_or(request.url.as_str(), |info| &info.url);
    let (url, query) = url_parts(sent_url, origins);
    match query {
        Query::None => out.insert("url", url),
        Query::Map(pairs) => {
            out.insert("url", url);
            out.insert("query", fields(pairs, QUERY, secrets, (&item, report)));
        }
        Query::Text(text) => {
            let text = credential::replace_in_query(&text, |name, value| {
                credential::in_url(&secret_variable(name, value, QUERY, secrets), value)
            });
            out.insert("url", format!("{url}?{text}"));
        }
    }

    let mut headers = Map::inline();
    let mut cookies = Map::inline();
    let mut auth = None;
    let mut basic = request.basic.clone();
    if let Some(info) = &user_info {
        let authorization = request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"));
        if basic.is_some() || authorization {
            report.note(
                &item,
                "url",
                "the user name and password in the URL are left out (not written): the \
                 request's own credentials (`--user`, an `Authorization` header) are sent \
                 instead, as curl does",
            );
        } else {
            report.note(
                &item,
                "url",
                "the user name and password in the URL are sent as HTTP Basic auth (`auth: { \
                 basic }`), as curl and browsers send them; the URL is written without them",
            );
            // A user name without a password sends an empty one (curl asks only for `-u`'s).
            basic = Some(Basic {
                user: info.user.clone(),
                password: Some(info.password().to_owned()),
            });
        }
    }
    if let Some(basic) = &basic {
        auth = Some(basic_helper(
            &basic.user,
            basic.password.as_deref(),
            secrets,
        ));
    }
    if let Some(token) = &request.bearer {
        let token = if token.contains("{{") {
            token.clone()
        } else {
            let var = secrets.variable(
                "bearer_token",
                token,
                "the bearer token (its value is not imported)".into(),
            );
            format!("{{{{{var}}}}}")
        };
        let mut helper = Map::inline();
        helper.insert("bearer", token);
        auth = Some(helper);
    }
    let mut dropped: Vec<&str> = Vec::new();
    for (name, value) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if DROPPED_HEADERS.contains(&lower.as_str()) || lower.starts_with(':') {
            dropped.push(name);
            continue;
        }
        // The `User-Agent` runner sends by itself (what `runner run --curl` writes, of this
        // version or another).
        if lower == "user-agent" && value.starts_with("runner/") {
            continue;
        }
        if lower == "content-type" {
            if let Some(implied) = implied_type(&request.body) {
                // Only the body kind's own type goes without saying: parameters
                // (`; charset=UTF-8`) are sent as written, as Postman keeps them.
                if value.trim().eq_ignore_ascii_case(implied) {
                    continue;
                }
                let base = value.split(';').next().unwrap_or("").trim();
                if implied == "multipart/form-data" && base.eq_ignore_ascii_case(implied) {
                    // runner writes its own boundary.
                    continue;
                }
            }
        }
        if headers
            .entries
            .iter()
            .any(|e| e.key.eq_ignore_ascii_case(name))
        {
            report.lossy(
                &item,
                "headers",
                format!(
                    "the header `{name}` is sent twice: runner sends each header once, the first \
                     is kept"
                ),
            );
            continue;
        }
        let value = if lower == "authorization" && !value.contains("{{") {
            let (scheme, credential) = value.split_once(' ').unwrap_or(("", value.as_str()));
            if let Some((user, password)) = basic_credentials(value).filter(|_| auth.is_none()) {
                auth = Some(basic_helper(&user, Some(&password), secrets));
                continue;
            }
            if scheme.eq_ignore_ascii_case("bearer") && auth.is_none() && !credential.is_empty() {
                let var = secrets.variable(
                    "bearer_token",
                    credential.trim(),
                    "the bearer token of the `Authorization` header (its value is not imported)"
                        .into(),
                );
                let mut helper = Map::inline();
                helper.insert("bearer", format!("{{{{{var}}}}}"));
                auth = Some(helper);
                continue;
            }
            let var = secrets.variable(
                "authorization",
                value,
                "the `Authorization` header (its value is not imported)".into(),
            );
            format!("{{{{{var}}}}}")
        } else if lower == "cookie" {
            for (cookie, value) in parse_cookie_header(value) {
                push_cookie(&mut cookies, (cookie, value), (&item, report), secrets);
            }
            continue;
        } else if is_credential_name(name) && !value.contains("{{") && !value.is_empty() {
            let var = secrets.variable(
                &lower.replace('-', "_"),
                value,
                format!("the `{name}` header (its value is not imported)"),
            );
            format!("{{{{{var}}}}}")
        } else {
            value.clone()
        };
        headers.insert(name.clone(), value);
    }
    if !dropped.is_empty() {
        report.note(
            &item,
            "headers",
            format!(
                "{} left out: runner sets {} by itself",
                dropped
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if dropped.len() == 1 { "it" } else { "them" }
            ),
        );
    }
    if !headers.is_empty() {
        out.insert("headers", Node::Map(headers));
    }
    if let Some(helper) = auth {
        out.insert("auth", Node::Map(helper));
    }
    for (name, value) in &request.cookies {
        push_cookie(&mut cookies, (name, value), (&item, report), secrets);
    }
    if !cookies.is_empty() {
        out.insert("cookies", Node::Map(cookies));
    }
    match &request.body {
        Body::None => {}
        Body::Json(value) => out.insert("json", from_json(&lift_json(value, None, secrets))),
        Body::Form(pairs) => out.insert(
            "form",
            fields(pairs.clone(), BODY, secrets, (&item, report)),
        ),
        Body::Multipart(parts) => {
            out.insert("multipart", multipart(parts, &item, report, secrets));
        }
        Body::Text(text) => out.insert("body", text_body(text, &item, report, secrets)),
        Body::File(path) => out.insert("body_file", path.clone()),
    }
    if let Some(timeout) = &request.timeout {
        out.insert("timeout", timeout.clone());
    }
    if let Some(follow) = request.follow_redirects {
        out.insert("follow_redirects", follow);
    }
    if let Some(max) = request.max_redirects {
        out.insert("max_redirects", Node::Scalar(Value::from(max)));
    }

    let mut step = Map::block();
    step.insert("name", request.name.clone());
    step.insert("request", Node::Map(out));
    if let Some(status) = request.status {
        let mut expect = Map::block();
        expect.insert("status", Node::Scalar(Value::from(status)));
        step.insert("expect", Node::Map(expect));
    }
    if !request.captures.is_empty() {
        let mut capture = Map::block();
        for c in &request.captures {
            if c.secret {
                let mut spec = Map::inline();
                spec.insert("jsonpath", c.jsonpath.clone());
                spec.insert("secret", true);
                capture.insert(c.name.clone(), Node::Map(spec));
            } else {
                capture.insert(c.name.clone(), c.jsonpath.clone());
            }
        }
        step.insert("capture", Node::Map(capture));
    }
    yaml::Item {
        value: Node::Map(step),
        comments: request.comments.clone(),
    }
}

/// A multipart body's parts. `multipart:` holds one part per name: a name sent again (curl's
/// `-F a=1 -F a=2`, a HAR's repeated param) keeps its first part, the others reported.
/// The parts, each text part named like a credential lifted ([`lift_field`]).
fn multipart(parts: &[Part], item: &str, report: &mut Report, secrets: &mut Secrets) -> Node {
    let mut multipart = Map::block();
    for part in parts {
        if !super::params::sent_as_written(&part.name, "multipart field", (item, "body"), report) {
            continue;
        }
        if multipart.entries.iter().any(|entry| entry.key == part.name) {
            report.lossy(
                item,
                "body",
                format!(
                    "the multipart field `{}` repeats: runner sends each name once, the first \
                     is kept",
                    part.name
                ),
            );
            continue;
        }
        let plain = part.file.is_none() && part.content_type.is_none() && part.filename.is_none();
        // A part not named like a credential may carry one (a JSON part).
        let value = part.value.as_deref().map(|value| {
            let lifted = lift_field(&part.name, value, BODY, secrets);
            if lifted == value {
                text_body(value, item, report, secrets)
            } else {
                lifted
            }
        });
        match (value, plain) {
            (Some(value), true) => multipart.insert(part.name.clone(), value),
            (value, _) => {
                let mut spec = Map::inline();
                if let Some(value) = value {
                    spec.insert("value", value);
                }
                if let Some(file) = &part.file {
                    spec.insert("file", file.clone());
                }
                if let Some(content_type) = &part.content_type {
                    spec.insert("content_type", content_type.clone());
                }
                if let Some(filename) = &part.filename {
                    spec.insert("filename", filename.clone());
                }
                multipart.insert(part.name.clone(), Node::Map(spec));
            }
        }
    }
    Node::Map(multipart)
}

fn push_cookie(
    map: &mut Map,
    (name, value): (&str, &str),
    (item, report): (&str, &mut Report),
    secrets: &mut Secrets,
) {
    if map.entries.iter().any(|e| e.key == name) {
        return;
    }
    if !super::params::sent_as_written(name, "cookie", (item, "cookies"), report) {
        return;
    }
    let value = if value.contains("{{") {
        value.to_owned()
    } else {
        let var = secrets.variable(
            &format!("cookie_{name}"),
            value,
            format!("the cookie `{name}` (its value is not imported)"),
        );
        format!("{{{{{var}}}}}")
    };
    map.insert(name.to_owned(), value);
}

/// Where a credential was found, for its input's description: a request body...
const BODY: &str = "a request body";
/// ...or a URL's query.
const QUERY: &str = "a URL's query";

/// Query parameters or form fields found in `place` as a `query` or `form` map: a repeated
/// name a list of its values (see `params`), credentials lifted ([`lift_field`]).
fn fields(
    pairs: Vec<(String, String)>,
    place: &str,
    secrets: &mut Secrets,
    report: (&str, &mut Report),
) -> Node {
    let (item, report) = report;
    let mut map = Map::inline();
    for (key, values) in super::params::grouped(pairs) {
        let values = values
            .iter()
            .map(|value| {
                let lifted = lift_field(&key, value, place, secrets);
                // A body's field not named like a credential may carry one in its text.
                Node::from(if place == BODY && lifted == *value {
                    text_body(value, item, report, secrets)
                } else {
                    lifted
                })
            })
            .collect();
        map.insert(key, super::params::one_or_list(values));
    }
    Node::Map(map)
}

/// A body field or query parameter named like a credential (`password`, `application_token`,
/// `api_key`) holding a literal: a variable read from a secret input.
fn lift_field(key: &str, value: &str, place: &str, secrets: &mut Secrets) -> String {
    if !is_credential_name(key) || value.is_empty() || value.contains("{{") {
        return value.to_owned();
    }
    format!("{{{{{}}}}}", secret_variable(key, value, place, secrets))
}

/// The variable holding the credential `value` of the field `key` found in `place`.
fn secret_variable(key: &str, value: &str, place: &str, secrets: &mut Secrets) -> String {
    secrets.variable(
        key,
        value,
        format!("`{key}` of {place} (its value is not imported)"),
    )
}

/// A text body (whatever its `Content-Type`) with each literal credential in it
/// ([`credential::in_body_text`]: JSON, a form, or a field of other text named like a
/// credential) replaced by a variable read from a secret input, each reported.
fn text_body(text: &str, item: &str, report: &mut Report, secrets: &mut Secrets) -> String {
    let (shape, found) = credential::in_body_text(text);
    credential::splice(text, &found, |found| {
        let var = secret_variable(&found.key, &found.value, BODY, secrets);
        let template = found.template(&var);
        let input = &secrets.vars[&var].0;
        report.note(
            item,
            "body",
            format!(
                "the credential of `{}` in the body ({}) is now `{template}`, the variable \
                 `{var}` read from the secret input `{input}`; its value is not written: set the \
                 environment variable {input} to run{}",
                found.key,
                shape.describe(),
                if found.syntax == credential::Syntax::Text {
                    " (to the text as the body wrote it)"
                } else {
                    ""
                }
            ),
        );
        Some(template)
    })
}

/// `value` with every string field named like a credential lifted ([`lift_field`]).
fn lift_json(value: &Value, key: Option<&str>, secrets: &mut Secrets) -> Value {
    match value {
        Value::String(text) => match key {
            Some(key) => Value::String(lift_field(key, text, BODY, secrets)),
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| lift_json(item, key, secrets))
                .collect(),
        ),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| (k.clone(), lift_json(v, Some(k), secrets)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `a=1; b=2` as pairs.
pub fn parse_cookie_header(text: &str) -> Vec<(&str, &str)> {
    text.split(';')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let name = name.trim();
            (!name.is_empty()).then_some((name, value.trim()))
        })
        .collect()
}

/// The path of a URL (for step names): `/api/v1/endpoint`; a URL that does not parse is
/// named without its user info and its query, which may hold credentials.
pub fn path_of(url: &str) -> String {
    // A path made from variables is named as written, not percent-encoded.
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|_| !crate::template::holds_braces(url));
    match parsed {
        Some(parsed) => parsed.path().to_owned(),
        None if url.contains("://") => {
            let rest = &url[url.find("://").map_or(0, |at| at + 3)..];
            let path = rest.find('/').map_or("/", |at| &rest[at..]);
            path.split(['?', '#']).next().unwrap_or(path).to_owned()
        }
        None => {
            let url = credential::split_user_info(url).map_or_else(|| url.to_owned(), |i| i.url);
            url.split(['?', '#']).next().unwrap_or(&url).to_owned()
        }
    }
}

/// `auth: { basic: … }` for these credentials, the credential in them a secret input: the
/// password, or, when the password is empty, the user name — an API key given as the user
/// name with an empty password (`curl -u sk_test_…:`, as Stripe, Twilio and Mailgun document
/// it; a token as a URL's user name). A password left to be asked for (`None`) is an input.
fn basic_helper(user: &str, password: Option<&str>, secrets: &mut Secrets) -> Map {
    let mut basic = Map::inline();
    match password {
        Some("") if !user.is_empty() && !user.contains("{{") => {
            let var = secrets.variable(
                "basic_username",
                user,
                "the user name of the HTTP Basic credentials, sent with an empty password: an API key or a token (its value is not imported)".into(),
            );
            basic.insert("username", format!("{{{{{var}}}}}"));
            basic.insert("password", String::new());
        }
        Some(password) if password.is_empty() || password.contains("{{") => {
            basic.insert("username", user.to_owned());
            basic.insert("password", password.to_owned());
        }
        password => {
            let var = secrets.variable(
                "basic_password",
                password.unwrap_or_default(),
                "the password of the HTTP Basic credentials (its value is not imported)".into(),
            );
            basic.insert("username", user.to_owned());
            basic.insert("password", format!("{{{{{var}}}}}"));
        }
    }
    let mut helper = Map::inline();
    helper.insert("basic", Node::Map(basic));
    helper
}

/// `Authorization: Basic ...` as user and password, when it decodes.
pub fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection() -> Collection {
        Collection {
            name: "t".into(),
            header: vec![],
            schema: "s.json".into(),
            sandbox: None,
            inputs: Vec::new(),
        }
    }

    #[test]
    fn credentials_become_inputs_and_are_never_written() {
        let request = Request {
            name: "GET /x".into(),
            method: "GET".into(),
            url: "https://api.example.com/x?a=1&b=two".into(),
            headers: vec![
                ("Authorization".into(), "Bearer s3cr3t-token".into()),
                ("X-Api-Key".into(), "k3y-value".into()),
                ("Cookie".into(), "session=abc123; theme=dark".into()),
                ("Accept".into(), "application/json".into()),
            ],
            basic: None,
            ..Request::default()
        };
        let imported = write(&[request], &collection(), Report::default());
        for secret in ["s3cr3t-token", "k3y-value", "abc123", "dark"] {
            assert!(!imported.yaml.contains(secret), "{}", imported.yaml);
        }
        assert!(imported
            .yaml
            .contains("  BEARER_TOKEN:\n    secret: true\n"));
        assert!(imported
            .yaml
            .contains("auth: { bearer: \"{{bearer_token}}\" }"));
        assert!(imported.yaml.contains("url: \"{{base_url}}/x\""));
        assert!(imported.yaml.contains("query: { a: \"1\", b: two }"));
        assert!(imported
            .yaml
            .contains("cookies: { session: \"{{cookie_session}}\", theme: \"{{cookie_theme}}\" }"));
    }

    #[test]
    fn repeated_query_names_and_form_fields_become_lists() {
        let request = Request {
            name: "POST /p".into(),
            method: "POST".into(),
            url: "http://h:8/p?a=1&b=2&a=3&token=t0k-1&token=t0k-2".into(),
            body: Body::Form(vec![
                ("pick".into(), "red".into()),
                ("n".into(), "1".into()),
                ("pick".into(), "blue".into()),
            ]),
            ..Request::default()
        };
        let imported = write(&[request], &collection(), Report::default());
        assert!(
            imported.yaml.contains(
                r#"query: { a: ["1", "3"], b: "2", token: ["{{token}}", "{{token_2}}"] }"#
            ),
            "{}",
            imported.yaml
        );
        assert!(
            imported
                .yaml
                .contains(r#"form: { pick: [red, blue], "n": "1" }"#),
            "{}",
            imported.yaml
        );
        assert!(!imported.yaml.contains("t0k-"), "{}", imported.yaml);
    }

    #[test]
    fn a_query_name_without_a_value_stays_in_the_url() {
        let mut origins = IndexMap::new();
        let (url, query) = url_parts("http://h:8/p?a=1&flag", &mut origins);
        assert_eq!(url, "{{base_url}}/p");
        assert_eq!(query, Query::Text("a=1&flag".into()));
        let (url, query) = url_parts("http://h:8/p?a=1&a=2", &mut origins);
        assert_eq!(url, "{{base_url}}/p");
        assert_eq!(
            query,
            Query::Map(vec![("a".into(), "1".into()), ("a".into(), "2".into())])
        );
        // A name made from a variable stays in the URL, which is rendered.
        let (_, query) = url_parts("http://h:8/p?{{field}}=1&b=2", &mut origins);
        assert_eq!(query, Query::Text("{{field}}=1&b=2".into()));
        let (url, _) = url_parts("http://other/", &mut origins);
        assert_eq!(url, "{{base_url_2}}/");
    }
}
