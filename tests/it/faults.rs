//! Transport faults from a misbehaving server on loopback: each ends the run cleanly, with a
//! sentence a user can act on and exit code 3.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{runner, Fixture};

/// How the fault server answers every connection.
#[derive(Clone, Copy)]
pub(crate) enum Fault {
    /// Reads the request and never answers.
    Hang,
    /// Promises 1000 bytes of body, sends 10, closes.
    ResetMidBody,
    /// Answers with bytes that are not HTTP.
    Garbage,
    /// Announces a 50 GiB body, sends 10 bytes, closes.
    HugeLength,
    /// Sends a body marked gzip that is not gzip.
    BrokenGzip,
    /// Sends the first `n` bytes of a gzip stream as the whole body (its length says `n`).
    GzipCutShort(usize),
    /// Promises a whole gzip stream, sends part of it, closes.
    GzipCutByTheConnection,
    /// Sends a chunked body whose chunk size is not hexadecimal.
    BadChunk,
    /// Sends a head that is not HTTP/1.1 (the bytes after `HTTP/1.1 200 OK\r\n`).
    BadHead(&'static [u8]),
    /// Sends these bytes, status line and all.
    BadResponse(&'static [u8]),
}

/// A gzip stream of a small JSON document.
pub(crate) fn gzipped() -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let items: Vec<String> = (0..30).map(|i| format!("{{\"id\": {i}}}")).collect();
    encoder
        .write_all(format!("{{\"items\": [{}]}}", items.join(",")).as_bytes())
        .expect("gzip");
    encoder.finish().expect("gzip")
}

pub(crate) fn fault_server(fault: Fault) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                match fault {
                    Fault::Hang => std::thread::sleep(Duration::from_secs(5)),
                    Fault::ResetMidBody => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"partial\":",
                        );
                    }
                    Fault::Garbage => {
                        let _ = stream.write_all(b"this is not HTTP at all\r\n\r\n");
                    }
                    Fault::HugeLength => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 53687091200\r\n\r\n0123456789",
                        );
                    }
                    Fault::BrokenGzip => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 24\r\n\r\nthis is not gzip at all!",
                        );
                    }
                    Fault::GzipCutShort(n) => {
                        let body = gzipped();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {n}\r\n\r\n"
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body[..n]);
                    }
                    Fault::GzipCutByTheConnection => {
                        let body = gzipped();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(&body[..body.len() / 2]);
                    }
                    Fault::BadHead(head) => {
                        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n");
                        let _ = stream.write_all(head);
                    }
                    Fault::BadResponse(response) => {
                        let _ = stream.write_all(response);
                    }
                    Fault::BadChunk => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
                        );
                    }
                }
            });
        }
    });
    address
}

fn run_against(url: &str, extra: &[&str]) -> crate::support::Output {
    run_against_within(url, extra, "500ms")
}

/// [`run_against`], the step's `timeout` being `timeout`.
fn run_against_within(url: &str, extra: &[&str], timeout: &str) -> crate::support::Output {
    let fixture = Fixture::new();
    let path = fixture.file(
        "fault.yaml",
        &format!("name: Fault\nsteps:\n  - name: Faulty server\n    request: {{ url: \"{url}\", timeout: {timeout} }}\n"),
    );
    let mut args = vec!["run".to_owned(), path.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    runner(args)
}

/// Runs the step against `url` with `extra` arguments, checks that it ends in a runtime
/// error (exit 3) whose output holds each of `sentences`, and returns the output.
fn runtime_error(url: &str, extra: &[&str], sentences: &[&str]) -> crate::support::Output {
    let output = run_against(url, extra);
    assert_eq!(output.code, 3, "{output:?}");
    for sentence in sentences {
        assert!(
            output.stdout.contains(sentence),
            "{sentence:?} in:\n{}",
            output.stdout
        );
    }
    output
}

/// What a connection cut before the message's end says.
const CUT: &str = "was closed or reset before the response was complete";

/// What a body that is not what its `Content-Encoding` says says.
const BAD_ENCODING: &str = "could not be decoded as its `Content-Encoding` says";

#[test]
fn a_server_that_never_answers_times_out() {
    let address = fault_server(Fault::Hang);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!(
            "error: no complete response from {address} within the request timeout of 500 ms"
        )],
    );
}

