//! The template helpers: `uuid`, `now`, `timestamp`, `base64`, `json`, `urlencode`.

use ::base64::Engine as _;
use handlebars::{handlebars_helper, Handlebars};

/// Helper names; a path with one of these names is a helper call, not a variable.
pub(super) const NAMES: &[&str] = &["uuid", "now", "timestamp", "base64", "json", "urlencode"];

handlebars_helper!(uuid: | | ::uuid::Uuid::new_v4().to_string());
handlebars_helper!(now: | | {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
});
handlebars_helper!(timestamp: | | time::OffsetDateTime::now_utc().unix_timestamp());
handlebars_helper!(base64: |value: Json| {
    ::base64::engine::general_purpose::STANDARD.encode(super::value_to_text(value))
});
handlebars_helper!(json: |value: Json| value.to_string());
handlebars_helper!(urlencode: |value: Json| {
    percent_encoding::utf8_percent_encode(&super::value_to_text(value), COMPONENT).to_string()
});

/// Everything but RFC 3986 unreserved characters is encoded.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

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
        let t = templates.compile("t", source).expect("compiles");
        let context = Context::from(json!({"s": "a b&c", "o": {"k": [1, true]}}));
        templates.render_text(&t, &context).expect("renders")
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
