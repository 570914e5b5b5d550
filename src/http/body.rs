//! Request bodies at send time: bytes, a file streamed from disk, or multipart parts (files
//! streamed too). A body is attached anew on every hop, so a 307/308 redirect can resend it,
//! and so can a request sent again after its kept-alive connection closed.

use std::path::PathBuf;

use bytes::Bytes;
use reqwest::header::CONTENT_LENGTH;

use super::TransportError;

/// A rendered request body.
#[derive(Debug, Clone, Default)]
pub enum OutgoingBody {
    /// No body.
    #[default]
    None,
    /// Bytes (JSON, text, a form).
    Bytes(Bytes),
    /// A file, streamed.
    File(PathBuf),
    /// `multipart/form-data`.
    Multipart(Vec<OutgoingPart>),
}

/// One rendered multipart field.
#[derive(Debug, Clone)]
pub struct OutgoingPart {
    /// The field name.
    pub name: String,
    /// Text or a file.
    pub content: OutgoingPartContent,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    /// The file name sent with a file.
    pub filename: Option<String>,
}

/// What a multipart field holds.
#[derive(Debug, Clone)]
pub enum OutgoingPartContent {
    /// Text.
    Text(String),
    /// A file, streamed.
    File(PathBuf),
}

impl OutgoingBody {
    /// True when there is no body.
    pub fn is_none(&self) -> bool {
        matches!(self, OutgoingBody::None)
    }

    /// Whether the body can be sent again as it was: bytes are, and so is every file it
    /// streams while it is still a regular file (checked when the collection loaded), opened
    /// anew. One that has since become a pipe gave its bytes once, and opening it again could
    /// wait for a writer that never comes.
    pub(super) async fn can_resend(&self) -> bool {
        async fn regular(path: &std::path::Path) -> bool {
            tokio::fs::metadata(path)
                .await
                .is_ok_and(|metadata| metadata.is_file())
        }
        match self {
            OutgoingBody::None | OutgoingBody::Bytes(_) => true,
            OutgoingBody::File(path) => regular(path).await,
            OutgoingBody::Multipart(parts) => {
                for part in parts {
                    if let OutgoingPartContent::File(path) = &part.content {
                        if !regular(path).await {
                            return false;
                        }
                    }
                }
                true
            }
        }
    }

    /// Attaches the body of a `method` request to `builder`, opening any file now; its
    /// `Content-Length` too, unless the request's headers (`headers`) set one.
    pub(super) async fn attach(
        &self,
        builder: reqwest::RequestBuilder,
        method: &reqwest::Method,
        headers: &reqwest::header::HeaderMap,
    ) -> Result<reqwest::RequestBuilder, TransportError> {
        // An empty body of a method that carries one (POST, PUT, PATCH) is still told,
        // `Content-Length: 0`, as browsers tell it (RFC 9110 §8.6): hyper leaves the header
        // out, and some servers answer 411 without it. Not for a GET, HEAD or DELETE, whose
        // request says nothing of a body (the RFC's "SHOULD NOT").
        let carries_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH");
        let length = |builder: reqwest::RequestBuilder, length: u64| {
            if headers.contains_key(CONTENT_LENGTH) {
                builder
            } else {
                builder.header(CONTENT_LENGTH, length)
            }
        };
        let unreadable = |path: &PathBuf, e: std::io::Error| TransportError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        Ok(match self {
            OutgoingBody::None if carries_body => length(builder, 0),
            OutgoingBody::None => builder,
            OutgoingBody::Bytes(bytes) if bytes.is_empty() && carries_body => {
                length(builder, 0).body(bytes.clone())
            }
            OutgoingBody::Bytes(bytes) => builder.body(bytes.clone()),
            OutgoingBody::File(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| unreadable(path, e))?;
                let metadata = file.metadata().await.map_err(|e| unreadable(path, e))?;
                if metadata.is_file() && metadata.len() > 0 {
                    length(builder, metadata.len()).body(reqwest::Body::from(file))
                } else {
                    // A file whose size reads as 0 (/proc, /sys) or that is no regular file
                    // (a pipe) holds what reading it gives: read it, then send that.
                    let bytes = tokio::fs::read(path)
                        .await
                        .map_err(|e| unreadable(path, e))?;
                    if bytes.is_empty() && !carries_body {
                        builder.body(bytes)
                    } else {
                        length(builder, bytes.len() as u64).body(bytes)
                    }
                }
            }
            OutgoingBody::Multipart(parts) => {
                // Names are written as browsers and curl write them (below), not as RFC 5987's
                // `name*=utf-8''…`, which RFC 7578 §4.2 rules out and parsers such as
                // python-multipart refuse.
                let mut form = reqwest::multipart::Form::new().percent_encode_noop();
                for part in parts {
                    let mut built = match &part.content {
                        OutgoingPartContent::Text(text) => {
                            reqwest::multipart::Part::text(text.clone())
                        }
                        OutgoingPartContent::File(path) => reqwest::multipart::Part::file(path)
                            .await
                            .map_err(|e| unreadable(path, e))?,
                    };
                    // A file part is named after its file unless it says otherwise; either
                    // name escaped here (reqwest's own escaping writes a line break as `\`
                    // and the break, which would start a header of the part).
                    let filename = part.filename.clone().or_else(|| match &part.content {
                        OutgoingPartContent::File(path) => path
                            .file_name()
                            .map(|name| name.to_string_lossy().into_owned()),
                        OutgoingPartContent::Text(_) => None,
                    });
                    if let Some(filename) = filename {
                        built = built.file_name(form_data_escaped(&filename));
                    }
                    if let Some(content_type) = &part.content_type {
                        built = built.mime_str(content_type).map_err(|_| {
                            TransportError::Unsendable {
                                reason: format!("`{content_type}` is not a content type"),
                            }
                        })?;
                    }
                    form = form.part(form_data_escaped(&part.name), built);
                }
                builder.multipart(form)
            }
        })
    }

    /// The body as `-v` shows it: text as is, files and parts described.
    pub fn describe(&self) -> Option<String> {
        match self {
            OutgoingBody::None => None,
            OutgoingBody::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            OutgoingBody::File(path) => Some(format!("[the file {}]", path.display())),
            OutgoingBody::Multipart(parts) => Some(
                parts
                    .iter()
                    .map(|part| {
                        let content_type = part
                            .content_type
                            .as_ref()
                            .map_or(String::new(), |t| format!(" ({t})"));
                        match &part.content {
                            OutgoingPartContent::Text(text) => {
                                format!("[part {}{content_type}] {text}", part.name)
                            }
                            OutgoingPartContent::File(path) => format!(
                                "[part {}{content_type}] the file {}",
                                part.name,
                                path.display()
                            ),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }
}

/// A part's name or file name as the HTML standard writes it in `Content-Disposition` (and
/// curl, and every browser): UTF-8 as it is, with `"`, CR and LF as `%22`, `%0D` and `%0A`,
/// the only characters that would end the quoted value or the header.
fn form_data_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_as_browsers_escape_them() {
        assert_eq!(form_data_escaped("first name"), "first name");
        assert_eq!(form_data_escaped("prénom ✓"), "prénom ✓");
        assert_eq!(form_data_escaped("a\"b\r\nc"), "a%22b%0D%0Ac");
    }
}
