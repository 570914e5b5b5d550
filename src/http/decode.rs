//! Decoding a body once it has been read whole.
//!
//! - Content codings: RFC 9110 §8.4.1 makes coding names case-insensitive and `x-gzip` the
//!   same as `gzip`, and lets a body carry several codings in the order they were applied
//!   (`gzip, br`, on one line or on several). reqwest's own decoders take only `gzip`,
//!   `deflate` or `br` alone, in lower case, and on a body with several `Content-Encoding`
//!   lines took one coding off and dropped the header, so runner decodes every body here
//!   ([`content_codings`]), within the body limit, and offers the three in `Accept-Encoding` itself.
//! - Charsets: a body whose `Content-Type` names a charset other than UTF-8
//!   (`text/plain; charset=iso-8859-1`) is read as that charset, as Hurl and Postman read it;
//!   [`charset_text`] gives it as UTF-8, decoded as the WHATWG Encoding Standard (browsers)
//!   decodes it.

use std::io::Read;

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, RANGE,
};

/// The first two bytes of every gzip member (RFC 1952 §2.3.1).
const GZIP_MAGIC: &[u8] = &[0x1F, 0x8B];

/// The most members of one gzip body runner reads: each costs a decoder's setup (tens of
/// KiB), so a body of millions of empty members would take minutes while decoding to nothing.
/// Real bodies have one, or a few concatenated.
const MAX_GZIP_MEMBERS: usize = 1000;

/// The codings runner offers a server (`Accept-Encoding`), as reqwest offered them.
pub(super) const OFFERED: &str = "gzip,deflate,br";

/// The `Accept-Encoding` to send with a request whose headers are `headers`: runner's offer,
/// unless the request sets its own or asks for a `Range` (a part of a compressed body would
/// not decode), as reqwest's decoders did.
pub fn accept_encoding(headers: &HeaderMap) -> Option<HeaderValue> {
    (!headers.contains_key(ACCEPT_ENCODING) && !headers.contains_key(RANGE))
        .then(|| HeaderValue::from_static(OFFERED))
}

/// A coding of `Content-Encoding` runner decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

/// What a name in `Content-Encoding` names.
enum Named {
    /// A coding runner decodes.
    Known(Coding),
    /// `identity`, or nothing (`gzip,`): no coding.
    Identity,
    /// A coding runner does not decode (`zstd`, `compress`).
    Unknown,
}

impl Coding {
    /// What `name` names (any case, `x-gzip` as gzip).
    fn named(name: &str) -> Named {
        let name = name.trim();
        if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            Named::Known(Coding::Gzip)
        } else if name.eq_ignore_ascii_case("deflate") {
            Named::Known(Coding::Deflate)
        } else if name.eq_ignore_ascii_case("br") {
            Named::Known(Coding::Brotli)
        } else if name.eq_ignore_ascii_case("identity") || name.is_empty() {
            Named::Identity
        } else {
            Named::Unknown
        }
    }

    /// What `body` holds under this coding, at most `limit` bytes. A gzip body is read to the
    /// end of its last member (RFC 1952 §2.2: a body may be several; at most
    /// [`MAX_GZIP_MEMBERS`]), and bytes after a member that do not start another are left, as
    /// urllib3 and browsers leave them. HTTP's
    /// `deflate` is a zlib stream (RFC 9110 §8.4.1.2); a raw deflate stream, which some
    /// servers send, is read too, as browsers read it.
    fn decode(self, body: &[u8], limit: u64) -> Result<Vec<u8>, Undecodable> {
        let mut out = Vec::new();
        match self {
            Coding::Gzip => {
                if !body.starts_with(GZIP_MAGIC) {
                    return Err(Undecodable::Broken(
                        "it does not start as gzip does: is it compressed at all?".to_owned(),
                    ));
                }
                let mut rest = body;
                for _ in 0..MAX_GZIP_MEMBERS {
                    let mut member = flate2::bufread::GzDecoder::new(rest);
                    read_into(&mut member, &mut out, limit)?;
                    rest = member.into_inner();
                    if !rest.starts_with(GZIP_MAGIC) {
                        return Ok(out);
                    }
                }
                return Err(Undecodable::Broken(format!(
                    "it holds more than {MAX_GZIP_MEMBERS} gzip members, the most runner reads"
                )));
            }
            Coding::Deflate if zlib_header(body) => {
                read_into(flate2::read::ZlibDecoder::new(body), &mut out, limit)?;
            }
            Coding::Deflate => {
                read_into(flate2::read::DeflateDecoder::new(body), &mut out, limit)?;
            }
            Coding::Brotli => read_into(
                brotli_decompressor::Decompressor::new(body, 4096),
                &mut out,
                limit,
            )?,
        }
        Ok(out)
    }
}