/// A TLS handshake the server never answers passes `--connect-timeout` (well before the
/// step's own timeout): told as the connect timeout, with the option that sets it.
#[test]
fn a_connection_not_made_in_time_is_the_connect_timeout_not_the_request_timeout() {
    let address = fault_server(Fault::Hang);
    let output = run_against_within(
        &format!("https://{address}/"),
        &["--connect-timeout", "200ms"],
        "10s",
    );
    assert_eq!(output.code, 3, "{output:?}");
    let sentence = format!(
        "error: could not connect to {address} within the connect timeout (`--connect-timeout`"
    );
    assert!(output.stdout.contains(&sentence), "{output:?}");
    assert!(
        !output.stdout.contains("request timeout"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_body_cut_short_is_reported_as_such() {
    let address = fault_server(Fault::ResetMidBody);
    runtime_error(&format!("http://{address}/"), &[], &[CUT]);
}

#[test]
fn garbage_instead_of_http_is_a_runtime_error() {
    let address = fault_server(Fault::Garbage);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[
            &format!("the response from {address} is not valid HTTP/1.1: its first line is not an HTTP/1.x status line (is the port serving HTTP?)"),
        ],
    );
}

#[test]
fn a_head_that_is_not_http_says_what_is_wrong_with_it() {
    let many: &'static [u8] = Box::leak(
        (0..150)
            .map(|i| format!("x-h{i}: v\r\n"))
            .chain(["content-length: 2\r\n\r\n{}".to_owned()])
            .collect::<String>()
            .into_bytes()
            .into_boxed_slice(),
    );
    for (head, says) in [
        (
            &b"x-evil: \x1b[31mred\r\ncontent-length: 2\r\n\r\n{}"[..],
            "a header holds a byte HTTP does not allow",
        ),
        (
            b"content-length: 2\r\ncontent-length: 3\r\n\r\n{}",
            "its Content-Length is not a number, or it sends two that differ",
        ),
        (
            many,
            "its head is larger than runner reads (more than 100 headers",
        ),
    ] {
        let address = fault_server(Fault::BadHead(head));
        runtime_error(
            &format!("http://{address}/"),
            &[],
            &[&format!(
                "the response from {address} is not valid HTTP/1.1: {says}"
            )],
        );
    }
}

#[test]
fn a_status_line_that_is_not_http_says_so() {
    for response in [
        &b"HTTP/1.1 500 Oops\x01\r\ncontent-length: 0\r\n\r\n"[..],
        b"HTTP/1.1 20 OK\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n",
    ] {
        let address = fault_server(Fault::BadResponse(response));
        runtime_error(
            &format!("http://{address}/"),
            &[],
            &[&format!(
                "the response from {address} is not valid HTTP/1.1: its status line is not `HTTP/1.1 NNN reason`: the status code is not three digits from 100 to 999, or the reason phrase holds a control character"
            )],
        );
    }
}

#[test]
fn a_url_too_long_to_send_says_how_long_and_which() {
    // A redirect whose Location grows past what a request's URL can hold.
    let response = format!(
        "HTTP/1.1 302 Found\r\nlocation: /ok?{}\r\ncontent-length: 0\r\n\r\n",
        "a".repeat(65_530)
    );
    let address = fault_server(Fault::BadResponse(Box::leak(
        response.into_bytes().into_boxed_slice(),
    )));
    let output = runtime_error(
        &format!("http://{address}/"),
        &[],
        &["the request cannot be sent: the server redirected to a URL 65556 bytes long, past the 65534 bytes a request's URL can hold (set `follow_redirects: false` to check the redirect itself): http://"],
    );
    assert!(
        !output.stdout.contains("builder error"),
        "{}",
        output.stdout
    );
    // The step's own URL.
    let address = crate::support::closed_port();
    runtime_error(
        &format!("http://127.0.0.1:{address}/?{}", "b".repeat(70_000)),
        &[],
        &[
            "the request cannot be sent: its URL is 700",
            " bytes long, past the 65534 bytes a request's URL can hold: http://",
        ],
    );
}

#[test]
fn a_content_length_past_what_http_frames_is_named() {
    for length in ["18446744073709551614", "18446744073709551615"] {
        let response = format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n{{}}");
        let address = fault_server(Fault::BadResponse(Box::leak(
            response.into_bytes().into_boxed_slice(),
        )));
        runtime_error(
            &format!("http://{address}/"),
            &[],
            &["or its Content-Length is 18446744073709551614 or more, past what HTTP/1.1 can frame"],
        );
    }
}

#[test]
fn tls_to_a_plain_http_port_is_a_tls_error() {
    let address = crate::support::server();
    runtime_error(
        &format!("https://{address}/text"),
        &[],
        &["error: TLS handshake with 127.0.0.1 failed"],
    );
}

#[test]
fn a_body_over_the_limit_fails_without_reading_it_all() {
    let address = crate::support::server();
    runtime_error(
        &format!("http://{address}/big"),
        &["--max-body", "64KB"],
        &["is larger than the limit of 64 KiB (raise it with `--max-body`)"],
    );
    let output = run_against(&format!("http://{address}/big"), &[]);
    assert_eq!(output.code, 0, "{output:?}");
    // A small body, read in one go, is held to the limit too.
    runtime_error(
        &format!("http://{address}/text"),
        &["--max-body", "1B"],
        &["is larger than the limit of 1 byte (raise it with `--max-body`)"],
    );
}

#[test]
fn an_announced_length_larger_than_memory_is_not_allocated() {
    let address = fault_server(Fault::HugeLength);
    runtime_error(
        &format!("http://{address}/"),
        &["--max-body", "100000GB"],
        &[CUT],
    );
}

#[test]
fn a_broken_gzip_body_is_a_bad_encoding() {
    let address = fault_server(Fault::BrokenGzip);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!(
            "{BAD_ENCODING} (it does not start as gzip does: is it compressed at all?)"
        )],
    );
}

