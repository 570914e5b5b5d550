//! How long the texts a template makes are, before it is rendered: the least each helper
//! call writes, from what is known of its input when the collection loads. `json`,
//! `base64` and `urlencode` map their input byte by byte (`base64` by its length), so the
//! least is kept as a count of each byte: the count a `json` of a `json` writes follows
//! exactly from it. A template whose helpers would write past the limit whatever the values
//! it reads (27 `json`s nested over a 5-byte text, 29 over any value at all), or whatever
//! the values known at load make it write, is refused there, at the call.

use std::sync::OnceLock;

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use serde_json::Value;

use super::helpers::{base64_length, unreserved, Writer};
use super::references::{named_path, names_helper};

/// What `json` writes for each byte of a string, as serde_json escapes it: a quote or a
/// backslash after a backslash, a control character as `\n` or `\u001f`, every other byte
/// (those of a multi-byte character included) as it is.
pub(super) fn json_escape(byte: u8) -> &'static [u8] {
    static TABLE: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=u8::MAX)
            .map(|b| {
                if b.is_ascii() {
                    let quoted = serde_json::to_string(&char::from(b).to_string())
                        .unwrap_or_default()
                        .into_bytes();
                    let inside = 1..quoted.len().saturating_sub(1);
                    quoted.get(inside).unwrap_or_default().to_vec()
                } else {
                    vec![b]
                }
            })
            .collect()
    });
    &table[usize::from(byte)]
}

/// The length of `text` as `json` writes it: quoted and escaped.
pub(super) fn json_length(text: &str) -> usize {
    text.bytes()
        .map(|b| json_escape(b).len())
        .fold(2usize, usize::saturating_add)
}

/// The least a text holds: `counts[b]` bytes `b`, and `unknown` more bytes of which
/// nothing is known. Counts stop at [`CAP`]: past it, the text is refused anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Least {
    counts: Box<[u64; 256]>,
    unknown: u64,
}

/// One more than the limit: a count that reaches it is past the limit, whatever the others.
const CAP: u64 = super::MOST_RENDERED as u64 + 1;

impl Default for Least {
    fn default() -> Self {
        Least {
            counts: Box::new([0; 256]),
            unknown: 0,
        }
    }
}

impl Least {
    /// Exactly `text`.
    pub(super) fn of_text(text: &[u8]) -> Least {
        let mut least = Least::default();
        for &b in text {
            least.counts[usize::from(b)] += 1;
        }
        least.capped()
    }

    /// `value` as JSON text (what the helpers read a value that is not a string as), counted
    /// as it is written, without building it.
    fn of_json(value: &Value) -> Least {
        struct Counter(Least);
        impl std::io::Write for Counter {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                for &b in bytes {
                    let count = &mut self.0.counts[usize::from(b)];
                    *count = (*count + 1).min(CAP);
                }
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut counter = Counter(Least::default());
        // Writing to a counter cannot fail; a value that could not be written counts as
        // what was counted before.
        let _ = serde_json::to_writer(&mut counter, value);
        counter.0
    }

    /// Bytes of which only the number is known.
    fn unknown(bytes: u64) -> Least {
        Least {
            unknown: bytes.min(CAP),
            ..Least::default()
        }
    }

    /// The least number of bytes.
    pub fn total(&self) -> u64 {
        self.counts
            .iter()
            .fold(self.unknown, |sum, &count| sum.saturating_add(count))
    }

    fn capped(mut self) -> Least {
        for count in self.counts.iter_mut() {
            *count = (*count).min(CAP);
        }
        self.unknown = self.unknown.min(CAP);
        self
    }

    fn add(&mut self, other: &Least) {
        for (count, more) in self.counts.iter_mut().zip(other.counts.iter()) {
            *count = count.saturating_add(*more).min(CAP);
        }
        self.unknown = self.unknown.saturating_add(other.unknown).min(CAP);
    }

    /// Each byte `b` written as `map(b)`; an unknown byte as one unknown byte at least.
    fn mapped(&self, map: impl Fn(u8, &mut dyn FnMut(u8))) -> Least {
        let mut out = Least::default();
        for (b, &count) in (0..=u8::MAX).zip(self.counts.iter()) {
            if count > 0 {
                map(b, &mut |to| {
                    let slot = &mut out.counts[usize::from(to)];
                    *slot = slot.saturating_add(count).min(CAP);
                });
            }
        }
        out.unknown = self.unknown;
        out
    }

    /// What `writer` writes from a text of at least this.
    fn written(&self, writer: Writer) -> Least {
        match writer {
            Writer::Json => {
                let mut out = self.mapped(|b, put| json_escape(b).iter().for_each(|&e| put(e)));
                out.counts[usize::from(b'"')] = (out.counts[usize::from(b'"')] + 2).min(CAP);
                out
            }
            Writer::Urlencode => self.mapped(|b, put| {
                if unreserved(b) {
                    put(b);
                } else {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    put(b'%');
                    put(HEX[usize::from(b >> 4)]);
                    put(HEX[usize::from(b & 15)]);
                }
            }),
            Writer::Base64 => {
                let length = usize::try_from(self.total()).unwrap_or(usize::MAX);
                Least::unknown(base64_length(length) as u64)
            }
        }
    }
}

/// What is known of a value a template reads, before it is rendered.
#[derive(Clone, Debug)]
pub enum Shape<'a> {
    /// The value itself (a variable's value when the run starts, a literal).
    Value(&'a Value),
    /// A text of at least this.
    Text(Least),
    /// Nothing: a value a step captures, or the element of a loop.
    Unknown,
}

impl Shape<'_> {
    /// What `writer` writes from this value, at least.
    fn written(&self, writer: Writer) -> Least {
        match (self, writer) {
            (Shape::Value(Value::String(text)), Writer::Base64) => {
                Least::unknown(base64_length(text.len()) as u64)
            }
            (Shape::Value(Value::String(text)), _) => {
                Least::of_text(text.as_bytes()).written(writer)
            }
            // `json` writes another value as JSON; the others read it so.
            (Shape::Value(value), Writer::Json) => Least::of_json(value),
            (Shape::Value(value), _) => Least::of_json(value).written(writer),
            (Shape::Text(least), _) => least.written(writer),
            // A value of any type: `json` writes one byte at least (`0`).
            (Shape::Unknown, Writer::Json) => Least::unknown(1),
            (Shape::Unknown, _) => Least::default(),
        }
    }

