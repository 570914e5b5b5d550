//! The Postman Collection format (v2.0 and v2.1) and environment files, as serde types.
//!
//! Lenient where the two versions differ (auth parameters as a list or a map, headers as a
//! list or text, a URL as text or an object); everything the importer does not read is
//! ignored rather than refused, since Postman exports carry many fields of the app's own.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A Postman collection.
#[derive(Debug, Clone, Deserialize)]
pub struct Collection {
    /// Name, schema and description.
    #[serde(default)]
    pub info: Info,
    /// The name, where a hand-written collection without `info` gives it.
    #[serde(default)]
    pub name: Option<String>,
    /// Requests and folders, in order.
    #[serde(default)]
    pub item: Vec<Item>,
    /// Auth inherited by every request that sets none.
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Scripts run around every request.
    #[serde(default, deserialize_with = "one_or_many")]
    pub event: Vec<Event>,
    /// Collection variables: the enabled ones, each name once (the last, as Postman keeps it).
    #[serde(default)]
    pub variable: Defined<Variable>,
    /// Request settings (`followRedirects`, ...) for every request that does not set them.
    #[serde(default, rename = "protocolProfileBehavior")]
    pub protocol_profile_behavior: Option<IndexMap<String, Value>>,
}

/// The collection's `info`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Info {
    /// The collection's name.
    #[serde(default)]
    pub name: String,
    /// The schema URL, which names the format version.
    #[serde(default)]
    pub schema: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: Option<Description>,
}

/// A description: text, or `{ content, type }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Description {
    /// Plain text.
    Text(String),
    /// `{ content }`.
    Object {
        /// The text.
        #[serde(default)]
        content: String,
    },
    /// Anything else (ignored).
    Other(Value),
}

impl Description {
    /// The text, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Description::Text(text) | Description::Object { content: text } => {
                Some(text.as_str()).filter(|t| !t.trim().is_empty())
            }
            Description::Other(_) => None,
        }
    }
}

/// A request or a folder.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    /// The item's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: Option<Description>,
    /// A folder's items.
    #[serde(default)]
    pub item: Option<Vec<Item>>,
    /// A request item's request.
    #[serde(default)]
    pub request: Option<RequestOrUrl>,
    /// Scripts (a list, or one event object, which newman also reads).
    #[serde(default, deserialize_with = "one_or_many")]
    pub event: Vec<Event>,
    /// Item or folder variables.
    #[serde(default)]
    pub variable: Vec<Variable>,
    /// A folder's auth, inherited by its requests.
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Request settings such as `followRedirects`.
    #[serde(default, rename = "protocolProfileBehavior")]
    pub protocol_profile_behavior: Option<IndexMap<String, Value>>,
    /// Saved example responses (documentation only).
    #[serde(default)]
    pub response: Vec<Value>,
}

/// A request, or just its URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RequestOrUrl {
    /// A GET of this URL.
    Url(String),
    /// A full request.
    Request(Box<Request>),
}

/// A request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Request {
    /// The method (default GET).
    #[serde(default)]
    pub method: Option<String>,
    /// The URL.
    #[serde(default)]
    pub url: Option<Url>,
    /// Headers.
    #[serde(default)]
    pub header: Option<Headers>,
    /// The body.
    #[serde(default)]
    pub body: Option<Body>,
    /// The request's auth (`noauth`: none, even if a folder sets one).
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Free text.
    #[serde(default)]
    pub description: Option<Description>,
}

/// A URL: text, or parts.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Url {
    /// The whole URL.
    Text(String),
    /// The URL in parts.
    Object(UrlObject),
}

/// A URL in parts.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UrlObject {
    /// The URL as typed.
    #[serde(default)]
    pub raw: Option<String>,
    /// `http` or `https`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Host labels, or the host as text.
    #[serde(default)]
    pub host: Option<TextOrList>,
    /// The port.
    #[serde(default)]
    pub port: Option<String>,
    /// Path segments, or the path as text.
    #[serde(default)]
    pub path: Option<TextOrList>,
    /// Query parameters.
    #[serde(default)]
    pub query: Vec<KeyValue>,
    /// Values of the `:name` path variables.
    #[serde(default)]
    pub variable: Vec<Variable>,
    /// The user info of the URL (`http://user:password@host`), as Postman splits it off.
    #[serde(default)]
    pub auth: Option<Box<UrlAuth>>,
}

/// The user name and password written in a URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UrlAuth {
    /// The user name.
    #[serde(default)]
    pub user: Option<Value>,
    /// The password.
    #[serde(default)]
    pub password: Option<Value>,
}

/// Text, or a list whose items are text (or objects with a `value`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TextOrList {
    /// One text.
    Text(String),
    /// A list.
    List(Vec<Value>),
}

impl TextOrList {
    /// The parts as text.
    pub fn parts(&self) -> Vec<String> {
        match self {
            TextOrList::Text(text) => vec![text.clone()],
            TextOrList::List(items) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => text.clone(),
                    Value::Object(map) => map
                        .get("value")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    other => other.to_string(),
                })
                .collect(),
        }
    }
}

