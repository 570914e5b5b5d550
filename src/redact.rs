//! The one redactor: every output (terminal, `-v`, reports, error messages) passes through it.
//!
//! Masking is by value: a secret is replaced wherever it appears, in plain, URL-encoded,
//! JSON-escaped and base64 form, so anything rendered from a secret stays masked too.

use std::borrow::Cow;

use base64::Engine as _;

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// The secret values of a run, in every form they may take in output.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    needles: Vec<String>,
}

/// Characters left alone by URL encoding (RFC 3986 unreserved).
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl Redactor {
    /// An empty redactor.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret value (and its encoded forms). Empty values are ignored.
    pub fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let encoded = percent_encoding::utf8_percent_encode(secret, URL_COMPONENT).to_string();
        let form_encoded = encoded.replace("%20", "+");
        let quoted = serde_json::to_string(secret).unwrap_or_default();
        let json = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .unwrap_or(&quoted)
            .to_owned();
        let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
        let base64_trimmed = base64.trim_end_matches('=').to_owned();
        for form in [
            secret.to_owned(),
            encoded,
            form_encoded,
            json,
            base64,
            base64_trimmed,
        ] {
            if !form.is_empty() && !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// True when there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// `text` with every secret replaced by [`MASK`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = Cow::Owned(out.replace(needle.as_str(), MASK));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_form() {
        let mut redactor = Redactor::new();
        redactor.add("s3cr3t/+ \"x\"");
        assert_eq!(redactor.redact("Bearer s3cr3t/+ \"x\""), "Bearer ***");
        assert_eq!(redactor.redact("?t=s3cr3t%2F%2B%20%22x%22"), "?t=***");
        assert_eq!(
            redactor.redact(r#"{"t":"s3cr3t/+ \"x\""}"#),
            r#"{"t":"***"}"#
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr3t/+ \"x\"");
        assert_eq!(redactor.redact(&format!("Basic {b64}")), "Basic ***");
    }

    #[test]
    fn leaves_other_text_alone() {
        let mut redactor = Redactor::new();
        redactor.add("");
        redactor.add("token");
        assert!(matches!(redactor.redact("nothing here"), Cow::Borrowed(_)));
    }
}