/// Reads all `reader` gives onto `out`, which may then hold at most `limit` bytes.
fn read_into(reader: impl Read, out: &mut Vec<u8>, limit: u64) -> Result<(), Undecodable> {
    let room = limit.saturating_sub(out.len() as u64);
    reader
        .take(room.saturating_add(1))
        .read_to_end(out)
        .map_err(|error| {
            Undecodable::Broken(super::error::decoding_reason(
                error.kind(),
                error.to_string(),
            ))
        })?;
    if out.len() as u64 > limit {
        return Err(Undecodable::TooLarge);
    }
    Ok(())
}

/// Whether `body` starts with a zlib header (RFC 1950 §2.2: deflate, and a check sum of the
/// two bytes).
fn zlib_header(body: &[u8]) -> bool {
    match body {
        [cmf, flg, ..] => cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

/// Why a body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum Undecodable {
    /// Decoded, it is larger than the body limit.
    TooLarge,
    /// It is not what its `Content-Encoding` says: what the decoder found.
    Broken(String),
    /// Decoding it took longer than the time left of the request's timeout.
    TimedOut,
}

/// `body` decoded by the codings its `Content-Encoding` names, when runner decodes every one
/// of them (any case, `x-gzip`, several in order), with `Content-Encoding` and
/// `Content-Length` then removed from `headers`, as HTTP clients remove them. A body with a
/// coding runner does not decode (`zstd`) is left as it came, and its headers with it, as is
/// an empty body (a `HEAD`'s, a `304`'s: its headers describe the body a `GET` would get).
/// The decoded body may take at most `max_body` bytes.
pub fn content_codings(
    headers: &mut HeaderMap,
    body: Bytes,
    max_body: u64,
) -> Result<Bytes, Undecodable> {
    if body.is_empty() || !headers.contains_key(CONTENT_ENCODING) {
        return Ok(body);
    }
    let mut applied = Vec::new();
    for line in headers.get_all(CONTENT_ENCODING) {
        let Ok(line) = line.to_str() else {
            return Ok(body);
        };
        for name in line.split(',') {
            match Coding::named(name) {
                Named::Known(coding) => applied.push(coding),
                Named::Identity => {}
                Named::Unknown => return Ok(body),
            }
        }
    }
    if applied.is_empty() {
        return Ok(body);
    }
    let mut decoded = body;
    // The last coding named was applied last: it comes off first.
    for coding in applied.into_iter().rev() {
        decoded = Bytes::from(coding.decode(&decoded, max_body)?);
    }
    headers.remove(CONTENT_ENCODING);
    headers.remove(CONTENT_LENGTH);
    Ok(decoded)
}

/// The `charset` parameter of a `Content-Type` value (`text/plain; charset="latin1"` →
/// `latin1`).
fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').trim())
    })
}

/// `body` as UTF-8 text, when `headers`' `Content-Type` names a charset other than UTF-8 that
/// the Encoding Standard knows (`iso-8859-1` and `latin1` read as `windows-1252`, as browsers
/// read them; `shift_jis`, `utf-16le`, …): a byte order mark at its start wins over the label,
/// and a byte the charset cannot read is U+FFFD. `None` — the body is then read as UTF-8 —
/// when the body names no charset or one runner does not know (or one the standard reads as
/// nothing but U+FFFD, `iso-2022-kr`), when it reads the same in the charset as in UTF-8 (all
/// ASCII), when it is still compressed in a coding runner does not decode, and for a JSON
/// body that is valid UTF-8 under a label that reads ASCII as ASCII (not UTF-16): RFC 8259
/// §11 gives `application/json` no charset, and a server that labels its UTF-8 JSON
/// `charset=iso-8859-1` (a framework's default) means UTF-8.
pub fn charset_text(headers: &HeaderMap, body: &Bytes) -> Option<Bytes> {
    let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let label = charset(content_type)?;
    let labelled = encoding_rs::Encoding::for_label(label.as_bytes())?;
    let encoding = encoding_rs::Encoding::for_bom(body).map_or(labelled, |(bom, _)| bom);
    if encoding == encoding_rs::UTF_8
        || encoding == encoding_rs::REPLACEMENT
        || (!body.is_empty() && still_compressed(headers))
        || (is_json(content_type)
            && encoding.is_ascii_compatible()
            && simdutf8::basic::from_utf8(body).is_ok())
    {
        return None;
    }
    match encoding.decode(body).0 {
        // All of it read as it is (ASCII): the body is its own text.
        std::borrow::Cow::Borrowed(text) if text.len() == body.len() => None,
        std::borrow::Cow::Borrowed(text) => Some(body.slice_ref(text.as_bytes())),
        std::borrow::Cow::Owned(text) => Some(Bytes::from(text.into_bytes())),
    }
}

