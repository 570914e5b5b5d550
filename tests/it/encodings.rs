//! How a body came: compressed in every spelling of the codings runner decodes, and in the
//! charset its `Content-Type` names — each read as the server meant it, by the real binary
//! against a raw server on loopback.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use crate::support::{runner, Fixture};

/// A raw HTTP/1.1 server on loopback answering `GET /N` with `answers[N]` (head and body as
/// given, `Content-Length` and `Connection: close` added; a `HEAD` without the body), any
/// other path with a 404. It
/// stops after `answers.len() * 2` connections or 60 s.
fn serve(answers: Vec<(String, Vec<u8>)>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(60);
        let mut served = 0;
        while Instant::now() < until && served < answers.len() * 2 {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(1));
                continue;
            };
            served += 1;
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut chunk = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            // A body (an OAuth2 token request's form) is read to its length before answering.
            let head_end = request
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(request.len(), |at| at + 4);
            let length = String::from_utf8_lossy(&request[..head_end])
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())
                        .flatten()
                })
                .unwrap_or(0);
            while request.len() < head_end + length {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            let line = String::from_utf8_lossy(&request);
            let head_only = line.starts_with("HEAD ");
            let answer = line
                .split(' ')
                .nth(1)
                .and_then(|path| path.strip_prefix('/'))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| answers.get(n));
            let response = match answer {
                Some((head, body)) => {
                    let mut response = format!(
                        "HTTP/1.1 200 OK\r\n{head}content-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    if !head_only {
                        response.extend_from_slice(body);
                    }
                    response
                }
                None => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    address
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("gzip");
    encoder.finish().expect("gzip")
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("zlib");
    encoder.finish().expect("zlib")
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        encoder.write_all(data).expect("brotli");
    }
    out
}

/// `data` with the coding `name` names applied (any case, `x-gzip` as gzip).
fn applied(name: &str, data: &[u8]) -> Vec<u8> {
    match name.trim().to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" => gzip(data),
        "deflate" => zlib(data),
        "br" => brotli(data),
        "identity" => data.to_vec(),
        other => panic!("no coding {other}"),
    }
}