    /// What it adds to the text where it stands, at least (a string, or a text a helper
    /// wrote; nothing is counted for another value).
    fn in_text(&self) -> Least {
        match self {
            Shape::Value(Value::String(text)) => Least::of_text(text.as_bytes()),
            Shape::Text(least) => least.clone(),
            Shape::Value(_) | Shape::Unknown => Least::default(),
        }
    }
}

impl<'a> Shape<'a> {
    /// The value at `path` inside this one (`Unknown` for a path into a text).
    pub fn at(&self, path: &[String]) -> Shape<'a> {
        let mut value = match self {
            Shape::Value(value) => *value,
            _ if path.is_empty() => return self.clone(),
            _ => return Shape::Unknown,
        };
        for segment in path {
            let next = match value {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(next) => value = next,
                None => return Shape::Unknown,
            }
        }
        Shape::Value(value)
    }
}

/// Where a template would make or have its helpers write more than the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excess {
    /// The least it would make: of the helper's text with those before it, or of the whole.
    pub least: u64,
    /// The least the helper's own text would be (`least` for the whole).
    pub own: u64,
    /// The helper that would pass the limit; `None` for the text as a whole.
    pub helper: Option<&'static str>,
    /// How many `json`, `base64` and `urlencode` calls nest in that helper's, its own
    /// included.
    pub nested: usize,
    /// The line and column (1-based, in characters) of the `{{` that holds it, if known.
    pub place: Option<(usize, usize)>,
}

/// What a call gives: its value, and how many growing helpers nest in it.
struct Called<'a> {
    shape: Shape<'a>,
    nested: usize,
}

/// Measures a compiled template against `limit`, with the values `lookup` knows.
pub(super) struct Measure<'l, 'a> {
    pub(super) lookup: &'l dyn Fn(&[String]) -> Shape<'a>,
    pub(super) limit: u64,
}

