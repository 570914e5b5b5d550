//! A response as the checks judge it: status, headers, body, the final URL, the time it took,
//! the redirects followed and the cookies set. The HTTP client fills one in; expectations,
//! captures and conditions read it, and a unit test builds one in a line.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_ENCODING, CONTENT_TYPE};
use reqwest::Url;

/// What came back for a request.
#[derive(Debug, Clone)]
pub struct Received {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, decoded when it came compressed in one of [`DECODED_ENCODINGS`].
    pub body: Bytes,
    /// The body as UTF-8 text, when its `Content-Type` names another charset that runner
    /// knows (`charset=iso-8859-1`, `utf-16le`, `shift_jis`): what checks, captures and
    /// reports read. `None` when the body names no charset or UTF-8 (it is read as UTF-8).
    /// [`Self::body`] stays the bytes as they came, for snapshots.
    pub charset_text: Option<Bytes>,
    /// From sending the request to the last byte of the body, redirects included.
    pub duration: Duration,
    /// The URL that gave this response (after redirects).
    pub url: Url,
    /// The redirects followed, in order.
    pub redirects: Vec<Redirect>,
    /// The cookies set along the way (every hop), in order.
    pub cookies: Vec<SetCookie>,
}

/// The `Content-Encoding`s runner decodes (and then removes from the headers), in
/// the words of a message.
pub const DECODED_ENCODINGS: &str = "gzip, deflate and br";

/// A header's value as text, the one reading every check, capture and report uses: UTF-8 as
/// it came (`filename="café.pdf"`); a value that is not UTF-8 byte for byte as Latin-1 (a
/// Latin-1 `é`, `0xE9`, is `é`), as browsers (the Fetch standard's "isomorphic decode") and
/// Node read every header value, so no byte is lost. A value is never taken for a missing
/// header because of its bytes.
pub fn header_text(value: &HeaderValue) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().copied().map(char::from).collect()),
    }
}

/// One redirect followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The redirecting status (301, 302, 303, 307, 308).
    pub status: u16,
    /// Where it pointed, resolved against the URL that answered.
    pub to: Url,
    /// The method sent there (a 303, or a 301/302 after a POST, makes it GET).
    pub method: String,
}

/// A cookie as a response set it, with its attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
    /// `Domain`, if given.
    pub domain: Option<String>,
    /// `Path`, if given.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`: `Strict`, `Lax` or `None`.
    pub same_site: Option<String>,
    /// `Max-Age`, in seconds.
    pub max_age: Option<i64>,
    /// `Expires`, as RFC 3339 text.
    pub expires: Option<String>,
}

impl Received {
    /// A response with `status`, `body` and no headers, from `url`: a start for tests.
    pub fn new(status: u16, url: Url, body: impl Into<Bytes>) -> Self {
        Received {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
            charset_text: None,
            duration: Duration::ZERO,
            url,
            redirects: Vec::new(),
            cookies: Vec::new(),
        }
    }

    /// The value of header `name` (case-insensitive), as [`header_text`] reads it; a header
    /// sent on several lines is their values joined by `, `, in order (RFC 9110 §5.3: one
    /// header's field lines are one list), a line that repeats an earlier one's value left out
    /// (a proxy that sends `Content-Type: application/json` twice sends one type; a coding
    /// named twice is applied twice, and kept). `None`
    /// only when the response has no such header.
    pub fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        let all = self.headers.get_all(name);
        let mut values = all.iter();
        let first = values.next()?;
        let Some(second) = values.next() else {
            return Some(header_text(first));
        };
        // Codings are applied once per time they are named: `gzip` twice is gzip twice.
        let codings = name.eq_ignore_ascii_case("content-encoding")
            || name.eq_ignore_ascii_case("transfer-encoding");
        let mut seen: Vec<&HeaderValue> = vec![first];
        let mut joined = header_text(first).into_owned();
        for value in std::iter::once(second).chain(values) {
            if !codings && seen.contains(&value) {
                continue;
            }
            seen.push(value);
            joined.push_str(", ");
            joined.push_str(&header_text(value));
        }
        Some(Cow::Owned(joined))
    }

    /// The body as JSON is read from it: without a leading UTF-8 byte order mark, which
    /// RFC 8259 lets a parser ignore and a browser's `fetch(…).json()` ignores (the Fetch
    /// standard decodes JSON with "UTF-8 decode", which drops it); some servers send one.
    /// A body whose `Content-Type` names another charset is read in it, as Hurl and Postman
    /// read it ([`Self::charset_text`]).
    pub fn json_bytes(&self) -> &[u8] {
        let text = self.text_bytes();
        text.strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(text)
    }

    /// The body as text: in the charset its `Content-Type` names, else UTF-8, a byte that
    /// does not read replaced by U+FFFD.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.text_bytes())
    }

    /// The bytes of the body's text: [`Self::charset_text`] when there is one, else the body.
    fn text_bytes(&self) -> &[u8] {
        self.charset_text.as_deref().unwrap_or(&self.body)
    }

    /// The `Content-Encoding` the body still has, when it is one the client does not decode
    /// (`zstd`, `compress`): the body is then as the server compressed it. `identity` is no
    /// encoding, and an empty body (a `HEAD`'s) is not compressed whatever its headers say.
    pub fn undecoded_encoding(&self) -> Option<String> {
        if self.body.is_empty() {
            return None;
        }
        let encoding = self.header(CONTENT_ENCODING.as_str())?;
        let encoding = encoding.trim();
        (!encoding.is_empty() && !encoding.eq_ignore_ascii_case("identity"))
            .then(|| encoding.to_owned())
    }

    /// The `Content-Type` header, or `""`.
    pub fn content_type(&self) -> Cow<'_, str> {
        self.header(CONTENT_TYPE.as_str()).unwrap_or_default()
    }

    /// The method that got this response: `sent`, or the one a redirect changed it to.
    pub fn final_method<'a>(&'a self, sent: &'a str) -> &'a str {
        self.redirects.last().map_or(sent, |r| r.method.as_str())
    }

    /// The last cookie named `name` that the response (or a redirect on the way) set.
    pub fn cookie(&self, name: &str) -> Option<&SetCookie> {
        self.cookies.iter().rev().find(|c| c.name == name)
    }
}
