//! JSON values as a collection writes them (`vars`, `json:` bodies, GraphQL variables,
//! `for_each` lists, expected values), read so that nothing written is silently changed:
//! YAML's `.inf`, `-.inf` and `.nan` are numbers no JSON text can hold, and serde_json's own
//! reading makes them `null`. Here they are refused where they are written, with how to
//! write the text instead.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::map::Map;

/// A JSON value read by [`Strict`]'s rules; the fields of the format hold the `Value` inside.
pub struct Strict(pub Value);

/// serde_json's message for `error` without its own ` at line L column C` (the caller places
/// the problem), and in plain words where serde_json's are obscure: a `\uD800`–`\uDFFF`
/// escape without its other half (serde_json says "unexpected end of hex escape" or "lone
/// leading surrogate in hex escape").
pub fn error_text(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |at| &message[..at]);
    if message == "unexpected end of hex escape" || message.contains("surrogate") {
        return "an escape from `\\uD800` to `\\uDFFF` without its other half: such escapes \
                come in pairs (`\\ud83d\\ude00` is one emoji), and one alone is no character; \
                write the pair, or the character itself"
            .to_owned();
    }
    message.to_owned()
}

/// What a number JSON cannot hold says, where it is written.
pub fn not_a_json_number(number: f64) -> String {
    let written = if number.is_nan() {
        ".nan"
    } else if number > 0.0 {
        ".inf"
    } else {
        "-.inf"
    };
    format!(
        "`{written}` is a YAML number that JSON cannot hold (JSON has no infinity or NaN); \
         quote it to mean the text: '{written}'"
    )
}

/// `number` as a JSON number, or the error [`not_a_json_number`] describes.
pub fn number<E: de::Error>(number: f64) -> Result<Value, E> {
    serde_json::Number::from_f64(number)
        .map(Value::Number)
        .ok_or_else(|| E::custom(not_a_json_number(number)))
}

/// JSON equality where numbers compare by value (`1` equals `1.0`, [`numbers_equal`]);
/// objects compare as maps, whatever order their members came in.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// Two numbers compare by value: `1` equals `1.0` and `-0.0` equals `0`. Two integers compare
/// exactly (`18446744073709551615` is not `18446744073709551614`, though both are the same
/// floating point number), an integer and a float exactly too (the float must be that
/// integer), two floats as floats.
pub fn numbers_equal(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    match (integer(x), integer(y)) {
        (Some(a), Some(b)) => a == b,
        (Some(a), None) => y.as_f64().is_some_and(|f| float_is(f, a)),
        (None, Some(b)) => x.as_f64().is_some_and(|f| float_is(f, b)),
        (None, None) => x.as_f64() == y.as_f64(),
    }
}

/// The order of two numbers by value, exactly as [`numbers_equal`] compares them: two integers
/// as integers (`1234567890123456790 > 1234567890123456789`, which floating point cannot
/// tell apart), an integer and a float exactly, two floats as floats.
pub fn numbers_cmp(x: &serde_json::Number, y: &serde_json::Number) -> Option<std::cmp::Ordering> {
    match (integer(x), integer(y)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        (Some(a), None) => y.as_f64().and_then(|f| integer_cmp_float(a, f)),
        (None, Some(b)) => x
            .as_f64()
            .and_then(|f| integer_cmp_float(b, f))
            .map(std::cmp::Ordering::reverse),
        (None, None) => x.as_f64()?.partial_cmp(&y.as_f64()?),
    }
}