impl<'a> Measure<'_, 'a> {
    /// The least the template makes, checking every call in it — in a block that may never
    /// render too: it could not work if it did. `spent` is what the helpers wrote before.
    pub(super) fn template(
        &self,
        template: &'a Template,
        in_loop: bool,
        spent: &mut u64,
        around: Option<(usize, usize)>,
    ) -> Result<Least, Excess> {
        let mut text = Least::default();
        for (index, element) in template.elements.iter().enumerate() {
            let place = template.mapping.get(index).map(|m| (m.0, m.1)).or(around);
            match element {
                TemplateElement::RawString(raw) => text.add(&Least::of_text(raw.as_bytes())),
                TemplateElement::Expression(call) | TemplateElement::HtmlExpression(call) => {
                    let called = self.call(call, in_loop, spent, place)?;
                    text.add(&called.shape.in_text());
                }
                TemplateElement::HelperBlock(block) => {
                    // Its parameters are read whenever it is reached; what it holds may
                    // render or not, and within `each` and `with` reads another scope.
                    for parameter in block.params.iter().chain(block.hash.values()) {
                        self.parameter(parameter, in_loop, spent, place)?;
                    }
                    let scoped = in_loop
                        || matches!(&block.name, Parameter::Name(n) if n == "each" || n == "with");
                    if let Some(inner) = &block.template {
                        self.template(inner, scoped, &mut spent.clone(), place)?;
                    }
                    if let Some(inverse) = &block.inverse {
                        self.template(inverse, in_loop, &mut spent.clone(), place)?;
                    }
                }
                _ => {}
            }
            if text.total() > self.limit {
                return Err(Excess {
                    least: text.total(),
                    own: text.total(),
                    helper: None,
                    nested: 0,
                    place,
                });
            }
        }
        Ok(text)
    }

    /// The least a template of text and variables makes.
    pub(super) fn pieces(&self, pieces: &[super::references::Piece]) -> Result<Least, Excess> {
        let mut text = Least::default();
        for piece in pieces {
            match piece {
                super::references::Piece::Text(raw) => text.add(&Least::of_text(raw.as_bytes())),
                super::references::Piece::Variable(path, _) => {
                    text.add(&(self.lookup)(path).in_text());
                }
            }
            if text.total() > self.limit {
                return Err(Excess {
                    least: text.total(),
                    own: text.total(),
                    helper: None,
                    nested: 0,
                    place: None,
                });
            }
        }
        Ok(text)
    }

    fn call(
        &self,
        call: &'a HelperTemplate,
        in_loop: bool,
        spent: &mut u64,
        place: Option<(usize, usize)>,
    ) -> Result<Called<'a>, Excess> {
        let name = match &call.name {
            Parameter::Name(name) => Some(name.as_str()),
            other => named_path(other).and_then(|path| match path.as_slice() {
                [name] if names_helper(name, super::helpers::NAMES) => Some(
                    // The name as the template holds it, for the match below.
                    match other {
                        Parameter::Path(handlebars::Path::Relative((_, written))) => {
                            written.as_str()
                        }
                        _ => "",
                    },
                ),
                _ => None,
            }),
        };
        let Some(name) = name else {
            // A variable.
            let shape = match named_path(&call.name) {
                Some(path) if !in_loop && !path.is_empty() && call.params.is_empty() => {
                    (self.lookup)(&path)
                }
                _ => Shape::Unknown,
            };
            return Ok(Called { shape, nested: 0 });
        };
        let mut arguments = Vec::with_capacity(call.params.len());
        for parameter in &call.params {
            arguments.push(self.parameter(parameter, in_loop, spent, place)?);
        }
        for parameter in call.hash.values() {
            self.parameter(parameter, in_loop, spent, place)?;
        }
        let writer = match name {
            "json" => Writer::Json,
            "base64" => Writer::Base64,
            "urlencode" => Writer::Urlencode,
            // `{{uuid}}` writes 36 characters, `{{now}}` at least 20.
            "uuid" => {
                return Ok(Called {
                    shape: Shape::Text(Least::unknown(36)),
                    nested: 0,
                })
            }
            "now" => {
                return Ok(Called {
                    shape: Shape::Text(Least::unknown(20)),
                    nested: 0,
                })
            }
            _ => {
                return Ok(Called {
                    shape: Shape::Unknown,
                    nested: 0,
                })
            }
        };
        let Some(input) = arguments.first() else {
            return Ok(Called {
                shape: Shape::Unknown,
                nested: 0,
            });
        };
        let written = input.shape.written(writer);
        let nested = input.nested + 1;
        *spent = spent.saturating_add(written.total());
        if *spent > self.limit {
            return Err(Excess {
                least: *spent,
                own: written.total(),
                helper: Some(writer.name()),
                nested,
                place,
            });
        }
        Ok(Called {
            shape: Shape::Text(written),
            nested,
        })
    }

    fn parameter(
        &self,
        parameter: &'a Parameter,
        in_loop: bool,
        spent: &mut u64,
        place: Option<(usize, usize)>,
    ) -> Result<Called<'a>, Excess> {
        let shape = match parameter {
            Parameter::Literal(value) => Shape::Value(value),
            Parameter::Subexpression(sub) => match sub.element.as_ref() {
                TemplateElement::Expression(call) => return self.call(call, in_loop, spent, place),
                _ => Shape::Unknown,
            },
            path => match named_path(path) {
                Some(path) if !in_loop && !path.is_empty() => (self.lookup)(&path),
                _ => Shape::Unknown,
            },
        };
        Ok(Called { shape, nested: 0 })
    }
}