/// Whether `headers` name a coding other than `identity`: after [`content_codings`], one runner
/// does not decode.
fn still_compressed(headers: &HeaderMap) -> bool {
    headers.get_all(CONTENT_ENCODING).iter().any(|line| {
        line.to_str().map_or(true, |line| {
            line.split(',')
                .any(|name| !matches!(Coding::named(name), Named::Identity))
        })
    })
}

/// Whether a `Content-Type` value is JSON's: `application/json`, or any `+json` type
/// (`application/problem+json`).
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let subtype = essence.rsplit('/').next().unwrap_or_default();
    subtype.eq_ignore_ascii_case("json")
        || subtype
            .len()
            .checked_sub(5)
            .and_then(|start| subtype.get(start..))
            .is_some_and(|end| end.eq_ignore_ascii_case("+json"))
}

/// A body read whole, made ready for checks.
pub struct Prepared {
    /// The headers, without `Content-Encoding` and `Content-Length` once decoded.
    pub headers: HeaderMap,
    /// The body, decoded.
    pub body: Bytes,
    /// Its text, when its charset is not UTF-8 ([`charset_text`]).
    pub charset_text: Option<Bytes>,
}

/// Bodies at least this long are decoded on a thread of the blocking pool, so that the run's
/// other requests (`--jobs`) go on meanwhile: inflating 256 MiB takes about a second.
const OFF_THE_WORKERS: usize = 256 * 1024;

