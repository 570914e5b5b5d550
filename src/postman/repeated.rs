//! Credentials written again: a credential an importer or an exporter lifts into a variable
//! (it never writes the value) may be written elsewhere in what it translates too — a URL's
//! path, another header, a body, a name, a script. [`replaced`] finds each such place in a
//! text, outside the `{{…}}` already written, and gives it the variable, or `***` in text for
//! people.

/// Values shorter than this are left where they are: a 3-letter password would be found
/// inside ordinary words.
const SHORTEST: usize = 4;

/// A lifted credential: its value, the variable that holds it, and its percent-encoded form
/// when that differs.
pub struct Lifted<'a> {
    value: &'a str,
    /// The variable that holds it.
    pub variable: &'a str,
    encoded: Option<String>,
}

/// How a place of a lifted value is written: `Some(write)` a template for the variable
/// (`write(variable, encoded)`: `encoded` where the text held it percent-encoded), `None`
/// `***` (a comment, a name, a note), only where no letter, digit or `_` touches it.
pub type Writer<'w> = Option<&'w dyn Fn(&str, bool) -> String>;

/// The credentials long enough to look for, the longest first (a value inside another is
/// the other's), each with its percent-encoded form.
pub fn lifted(credentials: &[(String, String)]) -> Vec<Lifted<'_>> {
    let mut lifted: Vec<Lifted<'_>> = credentials
        .iter()
        .filter(|(value, _)| value.chars().count() >= SHORTEST && !value.contains("{{"))
        .map(|(value, variable)| {
            let encoded = percent_encoding::utf8_percent_encode(value, COMPONENT).to_string();
            Lifted {
                value,
                variable,
                encoded: (encoded != *value).then_some(encoded),
            }
        })
        .collect();
    lifted.sort_by_key(|l| std::cmp::Reverse(l.value.len()));
    lifted
}

/// `text` (a collection's name, which is not a template) with every lifted value `***`.
pub fn masked(text: &str, credentials: &[(String, String)]) -> String {
    let lifted = lifted(credentials);
    replaced(text, &lifted, &mut Vec::new(), None).unwrap_or_else(|| text.to_owned())
}

/// `report` with every lifted value `***` in its entries (an item named after a request
/// whose name holds one, a note quoting code).
pub fn mask_report(report: &mut super::Report, credentials: &[(String, String)]) {
    for entry in &mut report.entries {
        for text in [&mut entry.item, &mut entry.place, &mut entry.reason]
            .into_iter()
            .chain(entry.code.as_mut())
        {
            *text = masked(text, credentials);
        }
    }
}