/// Headers: a list, or `Name: value` lines (v2.0).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Headers {
    /// `Name: value` lines.
    Text(String),
    /// A list.
    List(Vec<KeyValue>),
}

impl Headers {
    /// The headers as a list.
    pub fn list(&self) -> Vec<KeyValue> {
        match self {
            Headers::List(list) => list.clone(),
            Headers::Text(text) => text
                .lines()
                .filter_map(|line| line.split_once(':'))
                .map(|(key, value)| KeyValue {
                    key: Some(key.trim().to_owned()),
                    value: Some(Value::String(value.trim().to_owned())),
                    ..KeyValue::default()
                })
                .collect(),
        }
    }
}

/// A header, query parameter or form field.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KeyValue {
    /// The name.
    #[serde(default)]
    pub key: Option<String>,
    /// The value (text, or sometimes a number).
    #[serde(default)]
    pub value: Option<Value>,
    /// Unchecked in the app: not sent.
    #[serde(default)]
    pub disabled: bool,
    /// For form data: `text` or `file`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// For a form-data file: its path (or several).
    #[serde(default)]
    pub src: Option<Value>,
    /// For a form-data part: its content type.
    #[serde(default, rename = "contentType")]
    pub content_type: Option<String>,
}

impl KeyValue {
    /// The value as text.
    pub fn value_text(&self) -> String {
        value_text(self.value.as_ref())
    }
}

/// A JSON value as the text Postman would send.
pub fn value_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// A request body.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Body {
    /// `raw`, `urlencoded`, `formdata`, `file` or `graphql`.
    #[serde(default)]
    pub mode: Option<String>,
    /// The raw text.
    #[serde(default)]
    pub raw: Option<String>,
    /// URL-encoded fields.
    #[serde(default)]
    pub urlencoded: Vec<KeyValue>,
    /// Multipart fields.
    #[serde(default)]
    pub formdata: Vec<KeyValue>,
    /// A file sent as the body.
    #[serde(default)]
    pub file: Option<FileBody>,
    /// A GraphQL query.
    #[serde(default)]
    pub graphql: Option<GraphqlBody>,
    /// Options such as `raw.language`.
    #[serde(default)]
    pub options: Option<Value>,
    /// A disabled body is not sent.
    #[serde(default)]
    pub disabled: bool,
}

/// `body.file`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FileBody {
    /// The file's path.
    #[serde(default)]
    pub src: Option<String>,
}

/// `body.graphql`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GraphqlBody {
    /// The query.
    #[serde(default)]
    pub query: Option<String>,
    /// The variables: JSON text (as the app writes them) or a JSON object.
    #[serde(default)]
    pub variables: Option<Value>,
    /// The operation to run.
    #[serde(default, rename = "operationName")]
    pub operation_name: Option<String>,
}

/// Auth: a type, and that type's parameters (a list of `{key, value}` in v2.1, a map in v2.0).
#[derive(Debug, Clone, Deserialize)]
pub struct Auth {
    /// `noauth`, `basic`, `bearer`, `apikey`, `oauth2`, `digest`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Parameters by type.
    #[serde(flatten)]
    pub params: IndexMap<String, Value>,
}

impl Auth {
    /// The parameter `name` of this auth's type, as text.
    pub fn param(&self, name: &str) -> Option<String> {
        let params = self.params.get(&self.kind)?;
        let value = match params {
            Value::Array(list) => list
                .iter()
                .find(|entry| entry.get("key").and_then(Value::as_str) == Some(name))
                .and_then(|entry| entry.get("value")),
            Value::Object(map) => map.get(name),
            _ => None,
        };
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(other) => Some(other.to_string()),
        }
    }
}

/// A script.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    /// `test` or `prerequest`.
    #[serde(default)]
    pub listen: String,
    /// The script.
    #[serde(default)]
    pub script: Option<Script>,
    /// A disabled script does not run.
    #[serde(default)]
    pub disabled: bool,
}

/// A script's source.
#[derive(Debug, Clone, Deserialize)]
pub struct Script {
    /// The lines, or the whole text.
    #[serde(default)]
    pub exec: Option<TextOrList>,
}

impl Script {
    /// The source text.
    pub fn source(&self) -> String {
        self.exec
            .as_ref()
            .map(|exec| exec.parts().join("\n"))
            .unwrap_or_default()
    }
}

/// A variable.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Variable {
    /// The name (v2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The name (some v2.0 exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// `string`, `secret`, `default`, ...
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Disabled variables are not defined.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// A secret, marked as Postman's collection SDK marks one (`runner export postman` writes
    /// it, with the type `string`: the v2.1.0 schema has no `secret` type).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// Free text (`runner export postman` writes a secret input's description here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
}

