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
        // In text for people (a comment, a note), a value inside a longer word is left: the
        // password `password` of the variable `basic_password`.
        let alone = |length: usize| {
            let word = |c: char| c.is_alphanumeric() || c == '_';
            templates
                || (!text[..at].chars().next_back().is_some_and(word)
                    && !text[at + length..].chars().next().is_some_and(word))
        };
        let found = lifted.iter().find_map(|l| {
            if rest.starts_with(l.value) && alone(l.value.len()) {
                Some((l, l.value.len(), false))
            } else {
                let encoded = l.encoded.as_deref()?;
                (rest.starts_with(encoded) && alone(encoded.len())).then_some((
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
        walk(value, &lifted, &mut written, Some(write));
    }
    written
}

/// `value` with every lifted value `***` in its strings (text for people: descriptions).
pub fn masked_json(value: &mut serde_json::Value, credentials: &[(String, String)]) {
    let lifted = lifted(credentials);
    if !lifted.is_empty() {
        walk(value, &lifted, &mut Vec::new(), None);
    }
}

fn walk(
    value: &mut serde_json::Value,
    lifted: &[Lifted<'_>],
    written: &mut Vec<String>,
    write: Writer<'_>,
) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            if let Some(replaced) = replaced(text, lifted, written, write) {
                *text = replaced;
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, lifted, written, write);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let people = matches!(key.as_str(), "name" | "event");
                walk(item, lifted, written, if people { None } else { write });
            }
        }
        _ => {}
    }
}