/// A gzip header whose deflate data is garbage: told as corrupt compressed data, not in
/// the words of the deflate library under gzip.
#[test]
fn a_gzip_body_with_corrupt_data_says_so() {
    let address = fault_server(Fault::BadResponse(
        b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 18\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff",
    ));
    let output = runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!("{BAD_ENCODING} (the compressed data is corrupt)")],
    );
    assert!(!output.stdout.contains("deflate"), "{}", output.stdout);
}

/// Every way a compressed stream can end early inside a message that came whole (the
/// header cut, the data cut, the trailer cut) is the server's broken encoding, not a
/// connection that was cut: the sentence says so.
#[test]
fn a_compressed_stream_cut_short_is_a_bad_encoding_not_a_broken_connection() {
    let whole = gzipped().len();
    for n in [4, 10, whole / 2, whole - 4, whole - 1] {
        let address = fault_server(Fault::GzipCutShort(n));
        runtime_error(&format!("http://{address}/"), &[], &[BAD_ENCODING]);
    }
}

#[test]
fn a_compressed_body_the_connection_cuts_is_a_broken_connection() {
    let address = fault_server(Fault::GzipCutByTheConnection);
    runtime_error(&format!("http://{address}/"), &[], &[CUT]);
}

#[test]
fn a_malformed_chunk_is_named_not_taken_for_a_broken_connection() {
    let address = fault_server(Fault::BadChunk);
    runtime_error(
        &format!("http://{address}/"),
        &[],
        &[&format!(
            "the response from {address} is not valid HTTP/1.1: its chunked body is broken (Invalid chunk size line: missing size digit)"
        )],
    );
}

