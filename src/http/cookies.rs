//! Cookies: the run's jar (sent and stored on every hop, saved to and loaded from a
//! Netscape cookie file with `--cookie-jar`), and the cookies one response set, for captures
//! and expectations.

use crate::response::SetCookie;
use std::sync::Mutex;

use cookie_store::{CookieDomain, CookieExpiration, CookieStore};
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::Url;

/// The most bytes a cookie's name and value take together (browsers keep 4096).
pub const MAX_COOKIE_BYTES: usize = 4096;

/// The most cookies kept for one domain (Chrome keeps 180; RFC 6265 asks for at least 50).
pub const MAX_COOKIES_PER_DOMAIN: usize = 180;

/// The most cookies the jar keeps (browsers keep 3000).
pub const MAX_COOKIES: usize = 3000;

/// The cookie jar of one run, shared by every collection of the run.
#[derive(Debug, Default)]
pub struct CookieJar {
    store: Mutex<CookieStore>,
    /// When each cookie a server set was stored (a count), by domain, path and name: past a
    /// bound, the oldest goes first. (Cookies loaded from a jar file are older than any.)
    stored: Mutex<Stored>,
}

/// The order cookies were stored in.
#[derive(Debug, Default)]
struct Stored {
    next: u64,
    at: std::collections::HashMap<(String, String, String), u64>,
}

/// A Netscape cookie file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line} of the cookie jar is not a Netscape cookie line (7 tab-separated fields): {reason}")]
pub struct CookieFileError {
    /// 1-based.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl CookieJar {
    /// The cookies the jar holds for `url`, in the order a `Cookie` header lists them: longer
    /// paths first (RFC 6265 §5.4), then by name and domain — the same order on every run (the
    /// store keeps no creation times, and its maps have no order of their own).
    pub fn header_for(&self, url: &Url) -> Vec<(String, String)> {
        let Ok(store) = self.store.lock() else {
            return Vec::new();
        };
        let mut cookies = store.matches(url);
        cookies.sort_by_cached_key(|c| (std::cmp::Reverse(c.path.len()), c.name(), domain_of(c)));
        cookies
            .into_iter()
            .map(|c| (c.name().to_owned(), c.value().to_owned()))
            .collect()
    }

    /// Stores the cookies the response from `url` set, within the bounds browsers keep
    /// (RFC 6265 §6.1): a cookie's name and value together at most [`MAX_COOKIE_BYTES`] (a
    /// larger one is ignored), at most [`MAX_COOKIES_PER_DOMAIN`] unexpired cookies for one
    /// domain and [`MAX_COOKIES`] in all: a new cookie past a bound makes room by removing the
    /// oldest stored (of its domain, or of all), as browsers do. A cookie whose path or domain
    /// holds a control character (a tab would break the jar file's line) is ignored.
    pub fn store(&self, headers: &HeaderMap, url: &Url) {
        let cookies = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
            .filter_map(|v| cookie::Cookie::parse(v.to_owned()).ok())
            // What a `Cookie` header could not carry back as itself, nor the jar file hold.
            .filter(|c| {
                c.name().bytes().all(is_name_byte)
                    && c.name().trim() == c.name()
                    && c.value().bytes().all(is_value_byte)
            })
            // A `Secure` cookie set over plain HTTP is ignored (RFC 6265bis §5.7, as browsers
            // and curl do), but from a loopback host, which browsers count as secure.
            .filter(|c| c.secure() != Some(true) || secure_origin(url))
            .filter(|c| keeps_its_prefix(c, url))
            .collect::<Vec<_>>();
        if cookies.is_empty() {
            return;
        }
        let Ok(mut store) = self.store.lock() else {
            return;
        };
        let Ok(mut stored) = self.stored.lock() else {
            return;
        };
        // Expired cookies (a server's deleted ones) count for nothing: gone once they would
        // hold more than the bound.
        if store.iter_any().count() > MAX_COOKIES {
            let expired: Vec<(String, String, String)> = store
                .iter_any()
                .filter(|c| c.is_expired())
                .map(|c| key_of(c))
                .collect();
            for (domain, path, name) in expired {
                store.remove(&domain, &path, &name);
                stored.at.remove(&(domain, path, name));
            }
        }
        for raw in cookies {
            let Ok(cookie) = cookie_store::Cookie::try_from_raw_cookie(&raw, url) else {
                continue;
            };
            let (domain, path) = (domain_of(&cookie).to_owned(), String::from(&cookie.path));
            if domain.chars().chain(path.chars()).any(char::is_control)
                || raw.name().len() + raw.value().len() > MAX_COOKIE_BYTES
            {
                continue;
            }
            if !store.contains(&domain, &path, raw.name()) && !cookie.is_expired() {
                make_room(&mut store, &mut stored, &domain);
            }
            let key = (domain, path, raw.name().to_owned());
            if store.insert(cookie.into_owned(), url).is_ok() {
                stored.next += 1;
                let next = stored.next;
                stored.at.insert(key, next);
            }
        }
    }