/// Whether `template` calls `json`, `base64` or `urlencode` anywhere.
pub(super) fn grows(template: &Template) -> bool {
    fn calls(helper: &HelperTemplate) -> bool {
        matches!(&helper.name, Parameter::Name(n) if super::helpers::TAKING_A_VALUE.contains(&n.as_str()))
            || helper
                .params
                .iter()
                .chain(helper.hash.values())
                .any(|p| match p {
                    Parameter::Subexpression(sub) => match sub.element.as_ref() {
                        TemplateElement::Expression(inner) => calls(inner),
                        _ => false,
                    },
                    _ => false,
                })
            || helper.template.as_ref().is_some_and(grows)
            || helper.inverse.as_ref().is_some_and(grows)
    }
    template.elements.iter().any(|element| match element {
        TemplateElement::Expression(c)
        | TemplateElement::HtmlExpression(c)
        | TemplateElement::HelperBlock(c) => calls(c),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{RenderError, Template as Compiled, Templates};
    use handlebars::Context;
    use serde_json::json;

    /// Every nesting of `json`, `base64` and `urlencode` up to five deep, over texts and
    /// values of each kind, against a limit of 4 KiB: measured with the value, a template
    /// is refused only where the render stops too, and — when no `urlencode` reads what a
    /// `base64` wrote, the one place the bytes are not known — exactly there, the least it
    /// measures being the length of what it renders; measured without the value (a capture),
    /// it is refused only where the render stops with every value tried.
    #[test]
    fn refuses_only_what_the_render_stops_at_and_exactly_where_it_can_know() {
        const LIMIT: usize = 4 << 10;
        let inputs = [
            json!("hello"),
            json!("\"\\%\u{1}\té a~".repeat(40)),
            json!({"k": [1, "\"x\"", null], "é": 2.5}),
            json!(12345),
            json!(""),
        ];
        let mut templates = Templates::new();
        let mut nestings: Vec<Vec<Writer>> = vec![Vec::new()];
        let (mut refused, mut exact) = (0, 0);
        for _ in 0..5 {
            nestings = nestings
                .iter()
                .flat_map(|n| {
                    [Writer::Json, Writer::Base64, Writer::Urlencode]
                        .map(|w| [vec![w], n.clone()].concat())
                })
                .collect();
            for nesting in &nestings {
                let inner = nesting
                    .iter()
                    .rev()
                    .fold("q".to_owned(), |inner, w| format!("({} {inner})", w.name()));
                let source = format!("{{{{{}}}}}", &inner[1..inner.len() - 1]);
                let Ok(Compiled::Rendered(rendered)) = templates.compile(&source) else {
                    panic!("{source} compiles")
                };
                let compiled = templates
                    .registry
                    .get_template(&rendered.name)
                    .expect("registered");
                // Whether every byte stays known: no `urlencode` outside a `base64`.
                let knowable = !nesting
                    .iter()
                    .skip_while(|w| !matches!(w, Writer::Urlencode))
                    .any(|w| matches!(w, Writer::Base64));
                let mut stops_for_all = true;
                for input in &inputs {
                    let context = Context::from(json!({ "q": input }));
                    let rendered = templates.render_within(
                        &Compiled::Rendered(rendered.clone()),
                        &context,
                        LIMIT,
                    );
                    let stops = matches!(rendered, Err(RenderError::HelperTooLong(_)));
                    stops_for_all &= stops;
                    let known = |_: &[String]| Shape::Value(input);
                    let measured = Measure {
                        lookup: &known,
                        limit: LIMIT as u64,
                    }
                    .template(compiled, false, &mut 0, None);
                    let case = format!("{source} over {input}");
                    match (&measured, &rendered) {
                        (Err(excess), Err(RenderError::HelperTooLong(helper))) => {
                            refused += 1;
                            if knowable {
                                assert_eq!(excess.helper, Some(*helper), "{case}");
                            }
                        }
                        (Err(excess), _) => panic!("{case}: refused ({excess:?}), but renders"),
                        (Ok(least), Ok(text)) if knowable => {
                            assert_eq!(least.total(), text.len() as u64, "{case}");
                            exact += 1;
                        }
                        (Ok(_), Err(error)) if knowable => {
                            panic!("{case}: not refused, but the render stops: {error}")
                        }
                        (Ok(least), Ok(text)) => {
                            assert!(least.total() <= text.len() as u64, "{case}");
                        }
                        (Ok(_), Err(_)) => {}
                    }
                }
                let unknown = |_: &[String]| Shape::Unknown;
                let measured = Measure {
                    lookup: &unknown,
                    limit: LIMIT as u64,
                }
                .template(compiled, false, &mut 0, None);
                if measured.is_err() {
                    assert!(
                        stops_for_all,
                        "{source}: refused for any value, but one renders"
                    );
                }
            }
        }
        assert!(
            refused > 50 && exact > 50,
            "{refused} refused, {exact} exact"
        );
    }

    #[test]
    fn json_lengths_are_serde_jsons() {
        let every_ascii: String = (0..128u8).map(char::from).collect();
        for text in [
            "",
            "plain",
            "\"\\",
            "é🙂\u{7f}\u{1f}\n\t",
            every_ascii.as_str(),
        ] {
            let written = serde_json::to_string(text).expect("a string");
            assert_eq!(json_length(text), written.len(), "{text:?}");
        }
    }
}