/// The order of the integer `n` and the float `f`, exactly.
fn integer_cmp_float(n: i128, f: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    // 2^127: every integral float below it in magnitude converts to i128 exactly.
    const LIMIT: f64 = 1.7014118346046923e38;
    if f.is_nan() {
        return None;
    }
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f <= -LIMIT {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // Equal whole parts: the fraction decides (`3 < 3.5`, `-3 > -3.5`).
    Some(n.cmp(&(whole as i128)).then(0.0.partial_cmp(&(f - whole))?))
}

/// A number held as an integer (`i64` or `u64`), exactly.
fn integer(number: &serde_json::Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// True when the float `f` is exactly the integer `n`.
fn float_is(f: f64, n: i128) -> bool {
    // 2^127: every integral float below it in magnitude converts to i128 exactly.
    const LIMIT: f64 = 1.7014118346046923e38;
    f.fract() == 0.0 && f.abs() < LIMIT && f as i128 == n
}

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        number(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        value(deserializer)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        value(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((key, Strict(item))) = map.next_entry::<String, Strict>()? {
            object.insert(key, item);
        }
        Ok(Value::Object(object))
    }
}

/// A JSON value (`#[serde(deserialize_with = "json::value")]`).
pub fn value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Strict::deserialize(deserializer).map(|strict| strict.0)
}

/// An optional JSON value.
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Option::<Strict>::deserialize(deserializer).map(|strict| strict.map(|s| s.0))
}

