//! The template helpers: `uuid`, `now`, `timestamp`, `base64`, `json`, `urlencode`, and
//! Postman's dynamic variables (`$randomInt`, …; see `dynamic`).

use std::cell::RefCell;

use ::base64::Engine as _;
use handlebars::{
    handlebars_helper, Context, Handlebars, Helper, HelperDef, RenderContext, ScopedJson,
};
use serde_json::Value;

use crate::redact::Derivation;

/// Helper names; a path with one of these names is a helper call, not a variable.
pub(super) const NAMES: &[&str] = &["uuid", "now", "timestamp", "base64", "json", "urlencode"];

/// Those of them that need a value to work on (`{{base64 token}}`).
pub(super) const TAKING_A_VALUE: &[&str] = &["base64", "json", "urlencode"];

handlebars_helper!(uuid: | | ::uuid::Uuid::new_v4().to_string());
handlebars_helper!(now: | | {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
});
handlebars_helper!(timestamp: | | time::OffsetDateTime::now_utc().unix_timestamp());
handlebars_helper!(base64: |value: Json| {
    let input = super::value_to_text(value);
    noted(input, |input| ::base64::engine::general_purpose::STANDARD.encode(input))
});
handlebars_helper!(json: |value: Json| noted(value.to_string(), |input| input.to_owned()));
handlebars_helper!(urlencode: |value: Json| {
    noted(super::value_to_text(value), |input| {
        percent_encoding::utf8_percent_encode(input, COMPONENT).to_string()
    })
});

thread_local! {
    /// The derivations of the renders under way on this thread, while someone listens.
    static DERIVATIONS: RefCell<Option<Vec<Derivation>>> = const { RefCell::new(None) };
}

/// Writes `input` with `write`, noting both while [`with_derivations`] listens. Rendering is
/// synchronous, so everything a render derives is noted on the thread that asked for it.
fn noted(input: String, write: impl FnOnce(&str) -> String) -> String {
    let output = write(&input);
    DERIVATIONS.with(|d| {
        if let Some(list) = d.borrow_mut().as_mut() {
            list.push(Derivation {
                input,
                output: output.clone(),
            });
        }
    });
    output
}

/// Runs `render` and returns what every helper in it wrote from which input, in order.
pub fn with_derivations<T>(render: impl FnOnce() -> T) -> (T, Vec<Derivation>) {
    let outer = DERIVATIONS.with(|d| d.borrow_mut().replace(Vec::new()));
    let result = render();
    let mut noted = DERIVATIONS
        .with(|d| std::mem::replace(&mut *d.borrow_mut(), outer))
        .unwrap_or_default();
    // A listener further out hears these too.
    DERIVATIONS.with(|d| {
        if let Some(list) = d.borrow_mut().as_mut() {
            list.extend(noted.iter().cloned());
        }
    });
    noted.shrink_to_fit();
    (result, noted)
}

/// Everything but RFC 3986 unreserved characters is encoded.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A dynamic variable (`{{$randomInt}}`): a new value at each use — a number, a boolean or
/// a text, as Postman gives it.
struct Dynamic(&'static str);

impl HelperDef for Dynamic {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        _: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, handlebars::RenderError> {
        let text = super::dynamic::value(self.0).unwrap_or_default();
        let value = match self.0 {
            "$randomInt" | "$timestamp" => text
                .parse::<i64>()
                .map_or_else(|_| Value::String(text), Value::from),
            "$randomBoolean" => Value::Bool(text == "true"),
            _ => Value::String(text),
        };
        Ok(ScopedJson::Derived(value))
    }
}

/// Registers the dynamic variables (`$randomInt`, …): done when a template first names one,
/// so that a collection without them does not pay for 118 helpers.
pub(super) fn register_dynamic(registry: &mut Handlebars<'static>) {
    for (name, _) in super::dynamic::VARIABLES {
        registry.register_helper(name, Box::new(Dynamic(name)));
    }
}

pub(super) fn register(registry: &mut Handlebars<'static>) {
    registry.register_helper("uuid", Box::new(uuid));
    registry.register_helper("now", Box::new(now));
    registry.register_helper("timestamp", Box::new(timestamp));
    registry.register_helper("base64", Box::new(base64));
    registry.register_helper("json", Box::new(json));
    registry.register_helper("urlencode", Box::new(urlencode));
}

#[cfg(test)]
mod tests {
    use crate::template::Templates;
    use handlebars::Context;
    use serde_json::json;

    fn render(source: &str) -> String {
        let mut templates = Templates::new();
        let t = templates.compile(source).expect("compiles");
        let context = Context::from(json!({"s": "a b&c", "o": {"k": [1, true]}}));
        templates.render_text(&t, &context).expect("renders")
    }

    #[test]
    fn derivations_are_noted_while_listened_to() {
        let (text, noted) = super::with_derivations(|| render("{{base64 (json o)}}"));
        assert_eq!(text, "eyJrIjpbMSx0cnVlXX0=");
        let pairs: Vec<(&str, &str)> = noted
            .iter()
            .map(|d| (d.input.as_str(), d.output.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (r#"{"k":[1,true]}"#, r#"{"k":[1,true]}"#),
                (r#"{"k":[1,true]}"#, "eyJrIjpbMSx0cnVlXX0="),
            ]
        );
        let (_, outside) = super::with_derivations(|| ());
        assert!(outside.is_empty());
    }

    #[test]
    fn each_helper() {
        assert_eq!(render("{{base64 s}}"), "YSBiJmM=");
        assert_eq!(render("{{urlencode s}}"), "a%20b%26c");
        assert_eq!(render("{{json o}}"), r#"{"k":[1,true]}"#);
        assert_eq!(render("{{uuid}}").len(), 36);
        assert!(render("{{now}}").ends_with('Z'));
        assert!(render("{{timestamp}}")
            .parse::<i64>()
            .is_ok_and(|t| t > 1_700_000_000));
    }
}
