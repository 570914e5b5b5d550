//! The text of a JSON file Postman (or an editor) wrote: UTF-8 with or without a byte-order
//! mark, or UTF-16 (little- or big-endian) with one, as Windows tools save it and newman
//! reads it (newman's own `utf16-le-encoding-in-env` fixture). Anything else is refused with
//! what to do.

use std::fmt;

/// Why a file's bytes are not text the importer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecodable {
    /// Neither UTF-8 nor marked as UTF-16: the offset of the first byte that is not UTF-8.
    NotUtf8(usize),
    /// UTF-16 without its byte-order mark (every other byte is zero, as in UTF-16 of ASCII
    /// text), which could be any encoding.
    Utf16WithoutBom,
    /// Marked as UTF-16 (`le`: little-endian) but not valid UTF-16 from `offset` on (an odd
    /// length, or an unpaired surrogate).
    BadUtf16 {
        /// Little-endian.
        le: bool,
        /// Offset of the first bad unit.
        offset: usize,
    },
    /// Marked as UTF-32, which the importer does not read.
    Utf32,
}

impl fmt::Display for Undecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SAVE: &str = "save it as UTF-8 (Postman exports UTF-8; in an editor: Save with \
                            Encoding → UTF-8) and import it again";
        match self {
            Undecodable::Utf16WithoutBom => write!(
                f,
                "it looks like UTF-16 text saved without a byte-order mark, which runner cannot tell from other encodings: {SAVE} (or as UTF-16 with a byte-order mark)"
            ),
            Undecodable::NotUtf8(offset) => write!(
                f,
                "it is not UTF-8 text (byte {offset} is not UTF-8; UTF-16 with a byte-order mark is read too): {SAVE}"
            ),
            Undecodable::BadUtf16 { le, offset } => write!(
                f,
                "it starts with the byte-order mark of UTF-16{} but is not valid UTF-16 from byte {offset} on: {SAVE}",
                if *le { "LE" } else { "BE" }
            ),
            Undecodable::Utf32 => write!(f, "it is UTF-32 text: {SAVE}"),
        }
    }
}

impl std::error::Error for Undecodable {}

/// The text of a JSON file: UTF-8 (a byte-order mark is left out), or UTF-16LE/BE with its
/// byte-order mark.
pub fn decode(bytes: &[u8]) -> Result<String, Undecodable> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(Undecodable::Utf32);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest).map_err(|offset| Undecodable::NotUtf8(offset + 3));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    if looks_utf16(bytes) {
        return Err(Undecodable::Utf16WithoutBom);
    }
    utf8(bytes).map_err(Undecodable::NotUtf8)
}

fn utf8(bytes: &[u8]) -> Result<String, usize> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| e.valid_up_to())
}

fn utf16(bytes: &[u8], le: bool) -> Result<String, Undecodable> {
    let bad = |offset: usize| Undecodable::BadUtf16 { le, offset };
    let pairs = bytes.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(bad(bytes.len() + 1));
    }
    let units = pairs.map(|pair| {
        let pair = [pair[0], pair[1]];
        if le {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut offset = 2;
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(_) => return Err(bad(offset)),
        }
    }
    Ok(text)
}

/// Whether the first bytes alternate between zero and not, as UTF-16 of ASCII does.
fn looks_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    head.len() >= 4
        && (head.iter().step_by(2).all(|b| *b == 0)
            || head.iter().skip(1).step_by(2).all(|b| *b == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn utf8_and_utf16_with_a_byte_order_mark_are_read() {
        let json = r#"{"name": "Zoë 🦀"}"#;
        assert_eq!(decode(json.as_bytes()).as_deref(), Ok(json));
        let bom = [&[0xEF, 0xBB, 0xBF][..], json.as_bytes()].concat();
        assert_eq!(decode(&bom).as_deref(), Ok(json));
        assert_eq!(decode(&utf16le(json, true)).as_deref(), Ok(json));
        let mut be = vec![0xFE, 0xFF];
        be.extend(json.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).as_deref(), Ok(json));
    }

    #[test]
    fn anything_else_says_what_to_do() {
        let error = decode(&utf16le("{\"a\": 1}", false)).expect_err("no BOM");
        assert_eq!(error, Undecodable::Utf16WithoutBom);
        assert!(
            error.to_string().contains("without a byte-order mark"),
            "{error}"
        );
        assert!(error.to_string().contains("save it as UTF-8"), "{error}");
        let latin1 = b"{\"name\": \"Zo\xeb\"}";
        assert_eq!(decode(latin1), Err(Undecodable::NotUtf8(12)));
        let mut odd = utf16le("{}", true);
        odd.push(b'x');
        assert!(matches!(
            decode(&odd),
            Err(Undecodable::BadUtf16 { le: true, .. })
        ));
        let lone = [0xFF, 0xFE, 0x00, 0xD8, b'{', 0];
        assert_eq!(
            decode(&lone),
            Err(Undecodable::BadUtf16 {
                le: true,
                offset: 2
            })
        );
        assert_eq!(
            decode(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0]),
            Err(Undecodable::Utf32)
        );
    }
}