/// A mapping of names to JSON values, in the order written.
pub fn map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    Map::<String, Strict>::deserialize(deserializer)
        .map(|map| map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// An optional mapping of names to JSON values.
pub fn optional_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Map<String, Value>>, D::Error> {
    Option::<Map<String, Strict>>::deserialize(deserializer)
        .map(|map| map.map(|map| map.into_iter().map(|(k, v)| (k, v.0)).collect()))
}

/// An optional list of JSON values.
pub fn optional_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Value>>, D::Error> {
    Option::<Vec<Strict>>::deserialize(deserializer)
        .map(|list| list.map(|list| list.into_iter().map(|s| s.0).collect()))
}

/// A YAML or JSON map of names to values read by the rules of a collection's `vars` (a
/// `--vars-file`): a key written twice, `.nan` and `.inf` are refused, where they are written.
pub fn yaml_map(text: &str) -> Result<serde_json::Map<String, Value>, serde_yaml::Error> {
    let text = super::block_scalar::readable(text);
    super::duplicates::check(&text)?;
    let map: Map<String, Strict> = serde_yaml::from_str(&text)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<Value, String> {
        serde_yaml::from_str::<Strict>(yaml)
            .map(|s| s.0)
            .map_err(|e| e.to_string())
    }

    /// serde_json's problems without their place, a lone surrogate escape in plain words,
    /// whichever half stands alone and whatever follows it.
    #[test]
    fn a_json_problem_is_told_without_its_place_and_a_lone_surrogate_plainly() {
        let text = |json: &str| error_text(&serde_json::from_str::<Value>(json).expect_err(json));
        assert_eq!(text("[1,\n 2 x]"), "expected `,` or `]`");
        for lone in [
            r#"["\ud800"]"#,
            r#"["\ud800x"]"#,
            r#"["\ud800\u0041"]"#,
            r#"["\udc00"]"#,
            r#"{"a": "\uDBFF\n"}"#,
        ] {
            let said = text(lone);
            assert!(
                said.starts_with("an escape from `\\uD800` to `\\uDFFF` without its other half"),
                "{lone}: {said}"
            );
        }
        // A pair is a character.
        assert!(serde_json::from_str::<Value>(r#"["\ud83d\ude00"]"#).is_ok());
    }

    /// The order agrees with equality and is exact past 2^53, for every pair of a generated
    /// set of integers and floats near the edges (checked against i128 and exact rationals).
    #[test]
    fn numbers_are_ordered_by_value_and_integers_exactly() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let number = |text: &str| -> serde_json::Number { serde_json::from_str(text).expect(text) };
        let cases = [
            ("1234567890123456790", "1234567890123456789", Greater),
            ("18446744073709551615", "18446744073709551614", Greater),
            ("-9223372036854775808", "-9223372036854775807", Less),
            ("9007199254740993", "9007199254740992.0", Greater),
            ("9007199254740992", "9007199254740992.0", Equal),
            ("3", "3.5", Less),
            ("-3", "-3.5", Greater),
            ("-3", "-2.5", Less),
            ("0", "-0.0", Equal),
            ("1", "1e300", Less),
            ("18446744073709551615", "-1e300", Greater),
            ("1.5", "2.5", Less),
        ];
        for (a, b, order) in cases {
            assert_eq!(
                numbers_cmp(&number(a), &number(b)),
                Some(order),
                "{a} ? {b}"
            );
            assert_eq!(
                numbers_cmp(&number(b), &number(a)),
                Some(order.reverse()),
                "{b} ? {a}"
            );
            assert_eq!(
                numbers_equal(&number(a), &number(b)),
                order == Equal,
                "{a} = {b}"
            );
        }
        // Every pair of integers around 2^53 and 2^63 and their floats: as i128 orders them.
        let mut integers = Vec::new();
        for base in [1i128 << 53, 1i128 << 63, -(1i128 << 53), -(1i128 << 63)] {
            for delta in -3..=3 {
                let n = base + delta;
                if i64::try_from(n).is_ok() || u64::try_from(n).is_ok() {
                    integers.push(n);
                }
            }
        }
        for &a in &integers {
            for &b in &integers {
                let (x, y) = (number(&a.to_string()), number(&b.to_string()));
                assert_eq!(numbers_cmp(&x, &y), Some(a.cmp(&b)), "{a} ? {b}");
                // Against b as a float: the float is an integer, exactly `b as f64`.
                let float = b as f64;
                let exact = float as i128;
                let y = serde_json::Number::from_f64(float).expect("finite");
                assert_eq!(numbers_cmp(&x, &y), Some(a.cmp(&exact)), "{a} ? {float}");
            }
        }
    }

    #[test]
    fn numbers_compare_by_value_and_integers_exactly() {
        let equal_pairs = [
            ("1", "1.0"),
            ("-0.0", "0"),
            ("100", "1e2"),
            ("1.5", "1.50"),
            ("9007199254740993", "9007199254740993"),
            ("18446744073709551615", "18446744073709551615"),
            ("-9223372036854775808", "-9223372036854775808.0"),
            ("{\"a\": [1, 2.0]}", "{\"a\": [1.0, 2]}"),
        ];
        for (a, b) in equal_pairs {
            let (a, b): (Value, Value) = (
                serde_json::from_str(a).expect(a),
                serde_json::from_str(b).expect(b),
            );
            assert!(equal(&a, &b), "{a} = {b}");
            assert!(equal(&b, &a), "{b} = {a}");
        }
        // Integers beyond what a float holds exactly: the same float, not the same value.
        let unequal_pairs = [
            ("18446744073709551615", "18446744073709551614"),
            ("9007199254740993", "9007199254740992"),
            ("9007199254740993", "9007199254740992.0"),
            ("1", "1.5"),
            ("1", "\"1\""),
            ("[1, 2]", "[2, 1]"),
        ];
        for (a, b) in unequal_pairs {
            let (a, b): (Value, Value) = (
                serde_json::from_str(a).expect(a),
                serde_json::from_str(b).expect(b),
            );
            assert!(!equal(&a, &b), "{a} != {b}");
            assert!(!equal(&b, &a), "{b} != {a}");
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let yaml = "{a: [1, -2, 1.5, 'x', true, ~], b: {c: .5e3}, 7: seven}";
        let expected: Value = serde_yaml::from_str(yaml).expect("YAML");
        assert_eq!(read(yaml), Ok(expected));
    }

    #[test]
    fn numbers_json_cannot_hold_are_refused_where_they_are_written() {
        for (yaml, written) in [
            ("[1, .inf]", ".inf"),
            ("{a: {b: -.Inf}}", "-.inf"),
            ("x: .NaN", ".nan"),
        ] {
            let error = read(yaml).expect_err(yaml);
            assert!(
                error.contains(&format!("`{written}` is a YAML number")),
                "{error}"
            );
            assert!(error.contains("line 1"), "{error}");
        }
        assert_eq!(read("'.inf'"), Ok(Value::String(".inf".into())));
    }
}