#[test]
fn a_timed_out_step_shows_the_time_it_took() {
    let address = fault_server(Fault::Hang);
    let output = run_against(&format!("http://{address}/"), &[]);
    assert_eq!(output.code, 3, "{output:?}");
    let line = output
        .stdout
        .lines()
        .find(|l| l.contains("Faulty server"))
        .unwrap_or_default()
        .to_owned();
    // 500 ms of timeout: the line shows at least that (more on a loaded machine), not `0 ms`.
    let shown = regex::Regex::new(r"(\d+(?:\.\d+)?) (ms|s)$")
        .expect("pattern")
        .captures(line.trim_end())
        .map(|c| {
            let number: f64 = c[1].parse().expect("a number");
            if &c[2] == "s" {
                number * 1000.0
            } else {
                number
            }
        });
    assert!(
        shown.is_some_and(|ms| (500.0..60_000.0).contains(&ms)),
        "{shown:?} in {line:?}: {}",
        output.stdout
    );
}

#[test]
fn insecure_warns() {
    let address = crate::support::server();
    let output = run_against(&format!("http://{address}/text"), &["--insecure"]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stderr.contains("warning: --insecure"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_proxy_that_refuses_is_named_without_its_credentials() {
    let port = crate::support::closed_port();
    let output = runtime_error(
        "http://example.invalid/",
        &["--proxy", &format!("http://user:s3cr3t@127.0.0.1:{port}")],
        &[&format!(
            "could not connect to the proxy 127.0.0.1:{port} (for example.invalid:80): connection refused"
        )],
    );
    assert!(!output.stdout.contains("s3cr3t"), "{}", output.stdout);
}

/// A proxy whose host does not resolve is named as the host that failed, not the request's.
#[test]
fn a_proxy_whose_host_does_not_resolve_is_named_without_its_credentials() {
    let output = runtime_error(
        "http://127.0.0.1:1/",
        &["--proxy", "http://user:s3cr3t@proxy.invalid:3128"],
        &["could not resolve the proxy's host in proxy.invalid:3128 (for 127.0.0.1; check --proxy"],
    );
    assert!(!output.stdout.contains("s3cr3t"), "{}", output.stdout);
    assert!(
        !output.stdout.contains("host `127.0.0.1`"),
        "{}",
        output.stdout
    );
}

/// Past the open-files limit (`ulimit -n`), a connection that cannot be opened says so and
/// what to do (a lower `--jobs`), not hyper's chain of causes.
#[test]
fn too_many_open_files_says_to_lower_jobs() {
    let fixture = Fixture::new();
    let address = crate::support::server();
    for i in 0..60 {
        fixture.file(
            &format!("c{i}.yaml"),
            &format!("name: c{i}\nsteps:\n  - name: s\n    request: {{ url: \"http://{address}/text\" }}\n"),
        );
    }
    // 60 collections at once under a limit of 40 open files: some connections cannot open.
    let output = std::process::Command::new("prlimit")
        .arg("--nofile=40")
        .arg(env!("CARGO_BIN_EXE_runner"))
        .args(["run", "--jobs", "60", "--color", "never"])
        .arg(fixture.path())
        .output()
        .expect("prlimit (util-linux) runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("too many open files (the limit of open files a process may have, `ulimit -n`, is reached); run fewer collections at once (a lower `--jobs`)"),
        "{stdout}"
    );
    assert!(!stdout.contains("tcp open error"), "{stdout}");
}

/// What the keep-alive server does with a request it has read.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    /// `200` with `Content-Length` and no `Connection: close`; the connection stays open.
    Keep,
    /// The same `200`, then the connection is closed: the client learns of it only when its
    /// next request meets the closed socket, or just before.
    Close,
    /// Closes the connection without answering.
    Drop,
    /// Never answers (for 5 s).
    Hang,
}

/// What the keep-alive server received: each request's line and body, and its connections.
#[derive(Default)]
struct Received {
    requests: Mutex<Vec<(String, Vec<u8>)>>,
    connections: AtomicUsize,
}

impl Received {
    fn lines(&self) -> Vec<String> {
        let requests = self.requests.lock().expect("requests");
        requests.iter().map(|(line, _)| line.clone()).collect()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A raw HTTP/1.1 server on loopback that never says `Connection: close`: `answer(connection,
/// request)` (both counted from 0) says what it does with each request it reads. `/redirect`
/// is answered `302` to `/`. It stops accepting once the test has dropped what it returns
/// (or after 30 s); a connection ends within 5 s of its last request.
fn keep_alive_server(answer: fn(usize, usize) -> Answer) -> (SocketAddr, Arc<Received>) {
    keep_alive_server_over(None, answer)
}

/// [`keep_alive_server`] over TLS with `tls` when given. It closes a connection as a server
/// that sends no `close_notify` does: the client reads an unexpected end of the stream.
fn keep_alive_server_over(
    tls: Option<Arc<rustls::ServerConfig>>,
    answer: fn(usize, usize) -> Answer,
) -> (SocketAddr, Arc<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("address");
    let received = Arc::new(Received::default());
    let test = Arc::downgrade(&received);
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            let Some(received) = test.upgrade() else {
                return;
            };
            match listener.accept() {
                Ok((stream, _)) => {
                    let connection = received.connections.fetch_add(1, Ordering::SeqCst);
                    let tls = tls.clone();
                    std::thread::spawn(move || {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                        match tls.map(rustls::ServerConnection::new) {
                            None => serve(stream, connection, answer, &received),
                            Some(Ok(session)) => serve(
                                rustls::StreamOwned::new(session, stream),
                                connection,
                                answer,
                                &received,
                            ),
                            Some(Err(_)) => {}
                        }
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    drop(received);
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => {}
            }
        }
    });
    (address, received)
}

fn serve(
    mut stream: impl Read + Write,
    connection: usize,
    answer: fn(usize, usize) -> Answer,
    received: &Received,
) {
    let mut buffer = Vec::new();
    for request in 0.. {
        let Some((line, body)) = read_request(&mut stream, &mut buffer) else {
            return;
        };
        let redirect = line.starts_with("GET /redirect ");
        if let Ok(mut requests) = received.requests.lock() {
            requests.push((line, body));
        }
        let action = answer(connection, request);
        match action {
            Answer::Drop => return,
            Answer::Hang => {
                std::thread::sleep(Duration::from_secs(5));
                return;
            }
            Answer::Keep | Answer::Close => {
                let response: &[u8] = if redirect {
                    b"HTTP/1.1 302 Found\r\nlocation: /\r\ncontent-length: 0\r\n\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok"
                };
                if stream
                    .write_all(response)
                    .and_then(|()| stream.flush())
                    .is_err()
                    || action == Answer::Close
                {
                    return;
                }
            }
        }
    }
}

/// Reads one request (its body by `Content-Length` or chunked) from `stream`, after what
/// `buffer` already holds: its request line and body, or `None` at the end of the connection.
fn read_request(stream: &mut impl Read, buffer: &mut Vec<u8>) -> Option<(String, Vec<u8>)> {
    let find = |haystack: &[u8], needle: &[u8]| {
        haystack
            .windows(needle.len())
            .position(|window| window == needle)
    };
    let mut chunk = [0u8; 8192];
    let mut fill = |buffer: &mut Vec<u8>| match stream.read(&mut chunk) {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    };
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end + 4;
        }
        if !fill(buffer) {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_lowercase();
    let line = String::from_utf8_lossy(&buffer[..find(buffer, b"\r\n")?]).into_owned();
    let length = head.lines().find_map(|header| {
        header
            .strip_prefix("content-length:")
            .and_then(|value| value.trim().parse::<usize>().ok())
    });
    let end = if let Some(length) = length {
        while buffer.len() < head_end + length {
            if !fill(buffer) {
                return None;
            }
        }
        head_end + length
    } else if head.contains("transfer-encoding: chunked") {
        loop {
            if buffer[head_end..].starts_with(b"0\r\n\r\n") {
                break head_end + 5;
            }
            if let Some(last) = find(&buffer[head_end..], b"\r\n0\r\n\r\n") {
                break head_end + last + 7;
            }
            if !fill(buffer) {
                return None;
            }
        }
    } else {
        head_end
    };
    let body = buffer[head_end..end].to_vec();
    buffer.drain(..end);
    Some((line, body))
}

/// Runs `steps` (YAML list items, `{S}` standing for the server's URL) with `fixture`.
fn run_steps(fixture: &Fixture, address: SocketAddr, steps: &str) -> crate::support::Output {
    let path = fixture.file(
        "keep-alive.yaml",
        &format!(
            "name: Keep-alive\nsteps:\n{}",
            steps.replace("{S}", &format!("http://{address}"))
        ),
    );
    runner(["run".as_ref(), path.as_os_str()])
}

/// A server that answers each request and then closes the connection, without saying so in
/// a `Connection: close`, races the client's next request on that connection: before the
/// resend, 30 steps failed in most runs with "closed or reset before the response was
/// complete". A GET that meets the closed connection is sent again on a new one.
#[test]
fn a_server_closing_each_kept_alive_connection_fails_no_get() {
    let (address, received) = keep_alive_server(|_, _| Answer::Close);
    let steps: String = (0..30)
        .map(|i| {
            let path = if i % 5 == 4 { "redirect" } else { "get" };
            format!("  - name: Step {i}\n    request: {{ url: \"{{S}}/{path}\", timeout: 5s }}\n    expect: {{ status: 200 }}\n")
        })
        .collect();
    let output = run_steps(&Fixture::new(), address, &steps);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("30 passed, 0 failed"),
        "{}",
        output.stdout
    );
    // 30 steps, 6 of them with a redirect: 36 requests, and at most one more for each.
    let requests = received.lines().len();
    assert!((36..=72).contains(&requests), "{requests} requests");
}

/// A server that keeps a connection open after its first response and closes it on reading
/// the second request, without answering: each idempotent request that meets this is sent
/// once more, on a new connection, with its body (bytes, a file, multipart parts), and the
/// step passes; a redirect's hop likewise.
#[test]
fn an_idempotent_request_whose_connection_closes_unanswered_is_sent_again_on_a_new_one() {
    let (address, received) = keep_alive_server(|_, request| {
        if request == 0 {
            Answer::Keep
        } else {
            Answer::Drop
        }
    });
    let fixture = Fixture::new();
    fixture.file("payload.bin", "file payload 123");
    fixture.file("part.csv", "a,b\n1,2\n");
    let steps = r#"
  - name: First
    request: { url: "{S}/one" }
  - name: Get again
    request: { url: "{S}/two" }
    expect: { status: 200 }
  - name: Third
    request: { url: "{S}/three" }
  - name: Put bytes
    request: { method: PUT, url: "{S}/bytes", body: "some bytes" }
    expect: { status: 200 }
  - name: Fourth
    request: { url: "{S}/four" }
  - name: Put a file
    request: { method: PUT, url: "{S}/file", body_file: payload.bin }
    expect: { status: 200 }
  - name: Fifth
    request: { url: "{S}/five" }
  - name: Put parts
    request:
      method: PUT
      url: "{S}/parts"
      multipart: { note: hello, doc: { file: part.csv, content_type: text/csv } }
    expect: { status: 200 }
  - name: Redirected
    request: { url: "{S}/redirect" }
    expect: { status: 200 }
"#;
    let output = run_steps(&fixture, address, steps);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output.stdout.contains("9 passed, 0 failed"),
        "{}",
        output.stdout
    );
    let lines = received.lines();
    let expected = [
        "GET /one",
        "GET /two",
        "GET /two",
        "GET /three",
        "PUT /bytes",
        "PUT /bytes",
        "GET /four",
        "PUT /file",
        "PUT /file",
        "GET /five",
        "PUT /parts",
        "PUT /parts",
        "GET /redirect",
        "GET /",
        "GET /",
    ];
    let got: Vec<&str> = lines
        .iter()
        .map(|line| line.trim_end_matches(" HTTP/1.1"))
        .collect();
    assert_eq!(got, expected);
    // The same body both times (multipart parts under a new boundary).
    let requests = received.requests.lock().expect("requests");
    assert_eq!(requests[4].1, b"some bytes");
    assert_eq!(requests[5].1, b"some bytes");
    assert_eq!(requests[7].1, b"file payload 123");
    assert_eq!(requests[8].1, b"file payload 123");
    for (_, body) in &requests[10..12] {
        let text = String::from_utf8_lossy(body);
        assert!(
            text.contains("a,b\n1,2\n") && text.contains("hello"),
            "{text}"
        );
    }
    // Every resend on a connection of its own: 15 requests on 10 connections.
    assert_eq!(received.connections(), 10);
}

/// Over TLS, a server that closes without `close_notify` ends the stream unexpectedly: the
/// GET is sent again too, on a new connection that trusts the same `--cacert`.
#[test]
fn over_tls_an_idempotent_request_whose_connection_closes_unanswered_is_sent_again() {
    let fixture = Fixture::new();
    let pki = crate::servers::Pki::new(fixture.path());
    let (address, received) = keep_alive_server_over(Some(pki.http1_config()), |_, request| {
        if request == 0 {
            Answer::Keep
        } else {
            Answer::Drop
        }
    });
    let path = fixture.file(
        "keep-alive.yaml",
        &format!(
            "name: TLS keep-alive\nsteps:\n  - name: First\n    request: {{ url: \"https://localhost:{port}/one\" }}\n  - name: Get again\n    request: {{ url: \"https://localhost:{port}/two\" }}\n",
            port = address.port()
        ),
    );
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--cacert".as_ref(),
        pki.ca.as_os_str(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert_eq!(
        received.lines(),
        [
            "GET /one HTTP/1.1",
            "GET /two HTTP/1.1",
            "GET /two HTTP/1.1"
        ]
    );
    assert_eq!(received.connections(), 2);
}

/// An HTTP/2 server that breaks the protocol (a SETTINGS frame of 5 bytes, where each
/// setting is 6) is told in a sentence: the exchange, the host, what the library found.
#[test]
fn a_server_breaking_http2_is_told_in_a_sentence() {
    let fixture = Fixture::new();
    let pki = crate::servers::Pki::new(fixture.path());
    let config = pki.http2_config();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let Ok(session) = rustls::ServerConnection::new(config) else {
            return;
        };
        let mut stream = rustls::StreamOwned::new(session, stream);
        let mut preface = [0u8; 24];
        if stream.read_exact(&mut preface).is_err() {
            return;
        }
        // length 5, type SETTINGS, no flags, stream 0; then 5 bytes.
        let _ = stream.write_all(&[0, 0, 5, 4, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
        let _ = stream.flush();
        let mut rest = [0u8; 1024];
        while matches!(stream.read(&mut rest), Ok(n) if n > 0) {}
    });
    let path = fixture.file(
        "h2.yaml",
        &format!(
            "name: h2\nsteps:\n  - name: Broken\n    request: {{ url: \"https://localhost:{port}/\", timeout: 5s }}\n"
        ),
    );
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--cacert".as_ref(),
        pki.ca.as_os_str(),
    ]);
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output.stdout.contains(&format!(
            "error: the HTTP/2 exchange with localhost:{port} failed: "
        )),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains("SendRequest"), "{}", output.stdout);
}

