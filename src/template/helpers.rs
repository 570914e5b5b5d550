//! The template helpers: `uuid`, `now`, `timestamp`, `base64`, `json`, `urlencode`, and
//! Postman's dynamic variables (`$randomInt`, …; see `dynamic`).
//!
//! `base64`, `json` and `urlencode` write more than they are given, and nested in one another
//! they multiply it (`json` escapes every quote and backslash the one inside it wrote). Each
//! measures what it would write before it writes it, against what the render under way may
//! still make ([`budgeted`]): a render fails as soon as its helpers together would pass
//! [`MOST_RENDERED`](super::MOST_RENDERED), having built no more than that.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

use ::base64::Engine as _;
use handlebars::{
    handlebars_helper, Context, Handlebars, Helper, HelperDef, RenderContext, RenderErrorReason,
    ScopedJson,
};
use serde_json::Value;

use crate::redact::Derivation;

/// Helper names; a path with one of these names is a helper call, not a variable.
pub(super) const NAMES: &[&str] = &["uuid", "now", "timestamp", "base64", "json", "urlencode"];

/// Those of them that need a value to work on (`{{base64 token}}`).
pub(super) const TAKING_A_VALUE: &[&str] = &["base64", "json", "urlencode"];

/// How many values each of them takes (the dynamic variables, `{{$randomInt}}`, none).
pub(super) const ARITY: &[(&str, usize)] = &[
    ("uuid", 0),
    ("now", 0),
    ("timestamp", 0),
    ("base64", 1),
    ("json", 1),
    ("urlencode", 1),
];

handlebars_helper!(uuid: | | ::uuid::Uuid::new_v4().to_string());
handlebars_helper!(now: | | {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
});
handlebars_helper!(timestamp: | | time::OffsetDateTime::now_utc().unix_timestamp());

/// A helper that writes a text from a value: `base64`, `json` or `urlencode`.
#[derive(Clone, Copy)]
pub(super) enum Writer {
    Base64,
    Json,
    Urlencode,
}

impl Writer {
    pub(super) fn name(self) -> &'static str {
        match self {
            Writer::Base64 => "base64",
            Writer::Json => "json",
            Writer::Urlencode => "urlencode",
        }
    }

    /// What it writes from `value`, once the budget allows it.
    fn write(self, value: &Value) -> Result<String, RenderErrorReason> {
        match self {
            Writer::Base64 => {
                let input = text_of(value);
                spend(base64_length(input.len()), self)?;
                Ok(::base64::engine::general_purpose::STANDARD.encode(input.as_bytes()))
            }
            Writer::Json if value.is_string() => {
                let text = value.as_str().unwrap_or_default();
                spend(super::size::json_length(text), self)?;
                serde_json::to_string(text).map_err(|e| RenderErrorReason::Other(e.to_string()))
            }
            Writer::Json => {
                // Written once, into a buffer that refuses to grow past what is left: a
                // value's JSON cannot fail to serialize otherwise.
                let mut written = Bounded {
                    bytes: Vec::new(),
                    left: left(),
                };
                if serde_json::to_writer(&mut written, value).is_err() {
                    return Err(past_the_limit(self));
                }
                spend(written.bytes.len(), self)?;
                String::from_utf8(written.bytes)
                    .map_err(|e| RenderErrorReason::Other(e.to_string()))
            }
            Writer::Urlencode => {
                let input = text_of(value);
                spend(urlencoded_length(input.as_bytes()), self)?;
                Ok(percent_encoding::utf8_percent_encode(&input, COMPONENT).to_string())
            }
        }
    }
}

impl HelperDef for Writer {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, handlebars::RenderError> {
        // As `handlebars_helper!` reads its parameter: a missing variable is no value.
        let value = h
            .param(0)
            .and_then(|x| (!(r.strict_mode() && x.is_value_missing())).then(|| x.value()))
            .ok_or_else(|| {
                RenderErrorReason::ParamNotFoundForName(self.name(), "value".to_owned())
            })?;
        let output = self.write(value)?;
        let output = noted(*self, value, output);
        Ok(ScopedJson::Derived(Value::String(output)))
    }
}

/// A value as the helpers read it: a string as it is, anything else as JSON.
fn text_of(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        other => Cow::Owned(other.to_string()),
    }
}

/// The length of `n` bytes in base64, padded.
pub(super) fn base64_length(n: usize) -> usize {
    n.div_ceil(3).saturating_mul(4)
}

/// The length of `bytes` percent-encoded as `urlencode` encodes them.
fn urlencoded_length(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| if unreserved(b) { 1 } else { 3 })
        .fold(0usize, usize::saturating_add)
}

