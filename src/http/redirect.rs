//! Redirects, followed by runner itself (reqwest's policy is `none`) so that it decides what
//! each hop carries: `Authorization`, `Cookie`, `Proxy-Authorization` and auth-helper
//! credentials go only to the request's own origin (scheme, host and port), and the chain is
//! recorded for `-v`, captures and expectations.

use std::borrow::Cow;

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, Url};

/// The next hop of a redirect: where, with which method, and whether the body goes along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hop {
    pub(super) url: Url,
    pub(super) method: Method,
    pub(super) keep_body: bool,
}

/// The hop a response asks for, if it is a redirect with a usable `Location`.
pub(super) fn next(status: u16, headers: &HeaderMap, from: &Url, method: &Method) -> Option<Hop> {
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = reference(headers.get(LOCATION)?.as_bytes());
    let url = from.join(&location).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    // What browsers and curl do: 303 turns into GET (HEAD stays HEAD); 301 and 302 turn a
    // POST into GET; 307 and 308 repeat the request as it was.
    let (method, keep_body) = match status {
        303 if *method != Method::HEAD => (Method::GET, false),
        301 | 302 if *method == Method::POST => (Method::GET, false),
        _ => (method.clone(), true),
    };
    Some(Hop {
        url,
        method,
        keep_body,
    })
}

/// True when `a` and `b` have the same scheme, host and port: credentials may go along.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A `Location` value as a URL reference. UTF-8 is taken as it is (the URL parser
/// percent-encodes it, or maps a host to punycode, as browsers do); a value that is not UTF-8
/// (a Latin-1 path) has each byte above ASCII percent-encoded, as curl sends it.
fn reference(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => percent_encoding::percent_encode(bytes, percent_encoding::CONTROLS).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(status: u16, location: &str, method: Method) -> Option<Hop> {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, location.parse().expect("header"));
        next(
            status,
            &headers,
            &Url::parse("http://a.test/x/y").expect("url"),
            &method,
        )
    }

    #[test]
    fn a_location_that_is_not_ascii_is_followed_byte_for_byte() {
        let from = Url::parse("http://a.test/x/y").expect("url");
        for (bytes, want) in [
            (
                &b"/caf\xc3\xa9?q=\xc3\xa9"[..],
                "http://a.test/caf%C3%A9?q=%C3%A9",
            ),
            (&b"/caf\xe9"[..], "http://a.test/caf%E9"),
            (
                &b"http://b\xc3\xbccher.test/"[..],
                "http://xn--bcher-kva.test/",
            ),
        ] {
            let mut headers = HeaderMap::new();
            let value = reqwest::header::HeaderValue::from_bytes(bytes).expect("header");
            headers.insert(LOCATION, value);
            let hop = next(302, &headers, &from, &Method::GET).expect("a hop");
            assert_eq!(hop.url.as_str(), want, "{bytes:?}");
        }
    }

    #[test]
    fn methods_and_bodies_follow_the_status() {
        let h = hop(303, "/z", Method::POST).expect("hop");
        assert_eq!(
            (h.url.as_str(), h.method, h.keep_body),
            ("http://a.test/z", Method::GET, false)
        );
        let h = hop(307, "http://b.test/", Method::POST).expect("hop");
        assert_eq!((h.method, h.keep_body), (Method::POST, true));
        let h = hop(302, "z", Method::PUT).expect("hop");
        assert_eq!(
            (h.url.as_str(), h.method),
            ("http://a.test/x/z", Method::PUT)
        );
        assert!(hop(200, "/z", Method::GET).is_none());
        assert!(hop(302, "http://[::1", Method::GET).is_none());
        assert!(hop(302, "ftp://x/", Method::GET).is_none());
    }

    #[test]
    fn origins_include_the_port() {
        let u = |s: &str| Url::parse(s).expect("url");
        assert!(same_origin(&u("http://h/a"), &u("http://h:80/b")));
        assert!(!same_origin(&u("http://h:1/a"), &u("http://h:2/a")));
        assert!(!same_origin(&u("http://h/a"), &u("https://h/a")));
    }
}