/// What `percent_encoding` leaves alone: RFC 3986's unreserved characters.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` with each lifted value outside `{{…}}` written as `write` says; the variables
/// written are added to `written`. `None` when it holds none.
pub fn replaced(
    text: &str,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
    write: Writer<'_>,
) -> Option<String> {
    let templates = write.is_some();
    if !lifted
        .iter()
        .any(|l| text.contains(l.value) || l.encoded.as_deref().is_some_and(|e| text.contains(e)))
    {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(inside) = rest.strip_prefix("{{") {
            // A template already written: copied whole.
            let end = inside.find("}}").map_or(inside.len(), |end| end + 2);
            out.push_str("{{");
            out.push_str(&inside[..end]);
            rest = &inside[end..];
            continue;
        }
        let at = text.len() - rest.len();
        // A value that is a word (letters alone) inside a longer word is left, as a regex's
        // `\b` would: the password `admin` in `sysadmin` or `admins` is another word (giving
        // it the variable would send another request once the input holds the real
        // password). Any other value — a token, `123456:AAH…` in `bot123456:AAH…` — is the
        // credential wherever it stands, and is replaced there. In text for people (a
        // comment, a note), every value is looked for as a word: the password `password` of
        // the variable `basic_password`.
        let alone = |value: &str, length: usize| {
            if templates && !value.chars().all(char::is_alphabetic) {
                return true;
            }
            let word = |c: char| c.is_alphanumeric() || c == '_';
            let found = &text[at..at + length];
            let joins_before = found.chars().next().is_some_and(word)
                && text[..at].chars().next_back().is_some_and(word);
            let joins_after = found.chars().next_back().is_some_and(word)
                && text[at + length..].chars().next().is_some_and(word);
            !joins_before && !joins_after
        };
        let found = lifted.iter().find_map(|l| {
            if rest.starts_with(l.value) && alone(l.value, l.value.len()) {
                Some((l, l.value.len(), false))
            } else {
                let encoded = l.encoded.as_deref()?;
                (rest.starts_with(encoded) && alone(l.value, encoded.len())).then_some((
                    l,
                    encoded.len(),
                    true,
                ))
            }
        });
        match found {
            Some((l, length, encoded)) => {
                match write {
                    Some(write) => out.push_str(&write(l.variable, encoded)),
                    None => out.push_str(crate::spec::text::MASK),
                }
                if !written.iter().any(|w| w == l.variable) {
                    written.push(l.variable.to_owned());
                }
                rest = &rest[length..];
            }
            None => {
                let next = rest.chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
    }
    Some(out)
}

/// What a text in a collection is, for the places of a lifted credential: only values are
/// given the variable, never a name (an API key's header, a Postman list entry's `key`), nor
/// where a capture reads from, so that a credential that equals a name (`X-Api-Key:
/// X-Api-Key`) leaves the name as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A value: every place is replaced.
    Value,
    /// A URL: its path and its query's values, not the query's names.
    Url,
    /// A name, or what a capture reads: left as written.
    Name,
}

/// The role of the field `key` of a map that is the field `parent` of its own map, in a
/// runner collection (as YAML or JSON) or a Postman collection's JSON (whose lists of
/// `{ "key", "value" }` entries [`walk`] reads apart).
pub fn role(parent: Option<&str>, key: &str) -> Role {
    match (parent, key) {
        // `auth: { api_key: { header: X-Api-Key, value: ... } }`; what a capture reads.
        (Some("api_key"), "header" | "query") | (_, "capture") => Role::Name,
        // runner's `url`, Postman's `url.raw`.
        (_, "url") | (Some("url"), "raw") => Role::Url,
        _ => Role::Value,
    }
}

/// Postman's lists whose entries are `{ "key": name, "value": ... }`.
const POSTMAN_LISTS: &[&str] = &["header", "query", "urlencoded", "formdata", "variable"];

/// `text` of the role `role` with each lifted value outside `{{…}}` written as `write` says
/// (as [`replaced`]), where the role allows. `None` when nothing changed.
pub fn replaced_as(
    role: Role,
    text: &str,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
    write: Writer<'_>,
) -> Option<String> {
    match role {
        Role::Value => replaced(text, lifted, written, write),
        Role::Name => None,
        Role::Url => {
            let Some(start) = query_start(text) else {
                return replaced(text, lifted, written, write);
            };
            let (base, query) = text.split_at(start + 1);
            let mut out = replaced(base, lifted, written, write).unwrap_or_else(|| base.to_owned());
            for (index, pair) in query.split('&').enumerate() {
                if index > 0 {
                    out.push('&');
                }
                match pair.split_once('=') {
                    Some((name, value)) => {
                        out.push_str(name);
                        out.push('=');
                        out.push_str(
                            &replaced(value, lifted, written, write)
                                .unwrap_or_else(|| value.to_owned()),
                        );
                    }
                    None => out.push_str(pair),
                }
            }
            (out != text).then_some(out)
        }
    }
}

/// Where the query of a URL starts: its first `?` outside `{{…}}`.
fn query_start(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let at = text.len() - rest.len();
        if rest.starts_with("{{") {
            depth += 1;
            rest = &rest[2..];
        } else if rest.starts_with("}}") && depth > 0 {
            depth -= 1;
            rest = &rest[2..];
        } else if c == '?' && depth == 0 {
            return Some(at);
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    None
}

/// Every other place in `value` (an exported file's JSON) of a credential the export lifted:
/// in a `name` or an `event` (a script) `***`, elsewhere `write(variable, encoded)`.
/// Returns the variables written somewhere.
pub fn hide_in_json(
    value: &mut serde_json::Value,
    credentials: &[(String, String)],
    write: &dyn Fn(&str, bool) -> String,
) -> Vec<String> {
    let lifted = lifted(credentials);
    let mut written = Vec::new();
    if !lifted.is_empty() {
        walk(value, None, Role::Value, &lifted, &mut written, Some(write));
    }
    written
}

/// `value` with every lifted value `***` in its strings (text for people: descriptions).
pub fn masked_json(value: &mut serde_json::Value, credentials: &[(String, String)]) {
    let lifted = lifted(credentials);
    if !lifted.is_empty() {
        walk(value, None, Role::Value, &lifted, &mut Vec::new(), None);
    }
}

/// `value`, the field `parent` of its map, of the role `role`.
fn walk(
    value: &mut serde_json::Value,
    parent: Option<&str>,
    role: Role,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
    write: Writer<'_>,
) {
    use serde_json::Value;
    match value {
        _ if role == Role::Name => {}
        Value::String(text) => {
            // In text for people (`write` is `None`) a URL is text like any other.
            let role = if write.is_none() { Role::Value } else { role };
            if let Some(replaced) = replaced_as(role, text, lifted, written, write) {
                *text = replaced;
            }
        }
        Value::Array(items) => {
            let list = parent.filter(|p| POSTMAN_LISTS.contains(p) || *p == "apikey");
            for item in items {
                match (list, &mut *item) {
                    (Some(list), Value::Object(entry)) => {
                        // A Postman list entry: its `key` is a name; in the API key auth's
                        // list, the value of `key` (the header's or parameter's name) and of
                        // `in` are too.
                        let names_value = list == "apikey"
                            && matches!(
                                entry.get("key").and_then(Value::as_str),
                                Some("key" | "in")
                            );
                        for (key, field) in entry.iter_mut() {
                            let role = match key.as_str() {
                                "key" => Role::Name,
                                "value" if names_value => Role::Name,
                                _ => self::role(Some(list), key),
                            };
                            walk(field, Some(key), role, lifted, written, write);
                        }
                    }
                    _ => walk(item, parent, Role::Value, lifted, written, write),
                }
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let people = matches!(key.as_str(), "name" | "event");
                walk(
                    item,
                    Some(key),
                    self::role(parent, key),
                    lifted,
                    written,
                    if people { None } else { write },
                );
            }
        }
        _ => {}
    }
}