    /// Adds the cookies of a Netscape cookie file (as curl writes with `-c`). Comments and
    /// blank lines are skipped; `#HttpOnly_` marks HttpOnly cookies.
    pub fn load_netscape(&self, text: &str) -> Result<usize, CookieFileError> {
        let mut loaded = 0;
        let mut store = match self.store.lock() {
            Ok(store) => store,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (index, raw_line) in text.lines().enumerate() {
            let line = raw_line.trim_end_matches('\r');
            let (line, http_only) = match line.strip_prefix("#HttpOnly_") {
                Some(rest) => (rest, true),
                None => (line, false),
            };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |reason: &str| CookieFileError {
                line: index + 1,
                reason: reason.to_owned(),
            };
            let fields: Vec<&str> = line.split('\t').collect();
            // Six fields: a cookie with an empty value, whose tab some writers leave out (curl
            // reads it so).
            let (domain, subdomains, path, secure, expires, name, value) = match fields[..] {
                [domain, subdomains, path, secure, expires, name, value] => {
                    (domain, subdomains, path, secure, expires, name, value)
                }
                [domain, subdomains, path, secure, expires, name] => {
                    (domain, subdomains, path, secure, expires, name, "")
                }
                _ => return Err(error(&format!("found {} fields", fields.len()))),
            };
            let host = domain.trim_start_matches('.');
            if host.is_empty() || name.is_empty() {
                return Err(error("the domain and the name must not be empty"));
            }
            // curl writes an IPv6 host bare (`::1`).
            let ipv6 = host.parse::<std::net::Ipv6Addr>().is_ok();
            if host.contains([':', '/']) && !host.starts_with('[') && !ipv6 {
                return Err(error(
                    "the domain holds a port or a path: a cookie's domain is a host name alone",
                ));
            }
            // What a `Cookie` header cannot carry as one cookie (`a;b=c` would send two).
            if !name.bytes().all(is_name_byte) || name.trim() != name {
                return Err(error(
                    "the name holds `=`, `;`, a control character or blanks at an end, which a `Cookie` header cannot carry in a name",
                ));
            }
            if !value.bytes().all(is_value_byte) {
                return Err(error(
                    "the value holds `;` or a control character: in a `Cookie` header, `;` would start another cookie",
                ));
            }
            let secure = secure.eq_ignore_ascii_case("TRUE");
            let expires: i64 = expires
                .parse()
                .map_err(|_| error("the expiry is not a Unix time"))?;
            // 0 is a session cookie; a time before 1970 (`-1`) has passed, as curl reads it.
            if expires < 0 {
                continue;
            }
            let mut builder = cookie::Cookie::build((name.to_owned(), value.to_owned()))
                .path(path.to_owned())
                .secure(secure)
                .http_only(http_only);
            if subdomains.eq_ignore_ascii_case("TRUE") {
                builder = builder.domain(host.to_owned());
            }
            if expires > 0 {
                if let Ok(at) = time::OffsetDateTime::from_unix_timestamp(expires) {
                    builder = builder.expires(at);
                }
            }
            let scheme = if secure { "https" } else { "http" };
            let url_host = if ipv6 {
                format!("[{host}]")
            } else {
                host.to_owned()
            };
            let url = Url::parse(&format!("{scheme}://{url_host}{path}")).map_err(|e| {
                error(&format!(
                    "`{host}{path}` is not a cookie domain and path: {e}"
                ))
            })?;
            if store.insert_raw(&builder.build(), &url).is_ok() {
                loaded += 1;
            }
        }
        Ok(loaded)
    }

    /// Every unexpired cookie, in the Netscape cookie file format (session cookies with
    /// expiry 0, as curl writes them).
    pub fn to_netscape(&self) -> String {
        let mut out = String::from(
            "# Netscape HTTP Cookie File\n# Written by runner; it holds real cookie values: keep it private.\n\n",
        );
        let store = match self.store.lock() {
            Ok(store) => store,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut lines: Vec<String> = store
            .iter_unexpired()
            .filter_map(|c| {
                let (domain, subdomains) = match &c.domain {
                    CookieDomain::HostOnly(d) => (d.clone(), "FALSE"),
                    CookieDomain::Suffix(d) => (format!(".{d}"), "TRUE"),
                    _ => return None,
                };
                let expires = match &c.expires {
                    CookieExpiration::AtUtc(at) => at.unix_timestamp(),
                    CookieExpiration::SessionEnd => 0,
                };
                let prefix = if c.http_only().unwrap_or(false) {
                    "#HttpOnly_"
                } else {
                    ""
                };
                Some(format!(
                    "{prefix}{domain}\t{subdomains}\t{}\t{}\t{expires}\t{}\t{}",
                    String::from(&c.path),
                    if c.secure().unwrap_or(false) {
                        "TRUE"
                    } else {
                        "FALSE"
                    },
                    c.name(),
                    c.value()
                ))
            })
            .collect();
        lines.sort();
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// The cookies set by `headers` (`Set-Cookie`), in order; a value that is not UTF-8 read as
/// Latin-1, as every header value is.
pub fn set_cookies(headers: &HeaderMap) -> Vec<SetCookie> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(crate::response::header_text)
        .filter_map(|v| cookie::Cookie::parse(v).ok())
        .map(|c| SetCookie {
            name: c.name().to_owned(),
            value: c.value().to_owned(),
            domain: c.domain().map(str::to_owned),
            path: c.path().map(str::to_owned),
            secure: c.secure().unwrap_or(false),
            http_only: c.http_only().unwrap_or(false),
            same_site: c.same_site().map(|s| s.to_string()),
            max_age: c.max_age().map(|d| d.whole_seconds()),
            expires: c.expires_datetime().and_then(|at| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
        })
        .collect()
}

/// Removes the oldest stored unexpired cookie of `domain` when it has [`MAX_COOKIES_PER_DOMAIN`],
/// and the oldest of all when the jar has [`MAX_COOKIES`], so that one more fits.
fn make_room(store: &mut CookieStore, stored: &mut Stored, domain: &str) {
    for in_domain in [true, false] {
        let counted =
            |cookie: &&cookie_store::Cookie<'_>| !in_domain || domain_of(cookie) == domain;
        let bound = if in_domain {
            MAX_COOKIES_PER_DOMAIN
        } else {
            MAX_COOKIES
        };
        // Counted first (nothing made); the oldest looked for only at the bound.
        if store.iter_unexpired().filter(counted).count() < bound {
            continue;
        }
        let oldest = store
            .iter_unexpired()
            .filter(counted)
            .map(key_of)
            .min_by_key(|key| stored.at.get(key).copied().unwrap_or(0));
        if let Some((domain, path, name)) = oldest {
            store.remove(&domain, &path, &name);
            stored.at.remove(&(domain, path, name));
        }
    }
}

/// A stored cookie's domain, path and name.
fn key_of(cookie: &cookie_store::Cookie<'_>) -> (String, String, String) {
    (
        domain_of(cookie).to_owned(),
        String::from(&cookie.path),
        cookie.name().to_owned(),
    )
}

/// The domain a cookie was set for (or is host-only to), `""` for none.
fn domain_of<'c>(cookie: &'c cookie_store::Cookie<'_>) -> &'c str {
    match &cookie.domain {
        CookieDomain::HostOnly(host) | CookieDomain::Suffix(host) => host,
        _ => "",
    }
}

/// A cookie named `__Secure-…` is `Secure` and set from a secure origin; one named `__Host-…`
/// is that too, with no `Domain` and `Path=/` (RFC 6265bis §4.1.3, as browsers check them,
/// the prefix in any case). Any other cookie keeps no prefix's promise.
fn keeps_its_prefix(cookie: &cookie::Cookie<'_>, url: &Url) -> bool {
    let name = cookie.name().as_bytes();
    let named = |prefix: &str| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    let secure = cookie.secure() == Some(true) && secure_origin(url);
    if named("__Host-") {
        secure && cookie.domain().is_none() && cookie.path() == Some("/")
    } else if named("__Secure-") {
        secure
    } else {
        true
    }
}

/// `url` may set a `Secure` cookie: `https`, or a loopback host.
fn secure_origin(url: &Url) -> bool {
    url.scheme() == "https"
        || match url.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
}

/// A byte a cookie's name may hold here: not one that would end it or the cookie in a `Cookie`
/// header (`=`, `;`) or break the header (a control character). A blank may be inside (as
/// browsers keep `my sess` from a `Set-Cookie`, and the jar writes it).
fn is_name_byte(byte: u8) -> bool {
    !byte.is_ascii_control() && !b"=;".contains(&byte)
}

/// A byte a cookie's value may hold here: not `;`, which would start another cookie in a
/// `Cookie` header, or a control character, which would break the header. (RFC 6265 allows
/// fewer; curl's jars hold what servers set, blanks and quotes among them, and so may this.)
fn is_value_byte(byte: u8) -> bool {
    !byte.is_ascii_control() && byte != b';'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_netscape_file_round_trips() {
        let jar = CookieJar::default();
        let text = "# Netscape HTTP Cookie File\n\
            .example.com\tTRUE\t/\tFALSE\t4102444800\ttheme\tdark\n\
            #HttpOnly_api.example.com\tFALSE\t/v1\tTRUE\t0\tsession\tabc\n";
        assert_eq!(jar.load_netscape(text).expect("loads"), 2);
        let saved = jar.to_netscape();
        assert!(
            saved.contains(".example.com\tTRUE\t/\tFALSE\t4102444800\ttheme\tdark"),
            "{saved}"
        );
        assert!(
            saved.contains("#HttpOnly_api.example.com\tFALSE\t/v1\tTRUE\t0\tsession\tabc"),
            "{saved}"
        );
        let url = Url::parse("https://api.example.com/v1/x").expect("url");
        let mut sent = jar.header_for(&url);
        sent.sort();
        assert_eq!(
            sent,
            vec![
                ("session".into(), "abc".into()),
                ("theme".into(), "dark".into())
            ]
        );
        assert!(jar
            .header_for(&Url::parse("http://api.example.com/v1/x").expect("url"))
            .iter()
            .all(|(n, _)| n != "session"));
    }

    #[test]
    fn a_secure_cookie_over_plain_http_is_ignored_but_from_loopback() {
        let jar = CookieJar::default();
        let mut headers = HeaderMap::new();
        headers.insert(SET_COOKIE, "s=1; Secure".parse().expect("header"));
        jar.store(&headers, &Url::parse("http://h.example/").expect("url"));
        assert!(jar
            .header_for(&Url::parse("https://h.example/").expect("url"))
            .is_empty());
        jar.store(&headers, &Url::parse("https://h.example/").expect("url"));
        assert_eq!(
            jar.header_for(&Url::parse("https://h.example/").expect("url")),
            vec![("s".into(), "1".into())]
        );
        // Loopback counts as secure, as in browsers: kept, and sent back to it over http.
        let loopback = Url::parse("http://127.0.0.1:8080/").expect("url");
        jar.store(&headers, &loopback);
        assert_eq!(jar.header_for(&loopback), vec![("s".into(), "1".into())]);
    }

    #[test]
    fn lines_curl_reads_are_read_as_curl_reads_them() {
        let jar = CookieJar::default();
        let loaded = jar
            .load_netscape(
                "h.example\tFALSE\t/\tFALSE\t0\tempty\nh.example\tFALSE\t/\tFALSE\t-1\tgone\tx\n",
            )
            .expect("loads");
        assert_eq!(loaded, 1);
        let sent = jar.header_for(&Url::parse("http://h.example/").expect("url"));
        assert_eq!(sent, vec![("empty".into(), String::new())]);
        // curl writes an IPv6 host bare.
        jar.load_netscape("::1\tFALSE\t/\tFALSE\t0\tsix\t6\n")
            .expect("an IPv6 host");
        assert_eq!(
            jar.header_for(&Url::parse("http://[::1]:8080/").expect("url")),
            vec![("six".into(), "6".into())]
        );
        let error = jar
            .load_netscape("h.example:8080\tFALSE\t/\tFALSE\t0\ta\tb\n")
            .expect_err("a port");
        assert!(error.reason.contains("a port"), "{}", error.reason);
    }

    /// A path with a tab is ignored (the jar file could not hold it); a domain's cookies and
    /// a cookie's size are bounded as browsers bound them: a new cookie past the bound makes
    /// room by removing the oldest, and a deleted (expired) one counts for nothing.
    #[test]
    fn cookies_are_kept_within_the_bounds_browsers_keep() {
        let url = Url::parse("http://h.example/p").expect("url");
        let set = |lines: Vec<String>| {
            let mut headers = HeaderMap::new();
            for line in lines {
                headers.append(SET_COOKIE, line.parse().expect("header value"));
            }
            headers
        };
        let jar = CookieJar::default();
        jar.store(&set(vec!["t=1; Path=/p\tq".into(), "ok=1".into()]), &url);
        assert_eq!(jar.header_for(&url), vec![("ok".into(), "1".into())]);
        assert!(!jar.to_netscape().contains("/p\tq"));
        let big = "v".repeat(MAX_COOKIE_BYTES);
        jar.store(&set(vec![format!("big={big}")]), &url);
        assert_eq!(jar.header_for(&url).len(), 1);
        let many: Vec<String> = (0..MAX_COOKIES_PER_DOMAIN + 20)
            .map(|i| format!("c{i:03}={i}"))
            .collect();
        jar.store(&set(many), &url);
        let names = |jar: &CookieJar| -> Vec<String> {
            jar.header_for(&url)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        // The oldest went: `ok`, then `c000` to `c019`.
        let kept = names(&jar);
        assert_eq!(kept.len(), MAX_COOKIES_PER_DOMAIN);
        assert!(!kept.contains(&"ok".to_owned()) && !kept.contains(&"c019".to_owned()));
        assert!(kept.contains(&"c020".to_owned()) && kept.contains(&"c199".to_owned()));
        // A held cookie is replaced in place; a deleted one frees its room.
        jar.store(&set(vec!["c199=new".into()]), &url);
        assert!(names(&jar).contains(&"c020".to_owned()));
        jar.store(
            &set(vec!["c100=; Max-Age=0".into(), "one-more=1".into()]),
            &url,
        );
        let kept = names(&jar);
        assert!(kept.contains(&"one-more".to_owned()) && kept.contains(&"c020".to_owned()));
        assert!(!kept.contains(&"c100".to_owned()));
        // Another domain has its own count, and the jar a total.
        let other = Url::parse("http://other.example/").expect("url");
        jar.store(&set(vec!["o=1".into()]), &other);
        assert_eq!(jar.header_for(&other).len(), 1);
        let jar = CookieJar::default();
        for host in 0..(MAX_COOKIES / MAX_COOKIES_PER_DOMAIN + 1) {
            let url = Url::parse(&format!("http://h{host}.example/")).expect("url");
            let cookies = (0..MAX_COOKIES_PER_DOMAIN)
                .map(|i| format!("c{i}=1"))
                .collect();
            jar.store(&set(cookies), &url);
        }
        let kept = jar.store.lock().expect("jar").iter_any().count();
        assert_eq!(kept, MAX_COOKIES);
    }

    /// `__Host-` and `__Secure-` cookies keep their prefix's promise or are ignored.
    #[test]
    fn prefixed_cookies_keep_their_promise() {
        let set = |line: &str, url: &str| {
            let jar = CookieJar::default();
            let url = Url::parse(url).expect("url");
            let mut headers = HeaderMap::new();
            headers.append(SET_COOKIE, line.parse().expect("header value"));
            jar.store(&headers, &url);
            !jar.header_for(&url).is_empty()
        };
        assert!(set("__Host-a=1; Secure; Path=/", "https://h.example/"));
        assert!(!set("__Host-a=1; Path=/", "https://h.example/"));
        assert!(!set(
            "__host-a=1; Secure; Path=/; Domain=h.example",
            "https://h.example/"
        ));
        assert!(!set("__Host-a=1; Secure; Path=/x", "https://h.example/x"));
        assert!(!set("__Host-a=1; Secure; Path=/", "http://h.example/"));
        assert!(set("__Secure-a=1; Secure", "https://h.example/"));
        assert!(!set("__SECURE-a=1", "https://h.example/"));
        assert!(set("plain=1", "http://h.example/"));
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let jar = CookieJar::default();
        let error = jar
            .load_netscape("# c\nexample.com\tTRUE\n")
            .expect_err("bad");
        assert_eq!(error.line, 2);
    }

    /// What a server sets, the jar writes and loads back: a name with a blank inside too.
    #[test]
    fn a_cookie_set_by_a_server_survives_the_jar_file() {
        let jar = CookieJar::default();
        let mut headers = HeaderMap::new();
        for set in ["my sess=1; Path=/", "plain=2"] {
            headers.append(SET_COOKIE, set.parse().expect("header"));
        }
        let url = Url::parse("http://example.com/").expect("url");
        jar.store(&headers, &url);
        let again = CookieJar::default();
        assert_eq!(again.load_netscape(&jar.to_netscape()).expect("loads"), 2);
        let mut names: Vec<String> = again.header_for(&url).into_iter().map(|(n, _)| n).collect();
        names.sort();
        assert_eq!(names, ["my sess", "plain"]);
    }

    /// Cookies go out longer paths first, then by name: the same order on every run.
    #[test]
    fn cookies_go_out_in_one_order() {
        let mut text = String::from("# jar\n");
        for i in (0..40).rev() {
            text.push_str(&format!("example.com\tFALSE\t/\tFALSE\t0\tc{i:02}\tv\n"));
        }
        text.push_str("example.com\tFALSE\t/deep/path\tFALSE\t0\tz\tv\n");
        let jar = CookieJar::default();
        jar.load_netscape(&text).expect("loaded");
        let url = Url::parse("http://example.com/deep/path/x").expect("url");
        let names: Vec<String> = jar.header_for(&url).into_iter().map(|(n, _)| n).collect();
        let mut want = vec!["z".to_owned()];
        want.extend((0..40).map(|i| format!("c{i:02}")));
        assert_eq!(names, want);
    }

    /// A name or value a `Cookie` header cannot carry as one cookie is refused at its line;
    /// blanks, quotes and bytes beyond ASCII in a value (curl's jars hold them) are kept.
    #[test]
    fn a_cookie_that_would_not_go_out_as_itself_is_refused() {
        let line = |name: &str, value: &str| {
            format!("# jar\nexample.com\tFALSE\t/\tFALSE\t0\t{name}\t{value}\n")
        };
        for (name, value) in [
            ("sess", "a;b=c"),
            ("sess", "a\0b"),
            ("sess", "a\u{7f}"),
            ("a=b", "v"),
            ("a;b", "v"),
            (" a", "v"),
        ] {
            let error = CookieJar::default()
                .load_netscape(&line(name, value))
                .expect_err(value);
            assert_eq!(error.line, 2, "{name:?}={value:?}");
        }
        for value in ["a b", "\"quoted\"", "café", "a,b", ""] {
            let jar = CookieJar::default();
            let loaded = jar.load_netscape(&line("sess", value)).expect(value);
            assert_eq!(loaded, 1, "{value:?}");
        }
    }
}
