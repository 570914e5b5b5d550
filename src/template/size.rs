//! How long the texts the helpers write are, before they are written.

use std::sync::OnceLock;

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

#[cfg(test)]
mod tests {
    use super::*;

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