impl Variable {
    /// Its type: `secret` for one marked `"secret": true` too.
    pub fn kind(&self) -> Option<&str> {
        if self.secret {
            Some("secret")
        } else {
            self.kind.as_deref()
        }
    }

    /// The description's text, if any.
    pub fn description(&self) -> Option<&str> {
        match self.description.as_ref()? {
            Value::String(text) => Some(text.as_str()),
            Value::Object(object) => object.get("content")?.as_str(),
            _ => None,
        }
        .filter(|text| !text.trim().is_empty())
    }

    /// The variable's name.
    pub fn name(&self) -> Option<&str> {
        self.key.as_deref().or(self.id.as_deref())
    }
}

/// A Postman environment file.
#[derive(Debug, Clone, Deserialize)]
pub struct Environment {
    /// The environment's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its variables: the enabled ones, each name once (the last, as Postman keeps it).
    pub values: Defined<EnvironmentValue>,
}

/// A variable of an environment file.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvironmentValue {
    /// The name.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: Option<Value>,
    /// `default`, `text` or `secret`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Unchecked variables are not defined (`"enabled": false` as Postman exports them,
    /// `"disabled": true` as newman's and the collection format's variables write it).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// See `enabled`.
    #[serde(default)]
    pub disabled: bool,
}

fn yes() -> bool {
    true
}

/// A variable of a list Postman reads as a scope: a collection's variables, an environment's
/// values.
pub trait Definition {
    /// Its name.
    fn defined_name(&self) -> Option<&str>;
    /// Whether it is defined at all (not unchecked).
    fn is_enabled(&self) -> bool;
}

impl Definition for Variable {
    fn defined_name(&self) -> Option<&str> {
        self.name()
    }
    fn is_enabled(&self) -> bool {
        !self.disabled
    }
}

impl Definition for EnvironmentValue {
    fn defined_name(&self) -> Option<&str> {
        Some(&self.key)
    }
    fn is_enabled(&self) -> bool {
        self.enabled && !self.disabled
    }
}

/// The variables a Postman scope defines, as Postman (postman-collection's `VariableList`,
/// newman) reads the list: an unchecked one (`"disabled": true`, `"enabled": false`) is not
/// defined, and of a name written twice the last one is (at its place). Reads as the list
/// of those; [`Defined::dropped`] says what was left out.
#[derive(Debug, Clone)]
pub struct Defined<T> {
    list: Vec<T>,
    dropped: Vec<Dropped>,
}

impl<T> Default for Defined<T> {
    fn default() -> Self {
        Defined {
            list: Vec::new(),
            dropped: Vec::new(),
        }
    }
}

/// A variable [`Defined`] left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    /// Unchecked: not defined.
    Disabled(String),
    /// Defined again later in the list: that one is kept.
    Duplicate(String),
}

impl Dropped {
    /// The note for the report (`what` names the list: "the environment `Staging`").
    pub fn describe(&self, what: &str) -> String {
        match self {
            Dropped::Disabled(name) => format!(
                "`{name}` is unchecked (disabled) in {what}: it is left out, as Postman does not define it"
            ),
            Dropped::Duplicate(name) => format!(
                "`{name}` is defined more than once in {what}: the last enabled value is kept, as Postman keeps it; the others are left out"
            ),
        }
    }
}

impl<T> Defined<T> {
    /// What was left out, in the list's order: the unchecked variables, and each name
    /// defined again later (once per name).
    pub fn dropped(&self) -> &[Dropped] {
        &self.dropped
    }
}

impl<T: Definition> Defined<T> {
    /// `list` as Postman defines it.
    pub fn new(list: Vec<T>) -> Self {
        use std::collections::{HashMap, HashSet};
        let mut dropped = Vec::new();
        // Each item in its place, an earlier definition of a name emptied when it is defined
        // again (the last one is kept, where it is written): linear in the list's length.
        let mut slots: Vec<Option<T>> = Vec::with_capacity(list.len());
        let mut defined_at: HashMap<String, usize> = HashMap::new();
        let mut repeated: HashSet<String> = HashSet::new();
        for item in list {
            let Some(name) = item.defined_name().map(str::to_owned) else {
                // No name: nothing is defined (the converter passes it by).
                slots.push(Some(item));
                continue;
            };
            if !item.is_enabled() {
                dropped.push(Dropped::Disabled(name));
                continue;
            }
            if let Some(at) = defined_at.insert(name.clone(), slots.len()) {
                slots[at] = None;
                if repeated.insert(name.clone()) {
                    dropped.push(Dropped::Duplicate(name));
                }
            }
            slots.push(Some(item));
        }
        Defined {
            list: slots.into_iter().flatten().collect(),
            dropped,
        }
    }
}

impl<T> std::ops::Deref for Defined<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.list
    }
}

impl<'de, T: Deserialize<'de> + Definition> Deserialize<'de> for Defined<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Defined::new)
    }
}

/// A list, or one item standing for a list of one.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::Many(list) => list,
        OneOrMany::One(item) => vec![item],
    })
}
