//! A Postman URL (text or parts, with `:path` variables and a query list) as a runner `url`
//! and `query`.

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::context::{leading_variable, names_scheme, Context, Scheme};
use super::credential::{split_user_info, UserInfo};
use super::postman::{KeyValue, Url, UrlObject};

/// A converted URL: the URL without its query, and the query parameters in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The URL (a runner template).
    pub url: String,
    /// Query parameters, each name's values in order; values are text or integers.
    pub query: Vec<(String, Vec<Value>)>,
    /// The user name and password written in the URL (left out of `url`): Postman sends
    /// them as HTTP Basic credentials. Never written as they are.
    pub user_info: Option<UserInfo>,
}

/// Converts a request's URL; the query parameters named `replaced` are left out (an API key
/// auth sets that parameter, after taking the URL's out, as Postman does).
pub fn convert(url: &Url, replaced: Option<&str>, cx: &mut Context) -> Converted {
    let (base, mut query, variables) = match url {
        Url::Text(text) => {
            let (base, query) = split_query(text);
            (base.to_owned(), parse_query(query), Vec::new())
        }
        Url::Object(object) => {
            let (base, raw_query) = match &object.raw {
                Some(raw) if !raw.trim().is_empty() => {
                    let (base, query) = split_query(raw);
                    (base.to_owned(), query)
                }
                _ => (from_parts(object), None),
            };
            // The list is what the app shows and sends; the raw text is the fallback.
            let query = if object.query.is_empty() {
                parse_query(raw_query)
            } else {
                enabled(&object.query)
            };
            (base, query, object.variable.clone())
        }
    };
    let mut user_info = None;
    let base = match split_user_info(&base) {
        Some(info) => {
            let url = info.url.clone();
            user_info = Some(info);
            url
        }
        None => base,
    };
    if let (None, Url::Object(object)) = (&user_info, url) {
        user_info = object.auth.as_ref().and_then(|auth| {
            let user = super::postman::value_text(auth.user.as_ref());
            let password = auth
                .password
                .as_ref()
                .map(|p| super::postman::value_text(Some(p)));
            (!user.is_empty() || password.as_deref().is_some_and(|p| !p.is_empty())).then(|| {
                UserInfo {
                    url: base.clone(),
                    user,
                    password,
                }
            })
        });
    }
    if let Some(name) = replaced {
        let before = query.len();
        query.retain(|(key, _)| key != name);
        if query.len() < before {
            let item = cx.item.clone();
            cx.report.note(
                &item,
                "url",
                format!(
                    "the query parameter `{name}` is replaced by the API key auth's, as Postman \
                     replaces it: the URL's is left out"
                ),
            );
        }
    }
    let base = with_scheme(path_variables(&base, &variables, cx), cx);
    let url = cx.text(&base, "url");
    let mut converted = Converted {
        url,
        query: Vec::new(),
        user_info,
    };
    let repeats = query
        .iter()
        .enumerate()
        .any(|(i, (key, _))| query[..i].iter().any(|(other, _)| other == key));
    let templated_name = query
        .iter()
        .any(|(key, _)| crate::template::holds_braces(key));
    if templated_name || (repeats && query.iter().any(|(_, value)| value.is_none())) {
        // A name repeats and one has no `=` (`?get&=bar&=`): written as Postman has it, the
        // query stays in the URL (a map would send `get=`). A name that repeats with values
        // is a list of them (see `params`). So does a query with a name made from a variable
        // (`?{{field}}=1`): the URL is rendered, a `query` map's names are not.
        let text: Vec<String> = query
            .iter()
            .map(|(key, value)| match value {
                Some(value) => format!("{}={}", cx.text(key, "url"), in_url(key, value, cx)),
                None => cx.text(key, "url"),
            })
            .collect();
        converted.url = format!("{}?{}", converted.url, text.join("&"));
        return converted;
    }
    let pairs = query.into_iter().map(|(key, value)| {
        let postman_key = decode_query(&key);
        let key = cx.text(&postman_key, "query");
        let value = cx.field_value(
            &postman_key,
            &decode_query(value.as_deref().unwrap_or("")),
            "query",
        );
        (key, query_value(value))
    });
    // A repeated parameter is a list of its values (see `params`).
    converted.query = super::params::grouped(pairs.collect::<Vec<_>>());
    converted
}

/// A query value kept in the URL's text: a literal credential is its secret input's
/// variable (encoded by the template when it must be), anything else a template.
fn in_url(key: &str, value: &str, cx: &mut Context) -> String {
    let decoded = decode(value);
    match cx.credential_variable(&decode(key), &decoded, "url") {
        Some(name) => super::credential::in_url(&name, &decoded),
        None => cx.text(value, "url"),
    }
}

/// An integer written canonically becomes a number (it is sent the same); the rest is text.
fn query_value(text: String) -> Value {
    match text.parse::<i64>() {
        Ok(number) if number.to_string() == text => Value::from(number),
        _ => Value::String(text),
    }
}

/// The URL before its query, and the query; a fragment is dropped (it is never sent). A `#` or
/// `?` inside a `{{variable}}` is part of its name.
fn split_query(text: &str) -> (&str, Option<&str>) {
    use crate::postman::placeholders::find_outside;
    let text = find_outside(text, &['#']).map_or(text, |at| &text[..at]);
    match find_outside(text, &['?']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    }
}