/// A POST or PATCH is not sent again: the server may have acted on it before closing.
#[test]
fn a_post_or_patch_whose_connection_closes_unanswered_is_not_sent_again() {
    for method in ["POST", "PATCH"] {
        let (address, received) = keep_alive_server(|_, request| {
            if request == 0 {
                Answer::Keep
            } else {
                Answer::Drop
            }
        });
        let steps = format!(
            "  - name: First\n    request: {{ url: \"{{S}}/one\" }}\n  - name: Write\n    request: {{ method: {method}, url: \"{{S}}/write\", json: {{ n: 1 }} }}\n"
        );
        let output = run_steps(&Fixture::new(), address, &steps);
        assert_eq!(output.code, 3, "{method}: {output:?}");
        assert!(output.stdout.contains(CUT), "{method}: {}", output.stdout);
        let lines = received.lines();
        assert_eq!(
            lines,
            [
                "GET /one HTTP/1.1".to_owned(),
                format!("{method} /write HTTP/1.1")
            ],
            "{method}"
        );
        assert_eq!(received.connections(), 1, "{method}");
    }
}

/// A GET is sent again once, not more: a server that closes every connection unanswered
/// still fails the step.
#[test]
fn a_request_is_sent_again_once_only() {
    let (address, received) = keep_alive_server(|_, _| Answer::Drop);
    let output = run_steps(
        &Fixture::new(),
        address,
        "  - name: Lost\n    request: { url: \"{S}/lost\" }\n",
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(output.stdout.contains(CUT), "{}", output.stdout);
    assert_eq!(received.lines().len(), 2);
}

/// The step's timeout bounds the request and its resend together.
#[test]
fn the_timeout_bounds_the_request_and_its_resend() {
    let (address, received) =
        keep_alive_server(|connection, request| match (connection, request) {
            (0, 0) => Answer::Keep,
            (0, _) => Answer::Drop,
            _ => Answer::Hang,
        });
    let started = Instant::now();
    let output = run_steps(
        &Fixture::new(),
        address,
        "  - name: First\n    request: { url: \"{S}/one\" }\n  - name: Resent\n    request: { url: \"{S}/two\", timeout: 700ms }\n",
    );
    assert_eq!(output.code, 3, "{output:?}");
    assert!(
        output
            .stdout
            .contains("within the request timeout of 700 ms"),
        "{}",
        output.stdout
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(received.lines().len(), 3);
}

/// A `timeout` of `0s` is no limit (as curl's `--max-time 0` and Newman's
/// `--timeout-request 0`), on the step and from `--timeout` alike: a response that takes a
/// while is waited for, not failed at once.
#[test]
fn a_timeout_of_zero_is_no_limit() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "zero.yaml",
        &format!(
            "name: Zero\nsteps:\n  - name: Own\n    request: {{ url: \"http://{0}/sleep/300\", timeout: 0s }}\n  - name: Flag\n    request: {{ url: \"http://{0}/sleep/300\" }}\n",
            crate::support::server()
        ),
    );
    let output = runner([
        "run".as_ref(),
        path.as_os_str(),
        "--timeout".as_ref(),
        "0s".as_ref(),
        "--connect-timeout".as_ref(),
        "0s".as_ref(),
    ]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("2 passed"), "{}", output.stdout);
}