/// Runs `steps` (YAML list items) in `fixture` with `args`, `{S}` standing for the server's
/// URL.
fn run(
    fixture: &Fixture,
    address: SocketAddr,
    steps: &str,
    args: &[&str],
) -> crate::support::Output {
    let path = fixture.file(
        "bodies.yaml",
        &format!(
            "name: Bodies\nsteps:\n{}",
            steps.replace("{S}", &format!("http://{address}"))
        ),
    );
    let mut all = vec!["run".to_owned(), path.display().to_string()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    runner(all)
}

/// Every spelling RFC 9110 allows of the codings runner decodes — any case, `x-gzip`, several
/// on one line or on several, `identity` among them — reads as the JSON it holds. reqwest
/// decodes only `gzip`, `deflate` and `br` alone in lower case: the body of a `GZIP` answer
/// was checked as the compressed bytes.
#[test]
fn every_spelling_of_a_coding_runner_decodes_is_decoded() {
    let names = ["gzip", "x-gzip", "deflate", "br", "identity"];
    // Each name in three cases, alone, then every ordered pair on one line and on two.
    let mut lines: Vec<Vec<String>> = Vec::new();
    for name in names {
        for spelt in [
            name.to_owned(),
            name.to_ascii_uppercase(),
            format!("{}{}", name[..1].to_ascii_uppercase(), &name[1..]),
        ] {
            lines.push(vec![spelt]);
        }
    }
    for first in names {
        for second in ["GZIP", "Deflate", "br"] {
            lines.push(vec![format!("{first}, {second}")]);
            lines.push(vec![first.to_owned(), second.to_owned()]);
        }
    }
    let mut answers = Vec::new();
    let mut steps = String::new();
    for (n, header_lines) in lines.iter().enumerate() {
        let label = header_lines.join(" | ");
        let json = format!("{{\"coding\": {label:?}, \"n\": {n}}}");
        let mut body = json.into_bytes();
        let mut head = "content-type: application/json\r\n".to_owned();
        for line in header_lines {
            for name in line.split(',') {
                body = applied(name, &body);
            }
            head.push_str(&format!("content-encoding: {line}\r\n"));
        }
        answers.push((head, body));
        steps.push_str(&format!(
            "  - name: \"{n}\"\n    request: {{ url: \"{{S}}/{n}\" }}\n    expect: {{ jsonpath: {{ $.coding: {label:?}, $.n: {n} }} }}\n"
        ));
    }
    // A gzip body of three members, then a stray line end: all three read, the rest left.
    let n = answers.len();
    let mut members = gzip(b"{\"members\": ");
    members.extend(gzip(b"[1, 2, "));
    members.extend(gzip(b"3]}"));
    members.extend_from_slice(b"\r\n");
    answers.push(("content-encoding: GZIP\r\n".to_owned(), members));
    steps.push_str(&format!(
        "  - name: members\n    request: {{ url: \"{{S}}/{n}\" }}\n    expect: {{ jsonpath: {{ \"$.members[2]\": 3 }} }}\n"
    ));
    let address = serve(answers);
    let output = run(&Fixture::new(), address, &steps, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stdout
            .contains(&format!("{} passed", lines.len() + 1)),
        "{}",
        output.stdout
    );
}

/// A coding runner does not decode anywhere in the list leaves the body as it came, and a
/// JSON check says so; a body that unpacks past `--max-body` stops there; a broken one is
/// told as the server's broken body.
#[test]
fn a_body_runner_cannot_decode_says_why() {
    let json = b"{\"a\": 1}";
    let bomb = gzip(&vec![b' '; 4 << 20]);
    let mut answers = vec![
        (
            "content-type: application/json\r\ncontent-encoding: GZIP, zstd\r\n".to_owned(),
            gzip(json),
        ),
        ("content-encoding: X-Gzip\r\n".to_owned(), bomb),
        (
            "content-encoding: Br\r\n".to_owned(),
            b"not brotli at all, not at all".to_vec(),
        ),
    ];
    let compressed = gzip(json);
    let length = compressed.len();
    answers.push((
        "content-type: application/json\r\ncontent-encoding: gzip\r\n".to_owned(),
        compressed,
    ));
    let address = serve(answers);
    // A HEAD's headers describe the body a GET would get: kept, and nothing to decode.
    let output = run(
        &Fixture::new(),
        address,
        &format!("  - name: head\n    request: {{ method: HEAD, url: \"{{S}}/3\" }}\n    expect: {{ headers: {{ content-encoding: gzip, content-length: \"{length}\" }}, body: \"\" }}\n"),
        &[],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let output = run(
        &Fixture::new(),
        address,
        "  - name: zstd\n    request: { url: \"{S}/0\" }\n    expect: { jsonpath: { $.a: 1 } }\n",
        &[],
    );
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains(
            "Content-Encoding: \"GZIP, zstd\" (runner decodes gzip, deflate and br, not every"
        ),
        "{}",
        output.stdout
    );
    let output = run(
        &Fixture::new(),
        address,
        "  - name: bomb\n    request: { url: \"{S}/1\" }\n",
        &["--max-body", "1MB"],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("is larger than the limit of 1 MiB (raise it with `--max-body`)"),
        "{}",
        output.stdout
    );
    let output = run(
        &Fixture::new(),
        address,
        "  - name: broken\n    request: { url: \"{S}/2\" }\n",
        &[],
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("could not be decoded as its `Content-Encoding` says"),
        "{}",
        output.stdout
    );
}

/// `text` in the charset `label` names: UTF-16 by hand (the Encoding Standard's encoders
/// write UTF-8 for it), others by the standard's encoder; `None` when `text` has a character
/// the charset cannot hold.
fn encoded(label: &str, text: &str) -> Option<Vec<u8>> {
    match label.to_ascii_lowercase().as_str() {
        "utf-16le" | "utf-16" => Some(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        "utf-16be" => Some(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        _ => {
            let encoding = encoding_rs::Encoding::for_label(label.as_bytes())?;
            let (bytes, _, unmappable) = encoding.encode(text);
            (!unmappable).then(|| bytes.into_owned())
        }
    }
}

/// A body in the charset its `Content-Type` names is read in it: a text body's `body`
/// predicate, a regex capture from it, a JSON body's JSONPath, and the JSON report's copy.
/// Generated over the charsets browsers know, each with the characters of a small pool it
/// can hold; before, every byte past ASCII read as U+FFFD.
#[test]
fn a_body_in_the_charset_its_content_type_names_is_read_in_it() {
    let labels = [
        "iso-8859-1",
        "Latin1",
        "windows-1252",
        "ISO-8859-2",
        "iso-8859-5",
        "iso-8859-7",
        "iso-8859-15",
        "windows-1251",
        "koi8-r",
        "macintosh",
        "ibm866",
        "shift_jis",
        "euc-jp",
        "iso-2022-jp",
        "euc-kr",
        "gbk",
        "gb18030",
        "big5",
        "utf-16le",
        "UTF-16BE",
        "utf-16",
    ];
    let pool: Vec<char> =
        "café naïve Grüße €uro Łódź Ελλάδα Привет テスト 日本語 한국어 中文 繁體 ½°©"
            .chars()
            .collect();
    let mut answers = Vec::new();
    let mut steps = String::new();
    let mut seed = 0x9E37_79B9_u32;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize % bound
    };
    let mut texts = HashMap::new();
    for label in labels {
        // A text of up to 24 characters from the pool that the charset holds, past ASCII.
        let mut text = String::from("t:");
        for _ in 0..200 {
            if text.chars().count() >= 24 {
                break;
            }
            let c = pool[next(pool.len())];
            if !c.is_ascii() && encoded(label, &c.to_string()).is_some() {
                text.push(c);
            }
        }
        assert!(text.chars().count() > 6, "{label}: {text}");
        texts.insert(label, text.clone());
        let n = answers.len();
        let head = format!("content-type: text/plain; charset={label}\r\n");
        answers.push((head, encoded(label, &text).expect("encodes")));
        let json = format!("{{\"t\": {text:?}}}");
        let head = format!("content-type: application/json; charset=\"{label}\"\r\n");
        answers.push((head, encoded(label, &json).expect("encodes")));
        // The capture holds the text after `t:`, the JSON's `t` the whole text.
        steps.push_str(&format!(
            "  - name: \"{label} text\"\n    request: {{ url: \"{{S}}/{n}\" }}\n    expect: {{ body: {text:?} }}\n    capture: {{ t{n}: {{ regex: \"t:(.+)\" }} }}\n  - name: \"{label} json\"\n    request: {{ url: \"{{S}}/{next}\" }}\n    expect: {{ jsonpath: {{ $.t: \"t:{{{{t{n}}}}}\" }}, body: {{ contains: {text:?} }} }}\n",
            next = n + 1,
        ));
    }
    let address = serve(answers);
    let fixture = Fixture::new();
    let report = fixture.path().join("report.json");
    let output = run(
        &fixture,
        address,
        &steps,
        &["--report-json", &report.display().to_string()],
    );
    assert_eq!(output.code, 0, "{output:?}");
    let report = std::fs::read_to_string(&report).expect("report");
    let report: serde_json::Value = serde_json::from_str(&report).expect("JSON report");
    let bodies: HashMap<String, String> = report["collections"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| {
            (
                step["name"].as_str().unwrap_or_default().to_owned(),
                step["response"]["body"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    for label in labels {
        assert_eq!(bodies[&format!("{label} text")], texts[label], "{label}");
    }
}

/// An OAuth2 token endpoint's answer is read as a step's response is: compressed under a
/// coding named in capitals, in a charset its `Content-Type` names.
#[test]
fn a_token_answer_is_decoded_as_a_response_is() {
    let token =
        b"{\"access_token\": \"Tk29token\", \"token_type\": \"Bearer\", \"expires_in\": 3600}";
    let utf16: Vec<u8> = String::from_utf8_lossy(token)
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let answers = vec![
        (
            "content-type: application/json\r\ncontent-encoding: GZIP\r\n".to_owned(),
            gzip(token),
        ),
        (
            "content-type: application/json; charset=utf-16le\r\n".to_owned(),
            utf16,
        ),
        (
            "content-type: application/json\r\n".to_owned(),
            b"{\"ok\": true}".to_vec(),
        ),
    ];
    let address = serve(answers);
    for token_path in ["0", "1"] {
        let steps = format!(
            "  - name: protected\n    request: {{ url: \"{{S}}/2\", auth: {{ oauth2: {{ client_credentials: {{ token_url: \"{{S}}/{token_path}\", client_id: app, client_secret: shh }} }} }} }}\n    expect: {{ jsonpath: {{ $.ok: true }} }}\n"
        );
        let output = run(&Fixture::new(), address, &steps, &[]);
        assert_eq!(output.code, 0, "{token_path}: {output:?}");
    }
}