/// `a=1&b` as pairs; a `&` or `=` inside a `{{variable}}` is part of its name.
fn parse_query(query: Option<&str>) -> Vec<(String, Option<String>)> {
    use crate::postman::placeholders::find_outside;
    let mut pairs = Vec::new();
    let mut rest = query.unwrap_or("");
    while !rest.is_empty() {
        let (pair, next) = match find_outside(rest, &['&']) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, ""),
        };
        rest = next;
        if pair.is_empty() {
            continue;
        }
        pairs.push(match find_outside(pair, &['=']) {
            Some(at) => (pair[..at].to_owned(), Some(pair[at + 1..].to_owned())),
            None => (pair.to_owned(), None),
        });
    }
    pairs
}

fn enabled(list: &[KeyValue]) -> Vec<(String, Option<String>)> {
    list.iter()
        .filter(|param| !param.disabled)
        .filter_map(|param| {
            let key = param.key.clone()?;
            let value = param.value.as_ref().map(|_| param.value_text());
            // An empty pair (`a=1&`) is nothing, as in the text of a URL.
            (!key.is_empty() || value.is_some()).then_some((key, value))
        })
        .collect()
}

/// A URL written without a scheme (`localhost:3000/items`, `127.0.0.1:3000`) as Newman sends
/// it, over `http://`; so is one that starts with a variable whose values name no scheme
/// (`{{host}}/items` with `host = 127.0.0.1:8765`, `{{machine}}.{{domain}}`), which Newman
/// sends over `http://` once it is filled in (reported). One whose values name a scheme
/// (`{{base_url}}/items`) is left to it, and so is one whose value is unknown (reported) and one
/// the URL parser reads as http or https (`https:\\host/path`, as browsers do).
fn with_scheme(base: String, cx: &mut Context) -> String {
    if base.is_empty() || names_scheme(&base) {
        return base;
    }
    let Some(name) = leading_variable(&base) else {
        return format!("http://{base}");
    };
    let item = cx.item.clone();
    match cx.scheme_of(name) {
        Scheme::Named => base,
        Scheme::Missing => {
            cx.report.note(
                &item,
                "url",
                format!(
                    "the URL starts with `{{{{{name}}}}}`, whose values name no scheme: it is \
                     written over `http://`, as Newman sends it once the variable is filled in"
                ),
            );
            format!("http://{base}")
        }
        Scheme::Mixed => {
            cx.report.lossy(
                &item,
                "url",
                format!(
                    "the URL starts with `{{{{{name}}}}}`, whose values name a scheme in some \
                     places (the collection, a folder, an environment file) and none in others, \
                     where Newman sends it over `http://`: runner sends only a URL with a \
                     scheme, so written as it is, it fails with the values without one: give \
                     each value its scheme (`http://...`)"
                ),
            );
            base
        }
        Scheme::Unknown => {
            cx.report.note(
                &item,
                "url",
                format!(
                    "the URL starts with `{{{{{name}}}}}`, whose value the collection does not \
                     give: its value must name the scheme (`http://host`), since runner sends \
                     only a URL with one (Newman adds `http://` to a value without)"
                ),
            );
            base
        }
    }
}

/// A query's name or value as the server reads it: a `+` is a space (runner's `query` sends
/// a space as `+`, so the same bytes go out as Postman sends; `%2B` stays a `+`).
fn decode_query(text: &str) -> String {
    decode(&text.replace('+', " "))
}

fn decode(text: &str) -> String {
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => text.to_owned(),
    }
}

fn from_parts(object: &UrlObject) -> String {
    let mut url = String::new();
    if let Some(protocol) = &object.protocol {
        url.push_str(protocol);
        url.push_str("://");
    }
    if let Some(host) = &object.host {
        url.push_str(&host.parts().join("."));
    }
    if let Some(port) = &object.port {
        url.push(':');
        url.push_str(port);
    }
    if let Some(path) = &object.path {
        for segment in path.parts() {
            url.push('/');
            url.push_str(&segment);
        }
    }
    url
}

/// `/:id` segments replaced by the variable's value, or by `{{id}}` when it has none.
fn path_variables(base: &str, variables: &[super::postman::Variable], cx: &mut Context) -> String {
    let (scheme, rest) = match base.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), base),
    };
    let segments: Vec<String> = rest
        .split('/')
        .enumerate()
        .map(|(index, segment)| {
            let name = match segment.strip_prefix(':') {
                Some(name) if index > 0 && !name.is_empty() => name,
                _ => return segment.to_owned(),
            };
            let value = variables
                .iter()
                .find(|variable| variable.name() == Some(name) && !variable.disabled)
                .map(|variable| super::postman::value_text(variable.value.as_ref()))
                .filter(|value| !value.is_empty());
            match value {
                Some(value) => value,
                None => {
                    let item = cx.item.clone();
                    cx.report.note(
                        &item,
                        "url",
                        format!(
                            "the path variable `:{name}` has no value: written as `{{{{{name}}}}}`, \
                             define `{name}` in vars or pass --var {name}=..."
                        ),
                    );
                    format!("{{{{{name}}}}}")
                }
            }
        })
        .collect();
    format!("{scheme}{}", segments.join("/"))
}