/// An RFC 3986 unreserved character, which `urlencode` writes as it is.
pub(super) fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// A buffer that takes no more than `left` bytes: a write past them fails.
struct Bounded {
    bytes: Vec<u8>,
    left: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if bytes.len() > self.left - self.bytes.len() {
            return Err(std::io::ErrorKind::FileTooLarge.into());
        }
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A helper would write past what the render may make: the helper's name.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` would write past the limit")]
pub(super) struct PastTheLimit(pub(super) &'static str);

thread_local! {
    /// What the helpers of the render under way on this thread may still write, in bytes;
    /// `None` outside [`budgeted`].
    static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    /// The derivations of the renders under way on this thread, while someone listens.
    static DERIVATIONS: RefCell<Option<Vec<Derivation>>> = const { RefCell::new(None) };
}

/// Runs `render` with `limit` bytes ([`MOST_RENDERED`](super::MOST_RENDERED)) for its
/// helpers to write, all of them together: what one writes for another
/// (`{{base64 (json o)}}`) counts as well as what the template writes out.
pub(super) fn budgeted<T>(limit: usize, render: impl FnOnce() -> T) -> T {
    /// Puts back the budget of a render further out, even if `render` unwinds.
    struct Restore(Option<usize>);
    impl Drop for Restore {
        fn drop(&mut self) {
            BUDGET.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(BUDGET.with(|b| b.replace(Some(limit))));
    render()
}

/// What the helpers of the render under way may still write.
fn left() -> usize {
    BUDGET.with(Cell::get).unwrap_or(super::MOST_RENDERED)
}

/// The error of `writer` writing past the limit.
fn past_the_limit(writer: Writer) -> RenderErrorReason {
    RenderErrorReason::NestedError(Box::new(PastTheLimit(writer.name())))
}

/// Takes `bytes` from the budget, or says that `writer` would pass it.
fn spend(bytes: usize, writer: Writer) -> Result<(), RenderErrorReason> {
    if bytes > left() {
        return Err(past_the_limit(writer));
    }
    BUDGET.with(|b| {
        if let Some(left) = b.get() {
            b.set(Some(left - bytes));
        }
    });
    Ok(())
}

/// Notes what `writer` wrote from `value` while [`with_derivations`] listens, and returns
/// it. Rendering is synchronous, so everything a render derives is noted on the thread that
/// asked for it. Each text is held once: the output is shared with the note, and an input
/// that is the note before's output (`{{base64 (json o)}}`) is that note's text.
fn noted(writer: Writer, value: &Value, output: String) -> String {
    DERIVATIONS.with(|d| {
        let mut listening = d.borrow_mut();
        let Some(list) = listening.as_mut() else {
            return;
        };
        let output_text: Arc<str> = Arc::from(output.as_str());
        let input: Arc<str> = match (writer, value) {
            // `json` writes its input's JSON text as it is.
            (Writer::Json, _) => Arc::clone(&output_text),
            (_, Value::String(text)) => match list.last() {
                Some(before) if *before.output == **text => Arc::clone(&before.output),
                _ => Arc::from(text.as_str()),
            },
            (_, other) => Arc::from(other.to_string()),
        };
        list.push(Derivation {
            input,
            output: output_text,
        });
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
    registry.register_helper("base64", Box::new(Writer::Base64));
    registry.register_helper("json", Box::new(Writer::Json));
    registry.register_helper("urlencode", Box::new(Writer::Urlencode));
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
        let pairs: Vec<(&str, &str)> = noted.iter().map(|d| (&*d.input, &*d.output)).collect();
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

    /// What `writer` writes from `text`, without a budget.
    fn written(writer: super::Writer, text: &str) -> String {
        use ::base64::Engine as _;
        match writer {
            super::Writer::Base64 => ::base64::engine::general_purpose::STANDARD.encode(text),
            super::Writer::Json => serde_json::to_string(text).expect("a string"),
            super::Writer::Urlencode => {
                percent_encoding::utf8_percent_encode(text, super::COMPONENT).to_string()
            }
        }
    }

    /// Every nesting of `json`, `base64` and `urlencode` up to six deep, over a text of
    /// quotes, backslashes and percent signs, with a budget of 16 KiB: the render gives the
    /// text when what its helpers write adds up to no more, and otherwise fails naming the
    /// helper that would pass it; either way, what is noted holds each text once, within the
    /// budget.
    #[test]
    fn nested_helpers_stop_at_the_budget_having_built_no_more() {
        use super::Writer::{Base64, Json, Urlencode};
        use crate::template::RenderError;
        const BUDGET: usize = 16 << 10;
        let input = "\"\\% a".repeat(100);
        let context = Context::from(json!({ "q": input }));
        let mut nestings: Vec<Vec<super::Writer>> = vec![Vec::new()];
        let (mut passed, mut stopped) = (0, 0);
        let mut templates = Templates::new();
        for _ in 0..6 {
            nestings = nestings
                .iter()
                .flat_map(|n| [Json, Base64, Urlencode].map(|w| [vec![w], n.clone()].concat()))
                .collect();
            for nesting in &nestings {
                // Innermost last: `{{json (base64 q)}}` is [Json, Base64].
                let source = nesting
                    .iter()
                    .rev()
                    .fold("q".to_owned(), |inner, w| format!("({} {inner})", w.name()));
                let source = format!("{{{{{}}}}}", &source[1..source.len() - 1]);
                let mut text = input.clone();
                let mut spent = 0;
                let mut expected = Ok(());
                for writer in nesting.iter().rev() {
                    text = written(*writer, &text);
                    spent += text.len();
                    if spent > BUDGET {
                        expected = Err(RenderError::HelperTooLong(writer.name()));
                        break;
                    }
                }
                let template = templates.compile(&source).expect("compiles");
                let (rendered, noted) = super::with_derivations(|| {
                    templates.render_within(&template, &context, BUDGET)
                });
                match expected {
                    Ok(()) => {
                        assert_eq!(rendered.as_ref(), Ok(&text), "{source}");
                        passed += 1;
                    }
                    Err(error) => {
                        assert_eq!(rendered, Err(error), "{source}");
                        stopped += 1;
                    }
                }
                let mut held: Vec<*const u8> = Vec::new();
                let mut bytes = 0;
                for note in &noted {
                    for text in [&note.input, &note.output] {
                        if !held.contains(&text.as_ptr()) {
                            held.push(text.as_ptr());
                            bytes += text.len();
                        }
                    }
                }
                assert!(
                    bytes <= BUDGET + input.len(),
                    "{source}: {bytes} bytes noted"
                );
            }
        }
        assert!(
            passed > 100 && stopped > 100,
            "{passed} passed, {stopped} stopped"
        );
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