/// `body` and `headers` made ready for checks: decoded by their codings ([`content_codings`],
/// within `max_body`) and with the body's text in its charset ([`charset_text`]), within
/// `time`, what is left of the request's timeout.
pub async fn prepare(
    mut headers: HeaderMap,
    body: Bytes,
    max_body: u64,
    time: std::time::Duration,
) -> Result<Prepared, Undecodable> {
    let off_the_workers = body.len() >= OFF_THE_WORKERS && headers.contains_key(CONTENT_ENCODING);
    let decode = move || {
        let body = content_codings(&mut headers, body, max_body)?;
        let charset_text = charset_text(&headers, &body);
        Ok(Prepared {
            headers,
            body,
            charset_text,
        })
    };
    if !off_the_workers {
        return decode();
    }
    match tokio::time::timeout(time, tokio::task::spawn_blocking(decode)).await {
        Ok(Ok(prepared)) => prepared,
        // The decoder panicked: told as a body it could not decode.
        Ok(Err(_)) => Err(Undecodable::Broken("the decoder failed".to_owned())),
        Err(_) => Err(Undecodable::TimedOut),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::Duration;

    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        headers
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("write");
        encoder.finish().expect("finish")
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("write");
        encoder.finish().expect("finish")
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("write");
        encoder.finish().expect("finish")
    }

    #[test]
    fn every_spelling_of_a_coding_is_decoded_and_its_headers_removed() {
        let text = b"{\"a\": \"decoded\"}";
        for name in [
            "GZIP",
            "Gzip",
            "x-gzip",
            "X-GZIP",
            " gzip ",
            "identity, gzip",
        ] {
            let mut h = headers(&[("content-encoding", name), ("content-length", "3")]);
            let got = content_codings(&mut h, Bytes::from(gzip(text)), 1 << 20);
            assert_eq!(got.as_deref().ok(), Some(&text[..]), "{name}");
            assert!(h.is_empty(), "{name}: {h:?}");
        }
        for (name, body) in [("DEFLATE", zlib(text)), ("Deflate", raw_deflate(text))] {
            let mut h = headers(&[("content-encoding", name)]);
            let got = content_codings(&mut h, Bytes::from(body), 1 << 20);
            assert_eq!(got.as_deref().ok(), Some(&text[..]), "{name}");
        }
    }

    #[test]
    fn a_gzip_body_of_several_members_is_read_whole_and_bytes_after_it_are_left() {
        let mut body = gzip(b"first ");
        body.extend(gzip(b"second"));
        let mut h = headers(&[("content-encoding", "gzip")]);
        assert_eq!(
            content_codings(&mut h, Bytes::from(body.clone()), 1 << 20)
                .as_deref()
                .ok(),
            Some(&b"first second"[..])
        );
        body.extend_from_slice(b"\r\n trailing bytes");
        let mut h = headers(&[("content-encoding", "gzip")]);
        assert_eq!(
            content_codings(&mut h, Bytes::from(body), 1 << 20)
                .as_deref()
                .ok(),
            Some(&b"first second"[..])
        );
    }

    /// A large compressed body is decoded off the workers, within the time left.
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_large_body_is_decoded_within_the_time_left() {
        let mut rng = fastrand::Rng::with_seed(29);
        let data: Vec<u8> = (0..OFF_THE_WORKERS * 2).map(|_| rng.u8(..)).collect();
        let compressed = Bytes::from(gzip(&data));
        assert!(compressed.len() >= OFF_THE_WORKERS);
        let coded = || headers(&[("content-encoding", "gzip")]);
        let Ok(ready) = prepare(
            coded(),
            compressed.clone(),
            1 << 30,
            Duration::from_secs(60),
        )
        .await
        else {
            panic!("not decoded");
        };
        assert_eq!(ready.body, data);
        assert!(ready.headers.is_empty());
        let late = prepare(coded(), compressed, 1 << 30, Duration::ZERO).await;
        assert!(matches!(late, Err(Undecodable::TimedOut)));
    }

    #[test]
    fn a_gzip_body_of_more_members_than_runner_reads_is_refused() {
        let empty = gzip(b"");
        let many = |n: usize| Bytes::from(empty.repeat(n));
        let mut h = headers(&[("content-encoding", "gzip")]);
        assert_eq!(
            content_codings(&mut h, many(MAX_GZIP_MEMBERS), 1 << 20).ok(),
            Some(Bytes::new())
        );
        let mut h = headers(&[("content-encoding", "gzip")]);
        assert_eq!(
            content_codings(&mut h, many(MAX_GZIP_MEMBERS + 1), 1 << 20),
            Err(Undecodable::Broken(format!(
                "it holds more than {MAX_GZIP_MEMBERS} gzip members, the most runner reads"
            )))
        );
    }

    #[test]
    fn several_codings_come_off_last_first_on_one_line_or_several() {
        let text = b"twice";
        let twice = Bytes::from(zlib(&gzip(text)));
        let mut one_line = headers(&[("content-encoding", "gzip, deflate")]);
        assert_eq!(
            content_codings(&mut one_line, twice.clone(), 1 << 20)
                .as_deref()
                .ok(),
            Some(&text[..])
        );
        let mut two_lines = headers(&[
            ("content-encoding", "gzip"),
            ("content-encoding", "DEFLATE"),
        ]);
        assert_eq!(
            content_codings(&mut two_lines, twice, 1 << 20)
                .as_deref()
                .ok(),
            Some(&text[..])
        );
    }

    #[test]
    fn an_empty_body_keeps_the_headers_that_describe_the_body_a_get_would_get() {
        for name in ["gzip", "GZIP", "br", "deflate, gzip"] {
            let mut h = headers(&[("content-encoding", name), ("content-length", "31")]);
            assert_eq!(
                content_codings(&mut h, Bytes::new(), 1 << 20).ok(),
                Some(Bytes::new())
            );
            assert_eq!(h.len(), 2, "{name}: {h:?}");
        }
    }

    #[test]
    fn a_coding_runner_does_not_decode_leaves_the_body_and_its_headers() {
        let body = Bytes::from(gzip(b"x"));
        for name in ["zstd", "gzip, zstd", "compress"] {
            let mut h = headers(&[("content-encoding", name)]);
            let got = content_codings(&mut h, body.clone(), 1 << 20);
            assert_eq!(got.as_ref().ok(), Some(&body), "{name}");
            assert!(h.contains_key(CONTENT_ENCODING), "{name}");
        }
        let mut none = HeaderMap::new();
        assert_eq!(
            content_codings(&mut none, body.clone(), 1 << 20).ok(),
            Some(body)
        );
    }

    #[test]
    fn a_broken_or_too_large_body_is_told() {
        let broken = |name: &str, body: Vec<u8>| {
            let mut h = headers(&[("content-encoding", name)]);
            match content_codings(&mut h, Bytes::from(body), 1 << 20) {
                Err(Undecodable::Broken(reason)) => reason,
                other => panic!("{name}: {other:?}"),
            }
        };
        assert_eq!(
            broken("GZIP", b"not gzip at all".to_vec()),
            "it does not start as gzip does: is it compressed at all?"
        );
        let whole = gzip(b"a text long enough to be cut in its middle");
        assert_eq!(
            broken("x-gzip", whole[..whole.len() / 2].to_vec()),
            "the compressed stream is cut short"
        );
        let mut corrupt = whole.clone();
        corrupt[10..].fill(0xFF);
        assert_eq!(broken("Gzip", corrupt), "the compressed data is corrupt");
        assert_eq!(
            broken("BR", vec![0xFF; 64]),
            "the compressed data is corrupt"
        );
        // A small body that decodes to more than the limit: a decompression bomb stops there.
        let bomb = gzip(&vec![0u8; 1 << 20]);
        assert!(bomb.len() < 10_000, "{}", bomb.len());
        let mut h = headers(&[("content-encoding", "X-Gzip")]);
        assert_eq!(
            content_codings(&mut h, Bytes::from(bomb), 1000),
            Err(Undecodable::TooLarge)
        );
    }

    #[test]
    fn a_declared_charset_other_than_utf8_is_decoded() {
        let latin1 = headers(&[("content-type", "text/plain; charset=ISO-8859-1")]);
        assert_eq!(
            charset_text(&latin1, &Bytes::from_static(b"caf\xe9 \x80")).as_deref(),
            Some("café €".as_bytes())
        );
        let quoted = headers(&[("content-type", "text/plain;Charset=\"latin1\"")]);
        assert_eq!(
            charset_text(&quoted, &Bytes::from_static(b"\xe9")).as_deref(),
            Some("é".as_bytes())
        );
        let utf16 = headers(&[("content-type", "application/json; charset=utf-16le")]);
        let units: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            charset_text(&utf16, &Bytes::from(units)).as_deref(),
            Some(&b"{\"a\":1}"[..])
        );
        let sjis = headers(&[("content-type", "text/plain; charset=shift_jis")]);
        assert_eq!(
            charset_text(&sjis, &Bytes::from_static(b"\x83\x65\x83\x58\x83\x67")).as_deref(),
            Some("テスト".as_bytes())
        );
        for content_type in [
            "text/plain",
            "text/plain; charset=utf-8",
            "text/plain; charset=UTF8",
            "text/plain; charset=no-such-charset",
            "text/plain; format=flowed",
        ] {
            let h = headers(&[("content-type", content_type)]);
            assert_eq!(
                charset_text(&h, &Bytes::from_static(b"caf\xe9")),
                None,
                "{content_type}"
            );
        }
        assert_eq!(
            charset_text(&HeaderMap::new(), &Bytes::from_static(b"x")),
            None
        );
    }

    #[test]
    fn what_the_label_would_misread_is_left_to_utf8() {
        let text = |content_type: &str, extra: &[(&str, &str)], body: &'static [u8]| {
            let mut pairs = vec![("content-type", content_type)];
            pairs.extend_from_slice(extra);
            charset_text(&headers(&pairs), &Bytes::from_static(body))
        };
        // UTF-8 JSON labelled Latin-1 is UTF-8; JSON that is not UTF-8 is read by its label.
        for json in [
            "application/json",
            "application/problem+json",
            "APPLICATION/JSON",
        ] {
            let latin1 = format!("{json}; charset=iso-8859-1");
            assert_eq!(text(&latin1, &[], "{\"a\": \"café\"}".as_bytes()), None);
            assert_eq!(
                text(&latin1, &[], b"{\"a\": \"caf\xe9\"}").as_deref(),
                Some("{\"a\": \"café\"}".as_bytes())
            );
        }
        // All ASCII reads the same: no copy.
        assert_eq!(text("text/plain; charset=latin1", &[], b"plain"), None);
        // A byte order mark wins over the label.
        assert_eq!(
            text("text/plain; charset=utf-8", &[], b"\xff\xfeh\x00i\x00").as_deref(),
            Some(&b"hi"[..])
        );
        // A charset the standard reads as one U+FFFD; a body still compressed.
        assert_eq!(text("text/plain; charset=iso-2022-kr", &[], b"\xe9"), None);
        let zstd = [("content-encoding", "zstd")];
        assert_eq!(text("text/plain; charset=latin1", &zstd, b"\xe9"), None);
        let identity = [("content-encoding", "identity")];
        assert_eq!(
            text("text/plain; charset=latin1", &identity, b"\xe9").as_deref(),
            Some("é".as_bytes())
        );
    }
}
