//! A serde `Deserializer` over the scanner's events that gives every visitor the calls
//! yaml_serde 0.10.7 gives it for the same text (its `DeserializerFromEvents`, without the
//! anchors and tags the scanner never lets through). Any error is only a reason to read the
//! document the full way: its messages are the ones users see.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use super::event::Event;
use super::scalar::{
    parse_bool, parse_f64, parse_null, parse_signed_int, parse_unsigned_int, visit_plain,
};

/// Why the fast path gave up; never shown (the full loader reads the document again).
#[derive(Debug)]
pub(super) struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not read by the fast path")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Bail
    }
}

type Result<T> = std::result::Result<T, Bail>;

/// Deserializes one node from `events`, which must hold exactly that node.
pub(super) fn from_events<'a, T: de::Deserialize<'a>>(events: &[Event<'a>]) -> Option<T> {
    let mut de = Deserializer { events, pos: 0 };
    let value = T::deserialize(&mut de).ok()?;
    (de.pos == events.len()).then_some(value)
}

struct Deserializer<'e, 'a> {
    events: &'e [Event<'a>],
    pos: usize,
}

impl<'e, 'a> Deserializer<'e, 'a> {
    fn next(&mut self) -> Result<&'e Event<'a>> {
        let event = self.events.get(self.pos).ok_or(Bail)?;
        self.pos += 1;
        Ok(event)
    }

    fn peek(&self) -> Result<&'e Event<'a>> {
        self.events.get(self.pos).ok_or(Bail)
    }

    /// The next event as a plain scalar's text.
    fn plain(&mut self) -> Result<&'e str> {
        match self.next()? {
            Event::Scalar { text, plain: true } => Ok(text),
            _ => Err(Bail),
        }
    }

    fn sequence<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        let value = visitor.visit_seq(Seq {
            de: self,
            empty: false,
        })?;
        // yaml_serde refuses a list its visitor did not read to the end.
        match self.next()? {
            Event::SeqEnd => Ok(value),
            _ => Err(Bail),
        }
    }

    fn mapping<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        let value = visitor.visit_map(Map {
            de: self,
            empty: false,
        })?;
        match self.next()? {
            Event::MapEnd => Ok(value),
            _ => Err(Bail),
        }
    }

    /// Skips one node.
    fn skip(&mut self) -> Result<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::MapStart | Event::SeqStart => depth += 1,
                Event::MapEnd | Event::SeqEnd => depth = depth.checked_sub(1).ok_or(Bail)?,
                Event::Scalar { .. } => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// A scalar's text to `visitor` as a string, borrowed from the source when it can be.
fn visit_text<'a, V: Visitor<'a>>(visitor: V, text: &Cow<'a, str>) -> Result<V::Value> {
    match text {
        Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
        Cow::Owned(text) => visitor.visit_str(text),
    }
}

fn is_null(text: &str) -> bool {
    text.is_empty() || parse_null(text)
}

impl<'a> de::Deserializer<'a> for &mut Deserializer<'_, 'a> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar { text, plain: true } => {
                let borrowed = match text {
                    Cow::Borrowed(text) => Some(*text),
                    Cow::Owned(_) => None,
                };
                visit_plain(visitor, text, borrowed)
            }
            Event::Scalar { text, plain: false } => visit_text(visitor, text),
            Event::SeqStart => self.sequence(visitor),
            Event::MapStart => self.mapping(visitor),
            Event::SeqEnd | Event::MapEnd => Err(Bail),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(parse_bool(self.plain()?).ok_or(Bail)?)
    }

    fn deserialize_i8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let text = self.plain()?;
        visitor.visit_i64(parse_signed_int(text, i64::from_str_radix).ok_or(Bail)?)
    }

    fn deserialize_i128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let text = self.plain()?;
        visitor.visit_i128(parse_signed_int(text, i128::from_str_radix).ok_or(Bail)?)
    }

    fn deserialize_u8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let text = self.plain()?;
        visitor.visit_u64(parse_unsigned_int(text, u64::from_str_radix).ok_or(Bail)?)
    }

    fn deserialize_u128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let text = self.plain()?;
        visitor.visit_u128(parse_unsigned_int(text, u128::from_str_radix).ok_or(Bail)?)
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(parse_f64(self.plain()?).ok_or(Bail)?)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar { text, .. } => visit_text(visitor, text),
            _ => Err(Bail),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, _visitor: V) -> Result<V::Value> {
        Err(Bail)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, _visitor: V) -> Result<V::Value> {
        Err(Bail)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.peek()? {
            Event::Scalar { text, plain: true } if is_null(text) => {
                self.pos += 1;
                visitor.visit_none()
            }
            Event::SeqEnd | Event::MapEnd => Err(Bail),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if is_null(self.plain()?) {
            visitor.visit_unit()
        } else {
            Err(Bail)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::SeqStart => self.sequence(visitor),
            Event::Scalar { text, plain: true } if text.is_empty() => visitor.visit_seq(Seq {
                de: self,
                empty: true,
            }),
            _ => Err(Bail),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::MapStart => self.mapping(visitor),
            Event::Scalar { text, plain: true } if text.is_empty() => visitor.visit_map(Map {
                de: self,
                empty: true,
            }),
            _ => Err(Bail),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    /// A scalar names a unit variant; anything else would need a YAML tag.
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.peek()? {
            Event::Scalar { .. } => visitor.visit_enum(UnitVariant { de: self }),
            _ => Err(Bail),
        }
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }
}

struct Seq<'d, 'e, 'a> {
    de: &'d mut Deserializer<'e, 'a>,
    empty: bool,
}

impl<'a> de::SeqAccess<'a> for Seq<'_, '_, 'a> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.empty || matches!(self.de.peek()?, Event::SeqEnd) {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

struct Map<'d, 'e, 'a> {
    de: &'d mut Deserializer<'e, 'a>,
    empty: bool,
}

impl<'a> de::MapAccess<'a> for Map<'_, '_, 'a> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.empty || matches!(self.de.peek()?, Event::MapEnd) {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
    }
}

/// An enum written as a scalar: the scalar names the variant, which must be a unit one.
struct UnitVariant<'d, 'e, 'a> {
    de: &'d mut Deserializer<'e, 'a>,
}

impl<'a> de::EnumAccess<'a> for UnitVariant<'_, '_, 'a> {
    type Error = Bail;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        Ok((seed.deserialize(&mut *self.de)?, self))
    }
}

impl<'a> de::VariantAccess<'a> for UnitVariant<'_, '_, 'a> {
    type Error = Bail;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, _seed: T) -> Result<T::Value> {
        Err(Bail)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(Bail)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Bail)
    }
}