/// A header sent on several field lines is one list (RFC 9110 §5.3): expectations, captures
/// and `steps.<id>.headers` read every value, joined by `, `, not only the first; a line that
/// repeats a value (a proxy's second `Content-Type`) adds nothing.
#[test]
fn a_header_on_several_lines_is_read_as_one_list() {
    let address = fault_server(Fault::BadResponse(
        b"HTTP/1.1 200 OK\r\nx-rep: v0\r\ncontent-type: application/json\r\ncontent-length: 2\r\nx-rep: v1\r\nContent-Type: application/json\r\nX-Rep: v2\r\nconnection: close\r\n\r\n{}",
    ));
    let fixture = Fixture::new();
    let path = fixture.file(
        "rep.yaml",
        &format!(
            "name: Repeated\nsteps:\n  - name: list\n    id: first\n    request: {{ url: \"http://{address}/\" }}\n    expect: {{ headers: {{ x-rep: \"v0, v1, v2\", content-type: application/json }} }}\n    capture: {{ rep: {{ header: x-rep }} }}\n  - name: read\n    request: {{ url: \"http://{address}/?c={{{{rep}}}}&s={{{{steps.first.headers.x-rep}}}}\" }}\n    expect: {{ url: {{ ends_with: \"c=v0,%20v1,%20v2&s=v0,%20v1,%20v2\" }} }}\n"
        ),
    );
    let output = runner(["run", path.to_str().expect("utf-8")]);
    assert_eq!(output.code, 0, "{output:?}");
}
